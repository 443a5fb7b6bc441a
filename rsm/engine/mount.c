/* SPDX-License-Identifier: MIT
 * Library control, second half (contract in libctl.h): MountNtmsMedia, DismountNtmsMedia
 * and DismountNtmsDrive over rsm_dev_lib_mount()/rsm_dev_lib_dismount(). Device work runs
 * with the library's mutex held and the engine's released; each state change that
 * follows it is one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "rsm/engine/libctl_int.h"

enum { DRV_DISMOUNTED = 0, DRV_LOADED = 2, DRV_DISMOUNTABLE = 7 };
enum { MOUNT_WRITE = 0x2, MOUNT_SPECIFIC_DRIVE = 0x10 };
enum { DISMOUNT_DEFERRED = 0x1 };

/* A medium to mount or dismount, as the database has it. */
struct medium {
    struct rsm_guid side, pm, pool, library, location, home;
    uint32_t side_state, pm_state, loc_type;
    char barcode[RSM_BARCODE_CAP];
};

/* Resolves side or LMID @id (e->mu held). INVALID_MEDIA if it is neither. */
static rsm_rc resolve(struct rsm_engine *e, const struct rsm_guid *id, struct medium *m)
{
    uint32_t t = 0;
    rsm_rc rc = rsm_obj_type(e->db, id, &t);
    if (rc == RSM_E_NOT_FOUND ||
        (rc == RSM_OK && t != RSM_OT_LOGICAL_MEDIA && t != RSM_OT_PARTITION))
        return RSM_E_INVALID_MEDIA;
    if (rc != RSM_OK)
        return rc;
    m->side = *id;
    if (t == RSM_OT_LOGICAL_MEDIA) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT ref FROM obj WHERE guid=?1");
        if (!st)
            return RSM_E_DB_FAILURE;
        rsm_db_bind_guid_nn(st, 1, id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
            rsm_db_col_guid(st, 0, &m->side);
        sqlite3_reset(st);
        if (src != SQLITE_ROW)
            return src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
    }
    sqlite3_stmt *st = rsm_db_stmt(
        e->db, "SELECT s.state, s.pool, p.guid, p.library, ifnull(p.location, zeroblob(16)), "
               "p.loc_type, ifnull(p.home_slot, zeroblob(16)), p.barcode, p.state "
               "FROM side s JOIN pmedia p ON p.guid=s.pmedia WHERE s.guid=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, &m->side);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        m->side_state = (uint32_t)sqlite3_column_int(st, 0);
        rsm_db_col_guid(st, 1, &m->pool);
        rsm_db_col_guid(st, 2, &m->pm);
        rsm_db_col_guid(st, 3, &m->library);
        rsm_db_col_guid(st, 4, &m->location);
        m->loc_type = (uint32_t)sqlite3_column_int(st, 5);
        rsm_db_col_guid(st, 6, &m->home);
        rsm_db_col_text(st, 7, m->barcode, sizeof m->barcode);
        m->pm_state = (uint32_t)sqlite3_column_int(st, 8);
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW)
        return src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
    return RSM_OK;
}

/* Number and library of element @g in @table's SQL (e->mu held). */
static rsm_rc elem_row(struct rsm_engine *e, const char *sql, const struct rsm_guid *g,
                       uint32_t *number, struct rsm_guid *library, uint32_t *state)
{
    sqlite3_stmt *st = rsm_db_stmt(e->db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *number = (uint32_t)sqlite3_column_int64(st, 0);
        if (library)
            rsm_db_col_guid(st, 1, library);
        if (state)
            *state = (uint32_t)sqlite3_column_int(st, 2);
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW ? RSM_OK : src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
}

#define SLOT_ROW  "SELECT number, library, state FROM slot WHERE guid=?1"
#define DRIVE_ROW "SELECT number, library, state FROM drive WHERE guid=?1"

static rsm_rc slot_by_number(struct rsm_engine *e, const struct rsm_guid *library, uint32_t number,
                             struct rsm_guid *out)
{
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT guid FROM slot WHERE library=?1 AND number=?2");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, library);
    sqlite3_bind_int64(st, 2, number);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rsm_db_col_guid(st, 0, out);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? RSM_OK : src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
}

static rsm_rc exec_guid(struct rsm_db *db, const char *sql, const struct rsm_guid *a,
                        const struct rsm_guid *b)
{
    sqlite3_stmt *st = rsm_db_stmt(db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, a);
    if (b)
        rsm_db_bind_guid_nn(st, 2, b);
    return rsm_db_step_done(st);
}

/* One transaction: @m's medium state. */
static rsm_rc set_pm_state(struct rsm_engine *e, const struct rsm_guid *pm, uint32_t state)
{
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    sqlite3_stmt *st =
        rc == RSM_OK ? rsm_db_stmt(e->db, "UPDATE pmedia SET state=?2 WHERE guid=?1") : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pm);
        sqlite3_bind_int(st, 2, (int)state);
        rc = rsm_db_step_done(st);
    }
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* Unloads drive @drive (number @dnum) holding @pm and puts the cartridge back in its home
 * slot (@home, when empty), else the first empty one; then one transaction records it. */
static rsm_rc unload(struct rsm_engine *e, struct rsm_lc_lib *L, const struct rsm_guid *pm,
                     const struct rsm_guid *home, const struct rsm_guid *drive, uint32_t dnum)
{
    struct rsm_dev_lib *dev = L->dev;
    int i = dev->standalone ? 0 : rsm_dev_lib_drive_at(dev, rsm_dev_lib_addr(dev, 4, dnum));
    if (i < 0)
        return RSM_E_DEVICE_NOT_AVAILABLE;
    uint16_t dst = 0, used = 0;
    if (!dev->standalone && home && !rsm_guid_is_null(home)) {
        uint32_t hn = 0;
        rsm_engine_lock(e);
        rsm_rc r = elem_row(e, SLOT_ROW, home, &hn, NULL, NULL);
        rsm_engine_unlock(e);
        uint16_t a = r == RSM_OK ? rsm_dev_lib_addr(dev, 2, hn) : 0;
        const struct rsm_chg_elem *el = a ? rsm_dev_lib_elem(dev, a) : NULL;
        if (el && !el->full)
            dst = a;
    }
    if (!dev->standalone) {
        enum rsm_dev_rc drc = rsm_dev_lib_dismount(dev, (size_t)i, dst, &used);
        if (drc != RSM_DEV_OK) {
            rsm_rc rc = rsm_lc_map_dev(drc);
            if (rc == RSM_E_LIBRARY_OFFLINE)
                rsm_lc_changer_failed(e, L);
            return rc == RSM_E_MEDIA_NOT_AVAILABLE || rc == RSM_E_BUSY ? RSM_E_DEVICE_NOT_AVAILABLE
                                                                       : rc;
        }
    }
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    struct rsm_guid slot;
    memset(&slot, 0, sizeof slot);
    if (rc == RSM_OK && !dev->standalone)
        rc = slot_by_number(e, &L->guid, rsm_dev_lib_number(dev, used, NULL), &slot);
    if (rc == RSM_OK && !dev->standalone) {
        rc = exec_guid(e->db,
                       "UPDATE pmedia SET state=0, location=?2, loc_type=16, "
                       "home_slot=?2, mounted_side=NULL WHERE guid=?1",
                       pm, &slot);
        if (rc == RSM_OK)
            rc = exec_guid(e->db, "UPDATE slot SET state=1 WHERE guid=?1", &slot, NULL);
    } else if (rc == RSM_OK) {
        rc = exec_guid(e->db, "UPDATE pmedia SET state=0, mounted_side=NULL WHERE guid=?1", pm,
                       NULL);
    }
    if (rc == RSM_OK)
        rc = exec_guid(e->db, "UPDATE drive SET state=0, saved_side=NULL WHERE guid=?1", drive,
                       NULL);
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, pm);
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK)
        rsm_engine_signal(e);
    rsm_engine_unlock(e);
    return rc;
}

/* The MAM host attributes of a write mount: who wrote, which pool, which medium. A drive
 * that refuses them does not fail the mount (the attributes are a convenience for other
 * software reading the cartridge). */
static void write_mam(struct rsm_engine *e, const struct rsm_caller *c, struct rsm_drv *drv,
                      const struct medium *m)
{
    struct rsm_drv_mam w;
    memset(&w, 0, sizeof w);
    w.present = RSM_MAM_APP_VENDOR | RSM_MAM_APP_NAME | RSM_MAM_MEDIA_POOL | RSM_MAM_MEDIUM_GUID |
                RSM_MAM_POOL_GUID | (m->barcode[0] ? RSM_MAM_BARCODE : 0);
    snprintf(w.app_vendor, sizeof w.app_vendor, "OPENRSM");
    rsm_utf8_copy(w.app_name, sizeof w.app_name, c->app[0] ? c->app : "RSM");
    rsm_utf8_copy(w.barcode, sizeof w.barcode, m->barcode);
    char pool[RSM_POOLPATH_CAP];
    size_t len = 0;
    if (rsm_pool_name(e, c, &m->pool, pool, sizeof pool, &len) == RSM_OK)
        rsm_utf8_copy(w.media_pool, sizeof w.media_pool, pool);
    /* 36 bytes: the GUID's text form without braces (8-4-4-4-12). */
    char g[40];
    rsm_guid_str(&m->side, g, sizeof g);
    memcpy(w.medium_guid, g + 1, RSM_MAM_GUID_LEN);
    rsm_guid_str(&m->pool, g, sizeof g);
    memcpy(w.pool_guid, g + 1, RSM_MAM_GUID_LEN);
    (void)rsm_drv_mam_write(drv, &w); /* see above: not fatal */
}

/* Picks the drive for @m (e->mu held): @want when given, else the lowest-numbered free
 * enabled drive the device layer mapped, else a DISMOUNTABLE one (*reclaim set). */
static rsm_rc pick_drive(struct rsm_engine *e, struct rsm_lc_lib *L, const struct medium *m,
                         const struct rsm_guid *want, struct rsm_guid *out, uint32_t *number,
                         uint32_t *state)
{
    if (want) {
        uint32_t t = 0;
        struct rsm_guid lib;
        if (rsm_obj_type(e->db, want, &t) != RSM_OK || t != RSM_OT_DRIVE)
            return RSM_E_INVALID_DRIVE;
        rsm_rc rc = elem_row(e, DRIVE_ROW, want, number, &lib, state);
        if (rc != RSM_OK)
            return rc;
        if (!rsm_guid_eq(&lib, &m->library))
            return RSM_E_DRIVE_MEDIA_MISMATCH;
        if (!rsm_obj_enabled(e->db, want))
            return RSM_E_RESOURCE_DISABLED;
        if (*state != DRV_DISMOUNTED && *state != DRV_DISMOUNTABLE)
            return RSM_E_BUSY;
        *out = *want;
        return RSM_OK;
    }
    sqlite3_stmt *st =
        rsm_db_stmt(e->db, "SELECT d.guid, d.number, d.state FROM drive d JOIN obj o "
                           "ON o.guid=d.guid WHERE d.library=?1 AND o.enabled=1 "
                           "AND d.state IN (0,7) ORDER BY d.state, d.number");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, &m->library);
    int src;
    bool found = false;
    while (!found && (src = sqlite3_step(st)) == SQLITE_ROW) {
        uint32_t n = (uint32_t)sqlite3_column_int64(st, 1);
        if (!L->dev->standalone && rsm_dev_lib_drive_at(L->dev, rsm_dev_lib_addr(L->dev, 4, n)) < 0)
            continue;
        rsm_db_col_guid(st, 0, out);
        *number = n;
        *state = (uint32_t)sqlite3_column_int(st, 2);
        found = true;
    }
    sqlite3_reset(st);
    return found ? RSM_OK : RSM_E_BUSY;
}

/* The medium in drive @drive (e->mu held): NOT_FOUND when none. */
static rsm_rc medium_in_drive(struct rsm_engine *e, const struct rsm_guid *drive, struct medium *m)
{
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT guid, ifnull(mounted_side, zeroblob(16)), "
                                          "ifnull(home_slot, zeroblob(16)) FROM pmedia WHERE "
                                          "location=?1 AND loc_type=5");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, drive);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        memset(m, 0, sizeof *m);
        rsm_db_col_guid(st, 0, &m->pm);
        rsm_db_col_guid(st, 1, &m->side);
        rsm_db_col_guid(st, 2, &m->home);
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW ? RSM_OK : src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
}

/* Records a good mount (one transaction). */
static rsm_rc record_mount(struct rsm_engine *e, const struct medium *m,
                           const struct rsm_guid *drive)
{
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK && m->loc_type == RSM_OT_STORAGESLOT && !rsm_guid_is_null(&m->location))
        rc = exec_guid(e->db, "UPDATE slot SET state=2 WHERE guid=?1", &m->location, NULL);
    if (rc == RSM_OK)
        rc = exec_guid(e->db, "UPDATE pmedia SET state=3, location=?2, loc_type=5 WHERE guid=?1",
                       &m->pm, drive);
    if (rc == RSM_OK) {
        sqlite3_stmt *st = rsm_db_stmt(e->db, "UPDATE pmedia SET mounted_side=?2 WHERE guid=?1");
        rc = st ? (rsm_db_bind_guid_nn(st, 1, &m->pm), rsm_db_bind_guid_nn(st, 2, &m->side),
                   rsm_db_step_done(st))
                : RSM_E_DB_FAILURE;
    }
    if (rc == RSM_OK)
        rc = exec_guid(e->db, "UPDATE side SET mount_count=mount_count+1 WHERE guid=?1", &m->side,
                       NULL);
    if (rc == RSM_OK)
        rc = exec_guid(e->db,
                       "UPDATE drive SET state=2, mount_count=mount_count+1, "
                       "saved_side=?2 WHERE guid=?1",
                       drive, &m->side);
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, &m->pm);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* Mounts one medium (L->mu held). */
static rsm_rc mount_one(struct rsm_engine *e, const struct rsm_caller *c, struct rsm_lc_lib *L,
                        const struct rsm_guid *id, const struct rsm_guid *want, uint32_t options,
                        struct rsm_guid *drive_out)
{
    struct rsm_dev_lib *dev = L->dev;
    struct medium m;
    struct rsm_guid drive;
    uint32_t dnum = 0, dstate = 0;
    rsm_engine_lock(e);
    rsm_rc rc = resolve(e, id, &m);
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;

    /* A deferred dismount left it in a drive: serve it from there. */
    if (m.loc_type == RSM_OT_DRIVE && m.pm_state == RSM_MEDIASTATE_LOADED) {
        rsm_engine_lock(e);
        rc = elem_row(e, DRIVE_ROW, &m.location, &dnum, NULL, &dstate);
        rsm_engine_unlock(e);
        if (rc != RSM_OK)
            return rc;
        if (dstate != DRV_DISMOUNTABLE || (want && !rsm_guid_eq(want, &m.location)))
            return RSM_E_BUSY;
        drive = m.location;
        rc = record_mount(e, &m, &drive);
        if (rc == RSM_OK)
            *drive_out = drive;
        return rc;
    }
    if (m.pm_state != RSM_MEDIASTATE_IDLE || m.loc_type != RSM_OT_STORAGESLOT)
        return RSM_E_BUSY;

    rsm_engine_lock(e);
    rc = pick_drive(e, L, &m, want, &drive, &dnum, &dstate);
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    if (dstate == DRV_DISMOUNTABLE) {
        /* Reclaim a drive whose medium waits for its deferred dismount. */
        struct medium old;
        rsm_engine_lock(e);
        rc = medium_in_drive(e, &drive, &old);
        rsm_engine_unlock(e);
        if (rc == RSM_OK)
            rc = unload(e, L, &old.pm, &old.home, &drive, dnum);
        if (rc != RSM_OK)
            return rc;
    }
    int di = dev->standalone ? 0 : rsm_dev_lib_drive_at(dev, rsm_dev_lib_addr(dev, 4, dnum));
    if (di < 0)
        return RSM_E_DEVICE_NOT_AVAILABLE;

    /* Two passes at most: a cartridge found missing from its slot when the robot reaches
     * for it (moved by hand since the last inventory) is looked for once more. */
    uint16_t src = 0;
    for (int pass = 0;; pass++) {
        src = 0;
        for (int attempt = 0; !dev->standalone && attempt < 2; attempt++) {
            uint32_t sn = 0;
            rsm_engine_lock(e);
            rc = m.loc_type == RSM_OT_STORAGESLOT
                     ? elem_row(e, SLOT_ROW, &m.location, &sn, NULL, NULL)
                     : RSM_E_NOT_FOUND;
            rsm_engine_unlock(e);
            uint16_t a = rc == RSM_OK ? rsm_dev_lib_addr(dev, 2, sn) : 0;
            const struct rsm_chg_elem *el = a ? rsm_dev_lib_elem(dev, a) : NULL;
            /* A cartridge whose label the changer cannot read is taken to be the one the
             * database has there (OMID inventory put it there). */
            if (el && el->full && (strcmp(el->barcode, m.barcode) == 0 || !el->barcode[0])) {
                src = a;
                break;
            }
            if (attempt == 1)
                break;
            rc = rsm_lc_reconcile(e, L, false, NULL);
            if (rc != RSM_OK)
                return rc;
            rsm_engine_lock(e);
            rc = resolve(e, id, &m);
            bool offline = rc == RSM_OK && rsm_guid_eq(&m.library, &e->offline_lib);
            rsm_engine_unlock(e);
            if (rc != RSM_OK)
                return rc;
            if (offline)
                return RSM_E_MEDIA_OFFLINE;
        }
        if (!dev->standalone && !src)
            return RSM_E_MEDIA_NOT_AVAILABLE;

        rc = set_pm_state(e, &m.pm, RSM_MEDIASTATE_INUSE);
        if (rc != RSM_OK)
            return rc;
        enum rsm_dev_rc drc =
            dev->standalone ? RSM_DEV_OK : rsm_dev_lib_mount(dev, src, (size_t)di);
        if (drc != RSM_DEV_OK) {
            rc = rsm_lc_map_dev(drc);
            const struct rsm_chg_elem *del = rsm_dev_lib_elem(dev, rsm_dev_lib_addr(dev, 4, dnum));
            bool in_drive = del && del->full;
            if (in_drive) {
                /* The robot delivered it but the drive failed: put it back, fail the mount. */
                (void)rsm_dev_lib_dismount(dev, (size_t)di, src, NULL); /* inventory below says
                                                                         * where it ended */
                rc = RSM_E_UNABLE_TO_LOAD_MEDIUM;
            } else if (rc == RSM_E_LIBRARY_OFFLINE) {
                rsm_lc_changer_failed(e, L);
            }
            (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_IDLE); /* the failure is what we report */
            if (drc == RSM_DEV_E_SRC_EMPTY || drc == RSM_DEV_E_DST_FULL || in_drive)
                (void)rsm_lc_reconcile(e, L, false, NULL); /* the database follows the changer */
            if (drc == RSM_DEV_E_SRC_EMPTY && pass == 0) {
                rsm_engine_lock(e);
                rsm_rc r = resolve(e, id, &m);
                bool here = r == RSM_OK && rsm_guid_eq(&m.library, &L->guid) &&
                            m.loc_type == RSM_OT_STORAGESLOT;
                bool offline = r == RSM_OK && rsm_guid_eq(&m.library, &e->offline_lib);
                rsm_engine_unlock(e);
                if (here)
                    continue;
                if (offline)
                    return RSM_E_MEDIA_OFFLINE;
            }
            return rc;
        }
        break; /* in the drive */
    }
    rc = record_mount(e, &m, &drive);
    if (rc != RSM_OK) {
        /* The database refused: do not leave the cartridge where nobody knows it is. */
        (void)rsm_dev_lib_dismount(dev, (size_t)di, src, NULL);
        (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_IDLE);
        return rc;
    }
    if ((options & MOUNT_WRITE) && dev->drives[di].drv)
        write_mam(e, c, dev->drives[di].drv, &m);
    *drive_out = drive;
    return RSM_OK;
}

/* Dismounts medium @m (in a drive) now. */
static rsm_rc dismount_now(struct rsm_engine *e, struct rsm_lc_lib *L, const struct medium *m)
{
    uint32_t dnum = 0;
    rsm_engine_lock(e);
    rsm_rc rc = elem_row(e, DRIVE_ROW, &m->location, &dnum, NULL, NULL);
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc == RSM_E_NOT_FOUND ? RSM_E_INVALID_STATE : rc;
    return unload(e, L, &m->pm, &m->home, &m->location, dnum);
}

/* Library of every medium in @ids, all the same (e->mu held). */
static rsm_rc common_library(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *ids, uint32_t n, bool mount,
                             struct rsm_guid *library)
{
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t k = 0; k < i; k++)
            if (rsm_guid_eq(&ids[i], &ids[k]))
                return RSM_E_INVALID_MEDIA;
        struct medium m;
        rsm_rc rc = resolve(e, &ids[i], &m);
        if (rc != RSM_OK)
            return rc;
        rc = rsm_sec_need(e, c, &m.side, RSM_USE_ACCESS);
        if (rc != RSM_OK)
            return rc;
        if (rsm_guid_eq(&m.library, &e->offline_lib))
            return RSM_E_MEDIA_OFFLINE;
        if (i == 0)
            *library = m.library;
        else if (!rsm_guid_eq(library, &m.library))
            return RSM_E_DRIVE_MEDIA_MISMATCH;
        if (mount && !rsm_obj_enabled(e->db, &m.pm))
            return RSM_E_RESOURCE_DISABLED;
    }
    return rsm_sec_need(e, c, library, RSM_USE_ACCESS);
}

rsm_rc rsm_lc_mount(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *media,
                    struct rsm_guid *drives, uint32_t n, uint32_t options)
{
    if (!media || !drives || n == 0 || (options & ~0x3Fu))
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    struct rsm_guid library;
    rsm_engine_lock(e);
    rsm_rc rc = common_library(e, c, media, n, true, &library);
    for (uint32_t i = 0; rc == RSM_OK && (options & MOUNT_WRITE) && i < n; i++) {
        struct medium m;
        rc = resolve(e, &media[i], &m);
        if (rc == RSM_OK && m.side_state == RSM_PART_COMPLETE)
            rc = RSM_E_WRITE_PROTECT;
    }
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_lib *L;
    rc = rsm_lc_acquire(e, &library, &L);
    if (rc != RSM_OK)
        return rc;
    struct rsm_guid used[64];
    uint32_t done = 0;
    for (uint32_t i = 0; rc == RSM_OK && i < n; i++) {
        if (i >= 64) {
            rc = RSM_E_INVALID_PARAMETER;
            break;
        }
        rc = mount_one(e, c, L, &media[i], (options & MOUNT_SPECIFIC_DRIVE) ? &drives[i] : NULL,
                       options, &used[i]);
        if (rc == RSM_OK)
            done++;
    }
    if (rc != RSM_OK) {
        /* All or nothing: what this call mounted goes back. */
        for (uint32_t i = 0; i < done; i++) {
            struct medium m;
            rsm_engine_lock(e);
            rsm_rc r = resolve(e, &media[i], &m);
            rsm_engine_unlock(e);
            if (r == RSM_OK)
                (void)dismount_now(e, L, &m); /* the first failure is the one reported */
        }
    } else if (!(options & MOUNT_SPECIFIC_DRIVE)) {
        for (uint32_t i = 0; i < n; i++)
            drives[i] = used[i];
    }
    rsm_lc_release(L);
    return rc;
}

rsm_rc rsm_lc_dismount(struct rsm_engine *e, const struct rsm_caller *c,
                       const struct rsm_guid *media, uint32_t n, uint32_t options)
{
    if (!media || n == 0 || (options & ~0x3u))
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    struct rsm_guid library;
    rsm_engine_lock(e);
    rsm_rc rc = common_library(e, c, media, n, false, &library);
    for (uint32_t i = 0; rc == RSM_OK && i < n; i++) {
        struct medium m;
        rc = resolve(e, &media[i], &m);
        if (rc == RSM_OK && (m.loc_type != RSM_OT_DRIVE || m.pm_state != RSM_MEDIASTATE_LOADED))
            rc = RSM_E_INVALID_STATE;
    }
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_lib *L;
    rc = rsm_lc_acquire(e, &library, &L);
    if (rc != RSM_OK)
        return rc;
    for (uint32_t i = 0; rc == RSM_OK && i < n; i++) {
        struct medium m;
        rsm_engine_lock(e);
        rc = resolve(e, &media[i], &m);
        rsm_engine_unlock(e);
        if (rc == RSM_OK && m.loc_type != RSM_OT_DRIVE)
            rc = RSM_E_INVALID_STATE; /* the inventory just found it elsewhere */
        if (rc != RSM_OK)
            break;
        if (options & DISMOUNT_DEFERRED) {
            rsm_engine_lock(e);
            rc = rsm_db_begin(e->db);
            if (rc == RSM_OK)
                rc = exec_guid(e->db, "UPDATE drive SET state=7 WHERE guid=?1", &m.location, NULL);
            rc = rsm_db_end(e->db, rc);
            rsm_engine_unlock(e);
        } else {
            rc = dismount_now(e, L, &m);
        }
    }
    rsm_lc_release(L);
    return rc;
}

rsm_rc rsm_lc_dismount_drive(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *drive)
{
    if (!drive)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    uint32_t t = 0, dnum = 0, dstate = 0;
    struct rsm_guid library;
    struct medium m;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_obj_type(e->db, drive, &t);
    if (rc == RSM_E_NOT_FOUND || (rc == RSM_OK && t != RSM_OT_DRIVE))
        rc = RSM_E_INVALID_DRIVE;
    if (rc == RSM_OK)
        rc = elem_row(e, DRIVE_ROW, drive, &dnum, &library, &dstate);
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, &library, RSM_MODIFY_ACCESS);
    if (rc == RSM_OK && !rsm_obj_enabled(e->db, drive))
        rc = RSM_E_DEVICE_NOT_AVAILABLE;
    if (rc == RSM_OK) {
        rc = medium_in_drive(e, drive, &m);
        if (rc == RSM_E_NOT_FOUND)
            rc = RSM_E_INVALID_STATE;
    }
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_lib *L;
    rc = rsm_lc_acquire(e, &library, &L);
    if (rc != RSM_OK)
        return rc;
    rsm_engine_lock(e);
    rc = medium_in_drive(e, drive, &m); /* the inventory may have changed it */
    rsm_engine_unlock(e);
    if (rc == RSM_E_NOT_FOUND)
        rc = RSM_E_INVALID_STATE;
    if (rc == RSM_OK)
        rc = unload(e, L, &m.pm, &m.home, drive, dnum);
    rsm_lc_release(L);
    return rc;
}
