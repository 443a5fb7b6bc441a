/* SPDX-License-Identifier: MIT
 * scenarios/runner/run.c - executes a validated scenario (internal.h) against its own
 * simulated library and embedded RSM database, and records a trace and the first failure.
 *
 * The bench: the library is built from the scenario's config the way sim/system.c builds
 * one (changer + one drive per bay on LUN 1..N), but here, because steps reach the drives
 * directly (dirty, hard failure, media errors) and sim/system.h gives no access to them.
 * The RSM database is then filled through rsm/engine/devreg.h with what the library holds,
 * as the device layer will do once it exists.
 *
 * Commands: every SCSI command goes through vtl_lun_execute(); one that waits on the clock
 * (robot motion, load, rewind) is completed by advancing the virtual clock to its next
 * event until it is done, so a scenario's elapsed virtual time is what the devices took.
 * Initiators: each nexus a scenario names (and "host", the default) is logged in before
 * the first step, and its login unit attention (29/00) is consumed with REQUEST SENSE on
 * every LUN, as a host's SCSI midlayer does; later unit attentions are the scenario's.
 * Checks (elements, tapealert) use a private nexus, so they never eat a unit attention
 * that a step expects.
 * A run stops at the first failing step: what follows would depend on a state the
 * scenario did not expect.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ntmsapi.h>

#include "rsm/api/session.h"
#include "rsm/engine/devreg.h"
#include "rsm/engine/engine.h"
#include "scenarios/runner/internal.h"
#include "scsi/cdb.h"
#include "scsi/elem.h"
#include "scsi/log.h"
#include "scsi/sense.h"
#include "scsi/tables.h"
#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/drive/drive.h"
#include "sim/target/target.h"

#define MAX_NEXUS        16
#define MAX_VARS         64
#define MAX_LIST         4096
#define MAX_MEDIA        2048
#define CHECK_NEXUS_NAME "__check"

struct strbuf {
    char *s;
    size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void sb_printf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = b->s ? vsnprintf(b->s + b->len, room, fmt, ap) : -2;
        va_end(ap);
        if (n >= 0 && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t want = b->cap ? b->cap * 2 : 1024;
        while (n >= 0 && want < b->len + (size_t)n + 1)
            want *= 2;
        char *ns = realloc(b->s, want);
        if (!ns)
            return; /* the trace is best effort; the result still says pass/fail */
        b->s = ns;
        b->cap = want;
        if (b->len == 0)
            b->s[0] = '\0';
    }
}

struct nexus {
    char name[SCN_NAME_MAX];
    uint64_t id;
};

struct var {
    char name[SCN_NAME_MAX];
    GUID g;
};

struct list {
    char name[SCN_NAME_MAX];
    GUID *items;
    size_t n;
};

struct mirrored {
    char barcode[VTL_BARCODE_MAX + 1];
    GUID pmedia;
};

struct ctx {
    const struct scn_scenario *sc;
    char dir[PATH_MAX];
    struct vtl_config *cfg;
    struct vtl_library *lib;
    struct vtl_clock *clk;
    struct vtl_drive *drives[VTL_MAX_DRIVES];
    unsigned n_drives;
    struct nexus nexus[MAX_NEXUS];
    unsigned n_nexus;
    HANDLE h;
    struct rsm_engine *engine;
    GUID lto;
    GUID library;
    GUID drive_ids[VTL_MAX_DRIVES];
    struct var vars[MAX_VARS];
    unsigned n_vars;
    struct list lists[MAX_VARS];
    unsigned n_lists;
    struct mirrored media[MAX_MEDIA];
    unsigned n_media;
    uint64_t rng;
    struct strbuf trace, fail;
    unsigned steps_run;
    bool failed;
    struct pending *stuck; /* commands that never completed (see exec()) */
    char path[64];         /* the running step's number: "3", "4.2#7" */
};

/* ---- seeded randomness: splitmix64, the same sequence on every platform ---------------- */

static uint64_t rng_next(struct ctx *c)
{
    uint64_t z = (c->rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* ---- failure reports ------------------------------------------------------------------ */

/* Starts the failure report of step @s; the caller adds "- expected" / "+ actual" lines. */
static void fail_step(struct ctx *c, const struct scn_step *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_step(struct ctx *c, const struct scn_step *s, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = true;
    sb_printf(&c->fail, "%s:%u: step %s (%s%s%s%s) failed: ", c->sc->file, s->line, c->path,
              scn_kind_name(s->kind), s->label ? " \"" : "", s->label ? s->label : "",
              s->label ? "\"" : "");
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sb_printf(&c->fail, "%s\n", msg);
}

static void diff(struct ctx *c, const char *what, const char *expected, const char *actual)
{
    sb_printf(&c->fail, "  %s:\n    - expected: %s\n    + actual:   %s\n", what, expected, actual);
}

static void sense_words(char *out, size_t cap, uint8_t key, uint16_t asc_ascq)
{
    const char *t = t10_asc_text(asc_ascq);
    snprintf(out, cap, "%X/%02X/%02X (%s, %s)", key, asc_ascq >> 8, asc_ascq & 0xFF,
             t10_sense_key_name(key), t ? t : "vendor specific");
}

/* ---- the bench: library, drives, nexuses ------------------------------------------------ */

static enum vtl_exec drive_lun(void *priv, struct vtl_cmd *cmd)
{
    return vtl_drive_lun_exec(priv, cmd);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static bool build_library(struct ctx *c, char *why, size_t cap)
{
    char err[1024] = "";
    if (vtl_config_load_string(c->sc->library_yaml, strlen(c->sc->library_yaml), c->sc->file,
                               &c->cfg, err, sizeof err) != VTL_OK) {
        snprintf(why, cap, "%s", err);
        return false;
    }
    if (vtl_library_create(c->cfg, &c->lib) != VTL_OK) {
        snprintf(why, cap, "cannot build the library");
        return false;
    }
    c->clk = vtl_library_clock(c->lib);
    char tapes[PATH_MAX + 8];
    snprintf(tapes, sizeof tapes, "%s/tapes", c->dir);
    if (mkdir(tapes, 0700) != 0) {
        snprintf(why, cap, "cannot create %.900s: %s", tapes, strerror(errno));
        return false;
    }
    unsigned n = vtl_library_count(c->lib, VTL_ELEM_DTE);
    bool hpe = strncmp(vtl_library_vendor(c->lib), "HP", 2) == 0;
    for (unsigned i = 0; i < n && i < VTL_MAX_DRIVES; i++) {
        struct vtl_elem_info ei;
        if (vtl_library_elem_at(c->lib, VTL_ELEM_DTE, i, &ei) != VTL_OK)
            return false;
        struct vtl_drive_config dc = {
            .personality = hpe ? VTL_DRIVE_HPE : VTL_DRIVE_IBM,
            .gen = ei.drive.gen ? ei.drive.gen : 8,
            .serial = ei.drive.serial,
            .state_dir = tapes,
            .clock = c->clk,
            .elem_addr = ei.addr,
            .nosync = true,
        };
        if (vtl_drive_create(&dc, &c->drives[i]) != VTL_DRIVE_OK) {
            snprintf(why, cap, "cannot create drive %u (LTO-%u)", i + 1, dc.gen);
            return false;
        }
        c->n_drives = i + 1;
        if (vtl_library_set_drive_ops(c->lib, i, vtl_drive_library_ops(), c->drives[i]) != VTL_OK ||
            vtl_lun_attach(c->lib, i + 1, drive_lun, c->drives[i]) != VTL_OK) {
            snprintf(why, cap, "cannot attach drive %u", i + 1);
            return false;
        }
        if (ei.full)
            vtl_drive_load(c->drives[i], &ei.cart);
    }
    return true;
}

static void teardown(struct ctx *c)
{
    if (c->h && c->h != INVALID_HANDLE_VALUE)
        (void)CloseNtmsSession(c->h); /* nothing to do about a failed close of a temp db */
    for (unsigned i = 0; i < c->n_drives; i++) {
        vtl_lun_attach(c->lib, i + 1, NULL, NULL);
        vtl_library_set_drive_ops(c->lib, i, NULL, NULL);
        vtl_drive_destroy(c->drives[i]);
    }
    vtl_library_destroy(c->lib);
    vtl_config_free(c->cfg);
    for (unsigned i = 0; i < c->n_lists; i++)
        free(c->lists[i].items);
    if (c->dir[0])
        (void)nftw(c->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); /* best effort */
}

/* A command in flight. It lives on the heap with its own data-in buffer: a command that
 * never completes stays owned by libvtl (which completes it TASK ABORTED when the drive is
 * destroyed), so neither may be on a caller's stack. Such leftovers are kept in ctx and
 * freed after teardown. */
struct pending {
    struct vtl_cmd cmd;
    bool done;
    struct pending *next;
    void *owned; /* a data-out buffer handed over with the command (freed with it) */
    uint8_t data[];
};

static void cmd_done(struct vtl_cmd *cmd)
{
    ((struct pending *)cmd->front_priv)->done = true;
}

/* Executes @cdb on @lun for @nexus_id and waits for it to complete: on a virtual clock by
 * moving time to each next event, on a real or scaled one by sleeping until it is due.
 * On success *@cmd is the completed command, its data-in copied to @data_in (@cap bytes;
 * cmd->data_in points there). Returns false (with @why) only if it can never complete. */
static bool exec(struct ctx *c, uint64_t nexus_id, unsigned lun, const uint8_t *cdb, size_t len,
                 const uint8_t *data_out, size_t data_out_len, uint8_t *data_in, size_t cap,
                 struct vtl_cmd *cmd, char *why, size_t why_cap)
{
    struct pending *p = calloc(1, sizeof *p + cap);
    if (!p) {
        snprintf(why, why_cap, "out of memory");
        return false;
    }
    memcpy(p->cmd.cdb, cdb, len);
    p->cmd.cdb_len = len;
    p->cmd.nexus_id = nexus_id;
    p->cmd.data_out = data_out;
    p->cmd.data_out_len = data_out_len;
    p->cmd.data_in = p->data;
    p->cmd.data_in_cap = cap;
    p->cmd.done = cmd_done;
    p->cmd.front_priv = p;
    if (vtl_lun_execute(c->lib, lun, &p->cmd) == VTL_EXEC_DONE)
        p->done = true;
    /* A day of simulated time is far beyond any robot or tape motion. */
    uint64_t waited = 0;
    bool virt = vtl_clock_mode(c->clk) == VTL_CLOCK_VIRTUAL;
    for (unsigned spins = 0; !p->done; spins++) {
        uint64_t next = vtl_clock_next_due_us(c->clk);
        if (next == UINT64_MAX || waited > 86400ULL * 1000000 || spins > 10000000) {
            snprintf(why, why_cap, "the command never completed (nothing left on the clock)");
            /* libvtl still holds it (and data_out, which the scenario owns for its life) */
            p->next = c->stuck;
            c->stuck = p;
            return false;
        }
        if (virt) {
            vtl_clock_advance(c->clk, next);
        } else {
            if (next > 0) {
                uint64_t us = next < 10000 ? next : 10000;
                struct timespec ts = {0, (long)us * 1000};
                nanosleep(&ts, NULL);
            }
            vtl_clock_run_due(c->clk);
        }
        waited += next;
    }
    *cmd = p->cmd;
    memcpy(data_in, p->data, p->cmd.data_in_len);
    cmd->data_in = data_in;
    cmd->front_priv = NULL;
    free(p);
    return true;
}

static uint64_t nexus_get(struct ctx *c, const char *name)
{
    const char *n = name && *name ? name : "host";
    for (unsigned i = 0; i < c->n_nexus; i++)
        if (!strcmp(c->nexus[i].name, n))
            return c->nexus[i].id;
    return 0;
}

/* Consumes pending unit attentions of @id on @lun (at most a few: 29/xx supersedes). */
static void drain_ua(struct ctx *c, uint64_t id, unsigned lun)
{
    for (int i = 0; i < 8; i++) {
        uint8_t cdb[6] = {0x03, 0, 0, 0, 252, 0}, buf[256];
        struct vtl_cmd cmd;
        char why[128];
        if (!exec(c, id, lun, cdb, 6, NULL, 0, buf, sizeof buf, &cmd, why, sizeof why))
            return;
        struct t10_sense s;
        if (cmd.status != VTL_STATUS_GOOD || cmd.data_in_len == 0 ||
            t10_sense_parse(buf, cmd.data_in_len, &s) != T10_OK || s.key != 6)
            return;
    }
}

/* Logs initiator @name in (once): opens its nexus and consumes the login unit attention
 * on every LUN. False if there is no room for another initiator. */
static bool nexus_login(struct ctx *c, const char *name)
{
    if (nexus_get(c, name))
        return true;
    if (c->n_nexus >= MAX_NEXUS)
        return false;
    struct nexus *n = &c->nexus[c->n_nexus];
    snprintf(n->name, sizeof n->name, "%s", name);
    n->id = vtl_nexus_open(c->lib);
    if (!n->id)
        return false;
    c->n_nexus++;
    for (unsigned lun = 0; lun <= c->n_drives; lun++)
        drain_ua(c, n->id, lun);
    return true;
}

static bool collect_nexus(struct ctx *c, const struct scn_step *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i].nexus[0] && !nexus_login(c, s[i].nexus))
            return false;
        if (!collect_nexus(c, s[i].steps, s[i].n_steps))
            return false;
    }
    return true;
}

static bool resolve(struct ctx *c, const struct scn_elem *e, uint16_t *addr)
{
    if (e->type == 0) {
        *addr = (uint16_t)e->num;
        return true;
    }
    struct vtl_elem_info ei;
    if (vtl_library_elem_at(c->lib, (enum vtl_elem_type)e->type, e->num - 1, &ei) != VTL_OK)
        return false;
    *addr = ei.addr;
    return true;
}

static const char *elem_word(int type)
{
    switch (type) {
    case VTL_ELEM_STORAGE:
        return "slot";
    case VTL_ELEM_IE:
        return "mailslot";
    case VTL_ELEM_DTE:
        return "drive";
    case VTL_ELEM_TRANSPORT:
        return "transport";
    default:
        return "address";
    }
}

static bool resolve_or_fail(struct ctx *c, const struct scn_step *s, const struct scn_elem *e,
                            uint16_t *addr)
{
    if (resolve(c, e, addr))
        return true;
    fail_step(c, s, "the library has no %s %u", elem_word(e->type), e->num);
    return false;
}

/* ---- results by name --------------------------------------------------------------------- */

static bool result_ok(struct ctx *c, const struct scn_step *s, const char *actual, const char *dflt)
{
    if (s->ex.n_result == 0) {
        if (!strcmp(actual, dflt))
            return true;
        fail_step(c, s, "unexpected result");
        diff(c, "result", dflt, actual);
        return false;
    }
    for (unsigned i = 0; i < s->ex.n_result; i++)
        if (!strcmp(s->ex.result[i], actual))
            return true;
    char want[400] = "";
    size_t off = 0;
    for (unsigned i = 0; i < s->ex.n_result && off < sizeof want; i++)
        off += (size_t)snprintf(want + off, sizeof want - off, "%s%s", i ? " or " : "",
                                s->ex.result[i]);
    fail_step(c, s, "unexpected result");
    diff(c, "result", want, actual);
    return false;
}

static const struct {
    const char *name;
    DWORD code;
} win32_names[] = {
#define E(x)                                                                                       \
    {                                                                                              \
#x, x                                                                                      \
    }
    E(ERROR_SUCCESS),
    E(ERROR_ACCESS_DENIED),
    E(ERROR_INVALID_HANDLE),
    E(ERROR_NOT_ENOUGH_MEMORY),
    E(ERROR_NOT_SUPPORTED),
    E(ERROR_INVALID_PARAMETER),
    E(ERROR_INSUFFICIENT_BUFFER),
    E(ERROR_INVALID_NAME),
    E(ERROR_BUSY),
    E(ERROR_ALREADY_EXISTS),
    E(ERROR_NO_DATA),
    E(ERROR_TIMEOUT),
    E(ERROR_INVALID_MEDIA),
    E(ERROR_INVALID_LIBRARY),
    E(ERROR_INVALID_MEDIA_POOL),
    E(ERROR_MEDIA_OFFLINE),
    E(ERROR_EMPTY),
    E(ERROR_NOT_EMPTY),
    E(ERROR_MEDIA_UNAVAILABLE),
    E(ERROR_OBJECT_NOT_FOUND),
    E(ERROR_DATABASE_FAILURE),
    E(ERROR_DATABASE_FULL),
    E(ERROR_MEDIA_INCOMPATIBLE),
    E(ERROR_INVALID_OPERATION),
    E(ERROR_MEDIA_NOT_AVAILABLE),
    E(ERROR_REQUEST_REFUSED),
    E(ERROR_INVALID_STATE),
    E(ERROR_RESOURCE_NOT_AVAILABLE),
    E(ERROR_CANCELLED),
    E(ERROR_NO_SECURITY_ON_OBJECT),
    E(ERROR_CALL_NOT_IMPLEMENTED),
    E(ERROR_SHARING_VIOLATION),
#undef E
};

static const char *win32_name(DWORD code, char *buf, size_t cap)
{
    for (size_t i = 0; i < sizeof win32_names / sizeof win32_names[0]; i++)
        if (win32_names[i].code == code)
            return win32_names[i].name;
    snprintf(buf, cap, "%lu", (unsigned long)code);
    return buf;
}

/* ---- element and log checks -------------------------------------------------------------- */

struct elem_seen {
    uint16_t addr;
    bool full, except, access, svalid;
    uint16_t asc_ascq, src;
    char barcode[T10_VOLTAG_ID_LEN + 1];
};

struct elem_table {
    struct elem_seen *e;
    size_t n, cap;
};

static enum t10_rc collect_elem(const struct t10_elem_desc *d, void *arg)
{
    struct elem_table *t = arg;
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        struct elem_seen *ne = realloc(t->e, nc * sizeof *ne);
        if (!ne)
            return T10_EINVAL;
        t->e = ne;
        t->cap = nc;
    }
    struct elem_seen *s = &t->e[t->n++];
    memset(s, 0, sizeof *s);
    s->addr = d->addr;
    s->full = d->full;
    s->except = d->except;
    s->access = d->access;
    s->asc_ascq = d->asc_ascq;
    s->svalid = d->src_valid;
    s->src = d->src_addr;
    snprintf(s->barcode, sizeof s->barcode, "%s", d->pvoltag.id);
    return T10_OK;
}

static bool check_elements(struct ctx *c, const struct scn_step *s)
{
    uint64_t id = nexus_get(c, CHECK_NEXUS_NAME);
    drain_ua(c, id, 0);
    struct t10_cdb q = {.kind = T10_CDB_READ_ELEMENT_STATUS};
    q.u.res.voltag = true;
    q.u.res.elem_type = 0;
    q.u.res.start_addr = 0;
    q.u.res.n_elems = 0xFFFF;
    q.u.res.alloc_len = 0xFFFFFF;
    uint8_t cdb[T10_CDB_MAX];
    size_t len = t10_cdb_build(cdb, sizeof cdb, &q);
    size_t cap = 1 << 20;
    uint8_t *buf = malloc(cap);
    struct vtl_cmd cmd;
    char why[256];
    if (!buf) {
        fail_step(c, s, "out of memory");
        return false;
    }
    if (!exec(c, id, 0, cdb, len, NULL, 0, buf, cap, &cmd, why, sizeof why)) {
        free(buf);
        fail_step(c, s, "READ ELEMENT STATUS: %s", why);
        return false;
    }
    if (cmd.status != VTL_STATUS_GOOD) {
        struct t10_sense sn = {0};
        (void)t10_sense_parse(cmd.sense, cmd.sense_len, &sn); /* zeros if unparsable */
        char w[160];
        sense_words(w, sizeof w, sn.key, sn.asc_ascq);
        free(buf);
        fail_step(c, s, "READ ELEMENT STATUS failed: status %02Xh, sense %s", cmd.status, w);
        return false;
    }
    struct elem_table t = {0};
    bool trunc = false;
    enum t10_rc trc = t10_elem_status_walk(buf, cmd.data_in_len, NULL, collect_elem, &t, &trunc);
    free(buf);
    if (trc != T10_OK) {
        free(t.e);
        fail_step(c, s, "READ ELEMENT STATUS data could not be decoded: %s", t10_rc_name(trc));
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < s->n_want; i++) {
        const struct scn_elem_want *w = &s->want[i];
        uint16_t addr;
        char label[48], exp[200] = "", act[200] = "";
        snprintf(label, sizeof label, "%s %u (line %u)", elem_word(w->elem.type), w->elem.num,
                 w->line);
        if (!resolve(c, &w->elem, &addr)) {
            fail_step(c, s, "element contents differ");
            diff(c, label, "an element", "no such element in this library");
            ok = false;
            continue;
        }
        const struct elem_seen *e = NULL;
        for (size_t k = 0; k < t.n; k++)
            if (t.e[k].addr == addr)
                e = &t.e[k];
        if (!e) {
            fail_step(c, s, "element contents differ");
            diff(c, label, "reported by READ ELEMENT STATUS", "missing");
            ok = false;
            continue;
        }
        size_t eo = 0, ao = 0;
        bool bad = false;
        if (w->empty || w->barcode) {
            eo +=
                (size_t)snprintf(exp + eo, sizeof exp - eo, "%s", w->empty ? "empty" : w->barcode);
            ao += (size_t)snprintf(act + ao, sizeof act - ao, "%s",
                                   !e->full        ? "empty"
                                   : e->barcode[0] ? e->barcode
                                                   : "(no label)");
            if (w->empty ? e->full : (!e->full || strcmp(w->barcode, e->barcode)))
                bad = true;
        }
        if (w->has_except) {
            bool ex_now = e->except;
            eo += (size_t)snprintf(exp + eo, sizeof exp - eo, "%sexcept %s", eo ? ", " : "",
                                   w->except ? "" : "none");
            if (w->except)
                eo += (size_t)snprintf(exp + eo, sizeof exp - eo, "%02X/%02X", w->except >> 8,
                                       w->except & 0xFF);
            if (ex_now)
                ao += (size_t)snprintf(act + ao, sizeof act - ao, "%sexcept %02X/%02X",
                                       ao ? ", " : "", e->asc_ascq >> 8, e->asc_ascq & 0xFF);
            else
                ao += (size_t)snprintf(act + ao, sizeof act - ao, "%sexcept none", ao ? ", " : "");
            if (w->except ? (!ex_now || e->asc_ascq != w->except) : ex_now)
                bad = true;
        }
        if (w->has_access) {
            eo += (size_t)snprintf(exp + eo, sizeof exp - eo, "%saccess %s", eo ? ", " : "",
                                   w->access ? "true" : "false");
            ao += (size_t)snprintf(act + ao, sizeof act - ao, "%saccess %s", ao ? ", " : "",
                                   e->access ? "true" : "false");
            if (w->access != e->access)
                bad = true;
        }
        if (w->svalid_from > 0) {
            uint16_t from;
            if (!resolve(c, &w->from, &from)) {
                fail_step(c, s, "the library has no %s %u", elem_word(w->from.type), w->from.num);
                ok = false;
                continue;
            }
            eo += (size_t)snprintf(exp + eo, sizeof exp - eo, "%sfrom address %u", eo ? ", " : "",
                                   from);
            if (e->svalid)
                ao += (size_t)snprintf(act + ao, sizeof act - ao, "%sfrom address %u",
                                       ao ? ", " : "", e->src);
            else
                ao += (size_t)snprintf(act + ao, sizeof act - ao, "%sno source (SVALID=0)",
                                       ao ? ", " : "");
            if (!e->svalid || e->src != from)
                bad = true;
        }
        if (bad) {
            fail_step(c, s, "element contents differ");
            diff(c, label, exp, act);
            ok = false;
        }
    }
    free(t.e);
    return ok;
}

struct ta_walk {
    uint64_t flags;
};

static enum t10_rc collect_ta(const struct t10_log_param *p, void *arg)
{
    struct ta_walk *w = arg;
    if (p->code >= 1 && p->code <= 64 && p->len >= 1 && p->value && (p->value[0] & 1))
        w->flags |= UINT64_C(1) << (p->code - 1);
    return T10_OK;
}

static void flag_list(char *out, size_t cap, uint64_t flags)
{
    size_t off = 0;
    out[0] = '\0';
    for (unsigned f = 1; f <= 64 && off < cap; f++)
        if (flags & (UINT64_C(1) << (f - 1)))
            off += (size_t)snprintf(out + off, cap - off, "%s%u", off ? ", " : "[", f);
    if (off == 0)
        snprintf(out, cap, "[]");
    else if (off < cap)
        snprintf(out + off, cap - off, "]");
}

static bool check_tapealert(struct ctx *c, const struct scn_step *s)
{
    if (s->lun > c->n_drives) {
        fail_step(c, s, "the library has no LUN %u", s->lun);
        return false;
    }
    uint64_t id = nexus_get(c, CHECK_NEXUS_NAME);
    drain_ua(c, id, s->lun);
    struct t10_cdb q = {.kind = T10_CDB_LOG_SENSE};
    q.u.log_sense.pc = 1;
    q.u.log_sense.page = T10_LP_TAPEALERT;
    q.u.log_sense.alloc_len = 4096;
    uint8_t cdb[T10_CDB_MAX], buf[4096];
    size_t len = t10_cdb_build(cdb, sizeof cdb, &q);
    struct vtl_cmd cmd;
    char why[256];
    if (!exec(c, id, s->lun, cdb, len, NULL, 0, buf, sizeof buf, &cmd, why, sizeof why)) {
        fail_step(c, s, "LOG SENSE: %s", why);
        return false;
    }
    if (cmd.status != VTL_STATUS_GOOD) {
        struct t10_sense sn = {0};
        (void)t10_sense_parse(cmd.sense, cmd.sense_len, &sn);
        char w[160];
        sense_words(w, sizeof w, sn.key, sn.asc_ascq);
        fail_step(c, s, "LOG SENSE page 2Eh on LUN %u failed: sense %s", s->lun, w);
        return false;
    }
    struct ta_walk tw = {0};
    bool trunc;
    if (t10_log_walk(buf, cmd.data_in_len, NULL, collect_ta, &tw, &trunc) != T10_OK) {
        fail_step(c, s, "LOG SENSE page 2Eh could not be decoded");
        return false;
    }
    uint64_t missing = s->ta_set & ~tw.flags, extra = s->ta_clear & tw.flags;
    if (missing || extra) {
        char a[300], e[300], m[300];
        flag_list(a, sizeof a, tw.flags);
        fail_step(c, s, "TapeAlert flags differ on LUN %u", s->lun);
        flag_list(e, sizeof e, s->ta_set);
        flag_list(m, sizeof m, s->ta_clear);
        char want[700];
        snprintf(want, sizeof want, "set %s, clear %s", e, m);
        diff(c, "flags", want, a);
        return false;
    }
    sb_printf(&c->trace, " flags=%#llx", (unsigned long long)tw.flags);
    return true;
}

/* ---- device steps -------------------------------------------------------------------------- */

static bool check_cmd(struct ctx *c, const struct scn_step *s, const struct vtl_cmd *cmd,
                      const uint8_t *data_in)
{
    const struct scn_expect *ex = &s->ex;
    uint8_t want_status = ex->has_status  ? ex->status
                          : ex->has_sense ? VTL_STATUS_CHECK_CONDITION
                                          : VTL_STATUS_GOOD;
    struct t10_sense sn = {0};
    bool have_sense = false;
    if (cmd->status == VTL_STATUS_CHECK_CONDITION && cmd->sense_len)
        have_sense = t10_sense_parse(cmd->sense, cmd->sense_len, &sn) == T10_OK;
    else if (cmd->status == VTL_STATUS_GOOD && cmd->cdb[0] == 0x03 && cmd->data_in_len)
        have_sense = t10_sense_parse(data_in, cmd->data_in_len, &sn) == T10_OK; /* REQUEST SENSE */
    char act[200], exp[200];
    if (have_sense)
        sense_words(act, sizeof act, sn.key, sn.asc_ascq);
    else
        snprintf(act, sizeof act, "none");
    sb_printf(&c->trace, " status=%02Xh sense=%s", cmd->status, have_sense ? act : "none");
    if (cmd->status != want_status) {
        fail_step(c, s, "unexpected SCSI status");
        char e[64], a[260];
        snprintf(e, sizeof e, "status %02Xh", want_status);
        snprintf(a, sizeof a, "status %02Xh, sense %s", cmd->status, act);
        diff(c, "status", e, a);
        return false;
    }
    if (ex->has_sense) {
        sense_words(exp, sizeof exp, ex->key, ex->asc_ascq);
        if (!have_sense || sn.key != ex->key || sn.asc_ascq != ex->asc_ascq) {
            fail_step(c, s, "unexpected sense data");
            diff(c, "sense", exp, act);
            return false;
        }
    }
    if (ex->has_data) {
        bool same = cmd->data_in_len >= ex->data_len && !memcmp(data_in, ex->data, ex->data_len);
        if (!same) {
            char e[3 * 64 + 1] = "", a[3 * 64 + 1] = "";
            for (size_t i = 0; i < ex->data_len && i < 64; i++)
                sprintf(e + 3 * i, "%02x ", ex->data[i]);
            for (size_t i = 0; i < cmd->data_in_len && i < ex->data_len && i < 64; i++)
                sprintf(a + 3 * i, "%02x ", data_in[i]);
            fail_step(c, s, "unexpected data-in (%zu bytes received)", cmd->data_in_len);
            diff(c, "data", e, a);
            return false;
        }
    }
    return true;
}

static bool run_cdb(struct ctx *c, const struct scn_step *s, const uint8_t *cdb, size_t len,
                    const uint8_t *out, size_t out_len, size_t alloc)
{
    if (s->lun > c->n_drives) {
        fail_step(c, s, "the library has no LUN %u (LUN 0 is the changer, 1..%u the drives)",
                  s->lun, c->n_drives);
        return false;
    }
    uint8_t *in = malloc(alloc ? alloc : 1);
    if (!in) {
        fail_step(c, s, "out of memory");
        return false;
    }
    struct vtl_cmd cmd;
    char why[256];
    sb_printf(&c->trace, " lun=%u op=%02Xh", s->lun, cdb[0]);
    bool ok = exec(c, nexus_get(c, s->nexus), s->lun, cdb, len, out, out_len, in, alloc, &cmd, why,
                   sizeof why);
    if (!ok)
        fail_step(c, s, "%s", why);
    else
        ok = check_cmd(c, s, &cmd, in);
    free(in);
    return ok;
}

static bool run_scsi(struct ctx *c, const struct scn_step *s)
{
    struct t10_cdb q;
    memset(&q, 0, sizeof q);
    uint16_t mt = vtl_library_first_addr(c->lib, VTL_ELEM_TRANSPORT);
    uint16_t a = 0, b = 0, d2 = 0;
    size_t alloc = 4096;
    uint8_t *out = NULL;
    size_t out_len = 0;
    switch (s->opcode) {
    case SC_TUR:
        q.kind = T10_CDB_TEST_UNIT_READY;
        break;
    case SC_RSENSE:
        q.kind = T10_CDB_REQUEST_SENSE;
        q.u.request_sense.alloc_len = 252;
        break;
    case SC_INQUIRY:
        q.kind = T10_CDB_INQUIRY;
        q.u.inquiry.alloc_len = 255;
        break;
    case SC_MOVE:
        if (!resolve_or_fail(c, s, &s->from, &a) || !resolve_or_fail(c, s, &s->to, &b))
            return false;
        q.kind = T10_CDB_MOVE_MEDIUM;
        q.u.move.transport = mt;
        q.u.move.src = a;
        q.u.move.dst = b;
        break;
    case SC_EXCHANGE:
        if (!resolve_or_fail(c, s, &s->from, &a) || !resolve_or_fail(c, s, &s->to, &b) ||
            !resolve_or_fail(c, s, &s->want->elem, &d2))
            return false;
        q.kind = T10_CDB_EXCHANGE_MEDIUM;
        q.u.exchange.transport = mt;
        q.u.exchange.src = a;
        q.u.exchange.dst1 = b;
        q.u.exchange.dst2 = d2;
        break;
    case SC_POSITION:
        if (!resolve_or_fail(c, s, &s->to, &b))
            return false;
        q.kind = T10_CDB_POSITION_TO_ELEMENT;
        q.u.position.transport = mt;
        q.u.position.dst = b;
        break;
    case SC_INIT:
        q.kind = T10_CDB_INIT_ELEMENT_STATUS;
        break;
    case SC_PREVENT:
    case SC_ALLOW:
        q.kind = T10_CDB_PREVENT_ALLOW;
        q.u.prevent_allow.prevent = s->opcode == SC_PREVENT;
        break;
    case SC_OPEN_IE:
    case SC_CLOSE_IE:
        if (s->to.num && !resolve_or_fail(c, s, &s->to, &b))
            return false;
        q.kind = T10_CDB_OPEN_CLOSE_IE;
        q.u.open_close.elem_addr = b;
        q.u.open_close.action = s->opcode == SC_OPEN_IE ? T10_IE_OPEN : T10_IE_CLOSE;
        break;
    case SC_LOAD:
    case SC_UNLOAD:
        q.kind = T10_CDB_LOAD_UNLOAD;
        q.u.load_unload.load = s->opcode == SC_LOAD;
        q.u.load_unload.hold = s->open;
        break;
    case SC_REWIND:
        q.kind = T10_CDB_REWIND;
        break;
    case SC_WRITE:
        q.kind = T10_CDB_WRITE6;
        q.u.rw6.xfer_len = s->write_bytes;
        out_len = s->write_bytes;
        out = malloc(out_len ? out_len : 1);
        if (!out) {
            fail_step(c, s, "out of memory");
            return false;
        }
        for (size_t i = 0; i < out_len; i++)
            out[i] = i % 8 == 0 ? (uint8_t)rng_next(c) : (uint8_t)(out[i - 1] * 31 + 7);
        alloc = 0;
        break;
    case SC_WFM:
        q.kind = T10_CDB_WRITE_FILEMARKS6;
        q.u.write_fm.count = (uint32_t)s->n;
        break;
    case SC_READ:
        q.kind = T10_CDB_READ6;
        q.u.rw6.sili = true;
        q.u.rw6.xfer_len = s->write_bytes;
        alloc = s->write_bytes;
        break;
    case SC_LOG_SENSE:
        q.kind = T10_CDB_LOG_SENSE;
        q.u.log_sense.pc = 1;
        q.u.log_sense.page = s->key;
        q.u.log_sense.alloc_len = 4096;
        break;
    default:
        fail_step(c, s, "internal: unknown command");
        return false;
    }
    uint8_t cdb[T10_CDB_MAX];
    size_t len = t10_cdb_build(cdb, sizeof cdb, &q);
    bool ok = run_cdb(c, s, cdb, len, out, out_len, alloc);
    if (c->stuck && c->stuck->cmd.data_out == out && out)
        c->stuck->owned = out; /* libvtl may still read it until teardown */
    else
        free(out);
    return ok;
}

/* ---- simulator steps ---------------------------------------------------------------------- */

static bool sim_result(struct ctx *c, const struct scn_step *s, enum vtl_rc rc)
{
    sb_printf(&c->trace, " -> %s", vtl_rc_name(rc));
    return result_ok(c, s, vtl_rc_name(rc), "VTL_OK");
}

static bool drive_of(struct ctx *c, const struct scn_step *s, struct vtl_drive **d)
{
    if (s->drive > c->n_drives) {
        fail_step(c, s, "the library has no drive %u (it has %u)", s->drive, c->n_drives);
        return false;
    }
    *d = c->drives[s->drive - 1];
    return true;
}

static bool run_sim(struct ctx *c, const struct scn_step *s)
{
    enum vtl_rc rc = VTL_OK;
    uint16_t a = 0, b = 0;
    struct vtl_drive *d;
    switch (s->kind) {
    case SCN_INJECT:
    case SCN_APPEARS: {
        struct vtl_cart_info cart;
        int uses = c->cfg->pers.cleaning_uses;
        if (vtl_cart_from_barcode(s->barcode, uses, &cart) != VTL_OK)
            return sim_result(c, s, VTL_E_INVAL);
        if (s->media) {
            enum vtl_media m;
            (void)vtl_media_parse(s->media, &m); /* checked at load */
            cart.media = m;
            cart.cleaning = m == VTL_MEDIA_CLEANING;
            cart.cleaning_uses_left = cart.cleaning ? uses : -1;
        }
        if (s->mailslot) {
            struct scn_elem e = {VTL_ELEM_IE, s->mailslot};
            if (!resolve_or_fail(c, s, &e, &a))
                return false;
        }
        sb_printf(&c->trace, " %s", s->barcode);
        rc = s->kind == SCN_INJECT ? vtl_library_inject(c->lib, &cart, a, NULL)
                                   : vtl_fault_cartridge_appears(c->lib, &cart, a);
        return sim_result(c, s, rc);
    }
    case SCN_REMOVE: {
        struct scn_elem e = {VTL_ELEM_IE, s->mailslot};
        struct vtl_cart_info cart;
        memset(&cart, 0, sizeof cart);
        if (!resolve_or_fail(c, s, &e, &a))
            return false;
        rc = vtl_library_remove(c->lib, a, &cart);
        if (!sim_result(c, s, rc))
            return false;
        sb_printf(&c->trace, " %s", cart.barcode);
        if (s->ex.barcode && (rc != VTL_OK || strcmp(cart.barcode, s->ex.barcode))) {
            fail_step(c, s, "another cartridge came out");
            diff(c, "barcode", s->ex.barcode, rc == VTL_OK ? cart.barcode : "(nothing)");
            return false;
        }
        return true;
    }
    case SCN_DOOR:
        return sim_result(c, s, vtl_library_set_door(c->lib, s->open));
    case SCN_MAILSLOT_DOOR:
        return sim_result(c, s, vtl_library_set_mailslot(c->lib, s->open));
    case SCN_FORCE_DOOR:
        vtl_fault_door_left_open(c->lib);
        return sim_result(c, s, VTL_OK);
    case SCN_MOVE_BY_HAND:
        if (!resolve_or_fail(c, s, &s->from, &a) || !resolve_or_fail(c, s, &s->to, &b))
            return false;
        return sim_result(c, s, vtl_library_move_by_hand(c->lib, a, b));
    case SCN_DIRTY:
        if (!drive_of(c, s, &d))
            return false;
        vtl_drive_set_dirty(d, true);
        return sim_result(c, s, VTL_OK);
    case SCN_DRIVE_FAULT:
        if (!drive_of(c, s, &d))
            return false;
        switch (s->fault) {
        case SCN_DF_HARD:
            vtl_drive_fault_hard(d, s->asc_ascq);
            break;
        case SCN_DF_WRITE_ERROR:
            vtl_drive_fault_write_error(d, (unsigned)s->n);
            break;
        case SCN_DF_READ_ERROR:
            if (vtl_drive_fault_read_error(d, 0, s->n) != VTL_DRIVE_OK)
                rc = VTL_E_INVAL;
            break;
        case SCN_DF_NOT_READY:
            vtl_drive_fault_not_ready(d, (unsigned)s->n, s->us);
            break;
        case SCN_DF_SLOW:
            vtl_drive_fault_slow(d, s->us);
            break;
        case SCN_DF_CLEAR:
            vtl_drive_fault_clear(d);
            break;
        }
        return sim_result(c, s, rc);
    case SCN_ROBOT_JAM:
        vtl_fault_robot_jam(c->lib, s->asc_ascq);
        return sim_result(c, s, VTL_OK);
    case SCN_CLEAR_JAM:
        vtl_fault_clear_jam(c->lib);
        return sim_result(c, s, VTL_OK);
    case SCN_UNREADABLE:
        return sim_result(c, s, vtl_fault_barcode_unreadable(c->lib, s->barcode, s->open));
    case SCN_POWER_CYCLE:
        vtl_fault_power_on_reset(c->lib);
        for (unsigned i = 0; i < c->n_drives; i++)
            vtl_drive_reset(c->drives[i]);
        return sim_result(c, s, VTL_OK);
    case SCN_ADVANCE:
        vtl_clock_advance(c->clk, s->us);
        sb_printf(&c->trace, " now=%lluus", (unsigned long long)vtl_clock_now_us(c->clk));
        return true;
    case SCN_FAIL_NEXT:
        return sim_result(
            c, s, vtl_fault_next_cmd(c->lib, s->opcode, s->key, s->asc_ascq, (unsigned)s->n));
    default:
        break;
    }
    fail_step(c, s, "internal: not a simulator step");
    return false;
}

static bool check_drive_state(struct ctx *c, const struct scn_step *s)
{
    struct vtl_drive *d;
    if (!drive_of(c, s, &d))
        return false;
    struct vtl_drive_status st;
    vtl_drive_status(d, &st);
    const char *name = vtl_drive_state_name(st.state);
    sb_printf(&c->trace, " state=%s barcode=%s dirty=%d", name, st.barcode, st.dirty);
    if (s->state && strcasecmp(s->state, name)) {
        fail_step(c, s, "drive %u is in another state", s->drive);
        diff(c, "state", s->state, name);
        return false;
    }
    if (s->barcode && strcmp(s->barcode, st.barcode)) {
        fail_step(c, s, "drive %u holds another cartridge", s->drive);
        diff(c, "barcode", s->barcode, st.barcode[0] ? st.barcode : "(none)");
        return false;
    }
    if (s->dirty >= 0 && (bool)s->dirty != st.dirty) {
        fail_step(c, s, "drive %u cleaning request differs", s->drive);
        diff(c, "dirty", s->dirty ? "true" : "false", st.dirty ? "true" : "false");
        return false;
    }
    return true;
}

/* ---- RSM ---------------------------------------------------------------------------------- */

static bool pool_search(struct ctx *c, const GUID *container, const char *name, GUID *out,
                        unsigned depth)
{
    GUID list[256];
    DWORD n = 256;
    if (depth > 8 || EnumerateNtmsObject(c->h, (const LPNTMS_GUID)container, list, &n,
                                         NTMS_MEDIA_POOL, 0) != ERROR_SUCCESS)
        return false;
    for (DWORD i = 0; i < n; i++) {
        char buf[512];
        DWORD size = sizeof buf;
        if (GetNtmsMediaPoolNameA(c->h, &list[i], buf, &size) == ERROR_SUCCESS &&
            !strcasecmp(buf, name)) {
            *out = list[i];
            return true;
        }
        if (pool_search(c, &list[i], name, out, depth + 1))
            return true;
    }
    return false;
}

/* A pool by full name; an unknown name gives the null GUID, which the API then judges
 * (so "delete a pool that does not exist" gets RSM's own answer). */
static GUID pool_guid(struct ctx *c, const char *name)
{
    GUID g;
    memset(&g, 0, sizeof g);
    if (name)
        (void)pool_search(c, NULL, name, &g, 0);
    return g;
}

static GUID media_guid(struct ctx *c, const char *barcode)
{
    GUID g;
    memset(&g, 0, sizeof g);
    for (unsigned i = 0; i < c->n_media; i++)
        if (!strcmp(c->media[i].barcode, barcode))
            return c->media[i].pmedia;
    return g;
}

static struct var *var_get(struct ctx *c, const char *name, bool create)
{
    for (unsigned i = 0; i < c->n_vars; i++)
        if (!strcmp(c->vars[i].name, name))
            return &c->vars[i];
    if (!create || c->n_vars >= MAX_VARS)
        return NULL;
    struct var *v = &c->vars[c->n_vars++];
    snprintf(v->name, sizeof v->name, "%s", name);
    return v;
}

static struct list *list_get(struct ctx *c, const char *name, bool create)
{
    for (unsigned i = 0; i < c->n_lists; i++)
        if (!strcmp(c->lists[i].name, name))
            return &c->lists[i];
    if (!create || c->n_lists >= MAX_VARS)
        return NULL;
    struct list *l = &c->lists[c->n_lists++];
    snprintf(l->name, sizeof l->name, "%s", name);
    return l;
}

static bool rsm_setup(struct ctx *c, char *why, size_t cap)
{
    char server[PATH_MAX + 16];
    snprintf(server, sizeof server, "embedded:%s/db", c->dir);
    c->h = OpenNtmsSessionA(server, "rsm-scenario", 0);
    if (c->h == INVALID_HANDLE_VALUE) {
        snprintf(why, cap, "cannot open the embedded RSM database in %.900s/db", c->dir);
        return false;
    }
    struct rsm_engine *e = c->engine = rsm_session_engine(c->h);
    struct rsm_guid lto, lib, x;
    /* STORAGE_MEDIA_TYPE LTO_Ultrium (0x56), one side, rewritable, tape device class */
    if (rsm_engine_register_media_type(e, 0x56, "LTO Ultrium", 1, 1, 0x1F, &lto) != RSM_OK)
        goto fail;
    memcpy(&c->lto, lto.b, sizeof c->lto);
    char name[128];
    snprintf(name, sizeof name, "%s %s %s", vtl_library_vendor(c->lib), vtl_library_product(c->lib),
             vtl_library_serial(c->lib));
    struct rsm_dev_library dl = {.name = name, .library_type = RSM_LIB_ONLINE, .barcode_reader = 1};
    if (rsm_engine_register_library(e, &dl, &lib) != RSM_OK)
        goto fail;
    memcpy(&c->library, lib.b, sizeof c->library);
    struct rsm_dev_unit ch = {.number = 0,
                              .vendor = vtl_library_vendor(c->lib),
                              .product = vtl_library_product(c->lib),
                              .serial = vtl_library_serial(c->lib),
                              .revision = vtl_library_revision(c->lib),
                              .devname = "sim:0"};
    if (rsm_engine_register_changer(e, &lib, &ch, &x) != RSM_OK)
        goto fail;
    for (unsigned i = 0; i < c->n_drives; i++) {
        struct vtl_elem_info ei;
        if (vtl_library_elem_at(c->lib, VTL_ELEM_DTE, i, &ei) != VTL_OK)
            goto fail;
        struct rsm_dev_unit du = {.number = i,
                                  .vendor = ei.drive.vendor,
                                  .product = ei.drive.product,
                                  .serial = ei.drive.serial,
                                  .revision = ei.drive.revision,
                                  .devname = "sim"};
        if (rsm_engine_register_drive(e, &lib, &du, &x) != RSM_OK)
            goto fail;
        memcpy(&c->drive_ids[i], x.b, sizeof(GUID));
    }
    if (rsm_engine_register_ieport(e, &lib, 0, &x) != RSM_OK ||
        rsm_engine_register_iedoor(e, &lib, 0, &x) != RSM_OK)
        goto fail;
    unsigned n_slots = vtl_library_count(c->lib, VTL_ELEM_STORAGE);
    for (unsigned i = 0; i < n_slots; i++) {
        struct rsm_guid slot, pm;
        struct vtl_elem_info ei;
        if (rsm_engine_register_slot(e, &lib, i + 1, &slot) != RSM_OK ||
            vtl_library_elem_at(c->lib, VTL_ELEM_STORAGE, i, &ei) != VTL_OK)
            goto fail;
        /* Cleaning cartridges are not media of a pool: RSM's cleaner handling is not
         * implemented, so they stay out of the database. */
        if (!ei.full || ei.cart.cleaning || c->n_media >= MAX_MEDIA)
            continue;
        if (rsm_dev_media_seen(e, &slot, ei.cart.label_unreadable ? "" : ei.cart.barcode, &lto,
                               NULL, &pm) != RSM_OK)
            goto fail;
        snprintf(c->media[c->n_media].barcode, sizeof c->media[0].barcode, "%s", ei.cart.barcode);
        memcpy(&c->media[c->n_media].pmedia, pm.b, sizeof(GUID));
        c->n_media++;
    }
    if (c->sc->rsm_free_all) {
        GUID freep = pool_guid(c, "Free\\LTO Ultrium");
        for (unsigned i = 0; i < c->n_media; i++)
            if (MoveToNtmsMediaPool(c->h, &c->media[i].pmedia, &freep) != ERROR_SUCCESS) {
                snprintf(why, cap, "cannot move %s to the free pool", c->media[i].barcode);
                return false;
            }
    }
    return true;
fail:
    snprintf(why, cap, "cannot mirror the library into RSM (device registration failed)");
    return false;
}

static bool run_rsm(struct ctx *c, const struct scn_step *s)
{
    DWORD r = ERROR_SUCCESS;
    char nb[32];
    GUID pool, lmid;
    memset(&lmid, 0, sizeof lmid);
    bool skipped = false;
    sb_printf(&c->trace, " %s", scn_rsm_call_name(s->call));
    switch (s->call) {
    case SCN_CREATE_POOL: {
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", s->parent ? s->parent : "", s->parent ? "\\" : "",
                 s->name);
        GUID id;
        sb_printf(&c->trace, " %s", path);
        r = CreateNtmsMediaPoolA(c->h, path, s->media_type ? &c->lto : NULL, s->action, NULL, &id);
        break;
    }
    case SCN_DELETE_POOL:
        pool = pool_guid(c, s->pool);
        r = DeleteNtmsMediaPool(c->h, &pool);
        break;
    case SCN_SET_POOL_POLICY: {
        pool = pool_guid(c, s->pool);
        NTMS_OBJECTINFORMATIONA info;
        memset(&info, 0, sizeof info);
        info.dwSize = sizeof info;
        info.dwType = NTMS_MEDIA_POOL;
        r = GetNtmsObjectInformationA(c->h, &pool, &info);
        if (r == ERROR_SUCCESS) {
            if (s->has_alloc_policy)
                info.Info.MediaPool.AllocationPolicy = s->alloc_policy;
            if (s->has_dealloc_policy)
                info.Info.MediaPool.DeallocationPolicy = s->dealloc_policy;
            r = SetNtmsObjectInformationA(c->h, &pool, &info);
        }
        break;
    }
    case SCN_ALLOCATE:
        pool = pool_guid(c, s->pool);
        r = AllocateNtmsMedia(c->h, &pool, NULL, &lmid, s->options, 0, NULL);
        if (r == ERROR_SUCCESS && s->save) {
            struct var *v = var_get(c, s->save, true);
            if (v)
                v->g = lmid;
        }
        if (r == ERROR_SUCCESS && s->push) {
            struct list *l = list_get(c, s->push, true);
            if (l && l->n < MAX_LIST) {
                GUID *ni = realloc(l->items, (l->n + 1) * sizeof *ni);
                if (ni) {
                    l->items = ni;
                    l->items[l->n++] = lmid;
                }
            }
        }
        break;
    case SCN_DEALLOCATE:
        if (s->pop) {
            struct list *l = list_get(c, s->pop, false);
            if (!l || !l->n) {
                skipped = true; /* nothing held: the step is a no-op, as the trace says */
                break;
            }
            /* which held medium goes back is the seeded generator's choice */
            size_t k = (size_t)(rng_next(c) % l->n);
            lmid = l->items[k];
            l->items[k] = l->items[--l->n];
        } else {
            struct var *v = var_get(c, s->var, false);
            if (v)
                lmid = v->g;
        }
        r = DeallocateNtmsMedia(c->h, &lmid, 0);
        break;
    case SCN_MOVE_TO_POOL:
        pool = pool_guid(c, s->pool);
        if (s->all_barcodes) {
            for (unsigned i = 0; i < c->n_media && r == ERROR_SUCCESS; i++)
                r = MoveToNtmsMediaPool(c->h, &c->media[i].pmedia, &pool);
        } else {
            GUID m = media_guid(c, s->barcode);
            r = MoveToNtmsMediaPool(c->h, &m, &pool);
        }
        break;
    case SCN_GET_INFO: {
        NTMS_OBJECTINFORMATIONA info;
        memset(&info, 0, sizeof info);
        info.dwSize = sizeof info;
        GUID id;
        if (s->barcode) {
            id = media_guid(c, s->barcode);
            info.dwType = NTMS_PHYSICAL_MEDIA;
        } else {
            id = pool_guid(c, s->pool);
            info.dwType = NTMS_MEDIA_POOL;
        }
        r = GetNtmsObjectInformationA(c->h, &id, &info);
        if (r != ERROR_SUCCESS)
            break;
        if (s->barcode && s->ex.pool) {
            char name[512] = "";
            DWORD size = sizeof name;
            if (GetNtmsMediaPoolNameA(c->h, &info.Info.PhysicalMedia.MediaPool, name, &size) !=
                ERROR_SUCCESS)
                snprintf(name, sizeof name, "(unnamed)");
            if (strcasecmp(name, s->ex.pool)) {
                fail_step(c, s, "%s is in another pool", s->barcode);
                diff(c, "pool", s->ex.pool, name);
                return false;
            }
        }
        if (s->barcode && s->ex.media_state >= 0 &&
            info.Info.PhysicalMedia.MediaState != (DWORD)s->ex.media_state) {
            static const char *const ms[] = {"IDLE",     "INUSE",   "MOUNTED", "LOADED",
                                             "UNLOADED", "OPERROR", "OPREQ"};
            DWORD st = info.Info.PhysicalMedia.MediaState;
            fail_step(c, s, "%s is in another state", s->barcode);
            diff(c, "state", ms[s->ex.media_state], st < 7 ? ms[st] : "?");
            return false;
        }
        if (!s->barcode && s->ex.count >= 0 &&
            info.Info.MediaPool.dwNumberOfPhysicalMedia != (DWORD)s->ex.count) {
            char e[32], a[32];
            snprintf(e, sizeof e, "%ld", s->ex.count);
            snprintf(a, sizeof a, "%lu",
                     (unsigned long)info.Info.MediaPool.dwNumberOfPhysicalMedia);
            fail_step(c, s, "pool %s holds another number of media", s->pool);
            diff(c, "dwNumberOfPhysicalMedia", e, a);
            return false;
        }
        break;
    }
    case SCN_ENUMERATE: {
        pool = pool_guid(c, s->pool);
        DWORD n = MAX_LIST;
        GUID *list = calloc(MAX_LIST, sizeof *list);
        if (!list) {
            fail_step(c, s, "out of memory");
            return false;
        }
        r = EnumerateNtmsObject(c->h, &pool, list, &n, s->obj_type, 0);
        free(list);
        if (r != ERROR_SUCCESS)
            break;
        long want = s->ex.count;
        if (s->ex.count_of) {
            struct list *l = list_get(c, s->ex.count_of, false);
            want = l ? (long)l->n : 0;
        }
        sb_printf(&c->trace, " count=%lu", (unsigned long)n);
        if (want >= 0 && (long)n != want) {
            char e[64], a[32];
            snprintf(e, sizeof e, "%ld%s%s%s", want, s->ex.count_of ? " (held in " : "",
                     s->ex.count_of ? s->ex.count_of : "", s->ex.count_of ? ")" : "");
            snprintf(a, sizeof a, "%lu", (unsigned long)n);
            fail_step(c, s, "pool %s holds another number of objects", s->pool);
            diff(c, "count", e, a);
            return false;
        }
        break;
    }
    case SCN_GET_POOL_NAME: {
        pool = pool_guid(c, s->pool);
        char name[512] = "";
        DWORD size = sizeof name;
        r = GetNtmsMediaPoolNameA(c->h, &pool, name, &size);
        if (r == ERROR_SUCCESS && s->ex.name && strcmp(name, s->ex.name)) {
            fail_step(c, s, "the pool has another name");
            diff(c, "name", s->ex.name, name);
            return false;
        }
        break;
    }
    case SCN_MOUNT:
    case SCN_DISMOUNT:
    case SCN_EJECT_MEDIA: {
        GUID m;
        struct var *v = s->var ? var_get(c, s->var, false) : NULL;
        if (v)
            m = v->g;
        else
            m = media_guid(c, s->barcode ? s->barcode : "");
        if (s->call == SCN_MOUNT) {
            GUID drv;
            memset(&drv, 0, sizeof drv);
            if (s->drive <= c->n_drives)
                drv = c->drive_ids[s->drive - 1];
            r = MountNtmsMedia(c->h, &m, &drv, 1, NTMS_MOUNT_READ | NTMS_MOUNT_WRITE, 0, 0, NULL);
        } else if (s->call == SCN_DISMOUNT) {
            r = DismountNtmsMedia(c->h, &m, 1, NTMS_DISMOUNT_IMMEDIATE);
        } else {
            GUID op;
            memset(&op, 0, sizeof op);
            r = EjectNtmsMedia(c->h, &m, &op, NTMS_EJECT_START);
        }
        break;
    }
    case SCN_INVENTORY:
        r = InventoryNtmsLibrary(c->h, &c->library, NTMS_INVENTORY_FAST);
        break;
    case SCN_INJECT_MEDIA: {
        GUID op;
        memset(&op, 0, sizeof op);
        r = InjectNtmsMedia(c->h, &c->library, &op, NTMS_INJECT_START);
        break;
    }
    case SCN_ACCESS_DOOR:
        r = AccessNtmsLibraryDoor(c->h, &c->library, NTMS_INVENTORY_NONE);
        break;
    case SCN_CLEAN_DRIVE: {
        GUID drv;
        memset(&drv, 0, sizeof drv);
        if (s->drive <= c->n_drives)
            drv = c->drive_ids[s->drive - 1];
        r = CleanNtmsDrive(c->h, &drv);
        break;
    }
    case SCN_RSM_CALL_COUNT:
        break;
    }
    if (skipped) {
        sb_printf(&c->trace, " skipped (list %s is empty)", s->pop);
        return true;
    }
    const char *rn = win32_name(r, nb, sizeof nb);
    sb_printf(&c->trace, " -> %s", rn);
    if (!result_ok(c, s, rn, "ERROR_SUCCESS"))
        return false;
    char why[256];
    if (rsm_engine_check(c->engine, why, sizeof why) != RSM_OK) {
        fail_step(c, s, "the RSM database broke an invariant: %s", why);
        return false;
    }
    return true;
}

/* ---- the step loop -------------------------------------------------------------------------- */

static bool run_steps(struct ctx *c, const struct scn_step *steps, size_t n, const char *prefix);

static bool run_step(struct ctx *c, const struct scn_step *s)
{
    c->steps_run++;
    sb_printf(&c->trace, "[%s] %s:%u %s", c->path, c->sc->file, s->line, scn_kind_name(s->kind));
    bool ok;
    switch (s->kind) {
    case SCN_CDB:
        ok = run_cdb(c, s, s->cdb, s->cdb_len, s->data_out, s->data_out_len, s->alloc);
        break;
    case SCN_SCSI:
        ok = run_scsi(c, s);
        break;
    case SCN_ELEMENTS:
        ok = check_elements(c, s);
        break;
    case SCN_TAPEALERT:
        ok = check_tapealert(c, s);
        break;
    case SCN_DRIVE_STATE:
        ok = check_drive_state(c, s);
        break;
    case SCN_TIME: {
        uint64_t now = vtl_clock_now_us(c->clk);
        sb_printf(&c->trace, " now=%lluus", (unsigned long long)now);
        ok = (!s->has_at_least || now >= s->at_least_us) &&
             (!s->has_at_most || now <= s->at_most_us);
        if (!ok) {
            char e[96], a[48];
            if (s->has_at_least && s->has_at_most && s->at_least_us == s->at_most_us)
                snprintf(e, sizeof e, "%.3f s", s->at_least_us / 1e6);
            else
                snprintf(e, sizeof e, "%s%.3f s%s%.3f s", s->has_at_least ? ">= " : "",
                         s->has_at_least ? s->at_least_us / 1e6 : 0.0,
                         s->has_at_most ? ", <= " : "", s->has_at_most ? s->at_most_us / 1e6 : 0.0);
            snprintf(a, sizeof a, "%.3f s", now / 1e6);
            fail_step(c, s, "virtual time elapsed differs");
            diff(c, "elapsed", e, a);
        }
        break;
    }
    case SCN_RSM:
        ok = run_rsm(c, s);
        break;
    case SCN_REPEAT: {
        sb_printf(&c->trace, " x%llu\n", (unsigned long long)s->count);
        char base[64];
        snprintf(base, sizeof base, "%s", c->path);
        ok = true;
        for (uint64_t i = 0; ok && i < s->count; i++) {
            char pre[64];
            snprintf(pre, sizeof pre, "%.40s#%llu", base, (unsigned long long)i + 1);
            ok = run_steps(c, s->steps, s->n_steps, pre);
        }
        snprintf(c->path, sizeof c->path, "%s", base);
        return ok;
    }
    case SCN_PICK: {
        size_t k = (size_t)(rng_next(c) % s->n_steps);
        sb_printf(&c->trace, " -> option %zu\n", k + 1);
        char base[64], pre[64];
        snprintf(base, sizeof base, "%s", c->path);
        snprintf(pre, sizeof pre, "%s", base);
        snprintf(c->path, sizeof c->path, "%.40s.%zu", pre, k + 1);
        ok = run_step(c, &s->steps[k]);
        snprintf(c->path, sizeof c->path, "%s", base);
        return ok;
    }
    default:
        ok = run_sim(c, s);
        if (ok) {
            char why[256];
            if (vtl_library_check(c->lib, why, sizeof why) != VTL_OK) {
                fail_step(c, s, "the library broke an invariant: %s", why);
                ok = false;
            }
        }
        break;
    }
    sb_printf(&c->trace, "%s\n", ok ? "" : " FAILED");
    return ok;
}

static bool run_steps(struct ctx *c, const struct scn_step *steps, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++) {
        char saved[64];
        snprintf(saved, sizeof saved, "%s", c->path);
        snprintf(c->path, sizeof c->path, "%.40s%s%zu", prefix, *prefix ? "." : "", i + 1);
        bool ok = run_step(c, &steps[i]);
        snprintf(c->path, sizeof c->path, "%s", saved);
        if (!ok)
            return false;
    }
    return true;
}

enum scn_rc scn_run(const struct scn_scenario *sc, const uint64_t *seed_override,
                    struct scn_result *out)
{
    memset(out, 0, sizeof *out);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct ctx *c = calloc(1, sizeof *c);
    out->name = strdup(sc->name);
    out->file = strdup(sc->file);
    if (!c || !out->name || !out->file) {
        free(c);
        out->rc = SCN_E_NOMEM;
        return out->rc;
    }
    c->sc = sc;
    c->rng = seed_override ? *seed_override : sc->seed;
    char why[1024] = "";
    const char *tmp = getenv("TMPDIR");
    snprintf(c->dir, sizeof c->dir, "%s/rsm-scenario-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    enum scn_rc rc = SCN_OK;
    if (!mkdtemp(c->dir)) {
        snprintf(why, sizeof why, "cannot create a temporary directory: %s", strerror(errno));
        c->dir[0] = '\0';
        rc = SCN_E_SETUP;
    } else if (!build_library(c, why, sizeof why) || (sc->rsm && !rsm_setup(c, why, sizeof why))) {
        rc = SCN_E_SETUP;
    } else if (!nexus_login(c, "host") || !nexus_login(c, CHECK_NEXUS_NAME) ||
               !collect_nexus(c, sc->steps, sc->n_steps)) {
        snprintf(why, sizeof why, "cannot log in every initiator (at most %d names)",
                 MAX_NEXUS - 2);
        rc = SCN_E_SETUP;
    } else {
        if (!run_steps(c, sc->steps, sc->n_steps, ""))
            rc = SCN_E_FAILED;
        out->virtual_us = vtl_clock_now_us(c->clk);
    }
    if (rc == SCN_E_SETUP)
        sb_printf(&c->fail, "%s: setup failed: %s\n", sc->file, why);
    out->rc = rc;
    out->steps_run = c->steps_run;
    out->failure = rc == SCN_OK ? NULL : c->fail.s;
    if (rc == SCN_OK)
        free(c->fail.s);
    out->trace = c->trace.s ? c->trace.s : strdup("");
    teardown(c);
    while (c->stuck) {
        struct pending *p = c->stuck;
        c->stuck = p->next;
        free(p->owned);
        free(p);
    }
    free(c);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->wall_s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}

void scn_result_free(struct scn_result *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->file);
    free(r->failure);
    free(r->trace);
    memset(r, 0, sizeof *r);
}
