/* SPDX-License-Identifier: MIT
 * Suite tables of test_rsm_ieclean, one per test_<topic>.c. */
#ifndef OPENRSM_RSM_IECLEAN_TESTS_SUITES_H
#define OPENRSM_RSM_IECLEAN_TESTS_SUITES_H

#include <CUnit/CUnit.h>

extern CU_SuiteInfo ieclean_ie_suites[];
extern CU_SuiteInfo ieclean_clean_suites[];
extern CU_SuiteInfo ieclean_detect_suites[];
extern CU_SuiteInfo ieclean_soak_suites[];
extern CU_SuiteInfo ieclean_rsmd_suites[];

#endif
