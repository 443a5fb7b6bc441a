/* SPDX-License-Identifier: MIT
 * sim/iscsi/conn.h - one iSCSI connection and its session, without sockets (internal to
 * sim/iscsi; server.c, the tests and the fuzz target use it).
 *
 * A connection is a byte-stream state machine: vtl_iscsi_conn_input() takes whatever bytes
 * arrived (any split, half a PDU is fine), reassembles PDUs into bounded per-connection
 * buffers and runs them through the login (login.c) or full-feature (conn.c) handlers;
 * responses are queued as wire bytes that the caller drains with _out_peek/_out_consume.
 * Because nothing here touches a socket, the fuzz target drives a connection in memory.
 *
 * Connection state machine (RFC 7143 clause 8.1.3, target side, ERL 0):
 *
 *   S_LOGIN ──Login Rsp T=1 NSG=3, status 0──► S_FULL ──Logout Rsp sent──► S_LOGOUT
 *      │  (login.c: vtl_iscsi_login_pdu)          │                            │
 *      │ login failure: reject status sent        │ protocol/digest error,     │ output
 *      ▼                                          ▼ peer closed                ▼ flushed
 *   S_CLOSING (flush then close) ◄───────────────────────────────────────── S_CLOSING
 *
 * Transitions: S_LOGIN->S_FULL in login_finish(); S_LOGIN->S_CLOSING in login_fail();
 * S_FULL->S_LOGOUT in handle_logout() (conn.c) and after a cold reset (task.c); any->S_CLOSING in vtl_iscsi_conn_fail();
 * S_LOGOUT->S_CLOSING when the caller sees vtl_iscsi_conn_want_close().
 * Invariants: in S_LOGIN no digests are in effect and only Login PDUs are accepted; in
 * S_FULL sess->target is set for a normal session and sess->tsih != 0; in S_CLOSING no
 * input is processed and no new output is queued.
 *
 * The login sub-states (security and operational stages) are in login.c's header comment.
 *
 * Thread: the server's loop thread (see iscsi.h).
 */
#ifndef OPENRSM_SIM_ISCSI_CONN_H
#define OPENRSM_SIM_ISCSI_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/iscsi/iscsi.h"
#include "sim/iscsi/pdu.h"
#include "sim/iscsi/text.h"
#include "sim/iscsi/chap.h"

#define VTL_ISCSI_LOGIN_DSL_MAX   8192   /* data segment accepted before negotiation ends */
#define VTL_ISCSI_TEXT_ACC_MAX    65536  /* a multi-PDU text/login request, reassembled */
#define VTL_ISCSI_MAX_R2T_SLOTS   16

struct vtl_iscsi_chap_cfg {
    char *target_name;        /* NULL: default for all targets and discovery */
    char *user, *secret;
    char *mutual_user, *mutual_secret;
};

struct vtl_iscsi_target {
    char *name, *alias;
    uint16_t *luns;
    size_t n_luns;
    void *ctx;
};

struct vtl_iscsi_conn;

struct vtl_iscsi_server {
    struct vtl_iscsi_config cfg;
    char listen_addr[64];
    const struct vtl_iscsi_backend_ops *ops;
    void *ctx;
    struct vtl_iscsi_target *targets;
    size_t n_targets;
    struct vtl_iscsi_chap_cfg *chaps;
    size_t n_chaps;
    struct vtl_iscsi_params policy;
    struct vtl_iscsi_conn *conns;        /* every live connection (doubly linked) */
    struct vtl_iscsi_task *orphans;      /* tasks pending in the backend whose connection
                                          * is gone; freed on done or at server free */
    uint16_t next_tsih;
    uint64_t next_nexus;
    uint32_t next_ttt;
    int listen_fd, epoll_fd, stop_fd;
    uint8_t *rbuf;                       /* READ_CHUNK bytes of receive scratch */
    uint16_t port;
    bool stopping;
    uint64_t accept_resume_ms;           /* non-zero: accepting paused (EMFILE) until then */
    uint64_t last_tick_ms;
    struct vtl_iscsi_stats stats;
};

enum vtl_iscsi_conn_state { S_LOGIN, S_FULL, S_LOGOUT, S_CLOSING };

/* Security sub-states of the login (login.c). */
enum vtl_iscsi_auth_state {
    AUTH_START,        /* no AuthMethod agreed yet */
    AUTH_NONE,         /* AuthMethod=None agreed: may leave the security stage */
    AUTH_CHAP_WAIT_A,  /* AuthMethod=CHAP agreed: waiting for CHAP_A */
    AUTH_CHAP_WAIT_R,  /* challenge sent: waiting for CHAP_N and CHAP_R */
    AUTH_DONE,         /* CHAP succeeded (and mutual answered if asked) */
};

struct vtl_iscsi_r2t {
    bool used;
    uint32_t ttt, offset, len, received;
    uint32_t next_datasn;                 /* DataSN restarts at 0 for each R2T */
};

enum vtl_iscsi_task_state { T_COLLECT, T_SUBMITTED, T_DONE };

/* A Task Management response that waits for the tasks it aborted: SAM-5 clause 7.1 and
 * RFC 7143 clause 4.2.3.3 want "function complete" only once the aborted tasks are gone,
 * and a backend may finish an abort later (a robot stopping). */
struct vtl_iscsi_tmf_wait {
    struct vtl_iscsi_tmf_wait *next;
    uint32_t itt;
    uint8_t response;
    bool cold;                            /* TARGET COLD RESET: drop connections after */
    bool armed;                           /* response known; send when n_waiting hits 0 */
    unsigned n_waiting;
};

/* One SCSI task. Owned by its connection's list while the connection lives; moved to the
 * server's orphan list if the connection closes while the backend still holds it. */
struct vtl_iscsi_task {
    struct vtl_iscsi_task *next, *prev;
    struct vtl_iscsi_conn *conn;          /* NULL once orphaned */
    struct vtl_iscsi_server *srv;
    struct vtl_cmd cmd;
    enum vtl_iscsi_task_state state;
    bool aborted;                         /* no response will be sent */
    struct vtl_iscsi_tmf_wait *tmf_wait;  /* the TMF response waiting for this task */
    bool immediate;
    uint32_t itt, cmdsn;
    uint64_t raw_lun;
    uint16_t lun;
    bool read, write;
    uint32_t edtl;                        /* write length (or read length if read only) */
    uint32_t read_len;                    /* expected read length */
    uint8_t *out_buf;                     /* data from the initiator, edtl bytes (out_cap
                                           * allocated, VTL_ISCSI_WBUF_SLACK more than edtl) */
    size_t out_cap;
    uint32_t out_received;
    uint32_t unsol_received;
    uint32_t unsol_datasn;                /* next DataSN of the unsolicited sequence */
    bool unsol_done;
    uint32_t r2t_next;                    /* next offset to solicit */
    uint32_t r2tsn;
    struct vtl_iscsi_r2t r2t[VTL_ISCSI_MAX_R2T_SLOTS];
    struct vtl_iscsi_blob *in_blob;       /* data for the initiator (in_buf is its data) */
    uint8_t *in_buf;
    size_t in_cap;
};

/* Read data shared by a task and the Data-In PDUs that carry it, so a read is never copied
 * into the output queue (refcounted; loop thread only). */
struct vtl_iscsi_blob {
    unsigned refs;
    uint8_t data[];
};
struct vtl_iscsi_blob *vtl_iscsi_blob_new(size_t len);   /* refs = 1; NULL if out of memory */
void vtl_iscsi_blob_unref(struct vtl_iscsi_blob *b);     /* NULL is ignored */

/* One queued PDU: head (BHS, header digest and, for small PDUs, the data, padding and data
 * digest) in data[], then optionally a slice of a blob and a tail (padding, data digest). */
struct vtl_iscsi_outbuf {
    struct vtl_iscsi_outbuf *next;
    size_t len;                           /* head_len + ext_len + tail_len */
    size_t head_len;
    struct vtl_iscsi_blob *blob;          /* holds a reference while queued */
    const uint8_t *ext;
    size_t ext_len;
    uint8_t tail[8];
    size_t tail_len;
    uint8_t data[];
};
/* The contiguous bytes of @o at byte @off (< o->len): *p and the returned length. */
size_t vtl_iscsi_outbuf_segment(const struct vtl_iscsi_outbuf *o, size_t off, const uint8_t **p);

struct vtl_iscsi_conn {
    struct vtl_iscsi_conn *next, *prev;   /* server list */
    struct vtl_iscsi_server *srv;
    int fd;                               /* -1 for an in-memory connection */
    bool epoll_out, reading_paused;
    char portal[80];                      /* "addr:port,tpgt" for SendTargets */
    enum vtl_iscsi_conn_state state;
    uint64_t created_ms, last_rx_ms;
    bool ping_outstanding, peer_gone;
    uint64_t closing_since_ms;
    uint64_t logout_deadline_ms;          /* non-zero after an Async logout request */
    uint64_t ping_sent_ms;

    /* input reassembly */
    uint8_t hdr[VTL_ISCSI_BHS_LEN + VTL_ISCSI_AHS_MAX + VTL_ISCSI_DIGEST_LEN];
    size_t hdr_have, hdr_need;
    bool hdr_parsed;
    struct vtl_iscsi_bhs bhs;
    bool hdr_ok;                          /* bhs decoded completely */
    uint8_t *data;                        /* data segment + pad + digest */
    size_t data_have, data_need, data_cap;
    /* Where the current data segment is received: c->data, or in place in a task's write
     * buffer (Data-Out at the expected offset) or cmd_buf (a SCSI Command's immediate
     * data), so write data is not copied again after it leaves the socket. */
    uint8_t *rx;
    uint8_t *cmd_buf;                     /* immediate data of the SCSI Command being
                                           * received; its task adopts the buffer */
    size_t cmd_buf_cap;
    uint8_t *spare_buf;                   /* a finished task's write buffer, for reuse */
    size_t spare_cap;
    bool last_data_big;                   /* the last PDU carried a large data segment */

    /* output queue */
    struct vtl_iscsi_outbuf *out_head, *out_tail;
    size_t out_off, out_bytes;

    /* digests in effect (after login) */
    bool hd, dd;

    /* login */
    int stage;                            /* enum vtl_iscsi_stage: current stage */
    enum vtl_iscsi_auth_state auth;
    bool first_login_pdu_seen, tpgt_sent, mrdsl_sent;
    uint32_t login_itt;
    struct vtl_iscsi_params neg;
    uint8_t chap_id;
    uint8_t chap_chal[VTL_ISCSI_CHAP_CHAL_LEN];
    const struct vtl_iscsi_chap_cfg *chap;
    char *acc;                            /* multi-PDU login/text request */
    size_t acc_len;

    /* text response continuation (C bit) */
    char *text_rsp;
    size_t text_rsp_len, text_rsp_off;
    uint32_t text_itt, text_ttt;

    /* session (one connection per session) */
    uint8_t isid[6];
    uint16_t tsih, cid;
    char initiator_name[VTL_ISCSI_NAME_MAX + 1];
    bool discovery;
    struct vtl_iscsi_target *target;
    bool nexus_open;
    uint64_t nexus_id;
    uint32_t exp_cmdsn, max_cmdsn, statsn;
    uint32_t n_tasks;                     /* tasks in the list */
    uint32_t n_window_tasks;              /* non-immediate tasks counted against the window */
    struct vtl_iscsi_task *tasks;
    struct vtl_iscsi_tmf_wait *tmf_waits; /* TMF responses not yet sent */
};

struct vtl_iscsi_conn *vtl_iscsi_conn_new(struct vtl_iscsi_server *srv, int fd, const char *portal);
/* Frees the connection: tasks still in the backend become orphans; nexus_close is called. */
void vtl_iscsi_conn_free(struct vtl_iscsi_conn *c);
/* Feed received bytes. Returns OK, or an error after which the connection is S_CLOSING. */
enum vtl_iscsi_rc vtl_iscsi_conn_input(struct vtl_iscsi_conn *c, const uint8_t *buf, size_t len);
/* In-place receive: the bytes of the current data segment still expected go to the
 * returned pointer (*len of them); NULL between data segments or once closing. After
 * receiving n (1..*len) bytes there, call _rx_commit(c, n): it runs the PDU when whole.
 * Same result as passing those bytes to vtl_iscsi_conn_input(), one copy less. */
uint8_t *vtl_iscsi_conn_rx_room(struct vtl_iscsi_conn *c, size_t *len);
enum vtl_iscsi_rc vtl_iscsi_conn_rx_commit(struct vtl_iscsi_conn *c, size_t n);
/* True when no part of a PDU is waiting for more bytes. */
bool vtl_iscsi_conn_between_pdus(const struct vtl_iscsi_conn *c);
/* True between PDUs when the last one carried a large data segment: a reader that takes
 * only the next header (48 bytes) lets that PDU's data be received in place as well. */
bool vtl_iscsi_conn_want_header_only(const struct vtl_iscsi_conn *c);
/* Output: the next contiguous bytes to send (NULL when empty), then how many went out. */
const uint8_t *vtl_iscsi_conn_out_peek(struct vtl_iscsi_conn *c, size_t *len);
void vtl_iscsi_conn_out_consume(struct vtl_iscsi_conn *c, size_t n);
/* True once the connection should be closed after its output is flushed. */
bool vtl_iscsi_conn_want_close(const struct vtl_iscsi_conn *c);
/* Checks the per-state invariants listed in the file comment (assert; no effect with
 * NDEBUG). Called after every batch of input. */
void vtl_iscsi_conn_assert_state(const struct vtl_iscsi_conn *c);
/* Periodic checks (login timeout, NOP-In ping); @now_ms monotonic. */
void vtl_iscsi_conn_timer(struct vtl_iscsi_conn *c, uint64_t now_ms);

/* Sends the Async Message "target requests logout" (AsyncEvent 1) and arms the deadline. */
void vtl_iscsi_conn_request_logout(struct vtl_iscsi_conn *c, uint16_t seconds, uint64_t now_ms);

/* ---- shared between conn.c and login.c ---- */
void vtl_iscsi_conn_fail(struct vtl_iscsi_conn *c, const char *why);
/* Queue one PDU: @h is completed with data_len, ahs_words = 0 and (for target PDUs that
 * carry them) ExpCmdSN/MaxCmdSN; StatSN is taken from c->statsn as set by the caller. */
enum vtl_iscsi_rc vtl_iscsi_conn_send(struct vtl_iscsi_conn *c, struct vtl_iscsi_bhs *h,
                                      const void *data, size_t data_len);
/* Like vtl_iscsi_conn_send, but the data segment is @len bytes at @data inside @blob,
 * queued by reference (the outbuf takes a reference on @blob). */
enum vtl_iscsi_rc vtl_iscsi_conn_send_blob(struct vtl_iscsi_conn *c, struct vtl_iscsi_bhs *h,
                                           struct vtl_iscsi_blob *blob, const uint8_t *data,
                                           size_t len);
void vtl_iscsi_conn_reject(struct vtl_iscsi_conn *c, uint8_t reason, const uint8_t *bad_bhs);
void vtl_iscsi_conn_update_window(struct vtl_iscsi_conn *c);
/* Apply a non-immediate CmdSN; returns false if outside the window (ignore the PDU). */
bool vtl_iscsi_conn_check_cmdsn(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h);
uint64_t vtl_iscsi_now_ms(void);

/* A target transfer tag for R2T, text paging or NOP-In (never 0xffffffff). */
uint32_t vtl_iscsi_new_ttt(struct vtl_iscsi_server *srv);

/* task.c: SCSI Command, Data-Out and Task Management PDUs of a full-feature connection,
 * and the task list helpers conn.c needs when a connection goes away. */
void vtl_iscsi_scsi_cmd_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h,
                            const uint8_t *data, size_t len);
void vtl_iscsi_data_out_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h,
                            const uint8_t *data, size_t len);
void vtl_iscsi_tmf_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h);
/* Where the data segment of the PDU whose header is in c->bhs may be received in place
 * (a task's write buffer, or c->cmd_buf for a SCSI Command's immediate data); NULL when
 * it must go to c->data. Only offsets the task expects next qualify, so bytes received
 * in place never overwrite accepted data, even if the PDU is later refused. */
uint8_t *vtl_iscsi_task_rx_dest(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h);
/* Write buffers of at least @len + VTL_ISCSI_WBUF_SLACK bytes (room for the padding and
 * data digest received in place after the last data byte); the connection keeps one
 * returned buffer for reuse. _get returns NULL when out of memory; _put frees @buf if the
 * connection keeps a buffer at least as large already, or @c is NULL. */
#define VTL_ISCSI_WBUF_SLACK 8
uint8_t *vtl_iscsi_wbuf_get(struct vtl_iscsi_conn *c, size_t len, size_t *cap);
void vtl_iscsi_wbuf_put(struct vtl_iscsi_conn *c, uint8_t *buf, size_t cap);
/* Removes @t from its connection's list (or the server's orphan list). */
void vtl_iscsi_task_unlink(struct vtl_iscsi_task *t);
void vtl_iscsi_task_free(struct vtl_iscsi_task *t);

/* login.c */
void vtl_iscsi_login_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h, uint8_t *data,
                         size_t len);
void vtl_iscsi_text_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h, uint8_t *data,
                        size_t len);
const struct vtl_iscsi_chap_cfg *vtl_iscsi_chap_for(const struct vtl_iscsi_server *srv,
                                                    const char *target_name, bool discovery);
struct vtl_iscsi_target *vtl_iscsi_target_find(struct vtl_iscsi_server *srv, const char *name);

/* server.c: fill @buf with random bytes (getrandom, falling back to a clock mix). */
void vtl_iscsi_random(void *buf, size_t len);

#endif
