/* SPDX-License-Identifier: MIT
 * sim/iscsi/conn.c - one iSCSI connection in memory: PDU reassembly and digests, the
 * output queue, command numbering (RFC 7143 clause 4.2.2), and the full feature PDUs
 * that are not SCSI tasks: NOP-Out/NOP-In, Logout, SNACK and Reject, plus the dispatch
 * of each PDU to login.c (login, text) or task.c (SCSI commands, Data-Out, task
 * management). The state diagram is in conn.h.
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

void vtl_iscsi_conn_free(struct vtl_iscsi_conn *c)
{
    struct vtl_iscsi_server *srv = c->srv;
    while (c->tasks) {
        struct vtl_iscsi_task *t = c->tasks;
        vtl_iscsi_task_unlink(t);
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
            vtl_iscsi_task_free(t);
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
        vtl_iscsi_blob_unref(o->blob);
        free(o);
    }
    free(c->data);
    free(c->cmd_buf);
    free(c->spare_buf);
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

uint32_t vtl_iscsi_new_ttt(struct vtl_iscsi_server *srv)
{
    uint32_t ttt = srv->next_ttt++;
    if (ttt == VTL_ISCSI_RSVD_TAG)
        ttt = srv->next_ttt++;
    return ttt;
}

/* ---- output -------------------------------------------------------------------------- */

struct vtl_iscsi_blob *vtl_iscsi_blob_new(size_t len)
{
    struct vtl_iscsi_blob *b = malloc(sizeof *b + (len ? len : 1));
    if (b)
        b->refs = 1;
    return b;
}

void vtl_iscsi_blob_unref(struct vtl_iscsi_blob *b)
{
    if (b && --b->refs == 0)
        free(b);
}

size_t vtl_iscsi_outbuf_segment(const struct vtl_iscsi_outbuf *o, size_t off, const uint8_t **p)
{
    if (off < o->head_len) {
        *p = o->data + off;
        return o->head_len - off;
    }
    off -= o->head_len;
    if (off < o->ext_len) {
        *p = o->ext + off;
        return o->ext_len - off;
    }
    off -= o->ext_len;
    *p = o->tail + off;
    return o->tail_len - off;
}

static void out_append(struct vtl_iscsi_conn *c, struct vtl_iscsi_outbuf *o)
{
    o->next = NULL;
    if (c->out_tail)
        c->out_tail->next = o;
    else
        c->out_head = o;
    c->out_tail = o;
    c->out_bytes += o->len;
    if (c->out_bytes > c->srv->stats.out_queue_peak)
        c->srv->stats.out_queue_peak = c->out_bytes;
    c->srv->stats.pdus_out++;
}

/* Completes @h and writes BHS (+ header digest) at @p; returns the bytes written. */
static size_t put_header(struct vtl_iscsi_conn *c, struct vtl_iscsi_bhs *h, size_t data_len,
                         uint8_t *p)
{
    h->data_len = (uint32_t)data_len;
    h->ahs_words = 0;
    h->exp_cmdsn = c->exp_cmdsn;
    h->max_cmdsn = c->max_cmdsn;
    if (vtl_iscsi_bhs_encode(h, p, VTL_ISCSI_BHS_LEN) != VTL_ISCSI_OK)
        return 0;
    if (!c->hd)
        return VTL_ISCSI_BHS_LEN;
    vtl_iscsi_digest_put(p + VTL_ISCSI_BHS_LEN, vtl_iscsi_crc32c(p, VTL_ISCSI_BHS_LEN));
    return VTL_ISCSI_BHS_LEN + VTL_ISCSI_DIGEST_LEN;
}

enum vtl_iscsi_rc vtl_iscsi_conn_send_blob(struct vtl_iscsi_conn *c, struct vtl_iscsi_bhs *h,
                                           struct vtl_iscsi_blob *blob, const uint8_t *data,
                                           size_t len)
{
    if (c->state == S_CLOSING)
        return VTL_ISCSI_ESTATE;
    if (len > VTL_ISCSI_DSL_MAX)
        return VTL_ISCSI_ERANGE;
    if (len == 0)
        return vtl_iscsi_conn_send(c, h, NULL, 0);
    struct vtl_iscsi_outbuf *o = malloc(sizeof *o + VTL_ISCSI_BHS_LEN + VTL_ISCSI_DIGEST_LEN);
    if (!o) {
        vtl_iscsi_conn_fail(c, "out of memory");
        return VTL_ISCSI_ENOMEM;
    }
    o->head_len = put_header(c, h, len, o->data);
    if (!o->head_len) {
        free(o);
        return VTL_ISCSI_EINVAL;
    }
    static const uint8_t zeros[4];
    size_t pad = vtl_iscsi_pad4((uint32_t)len) - len;
    memset(o->tail, 0, sizeof o->tail);
    o->tail_len = pad;
    if (c->dd) {
        uint32_t crc = vtl_iscsi_crc32c_update(0xFFFFFFFFu, data, len);
        crc = vtl_iscsi_crc32c_update(crc, zeros, pad);
        vtl_iscsi_digest_put(o->tail + pad, ~crc);
        o->tail_len += VTL_ISCSI_DIGEST_LEN;
    }
    o->blob = blob;
    blob->refs++;                         /* paired with the unref when the PDU is sent */
    o->ext = data;
    o->ext_len = len;
    o->len = o->head_len + len + o->tail_len;
    out_append(c, o);
    return VTL_ISCSI_OK;
}

enum vtl_iscsi_rc vtl_iscsi_conn_send(struct vtl_iscsi_conn *c, struct vtl_iscsi_bhs *h,
                                      const void *data, size_t data_len)
{
    if (c->state == S_CLOSING)
        return VTL_ISCSI_ESTATE;
    if (data_len > VTL_ISCSI_DSL_MAX)
        return VTL_ISCSI_ERANGE;
    size_t padded = vtl_iscsi_pad4((uint32_t)data_len);
    size_t total = VTL_ISCSI_BHS_LEN + (c->hd ? 4 : 0) + padded + (c->dd && data_len ? 4 : 0);
    struct vtl_iscsi_outbuf *o = malloc(sizeof *o + total);
    if (!o) {
        vtl_iscsi_conn_fail(c, "out of memory");
        return VTL_ISCSI_ENOMEM;
    }
    size_t hl = put_header(c, h, data_len, o->data);
    if (!hl) {
        free(o);
        return VTL_ISCSI_EINVAL;
    }
    uint8_t *p = o->data + hl;
    if (data_len) {
        memcpy(p, data, data_len);
        memset(p + data_len, 0, padded - data_len);
        if (c->dd)
            vtl_iscsi_digest_put(p + padded, vtl_iscsi_crc32c(p, padded));
    }
    o->len = o->head_len = total;
    o->blob = NULL;
    o->ext = NULL;
    o->ext_len = o->tail_len = 0;
    out_append(c, o);
    return VTL_ISCSI_OK;
}

const uint8_t *vtl_iscsi_conn_out_peek(struct vtl_iscsi_conn *c, size_t *len)
{
    if (!c->out_head) {
        *len = 0;
        return NULL;
    }
    const uint8_t *p;
    *len = vtl_iscsi_outbuf_segment(c->out_head, c->out_off, &p);
    return p;
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
            vtl_iscsi_blob_unref(o->blob);
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
        vtl_iscsi_scsi_cmd_pdu(c, h, data, len);
        break;
    case VTL_ISCSI_OP_DATA_OUT:
        vtl_iscsi_data_out_pdu(c, h, data, len);
        break;
    case VTL_ISCSI_OP_NOP_OUT:
        handle_nop_out(c, h, data, len);
        break;
    case VTL_ISCSI_OP_TEXT_REQ:
        vtl_iscsi_text_pdu(c, h, data, len);
        break;
    case VTL_ISCSI_OP_TMF_REQ:
        vtl_iscsi_tmf_pdu(c, h);
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
    assert(c->data_have <= c->data_need);
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

/* The header in c->hdr is complete: check its digest, decode it, and choose where its
 * data segment goes. Returns OK or the error that closed the connection. */
static enum vtl_iscsi_rc header_done(struct vtl_iscsi_conn *c)
{
    struct vtl_iscsi_server *srv = c->srv;
    if (c->hd) {
        size_t hl = c->hdr_need - 4;
        if (vtl_iscsi_crc32c(c->hdr, hl) != vtl_iscsi_digest_get(c->hdr + hl)) {
            /* A bad header digest leaves the framing untrustworthy: at ERL 0 the
             * connection is dropped (clause 7.8). */
            srv->stats.digest_errors++;
            vtl_iscsi_conn_fail(c, "header digest error");
            return VTL_ISCSI_EDIGEST;
        }
    }
    enum vtl_iscsi_rc rc = vtl_iscsi_bhs_decode(c->hdr, c->hdr_have, &c->bhs);
    c->hdr_ok = rc == VTL_ISCSI_OK;
    if (!c->hdr_ok) {
        c->bhs.opcode = c->hdr[0] & 0x3f;
        c->bhs.ahs_words = c->hdr[4];
        c->bhs.data_len = vtl_iscsi_get_be24(c->hdr + 5);
    }
    uint32_t max = c->state == S_LOGIN ? VTL_ISCSI_LOGIN_DSL_MAX : srv->policy.max_recv_dsl_tgt;
    if (c->state == S_LOGIN && srv->policy.max_recv_dsl_tgt > max)
        max = srv->policy.max_recv_dsl_tgt;
    if (c->bhs.data_len > max) {
        /* Longer than we declared: the sender ignores our limits (clause 13.12). */
        srv->stats.protocol_errors++;
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
        vtl_iscsi_conn_fail(c, "data segment too long");
        return VTL_ISCSI_EPROTO;
    }
    c->data_need = vtl_iscsi_pad4(c->bhs.data_len) + (c->dd && c->bhs.data_len ? 4 : 0);
    c->rx = NULL;
    if (c->hdr_ok && c->state == S_FULL && c->bhs.data_len)
        c->rx = vtl_iscsi_task_rx_dest(c, &c->bhs);
    if (!c->rx) {
        if (c->data_need > c->data_cap) {
            uint8_t *nd = realloc(c->data, c->data_need);
            if (!nd) {
                vtl_iscsi_conn_fail(c, "out of memory");
                return VTL_ISCSI_ENOMEM;
            }
            c->data = nd;
            c->data_cap = c->data_need;
        }
        c->rx = c->data;
    }
    c->data_have = 0;
    c->hdr_parsed = true;
    return VTL_ISCSI_OK;
}

/* Data segments at least this long are worth a receive of their own straight into their
 * destination (server.c), rather than arriving in the next read chunk to be copied. */
#define BIG_DATA_SEGMENT 16384

/* One whole PDU is in c->hdr and c->rx: verify the data digest and dispatch it. */
static void pdu_done(struct vtl_iscsi_conn *c)
{
    struct vtl_iscsi_server *srv = c->srv;
    c->hdr_parsed = false;
    c->hdr_have = 0;
    c->hdr_need = 0;
    size_t dl = c->bhs.data_len;
    c->last_data_big = dl >= BIG_DATA_SEGMENT;
    if (c->dd && dl) {
        size_t padded = vtl_iscsi_pad4((uint32_t)dl);
        if (vtl_iscsi_crc32c(c->rx, padded) != vtl_iscsi_digest_get(c->rx + padded)) {
            /* Clause 7.8: discard the PDU and answer Reject (Data Digest Error). */
            srv->stats.digest_errors++;
            vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_DATA_DIGEST, c->hdr);
            return;
        }
    }
    if (!vtl_iscsi_op_known(c->bhs.opcode) || c->bhs.opcode >= 0x20) {
        srv->stats.protocol_errors++;
        srv->stats.pdus_in++;
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_CMD_NOT_SUPP, c->hdr);
        if (c->state == S_LOGIN)
            vtl_iscsi_conn_fail(c, "unknown opcode during login");
        return;
    }
    dispatch(c, c->rx, dl);
}

enum vtl_iscsi_rc vtl_iscsi_conn_input(struct vtl_iscsi_conn *c, const uint8_t *buf, size_t len)
{
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
            enum vtl_iscsi_rc rc = header_done(c);
            if (rc != VTL_ISCSI_OK)
                return rc;
        }
        if (c->data_have < c->data_need) {
            size_t take = c->data_need - c->data_have < len ? c->data_need - c->data_have : len;
            memcpy(c->rx + c->data_have, buf, take);
            c->data_have += take;
            buf += take;
            len -= take;
            if (c->data_have < c->data_need)
                continue;
        }
        pdu_done(c);
    }
    vtl_iscsi_conn_assert_state(c);
    return c->state == S_CLOSING ? VTL_ISCSI_EPROTO : VTL_ISCSI_OK;
}

uint8_t *vtl_iscsi_conn_rx_room(struct vtl_iscsi_conn *c, size_t *len)
{
    if (vtl_iscsi_conn_want_close(c) || !c->hdr_parsed || c->data_have >= c->data_need) {
        *len = 0;
        return NULL;
    }
    *len = c->data_need - c->data_have;
    return c->rx + c->data_have;
}

enum vtl_iscsi_rc vtl_iscsi_conn_rx_commit(struct vtl_iscsi_conn *c, size_t n)
{
    assert(c->hdr_parsed && n > 0 && n <= c->data_need - c->data_have);
    c->last_rx_ms = vtl_iscsi_now_ms();
    if (c->rx != c->data)
        c->srv->stats.bytes_in_place += n;
    c->data_have += n;
    if (c->data_have == c->data_need)
        pdu_done(c);
    vtl_iscsi_conn_assert_state(c);
    return c->state == S_CLOSING ? VTL_ISCSI_EPROTO : VTL_ISCSI_OK;
}

bool vtl_iscsi_conn_between_pdus(const struct vtl_iscsi_conn *c)
{
    return !c->hdr_parsed && c->hdr_have == 0;
}

bool vtl_iscsi_conn_want_header_only(const struct vtl_iscsi_conn *c)
{
    return !c->hdr_parsed && c->last_data_big;
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
        r.ttt = vtl_iscsi_new_ttt(c->srv);
        r.statsn = c->statsn;              /* unsolicited NOP-In does not advance StatSN */
        r.lun = 0;
        (void)vtl_iscsi_conn_send(c, &r, NULL, 0);
        c->ping_outstanding = true;
        c->ping_sent_ms = now_ms;
    }
}
