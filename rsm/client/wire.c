/* SPDX-License-Identifier: MIT
 * Value encodings and line I/O of the rsmd protocol (see wire.h, rsm/server/PROTOCOL.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rsm/client/wire.h"

json_t *rsm_wire_guid(const struct rsm_guid *g)
{
    char s[40];
    rsm_guid_str(g, s, sizeof s);
    return json_string(s);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int rsm_wire_get_guid(const json_t *v, struct rsm_guid *out, int *present)
{
    memset(out, 0, sizeof *out);
    if (present)
        *present = 0;
    if (!v || json_is_null(v))
        return 0;
    const char *s = json_string_value(v);
    if (!s)
        return -1;
    int n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '{' || *p == '}' || *p == '-')
            continue;
        int hi = hexval(p[0]), lo = p[1] ? hexval(p[1]) : -1;
        if (hi < 0 || lo < 0 || n >= 16)
            return -1;
        out->b[n++] = (uint8_t)(hi << 4 | lo);
        p++;
    }
    if (n != 16)
        return -1;
    if (present)
        *present = 1;
    return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

json_t *rsm_wire_bytes(const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t olen = (len + 2) / 3 * 4;
    char *s = malloc(olen + 1);
    if (!s)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        s[o++] = b64[v >> 18 & 63];
        s[o++] = b64[v >> 12 & 63];
        s[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
        s[o++] = i + 2 < len ? b64[v & 63] : '=';
    }
    json_t *j = json_stringn(s, o);
    free(s);
    return j;
}

static int b64val(char c)
{
    const char *p = c ? strchr(b64, c) : NULL;
    return p ? (int)(p - b64) : -1;
}

uint8_t *rsm_wire_get_bytes(const json_t *v, size_t *len)
{
    const char *s = json_string_value(v);
    if (!s)
        return NULL;
    size_t n = json_string_length(v);
    if (n % 4)
        return NULL;
    uint8_t *out = malloc(n / 4 * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int a = b64val(s[i]), b = b64val(s[i + 1]);
        int c = s[i + 2] == '=' ? -2 : b64val(s[i + 2]);
        int d = s[i + 3] == '=' ? -2 : b64val(s[i + 3]);
        if (a < 0 || b < 0 || c == -1 || d == -1 || (c == -2 && d != -2) ||
            ((c == -2 || d == -2) && i + 4 != n)) {
            free(out);
            return NULL;
        }
        uint32_t w = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)(c < 0 ? 0 : c) << 6 |
                     (uint32_t)(d < 0 ? 0 : d);
        out[o++] = (uint8_t)(w >> 16);
        if (c >= 0)
            out[o++] = (uint8_t)(w >> 8);
        if (d >= 0)
            out[o++] = (uint8_t)w;
    }
    *len = o;
    return out;
}

json_t *rsm_wire_rc(rsm_rc rc)
{
    return json_string(rsm_rc_name(rc));
}

rsm_rc rsm_wire_get_rc(const json_t *v)
{
    const char *s = json_string_value(v);
    if (!s)
        return RSM_E_DB_FAILURE;
    for (int rc = 0; rc < RSM_E_COUNT; rc++)
        if (!strcmp(s, rsm_rc_name((rsm_rc)rc)))
            return (rsm_rc)rc;
    return RSM_E_DB_FAILURE;
}

json_t *rsm_wire_acl(const struct rsm_acl *acl)
{
    json_t *aces = json_array();
    for (uint32_t i = 0; i < acl->n && i < RSM_ACL_MAX; i++)
        json_array_append_new(aces, json_pack("[I,I,I]", (json_int_t)acl->ace[i].kind,
                                              (json_int_t)acl->ace[i].id,
                                              (json_int_t)acl->ace[i].mask));
    return json_pack("{s:I,s:I,s:o}", "owner", (json_int_t)acl->owner, "group",
                     (json_int_t)acl->group, "aces", aces);
}

int rsm_wire_get_acl(const json_t *v, struct rsm_acl *out)
{
    memset(out, 0, sizeof *out);
    json_int_t owner, group;
    json_t *aces;
    if (json_unpack((json_t *)v, "{s:I,s:I,s:o}", "owner", &owner, "group", &group, "aces",
                    &aces) ||
        !json_is_array(aces) || json_array_size(aces) > RSM_ACL_MAX)
        return -1;
    out->owner = (uint32_t)owner;
    out->group = (uint32_t)group;
    size_t i;
    json_t *a;
    json_array_foreach(aces, i, a)
    {
        json_int_t k, id, m;
        if (json_unpack(a, "[I,I,I]", &k, &id, &m))
            return -1;
        out->ace[i] = (struct rsm_ace){(uint32_t)k, (uint32_t)id, (uint32_t)m};
    }
    out->n = (uint32_t)json_array_size(aces);
    return 0;
}

json_t *rsm_wire_objinfo(const struct rsm_objinfo *o)
{
    /* Only the union member's bytes up to the last non-zero one travel: most of the
     * record is empty text buffers, and the header is in readable fields anyway. */
    const uint8_t *u = (const uint8_t *)&o->u;
    size_t len = sizeof o->u;
    while (len && !u[len - 1])
        len--;
    return json_pack("{s:I,s:o,s:s,s:s,s:b,s:I,s:I,s:I,s:o}", "type", (json_int_t)o->type,
                     "guid", rsm_wire_guid(&o->guid), "name", o->name, "descr", o->descr,
                     "enabled", o->enabled, "opstate", (json_int_t)o->opstate, "created_ms",
                     (json_int_t)o->created_ms, "modified_ms", (json_int_t)o->modified_ms, "u",
                     rsm_wire_bytes(u, len));
}

static int copy_str(char *dst, size_t cap, const json_t *v)
{
    const char *src = json_string_value(v);
    if (!src)
        return -1;
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1; /* the engine's caps hold any NTMS name; longer input is cut */
    memcpy(dst, src, n);
    dst[n] = 0;
    return 0;
}

int rsm_wire_get_objinfo(const json_t *v, struct rsm_objinfo *out)
{
    memset(out, 0, sizeof *out);
    json_int_t type, opstate, created, modified;
    int enabled;
    json_t *guid, *name, *descr, *u;
    if (json_unpack((json_t *)v, "{s:I,s:o,s:o,s:o,s:b,s:I,s:I,s:I,s:o}", "type", &type, "guid",
                    &guid, "name", &name, "descr", &descr, "enabled", &enabled, "opstate",
                    &opstate, "created_ms", &created, "modified_ms", &modified, "u", &u))
        return -1;
    size_t len = 0;
    uint8_t *raw = rsm_wire_get_bytes(u, &len);
    if (!raw || len > sizeof out->u || rsm_wire_get_guid(guid, &out->guid, NULL) ||
        copy_str(out->name, sizeof out->name, name) ||
        copy_str(out->descr, sizeof out->descr, descr)) {
        free(raw);
        return -1;
    }
    memcpy(&out->u, raw, len);
    free(raw);
    out->type = (uint32_t)type;
    out->enabled = enabled;
    out->opstate = (uint32_t)opstate;
    out->created_ms = created;
    out->modified_ms = modified;
    return 0;
}

int rsm_wire_send(int fd, const json_t *msg)
{
    char *s = json_dumps(msg, JSON_COMPACT);
    if (!s) {
        errno = ENOMEM;
        return -1;
    }
    size_t n = strlen(s);
    s[n] = '\n'; /* json_dumps's NUL becomes the line end; we send n + 1 bytes */
    size_t off = 0;
    int rc = 0;
    while (off < n + 1) {
        ssize_t w = send(fd, s + off, n + 1 - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = -1;
            break;
        }
        off += (size_t)w;
    }
    free(s);
    return rc;
}

json_t *rsm_wire_read_line(int fd, size_t max, char **buf, size_t *cap, size_t *have, int *err)
{
    *err = 0;
    for (;;) {
        char *nl = *have ? memchr(*buf, '\n', *have) : NULL;
        if (nl) {
            size_t line = (size_t)(nl - *buf);
            json_error_t je;
            json_t *j = json_loadb(*buf, line, 0, &je);
            memmove(*buf, nl + 1, *have - line - 1);
            *have -= line + 1;
            if (!j)
                *err = -3;
            return j;
        }
        if (*have >= max) {
            *err = -2;
            return NULL;
        }
        if (*cap - *have < 4096) {
            size_t ncap = *cap ? *cap * 2 : 65536;
            if (ncap > max + 65536)
                ncap = max + 65536;
            char *nb = realloc(*buf, ncap);
            if (!nb) {
                *err = -1;
                return NULL;
            }
            *buf = nb;
            *cap = ncap;
        }
        ssize_t r = recv(fd, *buf + *have, *cap - *have, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            *err = r == 0 ? 0 : -1;
            return NULL;
        }
        *have += (size_t)r;
    }
}
