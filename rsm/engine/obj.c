/* SPDX-License-Identifier: MIT
 * Object rows and the generic object calls: Get/SetNtmsObjectInformation (every type),
 * Enable/DisableNtmsObject and named attributes. Enumeration is in enum.c.
 */
#include <string.h>

#include "rsm/engine/events.h"
#include "rsm/engine/internal.h"
#include "rsm/engine/libctl.h"

rsm_rc rsm_obj_insert(struct rsm_db *db, const struct rsm_guid *g, uint32_t type, const char *name,
                      const char *descr)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "INSERT INTO obj(guid,type,name,descr,created,modified)"
                                       " VALUES(?1,?2,?3,?4,?5,?5)");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    sqlite3_bind_int(st, 2, (int)type);
    sqlite3_bind_text(st, 3, name ? name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, descr ? descr : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, rsm_db_now_ms());
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src == SQLITE_CONSTRAINT)
        return RSM_E_ALREADY_EXISTS; /* GUID already used */
    if (src != SQLITE_DONE)
        return rsm_db_map(src);
    rsm_notify_db(db, type, RSM_EV_INSERT, g); /* every object is born here */
    return RSM_OK;
}

rsm_rc rsm_lmid_insert(struct rsm_db *db, const struct rsm_guid *g, const char *name,
                       const struct rsm_guid *side)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "INSERT INTO obj(guid,type,name,descr,created,modified,"
                                       "ref) VALUES(?1,11,?2,'',?3,?3,?4)");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    sqlite3_bind_text(st, 2, name ? name : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, rsm_db_now_ms());
    rsm_db_bind_guid_nn(st, 4, side);
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src == SQLITE_CONSTRAINT)
        return RSM_E_ALREADY_EXISTS;
    if (src != SQLITE_DONE)
        return rsm_db_map(src);
    rsm_notify_db(db, RSM_OT_LOGICAL_MEDIA, RSM_EV_INSERT, g);
    return RSM_OK;
}

rsm_rc rsm_obj_type(struct rsm_db *db, const struct rsm_guid *g, uint32_t *type)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT type FROM obj WHERE guid=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *type = (uint32_t)sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return RSM_OK;
    return src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
}

/* Every change of an object ends here (or in rsm_obj_changed), which is where its
 * update event comes from. RETURNING gives the type without a second lookup; SQLite makes
 * the change on the first step. */
rsm_rc rsm_obj_touch(struct rsm_db *db, const struct rsm_guid *g)
{
    sqlite3_stmt *st =
        rsm_db_stmt(db, "UPDATE obj SET modified=?2 WHERE guid=?1 RETURNING type");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    sqlite3_bind_int64(st, 2, rsm_db_now_ms());
    int src = sqlite3_step(st);
    uint32_t type = src == SQLITE_ROW ? (uint32_t)sqlite3_column_int(st, 0) : 0;
    int rrc = sqlite3_reset(st);
    if (src == SQLITE_ROW && rrc == SQLITE_OK) {
        rsm_notify_db(db, type, RSM_EV_UPDATE, g);
        return RSM_OK;
    }
    return src == SQLITE_DONE ? RSM_OK : rsm_db_map(src == SQLITE_ROW ? rrc : src);
}

void rsm_obj_changed(struct rsm_db *db, const struct rsm_guid *g, uint32_t type)
{
    rsm_notify_db(db, type, RSM_EV_UPDATE, g);
}

/* The type table row of each object type (deleted with the obj row). */
static const char *const type_delete[RSM_OT_COUNT] = {
    [RSM_OT_CHANGER] = "DELETE FROM changer WHERE guid=?1",
    [RSM_OT_CHANGER_TYPE] = "DELETE FROM changer_type WHERE guid=?1",
    [RSM_OT_COMPUTER] = "DELETE FROM computer WHERE guid=?1",
    [RSM_OT_DRIVE] = "DELETE FROM drive WHERE guid=?1",
    [RSM_OT_DRIVE_TYPE] = "DELETE FROM drive_type WHERE guid=?1",
    [RSM_OT_IEDOOR] = "DELETE FROM iedoor WHERE guid=?1",
    [RSM_OT_IEPORT] = "DELETE FROM ieport WHERE guid=?1",
    [RSM_OT_LIBRARY] = "DELETE FROM library WHERE guid=?1",
    [RSM_OT_LIBREQUEST] = "DELETE FROM libreq WHERE guid=?1",
    /* RSM_OT_LOGICAL_MEDIA: only its obj row (see side.lmedia in schema.c). */
    [RSM_OT_MEDIA_POOL] = "DELETE FROM pool WHERE guid=?1",
    [RSM_OT_MEDIA_TYPE] = "DELETE FROM media_type WHERE guid=?1",
    [RSM_OT_PARTITION] = "DELETE FROM side WHERE guid=?1",
    [RSM_OT_PHYSICAL_MEDIA] = "DELETE FROM pmedia WHERE guid=?1", /* sides' rows cascade */
    [RSM_OT_STORAGESLOT] = "DELETE FROM slot WHERE guid=?1",
    [RSM_OT_OPREQUEST] = "DELETE FROM opreq WHERE guid=?1",
};

rsm_rc rsm_obj_delete(struct rsm_db *db, const struct rsm_guid *g)
{
    uint32_t type = 0;
    rsm_rc rc = rsm_obj_type(db, g, &type);
    if (rc != RSM_OK)
        return rc;
    return rsm_obj_delete_typed(db, g, type);
}

rsm_rc rsm_obj_delete_typed(struct rsm_db *db, const struct rsm_guid *g, uint32_t type)
{
    rsm_rc rc = RSM_OK;
    sqlite3_stmt *st =
        type < RSM_OT_COUNT && type_delete[type] ? rsm_db_stmt(db, type_delete[type]) : NULL;
    if (type < RSM_OT_COUNT && type_delete[type]) {
        if (!st)
            return RSM_E_DB_FAILURE;
        rsm_db_bind_guid_nn(st, 1, g);
        rc = rsm_db_step_done(st);
    }
    st = rc == RSM_OK ? rsm_db_stmt(db, "DELETE FROM obj WHERE guid=?1") : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, g); /* attributes and descriptor cascade */
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rsm_notify_db(db, type, RSM_EV_DELETE, g);
    return rc;
}

bool rsm_obj_enabled(struct rsm_db *db, const struct rsm_guid *g)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT enabled FROM obj WHERE guid=?1");
    if (!st)
        return false;
    rsm_db_bind_guid_nn(st, 1, g);
    bool en = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    return en;
}

#define U32(col)     ((uint32_t)sqlite3_column_int64(st, (col)))
#define TXT(col, f)  rsm_db_col_text(st, (col), (f), sizeof(f))
#define GUID(col, f) rsm_db_col_guid(st, (col), &(f))

/* Runs @sql (one ?1 = @g) and leaves the row in *pst; NOT_FOUND without one. */
static rsm_rc row(struct rsm_db *db, const char *sql, const struct rsm_guid *g, sqlite3_stmt **pst)
{
    sqlite3_stmt *st = rsm_db_stmt(db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *pst = st;
        return RSM_OK;
    }
    sqlite3_reset(st);
    return src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
}

static uint32_t count1(struct rsm_db *db, const char *sql, const struct rsm_guid *g)
{
    sqlite3_stmt *st = rsm_db_stmt(db, sql);
    if (!st)
        return 0;
    rsm_db_bind_guid_nn(st, 1, g);
    uint32_t n = sqlite3_step(st) == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return n;
}

static void scsi(sqlite3_stmt *st, int col, struct rsm_scsi_addr *a)
{
    a->port = (uint16_t)sqlite3_column_int(st, col);
    a->bus = (uint16_t)sqlite3_column_int(st, col + 1);
    a->target = (uint16_t)sqlite3_column_int(st, col + 2);
    a->lun = (uint16_t)sqlite3_column_int(st, col + 3);
}

/* Type-specific part of @o (o->type and o->guid set). */
static rsm_rc load_specific(struct rsm_engine *e, struct rsm_objinfo *o)
{
    struct rsm_db *db = e->db;
    const struct rsm_guid *g = &o->guid;
    sqlite3_stmt *st = NULL;
    rsm_rc rc;
    switch (o->type) {
    case RSM_OT_COMPUTER:
        rc = row(db,
                 "SELECT lr_purge,or_purge,lr_flags,or_flags,pool_policy FROM computer "
                 "WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        o->u.computer.lr_purge_secs = U32(0);
        o->u.computer.or_purge_secs = U32(1);
        o->u.computer.lr_flags = U32(2);
        o->u.computer.or_flags = U32(3);
        o->u.computer.pool_policy = U32(4);
        break;
    case RSM_OT_LIBRARY: {
        rc = row(db,
                 "SELECT libtype,flags,inv_method,autorecovery,cleaner_uses,barcode_reader,"
                 "drive_cleaning,cleaner_slot,cleaner_slot_default FROM library WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        __typeof__(o->u.library) *l = &o->u.library;
        l->library_type = U32(0);
        l->flags = U32(1);
        l->inventory_method = U32(2);
        l->autorecovery = sqlite3_column_int(st, 3);
        l->cleaner_uses_remaining = U32(4);
        l->barcode_reader = sqlite3_column_int(st, 5);
        l->supports_drive_cleaning = sqlite3_column_int(st, 6);
        GUID(7, l->cleaner_slot);
        GUID(8, l->cleaner_slot_default);
        sqlite3_reset(st);
        st = NULL;
        l->n_drives = count1(db, "SELECT count(*) FROM drive WHERE library=?1", g);
        l->first_drive = count1(db, "SELECT ifnull(min(number),0) FROM drive WHERE library=?1", g);
        l->n_slots = count1(db, "SELECT count(*) FROM slot WHERE library=?1", g);
        l->first_slot = count1(db, "SELECT ifnull(min(number),0) FROM slot WHERE library=?1", g);
        l->n_doors = count1(db, "SELECT count(*) FROM iedoor WHERE library=?1", g);
        l->first_door = count1(db, "SELECT ifnull(min(number),0) FROM iedoor WHERE library=?1", g);
        l->n_ports = count1(db, "SELECT count(*) FROM ieport WHERE library=?1", g);
        l->first_port = count1(db, "SELECT ifnull(min(number),0) FROM ieport WHERE library=?1", g);
        l->n_changers = count1(db, "SELECT count(*) FROM changer WHERE library=?1", g);
        l->first_changer =
            count1(db, "SELECT ifnull(min(number),0) FROM changer WHERE library=?1", g);
        l->n_media = count1(db, "SELECT count(*) FROM pmedia WHERE library=?1", g);
        l->n_media_types = count1(db, "SELECT count(*) FROM lib_mtype WHERE library=?1", g);
        l->n_requests = count1(db, "SELECT count(*) FROM libreq WHERE library=?1", g);
        return RSM_OK;
    }
    case RSM_OT_CHANGER_TYPE:
    case RSM_OT_DRIVE_TYPE:
        rc = row(db,
                 o->type == RSM_OT_DRIVE_TYPE
                     ? "SELECT vendor,product,devtype,heads FROM drive_type WHERE guid=?1"
                     : "SELECT vendor,product,devtype,0 FROM changer_type WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        if (o->type == RSM_OT_DRIVE_TYPE) {
            TXT(0, o->u.drive_type.vendor);
            TXT(1, o->u.drive_type.product);
            o->u.drive_type.device_type = U32(2);
            o->u.drive_type.heads = U32(3);
        } else {
            TXT(0, o->u.changer_type.vendor);
            TXT(1, o->u.changer_type.product);
            o->u.changer_type.device_type = U32(2);
        }
        break;
    case RSM_OT_CHANGER:
        rc = row(db,
                 "SELECT number,ctype,serial,revision,devname,port,bus,target,lun,library "
                 "FROM changer WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        o->u.changer.number = U32(0);
        GUID(1, o->u.changer.changer_type);
        TXT(2, o->u.changer.serial);
        TXT(3, o->u.changer.revision);
        TXT(4, o->u.changer.devname);
        scsi(st, 5, &o->u.changer.scsi);
        GUID(9, o->u.changer.library);
        break;
    case RSM_OT_DRIVE:
        rc = row(db,
                 "SELECT number,state,dtype,devname,serial,revision,port,bus,target,lun,"
                 "mount_count,last_cleaned,saved_side,library,defer_dismount FROM drive "
                 "WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        o->u.drive.number = U32(0);
        o->u.drive.state = U32(1);
        GUID(2, o->u.drive.drive_type);
        TXT(3, o->u.drive.devname);
        TXT(4, o->u.drive.serial);
        TXT(5, o->u.drive.revision);
        scsi(st, 6, &o->u.drive.scsi);
        o->u.drive.mount_count = U32(10);
        o->u.drive.last_cleaned_ms = sqlite3_column_int64(st, 11);
        GUID(12, o->u.drive.saved_partition);
        GUID(13, o->u.drive.library);
        o->u.drive.defer_dismount_delay = U32(14);
        break;
    case RSM_OT_STORAGESLOT:
        rc = row(db, "SELECT number,state,library FROM slot WHERE guid=?1", g, &st);
        if (rc)
            return rc;
        o->u.slot.number = U32(0);
        o->u.slot.state = U32(1);
        GUID(2, o->u.slot.library);
        break;
    case RSM_OT_IEDOOR:
        rc = row(db, "SELECT number,state,max_open_secs,library FROM iedoor WHERE guid=?1", g, &st);
        if (rc)
            return rc;
        o->u.door.number = U32(0);
        o->u.door.state = U32(1);
        o->u.door.max_open_secs = (uint16_t)U32(2);
        GUID(3, o->u.door.library);
        break;
    case RSM_OT_IEPORT:
        rc = row(db,
                 "SELECT number,content,position,max_extend_secs,library FROM ieport "
                 "WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        o->u.port.number = U32(0);
        o->u.port.content = U32(1);
        o->u.port.position = U32(2);
        o->u.port.max_extend_secs = (uint16_t)U32(3);
        GUID(4, o->u.port.library);
        break;
    case RSM_OT_PHYSICAL_MEDIA:
        rc = row(db,
                 "SELECT library,pool,location,loc_type,mtype,home_slot,barcode,"
                 "barcode_state,seqno,state,n_sides,mtype_code,density_code,mounted_side "
                 "FROM pmedia WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        GUID(0, o->u.pmedia.library);
        GUID(1, o->u.pmedia.pool);
        GUID(2, o->u.pmedia.location);
        o->u.pmedia.location_type = U32(3);
        GUID(4, o->u.pmedia.media_type);
        GUID(5, o->u.pmedia.home_slot);
        TXT(6, o->u.pmedia.barcode);
        o->u.pmedia.barcode_state = U32(7);
        TXT(8, o->u.pmedia.seqno);
        o->u.pmedia.state = U32(9);
        o->u.pmedia.n_sides = U32(10);
        o->u.pmedia.media_type_code = U32(11);
        o->u.pmedia.density_code = U32(12);
        GUID(13, o->u.pmedia.mounted_side);
        break;
    case RSM_OT_LOGICAL_MEDIA:
        rc =
            row(db, "SELECT s.pool FROM obj o JOIN side s ON s.guid=o.ref WHERE o.guid=?1", g, &st);
        if (rc)
            return rc;
        GUID(0, o->u.lmedia.pool);
        sqlite3_reset(st);
        st = NULL;
        o->u.lmedia.n_sides = 1; /* an LMID is bound to exactly one side */
        return RSM_OK;
    case RSM_OT_PARTITION: {
        rc = row(db,
                 "SELECT pmedia,lmedia,state,side_no,omid,omid_type,omid_info,mount_count,"
                 "alloc_count,capacity FROM side WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        __typeof__(o->u.side) *s = &o->u.side;
        GUID(0, s->pmedia);
        GUID(1, s->lmedia);
        s->state = U32(2);
        s->side = (uint16_t)U32(3);
        int n = sqlite3_column_bytes(st, 4);
        const void *p = sqlite3_column_blob(st, 4);
        s->omid_len = p && n > 0 ? (uint32_t)(n > RSM_OMID_MAX ? RSM_OMID_MAX : n) : 0;
        if (s->omid_len)
            memcpy(s->omid, p, s->omid_len);
        TXT(5, s->omid_type);
        TXT(6, s->omid_info);
        s->mount_count = U32(7);
        s->allocate_count = U32(8);
        s->capacity = sqlite3_column_int64(st, 9);
        break;
    }
    case RSM_OT_MEDIA_POOL:
        rc = row(db,
                 "SELECT pooltype,mtype,parent,alloc_policy,dealloc_policy,max_allocates "
                 "FROM pool WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        o->u.pool.pool_type = U32(0);
        GUID(1, o->u.pool.media_type);
        GUID(2, o->u.pool.parent);
        o->u.pool.alloc_policy = U32(3);
        o->u.pool.dealloc_policy = U32(4);
        o->u.pool.max_allocates = U32(5);
        sqlite3_reset(st);
        st = NULL;
        return rsm_pool_counts(db, g, &o->u.pool.n_pools, &o->u.pool.n_pmedia, &o->u.pool.n_lmedia);
    case RSM_OT_MEDIA_TYPE:
        rc = row(db, "SELECT code,sides,rw,devtype FROM media_type WHERE guid=?1", g, &st);
        if (rc)
            return rc;
        o->u.media_type.code = U32(0);
        o->u.media_type.sides = U32(1);
        o->u.media_type.rw = U32(2);
        o->u.media_type.device_type = U32(3);
        break;
    case RSM_OT_LIBREQUEST: {
        rc = row(db,
                 "SELECT op,option,state,side,drive,pmedia,library,slot,queued,completed,"
                 "app,user,computer,err,workitem,priority FROM libreq WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        __typeof__(o->u.libreq) *r = &o->u.libreq;
        r->op = U32(0);
        r->option = U32(1);
        r->state = U32(2);
        GUID(3, r->side);
        GUID(4, r->drive);
        GUID(5, r->pmedia);
        GUID(6, r->library);
        GUID(7, r->slot);
        r->queued_ms = sqlite3_column_int64(st, 8);
        r->completed_ms = sqlite3_column_int64(st, 9);
        TXT(10, r->app);
        TXT(11, r->user);
        TXT(12, r->computer);
        r->error = U32(13);
        GUID(14, r->work_item);
        r->priority = U32(15);
        break;
    }
    case RSM_OT_OPREQUEST: {
        rc = row(db,
                 "SELECT request,submitted,state,message,arg1type,arg1,arg2type,arg2,app,"
                 "user,computer FROM opreq WHERE guid=?1",
                 g, &st);
        if (rc)
            return rc;
        __typeof__(o->u.opreq) *r = &o->u.opreq;
        r->request = U32(0);
        r->submitted_ms = sqlite3_column_int64(st, 1);
        r->state = U32(2);
        TXT(3, r->message);
        r->arg1_type = U32(4);
        GUID(5, r->arg1);
        r->arg2_type = U32(6);
        GUID(7, r->arg2);
        TXT(8, r->app);
        TXT(9, r->user);
        TXT(10, r->computer);
        break;
    }
    default:
        return RSM_E_INVALID_PARAMETER;
    }
    if (st)
        sqlite3_reset(st);
    return RSM_OK;
}

rsm_rc rsm_object_get(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                      uint32_t type, struct rsm_objinfo *out)
{
    if (!id || !out || type == RSM_OT_UNKNOWN || type >= RSM_OT_COUNT)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    /* One read transaction for all the object's rows: a consistent view, and one lock
     * cycle instead of one per query. */
    rsm_rc rc = rsm_db_step_done(rsm_db_stmt(e->db, "BEGIN"));
    if (rc != RSM_OK) {
        rsm_engine_unlock(e);
        return rc;
    }
    sqlite3_stmt *st = NULL;
    rc =
        row(e->db, "SELECT type,name,descr,created,modified,enabled,opstate FROM obj WHERE guid=?1",
            id, &st);
    if (rc == RSM_OK) {
        memset(out, 0, offsetof(struct rsm_objinfo, u));
        out->type = U32(0);
        TXT(1, out->name);
        TXT(2, out->descr);
        out->created_ms = sqlite3_column_int64(st, 3);
        out->modified_ms = sqlite3_column_int64(st, 4);
        out->enabled = sqlite3_column_int(st, 5);
        out->opstate = U32(6);
        out->guid = *id;
        sqlite3_reset(st);
        if (out->type != type)
            rc = RSM_E_INVALID_PARAMETER; /* dwType does not match the object */
    }
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, id, RSM_USE_ACCESS);
    if (rc == RSM_OK)
        rc = load_specific(e, out);
    rsm_rc end = rsm_db_step_done(rsm_db_stmt(e->db, "COMMIT")); /* read-only: ends it */
    if (rc == RSM_OK)
        rc = end;
    rsm_engine_unlock(e);
    return rc;
}

/* One UPDATE of a type table with ?1 = guid and the given integers ?2.. */
static rsm_rc upd(struct rsm_db *db, const char *sql, const struct rsm_guid *g, int n,
                  const int64_t *v)
{
    sqlite3_stmt *st = rsm_db_stmt(db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    for (int i = 0; i < n; i++)
        sqlite3_bind_int64(st, i + 2, v[i]);
    return rsm_db_step_done(st);
}

static bool pool_name_ok(const char *s)
{
    return *s && !strchr(s, '\\') && strlen(s) < 64 * 4;
}

rsm_rc rsm_object_set(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                      const struct rsm_objinfo *in)
{
    if (!id || !in || in->type == RSM_OT_UNKNOWN || in->type == RSM_OT_OBJECT ||
        in->type >= RSM_OT_COUNT)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    uint32_t type = 0;
    if (rc == RSM_OK)
        rc = rsm_obj_type(e->db, id, &type);
    if (rc == RSM_OK && type != in->type)
        rc = RSM_E_INVALID_PARAMETER;
    if (rc == RSM_OK) {
        uint32_t need = type == RSM_OT_LIBRARY ? RSM_CONTROL_ACCESS : RSM_MODIFY_ACCESS;
        rc = rsm_sec_need(e, c, id, need);
    }
    bool set_name = type == RSM_OT_LIBRARY || type == RSM_OT_LOGICAL_MEDIA ||
                    type == RSM_OT_MEDIA_POOL || type == RSM_OT_PARTITION ||
                    type == RSM_OT_PHYSICAL_MEDIA;
    if (rc == RSM_OK && type == RSM_OT_MEDIA_POOL) {
        uint32_t pt;
        struct rsm_guid mt, parent;
        rc = rsm_pool_row(e->db, id, &pt, &mt, &parent);
        if (rc == RSM_OK && !pool_name_ok(in->name))
            rc = RSM_E_INVALID_PARAMETER;
        if (rc == RSM_OK && pt != RSM_POOL_APPLICATION)
            set_name = false; /* system pools keep their names */
        if (rc == RSM_OK && set_name) {
            sqlite3_stmt *st = rsm_db_stmt(
                e->db,
                "SELECT count(*) FROM pool p JOIN obj o ON o.guid=p.guid WHERE p.parent IS ?1"
                " AND o.name=?2 AND p.guid<>?3");
            if (!st) {
                rc = RSM_E_DB_FAILURE;
            } else {
                rsm_db_bind_guid(st, 1, &parent);
                sqlite3_bind_text(st, 2, in->name, -1, SQLITE_STATIC);
                rsm_db_bind_guid_nn(st, 3, id);
                if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0)
                    rc = RSM_E_INVALID_PARAMETER; /* pool names are unique per level */
                sqlite3_reset(st);
            }
        }
        const struct rsm_guid *nmt = &in->u.pool.media_type;
        if (rc == RSM_OK && pt == RSM_POOL_APPLICATION && !rsm_guid_eq(nmt, &mt)) {
            /* Changing the type is only allowed while the pool holds no media, and a pool
             * with children stays a container. */
            uint32_t np = 0, npm = 0, nlm = 0, t2 = 0;
            rc = rsm_pool_counts(e->db, id, &np, &npm, &nlm);
            if (rc == RSM_OK && (npm || (np && !rsm_guid_is_null(nmt))))
                rc = RSM_E_INVALID_PARAMETER;
            if (rc == RSM_OK && !rsm_guid_is_null(nmt) &&
                (rsm_obj_type(e->db, nmt, &t2) != RSM_OK || t2 != RSM_OT_MEDIA_TYPE))
                rc = RSM_E_INVALID_PARAMETER;
            if (rc == RSM_OK && rsm_guid_eq(id, &e->root_pool))
                rc = RSM_E_INVALID_PARAMETER;
            sqlite3_stmt *st = rsm_db_stmt(e->db, "UPDATE pool SET mtype=?2 WHERE guid=?1");
            if (rc == RSM_OK && !st)
                rc = RSM_E_DB_FAILURE;
            if (rc == RSM_OK) {
                rsm_db_bind_guid_nn(st, 1, id);
                rsm_db_bind_guid(st, 2, nmt);
                rc = rsm_db_step_done(st);
            }
        }
        if (rc == RSM_OK) {
            int64_t v[3] = {in->u.pool.alloc_policy, in->u.pool.dealloc_policy,
                            in->u.pool.max_allocates};
            if (v[0] > 1 || v[1] > 1)
                rc = RSM_E_INVALID_PARAMETER;
            else
                rc = upd(e->db,
                         "UPDATE pool SET alloc_policy=?2,dealloc_policy=?3,"
                         "max_allocates=?4 WHERE guid=?1",
                         id, 3, v);
        }
    } else if (rc == RSM_OK) {
        switch (type) {
        case RSM_OT_COMPUTER: {
            int64_t v[5] = {in->u.computer.lr_purge_secs, in->u.computer.or_purge_secs,
                            in->u.computer.lr_flags, in->u.computer.or_flags,
                            in->u.computer.pool_policy};
            rc = upd(e->db,
                     "UPDATE computer SET lr_purge=?2,or_purge=?3,lr_flags=?4,"
                     "or_flags=?5,pool_policy=?6 WHERE guid=?1",
                     id, 5, v);
            break;
        }
        case RSM_OT_DRIVE: {
            int64_t v[1] = {in->u.drive.defer_dismount_delay};
            rc = upd(e->db, "UPDATE drive SET defer_dismount=?2 WHERE guid=?1", id, 1, v);
            break;
        }
        case RSM_OT_IEDOOR: {
            int64_t v[1] = {in->u.door.max_open_secs};
            rc = upd(e->db, "UPDATE iedoor SET max_open_secs=?2 WHERE guid=?1", id, 1, v);
            break;
        }
        case RSM_OT_IEPORT: {
            int64_t v[1] = {in->u.port.max_extend_secs};
            rc = upd(e->db, "UPDATE ieport SET max_extend_secs=?2 WHERE guid=?1", id, 1, v);
            break;
        }
        case RSM_OT_LIBRARY: {
            if (in->u.library.inventory_method > 4 || in->u.library.flags > 0x1F) {
                rc = RSM_E_INVALID_PARAMETER;
                break;
            }
            /* FIXEDOFFLINE marks the one offline library; it cannot be set or cleared. */
            uint32_t fixed = rsm_guid_eq(id, &e->offline_lib) ? RSM_LIBFLAG_FIXEDOFFLINE : 0;
            uint32_t flags = (in->u.library.flags & ~(uint32_t)RSM_LIBFLAG_FIXEDOFFLINE) | fixed;
            /* IGNORECLEANERUSESREMAINING follows dwCleanerUsesRemaining == 0xFFFFFFFF. */
            if (in->u.library.cleaner_uses_remaining == 0xFFFFFFFFu)
                flags |= 0x08;
            else
                flags &= ~0x08u;
            int64_t v[4] = {in->u.library.autorecovery ? 1 : 0,
                            in->u.library.cleaner_uses_remaining, flags,
                            in->u.library.inventory_method};
            rc = upd(e->db,
                     "UPDATE library SET autorecovery=?2,cleaner_uses=?3,flags=?4,"
                     "inv_method=?5 WHERE guid=?1",
                     id, 4, v);
            break;
        }
        default:
            break; /* description (and name, below) only */
        }
    }
    if (rc == RSM_OK) {
        sqlite3_stmt *st = rsm_db_stmt(
            e->db, set_name ? "UPDATE obj SET descr=?2, name=?3, modified=?4 WHERE guid=?1"
                            : "UPDATE obj SET descr=?2, modified=?4 WHERE guid=?1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            rsm_db_bind_guid_nn(st, 1, id);
            sqlite3_bind_text(st, 2, in->descr, -1, SQLITE_STATIC);
            if (set_name)
                sqlite3_bind_text(st, 3, in->name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, rsm_db_now_ms());
            rc = rsm_db_step_done(st);
        }
    }
    if (rc == RSM_OK)
        rsm_obj_changed(e->db, id, type);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* An update event for each side of medium @pm (they changed with it). */
static rsm_rc notify_sides(struct rsm_db *db, const struct rsm_guid *pm)
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

rsm_rc rsm_object_enable(struct rsm_engine *e, const struct rsm_caller *c, uint32_t type,
                         const struct rsm_guid *id, int enable)
{
    if (!id || (type != RSM_OT_DRIVE && type != RSM_OT_LIBRARY && type != RSM_OT_PHYSICAL_MEDIA))
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    uint32_t t = 0;
    if (rc == RSM_OK)
        rc = rsm_obj_type(e->db, id, &t);
    if (rc == RSM_OK && t != type)
        rc = RSM_E_INVALID_PARAMETER;
    if (rc == RSM_OK && rsm_guid_eq(id, &e->offline_lib))
        rc = RSM_E_LIBRARY_OFFLINE;
    if (rc == RSM_OK) {
        /* MODIFY on the containing library (ntms-api.md §1.9); for a medium, its library. */
        struct rsm_guid lib = *id;
        if (type != RSM_OT_LIBRARY) {
            sqlite3_stmt *st = NULL;
            rc = row(e->db,
                     type == RSM_OT_DRIVE ? "SELECT library FROM drive WHERE guid=?1"
                                          : "SELECT library FROM pmedia WHERE guid=?1",
                     id, &st);
            if (rc == RSM_OK) {
                rsm_db_col_guid(st, 0, &lib);
                sqlite3_reset(st);
            }
        }
        if (rc == RSM_OK)
            rc = rsm_sec_need(e, c, &lib, RSM_MODIFY_ACCESS);
    }
    if (rc == RSM_OK && (rsm_obj_enabled(e->db, id) ? 1 : 0) == (enable ? 1 : 0))
        rc = RSM_E_INVALID_STATE;
    if (rc == RSM_OK) {
        int64_t v[2] = {enable ? 1 : 0, rsm_db_now_ms()};
        rc = upd(e->db, "UPDATE obj SET enabled=?2, modified=?3 WHERE guid=?1", id, 2, v);
        if (rc == RSM_OK)
            rsm_obj_changed(e->db, id, type);
        /* A medium's sides follow it. */
        if (rc == RSM_OK && type == RSM_OT_PHYSICAL_MEDIA)
            rc = upd(e->db,
                     "UPDATE obj SET enabled=?2, modified=?3 WHERE guid IN "
                     "(SELECT guid FROM side WHERE pmedia=?1)",
                     id, 2, v);
        if (rc == RSM_OK && type == RSM_OT_PHYSICAL_MEDIA)
            rc = notify_sides(e->db, id);
    }
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK && enable)
        rsm_engine_signal(e);
    rsm_engine_unlock(e);
    if (rc == RSM_OK && !enable && type == RSM_OT_DRIVE)
        (void)rsm_lc_drive_disabled(e, c, id); /* its medium goes home; disabled either way */
    return rc;
}

/* Characters (code points) in UTF-8 @s. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

rsm_rc rsm_attr_get(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                    const char *name, void *data, uint32_t cap, uint32_t *len)
{
    if (!id || !name || !len || (cap && !data))
        return RSM_E_INVALID_PARAMETER;
    if (!*name || utf8_chars(name) > RSM_ATTR_NAME_MAX)
        return RSM_E_INVALID_NAME;
    rsm_engine_lock(e);
    uint32_t t;
    rsm_rc rc = rsm_obj_type(e->db, id, &t);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, id, RSM_USE_ACCESS);
    sqlite3_stmt *st = rc == RSM_OK ? rsm_db_stmt(e->db, "SELECT value FROM attr WHERE obj=?1 "
                                                         "AND name=?2")
                                    : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, id);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            uint32_t n = (uint32_t)sqlite3_column_bytes(st, 0);
            *len = n;
            if (n > cap)
                rc = RSM_E_INSUFFICIENT_BUFFER;
            else if (n)
                memcpy(data, sqlite3_column_blob(st, 0), n);
        } else {
            rc = src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
        }
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_attr_set(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                    const char *name, const void *data, uint32_t len)
{
    if (!id || !name || (len && !data))
        return RSM_E_INVALID_PARAMETER;
    if (!*name || utf8_chars(name) > RSM_ATTR_NAME_MAX)
        return RSM_E_INVALID_NAME;
    if (len > RSM_ATTR_DATA_MAX)
        return RSM_E_NO_DATA;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    uint32_t t;
    if (rc == RSM_OK)
        rc = rsm_obj_type(e->db, id, &t);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, id, RSM_MODIFY_ACCESS);
    sqlite3_stmt *st = NULL;
    if (rc == RSM_OK) {
        st = rsm_db_stmt(e->db, len ? "INSERT OR REPLACE INTO attr(obj,name,value) "
                                      "VALUES(?1,?2,?3)"
                                    : "DELETE FROM attr WHERE obj=?1 AND name=?2");
        if (!st)
            rc = RSM_E_DB_FAILURE;
    }
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, id);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        if (len)
            sqlite3_bind_blob(st, 3, data, (int)len, SQLITE_STATIC);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rsm_obj_changed(e->db, id, t); /* an attribute is part of the object */
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}
