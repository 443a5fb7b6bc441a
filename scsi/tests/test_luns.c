/* SPDX-License-Identifier: MIT
 * scsi/tests/test_luns.c - REPORT LUNS data and LUN addressing.
 */
#include <string.h>

#include "scsi/luns.h"
#include "scsi/tests/t10_test.h"

static void report_luns_both_ways(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("luns/report_luns.hex", v, sizeof v);
    uint16_t luns[8];
    size_t nl, listed, bad;
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_report_luns_decode(v, n, luns, 8, &nl, &listed, &bad, &cut), T10_OK);
    CU_ASSERT_EQUAL(nl, 3);
    CU_ASSERT_EQUAL(listed, 3);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL(luns[2], 300);
    const uint16_t in[] = {0, 1, 300};
    CU_ASSERT_EQUAL(t10_report_luns_build(b, sizeof b, in, 3), n);
    T10T_HEXEQ(b, v, n);
}

static void sweep(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    uint16_t luns[8];
    size_t nl, listed;
    bool cut = false;
    enum t10_rc rc = t10_report_luns_decode(buf, len, luns, 8, &nl, &listed, NULL, &cut);
    if (len < 8) {
        CU_ASSERT_EQUAL(rc, T10_ESHORT);
        return;
    }
    CU_ASSERT_EQUAL(rc, T10_OK);
    CU_ASSERT(cut);
    CU_ASSERT_EQUAL(nl, (len - 8) / 8);
    CU_ASSERT_EQUAL(listed, 3);
}

static void truncated_list(void)
{
    uint8_t v[64];
    size_t n = t10t_vec("luns/report_luns.hex", v, sizeof v);
    t10t_sweep(v, n, sweep, NULL);
    uint16_t one[1];
    size_t nl, listed;
    bool cut;
    CU_ASSERT_EQUAL(t10_report_luns_decode(v, n, one, 1, &nl, &listed, NULL, &cut), T10_OK);
    CU_ASSERT_EQUAL(nl, 1); /* caller's array is the limit, the count still says 3 */
    CU_ASSERT_EQUAL(listed, 3);
}

static void lun_addressing_methods(void)
{
    uint8_t l[8];
    uint16_t x;
    CU_ASSERT_EQUAL(t10_lun_encode(l, 255), T10_OK);
    CU_ASSERT_EQUAL(l[0], 0);
    CU_ASSERT_EQUAL(l[1], 255);
    CU_ASSERT_EQUAL(t10_lun_encode(l, 16383), T10_OK);
    CU_ASSERT_EQUAL(l[0], 0x7F);
    CU_ASSERT_EQUAL(t10_lun_decode(l, &x), T10_OK);
    CU_ASSERT_EQUAL(x, 16383);
    CU_ASSERT_EQUAL(t10_lun_encode(l, 16384), T10_ERANGE);
    const uint8_t bus[8] = {0x01, 0x02};
    CU_ASSERT_EQUAL(t10_lun_decode(bus, &x), T10_EINVAL);
    const uint8_t lun2[8] = {0x00, 0x02, 0x00, 0x01};
    CU_ASSERT_EQUAL(t10_lun_decode(lun2, &x), T10_EINVAL);
    const uint8_t logical[8] = {0x80, 0x02};
    CU_ASSERT_EQUAL(t10_lun_decode(logical, &x), T10_EINVAL);
    const uint16_t big[] = {20000};
    uint8_t b[16];
    CU_ASSERT_EQUAL(t10_report_luns_build(b, sizeof b, big, 1), 0);
}

static size_t build(uint8_t *out, size_t cap, const void *arg)
{
    (void)arg;
    const uint16_t in[] = {0, 1, 2, 300};
    return t10_report_luns_build(out, cap, in, 4);
}

static void builders_respect_cap(void)
{
    t10t_small_cap(build, NULL, 40);
}

static CU_TestInfo tests[] = {
    {"report_luns_both_ways", report_luns_both_ways},
    {"truncated_list", truncated_list},
    {"lun_addressing_methods", lun_addressing_methods},
    {"builders_respect_cap", builders_respect_cap},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_luns[] = {{"t10_luns", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
