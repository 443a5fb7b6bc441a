/* SPDX-License-Identifier: MIT
 * sim/drive/drive_spc.c - the SPC-4 command set of a drive LUN and its pages: TEST UNIT
 * READY, REQUEST SENSE, INQUIRY (standard, VPD 00h/80h/83h/B0h/B2h/B4h as SSC-4 8.4
 * defines them), MODE SENSE/SELECT(6/10) with the block descriptor and pages 0Ah, 0Fh,
 * 10h, 11h, 1Ch, LOG SENSE/SELECT (00h, 02h, 03h, 0Ch, 1Bh, 2Eh, 31h), READ/WRITE
 * ATTRIBUTE (MAM), PREVENT ALLOW MEDIUM REMOVAL, RESERVE/RELEASE and SEND DIAGNOSTIC.
 * Anything else goes to drive_ssc.c, which answers what it does not serve with 20/00.
 *
 * MODE SELECT is checked against the changeable mask of each page: a byte that differs
 * from the current value in a bit that is not changeable is INVALID FIELD IN PARAMETER
 * LIST with a pointer to that byte, and nothing is applied unless the whole list passes.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/be.h"
#include "scsi/log.h"
#include "scsi/mam.h"
#include "scsi/mode.h"
#include "scsi/rsoc.h"
#include "scsi/vpd.h"
#include "sim/drive/drive_int.h"

static void put_data(struct vtl_cmd *cmd, const uint8_t *buf, size_t len, size_t alloc)
{
    size_t n = len < alloc ? len : alloc;
    if (!cmd->data_in)
        n = 0;
    if (n > cmd->data_in_cap)
        n = cmd->data_in_cap;
    if (n)
        memcpy(cmd->data_in, buf, n);
    cmd->data_in_len = n;
}

/* ---- TEST UNIT READY, REQUEST SENSE --------------------------------------------------- */

static enum vtl_exec do_tur(struct vtl_drive *d, struct vtl_cmd *cmd)
{
    uint8_t key;
    uint16_t asc;
    if (!drv_state_sense(d, &key, &asc))
        drv_fail(d, cmd, key, asc);
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
    } else if (d->iec_test && !d->iec_dexcpt) {
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
    put_data(cmd, buf, len, r->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* ---- INQUIRY and VPD -------------------------------------------------------------------- */

/* TapeAlert flags this drive can raise (VPD B2h must list exactly what LOG SENSE 2Eh may
 * show). */
static uint64_t ta_supported(void)
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
            .pdt = T10_PDT_TAPE, .rmb = true, .version = T10_VERSION_SPC4, .resp_format = 2,
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
        case T10_VPD_UNIT_SERIAL:
            len = t10_vpd_ascii_build(buf, sizeof buf, T10_PDT_TAPE, 0x80, d->serial);
            break;
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
            len = t10_vpd_b2_build(buf, sizeof buf, T10_PDT_TAPE, ta_supported());
            break;
        case T10_VPD_DTD_ELEMENT_ADDRESS:
            if (!d->cfg.elem_addr) { /* a drive outside a library has no element address */
                drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 7, true);
                return VTL_EXEC_DONE;
            }
            len = t10_vpd_b4_build(buf, sizeof buf, T10_PDT_TAPE, d->cfg.elem_addr);
            break;
        default:
            drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 7, true);
            return VTL_EXEC_DONE;
        }
    }
    put_data(cmd, buf, len > sizeof buf ? sizeof buf : len, q->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* ---- mode pages ----------------------------------------------------------------------- */

static const uint8_t mode_pages[] = {T10_MP_CONTROL, T10_MP_COMPRESSION, T10_MP_DEVICE_CONFIG,
                                     T10_MP_PARTITION, T10_MP_INFO_EXCEPTIONS};

static unsigned max_partitions(const struct vtl_drive *d)
{
    if (d->tape && vtl_tape_media(d->tape))
        return vtl_tape_media(d->tape)->max_partitions;
    return d->cfg.gen >= 7 ? 4 : 2;
}

/* Builds page @code in the form @pc asks (changeable: a mask of the bits MODE SELECT
 * may change). Returns its length, 0 for an unknown page. */
static size_t build_page(struct vtl_drive *d, uint8_t code, uint8_t pc, uint8_t *out, size_t cap)
{
    bool chg = pc == T10_PC_CHANGEABLE, def = pc == T10_PC_DEFAULT;
    switch (code) {
    case T10_MP_CONTROL: {
        struct t10_mode_control p = {0};
        p.d_sense = chg ? true : def ? false : d->d_sense;
        return t10_mode_control_build(out, cap, &p, true);
    }
    case T10_MP_COMPRESSION: {
        struct t10_mode_compression p = {0};
        if (chg) {
            p.dce = true;
        } else {
            p.dce = def ? true : d->compression;
            p.dcc = true; /* the drive can compress */
            p.dde = true;
            p.comp_alg = p.decomp_alg = 1; /* the format's own (SLDC) algorithm */
        }
        return t10_mode_compression_build(out, cap, &p, true);
    }
    case T10_MP_DEVICE_CONFIG: {
        struct t10_mode_devconfig p = {0};
        if (chg) {
            p.select_compression = 0xFF;
        } else {
            struct vtl_tape_pos pos = {0};
            if (d->tape)
                vtl_tape_position(d->tape, &pos);
            p.active_partition = (uint8_t)pos.partition;
            p.eod_defined = 0;
            p.sew = true;
            p.select_compression = (def ? true : d->compression) ? 1 : 0;
        }
        return t10_mode_devconfig_build(out, cap, &p, true);
    }
    case T10_MP_PARTITION: {
        struct t10_mode_partition p = {0};
        if (chg) { /* partitioning is set here and applied by FORMAT MEDIUM */
            p.fdp = p.sdp = p.idp = true;
            p.n_add = 0xFF;
            p.psum = 3;
            p.part_units = 0x0F;
            p.n_sizes = (uint8_t)max_partitions(d);
            for (unsigned i = 0; i < p.n_sizes; i++)
                p.sizes[i] = 0xFFFF;
        } else {
            p.max_add = (uint8_t)(max_partitions(d) - 1);
            p.pofm = true;     /* partitions change at FORMAT MEDIUM, not at MODE SELECT */
            p.psum = 3;        /* sizes in units of 10^PARTITION UNITS bytes */
            p.part_units = 9;  /* gigabytes */
            unsigned n = d->tape ? vtl_tape_partitions(d->tape) : 1;
            uint64_t each[VTL_TAPE_MAX_PARTITIONS] = {0};
            if (!def && d->part_pending) {
                n = d->part_n;
                for (unsigned i = 0; i < n; i++)
                    each[i] = d->part_bytes[i] ? d->part_bytes[i] : d->tape_total / n;
            } else {
                for (unsigned i = 0; i < n && i < VTL_TAPE_MAX_PARTITIONS; i++)
                    each[i] = d->tape_total / n; /* images are split evenly unless told */
            }
            if (def)
                n = 1, each[0] = d->tape_total;
            p.n_add = (uint8_t)(n - 1);
            p.n_sizes = (uint8_t)n;
            for (unsigned i = 0; i < n && i < VTL_TAPE_MAX_PARTITIONS; i++) {
                uint64_t gb = each[i] / 1000000000u;
                p.sizes[i] = (uint16_t)(gb > 0xFFFE ? 0xFFFE : gb);
            }
        }
        return t10_mode_partition_build(out, cap, &p, true);
    }
    case T10_MP_INFO_EXCEPTIONS: {
        struct t10_mode_iec p = {0};
        if (chg) {
            p.dexcpt = p.test = true;
            p.mrie = 0x0F;
            p.interval = p.report_count = UINT32_MAX;
        } else if (def) {
            p.mrie = 3;
        } else {
            p.dexcpt = d->iec_dexcpt;
            p.test = d->iec_test;
            p.mrie = d->iec_mrie;
            p.interval = d->iec_interval;
            p.report_count = d->iec_report_count;
        }
        return t10_mode_iec_build(out, cap, &p, true);
    }
    default:
        return 0;
    }
}

static uint8_t current_density(const struct vtl_drive *d)
{
    if (d->state == VTL_DRIVE_EMPTY || d->cart.cleaning)
        return 0;
    return drv_density_of(d->cart_gen ? d->cart.media : (enum vtl_media)d->cfg.gen);
}

static bool medium_wp(const struct vtl_drive *d)
{
    if (d->state != VTL_DRIVE_READY)
        return false;
    return !d->writable || (d->tape && vtl_tape_write_protected(d->tape));
}

static enum vtl_exec do_mode_sense(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c)
{
    const struct t10_cdb_mode_sense *m = &c->u.mode_sense;
    bool ten = c->kind == T10_CDB_MODE_SENSE10;
    bool all = m->page == T10_PAGE_ALL;
    if (m->subpage != 0 && !(all && m->subpage == T10_SUBPAGE_ALL)) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 3, 7, true);
        return VTL_EXEC_DONE;
    }
    bool known = all || m->page == 0;
    for (size_t i = 0; i < sizeof mode_pages; i++)
        known = known || mode_pages[i] == m->page;
    if (!known) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 5, true);
        return VTL_EXEC_DONE;
    }
    uint8_t buf[512];
    size_t off;
    struct t10_mode_hdr h = {
        .wp = medium_wp(d), .buffered_mode = d->buffered_mode,
        .bd_len = m->dbd ? 0 : T10_MODE_BLKDESC_LEN,
    };
    off = t10_mode_hdr_build(buf, sizeof buf, ten, &h);
    if (!m->dbd) {
        struct t10_mode_blkdesc bd = {.density = current_density(d), .n_blocks = 0,
                                      .block_len = d->block_len};
        off += t10_mode_blkdesc_build(buf + off, sizeof buf - off, &bd);
    }
    for (size_t i = 0; i < sizeof mode_pages; i++)
        if (all || mode_pages[i] == m->page)
            off += build_page(d, mode_pages[i], m->pc, buf + off, sizeof buf - off);
    t10_mode_set_data_len(buf, sizeof buf, ten, off);
    put_data(cmd, buf, off, m->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* MODE SELECT: pages accepted during the walk, applied only if the whole list passes. */
struct select_ctx {
    struct vtl_drive *d;
    uint8_t page[8][64];
    size_t n;
    bool part_set;               /* page 11h asked for new partitions */
    unsigned part_n;
    uint64_t part_bytes[VTL_TAPE_MAX_PARTITIONS];
};

/* Page 11h: checked against what the cartridge can hold; kept for FORMAT MEDIUM. */
static enum t10_rc select_partition(struct select_ctx *x, const uint8_t *page, size_t len,
                                    size_t page_off, struct t10_field_ptr *bad)
{
    struct vtl_drive *d = x->d;
    struct t10_mode_partition p;
    *bad = (struct t10_field_ptr){.byte = (uint16_t)(page_off + 1), .cd = false};
    if (t10_mode_partition_decode(page, len, &p) != T10_OK)
        return T10_EINVAL;
    unsigned n = p.n_add + 1u;
    if (!d->tape || n > max_partitions(d) || n > VTL_TAPE_MAX_PARTITIONS) {
        *bad = (struct t10_field_ptr){.byte = (uint16_t)(page_off + 3), .bit = 7, .bpv = true};
        return T10_EINVAL;
    }
    if (!p.fdp && !p.sdp && !p.idp)
        return T10_OK; /* describes, changes nothing */
    x->part_set = true;
    x->part_n = n;
    memset(x->part_bytes, 0, sizeof x->part_bytes);
    if (!p.idp)
        return T10_OK; /* FDP/SDP: the drive splits the medium evenly */
    if (p.n_sizes < n)
        return T10_EINVAL; /* PAGE LENGTH too short for the partitions announced */
    uint64_t unit = p.psum == 0 ? 1 : p.psum == 1 ? 1000 : p.psum == 2 ? 1000000 : 1;
    if (p.psum == 3)
        for (unsigned i = 0; i < p.part_units; i++)
            unit *= 10;
    uint64_t fixed = 0;
    int rest = -1;
    for (unsigned i = 0; i < n; i++) {
        if (p.sizes[i] == 0 || p.sizes[i] == 0xFFFF) { /* "the rest of the medium" */
            if (rest >= 0) {
                *bad = (struct t10_field_ptr){.byte = (uint16_t)(page_off + 8 + 2 * i)};
                return T10_EINVAL;
            }
            rest = (int)i;
            continue;
        }
        x->part_bytes[i] = p.sizes[i] * unit;
        fixed += x->part_bytes[i];
        if (fixed > d->tape_total) {
            *bad = (struct t10_field_ptr){.byte = (uint16_t)(page_off + 8 + 2 * i)};
            return T10_EINVAL;
        }
    }
    if (rest >= 0) {
        if (fixed >= d->tape_total) {
            *bad = (struct t10_field_ptr){.byte = (uint16_t)(page_off + 8 + 2 * rest)};
            return T10_EINVAL;
        }
        x->part_bytes[rest] = d->tape_total - fixed;
    }
    return T10_OK;
}

static enum t10_rc select_page(const struct t10_mode_page_hdr *ph, const uint8_t *page,
                               size_t page_off, void *arg, struct t10_field_ptr *bad)
{
    struct select_ctx *x = arg;
    uint8_t cur[64], chg[64];
    size_t cur_len = build_page(x->d, ph->page, T10_PC_CURRENT, cur, sizeof cur);
    size_t chg_len = build_page(x->d, ph->page, T10_PC_CHANGEABLE, chg, sizeof chg);
    *bad = (struct t10_field_ptr){.byte = (uint16_t)page_off, .bit = 5, .bpv = true, .cd = false};
    if (ph->spf || cur_len == 0 || cur_len > sizeof cur || x->n == 8)
        return T10_EINVAL; /* a page (or subpage) this drive does not have */
    size_t len = ph->hdr_len + ph->page_len;
    if (ph->page == T10_MP_PARTITION) /* its length follows the partition count */
        return select_partition(x, page, len, page_off, bad);
    if (len != cur_len || chg_len != cur_len) {
        *bad = (struct t10_field_ptr){.byte = (uint16_t)(page_off + 1), .cd = false};
        return T10_EINVAL;
    }
    for (size_t i = 2; i < len; i++) {
        uint8_t diff = (uint8_t)((page[i] ^ cur[i]) & ~chg[i]);
        if (diff) {
            unsigned bit = 7;
            while (!(diff & (1u << bit)))
                bit--;
            *bad = (struct t10_field_ptr){.byte = (uint16_t)(page_off + i), .bit = (uint8_t)bit,
                                          .bpv = true, .cd = false};
            return T10_EINVAL;
        }
    }
    memcpy(x->page[x->n++], page, len);
    return T10_OK;
}

static void apply_page(struct vtl_drive *d, const uint8_t *page)
{
    size_t len = 2u + page[1];
    switch (page[0] & 0x3F) {
    case T10_MP_CONTROL: {
        struct t10_mode_control p;
        if (t10_mode_control_decode(page, len, &p) == T10_OK)
            d->d_sense = p.d_sense;
        break;
    }
    case T10_MP_COMPRESSION: {
        struct t10_mode_compression p;
        if (t10_mode_compression_decode(page, len, &p) == T10_OK)
            d->compression = p.dce;
        break;
    }
    case T10_MP_DEVICE_CONFIG: {
        struct t10_mode_devconfig p;
        if (t10_mode_devconfig_decode(page, len, &p) == T10_OK)
            d->compression = p.select_compression != 0;
        break;
    }
    case T10_MP_INFO_EXCEPTIONS: {
        struct t10_mode_iec p;
        if (t10_mode_iec_decode(page, len, &p) == T10_OK) {
            d->iec_dexcpt = p.dexcpt;
            d->iec_test = p.test;
            d->iec_mrie = p.mrie;
            d->iec_interval = p.interval;
            d->iec_report_count = p.report_count;
        }
        break;
    }
    default:
        break; /* 11h: accepted only unchanged */
    }
}

static enum vtl_exec do_mode_select(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c)
{
    bool ten = c->kind == T10_CDB_MODE_SELECT10;
    size_t len = c->u.mode_select.param_len;
    if (len == 0) {
        drv_set_good(cmd);
        return VTL_EXEC_DONE;
    }
    if (!cmd->data_out || cmd->data_out_len < len) {
        drv_fail(d, cmd, DRV_KEY_ILLEGAL, DRV_ASC_PARAM_LIST_LEN);
        return VTL_EXEC_DONE;
    }
    struct select_ctx *x = calloc(1, sizeof *x);
    if (!x) {
        drv_fail(d, cmd, DRV_KEY_HARDWARE, DRV_ASC_INTERNAL_FAILURE);
        return VTL_EXEC_DONE;
    }
    x->d = d;
    struct t10_mode_hdr h;
    struct t10_mode_blkdesc bd = {0};
    struct t10_field_ptr bad = {0};
    enum t10_rc rc = t10_mode_select_walk(cmd->data_out, len, ten, &h, &bd, select_page, x, &bad);
    size_t hdr_len = ten ? T10_MODE_HDR10_LEN : T10_MODE_HDR6_LEN;
    if (rc == T10_ESHORT) {
        drv_fail(d, cmd, DRV_KEY_ILLEGAL, DRV_ASC_PARAM_LIST_LEN);
        goto out;
    }
    if (rc != T10_OK) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_PARAM, bad.byte, bad.bpv ? bad.bit : -1,
                       false);
        goto out;
    }
    if (h.buffered_mode > 1) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_PARAM, ten ? 3 : 2, 6, false);
        goto out;
    }
    if (h.bd_len >= T10_MODE_BLKDESC_LEN) {
        bool dens_ok = bd.density == 0 || bd.density == 0x7F || bd.density == current_density(d);
        for (unsigned g = 5; g <= 9 && !dens_ok; g++) {
            bool rd, wr;
            drv_gen_rules(d, (enum vtl_media)g, &rd, &wr);
            dens_ok = rd && bd.density == drv_density_of((enum vtl_media)g);
        }
        if (!dens_ok) {
            drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_PARAM, (uint16_t)hdr_len, 7, false);
            goto out;
        }
        if (bd.block_len > DRV_MAX_BLOCK) {
            drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_PARAM, (uint16_t)(hdr_len + 5), 7, false);
            goto out;
        }
        d->block_len = bd.block_len;
    }
    d->buffered_mode = h.buffered_mode;
    if (x->part_set) {
        d->part_pending = true;
        d->part_n = x->part_n;
        memcpy(d->part_bytes, x->part_bytes, sizeof d->part_bytes);
    }
    for (size_t i = 0; i < x->n; i++)
        apply_page(d, x->page[i]);
    if (d->tape)
        (void)vtl_tape_set_compression(d->tape, d->compression);
    /* Other initiators share these parameters: tell them (SPC-4 7.5.1). */
    drv_ua_all(d, DRV_ASC_MODE_CHANGED, drv_nexus(d, cmd->nexus_id)->id);
    drv_set_good(cmd);
out:
    free(x);
    return VTL_EXEC_DONE;
}

/* ---- log pages ------------------------------------------------------------------------ */

static const uint8_t log_pages[] = {T10_LP_SUPPORTED, T10_LP_WRITE_ERRORS, T10_LP_READ_ERRORS,
                                    T10_LP_SEQUENTIAL, T10_LP_DATA_COMPRESSION,
                                    T10_LP_TAPEALERT, T10_LP_TAPE_CAPACITY};

struct logp { uint16_t code; uint64_t v; uint8_t width; };

static size_t log_build(uint8_t *buf, size_t cap, uint8_t page, const struct logp *p, size_t n,
                        uint16_t first)
{
    struct t10_log_hdr h = {.page = page};
    size_t off = t10_log_hdr_build(buf, cap, &h);
    for (size_t i = 0; i < n; i++)
        if (p[i].code >= first)
            off += t10_log_param_build_uint(buf + off, off < cap ? cap - off : 0, p[i].code,
                                            T10_LOGCTL_BOUNDED_COUNTER, p[i].v, p[i].width);
    t10_log_set_page_len(buf, cap, off);
    return off;
}

static enum vtl_exec do_log_sense(struct vtl_drive *d, struct vtl_cmd *cmd,
                                  const struct t10_cdb_log_sense *l)
{
    if (l->sp) { /* parameters are not saved */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 0, true);
        return VTL_EXEC_DONE;
    }
    if (l->subpage != 0) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 3, 7, true);
        return VTL_EXEC_DONE;
    }
    uint8_t buf[512];
    size_t len = 0;
    struct vtl_tape_counters tc = {0};
    struct vtl_tape_pos pos = {0};
    if (d->tape) {
        vtl_tape_get_counters(d->tape, &tc);
        vtl_tape_position(d->tape, &pos);
    }
    switch (l->page) {
    case T10_LP_SUPPORTED:
        len = t10_log_supported_build(buf, sizeof buf, log_pages, sizeof log_pages);
        break;
    case T10_LP_WRITE_ERRORS:
    case T10_LP_READ_ERRORS: {
        bool w = l->page == T10_LP_WRITE_ERRORS;
        struct logp p[] = {
            {0x0000, 0, 4}, {0x0001, 0, 4}, {0x0002, 0, 4}, {0x0003, 0, 4}, {0x0004, 0, 4},
            {0x0005, w ? d->host_written : d->host_read, 8},
            {0x0006, w ? d->write_errors : d->read_errors, 4},
        };
        len = log_build(buf, sizeof buf, l->page, p, sizeof p / sizeof p[0], l->param_ptr);
        break;
    }
    case T10_LP_SEQUENTIAL: {
        struct logp p[] = {
            {0x0000, d->host_written, 8}, {0x0001, d->medium_written, 8},
            {0x0002, d->medium_read, 8}, {0x0003, d->host_read, 8},
            {0x0100, d->dirty ? 1 : 0, 1}, /* cleaning required */
        };
        len = log_build(buf, sizeof buf, l->page, p, sizeof p / sizeof p[0], l->param_ptr);
        break;
    }
    case T10_LP_DATA_COMPRESSION: {
        uint64_t hr = tc.host_bytes_read - d->at_load.host_bytes_read;
        uint64_t mr = tc.medium_bytes_read - d->at_load.medium_bytes_read;
        uint64_t hw = tc.host_bytes_written - d->at_load.host_bytes_written;
        uint64_t mw = tc.medium_bytes_written - d->at_load.medium_bytes_written;
        const uint64_t mb = 1000000;
        struct logp p[] = {
            {0x0000, mr ? hr * 100 / mr : 100, 2}, {0x0001, mw ? hw * 100 / mw : 100, 2},
            {0x0002, hr / mb, 4}, {0x0003, hr % mb, 4}, {0x0004, mr / mb, 4},
            {0x0005, mr % mb, 4}, {0x0006, hw / mb, 4}, {0x0007, hw % mb, 4},
            {0x0008, mw / mb, 4}, {0x0009, mw % mb, 4},
        };
        len = log_build(buf, sizeof buf, l->page, p, sizeof p / sizeof p[0], l->param_ptr);
        break;
    }
    case T10_LP_TAPEALERT:
        len = t10_log_tapealert_build(buf, sizeof buf, d->ta_latched & ta_supported());
        /* SSC-4 8.2.3: flags are cleared when the page is read; conditions that still
         * hold are set again at once. */
        d->ta_latched = drv_ta_active(d);
        break;
    case T10_LP_TAPE_CAPACITY: {
        const uint64_t mb = 1000000;
        uint64_t remain = pos.capacity > pos.bytes_used ? pos.capacity - pos.bytes_used : 0;
        struct logp p[] = {
            {0x0001, remain / mb, 4}, {0x0002, 0, 4},
            {0x0003, pos.capacity / mb, 4}, {0x0004, 0, 4},
        };
        len = log_build(buf, sizeof buf, l->page, p, sizeof p / sizeof p[0], l->param_ptr);
        break;
    }
    default:
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 5, true);
        return VTL_EXEC_DONE;
    }
    put_data(cmd, buf, len, l->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

static enum vtl_exec do_log_select(struct vtl_drive *d, struct vtl_cmd *cmd,
                                   const struct t10_cdb_log_select *l)
{
    if (l->sp) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 0, true);
        return VTL_EXEC_DONE;
    }
    if (l->param_len) { /* setting thresholds or values is not served */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 7, 7, true);
        return VTL_EXEC_DONE;
    }
    if (l->pcr) { /* parameter code reset: counters back to zero */
        d->host_written = d->host_read = d->medium_written = d->medium_read = 0;
        d->write_errors = d->read_errors = 0;
        if (d->tape)
            vtl_tape_get_counters(d->tape, &d->at_load);
    }
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* ---- MAM: READ/WRITE ATTRIBUTE ---------------------------------------------------------- */

/* Length of a medium as LTO cartridges have it, metres. */
static uint32_t medium_length_m(unsigned gen)
{
    return gen >= 9 ? 1035 : gen >= 7 ? 960 : 846;
}

/* Adds attribute @id computed by the drive (device and medium attributes); false when the
 * drive does not have it. */
static bool computed_attr(struct vtl_drive *d, uint16_t id, struct vtl_tape_attr *a)
{
    struct vtl_tape_counters tc;
    struct vtl_tape_pos pos;
    vtl_tape_get_counters(d->tape, &tc);
    vtl_tape_position(d->tape, &pos);
    memset(a, 0, offsetof(struct vtl_tape_attr, value));
    a->id = id;
    a->read_only = true;
    a->format = T10_MAM_BINARY;
    uint64_t v;
    const uint64_t mib = 1024 * 1024;
    switch (id) {
    case T10_MAM_REMAINING_CAPACITY:
        v = (pos.capacity > pos.bytes_used ? pos.capacity - pos.bytes_used : 0) / mib;
        goto be64;
    case T10_MAM_MAXIMUM_CAPACITY: v = pos.capacity / mib; goto be64;
    case T10_MAM_TAPEALERT_FLAGS: v = d->ta_latched; goto be64;
    case T10_MAM_LOAD_COUNT: v = tc.loads; goto be64;
    case T10_MAM_SPACE_REMAINING: v = 16384; goto be64;
    case T10_MAM_ASSIGNING_ORGANIZATION:
        a->format = T10_MAM_ASCII;
        a->len = 8;
        memcpy(a->value, "LTO-CVE ", 8);
        return true;
    case T10_MAM_FORMATTED_DENSITY_CODE:
    case T10_MAM_MEDIUM_DENSITY_CODE:
        a->len = 1;
        a->value[0] = current_density(d);
        return true;
    case T10_MAM_INITIALIZATION_COUNT:
        a->len = 2;
        t10_put_be16(a->value, 1);
        return true;
    case T10_MAM_DEV_AT_LAST_LOAD: {
        char s[41];
        snprintf(s, sizeof s, "%-8.8s%-32.32s", d->vendor, d->serial);
        a->format = T10_MAM_ASCII;
        a->len = 40;
        memcpy(a->value, s, 40);
        return true;
    }
    case T10_MAM_TOTAL_MB_WRITTEN: v = tc.host_bytes_written / mib; goto be64;
    case T10_MAM_TOTAL_MB_READ: v = tc.host_bytes_read / mib; goto be64;
    case T10_MAM_LOAD_MB_WRITTEN: v = (tc.host_bytes_written - d->at_load.host_bytes_written) / mib; goto be64;
    case T10_MAM_LOAD_MB_READ: v = (tc.host_bytes_read - d->at_load.host_bytes_read) / mib; goto be64;
    case T10_MAM_MEDIUM_LENGTH:
        a->len = 4;
        t10_put_be32(a->value, medium_length_m(d->cart_gen ? d->cart_gen : d->cfg.gen));
        return true;
    case T10_MAM_MEDIUM_WIDTH:
        a->len = 4;
        t10_put_be32(a->value, 127);
        return true;
    case T10_MAM_MEDIUM_ASSIGNING_ORG:
        a->format = T10_MAM_ASCII;
        a->len = 8;
        memcpy(a->value, "LTO-CVE ", 8);
        return true;
    case T10_MAM_MAM_CAPACITY: v = 16384; goto be64;
    case T10_MAM_MEDIUM_TYPE:
        a->len = 1;
        a->value[0] = d->cart.cleaning ? 0x01 : vtl_tape_is_worm(d->tape) ? 0x80 : 0x00;
        return true;
    case T10_MAM_MEDIUM_TYPE_INFO:
        a->len = 2;
        t10_put_be16(a->value, d->cart.cleaning && d->cleaner_uses_left > 0
                                   ? (uint32_t)d->cleaner_uses_left : 0);
        return true;
    default:
        return false;
    }
be64:
    a->len = 8;
    t10_put_be64(a->value, v);
    return true;
}

static const uint16_t computed_ids[] = {
    0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x020A, 0x0220, 0x0221,
    0x0222, 0x0223, 0x0402, 0x0403, 0x0404, 0x0405, 0x0407, 0x0408, 0x0409,
};
static const uint16_t host_ids[] = {0x0800, 0x0801, 0x0802, 0x0803, 0x0804, 0x0805,
                                    0x0806, 0x0807, 0x0808, 0x0809, 0x080A, 0x080B,
                                    0x080C, 0x0820, 0x0821};

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Every attribute present: computed ones and the stored ones (host attributes and the
 * factory medium attributes), ascending, without the drive's private ones. */
static size_t present_ids(struct vtl_drive *d, uint16_t *ids, size_t cap)
{
    size_t n = 0, stored = 0;
    for (size_t i = 0; i < sizeof computed_ids / sizeof computed_ids[0] && n < cap; i++)
        ids[n++] = computed_ids[i];
    vtl_tape_attr_list(d->tape, ids + n, cap - n, &stored);
    if (stored > cap - n)
        stored = cap - n;
    size_t w = n;
    for (size_t i = n; i < n + stored; i++)
        if (ids[i] != DRV_CLEANER_USES_ATTR)
            ids[w++] = ids[i];
    qsort(ids, w, sizeof ids[0], cmp_u16);
    return w;
}

/* LOGICAL VOLUME LIST / PARTITION LIST (SPC-4 Tables 336/337): 0-1 AVAILABLE DATA (2),
 * 2 FIRST number, 3 NUMBER available. Not in scsi/mam.h yet. */
static size_t drv_mam_count_list_build(uint8_t *out, size_t cap, uint8_t first, uint8_t count)
{
    uint8_t b[4] = {0, 2, first, count};
    memcpy(out, b, cap < 4 ? cap : 4);
    return 4;
}

static enum vtl_exec do_read_attr(struct vtl_drive *d, struct vtl_cmd *cmd,
                                  const struct t10_cdb_read_attr *r)
{
    if (!drv_medium_ready(d, cmd))
        return VTL_EXEC_DONE;
    if (r->lv != 0) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 5, 7, true);
        return VTL_EXEC_DONE;
    }
    if (r->partition >= vtl_tape_partitions(d->tape)) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 7, 7, true);
        return VTL_EXEC_DONE;
    }
    size_t ids_cap = VTL_TAPE_ATTR_MAX_COUNT + 64;
    uint16_t *ids = calloc(ids_cap, sizeof *ids);
    struct vtl_tape_attr *vals = NULL;
    struct t10_mam_attr *ma = NULL;
    uint8_t *out = NULL;
    size_t len = 0, n = 0;
    if (!ids)
        goto nomem;
    switch (r->sa) {
    case T10_RA_VALUES: {
        size_t n_ids = present_ids(d, ids, ids_cap);
        vals = calloc(n_ids ? n_ids : 1, sizeof *vals);
        ma = calloc(n_ids ? n_ids : 1, sizeof *ma);
        if (!vals || !ma)
            goto nomem;
        for (size_t i = 0; i < n_ids; i++) {
            if (ids[i] < r->first_attr)
                continue;
            struct vtl_tape_attr *a = &vals[n];
            if (!computed_attr(d, ids[i], a) && vtl_tape_attr_get(d->tape, ids[i], a) != VTL_TAPE_OK)
                continue;
            ma[n] = (struct t10_mam_attr){.id = a->id, .read_only = a->read_only || a->id < 0x0800,
                                          .format = a->format, .len = a->len, .value = a->value};
            n++;
        }
        len = t10_mam_values_build(NULL, 0, ma, n);
        out = malloc(len);
        if (!out)
            goto nomem;
        t10_mam_values_build(out, len, ma, n);
        break;
    }
    case T10_RA_LIST:
    case T10_RA_SUPPORTED: {
        size_t n_ids = present_ids(d, ids, ids_cap);
        if (r->sa == T10_RA_SUPPORTED) { /* plus the host attributes that may be written */
            for (size_t i = 0; i < sizeof host_ids / sizeof host_ids[0] && n_ids < ids_cap; i++)
                ids[n_ids++] = host_ids[i];
            qsort(ids, n_ids, sizeof ids[0], cmp_u16);
            size_t w = 0;
            for (size_t i = 0; i < n_ids; i++)
                if (!w || ids[w - 1] != ids[i])
                    ids[w++] = ids[i];
            n_ids = w;
        }
        size_t start = 0;
        while (start < n_ids && ids[start] < r->first_attr)
            start++;
        len = t10_mam_list_build(NULL, 0, ids + start, n_ids - start);
        out = malloc(len);
        if (!out)
            goto nomem;
        t10_mam_list_build(out, len, ids + start, n_ids - start);
        break;
    }
    case T10_RA_LV_LIST:
    case T10_RA_PARTITION_LIST:
        out = malloc(4);
        if (!out)
            goto nomem;
        len = drv_mam_count_list_build(out, 4, 0, r->sa == T10_RA_LV_LIST
                                                       ? 1 : (uint8_t)vtl_tape_partitions(d->tape));
        break;
    default:
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 4, true);
        goto out;
    }
    put_data(cmd, out, len, r->alloc_len);
    drv_set_good(cmd);
    goto out;
nomem:
    drv_fail(d, cmd, DRV_KEY_HARDWARE, DRV_ASC_INTERNAL_FAILURE);
out:
    free(out);
    free(ma);
    free(vals);
    free(ids);
    return VTL_EXEC_DONE;
}

struct wattr_ctx {
    const uint8_t *base;
    struct t10_field_ptr bad;
    bool failed;
    struct vtl_tape *apply;   /* NULL during the check pass */
    enum vtl_tape_rc apply_rc;
};

static enum t10_rc wattr_one(const struct t10_mam_attr *a, void *arg)
{
    struct wattr_ctx *x = arg;
    uint16_t off = (uint16_t)(a->value - x->base - T10_MAM_ATTR_HDR_LEN);
    if (x->apply) {
        enum vtl_tape_rc rc = vtl_tape_attr_set(x->apply, a->id, a->format, false, a->value,
                                                a->len, false);
        if (rc != VTL_TAPE_OK)
            x->apply_rc = rc;
        return T10_OK;
    }
    const struct t10_mam_info *info = t10_mam_lookup(a->id);
    /* Device and medium attributes belong to the drive and the cartridge (SPC-4 7.4.2). */
    if (a->id < 0x0800 || a->id == DRV_CLEANER_USES_ATTR) {
        x->bad = (struct t10_field_ptr){.byte = off, .cd = false};
    } else if (a->len > VTL_TAPE_ATTR_MAX_LEN) {
        x->bad = (struct t10_field_ptr){.byte = (uint16_t)(off + 3), .cd = false};
    } else if (info && a->len && info->len && a->len != info->len) {
        x->bad = (struct t10_field_ptr){.byte = (uint16_t)(off + 3), .cd = false};
    } else if (info && a->format != info->format) {
        x->bad = (struct t10_field_ptr){.byte = (uint16_t)(off + 2), .bit = 1, .bpv = true,
                                        .cd = false};
    } else {
        return T10_OK;
    }
    x->failed = true;
    return T10_ESTOP;
}

static enum vtl_exec do_write_attr(struct vtl_drive *d, struct vtl_cmd *cmd,
                                   const struct t10_cdb_write_attr *w)
{
    if (!drv_medium_ready(d, cmd))
        return VTL_EXEC_DONE;
    if (w->lv != 0) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 5, 7, true);
        return VTL_EXEC_DONE;
    }
    if (w->partition >= vtl_tape_partitions(d->tape)) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 7, 7, true);
        return VTL_EXEC_DONE;
    }
    size_t len = w->param_len;
    if (len == 0) {
        drv_set_good(cmd);
        return VTL_EXEC_DONE;
    }
    if (len < T10_MAM_HDR_LEN || !cmd->data_out || cmd->data_out_len < len) {
        drv_fail(d, cmd, DRV_KEY_ILLEGAL, DRV_ASC_PARAM_LIST_LEN);
        return VTL_EXEC_DONE;
    }
    if (vtl_tape_write_protected(d->tape)) {
        drv_fail(d, cmd, DRV_KEY_DATA_PROTECT, DRV_ASC_WRITE_PROTECTED);
        return VTL_EXEC_DONE;
    }
    struct wattr_ctx x = {.base = cmd->data_out};
    bool truncated = false;
    enum t10_rc rc = t10_mam_values_walk(cmd->data_out, len, wattr_one, &x, &truncated);
    if (x.failed) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_PARAM, x.bad.byte,
                       x.bad.bpv ? x.bad.bit : -1, false);
        return VTL_EXEC_DONE;
    }
    if ((rc != T10_OK && rc != T10_ESTOP) || truncated ||
        4 + (size_t)t10_get_be32(cmd->data_out) != len) {
        drv_fail(d, cmd, DRV_KEY_ILLEGAL, DRV_ASC_PARAM_LIST_LEN);
        return VTL_EXEC_DONE;
    }
    x.apply = d->tape;
    x.apply_rc = VTL_TAPE_OK;
    (void)t10_mam_values_walk(cmd->data_out, len, wattr_one, &x, &truncated); /* checked */
    if (x.apply_rc != VTL_TAPE_OK)
        drv_fail(d, cmd, DRV_KEY_MEDIUM_ERROR, DRV_ASC_WRITE_ERROR);
    else
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
    put_data(cmd, buf, len > sizeof buf ? sizeof buf : len, r->alloc_len);
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
    case T10_CDB_MODE_SENSE10: return do_mode_sense(d, cmd, c);
    case T10_CDB_MODE_SELECT6:
    case T10_CDB_MODE_SELECT10: return do_mode_select(d, cmd, c);
    case T10_CDB_LOG_SENSE: return do_log_sense(d, cmd, &c->u.log_sense);
    case T10_CDB_LOG_SELECT: return do_log_select(d, cmd, &c->u.log_select);
    case T10_CDB_READ_ATTRIBUTE: return do_read_attr(d, cmd, &c->u.read_attr);
    case T10_CDB_WRITE_ATTRIBUTE: return do_write_attr(d, cmd, &c->u.write_attr);
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
    default: return drv_ssc_execute(d, cmd, c);
    }
}
