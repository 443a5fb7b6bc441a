/* SPDX-License-Identifier: MIT
 * Start-up recovery of library requests (contract in recover.h).
 *
 * The request queue keeps its order in memory (reqq.c): after a crash nothing of it is
 * left but the `libreq` rows, and none of them can still run, since no thread of the new
 * process owns them. A request that was INPROCESS may have moved a cartridge half way
 * (into a drive, say); the start-up inventory that follows puts the database right about
 * where cartridges are, so the request itself only needs its final state.
 */
#include <stdlib.h>

#include "rsm/api/session.h" /* rsm_rc_to_win32: dwErrorCode as the API shows it */
#include "rsm/engine/events.h"
#include "rsm/engine/internal.h"
#include "rsm/engine/recover.h"

/* NtmsLmState values (ntmsapi.h) of the rows this touches. */
#define LM_UNFINISHED "(0,1,5,6)" /* QUEUED, INPROCESS, WAITING, DEFERRED */
#define LM_CANCELLED  7

rsm_rc rsm_engine_recover_requests(struct rsm_engine *e, uint32_t *n)
{
    struct rsm_guid *ids = NULL;
    size_t n_ids = 0, cap = 0;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    /* The GUIDs first, for the notifications: watchers see each request end. */
    sqlite3_stmt *st = rc == RSM_OK ? rsm_db_stmt(e->db, "SELECT guid FROM libreq WHERE state "
                                                         "IN " LM_UNFINISHED)
                                    : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    int step;
    while (rc == RSM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (n_ids == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct rsm_guid *grown = realloc(ids, ncap * sizeof *ids);
            if (!grown) {
                rc = RSM_E_NOMEM;
                break;
            }
            ids = grown;
            cap = ncap;
        }
        rsm_db_col_guid(st, 0, &ids[n_ids++]);
    }
    if (rc == RSM_OK && step != SQLITE_DONE)
        rc = RSM_E_DB_FAILURE;
    if (st)
        sqlite3_reset(st);
    st = rc == RSM_OK ? rsm_db_stmt(e->db, "UPDATE libreq SET state=?1, err=?2, completed=?3 "
                                           "WHERE state IN " LM_UNFINISHED)
                      : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        sqlite3_bind_int(st, 1, LM_CANCELLED);
        sqlite3_bind_int64(st, 2, (int64_t)rsm_rc_to_win32(RSM_E_CANCELLED));
        sqlite3_bind_int64(st, 3, rsm_db_now_ms());
        rc = rsm_db_step_done(st);
    }
    for (size_t i = 0; rc == RSM_OK && i < n_ids; i++)
        rsm_notify(e, RSM_OT_LIBREQUEST, RSM_EV_UPDATE, &ids[i]);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    free(ids);
    if (rc == RSM_OK && n)
        *n = (uint32_t)n_ids;
    return rc;
}
