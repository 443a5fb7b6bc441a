/* SPDX-License-Identifier: MIT
 * sim/iscsi/iscsi.h - the iSCSI target engine (RFC 7143): a TCP server that serves one or
 * more targets, each a set of LUNs backed by a device model through a small backend
 * interface. vtld plugs libvtl in; tests plug in a fake LUN.
 *
 * Start here. The life of a server:
 *
 *   struct vtl_iscsi_config cfg;
 *   vtl_iscsi_config_default(&cfg);            // 127.0.0.1:3260, RFC-friendly limits
 *   srv = vtl_iscsi_server_new(&cfg, &ops, ctx);
 *   vtl_iscsi_server_add_target(srv, "iqn.2026-11.org.openrsm:lib1", "lib1", luns, n, tctx);
 *   vtl_iscsi_server_set_chap(srv, NULL, "user", "secret-12chars", NULL, NULL); // optional
 *   vtl_iscsi_server_listen(srv);              // binds; vtl_iscsi_server_port() tells which
 *   vtl_iscsi_server_run(srv);                 // until vtl_iscsi_server_stop() from anywhere
 *   vtl_iscsi_server_free(srv);
 *
 * Threads: one thread owns a server and runs its loop (run/run_once); every backend op and
 * the tick callback are called from that thread, and a pending command's cmd->done must be
 * called from it too (vtld calls vtl_library_run_due() from the tick). Only
 * vtl_iscsi_server_stop() may be called from another thread (or a signal handler).
 *
 * Supported: error recovery level 0, one connection per session, any number of sessions
 * up to cfg.max_sessions, discovery (SendTargets) and normal sessions, CHAP (MD5) with
 * optional mutual authentication, header and data digests (CRC32C). README.md lists the
 * keys and the state machines.
 */
#ifndef OPENRSM_SIM_ISCSI_ISCSI_H
#define OPENRSM_SIM_ISCSI_ISCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/iscsi/pdu.h"
#include "sim/target/cmd.h"

#define VTL_ISCSI_DEFAULT_PORT  3260
#define VTL_ISCSI_IQN_PREFIX    "iqn.2026-11.org.openrsm:"
#define VTL_ISCSI_MAX_LUNS      256

struct vtl_iscsi_server;

/* What a device model offers the target engine. @ctx is the pointer given to
 * vtl_iscsi_server_new(); @target_ctx the one given to vtl_iscsi_server_add_target(). */
struct vtl_iscsi_backend_ops {
    /* A normal session logged in to the target: open its I_T nexus (unit attentions and
     * reservations are per nexus). Fill *nexus_id with the id that the session's
     * commands will carry in vtl_cmd.nexus_id. Return 0, or non-zero to refuse the login
     * (the initiator gets "target error"). Optional: if NULL, the server numbers nexuses. */
    int (*nexus_open)(void *ctx, void *target_ctx, const char *initiator_name,
                      const uint8_t isid[6], uint64_t *nexus_id);
    /* The session ended (logout, connection lost, reinstatement). Optional. */
    void (*nexus_close)(void *ctx, void *target_ctx, uint64_t nexus_id);
    /* Execute @cmd on @lun (one of the target's LUNs). Return VTL_EXEC_DONE if the command
     * completed during the call, or VTL_EXEC_PENDING and call cmd->done(cmd) exactly once
     * later from the server's thread. @cmd stays valid and untouched by the server until
     * then. Required. */
    enum vtl_exec (*submit)(void *ctx, void *target_ctx, uint16_t lun, struct vtl_cmd *cmd);
    /* Task management (SAM-5 clause 7) for the nexus: @fn is an enum vtl_iscsi_tmf
     * (ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LUN RESET, TARGET WARM/COLD RESET).
     * @cmd is the pending command for ABORT TASK, else NULL. Return an enum
     * vtl_iscsi_tmf_rsp. A pending command that the backend aborts must still be
     * completed through cmd->done (any status): the server sends no response for tasks
     * the initiator aborted, and answers the TMF only once all of them are done (so an
     * abort may finish later, from the tick). Optional: if NULL every function
     * "completes" with no effect on the device. */
    int (*task_mgmt)(void *ctx, void *target_ctx, uint64_t nexus_id, int fn, uint16_t lun,
                     struct vtl_cmd *cmd);
};

/* Called from the loop thread at least every tick_interval_ms (the library clock). */
typedef void vtl_iscsi_tick_fn(void *tick_ctx);

struct vtl_iscsi_config {
    const char *listen_addr;       /* IPv4 or IPv6 literal; default "127.0.0.1" */
    uint16_t port;                 /* default 3260; 0 picks a free port */
    uint16_t tpgt;                 /* TargetPortalGroupTag, default 1 */
    uint32_t max_recv_dsl;         /* our MaxRecvDataSegmentLength, default 262144 */
    uint32_t max_burst;            /* largest MaxBurstLength accepted, default 1 MiB */
    uint32_t first_burst;          /* largest FirstBurstLength accepted, default 256 KiB */
    uint32_t max_outstanding_r2t;  /* default 4 */
    bool initial_r2t;              /* target's InitialR2T wish (OR), default false */
    bool immediate_data;           /* target's ImmediateData wish (AND), default true */
    bool allow_header_digest;      /* accept HeaderDigest=CRC32C, default true */
    bool allow_data_digest;        /* accept DataDigest=CRC32C, default true */
    uint32_t cmd_window;           /* commands in flight per session (CmdSN window), 32 */
    uint32_t max_cmd_data;         /* largest data transfer of one command, default 16 MiB */
    uint32_t max_sessions;         /* connections accepted at once, default 256 */
    uint32_t login_timeout_ms;     /* a connection not in full feature by then is closed,
                                    * default 15000 */
    uint32_t nop_interval_ms;      /* idle full-feature connections get a NOP-In ping this
                                    * often; no answer in the same time closes them; 0=off */
    vtl_iscsi_tick_fn *tick;       /* optional */
    void *tick_ctx;
    uint32_t tick_interval_ms;     /* default 10 */
};

void vtl_iscsi_config_default(struct vtl_iscsi_config *cfg);

/* vtl_iscsi_server_new() - a server with no targets, not yet listening.
 * @cfg is copied (listen_addr too); @ops is borrowed and must outlive the server.
 * Returns NULL on allocation failure or an invalid config (max_recv_dsl outside
 * 512..16777215, zero window). Owned by the caller: vtl_iscsi_server_free(). */
struct vtl_iscsi_server *vtl_iscsi_server_new(const struct vtl_iscsi_config *cfg,
                                              const struct vtl_iscsi_backend_ops *ops,
                                              void *ctx);

/* vtl_iscsi_server_add_target() - serve a target.
 * @name   iSCSI name, e.g. "iqn.2026-11.org.openrsm:lib1" (copied; 1..223 bytes, unique).
 * @alias  TargetAlias sent at login, or NULL (copied).
 * @luns   the LUN numbers (copied; each < 16384; LUN 0 is the changer by convention).
 * Returns OK, EINVAL (bad or duplicate name, bad LUN), ERANGE (too many LUNs), ENOMEM. */
enum vtl_iscsi_rc vtl_iscsi_server_add_target(struct vtl_iscsi_server *srv, const char *name,
                                              const char *alias, const uint16_t *luns,
                                              size_t n_luns, void *target_ctx);

/* vtl_iscsi_server_set_chap() - require CHAP on @target_name (NULL: every target and
 * discovery sessions without their own setting). The initiator must log in as @user with
 * @secret; if @mutual_user is given the target answers mutual CHAP with @mutual_secret.
 * Passing user NULL removes the requirement. Strings are copied.
 * Returns OK, EINVAL (unknown target, empty secret), ENOMEM. */
enum vtl_iscsi_rc vtl_iscsi_server_set_chap(struct vtl_iscsi_server *srv, const char *target_name,
                                            const char *user, const char *secret,
                                            const char *mutual_user, const char *mutual_secret);

/* vtl_iscsi_server_listen() - bind and listen on cfg.listen_addr:cfg.port.
 * Returns OK, ESYS (errno set), ESTATE if already listening. */
enum vtl_iscsi_rc vtl_iscsi_server_listen(struct vtl_iscsi_server *srv);

/* The bound port (after listen), else 0. */
uint16_t vtl_iscsi_server_port(const struct vtl_iscsi_server *srv);

/* vtl_iscsi_server_run_once() - wait up to @timeout_ms (-1: until something happens) for
 * socket events, serve them, run the tick if due and flush output. Responses of commands
 * completed outside run_once (a done callback called from elsewhere on the loop thread)
 * go out at the next call. Returns OK, or ESYS if epoll failed; ESTATE once stop was
 * requested. */
enum vtl_iscsi_rc vtl_iscsi_server_run_once(struct vtl_iscsi_server *srv, int timeout_ms);

/* vtl_iscsi_server_run() - run_once in a loop until vtl_iscsi_server_stop(). Returns OK
 * after a stop, ESYS on an epoll failure. */
enum vtl_iscsi_rc vtl_iscsi_server_run(struct vtl_iscsi_server *srv);

/* vtl_iscsi_server_stop() - ask the loop to return; async-signal-safe and thread-safe
 * (writes an eventfd). */
void vtl_iscsi_server_stop(struct vtl_iscsi_server *srv);

/* vtl_iscsi_server_free() - close every connection (nexus_close for each session), stop
 * listening and free. Commands still pending in the backend are released here: the
 * backend must not call their done callbacks afterwards. NULL is ignored. */
void vtl_iscsi_server_free(struct vtl_iscsi_server *srv);

/* vtl_iscsi_server_request_logout() - ask the initiators of every full-feature session
 * (of @target_name, or all targets if NULL) to log out within @seconds, with an Async
 * Message "target requests logout" (RFC 7143 clause 11.9.1, AsyncEvent 1), e.g. before a
 * controlled shutdown. Sessions still open @seconds + 2 s later are dropped. Returns the
 * number of sessions asked. Loop thread only. */
size_t vtl_iscsi_server_request_logout(struct vtl_iscsi_server *srv, const char *target_name,
                                       uint16_t seconds);

/* Counters, for tests and vtlctl status. */
struct vtl_iscsi_stats {
    uint64_t conns_accepted, conns_open, sessions_open;
    uint64_t logins_ok, logins_failed;
    uint64_t pdus_in, pdus_out, rejects_sent;
    uint64_t cmds, r2ts, data_in_pdus, digest_errors, protocol_errors;
    uint64_t out_queue_peak;       /* largest output backlog of one connection, bytes */
    uint64_t recvs;                /* recv() calls on connections, EAGAIN included */
    uint64_t bytes_in_place;       /* data-segment bytes received straight into the
                                    * command's buffer (no copy out of a read chunk) */
};
void vtl_iscsi_server_stats(const struct vtl_iscsi_server *srv, struct vtl_iscsi_stats *out);

/* vtl_iscsi_iqn() - the target name for a library: VTL_ISCSI_IQN_PREFIX + @library, into
 * @out (cap bytes). Characters not allowed in an iSCSI name are lowered or replaced by '-'.
 * Returns ERANGE if it does not fit or exceeds 223 bytes. */
enum vtl_iscsi_rc vtl_iscsi_iqn(const char *library, char *out, size_t cap);

#endif
