/* SPDX-License-Identifier: MIT
 * vtl-tcmu - serves a virtual tape library through LIO's TCMU (target_core_user): one
 * TCMU backstore per LUN (the changer on LUN 0, drive N on LUN N+1), each a /dev/uioN
 * whose command ring (sim/tcmu/ring.h) is answered by the same device core as vtld's
 * (sim/system.h, vtl_lun_execute()).
 *
 * A backstore belongs to this handler when its dev_config is "<match>/lun<N>" (default
 * match "openrsm"), so its UIO name is tcm-user/<hba>/<dev>/openrsm/lun<N>; every such
 * UIO device present at start-up is served. qemu/guest/tcmu-setup.sh creates them, starts
 * this handler, waits for --ready-file and only then links the LUNs (the link scans the
 * LUN synchronously, through the ring).
 *
 * One thread: poll() on every /dev/uioN and the control socket; a wakeup is consumed with
 * a 4-byte read, the ring drained, each command executed, and after a batch one 4-byte
 * write per device tells the kernel to reap the completions. The library clock runs
 * between commands (robot motions, loads and rewinds that took VTL_EXEC_PENDING complete
 * from there, out of order when the kernel offers OOOC, else the ring waits for them).
 *
 * Every command comes through one I_T nexus: TCMU does not say which initiator sent a
 * command, and tcm_loop has exactly one.
 *
 * Task management: LIO answers ABORT TASK and LUN RESET itself, but first waits for the
 * commands they abort to come back through the ring. With attrib/tmr_notification=1 it
 * also queues a TMR notice naming the function and those commands; each notice is
 * forwarded to the device core (vtl_system_task_mgmt) on the LUN of its ring: a LUN RESET
 * resets that LUN (a robot motion stops, the drive drops its PREVENT and reservations,
 * unit attentions are raised) and the commands it ends complete at once; an aborted
 * command's motion runs to its end, as on vtld's iSCSI path. Every notice is logged.
 *
 * Restart: the library saves its state in STATE_DIR/NAME after every persistent change,
 * before the status goes into the ring, so a SIGKILL loses nothing an initiator was
 * told; a new handler re-attaches to the same UIO devices and serves what is still
 * between cmd_tail and cmd_head. A drive's position is not library state (a real drive
 * that loses power comes back at BOT), but a killed handler is not a drive losing power:
 * after every drive command its position goes into STATE_DIR/NAME/tcmu-positions (a
 * shared mapping, so it survives the process), and a new handler moves each loaded drive
 * back there through a nexus of its own before it serves the ring. The initiator's nexus
 * is new to the new handler, so its next command, the one left in the ring included,
 * gets the power-on UNIT ATTENTION and is not executed: nothing is written twice, and
 * what an initiator writes next (st's filemark at close) lands after the data instead of
 * at BOT.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <dirent.h>
#include <unistd.h>

#include "sim/core/clock.h"
#include "sim/core/config.h"
#include "sim/core/library.h"
#include "sim/ctl/ctl.h"
#include "sim/drive/drive.h"
#include "sim/system.h"
#include "sim/target/target.h"
#include "sim/tcmu/ring.h"
#include "sim/tcmu/uio.h"

#define MAX_DEVS (VTL_MAX_DRIVES + 1)

static const char usage_text[] =
    "Usage: vtl-tcmu [--config FILE.yaml] [--state-dir DIR] [--match TEXT]\n"
    "                [--control SOCK] [--ready-file FILE] [--verbose]\n"
    "\n"
    "Serves a virtual tape library through LIO TCMU: every /dev/uioN whose UIO name is\n"
    "tcm-user/HBA/DEV/TEXT/lunN (dev_config=TEXT/lunN) is LUN N of the library (LUN 0\n"
    "the medium changer, 1..N the drives).\n"
    "\n"
    "  -c, --config FILE    library configuration (default: the default library)\n"
    "  -s, --state-dir DIR  state and tape images in DIR/NAME (default ./vtl-state)\n"
    "  -m, --match TEXT     dev_config prefix of the backstores to serve (default openrsm)\n"
    "  -C, --control SOCK   control socket for vtlctl (default STATE_DIR/vtld.sock)\n"
    "  -r, --ready-file F   written once every device is attached and drained\n"
    "  -v, --verbose        log every command (opcode, LUN, status)\n"
    "  -h, --help           this text\n"
    "\n"
    "SIGTERM or SIGINT stop it cleanly; commands left in the ring are served by the next one.\n";

struct job;

struct dev {
    unsigned lun;
    char path[280];
    int fd;
    void *map;
    size_t map_len;
    struct vtl_tcmu_ring ring;
    bool completed;   /* a completion since the last kernel notification */
    bool broken;      /* an unreadable entry header: the ring is not served any more */
    unsigned pending; /* commands waiting on the library clock */
    struct job *waiting; /* those commands, for the TMR notices that name them */
};

/* One command between the ring and the library. */
struct job {
    struct vtl_cmd cmd;
    struct dev *dev;
    uint8_t *bounce;  /* owned: data buffer when the iovecs are not one piece */
    bool data_in;
    bool aborted;     /* named by an ABORT TASK notice: LIO discards its status */
    struct job *next; /* in dev->waiting while pending */
    struct vtl_tcmu_req req;
};

/* STATE_DIR/NAME/tcmu-positions: each drive's last position, two copies per drive so a
 * kill in the middle of an update leaves the other one whole (seq says which is current). */
struct drive_pos {
    char barcode[VTL_BARCODE_MAX + 1];
    uint8_t ready;      /* a loaded cartridge at a known position */
    uint32_t partition;
    uint64_t object;
};
struct pos_slot {
    uint32_t seq;
    struct drive_pos copy[2];
};
struct pos_file {
    char magic[8];      /* "VTLTPOS1" */
    struct pos_slot drive[VTL_MAX_DRIVES];
};

static struct {
    struct dev devs[MAX_DEVS];
    unsigned n_devs;
    struct vtl_system *sys;
    struct vtl_ctl *ctl;
    uint64_t nexus;
    int ctl_fd;
    bool verbose;
    bool save_failed;
    struct pos_file *pos; /* shared mapping of tcmu-positions, or NULL */
    volatile sig_atomic_t stopping;
} g = {.ctl_fd = -1};

static void on_signal(int sig)
{
    (void)sig;
    g.stopping = 1;
}

/* ---- drive positions across a restart -------------------------------------------------- */

static void run_clock(void);

/* Records drive @index's position when it changed (plain stores into the mapping). */
static void pos_save(unsigned index)
{
    struct vtl_drive *drv = vtl_system_drive(g.sys, index);
    if (!g.pos || !drv || index >= VTL_MAX_DRIVES)
        return;
    struct vtl_drive_status st;
    vtl_drive_status(drv, &st);
    struct drive_pos now = {.ready = st.state == VTL_DRIVE_READY && !st.position_lost};
    if (now.ready) {
        memcpy(now.barcode, st.barcode, sizeof now.barcode);
        now.partition = st.partition;
        now.object = st.object;
    }
    struct pos_slot *slot = &g.pos->drive[index];
    struct drive_pos *cur = &slot->copy[slot->seq & 1];
    if (cur->ready == now.ready && (!now.ready || (cur->object == now.object &&
        cur->partition == now.partition && strcmp(cur->barcode, now.barcode) == 0)))
        return;
    slot->copy[(slot->seq + 1) & 1] = now;
    __atomic_store_n(&slot->seq, slot->seq + 1, __ATOMIC_RELEASE);
}

struct internal_cmd {
    struct vtl_cmd cmd;
    bool done, abandoned;
};

static void internal_done(struct vtl_cmd *cmd)
{
    struct internal_cmd *x = cmd->front_priv;
    x->done = true;
    if (x->abandoned)
        free(x);
}

/* Runs @cdb on LUN @lun for @nexus and waits up to @wait_ms on the library clock; returns
 * the SCSI status, or -1 when it did not finish (the command is then left to the core). */
static int run_internal(unsigned lun, uint64_t nexus, const uint8_t *cdb, size_t cdb_len,
                        unsigned wait_ms)
{
    struct internal_cmd *x = calloc(1, sizeof *x);
    if (!x)
        return -1;
    memcpy(x->cmd.cdb, cdb, cdb_len);
    x->cmd.cdb_len = cdb_len;
    x->cmd.nexus_id = nexus;
    x->cmd.done = internal_done;
    x->cmd.front_priv = x;
    if (vtl_lun_execute(vtl_system_library(g.sys), lun, &x->cmd) == VTL_EXEC_DONE)
        x->done = true;
    for (unsigned t = 0; !x->done && t < wait_ms; t++) {
        run_clock();
        if (!x->done)
            usleep(1000);
    }
    if (!x->done) {
        x->abandoned = true;
        return -1;
    }
    int status = x->cmd.status;
    free(x);
    return status;
}

/* Opens (creating) STATE/tcmu-positions and moves every drive that holds the cartridge it
 * held before back to its position: TEST UNIT READY until GOOD (the new nexus's UNIT
 * ATTENTION, a cartridge still threading), then LOCATE(16). */
static void pos_restore(const char *lib_dir)
{
    char path[PATH_MAX];
    int len = snprintf(path, sizeof path, "%s/tcmu-positions", lib_dir);
    int fd = len > 0 && (size_t)len < sizeof path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
    if (fd < 0 || ftruncate(fd, sizeof *g.pos) != 0) {
        fprintf(stderr, "vtl-tcmu: %s: %s (drive positions are not kept across a restart)\n",
                path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    void *m = mmap(NULL, sizeof *g.pos, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        fprintf(stderr, "vtl-tcmu: mmap %s: %s\n", path, strerror(errno));
        return;
    }
    g.pos = m;
    if (memcmp(g.pos->magic, "VTLTPOS1", 8) != 0) {
        memset(g.pos, 0, sizeof *g.pos);
        memcpy(g.pos->magic, "VTLTPOS1", 8);
        return;
    }
    uint64_t nexus = vtl_system_nexus_open(g.sys);
    unsigned n = vtl_system_drive_count(g.sys);
    for (unsigned i = 0; i < n && i < VTL_MAX_DRIVES; i++) {
        struct drive_pos was = g.pos->drive[i].copy[g.pos->drive[i].seq & 1];
        was.barcode[VTL_BARCODE_MAX] = '\0';
        struct vtl_drive_status st;
        vtl_drive_status(vtl_system_drive(g.sys, i), &st);
        if (!was.ready || st.barcode[0] == '\0' || strcmp(st.barcode, was.barcode) != 0)
            continue;
        static const uint8_t tur[6] = {0};
        int rc = -1;
        for (int k = 0; k < 100 && rc != VTL_STATUS_GOOD; k++)
            if ((rc = run_internal(i + 1, nexus, tur, sizeof tur, 1000)) != VTL_STATUS_GOOD)
                usleep(10000);
        uint8_t loc[16] = {0x92, was.partition ? 0x02 : 0x00, 0, (uint8_t)was.partition};
        for (int b = 0; b < 8; b++)
            loc[4 + b] = (uint8_t)(was.object >> (56 - 8 * b));
        if (rc == VTL_STATUS_GOOD)
            rc = run_internal(i + 1, nexus, loc, sizeof loc, 600000);
        fprintf(stderr, "vtl-tcmu: drive %u: %s back at partition %u object %llu: %s\n", i,
                was.barcode, was.partition, (unsigned long long)was.object,
                rc == VTL_STATUS_GOOD ? "done" : "failed (it stays where the load put it)");
    }
    vtl_system_nexus_close(g.sys, nexus);
    for (unsigned i = 0; i < n && i < VTL_MAX_DRIVES; i++)
        pos_save(i);
}

/* ---- commands ------------------------------------------------------------------------ */

static void finish(struct job *j)
{
    struct dev *d = j->dev;
    /* before the status goes out: what the initiator is told is where the drive is */
    if (d->lun > 0 && j->cmd.cdb[0] != 0x00 && j->cmd.cdb[0] != 0x12)
        pos_save(d->lun - 1);
    long read_len = -1;
    if (j->data_in) {
        if (j->bounce)
            vtl_tcmu_scatter(&d->ring, &j->req, j->bounce, j->cmd.data_in_len);
        read_len = (long)j->cmd.data_in_len;
    }
    if (g.verbose)
        fprintf(stderr, "vtl-tcmu: lun %u id %u op %02x len %zu -> status %02x%s%zu\n", d->lun,
                j->req.cmd_id, j->cmd.cdb[0], j->req.data_len, j->cmd.status,
                j->data_in ? " in " : " out ", j->data_in ? j->cmd.data_in_len : j->cmd.data_out_len);
    vtl_tcmu_ring_complete(&d->ring, j->req.cmd_id, j->cmd.status,
                           j->cmd.status == VTL_STATUS_CHECK_CONDITION ? j->cmd.sense : NULL,
                           j->cmd.sense_len, read_len);
    d->completed = true;
    free(j->bounce);
    free(j);
}

static void on_done(struct vtl_cmd *cmd)
{
    struct job *j = cmd->front_priv;
    struct dev *d = j->dev;
    for (struct job **pp = &d->waiting; *pp; pp = &(*pp)->next)
        if (*pp == j) {
            *pp = j->next;
            break;
        }
    d->pending--;
    if (j->aborted)
        fprintf(stderr, "vtl-tcmu: LUN %u: aborted command %u (op %02x) ended, status %02x\n",
                d->lun, j->req.cmd_id, j->cmd.cdb[0], j->cmd.status);
    finish(j);
}

/* An entry that cannot be served: CHECK CONDITION, ILLEGAL REQUEST, INVALID FIELD IN CDB. */
static void refuse(struct dev *d, uint16_t cmd_id)
{
    static const uint8_t sense[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0x00};
    vtl_tcmu_ring_complete(&d->ring, cmd_id, VTL_STATUS_CHECK_CONDITION, sense, sizeof sense, -1);
    d->completed = true;
}

/* Runs due clock events (completing pending commands) and reports a failed state save
 * once per failure. */
static void run_clock(void)
{
    vtl_system_run_due(g.sys);
    enum vtl_rc rc = vtl_library_autosave_status(vtl_system_library(g.sys));
    if (rc != VTL_OK && !g.save_failed)
        fprintf(stderr, "vtl-tcmu: cannot save the library state: %s (retried at the next change)\n",
                vtl_rc_name(rc));
    g.save_failed = rc != VTL_OK;
}

static void submit(struct dev *d, struct job *j)
{
    struct vtl_cmd *c = &j->cmd;
    memcpy(c->cdb, j->req.cdb, j->req.cdb_len);
    c->cdb_len = j->req.cdb_len;
    c->nexus_id = g.nexus;
    c->done = on_done;
    c->front_priv = j;
    uint8_t *flat = vtl_tcmu_req_flat(&d->ring, &j->req);
    uint8_t *buf = flat;
    if (!flat && j->req.data_len) {
        j->bounce = malloc(j->req.data_len);
        if (!j->bounce) {
            vtl_tcmu_ring_complete(&d->ring, j->req.cmd_id, VTL_STATUS_BUSY, NULL, 0, -1);
            d->completed = true;
            free(j);
            return;
        }
        buf = j->bounce;
    }
    if (vtl_tcmu_is_data_out(c->cdb)) {
        if (j->bounce)
            vtl_tcmu_gather(&d->ring, &j->req, j->bounce, j->req.data_len);
        c->data_out = buf;
        c->data_out_len = j->req.data_len;
    } else {
        j->data_in = true;
        c->data_in = buf;
        c->data_in_cap = j->req.data_len;
    }
    if (vtl_lun_execute(vtl_system_library(g.sys), d->lun, c) == VTL_EXEC_DONE) {
        finish(j);
        return;
    }
    d->pending++;
    j->next = d->waiting;
    d->waiting = j;
    /* Without OOOC the kernel expects completions in ring order: wait for this one. */
    if (!vtl_tcmu_ring_ooo(&d->ring)) {
        while (d->pending && !g.stopping) {   /* @j is freed once it completes */
            run_clock();
            if (d->pending)
                usleep(1000);
        }
    }
}

static const char *tmr_name(uint8_t type)
{
    switch (type) {
    case VTL_TMF_ABORT_TASK: return "ABORT TASK";
    case VTL_TMF_ABORT_TASK_SET: return "ABORT TASK SET";
    case VTL_TMF_CLEAR_ACA: return "CLEAR ACA";
    case VTL_TMF_CLEAR_TASK_SET: return "CLEAR TASK SET";
    case VTL_TMF_LUN_RESET: return "LUN RESET";
    case VTL_TMF_TARGET_WARM_RESET: return "TARGET WARM RESET";
    case VTL_TMF_TARGET_COLD_RESET: return "TARGET COLD RESET";
    case VTL_TCMU_TMR_LUN_RESET_PRO: return "PREEMPT AND ABORT";
    default: return "unknown TMR";
    }
}

static const char *tmf_rsp_name(int rsp)
{
    switch (rsp) {
    case VTL_TMF_RSP_COMPLETE: return "function complete";
    case VTL_TMF_RSP_NO_TASK: return "task does not exist";
    case VTL_TMF_RSP_NO_LUN: return "LUN does not exist";
    case VTL_TMF_RSP_NOT_SUPPORTED: return "function not supported";
    default: return "rejected";
    }
}

/* A TMR notice from LIO (ring.h): LIO has already decided the function's outcome for the
 * initiator and is waiting for the listed commands. TCMU numbers the functions as SAM-5
 * and enum vtl_tmf do, so they are forwarded as they are; the reset a PREEMPT AND ABORT
 * implies (128) aborts the listed commands only: reservations belong to the simulator
 * (pgr_support=0), which already acted on the PERSISTENT RESERVE OUT itself. */
static void on_tmr(struct dev *d, const struct vtl_tcmu_req *q)
{
    unsigned found = 0;
    for (uint32_t i = 0; i < q->n_tmr_ids; i++)
        for (struct job *j = d->waiting; j; j = j->next)
            if (j->req.cmd_id == q->tmr_ids[i] && !j->aborted) {
                j->aborted = true;
                found++;
                /* per command, as vtld's iSCSI target tells the core of each task */
                (void)vtl_system_task_mgmt(g.sys, g.nexus, VTL_TMF_ABORT_TASK, (uint16_t)d->lun,
                                           &j->cmd);
                break;
            }
    int rsp = VTL_TMF_RSP_NOT_SUPPORTED;
    switch (q->tmr_type) {
    case VTL_TMF_ABORT_TASK:
        rsp = found ? VTL_TMF_RSP_COMPLETE : VTL_TMF_RSP_NO_TASK;
        break;
    case VTL_TCMU_TMR_LUN_RESET_PRO:
        rsp = VTL_TMF_RSP_COMPLETE;
        break;
    case VTL_TMF_ABORT_TASK_SET:
    case VTL_TMF_CLEAR_TASK_SET:
    case VTL_TMF_LUN_RESET:
    case VTL_TMF_TARGET_WARM_RESET:
    case VTL_TMF_TARGET_COLD_RESET:
        /* A reset may complete waiting commands (on_done) from inside this call. */
        rsp = vtl_system_task_mgmt(g.sys, g.nexus, q->tmr_type, (uint16_t)d->lun, NULL);
        break;
    default:
        break;   /* CLEAR ACA (NACA is never accepted) and anything newer */
    }
    fprintf(stderr, "vtl-tcmu: LUN %u: %s, %u command%s listed (%u waiting here%s): %s\n",
            d->lun, tmr_name(q->tmr_type), q->n_tmr_ids + q->n_tmr_ids_dropped,
            q->n_tmr_ids + q->n_tmr_ids_dropped == 1 ? "" : "s", found,
            q->n_tmr_ids_dropped ? ", some ids did not fit" : "", tmf_rsp_name(rsp));
    fflush(stderr);
}

static void drain(struct dev *d)
{
    /* every ring is drained after every wakeup: most have nothing, and a job is 18 KiB */
    while (!d->broken && vtl_tcmu_ring_has_entry(&d->ring)) {
        struct job *j = malloc(sizeof *j);
        if (!j)
            return;   /* retried at the next wakeup */
        memset(j, 0, offsetof(struct job, req));
        j->dev = d;
        enum vtl_tcmu_rc rc = vtl_tcmu_ring_next(&d->ring, &j->req);
        if (rc == VTL_TCMU_OK) {
            submit(d, j);
            run_clock();
            continue;
        }
        if (rc == VTL_TCMU_TMR) {
            on_tmr(d, &j->req);
            free(j);
            run_clock();
            continue;
        }
        uint16_t id = j->req.cmd_id;
        free(j);
        if (rc == VTL_TCMU_EMPTY)
            return;
        if (id) {
            fprintf(stderr, "vtl-tcmu: %s: command %u cannot be served (bad entry)\n", d->path, id);
            refuse(d, id);
            continue;
        }
        fprintf(stderr, "vtl-tcmu: %s: unreadable ring entry; the device is no longer served\n",
                d->path);
        d->broken = true;
    }
}

/* ---- UIO devices ----------------------------------------------------------------------- */

static bool read_sysfs(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

static int attach(const char *uio, unsigned lun)
{
    struct dev *d = &g.devs[g.n_devs];
    char path[PATH_MAX], val[64];
    snprintf(path, sizeof path, "/sys/class/uio/%s/maps/map0/size", uio);
    if (!read_sysfs(path, val, sizeof val)) {
        fprintf(stderr, "vtl-tcmu: %s: %s\n", path, strerror(errno));
        return -1;
    }
    d->map_len = strtoull(val, NULL, 0);
    snprintf(d->path, sizeof d->path, "/dev/%s", uio);
    d->lun = lun;
    d->fd = open(d->path, O_RDWR | O_CLOEXEC);
    if (d->fd < 0) {
        fprintf(stderr, "vtl-tcmu: %s: %s\n", d->path, strerror(errno));
        return -1;
    }
    d->map = mmap(NULL, d->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);
    if (d->map == MAP_FAILED) {
        fprintf(stderr, "vtl-tcmu: mmap %s (%zu bytes): %s\n", d->path, d->map_len, strerror(errno));
        close(d->fd);
        return -1;
    }
    if (vtl_tcmu_ring_open(&d->ring, d->map, d->map_len) != VTL_TCMU_OK) {
        fprintf(stderr, "vtl-tcmu: %s: not a TCMU ring this handler understands\n", d->path);
        munmap(d->map, d->map_len);
        close(d->fd);
        return -1;
    }
    g.n_devs++;
    return 0;
}

static int attach_all(const char *match, const uint16_t *luns, size_t n_luns)
{
    DIR *dir = opendir("/sys/class/uio");
    if (!dir) {
        fprintf(stderr, "vtl-tcmu: /sys/class/uio: %s (is target_core_user loaded?)\n",
                strerror(errno));
        return -1;
    }
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(dir)) != NULL) {
        if (strncmp(de->d_name, "uio", 3) != 0)
            continue;
        char path[PATH_MAX], name[256];
        snprintf(path, sizeof path, "/sys/class/uio/%s/name", de->d_name);
        if (!read_sysfs(path, name, sizeof name))
            continue;
        int lun = vtl_tcmu_uio_lun(name, match, VTL_MAX_DRIVES);
        if (lun < 0)
            continue;
        bool known = false;
        for (size_t i = 0; i < n_luns; i++)
            known |= luns[i] == lun;
        for (unsigned i = 0; i < g.n_devs; i++)
            known &= g.devs[i].lun != (unsigned)lun;
        if (!known || g.n_devs == MAX_DEVS) {
            fprintf(stderr, "vtl-tcmu: %s (%s): the library has no LUN %d or it is taken\n",
                    de->d_name, name, lun);
            rc = -1;
            continue;
        }
        if (attach(de->d_name, (unsigned)lun) != 0)
            rc = -1;
        else
            fprintf(stderr, "vtl-tcmu: LUN %d on /dev/%s (%s), ring %u bytes, flags %#x\n", lun,
                    de->d_name, name, g.devs[g.n_devs - 1].ring.cmdr_size,
                    g.devs[g.n_devs - 1].ring.flags);
    }
    closedir(dir);
    return rc;
}

/* ---- control socket (vtlctl), served from the loop -------------------------------------- */

static int open_control(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path)
        return -1;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One vtlctl client: requests line by line until it hangs up. vtlctl is one-shot and
 * quick, so it is served inline; an idle client is dropped after 2 s so the rings are
 * never held up longer. */
static void serve_ctl(void)
{
    int fd = accept4(g.ctl_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    char buf[16384];
    size_t len = 0;
    for (;;) {
        char *nl = memchr(buf, '\n', len);
        if (!nl) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            ssize_t n;
            if (len == sizeof buf || poll(&p, 1, 2000) <= 0 ||
                (n = read(fd, buf + len, sizeof buf - len)) <= 0)
                break;
            len += (size_t)n;
            continue;
        }
        char *reply = vtl_ctl_handle(g.ctl, buf, (size_t)(nl - buf));
        if (!reply)
            break;
        size_t rlen = strlen(reply);
        bool ok = write(fd, reply, rlen) == (ssize_t)rlen && write(fd, "\n", 1) == 1;
        free(reply);
        if (!ok)
            break;
        size_t used = (size_t)(nl - buf) + 1;
        memmove(buf, buf + used, len - used);
        len -= used;
    }
    close(fd);
}

/* ---- main ---------------------------------------------------------------------------- */

static int mkdir_p(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int poll_timeout_ms(void)
{
    struct vtl_clock *clk = vtl_library_clock(vtl_system_library(g.sys));
    uint64_t us = vtl_clock_next_due_us(clk);
    if (us == UINT64_MAX)
        return 1000;
    /* Simulated microseconds: a scaled clock may run faster, so never sleep long. */
    return us / 1000 > 20 ? 20 : (int)(us / 1000);
}

int main(int argc, char **argv)
{
    const char *config = NULL, *state_dir = "vtl-state", *match = "openrsm";
    const char *control = NULL, *ready_file = NULL;
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},  {"state-dir", required_argument, NULL, 's'},
        {"match", required_argument, NULL, 'm'},   {"control", required_argument, NULL, 'C'},
        {"ready-file", required_argument, NULL, 'r'}, {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "c:s:m:C:r:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 's': state_dir = optarg; break;
        case 'm': match = optarg; break;
        case 'C': control = optarg; break;
        case 'r': ready_file = optarg; break;
        case 'v': g.verbose = true; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: fprintf(stderr, "Try 'vtl-tcmu --help'.\n"); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vtl-tcmu: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }

    char name[64] = "default", lib_dir[PATH_MAX];
    if (config) {
        const char *base = strrchr(config, '/');
        snprintf(name, sizeof name, "%s", base ? base + 1 : config);
        char *dot = strrchr(name, '.');
        if (dot && dot != name)
            *dot = '\0';
    }
    snprintf(lib_dir, sizeof lib_dir, "%s/%s", state_dir, name);
    if (mkdir_p(lib_dir) != 0) {
        fprintf(stderr, "vtl-tcmu: cannot create %s: %s\n", lib_dir, strerror(errno));
        return 1;
    }
    char err[1024] = "";
    if (vtl_system_open(config, lib_dir, &g.sys, err, sizeof err) != VTL_OK) {
        fprintf(stderr, "vtl-tcmu: %s\n", err);
        return 1;
    }
    g.nexus = vtl_system_nexus_open(g.sys);
    uint16_t luns[MAX_DEVS];
    size_t n_luns = vtl_system_luns(g.sys, luns, MAX_DEVS);
    if (attach_all(match, luns, n_luns) != 0 || g.n_devs == 0) {
        if (g.n_devs == 0)
            fprintf(stderr, "vtl-tcmu: no UIO device named tcm-user/*/*/%s/lunN\n", match);
        vtl_system_close(g.sys);
        return 1;
    }

    g.ctl = vtl_ctl_new();
    char ctl_path[PATH_MAX];
    snprintf(ctl_path, sizeof ctl_path, "%s", control ? control : "");
    if (!control)
        snprintf(ctl_path, sizeof ctl_path, "%s/vtld.sock", state_dir);
    if (g.ctl) {
        struct vtl_ctl_drive_hooks hooks;
        vtl_system_ctl_hooks(g.sys, &hooks);
        vtl_ctl_add_library(g.ctl, name, vtl_system_library(g.sys), lib_dir, &hooks);
        g.ctl_fd = open_control(ctl_path);
        if (g.ctl_fd < 0)
            fprintf(stderr, "vtl-tcmu: no control socket at %s: %s\n", ctl_path, strerror(errno));
    }

    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    pos_restore(lib_dir);
    /* What a previous handler left in the rings is served before anything else. */
    for (unsigned i = 0; i < g.n_devs; i++)
        drain(&g.devs[i]);
    if (ready_file) {
        FILE *f = fopen(ready_file, "w");
        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    fprintf(stderr, "vtl-tcmu: serving library '%s' on %u LUN%s (state in %s, control %s)\n",
            name, g.n_devs, g.n_devs == 1 ? "" : "s", lib_dir, ctl_path);
    fflush(stderr);

    struct pollfd pfd[MAX_DEVS + 1];
    while (!g.stopping) {
        for (unsigned i = 0; i < g.n_devs; i++) {
            struct dev *d = &g.devs[i];
            if (d->completed) {
                uint32_t one = 1;
                /* irqcontrol: the kernel reaps the completions up to cmd_tail */
                if (write(d->fd, &one, sizeof one) != sizeof one && errno != EINTR)
                    fprintf(stderr, "vtl-tcmu: %s: write: %s\n", d->path, strerror(errno));
                d->completed = false;
            }
            pfd[i] = (struct pollfd){.fd = d->fd, .events = POLLIN};
        }
        unsigned n = g.n_devs;
        if (g.ctl_fd >= 0)
            pfd[n++] = (struct pollfd){.fd = g.ctl_fd, .events = POLLIN};
        int rc = poll(pfd, n, poll_timeout_ms());
        if (rc < 0 && errno != EINTR) {
            fprintf(stderr, "vtl-tcmu: poll: %s\n", strerror(errno));
            break;
        }
        run_clock();
        for (unsigned i = 0; i < g.n_devs; i++) {
            if (rc > 0 && (pfd[i].revents & POLLIN)) {
                uint32_t count;
                /* consumes the wakeup; entries queued after this wake poll again */
                if (read(g.devs[i].fd, &count, sizeof count) < 0 && errno != EINTR &&
                    errno != EAGAIN)
                    fprintf(stderr, "vtl-tcmu: %s: read: %s\n", g.devs[i].path, strerror(errno));
            }
            drain(&g.devs[i]);
        }
        if (rc > 0 && g.ctl_fd >= 0 && (pfd[g.n_devs].revents & POLLIN))
            serve_ctl();
    }

    for (unsigned i = 0; i < g.n_devs; i++) {
        struct dev *d = &g.devs[i];
        if (d->completed) {
            uint32_t one = 1;
            (void)!write(d->fd, &one, sizeof one);   /* last completions; exiting anyway */
        }
        if (d->pending)
            fprintf(stderr, "vtl-tcmu: %s: %u command%s still waiting: the kernel times them out\n",
                    d->path, d->pending, d->pending == 1 ? "" : "s");
        munmap(d->map, d->map_len);
        close(d->fd);
    }
    if (g.ctl_fd >= 0) {
        close(g.ctl_fd);
        unlink(ctl_path);
    }
    vtl_ctl_free(g.ctl);
    if (g.pos)
        munmap(g.pos, sizeof *g.pos);
    vtl_system_nexus_close(g.sys, g.nexus);
    vtl_system_close(g.sys);
    fprintf(stderr, "vtl-tcmu: stopped\n");
    return 0;
}
