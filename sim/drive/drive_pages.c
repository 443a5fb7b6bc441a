/* SPDX-License-Identifier: MIT
 * sim/drive/drive_pages.c - MODE SENSE/SELECT (6) and (10) with the block descriptor and
 * pages 0Ah, 0Fh, 10h, 11h, 1Ch, and LOG SENSE/SELECT with pages 00h, 02h, 03h, 0Ch, 1Bh,
 * 2Eh and 31h, for a drive LUN.
 *
 * MODE SELECT is checked against the changeable mask of each page: a byte that differs
 * from the current value in a bit that is not changeable is INVALID FIELD IN PARAMETER
 * LIST with a pointer to that byte, and nothing is applied unless the whole list passes.
 * Page 11h is the exception: its length follows the partition count, so it is checked
 * field by field and kept for FORMAT MEDIUM.
 */
#include <stdlib.h>
#include <string.h>

#include "scsi/log.h"
#include "scsi/mode.h"
#include "sim/drive/drive_int.h"

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
            if (drv_mut(d, VTL_MUT_DRV_COMP_DCC0))
                p.dce = !(p.dcc = false);
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

uint8_t drv_current_density(const struct vtl_drive *d)
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

enum vtl_exec drv_mode_sense(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c)
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
    bool no_bd = m->dbd || (!ten && drv_mut(d, VTL_MUT_DRV_NO_BLOCK_DESC));
    if (no_bd)
        h.bd_len = 0;
    off = t10_mode_hdr_build(buf, sizeof buf, ten, &h);
    if (!no_bd) {
        struct t10_mode_blkdesc bd = {.density = drv_current_density(d), .n_blocks = 0,
                                      .block_len = d->block_len};
        off += t10_mode_blkdesc_build(buf + off, sizeof buf - off, &bd);
    }
    for (size_t i = 0; i < sizeof mode_pages; i++)
        if (all || mode_pages[i] == m->page)
            off += build_page(d, mode_pages[i], m->pc, buf + off, sizeof buf - off);
    t10_mode_set_data_len(buf, sizeof buf, ten, off);
    drv_put_data(cmd, buf, off, m->alloc_len);
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
            /* TEST: one false informational exception, reported the way MRIE says
             * (SPC-4 7.5.10): 2 unit attention to every nexus, 3/4 RECOVERED ERROR on
             * the next command that succeeds, 6 only on REQUEST SENSE. */
            if (p.test && !p.dexcpt) {
                if (p.mrie == 2)
                    drv_ua_all(d, DRV_ASC_LOG_EXCEPTION, 0);
                d->iec_armed = p.mrie == 3 || p.mrie == 4;
            }
        }
        break;
    }
    default:
        break; /* 11h: accepted only unchanged */
    }
}

enum vtl_exec drv_mode_select(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c)
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
        bool dens_ok = bd.density == 0 || bd.density == 0x7F || bd.density == drv_current_density(d);
        for (unsigned g = 5; g <= 9 && !dens_ok; g++) {
            bool rd, wr;
            drv_gen_rules(d, (enum vtl_media)g, &rd, &wr);
            dens_ok = rd && bd.density == drv_density_of((enum vtl_media)g);
        }
        if (!dens_ok) {
            drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_PARAM, (uint16_t)hdr_len, 7, false);
            goto out;
        }
        if (bd.block_len > d->pers->max_block) {
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
        (void)vtl_tape_set_compression(d->tape, d->compression && d->cfg.compress_images);
    /* Other initiators share these parameters: tell them (SPC-4 7.5.1). */
    drv_ua_all(d, DRV_ASC_MODE_CHANGED, drv_nexus(d, cmd->nexus_id)->id);
    drv_set_good(cmd);
out:
    free(x);
    return VTL_EXEC_DONE;
}

/* ---- log pages ------------------------------------------------------------------------ */

/* 32h: the data compression page as LTO drives served it before SSC-4 gave it code 1Bh
 * (same ten parameters); older host tools still ask for it. */
#define LP_VENDOR_COMPRESSION 0x32

static const uint8_t log_pages[] = {T10_LP_SUPPORTED, T10_LP_WRITE_ERRORS, T10_LP_READ_ERRORS,
                                    T10_LP_SEQUENTIAL, T10_LP_DATA_COMPRESSION,
                                    T10_LP_TAPEALERT, T10_LP_TAPE_CAPACITY,
                                    LP_VENDOR_COMPRESSION};

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

enum vtl_exec drv_log_sense(struct vtl_drive *d, struct vtl_cmd *cmd,
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
    case T10_LP_SUPPORTED: {
        uint8_t pages[sizeof log_pages];
        size_t np = 0;
        for (size_t i = 0; i < sizeof log_pages; i++)
            if (log_pages[i] != T10_LP_TAPEALERT || !drv_mut(d, VTL_MUT_DRV_LOG_NO_2E))
                pages[np++] = log_pages[i];
        len = t10_log_supported_build(buf, sizeof buf, pages, np);
        break;
    }
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
    case T10_LP_DATA_COMPRESSION:
    case LP_VENDOR_COMPRESSION: {
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
        len = t10_log_tapealert_build(buf, sizeof buf,
                                      (d->ta_latched & drv_ta_supported()) |
                                          (drv_mut(d, VTL_MUT_DRV_TA_UNSUPPORTED)
                                               ? T10_TA_FLAG(0x40)
                                               : 0));
        if (drv_mut(d, VTL_MUT_DRV_TA_SHORT) && len > 4 + 32 * 5) {
            len = 4 + 32 * 5; /* parameters 0001h-0020h only */
            t10_log_set_page_len(buf, sizeof buf, len);
        }
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
    drv_put_data(cmd, buf, len, l->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

enum vtl_exec drv_log_select(struct vtl_drive *d, struct vtl_cmd *cmd,
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

