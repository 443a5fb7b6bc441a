/* SPDX-License-Identifier: MIT
 * Library control against the in-process simulator ("sim:", the default library: one
 * changer, 2 LTO-8 drives, 24 slots, 2 mail slots, A00000L8..A00019L8 in slots 1-20 and
 * a cleaner). The test reaches the same simulated library through a device handle of
 * its own (sim: libraries are shared per process), to check what the robot did and to
 * move cartridges behind the engine's back.
 */
#include <stdio.h>
#include <string.h>

#include "rsm/engine/libctl.h"
#include "rsm/libctl/tests/fix.h"
#include "rsm/libctl/tests/suites.h"
#include "tests/lib/cutest.h"

static struct fix fx;

/* Each test: a fresh database directory and session (a failed open leaves fx.h NULL,
 * which every call then refuses). */
static void setup(void)
{
    if (fix_open(&fx) != 0)
        fx.h = NULL;
}

static void teardown(void)
{
    fix_close(&fx);
}

/* A fresh database with the default sim library added. */
static void add_sim(void)
{
    CU_ASSERT_EQUAL_FATAL(rsm_library_add(fx.h, "sim:", NULL, 0, &fx.lib), ERROR_SUCCESS);
}

/* Our own look at the simulated library (another initiator). */
static struct rsm_dev_lib *peek(void)
{
    struct rsm_dev_lib *lib = NULL;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open("sim:", NULL, 0, NULL, &lib), RSM_DEV_OK);
    return lib;
}

static struct rsm_guid pm_of(const char *barcode)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    CU_ASSERT_EQUAL(fix_pmedia(&fx, barcode, &g), 0);
    return g;
}

static struct rsm_guid element(uint32_t type, uint32_t n)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    CU_ASSERT_EQUAL(fix_element(&fx, type, n, &g), 0);
    return g;
}

static void sim_add_registers_everything(void)
{
    add_sim();
    /* The offline library and ours. */
    CU_ASSERT_EQUAL(fix_count(&fx, NULL, RSM_OT_LIBRARY), 2);
    struct rsm_guid lib;
    rsm_guid_from_api(&lib, &fx.lib);
    struct rsm_objinfo o = fix_get(&fx, &lib, RSM_OT_LIBRARY);
    CU_ASSERT_EQUAL(o.u.library.library_type, RSM_LIB_ONLINE);
    CU_ASSERT_TRUE(o.u.library.barcode_reader);
    CU_ASSERT_EQUAL(fix_count(&fx, &fx.lib, RSM_OT_CHANGER), 1);
    CU_ASSERT_EQUAL(fix_count(&fx, &fx.lib, RSM_OT_DRIVE), 2);
    CU_ASSERT_EQUAL(fix_count(&fx, &fx.lib, RSM_OT_STORAGESLOT), 24);
    CU_ASSERT_EQUAL(fix_count(&fx, &fx.lib, RSM_OT_IEPORT), 2);
    CU_ASSERT_EQUAL(fix_count(&fx, &fx.lib, RSM_OT_IEDOOR), 1);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 21);
    /* Drives carry the identity the device reported. */
    struct rsm_guid d1 = element(RSM_OT_DRIVE, 1), d2 = element(RSM_OT_DRIVE, 2);
    struct rsm_objinfo i1 = fix_get(&fx, &d1, RSM_OT_DRIVE), i2 = fix_get(&fx, &d2, RSM_OT_DRIVE);
    CU_ASSERT_NOT_EQUAL(i1.u.drive.serial[0], 0);
    CU_ASSERT_STRING_NOT_EQUAL(i1.u.drive.serial, i2.u.drive.serial);
    CU_ASSERT_EQUAL(i1.u.drive.state, NTMS_DRIVESTATE_DISMOUNTED);
    /* Data cartridges are unrecognized (no label yet), each in its slot. */
    for (unsigned i = 0; i < 20; i++) {
        char bc[16];
        snprintf(bc, sizeof bc, "A%05uL8", i);
        struct rsm_guid pm = pm_of(bc);
        CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm), RSM_POOL_FOREIGN);
        struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
        struct rsm_guid slot = element(RSM_OT_STORAGESLOT, i + 1);
        CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &slot));
        CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.home_slot, &slot));
        CU_ASSERT_EQUAL(fix_get(&fx, &slot, RSM_OT_STORAGESLOT).u.slot.state, RSM_SLOT_FULL);
    }
    struct rsm_guid s24 = element(RSM_OT_STORAGESLOT, 24);
    CU_ASSERT_EQUAL(fix_get(&fx, &s24, RSM_OT_STORAGESLOT).u.slot.state, RSM_SLOT_EMPTY);
    /* Adding again is idempotent: same library, no second copy of any cartridge. */
    NTMS_GUID again;
    CU_ASSERT_EQUAL(rsm_library_add(fx.h, "sim:", NULL, 0, &again), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(memcmp(&again, &fx.lib, sizeof again), 0);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 21);
    char why[256];
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

static void sim_add_bad_input(void)
{
    NTMS_GUID g;
    CU_ASSERT_EQUAL(rsm_library_add(fx.h, NULL, NULL, 0, &g), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(rsm_library_add(fx.h, "sim:", NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(rsm_library_add(NULL, "sim:", NULL, 0, &g), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(rsm_library_add(fx.h, "nosuchscheme:x", NULL, 0, &g),
                    ERROR_DEVICE_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_DEVICE_NOT_AVAILABLE);
    /* Nobody may add a library without CONTROL on the computer. */
    CU_ASSERT_EQUAL(rsm_session_set_caller(fx.h, 4242, (uint32_t[]){4242}, 1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_library_add(fx.h, "sim:", NULL, 0, &g), ERROR_ACCESS_DENIED);
}

static void sim_mount_dismount(void)
{
    add_sim();
    NTMS_GUID lmid, drive;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00000L8", &lmid), 0);
    memset(&drive, 0, sizeof drive);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_WRITE,
                                         0, INFINITE, NULL),
                          ERROR_SUCCESS);
    struct rsm_guid dg, pm = pm_of("A00000L8"), slot1 = element(RSM_OT_STORAGESLOT, 1);
    rsm_guid_from_api(&dg, &drive);
    struct rsm_objinfo d = fix_get(&fx, &dg, RSM_OT_DRIVE);
    CU_ASSERT_EQUAL(d.u.drive.number, 1); /* the first free drive */
    CU_ASSERT_EQUAL(d.u.drive.state, NTMS_DRIVESTATE_LOADED);
    CU_ASSERT_EQUAL(d.u.drive.mount_count, 1);
    struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_LOADED);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &dg));
    CU_ASSERT_EQUAL(p.u.pmedia.location_type, RSM_OT_DRIVE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.home_slot, &slot1));
    struct rsm_guid side;
    uint32_t n = 0;
    CU_ASSERT_EQUAL(rsm_enumerate(fx.e, &fx.c, &pm, RSM_OT_PARTITION, 0, &side, 1, &n), RSM_OK);
    CU_ASSERT_EQUAL(fix_get(&fx, &side, RSM_OT_PARTITION).u.side.mount_count, 1);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.mounted_side, &side));

    /* The robot really moved it, and the write mount left the MAM host attributes. */
    struct rsm_dev_lib *lib = peek();
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(lib, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(lib, "A00000L8");
    CU_ASSERT_PTR_NOT_NULL_FATAL(el);
    CU_ASSERT_EQUAL(el->type, 4);
    int di = rsm_dev_lib_drive_at(lib, el->addr);
    CU_ASSERT_TRUE_FATAL(di >= 0);
    CU_ASSERT_STRING_EQUAL(lib->drives[di].ident.serial, d.u.drive.serial);
    struct rsm_drv_mam mam;
    CU_ASSERT_EQUAL(rsm_drv_mam_read(lib->drives[di].drv, &mam), RSM_DEV_OK);
    CU_ASSERT_STRING_EQUAL(mam.app_vendor, "OPENRSM");
    CU_ASSERT_STRING_EQUAL(mam.app_name, "LibctlTest");
    CU_ASSERT_STRING_EQUAL(mam.barcode, "A00000L8");
    CU_ASSERT_PTR_NOT_NULL(strstr(mam.media_pool, "Backup"));
    char gs[40];
    rsm_guid_str(&side, gs, sizeof gs);
    CU_ASSERT_EQUAL(memcmp(mam.medium_guid, gs + 1, 36), 0);
    CU_ASSERT_TRUE((mam.present & (RSM_MAM_MEDIUM_GUID | RSM_MAM_POOL_GUID)) ==
                   (RSM_MAM_MEDIUM_GUID | RSM_MAM_POOL_GUID));

    /* The same medium again: busy. */
    NTMS_GUID d2;
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d2, 1, NTMS_MOUNT_READ, 0, 0, NULL), ERROR_BUSY);

    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, NTMS_DISMOUNT_IMMEDIATE), ERROR_SUCCESS);
    p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &slot1));
    CU_ASSERT_EQUAL(p.u.pmedia.location_type, RSM_OT_STORAGESLOT);
    CU_ASSERT_TRUE(rsm_guid_is_null(&p.u.pmedia.mounted_side));
    d = fix_get(&fx, &dg, RSM_OT_DRIVE);
    CU_ASSERT_EQUAL(d.u.drive.state, NTMS_DRIVESTATE_DISMOUNTED);
    CU_ASSERT_EQUAL(fix_get(&fx, &slot1, RSM_OT_STORAGESLOT).u.slot.state, RSM_SLOT_FULL);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(lib, false), RSM_DEV_OK);
    el = rsm_dev_lib_find_barcode(lib, "A00000L8");
    CU_ASSERT_PTR_NOT_NULL_FATAL(el);
    CU_ASSERT_EQUAL(el->addr, rsm_dev_lib_addr(lib, 2, 1)); /* home */
    rsm_dev_lib_close(lib);
    /* Not mounted any more. */
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_INVALID_STATE);
    char why[256];
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

static void sim_mount_rules(void)
{
    add_sim();
    NTMS_GUID a, b, c, drv[2];
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00001L8", &a), 0);
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00002L8", &b), 0);
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00003L8", &c), 0);
    struct rsm_guid d2 = element(RSM_OT_DRIVE, 2), s5 = element(RSM_OT_STORAGESLOT, 5);

    /* Complete media are refused for write, fine for read. */
    CU_ASSERT_EQUAL(SetNtmsMediaComplete(fx.h, &c), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &c, drv, 1, NTMS_MOUNT_WRITE, 0, 0, NULL),
                    ERROR_WRITE_PROTECT);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &c, drv, 1, NTMS_MOUNT_READ, 0, 0, NULL), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &c, 1, 0), ERROR_SUCCESS);

    /* Bad arguments. */
    NTMS_GUID unknown;
    memset(&unknown, 0x5A, sizeof unknown);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &unknown, drv, 1, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_INVALID_MEDIA);
    NTMS_GUID twice[2] = {a, a};
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, twice, drv, 2, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_INVALID_MEDIA);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, drv, 0, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, NULL, 1, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, drv, 1, NTMS_MOUNT_READ, 16, 0, NULL),
                    ERROR_INVALID_PARAMETER);
    rsm_guid_to_api(&drv[0], &s5); /* a slot is not a drive */
    CU_ASSERT_EQUAL(
        MountNtmsMedia(fx.h, &a, drv, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 0, NULL),
        ERROR_INVALID_DRIVE);

    /* A specific drive, then the other one; a third medium finds no free drive. */
    rsm_guid_to_api(&drv[0], &d2);
    CU_ASSERT_EQUAL(
        MountNtmsMedia(fx.h, &a, drv, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 0, NULL),
        ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fix_get(&fx, &d2, RSM_OT_DRIVE).u.drive.state, NTMS_DRIVESTATE_LOADED);
    CU_ASSERT_EQUAL(
        MountNtmsMedia(fx.h, &b, drv, 1, NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, 0, NULL),
        ERROR_BUSY);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &b, &drv[1], 1, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_SUCCESS);
    struct rsm_guid got;
    rsm_guid_from_api(&got, &drv[1]);
    CU_ASSERT_EQUAL(fix_get(&fx, &got, RSM_OT_DRIVE).u.drive.number, 1);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &c, drv, 1,
                                   NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_IF_UNAVAILABLE, 0, 0, NULL),
                    ERROR_BUSY);

    /* DismountNtmsDrive sends home whatever a drive holds; an empty drive is refused. */
    NTMS_GUID d2api;
    rsm_guid_to_api(&d2api, &d2);
    CU_ASSERT_EQUAL(DismountNtmsDrive(fx.h, &d2api), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsDrive(fx.h, &d2api), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(DismountNtmsDrive(fx.h, &unknown), ERROR_INVALID_DRIVE);
    struct rsm_guid pa = pm_of("A00001L8"), s2 = element(RSM_OT_STORAGESLOT, 2);
    struct rsm_objinfo p = fix_get(&fx, &pa, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &s2));
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &b, 1, 0), ERROR_SUCCESS);
    char why[256];
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

static void sim_deferred_dismount(void)
{
    add_sim();
    NTMS_GUID a, b, d, d_again;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00004L8", &a), 0);
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00005L8", &b), 0);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &a, &d, 1, NTMS_MOUNT_READ, 0, 0, NULL),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &a, 1, NTMS_DISMOUNT_DEFERRED), ERROR_SUCCESS);
    struct rsm_guid dg, pa = pm_of("A00004L8");
    rsm_guid_from_api(&dg, &d);
    CU_ASSERT_EQUAL(fix_get(&fx, &dg, RSM_OT_DRIVE).u.drive.state, NTMS_DRIVESTATE_DISMOUNTABLE);
    CU_ASSERT_EQUAL(fix_get(&fx, &pa, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    NTMS_MEDIASTATE_LOADED);
    /* Mounting it again is served from the drive it waits in. */
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, &d_again, 1, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(memcmp(&d, &d_again, sizeof d), 0);
    CU_ASSERT_EQUAL(fix_get(&fx, &dg, RSM_OT_DRIVE).u.drive.mount_count, 2);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &a, 1, NTMS_DISMOUNT_DEFERRED), ERROR_SUCCESS);
    /* Drive 1 waits with A00004L8, drive 2 is free: B goes to drive 2. */
    NTMS_GUID db;
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &b, &db, 1, NTMS_MOUNT_READ, 0, 0, NULL), ERROR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(memcmp(&db, &d, sizeof d), 0);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &b, 1, 0), ERROR_SUCCESS);
    /* Both drives needed: the waiting cartridge is put away to make room. */
    NTMS_GUID dd[2];
    NTMS_GUID c;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00006L8", &c), 0);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &b, &dd[0], 1, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &c, &dd[1], 1, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(memcmp(&dd[1], &d, sizeof d), 0);
    struct rsm_guid s5 = element(RSM_OT_STORAGESLOT, 5);
    struct rsm_objinfo p = fix_get(&fx, &pa, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &s5));
    NTMS_GUID two[2] = {b, c};
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, two, 2, 0), ERROR_SUCCESS);
    char why[256];
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

static void sim_reconnect_after_reopen(void)
{
    add_sim();
    NTMS_GUID a, d;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00007L8", &a), 0);
    fix_close_session(&fx); /* the engine and its device handles go away */
    CU_ASSERT_EQUAL_FATAL(fix_reopen(&fx), 0);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, &d, 1, NTMS_MOUNT_READ, 0, 0, NULL), ERROR_SUCCESS);
    struct rsm_guid pa = pm_of("A00007L8");
    CU_ASSERT_EQUAL(fix_get(&fx, &pa, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    NTMS_MEDIASTATE_LOADED);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &a, 1, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 21);
}

static void sim_inventory_follows_hand_moves(void)
{
    add_sim();
    struct rsm_dev_lib *lib = peek();
    /* Someone else's robot command: slot 3 -> slot 23, behind the engine's back. */
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_move(lib->chg, rsm_dev_lib_addr(lib, 2, 3), rsm_dev_lib_addr(lib, 2, 23)),
        RSM_DEV_OK);
    DWORD n_new = 99, n_moved = 99, n_gone = 99, n_imp = 99, n_dup = 99;
    CU_ASSERT_EQUAL(
        rsm_library_inventory(fx.h, &fx.lib, FALSE, &n_new, &n_moved, &n_gone, &n_imp, &n_dup),
        ERROR_SUCCESS);
    CU_ASSERT_EQUAL(n_new, 0);
    CU_ASSERT_EQUAL(n_moved, 1);
    CU_ASSERT_EQUAL(n_gone, 0);
    CU_ASSERT_EQUAL(n_imp, 0);
    CU_ASSERT_EQUAL(n_dup, 0);
    struct rsm_guid pm = pm_of("A00002L8"), s3 = element(RSM_OT_STORAGESLOT, 3),
                    s23 = element(RSM_OT_STORAGESLOT, 23);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &s23));
    CU_ASSERT_EQUAL(fix_get(&fx, &s3, RSM_OT_STORAGESLOT).u.slot.state, RSM_SLOT_EMPTY);
    CU_ASSERT_EQUAL(fix_get(&fx, &s23, RSM_OT_STORAGESLOT).u.slot.state, RSM_SLOT_FULL);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 21);

    /* Moved into a drive by hand: the database follows it there, and the engine can
     * put it away. */
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_move(lib->chg, rsm_dev_lib_addr(lib, 2, 23), lib->drives[0].elem_addr), RSM_DEV_OK);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    struct rsm_guid dmapped =
        element(RSM_OT_DRIVE, rsm_dev_lib_number(lib, lib->drives[0].elem_addr, NULL));
    struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &dmapped));
    CU_ASSERT_EQUAL(fix_get(&fx, &dmapped, RSM_OT_DRIVE).u.drive.state, NTMS_DRIVESTATE_LOADED);
    NTMS_GUID dapi;
    rsm_guid_to_api(&dapi, &dmapped);
    CU_ASSERT_EQUAL(DismountNtmsDrive(fx.h, &dapi), ERROR_SUCCESS);
    p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.location_type, RSM_OT_STORAGESLOT);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_EQUAL(fix_get(&fx, &dmapped, RSM_OT_DRIVE).u.drive.state, NTMS_DRIVESTATE_DISMOUNTED);
    rsm_dev_lib_close(lib);
    char why[256];
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

static void sim_mount_source_moved(void)
{
    add_sim();
    NTMS_GUID a, d;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "A00008L8", &a), 0);
    struct rsm_dev_lib *lib = peek();
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_move(lib->chg, rsm_dev_lib_addr(lib, 2, 9), rsm_dev_lib_addr(lib, 2, 22)),
        RSM_DEV_OK);
    /* The slot the database names is empty: the engine looks again and mounts it from
     * where it is now. */
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, &d, 1, NTMS_MOUNT_READ, 0, 0, NULL), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &a, 1, 0), ERROR_SUCCESS);
    struct rsm_guid pm = pm_of("A00008L8"), s22 = element(RSM_OT_STORAGESLOT, 22);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &s22));
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(lib, false), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_dev_lib_find_barcode(lib, "A00008L8")->addr, rsm_dev_lib_addr(lib, 2, 22));
    rsm_dev_lib_close(lib);
}

/* The changer shows A00007L8's cartridge (slot 8) with label A00005L8 as well. */
static void relabel_slot8(struct rsm_dev_lib *dev, void *arg)
{
    (void)arg;
    const struct rsm_chg_elem *el = rsm_dev_lib_elem(dev, rsm_dev_lib_addr(dev, 2, 8));
    if (el)
        snprintf(((struct rsm_chg_elem *)el)->barcode, sizeof el->barcode, "A00005L8");
}

/* Operator requests of kind @request in state @state (0: any) whose message holds @text
 * (NULL: any). */
static unsigned opreqs(uint32_t request, uint32_t state, const char *text)
{
    struct rsm_guid list[64];
    uint32_t n = 0, k = 0;
    if (rsm_enumerate(fx.e, &fx.c, NULL, RSM_OT_OPREQUEST, 0, list, 64, &n) != RSM_OK)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(&fx, &list[i], RSM_OT_OPREQUEST);
        k += o.u.opreq.request == request && (!state || o.u.opreq.state == state) &&
             (!text || strstr(o.u.opreq.message, text));
    }
    return k;
}

static void sim_duplicate_barcode_not_merged(void)
{
    add_sim();
    struct rsm_guid a5 = pm_of("A00005L8"), a7 = pm_of("A00007L8");
    struct rsm_guid s6 = element(RSM_OT_STORAGESLOT, 6), s8 = element(RSM_OT_STORAGESLOT, 8);
    rsm_lc_set_snapshot_hook(relabel_slot8, NULL);
    DWORD n_dup = 0, n_new = 9, n_moved = 9, n_gone = 0;
    DWORD err =
        rsm_library_inventory(fx.h, &fx.lib, FALSE, &n_new, &n_moved, &n_gone, NULL, &n_dup);
    rsm_lc_set_snapshot_hook(NULL, NULL);
    CU_ASSERT_EQUAL(err, ERROR_SUCCESS);
    CU_ASSERT_EQUAL(n_dup, 1);
    CU_ASSERT_EQUAL(n_new, 0);
    CU_ASSERT_EQUAL(n_moved, 0);
    /* A00005L8 stays where the database had it; no second medium of that name. */
    CU_ASSERT_TRUE(fix_location_is(&fx, &a5, &s6));
    unsigned named = 0;
    struct rsm_guid list[64];
    uint32_t n = 0;
    struct rsm_guid lib;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_EQUAL(rsm_enumerate(fx.e, &fx.c, &lib, RSM_OT_PHYSICAL_MEDIA, 0, list, 64, &n),
                    RSM_OK);
    for (uint32_t i = 0; i < n; i++)
        named +=
            strcmp(fix_get(&fx, &list[i], RSM_OT_PHYSICAL_MEDIA).u.pmedia.barcode, "A00005L8") == 0;
    CU_ASSERT_EQUAL(named, 1);
    /* Nothing merged silently: an operator is asked to sort the twins out, once. */
    CU_ASSERT_EQUAL(opreqs(NTMS_OPREQ_MESSAGE, NTMS_OPSTATE_SUBMITTED, "A00005L8"), 1);
    rsm_lc_set_snapshot_hook(relabel_slot8, NULL);
    CU_ASSERT_EQUAL(rsm_library_inventory(fx.h, &fx.lib, FALSE, NULL, NULL, NULL, NULL, &n_dup),
                    ERROR_SUCCESS);
    rsm_lc_set_snapshot_hook(NULL, NULL);
    CU_ASSERT_EQUAL(opreqs(NTMS_OPREQ_MESSAGE, 0, "A00005L8"), 1); /* not a second one */
    /* The label A00007L8 was not seen: that medium is missing (offline library). */
    CU_ASSERT_EQUAL(n_gone, 1);
    CU_ASSERT_FALSE(fix_library_is(&fx, &a7, &lib));
    /* The slot is full all the same: nothing will be put into it. */
    CU_ASSERT_EQUAL(fix_get(&fx, &s8, RSM_OT_STORAGESLOT).u.slot.state, RSM_SLOT_FULL);
    /* The label reads right again: A00007L8 is back in slot 8, the same medium. */
    CU_ASSERT_EQUAL(
        rsm_library_inventory(fx.h, &fx.lib, FALSE, &n_new, &n_moved, NULL, NULL, &n_dup),
        ERROR_SUCCESS);
    CU_ASSERT_EQUAL(n_dup, 0);
    CU_ASSERT_EQUAL(n_new, 0);
    CU_ASSERT_TRUE(fix_location_is(&fx, &a7, &s8));
    CU_ASSERT_TRUE(fix_library_is(&fx, &a7, &lib));
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 21);
    char why[256];
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

static void sim_inventory_api(void)
{
    add_sim();
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_DEFAULT), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_STOP), ERROR_SUCCESS);
    /* Every barcode reads: OMID has nothing to identify, and changes nothing. */
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_OMID), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_NONE),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, NULL, NTMS_INVENTORY_FAST), ERROR_INVALID_PARAMETER);
    struct rsm_guid off;
    CU_ASSERT_EQUAL(rsm_engine_wellknown(fx.e, "offline_library", &off), RSM_OK);
    NTMS_GUID offapi;
    rsm_guid_to_api(&offapi, &off);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &offapi, NTMS_INVENTORY_FAST),
                    ERROR_INVALID_LIBRARY);
    DWORD n_new = 9, n_moved = 9;
    CU_ASSERT_EQUAL(rsm_library_inventory(fx.h, &fx.lib, TRUE, &n_new, &n_moved, NULL, NULL, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(n_new, 0);
    CU_ASSERT_EQUAL(n_moved, 0);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 21);
    /* CONTROL on the library is needed. */
    CU_ASSERT_EQUAL(rsm_session_set_caller(fx.h, 4242, (uint32_t[]){4242}, 1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_ACCESS_DENIED);
}

static CU_TestInfo sim_tests[] = {
    {"add_registers_everything", sim_add_registers_everything},
    {"add_bad_input", sim_add_bad_input},
    {"mount_dismount", sim_mount_dismount},
    {"mount_rules", sim_mount_rules},
    {"deferred_dismount", sim_deferred_dismount},
    {"reconnect_after_reopen", sim_reconnect_after_reopen},
    {"inventory_follows_hand_moves", sim_inventory_follows_hand_moves},
    {"mount_source_moved", sim_mount_source_moved},
    {"duplicate_barcode_not_merged", sim_duplicate_barcode_not_merged},
    {"inventory_api", sim_inventory_api},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo libctl_sim_suites[] = {
    {"libctl_sim", NULL, NULL, setup, teardown, sim_tests},
    CU_SUITE_INFO_NULL,
};
