/* SPDX-License-Identifier: MIT
 * conformance/checks_smc.c - SMC-3 checks on the changer LUN: element addressing (mode
 * pages 1Dh, 1Eh, 1Fh), READ ELEMENT STATUS forms, motion (MOVE MEDIUM for every element
 * type pair page 1Fh allows and every illegal move), EXCHANGE MEDIUM, POSITION TO
 * ELEMENT, import/export and PREVENT ALLOW MEDIUM REMOVAL.
 *
 * Motion goes through cf_move()/cf_exchange(), so the runner puts every cartridge back
 * after each check. Checks pick cartridges from the inventory read at the time they run;
 * the --scratch cartridge is preferred where one is named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conformance/internal.h"
#include "scsi/be.h"
#include "scsi/log.h"

#define CH r->changer, "changer"
#define RES_BIG cf_res_alloc(r)

static bool need_lib(struct conform_run *r)
{
    if (r->discover_err[0]) {
        cf_skip(r, "library not readable: %s", r->discover_err);
        return false;
    }
    if (!r->have_eaa) {
        cf_fail(r, "element address assignment page 1Dh could not be read");
        return false;
    }
    return true;
}

/* A fresh inventory; owned by the caller (free()). NULL (check failed) on error. */
static struct conform_elem *inventory(struct conform_run *r, size_t *n)
{
    struct conform_elem *e = calloc(CONFORM_MAX_ELEMS, sizeof *e);
    if (!e)
        return NULL;
    if (!cf_inventory(r, e, n, false)) {
        cf_fail(r, "READ ELEMENT STATUS of all elements failed");
        free(e);
        return NULL;
    }
    return e;
}

static const struct conform_elem *elem_at(const struct conform_elem *e, size_t n, uint16_t a)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].addr == a)
            return &e[i];
    return NULL;
}

static bool is_cleaner(const struct conform_elem *e)
{
    return e->medium == 2 || strncmp(e->voltag, "CLN", 3) == 0;
}

/* An element of @type that is @full (a data cartridge when full), not @not1/@not2.
 * The --scratch cartridge is preferred as a full one. */
static const struct conform_elem *pick(struct conform_run *r, const struct conform_elem *e,
                                       size_t n, uint8_t type, bool full, int not1, int not2)
{
    const struct conform_elem *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct conform_elem *x = &e[i];
        if (x->type != type || x->full != full || x->except || x->addr == not1 || x->addr == not2)
            continue;
        if (type != T10_ELEM_IE && !x->access && type != T10_ELEM_DT)
            continue;
        if (full && is_cleaner(x))
            continue;
        if (full && r->opts.scratch && strcmp(x->voltag, r->opts.scratch) == 0)
            return x;
        if (!best)
            best = x;
    }
    return best;
}

static uint8_t cap_bit(uint8_t type)
{
    return (uint8_t)(1u << (type - 1));
}

static bool move_allowed(const struct conform_run *r, uint8_t from, uint8_t to)
{
    return r->have_devcap && (r->devcap.move[from - 1] & cap_bit(to));
}

/* ---- mode pages ---- */

static bool read_1d(struct conform_run *r, bool ten, bool dbd, uint16_t alloc, uint8_t *b,
                    struct t10_mode_eaa *eaa, size_t *len, const char *what)
{
    struct cf_reply x;
    if (!cf_mode_sense(r, CH, ten, dbd, 0x1D, b, alloc, &x) || !cf_expect_good(r, &x, what))
        return false;
    *len = x.xfer_len;
    const uint8_t *pg;
    size_t pl;
    if (t10_mode_find_page(b, x.xfer_len, ten, 0x1D, 0, &pg, &pl) != T10_OK) {
        cf_fail(r, "%s: page 1Dh not in the data", what);
        return false;
    }
    /* EVIDENCE-OF: SMC-3 7.3.3 Element Address Assignment page: PAGE LENGTH 12h. */
    if (pl < 2 || pg[1] != 0x12)
        cf_fail(r, "%s: PAGE LENGTH %02Xh, expected 12h", what, pl >= 2 ? pg[1] : 0);
    if (t10_mode_eaa_decode(pg, pl, eaa) != T10_OK) {
        cf_fail(r, "%s: page 1Dh does not decode", what);
        return false;
    }
    return true;
}

static bool same_eaa(const struct t10_mode_eaa *a, const struct t10_mode_eaa *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

CF_CHECK(chk_1d_dbd0)
{
    uint8_t b[255];
    struct t10_mode_eaa e;
    size_t n;
    /* EVIDENCE-OF: relied on by Linux ch (ch_readconfig): MODE SENSE(6) page 1Dh, DBD=0,
     * allocation 255. */
    struct t10_mode_hdr h;
    if (read_1d(r, false, false, 255, b, &e, &n, "MODE SENSE(6) 1Dh DBD=0") &&
        t10_mode_hdr_decode(b, n, false, &h) == T10_OK && h.bd_len % 8)
        cf_fail(r, "BLOCK DESCRIPTOR LENGTH %u is not a multiple of 8", h.bd_len);
}

CF_CHECK(chk_1d_dbd1)
{
    uint8_t a[255], b[255];
    struct t10_mode_eaa e0, e1;
    size_t n0, n1;
    if (!read_1d(r, false, false, 255, a, &e0, &n0, "MODE SENSE(6) 1Dh DBD=0") ||
        !read_1d(r, false, true, 255, b, &e1, &n1, "MODE SENSE(6) 1Dh DBD=1"))
        return;
    /* EVIDENCE-OF: SPC-4 6.11 DBD=1: no block descriptors; page contents unchanged.
     * FreeBSD ch and PBS send DBD=1 first (ES-1). */
    struct t10_mode_hdr h;
    if (t10_mode_hdr_decode(b, n1, false, &h) == T10_OK && h.bd_len != 0)
        cf_fail(r, "DBD=1 but BLOCK DESCRIPTOR LENGTH is %u", h.bd_len);
    if (!same_eaa(&e0, &e1))
        cf_fail(r, "page 1Dh differs between DBD=0 and DBD=1");
}

CF_CHECK(chk_1d_ten)
{
    uint8_t a[255], b[255];
    struct t10_mode_eaa e6, e10;
    size_t n6, n10;
    if (!read_1d(r, false, true, 255, a, &e6, &n6, "MODE SENSE(6) 1Dh"))
        return;
    struct cf_reply x;
    if (!cf_mode_sense(r, CH, true, true, 0x1D, b, 255, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "MODE SENSE(10) not supported");
        return;
    }
    if (!read_1d(r, true, true, 255, b, &e10, &n10, "MODE SENSE(10) 1Dh"))
        return;
    /* EVIDENCE-OF: SPC-4 6.12: MODE SENSE(10) returns the same pages with the 8-byte
     * header. */
    if (!same_eaa(&e6, &e10))
        cf_fail(r, "page 1Dh from MODE SENSE(10) differs from MODE SENSE(6)");
}

/* Number of descriptors READ ELEMENT STATUS returns for @type. */
static bool count_type(struct conform_run *r, uint8_t type, size_t *count)
{
    uint8_t *b = malloc(RES_BIG);
    struct cf_reply x;
    bool ok = false;
    if (!b)
        return false;
    if (cf_res(r, type, 0, 0xFFFF, false, false, false, b, RES_BIG, &x) &&
        cf_expect_good(r, &x, "READ ELEMENT STATUS of one type")) {
        struct conform_elem *e = calloc(CONFORM_MAX_ELEMS, sizeof *e);
        char why[128];
        size_t n = 0;
        bool tr;
        if (e && cf_parse_res(b, x.xfer_len, e, CONFORM_MAX_ELEMS, &n, &tr, why, sizeof why)) {
            *count = 0;
            for (size_t i = 0; i < n; i++) {
                if (e[i].type != type)
                    cf_fail(r, "element type %s requested, descriptor %u is of type %s",
                            cf_type_name(type), e[i].addr, cf_type_name(e[i].type));
                else
                    (*count)++;
            }
            ok = true;
        } else if (e) {
            cf_fail(r, "%s", why);
        }
        free(e);
    }
    free(b);
    return ok;
}

CF_CHECK(chk_1d_counts)
{
    if (!need_lib(r))
        return;
    const uint8_t types[4] = {T10_ELEM_TRANSPORT, T10_ELEM_STORAGE, T10_ELEM_IE, T10_ELEM_DT};
    const uint16_t want[4] = {r->eaa.mt_count, r->eaa.st_count, r->eaa.ie_count,
                              r->eaa.dt_count};
    for (int i = 0; i < 4; i++) {
        size_t got;
        if (!count_type(r, types[i], &got))
            continue;
        /* EVIDENCE-OF: SMC-3 7.3.3: NUMBER OF ... ELEMENTS in page 1Dh is the count READ
         * ELEMENT STATUS reports (ES-3); PBS sizes its tables from 1Dh. */
        if (got != want[i])
            cf_fail(r, "page 1Dh says %u %s elements, READ ELEMENT STATUS returns %zu", want[i],
                    cf_type_name(types[i]), got);
    }
}

CF_CHECK(chk_1d_overlap)
{
    uint8_t b[255];
    struct t10_mode_eaa eaa;
    size_t len;
    if (!read_1d(r, false, true, 255, b, &eaa, &len, "MODE SENSE(6) 1Dh"))
        return;
    const struct t10_mode_eaa *e = &eaa;
    uint32_t first[4] = {e->mt_first, e->st_first, e->ie_first, e->dt_first};
    uint32_t cnt[4] = {e->mt_count, e->st_count, e->ie_count, e->dt_count};
    const char *nm[4] = {"MT", "ST", "IE", "DT"};
    /* EVIDENCE-OF: SMC-3 7.3.3 / 4.2: each element has one address; ranges of different
     * types do not overlap and fit in 16 bits. */
    for (int i = 0; i < 4; i++) {
        if (cnt[i] && first[i] + cnt[i] - 1 > 0xFFFF)
            cf_fail(r, "%s range %u+%u passes FFFFh", nm[i], first[i], cnt[i]);
        for (int k = i + 1; k < 4; k++)
            if (cnt[i] && cnt[k] && first[i] < first[k] + cnt[k] && first[k] < first[i] + cnt[i])
                cf_fail(r, "%s range %u..%u overlaps %s range %u..%u", nm[i], first[i],
                        first[i] + cnt[i] - 1, nm[k], first[k], first[k] + cnt[k] - 1);
    }
    if (e->mt_count == 0)
        cf_fail(r, "no medium transport element");
    if (e->st_count == 0)
        cf_note(r, "no storage element");
}

CF_CHECK(chk_1f)
{
    uint8_t b[255];
    struct cf_reply x;
    if (!cf_mode_sense(r, CH, false, true, 0x1F, b, 255, &x))
        return;
    /* EVIDENCE-OF: relied on by FreeBSD ch (chopen): page 1Fh must be readable (ES-2). */
    if (!cf_expect_good(r, &x, "MODE SENSE(6) 1Fh"))
        return;
    const uint8_t *pg;
    size_t pl;
    struct t10_mode_devcap d;
    if (t10_mode_find_page(b, x.xfer_len, false, 0x1F, 0, &pg, &pl) != T10_OK ||
        t10_mode_devcap_decode(pg, pl, &d) != T10_OK) {
        cf_fail(r, "page 1Fh missing or does not decode");
        return;
    }
    /* EVIDENCE-OF: SMC-3 7.3.4 Device Capabilities page: PAGE LENGTH 12h. */
    if (pg[1] != 0x12)
        cf_fail(r, "PAGE LENGTH %02Xh, expected 12h", pg[1]);
    if (!(d.stor & T10_CAP_ST) && r->have_eaa && r->eaa.st_count)
        cf_fail(r, "StorST is 0 although page 1Dh reports storage elements");
    if (r->have_eaa && r->eaa.st_count && !(d.move[1] & (T10_CAP_DT | T10_CAP_ST)))
        cf_note(r, "page 1Fh allows no move from storage");
    cf_note(r, "moves MT:%02Xh ST:%02Xh IE:%02Xh DT:%02Xh, exchanges %02Xh %02Xh %02Xh %02Xh",
            d.move[0], d.move[1], d.move[2], d.move[3], d.exchange[0], d.exchange[1],
            d.exchange[2], d.exchange[3]);
}

CF_CHECK(chk_1e)
{
    uint8_t b[255];
    struct cf_reply x;
    if (!cf_mode_sense(r, CH, false, true, 0x1E, b, 255, &x))
        return;
    if (cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00))) {
        cf_skip(r, "transport geometry page 1Eh not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "MODE SENSE(6) 1Eh"))
        return;
    const uint8_t *pg;
    size_t pl;
    struct t10_mode_geometry g;
    if (t10_mode_find_page(b, x.xfer_len, false, 0x1E, 0, &pg, &pl) != T10_OK ||
        t10_mode_geometry_decode(pg, pl, &g) != T10_OK) {
        cf_fail(r, "page 1Eh missing or does not decode");
        return;
    }
    /* EVIDENCE-OF: SMC-3 7.3.5: one 2-byte descriptor per medium transport element. */
    if (pg[1] % 2)
        cf_fail(r, "PAGE LENGTH %u is not a multiple of 2", pg[1]);
    if (r->have_eaa && g.n != r->eaa.mt_count)
        cf_fail(r, "%u transport descriptors, page 1Dh reports %u transports", g.n,
                r->eaa.mt_count);
}

CF_CHECK(chk_mode_all)
{
    uint8_t b[255];
    struct cf_reply x;
    if (!cf_mode_sense(r, CH, false, true, 0x3F, b, 255, &x) ||
        !cf_expect_good(r, &x, "MODE SENSE(6) all pages (3Fh)"))
        return;
    const uint8_t *pg;
    size_t pl;
    bool tr = false;
    struct t10_mode_hdr h = {0};
    /* EVIDENCE-OF: SPC-4 6.11: page code 3Fh returns all pages, each whole. */
    if (t10_mode_sense_walk(b, x.xfer_len, false, &h, NULL, NULL, NULL, &tr) != T10_OK)
        cf_fail(r, "all-pages data does not walk");
    if (!r->resid_untrusted && (size_t)h.data_len + 1 < x.xfer_len)
        cf_fail(r, "MODE DATA LENGTH %u but %zu bytes transferred", h.data_len, x.xfer_len);
    if (t10_mode_find_page(b, x.xfer_len, false, 0x1D, 0, &pg, &pl) != T10_OK)
        cf_fail(r, "page 1Dh not among all pages");
    if (r->have_devcap && t10_mode_find_page(b, x.xfer_len, false, 0x1F, 0, &pg, &pl) != T10_OK)
        cf_fail(r, "page 1Fh readable alone but not among all pages");
}

CF_CHECK(chk_mode_trunc)
{
    uint8_t full[255], b[4];
    struct cf_reply x, y;
    if (!cf_mode_sense(r, CH, false, true, 0x1D, full, 255, &x) ||
        !cf_expect_good(r, &x, "MODE SENSE(6) 1Dh"))
        return;
    if (!cf_mode_sense(r, CH, false, true, 0x1D, b, 4, &y) ||
        !cf_expect_good(r, &y, "MODE SENSE(6) 1Dh with ALLOCATION LENGTH 4"))
        return;
    /* EVIDENCE-OF: SPC-4 4.2.5.6 and 7.5.5: MODE DATA LENGTH gives the whole data, not the
     * truncated amount. */
    if (y.xfer_len != 4)
        cf_fail(r, "%zu bytes for ALLOCATION LENGTH 4", y.xfer_len);
    else {
        struct t10_mode_hdr ht = {0}, hf;
        t10_mode_hdr_decode(b, y.xfer_len, false, &ht);
        if (t10_mode_hdr_decode(full, x.xfer_len, false, &hf) == T10_OK && ht.data_len != hf.data_len)
            cf_fail(r, "MODE DATA LENGTH %u when truncated, %u in the full data", ht.data_len,
                    hf.data_len);
    }
}

/* ---- READ ELEMENT STATUS ---- */

struct res_scan {
    const struct conform_run *r;
    struct conform_run *rw;
    unsigned n, out_of_range;
    bool any_pvoltag, any_avoltag;
    unsigned short_desc;
    uint16_t min_addr;
};

static bool in_range(const struct t10_mode_eaa *e, uint8_t type, uint16_t a)
{
    switch (type) {
    case T10_ELEM_TRANSPORT: return a >= e->mt_first && a - e->mt_first < e->mt_count;
    case T10_ELEM_STORAGE: return a >= e->st_first && a - e->st_first < e->st_count;
    case T10_ELEM_IE: return a >= e->ie_first && a - e->ie_first < e->ie_count;
    case T10_ELEM_DT: return a >= e->dt_first && a - e->dt_first < e->dt_count;
    }
    return false;
}

CF_CHECK(chk_res_all)
{
    /* Not need_lib(): when discovery could not read the library, this check is where the
     * command that failed is shown, as a FAIL with its evidence, not a SKIP. */
    if (!r->have_eaa) {
        cf_fail(r, "element address assignment page 1Dh could not be read");
        return;
    }
    uint8_t *b = malloc(RES_BIG);
    struct conform_elem *e = calloc(CONFORM_MAX_ELEMS, sizeof *e);
    struct cf_reply x;
    if (!b || !e)
        goto out;
    if (!cf_res(r, 0, 0, 0xFFFF, false, false, false, b, RES_BIG, &x) ||
        !cf_expect_good(r, &x, "READ ELEMENT STATUS, all types"))
        goto out;
    size_t n = 0;
    bool tr = false;
    char why[128];
    if (!cf_parse_res(b, x.xfer_len, e, CONFORM_MAX_ELEMS, &n, &tr, why, sizeof why)) {
        cf_fail(r, "%s", why);
        goto out;
    }
    struct t10_elem_status_hdr h;
    t10_elem_status_hdr_decode(b, x.xfer_len, &h);
    /* EVIDENCE-OF: SMC-3 6.10.2: BYTE COUNT OF REPORT AVAILABLE counts the pages after the
     * 8-byte header; NUMBER OF ELEMENTS AVAILABLE the descriptors; FIRST ELEMENT ADDRESS
     * REPORTED the lowest address; every descriptor is of the page's element type. */
    if (tr)
        cf_fail(r, "data shorter than its byte counts with a large ALLOCATION LENGTH");
    if (!r->resid_untrusted && h.byte_count + 8 != x.xfer_len)
        cf_fail(r, "BYTE COUNT OF REPORT AVAILABLE %u, %zu bytes follow the header",
                h.byte_count, x.xfer_len - 8);
    if (h.n_elems != n)
        cf_fail(r, "NUMBER OF ELEMENTS AVAILABLE %u, %zu descriptors returned", h.n_elems, n);
    uint16_t lo = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        if (e[i].addr < lo)
            lo = e[i].addr;
        if (!in_range(&r->eaa, e[i].type, e[i].addr))
            cf_fail(r, "%s element %u lies outside its page-1Dh range", cf_type_name(e[i].type),
                    e[i].addr);
    }
    if (n && h.first_addr != lo)
        cf_fail(r, "FIRST ELEMENT ADDRESS REPORTED %u, lowest address returned %u", h.first_addr,
                lo);
out:
    free(b);
    free(e);
}

CF_CHECK(chk_res_types)
{
    if (!need_lib(r))
        return;
    for (uint8_t t = 1; t <= 4; t++) {
        size_t got;
        /* EVIDENCE-OF: SMC-3 6.10.1 ELEMENT TYPE CODE restricts the report to that type
         * (PBS reads each type separately). */
        count_type(r, t, &got);
    }
}

/* Reads RES for @type with @voltag/@dvcid; returns the page headers' flags. */
static bool res_pages(struct conform_run *r, uint8_t type, bool voltag, bool dvcid, uint8_t *b,
                      struct cf_reply *x, bool *pvol, bool *avol, uint16_t *desc_len)
{
    if (!cf_res(r, type, 0, 0xFFFF, voltag, dvcid, false, b, RES_BIG, x))
        return false;
    if (!cf_good(x))
        return false;
    *pvol = *avol = false;
    *desc_len = 0;
    size_t off = 8, len = x->xfer_len;
    while (off + 8 <= len) {
        struct t10_elem_page pg;
        t10_elem_page_decode(b + off, len - off, &pg);
        *pvol |= pg.pvoltag;
        *avol |= pg.avoltag;
        if (pg.type == type || type == 0)
            *desc_len = pg.desc_len;
        off += 8 + pg.desc_bytes;
    }
    return true;
}

CF_CHECK(chk_res_voltag)
{
    if (!need_lib(r))
        return;
    uint8_t *b = malloc(RES_BIG);
    if (!b)
        return;
    struct cf_reply x;
    bool pv, av;
    uint16_t dl;
    bool ok = res_pages(r, T10_ELEM_STORAGE, true, false, b, &x, &pv, &av, &dl);
    if (!ok && cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00))) {
        /* EVIDENCE-OF: SMC-3 6.10.1: a device without volume tags rejects VOLTAG=1 with
         * 24/00 so hosts fall back (Linux ch retries without) (ES-6). */
        cf_skip(r, "VolTag not supported (rejected with 24/00)");
    } else if (!ok) {
        cf_expect_good(r, &x, "READ ELEMENT STATUS with VolTag");
    } else {
        /* EVIDENCE-OF: SMC-3 6.10.3: VOLTAG=1 => PVOLTAG set and a 36-byte PRIMARY VOLUME
         * TAG in each descriptor; AVOLTAG only when alternate tags follow. */
        if (!pv)
            cf_fail(r, "VolTag requested but PVOLTAG is 0 in the storage page");
        else if (dl < T10_ELEM_DESC_FIXED_LEN + T10_VOLTAG_LEN)
            cf_fail(r, "ELEMENT DESCRIPTOR LENGTH %u cannot hold a 36-byte volume tag", dl);
        if (av && dl < T10_ELEM_DESC_FIXED_LEN + 2 * T10_VOLTAG_LEN)
            cf_fail(r, "AVOLTAG set without room for an alternate tag (length %u)", dl);
        struct conform_elem *e = calloc(CONFORM_MAX_ELEMS, sizeof *e);
        size_t n = 0;
        char why[128];
        bool tr;
        unsigned full = 0, labelled = 0;
        if (e && pv && cf_parse_res(b, x.xfer_len, e, CONFORM_MAX_ELEMS, &n, &tr, why, sizeof why))
            for (size_t i = 0; i < n; i++)
                if (e[i].full) {
                    full++;
                    labelled += e[i].voltag[0] != '\0';
                }
        if (full && !labelled)
            cf_fail(r, "%u full storage elements, none with a volume tag", full);
        else if (labelled < full)
            cf_note(r, "%u of %u full storage elements unlabelled", full - labelled, full);
        free(e);
    }
    free(b);
}

CF_CHECK(chk_res_novoltag)
{
    if (!need_lib(r))
        return;
    uint8_t *b = malloc(RES_BIG);
    if (!b)
        return;
    struct cf_reply x;
    bool pv, av;
    uint16_t dl;
    if (res_pages(r, 0, false, false, b, &x, &pv, &av, &dl)) {
        /* EVIDENCE-OF: SMC-3 6.10.1: VOLTAG=0 => no volume tag information. */
        if (pv || av)
            cf_fail(r, "VolTag=0 but a page has PVOLTAG/AVOLTAG set");
    } else {
        cf_expect_good(r, &x, "READ ELEMENT STATUS without VolTag");
    }
    free(b);
}

static void dvcid_check(struct conform_run *r, bool voltag)
{
    if (!need_lib(r))
        return;
    if (!r->eaa.dt_count) {
        cf_skip(r, "no data transfer element");
        return;
    }
    uint8_t *b = malloc(RES_BIG);
    struct conform_elem *e = calloc(CONFORM_MAX_ELEMS, sizeof *e);
    struct cf_reply x;
    if (!b || !e)
        goto out;
    if (!cf_res(r, T10_ELEM_DT, 0, 0xFFFF, voltag, true, false, b, RES_BIG, &x))
        goto out;
    if (cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00))) {
        cf_skip(r, "DVCID%s not supported (24/00)", voltag ? " with VolTag" : "");
        goto out;
    }
    if (!cf_expect_good(r, &x, "READ ELEMENT STATUS DT with DVCID"))
        goto out;
    size_t n = 0;
    bool tr;
    char why[128];
    if (!cf_parse_res(b, x.xfer_len, e, CONFORM_MAX_ELEMS, &n, &tr, why, sizeof why)) {
        cf_fail(r, "%s", why);
        goto out;
    }
    /* EVIDENCE-OF: SMC-3 6.10.3 DVCID=1: each data transfer descriptor carries the drive's
     * identification descriptor (ID-5: the serial of VPD 80h/83h, full length), what PBS and
     * Bareos map drives by. */
    for (size_t i = 0; i < n; i++) {
        if (!e[i].ident[0]) {
            cf_fail(r, "DT %u: no device identifier with DVCID=1", e[i].addr);
            continue;
        }
        bool matched = r->n_drives == 0;
        for (size_t k = 0; k < r->n_drives; k++)
            if (r->drives[k].id.serial[0] && strstr(e[i].ident, r->drives[k].id.serial))
                matched = true;
        if (!matched)
            cf_fail(r, "DT %u: identifier '%s' matches no drive's VPD 80h serial", e[i].addr,
                    e[i].ident);
        else
            cf_note(r, "DT %u: '%s'", e[i].addr, e[i].ident);
    }
    if (voltag) {
        bool pv, av;
        uint16_t dl;
        struct cf_reply y;
        if (res_pages(r, T10_ELEM_DT, true, true, b, &y, &pv, &av, &dl) && r->voltag_ok && !pv)
            cf_fail(r, "VolTag and DVCID together: PVOLTAG missing");
    }
out:
    free(b);
    free(e);
}

CF_CHECK(chk_res_dvcid) { dvcid_check(r, false); }
CF_CHECK(chk_res_dvcid_voltag) { dvcid_check(r, true); }

CF_CHECK(chk_res_trunc)
{
    if (!need_lib(r))
        return;
    uint8_t *full = malloc(RES_BIG);
    uint8_t b[64];
    struct cf_reply x, y;
    if (!full)
        return;
    if (cf_res(r, 0, 0, 0xFFFF, false, false, false, full, RES_BIG, &x) &&
        cf_expect_good(r, &x, "READ ELEMENT STATUS, all") &&
        cf_res(r, 0, 0, 0xFFFF, false, false, false, b, 30, &y) &&
        cf_expect_good(r, &y, "READ ELEMENT STATUS, ALLOCATION LENGTH 30")) {
        /* EVIDENCE-OF: SMC-3 6.10.2: "The BYTE COUNT OF REPORT AVAILABLE field ... shall not
         * be adjusted to match the value of the ALLOCATION LENGTH"; data is cut, not
         * refused (ES-5). */
        if (y.xfer_len != (x.xfer_len < 30 ? x.xfer_len : 30))
            cf_fail(r, "%zu bytes transferred for ALLOCATION LENGTH 30", y.xfer_len);
        struct t10_elem_status_hdr ht, hf;
        struct t10_elem_page pt, pf;
        if (t10_elem_status_hdr_decode(b, y.xfer_len, &ht) == T10_OK &&
            t10_elem_status_hdr_decode(full, x.xfer_len, &hf) == T10_OK &&
            ht.byte_count != hf.byte_count)
            cf_fail(r, "BYTE COUNT OF REPORT AVAILABLE %u when truncated, %u in full",
                    ht.byte_count, hf.byte_count);
        if (y.xfer_len >= 16 && x.xfer_len >= 16 &&
            t10_elem_page_decode(b + 8, y.xfer_len - 8, &pt) == T10_OK &&
            t10_elem_page_decode(full + 8, x.xfer_len - 8, &pf) == T10_OK &&
            pt.desc_bytes != pf.desc_bytes)
            cf_fail(r, "page BYTE COUNT OF DESCRIPTOR DATA AVAILABLE %u when truncated, %u in "
                       "full", pt.desc_bytes, pf.desc_bytes);
    }
    free(full);
}

CF_CHECK(chk_res_hdr_only)
{
    if (!need_lib(r))
        return;
    uint8_t *full = malloc(RES_BIG);
    uint8_t b[8];
    struct cf_reply x, y;
    if (!full)
        return;
    if (cf_res(r, 0, 0, 0xFFFF, false, false, false, full, RES_BIG, &x) &&
        cf_expect_good(r, &x, "READ ELEMENT STATUS, all") &&
        cf_res(r, 0, 0, 0xFFFF, false, false, false, b, 8, &y) &&
        cf_expect_good(r, &y, "READ ELEMENT STATUS, ALLOCATION LENGTH 8")) {
        /* EVIDENCE-OF: SMC-3 6.10.2: hosts size their buffer from an 8-byte first read
         * (the header's byte count is for the full report). */
        if (y.xfer_len != 8)
            cf_fail(r, "%zu bytes for ALLOCATION LENGTH 8", y.xfer_len);
        else if (memcmp(b, full, 8) != 0) {
            struct t10_elem_status_hdr ht = {0}, hf = {0};
            t10_elem_status_hdr_decode(b, 8, &ht);
            t10_elem_status_hdr_decode(full, x.xfer_len, &hf);
            cf_fail(r, "header differs from the untruncated one (byte count %u vs %u, %u vs %u "
                       "elements)", ht.byte_count, hf.byte_count, ht.n_elems, hf.n_elems);
        }
    }
    free(full);
}

CF_CHECK(chk_res_single)
{
    if (!need_lib(r))
        return;
    uint16_t addrs[CF_MAX_DRIVES + 2];
    uint8_t types[CF_MAX_DRIVES + 2];
    size_t n = 0;
    for (uint16_t i = 0; i < r->eaa.dt_count && n < CF_MAX_DRIVES; i++) {
        types[n] = T10_ELEM_DT;
        addrs[n++] = (uint16_t)(r->eaa.dt_first + i);
    }
    if (r->eaa.st_count) {
        types[n] = T10_ELEM_STORAGE;
        addrs[n++] = (uint16_t)(r->eaa.st_first + r->eaa.st_count - 1);
    }
    if (r->eaa.ie_count) {
        types[n] = T10_ELEM_IE;
        addrs[n++] = r->eaa.ie_first;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t b[256];
        struct cf_reply x;
        /* As Linux ch does for each drive: the element's type, one element, VolTag, 256
         * bytes. */
        if (!cf_res(r, types[i], addrs[i], 1, r->voltag_ok, false, false, b, 256, &x) ||
            !cf_expect_good(r, &x, "READ ELEMENT STATUS of one element"))
            continue;
        struct conform_elem e[4];
        size_t ne = 0;
        bool tr;
        char why[128];
        /* EVIDENCE-OF: relied on by Linux ch (ch_read_element_status): the element
         * returned first is the one requested (ES-4). */
        if (!cf_parse_res(b, x.xfer_len, e, 4, &ne, &tr, why, sizeof why) || ne == 0)
            cf_fail(r, "element %u: no descriptor returned", addrs[i]);
        else if (e[0].addr != addrs[i])
            cf_fail(r, "element %u requested, %u returned first", addrs[i], e[0].addr);
        else if (ne > 1)
            cf_fail(r, "element %u: NUMBER OF ELEMENTS 1 but %zu descriptors", addrs[i], ne);
    }
}

CF_CHECK(chk_res_start)
{
    if (!need_lib(r))
        return;
    if (r->eaa.st_count < 2) {
        cf_skip(r, "fewer than 2 storage elements");
        return;
    }
    uint16_t start = (uint16_t)(r->eaa.st_first + r->eaa.st_count / 2);
    uint8_t *b = malloc(RES_BIG);
    struct conform_elem *e = calloc(CONFORM_MAX_ELEMS, sizeof *e);
    struct cf_reply x;
    if (b && e && cf_res(r, T10_ELEM_STORAGE, start, 0xFFFF, false, false, false, b, RES_BIG, &x) &&
        cf_expect_good(r, &x, "READ ELEMENT STATUS from the middle of the storage range")) {
        size_t n = 0;
        bool tr;
        char why[128];
        /* EVIDENCE-OF: SMC-3 6.10.1: report starts at the first element of the type with
         * an address >= STARTING ELEMENT ADDRESS: paging by start address (ES-5). */
        if (!cf_parse_res(b, x.xfer_len, e, CONFORM_MAX_ELEMS, &n, &tr, why, sizeof why))
            cf_fail(r, "%s", why);
        else if (n == 0 || e[0].addr != start)
            cf_fail(r, "start %u: first descriptor is %u", start, n ? e[0].addr : 0);
        else if (n != (size_t)(r->eaa.st_first + r->eaa.st_count - start))
            cf_fail(r, "start %u: %zu descriptors, %u storage elements remain", start, n,
                    r->eaa.st_first + r->eaa.st_count - start);
    }
    free(b);
    free(e);
}

CF_CHECK(chk_res_count)
{
    if (!need_lib(r))
        return;
    if (r->eaa.st_count < 3) {
        cf_skip(r, "fewer than 3 storage elements");
        return;
    }
    uint8_t b[4096];
    struct cf_reply x;
    if (cf_res(r, T10_ELEM_STORAGE, r->eaa.st_first, 2, false, false, false, b, sizeof b, &x) &&
        cf_expect_good(r, &x, "READ ELEMENT STATUS of 2 elements")) {
        struct conform_elem e[8];
        size_t n = 0;
        bool tr;
        char why[128];
        /* EVIDENCE-OF: SMC-3 6.10.1 NUMBER OF ELEMENTS is the maximum reported. */
        if (!cf_parse_res(b, x.xfer_len, e, 8, &n, &tr, why, sizeof why))
            cf_fail(r, "%s", why);
        else if (n != 2)
            cf_fail(r, "NUMBER OF ELEMENTS 2, %zu descriptors returned", n);
    }
}

CF_CHECK(chk_res_curdata)
{
    if (!need_lib(r))
        return;
    uint8_t *a = malloc(RES_BIG), *b = malloc(RES_BIG);
    struct cf_reply x, y;
    if (!a || !b)
        goto out;
    if (!cf_res(r, 0, 0, 0xFFFF, r->voltag_ok, false, true, b, RES_BIG, &y))
        goto out;
    if (cf_sense_is(&y, 0x05, T10_ASC(0x24, 0x00))) {
        cf_skip(r, "CURDATA not supported (24/00)");
        goto out;
    }
    if (!cf_expect_good(r, &y, "READ ELEMENT STATUS with CURDATA=1") ||
        !cf_res(r, 0, 0, 0xFFFF, r->voltag_ok, false, false, a, RES_BIG, &x) ||
        !cf_expect_good(r, &x, "READ ELEMENT STATUS with CURDATA=0"))
        goto out;
    /* EVIDENCE-OF: SMC-3 6.10.1 CURDATA=1: report current data without motion; with no
     * change in between, the same report (ES-8; FreeBSD ch sets it). */
    if (x.xfer_len != y.xfer_len || memcmp(a, b, x.xfer_len) != 0)
        cf_fail(r, "CURDATA=1 report differs from CURDATA=0 (%zu vs %zu bytes)", y.xfer_len,
                x.xfer_len);
out:
    free(a);
    free(b);
}

CF_CHECK(chk_res_flags)
{
    if (!need_lib(r))
        return;
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    for (size_t i = 0; i < n; i++) {
        const struct conform_elem *x = &e[i];
        /* EVIDENCE-OF: SMC-3 6.10.3 Table 23: IMPEXP, INENAB and EXENAB are defined only
         * for import/export elements; a cleaning cartridge reports MEDIUM TYPE 2 when the
         * type is reported at all (PBS and Bareos skip cleaners by it; ES-7). */
        if (x->type != T10_ELEM_IE && (x->impexp || x->inenab || x->exenab))
            cf_fail(r, "%s %u has IMPEXP/INENAB/EXENAB set", cf_type_name(x->type), x->addr);
        if (x->full && strncmp(x->voltag, "CLN", 3) == 0 && x->medium != 0 && x->medium != 2)
            cf_fail(r, "%u holds cleaner %s but MEDIUM TYPE is %u", x->addr, x->voltag,
                    x->medium);
        if (!x->full && x->voltag[0])
            cf_fail(r, "empty element %u reports volume tag '%s'", x->addr, x->voltag);
        if (x->type == T10_ELEM_STORAGE && !x->access && !x->except)
            cf_note(r, "storage element %u not accessible", x->addr);
    }
    free(e);
}

CF_CHECK(chk_res_badtype)
{
    uint8_t b[64];
    uint8_t cdb[12] = {0xB8, 0x07, 0, 0, 0, 1, 0, 0, 0, 64, 0, 0}; /* type 7 */
    struct cf_reply x;
    if (!cf_exec(r, CH, cdb, 12, XPORT_DIR_IN, b, sizeof b, 0, &x))
        return;
    /* EVIDENCE-OF: SMC-3 6.10.1 Table 17: element type codes 5h-Fh are reserved; a
     * reserved code value is reported as an error (SPC-4 4.4.3), 24/00 at byte 1. */
    char t[256];
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
        cf_fail(r, "ELEMENT TYPE CODE 7: expected 24/00, got %s", cf_reply_text(&x, t, sizeof t));
    else if (x.sense.sks == T10_SKS_FIELD && x.sense.field.byte != 1)
        cf_fail(r, "field pointer names byte %u, ELEMENT TYPE CODE is byte 1",
                x.sense.field.byte);
}

CF_CHECK(chk_res_timing)
{
    if (!need_lib(r))
        return;
    uint8_t *b = malloc(RES_BIG);
    struct cf_reply x;
    if (!b)
        return;
    double t0 = cf_now_ms();
    if (cf_res(r, 0, 0, 0xFFFF, r->voltag_ok, false, false, b, RES_BIG, &x) &&
        cf_expect_good(r, &x, "full inventory"))
        cf_timing(r, "inventory", cf_now_ms() - t0, "READ ELEMENT STATUS, all (%zu bytes)",
                  x.xfer_len);
    free(b);
}

CF_CHECK(chk_ies)
{
    if (!need_lib(r))
        return;
    uint8_t cdb[6] = {0x07, 0, 0, 0, 0, 0};
    struct cf_reply x;
    double t0 = cf_now_ms();
    if (!cf_exec(r, CH, cdb, 6, XPORT_DIR_NONE, NULL, 0, 3600000, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "INITIALIZE ELEMENT STATUS not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "INITIALIZE ELEMENT STATUS"))
        return;
    cf_timing(r, "init", cf_now_ms() - t0, "INITIALIZE ELEMENT STATUS");
    /* EVIDENCE-OF: SMC-3 6.2: the inventory is re-read, not changed: the report after it
     * equals the one before (nothing moved). */
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    for (size_t i = 0; i < n && i < r->n_inv0; i++)
        if (e[i].full != r->inv0[i].full || strcmp(e[i].voltag, r->inv0[i].voltag) != 0) {
            cf_fail(r, "element %u changed after INITIALIZE ELEMENT STATUS", e[i].addr);
            break;
        }
    free(e);
}

CF_CHECK(chk_ies_range)
{
    if (!need_lib(r))
        return;
    if (!r->eaa.st_count) {
        cf_skip(r, "no storage element");
        return;
    }
    uint8_t cdb[10] = {0x37, 0x01};
    t10_put_be16(cdb + 2, r->eaa.st_first);
    t10_put_be16(cdb + 6, r->eaa.st_count < 2 ? 1 : 2);
    struct cf_reply x;
    double t0 = cf_now_ms();
    if (!cf_exec(r, CH, cdb, 10, XPORT_DIR_NONE, NULL, 0, 3600000, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "INITIALIZE ELEMENT STATUS WITH RANGE (37h) not supported");
        return;
    }
    /* EVIDENCE-OF: SMC-3 6.3: RANGE=1 scans NUMBER OF ELEMENTS from STARTING ELEMENT
     * ADDRESS (mhVTL had it at vendor E7h only). */
    if (cf_expect_good(r, &x, "INITIALIZE ELEMENT STATUS WITH RANGE"))
        cf_timing(r, "init", cf_now_ms() - t0, "INITIALIZE ELEMENT STATUS WITH RANGE (2)");
}

CF_CHECK(chk_ies_vendor)
{
    if (!need_lib(r))
        return;
    if (!r->eaa.st_count) {
        cf_skip(r, "no storage element");
        return;
    }
    uint8_t cdb[10] = {0xE7, 0x01};
    t10_put_be16(cdb + 2, r->eaa.st_first);
    t10_put_be16(cdb + 6, 1);
    struct cf_reply x;
    double t0 = cf_now_ms();
    if (!cf_exec(r, CH, cdb, 10, XPORT_DIR_NONE, NULL, 0, 3600000, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "vendor INITIALIZE ELEMENT STATUS WITH RANGE (E7h) not offered");
        return;
    }
    /* EVIDENCE-OF: relied on by IBM/Quantum host software: E7h with the layout of 37h
     * (SMC-3 6.3); a library offering it must complete it like 37h. */
    if (cf_expect_good(r, &x, "INITIALIZE ELEMENT STATUS WITH RANGE (E7h)"))
        cf_timing(r, "init", cf_now_ms() - t0, "INITIALIZE ELEMENT STATUS WITH RANGE E7h (1)");
}

/* ---- motion ---- */

/* After a GOOD move of @tag from @src to @dst, the inventory must agree. */
static void verify_moved(struct conform_run *r, uint16_t src, uint16_t dst, const char *tag)
{
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    const struct conform_elem *s = elem_at(e, n, src), *d = elem_at(e, n, dst);
    /* EVIDENCE-OF: SMC-3 6.9: after MOVE MEDIUM the medium is in the destination and the
     * source is empty (MV-1: verified with READ ELEMENT STATUS). */
    if (!d || !d->full)
        cf_fail(r, "after moving %u->%u the destination is not full", src, dst);
    else if (r->voltag_ok && tag[0] && strcmp(d->voltag, tag) != 0)
        cf_fail(r, "after moving '%s' %u->%u the destination holds '%s'", tag, src, dst,
                d->voltag);
    if (!s || s->full)
        cf_fail(r, "after moving %u->%u the source is still full", src, dst);
    free(e);
}

/* MV-4: after a MOVE into a drive, the drive reports NOT READY 04/01 and/or UNIT ATTENTION
 * 28/00 and then becomes ready; never an error. Real LTO loads take up to 2-3 minutes
 * (first-load calibration longer), hence the 10-minute bound. */
static void wait_drive_ready(struct conform_run *r, uint16_t dt)
{
    struct conform_drive *dr = cf_drive_for(r, dt);
    if (!dr)
        return;
    char what[48];
    snprintf(what, sizeof what, "load to ready, drive %u", dt);
    cf_wait_ready(r, dr->dev, "drive", 600000, "load", what);
}

static void mv_pair(struct conform_run *r, uint8_t from, uint8_t to)
{
    if (!need_lib(r))
        return;
    if (!r->have_devcap) {
        cf_skip(r, "page 1Fh not readable: allowed moves unknown");
        return;
    }
    if (!move_allowed(r, from, to)) {
        cf_skip(r, "page 1Fh does not allow %s->%s moves", cf_type_name(from), cf_type_name(to));
        return;
    }
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    struct cf_reply x;
    /* A cartridge at an element of type @from: taken from storage if needed. */
    const struct conform_elem *src = pick(r, e, n, from, true, -1, -1);
    uint16_t src_addr;
    char tag[33] = "";
    if (src) {
        src_addr = src->addr;
        snprintf(tag, sizeof tag, "%s", src->voltag);
    } else {
        const struct conform_elem *st = pick(r, e, n, T10_ELEM_STORAGE, true, -1, -1);
        const struct conform_elem *slot = pick(r, e, n, from, false, -1, -1);
        if (!st || !slot || !move_allowed(r, T10_ELEM_STORAGE, from)) {
            cf_skip(r, "no cartridge can be placed in a %s element first", cf_type_name(from));
            free(e);
            return;
        }
        snprintf(tag, sizeof tag, "%s", st->voltag);
        if (!cf_move(r, cf_mt(r), st->addr, slot->addr, false, &x) ||
            !cf_expect_good(r, &x, "setup move into the source element")) {
            free(e);
            return;
        }
        src_addr = slot->addr;
        if (from == T10_ELEM_DT)
            wait_drive_ready(r, src_addr);
        free(e);
        if (!(e = inventory(r, &n)))
            return;
    }
    const struct conform_elem *dst = pick(r, e, n, to, false, src_addr, -1);
    if (!dst) {
        cf_skip(r, "no empty %s element", cf_type_name(to));
        free(e);
        return;
    }
    uint16_t dst_addr = dst->addr;
    free(e);
    if (from == T10_ELEM_DT)
        cf_unload(r, src_addr);
    if (!cf_move(r, cf_mt(r), src_addr, dst_addr, false, &x))
        return;
    char what[64];
    snprintf(what, sizeof what, "MOVE MEDIUM %s %u -> %s %u", cf_type_name(from), src_addr,
             cf_type_name(to), dst_addr);
    if (!cf_expect_good(r, &x, what))
        return;
    verify_moved(r, src_addr, dst_addr, tag);
    if (to == T10_ELEM_DT)
        wait_drive_ready(r, dst_addr);
}

CF_CHECK(chk_mv_st_st) { mv_pair(r, T10_ELEM_STORAGE, T10_ELEM_STORAGE); }
CF_CHECK(chk_mv_st_ie) { mv_pair(r, T10_ELEM_STORAGE, T10_ELEM_IE); }
CF_CHECK(chk_mv_st_dt) { mv_pair(r, T10_ELEM_STORAGE, T10_ELEM_DT); }
CF_CHECK(chk_mv_ie_st) { mv_pair(r, T10_ELEM_IE, T10_ELEM_STORAGE); }
CF_CHECK(chk_mv_ie_ie) { mv_pair(r, T10_ELEM_IE, T10_ELEM_IE); }
CF_CHECK(chk_mv_ie_dt) { mv_pair(r, T10_ELEM_IE, T10_ELEM_DT); }
CF_CHECK(chk_mv_dt_st) { mv_pair(r, T10_ELEM_DT, T10_ELEM_STORAGE); }
CF_CHECK(chk_mv_dt_ie) { mv_pair(r, T10_ELEM_DT, T10_ELEM_IE); }
CF_CHECK(chk_mv_dt_dt) { mv_pair(r, T10_ELEM_DT, T10_ELEM_DT); }

CF_CHECK(chk_mv_disallowed)
{
    if (!need_lib(r))
        return;
    if (!r->have_devcap) {
        cf_skip(r, "page 1Fh not readable");
        return;
    }
    unsigned tried = 0;
    for (uint8_t from = T10_ELEM_STORAGE; from <= T10_ELEM_DT; from++)
        for (uint8_t to = T10_ELEM_STORAGE; to <= T10_ELEM_DT; to++) {
            if (move_allowed(r, from, to))
                continue;
            size_t n;
            struct conform_elem *e = inventory(r, &n);
            if (!e)
                return;
            const struct conform_elem *s = pick(r, e, n, from, true, -1, -1);
            const struct conform_elem *d = pick(r, e, n, to, false, -1, -1);
            if (s && d) {
                struct cf_reply x;
                uint16_t sa = s->addr, da = d->addr;
                tried++;
                if (cf_move(r, cf_mt(r), sa, da, false, &x)) {
                    /* EVIDENCE-OF: SMC-3 7.3.4: a move page 1Fh does not allow is
                     * rejected (ILLEGAL REQUEST) and nothing moves (ES-2). */
                    char t[256];
                    if (!cf_sense_is(&x, 0x05, 0xFFFF))
                        cf_fail(r, "%s->%s, not allowed by 1Fh: %s", cf_type_name(from),
                                cf_type_name(to), cf_reply_text(&x, t, sizeof t));
                }
            }
            free(e);
        }
    if (!tried)
        cf_skip(r, "page 1Fh allows every move the library can set up");
}

/* A full storage element and another one, full or empty. */
static bool two_slots(struct conform_run *r, bool second_full, uint16_t *a, uint16_t *b)
{
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return false;
    const struct conform_elem *x = pick(r, e, n, T10_ELEM_STORAGE, true, -1, -1);
    const struct conform_elem *y =
        x ? pick(r, e, n, T10_ELEM_STORAGE, second_full, x->addr, -1) : NULL;
    bool ok = x && y;
    if (ok) {
        *a = x->addr;
        *b = y->addr;
    } else {
        cf_skip(r, "needs a full storage element and another %s one", second_full ? "full" : "empty");
    }
    free(e);
    return ok;
}

static void expect_move_error(struct conform_run *r, uint16_t mt, uint16_t s, uint16_t d,
                              uint16_t asc, const char *what)
{
    struct cf_reply x;
    if (!cf_move(r, mt, s, d, false, &x))
        return;
    char t[256];
    if (!cf_sense_is(&x, 0x05, asc))
        cf_fail(r, "%s (%u->%u via %u): expected ILLEGAL REQUEST %02X/%02X, got %s", what, s, d,
                mt, T10_ASC_OF(asc), T10_ASCQ_OF(asc), cf_reply_text(&x, t, sizeof t));
}

CF_CHECK(chk_mv_empty_src)
{
    if (!need_lib(r))
        return;
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    const struct conform_elem *a = pick(r, e, n, T10_ELEM_STORAGE, false, -1, -1);
    const struct conform_elem *b = a ? pick(r, e, n, T10_ELEM_STORAGE, false, a->addr, -1) : NULL;
    if (!a || !b) {
        cf_skip(r, "needs two empty storage elements");
    } else {
        /* EVIDENCE-OF: SMC-3 6.9 / SPC-4 Annex: MEDIUM SOURCE ELEMENT EMPTY 3B/0E; Linux
         * ch maps it to EBADE. */
        expect_move_error(r, cf_mt(r), a->addr, b->addr, T10_ASC(0x3B, 0x0E),
                          "move from an empty element");
    }
    free(e);
}

CF_CHECK(chk_mv_full_dst)
{
    uint16_t a, b;
    if (!need_lib(r) || !two_slots(r, true, &a, &b))
        return;
    /* EVIDENCE-OF: SMC-3 6.9: MEDIUM DESTINATION ELEMENT FULL 3B/0D (Linux ch: EXFULL). */
    expect_move_error(r, cf_mt(r), a, b, T10_ASC(0x3B, 0x0D), "move to a full element");
}

/* An address outside every page-1Dh range. */
static uint16_t bad_addr(const struct conform_run *r)
{
    for (uint32_t a = 0xFFF0; a > 0; a -= 0x101) {
        bool used = false;
        for (uint8_t t = 1; t <= 4; t++)
            used |= in_range(&r->eaa, t, (uint16_t)a);
        if (!used)
            return (uint16_t)a;
    }
    return 0xFFFF;
}

CF_CHECK(chk_mv_bad_src)
{
    uint16_t a, b;
    if (!need_lib(r) || !two_slots(r, false, &a, &b))
        return;
    /* EVIDENCE-OF: SMC-3 6.9: an unassigned element address is ILLEGAL REQUEST, INVALID
     * ELEMENT ADDRESS 21/01 (Linux ch: EBADSLT). */
    expect_move_error(r, cf_mt(r), bad_addr(r), b, T10_ASC(0x21, 0x01), "move from a bad address");
}

CF_CHECK(chk_mv_bad_dst)
{
    uint16_t a, b;
    if (!need_lib(r) || !two_slots(r, false, &a, &b))
        return;
    expect_move_error(r, cf_mt(r), a, bad_addr(r), T10_ASC(0x21, 0x01), "move to a bad address");
}

CF_CHECK(chk_mv_bad_mt)
{
    uint16_t a, b;
    if (!need_lib(r) || !two_slots(r, false, &a, &b))
        return;
    /* EVIDENCE-OF: SMC-3 6.9: TRANSPORT ELEMENT ADDRESS naming an element that is not a
     * medium transport is 21/01. A storage address is used. */
    expect_move_error(r, a, a, b, T10_ASC(0x21, 0x01), "move through a non-transport address");
}

CF_CHECK(chk_mv_mt0)
{
    uint16_t a, b;
    if (!need_lib(r) || !two_slots(r, false, &a, &b))
        return;
    if (r->eaa.mt_first == 0)
        cf_note(r, "the first transport is at address 0 itself");
    struct cf_reply x;
    /* EVIDENCE-OF: SMC-3 6.9: TRANSPORT ELEMENT ADDRESS 0 means the default transport
     * (MV-7). */
    if (cf_move(r, 0, a, b, false, &x) && cf_expect_good(r, &x, "MOVE MEDIUM via transport 0"))
        verify_moved(r, a, b, "");
}

CF_CHECK(chk_mv_invert)
{
    uint16_t a, b;
    if (!need_lib(r))
        return;
    if (!r->have_geom) {
        cf_skip(r, "page 1Eh not available: rotation capability unknown");
        return;
    }
    if (r->geom.n && r->geom.t[0].rotate) {
        cf_skip(r, "the transport can rotate media (1Eh ROTATE=1)");
        return;
    }
    if (!two_slots(r, false, &a, &b))
        return;
    struct cf_reply x;
    /* EVIDENCE-OF: SMC-3 6.9: INVERT=1 for a transport that cannot rotate (1Eh ROTATE=0)
     * is an ILLEGAL REQUEST; nothing moves (MV-7). */
    if (cf_move(r, cf_mt(r), a, b, true, &x) && !cf_sense_is(&x, 0x05, 0xFFFF)) {
        char t[256];
        cf_fail(r, "INVERT=1 with ROTATE=0: %s", cf_reply_text(&x, t, sizeof t));
    }
}

CF_CHECK(chk_mv_prevented)
{
    if (!need_lib(r))
        return;
    if (!r->n_drives) {
        cf_skip(r, "no drive LUN: PREVENT cannot be set on a drive");
        return;
    }
    if (!move_allowed(r, T10_ELEM_STORAGE, T10_ELEM_DT)) {
        cf_skip(r, "page 1Fh does not allow ST->DT");
        return;
    }
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    const struct conform_elem *st = pick(r, e, n, T10_ELEM_STORAGE, true, -1, -1);
    struct conform_drive *dr = NULL;
    for (size_t i = 0; i < r->n_drives && !dr; i++) {
        const struct conform_elem *d = elem_at(e, n, r->drives[i].elem_addr);
        if (d && !d->full)
            dr = &r->drives[i];
    }
    if (!st || !dr) {
        cf_skip(r, "needs a data cartridge and an empty mapped drive");
        free(e);
        return;
    }
    uint16_t slot = st->addr, dt = dr->elem_addr;
    free(e);
    struct cf_reply x;
    if (!cf_move(r, cf_mt(r), slot, dt, false, &x) || !cf_expect_good(r, &x, "load the drive"))
        return;
    wait_drive_ready(r, dt);
    struct t10_cdb c = {.kind = T10_CDB_PREVENT_ALLOW};
    c.u.prevent_allow.prevent = 1;
    struct cf_reply m;
    if (cf_cmd(r, dr->dev, "drive", &c, XPORT_DIR_NONE, NULL, 0, &x) &&
        cf_expect_good(r, &x, "PREVENT MEDIUM REMOVAL on the drive") &&
        cf_move(r, cf_mt(r), dt, slot, false, &m)) {
        /* EVIDENCE-OF: SMC-3 6.9: moving from a drive whose removal is prevented fails with
         * MEDIUM REMOVAL PREVENTED 53/02 (MV-2; Bareos #1866). */
        char t[256];
        if (!cf_sense_is(&m, 0x05, T10_ASC(0x53, 0x02)) &&
            !cf_sense_is(&m, 0x02, T10_ASC(0x53, 0x02)))
            cf_fail(r, "move from a prevented drive: expected 53/02, got %s",
                    cf_reply_text(&m, t, sizeof t));
    }
    c.u.prevent_allow.prevent = 0;
    cf_cmd(r, dr->dev, "drive", &c, XPORT_DIR_NONE, NULL, 0, &x);
}

CF_CHECK(chk_mv_no_unload)
{
    if (!need_lib(r))
        return;
    if (!move_allowed(r, T10_ELEM_STORAGE, T10_ELEM_DT) || !move_allowed(r, T10_ELEM_DT, T10_ELEM_STORAGE)) {
        cf_skip(r, "page 1Fh does not allow ST<->DT moves");
        return;
    }
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    const struct conform_elem *st = pick(r, e, n, T10_ELEM_STORAGE, true, -1, -1);
    const struct conform_elem *dt = pick(r, e, n, T10_ELEM_DT, false, -1, -1);
    if (!st || !dt) {
        cf_skip(r, "needs a data cartridge and an empty drive");
        free(e);
        return;
    }
    uint16_t slot = st->addr, drive = dt->addr;
    free(e);
    struct cf_reply x;
    if (!cf_move(r, cf_mt(r), slot, drive, false, &x) || !cf_expect_good(r, &x, "load the drive"))
        return;
    wait_drive_ready(r, drive);
    /* MV-3: straight from the threaded drive, without a host UNLOAD. Both outcomes are
     * allowed (SMC-3 leaves it to the library; Bacula's mtx-changer has an "offline" option
     * for libraries that need the UNLOAD): the library unloads itself (GOOD), or it refuses
     * cleanly with an ILLEGAL REQUEST / NOT READY sense and nothing moves. What hosts cannot
     * cope with is a hardware error, a hang or a half-done move. */
    struct cf_reply m;
    if (!cf_move(r, cf_mt(r), drive, slot, false, &m))
        return;
    char t[256];
    if (cf_good(&m)) {
        cf_note(r, "the library unloads a threaded drive itself (no host UNLOAD needed)");
        verify_moved(r, drive, slot, "");
    } else if (cf_sense_is(&m, 0x05, 0xFFFF) || cf_sense_is(&m, 0x02, 0xFFFF)) {
        cf_note(r, "host UNLOAD required before moving out of a drive: %s",
                cf_reply_text(&m, t, sizeof t));
        size_t n2;
        struct conform_elem *e2 = inventory(r, &n2);
        const struct conform_elem *d2 = e2 ? elem_at(e2, n2, drive) : NULL;
        if (e2 && (!d2 || !d2->full))
            cf_fail(r, "the move was refused but the drive element is no longer full");
        free(e2);
    } else {
        cf_fail(r, "move from a threaded drive without UNLOAD: %s", cf_reply_text(&m, t, sizeof t));
    }
}

CF_CHECK(chk_mv_svalid)
{
    uint16_t a, b;
    if (!need_lib(r) || !two_slots(r, false, &a, &b))
        return;
    struct cf_reply x;
    if (!cf_move(r, cf_mt(r), a, b, false, &x) || !cf_expect_good(r, &x, "MOVE MEDIUM ST->ST"))
        return;
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    const struct conform_elem *d = elem_at(e, n, b);
    /* EVIDENCE-OF: SMC-3 6.10.3: SVALID=1 and SOURCE STORAGE ELEMENT ADDRESS = where the
     * medium came from; hosts return cartridges by it (ES-7). */
    if (!d || !d->src_valid)
        cf_fail(r, "after %u->%u the destination has SVALID=0", a, b);
    else if (d->src_addr != a)
        cf_fail(r, "after %u->%u SOURCE STORAGE ELEMENT ADDRESS is %u", a, b, d->src_addr);
    free(e);
}

static bool exchange_offered(struct conform_run *r)
{
    bool any = false;
    for (int i = 0; i < 4; i++)
        any |= r->have_devcap && r->devcap.exchange[i] != 0;
    if (!any) {
        cf_skip(r, "EXCHANGE MEDIUM not advertised in page 1Fh");
        return false;
    }
    return true;
}

CF_CHECK(chk_xchg)
{
    if (!need_lib(r) || !exchange_offered(r))
        return;
    if (!(r->devcap.exchange[1] & T10_CAP_ST)) {
        cf_skip(r, "page 1Fh does not allow ST<->ST exchanges");
        return;
    }
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    const struct conform_elem *a = pick(r, e, n, T10_ELEM_STORAGE, true, -1, -1);
    const struct conform_elem *b = a ? pick(r, e, n, T10_ELEM_STORAGE, true, a->addr, -1) : NULL;
    if (!a || !b) {
        cf_skip(r, "needs two full storage elements");
        free(e);
        return;
    }
    uint16_t aa = a->addr, ba = b->addr;
    char ta[33], tb[33];
    snprintf(ta, sizeof ta, "%s", a->voltag);
    snprintf(tb, sizeof tb, "%s", b->voltag);
    free(e);
    struct cf_reply x;
    if (!cf_exchange(r, aa, ba, aa, &x) || !cf_expect_good(r, &x, "EXCHANGE MEDIUM (swap)"))
        return;
    if (!(e = inventory(r, &n)))
        return;
    const struct conform_elem *na = elem_at(e, n, aa), *nb = elem_at(e, n, ba);
    /* EVIDENCE-OF: SMC-3 6.5: source -> first destination, first destination -> second
     * destination; with second destination = source the two swap. */
    if (r->voltag_ok && (!na || !nb || strcmp(na->voltag, tb) || strcmp(nb->voltag, ta)))
        cf_fail(r, "after exchanging %u<->%u: %u holds '%s', %u holds '%s'", aa, ba, aa,
                na ? na->voltag : "?", ba, nb ? nb->voltag : "?");
    free(e);
}

CF_CHECK(chk_xchg_bad)
{
    if (!need_lib(r) || !exchange_offered(r))
        return;
    uint16_t a, b;
    if (!two_slots(r, true, &a, &b))
        return;
    struct cf_reply x;
    if (cf_exchange(r, a, bad_addr(r), a, &x) && !cf_sense_is(&x, 0x05, T10_ASC(0x21, 0x01))) {
        char t[256];
        /* EVIDENCE-OF: SMC-3 6.5: invalid element address => 21/01 (MV-5). */
        cf_fail(r, "EXCHANGE to a bad address: expected 21/01, got %s",
                cf_reply_text(&x, t, sizeof t));
    }
}

static bool position(struct conform_run *r, uint16_t dst, struct cf_reply *x)
{
    struct t10_cdb c = {.kind = T10_CDB_POSITION_TO_ELEMENT};
    c.u.position.transport = cf_mt(r);
    c.u.position.dst = dst;
    return cf_cmd(r, CH, &c, XPORT_DIR_NONE, NULL, 0, x);
}

CF_CHECK(chk_pos)
{
    if (!need_lib(r))
        return;
    struct cf_reply x;
    if (!position(r, r->eaa.st_first, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "POSITION TO ELEMENT not supported");
        return;
    }
    /* EVIDENCE-OF: SMC-3 6.6 POSITION TO ELEMENT: GOOD for a valid element (MV-5). */
    cf_expect_good(r, &x, "POSITION TO ELEMENT (first storage element)");
}

CF_CHECK(chk_pos_bad)
{
    if (!need_lib(r))
        return;
    struct cf_reply x;
    if (!position(r, bad_addr(r), &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "POSITION TO ELEMENT not supported");
        return;
    }
    char t[256];
    /* EVIDENCE-OF: SMC-3 6.6: an invalid destination is 21/01 (mhVTL lacked it, #198). */
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x21, 0x01)))
        cf_fail(r, "POSITION TO ELEMENT to an unassigned address: expected 21/01, got %s",
                cf_reply_text(&x, t, sizeof t));
}

/* conform_svt_build() - SEND VOLUME TAG parameter list (SMC-3 6.13, Table "Send volume tag
 * parameters"); scsi/ has no builder for it. Layout: 0-31 VOLUME IDENTIFICATION TEMPLATE
 * (ASCII, space padded, '*' and '?' wildcards), 32-33 reserved, 34-35 MINIMUM VOLUME
 * SEQUENCE NUMBER, 36-37 reserved, 38-39 MAXIMUM VOLUME SEQUENCE NUMBER. */
#define CONFORM_SVT_LEN 40
static void conform_svt_build(uint8_t out[CONFORM_SVT_LEN], const char *tpl, uint16_t min_seq,
                              uint16_t max_seq)
{
    memset(out, 0, CONFORM_SVT_LEN);
    t10_put_ascii(out, 32, tpl);
    t10_put_be16(out + 34, min_seq);
    t10_put_be16(out + 38, max_seq);
}

CF_CHECK(chk_voltag_translate)
{
    if (!need_lib(r))
        return;
    if (!r->voltag_ok) {
        cf_skip(r, "the library reports no volume tags");
        return;
    }
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    const struct conform_elem *want = pick(r, e, n, T10_ELEM_STORAGE, true, -1, -1);
    if (!want || !want->voltag[0]) {
        cf_skip(r, "no labelled cartridge in storage");
        free(e);
        return;
    }
    char tag[33];
    uint16_t at = want->addr;
    snprintf(tag, sizeof tag, "%s", want->voltag);
    free(e);
    uint8_t list[CONFORM_SVT_LEN];
    conform_svt_build(list, tag, 0, 0xFFFF);
    struct t10_cdb c = {.kind = T10_CDB_SEND_VOLUME_TAG};
    c.u.send_voltag.action = 0x05; /* translate, search primary volume tags */
    c.u.send_voltag.param_len = sizeof list;
    struct cf_reply x;
    if (!cf_cmd(r, CH, &c, XPORT_DIR_OUT, list, sizeof list, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "SEND VOLUME TAG not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "SEND VOLUME TAG, translate"))
        return;
    uint8_t *b = malloc(cf_res_alloc(r));
    struct conform_elem *found = calloc(64, sizeof *found);
    struct t10_cdb q = {.kind = T10_CDB_REQUEST_VOLUME_ELEMENT_ADDRESS};
    q.u.req_vol_addr.voltag = true;
    q.u.req_vol_addr.n_elems = 0xFFFF;
    q.u.req_vol_addr.alloc_len = cf_res_alloc(r);
    if (b && found && cf_cmd(r, CH, &q, XPORT_DIR_IN, b, cf_res_alloc(r), &x) &&
        cf_expect_good(r, &x, "REQUEST VOLUME ELEMENT ADDRESS")) {
        size_t nf = 0;
        bool tr;
        char why[128];
        /* EVIDENCE-OF: SMC-3 6.13 / 6.12: after a translate of an exact label, REQUEST
         * VOLUME ELEMENT ADDRESS reports the element holding it, with its tag (ES-11). The
         * data has the element status layout (header byte 4 is the action code). */
        if (!cf_parse_res(b, x.xfer_len, found, 64, &nf, &tr, why, sizeof why))
            cf_fail(r, "%s", why);
        else if (nf != 1 || found[0].addr != at || strcmp(found[0].voltag, tag) != 0)
            cf_fail(r, "translate '%s' (in %u): %zu element(s) reported, first %u '%s'", tag, at,
                    nf, nf ? found[0].addr : 0, nf ? found[0].voltag : "");
    }
    free(b);
    free(found);
}

/* ---- import/export ---- */

CF_CHECK(chk_ie_flags)
{
    if (!need_lib(r))
        return;
    if (!r->eaa.ie_count) {
        cf_skip(r, "no import/export element");
        return;
    }
    size_t n;
    struct conform_elem *e = inventory(r, &n);
    if (!e)
        return;
    unsigned seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].type != T10_ELEM_IE)
            continue;
        seen++;
        /* EVIDENCE-OF: SMC-3 6.10.3: INENAB/EXENAB say whether the IE element can import
         * and export; a mail slot with neither cannot be used (IE-1; PBS reads them). */
        if (!e[i].inenab && !e[i].exenab)
            cf_fail(r, "IE %u has neither INENAB nor EXENAB", e[i].addr);
    }
    if (seen != r->eaa.ie_count)
        cf_fail(r, "%u IE descriptors, page 1Dh says %u", seen, r->eaa.ie_count);
    free(e);
}

static bool prevent(struct conform_run *r, uint8_t v, struct cf_reply *x)
{
    uint8_t cdb[6] = {0x1E, 0, 0, 0, v, 0};
    return cf_exec(r, CH, cdb, 6, XPORT_DIR_NONE, NULL, 0, 0, x);
}

CF_CHECK(chk_prevent_allow)
{
    struct cf_reply x;
    cf_clear_ua(r, CH);
    if (!prevent(r, 1, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "PREVENT ALLOW MEDIUM REMOVAL not supported");
        return;
    }
    /* EVIDENCE-OF: SMC-3 6.8 (SPC-4 6.13): PREVENT=1 then 0 both GOOD (IE-4). */
    cf_expect_good(r, &x, "PREVENT MEDIUM REMOVAL");
    if (prevent(r, 0, &x))
        cf_expect_good(r, &x, "ALLOW MEDIUM REMOVAL");
}

CF_CHECK(chk_prevent_reserved)
{
    struct cf_reply x;
    cf_clear_ua(r, CH);
    if (!prevent(r, 2, &x))
        return;
    if (cf_sense_is(&x, 0x05, T10_ASC(0x20, 0x00))) {
        cf_skip(r, "PREVENT ALLOW MEDIUM REMOVAL not supported");
        return;
    }
    char t[256];
    /* EVIDENCE-OF: SMC-3 6.8 Table: PREVENT 10b is reserved/obsolete for changers; a
     * reserved code value is reported as an error (SPC-4 4.4.3). */
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
        cf_fail(r, "PREVENT=2: expected 24/00, got %s", cf_reply_text(&x, t, sizeof t));
    prevent(r, 0, &x);
}

CF_CHECK(chk_open_close_ie)
{
    if (!need_lib(r))
        return;
    if (!r->eaa.ie_count) {
        cf_skip(r, "no import/export element");
        return;
    }
    struct t10_cdb c = {.kind = T10_CDB_OPEN_CLOSE_IE};
    c.u.open_close.elem_addr = r->eaa.ie_first;
    c.u.open_close.action = T10_IE_CLOSE;
    struct cf_reply x;
    if (!cf_cmd(r, CH, &c, XPORT_DIR_NONE, NULL, 0, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "OPEN/CLOSE IMPORT/EXPORT ELEMENT not supported");
        return;
    }
    /* EVIDENCE-OF: SMC-3 6.7: CLOSE of a closed IE element is GOOD (IE-4). Only CLOSE is
     * sent: OPEN would hand the slot to an operator. */
    cf_expect_good(r, &x, "CLOSE IMPORT/EXPORT ELEMENT");
}

CF_CHECK(chk_changer_log)
{
    uint8_t b[1024];
    struct cf_reply x;
    cf_clear_ua(r, CH);
    if (!cf_log_sense(r, CH, 0x00, b, sizeof b, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "LOG SENSE not supported on the changer");
        return;
    }
    if (!cf_expect_good(r, &x, "LOG SENSE 00h"))
        return;
    /* EVIDENCE-OF: SPC-4 7.3.18: supported pages list starts with 00h, ascending. */
    struct t10_log_hdr lh;
    uint8_t pages[256];
    size_t n = 0;
    if (t10_log_hdr_decode(b, x.xfer_len, &lh) != T10_OK || lh.page != 0) {
        cf_fail(r, "LOG SENSE 00h answered page %02Xh", x.xfer_len ? lh.page : 0);
        return;
    }
    if (t10_log_supported_decode(b, x.xfer_len, pages, sizeof pages, &n) != T10_OK) {
        cf_fail(r, "supported log pages do not decode");
        return;
    }
    bool has2e = false;
    for (size_t i = 0; i < n && i < sizeof pages; i++) {
        if (i && pages[i] <= pages[i - 1])
            cf_fail(r, "supported log pages not ascending at %02Xh", pages[i]);
        has2e |= pages[i] == 0x2E;
    }
    if (!has2e) {
        cf_note(r, "changer TapeAlert page 2Eh not listed");
        return;
    }
    if (!cf_log_sense(r, CH, 0x2E, b, sizeof b, &x) || !cf_expect_good(r, &x, "LOG SENSE 2Eh"))
        return;
    uint64_t flags;
    bool tr;
    /* EVIDENCE-OF: SMC-3 / SSC-4 8.2.3: TapeAlert page 2Eh with flags 0001h-0040h. */
    if (t10_log_tapealert_decode(b, x.xfer_len, &flags, &tr) != T10_OK || tr)
        cf_fail(r, "changer TapeAlert page does not decode");
}
