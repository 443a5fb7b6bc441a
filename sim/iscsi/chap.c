/* SPDX-License-Identifier: MIT
 * sim/iscsi/chap.c - MD5 (RFC 1321), the CHAP response (RFC 1994) and the hex/base64
 * binary value forms of RFC 7143 clause 6.1. Contract in chap.h.
 */
#include "sim/iscsi/chap.h"

#include <string.h>

/* Per-round shift amounts and sine-derived constants of RFC 1321 clause 3.4. */
static const uint8_t md5_s[64] = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};
static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
    0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
    0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
    0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
    0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
    0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
    0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
    0xeb86d391,
};

static uint32_t rol32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

static void md5_block(uint32_t st[4], const uint8_t *p)
{
    uint32_t w[16];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) {
            f = (b & c) | (~b & d);
            g = i;
        } else if (i < 32) {
            f = (d & b) | (~d & c);
            g = (5 * i + 1) % 16;
        } else if (i < 48) {
            f = b ^ c ^ d;
            g = (3 * i + 5) % 16;
        } else {
            f = c ^ (b | ~d);
            g = (7 * i) % 16;
        }
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rol32(a + f + md5_k[i] + w[g], md5_s[i]);
        a = t;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
}

void vtl_iscsi_md5_init(struct vtl_iscsi_md5 *m)
{
    m->state[0] = 0x67452301;
    m->state[1] = 0xefcdab89;
    m->state[2] = 0x98badcfe;
    m->state[3] = 0x10325476;
    m->n_bytes = 0;
}

void vtl_iscsi_md5_update(struct vtl_iscsi_md5 *m, const void *vbuf, size_t len)
{
    const uint8_t *p = vbuf;
    size_t have = (size_t)(m->n_bytes % 64);
    m->n_bytes += len;
    if (len == 0)
        return;                          /* also keeps a NULL @buf away from memcpy */
    if (have) {
        size_t take = 64 - have < len ? 64 - have : len;
        memcpy(m->block + have, p, take);
        p += take;
        len -= take;
        if (have + take < 64)
            return;
        md5_block(m->state, m->block);
    }
    while (len >= 64) {
        md5_block(m->state, p);
        p += 64;
        len -= 64;
    }
    if (len)
        memcpy(m->block, p, len);
}

void vtl_iscsi_md5_final(struct vtl_iscsi_md5 *m, uint8_t out[VTL_ISCSI_MD5_LEN])
{
    uint64_t bits = m->n_bytes * 8;
    static const uint8_t pad[64] = {0x80};
    size_t have = (size_t)(m->n_bytes % 64);
    size_t pad_len = have < 56 ? 56 - have : 120 - have;
    vtl_iscsi_md5_update(m, pad, pad_len);
    uint8_t lenb[8];
    for (int i = 0; i < 8; i++)
        lenb[i] = (uint8_t)(bits >> (8 * i));
    vtl_iscsi_md5_update(m, lenb, 8);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t)(m->state[i] >> (8 * j));
}

void vtl_iscsi_md5(const void *buf, size_t len, uint8_t out[VTL_ISCSI_MD5_LEN])
{
    struct vtl_iscsi_md5 m;
    vtl_iscsi_md5_init(&m);
    vtl_iscsi_md5_update(&m, buf, len);
    vtl_iscsi_md5_final(&m, out);
}

void vtl_iscsi_chap_md5(uint8_t id, const char *secret, const uint8_t *chal, size_t chal_len,
                        uint8_t out[VTL_ISCSI_MD5_LEN])
{
    struct vtl_iscsi_md5 m;
    vtl_iscsi_md5_init(&m);
    vtl_iscsi_md5_update(&m, &id, 1);
    vtl_iscsi_md5_update(&m, secret, strlen(secret));
    vtl_iscsi_md5_update(&m, chal, chal_len);
    vtl_iscsi_md5_final(&m, out);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

enum vtl_iscsi_rc vtl_iscsi_bin_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    *len = 0;
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X' && s[1] != 'b' && s[1] != 'B'))
        return VTL_ISCSI_EINVAL;
    bool hex = s[1] == 'x' || s[1] == 'X';
    s += 2;
    size_t n = strlen(s);
    if (n == 0)
        return VTL_ISCSI_EINVAL;
    size_t o = 0;
    if (hex) {
        size_t i = 0;
        if (n % 2) {                     /* odd digit count: the first is a low nibble */
            int v = hexval(s[0]);
            if (v < 0)
                return VTL_ISCSI_EINVAL;
            if (o == cap)
                return VTL_ISCSI_ERANGE;
            out[o++] = (uint8_t)v;
            i = 1;
        }
        for (; i < n; i += 2) {
            int hi = hexval(s[i]), lo = hexval(s[i + 1]);
            if (hi < 0 || lo < 0)
                return VTL_ISCSI_EINVAL;
            if (o == cap)
                return VTL_ISCSI_ERANGE;
            out[o++] = (uint8_t)(hi << 4 | lo);
        }
    } else {
        if (n % 4)
            return VTL_ISCSI_EINVAL;
        for (size_t i = 0; i < n; i += 4) {
            int v[4];
            int pads = 0;
            for (int k = 0; k < 4; k++) {
                if (s[i + k] == '=' && i + 4 == n && k >= 2) {
                    v[k] = 0;
                    pads++;
                } else if (pads) {
                    return VTL_ISCSI_EINVAL;  /* data after '=' */
                } else if ((v[k] = b64val(s[i + k])) < 0) {
                    return VTL_ISCSI_EINVAL;
                }
            }
            uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
                         (uint32_t)v[3];
            for (int k = 0; k < 3 - pads; k++) {
                if (o == cap)
                    return VTL_ISCSI_ERANGE;
                out[o++] = (uint8_t)(w >> (16 - 8 * k));
            }
        }
    }
    *len = o;
    return VTL_ISCSI_OK;
}

enum vtl_iscsi_rc vtl_iscsi_hex_encode(const uint8_t *buf, size_t len, char *out, size_t cap)
{
    static const char digits[] = "0123456789ABCDEF";
    if (cap < 3 || (cap - 3) / 2 < len) {
        if (cap)
            out[0] = '\0';
        return VTL_ISCSI_ERANGE;
    }
    out[0] = '0';
    out[1] = 'x';
    for (size_t i = 0; i < len; i++) {
        out[2 + 2 * i] = digits[buf[i] >> 4];
        out[3 + 2 * i] = digits[buf[i] & 15];
    }
    out[2 + 2 * len] = '\0';
    return VTL_ISCSI_OK;
}
