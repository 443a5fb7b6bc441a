/* SPDX-License-Identifier: MIT
 * Runner of test_rsm_ieclean: import/export, cleaning, change detection and the 24-hour
 * soak, against simulated libraries built in-process; and the same calls through an rsmd
 * and a vtld the suite starts. */
#include "rsm/ieclean/tests/suites.h"
#include "tests/lib/cutest.h"

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {ieclean_ie_suites, ieclean_clean_suites, ieclean_detect_suites,
                                    ieclean_soak_suites, ieclean_rsmd_suites, NULL};
    return cutest_main(argc, argv, tables);
}
