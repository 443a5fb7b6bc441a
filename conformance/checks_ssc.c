/* SPDX-License-Identifier: MIT
 * conformance/checks_ssc.c - SSC-4 checks on the drive LUNs: identification and the drive
 * to element map, what Linux st reads at open, TapeAlert, MAM, and the data path (variable
 * and fixed blocks, ILI and residue, filemarks, SPACE, EOD and BLANK CHECK, READ POSITION,
 * LOCATE, REWIND, UNLOAD).
 *
 * Data-path checks write only to the --scratch cartridge, which is loaded into the first
 * mapped drive and put back by the motion journal; without --scratch they SKIP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conformance/internal.h"
#include "scsi/be.h"
#include "scsi/log.h"
#include "scsi/mam.h"
#include "scsi/ssc.h"
#include "scsi/vpd.h"

static bool need_drives(struct conform_run *r)
{
    if (r->n_drives == 0) {
        cf_skip(r, "no drive LUN found (REPORT LUNS on this target, or pass --drive URI)");
        return false;
    }
    return true;
}

static void lu_name(char *out, size_t cap, size_t i)
{
    snprintf(out, cap, "drive%u", (unsigned)(i + 1) & 0xFFu);
}

CF_CHECK(chk_drv_inquiry)
{
    if (!need_drives(r))
        return;
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16];
        lu_name(lu, sizeof lu, i);
        uint8_t b[96];
        struct cf_reply x;
        if (!cf_inquiry(r, r->drives[i].dev, lu, false, 0, b, sizeof b, &x) ||
            !cf_expect_good(r, &x, "drive INQUIRY"))
            continue;
        struct t10_inquiry q;
        /* EVIDENCE-OF: SPC-4 6.4.2 / SSC-4 4.1: PDT 01h, RMB=1 for a removable medium. */
        if (t10_inquiry_decode(b, x.xfer_len, &q) != T10_OK || q.pdt != T10_PDT_TAPE)
            cf_fail(r, "%s: PERIPHERAL DEVICE TYPE is not 01h", lu);
        else if (!q.rmb)
            cf_fail(r, "%s: RMB=0 on a tape drive", lu);
    }
}

CF_CHECK(chk_drv_map)
{
    if (!need_drives(r))
        return;
    /* The verdict rests on this check's own commands: each drive's VPD 80h and the DT
     * descriptors with DVCID=1. */
    struct conform_elem *e = calloc(CF_MAX_DRIVES * 4, sizeof *e);
    uint8_t *b = malloc(cf_res_alloc(r));
    struct cf_reply x;
    size_t n = 0;
    if (!e || !b)
        goto out;
    if (!cf_res(r, T10_ELEM_DT, 0, 0xFFFF, false, true, false, b, cf_res_alloc(r), &x))
        goto out;
    if (cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00))) {
        cf_fail(r, "DVCID not supported: drives can only be matched to elements by guesswork");
        goto out;
    }
    char why[128];
    bool tr;
    if (!cf_expect_good(r, &x, "READ ELEMENT STATUS DT with DVCID") ||
        !cf_parse_res(b, x.xfer_len, e, CF_MAX_DRIVES * 4, &n, &tr, why, sizeof why))
        goto out;
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16], serial[65] = "";
        lu_name(lu, sizeof lu, i);
        uint8_t v[255];
        if (cf_inquiry(r, r->drives[i].dev, lu, true, 0x80, v, sizeof v, &x) && cf_good(&x))
            t10_vpd_ascii_decode(v, x.xfer_len, 0x80, serial, sizeof serial);
        /* EVIDENCE-OF: SMC-3 6.10.3 DVCID: hosts map drive elements to drives by serial
         * (ID-5, PBS, Bareos); every drive LUN must be exactly one DT element. */
        unsigned hits = 0;
        uint16_t at = 0;
        /* PRODUCT SERIAL NUMBER is right-aligned (SPC-4 7.8.18): leading spaces are padding
         * (tgt sends 30 of them), not part of the serial an identifier carries. */
        const char *sn = serial;
        while (*sn == ' ')
            sn++;
        for (size_t k = 0; *sn && k < n; k++)
            if (strstr(e[k].ident, sn)) {
                hits++;
                at = e[k].addr;
            }
        if (!*sn)
            cf_fail(r, "%s: no VPD 80h serial to match", lu);
        else if (hits != 1)
            cf_fail(r, "%s (serial '%s') matches %u DT element identifiers", lu, serial, hits);
        else
            cf_note(r, "%s serial '%s' = DT %u", lu, serial, at);
    }
out:
    free(e);
    free(b);
}

CF_CHECK(chk_drv_vpd_ssc)
{
    if (!need_drives(r))
        return;
    static const uint8_t pages[] = {0xB0, 0xB1, 0xB2};
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16];
        lu_name(lu, sizeof lu, i);
        for (size_t k = 0; k < sizeof pages; k++) {
            uint8_t b[255];
            struct cf_reply x;
            if (!cf_inquiry(r, r->drives[i].dev, lu, true, pages[k], b, sizeof b, &x))
                continue;
            char t[256];
            /* EVIDENCE-OF: SSC-4 8.4 (ID-4): present with its own page code, or cleanly
             * rejected with 24/00. */
            if (cf_good(&x) && (x.xfer_len < 4 || b[1] != pages[k]))
                cf_fail(r, "%s: VPD %02Xh answered as page %02Xh", lu, pages[k],
                        x.xfer_len > 1 ? b[1] : 0);
            else if (!cf_good(&x) && !cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
                cf_fail(r, "%s: VPD %02Xh: %s", lu, pages[k], cf_reply_text(&x, t, sizeof t));
        }
    }
}

CF_CHECK(chk_drv_b4)
{
    if (!need_drives(r))
        return;
    unsigned tested = 0;
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16];
        lu_name(lu, sizeof lu, i);
        uint8_t b[64];
        struct cf_reply x;
        if (!cf_inquiry(r, r->drives[i].dev, lu, true, 0xB4, b, sizeof b, &x))
            continue;
        if (!cf_good(&x))
            continue;
        uint16_t a;
        tested++;
        /* EVIDENCE-OF: SSC-4 8.4.6 (ID-4): B4h holds the element address the changer
         * reports for this drive. */
        if (t10_vpd_b4_decode(b, x.xfer_len, &a) != T10_OK)
            cf_fail(r, "%s: VPD B4h does not decode", lu);
        else if (r->drives[i].elem_addr != 0xFFFF && a != r->drives[i].elem_addr)
            cf_fail(r, "%s: VPD B4h says element %u, the changer maps it to %u", lu, a,
                    r->drives[i].elem_addr);
    }
    if (!tested)
        cf_skip(r, "no drive offers VPD B4h");
}

CF_CHECK(chk_drv_nomedia)
{
    if (!need_drives(r))
        return;
    unsigned tested = 0;
    for (size_t i = 0; i < r->n_drives; i++) {
        bool empty = false;
        for (size_t k = 0; k < r->n_inv0; k++)
            if (r->inv0[k].addr == r->drives[i].elem_addr && !r->inv0[k].full)
                empty = true;
        if (!empty)
            continue;
        char lu[16];
        lu_name(lu, sizeof lu, i);
        cf_clear_ua(r, r->drives[i].dev, lu);
        static const uint8_t tur[6] = {0};
        struct cf_reply x;
        if (!cf_exec(r, r->drives[i].dev, lu, tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x))
            continue;
        tested++;
        char t[256];
        /* EVIDENCE-OF: SPC-4 6.47 / relied on by Linux st (test_ready): an empty drive is
         * NOT READY, MEDIUM NOT PRESENT 3A/xx (ENOMEDIUM). */
        if (!cf_sense_is(&x, 0x02, T10_ASC(0x3A, 0xFF)))
            cf_fail(r, "%s (empty): TEST UNIT READY %s, expected NOT READY 3A/xx", lu,
                    cf_reply_text(&x, t, sizeof t));
    }
    if (!tested)
        cf_skip(r, "no empty mapped drive");
}

CF_CHECK(chk_drv_rbl)
{
    if (!need_drives(r))
        return;
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16];
        lu_name(lu, sizeof lu, i);
        uint8_t b[6];
        struct cf_reply x;
        struct t10_cdb c = {.kind = T10_CDB_READ_BLOCK_LIMITS};
        cf_clear_ua(r, r->drives[i].dev, lu);
        if (!cf_cmd(r, r->drives[i].dev, lu, &c, XPORT_DIR_IN, b, 6, &x) ||
            !cf_expect_good(r, &x, "READ BLOCK LIMITS"))
            continue;
        struct t10_block_limits bl;
        /* EVIDENCE-OF: SSC-4 7.4: 6 bytes; MAXIMUM >= MINIMUM (Linux st at open). */
        if (t10_block_limits_decode(b, x.xfer_len, &bl) != T10_OK)
            cf_fail(r, "%s: %zu bytes of block limits", lu, x.xfer_len);
        else if (bl.max_len && bl.max_len < bl.min_len)
            cf_fail(r, "%s: maximum block length %u below minimum %u", lu, bl.max_len,
                    bl.min_len);
    }
}

CF_CHECK(chk_drv_mode_st)
{
    if (!need_drives(r))
        return;
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16];
        lu_name(lu, sizeof lu, i);
        uint8_t b[12];
        struct cf_reply x;
        cf_clear_ua(r, r->drives[i].dev, lu);
        /* Linux st check_tape: MODE SENSE(6), page 0, allocation 12. */
        uint8_t cdb[6] = {0x1A, 0, 0, 0, 12, 0};
        if (!cf_exec(r, r->drives[i].dev, lu, cdb, 6, XPORT_DIR_IN, b, 12, 0, &x) ||
            !cf_expect_good(r, &x, "MODE SENSE(6), 12 bytes"))
            continue;
        /* EVIDENCE-OF: SSC-4 8.3.2: header + one 8-byte block descriptor (st reads the
         * density, block length and WP from it). */
        if (x.xfer_len < 12 || b[3] != 8)
            cf_fail(r, "%s: BLOCK DESCRIPTOR LENGTH %u (%zu bytes), expected 8", lu,
                    x.xfer_len >= 4 ? b[3] : 0, x.xfer_len);
    }
}

CF_CHECK(chk_drv_log00)
{
    if (!need_drives(r))
        return;
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16];
        lu_name(lu, sizeof lu, i);
        uint8_t b[256];
        struct cf_reply x;
        if (!cf_log_sense(r, r->drives[i].dev, lu, 0, b, sizeof b, &x) ||
            !cf_expect_good(r, &x, "LOG SENSE 00h"))
            continue;
        uint8_t pages[64];
        size_t n;
        /* EVIDENCE-OF: SSC-4 8.2: TapeAlert page 2Eh is listed (TA-1). */
        if (t10_log_supported_decode(b, x.xfer_len, pages, 64, &n) != T10_OK)
            cf_fail(r, "%s: supported log pages do not decode", lu);
        else if (!memchr(pages, 0x2E, n < 64 ? n : 64))
            cf_fail(r, "%s: TapeAlert page 2Eh not listed", lu);
    }
}

static bool read_ta(struct conform_run *r, size_t i, uint64_t *flags, struct cf_reply *x)
{
    char lu[16];
    lu_name(lu, sizeof lu, i);
    uint8_t b[512];
    if (!cf_log_sense(r, r->drives[i].dev, lu, 0x2E, b, sizeof b, x) ||
        !cf_expect_good(r, x, "LOG SENSE 2Eh"))
        return false;
    bool tr;
    /* EVIDENCE-OF: SSC-4 8.2.3: 64 parameters 0001h-0040h, one byte each. */
    if (t10_log_tapealert_decode(b, x->xfer_len, flags, &tr) != T10_OK || tr) {
        cf_fail(r, "%s: TapeAlert page does not decode", lu);
        return false;
    }
    if (!r->resid_untrusted && x->xfer_len != 4 + 64 * 5)
        cf_fail(r, "%s: TapeAlert page is %zu bytes, 324 expected for 64 flags", lu, x->xfer_len);
    return true;
}

CF_CHECK(chk_drv_tapealert)
{
    if (!need_drives(r))
        return;
    for (size_t i = 0; i < r->n_drives; i++) {
        uint64_t f;
        struct cf_reply x;
        if (read_ta(r, i, &f, &x) && f)
            cf_note(r, "drive%zu TapeAlert flags %016llx", i + 1, (unsigned long long)f);
    }
}

CF_CHECK(chk_drv_ta_b2)
{
    if (!need_drives(r))
        return;
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16];
        lu_name(lu, sizeof lu, i);
        uint8_t b[64];
        struct cf_reply x;
        uint64_t sup, f;
        if (!cf_inquiry(r, r->drives[i].dev, lu, true, 0xB2, b, sizeof b, &x))
            continue;
        if (!cf_good(&x)) {
            cf_skip(r, "%s: VPD B2h not supported", lu);
            continue;
        }
        if (t10_vpd_b2_decode(b, x.xfer_len, &sup) != T10_OK) {
            cf_fail(r, "%s: VPD B2h does not decode", lu);
            continue;
        }
        /* EVIDENCE-OF: SSC-4 8.4.4 (TA-1): an active flag is one the drive says it
         * supports. */
        if (read_ta(r, i, &f, &x) && (f & ~sup))
            cf_fail(r, "%s: flags %016llx active but not in VPD B2h", lu,
                    (unsigned long long)(f & ~sup));
    }
}

struct dens_scan {
    unsigned n, unnamed, writable;
};
static enum t10_rc dens_one(const struct t10_density_desc *d, void *arg)
{
    struct dens_scan *s = arg;
    s->n++;
    s->unnamed += d->name[0] == '\0';
    s->writable += d->wrtok;
    return T10_OK;
}

CF_CHECK(chk_drv_density)
{
    if (!need_drives(r))
        return;
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16];
        lu_name(lu, sizeof lu, i);
        uint8_t b[4096];
        struct cf_reply x;
        struct t10_cdb c = {.kind = T10_CDB_REPORT_DENSITY_SUPPORT};
        c.u.density.alloc_len = sizeof b;
        cf_clear_ua(r, r->drives[i].dev, lu);
        if (!cf_cmd(r, r->drives[i].dev, lu, &c, XPORT_DIR_IN, b, sizeof b, &x) ||
            !cf_expect_good(r, &x, "REPORT DENSITY SUPPORT"))
            continue;
        struct dens_scan sc = {0};
        bool tr;
        /* EVIDENCE-OF: SSC-4 7.8 (TP-11): density support descriptors of 52 bytes, at least
         * one, each named, at least one writable. */
        if (t10_density_report_walk(b, x.xfer_len, dens_one, &sc, &tr) != T10_OK || tr)
            cf_fail(r, "%s: density descriptors do not decode", lu);
        else if (sc.n == 0)
            cf_fail(r, "%s: no density reported", lu);
        else if (sc.unnamed)
            cf_fail(r, "%s: %u densities without a DENSITY NAME", lu, sc.unnamed);
        else if (!sc.writable)
            cf_fail(r, "%s: no density with WRTOK", lu);
        else
            cf_note(r, "%s: %u densities, %u writable", lu, sc.n, sc.writable);
    }
}

CF_CHECK(chk_drv_compression)
{
    if (!need_drives(r))
        return;
    unsigned have = 0;
    for (size_t i = 0; i < r->n_drives; i++) {
        char lu[16];
        lu_name(lu, sizeof lu, i);
        uint8_t b[255];
        struct cf_reply x;
        if (!cf_mode_sense(r, r->drives[i].dev, lu, false, true, T10_MP_COMPRESSION, b, 255, &x))
            continue;
        if (cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00)))
            continue;
        if (!cf_expect_good(r, &x, "MODE SENSE(6) page 0Fh"))
            continue;
        have++;
        const uint8_t *pg;
        size_t pl;
        struct t10_mode_compression mc;
        /* EVIDENCE-OF: SSC-4 8.3.3 Data Compression page: PAGE LENGTH 0Eh (TP-7; LTFS and
         * Bacula read DCE). */
        if (t10_mode_find_page(b, x.xfer_len, false, T10_MP_COMPRESSION, 0, &pg, &pl) != T10_OK ||
            t10_mode_compression_decode(pg, pl, &mc) != T10_OK || pg[1] != 0x0E)
            cf_fail(r, "%s: page 0Fh missing, short or PAGE LENGTH not 0Eh", lu);
        else if (mc.dce && !mc.dcc)
            cf_fail(r, "%s: DCE=1 but DCC=0 (compression enabled, not capable)", lu);
    }
    if (!have)
        cf_skip(r, "no drive offers the data compression page");
}

/* ---- data path on the scratch cartridge ---- */

struct dp {
    struct conform_drive *dr;
    uint16_t dt;
};

/* Loads the scratch cartridge into the first mapped empty drive. */
static bool dp_setup(struct conform_run *r, struct dp *dp)
{
    if (!need_drives(r))
        return false;
    if (!r->opts.scratch) {
        cf_skip(r, "no --scratch cartridge named: data-path checks write to it");
        return false;
    }
    struct conform_elem *e = calloc(CONFORM_MAX_ELEMS, sizeof *e);
    size_t n = 0;
    if (!e || !cf_inventory(r, e, &n, false)) {
        free(e);
        cf_fail(r, "inventory not readable");
        return false;
    }
    const struct conform_elem *src = NULL;
    for (size_t i = 0; i < n; i++)
        if (e[i].full && strcmp(e[i].voltag, r->opts.scratch) == 0)
            src = &e[i];
    dp->dr = NULL;
    for (size_t k = 0; k < r->n_drives && !dp->dr; k++)
        for (size_t i = 0; i < n; i++)
            if (e[i].addr == r->drives[k].elem_addr && (!e[i].full || &e[i] == src))
                dp->dr = &r->drives[k];
    if (!src || !dp->dr) {
        cf_skip(r, "%s", !src ? "scratch cartridge not found in the library"
                              : "no empty mapped drive");
        free(e);
        return false;
    }
    dp->dt = dp->dr->elem_addr;
    uint16_t from = src->addr;
    free(e);
    struct cf_reply x;
    if (from != dp->dt) {
        if (!cf_move(r, cf_mt(r), from, dp->dt, false, &x) ||
            !cf_expect_good(r, &x, "load the scratch cartridge"))
            return false;
        char what[64];
        snprintf(what, sizeof what, "scratch load to ready, drive %u", dp->dt);
        if (!cf_wait_ready(r, dp->dr->dev, "drive", 600000, "load", what))
            return false;
    }
    cf_clear_ua(r, dp->dr->dev, "drive");
    struct t10_cdb c = {.kind = T10_CDB_REWIND};
    return cf_cmd(r, dp->dr->dev, "drive", &c, XPORT_DIR_NONE, NULL, 0, &x) &&
           cf_expect_good(r, &x, "REWIND");
}

#define DRV dp.dr->dev, "drive"

static bool dp_write(struct conform_run *r, struct dp *dpp, uint32_t len, uint8_t seed)
{
    struct dp dp = *dpp;
    uint8_t *b = malloc(len ? len : 1);
    if (!b)
        return false;
    for (uint32_t i = 0; i < len; i++)
        b[i] = (uint8_t)(seed + i * 7);
    struct t10_cdb c = {.kind = T10_CDB_WRITE6};
    c.u.rw6.xfer_len = len;
    struct cf_reply x;
    bool ok = cf_cmd(r, DRV, &c, XPORT_DIR_OUT, b, len, &x) && cf_expect_good(r, &x, "WRITE(6)");
    free(b);
    return ok;
}

static bool dp_fm(struct conform_run *r, struct dp *dpp, uint32_t n)
{
    struct dp dp = *dpp;
    struct t10_cdb c = {.kind = T10_CDB_WRITE_FILEMARKS6};
    c.u.write_fm.count = n;
    struct cf_reply x;
    return cf_cmd(r, DRV, &c, XPORT_DIR_NONE, NULL, 0, &x) &&
           cf_expect_good(r, &x, "WRITE FILEMARKS(6)");
}

static bool dp_rewind(struct conform_run *r, struct dp *dpp)
{
    struct dp dp = *dpp;
    struct t10_cdb c = {.kind = T10_CDB_REWIND};
    struct cf_reply x;
    double t0 = cf_now_ms();
    bool ok = cf_cmd(r, DRV, &c, XPORT_DIR_NONE, NULL, 0, &x) && cf_expect_good(r, &x, "REWIND");
    if (ok)
        cf_timing(r, "rewind", cf_now_ms() - t0, "rewind drive %u", dp.dt);
    return ok;
}

static bool dp_read(struct conform_run *r, struct dp *dpp, uint32_t len, bool sili, uint8_t *b,
                    struct cf_reply *x)
{
    struct dp dp = *dpp;
    struct t10_cdb c = {.kind = T10_CDB_READ6};
    c.u.rw6.xfer_len = len;
    c.u.rw6.sili = sili;
    return cf_cmd(r, DRV, &c, XPORT_DIR_IN, b, len, x);
}

/* Writes the standard pattern: blocks of 1000, 2000, 3000 bytes, a filemark, one block of
 * 500, a filemark. Leaves the tape rewound. */
static bool dp_pattern(struct conform_run *r, struct dp *dp)
{
    return dp_write(r, dp, 1000, 1) && dp_write(r, dp, 2000, 2) && dp_write(r, dp, 3000, 3) &&
           dp_fm(r, dp, 1) && dp_write(r, dp, 500, 4) && dp_fm(r, dp, 1) && dp_rewind(r, dp);
}

CF_CHECK(chk_dp_load)
{
    struct dp dp;
    if (!dp_setup(r, &dp))
        return;
    uint8_t b[20];
    struct cf_reply x;
    struct t10_cdb c = {.kind = T10_CDB_READ_POSITION};
    c.u.read_pos.sa = T10_RP_SHORT;
    c.u.read_pos.alloc_len = 20;
    /* EVIDENCE-OF: SSC-4 4.2.x: after a load the medium is at BOP (mhVTL: tape not at BOT
     * after reload). */
    if (cf_cmd(r, DRV, &c, XPORT_DIR_IN, b, 20, &x) && cf_expect_good(r, &x, "READ POSITION")) {
        struct t10_read_pos rp;
        if (t10_read_pos_decode(b, x.xfer_len, T10_RP_SHORT, &rp) != T10_OK)
            cf_fail(r, "READ POSITION short form does not decode");
        else if (!rp.bop || rp.first_lo != 0)
            cf_fail(r, "after load and rewind: BOP=%d, block %llu", rp.bop,
                    (unsigned long long)rp.first_lo);
    }
}

CF_CHECK(chk_dp_variable)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    static const uint32_t lens[3] = {1000, 2000, 3000};
    uint8_t b[4096];
    for (int i = 0; i < 3; i++) {
        struct cf_reply x;
        if (!dp_read(r, &dp, lens[i], false, b, &x) || !cf_expect_good(r, &x, "READ(6) variable"))
            return;
        /* EVIDENCE-OF: SSC-4 4.2.x: variable-block records read back as written. */
        bool same = x.xfer_len == lens[i];
        for (uint32_t k = 0; same && k < lens[i]; k++)
            same = b[k] == (uint8_t)(i + 1 + k * 7);
        if (!same)
            cf_fail(r, "record %d (%u bytes) read back differently (%zu bytes)", i, lens[i],
                    x.xfer_len);
    }
}

static void ili_check(struct conform_run *r, uint32_t ask, int32_t want_resid)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    uint8_t b[4096];
    struct cf_reply x;
    if (!dp_read(r, &dp, ask, false, b, &x))
        return;
    char t[256];
    /* EVIDENCE-OF: SSC-4 5.3.x READ: a record of another length than requested gives
     * CHECK CONDITION, ILI=1, VALID=1, INFORMATION = requested - actual (negative when the
     * record is longer), sense key NO SENSE (TP-2; Bacula reads 64 KiB into smaller). */
    if (!(x.status == 0x02 && x.has_sense && x.sense.ili)) {
        cf_fail(r, "READ %u of a 1000-byte record: expected ILI, got %s", ask,
                cf_reply_text(&x, t, sizeof t));
        return;
    }
    if (!x.sense.info_valid || (int32_t)(uint32_t)x.sense.info != want_resid)
        cf_fail(r, "INFORMATION %d (VALID=%d), expected residue %d", (int32_t)(uint32_t)x.sense.info,
                x.sense.info_valid, want_resid);
    if (x.sense.key != 0)
        cf_fail(r, "ILI reported with sense key %s, expected NO SENSE",
                t10_sense_key_name(x.sense.key));
}

CF_CHECK(chk_dp_ili_long) { ili_check(r, 1500, 500); }
CF_CHECK(chk_dp_ili_short) { ili_check(r, 600, -400); }

CF_CHECK(chk_dp_fixed)
{
    struct dp dp;
    if (!dp_setup(r, &dp))
        return;
    /* MODE SELECT(6): header + block descriptor with block length 512. */
    uint8_t ms[12] = {0, 0, 0x10, 8, 0, 0, 0, 0, 0, 0, 0x02, 0x00};
    struct t10_cdb c = {.kind = T10_CDB_MODE_SELECT6};
    c.u.mode_select.pf = true;
    c.u.mode_select.param_len = 12;
    struct cf_reply x;
    if (!cf_cmd(r, DRV, &c, XPORT_DIR_OUT, ms, 12, &x) ||
        !cf_expect_good(r, &x, "MODE SELECT block length 512"))
        return;
    uint8_t b[2048];
    for (int i = 0; i < 2048; i++)
        b[i] = (uint8_t)(i * 3);
    struct t10_cdb w = {.kind = T10_CDB_WRITE6};
    w.u.rw6.fixed = true;
    w.u.rw6.xfer_len = 4;
    if (cf_cmd(r, DRV, &w, XPORT_DIR_OUT, b, 2048, &x) && cf_expect_good(r, &x, "WRITE(6) 4 fixed") &&
        dp_rewind(r, &dp)) {
        uint8_t rb[2048];
        struct t10_cdb rd = {.kind = T10_CDB_READ6};
        rd.u.rw6.fixed = true;
        rd.u.rw6.xfer_len = 4;
        /* EVIDENCE-OF: SSC-4 5.x: FIXED=1 transfers TRANSFER LENGTH blocks of the mode's
         * block length (TP-2). */
        if (cf_cmd(r, DRV, &rd, XPORT_DIR_IN, rb, 2048, &x) && cf_expect_good(r, &x, "READ(6) 4 fixed") &&
            (x.xfer_len != 2048 || memcmp(rb, b, 2048) != 0))
            cf_fail(r, "fixed blocks read back differently (%zu bytes)", x.xfer_len);
    }
    ms[10] = 0; /* back to variable */
    cf_cmd(r, DRV, &c, XPORT_DIR_OUT, ms, 12, &x);
}

CF_CHECK(chk_dp_filemark)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    uint8_t b[4096];
    struct cf_reply x;
    for (int i = 0; i < 3; i++)
        if (!dp_read(r, &dp, 4096, true, b, &x))
            return;
    if (!dp_read(r, &dp, 4096, true, b, &x))
        return;
    char t[256];
    /* EVIDENCE-OF: SSC-4: reading a filemark => CHECK CONDITION, NO SENSE, FILEMARK=1,
     * 00/01 (TP-5). */
    if (!cf_sense_is(&x, 0x00, T10_ASC(0x00, 0x01)) || !x.sense.filemark)
        cf_fail(r, "read at a filemark: %s", cf_reply_text(&x, t, sizeof t));
}

static bool dp_space(struct conform_run *r, struct dp *dpp, uint8_t code, int32_t count,
                     struct cf_reply *x)
{
    struct dp dp = *dpp;
    struct t10_cdb c = {.kind = T10_CDB_SPACE6};
    c.u.space.code = code;
    c.u.space.count = count;
    return cf_cmd(r, DRV, &c, XPORT_DIR_NONE, NULL, 0, x);
}

static bool dp_pos(struct conform_run *r, struct dp *dpp, uint64_t *blk)
{
    struct dp dp = *dpp;
    uint8_t b[20];
    struct cf_reply x;
    struct t10_cdb c = {.kind = T10_CDB_READ_POSITION};
    c.u.read_pos.alloc_len = 20;
    struct t10_read_pos rp;
    if (!cf_cmd(r, DRV, &c, XPORT_DIR_IN, b, 20, &x) || !cf_expect_good(r, &x, "READ POSITION"))
        return false;
    if (t10_read_pos_decode(b, x.xfer_len, T10_RP_SHORT, &rp) != T10_OK) {
        cf_fail(r, "READ POSITION does not decode");
        return false;
    }
    *blk = rp.first_lo;
    return true;
}

CF_CHECK(chk_dp_space_fm)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    struct cf_reply x;
    uint64_t blk;
    /* EVIDENCE-OF: SSC-4 7.x SPACE: filemarks forward, the position after the mark;
     * block numbers count filemarks (3 records + 1 mark = block 4). */
    if (dp_space(r, &dp, T10_SPACE_FILEMARKS, 1, &x) && cf_expect_good(r, &x, "SPACE 1 filemark") &&
        dp_pos(r, &dp, &blk) && blk != 4)
        cf_fail(r, "after SPACE 1 filemark: block %llu, expected 4", (unsigned long long)blk);
    if (dp_space(r, &dp, T10_SPACE_FILEMARKS, -1, &x) &&
        cf_expect_good(r, &x, "SPACE -1 filemark") && dp_pos(r, &dp, &blk) && blk != 3)
        cf_fail(r, "after SPACE -1 filemark: block %llu, expected 3", (unsigned long long)blk);
}

CF_CHECK(chk_dp_space_blocks_fm)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    struct cf_reply x;
    if (!dp_space(r, &dp, T10_SPACE_BLOCKS, 5, &x))
        return;
    char t[256];
    /* EVIDENCE-OF: SSC-4 SPACE blocks: crossing a filemark stops after it with FILEMARK=1,
     * 00/01 and INFORMATION = count not spaced (5 - 3 = 2) (TP-5). */
    if (!cf_sense_is(&x, 0x00, T10_ASC(0x00, 0x01)) || !x.sense.filemark)
        cf_fail(r, "SPACE 5 blocks over a filemark: %s", cf_reply_text(&x, t, sizeof t));
    else if (!x.sense.info_valid || x.sense.info != 2)
        cf_fail(r, "residue %llu (VALID=%d), expected 2", (unsigned long long)x.sense.info,
                x.sense.info_valid);
}

CF_CHECK(chk_dp_eod)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    struct cf_reply x;
    uint64_t blk;
    if (!dp_space(r, &dp, T10_SPACE_EOD, 0, &x) || !cf_expect_good(r, &x, "SPACE to EOD"))
        return;
    if (dp_pos(r, &dp, &blk) && blk != 6)
        cf_fail(r, "at EOD: block %llu, expected 6", (unsigned long long)blk);
    uint8_t b[512];
    if (!dp_read(r, &dp, 512, true, b, &x))
        return;
    char t[256];
    /* EVIDENCE-OF: SSC-4: reading at EOD => BLANK CHECK, END-OF-DATA DETECTED 08/00/05
     * (TP-5). */
    if (!cf_sense_is(&x, 0x08, T10_ASC(0x00, 0x05)))
        cf_fail(r, "READ at EOD: expected BLANK CHECK 00/05, got %s", cf_reply_text(&x, t, sizeof t));
}

CF_CHECK(chk_dp_readpos)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    uint8_t b[4096];
    struct cf_reply x;
    uint64_t blk;
    /* EVIDENCE-OF: SSC-4 7.7.2: FIRST LOGICAL OBJECT LOCATION counts records read. */
    if (dp_read(r, &dp, 4096, true, b, &x) && dp_read(r, &dp, 4096, true, b, &x) &&
        dp_pos(r, &dp, &blk) && blk != 2)
        cf_fail(r, "after reading 2 records: block %llu", (unsigned long long)blk);
}

CF_CHECK(chk_dp_readpos_long)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    struct cf_reply x;
    uint8_t b[32];
    if (!dp_space(r, &dp, T10_SPACE_FILEMARKS, 1, &x))
        return;
    struct t10_cdb c = {.kind = T10_CDB_READ_POSITION};
    c.u.read_pos.sa = T10_RP_LONG;
    c.u.read_pos.alloc_len = 32;
    if (!cf_cmd(r, DRV, &c, XPORT_DIR_IN, b, 32, &x))
        return;
    if (cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00))) {
        cf_skip(r, "READ POSITION long form not supported");
        return;
    }
    struct t10_read_pos rp;
    /* EVIDENCE-OF: SSC-4 7.7.3: long form LOGICAL OBJECT NUMBER and LOGICAL FILE
     * IDENTIFIER (mhVTL had wrong long-form flags). */
    if (cf_expect_good(r, &x, "READ POSITION long") &&
        (t10_read_pos_decode(b, x.xfer_len, T10_RP_LONG, &rp) != T10_OK || rp.lo_number != 4 ||
         rp.file_id != 1 || rp.mpu || rp.lonu))
        cf_fail(r, "long form after 1 filemark: object %llu file %llu MPU %d LONU %d, expected 4/1",
                (unsigned long long)rp.lo_number, (unsigned long long)rp.file_id, rp.mpu, rp.lonu);
}

CF_CHECK(chk_dp_locate)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    struct t10_cdb c = {.kind = T10_CDB_LOCATE10};
    c.u.locate.lo_id = 2;
    struct cf_reply x;
    uint64_t blk;
    uint8_t b[4096];
    if (!cf_cmd(r, DRV, &c, XPORT_DIR_NONE, NULL, 0, &x) || !cf_expect_good(r, &x, "LOCATE(10) 2"))
        return;
    /* EVIDENCE-OF: SSC-4 7.6: after LOCATE to object 2, READ POSITION says 2 and the next
     * read returns the third record (3000 bytes) (TP-6). */
    if (dp_pos(r, &dp, &blk) && blk != 2)
        cf_fail(r, "after LOCATE 2: block %llu", (unsigned long long)blk);
    if (dp_read(r, &dp, 4096, true, b, &x) && cf_expect_good(r, &x, "READ after LOCATE") &&
        x.xfer_len != 3000)
        cf_fail(r, "read after LOCATE 2 returned %zu bytes, record 2 has 3000", x.xfer_len);
}

CF_CHECK(chk_dp_locate16)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    struct t10_cdb c = {.kind = T10_CDB_LOCATE16};
    c.u.locate.dest_type = T10_LOCATE_OBJECT;
    c.u.locate.lo_id = 4;
    struct cf_reply x;
    if (!cf_cmd(r, DRV, &c, XPORT_DIR_NONE, NULL, 0, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "LOCATE(16) not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "LOCATE(16) object 4"))
        return;
    uint64_t blk;
    uint8_t b[4096];
    /* EVIDENCE-OF: SSC-4 7.5 LOCATE(16), DEST_TYPE 000b: object 4 is the 500-byte record
     * after the first filemark (TP-6; LTFS positions with LOCATE(16)). */
    if (dp_pos(r, &dp, &blk) && blk != 4)
        cf_fail(r, "after LOCATE(16) 4: block %llu", (unsigned long long)blk);
    if (dp_read(r, &dp, 4096, true, b, &x) && cf_expect_good(r, &x, "READ after LOCATE(16)") &&
        x.xfer_len != 500)
        cf_fail(r, "read after LOCATE(16) 4 returned %zu bytes, record 4 has 500", x.xfer_len);
}

CF_CHECK(chk_dp_readpos_ext)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_pattern(r, &dp))
        return;
    struct cf_reply x;
    uint8_t b[4096];
    if (!dp_read(r, &dp, 4096, true, b, &x))
        return;
    uint8_t rb[32];
    struct t10_cdb c = {.kind = T10_CDB_READ_POSITION};
    c.u.read_pos.sa = T10_RP_EXTENDED;
    c.u.read_pos.alloc_len = 32;
    if (!cf_cmd(r, DRV, &c, XPORT_DIR_IN, rb, 32, &x))
        return;
    if (cf_sense_is(&x, 0x05, T10_ASC(0x24, 0x00))) {
        cf_skip(r, "READ POSITION extended form not supported");
        return;
    }
    struct t10_read_pos rp;
    /* EVIDENCE-OF: SSC-4 7.7.4: extended form, ADDITIONAL LENGTH 1Ch, FIRST LOGICAL OBJECT
     * LOCATION 1 after reading one record, BOP=0. */
    if (!cf_expect_good(r, &x, "READ POSITION extended"))
        return;
    if (t10_read_pos_decode(rb, x.xfer_len, T10_RP_EXTENDED, &rp) != T10_OK)
        cf_fail(r, "extended form does not decode (%zu bytes)", x.xfer_len);
    else if (rp.first_lo != 1 || rp.bop)
        cf_fail(r, "extended form after one record: object %llu, BOP %d",
                (unsigned long long)rp.first_lo, rp.bop);
    else if (x.xfer_len >= 4 && t10_get_be16(rb + 2) != 0x1C)
        cf_fail(r, "ADDITIONAL LENGTH %u, expected 1Ch", t10_get_be16(rb + 2));
}

CF_CHECK(chk_dp_rewind)
{
    struct dp dp;
    if (!dp_setup(r, &dp) || !dp_write(r, &dp, 100, 9))
        return;
    uint64_t blk = 1;
    /* EVIDENCE-OF: SSC-4 7.x REWIND: position 0 at BOP; time recorded. */
    if (dp_rewind(r, &dp) && dp_pos(r, &dp, &blk) && blk != 0)
        cf_fail(r, "after REWIND: block %llu", (unsigned long long)blk);
}

static bool mam(struct conform_run *r, struct dp *dpp, uint8_t sa, uint16_t first, uint8_t *b,
                uint32_t alloc, struct cf_reply *x)
{
    struct dp dp = *dpp;
    struct t10_cdb c = {.kind = T10_CDB_READ_ATTRIBUTE};
    c.u.read_attr.sa = sa;
    c.u.read_attr.first_attr = first;
    c.u.read_attr.alloc_len = alloc;
    return cf_cmd(r, DRV, &c, XPORT_DIR_IN, b, alloc, x);
}

CF_CHECK(chk_mam_supported)
{
    struct dp dp;
    if (!dp_setup(r, &dp))
        return;
    uint8_t b[1024];
    struct cf_reply x;
    if (!mam(r, &dp, T10_RA_SUPPORTED, 0, b, sizeof b, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "READ ATTRIBUTE not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "READ ATTRIBUTE supported attributes"))
        return;
    uint16_t ids[256];
    size_t n, listed;
    bool tr;
    /* EVIDENCE-OF: SPC-4 6.16: SUPPORTED ATTRIBUTES lists identifiers ascending; MAM
     * device attributes 0000h-0003h are mandatory for LTO (MA-1). */
    if (t10_mam_list_decode(b, x.xfer_len, ids, 256, &n, &listed, &tr) != T10_OK) {
        cf_fail(r, "supported attribute list does not decode");
        return;
    }
    for (size_t i = 1; i < n; i++)
        if (ids[i] <= ids[i - 1])
            cf_fail(r, "attribute list not ascending at %04Xh", ids[i]);
    if (n == 0)
        cf_fail(r, "no attributes listed");
}

static enum t10_rc mam_count(const struct t10_mam_attr *a, void *arg)
{
    (void)a;
    ++*(unsigned *)arg;
    return T10_OK;
}

CF_CHECK(chk_mam_values)
{
    struct dp dp;
    if (!dp_setup(r, &dp))
        return;
    uint8_t b[4096];
    struct cf_reply x;
    if (!mam(r, &dp, T10_RA_VALUES, 0, b, sizeof b, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "READ ATTRIBUTE not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "READ ATTRIBUTE values"))
        return;
    bool tr;
    unsigned n_attr = 0;
    /* EVIDENCE-OF: SPC-4 7.4: attributes in ascending identifier order, each with its
     * length; the walk ends exactly at AVAILABLE DATA (MA-2). */
    if (t10_mam_values_walk(b, x.xfer_len, mam_count, &n_attr, &tr) != T10_OK)
        cf_fail(r, "attribute values do not decode");
    else if (tr && x.xfer_len < sizeof b && !r->resid_untrusted)
        cf_fail(r, "an attribute runs past AVAILABLE DATA %u (%zu bytes received, %u attributes "
                   "whole)", x.xfer_len >= 4 ? t10_get_be32(b) : 0, x.xfer_len, n_attr);
}

CF_CHECK(chk_mam_alloc)
{
    struct dp dp;
    if (!dp_setup(r, &dp))
        return;
    uint8_t full[4096], b[4];
    struct cf_reply x, y;
    if (!mam(r, &dp, T10_RA_VALUES, 0, full, sizeof full, &x))
        return;
    if (cf_unsupported(&x)) {
        cf_skip(r, "READ ATTRIBUTE not supported");
        return;
    }
    if (!cf_expect_good(r, &x, "READ ATTRIBUTE") || !mam(r, &dp, T10_RA_VALUES, 0, b, 4, &y) ||
        !cf_expect_good(r, &y, "READ ATTRIBUTE, ALLOCATION LENGTH 4"))
        return;
    /* EVIDENCE-OF: SPC-4 6.16: AVAILABLE DATA is not adjusted to the ALLOCATION LENGTH
     * (MA-1: allocation-length clamping). */
    if (y.xfer_len != 4 || t10_get_be32(b) != t10_get_be32(full))
        cf_fail(r, "AVAILABLE DATA %u truncated vs %u full (%zu bytes)",
                y.xfer_len >= 4 ? t10_get_be32(b) : 0, t10_get_be32(full), y.xfer_len);
}

CF_CHECK(chk_dp_unload)
{
    struct dp dp;
    if (!dp_setup(r, &dp))
        return;
    struct t10_cdb c = {.kind = T10_CDB_LOAD_UNLOAD};
    struct cf_reply x;
    double t0 = cf_now_ms();
    if (!cf_cmd(r, DRV, &c, XPORT_DIR_NONE, NULL, 0, &x) || !cf_expect_good(r, &x, "UNLOAD"))
        return;
    cf_timing(r, "unload", cf_now_ms() - t0, "unload drive %u", dp.dt);
    static const uint8_t tur[6] = {0};
    /* EVIDENCE-OF: SSC-4 7.3 LOAD UNLOAD LOAD=0: the drive is not ready until reloaded
     * (MV-3: the changer can take the cartridge). */
    if (cf_exec(r, DRV, tur, 6, XPORT_DIR_NONE, NULL, 0, 0, &x) && cf_good(&x))
        cf_fail(r, "TEST UNIT READY GOOD after UNLOAD");
}
