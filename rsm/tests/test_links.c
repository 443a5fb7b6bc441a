/* SPDX-License-Identifier: MIT
 * Every function of ntmsapi.h (and GetLastError/SetLastError of wintypes.h) is defined
 * in librsm: this file takes the address of each one, so a function that is declared but
 * neither implemented nor listed in rsm/api/unsupported.c fails the link.
 */
#include <ntmsapi.h>

#include "rsm/tests/suites.h"

typedef void (*any_fn)(void); /* the one cast -Wcast-function-type allows */

struct entry_point {
    const char *name;
    any_fn fn;
};

#define FN(name)                                                                                   \
    {                                                                                              \
#name, (any_fn)name                                                                        \
    }

static const struct entry_point entry_points[] = {
    FN(AccessNtmsLibraryDoor),
    FN(AddNtmsMediaType),
    FN(AllocateNtmsMedia),
    FN(BeginNtmsDeviceChangeDetection),
    FN(CancelNtmsLibraryRequest),
    FN(CancelNtmsOperatorRequest),
    FN(ChangeNtmsMediaType),
    FN(CleanNtmsDrive),
    FN(CloseNtmsNotification),
    FN(CloseNtmsSession),
    FN(CreateNtmsMediaA),
    FN(CreateNtmsMediaPoolA),
    FN(CreateNtmsMediaPoolW),
    FN(CreateNtmsMediaW),
    FN(DeallocateNtmsMedia),
    FN(DecommissionNtmsMedia),
    FN(DeleteNtmsDrive),
    FN(DeleteNtmsLibrary),
    FN(DeleteNtmsMedia),
    FN(DeleteNtmsMediaPool),
    FN(DeleteNtmsMediaType),
    FN(DeleteNtmsRequests),
    FN(DisableNtmsObject),
    FN(DismountNtmsDrive),
    FN(DismountNtmsMedia),
    FN(EjectDiskFromSADriveA),
    FN(EjectDiskFromSADriveW),
    FN(EjectNtmsCleaner),
    FN(EjectNtmsMedia),
    FN(EnableNtmsObject),
    FN(EndNtmsDeviceChangeDetection),
    FN(EnumerateNtmsObject),
    FN(ExportNtmsDatabase),
    FN(GetNtmsMediaPoolNameA),
    FN(GetNtmsMediaPoolNameW),
    FN(GetNtmsObjectAttributeA),
    FN(GetNtmsObjectAttributeW),
    FN(GetNtmsObjectInformationA),
    FN(GetNtmsObjectInformationW),
    FN(GetNtmsObjectSecurity),
    FN(GetNtmsRequestOrder),
    FN(GetNtmsUIOptionsA),
    FN(GetNtmsUIOptionsW),
    FN(GetVolumesFromDriveA),
    FN(GetVolumesFromDriveW),
    FN(IdentifyNtmsSlot),
    FN(ImportNtmsDatabase),
    FN(InjectNtmsCleaner),
    FN(InjectNtmsMedia),
    FN(InventoryNtmsLibrary),
    FN(MountNtmsMedia),
    FN(MoveToNtmsMediaPool),
    FN(OpenNtmsNotification),
    FN(OpenNtmsSessionA),
    FN(OpenNtmsSessionW),
    FN(ReleaseNtmsCleanerSlot),
    FN(ReserveNtmsCleanerSlot),
    FN(SatisfyNtmsOperatorRequest),
    FN(SetNtmsDeviceChangeDetection),
    FN(SetNtmsMediaComplete),
    FN(SetNtmsObjectAttributeA),
    FN(SetNtmsObjectAttributeW),
    FN(SetNtmsObjectInformationA),
    FN(SetNtmsObjectInformationW),
    FN(SetNtmsObjectSecurity),
    FN(SetNtmsRequestOrder),
    FN(SetNtmsUIOptionsA),
    FN(SetNtmsUIOptionsW),
    FN(SubmitNtmsOperatorRequestA),
    FN(SubmitNtmsOperatorRequestW),
    FN(SwapNtmsMedia),
    FN(UpdateNtmsOmidInfo),
    FN(WaitForNtmsNotification),
    FN(WaitForNtmsOperatorRequest),
    FN(GetLastError),
    FN(SetLastError),
};

static void test_every_entry_point_is_defined(void)
{
    size_t n = sizeof entry_points / sizeof entry_points[0];
    CU_ASSERT_EQUAL(n, 76);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_PTR_NOT_NULL(entry_points[i].fn);
}

static CU_TestInfo links_tests[] = {
    {"every_entry_point_is_defined", test_every_entry_point_is_defined},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_links_suites[] = {
    {"links", NULL, NULL, NULL, NULL, links_tests},
    CU_SUITE_INFO_NULL,
};
