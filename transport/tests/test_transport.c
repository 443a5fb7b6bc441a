/* SPDX-License-Identifier: MIT
 * Tests of transport/: URI parsing and errors for every scheme, and the sim: scheme end
 * to end against the default library (the iscsi:// scheme is exercised against vtld in
 * vtld's own tests, sg: inside the QEMU guest).
 */
#include <stdio.h>
#include <string.h>

#include "sim/core/clock.h"
#include "sim/system.h"
#include "tests/lib/cutest.h"
#include "transport/transport.h"

static void test_bad_uris_rejected_with_reason(void)
{
    static const struct {
        const char *uri;
        enum xport_rc rc;
    } cases[] = {
        {"", XPORT_E_URI},
        {"nothing", XPORT_E_URI},
        {":x", XPORT_E_URI},
        {"tape:/dev/st0", XPORT_E_URI},
        {"sim:default?lun=", XPORT_E_URI},
        {"sim:default?lun=65", XPORT_E_URI},
        {"sim:default?lune=1", XPORT_E_URI},
        {"sim:/nonexistent/lib.yaml", XPORT_E_OPEN},
        {"sg:dev/sg0", XPORT_E_URI},
        {"sg:/nonexistent/sg9", XPORT_E_OPEN},
        {"sg:/dev/null", XPORT_E_OPEN},      /* exists, but is not an sg device */
        {"iscsi://", XPORT_E_URI},
        {"iscsi://127.0.0.1", XPORT_E_URI},  /* no target, no LUN */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct xport *xp = (struct xport *)1;
        char err[256] = "";
        enum xport_rc rc = xport_open(cases[i].uri, &xp, err, sizeof err);
        if (rc != cases[i].rc)
            fprintf(stderr, "%s: got %s (%s)\n", cases[i].uri, xport_rc_name(rc), err);
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        CU_ASSERT_PTR_NULL(xp);
        CU_ASSERT_TRUE(err[0] != '\0');
    }
}

static void test_sim_inquiry_reports_changer(void)
{
    struct xport *xp;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:default", &xp, err, sizeof err), XPORT_OK);
    CU_ASSERT_STRING_EQUAL(xport_uri(xp), "sim:default");
    const uint8_t inq[6] = {0x12, 0, 0, 0, 96, 0};
    uint8_t buf[96];
    struct xport_cmd c = {.cdb = inq, .cdb_len = 6, .dir = XPORT_DIR_IN, .buf = buf,
                          .buf_len = sizeof buf};
    /* The first command of a new nexus may be a unit attention; INQUIRY is never one. */
    CU_ASSERT_EQUAL_FATAL(xport_exec(xp, &c), XPORT_OK);
    CU_ASSERT_EQUAL(c.status, 0);
    CU_ASSERT_TRUE(c.xfer_len >= 36);
    CU_ASSERT_EQUAL(buf[0] & 0x1F, 0x08);   /* medium changer */
    xport_close(xp);
}

static void test_sim_drive_luns_are_tape_drives(void)
{
    struct xport *xp;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:default?lun=2", &xp, err, sizeof err), XPORT_OK);
    const uint8_t inq[6] = {0x12, 0, 0, 0, 96, 0};
    uint8_t buf[96];
    struct xport_cmd c = {.cdb = inq, .cdb_len = 6, .dir = XPORT_DIR_IN, .buf = buf,
                          .buf_len = sizeof buf};
    CU_ASSERT_EQUAL_FATAL(xport_exec(xp, &c), XPORT_OK);
    CU_ASSERT_EQUAL(c.status, 0);
    CU_ASSERT_EQUAL(buf[0] & 0x1F, 0x01);   /* sequential-access device */
    xport_close(xp);
    /* The default library has two drives: LUN 3 does not exist. */
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:default?lun=3", &xp, err, sizeof err), XPORT_OK);
    CU_ASSERT_EQUAL_FATAL(xport_exec(xp, &c), XPORT_OK);
    CU_ASSERT_TRUE((buf[0] & 0xE0) == 0x60 || c.status == 0x02);   /* no LU there */
    xport_close(xp);
}

static void test_sim_check_condition_carries_sense(void)
{
    struct xport *xp;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:?lun=0", &xp, err, sizeof err), XPORT_OK);
    const uint8_t bad[6] = {0xFF, 0, 0, 0, 0, 0};   /* no such opcode on a changer */
    struct xport_cmd c = {.cdb = bad, .cdb_len = 6};
    /* Drain the power-on unit attention first. */
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL_FATAL(xport_exec(xp, &c), XPORT_OK);
        if (c.sense_len >= 14 && (c.sense[2] & 0x0F) != 0x06)
            break;
    }
    CU_ASSERT_EQUAL(c.status, 0x02);
    CU_ASSERT_TRUE_FATAL(c.sense_len >= 14);
    CU_ASSERT_EQUAL(c.sense[2] & 0x0F, 0x05);   /* ILLEGAL REQUEST */
    CU_ASSERT_EQUAL(c.sense[12], 0x20);         /* INVALID COMMAND OPERATION CODE */
    CU_ASSERT_EQUAL(c.sense[13], 0x00);
    xport_close(xp);
}

static void test_sim_bad_command_shape_rejected(void)
{
    struct xport *xp;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:", &xp, err, sizeof err), XPORT_OK);
    uint8_t cdb[20] = {0};
    struct xport_cmd c = {.cdb = cdb, .cdb_len = 20};
    CU_ASSERT_EQUAL(xport_exec(xp, &c), XPORT_E_INVAL);
    c.cdb_len = 3;
    CU_ASSERT_EQUAL(xport_exec(xp, &c), XPORT_E_INVAL);
    c.cdb_len = 6;
    c.dir = XPORT_DIR_IN;
    c.buf_len = 10;   /* a length without a buffer */
    CU_ASSERT_EQUAL(xport_exec(xp, &c), XPORT_E_INVAL);
    CU_ASSERT_TRUE(xport_error(xp)[0] != '\0');
    xport_close(xp);
}

/* Two transports on the same config are two nexuses on one library: a move made through
 * one is seen by the other. */
static void test_sim_shared_library_between_transports(void)
{
    struct xport *a, *b;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:default", &a, err, sizeof err), XPORT_OK);
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:default?lun=0", &b, err, sizeof err), XPORT_OK);
    /* READ ELEMENT STATUS, storage elements, VolTag, 2 elements from the first slot. */
    uint8_t res[12] = {0xB8, 0x12, 0, 0, 0, 2, 0, 0, 0x04, 0, 0, 0};
    uint8_t buf[1024];
    struct xport_cmd c = {.cdb = res, .cdb_len = 12, .dir = XPORT_DIR_IN, .buf = buf,
                          .buf_len = sizeof buf};
    res[7] = 0;
    res[8] = 0x04;
    res[9] = 0x00;
    /* Start at address 0: the first storage element at or after it is reported. */
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL_FATAL(xport_exec(a, &c), XPORT_OK);
        if (c.status == 0)
            break;
    }
    CU_ASSERT_EQUAL_FATAL(c.status, 0);
    CU_ASSERT_TRUE_FATAL(c.xfer_len >= 8 + 8 + 2 * (12 + 36));
    uint16_t slot0 = (uint16_t)(buf[16] << 8 | buf[17]);
    uint16_t dlen = (uint16_t)(buf[10] << 8 | buf[11]);
    uint16_t slot1 = (uint16_t)(buf[16 + dlen] << 8 | buf[17 + dlen]);
    CU_ASSERT_TRUE_FATAL((buf[18] & 1) && (buf[18 + dlen] & 1));   /* both full */
    uint8_t second_full = buf[18 + dlen] & 1;

    /* Empty the second slot? Move slot0's cartridge onto the last empty slot via b. */
    uint16_t last = (uint16_t)(slot0 + 23);   /* 24 slots, the last ones empty */
    uint8_t mv[12] = {0xA5, 0, 0, 0, (uint8_t)(slot0 >> 8), (uint8_t)slot0,
                      (uint8_t)(last >> 8), (uint8_t)last, 0, 0, 0, 0};
    struct xport_cmd m = {.cdb = mv, .cdb_len = 12};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL_FATAL(xport_exec(b, &m), XPORT_OK);
        if (m.status == 0)
            break;
    }
    CU_ASSERT_EQUAL(m.status, 0);
    CU_ASSERT_EQUAL_FATAL(xport_exec(a, &c), XPORT_OK);
    CU_ASSERT_EQUAL(c.status, 0);
    CU_ASSERT_EQUAL(buf[18] & 1, 0);            /* slot0 now empty, seen through a */
    CU_ASSERT_EQUAL(buf[18 + dlen] & 1, second_full);
    (void)slot1;
    xport_close(a);
    xport_close(b);
}

/* The attached library's clock (read under the lock sim: commands run under). */
static uint64_t clock_us(struct vtl_system *sys)
{
    xport_sim_serialise(true);
    uint64_t us = vtl_clock_now_us(vtl_library_clock(vtl_system_library(sys)));
    xport_sim_serialise(false);
    return us;
}

/* Sends @cdb (6 or 12 bytes, no data) until it is not a unit attention; returns the sense
 * key (0 when GOOD) and the ASC/ASCQ in *@asc_ascq. */
static int send(struct xport *xp, const uint8_t *cdb, size_t len, unsigned *asc_ascq)
{
    struct xport_cmd c = {.cdb = cdb, .cdb_len = len};
    for (int i = 0; i < 4; i++) {
        if (xport_exec(xp, &c) != XPORT_OK)
            return -1;
        if (c.status == 0 || c.sense_len < 14 || (c.sense[2] & 0x0F) != 0x06)
            break;
    }
    *asc_ascq = c.status == 0 || c.sense_len < 14 ? 0 : (unsigned)(c.sense[12] << 8 | c.sense[13]);
    return c.status == 0 ? 0 : c.sense_len >= 14 ? c.sense[2] & 0x0F : -1;
}

/* On a virtual clock a drive answering BECOMING READY lets the clock run to its next
 * event only when the same nexus polls again and nobody got another answer meanwhile:
 * a command of another thread of the host (here: the changer's TEST UNIT READY between
 * two polls) keeps the clock where it is, so that thread's work is not overtaken. */
static void test_sim_virtual_clock_moves_when_host_quiet(void)
{
    char dir[256], path[300], err[512];
    test_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/lib.yaml", dir);
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("personality: ibm-ts4300\ndrives: 1\nclock: {mode: virtual}\n"
          "delays: {move_ms: 8000}\ncartridges:\n  - {barcode: V00000L8, slot: 1}\n",
          fp);
    fclose(fp);
    struct vtl_system *sys = NULL;
    CU_ASSERT_EQUAL_FATAL(vtl_system_open(path, NULL, &sys, err, sizeof err), VTL_OK);
    CU_ASSERT_EQUAL_FATAL(xport_sim_attach("xport-virtual", sys), XPORT_OK);
    struct xport *chg, *drv;
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:xport-virtual", &chg, err, sizeof err), XPORT_OK);
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:xport-virtual?lun=1", &drv, err, sizeof err), XPORT_OK);
    static const uint8_t tur[6] = {0};
    unsigned aa = 0;
    CU_ASSERT_EQUAL(send(chg, tur, 6, &aa), 0);
    CU_ASSERT_EQUAL(send(drv, tur, 6, &aa), 2); /* 3A/00: no medium */
    CU_ASSERT_EQUAL(aa, 0x3A00);
    /* MOVE MEDIUM slot 1 (1025) -> drive 1 (257): the move's 8 s pass inside the command. */
    static const uint8_t mv[12] = {0xA5, 0, 0, 0, 0x04, 0x01, 0x01, 0x01, 0, 0, 0, 0};
    uint64_t t0 = clock_us(sys);
    CU_ASSERT_EQUAL_FATAL(send(chg, mv, 12, &aa), 0);
    uint64_t t_moved = clock_us(sys);
    CU_ASSERT_EQUAL(t_moved - t0, 8000000u);
    /* First poll: BECOMING READY, the clock stays. */
    CU_ASSERT_EQUAL(send(drv, tur, 6, &aa), 2);
    CU_ASSERT_EQUAL(aa, 0x0401);
    CU_ASSERT_EQUAL(clock_us(sys), t_moved);
    /* Another thread's command in between: the second poll does not move it either. */
    CU_ASSERT_EQUAL(send(chg, tur, 6, &aa), 0);
    CU_ASSERT_EQUAL(send(drv, tur, 6, &aa), 2);
    CU_ASSERT_EQUAL(aa, 0x0401);
    CU_ASSERT_EQUAL(clock_us(sys), t_moved);
    /* A poll after a quiet interval: the tape threads (the clock reaches the load's end,
     * never beyond it), and the drive is ready at the next poll. */
    CU_ASSERT_EQUAL(send(drv, tur, 6, &aa), 2);
    uint64_t t_ready = clock_us(sys);
    CU_ASSERT_TRUE(t_ready > t_moved);
    CU_ASSERT_TRUE(t_ready - t_moved <= 15000000u);
    CU_ASSERT_EQUAL(send(drv, tur, 6, &aa), 0);
    CU_ASSERT_EQUAL(clock_us(sys), t_ready);
    xport_close(drv);
    xport_close(chg);
    xport_sim_detach("xport-virtual");
    vtl_system_close(sys);
    test_rmtree(dir);
}

static CU_TestInfo transport_tests[] = {
    {"bad_uris_rejected_with_reason", test_bad_uris_rejected_with_reason},
    {"sim_inquiry_reports_changer", test_sim_inquiry_reports_changer},
    {"sim_drive_luns_are_tape_drives", test_sim_drive_luns_are_tape_drives},
    {"sim_check_condition_carries_sense", test_sim_check_condition_carries_sense},
    {"sim_bad_command_shape_rejected", test_sim_bad_command_shape_rejected},
    {"sim_shared_library_between_transports", test_sim_shared_library_between_transports},
    {"sim_virtual_clock_moves_when_host_quiet", test_sim_virtual_clock_moves_when_host_quiet},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"transport", NULL, NULL, NULL, NULL, transport_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {suites, NULL};
    return cutest_main(argc, argv, tables);
}
