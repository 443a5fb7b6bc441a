/* SPDX-License-Identifier: MIT
 * sim/target/tests/main.c - test_vtl: every libvtl suite (sim/core and sim/target). */
#include "tests/lib/cutest.h"

extern CU_SuiteInfo vtl_core_suites[];
extern CU_SuiteInfo vtl_spc_suites[];
extern CU_SuiteInfo vtl_smc_suites[];

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {vtl_core_suites, vtl_spc_suites, vtl_smc_suites, NULL};
    return cutest_main(argc, argv, tables);
}
