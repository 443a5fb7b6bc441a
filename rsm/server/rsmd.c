/* SPDX-License-Identifier: MIT
 * rsmd: the RSM service. It owns the media database (the engine, rsm/engine) and serves
 * librsm clients over a Unix stream socket with the JSON-lines protocol of PROTOCOL.md.
 *
 * One thread per connection: a call that waits in the engine (an allocation with a
 * timeout) or a client that stalls mid-line or stops reading holds only its own thread;
 * the engine releases its lock while waiting. Request lines are bounded (RSM_WIRE_MAX_REQUEST), sends
 * time out (a client that does not read its answers is dropped), and the number of
 * connections is capped (--max-clients). SIGTERM/SIGINT: stop accepting, wake and cancel
 * every call, close every connection, close the database, remove the socket, exit 0.
 *
 * Identity: SO_PEERCRED on accept; the engine checks every call against the caller's uid
 * and groups. The socket is mode 0660, group --socket-group (default: the operator group,
 * else rsmd's group): membership of that group is what lets a local user reach the service.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rsm/client/client.h"
#include "rsm/client/wire.h"
#include "rsm/dev/changer.h"
#include "rsm/dev/drive.h"
#include "rsm/dev/library.h"
#include "rsm/engine/ieclean.h"
#include "rsm/engine/libctl.h"
#include "rsm/engine/recover.h"
#include "rsm/server/server.h"

#define SEND_TIMEOUT_SECS 10

/* librsm reaches the device drivers through weak references (rsm/engine/devlink.h): the
 * daemon, which owns the hardware, links them, and these references make the linker take
 * their objects from the static library. */
static void *const device_layer[] __attribute__((used)) = {
    (void *)rsm_dev_lib_open, (void *)rsm_dev_lib_mount, (void *)rsm_chg_move,
    (void *)rsm_chg_test_ready, (void *)rsm_drv_mam_write,
};

struct worker {
    struct rsm_conn conn;
    int fd;
    pthread_t thread;
    _Atomic int done;
    struct worker *next;
};

static pthread_mutex_t workers_mu = PTHREAD_MUTEX_INITIALIZER;
static struct worker *workers;
static int stop_pipe[2] = {-1, -1};
/* Set by the signal handler, read by every connection thread: a lock-free atomic, which is
 * async-signal-safe and, unlike volatile sig_atomic_t, free of a data race across threads. */
static atomic_int stopping;

static void on_signal(int sig)
{
    stopping = 1;
    int saved = errno;
    ssize_t w = write(stop_pipe[1], "x", 1); /* wakes poll() in the accept loop */
    (void)w;
    errno = saved;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rsmd --db DIR [--socket SOCK] [--operator-group GROUP]\n"
            "            [--socket-group GROUP] [--max-clients N] [--help]\n"
            "\n"
            "The Removable Storage Manager service: serves the RSM (NTMS) API on a Unix socket.\n"
            "\n"
            "  --db DIR               database directory (created if missing, mode 0700)\n"
            "  --socket SOCK          socket path (default $RSM_SOCKET, else %s);\n"
            "                         created mode 0660\n"
            "  --operator-group GROUP members administer every object, as root does\n"
            "  --socket-group GROUP   group owning the socket (default: the operator group,\n"
            "                         else rsmd's own group); only its members and root connect\n"
            "  --max-clients N        connections served at once (default 1024)\n"
            "\n"
            "SIGTERM or SIGINT stops it cleanly. Exit status: 0 after a clean stop, 1 on a\n"
            "start-up failure (database, socket), 2 on a usage error.\n",
            RSM_DEFAULT_SOCKET);
}

static int parse_group(const char *s, gid_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s && !*end) {
        *out = (gid_t)v;
        return 0;
    }
    struct group *g = getgrnam(s);
    if (!g)
        return -1;
    *out = g->gr_gid;
    return 0;
}

/* While a call may wait in the engine (an allocation with a timeout, a notification long
 * poll, an operator-request wait), a watcher notices a client that hangs up
 * (CloseNtmsSession on another thread, or a dead process) and cancels the wait, as closing
 * an embedded session does; otherwise the wait would hold its thread (and an allocation's
 * operator request) until the timeout. The watcher is started by the connection's first
 * such call and lives as long as the connection: polling for POLLRDHUP consumes nothing,
 * and a notification watcher's every long poll would otherwise pay a thread start and a
 * join between the event and its answer. */
struct watch {
    struct worker *w;
    int done_pipe[2];
};

static void *watch_hangup(void *arg)
{
    struct watch *wa = arg;
    struct pollfd p[2] = {{.fd = wa->w->fd, .events = POLLRDHUP},
                          {.fd = wa->done_pipe[0], .events = POLLIN}};
    while (poll(p, 2, -1) < 0 && errno == EINTR)
        ;
    if (!(p[1].revents & POLLIN) && (p[0].revents & (POLLRDHUP | POLLHUP | POLLERR))) {
        wa->w->conn.cancel = 1;
        rsm_engine_wake(wa->w->conn.engine);
    }
    return NULL;
}

static bool may_wait(const json_t *req)
{
    const char *op = json_string_value(json_object_get(req, "op"));
    json_t *t = json_object_get(json_object_get(req, "args"), "timeout_ms");
    return op && json_integer_value(t) != 0 &&
           (!strcmp(op, "media_allocate") || !strcmp(op, "notify_wait") ||
            !strcmp(op, "opreq_wait"));
}

static void *serve(void *arg)
{
    struct worker *w = arg;
    char *buf = NULL;
    size_t cap = 0, have = 0;
    struct watch wa = {.w = w, .done_pipe = {-1, -1}};
    pthread_t watcher;
    bool watching = false;
    struct rsm_wire_buf out = {0}; /* each response line, reused: no allocation per reply */
    for (;;) {
        int err;
        size_t len;
        if (rsm_wire_read_raw(w->fd, RSM_WIRE_MAX_REQUEST, &buf, &cap, &have, &len, &err))
            break; /* hang-up, error or an overlong line: drop the client */
        /* object_get, the call clients make most, read and answered without jansson;
         * anything else, or anything the direct path declines, goes the jansson way. */
        int64_t get_id;
        struct rsm_guid get_guid;
        uint32_t get_type;
        out.len = 0;
        if (rsm_wire_read_get_request(buf, len, &get_id, &get_guid, &get_type) &&
            !rsm_conn_respond_get(&w->conn, get_id, &get_guid, get_type, &out)) {
            rsm_wire_consume(buf, &have, len);
            if (rsm_wire_send_buf(w->fd, &out) || stopping)
                break;
            continue;
        }
        json_error_t je;
        json_t *req = json_loadb(buf, len, 0, &je);
        rsm_wire_consume(buf, &have, len);
        if (!req) {
            /* Not JSON: answer once with a null id, then keep the connection (the line was
             * consumed, so the stream is still in step). */
            json_t *resp = json_pack("{s:n,s:o,s:{}}", "id", "rc",
                                     rsm_wire_rc(RSM_E_INVALID_PARAMETER), "result");
            int bad = rsm_wire_send(w->fd, resp);
            json_decref(resp);
            if (bad)
                break;
            continue;
        }
        if (!watching && may_wait(req) && !pipe2(wa.done_pipe, O_CLOEXEC)) {
            watching = !pthread_create(&watcher, NULL, watch_hangup, &wa);
            if (!watching) {
                close(wa.done_pipe[0]);
                close(wa.done_pipe[1]);
            }
        }
        out.len = 0;
        int bad = rsm_conn_respond(&w->conn, req, &out) || rsm_wire_send_buf(w->fd, &out);
        json_decref(req);
        if (bad || stopping)
            break;
    }
    if (watching) {
        ssize_t wr = write(wa.done_pipe[1], "x", 1);
        (void)wr;
        pthread_join(watcher, NULL);
        close(wa.done_pipe[0]);
        close(wa.done_pipe[1]);
    }
    free(buf);
    rsm_wire_buf_free(&out);
    rsm_conn_release(&w->conn); /* its notification watchers */
    shutdown(w->fd, SHUT_RDWR);
    w->done = 1;
    return NULL;
}

/* Joins finished workers (called from the accept loop; only it frees workers). */
static void reap(int all)
{
    pthread_mutex_lock(&workers_mu);
    struct worker **p = &workers;
    while (*p) {
        struct worker *w = *p;
        if (all || w->done) {
            *p = w->next;
            pthread_mutex_unlock(&workers_mu);
            pthread_join(w->thread, NULL);
            close(w->fd);
            free(w);
            pthread_mutex_lock(&workers_mu);
        } else {
            p = &w->next;
        }
    }
    pthread_mutex_unlock(&workers_mu);
}

static int make_socket(const char *path, gid_t group)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "rsmd: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    /* The parent directory (for /run/rsm) is created if missing. */
    char dir[sizeof sa.sun_path];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        if (mkdir(dir, 0755) && errno != EEXIST) {
            fprintf(stderr, "rsmd: cannot create %s: %s\n", dir, strerror(errno));
            return -1;
        }
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    /* A socket file left by a daemon that died is replaced; a live daemon is not. */
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        fprintf(stderr, "rsmd: another rsmd is serving %s\n", path);
        close(fd);
        return -1;
    }
    close(fd);
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    mode_t old = umask(0117); /* the socket is born 0660: no window with wider access */
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc || chmod(path, 0660) || (group != (gid_t)-1 && chown(path, (uid_t)-1, group)) ||
        listen(fd, 128)) {
        fprintf(stderr, "rsmd: cannot listen on %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* True when no process has the database in @db open: every engine holds a shared flock on
 * DIR/rsm.lock while open (rsm/engine/engine.c), so an exclusive one succeeds only then.
 * A directory without the file has never been opened. Called before rsmd opens its own
 * engine; the lock is released at once. */
static bool db_unused(const char *db)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/rsm.lock", db);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT;
    bool alone = flock(fd, LOCK_EX | LOCK_NB) == 0;
    close(fd); /* drops the lock */
    return alone;
}

/* Cartridges left in the drives of @library go home (ntms-api.md §6.9: each library's
 * start-up inventory "empties drives where possible"). No session of this run holds them:
 * a mount the previous run completed, or cut short after the robot moved the cartridge,
 * would otherwise keep the drive and the medium busy for ever. Empty drives answer
 * INVALID_STATE, which is expected. */
static void empty_drives(struct rsm_engine *engine, const struct rsm_caller *self,
                         const struct rsm_guid *library)
{
    struct rsm_guid drives[64];
    uint32_t n = 0;
    rsm_rc rc = rsm_enumerate(engine, self, library, RSM_OT_DRIVE, 0, drives, 64, &n);
    if (rc == RSM_E_INSUFFICIENT_BUFFER)
        n = 64;
    else if (rc != RSM_OK)
        return;
    for (uint32_t i = 0; i < n; i++) {
        rc = rsm_lc_dismount_drive(engine, self, &drives[i]);
        if (rc == RSM_OK)
            fprintf(stderr, "rsmd: a cartridge left in a drive was put back in its slot\n");
        else if (rc != RSM_E_INVALID_STATE)
            fprintf(stderr, "rsmd: emptying a drive at start-up failed: %s\n", rsm_rc_name(rc));
    }
}

/* Start-up (ntms-api.md §6.9): requests a previous run left unfinished get their final
 * state, then each library added by URI gets a fast inventory, so the database matches
 * what the changers hold (cartridges moved by hand or by a robot move the crash cut short),
 * and its drives are emptied, before the first client is served. A library that does not answer is reported and
 * skipped: its next call reconnects and re-inventories. @alone: no other process has the
 * database open (only then may its requests be ended). */
static void startup(struct rsm_engine *engine, bool alone)
{
    uint32_t n = 0;
    rsm_rc rc;
    if (alone) {
        rc = rsm_engine_recover_requests(engine, &n);
        if (rc != RSM_OK)
            fprintf(stderr, "rsmd: cannot end the previous run's requests: %s\n",
                    rsm_rc_name(rc));
        else if (n)
            fprintf(stderr, "rsmd: %u unfinished library request%s of the previous run "
                            "marked cancelled\n", n, n == 1 ? "" : "s");
    }
    struct rsm_caller self;
    rsm_caller_self(&self);
    struct rsm_guid libs[256];
    n = 0;
    rc = rsm_enumerate(engine, &self, NULL, RSM_OT_LIBRARY, 0, libs, 256, &n);
    if (rc == RSM_E_INSUFFICIENT_BUFFER)
        n = 256; /* the first 256; the others inventory on their first call */
    else if (rc != RSM_OK)
        n = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_lc_inventory inv;
        rc = rsm_lc_inventory(engine, &self, &libs[i], 1 /* NTMS_INVENTORY_FAST */, &inv);
        if (rc == RSM_E_INVALID_LIBRARY)
            continue; /* the offline library, or one not added by URI: no device */
        if (rc != RSM_OK) {
            fprintf(stderr, "rsmd: start-up inventory of a library failed: %s\n",
                    rsm_rc_name(rc));
            continue;
        }
        fprintf(stderr, "rsmd: start-up inventory: %u cartridges, %u new, %u moved, %u gone\n",
                inv.n_seen, inv.n_new, inv.n_moved, inv.n_gone);
        if (alone)
            empty_drives(engine, &self, &libs[i]);
    }
}

/* ---- periodic library work ------------------------------------------------------------
 * One thread calls rsm_iec_tick() for every library the engine drives, once a second:
 * mail-slot and door timeouts, ejected cartridges the operator took, queued ejects, the
 * TapeAlert schedule, drives that asked for cleaning, and change detection for the
 * sessions' contexts. It runs beside the connection threads (the engine serialises
 * itself and holds a library's robot only for its own device work), so requests are never
 * held up by it for more than one device operation. Stopped and joined before the engine
 * closes. */
#define TICK_MS 1000
static pthread_mutex_t tick_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tick_cv = PTHREAD_COND_INITIALIZER;
static bool tick_stop;
static pthread_t tick_thread;
static bool tick_running;

static void *ticker(void *arg)
{
    struct rsm_engine *engine = arg;
    pthread_mutex_lock(&tick_mu);
    while (!tick_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += TICK_MS / 1000;
        until.tv_nsec += (long)(TICK_MS % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!tick_stop && pthread_cond_timedwait(&tick_cv, &tick_mu, &until) == 0)
            ;
        if (tick_stop)
            break;
        pthread_mutex_unlock(&tick_mu);
        /* NULL: every open library; one that does not answer is skipped this round. */
        (void)rsm_iec_tick(engine, NULL);
        pthread_mutex_lock(&tick_mu);
    }
    pthread_mutex_unlock(&tick_mu);
    return NULL;
}

static void ticker_start(struct rsm_engine *engine)
{
    tick_running = pthread_create(&tick_thread, NULL, ticker, engine) == 0;
    if (!tick_running)
        fprintf(stderr, "rsmd: no periodic library work: cannot start its thread\n");
}

static void ticker_stop(void)
{
    if (!tick_running)
        return;
    pthread_mutex_lock(&tick_mu);
    tick_stop = true;
    pthread_cond_signal(&tick_cv);
    pthread_mutex_unlock(&tick_mu);
    pthread_join(tick_thread, NULL); /* waits for a tick in progress to finish */
    tick_running = false;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *sock = NULL;
    gid_t operator_gid = (gid_t)-1, socket_gid = (gid_t)-1;
    long max_clients = 1024;
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"socket", required_argument, NULL, 's'},
        {"operator-group", required_argument, NULL, 'o'},
        {"socket-group", required_argument, NULL, 'g'},
        {"max-clients", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 's': sock = optarg; break;
        case 'o':
            if (parse_group(optarg, &operator_gid)) {
                fprintf(stderr, "rsmd: unknown group %s\n", optarg);
                return 2;
            }
            break;
        case 'g':
            if (parse_group(optarg, &socket_gid)) {
                fprintf(stderr, "rsmd: unknown group %s\n", optarg);
                return 2;
            }
            break;
        case 'm':
            max_clients = strtol(optarg, NULL, 10);
            if (max_clients < 1) {
                fprintf(stderr, "rsmd: bad --max-clients %s\n", optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!db || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (!sock)
        sock = rsm_client_default_socket();
    if (socket_gid == (gid_t)-1)
        socket_gid = operator_gid;

    bool alone = db_unused(db);
    struct rsm_engine *engine;
    rsm_rc rc = rsm_engine_open(db, &engine);
    if (rc != RSM_OK) {
        fprintf(stderr, "rsmd: cannot open database %s: %s\n", db, rsm_rc_name(rc));
        return 1;
    }
    if (pipe2(stop_pipe, O_CLOEXEC)) {
        rsm_engine_close(engine);
        return 1;
    }
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int lfd = make_socket(sock, socket_gid);
    if (lfd < 0) {
        rsm_engine_close(engine);
        return 1;
    }
    /* After the socket: a second rsmd refused above has changed nothing. Clients that
     * connect meanwhile wait in the backlog. */
    startup(engine, alone);
    fprintf(stderr, "rsmd: serving %s on %s\n", rsm_engine_dir(engine), sock);
    ticker_start(engine);

    while (!stopping) {
        struct pollfd p[2] = {{.fd = lfd, .events = POLLIN}, {.fd = stop_pipe[0], .events = POLLIN}};
        if (poll(p, 2, 1000) < 0 && errno != EINTR)
            break;
        reap(0);
        if (stopping || !(p[0].revents & POLLIN))
            continue;
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        struct ucred cred;
        socklen_t len = sizeof cred;
        /* Connections still being served; finished ones not yet joined do not count. */
        long live = 0;
        pthread_mutex_lock(&workers_mu);
        for (struct worker *w = workers; w; w = w->next)
            live += !w->done;
        pthread_mutex_unlock(&workers_mu);
        int full = live >= max_clients;
        if (full || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
            close(fd); /* the client sees a hang-up: ERROR_NOT_CONNECTED */
            continue;
        }
        struct timeval tv = {.tv_sec = SEND_TIMEOUT_SECS};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        struct worker *w = calloc(1, sizeof *w);
        if (!w) {
            close(fd);
            continue;
        }
        w->fd = fd;
        w->conn.engine = engine;
        rsm_conn_identify(&w->conn, cred.uid, cred.gid, cred.pid, operator_gid);
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        pthread_mutex_lock(&workers_mu);
        if (pthread_create(&w->thread, &attr, serve, w)) {
            pthread_mutex_unlock(&workers_mu);
            close(fd);
            free(w);
        } else {
            w->next = workers;
            workers = w;
            pthread_mutex_unlock(&workers_mu);
        }
        pthread_attr_destroy(&attr);
    }

    /* Stop: no new clients; cancel waits, hang up on everyone, join them. */
    close(lfd);
    unlink(sock);
    pthread_mutex_lock(&workers_mu);
    for (struct worker *w = workers; w; w = w->next) {
        w->conn.cancel = 1;
        shutdown(w->fd, SHUT_RDWR);
    }
    pthread_mutex_unlock(&workers_mu);
    rsm_engine_wake(engine);
    reap(1);
    ticker_stop();
    rsm_engine_close(engine);
    fprintf(stderr, "rsmd: stopped\n");
    return 0;
}
