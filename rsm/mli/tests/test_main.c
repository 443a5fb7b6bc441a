/* SPDX-License-Identifier: MIT
 * rsm/mli/tests/test_main.c - runner of test_rsm_mli: claimers, plugin loader, real tools.
 * Run from the repository root (fixtures are read from rsm/mli/testdata/). */
#include "rsm/mli/tests/suites.h"
#include "tests/lib/cutest.h"

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {rsm_mli_claim_suites, rsm_mli_loader_suites,
                                    rsm_mli_tools_suites, NULL};
    return cutest_main(argc, argv, tables);
}
