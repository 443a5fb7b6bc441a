/* SPDX-License-Identifier: MIT
 * librsm sessions (OpenNtmsSession/CloseNtmsSession) and the helpers every API file
 * uses: session-handle validation, the rsm_rc -> Win32 error table, GUID and time
 * conversion between the engine and the NTMS structures.
 *
 * A session handle is a pointer to struct rsm_session, valid only while it is in the
 * process's session list; every call looks it up (rsm_session_acquire), so a stale,
 * closed or foreign handle gives ERROR_INVALID_HANDLE instead of a crash. A call holds a
 * reference until rsm_session_release(); CloseNtmsSession unlinks the session at once and
 * the last reference frees it. Thread-safe.
 */
#ifndef RSM_API_SESSION_H
#define RSM_API_SESSION_H

#include <ntmsapi.h>

#include <sys/types.h>

#include "rsm/engine/engine.h"

struct rsm_session {
    uint32_t magic;
    int refs;           /* guarded by the session-list lock in session.c */
    _Atomic int closed; /* set under the list lock; read by waits through caller.cancel */
    pid_t pid;          /* handles are process-local: a forked child cannot use its parent's */
    struct rsm_engine *engine; /* embedded mode; NULL when the session is on rsmd */
    struct rsm_remote *remote; /* rsmd mode (rsm/client/client.h); NULL when embedded */
    struct rsm_caller caller;
    struct rsm_session *next;
};

/* The live session behind @h with a reference held, or NULL (invalid handle). */
struct rsm_session *rsm_session_acquire(HANDLE h);
void rsm_session_release(struct rsm_session *s);

/* Test hook: make the session act for another identity (uid and groups), as rsmd will for
 * a peer authenticated with SO_PEERCRED. Returns ERROR_SUCCESS or ERROR_INVALID_HANDLE. */
DWORD rsm_session_set_caller(HANDLE h, uint32_t uid, const uint32_t *gids, uint32_t n_gids);
/* The engine of an embedded session (tests use it to register devices through devreg.h); NULL for an
 * invalid handle or a session on rsmd. Borrowed: valid while the session is open. */
struct rsm_engine *rsm_session_engine(HANDLE h);

/* The Win32/NTMS error code of @rc: the one table (errmap.c). */
DWORD rsm_rc_to_win32(rsm_rc rc);
/* Stores @err with SetLastError() when it is not ERROR_SUCCESS; returns it. */
DWORD rsm_api_ret(DWORD err);

/* GUID <-> engine identifier (the same 16 bytes). NULL -> null GUID. */
void rsm_guid_from_api(struct rsm_guid *out, const GUID *g);
void rsm_guid_to_api(GUID *out, const struct rsm_guid *g);
/* Milliseconds since the epoch <-> SYSTEMTIME (UTC). */
void rsm_time_to_api(SYSTEMTIME *out, int64_t ms);

/* Engine object <-> NTMS_OBJECTINFORMATIONW (object.c). to_w fills every field and sets
 * dwSize/dwType; from_w reads the common header and the member selected by dwType. */
void rsm_objinfo_to_w(const struct rsm_objinfo *o, NTMS_OBJECTINFORMATIONW *w);
void rsm_objinfo_from_w(const NTMS_OBJECTINFORMATIONW *w, struct rsm_objinfo *o);

#endif
