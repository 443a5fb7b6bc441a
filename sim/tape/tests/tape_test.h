/* SPDX-License-Identifier: MIT
 * sim/tape/tests/tape_test.h - helpers shared by the tape image store's test files.
 */
#ifndef OPENRSM_SIM_TAPE_TESTS_TAPE_TEST_H
#define OPENRSM_SIM_TAPE_TESTS_TAPE_TEST_H

#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/tape/tapeimg.h"
#include "tests/lib/cutest.h"

extern CU_SuiteInfo tapeimg_suites[];
extern CU_SuiteInfo tape_space_suites[];
extern CU_SuiteInfo tape_recovery_suites[];
extern CU_SuiteInfo tape_mam_suites[];

/* Deterministic block contents: block @seed of @len bytes (xorshift stream). */
static inline void tt_fill(uint8_t *buf, size_t len, uint64_t seed)
{
    uint64_t x = seed * 0x9E3779B97F4A7C15u + 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
}

/* Length of test block @i: varied, including 1 byte and sizes around 64 KiB. */
static inline size_t tt_len(uint64_t i)
{
    static const size_t lens[] = {1, 512, 4096, 65535, 65536, 65537, 100, 300000, 7, 32768};
    return lens[i % (sizeof lens / sizeof lens[0])];
}

/* Reads the next object and checks it is block @seed of @len bytes. */
static inline int tt_read_expect(struct vtl_tape *t, size_t len, uint64_t seed)
{
    uint8_t *want = malloc(len), *got = malloc(len + 16);
    struct vtl_tape_read_result r;
    tt_fill(want, len, seed);
    enum vtl_tape_rc rc = vtl_tape_read(t, got, len + 16, &r);
    int ok = rc == VTL_TAPE_OK && r.kind == VTL_TAPE_BLOCK && r.block_len == len &&
             r.copied == len && memcmp(want, got, len) == 0;
    free(want);
    free(got);
    return ok;
}

static inline enum vtl_tape_rc tt_write(struct vtl_tape *t, size_t len, uint64_t seed)
{
    uint8_t *b = malloc(len);
    tt_fill(b, len, seed);
    enum vtl_tape_rc rc = vtl_tape_write(t, b, len);
    free(b);
    return rc;
}

/* A scratch directory for tests that rewrite image files thousands of times: on tmpfs
 * when there is one (the damage logic does not depend on the file system, and a busy
 * journal would make each rewrite cost milliseconds), else test_mkdtemp(). */
static inline void tt_mkdtemp_fast(char *out, size_t cap)
{
    if (access("/dev/shm", W_OK) == 0 && cap > 32) {
        snprintf(out, cap, "/dev/shm/test_tape.XXXXXX");
        if (mkdtemp(out))
            return;
    }
    test_mkdtemp(out, cap);
}

#define CU_ASSERT_RC(expr, want)                                                                   \
    do {                                                                                           \
        enum vtl_tape_rc rc_ = (expr);                                                             \
        if (rc_ != (want))                                                                         \
            fprintf(stderr, "%s:%d: %s -> %s, want %s\n", __FILE__, __LINE__, #expr,               \
                    vtl_tape_rc_name(rc_), vtl_tape_rc_name(want));                                \
        CU_ASSERT_EQUAL(rc_, (want));                                                              \
    } while (0)

#endif
