/* SPDX-License-Identifier: MIT
 * Tests of sim/system.c: a whole library (changer + drives) behaves as one device.
 */
#include <stdio.h>
#include <string.h>

#include "scsi/cdb.h"
#include "scsi/vpd.h"
#include "sim/core/config.h"
#include "sim/core/library.h"
#include "sim/drive/drive.h"
#include "sim/system.h"
#include "sim/target/target.h"
#include "tests/lib/cutest.h"

static struct vtl_system *sys;

static int setup(void)
{
    char err[512];
    return vtl_system_open(NULL, NULL, &sys, err, sizeof err) != VTL_OK;
}

static int teardown(void)
{
    vtl_system_close(sys);
    sys = NULL;
    return 0;
}

/* Runs @c on @lun for @nexus, skipping unit attentions; returns the status. */
static int run(uint64_t nexus, unsigned lun, const struct t10_cdb *c, uint8_t *buf, size_t cap,
               struct vtl_cmd *out)
{
    for (int i = 0; i < 5; i++) {
        struct vtl_cmd cmd;
        memset(&cmd, 0, sizeof cmd);
        cmd.cdb_len = t10_cdb_build(cmd.cdb, sizeof cmd.cdb, c);
        cmd.nexus_id = nexus;
        cmd.data_in = buf;
        cmd.data_in_cap = cap;
        CU_ASSERT_EQUAL_FATAL(vtl_lun_execute(vtl_system_library(sys), lun, &cmd), VTL_EXEC_DONE);
        *out = cmd;
        if (!(cmd.status == 2 && cmd.sense_len > 2 && (cmd.sense[2] & 0x0F) == 6))
            return cmd.status;
    }
    return out->status;
}

static void test_cleaning_cycle_counts_down_library_inventory(void)
{
    struct vtl_library *lib = vtl_system_library(sys);
    uint16_t cln;
    CU_ASSERT_EQUAL_FATAL(vtl_library_find_barcode(lib, "CLN000L1", &cln), VTL_OK);
    struct vtl_elem_info before, drive;
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem(lib, cln, &before), VTL_OK);
    CU_ASSERT_TRUE_FATAL(before.cart.cleaning_uses_left > 0);
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem_at(lib, VTL_ELEM_DTE, 0, &drive), VTL_OK);

    uint64_t nx = vtl_system_nexus_open(sys);
    struct t10_cdb mv = {.kind = T10_CDB_MOVE_MEDIUM};
    mv.u.move.src = cln;
    mv.u.move.dst = drive.addr;
    struct vtl_cmd r;
    CU_ASSERT_EQUAL(run(nx, 0, &mv, NULL, 0, &r), 0);
    /* Threading and the cleaning cycle are clock events. */
    for (int i = 0; i < 10; i++)
        vtl_system_run_due(sys);

    struct vtl_elem_info after;
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem(lib, drive.addr, &after), VTL_OK);
    CU_ASSERT_STRING_EQUAL(after.cart.barcode, "CLN000L1");
    CU_ASSERT_EQUAL(after.cart.cleaning_uses_left, before.cart.cleaning_uses_left - 1);

    /* The cleaner ejected itself: the robot takes it home without a host UNLOAD. */
    mv.u.move.src = drive.addr;
    mv.u.move.dst = cln;
    CU_ASSERT_EQUAL(run(nx, 0, &mv, NULL, 0, &r), 0);
    vtl_system_nexus_close(sys, nx);
}

/* Each drive's INQUIRY serial is what the changer reports for its bay (DVCID), so a
 * client can map drive elements to drive devices. */
static void test_drive_identity_matches_bay(void)
{
    struct vtl_library *lib = vtl_system_library(sys);
    uint64_t nx = vtl_system_nexus_open(sys);
    for (unsigned i = 0; i < vtl_system_drive_count(sys); i++) {
        struct vtl_elem_info bay;
        CU_ASSERT_EQUAL_FATAL(vtl_library_elem_at(lib, VTL_ELEM_DTE, i, &bay), VTL_OK);
        struct t10_cdb inq = {.kind = T10_CDB_INQUIRY};
        inq.u.inquiry.evpd = true;
        inq.u.inquiry.page = 0x80;
        inq.u.inquiry.alloc_len = 64;
        uint8_t buf[64];
        struct vtl_cmd r;
        CU_ASSERT_EQUAL_FATAL(run(nx, i + 1, &inq, buf, sizeof buf, &r), 0);
        char serial[64] = "";
        size_t n = buf[3] < sizeof serial - 1 ? buf[3] : sizeof serial - 1;
        memcpy(serial, buf + 4, n);
        while (n && serial[n - 1] == ' ')
            serial[--n] = '\0';
        CU_ASSERT_STRING_EQUAL(serial, bay.drive.serial);
    }
    vtl_system_nexus_close(sys, nx);
}

static void test_luns_are_changer_then_drives(void)
{
    uint16_t luns[8];
    size_t n = vtl_system_luns(sys, luns, 8);
    CU_ASSERT_EQUAL(n, 1 + vtl_system_drive_count(sys));
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(luns[i], i);
    CU_ASSERT_EQUAL(vtl_system_task_mgmt(sys, 1, VTL_TMF_LUN_RESET, 9, NULL), VTL_TMF_RSP_NO_LUN);
}

static void test_bad_config_reports_location(void)
{
    char dir[256], path[300], err[512] = "";
    test_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/lib.yaml", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("personality: ibm-ts4300\nslots: many\n", f);
    fclose(f);
    struct vtl_system *s2 = (struct vtl_system *)1;
    CU_ASSERT_NOT_EQUAL(vtl_system_open(path, NULL, &s2, err, sizeof err), VTL_OK);
    CU_ASSERT_PTR_NULL(s2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "lib.yaml:2:"));
    test_rmtree(dir);
}

static void test_compress_images_key(void)
{
    struct vtl_config *cfg = NULL;
    char err[256] = "";
    const char *yes = "personality: ibm-ts4300\ncompress_images: true\n";
    CU_ASSERT_EQUAL_FATAL(vtl_config_load_string(yes, strlen(yes), "c.yaml", &cfg, err, sizeof err),
                          VTL_OK);
    CU_ASSERT_TRUE(cfg->compress_images);
    vtl_config_free(cfg);
    cfg = NULL;
    const char *bad = "personality: ibm-ts4300\ncompress_images: sometimes\n";
    CU_ASSERT_EQUAL(vtl_config_load_string(bad, strlen(bad), "c.yaml", &cfg, err, sizeof err),
                    VTL_E_CONFIG);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "c.yaml:2:"));
    /* The default library stores images as sent. */
    CU_ASSERT_EQUAL_FATAL(vtl_config_default(&cfg), VTL_OK);
    CU_ASSERT_FALSE(cfg->compress_images);
    vtl_config_free(cfg);
}

/* Byte 6 and 7 of drive @i's descriptor in READ ELEMENT STATUS (DTE type, no VolTag) of
 * a library opened from @yaml. */
static void dte_bytes(const char *yaml, unsigned i, uint8_t *b6, uint8_t *b7)
{
    char dir[256], path[300], err[512] = "";
    test_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/lib.yaml", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(yaml, f);
    fclose(f);
    struct vtl_system *saved = sys;
    CU_ASSERT_EQUAL_FATAL(vtl_system_open(path, NULL, &sys, err, sizeof err), VTL_OK);
    struct t10_cdb c = {.kind = T10_CDB_READ_ELEMENT_STATUS, .op = 0xB8};
    c.u.res.elem_type = 4;
    c.u.res.n_elems = 8;
    c.u.res.alloc_len = 1024;
    uint8_t buf[1024];
    struct vtl_cmd cmd;
    uint64_t nx = vtl_system_nexus_open(sys);
    CU_ASSERT_EQUAL(run(nx, 0, &c, buf, sizeof buf, &cmd), 0);
    size_t dlen = (size_t)buf[10] << 8 | buf[11]; /* descriptor length of the page */
    size_t at = 16 + i * dlen;
    CU_ASSERT_FATAL(at + 8 <= cmd.data_in_len);
    *b6 = buf[at + 6];
    *b7 = buf[at + 7];
    vtl_system_nexus_close(sys, nx);
    vtl_system_close(sys);
    sys = saved;
    test_rmtree(dir);
}

/* Drive descriptors name the drives' LUN (LU VALID) always, and their SCSI target id (ID
 * VALID) only when the configuration says which id initiators see: the kernel's ch takes
 * the changer's own id otherwise (drivers/scsi/ch.c), right on iSCSI and tcm_loop alike. */
static void test_dte_carries_lun_and_configured_target_id(void)
{
    uint8_t b6, b7;
    dte_bytes("personality: ibm-ts4300\n", 1, &b6, &b7);
    CU_ASSERT_EQUAL(b6, 0x10 | 2); /* LU VALID, LUN 2; ID VALID and NOT BUS clear */
    CU_ASSERT_EQUAL(b7, 0);
    dte_bytes("personality: ibm-ts4300\nscsi_target_id: 5\n", 0, &b6, &b7);
    CU_ASSERT_EQUAL(b6, 0x20 | 0x10 | 1);
    CU_ASSERT_EQUAL(b7, 5);
    struct vtl_config *cfg = NULL;
    char err[256] = "";
    const char *bad = "personality: ibm-ts4300\nscsi_target_id: 256\n";
    CU_ASSERT_EQUAL(vtl_config_load_string(bad, strlen(bad), "c.yaml", &cfg, err, sizeof err),
                    VTL_E_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "c.yaml:2:"));
}

static CU_TestInfo system_tests[] = {
    {"dte_carries_lun_and_configured_target_id", test_dte_carries_lun_and_configured_target_id},
    {"compress_images_key", test_compress_images_key},
    {"cleaning_cycle_counts_down_library_inventory",
     test_cleaning_cycle_counts_down_library_inventory},
    {"drive_identity_matches_bay", test_drive_identity_matches_bay},
    {"luns_are_changer_then_drives", test_luns_are_changer_then_drives},
    {"bad_config_reports_location", test_bad_config_reports_location},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"system", setup, teardown, NULL, NULL, system_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {suites, NULL};
    return cutest_main(argc, argv, tables);
}
