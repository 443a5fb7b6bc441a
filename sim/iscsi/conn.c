/* SPDX-License-Identifier: MIT
 * sim/iscsi/conn.c - one iSCSI connection in memory: PDU reassembly and digests, the
 * output queue, and the full feature phase of RFC 7143 (clause 4 command numbering,
 * clause 11 PDUs): SCSI commands with immediate data, unsolicited Data-Out and R2T,
 * Data-In with status (phase collapse) and residuals, SCSI Response with sense, NOP,
 * task management, logout, Reject. The login stages are in login.c; the state diagram
 * is in conn.h.
 *
 * SCSI task life (struct vtl_iscsi_task):
 *   T_COLLECT (write data still arriving: immediate, unsolicited, then solicited by R2T)
 *     -> T_SUBMITTED (backend holds the vtl_cmd) -> completion: Data-In/Response sent,
 *   task freed. ABORT TASK etc. mark a submitted task aborted: its completion sends
 *   nothing. A connection that closes leaves submitted tasks as orphans on the server.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/iscsi/conn.h"

uint64_t vtl_iscsi_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct vtl_iscsi_conn *vtl_iscsi_conn_new(struct vtl_iscsi_server *srv, int fd, const char *portal)
{
    struct vtl_iscsi_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->srv = srv;
    c->fd = fd;
    snprintf(c->portal, sizeof c->portal, "%s", portal ? portal : "");
    c->state = S_LOGIN;
    c->created_ms = c->last_rx_ms = vtl_iscsi_now_ms();
    vtl_iscsi_params_default(&c->neg);
    c->neg.max_recv_dsl_tgt = srv->policy.max_recv_dsl_tgt;
    c->text_ttt = VTL_ISCSI_RSVD_TAG;
    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    srv->stats.conns_open++;
    return c;
}

static void task_unlink(struct vtl_iscsi_task *t)
{
    struct vtl_iscsi_conn *c = t->conn;
    if (t->prev)
        t->prev->next = t->next;
    else if (c && c->tasks == t)
        c->tasks = t->next;
    else if (!c && t->srv->orphans == t)
        t->srv->orphans = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->next = t->prev = NULL;
    if (c) {
        c->n_tasks--;
        if (!t->immediate)
            c->n_window_tasks--;
    }
}

static void task_free(struct vtl_iscsi_task *t)
{
    free(t->out_buf);
    free(t->in_buf);
    free(t);
}

void vtl_iscsi_conn_free(struct vtl_iscsi_conn *c)
{
    struct vtl_iscsi_server *srv = c->srv;
    while (c->tasks) {
        struct vtl_iscsi_task *t = c->tasks;
        task_unlink(t);
        if (t->state == T_SUBMITTED) {
            /* The backend still owns t->cmd: keep the task until its done callback. */
            t->conn = NULL;
            t->aborted = true;
            t->tmf_wait = NULL;
            t->next = srv->orphans;
            if (srv->orphans)
                srv->orphans->prev = t;
            srv->orphans = t;
        } else {
            task_free(t);
        }
    }
    while (c->tmf_waits) {
        struct vtl_iscsi_tmf_wait *w = c->tmf_waits;
        c->tmf_waits = w->next;
        free(w);
    }
    if (c->nexus_open && srv->ops->nexus_close)
        srv->ops->nexus_close(srv->ctx, c->target->ctx, c->nexus_id);
    if (c->tsih && srv->stats.sessions_open > 0)  /* a session was established */
        srv->stats.sessions_open--;
    while (c->out_head) {
        struct vtl_iscsi_outbuf *o = c->out_head;
        c->out_head = o->next;
        free(o);
    }
    free(c->data);
    free(c->acc);
    free(c->text_rsp);
    if (c->prev)
        c->prev->next = c->next;
    else if (srv->conns == c)
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->stats.conns_open--;
    free(c);
}

void vtl_iscsi_conn_fail(struct vtl_iscsi_conn *c, const char *why)
{
    (void)why;
    c->state = S_CLOSING;
}

bool vtl_iscsi_conn_want_close(const struct vtl_iscsi_conn *c)
{
    return c->state == S_CLOSING || c->state == S_LOGOUT;
}

/* ---- output -------------------------------------------------------------------------- */

enum vtl_iscsi_rc vtl_iscsi_conn_send(struct vtl_iscsi_conn *c, struct vtl_iscsi_bhs *h,
                                      const void *data, size_t data_len)
{
    if (c->state == S_CLOSING)
        return VTL_ISCSI_ESTATE;
    if (data_len > VTL_ISCSI_DSL_MAX)
        return VTL_ISCSI_ERANGE;
    h->data_len = (uint32_t)data_len;
    h->ahs_words = 0;
    h->exp_cmdsn = c->exp_cmdsn;
    h->max_cmdsn = c->max_cmdsn;
    size_t padded = vtl_iscsi_pad4((uint32_t)data_len);
    size_t total = VTL_ISCSI_BHS_LEN + (c->hd ? 4 : 0) + padded + (c->dd && data_len ? 4 : 0);
    struct vtl_iscsi_outbuf *o = malloc(sizeof *o + total);
    if (!o) {
        vtl_iscsi_conn_fail(c, "out of memory");
        return VTL_ISCSI_ENOMEM;
    }
    uint8_t *p = o->data;
    if (vtl_iscsi_bhs_encode(h, p, VTL_ISCSI_BHS_LEN) != VTL_ISCSI_OK) {
        free(o);
        return VTL_ISCSI_EINVAL;
    }
    p += VTL_ISCSI_BHS_LEN;
    if (c->hd) {
        vtl_iscsi_digest_put(p, vtl_iscsi_crc32c(o->data, VTL_ISCSI_BHS_LEN));
        p += 4;
    }
    if (data_len) {
        memcpy(p, data, data_len);
        memset(p + data_len, 0, padded - data_len);
        if (c->dd)
            vtl_iscsi_digest_put(p + padded, vtl_iscsi_crc32c(p, padded));
    }
    o->len = total;
    o->next = NULL;
    if (c->out_tail)
        c->out_tail->next = o;
    else
        c->out_head = o;
    c->out_tail = o;
    c->out_bytes += total;
    if (c->out_bytes > c->srv->stats.out_queue_peak)
        c->srv->stats.out_queue_peak = c->out_bytes;
    c->srv->stats.pdus_out++;
    vtl_iscsi_server_conn_output(c->srv, c);
    return VTL_ISCSI_OK;
}

const uint8_t *vtl_iscsi_conn_out_peek(struct vtl_iscsi_conn *c, size_t *len)
{
    if (!c->out_head) {
        *len = 0;
        return NULL;
    }
    *len = c->out_head->len - c->out_off;
    return c->out_head->data + c->out_off;
}

void vtl_iscsi_conn_out_consume(struct vtl_iscsi_conn *c, size_t n)
{
    while (n && c->out_head) {
        size_t left = c->out_head->len - c->out_off;
        size_t take = n < left ? n : left;
        c->out_off += take;
        c->out_bytes -= take;
        n -= take;
        if (c->out_off == c->out_head->len) {
            struct vtl_iscsi_outbuf *o = c->out_head;
            c->out_head = o->next;
            if (!c->out_head)
                c->out_tail = NULL;
            c->out_off = 0;
            free(o);
        }
    }
}

void vtl_iscsi_conn_reject(struct vtl_iscsi_conn *c, uint8_t reason, const uint8_t *bad_bhs)
{
    struct vtl_iscsi_bhs r = {0};
    r.opcode = VTL_ISCSI_OP_REJECT;
    r.response = reason;
    r.itt = VTL_ISCSI_RSVD_TAG;
    r.statsn = c->statsn++;
    c->srv->stats.rejects_sent++;
    /* The data segment is the complete header of the rejected PDU (clause 11.17). */
    (void)vtl_iscsi_conn_send(c, &r, bad_bhs, VTL_ISCSI_BHS_LEN);
}

void vtl_iscsi_conn_update_window(struct vtl_iscsi_conn *c)
{
    uint32_t window = c->srv->cfg.cmd_window;
    uint32_t busy = c->n_window_tasks < window ? c->n_window_tasks : window;
    uint32_t cand = c->exp_cmdsn - 1 + window - busy;
    /* MaxCmdSN never moves backwards: initiators ignore a smaller value (clause 4.2.2.1). */
    if (vtl_iscsi_sn_lt(c->max_cmdsn, cand))
        c->max_cmdsn = cand;
}

bool vtl_iscsi_conn_check_cmdsn(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h)
{
    /* Outside [ExpCmdSN, MaxCmdSN]: silently ignored (clause 4.2.2.1). With one connection
     * per session commands arrive in order, so a CmdSN ahead of ExpCmdSN only happens
     * after an initiator skipped numbers; it is accepted and numbering resumes from it. */
    if (vtl_iscsi_sn_lt(h->cmdsn, c->exp_cmdsn) || vtl_iscsi_sn_lt(c->max_cmdsn, h->cmdsn)) {
        c->srv->stats.protocol_errors++;
        return false;
    }
    c->exp_cmdsn = h->cmdsn + 1;
    return true;
}

/* ---- SCSI helpers -------------------------------------------------------------------- */

static size_t fixed_sense(uint8_t *s, uint8_t key, uint8_t asc, uint8_t ascq)
{
    memset(s, 0, 18);
    s[0] = 0x70;                          /* current error, fixed format */
    s[2] = key;
    s[7] = 10;                            /* additional sense length */
    s[12] = asc;
    s[13] = ascq;
    return 18;
}

static void cmd_check(struct vtl_cmd *cmd, uint8_t key, uint8_t asc, uint8_t ascq)
{
    cmd->status = VTL_STATUS_CHECK_CONDITION;
    cmd->sense_len = fixed_sense(cmd->sense, key, asc, ascq);
    cmd->data_in_len = 0;
}

/* CDB length from the operation code group (SPC-4 clause 4.2.5.1). */
static size_t cdb_len_for(const uint8_t *cdb, size_t have)
{
    switch (cdb[0] >> 5) {
    case 0: return 6;
    case 1: case 2: return 10;
    case 4: return 16;
    case 5: return 12;
    case 3:
        if (cdb[0] == 0x7f && have >= 8 && (size_t)cdb[7] + 8 <= have)
            return (size_t)cdb[7] + 8;
        return have < 16 ? have : 16;
    default:
        return have;
    }
}

static bool target_has_lun(const struct vtl_iscsi_target *t, uint16_t lun)
{
    for (size_t i = 0; i < t->n_luns; i++)
        if (t->luns[i] == lun)
            return true;
    return false;
}

static void put_clipped(struct vtl_cmd *cmd, const uint8_t *src, size_t len, size_t alloc)
{
    size_t n = len < alloc ? len : alloc;
    if (n > cmd->data_in_cap)
        n = cmd->data_in_cap;
    if (n)
        memcpy(cmd->data_in, src, n);
    cmd->data_in_len = n;
    cmd->status = VTL_STATUS_GOOD;
    cmd->sense_len = 0;
}

/* REPORT LUNS is answered by the target, which knows its LUN inventory (SPC-4 6.33). */
static void local_report_luns(struct vtl_iscsi_task *t)
{
    const struct vtl_iscsi_target *tg = t->conn->target;
    struct vtl_cmd *cmd = &t->cmd;
    size_t alloc = vtl_iscsi_get_be32(cmd->cdb + 6);
    if (alloc < 16) {
        cmd_check(cmd, 0x05, 0x24, 0x00);  /* INVALID FIELD IN CDB */
        return;
    }
    size_t len = 8 + 8 * tg->n_luns;
    uint8_t *d = calloc(1, len);
    if (!d) {
        cmd_check(cmd, 0x04, 0x44, 0x00);  /* INTERNAL TARGET FAILURE */
        return;
    }
    vtl_iscsi_put_be32(d, (uint32_t)(8 * tg->n_luns));
    for (size_t i = 0; i < tg->n_luns; i++)
        vtl_iscsi_put_be64(d + 8 + 8 * i, vtl_iscsi_lun_encode(tg->luns[i]));
    put_clipped(cmd, d, len, alloc);
    free(d);
}

/* A LUN the target does not have (SPC-4 4.6.1): INQUIRY reports peripheral qualifier 011b,
 * everything else LOGICAL UNIT NOT SUPPORTED. */
static void local_no_lun(struct vtl_iscsi_task *t)
{
    struct vtl_cmd *cmd = &t->cmd;
    if (cmd->cdb[0] == 0x12 && !(cmd->cdb[1] & 1)) {
        uint8_t inq[36];
        memset(inq, ' ', sizeof inq);
        inq[0] = 0x7f;
        inq[1] = 0;
        inq[2] = 0x06;
        inq[3] = 0x02;
        inq[4] = sizeof inq - 5;
        inq[5] = inq[6] = inq[7] = 0;
        put_clipped(cmd, inq, sizeof inq, vtl_iscsi_get_be16(cmd->cdb + 3));
        return;
    }
    cmd_check(cmd, 0x05, 0x25, 0x00);
}

/* ---- task completion ----------------------------------------------------------------- */

static void send_scsi_rsp(struct vtl_iscsi_conn *c, struct vtl_iscsi_task *t, uint32_t n_datain,
                          bool over, bool under, uint32_t residual)
{
    struct vtl_cmd *cmd = &t->cmd;
    struct vtl_iscsi_bhs r = {0};
    uint8_t sense[2 + VTL_SENSE_MAX];
    size_t sense_len = cmd->sense_len > VTL_SENSE_MAX ? VTL_SENSE_MAX : cmd->sense_len;
    r.opcode = VTL_ISCSI_OP_SCSI_RSP;
    r.response = 0;                       /* command completed at target */
    r.status = cmd->status;
    r.itt = t->itt;
    r.statsn = c->statsn++;
    r.exp_datasn = n_datain + t->r2tsn;
    if (t->read && t->write) {
        r.bidi_over = over;
        r.bidi_under = under;
        r.bidi_residual = residual;
    } else {
        r.over = over;
        r.under = under;
        r.residual = residual;
    }
    if (sense_len) {
        /* Sense travels as SenseLength (2 bytes) + sense data (clause 11.4.7.2). */
        vtl_iscsi_put_be16(sense, (uint16_t)sense_len);
        memcpy(sense + 2, cmd->sense, sense_len);
        (void)vtl_iscsi_conn_send(c, &r, sense, 2 + sense_len);
    } else {
        (void)vtl_iscsi_conn_send(c, &r, NULL, 0);
    }
}

static void tmf_finish(struct vtl_iscsi_conn *c, struct vtl_iscsi_tmf_wait *w);

static void task_complete(struct vtl_iscsi_task *t)
{
    struct vtl_iscsi_conn *c = t->conn;
    if (!c) {                             /* orphan: the connection is gone */
        task_unlink(t);
        task_free(t);
        return;
    }
    task_unlink(t);
    t->state = T_DONE;
    if (t->aborted || c->state != S_FULL) {
        struct vtl_iscsi_tmf_wait *w = t->tmf_wait;
        vtl_iscsi_conn_update_window(c);
        task_free(t);
        if (w && --w->n_waiting == 0 && w->armed)
            tmf_finish(c, w);
        return;
    }
    vtl_iscsi_conn_update_window(c);      /* the response carries the opened window */

    struct vtl_cmd *cmd = &t->cmd;
    uint32_t n_datain = 0;
    bool over = false, under = false;
    uint32_t residual = 0;
    if (t->read) {
        size_t produced = cmd->data_in_len;
        if (produced > cmd->data_in_cap)
            produced = cmd->data_in_cap;   /* never trust a count past our buffer */
        size_t send = produced < t->read_len ? produced : t->read_len;
        if (produced < t->read_len) {
            under = true;
            residual = (uint32_t)(t->read_len - produced);
        } else if (produced > t->read_len) {
            over = true;
            residual = (uint32_t)(produced - t->read_len);
        }
        /* Status rides on the last Data-In (phase collapse) unless there is sense or the
         * command is bidirectional (its response needs both residuals). */
        bool collapse = !t->write && cmd->status == VTL_STATUS_GOOD && cmd->sense_len == 0 &&
                        send > 0;
        size_t mrdsl = c->neg.max_recv_dsl_ini;
        size_t burst = c->neg.max_burst ? c->neg.max_burst : mrdsl;
        size_t off = 0;
        while (off < send) {
            size_t n = send - off < mrdsl ? send - off : mrdsl;
            size_t burst_left = burst - (off % burst);
            if (n > burst_left)
                n = burst_left;
            bool last = off + n == send;
            struct vtl_iscsi_bhs d = {0};
            d.opcode = VTL_ISCSI_OP_DATA_IN;
            d.final = last || (off + n) % burst == 0;   /* end of a MaxBurstLength sequence */
            d.lun = t->raw_lun;
            d.itt = t->itt;
            d.ttt = VTL_ISCSI_RSVD_TAG;
            d.datasn = n_datain++;
            d.buffer_offset = (uint32_t)off;
            if (last && collapse) {
                d.has_status = true;
                d.status = cmd->status;
                d.statsn = c->statsn++;
                d.over = over;
                d.under = under;
                d.residual = residual;
            }
            (void)vtl_iscsi_conn_send(c, &d, t->in_buf + off, n);
            c->srv->stats.data_in_pdus++;
            off += n;
        }
        if (collapse) {
            task_free(t);
            return;
        }
    }
    send_scsi_rsp(c, t, n_datain, over, under, residual);
    task_free(t);
}

static void task_done_cb(struct vtl_cmd *cmd)
{
    struct vtl_iscsi_task *t = cmd->front_priv;
    task_complete(t);
}

static void task_submit(struct vtl_iscsi_task *t)
{
    struct vtl_iscsi_conn *c = t->conn;
    struct vtl_iscsi_server *srv = c->srv;
    struct vtl_cmd *cmd = &t->cmd;
    cmd->nexus_id = c->nexus_id;
    cmd->data_out = t->out_buf;
    cmd->data_out_len = t->write ? t->edtl : 0;
    cmd->data_in = t->in_buf;
    cmd->data_in_cap = t->in_cap;
    cmd->done = task_done_cb;
    cmd->front_priv = t;
    cmd->status = VTL_STATUS_GOOD;
    cmd->data_in_len = 0;
    cmd->sense_len = 0;
    t->state = T_SUBMITTED;
    srv->stats.cmds++;
    if (!target_has_lun(c->target, t->lun) && cmd->cdb[0] != 0xA0) {
        local_no_lun(t);
        task_complete(t);
        return;
    }
    if (cmd->cdb[0] == 0xA0) {
        local_report_luns(t);
        task_complete(t);
        return;
    }
    if (srv->ops->submit(srv->ctx, c->target->ctx, t->lun, cmd) == VTL_EXEC_DONE)
        task_complete(t);
}

static struct vtl_iscsi_task *task_find(struct vtl_iscsi_conn *c, uint32_t itt)
{
    for (struct vtl_iscsi_task *t = c->tasks; t; t = t->next)
        if (t->itt == itt)
            return t;
    return NULL;
}

static uint32_t new_ttt(struct vtl_iscsi_server *srv)
{
    uint32_t ttt = srv->next_ttt++;
    if (ttt == VTL_ISCSI_RSVD_TAG)
        ttt = srv->next_ttt++;
    return ttt;
}

static void issue_r2ts(struct vtl_iscsi_task *t)
{
    struct vtl_iscsi_conn *c = t->conn;
    uint32_t max_out = c->neg.max_outstanding_r2t;
    if (max_out > VTL_ISCSI_MAX_R2T_SLOTS)
        max_out = VTL_ISCSI_MAX_R2T_SLOTS;
    uint32_t used = 0;
    for (int i = 0; i < VTL_ISCSI_MAX_R2T_SLOTS; i++)
        used += t->r2t[i].used;
    while (used < max_out && t->r2t_next < t->edtl) {
        struct vtl_iscsi_r2t *slot = NULL;
        for (int i = 0; i < VTL_ISCSI_MAX_R2T_SLOTS && !slot; i++)
            if (!t->r2t[i].used)
                slot = &t->r2t[i];
        uint32_t len = t->edtl - t->r2t_next;
        if (len > c->neg.max_burst)
            len = c->neg.max_burst;
        slot->used = true;
        slot->ttt = new_ttt(c->srv);
        slot->offset = t->r2t_next;
        slot->len = len;
        slot->received = 0;
        struct vtl_iscsi_bhs r = {0};
        r.opcode = VTL_ISCSI_OP_R2T;
        r.lun = t->raw_lun;
        r.itt = t->itt;
        r.ttt = slot->ttt;
        r.statsn = c->statsn;             /* R2T does not advance StatSN */
        r.r2tsn = t->r2tsn++;
        r.buffer_offset = slot->offset;
        r.desired_len = len;
        (void)vtl_iscsi_conn_send(c, &r, NULL, 0);
        c->srv->stats.r2ts++;
        t->r2t_next += len;
        used++;
    }
}

static void respond_now(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h, uint8_t status,
                        uint8_t key, uint8_t asc, uint8_t ascq)
{
    struct vtl_iscsi_task tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.itt = h->itt;
    tmp.cmd.status = status;
    if (status == VTL_STATUS_CHECK_CONDITION)
        tmp.cmd.sense_len = fixed_sense(tmp.cmd.sense, key, asc, ascq);
    vtl_iscsi_conn_update_window(c);
    send_scsi_rsp(c, &tmp, 0, false, h->read && h->edtl > 0, h->read ? h->edtl : 0);
}

static void handle_scsi_cmd(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h,
                            const uint8_t *data, size_t len)
{
    struct vtl_iscsi_server *srv = c->srv;
    if (!h->immediate && !vtl_iscsi_conn_check_cmdsn(c, h))
        return;
    if (c->discovery) {
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
        return;
    }
    if (task_find(c, h->itt)) {
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_TASK_IN_PROG, c->hdr);
        return;
    }
    struct vtl_iscsi_ahs_info ahs;
    if (vtl_iscsi_ahs_decode(c->hdr + VTL_ISCSI_BHS_LEN, (size_t)h->ahs_words * 4, &ahs) !=
            VTL_ISCSI_OK ||
        (len > 0 && (!h->write || !c->neg.immediate_data || len > h->edtl ||
                     len > c->neg.first_burst))) {
        srv->stats.protocol_errors++;
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
        return;
    }
    if (c->n_tasks >= 2 * srv->cfg.cmd_window) {
        respond_now(c, h, VTL_STATUS_TASK_SET_FULL, 0, 0, 0);
        return;
    }
    uint32_t read_len = 0;
    if (h->read)
        read_len = h->write ? (ahs.has_bidi_read_len ? ahs.bidi_read_len : 0) : h->edtl;
    if ((h->write && h->edtl > srv->cfg.max_cmd_data) || read_len > srv->cfg.max_cmd_data) {
        /* Unsolicited Data-Out that may follow finds no task and is dropped. */
        respond_now(c, h, VTL_STATUS_CHECK_CONDITION, 0x05, 0x24, 0x00);
        return;
    }
    if (16 + ahs.ext_cdb_len > VTL_CDB_MAX) {
        respond_now(c, h, VTL_STATUS_CHECK_CONDITION, 0x05, 0x20, 0x00);
        return;
    }

    struct vtl_iscsi_task *t = calloc(1, sizeof *t);
    if (!t) {
        respond_now(c, h, VTL_STATUS_BUSY, 0, 0, 0);
        return;
    }
    t->srv = srv;
    t->conn = c;
    t->itt = h->itt;
    t->cmdsn = h->cmdsn;
    t->immediate = h->immediate;
    t->raw_lun = h->lun;
    if (!vtl_iscsi_lun_decode(h->lun, &t->lun))
        t->lun = 0xffff;                  /* not one of ours: answered as a missing LUN */
    t->read = h->read;
    t->write = h->write && h->edtl > 0;
    t->edtl = t->write ? h->edtl : 0;
    t->read_len = read_len;
    memcpy(t->cmd.cdb, h->cdb, 16);
    if (ahs.ext_cdb_len)
        memcpy(t->cmd.cdb + 16, ahs.ext_cdb, ahs.ext_cdb_len);
    t->cmd.cdb_len = cdb_len_for(t->cmd.cdb, 16 + ahs.ext_cdb_len);
    if (t->write && !(t->out_buf = malloc(t->edtl)))
        goto nomem;
    if (t->read) {
        /* Room beyond the expected length lets a device that has more to say report it,
         * so the response carries an overflow residual (clause 11.4.5.1). */
        t->in_cap = read_len < 65536 ? 65536 : read_len;
        if (t->in_cap > srv->cfg.max_cmd_data && read_len <= srv->cfg.max_cmd_data)
            t->in_cap = srv->cfg.max_cmd_data > read_len ? srv->cfg.max_cmd_data : read_len;
        if (!(t->in_buf = malloc(t->in_cap ? t->in_cap : 1)))
            goto nomem;
    }
    t->next = c->tasks;
    if (c->tasks)
        c->tasks->prev = t;
    c->tasks = t;
    c->n_tasks++;
    if (!t->immediate)
        c->n_window_tasks++;

    if (!t->write) {
        task_submit(t);
        return;
    }
    if (len)
        memcpy(t->out_buf, data, len);
    t->out_received = t->unsol_received = (uint32_t)len;
    /* F=1 on the command: no unsolicited Data-Out follows (clause 11.3.4). */
    t->unsol_done = h->final || c->neg.initial_r2t;
    if (t->out_received == t->edtl) {
        task_submit(t);
        return;
    }
    if (t->unsol_done) {
        t->r2t_next = t->out_received;
        issue_r2ts(t);
    }
    return;
nomem:
    task_free(t);
    respond_now(c, h, VTL_STATUS_BUSY, 0, 0, 0);
}

static void handle_data_out(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h,
                            const uint8_t *data, size_t len)
{
    struct vtl_iscsi_task *t = task_find(c, h->itt);
    if (!t || t->state != T_COLLECT || t->aborted)
        return;                           /* data of a refused or aborted task: dropped */
    uint32_t off = h->buffer_offset;
    if (off > t->edtl || len > t->edtl - off) {
        c->srv->stats.protocol_errors++;
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
        return;
    }
    if (h->ttt == VTL_ISCSI_RSVD_TAG) {
        uint32_t limit = c->neg.first_burst < t->edtl ? c->neg.first_burst : t->edtl;
        /* DataPDUInOrder=Yes (always, OR with ours): unsolicited data is contiguous. */
        if (t->unsol_done || off != t->unsol_received || len > limit - t->unsol_received) {
            c->srv->stats.protocol_errors++;
            vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
            return;
        }
        if (len)
            memcpy(t->out_buf + off, data, len);
        t->unsol_received += (uint32_t)len;
        t->out_received += (uint32_t)len;
        if (h->final || t->unsol_received == limit) {
            t->unsol_done = true;
            t->r2t_next = t->unsol_received;
        }
    } else {
        struct vtl_iscsi_r2t *slot = NULL;
        for (int i = 0; i < VTL_ISCSI_MAX_R2T_SLOTS && !slot; i++)
            if (t->r2t[i].used && t->r2t[i].ttt == h->ttt)
                slot = &t->r2t[i];
        if (!slot || off != slot->offset + slot->received || len > slot->len - slot->received) {
            c->srv->stats.protocol_errors++;
            vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
            return;
        }
        if (len)
            memcpy(t->out_buf + off, data, len);
        slot->received += (uint32_t)len;
        t->out_received += (uint32_t)len;
        if (slot->received == slot->len)
            slot->used = false;
    }
    if (t->out_received == t->edtl) {
        task_submit(t);
        return;
    }
    if (t->unsol_done)
        issue_r2ts(t);
}

static void handle_nop_out(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h,
                           const uint8_t *data, size_t len)
{
    if (h->ttt != VTL_ISCSI_RSVD_TAG) {   /* the answer to our NOP-In ping */
        c->ping_outstanding = false;
        return;
    }
    if (h->itt == VTL_ISCSI_RSVD_TAG)
        return;                           /* no answer wanted */
    if (!h->immediate && !vtl_iscsi_conn_check_cmdsn(c, h))
        return;
    vtl_iscsi_conn_update_window(c);
    struct vtl_iscsi_bhs r = {0};
    r.opcode = VTL_ISCSI_OP_NOP_IN;
    r.lun = h->lun;
    r.itt = h->itt;
    r.ttt = VTL_ISCSI_RSVD_TAG;
    r.statsn = c->statsn++;
    size_t n = len < c->neg.max_recv_dsl_ini ? len : c->neg.max_recv_dsl_ini;
    (void)vtl_iscsi_conn_send(c, &r, data, n);   /* ping data echoed (clause 11.19) */
}

static void abort_task(struct vtl_iscsi_conn *c, struct vtl_iscsi_task *t, int fn,
                       bool tell_backend, struct vtl_iscsi_tmf_wait *w)
{
    struct vtl_iscsi_server *srv = c->srv;
    if (t->state == T_COLLECT) {
        task_unlink(t);
        task_free(t);
        return;
    }
    t->aborted = true;
    if (!t->tmf_wait) {
        t->tmf_wait = w;
        w->n_waiting++;
    }
    if (tell_backend && srv->ops->task_mgmt)
        (void)srv->ops->task_mgmt(srv->ctx, c->target->ctx, c->nexus_id, fn, t->lun, &t->cmd);
}

/* Sends a TMF response whose aborted tasks are all gone. */
static void tmf_finish(struct vtl_iscsi_conn *c, struct vtl_iscsi_tmf_wait *w)
{
    struct vtl_iscsi_server *srv = c->srv;
    for (struct vtl_iscsi_tmf_wait **pp = &c->tmf_waits; *pp; pp = &(*pp)->next)
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    vtl_iscsi_conn_update_window(c);
    struct vtl_iscsi_bhs r = {0};
    r.opcode = VTL_ISCSI_OP_TMF_RSP;
    r.response = w->response;
    r.itt = w->itt;
    r.statsn = c->statsn++;
    (void)vtl_iscsi_conn_send(c, &r, NULL, 0);
    if (w->cold && w->response == VTL_ISCSI_TMF_RSP_COMPLETE) {
        /* A cold reset drops every connection to the target once answered (clause 11.5.1). */
        for (struct vtl_iscsi_conn *o = srv->conns; o; o = o->next)
            if (o->target == c->target && o->state == S_FULL)
                o->state = o == c ? S_LOGOUT : S_CLOSING;
    }
    free(w);
}

static void handle_tmf(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h)
{
    struct vtl_iscsi_server *srv = c->srv;
    if (!h->immediate && !vtl_iscsi_conn_check_cmdsn(c, h))
        return;
    if (c->discovery) {
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
        return;
    }
    struct vtl_iscsi_tmf_wait *w = calloc(1, sizeof *w);
    if (!w) {
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_OUT_OF_RES, c->hdr);
        return;
    }
    w->itt = h->itt;
    w->next = c->tmf_waits;
    c->tmf_waits = w;
    int rsp = VTL_ISCSI_TMF_RSP_COMPLETE;
    uint16_t lun = 0xffff;
    bool lun_ok = vtl_iscsi_lun_decode(h->lun, &lun) && target_has_lun(c->target, lun);
    switch (h->function) {
    case VTL_ISCSI_TMF_ABORT_TASK: {
        struct vtl_iscsi_task *t = task_find(c, h->rtt);
        if (!t) {
            /* Clause 11.5.1: a referenced command not yet received (RefCmdSN inside the
             * window, before this request) counts as aborted. */
            bool pending = !vtl_iscsi_sn_lt(h->ref_cmdsn, c->exp_cmdsn) &&
                           vtl_iscsi_sn_lt(h->ref_cmdsn, h->cmdsn);
            rsp = pending ? VTL_ISCSI_TMF_RSP_COMPLETE : VTL_ISCSI_TMF_RSP_NO_TASK;
            break;
        }
        abort_task(c, t, h->function, true, w);
        break;
    }
    case VTL_ISCSI_TMF_ABORT_TASK_SET:
    case VTL_ISCSI_TMF_CLEAR_TASK_SET:
    case VTL_ISCSI_TMF_LUN_RESET:
        if (!lun_ok) {
            rsp = VTL_ISCSI_TMF_RSP_NO_LUN;
            break;
        }
        for (struct vtl_iscsi_task *t = c->tasks, *nx; t; t = nx) {
            nx = t->next;
            if (t->lun == lun)
                abort_task(c, t, h->function, false, w);
        }
        if (srv->ops->task_mgmt)
            rsp = srv->ops->task_mgmt(srv->ctx, c->target->ctx, c->nexus_id, h->function, lun,
                                      NULL);
        break;
    case VTL_ISCSI_TMF_TARGET_COLD_RESET:
        w->cold = true;
        /* fall through */
    case VTL_ISCSI_TMF_TARGET_WARM_RESET:
        for (struct vtl_iscsi_task *t = c->tasks, *nx; t; t = nx) {
            nx = t->next;
            abort_task(c, t, h->function, false, w);
        }
        if (srv->ops->task_mgmt)
            rsp = srv->ops->task_mgmt(srv->ctx, c->target->ctx, c->nexus_id, h->function, 0,
                                      NULL);
        break;
    case VTL_ISCSI_TMF_CLEAR_ACA:
        rsp = VTL_ISCSI_TMF_RSP_NOT_SUPPORTED;  /* NACA is never accepted, so no ACA */
        break;
    case VTL_ISCSI_TMF_TASK_REASSIGN:
        rsp = VTL_ISCSI_TMF_RSP_NO_REASSIGN;    /* needs ErrorRecoveryLevel 2 */
        break;
    default:
        rsp = VTL_ISCSI_TMF_RSP_REJECTED;
        break;
    }
    w->response = (uint8_t)rsp;
    w->armed = true;
    if (w->n_waiting == 0)
        tmf_finish(c, w);
}

static void handle_logout(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h)
{
    if (!h->immediate && !vtl_iscsi_conn_check_cmdsn(c, h))
        return;
    uint8_t rsp = VTL_ISCSI_LOGOUT_RSP_OK;
    if (h->function == VTL_ISCSI_LOGOUT_RECOVERY)
        rsp = VTL_ISCSI_LOGOUT_RSP_NO_RECOVERY;
    else if (h->function == VTL_ISCSI_LOGOUT_CLOSE_CONN && h->cid != c->cid)
        rsp = VTL_ISCSI_LOGOUT_RSP_NO_CID;
    else if (h->function > VTL_ISCSI_LOGOUT_RECOVERY) {
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_INVALID_FIELD, c->hdr);
        return;
    }
    vtl_iscsi_conn_update_window(c);
    struct vtl_iscsi_bhs r = {0};
    r.opcode = VTL_ISCSI_OP_LOGOUT_RSP;
    r.response = rsp;
    r.itt = h->itt;
    r.statsn = c->statsn++;
    r.time2wait = (uint16_t)c->neg.time2wait;
    r.time2retain = (uint16_t)c->neg.time2retain;
    (void)vtl_iscsi_conn_send(c, &r, NULL, 0);
    if (rsp == VTL_ISCSI_LOGOUT_RSP_OK)
        c->state = S_LOGOUT;
}

static void dispatch(struct vtl_iscsi_conn *c, uint8_t *data, size_t len)
{
    const struct vtl_iscsi_bhs *h = &c->bhs;
    struct vtl_iscsi_server *srv = c->srv;
    srv->stats.pdus_in++;
    if (c->state == S_LOGIN) {
        if (h->opcode != VTL_ISCSI_OP_LOGIN_REQ) {
            /* Only Login Requests before full feature phase (clause 6.3). */
            srv->stats.protocol_errors++;
            vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
            vtl_iscsi_conn_fail(c, "non-login PDU during login");
            return;
        }
        vtl_iscsi_login_pdu(c, h, data, len);
        return;
    }
    if (c->state != S_FULL)
        return;                           /* after logout: nothing more is served */
    switch (h->opcode) {
    case VTL_ISCSI_OP_SCSI_CMD:
        handle_scsi_cmd(c, h, data, len);
        break;
    case VTL_ISCSI_OP_DATA_OUT:
        handle_data_out(c, h, data, len);
        break;
    case VTL_ISCSI_OP_NOP_OUT:
        handle_nop_out(c, h, data, len);
        break;
    case VTL_ISCSI_OP_TEXT_REQ:
        vtl_iscsi_text_pdu(c, h, data, len);
        break;
    case VTL_ISCSI_OP_TMF_REQ:
        handle_tmf(c, h);
        break;
    case VTL_ISCSI_OP_LOGOUT_REQ:
        handle_logout(c, h);
        break;
    case VTL_ISCSI_OP_SNACK_REQ:
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_SNACK, c->hdr);  /* ERL 0: no SNACK */
        break;
    case VTL_ISCSI_OP_LOGIN_REQ:
        srv->stats.protocol_errors++;
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
        break;
    default:
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_CMD_NOT_SUPP, c->hdr);
        break;
    }
    vtl_iscsi_conn_update_window(c);
}

void vtl_iscsi_conn_assert_state(const struct vtl_iscsi_conn *c)
{
    (void)c;
    assert(c->hdr_have <= sizeof c->hdr);
    assert(c->data_have <= c->data_cap || c->data_need == 0);
    switch (c->state) {
    case S_LOGIN:
        assert(!c->hd && !c->dd);        /* digests start after the final Login Response */
        assert(c->n_tasks == 0);
        break;
    case S_FULL:
        assert(c->tsih != 0);
        assert(c->discovery || (c->target && c->nexus_open));
        assert(c->n_window_tasks <= c->n_tasks);
        break;
    case S_LOGOUT:
    case S_CLOSING:
        break;
    }
}

/* ---- input reassembly ---------------------------------------------------------------- */

enum vtl_iscsi_rc vtl_iscsi_conn_input(struct vtl_iscsi_conn *c, const uint8_t *buf, size_t len)
{
    struct vtl_iscsi_server *srv = c->srv;
    if (len)
        c->last_rx_ms = vtl_iscsi_now_ms();
    while (len > 0) {
        if (c->state == S_CLOSING || c->state == S_LOGOUT)
            return c->state == S_CLOSING ? VTL_ISCSI_EPROTO : VTL_ISCSI_OK;
        if (!c->hdr_parsed) {
            size_t need = c->hdr_need ? c->hdr_need : VTL_ISCSI_BHS_LEN;
            size_t take = need - c->hdr_have < len ? need - c->hdr_have : len;
            memcpy(c->hdr + c->hdr_have, buf, take);
            c->hdr_have += take;
            buf += take;
            len -= take;
            if (c->hdr_have < need)
                continue;
            if (!c->hdr_need) {
                /* The BHS is here: its AHS length and our digest setting say how much
                 * header follows. An opcode we do not know still has that frame. */
                c->hdr_need = VTL_ISCSI_BHS_LEN + (size_t)c->hdr[4] * 4 + (c->hd ? 4 : 0);
                if (c->hdr_need > c->hdr_have)
                    continue;
            }
            if (c->hd) {
                size_t hl = c->hdr_need - 4;
                if (vtl_iscsi_crc32c(c->hdr, hl) != vtl_iscsi_digest_get(c->hdr + hl)) {
                    /* A bad header digest leaves the framing untrustworthy: at ERL 0
                     * the connection is dropped (clause 7.8). */
                    srv->stats.digest_errors++;
                    vtl_iscsi_conn_fail(c, "header digest error");
                    return VTL_ISCSI_EDIGEST;
                }
            }
            enum vtl_iscsi_rc rc = vtl_iscsi_bhs_decode(c->hdr, c->hdr_have, &c->bhs);
            if (rc != VTL_ISCSI_OK) {
                c->bhs.opcode = c->hdr[0] & 0x3f;
                c->bhs.ahs_words = c->hdr[4];
                c->bhs.data_len = vtl_iscsi_get_be24(c->hdr + 5);
            }
            uint32_t max = c->state == S_LOGIN ? VTL_ISCSI_LOGIN_DSL_MAX
                                               : srv->policy.max_recv_dsl_tgt;
            if (c->state == S_LOGIN && srv->policy.max_recv_dsl_tgt > max)
                max = srv->policy.max_recv_dsl_tgt;
            if (c->bhs.data_len > max) {
                /* Longer than we declared: the sender ignores our limits (clause 13.12). */
                srv->stats.protocol_errors++;
                vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
                vtl_iscsi_conn_fail(c, "data segment too long");
                return VTL_ISCSI_EPROTO;
            }
            c->data_need = vtl_iscsi_pad4(c->bhs.data_len) +
                           (c->dd && c->bhs.data_len ? 4 : 0);
            if (c->data_need > c->data_cap) {
                uint8_t *nd = realloc(c->data, c->data_need);
                if (!nd) {
                    vtl_iscsi_conn_fail(c, "out of memory");
                    return VTL_ISCSI_ENOMEM;
                }
                c->data = nd;
                c->data_cap = c->data_need;
            }
            c->data_have = 0;
            c->hdr_parsed = true;
        }
        if (c->data_have < c->data_need) {
            size_t take = c->data_need - c->data_have < len ? c->data_need - c->data_have : len;
            memcpy(c->data + c->data_have, buf, take);
            c->data_have += take;
            buf += take;
            len -= take;
            if (c->data_have < c->data_need)
                continue;
        }
        /* One whole PDU. */
        c->hdr_parsed = false;
        c->hdr_have = 0;
        c->hdr_need = 0;
        size_t dl = c->bhs.data_len;
        bool digest_ok = true;
        if (c->dd && dl) {
            size_t padded = vtl_iscsi_pad4((uint32_t)dl);
            digest_ok = vtl_iscsi_crc32c(c->data, padded) == vtl_iscsi_digest_get(c->data + padded);
        }
        if (!digest_ok) {
            /* Clause 7.8: discard the PDU and answer Reject (Data Digest Error). */
            srv->stats.digest_errors++;
            vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_DATA_DIGEST, c->hdr);
            continue;
        }
        if (!vtl_iscsi_op_known(c->bhs.opcode) || c->bhs.opcode >= 0x20) {
            srv->stats.protocol_errors++;
            srv->stats.pdus_in++;
            vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_CMD_NOT_SUPP, c->hdr);
            if (c->state == S_LOGIN)
                vtl_iscsi_conn_fail(c, "unknown opcode during login");
            continue;
        }
        dispatch(c, c->data, dl);
    }
    vtl_iscsi_conn_assert_state(c);
    return c->state == S_CLOSING ? VTL_ISCSI_EPROTO : VTL_ISCSI_OK;
}

void vtl_iscsi_conn_request_logout(struct vtl_iscsi_conn *c, uint16_t seconds, uint64_t now_ms)
{
    if (c->state != S_FULL)
        return;
    struct vtl_iscsi_bhs a = {0};
    a.opcode = VTL_ISCSI_OP_ASYNC_MSG;
    a.itt = VTL_ISCSI_RSVD_TAG;
    a.statsn = c->statsn++;
    a.async_event = 1;                    /* target requests logout */
    a.param3 = seconds;                   /* Parameter3: time to logout */
    (void)vtl_iscsi_conn_send(c, &a, NULL, 0);
    c->logout_deadline_ms = now_ms + ((uint64_t)seconds + 2) * 1000u;
}

void vtl_iscsi_conn_timer(struct vtl_iscsi_conn *c, uint64_t now_ms)
{
    const struct vtl_iscsi_config *cfg = &c->srv->cfg;
    if (c->state == S_FULL && c->logout_deadline_ms && now_ms >= c->logout_deadline_ms) {
        vtl_iscsi_conn_fail(c, "no logout after the target asked for one");
        return;
    }
    if (c->state == S_LOGIN && cfg->login_timeout_ms &&
        now_ms - c->created_ms >= cfg->login_timeout_ms) {
        vtl_iscsi_conn_fail(c, "login timeout");
        return;
    }
    if (c->state != S_FULL || !cfg->nop_interval_ms)
        return;
    if (c->ping_outstanding) {
        if (now_ms - c->ping_sent_ms >= cfg->nop_interval_ms)
            vtl_iscsi_conn_fail(c, "NOP-In ping not answered");
        return;
    }
    if (now_ms - c->last_rx_ms >= cfg->nop_interval_ms) {
        struct vtl_iscsi_bhs r = {0};
        r.opcode = VTL_ISCSI_OP_NOP_IN;
        r.itt = VTL_ISCSI_RSVD_TAG;
        r.ttt = new_ttt(c->srv);
        r.statsn = c->statsn;              /* unsolicited NOP-In does not advance StatSN */
        r.lun = 0;
        (void)vtl_iscsi_conn_send(c, &r, NULL, 0);
        c->ping_outstanding = true;
        c->ping_sent_ms = now_ms;
    }
}
