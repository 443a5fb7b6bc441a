/* SPDX-License-Identifier: MIT
 * Library control over iscsi:// against a vtld this suite starts on a free loopback port
 * (the default library), with the operator's and the robot's misadventures played by
 * vtlctl: cartridges moved by hand, injected through a mail slot (a unit attention the
 * next call must act on), taken away, a jammed robot (during a mount and during a
 * dismount), a power-on reset's unit attention, a drive that fails as it threads the tape. (vtld
 * refuses a second cartridge with a known barcode; test_sim.c shows the engine one through its
 * snapshot hook.) The tests run in order on one library and one database.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rsm/engine/libctl.h"
#include "rsm/libctl/tests/fix.h"
#include "rsm/libctl/tests/suites.h"
#include "tests/lib/cutest.h"
#include "tests/lib/daemon.h"

#define IQN "iqn.2026-11.org.openrsm:default"

static char vdir[256], uri[256];
static struct test_vtld vd;
static struct fix fx;
static struct rsm_dev_lib *peek; /* our own view: element addresses, what the robot did */

static int suite_init(void)
{
    test_mkdtemp(vdir, sizeof vdir);
    if (test_vtld_start(&vd, vdir, NULL) != 0)
        return -1;
    unsigned port = vd.port;
    snprintf(uri, sizeof uri, "iscsi://127.0.0.1:%u/" IQN "/0", port);
    if (rsm_dev_lib_open(uri, NULL, 0, NULL, &peek) != RSM_DEV_OK)
        return -1;
    return fix_open(&fx);
}

static int suite_clean(void)
{
    fix_close(&fx);
    if (peek)
        rsm_dev_lib_close(peek);
    peek = NULL;
    test_vtld_stop(&vd, SIGTERM);
    test_rmtree(vdir);
    return 0;
}

/* Runs vtlctl against our vtld; returns its exit status. */
static int vtlctl(const char *a1, const char *a2, const char *a3)
{
    char out[4096];
    return test_vtlctl(&vd, out, sizeof out, a1, a2, a3);
}

static const char *addr_txt(uint8_t type, uint32_t number, char *buf)
{
    snprintf(buf, 16, "%u", rsm_dev_lib_addr(peek, type, number));
    return buf;
}

static struct rsm_guid pm_of(const char *barcode)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    CU_ASSERT_EQUAL(fix_pmedia(&fx, barcode, &g), 0);
    return g;
}

static struct rsm_guid slot(uint32_t n)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    CU_ASSERT_EQUAL(fix_element(&fx, RSM_OT_STORAGESLOT, n, &g), 0);
    return g;
}

static NTMS_GUID lmid; /* A00001L8, allocated by iscsi_mount_dismount */

static void iscsi_add(void)
{
    CU_ASSERT_EQUAL_FATAL(rsm_library_add(fx.h, uri, NULL, 0, &fx.lib), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fix_count(&fx, NULL, RSM_OT_LIBRARY), 2);
    CU_ASSERT_EQUAL(fix_count(&fx, &fx.lib, RSM_OT_DRIVE), 2);
    CU_ASSERT_EQUAL(fix_count(&fx, &fx.lib, RSM_OT_STORAGESLOT), 24);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 21);
    struct rsm_guid pm = pm_of("A00000L8");
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm), RSM_POOL_FOREIGN);
}

static void iscsi_mount_dismount(void)
{
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00001L8", &lmid), 0);
    NTMS_GUID d;
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_WRITE, 0, 0, NULL),
                          ERROR_SUCCESS);
    struct rsm_guid dg, pm = pm_of("A00001L8");
    rsm_guid_from_api(&dg, &d);
    CU_ASSERT_EQUAL(fix_get(&fx, &dg, RSM_OT_DRIVE).u.drive.state, NTMS_DRIVESTATE_LOADED);
    CU_ASSERT_EQUAL(fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    NTMS_MEDIASTATE_LOADED);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, "A00001L8");
    CU_ASSERT_TRUE(el && el->type == 4);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    struct rsm_guid s2 = slot(2);
    struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &s2));
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    el = rsm_dev_lib_find_barcode(peek, "A00001L8");
    CU_ASSERT_TRUE(el && el->addr == rsm_dev_lib_addr(peek, 2, 2));
}

static void iscsi_hand_move_followed(void)
{
    char a[16], b[16];
    CU_ASSERT_EQUAL_FATAL(vtlctl("move", addr_txt(2, 3, a), addr_txt(2, 23, b)), 0);
    DWORD n_moved = 0, n_new = 9, n_gone = 9;
    CU_ASSERT_EQUAL(
        rsm_library_inventory(fx.h, &fx.lib, FALSE, &n_new, &n_moved, &n_gone, NULL, NULL),
        ERROR_SUCCESS);
    CU_ASSERT_EQUAL(n_moved, 1);
    CU_ASSERT_EQUAL(n_new, 0);
    CU_ASSERT_EQUAL(n_gone, 0);
    struct rsm_guid pm = pm_of("A00002L8"), s23 = slot(23);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &s23));
}

static void iscsi_inject_reinventories_next_call(void)
{
    CU_ASSERT_EQUAL_FATAL(vtlctl("inject", "NEW100L8", NULL), 0);
    /* No explicit inventory: the mail slot's unit attention makes the mount look first. */
    NTMS_GUID d;
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, 0, NULL), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    struct rsm_guid pm = pm_of("NEW100L8");
    struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    struct rsm_guid lib;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.library, &lib));
    CU_ASSERT_EQUAL(p.u.pmedia.location_type, RSM_OT_STORAGESLOT);
    /* A cartridge without a label RSM recognises: the Unrecognized pool (devreg.h). */
    uint32_t pt = fix_pool_type(&fx, &pm);
    CU_ASSERT_TRUE(pt == RSM_POOL_FOREIGN || pt == RSM_POOL_IMPORT);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 22);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, "NEW100L8");
    CU_ASSERT_TRUE(el && el->type == 2); /* taken from the mail slot into storage */
}

static void iscsi_missing_goes_offline(void)
{
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, "NEW100L8");
    CU_ASSERT_PTR_NOT_NULL_FATAL(el);
    char a[16], b[16];
    snprintf(a, sizeof a, "%u", el->addr);
    CU_ASSERT_EQUAL_FATAL(vtlctl("move", a, addr_txt(3, 1, b)), 0);
    CU_ASSERT_EQUAL_FATAL(vtlctl("remove", "NEW100L8", NULL), 0);
    DWORD n_gone = 0;
    CU_ASSERT_EQUAL(rsm_library_inventory(fx.h, &fx.lib, FALSE, NULL, NULL, &n_gone, NULL, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(n_gone, 1);
    struct rsm_guid pm = pm_of("NEW100L8"), off;
    CU_ASSERT_EQUAL(rsm_engine_wellknown(fx.e, "offline_library", &off), RSM_OK);
    CU_ASSERT_TRUE(fix_library_is(&fx, &pm, &off));
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 21);
    /* An offline medium cannot be mounted. */
    struct rsm_guid side;
    uint32_t ns = 0;
    CU_ASSERT_EQUAL(rsm_enumerate(fx.e, &fx.c, &pm, RSM_OT_PARTITION, 0, &side, 1, &ns), RSM_OK);
    NTMS_GUID sapi, d;
    rsm_guid_to_api(&sapi, &side);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &sapi, &d, 1,
                                   NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_IF_OFFLINE, 0, 0, NULL),
                    ERROR_MEDIA_OFFLINE);
    /* Brought back, it is the same medium again (not a new one). */
    CU_ASSERT_EQUAL(vtlctl("inject", "NEW100L8", NULL), 0);
    DWORD n_new = 9;
    CU_ASSERT_EQUAL(rsm_library_inventory(fx.h, &fx.lib, FALSE, &n_new, NULL, NULL, NULL, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(n_new, 0);
    struct rsm_guid again = pm_of("NEW100L8"), lib;
    CU_ASSERT_TRUE(rsm_guid_eq(&again, &pm));
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 22);
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_TRUE(fix_library_is(&fx, &pm, &lib));
}

/* The most recently queued request of operation @op in the library. */
static int last_request(uint32_t op, NTMS_GUID *out)
{
    struct rsm_guid list[256], lib;
    uint32_t n = 0;
    int64_t best = -1;
    rsm_guid_from_api(&lib, &fx.lib);
    if (rsm_enumerate(fx.e, &fx.c, &lib, RSM_OT_LIBREQUEST, 0, list, 256, &n) != RSM_OK)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(&fx, &list[i], RSM_OT_LIBREQUEST);
        if (o.u.libreq.op == op && o.u.libreq.queued_ms >= best) {
            best = o.u.libreq.queued_ms;
            rsm_guid_to_api(out, &list[i]);
        }
    }
    return best < 0 ? -1 : 0;
}

/* After an inventory, the database and vtld's changer agree on every cartridge. */
static void assert_db_matches_changer(void)
{
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    char why[256] = "";
    int m = fix_db_matches_changer(&fx, peek, why, sizeof why);
    if (m != 0)
        fprintf(stderr, "\n  database vs changer: %s\n", why);
    CU_ASSERT_EQUAL(m, 0);
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

static void iscsi_jam_loses_nothing(void)
{
    CU_ASSERT_EQUAL_FATAL(vtlctl("fault", "jam", NULL), 0);
    NTMS_GUID d;
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_LIBRARY_OFFLINE);
    struct rsm_guid pm = pm_of("A00001L8"), s2 = slot(2);
    struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &s2));
    struct rsm_guid chg, lib;
    uint32_t n = 0;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_EQUAL(rsm_enumerate(fx.e, &fx.c, &lib, RSM_OT_CHANGER, 0, &chg, 1, &n), RSM_OK);
    CU_ASSERT_EQUAL(fix_get(&fx, &chg, RSM_OT_CHANGER).opstate, NTMS_NEEDS_SERVICE);
    /* The mount was a library request: FAILED, with the error the caller got. */
    NTMS_GUID req;
    CU_ASSERT_EQUAL_FATAL(last_request(NTMS_LM_MOUNT, &req), 0);
    NTMS_OBJECTINFORMATION info = {.dwSize = sizeof info, .dwType = NTMS_LIBREQUEST};
    CU_ASSERT_EQUAL(GetNtmsObjectInformation(fx.h, &req, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.LibRequest.State, NTMS_LM_FAILED);
    CU_ASSERT_EQUAL(info.Info.LibRequest.dwErrorCode, ERROR_LIBRARY_OFFLINE);
    CU_ASSERT_EQUAL(vtlctl("fault", "unjam", NULL), 0);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, "A00001L8");
    CU_ASSERT_TRUE(el && el->addr == rsm_dev_lib_addr(peek, 2, 2)); /* nothing moved */
    assert_db_matches_changer();
    /* Serviced: the next mount works and the changer is ready again. */
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, 0, NULL), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fix_get(&fx, &chg, RSM_OT_CHANGER).opstate, NTMS_READY);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    char why[256];
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

/* A power-on reset's unit attention (29/00) is the answer to the mount's first changer
 * command: the driver sends it again, the mount PASSES, and the reset makes the engine
 * re-inventory before it moves anything. */
static void iscsi_reset_answers_mount(void)
{
    CU_ASSERT_EQUAL_FATAL(vtlctl("fault", "sense", "6/29/00"), 0);
    NTMS_GUID d, req;
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(last_request(NTMS_LM_MOUNT, &req), 0);
    NTMS_OBJECTINFORMATION info = {.dwSize = sizeof info, .dwType = NTMS_LIBREQUEST};
    CU_ASSERT_EQUAL(GetNtmsObjectInformation(fx.h, &req, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.LibRequest.State, NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(info.Info.LibRequest.dwErrorCode, 0);
    struct rsm_guid pm = pm_of("A00001L8"), dg;
    rsm_guid_from_api(&dg, &d);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &dg));
    assert_db_matches_changer();
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    assert_db_matches_changer();
}

/* The robot jams while a cartridge is mounted; the dismount unloads the drive, the move
 * home fails: FAILED with ERROR_LIBRARY_OFFLINE, the cartridge still in the drive as the
 * database says. Serviced, the dismount is asked again and completes. */
static void iscsi_jam_during_dismount(void)
{
    NTMS_GUID d, req;
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(vtlctl("fault", "jam", NULL), 0);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_LIBRARY_OFFLINE);
    CU_ASSERT_EQUAL_FATAL(last_request(NTMS_LM_DISMOUNT, &req), 0);
    NTMS_OBJECTINFORMATION info = {.dwSize = sizeof info, .dwType = NTMS_LIBREQUEST};
    CU_ASSERT_EQUAL(GetNtmsObjectInformation(fx.h, &req, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.LibRequest.State, NTMS_LM_FAILED);
    CU_ASSERT_EQUAL(info.Info.LibRequest.dwErrorCode, ERROR_LIBRARY_OFFLINE);
    struct rsm_guid pm = pm_of("A00001L8"), dg;
    rsm_guid_from_api(&dg, &d);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &dg));
    assert_db_matches_changer();
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, "A00001L8");
    CU_ASSERT_TRUE(el && el->type == 4);
    CU_ASSERT_EQUAL(vtlctl("fault", "unjam", NULL), 0);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    struct rsm_guid s2 = slot(2);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &s2));
    CU_ASSERT_EQUAL(fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    assert_db_matches_changer();
}

static void iscsi_omid_names_unreadable_barcode(void)
{
    /* A00001L8 was mounted for write earlier: its MAM carries its side's GUID. Its label
     * becomes unreadable and the cartridge is moved by hand to an empty slot. */
    CU_ASSERT_EQUAL_FATAL(vtlctl("fault", "barcode", "A00001L8"), 0);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    uint32_t empty = 0;
    for (uint32_t n = 24; n >= 1 && !empty; n--) {
        const struct rsm_chg_elem *el = rsm_dev_lib_elem(peek, rsm_dev_lib_addr(peek, 2, n));
        if (el && !el->full)
            empty = n;
    }
    CU_ASSERT_FATAL(empty != 0);
    char a[16], b[16];
    CU_ASSERT_EQUAL_FATAL(vtlctl("move", addr_txt(2, 2, a), addr_txt(2, empty, b)), 0);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_OMID), ERROR_SUCCESS);
    struct rsm_guid pm = pm_of("A00001L8"), se = slot(empty), lib;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &se));
    CU_ASSERT_TRUE(fix_library_is(&fx, &pm, &lib));
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 22); /* no stranger without a barcode */
    /* The next fast inventory keeps it there (the barcode-less cartridge is the one the
     * database has in that slot). */
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &se));
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 22);
    /* And it still mounts. */
    NTMS_GUID d;
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, 0, NULL), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &se));
}

/* A power-on reset of the library while a cartridge is mounted: the next request hears
 * the 29/00, re-inventories first, and the database matches the changer; nothing is lost
 * and the mounted cartridge is still where it is. */
static void iscsi_power_cycle_reconciled(void)
{
    NTMS_GUID d, other;
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                          ERROR_SUCCESS);
    unsigned before = fix_media_in_library(&fx);
    CU_ASSERT_EQUAL_FATAL(vtlctl("power-cycle", NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00010L8", &other), 0);
    NTMS_GUID d2;
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &other, &d2, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(memcmp(&d, &d2, sizeof d), 0);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), before);
    struct rsm_guid pm = pm_of("A00001L8"), dg;
    rsm_guid_from_api(&dg, &d);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &dg));
    NTMS_GUID both[2] = {lmid, other};
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, both, 2, 0), ERROR_SUCCESS);
    /* What the changer shows is what the database says. */
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, "A00010L8");
    struct rsm_guid p10 = pm_of("A00010L8");
    CU_ASSERT_TRUE_FATAL(el && el->type == 2);
    struct rsm_guid s = slot(rsm_dev_lib_number(peek, el->addr, NULL));
    CU_ASSERT_TRUE(fix_location_is(&fx, &p10, &s));
    assert_db_matches_changer();
}

/* The request queue against the real protocol: both drives busy, two mounts queue in
 * priority order, are reordered and one cancelled; freeing a drive starts the head. */
static void iscsi_queue_order_and_cancel(void)
{
    NTMS_GUID m[4], d, rq[2];
    for (int i = 0; i < 4; i++) {
        char bc[16];
        snprintf(bc, sizeof bc, "A%05dL8", 12 + i);
        CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, bc, &m[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &m[i], &d, 1, NTMS_MOUNT_READ, 0, INFINITE,
                                             NULL),
                              ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_mount_queued(fx.h, &m[2], &d, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, -3,
                                     INFINITE, &rq[0]),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_mount_queued(fx.h, &m[3], &d, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, 0,
                                     INFINITE, &rq[1]),
                    ERROR_SUCCESS);
    DWORD o = 0;
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rq[1], &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 1);
    CU_ASSERT_EQUAL(SetNtmsRequestOrder(fx.h, &rq[0], 1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rq[1], &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 2);
    CU_ASSERT_EQUAL(CancelNtmsLibraryRequest(fx.h, &rq[1]), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &m[0], 1, 0), ERROR_SUCCESS);
    NTMS_OBJECTINFORMATION info = {.dwSize = sizeof info, .dwType = NTMS_LIBREQUEST};
    for (int i = 0; i < 1000; i++) {
        CU_ASSERT_EQUAL_FATAL(GetNtmsObjectInformation(fx.h, &rq[0], &info), ERROR_SUCCESS);
        if (info.Info.LibRequest.State != NTMS_LM_QUEUED &&
            info.Info.LibRequest.State != NTMS_LM_INPROCESS)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CU_ASSERT_EQUAL(info.Info.LibRequest.State, NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(GetNtmsObjectInformation(fx.h, &rq[1], &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.LibRequest.State, NTMS_LM_CANCELLED);
    /* The robot really put the head's cartridge in a drive. */
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, "A00014L8");
    CU_ASSERT_TRUE(el && el->type == 4);
    NTMS_GUID rest[2] = {m[1], m[2]};
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, rest, 2, 0), ERROR_SUCCESS);
    char why[256];
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

/* Fails, through vtlctl, the drive the robot has just put @barcode in (at the mount's
 * RSM_LC_STEP_MOUNT_MOVED, before the drive is asked whether it is ready). */
struct drive_fail {
    const char *barcode;
    char drive[16]; /* element address of the failed drive, for the repair */
    int fired;
};

static void fail_drive_hook(enum rsm_lc_step s, void *arg)
{
    struct drive_fail *df = arg;
    if (df->fired || s != RSM_LC_STEP_MOUNT_MOVED)
        return;
    /* Our own session to the changer: the engine waits in this hook, sending nothing. */
    if (rsm_dev_lib_inventory(peek, false) != RSM_DEV_OK)
        return;
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, df->barcode);
    if (!el || el->type != 4)
        return;
    snprintf(df->drive, sizeof df->drive, "%u", el->addr);
    if (vtlctl("fault", "drive-fail", df->drive) == 0)
        df->fired = 1;
}

/* The drive fails (HARDWARE ERROR 44/00 on every command, injected with vtlctl) while it
 * threads the tape the robot just put in: as in-process (test_faults.c), the mount FAILS
 * with ERROR_UNABLE_TO_LOAD_MEDIUM, the robot takes the cartridge back to its slot, the
 * database matches the changer, and once the drive is repaired the mount works. */
static void iscsi_drive_fails_during_mount(void)
{
    static const char bc[] = "A00017L8";
    NTMS_GUID m, d, req;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, bc, &m), 0);
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, bc);
    CU_ASSERT_TRUE_FATAL(el && el->type == 2);
    uint16_t home = el->addr;
    struct rsm_guid pm = pm_of(bc), hs = slot(rsm_dev_lib_number(peek, home, NULL));
    CU_ASSERT_TRUE_FATAL(fix_location_is(&fx, &pm, &hs));

    struct drive_fail df = {.barcode = bc};
    rsm_lc_set_step_hook(fail_drive_hook, &df);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &m, &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                    ERROR_UNABLE_TO_LOAD_MEDIUM);
    rsm_lc_set_step_hook(NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(df.fired, 1);
    CU_ASSERT_EQUAL_FATAL(last_request(NTMS_LM_MOUNT, &req), 0);
    NTMS_OBJECTINFORMATION info = {.dwSize = sizeof info, .dwType = NTMS_LIBREQUEST};
    CU_ASSERT_EQUAL(GetNtmsObjectInformation(fx.h, &req, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.LibRequest.State, NTMS_LM_FAILED);
    CU_ASSERT_EQUAL(info.Info.LibRequest.dwErrorCode, ERROR_UNABLE_TO_LOAD_MEDIUM);

    /* Put back: idle in its slot, and the changer shows it there too. */
    struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &hs));
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    el = rsm_dev_lib_find_barcode(peek, bc);
    CU_ASSERT_TRUE(el && el->addr == home);
    assert_db_matches_changer();

    /* Repaired: the same mount works, and the dismount takes it home. */
    CU_ASSERT_EQUAL_FATAL(vtlctl("fault", "drive-repair", df.drive), 0);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &m, &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                    ERROR_SUCCESS);
    struct rsm_guid dg;
    rsm_guid_from_api(&dg, &d);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &dg));
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &m, 1, 0), ERROR_SUCCESS);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &hs));
    assert_db_matches_changer();
}

static CU_TestInfo iscsi_tests[] = {
    {"add", iscsi_add},
    {"mount_dismount", iscsi_mount_dismount},
    {"hand_move_followed", iscsi_hand_move_followed},
    {"inject_reinventories_next_call", iscsi_inject_reinventories_next_call},
    {"missing_goes_offline", iscsi_missing_goes_offline},
    {"jam_loses_nothing", iscsi_jam_loses_nothing},
    {"reset_answers_mount", iscsi_reset_answers_mount},
    {"jam_during_dismount", iscsi_jam_during_dismount},
    {"power_cycle_reconciled", iscsi_power_cycle_reconciled},
    {"queue_order_and_cancel", iscsi_queue_order_and_cancel},
    {"drive_fails_during_mount", iscsi_drive_fails_during_mount},
    /* Last: it leaves A00001L8's label unreadable. */
    {"omid_names_unreadable_barcode", iscsi_omid_names_unreadable_barcode},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo libctl_iscsi_suites[] = {
    {"libctl_iscsi", suite_init, suite_clean, NULL, NULL, iscsi_tests},
    CU_SUITE_INFO_NULL,
};
