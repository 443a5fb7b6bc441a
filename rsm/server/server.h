/* SPDX-License-Identifier: MIT
 * rsmd's request handling: one connection's identity and the dispatch of one protocol
 * request (rsm/server/PROTOCOL.md) to the engine. The socket, threads and signals are
 * rsmd.c's; this part does no I/O, so it is tested and benchmarked through the socket and
 * could serve another transport unchanged.
 *
 * Thread use: each connection is handled by one thread at a time; connections share the
 * engine, whose functions serialise themselves (rsm/engine/engine.h).
 */
#ifndef RSM_SERVER_SERVER_H
#define RSM_SERVER_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "rsm/engine/engine.h"

struct rsm_conn {
    struct rsm_engine *engine;
    struct rsm_caller caller; /* who the engine sees: the peer, or root for operators */
    uid_t peer_uid;           /* SO_PEERCRED, never changed by set_caller */
    pid_t peer_pid;
    bool hello_done;
    _Atomic int cancel; /* set when the daemon stops or the peer hangs up */
};

/* Fills @c->caller from the peer's credentials: uid and gid from SO_PEERCRED plus the
 * supplementary groups of process @pid (/proc/PID/status). A peer that is root or belongs
 * to @operator_gid (when not (gid_t)-1) acts as uid 0: it administers every object. */
void rsm_conn_identify(struct rsm_conn *c, uid_t uid, gid_t gid, pid_t pid, gid_t operator_gid);

/* Handles one parsed request; returns the response object to send (never NULL unless out
 * of memory). A malformed request gets rc RSM_E_INVALID_PARAMETER with the request's id
 * when it had one, null otherwise. */
json_t *rsm_conn_handle(struct rsm_conn *c, const json_t *req);

#endif
