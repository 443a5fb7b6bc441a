/* SPDX-License-Identifier: MIT
 * rsm/dev/dev.h - what the changer driver, the drive driver and library discovery share:
 * the one result enum of rsm/dev, the sense a failed command left, a device's identity,
 * the unit-attention events a caller can fetch, and the retry/timeout options.
 *
 * Contract of the whole folder (DESIGN.md): drivers in rsm/dev send SCSI commands through
 * a struct xport (transport/transport.h), decode every byte through scsi/ (t10_*), and
 * return results. They never call the engine; the code that runs them (rsmd) hands the
 * results to rsm/engine/devreg.h. Handles (struct rsm_chg, struct rsm_drv,
 * struct rsm_dev_lib) are used by one thread at a time, like the transport under them.
 * Start reading at changer.h, then drive.h, then library.h; README.md states the retry,
 * timeout, discovery and mapping rules.
 */
#ifndef OPENRSM_RSM_DEV_DEV_H
#define OPENRSM_RSM_DEV_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible function of rsm/dev returns this; zero is success. The device's own
 * sense (key/ASC/ASCQ) of the last command is available beside it (rsm_chg_last_sense(),
 * rsm_drv_last_sense()), so callers can log or map finer than the enum. */
enum rsm_dev_rc {
    RSM_DEV_OK = 0,
    RSM_DEV_E_INVAL, /* bad argument (address out of the layout, NULL, ...)     */
    RSM_DEV_E_NOMEM,
    RSM_DEV_E_TRANSPORT,      /* the command did not reach the device or no answer came  */
    RSM_DEV_E_TIMEOUT,        /* the transport's timeout expired                         */
    RSM_DEV_E_WRONG_TYPE,     /* INQUIRY says another peripheral device type             */
    RSM_DEV_E_PROTOCOL,       /* the device's data could not be decoded                  */
    RSM_DEV_E_NOT_READY,      /* NOT READY other than the cases below (04/xx, ...)       */
    RSM_DEV_E_BECOMING_READY, /* 04/01 still after the retry budget                      */
    RSM_DEV_E_DOOR_OPEN,      /* 04/03 manual intervention required (door, magazine)     */
    RSM_DEV_E_NO_MEDIUM,      /* 3A/xx medium not present                                */
    RSM_DEV_E_UNIT_ATTENTION, /* unit attentions kept coming past the retry limit        */
    RSM_DEV_E_SRC_EMPTY,      /* 3B/0E medium source element empty                       */
    RSM_DEV_E_DST_FULL,       /* 3B/0D medium destination element full                   */
    RSM_DEV_E_PREVENTED,      /* 53/02 medium removal prevented                          */
    RSM_DEV_E_BAD_ADDR,       /* 21/01 invalid element address                           */
    RSM_DEV_E_INCOMPATIBLE,   /* 30/xx incompatible medium                               */
    RSM_DEV_E_UNSUPPORTED,    /* 20/00 invalid command operation code                    */
    RSM_DEV_E_ILLEGAL,        /* other ILLEGAL REQUEST (24/00 invalid field ...)         */
    RSM_DEV_E_HARDWARE,       /* HARDWARE ERROR (15/01 mechanical positioning: a jam)    */
    RSM_DEV_E_MEDIUM,         /* MEDIUM ERROR                                            */
    RSM_DEV_E_WRITE_PROTECT,  /* DATA PROTECT (27/xx write protected, WORM)              */
    RSM_DEV_E_BLANK,          /* BLANK CHECK: end of data                                */
    RSM_DEV_E_FILEMARK,       /* a read stopped at a filemark                            */
    RSM_DEV_E_EOM,            /* end of medium / volume overflow                         */
    RSM_DEV_E_ABORTED,        /* ABORTED COMMAND or TASK ABORTED                         */
    RSM_DEV_E_CONFLICT,       /* RESERVATION CONFLICT                                    */
    RSM_DEV_E_BUSY,           /* BUSY / TASK SET FULL                                    */
    RSM_DEV_E_CHECK,          /* any other CHECK CONDITION or status                     */
    RSM_DEV_E_NOT_FOUND,      /* a lookup found nothing (barcode, drive, element)        */
};

/* Short name ("RSM_DEV_E_SRC_EMPTY"); never NULL. */
const char *rsm_dev_rc_name(enum rsm_dev_rc rc);

/* What the last command left behind. @valid is false when the command ended GOOD with no
 * sense (then key/asc/ascq are 0). @status is the SAM status (00h, 02h, 18h, ...). */
struct rsm_dev_sense {
    bool valid;
    uint8_t status;
    uint8_t key, asc, ascq;
    bool filemark, eom, ili;
    bool info_valid;
    int64_t info; /* INFORMATION (sign-extended 32-bit for fixed format: SSC residues) */
};

/* Renders @s as "ILLEGAL REQUEST: ... (3B/0E)" (snprintf semantics). */
size_t rsm_dev_sense_text(char *out, size_t cap, const struct rsm_dev_sense *s);

/* Unit-attention and other asynchronous conditions seen while running commands. They
 * accumulate until fetched (rsm_chg_events(), rsm_drv_events()), which clears them.
 * NOT_READY_TO_READY (28/00) and IE_ACCESSED (28/01) and RESET (29/xx) mean "the
 * inventory may have changed": the engine should re-inventory. */
enum rsm_dev_event {
    RSM_DEV_EV_NOT_READY_TO_READY = 1u << 0, /* 28/00: door closed, medium loaded      */
    RSM_DEV_EV_IE_ACCESSED = 1u << 1,        /* 28/01: operator used the mail slots    */
    RSM_DEV_EV_RESET = 1u << 2,              /* 29/xx: power on, reset, nexus loss     */
    RSM_DEV_EV_PARAMS_CHANGED = 1u << 3,     /* 2A/xx: mode params, reservations       */
    RSM_DEV_EV_CLEANING = 1u << 4,           /* 00/17 (or 82/82): cleaning requested   */
    RSM_DEV_EV_OTHER_UA = 1u << 5,           /* any other UNIT ATTENTION               */
};
#define RSM_DEV_EV_INVENTORY                                                                       \
    (RSM_DEV_EV_NOT_READY_TO_READY | RSM_DEV_EV_IE_ACCESSED | RSM_DEV_EV_RESET)

/* Retry and timeout knobs. All zero means the defaults in brackets (README.md says why). */
struct rsm_dev_opts {
    unsigned ua_retries;      /* UNIT ATTENTION re-sends per command [10, as Linux st]     */
    unsigned ready_budget_ms; /* total wait for 04/01 "becoming ready" [300000, as PBS]    */
    unsigned ready_poll_ms;   /* longest pause between polls; polls start at 10 ms and
                               * double up to this [1000]                                  */
    bool no_rsoc;             /* do not ask REPORT SUPPORTED OPERATION CODES for timeouts */
};

/* Identity from INQUIRY, VPD 80h and VPD 83h. Strings are trimmed, NUL-terminated. */
#define RSM_DEV_SERIAL_CAP 65
#define RSM_DEV_ID_CAP     64
struct rsm_dev_ident {
    uint8_t pdt;
    char vendor[9], product[17], revision[5];
    char serial[RSM_DEV_SERIAL_CAP]; /* VPD 80h ("" if the page is absent)               */
    uint8_t naa[16];                 /* first NAA designator (LU association) of 83h      */
    uint8_t naa_len;                 /* 0: none                                           */
    char naa_hex[33];                /* the same as lower-case hex ("" if none)           */
    uint8_t t10id[RSM_DEV_ID_CAP];   /* T10 vendor ID designator of 83h (vendor+product+serial) */
    uint8_t t10id_len;
};

#ifdef __cplusplus
}
#endif

#endif
