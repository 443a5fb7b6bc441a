/* SPDX-License-Identifier: MIT
 * Runner of test_rsm_libctl: library control against sim: and against vtld over iscsi://,
 * the request queue, the queue through rsmd (client mode), and device faults met by
 * library requests. */
#include "rsm/libctl/tests/suites.h"
#include "tests/lib/cutest.h"

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {libctl_sim_suites, libctl_queue_suites, libctl_iscsi_suites,
                                    libctl_rsmd_suites, libctl_faults_suites, NULL};
    return cutest_main(argc, argv, tables);
}
