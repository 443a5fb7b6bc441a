/* SPDX-License-Identifier: MIT
 * test_scn_device - one scenario file run against a real library: `rsm-scenario run
 * --device iscsi://...` against a vtld this test starts on a free loopback port (the
 * default library), so nothing in the run is the runner's own simulator. Raw CDBs, element
 * checks and RSM steps (library_add, mount, dismount) go over iSCSI; the step that needs
 * the simulator is skipped with its reason, on stdout and as a skipped JUnit test case.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/runner/scn.h"
#include "tests/lib/cutest.h"
#include "tests/lib/daemon.h"

#define IQN      "iqn.2026-11.org.openrsm:default"
#define SCENARIO "scenarios/rsm-mount-dismount.yaml"

static char dir[256], uri[256];
static struct test_vtld vd;

static int suite_init(void)
{
    test_mkdtemp(dir, sizeof dir);
    if (test_vtld_start(&vd, dir, NULL) != 0)
        return -1;
    snprintf(uri, sizeof uri, "iscsi://127.0.0.1:%u/" IQN "/0", vd.port);
    return 0;
}

static int suite_clean(void)
{
    test_vtld_stop(&vd, SIGTERM);
    test_rmtree(dir);
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    if (buf)
        (void)fread(buf, 1, (1 << 20) - 1, f); /* a report of one scenario is small */
    fclose(f);
    return buf;
}

/* The command line, as a CI job would run it: exit 0, the scenario passed, the drive-state
 * step skipped with its reason, and the JUnit report says so. The library then holds the
 * cartridge back in its slot (RSM dismounted it for real). */
static void cli_device_run(void)
{
    char junit[512], out[16384];
    snprintf(junit, sizeof junit, "%s/report.xml", dir);
    char bin[512];
    snprintf(bin, sizeof bin, "%s/rsm-scenario", test_bindir());
    char *const argv[] = {bin, "run", "--device", uri, "--junit", junit, SCENARIO, NULL};
    int rc = test_run_capture(argv, out, sizeof out);
    if (rc != 0)
        fprintf(stderr, "\n%s\n", out);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "PASS a medium's mount and dismount"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ", 1 skipped"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "SKIP " SCENARIO
                                       ":32: step 9 (drive_state): reads the simulated drive's "
                                       "state directly"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "scenarios: 1 passed, 0 failed"));
    char *x = slurp(junit);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL(strstr(x, "tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(x, "name=\"" SCENARIO ":32: step 9 (drive_state)\""));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(x, "<skipped message=\"reads the simulated drive&apos;s state directly\"/>"));
    free(x);
    /* TAP: the skipped step as a comment under its scenario's line */
    char *const tap[] = {bin, "run", "--device", uri, "--tap", SCENARIO, NULL};
    CU_ASSERT_EQUAL(test_run_capture(tap, out, sizeof out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok 1 - a medium's mount and dismount"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "# skipped " SCENARIO ":32: step 9 (drive_state): "));
}

/* The library API: the same file through scn_run_device(), then a scenario whose steps
 * all need the simulator: every one is skipped, none fails, no virtual time passes. */
static void api_device_run(void)
{
    struct scn_scenario *sc = NULL;
    char err[2048];
    CU_ASSERT_EQUAL_FATAL(scn_load_file(SCENARIO, &sc, err, sizeof err), SCN_OK);
    struct scn_result r;
    enum scn_rc rc = scn_run_device(sc, NULL, uri, &r);
    if (rc != SCN_OK)
        fprintf(stderr, "\n%s", r.failure ? r.failure : scn_rc_name(rc));
    CU_ASSERT_EQUAL(rc, SCN_OK);
    CU_ASSERT_EQUAL(r.steps_skipped, 1);
    CU_ASSERT_EQUAL(r.virtual_us, 0);
    scn_result_free(&r);
    scn_free(sc);

    static const char sim_only[] = "steps:\n  - robot_jam:\n  - advance: 10s\n"
                                   "  - time: {at_least: 10s}\n  - clear_jam:\n";
    CU_ASSERT_EQUAL_FATAL(
        scn_load_string(sim_only, sizeof sim_only - 1, "sim-only.yaml", &sc, err, sizeof err),
        SCN_OK);
    CU_ASSERT_EQUAL(scn_run_device(sc, NULL, uri, &r), SCN_OK);
    CU_ASSERT_EQUAL(r.steps_skipped, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.skipped ? r.skipped : "",
                                  "sim-only.yaml:2: step 1 (robot_jam): needs the simulator"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.skipped ? r.skipped : "",
                                  "sim-only.yaml:4: step 3 (time): virtual time exists only in "
                                  "the simulator"));
    scn_result_free(&r);
    scn_free(sc);
}

/* A mirrored database is built from the simulator: against a device it is refused at
 * setup with the reason, not half-run. */
static void mirror_refused_on_device(void)
{
    static const char text[] = "rsm: {mirror: true}\nsteps:\n"
                               "  - rsm: {call: EnumerateNtmsObject, pool: Backup}\n";
    struct scn_scenario *sc = NULL;
    char err[2048];
    CU_ASSERT_EQUAL_FATAL(scn_load_string(text, sizeof text - 1, "m.yaml", &sc, err, sizeof err),
                          SCN_OK);
    struct scn_result r;
    CU_ASSERT_EQUAL(scn_run_device(sc, NULL, uri, &r), SCN_E_SETUP);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.failure ? r.failure : "",
                                  "m.yaml: setup failed: the RSM mirror is built from the "
                                  "simulator"));
    CU_ASSERT_EQUAL(r.steps_run, 0);
    scn_result_free(&r);
    scn_free(sc);
}

static CU_TestInfo tests[] = {
    {"cli_device_run_skips_simulator_steps", cli_device_run},
    {"api_device_run_counts_skips", api_device_run},
    {"mirror_refused_on_device", mirror_refused_on_device},
    CU_TEST_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo suite[] = {{"scenario_device", suite_init, suite_clean, NULL, NULL, tests},
                            CU_SUITE_INFO_NULL};
    CU_SuiteInfo *const tables[] = {suite, NULL};
    return cutest_main(argc, argv, tables);
}
