/* SPDX-License-Identifier: MIT
 * sim/iscsi/tests/test_text.c - key=value text (RFC 7143 clause 6) and the result function
 * of each negotiated key (clause 13).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/iscsi/text.h"
#include "tests/lib/cutest.h"

static void test_parse_pairs(void)
{
    char buf[] = "InitiatorName=iqn.x\0HeaderDigest=CRC32C,None\0Empty=\0";
    struct vtl_iscsi_kv kv[8];
    size_t n;
    CU_ASSERT_EQUAL_FATAL(vtl_iscsi_text_parse(buf, sizeof buf - 1, kv, 8, &n), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL_FATAL(n, 3u);
    CU_ASSERT_STRING_EQUAL(kv[0].key, "InitiatorName");
    CU_ASSERT_STRING_EQUAL(kv[0].value, "iqn.x");
    CU_ASSERT_STRING_EQUAL(kv[1].value, "CRC32C,None");
    CU_ASSERT_STRING_EQUAL(kv[2].key, "Empty");
    CU_ASSERT_STRING_EQUAL(kv[2].value, "");
}

static void test_parse_rejects_malformed(void)
{
    struct vtl_iscsi_kv kv[4];
    size_t n;
    char no_nul[] = {'A', '=', 'b'};
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(no_nul, sizeof no_nul, kv, 4, &n), VTL_ISCSI_EINVAL);
    char no_eq[] = "Abc\0";
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(no_eq, 4, kv, 4, &n), VTL_ISCSI_EINVAL);
    char empty_key[] = "=v\0";
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(empty_key, 3, kv, 4, &n), VTL_ISCSI_EINVAL);
    char bad_char[] = "Ke y=v\0";
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(bad_char, 7, kv, 4, &n), VTL_ISCSI_EINVAL);
    /* key of 63 bytes is fine, 64 is not */
    char key[80];
    memset(key, 'K', 63);
    memcpy(key + 63, "=1", 3);
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(key, 66, kv, 4, &n), VTL_ISCSI_OK);
    memset(key, 'K', 64);
    memcpy(key + 64, "=1", 3);
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(key, 67, kv, 4, &n), VTL_ISCSI_EINVAL);
    /* value of 255 bytes is fine, 256 is not, except for CHAP binary values */
    char *val = malloc(4000);
    memcpy(val, "Key=", 4);
    memset(val + 4, 'v', 255);
    val[259] = '\0';
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(val, 260, kv, 4, &n), VTL_ISCSI_OK);
    memset(val + 4, 'v', 256);
    val[260] = '\0';
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(val, 261, kv, 4, &n), VTL_ISCSI_EINVAL);
    memcpy(val, "CHAP_C=0x", 9);
    memset(val + 9, 'a', 2000);
    val[2009] = '\0';
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(val, 2010, kv, 4, &n), VTL_ISCSI_OK);
    free(val);
    char many[] = "A=1\0B=2\0C=3\0";
    CU_ASSERT_EQUAL(vtl_iscsi_text_parse(many, 12, kv, 2, &n), VTL_ISCSI_ERANGE);
    CU_ASSERT_EQUAL(n, 2u);
}

static void test_parse_truncation_sweep(void)
{
    static const char text[] = "MaxBurstLength=262144\0ImmediateData=Yes\0";
    size_t len = sizeof text - 1;
    struct vtl_iscsi_kv kv[4];
    size_t n;
    for (size_t cut = 0; cut <= len; cut++) {
        char *copy = (char *)test_dup_exact(text, cut);
        enum vtl_iscsi_rc rc = vtl_iscsi_text_parse(copy, cut, kv, 4, &n);
        bool boundary = cut == 0 || copy[cut - 1] == '\0';
        CU_ASSERT_EQUAL(rc, boundary ? VTL_ISCSI_OK : VTL_ISCSI_EINVAL);
        free(copy);
    }
}

static void test_value_forms(void)
{
    uint64_t v;
    bool b;
    CU_ASSERT_EQUAL(vtl_iscsi_parse_number("262144", &v), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(v, 262144u);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_number("0x40000", &v), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(v, 262144u);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_number("18446744073709551615", &v), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_number("18446744073709551616", &v), VTL_ISCSI_ERANGE);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_number("0x10000000000000000", &v), VTL_ISCSI_ERANGE);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_number("", &v), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_number("0x", &v), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_number("12a", &v), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_number("-1", &v), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_bool("Yes", &b), VTL_ISCSI_OK);
    CU_ASSERT_TRUE(b);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_bool("No", &b), VTL_ISCSI_OK);
    CU_ASSERT_FALSE(b);
    CU_ASSERT_EQUAL(vtl_iscsi_parse_bool("yes", &b), VTL_ISCSI_EINVAL);
}

static void test_lists(void)
{
    char out[16];
    CU_ASSERT_TRUE(vtl_iscsi_list_has("CRC32C,None", "None"));
    CU_ASSERT_FALSE(vtl_iscsi_list_has("CRC32C,None", "CRC32"));
    CU_ASSERT_TRUE(vtl_iscsi_list_pick("None,CRC32C", "CRC32C,None", out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "None");   /* the initiator's order wins */
    CU_ASSERT_TRUE(vtl_iscsi_list_pick("CRC32C,None", "None", out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "None");
    CU_ASSERT_FALSE(vtl_iscsi_list_pick("CRC32C", "None", out, sizeof out));
    CU_ASSERT_FALSE(vtl_iscsi_list_pick(",,", "None", out, sizeof out));
}

static void test_result_functions(void)
{
    CU_ASSERT_TRUE(vtl_iscsi_result_and(true, true));
    CU_ASSERT_FALSE(vtl_iscsi_result_and(true, false));
    CU_ASSERT_TRUE(vtl_iscsi_result_or(false, true));
    CU_ASSERT_FALSE(vtl_iscsi_result_or(false, false));
    CU_ASSERT_EQUAL(vtl_iscsi_result_min(10, 20), 10u);
    CU_ASSERT_EQUAL(vtl_iscsi_result_max(10, 20), 20u);
}

/* Negotiates one key from default state against a policy, returns the answer text. */
static const char *answer(struct vtl_iscsi_params *neg, const struct vtl_iscsi_params *pol,
                          bool discovery, const char *key, const char *value, char *out,
                          size_t cap)
{
    struct vtl_iscsi_textbuf tb;
    bool handled;
    vtl_iscsi_textbuf_init(&tb, 1024);
    CU_ASSERT_EQUAL(vtl_iscsi_negotiate_key(neg, pol, discovery, key, value, &tb, &handled),
                    VTL_ISCSI_OK);
    out[0] = '\0';
    if (tb.len) {
        const char *eq = strchr(tb.buf, '=');
        snprintf(out, cap, "%s", eq ? eq + 1 : "?");
    }
    vtl_iscsi_textbuf_free(&tb);
    return out;
}

static void test_negotiate_each_key(void)
{
    struct vtl_iscsi_params neg, pol;
    char a[64];
    vtl_iscsi_params_default(&neg);
    vtl_iscsi_params_default(&pol);
    pol.max_burst = 1 << 20;
    pol.first_burst = 65536;
    pol.initial_r2t = false;
    pol.immediate_data = true;
    pol.header_digest = true;
    pol.data_digest = false;
    pol.time2wait = 2;
    pol.time2retain = 0;
    pol.max_outstanding_r2t = 4;
    pol.max_connections = 1;

    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "MaxBurstLength", "262144", a, 64), "262144");
    CU_ASSERT_EQUAL(neg.max_burst, 262144u);                       /* min */
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "MaxBurstLength", "4194304", a, 64), "1048576");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "FirstBurstLength", "262144", a, 64), "65536");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "DefaultTime2Wait", "0", a, 64), "2"); /* max */
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "DefaultTime2Retain", "20", a, 64), "0");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "MaxOutstandingR2T", "8", a, 64), "4");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "MaxConnections", "4", a, 64), "1");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "ErrorRecoveryLevel", "2", a, 64), "0");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "InitialR2T", "No", a, 64), "No"); /* OR */
    CU_ASSERT_FALSE(neg.initial_r2t);
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "InitialR2T", "Yes", a, 64), "Yes");
    CU_ASSERT_TRUE(neg.initial_r2t);
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "ImmediateData", "No", a, 64), "No"); /* AND */
    CU_ASSERT_FALSE(neg.immediate_data);
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "ImmediateData", "Yes", a, 64), "Yes");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "DataPDUInOrder", "No", a, 64), "Yes");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "DataSequenceInOrder", "No", a, 64), "Yes");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "HeaderDigest", "CRC32C,None", a, 64), "CRC32C");
    CU_ASSERT_TRUE(neg.header_digest);
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "DataDigest", "CRC32C,None", a, 64), "None");
    CU_ASSERT_FALSE(neg.data_digest);
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "DataDigest", "CRC32C", a, 64), "Reject");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "OFMarker", "Yes", a, 64), "No");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "IFMarkInt", "2048~8192", a, 64), "Irrelevant");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "TaskReporting", "FastAbort,RFC3720", a, 64),
                           "RFC3720");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "iSCSIProtocolLevel", "2", a, 64), "0");
    /* declarative: recorded, not answered */
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "MaxRecvDataSegmentLength", "65536", a, 64), "");
    CU_ASSERT_EQUAL(neg.max_recv_dsl_ini, 65536u);
    /* out of range and malformed values */
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "MaxBurstLength", "511", a, 64), "Reject");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "MaxBurstLength", "16777216", a, 64), "Reject");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "MaxRecvDataSegmentLength", "100", a, 64), "Reject");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "DefaultTime2Wait", "3601", a, 64), "Reject");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "ImmediateData", "Maybe", a, 64), "Reject");
    CU_ASSERT_EQUAL(neg.max_burst, 1048576u);             /* unchanged by the rejects */
    /* unknown keys and extensions */
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "FooBar", "1", a, 64), "NotUnderstood");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "X-com.example.Key", "1", a, 64), "NotUnderstood");
    /* discovery sessions: data keys do not apply */
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, true, "MaxBurstLength", "4096", a, 64), "Irrelevant");
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, true, "HeaderDigest", "None", a, 64), "None");
    /* special values from the initiator end the key: no answer */
    CU_ASSERT_STRING_EQUAL(answer(&neg, &pol, false, "MaxBurstLength", "Reject", a, 64), "");
}

static void test_caller_keys_not_handled(void)
{
    struct vtl_iscsi_params neg, pol;
    struct vtl_iscsi_textbuf tb;
    bool handled = true;
    vtl_iscsi_params_default(&neg);
    vtl_iscsi_params_default(&pol);
    vtl_iscsi_textbuf_init(&tb, 256);
    static const char *keys[] = {"AuthMethod", "CHAP_A", "InitiatorName", "TargetName",
                                 "SessionType", "SendTargets"};
    for (size_t i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(vtl_iscsi_negotiate_key(&neg, &pol, false, keys[i], "x", &tb, &handled),
                        VTL_ISCSI_OK);
        CU_ASSERT_FALSE(handled);
        CU_ASSERT_TRUE(vtl_iscsi_key_known(keys[i]));
    }
    CU_ASSERT_EQUAL(tb.len, 0u);
    CU_ASSERT_FALSE(vtl_iscsi_key_known("NoSuchKey"));
    vtl_iscsi_textbuf_free(&tb);
}

static void test_first_burst_clamped(void)
{
    struct vtl_iscsi_params p;
    vtl_iscsi_params_default(&p);
    p.max_burst = 4096;
    p.first_burst = 65536;
    vtl_iscsi_params_finish(&p);
    CU_ASSERT_EQUAL(p.first_burst, 4096u);
}

static void test_textbuf_bounded(void)
{
    struct vtl_iscsi_textbuf tb;
    vtl_iscsi_textbuf_init(&tb, 16);
    CU_ASSERT_EQUAL(vtl_iscsi_textbuf_add(&tb, "Key", "Value12"), VTL_ISCSI_OK); /* 12 bytes */
    CU_ASSERT_EQUAL(tb.len, 12u);
    CU_ASSERT_EQUAL(memcmp(tb.buf, "Key=Value12\0", 12), 0);
    CU_ASSERT_TRUE(vtl_iscsi_textbuf_has(&tb, "Key"));
    CU_ASSERT_FALSE(vtl_iscsi_textbuf_has(&tb, "Ke"));
    CU_ASSERT_EQUAL(vtl_iscsi_textbuf_add(&tb, "K", "12345"), VTL_ISCSI_ERANGE);
    CU_ASSERT_TRUE(tb.overflow);
    CU_ASSERT_EQUAL(tb.len, 12u);
    CU_ASSERT_EQUAL(vtl_iscsi_textbuf_addu(&tb, "N", 7), VTL_ISCSI_OK);   /* "N=7\0" fits */
    CU_ASSERT_EQUAL(tb.len, 16u);
    vtl_iscsi_textbuf_free(&tb);
}

static CU_TestInfo text_tests[] = {
    {"parse_pairs", test_parse_pairs},
    {"parse_rejects_malformed", test_parse_rejects_malformed},
    {"parse_truncation_sweep", test_parse_truncation_sweep},
    {"value_forms", test_value_forms},
    {"lists_pick_initiator_order", test_lists},
    {"result_functions", test_result_functions},
    {"negotiate_each_key", test_negotiate_each_key},
    {"caller_keys_not_handled", test_caller_keys_not_handled},
    {"first_burst_clamped_to_max_burst", test_first_burst_clamped},
    {"textbuf_bounded", test_textbuf_bounded},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo iscsi_text_suites[] = {
    {"iscsi_text", NULL, NULL, NULL, NULL, text_tests},
    CU_SUITE_INFO_NULL,
};
