/* SPDX-License-Identifier: MIT
 * Device registration (contract in devreg.h): libraries, changers, drives and their types,
 * slots, IE ports and doors, media types, and cartridges seen in slots.
 */
#include <stdio.h>
#include <string.h>

#include "rsm/engine/devreg.h"
#include "rsm/engine/events.h"
#include "rsm/engine/internal.h"

/* GUID found by @sql (?1 = @key guid or NULL, ?2 = int, ?3 ?4 text), NOT_FOUND if none. */
static rsm_rc lookup(struct rsm_db *db, const char *sql, const struct rsm_guid *key, int64_t n,
                     const char *t1, const char *t2, struct rsm_guid *out)
{
    sqlite3_stmt *st = rsm_db_stmt(db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    int np = sqlite3_bind_parameter_count(st);
    if (key)
        rsm_db_bind_guid_nn(st, 1, key);
    if (np >= 2)
        sqlite3_bind_int64(st, 2, n);
    if (np >= 3)
        sqlite3_bind_text(st, 3, t1 ? t1 : "", -1, SQLITE_STATIC);
    if (np >= 4)
        sqlite3_bind_text(st, 4, t2 ? t2 : "", -1, SQLITE_STATIC);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rsm_db_col_guid(st, 0, out);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return RSM_OK;
    return src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
}

static rsm_rc check_library(struct rsm_engine *e, const struct rsm_guid *lib)
{
    uint32_t t = 0;
    if (!lib)
        return RSM_E_INVALID_PARAMETER;
    rsm_rc rc = rsm_obj_type(e->db, lib, &t);
    if (rc == RSM_E_NOT_FOUND || (rc == RSM_OK && t != RSM_OT_LIBRARY) ||
        (rc == RSM_OK && rsm_guid_eq(lib, &e->offline_lib)))
        return RSM_E_INVALID_LIBRARY;
    return rc;
}

rsm_rc rsm_engine_register_library(struct rsm_engine *e, const struct rsm_dev_library *lib,
                                   struct rsm_guid *out)
{
    if (!lib || !lib->name || !*lib->name || !out ||
        (lib->library_type != RSM_LIB_ONLINE && lib->library_type != RSM_LIB_STANDALONE))
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    struct rsm_guid g;
    if (rc == RSM_OK)
        rc = lookup(e->db,
                    "SELECT o.guid FROM library l JOIN obj o ON o.guid=l.guid WHERE o.name=?3",
                    NULL, 0, lib->name, NULL, &g);
    if (rc == RSM_E_NOT_FOUND) {
        rsm_guid_new(&g);
        rc = rsm_obj_insert(e->db, &g, RSM_OT_LIBRARY, lib->name, "");
        sqlite3_stmt *st = rsm_db_stmt(e->db, "INSERT INTO library(guid,libtype) VALUES(?1,?2)");
        if (rc == RSM_OK && !st)
            rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK) {
            rsm_db_bind_guid_nn(st, 1, &g);
            sqlite3_bind_int(st, 2, (int)lib->library_type);
            rc = rsm_db_step_done(st);
        }
        static __thread struct rsm_acl acl;
        if (rc == RSM_OK)
            rc = rsm_sec_load(e->db, &e->computer, &acl);
        if (rc == RSM_OK)
            rc = rsm_sec_store(e->db, &g, &acl);
    }
    sqlite3_stmt *st = rsm_db_stmt(e->db, "UPDATE library SET libtype=?2, barcode_reader=?3 "
                                          "WHERE guid=?1");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, &g);
        sqlite3_bind_int(st, 2, (int)lib->library_type);
        sqlite3_bind_int(st, 3, lib->barcode_reader ? 1 : 0);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rsm_obj_changed(e->db, &g, RSM_OT_LIBRARY);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    if (rc == RSM_OK)
        *out = g;
    return rc;
}

/* Changer or drive type by vendor/product (find or create). */
static rsm_rc unit_type(struct rsm_engine *e, bool drive, const struct rsm_dev_unit *u,
                        struct rsm_guid *out)
{
    rsm_rc rc = lookup(e->db,
                       drive ? "SELECT guid FROM drive_type WHERE vendor=?3 AND product=?4"
                             : "SELECT guid FROM changer_type WHERE vendor=?3 AND product=?4",
                       NULL, 0, u->vendor, u->product, out);
    if (rc != RSM_E_NOT_FOUND)
        return rc;
    rsm_guid_new(out);
    char name[RSM_NAME_CAP];
    snprintf(name, sizeof name, "%s %s", u->vendor ? u->vendor : "", u->product ? u->product : "");
    rc = rsm_obj_insert(e->db, out, drive ? RSM_OT_DRIVE_TYPE : RSM_OT_CHANGER_TYPE, name, "");
    sqlite3_stmt *st = rsm_db_stmt(e->db, drive ? "INSERT INTO drive_type(guid,vendor,product,"
                                                  "devtype) VALUES(?1,?2,?3,31)"
                                                : "INSERT INTO changer_type(guid,vendor,product,"
                                                  "devtype) VALUES(?1,?2,?3,48)");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, out);
        sqlite3_bind_text(st, 2, u->vendor ? u->vendor : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, u->product ? u->product : "", -1, SQLITE_STATIC);
        rc = rsm_db_step_done(st);
    }
    return rc;
}

static rsm_rc register_unit(struct rsm_engine *e, bool drive, const struct rsm_guid *library,
                            const struct rsm_dev_unit *u, struct rsm_guid *out)
{
    if (!u || !out)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = check_library(e, library);
    struct rsm_guid type, g;
    if (rc == RSM_OK)
        rc = unit_type(e, drive, u, &type);
    if (rc == RSM_OK)
        rc = lookup(e->db,
                    drive ? "SELECT guid FROM drive WHERE library=?1 AND number=?2"
                          : "SELECT guid FROM changer WHERE library=?1 AND number=?2",
                    library, u->number, NULL, NULL, &g);
    if (rc == RSM_E_NOT_FOUND) {
        rsm_guid_new(&g);
        char name[RSM_NAME_CAP];
        snprintf(name, sizeof name, "%s%u", drive ? "Drive" : "Changer", u->number);
        rc = rsm_obj_insert(e->db, &g, drive ? RSM_OT_DRIVE : RSM_OT_CHANGER, name, "");
        sqlite3_stmt *st = rsm_db_stmt(e->db, drive ? "INSERT INTO drive(guid,library,number) "
                                                      "VALUES(?1,?2,?3)"
                                                    : "INSERT INTO changer(guid,library,number) "
                                                      "VALUES(?1,?2,?3)");
        if (rc == RSM_OK && !st)
            rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK) {
            rsm_db_bind_guid_nn(st, 1, &g);
            rsm_db_bind_guid_nn(st, 2, library);
            sqlite3_bind_int64(st, 3, u->number);
            rc = rsm_db_step_done(st);
        }
    }
    sqlite3_stmt *st = rsm_db_stmt(
        e->db,
        drive ? "UPDATE drive SET dtype=?2, serial=?3, revision=?4, devname=?5, port=?6, bus=?7,"
                " target=?8, lun=?9 WHERE guid=?1"
              : "UPDATE changer SET ctype=?2, serial=?3, revision=?4, devname=?5, port=?6, bus=?7,"
                " target=?8, lun=?9 WHERE guid=?1");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, &g);
        rsm_db_bind_guid_nn(st, 2, &type);
        sqlite3_bind_text(st, 3, u->serial ? u->serial : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, u->revision ? u->revision : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, u->devname ? u->devname : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, u->scsi.port);
        sqlite3_bind_int(st, 7, u->scsi.bus);
        sqlite3_bind_int(st, 8, u->scsi.target);
        sqlite3_bind_int(st, 9, u->scsi.lun);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rsm_obj_changed(e->db, &g, drive ? RSM_OT_DRIVE : RSM_OT_CHANGER);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    if (rc == RSM_OK)
        *out = g;
    return rc;
}

rsm_rc rsm_engine_register_changer(struct rsm_engine *e, const struct rsm_guid *library,
                                   const struct rsm_dev_unit *u, struct rsm_guid *out)
{
    return register_unit(e, false, library, u, out);
}

rsm_rc rsm_engine_register_drive(struct rsm_engine *e, const struct rsm_guid *library,
                                 const struct rsm_dev_unit *u, struct rsm_guid *out)
{
    return register_unit(e, true, library, u, out);
}

/* Slot, port or door: identity (library, number). */
static rsm_rc register_element(struct rsm_engine *e, uint32_t type, const struct rsm_guid *library,
                               uint32_t number, struct rsm_guid *out)
{
    static const struct {
        uint32_t type;
        const char *find, *insert, *prefix;
    } k[] = {
        {RSM_OT_STORAGESLOT, "SELECT guid FROM slot WHERE library=?1 AND number=?2",
         "INSERT INTO slot(guid,library,number) VALUES(?1,?2,?3)", "Slot"},
        {RSM_OT_IEPORT, "SELECT guid FROM ieport WHERE library=?1 AND number=?2",
         "INSERT INTO ieport(guid,library,number) VALUES(?1,?2,?3)", "Port"},
        {RSM_OT_IEDOOR, "SELECT guid FROM iedoor WHERE library=?1 AND number=?2",
         "INSERT INTO iedoor(guid,library,number) VALUES(?1,?2,?3)", "Door"},
    };
    size_t i = type == RSM_OT_STORAGESLOT ? 0 : type == RSM_OT_IEPORT ? 1 : 2;
    if (!out)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = check_library(e, library);
    struct rsm_guid g;
    if (rc == RSM_OK)
        rc = lookup(e->db, k[i].find, library, number, NULL, NULL, &g);
    if (rc == RSM_E_NOT_FOUND) {
        rsm_guid_new(&g);
        char name[RSM_NAME_CAP];
        snprintf(name, sizeof name, "%s%u", k[i].prefix, number);
        rc = rsm_obj_insert(e->db, &g, k[i].type, name, "");
        sqlite3_stmt *st = rsm_db_stmt(e->db, k[i].insert);
        if (rc == RSM_OK && !st)
            rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK) {
            rsm_db_bind_guid_nn(st, 1, &g);
            rsm_db_bind_guid_nn(st, 2, library);
            sqlite3_bind_int64(st, 3, number);
            rc = rsm_db_step_done(st);
        }
    }
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    if (rc == RSM_OK)
        *out = g;
    return rc;
}

rsm_rc rsm_engine_register_slot(struct rsm_engine *e, const struct rsm_guid *library,
                                uint32_t number, struct rsm_guid *out)
{
    return register_element(e, RSM_OT_STORAGESLOT, library, number, out);
}

rsm_rc rsm_engine_register_ieport(struct rsm_engine *e, const struct rsm_guid *library,
                                  uint32_t number, struct rsm_guid *out)
{
    return register_element(e, RSM_OT_IEPORT, library, number, out);
}

rsm_rc rsm_engine_register_iedoor(struct rsm_engine *e, const struct rsm_guid *library,
                                  uint32_t number, struct rsm_guid *out)
{
    return register_element(e, RSM_OT_IEDOOR, library, number, out);
}

rsm_rc rsm_engine_register_media_type(struct rsm_engine *e, uint32_t code, const char *name,
                                      uint32_t sides, uint32_t rw, uint32_t devtype,
                                      struct rsm_guid *out)
{
    if (!out || !name || !*name || sides < 1 || sides > 64)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    struct rsm_guid g;
    if (rc == RSM_OK)
        rc = lookup(e->db, "SELECT guid FROM media_type WHERE code=?2", NULL, code, NULL, NULL, &g);
    if (rc == RSM_E_NOT_FOUND) {
        rsm_guid_new(&g);
        rc = rsm_obj_insert(e->db, &g, RSM_OT_MEDIA_TYPE, name, "");
        sqlite3_stmt *st = rsm_db_stmt(e->db, "INSERT INTO media_type(guid,code,sides,rw,devtype)"
                                              " VALUES(?1,?2,?3,?4,?5)");
        if (rc == RSM_OK && !st)
            rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK) {
            rsm_db_bind_guid_nn(st, 1, &g);
            sqlite3_bind_int64(st, 2, code);
            sqlite3_bind_int64(st, 3, sides);
            sqlite3_bind_int64(st, 4, rw);
            sqlite3_bind_int64(st, 5, devtype);
            rc = rsm_db_step_done(st);
        }
    }
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    if (rc == RSM_OK)
        *out = g;
    return rc;
}

static rsm_rc set_slot_state(struct rsm_db *db, const struct rsm_guid *slot, int state)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "UPDATE slot SET state=?2 WHERE guid=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, slot);
    sqlite3_bind_int(st, 2, state);
    rsm_rc rc = rsm_db_step_done(st);
    if (rc == RSM_OK && sqlite3_changes(rsm_db_handle(db)) > 0)
        rsm_obj_changed(db, slot, RSM_OT_STORAGESLOT);
    return rc;
}

rsm_rc rsm_dev_media_seen(struct rsm_engine *e, const struct rsm_guid *slot, const char *barcode,
                          const struct rsm_guid *mtype, const struct rsm_dev_label *label,
                          struct rsm_guid *pmedia_out)
{
    if (!slot || !mtype || !pmedia_out)
        return RSM_E_INVALID_PARAMETER;
    const char *bc = barcode ? barcode : "";
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    struct rsm_guid lib, pm;
    if (rc == RSM_OK)
        rc = lookup(e->db, "SELECT library FROM slot WHERE guid=?1", slot, 0, NULL, NULL, &lib);
    uint32_t t = 0, sides = 0;
    if (rc == RSM_OK && (rsm_obj_type(e->db, mtype, &t) != RSM_OK || t != RSM_OT_MEDIA_TYPE))
        rc = RSM_E_INVALID_MEDIA;
    if (rc == RSM_OK) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT sides FROM media_type WHERE guid=?1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            rsm_db_bind_guid_nn(st, 1, mtype);
            if (sqlite3_step(st) == SQLITE_ROW)
                sides = (uint32_t)sqlite3_column_int(st, 0);
            sqlite3_reset(st);
        }
    }
    /* A known cartridge: by barcode, else by its label id. */
    rsm_rc found = RSM_E_NOT_FOUND;
    if (rc == RSM_OK && *bc)
        found = lookup(e->db, "SELECT guid FROM pmedia WHERE barcode=?3", NULL, 0, bc, NULL, &pm);
    if (rc == RSM_OK && found == RSM_E_NOT_FOUND && label && label->id_len) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT pmedia FROM side WHERE omid=?1 LIMIT 1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            sqlite3_bind_blob(st, 1, label->id, (int)label->id_len, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW) {
                rsm_db_col_guid(st, 0, &pm);
                found = RSM_OK;
            }
            sqlite3_reset(st);
        }
    }
    if (rc == RSM_OK && found != RSM_OK && found != RSM_E_NOT_FOUND)
        rc = found;
    if (rc == RSM_OK && found == RSM_OK) {
        /* The slot it was last seen in is empty now (unless it is the same one). */
        struct rsm_guid old;
        if (lookup(e->db,
                   "SELECT ifnull(location, zeroblob(16)) FROM pmedia WHERE guid=?1 AND "
                   "loc_type=16",
                   &pm, 0, NULL, NULL, &old) == RSM_OK &&
            !rsm_guid_is_null(&old) && !rsm_guid_eq(&old, slot))
            rc = set_slot_state(e->db, &old, RSM_SLOT_EMPTY);
    }
    if (rc == RSM_OK && found == RSM_OK) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "UPDATE pmedia SET library=?2, location=?3, "
                                              "loc_type=16, home_slot=?3 WHERE guid=?1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            rsm_db_bind_guid_nn(st, 1, &pm);
            rsm_db_bind_guid_nn(st, 2, &lib);
            rsm_db_bind_guid_nn(st, 3, slot);
            rc = rsm_db_step_done(st);
        }
        if (rc == RSM_OK)
            rc = rsm_obj_touch(e->db, &pm);
    } else if (rc == RSM_OK) {
        bool import = label && label->type && *label->type;
        sqlite3_stmt *st = rsm_db_stmt(e->db, "INSERT OR IGNORE INTO lib_mtype(library,mtype) "
                                              "VALUES(?1,?2)");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            rsm_db_bind_guid_nn(st, 1, &lib);
            rsm_db_bind_guid_nn(st, 2, mtype);
            rc = rsm_db_step_done(st);
        }
        if (rc == RSM_OK)
            rc = rsm_pool_ensure_system(e, mtype);
        struct rsm_guid pool;
        if (rc == RSM_OK)
            rc = rsm_pool_system(e, label && label->free_label ? RSM_POOL_SCRATCH
                                    : import                    ? RSM_POOL_IMPORT
                                                                : RSM_POOL_FOREIGN,
                                 mtype, false, &pool);
        rsm_guid_new(&pm);
        if (rc == RSM_OK)
            rc = rsm_media_insert(e, &pm, NULL, &pool, &lib, slot, RSM_OT_STORAGESLOT, mtype, bc,
                                  sides,
                                  label && label->free_label ? RSM_PART_AVAILABLE
                                  : import                   ? RSM_PART_IMPORT
                                                             : RSM_PART_FOREIGN,
                                  NULL);
        if (rc == RSM_OK) {
            st = rsm_db_stmt(e->db, "UPDATE pmedia SET home_slot=?2 WHERE guid=?1");
            if (!st) {
                rc = RSM_E_DB_FAILURE;
            } else {
                rsm_db_bind_guid_nn(st, 1, &pm);
                rsm_db_bind_guid_nn(st, 2, slot);
                rc = rsm_db_step_done(st);
            }
        }
        if (rc == RSM_OK && import) {
            st = rsm_db_stmt(e->db, "UPDATE side SET omid=?2, omid_type=?3, omid_info=?4 "
                                    "WHERE pmedia=?1");
            if (!st) {
                rc = RSM_E_DB_FAILURE;
            } else {
                rsm_db_bind_guid_nn(st, 1, &pm);
                if (label->id_len)
                    sqlite3_bind_blob(st, 2, label->id, (int)label->id_len, SQLITE_STATIC);
                else
                    sqlite3_bind_null(st, 2);
                sqlite3_bind_text(st, 3, label->type, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 4, label->info ? label->info : "", -1, SQLITE_STATIC);
                rc = rsm_db_step_done(st);
            }
        }
    }
    if (rc == RSM_OK)
        rc = set_slot_state(e->db, slot, RSM_SLOT_FULL);
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK)
        rsm_engine_signal(e);
    rsm_engine_unlock(e);
    if (rc == RSM_OK)
        *pmedia_out = pm;
    return rc;
}

rsm_rc rsm_dev_media_gone(struct rsm_engine *e, const struct rsm_guid *pmedia)
{
    if (!pmedia)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    struct rsm_guid loc;
    if (rc == RSM_OK) {
        rc = lookup(e->db, "SELECT ifnull(location, zeroblob(16)) FROM pmedia WHERE guid=?1",
                    pmedia, 0, NULL, NULL, &loc);
        if (rc == RSM_E_NOT_FOUND)
            rc = RSM_E_INVALID_MEDIA;
    }
    if (rc == RSM_OK && !rsm_guid_is_null(&loc))
        rc = set_slot_state(e->db, &loc, RSM_SLOT_EMPTY);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "UPDATE pmedia SET library=?2, location=NULL, "
                                          "loc_type=16, state=0 WHERE guid=?1");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pmedia);
        rsm_db_bind_guid_nn(st, 2, &e->offline_lib);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, pmedia);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_dev_media_state(struct rsm_engine *e, const struct rsm_guid *pmedia, uint32_t state)
{
    if (!pmedia || state > RSM_MEDIASTATE_OPREQ)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    sqlite3_stmt *st =
        rc == RSM_OK ? rsm_db_stmt(e->db, "UPDATE pmedia SET state=?2 WHERE guid=?1") : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pmedia);
        sqlite3_bind_int(st, 2, (int)state);
        rc = rsm_db_step_done(st);
        if (rc == RSM_OK && sqlite3_changes(rsm_db_handle(e->db)) == 0)
            rc = RSM_E_INVALID_MEDIA;
    }
    if (rc == RSM_OK)
        rsm_obj_changed(e->db, pmedia, RSM_OT_PHYSICAL_MEDIA);
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK)
        rsm_engine_signal(e);
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_dev_media_bulk(struct rsm_engine *e, const struct rsm_guid *library,
                          const struct rsm_guid *pool, const struct rsm_guid *mtype,
                          uint32_t side_state, size_t n, rsm_dev_barcode_fn *barcode, void *arg,
                          struct rsm_guid *first_out)
{
    if (!pool || !mtype || !barcode || side_state > RSM_PART_RESERVED)
        return RSM_E_INVALID_PARAMETER;
    if (side_state == RSM_PART_ALLOCATED || side_state == RSM_PART_COMPLETE ||
        side_state == RSM_PART_RESERVED)
        return RSM_E_INVALID_STATE;
    rsm_engine_lock(e);
    const struct rsm_guid *lib = library ? library : &e->offline_lib;
    rsm_rc rc = rsm_db_begin(e->db);
    uint32_t pt = 0, sides = 0;
    struct rsm_guid pmt, parent;
    if (rc == RSM_OK)
        rc = rsm_pool_row(e->db, pool, &pt, &pmt, &parent);
    if (rc == RSM_E_NOT_FOUND || (rc == RSM_OK && !rsm_guid_eq(&pmt, mtype)))
        rc = RSM_E_INVALID_MEDIA_POOL;
    if (rc == RSM_OK && library)
        rc = check_library(e, library);
    if (rc == RSM_OK) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT sides FROM media_type WHERE guid=?1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            rsm_db_bind_guid_nn(st, 1, mtype);
            if (sqlite3_step(st) == SQLITE_ROW)
                sides = (uint32_t)sqlite3_column_int(st, 0);
            else
                rc = RSM_E_INVALID_MEDIA;
            sqlite3_reset(st);
        }
    }
    int64_t seq = rsm_db_meta_int(e->db, "seqno", 0);
    int64_t now = rsm_db_now_ms();
    sqlite3_stmt *ins_obj = rsm_db_stmt(e->db, "INSERT INTO obj(guid,type,name,descr,created,"
                                               "modified) VALUES(?1,?2,?3,'',?4,?4)");
    sqlite3_stmt *ins_pm = rsm_db_stmt(
        e->db, "INSERT INTO pmedia(guid,pool,library,loc_type,mtype,barcode,barcode_state,seqno,"
               "n_sides) VALUES(?1,?2,?3,16,?4,?5,?6,?7,?8)");
    sqlite3_stmt *ins_side = rsm_db_stmt(e->db, "INSERT INTO side(guid,pmedia,pool,state,side_no)"
                                                " VALUES(?1,?2,?3,?4,?5)");
    if (rc == RSM_OK && (!ins_obj || !ins_pm || !ins_side))
        rc = RSM_E_DB_FAILURE;
    char bc[RSM_BARCODE_CAP], seqtxt[24], sname[RSM_NAME_CAP + 8];
    for (size_t i = 0; rc == RSM_OK && i < n; i++) {
        struct rsm_guid pm;
        rsm_guid_new(&pm);
        if (i == 0 && first_out)
            *first_out = pm;
        bc[0] = 0;
        barcode(i, bc, sizeof bc, arg);
        bc[sizeof bc - 1] = 0;
        snprintf(seqtxt, sizeof seqtxt, "%06lld", (long long)++seq);
        const char *name = *bc ? bc : seqtxt;
        rsm_db_bind_guid_nn(ins_obj, 1, &pm);
        sqlite3_bind_int(ins_obj, 2, RSM_OT_PHYSICAL_MEDIA);
        sqlite3_bind_text(ins_obj, 3, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins_obj, 4, now);
        rc = rsm_db_step_done(ins_obj);
        if (rc == RSM_OK)
            rsm_notify(e, RSM_OT_PHYSICAL_MEDIA, RSM_EV_INSERT, &pm);
        if (rc == RSM_OK) {
            rsm_db_bind_guid_nn(ins_pm, 1, &pm);
            rsm_db_bind_guid_nn(ins_pm, 2, pool);
            rsm_db_bind_guid_nn(ins_pm, 3, lib);
            rsm_db_bind_guid_nn(ins_pm, 4, mtype);
            sqlite3_bind_text(ins_pm, 5, bc, -1, SQLITE_STATIC);
            sqlite3_bind_int(ins_pm, 6, *bc ? RSM_BARCODE_OK : RSM_BARCODE_UNREADABLE);
            sqlite3_bind_text(ins_pm, 7, seqtxt, -1, SQLITE_STATIC);
            sqlite3_bind_int(ins_pm, 8, (int)sides);
            rc = rsm_db_step_done(ins_pm);
        }
        for (uint32_t k = 0; rc == RSM_OK && k < sides; k++) {
            struct rsm_guid sg;
            rsm_guid_new(&sg);
            if (sides > 1)
                snprintf(sname, sizeof sname, "%s:%c", name, 'A' + (int)(k % 26));
            else
                snprintf(sname, sizeof sname, "%s", name);
            rsm_db_bind_guid_nn(ins_obj, 1, &sg);
            sqlite3_bind_int(ins_obj, 2, RSM_OT_PARTITION);
            sqlite3_bind_text(ins_obj, 3, sname, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins_obj, 4, now);
            rc = rsm_db_step_done(ins_obj);
            if (rc == RSM_OK)
                rsm_notify(e, RSM_OT_PARTITION, RSM_EV_INSERT, &sg);
            if (rc == RSM_OK) {
                rsm_db_bind_guid_nn(ins_side, 1, &sg);
                rsm_db_bind_guid_nn(ins_side, 2, &pm);
                rsm_db_bind_guid_nn(ins_side, 3, pool);
                sqlite3_bind_int(ins_side, 4, (int)side_state);
                sqlite3_bind_int(ins_side, 5, (int)k);
                rc = rsm_db_step_done(ins_side);
            }
        }
    }
    if (rc == RSM_OK)
        rc = rsm_db_meta_set_int(e->db, "seqno", seq);
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK)
        rsm_engine_signal(e);
    rsm_engine_unlock(e);
    return rc;
}
