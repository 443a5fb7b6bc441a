/* SPDX-License-Identifier: MIT
 * sim/iscsi/server.c - the iSCSI target's TCP side: a non-blocking listener and its
 * connections on one epoll loop, owned by one thread (contract in iscsi.h).
 *
 * Every socket is non-blocking and every connection has its own reassembly buffers
 * (conn.c), so a client that sends half a PDU and stalls only holds its own bytes.
 * Output is queued per connection and written as the socket accepts it; a connection
 * whose queue exceeds OUT_PAUSE_BYTES is not read until it drains (back-pressure keeps
 * memory bounded when a client does not read its responses).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "sim/iscsi/conn.h"

#define TAG_LISTEN        ((uint64_t)0)
#define TAG_STOP          ((uint64_t)1)
#define OUT_PAUSE_BYTES   (4u << 20)     /* stop reading a connection above this backlog */
#define READ_CHUNK        (64u << 10)
#define READS_PER_EVENT   16             /* fairness between busy connections */
#define CLOSE_GRACE_MS    2000           /* time to flush a final response before closing */
#define MAX_IOV           64

void vtl_iscsi_config_default(struct vtl_iscsi_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->listen_addr = "127.0.0.1";
    cfg->port = VTL_ISCSI_DEFAULT_PORT;
    cfg->tpgt = 1;
    cfg->max_recv_dsl = 262144;
    cfg->max_burst = 1u << 20;
    cfg->first_burst = 256u << 10;
    cfg->max_outstanding_r2t = 4;
    cfg->initial_r2t = false;
    cfg->immediate_data = true;
    cfg->allow_header_digest = true;
    cfg->allow_data_digest = true;
    cfg->cmd_window = 32;
    cfg->max_cmd_data = 16u << 20;
    cfg->max_sessions = 256;
    cfg->login_timeout_ms = 15000;
    cfg->nop_interval_ms = 0;
    cfg->tick_interval_ms = 10;
}

void vtl_iscsi_random(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, GRND_NONBLOCK);
        if (n <= 0)
            break;
        p += n;
        len -= (size_t)n;
    }
    if (len > 0) {
        /* No entropy source: a clock-seeded xorshift is enough for tags and StatSN; CHAP
         * challenges are only as good as this, which getrandom() normally avoids. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)ts.tv_sec;
        while (len--) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *p++ = (uint8_t)x;
        }
    }
}

static uint16_t tag_to_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

struct vtl_iscsi_server *vtl_iscsi_server_new(const struct vtl_iscsi_config *cfg,
                                              const struct vtl_iscsi_backend_ops *ops, void *ctx)
{
    if (!cfg || !ops || !ops->submit || cfg->max_recv_dsl < 512 ||
        cfg->max_recv_dsl > 16777215 || cfg->cmd_window == 0 || cfg->max_burst < 512 ||
        cfg->first_burst < 512 || cfg->max_outstanding_r2t == 0 || cfg->max_sessions == 0)
        return NULL;
    struct vtl_iscsi_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return NULL;
    srv->cfg = *cfg;
    snprintf(srv->listen_addr, sizeof srv->listen_addr, "%s",
             cfg->listen_addr ? cfg->listen_addr : "127.0.0.1");
    srv->cfg.listen_addr = srv->listen_addr;
    if (srv->cfg.tick_interval_ms == 0)
        srv->cfg.tick_interval_ms = 10;
    srv->ops = ops;
    srv->ctx = ctx;
    srv->listen_fd = -1;
    srv->stop_fd = -1;
    srv->rbuf = malloc(READ_CHUNK);
    srv->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    srv->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (srv->epoll_fd < 0 || srv->stop_fd < 0 || !srv->rbuf) {
        vtl_iscsi_server_free(srv);
        return NULL;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_STOP};
    if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, srv->stop_fd, &ev) != 0) {
        vtl_iscsi_server_free(srv);
        return NULL;
    }
    struct vtl_iscsi_params *p = &srv->policy;
    vtl_iscsi_params_default(p);
    p->header_digest = cfg->allow_header_digest;
    p->data_digest = cfg->allow_data_digest;
    p->max_connections = 1;
    p->initial_r2t = cfg->initial_r2t;
    p->immediate_data = cfg->immediate_data;
    p->max_recv_dsl_tgt = cfg->max_recv_dsl;
    p->max_burst = cfg->max_burst > 16777215 ? 16777215 : cfg->max_burst;
    p->first_burst = cfg->first_burst > p->max_burst ? p->max_burst : cfg->first_burst;
    p->max_outstanding_r2t = cfg->max_outstanding_r2t > VTL_ISCSI_MAX_R2T_SLOTS
                                 ? VTL_ISCSI_MAX_R2T_SLOTS
                                 : cfg->max_outstanding_r2t;
    p->time2wait = 2;
    p->time2retain = 0;                  /* ERL 0: nothing is kept after a connection dies */
    p->erl = 0;
    p->protocol_level = 1;               /* RFC 7143 (RFC 7144 clause 2) */
    vtl_iscsi_random(&srv->next_ttt, sizeof srv->next_ttt);
    srv->last_tick_ms = vtl_iscsi_now_ms();
    return srv;
}

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > VTL_ISCSI_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch <= ' ' || ch == '=' || ch == ',' || ch >= 0x7f)
            return false;
    }
    return true;
}

enum vtl_iscsi_rc vtl_iscsi_server_add_target(struct vtl_iscsi_server *srv, const char *name,
                                              const char *alias, const uint16_t *luns,
                                              size_t n_luns, void *target_ctx)
{
    if (!name || !name_ok(name) || vtl_iscsi_target_find(srv, name) ||
        (alias && strlen(alias) > VTL_ISCSI_VALUE_MAX) || (n_luns && !luns))
        return VTL_ISCSI_EINVAL;
    if (n_luns > VTL_ISCSI_MAX_LUNS)
        return VTL_ISCSI_ERANGE;
    for (size_t i = 0; i < n_luns; i++) {
        if (luns[i] >= 16384)
            return VTL_ISCSI_EINVAL;
        for (size_t j = 0; j < i; j++)
            if (luns[j] == luns[i])
                return VTL_ISCSI_EINVAL;
    }
    struct vtl_iscsi_target *nt = realloc(srv->targets, (srv->n_targets + 1) * sizeof *nt);
    if (!nt)
        return VTL_ISCSI_ENOMEM;
    /* Connections point at targets: growing the array must not move live ones. */
    for (struct vtl_iscsi_conn *c = srv->conns; c; c = c->next)
        if (c->target)
            c->target = nt + (c->target - srv->targets);
    srv->targets = nt;
    struct vtl_iscsi_target *t = &nt[srv->n_targets];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    t->alias = alias ? strdup(alias) : NULL;
    t->luns = malloc((n_luns ? n_luns : 1) * sizeof *t->luns);
    if (!t->name || (alias && !t->alias) || !t->luns) {
        free(t->name);
        free(t->alias);
        free(t->luns);
        return VTL_ISCSI_ENOMEM;
    }
    if (n_luns)
        memcpy(t->luns, luns, n_luns * sizeof *luns);
    t->n_luns = n_luns;
    t->ctx = target_ctx;
    srv->n_targets++;
    return VTL_ISCSI_OK;
}

static void chap_clear(struct vtl_iscsi_chap_cfg *ch)
{
    free(ch->target_name);
    free(ch->user);
    free(ch->secret);
    free(ch->mutual_user);
    free(ch->mutual_secret);
    memset(ch, 0, sizeof *ch);
}

enum vtl_iscsi_rc vtl_iscsi_server_set_chap(struct vtl_iscsi_server *srv, const char *target_name,
                                            const char *user, const char *secret,
                                            const char *mutual_user, const char *mutual_secret)
{
    if (target_name && !vtl_iscsi_target_find(srv, target_name))
        return VTL_ISCSI_EINVAL;
    if (user && (!secret || !*secret || !*user || strlen(user) > VTL_ISCSI_VALUE_MAX))
        return VTL_ISCSI_EINVAL;
    if (mutual_user && (!mutual_secret || !*mutual_secret || !*mutual_user))
        return VTL_ISCSI_EINVAL;
    size_t idx = srv->n_chaps;
    for (size_t i = 0; i < srv->n_chaps; i++) {
        const char *tn = srv->chaps[i].target_name;
        if ((!tn && !target_name) || (tn && target_name && strcmp(tn, target_name) == 0))
            idx = i;
    }
    /* Live connections keep pointers into the table: only change it between logins. */
    for (struct vtl_iscsi_conn *c = srv->conns; c; c = c->next)
        if (c->state == S_LOGIN)
            c->chap = NULL;
    if (!user) {
        if (idx < srv->n_chaps) {
            chap_clear(&srv->chaps[idx]);
            srv->chaps[idx] = srv->chaps[--srv->n_chaps];
        }
        return VTL_ISCSI_OK;
    }
    if (idx == srv->n_chaps) {
        struct vtl_iscsi_chap_cfg *n = realloc(srv->chaps, (srv->n_chaps + 1) * sizeof *n);
        if (!n)
            return VTL_ISCSI_ENOMEM;
        srv->chaps = n;
        memset(&n[idx], 0, sizeof n[idx]);
        srv->n_chaps++;
    } else {
        chap_clear(&srv->chaps[idx]);
    }
    struct vtl_iscsi_chap_cfg *ch = &srv->chaps[idx];
    ch->target_name = target_name ? strdup(target_name) : NULL;
    ch->user = strdup(user);
    ch->secret = strdup(secret);
    ch->mutual_user = mutual_user ? strdup(mutual_user) : NULL;
    ch->mutual_secret = mutual_user ? strdup(mutual_secret) : NULL;
    if ((target_name && !ch->target_name) || !ch->user || !ch->secret ||
        (mutual_user && (!ch->mutual_user || !ch->mutual_secret))) {
        chap_clear(ch);
        srv->chaps[idx] = srv->chaps[--srv->n_chaps];
        return VTL_ISCSI_ENOMEM;
    }
    return VTL_ISCSI_OK;
}

enum vtl_iscsi_rc vtl_iscsi_server_listen(struct vtl_iscsi_server *srv)
{
    if (srv->listen_fd >= 0)
        return VTL_ISCSI_ESTATE;
    struct addrinfo hints = {0}, *ai = NULL;
    char port[8];
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    snprintf(port, sizeof port, "%u", srv->cfg.port);
    if (getaddrinfo(srv->listen_addr, port, &hints, &ai) != 0 || !ai) {
        errno = EINVAL;
        return VTL_ISCSI_ESYS;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0) {
        freeaddrinfo(ai);
        return VTL_ISCSI_ESYS;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        close(fd);
        freeaddrinfo(ai);
        errno = e;
        return VTL_ISCSI_ESYS;
    }
    freeaddrinfo(ai);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_LISTEN};
    if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return VTL_ISCSI_ESYS;
    }
    srv->listen_fd = fd;
    srv->port = tag_to_port(fd);
    return VTL_ISCSI_OK;
}

uint16_t vtl_iscsi_server_port(const struct vtl_iscsi_server *srv)
{
    return srv->port;
}

static void conn_epoll_update(struct vtl_iscsi_server *srv, struct vtl_iscsi_conn *c)
{
    if (c->fd < 0)
        return;
    bool want_out = c->out_head != NULL;
    bool want_in = c->out_bytes < OUT_PAUSE_BYTES && !vtl_iscsi_conn_want_close(c);
    if (want_out == c->epoll_out && want_in == !c->reading_paused)
        return;
    struct epoll_event ev = {.events = (want_in ? EPOLLIN : 0) | (want_out ? EPOLLOUT : 0),
                             .data.ptr = c};
    if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) == 0) {
        c->epoll_out = want_out;
        c->reading_paused = !want_in;
    }
}

/* Write what the socket takes. Returns false if the connection broke. */
static bool conn_flush(struct vtl_iscsi_server *srv, struct vtl_iscsi_conn *c)
{
    if (c->fd < 0)
        return true;
    while (c->out_head) {
        struct iovec iov[MAX_IOV];
        int n_iov = 0;
        size_t off = c->out_off;
        for (struct vtl_iscsi_outbuf *o = c->out_head; o && n_iov < MAX_IOV; o = o->next) {
            while (off < o->len && n_iov < MAX_IOV) {   /* head, blob slice, tail */
                const uint8_t *p;
                size_t n = vtl_iscsi_outbuf_segment(o, off, &p);
                iov[n_iov].iov_base = (void *)p;
                iov[n_iov].iov_len = n;
                n_iov++;
                off += n;
            }
            off = 0;
        }
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n_iov};
        ssize_t n = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            vtl_iscsi_conn_out_consume(c, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        return false;
    }
    conn_epoll_update(srv, c);
    return true;
}

static void conn_close(struct vtl_iscsi_server *srv, struct vtl_iscsi_conn *c)
{
    if (c->fd >= 0) {
        (void)epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
    vtl_iscsi_conn_free(c);
}

static void portal_string(int fd, uint16_t tpgt, char *out, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[INET6_ADDRSTRLEN] = "0.0.0.0";
    uint16_t port = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET) {
            struct sockaddr_in *in = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
            port = ntohs(in->sin_port);
        } else if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
            port = ntohs(in6->sin6_port);
            snprintf(out, cap, "[%s]:%u,%u", host, port, tpgt);
            return;
        }
    }
    snprintf(out, cap, "%s:%u,%u", host, port, tpgt);
}

static void do_accept(struct vtl_iscsi_server *srv)
{
    for (;;) {
        int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors or memory: the listener would stay readable and spin
                 * the loop, so stop watching it for a while (run_tick resumes). */
                struct epoll_event ev = {.events = 0, .data.u64 = TAG_LISTEN};
                (void)epoll_ctl(srv->epoll_fd, EPOLL_CTL_MOD, srv->listen_fd, &ev);
                srv->accept_resume_ms = vtl_iscsi_now_ms() + 100;
            }
            return;                      /* EAGAIN, or a transient error: retry next event */
        }
        srv->stats.conns_accepted++;
        if (srv->stats.conns_open >= srv->cfg.max_sessions) {
            close(fd);
            continue;
        }
        int one = 1, idle_s = 60, intvl_s = 10, cnt = 6;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        /* A peer that vanishes without closing (host down, cable pulled) in the middle of
         * a PDU would hold its connection forever; keepalive finds it in about 2 min. */
        (void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s);
        (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl_s, sizeof intvl_s);
        (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
        char portal[80];
        portal_string(fd, srv->cfg.tpgt, portal, sizeof portal);
        struct vtl_iscsi_conn *c = vtl_iscsi_conn_new(srv, fd, portal);
        if (!c) {
            close(fd);
            continue;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            conn_close(srv, c);
            continue;
        }
    }
}

/* Returns false when the connection must be closed now.
 * A data segment being received goes straight to its place (a task's write buffer when
 * it can: vtl_iscsi_conn_rx_room), everything else through srv->rbuf. While a stream of
 * large PDUs arrives only the next header is read, so the data after it also lands in
 * place. A short read that ends a PDU means the socket is drained: epoll
 * (level-triggered) reports the next bytes, so no recv() is spent on EAGAIN, and a TEST
 * UNIT READY costs one epoll_wait, one recv and one sendmsg. */
static bool conn_read(struct vtl_iscsi_server *srv, struct vtl_iscsi_conn *c)
{
    uint8_t *rb = srv->rbuf;
    bool ok = true;
    for (int i = 0; i < READS_PER_EVENT; i++) {
        if (c->out_bytes >= OUT_PAUSE_BYTES || vtl_iscsi_conn_want_close(c))
            break;
        size_t want;
        uint8_t *room = vtl_iscsi_conn_rx_room(c, &want);
        if (!room)
            want = vtl_iscsi_conn_want_header_only(c) ? VTL_ISCSI_BHS_LEN : READ_CHUNK;
        ssize_t n = recv(c->fd, room ? room : rb, want, MSG_DONTWAIT);
        srv->stats.recvs++;
        if (n > 0) {
            if (room)
                (void)vtl_iscsi_conn_rx_commit(c, (size_t)n);
            else
                (void)vtl_iscsi_conn_input(c, rb, (size_t)n);
            /* A short read between PDUs: the initiator waits for our answer, so asking
             * again would only meet EAGAIN. In the middle of a PDU the rest is usually on
             * its way (the sender runs on another CPU): keep reading. */
            if ((size_t)n < want && vtl_iscsi_conn_between_pdus(c))
                break;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        ok = false;                      /* peer closed or error */
        break;
    }
    return ok;
}

static void run_tick(struct vtl_iscsi_server *srv, uint64_t now)
{
    if (now - srv->last_tick_ms < srv->cfg.tick_interval_ms)
        return;
    srv->last_tick_ms = now;
    if (srv->accept_resume_ms && now >= srv->accept_resume_ms) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_LISTEN};
        (void)epoll_ctl(srv->epoll_fd, EPOLL_CTL_MOD, srv->listen_fd, &ev);
        srv->accept_resume_ms = 0;
    }
    if (srv->cfg.tick)
        srv->cfg.tick(srv->cfg.tick_ctx);
    for (struct vtl_iscsi_conn *c = srv->conns; c; c = c->next)
        vtl_iscsi_conn_timer(c, now);
}

/* After events: flush every connection, close those that are done. */
static void sweep(struct vtl_iscsi_server *srv, uint64_t now)
{
    for (struct vtl_iscsi_conn *c = srv->conns, *nx; c; c = nx) {
        nx = c->next;
        if (c->fd < 0)
            continue;                    /* in-memory connections belong to their owner */
        bool ok = conn_flush(srv, c);
        if (!ok) {
            conn_close(srv, c);
            continue;
        }
        if (vtl_iscsi_conn_want_close(c)) {
            if (!c->closing_since_ms)
                c->closing_since_ms = now;
            /* Close once the last response is out, or after a grace period if the peer
             * does not read it. */
            if (!c->out_head || c->closing_since_ms + CLOSE_GRACE_MS < now || c->peer_gone) {
                conn_close(srv, c);
                continue;
            }
        }
    }
}

enum vtl_iscsi_rc vtl_iscsi_server_run_once(struct vtl_iscsi_server *srv, int timeout_ms)
{
    if (srv->stopping)
        return VTL_ISCSI_ESTATE;
    uint64_t now = vtl_iscsi_now_ms();
    int wait = timeout_ms;
    uint64_t next_tick = srv->last_tick_ms + srv->cfg.tick_interval_ms;
    int until_tick = next_tick > now ? (int)(next_tick - now) : 0;
    if (wait < 0 || wait > until_tick)
        wait = until_tick;
    struct epoll_event evs[64];
    int n = epoll_wait(srv->epoll_fd, evs, 64, wait);
    if (n < 0 && errno != EINTR)
        return VTL_ISCSI_ESYS;
    for (int i = 0; i < n; i++) {
        uint64_t tag = evs[i].data.u64;
        if (tag == TAG_LISTEN) {
            do_accept(srv);
            continue;
        }
        if (tag == TAG_STOP) {
            uint64_t v;
            (void)!read(srv->stop_fd, &v, sizeof v);
            srv->stopping = true;
            continue;
        }
        struct vtl_iscsi_conn *c = evs[i].data.ptr;
        /* A connection closed earlier in this batch cannot appear: closes happen in
         * sweep(), after the batch. */
        if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            if (!conn_read(srv, c)) {
                if (c->out_head)
                    (void)conn_flush(srv, c);
                c->state = S_CLOSING;
                c->peer_gone = true;     /* no grace: nobody will read */
            }
        }
        if (evs[i].events & EPOLLOUT)
            (void)conn_flush(srv, c);
    }
    now = vtl_iscsi_now_ms();
    run_tick(srv, now);
    sweep(srv, now);
    return srv->stopping ? VTL_ISCSI_ESTATE : VTL_ISCSI_OK;
}

enum vtl_iscsi_rc vtl_iscsi_server_run(struct vtl_iscsi_server *srv)
{
    for (;;) {
        enum vtl_iscsi_rc rc = vtl_iscsi_server_run_once(srv, 1000);
        if (rc == VTL_ISCSI_ESTATE) {
            srv->stopping = false;       /* a later run() may serve again */
            return VTL_ISCSI_OK;
        }
        if (rc != VTL_ISCSI_OK)
            return rc;
    }
}

void vtl_iscsi_server_stop(struct vtl_iscsi_server *srv)
{
    uint64_t one = 1;
    (void)!write(srv->stop_fd, &one, sizeof one);
}

void vtl_iscsi_server_free(struct vtl_iscsi_server *srv)
{
    if (!srv)
        return;
    while (srv->conns)
        conn_close(srv, srv->conns);
    while (srv->orphans) {
        struct vtl_iscsi_task *t = srv->orphans;
        srv->orphans = t->next;
        vtl_iscsi_task_free(t);
    }
    for (size_t i = 0; i < srv->n_targets; i++) {
        free(srv->targets[i].name);
        free(srv->targets[i].alias);
        free(srv->targets[i].luns);
    }
    free(srv->targets);
    for (size_t i = 0; i < srv->n_chaps; i++)
        chap_clear(&srv->chaps[i]);
    free(srv->chaps);
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    if (srv->epoll_fd >= 0)
        close(srv->epoll_fd);
    if (srv->stop_fd >= 0)
        close(srv->stop_fd);
    free(srv->rbuf);
    free(srv);
}

size_t vtl_iscsi_server_request_logout(struct vtl_iscsi_server *srv, const char *target_name,
                                       uint16_t seconds)
{
    size_t n = 0;
    uint64_t now = vtl_iscsi_now_ms();
    for (struct vtl_iscsi_conn *c = srv->conns; c; c = c->next) {
        if (c->state != S_FULL || c->discovery)
            continue;
        if (target_name && strcmp(c->target->name, target_name) != 0)
            continue;
        vtl_iscsi_conn_request_logout(c, seconds, now);
        n++;
    }
    return n;
}

void vtl_iscsi_server_stats(const struct vtl_iscsi_server *srv, struct vtl_iscsi_stats *out)
{
    *out = srv->stats;
}

enum vtl_iscsi_rc vtl_iscsi_iqn(const char *library, char *out, size_t cap)
{
    size_t pl = strlen(VTL_ISCSI_IQN_PREFIX), ll = strlen(library);
    if (ll == 0 || pl + ll + 1 > cap || pl + ll > VTL_ISCSI_NAME_MAX) {
        if (cap)
            out[0] = '\0';
        return VTL_ISCSI_ERANGE;
    }
    memcpy(out, VTL_ISCSI_IQN_PREFIX, pl);
    for (size_t i = 0; i < ll; i++) {
        char ch = library[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                   ch == '-' || ch == ':'))
            ch = '-';
        out[pl + i] = ch;
    }
    out[pl + ll] = '\0';
    return VTL_ISCSI_OK;
}
