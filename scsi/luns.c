/* SPDX-License-Identifier: MIT
 * scsi/luns.c - REPORT LUNS data and single-level LUN encoding (SPC-4 6.33, SAM-5 4.7).
 */
#include "scsi/luns.h"

#include <string.h>

#include "scsi/be.h"

enum t10_rc t10_lun_encode(uint8_t out[8], uint16_t lun)
{
    if (lun > T10_LUN_MAX)
        return T10_ERANGE;
    memset(out, 0, 8);
    if (lun < 256) {
        out[1] = (uint8_t)lun; /* peripheral device addressing, bus 0 */
    } else {
        out[0] = (uint8_t)(0x40 | (lun >> 8)); /* flat space addressing */
        out[1] = (uint8_t)lun;
    }
    return T10_OK;
}

enum t10_rc t10_lun_decode(const uint8_t in[8], uint16_t *lun)
{
    for (int i = 2; i < 8; i++)
        if (in[i])
            return T10_EINVAL; /* a second level: not a LUN we address */
    switch (in[0] >> 6) {
    case 0: /* peripheral: byte 0 bits 5..0 are the BUS IDENTIFIER */
        if (in[0] & 0x3F)
            return T10_EINVAL;
        *lun = in[1];
        return T10_OK;
    case 1:
        *lun = (uint16_t)((in[0] & 0x3F) << 8 | in[1]);
        return T10_OK;
    default:
        return T10_EINVAL;
    }
}

size_t t10_report_luns_build(uint8_t *out, size_t cap, const uint16_t *luns, size_t n)
{
    size_t total = T10_LUNS_HDR_LEN + 8 * n;
    if (n > (UINT32_MAX - 8) / 8)
        return 0;
    uint8_t h[T10_LUNS_HDR_LEN] = {0};
    t10_put_be32(h, (uint32_t)(8 * n));
    if (cap)
        memcpy(out, h, cap < sizeof h ? cap : sizeof h);
    for (size_t i = 0; i < n; i++) {
        uint8_t l[8];
        if (t10_lun_encode(l, luns[i]) != T10_OK)
            return 0;
        size_t off = T10_LUNS_HDR_LEN + 8 * i;
        if (off < cap)
            memcpy(out + off, l, cap - off < 8 ? cap - off : 8);
    }
    return total;
}

enum t10_rc t10_report_luns_decode(const uint8_t *buf, size_t len, uint16_t *luns, size_t cap,
                                   size_t *n_luns, size_t *n_listed, size_t *n_bad, bool *truncated)
{
    if (len < T10_LUNS_HDR_LEN)
        return T10_ESHORT;
    size_t listed = t10_get_be32(buf) / 8;
    size_t have = (len - T10_LUNS_HDR_LEN) / 8;
    if (have > listed)
        have = listed;
    size_t k = 0, bad = 0;
    for (size_t i = 0; i < have; i++) {
        uint16_t l;
        if (t10_lun_decode(buf + T10_LUNS_HDR_LEN + 8 * i, &l) != T10_OK) {
            bad++;
            continue;
        }
        if (k < cap)
            luns[k] = l;
        k++;
    }
    *n_luns = k < cap ? k : cap;
    if (n_listed)
        *n_listed = listed;
    if (n_bad)
        *n_bad = bad;
    *truncated = have < listed;
    return T10_OK;
}
