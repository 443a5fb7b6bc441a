/* SPDX-License-Identifier: MIT
 * test_rsm_wire: the direct (jansson-free) encoder and reader of the hot object_get
 * messages (rsm/client/wire.h) and rsmd's direct object_get answer (rsm_conn_respond,
 * dispatch.c). The reference is always the jansson path: whatever the direct code writes
 * must be what jansson writes, and whatever the reader accepts must read exactly as
 * jansson plus rsm_wire_get_objinfo() read it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rsm/client/wire.h"
#include "rsm/server/server.h"
#include "tests/lib/cutest.h"

/* ---- sample records ------------------------------------------------------------------- */

#define N_SAMPLES 7

/* Record @i of a set that covers the encoder's cases: plain ASCII, every escape, UTF-8 of
 * two to four bytes, text filling its buffer, extreme integers, empty and full members. */
static void sample(int i, struct rsm_objinfo *o)
{
    memset(o, 0, sizeof *o);
    o->type = RSM_OT_MEDIA_POOL;
    o->created_ms = 1764000000000;
    o->modified_ms = 1764000000123;
    o->enabled = 1;
    for (int k = 0; k < 16; k++)
        o->guid.b[k] = (uint8_t)(k * 17 + i);
    snprintf(o->name, sizeof o->name, "Pool %d", i);
    switch (i) {
    case 0: break; /* empty member, plain text */
    case 1:
        strcpy(o->name, "quote\" back\\ slash/ \b\f\n\r\t \x01\x1f\x7f end");
        strcpy(o->descr, "tab\there");
        o->enabled = 0;
        break;
    case 2:
        strcpy(o->name, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe"); /* é € 💾 */
        o->u.pool.pool_type = 2;
        memset(&o->u.pool.parent, 0xAB, sizeof o->u.pool.parent);
        break;
    case 3:
        memset(o->name, 'n', sizeof o->name - 1);
        memset(o->descr, 'd', sizeof o->descr - 1);
        break;
    case 4:
        o->created_ms = INT64_MIN;
        o->modified_ms = INT64_MAX;
        o->opstate = UINT32_MAX;
        o->type = RSM_OT_DRIVE;
        o->enabled = 7; /* any non-zero is true */
        break;
    case 5: memset(&o->u, 0x5A, sizeof o->u); break; /* no trailing zero to cut */
    case 6:
        o->created_ms = -1;
        ((uint8_t *)&o->u)[1] = 1; /* base64 padding "==" */
        ((uint8_t *)&o->u)[sizeof o->u - 2] = 0x80;
        break;
    }
}

static char *dumps(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

/* A reply line as rsmd's direct path writes it (no newline). */
static void reply_line(struct rsm_wire_buf *b, int64_t id, const struct rsm_objinfo *o)
{
    b->len = 0;
    CU_ASSERT_EQUAL_FATAL(rsm_wire_buf_reply_head(b, id, RSM_OK), 0);
    CU_ASSERT_EQUAL_FATAL(rsm_wire_buf_put(b, "{\"object\":", 10), 0);
    CU_ASSERT_EQUAL_FATAL(rsm_wire_buf_objinfo(b, o), 0);
    CU_ASSERT_EQUAL_FATAL(rsm_wire_buf_put(b, "}}", 2), 0);
}

/* Reads @line with jansson as librsm's fallback does. 1 and *id, *out filled when it is a
 * successful object_get reply; 0 otherwise. */
static int jansson_read(const char *line, size_t len, uint64_t *id, struct rsm_objinfo *out)
{
    json_error_t je;
    json_t *j = json_loadb(line, len, 0, &je);
    json_t *jid = json_object_get(j, "id");
    int ok = j && json_is_integer(jid) &&
             rsm_wire_get_rc(json_object_get(j, "rc")) == RSM_OK &&
             !rsm_wire_get_objinfo(json_object_get(json_object_get(j, "result"), "object"), out);
    if (ok)
        *id = (uint64_t)json_integer_value(jid);
    json_decref(j);
    return ok;
}

/* ---- encoder ---------------------------------------------------------------------------- */

static void test_objinfo_encoder_writes_what_jansson_writes(void)
{
    struct rsm_objinfo *o = malloc(sizeof *o);
    struct rsm_wire_buf b = {0};
    for (int i = 0; i < N_SAMPLES; i++) {
        sample(i, o);
        json_t *ref = rsm_wire_objinfo(o);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
        char *want = dumps(ref);
        b.len = 0;
        CU_ASSERT_EQUAL_FATAL(rsm_wire_buf_objinfo(&b, o), 0);
        CU_ASSERT_EQUAL(b.len, strlen(want));
        CU_ASSERT(b.len == strlen(want) && !memcmp(b.p, want, b.len));
        json_error_t je;
        json_t *back = json_loadb(b.p, b.len, 0, &je);
        CU_ASSERT(json_equal(back, ref));
        json_decref(back);
        free(want);
        json_decref(ref);
    }
    rsm_wire_buf_free(&b);
    free(o);
}

static void test_objinfo_encoder_refuses_what_jansson_refuses(void)
{
    static const char *const bad[] = {"\xff", "ab\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"};
    struct rsm_objinfo *o = malloc(sizeof *o);
    struct rsm_wire_buf b = {0};
    CU_ASSERT_EQUAL(rsm_wire_buf_put(&b, "keep", 4), 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sample(0, o);
        strcpy(i % 2 ? o->descr : o->name, bad[i]);
        json_t *ref = rsm_wire_objinfo(o);
        CU_ASSERT_PTR_NULL(ref); /* jansson refuses the text too */
        json_decref(ref);
        CU_ASSERT_EQUAL(rsm_wire_buf_objinfo(&b, o), -1);
        CU_ASSERT_EQUAL(b.len, 4); /* nothing half-written */
    }
    rsm_wire_buf_free(&b);
    free(o);
}

static void test_get_request_is_the_jansson_request(void)
{
    struct rsm_guid g;
    for (int k = 0; k < 16; k++)
        g.b[k] = (uint8_t)(0xF0 - k * 9);
    struct rsm_wire_buf b = {0};
    CU_ASSERT_EQUAL_FATAL(rsm_wire_buf_get_request(&b, 123456789012ull, "object_get", &g, 12), 0);
    json_t *ref = json_pack("{s:I,s:s,s:{s:o,s:I}}", "id", (json_int_t)123456789012ll, "op",
                            "object_get", "args", "id", rsm_wire_guid(&g), "type", (json_int_t)12);
    char *want = dumps(ref);
    CU_ASSERT_EQUAL_FATAL(b.len, strlen(want) + 1);
    CU_ASSERT(!memcmp(b.p, want, b.len - 1));
    CU_ASSERT_EQUAL(b.p[b.len - 1], '\n');
    free(want);
    json_decref(ref);
    rsm_wire_buf_free(&b);
}

/* ---- reader ----------------------------------------------------------------------------- */

static void test_reply_reader_reads_what_jansson_reads(void)
{
    struct rsm_objinfo *o = malloc(sizeof *o), *a = malloc(sizeof *a), *j = malloc(sizeof *j);
    struct rsm_wire_buf b = {0};
    for (int i = 0; i < N_SAMPLES; i++) {
        sample(i, o);
        reply_line(&b, 1000 + i, o);
        uint8_t *line = test_dup_exact(b.p, b.len); /* ASan sees any read past the end */
        uint64_t ida = 0, idj = 0;
        memset(a, 0xEE, sizeof *a);
        memset(j, 0x11, sizeof *j);
        CU_ASSERT_EQUAL(rsm_wire_read_objinfo_reply((char *)line, b.len, &ida, a), 1);
        CU_ASSERT_EQUAL(jansson_read((char *)line, b.len, &idj, j), 1);
        CU_ASSERT_EQUAL(ida, (uint64_t)(1000 + i));
        CU_ASSERT_EQUAL(ida, idj);
        CU_ASSERT(!memcmp(a, j, sizeof *a));
        /* the record survives the round trip, whole when it fits the NTMS sizes */
        CU_ASSERT_STRING_EQUAL(a->name, o->name);
        CU_ASSERT(!memcmp(&a->u, &o->u, sizeof o->u));
        CU_ASSERT_EQUAL(a->created_ms, o->created_ms);
        CU_ASSERT_EQUAL(a->enabled, o->enabled != 0);
        free(line);
    }
    rsm_wire_buf_free(&b);
    free(o);
    free(a);
    free(j);
}

/* Lines written by hand: other key orders, white space, members the reader skips, every
 * escape form; each must read as jansson reads it. */
static void test_reply_reader_takes_any_valid_form(void)
{
    static const char *const lines[] = {
        " { \"result\" : { \"object\" : { \"u\" : \"AQ==\" , \"modified_ms\" : 2 , \"created_ms\" : "
        "-1 , \"opstate\" : 0 , \"enabled\" : false , \"descr\" : \"\" , \"name\" : \"x\" , "
        "\"guid\" : null , \"type\" : 12 } } , \"rc\" : \"RSM_OK\" , \"id\" : 5 }\r\n\t ",
        "{\"id\":6,\"extra\":[1,{\"a\":[true,null,\"s\\u00e9\"]},-0,\"\"],\"rc\":\"RSM_OK\","
        "\"result\":{\"more\":{},\"object\":{\"type\":12,\"guid\":\"{00112233-4455-6677-8899-"
        "AABBCCDDEEFF}\",\"name\":\"\\u00e9\\ud83d\\udcbe\\/\\\"\\\\\\b\\f\\n\\r\\t\\u001f\","
        "\"descr\":\"caf\xc3\xa9\",\"enabled\":true,\"opstate\":21,\"created_ms\":0,"
        "\"modified_ms\":999999999999999999,\"u\":\"\",\"future\":{\"x\":[]}}}}",
        "{\"id\":7,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":\"0011223344556677"
        "8899aabbccddeeff\",\"name\":\"n\",\"descr\":\"d\",\"enabled\":true,\"opstate\":1,"
        "\"created_ms\":1,\"modified_ms\":1,\"u\":\"AAECAwQ=\"}}}",
    };
    struct rsm_objinfo *a = malloc(sizeof *a), *j = malloc(sizeof *j);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        size_t len = strlen(lines[i]);
        uint64_t ida = 0, idj = 0;
        memset(a, 0xEE, sizeof *a);
        CU_ASSERT_EQUAL(jansson_read(lines[i], len, &idj, j), 1);
        CU_ASSERT_EQUAL(rsm_wire_read_objinfo_reply(lines[i], len, &ida, a), 1);
        CU_ASSERT_EQUAL(ida, idj);
        CU_ASSERT(!memcmp(a, j, sizeof *a));
    }
    free(a);
    free(j);
}

/* Lines the reader must leave to jansson: other results, and JSON it does not take. */
static void test_reply_reader_declines_the_rest(void)
{
    static const char *const lines[] = {
        "{\"id\":1,\"rc\":\"RSM_E_NOT_FOUND\",\"result\":{}}",
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{}}",
        "{\"id\":1,\"rc\":\"RSM_OK\"}",
        "[{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{}}]",
        "{\"id\":-1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":null,\"name\":"
        "\"\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,\"modified_ms\":1,"
        "\"u\":\"\"}}}",
        /* a member missing (u) */
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":null,\"name\":"
        "\"\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,\"modified_ms\":1}}}",
        /* duplicate type; a real; \u0000; a lone surrogate; bad UTF-8; 1 as a boolean */
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"type\":2,\"guid\":null,"
        "\"name\":\"\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,"
        "\"modified_ms\":1,\"u\":\"\"}}}",
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1.0,\"guid\":null,\"name\":"
        "\"\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,\"modified_ms\":1,"
        "\"u\":\"\"}}}",
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":null,\"name\":"
        "\"a\\u0000b\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,"
        "\"modified_ms\":1,\"u\":\"\"}}}",
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":null,\"name\":"
        "\"\\ud800\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,"
        "\"modified_ms\":1,\"u\":\"\"}}}",
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":null,\"name\":"
        "\"\xc3\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,"
        "\"modified_ms\":1,\"u\":\"\"}}}",
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":null,\"name\":"
        "\"\",\"descr\":\"\",\"enabled\":1,\"opstate\":1,\"created_ms\":1,\"modified_ms\":1,"
        "\"u\":\"\"}}}",
        /* a GUID that is not one; base64 that is not */
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":\"{0011}\","
        "\"name\":\"\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,"
        "\"modified_ms\":1,\"u\":\"\"}}}",
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":null,\"name\":"
        "\"\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,\"modified_ms\":1,"
        "\"u\":\"A=A=\"}}}",
        "{\"id\":1,\"rc\":\"RSM_OK\",\"result\":{\"object\":{\"type\":1,\"guid\":null,\"name\":"
        "\"\",\"descr\":\"\",\"enabled\":true,\"opstate\":1,\"created_ms\":1,\"modified_ms\":1,"
        "\"u\":\"\"}}} x",
        "", "{", "not json",
    };
    struct rsm_objinfo *a = malloc(sizeof *a);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        uint64_t id;
        uint8_t *line = test_dup_exact(lines[i], strlen(lines[i]));
        CU_ASSERT_EQUAL(rsm_wire_read_objinfo_reply((char *)line, strlen(lines[i]), &id, a), 0);
        free(line);
    }
    free(a);
}

/* Every prefix, and every one-byte change of a valid line: whatever the reader accepts,
 * jansson reads identically. A reader that took a damaged line jansson rejects, or read
 * one differently, fails here. */
static void test_reply_reader_never_disagrees_with_jansson(void)
{
    static const char subst[] = {'"', '\\', '{', '}', '[', ',', ':', ' ', '0', '9', '-',
                                 'e', '.', 'x', 'u', '=', 'A', '\0', '\x01', '\xc3', '\xff'};
    struct rsm_objinfo *o = malloc(sizeof *o), *a = malloc(sizeof *a), *j = malloc(sizeof *j);
    struct rsm_wire_buf b = {0};
    long accepted = 0, tried = 0;
    for (int s = 0; s < N_SAMPLES; s += 2) {
        sample(s, o);
        reply_line(&b, 42, o);
        char *orig = malloc(b.len);
        memcpy(orig, b.p, b.len);
        size_t len = b.len;
        for (size_t n = 0; n < len; n++) { /* prefixes: none is a whole reply */
            uint64_t id;
            uint8_t *cut = test_dup_exact(orig, n);
            CU_ASSERT_EQUAL(rsm_wire_read_objinfo_reply((char *)cut, n, &id, a), 0);
            free(cut);
        }
        /* Changes only in the first 200 bytes (header, text, numbers): the rest is base64,
         * all alike. One deletion and each substitution per position. */
        for (size_t pos = 0; pos < len && pos < 200; pos++) {
            for (size_t k = 0; k <= sizeof subst; k++) {
                char *m = malloc(len);
                size_t mlen = len;
                memcpy(m, orig, len);
                if (k == sizeof subst) {
                    memmove(m + pos, m + pos + 1, len - pos - 1);
                    mlen--;
                } else {
                    m[pos] = subst[k];
                }
                uint64_t ida, idj;
                uint8_t *exact = test_dup_exact(m, mlen);
                tried++;
                if (rsm_wire_read_objinfo_reply((char *)exact, mlen, &ida, a)) {
                    accepted++;
                    int agree = jansson_read(m, mlen, &idj, j) && ida == idj &&
                                !memcmp(a, j, sizeof *a);
                    CU_ASSERT(agree);
                    if (!agree)
                        fprintf(stderr, "disagree at %zu subst %zu: %.*s\n", pos, k, (int)mlen, m);
                }
                free(exact);
                free(m);
            }
        }
        free(orig);
    }
    /* Harmless changes (a digit for a digit, a letter in a name) are taken: the sweep
     * checked real acceptances, not only refusals. */
    CU_ASSERT(accepted > 100);
    CU_ASSERT(accepted < tried);
    rsm_wire_buf_free(&b);
    free(o);
    free(a);
    free(j);
}

/* Reads a request with jansson and rsmd's argument rules (dispatch.c: id an integer, op a
 * string, args.id a GUID string, args.type in 0..UINT32_MAX). 1 when it is a valid
 * object_get. */
static int jansson_read_request(const char *line, size_t len, int64_t *id, struct rsm_guid *g,
                                uint32_t *type)
{
    json_error_t je;
    json_t *j = json_loadb(line, len, 0, &je);
    json_t *jid = json_object_get(j, "id"), *args = json_object_get(j, "args");
    json_t *t = json_object_get(args, "type");
    const char *op = json_string_value(json_object_get(j, "op"));
    int present = 0;
    int ok = j && json_is_integer(jid) && op && !strcmp(op, "object_get") &&
             json_is_object(args) && !rsm_wire_get_guid(json_object_get(args, "id"), g, &present) &&
             present && json_is_integer(t) && json_integer_value(t) >= 0 &&
             json_integer_value(t) <= UINT32_MAX;
    if (ok) {
        *id = json_integer_value(jid);
        *type = (uint32_t)json_integer_value(t);
    }
    json_decref(j);
    return ok;
}

static void test_request_reader_agrees_with_jansson(void)
{
    static const char *const good[] = {
        "{\"id\":1,\"op\":\"object_get\",\"args\":{\"id\":\"{00112233-4455-6677-8899-AABBCCDDEEFF}\","
        "\"type\":12}}",
        " {\"args\" : {\"x\":[{}], \"type\":4294967295,\"id\":\"00112233445566778899aabbccddeeff\"},"
        "\"op\":\"object\\u005fget\",\"more\":null,\"id\":-9223372036854775808} \n",
    };
    static const char *const bad[] = {
        "{\"id\":1,\"op\":\"object_type\",\"args\":{\"id\":\"{00112233-4455-6677-8899-AABBCCDDEEFF}\","
        "\"type\":12}}",
        "{\"id\":1,\"op\":\"object_get\",\"args\":{\"id\":null,\"type\":12}}",
        "{\"id\":1,\"op\":\"object_get\",\"args\":{\"id\":\"{00112233-4455-6677-8899-AABBCCDDEEFF}\","
        "\"type\":4294967296}}",
        "{\"id\":1,\"op\":\"object_get\",\"args\":{\"id\":\"{00112233-4455-6677-8899-AABBCCDDEEFF}\"}}",
        "{\"id\":\"1\",\"op\":\"object_get\",\"args\":{\"id\":\"{00112233-4455-6677-8899-AABBCCDDEEFF}\","
        "\"type\":12}}",
        "{\"id\":1,\"id\":2,\"op\":\"object_get\",\"args\":{\"id\":\"{00112233-4455-6677-8899-"
        "AABBCCDDEEFF}\",\"type\":12}}",
        "{\"id\":1,\"op\":\"object_get\"}",
    };
    int64_t ida, idj;
    struct rsm_guid ga, gj;
    uint32_t ta, tj;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        size_t len = strlen(good[i]);
        CU_ASSERT_EQUAL(jansson_read_request(good[i], len, &idj, &gj, &tj), 1);
        CU_ASSERT_EQUAL(rsm_wire_read_get_request(good[i], len, &ida, &ga, &ta), 1);
        CU_ASSERT(ida == idj && ta == tj && !memcmp(&ga, &gj, sizeof ga));
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(rsm_wire_read_get_request(bad[i], strlen(bad[i]), &ida, &ga, &ta), 0);

    /* librsm's own request, then every prefix and one-byte change of it */
    static const char subst[] = {'"', '\\', '{', '}', ',', ':', ' ', '0', '9', '-', 'e',
                                 '.', 'x', 'u', 'n', '\0', '\x01', '\xc3', '\xff'};
    struct rsm_wire_buf b = {0};
    for (int k = 0; k < 16; k++)
        gj.b[k] = (uint8_t)(k * 31);
    CU_ASSERT_EQUAL_FATAL(rsm_wire_buf_get_request(&b, 77, "object_get", &gj, 12), 0);
    size_t len = b.len - 1; /* without the newline */
    CU_ASSERT_EQUAL(rsm_wire_read_get_request(b.p, len, &ida, &ga, &ta), 1);
    CU_ASSERT(ida == 77 && ta == 12 && !memcmp(&ga, &gj, sizeof ga));
    long accepted = 0;
    for (size_t n = 0; n < len; n++) {
        uint8_t *cut = test_dup_exact(b.p, n);
        CU_ASSERT_EQUAL(rsm_wire_read_get_request((char *)cut, n, &ida, &ga, &ta), 0);
        free(cut);
    }
    for (size_t pos = 0; pos < len; pos++) {
        for (size_t k = 0; k <= sizeof subst; k++) {
            char m[256];
            size_t mlen = len;
            memcpy(m, b.p, len);
            if (k == sizeof subst) {
                memmove(m + pos, m + pos + 1, len - pos - 1);
                mlen--;
            } else {
                m[pos] = subst[k];
            }
            uint8_t *exact = test_dup_exact(m, mlen);
            if (rsm_wire_read_get_request((char *)exact, mlen, &ida, &ga, &ta)) {
                accepted++;
                int agree = jansson_read_request(m, mlen, &idj, &gj, &tj) && ida == idj &&
                            ta == tj && !memcmp(&ga, &gj, sizeof ga);
                CU_ASSERT(agree);
                if (!agree)
                    fprintf(stderr, "disagree: %.*s\n", (int)mlen, m);
            }
            free(exact);
        }
    }
    CU_ASSERT(accepted > 50);
    rsm_wire_buf_free(&b);
}

static void test_raw_reader_splits_lines(void)
{
    int sv[2];
    CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    char *buf = NULL;
    size_t cap = 0, have = 0, len;
    int err;
    /* two lines in one write, then a line in two writes */
    CU_ASSERT_EQUAL(write(sv[0], "{\"a\":1}\n[2]\n{\"b\"", 16), 16);
    CU_ASSERT_EQUAL(rsm_wire_read_raw(sv[1], 100, &buf, &cap, &have, &len, &err), 0);
    CU_ASSERT(len == 7 && !memcmp(buf, "{\"a\":1}", 7));
    rsm_wire_consume(buf, &have, len);
    CU_ASSERT_EQUAL(rsm_wire_read_raw(sv[1], 100, &buf, &cap, &have, &len, &err), 0);
    CU_ASSERT(len == 3 && !memcmp(buf, "[2]", 3));
    rsm_wire_consume(buf, &have, len);
    CU_ASSERT_EQUAL(have, 4);
    CU_ASSERT_EQUAL(write(sv[0], ":3}\n", 4), 4);
    json_t *j = rsm_wire_read_line(sv[1], 100, &buf, &cap, &have, &err);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "b")), 3);
    json_decref(j);
    CU_ASSERT_EQUAL(have, 0);
    /* a line longer than the limit, then the peer's hang-up */
    char big[200];
    memset(big, 'x', sizeof big);
    CU_ASSERT_EQUAL(write(sv[0], big, sizeof big), (ssize_t)sizeof big);
    CU_ASSERT_EQUAL(rsm_wire_read_raw(sv[1], 100, &buf, &cap, &have, &len, &err), -1);
    CU_ASSERT_EQUAL(err, -2);
    have = 0;
    close(sv[0]);
    CU_ASSERT_EQUAL(rsm_wire_read_raw(sv[1], 100, &buf, &cap, &have, &len, &err), -1);
    CU_ASSERT_EQUAL(err, 0);
    close(sv[1]);
    free(buf);
}

/* ---- rsmd's direct answer ----------------------------------------------------------------- */

struct fx {
    char dir[256];
    struct rsm_engine *e;
    struct rsm_conn c;
    struct rsm_guid pool;
};

static void fx_open(struct fx *f)
{
    memset(f, 0, sizeof *f);
    test_mkdtemp(f->dir, sizeof f->dir);
    CU_ASSERT_EQUAL_FATAL(rsm_engine_open(f->dir, &f->e), RSM_OK);
    f->c.engine = f->e;
    f->c.caller.uid = 0;
    f->c.caller.n_gids = 1;
    snprintf(f->c.caller.app, sizeof f->c.caller.app, "test");
    CU_ASSERT_EQUAL_FATAL(
        rsm_pool_create(f->e, &f->c.caller, "Wire", NULL, 2 /* NTMS_CREATE_NEW */, NULL, &f->pool),
        RSM_OK);
}

static void fx_close(struct fx *f)
{
    rsm_conn_release(&f->c);
    rsm_engine_close(f->e);
    test_rmtree(f->dir);
}

/* Both of rsmd's answers to @req: the direct one (rsm_conn_respond) and the jansson one
 * (rsm_conn_handle). */
static void answers(struct fx *f, const char *req, struct rsm_wire_buf *direct, char **generic)
{
    json_error_t je;
    json_t *j = json_loads(req, 0, &je);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    direct->len = 0;
    CU_ASSERT_EQUAL_FATAL(rsm_conn_respond(&f->c, j, direct), 0);
    json_t *r = rsm_conn_handle(&f->c, j);
    char *s = dumps(r);
    size_t n = strlen(s);
    *generic = realloc(s, n + 2);
    strcpy(*generic + n, "\n");
    json_decref(r);
    json_decref(j);
}

static void test_rsmd_direct_answer_equals_jansson_answer(void)
{
    struct fx f;
    fx_open(&f);
    char g[40], req[300], *generic;
    rsm_guid_str(&f.pool, g, sizeof g);
    struct rsm_wire_buf out = {0};

    /* before hello: the direct path must not answer (no session yet) */
    snprintf(req, sizeof req, "{\"id\":1,\"op\":\"object_get\",\"args\":{\"id\":\"%s\",\"type\":12}}", g);
    answers(&f, req, &out, &generic);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.p, "RSM_E_INVALID_HANDLE"));
    CU_ASSERT(out.len == strlen(generic) && !memcmp(out.p, generic, out.len));
    free(generic);
    f.c.hello_done = true;

    /* found, wrong type, unknown GUID, type missing, type negative, another op */
    static const struct {
        const char *op, *guid, *type;
    } forms[] = {
        {"object_get", NULL, ",\"type\":12"},
        {"object_get", NULL, ",\"type\":9"},
        {"object_get", "{01234567-0000-0000-0000-000000000000}", ",\"type\":12"},
        {"object_get", NULL, ""},
        {"object_get", NULL, ",\"type\":-1"},
        {"object_type", NULL, ",\"type\":12"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        snprintf(req, sizeof req, "{\"id\":%d,\"op\":\"%s\",\"args\":{\"id\":\"%s\"%s}}",
                 (int)(100 + i), forms[i].op, forms[i].guid ? forms[i].guid : g, forms[i].type);
        answers(&f, req, &out, &generic);
        CU_ASSERT_EQUAL(out.len, strlen(generic));
        CU_ASSERT(out.len == strlen(generic) && !memcmp(out.p, generic, out.len));
        free(generic);
    }

    /* the answer is the database's now: a change made through another connection shows */
    struct rsm_objinfo *o = malloc(sizeof *o);
    CU_ASSERT_EQUAL_FATAL(rsm_object_get(f.e, &f.c.caller, &f.pool, RSM_OT_MEDIA_POOL, o), RSM_OK);
    snprintf(o->descr, sizeof o->descr, "changed \"now\"");
    CU_ASSERT_EQUAL_FATAL(rsm_object_set(f.e, &f.c.caller, &f.pool, o), RSM_OK);
    snprintf(req, sizeof req, "{\"id\":200,\"op\":\"object_get\",\"args\":{\"id\":\"%s\",\"type\":12}}", g);
    answers(&f, req, &out, &generic);
    CU_ASSERT_PTR_NOT_NULL(strstr(generic, "changed \\\"now\\\""));
    CU_ASSERT(out.len == strlen(generic) && !memcmp(out.p, generic, out.len));
    uint64_t id;
    CU_ASSERT_EQUAL(out.p[out.len - 1], '\n');
    CU_ASSERT_EQUAL(rsm_wire_read_objinfo_reply(out.p, out.len - 1, &id, o), 1);
    CU_ASSERT_EQUAL(id, 200);
    CU_ASSERT_STRING_EQUAL(o->descr, "changed \"now\"");
    CU_ASSERT_STRING_EQUAL(o->name, "Wire");
    free(generic);
    free(o);
    rsm_wire_buf_free(&out);
    fx_close(&f);
}

static CU_TestInfo wire_tests[] = {
    {"objinfo_encoder_writes_what_jansson_writes", test_objinfo_encoder_writes_what_jansson_writes},
    {"objinfo_encoder_refuses_what_jansson_refuses",
     test_objinfo_encoder_refuses_what_jansson_refuses},
    {"get_request_is_the_jansson_request", test_get_request_is_the_jansson_request},
    {"reply_reader_reads_what_jansson_reads", test_reply_reader_reads_what_jansson_reads},
    {"reply_reader_takes_any_valid_form", test_reply_reader_takes_any_valid_form},
    {"reply_reader_declines_the_rest", test_reply_reader_declines_the_rest},
    {"reply_reader_never_disagrees_with_jansson", test_reply_reader_never_disagrees_with_jansson},
    {"request_reader_agrees_with_jansson", test_request_reader_agrees_with_jansson},
    {"raw_reader_splits_lines", test_raw_reader_splits_lines},
    {"rsmd_direct_answer_equals_jansson_answer", test_rsmd_direct_answer_equals_jansson_answer},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo wire_suites[] = {
    {"rsm_wire", NULL, NULL, NULL, NULL, wire_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {wire_suites, NULL};
    return cutest_main(argc, argv, tables);
}
