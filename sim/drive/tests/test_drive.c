/* SPDX-License-Identifier: MIT
 * sim/drive/tests/test_drive.c - runner of the virtual tape drive's CUnit suites.
 */
#include "tests/lib/cutest.h"

extern CU_SuiteInfo drive_io_suites[];
extern CU_SuiteInfo drive_ctl_suites[];

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {drive_io_suites, drive_ctl_suites, NULL};
    return cutest_main(argc, argv, tables);
}
