/* SPDX-License-Identifier: MIT
 * Change notifications (contract in events.h): events queued by a transaction, delivered
 * to per-type watchers when it commits, each watcher with a bounded queue of its own.
 *
 * Two locks. e->mu (the engine's) guards the pending list, which only the thread inside a
 * transaction touches. hub->mu guards the watchers and their queues; it is taken after
 * e->mu, never before, and nobody blocks while holding it, so delivery (at commit, under
 * e->mu) costs one append per watcher and a slow or dead watcher cannot stall a writer:
 * its queue fills, it is marked as having lost events, and it learns so when it next
 * reads (RSM_E_NO_DATA after the events queued before the loss).
 *
 * The hub is created by the first watcher (rsm_watch_open); until then there is nobody to
 * tell and rsm_notify returns at once. Events of a type nobody watches are not queued.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsm/engine/events.h"

struct rsm_watcher {
    struct rsm_engine *e;
    uint32_t type;
    uint32_t cap, head, n;   /* ring of cap events: n queued starting at head */
    struct rsm_event *ring;
    bool lost;               /* an event did not fit: the channel is broken after the queue */
    bool closed;             /* rsm_watch_close ran; waiters leave */
    int refs;                /* the handle's own + one per wait in progress */
    pthread_cond_t cv;       /* signalled on delivery and close */
    struct rsm_watcher *next;
};

struct rsm_notify_hub {
    pthread_mutex_t mu;       /* guards the watchers, their queues and n_by_type */
    struct rsm_watcher *watchers;
    uint32_t n_by_type[RSM_OT_COUNT]; /* written under e->mu and mu: either lock reads it */
    struct rsm_event *pending;        /* e->mu: events of the open transaction */
    size_t n_pending, cap_pending;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Appends the pending events to the queues of their watchers (hub->mu held). */
static void deliver(struct rsm_notify_hub *h, const struct rsm_event *ev, size_t n)
{
    int64_t now = mono_ns();
    for (struct rsm_watcher *w = h->watchers; w; w = w->next) {
        if (w->closed || w->lost)
            continue;
        bool got = false;
        for (size_t i = 0; i < n; i++) {
            if (ev[i].type != w->type)
                continue;
            if (w->n == w->cap) {
                w->lost = true; /* the rest would be a gap: stop here, say so on read */
                got = true;
                break;
            }
            struct rsm_event *slot = &w->ring[(w->head + w->n) % w->cap];
            *slot = ev[i];
            slot->commit_ns = now;
            w->n++;
            got = true;
        }
        if (got)
            pthread_cond_broadcast(&w->cv);
    }
}

/* rsm_db_end's hook: the transaction's events go out on commit and vanish on rollback. */
static void on_txn_end(void *owner, bool committed)
{
    struct rsm_engine *e = owner;
    struct rsm_notify_hub *h = e->notify;
    if (!h || h->n_pending == 0)
        return;
    if (committed) {
        pthread_mutex_lock(&h->mu);
        deliver(h, h->pending, h->n_pending);
        pthread_mutex_unlock(&h->mu);
    }
    h->n_pending = 0;
}

void rsm_notify(struct rsm_engine *e, uint32_t type, uint32_t op, const struct rsm_guid *id)
{
    struct rsm_notify_hub *h = e ? e->notify : NULL;
    if (!h || type >= RSM_OT_COUNT || h->n_by_type[type] == 0 || !id)
        return;
    struct rsm_event ev = {.type = type, .op = op, .id = *id};
    if (!rsm_db_in_txn(e->db)) {
        pthread_mutex_lock(&h->mu);
        deliver(h, &ev, 1);
        pthread_mutex_unlock(&h->mu);
        return;
    }
    /* The same announcement twice in one transaction (a row helper and its caller both
     * announcing, or two updates of one object) is one change for a watcher. Looking back
     * a few entries catches those without making a bulk transaction quadratic. */
    for (size_t i = h->n_pending, k = 0; i > 0 && k < 16; i--, k++) {
        const struct rsm_event *p = &h->pending[i - 1];
        if (p->type == type && p->op == op && rsm_guid_eq(&p->id, id))
            return;
    }
    if (h->n_pending == h->cap_pending) {
        size_t cap = h->cap_pending ? h->cap_pending * 2 : 64;
        struct rsm_event *p = realloc(h->pending, cap * sizeof *p);
        if (!p) {
            /* Out of memory: the event cannot be kept, so every watcher of its type is
             * told it lost events rather than left to miss one silently. */
            pthread_mutex_lock(&h->mu);
            for (struct rsm_watcher *w = h->watchers; w; w = w->next)
                if (w->type == type) {
                    w->lost = true;
                    pthread_cond_broadcast(&w->cv);
                }
            pthread_mutex_unlock(&h->mu);
            return;
        }
        h->pending = p;
        h->cap_pending = cap;
    }
    h->pending[h->n_pending++] = ev;
}

void rsm_notify_db(struct rsm_db *db, uint32_t type, uint32_t op, const struct rsm_guid *id)
{
    rsm_notify(rsm_db_owner(db), type, op, id);
}

rsm_rc rsm_watch_open(struct rsm_engine *e, const struct rsm_caller *c, uint32_t type,
                      uint32_t queue_cap, struct rsm_watcher **out)
{
    if (!e || !c || !out)
        return RSM_E_INVALID_PARAMETER;
    struct rsm_watcher *w = calloc(1, sizeof *w);
    uint32_t cap = queue_cap ? queue_cap : RSM_WATCH_QUEUE_DEFAULT;
    if (w)
        w->ring = malloc((size_t)cap * sizeof *w->ring);
    if (!w || !w->ring) {
        if (w)
            free(w);
        return RSM_E_NOMEM;
    }
    w->e = e;
    w->type = type;
    w->cap = cap;
    w->refs = 1; /* the handle's; dropped by rsm_watch_close */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);

    rsm_engine_lock(e);
    rsm_rc rc = rsm_sec_need(e, c, &e->computer, RSM_USE_ACCESS);
    if (rc == RSM_OK && !e->notify) {
        struct rsm_notify_hub *h = calloc(1, sizeof *h);
        if (!h) {
            rc = RSM_E_NOMEM;
        } else {
            pthread_mutex_init(&h->mu, NULL);
            e->notify = h;
            rsm_db_set_owner(e->db, e, on_txn_end);
        }
    }
    if (rc == RSM_OK) {
        struct rsm_notify_hub *h = e->notify;
        pthread_mutex_lock(&h->mu);
        w->next = h->watchers;
        h->watchers = w;
        if (type < RSM_OT_COUNT)
            h->n_by_type[type]++;
        pthread_mutex_unlock(&h->mu);
    }
    rsm_engine_unlock(e);
    if (rc != RSM_OK) {
        pthread_cond_destroy(&w->cv);
        free(w->ring);
        free(w);
        return rc;
    }
    *out = w;
    return RSM_OK;
}

/* Drops one reference (hub->mu held); the last one frees the watcher, already unlinked. */
static void watcher_unref(struct rsm_watcher *w)
{
    if (--w->refs > 0)
        return;
    pthread_cond_destroy(&w->cv);
    free(w->ring);
    free(w);
}

rsm_rc rsm_watch_wait(struct rsm_watcher *w, struct rsm_event *out, uint32_t cap, uint32_t *n,
                      uint32_t timeout_ms, const _Atomic int *cancel)
{
    if (!w || !out || !n || cap == 0)
        return RSM_E_INVALID_PARAMETER;
    struct rsm_notify_hub *h = w->e->notify;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t deadline = timeout_ms == UINT32_MAX
                           ? INT64_MAX
                           : (int64_t)now.tv_sec * 1000000000 + now.tv_nsec +
                                 (int64_t)timeout_ms * 1000000;
    rsm_rc rc = RSM_OK;
    *n = 0;
    pthread_mutex_lock(&h->mu);
    if (w->closed) {
        pthread_mutex_unlock(&h->mu);
        return RSM_E_INVALID_HANDLE;
    }
    w->refs++; /* paired with watcher_unref below: a close meanwhile must not free it */
    for (;;) {
        if (w->closed) {
            rc = RSM_E_INVALID_HANDLE;
            break;
        }
        if (w->n > 0) {
            uint32_t k = w->n < cap ? w->n : cap;
            for (uint32_t i = 0; i < k; i++)
                out[i] = w->ring[(w->head + i) % w->cap];
            w->head = (w->head + k) % w->cap;
            w->n -= k;
            *n = k;
            break;
        }
        if (w->lost) {
            rc = RSM_E_NO_DATA;
            break;
        }
        if (cancel && *cancel) {
            rc = RSM_E_CANCELLED;
            break;
        }
        int64_t t = mono_ns();
        if (t >= deadline) {
            rc = RSM_E_TIMEOUT;
            break;
        }
        /* With a cancel flag, wake every 50 ms to look at it (the flag has no condvar). */
        int64_t until = deadline;
        if (cancel && deadline - t > 50000000)
            until = t + 50000000;
        struct timespec ts = {.tv_sec = (time_t)(until / 1000000000),
                              .tv_nsec = (long)(until % 1000000000)};
        pthread_cond_timedwait(&w->cv, &h->mu, &ts);
    }
    watcher_unref(w);
    pthread_mutex_unlock(&h->mu);
    return rc;
}

void rsm_watch_close(struct rsm_watcher *w)
{
    if (!w)
        return;
    struct rsm_engine *e = w->e;
    rsm_engine_lock(e); /* n_by_type is read under e->mu by rsm_notify */
    struct rsm_notify_hub *h = e->notify;
    pthread_mutex_lock(&h->mu);
    for (struct rsm_watcher **p = &h->watchers; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    if (w->type < RSM_OT_COUNT)
        h->n_by_type[w->type]--;
    w->closed = true;
    pthread_cond_broadcast(&w->cv);
    watcher_unref(w); /* the handle's reference, taken at open */
    pthread_mutex_unlock(&h->mu);
    rsm_engine_unlock(e);
}

void rsm_notify_engine_closing(struct rsm_engine *e)
{
    struct rsm_notify_hub *h = e->notify;
    if (!h)
        return;
    rsm_db_set_owner(e->db, NULL, NULL);
    pthread_mutex_destroy(&h->mu);
    free(h->pending);
    free(h);
    e->notify = NULL;
}
