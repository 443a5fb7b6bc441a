/* SPDX-License-Identifier: MIT
 * scsi/mam.c - MAM attribute lists: READ ATTRIBUTE data, WRITE ATTRIBUTE parameter lists
 * and the table of standard attributes (SPC-4 7.4). Layout in mam.h.
 */
#include "scsi/mam.h"

#include <string.h>

#include "scsi/be.h"

/* SPC-4 Tables 341 (device), 342 (medium), 343 (host type attributes). */
static const struct t10_mam_info mam_table[] = {
    {0x0000, T10_MAM_BINARY, 8, true, "REMAINING CAPACITY IN PARTITION"},
    {0x0001, T10_MAM_BINARY, 8, true, "MAXIMUM CAPACITY IN PARTITION"},
    {0x0002, T10_MAM_BINARY, 8, true, "TAPEALERT FLAGS"},
    {0x0003, T10_MAM_BINARY, 8, true, "LOAD COUNT"},
    {0x0004, T10_MAM_BINARY, 8, true, "MAM SPACE REMAINING"},
    {0x0005, T10_MAM_ASCII, 8, true, "ASSIGNING ORGANIZATION"},
    {0x0006, T10_MAM_BINARY, 1, true, "FORMATTED DENSITY CODE"},
    {0x0007, T10_MAM_BINARY, 2, true, "INITIALIZATION COUNT"},
    {0x0008, T10_MAM_ASCII, 32, true, "VOLUME IDENTIFIER"},
    {0x0009, T10_MAM_BINARY, 4, true, "VOLUME CHANGE REFERENCE"},
    {0x020A, T10_MAM_ASCII, 40, true, "DEVICE VENDOR/SERIAL NUMBER AT LAST LOAD"},
    {0x020B, T10_MAM_ASCII, 40, true, "DEVICE VENDOR/SERIAL NUMBER AT LOAD-1"},
    {0x020C, T10_MAM_ASCII, 40, true, "DEVICE VENDOR/SERIAL NUMBER AT LOAD-2"},
    {0x020D, T10_MAM_ASCII, 40, true, "DEVICE VENDOR/SERIAL NUMBER AT LOAD-3"},
    {0x0220, T10_MAM_BINARY, 8, true, "TOTAL MBYTES WRITTEN IN MEDIUM LIFE"},
    {0x0221, T10_MAM_BINARY, 8, true, "TOTAL MBYTES READ IN MEDIUM LIFE"},
    {0x0222, T10_MAM_BINARY, 8, true, "TOTAL MBYTES WRITTEN IN CURRENT/LAST LOAD"},
    {0x0223, T10_MAM_BINARY, 8, true, "TOTAL MBYTES READ IN CURRENT/LAST LOAD"},
    {0x0224, T10_MAM_BINARY, 8, true, "LOGICAL POSITION OF FIRST ENCRYPTED BLOCK"},
    {0x0225, T10_MAM_BINARY, 8, true,
     "LOGICAL POSITION OF FIRST UNENCRYPTED BLOCK AFTER FIRST ENCRYPTED BLOCK"},
    {0x0400, T10_MAM_ASCII, 8, true, "MEDIUM MANUFACTURER"},
    {0x0401, T10_MAM_ASCII, 32, true, "MEDIUM SERIAL NUMBER"},
    {0x0402, T10_MAM_BINARY, 4, true, "MEDIUM LENGTH"},
    {0x0403, T10_MAM_BINARY, 4, true, "MEDIUM WIDTH"},
    {0x0404, T10_MAM_ASCII, 8, true, "ASSIGNING ORGANIZATION"},
    {0x0405, T10_MAM_BINARY, 1, true, "MEDIUM DENSITY CODE"},
    {0x0406, T10_MAM_ASCII, 8, true, "MEDIUM MANUFACTURE DATE"},
    {0x0407, T10_MAM_BINARY, 8, true, "MAM CAPACITY"},
    {0x0408, T10_MAM_BINARY, 1, true, "MEDIUM TYPE"},
    {0x0409, T10_MAM_BINARY, 2, true, "MEDIUM TYPE INFORMATION"},
    {0x0800, T10_MAM_ASCII, 8, false, "APPLICATION VENDOR"},
    {0x0801, T10_MAM_ASCII, 32, false, "APPLICATION NAME"},
    {0x0802, T10_MAM_ASCII, 8, false, "APPLICATION VERSION"},
    {0x0803, T10_MAM_TEXT, 160, false, "USER MEDIUM TEXT LABEL"},
    {0x0804, T10_MAM_ASCII, 12, false, "DATE AND TIME LAST WRITTEN"},
    {0x0805, T10_MAM_BINARY, 1, false, "TEXT LOCALIZATION IDENTIFIER"},
    {0x0806, T10_MAM_ASCII, 32, false, "BARCODE"},
    {0x0807, T10_MAM_TEXT, 80, false, "OWNING HOST TEXTUAL NAME"},
    {0x0808, T10_MAM_TEXT, 160, false, "MEDIA POOL"},
    {0x0809, T10_MAM_ASCII, 16, false, "PARTITION USER TEXT LABEL"},
    {0x080A, T10_MAM_BINARY, 1, false, "LOAD/UNLOAD AT PARTITION"},
    {0x080B, T10_MAM_ASCII, 16, false, "APPLICATION FORMAT VERSION"},
    {0x080C, T10_MAM_BINARY, 0, false, "VOLUME COHERENCY INFORMATION"},
    {0x0820, T10_MAM_BINARY, 36, false, "MEDIUM GLOBALLY UNIQUE IDENTIFIER"},
    {0x0821, T10_MAM_BINARY, 36, false, "MEDIA POOL GLOBALLY UNIQUE IDENTIFIER"},
};

const struct t10_mam_info *t10_mam_lookup(uint16_t id)
{
    for (size_t i = 0; i < sizeof mam_table / sizeof mam_table[0]; i++)
        if (mam_table[i].id == id)
            return &mam_table[i];
    return NULL;
}

static void put(uint8_t *out, size_t cap, size_t off, const uint8_t *b, size_t n)
{
    if (off < cap && n)
        memcpy(out + off, b, cap - off < n ? cap - off : n);
}

size_t t10_mam_attr_build(uint8_t *out, size_t cap, const struct t10_mam_attr *a)
{
    uint8_t h[T10_MAM_ATTR_HDR_LEN];
    t10_put_be16(h, a->id);
    h[2] = (uint8_t)((a->read_only ? 0x80 : 0) | (a->format & 3));
    t10_put_be16(h + 3, a->len);
    put(out, cap, 0, h, sizeof h);
    if (a->len && a->value)
        put(out, cap, T10_MAM_ATTR_HDR_LEN, a->value, a->len);
    return T10_MAM_ATTR_HDR_LEN + (size_t)a->len;
}

size_t t10_mam_values_build(uint8_t *out, size_t cap, const struct t10_mam_attr *a, size_t n)
{
    size_t off = T10_MAM_HDR_LEN;
    for (size_t i = 0; i < n; i++) {
        off += t10_mam_attr_build(off < cap ? out + off : NULL, off < cap ? cap - off : 0, &a[i]);
        if (off - T10_MAM_HDR_LEN > UINT32_MAX)
            return 0;
    }
    uint8_t h[4];
    t10_put_be32(h, (uint32_t)(off - T10_MAM_HDR_LEN));
    put(out, cap, 0, h, 4);
    return off;
}

enum t10_rc t10_mam_values_walk(const uint8_t *buf, size_t len, t10_mam_fn *fn, void *arg,
                                bool *truncated)
{
    *truncated = false;
    if (len < T10_MAM_HDR_LEN)
        return T10_ESHORT;
    size_t avail = t10_get_be32(buf);
    size_t end = len;
    if (avail <= len - T10_MAM_HDR_LEN)
        end = T10_MAM_HDR_LEN + avail;
    else
        *truncated = true;
    size_t off = T10_MAM_HDR_LEN;
    while (off < end) {
        if (end - off < T10_MAM_ATTR_HDR_LEN ||
            T10_MAM_ATTR_HDR_LEN + (size_t)t10_get_be16(buf + off + 3) > end - off) {
            *truncated = true;
            return T10_OK;
        }
        struct t10_mam_attr a = {
            .id = t10_get_be16(buf + off),
            .read_only = buf[off + 2] & 0x80,
            .format = buf[off + 2] & 3,
            .len = t10_get_be16(buf + off + 3),
            .value = buf + off + T10_MAM_ATTR_HDR_LEN,
        };
        enum t10_rc rc = fn(&a, arg);
        if (rc != T10_OK)
            return rc;
        off += T10_MAM_ATTR_HDR_LEN + (size_t)a.len;
    }
    return T10_OK;
}

size_t t10_mam_list_build(uint8_t *out, size_t cap, const uint16_t *ids, size_t n)
{
    if (n > (UINT32_MAX - 4) / 2)
        return 0;
    uint8_t h[4];
    t10_put_be32(h, (uint32_t)(2 * n));
    put(out, cap, 0, h, 4);
    for (size_t i = 0; i < n; i++) {
        uint8_t b[2];
        t10_put_be16(b, ids[i]);
        put(out, cap, 4 + 2 * i, b, 2);
    }
    return 4 + 2 * n;
}

enum t10_rc t10_mam_list_decode(const uint8_t *buf, size_t len, uint16_t *ids, size_t cap,
                                size_t *n_ids, size_t *n_listed, bool *truncated)
{
    if (len < T10_MAM_HDR_LEN)
        return T10_ESHORT;
    size_t listed = t10_get_be32(buf) / 2;
    size_t have = (len - T10_MAM_HDR_LEN) / 2;
    if (have > listed)
        have = listed;
    size_t k = have < cap ? have : cap;
    for (size_t i = 0; i < k; i++)
        ids[i] = t10_get_be16(buf + 4 + 2 * i);
    *n_ids = k;
    if (n_listed)
        *n_listed = listed;
    *truncated = have < listed;
    return T10_OK;
}
