/* SPDX-License-Identifier: MIT
 * sim/drive/drive_spc.c - the SPC-4 command set of a drive LUN: TEST UNIT READY, REQUEST
 * SENSE, INQUIRY (standard, VPD 00h/80h/83h/B0h/B2h/B4h as SSC-4 8.4 defines them),
 * PREVENT ALLOW MEDIUM REMOVAL, RESERVE/RELEASE, SEND DIAGNOSTIC, REPORT SUPPORTED
 * OPERATION CODES, and the dispatcher: mode and log pages are in drive_pages.c, MAM in
 * drive_mam.c, medium commands in drive_ssc.c (which answers what nobody serves with 20/00).
 */
#include <stdio.h>
#include <string.h>

#include "scsi/log.h"
#include "scsi/luns.h"
#include "scsi/rsoc.h"
#include "scsi/vpd.h"
#include "sim/drive/drive_int.h"

/* ---- TEST UNIT READY, REQUEST SENSE --------------------------------------------------- */

static enum vtl_exec do_tur(struct vtl_drive *d, struct vtl_cmd *cmd)
{
    uint8_t key;
    uint16_t asc;
    if (!drv_state_sense(d, &key, &asc)) {
        if ((asc >> 8) == 0x3A && drv_mut(d, VTL_MUT_DRV_EMPTY_04))
            asc = DRV_ASC_NOT_READY;
        drv_fail(d, cmd, key, asc);
    }
    else
        drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

static enum vtl_exec do_request_sense(struct vtl_drive *d, struct vtl_cmd *cmd,
                                      const struct t10_cdb_request_sense *r)
{
    struct drv_nexus *nx = drv_nexus(d, cmd->nexus_id);
    struct t10_sense s;
    uint8_t key;
    uint16_t asc;
    if (nx->n_ua) {
        /* SPC-4 5.11: REQUEST SENSE reports the pending unit attention and clears it. */
        unsigned best = 0;
        for (unsigned i = 0; i < nx->n_ua; i++)
            if (T10_ASC_OF(nx->ua[i]) == 0x29) {
                best = i;
                break;
            }
        t10_sense_init(&s, r->desc, DRV_KEY_UNIT_ATTENTION, nx->ua[best]);
        memmove(nx->ua + best, nx->ua + best + 1, (nx->n_ua - best - 1) * sizeof nx->ua[0]);
        nx->n_ua--;
    } else if (d->failed) {
        t10_sense_init(&s, r->desc, DRV_KEY_HARDWARE, d->fail_asc);
    } else if (!drv_state_sense(d, &key, &asc)) {
        t10_sense_init(&s, r->desc, key, asc);
    } else if (d->iec_test && !d->iec_dexcpt && d->iec_mrie == 6) {
        /* Informational exceptions page TEST bit: a false failure prediction, once. */
        d->iec_test = false;
        t10_sense_init(&s, r->desc, DRV_KEY_NO_SENSE, DRV_ASC_LOG_EXCEPTION);
    } else if (d->dirty) {
        t10_sense_init(&s, r->desc, DRV_KEY_NO_SENSE, DRV_ASC_CLEANING_REQ);
    } else {
        t10_sense_init(&s, r->desc, DRV_KEY_NO_SENSE, DRV_ASC_NONE);
    }
    uint8_t buf[T10_SENSE_MAX];
    size_t len = t10_sense_build(buf, sizeof buf, &s);
    drv_put_data(cmd, buf, len, r->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* ---- INQUIRY and VPD -------------------------------------------------------------------- */

/* TapeAlert flags this drive can raise (VPD B2h must list exactly what LOG SENSE 2Eh may
 * show). */
uint64_t drv_ta_supported(void)
{
    static const unsigned flags[] = {T10_TA_READ_FAILURE, T10_TA_WRITE_FAILURE,
                                     T10_TA_WRITE_PROTECT, T10_TA_CLEANING_MEDIA,
                                     T10_TA_UNSUPPORTED_FORMAT, T10_TA_CLEAN_NOW,
                                     T10_TA_CLEAN_PERIODIC, T10_TA_EXPIRED_CLEANING,
                                     T10_TA_HARDWARE_A, T10_TA_WORM_OVERWRITE};
    uint64_t m = 0;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        m |= T10_TA_FLAG(flags[i]);
    return m;
}

uint64_t drv_ta_active(const struct vtl_drive *d)
{
    uint64_t m = 0;
    if (d->dirty)
        m |= T10_TA_FLAG(T10_TA_CLEAN_NOW) | T10_TA_FLAG(T10_TA_CLEAN_PERIODIC);
    if (d->failed)
        m |= T10_TA_FLAG(T10_TA_HARDWARE_A);
    if (d->state != VTL_DRIVE_EMPTY && !d->cart.cleaning && !d->readable)
        m |= T10_TA_FLAG(T10_TA_UNSUPPORTED_FORMAT);
    return m;
}

static uint64_t serial_hash(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a: stable across runs */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * UINT64_C(1099511628211);
    return h;
}

static enum vtl_exec do_inquiry(struct vtl_drive *d, struct vtl_cmd *cmd,
                                const struct t10_cdb_inquiry *q)
{
    uint8_t buf[256];
    size_t len = 0;
    if (!q->evpd) {
        struct t10_inquiry inq = {
            .pdt = T10_PDT_TAPE, .rmb = !drv_mut(d, VTL_MUT_DRV_RMB0),
            .version = T10_VERSION_SPC4, .resp_format = 2,
        };
        snprintf(inq.vendor, sizeof inq.vendor, "%s", d->vendor);
        snprintf(inq.product, sizeof inq.product, "%s", d->product);
        snprintf(inq.revision, sizeof inq.revision, "%s", d->revision);
        len = t10_inquiry_build(buf, sizeof buf, &inq);
    } else {
        switch (q->page) {
        case T10_VPD_SUPPORTED: {
            uint8_t pages[] = {0x00, 0x80, 0x83, 0xB0, 0xB2, 0xB4};
            len = t10_vpd_supported_build(buf, sizeof buf, T10_PDT_TAPE, pages,
                                          d->cfg.elem_addr ? 6 : 5);
            break;
        }
        case T10_VPD_UNIT_SERIAL: {
            char serial[VTL_SERIAL_MAX + 2];
            snprintf(serial, sizeof serial, "%s%s", d->serial,
                     drv_mut(d, VTL_MUT_DRV_SERIAL_MISMATCH) ? "X" : "");
            len = t10_vpd_ascii_build(buf, sizeof buf, T10_PDT_TAPE, 0x80, serial);
            break;
        }
        case T10_VPD_DEVICE_ID: {
            uint8_t naa[8], t10id[64];
            char vsid[64];
            t10_naa5_encode(naa, d->pers->naa_oui, serial_hash(d->serial));
            snprintf(vsid, sizeof vsid, "%-16.16s%s", d->product, d->serial);
            size_t tlen = t10_t10vid_encode(t10id, sizeof t10id, d->vendor, vsid);
            struct t10_desig ds[2] = {
                {.code_set = T10_CS_BINARY, .association = T10_ASSOC_LU, .type = T10_DESIG_NAA,
                 .len = 8, .id = naa},
                {.code_set = T10_CS_ASCII, .association = T10_ASSOC_LU,
                 .type = T10_DESIG_T10_VENDOR,
                 .len = (uint8_t)(tlen < sizeof t10id ? tlen : sizeof t10id), .id = t10id},
            };
            len = t10_vpd_devid_build(buf, sizeof buf, T10_PDT_TAPE, ds, 2);
            break;
        }
        case T10_VPD_SSC_CAPABILITIES: {
            struct t10_vpd_b0 b0 = {.worm = true}; /* every LTO drive since LTO-3 does WORM */
            len = t10_vpd_b0_build(buf, sizeof buf, T10_PDT_TAPE, &b0);
            break;
        }
        case T10_VPD_TAPEALERT_SUPPORTED:
            len = t10_vpd_b2_build(buf, sizeof buf, T10_PDT_TAPE, drv_ta_supported());
            break;
        case T10_VPD_DTD_ELEMENT_ADDRESS:
            if (!d->cfg.elem_addr) { /* a drive outside a library has no element address */
                drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 7, true);
                return VTL_EXEC_DONE;
            }
            len = t10_vpd_b4_build(buf, sizeof buf, T10_PDT_TAPE,
                                   (uint16_t)(d->cfg.elem_addr +
                                              (drv_mut(d, VTL_MUT_DRV_B4_WRONG) ? 1 : 0)));
            break;
        case 0xB1: /* not served: only MUTANT DRIVE-VPD-B1-AS-B0 answers it, wrongly */
            if (drv_mut(d, VTL_MUT_DRV_VPD_B1_AS_B0)) {
                struct t10_vpd_b0 b0 = {.worm = true};
                len = t10_vpd_b0_build(buf, sizeof buf, T10_PDT_TAPE, &b0);
                break;
            }
            drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 7, true);
            return VTL_EXEC_DONE;
        default:
            drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 7, true);
            return VTL_EXEC_DONE;
        }
    }
    drv_put_data(cmd, buf, len > sizeof buf ? sizeof buf : len, q->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* ---- PREVENT, RESERVE/RELEASE, SEND DIAGNOSTIC ------------------------------------------ */

static enum vtl_exec do_reserve(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c)
{
    const struct t10_cdb_reserve *r = &c->u.reserve;
    if (r->element || r->third_party) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, r->element ? 0 : 4, true);
        return VTL_EXEC_DONE;
    }
    uint64_t me = drv_nexus(d, cmd->nexus_id)->id;
    bool reserve = c->kind == T10_CDB_RESERVE6 || c->kind == T10_CDB_RESERVE10;
    if (reserve) {
        if (d->resv_holder && d->resv_holder != me) {
            cmd->status = VTL_STATUS_RESERVATION_CONFLICT;
            return VTL_EXEC_DONE;
        }
        d->resv_holder = me;
    } else if (d->resv_holder == me) {
        d->resv_holder = 0;
    }
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

static enum vtl_exec do_send_diag(struct vtl_drive *d, struct vtl_cmd *cmd,
                                  const struct t10_cdb_send_diag *s)
{
    if (!s->self_test || s->self_test_code || s->param_len) {
        /* Only the default self-test is served; it passes unless a fault says otherwise
         * (a failed drive was already refused before dispatch). */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, s->self_test ? 7 : 2, true);
        return VTL_EXEC_DONE;
    }
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* ---- REPORT LUNS ----------------------------------------------------------------------- */

/* SPC-4 6.33: every device server answers REPORT LUNS, drive LUNs included (a host may
 * address the drive first). The inventory is the target's: LUN 0 (the changer) and LUN
 * i + 1 for bay i. */
static enum vtl_exec do_report_luns(struct vtl_drive *d, struct vtl_cmd *cmd,
                                    const struct t10_cdb_report_luns *r)
{
    uint16_t luns[1 + 64];
    size_t n = 0;
    if (drv_mut(d, VTL_MUT_DRV_NO_REPORT_LUNS)) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_OPCODE, 0, -1, true);
        return VTL_EXEC_DONE;
    }
    if (r->select_report != 0x01) { /* 01h: well-known LUs only, and there are none */
        luns[n++] = 0;
        unsigned bays = d->cfg.library ? vtl_library_count(d->cfg.library, VTL_ELEM_DTE) : 0;
        for (unsigned i = 0; i < bays && n < sizeof luns / sizeof luns[0]; i++)
            luns[n++] = (uint16_t)(i + 1);
    }
    uint8_t buf[T10_LUNS_HDR_LEN + sizeof luns / sizeof luns[0] * T10_LUN_LEN];
    size_t len = t10_report_luns_build(buf, sizeof buf, luns, n);
    drv_put_data(cmd, buf, len > sizeof buf ? sizeof buf : len, r->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* ---- REPORT SUPPORTED OPERATION CODES ------------------------------------------------ */

/* Every command this LUN serves, with the timeouts RSOC advertises (seconds: nominal,
 * recommended; LTO figures, generous so hosts never time out a slow virtual clock). */
static const struct { enum t10_cdb_kind kind; uint32_t nominal, recommended; } served[] = {
    {T10_CDB_TEST_UNIT_READY, 1, 60},        {T10_CDB_REWIND, 90, 600},
    {T10_CDB_REQUEST_SENSE, 1, 60},          {T10_CDB_READ_BLOCK_LIMITS, 1, 60},
    {T10_CDB_READ6, 60, 1200},               {T10_CDB_WRITE6, 60, 1200},
    {T10_CDB_WRITE_FILEMARKS6, 10, 1200},    {T10_CDB_SPACE6, 90, 2400},
    {T10_CDB_INQUIRY, 1, 60},                {T10_CDB_MODE_SELECT6, 1, 60},
    {T10_CDB_RESERVE6, 1, 60},               {T10_CDB_RELEASE6, 1, 60},
    {T10_CDB_ERASE6, 90, 36000},             {T10_CDB_MODE_SENSE6, 1, 60},
    {T10_CDB_LOAD_UNLOAD, 30, 900},          {T10_CDB_SEND_DIAGNOSTIC, 1, 600},
    {T10_CDB_PREVENT_ALLOW, 1, 60},          {T10_CDB_LOCATE10, 90, 2400},
    {T10_CDB_READ_POSITION, 1, 60},          {T10_CDB_REPORT_DENSITY_SUPPORT, 1, 60},
    {T10_CDB_LOG_SELECT, 1, 60},             {T10_CDB_LOG_SENSE, 1, 60},
    {T10_CDB_MODE_SELECT10, 1, 60},          {T10_CDB_RESERVE10, 1, 60},
    {T10_CDB_RELEASE10, 1, 60},              {T10_CDB_MODE_SENSE10, 1, 60},
    {T10_CDB_READ_ATTRIBUTE, 1, 60},         {T10_CDB_WRITE_ATTRIBUTE, 1, 60},
    {T10_CDB_SPACE16, 90, 2400},             {T10_CDB_LOCATE16, 90, 2400},
    {T10_CDB_RSOC, 1, 60},                   {T10_CDB_VERIFY6, 60, 2400},
    {T10_CDB_REPORT_LUNS, 1, 60},
};
#define N_SERVED (sizeof served / sizeof served[0])

/* FORMAT MEDIUM has no scsi/ decoder (drive_ssc.c decodes it), so its CDB usage data is
 * written here: VERIFY and IMMED, the FORMAT field, TRANSFER LENGTH, CONTROL. */
static const uint8_t format_usage[6] = {0x04, 0x03, 0x0F, 0xFF, 0xFF, 0x00};
static const struct t10_rsoc_timeouts format_to = {0, 120, 3600};

static enum vtl_exec do_rsoc(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb_rsoc *r)
{
    uint8_t buf[4 + (N_SERVED + 1) * (T10_RSOC_DESC_LEN + T10_RSOC_TIMEOUTS_LEN)];
    size_t len;
    if (r->options == T10_RSOC_ALL) {
        struct t10_rsoc_desc ds[N_SERVED + 1];
        for (size_t i = 0; i < N_SERVED; i++) {
            bool sa = served[i].kind == T10_CDB_RSOC;
            ds[i] = (struct t10_rsoc_desc){
                .op = t10_cdb_kind_op(served[i].kind), .sa = sa ? 0x0C : 0, .servactv = sa,
                .cdb_len = t10_cdb_kind_len(served[i].kind),
                .to = {0, served[i].nominal, served[i].recommended}};
        }
        ds[N_SERVED] = (struct t10_rsoc_desc){.op = 0x04, .cdb_len = 6, .to = format_to};
        len = t10_rsoc_all_build(buf, sizeof buf, ds, N_SERVED + 1, r->rctd);
    } else if (r->options <= T10_RSOC_ONE_EITHER) {
        uint8_t probe[2] = {r->req_op, (uint8_t)r->req_sa};
        bool has_sa = r->req_op == 0xA3 || r->req_op == 0xA4; /* MAINTENANCE IN/OUT */
        if ((r->options == T10_RSOC_ONE && has_sa) ||
            (r->options == T10_RSOC_ONE_SA && !has_sa)) { /* SPC-4 6.35.1 */
            drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 2, true);
            return VTL_EXEC_DONE;
        }
        enum t10_cdb_kind k = has_sa ? t10_cdb_kind_of(probe, sizeof probe, T10_PDT_TAPE)
                                     : t10_cdb_kind_of(probe, 1, T10_PDT_TAPE);
        struct t10_rsoc_one one = {.support = T10_RSOC_UNSUPPORTED, .ctdp = r->rctd};
        uint8_t usage[T10_CDB_MAX];
        for (size_t i = 0; i < N_SERVED; i++)
            if (served[i].kind == k && k != T10_CDB_UNKNOWN) {
                one.support = T10_RSOC_SUPPORTED;
                one.cdb_size = (uint16_t)t10_cdb_usage(k, usage, sizeof usage);
                one.usage = usage;
                one.to = (struct t10_rsoc_timeouts){0, served[i].nominal, served[i].recommended};
            }
        if (r->req_op == 0x04) {
            one.support = T10_RSOC_SUPPORTED;
            one.cdb_size = sizeof format_usage;
            one.usage = format_usage;
            one.to = format_to;
        }
        if (one.support != T10_RSOC_SUPPORTED)
            one.ctdp = false;
        len = t10_rsoc_one_build(buf, sizeof buf, &one);
    } else {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 2, true);
        return VTL_EXEC_DONE;
    }
    drv_put_data(cmd, buf, len > sizeof buf ? sizeof buf : len, r->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

enum vtl_exec drv_spc_execute(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c)
{
    switch (c->kind) {
    case T10_CDB_TEST_UNIT_READY: return do_tur(d, cmd);
    case T10_CDB_REQUEST_SENSE: return do_request_sense(d, cmd, &c->u.request_sense);
    case T10_CDB_INQUIRY: return do_inquiry(d, cmd, &c->u.inquiry);
    case T10_CDB_MODE_SENSE6:
    case T10_CDB_MODE_SENSE10: return drv_mode_sense(d, cmd, c);
    case T10_CDB_MODE_SELECT6:
    case T10_CDB_MODE_SELECT10: return drv_mode_select(d, cmd, c);
    case T10_CDB_LOG_SENSE: return drv_log_sense(d, cmd, &c->u.log_sense);
    case T10_CDB_LOG_SELECT: return drv_log_select(d, cmd, &c->u.log_select);
    case T10_CDB_READ_ATTRIBUTE: return drv_read_attr(d, cmd, &c->u.read_attr);
    case T10_CDB_WRITE_ATTRIBUTE: return drv_write_attr(d, cmd, &c->u.write_attr);
    case T10_CDB_PREVENT_ALLOW:
        drv_nexus(d, cmd->nexus_id)->prevent = c->u.prevent_allow.prevent == 1;
        drv_set_good(cmd);
        return VTL_EXEC_DONE;
    case T10_CDB_RESERVE6:
    case T10_CDB_RELEASE6:
    case T10_CDB_RESERVE10:
    case T10_CDB_RELEASE10: return do_reserve(d, cmd, c);
    case T10_CDB_SEND_DIAGNOSTIC: return do_send_diag(d, cmd, &c->u.send_diag);
    case T10_CDB_RSOC: return do_rsoc(d, cmd, &c->u.rsoc);
    case T10_CDB_REPORT_LUNS: return do_report_luns(d, cmd, &c->u.report_luns);
    default: return drv_ssc_execute(d, cmd, c);
    }
}
