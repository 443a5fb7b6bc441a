/* SPDX-License-Identifier: MIT
 * scsi/cdb.c - CDB decoding and building, driven by one table per command.
 *
 * Each command is described once (struct cmd_def): opcode, fixed service action, length,
 * device types, and the fields with byte, bit position and width. The same description
 * drives the decoder (extract fields, then reject every bit no field covers, so a
 * reserved bit can never be silently ignored), the builder, and the RSOC CDB usage data,
 * so the three cannot disagree. What a table cannot say (values the standard reserves
 * inside a field) is checked by a small per-command function.
 */
#include "scsi/cdb.h"

#include <stddef.h>
#include <string.h>

#include "scsi/be.h"
#include "scsi/tables.h"

/* One field: @bits <= 8 lies inside byte @byte at bit @shift; wider fields (16, 24, 32,
 * 64) are whole big-endian bytes from @byte. @off/@size locate the struct member. */
struct fld {
    uint8_t byte, shift, bits;
    bool sgn;
    uint16_t off;
    uint8_t size;
};

#define MEMBER_SIZE(m) sizeof(((struct t10_cdb *)0)->u.m)
#define F(b, sh, nb, m)                                                                            \
    {                                                                                              \
        (b), (sh), (nb), false, offsetof(struct t10_cdb, u.m), MEMBER_SIZE(m)                      \
    }
#define FS(b, sh, nb, m)                                                                           \
    {                                                                                              \
        (b), (sh), (nb), true, offsetof(struct t10_cdb, u.m), MEMBER_SIZE(m)                       \
    }

typedef enum t10_rc check_fn(const struct t10_cdb *c, struct t10_field_ptr *bad);

struct cmd_def {
    enum t10_cdb_kind kind;
    uint8_t op;
    int8_t sa; /* fixed SERVICE ACTION in byte 1 bits 4..0, or -1 */
    uint8_t len;
    uint32_t devmask;
    const char *name;
    const struct fld *f;
    uint8_t nf;
    check_fn *check;
};

static void set_ptr(struct t10_field_ptr *bad, uint16_t byte, int bit)
{
    if (!bad)
        return;
    bad->byte = byte;
    bad->cd = true;
    bad->bpv = bit >= 0;
    bad->bit = bit >= 0 ? (uint8_t)bit : 0;
}

/* ---- per-command value checks (fields already extracted) ---- */

static enum t10_rc chk_inquiry(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    /* SPC-4 6.4.1: PAGE CODE must be zero when EVPD is zero. */
    if (!c->u.inquiry.evpd && c->u.inquiry.page != 0) {
        set_ptr(bad, 2, 7);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_report_luns(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    uint8_t s = c->u.report_luns.select_report;
    if (s > 2 && (s < 0x10 || s > 0x12)) {
        set_ptr(bad, 2, 7);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_rsoc(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    if (c->u.rsoc.options > T10_RSOC_ONE_EITHER) {
        set_ptr(bad, 2, 2);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_pr_in(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    if (c->u.pr_in.sa > T10_PRIN_READ_FULL_STATUS) {
        set_ptr(bad, 1, 4);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_pr_out(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    if (c->u.pr_out.sa > T10_PROUT_REPLACE_LOST) {
        set_ptr(bad, 1, 4);
        return T10_EINVAL;
    }
    if (c->u.pr_out.scope != 0) { /* only LU_SCOPE is defined (SPC-4 Table 175) */
        set_ptr(bad, 2, 7);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_prevent(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    /* Values 2 and 3 are obsolete/reserved for SSC and SMC logical units. */
    if (c->u.prevent_allow.prevent > 1) {
        set_ptr(bad, 4, 1);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_send_diag(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    /* SPC-4 6.42: with SELFTEST set the SELF-TEST CODE shall be 000b. */
    if (c->u.send_diag.self_test && c->u.send_diag.self_test_code != 0) {
        set_ptr(bad, 1, 7);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_read_attr(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    uint8_t sa = c->u.read_attr.sa;
    if (sa > T10_RA_SUPPORTED || sa == 0x04) {
        set_ptr(bad, 1, 4);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_elem_type(uint8_t t, struct t10_field_ptr *bad)
{
    if (t > T10_ELEM_DT) {
        set_ptr(bad, 1, 3);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_res(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    return chk_elem_type(c->u.res.elem_type, bad);
}

static enum t10_rc chk_send_voltag(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    return chk_elem_type(c->u.send_voltag.elem_type, bad);
}

static enum t10_rc chk_req_vol(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    return chk_elem_type(c->u.req_vol_addr.elem_type, bad);
}

static enum t10_rc chk_open_close(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    if (c->u.open_close.action > T10_IE_CLOSE) {
        set_ptr(bad, 4, 4);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_read6(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    /* SSC-4 6.4 READ(6): SILI and FIXED both one is an invalid combination. */
    if (c->u.rw6.sili && c->u.rw6.fixed) {
        set_ptr(bad, 1, 1);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_space(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    /* Codes 4 and 5 (setmarks) are obsolete in SSC-4; 6 and above reserved. */
    if (c->u.space.code > T10_SPACE_EOD) {
        set_ptr(bad, 1, 3);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_locate16(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    uint8_t t = c->u.locate.dest_type;
    if (t != T10_LOCATE_OBJECT && t != T10_LOCATE_FILE && t != T10_LOCATE_EOD) {
        set_ptr(bad, 1, 5);
        return T10_EINVAL;
    }
    return T10_OK;
}

static enum t10_rc chk_read_pos(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    switch (c->u.read_pos.sa) {
    case T10_RP_SHORT:
    case T10_RP_SHORT_VS:
    case T10_RP_LONG:
    case T10_RP_EXTENDED:
        return T10_OK;
    }
    set_ptr(bad, 1, 4);
    return T10_EINVAL;
}

/* ---- field tables (byte, bit, width, member) ---- */

static const struct fld f_request_sense[] = {F(1, 0, 1, request_sense.desc),
                                             F(4, 0, 8, request_sense.alloc_len)};
static const struct fld f_inquiry[] = {F(1, 0, 1, inquiry.evpd), F(2, 0, 8, inquiry.page),
                                       F(3, 0, 16, inquiry.alloc_len)};
static const struct fld f_mode_select6[] = {F(1, 4, 1, mode_select.pf), F(1, 0, 1, mode_select.sp),
                                            F(4, 0, 8, mode_select.param_len)};
static const struct fld f_mode_sense6[] = {
    F(1, 3, 1, mode_sense.dbd), F(2, 6, 2, mode_sense.pc), F(2, 0, 6, mode_sense.page),
    F(3, 0, 8, mode_sense.subpage), F(4, 0, 8, mode_sense.alloc_len)};
static const struct fld f_mode_select10[] = {F(1, 4, 1, mode_select.pf), F(1, 0, 1, mode_select.sp),
                                             F(7, 0, 16, mode_select.param_len)};
static const struct fld f_mode_sense10[] = {
    F(1, 4, 1, mode_sense.llbaa),   F(1, 3, 1, mode_sense.dbd),
    F(2, 6, 2, mode_sense.pc),      F(2, 0, 6, mode_sense.page),
    F(3, 0, 8, mode_sense.subpage), F(7, 0, 16, mode_sense.alloc_len)};
static const struct fld f_log_select[] = {
    F(1, 1, 1, log_select.pcr),  F(1, 0, 1, log_select.sp),      F(2, 6, 2, log_select.pc),
    F(2, 0, 6, log_select.page), F(3, 0, 8, log_select.subpage), F(7, 0, 16, log_select.param_len)};
static const struct fld f_log_sense[] = {
    F(1, 1, 1, log_sense.ppc),       F(1, 0, 1, log_sense.sp),
    F(2, 6, 2, log_sense.pc),        F(2, 0, 6, log_sense.page),
    F(3, 0, 8, log_sense.subpage),   F(5, 0, 16, log_sense.param_ptr),
    F(7, 0, 16, log_sense.alloc_len)};
static const struct fld f_report_luns[] = {F(2, 0, 8, report_luns.select_report),
                                           F(6, 0, 32, report_luns.alloc_len)};
static const struct fld f_rsoc[] = {F(2, 7, 1, rsoc.rctd), F(2, 0, 3, rsoc.options),
                                    F(3, 0, 8, rsoc.req_op), F(4, 0, 16, rsoc.req_sa),
                                    F(6, 0, 32, rsoc.alloc_len)};
static const struct fld f_reserve6[] = {F(1, 0, 1, reserve.element), F(2, 0, 8, reserve.res_id),
                                        F(3, 0, 16, reserve.param_len)};
static const struct fld f_release6[] = {F(1, 0, 1, reserve.element), F(2, 0, 8, reserve.res_id)};
static const struct fld f_reserve10[] = {
    F(1, 4, 1, reserve.third_party),    F(1, 1, 1, reserve.longid),
    F(1, 0, 1, reserve.element),        F(2, 0, 8, reserve.res_id),
    F(3, 0, 8, reserve.third_party_id), F(7, 0, 16, reserve.param_len)};
static const struct fld f_pr_in[] = {F(1, 0, 5, pr_in.sa), F(7, 0, 16, pr_in.alloc_len)};
static const struct fld f_pr_out[] = {F(1, 0, 5, pr_out.sa), F(2, 4, 4, pr_out.scope),
                                      F(2, 0, 4, pr_out.type), F(5, 0, 32, pr_out.param_len)};
static const struct fld f_prevent[] = {F(4, 0, 2, prevent_allow.prevent)};
static const struct fld f_send_diag[] = {
    F(1, 5, 3, send_diag.self_test_code), F(1, 4, 1, send_diag.pf),
    F(1, 2, 1, send_diag.self_test),      F(1, 1, 1, send_diag.devoffl),
    F(1, 0, 1, send_diag.unitoffl),       F(3, 0, 16, send_diag.param_len)};
static const struct fld f_read_attr[] = {
    F(1, 0, 5, read_attr.sa),          F(5, 0, 8, read_attr.lv),
    F(7, 0, 8, read_attr.partition),   F(8, 0, 16, read_attr.first_attr),
    F(10, 0, 32, read_attr.alloc_len), F(14, 0, 1, read_attr.cache)};
static const struct fld f_write_attr[] = {F(1, 0, 1, write_attr.wtc), F(5, 0, 8, write_attr.lv),
                                          F(7, 0, 8, write_attr.partition),
                                          F(10, 0, 32, write_attr.param_len)};
static const struct fld f_res[] = {F(1, 4, 1, res.voltag),      F(1, 0, 4, res.elem_type),
                                   F(2, 0, 16, res.start_addr), F(4, 0, 16, res.n_elems),
                                   F(6, 1, 1, res.curdata),     F(6, 0, 1, res.dvcid),
                                   F(7, 0, 24, res.alloc_len)};
static const struct fld f_move[] = {F(2, 0, 16, move.transport), F(4, 0, 16, move.src),
                                    F(6, 0, 16, move.dst), F(10, 0, 1, move.invert)};
static const struct fld f_exchange[] = {
    F(2, 0, 16, exchange.transport), F(4, 0, 16, exchange.src),     F(6, 0, 16, exchange.dst1),
    F(8, 0, 16, exchange.dst2),      F(10, 1, 1, exchange.invert2), F(10, 0, 1, exchange.invert1)};
static const struct fld f_init_range[] = {F(1, 1, 1, init_range.fast), F(1, 0, 1, init_range.range),
                                          F(2, 0, 16, init_range.start_addr),
                                          F(6, 0, 16, init_range.n_elems)};
static const struct fld f_position[] = {F(2, 0, 16, position.transport), F(4, 0, 16, position.dst),
                                        F(8, 0, 1, position.invert)};
static const struct fld f_open_close[] = {F(2, 0, 16, open_close.elem_addr),
                                          F(4, 0, 5, open_close.action)};
static const struct fld f_send_voltag[] = {
    F(1, 0, 4, send_voltag.elem_type), F(2, 0, 16, send_voltag.elem_addr),
    F(5, 0, 5, send_voltag.action), F(8, 0, 16, send_voltag.param_len)};
static const struct fld f_req_vol[] = {
    F(1, 4, 1, req_vol_addr.voltag), F(1, 0, 4, req_vol_addr.elem_type),
    F(2, 0, 16, req_vol_addr.elem_addr), F(4, 0, 16, req_vol_addr.n_elems),
    F(7, 0, 24, req_vol_addr.alloc_len)};
static const struct fld f_read6[] = {F(1, 1, 1, rw6.sili), F(1, 0, 1, rw6.fixed),
                                     F(2, 0, 24, rw6.xfer_len)};
static const struct fld f_write6[] = {F(1, 0, 1, rw6.fixed), F(2, 0, 24, rw6.xfer_len)};
static const struct fld f_write_fm[] = {F(1, 1, 1, write_fm.wsmk), F(1, 0, 1, write_fm.immed),
                                        F(2, 0, 24, write_fm.count)};
static const struct fld f_space6[] = {F(1, 0, 4, space.code), FS(2, 0, 24, space.count)};
static const struct fld f_space16[] = {F(1, 0, 4, space.code), FS(4, 0, 64, space.count),
                                       F(12, 0, 16, space.param_len)};
static const struct fld f_locate10[] = {F(1, 2, 1, locate.bt), F(1, 1, 1, locate.cp),
                                        F(1, 0, 1, locate.immed), F(3, 0, 32, locate.lo_id),
                                        F(8, 0, 8, locate.partition)};
static const struct fld f_locate16[] = {F(1, 3, 3, locate.dest_type), F(1, 1, 1, locate.cp),
                                        F(1, 0, 1, locate.immed),     F(2, 0, 1, locate.bam),
                                        F(3, 0, 8, locate.partition), F(4, 0, 64, locate.lo_id)};
static const struct fld f_read_pos[] = {F(1, 0, 5, read_pos.sa), F(7, 0, 16, read_pos.alloc_len)};
static const struct fld f_rewind[] = {F(1, 0, 1, rewind.immed)};
static const struct fld f_erase[] = {F(1, 1, 1, erase.immed), F(1, 0, 1, erase.long_erase)};
static const struct fld f_block_limits[] = {F(1, 0, 1, block_limits.mloi)};
static const struct fld f_density[] = {F(1, 1, 1, density.medium_type), F(1, 0, 1, density.media),
                                       F(7, 0, 16, density.alloc_len)};
static const struct fld f_load_unload[] = {
    F(1, 0, 1, load_unload.immed), F(4, 3, 1, load_unload.hold), F(4, 2, 1, load_unload.eot),
    F(4, 1, 1, load_unload.reten), F(4, 0, 1, load_unload.load)};
static const struct fld f_verify6[] = {F(1, 5, 1, verify6.vte),    F(1, 4, 1, verify6.vlbpm),
                                       F(1, 3, 1, verify6.vbf),    F(1, 2, 1, verify6.immed),
                                       F(1, 1, 1, verify6.bytcmp), F(1, 0, 1, verify6.fixed),
                                       F(2, 0, 24, verify6.length)};

static const struct fld f_buffer[] = {F(1, 5, 3, buffer.mode_specific), F(1, 0, 5, buffer.mode),
                                      F(2, 0, 8, buffer.buffer_id), F(3, 0, 24, buffer.offset),
                                      F(6, 0, 24, buffer.len)};
static const struct fld f_recv_diag[] = {F(1, 0, 1, recv_diag.pcv), F(2, 0, 8, recv_diag.page),
                                         F(3, 0, 16, recv_diag.alloc_len)};
static const struct fld f_timestamp[] = {F(6, 0, 32, timestamp.len)};
static const struct fld f_security[] = {F(1, 0, 8, security.protocol),
                                        F(2, 0, 16, security.sp_specific),
                                        F(4, 7, 1, security.inc_512), F(6, 0, 32, security.len)};
static const struct fld f_allow_overwrite[] = {F(2, 0, 4, allow_overwrite.code),
                                               F(3, 0, 8, allow_overwrite.partition),
                                               F(4, 0, 64, allow_overwrite.lo_id)};
static const struct fld f_format_medium[] = {
    F(1, 1, 1, format_medium.verify), F(1, 0, 1, format_medium.immed),
    F(2, 0, 4, format_medium.format), F(3, 0, 16, format_medium.xfer_len)};
static const struct fld f_set_capacity[] = {F(1, 0, 1, set_capacity.immed),
                                            F(3, 0, 16, set_capacity.proportion)};

static enum t10_rc chk_recv_diag(const struct t10_cdb *c, struct t10_field_ptr *bad)
{
    /* SPC-4 6.29: PAGE CODE is meaningful only with PCV set. */
    if (!c->u.recv_diag.pcv && c->u.recv_diag.page != 0) {
        set_ptr(bad, 2, 7);
        return T10_EINVAL;
    }
    return T10_OK;
}

#define ALL  T10_DEV_ALL
#define TAPE T10_DEV(T10_PDT_TAPE)
#define CHGR T10_DEV(T10_PDT_CHANGER)
#define DTM  (T10_DEV(T10_PDT_DISK) | TAPE | CHGR)
#define N(a) (uint8_t)(sizeof(a) / sizeof((a)[0]))
#define CMD(k, op, sa, len, dev, name, f, chk)                                                     \
    {                                                                                              \
        k, op, sa, len, dev, name, f, N(f), chk                                                    \
    }
#define CMD0(k, op, len, dev, name)                                                                \
    {                                                                                              \
        k, op, -1, len, dev, name, NULL, 0, NULL                                                   \
    }

/* Indexed by enum t10_cdb_kind. */
static const struct cmd_def defs[T10_CDB_KIND_COUNT_] = {
    [T10_CDB_TEST_UNIT_READY] = CMD0(T10_CDB_TEST_UNIT_READY, 0x00, 6, ALL, "TEST UNIT READY"),
    [T10_CDB_REQUEST_SENSE] =
        CMD(T10_CDB_REQUEST_SENSE, 0x03, -1, 6, ALL, "REQUEST SENSE", f_request_sense, NULL),
    [T10_CDB_INQUIRY] = CMD(T10_CDB_INQUIRY, 0x12, -1, 6, ALL, "INQUIRY", f_inquiry, chk_inquiry),
    [T10_CDB_MODE_SELECT6] =
        CMD(T10_CDB_MODE_SELECT6, 0x15, -1, 6, ALL, "MODE SELECT(6)", f_mode_select6, NULL),
    [T10_CDB_MODE_SENSE6] =
        CMD(T10_CDB_MODE_SENSE6, 0x1A, -1, 6, ALL, "MODE SENSE(6)", f_mode_sense6, NULL),
    [T10_CDB_MODE_SELECT10] =
        CMD(T10_CDB_MODE_SELECT10, 0x55, -1, 10, ALL, "MODE SELECT(10)", f_mode_select10, NULL),
    [T10_CDB_MODE_SENSE10] =
        CMD(T10_CDB_MODE_SENSE10, 0x5A, -1, 10, ALL, "MODE SENSE(10)", f_mode_sense10, NULL),
    [T10_CDB_LOG_SELECT] =
        CMD(T10_CDB_LOG_SELECT, 0x4C, -1, 10, ALL, "LOG SELECT", f_log_select, NULL),
    [T10_CDB_LOG_SENSE] = CMD(T10_CDB_LOG_SENSE, 0x4D, -1, 10, ALL, "LOG SENSE", f_log_sense, NULL),
    [T10_CDB_REPORT_LUNS] =
        CMD(T10_CDB_REPORT_LUNS, 0xA0, -1, 12, ALL, "REPORT LUNS", f_report_luns, chk_report_luns),
    [T10_CDB_RSOC] = CMD(T10_CDB_RSOC, 0xA3, 0x0C, 12, ALL, "REPORT SUPPORTED OPERATION CODES",
                         f_rsoc, chk_rsoc),
    [T10_CDB_RESERVE6] = CMD(T10_CDB_RESERVE6, 0x16, -1, 6, ALL, "RESERVE(6)", f_reserve6, NULL),
    [T10_CDB_RELEASE6] = CMD(T10_CDB_RELEASE6, 0x17, -1, 6, ALL, "RELEASE(6)", f_release6, NULL),
    [T10_CDB_RESERVE10] =
        CMD(T10_CDB_RESERVE10, 0x56, -1, 10, ALL, "RESERVE(10)", f_reserve10, NULL),
    [T10_CDB_RELEASE10] =
        CMD(T10_CDB_RELEASE10, 0x57, -1, 10, ALL, "RELEASE(10)", f_reserve10, NULL),
    [T10_CDB_PR_IN] =
        CMD(T10_CDB_PR_IN, 0x5E, -1, 10, ALL, "PERSISTENT RESERVE IN", f_pr_in, chk_pr_in),
    [T10_CDB_PR_OUT] =
        CMD(T10_CDB_PR_OUT, 0x5F, -1, 10, ALL, "PERSISTENT RESERVE OUT", f_pr_out, chk_pr_out),
    [T10_CDB_PREVENT_ALLOW] = CMD(T10_CDB_PREVENT_ALLOW, 0x1E, -1, 6, DTM,
                                  "PREVENT ALLOW MEDIUM REMOVAL", f_prevent, chk_prevent),
    [T10_CDB_SEND_DIAGNOSTIC] = CMD(T10_CDB_SEND_DIAGNOSTIC, 0x1D, -1, 6, ALL, "SEND DIAGNOSTIC",
                                    f_send_diag, chk_send_diag),
    [T10_CDB_READ_ATTRIBUTE] = CMD(T10_CDB_READ_ATTRIBUTE, 0x8C, -1, 16, ALL, "READ ATTRIBUTE",
                                   f_read_attr, chk_read_attr),
    [T10_CDB_WRITE_ATTRIBUTE] =
        CMD(T10_CDB_WRITE_ATTRIBUTE, 0x8D, -1, 16, ALL, "WRITE ATTRIBUTE", f_write_attr, NULL),
    [T10_CDB_READ_ELEMENT_STATUS] =
        CMD(T10_CDB_READ_ELEMENT_STATUS, 0xB8, -1, 12, CHGR, "READ ELEMENT STATUS", f_res, chk_res),
    [T10_CDB_MOVE_MEDIUM] =
        CMD(T10_CDB_MOVE_MEDIUM, 0xA5, -1, 12, CHGR, "MOVE MEDIUM", f_move, NULL),
    [T10_CDB_EXCHANGE_MEDIUM] =
        CMD(T10_CDB_EXCHANGE_MEDIUM, 0xA6, -1, 12, CHGR, "EXCHANGE MEDIUM", f_exchange, NULL),
    [T10_CDB_INIT_ELEMENT_STATUS] =
        CMD0(T10_CDB_INIT_ELEMENT_STATUS, 0x07, 6, CHGR, "INITIALIZE ELEMENT STATUS"),
    [T10_CDB_INIT_ELEMENT_STATUS_RANGE] =
        CMD(T10_CDB_INIT_ELEMENT_STATUS_RANGE, 0x37, -1, 10, CHGR,
            "INITIALIZE ELEMENT STATUS WITH RANGE", f_init_range, NULL),
    [T10_CDB_INIT_ELEMENT_STATUS_RANGE_VS] =
        CMD(T10_CDB_INIT_ELEMENT_STATUS_RANGE_VS, 0xE7, -1, 10, CHGR,
            "INITIALIZE ELEMENT STATUS WITH RANGE (E7h)", f_init_range, NULL),
    [T10_CDB_POSITION_TO_ELEMENT] = CMD(T10_CDB_POSITION_TO_ELEMENT, 0x2B, -1, 10, CHGR,
                                        "POSITION TO ELEMENT", f_position, NULL),
    [T10_CDB_OPEN_CLOSE_IE] = CMD(T10_CDB_OPEN_CLOSE_IE, 0x1B, -1, 6, CHGR,
                                  "OPEN/CLOSE IMPORT/EXPORT ELEMENT", f_open_close, chk_open_close),
    [T10_CDB_SEND_VOLUME_TAG] = CMD(T10_CDB_SEND_VOLUME_TAG, 0xB6, -1, 12, CHGR, "SEND VOLUME TAG",
                                    f_send_voltag, chk_send_voltag),
    [T10_CDB_REQUEST_VOLUME_ELEMENT_ADDRESS] =
        CMD(T10_CDB_REQUEST_VOLUME_ELEMENT_ADDRESS, 0xB5, -1, 12, CHGR,
            "REQUEST VOLUME ELEMENT ADDRESS", f_req_vol, chk_req_vol),
    [T10_CDB_READ6] = CMD(T10_CDB_READ6, 0x08, -1, 6, TAPE, "READ(6)", f_read6, chk_read6),
    [T10_CDB_WRITE6] = CMD(T10_CDB_WRITE6, 0x0A, -1, 6, TAPE, "WRITE(6)", f_write6, NULL),
    [T10_CDB_WRITE_FILEMARKS6] =
        CMD(T10_CDB_WRITE_FILEMARKS6, 0x10, -1, 6, TAPE, "WRITE FILEMARKS(6)", f_write_fm, NULL),
    [T10_CDB_SPACE6] = CMD(T10_CDB_SPACE6, 0x11, -1, 6, TAPE, "SPACE(6)", f_space6, chk_space),
    [T10_CDB_SPACE16] = CMD(T10_CDB_SPACE16, 0x91, -1, 16, TAPE, "SPACE(16)", f_space16, chk_space),
    [T10_CDB_LOCATE10] = CMD(T10_CDB_LOCATE10, 0x2B, -1, 10, TAPE, "LOCATE(10)", f_locate10, NULL),
    [T10_CDB_LOCATE16] =
        CMD(T10_CDB_LOCATE16, 0x92, -1, 16, TAPE, "LOCATE(16)", f_locate16, chk_locate16),
    [T10_CDB_READ_POSITION] =
        CMD(T10_CDB_READ_POSITION, 0x34, -1, 10, TAPE, "READ POSITION", f_read_pos, chk_read_pos),
    [T10_CDB_REWIND] = CMD(T10_CDB_REWIND, 0x01, -1, 6, TAPE, "REWIND", f_rewind, NULL),
    [T10_CDB_ERASE6] = CMD(T10_CDB_ERASE6, 0x19, -1, 6, TAPE, "ERASE(6)", f_erase, NULL),
    [T10_CDB_READ_BLOCK_LIMITS] = CMD(T10_CDB_READ_BLOCK_LIMITS, 0x05, -1, 6, TAPE,
                                      "READ BLOCK LIMITS", f_block_limits, NULL),
    [T10_CDB_REPORT_DENSITY_SUPPORT] = CMD(T10_CDB_REPORT_DENSITY_SUPPORT, 0x44, -1, 10, TAPE,
                                           "REPORT DENSITY SUPPORT", f_density, NULL),
    [T10_CDB_LOAD_UNLOAD] =
        CMD(T10_CDB_LOAD_UNLOAD, 0x1B, -1, 6, TAPE, "LOAD UNLOAD", f_load_unload, NULL),
    [T10_CDB_VERIFY6] = CMD(T10_CDB_VERIFY6, 0x13, -1, 6, TAPE, "VERIFY(6)", f_verify6, NULL),
    [T10_CDB_READ_BUFFER] =
        CMD(T10_CDB_READ_BUFFER, 0x3C, -1, 10, ALL, "READ BUFFER", f_buffer, NULL),
    [T10_CDB_WRITE_BUFFER] =
        CMD(T10_CDB_WRITE_BUFFER, 0x3B, -1, 10, ALL, "WRITE BUFFER", f_buffer, NULL),
    [T10_CDB_RECEIVE_DIAGNOSTIC] = CMD(T10_CDB_RECEIVE_DIAGNOSTIC, 0x1C, -1, 6, ALL,
                                       "RECEIVE DIAGNOSTIC RESULTS", f_recv_diag, chk_recv_diag),
    [T10_CDB_REPORT_TIMESTAMP] =
        CMD(T10_CDB_REPORT_TIMESTAMP, 0xA3, 0x0F, 12, ALL, "REPORT TIMESTAMP", f_timestamp, NULL),
    [T10_CDB_SET_TIMESTAMP] =
        CMD(T10_CDB_SET_TIMESTAMP, 0xA4, 0x0F, 12, ALL, "SET TIMESTAMP", f_timestamp, NULL),
    [T10_CDB_SECURITY_IN] =
        CMD(T10_CDB_SECURITY_IN, 0xA2, -1, 12, ALL, "SECURITY PROTOCOL IN", f_security, NULL),
    [T10_CDB_SECURITY_OUT] = CMD(T10_CDB_SECURITY_OUT, 0xB5, -1, 12, T10_DEV(T10_PDT_DISK) | TAPE,
                                 "SECURITY PROTOCOL OUT", f_security, NULL),
    [T10_CDB_ALLOW_OVERWRITE] = CMD(T10_CDB_ALLOW_OVERWRITE, 0x82, -1, 16, TAPE, "ALLOW OVERWRITE",
                                    f_allow_overwrite, NULL),
    [T10_CDB_FORMAT_MEDIUM] =
        CMD(T10_CDB_FORMAT_MEDIUM, 0x04, -1, 6, TAPE, "FORMAT MEDIUM", f_format_medium, NULL),
    [T10_CDB_SET_CAPACITY] =
        CMD(T10_CDB_SET_CAPACITY, 0x0B, -1, 6, TAPE, "SET CAPACITY", f_set_capacity, NULL),
};

static const struct cmd_def *def_of(enum t10_cdb_kind kind)
{
    if ((unsigned)kind >= T10_CDB_KIND_COUNT_ || defs[kind].kind != kind || kind == T10_CDB_UNKNOWN)
        return NULL;
    return &defs[kind];
}

/* ---- field access ---- */

static uint64_t get_member(const struct t10_cdb *c, const struct fld *f)
{
    const uint8_t *p = (const uint8_t *)c + f->off;
    switch (f->size) {
    case 1: {
        uint8_t v;
        memcpy(&v, p, 1);
        return v;
    }
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}

static void set_member(struct t10_cdb *c, const struct fld *f, uint64_t v)
{
    uint8_t *p = (uint8_t *)c + f->off;
    switch (f->size) {
    case 1: {
        /* bool members are 1-bit fields, so v is 0 or 1 and a valid bool representation */
        uint8_t b = (uint8_t)v;
        memcpy(p, &b, 1);
        break;
    }
    case 2: {
        uint16_t b = (uint16_t)v;
        memcpy(p, &b, 2);
        break;
    }
    case 4: {
        uint32_t b = (uint32_t)v;
        memcpy(p, &b, 4);
        break;
    }
    default:
        memcpy(p, &v, 8);
        break;
    }
}

static uint64_t get_wire(const uint8_t *cdb, const struct fld *f)
{
    if (f->bits <= 8)
        return (uint64_t)((cdb[f->byte] >> f->shift) & ((1u << f->bits) - 1));
    uint64_t v = 0;
    for (unsigned i = 0; i < f->bits / 8u; i++)
        v = v << 8 | cdb[f->byte + i];
    return v;
}

static void put_wire(uint8_t *cdb, const struct fld *f, uint64_t v)
{
    if (f->bits <= 8) {
        uint8_t mask = (uint8_t)(((1u << f->bits) - 1) << f->shift);
        cdb[f->byte] = (uint8_t)((cdb[f->byte] & ~mask) | ((v << f->shift) & mask));
        return;
    }
    for (unsigned i = f->bits / 8u; i-- > 0; v >>= 8)
        cdb[f->byte + i] = (uint8_t)v;
}

/* Bits the field occupies in byte @b. */
static uint8_t fld_mask(const struct fld *f, unsigned b)
{
    if (f->bits <= 8)
        return b == f->byte ? (uint8_t)(((1u << f->bits) - 1) << f->shift) : 0;
    return (b >= f->byte && b < f->byte + f->bits / 8u) ? 0xFF : 0;
}

static uint8_t used_mask(const struct cmd_def *d, unsigned b)
{
    uint8_t m = 0;
    if (b == 0)
        return 0xFF;
    if (b == 1 && d->sa >= 0)
        m |= 0x1F;
    for (unsigned i = 0; i < d->nf; i++)
        m |= fld_mask(&d->f[i], b);
    return m;
}

static int top_bit(uint8_t v)
{
    for (int i = 7; i >= 0; i--)
        if (v & (1u << i))
            return i;
    return -1;
}

/* SPC-4 4.3.5 CONTROL byte: VS(7..6) reserved(5..3) NACA(2) obsolete(1) LINK(0). We
 * support neither NACA nor linked commands, so both are invalid fields. */
#define CONTROL_OK_BITS 0xC0

static enum t10_rc decode_def(const struct cmd_def *d, const uint8_t *cdb, size_t len,
                              struct t10_cdb *out, struct t10_field_ptr *bad)
{
    if (len < d->len) {
        set_ptr(bad, (uint16_t)len, -1);
        return T10_ESHORT;
    }
    if (cdb[0] != d->op) {
        set_ptr(bad, 0, 7);
        return T10_EOPCODE;
    }
    if (d->sa >= 0 && (cdb[1] & 0x1F) != (uint8_t)d->sa) {
        set_ptr(bad, 1, 4); /* unsupported service action: pointer at the SA field */
        return T10_EINVAL;
    }
    for (unsigned b = 1; b + 1u < d->len; b++) {
        uint8_t extra = (uint8_t)(cdb[b] & ~used_mask(d, b));
        if (extra) {
            set_ptr(bad, (uint16_t)b, top_bit(extra));
            return T10_EINVAL;
        }
    }
    uint8_t ctl = cdb[d->len - 1];
    if (ctl & ~CONTROL_OK_BITS) {
        set_ptr(bad, (uint16_t)(d->len - 1), top_bit((uint8_t)(ctl & ~CONTROL_OK_BITS)));
        return T10_EINVAL;
    }
    struct t10_cdb c;
    memset(&c, 0, sizeof c);
    c.kind = d->kind;
    c.op = d->op;
    c.len = d->len;
    c.control = ctl;
    for (unsigned i = 0; i < d->nf; i++) {
        const struct fld *f = &d->f[i];
        uint64_t v = get_wire(cdb, f);
        if (f->sgn && f->bits < 64 && (v >> (f->bits - 1)) & 1)
            v |= ~UINT64_C(0) << f->bits; /* sign-extend */
        set_member(&c, f, v);
    }
    if (d->check) {
        enum t10_rc rc = d->check(&c, bad);
        if (rc != T10_OK)
            return rc;
    }
    *out = c;
    return T10_OK;
}

enum t10_cdb_kind t10_cdb_kind_of(const uint8_t *cdb, size_t len, enum t10_pdt pdt)
{
    if (len == 0 || cdb == NULL)
        return T10_CDB_UNKNOWN;
    for (unsigned k = 1; k < T10_CDB_KIND_COUNT_; k++) {
        const struct cmd_def *d = &defs[k];
        if (d->op != cdb[0])
            continue;
        if (pdt == T10_PDT_NONE ? d->devmask != T10_DEV_ALL : !(d->devmask & T10_DEV(pdt)))
            continue;
        if (d->sa >= 0 && (len < 2 || (cdb[1] & 0x1F) != (uint8_t)d->sa))
            continue;
        return d->kind;
    }
    return T10_CDB_UNKNOWN;
}

enum t10_rc t10_cdb_decode(const uint8_t *cdb, size_t len, enum t10_pdt pdt, struct t10_cdb *out,
                           struct t10_field_ptr *bad)
{
    memset(out, 0, sizeof *out);
    if (len == 0 || cdb == NULL) {
        set_ptr(bad, 0, -1);
        return T10_ESHORT;
    }
    enum t10_cdb_kind kind = t10_cdb_kind_of(cdb, len, pdt);
    if (kind == T10_CDB_UNKNOWN) {
        /* An opcode we decode but with a service action we don't: the SA field is the
         * invalid one, not the opcode (SPC-4 says report INVALID FIELD IN CDB). */
        for (unsigned k = 1; k < T10_CDB_KIND_COUNT_; k++) {
            const struct cmd_def *d = &defs[k];
            bool dev_ok =
                pdt == T10_PDT_NONE ? d->devmask == T10_DEV_ALL : (d->devmask & T10_DEV(pdt)) != 0;
            if (d->op == cdb[0] && d->sa >= 0 && dev_ok) {
                if (len < d->len) {
                    set_ptr(bad, (uint16_t)len, -1);
                    return T10_ESHORT;
                }
                set_ptr(bad, 1, 4);
                return T10_EINVAL;
            }
        }
        set_ptr(bad, 0, 7);
        return T10_EOPCODE;
    }
    enum t10_rc rc = decode_def(&defs[kind], cdb, len, out, bad);
    if (rc != T10_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

enum t10_rc t10_cdb_decode_as(const uint8_t *cdb, size_t len, enum t10_cdb_kind kind,
                              struct t10_cdb *out, struct t10_field_ptr *bad)
{
    memset(out, 0, sizeof *out);
    const struct cmd_def *d = def_of(kind);
    if (!d) {
        set_ptr(bad, 0, 7);
        return T10_EOPCODE;
    }
    if (len == 0 || cdb == NULL) {
        set_ptr(bad, 0, -1);
        return T10_ESHORT;
    }
    if (cdb[0] != d->op) {
        set_ptr(bad, 0, 7);
        return T10_EOPCODE;
    }
    enum t10_rc rc = decode_def(d, cdb, len, out, bad);
    if (rc != T10_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

size_t t10_cdb_build(uint8_t *out, size_t cap, const struct t10_cdb *c)
{
    const struct cmd_def *d = def_of(c->kind);
    if (!d)
        return 0;
    uint8_t tmp[T10_CDB_MAX];
    memset(tmp, 0, sizeof tmp);
    tmp[0] = d->op;
    if (d->sa >= 0)
        tmp[1] = (uint8_t)d->sa;
    for (unsigned i = 0; i < d->nf; i++) {
        const struct fld *f = &d->f[i];
        uint64_t v = get_member(c, f);
        if (f->sgn) {
            int64_t s = (int64_t)v;
            if (f->size < 8) /* sign-extend narrower members (none today) */
                s = (int64_t)(v << (64 - 8 * f->size)) >> (64 - 8 * f->size);
            if (f->bits < 64) {
                int64_t lim = (int64_t)1 << (f->bits - 1);
                if (s < -lim || s >= lim)
                    return 0;
            }
            v = (uint64_t)s;
        } else if (f->bits < 64 && v >> f->bits) {
            return 0;
        }
        put_wire(tmp, f, v);
    }
    tmp[d->len - 1] = c->control;
    memcpy(out, tmp, cap < d->len ? cap : d->len);
    return d->len;
}

size_t t10_cdb_usage(enum t10_cdb_kind kind, uint8_t *out, size_t cap)
{
    const struct cmd_def *d = def_of(kind);
    if (!d)
        return 0;
    for (unsigned b = 0; b < d->len && b < cap; b++)
        out[b] = b == 0 ? d->op : (b + 1u == d->len ? 0x00 : used_mask(d, b));
    return d->len;
}

uint8_t t10_cdb_kind_op(enum t10_cdb_kind kind)
{
    const struct cmd_def *d = def_of(kind);
    return d ? d->op : 0;
}

uint8_t t10_cdb_kind_len(enum t10_cdb_kind kind)
{
    const struct cmd_def *d = def_of(kind);
    return d ? d->len : 0;
}

const char *t10_cdb_kind_name(enum t10_cdb_kind kind)
{
    const struct cmd_def *d = def_of(kind);
    return d ? d->name : "UNKNOWN";
}

size_t t10_cdb_group_len(uint8_t op)
{
    switch (op >> 5) {
    case 0:
        return 6;
    case 1:
    case 2:
        return 10;
    case 4:
        return 16;
    case 5:
        return 12;
    default:
        return 0; /* 3: reserved / variable length; 6, 7: vendor specific */
    }
}

uint32_t t10_cdb_alloc_len(const struct t10_cdb *c)
{
    switch (c->kind) {
    case T10_CDB_REQUEST_SENSE:
        return c->u.request_sense.alloc_len;
    case T10_CDB_INQUIRY:
        return c->u.inquiry.alloc_len;
    case T10_CDB_MODE_SENSE6:
    case T10_CDB_MODE_SENSE10:
        return c->u.mode_sense.alloc_len;
    case T10_CDB_LOG_SENSE:
        return c->u.log_sense.alloc_len;
    case T10_CDB_REPORT_LUNS:
        return c->u.report_luns.alloc_len;
    case T10_CDB_RSOC:
        return c->u.rsoc.alloc_len;
    case T10_CDB_PR_IN:
        return c->u.pr_in.alloc_len;
    case T10_CDB_READ_ATTRIBUTE:
        return c->u.read_attr.alloc_len;
    case T10_CDB_READ_ELEMENT_STATUS:
        return c->u.res.alloc_len;
    case T10_CDB_REQUEST_VOLUME_ELEMENT_ADDRESS:
        return c->u.req_vol_addr.alloc_len;
    case T10_CDB_READ_POSITION:
        /* Short and long forms have fixed lengths (SSC-4 7.7): 20 and 32 bytes. */
        if (c->u.read_pos.sa == T10_RP_EXTENDED)
            return c->u.read_pos.alloc_len;
        return c->u.read_pos.sa == T10_RP_LONG ? 32 : 20;
    case T10_CDB_READ_BLOCK_LIMITS:
        return c->u.block_limits.mloi ? 20 : 6;
    case T10_CDB_REPORT_DENSITY_SUPPORT:
        return c->u.density.alloc_len;
    case T10_CDB_READ_BUFFER:
        return c->u.buffer.len;
    case T10_CDB_RECEIVE_DIAGNOSTIC:
        return c->u.recv_diag.alloc_len;
    case T10_CDB_REPORT_TIMESTAMP:
        return c->u.timestamp.len;
    case T10_CDB_SECURITY_IN:
        return c->u.security.inc_512 ? 0 : c->u.security.len;
    default:
        return 0;
    }
}

uint32_t t10_cdb_param_len(const struct t10_cdb *c)
{
    switch (c->kind) {
    case T10_CDB_MODE_SELECT6:
    case T10_CDB_MODE_SELECT10:
        return c->u.mode_select.param_len;
    case T10_CDB_LOG_SELECT:
        return c->u.log_select.param_len;
    case T10_CDB_RESERVE6:
    case T10_CDB_RESERVE10:
    case T10_CDB_RELEASE10:
        return c->u.reserve.param_len;
    case T10_CDB_PR_OUT:
        return c->u.pr_out.param_len;
    case T10_CDB_SEND_DIAGNOSTIC:
        return c->u.send_diag.param_len;
    case T10_CDB_WRITE_ATTRIBUTE:
        return c->u.write_attr.param_len;
    case T10_CDB_SEND_VOLUME_TAG:
        return c->u.send_voltag.param_len;
    case T10_CDB_SPACE16:
        return c->u.space.param_len;
    case T10_CDB_WRITE6:
        return c->u.rw6.fixed ? 0 : c->u.rw6.xfer_len;
    case T10_CDB_WRITE_BUFFER:
        return c->u.buffer.len;
    case T10_CDB_SET_TIMESTAMP:
        return c->u.timestamp.len;
    case T10_CDB_SECURITY_OUT:
        return c->u.security.inc_512 ? 0 : c->u.security.len;
    case T10_CDB_FORMAT_MEDIUM:
        return c->u.format_medium.xfer_len;
    default:
        return 0;
    }
}

uint16_t t10_cdb_error_asc(enum t10_rc rc)
{
    switch (rc) {
    case T10_OK:
        return T10_ASC(0, 0);
    case T10_EOPCODE:
        return T10_ASC_INVALID_OPCODE;
    default:
        return T10_ASC_INVALID_FIELD_IN_CDB;
    }
}

const struct t10_field_ptr t10_fp_service_action = {.byte = 1, .bit = 4, .bpv = true, .cd = true};

struct t10_field_ptr t10_cdb_field(enum t10_cdb_kind kind, size_t member_off)
{
    struct t10_field_ptr p = {.byte = 0, .bit = 0, .bpv = false, .cd = true};
    const struct cmd_def *d = def_of(kind);
    if (!d)
        return p;
    for (unsigned i = 0; i < d->nf; i++) {
        const struct fld *f = &d->f[i];
        if (f->off != member_off)
            continue;
        p.byte = f->byte;
        p.bpv = true;
        p.bit = f->bits <= 8 ? (uint8_t)(f->shift + f->bits - 1) : 7;
        return p;
    }
    return p;
}
