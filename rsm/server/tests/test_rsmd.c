/* SPDX-License-Identifier: MIT
 * rsmd's own tests: finding the daemon, the socket's mode, the protocol's error answers,
 * rights of another uid, a stalled client, kill -9 during an allocation storm, SIGTERM,
 * and the rsm CLI against the daemon.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/api/session.h"
#include "rsm/engine/devreg.h"
#include "rsm/engine/internal.h"
#include "rsm/server/tests/daemon.h"
#include "tests/lib/cutest.h"

struct env {
    char dir[256], db[300], sock[300], server[310];
    pid_t rsmd;
};

static void env_start(struct env *e, const char *const *extra)
{
    memset(e, 0, sizeof *e);
    test_mkdtemp(e->dir, sizeof e->dir);
    chmod(e->dir, 0755); /* another uid must reach the socket inside */
    snprintf(e->db, sizeof e->db, "%s/db", e->dir);
    snprintf(e->sock, sizeof e->sock, "%s/rsmd.sock", e->dir);
    snprintf(e->server, sizeof e->server, "unix:%s", e->sock);
    e->rsmd = test_rsmd_start(e->db, e->sock, extra);
    CU_ASSERT_FATAL(e->rsmd > 0);
}

static void env_stop(struct env *e)
{
    if (e->rsmd > 0) {
        int st = test_rsmd_stop(e->rsmd, SIGTERM);
        CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    e->rsmd = 0;
    test_rmtree(e->dir);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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

/* Sends @line and returns the answer line (static buffer) or "" after 5 s / hang-up. */
static const char *raw_ask(int fd, const char *line)
{
    static char buf[4096];
    buf[0] = 0;
    if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0)
        return buf;
    size_t have = 0;
    while (have < sizeof buf - 1) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 5000) <= 0)
            break;
        ssize_t r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
        if (r <= 0)
            break;
        have += (size_t)r;
        buf[have] = 0;
        if (memchr(buf, '\n', have))
            break;
    }
    return buf;
}

__attribute__((format(printf, 3, 4))) static int cli(char *out, size_t cap, const char *fmt, ...);

/* ---- finding the daemon ------------------------------------------------------------- */

static void test_no_daemon_not_connected(void)
{
    char dir[256], server[300];
    test_mkdtemp(dir, sizeof dir);
    snprintf(server, sizeof server, "unix:%s/none.sock", dir);
    SetLastError(0);
    CU_ASSERT_EQUAL(OpenNtmsSessionA(server, NULL, 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_CONNECTED);
    /* NULL server, no RSM_EMBEDDED: $RSM_SOCKET names where rsmd would be. */
    char *saved = getenv("RSM_EMBEDDED") ? strdup(getenv("RSM_EMBEDDED")) : NULL;
    unsetenv("RSM_EMBEDDED");
    setenv("RSM_SOCKET", server + 5, 1);
    SetLastError(0);
    CU_ASSERT_EQUAL(OpenNtmsSessionA(NULL, NULL, 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_CONNECTED);
    CU_ASSERT_EQUAL(OpenNtmsSessionW(L"", NULL, 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_CONNECTED);
    CU_ASSERT_EQUAL(OpenNtmsSessionA("unix:", NULL, 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_COMPUTERNAME);
    unsetenv("RSM_SOCKET");
    if (saved) {
        setenv("RSM_EMBEDDED", saved, 1);
        free(saved);
    }
    test_rmtree(dir);
}

static void test_default_socket_from_environment(void)
{
    struct env e;
    env_start(&e, NULL);
    char *saved = getenv("RSM_EMBEDDED") ? strdup(getenv("RSM_EMBEDDED")) : NULL;
    unsetenv("RSM_EMBEDDED");
    setenv("RSM_SOCKET", e.sock, 1);
    HANDLE h = OpenNtmsSessionA(NULL, "env", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    CU_ASSERT_PTR_NULL(rsm_session_engine(h)); /* a client session, not an embedded one */
    DWORD n = 0;
    DWORD err = EnumerateNtmsObject(h, NULL, NULL, &n, NTMS_MEDIA_POOL, 0);
    CU_ASSERT(err == ERROR_SUCCESS || err == ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT(n >= 1); /* at least the application root */
    CU_ASSERT_EQUAL(CloseNtmsSession(h), ERROR_SUCCESS);
    unsetenv("RSM_SOCKET");
    if (saved) {
        setenv("RSM_EMBEDDED", saved, 1);
        free(saved);
    }
    env_stop(&e);
}

static void test_socket_mode_0660(void)
{
    struct env e;
    env_start(&e, NULL);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(stat(e.sock, &st), 0);
    CU_ASSERT(S_ISSOCK(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0660);
    env_stop(&e);
    /* A clean stop removes the socket. */
    CU_ASSERT_NOT_EQUAL(stat(e.sock, &st), 0);
}

static void test_second_daemon_refused(void)
{
    struct env e;
    env_start(&e, NULL);
    /* The helper returns as soon as the socket answers, which the first daemon does; the
     * second must then exit with status 1 on its own. */
    pid_t second = test_rsmd_start(e.db, e.sock, NULL);
    if (second > 0) {
        int st = -1;
        waitpid(second, &st, 0);
        CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    }
    int fd = raw_connect(e.sock);
    CU_ASSERT(fd >= 0); /* and the first still serves */
    if (fd >= 0)
        close(fd);
    env_stop(&e);
}

/* ---- protocol errors ---------------------------------------------------------------- */

static void test_protocol_error_answers(void)
{
    struct env e;
    env_start(&e, NULL);
    int fd = raw_connect(e.sock);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(raw_ask(fd, "not json\n"), "\"RSM_E_INVALID_PARAMETER\""));
    /* Before hello there is no session. */
    CU_ASSERT_PTR_NOT_NULL(strstr(raw_ask(fd, "{\"id\":1,\"op\":\"db_export\",\"args\":{}}\n"),
                                  "\"RSM_E_INVALID_HANDLE\""));
    /* A hello of another protocol version is refused. */
    CU_ASSERT_PTR_NOT_NULL(
        strstr(raw_ask(fd, "{\"id\":2,\"op\":\"hello\",\"args\":{\"version\":99,\"abi\":1}}\n"),
               "\"RSM_E_INVALID_PARAMETER\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(raw_ask(fd, "{\"id\":3,\"op\":\"no_such_op\",\"args\":{}}\n"),
                                  "\"RSM_E_NOT_SUPPORTED\""));
    const char *ans = raw_ask(fd, "{\"id\":4,\"op\":\"hello\",\"args\":{\"version\":1,\"abi\":1}}\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(ans, "\"id\":4"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ans, "\"RSM_E_INVALID_PARAMETER\"")); /* wrong abi */
    char hello[200];
    snprintf(hello, sizeof hello,
             "{\"id\":5,\"op\":\"hello\",\"args\":{\"version\":1,\"abi\":%zu}}\n",
             sizeof(struct rsm_objinfo));
    CU_ASSERT_PTR_NOT_NULL(strstr(raw_ask(fd, hello), "\"RSM_OK\""));
    /* Ill-formed arguments are refused before the engine sees them. */
    static const char *const bad[] = {
        "{\"id\":6,\"op\":\"enumerate\",\"args\":{\"container\":\"{zz}\",\"type\":12,"
        "\"options\":0,\"cap\":5}}\n",
        "{\"id\":6,\"op\":\"object_get\",\"args\":{\"type\":12}}\n",
        "{\"id\":6,\"op\":\"attr_set\",\"args\":{\"id\":\"{00000000-0000-0000-0000-"
        "000000000001}\",\"name\":\"x\",\"data\":\"!!!\"}}\n",
        "{\"id\":6,\"op\":\"media_create\",\"args\":{\"pm\":{},\"sides\":[],\"options\":0}}\n",
        "{\"id\":6,\"op\":\"media_allocate\",\"args\":{\"pool\":7}}\n",
        "{\"id\":6,\"op\":\"security_set\",\"args\":{\"id\":\"{00000000-0000-0000-0000-"
        "000000000001}\",\"what\":4,\"acl\":{\"owner\":0}}}\n",
        "{\"id\":6,\"op\":\"object_enable\",\"args\":{\"type\":5,\"id\":null,\"enable\":1}}\n",
        "{\"id\":6,\"op\":\"pool_create\",\"args\":[]}\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(raw_ask(fd, bad[i]), "\"RSM_E_INVALID_PARAMETER\""));
    /* and the connection still serves. */
    CU_ASSERT_PTR_NOT_NULL(strstr(
        raw_ask(fd, "{\"id\":7,\"op\":\"enumerate\",\"args\":{\"container\":null,"
                    "\"type\":12,\"options\":0,\"cap\":0}}\n"),
        "\"RSM_E_INSUFFICIENT_BUFFER\""));
    close(fd);
    env_stop(&e);
}

static void test_overlong_line_drops_client_only(void)
{
    struct env e;
    env_start(&e, NULL);
    int fd = raw_connect(e.sock);
    CU_ASSERT_FATAL(fd >= 0);
    /* 3 MiB without a newline: more than any request may be. */
    size_t len = 3u << 20;
    char *junk = malloc(len);
    memset(junk, 'x', len);
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(fd, junk + off, len - off, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(junk);
    CU_ASSERT(off < len); /* the daemon hung up before taking it all */
    close(fd);
    HANDLE h = OpenNtmsSessionA(e.server, "after", 0);
    CU_ASSERT(h != INVALID_HANDLE_VALUE);
    CloseNtmsSession(h);
    env_stop(&e);
}

/* ---- concurrency -------------------------------------------------------------------- */

static void test_stalled_client_does_not_block_others(void)
{
    struct env e;
    env_start(&e, NULL);
    /* One client sends half a request and stalls; another connects and sends nothing. */
    int stall = raw_connect(e.sock), idle = raw_connect(e.sock);
    CU_ASSERT_FATAL(stall >= 0 && idle >= 0);
    const char *half = "{\"id\":1,\"op\":\"hel";
    CU_ASSERT(send(stall, half, strlen(half), MSG_NOSIGNAL) > 0);
    double t0 = now_s();
    HANDLE h = OpenNtmsSessionA(e.server, "busy", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    GUID pools[64];
    int ok = 0;
    for (int i = 0; i < 200; i++) {
        DWORD n = 64;
        ok += EnumerateNtmsObject(h, NULL, pools, &n, NTMS_MEDIA_POOL, 0) == ERROR_SUCCESS;
    }
    CU_ASSERT_EQUAL(ok, 200);
    CU_ASSERT(now_s() - t0 < 5.0);
    CloseNtmsSession(h);
    close(stall);
    close(idle);
    env_stop(&e);
}

struct many_arg {
    const char *server;
    GUID pool;
    int ok;
};

static void *many_worker(void *p)
{
    struct many_arg *a = p;
    HANDLE h = OpenNtmsSessionA(a->server, "many", 0);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    for (int i = 0; i < 100; i++) {
        NTMS_OBJECTINFORMATIONW w = {.dwSize = sizeof w, .dwType = NTMS_MEDIA_POOL};
        GUID list[16];
        DWORD n = 16;
        a->ok += GetNtmsObjectInformationW(h, &a->pool, &w) == ERROR_SUCCESS &&
                 w.ObjectGuid.Data1 == a->pool.Data1 &&
                 EnumerateNtmsObject(h, NULL, list, &n, NTMS_MEDIA_POOL, 0) == ERROR_SUCCESS;
    }
    CloseNtmsSession(h);
    return NULL;
}

static void test_many_concurrent_sessions(void)
{
    struct env e;
    env_start(&e, NULL);
    HANDLE h = OpenNtmsSessionA(e.server, "setup", 0);
    GUID pool;
    CU_ASSERT_EQUAL_FATAL(CreateNtmsMediaPoolA(h, "Shared", NULL, NTMS_CREATE_NEW, NULL, &pool),
                          ERROR_SUCCESS);
    CloseNtmsSession(h);
    enum { N = 24 };
    pthread_t t[N];
    struct many_arg a[N];
    for (int i = 0; i < N; i++) {
        a[i] = (struct many_arg){.server = e.server, .pool = pool};
        pthread_create(&t[i], NULL, many_worker, &a[i]);
    }
    int total = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        total += a[i].ok;
    }
    CU_ASSERT_EQUAL(total, N * 100); /* every call of every session answered correctly */
    env_stop(&e);
}

static void test_max_clients_refuses_extra_connections(void)
{
    const char *extra[] = {"--max-clients", "1", NULL};
    struct env e;
    env_start(&e, extra);
    /* The start-up probe's connection may hold the only slot for a moment. */
    HANDLE h1 = INVALID_HANDLE_VALUE;
    for (int i = 0; i < 30 && h1 == INVALID_HANDLE_VALUE; i++) {
        h1 = OpenNtmsSessionA(e.server, "first", 0);
        if (h1 == INVALID_HANDLE_VALUE)
            usleep(100 * 1000);
    }
    CU_ASSERT_FATAL(h1 != INVALID_HANDLE_VALUE);
    SetLastError(0);
    CU_ASSERT_EQUAL(OpenNtmsSessionA(e.server, "second", 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_CONNECTED);
    CloseNtmsSession(h1);
    /* The slot is free again once the daemon has reaped the first (within its 1 s tick). */
    HANDLE h2 = INVALID_HANDLE_VALUE;
    for (int i = 0; i < 30 && h2 == INVALID_HANDLE_VALUE; i++) {
        h2 = OpenNtmsSessionA(e.server, "second", 0);
        if (h2 == INVALID_HANDLE_VALUE)
            usleep(100 * 1000);
    }
    CU_ASSERT(h2 != INVALID_HANDLE_VALUE);
    CloseNtmsSession(h2);
    env_stop(&e);
}

/* ---- rights of another user ----------------------------------------------------------- */

static void make_library(const char *db, int n_media, GUID *lto)
{
    char server[320];
    snprintf(server, sizeof server, "embedded:%s", db);
    HANDLE h = OpenNtmsSessionA(server, "setup", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    struct rsm_engine *en = rsm_session_engine(h);
    struct rsm_guid mt, lib, slot, pm, freep;
    CU_ASSERT_FATAL(rsm_engine_register_media_type(en, 0x56, "LTO Ultrium", 1, 1, 0x1F, &mt) ==
                    RSM_OK);
    struct rsm_dev_library l = {.name = "LIB1", .library_type = RSM_LIB_ONLINE, .barcode_reader = 1};
    CU_ASSERT_FATAL(rsm_engine_register_library(en, &l, &lib) == RSM_OK);
    for (int i = 0; i < n_media; i++) {
        char bc[16];
        snprintf(bc, sizeof bc, "S%05dL8", i);
        CU_ASSERT_FATAL(rsm_engine_register_slot(en, &lib, (uint32_t)i + 1, &slot) == RSM_OK);
        CU_ASSERT_FATAL(rsm_dev_media_seen(en, &slot, bc, &mt, NULL, &pm) == RSM_OK);
        /* New cartridges arrive Unrecognized; the operator frees them for use. */
        rsm_engine_lock(en);
        rsm_rc rc = rsm_pool_system(en, RSM_POOL_SCRATCH, &mt, true, &freep);
        rsm_engine_unlock(en);
        CU_ASSERT_FATAL(rc == RSM_OK);
        CU_ASSERT_FATAL(MoveToNtmsMediaPool(h, (GUID *)&pm, (GUID *)&freep) == ERROR_SUCCESS);
    }
    memcpy(lto, mt.b, 16);
    CloseNtmsSession(h);
}

/* Creates pool @name of @lto and moves every unrecognized medium into it (via @h). */
static GUID fill_pool(HANDLE h, const char *name, GUID *lto)
{
    GUID pool;
    CU_ASSERT_EQUAL_FATAL(CreateNtmsMediaPoolA(h, name, lto, NTMS_OPEN_ALWAYS, NULL, &pool),
                          ERROR_SUCCESS);
    GUID media[64];
    DWORD n = 64;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(h, NULL, media, &n, NTMS_PHYSICAL_MEDIA, 0),
                    ERROR_SUCCESS);
    for (DWORD i = 0; i < n; i++)
        CU_ASSERT_EQUAL(MoveToNtmsMediaPool(h, &media[i], &pool), ERROR_SUCCESS);
    return pool;
}

static void test_other_uid_denied_without_rights(void)
{
    if (geteuid() != 0) {
        /* Without root we cannot become another user; the daemon must still refuse to let
         * an ordinary peer act for someone else. */
        struct env e;
        env_start(&e, NULL);
        HANDLE h = OpenNtmsSessionA(e.server, "me", 0);
        CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
        uint32_t g = 0;
        CU_ASSERT_EQUAL(rsm_session_set_caller(h, 0, &g, 1), ERROR_ACCESS_DENIED);
        CloseNtmsSession(h);
        env_stop(&e);
        return;
    }
    /* Socket group 65534 (nogroup) so that uid 65534 may connect at all. */
    const char *extra[] = {"--socket-group", "65534", NULL};
    struct env e;
    env_start(&e, extra);
    GUID lto;
    make_library(e.db, 2, &lto);
    HANDLE h = OpenNtmsSessionA(e.server, "owner", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    GUID pool = fill_pool(h, "Private", &lto);
    CloseNtmsSession(h);
    pid_t pid = fork();
    if (pid == 0) {
        /* The client side as nobody: its identity comes from SO_PEERCRED, not from us. */
        if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
            _exit(10);
        HANDLE h2 = OpenNtmsSessionA(e.server, "nobody", 0);
        if (h2 == INVALID_HANDLE_VALUE)
            _exit(11);
        GUID lmid;
        if (AllocateNtmsMedia(h2, &pool, NULL, &lmid, NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE, 0,
                              NULL) != ERROR_ACCESS_DENIED)
            _exit(12);
        NTMS_OBJECTINFORMATIONA info = {.dwSize = sizeof info, .dwType = NTMS_MEDIA_POOL};
        if (GetNtmsObjectInformationA(h2, &pool, &info) != ERROR_ACCESS_DENIED)
            _exit(13);
        if (DeleteNtmsMediaPool(h2, &pool) != ERROR_ACCESS_DENIED)
            _exit(14);
        if (ExportNtmsDatabase(h2) != ERROR_ACCESS_DENIED)
            _exit(15);
        uint32_t g = 0; /* and it cannot claim to be root */
        if (rsm_session_set_caller(h2, 0, &g, 1) != ERROR_ACCESS_DENIED)
            _exit(16);
        CloseNtmsSession(h2);
        _exit(0);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    CU_ASSERT(WIFEXITED(st));
    CU_ASSERT_EQUAL(WEXITSTATUS(st), 0);
    /* The owner still allocates from it. */
    h = OpenNtmsSessionA(e.server, "owner", 0);
    GUID lmid;
    CU_ASSERT_EQUAL(
        AllocateNtmsMedia(h, &pool, NULL, &lmid, NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE, 0, NULL),
        ERROR_SUCCESS);
    CloseNtmsSession(h);
    env_stop(&e);
}

static void test_operator_group_administers(void)
{
    if (geteuid() != 0) {
        CU_ASSERT_EQUAL(geteuid() == 0, 0); /* needs root to change identity; see above */
        return;
    }
    const char *extra[] = {"--operator-group", "65534", NULL};
    struct env e;
    env_start(&e, extra);
    GUID lto;
    make_library(e.db, 1, &lto);
    HANDLE h = OpenNtmsSessionA(e.server, "owner", 0);
    GUID pool = fill_pool(h, "Private", &lto);
    CloseNtmsSession(h);
    pid_t pid = fork();
    if (pid == 0) {
        /* uid 4242 in group 65534: an operator, though it owns nothing. */
        if (setgroups(0, NULL) || setgid(65534) || setuid(4242))
            _exit(10);
        HANDLE h2 = OpenNtmsSessionA(e.server, "operator", 0);
        if (h2 == INVALID_HANDLE_VALUE)
            _exit(11);
        GUID lmid;
        if (AllocateNtmsMedia(h2, &pool, NULL, &lmid, NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE, 0,
                              NULL) != ERROR_SUCCESS)
            _exit(12);
        if (ExportNtmsDatabase(h2) != ERROR_SUCCESS)
            _exit(13);
        CloseNtmsSession(h2);
        _exit(0);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    env_stop(&e);
}

/* ---- crash safety ---------------------------------------------------------------------- */

static void test_kill9_during_allocate_storm(void)
{
    struct env e;
    env_start(&e, NULL);
    GUID lto;
    make_library(e.db, 16, &lto);
    HANDLE h = OpenNtmsSessionA(e.server, "setup", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    GUID pool = fill_pool(h, "Storm", &lto);
    CloseNtmsSession(h);
    pid_t kids[4];
    for (int k = 0; k < 4; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            HANDLE hk = OpenNtmsSessionA(e.server, "storm", 0);
            if (hk == INVALID_HANDLE_VALUE)
                _exit(1);
            for (;;) { /* until the daemon dies under us */
                GUID lmid;
                DWORD err = AllocateNtmsMedia(hk, &pool, NULL, &lmid,
                                              NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE, 0, NULL);
                if (err == ERROR_NOT_CONNECTED)
                    _exit(0);
                if (err == ERROR_SUCCESS &&
                    DeallocateNtmsMedia(hk, &lmid, 0) == ERROR_NOT_CONNECTED)
                    _exit(0);
            }
        }
    }
    struct timespec ts = {0, 400 * 1000 * 1000};
    nanosleep(&ts, NULL);
    int st = test_rsmd_stop(e.rsmd, SIGKILL);
    CU_ASSERT(WIFSIGNALED(st));
    for (int k = 0; k < 4; k++) {
        int kst = -1;
        waitpid(kids[k], &kst, 0);
        CU_ASSERT(WIFEXITED(kst) && WEXITSTATUS(kst) == 0); /* each saw NOT_CONNECTED */
    }
    /* Restart on the same database and socket path (the stale socket file is replaced). */
    e.rsmd = test_rsmd_start(e.db, e.sock, NULL);
    CU_ASSERT_FATAL(e.rsmd > 0);
    h = OpenNtmsSessionA(e.server, "after", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    GUID media[32];
    DWORD n = 32;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(h, NULL, media, &n, NTMS_PHYSICAL_MEDIA, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(n, 16);
    CloseNtmsSession(h);
    CU_ASSERT_EQUAL(test_rsmd_stop(e.rsmd, SIGTERM), 0);
    e.rsmd = 0;
    /* Every medium in exactly one pool, sides and LMIDs consistent, database intact. */
    char server[320];
    snprintf(server, sizeof server, "embedded:%s", e.db);
    h = OpenNtmsSessionA(server, "check", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    char why[256] = "";
    rsm_rc rc = rsm_engine_check(rsm_session_engine(h), why, sizeof why);
    if (rc != RSM_OK)
        fprintf(stderr, "invariant broken: %s\n", why);
    CU_ASSERT_EQUAL(rc, RSM_OK);
    CloseNtmsSession(h);
    test_rmtree(e.dir);
}

static void test_sigterm_cancels_waiting_allocation(void)
{
    struct env e;
    env_start(&e, NULL);
    GUID lto;
    make_library(e.db, 1, &lto);
    HANDLE h = OpenNtmsSessionA(e.server, "setup", 0);
    GUID pool;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(h, "Empty", &lto, NTMS_OPEN_ALWAYS, NULL, &pool),
                    ERROR_SUCCESS);
    pid_t kid = fork();
    if (kid == 0) {
        HANDLE hk = OpenNtmsSessionA(e.server, "waiter", 0);
        GUID lmid;
        DWORD err = AllocateNtmsMedia(hk, &pool, NULL, &lmid, 0, INFINITE, NULL);
        _exit(err == ERROR_NOT_CONNECTED || err == ERROR_CANCELLED ? 0 : 1);
    }
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    CloseNtmsSession(h);
    double t0 = now_s();
    int st = test_rsmd_stop(e.rsmd, SIGTERM);
    e.rsmd = 0;
    CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CU_ASSERT(now_s() - t0 < 5.0); /* the endless wait did not hold the daemon up */
    int kst = -1;
    waitpid(kid, &kst, 0);
    CU_ASSERT(WIFEXITED(kst) && WEXITSTATUS(kst) == 0);
    env_stop(&e);
}

static void test_export_import_over_socket(void)
{
    struct env e;
    env_start(&e, NULL);
    HANDLE h = OpenNtmsSessionA(e.server, "backup", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    GUID p1;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(h, "Kept", NULL, NTMS_CREATE_NEW, NULL, &p1),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ExportNtmsDatabase(h), ERROR_SUCCESS);
    char path[400];
    snprintf(path, sizeof path, "%s/Export/rsm.db", e.db);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0); /* written by the daemon in its database directory */
    GUID p2;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(h, "Later", NULL, NTMS_CREATE_NEW, NULL, &p2),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ImportNtmsDatabase(h), ERROR_SUCCESS);
    CloseNtmsSession(h);
    /* The staged database is installed when the service starts again. */
    CU_ASSERT_EQUAL(test_rsmd_stop(e.rsmd, SIGTERM), 0);
    e.rsmd = test_rsmd_start(e.db, e.sock, NULL);
    CU_ASSERT_FATAL(e.rsmd > 0);
    h = OpenNtmsSessionA(e.server, "backup", 0);
    NTMS_OBJECTINFORMATIONA info = {.dwSize = sizeof info, .dwType = NTMS_MEDIA_POOL};
    CU_ASSERT_EQUAL(GetNtmsObjectInformationA(h, &p1, &info), ERROR_SUCCESS);
    CU_ASSERT_STRING_EQUAL(info.szName, "Kept");
    CU_ASSERT_EQUAL(GetNtmsObjectInformationA(h, &p2, &info), ERROR_OBJECT_NOT_FOUND);
    CloseNtmsSession(h);
    env_stop(&e);
}

/* ---- library control through the daemon ------------------------------------------------ */

static void test_library_control_over_socket(void)
{
    struct env e;
    env_start(&e, NULL);
    HANDLE h = OpenNtmsSessionA(e.server, "libctl", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    /* The daemon opens the device: the in-process simulator's default library, inside
     * rsmd (2 LTO-8 drives, 24 slots, 20 data cartridges and a cleaner). */
    NTMS_GUID lib;
    CU_ASSERT_EQUAL_FATAL(rsm_library_add(h, "sim:", NULL, 0, &lib), ERROR_SUCCESS);
    DWORD n = 0;
    EnumerateNtmsObject(h, &lib, NULL, &n, NTMS_DRIVE, 0);
    CU_ASSERT_EQUAL(n, 2);
    DWORD n_new = 99, n_gone = 99;
    CU_ASSERT_EQUAL(rsm_library_inventory(h, &lib, FALSE, &n_new, NULL, &n_gone, NULL, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(n_new, 0); /* all registered by the add */
    CU_ASSERT_EQUAL(n_gone, 0);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(h, &lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    /* A cartridge into an application pool, allocated, mounted, dismounted. */
    GUID media[64];
    n = 64;
    CU_ASSERT_EQUAL_FATAL(EnumerateNtmsObject(h, &lib, media, &n, NTMS_PHYSICAL_MEDIA, 0),
                          ERROR_SUCCESS);
    CU_ASSERT_FATAL(n >= 20);
    NTMS_OBJECTINFORMATIONA pm = {.dwSize = sizeof pm, .dwType = NTMS_PHYSICAL_MEDIA};
    int pick = -1;
    for (DWORD i = 0; i < n && pick < 0; i++)
        if (GetNtmsObjectInformationA(h, &media[i], &pm) == ERROR_SUCCESS &&
            pm.Info.PhysicalMedia.szBarCode[0] && strstr(pm.Info.PhysicalMedia.szBarCode, "CLN") == NULL)
            pick = (int)i;
    CU_ASSERT_FATAL(pick >= 0);
    GUID mtype = pm.Info.PhysicalMedia.MediaType;
    /* The free pool of that media type (created on demand by the engine, as the operator's
     * first "free this cartridge" would). */
    char server[320];
    snprintf(server, sizeof server, "embedded:%s", e.db);
    HANDLE he = OpenNtmsSessionA(server, "setup", 0);
    CU_ASSERT_FATAL(he != INVALID_HANDLE_VALUE);
    struct rsm_engine *en = rsm_session_engine(he);
    struct rsm_guid freep;
    rsm_engine_lock(en);
    rsm_rc rc = rsm_pool_system(en, RSM_POOL_SCRATCH, (struct rsm_guid *)&mtype, true, &freep);
    rsm_engine_unlock(en);
    CloseNtmsSession(he);
    CU_ASSERT_EQUAL_FATAL(rc, RSM_OK);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(h, &media[pick], (GUID *)&freep), ERROR_SUCCESS);
    GUID app, side, lmid, drive;
    CU_ASSERT_EQUAL_FATAL(CreateNtmsMediaPoolA(h, "Backup", &mtype, NTMS_OPEN_ALWAYS, NULL, &app),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(h, &media[pick], &app), ERROR_SUCCESS);
    n = 1;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(h, &media[pick], &side, &n, NTMS_PARTITION, 0),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(AllocateNtmsMedia(h, &app, &side, &lmid, 0, 0, NULL), ERROR_SUCCESS);
    memset(&drive, 0, sizeof drive);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(h, &lmid, &drive, 1, NTMS_MOUNT_READ | NTMS_MOUNT_WRITE,
                                         0, INFINITE, NULL),
                          ERROR_SUCCESS);
    NTMS_OBJECTINFORMATIONA d = {.dwSize = sizeof d, .dwType = NTMS_DRIVE};
    CU_ASSERT_EQUAL(GetNtmsObjectInformationA(h, &drive, &d), ERROR_SUCCESS); /* filled in */
    CU_ASSERT_EQUAL(d.Info.Drive.State, NTMS_DRIVESTATE_LOADED);
    CU_ASSERT_EQUAL(DismountNtmsMedia(h, &lmid, 1, NTMS_DISMOUNT_IMMEDIATE), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(h, &lmid, 1, 0), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(DismountNtmsDrive(h, &drive), ERROR_INVALID_STATE); /* empty now */
    /* The CLI over the same daemon: the library, its drives, an inventory. */
    static char out[65536];
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s library list", e.sock), 0);
    CU_ASSERT(!strncmp(out, "NAME ", 5));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s --json view drives", e.sock), 0);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    CU_ASSERT_EQUAL(json_array_size(j), 2);
    json_decref(j);
    NTMS_OBJECTINFORMATIONA li = {.dwSize = sizeof li, .dwType = NTMS_LIBRARY};
    CU_ASSERT_EQUAL(GetNtmsObjectInformationA(h, &lib, &li), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s inventory '/lf%s'", e.sock, li.szName), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "new 0,"));
    char lm[39];
    snprintf(lm, sizeof lm, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", lmid.Data1,
             lmid.Data2, lmid.Data3, lmid.Data4[0], lmid.Data4[1], lmid.Data4[2], lmid.Data4[3],
             lmid.Data4[4], lmid.Data4[5], lmid.Data4[6], lmid.Data4[7]);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s mount /lg%s", e.sock, lm), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s view media", e.sock), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "loaded"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s dismount %s", e.sock, lm), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s dismount %s", e.sock, lm), 1);
    /* Bad input is refused by the daemon as by the engine. */
    CU_ASSERT_EQUAL(rsm_library_add(h, "nosuchscheme:x", NULL, 0, &lib), ERROR_DEVICE_NOT_AVAILABLE);
    CloseNtmsSession(h);
    env_stop(&e);
}

/* ---- the rsm CLI ------------------------------------------------------------------------ */

/* Runs `rsm ARGS` (a shell fragment) and returns its exit status; stdout into @out. */
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

static void test_cli_pools_and_media(void)
{
    struct env e;
    env_start(&e, NULL);
    GUID lto;
    make_library(e.db, 3, &lto);
    static char out[65536];
    /* createpool with rsm.exe spellings and a media type by name. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s createpool /mBackup /acreate '/tfLTO Ultrium'",
                        e.sock), 0);
    CU_ASSERT_EQUAL(strlen(out), 39); /* "{GUID}\n" */
    char line[64];
    snprintf(line, sizeof line, "%.38s", out);
    /* The same pool again: it exists. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s createpool Backup", e.sock), 1);
    /* Table: a header and one row per pool, the new one named by its full path. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s view pools", e.sock), 0);
    CU_ASSERT(!strncmp(out, "POOL ", 5));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nBackup "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, line));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "LTO Ultrium"));
    /* JSON: an array of objects with the same facts. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s --json view pools", e.sock), 0);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    CU_ASSERT_FATAL(json_is_array(j));
    int found = 0;
    size_t i;
    json_t *row;
    json_array_foreach(j, i, row)
    {
        if (!strcmp(json_string_value(json_object_get(row, "path")), "Backup")) {
            found++;
            CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(row, "type")), "application");
            CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(row, "guid")), line);
            CU_ASSERT_EQUAL(json_integer_value(json_object_get(row, "media")), 0);
        }
    }
    CU_ASSERT_EQUAL(found, 1);
    json_decref(j);
    /* Media: three cartridges in the free pool, barcodes shown. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s view media", e.sock), 0);
    CU_ASSERT(!strncmp(out, "BARCODE ", 8));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "S00002L8"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s view /tphysical_media --json", e.sock), 0);
    j = json_loads(out, 0, &je);
    CU_ASSERT_EQUAL(json_array_size(j), 3);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(j, 0), "pool")),
                           "Free\\LTO Ultrium");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_array_get(j, 0), "side_state")), "available");
    json_decref(j);
    /* Allocate from the pool (it draws on the free pool) and give it back. */
    HANDLE h = OpenNtmsSessionA(e.server, "cli-test", 0);
    NTMS_OBJECTINFORMATIONA info = {.dwSize = sizeof info, .dwType = NTMS_MEDIA_POOL};
    GUID pg;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(h, "Backup", NULL, NTMS_OPEN_EXISTING, NULL, &pg),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(GetNtmsObjectInformationA(h, &pg, &info), ERROR_SUCCESS);
    info.Info.MediaPool.AllocationPolicy = NTMS_ALLOCATE_FROMSCRATCH;
    CU_ASSERT_EQUAL(SetNtmsObjectInformationA(h, &pg, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s allocate /mBackup /oerrunavail", e.sock), 0);
    char lmid[64];
    snprintf(lmid, sizeof lmid, "%.38s", out);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s --json view pools", e.sock), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"allocated\": 1"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s deletepool Backup", e.sock), 1); /* not empty */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s deallocate /lg%s", e.sock, lmid), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s deallocate %s", e.sock, lmid), 1); /* gone */
    CloseNtmsSession(h);
    env_stop(&e);
}

/* createpool --scratch draws from the free pool; movetopool places chosen media. */
static void test_cli_scratch_pool_and_movetopool(void)
{
    struct env e;
    env_start(&e, NULL);
    GUID lto;
    make_library(e.db, 3, &lto);
    static char out[65536];
    /* Without the scratch policy an empty pool has nothing to allocate. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s createpool Plain --type 'LTO Ultrium'", e.sock), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s allocate Plain /oerrunavail", e.sock), 1);
    /* With it, a free cartridge is drawn. */
    CU_ASSERT_EQUAL(cli(out, sizeof out,
                        "--socket %s createpool Weekly --type 'LTO Ultrium' --scratch", e.sock), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s allocate Weekly /oerrunavail", e.sock), 0);
    CU_ASSERT_EQUAL(out[0], '{');
    /* movetopool puts a chosen free cartridge into Plain, which can then allocate it. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s movetopool Plain S00002L8", e.sock), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s --json view media", e.sock), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Plain"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s allocate Plain /oerrunavail", e.sock), 0);
    /* Errors: an unknown medium (1), no media named (2); nothing moves. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s movetopool Plain NOPE00L8", e.sock), 1);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s movetopool Plain", e.sock), 2);
    env_stop(&e);
}

/* freemedia returns a medium to the Free pool of its own media type (rsm.exe freemedia);
 * an unknown medium is an operation error, no medium a usage error. */
static void test_cli_freemedia(void)
{
    struct env e;
    env_start(&e, NULL);
    GUID lto;
    make_library(e.db, 2, &lto);
    static char out[65536];
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s createpool Plain --type 'LTO Ultrium'", e.sock), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s movetopool Plain S00000L8", e.sock), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s --json view media", e.sock), 0);
    json_t *j = json_loads(out, 0, NULL);
    CU_ASSERT_FATAL(json_is_array(j));
    size_t i;
    json_t *row;
    const char *pool = NULL;
    json_array_foreach(j, i, row) if (!strcmp(json_string_value(json_object_get(row, "barcode")) ?: "", "S00000L8"))
        pool = json_string_value(json_object_get(row, "pool"));
    CU_ASSERT_PTR_NOT_NULL(pool && strstr(pool, "Plain"));
    json_decref(j);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s freemedia S00000L8", e.sock), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s --json view media", e.sock), 0);
    j = json_loads(out, 0, NULL);
    CU_ASSERT_FATAL(json_is_array(j));
    pool = NULL;
    json_array_foreach(j, i, row) if (!strcmp(json_string_value(json_object_get(row, "barcode")) ?: "", "S00000L8"))
        pool = json_string_value(json_object_get(row, "pool"));
    CU_ASSERT_PTR_NOT_NULL(pool && strstr(pool, "Free"));
    json_decref(j);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s freemedia NOPE00L8", e.sock), 1);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s freemedia", e.sock), 2);
    env_stop(&e);
}

/* With --db the CLI runs the engine itself, drivers included: a simulated library added
 * by URI shows with its drives, slots and media. */
static void test_cli_embedded_library_add(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    static char out[65536];
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--db %s/db library add sim:", dir), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--db %s/db --json view libraries", dir), 0);
    json_t *j = json_loads(out, 0, NULL);
    CU_ASSERT_FATAL(json_is_array(j));
    int online = 0;
    size_t i;
    json_t *row;
    json_array_foreach(j, i, row)
    {
        if (json_integer_value(json_object_get(row, "drives")) == 2) {
            online++;
            CU_ASSERT_EQUAL(json_integer_value(json_object_get(row, "slots")), 24);
            CU_ASSERT_EQUAL(json_integer_value(json_object_get(row, "media")), 21);
        }
    }
    CU_ASSERT_EQUAL(online, 1);
    json_decref(j);
    test_rmtree(dir);
}

static void test_cli_errors_and_exit_codes(void)
{
    struct env e;
    env_start(&e, NULL);
    static char out[8192];
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--help"), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Exit status"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "view --help"), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "allocate --help"), 0);
    /* Usage errors: 2, before anything is contacted. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "%s", ""), 2); /* no command */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "frobnicate"), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--bogus view pools"), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s view", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s view widgets", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s createpool", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s createpool X /aexplode", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s allocate P /oforever", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket x --db y view pools"), 2);
    /* Not implemented: 4. No daemon: 3. Unknown pool: 1. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s ejectatapi", e.sock), 4);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s erase", e.sock), 4);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s watch --type widget", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s opreq satisfy notaguid", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s mount /lgX", e.sock), 1); /* no such */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s mount", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s library", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s library add", e.sock), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s library add nosuch:x", e.sock), 1);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s/none view pools", e.dir), 3);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s deletepool NoSuchPool", e.sock), 1);
    /* --db: the engine in the CLI's process, no daemon. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--db %s/other createpool Local", e.dir), 0);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--db %s/other view pools", e.dir), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nLocal "));
    /* export-db through the daemon writes into its database directory. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "--socket %s export-db", e.sock), 0);
    char path[400];
    snprintf(path, sizeof path, "%s/Export/rsm.db", e.db);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    env_stop(&e);
}

static CU_TestInfo rsmd_tests[] = {
    {"library_control_over_socket", test_library_control_over_socket},
    {"cli_pools_and_media", test_cli_pools_and_media},
    {"cli_scratch_pool_and_movetopool", test_cli_scratch_pool_and_movetopool},
    {"cli_embedded_library_add", test_cli_embedded_library_add},
    {"cli_errors_and_exit_codes", test_cli_errors_and_exit_codes},
    {"no_daemon_not_connected", test_no_daemon_not_connected},
    {"default_socket_from_environment", test_default_socket_from_environment},
    {"socket_mode_0660", test_socket_mode_0660},
    {"second_daemon_refused", test_second_daemon_refused},
    {"protocol_error_answers", test_protocol_error_answers},
    {"overlong_line_drops_client_only", test_overlong_line_drops_client_only},
    {"stalled_client_does_not_block_others", test_stalled_client_does_not_block_others},
    {"max_clients_refuses_extra_connections", test_max_clients_refuses_extra_connections},
    {"many_concurrent_sessions", test_many_concurrent_sessions},
    {"other_uid_denied_without_rights", test_other_uid_denied_without_rights},
    {"operator_group_administers", test_operator_group_administers},
    {"kill9_during_allocate_storm", test_kill9_during_allocate_storm},
    {"cli_freemedia", test_cli_freemedia},
    {"sigterm_cancels_waiting_allocation", test_sigterm_cancels_waiting_allocation},
    {"export_import_over_socket", test_export_import_over_socket},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsmd_suites[] = {
    {"rsmd", NULL, NULL, NULL, NULL, rsmd_tests},
    CU_SUITE_INFO_NULL,
};
