/* SPDX-License-Identifier: MIT
 * A program that links librsm without the device layer (as the header tests, the
 * scenario runner and C++ users of librsm.so do today): it links, and library control
 * says ERROR_NOT_SUPPORTED instead of crashing on a missing driver (rsm/engine/devlink.h).
 */
#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include <stdio.h>
#include <string.h>

#include "tests/lib/cutest.h"

static void nodev_refuses_honestly(void)
{
    char dir[256], server[300];
    test_mkdtemp(dir, sizeof dir);
    snprintf(server, sizeof server, "embedded:%s", dir);
    HANDLE h = OpenNtmsSessionA(server, "NoDev", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_NOT_EQUAL_FATAL(h, INVALID_HANDLE_VALUE);
    NTMS_GUID g, d;
    memset(&g, 0x11, sizeof g);
    CU_ASSERT_EQUAL(rsm_library_add(h, "sim:", NULL, 0, &g), ERROR_NOT_SUPPORTED);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_SUPPORTED);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(h, &g, NTMS_INVENTORY_FAST), ERROR_NOT_SUPPORTED);
    CU_ASSERT_EQUAL(MountNtmsMedia(h, &g, &d, 1, NTMS_MOUNT_READ, 0, 0, NULL), ERROR_NOT_SUPPORTED);
    CU_ASSERT_EQUAL(DismountNtmsMedia(h, &g, 1, 0), ERROR_NOT_SUPPORTED);
    CU_ASSERT_EQUAL(DismountNtmsDrive(h, &g), ERROR_NOT_SUPPORTED);
    /* Bad handles are still bad handles. */
    CU_ASSERT_EQUAL(DismountNtmsDrive(NULL, &g), ERROR_INVALID_HANDLE);
    CloseNtmsSession(h);
    test_rmtree(dir);
}

static CU_TestInfo tests[] = {
    {"refuses_honestly", nodev_refuses_honestly},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"libctl_nodev", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {suites, NULL};
    return cutest_main(argc, argv, tables);
}
