/* SPDX-License-Identifier: MIT
 * rsm/mli/tests/test_tools.c - labels written now by the real tools, when this machine has
 * them: GNU tar (-V, gnu and posix formats) and Bacula's btape (a "label" on a Vtape
 * device). A tool that is missing makes its test print why and check nothing; the
 * checked-in fixtures (test_claim.c) cover the formats either way.
 * Amanda's amlabel needs its configuration under /etc/amanda and the "backup" user, which
 * a unit test must not create: its fixture's recipe is in rsm/mli/README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rsm/mli/mli.h"
#include "rsm/mli/tests/suites.h"
#include "tests/lib/cutest.h"

/* The tool's absolute path in @out (from $PATH, else /usr/sbin where Debian puts btape);
 * false if it is not installed. */
static bool find_tool(const char *tool, char *out, size_t cap)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s 2>/dev/null", tool);
    FILE *p = popen(cmd, "r");
    bool found = false;
    if (p != NULL) {
        found = fgets(out, (int)cap, p) != NULL && out[0] == '/';
        (void)pclose(p); /* the answer is what was printed */
    }
    if (found) {
        out[strcspn(out, "\n")] = '\0';
        return access(out, X_OK) == 0;
    }
    snprintf(out, cap, "/usr/sbin/%s", tool);
    return access(out, X_OK) == 0;
}

/* Reads up to @cap bytes of @path; returns the count, or 0 if unreadable. */
static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void tar_case(const char *tar, const char *format, const char *label)
{
    char dir[512], cmd[1800], path[600];
    static uint8_t buf[65536];
    test_mkdtemp(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && echo data > member.txt && '%s' -c --format=%s -V '%s' -f out.tar "
             "member.txt",
             dir, tar, format, label);
    CU_ASSERT_EQUAL(system(cmd), 0);
    snprintf(path, sizeof path, "%s/out.tar", dir);
    size_t n = slurp(path, buf, sizeof buf);
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, buf, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "TAR");
    CU_ASSERT_EQUAL(r.id_len, strlen(label));
    CU_ASSERT(r.id_len == strlen(label) && memcmp(r.id, label, r.id_len) == 0);
    test_rmtree(dir);
}

static void test_gnu_tar_writes_claimable_labels(void)
{
    char tar[512];
    if (!find_tool("tar", tar, sizeof tar)) {
        printf("\n  skipped: GNU tar is not installed\n");
        return;
    }
    tar_case(tar, "gnu", "REGEN-GNU-1");
    tar_case(tar, "posix", "REGEN-PAX-2");
}

static void test_btape_writes_claimable_label(void)
{
    char btape[512], dir[512], conf[600], cmd[2400], tape[600];
    if (!find_tool("btape", btape, sizeof btape)) {
        printf("\n  skipped: Bacula's btape is not installed (Debian package bacula-sd)\n");
        return;
    }
    test_mkdtemp(dir, sizeof dir);
    snprintf(conf, sizeof conf, "%s/sd.conf", dir);
    snprintf(tape, sizeof tape, "%s/tape0", dir);
    FILE *t = fopen(tape, "w"); /* btape wants the Vtape file to exist */
    FILE *f = fopen(conf, "w");
    CU_ASSERT(f != NULL && t != NULL);
    if (t != NULL)
        fclose(t);
    if (f == NULL || t == NULL) {
        if (f != NULL)
            fclose(f);
        test_rmtree(dir);
        return;
    }
    /* A Vtape device, Bacula's file-backed tape emulation: btape refuses File devices
     * ("btape only works with tape storage"). btape opens no port. */
    fprintf(f,
            "Storage {\n Name = mli-sd\n WorkingDirectory = %s\n Pid Directory = %s\n}\n"
            "Director {\n Name = mli-dir\n Password = \"x\"\n}\n"
            "Device {\n Name = Dev\n Media Type = File\n Device Type = Vtape\n"
            " Archive Device = %s\n LabelMedia = yes\n Random Access = yes\n"
            " AutomaticMount = yes\n RemovableMedia = no\n AlwaysOpen = no\n}\n"
            "Messages {\n Name = Standard\n console = all\n}\n",
            dir, dir, tape);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "printf 'label\\nREGEN-0007\\nquit\\n' | '%s' -c '%s' Dev >'%s/btape.log' 2>&1", btape,
             conf, dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
    static uint8_t buf[2 * 65536];
    size_t n = slurp(tape, buf, sizeof buf);
    /* The Vtape file frames each block with its own header; find the Bacula block. */
    size_t at = 0;
    while (at + 16 <= n && memcmp(buf + at + 12, "BB02", 4) != 0)
        at++;
    struct rsm_mli_result r = {0};
    CU_ASSERT(at + 16 <= n);
    if (at + 16 <= n)
        CU_ASSERT_EQUAL(rsm_mli_claim(NULL, buf + at, n - at, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "BACULA");
    CU_ASSERT_EQUAL(r.id_len, 10);
    CU_ASSERT_EQUAL(memcmp(r.id, "REGEN-0007", 10), 0);
    test_rmtree(dir); /* no FATAL above: the directory is always removed */
}

static CU_TestInfo tests[] = {
    {"gnu_tar_writes_claimable_labels", test_gnu_tar_writes_claimable_labels},
    {"btape_writes_claimable_label", test_btape_writes_claimable_label},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_mli_tools_suites[] = {
    {"rsm_mli_tools", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
