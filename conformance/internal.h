/* SPDX-License-Identifier: MIT
 * conformance/internal.h - what check functions share: the run state, the command helpers
 * that record evidence, verdict helpers, the motion journal and the inventory reader.
 *
 * A check function gets the run, sends commands with cf_exec()/cf_cmd() (each exchange is
 * kept as evidence of the current check), and calls cf_fail() for every violation,
 * cf_skip() when the device lacks what the check needs. No call to either means PASS.
 * Moves go through cf_move()/cf_exchange() so the runner can undo them.
 * Only the runner thread touches a run.
 */
#ifndef OPENRSM_CONFORMANCE_INTERNAL_H
#define OPENRSM_CONFORMANCE_INTERNAL_H

#include <stdarg.h>

#include "conformance/conform.h"
#include "scsi/cdb.h"
#include "scsi/elem.h"
#include "scsi/mode.h"
#include "scsi/sense.h"
#include "scsi/tables.h"

#define CF_MAX_DRIVES 16
#define CF_MAX_UNDO 64

/* A command's outcome, decoded. */
struct cf_reply {
    enum xport_rc xrc;
    uint8_t status;            /* SAM status; meaningful when xrc == XPORT_OK */
    size_t xfer_len;
    bool has_sense;            /* sense parsed (status 02h with 70h-73h data)   */
    struct t10_sense sense;
};

struct cf_undo {
    uint16_t src, dst;         /* a MOVE src->dst that succeeded                */
    bool exchange;
    uint16_t dst2;             /* EXCHANGE: src->dst, dst->dst2                 */
};

struct conform_run {
    struct conform_opts opts;
    conform_open_fn *open;
    void *open_arg;
    struct conform_dev *changer;
    struct conform_identity ident;
    bool is_sg;
    bool resid_untrusted;      /* the transport reports every transfer as full length (QEMU's
                                * iSCSI driver sets the SG_IO residual to 0): checks that
                                * compare announced lengths with bytes received SKIP */

    /* discovery */
    char discover_err[256];    /* non-empty: the library could not be read */
    bool have_eaa;
    struct t10_mode_eaa eaa;
    bool have_devcap;
    struct t10_mode_devcap devcap;
    bool have_geom;
    struct t10_mode_geometry geom;
    bool voltag_ok;            /* RES with VolTag=1 accepted */
    uint32_t res_alloc;        /* ALLOCATION LENGTH that holds a whole RES report with
                                * VolTag and DVCID (from its header's byte count) */
    struct conform_elem *inv0;
    size_t n_inv0;
    struct conform_elem *inv_final;
    size_t n_inv_final;
    struct conform_drive drives[CF_MAX_DRIVES];
    size_t n_drives;
    bool rsoc_ok;              /* RSOC all-commands form answered */
    uint32_t rsoc_n;
    uint16_t rsoc_op_sa[512];  /* op << 8 | (sa & 0xFF), sa-less ops with sa 0 */
    bool rsoc_has_sa[512];

    /* results */
    struct conform_result *res;
    size_t n_res, cap_res;
    struct conform_result *cur;
    bool cur_failed, cur_skipped;
    struct conform_timing *tim;
    size_t n_tim, cap_tim;

    /* motion journal */
    bool mute;                 /* cf_exec() keeps no evidence (polling loops) */

    struct cf_undo undo[CF_MAX_UNDO];
    size_t n_undo;
    bool restore_failed;
    char restore_why[256];
};

/* ---- verdicts and notes (attach to r->cur) ---- */
void cf_fail(struct conform_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cf_skip(struct conform_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For a check that compares a length the device announces with the bytes received: true
 * (after recording a SKIP with the reason) when the transport's residuals cannot be trusted. */
bool cf_skip_if_resid_untrusted(struct conform_run *r);
void cf_note(struct conform_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cf_timing(struct conform_run *r, const char *kind, double ms, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
double cf_now_ms(void);

/* ---- commands ---- */
/* Sends @cdb to @d, records the exchange under @lu, fills @out. Returns true when the
 * transport delivered it (out->xrc == XPORT_OK); a transport failure is also a cf_fail()
 * of the current check, since a device must answer every command. */
bool cf_exec(struct conform_run *r, struct conform_dev *d, const char *lu, const uint8_t *cdb,
             size_t cdb_len, enum xport_dir dir, void *buf, size_t len, unsigned timeout_ms,
             struct cf_reply *out);
/* Builds @c with t10_cdb_build() and sends it; false (and cf_fail) if it cannot be built. */
bool cf_cmd(struct conform_run *r, struct conform_dev *d, const char *lu, const struct t10_cdb *c,
            enum xport_dir dir, void *buf, size_t len, struct cf_reply *out);

static inline bool cf_good(const struct cf_reply *x) { return x->xrc == XPORT_OK && x->status == 0; }
/* CHECK CONDITION with sense @key and, unless @asc_ascq is 0xFFFF, that ASC/ASCQ
 * (ASCQ 0xFF in @asc_ascq matches any qualifier of the ASC). */
bool cf_sense_is(const struct cf_reply *x, uint8_t key, uint16_t asc_ascq);
/* "GOOD", "CHECK CONDITION ILLEGAL REQUEST: INVALID FIELD IN CDB (24/00) field byte 1",
 * "RESERVATION CONFLICT", "transport: ...". */
const char *cf_reply_text(const struct cf_reply *x, char *buf, size_t cap);
/* cf_fail() unless GOOD; returns cf_good(). */
bool cf_expect_good(struct conform_run *r, const struct cf_reply *x, const char *what);
/* Command rejected as unsupported (20/00, or 24/00 pointing at the opcode/service
 * action byte): a reason to SKIP an optional check. */
bool cf_unsupported(const struct cf_reply *x);

/* Polls @d with TEST UNIT READY until GOOD, for at most @limit_ms. Intermediate polls
 * are not kept as evidence (a real load takes minutes); the first and the last are.
 * NOT READY 04/01 (becoming ready), 04/00, UNIT ATTENTION and, for the first 2 s, 3A/xx
 * (medium not yet seen) are waited through; anything else is a cf_fail(). Records the
 * wait as a timing of @kind. Returns true when the unit became ready. */
bool cf_wait_ready(struct conform_run *r, struct conform_dev *d, const char *lu, double limit_ms,
                   const char *kind, const char *what);

/* Clears pending unit attentions on @d (TEST UNIT READY up to 8 times). */
void cf_clear_ua(struct conform_run *r, struct conform_dev *d, const char *lu);

/* ---- common commands ---- */
bool cf_inquiry(struct conform_run *r, struct conform_dev *d, const char *lu, bool evpd,
                uint8_t page, uint8_t *buf, uint16_t alloc, struct cf_reply *out);
bool cf_mode_sense(struct conform_run *r, struct conform_dev *d, const char *lu, bool ten,
                   bool dbd, uint8_t page, uint8_t *buf, uint16_t alloc, struct cf_reply *out);
bool cf_res(struct conform_run *r, uint8_t type, uint16_t start, uint16_t n, bool voltag,
            bool dvcid, bool curdata, uint8_t *buf, uint32_t alloc, struct cf_reply *out);
bool cf_log_sense(struct conform_run *r, struct conform_dev *d, const char *lu, uint8_t page,
                  uint8_t *buf, uint16_t alloc, struct cf_reply *out);

/* ALLOCATION LENGTH for a whole READ ELEMENT STATUS report: the size the device announced
 * at discovery plus room for growth, at least 4 KiB. Real HBAs limit one SG_IO transfer,
 * so the harness asks for what the report needs rather than a fixed megabyte. */
uint32_t cf_res_alloc(const struct conform_run *r);

/* Reads the whole inventory (all element types, VolTag if the device takes it) into
 * @out (caller's array of CONFORM_MAX_ELEMS); *n gets the count. False (with a
 * cf_note) when it cannot be read. */
bool cf_inventory(struct conform_run *r, struct conform_elem *out, size_t *n, bool dvcid);
/* Parses a RES response into @out (cap entries). Returns false if malformed. */
bool cf_parse_res(const uint8_t *buf, size_t len, struct conform_elem *out, size_t cap,
                  size_t *n, bool *truncated, char *why, size_t why_cap);

/* ---- motion ---- */
/* MOVE MEDIUM @src -> @dst through transport @mt (journaled when GOOD; timing recorded). */
bool cf_move(struct conform_run *r, uint16_t mt, uint16_t src, uint16_t dst, bool invert,
             struct cf_reply *out);
bool cf_exchange(struct conform_run *r, uint16_t src, uint16_t dst1, uint16_t dst2,
                 struct cf_reply *out);
/* Undoes the journal in reverse; false (restore_failed set) when a move back failed. */
bool cf_restore(struct conform_run *r);
/* The first transport element address (page 1Dh), 0 if unknown. */
uint16_t cf_mt(const struct conform_run *r);
/* Drive mapped to DT element @addr, or NULL. */
struct conform_drive *cf_drive_for(struct conform_run *r, uint16_t addr);
/* Unloads the drive at DT @addr if it has a LUN (LOAD UNLOAD with LOAD=0); ignores errors
 * other than recording them. */
void cf_unload(struct conform_run *r, uint16_t addr);
/* Name of an element type: "MT", "ST", "IE", "DT". */
const char *cf_type_name(uint8_t type);
/* Hex of @len bytes into @out (2 chars per byte, NUL-terminated, clipped to @cap). */
void cf_hex(char *out, size_t cap, const uint8_t *buf, size_t len);

/* ---- check functions (checks_*.c), listed in catalogue.c ---- */
#define CF_CHECK(name) void name(struct conform_run *r)
/* identification, unit attentions, errors, reservations (checks_spc.c) */
CF_CHECK(chk_inq_std); CF_CHECK(chk_inq_alloc0); CF_CHECK(chk_inq_alloc1);
CF_CHECK(chk_inq_alloc5); CF_CHECK(chk_inq_alloc36); CF_CHECK(chk_inq_alloc255);
CF_CHECK(chk_inq_ascii); CF_CHECK(chk_vpd00); CF_CHECK(chk_vpd_each); CF_CHECK(chk_vpd80);
CF_CHECK(chk_vpd83); CF_CHECK(chk_vpd_stable); CF_CHECK(chk_vpd_unsupported);
CF_CHECK(chk_vpd_alloc); CF_CHECK(chk_luns); CF_CHECK(chk_luns_trunc);
CF_CHECK(chk_luns_drives); CF_CHECK(chk_rsoc_all); CF_CHECK(chk_rsoc_accepted);
CF_CHECK(chk_rsoc_one); CF_CHECK(chk_rsoc_one_unsupported); CF_CHECK(chk_rsoc_timeouts);
CF_CHECK(chk_tur); CF_CHECK(chk_request_sense); CF_CHECK(chk_ua_first);
CF_CHECK(chk_ua_inquiry); CF_CHECK(chk_ua_luns); CF_CHECK(chk_ua_reqsense);
CF_CHECK(chk_err_opcode); CF_CHECK(chk_err_reserved); CF_CHECK(chk_err_field_ptr);
CF_CHECK(chk_err_control); CF_CHECK(chk_err_mode_page); CF_CHECK(chk_err_log_page);
CF_CHECK(chk_err_sa); CF_CHECK(chk_err_sense_format); CF_CHECK(chk_res_reserve);
CF_CHECK(chk_res_release_other); CF_CHECK(chk_res_exempt); CF_CHECK(chk_pr_keys);
CF_CHECK(chk_pr_caps); CF_CHECK(chk_pr_reserve);
/* changer (checks_smc.c) */
CF_CHECK(chk_1d_dbd0); CF_CHECK(chk_1d_dbd1); CF_CHECK(chk_1d_ten); CF_CHECK(chk_1d_counts);
CF_CHECK(chk_1d_overlap); CF_CHECK(chk_1f); CF_CHECK(chk_1e); CF_CHECK(chk_mode_all);
CF_CHECK(chk_mode_trunc); CF_CHECK(chk_res_all); CF_CHECK(chk_res_types);
CF_CHECK(chk_res_voltag); CF_CHECK(chk_res_novoltag); CF_CHECK(chk_res_dvcid);
CF_CHECK(chk_res_dvcid_voltag); CF_CHECK(chk_res_trunc); CF_CHECK(chk_res_hdr_only);
CF_CHECK(chk_res_single); CF_CHECK(chk_res_start); CF_CHECK(chk_res_count);
CF_CHECK(chk_res_curdata); CF_CHECK(chk_res_flags); CF_CHECK(chk_res_badtype);
CF_CHECK(chk_res_timing); CF_CHECK(chk_ies); CF_CHECK(chk_ies_range); CF_CHECK(chk_ies_vendor);
CF_CHECK(chk_mv_st_st); CF_CHECK(chk_mv_st_ie); CF_CHECK(chk_mv_st_dt);
CF_CHECK(chk_mv_ie_st); CF_CHECK(chk_mv_ie_ie); CF_CHECK(chk_mv_ie_dt);
CF_CHECK(chk_mv_dt_st); CF_CHECK(chk_mv_dt_ie); CF_CHECK(chk_mv_dt_dt);
CF_CHECK(chk_mv_disallowed); CF_CHECK(chk_mv_empty_src); CF_CHECK(chk_mv_full_dst);
CF_CHECK(chk_mv_bad_src); CF_CHECK(chk_mv_bad_dst); CF_CHECK(chk_mv_bad_mt);
CF_CHECK(chk_mv_mt0); CF_CHECK(chk_mv_invert); CF_CHECK(chk_mv_prevented);
CF_CHECK(chk_mv_svalid); CF_CHECK(chk_mv_no_unload); CF_CHECK(chk_xchg); CF_CHECK(chk_xchg_bad); CF_CHECK(chk_pos);
CF_CHECK(chk_pos_bad); CF_CHECK(chk_ie_flags); CF_CHECK(chk_prevent_allow);
CF_CHECK(chk_prevent_reserved); CF_CHECK(chk_voltag_translate); CF_CHECK(chk_open_close_ie); CF_CHECK(chk_changer_log);
/* drives (checks_ssc.c) */
CF_CHECK(chk_drv_inquiry); CF_CHECK(chk_drv_map); CF_CHECK(chk_drv_vpd_ssc);
CF_CHECK(chk_drv_b4); CF_CHECK(chk_drv_nomedia); CF_CHECK(chk_drv_rbl);
CF_CHECK(chk_drv_mode_st); CF_CHECK(chk_drv_log00); CF_CHECK(chk_drv_tapealert);
CF_CHECK(chk_drv_ta_b2); CF_CHECK(chk_dp_load); CF_CHECK(chk_dp_variable);
CF_CHECK(chk_dp_ili_long); CF_CHECK(chk_dp_ili_short); CF_CHECK(chk_dp_fixed);
CF_CHECK(chk_dp_filemark); CF_CHECK(chk_dp_space_fm); CF_CHECK(chk_dp_space_blocks_fm);
CF_CHECK(chk_dp_eod); CF_CHECK(chk_dp_readpos); CF_CHECK(chk_dp_readpos_long);
CF_CHECK(chk_dp_locate); CF_CHECK(chk_dp_rewind); CF_CHECK(chk_mam_supported);
CF_CHECK(chk_mam_values); CF_CHECK(chk_mam_alloc); CF_CHECK(chk_dp_unload);
CF_CHECK(chk_drv_density); CF_CHECK(chk_drv_compression); CF_CHECK(chk_dp_locate16);
CF_CHECK(chk_dp_readpos_ext);

#endif
