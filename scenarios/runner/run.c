/* SPDX-License-Identifier: MIT
 * scenarios/runner/run.c - executes a validated scenario (internal.h) against its own
 * simulated library and embedded RSM database, and records a trace and the first failure.
 *
 * The bench: the library is built by sim/system.c from the scenario's config
 * (vtl_system_open_config(): changer + one drive per bay on LUN 1..N, exactly as vtld
 * serves it), and attached to transport/ under the run's own name, so RSM's device layer
 * (library_add: rsm_library_add("sim:NAME")) drives this very instance while the steps
 * reach its drives and faults directly (vtl_system_drive()). An RSM database is either
 * mirrored from the library through rsm/engine/devreg.h (rsm: {mirror: true}) or starts
 * empty for library_add. With --device there is no simulator: commands go through
 * transport/ to the device and steps that need the simulator are skipped with a reason.
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
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/api/session.h"
#include "rsm/dev/changer.h"
#include "rsm/dev/drive.h"
#include "rsm/dev/library.h"
#include "rsm/engine/devreg.h"
#include "rsm/engine/engine.h"
#include "rsm/engine/ieclean.h"
#include "rsm/engine/omid.h"
#include "scenarios/runner/internal.h"
#include "scsi/cdb.h"
#include "scsi/elem.h"
#include "scsi/log.h"
#include "scsi/sense.h"
#include "scsi/tables.h"
#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/drive/drive.h"
#include "sim/system.h"
#include "sim/target/target.h"
#include "transport/transport.h"

/* librsm reaches the device drivers through weak references (rsm/engine/devlink.h): these
 * make the linker take them from the static library, so library control runs for real. */
static void *const device_layer[] __attribute__((used)) = {
    (void *)rsm_dev_lib_open,   (void *)rsm_dev_lib_mount, (void *)rsm_chg_move,
    (void *)rsm_chg_test_ready, (void *)rsm_drv_mam_write,
};

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

/* A name bound by save_as (or save): a GUID, or a handle with what closes it. */
enum var_kind { VAR_GUID, VAR_SESSION, VAR_NOTIFICATION, VAR_DETECTION };
struct var {
    char name[SCN_NAME_MAX];
    GUID g;
    enum var_kind kind;
    HANDLE hv; /* NULL once a step closed it */
};

/* One transport per initiator and LUN in --device mode (each its own I_T nexus). */
struct dev_nexus {
    char name[SCN_NAME_MAX];
    unsigned lun;
    struct xport *xp;
};

/* Notifications the scenario's watchers saw (type, operation). */
struct seen_event {
    uint32_t type, op;
};
#define N_WATCH 5

struct list {
    char name[SCN_NAME_MAX];
    GUID *items;
    size_t n;
};

struct mirrored {
    char barcode[VTL_BARCODE_MAX + 1];
    GUID pmedia;
};

struct elem_seen {
    uint16_t addr;
    uint8_t type; /* SMC element type (1 transport, 2 storage, 3 IE, 4 DTE) */
    bool full, except, access, svalid;
    uint16_t asc_ascq, src;
    char barcode[T10_VOLTAG_ID_LEN + 1];
};

struct elem_table {
    struct elem_seen *e;
    size_t n, cap;
};

struct ctx {
    const struct scn_scenario *sc;
    char dir[PATH_MAX];
    const char *device; /* --device URI: no simulator; NULL: the scenario's own library */
    struct vtl_system *sys;
    char sim_name[PATH_MAX + 16]; /* its name for transport/ ("sim:" + this) */
    bool attached;
    struct dev_nexus devx[MAX_NEXUS * 4];
    unsigned n_devx;
    struct elem_table dev_elems; /* --device: the elements, read once, for names -> addresses */
    const struct vtl_config *cfg;
    struct vtl_library *lib;
    struct vtl_clock *clk;
    struct vtl_drive *drives[VTL_MAX_DRIVES];
    unsigned n_drives;
    struct nexus nexus[MAX_NEXUS];
    unsigned n_nexus;
    HANDLE h;
    HANDLE watch[N_WATCH]; /* OpenNtmsNotification per object type; NULL if none */
    uint32_t watch_type[N_WATCH];
    DWORD watch_rc; /* why there are none (ERROR_NOT_SUPPORTED today) */
    struct seen_event *events;
    size_t n_events, cap_events;
    bool added;      /* library_add ran: c->library is a device-backed library */
    bool owns_clock; /* the engine's time (rsm_iec_set_clock) is this library's clock */
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
    unsigned steps_skipped;
    struct strbuf skips; /* "file:line: step N (kind): reason" per skipped step */
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

/* Step @s does not run here (--device without a simulator, a function RSM does not offer
 * yet): said in the trace, counted, and listed with its reason in the result. */
static bool skip_step(struct ctx *c, const struct scn_step *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool skip_step(struct ctx *c, const struct scn_step *s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->steps_skipped++;
    sb_printf(&c->trace, " skipped: %s", msg);
    sb_printf(&c->skips, "%s:%u: step %s (%s): %s\n", c->sc->file, s->line, c->path,
              scn_kind_name(s->kind), msg);
    return true;
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

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* The engine's time (cleaning cycles polled every 10 s, port and door timeouts, the
 * TapeAlert schedule) comes from one process-wide clock (rsm_iec_set_clock()). A run whose
 * RSM drives its own simulated library installs that library's virtual clock there, so a
 * cleaning cycle costs no wall time; since there is one such clock per process, those runs
 * take turns (--jobs runs the others alongside). Waiting moves virtual time under the lock
 * sim: commands take, as a command that waits on the clock does. */
static pthread_mutex_t engine_clock_owner = PTHREAD_MUTEX_INITIALIZER;

static uint64_t engine_now_ms(void *arg)
{
    struct ctx *c = arg;
    xport_sim_serialise(true); /* the clock moves in other threads' commands */
    uint64_t now_us = vtl_clock_now_us(c->clk);
    xport_sim_serialise(false);
    return now_us / 1000u;
}

static void engine_sleep_ms(void *arg, uint32_t ms)
{
    struct ctx *c = arg;
    xport_sim_serialise(true);
    vtl_clock_advance(c->clk, (uint64_t)ms * 1000u);
    vtl_system_run_due(c->sys);
    xport_sim_serialise(false);
}

static void engine_clock_take(struct ctx *c)
{
    pthread_mutex_lock(&engine_clock_owner);
    struct rsm_iec_clock clk = {engine_now_ms, engine_sleep_ms, c};
    rsm_iec_set_clock(&clk);
    c->owns_clock = true;
}

static void engine_clock_give_back(struct ctx *c)
{
    if (!c->owns_clock)
        return;
    rsm_iec_set_clock(NULL);
    c->owns_clock = false;
    pthread_mutex_unlock(&engine_clock_owner);
}

/* The scenario's library, built by sim/system.c exactly as vtld and sim: build one (changer,
 * one drive per bay on LUN 1..N, tape images under the run's directory), then attached to
 * transport/ under a name of its own, so RSM's device layer (library_add) and the
 * scenario's steps act on this one instance. */
static bool build_library(struct ctx *c, char *why, size_t cap)
{
    char err[1024] = "";
    struct vtl_config *cfg = NULL;
    if (vtl_config_load_string(c->sc->library_yaml, strlen(c->sc->library_yaml), c->sc->file, &cfg,
                               err, sizeof err) != VTL_OK) {
        snprintf(why, cap, "%s", err);
        return false;
    }
    /* no state directory: nothing is saved at close, and tape images live in a private
     * temporary directory that vtl_system_close() removes */
    enum vtl_rc rc = vtl_system_open_config(cfg, NULL, &c->sys, err, sizeof err);
    if (rc != VTL_OK) {
        snprintf(why, cap, "cannot build the library: %.900s", err[0] ? err : vtl_rc_name(rc));
        return false;
    }
    c->lib = vtl_system_library(c->sys);
    c->cfg = vtl_system_config(c->sys);
    c->clk = vtl_library_clock(c->lib);
    c->n_drives = vtl_system_drive_count(c->sys);
    for (unsigned i = 0; i < c->n_drives && i < VTL_MAX_DRIVES; i++)
        c->drives[i] = vtl_system_drive(c->sys, i);
    snprintf(c->sim_name, sizeof c->sim_name, "%s/library", c->dir);
    if (xport_sim_attach(c->sim_name, c->sys) != XPORT_OK) {
        snprintf(why, cap, "cannot make the library reachable as sim:%.900s", c->sim_name);
        return false;
    }
    c->attached = true;
    return true;
}

static void teardown(struct ctx *c)
{
    for (unsigned i = 0; i < N_WATCH; i++)
        if (c->watch[i])
            (void)CloseNtmsNotification(c->watch[i]); /* nothing to do about a failed close */
    for (unsigned i = 0; i < c->n_vars; i++) {
        struct var *v = &c->vars[i];
        if (!v->hv)
            continue;
        /* handles a scenario opened and left open: closed as their owner would */
        if (v->kind == VAR_SESSION)
            (void)CloseNtmsSession(v->hv);
        else if (v->kind == VAR_NOTIFICATION)
            (void)CloseNtmsNotification(v->hv);
        else if (v->kind == VAR_DETECTION && c->h)
            (void)EndNtmsDeviceChangeDetection(c->h, v->hv);
    }
    /* The session first: its engine closes the device handles it opened on the library. */
    if (c->h && c->h != INVALID_HANDLE_VALUE)
        (void)CloseNtmsSession(c->h); /* nothing to do about a failed close of a temp db */
    for (unsigned i = 0; i < c->n_devx; i++)
        xport_close(c->devx[i].xp);
    engine_clock_give_back(c); /* the engine that used it is closed */
    if (c->attached)
        xport_sim_detach(c->sim_name);
    vtl_system_close(c->sys);
    for (unsigned i = 0; i < c->n_lists; i++)
        free(c->lists[i].items);
    free(c->events);
    free(c->skips.s);
    free(c->dev_elems.e);
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
static bool exec_sim(struct ctx *c, uint64_t nexus_id, unsigned lun, const uint8_t *cdb, size_t len,
                     const uint8_t *data_out, size_t data_out_len, uint8_t *data_in, size_t cap,
                     struct vtl_cmd *cmd, char *why, size_t why_cap);

/* The URI of LUN @lun of the --device library: iscsi://HOST/IQN/N names its LUN last,
 * sim: takes ?lun=N; an sg: node is one device, so only the changer (LUN 0) is reachable. */
static bool dev_uri_for_lun(const char *base, unsigned lun, char *out, size_t cap)
{
    if (!strncmp(base, "iscsi://", 8)) {
        const char *slash = strrchr(base, '/');
        if (!slash || slash < base + 8)
            return false;
        snprintf(out, cap, "%.*s/%u", (int)(slash - base), base, lun);
        return true;
    }
    if (!strncmp(base, "sim:", 4)) {
        size_t n = strcspn(base, "?");
        snprintf(out, cap, "%.*s?lun=%u", (int)n, base, lun);
        return true;
    }
    if (lun != 0)
        return false;
    snprintf(out, cap, "%s", base);
    return true;
}

static const char *nexus_name(struct ctx *c, uint64_t id);
static void drain_ua(struct ctx *c, uint64_t id, unsigned lun);

/* --device: the transport of initiator @nexus_id on @lun, opened (and its login unit
 * attentions consumed, as a host's SCSI layer does) on first use. */
static struct xport *dev_xport(struct ctx *c, uint64_t nexus_id, unsigned lun, char *why,
                               size_t why_cap)
{
    const char *name = nexus_name(c, nexus_id);
    for (unsigned i = 0; i < c->n_devx; i++)
        if (c->devx[i].lun == lun && !strcmp(c->devx[i].name, name))
            return c->devx[i].xp;
    char uri[1024], err[512] = "";
    if (!dev_uri_for_lun(c->device, lun, uri, sizeof uri)) {
        snprintf(why, why_cap, "%s reaches one device; LUN %u has no URI", c->device, lun);
        return NULL;
    }
    if (c->n_devx >= sizeof c->devx / sizeof c->devx[0]) {
        snprintf(why, why_cap, "too many initiators and LUNs");
        return NULL;
    }
    struct xport *xp;
    if (xport_open(uri, &xp, err, sizeof err) != XPORT_OK) {
        snprintf(why, why_cap, "cannot open %.100s: %.100s", uri, err);
        return NULL;
    }
    struct dev_nexus *d = &c->devx[c->n_devx++];
    snprintf(d->name, sizeof d->name, "%s", name);
    d->lun = lun;
    d->xp = xp;
    drain_ua(c, nexus_id, lun);
    return xp;
}

static bool exec(struct ctx *c, uint64_t nexus_id, unsigned lun, const uint8_t *cdb, size_t len,
                 const uint8_t *data_out, size_t data_out_len, uint8_t *data_in, size_t cap,
                 struct vtl_cmd *cmd, char *why, size_t why_cap)
{
    if (!c->device)
        return exec_sim(c, nexus_id, lun, cdb, len, data_out, data_out_len, data_in, cap, cmd, why,
                        why_cap);
    struct xport *xp = dev_xport(c, nexus_id, lun, why, why_cap);
    if (!xp)
        return false;
    struct xport_cmd xc = {.cdb = cdb, .cdb_len = len};
    if (data_out) {
        xc.dir = XPORT_DIR_OUT;
        xc.buf = (void *)data_out;
        xc.buf_len = data_out_len;
    } else if (cap) {
        xc.dir = XPORT_DIR_IN;
        xc.buf = data_in;
        xc.buf_len = cap > 0xFFFFFF ? 0xFFFFFF : cap;
    }
    enum xport_rc rc = xport_exec(xp, &xc);
    if (rc != XPORT_OK) {
        snprintf(why, why_cap, "%s: %s", xport_rc_name(rc), xport_error(xp));
        return false;
    }
    memset(cmd, 0, sizeof *cmd);
    memcpy(cmd->cdb, cdb, len < VTL_CDB_MAX ? len : VTL_CDB_MAX);
    cmd->cdb_len = len;
    cmd->status = xc.status;
    cmd->data_in = data_in;
    cmd->data_in_len = xc.dir == XPORT_DIR_IN ? xc.xfer_len : 0;
    cmd->sense_len = xc.sense_len < VTL_SENSE_MAX ? xc.sense_len : VTL_SENSE_MAX;
    memcpy(cmd->sense, xc.sense, cmd->sense_len);
    return true;
}

static bool exec_sim(struct ctx *c, uint64_t nexus_id, unsigned lun, const uint8_t *cdb, size_t len,
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

static const char *nexus_name(struct ctx *c, uint64_t id)
{
    for (unsigned i = 0; i < c->n_nexus; i++)
        if (c->nexus[i].id == id)
            return c->nexus[i].name;
    return "host";
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
    if (c->device) {
        /* one transport per LUN, opened (and its unit attentions consumed) on first use */
        n->id = c->n_nexus + 1;
        c->n_nexus++;
        return true;
    }
    n->id = vtl_system_nexus_open(c->sys);
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

static bool read_elements(struct ctx *c, struct elem_table *t, char *why, size_t why_cap);

static bool resolve(struct ctx *c, const struct scn_elem *e, uint16_t *addr)
{
    if (e->type == 0) {
        *addr = (uint16_t)e->num;
        return true;
    }
    if (c->device) {
        /* a real library: the Nth element of the type, in the order the changer reports */
        char why[512];
        if (!c->dev_elems.n && !read_elements(c, &c->dev_elems, why, sizeof why))
            return false;
        unsigned k = 0;
        for (size_t i = 0; i < c->dev_elems.n; i++)
            if (c->dev_elems.e[i].type == e->type && ++k == e->num) {
                *addr = c->dev_elems.e[i].addr;
                return true;
            }
        return false;
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
/* every ERROR_* of <openrsm/wintypes.h> (a list module.mk extracts at build time) */
#include "scenarios/win32_errs.inc"
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
    s->type = d->type;
    s->full = d->full;
    s->except = d->except;
    s->access = d->access;
    s->asc_ascq = d->asc_ascq;
    s->svalid = d->src_valid;
    s->src = d->src_addr;
    snprintf(s->barcode, sizeof s->barcode, "%s", d->pvoltag.id);
    return T10_OK;
}

/* READ ELEMENT STATUS (VolTag, every type) from the private check initiator into @t (owned
 * by the caller: free t->e). False with @why if it failed. */
static bool read_elements(struct ctx *c, struct elem_table *t, char *why, size_t why_cap)
{
    uint64_t id = nexus_get(c, CHECK_NEXUS_NAME);
    drain_ua(c, id, 0);
    struct t10_cdb q = {.kind = T10_CDB_READ_ELEMENT_STATUS};
    q.u.res.voltag = true;
    q.u.res.elem_type = 0;
    q.u.res.start_addr = 0;
    q.u.res.n_elems = 0xFFFF;
    q.u.res.alloc_len = 0xFFFF; /* within every transport's limits, and many libraries' */
    uint8_t cdb[T10_CDB_MAX];
    size_t len = t10_cdb_build(cdb, sizeof cdb, &q);
    size_t cap = 0xFFFF;
    uint8_t *buf = malloc(cap);
    struct vtl_cmd cmd;
    char w2[256];
    if (!buf) {
        snprintf(why, why_cap, "out of memory");
        return false;
    }
    if (!exec(c, id, 0, cdb, len, NULL, 0, buf, cap, &cmd, w2, sizeof w2)) {
        free(buf);
        snprintf(why, why_cap, "READ ELEMENT STATUS: %s", w2);
        return false;
    }
    if (cmd.status != VTL_STATUS_GOOD) {
        struct t10_sense sn = {0};
        (void)t10_sense_parse(cmd.sense, cmd.sense_len, &sn); /* zeros if unparsable */
        char w[160];
        sense_words(w, sizeof w, sn.key, sn.asc_ascq);
        free(buf);
        snprintf(why, why_cap, "READ ELEMENT STATUS failed: status %02Xh, sense %s", cmd.status, w);
        return false;
    }
    bool trunc = false;
    enum t10_rc trc = t10_elem_status_walk(buf, cmd.data_in_len, NULL, collect_elem, t, &trunc);
    free(buf);
    if (trc != T10_OK) {
        snprintf(why, why_cap, "READ ELEMENT STATUS data could not be decoded: %s",
                 t10_rc_name(trc));
        return false;
    }
    return true;
}

static bool check_elements(struct ctx *c, const struct scn_step *s)
{
    struct elem_table t = {0};
    char why[512];
    if (!read_elements(c, &t, why, sizeof why)) {
        free(t.e);
        fail_step(c, s, "%s", why);
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
    uint16_t mt = 0;
    struct scn_elem robot = {VTL_ELEM_TRANSPORT, 1};
    if (!resolve(c, &robot, &mt))
        mt = 0; /* a changer without one: address 0 lets it pick, as SMC allows */
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
        if (s->has_uses && cart.cleaning)
            cart.cleaning_uses_left = (int)s->uses;
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

static bool obj_info(struct ctx *c, const GUID *id, DWORD type, NTMS_OBJECTINFORMATIONA *info)
{
    memset(info, 0, sizeof *info);
    info->dwSize = sizeof *info;
    info->dwType = type;
    GUID g = *id;
    return GetNtmsObjectInformationA(c->h, &g, info) == ERROR_SUCCESS;
}

/* Every object of @type in @container (NULL: all); *n in: capacity, out: count. */
static bool objects(struct ctx *c, const GUID *container, DWORD type, GUID *list, DWORD *n)
{
    GUID cont;
    if (container)
        cont = *container;
    return EnumerateNtmsObject(c->h, container ? &cont : NULL, list, n, type, 0) == ERROR_SUCCESS;
}

/* The physical medium with @barcode: the mirrored table, else RSM's own records (media a
 * library_add or an inventory registered). The null GUID if RSM has none. */
static GUID media_guid(struct ctx *c, const char *barcode)
{
    GUID g;
    memset(&g, 0, sizeof g);
    for (unsigned i = 0; i < c->n_media; i++)
        if (!strcmp(c->media[i].barcode, barcode))
            return c->media[i].pmedia;
    if (!c->h || !*barcode)
        return g;
    DWORD n = MAX_MEDIA;
    GUID *list = calloc(MAX_MEDIA, sizeof *list);
    if (list && objects(c, NULL, NTMS_PHYSICAL_MEDIA, list, &n))
        for (DWORD i = 0; i < n; i++) {
            NTMS_OBJECTINFORMATIONA info;
            if (obj_info(c, &list[i], NTMS_PHYSICAL_MEDIA, &info) &&
                !strcmp(info.Info.PhysicalMedia.szBarCode, barcode)) {
                g = list[i];
                break;
            }
        }
    free(list);
    return g;
}

/* The first side of physical medium @pm (what MountNtmsMedia takes); null if none. */
static GUID side_of(struct ctx *c, const GUID *pm)
{
    GUID list[4];
    DWORD n = 4;
    GUID g;
    memset(&g, 0, sizeof g);
    if (objects(c, pm, NTMS_PARTITION, list, &n) && n > 0)
        g = list[0];
    return g;
}

/* Drive or slot number @num (1-based, as RSM numbers them) of the scenario's library. */
static bool element_guid(struct ctx *c, DWORD type, unsigned num, GUID *out)
{
    GUID list[512];
    DWORD n = 512;
    if (!objects(c, &c->library, type, list, &n))
        return false;
    for (DWORD i = 0; i < n; i++) {
        NTMS_OBJECTINFORMATIONA info;
        if (!obj_info(c, &list[i], type, &info))
            continue;
        DWORD number = type == NTMS_DRIVE ? info.Info.Drive.Number : info.Info.StorageSlot.Number;
        if (number == num) {
            *out = list[i];
            return true;
        }
    }
    return false;
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

/* Watchers opened at the start, one per object type a scenario may ask about, so an
 * events check sees everything since then. Until OpenNtmsNotification exists, none open
 * and events checks are skipped with the function's answer as the reason. */
static void open_watchers(struct ctx *c)
{
    static const DWORD types[N_WATCH] = {NTMS_PHYSICAL_MEDIA, NTMS_DRIVE, NTMS_LIBRARY,
                                         NTMS_OPREQUEST, NTMS_LIBREQUEST};
    for (unsigned i = 0; i < N_WATCH; i++) {
        HANDLE w = OpenNtmsNotification(c->h, types[i]);
        if (w == INVALID_HANDLE_VALUE || w == NULL) {
            c->watch_rc = GetLastError();
            continue;
        }
        c->watch[i] = w;
        c->watch_type[i] = types[i];
    }
}

/* Collects what the watchers have seen so far (without waiting). */
static void drain_watchers(struct ctx *c)
{
    for (unsigned i = 0; i < N_WATCH; i++) {
        if (!c->watch[i])
            continue;
        for (unsigned k = 0; k < 100000; k++) {
            NTMS_NOTIFICATIONINFORMATION ni;
            memset(&ni, 0, sizeof ni);
            if (WaitForNtmsNotification(c->watch[i], &ni, 0) != ERROR_SUCCESS)
                break;
            if (c->n_events == c->cap_events) {
                size_t nc = c->cap_events ? c->cap_events * 2 : 64;
                struct seen_event *ne = realloc(c->events, nc * sizeof *ne);
                if (!ne)
                    return; /* what was seen so far still counts */
                c->events = ne;
                c->cap_events = nc;
            }
            c->events[c->n_events++] = (struct seen_event){c->watch_type[i], ni.dwOperation};
        }
    }
}

static bool rsm_setup(struct ctx *c, char *why, size_t cap)
{
    char server[PATH_MAX + 16];
    snprintf(server, sizeof server, "embedded:%s/db", c->dir);
    c->h = OpenNtmsSessionA(server, "rsm-scenario", 0);
    if (c->h == INVALID_HANDLE_VALUE) {
        c->h = NULL;
        snprintf(why, cap, "cannot open the embedded RSM database in %.900s/db", c->dir);
        return false;
    }
    open_watchers(c);
    if (!c->sc->rsm_mirror) {
        if (!c->device)
            engine_clock_take(c);
        c->engine = rsm_session_engine(c->h);
        return true; /* an empty database: library_add brings the library in */
    }
    if (c->device) {
        snprintf(why, cap,
                 "the RSM mirror is built from the simulator; against --device say rsm: "
                 "{mirror: false} and add the library with an rsm library_add step");
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

/* A GUID argument of a generic call, as written: a name bound by save_as, "library",
 * "drive N", "slot N", "side:BARCODE", a barcode, a pool's full name, an object's name
 * (media type, library, drive, changer), or "null". */
static bool arg_guid(struct ctx *c, const char *v, GUID *out)
{
    memset(out, 0, sizeof *out);
    struct var *var;
    unsigned num;
    char word[16];
    if (!strcmp(v, "null"))
        return true;
    if ((var = var_get(c, v, false)) && var->kind == VAR_GUID) {
        *out = var->g;
        return true;
    }
    if (!strcmp(v, "library")) {
        *out = c->library;
        return c->added || c->sc->rsm_mirror;
    }
    if (sscanf(v, "%15s %u", word, &num) == 2 && (!strcmp(word, "drive") || !strcmp(word, "slot")))
        return element_guid(c, !strcmp(word, "drive") ? NTMS_DRIVE : NTMS_STORAGESLOT, num, out);
    static const GUID zero;
    if (!strncmp(v, "side:", 5)) {
        GUID pm = media_guid(c, v + 5);
        *out = side_of(c, &pm);
        return memcmp(out, &zero, sizeof zero) != 0;
    }
    *out = media_guid(c, v);
    if (memcmp(out, &zero, sizeof zero))
        return true;
    *out = pool_guid(c, v);
    if (memcmp(out, &zero, sizeof zero))
        return true;
    static const DWORD named[] = {NTMS_MEDIA_TYPE, NTMS_LIBRARY, NTMS_DRIVE, NTMS_CHANGER};
    for (size_t t = 0; t < sizeof named / sizeof named[0]; t++) {
        GUID list[256];
        DWORD n = 256;
        if (!objects(c, NULL, named[t], list, &n))
            continue;
        for (DWORD i = 0; i < n; i++) {
            NTMS_OBJECTINFORMATIONA info;
            if (obj_info(c, &list[i], named[t], &info) && !strcmp(info.szName, v)) {
                *out = list[i];
                return true;
            }
        }
    }
    return false;
}

/* Fills @a from the step's arguments in api.c's parameter order. False (the step
 * failed, said why) when a name cannot be resolved. */
static bool marshal(struct ctx *c, const struct scn_step *s, struct scn_api_args *a)
{
    unsigned gi = 0, di = 0, si = 0;
    for (unsigned i = 0; i < SCN_API_MAX_PARAMS && s->api->p[i].name; i++) {
        const struct scn_api_param *p = &s->api->p[i];
        const char *v = NULL;
        for (size_t k = 0; k < s->n_args; k++)
            if (!strcmp(s->args[k].name, p->name))
                v = s->args[k].value;
        switch (p->kind) {
        case SCN_ARG_GUID:
            if (v) {
                if (!arg_guid(c, v, &a->g[gi])) {
                    fail_step(c, s,
                              "%s: '%s' names nothing RSM knows (a name saved with save_as, "
                              "library, drive N, slot N, side:BARCODE, a barcode, a pool, an "
                              "object's name, or null)",
                              p->name, v);
                    return false;
                }
                a->g_set[gi] = true;
            }
            gi++;
            break;
        case SCN_ARG_DWORD:
            if (v) {
                (void)scn_dword_parse(v, &a->d[di]); /* checked at load */
                a->d_set[di] = true;
            }
            di++;
            break;
        case SCN_ARG_STR:
            a->s[si++] = v;
            break;
        case SCN_ARG_HANDLE: {
            if (v && !strcmp(v, "null")) {
                a->hin = NULL; /* the API's own meaning (a one-shot change detection) */
                break;
            }
            struct var *var = v ? var_get(c, v, false) : NULL;
            if (!var || var->kind == VAR_GUID || !var->hv) {
                fail_step(c, s, "%s: no open handle was saved as '%s'", p->name, v ? v : "");
                return false;
            }
            a->hin = var->hv;
            break;
        }
        }
    }
    /* "this" as a server: the scenario's own database */
    static char server[PATH_MAX + 16];
    if (!strncmp(s->api->name, "OpenNtmsSession", 15) && a->s[0] && !strcmp(a->s[0], "this")) {
        snprintf(server, sizeof server, "embedded:%s/db", c->dir);
        a->s[0] = server;
    }
    return true;
}

static bool run_generic(struct ctx *c, const struct scn_step *s, DWORD *r)
{
    struct scn_api_args a;
    memset(&a, 0, sizeof a);
    sb_printf(&c->trace, " %s", s->api->name);
    if (!marshal(c, s, &a))
        return false;
    *r = s->api->call(c->h, &a);
    scn_api_args_free(&a);
    if (*r != ERROR_SUCCESS)
        return true;
    if (s->save_as && (a.has_out || a.has_hout)) {
        struct var *v = var_get(c, s->save_as, true);
        if (!v) {
            fail_step(c, s, "too many saved names (at most %d)", MAX_VARS);
            return false;
        }
        if (a.has_hout) {
            v->hv = a.hout;
            v->kind = !strncmp(s->api->name, "OpenNtmsSession", 15)   ? VAR_SESSION
                      : !strcmp(s->api->name, "OpenNtmsNotification") ? VAR_NOTIFICATION
                                                                      : VAR_DETECTION;
        } else {
            v->g = a.out;
            v->kind = VAR_GUID;
        }
    }
    /* a handle closed by the scenario is not closed again at the end */
    if (!strcmp(s->api->name, "CloseNtmsSession") ||
        !strcmp(s->api->name, "CloseNtmsNotification") ||
        !strcmp(s->api->name, "EndNtmsDeviceChangeDetection"))
        for (unsigned i = 0; i < c->n_vars; i++)
            if (c->vars[i].hv == a.hin)
                c->vars[i].hv = NULL;
    if (a.has_count)
        sb_printf(&c->trace, " count=%lu", (unsigned long)a.count);
    if (s->ex.count >= 0 && (!a.has_count || (long)a.count != s->ex.count)) {
        char e[32], g[32];
        snprintf(e, sizeof e, "%ld", s->ex.count);
        snprintf(g, sizeof g, a.has_count ? "%lu" : "(no number)", (unsigned long)a.count);
        fail_step(c, s, "%s gave another number", s->api->name);
        diff(c, "count", e, g);
        return false;
    }
    if (s->ex.object) {
        GUID want;
        if (!arg_guid(c, s->ex.object, &want)) {
            fail_step(c, s, "expect object: '%s' names nothing RSM knows", s->ex.object);
            return false;
        }
        if (!a.has_out || memcmp(&want, &a.out, sizeof want)) {
            char got[96] = "(no object)";
            if (a.has_out) {
                NTMS_OBJECTINFORMATIONA info;
                /* name the object it was, when RSM still has it */
                snprintf(got, sizeof got, "another object");
                for (DWORD t = NTMS_CHANGER; t <= NTMS_OPREQUEST; t++)
                    if (obj_info(c, &a.out, t, &info)) {
                        snprintf(got, sizeof got, "%s",
                                 t == NTMS_PHYSICAL_MEDIA ? info.Info.PhysicalMedia.szBarCode
                                                          : info.szName);
                        break;
                    }
            }
            fail_step(c, s, "%s gave another object", s->api->name);
            diff(c, "object", s->ex.object, got);
            return false;
        }
    }
    if (s->ex.name && (!a.has_text || strcmp(a.text, s->ex.name))) {
        fail_step(c, s, "%s gave another text", s->api->name);
        diff(c, "name", s->ex.name, a.has_text ? a.text : "(none)");
        return false;
    }
    return true;
}

/* library_add: the scenario's own library through transport/ (sim:), or --device. Then
 * the drive numbers are looked up, and with free: all every medium it registered goes to
 * the free pool. */
static bool run_library_add(struct ctx *c, const struct scn_step *s, DWORD *r)
{
    char uri[PATH_MAX + 32];
    snprintf(uri, sizeof uri, "%s%s", c->device ? "" : "sim:", c->device ? c->device : c->sim_name);
    if (s->standalone) {
        /* One drive alone, by its own LUN, as RSM adds a stand-alone drive: a library of
         * its own (saved under save_as), the scenario's library left as it was. */
        char base[PATH_MAX + 32];
        snprintf(base, sizeof base, "%s", uri);
        if (!dev_uri_for_lun(base, s->standalone, uri, sizeof uri)) {
            fail_step(c, s, "%s reaches one device; drive %u has no URI of its own", base,
                      s->standalone);
            return false;
        }
        sb_printf(&c->trace, " %s", uri);
        GUID sa;
        *r = rsm_library_add(c->h, uri, NULL, 0, &sa);
        struct var *v = *r == ERROR_SUCCESS ? var_get(c, s->save_as, true) : NULL;
        if (v) {
            v->g = sa;
            v->kind = VAR_GUID;
        }
        return true;
    }
    sb_printf(&c->trace, " %s", uri);
    *r = rsm_library_add(c->h, uri, NULL, 0, &c->library);
    if (*r != ERROR_SUCCESS)
        return true;
    c->added = true;
    /* the media type pools are created for, as the mirror registers it */
    GUID types[64];
    DWORD nt = 64;
    if (objects(c, NULL, NTMS_MEDIA_TYPE, types, &nt))
        for (DWORD i = 0; i < nt; i++) {
            NTMS_OBJECTINFORMATIONA info;
            if (obj_info(c, &types[i], NTMS_MEDIA_TYPE, &info) &&
                !strcmp(info.szName, "LTO Ultrium"))
                c->lto = types[i];
        }
    unsigned nd = c->device ? VTL_MAX_DRIVES : c->n_drives;
    for (unsigned i = 0; i < nd && i < VTL_MAX_DRIVES; i++)
        if (!element_guid(c, NTMS_DRIVE, i + 1, &c->drive_ids[i]))
            memset(&c->drive_ids[i], 0, sizeof(GUID));
    if (s->save_as) {
        struct var *v = var_get(c, s->save_as, true);
        if (v) {
            v->g = c->library;
            v->kind = VAR_GUID;
        }
    }
    if (s->all_barcodes) {
        GUID freep = pool_guid(c, "Free\\LTO Ultrium");
        GUID *list = calloc(MAX_MEDIA, sizeof *list);
        DWORD n = MAX_MEDIA;
        if (!list || !objects(c, &c->library, NTMS_PHYSICAL_MEDIA, list, &n)) {
            free(list);
            fail_step(c, s, "cannot list the media of the library");
            return false;
        }
        DWORD moved = 0;
        for (DWORD i = 0; i < n && *r == ERROR_SUCCESS; i++) {
            NTMS_OBJECTINFORMATIONA info;
            /* cleaners and media already in a pool of their own stay where they are */
            if (obj_info(c, &list[i], NTMS_PHYSICAL_MEDIA, &info) &&
                memcmp(&info.Info.PhysicalMedia.MediaPool, &freep, sizeof freep) &&
                strncmp(info.Info.PhysicalMedia.szBarCode, "CLN", 3)) {
                *r = MoveToNtmsMediaPool(c->h, &list[i], &freep);
                list[moved++] = list[i];
            }
        }
        /* In a library RSM drives, a medium entering Free gets its free-media label
         * written by a request of its own (NTMS_LM_WRITESCRATCH) after the move returns;
         * until then it cannot be allocated and the robot is busy with it. A scenario
         * starts from a library at rest: every label written, every cartridge home. */
        for (DWORD i = 0; i < moved && *r == ERROR_SUCCESS; i++) {
            struct rsm_guid pm;
            memcpy(pm.b, &list[i], sizeof pm.b);
            rsm_rc wrc = rsm_omid_free_label_wait(c->engine, &pm, 60000);
            if (wrc != RSM_OK)
                *r = rsm_rc_to_win32(wrc);
        }
        free(list);
    }
    return true;
}

/* The inventory convenience: rsm_library_inventory() with its counts, checked against
 * expect {new, moved, gone, imported, dup}. */
static bool run_inventory(struct ctx *c, const struct scn_step *s, DWORD *r)
{
    DWORD cnt[5] = {0};
    sb_printf(&c->trace, " %s", s->full ? "full" : "fast");
    *r = rsm_library_inventory(c->h, &c->library, s->full, &cnt[0], &cnt[1], &cnt[2], &cnt[3],
                               &cnt[4]);
    if (*r != ERROR_SUCCESS)
        return true;
    static const char *const names[] = {"new", "moved", "gone", "imported", "dup"};
    sb_printf(&c->trace, " new=%lu moved=%lu gone=%lu imported=%lu dup=%lu", (unsigned long)cnt[0],
              (unsigned long)cnt[1], (unsigned long)cnt[2], (unsigned long)cnt[3],
              (unsigned long)cnt[4]);
    bool ok = true;
    for (unsigned i = 0; i < 5; i++)
        if (s->ex.inv[i] >= 0 && (long)cnt[i] != s->ex.inv[i]) {
            char e[32], g[32];
            snprintf(e, sizeof e, "%ld", s->ex.inv[i]);
            snprintf(g, sizeof g, "%lu", (unsigned long)cnt[i]);
            fail_step(c, s, "the inventory found other counts");
            diff(c, names[i], e, g);
            ok = false;
        }
    return ok;
}

/* wait: library request @s->var (saved from a NOWAIT mount, an inject, ...) runs to its
 * end; the result is its outcome: ERROR_SUCCESS when PASSED, its dwErrorCode when FAILED,
 * ERROR_CANCELLED when cancelled, ERROR_TIMEOUT when it is still open after s->us of wall
 * time (the request's own threads do the work; virtual time moves as they wait on it). */
static bool run_wait(struct ctx *c, const struct scn_step *s, DWORD *r)
{
    struct var *v = var_get(c, s->var, false);
    if (!v || v->kind != VAR_GUID) {
        fail_step(c, s, "no library request was saved as '%s'", s->var);
        return false;
    }
    sb_printf(&c->trace, " %s", s->var);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        NTMS_OBJECTINFORMATIONA info;
        if (!obj_info(c, &v->g, NTMS_LIBREQUEST, &info)) {
            *r = GetLastError();
            return true;
        }
        DWORD st = info.Info.LibRequest.State;
        if (st == NTMS_LM_PASSED || st == NTMS_LM_FAILED || st == NTMS_LM_CANCELLED) {
            *r = st == NTMS_LM_PASSED               ? ERROR_SUCCESS
                 : st == NTMS_LM_CANCELLED          ? ERROR_CANCELLED
                 : info.Info.LibRequest.dwErrorCode ? info.Info.LibRequest.dwErrorCode
                                                    : ERROR_INVALID_STATE; /* failed, no code */
            return true;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        uint64_t waited_us = (uint64_t)(now.tv_sec - t0.tv_sec) * 1000000u +
                             (uint64_t)((now.tv_nsec - t0.tv_nsec) / 1000);
        if (waited_us >= s->us) {
            *r = ERROR_TIMEOUT;
            return true;
        }
        struct timespec ts = {0, 1000000}; /* 1 ms: the request's thread has the CPU */
        nanosleep(&ts, NULL);
    }
}

static bool run_rsm_call(struct ctx *c, const struct scn_step *s);

/* One RSM step, in the session it names and as the user it names (restored after). */
static bool run_rsm(struct ctx *c, const struct scn_step *s)
{
    HANDLE main = c->h;
    if (s->session) {
        struct var *v = var_get(c, s->session, false);
        if (!v || v->kind != VAR_SESSION || !v->hv) {
            fail_step(c, s, "no open session was saved as '%s'", s->session);
            return false;
        }
        c->h = v->hv;
    }
    if (s->has_uid)
        (void)rsm_session_set_caller(c->h, s->as_uid, &s->as_uid, 1); /* valid handle */
    bool ok = run_rsm_call(c, s);
    if (s->has_uid) {
        struct rsm_caller me;
        rsm_caller_self(&me);
        (void)rsm_session_set_caller(c->h, me.uid, me.gids, me.n_gids);
    }
    if (s->session)
        c->h = main; /* (a restart replaces c->h itself, so only a borrowed one goes back) */
    return ok;
}

static bool run_rsm_call(struct ctx *c, const struct scn_step *s)
{
    DWORD r = ERROR_SUCCESS;
    char nb[32];
    GUID pool, lmid;
    memset(&lmid, 0, sizeof lmid);
    bool skipped = false;
    if (s->call != SCN_GENERIC)
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
        if (v) {
            m = v->g;
        } else {
            m = media_guid(c, s->barcode ? s->barcode : "");
            /* mounts and dismounts take a side (or an LMID): a barcode means its first */
            if (s->call != SCN_EJECT_MEDIA && c->added)
                m = side_of(c, &m);
        }
        if (s->barcode)
            sb_printf(&c->trace, " %s", s->barcode);
        if (s->call == SCN_MOUNT) {
            GUID drv;
            DWORD opt = NTMS_MOUNT_READ | NTMS_MOUNT_WRITE;
            memset(&drv, 0, sizeof drv);
            if (s->drive && s->drive <= VTL_MAX_DRIVES) {
                drv = c->drive_ids[s->drive - 1];
                opt |= NTMS_MOUNT_SPECIFIC_DRIVE;
            }
            r = MountNtmsMedia(c->h, &m, &drv, 1, opt, 0, 0, NULL);
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
        if (!run_inventory(c, s, &r))
            return false;
        break;
    case SCN_GENERIC:
        if (!run_generic(c, s, &r))
            return false;
        break;
    case SCN_LIBRARY_ADD:
        if (!run_library_add(c, s, &r))
            return false;
        break;
    case SCN_RESTART: {
        /* As rsmd restarting: every handle of the scenario's session goes, the engine is
         * opened afresh on the same directory (a pending ImportNtmsDatabase is applied
         * then) and finds its libraries again by their URIs. */
        for (unsigned i = 0; i < N_WATCH; i++)
            if (c->watch[i]) {
                (void)CloseNtmsNotification(c->watch[i]); /* reopened below */
                c->watch[i] = NULL;
            }
        r = CloseNtmsSession(c->h);
        char server[PATH_MAX + 16];
        snprintf(server, sizeof server, "embedded:%s/db", c->dir);
        c->h = OpenNtmsSessionA(server, "rsm-scenario", 0);
        if (c->h == INVALID_HANDLE_VALUE) {
            c->h = NULL;
            fail_step(c, s, "the database did not open again: %lu", (unsigned long)GetLastError());
            return false;
        }
        c->engine = rsm_session_engine(c->h);
        open_watchers(c);
        break;
    }
    case SCN_TICK:
        /* what rsmd's once-a-second timer does: ports, door, queued ejects, TapeAlert
         * schedule, drives waiting for cleaning, watched stand-alone drives */
        r = rsm_rc_to_win32(rsm_iec_tick(c->engine, NULL));
        break;
    case SCN_WAIT:
        if (!run_wait(c, s, &r))
            return false;
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

/* ---- RSM's view ------------------------------------------------------------------------ */

static const char *const mstate_words[] = {"IDLE",     "INUSE",   "MOUNTED", "LOADED",
                                           "UNLOADED", "OPERROR", "OPREQ"};

/* Where RSM says medium @info is: "slot N", "drive N", "mailslot N" or "offline". */
static void rsm_location(struct ctx *c, const NTMS_OBJECTINFORMATIONA *info, char *out, size_t cap)
{
    const NTMS_PMIDINFORMATIONA *pm = &info->Info.PhysicalMedia;
    if ((c->added || c->sc->rsm_mirror) &&
        memcmp(&pm->CurrentLibrary, &c->library, sizeof c->library)) {
        snprintf(out, cap, "offline");
        return;
    }
    NTMS_OBJECTINFORMATIONA loc;
    DWORD t = pm->LocationType;
    if (!obj_info(c, &pm->Location, t, &loc)) {
        snprintf(out, cap, "(unknown location)");
        return;
    }
    if (t == NTMS_DRIVE)
        snprintf(out, cap, "drive %lu", (unsigned long)loc.Info.Drive.Number);
    else if (t == NTMS_STORAGESLOT)
        snprintf(out, cap, "slot %lu", (unsigned long)loc.Info.StorageSlot.Number);
    else if (t == NTMS_IEPORT)
        snprintf(out, cap, "mailslot %lu", (unsigned long)loc.Info.IEPort.Number);
    else
        snprintf(out, cap, "(object type %lu)", (unsigned long)t);
}

static bool check_media_want(struct ctx *c, const struct scn_step *s,
                             const struct scn_media_want *w)
{
    static const GUID zero;
    GUID pm = media_guid(c, w->barcode);
    NTMS_OBJECTINFORMATIONA info;
    if (!memcmp(&pm, &zero, sizeof zero) || !obj_info(c, &pm, NTMS_PHYSICAL_MEDIA, &info)) {
        fail_step(c, s, "RSM's view differs");
        diff(c, w->barcode, "a medium RSM knows", "RSM has no medium with this barcode");
        return false;
    }
    bool ok = true;
    if (w->pool) {
        char name[512] = "";
        DWORD size = sizeof name;
        if (GetNtmsMediaPoolNameA(c->h, &info.Info.PhysicalMedia.MediaPool, name, &size) !=
            ERROR_SUCCESS)
            snprintf(name, sizeof name, "(no pool)");
        if (strcasecmp(name, w->pool)) {
            fail_step(c, s, "RSM's view differs");
            char what[96];
            snprintf(what, sizeof what, "%s pool (line %u)", w->barcode, w->line);
            diff(c, what, w->pool, name);
            ok = false;
        }
    }
    DWORD st = info.Info.PhysicalMedia.MediaState;
    if (w->state >= 0 && st != (DWORD)w->state) {
        fail_step(c, s, "RSM's view differs");
        char what[96];
        snprintf(what, sizeof what, "%s state (line %u)", w->barcode, w->line);
        diff(c, what, mstate_words[w->state], st < 7 ? mstate_words[st] : "?");
        ok = false;
    }
    if (w->has_at) {
        char want[48], got[64];
        if (w->offline)
            snprintf(want, sizeof want, "offline");
        else
            snprintf(want, sizeof want, "%s %u", elem_word(w->at.type), w->at.num);
        rsm_location(c, &info, got, sizeof got);
        if (strcmp(want, got)) {
            fail_step(c, s, "RSM's view differs");
            char what[96];
            snprintf(what, sizeof what, "%s location (line %u)", w->barcode, w->line);
            diff(c, what, want, got);
            ok = false;
        }
    }
    return ok;
}

/* agrees: every labelled cartridge the changer reports in a slot or drive is where RSM
 * says it is (the engine's view against the device's, through READ ELEMENT STATUS). */
static bool check_agrees(struct ctx *c, const struct scn_step *s)
{
    struct elem_table t = {0};
    char why[512];
    if (!c->device)
        xport_sim_serialise(true); /* see run_step() */
    bool read = read_elements(c, &t, why, sizeof why);
    if (!c->device)
        xport_sim_serialise(false);
    if (!read) {
        free(t.e);
        fail_step(c, s, "%s", why);
        return false;
    }
    bool ok = true;
    unsigned n_slot = 0, n_drive = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct elem_seen *e = &t.e[i];
        unsigned num = e->type == 2 ? ++n_slot : e->type == 4 ? ++n_drive : 0;
        if (!num || !e->full || !e->barcode[0] || !strncmp(e->barcode, "CLN", 3))
            continue; /* cleaners are not media of a pool */
        char dev[48], got[64];
        snprintf(dev, sizeof dev, "%s %u", e->type == 2 ? "slot" : "drive", num);
        static const GUID zero;
        GUID pm = media_guid(c, e->barcode);
        NTMS_OBJECTINFORMATIONA info;
        if (!memcmp(&pm, &zero, sizeof zero) || !obj_info(c, &pm, NTMS_PHYSICAL_MEDIA, &info))
            snprintf(got, sizeof got, "unknown to RSM");
        else
            rsm_location(c, &info, got, sizeof got);
        if (strcmp(dev, got)) {
            fail_step(c, s, "RSM and the library disagree");
            char what[128];
            snprintf(what, sizeof what, "%s (library: %s)", e->barcode, dev);
            diff(c, what, dev, got);
            ok = false;
        }
    }
    free(t.e);
    return ok;
}

static const char *drive_state_word(DWORD st)
{
    static const char *const words[] = {"DISMOUNTED", "MOUNTED",  "LOADED",        "3",
                                        "4",          "UNLOADED", "BEING_CLEANED", "DISMOUNTABLE"};
    return st < 8 ? words[st] : "?";
}

/* drives: the drive @w names (a library: its first drive) is in the state wanted. */
static bool check_drive_want(struct ctx *c, const struct scn_step *s,
                             const struct scn_drive_want *w)
{
    GUID g;
    NTMS_OBJECTINFORMATIONA info;
    if (!arg_guid(c, w->name, &g)) {
        fail_step(c, s, "drives: '%s' names nothing RSM knows", w->name);
        return false;
    }
    if (!obj_info(c, &g, NTMS_DRIVE, &info)) {
        /* a library: its drive (a stand-alone drive's library has exactly one) */
        GUID list[1];
        DWORD n = 1;
        if (!objects(c, &g, NTMS_DRIVE, list, &n) || n == 0 ||
            !obj_info(c, &list[0], NTMS_DRIVE, &info)) {
            fail_step(c, s, "drives: '%s' is neither a drive nor a library with one", w->name);
            return false;
        }
    }
    DWORD st = info.Info.Drive.State;
    sb_printf(&c->trace, " %s=%s", w->name, drive_state_word(st));
    if (st != w->state) {
        fail_step(c, s, "RSM's view differs");
        char what[96];
        snprintf(what, sizeof what, "%s state (line %u)", w->name, w->line);
        diff(c, what, drive_state_word(w->state), drive_state_word(st));
        return false;
    }
    return true;
}

static bool check_rsm_view(struct ctx *c, const struct scn_step *s)
{
    bool ok = true;
    for (size_t i = 0; i < s->n_media_want; i++)
        ok &= check_media_want(c, s, &s->media_want[i]);
    for (size_t i = 0; i < s->n_drive_want; i++)
        ok &= check_drive_want(c, s, &s->drive_want[i]);
    if (s->agrees)
        ok &= check_agrees(c, s);
    if (s->opreqs >= 0) {
        GUID list[256];
        DWORD n = 256;
        if (!objects(c, NULL, NTMS_OPREQUEST, list, &n)) {
            fail_step(c, s, "EnumerateNtmsObject(NTMS_OPREQUEST) failed: %lu",
                      (unsigned long)GetLastError());
            return false;
        }
        sb_printf(&c->trace, " opreqs=%lu", (unsigned long)n);
        if ((long)n != s->opreqs) {
            char e[32], g[32];
            snprintf(e, sizeof e, "%ld", s->opreqs);
            snprintf(g, sizeof g, "%lu", (unsigned long)n);
            fail_step(c, s, "RSM holds another number of operator requests");
            diff(c, "opreqs", e, g);
            ok = false;
        }
    }
    if (ok && s->events >= 0) {
        bool any = false;
        for (unsigned i = 0; i < N_WATCH; i++)
            any |= c->watch[i] != NULL;
        if (!any) {
            char nb[32];
            return skip_step(c, s, "no watcher: OpenNtmsNotification answered %s",
                             win32_name(c->watch_rc, nb, sizeof nb));
        }
        drain_watchers(c);
        long seen = 0;
        for (size_t i = 0; i < c->n_events; i++)
            seen += !s->event_type || c->events[i].type == s->event_type;
        sb_printf(&c->trace, " events=%ld", seen);
        if (seen < s->events) {
            char e[48], g[32];
            snprintf(e, sizeof e, "at least %ld", s->events);
            snprintf(g, sizeof g, "%ld", seen);
            fail_step(c, s, "the watchers saw fewer notifications");
            diff(c, "events", e, g);
            ok = false;
        }
    }
    return ok;
}

/* ---- the step loop -------------------------------------------------------------------------- */

static bool run_steps(struct ctx *c, const struct scn_step *steps, size_t n, const char *prefix);

static bool run_step_locked(struct ctx *c, const struct scn_step *s);

/* Every step but RSM's own acts on the library directly, under the lock sim: transports
 * take, so it never interleaves with a command RSM's request threads send. RSM steps
 * (and the control steps that contain them) take it only as their commands do. */
static bool run_step(struct ctx *c, const struct scn_step *s)
{
    bool hold = !c->device && s->kind != SCN_RSM && s->kind != SCN_RSM_VIEW &&
                s->kind != SCN_REPEAT && s->kind != SCN_PICK;
    if (hold)
        xport_sim_serialise(true);
    bool ok = run_step_locked(c, s);
    if (hold)
        xport_sim_serialise(false);
    return ok;
}

static bool run_step_locked(struct ctx *c, const struct scn_step *s)
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
        ok = c->device ? skip_step(c, s, "reads the simulated drive's state directly")
                       : check_drive_state(c, s);
        break;
    case SCN_RSM_VIEW:
        ok = check_rsm_view(c, s);
        break;
    case SCN_TIME: {
        if (c->device) {
            ok = skip_step(c, s, "virtual time exists only in the simulator");
            break;
        }
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
        if (c->device) {
            ok = skip_step(c, s, "needs the simulator (%s is a real library)", c->device);
            break;
        }
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
    return scn_run_device(sc, seed_override, NULL, out);
}

enum scn_rc scn_run_device(const struct scn_scenario *sc, const uint64_t *seed_override,
                           const char *device_uri, struct scn_result *out)
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
    c->device = device_uri;
    c->rng = seed_override ? *seed_override : sc->seed;
    char why[1024] = "";
    const char *tmp = getenv("TMPDIR");
    snprintf(c->dir, sizeof c->dir, "%s/rsm-scenario-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    enum scn_rc rc = SCN_OK;
    if (!mkdtemp(c->dir)) {
        snprintf(why, sizeof why, "cannot create a temporary directory: %s", strerror(errno));
        c->dir[0] = '\0';
        rc = SCN_E_SETUP;
    } else if (c->device && (c->n_drives = VTL_MAX_DRIVES, false)) {
        /* --device: no simulator; every LUN is reached through transport/ on first use */
    } else if ((!c->device && !build_library(c, why, sizeof why)) ||
               (sc->rsm && !rsm_setup(c, why, sizeof why))) {
        rc = SCN_E_SETUP;
    } else if (!nexus_login(c, "host") || !nexus_login(c, CHECK_NEXUS_NAME) ||
               !collect_nexus(c, sc->steps, sc->n_steps)) {
        snprintf(why, sizeof why, "cannot log in every initiator (at most %d names)",
                 MAX_NEXUS - 2);
        rc = SCN_E_SETUP;
    } else {
        if (!run_steps(c, sc->steps, sc->n_steps, ""))
            rc = SCN_E_FAILED;
        out->virtual_us = c->clk ? vtl_clock_now_us(c->clk) : 0;
    }
    if (rc == SCN_E_SETUP)
        sb_printf(&c->fail, "%s: setup failed: %s\n", sc->file, why);
    out->rc = rc;
    out->steps_run = c->steps_run;
    out->steps_skipped = c->steps_skipped;
    out->skipped = c->skips.s; /* owned by the result now */
    c->skips.s = NULL;
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
    free(r->skipped);
    memset(r, 0, sizeof *r);
}
