/* SPDX-License-Identifier: MIT
 * scsi/mode.c - mode parameter headers, block descriptors, page walks and the changer and
 * tape pages (SPC-4 7.5, SMC-3 7.3, SSC-4 8.3). Layouts in mode.h.
 */
#include "scsi/mode.h"

#include <string.h>

#include "scsi/be.h"

static size_t copy_out(uint8_t *out, size_t cap, const uint8_t *b, size_t n)
{
    if (cap)
        memcpy(out, b, cap < n ? cap : n);
    return n;
}

static void set_pptr(struct t10_field_ptr *bad, size_t byte, int bit)
{
    if (!bad)
        return;
    bad->byte = (uint16_t)(byte > 0xFFFF ? 0xFFFF : byte);
    bad->cd = false;
    bad->bpv = bit >= 0;
    bad->bit = bit >= 0 ? (uint8_t)bit : 0;
}

size_t t10_mode_hdr_build(uint8_t *out, size_t cap, bool ten, const struct t10_mode_hdr *h)
{
    uint8_t b[T10_MODE_HDR10_LEN] = {0};
    uint8_t ds =
        h->dev_specific
            ? h->dev_specific
            : (uint8_t)((h->wp ? 0x80 : 0) | (h->buffered_mode & 7) << 4 | (h->speed & 0x0F));
    if (!ten) {
        if (h->bd_len > 0xFF)
            return 0;
        b[1] = h->medium_type;
        b[2] = ds;
        b[3] = (uint8_t)h->bd_len;
        return copy_out(out, cap, b, T10_MODE_HDR6_LEN);
    }
    b[2] = h->medium_type;
    b[3] = ds;
    b[4] = h->longlba ? 1 : 0;
    t10_put_be16(b + 6, h->bd_len);
    return copy_out(out, cap, b, T10_MODE_HDR10_LEN);
}

void t10_mode_set_data_len(uint8_t *out, size_t cap, bool ten, size_t total_len)
{
    /* MODE DATA LENGTH excludes itself; a total shorter than the field reads as 0. */
    if (!ten) {
        size_t v6 = total_len > 1 ? total_len - 1 : 0;
        if (cap >= 1)
            out[0] = (uint8_t)(v6 > 0xFF ? 0xFF : v6);
        return;
    }
    size_t v = total_len > 2 ? total_len - 2 : 0;
    if (v > 0xFFFF)
        v = 0xFFFF;
    if (cap >= 1)
        out[0] = (uint8_t)(v >> 8);
    if (cap >= 2)
        out[1] = (uint8_t)v;
}

enum t10_rc t10_mode_hdr_decode(const uint8_t *buf, size_t len, bool ten, struct t10_mode_hdr *out)
{
    struct t10_mode_hdr h;
    memset(&h, 0, sizeof h);
    if (!ten) {
        if (len < T10_MODE_HDR6_LEN)
            return T10_ESHORT;
        h.data_len = buf[0];
        h.medium_type = buf[1];
        h.dev_specific = buf[2];
        h.bd_len = buf[3];
    } else {
        if (len < T10_MODE_HDR10_LEN)
            return T10_ESHORT;
        h.data_len = t10_get_be16(buf);
        h.medium_type = buf[2];
        h.dev_specific = buf[3];
        h.longlba = buf[4] & 1;
        h.bd_len = t10_get_be16(buf + 6);
    }
    h.wp = (h.dev_specific & 0x80) != 0;
    h.buffered_mode = (h.dev_specific >> 4) & 7;
    h.speed = h.dev_specific & 0x0F;
    *out = h;
    return T10_OK;
}

size_t t10_mode_blkdesc_build(uint8_t *out, size_t cap, const struct t10_mode_blkdesc *bd)
{
    uint8_t b[T10_MODE_BLKDESC_LEN] = {0};
    if (bd->n_blocks > 0xFFFFFF || bd->block_len > 0xFFFFFF)
        return 0;
    b[0] = bd->density;
    t10_put_be24(b + 1, bd->n_blocks);
    t10_put_be24(b + 5, bd->block_len);
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_mode_blkdesc_decode(const uint8_t *buf, size_t len, struct t10_mode_blkdesc *out)
{
    if (len < T10_MODE_BLKDESC_LEN)
        return T10_ESHORT;
    out->density = buf[0];
    out->n_blocks = t10_get_be24(buf + 1);
    out->block_len = t10_get_be24(buf + 5);
    return T10_OK;
}

size_t t10_mode_page_hdr_build(uint8_t *out, size_t cap, const struct t10_mode_page_hdr *h)
{
    uint8_t b[4];
    b[0] = (uint8_t)((h->ps ? 0x80 : 0) | (h->spf ? 0x40 : 0) | (h->page & 0x3F));
    if (h->spf) {
        b[1] = h->subpage;
        t10_put_be16(b + 2, h->page_len);
        return copy_out(out, cap, b, 4);
    }
    if (h->page_len > 0xFF)
        return 0;
    b[1] = (uint8_t)h->page_len;
    return copy_out(out, cap, b, 2);
}

enum t10_rc t10_mode_page_hdr_decode(const uint8_t *buf, size_t len, struct t10_mode_page_hdr *out)
{
    if (len < 2)
        return T10_ESHORT;
    struct t10_mode_page_hdr h;
    memset(&h, 0, sizeof h);
    h.ps = buf[0] & 0x80;
    h.spf = buf[0] & 0x40;
    h.page = buf[0] & 0x3F;
    if (h.spf) {
        if (len < 4)
            return T10_ESHORT;
        h.subpage = buf[1];
        h.page_len = t10_get_be16(buf + 2);
        h.hdr_len = 4;
    } else {
        h.page_len = buf[1];
        h.hdr_len = 2;
    }
    *out = h;
    return T10_OK;
}

/* Shared part of both walks: header and block descriptors. Returns the offset of the
 * first page in *pages_off, the end of valid data in *end. */
static enum t10_rc walk_head(const uint8_t *buf, size_t len, bool ten, bool strict,
                             struct t10_mode_hdr *hdr, struct t10_mode_blkdesc *bd,
                             size_t *pages_off, size_t *end, bool *truncated,
                             struct t10_field_ptr *bad)
{
    struct t10_mode_hdr h;
    enum t10_rc rc = t10_mode_hdr_decode(buf, len, ten, &h);
    if (rc != T10_OK) {
        set_pptr(bad, 0, -1);
        return rc;
    }
    if (hdr)
        *hdr = h;
    size_t hlen = ten ? T10_MODE_HDR10_LEN : T10_MODE_HDR6_LEN;
    size_t e = len;
    if (!strict) {
        /* MODE DATA LENGTH excludes itself (SPC-4 7.5.5). In MODE SELECT it is reserved,
         * so only MODE SENSE data is bounded by it. */
        size_t announced = (size_t)h.data_len + (ten ? 2 : 1);
        if (announced < e)
            e = announced;
        if (announced > len && truncated)
            *truncated = true;
        if (e < hlen)
            e = hlen;
    }
    size_t unit = h.longlba ? 16 : 8;
    if (strict && (h.bd_len % unit != 0 || hlen + h.bd_len > e)) {
        set_pptr(bad, ten ? 6 : 3, 7); /* BLOCK DESCRIPTOR LENGTH */
        return T10_EINVAL;
    }
    if (bd && h.bd_len >= 8 && !h.longlba && hlen + 8 <= e)
        (void)t10_mode_blkdesc_decode(buf + hlen, e - hlen, bd);
    size_t po = hlen + h.bd_len;
    if (po > e) {
        if (truncated)
            *truncated = true;
        po = e;
    }
    *pages_off = po;
    *end = e;
    return T10_OK;
}

enum t10_rc t10_mode_sense_walk(const uint8_t *buf, size_t len, bool ten, struct t10_mode_hdr *hdr,
                                struct t10_mode_blkdesc *bd, t10_mode_page_fn *fn, void *arg,
                                bool *truncated)
{
    size_t off, end;
    *truncated = false;
    enum t10_rc rc = walk_head(buf, len, ten, false, hdr, bd, &off, &end, truncated, NULL);
    if (rc != T10_OK)
        return rc;
    while (off < end) {
        struct t10_mode_page_hdr ph;
        if (t10_mode_page_hdr_decode(buf + off, end - off, &ph) != T10_OK ||
            (size_t)ph.hdr_len + ph.page_len > end - off) {
            *truncated = true;
            return T10_OK;
        }
        if (fn) {
            struct t10_field_ptr ignored;
            rc = fn(&ph, buf + off, off, arg, &ignored);
            if (rc != T10_OK)
                return rc;
        }
        off += (size_t)ph.hdr_len + ph.page_len;
    }
    return T10_OK;
}

enum t10_rc t10_mode_select_walk(const uint8_t *buf, size_t len, bool ten, struct t10_mode_hdr *hdr,
                                 struct t10_mode_blkdesc *bd, t10_mode_page_fn *fn, void *arg,
                                 struct t10_field_ptr *bad)
{
    size_t off, end;
    enum t10_rc rc = walk_head(buf, len, ten, true, hdr, bd, &off, &end, NULL, bad);
    if (rc != T10_OK)
        return rc;
    while (off < end) {
        struct t10_mode_page_hdr ph;
        if (t10_mode_page_hdr_decode(buf + off, end - off, &ph) != T10_OK) {
            set_pptr(bad, off, 7); /* a page header cut by the list's end */
            return T10_EINVAL;
        }
        if ((size_t)ph.hdr_len + ph.page_len > end - off) {
            set_pptr(bad, off + (ph.spf ? 2 : 1), 7); /* PAGE LENGTH runs past the list */
            return T10_EINVAL;
        }
        if (fn) {
            rc = fn(&ph, buf + off, off, arg, bad);
            if (rc != T10_OK)
                return rc;
        }
        off += (size_t)ph.hdr_len + ph.page_len;
    }
    return T10_OK;
}

struct find_ctx {
    uint8_t page, subpage;
    const uint8_t *found;
    size_t found_len;
};

static enum t10_rc find_cb(const struct t10_mode_page_hdr *ph, const uint8_t *page, size_t off,
                           void *arg, struct t10_field_ptr *bad)
{
    struct find_ctx *c = arg;
    (void)off;
    (void)bad;
    if (ph->page == c->page && ph->subpage == c->subpage) {
        c->found = page;
        c->found_len = (size_t)ph->hdr_len + ph->page_len;
        return T10_ESTOP;
    }
    return T10_OK;
}

enum t10_rc t10_mode_find_page(const uint8_t *buf, size_t len, bool ten, uint8_t page,
                               uint8_t subpage, const uint8_t **page_out, size_t *page_len_out)
{
    struct find_ctx c = {page, subpage, NULL, 0};
    bool cut;
    enum t10_rc rc = t10_mode_sense_walk(buf, len, ten, NULL, NULL, find_cb, &c, &cut);
    if (rc != T10_OK && rc != T10_ESTOP)
        return rc;
    if (!c.found)
        return T10_ENOENT;
    *page_out = c.found;
    *page_len_out = c.found_len;
    return T10_OK;
}

/* ---- pages: page_0 format, fixed PAGE LENGTH ---- */

static void page_hdr(uint8_t *b, uint8_t code, uint8_t page_len, bool ps)
{
    b[0] = (uint8_t)((ps ? 0x80 : 0) | code);
    b[1] = page_len;
}

/* Checks a page_0 page: code matches, SPF clear, the data covers the header and at least
 * @need bytes of body, and PAGE LENGTH announces at least @need. */
static enum t10_rc page_check(const uint8_t *page, size_t len, uint8_t code, size_t need)
{
    if (len < 2)
        return T10_ESHORT;
    if ((page[0] & 0x3F) != code || (page[0] & 0x40))
        return T10_EINVAL;
    if (page[1] < need)
        return T10_EINVAL;
    if (len < 2 + need)
        return T10_ESHORT;
    return T10_OK;
}

size_t t10_mode_control_build(uint8_t *out, size_t cap, const struct t10_mode_control *p, bool ps)
{
    uint8_t b[12] = {0};
    page_hdr(b, T10_MP_CONTROL, 0x0A, ps);
    b[2] = (uint8_t)((p->tst & 7) << 5 | (p->tmf_only ? 0x10 : 0) | (p->dpicz ? 0x08 : 0) |
                     (p->d_sense ? 0x04 : 0) | (p->gltsd ? 0x02 : 0) | (p->rlec ? 0x01 : 0));
    b[3] = (uint8_t)((p->qam & 0x0F) << 4 | (p->qerr & 3) << 1);
    b[4] = (uint8_t)((p->rac ? 0x40 : 0) | (p->ua_intlck_ctrl & 3) << 4 | (p->swp ? 0x08 : 0));
    b[5] = (uint8_t)((p->ato ? 0x80 : 0) | (p->tas ? 0x40 : 0) | (p->atmpe ? 0x20 : 0) |
                     (p->rwwp ? 0x10 : 0) | (p->autoload_mode & 7));
    t10_put_be16(b + 8, p->busy_timeout);
    t10_put_be16(b + 10, p->ext_selftest_s);
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_mode_control_decode(const uint8_t *page, size_t len, struct t10_mode_control *out)
{
    enum t10_rc rc = page_check(page, len, T10_MP_CONTROL, 10);
    if (rc != T10_OK)
        return rc;
    struct t10_mode_control p;
    memset(&p, 0, sizeof p);
    p.tst = page[2] >> 5;
    p.tmf_only = page[2] & 0x10;
    p.dpicz = page[2] & 0x08;
    p.d_sense = page[2] & 0x04;
    p.gltsd = page[2] & 0x02;
    p.rlec = page[2] & 0x01;
    p.qam = page[3] >> 4;
    p.qerr = (page[3] >> 1) & 3;
    p.rac = page[4] & 0x40;
    p.ua_intlck_ctrl = (page[4] >> 4) & 3;
    p.swp = page[4] & 0x08;
    p.ato = page[5] & 0x80;
    p.tas = page[5] & 0x40;
    p.atmpe = page[5] & 0x20;
    p.rwwp = page[5] & 0x10;
    p.autoload_mode = page[5] & 7;
    p.busy_timeout = t10_get_be16(page + 8);
    p.ext_selftest_s = t10_get_be16(page + 10);
    *out = p;
    return T10_OK;
}

size_t t10_mode_eaa_build(uint8_t *out, size_t cap, const struct t10_mode_eaa *p, bool ps)
{
    uint8_t b[T10_MODE_EAA_LEN] = {0};
    page_hdr(b, T10_MP_ELEMENT_ADDRESS, 0x12, ps);
    t10_put_be16(b + 2, p->mt_first);
    t10_put_be16(b + 4, p->mt_count);
    t10_put_be16(b + 6, p->st_first);
    t10_put_be16(b + 8, p->st_count);
    t10_put_be16(b + 10, p->ie_first);
    t10_put_be16(b + 12, p->ie_count);
    t10_put_be16(b + 14, p->dt_first);
    t10_put_be16(b + 16, p->dt_count);
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_mode_eaa_decode(const uint8_t *page, size_t len, struct t10_mode_eaa *out)
{
    enum t10_rc rc = page_check(page, len, T10_MP_ELEMENT_ADDRESS, 16);
    if (rc != T10_OK)
        return rc;
    out->mt_first = t10_get_be16(page + 2);
    out->mt_count = t10_get_be16(page + 4);
    out->st_first = t10_get_be16(page + 6);
    out->st_count = t10_get_be16(page + 8);
    out->ie_first = t10_get_be16(page + 10);
    out->ie_count = t10_get_be16(page + 12);
    out->dt_first = t10_get_be16(page + 14);
    out->dt_count = t10_get_be16(page + 16);
    return T10_OK;
}

size_t t10_mode_geometry_build(uint8_t *out, size_t cap, const struct t10_mode_geometry *p, bool ps)
{
    uint8_t b[2 + 2 * T10_GEOM_MAX] = {0};
    if (p->n > T10_GEOM_MAX)
        return 0;
    page_hdr(b, T10_MP_TRANSPORT_GEOMETRY, (uint8_t)(2 * p->n), ps);
    for (unsigned i = 0; i < p->n; i++) {
        b[2 + 2 * i] = p->t[i].rotate ? 1 : 0;
        b[3 + 2 * i] = p->t[i].member;
    }
    return copy_out(out, cap, b, 2 + 2 * (size_t)p->n);
}

enum t10_rc t10_mode_geometry_decode(const uint8_t *page, size_t len, struct t10_mode_geometry *out)
{
    enum t10_rc rc = page_check(page, len, T10_MP_TRANSPORT_GEOMETRY, 0);
    if (rc != T10_OK)
        return rc;
    size_t body = page[1];
    if (body > len - 2)
        return T10_ESHORT;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i + 1 < body && out->n < T10_GEOM_MAX; i += 2) {
        out->t[out->n].rotate = page[2 + i] & 1;
        out->t[out->n].member = page[3 + i];
        out->n++;
    }
    return T10_OK;
}

size_t t10_mode_devcap_build(uint8_t *out, size_t cap, const struct t10_mode_devcap *p, bool ps)
{
    uint8_t b[T10_MODE_DEVCAP_LEN] = {0};
    page_hdr(b, T10_MP_DEVICE_CAPABILITIES, 0x12, ps);
    b[2] = p->stor & 0x0F;
    for (int i = 0; i < 4; i++) {
        b[4 + i] = p->move[i] & 0x0F;
        b[12 + i] = p->exchange[i] & 0x0F;
    }
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_mode_devcap_decode(const uint8_t *page, size_t len, struct t10_mode_devcap *out)
{
    enum t10_rc rc = page_check(page, len, T10_MP_DEVICE_CAPABILITIES, 14);
    if (rc != T10_OK)
        return rc;
    out->stor = page[2] & 0x0F;
    for (int i = 0; i < 4; i++) {
        out->move[i] = page[4 + i] & 0x0F;
        out->exchange[i] = page[12 + i] & 0x0F;
    }
    return T10_OK;
}

size_t t10_mode_compression_build(uint8_t *out, size_t cap, const struct t10_mode_compression *p,
                                  bool ps)
{
    uint8_t b[16] = {0};
    page_hdr(b, T10_MP_COMPRESSION, 0x0E, ps);
    b[2] = (uint8_t)((p->dce ? 0x80 : 0) | (p->dcc ? 0x40 : 0));
    b[3] = (uint8_t)((p->dde ? 0x80 : 0) | (p->red & 3) << 5);
    t10_put_be32(b + 4, p->comp_alg);
    t10_put_be32(b + 8, p->decomp_alg);
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_mode_compression_decode(const uint8_t *page, size_t len,
                                        struct t10_mode_compression *out)
{
    enum t10_rc rc = page_check(page, len, T10_MP_COMPRESSION, 10);
    if (rc != T10_OK)
        return rc;
    out->dce = page[2] & 0x80;
    out->dcc = page[2] & 0x40;
    out->dde = page[3] & 0x80;
    out->red = (page[3] >> 5) & 3;
    out->comp_alg = t10_get_be32(page + 4);
    out->decomp_alg = t10_get_be32(page + 8);
    return T10_OK;
}

size_t t10_mode_devconfig_build(uint8_t *out, size_t cap, const struct t10_mode_devconfig *p,
                                bool ps)
{
    uint8_t b[16] = {0};
    if (p->buf_size_ew > 0xFFFFFF)
        return 0;
    page_hdr(b, T10_MP_DEVICE_CONFIG, 0x0E, ps);
    b[2] = (uint8_t)((p->cap ? 0x40 : 0) | (p->caf ? 0x20 : 0) | (p->active_format & 0x1F));
    b[3] = p->active_partition;
    b[4] = p->write_full_ratio;
    b[5] = p->read_empty_ratio;
    t10_put_be16(b + 6, p->write_delay);
    b[8] = (uint8_t)((p->obr ? 0x80 : 0) | (p->lois ? 0x40 : 0) | (p->rsmk ? 0x20 : 0) |
                     (p->avc ? 0x10 : 0) | (p->socf & 3) << 2 | (p->robo ? 0x02 : 0) |
                     (p->rew ? 0x01 : 0));
    b[9] = p->gap_size;
    b[10] = (uint8_t)((p->eod_defined & 7) << 5 | (p->eeg ? 0x10 : 0) | (p->sew ? 0x08 : 0) |
                      (p->swp ? 0x04 : 0) | (p->baml ? 0x02 : 0) | (p->bam ? 0x01 : 0));
    t10_put_be24(b + 11, p->buf_size_ew);
    b[14] = p->select_compression;
    b[15] = (uint8_t)((p->wtre & 3) << 6 | (p->oir ? 0x20 : 0) | (p->rewind_on_reset & 3) << 3 |
                      (p->asocwp ? 0x04 : 0) | (p->perswp ? 0x02 : 0) | (p->prmwp ? 0x01 : 0));
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_mode_devconfig_decode(const uint8_t *page, size_t len,
                                      struct t10_mode_devconfig *out)
{
    enum t10_rc rc = page_check(page, len, T10_MP_DEVICE_CONFIG, 14);
    if (rc != T10_OK)
        return rc;
    struct t10_mode_devconfig p;
    memset(&p, 0, sizeof p);
    p.cap = page[2] & 0x40;
    p.caf = page[2] & 0x20;
    p.active_format = page[2] & 0x1F;
    p.active_partition = page[3];
    p.write_full_ratio = page[4];
    p.read_empty_ratio = page[5];
    p.write_delay = t10_get_be16(page + 6);
    p.obr = page[8] & 0x80;
    p.lois = page[8] & 0x40;
    p.rsmk = page[8] & 0x20;
    p.avc = page[8] & 0x10;
    p.socf = (page[8] >> 2) & 3;
    p.robo = page[8] & 0x02;
    p.rew = page[8] & 0x01;
    p.gap_size = page[9];
    p.eod_defined = page[10] >> 5;
    p.eeg = page[10] & 0x10;
    p.sew = page[10] & 0x08;
    p.swp = page[10] & 0x04;
    p.baml = page[10] & 0x02;
    p.bam = page[10] & 0x01;
    p.buf_size_ew = t10_get_be24(page + 11);
    p.select_compression = page[14];
    p.wtre = page[15] >> 6;
    p.oir = page[15] & 0x20;
    p.rewind_on_reset = (page[15] >> 3) & 3;
    p.asocwp = page[15] & 0x04;
    p.perswp = page[15] & 0x02;
    p.prmwp = page[15] & 0x01;
    *out = p;
    return T10_OK;
}

size_t t10_mode_partition_build(uint8_t *out, size_t cap, const struct t10_mode_partition *p,
                                bool ps)
{
    uint8_t b[8 + 2 * T10_PART_MAX] = {0};
    if (p->n_sizes > T10_PART_MAX)
        return 0;
    size_t n = 8 + 2 * (size_t)p->n_sizes;
    page_hdr(b, T10_MP_PARTITION, (uint8_t)(n - 2), ps);
    b[2] = p->max_add;
    b[3] = p->n_add;
    b[4] = (uint8_t)((p->fdp ? 0x80 : 0) | (p->sdp ? 0x40 : 0) | (p->idp ? 0x20 : 0) |
                     (p->psum & 3) << 3 | (p->pofm ? 0x04 : 0) | (p->clear ? 0x02 : 0) |
                     (p->addp ? 0x01 : 0));
    b[5] = p->mfr;
    b[6] = p->part_units & 0x0F;
    for (unsigned i = 0; i < p->n_sizes; i++)
        t10_put_be16(b + 8 + 2 * i, p->sizes[i]);
    return copy_out(out, cap, b, n);
}

enum t10_rc t10_mode_partition_decode(const uint8_t *page, size_t len,
                                      struct t10_mode_partition *out)
{
    enum t10_rc rc = page_check(page, len, T10_MP_PARTITION, 6);
    if (rc != T10_OK)
        return rc;
    size_t body = page[1];
    if (body > len - 2)
        return T10_ESHORT;
    struct t10_mode_partition p;
    memset(&p, 0, sizeof p);
    p.max_add = page[2];
    p.n_add = page[3];
    p.fdp = page[4] & 0x80;
    p.sdp = page[4] & 0x40;
    p.idp = page[4] & 0x20;
    p.psum = (page[4] >> 3) & 3;
    p.pofm = page[4] & 0x04;
    p.clear = page[4] & 0x02;
    p.addp = page[4] & 0x01;
    p.mfr = page[5];
    p.part_units = page[6] & 0x0F;
    for (size_t off = 8; off + 2 <= 2 + body && p.n_sizes < T10_PART_MAX; off += 2)
        p.sizes[p.n_sizes++] = t10_get_be16(page + off);
    *out = p;
    return T10_OK;
}

size_t t10_mode_iec_build(uint8_t *out, size_t cap, const struct t10_mode_iec *p, bool ps)
{
    uint8_t b[12] = {0};
    page_hdr(b, T10_MP_INFO_EXCEPTIONS, 0x0A, ps);
    b[2] = (uint8_t)((p->perf ? 0x80 : 0) | (p->ebf ? 0x20 : 0) | (p->ewasc ? 0x10 : 0) |
                     (p->dexcpt ? 0x08 : 0) | (p->test ? 0x04 : 0) | (p->ebackerr ? 0x02 : 0) |
                     (p->logerr ? 0x01 : 0));
    b[3] = p->mrie & 0x0F;
    t10_put_be32(b + 4, p->interval);
    t10_put_be32(b + 8, p->report_count);
    return copy_out(out, cap, b, sizeof b);
}

enum t10_rc t10_mode_iec_decode(const uint8_t *page, size_t len, struct t10_mode_iec *out)
{
    enum t10_rc rc = page_check(page, len, T10_MP_INFO_EXCEPTIONS, 10);
    if (rc != T10_OK)
        return rc;
    out->perf = page[2] & 0x80;
    out->ebf = page[2] & 0x20;
    out->ewasc = page[2] & 0x10;
    out->dexcpt = page[2] & 0x08;
    out->test = page[2] & 0x04;
    out->ebackerr = page[2] & 0x02;
    out->logerr = page[2] & 0x01;
    out->mrie = page[3] & 0x0F;
    out->interval = t10_get_be32(page + 4);
    out->report_count = t10_get_be32(page + 8);
    return T10_OK;
}

struct t10_field_ptr t10_mode_field(bool ten, enum t10_mode_field f)
{
    size_t h = ten ? T10_MODE_HDR10_LEN : T10_MODE_HDR6_LEN;
    struct t10_field_ptr p = {.bit = 7, .bpv = true, .cd = false};
    switch (f) {
    case T10_MF_MEDIUM_TYPE:
        p.byte = ten ? 2 : 1;
        break;
    case T10_MF_DEV_SPECIFIC:
        p.byte = ten ? 3 : 2;
        break;
    case T10_MF_BD_LEN:
        p.byte = ten ? 6 : 3;
        break;
    case T10_MF_BD_DENSITY:
        p.byte = (uint16_t)h;
        break;
    case T10_MF_BD_N_BLOCKS:
        p.byte = (uint16_t)(h + 1);
        break;
    case T10_MF_BD_BLOCK_LEN:
        p.byte = (uint16_t)(h + 5);
        break;
    }
    return p;
}
