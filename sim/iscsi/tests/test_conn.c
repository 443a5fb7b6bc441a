/* SPDX-License-Identifier: MIT
 * sim/iscsi/tests/test_conn.c - the connection state machine driven in memory (no
 * sockets): login stages, CHAP, digests, SCSI command data paths (immediate data,
 * unsolicited Data-Out, R2T, Data-In phase collapse, residuals, sense), task management,
 * text continuation, CmdSN window, Reject paths and logout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/iscsi/conn.h"
#include "sim/iscsi/tests/fake_backend.h"
#include "tests/lib/cutest.h"

#define TGT "iqn.2026-11.org.openrsm:test"
#define INI "iqn.2026-11.org.openrsm:initiator"

static struct fake_backend fb;
static struct vtl_iscsi_server *srv;
static struct vtl_iscsi_conn *conn;
static bool hd, dd;                        /* digests the test side uses */
static uint32_t cmdsn, itt_next;

struct rsp {
    struct vtl_iscsi_bhs h;
    uint8_t data[70000];
    size_t len;
};
static struct rsp rsp;

static void setup_cfg(const struct vtl_iscsi_config *cfg)
{
    static const uint16_t luns[] = {0, 1, 2};
    CU_ASSERT_FATAL(fake_backend_init(&fb));
    srv = vtl_iscsi_server_new(cfg, &fake_backend_ops, &fb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    CU_ASSERT_EQUAL(vtl_iscsi_server_add_target(srv, TGT, "test", luns, 3, NULL), VTL_ISCSI_OK);
    conn = vtl_iscsi_conn_new(srv, -1, "127.0.0.1:3260,1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
    hd = dd = false;
    cmdsn = 100;
    itt_next = 1;
}

static void setup(void)
{
    struct vtl_iscsi_config cfg;
    vtl_iscsi_config_default(&cfg);
    setup_cfg(&cfg);
}

static void teardown(void)
{
    vtl_iscsi_server_free(srv);            /* frees in-memory connections too */
    srv = NULL;
    conn = NULL;
    fake_backend_fini(&fb);
}

/* Encodes one PDU with the current digest settings; returns its length in @out. */
static size_t build(struct vtl_iscsi_bhs *h, const void *data, size_t len, uint8_t *out)
{
    h->data_len = (uint32_t)len;
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_encode(h, out, 48), VTL_ISCSI_OK);
    size_t off = 48;
    if (hd) {
        vtl_iscsi_digest_put(out + off, vtl_iscsi_crc32c(out, 48));
        off += 4;
    }
    if (len) {
        size_t padded = vtl_iscsi_pad4((uint32_t)len);
        memcpy(out + off, data, len);
        memset(out + off + len, 0, padded - len);
        if (dd)
            vtl_iscsi_digest_put(out + off + padded, vtl_iscsi_crc32c(out + off, padded));
        off += padded + (dd ? 4 : 0);
    }
    return off;
}

static void feed(struct vtl_iscsi_bhs *h, const void *data, size_t len)
{
    uint8_t *buf = malloc(48 + 8 + len + 8);
    size_t n = build(h, data, len, buf);
    (void)vtl_iscsi_conn_input(conn, buf, n);
    free(buf);
}

/* Pops the next queued PDU (which may sit in several segments); false if none. Checks its
 * length and digests. */
static bool next(void)
{
    static uint8_t pdu[48 + 4 + sizeof rsp.data + 8];
    size_t len;
    const uint8_t *p = vtl_iscsi_conn_out_peek(conn, &len);
    if (!p)
        return false;
    CU_ASSERT_FATAL(len >= 48);           /* a BHS is never split */
    CU_ASSERT_EQUAL_FATAL(vtl_iscsi_bhs_decode(p, len, &rsp.h), VTL_ISCSI_OK);
    bool rhd = hd, rdd = dd;               /* what this side negotiated */
    size_t off = 48 + (rhd ? 4 : 0);
    rsp.len = rsp.h.data_len;
    CU_ASSERT_FATAL(rsp.len <= sizeof rsp.data);
    size_t padded = vtl_iscsi_pad4((uint32_t)rsp.len);
    size_t total = off + padded + (rdd && rsp.len ? 4 : 0);
    size_t got = 0;
    while (got < total) {                  /* gather exactly one PDU */
        p = vtl_iscsi_conn_out_peek(conn, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        size_t take = len < total - got ? len : total - got;
        memcpy(pdu + got, p, take);
        got += take;
        vtl_iscsi_conn_out_consume(conn, take);
    }
    if (rhd)
        CU_ASSERT_EQUAL(vtl_iscsi_digest_get(pdu + 48), vtl_iscsi_crc32c(pdu, 48));
    memcpy(rsp.data, pdu + off, rsp.len);
    for (size_t i = rsp.len; i < padded; i++)
        CU_ASSERT_EQUAL(pdu[off + i], 0);  /* padding is zero */
    if (rdd && rsp.len)
        CU_ASSERT_EQUAL(vtl_iscsi_digest_get(pdu + off + padded),
                        vtl_iscsi_crc32c(pdu + off, padded));
    return true;
}

static bool rsp_has(const char *pair)
{
    size_t pl = strlen(pair);
    for (size_t off = 0; off < rsp.len;) {
        const char *s = (const char *)rsp.data + off;
        size_t l = strnlen(s, rsp.len - off);
        if (l == pl && memcmp(s, pair, pl) == 0)
            return true;
        off += l + 1;
    }
    return false;
}

static const char *rsp_value(const char *key)
{
    static char val[600];
    size_t kl = strlen(key);
    for (size_t off = 0; off < rsp.len;) {
        const char *s = (const char *)rsp.data + off;
        size_t l = strnlen(s, rsp.len - off);
        if (l > kl && memcmp(s, key, kl) == 0 && s[kl] == '=') {
            snprintf(val, sizeof val, "%.*s", (int)(l - kl - 1), s + kl + 1);
            return val;
        }
        off += l + 1;
    }
    return NULL;
}

static const uint8_t isid[6] = {0x80, 0, 0, 0, 0x12, 0x34};

static void login_pdu(int csg, int nsg, bool transit, const char *text, size_t len)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_LOGIN_REQ;
    h.immediate = true;
    h.final = transit;
    h.csg = (uint8_t)csg;
    h.nsg = (uint8_t)nsg;
    memcpy(h.isid, isid, 6);
    h.itt = 0x4000;
    h.cid = 1;
    h.cmdsn = cmdsn;
    feed(&h, text, len);
}

#define LOGIN_OK(s) login_ok(s, sizeof(s) - 1)
#define LOGIN_NORMAL "InitiatorName=" INI "\0TargetName=" TGT "\0SessionType=Normal\0"

/* Operational-stage login straight to full feature, with extra keys. */
static void login_ok(const char *extra, size_t extra_len)
{
    char text[1024];
    size_t n = sizeof LOGIN_NORMAL - 1;
    memcpy(text, LOGIN_NORMAL, n);
    memcpy(text + n, extra, extra_len);
    login_pdu(1, 3, true, text, n + extra_len);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_LOGIN_RSP);
    CU_ASSERT_EQUAL(rsp.h.status_class, 0);
    CU_ASSERT_TRUE(rsp.h.final);
    CU_ASSERT_EQUAL(rsp.h.nsg, 3);
    CU_ASSERT_NOT_EQUAL(rsp.h.tsih, 0);
    CU_ASSERT_EQUAL_FATAL(conn->state, S_FULL);
}

static void test_login_operational_only(void)
{
    LOGIN_OK("MaxRecvDataSegmentLength=65536\0HeaderDigest=None\0");
    CU_ASSERT_TRUE(rsp_has("TargetPortalGroupTag=1"));
    CU_ASSERT_TRUE(rsp_has("TargetAlias=test"));
    CU_ASSERT_TRUE(rsp_has("MaxRecvDataSegmentLength=262144"));
    CU_ASSERT_TRUE(rsp_has("HeaderDigest=None"));
    CU_ASSERT_EQUAL(rsp.h.exp_cmdsn, 100u);
    CU_ASSERT_EQUAL(conn->neg.max_recv_dsl_ini, 65536u);
    CU_ASSERT_EQUAL(fake_get(&fb.n_nexus_open), 1u);
    CU_ASSERT_FALSE(next());
}

static void test_login_byte_at_a_time(void)
{
    uint8_t buf[512];
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_LOGIN_REQ;
    h.immediate = true;
    h.final = true;
    h.csg = 1;
    h.nsg = 3;
    memcpy(h.isid, isid, 6);
    h.cmdsn = cmdsn;
    size_t n = build(&h, LOGIN_NORMAL, sizeof LOGIN_NORMAL - 1, buf);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_FALSE(next());           /* nothing until the PDU is whole */
        (void)vtl_iscsi_conn_input(conn, buf + i, 1);
    }
    CU_ASSERT_TRUE(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 0);
    CU_ASSERT_EQUAL(conn->state, S_FULL);
}

static void test_login_unknown_target(void)
{
    static const char t[] = "InitiatorName=" INI "\0TargetName=iqn.nope\0";
    login_pdu(1, 3, true, t, sizeof t - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 2);
    CU_ASSERT_EQUAL(rsp.h.status_detail, 3);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
}

static void test_login_missing_initiator_name(void)
{
    static const char t[] = "TargetName=" TGT "\0";
    login_pdu(1, 3, true, t, sizeof t - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 2);
    CU_ASSERT_EQUAL(rsp.h.status_detail, 7);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
}

static void test_login_bad_stage_and_tsih(void)
{
    login_pdu(1, 1, true, LOGIN_NORMAL, sizeof LOGIN_NORMAL - 1);  /* NSG <= CSG */
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 2);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
    vtl_iscsi_conn_free(conn);
    conn = vtl_iscsi_conn_new(srv, -1, "x");
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_LOGIN_REQ;
    h.final = true;
    h.csg = 1;
    h.nsg = 3;
    h.tsih = 7;                            /* join a session: MaxConnections is 1 */
    feed(&h, LOGIN_NORMAL, sizeof LOGIN_NORMAL - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 2);
    CU_ASSERT_EQUAL(rsp.h.status_detail, 0x0a);
}

static void test_login_unsupported_version(void)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_LOGIN_REQ;
    h.final = true;
    h.csg = 1;
    h.nsg = 3;
    h.version_max = 2;
    h.version_min = 1;
    memcpy(h.isid, isid, 6);
    feed(&h, LOGIN_NORMAL, sizeof LOGIN_NORMAL - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 2);
    CU_ASSERT_EQUAL(rsp.h.status_detail, 5);
    CU_ASSERT_EQUAL(memcmp(rsp.h.isid, isid, 6), 0);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
}

static void test_login_split_with_continue(void)
{
    struct vtl_iscsi_bhs h = {0};
    size_t n = sizeof LOGIN_NORMAL - 1;
    h.opcode = VTL_ISCSI_OP_LOGIN_REQ;
    h.cont = true;
    h.csg = 1;
    h.nsg = 0;
    h.cmdsn = cmdsn;
    memcpy(h.isid, isid, 6);
    feed(&h, LOGIN_NORMAL, 10);            /* splits inside "InitiatorName" */
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 0);
    CU_ASSERT_EQUAL(rsp.len, 0u);          /* empty answer to a C=1 piece */
    CU_ASSERT_FALSE(rsp.h.final);
    h.cont = false;
    h.final = true;
    h.nsg = 3;
    feed(&h, &LOGIN_NORMAL[10], n - 10);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 0);
    CU_ASSERT_EQUAL(conn->state, S_FULL);
}

/* Security stage with CHAP as libiscsi runs it: AuthMethod, CHAP_A, then the response. */
static bool chap_login(const char *user, const char *secret, bool mutual, bool reflect)
{
    static const char first[] = LOGIN_NORMAL "AuthMethod=CHAP,None\0";
    char t[1024];
    size_t len = sizeof first - 1;
    memcpy(t, first, len);
    login_pdu(0, 1, true, t, len);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL_FATAL(rsp.h.status_class, 0);
    CU_ASSERT_FALSE(rsp.h.final);          /* not before CHAP is done */
    CU_ASSERT_TRUE(rsp_has("AuthMethod=CHAP"));
    CU_ASSERT_TRUE(rsp_has("TargetPortalGroupTag=1"));
    static const char a[] = "CHAP_A=7,5\0";
    login_pdu(0, 1, false, a, sizeof a - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_TRUE(rsp_has("CHAP_A=5"));
    const char *id_s = rsp_value("CHAP_I");
    CU_ASSERT_PTR_NOT_NULL_FATAL(id_s);
    uint8_t id = (uint8_t)atoi(id_s);
    const char *c_s = rsp_value("CHAP_C");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c_s);
    uint8_t chal[64], r[16];
    size_t chal_len;
    CU_ASSERT_EQUAL_FATAL(vtl_iscsi_bin_decode(c_s, chal, sizeof chal, &chal_len), VTL_ISCSI_OK);
    vtl_iscsi_chap_md5(id, secret, chal, chal_len, r);
    char rhex[40], mchal_hex[40];
    vtl_iscsi_hex_encode(r, 16, rhex, sizeof rhex);
    uint8_t mchal[16];
    for (int i = 0; i < 16; i++)
        mchal[i] = (uint8_t)(0xA0 + i);
    if (reflect)
        memcpy(mchal, chal, 16);
    vtl_iscsi_hex_encode(mchal, 16, mchal_hex, sizeof mchal_hex);
    len = (size_t)sprintf(t, "CHAP_N=%s", user) + 1;
    len += (size_t)sprintf(t + len, "CHAP_R=%s", rhex) + 1;
    if (mutual) {
        len += (size_t)sprintf(t + len, "CHAP_I=77") + 1;
        len += (size_t)sprintf(t + len, "CHAP_C=%s", mchal_hex) + 1;
    }
    login_pdu(0, 1, true, t, len);
    CU_ASSERT_FATAL(next());
    if (rsp.h.status_class != 0)
        return false;
    CU_ASSERT_TRUE(rsp.h.final);
    CU_ASSERT_EQUAL(rsp.h.nsg, 1);
    if (mutual) {
        uint8_t want[16];
        char whex[40];
        vtl_iscsi_chap_md5(77, "targetsecret", mchal, 16, want);
        vtl_iscsi_hex_encode(want, 16, whex, sizeof whex);
        CU_ASSERT_STRING_EQUAL(rsp_value("CHAP_N"), "tgtuser");
        CU_ASSERT_STRING_EQUAL(rsp_value("CHAP_R"), whex);
    }
    login_pdu(1, 3, true, "", 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 0);
    return conn->state == S_FULL;
}

static void test_chap_success(void)
{
    CU_ASSERT_EQUAL(vtl_iscsi_server_set_chap(srv, NULL, "user", "secretsecret", NULL, NULL),
                    VTL_ISCSI_OK);
    CU_ASSERT_TRUE(chap_login("user", "secretsecret", false, false));
}

static void test_chap_wrong_secret(void)
{
    vtl_iscsi_server_set_chap(srv, TGT, "user", "secretsecret", NULL, NULL);
    CU_ASSERT_FALSE(chap_login("user", "wrongsecret!", false, false));
    CU_ASSERT_EQUAL(rsp.h.status_class, 2);
    CU_ASSERT_EQUAL(rsp.h.status_detail, 1);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
}

static void test_chap_wrong_user(void)
{
    vtl_iscsi_server_set_chap(srv, TGT, "user", "secretsecret", NULL, NULL);
    CU_ASSERT_FALSE(chap_login("other", "secretsecret", false, false));
    CU_ASSERT_EQUAL(rsp.h.status_detail, 1);
}

static void test_chap_mutual(void)
{
    vtl_iscsi_server_set_chap(srv, NULL, "user", "secretsecret", "tgtuser", "targetsecret");
    CU_ASSERT_TRUE(chap_login("user", "secretsecret", true, false));
}

static void test_chap_reflected_challenge_refused(void)
{
    vtl_iscsi_server_set_chap(srv, NULL, "user", "secretsecret", "tgtuser", "targetsecret");
    CU_ASSERT_FALSE(chap_login("user", "secretsecret", true, true));
    CU_ASSERT_EQUAL(rsp.h.status_detail, 1);
}

static void test_chap_required_but_skipped(void)
{
    vtl_iscsi_server_set_chap(srv, NULL, "user", "secretsecret", NULL, NULL);
    login_pdu(1, 3, true, LOGIN_NORMAL, sizeof LOGIN_NORMAL - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_class, 2);
    CU_ASSERT_EQUAL(rsp.h.status_detail, 1);
    /* AuthMethod=None offered to a CHAP target: Reject, then failure */
    vtl_iscsi_conn_free(conn);
    conn = vtl_iscsi_conn_new(srv, -1, "x");
    static const char t[] = LOGIN_NORMAL "AuthMethod=None\0";
    login_pdu(0, 1, true, t, sizeof t - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status_detail, 1);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
}

static void test_non_login_pdu_during_login(void)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_NOP_OUT;
    h.immediate = true;
    h.final = true;
    h.itt = 1;
    h.ttt = VTL_ISCSI_RSVD_TAG;
    feed(&h, NULL, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_REJECT_PROTOCOL_ERROR);
    CU_ASSERT_EQUAL(rsp.len, 48u);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
}

static void nop(uint32_t itt, const void *data, size_t len)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_NOP_OUT;
    h.immediate = true;
    h.final = true;
    h.itt = itt;
    h.ttt = VTL_ISCSI_RSVD_TAG;
    h.cmdsn = cmdsn;
    feed(&h, data, len);
}

static void test_nop_ping_echo(void)
{
    LOGIN_OK("");
    uint32_t statsn = rsp.h.statsn;
    nop(5, "0123456789", 10);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_NOP_IN);
    CU_ASSERT_EQUAL(rsp.h.itt, 5u);
    CU_ASSERT_EQUAL(rsp.h.ttt, VTL_ISCSI_RSVD_TAG);
    CU_ASSERT_EQUAL(rsp.h.statsn, statsn + 1);
    CU_ASSERT_EQUAL(rsp.len, 10u);
    CU_ASSERT_EQUAL(memcmp(rsp.data, "0123456789", 10), 0);
    nop(VTL_ISCSI_RSVD_TAG, NULL, 0);      /* no answer wanted */
    CU_ASSERT_FALSE(next());
}

static void test_unknown_opcode_rejected_then_serving(void)
{
    LOGIN_OK("");
    struct vtl_iscsi_bhs h = {0};
    uint8_t raw[48] = {0x1c, 0x80};
    (void)vtl_iscsi_conn_input(conn, raw, 48);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_REJECT_CMD_NOT_SUPP);
    CU_ASSERT_EQUAL(memcmp(rsp.data, raw, 48), 0);
    /* a target opcode from the initiator, and SNACK at ERL 0 */
    raw[0] = VTL_ISCSI_OP_SCSI_RSP;
    (void)vtl_iscsi_conn_input(conn, raw, 48);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_REJECT_CMD_NOT_SUPP);
    h.opcode = VTL_ISCSI_OP_SNACK_REQ;
    h.final = true;
    feed(&h, NULL, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_REJECT_SNACK);
    nop(6, NULL, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_NOP_IN);
    CU_ASSERT_FALSE(vtl_iscsi_conn_want_close(conn));
}

static void test_oversized_segment_closes(void)
{
    LOGIN_OK("");
    uint8_t raw[48] = {0x40 | VTL_ISCSI_OP_NOP_OUT, 0x80};
    vtl_iscsi_put_be24(raw + 5, 0xFFFFFF);   /* 16 MiB, more than we declared */
    vtl_iscsi_put_be32(raw + 16, 1);
    vtl_iscsi_put_be32(raw + 20, VTL_ISCSI_RSVD_TAG);
    CU_ASSERT_NOT_EQUAL(vtl_iscsi_conn_input(conn, raw, 48), VTL_ISCSI_OK);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
}

static void test_digests(void)
{
    LOGIN_OK("HeaderDigest=CRC32C,None\0DataDigest=CRC32C,None\0");
    CU_ASSERT_TRUE(rsp_has("HeaderDigest=CRC32C"));
    CU_ASSERT_TRUE(rsp_has("DataDigest=CRC32C"));
    CU_ASSERT_TRUE(conn->hd && conn->dd);
    hd = dd = true;
    nop(7, "ping", 4);
    CU_ASSERT_FATAL(next());               /* next() verifies both digests */
    CU_ASSERT_EQUAL(rsp.h.itt, 7u);
    /* a read queued by reference (blob): digest over the data and its padding */
    for (int i = 0; i < 1001; i++)
        fb.buf[1][i] = (uint8_t)(i * 3);
    uint8_t cdb[16] = {0x3C, 0x02, 0, 0, 0, 0, 0, 0x03, 0xE9};     /* READ BUFFER 1001 */
    struct vtl_iscsi_bhs rd = {0};
    rd.opcode = VTL_ISCSI_OP_SCSI_CMD;
    rd.final = true;
    rd.read = true;
    rd.lun = vtl_iscsi_lun_encode(1);
    rd.itt = 0x77;
    rd.edtl = 1001;
    rd.cmdsn = cmdsn++;
    memcpy(rd.cdb, cdb, 16);
    feed(&rd, NULL, 0);
    CU_ASSERT_FATAL(next());               /* next() checks padding and both digests */
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_DATA_IN);
    CU_ASSERT_TRUE(rsp.h.has_status);
    CU_ASSERT_EQUAL(rsp.len, 1001u);
    CU_ASSERT_EQUAL(memcmp(rsp.data, fb.buf[1], 1001), 0);
    /* corrupt the data digest: Reject (data digest error), connection stays */
    uint8_t buf[128];
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_NOP_OUT;
    h.immediate = true;
    h.final = true;
    h.itt = 8;
    h.ttt = VTL_ISCSI_RSVD_TAG;
    size_t n = build(&h, "ping", 4, buf);
    buf[n - 1] ^= 1;
    (void)vtl_iscsi_conn_input(conn, buf, n);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_REJECT_DATA_DIGEST);
    CU_ASSERT_FALSE(vtl_iscsi_conn_want_close(conn));
    /* corrupt the header digest: the connection is dropped */
    n = build(&h, "ping", 4, buf);
    buf[50] ^= 1;
    CU_ASSERT_EQUAL(vtl_iscsi_conn_input(conn, buf, n), VTL_ISCSI_EDIGEST);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
    struct vtl_iscsi_stats st;
    vtl_iscsi_server_stats(srv, &st);
    CU_ASSERT_EQUAL(st.digest_errors, 2u);
}

static void scsi(uint32_t itt, uint16_t lun, const uint8_t *cdb, bool r, bool w, uint32_t edtl,
                 bool final, const void *imm, size_t imm_len, bool immediate)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_SCSI_CMD;
    h.immediate = immediate;
    h.final = final;
    h.read = r;
    h.write = w;
    h.attr = 1;
    h.lun = vtl_iscsi_lun_encode(lun);
    h.itt = itt;
    h.edtl = edtl;
    h.cmdsn = immediate ? cmdsn : cmdsn++;
    memcpy(h.cdb, cdb, 16);
    feed(&h, imm, imm_len);
}

static void data_out(uint32_t itt, uint32_t ttt, uint32_t off, const uint8_t *d, size_t len,
                     bool final, uint32_t datasn)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_DATA_OUT;
    h.final = final;
    h.itt = itt;
    h.ttt = ttt;
    h.buffer_offset = off;
    h.datasn = datasn;
    feed(&h, d, len);
}

static void buf_cdb(uint8_t *cdb, uint8_t op, uint32_t off, uint32_t len)
{
    memset(cdb, 0, 16);
    cdb[0] = op;
    cdb[1] = 0x02;
    vtl_iscsi_put_be24(cdb + 3, off);
    vtl_iscsi_put_be24(cdb + 6, len);
}

static void test_write_immediate_then_r2t(void)
{
    LOGIN_OK("ImmediateData=Yes\0InitialR2T=No\0FirstBurstLength=8192\0"
             "MaxBurstLength=16384\0MaxOutstandingR2T=2\0");
    enum { LEN = 40000 };
    uint8_t *pat = malloc(LEN), cdb[16];
    for (int i = 0; i < LEN; i++)
        pat[i] = (uint8_t)(i * 13 + 5);
    buf_cdb(cdb, 0x3B, 0, LEN);
    scsi(0x51, 1, cdb, false, true, LEN, true, pat, 8192, false);
    /* two R2Ts at once (MaxOutstandingR2T=2), each at most MaxBurstLength */
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_R2T);
    CU_ASSERT_EQUAL(rsp.h.itt, 0x51u);
    CU_ASSERT_EQUAL(rsp.h.buffer_offset, 8192u);
    CU_ASSERT_EQUAL(rsp.h.desired_len, 16384u);
    CU_ASSERT_EQUAL(rsp.h.r2tsn, 0u);
    uint32_t ttt1 = rsp.h.ttt;
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.buffer_offset, 24576u);
    CU_ASSERT_EQUAL(rsp.h.desired_len, (uint32_t)LEN - 24576u);
    CU_ASSERT_EQUAL(rsp.h.r2tsn, 1u);
    uint32_t ttt2 = rsp.h.ttt;
    CU_ASSERT_NOT_EQUAL(ttt1, ttt2);
    CU_ASSERT_FALSE(next());
    /* data in MaxRecvDataSegmentLength-sized pieces */
    data_out(0x51, ttt1, 8192, pat + 8192, 8192, false, 0);
    data_out(0x51, ttt1, 16384, pat + 16384, 8192, true, 1);
    CU_ASSERT_FALSE(next());
    data_out(0x51, ttt2, 24576, pat + 24576, LEN - 24576, true, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_SCSI_RSP);
    CU_ASSERT_EQUAL(rsp.h.status, 0);
    CU_ASSERT_EQUAL(rsp.h.itt, 0x51u);
    CU_ASSERT_EQUAL(memcmp(fb.buf[1], pat, LEN), 0);
    free(pat);
}

static void test_write_unsolicited_data_out(void)
{
    LOGIN_OK("ImmediateData=Yes\0InitialR2T=No\0FirstBurstLength=8192\0");
    enum { LEN = 20000 };
    uint8_t *pat = malloc(LEN), cdb[16];
    for (int i = 0; i < LEN; i++)
        pat[i] = (uint8_t)(i * 7 + 1);
    buf_cdb(cdb, 0x3B, 100, LEN);
    scsi(0x52, 2, cdb, false, true, LEN, false, pat, 4096, false);
    CU_ASSERT_FALSE(next());               /* unsolicited data still to come */
    data_out(0x52, VTL_ISCSI_RSVD_TAG, 4096, pat + 4096, 4096, true, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_R2T);
    CU_ASSERT_EQUAL(rsp.h.buffer_offset, 8192u);
    CU_ASSERT_EQUAL(rsp.h.desired_len, (uint32_t)LEN - 8192u);
    data_out(0x52, rsp.h.ttt, 8192, pat + 8192, LEN - 8192, true, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_SCSI_RSP);
    CU_ASSERT_EQUAL(rsp.h.status, 0);
    CU_ASSERT_EQUAL(memcmp(fb.buf[2] + 100, pat, LEN), 0);
    free(pat);
}

/* Data-Out that breaks its sequence ends the command with CHECK CONDITION (DATA PHASE
 * ERROR) after a Reject; the connection goes on. */
static void test_data_sequence_errors(void)
{
    LOGIN_OK("ImmediateData=No\0InitialR2T=Yes\0MaxBurstLength=8192\0");
    static uint8_t pat[16384];
    uint8_t cdb[16];
    buf_cdb(cdb, 0x3B, 0, sizeof pat);
    /* wrong DataSN (1 instead of 0), wrong offset, wrong TTT, past the end */
    static const struct { uint32_t datasn, off; bool bad_ttt; } bad[] = {
        {1, 0, false}, {0, 512, false}, {0, 0, true}, {0, 16000, false},
    };
    for (size_t i = 0; i < 4; i++) {
        uint32_t itt = 0x400 + (uint32_t)i;
        scsi(itt, 1, cdb, false, true, sizeof pat, true, NULL, 0, false);
        CU_ASSERT_FATAL(next());
        CU_ASSERT_EQUAL_FATAL(rsp.h.opcode, VTL_ISCSI_OP_R2T);
        CU_ASSERT_EQUAL(rsp.h.buffer_offset, 0u);          /* everything solicited */
        uint32_t ttt = bad[i].bad_ttt ? rsp.h.ttt + 1000 : rsp.h.ttt;
        data_out(itt, ttt, bad[i].off, pat, 1024, false, bad[i].datasn);
        CU_ASSERT_FATAL(next());
        CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
        CU_ASSERT_FATAL(next());
        CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_SCSI_RSP);
        CU_ASSERT_EQUAL(rsp.h.itt, itt);
        CU_ASSERT_EQUAL(rsp.h.status, VTL_STATUS_CHECK_CONDITION);
        CU_ASSERT_EQUAL(rsp.data[2 + 2] & 0x0f, 0x0B);
        CU_ASSERT_EQUAL(rsp.data[2 + 12], 0x4B);
        data_out(itt, ttt, 1024, pat, 1024, true, 1);       /* the rest is dropped */
        CU_ASSERT_FALSE(next());
        CU_ASSERT_EQUAL(conn->n_tasks, 0u);
    }
    CU_ASSERT_FALSE(vtl_iscsi_conn_want_close(conn));
    CU_ASSERT_EQUAL(fake_get(&fb.n_submit), 0u);
}

static void test_read_phase_collapse_and_residuals(void)
{
    LOGIN_OK("MaxRecvDataSegmentLength=4096\0");
    uint8_t cdb[16];
    for (int i = 0; i < 10000; i++)
        fb.buf[1][i] = (uint8_t)(i ^ 0x5a);
    /* 10000 bytes, EDTL 10000: three Data-In, status on the last */
    buf_cdb(cdb, 0x3C, 0, 10000);
    scsi(0x61, 1, cdb, true, false, 10000, true, NULL, 0, false);
    uint32_t got = 0;
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_FATAL(next());
        CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_DATA_IN);
        CU_ASSERT_EQUAL(rsp.h.datasn, (uint32_t)i);
        CU_ASSERT_EQUAL(rsp.h.buffer_offset, got);
        CU_ASSERT_TRUE(rsp.len <= 4096);
        CU_ASSERT_EQUAL(memcmp(rsp.data, fb.buf[1] + got, rsp.len), 0);
        got += (uint32_t)rsp.len;
        CU_ASSERT_EQUAL(rsp.h.has_status, i == 2);
    }
    CU_ASSERT_EQUAL(got, 10000u);
    CU_ASSERT_TRUE(rsp.h.final);
    CU_ASSERT_FALSE(rsp.h.under || rsp.h.over);
    CU_ASSERT_FALSE(next());
    /* device returns less than expected: underflow */
    buf_cdb(cdb, 0x3C, 0, 1000);
    scsi(0x62, 1, cdb, true, false, 2000, true, NULL, 0, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_TRUE(rsp.h.has_status && rsp.h.under);
    CU_ASSERT_EQUAL(rsp.h.residual, 1000u);
    CU_ASSERT_EQUAL(rsp.len, 1000u);
    /* device has more than expected: overflow, only EDTL bytes sent */
    buf_cdb(cdb, 0x3C, 0, 1000);
    scsi(0x63, 1, cdb, true, false, 500, true, NULL, 0, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_TRUE(rsp.h.has_status && rsp.h.over);
    CU_ASSERT_EQUAL(rsp.h.residual, 500u);
    CU_ASSERT_EQUAL(rsp.len, 500u);
}

static void test_check_condition_with_sense(void)
{
    LOGIN_OK("");
    uint8_t cdb[16] = {0xEE};
    scsi(0x71, 1, cdb, true, false, 64, true, NULL, 0, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_SCSI_RSP);
    CU_ASSERT_EQUAL(rsp.h.status, VTL_STATUS_CHECK_CONDITION);
    CU_ASSERT_TRUE(rsp.h.under);
    CU_ASSERT_EQUAL(rsp.h.residual, 64u);
    CU_ASSERT_EQUAL_FATAL(rsp.len, 2u + 18u);
    CU_ASSERT_EQUAL(vtl_iscsi_get_be16(rsp.data), 18);  /* SenseLength prefix */
    CU_ASSERT_EQUAL(rsp.data[2 + 2] & 0x0f, 0x05);
    CU_ASSERT_EQUAL(rsp.data[2 + 12], 0x20);
}

static void test_missing_lun_and_report_luns(void)
{
    LOGIN_OK("");
    uint8_t cdb[16] = {0};
    scsi(0x81, 7, cdb, false, false, 0, true, NULL, 0, false);   /* TUR on LUN 7 */
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status, VTL_STATUS_CHECK_CONDITION);
    CU_ASSERT_EQUAL(rsp.data[2 + 12], 0x25);   /* LOGICAL UNIT NOT SUPPORTED */
    uint8_t inq[16] = {0x12, 0, 0, 0, 36};
    scsi(0x82, 7, inq, true, false, 36, true, NULL, 0, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_TRUE(rsp.h.has_status);
    CU_ASSERT_EQUAL(rsp.data[0], 0x7f);         /* qualifier 011b, type 1fh */
    uint8_t rl[16] = {0xA0};
    vtl_iscsi_put_be32(rl + 6, 256);
    scsi(0x83, 0, rl, true, false, 256, true, NULL, 0, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(vtl_iscsi_get_be32(rsp.data), 24u);
    CU_ASSERT_EQUAL(rsp.len, 32u);
    CU_ASSERT_EQUAL(rsp.data[8 + 8 + 1], 1);
    CU_ASSERT_EQUAL(rsp.data[8 + 16 + 1], 2);
    CU_ASSERT_EQUAL(fake_get(&fb.n_submit), 0u);  /* none reached the backend */
}

static void test_late_completion_and_window(void)
{
    LOGIN_OK("");
    uint32_t max0 = rsp.h.max_cmdsn;
    CU_ASSERT_EQUAL(max0, 100u + 32u - 1u);
    fb.defer = true;
    uint8_t tur[16] = {0};
    scsi(0x91, 1, tur, false, false, 0, true, NULL, 0, false);
    CU_ASSERT_FALSE(next());               /* held by the backend */
    nop(0x92, NULL, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.max_cmdsn, max0);   /* one slot busy: window not advanced */
    fake_backend_tick(&fb);                /* the library clock completes it */
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_SCSI_RSP);
    CU_ASSERT_EQUAL(rsp.h.itt, 0x91u);
    CU_ASSERT_EQUAL(rsp.h.max_cmdsn, max0 + 1);
    CU_ASSERT_EQUAL(fake_get(&fb.n_late_done), 1u);
    /* a CmdSN outside the window is ignored */
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_SCSI_CMD;
    h.final = true;
    h.itt = 0x93;
    h.cmdsn = cmdsn + 1000;
    fb.defer = false;
    feed(&h, NULL, 0);
    CU_ASSERT_FALSE(next());
    h.cmdsn = cmdsn - 5;                    /* already used */
    feed(&h, NULL, 0);
    CU_ASSERT_FALSE(next());
}

static void tmf(uint32_t itt, uint8_t fn, uint16_t lun, uint32_t rtt)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_TMF_REQ;
    h.immediate = true;
    h.final = true;
    h.function = fn;
    h.lun = vtl_iscsi_lun_encode(lun);
    h.itt = itt;
    h.rtt = rtt;
    h.cmdsn = cmdsn;
    h.ref_cmdsn = cmdsn - 1;
    feed(&h, NULL, 0);
}

static void test_abort_task_suppresses_response(void)
{
    LOGIN_OK("");
    fb.defer = true;
    uint8_t tur[16] = {0};
    scsi(0xA1, 1, tur, false, false, 0, true, NULL, 0, false);
    tmf(0xA2, VTL_ISCSI_TMF_ABORT_TASK, 1, 0xA1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_TMF_RSP);
    CU_ASSERT_EQUAL(rsp.h.itt, 0xA2u);
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_TMF_RSP_COMPLETE);
    CU_ASSERT_FALSE(next());               /* nothing for the aborted task */
    CU_ASSERT_EQUAL(fake_get(&fb.n_aborted), 1u);
    CU_ASSERT_EQUAL(fb.last_tmf_fn, VTL_ISCSI_TMF_ABORT_TASK);
    CU_ASSERT_EQUAL(conn->n_tasks, 0u);
    /* a task that does not exist */
    tmf(0xA3, VTL_ISCSI_TMF_ABORT_TASK, 1, 0xDEAD);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_TMF_RSP_NO_TASK);
    /* LUN reset on a missing LUN; then on LUN 1 with two tasks pending */
    tmf(0xA4, VTL_ISCSI_TMF_LUN_RESET, 9, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_TMF_RSP_NO_LUN);
    scsi(0xA5, 1, tur, false, false, 0, true, NULL, 0, false);
    scsi(0xA6, 1, tur, false, false, 0, true, NULL, 0, false);
    tmf(0xA7, VTL_ISCSI_TMF_LUN_RESET, 1, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.itt, 0xA7u);
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_TMF_RSP_COMPLETE);
    CU_ASSERT_FALSE(next());
    CU_ASSERT_EQUAL(fb.last_tmf_fn, VTL_ISCSI_TMF_LUN_RESET);
    CU_ASSERT_EQUAL(fake_get(&fb.n_aborted), 3u);
    tmf(0xA8, VTL_ISCSI_TMF_TASK_REASSIGN, 1, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_TMF_RSP_NO_REASSIGN);
}

static void test_pending_task_survives_connection_close(void)
{
    LOGIN_OK("");
    fb.defer = true;
    uint8_t tur[16] = {0};
    scsi(0xB1, 1, tur, false, false, 0, true, NULL, 0, false);
    vtl_iscsi_conn_free(conn);             /* the command becomes an orphan */
    conn = NULL;
    CU_ASSERT_PTR_NOT_NULL(srv->orphans);
    CU_ASSERT_EQUAL(fake_get(&fb.n_nexus_close), 1u);
    fake_backend_tick(&fb);                /* completion frees it */
    CU_ASSERT_PTR_NULL(srv->orphans);
}

static void text_req(uint32_t itt, uint32_t ttt, const char *t, size_t len)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_TEXT_REQ;
    h.immediate = true;
    h.final = true;
    h.itt = itt;
    h.ttt = ttt;
    h.cmdsn = cmdsn;
    feed(&h, t, len);
}

static void test_send_targets_paged(void)
{
    /* 150 targets with long names do not fit in a 512-byte segment: the answer is paged
     * with C=1 and a TTT, the initiator asks for more with empty requests. */
    for (int i = 0; i < 150; i++) {
        char name[200];
        snprintf(name, sizeof name, "iqn.2026-11.org.openrsm:library-with-a-long-name-%03d", i);
        uint16_t l0 = 0;
        CU_ASSERT_EQUAL(vtl_iscsi_server_add_target(srv, name, NULL, &l0, 1, NULL), VTL_ISCSI_OK);
    }
    static const char t[] = "InitiatorName=" INI "\0SessionType=Discovery\0"
                            "MaxRecvDataSegmentLength=512\0";
    login_pdu(1, 3, true, t, sizeof t - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL_FATAL(conn->state, S_FULL);
    CU_ASSERT_FALSE(rsp_has("TargetPortalGroupTag=1"));
    char *all = malloc(100000);
    size_t all_len = 0;
    int pages = 0;
    text_req(0x10, VTL_ISCSI_RSVD_TAG, "SendTargets=All", 16);
    for (;;) {
        CU_ASSERT_FATAL(next());
        CU_ASSERT_EQUAL_FATAL(rsp.h.opcode, VTL_ISCSI_OP_TEXT_RSP);
        CU_ASSERT_TRUE(rsp.len <= 512);
        memcpy(all + all_len, rsp.data, rsp.len);
        all_len += rsp.len;
        pages++;
        if (rsp.h.final)
            break;
        CU_ASSERT_TRUE(rsp.h.cont);
        CU_ASSERT_NOT_EQUAL(rsp.h.ttt, VTL_ISCSI_RSVD_TAG);
        text_req(0x10, rsp.h.ttt, NULL, 0);
    }
    CU_ASSERT_TRUE(pages > 10);
    int names = 0, addrs = 0;
    for (size_t off = 0; off < all_len;) {
        size_t l = strnlen(all + off, all_len - off);
        names += strncmp(all + off, "TargetName=", 11) == 0;
        addrs += strcmp(all + off, "TargetAddress=127.0.0.1:3260,1") == 0;
        off += l + 1;
    }
    CU_ASSERT_EQUAL(names, 151);
    CU_ASSERT_EQUAL(addrs, 151);
    free(all);
    /* SCSI commands are refused in a discovery session */
    uint8_t tur[16] = {0};
    scsi(0x11, 0, tur, false, false, 0, true, NULL, 0, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
}

static void test_logout(void)
{
    LOGIN_OK("");
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_LOGOUT_REQ;
    h.immediate = true;
    h.final = true;
    h.function = VTL_ISCSI_LOGOUT_CLOSE_SESSION;
    h.itt = 0xC1;
    h.cmdsn = cmdsn;
    feed(&h, NULL, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_LOGOUT_RSP);
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_LOGOUT_RSP_OK);
    CU_ASSERT_EQUAL(rsp.h.time2wait, 2);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
    nop(0xC2, NULL, 0);                    /* nothing served after logout */
    CU_ASSERT_FALSE(next());
}

static void test_session_reinstatement(void)
{
    LOGIN_OK("");
    struct vtl_iscsi_conn *first = conn;
    conn = vtl_iscsi_conn_new(srv, -1, "x");
    LOGIN_OK("");                       /* same InitiatorName + ISID */
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(first));
    CU_ASSERT_FALSE(vtl_iscsi_conn_want_close(conn));
    vtl_iscsi_conn_free(first);
    CU_ASSERT_EQUAL(fake_get(&fb.n_nexus_close), 1u);
}


static void test_login_timeout_and_nop_in_ping(void)
{
    /* a connection that never finishes login is closed after login_timeout_ms */
    vtl_iscsi_conn_timer(conn, conn->created_ms + srv->cfg.login_timeout_ms - 1);
    CU_ASSERT_FALSE(vtl_iscsi_conn_want_close(conn));
    vtl_iscsi_conn_timer(conn, conn->created_ms + srv->cfg.login_timeout_ms);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
    vtl_iscsi_conn_free(conn);
    conn = vtl_iscsi_conn_new(srv, -1, "x");
    LOGIN_OK("");
    srv->cfg.nop_interval_ms = 1000;
    uint64_t t0 = conn->last_rx_ms;
    vtl_iscsi_conn_timer(conn, t0 + 999);
    CU_ASSERT_FALSE(next());
    vtl_iscsi_conn_timer(conn, t0 + 1000);  /* idle: the target pings */
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_NOP_IN);
    CU_ASSERT_EQUAL(rsp.h.itt, VTL_ISCSI_RSVD_TAG);
    CU_ASSERT_NOT_EQUAL(rsp.h.ttt, VTL_ISCSI_RSVD_TAG);
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_NOP_OUT;
    h.immediate = true;
    h.final = true;
    h.itt = VTL_ISCSI_RSVD_TAG;
    h.ttt = rsp.h.ttt;                     /* the answer */
    feed(&h, NULL, 0);
    CU_ASSERT_FALSE(next());
    CU_ASSERT_FALSE(conn->ping_outstanding);
    uint64_t t1 = conn->last_rx_ms;
    vtl_iscsi_conn_timer(conn, t1 + 1000); /* second ping, never answered */
    CU_ASSERT_TRUE(next());
    vtl_iscsi_conn_timer(conn, t1 + 1999);
    CU_ASSERT_FALSE(vtl_iscsi_conn_want_close(conn));
    vtl_iscsi_conn_timer(conn, t1 + 2000);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
}

static void test_target_cold_reset_drops_sessions(void)
{
    LOGIN_OK("");
    struct vtl_iscsi_conn *first = conn;
    static const char other[] = "InitiatorName=iqn.other\0TargetName=" TGT "\0";
    conn = vtl_iscsi_conn_new(srv, -1, "x");
    login_pdu(1, 3, true, other, sizeof other - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL_FATAL(conn->state, S_FULL);
    tmf(0xD1, VTL_ISCSI_TMF_TARGET_WARM_RESET, 0, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_TMF_RSP_COMPLETE);
    CU_ASSERT_FALSE(vtl_iscsi_conn_want_close(first));
    tmf(0xD2, VTL_ISCSI_TMF_TARGET_COLD_RESET, 0, 0);
    CU_ASSERT_FATAL(next());                /* answered first, then dropped */
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_TMF_RSP);
    CU_ASSERT_EQUAL(fb.last_tmf_fn, VTL_ISCSI_TMF_TARGET_COLD_RESET);
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(first));
}

static void test_text_in_full_feature(void)
{
    LOGIN_OK("");
    static const char t[] = "MaxRecvDataSegmentLength=4096\0MaxBurstLength=512\0X-vendor.Key=1\0";
    text_req(0xE1, VTL_ISCSI_RSVD_TAG, t, sizeof t - 1);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_TEXT_RSP);
    CU_ASSERT_TRUE(rsp.h.final);
    CU_ASSERT_TRUE(rsp_has("MaxRecvDataSegmentLength=262144"));
    CU_ASSERT_TRUE(rsp_has("MaxBurstLength=Reject"));   /* leading-only, fixed at login */
    CU_ASSERT_TRUE(rsp_has("X-vendor.Key=NotUnderstood"));
    CU_ASSERT_EQUAL(conn->neg.max_recv_dsl_ini, 4096u);
    CU_ASSERT_EQUAL(conn->neg.max_burst, 262144u);
    /* SendTargets in a normal session reports only the session's target */
    text_req(0xE2, VTL_ISCSI_RSVD_TAG, "SendTargets=All", 16);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_TRUE(rsp_has("TargetName=" TGT));
    /* a malformed text request is rejected */
    text_req(0xE3, VTL_ISCSI_RSVD_TAG, "garbage", 7);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
}

static void test_tmf_response_waits_for_slow_abort(void)
{
    LOGIN_OK("");
    fb.defer = true;
    fb.slow_abort = true;                  /* the device takes its time to stop */
    uint8_t tur[16] = {0};
    scsi(0xF1, 1, tur, false, false, 0, true, NULL, 0, false);
    scsi(0xF2, 1, tur, false, false, 0, true, NULL, 0, false);
    tmf(0xF3, VTL_ISCSI_TMF_LUN_RESET, 1, 0);
    CU_ASSERT_FALSE(next());               /* not before the aborted tasks are gone */
    fake_backend_tick(&fb);                /* both complete (their responses suppressed) */
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_TMF_RSP);
    CU_ASSERT_EQUAL(rsp.h.itt, 0xF3u);
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_TMF_RSP_COMPLETE);
    CU_ASSERT_FALSE(next());
    CU_ASSERT_EQUAL(conn->n_tasks, 0u);
    CU_ASSERT_PTR_NULL(conn->tmf_waits);
}

/* A SCSI Command with AHS bytes between the BHS and the data segment. */
static void scsi_ahs(uint32_t itt, const uint8_t *cdb16, bool r, bool w, uint32_t edtl,
                     const uint8_t *ahs, size_t ahs_len, const void *imm, size_t imm_len)
{
    uint8_t buf[4096];
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_SCSI_CMD;
    h.final = true;
    h.read = r;
    h.write = w;
    h.lun = vtl_iscsi_lun_encode(1);
    h.itt = itt;
    h.edtl = edtl;
    h.cmdsn = cmdsn++;
    h.ahs_words = (uint8_t)(ahs_len / 4);
    h.data_len = (uint32_t)imm_len;
    memcpy(h.cdb, cdb16, 16);
    vtl_iscsi_bhs_encode(&h, buf, 48);
    memcpy(buf + 48, ahs, ahs_len);
    size_t n = 48 + ahs_len;
    if (imm_len) {
        memcpy(buf + n, imm, imm_len);
        memset(buf + n + imm_len, 0, vtl_iscsi_pad4((uint32_t)imm_len) - imm_len);
        n += vtl_iscsi_pad4((uint32_t)imm_len);
    }
    (void)vtl_iscsi_conn_input(conn, buf, n);
}

static void test_ahs_cdb_bidi_and_limits(void)
{
    LOGIN_OK("");
    /* 32-byte variable-length CDB: 16 bytes in the BHS, 16 in an extended-CDB AHS */
    uint8_t cdb[16] = {0x7f, 0, 0, 0, 0, 0, 0, 24};
    uint8_t ext[20] = {0x00, 0x11, VTL_ISCSI_AHS_EXT_CDB, 0x00};
    scsi_ahs(0x101, cdb, false, false, 0, ext, sizeof ext, NULL, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_SCSI_RSP);
    CU_ASSERT_EQUAL(rsp.h.status, VTL_STATUS_CHECK_CONDITION);   /* the fake knows no 7Fh */
    CU_ASSERT_EQUAL(fb.last_cdb_len, 32u);
    /* bidirectional: WRITE BUFFER data out, 100 bytes of expected read get nothing back */
    uint8_t wb[16];
    buf_cdb(wb, 0x3B, 0, 64);
    uint8_t bidi[8] = {0x00, 0x05, VTL_ISCSI_AHS_BIDI_READ_LEN, 0x00, 0, 0, 0, 100};
    uint8_t data[64];
    memset(data, 0x33, sizeof data);
    scsi_ahs(0x102, wb, true, true, 64, bidi, sizeof bidi, data, sizeof data);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_SCSI_RSP);
    CU_ASSERT_EQUAL(rsp.h.status, 0);
    CU_ASSERT_TRUE(rsp.h.bidi_under);
    CU_ASSERT_EQUAL(rsp.h.bidi_residual, 100u);
    CU_ASSERT_FALSE(rsp.h.under);
    CU_ASSERT_EQUAL(fb.last_data_out_len, 64u);
    CU_ASSERT_EQUAL(fb.buf[1][63], 0x33);
    /* a malformed AHS is a protocol error */
    uint8_t bad[4] = {0x00, 0x09, VTL_ISCSI_AHS_EXT_CDB, 0x00};
    scsi_ahs(0x103, cdb, false, false, 0, bad, sizeof bad, NULL, 0);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
    /* more data than max_cmd_data: refused at once, its unsolicited data dropped */
    buf_cdb(wb, 0x3B, 0, 0);
    scsi(0x104, 1, wb, false, true, 17u << 20, false, data, sizeof data, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status, VTL_STATUS_CHECK_CONDITION);
    CU_ASSERT_EQUAL(rsp.data[2 + 12], 0x24);
    data_out(0x104, VTL_ISCSI_RSVD_TAG, 64, data, sizeof data, true, 0);
    CU_ASSERT_FALSE(next());
    /* immediate data without W, or more than FirstBurstLength: protocol error */
    scsi(0x105, 1, wb, false, false, 0, true, data, sizeof data, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
    /* the same ITT twice while the first is active */
    fb.defer = true;
    uint8_t tur[16] = {0};
    scsi(0x106, 1, tur, false, false, 0, true, NULL, 0, false);
    scsi(0x106, 1, tur, false, false, 0, true, NULL, 0, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
    CU_ASSERT_EQUAL(rsp.h.response, VTL_ISCSI_REJECT_TASK_IN_PROG);
    fake_backend_tick(&fb);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.itt, 0x106u);
}

static void test_immediate_flood_gets_task_set_full(void)
{
    LOGIN_OK("");
    fb.defer = true;
    uint8_t tur[16] = {0};
    for (uint32_t i = 0; i < 2 * 32; i++)  /* immediate commands bypass the window */
        scsi(0x200 + i, 1, tur, false, false, 0, true, NULL, 0, true);
    CU_ASSERT_FALSE(next());
    scsi(0x300, 1, tur, false, false, 0, true, NULL, 0, true);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.itt, 0x300u);
    CU_ASSERT_EQUAL(rsp.h.status, VTL_STATUS_TASK_SET_FULL);
    fake_backend_tick(&fb);
    int n = 0;
    while (next())
        n += rsp.h.opcode == VTL_ISCSI_OP_SCSI_RSP && rsp.h.status == 0;
    CU_ASSERT_EQUAL(n, 64);
}

static void test_async_logout_request(void)
{
    LOGIN_OK("");
    uint32_t statsn = rsp.h.statsn;
    CU_ASSERT_EQUAL(vtl_iscsi_server_request_logout(srv, "iqn.other", 3), 0u);
    CU_ASSERT_FALSE(next());
    CU_ASSERT_EQUAL(vtl_iscsi_server_request_logout(srv, TGT, 3), 1u);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_ASYNC_MSG);
    CU_ASSERT_EQUAL(rsp.h.async_event, 1);
    CU_ASSERT_EQUAL(rsp.h.param3, 3);
    CU_ASSERT_EQUAL(rsp.h.itt, VTL_ISCSI_RSVD_TAG);
    CU_ASSERT_EQUAL(rsp.h.statsn, statsn + 1);
    uint64_t deadline = conn->logout_deadline_ms;
    CU_ASSERT_TRUE(deadline > 0);
    vtl_iscsi_conn_timer(conn, deadline - 1);
    CU_ASSERT_FALSE(vtl_iscsi_conn_want_close(conn));
    vtl_iscsi_conn_timer(conn, deadline);   /* the initiator ignored it */
    CU_ASSERT_TRUE(vtl_iscsi_conn_want_close(conn));
}

/* Sends one PDU the way the server's reader does: the header through conn_input, then the
 * data segment (with padding and digest) in two receives at vtl_iscsi_conn_rx_room.
 * Returns where the data segment was received. */
static const uint8_t *feed_in_place(struct vtl_iscsi_bhs *h, const void *data, size_t len)
{
    uint8_t *buf = malloc(48 + 8 + len + 8);
    size_t n = build(h, data, len, buf);
    size_t hl = 48 + (hd ? 4 : 0);
    size_t room;
    (void)vtl_iscsi_conn_input(conn, buf, hl);
    uint8_t *first = vtl_iscsi_conn_rx_room(conn, &room);
    CU_ASSERT_PTR_NOT_NULL_FATAL(first);
    CU_ASSERT_EQUAL_FATAL(room, n - hl);
    size_t half = room / 2;
    memcpy(first, buf + hl, half);
    CU_ASSERT_EQUAL(vtl_iscsi_conn_rx_commit(conn, half), VTL_ISCSI_OK);
    uint8_t *p = vtl_iscsi_conn_rx_room(conn, &room);
    CU_ASSERT_PTR_EQUAL_FATAL(p, first + half);
    memcpy(p, buf + hl + half, room);
    (void)vtl_iscsi_conn_rx_commit(conn, room);
    CU_ASSERT_PTR_NULL(vtl_iscsi_conn_rx_room(conn, &room));   /* between PDUs */
    free(buf);
    return first;
}

static const uint8_t *scsi_in_place(uint32_t itt, uint16_t lun, const uint8_t *cdb, uint32_t edtl,
                                    const void *imm, size_t imm_len)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_SCSI_CMD;
    h.final = true;
    h.write = true;
    h.attr = 1;
    h.lun = vtl_iscsi_lun_encode(lun);
    h.itt = itt;
    h.edtl = edtl;
    h.cmdsn = cmdsn++;
    memcpy(h.cdb, cdb, 16);
    return feed_in_place(&h, imm, imm_len);
}

static const uint8_t *data_out_in_place(uint32_t itt, uint32_t ttt, uint32_t off,
                                        const uint8_t *d, size_t len, uint32_t datasn)
{
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_DATA_OUT;
    h.final = true;
    h.itt = itt;
    h.ttt = ttt;
    h.buffer_offset = off;
    h.datasn = datasn;
    return feed_in_place(&h, d, len);
}

/* Immediate data and solicited Data-Out land in the command's own buffer, which the
 * backend gets as data_out, and the next write of that size reuses the buffer. */
static void test_write_data_received_in_place(void)
{
    LOGIN_OK("ImmediateData=Yes\0InitialR2T=No\0FirstBurstLength=8192\0"
             "MaxBurstLength=16384\0");
    enum { LEN = 24576 };
    uint8_t *pat = malloc(LEN), cdb[16];
    const uint8_t *first = NULL;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < LEN; i++)
            pat[i] = (uint8_t)(i * 11 + round);
        struct vtl_iscsi_stats before, after;
        vtl_iscsi_server_stats(srv, &before);
        buf_cdb(cdb, 0x3B, 0, LEN);
        uint32_t itt = 0x700 + (uint32_t)round;
        const uint8_t *p0 = scsi_in_place(itt, 1, cdb, LEN, pat, 8192);
        CU_ASSERT_PTR_NOT_EQUAL(p0, conn->data);   /* not the reassembly buffer */
        CU_ASSERT_FATAL(next());
        CU_ASSERT_EQUAL_FATAL(rsp.h.opcode, VTL_ISCSI_OP_R2T);
        CU_ASSERT_EQUAL(rsp.h.buffer_offset, 8192u);
        const uint8_t *p1 = data_out_in_place(itt, rsp.h.ttt, 8192, pat + 8192, LEN - 8192, 0);
        CU_ASSERT_PTR_EQUAL(p1, p0 + 8192);       /* the same buffer, at its offset */
        CU_ASSERT_FATAL(next());
        CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_SCSI_RSP);
        CU_ASSERT_EQUAL(rsp.h.status, 0);
        CU_ASSERT_PTR_EQUAL(fb.last_data_out, p0);
        CU_ASSERT_EQUAL(memcmp(fb.buf[1], pat, LEN), 0);
        vtl_iscsi_server_stats(srv, &after);
        CU_ASSERT_EQUAL(after.bytes_in_place - before.bytes_in_place, (uint64_t)LEN);
        if (round == 0)
            first = p0;
        else
            CU_ASSERT_PTR_EQUAL(p0, first);       /* the finished task's buffer, reused */
    }
    free(pat);
}

/* Data-Out that is not where the task expects it, or whose padding would land on data
 * still to come, goes to the reassembly buffer: accepted data is never overwritten. */
static void test_unexpected_data_out_not_in_place(void)
{
    LOGIN_OK("ImmediateData=No\0InitialR2T=Yes\0MaxBurstLength=16384\0");
    enum { LEN = 16384 };
    static uint8_t a[LEN], b[LEN];
    uint8_t cdb[16];
    for (int i = 0; i < LEN; i++) {
        a[i] = (uint8_t)(i * 3 + 1);
        b[i] = (uint8_t)~a[i];
    }
    buf_cdb(cdb, 0x3B, 0, LEN);
    /* a middle PDU of odd length: copied, then the last one lands in place */
    scsi(0x800, 1, cdb, false, true, LEN, true, NULL, 0, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL_FATAL(rsp.h.opcode, VTL_ISCSI_OP_R2T);
    uint32_t ttt = rsp.h.ttt;
    CU_ASSERT_PTR_EQUAL(data_out_in_place(0x800, ttt, 0, a, 1022, 0), conn->data);
    const uint8_t *last = data_out_in_place(0x800, ttt, 1022, a + 1022, LEN - 1022, 1);
    CU_ASSERT_PTR_NOT_EQUAL(last, conn->data);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_SCSI_RSP);
    CU_ASSERT_EQUAL(rsp.h.status, 0);
    CU_ASSERT_EQUAL(memcmp(fb.buf[1], a, LEN), 0);
    /* a repeated offset: refused without touching what the task had accepted */
    unsigned submits = fake_get(&fb.n_submit);
    scsi(0x801, 1, cdb, false, true, LEN, true, NULL, 0, false);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL_FATAL(rsp.h.opcode, VTL_ISCSI_OP_R2T);
    ttt = rsp.h.ttt;
    const uint8_t *p = data_out_in_place(0x801, ttt, 0, a, 8192, 0);
    CU_ASSERT_PTR_NOT_EQUAL(p, conn->data);
    CU_ASSERT_PTR_EQUAL(data_out_in_place(0x801, ttt, 0, b, 8192, 1), conn->data);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.opcode, VTL_ISCSI_OP_REJECT);
    CU_ASSERT_FATAL(next());
    CU_ASSERT_EQUAL(rsp.h.status, VTL_STATUS_CHECK_CONDITION);
    CU_ASSERT_EQUAL(fake_get(&fb.n_submit), submits);
    /* the ended task's buffer is kept for reuse, still holding the accepted bytes */
    CU_ASSERT_PTR_EQUAL(conn->spare_buf, p);
    CU_ASSERT_EQUAL(memcmp(p, a, 8192), 0);
}

static CU_TestInfo conn_tests[] = {
    {"login_operational_only", test_login_operational_only},
    {"login_byte_at_a_time", test_login_byte_at_a_time},
    {"login_unknown_target", test_login_unknown_target},
    {"login_missing_initiator_name", test_login_missing_initiator_name},
    {"login_bad_stage_and_tsih", test_login_bad_stage_and_tsih},
    {"login_unsupported_version", test_login_unsupported_version},
    {"login_split_with_continue", test_login_split_with_continue},
    {"chap_success", test_chap_success},
    {"chap_wrong_secret_fails", test_chap_wrong_secret},
    {"chap_wrong_user_fails", test_chap_wrong_user},
    {"chap_mutual", test_chap_mutual},
    {"chap_reflected_challenge_refused", test_chap_reflected_challenge_refused},
    {"chap_required_but_skipped", test_chap_required_but_skipped},
    {"non_login_pdu_during_login", test_non_login_pdu_during_login},
    {"nop_ping_echo", test_nop_ping_echo},
    {"unknown_opcode_rejected_then_serving", test_unknown_opcode_rejected_then_serving},
    {"oversized_segment_closes", test_oversized_segment_closes},
    {"digests", test_digests},
    {"write_immediate_then_r2t", test_write_immediate_then_r2t},
    {"write_unsolicited_data_out", test_write_unsolicited_data_out},
    {"data_sequence_errors", test_data_sequence_errors},
    {"read_phase_collapse_and_residuals", test_read_phase_collapse_and_residuals},
    {"check_condition_with_sense", test_check_condition_with_sense},
    {"missing_lun_and_report_luns", test_missing_lun_and_report_luns},
    {"late_completion_and_window", test_late_completion_and_window},
    {"abort_task_suppresses_response", test_abort_task_suppresses_response},
    {"pending_task_survives_connection_close", test_pending_task_survives_connection_close},
    {"send_targets_paged", test_send_targets_paged},
    {"logout", test_logout},
    {"session_reinstatement", test_session_reinstatement},
    {"login_timeout_and_nop_in_ping", test_login_timeout_and_nop_in_ping},
    {"target_cold_reset_drops_sessions", test_target_cold_reset_drops_sessions},
    {"text_in_full_feature", test_text_in_full_feature},
    {"tmf_response_waits_for_slow_abort", test_tmf_response_waits_for_slow_abort},
    {"ahs_cdb_bidi_and_limits", test_ahs_cdb_bidi_and_limits},
    {"immediate_flood_gets_task_set_full", test_immediate_flood_gets_task_set_full},
    {"async_logout_request", test_async_logout_request},
    {"write_data_received_in_place", test_write_data_received_in_place},
    {"unexpected_data_out_not_in_place", test_unexpected_data_out_not_in_place},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo iscsi_conn_suites[] = {
    {"iscsi_conn", NULL, NULL, setup, teardown, conn_tests},
    CU_SUITE_INFO_NULL,
};
