/* SPDX-License-Identifier: MIT
 * sim/iscsi/tests/test_pdu.c - PDU codec: CRC32C vectors (RFC 3720 appendix B.4), BHS
 * golden vectors hand-built from RFC 7143 clause 11 (both directions), a round trip of
 * every opcode, truncation sweeps, AHS, LUN and serial-number arithmetic.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/iscsi/pdu.h"
#include "tests/lib/cutest.h"

static void test_crc32c_vectors(void)
{
    uint8_t buf[32];
    CU_ASSERT_EQUAL(vtl_iscsi_crc32c("123456789", 9), 0xE3069283u);
    memset(buf, 0, sizeof buf);
    CU_ASSERT_EQUAL(vtl_iscsi_crc32c(buf, 32), 0x8A9136AAu);
    memset(buf, 0xff, sizeof buf);
    CU_ASSERT_EQUAL(vtl_iscsi_crc32c(buf, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    CU_ASSERT_EQUAL(vtl_iscsi_crc32c(buf, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    CU_ASSERT_EQUAL(vtl_iscsi_crc32c(buf, 32), 0x113FDB5Cu);
    /* Wire order is least significant byte first: zeros give aa 36 91 8a (RFC 3720 B.4). */
    uint8_t d[4];
    vtl_iscsi_digest_put(d, 0x8A9136AAu);
    CU_ASSERT(d[0] == 0xaa && d[1] == 0x36 && d[2] == 0x91 && d[3] == 0x8a);
    CU_ASSERT_EQUAL(vtl_iscsi_digest_get(d), 0x8A9136AAu);
}

static void test_crc32c_split_equals_whole(void)
{
    uint8_t buf[1000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    uint32_t whole = vtl_iscsi_crc32c(buf, sizeof buf);
    for (size_t cut = 0; cut <= sizeof buf; cut += 37) {
        uint32_t c = vtl_iscsi_crc32c_update(0xFFFFFFFFu, buf, cut);
        c = vtl_iscsi_crc32c_update(c, buf + cut, sizeof buf - cut);
        CU_ASSERT_EQUAL(~c, whole);
    }
    /* unaligned starts give the same result as an aligned copy */
    uint8_t *copy = malloc(sizeof buf + 3);
    memcpy(copy + 3, buf, sizeof buf);
    CU_ASSERT_EQUAL(vtl_iscsi_crc32c(copy + 3, sizeof buf), whole);
    free(copy);
}

/* SCSI Command: READ BUFFER of 64 KiB on LUN 1 (clause 11.3). */
static const uint8_t golden_scsi_cmd[48] = {
    0x01, 0xC1, 0x00, 0x00,                           /* op; F R, attr SIMPLE */
    0x00, 0x00, 0x00, 0x00,                           /* AHS 0, DSL 0 */
    0x00, 0x01, 0, 0, 0, 0, 0, 0,                     /* LUN 1 */
    0x12, 0x34, 0x56, 0x78,                           /* ITT */
    0x00, 0x01, 0x00, 0x00,                           /* EDTL 65536 */
    0x00, 0x00, 0x00, 0x07,                           /* CmdSN */
    0xAA, 0xBB, 0xCC, 0xDD,                           /* ExpStatSN */
    0x3C, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0,
};

/* Login Request: security stage, T=1 to operational, ISID 80 12 34 56 00 01, CID 1 with
 * 17 bytes of data (clause 11.12). */
static const uint8_t golden_login_req[48] = {
    0x43, 0x81, 0x00, 0x00,                           /* I + op 03; T, CSG 0, NSG 1 */
    0x00, 0x00, 0x00, 0x11,                           /* DSL 17 */
    0x80, 0x12, 0x34, 0x56, 0x00, 0x01, 0x00, 0x00,   /* ISID, TSIH 0 */
    0x00, 0x00, 0x00, 0x01,                           /* ITT */
    0x00, 0x01, 0x00, 0x00,                           /* CID 1 */
    0x00, 0x00, 0x00, 0x05,                           /* CmdSN */
    0x00, 0x00, 0x00, 0x00,                           /* ExpStatSN */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Data-In, final with status GOOD and underflow of 16 bytes (clause 11.7). */
static const uint8_t golden_data_in[48] = {
    0x25, 0x83, 0x00, 0x00,                           /* F U S; status GOOD */
    0x00, 0x00, 0x01, 0x00,                           /* DSL 256 */
    0x00, 0x00, 0, 0, 0, 0, 0, 0,                     /* LUN 0 */
    0x00, 0x00, 0x00, 0x09,                           /* ITT */
    0xFF, 0xFF, 0xFF, 0xFF,                           /* TTT */
    0x00, 0x00, 0x00, 0x10,                           /* StatSN */
    0x00, 0x00, 0x00, 0x20,                           /* ExpCmdSN */
    0x00, 0x00, 0x00, 0x3F,                           /* MaxCmdSN */
    0x00, 0x00, 0x00, 0x02,                           /* DataSN */
    0x00, 0x00, 0x02, 0x00,                           /* Buffer Offset 512 */
    0x00, 0x00, 0x00, 0x10,                           /* Residual 16 */
};

/* R2T for 256 KiB at offset 64 KiB (clause 11.8). */
static const uint8_t golden_r2t[48] = {
    0x31, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x02, 0, 0, 0, 0, 0, 0,                     /* LUN 2 */
    0x00, 0x00, 0x00, 0x0A,                           /* ITT */
    0x00, 0x00, 0x00, 0x77,                           /* TTT */
    0x00, 0x00, 0x00, 0x11,                           /* StatSN */
    0x00, 0x00, 0x00, 0x21,                           /* ExpCmdSN */
    0x00, 0x00, 0x00, 0x40,                           /* MaxCmdSN */
    0x00, 0x00, 0x00, 0x00,                           /* R2TSN */
    0x00, 0x01, 0x00, 0x00,                           /* Buffer Offset */
    0x00, 0x04, 0x00, 0x00,                           /* Desired Length */
};

static void fill_scsi_cmd(struct vtl_iscsi_bhs *h)
{
    memset(h, 0, sizeof *h);
    h->opcode = VTL_ISCSI_OP_SCSI_CMD;
    h->final = true;
    h->read = true;
    h->attr = 1;
    h->lun = vtl_iscsi_lun_encode(1);
    h->itt = 0x12345678;
    h->edtl = 65536;
    h->cmdsn = 7;
    h->exp_statsn = 0xAABBCCDD;
    h->cdb[0] = 0x3C;
    h->cdb[1] = 0x02;
    h->cdb[6] = 0x01;
}

static void test_golden_scsi_cmd(void)
{
    struct vtl_iscsi_bhs h, want;
    uint8_t out[48];
    fill_scsi_cmd(&want);
    CU_ASSERT_EQUAL_FATAL(vtl_iscsi_bhs_decode(golden_scsi_cmd, 48, &h), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(memcmp(&h, &want, sizeof h), 0);
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_encode(&want, out, sizeof out), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(memcmp(out, golden_scsi_cmd, 48), 0);
}

static void test_golden_login_req(void)
{
    struct vtl_iscsi_bhs h, want = {0};
    uint8_t out[48];
    static const uint8_t isid[6] = {0x80, 0x12, 0x34, 0x56, 0x00, 0x01};
    want.opcode = VTL_ISCSI_OP_LOGIN_REQ;
    want.immediate = true;
    want.final = true;
    want.csg = 0;
    want.nsg = 1;
    want.data_len = 17;
    memcpy(want.isid, isid, 6);
    want.itt = 1;
    want.cid = 1;
    want.cmdsn = 5;
    CU_ASSERT_EQUAL_FATAL(vtl_iscsi_bhs_decode(golden_login_req, 48, &h), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(memcmp(&h, &want, sizeof h), 0);
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_encode(&want, out, sizeof out), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(memcmp(out, golden_login_req, 48), 0);
}

static void test_golden_data_in(void)
{
    struct vtl_iscsi_bhs h, want = {0};
    uint8_t out[48];
    want.opcode = VTL_ISCSI_OP_DATA_IN;
    want.final = true;
    want.under = true;
    want.has_status = true;
    want.status = 0;
    want.data_len = 256;
    want.itt = 9;
    want.ttt = VTL_ISCSI_RSVD_TAG;
    want.statsn = 0x10;
    want.exp_cmdsn = 0x20;
    want.max_cmdsn = 0x3f;
    want.datasn = 2;
    want.buffer_offset = 512;
    want.residual = 16;
    CU_ASSERT_EQUAL_FATAL(vtl_iscsi_bhs_decode(golden_data_in, 48, &h), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(memcmp(&h, &want, sizeof h), 0);
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_encode(&want, out, sizeof out), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(memcmp(out, golden_data_in, 48), 0);
}

static void test_golden_r2t(void)
{
    struct vtl_iscsi_bhs h, want = {0};
    uint8_t out[48];
    want.opcode = VTL_ISCSI_OP_R2T;
    want.final = true;
    want.lun = vtl_iscsi_lun_encode(2);
    want.itt = 10;
    want.ttt = 0x77;
    want.statsn = 0x11;
    want.exp_cmdsn = 0x21;
    want.max_cmdsn = 0x40;
    want.buffer_offset = 65536;
    want.desired_len = 262144;
    CU_ASSERT_EQUAL_FATAL(vtl_iscsi_bhs_decode(golden_r2t, 48, &h), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(memcmp(&h, &want, sizeof h), 0);
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_encode(&want, out, sizeof out), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(memcmp(out, golden_r2t, 48), 0);
}

/* Every opcode: decode(encode(x)) keeps every field the opcode defines, and encoding a
 * decoded header reproduces the bytes. Each opcode is filled from a byte pattern so a
 * field written at the wrong offset shows up. */
static void test_every_opcode_round_trip(void)
{
    static const uint8_t ops[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x20, 0x21,
                                  0x22, 0x23, 0x24, 0x25, 0x26, 0x31, 0x32, 0x3f};
    for (size_t i = 0; i < sizeof ops; i++) {
        uint8_t raw[48], enc[48];
        for (int k = 0; k < 48; k++)
            raw[k] = (uint8_t)(k * 29 + ops[i] + 1);
        raw[0] = (uint8_t)(ops[i] == VTL_ISCSI_OP_LOGIN_REQ ? 0x43 : ops[i]); /* login: I=1 */
        raw[1] |= 0x80;                   /* F: fixed to 1 for most opcodes */
        struct vtl_iscsi_bhs h1, h2;
        CU_ASSERT_EQUAL_FATAL(vtl_iscsi_bhs_decode(raw, 48, &h1), VTL_ISCSI_OK);
        CU_ASSERT_EQUAL(h1.opcode, ops[i]);
        CU_ASSERT_EQUAL(h1.data_len, vtl_iscsi_get_be24(raw + 5));
        CU_ASSERT_EQUAL(h1.itt, vtl_iscsi_get_be32(raw + 16));
        CU_ASSERT_EQUAL_FATAL(vtl_iscsi_bhs_encode(&h1, enc, 48), VTL_ISCSI_OK);
        CU_ASSERT_EQUAL_FATAL(vtl_iscsi_bhs_decode(enc, 48, &h2), VTL_ISCSI_OK);
        CU_ASSERT_EQUAL(memcmp(&h1, &h2, sizeof h1), 0);
    }
    /* Field positions of the target opcodes that carry sequence numbers. */
    uint8_t raw[48] = {0};
    struct vtl_iscsi_bhs h;
    raw[0] = VTL_ISCSI_OP_SCSI_RSP;
    raw[1] = 0x80 | 0x04;                 /* O */
    raw[2] = 0x01;
    raw[3] = 0x02;
    vtl_iscsi_put_be32(raw + 24, 100);
    vtl_iscsi_put_be32(raw + 28, 200);
    vtl_iscsi_put_be32(raw + 32, 300);
    vtl_iscsi_put_be32(raw + 44, 400);
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_decode(raw, 48, &h), VTL_ISCSI_OK);
    CU_ASSERT(h.over && !h.under && h.response == 1 && h.status == 2);
    CU_ASSERT(h.statsn == 100 && h.exp_cmdsn == 200 && h.max_cmdsn == 300 && h.residual == 400);
}

static void test_unknown_opcode_reported(void)
{
    uint8_t raw[48] = {0x1d};
    struct vtl_iscsi_bhs h;
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_decode(raw, 48, &h), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(h.opcode, 0x1d);
    CU_ASSERT_FALSE(vtl_iscsi_op_known(0x1d));
    CU_ASSERT_TRUE(vtl_iscsi_op_known(VTL_ISCSI_OP_REJECT));
    h.opcode = 0x1d;
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_encode(&h, raw, 48), VTL_ISCSI_EINVAL);
    CU_ASSERT_STRING_EQUAL(vtl_iscsi_op_name(VTL_ISCSI_OP_R2T), "R2T");
}

static void test_short_bhs_rejected(void)
{
    struct vtl_iscsi_bhs h;
    uint8_t out[48];
    for (size_t n = 0; n < 48; n++) {
        uint8_t *cut = test_dup_exact(golden_scsi_cmd, n);
        CU_ASSERT_EQUAL(vtl_iscsi_bhs_decode(cut, n, &h), VTL_ISCSI_ESHORT);
        free(cut);
    }
    fill_scsi_cmd(&h);
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_encode(&h, out, 47), VTL_ISCSI_ESHORT);
    h.data_len = 0x1000000;
    CU_ASSERT_EQUAL(vtl_iscsi_bhs_encode(&h, out, 48), VTL_ISCSI_ERANGE);
}

static void test_framing_lengths(void)
{
    struct vtl_iscsi_bhs h = {0};
    h.ahs_words = 2;
    h.data_len = 5;
    CU_ASSERT_EQUAL(vtl_iscsi_pdu_tail_len(&h, false, false), 8u + 8u);
    CU_ASSERT_EQUAL(vtl_iscsi_pdu_tail_len(&h, true, true), 8u + 4u + 8u + 4u);
    h.data_len = 0;
    CU_ASSERT_EQUAL(vtl_iscsi_pdu_tail_len(&h, true, true), 8u + 4u); /* no empty digest */
    CU_ASSERT_EQUAL(vtl_iscsi_pad4(0), 0u);
    CU_ASSERT_EQUAL(vtl_iscsi_pad4(1), 4u);
    CU_ASSERT_EQUAL(vtl_iscsi_pad4(8), 8u);
    CU_ASSERT_EQUAL(vtl_iscsi_pad4(0xFFFFFFu), 0x1000000u);
}

static void test_ahs_decode(void)
{
    /* Extended CDB of 4 more bytes (AHSLength 5), then bidi read length 0x1000. */
    static const uint8_t ahs[] = {
        0x00, 0x05, 0x01, 0x00, 0xA1, 0xA2, 0xA3, 0xA4,   /* 3+5 = 8 bytes */
        0x00, 0x05, 0x02, 0x00, 0x00, 0x00, 0x10, 0x00,
    };
    struct vtl_iscsi_ahs_info ai;
    CU_ASSERT_EQUAL_FATAL(vtl_iscsi_ahs_decode(ahs, sizeof ahs, &ai), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(ai.ext_cdb_len, 4u);
    CU_ASSERT_EQUAL(ai.ext_cdb[0], 0xA1);
    CU_ASSERT_TRUE(ai.has_bidi_read_len);
    CU_ASSERT_EQUAL(ai.bidi_read_len, 0x1000u);
    /* every truncation is an error (never a read past the end: exact-size copies) */
    for (size_t n = 1; n < sizeof ahs; n++) {
        if (n == 8)
            continue;                     /* first AHS alone is valid */
        uint8_t *cut = test_dup_exact(ahs, n);
        CU_ASSERT_EQUAL(vtl_iscsi_ahs_decode(cut, n, &ai), VTL_ISCSI_EINVAL);
        free(cut);
    }
    static const uint8_t twice[] = {0x00, 0x05, 0x02, 0x00, 0, 0, 0, 1,
                                    0x00, 0x05, 0x02, 0x00, 0, 0, 0, 2};
    CU_ASSERT_EQUAL(vtl_iscsi_ahs_decode(twice, sizeof twice, &ai), VTL_ISCSI_EINVAL);
    static const uint8_t unknown[] = {0x00, 0x01, 0x3f, 0x00};
    CU_ASSERT_EQUAL(vtl_iscsi_ahs_decode(unknown, sizeof unknown, &ai), VTL_ISCSI_EINVAL);
    static const uint8_t zero_len[] = {0x00, 0x00, 0x01, 0x00};
    CU_ASSERT_EQUAL(vtl_iscsi_ahs_decode(zero_len, sizeof zero_len, &ai), VTL_ISCSI_EINVAL);
    static const uint8_t bad_bidi[] = {0x00, 0x01, 0x02, 0x00};
    CU_ASSERT_EQUAL(vtl_iscsi_ahs_decode(bad_bidi, sizeof bad_bidi, &ai), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_ahs_decode(NULL, 0, &ai), VTL_ISCSI_OK);
}

static void test_lun_and_serial_numbers(void)
{
    uint16_t lun;
    CU_ASSERT_EQUAL(vtl_iscsi_lun_encode(0), 0u);
    CU_ASSERT_EQUAL(vtl_iscsi_lun_encode(5), 0x0005000000000000ull);
    CU_ASSERT_EQUAL(vtl_iscsi_lun_encode(300), 0x412C000000000000ull);
    CU_ASSERT_TRUE(vtl_iscsi_lun_decode(0x0005000000000000ull, &lun));
    CU_ASSERT_EQUAL(lun, 5);
    CU_ASSERT_TRUE(vtl_iscsi_lun_decode(0x412C000000000000ull, &lun));
    CU_ASSERT_EQUAL(lun, 300);
    CU_ASSERT_FALSE(vtl_iscsi_lun_decode(0x0105000000000000ull, &lun)); /* bus 1 */
    CU_ASSERT_FALSE(vtl_iscsi_lun_decode(0x0005000100000000ull, &lun)); /* second level */
    CU_ASSERT_FALSE(vtl_iscsi_lun_decode(0xC000000000000000ull, &lun)); /* extended */
    CU_ASSERT_TRUE(vtl_iscsi_sn_lt(1, 2));
    CU_ASSERT_FALSE(vtl_iscsi_sn_lt(2, 1));
    CU_ASSERT_FALSE(vtl_iscsi_sn_lt(7, 7));
    CU_ASSERT_TRUE(vtl_iscsi_sn_lt(0xFFFFFFF0u, 5));      /* wraps */
    CU_ASSERT_FALSE(vtl_iscsi_sn_lt(5, 0xFFFFFFF0u));
}

static CU_TestInfo pdu_tests[] = {
    {"crc32c_vectors", test_crc32c_vectors},
    {"crc32c_split_equals_whole", test_crc32c_split_equals_whole},
    {"golden_scsi_cmd_both_ways", test_golden_scsi_cmd},
    {"golden_login_req_both_ways", test_golden_login_req},
    {"golden_data_in_both_ways", test_golden_data_in},
    {"golden_r2t_both_ways", test_golden_r2t},
    {"every_opcode_round_trip", test_every_opcode_round_trip},
    {"unknown_opcode_reported", test_unknown_opcode_reported},
    {"short_bhs_rejected", test_short_bhs_rejected},
    {"framing_lengths", test_framing_lengths},
    {"ahs_decode_and_truncation", test_ahs_decode},
    {"lun_and_serial_numbers", test_lun_and_serial_numbers},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo iscsi_pdu_suites[] = {
    {"iscsi_pdu", NULL, NULL, NULL, NULL, pdu_tests},
    CU_SUITE_INFO_NULL,
};
