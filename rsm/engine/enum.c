/* SPDX-License-Identifier: MIT
 * EnumerateNtmsObject: which objects of a type a container holds (ntms-api.md §1.1 table).
 * Results come in GUID order, which for engine-made GUIDs is creation order; with
 * RSM_ENUM_ROOTPOOL the application root pool comes first.
 */
#include <string.h>

#include "rsm/engine/internal.h"

/* The query listing @type inside a container of type @ctype (RSM_OT_UNKNOWN = NULL
 * container), or NULL when the combination is not allowed. ?1 is the container. */
static const char *enum_sql(uint32_t type, uint32_t ctype)
{
    switch (type) {
    case RSM_OT_CHANGER:
        return ctype == RSM_OT_UNKNOWN   ? "SELECT guid FROM changer"
               : ctype == RSM_OT_LIBRARY ? "SELECT guid FROM changer WHERE library=?1"
                                         : NULL;
    case RSM_OT_DRIVE:
        return ctype == RSM_OT_UNKNOWN   ? "SELECT guid FROM drive"
               : ctype == RSM_OT_LIBRARY ? "SELECT guid FROM drive WHERE library=?1"
                                         : NULL;
    case RSM_OT_IEDOOR:
        return ctype == RSM_OT_UNKNOWN   ? "SELECT guid FROM iedoor"
               : ctype == RSM_OT_LIBRARY ? "SELECT guid FROM iedoor WHERE library=?1"
                                         : NULL;
    case RSM_OT_IEPORT:
        return ctype == RSM_OT_UNKNOWN   ? "SELECT guid FROM ieport"
               : ctype == RSM_OT_LIBRARY ? "SELECT guid FROM ieport WHERE library=?1"
                                         : NULL;
    case RSM_OT_STORAGESLOT:
        return ctype == RSM_OT_UNKNOWN   ? "SELECT guid FROM slot"
               : ctype == RSM_OT_LIBRARY ? "SELECT guid FROM slot WHERE library=?1"
                                         : NULL;
    case RSM_OT_LIBREQUEST:
        return ctype == RSM_OT_UNKNOWN   ? "SELECT guid FROM libreq"
               : ctype == RSM_OT_LIBRARY ? "SELECT guid FROM libreq WHERE library=?1"
                                         : NULL;
    case RSM_OT_CHANGER_TYPE:
        return ctype == RSM_OT_UNKNOWN ? "SELECT guid FROM changer_type" : NULL;
    case RSM_OT_DRIVE_TYPE:
        return ctype == RSM_OT_UNKNOWN ? "SELECT guid FROM drive_type" : NULL;
    case RSM_OT_COMPUTER:
        return ctype == RSM_OT_UNKNOWN ? "SELECT guid FROM computer" : NULL;
    case RSM_OT_LIBRARY:
        return ctype == RSM_OT_UNKNOWN ? "SELECT guid FROM library" : NULL;
    case RSM_OT_OPREQUEST:
        return ctype == RSM_OT_UNKNOWN ? "SELECT guid FROM opreq" : NULL;
    case RSM_OT_MEDIA_TYPE:
        return ctype == RSM_OT_UNKNOWN   ? "SELECT guid FROM media_type"
               : ctype == RSM_OT_LIBRARY ? "SELECT mtype FROM lib_mtype WHERE library=?1"
                                         : NULL;
    case RSM_OT_MEDIA_POOL:
        /* NULL: the top level = system container pools and the root pool's children. */
        return ctype == RSM_OT_UNKNOWN ? "SELECT guid FROM pool WHERE parent IS NULL AND guid<>?2 "
                                         "UNION ALL SELECT guid FROM pool WHERE parent=?2"
               : ctype == RSM_OT_MEDIA_POOL ? "SELECT guid FROM pool WHERE parent=?1"
                                            : NULL;
    case RSM_OT_LOGICAL_MEDIA:
        return ctype == RSM_OT_UNKNOWN ? "SELECT guid FROM obj WHERE type=11"
               : ctype == RSM_OT_MEDIA_POOL
                   ? "SELECT lmedia FROM side WHERE pool=?1 AND lmedia IS NOT NULL"
               : ctype == RSM_OT_PARTITION
                   ? "SELECT lmedia FROM side WHERE guid=?1 AND lmedia IS NOT NULL"
                   : NULL;
    case RSM_OT_PARTITION:
        return ctype == RSM_OT_UNKNOWN ? "SELECT guid FROM side"
               : ctype == RSM_OT_LOGICAL_MEDIA
                   ? "SELECT ref FROM obj WHERE guid=?1 AND ref IS NOT NULL"
               : ctype == RSM_OT_PHYSICAL_MEDIA
                   ? "SELECT guid FROM side WHERE pmedia=?1 ORDER BY side_no"
               : ctype == RSM_OT_MEDIA_POOL
                   ? "SELECT s.guid FROM pmedia p JOIN side s ON s.pmedia=p.guid WHERE p.pool=?1"
                   : NULL;
    case RSM_OT_PHYSICAL_MEDIA:
        return ctype == RSM_OT_UNKNOWN      ? "SELECT guid FROM pmedia"
               : ctype == RSM_OT_MEDIA_POOL ? "SELECT guid FROM pmedia WHERE pool=?1"
               : ctype == RSM_OT_LIBRARY    ? "SELECT guid FROM pmedia WHERE library=?1"
                                            : NULL;
    default:
        return NULL;
    }
}

rsm_rc rsm_enumerate(struct rsm_engine *e, const struct rsm_caller *c,
                     const struct rsm_guid *container, uint32_t type, uint32_t options,
                     struct rsm_guid *list, uint32_t cap, uint32_t *n)
{
    (void)c; /* listing identifiers needs no right; reading the objects does */
    if (!n || (cap && !list) || (options & ~(uint32_t)RSM_ENUM_ROOTPOOL))
        return RSM_E_INVALID_PARAMETER;
    bool null_container = rsm_guid_is_null(container);
    if ((options & RSM_ENUM_ROOTPOOL) && (type != RSM_OT_MEDIA_POOL || !null_container))
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    uint32_t ctype = RSM_OT_UNKNOWN;
    rsm_rc rc = RSM_OK;
    if (!null_container)
        rc = rsm_obj_type(e->db, container, &ctype);
    const char *sql = rc == RSM_OK ? enum_sql(type, ctype) : NULL;
    if (rc == RSM_OK && !sql)
        rc = RSM_E_INVALID_PARAMETER;
    sqlite3_stmt *st = sql ? rsm_db_stmt(e->db, sql) : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    uint32_t count = 0;
    if (rc == RSM_OK) {
        if (options & RSM_ENUM_ROOTPOOL) {
            if (count < cap)
                list[count] = e->root_pool;
            count++;
        }
        if (!null_container)
            rsm_db_bind_guid_nn(st, 1, container);
        if (type == RSM_OT_MEDIA_POOL && null_container)
            rsm_db_bind_guid_nn(st, 2, &e->root_pool);
        int src;
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            if (count < cap) {
                const void *p = sqlite3_column_blob(st, 0);
                if (p && sqlite3_column_bytes(st, 0) == 16)
                    memcpy(list[count].b, p, 16);
                else
                    memset(list[count].b, 0, 16);
            }
            count++;
        }
        sqlite3_reset(st);
        if (src != SQLITE_DONE)
            rc = rsm_db_map(src);
    }
    if (rc == RSM_OK) {
        *n = count;
        if (count > cap)
            rc = RSM_E_INSUFFICIENT_BUFFER;
    }
    rsm_engine_unlock(e);
    return rc;
}
