/* SPDX-License-Identifier: MIT
 * The media life cycle (ntms-api.md §2.6, §6.1, §6.2): creating offline media, media types
 * per library, allocation and deallocation, completion, decommissioning, swapping,
 * moving between pools, deletion and OMID updates.
 *
 * Side states (NtmsPartitionState) and who changes them:
 *
 *   (inject) -> FOREIGN / IMPORT        rsm_dev_media_seen (devreg.c)
 *   any usable -> UNPREPARED            entering a free pool in a library this engine
 *                                       drives (rsm_media_move, deallocate TOSCRATCH): the
 *                                       free-media label is owed (omid.h)
 *   UNPREPARED -> AVAILABLE             the WRITESCRATCH request wrote it (omid.c); or the
 *                                       medium left Free, or re-entered it undriven
 *   FOREIGN/IMPORT -> AVAILABLE         rsm_media_move to a free pool of an undriven library
 *   IMPORT -> ALLOCATED                 rsm_media_allocate with an explicit side
 *   AVAILABLE -> ALLOCATED              rsm_media_allocate (other sides -> RESERVED with NEW)
 *   RESERVED -> ALLOCATED               rsm_media_allocate with NEXT
 *   ALLOCATED -> COMPLETE               rsm_media_complete
 *   ALLOCATED/COMPLETE -> AVAILABLE     rsm_media_deallocate (DECOMMISSIONED at max allocates)
 *   AVAILABLE -> DECOMMISSIONED         rsm_media_decommission (terminal)
 *
 * Invariants (checked by rsm_engine_check): a medium is in exactly one pool, a leaf pool;
 * its sides carry the same pool; a side has an LMID exactly when ALLOCATED or COMPLETE, and
 * the LMID's pool is the medium's; allocated, complete and reserved sides are only in
 * application pools.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rsm/engine/events.h"
#include "rsm/engine/internal.h"
#include "rsm/engine/omid.h"

struct medium {
    struct rsm_guid guid, pool, library, mtype;
    uint32_t state, n_sides;
    bool enabled;
};

struct pool_info {
    struct rsm_guid guid, mtype, parent;
    uint32_t type, alloc_policy, dealloc_policy, max_allocates;
};

struct side_info {
    struct rsm_guid guid, pmedia, lmedia;
    uint32_t state, alloc_count;
};

static rsm_rc load_medium(struct rsm_db *db, const struct rsm_guid *g, struct medium *m)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT p.pool,p.library,p.mtype,p.state,p.n_sides,"
                                       "o.enabled FROM pmedia p JOIN obj o ON o.guid=p.guid "
                                       "WHERE p.guid=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        m->guid = *g;
        rsm_db_col_guid(st, 0, &m->pool);
        rsm_db_col_guid(st, 1, &m->library);
        rsm_db_col_guid(st, 2, &m->mtype);
        m->state = (uint32_t)sqlite3_column_int(st, 3);
        m->n_sides = (uint32_t)sqlite3_column_int(st, 4);
        m->enabled = sqlite3_column_int(st, 5) != 0;
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return RSM_OK;
    return src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
}

static rsm_rc load_pool(struct rsm_db *db, const struct rsm_guid *g, struct pool_info *p)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT pooltype,mtype,parent,alloc_policy,"
                                       "dealloc_policy,max_allocates FROM pool WHERE guid=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        p->guid = *g;
        p->type = (uint32_t)sqlite3_column_int(st, 0);
        rsm_db_col_guid(st, 1, &p->mtype);
        rsm_db_col_guid(st, 2, &p->parent);
        p->alloc_policy = (uint32_t)sqlite3_column_int(st, 3);
        p->dealloc_policy = (uint32_t)sqlite3_column_int(st, 4);
        p->max_allocates = (uint32_t)sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return RSM_OK;
    return src == SQLITE_DONE ? RSM_E_INVALID_MEDIA_POOL : rsm_db_map(src);
}

static rsm_rc side_query(struct rsm_db *db, const char *sql, const struct rsm_guid *g,
                         struct side_info *s)
{
    sqlite3_stmt *st = rsm_db_stmt(db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        rsm_db_col_guid(st, 0, &s->guid);
        rsm_db_col_guid(st, 1, &s->pmedia);
        rsm_db_col_guid(st, 2, &s->lmedia);
        s->state = (uint32_t)sqlite3_column_int(st, 3);
        s->alloc_count = (uint32_t)sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return RSM_OK;
    return src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
}

/* The side named by @id, which may be an LMID or a side GUID. INVALID_MEDIA if neither. */
static rsm_rc resolve_side(struct rsm_db *db, const struct rsm_guid *id, struct side_info *s)
{
    rsm_rc rc = side_query(
        db,
        "SELECT s.guid,s.pmedia,s.lmedia,s.state,s.alloc_count FROM obj o JOIN side s ON "
        "s.guid=o.ref WHERE o.guid=?1 AND s.lmedia=o.guid",
        id, s);
    if (rc == RSM_E_INVALID_MEDIA)
        rc = side_query(db,
                        "SELECT guid,pmedia,lmedia,state,alloc_count FROM side "
                        "WHERE guid=?1",
                        id, s);
    return rc;
}

static rsm_rc exec_g(struct rsm_db *db, const char *sql, const struct rsm_guid *a,
                     const struct rsm_guid *b, int64_t i3)
{
    sqlite3_stmt *st = rsm_db_stmt(db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, a);
    if (b)
        rsm_db_bind_guid(st, 2, b);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_int64(st, 3, i3);
    return rsm_db_step_done(st);
}

static uint32_t count_g(struct rsm_db *db, const char *sql, const struct rsm_guid *a,
                        const struct rsm_guid *b)
{
    sqlite3_stmt *st = rsm_db_stmt(db, sql);
    if (!st)
        return UINT32_MAX;
    rsm_db_bind_guid_nn(st, 1, a);
    if (b)
        rsm_db_bind_guid_nn(st, 2, b);
    uint32_t n =
        sqlite3_step(st) == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(st, 0) : UINT32_MAX;
    sqlite3_reset(st);
    return n;
}

rsm_rc rsm_media_next_seqno(struct rsm_db *db, char *out, size_t cap)
{
    int64_t n = rsm_db_meta_int(db, "seqno", 0) + 1;
    rsm_rc rc = rsm_db_meta_set_int(db, "seqno", n);
    if (rc == RSM_OK)
        snprintf(out, cap, "%06lld", (long long)n);
    return rc;
}

rsm_rc rsm_media_insert(struct rsm_engine *e, const struct rsm_guid *pm, const char *name,
                        const struct rsm_guid *pool, const struct rsm_guid *library,
                        const struct rsm_guid *location, uint32_t loc_type,
                        const struct rsm_guid *mtype, const char *barcode, uint32_t n_sides,
                        uint32_t side_state, const struct rsm_guid *side_ids)
{
    char seq[RSM_SEQ_CAP];
    rsm_rc rc = rsm_media_next_seqno(e->db, seq, sizeof seq);
    const char *nm = name && *name ? name : (barcode && *barcode ? barcode : seq);
    if (rc == RSM_OK)
        rc = rsm_obj_insert(e->db, pm, RSM_OT_PHYSICAL_MEDIA, nm, "");
    if (rc == RSM_E_ALREADY_EXISTS)
        rc = RSM_E_INVALID_MEDIA;
    sqlite3_stmt *st = rsm_db_stmt(
        e->db, "INSERT INTO pmedia(guid,pool,library,location,loc_type,mtype,barcode,barcode_state,"
               "seqno,state,n_sides) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,0,?10)");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pm);
        rsm_db_bind_guid_nn(st, 2, pool);
        rsm_db_bind_guid_nn(st, 3, library);
        rsm_db_bind_guid(st, 4, location);
        sqlite3_bind_int(st, 5, (int)loc_type);
        rsm_db_bind_guid_nn(st, 6, mtype);
        sqlite3_bind_text(st, 7, barcode ? barcode : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 8, barcode && *barcode ? RSM_BARCODE_OK : RSM_BARCODE_UNREADABLE);
        sqlite3_bind_text(st, 9, seq, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 10, (int)n_sides);
        rc = rsm_db_step_done(st);
    }
    for (uint32_t i = 0; rc == RSM_OK && i < n_sides; i++) {
        struct rsm_guid sg;
        if (side_ids && !rsm_guid_is_null(&side_ids[i]))
            sg = side_ids[i];
        else
            rsm_guid_new(&sg);
        char sname[RSM_NAME_CAP + 8];
        if (n_sides > 1)
            snprintf(sname, sizeof sname, "%.*s:%c", RSM_NAME_CAP - 8, nm, 'A' + (int)(i % 26));
        else
            snprintf(sname, sizeof sname, "%s", nm);
        rc = rsm_obj_insert(e->db, &sg, RSM_OT_PARTITION, sname, "");
        if (rc == RSM_E_ALREADY_EXISTS)
            rc = RSM_E_INVALID_MEDIA;
        st = rsm_db_stmt(e->db, "INSERT INTO side(guid,pmedia,pool,state,side_no) "
                                "VALUES(?1,?2,?3,?4,?5)");
        if (rc == RSM_OK && !st)
            rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK) {
            rsm_db_bind_guid_nn(st, 1, &sg);
            rsm_db_bind_guid_nn(st, 2, pm);
            rsm_db_bind_guid_nn(st, 3, pool);
            sqlite3_bind_int(st, 4, (int)side_state);
            sqlite3_bind_int(st, 5, (int)i);
            rc = rsm_db_step_done(st);
        }
    }
    return rc;
}

/* Update events for every side of medium @pm (their pool or state changed with it). */
static rsm_rc notify_sides_of(struct rsm_db *db, const struct rsm_guid *pm)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT guid FROM side WHERE pmedia=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, pm);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct rsm_guid g;
        rsm_db_col_guid(st, 0, &g);
        rsm_obj_changed(db, &g, RSM_OT_PARTITION);
    }
    sqlite3_reset(st);
    return src == SQLITE_DONE ? RSM_OK : rsm_db_map(src);
}

/* Re-homes medium @m (all sides, and the LMIDs bound to them) in pool @to. Entering a
 * free pool, every usable side becomes UNPREPARED when @unprepared (its free-media label
 * is owed: the caller queues the WRITESCRATCH request after the commit, omid.h) and
 * Available otherwise. UNPREPARED exists only in Free: a medium leaving it before its
 * label was written is Available in its new pool (the label matters only to Free). */
static rsm_rc relocate(struct rsm_engine *e, const struct medium *m, const struct pool_info *to,
                       bool unprepared)
{
    rsm_rc rc = exec_g(e->db, "UPDATE pmedia SET pool=?2 WHERE guid=?1", &m->guid, &to->guid, 0);
    if (rc == RSM_OK)
        rc = exec_g(e->db, "UPDATE side SET pool=?2 WHERE pmedia=?1", &m->guid, &to->guid, 0);
    if (rc == RSM_OK && to->type == RSM_POOL_SCRATCH)
        rc = exec_g(e->db, "UPDATE side SET state=?3 WHERE pmedia=?1 AND state<>3", &m->guid, NULL,
                    unprepared ? RSM_PART_UNPREPARED : RSM_PART_AVAILABLE);
    else if (rc == RSM_OK)
        rc =
            exec_g(e->db, "UPDATE side SET state=4 WHERE pmedia=?1 AND state=1", &m->guid, NULL, 0);
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, &m->guid);
    if (rc == RSM_OK)
        rc = notify_sides_of(e->db, &m->guid);
    return rc;
}

/* Sides of @m in any of the states of the SQL list. */
static uint32_t sides_in(struct rsm_db *db, const struct rsm_guid *pm, const char *sql)
{
    return count_g(db, sql, pm, NULL);
}
#define SQL_N_BOUND       "SELECT count(*) FROM side WHERE pmedia=?1 AND state IN (5,6,9)"
#define SQL_N_ALLOC       "SELECT count(*) FROM side WHERE pmedia=?1 AND state IN (5,6)"
#define SQL_N_NOT_IMPORT  "SELECT count(*) FROM side WHERE pmedia=?1 AND state<>8"
#define SQL_N_NOT_FOREIGN "SELECT count(*) FROM side WHERE pmedia=?1 AND state<>7"

/* The move rules of MoveToNtmsMediaPool (ntms-api.md §2.6) for @m into @to, including
 * rights; does not check the media type (ChangeNtmsMediaType changes it). */
static rsm_rc move_allowed(struct rsm_engine *e, const struct rsm_caller *c, const struct medium *m,
                           const struct pool_info *from, const struct pool_info *to)
{
    if (rsm_guid_is_null(&to->mtype))
        return RSM_E_INVALID_MEDIA_POOL; /* container pools hold no media */
    if ((from->type == RSM_POOL_FOREIGN || from->type == RSM_POOL_IMPORT) &&
        to->type != RSM_POOL_SCRATCH && !rsm_guid_eq(&from->guid, &to->guid))
        return RSM_E_INVALID_MEDIA_POOL;
    if (to->type == RSM_POOL_SCRATCH && sides_in(e->db, &m->guid, SQL_N_BOUND) != 0)
        return RSM_E_INVALID_MEDIA_POOL;
    if (to->type == RSM_POOL_IMPORT && sides_in(e->db, &m->guid, SQL_N_NOT_IMPORT) != 0)
        return RSM_E_INVALID_MEDIA_POOL;
    if (to->type == RSM_POOL_FOREIGN && sides_in(e->db, &m->guid, SQL_N_NOT_FOREIGN) != 0)
        return RSM_E_INVALID_MEDIA_POOL;
    if (m->state != RSM_MEDIASTATE_IDLE)
        return RSM_E_BUSY;
    /* Free pool on one side: USE on it and CONTROL on the other; otherwise CONTROL on both. */
    uint32_t need_from = from->type == RSM_POOL_SCRATCH ? RSM_USE_ACCESS : RSM_CONTROL_ACCESS;
    uint32_t need_to = to->type == RSM_POOL_SCRATCH ? RSM_USE_ACCESS : RSM_CONTROL_ACCESS;
    rsm_rc rc = rsm_sec_need(e, c, &from->guid, need_from);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &to->guid, need_to);
    return rc;
}

#define SQL_N_UNPREPARED "SELECT count(*) FROM side WHERE pmedia=?1 AND state=1"
/* Usable sides that carry no free label of RSM's (entered Free while undriven). */
#define SQL_N_UNLABELLED                                                                           \
    "SELECT count(*) FROM side WHERE pmedia=?1 AND state<>3 AND ifnull(omid_type,'')<>'RSM'"

/* A medium already in the Free pool it is moved to: nothing moves, but the label is owed
 * again when it is still UNPREPARED (a failed WRITESCRATCH: this is the retry), when it
 * entered Free while its library was not driven and has no free label yet, or when
 * @force ("rsm freemedia"). Undriven now, UNPREPARED sides become Available: there is no
 * drive to wait for. In the caller's transaction. */
static rsm_rc refree(struct rsm_engine *e, const struct medium *m, bool driven, bool force,
                     bool *owed)
{
    uint32_t n_unprep = sides_in(e->db, &m->guid, SQL_N_UNPREPARED);
    uint32_t n_unlab = sides_in(e->db, &m->guid, SQL_N_UNLABELLED);
    if (n_unprep == UINT32_MAX || n_unlab == UINT32_MAX)
        return RSM_E_DB_FAILURE;
    rsm_rc rc = RSM_OK;
    if (driven && (force || n_unprep || n_unlab)) {
        *owed = true;
        rc = exec_g(e->db, "UPDATE side SET state=1 WHERE pmedia=?1 AND state<>3", &m->guid, NULL,
                    0);
    } else if (!driven && n_unprep) {
        rc =
            exec_g(e->db, "UPDATE side SET state=4 WHERE pmedia=?1 AND state=1", &m->guid, NULL, 0);
    } else {
        return RSM_OK; /* nothing changes */
    }
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, &m->guid);
    if (rc == RSM_OK)
        rc = notify_sides_of(e->db, &m->guid);
    return rc;
}

/* rsm_media_move_free(), and *@left_free true when the medium left a free pool. */
static rsm_rc move_core(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *pmedia, const struct rsm_guid *pool, bool force,
                        bool *owed, bool *left_free)
{
    if (!pmedia || !pool || !owed)
        return RSM_E_INVALID_PARAMETER;
    *owed = false;
    *left_free = false;
    struct medium m;
    struct pool_info from, to;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = load_medium(e->db, pmedia, &m);
    if (rc == RSM_OK)
        rc = load_pool(e->db, pool, &to);
    if (rc == RSM_OK)
        rc = load_pool(e->db, &m.pool, &from);
    if (rc == RSM_OK && !rsm_guid_is_null(&to.mtype) && !rsm_guid_eq(&to.mtype, &m.mtype))
        rc = RSM_E_MEDIA_INCOMPATIBLE;
    if (rc == RSM_OK)
        rc = move_allowed(e, c, &m, &from, &to);
    bool driven = rc == RSM_OK && to.type == RSM_POOL_SCRATCH && rsm_omid_label_owed(e, &m.library);
    if (rc == RSM_OK && !rsm_guid_eq(&from.guid, &to.guid)) {
        rc = relocate(e, &m, &to, driven);
        *owed = driven;
        *left_free = from.type == RSM_POOL_SCRATCH && to.type != RSM_POOL_SCRATCH;
    } else if (rc == RSM_OK && to.type == RSM_POOL_SCRATCH) {
        rc = refree(e, &m, driven, force, owed);
    }
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK) {
        rsm_engine_signal(e);
    } else {
        *owed = false;
        *left_free = false;
    }
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_media_move_free(struct rsm_engine *e, const struct rsm_caller *c,
                           const struct rsm_guid *pmedia, const struct rsm_guid *pool, bool force,
                           bool *owed)
{
    bool left_free = false;
    rsm_rc rc = move_core(e, c, pmedia, pool, force, owed, &left_free);
    if (left_free)
        rsm_omid_left_free(e, pmedia);
    return rc;
}

/* MoveToNtmsMediaPool: into a free pool of a driven library the call returns once the
 * WRITESCRATCH request is queued (ntms-api.md §2.6 rule 2); the move itself is committed
 * first, so a failure to queue (the device does not open, the engine is closing) leaves
 * the sides UNPREPARED, is returned, and moving the medium to Free again retries. */
rsm_rc rsm_media_move(struct rsm_engine *e, const struct rsm_caller *c,
                      const struct rsm_guid *pmedia, const struct rsm_guid *pool)
{
    bool owed = false, left_free = false;
    rsm_rc rc = move_core(e, c, pmedia, pool, false, &owed, &left_free);
    if (left_free)
        rsm_omid_left_free(e, pmedia); /* a label request still queued is moot now */
    if (rc == RSM_OK && owed)
        rc = rsm_omid_queue_free_label(e, c, pmedia, false, NULL);
    return rc;
}

rsm_rc rsm_media_change_type(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *pmedia, const struct rsm_guid *pool)
{
    if (!pmedia || !pool)
        return RSM_E_INVALID_PARAMETER;
    struct medium m;
    struct pool_info from, to;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = load_medium(e->db, pmedia, &m);
    if (rc == RSM_OK)
        rc = load_pool(e->db, pool, &to);
    if (rc == RSM_OK)
        rc = load_pool(e->db, &m.pool, &from);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &m.pool, RSM_MODIFY_ACCESS);
    if (rc == RSM_OK)
        rc = move_allowed(e, c, &m, &from, &to);
    if (rc == RSM_OK &&
        count_g(e->db, "SELECT sides FROM media_type WHERE guid=?1", &to.mtype, NULL) != m.n_sides)
        rc = RSM_E_MEDIA_INCOMPATIBLE; /* the new type must have as many sides */
    if (rc == RSM_OK)
        rc = exec_g(e->db, "UPDATE pmedia SET mtype=?2 WHERE guid=?1", pmedia, &to.mtype, 0);
    /* Into a free pool: the label is owed as for a move (omid.h). */
    bool owed = rc == RSM_OK && !rsm_guid_eq(&from.guid, &to.guid) && to.type == RSM_POOL_SCRATCH &&
                rsm_omid_label_owed(e, &m.library);
    if (rc == RSM_OK && !rsm_guid_eq(&from.guid, &to.guid))
        rc = relocate(e, &m, &to, owed);
    else if (rc == RSM_OK)
        rsm_obj_changed(e->db, pmedia, RSM_OT_PHYSICAL_MEDIA);
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK)
        rsm_engine_signal(e);
    rsm_engine_unlock(e);
    if (rc == RSM_OK && owed)
        rc = rsm_omid_queue_free_label(e, c, pmedia, false, NULL);
    return rc;
}

/* Library checks shared by Add/DeleteNtmsMediaType. */
static rsm_rc type_and_library(struct rsm_engine *e, const struct rsm_caller *c,
                               const struct rsm_guid *mtype, const struct rsm_guid *library)
{
    uint32_t t = 0;
    rsm_rc rc = rsm_obj_type(e->db, library, &t);
    if (rc == RSM_E_NOT_FOUND || (rc == RSM_OK && t != RSM_OT_LIBRARY))
        return RSM_E_INVALID_LIBRARY;
    if (rc != RSM_OK)
        return rc;
    rc = rsm_obj_type(e->db, mtype, &t);
    if (rc == RSM_E_NOT_FOUND || (rc == RSM_OK && t != RSM_OT_MEDIA_TYPE))
        return RSM_E_INVALID_MEDIA;
    if (rc != RSM_OK)
        return rc;
    if (rsm_guid_eq(library, &e->offline_lib) || !rsm_obj_enabled(e->db, library))
        return RSM_E_LIBRARY_OFFLINE;
    return rsm_sec_need(e, c, library, RSM_MODIFY_ACCESS);
}

rsm_rc rsm_media_type_add(struct rsm_engine *e, const struct rsm_caller *c,
                          const struct rsm_guid *mtype, const struct rsm_guid *library)
{
    if (!mtype || !library)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = type_and_library(e, c, mtype, library);
    if (rc == RSM_OK)
        rc = exec_g(e->db, "INSERT OR IGNORE INTO lib_mtype(library,mtype) VALUES(?1,?2)", library,
                    mtype, 0);
    if (rc == RSM_OK)
        rc = rsm_pool_ensure_system(e, mtype);
    if (rc == RSM_OK)
        rsm_obj_changed(e->db, library, RSM_OT_LIBRARY); /* its dwNumberOfMediaTypes */
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* Deletes the system pools of media type @mtype, each through rsm_obj_delete_typed so
 * that its delete is announced. */
static rsm_rc delete_system_pools(struct rsm_db *db, const struct rsm_guid *mtype)
{
    struct rsm_guid g[8];
    uint32_t n = 0;
    sqlite3_stmt *st =
        rsm_db_stmt(db, "SELECT guid FROM pool WHERE mtype=?1 AND pooltype IN (1,2,3) LIMIT 8");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, mtype);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW && n < 8)
        rsm_db_col_guid(st, 0, &g[n++]);
    sqlite3_reset(st);
    if (src != SQLITE_DONE && src != SQLITE_ROW)
        return rsm_db_map(src);
    rsm_rc rc = RSM_OK;
    for (uint32_t i = 0; i < n && rc == RSM_OK; i++)
        rc = rsm_obj_delete_typed(db, &g[i], RSM_OT_MEDIA_POOL);
    return rc;
}

rsm_rc rsm_media_type_delete(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *mtype, const struct rsm_guid *library)
{
    if (!mtype || !library)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = type_and_library(e, c, mtype, library);
    if (rc == RSM_OK && count_g(e->db, "SELECT count(*) FROM pmedia WHERE library=?1 AND mtype=?2",
                                library, mtype) != 0)
        rc = RSM_E_NOT_EMPTY;
    if (rc == RSM_OK)
        rc =
            exec_g(e->db, "DELETE FROM lib_mtype WHERE library=?1 AND mtype=?2", library, mtype, 0);
    /* Last trace of the type gone (no medium, no library relation, no application pool):
     * its system pools go too. */
    if (rc == RSM_OK &&
        count_g(e->db,
                "SELECT (SELECT count(*) FROM pmedia WHERE mtype=?1) + (SELECT count(*)"
                " FROM lib_mtype WHERE mtype=?1) + (SELECT count(*) FROM pool WHERE "
                "mtype=?1 AND pooltype=1000)",
                mtype, NULL) == 0) {
        rc = delete_system_pools(e->db, mtype);
    }
    if (rc == RSM_OK)
        rsm_obj_changed(e->db, library, RSM_OT_LIBRARY);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

static void trim_trailing_blanks(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
}

rsm_rc rsm_media_create(struct rsm_engine *e, const struct rsm_caller *c, struct rsm_objinfo *pm,
                        struct rsm_objinfo *sides, uint32_t n_sides, uint32_t options)
{
    if (!pm || pm->type != RSM_OT_PHYSICAL_MEDIA || (n_sides && !sides) ||
        (options & ~(uint32_t)RSM_ERROR_ON_DUPLICATE) || n_sides > 64)
        return RSM_E_INVALID_PARAMETER;
    for (uint32_t i = 0; i < n_sides; i++)
        if (sides[i].type != RSM_OT_PARTITION || sides[i].u.side.state > RSM_PART_RESERVED ||
            sides[i].u.side.omid_len > RSM_OMID_MAX)
            return RSM_E_INVALID_PARAMETER;
    char barcode[RSM_BARCODE_CAP];
    rsm_utf8_copy(barcode, sizeof barcode, pm->u.pmedia.barcode);
    trim_trailing_blanks(barcode);

    struct pool_info pool;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = rsm_guid_is_null(&pm->u.pmedia.pool) ? RSM_E_INVALID_MEDIA_POOL
                                                  : load_pool(e->db, &pm->u.pmedia.pool, &pool);
    if (rc == RSM_OK && ((pool.type != RSM_POOL_IMPORT && pool.type != RSM_POOL_APPLICATION) ||
                         rsm_guid_is_null(&pool.mtype)))
        rc = RSM_E_INVALID_MEDIA_POOL;
    if (rc == RSM_OK && !rsm_guid_is_null(&pm->u.pmedia.library) &&
        !rsm_guid_eq(&pm->u.pmedia.library, &e->offline_lib))
        rc = RSM_E_INVALID_PARAMETER; /* only offline media are created here */
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &pool.guid, RSM_MODIFY_ACCESS);
    if (rc == RSM_OK && (pm->u.pmedia.n_sides != n_sides ||
                         count_g(e->db, "SELECT sides FROM media_type WHERE guid=?1", &pool.mtype,
                                 NULL) != n_sides))
        rc = RSM_E_MEDIA_INCOMPATIBLE;
    if (rc == RSM_OK && *barcode) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT count(*) FROM pmedia WHERE barcode=?1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            sqlite3_bind_text(st, 1, barcode, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_ROW)
                rc = RSM_E_DB_FAILURE;
            else if (sqlite3_column_int(st, 0) > 0)
                rc = RSM_E_INVALID_MEDIA; /* barcode already known */
            sqlite3_reset(st);
        }
    }
    for (uint32_t i = 0; rc == RSM_OK && i < n_sides; i++) {
        const __typeof__(sides[i].u.side) *s = &sides[i].u.side;
        bool bound = s->state == RSM_PART_ALLOCATED || s->state == RSM_PART_COMPLETE;
        if ((bound || s->state == RSM_PART_RESERVED) && pool.type != RSM_POOL_APPLICATION)
            rc = RSM_E_INVALID_PARAMETER;
        else if (!bound && !rsm_guid_is_null(&s->lmedia))
            rc = RSM_E_INVALID_PARAMETER;
        else if (bound && !rsm_guid_is_null(&s->lmedia)) {
            uint32_t t;
            if (rsm_obj_type(e->db, &s->lmedia, &t) == RSM_OK)
                rc = RSM_E_INVALID_MEDIA; /* pre-assigned LMID must be new */
        }
        if (rc == RSM_OK && (options & RSM_ERROR_ON_DUPLICATE) && s->omid_len) {
            sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT count(*) FROM side WHERE omid=?1");
            if (!st) {
                rc = RSM_E_DB_FAILURE;
            } else {
                sqlite3_bind_blob(st, 1, s->omid, (int)s->omid_len, SQLITE_STATIC);
                if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0)
                    rc = RSM_E_INVALID_MEDIA; /* duplicate OMID (doc: ERROR_DUPLICATE_OMID) */
                sqlite3_reset(st);
            }
        }
    }
    struct rsm_guid pmg = pm->guid;
    if (rsm_guid_is_null(&pmg))
        rsm_guid_new(&pmg);
    struct rsm_guid side_ids[64];
    for (uint32_t i = 0; i < n_sides; i++)
        side_ids[i] = sides[i].guid;
    /* Name: as given, else barcode, else (one side) label info, else sequence number. */
    char name[RSM_NAME_CAP];
    rsm_utf8_copy(name, sizeof name, pm->name);
    if (!*name && *barcode)
        rsm_utf8_copy(name, sizeof name, barcode);
    if (!*name && n_sides == 1 && *sides[0].u.side.omid_info)
        rsm_utf8_copy(name, sizeof name, sides[0].u.side.omid_info);
    if (rc == RSM_OK)
        rc = rsm_media_insert(e, &pmg, name, &pool.guid, &e->offline_lib, NULL, RSM_OT_STORAGESLOT,
                              &pool.mtype, barcode, n_sides, RSM_PART_UNKNOWN, side_ids);
    if (rc == RSM_OK) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "UPDATE pmedia SET mtype_code=?2, density_code=?3"
                                              " WHERE guid=?1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            rsm_db_bind_guid_nn(st, 1, &pmg);
            sqlite3_bind_int64(st, 2, pm->u.pmedia.media_type_code);
            sqlite3_bind_int64(st, 3, pm->u.pmedia.density_code);
            rc = rsm_db_step_done(st);
        }
    }
    if (rc == RSM_OK) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "UPDATE obj SET descr=?2, enabled=?3 WHERE guid=?1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            rsm_db_bind_guid_nn(st, 1, &pmg);
            sqlite3_bind_text(st, 2, pm->descr, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 3, pm->enabled ? 1 : 0);
            rc = rsm_db_step_done(st);
        }
    }
    /* Sides: their GUIDs (generated ones too), then the caller's fields. */
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT guid FROM side WHERE pmedia=?1 ORDER BY side_no");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, &pmg);
        for (uint32_t i = 0; i < n_sides && sqlite3_step(st) == SQLITE_ROW; i++)
            rsm_db_col_guid(st, 0, &side_ids[i]);
        sqlite3_reset(st);
    }
    for (uint32_t i = 0; rc == RSM_OK && i < n_sides; i++) {
        __typeof__(sides[i].u.side) *s = &sides[i].u.side;
        bool bound = s->state == RSM_PART_ALLOCATED || s->state == RSM_PART_COMPLETE;
        if (bound) {
            if (rsm_guid_is_null(&s->lmedia))
                rsm_guid_new(&s->lmedia);
            rc = rsm_lmid_insert(e->db, &s->lmedia, name, &side_ids[i]);
            if (rc == RSM_E_ALREADY_EXISTS)
                rc = RSM_E_INVALID_MEDIA;
        }
        st = rsm_db_stmt(e->db, "UPDATE side SET lmedia=?2, state=?3, omid=?4, omid_type=?5,"
                                " omid_info=?6, mount_count=?7, alloc_count=?8, capacity=?9 "
                                "WHERE guid=?1");
        if (rc == RSM_OK && !st)
            rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK) {
            rsm_db_bind_guid_nn(st, 1, &side_ids[i]);
            rsm_db_bind_guid(st, 2, bound ? &s->lmedia : NULL);
            sqlite3_bind_int(st, 3, (int)s->state);
            if (s->omid_len)
                sqlite3_bind_blob(st, 4, s->omid, (int)s->omid_len, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, 4);
            sqlite3_bind_text(st, 5, s->omid_type, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 6, s->omid_info, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 7, s->mount_count);
            sqlite3_bind_int64(st, 8, s->allocate_count);
            sqlite3_bind_int64(st, 9, s->capacity);
            rc = rsm_db_step_done(st);
        }
        if (rc == RSM_OK && (*sides[i].name || *sides[i].descr)) {
            st = rsm_db_stmt(e->db, "UPDATE obj SET name=CASE WHEN ?2='' THEN name ELSE ?2 END,"
                                    " descr=?3 WHERE guid=?1");
            if (!st) {
                rc = RSM_E_DB_FAILURE;
            } else {
                rsm_db_bind_guid_nn(st, 1, &side_ids[i]);
                sqlite3_bind_text(st, 2, sides[i].name, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, sides[i].descr, -1, SQLITE_STATIC);
                rc = rsm_db_step_done(st);
            }
        }
    }
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK) {
        /* Report the stored object back (out fields of ntms-api.md §2.6). */
        rsm_engine_signal(e);
        rsm_engine_unlock(e);
        struct rsm_caller root = *c;
        root.uid = 0; /* the caller just created it: reading it back needs no check */
        rc = rsm_object_get(e, &root, &pmg, RSM_OT_PHYSICAL_MEDIA, pm);
        for (uint32_t i = 0; rc == RSM_OK && i < n_sides; i++)
            rc = rsm_object_get(e, &root, &side_ids[i], RSM_OT_PARTITION, &sides[i]);
        return rc;
    }
    rsm_engine_unlock(e);
    return rc;
}

/* Binds @s (a side of medium @pm in @pool) to a new LMID: ALLOCATED, count + 1; with
 * RSM_ALLOC_NEW the medium's other Available sides become Reserved. */
static rsm_rc bind_side(struct rsm_engine *e, const struct side_info *s,
                        const struct rsm_guid *pool, uint32_t options, struct rsm_guid *lmid)
{
    struct rsm_guid l;
    rsm_guid_new(&l);
    char name[RSM_NAME_CAP] = "";
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT name FROM obj WHERE guid=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, &s->guid);
    if (sqlite3_step(st) == SQLITE_ROW)
        rsm_db_col_text(st, 0, name, sizeof name);
    sqlite3_reset(st);
    rsm_rc rc = rsm_lmid_insert(e->db, &l, name, &s->guid);
    if (rc == RSM_OK)
        rc = exec_g(e->db,
                    "UPDATE side SET lmedia=?2, state=5, alloc_count=alloc_count+1 "
                    "WHERE guid=?1",
                    &s->guid, &l, 0);
    if (rc == RSM_OK)
        rsm_obj_changed(e->db, &s->guid, RSM_OT_PARTITION); /* Allocated, bound to l */
    if (rc == RSM_OK && (options & RSM_ALLOC_NEW)) {
        rc = exec_g(e->db, "UPDATE side SET state=9 WHERE pmedia=?1 AND state=4", &s->pmedia, NULL,
                    0);
        if (rc == RSM_OK)
            rc = notify_sides_of(e->db, &s->pmedia);
    }
    /* The side changed, not the medium: its Modified time stays (and the transaction
     * writes one page fewer, which the allocation rate feels). */
    if (rc == RSM_OK)
        *lmid = l;
    return rc;
}

/* An allocatable side of pool @pool: Available, medium enabled and online, least used first. */
static rsm_rc pick_side(struct rsm_engine *e, const struct rsm_guid *pool, struct side_info *s)
{
    sqlite3_stmt *st = rsm_db_stmt(
        e->db,
        "SELECT s.guid, s.pmedia, s.alloc_count FROM side s JOIN pmedia p ON p.guid=s.pmedia "
        "JOIN obj o ON o.guid=s.pmedia JOIN obj lo ON lo.guid=p.library WHERE s.pool=?1 AND "
        "s.state=4 AND p.library<>?2 AND o.enabled=1 AND lo.enabled=1 "
        "ORDER BY s.alloc_count LIMIT 1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, pool);
    rsm_db_bind_guid_nn(st, 2, &e->offline_lib);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        rsm_db_col_guid(st, 0, &s->guid);
        rsm_db_col_guid(st, 1, &s->pmedia);
        memset(&s->lmedia, 0, sizeof s->lmedia);
        s->state = RSM_PART_AVAILABLE;
        s->alloc_count = (uint32_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return RSM_OK;
    return src == SQLITE_DONE ? RSM_E_MEDIA_UNAVAILABLE : rsm_db_map(src);
}

/* One allocation attempt inside a transaction. MEDIA_UNAVAILABLE when nothing fits now. */
static rsm_rc try_allocate(struct rsm_engine *e, const struct rsm_caller *c,
                           const struct rsm_guid *pool_id, const struct rsm_guid *side_id,
                           struct rsm_guid *lmid, uint32_t options, struct rsm_guid *from)
{
    struct pool_info pool;
    rsm_rc rc = load_pool(e->db, pool_id, &pool);
    if (rc != RSM_OK)
        return rc;
    if (pool.type != RSM_POOL_APPLICATION || rsm_guid_is_null(&pool.mtype))
        return RSM_E_INVALID_MEDIA_POOL; /* only application leaf pools allocate */
    rc = rsm_sec_need(e, c, pool_id, RSM_CONTROL_ACCESS);
    if (rc != RSM_OK)
        return rc;
    struct side_info s;
    struct medium m;
    if (options & RSM_ALLOC_NEXT) {
        /* The next side of the medium behind *lmid (an LMID or side allocated with NEW). */
        struct side_info first;
        rc = resolve_side(e->db, lmid, &first);
        if (rc == RSM_OK && first.state != RSM_PART_ALLOCATED && first.state != RSM_PART_COMPLETE)
            rc = RSM_E_INVALID_MEDIA;
        if (rc == RSM_OK)
            rc = load_medium(e->db, &first.pmedia, &m);
        if (rc == RSM_OK && !rsm_guid_eq(&m.pool, pool_id))
            rc = RSM_E_INVALID_MEDIA_POOL;
        if (rc == RSM_OK)
            rc = side_query(e->db,
                            "SELECT guid,pmedia,lmedia,state,alloc_count FROM side WHERE "
                            "pmedia=?1 AND state IN (4,9) ORDER BY side_no LIMIT 1",
                            &first.pmedia, &s);
        if (rc != RSM_OK)
            return rc; /* all sides taken: INVALID_MEDIA */
        *from = *pool_id;
        return bind_side(e, &s, pool_id, 0, lmid);
    }
    if (side_id) {
        rc = side_query(e->db,
                        "SELECT guid,pmedia,lmedia,state,alloc_count FROM side "
                        "WHERE guid=?1",
                        side_id, &s);
        if (rc == RSM_OK)
            rc = load_medium(e->db, &s.pmedia, &m);
        if (rc != RSM_OK)
            return rc;
        if (s.state != RSM_PART_AVAILABLE && s.state != RSM_PART_IMPORT)
            return RSM_E_INVALID_STATE;
        if (!m.enabled || !rsm_obj_enabled(e->db, &m.library))
            return RSM_E_RESOURCE_DISABLED;
        if (rsm_guid_eq(&m.library, &e->offline_lib))
            return RSM_E_MEDIA_OFFLINE;
        if (!rsm_guid_eq(&m.mtype, &pool.mtype))
            return RSM_E_MEDIA_INCOMPATIBLE;
        struct pool_info src;
        rc = load_pool(e->db, &m.pool, &src);
        if (rc != RSM_OK)
            return rc;
        if (!rsm_guid_eq(&src.guid, pool_id)) {
            /* Import (atomic move + allocate; other sides stay Import) or from free. */
            if (src.type != RSM_POOL_IMPORT && src.type != RSM_POOL_SCRATCH)
                return RSM_E_INVALID_MEDIA_POOL;
            if (m.state != RSM_MEDIASTATE_IDLE)
                return RSM_E_BUSY;
            rc = rsm_sec_need(e, c, &src.guid,
                              src.type == RSM_POOL_SCRATCH ? RSM_USE_ACCESS : RSM_CONTROL_ACCESS);
            if (rc == RSM_OK)
                rc = exec_g(e->db, "UPDATE pmedia SET pool=?2 WHERE guid=?1", &m.guid, pool_id, 0);
            if (rc == RSM_OK)
                rc = exec_g(e->db, "UPDATE side SET pool=?2 WHERE pmedia=?1", &m.guid, pool_id, 0);
            if (rc != RSM_OK)
                return rc;
        }
        *from = src.guid;
        return bind_side(e, &s, pool_id, options, lmid);
    }
    rc = pick_side(e, pool_id, &s);
    if (rc == RSM_OK) {
        *from = *pool_id;
        return bind_side(e, &s, pool_id, options, lmid);
    }
    if (rc != RSM_E_MEDIA_UNAVAILABLE || !(pool.alloc_policy & RSM_ALLOCATE_FROMSCRATCH))
        return rc;
    struct rsm_guid free_pool;
    rc = rsm_pool_system(e, RSM_POOL_SCRATCH, &pool.mtype, false, &free_pool);
    if (rc == RSM_E_NOT_FOUND)
        return RSM_E_MEDIA_UNAVAILABLE;
    if (rc == RSM_OK)
        rc = pick_side(e, &free_pool, &s);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &free_pool, RSM_USE_ACCESS);
    if (rc == RSM_OK)
        rc = load_medium(e->db, &s.pmedia, &m);
    if (rc == RSM_OK)
        rc = relocate(e, &m, &pool, false);
    if (rc == RSM_OK) {
        *from = free_pool;
        rc = bind_side(e, &s, pool_id, options, lmid);
    }
    return rc;
}

static void opreq_delete(struct rsm_engine *e, const struct rsm_guid *id)
{
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = rsm_obj_delete(e->db, id); /* announces the delete */
    (void)rsm_db_end(e->db, rc);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

rsm_rc rsm_media_allocate(struct rsm_engine *e, const struct rsm_caller *c,
                          const struct rsm_guid *pool, const struct rsm_guid *side,
                          struct rsm_guid *lmid, uint32_t options, uint32_t timeout_ms,
                          struct rsm_guid *from)
{
    if (!pool || !lmid || (options & ~7u) ||
        (options & (RSM_ALLOC_NEW | RSM_ALLOC_NEXT)) == (RSM_ALLOC_NEW | RSM_ALLOC_NEXT) ||
        (side && (options & RSM_ALLOC_NEXT)))
        return RSM_E_INVALID_PARAMETER;
    struct rsm_guid out = *lmid, got_from;
    int64_t deadline = timeout_ms == UINT32_MAX ? INT64_MAX : mono_ms() + timeout_ms;
    bool have_opreq = false;
    struct rsm_guid opreq;
    rsm_engine_lock(e);
    rsm_rc rc;
    for (;;) {
        rc = rsm_db_begin(e->db);
        if (rc == RSM_OK)
            rc = try_allocate(e, c, pool, side, &out, options, &got_from);
        rc = rsm_db_end(e->db, rc);
        if (rc != RSM_E_MEDIA_UNAVAILABLE || side || (options & RSM_ALLOC_ERROR_IF_UNAVAILABLE) ||
            timeout_ms == 0)
            break;
        if (c->cancel && *c->cancel) {
            rc = RSM_E_CANCELLED; /* the session was closed while waiting */
            break;
        }
        if (!have_opreq) {
            /* Nothing now: ask an operator for media (NTMS_OPREQ_NEWMEDIA) and wait. */
            if (rsm_opreq_raise(e, c, RSM_OPREQ_NEWMEDIA, "Media pool needs media: add media or move media to it.", pool, NULL, &opreq) == RSM_OK)
                have_opreq = true;
        } else {
            uint32_t st = rsm_opreq_state(e, &opreq);
            if (st == RSM_OPSTATE_REFUSED) {
                rc = RSM_E_CANCELLED;
                break;
            }
        }
        int64_t now = mono_ms();
        if (now >= deadline) {
            rc = RSM_E_TIMEOUT;
            break;
        }
        /* Woken by deallocate/move/create in this process; media made by another process
         * are noticed by polling every 100 ms. */
        int64_t until = deadline - now > 100 ? now + 100 : deadline;
        struct timespec ts = {.tv_sec = until / 1000, .tv_nsec = (long)(until % 1000) * 1000000};
        pthread_cond_timedwait(&e->changed, &e->mu, &ts);
    }
    if (have_opreq)
        opreq_delete(e, &opreq); /* satisfied, timed out or refused: it is done */
    rsm_engine_unlock(e);
    if (rc == RSM_OK) {
        *lmid = out;
        if (from)
            *from = got_from;
    }
    return rc;
}

rsm_rc rsm_media_deallocate(struct rsm_engine *e, const struct rsm_caller *c,
                            const struct rsm_guid *lmid, uint32_t options)
{
    if (!lmid || options != 0)
        return RSM_E_INVALID_PARAMETER;
    struct side_info s;
    struct medium m;
    struct pool_info pool;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = side_query(
            e->db,
            "SELECT s.guid,s.pmedia,s.lmedia,s.state,s.alloc_count FROM obj o JOIN side s ON "
            "s.guid=o.ref WHERE o.guid=?1 AND s.lmedia=o.guid",
            lmid, &s);
    if (rc == RSM_OK)
        rc = load_medium(e->db, &s.pmedia, &m);
    if (rc == RSM_OK)
        rc = load_pool(e->db, &m.pool, &pool);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &pool.guid, RSM_CONTROL_ACCESS);
    if (rc == RSM_OK && m.state != RSM_MEDIASTATE_IDLE && m.state != RSM_MEDIASTATE_UNLOADED)
        rc = RSM_E_BUSY;
    bool decommission = pool.max_allocates && s.alloc_count >= pool.max_allocates;
    if (rc == RSM_OK)
        rc = exec_g(e->db, "UPDATE side SET lmedia=NULL, state=?3 WHERE guid=?1", &s.guid, NULL,
                    decommission ? RSM_PART_DECOMMISSIONED : RSM_PART_AVAILABLE);
    if (rc == RSM_OK)
        rsm_obj_changed(e->db, &s.guid, RSM_OT_PARTITION);
    if (rc == RSM_OK)
        rc = rsm_obj_delete_typed(e->db, lmid, RSM_OT_LOGICAL_MEDIA); /* ends with it */
    /* Sides reserved by an NTMS_ALLOCATE_NEW are free again once nothing is allocated. */
    if (rc == RSM_OK && m.n_sides > 1 && sides_in(e->db, &m.guid, SQL_N_ALLOC) == 0) {
        rc = exec_g(e->db, "UPDATE side SET state=4 WHERE pmedia=?1 AND state=9", &m.guid, NULL, 0);
        if (rc == RSM_OK)
            rc = notify_sides_of(e->db, &m.guid);
    }
    /* Back to Free (ntms-api.md §6.2: "which implies a new free label"): in a driven
     * library the sides wait UNPREPARED for the WRITESCRATCH request queued below. */
    bool owed = false;
    if (rc == RSM_OK && (pool.dealloc_policy & RSM_DEALLOCATE_TOSCRATCH) &&
        sides_in(e->db, &m.guid, SQL_N_BOUND) == 0) {
        struct pool_info fp;
        rc = rsm_pool_system(e, RSM_POOL_SCRATCH, &m.mtype, true, &fp.guid);
        if (rc == RSM_OK)
            rc = load_pool(e->db, &fp.guid, &fp);
        if (rc == RSM_OK)
            rc = rsm_sec_need(e, c, &fp.guid, RSM_USE_ACCESS);
        owed = rc == RSM_OK && rsm_omid_label_owed(e, &m.library);
        if (rc == RSM_OK)
            rc = relocate(e, &m, &fp, owed);
    }
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK)
        rsm_engine_signal(e);
    rsm_engine_unlock(e);
    /* The deallocation stands whatever happens here, so its result is the caller's: a
     * request that cannot be queued (the device does not open) leaves the sides
     * UNPREPARED, which says so, and moving the medium to Free again retries. */
    if (rc == RSM_OK && owed)
        (void)rsm_omid_queue_free_label(e, c, &m.guid, false, NULL);
    return rc;
}

/* Side-state change guarded by an expected state and a right on the medium's pool. */
static rsm_rc side_transition(struct rsm_engine *e, const struct rsm_caller *c,
                              const struct rsm_guid *id, bool by_lmid_or_side, uint32_t expect,
                              uint32_t to)
{
    if (!id)
        return RSM_E_INVALID_PARAMETER;
    struct side_info s;
    struct medium m;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = by_lmid_or_side ? resolve_side(e->db, id, &s)
                             : side_query(e->db,
                                          "SELECT guid,pmedia,lmedia,state,alloc_count "
                                          "FROM side WHERE guid=?1",
                                          id, &s);
    if (rc == RSM_OK)
        rc = load_medium(e->db, &s.pmedia, &m);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &m.pool, RSM_CONTROL_ACCESS);
    if (rc == RSM_OK && s.state != expect)
        rc = RSM_E_INVALID_STATE;
    if (rc == RSM_OK && (m.state == RSM_MEDIASTATE_MOUNTED || m.state == RSM_MEDIASTATE_LOADED ||
                         m.state == RSM_MEDIASTATE_INUSE))
        rc = RSM_E_INVALID_STATE;
    if (rc == RSM_OK)
        rc = exec_g(e->db, "UPDATE side SET state=?3 WHERE guid=?1", &s.guid, NULL, to);
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, &s.guid);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_media_decommission(struct rsm_engine *e, const struct rsm_caller *c,
                              const struct rsm_guid *side)
{
    return side_transition(e, c, side, false, RSM_PART_AVAILABLE, RSM_PART_DECOMMISSIONED);
}

rsm_rc rsm_media_complete(struct rsm_engine *e, const struct rsm_caller *c,
                          const struct rsm_guid *lmid)
{
    return side_transition(e, c, lmid, true, RSM_PART_ALLOCATED, RSM_PART_COMPLETE);
}

rsm_rc rsm_media_swap(struct rsm_engine *e, const struct rsm_caller *c,
                      const struct rsm_guid *lmid1, const struct rsm_guid *lmid2)
{
    if (!lmid1 || !lmid2)
        return RSM_E_INVALID_PARAMETER;
    struct side_info s1, s2;
    struct medium m1, m2;
    const char *q = "SELECT s.guid,s.pmedia,s.lmedia,s.state,s.alloc_count FROM obj o JOIN "
                    "side s ON s.guid=o.ref WHERE o.guid=?1 AND s.lmedia=o.guid";
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = side_query(e->db, q, lmid1, &s1);
    if (rc == RSM_OK)
        rc = side_query(e->db, q, lmid2, &s2);
    if (rc == RSM_OK)
        rc = load_medium(e->db, &s1.pmedia, &m1);
    if (rc == RSM_OK)
        rc = load_medium(e->db, &s2.pmedia, &m2);
    if (rc == RSM_OK && (rsm_guid_eq(&s1.guid, &s2.guid)))
        rc = RSM_E_INVALID_PARAMETER;
    if (rc == RSM_OK && (s1.state != RSM_PART_ALLOCATED || s2.state != RSM_PART_ALLOCATED))
        rc = RSM_E_INVALID_STATE;
    if (rc == RSM_OK && (m1.state != RSM_MEDIASTATE_IDLE || m2.state != RSM_MEDIASTATE_IDLE))
        rc = RSM_E_INVALID_MEDIA; /* in use */
    if (rc == RSM_OK && !rsm_guid_eq(&m1.pool, &m2.pool))
        rc = RSM_E_INVALID_MEDIA_POOL;
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &m1.pool, RSM_MODIFY_ACCESS);
    /* Bind crosswise, both directions (side.lmedia and the LMIDs' ref). */
    if (rc == RSM_OK)
        rc = exec_g(e->db, "UPDATE side SET lmedia=NULL WHERE guid=?1", &s1.guid, NULL, 0);
    if (rc == RSM_OK)
        rc = exec_g(e->db, "UPDATE side SET lmedia=?2 WHERE guid=?1", &s2.guid, lmid1, 0);
    if (rc == RSM_OK)
        rc = exec_g(e->db, "UPDATE side SET lmedia=?2 WHERE guid=?1", &s1.guid, lmid2, 0);
    if (rc == RSM_OK)
        rc = exec_g(e->db, "UPDATE obj SET ref=?2 WHERE guid=?1", lmid1, &s2.guid, 0);
    if (rc == RSM_OK)
        rc = exec_g(e->db, "UPDATE obj SET ref=?2 WHERE guid=?1", lmid2, &s1.guid, 0);
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, lmid1);
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, lmid2);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* Delete events for the sides of @pm, which go with it in one statement. */
static rsm_rc notify_sides_deleted(struct rsm_engine *e, const struct rsm_guid *pm)
{
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT guid FROM side WHERE pmedia=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, pm);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct rsm_guid g;
        rsm_db_col_guid(st, 0, &g);
        rsm_notify(e, RSM_OT_PARTITION, RSM_EV_DELETE, &g);
    }
    sqlite3_reset(st);
    return src == SQLITE_DONE ? RSM_OK : rsm_db_map(src);
}

rsm_rc rsm_media_delete(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *pmedia)
{
    if (!pmedia)
        return RSM_E_INVALID_PARAMETER;
    struct medium m;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = load_medium(e->db, pmedia, &m);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &m.pool, RSM_MODIFY_ACCESS);
    if (rc == RSM_OK && !rsm_guid_eq(&m.library, &e->offline_lib))
        rc = RSM_E_INVALID_STATE; /* only offline media can be deleted */
    if (rc == RSM_OK && sides_in(e->db, pmedia, SQL_N_BOUND) != 0)
        rc = RSM_E_INVALID_STATE;
    if (rc == RSM_OK)
        rc = notify_sides_deleted(e, pmedia);
    if (rc == RSM_OK)
        rc = exec_g(e->db,
                    "DELETE FROM obj WHERE guid IN (SELECT guid FROM side WHERE "
                    "pmedia=?1)",
                    pmedia, NULL, 0);
    if (rc == RSM_OK)
        rc = rsm_obj_delete(e->db, pmedia);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_media_update_omid(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *lmid, const char *label_type,
                             const char *label_info, const uint8_t *id, uint32_t id_len)
{
    if (!lmid || !label_type || !label_info || id_len > RSM_OMID_MAX || (id_len && !id))
        return RSM_E_INVALID_PARAMETER;
    struct side_info s;
    struct medium m;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = side_query(
            e->db,
            "SELECT s.guid,s.pmedia,s.lmedia,s.state,s.alloc_count FROM obj o JOIN side s ON "
            "s.guid=o.ref WHERE o.guid=?1 AND s.lmedia=o.guid",
            lmid, &s);
    if (rc == RSM_OK)
        rc = load_medium(e->db, &s.pmedia, &m);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &m.library, RSM_CONTROL_ACCESS);
    sqlite3_stmt *st = rc == RSM_OK ? rsm_db_stmt(e->db, "UPDATE side SET omid=?2, omid_type=?3,"
                                                         " omid_info=?4 WHERE guid=?1")
                                    : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, &s.guid);
        if (id_len)
            sqlite3_bind_blob(st, 2, id, (int)id_len, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 2);
        sqlite3_bind_text(st, 3, label_type, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, label_info, -1, SQLITE_STATIC);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, &s.guid);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}
