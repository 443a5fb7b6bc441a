/* SPDX-License-Identifier: MIT
 * rsm/mli/tests/test_loader.c - the plugin loader with the test plugins rsm/mli/module.mk
 * builds next to this program (one .so each in $B/tests/mli-plugins/): a good library is loaded and
 * claims, broken ones are reported and skipped, bad answers are reported and ignored.
 * Each test links the plugins it wants into a fresh directory and removes it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rsm/mli/mli.h"
#include "rsm/mli/tests/suites.h"
#include "tests/lib/cutest.h"

struct reports {
    int n;
    char paths[16][512];
    char why[16][512];
};

static void collect(void *arg, const char *path, const char *why)
{
    struct reports *r = arg;
    if (r->n < 16) {
        snprintf(r->paths[r->n], sizeof r->paths[0], "%s", path);
        snprintf(r->why[r->n], sizeof r->why[0], "%s", why);
    }
    r->n++;
}

/* True if some report's path ends with @suffix and its reason contains @why. */
static bool reported(const struct reports *r, const char *suffix, const char *why)
{
    for (int i = 0; i < r->n && i < 16; i++) {
        size_t pl = strlen(r->paths[i]), sl = strlen(suffix);
        if (pl >= sl && strcmp(r->paths[i] + pl - sl, suffix) == 0 && strstr(r->why[i], why))
            return true;
    }
    return false;
}

/* A fresh directory holding symlinks to the named test plugins. */
static void plugin_dir(char *dir, size_t cap, const char *const *names)
{
    char exe[PATH_MAX], src[PATH_MAX + 64], dst[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CU_ASSERT_FATAL(n > 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    test_mkdtemp(dir, cap);
    for (size_t i = 0; names[i] != NULL; i++) {
        snprintf(src, sizeof src, "%s/mli-plugins/%s", exe, names[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, names[i]);
        CU_ASSERT_FATAL(access(src, R_OK) == 0);
        CU_ASSERT_FATAL(symlink(src, dst) == 0);
    }
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void test_good_plugin_loaded_and_claims(void)
{
    static const char *const names[] = {"good.so", NULL};
    char dir[512];
    plugin_dir(dir, sizeof dir, names);
    struct reports rep = {0};
    struct rsm_mli *m = NULL;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_open(dir, collect, &rep, &m), RSM_MLI_OK);
    CU_ASSERT_EQUAL(rep.n, 0);
    CU_ASSERT_EQUAL(rsm_mli_n_plugins(m), 1);
    CU_ASSERT_STRING_EQUAL(rsm_mli_plugin_name(m, 0), "good");
    CU_ASSERT_PTR_NULL(rsm_mli_plugin_name(m, 1));
    /* Its MaxMediaLabel (128 KiB) is above every built-in's. */
    CU_ASSERT_EQUAL(rsm_mli_max_label_size(m), 131072);
    CU_ASSERT(rsm_mli_max_label_size(NULL) < 131072);

    const char *lab = "XYZLABEL:TAPE-9\nrest of the block";
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(m, (const uint8_t *)lab, strlen(lab), &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "good");
    CU_ASSERT_STRING_EQUAL(r.type, "XYZ Backup");
    CU_ASSERT_EQUAL(r.id_len, 6);
    CU_ASSERT_EQUAL(memcmp(r.id, "TAPE-9", 6), 0);
    CU_ASSERT_STRING_EQUAL(r.info, "XYZ tape TAPE-9 \xC3\xA9t\xC3\xA9"); /* WCHAR -> UTF-8 */
    CU_ASSERT_TRUE(r.has_guid); /* through ClaimMediaLabelEx */
    CU_ASSERT_EQUAL(r.guid[0], 0x5A);
    CU_ASSERT_EQUAL(r.guid[15], 0x5A);
    /* Without the plugin nobody claims it. */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, (const uint8_t *)lab, strlen(lab), &r), RSM_MLI_UNCLAIMED);
    /* Built-in formats are still the built-ins'. */
    const char *am = "AMANDA: TAPESTART DATE X TAPE A-1\n\014\n";
    CU_ASSERT_EQUAL(rsm_mli_claim(m, (const uint8_t *)am, strlen(am), &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "AMANDA");
    rsm_mli_close(m);
    test_rmtree(dir);
}

static void test_broken_plugins_reported_and_skipped(void)
{
    static const char *const names[] = {"good.so", "nosym.so", "badmax.so", NULL};
    char dir[512], sub[600];
    plugin_dir(dir, sizeof dir, names);
    write_file(dir, "junk.so", "not an ELF object\n");
    write_file(dir, "README.txt", "ignored: not *.so\n");
    snprintf(sub, sizeof sub, "%s/sub.so", dir);
    CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
    struct reports rep = {0};
    struct rsm_mli *m = NULL;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_open(dir, collect, &rep, &m), RSM_MLI_OK);
    CU_ASSERT_EQUAL(rsm_mli_n_plugins(m), 1);
    CU_ASSERT_STRING_EQUAL(rsm_mli_plugin_name(m, 0), "good");
    CU_ASSERT_EQUAL(rep.n, 4);
    CU_ASSERT_TRUE(reported(&rep, "/nosym.so", "does not export ClaimMediaLabel"));
    CU_ASSERT_TRUE(reported(&rep, "/badmax.so", "MaxMediaLabel answered 50"));
    CU_ASSERT_TRUE(reported(&rep, "/junk.so", "cannot be loaded"));
    CU_ASSERT_TRUE(reported(&rep, "/sub.so", "not a regular file"));
    /* badmax's ClaimMediaLabel would claim anything: it must never be asked. */
    uint8_t zeros[64] = {0};
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL(rsm_mli_claim(m, zeros, sizeof zeros, &r), RSM_MLI_UNCLAIMED);
    CU_ASSERT_EQUAL(rsm_mli_max_label_size(m), 131072);
    rsm_mli_close(m);
    test_rmtree(dir);
}

static void test_bad_answers_reported_not_claimed(void)
{
    static const char *const names[] = {"badret.so", "good.so", NULL};
    char dir[512];
    plugin_dir(dir, sizeof dir, names);
    struct reports rep = {0};
    struct rsm_mli *m = NULL;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_open(dir, collect, &rep, &m), RSM_MLI_OK);
    CU_ASSERT_EQUAL_FATAL(rsm_mli_n_plugins(m), 2);
    CU_ASSERT_STRING_EQUAL(rsm_mli_plugin_name(m, 0), "badret"); /* name order */
    struct rsm_mli_result r;
    static const struct {
        const char *buf, *why;
    } cases[] = {
        {"BIGID-------", "LabelIDSize outside 1..255"},
        {"NOTYPE------", "LabelType empty"},
        {"NOTERM------", "LabelAppDescr without its terminating NUL"},
        {"ODDRC-------", "returned 87"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&rep, 0, sizeof rep);
        CU_ASSERT_EQUAL(rsm_mli_claim(m, (const uint8_t *)cases[i].buf, 12, &r), RSM_MLI_UNCLAIMED);
        CU_ASSERT_EQUAL(rep.n, 1);
        CU_ASSERT_TRUE(reported(&rep, "/badret.so", cases[i].why));
        CU_ASSERT_EQUAL(r.id_len, 0);
    }
    /* A later plugin still gets its turn after the bad one declines. */
    memset(&rep, 0, sizeof rep);
    const char *lab = "XYZLABEL:Q7\n";
    CU_ASSERT_EQUAL(rsm_mli_claim(m, (const uint8_t *)lab, strlen(lab), &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "good");
    CU_ASSERT_EQUAL(rep.n, 0);
    rsm_mli_close(m);
    test_rmtree(dir);
}

static void test_directory_from_environment(void)
{
    static const char *const names[] = {"good.so", NULL};
    char dir[512];
    plugin_dir(dir, sizeof dir, names);
    struct rsm_mli *m = NULL;
    CU_ASSERT_EQUAL_FATAL(setenv("RSM_MLI_DIR", dir, 1), 0);
    CU_ASSERT_EQUAL(rsm_mli_open(NULL, NULL, NULL, &m), RSM_MLI_OK);
    CU_ASSERT_EQUAL(rsm_mli_n_plugins(m), 1);
    rsm_mli_close(m);
    unsetenv("RSM_MLI_DIR");
    CU_ASSERT_EQUAL(rsm_mli_open(NULL, NULL, NULL, &m), RSM_MLI_OK); /* built-ins only */
    CU_ASSERT_EQUAL(rsm_mli_n_plugins(m), 0);
    CU_ASSERT_EQUAL(rsm_mli_max_label_size(m), rsm_mli_max_label_size(NULL));
    rsm_mli_close(m);
    test_rmtree(dir);
}

static void test_missing_directory_is_an_error(void)
{
    struct reports rep = {0};
    struct rsm_mli *m = (struct rsm_mli *)&rep; /* must be reset to NULL */
    CU_ASSERT_EQUAL(rsm_mli_open("/nonexistent/openrsm-mli", collect, &rep, &m), RSM_MLI_ENODIR);
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT_EQUAL(rep.n, 1);
    CU_ASSERT_TRUE(reported(&rep, "/nonexistent/openrsm-mli", "cannot open"));
    CU_ASSERT_EQUAL(rsm_mli_open("/tmp", NULL, NULL, NULL), RSM_MLI_EINVAL);
    rsm_mli_close(NULL); /* no-op */
    CU_ASSERT_EQUAL(rsm_mli_n_plugins(NULL), 0);
}

static CU_TestInfo tests[] = {
    {"good_plugin_loaded_and_claims", test_good_plugin_loaded_and_claims},
    {"broken_plugins_reported_and_skipped", test_broken_plugins_reported_and_skipped},
    {"bad_answers_reported_not_claimed", test_bad_answers_reported_not_claimed},
    {"directory_from_environment", test_directory_from_environment},
    {"missing_directory_is_an_error", test_missing_directory_is_an_error},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_mli_loader_suites[] = {
    {"rsm_mli_loader", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
