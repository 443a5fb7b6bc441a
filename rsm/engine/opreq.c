/* SPDX-License-Identifier: MIT
 * Operator requests (contract in events.h): raised by the engine itself (rsm_opreq_raise,
 * with e->mu held, inside or outside a transaction) or submitted by applications
 * (SubmitNtmsOperatorRequest), then satisfied or cancelled by an operator; waiters
 * (WaitForNtmsOperatorRequest, a waiting allocation) sleep on the engine's condition
 * variable, which satisfy/cancel/end broadcast.
 *
 * States (ntms-api.md §1.4): SUBMITTED (1), ACTIVE (2) and INPROGRESS (3) are open;
 * REFUSED (4) and COMPLETE (5) are final. Open → COMPLETE by Satisfy or rsm_opreq_end;
 * open → REFUSED by Cancel or rsm_opreq_end. A final request never changes again.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rsm/engine/events.h"
#include "rsm/engine/model.h"

#define OPEN_STATES "(1,2,3)"

/* Inserts a new request in state SUBMITTED (inside a transaction). */
static rsm_rc insert_opreq(struct rsm_engine *e, const struct rsm_caller *c, uint32_t request,
                           const char *message, const struct rsm_guid *arg1,
                           const struct rsm_guid *arg2, struct rsm_guid *out)
{
    static const char *const names[] = {"Unknown",        "New media",  "Cleaner",
                                        "Device service", "Move media", "Message"};
    uint32_t t1 = 0, t2 = 0;
    if (arg1 && rsm_obj_type(e->db, arg1, &t1) != RSM_OK)
        t1 = 0;
    if (arg2 && rsm_obj_type(e->db, arg2, &t2) != RSM_OK)
        t2 = 0;
    rsm_guid_new(out);
    rsm_rc rc = rsm_obj_insert(e->db, out, RSM_OT_OPREQUEST, names[request < 6 ? request : 0], "");
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
    return rc;
}

rsm_rc rsm_opreq_raise(struct rsm_engine *e, const struct rsm_caller *c, uint32_t request,
                       const char *message, const struct rsm_guid *arg1,
                       const struct rsm_guid *arg2, struct rsm_guid *out)
{
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
    rc = insert_opreq(e, c, request, message, arg1, arg2, out);
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

/* Moves request @id from an open state to @state (inside a transaction). NOT_FOUND when it
 * does not exist, INVALID_STATE when it is already final. */
static rsm_rc finish(struct rsm_engine *e, const struct rsm_guid *id, uint32_t state)
{
    uint32_t now = rsm_opreq_state(e, id);
    if (now == 0)
        return RSM_E_NOT_FOUND;
    if (now == RSM_OPSTATE_REFUSED || now == RSM_OPSTATE_COMPLETE)
        return RSM_E_INVALID_STATE;
    sqlite3_stmt *st = rsm_db_stmt(e->db, "UPDATE opreq SET state=?2 WHERE guid=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, id);
    sqlite3_bind_int(st, 2, (int)state);
    rsm_rc rc = rsm_db_step_done(st);
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, id); /* announces the update */
    return rc;
}

rsm_rc rsm_opreq_end(struct rsm_engine *e, const struct rsm_guid *id, uint32_t state)
{
    if (state != RSM_OPSTATE_COMPLETE && state != RSM_OPSTATE_REFUSED)
        return RSM_E_INVALID_PARAMETER;
    bool own = !rsm_db_in_txn(e->db);
    rsm_rc rc = own ? rsm_db_begin(e->db) : RSM_OK;
    if (rc != RSM_OK)
        return rc;
    rc = finish(e, id, state);
    rc = own ? rsm_db_end(e->db, rc) : rc;
    if (rc == RSM_OK)
        rsm_engine_signal(e);
    return rc;
}

/* The object arguments each request kind takes (ntms-api.md §2.8). */
static bool arg_type_ok(uint32_t request, int which, uint32_t t)
{
    switch (request) {
    case RSM_OPREQ_NEWMEDIA:
        return which == 1 ? t == RSM_OT_MEDIA_POOL : t == RSM_OT_LIBRARY;
    case RSM_OPREQ_CLEANER:
        return which == 1 && (t == RSM_OT_LIBRARY || t == RSM_OT_STORAGESLOT);
    case RSM_OPREQ_DEVICESERVICE:
        return which == 1 && (t == RSM_OT_IEDOOR || t == RSM_OT_LIBRARY ||
                              t == RSM_OT_PHYSICAL_MEDIA || t == RSM_OT_DRIVE);
    case RSM_OPREQ_MOVEMEDIA:
        return which == 1 ? t == RSM_OT_PHYSICAL_MEDIA : t == RSM_OT_LIBRARY;
    default:
        return false; /* MESSAGE takes none */
    }
}

/* The object whose access list decides: the pool (NEWMEDIA, MOVEMEDIA: the medium's pool,
 * reached through the medium), the library (CLEANER, DEVICESERVICE: devices are governed
 * by their library; a medium is looked up to its library), the computer (MESSAGE). */
static rsm_rc submit_right(struct rsm_engine *e, const struct rsm_caller *c, uint32_t request,
                           const struct rsm_guid *arg1, uint32_t t1)
{
    if (request == RSM_OPREQ_MESSAGE)
        return rsm_sec_need(e, c, &e->computer, RSM_USE_ACCESS);
    if (request == RSM_OPREQ_DEVICESERVICE && t1 == RSM_OT_PHYSICAL_MEDIA) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT library FROM pmedia WHERE guid=?1");
        if (!st)
            return RSM_E_DB_FAILURE;
        rsm_db_bind_guid_nn(st, 1, arg1);
        struct rsm_guid lib = {{0}};
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
            rsm_db_col_guid(st, 0, &lib);
        sqlite3_reset(st);
        if (src != SQLITE_ROW)
            return RSM_E_NOT_FOUND;
        return rsm_sec_need(e, c, &lib, RSM_CONTROL_ACCESS);
    }
    return rsm_sec_need(e, c, arg1, RSM_CONTROL_ACCESS);
}

/* Characters (code points) of UTF-8 @s. */
static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

rsm_rc rsm_opreq_submit(struct rsm_engine *e, const struct rsm_caller *c, uint32_t request,
                        const char *message, const struct rsm_guid *arg1,
                        const struct rsm_guid *arg2, struct rsm_guid *out)
{
    if (!c || !out || request < RSM_OPREQ_NEWMEDIA || request > RSM_OPREQ_MESSAGE)
        return RSM_E_INVALID_PARAMETER;
    if (message && utf8_len(message) >= RSM_MESSAGE_CAP / 4)
        return RSM_E_INVALID_PARAMETER; /* NTMS_MESSAGE_LENGTH, NUL included */
    if (arg1 && rsm_guid_is_null(arg1))
        arg1 = NULL;
    if (arg2 && rsm_guid_is_null(arg2))
        arg2 = NULL;
    /* Which arguments must, may or must not be there. */
    bool need1 = request != RSM_OPREQ_MESSAGE, may2 = request == RSM_OPREQ_NEWMEDIA ||
                                                       request == RSM_OPREQ_MOVEMEDIA;
    if ((need1 && !arg1) || (!need1 && arg1) || (!may2 && arg2) ||
        (request == RSM_OPREQ_MOVEMEDIA && !arg2))
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    uint32_t t1 = 0, t2 = 0;
    if (rc == RSM_OK && arg1)
        rc = rsm_obj_type(e->db, arg1, &t1);
    if (rc == RSM_OK && arg2)
        rc = rsm_obj_type(e->db, arg2, &t2);
    if (rc == RSM_OK && ((arg1 && !arg_type_ok(request, 1, t1)) ||
                         (arg2 && !arg_type_ok(request, 2, t2))))
        rc = RSM_E_INVALID_PARAMETER;
    if (rc == RSM_OK)
        rc = submit_right(e, c, request, arg1, t1);
    struct rsm_guid id;
    if (rc == RSM_OK)
        rc = insert_opreq(e, c, request, message, arg1, arg2, &id);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    if (rc == RSM_OK)
        *out = id;
    return rc;
}

/* Satisfy and Cancel: CONTROL on the computer (administrators), then finish(). */
static rsm_rc close_request(struct rsm_engine *e, const struct rsm_caller *c,
                            const struct rsm_guid *id, uint32_t state)
{
    if (!c || !id)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    uint32_t t = 0;
    if (rc == RSM_OK)
        rc = rsm_obj_type(e->db, id, &t);
    if (rc == RSM_OK && t != RSM_OT_OPREQUEST)
        rc = RSM_E_NOT_FOUND; /* not an operator request: none by that id */
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &e->computer, RSM_CONTROL_ACCESS);
    if (rc == RSM_OK)
        rc = finish(e, id, state);
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK)
        rsm_engine_signal(e); /* waiters, and an allocation waiting for new media */
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_opreq_satisfy(struct rsm_engine *e, const struct rsm_caller *c,
                         const struct rsm_guid *id)
{
    rsm_rc rc = close_request(e, c, id, RSM_OPSTATE_COMPLETE);
    /* ntms-api.md §2.8: Satisfy answers OBJECT_NOT_FOUND for a request that is no longer
     * open, where Cancel answers INVALID_STATE. */
    return rc == RSM_E_INVALID_STATE ? RSM_E_NOT_FOUND : rc;
}

rsm_rc rsm_opreq_cancel(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *id)
{
    return close_request(e, c, id, RSM_OPSTATE_REFUSED);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

rsm_rc rsm_opreq_wait(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                      uint32_t timeout_ms)
{
    if (!c || !id)
        return RSM_E_INVALID_PARAMETER;
    int64_t deadline = timeout_ms == UINT32_MAX ? INT64_MAX : mono_ms() + timeout_ms;
    rsm_rc rc;
    rsm_engine_lock(e);
    for (;;) {
        uint32_t st = rsm_opreq_state(e, id);
        if (st == 0) {
            rc = RSM_E_NOT_FOUND; /* unknown, or purged: the app redoes what needed it */
            break;
        }
        if (st == RSM_OPSTATE_COMPLETE) {
            rc = RSM_OK;
            break;
        }
        if (st == RSM_OPSTATE_REFUSED) {
            rc = RSM_E_CANCELLED;
            break;
        }
        if (c->cancel && *c->cancel) {
            rc = RSM_E_CANCELLED; /* the session was closed while waiting */
            break;
        }
        int64_t now = mono_ms();
        if (now >= deadline) {
            rc = RSM_E_TIMEOUT;
            break;
        }
        /* Satisfy/cancel in this process broadcast; another process's are seen by polling
         * every 100 ms, as allocations do. */
        int64_t until = deadline - now > 100 ? now + 100 : deadline;
        struct timespec ts = {.tv_sec = until / 1000, .tv_nsec = (long)(until % 1000) * 1000000};
        pthread_cond_timedwait(&e->changed, &e->mu, &ts);
    }
    rsm_engine_unlock(e);
    return rc;
}
