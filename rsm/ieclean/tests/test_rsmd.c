/* SPDX-License-Identifier: MIT
 * Import/export, cleaning and change detection through rsmd (client mode): a vtld and an
 * rsmd started by the test, a session opened on the daemon's socket, the library added by
 * its iscsi:// URI. Checks that every call travels (the answers and the new result codes
 * arrive as the embedded engine gives them), that the daemon's periodic work settles an
 * eject the operator completed without any further call, and that a detection context
 * belongs to the session that began it.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/ieclean/tests/suites.h"
#include "rsm/server/tests/daemon.h"
#include "tests/lib/cutest.h"
#include "tests/lib/daemon.h"

#define IQN "iqn.2026-11.org.openrsm:default"

struct rfix {
    struct test_vtld v;
    char dir[256], db[300], sock[300], server[320];
    pid_t rsmd;
    HANDLE h;
    NTMS_GUID lib;
};

static struct rfix rf;

/* Starts vtld (the default library) and rsmd, opens a session, adds the library. */
static int rfix_open(struct rfix *f)
{
    memset(f, 0, sizeof *f);
    f->h = INVALID_HANDLE_VALUE;
    test_mkdtemp(f->dir, sizeof f->dir);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    snprintf(f->sock, sizeof f->sock, "%s/rsmd.sock", f->dir);
    snprintf(f->server, sizeof f->server, "unix:%s", f->sock);
    if (test_vtld_start(&f->v, f->dir, NULL) != 0)
        return -1;
    if ((f->rsmd = test_rsmd_start(f->db, f->sock, NULL)) <= 0)
        return -2;
    f->h = OpenNtmsSessionA(f->server, "ieclean-rsmd", 0);
    if (f->h == INVALID_HANDLE_VALUE)
        return -3;
    char uri[200];
    snprintf(uri, sizeof uri, "iscsi://127.0.0.1:%u/" IQN "/0", f->v.port);
    return rsm_library_add(f->h, uri, NULL, 0, &f->lib) == ERROR_SUCCESS ? 0 : -4;
}

/* Stops everything rfix_open() started; rsmd must stop cleanly (its periodic thread
 * included). */
static void rfix_close(struct rfix *f)
{
    if (f->h != INVALID_HANDLE_VALUE)
        CloseNtmsSession(f->h);
    if (f->rsmd > 0)
        CU_ASSERT_EQUAL(test_rsmd_stop(f->rsmd, SIGTERM), 0);
    test_vtld_stop(&f->v, SIGTERM);
    test_rmtree(f->dir);
}

static void setup(void)
{
    CU_ASSERT_EQUAL_FATAL(rfix_open(&rf), 0);
}

static void teardown(void)
{
    rfix_close(&rf);
}

/* The object of @type in the library whose number (slot) or barcode (medium) matches. */
static int find(uint32_t type, DWORD number, const char *barcode, NTMS_GUID *out,
                NTMS_OBJECTINFORMATIONA *info)
{
    static NTMS_GUID ids[256];
    DWORD n = 256;
    if (EnumerateNtmsObject(rf.h, &rf.lib, ids, &n, type, 0) != ERROR_SUCCESS)
        return -1;
    for (DWORD i = 0; i < n; i++) {
        NTMS_OBJECTINFORMATIONA o;
        memset(&o, 0, sizeof o);
        o.dwSize = sizeof o;
        o.dwType = type;
        if (GetNtmsObjectInformationA(rf.h, &ids[i], &o) != ERROR_SUCCESS)
            continue;
        if ((type == NTMS_STORAGESLOT && o.Info.StorageSlot.Number == number) ||
            (type == NTMS_PHYSICAL_MEDIA && !strcmp(o.Info.PhysicalMedia.szBarCode, barcode)) ||
            (type == NTMS_DRIVE && o.Info.Drive.Number == number)) {
            *out = ids[i];
            if (info)
                *info = o;
            return 0;
        }
    }
    return -1;
}

static int medium_info(const NTMS_GUID *pm, NTMS_OBJECTINFORMATIONA *o)
{
    memset(o, 0, sizeof *o);
    o->dwSize = sizeof *o;
    o->dwType = NTMS_PHYSICAL_MEDIA;
    return GetNtmsObjectInformationA(rf.h, (LPNTMS_GUID)pm, o) == ERROR_SUCCESS ? 0 : -1;
}

/* The result codes that rc.h gained travel by name and map to their Win32 codes. */
static void cleaner_slot_codes_travel(void)
{
    NTMS_GUID slot24, op;
    CU_ASSERT_EQUAL_FATAL(find(NTMS_STORAGESLOT, 24, NULL, &slot24, NULL), 0);
    CU_ASSERT_EQUAL(ReleaseNtmsCleanerSlot(rf.h, &rf.lib), ERROR_CLEANER_SLOT_NOT_SET);
    CU_ASSERT_EQUAL(EjectNtmsCleaner(rf.h, &rf.lib, &op, NTMS_EJECT_START),
                    ERROR_CLEANER_SLOT_NOT_SET);
    CU_ASSERT_EQUAL(ReserveNtmsCleanerSlot(rf.h, &rf.lib, &slot24), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ReserveNtmsCleanerSlot(rf.h, &rf.lib, &slot24), ERROR_CLEANER_SLOT_SET);
    /* No cleaner in it yet: a clean is refused with the code the embedded engine gives. */
    NTMS_GUID d1;
    CU_ASSERT_EQUAL_FATAL(find(NTMS_DRIVE, 1, NULL, &d1, NULL), 0);
    CU_ASSERT_EQUAL(CleanNtmsDrive(rf.h, &d1), ERROR_CLEANER_CARTRIDGE_SPENT);
    CU_ASSERT_EQUAL(EjectNtmsCleaner(rf.h, &rf.lib, &op, NTMS_EJECT_START),
                    ERROR_RESOURCE_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(ReleaseNtmsCleanerSlot(rf.h, &rf.lib), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ReleaseNtmsCleanerSlot(rf.h, &rf.lib), ERROR_CLEANER_SLOT_NOT_SET);
}

/* A cleaner injected through rsmd goes to the reserved slot and cleans a drive. */
static void inject_cleaner_and_clean(void)
{
    NTMS_GUID slot24, op, d1;
    char out[4096];
    CU_ASSERT_EQUAL_FATAL(find(NTMS_STORAGESLOT, 24, NULL, &slot24, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(find(NTMS_DRIVE, 1, NULL, &d1, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(ReserveNtmsCleanerSlot(rf.h, &rf.lib, &slot24), ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(InjectNtmsCleaner(rf.h, &rf.lib, &op, 5, NTMS_INJECT_START),
                          ERROR_SUCCESS);
    NTMS_GUID zero;
    memset(&zero, 0, sizeof zero);
    CU_ASSERT_NOT_EQUAL(memcmp(&op, &zero, sizeof op), 0); /* the request's GUID came back */
    NTMS_GUID other = op;
    other.Data1 ^= 1;
    CU_ASSERT_EQUAL(InjectNtmsCleaner(rf.h, &rf.lib, &other, 5, NTMS_INJECT_STOP),
                    ERROR_INVALID_OPERATION);
    CU_ASSERT_EQUAL(test_vtlctl(&rf.v, out, sizeof out, "inject", "CLN009L1", "--cleaner"), 0);
    CU_ASSERT_EQUAL(InjectNtmsCleaner(rf.h, &rf.lib, &op, 5, NTMS_INJECT_STOP), ERROR_SUCCESS);
    NTMS_GUID slot_now;
    NTMS_OBJECTINFORMATIONA o;
    (void)slot_now;
    CU_ASSERT_EQUAL(find(NTMS_STORAGESLOT, 24, NULL, &slot_now, &o), 0);
    CU_ASSERT_EQUAL(o.Info.StorageSlot.State, NTMS_SLOTSTATE_FULL);
    CU_ASSERT_EQUAL(ReleaseNtmsCleanerSlot(rf.h, &rf.lib), ERROR_RESOURCE_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(CleanNtmsDrive(rf.h, &d1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(find(NTMS_STORAGESLOT, 24, NULL, &slot_now, &o), 0);
    CU_ASSERT_EQUAL(o.Info.StorageSlot.State, NTMS_SLOTSTATE_FULL); /* put back */
}

/* Inject through rsmd: the cartridge the operator put in is registered at STOP. */
static void inject_media(void)
{
    NTMS_GUID op, pm;
    char out[4096];
    CU_ASSERT_EQUAL_FATAL(InjectNtmsMedia(rf.h, &rf.lib, &op, NTMS_INJECT_START), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(InjectNtmsMedia(rf.h, &rf.lib, &op, NTMS_INJECT_START), ERROR_BUSY);
    CU_ASSERT_EQUAL(test_vtlctl(&rf.v, out, sizeof out, "inject", "NEW001L8", NULL), 0);
    CU_ASSERT_EQUAL(InjectNtmsMedia(rf.h, &rf.lib, &op, NTMS_INJECT_STOP), ERROR_SUCCESS);
    NTMS_OBJECTINFORMATIONA o;
    CU_ASSERT_EQUAL_FATAL(find(NTMS_PHYSICAL_MEDIA, 0, "NEW001L8", &pm, &o), 0);
    CU_ASSERT_EQUAL(o.Info.PhysicalMedia.LocationType, NTMS_STORAGESLOT);
}

/* Eject through rsmd, then the operator takes the cartridge and makes no call: rsmd's
 * periodic work (rsm_iec_tick, once a second) settles it. */
static void eject_settled_by_the_daemon(void)
{
    NTMS_GUID pm, op;
    NTMS_OBJECTINFORMATIONA o;
    char out[4096];
    CU_ASSERT_EQUAL_FATAL(find(NTMS_PHYSICAL_MEDIA, 0, "A00005L8", &pm, &o), 0);
    CU_ASSERT_EQUAL_FATAL(EjectNtmsMedia(rf.h, &pm, &op, NTMS_EJECT_START), ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(medium_info(&pm, &o), 0);
    CU_ASSERT_EQUAL(o.Info.PhysicalMedia.LocationType, NTMS_IEPORT);
    CU_ASSERT_EQUAL(test_vtlctl(&rf.v, out, sizeof out, "remove", "A00005L8", NULL), 0);
    /* Settled: in the offline library, or deleted (a medium of the Import pool is not kept
     * offline, ejected_fate()); unsettled it stays in this library's port. */
    bool settled = false;
    for (int i = 0; i < 100 && !settled; i++) { /* 10 s at most; about 1 s expected */
        test_msleep(100);
        settled = medium_info(&pm, &o) != 0 ||
                  memcmp(&o.Info.PhysicalMedia.CurrentLibrary, &rf.lib, sizeof rf.lib) != 0;
    }
    CU_ASSERT_TRUE(settled);
    /* Bad input through the daemon: nothing moves. */
    CU_ASSERT_EQUAL(EjectNtmsMedia(rf.h, &rf.lib, &op, NTMS_EJECT_START), ERROR_INVALID_MEDIA);
}

/* UI destinations travel as a list of names. */
static void ui_options_round_trip(void)
{
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(rf.h, &rf.lib, NTMS_UITYPE_REQ, NTMS_UIDEST_ADD, "hostA"),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(rf.h, &rf.lib, NTMS_UITYPE_REQ, NTMS_UIDEST_ADD, "hostB"),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(rf.h, &rf.lib, NTMS_UITYPE_REQ, NTMS_UIDEST_ADD, "hostA"),
                    ERROR_ALREADY_EXISTS);
    char buf[64];
    DWORD len = sizeof buf;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsA(rf.h, &rf.lib, NTMS_UITYPE_REQ, buf, &len), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(len, 13);
    CU_ASSERT_EQUAL(memcmp(buf, "hostA\0hostB\0", 13), 0);
    len = 0;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsA(rf.h, &rf.lib, NTMS_UITYPE_REQ, NULL, &len),
                    ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(len, 13);
}

/* A detection context belongs to the session that began it and ends with it. */
static void detection_belongs_to_its_session(void)
{
    HANDLE d = NULL;
    CU_ASSERT_EQUAL_FATAL(BeginNtmsDeviceChangeDetection(rf.h, &d), ERROR_SUCCESS);
    CU_ASSERT_PTR_NOT_NULL(d);
    /* The library is not stand-alone: nothing to watch, the engine's answer arrives. */
    CU_ASSERT_EQUAL(SetNtmsDeviceChangeDetection(rf.h, d, &rf.lib, NTMS_LIBRARY, 1),
                    ERROR_INVALID_LIBRARY);
    HANDLE h2 = OpenNtmsSessionA(rf.server, "other", 0);
    CU_ASSERT_FATAL(h2 != INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(SetNtmsDeviceChangeDetection(h2, d, &rf.lib, NTMS_LIBRARY, 1),
                    ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(EndNtmsDeviceChangeDetection(h2, d), ERROR_INVALID_HANDLE);
    HANDLE d2 = NULL;
    CU_ASSERT_EQUAL(BeginNtmsDeviceChangeDetection(h2, &d2), ERROR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(d2, d);
    CloseNtmsSession(h2); /* ends d2 in the daemon */
    CU_ASSERT_EQUAL(EndNtmsDeviceChangeDetection(rf.h, d2), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(EndNtmsDeviceChangeDetection(rf.h, d), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(EndNtmsDeviceChangeDetection(rf.h, d), ERROR_INVALID_HANDLE);
}

static CU_TestInfo rsmd_tests[] = {
    {"cleaner_slot_codes_travel", cleaner_slot_codes_travel},
    {"inject_cleaner_and_clean", inject_cleaner_and_clean},
    {"inject_media", inject_media},
    {"eject_settled_by_the_daemon", eject_settled_by_the_daemon},
    {"ui_options_round_trip", ui_options_round_trip},
    {"detection_belongs_to_its_session", detection_belongs_to_its_session},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo ieclean_rsmd_suites[] = {
    {"ieclean_rsmd", NULL, NULL, setup, teardown, rsmd_tests},
    CU_SUITE_INFO_NULL,
};
