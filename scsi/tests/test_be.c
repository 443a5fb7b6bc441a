/* SPDX-License-Identifier: MIT
 * scsi/tests/test_be.c - big-endian helpers: values with the top bit set survive (no sign
 * extension through int promotion), and put/get round-trip at every width.
 */
#include <string.h>

#include "scsi/be.h"
#include "scsi/tests/t10_test.h"

static void high_bit_values_do_not_sign_extend(void)
{
    const uint8_t b[8] = {0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA, 0xF9, 0xF8};
    CU_ASSERT_EQUAL(t10_get_be16(b), 0xFFFEu);
    CU_ASSERT_EQUAL(t10_get_be24(b), 0xFFFEFDu);
    CU_ASSERT_EQUAL(t10_get_be32(b), 0xFFFEFDFCu);
    CU_ASSERT_EQUAL(t10_get_be48(b), UINT64_C(0xFFFEFDFCFBFA));
    CU_ASSERT_EQUAL(t10_get_be64(b), UINT64_C(0xFFFEFDFCFBFAF9F8));
}

static void put_then_get_round_trips(void)
{
    uint8_t b[10];
    memset(b, 0xEE, sizeof b);
    t10_put_be16(b, 0x1234);
    CU_ASSERT_EQUAL(b[0], 0x12);
    CU_ASSERT_EQUAL(b[1], 0x34);
    CU_ASSERT_EQUAL(b[2], 0xEE); /* writes exactly its width */
    t10_put_be24(b, 0xABCDEF);
    CU_ASSERT_EQUAL(t10_get_be24(b), 0xABCDEFu);
    CU_ASSERT_EQUAL(b[3], 0xEE);
    t10_put_be32(b, 0x80000001u);
    CU_ASSERT_EQUAL(t10_get_be32(b), 0x80000001u);
    t10_put_be48(b, UINT64_C(0x800000000001));
    CU_ASSERT_EQUAL(t10_get_be48(b), UINT64_C(0x800000000001));
    CU_ASSERT_EQUAL(b[6], 0xEE);
    t10_put_be64(b + 1, UINT64_C(0x8877665544332211));
    CU_ASSERT_EQUAL(b[1], 0x88);
    CU_ASSERT_EQUAL(b[8], 0x11);
    CU_ASSERT_EQUAL(b[9], 0xEE);
    CU_ASSERT_EQUAL(t10_get_be64(b + 1), UINT64_C(0x8877665544332211));
}

static CU_TestInfo tests[] = {
    {"high_bit_values_do_not_sign_extend", high_bit_values_do_not_sign_extend},
    {"put_then_get_round_trips", put_then_get_round_trips},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_be[] = {{"t10_be", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
