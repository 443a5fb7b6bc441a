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

#include "rsm/client/wire.h"
#include "rsm/engine/engine.h"

struct rsm_conn {
    struct rsm_engine *engine;
    struct rsm_caller caller; /* who the engine sees: the peer, or root for operators */
    uid_t peer_uid;           /* SO_PEERCRED, never changed by set_caller */
    pid_t peer_pid;
    bool hello_done;
    _Atomic int cancel; /* set when the daemon stops or the peer hangs up */
    /* Notification watchers opened on this connection (notify_open), closed with it. */
#define RSM_CONN_MAX_WATCH 16
    struct rsm_watcher *watch[RSM_CONN_MAX_WATCH];
    /* Device change detection contexts begun on this connection (detect_begin): only it
     * may use them, and they end with it. 0: free entry. */
#define RSM_CONN_MAX_DETECT 16
    uint64_t detect[RSM_CONN_MAX_DETECT];
};

/* Fills @c->caller from the peer's credentials: uid and gid from SO_PEERCRED plus the
 * supplementary groups of process @pid (/proc/PID/status). A peer that is root or belongs
 * to @operator_gid (when not (gid_t)-1) acts as uid 0: it administers every object. */
void rsm_conn_identify(struct rsm_conn *c, uid_t uid, gid_t gid, pid_t pid, gid_t operator_gid);

/* Handles one parsed request; returns the response object to send (never NULL unless out
 * of memory). A malformed request gets rc RSM_E_INVALID_PARAMETER with the request's id
 * when it had one, null otherwise. */
json_t *rsm_conn_handle(struct rsm_conn *c, const json_t *req);
/* rsm_conn_handle() with the response appended to @out as one line (with '\n'), ready to
 * send. object_get, the call clients make most, is answered without building jansson
 * trees (same JSON, rsm/client/wire.h); every other op goes through rsm_conn_handle().
 * 0, or -1 when out of memory. */
int rsm_conn_respond(struct rsm_conn *c, const json_t *req, struct rsm_wire_buf *out);
/* object_get's answer to a request rsm_wire_read_get_request() read: appended to @out as
 * one line. -1, with nothing appended, when the direct path cannot answer it (no hello
 * yet, text jansson would refuse, out of memory): parse the request with jansson and call
 * rsm_conn_respond() instead, which then answers as it always has. */
int rsm_conn_respond_get(struct rsm_conn *c, int64_t id, const struct rsm_guid *g, uint32_t type,
                         struct rsm_wire_buf *out);
/* Closes what the connection holds in the engine (its watchers, its detection contexts);
 * call once it is done. */
void rsm_conn_release(struct rsm_conn *c);

#endif
