/* SPDX-License-Identifier: MIT
 * sim/iscsi/text.c - iSCSI key=value text: parser, builder, value forms and the per-key
 * result functions of RFC 7143 clause 13. Contract in text.h.
 */
#include "sim/iscsi/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool key_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '+' || c == '@' || c == '_';
}

/* The CHAP keys carry binary values (challenges, responses) that may exceed 255 bytes. */
static bool key_is_binary(const char *key)
{
    return strcmp(key, "CHAP_C") == 0 || strcmp(key, "CHAP_R") == 0;
}

enum vtl_iscsi_rc vtl_iscsi_text_parse(char *buf, size_t len, struct vtl_iscsi_kv *kv, size_t cap,
                                       size_t *n)
{
    size_t off = 0;
    *n = 0;
    while (off < len) {
        char *pair = buf + off;
        char *nul = memchr(pair, '\0', len - off);
        if (!nul)
            return VTL_ISCSI_EINVAL;     /* last pair not terminated */
        size_t pair_len = (size_t)(nul - pair);
        if (pair_len == 0) {             /* tolerate padding-like empty strings */
            off++;
            continue;
        }
        char *eq = memchr(pair, '=', pair_len);
        if (!eq)
            return VTL_ISCSI_EINVAL;
        size_t key_len = (size_t)(eq - pair);
        if (key_len == 0 || key_len > VTL_ISCSI_KEY_MAX)
            return VTL_ISCSI_EINVAL;
        for (size_t i = 0; i < key_len; i++)
            if (!key_char_ok(pair[i]))
                return VTL_ISCSI_EINVAL;
        *eq = '\0';
        size_t val_len = pair_len - key_len - 1;
        size_t vmax = key_is_binary(pair) ? VTL_ISCSI_BINVAL_MAX : VTL_ISCSI_VALUE_MAX;
        if (val_len > vmax) {
            *eq = '=';
            return VTL_ISCSI_EINVAL;
        }
        if (*n == cap) {
            *eq = '=';
            return VTL_ISCSI_ERANGE;
        }
        kv[*n].key = pair;
        kv[*n].value = eq + 1;
        (*n)++;
        off += pair_len + 1;
    }
    return VTL_ISCSI_OK;
}

void vtl_iscsi_textbuf_init(struct vtl_iscsi_textbuf *tb, size_t max)
{
    memset(tb, 0, sizeof *tb);
    tb->max = max;
}

void vtl_iscsi_textbuf_free(struct vtl_iscsi_textbuf *tb)
{
    free(tb->buf);
    tb->buf = NULL;
    tb->len = tb->cap = 0;
}

enum vtl_iscsi_rc vtl_iscsi_textbuf_add(struct vtl_iscsi_textbuf *tb, const char *key,
                                        const char *value)
{
    size_t kl = strlen(key), vl = strlen(value);
    size_t need = kl + 1 + vl + 1;
    if (need > tb->max - tb->len || tb->len > tb->max) {
        tb->overflow = true;
        return VTL_ISCSI_ERANGE;
    }
    if (tb->len + need > tb->cap) {
        size_t ncap = tb->cap ? tb->cap : 256;
        while (ncap < tb->len + need)
            ncap *= 2;
        if (ncap > tb->max)
            ncap = tb->max;
        char *nb = realloc(tb->buf, ncap);
        if (!nb)
            return VTL_ISCSI_ENOMEM;
        tb->buf = nb;
        tb->cap = ncap;
    }
    memcpy(tb->buf + tb->len, key, kl);
    tb->buf[tb->len + kl] = '=';
    memcpy(tb->buf + tb->len + kl + 1, value, vl);
    tb->buf[tb->len + kl + 1 + vl] = '\0';
    tb->len += need;
    return VTL_ISCSI_OK;
}

enum vtl_iscsi_rc vtl_iscsi_textbuf_addu(struct vtl_iscsi_textbuf *tb, const char *key, uint64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    return vtl_iscsi_textbuf_add(tb, key, num);
}

bool vtl_iscsi_textbuf_has(const struct vtl_iscsi_textbuf *tb, const char *key)
{
    size_t kl = strlen(key);
    size_t off = 0;
    while (off < tb->len) {
        const char *p = tb->buf + off;
        size_t l = strnlen(p, tb->len - off);
        if (l > kl && memcmp(p, key, kl) == 0 && p[kl] == '=')
            return true;
        off += l + 1;
    }
    return false;
}

enum vtl_iscsi_rc vtl_iscsi_parse_number(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        if (!*s)
            return VTL_ISCSI_EINVAL;
        size_t digits = 0;
        for (; *s; s++) {
            int d;
            if (*s >= '0' && *s <= '9')
                d = *s - '0';
            else if (*s >= 'a' && *s <= 'f')
                d = *s - 'a' + 10;
            else if (*s >= 'A' && *s <= 'F')
                d = *s - 'A' + 10;
            else
                return VTL_ISCSI_EINVAL;
            if (v >> 60)
                return VTL_ISCSI_ERANGE;
            v = v << 4 | (uint64_t)d;
            digits++;
        }
        (void)digits;
    } else {
        if (!*s)
            return VTL_ISCSI_EINVAL;
        for (; *s; s++) {
            if (*s < '0' || *s > '9')
                return VTL_ISCSI_EINVAL;
            uint64_t d = (uint64_t)(*s - '0');
            if (v > (UINT64_MAX - d) / 10)
                return VTL_ISCSI_ERANGE;
            v = v * 10 + d;
        }
    }
    *out = v;
    return VTL_ISCSI_OK;
}

enum vtl_iscsi_rc vtl_iscsi_parse_bool(const char *s, bool *out)
{
    if (strcmp(s, "Yes") == 0) {
        *out = true;
        return VTL_ISCSI_OK;
    }
    if (strcmp(s, "No") == 0) {
        *out = false;
        return VTL_ISCSI_OK;
    }
    return VTL_ISCSI_EINVAL;
}

bool vtl_iscsi_list_has(const char *list, const char *item)
{
    size_t il = strlen(item);
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        if (l == il && memcmp(p, item, il) == 0)
            return true;
        if (!comma)
            return false;
        p = comma + 1;
    }
}

bool vtl_iscsi_list_pick(const char *offered, const char *supported, char *out, size_t cap)
{
    const char *p = offered;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        if (l > 0 && l < cap) {
            char item[VTL_ISCSI_VALUE_MAX + 1];
            if (l < sizeof item) {
                memcpy(item, p, l);
                item[l] = '\0';
                if (vtl_iscsi_list_has(supported, item)) {
                    memcpy(out, item, l + 1);
                    return true;
                }
            }
        }
        if (!comma)
            return false;
        p = comma + 1;
    }
}

bool vtl_iscsi_result_and(bool offered, bool ours)
{
    return offered && ours;
}

bool vtl_iscsi_result_or(bool offered, bool ours)
{
    return offered || ours;
}

uint64_t vtl_iscsi_result_min(uint64_t offered, uint64_t ours)
{
    return offered < ours ? offered : ours;
}

uint64_t vtl_iscsi_result_max(uint64_t offered, uint64_t ours)
{
    return offered > ours ? offered : ours;
}

void vtl_iscsi_params_default(struct vtl_iscsi_params *p)
{
    memset(p, 0, sizeof *p);
    p->header_digest = false;
    p->data_digest = false;
    p->max_connections = 1;
    p->initial_r2t = true;
    p->immediate_data = true;
    p->max_recv_dsl_ini = 8192;
    p->max_recv_dsl_tgt = 8192;
    p->max_burst = 262144;
    p->first_burst = 65536;
    p->time2wait = 2;
    p->time2retain = 20;
    p->max_outstanding_r2t = 1;
    p->data_pdu_in_order = true;
    p->data_seq_in_order = true;
    p->erl = 0;
    p->protocol_level = 0;
}

void vtl_iscsi_params_finish(struct vtl_iscsi_params *neg)
{
    if (neg->first_burst > neg->max_burst)
        neg->first_burst = neg->max_burst;
}

enum key_kind { K_BOOL_AND, K_BOOL_OR, K_MIN, K_MAX, K_DECL_NUM, K_DIGEST, K_MARKER,
                K_MARKINT, K_TASKREP };

struct key_def {
    const char *name;
    enum key_kind kind;
    uint64_t lo, hi;
    bool session_data;           /* irrelevant in a discovery session */
    size_t field;                /* offsetof in struct vtl_iscsi_params, or SIZE_MAX */
};

#define F(x) offsetof(struct vtl_iscsi_params, x)
static const struct key_def key_defs[] = {
    {"HeaderDigest", K_DIGEST, 0, 0, false, F(header_digest)},
    {"DataDigest", K_DIGEST, 0, 0, false, F(data_digest)},
    {"MaxConnections", K_MIN, 1, 65535, false, F(max_connections)},
    {"InitialR2T", K_BOOL_OR, 0, 1, true, F(initial_r2t)},
    {"ImmediateData", K_BOOL_AND, 0, 1, true, F(immediate_data)},
    {"MaxRecvDataSegmentLength", K_DECL_NUM, 512, 16777215, false, F(max_recv_dsl_ini)},
    {"MaxBurstLength", K_MIN, 512, 16777215, true, F(max_burst)},
    {"FirstBurstLength", K_MIN, 512, 16777215, true, F(first_burst)},
    {"DefaultTime2Wait", K_MAX, 0, 3600, false, F(time2wait)},
    {"DefaultTime2Retain", K_MIN, 0, 3600, false, F(time2retain)},
    {"MaxOutstandingR2T", K_MIN, 1, 65535, true, F(max_outstanding_r2t)},
    {"DataPDUInOrder", K_BOOL_OR, 0, 1, true, F(data_pdu_in_order)},
    {"DataSequenceInOrder", K_BOOL_OR, 0, 1, true, F(data_seq_in_order)},
    {"ErrorRecoveryLevel", K_MIN, 0, 2, false, F(erl)},
    {"iSCSIProtocolLevel", K_MIN, 0, 31, false, F(protocol_level)},
    {"OFMarker", K_MARKER, 0, 1, false, SIZE_MAX},
    {"IFMarker", K_MARKER, 0, 1, false, SIZE_MAX},
    {"OFMarkInt", K_MARKINT, 1, 65535, false, SIZE_MAX},
    {"IFMarkInt", K_MARKINT, 1, 65535, false, SIZE_MAX},
    {"TaskReporting", K_TASKREP, 0, 0, false, SIZE_MAX},
};
#undef F

/* Keys the connection layer answers itself (login identity, security, discovery). */
static const char *const caller_keys[] = {
    "AuthMethod", "CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R", "InitiatorName",
    "InitiatorAlias", "TargetName", "TargetAlias", "TargetAddress", "TargetPortalGroupTag",
    "SessionType", "SendTargets",
};

static uint32_t *u32_field(struct vtl_iscsi_params *p, size_t off)
{
    return (uint32_t *)((char *)p + off);
}

static const uint32_t *u32_field_c(const struct vtl_iscsi_params *p, size_t off)
{
    return (const uint32_t *)((const char *)p + off);
}

static bool *bool_field(struct vtl_iscsi_params *p, size_t off)
{
    return (bool *)((char *)p + off);
}

static const bool *bool_field_c(const struct vtl_iscsi_params *p, size_t off)
{
    return (const bool *)((const char *)p + off);
}

bool vtl_iscsi_key_known(const char *key)
{
    for (size_t i = 0; i < sizeof caller_keys / sizeof caller_keys[0]; i++)
        if (strcmp(key, caller_keys[i]) == 0)
            return true;
    for (size_t i = 0; i < sizeof key_defs / sizeof key_defs[0]; i++)
        if (strcmp(key, key_defs[i].name) == 0)
            return true;
    return false;
}

enum vtl_iscsi_rc vtl_iscsi_negotiate_key(struct vtl_iscsi_params *neg,
                                          const struct vtl_iscsi_params *policy, bool discovery,
                                          const char *key, const char *value,
                                          struct vtl_iscsi_textbuf *rsp, bool *handled)
{
    *handled = false;
    for (size_t i = 0; i < sizeof caller_keys / sizeof caller_keys[0]; i++)
        if (strcmp(key, caller_keys[i]) == 0)
            return VTL_ISCSI_OK;
    *handled = true;

    const struct key_def *d = NULL;
    for (size_t i = 0; i < sizeof key_defs / sizeof key_defs[0]; i++)
        if (strcmp(key, key_defs[i].name) == 0)
            d = &key_defs[i];
    if (!d)                              /* includes X-vendor and X#IANA extensions */
        return vtl_iscsi_textbuf_add(rsp, key, "NotUnderstood");

    /* An initiator that answers with one of the special values ends that key's
     * negotiation; nothing is sent back (clause 6.2). */
    if (strcmp(value, "Reject") == 0 || strcmp(value, "Irrelevant") == 0 ||
        strcmp(value, "NotUnderstood") == 0)
        return VTL_ISCSI_OK;

    if (discovery && d->session_data)
        return vtl_iscsi_textbuf_add(rsp, key, "Irrelevant");

    switch (d->kind) {
    case K_DIGEST: {
        char pick[16];
        const char *supported = *bool_field_c(policy, d->field) ? "CRC32C,None" : "None";
        if (!vtl_iscsi_list_pick(value, supported, pick, sizeof pick))
            return vtl_iscsi_textbuf_add(rsp, key, "Reject");
        *bool_field(neg, d->field) = strcmp(pick, "CRC32C") == 0;
        return vtl_iscsi_textbuf_add(rsp, key, pick);
    }
    case K_TASKREP: {
        char pick[16];
        if (!vtl_iscsi_list_pick(value, "RFC3720", pick, sizeof pick))
            return vtl_iscsi_textbuf_add(rsp, key, "Reject");
        return vtl_iscsi_textbuf_add(rsp, key, pick);
    }
    case K_MARKER: {
        bool b;
        if (vtl_iscsi_parse_bool(value, &b) != VTL_ISCSI_OK)
            return vtl_iscsi_textbuf_add(rsp, key, "Reject");
        return vtl_iscsi_textbuf_add(rsp, key, "No");   /* AND with our No */
    }
    case K_MARKINT:
        /* Markers are never enabled (RFC 3720 keys, gone from RFC 7143). */
        return vtl_iscsi_textbuf_add(rsp, key, "Irrelevant");
    case K_BOOL_AND:
    case K_BOOL_OR: {
        bool b;
        if (vtl_iscsi_parse_bool(value, &b) != VTL_ISCSI_OK)
            return vtl_iscsi_textbuf_add(rsp, key, "Reject");
        bool ours = *bool_field_c(policy, d->field);
        bool r = d->kind == K_BOOL_AND ? vtl_iscsi_result_and(b, ours)
                                       : vtl_iscsi_result_or(b, ours);
        *bool_field(neg, d->field) = r;
        return vtl_iscsi_textbuf_add(rsp, key, r ? "Yes" : "No");
    }
    case K_MIN:
    case K_MAX:
    case K_DECL_NUM: {
        uint64_t v;
        if (vtl_iscsi_parse_number(value, &v) != VTL_ISCSI_OK || v < d->lo || v > d->hi)
            return vtl_iscsi_textbuf_add(rsp, key, "Reject");
        if (d->kind == K_DECL_NUM) {
            *u32_field(neg, d->field) = (uint32_t)v;   /* the initiator's declaration */
            return VTL_ISCSI_OK;
        }
        uint64_t ours = *u32_field_c(policy, d->field);
        uint64_t r = d->kind == K_MIN ? vtl_iscsi_result_min(v, ours)
                                      : vtl_iscsi_result_max(v, ours);
        *u32_field(neg, d->field) = (uint32_t)r;
        return vtl_iscsi_textbuf_addu(rsp, key, r);
    }
    }
    return VTL_ISCSI_OK;
}
