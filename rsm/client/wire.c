/* SPDX-License-Identifier: MIT
 * Value encodings and line I/O of the rsmd protocol (see wire.h, rsm/server/PROTOCOL.md).
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
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

/* The GUID text @s (NUL-terminated) into @out; 0 or -1. Braces and dashes may be
 * anywhere: only the 32 hex digits count. */
static int guid_parse(const char *s, struct rsm_guid *out)
{
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
    return n == 16 ? 0 : -1;
}

int rsm_wire_get_guid(const json_t *v, struct rsm_guid *out, int *present)
{
    memset(out, 0, sizeof *out);
    if (present)
        *present = 0;
    if (!v || json_is_null(v))
        return 0;
    const char *s = json_string_value(v);
    if (!s || guid_parse(s, out))
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

/* Value of a base64 digit, -1 for anything else. A table: this runs for every byte of
 * every object record a client reads, and a strchr() per character showed in profiles. */
static int b64val(char c)
{
    unsigned char u = (unsigned char)c;
    if (u >= 'A' && u <= 'Z')
        return u - 'A';
    if (u >= 'a' && u <= 'z')
        return u - 'a' + 26;
    if (u >= '0' && u <= '9')
        return u - '0' + 52;
    return u == '+' ? 62 : u == '/' ? 63 : -1;
}

/* Decodes @n base64 characters of @s into @out (room for n / 4 * 3 bytes); the number of
 * bytes, or -1 if malformed (same rules as rsm_wire_get_bytes). */
static long b64_decode(const char *s, size_t n, uint8_t *out)
{
    if (n % 4)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int a = b64val(s[i]), b = b64val(s[i + 1]);
        int c = s[i + 2] == '=' ? -2 : b64val(s[i + 2]);
        int d = s[i + 3] == '=' ? -2 : b64val(s[i + 3]);
        if (a < 0 || b < 0 || c == -1 || d == -1 || (c == -2 && d != -2) ||
            ((c == -2 || d == -2) && i + 4 != n))
            return -1;
        uint32_t w = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)(c < 0 ? 0 : c) << 6 |
                     (uint32_t)(d < 0 ? 0 : d);
        out[o++] = (uint8_t)(w >> 16);
        if (c >= 0)
            out[o++] = (uint8_t)(w >> 8);
        if (d >= 0)
            out[o++] = (uint8_t)w;
    }
    return (long)o;
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
    long o = b64_decode(s, n, out);
    if (o < 0) {
        free(out);
        return NULL;
    }
    *len = (size_t)o;
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

/* Only the union member's bytes up to the last non-zero one travel: most of the record is
 * empty text buffers, and the header is in readable fields anyway. The member is ~1.8 KiB
 * of mostly zeros, so the scan goes eight bytes at a time. */
static size_t member_len(const struct rsm_objinfo *o)
{
    const uint8_t *u = (const uint8_t *)&o->u;
    size_t len = sizeof o->u;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, u + len - 8, 8);
        if (w)
            break;
        len -= 8;
    }
    while (len && !u[len - 1])
        len--;
    return len;
}

json_t *rsm_wire_objinfo(const struct rsm_objinfo *o)
{
    const uint8_t *u = (const uint8_t *)&o->u;
    size_t len = member_len(o);
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

int rsm_wire_read_raw(int fd, size_t max, char **buf, size_t *cap, size_t *have,
                      size_t *line_len, int *err)
{
    *err = 0;
    size_t scanned = 0; /* bytes already known to hold no newline */
    for (;;) {
        char *nl = *have > scanned ? memchr(*buf + scanned, '\n', *have - scanned) : NULL;
        if (nl) {
            *line_len = (size_t)(nl - *buf);
            return 0;
        }
        scanned = *have;
        if (*have >= max) {
            *err = -2;
            return -1;
        }
        if (*cap - *have < 4096) {
            size_t ncap = *cap ? *cap * 2 : 65536;
            if (ncap > max + 65536)
                ncap = max + 65536;
            char *nb = realloc(*buf, ncap);
            if (!nb) {
                *err = -1;
                return -1;
            }
            *buf = nb;
            *cap = ncap;
        }
        /* Sleep in poll() for POLLIN rather than in recv(): when the peer reads what we
         * sent, Linux wakes every sleeper on our socket to say "writable" (unix_write_space),
         * and a thread sleeping in recv() wakes for nothing and sleeps again, two context
         * switches per exchange; poll() filters that wake-up out. */
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, -1);
        if (n < 0 && errno == EINTR)
            continue;
        ssize_t r = n < 0 ? -1 : recv(fd, *buf + *have, *cap - *have, MSG_DONTWAIT);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0) {
            *err = r == 0 ? 0 : -1;
            return -1;
        }
        *have += (size_t)r;
    }
}

void rsm_wire_consume(char *buf, size_t *have, size_t line_len)
{
    /* Usually the line was all there was: nothing to move. */
    if (*have > line_len + 1)
        memmove(buf, buf + line_len + 1, *have - line_len - 1);
    *have -= line_len + 1;
}

json_t *rsm_wire_read_line(int fd, size_t max, char **buf, size_t *cap, size_t *have, int *err)
{
    size_t line;
    if (rsm_wire_read_raw(fd, max, buf, cap, have, &line, err))
        return NULL;
    json_error_t je;
    json_t *j = json_loadb(*buf, line, 0, &je);
    rsm_wire_consume(*buf, have, line);
    if (!j)
        *err = -3;
    return j;
}

/* ---- line buffer and direct encoder ---------------------------------------------------- */

void rsm_wire_buf_free(struct rsm_wire_buf *b)
{
    free(b->p);
    *b = (struct rsm_wire_buf){0};
}

static int buf_room(struct rsm_wire_buf *b, size_t more)
{
    if (b->cap - b->len >= more)
        return 0;
    if (more > SIZE_MAX / 2 - b->len)
        return -1;
    size_t ncap = b->cap ? b->cap : 1024;
    while (ncap - b->len < more)
        ncap *= 2;
    char *np = realloc(b->p, ncap);
    if (!np)
        return -1;
    b->p = np;
    b->cap = ncap;
    return 0;
}

int rsm_wire_buf_put(struct rsm_wire_buf *b, const void *data, size_t len)
{
    if (buf_room(b, len))
        return -1;
    memcpy(b->p + b->len, data, len);
    b->len += len;
    return 0;
}

static int buf_dump_cb(const char *data, size_t len, void *arg)
{
    return rsm_wire_buf_put(arg, data, len);
}

int rsm_wire_buf_json(struct rsm_wire_buf *b, const json_t *msg)
{
    size_t mark = b->len;
    if (json_dump_callback(msg, buf_dump_cb, b, JSON_COMPACT)) {
        b->len = mark;
        return -1;
    }
    return 0;
}

#define PUT_LIT(b, s) rsm_wire_buf_put((b), (s), sizeof(s) - 1)

static const char hexdig[] = "0123456789ABCDEF";

/* Length of the UTF-8 sequence starting at @s (at most @n bytes) as jansson's checks take
 * it (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF); 0 if invalid.
 * @cp gets the code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
        (len == 4 && (v < 0x10000 || v > 0x10FFFF)))
        return 0;
    *cp = v;
    return len;
}

/* A JSON string with jansson's escapes: '"', '\\', \b \f \n \r \t, other controls as
 * \u00XX; UTF-8 passes through (checked). */
static int buf_str(struct rsm_wire_buf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    /* Worst case six bytes per input byte, plus the quotes. */
    if (n > (SIZE_MAX - 2) / 6 || buf_room(b, n * 6 + 2))
        return -1;
    char *o = b->p + b->len;
    *o++ = '"';
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t l = utf8_seq(s + i, n - i, &cp);
            if (!l)
                return -1; /* b->len untouched: nothing was appended */
            memcpy(o, s + i, l);
            o += l;
            i += l;
            continue;
        }
        i++;
        if (c >= 0x20 && c != '"' && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hexdig[c >> 4];
            *o++ = hexdig[c & 15];
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->p);
    return 0;
}

/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" as rsm_guid_str() writes it, quoted. */
static int buf_guid(struct rsm_wire_buf *b, const struct rsm_guid *g)
{
    if (buf_room(b, 40))
        return -1;
    char *o = b->p + b->len;
    *o++ = '"';
    *o++ = '{';
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hexdig[g->b[i] >> 4];
        *o++ = hexdig[g->b[i] & 15];
    }
    *o++ = '}';
    *o++ = '"';
    b->len = (size_t)(o - b->p);
    return 0;
}

static int buf_int(struct rsm_wire_buf *b, int64_t v)
{
    char tmp[24], *e = tmp + sizeof tmp, *p = e;
    /* Through uint64_t so INT64_MIN negates without overflow. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return rsm_wire_buf_put(b, p, (size_t)(e - p));
}

static int buf_b64(struct rsm_wire_buf *b, const uint8_t *p, size_t len)
{
    size_t olen = (len + 2) / 3 * 4;
    if (buf_room(b, olen + 2))
        return -1;
    char *s = b->p + b->len;
    size_t o = 0;
    s[o++] = '"';
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
    s[o++] = '"';
    b->len += o;
    return 0;
}

int rsm_wire_buf_objinfo(struct rsm_wire_buf *b, const struct rsm_objinfo *o)
{
    const uint8_t *u = (const uint8_t *)&o->u;
    size_t ulen = member_len(o);
    size_t mark = b->len;
    int bad = PUT_LIT(b, "{\"type\":") || buf_int(b, o->type) || PUT_LIT(b, ",\"guid\":") ||
              buf_guid(b, &o->guid) || PUT_LIT(b, ",\"name\":") || buf_str(b, o->name) ||
              PUT_LIT(b, ",\"descr\":") || buf_str(b, o->descr) ||
              (o->enabled ? PUT_LIT(b, ",\"enabled\":true") : PUT_LIT(b, ",\"enabled\":false")) ||
              PUT_LIT(b, ",\"opstate\":") || buf_int(b, o->opstate) ||
              PUT_LIT(b, ",\"created_ms\":") || buf_int(b, o->created_ms) ||
              PUT_LIT(b, ",\"modified_ms\":") || buf_int(b, o->modified_ms) ||
              PUT_LIT(b, ",\"u\":") || buf_b64(b, u, ulen) || PUT_LIT(b, "}");
    if (bad)
        b->len = mark;
    return bad ? -1 : 0;
}

int rsm_wire_buf_get_request(struct rsm_wire_buf *b, uint64_t id, const char *op,
                             const struct rsm_guid *g, uint32_t type)
{
    size_t mark = b->len;
    int bad = PUT_LIT(b, "{\"id\":") || buf_int(b, (int64_t)id) || PUT_LIT(b, ",\"op\":") ||
              buf_str(b, op) || PUT_LIT(b, ",\"args\":{\"id\":") || buf_guid(b, g) ||
              PUT_LIT(b, ",\"type\":") || buf_int(b, type) || PUT_LIT(b, "}}\n");
    if (bad)
        b->len = mark;
    return bad ? -1 : 0;
}

int rsm_wire_buf_reply_head(struct rsm_wire_buf *b, int64_t id, rsm_rc rc)
{
    size_t mark = b->len;
    int bad = PUT_LIT(b, "{\"id\":") || buf_int(b, id) || PUT_LIT(b, ",\"rc\":") ||
              buf_str(b, rsm_rc_name(rc)) || PUT_LIT(b, ",\"result\":");
    if (bad)
        b->len = mark;
    return bad ? -1 : 0;
}

int rsm_wire_send_buf(int fd, const struct rsm_wire_buf *b)
{
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = send(fd, b->p + off, b->len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

/* ---- direct reader of the object_get reply ---------------------------------------------
 * A strict JSON reader for one known shape. Whatever it is not sure jansson would read the
 * same way makes it give up (return false up the chain), never guess. */

struct jr {
    const char *p, *end;
};

#define JR_MAX_DEPTH 32 /* for skipped values; jansson allows deeper, then we give up */

static void jr_ws(struct jr *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static bool jr_char(struct jr *r, char c)
{
    jr_ws(r);
    if (r->p < r->end && *r->p == c) {
        r->p++;
        return true;
    }
    return false;
}

static int jr_hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* A string: the first cap - 1 bytes of its UTF-8 value go to @out (NUL-terminated when
 * cap > 0), *len gets the full length. Refuses what jansson refuses: raw control
 * characters, bad escapes, invalid UTF-8, lone surrogates, and \u0000 (jansson takes it
 * only with JSON_ALLOW_NUL). */
static bool jr_str(struct jr *r, char *out, size_t cap, size_t *len)
{
    if (!jr_char(r, '"'))
        return false;
    size_t n = 0;
    for (;;) {
        if (r->p >= r->end)
            return false;
        unsigned char c = (unsigned char)*r->p;
        char enc[4];
        size_t elen;
        if (c == '"') {
            r->p++;
            break;
        } else if (c < 0x20) {
            return false;
        } else if (c == '\\') {
            if (r->end - r->p < 2)
                return false;
            char e = r->p[1];
            r->p += 2;
            const char *simple = strchr("\"\\/bfnrt", e);
            if (e && simple) {
                enc[0] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
                elen = 1;
            } else if (e == 'u') {
                if (r->end - r->p < 4)
                    return false;
                int32_t cp = jr_hex4(r->p);
                r->p += 4;
                if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
                    return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
                        return false;
                    int lo = jr_hex4(r->p + 2);
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return false;
                    r->p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                if (cp < 0x80) {
                    enc[0] = (char)cp;
                    elen = 1;
                } else if (cp < 0x800) {
                    enc[0] = (char)(0xC0 | cp >> 6);
                    enc[1] = (char)(0x80 | (cp & 0x3F));
                    elen = 2;
                } else if (cp < 0x10000) {
                    enc[0] = (char)(0xE0 | cp >> 12);
                    enc[1] = (char)(0x80 | (cp >> 6 & 0x3F));
                    enc[2] = (char)(0x80 | (cp & 0x3F));
                    elen = 3;
                } else {
                    enc[0] = (char)(0xF0 | cp >> 18);
                    enc[1] = (char)(0x80 | (cp >> 12 & 0x3F));
                    enc[2] = (char)(0x80 | (cp >> 6 & 0x3F));
                    enc[3] = (char)(0x80 | (cp & 0x3F));
                    elen = 4;
                }
            } else {
                return false;
            }
        } else {
            uint32_t cp;
            elen = utf8_seq((const unsigned char *)r->p, (size_t)(r->end - r->p), &cp);
            if (!elen)
                return false;
            memcpy(enc, r->p, elen);
            r->p += elen;
        }
        for (size_t i = 0; i < elen; i++, n++)
            if (n + 1 < cap)
                out[n] = enc[i];
    }
    if (cap)
        out[n < cap ? n : cap - 1] = 0;
    *len = n;
    return true;
}

/* An integer as jansson reads one: -?(0|[1-9][0-9]*) within int64 (jansson refuses what
 * strtoll cannot hold). Fractions and exponents (jansson's reals) give up. */
static bool jr_int(struct jr *r, int64_t *v)
{
    jr_ws(r);
    bool neg = r->p < r->end && *r->p == '-';
    const char *d = r->p + neg;
    const char *q = d;
    while (q < r->end && *q >= '0' && *q <= '9')
        q++;
    size_t nd = (size_t)(q - d);
    if (nd == 0 || nd > 19 || (nd > 1 && *d == '0'))
        return false;
    if (q < r->end && (*q == '.' || *q == 'e' || *q == 'E'))
        return false;
    uint64_t x = 0; /* 19 digits cannot overflow 64 bits unsigned */
    for (const char *p = d; p < q; p++)
        x = x * 10 + (uint64_t)(*p - '0');
    if (x > (uint64_t)INT64_MAX + neg)
        return false;
    *v = neg ? (int64_t)(0 - x) : (int64_t)x;
    r->p = q;
    return true;
}

/* true, false or null; @out gets 1, 0 or -1. The word must end there, as jansson's lexer
 * reads a whole identifier. */
static bool jr_word(struct jr *r, int *out)
{
    jr_ws(r);
    static const struct {
        const char *w;
        int v;
    } words[] = {{"true", 1}, {"false", 0}, {"null", -1}};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].w);
        if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, words[i].w, n)) {
            const char *q = r->p + n;
            if (q < r->end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                               (*q >= '0' && *q <= '9') || *q == '_'))
                return false;
            r->p = q;
            *out = words[i].v;
            return true;
        }
    }
    return false;
}

static bool jr_skip(struct jr *r, int depth)
{
    jr_ws(r);
    if (r->p >= r->end || depth > JR_MAX_DEPTH)
        return false;
    char c = *r->p;
    size_t len;
    int64_t i;
    int w;
    if (c == '"')
        return jr_str(r, NULL, 0, &len);
    if (c == '-' || (c >= '0' && c <= '9'))
        return jr_int(r, &i);
    if (c != '{' && c != '[')
        return jr_word(r, &w);
    r->p++;
    char close = c == '{' ? '}' : ']';
    if (jr_char(r, close))
        return true;
    do {
        if (c == '{' && (!jr_str(r, NULL, 0, &len) || !jr_char(r, ':')))
            return false;
        if (!jr_skip(r, depth + 1))
            return false;
    } while (jr_char(r, ','));
    return jr_char(r, close);
}

/* Reads "key": at the start of a member; @key gets up to 15 bytes (a longer key matches
 * none of ours, its length says so). */
static bool jr_key(struct jr *r, char key[16], size_t *len)
{
    return jr_str(r, key, 16, len) && jr_char(r, ':');
}

#define KEY_IS(k, klen, lit) ((klen) == sizeof(lit) - 1 && !memcmp((k), (lit), sizeof(lit) - 1))

/* The object record: all nine members, once each, in any order, other members skipped. */
static bool jr_objinfo(struct jr *r, struct rsm_objinfo *out)
{
    if (!jr_char(r, '{'))
        return false;
    memset(out, 0, sizeof *out);
    unsigned seen = 0;
    char key[16];
    size_t klen;
    if (jr_char(r, '}'))
        return false; /* none of the required members */
    do {
        if (!jr_key(r, key, &klen))
            return false;
        int bit = KEY_IS(key, klen, "type")          ? 0
                  : KEY_IS(key, klen, "guid")        ? 1
                  : KEY_IS(key, klen, "name")        ? 2
                  : KEY_IS(key, klen, "descr")       ? 3
                  : KEY_IS(key, klen, "enabled")     ? 4
                  : KEY_IS(key, klen, "opstate")     ? 5
                  : KEY_IS(key, klen, "created_ms")  ? 6
                  : KEY_IS(key, klen, "modified_ms") ? 7
                  : KEY_IS(key, klen, "u")           ? 8
                                                     : -1;
        if (bit < 0) {
            if (!jr_skip(r, 1))
                return false;
            continue;
        }
        if (seen & 1u << bit)
            return false; /* duplicate: jansson keeps the last, simpler to let it */
        seen |= 1u << bit;
        int64_t v = 0;
        size_t len;
        int w;
        switch (bit) {
        case 0:
            if (!jr_int(r, &v))
                return false;
            out->type = (uint32_t)v;
            break;
        case 1: {
            char g[48];
            jr_ws(r);
            if (r->p < r->end && *r->p == 'n') {
                if (!jr_word(r, &w) || w != -1)
                    return false;
                memset(&out->guid, 0, sizeof out->guid); /* null: the null GUID */
            } else if (!jr_str(r, g, sizeof g, &len) || len >= sizeof g ||
                       guid_parse(g, &out->guid)) {
                return false;
            }
            break;
        }
        case 2:
            if (!jr_str(r, out->name, sizeof out->name, &len))
                return false;
            break;
        case 3:
            if (!jr_str(r, out->descr, sizeof out->descr, &len))
                return false;
            break;
        case 4:
            if (!jr_word(r, &w) || w < 0)
                return false;
            out->enabled = w;
            break;
        case 5:
            if (!jr_int(r, &v))
                return false;
            out->opstate = (uint32_t)v;
            break;
        case 6:
            if (!jr_int(r, &out->created_ms))
                return false;
            break;
        case 7:
            if (!jr_int(r, &out->modified_ms))
                return false;
            break;
        case 8: {
            /* base64 has no escapes to undo: read it in place. */
            jr_ws(r);
            if (r->p >= r->end || *r->p != '"')
                return false;
            const char *s = r->p + 1, *q = memchr(s, '"', (size_t)(r->end - s));
            if (!q || (size_t)(q - s) > (sizeof out->u + 2) / 3 * 4)
                return false;
            uint8_t raw[(sizeof out->u + 2) / 3 * 3];
            long n = b64_decode(s, (size_t)(q - s), raw);
            if (n < 0 || (size_t)n > sizeof out->u)
                return false;
            memcpy(&out->u, raw, (size_t)n);
            r->p = q + 1;
            break;
        }
        }
    } while (jr_char(r, ','));
    return jr_char(r, '}') && seen == 0x1FF;
}

int rsm_wire_read_objinfo_reply(const char *line, size_t len, uint64_t *id,
                                struct rsm_objinfo *out)
{
    struct jr r = {line, line + len};
    unsigned seen = 0;
    char key[16];
    size_t klen;
    if (!jr_char(&r, '{'))
        return 0;
    do {
        if (!jr_key(&r, key, &klen))
            return 0;
        if (KEY_IS(key, klen, "id")) {
            int64_t v;
            if ((seen & 1) || !jr_int(&r, &v) || v < 0)
                return 0;
            *id = (uint64_t)v;
            seen |= 1;
        } else if (KEY_IS(key, klen, "rc")) {
            char rc[16];
            size_t n;
            if ((seen & 2) || !jr_str(&r, rc, sizeof rc, &n) || !KEY_IS(rc, n, "RSM_OK"))
                return 0; /* another result: the jansson path handles errors */
            seen |= 2;
        } else if (KEY_IS(key, klen, "result")) {
            if ((seen & 4) || !jr_char(&r, '{'))
                return 0;
            bool got = false;
            if (!jr_char(&r, '}')) {
                do {
                    if (!jr_key(&r, key, &klen))
                        return 0;
                    if (KEY_IS(key, klen, "object")) {
                        if (got || !jr_objinfo(&r, out))
                            return 0;
                        got = true;
                    } else if (!jr_skip(&r, 2)) {
                        return 0;
                    }
                } while (jr_char(&r, ','));
                if (!jr_char(&r, '}'))
                    return 0;
            }
            if (!got)
                return 0;
            seen |= 4;
        } else if (!jr_skip(&r, 1)) {
            return 0;
        }
    } while (jr_char(&r, ','));
    if (!jr_char(&r, '}') || seen != 7)
        return 0;
    jr_ws(&r);
    return r.p == r.end; /* jansson allows only white space after the value */
}

/* The args of object_get: id (a GUID string; null or absent is refused as rsmd's arg_guid
 * refuses it) and type (0..UINT32_MAX). */
static bool jr_get_args(struct jr *r, struct rsm_guid *g, uint32_t *type)
{
    if (!jr_char(r, '{'))
        return false;
    unsigned seen = 0;
    char key[16];
    size_t klen;
    if (jr_char(r, '}'))
        return false;
    do {
        if (!jr_key(r, key, &klen))
            return false;
        if (KEY_IS(key, klen, "id")) {
            char t[48];
            size_t len;
            if ((seen & 1) || !jr_str(r, t, sizeof t, &len) || len >= sizeof t || guid_parse(t, g))
                return false;
            seen |= 1;
        } else if (KEY_IS(key, klen, "type")) {
            int64_t v;
            if ((seen & 2) || !jr_int(r, &v) || v < 0 || v > UINT32_MAX)
                return false;
            *type = (uint32_t)v;
            seen |= 2;
        } else if (!jr_skip(r, 2)) {
            return false;
        }
    } while (jr_char(r, ','));
    return jr_char(r, '}') && seen == 3;
}

int rsm_wire_read_get_request(const char *line, size_t len, int64_t *id, struct rsm_guid *g,
                              uint32_t *type)
{
    struct jr r = {line, line + len};
    unsigned seen = 0;
    char key[16];
    size_t klen;
    if (!jr_char(&r, '{'))
        return 0;
    do {
        if (!jr_key(&r, key, &klen))
            return 0;
        if (KEY_IS(key, klen, "id")) {
            if ((seen & 1) || !jr_int(&r, id))
                return 0;
            seen |= 1;
        } else if (KEY_IS(key, klen, "op")) {
            char op[16];
            size_t n;
            if ((seen & 2) || !jr_str(&r, op, sizeof op, &n) || !KEY_IS(op, n, "object_get"))
                return 0;
            seen |= 2;
        } else if (KEY_IS(key, klen, "args")) {
            if ((seen & 4) || !jr_get_args(&r, g, type))
                return 0;
            seen |= 4;
        } else if (!jr_skip(&r, 1)) {
            return 0;
        }
    } while (jr_char(&r, ','));
    if (!jr_char(&r, '}') || seen != 7)
        return 0;
    jr_ws(&r);
    return r.p == r.end;
}
