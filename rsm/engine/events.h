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
 * transaction; inside one, delivery waits for its commit and is dropped on rollback. */
void rsm_notify(struct rsm_engine *e, uint32_t type, uint32_t op, const struct rsm_guid *id);

#endif
