/* SPDX-License-Identifier: MIT
 * sim/drive/drive_mam.c - medium auxiliary memory of the loaded cartridge: READ ATTRIBUTE
 * (values, attribute list, volume and partition lists, supported attributes) and WRITE
 * ATTRIBUTE (SPC-4 6.16, 6.37, 7.4). Device and medium attributes are computed by the
 * drive or stamped into the image when it is created, and are read-only; host
 * attributes live in the image's attribute store (sim/tape/tapeimg.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/be.h"
#include "scsi/mam.h"
#include "sim/drive/drive_int.h"

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
        a->value[0] = drv_current_density(d);
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

enum vtl_exec drv_read_attr(struct vtl_drive *d, struct vtl_cmd *cmd,
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
        /* the last attribute's LENGTH (bytes 3-4 of its header) runs past the data */
        if (n && drv_mut(d, VTL_MUT_DRV_MAM_BAD_LEN) && len >= 9 + (size_t)ma[n - 1].len) {
            uint8_t *h = out + len - ma[n - 1].len - 5;
            t10_put_be16(h + 3, (uint16_t)(ma[n - 1].len + 8));
        }
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
        if (drv_mut(d, VTL_MUT_DRV_MAM_UNSORTED) && n_ids - start >= 2) {
            uint16_t x = ids[start]; /* the first two swapped */
            ids[start] = ids[start + 1];
            ids[start + 1] = x;
        }
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
    drv_put_data(cmd, out, len, r->alloc_len);
    if (len > r->alloc_len && r->alloc_len >= 4 && cmd->data_in_len >= 4 &&
        drv_mut(d, VTL_MUT_DRV_MAM_AVAIL_TRUNC))
        t10_put_be32(cmd->data_in, (uint32_t)(cmd->data_in_len - 4));
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

enum vtl_exec drv_write_attr(struct vtl_drive *d, struct vtl_cmd *cmd,
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

