/* SPDX-License-Identifier: MIT
 * Between libctl.c (the per-engine table of open libraries, adding, inventory) and
 * mount.c (mount and dismount). Not an interface.
 */
#ifndef RSM_ENGINE_LIBCTL_INT_H
#define RSM_ENGINE_LIBCTL_INT_H

#include <pthread.h>

#include "rsm/engine/devlink.h"
#include "rsm/engine/internal.h"
#include "rsm/engine/libctl.h"

struct rsm_lc_req;
struct rsm_lc_defer;

/* One library the engine drives.
 * @mu is the robot: every changer command, dev->elems and reconciliation run with it
 * held (rsm_lc_acquire() takes it: "exclusive use of the robot"). Drive commands of a
 * request that owns the drive (reqq.c) run without it, so drives work in parallel.
 * @qmu guards the request queue and everything below it; it is never taken with @mu
 * held, and e->mu may be taken inside either (never the other way round). */
struct rsm_lc_lib {
    struct rsm_engine *e; /* borrowed: the engine whose table holds it */
    struct rsm_guid guid;
    struct rsm_dev_lib *dev; /* owned */
    pthread_mutex_t mu;
    uint32_t pending;   /* RSM_DEV_EV_INVENTORY bits not yet acted upon (under mu) */
    bool needs_service; /* the changer may be marked NEEDS_SERVICE (under mu) */

    pthread_mutex_t qmu;
    pthread_cond_t qcv;            /* broadcast on every change of a request (CLOCK_MONOTONIC) */
    struct rsm_lc_req *queue;      /* waiting requests, in the order they are served */
    struct rsm_lc_req *running;    /* requests in progress (their claims are held) */
    unsigned n_running;
    bool exclusive;                /* a running request needs the whole library */
    bool closing;                  /* the engine is closing: nothing new starts */
    struct rsm_lc_defer *defers;   /* deferred dismounts waiting for their delay */
    bool reaper_started;
    pthread_t reaper;              /* ends deferred dismounts (reqq.c) */
    struct rsm_lc_lib *next;
};

/* The open library @library of @e with its mutex held (rsm_lc_release() pairs with it),
 * opening the device from the URIs stored at rsm_lc_add() if this engine has not yet.
 * Before returning it collects the changer's unit attentions (TEST UNIT READY) and, if
 * one says the inventory may have changed, re-inventories. Errors: INVALID_LIBRARY
 * (unknown, offline library, never added by URI), DEVICE_NOT_AVAILABLE (does not open),
 * RESOURCE_DISABLED (library disabled), the inventory's result. */
rsm_rc rsm_lc_acquire(struct rsm_engine *e, const struct rsm_guid *library,
                      struct rsm_lc_lib **out);
/* The same; @auto_inventory false leaves pending events to the caller (an inventory
 * about to run anyway). */
rsm_rc rsm_lc_acquire_ex(struct rsm_engine *e, const struct rsm_guid *library, bool auto_inventory,
                         struct rsm_lc_lib **out);
void rsm_lc_release(struct rsm_lc_lib *L);
/* The open library @library of @e without taking any lock (opening it from the stored
 * URIs if needed): the checks and errors of rsm_lc_acquire() minus the device work. */
rsm_rc rsm_lc_lib_get(struct rsm_engine *e, const struct rsm_guid *library,
                      struct rsm_lc_lib **out);
/* The open library @g of @e, or NULL when this engine has not opened it. */
struct rsm_lc_lib *rsm_lc_lib_find(struct rsm_engine *e, const struct rsm_guid *g);
/* Takes L->mu and collects the changer's attentions as rsm_lc_acquire() does (L from
 * rsm_lc_lib_get()). On failure L->mu is not held. */
rsm_rc rsm_lc_lock_robot(struct rsm_engine *e, struct rsm_lc_lib *L, bool auto_inventory);
/* Fetches the device's events into L->pending (after each operation). */
void rsm_lc_collect(struct rsm_lc_lib *L);
/* Inventory and reconciliation (L->mu held, e->mu not held). */
rsm_rc rsm_lc_reconcile(struct rsm_engine *e, struct rsm_lc_lib *L, bool full,
                        struct rsm_lc_inventory *out);
/* Changer failure (jam, door open): the changer object is marked NEEDS_SERVICE. */
void rsm_lc_changer_failed(struct rsm_engine *e, struct rsm_lc_lib *L);
/* Maps a device result to the engine's (moves: NOT_AVAILABLE and friends; see libctl.h). */
rsm_rc rsm_lc_map_dev(enum rsm_dev_rc rc);

/* ---- the request queue (reqq.c) ------------------------------------------------------ */

#define RSM_LC_MAX 64 /* media per mount or dismount request */

/* What one kind of request does. Both functions get the request; neither may block on
 * another request. */
struct rsm_lc_req_ops {
    uint32_t op; /* NTMS_LM_* operation code */
    /* Claims what @r needs (L->qmu and e->mu held): RSM_OK with r->claim_pm/claim_drive
     * filled; RSM_E_BUSY to wait in the queue; any other code fails the request now. */
    rsm_rc (*claim)(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r);
    /* Does the work (no lock held; a thread of its own). */
    rsm_rc (*run)(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r);
    bool exclusive; /* runs alone in its library (inventory) */
    int rank;       /* served before requests of a higher rank (dismounts 0, mounts 1) */
};

/* A library request: an NTMS_LIBREQUEST object (`libreq` row) while it lives in memory.
 * Fields up to `state` are set by the submitter before rsm_lc_req_submit(); the rest
 * belong to reqq.c (under L->qmu) and the runner. */
struct rsm_lc_req {
    const struct rsm_lc_req_ops *ops;
    struct rsm_caller caller;
    int priority; /* -15..15 */
    uint32_t options;
    uint32_t n;                                  /* media (mount, dismount) */
    struct rsm_guid media[RSM_LC_MAX];           /* sides or LMIDs */
    struct rsm_guid drives[RSM_LC_MAX];          /* mount: wanted (SPECIFIC_DRIVE) / used */
    struct rsm_guid drive;                       /* DismountNtmsDrive, deferred dismounts */
    uint32_t action;                             /* inventory */
    struct rsm_lc_inventory inv;                 /* inventory result */

    struct rsm_guid id;
    uint32_t state; /* NTMS_LM_QUEUED, INPROCESS, PASSED, FAILED, WAITING, CANCELLED */
    rsm_rc result;
    uint32_t n_claim;
    struct rsm_guid claim_pm[RSM_LC_MAX], claim_drive[RSM_LC_MAX];
    bool detached; /* nobody waits for it (NOWAIT, internal): freed when it ends */
    struct rsm_lc_req *next;
};

/* A fresh request for @ops (zeroed, calloc'd): NULL when out of memory. */
struct rsm_lc_req *rsm_lc_req_new(const struct rsm_lc_req_ops *ops, const struct rsm_caller *c);
/* Queues @r on @L (a `libreq` row in state QUEUED, an INSERT notification) and starts
 * what can start. Ownership of @r passes to the queue. Errors (nothing queued, @r freed):
 * DB failures, CANCELLED when the engine is closing. */
rsm_rc rsm_lc_req_submit(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r);
/* Waits for @r (submitted, not detached) and frees it. @timeout_ms bounds the time it
 * may stay queued (0: it must start at once, else BUSY; UINT32_MAX: forever); when it
 * runs out the request is cancelled and TIMEOUT returned. *@out (may be NULL) gets a copy
 * of the finished request. Returns its result. */
rsm_rc rsm_lc_req_wait(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r,
                       uint32_t timeout_ms, struct rsm_lc_req *out);
/* Leaves @r to run on its own (NOWAIT): it is freed when it ends. */
void rsm_lc_req_detach(struct rsm_lc_lib *L, struct rsm_lc_req *r);
/* True when a running request has claimed @g (a physical medium or a drive). L->qmu held. */
bool rsm_lc_claimed(const struct rsm_lc_lib *L, const struct rsm_guid *g);
/* Arms the deferred dismount of drive @drive after @delay_s seconds (replacing one armed
 * before for that drive); rsm_lc_defer_drop() disarms it. L->qmu held. */
void rsm_lc_defer_arm(struct rsm_lc_lib *L, const struct rsm_guid *drive, uint32_t delay_s);
void rsm_lc_defer_drop(struct rsm_lc_lib *L, const struct rsm_guid *drive);
/* The queue at engine close: queued requests are cancelled, running ones waited for, the
 * reaper stopped. */
void rsm_lc_queue_close(struct rsm_lc_lib *L);
/* Starts what can start (L->qmu held). */
void rsm_lc_dispatch(struct rsm_engine *e, struct rsm_lc_lib *L);

/* mount.c: the dismount of whatever drive @drive holds when its deferred delay passed
 * (an internal request, detached). */
extern const struct rsm_lc_req_ops rsm_lc_defer_ops;

#endif
