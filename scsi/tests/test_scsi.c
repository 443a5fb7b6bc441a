/* SPDX-License-Identifier: MIT
 * scsi/tests/test_scsi.c - the runner for every scsi/ suite, and the helpers of t10_test.h.
 * Run from the repository root (golden vectors are read from scsi/testdata/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/tests/t10_test.h"

size_t t10t_vec(const char *rel, uint8_t *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "scsi/testdata/%s", rel);
    long n = test_load_hex(path, buf, cap);
    if (n <= 0) {
        CU_FAIL("golden vector missing or malformed");
        return 0;
    }
    return (size_t)n;
}

void t10t_sweep(const uint8_t *v, size_t len, t10t_decode_fn *fn, void *arg)
{
    for (size_t n = 0; n < len; n++) {
        uint8_t *cut = test_dup_exact(v, n);
        fn(cut, n, arg);
        free(cut);
    }
}

void t10t_small_cap(t10t_build_fn *build, const void *arg, size_t full_len)
{
    uint8_t buf[T10T_VEC_MAX + 16];
    for (size_t cap = 0; cap < full_len && cap < T10T_VEC_MAX; cap++) {
        memset(buf, 0xA5, sizeof buf);
        size_t n = build(buf, cap, arg);
        CU_ASSERT_EQUAL(n, full_len);
        int clean = 1;
        for (size_t i = cap; i < cap + 16; i++)
            if (buf[i] != 0xA5)
                clean = 0;
        CU_ASSERT(clean);
    }
}

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {
        t10_suite_tables, t10_suite_be,   t10_suite_cdb, t10_suite_sense,
        t10_suite_elem,   t10_suite_mode, t10_suite_vpd, t10_suite_log,
        t10_suite_luns,   t10_suite_rsoc, t10_suite_mam, t10_suite_ssc,
        t10_suite_pr,     NULL,
    };
    return cutest_main(argc, argv, tables);
}
