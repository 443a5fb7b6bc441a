/* SPDX-License-Identifier: MIT
 * OpenNtmsSessionA/W and CloseNtmsSession (ntms-api.md §2.9), the session list, and the
 * GUID/time conversions shared by the API files.
 *
 * Server names: "embedded:DIR" runs the engine in this process on the database in DIR
 * (created if missing); "unix:PATH" talks to the rsmd listening on socket PATH; NULL or ""
 * uses $RSM_EMBEDDED as DIR when it is set, and otherwise the local rsmd service at
 * $RSM_SOCKET, else /run/rsm/rsmd.sock. When no rsmd answers the result is
 * ERROR_NOT_CONNECTED, as Windows reports an unreachable RSM service. Any other name is a
 * remote host, which this build does not reach: also ERROR_NOT_CONNECTED.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rsm/api/session.h"
#include "rsm/api/wstr.h"
#include "rsm/client/client.h"

#define SESSION_MAGIC 0x52534d53u /* "RSMS" */

static pthread_mutex_t sessions_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rsm_session *sessions;

struct rsm_session *rsm_session_acquire(HANDLE h)
{
    if (!h || h == INVALID_HANDLE_VALUE)
        return NULL;
    pthread_mutex_lock(&sessions_mu);
    struct rsm_session *s = sessions;
    while (s && (HANDLE)s != h)
        s = s->next;
    if (s && (s->magic != SESSION_MAGIC || s->closed || s->pid != getpid()))
        s = NULL;
    if (s)
        s->refs++; /* paired with rsm_session_release() */
    pthread_mutex_unlock(&sessions_mu);
    return s;
}

void rsm_session_release(struct rsm_session *s)
{
    pthread_mutex_lock(&sessions_mu);
    int last = --s->refs == 0;
    pthread_mutex_unlock(&sessions_mu);
    if (last) {
        if (s->engine)
            rsm_engine_close(s->engine);
        if (s->remote)
            rsm_remote_close(s->remote);
        s->magic = 0;
        free(s);
    }
}

static HANDLE publish(struct rsm_session *s)
{
    s->magic = SESSION_MAGIC;
    s->pid = getpid();
    s->refs = 1; /* the handle's own reference, dropped by CloseNtmsSession */
    pthread_mutex_lock(&sessions_mu);
    s->next = sessions;
    sessions = s;
    pthread_mutex_unlock(&sessions_mu);
    return (HANDLE)s;
}

/* A session on rsmd: the daemon identifies us by our socket credentials and checks the
 * right to open a session (USE on the computer) in its hello. */
static HANDLE open_remote(const char *path, const char *app)
{
    struct rsm_session *s = calloc(1, sizeof *s);
    if (!s) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    rsm_caller_self(&s->caller);
    s->caller.cancel = &s->closed;
    rsm_rc rc = rsm_remote_open(path, app && *app ? app : NULL, &s->remote);
    if (rc != RSM_OK) {
        free(s);
        SetLastError(rsm_rc_to_win32(rc));
        return INVALID_HANDLE_VALUE;
    }
    return publish(s);
}

static HANDLE open_session(const char *server, const char *app, DWORD options)
{
    if (options & ~(DWORD)NTMS_SESSION_QUERYEXPEDITE) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    const char *dir = NULL, *sock = NULL;
    if (server && !strncmp(server, "unix:", 5)) {
        sock = server + 5;
        if (!*sock) {
            SetLastError(ERROR_INVALID_COMPUTERNAME);
            return INVALID_HANDLE_VALUE;
        }
    } else if (server && !strncmp(server, "embedded:", 9)) {
        dir = server + 9;
        if (!*dir) {
            SetLastError(ERROR_INVALID_COMPUTERNAME);
            return INVALID_HANDLE_VALUE;
        }
    } else if (!server || !*server) {
        dir = getenv("RSM_EMBEDDED");
        if (dir && !*dir)
            dir = NULL;
        if (!dir)
            sock = rsm_client_default_socket();
    }
    if (sock)
        return open_remote(sock, app);
    if (!dir) {
        SetLastError(ERROR_NOT_CONNECTED); /* rsmd / remote servers: not reachable here */
        return INVALID_HANDLE_VALUE;
    }
    struct rsm_session *s = calloc(1, sizeof *s);
    if (!s) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    rsm_rc rc = rsm_engine_open(dir, &s->engine);
    if (rc != RSM_OK) {
        free(s);
        SetLastError(rsm_rc_to_win32(rc));
        return INVALID_HANDLE_VALUE;
    }
    rsm_caller_self(&s->caller);
    s->caller.cancel = &s->closed;
    if (app && *app) {
        size_t n = strlen(app);
        if (n >= sizeof s->caller.app)
            n = sizeof s->caller.app - 1;
        memcpy(s->caller.app, app, n);
        s->caller.app[n] = 0;
    }
    struct rsm_guid computer;
    rsm_engine_wellknown(s->engine, "computer", &computer);
    struct rsm_objinfo *probe = malloc(sizeof *probe);
    rc = probe ? rsm_object_get(s->engine, &s->caller, &computer, RSM_OT_COMPUTER, probe)
               : RSM_E_NOMEM; /* USE on the computer: the right to open a session */
    free(probe);
    if (rc != RSM_OK) {
        rsm_engine_close(s->engine);
        free(s);
        SetLastError(rsm_rc_to_win32(rc));
        return INVALID_HANDLE_VALUE;
    }
    return publish(s);
}

HANDLE WINAPI OpenNtmsSessionA(LPCSTR lpServer, LPCSTR lpApplication, DWORD dwOptions)
{
    return open_session(lpServer, lpApplication, dwOptions);
}

HANDLE WINAPI OpenNtmsSessionW(LPCWSTR lpServer, LPCWSTR lpApplication, DWORD dwOptions)
{
    char *server = NULL, *app = NULL;
    DWORD err = rsm_w_to_utf8dup(lpServer, &server);
    if (err == ERROR_SUCCESS)
        err = rsm_w_to_utf8dup(lpApplication, &app);
    HANDLE h = INVALID_HANDLE_VALUE;
    if (err == ERROR_SUCCESS)
        h = open_session(server, app, dwOptions);
    else
        SetLastError(err == ERROR_INVALID_PARAMETER ? ERROR_INVALID_COMPUTERNAME : err);
    free(server);
    free(app);
    return h;
}

DWORD WINAPI CloseNtmsSession(HANDLE hSession)
{
    pthread_mutex_lock(&sessions_mu);
    struct rsm_session **p = &sessions;
    while (*p && (HANDLE)*p != hSession)
        p = &(*p)->next;
    struct rsm_session *s = *p;
    if (!s || s->magic != SESSION_MAGIC || s->closed || s->pid != getpid()) {
        pthread_mutex_unlock(&sessions_mu);
        return rsm_api_ret(ERROR_INVALID_HANDLE);
    }
    *p = s->next; /* no new call can find it; calls in flight keep their reference */
    s->closed = 1;
    pthread_mutex_unlock(&sessions_mu);
    /* A call of this session waiting in the engine (allocation) ends with
     * ERROR_CANCELLED; the handle's own reference keeps s alive until after the wake. */
    if (s->engine)
        rsm_engine_wake(s->engine);
    else
        rsm_remote_cancel(s->remote);
    rsm_session_release(s); /* the handle's reference, taken at open */
    return ERROR_SUCCESS;
}

DWORD rsm_session_set_caller(HANDLE h, uint32_t uid, const uint32_t *gids, uint32_t n_gids)
{
    struct rsm_session *s = rsm_session_acquire(h);
    if (!s)
        return ERROR_INVALID_HANDLE;
    if (n_gids > RSM_CALLER_MAX_GROUPS)
        n_gids = RSM_CALLER_MAX_GROUPS;
    if (s->remote) {
        rsm_rc rc = rsm_remote_set_caller(s->remote, uid, gids, n_gids);
        rsm_session_release(s);
        return rsm_rc_to_win32(rc);
    }
    s->caller.uid = uid;
    s->caller.n_gids = n_gids;
    if (n_gids)
        memcpy(s->caller.gids, gids, n_gids * sizeof *gids);
    rsm_session_release(s);
    return ERROR_SUCCESS;
}

struct rsm_engine *rsm_session_engine(HANDLE h)
{
    struct rsm_session *s = rsm_session_acquire(h);
    if (!s)
        return NULL;
    struct rsm_engine *e = s->engine;
    rsm_session_release(s);
    return e;
}

void rsm_guid_from_api(struct rsm_guid *out, const GUID *g)
{
    if (g)
        memcpy(out->b, g, 16);
    else
        memset(out->b, 0, 16);
}

void rsm_guid_to_api(GUID *out, const struct rsm_guid *g)
{
    memcpy(out, g->b, 16);
}

void rsm_time_to_api(SYSTEMTIME *out, int64_t ms)
{
    memset(out, 0, sizeof *out);
    if (ms <= 0)
        return;
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return;
    out->wYear = (WORD)(tm.tm_year + 1900);
    out->wMonth = (WORD)(tm.tm_mon + 1);
    out->wDayOfWeek = (WORD)tm.tm_wday;
    out->wDay = (WORD)tm.tm_mday;
    out->wHour = (WORD)tm.tm_hour;
    out->wMinute = (WORD)tm.tm_min;
    out->wSecond = (WORD)tm.tm_sec;
    out->wMilliseconds = (WORD)(ms % 1000);
}
