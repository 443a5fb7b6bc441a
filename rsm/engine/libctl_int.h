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

/* One library the engine drives. @mu serialises every device operation on it (the
 * "library worker": one request at a time); it is never held with the table lock. */
struct rsm_lc_lib {
    struct rsm_guid guid;
    struct rsm_dev_lib *dev; /* owned */
    pthread_mutex_t mu;
    uint32_t pending; /* RSM_DEV_EV_INVENTORY bits not yet acted upon */
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
/* Fetches the device's events into L->pending (after each operation). */
void rsm_lc_collect(struct rsm_lc_lib *L);
/* Inventory and reconciliation (L->mu held, e->mu not held). */
rsm_rc rsm_lc_reconcile(struct rsm_engine *e, struct rsm_lc_lib *L, bool full,
                        struct rsm_lc_inventory *out);
/* Changer failure (jam, door open): the changer object is marked NEEDS_SERVICE. */
void rsm_lc_changer_failed(struct rsm_engine *e, struct rsm_lc_lib *L);
/* Maps a device result to the engine's (moves: NOT_AVAILABLE and friends; see libctl.h). */
rsm_rc rsm_lc_map_dev(enum rsm_dev_rc rc);

#endif
