/* SPDX-License-Identifier: MIT
 * Library control, first half (contract in libctl.h): the per-engine table of open device
 * libraries, adding a library by URI, and inventory reconciled with the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsm/engine/devreg.h"
#include "rsm/engine/events.h"
#include "rsm/engine/libctl_int.h"
#include "rsm/engine/omid.h"

#define ATTR_URI        "OpenRSM.URI"
#define ATTR_DRIVE_URIS "OpenRSM.DriveURIs" /* the drive URIs, each NUL-terminated */

/* ---- the table: engine -> its libraries ---------------------------------------------- */

struct lc_engine {
    struct rsm_engine *e;
    struct rsm_lc_lib *libs;
    struct lc_engine *next;
};
static pthread_mutex_t lc_mu = PTHREAD_MUTEX_INITIALIZER;
static struct lc_engine *lc_engines;

void rsm_lc_engine_closing(struct rsm_engine *e)
{
    pthread_mutex_lock(&lc_mu);
    struct lc_engine *le = NULL;
    for (struct lc_engine **p = &lc_engines; *p; p = &(*p)->next) {
        if ((*p)->e == e) {
            le = *p;
            *p = le->next;
            break;
        }
    }
    pthread_mutex_unlock(&lc_mu);
    if (!le)
        return;
    /* Outside lc_mu: running requests may still need the table's lock to finish. */
    for (struct rsm_lc_lib *L = le->libs; L; L = L->next)
        rsm_lc_queue_close(L);
    for (struct rsm_lc_lib *L = le->libs, *nx; L; L = nx) {
        nx = L->next;
        if (L->dev && rsm_lc_dev_present())
            rsm_dev_lib_close(L->dev);
        pthread_mutex_destroy(&L->mu);
        pthread_mutex_destroy(&L->qmu);
        pthread_cond_destroy(&L->qcv);
        free(L);
    }
    free(le);
}

/* Installs @dev as library @g of @e (replacing a previous handle). lc_mu held. */
static struct rsm_lc_lib *table_put(struct rsm_engine *e, const struct rsm_guid *g,
                                    struct rsm_dev_lib *dev)
{
    struct lc_engine *le = lc_engines;
    while (le && le->e != e)
        le = le->next;
    if (!le) {
        le = calloc(1, sizeof *le);
        if (!le)
            return NULL;
        le->e = e;
        le->next = lc_engines;
        lc_engines = le;
    }
    for (struct rsm_lc_lib *L = le->libs; L; L = L->next) {
        if (rsm_guid_eq(&L->guid, g)) {
            /* Added again: requests may be using the open handle right now (drives run
             * without the robot lock), so it stays and the new one goes. */
            rsm_dev_lib_close(dev);
            return L;
        }
    }
    struct rsm_lc_lib *L = calloc(1, sizeof *L);
    if (!L)
        return NULL;
    L->e = e;
    L->guid = *g;
    L->dev = dev;
    L->needs_service = true; /* the database may still say so from an earlier run */
    pthread_mutex_init(&L->mu, NULL);
    pthread_mutex_init(&L->qmu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&L->qcv, &ca);
    pthread_condattr_destroy(&ca);
    L->next = le->libs;
    le->libs = L;
    return L;
}

static struct rsm_lc_lib *table_get(struct rsm_engine *e, const struct rsm_guid *g);

struct rsm_lc_lib *rsm_lc_lib_find(struct rsm_engine *e, const struct rsm_guid *g)
{
    pthread_mutex_lock(&lc_mu);
    struct rsm_lc_lib *L = table_get(e, g);
    pthread_mutex_unlock(&lc_mu);
    return L;
}

static struct rsm_lc_lib *table_get(struct rsm_engine *e, const struct rsm_guid *g)
{
    for (struct lc_engine *le = lc_engines; le; le = le->next)
        if (le->e == e)
            for (struct rsm_lc_lib *L = le->libs; L; L = L->next)
                if (rsm_guid_eq(&L->guid, g))
                    return L;
    return NULL;
}

/* ---- small database helpers (each takes e->mu itself) -------------------------------- */

/* Reads attribute @name of @obj into a malloc'd buffer (NUL added); NOT_FOUND if absent. */
static rsm_rc attr_read(struct rsm_engine *e, const struct rsm_guid *obj, const char *name,
                        char **out, size_t *len)
{
    rsm_engine_lock(e);
    rsm_rc rc = RSM_E_NOT_FOUND;
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT value FROM attr WHERE obj=?1 AND name=?2");
    if (!st) {
        rc = RSM_E_DB_FAILURE;
    } else {
        rsm_db_bind_guid_nn(st, 1, obj);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            int n = sqlite3_column_bytes(st, 0);
            const void *p = sqlite3_column_blob(st, 0);
            *out = malloc((size_t)n + 1);
            if (!*out) {
                rc = RSM_E_NOMEM;
            } else {
                if (n)
                    memcpy(*out, p, (size_t)n);
                (*out)[n] = 0;
                *len = (size_t)n;
                rc = RSM_OK;
            }
        } else if (src != SQLITE_DONE) {
            rc = rsm_db_map(src);
        }
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    return rc;
}

static rsm_rc attr_write(struct rsm_db *db, const struct rsm_guid *obj, const char *name,
                         const void *val, size_t len)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "INSERT OR REPLACE INTO attr(obj,name,value) "
                                       "VALUES(?1,?2,?3)");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, obj);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, val, (int)len, SQLITE_STATIC);
    return rsm_db_step_done(st);
}

/* GUIDs of the elements of @library in table @sql ("SELECT number, guid ... library=?1"),
 * indexed by number (1..@cap-1; zero GUID where none). */
static rsm_rc numbered(struct rsm_engine *e, const char *sql, const struct rsm_guid *library,
                       struct rsm_guid *out, size_t cap)
{
    memset(out, 0, cap * sizeof *out);
    sqlite3_stmt *st = rsm_db_stmt(e->db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, library);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t n = sqlite3_column_int64(st, 0);
        if (n > 0 && (size_t)n < cap)
            rsm_db_col_guid(st, 1, &out[n]);
    }
    sqlite3_reset(st);
    return src == SQLITE_DONE ? RSM_OK : rsm_db_map(src);
}

/* STORAGE_MEDIA_TYPE code and name for a media type name of rsm/dev ("LTO8", "CLEANER",
 * "UNKNOWN"). Everything LTO is "LTO Ultrium" (the generation is the density, not a
 * type); a cleaner is a Cleaner Cartridge; an unknown medium is taken as the library's
 * data type, LTO when nothing says otherwise. */
static void mtype_of_name(const char *name, uint32_t *code, const char **type_name, uint32_t *rw)
{
    if (strcmp(name, "CLEANER") == 0) {
        *code = 0x32;
        *type_name = "Cleaner Cartridge";
        *rw = 0;
    } else {
        *code = 0x56;
        *type_name = "LTO Ultrium";
        *rw = 1;
    }
}

/* ---- changer failures and device results --------------------------------------------- */

rsm_rc rsm_lc_map_dev(enum rsm_dev_rc rc)
{
    switch (rc) {
    case RSM_DEV_OK:
        return RSM_OK;
    case RSM_DEV_E_NOMEM:
        return RSM_E_NOMEM;
    case RSM_DEV_E_SRC_EMPTY:
        return RSM_E_MEDIA_NOT_AVAILABLE;
    case RSM_DEV_E_DST_FULL:
        return RSM_E_BUSY;
    case RSM_DEV_E_HARDWARE:
    case RSM_DEV_E_DOOR_OPEN:
        return RSM_E_LIBRARY_OFFLINE;
    case RSM_DEV_E_INCOMPATIBLE:
        return RSM_E_DRIVE_MEDIA_MISMATCH;
    case RSM_DEV_E_TIMEOUT:
        return RSM_E_TIMEOUT;
    default:
        return RSM_E_DEVICE_NOT_AVAILABLE;
    }
}

/* The changer object of library @lib (e->mu held); false if it has none. */
static bool changer_of(struct rsm_engine *e, const struct rsm_guid *lib, struct rsm_guid *out)
{
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT guid FROM changer WHERE library=?1 LIMIT 1");
    if (!st)
        return false;
    rsm_db_bind_guid_nn(st, 1, lib);
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        rsm_db_col_guid(st, 0, out);
    sqlite3_reset(st);
    return ok;
}

void rsm_lc_changer_failed(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    L->needs_service = true;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    sqlite3_stmt *st = rc == RSM_OK ? rsm_db_stmt(e->db, "UPDATE obj SET opstate=?2 WHERE guid IN "
                                                         "(SELECT guid FROM changer WHERE "
                                                         "library=?1)")
                                    : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, &L->guid);
        sqlite3_bind_int(st, 2, 20); /* NTMS_NEEDS_SERVICE */
        rc = rsm_db_step_done(st);
    }
    (void)rsm_db_end(e->db, rc); /* best effort: the caller reports the device failure */
    /* An operator has to clear the robot (jammed, not answering): a device-service request
     * about the changer, one while it stays unanswered; changer_ok() ends it. An open door
     * (02/04/03, manual intervention) is the door's business: ie.c asks for it to be closed
     * once it has been open longer than the door allows. */
    const struct rsm_dev_sense *sn = L->dev && L->dev->chg ? rsm_chg_last_sense(L->dev->chg) : NULL;
    bool door = sn && sn->valid && sn->key == 0x2 && sn->asc == 0x04 && sn->ascq == 0x03;
    struct rsm_guid chg, req;
    if (!door && changer_of(e, &L->guid, &chg))
        (void)rsm_opreq_raise(e, NULL, RSM_OPREQ_DEVICESERVICE,
                              "The library's robot needs service (jammed, door open or not "
                              "responding): clear it, then retry the request",
                              &chg, &L->guid, &req);
    rsm_engine_unlock(e);
}

/* The changer answered again: clear NEEDS_SERVICE. */
static void changer_ok(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    if (!L->needs_service)
        return; /* nothing to clear: no write transaction on every robot move */
    L->needs_service = false;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    sqlite3_stmt *st = rc == RSM_OK
                           ? rsm_db_stmt(e->db, "UPDATE obj SET opstate=0 WHERE opstate=20 "
                                                "AND guid IN (SELECT guid FROM changer "
                                                "WHERE library=?1)")
                           : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, &L->guid);
        rc = rsm_db_step_done(st);
    }
    (void)rsm_db_end(e->db, rc); /* best effort: only a displayed state */
    struct rsm_guid chg;
    if (changer_of(e, &L->guid, &chg)) { /* the robot answers: its service request is done */
        sqlite3_stmt *q = rsm_db_stmt(e->db, "SELECT guid FROM opreq WHERE request=3 AND "
                                             "arg1=?1 AND state IN (1,2)");
        struct rsm_guid open[8];
        size_t n = 0;
        if (q) {
            rsm_db_bind_guid_nn(q, 1, &chg);
            while (n < 8 && sqlite3_step(q) == SQLITE_ROW)
                rsm_db_col_guid(q, 0, &open[n++]);
            sqlite3_reset(q);
        }
        for (size_t i = 0; i < n; i++)
            (void)rsm_opreq_end(e, &open[i], RSM_OPSTATE_COMPLETE);
    }
    rsm_engine_unlock(e);
}

void rsm_lc_collect(struct rsm_lc_lib *L)
{
    if (!L->dev)
        return;
    /* Only the changer's attentions say the inventory changed: a drive's 28/00 after our
     * own load is not news. rsm_dev_lib_events() then clears the rest (drives). */
    uint32_t ev = L->dev->chg ? rsm_chg_events(L->dev->chg) : 0;
    /* The drives' own events stay with their handles: a drive may be running another
     * request's commands on another thread right now (they are read by whoever owns the
     * drive, e.g. cleaning). */
    L->pending |= ev & RSM_DEV_EV_INVENTORY;
}

/* ---- device options ------------------------------------------------------------------ */

static struct rsm_dev_opts dev_opts;
static bool dev_opts_set;

void rsm_lc_set_dev_opts(const struct rsm_dev_opts *opts)
{
    dev_opts_set = opts != NULL;
    if (opts)
        dev_opts = *opts;
}

static const struct rsm_dev_opts *dev_opts_get(void)
{
    return dev_opts_set ? &dev_opts : NULL;
}

/* ---- acquiring a library ----------------------------------------------------------- */

static rsm_rc open_from_db(struct rsm_engine *e, const struct rsm_guid *library,
                           struct rsm_dev_lib **out)
{
    char *uri = NULL, *drv = NULL;
    size_t ulen = 0, dlen = 0;
    rsm_rc rc = attr_read(e, library, ATTR_URI, &uri, &ulen);
    if (rc == RSM_E_NOT_FOUND)
        return RSM_E_INVALID_LIBRARY; /* registered some other way: no device to drive */
    if (rc != RSM_OK)
        return rc;
    const char *list[64];
    size_t n = 0;
    if (attr_read(e, library, ATTR_DRIVE_URIS, &drv, &dlen) == RSM_OK)
        for (size_t off = 0; off < dlen && n < 64; off += strlen(drv + off) + 1)
            list[n++] = drv + off;
    enum rsm_dev_rc drc = rsm_dev_lib_open(uri, n ? list : NULL, n, dev_opts_get(), out);
    free(uri);
    free(drv);
    return drc == RSM_DEV_OK ? RSM_OK : RSM_E_DEVICE_NOT_AVAILABLE;
}

rsm_rc rsm_lc_acquire(struct rsm_engine *e, const struct rsm_guid *library, struct rsm_lc_lib **out)
{
    return rsm_lc_acquire_ex(e, library, true, out);
}

rsm_rc rsm_lc_lib_get(struct rsm_engine *e, const struct rsm_guid *library,
                      struct rsm_lc_lib **out)
{
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    if (!library)
        return RSM_E_INVALID_PARAMETER;
    uint32_t t = 0;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_obj_type(e->db, library, &t);
    if (rc == RSM_E_NOT_FOUND || (rc == RSM_OK && t != RSM_OT_LIBRARY))
        rc = RSM_E_INVALID_LIBRARY;
    if (rc == RSM_OK && rsm_guid_eq(library, &e->offline_lib))
        rc = RSM_E_INVALID_LIBRARY;
    if (rc == RSM_OK && !rsm_obj_enabled(e->db, library))
        rc = RSM_E_RESOURCE_DISABLED;
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;

    pthread_mutex_lock(&lc_mu);
    struct rsm_lc_lib *L = table_get(e, library);
    pthread_mutex_unlock(&lc_mu);
    if (!L) {
        /* A reopened engine: reconnect from the stored URIs, then inventory (the library
         * may have changed while nobody watched). */
        struct rsm_dev_lib *dev = NULL;
        rc = open_from_db(e, library, &dev);
        if (rc != RSM_OK)
            return rc;
        pthread_mutex_lock(&lc_mu);
        L = table_get(e, library);
        if (L) {
            rsm_dev_lib_close(dev); /* another thread connected first */
        } else {
            L = table_put(e, library, dev);
            if (L)
                L->pending = RSM_DEV_EV_INVENTORY;
            else
                rsm_dev_lib_close(dev);
        }
        pthread_mutex_unlock(&lc_mu);
        if (!L)
            return RSM_E_NOMEM;
    }
    *out = L;
    return RSM_OK;
}

rsm_rc rsm_lc_lock_robot(struct rsm_engine *e, struct rsm_lc_lib *L, bool auto_inventory)
{
    pthread_mutex_lock(&L->mu);
    if (L->dev->chg) {
        /* Collect unit attentions (door closed, mail slot used, reset) before acting. */
        enum rsm_dev_rc drc = rsm_chg_test_ready(L->dev->chg);
        if (drc == RSM_DEV_E_DOOR_OPEN || drc == RSM_DEV_E_HARDWARE) {
            rsm_lc_changer_failed(e, L);
            pthread_mutex_unlock(&L->mu);
            return RSM_E_LIBRARY_OFFLINE;
        }
        if (drc == RSM_DEV_E_TRANSPORT || drc == RSM_DEV_E_TIMEOUT) {
            pthread_mutex_unlock(&L->mu);
            return RSM_E_DEVICE_NOT_AVAILABLE;
        }
        if (drc == RSM_DEV_OK)
            changer_ok(e, L);
    }
    rsm_lc_collect(L);
    if (auto_inventory && (L->pending & RSM_DEV_EV_INVENTORY)) {
        rsm_rc rc = rsm_lc_reconcile(e, L, false, NULL);
        if (rc != RSM_OK) {
            pthread_mutex_unlock(&L->mu);
            return rc;
        }
    }
    return RSM_OK;
}

rsm_rc rsm_lc_acquire_ex(struct rsm_engine *e, const struct rsm_guid *library, bool auto_inventory,
                         struct rsm_lc_lib **out)
{
    struct rsm_lc_lib *L;
    rsm_rc rc = rsm_lc_lib_get(e, library, &L);
    if (rc == RSM_OK)
        rc = rsm_lc_lock_robot(e, L, auto_inventory);
    if (rc == RSM_OK)
        *out = L;
    return rc;
}

void rsm_lc_release(struct rsm_lc_lib *L)
{
    rsm_lc_collect(L);
    pthread_mutex_unlock(&L->mu);
}

/* ---- inventory ------------------------------------------------------------------------ */

static rsm_lc_snapshot_hook *snapshot_hook;
static void *snapshot_hook_arg;

void rsm_lc_set_snapshot_hook(rsm_lc_snapshot_hook *fn, void *arg)
{
    snapshot_hook = fn;
    snapshot_hook_arg = arg;
}

struct db_medium {
    struct rsm_guid guid, location;
    char barcode[RSM_BARCODE_CAP];
    uint32_t loc_type, state;
};

/* The media the database places in @library. *@out malloc'd. */
static rsm_rc db_media(struct rsm_engine *e, const struct rsm_guid *library, struct db_medium **out,
                       size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    sqlite3_stmt *st =
        rsm_db_stmt(e->db, "SELECT guid, barcode, ifnull(location, zeroblob(16)), loc_type, state "
                           "FROM pmedia WHERE library=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, library);
    int src;
    rsm_rc rc = RSM_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            struct db_medium *p = realloc(*out, cap * sizeof *p);
            if (!p) {
                rc = RSM_E_NOMEM;
                break;
            }
            *out = p;
        }
        struct db_medium *m = &(*out)[(*n)++];
        rsm_db_col_guid(st, 0, &m->guid);
        rsm_db_col_text(st, 1, m->barcode, sizeof m->barcode);
        rsm_db_col_guid(st, 2, &m->location);
        m->loc_type = (uint32_t)sqlite3_column_int(st, 3);
        m->state = (uint32_t)sqlite3_column_int(st, 4);
    }
    sqlite3_reset(st);
    if (rc == RSM_OK && src != SQLITE_DONE)
        rc = rsm_db_map(src);
    if (rc != RSM_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* True when the database has a medium labelled @bc, in any library (the offline one
 * included). */
static bool barcode_exists(struct rsm_engine *e, const char *bc)
{
    if (!*bc)
        return false;
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT 1 FROM pmedia WHERE barcode=?1");
    bool found = false;
    if (st) {
        sqlite3_bind_text(st, 1, bc, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    return found;
}

static const struct db_medium *db_find_barcode(const struct db_medium *m, size_t n, const char *bc)
{
    for (size_t i = 0; bc && *bc && i < n; i++)
        if (strcmp(m[i].barcode, bc) == 0)
            return &m[i];
    return NULL;
}

static const struct db_medium *db_find_location(const struct db_medium *m, size_t n,
                                                const struct rsm_guid *loc)
{
    for (size_t i = 0; !rsm_guid_is_null(loc) && i < n; i++)
        if (rsm_guid_eq(&m[i].location, loc))
            return &m[i];
    return NULL;
}

/* Puts the cartridges an operator placed in mail slots into empty storage slots (the
 * inject flow of a barcode library). Returns how many moved; the snapshot is re-read
 * when any did. */
static uint32_t import_from_mailslots(struct rsm_dev_lib *dev)
{
    uint32_t moved = 0;
    for (size_t i = 0; i < dev->elems.n; i++) {
        const struct rsm_chg_elem *ie = &dev->elems.elems[i];
        if (ie->type != 3 /* IE */ || !ie->full || !ie->impexp)
            continue;
        uint16_t dst = 0;
        for (size_t k = 0; k < dev->elems.n && !dst; k++)
            if (dev->elems.elems[k].type == 2 /* ST */ && !dev->elems.elems[k].full)
                dst = dev->elems.elems[k].addr;
        if (!dst)
            break; /* library full: the cartridge stays in the mail slot */
        uint16_t src = ie->addr;
        if (rsm_chg_move(dev->chg, src, dst) != RSM_DEV_OK)
            continue;
        moved++;
        if (rsm_dev_lib_inventory(dev, false) != RSM_DEV_OK)
            break;
        i = (size_t)-1; /* the array was re-read: start again (i++ wraps to 0) */
    }
    return moved;
}

/* The element that keeps barcode @bc when the snapshot shows it more than once: where the
 * database has it, else the lowest address. */
static uint16_t dup_keeper(const struct rsm_dev_lib *dev, const char *bc,
                           const struct rsm_guid *dbloc, const struct rsm_guid *slots,
                           size_t n_slots, const struct rsm_guid *drives, size_t n_drives)
{
    uint16_t first = 0;
    for (size_t i = 0; i < dev->elems.n; i++) {
        const struct rsm_chg_elem *el = &dev->elems.elems[i];
        if (!el->full || strcmp(el->barcode, bc) != 0 || (el->type != 2 && el->type != 4))
            continue;
        if (!first)
            first = el->addr;
        uint32_t num = rsm_dev_lib_number(dev, el->addr, NULL);
        const struct rsm_guid *g = el->type == 2 ? (num < n_slots ? &slots[num] : NULL)
                                                 : (num < n_drives ? &drives[num] : NULL);
        if (g && dbloc && rsm_guid_eq(g, dbloc))
            return el->addr;
    }
    return first;
}

static unsigned count_barcode(const struct rsm_dev_lib *dev, const char *bc)
{
    unsigned n = 0;
    for (size_t i = 0; *bc && i < dev->elems.n; i++) {
        const struct rsm_chg_elem *el = &dev->elems.elems[i];
        if (el->full && (el->type == 2 || el->type == 4) && strcmp(el->barcode, bc) == 0)
            n++;
    }
    return n;
}

/* One transaction: the medium is in drive @drive (LOADED) and the drive holds it, or
 * (drive NULL) the medium is idle in its slot and no drive claims it. */
static rsm_rc place_in_drive(struct rsm_engine *e, const struct rsm_guid *pm,
                             const struct rsm_guid *drive)
{
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    sqlite3_stmt *st = NULL;
    if (rc == RSM_OK)
        st = rsm_db_stmt(e->db, drive ? "UPDATE pmedia SET location=?2, loc_type=5, state=3 "
                                        "WHERE guid=?1"
                                      : "UPDATE pmedia SET state=0, mounted_side=NULL WHERE "
                                        "guid=?1");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pm);
        if (drive)
            rsm_db_bind_guid_nn(st, 2, drive);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK && drive) {
        st = rsm_db_stmt(e->db, "UPDATE drive SET state=2 WHERE guid=?1");
        rc = st ? (rsm_db_bind_guid_nn(st, 1, drive), rsm_db_step_done(st)) : RSM_E_DB_FAILURE;
    }
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* Drives that the snapshot shows empty are DISMOUNTED; slots take the snapshot's state. */
static rsm_rc sync_elements(struct rsm_engine *e, struct rsm_dev_lib *dev,
                            const struct rsm_guid *slots, size_t n_slots,
                            const struct rsm_guid *drives, size_t n_drives)
{
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    for (size_t i = 0; rc == RSM_OK && i < dev->elems.n; i++) {
        const struct rsm_chg_elem *el = &dev->elems.elems[i];
        uint32_t num = rsm_dev_lib_number(dev, el->addr, NULL);
        sqlite3_stmt *st = NULL;
        if (el->type == 2 && num < n_slots && !rsm_guid_is_null(&slots[num])) {
            st = rsm_db_stmt(e->db, "UPDATE slot SET state=?2 WHERE guid=?1");
            if (!st)
                rc = RSM_E_DB_FAILURE;
            else {
                rsm_db_bind_guid_nn(st, 1, &slots[num]);
                sqlite3_bind_int(st, 2, el->full ? RSM_SLOT_FULL : RSM_SLOT_EMPTY);
                rc = rsm_db_step_done(st);
            }
        } else if (el->type == 4 && !el->full && num < n_drives &&
                   !rsm_guid_is_null(&drives[num])) {
            st = rsm_db_stmt(e->db, "UPDATE drive SET state=0, saved_side=NULL WHERE guid=?1");
            if (!st)
                rc = RSM_E_DB_FAILURE;
            else {
                rsm_db_bind_guid_nn(st, 1, &drives[num]);
                rc = rsm_db_step_done(st);
            }
        }
    }
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* The medium GUID RSM wrote to a cartridge's MAM (0820h: the side's GUID as 36 characters
 * of text, see mount.c) back to a GUID. False if it is not one. */
static bool mam_guid(const uint8_t *txt, struct rsm_guid *out)
{
    size_t k = 0;
    for (size_t i = 0; i < RSM_MAM_GUID_LEN && k < 32; i++) {
        int c = txt[i], v;
        if (c == '-')
            continue;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else
            return false;
        if (k % 2 == 0)
            out->b[k / 2] = (uint8_t)(v << 4);
        else
            out->b[k / 2] |= (uint8_t)v;
        k++;
    }
    return k == 32;
}

/* OMID identification: each cartridge whose barcode the changer could not read is
 * mounted in a free drive and its MAM read; a medium GUID RSM wrote there names the
 * medium, whose barcode is then written into the snapshot so that reconciliation follows
 * it like any barcoded cartridge. When MAM names nothing, the first block is offered to
 * the media label libraries and the result kept for reconciliation (omid.c: Free, Import
 * or Unrecognized pool); cartridges with a barcode the database does not know are read
 * the same way. Every cartridge goes back to its slot before the next.
 * BUSY when no drive is free; a changer failure ends it (LIBRARY_OFFLINE). */
static rsm_rc omid_identify(struct rsm_engine *e, struct rsm_dev_lib *dev, uint32_t *n_identified)
{
    rsm_omid_forget(dev); /* what a pass that failed midway left */
    int d = -1;
    for (size_t i = 0; i < dev->n_drives && d < 0; i++) {
        const struct rsm_chg_elem *de = rsm_dev_lib_elem(dev, dev->drives[i].elem_addr);
        if (dev->drives[i].map != RSM_DEV_MAP_NONE && de && !de->full)
            d = (int)i;
    }
    if (d < 0)
        return RSM_E_BUSY;
    uint16_t last = 0; /* slots are visited in address order, each once */
    for (size_t i = 0; i < dev->elems.n; i++) {
        const struct rsm_chg_elem *el = &dev->elems.elems[i];
        /* New barcodes too: NTMS_INVENTORY_OMID reads the label of what it does not know. */
        if (el->type != 2 || !el->full || (el->barcode[0] && barcode_exists(e, el->barcode)) ||
            el->medium == 2 /* cleaning */ || el->addr <= last)
            continue;
        uint16_t addr = el->addr;
        enum rsm_dev_rc drc = rsm_dev_lib_mount(dev, addr, (size_t)d);
        const struct rsm_chg_elem *de = rsm_dev_lib_elem(dev, dev->drives[d].elem_addr);
        if (drc != RSM_DEV_OK && !(de && de->full)) {
            rsm_rc rc = rsm_lc_map_dev(drc);
            if (rc == RSM_E_LIBRARY_OFFLINE)
                return rc;
            continue; /* not moved: left for the operator */
        }
        struct rsm_drv_mam mam;
        memset(&mam, 0, sizeof mam);
        bool got = drc == RSM_DEV_OK && rsm_drv_mam_read(dev->drives[d].drv, &mam) == RSM_DEV_OK &&
                   (mam.present & RSM_MAM_MEDIUM_GUID);
        if (drc == RSM_DEV_OK && !got)
            rsm_omid_note_mounted(dev, (size_t)d, addr); /* its label decides (omid.c) */
        drc = rsm_dev_lib_dismount(dev, (size_t)d, addr, NULL);
        if (drc != RSM_DEV_OK)
            return rsm_lc_map_dev(drc) == RSM_E_LIBRARY_OFFLINE ? RSM_E_LIBRARY_OFFLINE
                                                                : RSM_E_DEVICE_NOT_AVAILABLE;
        struct rsm_guid side;
        char bc[RSM_BARCODE_CAP] = "";
        if (got && mam_guid(mam.medium_guid, &side)) {
            rsm_engine_lock(e);
            sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT p.barcode FROM side s JOIN pmedia p ON "
                                                  "p.guid=s.pmedia WHERE s.guid=?1");
            if (st) {
                rsm_db_bind_guid_nn(st, 1, &side);
                if (sqlite3_step(st) == SQLITE_ROW)
                    rsm_db_col_text(st, 0, bc, sizeof bc);
                sqlite3_reset(st);
            }
            rsm_engine_unlock(e);
        }
        /* The snapshot is ours (lib->elems belongs to the handle the engine owns). */
        struct rsm_chg_elem *back = (struct rsm_chg_elem *)rsm_dev_lib_elem(dev, addr);
        if (bc[0] && back && back->full && !back->barcode[0]) {
            rsm_utf8_copy(back->barcode, sizeof back->barcode, bc);
            (*n_identified)++;
        }
        /* Mount and dismount may have re-read the array: walk it again from the start
         * (i++ wraps to 0), skipping the slots already visited. */
        i = (size_t)-1;
        last = addr;
    }
    return RSM_OK;
}

static rsm_rc reconcile(struct rsm_engine *e, struct rsm_lc_lib *L, bool full, bool omid,
                        struct rsm_lc_inventory *out)
{
    struct rsm_lc_inventory res;
    memset(&res, 0, sizeof res);
    struct rsm_dev_lib *dev = L->dev;
    if (dev->standalone) {
        L->pending = 0;
        if (out)
            *out = res;
        return RSM_OK;
    }
    enum rsm_dev_rc drc = rsm_dev_lib_inventory(dev, full);
    if (drc != RSM_DEV_OK) {
        rsm_rc rc = rsm_lc_map_dev(drc);
        if (rc == RSM_E_LIBRARY_OFFLINE)
            rsm_lc_changer_failed(e, L);
        return rc == RSM_E_MEDIA_NOT_AVAILABLE || rc == RSM_E_BUSY ? RSM_E_DEVICE_NOT_AVAILABLE
                                                                   : rc;
    }
    changer_ok(e, L);
    res.n_imported = import_from_mailslots(dev);
    if (snapshot_hook)
        snapshot_hook(dev, snapshot_hook_arg);
    if (omid) {
        rsm_rc orc = omid_identify(e, dev, &res.n_identified);
        if (orc != RSM_OK) {
            if (orc == RSM_E_LIBRARY_OFFLINE)
                rsm_lc_changer_failed(e, L);
            return orc;
        }
    }

    size_t n_slots = (size_t)dev->layout.st.count + 1, n_drives = (size_t)dev->layout.dt.count + 1;
    struct rsm_guid *slots = calloc(n_slots, sizeof *slots);
    struct rsm_guid *drives = calloc(n_drives, sizeof *drives);
    struct db_medium *dbm = NULL;
    size_t n_dbm = 0;
    rsm_rc rc = slots && drives ? RSM_OK : RSM_E_NOMEM;
    rsm_engine_lock(e);
    if (rc == RSM_OK)
        rc =
            numbered(e, "SELECT number, guid FROM slot WHERE library=?1", &L->guid, slots, n_slots);
    if (rc == RSM_OK)
        rc = numbered(e, "SELECT number, guid FROM drive WHERE library=?1", &L->guid, drives,
                      n_drives);
    if (rc == RSM_OK)
        rc = db_media(e, &L->guid, &dbm, &n_dbm);
    rsm_engine_unlock(e);

    /* 1. What the changer shows, slot by slot and drive by drive. */
    for (size_t i = 0; rc == RSM_OK && i < dev->elems.n; i++) {
        const struct rsm_chg_elem *el = &dev->elems.elems[i];
        if (!el->full || (el->type != 2 && el->type != 4))
            continue;
        uint32_t num = rsm_dev_lib_number(dev, el->addr, NULL);
        const struct db_medium *known = db_find_barcode(dbm, n_dbm, el->barcode);
        if (el->barcode[0] && count_barcode(dev, el->barcode) > 1 &&
            dup_keeper(dev, el->barcode, known ? &known->location : NULL, slots, n_slots, drives,
                       n_drives) != el->addr) {
            res.n_dup++; /* two cartridges, one label: the operator must sort it out */
            char msg[160];
            snprintf(msg, sizeof msg,
                     "Two cartridges carry barcode %s: take one out and relabel it",
                     el->barcode);
            struct rsm_guid req;
            rsm_engine_lock(e); /* one open request per medium (or per library, if new) */
            (void)rsm_opreq_raise(e, NULL, RSM_OPREQ_MESSAGE, msg, known ? &known->guid : &L->guid,
                                  &L->guid, &req);
            rsm_engine_unlock(e);
            continue;
        }
        struct rsm_guid slot;
        memset(&slot, 0, sizeof slot);
        if (el->type == 2 && num < n_slots)
            slot = slots[num];
        const struct rsm_guid *drive = NULL;
        if (el->type == 4) {
            drive = num < n_drives && !rsm_guid_is_null(&drives[num]) ? &drives[num] : NULL;
            if (known && drive && known->loc_type == RSM_OT_DRIVE &&
                rsm_guid_eq(&known->location, drive)) {
                res.n_seen++; /* mounted, as the database says */
                continue;
            }
            /* In a drive without the database knowing: it belongs to its source slot. */
            uint32_t home = el->src_valid ? rsm_dev_lib_number(dev, el->src_addr, NULL) : 0;
            if (home && home < n_slots)
                slot = slots[home];
        }
        if (rsm_guid_is_null(&slot))
            continue; /* no slot to call its home: left for the operator */
        if (!el->barcode[0]) {
            const struct db_medium *here = db_find_location(dbm, n_dbm, &slot);
            if (here) {
                if (omid) /* registered Unrecognized before its label was read (omid.c) */
                    rc = rsm_omid_reclassify(e, &here->guid, rsm_omid_label_at(dev, el->addr));
                res.n_seen++;
                continue;
            }
        }
        char name[16];
        rsm_dev_media_type_name(el->barcode, el->medium, name, sizeof name);
        uint32_t code = 0, rw = 0;
        const char *tname = NULL;
        mtype_of_name(name, &code, &tname, &rw);
        struct rsm_guid mt, pm;
        bool existed = known || barcode_exists(e, el->barcode);
        rc = rsm_engine_register_media_type(e, code, tname, 1, rw, 0x1F, &mt);
        if (rc == RSM_OK)
            rc = rsm_dev_media_seen(e, &slot, el->barcode, &mt,
                                    omid ? rsm_omid_label_at(dev, el->addr) : NULL, &pm);
        if (rc != RSM_OK)
            break;
        res.n_seen++;
        if (!existed)
            res.n_new++;
        else if (!known || !rsm_guid_eq(&known->location, drive ? drive : &slot))
            res.n_moved++; /* elsewhere in the library, or back from outside it */
        if (drive)
            rc = place_in_drive(e, &pm, drive);
        else if (known && known->loc_type == RSM_OT_DRIVE)
            rc = place_in_drive(e, &pm, NULL); /* taken out of a drive by hand */
    }

    /* 2. What the database has that the changer does not show any more. */
    if (rc == RSM_OK) {
        free(dbm);
        dbm = NULL;
        rsm_engine_lock(e);
        rc = db_media(e, &L->guid, &dbm, &n_dbm);
        rsm_engine_unlock(e);
    }
    for (size_t i = 0; rc == RSM_OK && i < n_dbm; i++) {
        const struct db_medium *m = &dbm[i];
        if (m->barcode[0] && rsm_dev_lib_find_barcode(dev, m->barcode))
            continue;
        bool present = false;
        for (size_t k = 0; k < dev->elems.n && !present; k++) {
            const struct rsm_chg_elem *el = &dev->elems.elems[k];
            uint32_t num = rsm_dev_lib_number(dev, el->addr, NULL);
            const struct rsm_guid *g = el->type == 2 && num < n_slots    ? &slots[num]
                                       : el->type == 4 && num < n_drives ? &drives[num]
                                                                         : NULL;
            present = el->full && !el->barcode[0] && g && rsm_guid_eq(g, &m->location);
        }
        if (present)
            continue;
        rc = rsm_dev_media_gone(e, &m->guid);
        if (rc == RSM_OK) {
            res.n_gone++;
            if (m->loc_type == RSM_OT_DRIVE)
                rc = place_in_drive(e, &m->guid, NULL);
        }
    }
    if (rc == RSM_OK)
        rc = sync_elements(e, dev, slots, n_slots, drives, n_drives);
    rsm_omid_forget(dev);
    free(slots);
    free(drives);
    free(dbm);
    if (rc == RSM_OK) {
        L->pending = 0;
        if (out)
            *out = res;
        rsm_engine_wake(e); /* media may be back from offline: waiting mounts look again */
    }
    return rc;
}

rsm_rc rsm_lc_reconcile(struct rsm_engine *e, struct rsm_lc_lib *L, bool full,
                        struct rsm_lc_inventory *out)
{
    return reconcile(e, L, full, false, out);
}

/* An inventory runs alone in its library: the robot and every drive are its own. */
static rsm_rc inventory_claim(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    (void)e;
    (void)L;
    (void)r;
    return RSM_OK;
}

static rsm_rc inventory_run(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    bool full = (r->action & RSM_LC_INVENTORY_FULL) != 0;
    uint32_t a = r->action & ~RSM_LC_INVENTORY_FULL;
    rsm_rc rc = rsm_lc_lock_robot(e, L, false);
    if (rc != RSM_OK)
        return rc;
    rc = reconcile(e, L, full, a == 2, &r->inv);
    rsm_lc_release(L);
    return rc;
}

static const struct rsm_lc_req_ops inventory_ops = {8 /* NTMS_LM_INVENTORY */, inventory_claim,
                                                    inventory_run, true, 1};

rsm_rc rsm_lc_inventory(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *library, uint32_t action,
                        struct rsm_lc_inventory *out)
{
    bool full = (action & RSM_LC_INVENTORY_FULL) != 0;
    uint32_t a = action & ~RSM_LC_INVENTORY_FULL;
    if (a != 1 && a != 3 && a != 2 && !(full && a == 0))
        return RSM_E_INVALID_PARAMETER;
    if (!library)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_guid_eq(library, &e->offline_lib) ? RSM_E_INVALID_LIBRARY : RSM_OK;
    uint32_t t = 0;
    if (rc == RSM_OK && (rsm_obj_type(e->db, library, &t) != RSM_OK || t != RSM_OT_LIBRARY))
        rc = RSM_E_INVALID_LIBRARY;
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, library, RSM_CONTROL_ACCESS);
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_lib *L;
    rc = rsm_lc_lib_get(e, library, &L);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_req *r = rsm_lc_req_new(&inventory_ops, c);
    if (!r)
        return RSM_E_NOMEM;
    r->action = action;
    rc = rsm_lc_req_submit(e, L, r);
    struct rsm_lc_req done;
    if (rc == RSM_OK)
        rc = rsm_lc_req_wait(e, L, r, UINT32_MAX, &done);
    if (rc == RSM_OK && out)
        *out = done.inv;
    return rc;
}

/* ---- adding a library ------------------------------------------------------------------ */

static rsm_rc register_all(struct rsm_engine *e, struct rsm_dev_lib *dev, const char *uri,
                           const char *const *drive_uris, size_t n_drive_uris, struct rsm_guid *lib)
{
    char name[RSM_NAME_CAP];
    snprintf(name, sizeof name, "%s %s %s", dev->ident.vendor, dev->ident.product,
             dev->ident.serial);
    struct rsm_dev_library dl = {name, dev->standalone ? RSM_LIB_STANDALONE : RSM_LIB_ONLINE,
                                 dev->voltag};
    rsm_rc rc = rsm_engine_register_library(e, &dl, lib);
    struct rsm_guid g;
    if (rc == RSM_OK && !dev->standalone) {
        struct rsm_dev_unit u = {.number = 1,
                                 .vendor = dev->ident.vendor,
                                 .product = dev->ident.product,
                                 .serial = dev->ident.serial,
                                 .revision = dev->ident.revision,
                                 .devname = uri};
        rc = rsm_engine_register_changer(e, lib, &u, &g);
        for (uint32_t i = 1; rc == RSM_OK && i <= dev->layout.st.count; i++)
            rc = rsm_engine_register_slot(e, lib, i, &g);
        for (uint32_t i = 1; rc == RSM_OK && i <= dev->layout.ie.count; i++)
            rc = rsm_engine_register_ieport(e, lib, i, &g);
        if (rc == RSM_OK && dev->layout.ie.count > 0)
            rc = rsm_engine_register_iedoor(e, lib, 1, &g);
    }
    for (size_t i = 0; rc == RSM_OK && i < dev->n_drives; i++) {
        const struct rsm_dev_drive *d = &dev->drives[i];
        if (d->map == RSM_DEV_MAP_NONE)
            continue; /* no element names it: never guess */
        struct rsm_dev_unit u = {
            .number = dev->standalone ? 1 : rsm_dev_lib_number(dev, d->elem_addr, NULL),
            .vendor = d->ident.vendor,
            .product = d->ident.product,
            .serial = d->ident.serial,
            .revision = d->ident.revision,
            .devname = d->uri,
            .scsi = {.lun = (uint16_t)(d->lun < 0 ? 0 : d->lun)}};
        if (u.number == 0)
            continue;
        rc = rsm_engine_register_drive(e, lib, &u, &g);
    }
    for (size_t k = 0; rc == RSM_OK && k < dev->n_mtypes; k++) {
        if (strcmp(dev->mtypes[k].name, "CLEANER") == 0)
            continue; /* a cartridge of the data type, in its own pool (inventory) */
        uint32_t code = 0, rw = 0;
        const char *tname = NULL;
        mtype_of_name(dev->mtypes[k].name, &code, &tname, &rw);
        rc = rsm_engine_register_media_type(e, code, tname, 1, rw, 0x1F, &g);
        if (rc == RSM_OK) {
            rsm_engine_lock(e);
            rsm_rc r2 = rsm_db_begin(e->db);
            sqlite3_stmt *st = r2 == RSM_OK ? rsm_db_stmt(e->db, "INSERT OR IGNORE INTO "
                                                                 "lib_mtype(library,mtype) "
                                                                 "VALUES(?1,?2)")
                                            : NULL;
            if (r2 == RSM_OK && !st)
                r2 = RSM_E_DB_FAILURE;
            if (r2 == RSM_OK) {
                rsm_db_bind_guid_nn(st, 1, lib);
                rsm_db_bind_guid_nn(st, 2, &g);
                r2 = rsm_db_step_done(st);
            }
            if (r2 == RSM_OK)
                r2 = rsm_pool_ensure_system(e, &g);
            rc = rsm_db_end(e->db, r2);
            rsm_engine_unlock(e);
        }
    }
    if (rc == RSM_OK) {
        /* The URIs, so that a later engine reconnects (one transaction). */
        size_t len = 0;
        for (size_t i = 0; i < n_drive_uris; i++)
            len += strlen(drive_uris[i]) + 1;
        char *buf = malloc(len ? len : 1);
        if (!buf)
            return RSM_E_NOMEM;
        size_t off = 0;
        for (size_t i = 0; i < n_drive_uris; i++) {
            size_t l = strlen(drive_uris[i]) + 1;
            memcpy(buf + off, drive_uris[i], l);
            off += l;
        }
        rsm_engine_lock(e);
        rc = rsm_db_begin(e->db);
        if (rc == RSM_OK)
            rc = attr_write(e->db, lib, ATTR_URI, uri, strlen(uri));
        if (rc == RSM_OK && len)
            rc = attr_write(e->db, lib, ATTR_DRIVE_URIS, buf, len);
        rc = rsm_db_end(e->db, rc);
        rsm_engine_unlock(e);
        free(buf);
    }
    return rc;
}

rsm_rc rsm_lc_add(struct rsm_engine *e, const struct rsm_caller *c, const char *uri,
                  const char *const *drive_uris, size_t n_drive_uris, struct rsm_guid *out)
{
    if (!uri || !*uri || !out || (n_drive_uris && !drive_uris))
        return RSM_E_INVALID_PARAMETER;
    for (size_t i = 0; i < n_drive_uris; i++)
        if (!drive_uris[i] || !*drive_uris[i])
            return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_sec_need(e, c, &e->computer, RSM_CONTROL_ACCESS);
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    struct rsm_dev_lib *dev = NULL;
    if (rsm_dev_lib_open(uri, n_drive_uris ? drive_uris : NULL, n_drive_uris, dev_opts_get(), &dev) !=
        RSM_DEV_OK)
        return RSM_E_DEVICE_NOT_AVAILABLE;
    struct rsm_guid g;
    rc = register_all(e, dev, uri, drive_uris, n_drive_uris, &g);
    if (rc != RSM_OK) {
        rsm_dev_lib_close(dev);
        return rc;
    }
    pthread_mutex_lock(&lc_mu);
    struct rsm_lc_lib *L = table_put(e, &g, dev);
    pthread_mutex_unlock(&lc_mu);
    if (!L) {
        rsm_dev_lib_close(dev);
        return RSM_E_NOMEM;
    }
    pthread_mutex_lock(&L->mu);
    rsm_lc_collect(L); /* the attentions of opening are the ones we answer now */
    rc = rsm_lc_reconcile(e, L, false, NULL);
    pthread_mutex_unlock(&L->mu);
    if (rc == RSM_OK)
        *out = g;
    return rc;
}
