/* SPDX-License-Identifier: MIT
 * test_dist: the files dist/ ships are checked against the programs they describe, so
 * they cannot drift from them.
 *
 *  - man pages (dist/man/NAME.1 and NAME.8): each renders with `groff -man -ww -z` without one
 *    warning, and every long option the program's --help prints (for rsm also every
 *    `rsm COMMAND --help`) appears in its page;
 *  - systemd units (dist/systemd/): `systemd-analyze verify` accepts each one without a
 *    message (the unit is copied with ExecStart pointing at the binary in $B/bin, since
 *    verify wants an executable there), every option its ExecStart passes is one the
 *    program's --help lists, and the paths are the ones the programs default to.
 *
 * A missing groff or systemd-analyze makes the tests that need it print "skipped:" with
 * the reason and check nothing.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/cutest.h"
#include "tests/lib/daemon.h"

#define OUT_CAP 65536

static bool have(const char *prog)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

/* The whole file into a fresh buffer (free()), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = malloc(OUT_CAP + 1);
    size_t n = buf ? fread(buf, 1, OUT_CAP, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* The page as text a reader sees: "\-" is "-" and font changes are dropped, so
 * "\fB\-\-db\fR" reads "--db". */
static void unescape_troff(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if (r[0] == '\\' && r[1] == '-') {
            *w++ = '-';
            r += 2;
        } else if (r[0] == '\\' && r[1] == 'f' && r[2]) {
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* Is @opt ("--db") in @text as a whole word (not the start of "--dbx")? */
static bool has_option(const char *text, const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = strstr(text, opt); p; p = strstr(p + 1, opt)) {
        char next = p[n];
        if (!(isalnum((unsigned char)next) || next == '-'))
            return true;
    }
    return false;
}

/* Calls @fn for each "--option" in @text. */
static void each_option(const char *text, void (*fn)(const char *opt, void *arg), void *arg)
{
    for (const char *p = text; (p = strstr(p, "--")) != NULL;) {
        if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '-')) {
            p += 2;
            continue;
        }
        const char *e = p + 2;
        while (isalnum((unsigned char)*e) || *e == '-')
            e++;
        if (e - p > 2 && isalpha((unsigned char)p[2])) {
            char opt[64];
            size_t n = (size_t)(e - p) < sizeof opt - 1 ? (size_t)(e - p) : sizeof opt - 1;
            memcpy(opt, p, n);
            opt[n] = '\0';
            fn(opt, arg);
        }
        p = e;
    }
}

/* $B/bin/@prog with up to two arguments; its output into @out. Returns the exit status. */
static int run_prog(const char *prog, const char *a1, const char *a2, char *out)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", test_bindir(), prog);
    char *argv[] = {path, (char *)a1, (char *)a2, NULL};
    return test_run_capture(argv, out, OUT_CAP);
}

struct doc_check {
    const char *page_text, *page, *source;
    unsigned n_checked;
};

static void check_documented(const char *opt, void *arg)
{
    struct doc_check *d = arg;
    d->n_checked++;
    if (!has_option(d->page_text, opt)) {
        printf("\n  %s: %s (from %s) is not in the page", d->page, opt, d->source);
        CU_FAIL("an option of --help is missing from the man page");
    }
}

/* Every option of `$B/bin/@prog --help` is in dist/man/@page. Returns the page's text
 * (free()) for callers that check more, or NULL. */
static char *check_help_in_page(const char *prog, const char *page, struct doc_check *d)
{
    char path[256];
    snprintf(path, sizeof path, "dist/man/%s", page);
    char *text = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    unescape_troff(text);
    static char help[OUT_CAP];
    CU_ASSERT_EQUAL(run_prog(prog, "--help", NULL, help), 0);
    *d = (struct doc_check){.page_text = text, .page = page, .source = "--help"};
    each_option(help, check_documented, d);
    CU_ASSERT_TRUE(d->n_checked > 0); /* a --help without options means we parsed nothing */
    return text;
}

static void test_rsmd_options_documented(void)
{
    struct doc_check d;
    free(check_help_in_page("rsmd", "rsmd.8", &d));
    CU_ASSERT_TRUE(d.n_checked >= 5);
}

static void test_vtld_options_documented(void)
{
    struct doc_check d;
    free(check_help_in_page("vtld", "vtld.8", &d));
    CU_ASSERT_TRUE(d.n_checked >= 7);
}

static void test_vtlctl_options_documented(void)
{
    struct doc_check d;
    char *text = check_help_in_page("vtlctl", "vtlctl.1", &d);
    CU_ASSERT_TRUE(d.n_checked >= 4);
    /* Its commands too: each one --help lists is a heading in the page. */
    static const char *const cmds[] = {"status", "inject", "remove", "open-door", "close-door",
                                       "move", "dirty", "clock advance", "clock show",
                                       "power-cycle", "fault sense", "fault jam",
                                       "fault unjam", "fault barcode", "fault door-open",
                                       "fault exception"};
    static char help[OUT_CAP];
    CU_ASSERT_EQUAL(run_prog("vtlctl", "--help", NULL, help), 0);
    for (size_t i = 0; text && i < sizeof cmds / sizeof cmds[0]; i++) {
        CU_ASSERT_PTR_NOT_NULL(strstr(help, cmds[i])); /* the list above is still true */
        if (!strstr(text, cmds[i]))
            printf("\n  vtlctl.1: command '%s' missing", cmds[i]);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, cmds[i]));
    }
    free(text);
}

/* rsm: the options of `rsm --help` and of `rsm COMMAND --help` for every command the
 * main help lists (each " | "-separated part of a line under "Commands"). */
static void test_rsm_options_documented(void)
{
    struct doc_check d;
    char *text = check_help_in_page("rsm", "rsm.1", &d);
    static char help[OUT_CAP], sub[OUT_CAP];
    CU_ASSERT_EQUAL_FATAL(run_prog("rsm", "--help", NULL, help), 0);
    char *cmds = strstr(help, "Commands");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cmds);
    unsigned n_cmds = 0;
    for (char *line = strtok(strchr(cmds, '\n'), "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "  ", 2) != 0)
            break; /* the list ends at the first line that is not indented */
        for (char *part = line; part; part = strstr(part, " | ")) {
            if (part != line)
                part += 3;
            while (*part == ' ')
                part++;
            char word[32];
            size_t n = 0;
            while (n < sizeof word - 1 && (islower((unsigned char)part[n]) || part[n] == '-'))
                n++;
            memcpy(word, part, n);
            word[n] = '\0';
            if (n == 0 || n == sizeof word - 1)
                continue;
            if (run_prog("rsm", word, "--help", sub) != 0)
                continue; /* "satisfy" is an opreq verb, not a command */
            n_cmds++;
            struct doc_check ds = {.page_text = text, .page = "rsm.1", .source = word};
            each_option(sub, check_documented, &ds);
            if (!strstr(text, word)) {
                printf("\n  rsm.1: command '%s' missing", word);
                CU_FAIL("a command of rsm --help is missing from rsm.1");
            }
        }
    }
    CU_ASSERT_TRUE(n_cmds >= 12);
    free(text);
}

/* groff -man -ww -z: no output at all means no warning of any kind. */
static void test_pages_render_without_warnings(void)
{
    if (!have("groff")) {
        printf("\n  skipped: groff is not installed (Debian package groff-base)");
        return;
    }
    static const char *const pages[] = {"rsmd.8", "rsm.1", "vtld.8", "vtlctl.1"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "dist/man/%s", pages[i]);
        CU_ASSERT_EQUAL_FATAL(access(path, R_OK), 0);
        static char out[OUT_CAP];
        char *argv[] = {"groff", "-man", "-ww", "-z", path, NULL};
        int rc = test_run_capture(argv, out, sizeof out);
        if (rc != 0 || out[0])
            printf("\n  %s: groff exit %d:\n%s", pages[i], rc, out);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_STRING_EQUAL(out, "");
    }
}

/* A page with a bad macro is caught: the check above is not vacuous. */
static void test_groff_check_catches_a_bad_page(void)
{
    if (!have("groff")) {
        printf("\n  skipped: groff is not installed (Debian package groff-base)");
        return;
    }
    char dir[256], path[300];
    test_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.1", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(".TH BAD 1\n.SH NAME\nbad \\- a page\n.XYZZY\n\\fQ\n", f);
    fclose(f);
    static char out[OUT_CAP];
    char *argv[] = {"groff", "-man", "-ww", "-z", path, NULL};
    (void)test_run_capture(argv, out, sizeof out);
    CU_ASSERT_STRING_NOT_EQUAL(out, "");
    test_rmtree(dir);
}

/* ---- systemd units ---- */

/* Copies dist/systemd/@unit to @dir/@as with "/usr/sbin/PROG" replaced by the absolute
 * path of $B/bin/PROG; @path gets the copy's path. 0 on success. */
static int stage_unit(const char *unit, const char *prog, const char *dir, const char *as,
                      char *path, size_t cap)
{
    char src[128], bin[600], from[64];
    snprintf(src, sizeof src, "dist/systemd/%s", unit);
    char *text = slurp(src);
    if (!text)
        return -1;
    char rel[600];
    snprintf(rel, sizeof rel, "%s/%s", test_bindir(), prog);
    if (!realpath(rel, bin)) {
        free(text);
        return -1;
    }
    snprintf(from, sizeof from, "/usr/sbin/%s", prog);
    snprintf(path, cap, "%s/%s", dir, as);
    FILE *f = fopen(path, "w");
    if (!f) {
        free(text);
        return -1;
    }
    for (char *p = text, *hit; *p; p = hit + strlen(from)) {
        hit = strstr(p, from);
        if (!hit) {
            fputs(p, f);
            break;
        }
        fwrite(p, 1, (size_t)(hit - p), f);
        fputs(bin, f);
    }
    fclose(f);
    free(text);
    return 0;
}

static void verify_unit(const char *unit, const char *prog, const char *as)
{
    if (!have("systemd-analyze")) {
        printf("\n  skipped: systemd-analyze is not installed (Debian package systemd)");
        return;
    }
    char dir[256], path[600];
    test_mkdtemp(dir, sizeof dir);
    CU_ASSERT_EQUAL_FATAL(stage_unit(unit, prog, dir, as, path, sizeof path), 0);
    static char out[OUT_CAP];
    char *argv[] = {"systemd-analyze", "verify", "--man=no", path, NULL};
    int rc = test_run_capture(argv, out, sizeof out);
    if (rc != 0 || out[0])
        printf("\n  %s: systemd-analyze verify exit %d:\n%s", unit, rc, out);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(out, ""); /* unknown keys and bad values only warn */
    test_rmtree(dir);
}

/* The ExecStart= line of @text (borrowed into @line), or false. */
static bool exec_start(const char *text, char *line, size_t cap)
{
    const char *p = strstr(text, "\nExecStart=");
    if (!p)
        return false;
    p += strlen("\nExecStart=");
    size_t n = strcspn(p, "\n");
    if (n >= cap)
        n = cap - 1;
    memcpy(line, p, n);
    line[n] = '\0';
    return true;
}

static void check_exec_options(const char *opt, void *arg)
{
    struct doc_check *d = arg;
    d->n_checked++;
    if (!has_option(d->page_text, opt)) {
        printf("\n  %s: ExecStart passes %s, which --help does not list", d->page, opt);
        CU_FAIL("a unit passes an option the program does not have");
    }
}

static void check_unit_against_help(const char *unit, const char *prog, unsigned min_opts)
{
    char src[128], line[1024];
    static char help[OUT_CAP];
    snprintf(src, sizeof src, "dist/systemd/%s", unit);
    char *text = slurp(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_TRUE_FATAL(exec_start(text, line, sizeof line));
    CU_ASSERT_EQUAL(run_prog(prog, "--help", NULL, help), 0);
    struct doc_check d = {.page_text = help, .page = unit, .source = "ExecStart"};
    each_option(line, check_exec_options, &d);
    CU_ASSERT_TRUE(d.n_checked >= min_opts);
    free(text);
}

static void test_rsmd_service_verifies(void)
{
    verify_unit("rsmd.service", "rsmd", "rsmd.service");
}

static void test_vtld_service_verifies(void)
{
    verify_unit("vtld@.service", "vtld", "vtld@lab.service");
}

/* The units pass only options the programs have, and rsmd's socket is where librsm and
 * rsm look by default (rsmd --help names the default). */
static void test_units_match_programs(void)
{
    check_unit_against_help("rsmd.service", "rsmd", 2);
    check_unit_against_help("vtld@.service", "vtld", 4);
    char *text = slurp("dist/systemd/rsmd.service");
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    static char help[OUT_CAP];
    CU_ASSERT_EQUAL(run_prog("rsmd", "--help", NULL, help), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(help, "/run/rsm/rsmd.sock"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "--socket /run/rsm/rsmd.sock"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nRuntimeDirectory=rsm\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nProtectSystem=strict\n"));
    CU_ASSERT_PTR_NULL(strstr(text, "ListenStream")); /* rsmd binds its own socket */
    free(text);
    text = slurp("dist/systemd/vtld@.service");
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "--state-dir /var/lib/vtl/%i"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nStateDirectory=vtl/%i\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nProtectSystem=strict\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nDynamicUser=yes\n"));
    free(text);
    /* No socket unit is shipped: it would hand rsmd a socket it cannot take. */
    CU_ASSERT_NOT_EQUAL(access("dist/systemd/rsmd.socket", F_OK), 0);
}

static CU_TestInfo man_tests[] = {
    {"pages_render_without_warnings", test_pages_render_without_warnings},
    {"groff_check_catches_a_bad_page", test_groff_check_catches_a_bad_page},
    {"rsmd_options_documented", test_rsmd_options_documented},
    {"rsm_options_documented", test_rsm_options_documented},
    {"vtld_options_documented", test_vtld_options_documented},
    {"vtlctl_options_documented", test_vtlctl_options_documented},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo unit_tests[] = {
    {"rsmd_service_verifies", test_rsmd_service_verifies},
    {"vtld_service_verifies", test_vtld_service_verifies},
    {"units_match_programs", test_units_match_programs},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo dist_suites[] = {
    {"dist_man", NULL, NULL, NULL, NULL, man_tests},
    {"dist_systemd", NULL, NULL, NULL, NULL, unit_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {dist_suites, NULL};
    return cutest_main(argc, argv, tables);
}
