/* SPDX-License-Identifier: MIT
 * scsi/pr.c - PERSISTENT RESERVE IN data and OUT parameter lists (SPC-4 6.15, 6.16).
 * Layouts in pr.h.
 */
#include "scsi/pr.h"

#include <string.h>

#include "scsi/be.h"

static void put(uint8_t *out, size_t cap, size_t off, const uint8_t *b, size_t n)
{
    if (off < cap && n)
        memcpy(out + off, b, cap - off < n ? cap - off : n);
}

static void pfield(struct t10_field_ptr *bad, size_t byte, int bit)
{
    if (!bad)
        return;
    bad->byte = (uint16_t)byte;
    bad->cd = false;
    bad->bpv = bit >= 0;
    bad->bit = bit >= 0 ? (uint8_t)bit : 0;
}

size_t t10_prin_keys_build(uint8_t *out, size_t cap, uint32_t generation, const uint64_t *keys,
                           size_t n)
{
    if (n > (UINT32_MAX - 8) / 8)
        return 0;
    uint8_t h[8];
    t10_put_be32(h, generation);
    t10_put_be32(h + 4, (uint32_t)(8 * n));
    put(out, cap, 0, h, 8);
    for (size_t i = 0; i < n; i++) {
        uint8_t k[8];
        t10_put_be64(k, keys[i]);
        put(out, cap, 8 + 8 * i, k, 8);
    }
    return 8 + 8 * n;
}

enum t10_rc t10_prin_keys_decode(const uint8_t *buf, size_t len, uint32_t *generation,
                                 uint64_t *keys, size_t cap, size_t *n_keys, size_t *n_listed,
                                 bool *truncated)
{
    if (len < T10_PRIN_HDR_LEN)
        return T10_ESHORT;
    *generation = t10_get_be32(buf);
    size_t listed = t10_get_be32(buf + 4) / 8;
    size_t have = (len - T10_PRIN_HDR_LEN) / 8;
    if (have > listed)
        have = listed;
    size_t k = have < cap ? have : cap;
    for (size_t i = 0; i < k; i++)
        keys[i] = t10_get_be64(buf + 8 + 8 * i);
    *n_keys = k;
    if (n_listed)
        *n_listed = listed;
    *truncated = have < listed;
    return T10_OK;
}

size_t t10_prin_resv_build(uint8_t *out, size_t cap, const struct t10_prin_resv *r)
{
    uint8_t b[24] = {0};
    t10_put_be32(b, r->generation);
    if (!r->held) {
        put(out, cap, 0, b, 8);
        return 8;
    }
    t10_put_be32(b + 4, 16);
    t10_put_be64(b + 8, r->key);
    b[21] = (uint8_t)((r->scope & 0x0F) << 4 | (r->type & 0x0F));
    put(out, cap, 0, b, 24);
    return 24;
}

enum t10_rc t10_prin_resv_decode(const uint8_t *buf, size_t len, struct t10_prin_resv *out)
{
    if (len < T10_PRIN_HDR_LEN)
        return T10_ESHORT;
    struct t10_prin_resv r;
    memset(&r, 0, sizeof r);
    r.generation = t10_get_be32(buf);
    r.held = t10_get_be32(buf + 4) >= 16;
    if (r.held) {
        if (len < 24)
            return T10_ESHORT;
        r.key = t10_get_be64(buf + 8);
        r.scope = buf[21] >> 4;
        r.type = buf[21] & 0x0F;
    }
    *out = r;
    return T10_OK;
}

size_t t10_prin_caps_build(uint8_t *out, size_t cap, const struct t10_prin_caps *c)
{
    uint8_t b[T10_PRIN_CAPS_LEN] = {0};
    t10_put_be16(b, T10_PRIN_CAPS_LEN);
    b[2] = (uint8_t)((c->rlr_c ? 0x80 : 0) | (c->crh ? 0x10 : 0) | (c->sip_c ? 0x08 : 0) |
                     (c->atp_c ? 0x04 : 0) | (c->ptpl_c ? 0x01 : 0));
    b[3] = (uint8_t)((c->tmv ? 0x80 : 0) | (c->allow_commands & 7) << 4 | (c->ptpl_a ? 0x01 : 0));
    uint16_t m = c->type_mask;
    b[4] = (uint8_t)(((m & T10_PR_TYPE_BIT(T10_PR_WR_EX_AR)) ? 0x80 : 0) |
                     ((m & T10_PR_TYPE_BIT(T10_PR_EX_AC_RO)) ? 0x40 : 0) |
                     ((m & T10_PR_TYPE_BIT(T10_PR_WR_EX_RO)) ? 0x20 : 0) |
                     ((m & T10_PR_TYPE_BIT(T10_PR_EX_AC)) ? 0x08 : 0) |
                     ((m & T10_PR_TYPE_BIT(T10_PR_WR_EX)) ? 0x02 : 0));
    b[5] = (m & T10_PR_TYPE_BIT(T10_PR_EX_AC_AR)) ? 0x01 : 0;
    put(out, cap, 0, b, sizeof b);
    return sizeof b;
}

enum t10_rc t10_prin_caps_decode(const uint8_t *buf, size_t len, struct t10_prin_caps *out)
{
    if (len < T10_PRIN_CAPS_LEN)
        return T10_ESHORT;
    struct t10_prin_caps c;
    memset(&c, 0, sizeof c);
    c.rlr_c = buf[2] & 0x80;
    c.crh = buf[2] & 0x10;
    c.sip_c = buf[2] & 0x08;
    c.atp_c = buf[2] & 0x04;
    c.ptpl_c = buf[2] & 0x01;
    c.tmv = buf[3] & 0x80;
    c.allow_commands = (buf[3] >> 4) & 7;
    c.ptpl_a = buf[3] & 0x01;
    if (buf[4] & 0x80)
        c.type_mask |= T10_PR_TYPE_BIT(T10_PR_WR_EX_AR);
    if (buf[4] & 0x40)
        c.type_mask |= T10_PR_TYPE_BIT(T10_PR_EX_AC_RO);
    if (buf[4] & 0x20)
        c.type_mask |= T10_PR_TYPE_BIT(T10_PR_WR_EX_RO);
    if (buf[4] & 0x08)
        c.type_mask |= T10_PR_TYPE_BIT(T10_PR_EX_AC);
    if (buf[4] & 0x02)
        c.type_mask |= T10_PR_TYPE_BIT(T10_PR_WR_EX);
    if (buf[5] & 0x01)
        c.type_mask |= T10_PR_TYPE_BIT(T10_PR_EX_AC_AR);
    *out = c;
    return T10_OK;
}

size_t t10_prin_full_build(uint8_t *out, size_t cap, uint32_t generation,
                           const struct t10_prin_full *d, size_t n)
{
    uint64_t total = T10_PRIN_HDR_LEN;
    for (size_t i = 0; i < n; i++)
        total += T10_PRIN_FULL_DESC_LEN + (uint64_t)d[i].tid_len;
    if (total - T10_PRIN_HDR_LEN > UINT32_MAX || total > SIZE_MAX)
        return 0;
    uint8_t h[8];
    t10_put_be32(h, generation);
    t10_put_be32(h + 4, (uint32_t)(total - T10_PRIN_HDR_LEN));
    put(out, cap, 0, h, 8);
    size_t off = T10_PRIN_HDR_LEN;
    for (size_t i = 0; i < n; i++) {
        uint8_t b[T10_PRIN_FULL_DESC_LEN] = {0};
        t10_put_be64(b, d[i].key);
        b[12] = (uint8_t)((d[i].all_tg_pt ? 0x02 : 0) | (d[i].r_holder ? 0x01 : 0));
        b[13] = (uint8_t)((d[i].scope & 0x0F) << 4 | (d[i].type & 0x0F));
        t10_put_be16(b + 18, d[i].rel_port);
        t10_put_be32(b + 20, d[i].tid_len);
        put(out, cap, off, b, sizeof b);
        off += sizeof b;
        if (d[i].tid_len && d[i].transport_id)
            put(out, cap, off, d[i].transport_id, d[i].tid_len);
        off += d[i].tid_len;
    }
    return (size_t)total;
}

enum t10_rc t10_prin_full_walk(const uint8_t *buf, size_t len, uint32_t *generation,
                               t10_prin_full_fn *fn, void *arg, bool *truncated)
{
    *truncated = false;
    if (len < T10_PRIN_HDR_LEN)
        return T10_ESHORT;
    if (generation)
        *generation = t10_get_be32(buf);
    size_t avail = t10_get_be32(buf + 4);
    size_t end = len;
    if (avail <= len - T10_PRIN_HDR_LEN)
        end = T10_PRIN_HDR_LEN + avail;
    else
        *truncated = true;
    size_t off = T10_PRIN_HDR_LEN;
    while (off < end) {
        if (end - off < T10_PRIN_FULL_DESC_LEN) {
            *truncated = true;
            return T10_OK;
        }
        const uint8_t *b = buf + off;
        uint32_t tid = t10_get_be32(b + 20);
        if (tid > end - off - T10_PRIN_FULL_DESC_LEN) {
            *truncated = true;
            return T10_OK;
        }
        struct t10_prin_full d = {
            .key = t10_get_be64(b),
            .all_tg_pt = b[12] & 0x02,
            .r_holder = b[12] & 0x01,
            .scope = b[13] >> 4,
            .type = b[13] & 0x0F,
            .rel_port = t10_get_be16(b + 18),
            .tid_len = tid,
            .transport_id = b + T10_PRIN_FULL_DESC_LEN,
        };
        enum t10_rc rc = fn(&d, arg);
        if (rc != T10_OK)
            return rc;
        off += T10_PRIN_FULL_DESC_LEN + (size_t)tid;
    }
    return T10_OK;
}

size_t t10_prout_build(uint8_t *out, size_t cap, const struct t10_prout *p)
{
    uint8_t b[T10_PROUT_LEN] = {0};
    t10_put_be64(b, p->key);
    t10_put_be64(b + 8, p->sa_key);
    b[20] =
        (uint8_t)((p->spec_i_pt ? 0x08 : 0) | (p->all_tg_pt ? 0x04 : 0) | (p->aptpl ? 0x01 : 0));
    put(out, cap, 0, b, sizeof b);
    return sizeof b;
}

enum t10_rc t10_prout_decode(const uint8_t *buf, size_t len, struct t10_prout *out,
                             struct t10_field_ptr *bad)
{
    if (len < T10_PROUT_LEN) {
        pfield(bad, len, -1);
        return T10_ESHORT;
    }
    if (buf[20] & 0xF2) {
        uint8_t x = buf[20] & 0xF2;
        int bit = 7;
        while (!(x & (1u << bit)))
            bit--;
        pfield(bad, 20, bit);
        return T10_EINVAL;
    }
    if (buf[21]) {
        pfield(bad, 21, 7);
        return T10_EINVAL;
    }
    struct t10_prout p;
    memset(&p, 0, sizeof p);
    p.key = t10_get_be64(buf);
    p.sa_key = t10_get_be64(buf + 8);
    p.spec_i_pt = buf[20] & 0x08;
    p.all_tg_pt = buf[20] & 0x04;
    p.aptpl = buf[20] & 0x01;
    if (len > T10_PROUT_LEN) {
        /* SPC-4 6.16.3: only SPEC_I_PT lists carry more than 24 bytes. */
        if (!p.spec_i_pt) {
            pfield(bad, T10_PROUT_LEN, -1);
            return T10_ESHORT;
        }
        p.tid_data = buf + T10_PROUT_LEN;
        p.tid_data_len = len - T10_PROUT_LEN;
    }
    *out = p;
    return T10_OK;
}

size_t t10_prout_move_build(uint8_t *out, size_t cap, const struct t10_prout_move *m)
{
    uint8_t b[24] = {0};
    t10_put_be64(b, m->key);
    t10_put_be64(b + 8, m->sa_key);
    b[17] = (uint8_t)((m->unreg ? 0x02 : 0) | (m->aptpl ? 0x01 : 0));
    t10_put_be16(b + 18, m->rel_port);
    t10_put_be32(b + 20, m->tid_len);
    put(out, cap, 0, b, sizeof b);
    if (m->tid_len && m->transport_id)
        put(out, cap, sizeof b, m->transport_id, m->tid_len);
    return sizeof b + (size_t)m->tid_len;
}

enum t10_rc t10_prout_move_decode(const uint8_t *buf, size_t len, struct t10_prout_move *out,
                                  struct t10_field_ptr *bad)
{
    if (len < 24) {
        pfield(bad, len, -1);
        return T10_ESHORT;
    }
    if (buf[16]) {
        pfield(bad, 16, 7);
        return T10_EINVAL;
    }
    if (buf[17] & 0xFC) {
        pfield(bad, 17, 7);
        return T10_EINVAL;
    }
    uint32_t tid = t10_get_be32(buf + 20);
    if (tid > len - 24) {
        pfield(bad, 20, 7);
        return T10_ESHORT;
    }
    struct t10_prout_move m = {
        .key = t10_get_be64(buf),
        .sa_key = t10_get_be64(buf + 8),
        .unreg = buf[17] & 0x02,
        .aptpl = buf[17] & 0x01,
        .rel_port = t10_get_be16(buf + 18),
        .tid_len = tid,
        .transport_id = buf + 24,
    };
    *out = m;
    return T10_OK;
}

struct t10_field_ptr t10_prout_field(enum t10_prout_field f)
{
    struct t10_field_ptr p = {.cd = false, .bpv = true, .bit = 7};
    switch (f) {
    case T10_PROUT_F_KEY:
        p.byte = 0;
        break;
    case T10_PROUT_F_SA_KEY:
        p.byte = 8;
        break;
    case T10_PROUT_F_SPEC_I_PT:
        p.byte = 20;
        p.bit = 3;
        break;
    case T10_PROUT_F_ALL_TG_PT:
        p.byte = 20;
        p.bit = 2;
        break;
    case T10_PROUT_F_APTPL:
        p.byte = 20;
        p.bit = 0;
        break;
    }
    return p;
}
