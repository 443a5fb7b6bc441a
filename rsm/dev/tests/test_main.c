/* SPDX-License-Identifier: MIT
 * rsm/dev/tests/test_main.c - runner of test_rsm_dev: changer, drive and library suites. */
#include "rsm/dev/tests/suites.h"
#include "tests/lib/cutest.h"

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {rsm_dev_changer_suites, rsm_dev_drive_suites,
                                    rsm_dev_library_suites, NULL};
    return cutest_main(argc, argv, tables);
}
