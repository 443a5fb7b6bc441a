/* SPDX-License-Identifier: MIT
 * The per-library request queue (ntms-api.md §6.4; contract in libctl_int.h).
 *
 * Every library operation is a struct rsm_lc_req and, while it lives, an NTMS_LIBREQUEST
 * object: a `libreq` row whose state walks
 *
 *     QUEUED ──claim──► INPROCESS ──run──► PASSED | FAILED
 *        └──── CancelNtmsLibraryRequest, timeout, engine close ────► CANCELLED
 *
 * Order: rank first (dismounts before mounts), then the position in the list. A new
 * request goes after the last one of its rank with a priority at least its own
 * (priority, then arrival); SetNtmsRequestOrder moves a queued mount to a position and
 * the others shift. Order numbers are positions among the queued mounts of the library
 * (1 = next), so they live in memory only: at restart nothing is queued.
 *
 * Dispatch (rsm_lc_dispatch, under L->qmu) walks the queue in order and starts every
 * request whose claim succeeds: its media and drives are then held until it ends, so two
 * requests never touch one drive or one cartridge, while requests on different drives run
 * at the same time, each on a thread of its own. The robot is a separate lock (L->mu)
 * taken by the runners around changer commands only. A request that needs the whole
 * library (inventory) waits until nothing runs and stops everything behind it.
 *
 * Deferred dismounts: rsm_lc_defer_arm() records a deadline; the reaper thread submits
 * an internal dismount of the drive when it passes (if the drive still waits then).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsm/api/session.h" /* rsm_rc_to_win32: the libreq row keeps dwErrorCode */
#include "rsm/engine/events.h"
#include "rsm/engine/libctl_int.h"

struct rsm_lc_defer {
    struct rsm_guid drive;
    int64_t due_ms; /* CLOCK_MONOTONIC */
    struct rsm_lc_defer *next;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct timespec ts_of_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    return ts;
}

struct rsm_lc_req *rsm_lc_req_new(const struct rsm_lc_req_ops *ops, const struct rsm_caller *c)
{
    struct rsm_lc_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->ops = ops;
    if (c)
        r->caller = *c;
    else
        snprintf(r->caller.app, sizeof r->caller.app, "RSM");
    rsm_guid_new(&r->id);
    return r;
}

/* ---- the libreq row ------------------------------------------------------------------- */

static const char *op_name(uint32_t op)
{
    switch (op) {
    case 17:
        return "Mount";
    case 16:
        return "Dismount";
    case 8:
        return "Inventory";
    default:
        return "Request";
    }
}

/* Inserts @r's row (e->mu held, own transaction). */
static rsm_rc row_insert(struct rsm_engine *e, const struct rsm_lc_lib *L, const struct rsm_lc_req *r)
{
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = rsm_obj_insert(e->db, &r->id, RSM_OT_LIBREQUEST, op_name(r->ops->op), "");
    sqlite3_stmt *st = rc == RSM_OK ? rsm_db_stmt(e->db,
                                                  "INSERT INTO libreq(guid,library,op,option,state,"
                                                  "drive,queued,app,user,priority,side) "
                                                  "VALUES(?1,?2,?3,?4,0,?5,?6,?7,?8,?9,?10)")
                                    : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, &r->id);
        rsm_db_bind_guid_nn(st, 2, &L->guid);
        sqlite3_bind_int(st, 3, (int)r->ops->op);
        sqlite3_bind_int(st, 4, (int)r->options);
        const struct rsm_guid *d = !rsm_guid_is_null(&r->drive)                 ? &r->drive
                                   : r->n == 1 && !rsm_guid_is_null(&r->drives[0]) ? &r->drives[0]
                                                                                 : NULL;
        if (d)
            rsm_db_bind_guid_nn(st, 5, d);
        sqlite3_bind_int64(st, 6, rsm_db_now_ms());
        sqlite3_bind_text(st, 7, r->caller.app, -1, SQLITE_STATIC);
        char user[32];
        snprintf(user, sizeof user, "%u", r->caller.uid);
        sqlite3_bind_text(st, 8, user, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 9, r->priority);
        if (r->n == 1)
            rsm_db_bind_guid_nn(st, 10, &r->media[0]);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rsm_notify(e, RSM_OT_LIBREQUEST, RSM_EV_INSERT, &r->id);
    return rsm_db_end(e->db, rc);
}

/* Records @r's state (and, once finished, its result and end time). e->mu held. A failure
 * to record is ignored on purpose: the caller's result is what the request did, and an
 * unfinished row is marked CANCELLED at the next close. */
static void row_state(struct rsm_engine *e, const struct rsm_lc_req *r)
{
    bool done = r->state != 0 && r->state != 1 && r->state != 5;
    rsm_rc rc = rsm_db_begin(e->db);
    sqlite3_stmt *st = rc == RSM_OK
                           ? rsm_db_stmt(e->db, "UPDATE libreq SET state=?2, err=?3, completed=?4, "
                                                "drive=coalesce(?5, drive), pmedia=coalesce(?6, "
                                                "pmedia) WHERE guid=?1")
                           : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, &r->id);
        sqlite3_bind_int(st, 2, (int)r->state);
        /* `err` is NTMS_LIBREQUESTINFORMATION.dwErrorCode as it is shown (schema.c), so
         * the one table of rsm/api/errmap.c turns the engine's code into it here. */
        sqlite3_bind_int64(st, 3, done && r->result != RSM_OK ? (int64_t)rsm_rc_to_win32(r->result)
                                                              : 0);
        sqlite3_bind_int64(st, 4, done ? rsm_db_now_ms() : 0);
        if (r->n_claim == 1 && !rsm_guid_is_null(&r->claim_drive[0]))
            rsm_db_bind_guid_nn(st, 5, &r->claim_drive[0]);
        if (r->n_claim == 1 && !rsm_guid_is_null(&r->claim_pm[0]))
            rsm_db_bind_guid_nn(st, 6, &r->claim_pm[0]);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rsm_notify(e, RSM_OT_LIBREQUEST, RSM_EV_UPDATE, &r->id);
    (void)rsm_db_end(e->db, rc); /* see above */
}

static void set_state(struct rsm_engine *e, struct rsm_lc_req *r, uint32_t state, rsm_rc result)
{
    r->state = state;
    r->result = result;
    rsm_engine_lock(e);
    row_state(e, r);
    rsm_engine_unlock(e);
}

/* ---- the queue ---------------------------------------------------------------------- */

static void unlink_req(struct rsm_lc_req **head, struct rsm_lc_req *r)
{
    for (struct rsm_lc_req **p = head; *p; p = &(*p)->next)
        if (*p == r) {
            *p = r->next;
            r->next = NULL;
            return;
        }
}

/* Inserts @r by rank, then after the last request with a priority at least its own. */
static void insert_ordered(struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    struct rsm_lc_req **p = &L->queue, **at = NULL;
    for (; *p; p = &(*p)->next) {
        const struct rsm_lc_req *q = *p;
        if (q->ops->rank < r->ops->rank ||
            (q->ops->rank == r->ops->rank && q->priority >= r->priority))
            at = &(*p)->next;
    }
    if (!at)
        at = &L->queue;
    r->next = *at;
    *at = r;
}

bool rsm_lc_claimed(const struct rsm_lc_lib *L, const struct rsm_guid *g)
{
    for (const struct rsm_lc_req *r = L->running; r; r = r->next)
        for (uint32_t i = 0; i < r->n_claim; i++)
            if (rsm_guid_eq(&r->claim_pm[i], g) || rsm_guid_eq(&r->claim_drive[i], g))
                return true;
    return false;
}

struct runner_arg {
    struct rsm_engine *e;
    struct rsm_lc_lib *L;
    struct rsm_lc_req *r;
};

static void *runner(void *p)
{
    struct runner_arg a = *(struct runner_arg *)p;
    free(p);
    rsm_rc rc = a.r->ops->run(a.e, a.L, a.r);
    pthread_mutex_lock(&a.L->qmu);
    unlink_req(&a.L->running, a.r);
    a.L->n_running--;
    if (a.r->ops->exclusive)
        a.L->exclusive = false;
    a.r->n_claim = 0;
    set_state(a.e, a.r, rc == RSM_OK ? 2 /* PASSED */ : 3 /* FAILED */, rc);
    bool detached = a.r->detached;
    if (detached)
        free(a.r);
    rsm_lc_dispatch(a.e, a.L);
    pthread_cond_broadcast(&a.L->qcv);
    pthread_mutex_unlock(&a.L->qmu);
    return NULL;
}

void rsm_lc_dispatch(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    if (L->closing)
        return;
    for (struct rsm_lc_req *r = L->queue, *nx; r; r = nx) {
        nx = r->next;
        if (L->exclusive)
            return;
        if (r->ops->exclusive && L->n_running > 0)
            return; /* it waits for the library to drain; nothing passes it */
        rsm_engine_lock(e);
        r->n_claim = 0;
        rsm_rc rc = r->ops->claim(e, L, r);
        rsm_engine_unlock(e);
        if (rc == RSM_E_BUSY) {
            r->n_claim = 0;
            continue;
        }
        unlink_req(&L->queue, r);
        if (rc != RSM_OK) {
            r->n_claim = 0;
            set_state(e, r, 3, rc);
            if (r->detached)
                free(r);
            pthread_cond_broadcast(&L->qcv);
            continue;
        }
        struct runner_arg *a = malloc(sizeof *a);
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (a) {
            *a = (struct runner_arg){e, L, r};
            r->next = L->running;
            L->running = r;
            L->n_running++;
            if (r->ops->exclusive)
                L->exclusive = true;
            set_state(e, r, 1 /* INPROCESS */, RSM_OK);
        }
        if (!a || pthread_create(&t, &at, runner, a) != 0) {
            if (a) {
                unlink_req(&L->running, r);
                L->n_running--;
                if (r->ops->exclusive)
                    L->exclusive = false;
            }
            free(a);
            r->n_claim = 0;
            set_state(e, r, 3, RSM_E_NOMEM);
            if (r->detached)
                free(r);
        }
        pthread_attr_destroy(&at);
        pthread_cond_broadcast(&L->qcv);
    }
}

rsm_rc rsm_lc_req_submit(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    if (r->priority < -15 || r->priority > 15) {
        free(r);
        return RSM_E_INVALID_PARAMETER;
    }
    pthread_mutex_lock(&L->qmu);
    if (L->closing) {
        pthread_mutex_unlock(&L->qmu);
        free(r);
        return RSM_E_CANCELLED;
    }
    rsm_engine_lock(e);
    rsm_rc rc = row_insert(e, L, r);
    rsm_engine_unlock(e);
    if (rc != RSM_OK) {
        pthread_mutex_unlock(&L->qmu);
        free(r);
        return rc;
    }
    r->state = 0;
    insert_ordered(L, r);
    rsm_lc_dispatch(e, L);
    pthread_mutex_unlock(&L->qmu);
    return RSM_OK;
}

static bool finished(const struct rsm_lc_req *r)
{
    return r->state == 2 || r->state == 3 || r->state == 7;
}

rsm_rc rsm_lc_req_wait(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r,
                       uint32_t timeout_ms, struct rsm_lc_req *out)
{
    const _Atomic int *cancel = r->caller.cancel; /* the waiter's session: it is open */
    int64_t deadline = timeout_ms == UINT32_MAX ? INT64_MAX : mono_ms() + timeout_ms;
    pthread_mutex_lock(&L->qmu);
    for (;;) {
        if (finished(r))
            break;
        bool queued = r->state == 0 || r->state == 5;
        int64_t now = mono_ms();
        if (queued && (timeout_ms == 0 || now >= deadline || (cancel && *cancel))) {
            /* Still waiting for its turn: it leaves the queue and nothing was done. */
            unlink_req(&L->queue, r);
            if (cancel && *cancel)
                set_state(e, r, 7, RSM_E_CANCELLED); /* CloseNtmsSession */
            else if (timeout_ms == 0)
                set_state(e, r, 3, RSM_E_BUSY); /* could not start at once */
            else
                set_state(e, r, 7, RSM_E_TIMEOUT); /* ntms-api.md §6.3: cancelled */
            pthread_cond_broadcast(&L->qcv);
            break;
        }
        /* Polled every 100 ms as well, so a closed engine or a lost wake-up cannot hang
         * the caller beyond that. */
        int64_t until = now + 100;
        if (queued && deadline < until)
            until = deadline;
        struct timespec ts = ts_of_ms(until);
        (void)pthread_cond_timedwait(&L->qcv, &L->qmu, &ts);
    }
    rsm_rc rc = r->result;
    if (out)
        *out = *r;
    free(r);
    pthread_mutex_unlock(&L->qmu);
    return rc;
}

void rsm_lc_req_detach(struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    pthread_mutex_lock(&L->qmu);
    r->caller.cancel = NULL; /* it outlives the session that submitted it */
    if (finished(r))
        free(r);
    else
        r->detached = true;
    pthread_mutex_unlock(&L->qmu);
}

/* ---- deferred dismounts ------------------------------------------------------------------ */

static void *reaper(void *p)
{
    struct rsm_lc_lib *L = p;
    pthread_mutex_lock(&L->qmu);
    while (!L->closing) {
        int64_t now = mono_ms(), next = INT64_MAX;
        for (struct rsm_lc_defer **d = &L->defers; *d;) {
            if ((*d)->due_ms <= now) {
                struct rsm_lc_defer *x = *d;
                *d = x->next;
                struct rsm_lc_req *r = rsm_lc_req_new(&rsm_lc_defer_ops, NULL);
                if (r) {
                    r->drive = x->drive;
                    r->detached = true;
                    r->priority = 0;
                    rsm_engine_lock(L->e);
                    rsm_rc rc = row_insert(L->e, L, r);
                    rsm_engine_unlock(L->e);
                    if (rc == RSM_OK)
                        insert_ordered(L, r);
                    else
                        free(r); /* the drive keeps its cartridge until it is needed */
                }
                free(x);
                continue;
            }
            if ((*d)->due_ms < next)
                next = (*d)->due_ms;
            d = &(*d)->next;
        }
        rsm_lc_dispatch(L->e, L);
        if (next == INT64_MAX)
            next = now + 60000;
        struct timespec ts = ts_of_ms(next);
        (void)pthread_cond_timedwait(&L->qcv, &L->qmu, &ts);
    }
    pthread_mutex_unlock(&L->qmu);
    return NULL;
}

void rsm_lc_defer_drop(struct rsm_lc_lib *L, const struct rsm_guid *drive)
{
    for (struct rsm_lc_defer **d = &L->defers; *d;) {
        if (rsm_guid_eq(&(*d)->drive, drive)) {
            struct rsm_lc_defer *x = *d;
            *d = x->next;
            free(x);
        } else {
            d = &(*d)->next;
        }
    }
}

void rsm_lc_defer_arm(struct rsm_lc_lib *L, const struct rsm_guid *drive, uint32_t delay_s)
{
    rsm_lc_defer_drop(L, drive);
    struct rsm_lc_defer *d = calloc(1, sizeof *d);
    if (!d)
        return; /* the cartridge waits until a mount needs the drive: still correct */
    d->drive = *drive;
    d->due_ms = mono_ms() + (int64_t)delay_s * 1000;
    d->next = L->defers;
    L->defers = d;
    if (!L->reaper_started) {
        if (pthread_create(&L->reaper, NULL, reaper, L) == 0)
            L->reaper_started = true;
    }
    pthread_cond_broadcast(&L->qcv);
}

void rsm_lc_queue_close(struct rsm_lc_lib *L)
{
    pthread_mutex_lock(&L->qmu);
    L->closing = true;
    while (L->queue) {
        struct rsm_lc_req *r = L->queue;
        L->queue = r->next;
        r->next = NULL;
        set_state(L->e, r, 7, RSM_E_CANCELLED);
        if (r->detached)
            free(r);
    }
    pthread_cond_broadcast(&L->qcv);
    while (L->n_running > 0)
        pthread_cond_wait(&L->qcv, &L->qmu);
    while (L->defers) {
        struct rsm_lc_defer *d = L->defers;
        L->defers = d->next;
        free(d);
    }
    bool join = L->reaper_started;
    L->reaper_started = false;
    pthread_mutex_unlock(&L->qmu);
    if (join)
        pthread_join(L->reaper, NULL);
}

/* ---- CancelNtmsLibraryRequest, DeleteNtmsRequests, Get/SetNtmsRequestOrder -------------- */

/* The library of request @id (a `libreq` row) and the caller's right on it. */
static rsm_rc req_library(struct rsm_engine *e, const struct rsm_caller *c,
                          const struct rsm_guid *id, uint32_t need, struct rsm_guid *library,
                          uint32_t *state)
{
    if (!id)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT library, state FROM libreq WHERE guid=?1");
    rsm_rc rc = RSM_E_DB_FAILURE;
    if (st) {
        rsm_db_bind_guid_nn(st, 1, id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            rsm_db_col_guid(st, 0, library);
            *state = (uint32_t)sqlite3_column_int(st, 1);
            rc = RSM_OK;
        } else {
            rc = src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
        }
        sqlite3_reset(st);
    }
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, library, need);
    rsm_engine_unlock(e);
    return rc;
}

static struct rsm_lc_req *find_in(struct rsm_lc_req *head, const struct rsm_guid *id)
{
    for (; head; head = head->next)
        if (rsm_guid_eq(&head->id, id))
            return head;
    return NULL;
}

rsm_rc rsm_lc_request_cancel(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *request)
{
    struct rsm_guid library;
    uint32_t state = 0;
    rsm_rc rc = req_library(e, c, request, RSM_CONTROL_ACCESS, &library, &state);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_lib *L = rsm_lc_lib_find(e, &library);
    if (!L)
        return RSM_E_NOT_FOUND; /* nothing of this engine runs or waits there */
    pthread_mutex_lock(&L->qmu);
    struct rsm_lc_req *r = find_in(L->queue, request);
    if (r) {
        unlink_req(&L->queue, r);
        set_state(e, r, 7, RSM_E_CANCELLED);
        if (r->detached)
            free(r);
        rsm_lc_dispatch(e, L); /* what waited behind it may start */
        pthread_cond_broadcast(&L->qcv);
    } else {
        rc = find_in(L->running, request) ? RSM_E_ACCESS_DENIED : RSM_E_NOT_FOUND;
    }
    pthread_mutex_unlock(&L->qmu);
    return rc;
}

rsm_rc rsm_lc_request_delete(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *ids, uint32_t n, uint32_t type)
{
    if (!ids || n == 0 || (type != RSM_OT_LIBREQUEST && type != RSM_OT_OPREQUEST))
        return RSM_E_INVALID_PARAMETER;
    const char *sql = type == RSM_OT_LIBREQUEST ? "SELECT state FROM libreq WHERE guid=?1"
                                                : "SELECT state FROM opreq WHERE guid=?1";
    rsm_engine_lock(e);
    rsm_rc rc = rsm_sec_need(e, c, &e->computer, RSM_MODIFY_ACCESS);
    if (rc == RSM_OK)
        rc = rsm_db_begin(e->db);
    for (uint32_t i = 0; rc == RSM_OK && i < n; i++) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, sql);
        if (!st) {
            rc = RSM_E_DB_FAILURE;
            break;
        }
        rsm_db_bind_guid_nn(st, 1, &ids[i]);
        int src = sqlite3_step(st);
        uint32_t state = src == SQLITE_ROW ? (uint32_t)sqlite3_column_int(st, 0) : 0;
        sqlite3_reset(st);
        if (src == SQLITE_DONE)
            continue; /* unknown ids are skipped without error (ntms-api.md) */
        if (src != SQLITE_ROW) {
            rc = rsm_db_map(src);
            break;
        }
        /* Finished: PASSED, FAILED, INVALID, CANCELLED, STOPPED; operator requests
         * REFUSED or COMPLETE. */
        bool done = type == RSM_OT_LIBREQUEST
                        ? (state == 2 || state == 3 || state == 4 || state == 7 || state == 8)
                        : (state == RSM_OPSTATE_REFUSED || state == RSM_OPSTATE_COMPLETE);
        if (!done) {
            rc = RSM_E_INVALID_STATE;
            break;
        }
        rc = rsm_obj_delete_typed(e->db, &ids[i], type);
        if (rc == RSM_OK)
            rsm_notify(e, type, RSM_EV_DELETE, &ids[i]);
    }
    if (rc == RSM_OK || rsm_db_in_txn(e->db))
        rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* Position of @r among the queued mounts of @L (1-based), 0 if it is none of them. */
static uint32_t mount_position(const struct rsm_lc_lib *L, const struct rsm_lc_req *r)
{
    uint32_t pos = 0;
    for (const struct rsm_lc_req *q = L->queue; q; q = q->next) {
        if (q->ops->op != 17)
            continue;
        pos++;
        if (q == r)
            return pos;
    }
    return 0;
}

rsm_rc rsm_lc_request_order_get(struct rsm_engine *e, const struct rsm_caller *c,
                                const struct rsm_guid *request, uint32_t *order)
{
    if (!order)
        return RSM_E_INVALID_PARAMETER;
    struct rsm_guid library;
    uint32_t state = 0;
    rsm_rc rc = req_library(e, c, request, RSM_CONTROL_ACCESS, &library, &state);
    if (rc != RSM_OK)
        return rc;
    *order = 0;
    struct rsm_lc_lib *L = rsm_lc_lib_find(e, &library);
    if (!L)
        return RSM_OK; /* finished or never queued here: ordering does not apply */
    pthread_mutex_lock(&L->qmu);
    struct rsm_lc_req *r = find_in(L->queue, request);
    if (r)
        *order = mount_position(L, r);
    pthread_mutex_unlock(&L->qmu);
    return RSM_OK;
}

rsm_rc rsm_lc_request_order_set(struct rsm_engine *e, const struct rsm_caller *c,
                                const struct rsm_guid *request, uint32_t order)
{
    struct rsm_guid library;
    uint32_t state = 0;
    rsm_rc rc = req_library(e, c, request, RSM_CONTROL_ACCESS, &library, &state);
    if (rc != RSM_OK)
        return rc;
    if (order == 0)
        return RSM_E_INVALID_PARAMETER;
    struct rsm_lc_lib *L = rsm_lc_lib_find(e, &library);
    if (!L)
        return RSM_E_INVALID_PARAMETER; /* not queued: its order is 0 */
    pthread_mutex_lock(&L->qmu);
    struct rsm_lc_req *r = find_in(L->queue, request);
    if (!r || r->ops->op != 17) {
        pthread_mutex_unlock(&L->qmu);
        return RSM_E_INVALID_PARAMETER; /* order 0: cannot be reordered (ntms-api.md) */
    }
    unlink_req(&L->queue, r);
    /* Before the order-th of the other queued mounts, or after the last of them; requests
     * of other kinds keep their places. */
    struct rsm_lc_req **at = NULL, **after_last = NULL;
    uint32_t pos = 0;
    for (struct rsm_lc_req **p = &L->queue; *p; p = &(*p)->next) {
        if ((*p)->ops->op != 17)
            continue;
        if (++pos == order) {
            at = p;
            break;
        }
        after_last = &(*p)->next;
    }
    if (!at)
        at = after_last;
    if (at) {
        r->next = *at;
        *at = r;
    } else {
        insert_ordered(L, r); /* the only queued mount */
    }
    rsm_lc_dispatch(e, L);
    pthread_mutex_unlock(&L->qmu);
    return RSM_OK;
}
