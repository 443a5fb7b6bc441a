/* SPDX-License-Identifier: MIT
 * The suite tables of test_rsm_libctl. */
#ifndef OPENRSM_RSM_LIBCTL_TESTS_SUITES_H
#define OPENRSM_RSM_LIBCTL_TESTS_SUITES_H

#include <CUnit/CUnit.h>

extern CU_SuiteInfo libctl_sim_suites[];
extern CU_SuiteInfo libctl_iscsi_suites[];
extern CU_SuiteInfo libctl_queue_suites[];
extern CU_SuiteInfo libctl_rsmd_suites[];
extern CU_SuiteInfo libctl_faults_suites[];

#endif
