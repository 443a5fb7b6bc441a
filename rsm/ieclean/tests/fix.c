/* SPDX-License-Identifier: MIT
 * Fixture of test_rsm_ieclean (contract in fix.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "rsm/dev/library.h"
#include "rsm/engine/internal.h"
#include "rsm/ieclean/tests/fix.h"
#include "sim/core/clock.h"
#include "tests/lib/cutest.h"
#include "transport/transport.h"

static const char default_yaml[] = "personality: ibm-ts4300\n"
                                   "slots: 12\n"
                                   "mailslots: 2\n"
                                   "drives: 2\n"
                                   "cartridges:\n"
                                   "  - {barcode: A00000L8, slot: 1}\n"
                                   "  - {barcode: A00001L8, slot: 2}\n"
                                   "  - {barcode: A00002L8, slot: 3}\n"
                                   "  - {barcode: A00003L8, slot: 4}\n"
                                   "  - {barcode: A00004L8, slot: 5}\n"
                                   "  - {barcode: A00005L8, slot: 6}\n"
                                   "clock: {mode: virtual}\n";

static struct ifix *clock_owner; /* the fixture whose library clock the engine follows */

static uint64_t fix_now_ms(void *arg)
{
    struct ifix *f = arg;
    return vtl_clock_now_us(vtl_library_clock(f->vl)) / 1000u;
}

static void fix_sleep_ms(void *arg, uint32_t ms)
{
    ifix_advance_ms(arg, ms);
}

void ifix_advance_ms(struct ifix *f, uint64_t ms)
{
    vtl_clock_advance(vtl_library_clock(f->vl), ms * 1000u);
    vtl_system_run_due(f->sys);
}

static int build_library(struct ifix *f, const char *yaml)
{
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/lib.yaml", f->dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fputs(yaml ? yaml : default_yaml, fp);
    fclose(fp);
    if (vtl_system_open(path, NULL, &f->sys, err, sizeof err) != VTL_OK) {
        fprintf(stderr, "ifix: %s\n", err);
        return -1;
    }
    f->vl = vtl_system_library(f->sys);
    vtl_system_ctl_hooks(f->sys, &f->hooks);
    if (xport_sim_attach(f->name, f->sys) != XPORT_OK)
        return -1;
    struct rsm_iec_clock clk = {fix_now_ms, fix_sleep_ms, f};
    rsm_iec_set_clock(&clk);
    clock_owner = f;
    return 0;
}

int ifix_reopen_session(struct ifix *f)
{
    char server[300];
    snprintf(server, sizeof server, "embedded:%s/db", f->dir);
    f->h = OpenNtmsSessionA(server, "IecleanTest", 0);
    if (f->h == INVALID_HANDLE_VALUE || !f->h) {
        f->h = NULL;
        return -1;
    }
    f->e = rsm_session_engine(f->h);
    rsm_caller_self(&f->c);
    snprintf(f->c.app, sizeof f->c.app, "IecleanTest");
    return f->e ? 0 : -1;
}

int ifix_open(struct ifix *f, const char *yaml)
{
    static unsigned seq;
    memset(f, 0, sizeof *f);
    test_mkdtemp(f->dir, sizeof f->dir);
    snprintf(f->name, sizeof f->name, "ieclean-%u", ++seq);
    snprintf(f->uri, sizeof f->uri, "sim:%s", f->name);
    char db[300];
    snprintf(db, sizeof db, "%s/db", f->dir);
    if (build_library(f, yaml) != 0) {
        fprintf(stderr, "ifix: the simulated library did not build\n");
        return -1;
    }
    if (mkdir(db, 0700) != 0 || ifix_reopen_session(f) != 0) {
        fprintf(stderr, "ifix: no session on %s\n", db);
        return -1;
    }
    DWORD err = rsm_library_add(f->h, f->uri, NULL, 0, &f->lib);
    if (err != ERROR_SUCCESS) {
        fprintf(stderr, "ifix: adding %s: error %u\n", f->uri, (unsigned)err);
        return -1;
    }
    rsm_guid_from_api(&f->glib, &f->lib);
    return 0;
}

void ifix_close_session(struct ifix *f)
{
    if (f->h)
        CloseNtmsSession(f->h);
    f->h = NULL;
    f->e = NULL;
}

int ifix_replace_library(struct ifix *f, const char *yaml)
{
    if (f->sys) {
        xport_sim_detach(f->name);
        vtl_system_close(f->sys);
        f->sys = NULL;
        f->vl = NULL;
    }
    if (clock_owner == f) {
        rsm_iec_set_clock(NULL);
        clock_owner = NULL;
    }
    return yaml ? build_library(f, yaml) : 0;
}

void ifix_close(struct ifix *f)
{
    ifix_close_session(f);
    (void)ifix_replace_library(f, NULL);
    if (f->dir[0])
        test_rmtree(f->dir);
}

rsm_rc ifix_tick(struct ifix *f)
{
    return rsm_iec_tick(f->e, &f->glib);
}

uint16_t ifix_addr(struct ifix *f, enum vtl_elem_type type, unsigned n)
{
    struct vtl_elem_info info;
    if (n == 0 || vtl_library_elem_at(f->vl, type, n - 1, &info) != VTL_OK)
        return 0;
    return info.addr;
}

bool ifix_elem(struct ifix *f, uint16_t addr, struct vtl_elem_info *out)
{
    return vtl_library_elem(f->vl, addr, out) == VTL_OK;
}

uint16_t ifix_where(struct ifix *f, const char *barcode)
{
    uint16_t a = 0;
    return vtl_library_find_barcode(f->vl, barcode, &a) == VTL_OK ? a : 0;
}

uint16_t ifix_operator_inject(struct ifix *f, const char *barcode, int uses)
{
    struct vtl_cart_info cart;
    if (vtl_cart_from_barcode(barcode, uses, &cart) != VTL_OK)
        return 0;
    if (cart.cleaning)
        cart.cleaning_uses_left = uses;
    uint16_t placed = 0;
    return vtl_library_inject(f->vl, &cart, 0, &placed) == VTL_OK ? placed : 0;
}

bool ifix_operator_remove(struct ifix *f, unsigned n)
{
    uint16_t a = ifix_addr(f, VTL_ELEM_IE, n);
    struct vtl_elem_info info;
    if (!a || !ifix_elem(f, a, &info) || !info.full)
        return false;
    return vtl_library_remove(f->vl, a, NULL) == VTL_OK;
}

int64_t ifix_q(struct ifix *f, const char *sql, const struct rsm_guid *g)
{
    rsm_engine_lock(f->e);
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(rsm_db_handle(f->e->db), sql, -1, &st, NULL) == SQLITE_OK) {
        if (g && sqlite3_bind_parameter_count(st) >= 1)
            rsm_db_bind_guid_nn(st, 1, g);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    rsm_engine_unlock(f->e);
    return v;
}

unsigned ifix_opreqs(struct ifix *f, uint32_t request)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM opreq WHERE request=%u AND state IN (1,2,3)",
             request);
    int64_t n = ifix_q(f, sql, NULL);
    return n < 0 ? 0 : (unsigned)n;
}

int ifix_pmedia(struct ifix *f, const char *barcode, struct rsm_guid *out)
{
    rsm_engine_lock(f->e);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(rsm_db_handle(f->e->db), "SELECT guid FROM pmedia WHERE barcode=?1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, barcode, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            rsm_db_col_guid(st, 0, out);
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    rsm_engine_unlock(f->e);
    return rc;
}

int ifix_element(struct ifix *f, uint32_t type, uint32_t n, struct rsm_guid *out)
{
    const char *table = type == RSM_OT_DRIVE ? "drive" : type == RSM_OT_IEPORT ? "ieport" : "slot";
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT guid FROM %s WHERE library=?1 AND number=%u", table, n);
    rsm_engine_lock(f->e);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(rsm_db_handle(f->e->db), sql, -1, &st, NULL) == SQLITE_OK) {
        rsm_db_bind_guid_nn(st, 1, &f->glib);
        if (sqlite3_step(st) == SQLITE_ROW) {
            rsm_db_col_guid(st, 0, out);
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    rsm_engine_unlock(f->e);
    return rc;
}

struct rsm_objinfo ifix_get(struct ifix *f, const struct rsm_guid *g, uint32_t type)
{
    struct rsm_objinfo o;
    memset(&o, 0, sizeof o);
    CU_ASSERT_EQUAL(rsm_object_get(f->e, &f->c, g, type, &o), RSM_OK);
    return o;
}

void ifix_settle(struct ifix *f)
{
    /* Real time: the requests run in threads of the engine's queue (reqq.c), driving the
     * simulator through sim:, whose commands move its virtual clock themselves. */
    for (int i = 0; i < 10000 && rsm_iec_open_requests(f->e) > 0; i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

int ifix_to_free(struct ifix *f, const struct rsm_guid *pm)
{
    struct rsm_objinfo o = ifix_get(f, pm, RSM_OT_PHYSICAL_MEDIA);
    struct rsm_guid freep;
    rsm_engine_lock(f->e);
    rsm_rc rc = rsm_pool_system(f->e, RSM_POOL_SCRATCH, &o.u.pmedia.media_type, true, &freep);
    rsm_engine_unlock(f->e);
    if (rc != RSM_OK)
        return -1;
    rc = rsm_media_move(f->e, &f->c, pm, &freep);
    ifix_settle(f); /* a medium that becomes free gets a scratch label written (omid.c) */
    return rc == RSM_OK ? 0 : -2;
}

int ifix_allocate(struct ifix *f, const char *barcode, NTMS_GUID *lmid)
{
    struct rsm_guid pm, app, side, lm;
    if (ifix_pmedia(f, barcode, &pm) != 0 || ifix_to_free(f, &pm) != 0)
        return -1;
    struct rsm_objinfo o = ifix_get(f, &pm, RSM_OT_PHYSICAL_MEDIA);
    if (rsm_pool_create(f->e, &f->c, "Soak", &o.u.pmedia.media_type, RSM_OPEN_ALWAYS, NULL, &app) !=
        RSM_OK)
        return -2;
    if (rsm_media_move(f->e, &f->c, &pm, &app) != RSM_OK)
        return -3;
    uint32_t n = 0;
    if (rsm_enumerate(f->e, &f->c, &pm, RSM_OT_PARTITION, 0, &side, 1, &n) != RSM_OK || n != 1)
        return -4;
    rsm_rc rc = rsm_media_allocate(f->e, &f->c, &app, &side, &lm, 0, 0, NULL);
    ifix_settle(f);
    if (rc != RSM_OK)
        return -5;
    rsm_guid_to_api(lmid, &lm);
    return 0;
}

/* Where the database has @barcode: type (slot 16, drive 5, port 8) and element number;
 * false when it is not in this library. */
static bool db_place(struct ifix *f, const char *barcode, uint32_t *type, int64_t *number)
{
    static const char *const sql =
        "SELECT p.loc_type, coalesce((SELECT number FROM slot WHERE guid=p.location),"
        " (SELECT number FROM drive WHERE guid=p.location),"
        " (SELECT number FROM ieport WHERE guid=p.location), -1)"
        " FROM pmedia p WHERE p.barcode=?1 AND p.library=?2";
    rsm_engine_lock(f->e);
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(rsm_db_handle(f->e->db), sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, barcode, -1, SQLITE_STATIC);
        rsm_db_bind_guid_nn(st, 2, &f->glib);
        if (sqlite3_step(st) == SQLITE_ROW) {
            *type = (uint32_t)sqlite3_column_int(st, 0);
            *number = sqlite3_column_int64(st, 1);
            found = true;
        }
    }
    sqlite3_finalize(st);
    rsm_engine_unlock(f->e);
    return found;
}

unsigned ifix_diff(struct ifix *f)
{
    static const struct {
        enum vtl_elem_type vt;
        uint32_t ot;
    } kinds[] = {{VTL_ELEM_STORAGE, RSM_OT_STORAGESLOT},
                 {VTL_ELEM_DTE, RSM_OT_DRIVE},
                 {VTL_ELEM_IE, RSM_OT_IEPORT}};
    unsigned diff = 0, n_sim = 0;
    for (size_t k = 0; k < 3; k++) {
        unsigned count = vtl_library_count(f->vl, kinds[k].vt);
        for (unsigned i = 0; i < count; i++) {
            struct vtl_elem_info info;
            if (vtl_library_elem_at(f->vl, kinds[k].vt, i, &info) != VTL_OK || !info.full)
                continue;
            n_sim++;
            uint32_t type = 0;
            int64_t num = 0;
            if (!db_place(f, info.cart.barcode, &type, &num)) {
                /* An ejected cleaner and an operator's cartridge still in a mail slot are
                 * not (yet) RSM's; everything else must be. */
                if (kinds[k].vt == VTL_ELEM_IE && info.impexp)
                    continue;
                fprintf(stderr, "diff: %s in sim element %u, not in the database\n",
                        info.cart.barcode, info.addr);
                diff++;
            } else if (type != kinds[k].ot || num != (int64_t)i + 1) {
                fprintf(stderr, "diff: %s at sim type %u #%u, database type %u #%lld\n",
                        info.cart.barcode, kinds[k].ot, i + 1, type, (long long)num);
                diff++;
            }
        }
    }
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pmedia WHERE library=?1");
    int64_t n_db = ifix_q(f, sql, &f->glib);
    unsigned n_ie_operator = 0;
    for (unsigned i = 0; i < vtl_library_count(f->vl, VTL_ELEM_IE); i++) {
        struct vtl_elem_info info;
        if (vtl_library_elem_at(f->vl, VTL_ELEM_IE, i, &info) == VTL_OK && info.full) {
            uint32_t t;
            int64_t n;
            if (!db_place(f, info.cart.barcode, &t, &n))
                n_ie_operator++;
        }
    }
    if (n_db != (int64_t)(n_sim - n_ie_operator)) {
        fprintf(stderr, "diff: database has %lld media in the library, simulator %u\n",
                (long long)n_db, n_sim - n_ie_operator);
        diff++;
    }
    return diff;
}
