/* SPDX-License-Identifier: MIT
 * Device change detection for stand-alone drives (ntms-api.md §2.1, §6.10; contract in
 * ieclean.h): SCSI tape drives do not say when a cartridge is put in or taken out, so the
 * watched drives are polled with TEST UNIT READY (its unit attentions included) and the
 * database follows what they answer.
 */
#include <stdlib.h>
#include <string.h>

#include "rsm/engine/devreg.h"
#include "rsm/engine/ie_int.h"

#define DETECT_MAX_LIBS 64

struct detect_ctx {
    struct rsm_engine *e;
    uint64_t id;
    size_t n;
    struct rsm_guid libs[DETECT_MAX_LIBS];
    struct detect_ctx *next;
};
static pthread_mutex_t detect_mu = PTHREAD_MUTEX_INITIALIZER;
static struct detect_ctx *detect_list;
static uint64_t detect_next_id = 1;

rsm_rc rsm_detect_begin(struct rsm_engine *e, uint64_t *handle)
{
    if (!handle)
        return RSM_E_INVALID_PARAMETER;
    struct detect_ctx *d = calloc(1, sizeof *d);
    if (!d)
        return RSM_E_NOMEM;
    d->e = e;
    pthread_mutex_lock(&detect_mu);
    d->id = detect_next_id++;
    d->next = detect_list;
    detect_list = d;
    *handle = d->id;
    pthread_mutex_unlock(&detect_mu);
    return RSM_OK;
}

rsm_rc rsm_detect_end(struct rsm_engine *e, uint64_t handle)
{
    pthread_mutex_lock(&detect_mu);
    for (struct detect_ctx **p = &detect_list; *p; p = &(*p)->next) {
        if ((*p)->id == handle && (*p)->e == e) {
            struct detect_ctx *d = *p;
            *p = d->next;
            pthread_mutex_unlock(&detect_mu);
            free(d);
            return RSM_OK;
        }
    }
    pthread_mutex_unlock(&detect_mu);
    return RSM_E_INVALID_HANDLE;
}

/* The stand-alone libraries @id (of @type) names: @out[*n]. */
static rsm_rc targets(struct rsm_engine *e, const struct rsm_guid *id, uint32_t type,
                      struct rsm_guid *out, size_t cap, size_t *n)
{
    rsm_engine_lock(e);
    uint32_t t = 0;
    rsm_rc rc = rsm_obj_type(e->db, id, &t);
    if (rc != RSM_OK || t != type)
        rc = type == RSM_OT_LIBRARY ? RSM_E_INVALID_LIBRARY : RSM_E_INVALID_MEDIA;
    const char *sql = type == RSM_OT_LIBRARY
                          ? "SELECT guid FROM library WHERE guid=?1 AND libtype=3"
                      : type == RSM_OT_MEDIA_TYPE
                          ? "SELECT l.guid FROM library l JOIN lib_mtype m ON m.library=l.guid "
                            "WHERE m.mtype=?1 AND l.libtype=3"
                          : "SELECT l.guid FROM library l JOIN lib_mtype m ON m.library=l.guid "
                            "JOIN pmedia p ON p.mtype=m.mtype WHERE p.guid=?1 AND l.libtype=3";
    sqlite3_stmt *st = rc == RSM_OK ? rsm_db_stmt(e->db, sql) : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, id);
        while (*n < cap && sqlite3_step(st) == SQLITE_ROW)
            rsm_db_col_guid(st, 0, &out[(*n)++]);
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    if (rc == RSM_OK && type == RSM_OT_LIBRARY && *n == 0)
        rc = RSM_E_INVALID_LIBRARY; /* a library, but not a stand-alone one */
    return rc;
}

rsm_rc rsm_detect_set(struct rsm_engine *e, const struct rsm_caller *c, uint64_t handle,
                      const struct rsm_guid *ids, uint32_t type, uint32_t n)
{
    (void)c; /* watching changes nothing a right protects; what it finds is recorded */
    if (!ids || n == 0 ||
        (type != RSM_OT_LIBRARY && type != RSM_OT_MEDIA_TYPE && type != RSM_OT_PHYSICAL_MEDIA))
        return RSM_E_INVALID_PARAMETER;
    struct rsm_guid libs[DETECT_MAX_LIBS];
    size_t nl = 0;
    for (uint32_t i = 0; i < n; i++) {
        rsm_rc rc = targets(e, &ids[i], type, libs, DETECT_MAX_LIBS, &nl);
        if (rc != RSM_OK)
            return rc;
    }
    if (handle == 0) {
        for (size_t i = 0; i < nl; i++) {
            uint32_t ch = 0;
            (void)rsm_detect_poll_library(e, &libs[i], &ch); /* one that fails is skipped */
        }
        return RSM_OK;
    }
    pthread_mutex_lock(&detect_mu);
    struct detect_ctx *d = detect_list;
    while (d && !(d->id == handle && d->e == e))
        d = d->next;
    rsm_rc rc = d ? RSM_OK : RSM_E_INVALID_HANDLE;
    for (size_t i = 0; d && i < nl; i++) {
        bool dup = false;
        for (size_t k = 0; k < d->n; k++)
            dup |= rsm_guid_eq(&d->libs[k], &libs[i]);
        if (!dup && d->n < DETECT_MAX_LIBS)
            d->libs[d->n++] = libs[i];
    }
    pthread_mutex_unlock(&detect_mu);
    return rc;
}

/* The medium GUID RSM wrote into the MAM (0820h, GUID text) as a side GUID. */
static bool mam_side(const uint8_t *txt, struct rsm_guid *out)
{
    size_t k = 0;
    for (size_t i = 0; i < RSM_MAM_GUID_LEN && k < 32; i++) {
        int ch = txt[i], v;
        if (ch == '-')
            continue;
        if (ch >= '0' && ch <= '9')
            v = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            v = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            v = ch - 'A' + 10;
        else
            return false;
        out->b[k / 2] = (uint8_t)(k % 2 ? out->b[k / 2] | v : v << 4);
        k++;
    }
    return k == 32;
}

rsm_rc rsm_detect_poll_library(struct rsm_engine *e, const struct rsm_guid *library,
                               uint32_t *changes)
{
    *changes = 0;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    struct rsm_lc_lib *L;
    rsm_rc rc = rsm_lc_acquire_ex(e, library, false, &L);
    if (rc != RSM_OK)
        return rc;
    if (!L->dev->standalone || L->dev->n_drives == 0 || !L->dev->drives[0].drv) {
        rsm_lc_release(L);
        return RSM_E_INVALID_LIBRARY;
    }
    struct rsm_drv *drv = L->dev->drives[0].drv;
    enum rsm_dev_rc t = rsm_drv_test_ready(drv);
    (void)rsm_drv_events(drv); /* 28/00 "medium may have changed": what TUR says decides */
    bool present = t != RSM_DEV_E_NO_MEDIUM && t != RSM_DEV_E_TRANSPORT && t != RSM_DEV_E_TIMEOUT;
    struct rsm_guid drive;
    int64_t state = 0;
    rc = iec_element(e, "drive", library, 1, &drive);
    if (rc == RSM_OK)
        rc = iec_q_int(e, "SELECT state FROM drive WHERE guid=?1", &drive, NULL, 0, &state);
    bool had = state != NTMS_DRIVESTATE_DISMOUNTED;
    if (rc == RSM_OK && present && !had) {
        struct rsm_drv_mam mam;
        memset(&mam, 0, sizeof mam);
        struct rsm_guid side, pm;
        bool known =
            rsm_drv_mam_read(drv, &mam) == RSM_DEV_OK && (mam.present & RSM_MAM_MEDIUM_GUID) &&
            mam_side(mam.medium_guid, &side) &&
            iec_q_guid(e, "SELECT pmedia FROM side WHERE guid=?1", &side, NULL, 0, &pm) == RSM_OK;
        rc = iec_exec(e, "UPDATE drive SET state=2, saved_side=?2 WHERE guid=?1", &drive,
                      known ? &side : NULL, 0);
        if (rc == RSM_OK && known) {
            rc = iec_exec(e,
                          "UPDATE pmedia SET library=?2, location=?2, loc_type=5, state=3 "
                          "WHERE guid=?1",
                          &pm, library, 0);
            if (rc == RSM_OK)
                rc = iec_exec(e, "UPDATE pmedia SET location=?2 WHERE guid=?1", &pm, &drive, 0);
            rsm_notify(e, RSM_OT_PHYSICAL_MEDIA, RSM_EV_UPDATE, &pm);
        }
        rsm_notify(e, RSM_OT_DRIVE, RSM_EV_UPDATE, &drive);
        (*changes)++;
    } else if (rc == RSM_OK && !present && had) {
        struct rsm_guid pm;
        while (rc == RSM_OK && iec_q_guid(e, "SELECT guid FROM pmedia WHERE location=?1", &drive,
                                          NULL, 0, &pm) == RSM_OK) {
            rc = rsm_dev_media_gone(e, &pm);
            if (rc == RSM_OK)
                rc = iec_exec(e, "UPDATE pmedia SET mounted_side=NULL WHERE guid=?1", &pm, NULL, 0);
        }
        if (rc == RSM_OK)
            rc = iec_exec(e, "UPDATE drive SET state=0, saved_side=NULL WHERE guid=?1", &drive,
                          NULL, 0);
        rsm_notify(e, RSM_OT_DRIVE, RSM_EV_UPDATE, &drive);
        (*changes)++;
    }
    rsm_lc_release(L);
    return rc;
}

uint32_t rsm_detect_poll(struct rsm_engine *e)
{
    struct rsm_guid libs[DETECT_MAX_LIBS];
    size_t n = 0;
    pthread_mutex_lock(&detect_mu);
    for (struct detect_ctx *d = detect_list; d; d = d->next)
        for (size_t i = 0; d->e == e && i < d->n && n < DETECT_MAX_LIBS; i++) {
            bool dup = false;
            for (size_t k = 0; k < n; k++)
                dup |= rsm_guid_eq(&libs[k], &d->libs[i]);
            if (!dup)
                libs[n++] = d->libs[i];
        }
    pthread_mutex_unlock(&detect_mu);
    uint32_t total = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t ch = 0;
        if (rsm_detect_poll_library(e, &libs[i], &ch) == RSM_OK)
            total += ch;
    }
    return total;
}
