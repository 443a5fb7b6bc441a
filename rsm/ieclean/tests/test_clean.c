/* SPDX-License-Identifier: MIT
 * Cleaning: the cleaner slot rules (ntms-api.md §6.7), InjectNtmsCleaner/EjectNtmsCleaner,
 * CleanNtmsDrive, TapeAlert read at dismount and on the schedule, automatic cleaning, an
 * expired cleaner, and a drive dirty again right after its cleaning.
 */
#include <stdio.h>
#include <string.h>

#include "rsm/engine/libctl_int.h"
#include "rsm/ieclean/tests/fix.h"
#include "rsm/ieclean/tests/suites.h"
#include "tests/lib/cutest.h"

static struct ifix fx;
static NTMS_GUID cslot; /* the reserved slot (12) */

static void setup(void)
{
    CU_ASSERT_EQUAL_FATAL(ifix_open(&fx, NULL), 0);
    struct rsm_guid s;
    CU_ASSERT_EQUAL_FATAL(ifix_element(&fx, RSM_OT_STORAGESLOT, 12, &s), 0);
    rsm_guid_to_api(&cslot, &s);
}

static void teardown(void)
{
    ifix_close(&fx);
}

static NTMS_GUID drive_api(unsigned n, struct rsm_guid *g)
{
    NTMS_GUID a;
    CU_ASSERT_EQUAL(ifix_element(&fx, RSM_OT_DRIVE, n, g), 0);
    rsm_guid_to_api(&a, g);
    return a;
}

static int64_t lib_uses(void)
{
    return ifix_q(&fx, "SELECT cleaner_uses FROM library WHERE guid=?1", &fx.glib);
}

/* Reserves slot 12 and injects a cleaner with @sim_uses real uses; RSM is told @told. */
static void install_cleaner(const char *barcode, int sim_uses, DWORD told)
{
    CU_ASSERT_EQUAL_FATAL(ReserveNtmsCleanerSlot(fx.h, &fx.lib, &cslot), ERROR_SUCCESS);
    NTMS_GUID op;
    CU_ASSERT_EQUAL_FATAL(InjectNtmsCleaner(fx.h, &fx.lib, &op, told, NTMS_INJECT_START),
                          ERROR_SUCCESS);
    CU_ASSERT_NOT_EQUAL_FATAL(ifix_operator_inject(&fx, barcode, sim_uses), 0);
    CU_ASSERT_EQUAL_FATAL(InjectNtmsCleaner(fx.h, &fx.lib, &op, told, NTMS_INJECT_STOP),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ifix_where(&fx, barcode), ifix_addr(&fx, VTL_ELEM_STORAGE, 12));
}

static int sim_cleaner_uses(void)
{
    struct vtl_elem_info info;
    if (!ifix_elem(&fx, ifix_addr(&fx, VTL_ELEM_STORAGE, 12), &info) || !info.full)
        return -100;
    return info.cart.cleaning_uses_left;
}

static void cleaner_slot_rules(void)
{
    struct rsm_guid s1;
    CU_ASSERT_EQUAL_FATAL(ifix_element(&fx, RSM_OT_STORAGESLOT, 1, &s1), 0);
    NTMS_GUID full, op;
    rsm_guid_to_api(&full, &s1);
    CU_ASSERT_EQUAL(ReleaseNtmsCleanerSlot(fx.h, &fx.lib), ERROR_CLEANER_SLOT_NOT_SET);
    CU_ASSERT_EQUAL(InjectNtmsCleaner(fx.h, &fx.lib, &op, 10, NTMS_INJECT_START),
                    ERROR_CLEANER_SLOT_NOT_SET);
    CU_ASSERT_EQUAL(EjectNtmsCleaner(fx.h, &fx.lib, &op, NTMS_EJECT_START),
                    ERROR_CLEANER_SLOT_NOT_SET);
    CU_ASSERT_EQUAL(ReserveNtmsCleanerSlot(fx.h, &fx.lib, &full), ERROR_RESOURCE_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(ReserveNtmsCleanerSlot(fx.h, &fx.lib, &fx.lib), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(ReserveNtmsCleanerSlot(fx.h, &fx.lib, NULL), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(ReserveNtmsCleanerSlot(fx.h, &fx.lib, &cslot), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ReserveNtmsCleanerSlot(fx.h, &fx.lib, &cslot), ERROR_CLEANER_SLOT_SET);
    struct rsm_objinfo o = ifix_get(&fx, &fx.glib, RSM_OT_LIBRARY);
    struct rsm_guid want;
    rsm_guid_from_api(&want, &cslot);
    CU_ASSERT_TRUE(rsm_guid_eq(&o.u.library.cleaner_slot, &want));
    /* Nothing in it yet: eject has nothing to take. */
    CU_ASSERT_EQUAL(EjectNtmsCleaner(fx.h, &fx.lib, &op, NTMS_EJECT_START),
                    ERROR_RESOURCE_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(ReleaseNtmsCleanerSlot(fx.h, &fx.lib), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ReleaseNtmsCleanerSlot(fx.h, &fx.lib), ERROR_CLEANER_SLOT_NOT_SET);
}

static void inject_cleaner_and_clean_a_drive(void)
{
    install_cleaner("CLN001L1", 20, 20);
    CU_ASSERT_EQUAL(lib_uses(), 20);
    CU_ASSERT_TRUE(ifix_q(&fx, "SELECT flags FROM library WHERE guid=?1", &fx.glib) &
                   NTMS_LIBRARYFLAG_CLEANERPRESENT);
    /* The reserved slot is full now: it cannot be released, a second cleaner cannot come. */
    NTMS_GUID op;
    CU_ASSERT_EQUAL(ReleaseNtmsCleanerSlot(fx.h, &fx.lib), ERROR_RESOURCE_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(InjectNtmsCleaner(fx.h, &fx.lib, &op, 5, NTMS_INJECT_START),
                    ERROR_RESOURCE_NOT_AVAILABLE);
    struct rsm_guid d1;
    NTMS_GUID d = drive_api(1, &d1);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &d), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(lib_uses(), 19);
    CU_ASSERT_EQUAL(sim_cleaner_uses(), 19); /* the drive really ran a cycle */
    CU_ASSERT_EQUAL(rsm_clean_count(fx.e, &fx.glib), 1);
    CU_ASSERT_TRUE(ifix_q(&fx, "SELECT last_cleaned FROM drive WHERE guid=?1", &d1) > 0);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT state FROM drive WHERE guid=?1", &d1),
                    NTMS_DRIVESTATE_DISMOUNTED);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
    CU_ASSERT_EQUAL(rsm_iec_open_requests(fx.e), 0);
    /* Bad input changes nothing. */
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, NULL), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &fx.lib), ERROR_INVALID_DRIVE);
    CU_ASSERT_EQUAL(DisableNtmsObject(fx.h, NTMS_DRIVE, &d), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &d), ERROR_RESOURCE_DISABLED);
    CU_ASSERT_EQUAL(lib_uses(), 19);
}

static void clean_without_cleaner_asks_operator(void)
{
    struct rsm_guid d1;
    NTMS_GUID d = drive_api(1, &d1);
    uint64_t moves = vtl_library_move_count(fx.vl);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &d), ERROR_CLEANER_CARTRIDGE_SPENT);
    CU_ASSERT_EQUAL(vtl_library_move_count(fx.vl), moves);
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_CLEANER), 1);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &d), ERROR_CLEANER_CARTRIDGE_SPENT);
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_CLEANER), 1); /* the same request, not two */
    /* The failed request keeps dwErrorCode: the Win32 code, as EnumerateNtmsObject shows it. */
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT max(err) FROM libreq WHERE op=15 AND state=3", NULL),
                    ERROR_CLEANER_CARTRIDGE_SPENT);
}

static void cleaner_uses_counted_to_spent(void)
{
    install_cleaner("CLN002L1", 50, 2);
    struct rsm_guid d1, d2;
    NTMS_GUID a = drive_api(1, &d1), b = drive_api(2, &d2);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &a), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &b), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(lib_uses(), 0);
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_CLEANER), 1); /* spent: replace it */
    uint64_t moves = vtl_library_move_count(fx.vl);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &a), ERROR_CLEANER_CARTRIDGE_SPENT);
    CU_ASSERT_EQUAL(vtl_library_move_count(fx.vl), moves);
}

static void uncounted_cleaner_keeps_working(void)
{
    install_cleaner("CLN003L1", 50, 0xFFFFFFFFu);
    CU_ASSERT_TRUE(ifix_q(&fx, "SELECT flags FROM library WHERE guid=?1", &fx.glib) &
                   NTMS_LIBRARYFLAG_IGNORECLEANERUSESREMAINING);
    struct rsm_guid d1;
    NTMS_GUID a = drive_api(1, &d1);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &a), ERROR_SUCCESS);
    CU_ASSERT_EQUAL((uint32_t)lib_uses(), 0xFFFFFFFFu);
    CU_ASSERT_EQUAL(sim_cleaner_uses(), 47);
}

static void expired_cleaner_reported_never_used_and_ejected(void)
{
    /* The cartridge has no use left although the operator said 5. */
    install_cleaner("CLN004L1", 0, 5);
    struct rsm_guid d1;
    NTMS_GUID a = drive_api(1, &d1);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &a), ERROR_CLEANER_CARTRIDGE_SPENT);
    CU_ASSERT_EQUAL(lib_uses(), 0);
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_CLEANER), 1);
    CU_ASSERT_EQUAL(ifix_where(&fx, "CLN004L1"), ifix_addr(&fx, VTL_ELEM_STORAGE, 12)); /* back */
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
    /* Never loaded again, not even for a drive that asks. */
    uint64_t moves = vtl_library_move_count(fx.vl);
    CU_ASSERT_EQUAL(fx.hooks.set_dirty(fx.hooks.priv, 0), VTL_OK);
    ifix_advance_ms(&fx, RSM_IEC_TAPEALERT_MS);
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_TRUE(rsm_clean_pending(fx.e, &d1));
    CU_ASSERT_EQUAL(vtl_library_move_count(fx.vl), moves);
    /* Ejected when asked, and forgotten. */
    NTMS_GUID op;
    CU_ASSERT_EQUAL(EjectNtmsCleaner(fx.h, &fx.lib, &op, NTMS_EJECT_START), ERROR_SUCCESS);
    struct vtl_elem_info info;
    CU_ASSERT_TRUE(ifix_elem(&fx, ifix_where(&fx, "CLN004L1"), &info) && info.type == VTL_ELEM_IE);
    struct rsm_guid pm;
    CU_ASSERT_NOT_EQUAL(ifix_pmedia(&fx, "CLN004L1", &pm), 0);
    CU_ASSERT_FALSE(ifix_q(&fx, "SELECT flags FROM library WHERE guid=?1", &fx.glib) &
                    NTMS_LIBRARYFLAG_CLEANERPRESENT);
    CU_ASSERT_EQUAL(EjectNtmsCleaner(fx.h, &fx.lib, &op, NTMS_EJECT_STOP), ERROR_SUCCESS);
    NTMS_GUID bogus = {3, 3, 3, {3}};
    CU_ASSERT_EQUAL(EjectNtmsCleaner(fx.h, &fx.lib, &bogus, NTMS_EJECT_STOP),
                    ERROR_INVALID_OPERATION);
    CU_ASSERT_EQUAL(ReleaseNtmsCleanerSlot(fx.h, &fx.lib), ERROR_SUCCESS);
}

static void dirty_drive_cleaned_on_schedule_and_again(void)
{
    install_cleaner("CLN005L1", 10, 10);
    struct rsm_guid d2;
    (void)drive_api(2, &d2);
    CU_ASSERT_EQUAL(fx.hooks.set_dirty(fx.hooks.priv, 1), VTL_OK);
    /* The first tick reads TapeAlert at once, then every RSM_IEC_TAPEALERT_MS. */
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(rsm_clean_count(fx.e, &fx.glib), 1);
    CU_ASSERT_FALSE(rsm_clean_pending(fx.e, &d2));
    /* Dirty again right after its cleaning: the next reading catches it. */
    CU_ASSERT_EQUAL(fx.hooks.set_dirty(fx.hooks.priv, 1), VTL_OK);
    ifix_advance_ms(&fx, 60000);
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(rsm_clean_count(fx.e, &fx.glib), 1); /* not before the schedule */
    ifix_advance_ms(&fx, RSM_IEC_TAPEALERT_MS);
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(rsm_clean_count(fx.e, &fx.glib), 2);
    CU_ASSERT_EQUAL(sim_cleaner_uses(), 8);
    CU_ASSERT_EQUAL(lib_uses(), 8);
    const char *state = NULL;
    unsigned long long ta = 0;
    CU_ASSERT_EQUAL(fx.hooks.describe(fx.hooks.priv, 1, &state, &ta), VTL_OK);
    CU_ASSERT_EQUAL(ta & ((1ull << 19) | (1ull << 20)), 0); /* flags 20, 21 clear */
    CU_ASSERT_EQUAL(rsm_iec_open_requests(fx.e), 0);
}

/* The hooks mount.c calls, with the robot held as mount.c holds it. */
static void tapealert_at_dismount_then_clean_before_mount(void)
{
    install_cleaner("CLN006L1", 10, 10);
    struct rsm_guid d1;
    (void)drive_api(1, &d1);
    struct rsm_lc_lib *L;
    CU_ASSERT_EQUAL_FATAL(rsm_lc_acquire(fx.e, &fx.glib, &L), RSM_OK);
    CU_ASSERT_EQUAL(fx.hooks.set_dirty(fx.hooks.priv, 0), VTL_OK);
    rsm_clean_after_dismount(fx.e, L, &d1, 0);
    CU_ASSERT_TRUE(rsm_clean_pending(fx.e, &d1));
    CU_ASSERT_EQUAL(rsm_clean_count(fx.e, &fx.glib), 0); /* only recorded */
    rsm_clean_before_mount(fx.e, L, &d1, 0);
    CU_ASSERT_FALSE(rsm_clean_pending(fx.e, &d1));
    CU_ASSERT_EQUAL(rsm_clean_count(fx.e, &fx.glib), 1);
    /* A clean drive is left alone. */
    rsm_clean_before_mount(fx.e, L, &d1, 0);
    CU_ASSERT_EQUAL(rsm_clean_count(fx.e, &fx.glib), 1);
    rsm_lc_release(L);
    /* Without a cleaner the mount goes on and the operator is asked. */
    NTMS_GUID op;
    CU_ASSERT_EQUAL(EjectNtmsCleaner(fx.h, &fx.lib, &op, NTMS_EJECT_START), ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(rsm_lc_acquire(fx.e, &fx.glib, &L), RSM_OK);
    CU_ASSERT_EQUAL(fx.hooks.set_dirty(fx.hooks.priv, 0), VTL_OK);
    rsm_clean_after_dismount(fx.e, L, &d1, 0);
    rsm_clean_before_mount(fx.e, L, &d1, 0);
    rsm_lc_release(L);
    CU_ASSERT_TRUE(rsm_clean_pending(fx.e, &d1));
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_CLEANER), 1);
}

/* Issue 8 through MountNtmsMedia/DismountNtmsMedia (mount.c's hooks): TapeAlert read at the
 * dismount records the request, and the next mount into that drive cleans it first. */
static void dirty_drive_cleaned_before_next_mount(void)
{
    install_cleaner("CLN007L1", 10, 10);
    NTMS_GUID lmid;
    CU_ASSERT_EQUAL_FATAL(ifix_allocate(&fx, "A00001L8", &lmid), 0);
    struct rsm_guid d1;
    NTMS_GUID d = drive_api(1, &d1);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_WRITE, 0, 0, NULL),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fx.hooks.set_dirty(fx.hooks.priv, 0), VTL_OK); /* worn by the writing */
    CU_ASSERT_FALSE(rsm_clean_pending(fx.e, &d1));
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, NTMS_DISMOUNT_IMMEDIATE), ERROR_SUCCESS);
    CU_ASSERT_TRUE(rsm_clean_pending(fx.e, &d1)); /* read at the dismount */
    CU_ASSERT_EQUAL(rsm_clean_count(fx.e, &fx.glib), 0);
    CU_ASSERT_EQUAL(sim_cleaner_uses(), 10);
    NTMS_GUID again = d;
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &again, 1, NTMS_MOUNT_WRITE, 0, 0, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(memcmp(&again, &d, sizeof d), 0);
    CU_ASSERT_FALSE(rsm_clean_pending(fx.e, &d1));
    CU_ASSERT_EQUAL(rsm_clean_count(fx.e, &fx.glib), 1);
    CU_ASSERT_EQUAL(sim_cleaner_uses(), 9); /* the drive ran a real cycle before the mount */
    CU_ASSERT_EQUAL(ifix_where(&fx, "CLN007L1"), ifix_addr(&fx, VTL_ELEM_STORAGE, 12));
    CU_ASSERT_EQUAL(ifix_where(&fx, "A00001L8"), ifix_addr(&fx, VTL_ELEM_DTE, 1));
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, NTMS_DISMOUNT_IMMEDIATE), ERROR_SUCCESS);
    CU_ASSERT_FALSE(rsm_clean_pending(fx.e, &d1)); /* clean now: nothing recorded */
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
}

/* Without a cleaner the dirty drive's mount still happens and the operator is asked. */
static void dirty_drive_mounts_without_cleaner_and_asks(void)
{
    NTMS_GUID lmid;
    CU_ASSERT_EQUAL_FATAL(ifix_allocate(&fx, "A00002L8", &lmid), 0);
    struct rsm_guid d1;
    NTMS_GUID d = drive_api(1, &d1);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_WRITE, 0, 0, NULL),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fx.hooks.set_dirty(fx.hooks.priv, 0), VTL_OK);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, NTMS_DISMOUNT_IMMEDIATE), ERROR_SUCCESS);
    CU_ASSERT_TRUE(rsm_clean_pending(fx.e, &d1));
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_WRITE, 0, 0, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ifix_where(&fx, "A00002L8"), ifix_addr(&fx, VTL_ELEM_DTE, 1));
    CU_ASSERT_TRUE(rsm_clean_pending(fx.e, &d1));
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_CLEANER), 1);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, NTMS_DISMOUNT_IMMEDIATE), ERROR_SUCCESS);
}

/* DisableNtmsObject of a drive holding a medium: the medium goes back to a slot. */
static void disabled_drive_gives_its_medium_back(void)
{
    NTMS_GUID lmid;
    CU_ASSERT_EQUAL_FATAL(ifix_allocate(&fx, "A00003L8", &lmid), 0);
    struct rsm_guid d1;
    NTMS_GUID d = drive_api(1, &d1);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, 0, NULL),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ifix_where(&fx, "A00003L8"), ifix_addr(&fx, VTL_ELEM_DTE, 1));
    CU_ASSERT_EQUAL(DisableNtmsObject(fx.h, NTMS_DRIVE, &d), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ifix_where(&fx, "A00003L8"), ifix_addr(&fx, VTL_ELEM_STORAGE, 4));
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
    struct rsm_objinfo o = ifix_get(&fx, &d1, RSM_OT_DRIVE);
    CU_ASSERT_FALSE(o.enabled);
    /* Disabled and empty: it stays so, and a second disable changes nothing. */
    CU_ASSERT_EQUAL(DisableNtmsObject(fx.h, NTMS_DRIVE, &d), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(EnableNtmsObject(fx.h, NTMS_DRIVE, &d), ERROR_SUCCESS);
}

static CU_TestInfo clean_tests[] = {
    {"cleaner_slot_rules", cleaner_slot_rules},
    {"inject_cleaner_and_clean_a_drive", inject_cleaner_and_clean_a_drive},
    {"clean_without_cleaner_asks_operator", clean_without_cleaner_asks_operator},
    {"cleaner_uses_counted_to_spent", cleaner_uses_counted_to_spent},
    {"uncounted_cleaner_keeps_working", uncounted_cleaner_keeps_working},
    {"expired_cleaner_reported_never_used_and_ejected",
     expired_cleaner_reported_never_used_and_ejected},
    {"dirty_drive_cleaned_on_schedule_and_again", dirty_drive_cleaned_on_schedule_and_again},
    {"tapealert_at_dismount_then_clean_before_mount",
     tapealert_at_dismount_then_clean_before_mount},
    {"dirty_drive_cleaned_before_next_mount", dirty_drive_cleaned_before_next_mount},
    {"dirty_drive_mounts_without_cleaner_and_asks", dirty_drive_mounts_without_cleaner_and_asks},
    {"disabled_drive_gives_its_medium_back", disabled_drive_gives_its_medium_back},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo ieclean_clean_suites[] = {
    {"ieclean_clean", NULL, NULL, setup, teardown, clean_tests},
    CU_SUITE_INFO_NULL,
};
