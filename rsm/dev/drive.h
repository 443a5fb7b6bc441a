/* SPDX-License-Identifier: MIT
 * rsm/dev/drive.h - the tape drive driver (SSC-4) over a struct xport.
 *
 * What it models: one sequential-access logical unit (PDT 01h), used the way Linux st
 * uses one (t10-notes "Linux st at open"): TEST UNIT READY with UNIT ATTENTION retries,
 * NOT READY 04/01 "becoming ready" polled within a budget, 3A/00 reported as
 * RSM_DEV_E_NO_MEDIUM. Data commands use variable-block mode (the block length is the
 * transfer length). Every call is one SSC operation returning an enum rsm_dev_rc with the
 * sense kept for rsm_drv_last_sense(); a sense 00/17 "cleaning requested" seen on any
 * command (or REQUEST SENSE) sets RSM_DEV_EV_CLEANING and rsm_drv_cleaning_requested().
 *
 * Ownership: the transport given to rsm_drv_open() is borrowed unless rsm_drv_open_uri()
 * opened it. Threads: one thread at a time per handle.
 */
#ifndef OPENRSM_RSM_DEV_DRIVE_H
#define OPENRSM_RSM_DEV_DRIVE_H

#include "rsm/dev/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

struct xport;
struct rsm_drv;

/* Opens the drive on @xp (borrowed): INQUIRY must say PDT 01h (else WRONG_TYPE),
 * identity from VPD 80h/83h, timeouts from RSOC when offered, and one TEST UNIT READY
 * to consume the power-on unit attentions (a drive without a tape opens fine).
 * *@out owned (rsm_drv_close()); NULL on failure. */
enum rsm_dev_rc rsm_drv_open(struct xport *xp, const struct rsm_dev_opts *opts,
                             struct rsm_drv **out);
enum rsm_dev_rc rsm_drv_open_uri(const char *uri, const struct rsm_dev_opts *opts,
                                 struct rsm_drv **out);
void rsm_drv_close(struct rsm_drv *drv);

const struct rsm_dev_ident *rsm_drv_ident(const struct rsm_drv *drv);
const struct rsm_dev_sense *rsm_drv_last_sense(const struct rsm_drv *drv);
struct xport *rsm_drv_xport(const struct rsm_drv *drv);
uint32_t rsm_drv_events(struct rsm_drv *drv); /* fetch and clear */
uint32_t rsm_drv_timeout_ms(const struct rsm_drv *drv, uint8_t opcode, bool *from_rsoc);
unsigned long rsm_drv_commands(const struct rsm_drv *drv);
/* True once a 00/17 sense was seen; cleared by rsm_drv_clear_cleaning(). */
bool rsm_drv_cleaning_requested(const struct rsm_drv *drv);
void rsm_drv_clear_cleaning(struct rsm_drv *drv);

/* One TEST UNIT READY round (UAs re-sent, no 04/01 wait): OK, NO_MEDIUM,
 * BECOMING_READY, NOT_READY ... */
enum rsm_dev_rc rsm_drv_test_ready(struct rsm_drv *drv);
/* TEST UNIT READY until ready within the handle's budget (04/01 retried). */
enum rsm_dev_rc rsm_drv_wait_ready(struct rsm_drv *drv);
/* REQUEST SENSE: fills rsm_drv_last_sense() with the drive's pending condition (notes
 * 00/17). OK even when the condition is NO SENSE. */
enum rsm_dev_rc rsm_drv_request_sense(struct rsm_drv *drv);

/* LOAD UNLOAD: load (thread to BOT) or unload (rewind and eject, ready for the robot). */
enum rsm_dev_rc rsm_drv_load(struct rsm_drv *drv);
enum rsm_dev_rc rsm_drv_unload(struct rsm_drv *drv);
enum rsm_dev_rc rsm_drv_rewind(struct rsm_drv *drv);
/* PREVENT ALLOW MEDIUM REMOVAL on the drive. */
enum rsm_dev_rc rsm_drv_prevent(struct rsm_drv *drv, bool prevent);

struct rsm_drv_limits {
    uint8_t granularity;
    uint32_t max_len; /* 0: no limit */
    uint16_t min_len;
};
enum rsm_dev_rc rsm_drv_block_limits(struct rsm_drv *drv, struct rsm_drv_limits *out);

/* MODE SENSE(6) header + block descriptor (what st reads at open). */
struct rsm_drv_mode {
    uint8_t medium_type;
    uint8_t density;
    uint32_t block_len; /* 0: variable */
    bool wp;            /* write protected */
    uint8_t buffered_mode;
};
enum rsm_dev_rc rsm_drv_mode(struct rsm_drv *drv, struct rsm_drv_mode *out);

/* READ(6) of one variable block into @buf (@cap bytes; SILI=0). *@n gets its length.
 * A block longer than @cap: RSM_DEV_E_ILLEGAL-free, returns OK with *@n = @cap and
 * *@n_block (may be NULL) = the real length (ILI with residue); a shorter block is OK.
 * FILEMARK when a filemark was read (*@n = 0), BLANK at end of data. */
enum rsm_dev_rc rsm_drv_read(struct rsm_drv *drv, void *buf, size_t cap, size_t *n,
                             size_t *n_block);
/* WRITE(6) of one variable block of @len bytes (at most 16 MiB - 1). */
enum rsm_dev_rc rsm_drv_write(struct rsm_drv *drv, const void *buf, size_t len);
enum rsm_dev_rc rsm_drv_write_filemarks(struct rsm_drv *drv, uint32_t count);

/* SPACE: @code 0 blocks, 1 filemarks, 3 end of data; @count negative toward BOT.
 * SPACE(6) when it fits 24 bits, else SPACE(16). FILEMARK / BLANK / EOM as the drive
 * stopped; *@residue (may be NULL) gets the INFORMATION field then. */
enum rsm_dev_rc rsm_drv_space(struct rsm_drv *drv, uint8_t code, int64_t count, int64_t *residue);
/* LOCATE to logical object @lo_id (LOCATE(10), or (16) above 32 bits). */
enum rsm_dev_rc rsm_drv_locate(struct rsm_drv *drv, uint64_t lo_id);

struct rsm_drv_position {
    bool bop, eop, bpew, perr;
    uint32_t partition;
    uint64_t lo_id; /* logical object (block) number */
};
/* READ POSITION (long form, falling back to the short form if refused). */
enum rsm_dev_rc rsm_drv_read_position(struct rsm_drv *drv, struct rsm_drv_position *out);

/* LOG SENSE page 2Eh: bit (n - 1) of *@mask is TapeAlert flag n. Reading clears the
 * flags on most drives (SSC-4). */
enum rsm_dev_rc rsm_drv_tapealert(struct rsm_drv *drv, uint64_t *mask);

/* Host-type MAM attributes (SPC-4 7.4.2.4). @present bits say which fields hold data
 * (read) or are to be written (write). Strings are trimmed on read and space padded to
 * the standard length on write; GUIDs are 36 binary bytes. */
enum rsm_drv_mam_field {
    RSM_MAM_APP_VENDOR = 1u << 0,  /* 0800h, 8 ASCII    */
    RSM_MAM_APP_NAME = 1u << 1,    /* 0801h, 32 ASCII   */
    RSM_MAM_USER_LABEL = 1u << 2,  /* 0803h, 160 text   */
    RSM_MAM_BARCODE = 1u << 3,     /* 0806h, 32 ASCII   */
    RSM_MAM_MEDIA_POOL = 1u << 4,  /* 0808h, 160 text   */
    RSM_MAM_MEDIUM_GUID = 1u << 5, /* 0820h, 36 binary  */
    RSM_MAM_POOL_GUID = 1u << 6,   /* 0821h, 36 binary  */
};
#define RSM_MAM_GUID_LEN 36
struct rsm_drv_mam {
    unsigned present;
    char app_vendor[9];
    char app_name[33];
    char user_label[161];
    char barcode[33];
    char media_pool[161];
    uint8_t medium_guid[RSM_MAM_GUID_LEN];
    uint8_t pool_guid[RSM_MAM_GUID_LEN];
};
/* READ ATTRIBUTE (values from 0800h) of the loaded medium; attributes the medium does
 * not hold are simply absent from @present. NO_MEDIUM without a tape. */
enum rsm_dev_rc rsm_drv_mam_read(struct rsm_drv *drv, struct rsm_drv_mam *out);
/* WRITE ATTRIBUTE of the fields in @in->present, all in one parameter list (the drive
 * applies all or none). INVAL if @in->present is 0. */
enum rsm_dev_rc rsm_drv_mam_write(struct rsm_drv *drv, const struct rsm_drv_mam *in);

/* Label claiming: rewinds, reads the first block into @buf (*@n bytes, up to @cap),
 * rewinds again. BLANK for a new tape (nothing written), FILEMARK when the tape starts
 * with a filemark. */
enum rsm_dev_rc rsm_drv_read_label(struct rsm_drv *drv, void *buf, size_t cap, size_t *n);

#ifdef __cplusplus
}
#endif

#endif
