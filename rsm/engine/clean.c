/* SPDX-License-Identifier: MIT
 * Cleaning: the reserved cleaner slot, cleaner inject/eject, CleanNtmsDrive, and the
 * TapeAlert reading that decides when a drive needs it (contract in ieclean.h).
 *
 * TapeAlert (SSC-4 Annex, LOG SENSE page 2Eh): flag 20 "clean now" and 21 "clean
 * periodic" (with sense 00/17 on commands) make a drive ask; flag 22 "expired cleaning
 * media" after loading the cleaner means the cleaner is spent whatever RSM counted.
 */
#include <stdio.h>
#include <string.h>

#include "rsm/engine/devreg.h"
#include "rsm/engine/ie_int.h"
#include "scsi/log.h"

#define ATTR_PENDING    "OpenRSM.CleanPending"   /* on a drive: it asked, not yet cleaned */
#define ATTR_EXPIRED    "OpenRSM.CleanerExpired" /* on a library: its cleaner is expired  */
#define ATTR_COUNT      "OpenRSM.Cleanings"      /* on a library: cleanings by its cleaner */
#define CLEAN_POLL_MS   10000u /* between TEST UNIT READYs while the drive cleans      */
#define CLEAN_MAX_POLLS 60     /* ten minutes: a cycle longer than that has failed     */
#define USES_UNCOUNTED  0xFFFFFFFFu

static rsm_rc attr_set(struct rsm_engine *e, const struct rsm_guid *obj, const char *name,
                       uint32_t value, bool present)
{
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    sqlite3_stmt *st = rc != RSM_OK ? NULL
                       : present    ? rsm_db_stmt(e->db, "INSERT OR REPLACE INTO attr(obj,name,"
                                                            "value) VALUES(?1,?2,?3)")
                                    : rsm_db_stmt(e->db, "DELETE FROM attr WHERE obj=?1 AND "
                                                            "name=?2");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        uint8_t v[4] = {(uint8_t)(value >> 24), (uint8_t)(value >> 16), (uint8_t)(value >> 8),
                        (uint8_t)value};
        rsm_db_bind_guid_nn(st, 1, obj);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        if (present)
            sqlite3_bind_blob(st, 3, v, 4, SQLITE_TRANSIENT);
        rc = rsm_db_step_done(st);
    }
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* The attribute's value; false if absent. */
static bool attr_get(struct rsm_engine *e, const struct rsm_guid *obj, const char *name,
                     uint32_t *value)
{
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT value FROM attr WHERE obj=?1 AND name=?2");
    bool found = false;
    if (st) {
        rsm_db_bind_guid_nn(st, 1, obj);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 4) {
            const uint8_t *v = sqlite3_column_blob(st, 0);
            if (value)
                *value = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
            found = true;
        }
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    return found;
}

bool rsm_clean_pending(struct rsm_engine *e, const struct rsm_guid *drive)
{
    return attr_get(e, drive, ATTR_PENDING, NULL);
}

uint32_t rsm_clean_count(struct rsm_engine *e, const struct rsm_guid *library)
{
    uint32_t n = 0;
    return attr_get(e, library, ATTR_COUNT, &n) ? n : 0;
}

/* ---- the cleaner slot ------------------------------------------------------------------- */

static rsm_rc slot_of_library(struct rsm_engine *e, const struct rsm_guid *library,
                              const struct rsm_guid *slot, int64_t *state)
{
    struct rsm_guid lib;
    if (iec_q_guid(e, "SELECT library FROM slot WHERE guid=?1", slot, NULL, 0, &lib) != RSM_OK ||
        !rsm_guid_eq(&lib, library))
        return RSM_E_NOT_FOUND;
    return iec_q_int(e, "SELECT state FROM slot WHERE guid=?1", slot, NULL, 0, state);
}

static bool slot_reserved(struct rsm_engine *e, const struct rsm_guid *library,
                          struct rsm_guid *slot)
{
    return iec_q_guid(e,
                      "SELECT cleaner_slot FROM library WHERE guid=?1 AND cleaner_slot IS "
                      "NOT NULL",
                      library, NULL, 0, slot) == RSM_OK;
}

rsm_rc rsm_clean_reserve_slot(struct rsm_engine *e, const struct rsm_caller *c,
                              const struct rsm_guid *library, const struct rsm_guid *slot)
{
    if (!library || !slot)
        return RSM_E_INVALID_PARAMETER;
    rsm_rc rc = iec_check_library(e, c, library, RSM_CONTROL_ACCESS);
    if (rc != RSM_OK)
        return rc;
    struct rsm_guid cur;
    if (slot_reserved(e, library, &cur))
        return RSM_E_CLEANER_SLOT_SET;
    int64_t state = 0;
    rc = slot_of_library(e, library, slot, &state);
    if (rc != RSM_OK)
        return rc;
    if (state == RSM_SLOT_FULL)
        return RSM_E_RESOURCE_NOT_AVAILABLE;
    rc = iec_exec(e, "UPDATE library SET cleaner_slot=?2 WHERE guid=?1", library, slot, 0);
    if (rc == RSM_OK)
        rsm_notify(e, RSM_OT_LIBRARY, RSM_EV_UPDATE, library);
    return rc;
}

rsm_rc rsm_clean_release_slot(struct rsm_engine *e, const struct rsm_caller *c,
                              const struct rsm_guid *library)
{
    if (!library)
        return RSM_E_INVALID_PARAMETER;
    rsm_rc rc = iec_check_library(e, c, library, RSM_CONTROL_ACCESS);
    if (rc != RSM_OK)
        return rc;
    struct rsm_guid slot;
    if (!slot_reserved(e, library, &slot))
        return RSM_E_CLEANER_SLOT_NOT_SET;
    int64_t state = 0;
    if (iec_q_int(e, "SELECT state FROM slot WHERE guid=?1", &slot, NULL, 0, &state) == RSM_OK &&
        state == RSM_SLOT_FULL)
        return RSM_E_RESOURCE_NOT_AVAILABLE; /* eject the cleaner first */
    rc = iec_exec(e, "UPDATE library SET cleaner_slot=NULL WHERE guid=?1", library, NULL, 0);
    if (rc == RSM_OK)
        rsm_notify(e, RSM_OT_LIBRARY, RSM_EV_UPDATE, library);
    return rc;
}

/* ---- cleaner inject and eject -------------------------------------------------------------- */

rsm_rc iec_cleaner_take_in(struct rsm_engine *e, struct rsm_lc_lib *L, uint32_t uses)
{
    uint16_t dst = iec_cleaner_addr(e, L);
    if (!dst)
        return RSM_E_CLEANER_SLOT_NOT_SET;
    const struct rsm_chg_elem *d = rsm_dev_lib_elem(L->dev, dst);
    if (d && d->full)
        return RSM_E_RESOURCE_NOT_AVAILABLE;
    uint16_t src = 0;
    for (size_t i = 0; i < L->dev->elems.n && !src; i++) {
        const struct rsm_chg_elem *el = &L->dev->elems.elems[i];
        if (el->type == 3 && el->full && el->medium == 2 /* cleaning */)
            src = el->addr;
    }
    if (!src)
        return RSM_E_INVALID_MEDIA; /* no cleaning cartridge was put in */
    enum rsm_dev_rc drc = iec_move(L, src, dst);
    if (drc != RSM_DEV_OK)
        return rsm_lc_map_dev(drc);
    uint32_t flags = NTMS_LIBRARYFLAG_CLEANERPRESENT |
                     (uses == USES_UNCOUNTED ? NTMS_LIBRARYFLAG_IGNORECLEANERUSESREMAINING : 0);
    rsm_rc rc = iec_exec(e,
                         "UPDATE library SET cleaner_uses=?3, drive_cleaning=1, flags=flags & ~10 "
                         "WHERE guid=?1",
                         &L->guid, NULL, (int64_t)uses);
    if (rc == RSM_OK)
        rc =
            iec_exec(e, "UPDATE library SET flags=flags | ?3 WHERE guid=?1", &L->guid, NULL, flags);
    if (rc == RSM_OK)
        rc = attr_set(e, &L->guid, ATTR_EXPIRED, 0, false);
    if (rc == RSM_OK)
        rc = attr_set(e, &L->guid, ATTR_COUNT, 0, true);
    if (rc == RSM_OK)
        rsm_notify(e, RSM_OT_LIBRARY, RSM_EV_UPDATE, &L->guid);
    return rc;
}

rsm_rc rsm_clean_inject(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *library, struct rsm_guid *op, uint32_t uses_left,
                        uint32_t action)
{
    if (action != NTMS_INJECT_START && action != NTMS_INJECT_STOP)
        return RSM_E_INVALID_PARAMETER;
    return iec_inject(e, c, library, op, action, true, uses_left);
}

/* Forgets the cleaner of @L (ejected or spent and taken out). */
static void cleaner_forget(struct rsm_engine *e, struct rsm_lc_lib *L, const struct rsm_guid *slot)
{
    struct rsm_guid pm;
    if (iec_q_guid(e, "SELECT guid FROM pmedia WHERE location=?1", slot, NULL, 0, &pm) == RSM_OK) {
        if (rsm_dev_media_gone(e, &pm) == RSM_OK)
            (void)rsm_media_delete(e, iec_root(), &pm);
        rsm_notify(e, RSM_OT_PHYSICAL_MEDIA, RSM_EV_DELETE, &pm);
    }
    (void)iec_exec(e, "UPDATE library SET cleaner_uses=0, flags=flags & ~10 WHERE guid=?1",
                   &L->guid, NULL, 0);
    (void)iec_exec(e, "UPDATE slot SET state=2 WHERE guid=?1", slot, NULL, 0);
    (void)attr_set(e, &L->guid, ATTR_EXPIRED, 0, false);
}

rsm_rc rsm_clean_eject(struct rsm_engine *e, const struct rsm_caller *c,
                       const struct rsm_guid *library, struct rsm_guid *op, uint32_t action)
{
    if (!library || !op || action > NTMS_EJECT_STOP)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    rsm_rc rc = iec_check_library(e, c, library, RSM_CONTROL_ACCESS);
    if (rc != RSM_OK)
        return rc;
    struct rsm_guid slot;
    if (!slot_reserved(e, library, &slot))
        return RSM_E_CLEANER_SLOT_NOT_SET;
    if (action == NTMS_EJECT_STOP) {
        int64_t n = 0;
        /* The cleaner was presented at START; STOP only ends a request of ours. */
        if (iec_q_int(e, "SELECT count(*) FROM libreq WHERE guid=?1 AND op=11", op, NULL, 0, &n) !=
                RSM_OK ||
            n == 0)
            return RSM_E_INVALID_OPERATION;
        return iec_req_put(e, op, library, NTMS_LM_EJECTCLEANER, NTMS_LM_PASSED, NULL, NULL, NULL,
                           0);
    }
    struct rsm_lc_lib *L;
    rc = iec_acquire(e, library, &L);
    if (rc != RSM_OK)
        return rc;
    uint16_t src = iec_cleaner_addr(e, L);
    const struct rsm_chg_elem *el = src ? rsm_dev_lib_elem(L->dev, src) : NULL;
    uint16_t dst = 0;
    for (size_t i = 0; i < L->dev->elems.n && !dst; i++)
        if (L->dev->elems.elems[i].type == 3 && !L->dev->elems.elems[i].full)
            dst = L->dev->elems.elems[i].addr;
    if (L->dev->layout.ie.count == 0)
        rc = RSM_E_RESOURCE_NOT_PRESENT;
    else if (!el || !el->full)
        rc = RSM_E_RESOURCE_NOT_AVAILABLE;
    else if (!dst)
        rc = RSM_E_BUSY;
    struct rsm_guid req;
    rsm_guid_new(&req);
    if (rc == RSM_OK) {
        (void)iec_port_cmd(L, false); /* the robot needs the mail-slot door shut */
        enum rsm_dev_rc drc = iec_move(L, src, dst);
        if (drc != RSM_DEV_OK) {
            rc = rsm_lc_map_dev(drc);
            if (rc == RSM_E_LIBRARY_OFFLINE)
                rsm_lc_changer_failed(e, L);
        }
    }
    if (rc == RSM_OK) {
        cleaner_forget(e, L, &slot);
        (void)rsm_chg_prevent(L->dev->chg, false);
        (void)iec_port_cmd(L, true); /* best effort: the operator may open it by hand */
        iec_sync_ports(e, L);
        rc = iec_req_put(e, &req, library, NTMS_LM_EJECTCLEANER, NTMS_LM_INPROCESS, NULL, NULL,
                         &slot, 0);
        if (rc == RSM_OK)
            *op = req;
    }
    rsm_lc_release(L);
    return rc;
}

/* ---- cleaning a drive ------------------------------------------------------------------------ */

static rsm_rc drive_of(struct rsm_engine *e, struct rsm_lc_lib *L, size_t di, struct rsm_guid *out)
{
    uint32_t n =
        L->dev->standalone ? 1 : rsm_dev_lib_number(L->dev, L->dev->drives[di].elem_addr, NULL);
    return iec_element(e, "drive", &L->guid, n, out);
}

/* Records what the drive's TapeAlert and sense say. True if it asks for cleaning. */
static bool read_need(struct rsm_engine *e, struct rsm_lc_lib *L, size_t di,
                      const struct rsm_guid *drive)
{
    struct rsm_drv *drv = L->dev->drives[di].drv;
    if (!drv)
        return false;
    uint64_t mask = 0;
    bool need = rsm_drv_cleaning_requested(drv);
    if (rsm_drv_tapealert(drv, &mask) == RSM_DEV_OK)
        need |= (mask & (T10_TA_FLAG(T10_TA_CLEAN_NOW) | T10_TA_FLAG(T10_TA_CLEAN_PERIODIC))) != 0;
    if (need && !rsm_clean_pending(e, drive)) {
        (void)attr_set(e, drive, ATTR_PENDING, 1, true);
        rsm_notify(e, RSM_OT_DRIVE, RSM_EV_UPDATE, drive);
    }
    return need;
}

/* Usable cleaner of @L: its element address, or 0 (none, spent, expired, slot empty). */
static uint16_t usable_cleaner(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    int64_t flags = 0, uses = 0;
    if (iec_q_int(e, "SELECT flags FROM library WHERE guid=?1", &L->guid, NULL, 0, &flags) !=
            RSM_OK ||
        iec_q_int(e, "SELECT cleaner_uses FROM library WHERE guid=?1", &L->guid, NULL, 0, &uses) !=
            RSM_OK)
        return 0;
    if (!(flags & NTMS_LIBRARYFLAG_CLEANERPRESENT) || uses == 0 ||
        attr_get(e, &L->guid, ATTR_EXPIRED, NULL))
        return 0;
    uint16_t a = iec_cleaner_addr(e, L);
    const struct rsm_chg_elem *el = a ? rsm_dev_lib_elem(L->dev, a) : NULL;
    return el && el->full ? a : 0;
}

static void ask_for_cleaner(struct rsm_engine *e, const struct rsm_guid *drive,
                            const struct rsm_guid *lib, const char *why)
{
    struct rsm_guid req;
    (void)rsm_opreq_raise(e, NULL, RSM_OPREQ_CLEANER, why, drive, lib, &req);
}

/* The drive is clean: CLEANER requests raised for it are done. */
static void end_cleaner_requests(struct rsm_engine *e, const struct rsm_guid *drive)
{
    struct rsm_guid req;
    while (iec_q_guid(e,
                      "SELECT guid FROM opreq WHERE request=2 AND arg1=?1 AND state IN "
                      "(1,2,3) LIMIT 1",
                      drive, NULL, 0, &req) == RSM_OK)
        if (rsm_opreq_end(e, &req, RSM_OPSTATE_COMPLETE) != RSM_OK)
            break;
}

/* Cleans drive @di of @L (robot held). */
static rsm_rc clean_now(struct rsm_engine *e, struct rsm_lc_lib *L, size_t di,
                        const struct rsm_guid *drive)
{
    struct rsm_dev_lib *dev = L->dev;
    struct rsm_guid req;
    rsm_guid_new(&req);
    if (dev->standalone) {
        /* No robot: RSM records the cleaning the operator does (ntms-api.md §2.2). */
        rsm_rc rc = iec_exec(e, "UPDATE drive SET last_cleaned=?3 WHERE guid=?1", drive, NULL,
                             rsm_db_now_ms());
        if (rc == RSM_OK)
            rc = attr_set(e, drive, ATTR_PENDING, 0, false);
        (void)iec_req_put(e, &req, &L->guid, NTMS_LM_CLEANDRIVE, NTMS_LM_PASSED, NULL, drive, NULL,
                          0);
        return rc;
    }
    uint16_t cln = usable_cleaner(e, L);
    if (!cln) {
        ask_for_cleaner(e, drive, &L->guid, "Insert a cleaning cartridge: a drive needs cleaning");
        (void)iec_req_put(e, &req, &L->guid, NTMS_LM_CLEANDRIVE, NTMS_LM_FAILED, NULL, drive, NULL,
                          (uint32_t)RSM_E_CLEANER_SPENT);
        return RSM_E_CLEANER_SPENT;
    }
    uint16_t dt = dev->drives[di].elem_addr;
    const struct rsm_chg_elem *de = rsm_dev_lib_elem(dev, dt);
    if (!de || de->full)
        return RSM_E_BUSY;
    (void)iec_req_put(e, &req, &L->guid, NTMS_LM_CLEANDRIVE, NTMS_LM_INPROCESS, NULL, drive, NULL,
                      0);
    (void)iec_exec(e, "UPDATE drive SET state=6 WHERE guid=?1", drive, NULL, 0);
    enum rsm_dev_rc drc = iec_move(L, cln, dt);
    rsm_rc rc = RSM_OK;
    bool expired = false;
    if (drc != RSM_DEV_OK) {
        rc = rsm_lc_map_dev(drc);
        if (rc == RSM_E_LIBRARY_OFFLINE)
            rsm_lc_changer_failed(e, L);
    } else {
        /* The drive runs its cycle and ejects the cleaner (3A/00 then). */
        struct rsm_drv *drv = dev->drives[di].drv;
        int polls = 0;
        for (; polls < CLEAN_MAX_POLLS; polls++) {
            enum rsm_dev_rc t = rsm_drv_test_ready(drv);
            if (t == RSM_DEV_E_NO_MEDIUM)
                break;
            rsm_iec_sleep_ms(CLEAN_POLL_MS);
        }
        uint64_t mask = 0;
        if (rsm_drv_tapealert(drv, &mask) == RSM_DEV_OK)
            expired = (mask & T10_TA_FLAG(T10_TA_EXPIRED_CLEANING)) != 0;
        if (polls == CLEAN_MAX_POLLS)
            rc = RSM_E_TIMEOUT;
        drc = iec_move(L, dt, cln);
        if (drc != RSM_DEV_OK) {
            /* Unload first (a drive that holds the cartridge), then try once more. */
            (void)rsm_drv_unload(drv);
            drc = iec_move(L, dt, cln);
        }
        if (drc != RSM_DEV_OK && rc == RSM_OK) {
            rc = rsm_lc_map_dev(drc);
            if (rc == RSM_E_LIBRARY_OFFLINE)
                rsm_lc_changer_failed(e, L);
        }
        (void)rsm_drv_events(drv); /* the 28/00 and 3A/00 of the cycle are not news */
    }
    (void)iec_exec(e, "UPDATE drive SET state=0 WHERE guid=?1", drive, NULL, 0);
    if (rc == RSM_OK && expired) {
        /* Never used again: the operator must replace it (EjectNtmsCleaner). */
        (void)iec_exec(e, "UPDATE library SET cleaner_uses=0 WHERE guid=?1", &L->guid, NULL, 0);
        (void)attr_set(e, &L->guid, ATTR_EXPIRED, 1, true);
        ask_for_cleaner(e, drive, &L->guid, "The cleaning cartridge is expired: replace it");
        rc = RSM_E_CLEANER_SPENT;
    } else if (rc == RSM_OK) {
        int64_t uses = 0;
        (void)iec_q_int(e, "SELECT cleaner_uses FROM library WHERE guid=?1", &L->guid, NULL, 0,
                        &uses);
        if ((uint32_t)uses != USES_UNCOUNTED && uses > 0)
            (void)iec_exec(e, "UPDATE library SET cleaner_uses=cleaner_uses-1 WHERE guid=?1",
                           &L->guid, NULL, 0);
        (void)attr_set(e, &L->guid, ATTR_COUNT, rsm_clean_count(e, &L->guid) + 1, true);
        (void)iec_exec(e, "UPDATE drive SET last_cleaned=?3 WHERE guid=?1", drive, NULL,
                       rsm_db_now_ms());
        (void)attr_set(e, drive, ATTR_PENDING, 0, false);
        rsm_drv_clear_cleaning(dev->drives[di].drv);
        end_cleaner_requests(e, drive);
        if ((uint32_t)uses != USES_UNCOUNTED && uses == 1)
            ask_for_cleaner(e, drive, &L->guid, "The cleaning cartridge is spent: replace it");
    }
    rsm_notify(e, RSM_OT_DRIVE, RSM_EV_UPDATE, drive);
    rsm_notify(e, RSM_OT_LIBRARY, RSM_EV_UPDATE, &L->guid);
    (void)iec_req_put(e, &req, &L->guid, NTMS_LM_CLEANDRIVE,
                      rc == RSM_OK ? NTMS_LM_PASSED : NTMS_LM_FAILED, NULL, drive, NULL,
                      rc == RSM_OK ? 0 : (uint32_t)rc);
    return rc;
}

rsm_rc rsm_clean_drive(struct rsm_engine *e, const struct rsm_caller *c,
                       const struct rsm_guid *drive)
{
    if (!drive)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    struct rsm_guid library;
    int64_t num = 0;
    if (iec_q_guid(e, "SELECT library FROM drive WHERE guid=?1", drive, NULL, 0, &library) !=
            RSM_OK ||
        iec_q_int(e, "SELECT number FROM drive WHERE guid=?1", drive, NULL, 0, &num) != RSM_OK)
        return RSM_E_INVALID_DRIVE;
    rsm_rc rc = iec_check_library(e, c, &library, RSM_CONTROL_ACCESS);
    if (rc == RSM_E_LIBRARY_OFFLINE)
        rc = RSM_E_INVALID_LIBRARY;
    if (rc != RSM_OK)
        return rc;
    rsm_engine_lock(e);
    bool enabled = rsm_obj_enabled(e->db, drive);
    rsm_engine_unlock(e);
    if (!enabled)
        return RSM_E_RESOURCE_DISABLED;
    struct rsm_lc_lib *L;
    rc = iec_acquire(e, &library, &L);
    if (rc != RSM_OK)
        return rc;
    int di = L->dev->standalone
                 ? 0
                 : rsm_dev_lib_drive_at(L->dev, rsm_dev_lib_addr(L->dev, 4, (uint32_t)num));
    rc = di < 0 ? RSM_E_DEVICE_NOT_AVAILABLE : clean_now(e, L, (size_t)di, drive);
    rsm_lc_release(L);
    return rc;
}

/* ---- hooks and the schedule ---------------------------------------------------------------- */

void rsm_clean_before_mount(struct rsm_engine *e, struct rsm_lc_lib *L,
                            const struct rsm_guid *drive, size_t di)
{
    if (!rsm_clean_pending(e, drive))
        return;
    /* A failed cleaning (no cleaner: the operator was asked) must not cost the mount. */
    (void)clean_now(e, L, di, drive);
}

void rsm_clean_after_dismount(struct rsm_engine *e, struct rsm_lc_lib *L,
                              const struct rsm_guid *drive, size_t di)
{
    if (di < L->dev->n_drives)
        (void)read_need(e, L, di, drive);
}

void rsm_clean_scan(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    for (size_t i = 0; i < L->dev->n_drives; i++) {
        struct rsm_guid d;
        /* Only empty drives: one holding a cartridge may be serving a request in another
         * thread (drive commands run without the robot), and a handle has one user at a
         * time. Its TapeAlert is read when it is dismounted. */
        const struct rsm_chg_elem *de = rsm_dev_lib_elem(L->dev, L->dev->drives[i].elem_addr);
        if (L->dev->drives[i].map != RSM_DEV_MAP_NONE && (!de || !de->full) &&
            drive_of(e, L, i, &d) == RSM_OK)
            (void)read_need(e, L, i, &d);
    }
}

void rsm_clean_pending_drives(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    for (size_t i = 0; i < L->dev->n_drives; i++) {
        struct rsm_guid d;
        if (L->dev->drives[i].map == RSM_DEV_MAP_NONE || drive_of(e, L, i, &d) != RSM_OK ||
            !rsm_clean_pending(e, &d))
            continue;
        const struct rsm_chg_elem *de = rsm_dev_lib_elem(L->dev, L->dev->drives[i].elem_addr);
        if (de && de->full)
            continue; /* busy: cleaned before its next mount */
        if (!usable_cleaner(e, L)) {
            ask_for_cleaner(e, &d, &L->guid, "Insert a cleaning cartridge: a drive needs cleaning");
            continue;
        }
        (void)clean_now(e, L, i, &d);
    }
}
