/* SPDX-License-Identifier: MIT
 * Operator requests raised by the engine (contract in events.h).
 */
#include <stdio.h>
#include <string.h>

#include "rsm/engine/events.h"
#include "rsm/engine/model.h"

rsm_rc rsm_opreq_raise(struct rsm_engine *e, const struct rsm_caller *c, uint32_t request,
                       const char *message, const struct rsm_guid *arg1,
                       const struct rsm_guid *arg2, struct rsm_guid *out)
{
    static const char *const names[] = {"Unknown",        "New media",  "Cleaner",
                                        "Device service", "Move media", "Message"};
    bool own = !rsm_db_in_txn(e->db);
    rsm_rc rc = own ? rsm_db_begin(e->db) : RSM_OK;
    if (rc != RSM_OK)
        return rc;
    if (arg1) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT guid FROM opreq WHERE request=?1 AND "
                                              "arg1=?2 AND state IN (1,2) LIMIT 1");
        if (!st)
            return own ? rsm_db_end(e->db, RSM_E_DB_FAILURE) : RSM_E_DB_FAILURE;
        sqlite3_bind_int(st, 1, (int)request);
        rsm_db_bind_guid_nn(st, 2, arg1);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
            rsm_db_col_guid(st, 0, out);
        sqlite3_reset(st);
        if (src == SQLITE_ROW)
            return own ? rsm_db_end(e->db, RSM_OK) : RSM_OK;
    }
    uint32_t t1 = 0, t2 = 0;
    if (arg1 && rsm_obj_type(e->db, arg1, &t1) != RSM_OK)
        t1 = 0;
    if (arg2 && rsm_obj_type(e->db, arg2, &t2) != RSM_OK)
        t2 = 0;
    rsm_guid_new(out);
    rc = rsm_obj_insert(e->db, out, RSM_OT_OPREQUEST,
                        names[request < 6 ? request : 0], "");
    sqlite3_stmt *st = rsm_db_stmt(e->db, "INSERT INTO opreq(guid,request,submitted,state,"
                                          "message,arg1type,arg1,arg2type,arg2,app,user) "
                                          "VALUES(?1,?2,?3,1,?4,?5,?6,?7,?8,?9,?10)");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        char user[32];
        snprintf(user, sizeof user, "%u", c ? c->uid : 0u);
        rsm_db_bind_guid_nn(st, 1, out);
        sqlite3_bind_int(st, 2, (int)request);
        sqlite3_bind_int64(st, 3, rsm_db_now_ms());
        sqlite3_bind_text(st, 4, message ? message : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 5, (int)t1);
        rsm_db_bind_guid(st, 6, arg1);
        sqlite3_bind_int(st, 7, (int)t2);
        rsm_db_bind_guid(st, 8, arg2);
        sqlite3_bind_text(st, 9, c ? c->app : "RSM", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 10, user, -1, SQLITE_TRANSIENT);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rsm_notify(e, RSM_OT_OPREQUEST, RSM_EV_INSERT, out);
    return own ? rsm_db_end(e->db, rc) : rc;
}

uint32_t rsm_opreq_state(struct rsm_engine *e, const struct rsm_guid *id)
{
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT state FROM opreq WHERE guid=?1");
    if (!st)
        return 0;
    rsm_db_bind_guid_nn(st, 1, id);
    uint32_t s = sqlite3_step(st) == SQLITE_ROW ? (uint32_t)sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    return s;
}

rsm_rc rsm_opreq_end(struct rsm_engine *e, const struct rsm_guid *id, uint32_t state)
{
    bool own = !rsm_db_in_txn(e->db);
    rsm_rc rc = own ? rsm_db_begin(e->db) : RSM_OK;
    if (rc != RSM_OK)
        return rc;
    sqlite3_stmt *st = rsm_db_stmt(e->db, "UPDATE opreq SET state=?2 WHERE guid=?1");
    if (!st)
        rc = RSM_E_DB_FAILURE;
    else {
        rsm_db_bind_guid_nn(st, 1, id);
        sqlite3_bind_int(st, 2, (int)state);
        rc = rsm_db_step_done(st);
        if (rc == RSM_OK && sqlite3_changes(rsm_db_handle(e->db)) == 0)
            rc = RSM_E_NOT_FOUND;
    }
    if (rc == RSM_OK)
        rsm_notify(e, RSM_OT_OPREQUEST, RSM_EV_UPDATE, id);
    rc = own ? rsm_db_end(e->db, rc) : rc;
    if (rc == RSM_OK)
        rsm_engine_signal(e);
    return rc;
}
