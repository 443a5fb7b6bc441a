/* SPDX-License-Identifier: MIT
 * conformance/checks_spc.c - SPC checks on the changer LUN: identification (INQUIRY, VPD,
 * REPORT LUNS, REPORT SUPPORTED OPERATION CODES), readiness and unit attentions, error
 * reporting (sense codes and field pointers) and reservations with two I_T nexuses.
 *
 * Each function is one catalogue entry (catalogue.c holds ids, titles and clauses). The
 * clause a verdict rests on is cited where the test is made, as EVIDENCE-OF comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/internal.h"
#include "scsi/be.h"
#include "scsi/luns.h"
#include "scsi/pr.h"
#include "scsi/rsoc.h"
#include "scsi/vpd.h"

#define CH r->changer, "changer"

/* Full standard INQUIRY data (up to 255 bytes), for comparing shorter reads with. */
static bool inq_full(struct conform_run *r, uint8_t *buf, size_t *len)
{
    struct cf_reply x;
    if (!cf_inquiry(r, CH, false, 0, buf, 255, &x) || !cf_expect_good(r, &x, "INQUIRY (255)"))
        return false;
    *len = x.xfer_len;
    if (*len < 5) {
        cf_fail(r, "standard INQUIRY returned %zu bytes, fewer than 5", *len);
        return false;
    }
    return true;
}

CF_CHECK(chk_inq_std)
{
    uint8_t b[255];
    size_t n;
    if (!inq_full(r, b, &n))
        return;
    struct t10_inquiry q;
    if (t10_inquiry_decode(b, n, &q) != T10_OK) {
        cf_fail(r, "standard INQUIRY data does not decode");
        return;
    }
    /* EVIDENCE-OF: SPC-4 6.4.2 PERIPHERAL DEVICE TYPE 08h for a medium changer, QUALIFIER
     * 000b for a connected LU, RESPONSE DATA FORMAT 2, ADDITIONAL LENGTH >= 31. */
    if (q.pdt != T10_PDT_CHANGER)
        cf_fail(r, "PERIPHERAL DEVICE TYPE %02Xh, expected 08h (medium changer)", q.pdt);
    if (q.qualifier != 0)
        cf_fail(r, "PERIPHERAL QUALIFIER %u, expected 0", q.qualifier);
    if (q.resp_format != 2)
        cf_fail(r, "RESPONSE DATA FORMAT %u, expected 2", q.resp_format);
    if (q.add_len < 31)
        cf_fail(r, "ADDITIONAL LENGTH %u, below 31 (36-byte minimum)", q.add_len);
    if (q.version < 0x03 || q.version > 0x07)
        cf_note(r, "VERSION %02Xh (SPC-4 is 06h, SPC-5 07h)", q.version);
    /* MCHNGR is for a changer embedded in another device type (SPC-4 6.4.2), not LU 08h
     * itself: Linux ch and FreeBSD ch probe the changer by its PDT. */
    if (q.mchngr)
        cf_note(r, "MCHNGR set on the changer LU itself");
}

static void inq_alloc(struct conform_run *r, uint16_t alloc)
{
    uint8_t full[255], b[255];
    size_t n;
    if (!inq_full(r, full, &n))
        return;
    memset(b, 0xA5, sizeof b);
    struct cf_reply x;
    if (!cf_inquiry(r, CH, false, 0, b, alloc, &x))
        return;
    /* EVIDENCE-OF: SPC-4 4.2.5.6 ALLOCATION LENGTH: the device returns the lesser of the
     * allocation length and the data available; a short allocation is not an error, and
     * ADDITIONAL LENGTH keeps describing the whole data. 0 transfers nothing. */
    if (!cf_expect_good(r, &x, "INQUIRY with a short ALLOCATION LENGTH"))
        return;
    size_t want = alloc < n ? alloc : n;
    if (x.xfer_len != want)
        cf_fail(r, "ALLOCATION LENGTH %u: %zu bytes transferred, expected %zu", alloc, x.xfer_len,
                want);
    size_t cmp = x.xfer_len < want ? x.xfer_len : want;
    if (memcmp(b, full, cmp) != 0)
        cf_fail(r, "the %zu bytes returned differ from the start of the full data", cmp);
    if (alloc >= 5 && x.xfer_len >= 5 && b[4] != full[4])
        cf_fail(r, "ADDITIONAL LENGTH %u with ALLOCATION LENGTH %u, %u in the full data", b[4],
                alloc, full[4]);
}

CF_CHECK(chk_inq_alloc0) { inq_alloc(r, 0); }
CF_CHECK(chk_inq_alloc1) { inq_alloc(r, 1); }
CF_CHECK(chk_inq_alloc5) { inq_alloc(r, 5); }
CF_CHECK(chk_inq_alloc36) { inq_alloc(r, 36); }

CF_CHECK(chk_inq_alloc255)
{
    uint8_t b[255];
    size_t n;
    if (!inq_full(r, b, &n))
        return;
    /* EVIDENCE-OF: SPC-4 6.4.2 ADDITIONAL LENGTH "indicates the length in bytes of the
     * remaining standard INQUIRY data": with room for all of it, exactly n - 4 arrive. */
    struct t10_inquiry q;
    if (t10_inquiry_decode(b, n, &q) != T10_OK)
        return;
    size_t announced = (size_t)q.add_len + 5;
    if (cf_skip_if_resid_untrusted(r))
        return;
    if (announced <= 255 && n != announced)
        cf_fail(r, "ADDITIONAL LENGTH %u announces %zu bytes, %zu were transferred", q.add_len,
                announced, n);
    if (announced > 255 && n != 255)
        cf_fail(r, "%zu bytes announced, only %zu of 255 allowed were transferred", announced, n);
}

CF_CHECK(chk_inq_ascii)
{
    uint8_t b[255];
    size_t n;
    if (!inq_full(r, b, &n))
        return;
    if (n < 36) {
        cf_fail(r, "standard INQUIRY is %zu bytes, below 36", n);
        return;
    }
    /* EVIDENCE-OF: SPC-4 4.4.1 ASCII data fields: printable 20h-7Eh, left-aligned,
     * space padded. T10 VENDOR IDENTIFICATION must not be blank. The raw bytes 8-35 are
     * read here on purpose: t10_inquiry_decode() replaces what this check looks for. */
    for (size_t i = 8; i < 36; i++)
        if (b[i] < 0x20 || b[i] > 0x7E) {
            cf_fail(r, "byte %zu (%s) holds %02Xh, not printable ASCII", i,
                    i < 16 ? "VENDOR" : i < 32 ? "PRODUCT" : "REVISION", b[i]);
            return;
        }
    if (b[8] == ' ')
        cf_fail(r, "T10 VENDOR IDENTIFICATION is blank or not left-aligned");
    if (b[16] == ' ')
        cf_fail(r, "PRODUCT IDENTIFICATION is blank or not left-aligned");
}

/* Reads VPD 00h; false (failure recorded) if it is absent or malformed. */
static bool vpd_list(struct conform_run *r, uint8_t *pages, size_t *n)
{
    uint8_t b[255];
    struct cf_reply x;
    if (!cf_inquiry(r, CH, true, 0x00, b, sizeof b, &x) ||
        !cf_expect_good(r, &x, "INQUIRY VPD 00h"))
        return false;
    enum t10_rc rc = t10_vpd_supported_decode(b, x.xfer_len, pages, 255, n);
    if (rc != T10_OK) {
        cf_fail(r, "VPD 00h does not decode (%s)%s", t10_rc_name(rc),
                rc == T10_EINVAL ? ": page list not in ascending order" : "");
        return false;
    }
    if (b[1] != 0x00) {
        cf_fail(r, "VPD 00h answered with PAGE CODE %02Xh", b[1]);
        return false;
    }
    return true;
}

static bool in_list(const uint8_t *pages, size_t n, uint8_t p)
{
    for (size_t i = 0; i < n; i++)
        if (pages[i] == p)
            return true;
    return false;
}

CF_CHECK(chk_vpd00)
{
    uint8_t pages[255];
    size_t n;
    if (!vpd_list(r, pages, &n))
        return;
    /* EVIDENCE-OF: SPC-4 7.8.16 Supported VPD pages: ascending order, including 00h;
     * SPC-4 7.8.6 page 83h is mandatory; 80h is what udev and tape tools read. */
    if (!in_list(pages, n, 0x00))
        cf_fail(r, "VPD 00h does not list itself");
    if (!in_list(pages, n, 0x83))
        cf_fail(r, "VPD 83h (device identification, mandatory) not listed");
    if (!in_list(pages, n, 0x80))
        cf_note(r, "VPD 80h (unit serial number) not listed");
}

CF_CHECK(chk_vpd_each)
{
    uint8_t pages[255];
    size_t n;
    if (!vpd_list(r, pages, &n))
        return;
    for (size_t i = 0; i < n; i++) {
        uint8_t b[255];
        struct cf_reply x;
        char what[48];
        snprintf(what, sizeof what, "INQUIRY VPD %02Xh", pages[i]);
        if (!cf_inquiry(r, CH, true, pages[i], b, sizeof b, &x) || !cf_expect_good(r, &x, what))
            continue;
        /* EVIDENCE-OF: SPC-4 7.8.1 each VPD page carries its own PAGE CODE in byte 1. */
        struct t10_vpd_hdr h;
        if (t10_vpd_hdr_decode(b, x.xfer_len, &h) != T10_OK || h.page != pages[i])
            cf_fail(r, "VPD %02Xh answered with page %02Xh (%zu bytes)", pages[i],
                    x.xfer_len > 1 ? b[1] : 0, x.xfer_len);
        else if (h.pdt != T10_PDT_CHANGER)
            cf_fail(r, "VPD %02Xh PERIPHERAL DEVICE TYPE %02Xh", pages[i], h.pdt);
        else if (!r->resid_untrusted && (size_t)h.page_len + 4 < x.xfer_len)
            cf_fail(r, "VPD %02Xh: PAGE LENGTH %u but %zu bytes transferred", pages[i], h.page_len,
                    x.xfer_len);
    }
}

CF_CHECK(chk_vpd80)
{
    uint8_t b[255];
    struct cf_reply x;
    if (!cf_inquiry(r, CH, true, 0x80, b, sizeof b, &x))
        return;
    if (cf_unsupported(&x) || cf_sense_is(&x, 0x05, T10_ASC(0x24, 0))) {
        cf_skip(r, "VPD 80h not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "INQUIRY VPD 80h"))
        return;
    char serial[256];
    if (t10_vpd_ascii_decode(b, x.xfer_len, 0x80, serial, sizeof serial) != T10_OK) {
        cf_fail(r, "VPD 80h answered with page %02Xh", b[1]);
        return;
    }
    /* EVIDENCE-OF: SPC-4 7.8.18 PRODUCT SERIAL NUMBER, ASCII. */
    if (!serial[0] || strspn(serial, " ") == strlen(serial))
        cf_fail(r, "unit serial number is empty");
    for (const char *p = serial; *p; p++)
        if (*p == '?') {
            cf_fail(r, "unit serial number has non-printable bytes");
            break;
        }
    cf_note(r, "serial '%s'", serial);
}

struct desig_scan {
    bool naa_lu, t10_lu;
    unsigned n;
};

static enum t10_rc scan_desig(const struct t10_desig *d, void *arg)
{
    struct desig_scan *s = arg;
    s->n++;
    if (d->association == T10_ASSOC_LU && d->type == T10_DESIG_NAA && d->len >= 8)
        s->naa_lu = true;
    if (d->association == T10_ASSOC_LU && d->type == T10_DESIG_T10_VENDOR)
        s->t10_lu = true;
    return T10_OK;
}

CF_CHECK(chk_vpd83)
{
    uint8_t b[255];
    struct cf_reply x;
    if (!cf_inquiry(r, CH, true, 0x83, b, sizeof b, &x) ||
        !cf_expect_good(r, &x, "INQUIRY VPD 83h"))
        return;
    if (x.xfer_len < 4 || b[1] != 0x83) {
        cf_fail(r, "VPD 83h answered with page %02Xh", x.xfer_len > 1 ? b[1] : 0);
        return;
    }
    struct desig_scan s = {0};
    bool tr = false;
    if (t10_vpd_devid_walk(b, x.xfer_len, scan_desig, &s, &tr) != T10_OK || tr) {
        cf_fail(r, "VPD 83h designation descriptors do not fit the page");
        return;
    }
    /* EVIDENCE-OF: SPC-4 7.8.6.1: at least one LU designator; an NAA designator is what
     * udev builds /dev/tape/by-id and Bareos configs name changers by (ID-3). */
    if (!s.naa_lu)
        cf_fail(r, "no NAA designator with LU association (%u descriptors)", s.n);
    if (!s.t10_lu)
        cf_note(r, "no T10 vendor ID designator for the LU");
}

CF_CHECK(chk_vpd_stable)
{
    char err[256];
    struct conform_dev *d2;
    if (r->open(r->open_arg, r->changer->uri, &d2, err, sizeof err) != CONFORM_OK) {
        cf_skip(r, "cannot open a second nexus: %s", err);
        return;
    }
    static const uint8_t pages[] = {0x80, 0x83};
    for (size_t i = 0; i < sizeof pages; i++) {
        uint8_t a[255], b[255];
        struct cf_reply x, y;
        if (!cf_inquiry(r, CH, true, pages[i], a, sizeof a, &x) ||
            !cf_inquiry(r, d2, "changer#2", true, pages[i], b, sizeof b, &y))
            break;
        if (!cf_good(&x) || !cf_good(&y))
            continue;
        /* EVIDENCE-OF: SPC-4 7.8.6.1 designators are persistent: the same from every
         * nexus (hosts match paths by them). */
        if (x.xfer_len != y.xfer_len || memcmp(a, b, x.xfer_len) != 0)
            cf_fail(r, "VPD %02Xh differs between two I_T nexuses", pages[i]);
    }
    conform_dev_close(d2);
}

CF_CHECK(chk_vpd_unsupported)
{
    uint8_t pages[255];
    size_t n;
    if (!vpd_list(r, pages, &n))
        return;
    static const uint8_t probe[] = {0xC7, 0xB5, 0x8F, 0xDE, 0xFE};
    uint8_t page = 0;
    for (size_t i = 0; i < sizeof probe && !page; i++)
        if (!in_list(pages, n, probe[i]))
            page = probe[i];
    if (!page) {
        cf_skip(r, "every probe page is listed as supported");
        return;
    }
    uint8_t b[255];
    struct cf_reply x;
    if (!cf_inquiry(r, CH, true, page, b, sizeof b, &x))
        return;
    /* EVIDENCE-OF: SPC-4 6.4.1 "If the EVPD bit is set to one and the PAGE CODE field
     * contains a value for a VPD page that is not supported, the device server shall
     * terminate the command with CHECK CONDITION status, ILLEGAL REQUEST, INVALID FIELD IN
     * CDB." mhVTL answered another page instead (PR #197). */
    if (cf_good(&x)) {
        cf_fail(r, "unlisted VPD page %02Xh answered GOOD with page %02Xh instead of 24/00", page,
                x.xfer_len > 1 ? b[1] : 0);
        return;
    }
    char t[256];
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
        cf_fail(r, "unlisted VPD page %02Xh: expected ILLEGAL REQUEST 24/00, got %s", page,
                cf_reply_text(&x, t, sizeof t));
    else if (x.sense.sks == T10_SKS_FIELD && (x.sense.field.byte != 2 || !x.sense.field.cd))
        cf_fail(r, "field pointer names byte %u, the PAGE CODE is CDB byte 2",
                x.sense.field.byte);
}

CF_CHECK(chk_vpd_alloc)
{
    uint8_t full[255], b[255];
    struct cf_reply x, y;
    if (!cf_inquiry(r, CH, true, 0x83, full, sizeof full, &x) ||
        !cf_expect_good(r, &x, "INQUIRY VPD 83h"))
        return;
    if (!cf_inquiry(r, CH, true, 0x83, b, 4, &y) || !cf_expect_good(r, &y, "VPD 83h, 4 bytes"))
        return;
    /* EVIDENCE-OF: SPC-4 4.2.5.6 truncation at ALLOCATION LENGTH keeps PAGE LENGTH whole. */
    if (y.xfer_len != 4 || (x.xfer_len >= 4 && memcmp(b, full, 4) != 0))
        cf_fail(r, "VPD 83h with ALLOCATION LENGTH 4: %zu bytes, header %s the full one's",
                y.xfer_len, memcmp(b, full, 4) ? "differs from" : "equals");
}

static bool report_luns(struct conform_run *r, struct conform_dev *d, const char *lu, uint8_t *buf,
                        uint32_t alloc, struct cf_reply *x)
{
    struct t10_cdb c = {.kind = T10_CDB_REPORT_LUNS};
    c.u.report_luns.alloc_len = alloc;
    return cf_cmd(r, d, lu, &c, XPORT_DIR_IN, buf, alloc, x);
}

CF_CHECK(chk_luns)
{
    uint8_t b[8 + 8 * 256];
    struct cf_reply x;
    if (!report_luns(r, CH, b, sizeof b, &x) || !cf_expect_good(r, &x, "REPORT LUNS"))
        return;
    uint16_t luns[256];
    size_t n = 0, listed = 0, bad = 0;
    bool tr = false;
    if (t10_report_luns_decode(b, x.xfer_len, luns, 256, &n, &listed, &bad, &tr) != T10_OK) {
        cf_fail(r, "REPORT LUNS data shorter than its 8-byte header");
        return;
    }
    /* EVIDENCE-OF: SPC-4 6.33 LUN LIST LENGTH is a multiple of 8; every LUN decodes. */
    if (t10_get_be32(b) % 8)
        cf_fail(r, "LUN LIST LENGTH %u is not a multiple of 8", t10_get_be32(b));
    if (bad)
        cf_fail(r, "%zu LUN entries use an addressing method that does not decode", bad);
    if (n == 0)
        cf_fail(r, "REPORT LUNS lists no logical unit");
    cf_note(r, "%zu LUN(s) listed", listed);
}

CF_CHECK(chk_luns_trunc)
{
    uint8_t full[8 + 8 * 256], b[16];
    struct cf_reply x, y;
    if (!report_luns(r, CH, full, sizeof full, &x) || !cf_expect_good(r, &x, "REPORT LUNS"))
        return;
    if (!report_luns(r, CH, b, sizeof b, &y) || !cf_expect_good(r, &y, "REPORT LUNS (16)"))
        return;
    /* EVIDENCE-OF: SPC-4 6.33: LUN LIST LENGTH is not changed by the ALLOCATION LENGTH. */
    if (y.xfer_len < 4 || x.xfer_len < 4 || t10_get_be32(b) != t10_get_be32(full))
        cf_fail(r, "LUN LIST LENGTH differs with ALLOCATION LENGTH 16 (%u vs %u)",
                y.xfer_len >= 4 ? t10_get_be32(b) : 0, x.xfer_len >= 4 ? t10_get_be32(full) : 0);
    if (y.xfer_len > 16)
        cf_fail(r, "%zu bytes transferred for ALLOCATION LENGTH 16", y.xfer_len);
}

CF_CHECK(chk_luns_drives)
{
    if (r->n_drives == 0) {
        cf_skip(r, "no drive LUN found (REPORT LUNS on this target, or pass --drive)");
        return;
    }
    for (size_t i = 0; i < r->n_drives; i++) {
        uint8_t b[8 + 8 * 64];
        struct cf_reply x;
        char lu[16];
        snprintf(lu, sizeof lu, "drive%u", (unsigned)(i + 1) & 0xFFu);
        if (!report_luns(r, r->drives[i].dev, lu, b, sizeof b, &x))
            continue;
        /* EVIDENCE-OF: SPC-4 6.33: REPORT LUNS is mandatory for every device server; a
         * control-path drive must answer it too (ID-7). */
        if (!cf_good(&x)) {
            char t[256];
            cf_fail(r, "%s: REPORT LUNS answered %s", lu, cf_reply_text(&x, t, sizeof t));
        }
    }
}

/* ---- REPORT SUPPORTED OPERATION CODES ---- */

static bool rsoc_need(struct conform_run *r)
{
    if (!r->rsoc_ok) {
        struct cf_reply x;
        uint8_t b[64];
        struct t10_cdb c = {.kind = T10_CDB_RSOC};
        c.u.rsoc.alloc_len = sizeof b;
        if (cf_cmd(r, CH, &c, XPORT_DIR_IN, b, sizeof b, &x) && !cf_good(&x) && cf_unsupported(&x))
            cf_skip(r, "REPORT SUPPORTED OPERATION CODES not supported");
        else if (!cf_good(&x))
            cf_expect_good(r, &x, "REPORT SUPPORTED OPERATION CODES");
        return false;
    }
    return true;
}

static bool rsoc_lists(const struct conform_run *r, uint8_t op)
{
    for (uint32_t i = 0; i < r->rsoc_n; i++)
        if (r->rsoc_op_sa[i] >> 8 == op)
            return true;
    return false;
}

struct to_scan {
    unsigned with, without, zero;
};
static enum t10_rc scan_to(const struct t10_rsoc_desc *d, void *arg)
{
    struct to_scan *s = arg;
    if (!d->ctdp)
        s->without++;
    else if (d->to.recommended_s == 0 && d->to.nominal_s == 0)
        s->zero++;
    else
        s->with++;
    return T10_OK;
}

CF_CHECK(chk_rsoc_all)
{
    if (!rsoc_need(r))
        return;
    uint8_t *b = malloc(8192);
    struct cf_reply x;
    struct t10_cdb c = {.kind = T10_CDB_RSOC};
    c.u.rsoc.alloc_len = 8192;
    if (!b)
        return;
    if (cf_cmd(r, CH, &c, XPORT_DIR_IN, b, 8192, &x) && cf_expect_good(r, &x, "RSOC all")) {
        bool tr = false;
        /* EVIDENCE-OF: SPC-4 6.35.2 the all-commands form walks by CTDP-sized
         * descriptors to exactly COMMAND DATA LENGTH. */
        struct to_scan s = {0};
        enum t10_rc rc = t10_rsoc_all_walk(b, x.xfer_len, scan_to, &s, &tr);
        if (rc != T10_OK)
            cf_fail(r, "command descriptors do not decode (%s)", t10_rc_name(rc));
        if (tr)
            cf_fail(r, "COMMAND DATA LENGTH runs past the data returned");
        /* SMC-3 mandatory commands must be listed. */
        static const uint8_t must[] = {0x12, 0xA5, 0xB8, 0x03, 0x00};
        for (size_t i = 0; i < sizeof must; i++)
            if (!rsoc_lists(r, must[i]))
                cf_fail(r, "mandatory command %02Xh (%s) not listed", must[i],
                        t10_op_name(must[i], -1, T10_PDT_CHANGER));
    }
    free(b);
}

/* Sends a minimal valid instance of @op; returns true when the device accepted the
 * opcode (anything but 20/00). The CDBs are written out here rather than built with
 * t10_cdb_build() because the probe set includes commands cdb.h does not model
 * (RECEIVE DIAGNOSTIC RESULTS); each is the smallest valid form of its command. */
static bool probe_accepts(struct conform_run *r, uint8_t op, bool *delivered)
{
    uint8_t buf[512];
    uint8_t cdb[16] = {op};
    size_t len = t10_cdb_group_len(op);
    enum xport_dir dir = XPORT_DIR_IN;
    size_t alloc = 255;
    switch (op) {
    case 0x00: dir = XPORT_DIR_NONE; alloc = 0; break;           /* TEST UNIT READY      */
    case 0x03: case 0x12: cdb[4] = 252; alloc = 252; break;       /* REQUEST SENSE, INQ   */
    case 0x1A: cdb[2] = 0x3F; cdb[4] = 252; alloc = 252; break;   /* MODE SENSE(6) all    */
    case 0x5A: cdb[2] = 0x3F; cdb[8] = 255; break;                /* MODE SENSE(10) all   */
    case 0x4D: cdb[2] = 0x40; cdb[8] = 255; break;                /* LOG SENSE 00h        */
    case 0xA0: cdb[9] = 255; break;                               /* REPORT LUNS          */
    case 0xB8: cdb[5] = 1; cdb[9] = 255; break;                   /* RES, one element     */
    case 0x5E: cdb[8] = 255; break;                               /* PR IN, READ KEYS     */
    case 0x1C: cdb[4] = 255; break;                               /* RECEIVE DIAGNOSTIC   */
    case 0x8C: cdb[1] = 0x05; cdb[13] = 255; break;               /* READ ATTRIBUTE list  */
    default: break;
    }
    struct cf_reply x;
    *delivered = cf_exec(r, CH, cdb, len, dir, alloc ? buf : NULL, alloc, 0, &x);
    if (cf_sense_is(&x, 0x06, 0xFFFF)) /* a UA says nothing about the opcode: retry */
        *delivered = cf_exec(r, CH, cdb, len, dir, alloc ? buf : NULL, alloc, 0, &x);
    return !cf_sense_is(&x, 0x05, T10_ASC(0x20, 0x00));
}

CF_CHECK(chk_rsoc_accepted)
{
    if (!rsoc_need(r))
        return;
    /* Read-only commands the harness can send without side effects. */
    static const uint8_t probe[] = {0x00, 0x03, 0x12, 0x1A, 0x5A, 0x4D, 0xA0, 0xB8, 0x5E, 0x1C,
                                    0x8C};
    for (size_t i = 0; i < sizeof probe; i++) {
        bool delivered;
        bool acc = probe_accepts(r, probe[i], &delivered);
        if (!delivered)
            continue;
        bool adv = rsoc_lists(r, probe[i]);
        /* EVIDENCE-OF: SPC-4 6.35.1 RSOC lists the commands the device server supports;
         * mhVTL's list drifted from what it accepted (PR #198). */
        if (acc != adv)
            cf_fail(r, "%02Xh (%s) is %s but %s", probe[i],
                    t10_op_name(probe[i], -1, T10_PDT_CHANGER),
                    acc ? "accepted" : "rejected with 20/00", adv ? "advertised" : "not advertised");
    }
}

static bool rsoc_one(struct conform_run *r, uint8_t op, uint16_t sa, uint8_t opt, uint8_t *b,
                     size_t cap, struct cf_reply *x)
{
    struct t10_cdb c = {.kind = T10_CDB_RSOC};
    c.u.rsoc.options = opt;
    c.u.rsoc.req_op = op;
    c.u.rsoc.req_sa = sa;
    c.u.rsoc.alloc_len = (uint32_t)cap;
    return cf_cmd(r, CH, &c, XPORT_DIR_IN, b, cap, x);
}

CF_CHECK(chk_rsoc_one)
{
    if (!rsoc_need(r))
        return;
    unsigned checked = 0;
    for (uint32_t i = 0; i < r->rsoc_n; i++) {
        uint8_t op = (uint8_t)(r->rsoc_op_sa[i] >> 8), sa = (uint8_t)r->rsoc_op_sa[i];
        bool has_sa = r->rsoc_has_sa[i];
        uint8_t b[64];
        struct cf_reply x;
        if (!rsoc_one(r, op, sa, has_sa ? T10_RSOC_ONE_SA : T10_RSOC_ONE, b, sizeof b, &x))
            return;
        char what[64];
        snprintf(what, sizeof what, "RSOC one-command form for %02Xh/%02Xh", op, sa);
        if (!cf_expect_good(r, &x, what))
            continue;
        struct t10_rsoc_one o;
        bool tr;
        if (t10_rsoc_one_decode(b, x.xfer_len, &o, &tr) != T10_OK) {
            cf_fail(r, "%s: does not decode", what);
            continue;
        }
        /* EVIDENCE-OF: SPC-4 6.35.3 SUPPORT 011b (or 101b vendor) for a supported command;
         * CDB USAGE DATA byte 0 is the operation code; CDB SIZE its length. */
        if (o.support != T10_RSOC_SUPPORTED && o.support != T10_RSOC_SUPPORTED_VS)
            cf_fail(r, "%s: SUPPORT %u although listed in the all-commands form", what, o.support);
        if (o.cdb_size && o.usage && o.usage[0] != op)
            cf_fail(r, "%s: CDB USAGE DATA byte 0 is %02Xh", what, o.usage[0]);
        if (o.cdb_size != t10_cdb_group_len(op) && t10_cdb_group_len(op))
            cf_fail(r, "%s: CDB SIZE %u, the opcode's group says %zu", what, o.cdb_size,
                    t10_cdb_group_len(op));
        checked++;
    }
    cf_note(r, "%u commands checked", checked);
}

CF_CHECK(chk_rsoc_one_unsupported)
{
    if (!rsoc_need(r))
        return;
    static const uint8_t cand[] = {0x28, 0x2A, 0x25, 0x35, 0x88};
    uint8_t op = 0;
    for (size_t i = 0; i < sizeof cand && !op; i++)
        if (!rsoc_lists(r, cand[i]))
            op = cand[i];
    if (!op) {
        cf_skip(r, "every candidate opcode is advertised");
        return;
    }
    uint8_t b[64];
    struct cf_reply x;
    if (!rsoc_one(r, op, 0, T10_RSOC_ONE, b, sizeof b, &x) ||
        !cf_expect_good(r, &x, "RSOC one-command form for an unsupported opcode"))
        return;
    /* EVIDENCE-OF: SPC-4 6.35.3 Table 302: SUPPORT 001b "the device server does not
     * support the requested command". */
    if (x.xfer_len < 2 || (b[1] & 7) != T10_RSOC_UNSUPPORTED)
        cf_fail(r, "opcode %02Xh (not advertised): SUPPORT %u, expected 1", op,
                x.xfer_len >= 2 ? b[1] & 7 : 0);
}

CF_CHECK(chk_rsoc_timeouts)
{
    if (!rsoc_need(r))
        return;
    uint8_t *b = malloc(16384);
    if (!b)
        return;
    struct cf_reply x;
    struct t10_cdb c = {.kind = T10_CDB_RSOC};
    c.u.rsoc.rctd = true;
    c.u.rsoc.alloc_len = 16384;
    if (cf_cmd(r, CH, &c, XPORT_DIR_IN, b, 16384, &x)) {
        if (cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00))) {
            cf_skip(r, "RCTD not supported");
        } else if (cf_expect_good(r, &x, "RSOC with RCTD")) {
            struct to_scan s = {0};
            bool tr;
            if (t10_rsoc_all_walk(b, x.xfer_len, scan_to, &s, &tr) != T10_OK)
                cf_fail(r, "descriptors with timeouts do not decode");
            /* EVIDENCE-OF: SPC-4 6.35.2 RCTD=1: every descriptor has CTDP=1 and a
             * command timeouts descriptor; LTFS uses them as command timeouts (ID-8). */
            else if (s.without)
                cf_fail(r, "%u descriptors without CTDP although RCTD was set", s.without);
            if (s.zero)
                cf_note(r, "%u commands report no timeout (0 s)", s.zero);
        }
    }
    free(b);
}

/* ---- readiness, unit attention ---- */

CF_CHECK(chk_tur)
{
    static const uint8_t tur[6] = {0};
    struct cf_reply x;
    cf_clear_ua(r, CH);
    /* EVIDENCE-OF: SPC-4 6.47 TEST UNIT READY: GOOD when the changer is ready. */
    if (cf_exec(r, CH, tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x))
        cf_expect_good(r, &x, "TEST UNIT READY");
}

CF_CHECK(chk_request_sense)
{
    uint8_t b[252];
    struct cf_reply x;
    cf_clear_ua(r, CH);
    struct t10_cdb c = {.kind = T10_CDB_REQUEST_SENSE};
    c.u.request_sense.alloc_len = 252;
    if (!cf_cmd(r, CH, &c, XPORT_DIR_IN, b, sizeof b, &x) || !cf_expect_good(r, &x, "REQUEST SENSE"))
        return;
    struct t10_sense s;
    /* EVIDENCE-OF: SPC-4 6.39 REQUEST SENSE returns sense data (70h/72h); with nothing
     * pending, NO SENSE (or a NOT READY / informational condition). */
    if (t10_sense_parse(b, x.xfer_len, &s) != T10_OK) {
        cf_fail(r, "REQUEST SENSE data (%zu bytes) is not sense data (response code %02Xh)",
                x.xfer_len, x.xfer_len ? b[0] & 0x7F : 0);
        return;
    }
    if (s.key != 0 && s.key != 0x02)
        cf_fail(r, "nothing pending, yet sense key %s", t10_sense_key_name(s.key));
}

/* Opens a fresh I_T nexus to the changer. */
static struct conform_dev *fresh_nexus(struct conform_run *r)
{
    char err[256];
    struct conform_dev *d;
    if (r->is_sg) {
        cf_skip(r, "sg: the kernel consumes unit attentions and shares one nexus");
        return NULL;
    }
    if (r->open(r->open_arg, r->changer->uri, &d, err, sizeof err) != CONFORM_OK) {
        cf_skip(r, "cannot open a second nexus: %s", err);
        return NULL;
    }
    return d;
}

/* A fresh nexus whose login unit attention is still pending. libiscsi's full connect
 * sends TEST UNIT READY until the 29/xx unit attention is gone, and the Linux sg path
 * shares the kernel's nexus, so on those schemes the first command is not the first. */
static struct conform_dev *ua_nexus(struct conform_run *r)
{
    if (strncmp(r->changer->uri, "iscsi://", 8) == 0) {
        cf_skip(r, "iscsi://: the initiator library clears the login unit attention itself");
        return NULL;
    }
    return fresh_nexus(r);
}

CF_CHECK(chk_ua_first)
{
    struct conform_dev *d = ua_nexus(r);
    if (!d)
        return;
    static const uint8_t tur[6] = {0};
    struct cf_reply x;
    if (cf_exec(r, d, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x)) {
        /* EVIDENCE-OF: SAM-5 6.3.1 / SPC-4 5.14: a new I_T nexus gets a unit attention
         * (29/00 power on or reset, 29/07 I_T nexus loss...) before its first command that
         * may report one; Linux st counts on it to mark the position unknown (ER-2). */
        char t[256];
        if (!cf_sense_is(&x, 0x06, T10_ASC(0x29, 0xFF)))
            cf_fail(r, "first TEST UNIT READY on a new nexus: expected UNIT ATTENTION 29/xx, "
                       "got %s", cf_reply_text(&x, t, sizeof t));
        else if (cf_exec(r, d, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x) &&
                 cf_sense_is(&x, 0x06, T10_ASC(0x29, 0xFF)))
            cf_fail(r, "the 29/xx unit attention was reported twice");
    }
    conform_dev_close(d);
}

CF_CHECK(chk_ua_inquiry)
{
    struct conform_dev *d = ua_nexus(r);
    if (!d)
        return;
    uint8_t b[96];
    struct cf_reply x;
    static const uint8_t tur[6] = {0};
    if (cf_inquiry(r, d, "changer#2", false, 0, b, sizeof b, &x)) {
        /* EVIDENCE-OF: SPC-4 5.14 (SAM-5 5.14): INQUIRY is neither blocked by a pending
         * unit attention nor clears it. */
        cf_expect_good(r, &x, "INQUIRY with a unit attention pending");
        if (cf_exec(r, d, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x) &&
            !cf_sense_is(&x, 0x06, T10_ASC(0x29, 0xFF)))
            cf_fail(r, "the unit attention was gone after INQUIRY (cleared or never raised)");
    }
    conform_dev_close(d);
}

CF_CHECK(chk_ua_luns)
{
    struct conform_dev *d = ua_nexus(r);
    if (!d)
        return;
    uint8_t b[8 + 8 * 64];
    struct cf_reply x;
    static const uint8_t tur[6] = {0};
    if (report_luns(r, d, "changer#2", b, sizeof b, &x)) {
        /* EVIDENCE-OF: SPC-4 5.14: REPORT LUNS is not blocked by a unit attention and does
         * not clear it (except REPORTED LUNS DATA HAS CHANGED). */
        cf_expect_good(r, &x, "REPORT LUNS with a unit attention pending");
        if (cf_exec(r, d, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x) &&
            !cf_sense_is(&x, 0x06, T10_ASC(0x29, 0xFF)))
            cf_fail(r, "the unit attention was gone after REPORT LUNS");
    }
    conform_dev_close(d);
}

CF_CHECK(chk_ua_reqsense)
{
    struct conform_dev *d = ua_nexus(r);
    if (!d)
        return;
    uint8_t b[252];
    struct cf_reply x;
    struct t10_cdb c = {.kind = T10_CDB_REQUEST_SENSE};
    c.u.request_sense.alloc_len = 252;
    static const uint8_t tur[6] = {0};
    if (cf_cmd(r, d, "changer#2", &c, XPORT_DIR_IN, b, sizeof b, &x) &&
        cf_expect_good(r, &x, "REQUEST SENSE with a unit attention pending")) {
        struct t10_sense s;
        /* EVIDENCE-OF: SPC-4 5.14 / 6.39: REQUEST SENSE returns the pending unit attention
         * as its data and clears it. */
        if (t10_sense_parse(b, x.xfer_len, &s) != T10_OK || s.key != 0x06 ||
            T10_ASC_OF(s.asc_ascq) != 0x29)
            cf_fail(r, "REQUEST SENSE data does not report the pending 29/xx unit attention");
        else if (cf_exec(r, d, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x) &&
                 cf_sense_is(&x, 0x06, T10_ASC(0x29, 0xFF)))
            cf_fail(r, "the unit attention was still pending after REQUEST SENSE reported it");
    }
    conform_dev_close(d);
}

/* ---- errors ---- */

CF_CHECK(chk_err_opcode)
{
    static const uint8_t cand[] = {0x28, 0x2A, 0x25, 0x35};
    uint8_t op = 0;
    for (size_t i = 0; i < sizeof cand && !op; i++)
        if (!r->rsoc_ok || !rsoc_lists(r, cand[i]))
            op = cand[i];
    if (!op) {
        cf_skip(r, "no opcode known to be unsupported");
        return;
    }
    uint8_t cdb[10] = {op};
    struct cf_reply x;
    cf_clear_ua(r, CH);
    if (!cf_exec(r, CH, cdb, 10, XPORT_DIR_NONE, NULL, 0, 0, &x))
        return;
    /* EVIDENCE-OF: SPC-4 4.5.2 / SAM-5: an unsupported operation code is ILLEGAL REQUEST,
     * INVALID COMMAND OPERATION CODE (20/00); Linux ch maps it to EBADRQC. */
    char t[256];
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x20, 0x00)))
        cf_fail(r, "opcode %02Xh (not a changer command): expected 20/00, got %s", op,
                cf_reply_text(&x, t, sizeof t));
}

/* INQUIRY with reserved bit 5 of byte 1 set (SPC-4 Table 140: bits 7..2 reserved). */
static bool send_reserved_bit(struct conform_run *r, struct cf_reply *x)
{
    uint8_t cdb[6] = {0x12, 0x20, 0, 0, 36, 0};
    uint8_t b[36];
    cf_clear_ua(r, CH);
    return cf_exec(r, CH, cdb, 6, XPORT_DIR_IN, b, sizeof b, 0, x);
}

CF_CHECK(chk_err_reserved)
{
    struct cf_reply x;
    if (!send_reserved_bit(r, &x))
        return;
    /* EVIDENCE-OF: SPC-4 4.4.3 recipients may check reserved fields; one that does
     * reports ILLEGAL REQUEST, INVALID FIELD IN CDB (24/00). GOOD is allowed. */
    if (cf_good(&x)) {
        cf_skip(r, "reserved CDB bits are not checked (allowed by SPC-4 4.4.3)");
        return;
    }
    char t[256];
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
        cf_fail(r, "INQUIRY with a reserved bit set: expected GOOD or 24/00, got %s",
                cf_reply_text(&x, t, sizeof t));
}

CF_CHECK(chk_err_field_ptr)
{
    struct cf_reply x;
    if (!send_reserved_bit(r, &x))
        return;
    if (cf_good(&x)) {
        cf_skip(r, "reserved CDB bits are not checked");
        return;
    }
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00))) {
        cf_skip(r, "no 24/00 to examine");
        return;
    }
    /* EVIDENCE-OF: SPC-4 4.5.2.4.2 Table 46: SKSV=1, C/D=1, FIELD POINTER = byte 1, and
     * with BPV the BIT POINTER = 5; hosts point at the culprit with it (mhVTL #197,
     * maminfo PR #2). */
    if (x.sense.sks != T10_SKS_FIELD) {
        cf_fail(r, "24/00 without a sense-key specific field pointer (SKSV=0)");
        return;
    }
    if (!x.sense.field.cd)
        cf_fail(r, "field pointer has C/D=0 (parameter list) for a CDB field");
    if (x.sense.field.byte != 1)
        cf_fail(r, "field pointer names byte %u, the reserved bit is in byte 1",
                x.sense.field.byte);
    if (x.sense.field.bpv && x.sense.field.bit != 5)
        cf_fail(r, "bit pointer names bit %u, the reserved bit is bit 5", x.sense.field.bit);
}

CF_CHECK(chk_err_control)
{
    /* NACA=1 in the CONTROL byte of TEST UNIT READY. */
    uint8_t cdb[6] = {0x00, 0, 0, 0, 0, 0x04};
    struct cf_reply x;
    cf_clear_ua(r, CH);
    if (!cf_exec(r, CH, cdb, 6, XPORT_DIR_NONE, NULL, 0, 0, &x))
        return;
    /* EVIDENCE-OF: SPC-4 4.3.5.1 / SAM-5 5.10: a device that does not support NACA
     * (INQUIRY NORMACA=0) terminates a command with NACA=1 with 24/00. */
    uint8_t inq[36];
    struct cf_reply y;
    if (!cf_inquiry(r, CH, false, 0, inq, sizeof inq, &y) || !cf_good(&y) || y.xfer_len < 4)
        return;
    bool normaca = inq[3] & 0x20;
    char t[256];
    if (normaca) {
        cf_skip(r, "NORMACA=1: NACA is supported");
        return;
    }
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
        cf_fail(r, "NACA=1 with NORMACA=0: expected 24/00, got %s", cf_reply_text(&x, t, sizeof t));
    else if (x.sense.sks == T10_SKS_FIELD && x.sense.field.byte != 5)
        cf_fail(r, "field pointer names byte %u, the CONTROL byte is byte 5", x.sense.field.byte);
}

CF_CHECK(chk_err_mode_page)
{
    uint8_t b[255];
    struct cf_reply x;
    cf_clear_ua(r, CH);
    /* Page 3Eh is vendor space no changer here uses; 01h (read-write error recovery) is
     * a disk page. Use 01h when 3Eh is answered. */
    if (!cf_mode_sense(r, CH, false, false, 0x3E, b, sizeof b, &x))
        return;
    if (cf_good(&x) && !cf_mode_sense(r, CH, false, false, 0x01, b, sizeof b, &x))
        return;
    /* EVIDENCE-OF: SPC-4 6.11: an unsupported page code is ILLEGAL REQUEST, INVALID FIELD
     * IN CDB, pointing at byte 2. */
    char t[256];
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
        cf_fail(r, "MODE SENSE of an unsupported page: expected 24/00, got %s",
                cf_reply_text(&x, t, sizeof t));
    else if (x.sense.sks == T10_SKS_FIELD && x.sense.field.byte != 2)
        cf_fail(r, "field pointer names byte %u, the PAGE CODE is byte 2", x.sense.field.byte);
}

CF_CHECK(chk_err_log_page)
{
    uint8_t b[255];
    struct cf_reply x;
    cf_clear_ua(r, CH);
    if (!cf_log_sense(r, CH, 0x00, b, sizeof b, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "LOG SENSE not supported");
        return;
    }
    uint8_t page = 0x3E;
    if (cf_good(&x) && x.xfer_len >= 4) {
        size_t n = (size_t)t10_get_be16(b + 2);
        for (size_t i = 0; i < n && 4 + i < x.xfer_len; i++)
            if (b[4 + i] == page)
                page = 0x3D;
    }
    if (!cf_log_sense(r, CH, page, b, sizeof b, &x))
        return;
    /* EVIDENCE-OF: SPC-4 6.6: unsupported log page => 24/00 pointing at byte 2. */
    char t[256];
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
        cf_fail(r, "LOG SENSE page %02Xh (not listed): expected 24/00, got %s", page,
                cf_reply_text(&x, t, sizeof t));
    else if (x.sense.sks == T10_SKS_FIELD && x.sense.field.byte != 2)
        cf_fail(r, "field pointer names byte %u, the PAGE CODE is byte 2", x.sense.field.byte);
}

CF_CHECK(chk_err_sa)
{
    if (!r->rsoc_ok) {
        cf_skip(r, "MAINTENANCE IN (A3h) not known to be supported (no RSOC)");
        return;
    }
    /* MAINTENANCE IN service action 01h is not defined by SPC-4. */
    uint8_t cdb[12] = {0xA3, 0x01, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0};
    uint8_t b[64];
    struct cf_reply x;
    cf_clear_ua(r, CH);
    if (!cf_exec(r, CH, cdb, 12, XPORT_DIR_IN, b, sizeof b, 0, &x))
        return;
    /* EVIDENCE-OF: SPC-4 4.5.2.4.2: an unsupported service action is INVALID FIELD IN CDB
     * with the field pointer on the SERVICE ACTION byte (ID-9, mhVTL #197). */
    char t[256];
    if (!cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
        cf_fail(r, "MAINTENANCE IN service action 01h: expected 24/00, got %s",
                cf_reply_text(&x, t, sizeof t));
    else if (x.sense.sks != T10_SKS_FIELD)
        cf_fail(r, "24/00 without a field pointer");
    else if (x.sense.field.byte != 1)
        cf_fail(r, "field pointer names byte %u, the SERVICE ACTION is byte 1",
                x.sense.field.byte);
}

CF_CHECK(chk_err_sense_format)
{
    uint8_t b[255];
    struct cf_reply x;
    cf_clear_ua(r, CH);
    bool d_sense = false;
    if (cf_mode_sense(r, CH, false, true, 0x0A, b, sizeof b, &x) && cf_good(&x)) {
        const uint8_t *pg;
        size_t pl;
        struct t10_mode_control mc;
        if (t10_mode_find_page(b, x.xfer_len, false, 0x0A, 0, &pg, &pl) == T10_OK &&
            t10_mode_control_decode(pg, pl, &mc) == T10_OK)
            d_sense = mc.d_sense;
    } else {
        cf_note(r, "control mode page 0Ah not readable: D_SENSE taken as 0");
    }
    /* Provoke an error: invalid opcode. */
    uint8_t cdb[10] = {0x28};
    uint8_t raw_first = 0;
    if (!cf_exec(r, CH, cdb, 10, XPORT_DIR_NONE, NULL, 0, 0, &x))
        return;
    if (x.status != 0x02) {
        cf_skip(r, "no CHECK CONDITION to examine");
        return;
    }
    const struct conform_exchange *e = &r->cur->ex[r->cur->n_ex - 1];
    raw_first = e->sense_len ? e->sense[0] & 0x7F : 0;
    /* EVIDENCE-OF: SPC-4 4.5.1 and 7.5.8: D_SENSE=0 => fixed format (70h/71h), D_SENSE=1
     * => descriptor format (72h/73h); Linux st parses the cleaning bit only in fixed. */
    if (!x.has_sense)
        cf_fail(r, "CHECK CONDITION with sense response code %02Xh (not 70h-73h)", raw_first);
    else if (x.sense.descriptor != d_sense)
        cf_fail(r, "D_SENSE=%d but sense came in %s format (%02Xh)", d_sense,
                x.sense.descriptor ? "descriptor" : "fixed", raw_first);
}

/* ---- reservations (SPC-2 RESERVE/RELEASE(6)) ---- */

static bool reserve6(struct conform_run *r, struct conform_dev *d, const char *lu, bool release,
                     struct cf_reply *x)
{
    struct t10_cdb c = {.kind = release ? T10_CDB_RELEASE6 : T10_CDB_RESERVE6};
    return cf_cmd(r, d, lu, &c, XPORT_DIR_NONE, NULL, 0, x);
}

CF_CHECK(chk_res_reserve)
{
    struct conform_dev *b = fresh_nexus(r);
    if (!b)
        return;
    struct cf_reply x;
    static const uint8_t tur[6] = {0};
    cf_clear_ua(r, CH);
    cf_clear_ua(r, b, "changer#2");
    if (!reserve6(r, CH, false, &x))
        goto out;
    if (cf_unsupported(&x)) {
        cf_skip(r, "RESERVE(6) not supported");
        goto out;
    }
    if (!cf_expect_good(r, &x, "RESERVE(6) from nexus A"))
        goto out;
    /* EVIDENCE-OF: SPC-2 7.21: while A holds the reservation, other nexuses' commands
     * (TEST UNIT READY) get RESERVATION CONFLICT (18h). */
    if (cf_exec(r, b, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x) && x.status != 0x18) {
        char t[256];
        cf_fail(r, "TEST UNIT READY from nexus B under A's reservation: %s, expected "
                   "RESERVATION CONFLICT", cf_reply_text(&x, t, sizeof t));
    }
    if (cf_exec(r, CH, tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x))
        cf_expect_good(r, &x, "TEST UNIT READY from the holder");
    if (reserve6(r, CH, true, &x))
        cf_expect_good(r, &x, "RELEASE(6) from the holder");
    if (cf_exec(r, b, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x))
        cf_expect_good(r, &x, "TEST UNIT READY from nexus B after RELEASE");
out:
    reserve6(r, CH, true, &x);
    conform_dev_close(b);
}

CF_CHECK(chk_res_release_other)
{
    struct conform_dev *b = fresh_nexus(r);
    if (!b)
        return;
    struct cf_reply x;
    static const uint8_t tur[6] = {0};
    cf_clear_ua(r, CH);
    cf_clear_ua(r, b, "changer#2");
    if (!reserve6(r, CH, false, &x) || cf_unsupported(&x)) {
        cf_skip(r, "RESERVE(6) not supported");
        goto out;
    }
    if (!cf_expect_good(r, &x, "RESERVE(6) from nexus A"))
        goto out;
    /* EVIDENCE-OF: SPC-2 7.17: RELEASE from a nexus that holds no reservation is GOOD and
     * releases nothing. */
    if (reserve6(r, b, "changer#2", true, &x))
        cf_expect_good(r, &x, "RELEASE(6) from nexus B (not the holder)");
    if (cf_exec(r, b, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x) && x.status != 0x18)
        cf_fail(r, "nexus B's RELEASE removed A's reservation");
out:
    reserve6(r, CH, true, &x);
    conform_dev_close(b);
}

CF_CHECK(chk_res_exempt)
{
    struct conform_dev *b = fresh_nexus(r);
    if (!b)
        return;
    struct cf_reply x;
    cf_clear_ua(r, CH);
    cf_clear_ua(r, b, "changer#2");
    if (!reserve6(r, CH, false, &x) || cf_unsupported(&x)) {
        cf_skip(r, "RESERVE(6) not supported");
        goto out;
    }
    if (!cf_expect_good(r, &x, "RESERVE(6) from nexus A"))
        goto out;
    /* EVIDENCE-OF: SPC-2 5.5.1 Table 10: INQUIRY, REPORT LUNS and REQUEST SENSE are
     * allowed from other nexuses under a RESERVE(6) reservation (RS-5). */
    uint8_t buf[252];
    if (cf_inquiry(r, b, "changer#2", false, 0, buf, 96, &x))
        cf_expect_good(r, &x, "INQUIRY from nexus B under A's reservation");
    if (report_luns(r, b, "changer#2", buf, 248, &x))
        cf_expect_good(r, &x, "REPORT LUNS from nexus B under A's reservation");
    struct t10_cdb c = {.kind = T10_CDB_REQUEST_SENSE};
    c.u.request_sense.alloc_len = 252;
    if (cf_cmd(r, b, "changer#2", &c, XPORT_DIR_IN, buf, 252, &x))
        cf_expect_good(r, &x, "REQUEST SENSE from nexus B under A's reservation");
out:
    reserve6(r, CH, true, &x);
    conform_dev_close(b);
}

CF_CHECK(chk_pr_keys)
{
    uint8_t b[256];
    struct cf_reply x;
    struct t10_cdb c = {.kind = T10_CDB_PR_IN};
    c.u.pr_in.sa = T10_PRIN_READ_KEYS;
    c.u.pr_in.alloc_len = sizeof b;
    cf_clear_ua(r, CH);
    if (!cf_cmd(r, CH, &c, XPORT_DIR_IN, b, sizeof b, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "PERSISTENT RESERVE IN not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "PERSISTENT RESERVE IN, READ KEYS"))
        return;
    /* EVIDENCE-OF: SPC-4 6.15.2: PRGENERATION, ADDITIONAL LENGTH a multiple of 8. */
    uint32_t gen;
    uint64_t keys[16];
    size_t nk, listed;
    bool tr;
    if (t10_prin_keys_decode(b, x.xfer_len, &gen, keys, 16, &nk, &listed, &tr) != T10_OK)
        cf_fail(r, "READ KEYS returned %zu bytes, below the 8-byte header", x.xfer_len);
    else if (x.xfer_len >= 8 && t10_get_be32(b + 4) % 8)
        cf_fail(r, "ADDITIONAL LENGTH %u is not a multiple of 8", t10_get_be32(b + 4));
    else if (tr)
        cf_fail(r, "ADDITIONAL LENGTH announces %zu keys, the data holds %zu", listed, nk);
}

CF_CHECK(chk_pr_caps)
{
    uint8_t b[64];
    struct cf_reply x;
    struct t10_cdb c = {.kind = T10_CDB_PR_IN};
    c.u.pr_in.sa = T10_PRIN_REPORT_CAPABILITIES;
    c.u.pr_in.alloc_len = sizeof b;
    cf_clear_ua(r, CH);
    if (!cf_cmd(r, CH, &c, XPORT_DIR_IN, b, sizeof b, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "PERSISTENT RESERVE IN REPORT CAPABILITIES not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "PERSISTENT RESERVE IN, REPORT CAPABILITIES"))
        return;
    /* EVIDENCE-OF: SPC-4 6.15.4: LENGTH (bytes 0-1) is 8. */
    struct t10_prin_caps caps;
    if (x.xfer_len < 8 || t10_get_be16(b) != 8)
        cf_fail(r, "REPORT CAPABILITIES LENGTH %u (%zu bytes), expected 8",
                x.xfer_len >= 2 ? t10_get_be16(b) : 0, x.xfer_len);
    else if (t10_prin_caps_decode(b, x.xfer_len, &caps) != T10_OK)
        cf_fail(r, "REPORT CAPABILITIES does not decode");
    else if (caps.tmv && !(caps.type_mask & T10_PR_TYPE_BIT(T10_PR_EX_AC)) &&
             !(caps.type_mask & T10_PR_TYPE_BIT(T10_PR_WR_EX)))
        cf_note(r, "neither exclusive access nor write exclusive reservations offered");
}

static bool pr_out(struct conform_run *r, struct conform_dev *d, const char *lu, uint8_t sa,
                   uint8_t type, uint64_t key, uint64_t sa_key, struct cf_reply *x)
{
    struct t10_prout p = {.key = key, .sa_key = sa_key};
    uint8_t list[T10_PROUT_LEN];
    t10_prout_build(list, sizeof list, &p);
    struct t10_cdb c = {.kind = T10_CDB_PR_OUT};
    c.u.pr_out.sa = sa;
    c.u.pr_out.type = type;
    c.u.pr_out.param_len = sizeof list;
    return cf_cmd(r, d, lu, &c, XPORT_DIR_OUT, list, sizeof list, x);
}

static bool pr_in_resv(struct conform_run *r, struct conform_dev *d, const char *lu,
                       struct t10_prin_resv *out)
{
    uint8_t b[64];
    struct cf_reply x;
    struct t10_cdb c = {.kind = T10_CDB_PR_IN};
    c.u.pr_in.sa = T10_PRIN_READ_RESERVATION;
    c.u.pr_in.alloc_len = sizeof b;
    if (!cf_cmd(r, d, lu, &c, XPORT_DIR_IN, b, sizeof b, &x) ||
        !cf_expect_good(r, &x, "PERSISTENT RESERVE IN, READ RESERVATION"))
        return false;
    if (t10_prin_resv_decode(b, x.xfer_len, out) != T10_OK) {
        cf_fail(r, "READ RESERVATION data does not decode");
        return false;
    }
    return true;
}

CF_CHECK(chk_pr_reserve)
{
    static const uint64_t key_a = 0x4F52534D00000A01ull, key_b = 0x4F52534D00000B02ull;
    struct conform_dev *b = fresh_nexus(r);
    if (!b)
        return;
    static const uint8_t tur[6] = {0};
    struct cf_reply x;
    struct t10_prin_resv rv;
    cf_clear_ua(r, CH);
    cf_clear_ua(r, b, "changer#2");
    if (!pr_out(r, CH, T10_PROUT_REGISTER, 0, 0, key_a, &x))
        goto out;
    if (cf_unsupported(&x)) {
        cf_skip(r, "PERSISTENT RESERVE OUT not supported");
        goto out;
    }
    if (!cf_expect_good(r, &x, "REGISTER key A on nexus A") ||
        !pr_out(r, b, "changer#2", T10_PROUT_REGISTER, 0, 0, key_b, &x) ||
        !cf_expect_good(r, &x, "REGISTER key B on nexus B") ||
        !pr_out(r, CH, T10_PROUT_RESERVE, T10_PR_EX_AC, key_a, 0, &x) ||
        !cf_expect_good(r, &x, "RESERVE exclusive access with key A"))
        goto out;
    /* EVIDENCE-OF: SPC-4 5.9.x (Table 42): under an EXCLUSIVE ACCESS reservation another
     * I_T nexus, registered or not, gets RESERVATION CONFLICT for TEST UNIT READY but may
     * send INQUIRY and PERSISTENT RESERVE IN; READ RESERVATION names the holder's key and
     * type (RS-2, RS-5). */
    if (cf_exec(r, b, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x) && x.status != 0x18) {
        char t[256];
        cf_fail(r, "TEST UNIT READY from nexus B under A's exclusive access: %s",
                cf_reply_text(&x, t, sizeof t));
    }
    uint8_t inq[96];
    if (cf_inquiry(r, b, "changer#2", false, 0, inq, sizeof inq, &x))
        cf_expect_good(r, &x, "INQUIRY from nexus B under a persistent reservation");
    if (pr_in_resv(r, b, "changer#2", &rv) &&
        (!rv.held || rv.key != key_a || rv.type != T10_PR_EX_AC))
        cf_fail(r, "READ RESERVATION: held %d key %016llx type %u, expected key A type 3",
                rv.held, (unsigned long long)rv.key, rv.type);
    if (pr_out(r, CH, T10_PROUT_RELEASE, T10_PR_EX_AC, key_a, 0, &x))
        cf_expect_good(r, &x, "RELEASE with key A");
    if (cf_exec(r, b, "changer#2", tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x))
        cf_expect_good(r, &x, "TEST UNIT READY from nexus B after RELEASE");
    if (pr_in_resv(r, CH, &rv) && rv.held)
        cf_fail(r, "READ RESERVATION still shows a reservation after RELEASE");
out:
    /* Leave no registration behind: CLEAR from A (it is registered if anything is), then
     * unregister by REGISTER with a zero service action key. */
    pr_out(r, CH, T10_PROUT_CLEAR, 0, key_a, 0, &x);
    pr_out(r, CH, T10_PROUT_REGISTER, 0, key_a, 0, &x);
    pr_out(r, b, "changer#2", T10_PROUT_REGISTER, 0, key_b, 0, &x);
    conform_dev_close(b);
}
