/* SPDX-License-Identifier: MIT
 * sim/iscsi/task.c - SCSI tasks of the full feature phase (RFC 7143 clauses 4.2.5, 11.3-11.8,
 * 11.5-11.6): a SCSI Command with immediate data, unsolicited Data-Out and R2T until its
 * data is whole, submission to the backend, Data-In with status (phase collapse) and
 * residuals or a SCSI Response with sense, and Task Management, whose response waits for
 * the tasks it aborted. The connection side (framing, NOP, logout) is in conn.c.
 *
 * Task life (struct vtl_iscsi_task in conn.h):
 *   T_COLLECT (write data still arriving: immediate, unsolicited, then solicited by R2T)
 *     -> T_SUBMITTED (backend holds the vtl_cmd) -> completion: Data-In/Response sent,
 *   task freed. ABORT TASK etc. mark a submitted task aborted: its completion sends
 *   nothing. A connection that closes leaves submitted tasks as orphans on the server.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/iscsi/conn.h"

void vtl_iscsi_task_unlink(struct vtl_iscsi_task *t)
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

#define WBUF_KEEP_MAX ((2u << 20) + VTL_ISCSI_WBUF_SLACK)   /* 2 MiB tape blocks */

uint8_t *vtl_iscsi_wbuf_get(struct vtl_iscsi_conn *c, size_t len, size_t *cap)
{
    size_t need = len + VTL_ISCSI_WBUF_SLACK;
    if (c && c->spare_buf && c->spare_cap >= need) {
        uint8_t *b = c->spare_buf;
        *cap = c->spare_cap;
        c->spare_buf = NULL;
        c->spare_cap = 0;
        return b;
    }
    uint8_t *b = malloc(need);
    *cap = b ? need : 0;
    return b;
}

void vtl_iscsi_wbuf_put(struct vtl_iscsi_conn *c, uint8_t *buf, size_t cap)
{
    if (!buf)
        return;
    /* Keeping the largest buffer seen serves a stream of equal writes without a malloc,
     * free and fresh page faults per command. Only buffers up to WBUF_KEEP_MAX are kept,
     * so an idle session holds little whatever block size it once wrote. */
    if (!c || cap > WBUF_KEEP_MAX || (c->spare_buf && c->spare_cap >= cap)) {
        free(buf);
        return;
    }
    free(c->spare_buf);
    c->spare_buf = buf;
    c->spare_cap = cap;
}

void vtl_iscsi_task_free(struct vtl_iscsi_task *t)
{
    vtl_iscsi_wbuf_put(t->conn, t->out_buf, t->out_cap);
    vtl_iscsi_blob_unref(t->in_blob);     /* Data-In still queued keeps its own reference */
    free(t);
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
        vtl_iscsi_task_unlink(t);
        vtl_iscsi_task_free(t);
        return;
    }
    vtl_iscsi_task_unlink(t);
    t->state = T_DONE;
    if (t->aborted || c->state != S_FULL) {
        struct vtl_iscsi_tmf_wait *w = t->tmf_wait;
        vtl_iscsi_conn_update_window(c);
        vtl_iscsi_task_free(t);
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
            (void)vtl_iscsi_conn_send_blob(c, &d, t->in_blob, t->in_buf + off, n);
            c->srv->stats.data_in_pdus++;
            off += n;
        }
        if (collapse) {
            vtl_iscsi_task_free(t);
            return;
        }
    }
    send_scsi_rsp(c, t, n_datain, over, under, residual);
    vtl_iscsi_task_free(t);
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
        slot->ttt = vtl_iscsi_new_ttt(c->srv);
        slot->offset = t->r2t_next;
        slot->len = len;
        slot->received = 0;
        slot->next_datasn = 0;
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

static void scsi_cmd(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h,
                     const uint8_t *data, size_t len);

void vtl_iscsi_scsi_cmd_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h,
                            const uint8_t *data, size_t len)
{
    scsi_cmd(c, h, data, len);
    if (c->cmd_buf) {
        /* Immediate data received in place for a command that was refused: the buffer
         * becomes the spare (or is freed) rather than staying with the connection. */
        vtl_iscsi_wbuf_put(c, c->cmd_buf, c->cmd_buf_cap);
        c->cmd_buf = NULL;
        c->cmd_buf_cap = 0;
    }
}

static void scsi_cmd(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h,
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
    if (t->write && len && data == c->cmd_buf) {
        /* The immediate data was received in place (vtl_iscsi_task_rx_dest). */
        t->out_buf = c->cmd_buf;
        t->out_cap = c->cmd_buf_cap;
        c->cmd_buf = NULL;
        c->cmd_buf_cap = 0;
    } else if (t->write && !(t->out_buf = vtl_iscsi_wbuf_get(c, t->edtl, &t->out_cap))) {
        goto nomem;
    }
    if (t->read) {
        /* Room beyond the expected length lets a device that has more to say report it,
         * so the response carries an overflow residual (clause 11.4.5.1). */
        t->in_cap = read_len < 65536 ? 65536 : read_len;
        if (t->in_cap > srv->cfg.max_cmd_data && read_len <= srv->cfg.max_cmd_data)
            t->in_cap = srv->cfg.max_cmd_data > read_len ? srv->cfg.max_cmd_data : read_len;
        if (!(t->in_blob = vtl_iscsi_blob_new(t->in_cap)))
            goto nomem;
        t->in_buf = t->in_blob->data;
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
    if (len && data != t->out_buf)
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
    vtl_iscsi_task_free(t);
    respond_now(c, h, VTL_STATUS_BUSY, 0, 0, 0);
}

uint8_t *vtl_iscsi_task_rx_dest(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h)
{
    size_t len = h->data_len;
    if (h->opcode == VTL_ISCSI_OP_SCSI_CMD) {
        if (!h->write || len > h->edtl || h->edtl > c->srv->cfg.max_cmd_data ||
            !c->neg.immediate_data || len > c->neg.first_burst)
            return NULL;                  /* refused anyway: let c->data take it */
        if (c->cmd_buf && c->cmd_buf_cap < h->edtl + (size_t)VTL_ISCSI_WBUF_SLACK) {
            vtl_iscsi_wbuf_put(c, c->cmd_buf, c->cmd_buf_cap);
            c->cmd_buf = NULL;
            c->cmd_buf_cap = 0;
        }
        if (!c->cmd_buf)
            c->cmd_buf = vtl_iscsi_wbuf_get(c, h->edtl, &c->cmd_buf_cap);
        return c->cmd_buf;                /* NULL if out of memory: c->data then */
    }
    if (h->opcode != VTL_ISCSI_OP_DATA_OUT)
        return NULL;
    struct vtl_iscsi_task *t = task_find(c, h->itt);
    uint32_t off = h->buffer_offset;
    if (!t || t->state != T_COLLECT || t->aborted || off > t->edtl || len > t->edtl - off)
        return NULL;
    /* Padding and a data digest land after the data: harmless only where nothing has
     * been received yet, i.e. after the last byte of the buffer or with neither. */
    if ((c->dd || len % 4) && off + len != t->edtl)
        return NULL;
    if (h->ttt == VTL_ISCSI_RSVD_TAG)
        return !t->unsol_done && off == t->unsol_received ? t->out_buf + off : NULL;
    for (int i = 0; i < VTL_ISCSI_MAX_R2T_SLOTS; i++)
        if (t->r2t[i].used && t->r2t[i].ttt == h->ttt)
            return off == t->r2t[i].offset + t->r2t[i].received ? t->out_buf + off : NULL;
    return NULL;
}

/* A Data-Out that breaks its sequence (offset, DataSN, burst size): ERL 0 has no
 * within-command recovery, so the PDU is rejected and the command ends at once with
 * CHECK CONDITION, ABORTED COMMAND / DATA PHASE ERROR; later Data-Out for it is dropped. */
static void data_sequence_error(struct vtl_iscsi_conn *c, struct vtl_iscsi_task *t)
{
    c->srv->stats.protocol_errors++;
    vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
    vtl_iscsi_task_unlink(t);
    vtl_iscsi_conn_update_window(c);
    t->cmd.status = VTL_STATUS_CHECK_CONDITION;
    t->cmd.sense_len = fixed_sense(t->cmd.sense, 0x0B, 0x4B, 0x00);
    send_scsi_rsp(c, t, 0, false, false, 0);
    vtl_iscsi_task_free(t);
}

void vtl_iscsi_data_out_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h,
                            const uint8_t *data, size_t len)
{
    struct vtl_iscsi_task *t = task_find(c, h->itt);
    if (!t || t->state != T_COLLECT || t->aborted)
        return;                           /* data of a refused or aborted task: dropped */
    uint32_t off = h->buffer_offset;
    if (off > t->edtl || len > t->edtl - off) {
        data_sequence_error(c, t);
        return;
    }
    if (h->ttt == VTL_ISCSI_RSVD_TAG) {
        uint32_t limit = c->neg.first_burst < t->edtl ? c->neg.first_burst : t->edtl;
        /* DataPDUInOrder=Yes (always, OR with ours): unsolicited data is contiguous. */
        if (t->unsol_done || off != t->unsol_received || len > limit - t->unsol_received ||
            h->datasn != t->unsol_datasn) {
            data_sequence_error(c, t);
            return;
        }
        if (len && data != t->out_buf + off)   /* else received in place */
            memcpy(t->out_buf + off, data, len);
        t->unsol_received += (uint32_t)len;
        t->unsol_datasn++;
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
        if (!slot || off != slot->offset + slot->received || len > slot->len - slot->received ||
            h->datasn != slot->next_datasn) {
            data_sequence_error(c, t);
            return;
        }
        if (len && data != t->out_buf + off)   /* else received in place */
            memcpy(t->out_buf + off, data, len);
        slot->received += (uint32_t)len;
        slot->next_datasn++;
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

static void abort_task(struct vtl_iscsi_conn *c, struct vtl_iscsi_task *t, int fn,
                       bool tell_backend, struct vtl_iscsi_tmf_wait *w)
{
    struct vtl_iscsi_server *srv = c->srv;
    if (t->state == T_COLLECT) {
        vtl_iscsi_task_unlink(t);
        vtl_iscsi_task_free(t);
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

void vtl_iscsi_tmf_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h)
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
