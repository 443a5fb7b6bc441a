/* SPDX-License-Identifier: MIT
 * rsm/dev/tests/suites.h - the suite tables test_main.c registers. */
#ifndef OPENRSM_RSM_DEV_TESTS_SUITES_H
#define OPENRSM_RSM_DEV_TESTS_SUITES_H

#include <CUnit/CUnit.h>

extern CU_SuiteInfo rsm_dev_library_suites[];
extern CU_SuiteInfo rsm_dev_changer_suites[];
extern CU_SuiteInfo rsm_dev_drive_suites[];

#endif
