/* SPDX-License-Identifier: MIT
 * vtld - serves virtual tape libraries over iSCSI, driven by vtlctl through a control
 * socket.
 *
 * Threads: the main thread runs the iSCSI server's event loop and owns every library
 * (sim/core's rule: one thread per library). The control socket has its own thread for
 * the socket I/O only: each request line is handed to the loop thread through a queue
 * drained from the server's tick (every few milliseconds) and the answer handed back, so
 * the libraries are never touched from two threads.
 *
 * Persistence: each library keeps its state in STATE_DIR/<name>/ and saves it itself after
 * every persistent change, before the command's status goes out (sim/core: new file,
 * fsync, rename), so SIGKILL loses nothing an initiator was told; tape images flush at
 * every filemark (sim/tape).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/core/library.h"
#include "sim/ctl/ctl.h"
#include "sim/iscsi/iscsi.h"
#include "sim/system.h"
#include "sim/target/target.h"

#define MAX_LIBS 16
#define CTL_LINE_MAX (64 * 1024)

static const char usage_text[] =
    "Usage: vtld [--config FILE.yaml]... [--state-dir DIR] [--listen ADDR:PORT]\n"
    "            [--control SOCK] [--chap USER:SECRET] [--foreground]\n"
    "\n"
    "Serves virtual tape libraries over iSCSI: one target per library, LUN 0 its medium\n"
    "changer and LUN 1..N its tape drives.\n"
    "\n"
    "  -c, --config FILE    a library configuration (sim/README.md); repeat for several\n"
    "                       libraries. Without it, the default library is served: an IBM\n"
    "                       TS4300-like changer, 2 LTO-8 drives, 24 slots, 2 mail slots,\n"
    "                       20 data cartridges and a cleaning cartridge.\n"
    "  -s, --state-dir DIR  where libraries keep their state and tape images\n"
    "                       (default ./vtl-state); each library uses DIR/NAME/\n"
    "  -l, --listen A:P     iSCSI portal (default 127.0.0.1:3260; port 0 picks a free one)\n"
    "  -C, --control SOCK   control socket for vtlctl (default STATE_DIR/vtld.sock)\n"
    "      --chap U:S       require CHAP with user U and secret S (12-16 characters)\n"
    "  -p, --port-file F    write the bound iSCSI port to F once listening\n"
    "  -h, --help           this text\n"
    "\n"
    "Targets are named " VTL_ISCSI_IQN_PREFIX "NAME. SIGTERM or SIGINT stop vtld cleanly.\n";

struct lib_slot {
    char name[64];
    char state_dir[PATH_MAX];
    struct vtl_system *sys;
    bool save_failed;
};

/* One control request in flight between the control thread and the loop thread. */
struct ctl_req {
    char *line;
    size_t len;
    char *reply;      /* set by the loop thread */
    bool done;
};

static struct {
    struct lib_slot libs[MAX_LIBS];
    unsigned n_libs;
    struct vtl_iscsi_server *srv;
    struct vtl_ctl *ctl;
    int ctl_fd;
    char ctl_path[PATH_MAX];
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct ctl_req *pending;   /* at most one request at a time: vtlctl is one-shot */
    volatile sig_atomic_t stopping;
} g = {.ctl_fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* ---- iSCSI backend: the libraries behind the targets -------------------------------- */

static int be_nexus_open(void *ctx, void *target_ctx, const char *initiator,
                         const uint8_t isid[6], uint64_t *nexus_id)
{
    (void)ctx, (void)initiator, (void)isid;
    struct lib_slot *ls = target_ctx;
    *nexus_id = vtl_system_nexus_open(ls->sys);
    return *nexus_id ? 0 : -1;
}

static void be_nexus_close(void *ctx, void *target_ctx, uint64_t nexus_id)
{
    (void)ctx;
    struct lib_slot *ls = target_ctx;
    vtl_system_nexus_close(ls->sys, nexus_id);
}

static enum vtl_exec be_submit(void *ctx, void *target_ctx, uint16_t lun, struct vtl_cmd *cmd)
{
    (void)ctx;
    struct lib_slot *ls = target_ctx;
    return vtl_lun_execute(vtl_system_library(ls->sys), lun, cmd);
}

static int be_task_mgmt(void *ctx, void *target_ctx, uint64_t nexus_id, int fn, uint16_t lun,
                        struct vtl_cmd *cmd)
{
    (void)ctx;
    struct lib_slot *ls = target_ctx;
    return vtl_system_task_mgmt(ls->sys, nexus_id, fn, lun, cmd);
}

static const struct vtl_iscsi_backend_ops backend = {
    .nexus_open = be_nexus_open,
    .nexus_close = be_nexus_close,
    .submit = be_submit,
    .task_mgmt = be_task_mgmt,
};

/* The library saves its own state after every persistent change (sim/system.c turns
 * that on); a failed save is reported once per failure here. */
static void check_autosave(struct lib_slot *ls)
{
    enum vtl_rc rc = vtl_library_autosave_status(vtl_system_library(ls->sys));
    if (rc != VTL_OK && !ls->save_failed)
        fprintf(stderr, "vtld: %s: cannot save state in %s: %s (retried at the next change)\n",
                ls->name, ls->state_dir, vtl_rc_name(rc));
    ls->save_failed = rc != VTL_OK;
}

/* The loop's tick: library clocks, control requests, state saving. */
static void tick(void *unused)
{
    (void)unused;
    for (unsigned i = 0; i < g.n_libs; i++) {
        vtl_system_run_due(g.libs[i].sys);
        check_autosave(&g.libs[i]);
    }
    pthread_mutex_lock(&g.lock);
    struct ctl_req *r = g.pending;
    if (r && !r->done) {
        r->reply = vtl_ctl_handle(g.ctl, r->line, r->len);
        r->done = true;
        pthread_cond_broadcast(&g.cond);
    }
    pthread_mutex_unlock(&g.lock);
}

/* ---- control socket: I/O on its own thread, work on the loop thread ------------------ */

static void serve_ctl_client(int fd)
{
    char *buf = malloc(CTL_LINE_MAX);
    size_t len = 0;
    if (!buf)
        return;
    for (;;) {
        char *nl = memchr(buf, '\n', len);
        if (!nl) {
            if (len == CTL_LINE_MAX) {
                static const char too_long[] =
                    "{\"id\":null,\"ok\":false,\"error\":{\"code\":\"BAD_REQUEST\","
                    "\"message\":\"request longer than 64 KiB\"}}\n";
                (void)!write(fd, too_long, sizeof too_long - 1);
                break;
            }
            struct pollfd pfd = {.fd = fd, .events = POLLIN};
            if (poll(&pfd, 1, 30000) <= 0)
                break;   /* an idle client is dropped */
            ssize_t n = read(fd, buf + len, CTL_LINE_MAX - len);
            if (n <= 0)
                break;
            len += (size_t)n;
            continue;
        }
        struct ctl_req req = {.line = buf, .len = (size_t)(nl - buf)};
        pthread_mutex_lock(&g.lock);
        g.pending = &req;
        while (!req.done && !g.stopping)
            pthread_cond_wait(&g.cond, &g.lock);
        g.pending = NULL;
        pthread_mutex_unlock(&g.lock);
        if (!req.reply)
            break;
        size_t rlen = strlen(req.reply);
        bool ok = write(fd, req.reply, rlen) == (ssize_t)rlen && write(fd, "\n", 1) == 1;
        free(req.reply);
        if (!ok)
            break;
        size_t used = (size_t)(nl - buf) + 1;
        memmove(buf, buf + used, len - used);
        len -= used;
    }
    free(buf);
}

static void *ctl_thread(void *unused)
{
    (void)unused;
    while (!g.stopping) {
        struct pollfd pfd = {.fd = g.ctl_fd, .events = POLLIN};
        int n = poll(&pfd, 1, 200);
        if (n <= 0)
            continue;
        int fd = accept4(g.ctl_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        serve_ctl_client(fd);
        close(fd);
    }
    return NULL;
}

static int open_control(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "vtld: control socket path too long: %s\n", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    /* A stale socket from a killed vtld is replaced; a live one is not stolen. */
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        fprintf(stderr, "vtld: another vtld is serving %s\n", path);
        close(fd);
        return -1;
    }
    unlink(path);
    mode_t old = umask(0117);   /* srw-rw----: the owner and its group drive the library */
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || listen(fd, 16) != 0) {
        fprintf(stderr, "vtld: control socket %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- start-up ----------------------------------------------------------------------- */

static void on_signal(int sig)
{
    (void)sig;
    g.stopping = 1;
    if (g.srv)
        vtl_iscsi_server_stop(g.srv);
}

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

/* NAME from a config path: its file name without the extension. */
static void name_from_path(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, cap, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
}

static bool parse_listen(const char *s, char *addr, size_t cap, uint16_t *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= cap)
        return false;
    char *end;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || p > 65535)
        return false;
    size_t alen = (size_t)(colon - s);
    /* [::1]:3260 */
    if (s[0] == '[' && colon[-1] == ']') {
        memcpy(addr, s + 1, alen - 2);
        addr[alen - 2] = '\0';
    } else {
        memcpy(addr, s, alen);
        addr[alen] = '\0';
    }
    *port = (uint16_t)p;
    return true;
}

int main(int argc, char **argv)
{
    const char *configs[MAX_LIBS];
    unsigned n_configs = 0;
    const char *state_dir = "vtl-state";
    const char *listen_arg = "127.0.0.1:3260";
    const char *control = NULL;
    const char *chap = NULL;
    const char *port_file = NULL;
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},    {"state-dir", required_argument, NULL, 's'},
        {"listen", required_argument, NULL, 'l'},    {"control", required_argument, NULL, 'C'},
        {"chap", required_argument, NULL, 'A'},      {"port-file", required_argument, NULL, 'p'},
        {"foreground", no_argument, NULL, 'f'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "c:s:l:C:p:fh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (n_configs == MAX_LIBS) {
                fprintf(stderr, "vtld: at most %d libraries\n", MAX_LIBS);
                return 2;
            }
            configs[n_configs++] = optarg;
            break;
        case 's': state_dir = optarg; break;
        case 'l': listen_arg = optarg; break;
        case 'C': control = optarg; break;
        case 'A': chap = optarg; break;
        case 'p': port_file = optarg; break;
        case 'f': break;   /* vtld always runs in the foreground; kept for service files */
        case 'h': fputs(usage_text, stdout); return 0;
        default: fprintf(stderr, "Try 'vtld --help'.\n"); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vtld: unexpected argument '%s'\nTry 'vtld --help'.\n", argv[optind]);
        return 2;
    }
    char addr[128];
    uint16_t port;
    if (!parse_listen(listen_arg, addr, sizeof addr, &port)) {
        fprintf(stderr, "vtld: --listen wants ADDR:PORT, got '%s'\n", listen_arg);
        return 2;
    }
    char chap_user[256] = "", chap_secret[256] = "";
    if (chap) {
        const char *colon = strchr(chap, ':');
        if (!colon || colon == chap || (size_t)(colon - chap) >= sizeof chap_user ||
            strlen(colon + 1) < 12 || strlen(colon + 1) >= sizeof chap_secret) {
            fprintf(stderr, "vtld: --chap wants USER:SECRET with a secret of 12-16 characters\n");
            return 2;
        }
        memcpy(chap_user, chap, (size_t)(colon - chap));
        snprintf(chap_secret, sizeof chap_secret, "%s", colon + 1);
    }
    if (mkdir_p(state_dir) != 0) {
        fprintf(stderr, "vtld: cannot create state directory %s: %s\n", state_dir, strerror(errno));
        return 1;
    }

    /* Every library is built and checked before anything listens: nothing starts
     * half-configured. */
    if (n_configs == 0)
        configs[n_configs++] = NULL;
    for (unsigned i = 0; i < n_configs; i++) {
        struct lib_slot *ls = &g.libs[g.n_libs];
        if (configs[i])
            name_from_path(configs[i], ls->name, sizeof ls->name);
        else
            snprintf(ls->name, sizeof ls->name, "default");
        for (unsigned j = 0; j < g.n_libs; j++) {
            if (strcmp(g.libs[j].name, ls->name) == 0) {
                fprintf(stderr, "vtld: two libraries named '%s' (names come from file names)\n",
                        ls->name);
                return 1;
            }
        }
        char name[sizeof ls->name];
        memcpy(name, ls->name, sizeof name);
        snprintf(ls->state_dir, sizeof ls->state_dir, "%s/%s", state_dir, name);
        if (mkdir_p(ls->state_dir) != 0) {
            fprintf(stderr, "vtld: cannot create %s: %s\n", ls->state_dir, strerror(errno));
            return 1;
        }
        char err[1024] = "";
        if (vtl_system_open(configs[i], ls->state_dir, &ls->sys, err, sizeof err) != VTL_OK) {
            fprintf(stderr, "vtld: %s\n", err);
            return 1;
        }
        g.n_libs++;
    }

    struct vtl_iscsi_config icfg;
    vtl_iscsi_config_default(&icfg);
    icfg.listen_addr = addr;
    icfg.port = port;
    icfg.tick = tick;
    icfg.tick_ctx = NULL;
    icfg.tick_interval_ms = 5;
    g.srv = vtl_iscsi_server_new(&icfg, &backend, NULL);
    g.ctl = vtl_ctl_new();
    if (!g.srv || !g.ctl) {
        fprintf(stderr, "vtld: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < g.n_libs; i++) {
        struct lib_slot *ls = &g.libs[i];
        char iqn[256];
        uint16_t luns[VTL_MAX_DRIVES + 1];
        size_t n_luns = vtl_system_luns(ls->sys, luns, sizeof luns / sizeof luns[0]);
        if (vtl_iscsi_iqn(ls->name, iqn, sizeof iqn) != 0 ||
            vtl_iscsi_server_add_target(g.srv, iqn, ls->name, luns, n_luns, ls) != 0) {
            fprintf(stderr, "vtld: cannot serve library '%s' as an iSCSI target\n", ls->name);
            return 1;
        }
        if (chap && vtl_iscsi_server_set_chap(g.srv, iqn, chap_user, chap_secret, NULL, NULL) != 0) {
            fprintf(stderr, "vtld: cannot set CHAP on %s\n", iqn);
            return 1;
        }
        struct vtl_ctl_drive_hooks hooks;
        vtl_system_ctl_hooks(ls->sys, &hooks);
        vtl_ctl_add_library(g.ctl, ls->name, vtl_system_library(ls->sys), ls->state_dir, &hooks);
    }
    if (chap && vtl_iscsi_server_set_chap(g.srv, NULL, chap_user, chap_secret, NULL, NULL) != 0) {
        fprintf(stderr, "vtld: cannot set CHAP for discovery\n");
        return 1;
    }

    if (control)
        snprintf(g.ctl_path, sizeof g.ctl_path, "%s", control);
    else
        snprintf(g.ctl_path, sizeof g.ctl_path, "%s/vtld.sock", state_dir);
    g.ctl_fd = open_control(g.ctl_path);
    if (g.ctl_fd < 0)
        return 1;
    if (vtl_iscsi_server_listen(g.srv) != 0) {
        fprintf(stderr, "vtld: cannot listen on %s: %s\n", listen_arg, strerror(errno));
        unlink(g.ctl_path);
        return 1;
    }

    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    pthread_t ctl_tid;
    if (pthread_create(&ctl_tid, NULL, ctl_thread, NULL) != 0) {
        fprintf(stderr, "vtld: cannot start the control thread\n");
        return 1;
    }
    uint16_t bound = vtl_iscsi_server_port(g.srv);
    if (port_file) {
        FILE *f = fopen(port_file, "w");
        if (f) {
            fprintf(f, "%u\n", bound);
            fclose(f);
        }
    }
    fprintf(stderr, "vtld: serving %u librar%s on %s:%u, control %s\n", g.n_libs,
            g.n_libs == 1 ? "y" : "ies", addr, bound, g.ctl_path);
    for (unsigned i = 0; i < g.n_libs; i++) {
        char iqn[256];
        vtl_iscsi_iqn(g.libs[i].name, iqn, sizeof iqn);
        fprintf(stderr, "vtld:   %s  (state in %s)\n", iqn, g.libs[i].state_dir);
    }
    fflush(stderr);

    int rc = vtl_iscsi_server_run(g.srv) == 0 ? 0 : 1;

    g.stopping = 1;
    pthread_mutex_lock(&g.lock);
    pthread_cond_broadcast(&g.cond);
    pthread_mutex_unlock(&g.lock);
    pthread_join(ctl_tid, NULL);
    close(g.ctl_fd);
    unlink(g.ctl_path);
    vtl_iscsi_server_free(g.srv);
    for (unsigned i = 0; i < g.n_libs; i++) {
        vtl_system_close(g.libs[i].sys);   /* saves the state one last time */
    }
    vtl_ctl_free(g.ctl);
    fprintf(stderr, "vtld: stopped\n");
    return rc;
}
