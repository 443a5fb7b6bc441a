/* SPDX-License-Identifier: MIT
 * Runner of test_rsm_libctl: library control against sim: and against vtld over iscsi://. */
#include "rsm/libctl/tests/suites.h"
#include "tests/lib/cutest.h"

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {libctl_sim_suites, libctl_iscsi_suites, NULL};
    return cutest_main(argc, argv, tables);
}
