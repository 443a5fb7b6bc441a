/* SPDX-License-Identifier: MIT
 * Notification functions of the NTMS API (ntms-api.md §2.4): OpenNtmsNotification,
 * WaitForNtmsNotification, CloseNtmsNotification.
 *
 * A notification handle is a pointer to struct notify_handle, valid only while it is in
 * this file's list (looked up on every call, like session handles), so a stale or foreign
 * handle gives ERROR_INVALID_HANDLE. It holds a reference on its session. Events are
 * queued per handle between waits (rsm/engine/notify.c); a handle whose queue overflowed
 * answers ERROR_NO_DATA once the events queued before the loss have been read, and keeps
 * answering it: the documented "channel broke, close and reopen". Closing a handle while
 * another thread waits on it makes that wait return ERROR_INVALID_HANDLE (within 100 ms);
 * so does closing its session.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "rsm/api/session.h"
#include "rsm/client/client.h"

#define NOTIFY_MAGIC 0x52534e54u /* "RSNT" */

struct notify_handle {
    uint32_t magic;
    int refs; /* guarded by notify_mu: the handle's own + one per call in progress */
    bool closed;
    pid_t pid;
    struct rsm_session *s; /* referenced while the handle lives */
    struct rsm_be_watch *w;
    struct notify_handle *next;
};

static pthread_mutex_t notify_mu = PTHREAD_MUTEX_INITIALIZER;
static struct notify_handle *handles;

static struct notify_handle *acquire(HANDLE h)
{
    if (!h || h == INVALID_HANDLE_VALUE)
        return NULL;
    pthread_mutex_lock(&notify_mu);
    struct notify_handle *n = handles;
    while (n && (HANDLE)n != h)
        n = n->next;
    if (n && (n->magic != NOTIFY_MAGIC || n->closed || n->pid != getpid()))
        n = NULL;
    if (n)
        n->refs++; /* paired with release() */
    pthread_mutex_unlock(&notify_mu);
    return n;
}

static void release(struct notify_handle *n)
{
    pthread_mutex_lock(&notify_mu);
    int last = --n->refs == 0;
    pthread_mutex_unlock(&notify_mu);
    if (last) {
        rsm_be_watch_close(n->w);
        rsm_session_release(n->s);
        n->magic = 0;
        free(n);
    }
}

HANDLE WINAPI OpenNtmsNotification(HANDLE hSession, DWORD dwType)
{
    struct rsm_session *s = rsm_session_acquire(hSession);
    if (!s) {
        SetLastError(ERROR_INVALID_HANDLE);
        return INVALID_HANDLE_VALUE;
    }
    struct notify_handle *n = calloc(1, sizeof *n);
    rsm_rc rc = n ? rsm_be_watch_open(s, dwType, 0, &n->w) : RSM_E_NOMEM;
    if (rc != RSM_OK) {
        free(n);
        rsm_session_release(s);
        SetLastError(rsm_rc_to_win32(rc));
        return INVALID_HANDLE_VALUE;
    }
    n->magic = NOTIFY_MAGIC;
    n->pid = getpid();
    n->s = s; /* the session reference taken above, dropped with the handle */
    n->refs = 1;
    pthread_mutex_lock(&notify_mu);
    n->next = handles;
    handles = n;
    pthread_mutex_unlock(&notify_mu);
    return (HANDLE)n;
}

DWORD WINAPI WaitForNtmsNotification(HANDLE hNotification,
                                     LPNTMS_NOTIFICATIONINFORMATION lpNotificationInformation,
                                     DWORD dwTimeout)
{
    struct notify_handle *n = acquire(hNotification);
    if (!n)
        return rsm_api_ret(ERROR_INVALID_HANDLE);
    if (!lpNotificationInformation) {
        release(n);
        return rsm_api_ret(ERROR_INVALID_PARAMETER);
    }
    struct rsm_event ev;
    rsm_rc rc = rsm_be_watch_wait(n->w, &ev, dwTimeout);
    release(n);
    if (rc == RSM_OK) {
        lpNotificationInformation->dwOperation = ev.op;
        rsm_guid_to_api(&lpNotificationInformation->ObjectId, &ev.id);
    }
    if (rc == RSM_E_CANCELLED)
        rc = RSM_E_INVALID_HANDLE; /* the handle or its session was closed */
    return rsm_api_ret(rsm_rc_to_win32(rc));
}

DWORD WINAPI CloseNtmsNotification(HANDLE hNotification)
{
    if (!hNotification)
        return rsm_api_ret(ERROR_INVALID_PARAMETER);
    pthread_mutex_lock(&notify_mu);
    struct notify_handle **p = &handles;
    while (*p && (HANDLE)*p != hNotification)
        p = &(*p)->next;
    struct notify_handle *n = *p;
    if (!n || n->magic != NOTIFY_MAGIC || n->closed || n->pid != getpid()) {
        pthread_mutex_unlock(&notify_mu);
        return rsm_api_ret(ERROR_INVALID_HANDLE);
    }
    *p = n->next;
    n->closed = true;
    pthread_mutex_unlock(&notify_mu);
    rsm_be_watch_cancel(n->w); /* a wait in progress returns; it holds its own reference */
    release(n);                /* the handle's reference, taken at open */
    return ERROR_SUCCESS;
}
