/* SPDX-License-Identifier: MIT
 * Notifications and operator requests as rsmd serves them: the notify_* and opreq_* ops
 * on the wire (PROTOCOL.md), a dead or slow watcher next to busy sessions, a watcher's
 * queue overflowing on the daemon, and the `rsm watch` / `rsm opreq` commands.
 */
#include <jansson.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ntmsapi.h>

#include "rsm/api/session.h"
#include "rsm/engine/devreg.h"
#include "rsm/engine/internal.h"
#include "rsm/server/tests/daemon.h"
#include "tests/lib/cutest.h"

struct env {
    char dir[256], db[300], sock[300], server[310];
    pid_t rsmd;
    GUID pool; /* application pool "Churn" holding one LTO cartridge */
};

/* rsmd on a fresh database with one library and one cartridge in pool "Churn". */
static void env_start(struct env *e)
{
    memset(e, 0, sizeof *e);
    test_mkdtemp(e->dir, sizeof e->dir);
    snprintf(e->db, sizeof e->db, "%s/db", e->dir);
    snprintf(e->sock, sizeof e->sock, "%s/rsmd.sock", e->dir);
    snprintf(e->server, sizeof e->server, "unix:%s", e->sock);
    char embedded[320];
    snprintf(embedded, sizeof embedded, "embedded:%s", e->db);
    HANDLE h = OpenNtmsSessionA(embedded, "setup", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    struct rsm_engine *en = rsm_session_engine(h);
    struct rsm_guid mt, lib, slot, pm, freep;
    CU_ASSERT_FATAL(rsm_engine_register_media_type(en, 0x56, "LTO Ultrium", 1, 1, 0x1F, &mt) ==
                    RSM_OK);
    struct rsm_dev_library l = {.name = "LIB1", .library_type = RSM_LIB_ONLINE};
    CU_ASSERT_FATAL(rsm_engine_register_library(en, &l, &lib) == RSM_OK);
    CU_ASSERT_FATAL(rsm_engine_register_slot(en, &lib, 1, &slot) == RSM_OK);
    CU_ASSERT_FATAL(rsm_dev_media_seen(en, &slot, "W00001L8", &mt, NULL, &pm) == RSM_OK);
    rsm_engine_lock(en);
    rsm_rc rc = rsm_pool_system(en, RSM_POOL_SCRATCH, &mt, true, &freep);
    rsm_engine_unlock(en);
    CU_ASSERT_FATAL(rc == RSM_OK);
    CU_ASSERT_FATAL(MoveToNtmsMediaPool(h, (GUID *)&pm, (GUID *)&freep) == ERROR_SUCCESS);
    CU_ASSERT_FATAL(CreateNtmsMediaPoolA(h, "Churn", (GUID *)&mt, NTMS_OPEN_ALWAYS, NULL,
                                         &e->pool) == ERROR_SUCCESS);
    CU_ASSERT_FATAL(MoveToNtmsMediaPool(h, (GUID *)&pm, &e->pool) == ERROR_SUCCESS);
    CloseNtmsSession(h);
    e->rsmd = test_rsmd_start(e->db, e->sock, NULL);
    CU_ASSERT_FATAL(e->rsmd > 0);
}

static void env_stop(struct env *e)
{
    if (e->rsmd > 0) {
        int st = test_rsmd_stop(e->rsmd, SIGTERM);
        CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0); /* watchers closed cleanly */
    }
    test_rmtree(e->dir);
}

static int raw_connect(const char *sock)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Sends @line; returns the next answer line parsed (caller frees), or NULL after 5 s. */
static json_t *raw_ask(int fd, const char *line)
{
    if (line && send(fd, line, strlen(line), MSG_NOSIGNAL) < 0)
        return NULL;
    static char buf[1 << 16];
    size_t have = 0;
    while (have < sizeof buf - 1) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 5000) <= 0)
            return NULL;
        /* one byte at a time: the next answer stays in the socket for the next call */
        ssize_t r = recv(fd, buf + have, 1, 0);
        if (r <= 0)
            return NULL;
        if (buf[have++] == '\n')
            break;
    }
    buf[have] = 0;
    return json_loads(buf, 0, NULL);
}

static const char *rc_of(json_t *j)
{
    static char rc[64];
    snprintf(rc, sizeof rc, "%s", j ? json_string_value(json_object_get(j, "rc")) : "(none)");
    json_decref(j);
    return rc;
}

static void churn(HANDLE h, const GUID *pool, int pairs, int *failures)
{
    for (int i = 0; i < pairs; i++) {
        GUID lmid;
        memset(&lmid, 0, sizeof lmid);
        *failures += AllocateNtmsMedia(h, (LPNTMS_GUID)pool, NULL, &lmid, 0, 0, NULL) != 0;
        *failures += DeallocateNtmsMedia(h, &lmid, 0) != 0;
    }
}

static void test_wire_ops_and_errors(void)
{
    struct env e;
    env_start(&e);
    int fd = raw_connect(e.sock);
    CU_ASSERT_FATAL(fd >= 0);
    char hello[128];
    snprintf(hello, sizeof hello, "{\"id\":1,\"op\":\"hello\",\"args\":{\"version\":1,\"abi\":%zu}}\n",
             sizeof(struct rsm_objinfo));
    CU_ASSERT_STRING_EQUAL(rc_of(raw_ask(fd, hello)), "RSM_OK");
    /* Bad arguments change nothing; an unknown watcher is an invalid handle. */
    CU_ASSERT_STRING_EQUAL(rc_of(raw_ask(fd, "{\"id\":2,\"op\":\"notify_open\",\"args\":{}}\n")),
                           "RSM_E_INVALID_PARAMETER");
    CU_ASSERT_STRING_EQUAL(
        rc_of(raw_ask(fd, "{\"id\":3,\"op\":\"notify_open\",\"args\":{\"type\":11,"
                          "\"queue\":99999999}}\n")),
        "RSM_E_INVALID_PARAMETER");
    CU_ASSERT_STRING_EQUAL(
        rc_of(raw_ask(fd, "{\"id\":4,\"op\":\"notify_wait\",\"args\":{\"watch\":3,"
                          "\"timeout_ms\":0,\"max\":1}}\n")),
        "RSM_E_INVALID_HANDLE");
    CU_ASSERT_STRING_EQUAL(
        rc_of(raw_ask(fd, "{\"id\":5,\"op\":\"opreq_submit\",\"args\":{\"request\":5}}\n")),
        "RSM_E_INVALID_PARAMETER"); /* message is required on the wire */
    /* A watcher with a queue of 4 on logical media. */
    json_t *j = raw_ask(fd, "{\"id\":6,\"op\":\"notify_open\",\"args\":{\"type\":11,\"queue\":4}}\n");
    CU_ASSERT_FATAL(j != NULL);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(j, "result"), "watch")), 0);
    json_decref(j);
    CU_ASSERT_STRING_EQUAL(
        rc_of(raw_ask(fd, "{\"id\":7,\"op\":\"notify_wait\",\"args\":{\"watch\":0,"
                          "\"timeout_ms\":0,\"max\":8}}\n")),
        "RSM_E_TIMEOUT");
    /* Five operations: the queue holds four, the fifth breaks the channel. */
    HANDLE h = OpenNtmsSessionA(e.server, "writer", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    int failures = 0;
    churn(h, &e.pool, 2, &failures);
    GUID lmid;
    failures += AllocateNtmsMedia(h, &e.pool, NULL, &lmid, 0, 0, NULL) != 0;
    CU_ASSERT_EQUAL(failures, 0);
    j = raw_ask(fd, "{\"id\":8,\"op\":\"notify_wait\",\"args\":{\"watch\":0,\"timeout_ms\":1000,"
                    "\"max\":8}}\n");
    CU_ASSERT_FATAL(j != NULL);
    json_t *events = json_object_get(json_object_get(j, "result"), "events");
    CU_ASSERT_EQUAL(json_array_size(events), 4);
    CU_ASSERT_EQUAL(json_integer_value(json_array_get(json_array_get(events, 0), 0)), 11);
    CU_ASSERT_EQUAL(json_integer_value(json_array_get(json_array_get(events, 0), 1)),
                    NTMS_OBJ_INSERT);
    CU_ASSERT_EQUAL(json_integer_value(json_array_get(json_array_get(events, 1), 1)),
                    NTMS_OBJ_DELETE);
    json_decref(j);
    CU_ASSERT_STRING_EQUAL(
        rc_of(raw_ask(fd, "{\"id\":9,\"op\":\"notify_wait\",\"args\":{\"watch\":0,"
                          "\"timeout_ms\":1000,\"max\":8}}\n")),
        "RSM_E_NO_DATA");
    CU_ASSERT_STRING_EQUAL(rc_of(raw_ask(fd, "{\"id\":10,\"op\":\"notify_close\",\"args\":"
                                             "{\"watch\":0}}\n")),
                           "RSM_OK");
    CU_ASSERT_STRING_EQUAL(rc_of(raw_ask(fd, "{\"id\":11,\"op\":\"notify_close\",\"args\":"
                                             "{\"watch\":0}}\n")),
                           "RSM_E_INVALID_HANDLE");
    close(fd);
    CloseNtmsSession(h);
    env_stop(&e);
}

struct reader {
    HANDLE n;
    int want, got;
    DWORD rc;
};

static void *read_events(void *arg)
{
    struct reader *r = arg;
    while (r->got < r->want) {
        NTMS_NOTIFICATIONINFORMATION ev;
        r->rc = WaitForNtmsNotification(r->n, &ev, 20000);
        if (r->rc != ERROR_SUCCESS)
            break;
        r->got++;
    }
    return NULL;
}

/* Clients that open watchers and then never read (one mid-wait, one with a full queue, one
 * killed) hold up neither the daemon nor another session's watcher and writer. */
static void test_dead_watchers_stall_nobody(void)
{
    struct env e;
    env_start(&e);
    char hello[128];
    snprintf(hello, sizeof hello, "{\"id\":1,\"op\":\"hello\",\"args\":{\"version\":1,\"abi\":%zu}}\n",
             sizeof(struct rsm_objinfo));
    int stuck[3];
    for (int i = 0; i < 3; i++) {
        stuck[i] = raw_connect(e.sock);
        CU_ASSERT_FATAL(stuck[i] >= 0);
        CU_ASSERT_STRING_EQUAL(rc_of(raw_ask(stuck[i], hello)), "RSM_OK");
        CU_ASSERT_STRING_EQUAL(
            rc_of(raw_ask(stuck[i], "{\"id\":2,\"op\":\"notify_open\",\"args\":{\"type\":11,"
                                    "\"queue\":16}}\n")),
            "RSM_OK");
    }
    /* #0 waits for ever and never reads the answer; #1 never asks; #2 dies mid-wait. */
    const char *wait_forever = "{\"id\":3,\"op\":\"notify_wait\",\"args\":{\"watch\":0,"
                               "\"timeout_ms\":4294967295,\"max\":1}}\n";
    CU_ASSERT(send(stuck[0], wait_forever, strlen(wait_forever), MSG_NOSIGNAL) > 0);
    CU_ASSERT(send(stuck[2], wait_forever, strlen(wait_forever), MSG_NOSIGNAL) > 0);
    usleep(50000);
    close(stuck[2]);
    HANDLE w = OpenNtmsSessionA(e.server, "watcher", 0), h = OpenNtmsSessionA(e.server, "w", 0);
    CU_ASSERT_FATAL(w != INVALID_HANDLE_VALUE && h != INVALID_HANDLE_VALUE);
    struct reader r = {.n = OpenNtmsNotification(w, NTMS_LOGICAL_MEDIA), .want = 2000};
    CU_ASSERT_FATAL(r.n != INVALID_HANDLE_VALUE);
    pthread_t th;
    CU_ASSERT_FATAL(pthread_create(&th, NULL, read_events, &r) == 0);
    int failures = 0;
    churn(h, &e.pool, 1000, &failures);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(failures, 0);
    CU_ASSERT_EQUAL(r.got, 2000);
    CU_ASSERT_EQUAL(r.rc, ERROR_SUCCESS);
    /* The full one is told it lost events once it reads; the stuck wait got its event. */
    json_t *j = raw_ask(stuck[0], NULL);
    CU_ASSERT_STRING_EQUAL(rc_of(j), "RSM_OK");
    CU_ASSERT_STRING_EQUAL(
        rc_of(raw_ask(stuck[1], "{\"id\":4,\"op\":\"notify_wait\",\"args\":{\"watch\":0,"
                                "\"timeout_ms\":0,\"max\":100}}\n")),
        "RSM_OK"); /* the 16 it kept */
    CU_ASSERT_STRING_EQUAL(
        rc_of(raw_ask(stuck[1], "{\"id\":5,\"op\":\"notify_wait\",\"args\":{\"watch\":0,"
                                "\"timeout_ms\":0,\"max\":100}}\n")),
        "RSM_E_NO_DATA");
    CU_ASSERT_EQUAL(CloseNtmsNotification(r.n), ERROR_SUCCESS);
    CloseNtmsSession(w);
    CloseNtmsSession(h);
    close(stuck[0]);
    close(stuck[1]);
    env_stop(&e); /* SIGTERM with watchers open: exit 0 */
}

/* Runs `rsm ARGS` and returns its exit status; stdout into @out. */
__attribute__((format(printf, 3, 4))) static int cli(char *out, size_t cap, const char *fmt, ...)
{
    char args[1024], cmd[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", test_rsm_cli(), args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct poker {
    const char *server;
    _Atomic int stop;
    int made;
};

/* Creates a pool every 50 ms until told to stop (the watch below may start late). */
static void *make_pools(void *arg)
{
    struct poker *p = arg;
    HANDLE h = OpenNtmsSessionA(p->server, "poker", 0);
    GUID g;
    while (h != INVALID_HANDLE_VALUE && !p->stop && p->made < 200) {
        char name[32];
        snprintf(name, sizeof name, "Poke%d", p->made++);
        (void)CreateNtmsMediaPoolA(h, name, NULL, NTMS_CREATE_NEW, NULL, &g); /* counted below */
        usleep(50000);
    }
    if (h != INVALID_HANDLE_VALUE)
        CloseNtmsSession(h);
    return NULL;
}

static void test_cli_watch_and_opreq(void)
{
    struct env e;
    env_start(&e);
    static char out[65536];
    /* opreq: submit, list (table and JSON), satisfy, cancel. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s opreq submit 'Mount tape 7'", e.sock), 0);
    CU_ASSERT_EQUAL(strlen(out), 39);
    char id[40];
    snprintf(id, sizeof id, "%.38s", out);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s opreq list", e.sock), 0);
    CU_ASSERT(strstr(out, id) && strstr(out, "Mount tape 7") && strstr(out, "submitted"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s --json opreq list", e.sock), 0);
    json_t *rows = json_loads(out, 0, NULL);
    CU_ASSERT_FATAL(json_is_array(rows));
    CU_ASSERT_EQUAL(json_array_size(rows), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(rows, 0), "state")),
                           "submitted");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(rows, 0), "request")),
                           "message");
    json_decref(rows);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s opreq satisfy '%s'", e.sock, id), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s opreq satisfy '%s'", e.sock, id), 1);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s opreq cancel '%s'", e.sock, id), 1);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s opreq list --json", e.sock), 0);
    CU_ASSERT(strstr(out, "\"complete\"") != NULL);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s opreq frobnicate", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s opreq --help", e.sock), 0);
    /* watch: prints pool inserts as they happen, then stops after --count. */
    struct poker p = {.server = e.server};
    pthread_t th;
    CU_ASSERT_FATAL(pthread_create(&th, NULL, make_pools, &p) == 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s watch --type pool --count 2 --json", e.sock),
                    0);
    p.stop = 1;
    pthread_join(th, NULL);
    char *second = strchr(out, '\n');
    CU_ASSERT_FATAL(second != NULL);
    json_t *ev = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
    CU_ASSERT_FATAL(ev != NULL);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "operation")), "insert");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "type")), "media_pool");
    CU_ASSERT(!strncmp(json_string_value(json_object_get(ev, "name")), "Poke", 4));
    json_decref(ev);
    CU_ASSERT(strchr(second + 1, '\n') != NULL); /* exactly two lines */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s watch --help", e.sock), 0);
    env_stop(&e);
}

static CU_TestInfo tests[] = {
    {"wire_ops_and_errors", test_wire_ops_and_errors},
    {"dead_watchers_stall_nobody", test_dead_watchers_stall_nobody},
    {"cli_watch_and_opreq", test_cli_watch_and_opreq},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsmd_notify_suites[] = {
    {"rsmd_notify", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
