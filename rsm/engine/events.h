/* SPDX-License-Identifier: MIT
 * Operator requests and change notifications, as the rest of the engine raises them.
 *
 * Operator requests (opreq.c): the engine asks a person for something (media for a pool,
 * a cleaner, a device needing service, an offline cartridge, a duplicate barcode to sort
 * out). The request is an NTMS_OPREQUEST object (`opreq` table) an operator sees,
 * satisfies or cancels (SatisfyNtmsOperatorRequest / CancelNtmsOperatorRequest).
 *
 * Notifications (notify.c): every insert, update and delete of an object is announced to
 * the watchers of its type (OpenNtmsNotification). Events are delivered only when the
 * transaction that made the change commits.
 *
 * All functions expect e->mu held.
 */
#ifndef RSM_ENGINE_EVENTS_H
#define RSM_ENGINE_EVENTS_H

#include "rsm/engine/internal.h"

/* Request kinds (NTMS_OPREQ_* of ntmsapi.h; NEWMEDIA is in model.h). */
enum { RSM_OPREQ_CLEANER = 2, RSM_OPREQ_DEVICESERVICE = 3, RSM_OPREQ_MOVEMEDIA = 4,
       RSM_OPREQ_MESSAGE = 5 };
/* Operations: NTMS_OBJ_UPDATE/INSERT/DELETE of ntmsapi.h. */
enum { RSM_EV_UPDATE = 1, RSM_EV_INSERT = 2, RSM_EV_DELETE = 3 };

/* Raises operator request @request (NTMS_OPREQ_*) with @message and up to two object
 * arguments (@arg1/@arg2 may be NULL; their types are looked up). Runs in its own
 * transaction unless one is open. If an open request (submitted or activated) of the same
 * kind about the same @arg1 exists, returns that one instead of raising a second.
 * @c may be NULL (the engine itself raised it). */
rsm_rc rsm_opreq_raise(struct rsm_engine *e, const struct rsm_caller *c, uint32_t request,
                       const char *message, const struct rsm_guid *arg1,
                       const struct rsm_guid *arg2, struct rsm_guid *out);
/* State of request @id (NTMS_OPSTATE_*), or 0 when it does not exist. */
uint32_t rsm_opreq_state(struct rsm_engine *e, const struct rsm_guid *id);
/* Ends request @id with @state (NTMS_OPSTATE_COMPLETE or _REFUSED) when the engine itself
 * saw the need go away (media arrived, cleaner inserted). Wakes its waiters. */
rsm_rc rsm_opreq_end(struct rsm_engine *e, const struct rsm_guid *id, uint32_t state);

/* Announces @op on object @id of @type (RSM_OT_*). Safe to call inside or outside a
 * transaction; inside one, delivery waits for its commit and is dropped on rollback, and
 * an identical announcement already made in the same transaction is not repeated.
 * The row helpers announce by themselves: rsm_obj_insert/rsm_lmid_insert (insert),
 * rsm_obj_delete/_typed (delete), rsm_obj_touch/rsm_obj_changed (update); call rsm_notify
 * for changes made with SQL of your own (a state column, a row removed directly). */
void rsm_notify(struct rsm_engine *e, uint32_t type, uint32_t op, const struct rsm_guid *id);
/* The same for code that holds only the connection (obj.c's row helpers): the engine is
 * the connection's owner. A no-op until the engine has had a watcher. */
void rsm_notify_db(struct rsm_db *db, uint32_t type, uint32_t op, const struct rsm_guid *id);

/* ---- watchers (OpenNtmsNotification) ---------------------------------------------------
 * A watcher receives every event of one object type committed after it was opened, in
 * commit order, through a bounded queue of its own. Delivery never blocks the engine: a
 * watcher whose queue is full stops receiving and is marked as having lost events; once
 * it has read what was queued, its waits answer RSM_E_NO_DATA (ERROR_NO_DATA, "the
 * notification channel broke; close and reopen"), so a loss is never silent.
 *
 * Watchers see the changes made through this engine, i.e. in this process (rsmd serves
 * every client from one engine; two processes opening the same directory embedded do not
 * see each other's events). Watcher functions may be called from any thread, without
 * e->mu; rsm_watch_wait blocks only its caller. */
struct rsm_event {
    uint32_t type, op;  /* RSM_OT_*, RSM_EV_* */
    struct rsm_guid id;
    int64_t commit_ns; /* CLOCK_MONOTONIC when the change committed (latency measurement) */
};
struct rsm_watcher;
#define RSM_WATCH_QUEUE_DEFAULT 8192u
/* Opens a watcher on @type with a queue of @queue_cap events (0: the default). Needs USE
 * on the computer (ACCESS_DENIED). Any @type is accepted; one that is not an object type
 * never sees an event (as on Windows). On success *out is owned: rsm_watch_close(). */
rsm_rc rsm_watch_open(struct rsm_engine *e, const struct rsm_caller *c, uint32_t type,
                      uint32_t queue_cap, struct rsm_watcher **out);
/* Takes up to @cap (>= 1) queued events into @out (*n of them), waiting up to @timeout_ms
 * (UINT32_MAX: for ever) for the first one. Results: RSM_OK (*n >= 1), RSM_E_TIMEOUT,
 * RSM_E_NO_DATA (events were lost and everything before the loss has been read),
 * RSM_E_CANCELLED (*cancel became non-zero; checked every 50 ms), RSM_E_INVALID_HANDLE
 * (the watcher was closed meanwhile by another thread). */
rsm_rc rsm_watch_wait(struct rsm_watcher *w, struct rsm_event *out, uint32_t cap, uint32_t *n,
                      uint32_t timeout_ms, const _Atomic int *cancel);
/* Closes @w; a wait in progress on another thread ends with RSM_E_INVALID_HANDLE and the
 * memory goes with the last of them. */
void rsm_watch_close(struct rsm_watcher *w);
/* engine.c: frees the hub when the engine closes (every watcher is closed by then). */
void rsm_notify_engine_closing(struct rsm_engine *e);

/* ---- operator requests through the API (§2.8) ------------------------------------------
 * Submit: validates @request (1..5; UNKNOWN and others INVALID_PARAMETER) and its
 * arguments per the table of ntms-api.md §2.8 (NOT_FOUND for a missing object,
 * INVALID_PARAMETER for an argument of the wrong type or one given where none belongs),
 * checks the right (CONTROL on the pool or library, USE on the computer for MESSAGE) and
 * raises a new request in state SUBMITTED. Message at most 255 characters
 * (INVALID_PARAMETER beyond; the API maps it to ERROR_MESSAGE_EXCEEDS_MAX_SIZE). */
rsm_rc rsm_opreq_submit(struct rsm_engine *e, const struct rsm_caller *c, uint32_t request,
                        const char *message, const struct rsm_guid *arg1,
                        const struct rsm_guid *arg2, struct rsm_guid *out);
/* Satisfy (COMPLETE) or cancel (REFUSED) request @id; CONTROL on the computer.
 * Satisfy: NOT_FOUND when unknown or no longer open. Cancel: NOT_FOUND when unknown,
 * INVALID_STATE when already completed or refused. Wakes the request's waiters. */
rsm_rc rsm_opreq_satisfy(struct rsm_engine *e, const struct rsm_caller *c,
                         const struct rsm_guid *id);
rsm_rc rsm_opreq_cancel(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *id);
/* Waits until request @id is COMPLETE (RSM_OK) or REFUSED (RSM_E_CANCELLED), up to
 * @timeout_ms (0 polls, UINT32_MAX for ever; RSM_E_TIMEOUT). NOT_FOUND when it does not
 * exist (or was purged while waiting). CANCELLED also when the caller's session closes. */
rsm_rc rsm_opreq_wait(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                      uint32_t timeout_ms);

#endif
