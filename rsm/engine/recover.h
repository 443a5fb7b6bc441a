/* SPDX-License-Identifier: MIT
 * Start-up recovery after a crash (ntms-api.md §6.4 "Restart", §6.9 "Startup sequence"):
 * library requests that a previous run of the service left unfinished (it was killed, or
 * the machine lost power) are given their final state, so that no request shows QUEUED or
 * INPROCESS for ever and callers who look at it later learn that it will not run.
 *
 * Who calls it: rsmd at start, after rsm_engine_open() and before it accepts clients,
 * and only when no other process has the database open (rsmd checks DIR/rsm.lock):
 * a request of another live process would otherwise be cancelled under it.
 */
#ifndef RSM_ENGINE_RECOVER_H
#define RSM_ENGINE_RECOVER_H

#include <stdint.h>

#include "rsm/engine/engine.h"

/* Every library request in state QUEUED, INPROCESS, WAITING or DEFERRED becomes
 * CANCELLED with dwErrorCode ERROR_CANCELLED and its completion time set (Windows marks
 * every unfinished work item CANCELLED at a restart; the request queue does the same at a
 * clean close, reqq.c). One transaction; an update notification per request. *@n (may be
 * NULL) gets how many were changed. Errors: DB_FAILURE, DB_FULL (nothing changed). */
rsm_rc rsm_engine_recover_requests(struct rsm_engine *e, uint32_t *n);

#endif
