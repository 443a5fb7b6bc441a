/* SPDX-License-Identifier: MIT
 * scsi/tests/t10_test.h - helpers shared by the scsi/ CUnit suites: golden vectors and
 * the truncation sweep. Each suite is a CU_SuiteInfo table named t10_suite_<file>,
 * registered by test_scsi.c.
 */
#ifndef OPENRSM_SCSI_TESTS_T10_TEST_H
#define OPENRSM_SCSI_TESTS_T10_TEST_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/cutest.h"

#define T10T_VEC_MAX 4096

/* Loads scsi/testdata/@rel (run from the repository root) into @buf. Records a CUnit
 * failure and returns 0 if the file is missing or malformed. */
size_t t10t_vec(const char *rel, uint8_t *buf, size_t cap);

/* Calls @fn on exact-size heap copies (test_dup_exact) of every prefix of @v, lengths
 * 0..@len-1, so ASan reports any read past the length a decoder was given. */
typedef void t10t_decode_fn(const uint8_t *buf, size_t len, void *arg);
void t10t_sweep(const uint8_t *v, size_t len, t10t_decode_fn *fn, void *arg);

/* Asserts that a builder given a small @cap wrote nothing past it: fills a canary buffer,
 * calls @build with cap 0..@full_len-1 and checks the bytes after cap are untouched and
 * the returned length is @full_len each time. */
typedef size_t t10t_build_fn(uint8_t *out, size_t cap, const void *arg);
void t10t_small_cap(t10t_build_fn *build, const void *arg, size_t full_len);

#define T10T_HEXEQ(got, want, n) CU_ASSERT_EQUAL(memcmp((got), (want), (n)), 0)

extern CU_SuiteInfo t10_suite_tables[];
extern CU_SuiteInfo t10_suite_be[];
extern CU_SuiteInfo t10_suite_cdb[];
extern CU_SuiteInfo t10_suite_sense[];
extern CU_SuiteInfo t10_suite_elem[];
extern CU_SuiteInfo t10_suite_mode[];
extern CU_SuiteInfo t10_suite_vpd[];
extern CU_SuiteInfo t10_suite_log[];
extern CU_SuiteInfo t10_suite_luns[];
extern CU_SuiteInfo t10_suite_rsoc[];
extern CU_SuiteInfo t10_suite_mam[];
extern CU_SuiteInfo t10_suite_ssc[];
extern CU_SuiteInfo t10_suite_pr[];

#endif
