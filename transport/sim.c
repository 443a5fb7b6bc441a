/* SPDX-License-Identifier: MIT
 * transport/sim.c - sim:CONFIG.yaml[?lun=N][&mutant=ID,...]: libvtl in this process.
 *
 * Libraries are shared per process by config path: the first open builds the library,
 * later opens of the same path (any LUN) reach the same one, and the last close destroys
 * it. Each transport is its own I_T nexus, as two iSCSI sessions would be. Commands that
 * wait on the library clock (robot motion) are driven to completion here: a virtual
 * clock is advanced to the next event, a real or scaled one is waited for. A virtual
 * clock also runs to the next event when a nexus polls a device that is BECOMING READY
 * a second time with no other answer given in between (see sim_exec).
 * A global lock serialises every command, since a library belongs to one thread at a time.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/core/clock.h"
#include "sim/core/library.h"
#include "sim/core/mutant.h"
#include "sim/system.h"
#include "sim/target/target.h"
#include "transport/internal.h"

struct sim_lib {
    struct sim_lib *next;
    char *path;                /* "" for the default library; "PATH?mutant=IDS" with mutants */
    struct vtl_system *sys;    /* changer + drives, tapes in a private temporary dir */
    struct vtl_library *lib;   /* borrowed from sys */
    unsigned refs;
    bool borrowed;             /* attached by its owner (xport_sim_attach): never closed here */
    uint64_t work_seq;         /* answers other than BECOMING READY so far (sim_lock) */
};

struct sim_priv {
    struct sim_lib *sl;
    unsigned lun;
    uint64_t nexus;
    bool polling;              /* the last answer here was BECOMING READY (sim_lock) */
    uint64_t poll_seen;        /* sl->work_seq at that answer */
};

static pthread_mutex_t sim_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sim_lib *sim_libs;

/* Options after '?', '&'-separated: lun=N (0..64) and mutant=ID[,ID...] (deliberate
 * misbehaviours, sim/core/mutant.h). A library with mutants is a different library from
 * the same path without them, so the sharing key is the path plus the mutant list. */
static enum xport_rc sim_options(const char *q, unsigned *lun, char *mutants, size_t mcap,
                                 char *err, size_t err_cap)
{
    while (q && *q) {
        q++; /* '?' or '&' */
        size_t len = strcspn(q, "&");
        if (strncmp(q, "lun=", 4) == 0) {
            char num[16], *end;
            size_t nl = len - 4;
            unsigned long v = 65;
            if (nl > 0 && nl < sizeof num) {
                memcpy(num, q + 4, nl);
                num[nl] = '\0';
                v = strtoul(num, &end, 10);
                if (*end)
                    v = 65;
            }
            if (v > 64) {
                snprintf(err, err_cap, "sim: expected lun=N (0..64), got '%.*s'", (int)len, q);
                return XPORT_E_URI;
            }
            *lun = (unsigned)v;
        } else if (strncmp(q, "mutant=", 7) == 0 && len > 7 && len - 7 < mcap) {
            memcpy(mutants, q + 7, len - 7);
            mutants[len - 7] = '\0';
        } else {
            snprintf(err, err_cap,
                     "sim: expected lun=N or mutant=ID[,ID...] after the path, got '%.*s'",
                     (int)len, q);
            return XPORT_E_URI;
        }
        q += len;
    }
    return XPORT_OK;
}

static enum xport_rc sim_open(struct xport *xp, const char *rest, char *err, size_t err_cap)
{
    char path[1024], mutants[512] = "";
    unsigned lun = 0;
    const char *q = strchr(rest, '?');
    size_t plen = q ? (size_t)(q - rest) : strlen(rest);
    if (plen >= sizeof path) {
        snprintf(err, err_cap, "sim: path too long");
        return XPORT_E_URI;
    }
    memcpy(path, rest, plen);
    path[plen] = '\0';
    enum xport_rc orc = sim_options(q, &lun, mutants, sizeof mutants, err, err_cap);
    if (orc != XPORT_OK)
        return orc;
    if (strcmp(path, "default") == 0)
        path[0] = '\0';
    char key[sizeof path + sizeof mutants + 8];
    snprintf(key, sizeof key, "%s%s%s", path, mutants[0] ? "?mutant=" : "", mutants);

    pthread_mutex_lock(&sim_lock);
    struct sim_lib *sl = sim_libs;
    while (sl && strcmp(sl->path, key) != 0)
        sl = sl->next;
    if (!sl) {
        sl = calloc(1, sizeof *sl);
        enum vtl_rc rc = VTL_E_NOMEM;
        char why[512] = "out of memory";
        if (sl && (sl->path = strdup(key))) {
            rc = vtl_system_open(path[0] ? path : NULL, NULL, &sl->sys, why, sizeof why);
            if (rc == VTL_OK)
                sl->lib = vtl_system_library(sl->sys);
            if (rc == VTL_OK && mutants[0] &&
                (rc = vtl_mutant_set_list(sl->lib, mutants, why, sizeof why)) != VTL_OK) {
                vtl_system_close(sl->sys);
                rc = VTL_E_CONFIG;
            }
        }
        if (rc != VTL_OK) {
            snprintf(err, err_cap, "sim: %s", why);
            if (sl)
                free(sl->path);
            free(sl);
            pthread_mutex_unlock(&sim_lock);
            return rc == VTL_E_NOMEM ? XPORT_E_NOMEM : XPORT_E_OPEN;
        }
        sl->next = sim_libs;
        sim_libs = sl;
    }
    struct sim_priv *p = calloc(1, sizeof *p);
    if (!p) {
        pthread_mutex_unlock(&sim_lock);
        return XPORT_E_NOMEM;
    }
    sl->refs++;
    p->sl = sl;
    p->lun = lun;
    p->nexus = vtl_system_nexus_open(sl->sys);
    xp->priv = p;
    pthread_mutex_unlock(&sim_lock);
    return XPORT_OK;
}

static void sim_done(struct vtl_cmd *cmd)
{
    *(bool *)cmd->front_priv = true;
}

static enum xport_rc sim_exec(struct xport *xp, struct xport_cmd *cmd)
{
    struct sim_priv *p = xp->priv;
    bool finished = false;
    struct vtl_cmd vc;
    memset(&vc, 0, sizeof vc);
    memcpy(vc.cdb, cmd->cdb, cmd->cdb_len);
    vc.cdb_len = cmd->cdb_len;
    vc.nexus_id = p->nexus;
    if (cmd->dir == XPORT_DIR_OUT) {
        vc.data_out = cmd->buf;
        vc.data_out_len = cmd->buf_len;
    } else if (cmd->dir == XPORT_DIR_IN) {
        vc.data_in = cmd->buf;
        vc.data_in_cap = cmd->buf_len;
    }
    vc.done = sim_done;
    vc.front_priv = &finished;

    pthread_mutex_lock(&sim_lock);
    struct vtl_library *lib = p->sl->lib;
    struct vtl_clock *clk = vtl_library_clock(lib);
    /* Events whose time passed while no command waited (a drive threading a tape on a
     * real or scaled clock, polled with TEST UNIT READY) happen before this command. */
    vtl_system_run_due(p->sl->sys);
    if (vtl_lun_execute(lib, p->lun, &vc) == VTL_EXEC_DONE)
        finished = true;
    uint64_t waited_us = 0;
    uint64_t limit_us = (uint64_t)(cmd->timeout_ms ? cmd->timeout_ms : XPORT_DEFAULT_TIMEOUT_MS) * 1000;
    while (!finished) {
        uint64_t due = vtl_clock_next_due_us(clk);
        if (due == UINT64_MAX) {
            pthread_mutex_unlock(&sim_lock);
            xport_set_error(xp, "sim: command pending with nothing scheduled");
            return XPORT_E_IO;
        }
        if (vtl_clock_mode(clk) == VTL_CLOCK_VIRTUAL || vtl_clock_mode(clk) == VTL_CLOCK_ZERO) {
            /* Virtual time is ours to move: jump to the next event. */
            vtl_clock_advance(clk, due);
        } else if (due > 0) {
            if (waited_us > limit_us) {
                pthread_mutex_unlock(&sim_lock);
                xport_set_error(xp, "sim: no completion within %u ms", cmd->timeout_ms);
                return XPORT_E_TIMEOUT;
            }
            uint64_t step = due < 10000 ? due : 10000;
            struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(step * 1000)};
            nanosleep(&ts, NULL);
            waited_us += step;
        }
        vtl_system_run_due(p->sl->sys);
    }
    /* NOT READY, BECOMING READY (2/04/01): the initiator will wait and ask again. On a
     * virtual clock that wait is virtual too, so the time passes to the next event (the
     * tape threads) rather than have a host poll in real time a clock nobody moves. But
     * not at the first such answer: other threads of the same host may have work that on
     * real hardware would run during that wait (the next robot move while this drive
     * threads), and time that jumps ahead of them is time they never had. So the clock
     * moves when this nexus hears BECOMING READY again with no other answer given to
     * anyone in between: the host has been quiet for a whole polling interval, and every
     * thread of it that acts is waiting for the device. Time never passes a due event,
     * so a host that is slow to act can only make the simulated time longer. */
    bool becoming = false;
    if (vc.status == VTL_STATUS_CHECK_CONDITION && vc.sense_len >= 14) {
        bool desc = (vc.sense[0] & 0x7F) >= 0x72;
        uint8_t key = (desc ? vc.sense[1] : vc.sense[2]) & 0x0F;
        uint8_t asc = desc ? vc.sense[2] : vc.sense[12], ascq = desc ? vc.sense[3] : vc.sense[13];
        becoming = key == 2 && asc == 0x04 && ascq == 0x01;
    }
    if (!becoming) {
        p->sl->work_seq++;
        p->polling = false;
    } else if (vtl_clock_mode(clk) == VTL_CLOCK_VIRTUAL) {
        uint64_t due = vtl_clock_next_due_us(clk);
        if (p->polling && p->poll_seen == p->sl->work_seq && due != UINT64_MAX) {
            vtl_clock_advance(clk, due);
            vtl_system_run_due(p->sl->sys);
        }
        p->polling = true;
        p->poll_seen = p->sl->work_seq;
    }
    pthread_mutex_unlock(&sim_lock);
    cmd->status = vc.status;
    cmd->xfer_len = cmd->dir == XPORT_DIR_IN ? vc.data_in_len
                    : cmd->dir == XPORT_DIR_OUT ? cmd->buf_len : 0;
    cmd->sense_len = vc.sense_len < XPORT_SENSE_MAX ? vc.sense_len : XPORT_SENSE_MAX;
    memcpy(cmd->sense, vc.sense, cmd->sense_len);
    return XPORT_OK;
}

static void sim_close(struct xport *xp)
{
    struct sim_priv *p = xp->priv;
    if (!p)
        return;
    pthread_mutex_lock(&sim_lock);
    struct sim_lib *sl = p->sl;
    vtl_system_nexus_close(sl->sys, p->nexus);
    if (--sl->refs == 0) {
        struct sim_lib **pp = &sim_libs;
        while (*pp != sl)
            pp = &(*pp)->next;
        *pp = sl->next;
        if (!sl->borrowed)
            vtl_system_close(sl->sys);
        free(sl->path);
        free(sl);
    }
    pthread_mutex_unlock(&sim_lock);
    free(p);
}

enum xport_rc xport_sim_attach(const char *name, struct vtl_system *sys)
{
    pthread_mutex_lock(&sim_lock);
    for (struct sim_lib *sl = sim_libs; sl; sl = sl->next)
        if (strcmp(sl->path, name) == 0) {
            pthread_mutex_unlock(&sim_lock);
            return XPORT_E_INVAL;
        }
    struct sim_lib *sl = calloc(1, sizeof *sl);
    if (!sl || !(sl->path = strdup(name))) {
        free(sl);
        pthread_mutex_unlock(&sim_lock);
        return XPORT_E_NOMEM;
    }
    sl->sys = sys;
    sl->lib = vtl_system_library(sys);
    sl->refs = 1; /* the attachment's own reference, dropped by xport_sim_detach() */
    sl->borrowed = true;
    sl->next = sim_libs;
    sim_libs = sl;
    pthread_mutex_unlock(&sim_lock);
    return XPORT_OK;
}

void xport_sim_detach(const char *name)
{
    pthread_mutex_lock(&sim_lock);
    struct sim_lib **pp = &sim_libs;
    while (*pp && !((*pp)->borrowed && strcmp((*pp)->path, name) == 0))
        pp = &(*pp)->next;
    struct sim_lib *sl = *pp;
    if (sl && --sl->refs == 0) {
        *pp = sl->next;
        free(sl->path);
        free(sl);
    }
    pthread_mutex_unlock(&sim_lock);
}

void xport_sim_serialise(bool hold)
{
    if (hold)
        pthread_mutex_lock(&sim_lock);
    else
        pthread_mutex_unlock(&sim_lock);
}

const struct xport_ops xport_sim_ops = {"sim", sim_open, sim_exec, sim_close};
