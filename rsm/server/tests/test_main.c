/* SPDX-License-Identifier: MIT
 * test_rsmd: rsmd's own suite, then the engine's API suites run a second time with every
 * session on an rsmd started by the test (fx_client.c), so both modes give the same results.
 */
#include <string.h>

#include "tests/lib/cutest.h"

extern CU_SuiteInfo rsmd_suites[], rsm_object_suites[], rsm_pool_suites[], rsm_media_suites[],
    rsm_notify_suites[], rsmd_notify_suites[];

/* Engine tests that look inside the client's process and so have no client-mode meaning:
 * this one forks and checks the engine a child process opened for itself (multi-process
 * allocation through rsmd is rsmd_suites' allocate storm). */
static const char *const embedded_only[] = {"processes_allocate_without_conflict", NULL};

static CU_SuiteInfo *filtered(CU_SuiteInfo *in)
{
    for (CU_SuiteInfo *s = in; s->pName; s++) {
        CU_TestInfo *t = s->pTests, *out = s->pTests;
        for (; t->pName; t++) {
            int skip = 0;
            for (int i = 0; embedded_only[i]; i++)
                skip |= !strcmp(t->pName, embedded_only[i]);
            if (!skip)
                *out++ = *t;
        }
        *out = *t; /* CU_TEST_INFO_NULL */
    }
    return in;
}

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {rsmd_suites, filtered(rsm_object_suites),
                                    filtered(rsm_pool_suites), filtered(rsm_media_suites),
                                    rsm_notify_suites, rsmd_notify_suites, NULL};
    return cutest_main(argc, argv, tables);
}
