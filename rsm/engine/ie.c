/* SPDX-License-Identifier: MIT
 * Import/export through the mail slots, door access, slot identification, deleting
 * drives and libraries, UI destinations, and the periodic tick (contract in ieclean.h).
 *
 * Start reading at rsm_ie_inject() and rsm_ie_eject(); rsm_iec_tick() finishes what they
 * leave waiting. Robot work holds the library (iec_acquire -> rsm_lc_acquire_ex) and takes
 * e->mu only around database statements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsm/api/session.h" /* rsm_rc_to_win32 */
#include "rsm/engine/devreg.h"
#include "rsm/engine/ie_int.h"

/* ---- time -------------------------------------------------------------------------------- */

static uint64_t mono_now_ms(void *arg)
{
    (void)arg;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void mono_sleep_ms(void *arg, uint32_t ms)
{
    (void)arg;
    struct timespec ts = {.tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L};
    nanosleep(&ts, NULL);
}

static struct rsm_iec_clock iec_clock = {mono_now_ms, mono_sleep_ms, NULL};

void rsm_iec_set_clock(const struct rsm_iec_clock *clk)
{
    if (clk)
        iec_clock = *clk;
    else
        iec_clock = (struct rsm_iec_clock){mono_now_ms, mono_sleep_ms, NULL};
}

uint64_t rsm_iec_now_ms(void)
{
    return iec_clock.now_ms(iec_clock.arg);
}

void rsm_iec_sleep_ms(uint32_t ms)
{
    iec_clock.sleep_ms(iec_clock.arg, ms);
}

/* ---- per-engine state ------------------------------------------------------------------- */

/* Keyed by the engine and its directory: an engine freed and another allocated at the same
 * address on another database must not inherit waiting operations. */
struct iec_engine {
    struct rsm_engine *e;
    char dir[sizeof((struct rsm_engine *)0)->dir];
    struct iec_lib *libs;
    struct iec_engine *next;
};
static pthread_mutex_t iec_mu = PTHREAD_MUTEX_INITIALIZER;
static struct iec_engine *iec_engines;

struct iec_lib *iec_state(struct rsm_engine *e, const struct rsm_guid *library)
{
    pthread_mutex_lock(&iec_mu);
    struct iec_engine *ie = iec_engines;
    while (ie && !(ie->e == e && strcmp(ie->dir, e->dir) == 0))
        ie = ie->next;
    if (!ie && (ie = calloc(1, sizeof *ie)) != NULL) {
        ie->e = e;
        snprintf(ie->dir, sizeof ie->dir, "%s", e->dir);
        ie->next = iec_engines;
        iec_engines = ie;
    }
    struct iec_lib *s = NULL;
    if (ie) {
        for (s = ie->libs; s && !rsm_guid_eq(&s->lib, library); s = s->next)
            ;
        if (!s && (s = calloc(1, sizeof *s)) != NULL) {
            s->lib = *library;
            s->next = ie->libs;
            ie->libs = s;
        }
    }
    pthread_mutex_unlock(&iec_mu);
    return s;
}

const struct rsm_caller *iec_root(void)
{
    static const struct rsm_caller root = {.uid = 0, .app = "Removable Storage"};
    return &root;
}

/* ---- database access ------------------------------------------------------------------- */

static void bind3(sqlite3_stmt *st, const struct rsm_guid *a, const struct rsm_guid *b, int64_t v)
{
    if (sqlite3_bind_parameter_count(st) >= 1)
        rsm_db_bind_guid(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        rsm_db_bind_guid(st, 2, b);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_int64(st, 3, v);
}

/* One statement; e->mu held, inside the caller's transaction. */
static rsm_rc exec_locked(struct rsm_engine *e, const char *sql, const struct rsm_guid *a,
                          const struct rsm_guid *b, int64_t v)
{
    sqlite3_stmt *st = rsm_db_stmt(e->db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    bind3(st, a, b, v);
    return rsm_db_step_done(st);
}

rsm_rc iec_exec(struct rsm_engine *e, const char *sql, const struct rsm_guid *a,
                const struct rsm_guid *b, int64_t v)
{
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = exec_locked(e, sql, a, b, v);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

static rsm_rc q_row(struct rsm_engine *e, const char *sql, const struct rsm_guid *a,
                    const struct rsm_guid *b, int64_t v, int64_t *iout, struct rsm_guid *gout)
{
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, sql);
    rsm_rc rc = RSM_E_DB_FAILURE;
    if (st) {
        bind3(st, a, b, v);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            if (iout)
                *iout = sqlite3_column_int64(st, 0);
            if (gout)
                rsm_db_col_guid(st, 0, gout);
            rc = RSM_OK;
        } else {
            rc = src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
        }
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc iec_q_int(struct rsm_engine *e, const char *sql, const struct rsm_guid *a,
                 const struct rsm_guid *b, int64_t v, int64_t *out)
{
    return q_row(e, sql, a, b, v, out, NULL);
}

rsm_rc iec_q_guid(struct rsm_engine *e, const char *sql, const struct rsm_guid *a,
                  const struct rsm_guid *b, int64_t v, struct rsm_guid *out)
{
    return q_row(e, sql, a, b, v, NULL, out);
}

rsm_rc iec_req_put(struct rsm_engine *e, const struct rsm_guid *id, const struct rsm_guid *lib,
                   uint32_t op, uint32_t state, const struct rsm_guid *pm,
                   const struct rsm_guid *drive, const struct rsm_guid *slot, uint32_t err)
{
    static const char *const names[] = {[NTMS_LM_EJECT] = "Eject",
                                        [NTMS_LM_EJECTCLEANER] = "Eject cleaner",
                                        [NTMS_LM_INJECT] = "Inject",
                                        [NTMS_LM_INJECTCLEANER] = "Inject cleaner",
                                        [NTMS_LM_CLEANDRIVE] = "Clean drive",
                                        [NTMS_LM_DOORACCESS] = "Door access",
                                        [NTMS_LM_CLASSIFY] = "Identify slot"};
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    uint32_t t = 0;
    bool exists = rc == RSM_OK && rsm_obj_type(e->db, id, &t) == RSM_OK;
    bool finished = state == NTMS_LM_PASSED || state == NTMS_LM_FAILED ||
                    state == NTMS_LM_CANCELLED || state == NTMS_LM_STOPPED;
    if (rc == RSM_OK && !exists) {
        const char *n = op < sizeof names / sizeof names[0] && names[op] ? names[op] : "Request";
        rc = rsm_obj_insert(e->db, id, RSM_OT_LIBREQUEST, n, "");
    }
    sqlite3_stmt *st = NULL;
    if (rc == RSM_OK)
        st = rsm_db_stmt(e->db,
                         "INSERT INTO libreq(guid,library,op,state,pmedia,drive,slot,queued,"
                         "completed,app,user,err) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,"
                         "'Removable Storage','0',?10) ON CONFLICT(guid) DO UPDATE SET "
                         "state=excluded.state, completed=excluded.completed, err=excluded.err,"
                         " pmedia=ifnull(excluded.pmedia, pmedia)");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        int64_t now = rsm_db_now_ms();
        rsm_db_bind_guid_nn(st, 1, id);
        rsm_db_bind_guid(st, 2, lib);
        sqlite3_bind_int(st, 3, (int)op);
        sqlite3_bind_int(st, 4, (int)state);
        rsm_db_bind_guid(st, 5, pm);
        rsm_db_bind_guid(st, 6, drive);
        rsm_db_bind_guid(st, 7, slot);
        sqlite3_bind_int64(st, 8, now);
        sqlite3_bind_int64(st, 9, finished ? now : 0);
        /* The row keeps dwErrorCode (as reqq.c's do): the Win32 code of the engine result. */
        sqlite3_bind_int64(st, 10, err ? (int64_t)rsm_rc_to_win32((rsm_rc)err) : 0);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rsm_notify(e, RSM_OT_LIBREQUEST, exists ? RSM_EV_UPDATE : RSM_EV_INSERT, id);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

uint32_t rsm_iec_open_requests(struct rsm_engine *e)
{
    int64_t n = 0;
    if (iec_q_int(e, "SELECT count(*) FROM libreq WHERE state IN (0,1,5)", NULL, NULL, 0, &n) !=
        RSM_OK)
        return 0;
    return (uint32_t)n;
}

rsm_rc rsm_iec_request_state(struct rsm_engine *e, const struct rsm_guid *op, uint32_t *state,
                             uint32_t *err)
{
    int64_t s = 0, r = 0;
    rsm_rc rc = iec_q_int(e, "SELECT state FROM libreq WHERE guid=?1", op, NULL, 0, &s);
    if (rc == RSM_OK)
        rc = iec_q_int(e, "SELECT err FROM libreq WHERE guid=?1", op, NULL, 0, &r);
    if (rc == RSM_OK) {
        if (state)
            *state = (uint32_t)s;
        if (err)
            *err = (uint32_t)r;
    }
    return rc;
}

rsm_rc iec_element(struct rsm_engine *e, const char *table, const struct rsm_guid *lib,
                   uint32_t number, struct rsm_guid *out)
{
    const char *sql =
        strcmp(table, "slot") == 0    ? "SELECT guid FROM slot WHERE library=?1 AND number=?3"
        : strcmp(table, "drive") == 0 ? "SELECT guid FROM drive WHERE library=?1 AND number=?3"
                                      : "SELECT guid FROM ieport WHERE library=?1 AND number=?3";
    return iec_q_guid(e, sql, lib, NULL, number, out);
}

rsm_rc iec_check_library(struct rsm_engine *e, const struct rsm_caller *c,
                         const struct rsm_guid *lib, uint32_t need)
{
    if (!lib)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    uint32_t t = 0;
    rsm_rc rc = RSM_OK;
    if (rsm_obj_type(e->db, lib, &t) != RSM_OK || t != RSM_OT_LIBRARY)
        rc = RSM_E_INVALID_LIBRARY;
    else if (rsm_guid_eq(lib, &e->offline_lib))
        rc = RSM_E_LIBRARY_OFFLINE;
    else
        rc = rsm_sec_need(e, c, lib, need);
    if (rc == RSM_OK && !rsm_obj_enabled(e->db, lib))
        rc = RSM_E_RESOURCE_DISABLED;
    rsm_engine_unlock(e);
    return rc;
}

/* ---- device access ---------------------------------------------------------------------- */

enum rsm_dev_rc iec_move(struct rsm_lc_lib *L, uint16_t src, uint16_t dst)
{
    enum rsm_dev_rc drc = rsm_chg_move(L->dev->chg, src, dst);
    /* Re-read even after a failure: a partly done motion must not leave a stale view. */
    enum rsm_dev_rc irc = rsm_dev_lib_inventory(L->dev, false);
    return drc != RSM_DEV_OK ? drc : irc;
}

uint16_t iec_cleaner_addr(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    int64_t n = 0;
    if (iec_q_int(e,
                  "SELECT s.number FROM library l JOIN slot s ON s.guid=l.cleaner_slot "
                  "WHERE l.guid=?1",
                  &L->guid, NULL, 0, &n) != RSM_OK)
        return 0;
    return rsm_dev_lib_addr(L->dev, 2, (uint32_t)n);
}

static uint16_t empty_of(const struct rsm_dev_lib *dev, uint8_t type, uint16_t skip)
{
    for (size_t i = 0; i < dev->elems.n; i++) {
        const struct rsm_chg_elem *el = &dev->elems.elems[i];
        if (el->type == type && !el->full && !el->except && el->addr != skip)
            return el->addr;
    }
    return 0;
}

uint32_t iec_take_in(struct rsm_engine *e, struct rsm_lc_lib *L, uint32_t *left)
{
    uint16_t cln = iec_cleaner_addr(e, L);
    uint32_t moved = 0, stay = 0;
    uint16_t last = 0;
    for (;;) {
        const struct rsm_chg_elem *ie = NULL;
        for (size_t i = 0; i < L->dev->elems.n && !ie; i++) {
            const struct rsm_chg_elem *el = &L->dev->elems.elems[i];
            if (el->type == 3 && el->full && el->impexp && el->addr > last)
                ie = el;
        }
        if (!ie)
            break;
        last = ie->addr;
        uint16_t dst = empty_of(L->dev, 2, cln);
        if (!dst) {
            stay++;
            continue;
        }
        if (iec_move(L, ie->addr, dst) == RSM_DEV_OK)
            moved++;
        else
            stay++;
    }
    if (left)
        *left = stay;
    return moved;
}

void iec_sync_ports(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    for (size_t i = 0; i < L->dev->elems.n; i++) {
        const struct rsm_chg_elem *el = &L->dev->elems.elems[i];
        if (el->type != 3)
            continue;
        struct rsm_guid port;
        if (iec_element(e, "ieport", &L->guid, rsm_dev_lib_number(L->dev, el->addr, NULL), &port) ==
            RSM_OK)
            (void)iec_exec(e, "UPDATE ieport SET content=?3 WHERE guid=?1", &port, NULL,
                           el->full ? NTMS_PORTCONTENT_FULL : NTMS_PORTCONTENT_EMPTY);
    }
}

static void set_ports_position(struct rsm_engine *e, const struct rsm_guid *lib, uint32_t pos)
{
    (void)iec_exec(e, "UPDATE ieport SET position=?3 WHERE library=?1", lib, NULL, pos);
}

rsm_rc iec_acquire(struct rsm_engine *e, const struct rsm_guid *lib, struct rsm_lc_lib **out)
{
    struct rsm_lc_lib *L;
    rsm_rc rc = rsm_lc_acquire_ex(e, lib, false, &L);
    if (rc != RSM_OK)
        return rc;
    if (L->pending & RSM_DEV_EV_INVENTORY) {
        /* The operator used the mail slots or the door: take cartridges in our way (the
         * cleaner slot stays free), then let the inventory register what it finds. */
        if (!L->dev->standalone && rsm_dev_lib_inventory(L->dev, false) == RSM_DEV_OK)
            (void)iec_take_in(e, L, NULL);
        rc = rsm_lc_reconcile(e, L, false, NULL);
        if (rc != RSM_OK) {
            rsm_lc_release(L);
            return rc;
        }
        iec_sync_ports(e, L);
    }
    *out = L;
    return RSM_OK;
}

/* ---- inject ----------------------------------------------------------------------------- */

static uint64_t port_timeout_ms(struct rsm_engine *e, const struct rsm_guid *lib)
{
    int64_t s = 0;
    if (iec_q_int(e, "SELECT max(max_extend_secs) FROM ieport WHERE library=?1", lib, NULL, 0,
                  &s) != RSM_OK ||
        s <= 0)
        s = 60;
    return (uint64_t)s * 1000u;
}

/* OPEN (or CLOSE) IMPORT/EXPORT ELEMENT on every mail slot, one address at a time:
 * address 0 ("all", SMC-3) is refused by changers that want a real element (21/01). */
enum rsm_dev_rc iec_port_cmd(struct rsm_lc_lib *L, bool open)
{
    const struct rsm_chg_range *ie = &L->dev->layout.ie;
    enum rsm_dev_rc drc = RSM_DEV_OK;
    for (uint16_t i = 0; i < ie->count && drc == RSM_DEV_OK; i++)
        drc = open ? rsm_chg_ie_open(L->dev->chg, (uint16_t)(ie->first + i))
                   : rsm_chg_ie_close(L->dev->chg, (uint16_t)(ie->first + i));
    return drc;
}

/* Opens the mail slots for the operator. Changers without OPEN IMPORT/EXPORT ELEMENT
 * (20/00) are opened by hand once PREVENT is released, so that answer is not a failure. */
static rsm_rc open_port(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    enum rsm_dev_rc drc = rsm_chg_prevent(L->dev->chg, false);
    if (drc == RSM_DEV_OK || drc == RSM_DEV_E_UNSUPPORTED || drc == RSM_DEV_E_ILLEGAL)
        drc = iec_port_cmd(L, true);
    if (drc != RSM_DEV_OK && drc != RSM_DEV_E_UNSUPPORTED && drc != RSM_DEV_E_ILLEGAL) {
        rsm_rc rc = rsm_lc_map_dev(drc);
        if (rc == RSM_E_LIBRARY_OFFLINE)
            rsm_lc_changer_failed(e, L);
        return rc;
    }
    set_ports_position(e, &L->guid, NTMS_PORTPOSITION_EXTENDED);
    return RSM_OK;
}

static void close_port(struct rsm_engine *e, struct rsm_lc_lib *L)
{
    /* Best effort: a changer that cannot close its mail slots leaves that to the
     * operator; the port is retracted as far as RSM is concerned. */
    (void)iec_port_cmd(L, false);
    set_ports_position(e, &L->guid, NTMS_PORTPOSITION_RETRACTED);
}

/* Closes the inject port of @s and takes in what the operator put there. */
static rsm_rc inject_finish(struct rsm_engine *e, struct rsm_lc_lib *L, struct iec_lib *s,
                            bool reopen)
{
    close_port(e, L);
    rsm_rc rc = RSM_OK;
    uint32_t left = 0, moved = 0;
    if (rsm_dev_lib_inventory(L->dev, false) != RSM_DEV_OK)
        rc = RSM_E_DEVICE_NOT_AVAILABLE;
    if (rc == RSM_OK && s->inj_cleaner)
        rc = iec_cleaner_take_in(e, L, s->inj_cleaner_uses);
    if (rc == RSM_OK && !s->inj_cleaner)
        moved = iec_take_in(e, L, &left);
    if (rc == RSM_OK)
        rc = rsm_lc_reconcile(e, L, false, NULL);
    iec_sync_ports(e, L);
    if (rc == RSM_OK && left) {
        if (rsm_opreq_raise(e, NULL, RSM_OPREQ_MOVEMEDIA,
                            "Remove the cartridges left in the mail slots: the library "
                            "has no free slot for them",
                            &L->guid, NULL, &s->mm_req) == RSM_OK)
            s->mm_raised = true;
        if (!moved)
            rc = RSM_E_LIBRARY_FULL;
    }
    (void)iec_req_put(e, &s->inj_op, &L->guid,
                      s->inj_cleaner ? NTMS_LM_INJECTCLEANER : NTMS_LM_INJECT,
                      rc == RSM_OK ? (reopen ? NTMS_LM_INPROCESS : NTMS_LM_PASSED) : NTMS_LM_FAILED,
                      NULL, NULL, NULL, rc == RSM_OK ? 0 : (uint32_t)rc);
    if (reopen && rc == RSM_OK) {
        rc = open_port(e, L);
        s->inj_deadline_ms = rsm_iec_now_ms() + port_timeout_ms(e, &L->guid);
    }
    if (!reopen || rc != RSM_OK) {
        s->inj_active = false;
        if (rc != RSM_OK && reopen)
            (void)iec_req_put(e, &s->inj_op, &L->guid, NTMS_LM_INJECT, NTMS_LM_FAILED, NULL, NULL,
                              NULL, (uint32_t)rc);
    }
    return rc;
}

rsm_rc iec_inject(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *library,
                  struct rsm_guid *op, uint32_t action, bool cleaner, uint32_t uses)
{
    if (!library || !op || action > NTMS_INJECT_STARTMANY ||
        (cleaner && action != NTMS_INJECT_START && action != NTMS_INJECT_STOP))
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    rsm_rc rc = iec_check_library(e, c, library, RSM_CONTROL_ACCESS);
    if (rc != RSM_OK)
        return rc;
    struct iec_lib *s = iec_state(e, library);
    if (!s)
        return RSM_E_NOMEM;
    struct rsm_lc_lib *L;
    rc = iec_acquire(e, library, &L);
    if (rc != RSM_OK)
        return rc;
    if (L->dev->standalone || L->dev->layout.ie.count == 0) {
        rsm_lc_release(L);
        return cleaner && action == NTMS_INJECT_STOP ? RSM_E_INVALID_OPERATION
                                                     : RSM_E_RESOURCE_NOT_PRESENT;
    }
    if (action == NTMS_INJECT_START || action == NTMS_INJECT_STARTMANY) {
        if (s->inj_active) {
            rc = RSM_E_BUSY; /* one port: one inject at a time */
        } else if (cleaner) {
            int64_t have = 0;
            struct rsm_guid slot;
            if (iec_q_guid(e,
                           "SELECT cleaner_slot FROM library WHERE guid=?1 AND "
                           "cleaner_slot IS NOT NULL",
                           library, NULL, 0, &slot) != RSM_OK)
                rc = RSM_E_CLEANER_SLOT_NOT_SET;
            else if (iec_q_int(e, "SELECT state FROM slot WHERE guid=?1", &slot, NULL, 0, &have) ==
                         RSM_OK &&
                     have == RSM_SLOT_FULL)
                rc = RSM_E_RESOURCE_NOT_AVAILABLE;
        }
        if (rc == RSM_OK)
            rc = open_port(e, L);
        if (rc == RSM_OK) {
            rsm_guid_new(&s->inj_op);
            s->inj_active = true;
            s->inj_many = action == NTMS_INJECT_STARTMANY;
            s->inj_cleaner = cleaner;
            s->inj_cleaner_uses = uses;
            s->inj_deadline_ms = rsm_iec_now_ms() + port_timeout_ms(e, library);
            rc = iec_req_put(e, &s->inj_op, library,
                             cleaner ? NTMS_LM_INJECTCLEANER : NTMS_LM_INJECT, NTMS_LM_INPROCESS,
                             NULL, NULL, NULL, 0);
            if (rc == RSM_OK)
                *op = s->inj_op;
        }
    } else {
        /* STOP or RETRACT name the operation they end. */
        if (!s->inj_active || !rsm_guid_eq(op, &s->inj_op) || s->inj_cleaner != cleaner ||
            (action == NTMS_INJECT_RETRACT && !s->inj_many))
            rc = RSM_E_INVALID_OPERATION;
        else
            rc = inject_finish(e, L, s, action == NTMS_INJECT_RETRACT);
    }
    rsm_lc_release(L);
    return rc;
}

rsm_rc rsm_ie_inject(struct rsm_engine *e, const struct rsm_caller *c,
                     const struct rsm_guid *library, struct rsm_guid *op, uint32_t action)
{
    return iec_inject(e, c, library, op, action, false, 0);
}

/* ---- eject ------------------------------------------------------------------------------ */

struct pm_row {
    struct rsm_guid library, location, pool;
    uint32_t loc_type, state, pool_type;
    bool cleaner, enabled;
};

static rsm_rc pm_row(struct rsm_engine *e, const struct rsm_guid *pm, struct pm_row *out)
{
    memset(out, 0, sizeof *out);
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(
        e->db, "SELECT p.library, ifnull(p.location, zeroblob(16)), p.loc_type, p.state, "
               "p.pool, o.pooltype, t.code FROM pmedia p JOIN pool o ON o.guid=p.pool "
               "JOIN media_type t ON t.guid=p.mtype WHERE p.guid=?1");
    rsm_rc rc = RSM_E_DB_FAILURE;
    if (st) {
        rsm_db_bind_guid_nn(st, 1, pm);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            rsm_db_col_guid(st, 0, &out->library);
            rsm_db_col_guid(st, 1, &out->location);
            out->loc_type = (uint32_t)sqlite3_column_int(st, 2);
            out->state = (uint32_t)sqlite3_column_int(st, 3);
            rsm_db_col_guid(st, 4, &out->pool);
            out->pool_type = (uint32_t)sqlite3_column_int(st, 5);
            out->cleaner = sqlite3_column_int(st, 6) == 0x32; /* Cleaner Cartridge */
            rc = RSM_OK;
        } else {
            rc = src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
        }
        sqlite3_reset(st);
    }
    if (rc == RSM_OK)
        out->enabled = rsm_obj_enabled(e->db, pm);
    rsm_engine_unlock(e);
    return rc;
}

/* What becomes of a cartridge the operator took out of a mail slot (ntms-api.md §6.6):
 * deleted when a cleaner, import or unrecognized (unless KEEPOFFLINEIMPORT), or free with
 * PURGEOFFLINESCRATCH; otherwise kept in the offline library. */
static rsm_rc ejected_fate(struct rsm_engine *e, const struct rsm_guid *pm)
{
    struct pm_row r;
    rsm_rc rc = pm_row(e, pm, &r);
    if (rc != RSM_OK)
        return rc == RSM_E_INVALID_MEDIA ? RSM_OK : rc; /* already gone */
    int64_t policy = 0;
    (void)iec_q_int(e, "SELECT pool_policy FROM computer", NULL, NULL, 0, &policy);
    bool drop = r.cleaner || r.pool_type == RSM_POOL_FOREIGN ||
                (r.pool_type == RSM_POOL_IMPORT && !(policy & NTMS_POOLPOLICY_KEEPOFFLINEIMPORT)) ||
                (r.pool_type == RSM_POOL_SCRATCH && (policy & NTMS_POOLPOLICY_PURGEOFFLINESCRATCH));
    if (!rsm_guid_eq(&r.library, &e->offline_lib)) {
        if (r.loc_type == RSM_OT_IEPORT) {
            /* devreg's media_gone empties a slot location; a port is ours to empty. */
            rsm_engine_lock(e);
            rc = rsm_db_begin(e->db);
            if (rc == RSM_OK)
                rc = exec_locked(e, "UPDATE ieport SET content=?3 WHERE guid=?1", &r.location, NULL,
                                 NTMS_PORTCONTENT_EMPTY);
            if (rc == RSM_OK)
                rc = exec_locked(e, "UPDATE pmedia SET location=NULL WHERE guid=?1", pm, NULL, 0);
            rc = rsm_db_end(e->db, rc);
            rsm_engine_unlock(e);
        }
        if (rc == RSM_OK)
            rc = rsm_dev_media_gone(e, pm);
    }
    if (rc == RSM_OK && drop)
        rc = rsm_media_delete(e, iec_root(), pm);
    if (rc == RSM_OK)
        rsm_notify(e, RSM_OT_PHYSICAL_MEDIA, drop ? RSM_EV_DELETE : RSM_EV_UPDATE, pm);
    return rc;
}

static void batch_remove(struct iec_lib *s, size_t i)
{
    s->ej[i] = s->ej[--s->ej_n];
}

/* Presents every queued medium of the batch that finds an empty mail slot. */
static rsm_rc eject_present(struct rsm_engine *e, struct rsm_lc_lib *L, struct iec_lib *s)
{
    rsm_rc rc = RSM_OK;
    bool waiting = false, moved = false, closed = false;
    for (size_t i = 0; i < s->ej_n && rc == RSM_OK; i++) {
        struct iec_eject *x = &s->ej[i];
        if (x->ie_addr)
            continue;
        struct pm_row r;
        if (pm_row(e, &x->pm, &r) != RSM_OK || r.loc_type != RSM_OT_STORAGESLOT ||
            rsm_guid_eq(&r.library, &e->offline_lib)) {
            batch_remove(s, i--); /* deleted or moved away meanwhile: nothing to eject */
            continue;
        }
        int64_t num = 0;
        if (iec_q_int(e, "SELECT number FROM slot WHERE guid=?1", &r.location, NULL, 0, &num) !=
            RSM_OK) {
            batch_remove(s, i--);
            continue;
        }
        uint16_t src = rsm_dev_lib_addr(L->dev, 2, (uint32_t)num);
        uint16_t dst = empty_of(L->dev, 3, 0);
        if (!dst) {
            waiting = true;
            continue;
        }
        if (!closed) {
            /* The robot reaches the mail slots only with their door shut (an open one takes
             * them out of its reach, as it does on real libraries). */
            (void)iec_port_cmd(L, false);
            closed = true;
        }
        enum rsm_dev_rc drc = iec_move(L, src, dst);
        if (drc != RSM_DEV_OK) {
            rc = rsm_lc_map_dev(drc);
            if (rc == RSM_E_LIBRARY_OFFLINE)
                rsm_lc_changer_failed(e, L);
            else if (rc == RSM_E_MEDIA_NOT_AVAILABLE) {
                batch_remove(s, i--); /* not where the database said: inventory settles it */
                L->pending |= RSM_DEV_EV_NOT_READY_TO_READY;
                rc = RSM_OK;
            }
            break;
        }
        struct rsm_guid port;
        if (iec_element(e, "ieport", &L->guid, rsm_dev_lib_number(L->dev, dst, NULL), &port) !=
            RSM_OK)
            memset(&port, 0, sizeof port);
        x->ie_addr = dst;
        x->home = r.location;
        moved = true;
        rsm_engine_lock(e);
        rsm_rc r2 = rsm_db_begin(e->db);
        if (r2 == RSM_OK)
            r2 = exec_locked(e, "UPDATE pmedia SET location=?2, loc_type=8 WHERE guid=?1", &x->pm,
                             &port, 0);
        if (r2 == RSM_OK)
            r2 = exec_locked(e, "UPDATE slot SET state=2 WHERE guid=?1", &r.location, NULL, 0);
        if (r2 == RSM_OK)
            r2 = exec_locked(e, "UPDATE ieport SET content=1 WHERE guid=?1", &port, NULL, 0);
        r2 = rsm_db_end(e->db, r2);
        rsm_engine_unlock(e);
        if (r2 == RSM_OK)
            rsm_notify(e, RSM_OT_PHYSICAL_MEDIA, RSM_EV_UPDATE, &x->pm);
        else
            rc = r2;
    }
    if (closed) {
        /* Reopened for the operator with what it held before, after a failed move too. */
        rsm_rc orc = open_port(e, L);
        if (rc == RSM_OK)
            rc = orc;
    }
    if (moved)
        s->ej_deadline_ms = rsm_iec_now_ms() + port_timeout_ms(e, &L->guid);
    if (waiting && rsm_opreq_raise(e, NULL, RSM_OPREQ_MOVEMEDIA,
                                   "Empty the mail slots: cartridges are waiting to be ejected",
                                   &L->guid, NULL, &s->mm_req) == RSM_OK)
        s->mm_raised = true;
    (void)iec_req_put(e, &s->ej_op, &L->guid, NTMS_LM_EJECT,
                      waiting || rc != RSM_OK ? NTMS_LM_WAITING : NTMS_LM_INPROCESS, NULL, NULL,
                      NULL, rc == RSM_OK ? 0 : (uint32_t)rc);
    return rc;
}

/* Settles presented media whose mail slot the operator emptied; ends the batch when
 * nothing is left. @retract: media still in the port go back to their slots (STOP,
 * timeout). */
static rsm_rc eject_settle(struct rsm_engine *e, struct rsm_lc_lib *L, struct iec_lib *s,
                           bool retract, uint32_t end_state)
{
    rsm_rc rc = RSM_OK;
    for (size_t i = 0; i < s->ej_n; i++) {
        struct iec_eject *x = &s->ej[i];
        if (!x->ie_addr)
            continue;
        const struct rsm_chg_elem *el = rsm_dev_lib_elem(L->dev, x->ie_addr);
        if (el && !el->full) {
            rsm_rc r = ejected_fate(e, &x->pm);
            if (r != RSM_OK && rc == RSM_OK)
                rc = r;
            batch_remove(s, i--);
        } else if (retract) {
            int64_t num = 0;
            uint16_t dst = 0;
            if (iec_q_int(e, "SELECT number FROM slot WHERE guid=?1", &x->home, NULL, 0, &num) ==
                RSM_OK)
                dst = rsm_dev_lib_addr(L->dev, 2, (uint32_t)num);
            const struct rsm_chg_elem *de = dst ? rsm_dev_lib_elem(L->dev, dst) : NULL;
            if (!de || de->full)
                dst = empty_of(L->dev, 2, iec_cleaner_addr(e, L));
            (void)iec_port_cmd(L, false); /* the robot needs the mail-slot door shut */
            if (!dst || iec_move(L, x->ie_addr, dst) != RSM_DEV_OK) {
                rc = RSM_E_LIBRARY_OFFLINE;
                continue; /* left in the port; the next tick retries */
            }
            struct rsm_guid slot;
            if (iec_element(e, "slot", &L->guid, rsm_dev_lib_number(L->dev, dst, NULL), &slot) ==
                RSM_OK) {
                rsm_engine_lock(e);
                rsm_rc r2 = rsm_db_begin(e->db);
                if (r2 == RSM_OK)
                    r2 = exec_locked(e,
                                     "UPDATE pmedia SET location=?2, loc_type=16, home_slot=?2 "
                                     "WHERE guid=?1",
                                     &x->pm, &slot, 0);
                if (r2 == RSM_OK)
                    r2 = exec_locked(e, "UPDATE slot SET state=1 WHERE guid=?1", &slot, NULL, 0);
                (void)rsm_db_end(e->db, r2); /* the next inventory repairs a failed write */
                rsm_engine_unlock(e);
                rsm_notify(e, RSM_OT_PHYSICAL_MEDIA, RSM_EV_UPDATE, &x->pm);
            }
            batch_remove(s, i--);
        }
    }
    if (retract) {
        /* Queued media that never found a mail slot stay where they are. */
        size_t k = 0;
        for (size_t i = 0; i < s->ej_n; i++)
            if (s->ej[i].ie_addr)
                s->ej[k++] = s->ej[i];
        s->ej_n = k;
    }
    iec_sync_ports(e, L);
    if (s->ej_n == 0 && s->ej_started) {
        close_port(e, L);
        (void)iec_req_put(e, &s->ej_op, &L->guid, NTMS_LM_EJECT, end_state, NULL, NULL, NULL,
                          rc == RSM_OK ? 0 : (uint32_t)rc);
        s->ej_started = false;
    }
    return rc;
}

rsm_rc rsm_ie_eject(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *medium,
                    struct rsm_guid *op, uint32_t action)
{
    if (action > NTMS_EJECT_FORCE || (action != NTMS_EJECT_QUEUE && !op))
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    bool have = medium && !rsm_guid_is_null(medium);
    if (!have && action != NTMS_EJECT_START && action != NTMS_EJECT_STOP)
        return RSM_E_INVALID_PARAMETER;
    struct pm_row r;
    struct rsm_guid library;
    rsm_rc rc = RSM_OK;
    if (have) {
        rc = pm_row(e, medium, &r);
        if (rc != RSM_OK)
            return rc;
        if (rsm_guid_eq(&r.library, &e->offline_lib))
            return RSM_E_LIBRARY_OFFLINE;
        library = r.library;
    } else if (action == NTMS_EJECT_STOP) {
        /* Find the library whose batch is @op. */
        if (iec_q_guid(e, "SELECT library FROM libreq WHERE guid=?1 AND op=10", op, NULL, 0,
                       &library) != RSM_OK)
            return RSM_E_INVALID_OPERATION;
    } else {
        /* START with no medium: the batch queued last (QUEUE named its media). */
        if (iec_q_guid(e,
                       "SELECT library FROM libreq WHERE op=10 AND state IN (0,5) ORDER BY "
                       "queued DESC LIMIT 1",
                       NULL, NULL, 0, &library) != RSM_OK)
            return RSM_E_INVALID_PARAMETER; /* nothing queued anywhere */
    }
    rc = iec_check_library(e, c, &library, RSM_CONTROL_ACCESS);
    if (rc != RSM_OK)
        return rc;
    if (have && action != NTMS_EJECT_STOP && !r.enabled)
        return RSM_E_MEDIA_NOT_AVAILABLE;
    if (have && action != NTMS_EJECT_STOP && r.state != RSM_MEDIASTATE_IDLE &&
        action != NTMS_EJECT_FORCE)
        return RSM_E_BUSY;
    struct iec_lib *s = iec_state(e, &library);
    if (!s)
        return RSM_E_NOMEM;
    if (have && action == NTMS_EJECT_FORCE && r.loc_type == RSM_OT_DRIVE) {
        /* In use: FORCE takes it out of the drive first. */
        struct rsm_guid side;
        if (iec_q_guid(e, "SELECT guid FROM side WHERE pmedia=?1 LIMIT 1", medium, NULL, 0,
                       &side) == RSM_OK)
            rc = rsm_lc_dismount(e, iec_root(), &side, 1, NTMS_DISMOUNT_IMMEDIATE);
        if (rc == RSM_OK)
            rc = pm_row(e, medium, &r);
        if (rc != RSM_OK)
            return rc;
    }
    struct rsm_lc_lib *L;
    rc = iec_acquire(e, &library, &L);
    if (rc != RSM_OK)
        return rc;
    if (L->dev->standalone || L->dev->layout.ie.count == 0) {
        rsm_lc_release(L);
        return RSM_E_RESOURCE_NOT_PRESENT;
    }
    if (action == NTMS_EJECT_STOP) {
        if (!s->ej_started || !rsm_guid_eq(op, &s->ej_op))
            rc = RSM_E_INVALID_OPERATION;
        else {
            (void)rsm_dev_lib_inventory(L->dev, false);
            rc = eject_settle(e, L, s, true, NTMS_LM_STOPPED);
            if (s->ej_n == 0 && s->ej_started) {
                close_port(e, L);
                (void)iec_req_put(e, &s->ej_op, &L->guid, NTMS_LM_EJECT, NTMS_LM_STOPPED, NULL,
                                  NULL, NULL, 0);
                s->ej_started = false;
            }
        }
        rsm_lc_release(L);
        return rc;
    }
    if (have) {
        if (r.loc_type != RSM_OT_STORAGESLOT && r.loc_type != RSM_OT_IEPORT)
            rc = RSM_E_BUSY;
        bool dup = false;
        for (size_t i = 0; i < s->ej_n; i++)
            dup |= rsm_guid_eq(&s->ej[i].pm, medium);
        if (rc == RSM_OK && !dup) {
            if (s->ej_n >= L->dev->layout.ie.count || s->ej_n >= IEC_EJECT_MAX)
                rc = RSM_E_BUSY; /* more than the port holds */
            else
                s->ej[s->ej_n++] = (struct iec_eject){.pm = *medium};
        }
    }
    if (rc == RSM_OK && !s->ej_started) {
        rsm_guid_new(&s->ej_op);
        s->ej_started = true;
        rc = iec_req_put(e, &s->ej_op, &library, NTMS_LM_EJECT, NTMS_LM_QUEUED, medium, NULL, NULL,
                         0);
    }
    if (rc == RSM_OK && action != NTMS_EJECT_QUEUE) {
        if (s->ej_n == 0)
            rc = RSM_E_INVALID_PARAMETER; /* START with nothing queued and no medium */
        else
            rc = eject_present(e, L, s);
        if (rc == RSM_OK)
            *op = s->ej_op;
    }
    rsm_lc_release(L);
    return rc;
}

/* ---- door -------------------------------------------------------------------------------- */

rsm_rc rsm_ie_door(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *library,
                   uint32_t action)
{
    if (!library || action > NTMS_INVENTORY_DEFAULT)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    rsm_rc rc = iec_check_library(e, c, library, RSM_CONTROL_ACCESS);
    if (rc != RSM_OK)
        return rc;
    int64_t n = 0;
    if (iec_q_int(e, "SELECT count(*) FROM iedoor WHERE library=?1", library, NULL, 0, &n) ==
            RSM_OK &&
        n == 0)
        return RSM_E_RESOURCE_NOT_PRESENT;
    struct iec_lib *s = iec_state(e, library);
    if (!s)
        return RSM_E_NOMEM;
    struct rsm_lc_lib *L;
    rc = iec_acquire(e, library, &L);
    if (rc != RSM_OK)
        return rc;
    enum rsm_dev_rc drc = rsm_chg_prevent(L->dev->chg, false);
    if (drc != RSM_DEV_OK && drc != RSM_DEV_E_UNSUPPORTED && drc != RSM_DEV_E_ILLEGAL)
        rc = rsm_lc_map_dev(drc);
    if (rc == RSM_OK) {
        s->door_granted = true;
        s->door_action = action;
        struct rsm_guid req;
        rsm_guid_new(&req);
        rc = iec_req_put(e, &req, library, NTMS_LM_DOORACCESS, NTMS_LM_PASSED, NULL, NULL, NULL, 0);
    }
    rsm_lc_release(L);
    return rc;
}

/* Follows the door: the changer answering 04/03 means it is open (raising the
 * DEVICESERVICE request once it has been open longer than max_open_secs); the changer
 * answering again after that means it is closed (door_closed()). */
static void door_track(struct rsm_engine *e, struct iec_lib *s, bool open_now)
{
    uint64_t now = rsm_iec_now_ms();
    if (open_now && !s->door_open) {
        s->door_open = true;
        s->door_open_since_ms = now;
        (void)iec_exec(e, "UPDATE iedoor SET state=2 WHERE library=?1", &s->lib, NULL, 0);
    }
    if (open_now) {
        int64_t max_s = 0;
        (void)iec_q_int(e, "SELECT max(max_open_secs) FROM iedoor WHERE library=?1", &s->lib, NULL,
                        0, &max_s);
        if (!s->door_req_raised && now - s->door_open_since_ms >= (uint64_t)max_s * 1000u) {
            struct rsm_guid door;
            if (iec_q_guid(e, "SELECT guid FROM iedoor WHERE library=?1 LIMIT 1", &s->lib, NULL, 0,
                           &door) == RSM_OK &&
                rsm_opreq_raise(e, NULL, RSM_OPREQ_DEVICESERVICE,
                                "Close the library door: it has been open too long", &door, &s->lib,
                                &s->door_req) == RSM_OK)
                s->door_req_raised = true;
        }
    }
}

static rsm_rc door_closed(struct rsm_engine *e, struct rsm_lc_lib *L, struct iec_lib *s)
{
    rsm_rc rc = RSM_OK;
    if (s->door_open) {
        s->door_open = false;
        (void)iec_exec(e, "UPDATE iedoor SET state=1 WHERE library=?1", &s->lib, NULL, 0);
        if (s->door_req_raised) {
            (void)rsm_opreq_end(e, &s->door_req, RSM_OPSTATE_COMPLETE);
            s->door_req_raised = false;
        }
        if (s->door_granted && s->door_action != NTMS_INVENTORY_NONE)
            rc = rsm_lc_reconcile(e, L, false, NULL);
        s->door_granted = false;
    }
    return rc;
}

/* ---- identify, delete ---------------------------------------------------------------------- */

rsm_rc rsm_ie_identify_slot(struct rsm_engine *e, const struct rsm_caller *c,
                            const struct rsm_guid *slot, uint32_t option)
{
    if (!slot || option > NTMS_DISMOUNT_IMMEDIATE)
        return RSM_E_INVALID_PARAMETER;
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    struct rsm_guid library;
    int64_t num = 0;
    if (iec_q_guid(e, "SELECT library FROM slot WHERE guid=?1", slot, NULL, 0, &library) !=
            RSM_OK ||
        iec_q_int(e, "SELECT number FROM slot WHERE guid=?1", slot, NULL, 0, &num) != RSM_OK)
        return RSM_E_NOT_FOUND;
    rsm_rc rc = iec_check_library(e, c, &library, RSM_CONTROL_ACCESS);
    if (rc != RSM_OK)
        return rc;
    struct rsm_lc_lib *L;
    rc = iec_acquire(e, &library, &L);
    if (rc != RSM_OK)
        return rc;
    struct rsm_dev_lib *dev = L->dev;
    uint16_t addr = rsm_dev_lib_addr(dev, 2, (uint32_t)num);
    const struct rsm_chg_elem *el = rsm_dev_lib_elem(dev, addr);
    if (!el || !el->full || el->medium == 2 /* a cleaner is named by its label only */) {
        rsm_lc_release(L);
        return RSM_OK;
    }
    int d = -1;
    for (size_t i = 0; i < dev->n_drives && d < 0; i++) {
        const struct rsm_chg_elem *de = rsm_dev_lib_elem(dev, dev->drives[i].elem_addr);
        if (dev->drives[i].map != RSM_DEV_MAP_NONE && de && !de->full)
            d = (int)i;
    }
    if (d < 0) {
        rsm_lc_release(L);
        return RSM_E_BUSY;
    }
    struct rsm_guid req;
    rsm_guid_new(&req);
    (void)iec_req_put(e, &req, &library, NTMS_LM_CLASSIFY, NTMS_LM_INPROCESS, NULL, NULL, slot, 0);
    enum rsm_dev_rc drc = rsm_dev_lib_mount(dev, addr, (size_t)d);
    char bc[RSM_CHG_BARCODE_CAP] = "";
    if (drc == RSM_DEV_OK) {
        struct rsm_drv_mam mam;
        memset(&mam, 0, sizeof mam);
        if (rsm_drv_mam_read(dev->drives[d].drv, &mam) == RSM_DEV_OK &&
            (mam.present & RSM_MAM_BARCODE))
            snprintf(bc, sizeof bc, "%s", mam.barcode);
    }
    const struct rsm_chg_elem *de = rsm_dev_lib_elem(dev, dev->drives[d].elem_addr);
    if (drc == RSM_DEV_OK || (de && de->full))
        drc = rsm_dev_lib_dismount(dev, (size_t)d, addr, NULL);
    if (drc != RSM_DEV_OK) {
        rc = rsm_lc_map_dev(drc);
        if (rc == RSM_E_LIBRARY_OFFLINE)
            rsm_lc_changer_failed(e, L);
    }
    /* The MAM names a cartridge whose label the changer could not read: tell the
     * inventory (the snapshot is ours; see libctl.c's OMID identification). */
    struct rsm_chg_elem *back = (struct rsm_chg_elem *)rsm_dev_lib_elem(dev, addr);
    if (rc == RSM_OK && back && back->full && !back->barcode[0] && bc[0])
        snprintf(back->barcode, sizeof back->barcode, "%s", bc);
    if (rc == RSM_OK)
        rc = rsm_lc_reconcile(e, L, false, NULL);
    (void)iec_req_put(e, &req, &library, NTMS_LM_CLASSIFY,
                      rc == RSM_OK ? NTMS_LM_PASSED : NTMS_LM_FAILED, NULL, NULL, slot,
                      rc == RSM_OK ? 0 : (uint32_t)rc);
    rsm_lc_release(L);
    return rc;
}

/* Deletes every device object of @lib, in the open transaction (e->mu held). The SQL are
 * literals: rsm_db_stmt() caches statements by the text's address. */
static rsm_rc delete_devices(struct rsm_engine *e, const struct rsm_guid *lib)
{
    static const char *const sql[] = {
        "SELECT guid FROM drive WHERE library=?1", "SELECT guid FROM slot WHERE library=?1",
        "SELECT guid FROM ieport WHERE library=?1", "SELECT guid FROM iedoor WHERE library=?1",
        "SELECT guid FROM changer WHERE library=?1"};
    rsm_rc rc = RSM_OK;
    for (size_t t = 0; t < sizeof sql / sizeof sql[0] && rc == RSM_OK; t++) {
        for (;;) {
            struct rsm_guid g;
            sqlite3_stmt *st = rsm_db_stmt(e->db, sql[t]);
            if (!st) {
                rc = RSM_E_DB_FAILURE;
                break;
            }
            rsm_db_bind_guid_nn(st, 1, lib);
            int src = sqlite3_step(st);
            if (src == SQLITE_ROW)
                rsm_db_col_guid(st, 0, &g);
            sqlite3_reset(st);
            if (src != SQLITE_ROW) {
                rc = src == SQLITE_DONE ? RSM_OK : rsm_db_map(src);
                break;
            }
            rc = rsm_obj_delete(e->db, &g); /* announces the delete itself */
            if (rc != RSM_OK)
                break;
        }
    }
    return rc;
}

/* Media of @lib (or only those in @drive) to the offline library. */
static rsm_rc media_offline(struct rsm_engine *e, const struct rsm_guid *lib,
                            const struct rsm_guid *drive)
{
    for (;;) {
        struct rsm_guid pm;
        rsm_rc rc = drive ? iec_q_guid(e, "SELECT guid FROM pmedia WHERE location=?2 LIMIT 1", lib,
                                       drive, 0, &pm)
                          : iec_q_guid(e, "SELECT guid FROM pmedia WHERE library=?1 LIMIT 1", lib,
                                       NULL, 0, &pm);
        if (rc == RSM_E_NOT_FOUND)
            return RSM_OK;
        if (rc == RSM_OK)
            rc = rsm_dev_media_gone(e, &pm);
        if (rc == RSM_OK)
            rc = iec_exec(e, "UPDATE pmedia SET mounted_side=NULL, home_slot=NULL WHERE guid=?1",
                          &pm, NULL, 0);
        if (rc != RSM_OK)
            return rc;
    }
}

static rsm_rc delete_library_rows(struct rsm_engine *e, const struct rsm_guid *lib)
{
    rsm_rc rc = media_offline(e, lib, NULL);
    if (rc != RSM_OK)
        return rc;
    rsm_engine_lock(e);
    rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = delete_devices(e, lib);
    sqlite3_stmt *st =
        rc == RSM_OK ? rsm_db_stmt(e->db, "DELETE FROM lib_mtype WHERE library=?1") : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, lib);
        rc = rsm_db_step_done(st);
    }
    st =
        rc == RSM_OK ? rsm_db_stmt(e->db, "UPDATE libreq SET library=NULL WHERE library=?1") : NULL;
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, lib);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rc = rsm_obj_delete(e->db, lib);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_ie_delete_library(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *library)
{
    if (!library)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    uint32_t t = 0;
    rsm_rc rc = RSM_OK;
    if (rsm_obj_type(e->db, library, &t) != RSM_OK || t != RSM_OT_LIBRARY ||
        rsm_guid_eq(library, &e->offline_lib))
        rc = RSM_E_INVALID_LIBRARY;
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, library, RSM_MODIFY_ACCESS);
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    /* Connected = the device answers. A library registered without a URI has no device
     * RSM can reach: it counts as not connected. */
    if (rsm_lc_dev_present()) {
        struct rsm_lc_lib *L;
        rsm_rc arc = rsm_lc_acquire_ex(e, library, false, &L);
        if (arc == RSM_OK) {
            rsm_lc_release(L);
            return RSM_E_INVALID_STATE;
        }
        if (arc == RSM_E_RESOURCE_DISABLED || arc == RSM_E_LIBRARY_OFFLINE)
            return RSM_E_INVALID_STATE; /* present, merely disabled or failing */
    }
    return delete_library_rows(e, library);
}

rsm_rc rsm_ie_delete_drive(struct rsm_engine *e, const struct rsm_caller *c,
                           const struct rsm_guid *drive)
{
    if (!drive)
        return RSM_E_INVALID_PARAMETER;
    struct rsm_guid library;
    int64_t num = 0;
    if (iec_q_guid(e, "SELECT library FROM drive WHERE guid=?1", drive, NULL, 0, &library) !=
            RSM_OK ||
        iec_q_int(e, "SELECT number FROM drive WHERE guid=?1", drive, NULL, 0, &num) != RSM_OK)
        return RSM_E_INVALID_DRIVE;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_sec_need(e, c, &library, RSM_MODIFY_ACCESS);
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    bool present = false;
    if (rsm_lc_dev_present()) {
        struct rsm_lc_lib *L;
        rsm_rc arc = rsm_lc_acquire_ex(e, &library, false, &L);
        if (arc == RSM_OK) {
            for (size_t i = 0; i < L->dev->n_drives; i++) {
                const struct rsm_dev_drive *d = &L->dev->drives[i];
                uint32_t n =
                    L->dev->standalone ? 1 : rsm_dev_lib_number(L->dev, d->elem_addr, NULL);
                present |= d->map != RSM_DEV_MAP_NONE && n == (uint32_t)num;
            }
            rsm_lc_release(L);
        } else if (arc == RSM_E_RESOURCE_DISABLED || arc == RSM_E_LIBRARY_OFFLINE) {
            present = true; /* cannot tell: the device is there but not usable */
        }
    }
    if (present)
        return RSM_E_INVALID_STATE;
    (void)iec_exec(e, "UPDATE obj SET opstate=21 WHERE guid=?1", drive, NULL, 0);
    int64_t lt = 0;
    (void)iec_q_int(e, "SELECT libtype FROM library WHERE guid=?1", &library, NULL, 0, &lt);
    if (lt == RSM_LIB_STANDALONE)
        return delete_library_rows(e, &library);
    rc = media_offline(e, &library, drive);
    if (rc != RSM_OK)
        return rc;
    rsm_engine_lock(e);
    rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = rsm_obj_delete(e->db, drive);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

/* ---- UI destinations ---------------------------------------------------------------------- */

static rsm_rc ui_object(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *object, uint32_t type, uint32_t need)
{
    if (!object || type <= NTMS_UITYPE_INVALID || type >= NTMS_UITYPE_MAX)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    uint32_t t = 0;
    rsm_rc rc = rsm_obj_type(e->db, object, &t);
    if (rc == RSM_OK && t != RSM_OT_COMPUTER && t != RSM_OT_LIBRARY)
        rc = RSM_E_INVALID_PARAMETER;
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, object, need);
    rsm_engine_unlock(e);
    return rc;
}

static rsm_rc ui_read(struct rsm_engine *e, const struct rsm_guid *object, const char *name,
                      char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT value FROM attr WHERE obj=?1 AND name=?2");
    rsm_rc rc = RSM_E_DB_FAILURE;
    if (st) {
        rsm_db_bind_guid_nn(st, 1, object);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        rc = RSM_OK;
        if (src == SQLITE_ROW) {
            int n = sqlite3_column_bytes(st, 0);
            if (n > 0 && (*out = malloc((size_t)n)) != NULL) {
                memcpy(*out, sqlite3_column_blob(st, 0), (size_t)n);
                *len = (size_t)n;
            } else if (n > 0) {
                rc = RSM_E_NOMEM;
            }
        } else if (src != SQLITE_DONE) {
            rc = rsm_db_map(src);
        }
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_ie_ui_get(struct rsm_engine *e, const struct rsm_caller *c,
                     const struct rsm_guid *object, uint32_t type, char **out, size_t *len)
{
    rsm_rc rc = ui_object(e, c, object, type, RSM_USE_ACCESS);
    if (rc != RSM_OK)
        return rc;
    char name[32];
    snprintf(name, sizeof name, "OpenRSM.UI.%u", type);
    return ui_read(e, object, name, out, len);
}

rsm_rc rsm_ie_ui_set(struct rsm_engine *e, const struct rsm_caller *c,
                     const struct rsm_guid *object, uint32_t type, uint32_t op, const char *dest)
{
    if (op < NTMS_UIDEST_ADD || op > NTMS_UIDEST_DELETEALL ||
        (op != NTMS_UIDEST_DELETEALL && !dest))
        return RSM_E_INVALID_PARAMETER;
    rsm_rc rc = ui_object(e, c, object, type, RSM_MODIFY_ACCESS);
    if (rc != RSM_OK)
        return rc;
    char name[32];
    snprintf(name, sizeof name, "OpenRSM.UI.%u", type);
    char *cur = NULL;
    size_t len = 0;
    rc = ui_read(e, object, name, &cur, &len);
    if (rc != RSM_OK)
        return rc;
    size_t dlen = dest ? strlen(dest) + 1 : 0;
    char *next = malloc(len + dlen + 1);
    if (!next) {
        free(cur);
        return RSM_E_NOMEM;
    }
    size_t off = 0;
    bool found = false;
    for (size_t p = 0; p < len; p += strlen(cur + p) + 1) {
        bool same = dest && strcmp(cur + p, dest) == 0;
        found |= same;
        if (op == NTMS_UIDEST_DELETEALL || (op == NTMS_UIDEST_DELETE && same))
            continue;
        size_t l = strlen(cur + p) + 1;
        memcpy(next + off, cur + p, l);
        off += l;
    }
    if (op == NTMS_UIDEST_ADD && found)
        rc = RSM_E_ALREADY_EXISTS;
    else if (op == NTMS_UIDEST_DELETE && !found)
        rc = RSM_E_NOT_FOUND;
    if (rc == RSM_OK && op == NTMS_UIDEST_ADD) {
        memcpy(next + off, dest, dlen);
        off += dlen;
    }
    if (rc == RSM_OK) {
        rsm_engine_lock(e);
        rc = rsm_db_begin(e->db);
        sqlite3_stmt *st = rc != RSM_OK ? NULL
                           : off ? rsm_db_stmt(e->db, "INSERT OR REPLACE INTO attr(obj,name,value) "
                                                      "VALUES(?1,?2,?3)")
                                 : rsm_db_stmt(e->db, "DELETE FROM attr WHERE obj=?1 AND name=?2");
        if (rc == RSM_OK && !st)
            rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK) {
            rsm_db_bind_guid_nn(st, 1, object);
            sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
            if (off)
                sqlite3_bind_blob(st, 3, next, (int)off, SQLITE_STATIC);
            rc = rsm_db_step_done(st);
        }
        rc = rsm_db_end(e->db, rc);
        rsm_engine_unlock(e);
    }
    free(cur);
    free(next);
    return rc;
}

/* ---- the tick ------------------------------------------------------------------------------ */

/* True while the operator still has to act on the mail slots: a cartridge of theirs
 * waits there (no room for it), or queued ejects wait for a free one. */
static bool mailslots_need_operator(struct rsm_lc_lib *L, const struct iec_lib *s)
{
    for (size_t i = 0; i < L->dev->elems.n; i++) {
        const struct rsm_chg_elem *el = &L->dev->elems.elems[i];
        if (el->type == 3 && el->full && el->impexp)
            return true;
    }
    for (size_t i = 0; i < s->ej_n; i++)
        if (!s->ej[i].ie_addr)
            return true;
    return false;
}

static rsm_rc tick_library(struct rsm_engine *e, const struct rsm_guid *lib)
{
    struct iec_lib *s = iec_state(e, lib);
    if (!s)
        return RSM_E_NOMEM;
    struct rsm_lc_lib *L;
    rsm_rc rc = iec_acquire(e, lib, &L);
    if (rc == RSM_E_LIBRARY_OFFLINE) {
        /* The changer failed its TEST UNIT READY: the door (04/03) or the mechanism. Ask
         * it once more, holding its robot, to tell which. */
        struct rsm_lc_lib *F = rsm_lc_lib_find(e, lib);
        bool door = false;
        if (F && F->dev && F->dev->chg) {
            pthread_mutex_lock(&F->mu);
            door = rsm_chg_test_ready(F->dev->chg) == RSM_DEV_E_DOOR_OPEN;
            pthread_mutex_unlock(&F->mu);
        }
        if (door)
            door_track(e, s, true);
        return rc;
    }
    if (rc != RSM_OK)
        return rc;
    rc = door_closed(e, L, s);
    uint64_t now = rsm_iec_now_ms();
    if (!L->dev->standalone) {
        (void)rsm_dev_lib_inventory(L->dev, false);
        if (s->inj_active && now >= s->inj_deadline_ms) {
            rsm_rc r = inject_finish(e, L, s, false);
            if (rc == RSM_OK && r != RSM_E_LIBRARY_FULL)
                rc = r;
        }
        if (s->ej_started) {
            bool timeout = now >= s->ej_deadline_ms && s->ej_deadline_ms != 0;
            rsm_rc r = eject_settle(e, L, s, false, NTMS_LM_PASSED);
            if (r == RSM_OK && s->ej_started)
                r = eject_present(e, L, s);
            if (r == RSM_OK && s->ej_started && timeout) {
                bool any_presented = false;
                for (size_t i = 0; i < s->ej_n; i++)
                    any_presented |= s->ej[i].ie_addr != 0;
                if (any_presented)
                    r = eject_settle(e, L, s, true, NTMS_LM_STOPPED);
            }
            if (rc == RSM_OK)
                rc = r;
        }
        if (s->mm_raised && !mailslots_need_operator(L, s)) {
            /* What the MOVEMEDIA request asked for has happened. */
            (void)rsm_opreq_end(e, &s->mm_req, RSM_OPSTATE_COMPLETE);
            s->mm_raised = false;
        }
        if (now >= s->next_tapealert_ms) {
            rsm_clean_scan(e, L);
            s->next_tapealert_ms = now + RSM_IEC_TAPEALERT_MS;
        }
        rsm_clean_pending_drives(e, L);
    }
    rsm_lc_release(L);
    return rc;
}

rsm_rc rsm_iec_tick(struct rsm_engine *e, const struct rsm_guid *library)
{
    if (!rsm_lc_dev_present())
        return RSM_E_NOT_SUPPORTED;
    if (library)
        return tick_library(e, library);
    /* Every library added by URI (the ones with a device to drive). */
    struct rsm_guid libs[64];
    size_t n = 0;
    rsm_engine_lock(e);
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT obj FROM attr WHERE name='OpenRSM.URI'");
    if (st) {
        while (n < 64 && sqlite3_step(st) == SQLITE_ROW)
            rsm_db_col_guid(st, 0, &libs[n++]);
        sqlite3_reset(st);
    }
    rsm_engine_unlock(e);
    for (size_t i = 0; i < n; i++)
        (void)tick_library(e, &libs[i]); /* one library's trouble does not stop the others */
    (void)rsm_detect_poll(e);
    return RSM_OK;
}
