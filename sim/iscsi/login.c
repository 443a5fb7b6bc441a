/* SPDX-License-Identifier: MIT
 * sim/iscsi/login.c - the target side of iSCSI login (RFC 7143 clauses 6, 8.1.3, 11.12,
 * 11.13, 12.1.3) and of Text requests (clause 11.10, SendTargets in clause 13.3 and
 * Appendix C).
 *
 * Login stages and the security sub-states (one connection, conn.h has the outer states):
 *
 *            AuthMethod=None agreed                      T=1 NSG=1
 *   SECURITY ──────────────────────► [AUTH_NONE] ─────────────────────► OPERATIONAL
 *   [AUTH_START]                                                            │
 *      │ AuthMethod=CHAP agreed                                             │ T=1 NSG=3
 *      ▼                                                                    ▼
 *   [AUTH_CHAP_WAIT_A] ─CHAP_A=5─► [AUTH_CHAP_WAIT_R] ─CHAP_N,CHAP_R ok─► [AUTH_DONE]
 *      (sent: CHAP_A, CHAP_I, CHAP_C)    (mutual: CHAP_N, CHAP_R back)   ─T=1 NSG=1|3─►
 *                                                                      FULL FEATURE
 * Any failure (bad key, wrong response, unknown target, missing InitiatorName...) sends a
 * Login Response with a non-zero status and closes the connection (login_fail).
 *
 * Transitions: AUTH_START->AUTH_NONE|AUTH_CHAP_WAIT_A in do_auth_method(),
 * ->AUTH_CHAP_WAIT_R in do_chap_a(), ->AUTH_DONE in do_chap_response(); the stage moves
 * in vtl_iscsi_login_pdu() after the response is queued; FULL FEATURE in login_finish().
 * The target transits only when the initiator asked (T=1) and authentication allows it.
 * Starting in the operational stage (libiscsi does when it has no CHAP user) is the same
 * as AuthMethod=None and is refused if the target requires CHAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/iscsi/conn.h"

#define LOGIN_MAX_PAIRS 256

struct vtl_iscsi_target *vtl_iscsi_target_find(struct vtl_iscsi_server *srv, const char *name)
{
    for (size_t i = 0; i < srv->n_targets; i++)
        if (strcmp(srv->targets[i].name, name) == 0)
            return &srv->targets[i];
    return NULL;
}

const struct vtl_iscsi_chap_cfg *vtl_iscsi_chap_for(const struct vtl_iscsi_server *srv,
                                                    const char *target_name, bool discovery)
{
    const struct vtl_iscsi_chap_cfg *dflt = NULL;
    for (size_t i = 0; i < srv->n_chaps; i++) {
        const struct vtl_iscsi_chap_cfg *ch = &srv->chaps[i];
        if (!ch->target_name)
            dflt = ch;
        else if (!discovery && target_name && strcmp(ch->target_name, target_name) == 0)
            return ch;
    }
    return dflt;
}

static void login_respond(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *req,
                          bool transit, uint8_t nsg, uint16_t status,
                          const struct vtl_iscsi_textbuf *tb)
{
    struct vtl_iscsi_bhs r = {0};
    r.opcode = VTL_ISCSI_OP_LOGIN_RSP;
    r.final = transit;
    r.csg = req->csg;
    r.nsg = transit ? nsg : 0;
    r.version_max = 0;
    r.version_min = 0;                   /* VersionActive */
    memcpy(r.isid, c->isid, 6);
    r.tsih = (transit && nsg == VTL_ISCSI_STAGE_FULL && status == 0) ? c->tsih : 0;
    r.itt = req->itt;
    r.statsn = c->statsn++;
    r.status_class = (uint8_t)(status >> 8);
    r.status_detail = (uint8_t)status;
    (void)vtl_iscsi_conn_send(c, &r, tb ? tb->buf : NULL, tb ? tb->len : 0);
}

static void login_fail(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *req, uint16_t status,
                       const char *why)
{
    login_respond(c, req, false, 0, status, NULL);
    c->srv->stats.logins_failed++;
    vtl_iscsi_conn_fail(c, why);
}

/* Session reinstatement (clause 6.3.5): a new leading login from the same initiator port
 * (InitiatorName + ISID) to the same target replaces the old session. */
static void reinstate_sessions(struct vtl_iscsi_conn *c)
{
    for (struct vtl_iscsi_conn *o = c->srv->conns; o; o = o->next) {
        if (o == c || o->state != S_FULL || o->discovery || o->target != c->target)
            continue;
        if (memcmp(o->isid, c->isid, 6) == 0 && strcmp(o->initiator_name, c->initiator_name) == 0)
            vtl_iscsi_conn_fail(o, "session reinstated by a new login");
    }
}

static bool login_finish(struct vtl_iscsi_conn *c)
{
    struct vtl_iscsi_server *srv = c->srv;
    if (!c->discovery) {
        reinstate_sessions(c);
        uint64_t nexus = 0;
        if (srv->ops->nexus_open) {
            if (srv->ops->nexus_open(srv->ctx, c->target->ctx, c->initiator_name, c->isid,
                                     &nexus) != 0)
                return false;
        } else {
            nexus = ++srv->next_nexus;
        }
        c->nexus_id = nexus;
        c->nexus_open = true;
    }
    if (++srv->next_tsih == 0)
        srv->next_tsih = 1;
    c->tsih = srv->next_tsih;
    vtl_iscsi_params_finish(&c->neg);
    return true;
}

static void do_auth_method(struct vtl_iscsi_conn *c, const char *value,
                           struct vtl_iscsi_textbuf *tb, uint16_t *fail)
{
    char pick[16];
    if (c->auth != AUTH_START) {
        *fail = VTL_ISCSI_LOGIN_INITIATOR_ERROR;  /* renegotiation of AuthMethod */
        return;
    }
    const char *supported = c->chap ? "CHAP" : "None";
    if (!vtl_iscsi_list_pick(value, supported, pick, sizeof pick)) {
        (void)vtl_iscsi_textbuf_add(tb, "AuthMethod", "Reject");
        *fail = VTL_ISCSI_LOGIN_AUTH_FAILED;
        return;
    }
    (void)vtl_iscsi_textbuf_add(tb, "AuthMethod", pick);
    c->auth = strcmp(pick, "CHAP") == 0 ? AUTH_CHAP_WAIT_A : AUTH_NONE;
}

static void do_chap_a(struct vtl_iscsi_conn *c, const char *value, struct vtl_iscsi_textbuf *tb,
                      uint16_t *fail)
{
    char pick[8], hex[2 * VTL_ISCSI_CHAP_CHAL_LEN + 3], id[8];
    if (c->auth != AUTH_CHAP_WAIT_A) {
        *fail = VTL_ISCSI_LOGIN_INITIATOR_ERROR;
        return;
    }
    if (!vtl_iscsi_list_pick(value, "5", pick, sizeof pick)) {
        (void)vtl_iscsi_textbuf_add(tb, "CHAP_A", "Reject");
        *fail = VTL_ISCSI_LOGIN_AUTH_FAILED;
        return;
    }
    vtl_iscsi_random(&c->chap_id, 1);
    vtl_iscsi_random(c->chap_chal, sizeof c->chap_chal);
    snprintf(id, sizeof id, "%u", c->chap_id);
    (void)vtl_iscsi_hex_encode(c->chap_chal, sizeof c->chap_chal, hex, sizeof hex);
    (void)vtl_iscsi_textbuf_add(tb, "CHAP_A", pick);
    (void)vtl_iscsi_textbuf_add(tb, "CHAP_I", id);
    (void)vtl_iscsi_textbuf_add(tb, "CHAP_C", hex);
    c->auth = AUTH_CHAP_WAIT_R;
}

/* Constant-time comparison: the response check must not leak how many bytes matched. */
static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= a[i] ^ b[i];
    return d == 0;
}

static void do_chap_response(struct vtl_iscsi_conn *c, const char *n, const char *r,
                             const char *ini_i, const char *ini_c, struct vtl_iscsi_textbuf *tb,
                             uint16_t *fail)
{
    uint8_t got[VTL_ISCSI_CHAP_BIN_MAX], want[VTL_ISCSI_MD5_LEN];
    size_t got_len;
    if (c->auth != AUTH_CHAP_WAIT_R || !n || !r) {
        *fail = c->auth == AUTH_CHAP_WAIT_R ? VTL_ISCSI_LOGIN_AUTH_FAILED
                                            : VTL_ISCSI_LOGIN_INITIATOR_ERROR;
        return;
    }
    vtl_iscsi_chap_md5(c->chap_id, c->chap->secret, c->chap_chal, sizeof c->chap_chal, want);
    if (strcmp(n, c->chap->user) != 0 ||
        vtl_iscsi_bin_decode(r, got, sizeof got, &got_len) != VTL_ISCSI_OK ||
        got_len != VTL_ISCSI_MD5_LEN || !same_bytes(got, want, VTL_ISCSI_MD5_LEN)) {
        *fail = VTL_ISCSI_LOGIN_AUTH_FAILED;
        return;
    }
    if (ini_i || ini_c) {                /* mutual CHAP: the initiator challenges us */
        uint64_t id;
        uint8_t chal[VTL_ISCSI_CHAP_BIN_MAX];
        size_t chal_len;
        char hex[2 * VTL_ISCSI_MD5_LEN + 3];
        if (!ini_i || !ini_c || !c->chap->mutual_user ||
            vtl_iscsi_parse_number(ini_i, &id) != VTL_ISCSI_OK || id > 255 ||
            vtl_iscsi_bin_decode(ini_c, chal, sizeof chal, &chal_len) != VTL_ISCSI_OK) {
            *fail = VTL_ISCSI_LOGIN_AUTH_FAILED;
            return;
        }
        /* Clause 12.1.3: a challenge equal to ours is a reflection attack. */
        if (chal_len == sizeof c->chap_chal && same_bytes(chal, c->chap_chal, chal_len)) {
            *fail = VTL_ISCSI_LOGIN_AUTH_FAILED;
            return;
        }
        uint8_t rsp[VTL_ISCSI_MD5_LEN];
        vtl_iscsi_chap_md5((uint8_t)id, c->chap->mutual_secret, chal, chal_len, rsp);
        (void)vtl_iscsi_hex_encode(rsp, sizeof rsp, hex, sizeof hex);
        (void)vtl_iscsi_textbuf_add(tb, "CHAP_N", c->chap->mutual_user);
        (void)vtl_iscsi_textbuf_add(tb, "CHAP_R", hex);
    }
    c->auth = AUTH_DONE;
}

static bool acc_append(struct vtl_iscsi_conn *c, const uint8_t *data, size_t len)
{
    if (len > VTL_ISCSI_TEXT_ACC_MAX - c->acc_len)
        return false;
    char *n = realloc(c->acc, c->acc_len + len + 1);
    if (!n)
        return false;
    c->acc = n;
    if (len)
        memcpy(c->acc + c->acc_len, data, len);
    c->acc_len += len;
    return true;
}

static void acc_reset(struct vtl_iscsi_conn *c)
{
    free(c->acc);
    c->acc = NULL;
    c->acc_len = 0;
}

void vtl_iscsi_login_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h, uint8_t *data,
                         size_t len)
{
    struct vtl_iscsi_server *srv = c->srv;
    if (!c->first_login_pdu_seen) {
        c->first_login_pdu_seen = true;
        memcpy(c->isid, h->isid, 6);
        c->cid = h->cid;
        c->login_itt = h->itt;
        c->exp_cmdsn = h->cmdsn;
        c->max_cmdsn = h->cmdsn + srv->cfg.cmd_window - 1;
        vtl_iscsi_random(&c->statsn, sizeof c->statsn);
        c->stage = h->csg;
        if (h->tsih != 0) {
            /* Adding a connection to a session: MaxConnections is 1 here. */
            login_fail(c, h, VTL_ISCSI_LOGIN_NO_SESSION, "connection for an existing session");
            return;
        }
    } else if (memcmp(c->isid, h->isid, 6) != 0 || c->cid != h->cid || h->tsih != 0) {
        login_fail(c, h, VTL_ISCSI_LOGIN_INVALID_REQUEST, "login identity changed");
        return;
    }
    /* Version 0 is the only one defined (clause 11.12.4); checked after the identity is
     * recorded so the refusal echoes the initiator's ISID. */
    if (h->version_min > 0) {
        login_fail(c, h, VTL_ISCSI_LOGIN_UNSUPPORTED_VER, "unsupported version");
        return;
    }
    if (h->csg == 2 || h->csg != c->stage || (h->final && (h->cont || h->nsg == 2 ||
                                                           h->nsg <= h->csg))) {
        login_fail(c, h, VTL_ISCSI_LOGIN_INITIATOR_ERROR, "bad login stage");
        return;
    }
    if (h->csg == VTL_ISCSI_STAGE_FULL) {
        login_fail(c, h, VTL_ISCSI_LOGIN_INITIATOR_ERROR, "login in full feature stage");
        return;
    }

    /* A request split over PDUs (C=1): collect, answer each piece with an empty response. */
    if (h->cont || c->acc_len > 0) {
        if (!acc_append(c, data, len)) {
            login_fail(c, h, VTL_ISCSI_LOGIN_OUT_OF_RESOURCES, "login text too long");
            return;
        }
        if (h->cont) {
            login_respond(c, h, false, 0, 0, NULL);
            return;
        }
        data = (uint8_t *)c->acc;
        len = c->acc_len;
    }

    struct vtl_iscsi_kv kv[LOGIN_MAX_PAIRS];
    size_t n_kv;
    if (vtl_iscsi_text_parse((char *)data, len, kv, LOGIN_MAX_PAIRS, &n_kv) != VTL_ISCSI_OK) {
        acc_reset(c);
        login_fail(c, h, VTL_ISCSI_LOGIN_INITIATOR_ERROR, "malformed login text");
        return;
    }

    struct vtl_iscsi_textbuf tb;
    vtl_iscsi_textbuf_init(&tb, VTL_ISCSI_LOGIN_DSL_MAX);
    uint16_t fail = 0;
    const char *target_name = NULL, *auth_method = NULL, *chap_a = NULL;
    const char *chap_n = NULL, *chap_r = NULL, *chap_i = NULL, *chap_c = NULL;
    bool saw_session_type = false;

    for (size_t i = 0; i < n_kv && !fail; i++) {
        const char *k = kv[i].key, *v = kv[i].value;
        if (strcmp(k, "InitiatorName") == 0) {
            size_t l = strlen(v);
            if (l == 0 || l > VTL_ISCSI_NAME_MAX)
                fail = VTL_ISCSI_LOGIN_INITIATOR_ERROR;
            else
                memcpy(c->initiator_name, v, l + 1);
        } else if (strcmp(k, "SessionType") == 0) {
            if (strcmp(v, "Discovery") == 0)
                c->discovery = true;
            else if (strcmp(v, "Normal") == 0)
                c->discovery = false;
            else
                fail = VTL_ISCSI_LOGIN_SESSION_TYPE;
            saw_session_type = true;
        } else if (strcmp(k, "TargetName") == 0) {
            target_name = v;
        } else if (strcmp(k, "InitiatorAlias") == 0) {
            /* declarative, informational only */
        } else if (strcmp(k, "AuthMethod") == 0) {
            auth_method = v;
        } else if (strcmp(k, "CHAP_A") == 0) {
            chap_a = v;
        } else if (strcmp(k, "CHAP_N") == 0) {
            chap_n = v;
        } else if (strcmp(k, "CHAP_R") == 0) {
            chap_r = v;
        } else if (strcmp(k, "CHAP_I") == 0) {
            chap_i = v;
        } else if (strcmp(k, "CHAP_C") == 0) {
            chap_c = v;
        } else if (strcmp(k, "TargetAlias") == 0 || strcmp(k, "TargetAddress") == 0 ||
                   strcmp(k, "TargetPortalGroupTag") == 0 || strcmp(k, "SendTargets") == 0) {
            /* Target-declared or full-feature-only keys have no meaning from an initiator
             * during login. */
            (void)vtl_iscsi_textbuf_add(&tb, k, "Irrelevant");
        } else {
            bool handled;
            (void)vtl_iscsi_negotiate_key(&c->neg, &srv->policy, c->discovery, k, v, &tb,
                                          &handled);
        }
    }
    (void)saw_session_type;
    if (fail) {
        vtl_iscsi_textbuf_free(&tb);
        acc_reset(c);
        login_fail(c, h, fail, "bad login key");
        return;
    }

    /* Identity: InitiatorName always, TargetName for a normal session (clause 13.4-13.5). */
    if (!c->initiator_name[0]) {
        fail = VTL_ISCSI_LOGIN_MISSING_PARAM;
    } else if (!c->discovery && !c->target) {
        if (!target_name)
            fail = VTL_ISCSI_LOGIN_MISSING_PARAM;
        else if (!(c->target = vtl_iscsi_target_find(srv, target_name)))
            fail = VTL_ISCSI_LOGIN_NOT_FOUND;
    } else if (!c->discovery && target_name && strcmp(target_name, c->target->name) != 0) {
        fail = VTL_ISCSI_LOGIN_INVALID_REQUEST;
    }
    if (!fail && !c->chap)
        c->chap = vtl_iscsi_chap_for(srv, c->discovery ? NULL : c->target->name, c->discovery);

    /* Security keys belong to the security stage only. */
    if (!fail && c->stage != VTL_ISCSI_STAGE_SECURITY &&
        (auth_method || chap_a || chap_n || chap_r || chap_i || chap_c))
        fail = VTL_ISCSI_LOGIN_INITIATOR_ERROR;
    if (!fail && auth_method)
        do_auth_method(c, auth_method, &tb, &fail);
    if (!fail && chap_a)
        do_chap_a(c, chap_a, &tb, &fail);
    if (!fail && (chap_r || chap_n))
        do_chap_response(c, chap_n, chap_r, chap_i, chap_c, &tb, &fail);

    /* Leaving the security stage needs a finished authentication. Entering the operational
     * stage directly means AuthMethod=None, which a CHAP-protected target refuses. */
    bool transit = false;
    if (!fail && c->stage == VTL_ISCSI_STAGE_OPERATIONAL && c->auth == AUTH_START) {
        if (c->chap)
            fail = VTL_ISCSI_LOGIN_AUTH_FAILED;
        else
            c->auth = AUTH_NONE;
    }
    if (!fail && h->final) {
        if (c->stage == VTL_ISCSI_STAGE_SECURITY) {
            if (c->auth == AUTH_NONE || c->auth == AUTH_DONE)
                transit = true;
            else if (c->auth == AUTH_START && !c->chap) {
                c->auth = AUTH_NONE;     /* no AuthMethod offered, none required */
                transit = true;
            } else if (c->auth == AUTH_START) {
                fail = VTL_ISCSI_LOGIN_AUTH_FAILED;
            }
        } else {
            transit = true;
        }
    }
    if (fail) {
        vtl_iscsi_textbuf_free(&tb);
        acc_reset(c);
        login_fail(c, h, fail, "login refused");
        return;
    }

    if (!c->discovery && !c->tpgt_sent) {
        (void)vtl_iscsi_textbuf_addu(&tb, "TargetPortalGroupTag", srv->cfg.tpgt);
        if (c->target->alias)
            (void)vtl_iscsi_textbuf_add(&tb, "TargetAlias", c->target->alias);
        c->tpgt_sent = true;
    }
    bool to_full = transit && h->nsg == VTL_ISCSI_STAGE_FULL;
    if (!c->mrdsl_sent && (c->stage == VTL_ISCSI_STAGE_OPERATIONAL || to_full)) {
        (void)vtl_iscsi_textbuf_addu(&tb, "MaxRecvDataSegmentLength", srv->policy.max_recv_dsl_tgt);
        c->mrdsl_sent = true;
    }
    if (tb.overflow) {
        vtl_iscsi_textbuf_free(&tb);
        acc_reset(c);
        login_fail(c, h, VTL_ISCSI_LOGIN_OUT_OF_RESOURCES, "login response too long");
        return;
    }
    if (to_full && !login_finish(c)) {
        vtl_iscsi_textbuf_free(&tb);
        acc_reset(c);
        login_fail(c, h, VTL_ISCSI_LOGIN_TARGET_ERROR, "backend refused the nexus");
        return;
    }
    login_respond(c, h, transit, h->nsg, 0, &tb);
    vtl_iscsi_textbuf_free(&tb);
    acc_reset(c);
    if (transit)
        c->stage = h->nsg;
    if (to_full) {
        /* Digests apply from the first PDU after the final Login Response (clause 13.1). */
        c->hd = c->neg.header_digest;
        c->dd = c->neg.data_digest;
        c->state = S_FULL;
        srv->stats.logins_ok++;
        srv->stats.sessions_open++;
        vtl_iscsi_conn_update_window(c);
    }
}

/* ---- Text requests (full feature phase) ---------------------------------------------- */

static void add_target_record(struct vtl_iscsi_conn *c, const struct vtl_iscsi_target *t,
                              struct vtl_iscsi_textbuf *tb)
{
    (void)vtl_iscsi_textbuf_add(tb, "TargetName", t->name);
    (void)vtl_iscsi_textbuf_add(tb, "TargetAddress", c->portal);
}

static void text_send_chunk(struct vtl_iscsi_conn *c)
{
    size_t max = c->neg.max_recv_dsl_ini;
    size_t left = c->text_rsp_len - c->text_rsp_off;
    size_t n = left < max ? left : max;
    bool more = n < left;
    struct vtl_iscsi_bhs r = {0};
    r.opcode = VTL_ISCSI_OP_TEXT_RSP;
    r.final = !more;
    r.cont = more;
    r.itt = c->text_itt;
    r.ttt = more ? c->text_ttt : VTL_ISCSI_RSVD_TAG;
    r.statsn = c->statsn++;
    (void)vtl_iscsi_conn_send(c, &r, c->text_rsp ? c->text_rsp + c->text_rsp_off : NULL, n);
    c->text_rsp_off += n;
    if (!more) {
        free(c->text_rsp);
        c->text_rsp = NULL;
        c->text_rsp_len = c->text_rsp_off = 0;
    }
}

void vtl_iscsi_text_pdu(struct vtl_iscsi_conn *c, const struct vtl_iscsi_bhs *h, uint8_t *data,
                        size_t len)
{
    struct vtl_iscsi_server *srv = c->srv;
    if (!h->immediate && !vtl_iscsi_conn_check_cmdsn(c, h))
        return;
    if (h->ttt != VTL_ISCSI_RSVD_TAG) {
        /* Continuation: of our long response (empty request) or of the initiator's own
         * multi-PDU request. */
        if (h->ttt != c->text_ttt || h->itt != c->text_itt) {
            vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_INVALID_FIELD, c->hdr);
            return;
        }
        if (c->text_rsp) {
            text_send_chunk(c);
            return;
        }
    } else {
        /* A new request cancels a response still being paged out (clause 11.10.4). */
        free(c->text_rsp);
        c->text_rsp = NULL;
        c->text_rsp_len = c->text_rsp_off = 0;
        if (c->acc_len && h->itt != c->text_itt)
            acc_reset(c);
    }
    if (h->cont || c->acc_len > 0) {
        if (!acc_append(c, data, len)) {
            acc_reset(c);
            vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_OUT_OF_RES, c->hdr);
            return;
        }
        if (h->cont) {
            struct vtl_iscsi_bhs r = {0};
            c->text_itt = h->itt;
            c->text_ttt = vtl_iscsi_new_ttt(srv);
            r.opcode = VTL_ISCSI_OP_TEXT_RSP;
            r.itt = h->itt;
            r.ttt = c->text_ttt;
            r.statsn = c->statsn++;
            (void)vtl_iscsi_conn_send(c, &r, NULL, 0);
            return;
        }
        data = (uint8_t *)c->acc;
        len = c->acc_len;
    }

    struct vtl_iscsi_kv kv[LOGIN_MAX_PAIRS];
    size_t n_kv;
    struct vtl_iscsi_textbuf tb;
    vtl_iscsi_textbuf_init(&tb, VTL_ISCSI_TEXT_ACC_MAX);
    if (vtl_iscsi_text_parse((char *)data, len, kv, LOGIN_MAX_PAIRS, &n_kv) != VTL_ISCSI_OK) {
        acc_reset(c);
        vtl_iscsi_textbuf_free(&tb);
        vtl_iscsi_conn_reject(c, VTL_ISCSI_REJECT_PROTOCOL_ERROR, c->hdr);
        return;
    }
    for (size_t i = 0; i < n_kv; i++) {
        const char *k = kv[i].key, *v = kv[i].value;
        if (strcmp(k, "SendTargets") == 0) {
            if (strcmp(v, "All") == 0) {
                if (!c->discovery) {
                    /* In a normal session only the session's own target is reported. */
                    add_target_record(c, c->target, &tb);
                } else {
                    for (size_t t = 0; t < srv->n_targets; t++)
                        add_target_record(c, &srv->targets[t], &tb);
                }
            } else if (v[0] == '\0') {
                if (c->target)
                    add_target_record(c, c->target, &tb);
            } else {
                struct vtl_iscsi_target *t = vtl_iscsi_target_find(srv, v);
                if (t && (c->discovery || t == c->target))
                    add_target_record(c, t, &tb);
            }
        } else if (strcmp(k, "MaxRecvDataSegmentLength") == 0) {
            uint64_t n;
            if (vtl_iscsi_parse_number(v, &n) != VTL_ISCSI_OK || n < 512 || n > 16777215) {
                (void)vtl_iscsi_textbuf_add(&tb, k, "Reject");
            } else {
                c->neg.max_recv_dsl_ini = (uint32_t)n;
                (void)vtl_iscsi_textbuf_addu(&tb, k, srv->policy.max_recv_dsl_tgt);
            }
        } else {
            /* Operational keys are fixed once the session is in full feature phase. */
            (void)vtl_iscsi_textbuf_add(&tb, k, vtl_iscsi_key_known(k) ? "Reject"
                                                                      : "NotUnderstood");
        }
    }
    acc_reset(c);
    c->text_itt = h->itt;
    c->text_ttt = vtl_iscsi_new_ttt(srv);
    c->text_rsp = tb.buf;                /* ownership moves to the connection */
    c->text_rsp_len = tb.len;
    c->text_rsp_off = 0;
    text_send_chunk(c);
}
