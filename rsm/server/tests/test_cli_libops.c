/* SPDX-License-Identifier: MIT
 * The rsm CLI's library operations (rsm/cli/libops.c: inject, eject, clean, refresh,
 * requests) against a vtld this suite starts, embedded (--db: the engine in the CLI's
 * process) and through rsmd (--socket); and rsmd's crash safety: kill -9 in the middle of
 * a mount storm, restart, and the database must match the changer with every library
 * request in a final state.
 *
 * vtld keeps the library's state across rsm processes and rsmd restarts (an in-process
 * sim: library would start afresh in each CLI run), so what a command did is checked on
 * the changer itself with `vtlctl --json status`.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/api/session.h"
#include "rsm/engine/internal.h"
#include "rsm/server/tests/daemon.h"
#include "tests/lib/cutest.h"
#include "tests/lib/daemon.h"

#define IQN      "iqn.2026-11.org.openrsm:default"
#define LIB_NAME "IBM 3555L3A 00L4U78A0001" /* the default library: vendor product serial */
/* Output buffers: a storm leaves thousands of library requests to list. */
#define OUT_CAP (8u << 20)

/* A failed check ends the test at its cleanup label: a fatal assertion would skip it and
 * leave vtld running. */
#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            CU_FAIL(#cond);                                                                      \
            goto out;                                                                            \
        }                                                                                        \
    } while (0)

/* Runs `rsm ARGS` (a shell fragment); stdout (and stderr with @with_err) into @out.
 * Returns the exit status. */
__attribute__((format(printf, 4, 0))) static int vrun(int with_err, char *out, size_t cap,
                                                     const char *fmt, va_list ap)
{
    char args[2048], cmd[2600];
    vsnprintf(args, sizeof args, fmt, ap);
    /* A command that waits for ever (a mount nobody can serve) fails the test (exit 124)
     * instead of hanging the suite. */
    snprintf(cmd, sizeof cmd, "timeout 60 %s %s %s", test_rsm_cli(), args,
             with_err ? "2>&1" : "2>/dev/null");
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

__attribute__((format(printf, 3, 4))) static int cli(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vrun(0, out, cap, fmt, ap);
    va_end(ap);
    return rc;
}

__attribute__((format(printf, 3, 4))) static int cli2(char *out, size_t cap, const char *fmt,
                                                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vrun(1, out, cap, fmt, ap);
    va_end(ap);
    return rc;
}

/* "{XXXXXXXX-...}" as the CLI prints GUIDs, and back. */
static void guid_fmt(const GUID *g, char out[40])
{
    snprintf(out, 40, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", g->Data1, g->Data2,
             g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4],
             g->Data4[5], g->Data4[6], g->Data4[7]);
}

static int guid_parse(const char *s, GUID *out)
{
    unsigned a, b, c, d[8];
    if (sscanf(s, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}", &a, &b, &c, &d[0], &d[1], &d[2],
               &d[3], &d[4], &d[5], &d[6], &d[7]) != 11)
        return -1;
    out->Data1 = a;
    out->Data2 = (unsigned short)b;
    out->Data3 = (unsigned short)c;
    for (int i = 0; i < 8; i++)
        out->Data4[i] = (unsigned char)d[i];
    return 0;
}

/* ---- the changer as vtld sees it -------------------------------------------------------- */

/* Where vtld holds @barcode: element type ("slot", "drive", "mailslot") and 1-based
 * number within its type (as RSM numbers slots, drives and ports). 0 if nowhere. */
static int vtl_where(const struct test_vtld *v, const char *barcode, char *type, size_t tcap)
{
    static char out[OUT_CAP];
    if (test_vtlctl(v, out, sizeof out, "--json", "status", NULL) != 0)
        return 0;
    json_t *j = json_loads(out, 0, NULL);
    json_t *els = json_object_get(json_array_get(json_object_get(j, "libraries"), 0), "elements");
    size_t i;
    json_t *e;
    int found = 0;
    json_array_foreach(els, i, e)
    {
        const char *b = json_string_value(json_object_get(e, "barcode"));
        if (json_is_true(json_object_get(e, "full")) && b && !strcmp(b, barcode)) {
            snprintf(type, tcap, "%s", json_string_value(json_object_get(e, "type")));
            found = (int)json_integer_value(json_object_get(e, "index")) + 1;
        }
    }
    json_decref(j);
    return found;
}

/* RSM's name for element @number of vtld type @type ("Slot3", "Drive1", "Port2"). */
static void rsm_place(const char *type, int number, char *out, size_t cap)
{
    const char *prefix = !strcmp(type, "slot") ? "Slot"
                         : !strcmp(type, "drive") ? "Drive"
                         : !strcmp(type, "mailslot") ? "Port"
                                                     : "?";
    snprintf(out, cap, "%s%d", prefix, number);
}

/* The row of `rsm --json view media` (or requests) whose @key is @value; NULL if none.
 * Borrowed from @rows. */
static json_t *row_with(json_t *rows, const char *key, const char *value)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *v = json_string_value(json_object_get(r, key));
        if (v && !strcmp(v, value))
            return r;
    }
    return NULL;
}

static const char *jstr(json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));
    return s ? s : "";
}

/* `rsm --json WHAT` parsed (NULL if it failed). */
__attribute__((format(printf, 2, 3))) static json_t *cli_json(char *buf, const char *fmt, ...)
{
    char args[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    if (cli(buf, OUT_CAP, "%s", args) != 0) {
        cli2(buf, OUT_CAP, "%s", args); /* say why */
        printf("\n  rsm %s: %.300s", args, buf);
        return NULL;
    }
    json_t *j = json_loads(buf, 0, NULL);
    if (!j)
        printf("\n  rsm %s: not JSON: %.300s", args, buf);
    return j;
}

/* ---- usage: checked before anything is touched ------------------------------------------ */

static void test_usage_errors_change_nothing(void)
{
    char dir[256], db[300];
    test_mkdtemp(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/db", dir);
    static char out[8192];
    static const char *const bad[] = {
        "inject",                           /* which library */
        "inject LIB --queue",               /* no queued inject */
        "inject LIB /aqueue",
        "inject LIB --stop notaguid",       /* stop needs the operation GUID */
        "inject LIB --slot 3",              /* --slot is for --cleaner */
        "inject LIB --cleaner --slot x",
        "inject LIB --cleaner --startmany", /* InjectNtmsCleaner: start/stop only */
        "inject LIB --now --start",
        "inject LIB /afrobnicate",
        "eject",                            /* which medium */
        "eject --queue",
        "eject A00001L8 --stop",            /* stop without the GUID */
        "eject --stop notaguid",
        "eject A00001L8 --start --queue",   /* two actions */
        "eject /sfSlot3",                   /* a slot without its library */
        "eject /lfLIB",
        "eject A00001L8 /o{00000000-0000-0000-0000-000000000001}", /* GUID only with stop */
        "clean",
        "clean Drive1 Drive2",
        "refresh",
        "refresh LIB /pfA00001L8",          /* one object */
        "requests frobnicate",
        "requests cancel",
        "requests cancel notaguid",
        "requests order {00000000-0000-0000-0000-000000000001} 0",
        "requests list extra",
        "requests delete",
        "requests --bogus",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = cli(out, sizeof out, "--db %s %s", db, bad[i]);
        if (rc != 2)
            printf("\n  rsm %s: exit %d, expected 2", bad[i], rc);
        CU_ASSERT_EQUAL(rc, 2);
    }
    /* Nothing was opened: the database directory was never created. */
    struct stat st;
    CU_ASSERT_EQUAL(stat(db, &st), -1);
    static const char *const cmds[] = {"inject", "eject", "clean", "refresh", "requests"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "usage: rsm %s", cmds[i]);
        CU_ASSERT_EQUAL(cli(out, sizeof out, "%s --help", cmds[i]), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
        CU_ASSERT_EQUAL(cli(out, sizeof out, "%s /?", cmds[i]), 0);
    }
    /* The main help lists them and no longer calls them unimplemented. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--help"), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  eject MEDIUM"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  requests [list]"));
    test_rmtree(dir);
}

/* ---- eject, inject, cleaning, requests on a vtld ---------------------------------------- */

struct story {
    struct test_vtld v;
    char dir[256], db[300], sock[300];
    char target[320]; /* "--db DIR" or "--socket SOCK" */
    pid_t rsmd;
};

static int story_start(struct story *s, int through_rsmd)
{
    memset(s, 0, sizeof *s);
    test_mkdtemp(s->dir, sizeof s->dir);
    snprintf(s->db, sizeof s->db, "%s/db", s->dir);
    snprintf(s->sock, sizeof s->sock, "%s/rsmd.sock", s->dir);
    if (test_vtld_start(&s->v, s->dir, NULL) != 0)
        return -1;
    if (through_rsmd) {
        s->rsmd = test_rsmd_start(s->db, s->sock, NULL);
        if (s->rsmd <= 0)
            return -1;
        snprintf(s->target, sizeof s->target, "--socket %s", s->sock);
    } else {
        snprintf(s->target, sizeof s->target, "--db %s", s->db);
    }
    static char out[4096];
    return cli(out, sizeof out, "%s library add iscsi://127.0.0.1:%u/" IQN "/0", s->target,
               s->v.port);
}

static void story_stop(struct story *s)
{
    if (s->rsmd > 0)
        CU_ASSERT_EQUAL(test_rsmd_stop(s->rsmd, SIGTERM), 0);
    test_vtld_stop(&s->v, SIGTERM);
    test_rmtree(s->dir);
}

static void libops_story(int through_rsmd)
{
    struct story s;
    CHECK((story_start(&s, through_rsmd)) == 0);
    const char *t = s.target;
    static char out[OUT_CAP], err[4096];
    char type[32], op[64];

    /* Eject: the cartridge goes to a mail slot and the operation GUID is printed. */
    CU_ASSERT_EQUAL(cli2(err, sizeof err, "%s eject A00005L8", t), 0);
    CU_ASSERT_EQUAL(strlen(err), 39);
    snprintf(op, sizeof op, "%.38s", err);
    CU_ASSERT_EQUAL(vtl_where(&s.v, "A00005L8", type, sizeof type), 1);
    CU_ASSERT_STRING_EQUAL(type, "mailslot");
    json_t *j = cli_json(out, "%s --json requests", t);
    CHECK(json_is_array(j));
    json_t *r = row_with(j, "guid", op);
    CU_ASSERT_PTR_NOT_NULL(r);
    CU_ASSERT_STRING_EQUAL(jstr(r, "operation"), "eject");
    CU_ASSERT_STRING_EQUAL(jstr(r, "medium"), "A00005L8");
    json_decref(j);
    if (through_rsmd) {
        /* The service keeps the operation: stop takes the cartridge back home. */
        CU_ASSERT_EQUAL(cli(out, sizeof out, "%s eject --stop %s", t, op), 0);
        CU_ASSERT_EQUAL(vtl_where(&s.v, "A00005L8", type, sizeof type), 6);
        CU_ASSERT_STRING_EQUAL(type, "slot");
    } else {
        /* Embedded, the operation ended with the process that started it. */
        CU_ASSERT_EQUAL(cli(out, sizeof out, "%s eject --stop %s", t, op), 1);
        /* The operator takes the cartridge; a refresh sends it to the offline library. */
        CU_ASSERT_EQUAL(test_vtlctl(&s.v, out, sizeof out, "remove", "A00005L8", NULL), 0);
        CU_ASSERT_EQUAL(cli(out, sizeof out, "%s refresh '/lf%s'", t, LIB_NAME), 0);
        j = cli_json(out, "%s --json view media", t);
        r = row_with(j, "barcode", "A00005L8");
        CU_ASSERT_STRING_EQUAL(jstr(r, "library"), "Offline Media");
        json_decref(j);
    }
    /* rsm.exe's spelling: a slot and its library; the medium in slot 7 is A00006L8. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s eject /sf7 '/lf%s' /astart /b", t, LIB_NAME), 0);
    CU_ASSERT_EQUAL(vtl_where(&s.v, "A00006L8", type, sizeof type) > 0, 1);
    CU_ASSERT_STRING_EQUAL(type, "mailslot");
    CU_ASSERT_EQUAL(test_vtlctl(&s.v, out, sizeof out, "remove", "A00006L8", NULL), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s refresh '%s'", t, LIB_NAME), 0);
    j = cli_json(out, "%s --json view media", t);
    CU_ASSERT_STRING_EQUAL(jstr(row_with(j, "barcode", "A00006L8"), "library"), "Offline Media");
    json_decref(j);
    /* An unknown medium: exit 1, nothing moves. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s eject NOPE00L8", t), 1);
    /* refresh of a medium or a media type polls the stand-alone drives that could hold it:
     * this library has none, so nothing changes; an unknown medium is an error. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s refresh /pfA00001L8", t), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s refresh '/tfLTO Ultrium'", t), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s refresh /pfNOPE00L8", t), 1);
    j = cli_json(out, "%s --json view media", t);
    CU_ASSERT_STRING_EQUAL(jstr(row_with(j, "barcode", "A00001L8"), "location"), "Slot2");
    json_decref(j);

    /* Cleaning without a cleaner: refused, and an operator request asks for one. */
    CU_ASSERT_EQUAL(cli2(err, sizeof err, "%s clean Drive1", t), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "ERROR_CLEANER_CARTRIDGE_SPENT"));
    j = cli_json(out, "%s --json opreq list", t);
    CU_ASSERT_PTR_NOT_NULL(row_with(j, "request", "cleaner"));
    json_decref(j);
    /* The operator puts a cleaner in a mail slot; RSM takes it into slot 24, reserved. */
    CU_ASSERT_EQUAL(test_vtlctl(&s.v, out, sizeof out, "inject", "CLN001L1", "--cleaner"), 0);
    CU_ASSERT_EQUAL(cli2(err, sizeof err, "%s inject '%s' --cleaner --slot 24 --uses 5 --now",
                         t, LIB_NAME),
                    0);
    CU_ASSERT_EQUAL(vtl_where(&s.v, "CLN001L1", type, sizeof type), 24);
    CU_ASSERT_STRING_EQUAL(type, "slot");
    /* A dirty drive is cleaned, and the cleaner goes back to its slot. */
    CU_ASSERT_EQUAL(test_vtlctl(&s.v, out, sizeof out, "dirty", "0", NULL), 0);
    CU_ASSERT_EQUAL(cli2(err, sizeof err, "%s clean Drive1", t), 0);
    CU_ASSERT_EQUAL(vtl_where(&s.v, "CLN001L1", type, sizeof type), 24);
    /* Two cleaning requests: the refused one failed with its error, this one passed. */
    j = cli_json(out, "%s --json requests", t);
    int n_failed = 0, n_passed = 0;
    size_t k;
    json_array_foreach(j, k, r)
    {
        if (strcmp(jstr(r, "operation"), "clean drive"))
            continue;
        n_passed += !strcmp(jstr(r, "state"), "passed");
        n_failed += !strcmp(jstr(r, "state"), "failed") &&
                    !strcmp(jstr(r, "error"), "ERROR_CLEANER_CARTRIDGE_SPENT");
    }
    CU_ASSERT_EQUAL(n_passed, 1);
    CU_ASSERT_EQUAL(n_failed, 1);
    json_decref(j);

    /* Inject: a new cartridge in a mail slot is carried to a free slot and registered. */
    CU_ASSERT_EQUAL(test_vtlctl(&s.v, out, sizeof out, "inject", "NEW001L8", NULL), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s inject '/lf%s' --now", t, LIB_NAME), 0);
    snprintf(op, sizeof op, "%.38s", out);
    int slot = vtl_where(&s.v, "NEW001L8", type, sizeof type);
    CU_ASSERT_STRING_EQUAL(type, "slot");
    CU_ASSERT(slot > 0 && slot != 24); /* never the cleaner slot */
    j = cli_json(out, "%s --json view media", t);
    char place[32];
    rsm_place(type, slot, place, sizeof place);
    CU_ASSERT_STRING_EQUAL(jstr(row_with(j, "barcode", "NEW001L8"), "location"), place);
    json_decref(j);
    j = cli_json(out, "%s --json requests", t);
    r = row_with(j, "guid", op);
    CU_ASSERT_STRING_EQUAL(jstr(r, "operation"), "inject");
    CU_ASSERT_STRING_EQUAL(jstr(r, "state"), "passed");
    CU_ASSERT(json_is_null(json_object_get(r, "error")));
    json_decref(j);
    /* requests: a finished request has no queue position; delete removes it. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests order %s", t, op), 0);
    CU_ASSERT_STRING_EQUAL(out, "0\n");
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests delete %s", t, op), 0);
    j = cli_json(out, "%s --json requests", t);
    CU_ASSERT_PTR_NULL(row_with(j, "guid", op));
    json_decref(j);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests", t), 0);
    CU_ASSERT(!strncmp(out, "GUID ", 5));
out:
    story_stop(&s);
}

static void test_embedded_eject_inject_clean(void)
{
    libops_story(0);
}

static void test_rsmd_eject_inject_clean(void)
{
    libops_story(1);
}

/* ---- the request queue through rsmd: order, cancel, delete ------------------------------ */

/* Frees @n cartridges A00000L8.. into pool Q (scratch policy) and allocates an LMID from
 * each: @lmids[n] get "{GUID}". */
static int make_lmids(const char *t, int n, char lmids[][40])
{
    static char out[8192];
    char list[512] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), " A%05dL8", i);
    if (cli(out, sizeof out, "%s movetopool 'Free\\LTO Ultrium'%s", t, list) != 0)
        return -1;
    /* Each one gets its free-media label written by a WRITESCRATCH request of its own (a
     * mount): Available once that has run. */
    int ready = 0;
    for (int tries = 0; tries < 400 && ready < n; tries++) {
        static char buf[OUT_CAP];
        json_t *j = cli_json(buf, "%s --json view media", t);
        ready = 0;
        for (int i = 0; i < n; i++) {
            char bc[16];
            snprintf(bc, sizeof bc, "A%05dL8", i);
            ready += !strcmp(jstr(row_with(j, "barcode", bc), "side_state"), "available");
        }
        json_decref(j);
        if (ready < n)
            test_msleep(25);
    }
    if (ready != n || cli(out, sizeof out, "%s createpool Q --type 'LTO Ultrium' --scratch", t))
        return -1;
    for (int i = 0; i < n; i++) {
        if (cli(out, sizeof out, "%s allocate Q /oerrunavail", t) != 0)
            return -1;
        snprintf(lmids[i], 40, "%.38s", out);
    }
    return 0;
}

static void test_rsmd_requests_queue(void)
{
    char dir[256], db[300], sock[300], target[320], server[320];
    test_mkdtemp(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(sock, sizeof sock, "%s/rsmd.sock", dir);
    snprintf(target, sizeof target, "--socket %s", sock);
    snprintf(server, sizeof server, "unix:%s", sock);
    pid_t rsmd = test_rsmd_start(db, sock, NULL);
    CU_ASSERT_FATAL(rsmd > 0);
    HANDLE h = INVALID_HANDLE_VALUE;
    static char out[OUT_CAP];
    /* The simulator inside rsmd: 2 drives. */
    CHECK((cli(out, sizeof out, "%s library add sim:", target)) == 0);
    char lm[4][40];
    CHECK((make_lmids(target, 4, lm)) == 0);
    /* Both drives taken, so the next mounts queue. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s mount %s", target, lm[0]), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s mount %s", target, lm[1]), 0);
    h = OpenNtmsSessionA(server, "queue", 0);
    CHECK(h != INVALID_HANDLE_VALUE);
    GUID m2, m3, drive, q2, q3;
    CU_ASSERT_EQUAL(guid_parse(lm[2], &m2), 0);
    CU_ASSERT_EQUAL(guid_parse(lm[3], &m3), 0);
    memset(&drive, 0, sizeof drive);
    CU_ASSERT_EQUAL_FATAL(rsm_mount_queued(h, &m2, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT,
                                           0, INFINITE, &q2),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(rsm_mount_queued(h, &m3, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT,
                                           0, INFINITE, &q3),
                          ERROR_SUCCESS);
    char s2[40], s3[40];
    guid_fmt(&q2, s2);
    guid_fmt(&q3, s3);
    /* The table and the JSON show both queued, in arrival order. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests", target), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "queued"));
    json_t *j = cli_json(out, "%s --json requests --library '%s'", target, LIB_NAME);
    CHECK(json_is_array(j));
    json_t *r2 = row_with(j, "guid", s2), *r3 = row_with(j, "guid", s3);
    CU_ASSERT_STRING_EQUAL(jstr(r2, "state"), "queued");
    CU_ASSERT_STRING_EQUAL(jstr(r2, "operation"), "mount");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r2, "order")), 1);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r3, "order")), 2);
    json_decref(j);
    /* order: read, then move the second to the head. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests order %s", target, s3), 0);
    CU_ASSERT_STRING_EQUAL(out, "2\n");
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests order %s 1", target, s3), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s --json requests order %s", target, s3), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"order\": 1"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests order %s", target, s2), 0);
    CU_ASSERT_STRING_EQUAL(out, "2\n");
    /* A queued request cannot be deleted; cancelled, it can. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests delete %s", target, s2), 1);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests cancel %s", target, s2), 0);
    j = cli_json(out, "%s --json requests", target);
    json_t *r = row_with(j, "guid", s2);
    CU_ASSERT_STRING_EQUAL(jstr(r, "state"), "cancelled");
    CU_ASSERT_STRING_EQUAL(jstr(r, "error"), "ERROR_CANCELLED");
    json_decref(j);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests cancel %s", target, s2), 1); /* finished */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s requests delete %s", target, s2), 0);
    j = cli_json(out, "%s --json requests", target);
    CU_ASSERT_PTR_NULL(row_with(j, "guid", s2));
    json_decref(j);
    /* A drive frees: the remaining queued mount runs. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s dismount %s", target, lm[0]), 0);
    int passed = 0;
    for (int i = 0; i < 200 && !passed; i++) {
        j = cli_json(out, "%s --json requests", target);
        passed = !strcmp(jstr(row_with(j, "guid", s3), "state"), "passed");
        json_decref(j);
        if (!passed)
            test_msleep(25);
    }
    CU_ASSERT(passed);
out:
    if (h != INVALID_HANDLE_VALUE)
        CloseNtmsSession(h);
    CU_ASSERT_EQUAL(test_rsmd_stop(rsmd, SIGTERM), 0);
    test_rmtree(dir);
}

/* ---- kill -9 in a mount storm ----------------------------------------------------------- */

/* Library requests of @db not in a final state (read straight from the file: no engine is
 * opened, so nothing is changed). -1 on error. */
static int unfinished_requests(const char *db)
{
    char path[400];
    snprintf(path, sizeof path, "%s/rsm.db", db);
    sqlite3 *s;
    int n = -1;
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s, "SELECT count(*) FROM libreq WHERE state IN (0,1,5,6)", -1, &st,
                               NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                n = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
        }
    }
    sqlite3_close(s);
    return n;
}

#define STORM_CLIENTS 4
#define STORM_MEDIA   8

static void test_kill9_during_mount_storm(void)
{
    struct story s;
    CHECK((story_start(&s, 1)) == 0);
    const char *t = s.target;
    static char out[OUT_CAP];
    char lm[STORM_MEDIA + 1][40];
    CHECK(make_lmids(t, STORM_MEDIA + 1, lm) == 0);
    /* One drive stays taken through the storm, so the clients queue for the other. */
    CHECK((cli(out, sizeof out, "%s mount %s", t, lm[STORM_MEDIA])) == 0);
    char server[320];
    snprintf(server, sizeof server, "unix:%s", s.sock);
    pid_t kids[STORM_CLIENTS];
    for (int k = 0; k < STORM_CLIENTS; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            alarm(60); /* a client that hangs instead of seeing the daemon die fails */
            HANDLE h = OpenNtmsSessionA(server, "storm", 0);
            if (h == INVALID_HANDLE_VALUE)
                _exit(1);
            GUID mine[2];
            for (int m = 0; m < 2; m++)
                if (guid_parse(lm[k * 2 + m], &mine[m]))
                    _exit(1);
            for (unsigned i = 0;; i++) { /* until the daemon dies under us */
                GUID drive;
                memset(&drive, 0, sizeof drive);
                DWORD err = MountNtmsMedia(h, &mine[i % 2], &drive, 1, NTMS_MOUNT_READ, 0,
                                           10000, NULL);
                if (err == ERROR_NOT_CONNECTED)
                    _exit(0);
                if (err == ERROR_SUCCESS &&
                    DismountNtmsMedia(h, &mine[i % 2], 1, 0) == ERROR_NOT_CONNECTED)
                    _exit(0);
            }
        }
    }
    test_msleep(1500);
    int passed_before = 0;
    {
        HANDLE h = OpenNtmsSessionA(server, "watch", 0);
        CHECK(h != INVALID_HANDLE_VALUE);
        DWORD n = 0;
        EnumerateNtmsObject(h, NULL, NULL, &n, NTMS_LIBREQUEST, 0);
        passed_before = (int)n;
        CloseNtmsSession(h);
    }
    CU_ASSERT(passed_before > STORM_CLIENTS); /* the storm was running */
    int st = test_rsmd_stop(s.rsmd, SIGKILL);
    s.rsmd = 0;
    CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    for (int k = 0; k < STORM_CLIENTS; k++) {
        int kst = -1;
        waitpid(kids[k], &kst, 0);
        CU_ASSERT(WIFEXITED(kst) && WEXITSTATUS(kst) == 0); /* each saw NOT_CONNECTED */
    }
    /* The dead daemon left requests queued or in progress (clients were waiting). */
    int left = unfinished_requests(s.db);
    CU_ASSERT(left > 0);

    /* Restart: the requests get a final state, the start-up inventory reconciles. */
    s.rsmd = test_rsmd_start(s.db, s.sock, NULL);
    CHECK(s.rsmd > 0);
    json_t *j = cli_json(out, "%s --json requests", t);
    CHECK(json_is_array(j));
    size_t i;
    json_t *r;
    int cancelled = 0;
    json_array_foreach(j, i, r)
    {
        const char *state = jstr(r, "state");
        int final = !strcmp(state, "passed") || !strcmp(state, "failed") ||
                    !strcmp(state, "cancelled");
        if (!final)
            printf("\n  request %s: %s after the restart", jstr(r, "guid"), state);
        CU_ASSERT(final);
        if (strcmp(state, "passed")) /* failed or cancelled: it says why */
            CU_ASSERT(json_integer_value(json_object_get(r, "error_code")) != 0);
        cancelled += !strcmp(state, "cancelled") &&
                     !strcmp(jstr(r, "error"), "ERROR_CANCELLED");
    }
    CU_ASSERT(cancelled >= left);
    json_decref(j);
    CU_ASSERT_EQUAL(unfinished_requests(s.db), 0);

    /* The database matches the changer: every cartridge vtld holds is where RSM says, in
     * the library, and none is lost to the offline library. */
    j = cli_json(out, "%s --json view media", t);
    CHECK(json_is_array(j));
    int in_lib = 0;
    json_array_foreach(j, i, r)
    {
        const char *bc = jstr(r, "barcode");
        char type[32] = "", place[32];
        int num = vtl_where(&s.v, bc, type, sizeof type);
        CU_ASSERT(num > 0);
        rsm_place(type, num, place, sizeof place);
        if (strcmp(jstr(r, "location"), place))
            printf("\n  %s: RSM says %s, the changer %s", bc, jstr(r, "location"), place);
        CU_ASSERT_STRING_EQUAL(jstr(r, "location"), place);
        CU_ASSERT_STRING_EQUAL(jstr(r, "library"), LIB_NAME);
        /* No session holds a mount after a restart: the drives were emptied. */
        CU_ASSERT_STRING_EQUAL(type, "slot");
        in_lib++;
    }
    CU_ASSERT_EQUAL(in_lib, 21); /* 20 data cartridges and the cleaner */
    json_decref(j);

    /* New mounts work: every storm medium mounts and dismounts; the one held through the
     * storm is no longer mounted. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s dismount %s", t, lm[STORM_MEDIA]), 1);
    for (int m = 0; m < STORM_MEDIA; m++) {
        int rc = cli(out, sizeof out, "%s mount %s", t, lm[m]);
        if (rc != 0)
            printf("\n  mount %s after the restart: exit %d", lm[m], rc);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_EQUAL(cli(out, sizeof out, "%s dismount %s", t, lm[m]), 0);
    }
    CU_ASSERT_EQUAL(test_rsmd_stop(s.rsmd, SIGTERM), 0);
    s.rsmd = 0;
    /* The database's invariants hold (pools, sides, LMIDs, integrity). */
    char emb[320];
    snprintf(emb, sizeof emb, "embedded:%s", s.db);
    HANDLE h = OpenNtmsSessionA(emb, "check", 0);
    CHECK(h != INVALID_HANDLE_VALUE);
    char why[256] = "";
    rsm_rc rc = rsm_engine_check(rsm_session_engine(h), why, sizeof why);
    if (rc != RSM_OK)
        printf("\n  invariant broken: %s", why);
    CU_ASSERT_EQUAL(rc, RSM_OK);
    CloseNtmsSession(h);
out:
    story_stop(&s);
}

/* The start-up recovery ends a crashed run's requests only when rsmd is the database's
 * sole user: a request another process has open is not cancelled under it. An embedded
 * `rsm eject` leaves its request in progress when the process ends (the operation lives in
 * the process), which stands for the leftover of a crash. */
static void test_restart_ends_leftover_requests_when_alone(void)
{
    char dir[256], db[300], sock[300], emb[320];
    test_mkdtemp(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(sock, sizeof sock, "%s/rsmd.sock", dir);
    snprintf(emb, sizeof emb, "embedded:%s", db);
    static char out[OUT_CAP];
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--db %s library add sim:", db), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--db %s eject A00003L8", db), 0);
    char op[40];
    snprintf(op, sizeof op, "%.38s", out);
    CU_ASSERT_EQUAL(unfinished_requests(db), 1);
    /* Another process (this one) has the database open: rsmd leaves the request alone. */
    HANDLE h = OpenNtmsSessionA(emb, "holder", 0);
    CU_ASSERT(h != INVALID_HANDLE_VALUE);
    pid_t rsmd = test_rsmd_start(db, sock, NULL);
    CU_ASSERT(rsmd > 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s view libraries", sock), 0); /* started */
    CU_ASSERT_EQUAL(unfinished_requests(db), 1);
    CU_ASSERT_EQUAL(test_rsmd_stop(rsmd, SIGTERM), 0);
    if (h != INVALID_HANDLE_VALUE)
        CloseNtmsSession(h);
    /* Alone, it ends it: CANCELLED with ERROR_CANCELLED, as a restarted Windows RSM does. */
    rsmd = test_rsmd_start(db, sock, NULL);
    CU_ASSERT(rsmd > 0);
    json_t *j = cli_json(out, "--socket %s --json requests", sock);
    json_t *r = row_with(j, "guid", op);
    CU_ASSERT_STRING_EQUAL(jstr(r, "operation"), "eject");
    CU_ASSERT_STRING_EQUAL(jstr(r, "state"), "cancelled");
    CU_ASSERT_STRING_EQUAL(jstr(r, "error"), "ERROR_CANCELLED");
    CU_ASSERT(!json_is_null(json_object_get(r, "completed")));
    json_decref(j);
    CU_ASSERT_EQUAL(unfinished_requests(db), 0);
    /* The start-up inventory put the cartridge back where the (fresh) changer has it. */
    j = cli_json(out, "--socket %s --json view media", sock);
    CU_ASSERT_STRING_EQUAL(jstr(row_with(j, "barcode", "A00003L8"), "location"), "Slot4");
    json_decref(j);
    CU_ASSERT_EQUAL(test_rsmd_stop(rsmd, SIGTERM), 0);
    test_rmtree(dir);
}

static CU_TestInfo cli_libops_tests[] = {
    {"usage_errors_change_nothing", test_usage_errors_change_nothing},
    {"embedded_eject_inject_clean", test_embedded_eject_inject_clean},
    {"rsmd_eject_inject_clean", test_rsmd_eject_inject_clean},
    {"rsmd_requests_queue", test_rsmd_requests_queue},
    {"restart_ends_leftover_requests_when_alone", test_restart_ends_leftover_requests_when_alone},
    {"kill9_during_mount_storm", test_kill9_during_mount_storm},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo cli_libops_suites[] = {
    {"rsm_cli_libops", NULL, NULL, NULL, NULL, cli_libops_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {cli_libops_suites, NULL};
    return cutest_main(argc, argv, tables);
}
