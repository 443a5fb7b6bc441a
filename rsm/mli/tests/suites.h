/* SPDX-License-Identifier: MIT
 * rsm/mli/tests/suites.h - the suite tables test_main.c registers. */
#ifndef OPENRSM_RSM_MLI_TESTS_SUITES_H
#define OPENRSM_RSM_MLI_TESTS_SUITES_H

#include <CUnit/CUnit.h>

extern CU_SuiteInfo rsm_mli_claim_suites[];
extern CU_SuiteInfo rsm_mli_loader_suites[];
extern CU_SuiteInfo rsm_mli_tools_suites[];

#endif
