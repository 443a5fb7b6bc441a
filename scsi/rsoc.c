/* SPDX-License-Identifier: MIT
 * scsi/rsoc.c - REPORT SUPPORTED OPERATION CODES parameter data (SPC-4 6.35). Layout in
 * rsoc.h.
 */
#include "scsi/rsoc.h"

#include <string.h>

#include "scsi/be.h"

static void put(uint8_t *out, size_t cap, size_t off, const uint8_t *b, size_t n)
{
    if (off < cap)
        memcpy(out + off, b, cap - off < n ? cap - off : n);
}

static void timeouts_bytes(uint8_t b[T10_RSOC_TIMEOUTS_LEN], const struct t10_rsoc_timeouts *t)
{
    memset(b, 0, T10_RSOC_TIMEOUTS_LEN);
    t10_put_be16(b, 0x0A);
    b[3] = t->cmd_specific;
    t10_put_be32(b + 4, t->nominal_s);
    t10_put_be32(b + 8, t->recommended_s);
}

static enum t10_rc timeouts_parse(const uint8_t *b, struct t10_rsoc_timeouts *t)
{
    if (t10_get_be16(b) != 0x0A)
        return T10_EINVAL;
    t->cmd_specific = b[3];
    t->nominal_s = t10_get_be32(b + 4);
    t->recommended_s = t10_get_be32(b + 8);
    return T10_OK;
}

size_t t10_rsoc_all_build(uint8_t *out, size_t cap, const struct t10_rsoc_desc *d, size_t n,
                          bool rctd)
{
    size_t one = T10_RSOC_DESC_LEN + (rctd ? T10_RSOC_TIMEOUTS_LEN : 0);
    if (n > (UINT32_MAX - 4) / one)
        return 0;
    uint8_t h[4];
    t10_put_be32(h, (uint32_t)(n * one));
    put(out, cap, 0, h, 4);
    for (size_t i = 0; i < n; i++) {
        uint8_t b[T10_RSOC_DESC_LEN + T10_RSOC_TIMEOUTS_LEN] = {0};
        b[0] = d[i].op;
        t10_put_be16(b + 2, d[i].sa);
        b[5] = (uint8_t)((rctd ? 0x02 : 0) | (d[i].servactv ? 0x01 : 0));
        t10_put_be16(b + 6, d[i].cdb_len);
        if (rctd)
            timeouts_bytes(b + 8, &d[i].to);
        put(out, cap, 4 + i * one, b, one);
    }
    return 4 + n * one;
}

enum t10_rc t10_rsoc_all_walk(const uint8_t *buf, size_t len, t10_rsoc_fn *fn, void *arg,
                              bool *truncated)
{
    *truncated = false;
    if (len < 4)
        return T10_ESHORT;
    size_t end = 4 + (size_t)t10_get_be32(buf);
    if (end > len || end < 4) {
        *truncated = true;
        end = len;
    }
    size_t off = 4;
    while (off < end) {
        if (end - off < T10_RSOC_DESC_LEN) {
            *truncated = true;
            return T10_OK;
        }
        const uint8_t *b = buf + off;
        struct t10_rsoc_desc d;
        memset(&d, 0, sizeof d);
        d.op = b[0];
        d.sa = t10_get_be16(b + 2);
        d.ctdp = b[5] & 0x02;
        d.servactv = b[5] & 0x01;
        d.cdb_len = t10_get_be16(b + 6);
        size_t one = T10_RSOC_DESC_LEN + (d.ctdp ? T10_RSOC_TIMEOUTS_LEN : 0);
        if (end - off < one) {
            *truncated = true;
            return T10_OK;
        }
        if (d.ctdp && timeouts_parse(b + 8, &d.to) != T10_OK)
            return T10_EINVAL;
        enum t10_rc rc = fn(&d, arg);
        if (rc != T10_OK)
            return rc;
        off += one;
    }
    return T10_OK;
}

size_t t10_rsoc_one_build(uint8_t *out, size_t cap, const struct t10_rsoc_one *o)
{
    uint8_t h[4];
    h[0] = 0;
    h[1] = (uint8_t)((o->ctdp ? 0x80 : 0) | (o->support & 7));
    t10_put_be16(h + 2, o->cdb_size);
    put(out, cap, 0, h, 4);
    if (o->cdb_size && o->usage)
        put(out, cap, 4, o->usage, o->cdb_size);
    size_t n = 4 + (size_t)o->cdb_size;
    if (o->ctdp) {
        uint8_t t[T10_RSOC_TIMEOUTS_LEN];
        timeouts_bytes(t, &o->to);
        put(out, cap, n, t, sizeof t);
        n += T10_RSOC_TIMEOUTS_LEN;
    }
    return n;
}

enum t10_rc t10_rsoc_one_decode(const uint8_t *buf, size_t len, struct t10_rsoc_one *out,
                                bool *truncated)
{
    *truncated = false;
    if (len < 4)
        return T10_ESHORT;
    struct t10_rsoc_one o;
    memset(&o, 0, sizeof o);
    o.ctdp = buf[1] & 0x80;
    o.support = buf[1] & 7;
    o.cdb_size = t10_get_be16(buf + 2);
    o.usage = buf + 4;
    size_t need = 4 + (size_t)o.cdb_size + (o.ctdp ? T10_RSOC_TIMEOUTS_LEN : 0);
    if (len < need) {
        *truncated = true;
    } else if (o.ctdp) {
        enum t10_rc rc = timeouts_parse(buf + 4 + o.cdb_size, &o.to);
        if (rc != T10_OK)
            return rc;
    }
    *out = o;
    return T10_OK;
}
