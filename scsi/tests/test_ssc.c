/* SPDX-License-Identifier: MIT
 * scsi/tests/test_ssc.c - READ BLOCK LIMITS, READ POSITION, REPORT DENSITY SUPPORT data.
 */
#include <string.h>

#include "scsi/cdb.h"
#include "scsi/ssc.h"
#include "scsi/tests/t10_test.h"

static void block_limits_both_ways(void)
{
    uint8_t v[16], b[16];
    size_t n = t10t_vec("ssc/block_limits.hex", v, sizeof v);
    struct t10_block_limits l;
    CU_ASSERT_EQUAL_FATAL(t10_block_limits_decode(v, n, &l), T10_OK);
    CU_ASSERT_EQUAL(l.max_len, 0xFFFFFF);
    CU_ASSERT_EQUAL(l.min_len, 1);
    CU_ASSERT_EQUAL(t10_block_limits_build(b, sizeof b, &l), n);
    T10T_HEXEQ(b, v, n);
    CU_ASSERT_EQUAL(t10_block_limits_decode(v, 5, &l), T10_ESHORT);
    for (size_t k = 0; k < n; k++) {
        uint8_t *cut = test_dup_exact(v, k);
        CU_ASSERT_EQUAL(t10_block_limits_decode(cut, k, &l), T10_ESHORT);
        free(cut);
    }
    l.max_len = 0x1000000;
    CU_ASSERT_EQUAL(t10_block_limits_build(b, sizeof b, &l), 0);
}

static void read_position_forms(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("ssc/read_pos_long.hex", v, sizeof v);
    struct t10_read_pos rp;
    CU_ASSERT_EQUAL_FATAL(t10_read_pos_decode(v, n, T10_RP_LONG, &rp), T10_OK);
    CU_ASSERT_EQUAL(rp.partition, 1);
    CU_ASSERT_EQUAL(rp.lo_number, 0x1234);
    CU_ASSERT_EQUAL(rp.file_id, 2);
    CU_ASSERT(!rp.bop && !rp.eop);
    CU_ASSERT_EQUAL(t10_read_pos_build(b, sizeof b, T10_RP_LONG, &rp), n);
    T10T_HEXEQ(b, v, n);
    n = t10t_vec("ssc/read_pos_short_bop.hex", v, sizeof v);
    CU_ASSERT_EQUAL_FATAL(t10_read_pos_decode(v, n, T10_RP_SHORT, &rp), T10_OK);
    CU_ASSERT(rp.bop);
    struct t10_read_pos w = {.bop = true};
    CU_ASSERT_EQUAL(t10_read_pos_build(b, sizeof b, T10_RP_SHORT, &w), n);
    T10T_HEXEQ(b, v, n);
    /* extended form carries 64-bit locations the short form cannot */
    w.first_lo = w.last_lo = UINT64_C(0x100000000);
    CU_ASSERT_EQUAL(t10_read_pos_build(b, sizeof b, T10_RP_SHORT, &w), 0);
    CU_ASSERT_EQUAL(t10_read_pos_build(b, sizeof b, T10_RP_EXTENDED, &w), 32);
    CU_ASSERT_EQUAL(b[3], 0x1C);
    CU_ASSERT_EQUAL_FATAL(t10_read_pos_decode(b, 32, T10_RP_EXTENDED, &rp), T10_OK);
    CU_ASSERT_EQUAL(rp.first_lo, UINT64_C(0x100000000));
    CU_ASSERT(rp.bop);
    CU_ASSERT_EQUAL(t10_read_pos_decode(b, 32, 0x05, &rp), T10_EINVAL);
    CU_ASSERT_EQUAL(t10_read_pos_build(b, sizeof b, 0x05, &w), 0);
    for (size_t k = 0; k < 32; k++) {
        uint8_t *cut = test_dup_exact(b, k);
        CU_ASSERT_EQUAL(t10_read_pos_decode(cut, k, T10_RP_EXTENDED, &rp), T10_ESHORT);
        CU_ASSERT_EQUAL(t10_read_pos_decode(cut, k, T10_RP_LONG, &rp), T10_ESHORT);
        if (k < 20)
            CU_ASSERT_EQUAL(t10_read_pos_decode(cut, k, T10_RP_SHORT, &rp), T10_ESHORT);
        free(cut);
    }
}

struct dcollect {
    int n;
    struct t10_density_desc d[2];
};

static enum t10_rc dcb(const struct t10_density_desc *d, void *arg)
{
    struct dcollect *c = arg;
    if (c->n < 2)
        c->d[c->n] = *d;
    c->n++;
    return T10_OK;
}

static void density_report_round_trip(void)
{
    struct t10_density_desc d[2] = {
        {.primary = 0x5E,
         .secondary = 0x5E,
         .wrtok = true,
         .deflt = true,
         .bits_per_mm = 20668,
         .media_width = 127,
         .tracks = 6656,
         .capacity_mb = 12000000,
         .assigning_org = "LTO-CVE",
         .name = "U-832",
         .description = "Ultrium 8/16T"},
        {.primary = 0x5C,
         .secondary = 0x5C,
         .bits_per_mm = 20670,
         .media_width = 127,
         .tracks = 3584,
         .capacity_mb = 6000000,
         .assigning_org = "LTO-CVE",
         .name = "U-732",
         .description = "Ultrium 7/16T"},
    };
    uint8_t b[256];
    size_t n = t10_density_report_build(b, sizeof b, d, 2);
    CU_ASSERT_EQUAL(n, 4 + 2 * 52);
    CU_ASSERT_EQUAL(b[1], 4 + 2 * 52 - 2);
    struct dcollect c = {0};
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_density_report_walk(b, n, dcb, &c, &cut), T10_OK);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL_FATAL(c.n, 2);
    CU_ASSERT_EQUAL(c.d[0].primary, 0x5E);
    CU_ASSERT(c.d[0].wrtok && c.d[0].deflt && !c.d[1].deflt);
    CU_ASSERT_EQUAL(c.d[0].capacity_mb, 12000000);
    CU_ASSERT_STRING_EQUAL(c.d[0].name, "U-832");
    CU_ASSERT_STRING_EQUAL(c.d[1].description, "Ultrium 7/16T");
    for (size_t k = 0; k < n; k++) {
        uint8_t *p = test_dup_exact(b, k);
        struct dcollect cc = {0};
        enum t10_rc rc = t10_density_report_walk(p, k, dcb, &cc, &cut);
        CU_ASSERT(k < 4 ? rc == T10_ESHORT : (rc == T10_OK && cut && cc.n == (k >= 56 ? 1 : 0)));
        free(p);
    }
}

static size_t build_rp(uint8_t *out, size_t cap, const void *arg)
{
    const struct t10_read_pos rp = {.bop = true, .partition = 1, .first_lo = 5, .last_lo = 5};
    return t10_read_pos_build(out, cap, *(const uint8_t *)arg, &rp);
}

static size_t build_density(uint8_t *out, size_t cap, const void *arg)
{
    (void)arg;
    const struct t10_density_desc d[2] = {{.primary = 0x5E, .name = "U-832"}, {.primary = 0x5C}};
    return t10_density_report_build(out, cap, d, 2);
}

static size_t build_bl(uint8_t *out, size_t cap, const void *arg)
{
    (void)arg;
    const struct t10_block_limits b = {.max_len = 0x800000, .min_len = 1};
    return t10_block_limits_build(out, cap, &b);
}

static void builders_respect_cap(void)
{
    uint8_t sa = T10_RP_SHORT;
    t10t_small_cap(build_rp, &sa, 20);
    sa = T10_RP_LONG;
    t10t_small_cap(build_rp, &sa, 32);
    sa = T10_RP_EXTENDED;
    t10t_small_cap(build_rp, &sa, 32);
    t10t_small_cap(build_density, NULL, 4 + 2 * 52);
    t10t_small_cap(build_bl, NULL, 6);
}

static CU_TestInfo tests[] = {
    {"block_limits_both_ways", block_limits_both_ways},
    {"builders_respect_cap", builders_respect_cap},
    {"read_position_forms", read_position_forms},
    {"density_report_round_trip", density_report_round_trip},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_ssc[] = {{"t10_ssc", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
