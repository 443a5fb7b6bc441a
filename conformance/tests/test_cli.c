/* SPDX-License-Identifier: MIT
 * conformance/tests/test_cli.c - rsm-conform as a program: its exit status and report
 * files, and a whole run against vtld over iSCSI (drive LUNs found through REPORT LUNS on
 * the target, a second nexus for the reservation checks).
 *
 * The programs are found next to this test binary (../bin/ of its build directory), so
 * the gcc, clang and ASan trees each test their own. vtld listens on 127.0.0.1 on a port
 * it picks; the suite stops it.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conformance/conform.h"
#include "tests/lib/cutest.h"
#include "tests/lib/daemon.h"

static char bindir[512], dir[256];
static struct test_vtld vd;

/* Runs @argv with stdout/stderr to @log; returns the exit status (128+signal). */
static int run(char *const argv[], const char *log)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int suite_init(void)
{
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return 1;
    self[n] = '\0';
    snprintf(bindir, sizeof bindir, "%s/../bin", dirname(self));
    test_mkdtemp(dir, sizeof dir);
    return test_vtld_start(&vd, dir, NULL) != 0;
}

static int suite_clean(void)
{
    test_vtld_stop(&vd, SIGTERM);
    test_rmtree(dir);
    return 0;
}

static json_t *load_summary(const char *report, json_int_t *p, json_int_t *f, json_int_t *s)
{
    char path[700];
    snprintf(path, sizeof path, "%s/report.json", report);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    json_t *sum = json_object_get(root, "summary");
    *p = json_integer_value(json_object_get(sum, "passed"));
    *f = json_integer_value(json_object_get(sum, "failed"));
    *s = json_integer_value(json_object_get(sum, "skipped"));
    return root;
}

static void test_iscsi_full_run(void)
{
    char prog[600], uri[200], report[600], log[600];
    snprintf(prog, sizeof prog, "%s/rsm-conform", bindir);
    snprintf(uri, sizeof uri, "iscsi://127.0.0.1:%u/iqn.2026-11.org.openrsm:default/0", vd.port);
    snprintf(report, sizeof report, "%s/iscsi-report", dir);
    snprintf(log, sizeof log, "%s/iscsi-run.log", dir);
    char *argv[] = {prog, "--device", uri, "--report", report, "--safe", "--scratch",
                    "A00009L8", NULL};
    int rc = run(argv, log);
    json_int_t p, f, s;
    json_t *root = load_summary(report, &p, &f, &s);
    /* Exit status follows the verdicts: 0 exactly when nothing failed. */
    CU_ASSERT_EQUAL(rc, f ? 1 : 0);
    size_t n;
    conform_catalogue(&n);
    CU_ASSERT_EQUAL((size_t)(p + f + s), n);
    CU_ASSERT(p >= 60);
    if (f)
        fprintf(stderr, "\n  %lld checks failed against vtld; see %s\n", (long long)f, log);
    /* Drives were found through REPORT LUNS on the iSCSI target and mapped by DVCID. */
    json_t *drives = json_object_get(json_object_get(root, "device"), "drives");
    CU_ASSERT_EQUAL(json_array_size(drives), 2);
    for (size_t i = 0; i < json_array_size(drives); i++)
        CU_ASSERT(json_is_true(json_object_get(json_array_get(drives, i), "mapped_by_dvcid")));
    CU_ASSERT(json_is_true(json_object_get(root, "inventory_restored")));
    /* The reservation checks ran with a second iSCSI session, not skipped. */
    json_t *checks = json_object_get(root, "checks");
    for (size_t i = 0; i < json_array_size(checks); i++) {
        json_t *c = json_array_get(checks, i);
        if (strcmp(json_string_value(json_object_get(c, "id")), "SPC-RES-001") == 0)
            CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(c, "verdict")), "PASS");
    }
    json_decref(root);
}

static void test_exit_status_and_files(void)
{
    char prog[600], report[600], log[600];
    snprintf(prog, sizeof prog, "%s/rsm-conform", bindir);
    snprintf(report, sizeof report, "%s/sim-report", dir);
    snprintf(log, sizeof log, "%s/sim-run.log", dir);
    char *ok[] = {prog, "--device", "sim:", "--report", report, "--only", "SPC-INQ-*", NULL};
    CU_ASSERT_EQUAL(run(ok, log), 0);
    static const char *const files[] = {"report.json", "report.md", "report.html", "junit.xml"};
    for (size_t i = 0; i < 4; i++) {
        char path[700];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", report, files[i]);
        CU_ASSERT(stat(path, &st) == 0 && st.st_size > 0);
    }
    json_int_t p, f, s;
    json_decref(load_summary(report, &p, &f, &s));
    CU_ASSERT_EQUAL(p, 7);
    CU_ASSERT_EQUAL(f, 0);
    /* One progress line per check on stderr. */
    FILE *lf = fopen(log, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
    char line[512];
    unsigned lines = 0;
    while (fgets(line, sizeof line, lf))
        lines += strncmp(line, "SPC-INQ-", 8) == 0 && strstr(line, " PASS ") != NULL;
    fclose(lf);
    CU_ASSERT_EQUAL(lines, 7);

    char *bad_dev[] = {prog, "--device", "sim:/nonexistent/lib.yaml", "--report", report, NULL};
    CU_ASSERT_EQUAL(run(bad_dev, log), 2);
    char *no_report[] = {prog, "--device", "sim:", NULL};
    CU_ASSERT_EQUAL(run(no_report, log), 2);
    char *list[] = {prog, "--list", NULL};
    CU_ASSERT_EQUAL(run(list, log), 0);
    lf = fopen(log, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
    unsigned rows = 0;
    while (fgets(line, sizeof line, lf))
        rows += line[0] == '|' && strncmp(line, "| id", 4) != 0 && strncmp(line, "|---", 4) != 0;
    fclose(lf);
    size_t n;
    conform_catalogue(&n);
    CU_ASSERT_EQUAL(rows, n);
}

static void test_failing_check_exits_1(void)
{
    /* Whatever the simulator answers, the exit status must agree with the report. */
    char prog[600], report[600], log[600];
    snprintf(prog, sizeof prog, "%s/rsm-conform", bindir);
    snprintf(report, sizeof report, "%s/luns-report", dir);
    snprintf(log, sizeof log, "%s/luns-run.log", dir);
    char *argv[] = {prog, "--device", "sim:", "--report", report, "--only", "SPC-LUNS-*", NULL};
    int rc = run(argv, log);
    json_int_t p, f, s;
    json_decref(load_summary(report, &p, &f, &s));
    CU_ASSERT_EQUAL(p + f + s, 3);
    CU_ASSERT_EQUAL(rc, f ? 1 : 0);
}

static CU_TestInfo cli_tests[] = {
    {"exit_status_and_report_files", test_exit_status_and_files},
    {"exit_status_follows_failures", test_failing_check_exits_1},
    {"full_safe_run_against_vtld_over_iscsi", test_iscsi_full_run},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo conform_cli_suites[] = {
    {"conform_cli", suite_init, suite_clean, NULL, NULL, cli_tests},
    CU_SUITE_INFO_NULL,
};
