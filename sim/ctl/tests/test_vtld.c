/* SPDX-License-Identifier: MIT
 * End-to-end tests of vtld: the daemon is started on a free loopback port and checked
 * with libiscsi's own tools (iscsi-ls, iscsi-inq), with a libiscsi client (through
 * transport/'s iscsi:// scheme), and with vtlctl. Every test stops what it started.
 *
 * Binaries come from $B/bin (B defaults to "build"), so `make asan` tests the sanitized
 * daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <iscsi/iscsi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scsi/cdb.h"
#include "scsi/elem.h"
#include "scsi/sense.h"
#include "tests/lib/cutest.h"
#include "tests/lib/daemon.h"
#include "transport/transport.h"

#define IQN "iqn.2026-11.org.openrsm:default"

static char dir[256];      /* this suite's temporary directory */
static struct test_vtld vd;

static int suite_init(void)
{
    test_mkdtemp(dir, sizeof dir);
    return test_vtld_start(&vd, dir, NULL) != 0;
}

static int suite_clean(void)
{
    test_vtld_stop(&vd, SIGTERM);
    test_rmtree(dir);
    return 0;
}

static void lun_uri(unsigned lun, char *out, size_t cap)
{
    snprintf(out, cap, "iscsi://127.0.0.1:%u/" IQN "/%u", vd.port, lun);
}

/* Executes a CDB built from @c, retrying past unit attentions (up to 5). */
static int exec_cdb(struct xport *xp, const struct t10_cdb *c, enum xport_dir dir_, void *buf,
                    size_t len, struct xport_cmd *out, bool skip_ua)
{
    uint8_t cdb[T10_CDB_MAX];
    size_t n = t10_cdb_build(cdb, sizeof cdb, c);
    CU_ASSERT_FATAL(n > 0);
    for (int i = 0; i < 6; i++) {
        struct xport_cmd cmd = {.cdb = cdb, .cdb_len = n, .dir = dir_, .buf = buf, .buf_len = len,
                                .timeout_ms = 20000};
        if (xport_exec(xp, &cmd) != XPORT_OK) {
            fprintf(stderr, "transport: %s\n", xport_error(xp));
            return -1;
        }
        *out = cmd;
        struct t10_sense s;
        if (skip_ua && cmd.status == 2 && t10_sense_parse(cmd.sense, cmd.sense_len, &s) == T10_OK &&
            s.key == 6)
            continue;
        return cmd.status;
    }
    return out->status;
}

static void test_iscsi_ls_lists_target_and_luns(void)
{
    char url[128], out[8192];
    snprintf(url, sizeof url, "iscsi://127.0.0.1:%u", vd.port);
    char *argv[] = {"iscsi-ls", "-s", url, NULL};
    int rc = test_run_capture(argv, out, sizeof out);
    if (rc != 0)
        fprintf(stderr, "iscsi-ls: %s\n", out);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, IQN));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Lun:0"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "MEDIA_CHANGER"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Lun:1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Lun:2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "SEQUENTIAL_ACCESS"));
}

static void test_iscsi_inq_reports_changer_identity(void)
{
    char url[200], out[8192];
    lun_uri(0, url, sizeof url);
    char *argv[] = {"iscsi-inq", url, NULL};
    int rc = test_run_capture(argv, out, sizeof out);
    if (rc != 0)
        fprintf(stderr, "iscsi-inq: %s\n", out);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "MEDIA_CHANGER"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "IBM"));
    /* VPD 0x80 (page code in decimal for iscsi-inq): the unit serial number. */
    char *argv2[] = {"iscsi-inq", "-e", "1", "-c", "128", url, NULL};
    rc = test_run_capture(argv2, out, sizeof out);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Unit Serial Number"));
}

struct barcodes {
    unsigned n_full, n_desc;
    char first[40];
};

static enum t10_rc count_desc(const struct t10_elem_desc *d, void *arg)
{
    struct barcodes *b = arg;
    b->n_desc++;
    if (d->full) {
        if (b->n_full++ == 0)
            snprintf(b->first, sizeof b->first, "%s", d->pvoltag.id);
    }
    return T10_OK;
}

static void test_element_status_with_barcodes_over_iscsi(void)
{
    char url[200], err[256];
    lun_uri(0, url, sizeof url);
    struct xport *xp;
    CU_ASSERT_EQUAL_FATAL(xport_open(url, &xp, err, sizeof err), XPORT_OK);
    static uint8_t buf[65536];
    struct t10_cdb c = {.kind = T10_CDB_READ_ELEMENT_STATUS};
    c.u.res = (struct t10_cdb_res){.voltag = true, .elem_type = 2, .start_addr = 0,
                                   .n_elems = 1000, .alloc_len = sizeof buf};
    struct xport_cmd r;
    CU_ASSERT_EQUAL_FATAL(exec_cdb(xp, &c, XPORT_DIR_IN, buf, sizeof buf, &r, true), 0);
    struct barcodes b = {0};
    bool truncated = true;
    struct t10_elem_status_hdr hdr;
    CU_ASSERT_EQUAL(t10_elem_status_walk(buf, r.xfer_len, &hdr, count_desc, &b, &truncated), T10_OK);
    CU_ASSERT_FALSE(truncated);
    CU_ASSERT_EQUAL(b.n_desc, 24);   /* the default library's storage slots */
    CU_ASSERT_EQUAL(b.n_full, 21);   /* 20 data cartridges and a cleaner */
    CU_ASSERT_STRING_EQUAL(b.first, "A00000L8");
    xport_close(xp);
}

static void test_drive_luns_are_tape_drives(void)
{
    for (unsigned lun = 1; lun <= 2; lun++) {
        char url[200], err[256];
        lun_uri(lun, url, sizeof url);
        struct xport *xp;
        CU_ASSERT_EQUAL_FATAL(xport_open(url, &xp, err, sizeof err), XPORT_OK);
        uint8_t buf[96];
        struct t10_cdb c = {.kind = T10_CDB_INQUIRY};
        c.u.inquiry.alloc_len = sizeof buf;
        struct xport_cmd r;
        CU_ASSERT_EQUAL(exec_cdb(xp, &c, XPORT_DIR_IN, buf, sizeof buf, &r, false), 0);
        CU_ASSERT_EQUAL(buf[0] & 0x1F, 0x01);   /* sequential-access device */
        CU_ASSERT_TRUE(buf[1] & 0x80);          /* removable medium */
        xport_close(xp);
    }
}

/* A cartridge moved into drive 1 is written and read back through the drive's LUN:
 * variable blocks, a filemark, REWIND, READ with the filemark reported in the sense. */
static void test_write_read_filemark_round_trip_through_drive(void)
{
    char url[200], err[256];
    struct xport *chg, *drv;
    lun_uri(0, url, sizeof url);
    CU_ASSERT_EQUAL_FATAL(xport_open(url, &chg, err, sizeof err), XPORT_OK);
    lun_uri(1, url, sizeof url);
    CU_ASSERT_EQUAL_FATAL(xport_open(url, &drv, err, sizeof err), XPORT_OK);

    /* Find drive 1's element and a full slot. */
    static uint8_t buf[65536];
    struct t10_cdb c = {.kind = T10_CDB_READ_ELEMENT_STATUS};
    c.u.res = (struct t10_cdb_res){.voltag = true, .elem_type = 4, .n_elems = 10,
                                   .alloc_len = sizeof buf};
    struct xport_cmd r;
    struct t10_elem_status_hdr hdr;
    bool trunc;
    CU_ASSERT_EQUAL_FATAL(exec_cdb(chg, &c, XPORT_DIR_IN, buf, sizeof buf, &r, true), 0);
    struct barcodes bd = {0};
    t10_elem_status_walk(buf, r.xfer_len, &hdr, count_desc, &bd, &trunc);
    uint16_t drive_addr = hdr.first_addr;
    CU_ASSERT_EQUAL_FATAL(bd.n_full, 0);
    c.u.res.elem_type = 2;
    CU_ASSERT_EQUAL_FATAL(exec_cdb(chg, &c, XPORT_DIR_IN, buf, sizeof buf, &r, true), 0);
    struct barcodes bs = {0};
    t10_elem_status_walk(buf, r.xfer_len, &hdr, count_desc, &bs, &trunc);
    /* The slot after the first (the first may have moved in an earlier test). */
    uint16_t slot = (uint16_t)(hdr.first_addr + 2);

    struct t10_cdb mv = {.kind = T10_CDB_MOVE_MEDIUM};
    mv.u.move.src = slot;
    mv.u.move.dst = drive_addr;
    CU_ASSERT_EQUAL_FATAL(exec_cdb(chg, &mv, XPORT_DIR_NONE, NULL, 0, &r, true), 0);

    /* TEST UNIT READY until the load has threaded (04/01 and 28/00 on the way). */
    struct t10_cdb tur = {.kind = T10_CDB_TEST_UNIT_READY};
    int st = -1;
    for (int i = 0; i < 200 && st != 0; i++) {
        st = exec_cdb(drv, &tur, XPORT_DIR_NONE, NULL, 0, &r, true);
        if (st != 0)
            test_msleep(10);
    }
    CU_ASSERT_EQUAL_FATAL(st, 0);

    static uint8_t block[3][65536], back[65536 + 512];
    for (int b = 0; b < 3; b++)
        for (size_t i = 0; i < sizeof block[b]; i++)
            block[b][i] = (uint8_t)(i * 7 + (size_t)b * 131);
    struct t10_cdb w = {.kind = T10_CDB_WRITE6};
    for (int b = 0; b < 3; b++) {
        w.u.rw6.xfer_len = sizeof block[b] - (size_t)b * 1000;   /* three different sizes */
        CU_ASSERT_EQUAL(exec_cdb(drv, &w, XPORT_DIR_OUT, block[b], w.u.rw6.xfer_len, &r, false), 0);
    }
    struct t10_cdb fm = {.kind = T10_CDB_WRITE_FILEMARKS6};
    fm.u.write_fm.count = 1;
    CU_ASSERT_EQUAL(exec_cdb(drv, &fm, XPORT_DIR_NONE, NULL, 0, &r, false), 0);
    struct t10_cdb rw = {.kind = T10_CDB_REWIND};
    CU_ASSERT_EQUAL(exec_cdb(drv, &rw, XPORT_DIR_NONE, NULL, 0, &r, false), 0);

    struct t10_cdb rd = {.kind = T10_CDB_READ6};
    rd.u.rw6.sili = true;
    rd.u.rw6.xfer_len = sizeof back;
    for (int b = 0; b < 3; b++) {
        size_t want = sizeof block[b] - (size_t)b * 1000;
        st = exec_cdb(drv, &rd, XPORT_DIR_IN, back, sizeof back, &r, false);
        CU_ASSERT_EQUAL(st, 0);   /* SILI: a shorter block is not an error */
        CU_ASSERT_EQUAL(r.xfer_len, want);
        CU_ASSERT_EQUAL(memcmp(back, block[b], want), 0);
    }
    /* The filemark: CHECK CONDITION, NO SENSE with FILEMARK and the whole length as
     * residue. */
    st = exec_cdb(drv, &rd, XPORT_DIR_IN, back, sizeof back, &r, false);
    CU_ASSERT_EQUAL(st, 2);
    struct t10_sense s;
    CU_ASSERT_EQUAL_FATAL(t10_sense_parse(r.sense, r.sense_len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.key, 0);
    CU_ASSERT_TRUE(s.filemark);
    CU_ASSERT_TRUE(s.info_valid);
    CU_ASSERT_EQUAL(s.info, sizeof back);

    /* Unload, then put the cartridge back where it came from. */
    struct t10_cdb ul = {.kind = T10_CDB_LOAD_UNLOAD};
    CU_ASSERT_EQUAL(exec_cdb(drv, &ul, XPORT_DIR_NONE, NULL, 0, &r, false), 0);
    mv.u.move.src = drive_addr;
    mv.u.move.dst = slot;
    st = -1;
    for (int i = 0; i < 200 && st != 0; i++) {
        st = exec_cdb(chg, &mv, XPORT_DIR_NONE, NULL, 0, &r, true);
        if (st != 0)
            test_msleep(10);
    }
    CU_ASSERT_EQUAL(st, 0);
    xport_close(drv);
    xport_close(chg);
}

/* Each initiator sees its own unit attention: an injected cartridge raises 28/01 to both
 * sessions, and one session consuming it leaves the other's pending. */
static void test_two_initiators_see_their_own_unit_attentions(void)
{
    char url[200], err[256], out[4096];
    lun_uri(0, url, sizeof url);
    struct xport *a, *b;
    CU_ASSERT_EQUAL_FATAL(xport_open(url, &a, err, sizeof err), XPORT_OK);
    CU_ASSERT_EQUAL_FATAL(xport_open(url, &b, err, sizeof err), XPORT_OK);
    struct t10_cdb tur = {.kind = T10_CDB_TEST_UNIT_READY};
    struct xport_cmd r;
    /* Both start clean (drain the power-on attention). */
    CU_ASSERT_EQUAL(exec_cdb(a, &tur, XPORT_DIR_NONE, NULL, 0, &r, true), 0);
    CU_ASSERT_EQUAL(exec_cdb(b, &tur, XPORT_DIR_NONE, NULL, 0, &r, true), 0);

    int rc = test_vtlctl(&vd, out, sizeof out, "inject", "UAT001L8", NULL);
    CU_ASSERT_EQUAL_FATAL(rc, 0);

    struct t10_sense s;
    CU_ASSERT_EQUAL(exec_cdb(a, &tur, XPORT_DIR_NONE, NULL, 0, &r, false), 2);
    CU_ASSERT_EQUAL_FATAL(t10_sense_parse(r.sense, r.sense_len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.key, 6);
    CU_ASSERT_EQUAL(s.asc_ascq, 0x2801);
    /* a has consumed its attention; b still has its own. */
    while (exec_cdb(a, &tur, XPORT_DIR_NONE, NULL, 0, &r, false) == 2)
        ;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_EQUAL(exec_cdb(b, &tur, XPORT_DIR_NONE, NULL, 0, &r, false), 2);
    CU_ASSERT_EQUAL(t10_sense_parse(r.sense, r.sense_len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.asc_ascq, 0x2801);

    rc = test_vtlctl(&vd, out, sizeof out, "remove", "UAT001L8", NULL);
    CU_ASSERT_EQUAL(rc, 0);
    xport_close(a);
    xport_close(b);
}

static void test_lun_reset_raises_unit_attention(void)
{
    char url[200], err[256];
    lun_uri(0, url, sizeof url);
    struct xport *watcher;
    CU_ASSERT_EQUAL_FATAL(xport_open(url, &watcher, err, sizeof err), XPORT_OK);
    struct t10_cdb tur = {.kind = T10_CDB_TEST_UNIT_READY};
    struct xport_cmd r;
    CU_ASSERT_EQUAL(exec_cdb(watcher, &tur, XPORT_DIR_NONE, NULL, 0, &r, true), 0);

    struct iscsi_context *ctx = iscsi_create_context("iqn.2026-11.org.openrsm:resetter");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct iscsi_url *u = iscsi_parse_full_url(ctx, url);
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    iscsi_set_targetname(ctx, u->target);
    iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
    CU_ASSERT_EQUAL_FATAL(iscsi_full_connect_sync(ctx, u->portal, u->lun), 0);
    CU_ASSERT_EQUAL(iscsi_task_mgmt_lun_reset_sync(ctx, 0), 0);
    iscsi_logout_sync(ctx);
    iscsi_destroy_url(u);
    iscsi_destroy_context(ctx);

    struct t10_sense s;
    CU_ASSERT_EQUAL(exec_cdb(watcher, &tur, XPORT_DIR_NONE, NULL, 0, &r, false), 2);
    CU_ASSERT_EQUAL(t10_sense_parse(r.sense, r.sense_len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.key, 6);
    CU_ASSERT_EQUAL(s.asc_ascq >> 8, 0x29);   /* POWER ON, RESET, OR BUS DEVICE RESET */
    xport_close(watcher);
}

/* MOVE MEDIUM, then vtld killed with SIGKILL: the move is on disk when it restarts. */
static void test_state_survives_sigkill(void)
{
    char url[200], err[256];
    lun_uri(0, url, sizeof url);
    struct xport *xp;
    CU_ASSERT_EQUAL_FATAL(xport_open(url, &xp, err, sizeof err), XPORT_OK);
    static uint8_t buf[65536];
    struct t10_cdb c = {.kind = T10_CDB_READ_ELEMENT_STATUS};
    c.u.res = (struct t10_cdb_res){.voltag = true, .elem_type = 2, .n_elems = 1000,
                                   .alloc_len = sizeof buf};
    struct xport_cmd r;
    CU_ASSERT_EQUAL_FATAL(exec_cdb(xp, &c, XPORT_DIR_IN, buf, sizeof buf, &r, true), 0);
    struct t10_elem_status_hdr hdr;
    bool trunc;
    struct barcodes b0 = {0};
    t10_elem_status_walk(buf, r.xfer_len, &hdr, count_desc, &b0, &trunc);
    /* Slots are consecutive from the first address: move the first slot's cartridge to
     * the last slot (empty in the default library). */
    uint16_t first = hdr.first_addr, last = (uint16_t)(hdr.first_addr + 23);
    struct t10_cdb mv = {.kind = T10_CDB_MOVE_MEDIUM};
    mv.u.move.src = first;
    mv.u.move.dst = last;
    CU_ASSERT_EQUAL_FATAL(exec_cdb(xp, &mv, XPORT_DIR_NONE, NULL, 0, &r, true), 0);
    xport_close(xp);

    CU_ASSERT_EQUAL(test_vtld_stop(&vd, SIGKILL), 128 + SIGKILL);
    CU_ASSERT_FATAL(test_vtld_start(&vd, dir, NULL) == 0);
    lun_uri(0, url, sizeof url);
    CU_ASSERT_EQUAL_FATAL(xport_open(url, &xp, err, sizeof err), XPORT_OK);
    c.u.res.start_addr = last;
    c.u.res.n_elems = 1;
    CU_ASSERT_EQUAL_FATAL(exec_cdb(xp, &c, XPORT_DIR_IN, buf, sizeof buf, &r, true), 0);
    struct barcodes b = {0};
    t10_elem_status_walk(buf, r.xfer_len, &hdr, count_desc, &b, &trunc);
    CU_ASSERT_EQUAL(b.n_full, 1);
    CU_ASSERT_STRING_EQUAL(b.first, b0.first);
    xport_close(xp);
}

static void test_sigterm_stops_cleanly(void)
{
    CU_ASSERT_EQUAL(test_vtld_stop(&vd, SIGTERM), 0);
    CU_ASSERT_NOT_EQUAL(access(vd.sock, F_OK), 0);   /* control socket removed */
    CU_ASSERT_FATAL(test_vtld_start(&vd, dir, NULL) == 0);   /* one for the rest */
}

static void test_bad_arguments_and_configs_refused(void)
{
    char vtld[600], out[4096], bad[300];
    snprintf(vtld, sizeof vtld, "%s/vtld", test_bindir());
    char *a1[] = {vtld, "--listen", "nowhere", NULL};
    CU_ASSERT_EQUAL(test_run_capture(a1, out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--listen"));
    char *a2[] = {vtld, "--bogus", NULL};
    CU_ASSERT_EQUAL(test_run_capture(a2, out, sizeof out), 2);

    snprintf(bad, sizeof bad, "%s/broken.yaml", dir);
    FILE *f = fopen(bad, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("personality: ibm-ts4300\nslots: [1, 2\n", f);   /* unterminated flow sequence */
    fclose(f);
    char state[300];
    snprintf(state, sizeof state, "%s/badstate", dir);
    char *a3[] = {vtld, "--config", bad, "--state-dir", state, "--listen", "127.0.0.1:0",
                  "--control", "/nonexistent/x.sock", NULL};
    CU_ASSERT_EQUAL(test_run_capture(a3, out, sizeof out), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "broken.yaml:"));   /* file:line:column */
}

static void test_vtlctl_status_and_errors(void)
{
    char out[65536];
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "status", NULL, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "A00000L8"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "CLN000L1"));
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "--json", "status", NULL), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"libraries\""));
    /* Duplicate barcode: refused by the daemon (exit 1), nothing changed. */
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "inject", "A00000L8", NULL), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "VTL_E_EXISTS"));
    /* A usage error never reaches the daemon. */
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "clock", "advance", "soon"), 2);
    /* Mutants: on and off again by id, an unknown one refused by the daemon. */
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "--json", "mutant", "TUR-NOT-READY"), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "SPC-TUR-001"));
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "mutant", "TUR-NOT-READY", "off"), 0);
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "mutant", "NO-SUCH-MUTANT", NULL), 1);
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "mutant", "TUR-NOT-READY", "maybe"), 2);
}

/* vtlctl fails drive 2 (LUN 2): an iSCSI host sees HARDWARE ERROR 44/00 on that LUN only,
 * and the drive answers as before once repaired. */
static void test_vtlctl_drive_fail_and_repair_over_iscsi(void)
{
    char url[200], err[256], out[4096];
    lun_uri(2, url, sizeof url);
    struct xport *xp;
    CU_ASSERT_EQUAL_FATAL(xport_open(url, &xp, err, sizeof err), XPORT_OK);
    struct t10_cdb tur = {.kind = T10_CDB_TEST_UNIT_READY};
    struct xport_cmd r;
    struct t10_sense s;
    int before = exec_cdb(xp, &tur, XPORT_DIR_NONE, NULL, 0, &r, true);
    CU_ASSERT_TRUE(before == 0 || before == 2);
    uint16_t before_asc = 0;
    if (before == 2 && t10_sense_parse(r.sense, r.sense_len, &s) == T10_OK)
        before_asc = s.asc_ascq;
    CU_ASSERT_NOT_EQUAL(before_asc, 0x4400);

    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "fault", "drive-fail", "1"), 0);
    for (int i = 0; i < 2; i++) {   /* every command, not only the next */
        CU_ASSERT_EQUAL(exec_cdb(xp, &tur, XPORT_DIR_NONE, NULL, 0, &r, true), 2);
        CU_ASSERT_EQUAL(t10_sense_parse(r.sense, r.sense_len, &s), T10_OK);
        CU_ASSERT_EQUAL(s.key, 4);
        CU_ASSERT_EQUAL(s.asc_ascq, 0x4400);
    }
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "status", NULL, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAILED"));

    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "fault", "drive-repair", "1"), 0);
    CU_ASSERT_EQUAL(exec_cdb(xp, &tur, XPORT_DIR_NONE, NULL, 0, &r, true), before);
    if (before == 2) {
        CU_ASSERT_EQUAL(t10_sense_parse(r.sense, r.sense_len, &s), T10_OK);
        CU_ASSERT_EQUAL(s.asc_ascq, before_asc);
    }
    /* Bad drive selectors: a usage error locally, a refusal from the daemon. */
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "fault", "drive-fail", "two"), 2);
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "fault", "drive-fail", "9"), 1);
    CU_ASSERT_EQUAL(test_vtlctl(&vd, out, sizeof out, "fault", "write-error", NULL), 2);
    CU_ASSERT_EQUAL(exec_cdb(xp, &tur, XPORT_DIR_NONE, NULL, 0, &r, true), before);
    xport_close(xp);
}

static CU_TestInfo vtld_tests[] = {
    {"iscsi_ls_lists_target_and_luns", test_iscsi_ls_lists_target_and_luns},
    {"iscsi_inq_reports_changer_identity", test_iscsi_inq_reports_changer_identity},
    {"element_status_with_barcodes_over_iscsi", test_element_status_with_barcodes_over_iscsi},
    {"drive_luns_are_tape_drives", test_drive_luns_are_tape_drives},
    {"write_read_filemark_round_trip_through_drive",
     test_write_read_filemark_round_trip_through_drive},
    {"two_initiators_see_their_own_unit_attentions",
     test_two_initiators_see_their_own_unit_attentions},
    {"lun_reset_raises_unit_attention", test_lun_reset_raises_unit_attention},
    {"vtlctl_status_and_errors", test_vtlctl_status_and_errors},
    {"vtlctl_drive_fail_and_repair_over_iscsi", test_vtlctl_drive_fail_and_repair_over_iscsi},
    {"state_survives_sigkill", test_state_survives_sigkill},
    {"sigterm_stops_cleanly", test_sigterm_stops_cleanly},
    {"bad_arguments_and_configs_refused", test_bad_arguments_and_configs_refused},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"vtld", suite_init, suite_clean, NULL, NULL, vtld_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    CU_SuiteInfo *const tables[] = {suites, NULL};
    return cutest_main(argc, argv, tables);
}
