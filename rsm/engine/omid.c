/* SPDX-License-Identifier: MIT
 * On-media identification with the media label libraries (contract in omid.h): claiming
 * the first block of a tape during an OMID inventory, and writing RSM's free-media label.
 * Layout of the label and the claimers: rsm/mli/README.md.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsm/dev/drive.h"
#include "rsm/engine/libctl_int.h"
#include "rsm/engine/omid.h"

/* The drive calls used here only, weak like the rest of devlink.h: a program without the
 * device layer never reaches them (library control refuses first). */
#ifndef RSM_DEV_LINKED
#pragma weak rsm_drv_read_label
#pragma weak rsm_drv_rewind
#pragma weak rsm_drv_write
#pragma weak rsm_drv_write_filemarks
#endif

/* ---- the process's media label libraries ----------------------------------------------- */

/* One set of plugins per process, as Windows loads its MLLs once at service start; a
 * struct rsm_mli serves one thread at a time (mli.h), hence mli_mu around every claim. */
static pthread_mutex_t mli_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rsm_mli *mli;
static bool mli_tried;

/* A plugin the loader refused is an administrator's problem, not a failure of the call:
 * say so where rsmd's output goes. */
static void mli_report(void *arg, const char *path, const char *why)
{
    (void)arg;
    fprintf(stderr, "rsm: media label library %s: %s\n", path, why);
}

/* mli_mu held. NULL (built-ins only) when $RSM_MLI_DIR is unset or unreadable. */
static const struct rsm_mli *mli_get(void)
{
    if (!mli_tried) {
        mli_tried = true;
        enum rsm_mli_rc mrc = rsm_mli_open(NULL, mli_report, NULL, &mli);
        if (mrc != RSM_MLI_OK) {
            mli_report(NULL, getenv("RSM_MLI_DIR") ? getenv("RSM_MLI_DIR") : "(none)",
                       rsm_mli_rc_str(mrc));
            mli = NULL;
        }
    }
    return mli;
}

rsm_rc rsm_omid_claim(const uint8_t *buf, size_t len, struct rsm_mli_result *out)
{
    if (!out || (!buf && len))
        return RSM_E_INVALID_PARAMETER;
    pthread_mutex_lock(&mli_mu);
    enum rsm_mli_rc mrc = rsm_mli_claim(mli_get(), buf, len, out);
    pthread_mutex_unlock(&mli_mu);
    if (mrc == RSM_MLI_OK)
        return RSM_OK;
    return mrc == RSM_MLI_UNCLAIMED ? RSM_E_BAD_FORMAT : RSM_E_INVALID_PARAMETER;
}

/* ---- reading a side ---------------------------------------------------------------------- */

rsm_rc rsm_omid_claim_mounted(struct rsm_drv *drv, struct rsm_omid_label *out)
{
    if (!drv || !out)
        return RSM_E_INVALID_PARAMETER;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&mli_mu);
    size_t cap = rsm_mli_max_label_size(mli_get());
    pthread_mutex_unlock(&mli_mu);
    uint8_t *buf = malloc(cap);
    if (!buf)
        return RSM_E_NOMEM;
    size_t n = 0;
    enum rsm_dev_rc drc = rsm_drv_read_label(drv, buf, cap, &n);
    rsm_rc rc = RSM_OK;
    if (drc == RSM_DEV_E_BLANK) {
        out->kind = RSM_OMID_BLANK; /* §4.3: blank media are Unrecognized too */
    } else if (drc == RSM_DEV_E_FILEMARK) {
        out->kind = RSM_OMID_FOREIGN; /* written, but no label block before the filemark */
    } else if (drc != RSM_DEV_OK) {
        rc = RSM_E_DEVICE_NOT_AVAILABLE;
    } else {
        out->len = n;
        if (rsm_omid_claim(buf, n, &out->r) == RSM_OK)
            out->kind = out->r.free_label ? RSM_OMID_FREE : RSM_OMID_LABEL;
        else
            out->kind = n ? RSM_OMID_FOREIGN : RSM_OMID_BLANK;
    }
    free(buf);
    return rc;
}

/* ---- notes between the OMID pass and reconciliation --------------------------------------- */

struct note {
    const struct rsm_dev_lib *dev; /* compared, never followed */
    uint16_t addr;
    struct rsm_mli_result r;
    struct rsm_dev_label label; /* points into r */
    struct note *next;
};
static pthread_mutex_t note_mu = PTHREAD_MUTEX_INITIALIZER;
static struct note *notes;

void rsm_omid_note_mounted(struct rsm_dev_lib *dev, size_t drive, uint16_t addr)
{
    if (!dev || drive >= dev->n_drives || !dev->drives[drive].drv)
        return;
    struct rsm_omid_label l;
    if (rsm_omid_claim_mounted(dev->drives[drive].drv, &l) != RSM_OK ||
        (l.kind != RSM_OMID_LABEL && l.kind != RSM_OMID_FREE))
        return; /* nothing to record: the cartridge is Unrecognized, as without this pass */
    struct note *nt = calloc(1, sizeof *nt);
    if (!nt)
        return; /* the same: identification is best effort, the inventory goes on */
    nt->dev = dev;
    nt->addr = addr;
    nt->r = l.r;
    /* Both kinds are found again by their ID (devreg.c looks sides up by OMID): for the
     * free label that ID is the GUID of the medium it was written for. */
    nt->label.type = nt->r.type;
    nt->label.info = nt->r.info;
    nt->label.id = l.kind == RSM_OMID_FREE ? nt->r.media_id : nt->r.id;
    nt->label.id_len = l.kind == RSM_OMID_FREE ? (uint32_t)sizeof nt->r.media_id
                                               : (uint32_t)nt->r.id_len;
    nt->label.free_label = l.kind == RSM_OMID_FREE;
    pthread_mutex_lock(&note_mu);
    /* A newer note for the same slot replaces the old one. */
    for (struct note **p = &notes; *p;) {
        if ((*p)->dev == dev && (*p)->addr == addr) {
            struct note *old = *p;
            *p = old->next;
            free(old);
        } else {
            p = &(*p)->next;
        }
    }
    nt->next = notes;
    notes = nt;
    pthread_mutex_unlock(&note_mu);
}

const struct rsm_dev_label *rsm_omid_label_at(const struct rsm_dev_lib *dev, uint16_t addr)
{
    const struct rsm_dev_label *found = NULL;
    pthread_mutex_lock(&note_mu);
    for (struct note *nt = notes; nt && !found; nt = nt->next)
        if (nt->dev == dev && nt->addr == addr)
            found = &nt->label;
    pthread_mutex_unlock(&note_mu);
    return found;
}

void rsm_omid_forget(const struct rsm_dev_lib *dev)
{
    pthread_mutex_lock(&note_mu);
    for (struct note **p = &notes; *p;) {
        if ((*p)->dev == dev) {
            struct note *old = *p;
            *p = old->next;
            free(old);
        } else {
            p = &(*p)->next;
        }
    }
    pthread_mutex_unlock(&note_mu);
}

/* ---- the free-media label ------------------------------------------------------------------- */

static rsm_rc map_write(enum rsm_dev_rc drc)
{
    return drc == RSM_DEV_E_WRITE_PROTECT ? RSM_E_WRITE_PROTECT : RSM_E_DEVICE_NOT_AVAILABLE;
}

/* Announces a change of every side of @pm (in the caller's transaction). */
static rsm_rc touch_sides(struct rsm_db *db, const struct rsm_guid *pm)
{
    struct rsm_guid sides[8]; /* media types have at most a few sides */
    int n = 0;
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT guid FROM side WHERE pmedia=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, pm);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW && n < 8)
        rsm_db_col_guid(st, 0, &sides[n++]);
    rsm_rc rc = src == SQLITE_ROW || src == SQLITE_DONE ? RSM_OK : rsm_db_map(src);
    sqlite3_reset(st);
    for (int i = 0; rc == RSM_OK && i < n; i++)
        rc = rsm_obj_touch(db, &sides[i]);
    return rc;
}

rsm_rc rsm_omid_reclassify(struct rsm_engine *e, const struct rsm_guid *pm,
                           const struct rsm_dev_label *label)
{
    if (!e || !pm)
        return RSM_E_INVALID_PARAMETER;
    if (!label || !label->type || !*label->type || !label->id_len)
        return RSM_OK; /* blank or foreign: where it is, Unrecognized, is right */
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    uint32_t pool_type = 0;
    struct rsm_guid mtype, pool;
    bool act = false;
    sqlite3_stmt *st = rc == RSM_OK ? rsm_db_stmt(e->db, "SELECT q.pooltype, p.mtype FROM pmedia p "
                                                         "JOIN pool q ON q.guid=p.pool WHERE "
                                                         "p.guid=?1")
                                    : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pm);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            pool_type = (uint32_t)sqlite3_column_int(st, 0);
            rsm_db_col_guid(st, 1, &mtype);
        } else {
            rc = src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
        }
        sqlite3_reset(st);
    }
    /* Only what nobody owns is reclassified: media in Free or in an application pool
     * keep their pool whatever the tape says now, and an Import medium read again keeps
     * its OMID unless the tape now carries RSM's free label. */
    act = rc == RSM_OK && (pool_type == RSM_POOL_FOREIGN ||
                           (pool_type == RSM_POOL_IMPORT && label->free_label));
    /* A label already recorded on another medium means this cartridge is that one (or a
     * copy of it): giving the placeholder the same OMID would make two media answer to it,
     * so it stays Unrecognized for the operator. */
    if (act) {
        st = rsm_db_stmt(e->db, "SELECT 1 FROM side WHERE omid=?1 AND pmedia<>?2 LIMIT 1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            sqlite3_bind_blob(st, 1, label->id, (int)label->id_len, SQLITE_STATIC);
            rsm_db_bind_guid_nn(st, 2, pm);
            act = sqlite3_step(st) != SQLITE_ROW;
            sqlite3_reset(st);
        }
    }
    act = act && rc == RSM_OK;
    uint32_t to_type = label->free_label ? RSM_POOL_SCRATCH : RSM_POOL_IMPORT;
    if (act)
        rc = rsm_pool_ensure_system(e, &mtype);
    if (act && rc == RSM_OK)
        rc = rsm_pool_system(e, to_type, &mtype, false, &pool);
    if (act && rc == RSM_OK) {
        st = rsm_db_stmt(e->db, "UPDATE pmedia SET pool=?2 WHERE guid=?1");
        rc = st ? (rsm_db_bind_guid_nn(st, 1, pm), rsm_db_bind_guid_nn(st, 2, &pool),
                   rsm_db_step_done(st))
                : RSM_E_DB_FAILURE;
    }
    if (act && rc == RSM_OK) {
        st = rsm_db_stmt(e->db, "UPDATE side SET pool=?2, state=?3, omid=?4, omid_type=?5, "
                                "omid_info=?6 WHERE pmedia=?1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
        } else {
            rsm_db_bind_guid_nn(st, 1, pm);
            rsm_db_bind_guid_nn(st, 2, &pool);
            sqlite3_bind_int(st, 3, label->free_label ? RSM_PART_AVAILABLE : RSM_PART_IMPORT);
            sqlite3_bind_blob(st, 4, label->id, (int)label->id_len, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, label->type, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 6, label->info ? label->info : "", -1, SQLITE_STATIC);
            rc = rsm_db_step_done(st);
        }
    }
    if (act && rc == RSM_OK)
        rc = rsm_obj_touch(e->db, pm);
    if (act && rc == RSM_OK)
        rc = touch_sides(e->db, pm);
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK && act)
        rsm_engine_signal(e); /* a medium in Free may be what an allocation waits for */
    rsm_engine_unlock(e);
    return rc;
}

/* Records @r as the OMID of every side of @pm (one transaction; e->mu not held). */
static rsm_rc store_sides_omid(struct rsm_engine *e, const struct rsm_guid *pm,
                               const struct rsm_mli_result *r)
{
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    /* The label is what an UNPREPARED side waited for (ntms-api.md §3, NtmsPartitionState
     * 1): it becomes AVAILABLE, so allocations may have it from now on. */
    sqlite3_stmt *st = rc == RSM_OK ? rsm_db_stmt(e->db, "UPDATE side SET omid=?2, omid_type=?3, "
                                                         "omid_info=?4, state=CASE WHEN state=1 "
                                                         "THEN 4 ELSE state END WHERE pmedia=?1")
                                    : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pm);
        sqlite3_bind_blob(st, 2, r->media_id, (int)sizeof r->media_id, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->type, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->info, -1, SQLITE_STATIC);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rc = touch_sides(e->db, pm); /* watchers of partitions hear of it */
    rc = rsm_db_end(e->db, rc);
    if (rc == RSM_OK)
        rsm_engine_signal(e); /* an allocation from Free may wait for this medium */
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_omid_write_free_label(struct rsm_engine *e, struct rsm_drv *drv,
                                 const struct rsm_guid *pm)
{
    if (!e || !drv || !pm)
        return RSM_E_INVALID_PARAMETER;
    char bc[RSM_BARCODE_CAP] = "";
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT barcode FROM pmedia WHERE guid=?1");
    rsm_rc rc = st ? RSM_OK : RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pm);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
            rsm_db_col_text(st, 0, bc, sizeof bc);
        else
            rc = src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;

    uint8_t label[RSM_MLI_FREE_LABEL_LEN];
    size_t len = rsm_mli_free_label_build(label, sizeof label, pm->b, bc, time(NULL));
    struct rsm_mli_result r;
    /* The label is ours: the RSM claimer must take it back, or nothing is written. */
    if (len != sizeof label || rsm_mli_claim_builtin("RSM", label, len, &r) != RSM_MLI_OK ||
        !r.free_label)
        return RSM_E_INVALID_PARAMETER;
    enum rsm_dev_rc drc = rsm_drv_rewind(drv);
    if (drc == RSM_DEV_OK)
        drc = rsm_drv_write(drv, label, len);
    if (drc == RSM_DEV_OK)
        drc = rsm_drv_write_filemarks(drv, 1);
    if (drc == RSM_DEV_OK)
        drc = rsm_drv_rewind(drv);
    if (drc != RSM_DEV_OK)
        return map_write(drc);
    return store_sides_omid(e, pm, &r);
}

/* ---- NTMS_LM_WRITESCRATCH ------------------------------------------------------------------ */

/* Whether @pm may have its free label written now: it still belongs to Free (it may have
 * been moved to an application pool, and allocated, while the request was queued; an
 * application's data is never overwritten). RSM_OK, INVALID_MEDIA_POOL, INVALID_MEDIA.
 * e->mu held. */
static rsm_rc free_check(struct rsm_db *db, const struct rsm_guid *pm, uint32_t *loc_type)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT q.pooltype, (SELECT count(*) FROM side WHERE "
                                       "pmedia=p.guid AND state IN (5,6,9)), p.loc_type FROM "
                                       "pmedia p JOIN pool q ON q.guid=p.pool WHERE p.guid=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, pm);
    int src = sqlite3_step(st);
    rsm_rc rc;
    if (src == SQLITE_ROW) {
        rc = sqlite3_column_int(st, 0) == RSM_POOL_SCRATCH && sqlite3_column_int(st, 1) == 0
                 ? RSM_OK
                 : RSM_E_INVALID_MEDIA_POOL;
        if (loc_type)
            *loc_type = (uint32_t)sqlite3_column_int(st, 2);
    } else {
        rc = src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
    }
    sqlite3_reset(st);
    return rc;
}

/* Like an inventory, the request runs alone in its library: it needs the robot and a
 * drive, and none is reserved for it otherwise. It claims its medium (the libreq row then
 * names it). It fails at once when the medium has left Free, and waits in the queue
 * (BUSY) while the cartridge is still in a drive (a deferred dismount not yet done, a
 * medium deallocated while UNLOADED: the label is written from its slot) or while every
 * drive of the library holds a cartridge (a dismount frees one and dispatches again).
 * L->qmu and e->mu held; nothing else runs in the library (exclusive). */
static rsm_rc scratch_claim(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    uint32_t loc_type = 0;
    rsm_rc rc = free_check(e->db, &r->media[0], &loc_type);
    if (rc != RSM_OK)
        return rc;
    if (loc_type == 5 /* NTMS_DRIVE */)
        return RSM_E_BUSY;
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT count(*) FROM drive d JOIN obj o ON "
                                          "o.guid=d.guid WHERE d.library=?1 AND o.enabled=1 AND "
                                          "NOT EXISTS (SELECT 1 FROM pmedia p WHERE "
                                          "p.location=d.guid AND p.loc_type=5)");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, &L->guid);
    int src = sqlite3_step(st);
    int64_t n_empty = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (src != SQLITE_ROW)
        return rsm_db_map(src);
    if (n_empty == 0)
        return RSM_E_BUSY;
    r->n_claim = 1;
    r->claim_pm[0] = r->media[0];
    return RSM_OK;
}

/* free_check() again once the request holds the robot: the medium can be moved between
 * the claim and the robot. */
static rsm_rc still_free(struct rsm_engine *e, const struct rsm_guid *pm)
{
    rsm_engine_lock(e);
    rsm_rc rc = free_check(e->db, pm, NULL);
    rsm_engine_unlock(e);
    return rc;
}

/* The storage slot number of @pm (0 if it is not in a slot). */
static uint32_t slot_number(struct rsm_engine *e, const struct rsm_guid *pm)
{
    uint32_t num = 0;
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT s.number FROM pmedia p JOIN slot s ON "
                                          "s.guid=p.location WHERE p.guid=?1 AND p.loc_type=16");
    if (st) {
        rsm_db_bind_guid_nn(st, 1, pm);
        if (sqlite3_step(st) == SQLITE_ROW)
            num = (uint32_t)sqlite3_column_int(st, 0);
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    return num;
}

static rsm_rc scratch_run(struct rsm_engine *e, struct rsm_lc_lib *L, struct rsm_lc_req *r)
{
    rsm_rc rc = rsm_lc_lock_robot(e, L, true);
    if (rc != RSM_OK)
        return rc;
    /* Checked with the robot held, the last moment before the tape is touched. */
    rc = still_free(e, &r->media[0]);
    if (rc != RSM_OK) {
        rsm_lc_release(L);
        return rc;
    }
    struct rsm_dev_lib *dev = L->dev;
    uint32_t num = slot_number(e, &r->media[0]);
    uint16_t addr = num && !dev->standalone ? rsm_dev_lib_addr(dev, 2, num) : 0;
    const struct rsm_chg_elem *el = addr ? rsm_dev_lib_elem(dev, addr) : NULL;
    int d = -1;
    for (size_t i = 0; i < dev->n_drives && d < 0; i++) {
        const struct rsm_chg_elem *de = rsm_dev_lib_elem(dev, dev->drives[i].elem_addr);
        if (dev->drives[i].map != RSM_DEV_MAP_NONE && de && !de->full)
            d = (int)i;
    }
    if (!el || !el->full)
        rc = RSM_E_MEDIA_NOT_AVAILABLE; /* not where the database says: inventory first */
    else if (d < 0)
        rc = RSM_E_BUSY;
    enum rsm_dev_rc drc = RSM_DEV_OK;
    if (rc == RSM_OK) {
        drc = rsm_dev_lib_mount(dev, addr, (size_t)d);
        const struct rsm_chg_elem *de = rsm_dev_lib_elem(dev, dev->drives[d].elem_addr);
        if (drc != RSM_DEV_OK && !(de && de->full)) {
            rc = rsm_lc_map_dev(drc); /* nothing moved */
            if (rc == RSM_E_LIBRARY_OFFLINE)
                rsm_lc_changer_failed(e, L);
        } else {
            if (drc == RSM_DEV_OK)
                rc = rsm_omid_write_free_label(e, dev->drives[d].drv, &r->media[0]);
            else
                rc = RSM_E_UNABLE_TO_LOAD_MEDIUM;
            /* Home again whatever the write did; a failure to get there wins, since the
             * cartridge is then not where the database says. */
            drc = rsm_dev_lib_dismount(dev, (size_t)d, addr, NULL);
            if (drc != RSM_DEV_OK)
                rc = rsm_lc_map_dev(drc) == RSM_E_LIBRARY_OFFLINE ? RSM_E_LIBRARY_OFFLINE
                                                                 : RSM_E_DEVICE_NOT_AVAILABLE;
        }
    }
    rsm_lc_release(L);
    return rc;
}

static const struct rsm_lc_req_ops scratch_ops = {18 /* NTMS_LM_WRITESCRATCH */, scratch_claim,
                                                  scratch_run, true, 1};

rsm_rc rsm_omid_free_media(struct rsm_engine *e, const struct rsm_caller *c,
                           const struct rsm_guid *pm)
{
    if (!e || !c || !pm)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    struct rsm_guid lib, mtype, pool;
    uint32_t t = 0;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_obj_type(e->db, pm, &t);
    if (rc == RSM_E_NOT_FOUND || (rc == RSM_OK && t != RSM_OT_PHYSICAL_MEDIA))
        rc = RSM_E_INVALID_MEDIA;
    sqlite3_stmt *st =
        rc == RSM_OK ? rsm_db_stmt(e->db, "SELECT library, mtype FROM pmedia WHERE guid=?1") : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pm);
        if (sqlite3_step(st) == SQLITE_ROW) {
            rsm_db_col_guid(st, 0, &lib);
            rsm_db_col_guid(st, 1, &mtype);
        } else {
            rc = RSM_E_INVALID_MEDIA;
        }
        sqlite3_reset(st);
    }
    if (rc == RSM_OK && rsm_guid_eq(&lib, &e->offline_lib))
        rc = RSM_E_MEDIA_OFFLINE; /* no drive can write its label */
    if (rc == RSM_OK)
        rc = rsm_pool_system(e, RSM_POOL_SCRATCH, &mtype, false, &pool);
    rsm_engine_unlock(e);
    struct rsm_lc_lib *L = NULL;
    if (rc == RSM_OK)
        rc = rsm_lc_lib_get(e, &lib, &L);
    (void)L; /* got for its checks: a library this engine can drive */
    /* The move carries MoveToNtmsMediaPool's rules and rights; it comes first so that a
     * medium that may not enter Free (an Allocated side: an application's data) is never
     * overwritten. */
    bool owed = false;
    if (rc == RSM_OK)
        rc = rsm_media_move_free(e, c, pm, &pool, true, &owed);
    if (rc != RSM_OK)
        return rc;
    if (!owed)
        return RSM_E_INVALID_LIBRARY; /* the library was disabled meanwhile */
    return rsm_omid_queue_free_label(e, c, pm, true, NULL);
}

/* ---- media entering a Free pool ---------------------------------------------------------- */

bool rsm_omid_label_owed(struct rsm_engine *e, const struct rsm_guid *library)
{
    if (!e || !library || !rsm_lc_dev_present() || rsm_guid_eq(library, &e->offline_lib) ||
        !rsm_obj_enabled(e->db, library))
        return false;
    /* Added by URI (libctl.c keeps the URI as this attribute): the engine can reach the
     * device. A library registered any other way has no drive this engine can write with. */
    sqlite3_stmt *st =
        rsm_db_stmt(e->db, "SELECT 1 FROM attr WHERE obj=?1 AND name='OpenRSM.URI' LIMIT 1");
    if (!st)
        return false;
    rsm_db_bind_guid_nn(st, 1, library);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}

/* The library of physical medium @pm (e->mu not held). */
static rsm_rc library_of(struct rsm_engine *e, const struct rsm_guid *pm, struct rsm_guid *lib)
{
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT library FROM pmedia WHERE guid=?1");
    rsm_rc rc = st ? RSM_OK : RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pm);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
            rsm_db_col_guid(st, 0, lib);
        else
            rc = src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    return rc;
}

/* A WRITESCRATCH request of @pm queued or running on @L, or NULL. L->qmu held. */
static struct rsm_lc_req *pending_scratch(const struct rsm_lc_lib *L, const struct rsm_guid *pm)
{
    struct rsm_lc_req *const heads[2] = {L->queue, L->running};
    for (int i = 0; i < 2; i++)
        for (struct rsm_lc_req *r = heads[i]; r; r = r->next)
            if (r->ops == &scratch_ops && rsm_guid_eq(&r->media[0], pm))
                return r;
    return NULL;
}

static bool find_req(const struct rsm_lc_req *head, const struct rsm_lc_req *r)
{
    for (; head; head = head->next)
        if (head == r)
            return true;
    return false;
}

void rsm_omid_left_free(struct rsm_engine *e, const struct rsm_guid *pm)
{
    struct rsm_guid lib;
    if (!e || !pm || !rsm_lc_dev_present() || library_of(e, pm, &lib) != RSM_OK)
        return;
    struct rsm_lc_lib *L = rsm_lc_lib_find(e, &lib);
    if (!L)
        return; /* nothing of this engine is queued there */
    pthread_mutex_lock(&L->qmu);
    struct rsm_lc_req *r = pending_scratch(L, pm);
    if (r && find_req(L->queue, r))
        rsm_lc_dispatch(e, L); /* its claim now fails: INVALID_MEDIA_POOL */
    pthread_mutex_unlock(&L->qmu);
}

rsm_rc rsm_omid_queue_free_label(struct rsm_engine *e, const struct rsm_caller *c,
                                 const struct rsm_guid *pm, bool wait, struct rsm_guid *request)
{
    if (!e || !pm)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    struct rsm_guid lib;
    rsm_rc rc = library_of(e, pm, &lib);
    struct rsm_lc_lib *L = NULL;
    if (rc == RSM_OK)
        rc = rsm_lc_lib_get(e, &lib, &L);
    if (rc != RSM_OK)
        return rc;
    if (!wait) {
        /* Moved to Free twice before the robot got to it: one label is enough. */
        pthread_mutex_lock(&L->qmu);
        struct rsm_lc_req *old = pending_scratch(L, pm);
        if (old && request)
            *request = old->id;
        pthread_mutex_unlock(&L->qmu);
        if (old)
            return RSM_OK;
    }
    struct rsm_lc_req *r = rsm_lc_req_new(&scratch_ops, c);
    if (!r)
        return RSM_E_NOMEM;
    r->n = 1;
    r->media[0] = *pm;
    if (request)
        *request = r->id;
    rc = rsm_lc_req_submit(e, L, r); /* frees @r on failure */
    if (rc != RSM_OK)
        return rc;
    if (!wait) {
        rsm_lc_req_detach(L, r); /* NOWAIT: the libreq object reports the outcome */
        return RSM_OK;
    }
    /* Waits while the queue moves; once it is queued with nothing running, no drive will
     * come free without a dismount, and the caller hears BUSY (the request is then
     * FAILED by the zero-timeout wait below) instead of waiting for an operator. */
    pthread_mutex_lock(&L->qmu);
    for (;;) {
        bool done = r->state == 2 || r->state == 3 || r->state == 7; /* PASSED FAILED CANCELLED */
        bool stuck = (r->state == 0 || r->state == 5) && L->n_running == 0;
        if (done || stuck)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts); /* qcv's clock */
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        (void)pthread_cond_timedwait(&L->qcv, &L->qmu, &ts);
    }
    pthread_mutex_unlock(&L->qmu);
    return rsm_lc_req_wait(e, L, r, 0, NULL);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

rsm_rc rsm_omid_free_label_wait(struct rsm_engine *e, const struct rsm_guid *pm,
                                uint32_t timeout_ms)
{
    if (!e || !pm)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_OK; /* nothing can be queued */
    /* The libraries whose queues may hold one: those of its unfinished libreq rows (the
     * medium may have left that library since). */
    struct rsm_guid libs[8];
    int n = 0;
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT DISTINCT library FROM libreq WHERE op=18 AND "
                                          "(side=?1 OR pmedia=?1) AND state IN (0,1,5) "
                                          "LIMIT 8");
    rsm_rc rc = st ? RSM_OK : RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, pm);
        int src;
        while ((src = sqlite3_step(st)) == SQLITE_ROW && n < 8)
            rsm_db_col_guid(st, 0, &libs[n++]);
        if (src != SQLITE_ROW && src != SQLITE_DONE)
            rc = rsm_db_map(src);
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    int64_t deadline = timeout_ms == UINT32_MAX ? INT64_MAX : mono_ms() + timeout_ms;
    for (int i = 0; rc == RSM_OK && i < n; i++) {
        /* Rows of another process (or left by a crash) have no queue here: not waited for. */
        struct rsm_lc_lib *L = rsm_lc_lib_find(e, &libs[i]);
        if (!L)
            continue;
        pthread_mutex_lock(&L->qmu);
        struct rsm_lc_req *r;
        while (rc == RSM_OK && (r = pending_scratch(L, pm)) != NULL) {
            /* Queued while nothing runs: every dispatch since it was queued found no
             * drive (or its cartridge in one); only a dismount can change that. */
            if (find_req(L->queue, r) && L->n_running == 0) {
                rc = RSM_E_BUSY;
                break;
            }
            int64_t now = mono_ms();
            if (now >= deadline) {
                rc = RSM_E_TIMEOUT;
                break;
            }
            /* qcv is broadcast when a request ends; the 100 ms bound covers a closing
             * engine. */
            int64_t until = deadline - now > 100 ? now + 100 : deadline;
            struct timespec ts = {.tv_sec = until / 1000,
                                  .tv_nsec = (long)(until % 1000) * 1000000L};
            (void)pthread_cond_timedwait(&L->qcv, &L->qmu, &ts);
        }
        pthread_mutex_unlock(&L->qmu);
    }
    return rc;
}
