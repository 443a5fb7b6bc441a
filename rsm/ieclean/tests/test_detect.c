/* SPDX-License-Identifier: MIT
 * Change detection on a stand-alone drive (drive 1 of the fixture's library, opened on its
 * own LUN as a one-drive library), EjectDiskFromSADrive and GetVolumesFromDrive on it.
 * Cartridges reach the drive by hand (vtl_library_move_by_hand), as an operator loads a
 * stand-alone drive.
 */
#include <stdio.h>
#include <string.h>

#include "rsm/dev/drive.h"
#include "rsm/ieclean/tests/fix.h"
#include "rsm/ieclean/tests/suites.h"
#include "tests/lib/cutest.h"

static struct ifix fx;
static NTMS_GUID sa;        /* the stand-alone library */
static struct rsm_guid sag; /* the same */
static char sa_uri[96];

static void setup(void)
{
    CU_ASSERT_EQUAL_FATAL(ifix_open(&fx, NULL), 0);
    snprintf(sa_uri, sizeof sa_uri, "%s?lun=1", fx.uri);
    CU_ASSERT_EQUAL_FATAL(rsm_library_add(fx.h, sa_uri, NULL, 0, &sa), ERROR_SUCCESS);
    rsm_guid_from_api(&sag, &sa);
}

static void teardown(void)
{
    ifix_close(&fx);
}

static int64_t sa_drive_state(void)
{
    return ifix_q(&fx, "SELECT state FROM drive WHERE library=?1", &sag);
}

/* The operator loads slot @n's cartridge into drive 1 and the drive threads it. */
static void load_by_hand(unsigned n)
{
    CU_ASSERT_EQUAL_FATAL(vtl_library_move_by_hand(fx.vl, ifix_addr(&fx, VTL_ELEM_STORAGE, n),
                                                   ifix_addr(&fx, VTL_ELEM_DTE, 1)),
                          VTL_OK);
    ifix_advance_ms(&fx, 120000);
}

static void detection_notices_insert_and_removal(void)
{
    HANDLE d = NULL;
    CU_ASSERT_EQUAL_FATAL(BeginNtmsDeviceChangeDetection(fx.h, &d), ERROR_SUCCESS);
    CU_ASSERT_PTR_NOT_NULL(d);
    CU_ASSERT_EQUAL(SetNtmsDeviceChangeDetection(fx.h, d, &sa, NTMS_LIBRARY, 1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(sa_drive_state(), NTMS_DRIVESTATE_DISMOUNTED);
    CU_ASSERT_EQUAL(rsm_detect_poll(fx.e), 0); /* nothing changed yet */
    load_by_hand(1);
    CU_ASSERT_EQUAL(rsm_detect_poll(fx.e), 1);
    CU_ASSERT_EQUAL(sa_drive_state(), NTMS_DRIVESTATE_LOADED);
    /* Unknown to RSM by its MAM: "a user-loaded medium still needing classification". */
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT saved_side IS NULL FROM drive WHERE library=?1", &sag), 1);
    CU_ASSERT_EQUAL(rsm_detect_poll(fx.e), 0);
    CU_ASSERT_EQUAL(vtl_library_move_by_hand(fx.vl, ifix_addr(&fx, VTL_ELEM_DTE, 1),
                                             ifix_addr(&fx, VTL_ELEM_STORAGE, 1)),
                    VTL_OK);
    CU_ASSERT_EQUAL(rsm_iec_tick(fx.e, NULL), RSM_OK); /* the tick polls watched drives */
    CU_ASSERT_EQUAL(sa_drive_state(), NTMS_DRIVESTATE_DISMOUNTED);
    CU_ASSERT_EQUAL(EndNtmsDeviceChangeDetection(fx.h, d), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(EndNtmsDeviceChangeDetection(fx.h, d), ERROR_INVALID_HANDLE);
    /* Ended: no more polling. */
    load_by_hand(1);
    CU_ASSERT_EQUAL(rsm_detect_poll(fx.e), 0);
    CU_ASSERT_EQUAL(sa_drive_state(), NTMS_DRIVESTATE_DISMOUNTED);
    /* A NULL handle polls once. */
    CU_ASSERT_EQUAL(SetNtmsDeviceChangeDetection(fx.h, NULL, &sa, NTMS_LIBRARY, 1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(sa_drive_state(), NTMS_DRIVESTATE_LOADED);
}

static void detection_rejects_bad_targets(void)
{
    HANDLE d = NULL;
    CU_ASSERT_EQUAL_FATAL(BeginNtmsDeviceChangeDetection(fx.h, &d), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(BeginNtmsDeviceChangeDetection(fx.h, NULL), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(SetNtmsDeviceChangeDetection(fx.h, d, &sa, NTMS_DRIVE, 1),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(SetNtmsDeviceChangeDetection(fx.h, d, &sa, NTMS_LIBRARY, 0),
                    ERROR_INVALID_PARAMETER);
    /* The robotic library is not a stand-alone one. */
    CU_ASSERT_EQUAL(SetNtmsDeviceChangeDetection(fx.h, d, &fx.lib, NTMS_LIBRARY, 1),
                    ERROR_INVALID_LIBRARY);
    NTMS_GUID bogus = {4, 4, 4, {4}};
    CU_ASSERT_EQUAL(SetNtmsDeviceChangeDetection(fx.h, d, &bogus, NTMS_PHYSICAL_MEDIA, 1),
                    ERROR_INVALID_MEDIA);
    HANDLE never = (HANDLE)(uintptr_t)0x7fffffff;
    CU_ASSERT_EQUAL(SetNtmsDeviceChangeDetection(fx.h, never, &sa, NTMS_LIBRARY, 1),
                    ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(EndNtmsDeviceChangeDetection(fx.h, d), ERROR_SUCCESS);
}

static void standalone_library_has_no_port_or_door(void)
{
    NTMS_GUID op;
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &sa, &op, NTMS_INJECT_START), ERROR_RESOURCE_NOT_PRESENT);
    CU_ASSERT_EQUAL(AccessNtmsLibraryDoor(fx.h, &sa, NTMS_INVENTORY_NONE),
                    ERROR_RESOURCE_NOT_PRESENT);
    /* Cleaning a stand-alone drive records the time only (no robot). */
    struct rsm_guid d;
    NTMS_GUID dg;
    uint32_t n = 0;
    CU_ASSERT_EQUAL_FATAL(rsm_enumerate(fx.e, &fx.c, &sag, RSM_OT_DRIVE, 0, &d, 1, &n), RSM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    rsm_guid_to_api(&dg, &d);
    uint64_t moves = vtl_library_move_count(fx.vl);
    CU_ASSERT_EQUAL(CleanNtmsDrive(fx.h, &dg), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(vtl_library_move_count(fx.vl), moves);
    CU_ASSERT_TRUE(ifix_q(&fx, "SELECT last_cleaned FROM drive WHERE library=?1", &sag) > 0);
}

static bool drive_has_medium(void)
{
    struct rsm_drv *drv = NULL;
    CU_ASSERT_EQUAL_FATAL(rsm_drv_open_uri(sa_uri, NULL, &drv), RSM_DEV_OK);
    enum rsm_dev_rc t = rsm_drv_test_ready(drv);
    rsm_drv_close(drv);
    return t != RSM_DEV_E_NO_MEDIUM;
}

static void eject_disk_from_standalone_drive(void)
{
    CU_ASSERT_EQUAL(EjectDiskFromSADriveA(NULL, "app", sa_uri, NULL, NULL, NULL, NTMS_EJECT_START),
                    ERROR_MEDIA_NOT_AVAILABLE);
    load_by_hand(2);
    CU_ASSERT_TRUE(drive_has_medium());
    CU_ASSERT_EQUAL(EjectDiskFromSADriveA(NULL, "app", sa_uri, NULL, NULL, NULL, NTMS_EJECT_STOP),
                    ERROR_INVALID_OPERATION);
    CU_ASSERT_TRUE(drive_has_medium());
    wchar_t wuri[96];
    swprintf(wuri, 96, L"%s", sa_uri);
    CU_ASSERT_EQUAL(
        EjectDiskFromSADriveW(NULL, L"app", wuri, NULL, NULL, NULL, NTMS_EJECT_IMMEDIATE),
        ERROR_SUCCESS);
    CU_ASSERT_FALSE(drive_has_medium());
    CU_ASSERT_EQUAL(
        EjectDiskFromSADriveA(NULL, "app", "sim:no-such-library?lun=1", NULL, NULL, NULL, 0),
        ERROR_DEVICE_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(EjectDiskFromSADriveA("other-host", "app", sa_uri, NULL, NULL, NULL, 0),
                    ERROR_NOT_SUPPORTED);
}

static void volumes_of_a_tape_drive_are_none(void)
{
    LPSTR vol = (LPSTR) "x", letter = (LPSTR) "x";
    CU_ASSERT_EQUAL(GetVolumesFromDriveA(sa_uri, &vol, &letter), ERROR_SUCCESS);
    CU_ASSERT_PTR_NULL(vol);
    CU_ASSERT_PTR_NULL(letter);
    CU_ASSERT_EQUAL(GetVolumesFromDriveA((LPSTR) "sim:no-such-library?lun=1", &vol, &letter),
                    ERROR_DEVICE_NOT_AVAILABLE);
    wchar_t wuri[96];
    swprintf(wuri, 96, L"%s", sa_uri);
    LPWSTR wv = (LPWSTR)L"x", wl = (LPWSTR)L"x";
    CU_ASSERT_EQUAL(GetVolumesFromDriveW(wuri, &wv, &wl), ERROR_SUCCESS);
    CU_ASSERT_PTR_NULL(wv);
    CU_ASSERT_PTR_NULL(wl);
}

static CU_TestInfo detect_tests[] = {
    {"detection_notices_insert_and_removal", detection_notices_insert_and_removal},
    {"detection_rejects_bad_targets", detection_rejects_bad_targets},
    {"standalone_library_has_no_port_or_door", standalone_library_has_no_port_or_door},
    {"eject_disk_from_standalone_drive", eject_disk_from_standalone_drive},
    {"volumes_of_a_tape_drive_are_none", volumes_of_a_tape_drive_are_none},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo ieclean_detect_suites[] = {
    {"ieclean_detect", NULL, NULL, setup, teardown, detect_tests},
    CU_SUITE_INFO_NULL,
};
