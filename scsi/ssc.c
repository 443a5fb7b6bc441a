/* SPDX-License-Identifier: MIT
 * scsi/ssc.c - tape parameter data: READ BLOCK LIMITS, READ POSITION (three forms) and
 * REPORT DENSITY SUPPORT (SSC-4 7.4, 7.7, 7.8). Layouts in ssc.h.
 */
#include "scsi/ssc.h"

#include <string.h>

#include "scsi/be.h"
#include "scsi/cdb.h"

static size_t copy_out(uint8_t *out, size_t cap, const uint8_t *b, size_t n)
{
    if (cap)
        memcpy(out, b, cap < n ? cap : n);
    return n;
}

size_t t10_block_limits_build(uint8_t *out, size_t cap, const struct t10_block_limits *b)
{
    uint8_t d[T10_BLOCK_LIMITS_LEN] = {0};
    if (b->max_len > 0xFFFFFF || b->granularity > 0x1F)
        return 0;
    d[0] = b->granularity;
    t10_put_be24(d + 1, b->max_len);
    t10_put_be16(d + 4, b->min_len);
    return copy_out(out, cap, d, sizeof d);
}

enum t10_rc t10_block_limits_decode(const uint8_t *buf, size_t len, struct t10_block_limits *out)
{
    if (len < T10_BLOCK_LIMITS_LEN)
        return T10_ESHORT;
    out->granularity = buf[0] & 0x1F;
    out->max_len = t10_get_be24(buf + 1);
    out->min_len = t10_get_be16(buf + 4);
    return T10_OK;
}

static uint8_t flags_short(const struct t10_read_pos *rp)
{
    return (uint8_t)((rp->bop ? 0x80 : 0) | (rp->eop ? 0x40 : 0) | (rp->locu ? 0x20 : 0) |
                     (rp->bycu ? 0x10 : 0) | (rp->lolu ? 0x04 : 0) | (rp->perr ? 0x02 : 0) |
                     (rp->bpew ? 0x01 : 0));
}

static void parse_flags_short(uint8_t f, struct t10_read_pos *rp)
{
    rp->bop = f & 0x80;
    rp->eop = f & 0x40;
    rp->locu = f & 0x20;
    rp->bycu = f & 0x10;
    rp->lolu = f & 0x04;
    rp->perr = f & 0x02;
    rp->bpew = f & 0x01;
}

size_t t10_read_pos_build(uint8_t *out, size_t cap, uint8_t sa, const struct t10_read_pos *rp)
{
    uint8_t b[32] = {0};
    switch (sa) {
    case T10_RP_SHORT:
    case T10_RP_SHORT_VS:
        if (rp->first_lo > UINT32_MAX || rp->last_lo > UINT32_MAX || rp->partition > 0xFF ||
            rp->n_objects_buf > 0xFFFFFF || rp->n_bytes_buf > UINT32_MAX)
            return 0;
        b[0] = flags_short(rp);
        b[1] = (uint8_t)rp->partition;
        t10_put_be32(b + 4, (uint32_t)rp->first_lo);
        t10_put_be32(b + 8, (uint32_t)rp->last_lo);
        t10_put_be24(b + 13, rp->n_objects_buf);
        t10_put_be32(b + 16, (uint32_t)rp->n_bytes_buf);
        return copy_out(out, cap, b, T10_RP_SHORT_LEN);
    case T10_RP_LONG:
        b[0] = (uint8_t)((rp->bop ? 0x80 : 0) | (rp->eop ? 0x40 : 0) | (rp->mpu ? 0x08 : 0) |
                         (rp->lonu ? 0x04 : 0) | (rp->bpew ? 0x01 : 0));
        t10_put_be32(b + 4, rp->partition);
        t10_put_be64(b + 8, rp->lo_number);
        t10_put_be64(b + 16, rp->file_id);
        return copy_out(out, cap, b, T10_RP_LONG_LEN);
    case T10_RP_EXTENDED:
        if (rp->partition > 0xFF || rp->n_objects_buf > 0xFFFFFF)
            return 0;
        b[0] = flags_short(rp);
        b[1] = (uint8_t)rp->partition;
        t10_put_be16(b + 2, T10_RP_EXT_LEN - 4);
        t10_put_be24(b + 5, rp->n_objects_buf);
        t10_put_be64(b + 8, rp->first_lo);
        t10_put_be64(b + 16, rp->last_lo);
        t10_put_be64(b + 24, rp->n_bytes_buf);
        return copy_out(out, cap, b, T10_RP_EXT_LEN);
    default:
        return 0;
    }
}

enum t10_rc t10_read_pos_decode(const uint8_t *buf, size_t len, uint8_t sa,
                                struct t10_read_pos *out)
{
    struct t10_read_pos rp;
    memset(&rp, 0, sizeof rp);
    switch (sa) {
    case T10_RP_SHORT:
    case T10_RP_SHORT_VS:
        if (len < T10_RP_SHORT_LEN)
            return T10_ESHORT;
        parse_flags_short(buf[0], &rp);
        rp.partition = buf[1];
        rp.first_lo = t10_get_be32(buf + 4);
        rp.last_lo = t10_get_be32(buf + 8);
        rp.n_objects_buf = t10_get_be24(buf + 13);
        rp.n_bytes_buf = t10_get_be32(buf + 16);
        break;
    case T10_RP_LONG:
        if (len < T10_RP_LONG_LEN)
            return T10_ESHORT;
        rp.bop = buf[0] & 0x80;
        rp.eop = buf[0] & 0x40;
        rp.mpu = buf[0] & 0x08;
        rp.lonu = buf[0] & 0x04;
        rp.bpew = buf[0] & 0x01;
        rp.partition = t10_get_be32(buf + 4);
        rp.lo_number = t10_get_be64(buf + 8);
        rp.file_id = t10_get_be64(buf + 16);
        break;
    case T10_RP_EXTENDED:
        if (len < T10_RP_EXT_LEN)
            return T10_ESHORT;
        parse_flags_short(buf[0], &rp);
        rp.partition = buf[1];
        rp.n_objects_buf = t10_get_be24(buf + 5);
        rp.first_lo = t10_get_be64(buf + 8);
        rp.last_lo = t10_get_be64(buf + 16);
        rp.n_bytes_buf = t10_get_be64(buf + 24);
        break;
    default:
        return T10_EINVAL;
    }
    *out = rp;
    return T10_OK;
}

static void density_bytes(uint8_t b[T10_DENSITY_DESC_LEN], const struct t10_density_desc *d)
{
    memset(b, 0, T10_DENSITY_DESC_LEN);
    b[0] = d->primary;
    b[1] = d->secondary;
    b[2] = (uint8_t)((d->wrtok ? 0x80 : 0) | (d->dup ? 0x40 : 0) | (d->deflt ? 0x20 : 0) |
                     (d->dlv ? 0x01 : 0));
    t10_put_be24(b + 5, d->bits_per_mm);
    t10_put_be16(b + 8, d->media_width);
    t10_put_be16(b + 10, d->tracks);
    t10_put_be32(b + 12, d->capacity_mb);
    t10_put_ascii(b + 16, 8, d->assigning_org);
    t10_put_ascii(b + 24, 8, d->name);
    t10_put_ascii(b + 32, 20, d->description);
}

size_t t10_density_report_build(uint8_t *out, size_t cap, const struct t10_density_desc *d,
                                size_t n)
{
    size_t total = 4 + n * T10_DENSITY_DESC_LEN;
    if (total - 2 > 0xFFFF)
        return 0;
    uint8_t h[4] = {0};
    t10_put_be16(h, (uint16_t)(total - 2));
    copy_out(out, cap, h, 4);
    for (size_t i = 0; i < n; i++) {
        uint8_t b[T10_DENSITY_DESC_LEN];
        size_t off = 4 + i * T10_DENSITY_DESC_LEN;
        density_bytes(b, &d[i]);
        if (off < cap)
            copy_out(out + off, cap - off, b, sizeof b);
    }
    return total;
}

enum t10_rc t10_density_report_walk(const uint8_t *buf, size_t len, t10_density_fn *fn, void *arg,
                                    bool *truncated)
{
    *truncated = false;
    if (len < 4)
        return T10_ESHORT;
    size_t end = 2 + (size_t)t10_get_be16(buf);
    if (end > len) {
        *truncated = true;
        end = len;
    }
    for (size_t off = 4; off < end; off += T10_DENSITY_DESC_LEN) {
        if (end - off < T10_DENSITY_DESC_LEN) {
            *truncated = true;
            return T10_OK;
        }
        const uint8_t *b = buf + off;
        struct t10_density_desc d;
        memset(&d, 0, sizeof d);
        d.primary = b[0];
        d.secondary = b[1];
        d.wrtok = b[2] & 0x80;
        d.dup = b[2] & 0x40;
        d.deflt = b[2] & 0x20;
        d.dlv = b[2] & 0x01;
        d.bits_per_mm = t10_get_be24(b + 5);
        d.media_width = t10_get_be16(b + 8);
        d.tracks = t10_get_be16(b + 10);
        d.capacity_mb = t10_get_be32(b + 12);
        t10_get_ascii(d.assigning_org, b + 16, 8);
        t10_get_ascii(d.name, b + 24, 8);
        t10_get_ascii(d.description, b + 32, 20);
        enum t10_rc rc = fn(&d, arg);
        if (rc != T10_OK)
            return rc;
    }
    return T10_OK;
}
