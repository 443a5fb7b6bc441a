/* SPDX-License-Identifier: MIT
 * Library control, second half (contract in libctl.h): MountNtmsMedia, DismountNtmsMedia
 * and DismountNtmsDrive as library requests (reqq.c). Each kind has a claim (which media
 * and drives it needs, decided under the queue's lock) and a run (the device work, on the
 * request's own thread). A mount holds the robot (L->mu) only for its MOVE MEDIUM and
 * the slot checks around it; the drive then threads the tape without it, so the next
 * mount's move goes on meanwhile. The engine's mutex is taken only around database work,
 * and each state change that follows device work is one transaction.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rsm/engine/events.h"
#include "rsm/engine/ieclean.h"
#include "rsm/engine/libctl_int.h"

enum { DRV_DISMOUNTED = 0, DRV_LOADED = 2, DRV_DISMOUNTABLE = 7 };
enum { MOUNT_WRITE = 0x2, MOUNT_ERROR_IF_UNAVAILABLE = 0x4, MOUNT_ERROR_IF_OFFLINE = 0x8,
       MOUNT_SPECIFIC_DRIVE = 0x10, MOUNT_NOWAIT = 0x20 };
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

static rsm_lc_step_hook *step_hook;
static void *step_hook_arg;

void rsm_lc_set_step_hook(rsm_lc_step_hook *fn, void *arg)
{
    step_hook = fn;
    step_hook_arg = arg;
}

static void step(enum rsm_lc_step s)
{
    if (step_hook)
        step_hook(s, step_hook_arg);
}

/* Unloads drive @drive (number @dnum) holding @pm and puts the cartridge back in its home
 * slot (@home, when empty), else the first empty one; then one transaction records it.
 * The drive's LOAD UNLOAD runs without the robot; only the move takes it. Called with no
 * lock held, by the request that claimed the drive. */
static rsm_rc unload(struct rsm_engine *e, struct rsm_lc_lib *L, const struct rsm_guid *pm,
                     const struct rsm_guid *home, const struct rsm_guid *drive, uint32_t dnum)
{
    struct rsm_dev_lib *dev = L->dev;
    int i = dev->standalone ? 0 : rsm_dev_lib_drive_at(dev, rsm_dev_lib_addr(dev, 4, dnum));
    if (i < 0)
        return RSM_E_DEVICE_NOT_AVAILABLE;
    uint16_t used = 0;
    if (!dev->standalone) {
        enum rsm_dev_rc drc = rsm_dev_lib_drive_unload(dev, (size_t)i);
        if (drc == RSM_DEV_OK) {
            step(RSM_LC_STEP_DISMOUNT_UNLOADED);
            /* TapeAlert is read at every dismount, while the drive is still ours. */
            rsm_clean_after_dismount(e, L, drive, (size_t)i);
        }
        rsm_rc rc = drc == RSM_DEV_OK ? rsm_lc_lock_robot(e, L, false) : rsm_lc_map_dev(drc);
        if (rc != RSM_OK)
            return rc == RSM_E_MEDIA_NOT_AVAILABLE || rc == RSM_E_BUSY ? RSM_E_DEVICE_NOT_AVAILABLE
                                                                       : rc;
        uint16_t dst = 0;
        if (home && !rsm_guid_is_null(home)) {
            uint32_t hn = 0;
            rsm_engine_lock(e);
            rsm_rc r = elem_row(e, SLOT_ROW, home, &hn, NULL, NULL);
            rsm_engine_unlock(e);
            uint16_t a = r == RSM_OK ? rsm_dev_lib_addr(dev, 2, hn) : 0;
            const struct rsm_chg_elem *el = a ? rsm_dev_lib_elem(dev, a) : NULL;
            if (el && !el->full)
                dst = a;
        }
        drc = rsm_dev_lib_move_from_drive(dev, (size_t)i, dst, &used);
        if (drc != RSM_DEV_OK) {
            rc = rsm_lc_map_dev(drc);
            if (rc == RSM_E_LIBRARY_OFFLINE)
                rsm_lc_changer_failed(e, L);
            rsm_lc_release(L);
            return rc == RSM_E_MEDIA_NOT_AVAILABLE || rc == RSM_E_BUSY ? RSM_E_DEVICE_NOT_AVAILABLE
                                                                       : rc;
        }
        rsm_lc_release(L);
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
    if (rc == RSM_OK) /* a touch announces the update to watchers (events.h) */
        rc = rsm_obj_touch(e->db, drive);
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
        rc = rsm_obj_touch(e->db, drive);
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, &m->pm);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* True when drive @d is usable for a new mount by request @r: enabled, mapped by the
 * device layer, DISMOUNTED or DISMOUNTABLE, claimed by nobody (e->mu, L->qmu held). */
static bool drive_free(struct rsm_engine *e, struct rsm_lc_lib *L, const struct rsm_lc_req *r,
                       const struct rsm_guid *d, uint32_t number, uint32_t state)
{
    if (state != DRV_DISMOUNTED && state != DRV_DISMOUNTABLE)
        return false;
    if (rsm_lc_claimed(L, d))
        return false;
    for (uint32_t k = 0; k < r->n_claim; k++)
        if (rsm_guid_eq(&r->claim_drive[k], d))
            return false;
    if (!L->dev->standalone && rsm_dev_lib_drive_at(L->dev, rsm_dev_lib_addr(L->dev, 4, number)) < 0)
        return false;
    return rsm_obj_enabled(e->db, d);
}

/* Picks the drive for @m (e->mu, L->qmu held): @want when given (its errors are final),
 * else the lowest-numbered free drive, a DISMOUNTED one before a DISMOUNTABLE one. BUSY
 * when none is free now. */
static rsm_rc pick_drive(struct rsm_engine *e, struct rsm_lc_lib *L, const struct rsm_lc_req *r,
                         const struct medium *m, const struct rsm_guid *want, struct rsm_guid *out)
{
    uint32_t number = 0, state = 0;
    if (want) {
        uint32_t t = 0;
        struct rsm_guid lib;
        if (rsm_obj_type(e->db, want, &t) != RSM_OK || t != RSM_OT_DRIVE)
            return RSM_E_INVALID_DRIVE;
        rsm_rc rc = elem_row(e, DRIVE_ROW, want, &number, &lib, &state);
        if (rc != RSM_OK)
            return rc;
        if (!rsm_guid_eq(&lib, &m->library))
            return RSM_E_DRIVE_MEDIA_MISMATCH;
        if (!rsm_obj_enabled(e->db, want))
            return RSM_E_RESOURCE_DISABLED;
        if (!drive_free(e, L, r, want, number, state))
            return RSM_E_BUSY;
        *out = *want;
        return RSM_OK;
    }
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT guid, number, state FROM drive WHERE "
                                          "library=?1 AND state IN (0,7) ORDER BY state, number");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, &m->library);
    int src;
    bool found = false;
    struct rsm_guid g[64];
    uint32_t num[64], sta[64], n = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW && n < 64) {
        rsm_db_col_guid(st, 0, &g[n]);
        num[n] = (uint32_t)sqlite3_column_int64(st, 1);
        sta[n] = (uint32_t)sqlite3_column_int(st, 2);
        n++;
    }
    sqlite3_reset(st);
    for (uint32_t i = 0; i < n && !found; i++)
        if (drive_free(e, L, r, &g[i], num[i], sta[i])) {
            *out = g[i];
            found = true;
        }
    return found ? RSM_OK : RSM_E_BUSY;
}

/* ---- MountNtmsMedia ---------------------------------------------------------------------- */

/* Claims each medium and a drive for it (e->mu, L->qmu held): all or none. */
static rsm_rc mount_claim(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    for (uint32_t i = 0; i < r->n; i++) {
        struct medium m;
        rsm_rc rc = resolve(e, &r->media[i], &m);
        if (rc != RSM_OK)
            return rc;
        if (rsm_guid_eq(&m.library, &e->offline_lib))
            return RSM_E_MEDIA_OFFLINE; /* went away while queued */
        if (!rsm_guid_eq(&m.library, &L->guid))
            return RSM_E_DRIVE_MEDIA_MISMATCH;
        if (rsm_lc_claimed(L, &m.pm))
            return RSM_E_BUSY;
        const struct rsm_guid *want = (r->options & MOUNT_SPECIFIC_DRIVE) ? &r->drives[i] : NULL;
        struct rsm_guid drive;
        if (m.loc_type == RSM_OT_DRIVE && m.pm_state == RSM_MEDIASTATE_LOADED) {
            /* Left in a drive by a deferred dismount: served from there, or it is in use. */
            uint32_t dnum = 0, dstate = 0;
            rc = elem_row(e, DRIVE_ROW, &m.location, &dnum, NULL, &dstate);
            if (rc != RSM_OK)
                return rc;
            if (dstate != DRV_DISMOUNTABLE || rsm_lc_claimed(L, &m.location))
                return RSM_E_BUSY;
            if (want && !rsm_guid_eq(want, &m.location))
                return RSM_E_BUSY; /* the other drive must wait until it goes home */
            drive = m.location;
        } else if (m.pm_state == RSM_MEDIASTATE_IDLE && m.loc_type == RSM_OT_STORAGESLOT) {
            rc = pick_drive(e, L, r, &m, want, &drive);
            if (rc != RSM_OK)
                return rc;
        } else {
            return RSM_E_BUSY; /* mounted by someone else */
        }
        r->claim_pm[r->n_claim] = m.pm;
        r->claim_drive[r->n_claim] = drive;
        r->n_claim++;
    }
    return RSM_OK;
}

/* Mounts medium @id into @drive, which the request claimed (no lock held). */
static rsm_rc mount_one(struct rsm_engine *e, const struct rsm_caller *c, struct rsm_lc_lib *L,
                        const struct rsm_guid *id, const struct rsm_guid *drive, uint32_t options)
{
    struct rsm_dev_lib *dev = L->dev;
    struct medium m;
    uint32_t dnum = 0, dstate = 0;
    rsm_engine_lock(e);
    rsm_rc rc = resolve(e, id, &m);
    if (rc == RSM_OK)
        rc = elem_row(e, DRIVE_ROW, drive, &dnum, NULL, &dstate);
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    pthread_mutex_lock(&L->qmu);
    rsm_lc_defer_drop(L, drive); /* whatever it holds is needed now */
    pthread_mutex_unlock(&L->qmu);

    /* A deferred dismount left it in this drive: no robot move at all. */
    if (m.loc_type == RSM_OT_DRIVE && rsm_guid_eq(&m.location, drive))
        return record_mount(e, &m, drive);
    if (dstate == DRV_DISMOUNTABLE) {
        /* Reclaim a drive whose medium waits for its deferred dismount. */
        struct medium old;
        rsm_engine_lock(e);
        rc = medium_in_drive(e, drive, &old);
        rsm_engine_unlock(e);
        if (rc == RSM_OK)
            rc = unload(e, L, &old.pm, &old.home, drive, dnum);
        if (rc != RSM_OK)
            return rc;
    }
    int di = dev->standalone ? 0 : rsm_dev_lib_drive_at(dev, rsm_dev_lib_addr(dev, 4, dnum));
    if (di < 0)
        return RSM_E_DEVICE_NOT_AVAILABLE;

    /* The robot, for the move only. Two passes at most: a cartridge found missing from
     * its slot when the robot reaches for it (moved by hand since the last inventory) is
     * looked for once more. */
    uint16_t src = 0;
    /* INUSE before the robot is taken: the robot's time between moves is all robot. */
    rc = set_pm_state(e, &m.pm, RSM_MEDIASTATE_INUSE);
    if (rc == RSM_OK && !dev->standalone)
        rc = rsm_lc_lock_robot(e, L, true);
    if (rc != RSM_OK) {
        (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_IDLE); /* the failure is what we report */
        return rc;
    }
    /* A drive that asked for cleaning is cleaned before the medium goes in (robot held). */
    if (!dev->standalone)
        rsm_clean_before_mount(e, L, drive, (size_t)di);
    for (int pass = 0; !dev->standalone; pass++) {
        src = 0;
        for (int attempt = 0; attempt < 2; attempt++) {
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
            bool offline = false;
            if (rc == RSM_OK) {
                rsm_engine_lock(e);
                rc = resolve(e, id, &m);
                offline = rc == RSM_OK && rsm_guid_eq(&m.library, &e->offline_lib);
                rsm_engine_unlock(e);
            }
            if (rc == RSM_OK && offline)
                rc = RSM_E_MEDIA_OFFLINE;
            if (rc != RSM_OK) {
                rsm_lc_release(L);
                (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_IDLE);
                return rc;
            }
        }
        if (!src) {
            rsm_lc_release(L);
            (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_IDLE);
            return RSM_E_MEDIA_NOT_AVAILABLE;
        }
        enum rsm_dev_rc drc = rsm_dev_lib_move_to_drive(dev, src, (size_t)di);
        if (drc == RSM_DEV_OK)
            break; /* in the drive */
        rc = rsm_lc_map_dev(drc);
        if (rc == RSM_E_LIBRARY_OFFLINE)
            rsm_lc_changer_failed(e, L);
        (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_IDLE); /* the failure is what we report */
        if (drc == RSM_DEV_E_SRC_EMPTY || drc == RSM_DEV_E_DST_FULL)
            (void)rsm_lc_reconcile(e, L, false, NULL); /* the database follows the changer */
        if (drc == RSM_DEV_E_SRC_EMPTY && pass == 0) {
            rsm_engine_lock(e);
            rsm_rc r = resolve(e, id, &m);
            bool here = r == RSM_OK && rsm_guid_eq(&m.library, &L->guid) &&
                        m.loc_type == RSM_OT_STORAGESLOT;
            bool offline = r == RSM_OK && rsm_guid_eq(&m.library, &e->offline_lib);
            rsm_engine_unlock(e);
            if (here) {
                (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_INUSE);
                continue;
            }
            if (offline)
                rc = RSM_E_MEDIA_OFFLINE;
        }
        rsm_lc_release(L);
        return rc;
    }
    if (!dev->standalone)
        rsm_lc_release(L);
    step(RSM_LC_STEP_MOUNT_MOVED);

    /* The drive threads the tape without the robot: other mounts move meanwhile. */
    enum rsm_dev_rc drc = dev->standalone ? RSM_DEV_OK : rsm_dev_lib_drive_ready(dev, (size_t)di);
    if (drc != RSM_DEV_OK) {
        /* The robot delivered it but the drive failed: put it back, fail the mount. */
        if (rsm_lc_lock_robot(e, L, false) == RSM_OK) {
            (void)rsm_dev_lib_move_from_drive(dev, (size_t)di, src, NULL); /* the
                                                                            * inventory below
                                                                            * says where */
            (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_IDLE);
            (void)rsm_lc_reconcile(e, L, false, NULL); /* the database follows the changer */
            rsm_lc_release(L);
        } else {
            (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_IDLE);
        }
        return RSM_E_UNABLE_TO_LOAD_MEDIUM;
    }
    rc = record_mount(e, &m, drive);
    if (rc != RSM_OK) {
        /* The database refused: do not leave the cartridge where nobody knows it is. */
        if (!dev->standalone && rsm_lc_lock_robot(e, L, false) == RSM_OK) {
            (void)rsm_dev_lib_dismount(dev, (size_t)di, src, NULL);
            rsm_lc_release(L);
        }
        (void)set_pm_state(e, &m.pm, RSM_MEDIASTATE_IDLE);
        return rc;
    }
    if ((options & MOUNT_WRITE) && dev->drives[di].drv)
        write_mam(e, c, dev->drives[di].drv, &m);
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

static rsm_rc mount_run(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    rsm_rc rc = RSM_OK;
    uint32_t done = 0;
    for (uint32_t i = 0; rc == RSM_OK && i < r->n; i++) {
        rc = mount_one(e, &r->caller, L, &r->media[i], &r->claim_drive[i], r->options);
        if (rc == RSM_OK)
            done++;
    }
    if (rc != RSM_OK) {
        /* All or nothing: what this request mounted goes back. */
        for (uint32_t i = 0; i < done; i++) {
            struct medium m;
            rsm_engine_lock(e);
            rsm_rc x = resolve(e, &r->media[i], &m);
            rsm_engine_unlock(e);
            if (x == RSM_OK)
                (void)dismount_now(e, L, &m); /* the first failure is the one reported */
        }
        return rc;
    }
    for (uint32_t i = 0; i < r->n; i++)
        r->drives[i] = r->claim_drive[i];
    return RSM_OK;
}

static const struct rsm_lc_req_ops mount_ops = {17 /* NTMS_LM_MOUNT */, mount_claim, mount_run,
                                                false, 1};

/* ---- DismountNtmsMedia, DismountNtmsDrive, deferred dismounts --------------------------- */

static rsm_rc dismount_claim(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    for (uint32_t i = 0; i < r->n; i++) {
        struct medium m;
        rsm_rc rc = resolve(e, &r->media[i], &m);
        if (rc != RSM_OK)
            return rc;
        if (rsm_lc_claimed(L, &m.pm) || rsm_lc_claimed(L, &m.location))
            return RSM_E_BUSY;
        if (m.loc_type != RSM_OT_DRIVE || m.pm_state != RSM_MEDIASTATE_LOADED)
            return RSM_E_INVALID_STATE; /* an inventory found it elsewhere meanwhile */
        r->claim_pm[r->n_claim] = m.pm;
        r->claim_drive[r->n_claim] = m.location;
        r->n_claim++;
    }
    return RSM_OK;
}

static rsm_rc dismount_run(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    rsm_rc rc = RSM_OK;
    for (uint32_t i = 0; rc == RSM_OK && i < r->n; i++) {
        struct medium m;
        rsm_engine_lock(e);
        rc = resolve(e, &r->media[i], &m);
        rsm_engine_unlock(e);
        if (rc != RSM_OK)
            break;
        if (r->options & DISMOUNT_DEFERRED) {
            /* It stays in the drive, DISMOUNTABLE, until the drive's dwDeferDismountDelay
             * passes or a mount needs the drive. */
            uint32_t delay = 300;
            rsm_engine_lock(e);
            sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT defer_dismount FROM drive WHERE guid=?1");
            if (st) {
                rsm_db_bind_guid_nn(st, 1, &m.location);
                if (sqlite3_step(st) == SQLITE_ROW)
                    delay = (uint32_t)sqlite3_column_int64(st, 0);
                sqlite3_reset(st);
            }
            rc = rsm_db_begin(e->db);
            if (rc == RSM_OK)
                rc = exec_guid(e->db, "UPDATE drive SET state=7 WHERE guid=?1", &m.location, NULL);
            if (rc == RSM_OK)
                rsm_notify(e, RSM_OT_DRIVE, RSM_EV_UPDATE, &m.location);
            rc = rsm_db_end(e->db, rc);
            rsm_engine_unlock(e);
            if (rc == RSM_OK) {
                pthread_mutex_lock(&L->qmu);
                rsm_lc_defer_arm(L, &m.location, delay);
                pthread_mutex_unlock(&L->qmu);
            }
        } else {
            rc = dismount_now(e, L, &m);
        }
    }
    return rc;
}

static const struct rsm_lc_req_ops dismount_ops = {16 /* NTMS_LM_DISMOUNT */, dismount_claim,
                                                   dismount_run, false, 0};

static rsm_rc drive_claim(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    if (rsm_lc_claimed(L, &r->drive))
        return RSM_E_BUSY;
    struct medium m;
    rsm_rc rc = medium_in_drive(e, &r->drive, &m);
    if (rc == RSM_E_NOT_FOUND)
        return r->ops == &rsm_lc_defer_ops ? RSM_OK : RSM_E_INVALID_STATE;
    if (rc != RSM_OK)
        return rc;
    if (rsm_lc_claimed(L, &m.pm))
        return RSM_E_BUSY;
    r->claim_pm[0] = m.pm;
    r->claim_drive[0] = r->drive;
    r->n_claim = 1;
    return RSM_OK;
}

static rsm_rc drive_run(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    uint32_t dnum = 0, dstate = 0;
    struct medium m;
    rsm_engine_lock(e);
    rsm_rc rc = elem_row(e, DRIVE_ROW, &r->drive, &dnum, NULL, &dstate);
    if (rc == RSM_OK)
        rc = medium_in_drive(e, &r->drive, &m);
    rsm_engine_unlock(e);
    if (r->ops == &rsm_lc_defer_ops && (rc == RSM_E_NOT_FOUND || dstate != DRV_DISMOUNTABLE))
        return RSM_OK; /* mounted again, or put away meanwhile: nothing left to do */
    if (rc == RSM_E_NOT_FOUND)
        rc = RSM_E_INVALID_STATE;
    if (rc != RSM_OK)
        return rc;
    pthread_mutex_lock(&L->qmu);
    rsm_lc_defer_drop(L, &r->drive);
    pthread_mutex_unlock(&L->qmu);
    return unload(e, L, &m.pm, &m.home, &r->drive, dnum);
}

static const struct rsm_lc_req_ops drive_ops = {16 /* NTMS_LM_DISMOUNT */, drive_claim, drive_run,
                                                false, 0};
const struct rsm_lc_req_ops rsm_lc_defer_ops = {16, drive_claim, drive_run, false, 0};

/* ---- entry points --------------------------------------------------------------------------- */

/* Library of every medium in @ids, all the same (e->mu held). *@offline (may be NULL) is
 * set when one is in the offline library; without it that is MEDIA_OFFLINE. */
static rsm_rc common_library(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *ids, uint32_t n, bool mount,
                             struct rsm_guid *library, bool *offline)
{
    if (offline)
        *offline = false;
    bool have = false;
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
        if (mount && !rsm_obj_enabled(e->db, &m.pm))
            return RSM_E_RESOURCE_DISABLED;
        if (rsm_guid_eq(&m.library, &e->offline_lib)) {
            if (!offline)
                return RSM_E_MEDIA_OFFLINE;
            *offline = true;
            continue;
        }
        if (!have)
            *library = m.library;
        else if (!rsm_guid_eq(library, &m.library))
            return RSM_E_DRIVE_MEDIA_MISMATCH;
        have = true;
    }
    if (!have)
        return RSM_OK;
    return rsm_sec_need(e, c, library, RSM_USE_ACCESS);
}

static int64_t mono_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Offline media (ntms-api.md §6.3): an operator request (MOVEMEDIA) per cartridge, then a
 * wait until every one is in a library, up to @timeout_ms. e->mu held. The requests that
 * were raised for this call end with it. */
static rsm_rc wait_online(struct rsm_engine *e, const struct rsm_caller *c,
                          const struct rsm_guid *ids, uint32_t n, uint32_t timeout_ms,
                          struct rsm_guid *library)
{
    struct rsm_guid opreq[RSM_LC_MAX];
    bool raised[RSM_LC_MAX] = {false};
    int64_t deadline = timeout_ms == UINT32_MAX ? INT64_MAX : mono_now_ms() + timeout_ms;
    rsm_rc rc;
    for (;;) {
        bool offline = false;
        rc = common_library(e, c, ids, n, true, library, &offline);
        if (rc != RSM_OK || !offline)
            break;
        for (uint32_t i = 0; i < n; i++) {
            struct medium m;
            if (raised[i] || resolve(e, &ids[i], &m) != RSM_OK ||
                !rsm_guid_eq(&m.library, &e->offline_lib))
                continue;
            char msg[RSM_MESSAGE_CAP];
            snprintf(msg, sizeof msg, "Insert cartridge %s into a library: a mount waits for it.",
                     m.barcode[0] ? m.barcode : "(no barcode)");
            if (rsm_opreq_raise(e, c, RSM_OPREQ_MOVEMEDIA, msg, &m.pm, NULL, &opreq[i]) == RSM_OK)
                raised[i] = true;
        }
        bool refused = false;
        for (uint32_t i = 0; i < n; i++)
            if (raised[i] && rsm_opreq_state(e, &opreq[i]) == RSM_OPSTATE_REFUSED)
                refused = true;
        if (refused) {
            rc = RSM_E_CANCELLED; /* ERROR_REQUEST_REFUSED has no engine code yet */
            break;
        }
        if (c->cancel && *c->cancel) {
            rc = RSM_E_CANCELLED;
            break;
        }
        int64_t now = mono_now_ms();
        if (now >= deadline) {
            rc = RSM_E_TIMEOUT;
            break;
        }
        /* Woken when an inventory brings media in (rsm_engine_signal); polled every
         * 100 ms for other processes. */
        int64_t until = deadline - now > 100 ? now + 100 : deadline;
        struct timespec ts = {.tv_sec = until / 1000, .tv_nsec = (long)(until % 1000) * 1000000};
        pthread_cond_timedwait(&e->changed, &e->mu, &ts);
    }
    for (uint32_t i = 0; i < n; i++)
        if (raised[i] && rsm_opreq_state(e, &opreq[i]) != RSM_OPSTATE_REFUSED)
            (void)rsm_opreq_end(e, &opreq[i],
                                rc == RSM_OK ? RSM_OPSTATE_COMPLETE : RSM_OPSTATE_REFUSED);
    return rc;
}

rsm_rc rsm_lc_mount_ex(struct rsm_engine *e, const struct rsm_caller *c,
                       const struct rsm_guid *media, struct rsm_guid *drives, uint32_t n,
                       uint32_t options, int priority, uint32_t timeout_ms,
                       struct rsm_guid *request)
{
    if (!media || !drives || n == 0 || n > RSM_LC_MAX || (options & ~0x3Fu) || priority < -15 ||
        priority > 15)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    struct rsm_guid library;
    bool offline = false;
    rsm_engine_lock(e);
    rsm_rc rc = common_library(e, c, media, n, true, &library, &offline);
    if (rc == RSM_OK && offline) {
        /* An operator must bring it; only a caller that may wait lets us ask. */
        if (options & (MOUNT_ERROR_IF_UNAVAILABLE | MOUNT_ERROR_IF_OFFLINE | MOUNT_NOWAIT))
            rc = RSM_E_MEDIA_OFFLINE;
        else
            rc = wait_online(e, c, media, n, timeout_ms, &library);
    }
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
    rc = rsm_lc_lib_get(e, &library, &L);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_req *r = rsm_lc_req_new(&mount_ops, c);
    if (!r)
        return RSM_E_NOMEM;
    r->priority = priority;
    r->options = options;
    r->n = n;
    memcpy(r->media, media, n * sizeof *media);
    if (options & MOUNT_SPECIFIC_DRIVE)
        memcpy(r->drives, drives, n * sizeof *drives);
    struct rsm_guid id = r->id;
    rc = rsm_lc_req_submit(e, L, r);
    if (rc != RSM_OK)
        return rc;
    if (request)
        *request = id;
    if (options & MOUNT_NOWAIT) {
        rsm_lc_req_detach(L, r);
        return RSM_OK; /* queued: the request's state tells the rest */
    }
    struct rsm_lc_req done;
    rc = rsm_lc_req_wait(e, L, r, (options & MOUNT_ERROR_IF_UNAVAILABLE) ? 0 : timeout_ms, &done);
    if (rc == RSM_OK && !(options & MOUNT_SPECIFIC_DRIVE))
        memcpy(drives, done.drives, n * sizeof *drives);
    return rc;
}

rsm_rc rsm_lc_mount(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *media,
                    struct rsm_guid *drives, uint32_t n, uint32_t options)
{
    return rsm_lc_mount_ex(e, c, media, drives, n, options, 0, 0, NULL);
}

rsm_rc rsm_lc_dismount(struct rsm_engine *e, const struct rsm_caller *c,
                       const struct rsm_guid *media, uint32_t n, uint32_t options)
{
    if (!media || n == 0 || n > RSM_LC_MAX || (options & ~0x3u))
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    struct rsm_guid library;
    rsm_engine_lock(e);
    rsm_rc rc = common_library(e, c, media, n, false, &library, NULL);
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
    rc = rsm_lc_lib_get(e, &library, &L);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_req *r = rsm_lc_req_new(&dismount_ops, c);
    if (!r)
        return RSM_E_NOMEM;
    r->options = options;
    r->n = n;
    memcpy(r->media, media, n * sizeof *media);
    rc = rsm_lc_req_submit(e, L, r);
    /* Dismounts come first in the queue; the caller waits for its cartridges to be home
     * (or DISMOUNTABLE), so a state read after the call is the final one. */
    return rc == RSM_OK ? rsm_lc_req_wait(e, L, r, UINT32_MAX, NULL) : rc;
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
    rc = rsm_lc_lib_get(e, &library, &L);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_req *r = rsm_lc_req_new(&drive_ops, c);
    if (!r)
        return RSM_E_NOMEM;
    r->drive = *drive;
    rc = rsm_lc_req_submit(e, L, r);
    return rc == RSM_OK ? rsm_lc_req_wait(e, L, r, UINT32_MAX, NULL) : rc;
}

rsm_rc rsm_lc_drive_disabled(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *drive)
{
    if (!drive || !rsm_lc_dev_present())
        return RSM_OK;
    uint32_t dnum = 0, dstate = 0;
    struct rsm_guid library;
    struct medium m;
    rsm_engine_lock(e);
    rsm_rc rc = elem_row(e, DRIVE_ROW, drive, &dnum, &library, &dstate);
    if (rc == RSM_OK)
        rc = medium_in_drive(e, drive, &m);
    rsm_engine_unlock(e);
    if (rc == RSM_E_NOT_FOUND)
        return RSM_OK; /* empty: nothing to give back */
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_lib *L;
    if (rsm_lc_lib_get(e, &library, &L) != RSM_OK)
        return RSM_OK; /* no device to move it with: the next inventory records it */
    /* The same request as DismountNtmsDrive, which refuses a disabled drive. */
    struct rsm_lc_req *r = rsm_lc_req_new(&drive_ops, c);
    if (!r)
        return RSM_E_NOMEM;
    r->drive = *drive;
    rc = rsm_lc_req_submit(e, L, r);
    return rc == RSM_OK ? rsm_lc_req_wait(e, L, r, UINT32_MAX, NULL) : rc;
}
