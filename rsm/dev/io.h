/* SPDX-License-Identifier: MIT
 * rsm/dev/io.h - internal to rsm/dev: one command to a device with the rules every driver
 * shares (README.md "Retries and timeouts"):
 *   - the CDB is built by scsi/cdb.h from a struct t10_cdb, never by hand;
 *   - the timeout is the device's RSOC recommended timeout for that opcode when it gave
 *     one, else the per-device-type default below;
 *   - UNIT ATTENTION is recorded as an event and the command re-sent (a UA means the
 *     command was not executed, SAM-5 5.14), at most opts.ua_retries times;
 *   - anything else is returned once, classified into enum rsm_dev_rc, with the sense kept
 *     in io->last. Retrying NOT READY 04/01 is the caller's decision (rsm_dev_io_wait_ready
 *     for TEST UNIT READY loops), because re-sending a motion is not always safe.
 * Not a public header: changer.c, drive.c and library.c include it.
 */
#ifndef OPENRSM_RSM_DEV_IO_H
#define OPENRSM_RSM_DEV_IO_H

#include "rsm/dev/dev.h"
#include "scsi/cdb.h"
#include "transport/transport.h"

struct rsm_dev_io {
    struct xport *xp; /* borrowed, or owned when @owns_xp */
    bool owns_xp;
    struct rsm_dev_opts opts;      /* defaults filled in */
    uint8_t pdt;                   /* decides the default timeouts */
    struct rsm_dev_sense last;     /* sense of the last command sent */
    uint32_t events;               /* enum rsm_dev_event bits not yet fetched */
    uint32_t rsoc_timeout_ms[256]; /* 0: no RSOC figure for this opcode */
    bool have_rsoc;                /* RSOC answered with timeouts */
    unsigned long n_cmds;          /* commands sent (re-sends included) */
};

void rsm_dev_io_init(struct rsm_dev_io *io, struct xport *xp, const struct rsm_dev_opts *opts,
                     uint8_t pdt);
/* Closes the transport if owned. */
void rsm_dev_io_fini(struct rsm_dev_io *io);

/* Timeout used for @op: RSOC's recommended value, else the default for io->pdt. */
uint32_t rsm_dev_io_timeout_ms(const struct rsm_dev_io *io, uint8_t op);

/* Sends @c. @buf/@len per @dir; *@xfer (may be NULL) gets the bytes moved. */
enum rsm_dev_rc rsm_dev_io_exec(struct rsm_dev_io *io, const struct t10_cdb *c, enum xport_dir dir,
                                void *buf, size_t len, size_t *xfer);

/* TEST UNIT READY until GOOD: 04/01 (and BUSY) are retried with doubling pauses within
 * opts.ready_budget_ms; any other result is returned at once (3A/00 as NO_MEDIUM). */
enum rsm_dev_rc rsm_dev_io_wait_ready(struct rsm_dev_io *io);

/* INQUIRY (standard, 80h, 83h) into @id. RSM_DEV_E_WRONG_TYPE if the PDT is not @pdt
 * (id->pdt is still filled). A missing 80h/83h page leaves its fields empty. */
enum rsm_dev_rc rsm_dev_io_ident(struct rsm_dev_io *io, uint8_t pdt, struct rsm_dev_ident *id);

/* REPORT SUPPORTED OPERATION CODES (all, RCTD=1) into io->rsoc_timeout_ms. A device that
 * refuses it keeps the defaults; never fails. @supported (256 entries, may be NULL) gets
 * true for each opcode listed. */
void rsm_dev_io_load_rsoc(struct rsm_dev_io *io, bool *supported);

/* Takes sense data returned as data (REQUEST SENSE) into io->last (status GOOD) and
 * records its events. */
void rsm_dev_io_take_sense(struct rsm_dev_io *io, const uint8_t *sense, size_t len);

/* Sense to result (the table in README.md). */
enum rsm_dev_rc rsm_dev_classify(const struct rsm_dev_sense *s);

/* Sleeps @ms milliseconds (the drivers' only wait: between 04/01 polls). */
void rsm_dev_sleep_ms(unsigned ms);

#endif
