/* SPDX-License-Identifier: MIT
 * rsm/api/unsupported.c: every NTMS function not implemented yet answers
 * ERROR_NOT_SUPPORTED, both as its result and through GetLastError(), and a NULL or
 * INVALID_HANDLE_VALUE handle gets ERROR_INVALID_HANDLE. When a function is implemented,
 * its line moves from this list to that function's own tests (see rsm/api/STATUS.md).
 */
#include <ntmsapi.h>

#include "rsm/tests/suites.h"

#include <stdio.h>

static GUID g = {1, 2, 3, {4, 5, 6, 7, 8, 9, 10, 11}};
static DWORD dw = 1;
static HANDLE detect = (HANDLE)&dw;

/* One wrapper per function: call it with handle @h and plausible other arguments. */
#define CALL(name, expr)                                                                           \
    static DWORD call_##name(HANDLE h)                                                             \
    {                                                                                              \
        (void)h;                                                                                   \
        return expr;                                                                               \
    }

CALL(DeleteNtmsLibrary, DeleteNtmsLibrary(h, &g))
CALL(DeleteNtmsDrive, DeleteNtmsDrive(h, &g))
CALL(EjectNtmsMedia, EjectNtmsMedia(h, &g, &g, NTMS_EJECT_START))
CALL(InjectNtmsMedia, InjectNtmsMedia(h, &g, &g, NTMS_INJECT_START))
CALL(AccessNtmsLibraryDoor, AccessNtmsLibraryDoor(h, &g, NTMS_INVENTORY_NONE))
CALL(IdentifyNtmsSlot, IdentifyNtmsSlot(h, &g, NTMS_DISMOUNT_IMMEDIATE))
CALL(GetNtmsUIOptionsW, GetNtmsUIOptionsW(h, &g, NTMS_UITYPE_INFO, NULL, &dw))
CALL(GetNtmsUIOptionsA, GetNtmsUIOptionsA(h, &g, NTMS_UITYPE_INFO, NULL, &dw))
CALL(SetNtmsUIOptionsW, SetNtmsUIOptionsW(h, &g, NTMS_UITYPE_INFO, NTMS_UIDEST_ADD, L"host"))
CALL(SetNtmsUIOptionsA, SetNtmsUIOptionsA(h, &g, NTMS_UITYPE_INFO, NTMS_UIDEST_ADD, "host"))
CALL(CleanNtmsDrive, CleanNtmsDrive(h, &g))
CALL(ReserveNtmsCleanerSlot, ReserveNtmsCleanerSlot(h, &g, &g))
CALL(ReleaseNtmsCleanerSlot, ReleaseNtmsCleanerSlot(h, &g))
CALL(InjectNtmsCleaner, InjectNtmsCleaner(h, &g, &g, 50, NTMS_INJECT_START))
CALL(EjectNtmsCleaner, EjectNtmsCleaner(h, &g, &g, NTMS_EJECT_START))
CALL(BeginNtmsDeviceChangeDetection, BeginNtmsDeviceChangeDetection(h, &detect))
CALL(SetNtmsDeviceChangeDetection, SetNtmsDeviceChangeDetection(h, detect, &g, NTMS_LIBRARY, 1))
CALL(EndNtmsDeviceChangeDetection, EndNtmsDeviceChangeDetection(h, detect))

struct unsupported {
    const char *name;
    DWORD (*call)(HANDLE h);
    int takes_handle;
};

#define S(name)                                                                                    \
    {                                                                                              \
#name, call_##name, 1                                                                      \
    }
#define NH(name)                                                                                   \
    {                                                                                              \
#name, call_##name, 0                                                                      \
    }

/* Not implemented yet: empty since every function of ntmsapi.h has an implementation. */
static const struct unsupported functions[] = {
    {NULL, NULL, 0},
};

/* Implemented last (import/export, cleaning, change detection): they still refuse a handle
 * that is not a session before anything else. */
static const struct unsupported implemented[] = {
    S(DeleteNtmsLibrary),
    S(DeleteNtmsDrive),
    S(EjectNtmsMedia),
    S(InjectNtmsMedia),
    S(AccessNtmsLibraryDoor),
    S(IdentifyNtmsSlot),
    S(GetNtmsUIOptionsW),
    S(GetNtmsUIOptionsA),
    S(SetNtmsUIOptionsW),
    S(SetNtmsUIOptionsA),
    S(CleanNtmsDrive),
    S(ReserveNtmsCleanerSlot),
    S(ReleaseNtmsCleanerSlot),
    S(InjectNtmsCleaner),
    S(EjectNtmsCleaner),
    S(BeginNtmsDeviceChangeDetection),
    S(SetNtmsDeviceChangeDetection),
    S(EndNtmsDeviceChangeDetection),
};

static void test_each_returns_and_sets_not_supported(void)
{
    HANDLE some_handle = (HANDLE)&g; /* non-NULL, never dereferenced by these functions */
    size_t n = 0;
    for (size_t i = 0; functions[i].name; i++, n++) {
        SetLastError(ERROR_SUCCESS);
        DWORD rc = functions[i].call(some_handle);
        if (rc != ERROR_NOT_SUPPORTED || GetLastError() != ERROR_NOT_SUPPORTED)
            fprintf(stderr, "%s: returned %u, last error %u\n", functions[i].name, (unsigned)rc,
                    (unsigned)GetLastError());
        CU_ASSERT_EQUAL(rc, ERROR_NOT_SUPPORTED);
        CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_SUPPORTED);
    }
    CU_ASSERT_EQUAL(n, 0);
}

static void test_bad_handle_is_invalid_handle(void)
{
    static const HANDLE bad[] = {NULL, INVALID_HANDLE_VALUE};
    for (size_t i = 0; functions[i].name; i++) {
        if (!functions[i].takes_handle)
            continue;
        for (size_t b = 0; b < 2; b++) {
            SetLastError(ERROR_SUCCESS);
            DWORD rc = functions[i].call(bad[b]);
            if (rc != ERROR_INVALID_HANDLE)
                fprintf(stderr, "%s: returned %u for a bad handle\n", functions[i].name,
                        (unsigned)rc);
            CU_ASSERT_EQUAL(rc, ERROR_INVALID_HANDLE);
            CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
        }
    }
}

static void test_implemented_refuse_non_session_handles(void)
{
    const HANDLE bad[] = {NULL, INVALID_HANDLE_VALUE, (HANDLE)&g /* not a session */};
    for (size_t i = 0; i < sizeof implemented / sizeof implemented[0]; i++) {
        for (size_t b = 0; b < 3; b++) {
            SetLastError(ERROR_SUCCESS);
            DWORD rc = implemented[i].call(bad[b]);
            if (rc != ERROR_INVALID_HANDLE)
                fprintf(stderr, "%s: returned %u for a bad handle\n", implemented[i].name,
                        (unsigned)rc);
            CU_ASSERT_EQUAL(rc, ERROR_INVALID_HANDLE);
            CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
        }
    }
}

/* The four without a session check their arguments first: no device name. */
static void test_device_calls_refuse_missing_device(void)
{
    CU_ASSERT_EQUAL(EjectDiskFromSADriveA(NULL, "app", NULL, NULL, NULL, NULL, NTMS_EJECT_START),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(EjectDiskFromSADriveW(NULL, L"app", NULL, NULL, NULL, NULL, NTMS_EJECT_START),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(EjectDiskFromSADriveA(NULL, "app", "sim:", NULL, NULL, NULL, 99),
                    ERROR_INVALID_PARAMETER);
    LPSTR va = (LPSTR)"x", la = (LPSTR)"x";
    CU_ASSERT_EQUAL(GetVolumesFromDriveA(NULL, &va, &la), ERROR_INVALID_PARAMETER);
    CU_ASSERT_PTR_NULL(va); /* outputs are cleared even on failure */
    CU_ASSERT_PTR_NULL(la);
    LPWSTR vw = NULL, lw = NULL;
    CU_ASSERT_EQUAL(GetVolumesFromDriveW(NULL, &vw, &lw), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
}

static CU_TestInfo unsupported_tests[] = {
    {"implemented_refuse_non_session_handles", test_implemented_refuse_non_session_handles},
    {"device_calls_refuse_missing_device", test_device_calls_refuse_missing_device},
    {"each_returns_and_sets_not_supported", test_each_returns_and_sets_not_supported},
    {"bad_handle_is_invalid_handle", test_bad_handle_is_invalid_handle},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_unsupported_suites[] = {
    {"unsupported", NULL, NULL, NULL, NULL, unsupported_tests},
    CU_SUITE_INFO_NULL,
};
