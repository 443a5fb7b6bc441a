/* SPDX-License-Identifier: MIT
 * scsi/vpd.c - standard INQUIRY data and VPD pages (SPC-4 6.4.2, 7.8; SSC-4 8.4).
 * Layouts in vpd.h.
 */
#include "scsi/vpd.h"

#include <string.h>

#include "scsi/be.h"

static size_t copy_out(uint8_t *out, size_t cap, const uint8_t *b, size_t n)
{
    if (cap)
        memcpy(out, b, cap < n ? cap : n);
    return n;
}

size_t t10_inquiry_build(uint8_t *out, size_t cap, const struct t10_inquiry *q)
{
    if (q->n_version_desc > 8)
        return 0;
    uint8_t b[T10_INQUIRY_FULL_LEN] = {0};
    size_t n = q->n_version_desc ? T10_INQUIRY_FULL_LEN : T10_INQUIRY_STD_LEN;
    b[0] = (uint8_t)((q->qualifier & 7) << 5 | (q->pdt & 0x1F));
    b[1] = q->rmb ? 0x80 : 0;
    b[2] = q->version;
    b[3] = (uint8_t)((q->normaca ? 0x20 : 0) | (q->hisup ? 0x10 : 0) |
                     (q->resp_format ? q->resp_format & 0x0F : 2));
    b[4] = (uint8_t)(n - 5);
    b[5] = (uint8_t)((q->sccs ? 0x80 : 0) | (q->acc ? 0x40 : 0) | (q->tpgs & 3) << 4 |
                     (q->tpc ? 0x08 : 0) | (q->protect ? 0x01 : 0));
    b[6] = (uint8_t)((q->encserv ? 0x40 : 0) | (q->multip ? 0x10 : 0) | (q->mchngr ? 0x08 : 0) |
                     (q->addr16 ? 0x01 : 0));
    b[7] = (uint8_t)((q->wbus16 ? 0x20 : 0) | (q->sync ? 0x10 : 0) | (q->cmdque ? 0x02 : 0));
    t10_put_ascii(b + 8, T10_VENDOR_LEN, q->vendor);
    t10_put_ascii(b + 16, T10_PRODUCT_LEN, q->product);
    t10_put_ascii(b + 32, T10_REVISION_LEN, q->revision);
    for (unsigned i = 0; i < q->n_version_desc; i++)
        t10_put_be16(b + 58 + 2 * i, q->version_desc[i]);
    return copy_out(out, cap, b, n);
}

enum t10_rc t10_inquiry_decode(const uint8_t *buf, size_t len, struct t10_inquiry *out)
{
    if (len < 5)
        return T10_ESHORT;
    struct t10_inquiry q;
    memset(&q, 0, sizeof q);
    /* Pad a local copy with zeros so every field below reads defined bytes; fields past
     * @len come out zero or empty, as the contract says. */
    uint8_t b[T10_INQUIRY_FULL_LEN] = {0};
    memcpy(b, buf, len < sizeof b ? len : sizeof b);
    q.qualifier = b[0] >> 5;
    q.pdt = b[0] & 0x1F;
    q.rmb = b[1] & 0x80;
    q.version = b[2];
    q.normaca = b[3] & 0x20;
    q.hisup = b[3] & 0x10;
    q.resp_format = b[3] & 0x0F;
    q.add_len = b[4];
    q.truncated = len < 5 + (size_t)q.add_len;
    q.sccs = b[5] & 0x80;
    q.acc = b[5] & 0x40;
    q.tpgs = (b[5] >> 4) & 3;
    q.tpc = b[5] & 0x08;
    q.protect = b[5] & 0x01;
    q.encserv = b[6] & 0x40;
    q.multip = b[6] & 0x10;
    q.mchngr = b[6] & 0x08;
    q.addr16 = b[6] & 0x01;
    q.wbus16 = b[7] & 0x20;
    q.sync = b[7] & 0x10;
    q.cmdque = b[7] & 0x02;
    /* Strings only where the device sent them (within both @len and ADDITIONAL LENGTH). */
    size_t valid = 5 + (size_t)q.add_len < len ? 5 + (size_t)q.add_len : len;
    if (valid >= 16)
        t10_get_ascii(q.vendor, b + 8, T10_VENDOR_LEN);
    if (valid >= 32)
        t10_get_ascii(q.product, b + 16, T10_PRODUCT_LEN);
    if (valid >= 36)
        t10_get_ascii(q.revision, b + 32, T10_REVISION_LEN);
    for (unsigned i = 0; i < 8 && valid >= 60 + 2 * i; i++) {
        uint16_t v = t10_get_be16(b + 58 + 2 * i);
        if (v == 0)
            break;
        q.version_desc[q.n_version_desc++] = v;
    }
    *out = q;
    return T10_OK;
}

size_t t10_vpd_hdr_build(uint8_t *out, size_t cap, uint8_t pdt, uint8_t page, uint16_t page_len)
{
    uint8_t b[4] = {pdt, page, 0, 0};
    t10_put_be16(b + 2, page_len);
    return copy_out(out, cap, b, 4);
}

enum t10_rc t10_vpd_hdr_decode(const uint8_t *buf, size_t len, struct t10_vpd_hdr *out)
{
    if (len < T10_VPD_HDR_LEN)
        return T10_ESHORT;
    out->qualifier = buf[0] >> 5;
    out->pdt = buf[0] & 0x1F;
    out->page = buf[1];
    out->page_len = t10_get_be16(buf + 2);
    return T10_OK;
}

/* Bytes of page body present: min(PAGE LENGTH, what was received). */
static size_t body_len(const uint8_t *buf, size_t len)
{
    size_t pl = t10_get_be16(buf + 2);
    return pl < len - 4 ? pl : len - 4;
}

size_t t10_vpd_supported_build(uint8_t *out, size_t cap, uint8_t pdt, const uint8_t *pages,
                               size_t n)
{
    bool present[256] = {false};
    for (size_t i = 0; i < n; i++)
        present[pages[i]] = true;
    uint8_t b[4 + 256];
    size_t k = 4;
    for (unsigned p = 0; p < 256; p++)
        if (present[p])
            b[k++] = (uint8_t)p;
    t10_vpd_hdr_build(b, 4, pdt, T10_VPD_SUPPORTED, (uint16_t)(k - 4));
    return copy_out(out, cap, b, k);
}

enum t10_rc t10_vpd_supported_decode(const uint8_t *buf, size_t len, uint8_t *pages, size_t cap,
                                     size_t *n_pages)
{
    if (len < T10_VPD_HDR_LEN)
        return T10_ESHORT;
    if (buf[1] != T10_VPD_SUPPORTED)
        return T10_EINVAL;
    size_t n = body_len(buf, len);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && buf[4 + i] <= buf[3 + i])
            return T10_EINVAL; /* SPC-4 7.8.16: ascending order */
        if (i < cap)
            pages[i] = buf[4 + i];
    }
    *n_pages = n;
    return T10_OK;
}

size_t t10_vpd_ascii_build(uint8_t *out, size_t cap, uint8_t pdt, uint8_t page, const char *text)
{
    size_t n = text ? strnlen(text, 0xFFFF - 4) : 0;
    t10_vpd_hdr_build(out, cap, pdt, page, (uint16_t)n);
    if (cap > 4)
        memcpy(out + 4, text, cap - 4 < n ? cap - 4 : n);
    return 4 + n;
}

enum t10_rc t10_vpd_ascii_decode(const uint8_t *buf, size_t len, uint8_t page, char *text,
                                 size_t cap)
{
    if (len < T10_VPD_HDR_LEN)
        return T10_ESHORT;
    if (buf[1] != page || cap == 0)
        return T10_EINVAL;
    size_t n = body_len(buf, len);
    if (n > cap - 1)
        n = cap - 1;
    t10_get_ascii(text, buf + 4, n);
    return T10_OK;
}

size_t t10_vpd_devid_build(uint8_t *out, size_t cap, uint8_t pdt, const struct t10_desig *d,
                           size_t n)
{
    size_t total = 4;
    for (size_t i = 0; i < n; i++)
        total += 4 + (size_t)d[i].len;
    if (total - 4 > 0xFFFF)
        return 0;
    uint8_t hdr[4];
    t10_vpd_hdr_build(hdr, 4, pdt, T10_VPD_DEVICE_ID, (uint16_t)(total - 4));
    copy_out(out, cap, hdr, cap < 4 ? cap : 4);
    size_t off = 4;
    for (size_t i = 0; i < n; i++) {
        uint8_t h[4];
        h[0] = (uint8_t)((d[i].protocol_id & 0x0F) << 4 | (d[i].code_set & 0x0F));
        h[1] = (uint8_t)((d[i].piv ? 0x80 : 0) | (d[i].association & 3) << 4 | (d[i].type & 0x0F));
        h[2] = 0;
        h[3] = d[i].len;
        if (off < cap)
            copy_out(out + off, cap - off, h, 4 < cap - off ? 4 : cap - off);
        off += 4;
        if (off < cap && d[i].len)
            copy_out(out + off, cap - off, d[i].id, d[i].len < cap - off ? d[i].len : cap - off);
        off += d[i].len;
    }
    return total;
}

enum t10_rc t10_vpd_devid_walk(const uint8_t *buf, size_t len, t10_desig_fn *fn, void *arg,
                               bool *truncated)
{
    *truncated = false;
    if (len < T10_VPD_HDR_LEN)
        return T10_ESHORT;
    if (buf[1] != T10_VPD_DEVICE_ID)
        return T10_EINVAL;
    size_t pl = t10_get_be16(buf + 2);
    size_t end = 4 + pl;
    if (end > len) {
        *truncated = true;
        end = len;
    }
    size_t off = 4;
    while (off < end) {
        if (end - off < 4 || 4 + (size_t)buf[off + 3] > end - off) {
            *truncated = true;
            return T10_OK;
        }
        struct t10_desig d = {
            .protocol_id = buf[off] >> 4,
            .code_set = buf[off] & 0x0F,
            .piv = buf[off + 1] & 0x80,
            .association = (buf[off + 1] >> 4) & 3,
            .type = buf[off + 1] & 0x0F,
            .len = buf[off + 3],
            .id = buf + off + 4,
        };
        enum t10_rc rc = fn(&d, arg);
        if (rc != T10_OK)
            return rc;
        off += 4 + (size_t)d.len;
    }
    return T10_OK;
}

void t10_naa5_encode(uint8_t out[8], uint32_t oui, uint64_t vsid)
{
    /* NAA 5h: NAA(4 bits) | IEEE COMPANY_ID (24 bits) | VENDOR SPECIFIC IDENTIFIER (36 bits) */
    uint64_t v = (uint64_t)5 << 60 | (uint64_t)(oui & 0xFFFFFF) << 36 | (vsid & 0xFFFFFFFFFULL);
    t10_put_be64(out, v);
}

size_t t10_t10vid_encode(uint8_t *out, size_t cap, const char *vendor, const char *vsid)
{
    uint8_t b[255];
    size_t n = vsid ? strnlen(vsid, sizeof b - T10_VENDOR_LEN) : 0;
    t10_put_ascii(b, T10_VENDOR_LEN, vendor);
    if (n)
        memcpy(b + T10_VENDOR_LEN, vsid, n);
    return copy_out(out, cap, b, T10_VENDOR_LEN + n);
}

void t10_relport_encode(uint8_t out[4], uint16_t rel_port)
{
    out[0] = 0;
    out[1] = 0;
    t10_put_be16(out + 2, rel_port);
}

size_t t10_vpd_b0_build(uint8_t *out, size_t cap, uint8_t pdt, const struct t10_vpd_b0 *p)
{
    uint8_t b[6] = {0};
    t10_vpd_hdr_build(b, 4, pdt, T10_VPD_SSC_CAPABILITIES, 2);
    b[4] = (uint8_t)((p->tsmc ? 0x02 : 0) | (p->worm ? 0x01 : 0));
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_vpd_b0_decode(const uint8_t *buf, size_t len, struct t10_vpd_b0 *out)
{
    if (len < 5)
        return T10_ESHORT;
    if (buf[1] != T10_VPD_SSC_CAPABILITIES || t10_get_be16(buf + 2) < 1)
        return T10_EINVAL;
    out->worm = buf[4] & 0x01;
    out->tsmc = buf[4] & 0x02;
    return T10_OK;
}

size_t t10_vpd_b2_build(uint8_t *out, size_t cap, uint8_t pdt, uint64_t supported)
{
    uint8_t b[16] = {0};
    t10_vpd_hdr_build(b, 4, pdt, T10_VPD_TAPEALERT_SUPPORTED, 0x0C);
    /* Flag 1 is the most significant bit of byte 4; our masks keep flag n at bit n-1. */
    uint64_t wire = 0;
    for (unsigned n = 1; n <= 64; n++)
        if (supported & (UINT64_C(1) << (n - 1)))
            wire |= UINT64_C(1) << (64 - n);
    t10_put_be64(b + 4, wire);
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_vpd_b2_decode(const uint8_t *buf, size_t len, uint64_t *supported)
{
    if (len < 12)
        return T10_ESHORT;
    if (buf[1] != T10_VPD_TAPEALERT_SUPPORTED || t10_get_be16(buf + 2) < 8)
        return T10_EINVAL;
    uint64_t wire = t10_get_be64(buf + 4), m = 0;
    for (unsigned n = 1; n <= 64; n++)
        if (wire & (UINT64_C(1) << (64 - n)))
            m |= UINT64_C(1) << (n - 1);
    *supported = m;
    return T10_OK;
}

size_t t10_vpd_b4_build(uint8_t *out, size_t cap, uint8_t pdt, uint16_t elem_addr)
{
    uint8_t b[8] = {0};
    t10_vpd_hdr_build(b, 4, pdt, T10_VPD_DTD_ELEMENT_ADDRESS, 4);
    t10_put_be16(b + 6, elem_addr);
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_vpd_b4_decode(const uint8_t *buf, size_t len, uint16_t *elem_addr)
{
    if (len < T10_VPD_HDR_LEN)
        return T10_ESHORT;
    if (buf[1] != T10_VPD_DTD_ELEMENT_ADDRESS)
        return T10_EINVAL;
    size_t pl = t10_get_be16(buf + 2);
    if (pl < 2)
        return T10_EINVAL;
    if (len < 4 + pl)
        return T10_ESHORT;
    *elem_addr = t10_get_be16(buf + 4 + pl - 2);
    return T10_OK;
}
