/* SPDX-License-Identifier: MIT
 * bench_iscsi - vtld against Debian's tgt over iSCSI, measured in one run by one libiscsi
 * client (no packaged libiscsi tool writes to tape), with a raw TCP loopback stream as
 * the ceiling.
 *
 * For each target: a cartridge is moved into the drive, then with one command in flight
 * WRITE(6) and READ(6) of 64 KiB, 256 KiB and 1 MiB variable blocks (about a second or
 * 256 MiB each, whichever comes first), TEST UNIT READY round trips for a second, and
 * READ ELEMENT STATUS with VolTag over a 1,000-slot library. During the TEST UNIT READY
 * second the CPU time of the server (all its threads, /proc/PID/task/N/schedstat) and of
 * this client are taken too: a round trip is client + server + loopback, so this row
 * shows what the server alone could still win. vtld is started from $B/bin
 * with a generated config; tgt through bench/tgt-peer.sh (skipped with a note when tgtd is
 * not installed). Everything listens on 127.0.0.1, on free ports, and is stopped at the end.
 * Output: Markdown rows for bench/RESULTS.md.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scsi/cdb.h"
#include "scsi/elem.h"
#include "scsi/sense.h"
#include "transport/transport.h"

#define N_SIZES 3
static const size_t sizes[N_SIZES] = {64 << 10, 256 << 10, 1 << 20};
static const char *const size_names[N_SIZES] = {"64 KiB", "256 KiB", "1 MiB"};
#define MAX_BYTES_PER_SIZE (256ull << 20)

struct result {
    bool ok;
    char why[512];
    double write_mbs[N_SIZES], read_mbs[N_SIZES];
    double tur_per_s;
    double tur_server_us, tur_client_us; /* CPU time per TUR round trip */
    double res_ms;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of every thread of @pid so far, in seconds (/proc/PID/task/TID/schedstat,
 * whose first field is nanoseconds on CPU); -1 if unreadable. */
static double proc_cpu_s(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    double sum = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char f[600];
        snprintf(f, sizeof f, "%s/%s/schedstat", path, e->d_name);
        FILE *fp = fopen(f, "r");
        unsigned long long ns = 0;
        if (fp) {
            if (fscanf(fp, "%llu", &ns) == 1)
                sum += (double)ns / 1e9;
            fclose(fp);
        }
    }
    closedir(d);
    return sum;
}

static double self_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void msleep(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    close(fd);
    return ntohs(sa.sin_port);
}

/* Runs @c; unit attentions are retried (a new session starts with one). Returns the SAM
 * status or -1 on a transport failure. */
static int run(struct xport *xp, const struct t10_cdb *c, enum xport_dir dir, void *buf, size_t len,
               struct xport_cmd *out)
{
    uint8_t cdb[T10_CDB_MAX];
    size_t n = t10_cdb_build(cdb, sizeof cdb, c);
    if (!n)
        return -1;
    for (int i = 0; i < 10; i++) {
        struct xport_cmd cmd = {.cdb = cdb, .cdb_len = n, .dir = dir, .buf = buf, .buf_len = len,
                                .timeout_ms = 60000};
        if (xport_exec(xp, &cmd) != XPORT_OK)
            return -1;
        *out = cmd;
        struct t10_sense s;
        if (cmd.status == 2 && t10_sense_parse(cmd.sense, cmd.sense_len, &s) == T10_OK && s.key == 6)
            continue;
        return cmd.status;
    }
    return out->status;
}

struct first_elems {
    uint16_t addr;
    bool want_full, found;
};

static enum t10_rc pick(const struct t10_elem_desc *d, void *arg)
{
    struct first_elems *f = arg;
    if (!f->found && (!f->want_full || d->full)) {
        f->addr = d->addr;
        f->found = true;
    }
    return T10_OK;
}

static bool first_elem(struct xport *chg, uint8_t type, bool want_full, uint16_t *addr)
{
    static uint8_t buf[1 << 20];
    struct t10_cdb c = {.kind = T10_CDB_READ_ELEMENT_STATUS};
    c.u.res = (struct t10_cdb_res){.voltag = true, .elem_type = type, .n_elems = 2000,
                                   .alloc_len = sizeof buf};
    struct xport_cmd r;
    if (run(chg, &c, XPORT_DIR_IN, buf, sizeof buf, &r) != 0)
        return false;
    struct first_elems f = {.want_full = want_full};
    bool trunc;
    t10_elem_status_walk(buf, r.xfer_len, NULL, pick, &f, &trunc);
    *addr = f.addr;
    return f.found;
}

/* @hint_drive, @hint_slot: addresses to use when READ ELEMENT STATUS data cannot be
 * walked (tgt 1.0.85 reports a BYTE COUNT OF REPORT AVAILABLE that counts the page header
 * yet sends only that many bytes in all, so its last descriptor arrives cut short). */
static void measure(const char *chg_uri, const char *drv_uri, uint16_t hint_drive,
                    uint16_t hint_slot, pid_t server, struct result *res)
{
    char err[256];
    struct xport *chg = NULL, *drv = NULL;
    struct xport_cmd r;
    static uint8_t data[1 << 20], back[1 << 20];
    memset(res, 0, sizeof *res);
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 2654435761u >> 24);

    if (xport_open(chg_uri, &chg, err, sizeof err) != XPORT_OK) {
        snprintf(res->why, sizeof res->why, "changer: %s", err);
        return;
    }
    uint16_t drive_addr, slot_addr;
    if (!first_elem(chg, 4, false, &drive_addr))
        drive_addr = hint_drive;
    if (!first_elem(chg, 2, true, &slot_addr))
        slot_addr = hint_slot;
    if (!drive_addr || !slot_addr) {
        snprintf(res->why, sizeof res->why, "READ ELEMENT STATUS found no drive or cartridge");
        goto out;
    }
    struct t10_cdb mv = {.kind = T10_CDB_MOVE_MEDIUM};
    mv.u.move.src = slot_addr;
    mv.u.move.dst = drive_addr;
    if (run(chg, &mv, XPORT_DIR_NONE, NULL, 0, &r) != 0) {
        snprintf(res->why, sizeof res->why, "MOVE MEDIUM slot %u -> drive %u failed", slot_addr,
                 drive_addr);
        goto out;
    }
    if (xport_open(drv_uri, &drv, err, sizeof err) != XPORT_OK) {
        snprintf(res->why, sizeof res->why, "drive: %s", err);
        goto home;
    }
    struct t10_cdb tur = {.kind = T10_CDB_TEST_UNIT_READY};
    int st = -1;
    for (int i = 0; i < 500 && st != 0; i++) {
        st = run(drv, &tur, XPORT_DIR_NONE, NULL, 0, &r);
        if (st != 0)
            msleep(20);
    }
    if (st != 0) {
        snprintf(res->why, sizeof res->why, "drive never became ready");
        goto home;
    }

    /* TEST UNIT READY round trips, and the CPU time each side spends on one: a round trip
     * is client + server + two loopback hops, so the server can only shorten its part. */
    unsigned long n = 0;
    double srv0 = server > 0 ? proc_cpu_s(server) : -1, cli0 = self_cpu_s();
    double t0 = now_s(), t1;
    do {
        if (run(drv, &tur, XPORT_DIR_NONE, NULL, 0, &r) != 0)
            break;
        n++;
    } while ((t1 = now_s()) - t0 < 1.0);
    res->tur_per_s = (double)n / (now_s() - t0);
    double srv1 = server > 0 ? proc_cpu_s(server) : -1;
    res->tur_client_us = n ? (self_cpu_s() - cli0) * 1e6 / (double)n : 0;
    res->tur_server_us = n && srv0 >= 0 && srv1 >= 0 ? (srv1 - srv0) * 1e6 / (double)n : -1;

    struct t10_cdb rew = {.kind = T10_CDB_REWIND};
    struct t10_cdb wr = {.kind = T10_CDB_WRITE6};
    struct t10_cdb rd = {.kind = T10_CDB_READ6};
    for (int s = 0; s < N_SIZES; s++) {
        if (run(drv, &rew, XPORT_DIR_NONE, NULL, 0, &r) != 0) {
            snprintf(res->why, sizeof res->why, "REWIND failed");
            goto home;
        }
        wr.u.rw6.xfer_len = (uint32_t)sizes[s];
        unsigned long blocks = 0;
        t0 = now_s();
        while (now_s() - t0 < 1.0 && blocks * sizes[s] < MAX_BYTES_PER_SIZE) {
            if (run(drv, &wr, XPORT_DIR_OUT, data, sizes[s], &r) != 0) {
                snprintf(res->why, sizeof res->why, "WRITE(6) of %s failed (status %u)",
                         size_names[s], r.status);
                goto home;
            }
            blocks++;
        }
        res->write_mbs[s] = (double)(blocks * sizes[s]) / 1e6 / (now_s() - t0);
        if (run(drv, &rew, XPORT_DIR_NONE, NULL, 0, &r) != 0)
            goto home;
        rd.u.rw6.xfer_len = (uint32_t)sizes[s];
        rd.u.rw6.sili = true;
        t0 = now_s();
        for (unsigned long b = 0; b < blocks; b++) {
            if (run(drv, &rd, XPORT_DIR_IN, back, sizes[s], &r) != 0 || r.xfer_len != sizes[s]) {
                snprintf(res->why, sizeof res->why, "READ(6) of %s block %lu failed", size_names[s], b);
                goto home;
            }
        }
        res->read_mbs[s] = (double)(blocks * sizes[s]) / 1e6 / (now_s() - t0);
        if (memcmp(back, data, sizes[s]) != 0) {
            snprintf(res->why, sizeof res->why, "data read back differs (%s)", size_names[s]);
            goto home;
        }
    }

    /* READ ELEMENT STATUS of every storage slot with VolTag. */
    {
        static uint8_t buf[1 << 20];
        struct t10_cdb c = {.kind = T10_CDB_READ_ELEMENT_STATUS};
        c.u.res = (struct t10_cdb_res){.voltag = true, .elem_type = 2, .n_elems = 1000,
                                       .alloc_len = sizeof buf};
        n = 0;
        t0 = now_s();
        do {
            if (run(chg, &c, XPORT_DIR_IN, buf, sizeof buf, &r) != 0)
                break;
            n++;
        } while (now_s() - t0 < 0.5);
        res->res_ms = n ? (now_s() - t0) * 1000.0 / (double)n : 0;
    }
    res->ok = true;

home:
    /* Put the cartridge back: rewind, unload, move home. */
    if (drv) {
        struct t10_cdb ul = {.kind = T10_CDB_LOAD_UNLOAD};
        run(drv, &rew, XPORT_DIR_NONE, NULL, 0, &r);
        run(drv, &ul, XPORT_DIR_NONE, NULL, 0, &r);
    }
    mv.u.move.src = drive_addr;
    mv.u.move.dst = slot_addr;
    for (int i = 0; i < 100 && run(chg, &mv, XPORT_DIR_NONE, NULL, 0, &r) != 0; i++)
        msleep(20);
out:
    xport_close(drv);
    xport_close(chg);
}

/* Raw TCP over loopback: one writer, one reader process, @chunk bytes per write(). */
static double tcp_stream_mbs(size_t chunk)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 1) != 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &len) != 0)
        return 0;
    pid_t pid = fork();
    if (pid == 0) {
        int c = accept(lfd, NULL, NULL);
        static char sink[1 << 20];
        while (read(c, sink, sizeof sink) > 0)
            ;
        _exit(0);
    }
    close(lfd);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 0;
    }
    static char src[1 << 20];
    memset(src, 0x5A, sizeof src);
    unsigned long long bytes = 0;
    double t0 = now_s();
    while (now_s() - t0 < 1.0) {
        size_t off = 0;
        while (off < chunk) {
            ssize_t w = write(fd, src + off, chunk - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        bytes += off;
    }
    double mbs = (double)bytes / 1e6 / (now_s() - t0);
    close(fd);
    waitpid(pid, NULL, 0);
    return mbs;
}

static pid_t start_vtld(const char *bindir, const char *dir, unsigned *port)
{
    char cfg[512], portfile[512], state[512], sock[512], vtld[600];
    snprintf(cfg, sizeof cfg, "%s/bench.yaml", dir);
    snprintf(portfile, sizeof portfile, "%s/port", dir);
    snprintf(state, sizeof state, "%s/state", dir);
    snprintf(sock, sizeof sock, "%s/ctl.sock", dir);
    snprintf(vtld, sizeof vtld, "%s/vtld", bindir);
    FILE *f = fopen(cfg, "w");
    if (!f)
        return -1;
    fputs("personality: ibm-ts4300\nslots: 1000\ndrives: 1\n"
          "cartridges:\n  - {barcode: BENCH1L8, slot: 1}\n",
          f);
    fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        execl(vtld, "vtld", "--config", cfg, "--state-dir", state, "--listen", "127.0.0.1:0",
              "--port-file", portfile, "--control", sock, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {
        f = fopen(portfile, "r");
        if (f) {
            int got = fscanf(f, "%u", port);
            fclose(f);
            if (got == 1 && *port)
                return pid;
        }
        msleep(20);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

int main(void)
{
    const char *b = getenv("B");
    char bindir[512], dir[256];
    snprintf(bindir, sizeof bindir, "%s/bin", b && *b ? b : "build");
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/bench-iscsi-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);

    struct result v = {0}, t = {0};
    unsigned vport = 0;
    pid_t vpid = start_vtld(bindir, dir, &vport);
    if (vpid > 0) {
        char chg[256], drv[256];
        snprintf(chg, sizeof chg, "iscsi://127.0.0.1:%u/iqn.2026-11.org.openrsm:bench/0", vport);
        snprintf(drv, sizeof drv, "iscsi://127.0.0.1:%u/iqn.2026-11.org.openrsm:bench/1", vport);
        measure(chg, drv, 0, 0, vpid, &v);
        kill(vpid, SIGTERM);
        waitpid(vpid, NULL, 0);
    } else {
        snprintf(v.why, sizeof v.why, "vtld did not start");
    }

    unsigned tport = free_port(), tctl = 20000 + (unsigned)getpid() % 10000;
    char cmd[1400], tdir[300];
    snprintf(tdir, sizeof tdir, "%s/tgt", dir);
    snprintf(cmd, sizeof cmd, "bench/tgt-peer.sh start %s %u %u 1000 2048 >%s.log 2>&1", tdir,
             tport, tctl, tdir);
    if (system(cmd) == 0) {
        char chg[256], drv[256];
        snprintf(chg, sizeof chg, "iscsi://127.0.0.1:%u/iqn.2026-11.org.openrsm.bench:tgt/3", tport);
        snprintf(drv, sizeof drv, "iscsi://127.0.0.1:%u/iqn.2026-11.org.openrsm.bench:tgt/1", tport);
        pid_t tpid = -1;
        char pidfile[400];
        snprintf(pidfile, sizeof pidfile, "%s/tgtd.pid", tdir);
        FILE *pf = fopen(pidfile, "r");
        if (pf) {
            int x;
            if (fscanf(pf, "%d", &x) == 1)
                tpid = x;
            fclose(pf);
        }
        measure(chg, drv, 500, 1000, tpid, &t);   /* as bench/tgt-peer.sh configures it */
    } else {
        snprintf(t.why, sizeof t.why, "tgt not available (see %s.log)", tdir);
    }
    snprintf(cmd, sizeof cmd, "bench/tgt-peer.sh stop %s %u >/dev/null 2>&1", tdir, tctl);
    (void)!system(cmd);

    double ceiling[N_SIZES];
    for (int s = 0; s < N_SIZES; s++)
        ceiling[s] = tcp_stream_mbs(sizes[s]);

    if (!v.ok)
        fprintf(stderr, "bench_iscsi: vtld: %s\n", v.why);
    if (!t.ok)
        fprintf(stderr, "bench_iscsi: tgt: %s\n", t.why);
    for (int s = 0; s < N_SIZES; s++) {
        for (int w = 0; w < 2; w++) {
            double vv = w ? v.read_mbs[s] : v.write_mbs[s];
            double tv = w ? t.read_mbs[s] : t.write_mbs[s];
            char mine[64], peer[700];
            if (v.ok)
                snprintf(mine, sizeof mine, "%.0f MB/s", vv);
            else
                snprintf(mine, sizeof mine, "failed");
            if (t.ok)
                snprintf(peer, sizeof peer, "tgt %.0f MB/s: %.2f×; TCP loopback %.0f MB/s: %.0f%%", tv,
                         tv > 0 ? vv / tv : 0, ceiling[s], ceiling[s] > 0 ? 100 * vv / ceiling[s] : 0);
            else
                snprintf(peer, sizeof peer, "%s; TCP loopback %.0f MB/s: %.0f%%", t.why, ceiling[s],
                         ceiling[s] > 0 ? 100 * vv / ceiling[s] : 0);
            printf("| vtld iSCSI %s, %s variable blocks, 1 in flight | %s | ≥ 4× tgt, ≥ 50%% of "
                   "loopback | %s |\n",
                   w ? "READ(6)" : "WRITE(6)", size_names[s], mine, peer);
        }
    }
    char peer[700];
    if (t.ok)
        snprintf(peer, sizeof peer, "tgt %.0f/s: %.2f×", t.tur_per_s,
                 t.tur_per_s > 0 ? v.tur_per_s / t.tur_per_s : 0);
    else
        snprintf(peer, sizeof peer, "%s", t.why);
    printf("| vtld iSCSI TEST UNIT READY round trips (drive LUN) | %.0f/s | ≥ 2× tgt | %s |\n",
           v.tur_per_s, peer);
    if (t.ok)
        snprintf(peer, sizeof peer, "tgt %.1f us (its client %.1f us): %.2f×", t.tur_server_us,
                 t.tur_client_us, v.tur_server_us > 0 ? t.tur_server_us / v.tur_server_us : 0);
    else
        snprintf(peer, sizeof peer, "%s", t.why);
    printf("| vtld iSCSI TEST UNIT READY, server CPU per round trip (libiscsi client CPU) | %.1f us "
           "(client %.1f us) | - | %s |\n",
           v.tur_server_us, v.tur_client_us, peer);
    if (t.ok)
        snprintf(peer, sizeof peer, "tgt %.3f ms: %.2f× faster", t.res_ms,
                 v.res_ms > 0 ? t.res_ms / v.res_ms : 0);
    printf("| vtld iSCSI READ ELEMENT STATUS, 1,000 slots, VolTag | %.3f ms | ratio to tgt | %s |\n",
           v.res_ms, peer);
    char rm[600];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    (void)!system(rm);
    return v.ok ? 0 : 1;
}
