/* SPDX-License-Identifier: MIT
 * scsi/elem.c - READ ELEMENT STATUS data (SMC-3): decode, walk and build. Layout in elem.h.
 */
#include "scsi/elem.h"

#include <string.h>

#include "scsi/be.h"

void t10_voltag_encode(uint8_t *out, const char *id, uint16_t seq)
{
    t10_put_ascii(out, T10_VOLTAG_ID_LEN, id);
    out[32] = 0;
    out[33] = 0;
    t10_put_be16(out + 34, seq);
}

void t10_voltag_decode(const uint8_t *buf, struct t10_voltag *out)
{
    t10_get_ascii(out->id, buf, T10_VOLTAG_ID_LEN);
    out->seq = t10_get_be16(buf + 34);
}

enum t10_rc t10_elem_status_hdr_decode(const uint8_t *buf, size_t len,
                                       struct t10_elem_status_hdr *out)
{
    if (len < T10_ELEM_HDR_LEN)
        return T10_ESHORT;
    out->first_addr = t10_get_be16(buf);
    out->n_elems = t10_get_be16(buf + 2);
    out->send_action = buf[4] & 0x1F;
    out->byte_count = t10_get_be24(buf + 5);
    return T10_OK;
}

enum t10_rc t10_elem_page_decode(const uint8_t *buf, size_t len, struct t10_elem_page *out)
{
    if (len < T10_ELEM_PAGE_HDR_LEN)
        return T10_ESHORT;
    out->type = buf[0];
    out->pvoltag = (buf[1] & T10_ELEM_PVOLTAG) != 0;
    out->avoltag = (buf[1] & T10_ELEM_AVOLTAG) != 0;
    out->desc_len = t10_get_be16(buf + 2);
    out->desc_bytes = t10_get_be24(buf + 5);
    return T10_OK;
}

static size_t desc_need(const struct t10_elem_page *pg)
{
    return T10_ELEM_DESC_FIXED_LEN + (pg->pvoltag ? T10_VOLTAG_LEN : 0) +
           (pg->avoltag ? T10_VOLTAG_LEN : 0);
}

enum t10_rc t10_elem_desc_decode(const uint8_t *buf, size_t len, const struct t10_elem_page *pg,
                                 struct t10_elem_desc *out)
{
    size_t need = desc_need(pg);
    if (len < need)
        return T10_ESHORT; /* covers every fixed read below */
    struct t10_elem_desc d;
    memset(&d, 0, sizeof d);
    d.type = pg->type;
    d.addr = t10_get_be16(buf);
    d.flags = buf[2];
    d.full = buf[2] & T10_ELEM_FULL;
    d.impexp = buf[2] & T10_ELEM_IMPEXP;
    d.except = buf[2] & T10_ELEM_EXCEPT;
    d.access = buf[2] & T10_ELEM_ACCESS;
    d.exenab = buf[2] & T10_ELEM_EXENAB;
    d.inenab = buf[2] & T10_ELEM_INENAB;
    d.asc_ascq = T10_ASC(buf[4], buf[5]);
    if (pg->type == T10_ELEM_DT) { /* bytes 6-7 are reserved for the other types */
        d.not_bus = buf[6] & 0x80;
        d.id_valid = buf[6] & 0x20;
        d.lu_valid = buf[6] & 0x10;
        d.lun = buf[6] & 0x07;
        d.scsi_id = buf[7];
    }
    d.src_valid = buf[9] & T10_ELEM_SVALID;
    d.invert = buf[9] & T10_ELEM_INVERT;
    d.ed = buf[9] & T10_ELEM_ED;
    d.medium = buf[9] & T10_ELEM_MEDIUM_TYPE_MASK;
    /* Without SVALID the source address means nothing: report 0 so no caller acts on
     * leftover bytes. */
    if (d.src_valid)
        d.src_addr = t10_get_be16(buf + 10);
    size_t off = T10_ELEM_DESC_FIXED_LEN;
    if (pg->pvoltag) {
        t10_voltag_decode(buf + off, &d.pvoltag);
        off += T10_VOLTAG_LEN;
    }
    if (pg->avoltag) {
        t10_voltag_decode(buf + off, &d.avoltag);
        off += T10_VOLTAG_LEN;
    }
    d.rest = buf + off; /* identification, vendor bytes */
    d.rest_len = len - off;
    if (d.rest_len >= T10_ELEM_IDENT_HDR_LEN && d.rest[3] != 0) {
        size_t id_len = d.rest[3];
        size_t have = d.rest_len - T10_ELEM_IDENT_HDR_LEN;
        d.has_ident = true;
        d.ident.protocol_id = d.rest[0] >> 4;
        d.ident.code_set = d.rest[0] & 0x0F;
        d.ident.piv = d.rest[1] & 0x80;
        d.ident.association = (d.rest[1] >> 4) & 0x03;
        d.ident.id_type = d.rest[1] & 0x0F;
        d.ident.id_len = (uint8_t)(id_len < have ? id_len : have);
        d.ident.id = d.rest + T10_ELEM_IDENT_HDR_LEN;
    }
    *out = d;
    return T10_OK;
}

/* Walk one page. Devices cut data at the ALLOCATION LENGTH but still report the full byte
 * count, so short data is normal: decode the whole descriptors we have and set *truncated
 * so the caller can ask again with more room. pg->desc_bytes is never trusted over @len. */
enum t10_rc t10_elem_page_walk(const uint8_t *buf, size_t len, const struct t10_elem_page *pg,
                               t10_elem_fn *fn, void *arg, bool *truncated)
{
    *truncated = false;
    if (pg->desc_len < desc_need(pg))
        return T10_EINVAL; /* also rules out an endless loop on length 0 */
    size_t have = len < pg->desc_bytes ? len : pg->desc_bytes;
    *truncated = have < pg->desc_bytes;
    if (!*truncated && have % pg->desc_len != 0)
        return T10_EINVAL; /* byte count is not whole descriptors */
    for (size_t off = 0; have - off >= pg->desc_len; off += pg->desc_len) {
        struct t10_elem_desc d;
        enum t10_rc rc = t10_elem_desc_decode(buf + off, pg->desc_len, pg, &d);
        if (rc == T10_OK)
            rc = fn(&d, arg);
        if (rc != T10_OK)
            return rc;
    }
    return T10_OK;
}

enum t10_rc t10_elem_status_walk(const uint8_t *buf, size_t len, struct t10_elem_status_hdr *hdr,
                                 t10_elem_fn *fn, void *arg, bool *truncated)
{
    struct t10_elem_status_hdr h;
    *truncated = false;
    enum t10_rc rc = t10_elem_status_hdr_decode(buf, len, &h);
    if (rc != T10_OK)
        return rc;
    if (hdr)
        *hdr = h;
    size_t end = T10_ELEM_HDR_LEN + (size_t)h.byte_count;
    if (end > len) {
        *truncated = true;
        end = len;
    }
    size_t off = T10_ELEM_HDR_LEN;
    while (off < end) {
        struct t10_elem_page pg;
        if (t10_elem_page_decode(buf + off, end - off, &pg) != T10_OK) {
            *truncated = true; /* a page header cut short */
            return T10_OK;
        }
        off += T10_ELEM_PAGE_HDR_LEN;
        size_t avail = end - off;
        bool cut = false;
        rc = t10_elem_page_walk(buf + off, avail, &pg, fn, arg, &cut);
        if (rc != T10_OK)
            return rc;
        if (cut) {
            *truncated = true;
            return T10_OK;
        }
        off += pg.desc_bytes; /* <= avail: the walk was not cut */
    }
    return T10_OK;
}

size_t t10_elem_desc_len_for(bool pvoltag, bool avoltag, int ident_len)
{
    size_t n =
        T10_ELEM_DESC_FIXED_LEN + (pvoltag ? T10_VOLTAG_LEN : 0) + (avoltag ? T10_VOLTAG_LEN : 0);
    if (ident_len >= 0)
        n += T10_ELEM_IDENT_HDR_LEN + (size_t)(ident_len > 255 ? 255 : ident_len);
    return n;
}

size_t t10_elem_desc_build(uint8_t *out, size_t cap, const struct t10_elem_page *pg,
                           const struct t10_elem_desc *d)
{
    size_t need = desc_need(pg) + (d->has_ident ? T10_ELEM_IDENT_HDR_LEN + d->ident.id_len : 0);
    if (need > pg->desc_len)
        return 0;
    /* Descriptors are at most 12+36+36+4+255 bytes of content; a longer desc_len only adds
     * zero vendor bytes, written by the loop at the end. */
    uint8_t b[512];
    size_t n = pg->desc_len < sizeof b ? pg->desc_len : sizeof b;
    memset(b, 0, n); /* only b[0..n-1] is copied out; a constant 512 bytes became rep stosq */
    t10_put_be16(b, d->addr);
    b[2] = (uint8_t)((d->full ? T10_ELEM_FULL : 0) | (d->impexp ? T10_ELEM_IMPEXP : 0) |
                     (d->except ? T10_ELEM_EXCEPT : 0) | (d->access ? T10_ELEM_ACCESS : 0) |
                     (d->exenab ? T10_ELEM_EXENAB : 0) | (d->inenab ? T10_ELEM_INENAB : 0));
    b[4] = T10_ASC_OF(d->asc_ascq);
    b[5] = T10_ASCQ_OF(d->asc_ascq);
    if (pg->type == T10_ELEM_DT) {
        b[6] = (uint8_t)((d->not_bus ? 0x80 : 0) | (d->id_valid ? 0x20 : 0) |
                         (d->lu_valid ? 0x10 : 0) | (d->lun & 0x07));
        b[7] = d->scsi_id;
    }
    b[9] = (uint8_t)((d->src_valid ? T10_ELEM_SVALID : 0) | (d->invert ? T10_ELEM_INVERT : 0) |
                     (d->ed ? T10_ELEM_ED : 0) | (d->medium & T10_ELEM_MEDIUM_TYPE_MASK));
    if (d->src_valid)
        t10_put_be16(b + 10, d->src_addr);
    size_t off = T10_ELEM_DESC_FIXED_LEN;
    if (pg->pvoltag) {
        t10_voltag_encode(b + off, d->pvoltag.id, d->pvoltag.seq);
        off += T10_VOLTAG_LEN;
    }
    if (pg->avoltag) {
        t10_voltag_encode(b + off, d->avoltag.id, d->avoltag.seq);
        off += T10_VOLTAG_LEN;
    }
    if (d->has_ident) {
        b[off] = (uint8_t)((d->ident.protocol_id & 0x0F) << 4 | (d->ident.code_set & 0x0F));
        b[off + 1] = (uint8_t)((d->ident.piv ? 0x80 : 0) | (d->ident.association & 0x03) << 4 |
                               (d->ident.id_type & 0x0F));
        b[off + 3] = d->ident.id_len;
        if (d->ident.id_len)
            memcpy(b + off + 4, d->ident.id, d->ident.id_len);
    }
    if (cap)
        memcpy(out, b, cap < n ? cap : n);
    for (size_t i = n; i < pg->desc_len && i < cap; i++)
        out[i] = 0;
    return pg->desc_len;
}

static void put_at(struct t10_elem_writer *w, size_t off, const uint8_t *src, size_t n)
{
    if (off >= w->cap)
        return;
    memcpy(w->out + off, src, w->cap - off < n ? w->cap - off : n);
}

void t10_elem_writer_init(struct t10_elem_writer *w, uint8_t *out, size_t cap)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->cap = cap;
    w->pos = T10_ELEM_HDR_LEN;
    uint8_t zero[T10_ELEM_HDR_LEN] = {0};
    put_at(w, 0, zero, sizeof zero);
}

static void close_page(struct t10_elem_writer *w)
{
    if (!w->page_open)
        return;
    size_t bytes = w->pos - w->page_pos - T10_ELEM_PAGE_HDR_LEN;
    uint8_t h[T10_ELEM_PAGE_HDR_LEN] = {0};
    h[0] = w->pg.type;
    h[1] =
        (uint8_t)((w->pg.pvoltag ? T10_ELEM_PVOLTAG : 0) | (w->pg.avoltag ? T10_ELEM_AVOLTAG : 0));
    t10_put_be16(h + 2, w->pg.desc_len);
    if (bytes > 0xFFFFFF)
        w->rc = w->rc ? w->rc : T10_ERANGE;
    t10_put_be24(h + 5, (uint32_t)bytes);
    put_at(w, w->page_pos, h, sizeof h);
    w->page_open = false;
}

void t10_elem_writer_page(struct t10_elem_writer *w, const struct t10_elem_page *pg)
{
    close_page(w);
    w->pg = *pg;
    w->page_pos = w->pos;
    w->page_open = true;
    w->pos += T10_ELEM_PAGE_HDR_LEN;
    uint8_t zero[T10_ELEM_PAGE_HDR_LEN] = {0};
    put_at(w, w->page_pos, zero, sizeof zero);
}

void t10_elem_writer_add(struct t10_elem_writer *w, const struct t10_elem_desc *d)
{
    if (!w->page_open) {
        w->rc = w->rc ? w->rc : T10_EINVAL;
        return;
    }
    size_t n = t10_elem_desc_build(w->pos < w->cap ? w->out + w->pos : NULL,
                                   w->pos < w->cap ? w->cap - w->pos : 0, &w->pg, d);
    if (n == 0) {
        w->rc = w->rc ? w->rc : T10_EINVAL;
        return;
    }
    if (w->n_elems == 0)
        w->first_addr = d->addr;
    w->n_elems++;
    w->pos += n;
}

size_t t10_elem_writer_finish(struct t10_elem_writer *w)
{
    close_page(w);
    if (w->rc != T10_OK)
        return 0;
    size_t bytes = w->pos - T10_ELEM_HDR_LEN;
    if (bytes > 0xFFFFFF) {
        w->rc = T10_ERANGE;
        return 0;
    }
    uint8_t h[T10_ELEM_HDR_LEN] = {0};
    t10_put_be16(h, w->first_addr);
    t10_put_be16(h + 2, w->n_elems);
    h[4] = w->send_action & 0x1F;
    t10_put_be24(h + 5, (uint32_t)bytes);
    put_at(w, 0, h, sizeof h);
    return w->pos;
}

size_t t10_svt_build(uint8_t *out, size_t cap, const struct t10_svt_params *p)
{
    uint8_t b[T10_SVT_LEN] = {0};
    t10_put_ascii(b, T10_VOLTAG_ID_LEN, p->template_id);
    t10_put_be16(b + 34, p->min_seq);
    t10_put_be16(b + 38, p->max_seq);
    if (cap)
        memcpy(out, b, cap < sizeof b ? cap : sizeof b);
    return sizeof b;
}

enum t10_rc t10_svt_decode(const uint8_t *buf, size_t len, struct t10_svt_params *out,
                           struct t10_field_ptr *bad)
{
    if (len < T10_SVT_LEN) {
        if (bad) {
            bad->byte = (uint16_t)len;
            bad->bit = 0;
            bad->bpv = false;
            bad->cd = false;
        }
        return T10_ESHORT;
    }
    t10_get_ascii(out->template_id, buf, T10_VOLTAG_ID_LEN);
    out->min_seq = t10_get_be16(buf + 34);
    out->max_seq = t10_get_be16(buf + 38);
    return T10_OK;
}
