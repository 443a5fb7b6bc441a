/* SPDX-License-Identifier: MIT
 * Shared helpers for OpenRSM's CUnit programs.
 *
 * Each module's test program defines its suites as CU_SuiteInfo tables (one per
 * tests/test_<file>.c) and calls cutest_main() with a NULL-terminated array of them.
 * cutest_main() runs every suite in CUnit's basic mode (the summary that
 * ci/run-tests.sh reads) and returns non-zero if any assertion failed.
 * A test name given as argv[1] ("suite" or "suite:test") runs only that.
 */
#ifndef OPENRSM_TESTS_CUTEST_H
#define OPENRSM_TESTS_CUTEST_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>

int cutest_main(int argc, char **argv, CU_SuiteInfo *const *tables);

/* Heap copy of exactly @len bytes of @buf (a 1-byte block when @len is 0), so ASan
 * reports any read past @len. Owned by the caller: free(). Never NULL (aborts on OOM,
 * which is fine in a test program). */
uint8_t *test_dup_exact(const void *buf, size_t len);

/* Reads a golden vector: hex digits with optional whitespace; '#' starts a comment to end
 * of line. Returns the number of bytes written to @out (at most @cap), or -1 if the file
 * is missing or malformed (the reason is printed). */
long test_load_hex(const char *path, uint8_t *out, size_t cap);

/* A fresh empty directory under $TMPDIR for this test; the caller removes it with
 * test_rmtree(). @out gets the path (at least 256 bytes). */
void test_mkdtemp(char *out, size_t cap);
void test_rmtree(const char *path);

#endif
