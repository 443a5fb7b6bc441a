/* SPDX-License-Identifier: MIT
 * Shared CUnit runner and test helpers; contract in cutest.h. */
#include "tests/lib/cutest.h"

#include <CUnit/Basic.h>
#include <ctype.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cutest_main(int argc, char **argv, CU_SuiteInfo *const *tables)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    for (CU_SuiteInfo *const *t = tables; *t; t++) {
        if (CU_register_suites(*t) != CUE_SUCCESS) {
            fprintf(stderr, "suite registration failed: %s\n", CU_get_error_msg());
            CU_cleanup_registry();
            return 2;
        }
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_ErrorCode rc;
    if (argc > 1) {
        char want[256];
        snprintf(want, sizeof want, "%s", argv[1]);
        char *colon = strchr(want, ':');
        if (colon)
            *colon++ = '\0';
        CU_pSuite s = CU_get_suite(want);
        if (!s) {
            fprintf(stderr, "no suite named '%s'\n", want);
            CU_cleanup_registry();
            return 2;
        }
        if (colon) {
            CU_pTest t = CU_get_test(s, colon);
            if (!t) {
                fprintf(stderr, "no test '%s' in suite '%s'\n", colon, want);
                CU_cleanup_registry();
                return 2;
            }
            rc = CU_basic_run_test(s, t);
        } else {
            rc = CU_basic_run_suite(s);
        }
    } else {
        rc = CU_basic_run_tests();
    }
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return (rc != CUE_SUCCESS || failed) ? 1 : 0;
}

uint8_t *test_dup_exact(const void *buf, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    if (!p)
        abort();
    if (len)
        memcpy(p, buf, len);
    return p;
}

long test_load_hex(const char *path, uint8_t *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        return -1;
    }
    long n = 0;
    int c, hi = -1, line = 1;
    while ((c = fgetc(f)) != EOF) {
        if (c == '#') {
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
            line++;
            continue;
        }
        if (c == '\n')
            line++;
        if (isspace(c))
            continue;
        if (!isxdigit(c)) {
            fprintf(stderr, "%s:%d: not a hex digit: '%c'\n", path, line, c);
            fclose(f);
            return -1;
        }
        int v = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
        if (hi < 0) {
            hi = v;
        } else {
            if ((size_t)n >= cap) {
                fprintf(stderr, "%s: more than %zu bytes\n", path, cap);
                fclose(f);
                return -1;
            }
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    fclose(f);
    if (hi >= 0) {
        fprintf(stderr, "%s: odd number of hex digits\n", path);
        return -1;
    }
    return n;
}

void test_mkdtemp(char *out, size_t cap)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(out, cap, "%s/openrsm-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(out))
        abort();
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void test_rmtree(const char *path)
{
    (void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
