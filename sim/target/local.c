/* SPDX-License-Identifier: MIT
 * sim/target/local.c - T10 layouts not (yet) in scsi/: see local.h for the list and the
 * clauses. Same rules as scsi/: decoders take (buf, len), builders (out, cap) and return
 * the full length.
 */
#include "sim/target/local.h"

#include <string.h>

#include "scsi/be.h"

/* memcpy of @n bytes that tolerates a NULL @out when @n is 0 (a front end may give no
 * data-in buffer for a zero allocation length). */
static void put(uint8_t *out, const uint8_t *src, size_t n)
{
    if (n)
        memcpy(out, src, n);
}

const struct vtl_local_fp VTL_FP_SERVICE_ACTION = {1, 4};
const struct vtl_local_fp VTL_FP_INQUIRY_PAGE = {2, -1};
const struct vtl_local_fp VTL_FP_MODE_PAGE = {2, 5};
const struct vtl_local_fp VTL_FP_MODE_SUBPAGE = {3, -1};
const struct vtl_local_fp VTL_FP_MODE_SELECT_PF = {1, 4};
const struct vtl_local_fp VTL_FP_LOG_PAGE = {2, 5};
const struct vtl_local_fp VTL_FP_LOG_SP = {1, 0};
const struct vtl_local_fp VTL_FP_LOG_PARAM_PTR = {5, -1};
const struct vtl_local_fp VTL_FP_REPORT_LUNS_SEL = {2, -1};
const struct vtl_local_fp VTL_FP_RSOC_OPTIONS = {2, 2};
const struct vtl_local_fp VTL_FP_RSOC_REQ_OP = {3, -1};
const struct vtl_local_fp VTL_FP_RSOC_REQ_SA = {4, -1};
const struct vtl_local_fp VTL_FP_RESERVE_ELEMENT = {1, 0};
const struct vtl_local_fp VTL_FP_RESERVE_3RDPTY = {1, 4};
const struct vtl_local_fp VTL_FP_PR_SCOPE = {2, 7};
const struct vtl_local_fp VTL_FP_PR_TYPE = {2, 3};
const struct vtl_local_fp VTL_FP_SENDDIAG_CODE = {1, 7};
const struct vtl_local_fp VTL_FP_SENDDIAG_PARAMLEN = {3, -1};
const struct vtl_local_fp VTL_FP_RES_TYPE = {1, 3};
const struct vtl_local_fp VTL_FP_MOVE_INVERT = {10, 0};
const struct vtl_local_fp VTL_FP_EXCH_INV1 = {10, 1};
const struct vtl_local_fp VTL_FP_EXCH_INV2 = {10, 0};
const struct vtl_local_fp VTL_FP_POS_INVERT = {8, 0};
const struct vtl_local_fp VTL_FP_OPEN_CLOSE_ACT = {4, 4};
const struct vtl_local_fp VTL_FP_SVT_ACTION = {5, 4};
const struct vtl_local_fp VTL_FP_SVT_TYPE = {1, 3};
const struct vtl_local_fp VTL_FP_PR_OUT_SAKEY = {8, -1};
const struct vtl_local_fp VTL_FP_PR_OUT_FLAGS = {20, -1};
const struct vtl_local_fp VTL_FP_SVT_TEMPLATE = {0, -1};
const struct vtl_local_fp VTL_FP_MODE6_MEDIUM_TYPE = {1, -1};
const struct vtl_local_fp VTL_FP_MODE10_MEDIUM_TYPE = {2, -1};
const struct vtl_local_fp VTL_FP_MODE6_BD_LEN = {3, -1};
const struct vtl_local_fp VTL_FP_MODE10_BD_LEN = {6, -1};

/* PR OUT parameter list (SPC-4 Table 170): 0-7 RESERVATION KEY, 8-15 SERVICE ACTION
 * RESERVATION KEY, 16-19 obsolete, 20 SPEC_I_PT(3) ALL_TG_PT(2) APTPL(0), 21 rsvd,
 * 22-23 obsolete. */
enum t10_rc vtl_local_prout_decode(const uint8_t *buf, size_t len, struct vtl_local_prout *out)
{
    if (len < VTL_LOCAL_PROUT_LEN)
        return T10_ESHORT;
    out->key = t10_get_be64(buf);
    out->sa_key = t10_get_be64(buf + 8);
    out->spec_i_pt = buf[20] & 0x08;
    out->all_tg_pt = buf[20] & 0x04;
    out->aptpl = buf[20] & 0x01;
    return T10_OK;
}

/* READ KEYS (SPC-4 Table 160): 0-3 PRGENERATION, 4-7 ADDITIONAL LENGTH, keys. */
size_t vtl_local_prin_keys_build(uint8_t *out, size_t cap, uint32_t generation,
                                 const uint64_t *keys, size_t n)
{
    uint8_t hdr[8];
    t10_put_be32(hdr, generation);
    t10_put_be32(hdr + 4, (uint32_t)(8 * n));
    put(out, hdr, cap < 8 ? cap : 8);
    for (size_t i = 0; i < n; i++) {
        uint8_t k[8];
        t10_put_be64(k, keys[i]);
        size_t off = 8 + 8 * i;
        if (off < cap)
            put(out + off, k, cap - off < 8 ? cap - off : 8);
    }
    return 8 + 8 * n;
}

/* READ RESERVATION (SPC-4 Table 162/163): header as above, then 0-7 key, 8-11 obsolete,
 * 12 rsvd, 13 SCOPE(7..4) TYPE(3..0), 14-15 obsolete. */
size_t vtl_local_prin_resv_build(uint8_t *out, size_t cap, uint32_t generation, bool held,
                                 uint64_t key, uint8_t type)
{
    uint8_t b[24] = {0};
    t10_put_be32(b, generation);
    t10_put_be32(b + 4, held ? 16 : 0);
    if (held) {
        t10_put_be64(b + 8, key);
        b[21] = type & 0x0F;
    }
    size_t len = held ? 24 : 8;
    put(out, b, cap < len ? cap : len);
    return len;
}

/* REPORT CAPABILITIES (SPC-4 Table 165): 0-1 LENGTH (8), 2 CRH SIP_C ATP_C PTPL_C, 3 TMV
 * ALLOW_COMMANDS PTPL_A, 4-5 type mask (byte 4: WR_EX_AR 7, EX_AC_RO 6, WR_EX_RO 5,
 * EX_AC 3, WR_EX 1; byte 5: EX_AC_AR 0). */
size_t vtl_local_prin_caps_build(uint8_t *out, size_t cap, uint16_t type_mask)
{
    uint8_t b[8] = {0};
    t10_put_be16(b, 8);
    b[3] = 0x80; /* TMV: the type mask is valid */
    if (type_mask & (1u << 8))
        b[5] |= 0x01;
    if (type_mask & (1u << 7))
        b[4] |= 0x80;
    if (type_mask & (1u << 6))
        b[4] |= 0x40;
    if (type_mask & (1u << 5))
        b[4] |= 0x20;
    if (type_mask & (1u << 3))
        b[4] |= 0x08;
    if (type_mask & (1u << 1))
        b[4] |= 0x02;
    put(out, b, cap < 8 ? cap : 8);
    return 8;
}

enum t10_rc vtl_local_prin_keys_decode(const uint8_t *buf, size_t len, uint32_t *generation,
                                       uint64_t *keys, size_t cap, size_t *n_keys)
{
    if (len < 8)
        return T10_ESHORT;
    *generation = t10_get_be32(buf);
    size_t n = t10_get_be32(buf + 4) / 8;
    size_t have = (len - 8) / 8;
    if (n > have)
        n = have;
    for (size_t i = 0; i < n && i < cap; i++)
        keys[i] = t10_get_be64(buf + 8 + 8 * i);
    *n_keys = n;
    return T10_OK;
}

enum t10_rc vtl_local_prin_resv_decode(const uint8_t *buf, size_t len, uint32_t *generation,
                                       bool *held, uint64_t *key, uint8_t *type)
{
    if (len < 8)
        return T10_ESHORT;
    *generation = t10_get_be32(buf);
    *held = t10_get_be32(buf + 4) >= 16;
    if (*held) {
        if (len < 24)
            return T10_ESHORT;
        *key = t10_get_be64(buf + 8);
        *type = buf[21] & 0x0F;
    }
    return T10_OK;
}

/* SEND VOLUME TAG parameter list (SMC-3 Table 31): 0-31 VOLUME IDENTIFICATION TEMPLATE,
 * 32-33 reserved, 34-35 MINIMUM VOLUME SEQUENCE NUMBER, 36-39 reserved. */
enum t10_rc vtl_local_svt_decode(const uint8_t *buf, size_t len, char template_out[33],
                                 uint16_t *min_seq)
{
    if (len < VTL_LOCAL_SVT_LEN)
        return T10_ESHORT;
    memcpy(template_out, buf, 32);
    template_out[32] = '\0';
    size_t n = 32;
    while (n && (template_out[n - 1] == ' ' || template_out[n - 1] == '\0'))
        template_out[--n] = '\0';
    *min_seq = t10_get_be16(buf + 34);
    return T10_OK;
}

size_t vtl_local_svt_build(uint8_t *out, size_t cap, const char *template_in, uint16_t min_seq)
{
    uint8_t b[VTL_LOCAL_SVT_LEN] = {0};
    t10_put_ascii(b, 32, template_in);
    t10_put_be16(b + 34, min_seq);
    put(out, b, cap < sizeof b ? cap : sizeof b);
    return sizeof b;
}

/* RVEA header (SMC-3 Table 33): byte 4 bits 4..0 SEND ACTION CODE. */
void vtl_local_rvea_set_action(uint8_t *out, size_t cap, uint8_t action)
{
    if (cap > 4)
        out[4] = action & 0x1F;
}
