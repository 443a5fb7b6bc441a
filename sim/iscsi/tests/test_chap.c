/* SPDX-License-Identifier: MIT
 * sim/iscsi/tests/test_chap.c - MD5 (RFC 1321 appendix A.5 test suite), the CHAP response
 * for a known identifier/secret/challenge, and binary value forms.
 */
#include <stdio.h>
#include <string.h>

#include "sim/iscsi/chap.h"
#include "tests/lib/cutest.h"

static void hex16(const uint8_t *d, char *out)
{
    for (int i = 0; i < 16; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_md5_rfc1321(void)
{
    static const struct { const char *in, *md5; } v[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t d[16];
        char hex[33];
        vtl_iscsi_md5(v[i].in, strlen(v[i].in), d);
        hex16(d, hex);
        CU_ASSERT_STRING_EQUAL(hex, v[i].md5);
        /* byte-at-a-time gives the same digest */
        struct vtl_iscsi_md5 m;
        vtl_iscsi_md5_init(&m);
        for (size_t k = 0; k < strlen(v[i].in); k++)
            vtl_iscsi_md5_update(&m, v[i].in + k, 1);
        vtl_iscsi_md5_final(&m, d);
        hex16(d, hex);
        CU_ASSERT_STRING_EQUAL(hex, v[i].md5);
    }
}

/* CHAP_I=42, secret "secretsecret", CHAP_C=0x101112...1F: expected CHAP_R computed
 * independently as MD5(0x2a || "secretsecret" || 10..1f). */
static void test_chap_known_challenge(void)
{
    uint8_t chal[16], r[16];
    char hex[33];
    for (int i = 0; i < 16; i++)
        chal[i] = (uint8_t)(0x10 + i);
    vtl_iscsi_chap_md5(42, "secretsecret", chal, sizeof chal, r);
    hex16(r, hex);
    CU_ASSERT_STRING_EQUAL(hex, "5a324025f3b106d5cd72b704016676c9");
    char wire[40];
    CU_ASSERT_EQUAL(vtl_iscsi_hex_encode(r, 16, wire, sizeof wire), VTL_ISCSI_OK);
    CU_ASSERT_STRING_EQUAL(wire, "0x5A324025F3B106D5CD72B704016676C9");
    uint8_t back[16];
    size_t n;
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode(wire, back, sizeof back, &n), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(n, 16u);
    CU_ASSERT_EQUAL(memcmp(back, r, 16), 0);
}

static void test_binary_forms(void)
{
    uint8_t out[8];
    size_t n;
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("0xdeadBEEF", out, sizeof out, &n), VTL_ISCSI_OK);
    CU_ASSERT(n == 4 && out[0] == 0xde && out[3] == 0xef);
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("0xabc", out, sizeof out, &n), VTL_ISCSI_OK);
    CU_ASSERT(n == 2 && out[0] == 0x0a && out[1] == 0xbc);
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("0b3q2+7wE=", out, sizeof out, &n), VTL_ISCSI_OK);
    CU_ASSERT(n == 5 && out[0] == 0xde && out[4] == 0x01);
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("0b3q2+7w==", out, sizeof out, &n), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(n, 4u);
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("0b3q=+7wE=", out, sizeof out, &n), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("0b3q2", out, sizeof out, &n), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("deadbeef", out, sizeof out, &n), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("0x", out, sizeof out, &n), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("0xzz", out, sizeof out, &n), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_bin_decode("0x112233445566778899", out, sizeof out, &n),
                    VTL_ISCSI_ERANGE);
    char small[5];
    CU_ASSERT_EQUAL(vtl_iscsi_hex_encode(out, 2, small, sizeof small), VTL_ISCSI_ERANGE);
    CU_ASSERT_STRING_EQUAL(small, "");
}

static CU_TestInfo chap_tests[] = {
    {"md5_rfc1321_vectors", test_md5_rfc1321},
    {"chap_response_for_known_challenge", test_chap_known_challenge},
    {"binary_value_forms", test_binary_forms},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo iscsi_chap_suites[] = {
    {"iscsi_chap", NULL, NULL, NULL, NULL, chap_tests},
    CU_SUITE_INFO_NULL,
};
