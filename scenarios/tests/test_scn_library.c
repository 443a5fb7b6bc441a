/* SPDX-License-Identifier: MIT
 * test_scn_library - the whole scenario library (every .yaml file in scenarios/) through the
 * runner, one CUnit test per file, so CI's summary counts scenarios. A failing scenario prints its
 * diff. SCN_LIBRARY_DIR overrides where the files are (default: scenarios, from the
 * repository root where make test runs).
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/runner/scn.h"
#include "tests/lib/cutest.h"

static glob_t files;
static double wall_total;
static uint64_t virtual_total;

static void run_one(void)
{
    /* The test's name is its file's base name: find the file by it, so running a single
     * test ("scenario_library:foo.yaml") works too. */
    const char *name = CU_get_current_test()->pName, *path = NULL;
    for (size_t i = 0; i < files.gl_pathc && !path; i++) {
        const char *base = strrchr(files.gl_pathv[i], '/');
        if (!strcmp(base ? base + 1 : files.gl_pathv[i], name))
            path = files.gl_pathv[i];
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    struct scn_scenario *sc = NULL;
    char err[2048];
    enum scn_rc rc = scn_load_file(path, &sc, err, sizeof err);
    if (rc != SCN_OK)
        fprintf(stderr, "\n%s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    struct scn_result r;
    rc = scn_run(sc, NULL, &r);
    if (rc != SCN_OK)
        fprintf(stderr, "\n%s", r.failure ? r.failure : scn_rc_name(rc));
    CU_ASSERT_EQUAL(rc, SCN_OK);
    CU_ASSERT(r.steps_run > 0);
    wall_total += r.wall_s;
    virtual_total += r.virtual_us;
    scn_result_free(&r);
    scn_free(sc);
}

int main(int argc, char **argv)
{
    const char *dir = getenv("SCN_LIBRARY_DIR");
    char pattern[1024];
    snprintf(pattern, sizeof pattern, "%s/*.yaml", dir && *dir ? dir : "scenarios");
    if (glob(pattern, 0, NULL, &files) != 0 || files.gl_pathc == 0) {
        fprintf(stderr, "test_scn_library: no scenario matches %s\n", pattern);
        return 1;
    }
    CU_TestInfo *tests = calloc(files.gl_pathc + 1, sizeof *tests);
    if (!tests)
        return 1;
    for (size_t i = 0; i < files.gl_pathc; i++) {
        const char *base = strrchr(files.gl_pathv[i], '/');
        tests[i].pName = base ? base + 1 : files.gl_pathv[i];
        tests[i].pTestFunc = run_one;
    }
    CU_SuiteInfo suite[] = {{"scenario_library", NULL, NULL, NULL, NULL, tests},
                            CU_SUITE_INFO_NULL};
    CU_SuiteInfo *const tables[] = {suite, NULL};
    int rc = cutest_main(argc, argv, tables);
    printf("scenario library: %zu files, wall %.3f s, virtual %.3f s\n", files.gl_pathc, wall_total,
           virtual_total / 1e6);
    free(tests);
    globfree(&files);
    return rc;
}
