/* SPDX-License-Identifier: MIT
 * scsi/tests/test_rsoc.c - REPORT SUPPORTED OPERATION CODES data, and CDB usage data
 * derived from the decoder tables.
 */
#include <string.h>

#include "scsi/rsoc.h"
#include "scsi/tests/t10_test.h"

struct dcollect {
    int n;
    struct t10_rsoc_desc d[4];
};

static enum t10_rc dcb(const struct t10_rsoc_desc *d, void *arg)
{
    struct dcollect *c = arg;
    if (c->n < 4)
        c->d[c->n] = *d;
    c->n++;
    return T10_OK;
}

static void all_commands_with_timeouts_both_ways(void)
{
    uint8_t v[128], b[128];
    size_t n = t10t_vec("rsoc/all_rctd.hex", v, sizeof v);
    struct dcollect c = {0};
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_rsoc_all_walk(v, n, dcb, &c, &cut), T10_OK);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL_FATAL(c.n, 2);
    CU_ASSERT_EQUAL(c.d[0].op, 0xA5);
    CU_ASSERT(c.d[0].ctdp && !c.d[0].servactv);
    CU_ASSERT_EQUAL(c.d[0].cdb_len, 12);
    CU_ASSERT_EQUAL(c.d[0].to.nominal_s, 60);
    CU_ASSERT_EQUAL(c.d[0].to.recommended_s, 300);
    CU_ASSERT_EQUAL(c.d[1].op, 0xA3);
    CU_ASSERT_EQUAL(c.d[1].sa, 0x0C);
    CU_ASSERT(c.d[1].servactv);
    CU_ASSERT_EQUAL(t10_rsoc_all_build(b, sizeof b, c.d, 2, true), n);
    T10T_HEXEQ(b, v, n);
    /* without RCTD each descriptor is 8 bytes */
    CU_ASSERT_EQUAL(t10_rsoc_all_build(b, sizeof b, c.d, 2, false), 20);
    c.n = 0;
    CU_ASSERT_EQUAL(t10_rsoc_all_walk(b, 20, dcb, &c, &cut), T10_OK);
    CU_ASSERT_EQUAL(c.n, 2);
    CU_ASSERT(!c.d[0].ctdp);
}

static void sweep_all(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct dcollect c = {0};
    bool cut = false;
    enum t10_rc rc = t10_rsoc_all_walk(buf, len, dcb, &c, &cut);
    if (len < 4) {
        CU_ASSERT_EQUAL(rc, T10_ESHORT);
        return;
    }
    CU_ASSERT(rc == T10_OK && cut);
    CU_ASSERT_EQUAL(c.n, len >= 24 ? 1 : 0);
}

static void sweep_one(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct t10_rsoc_one o;
    bool cut = false;
    enum t10_rc rc = t10_rsoc_one_decode(buf, len, &o, &cut);
    CU_ASSERT(len < 4 ? rc == T10_ESHORT : (rc == T10_OK && cut));
}

static void truncation_sweep(void)
{
    uint8_t v[128];
    size_t n = t10t_vec("rsoc/all_rctd.hex", v, sizeof v);
    t10t_sweep(v, n, sweep_all, NULL);
    n = t10t_vec("rsoc/one_res.hex", v, sizeof v);
    t10t_sweep(v, n, sweep_one, NULL);
}

static void one_command_usage_matches_decoder(void)
{
    uint8_t v[64], b[64], usage[T10_CDB_MAX];
    size_t n = t10t_vec("rsoc/one_res.hex", v, sizeof v);
    struct t10_rsoc_one o;
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_rsoc_one_decode(v, n, &o, &cut), T10_OK);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL(o.support, T10_RSOC_SUPPORTED);
    CU_ASSERT_EQUAL(o.cdb_size, 12);
    size_t ul = t10_cdb_usage(T10_CDB_READ_ELEMENT_STATUS, usage, sizeof usage);
    CU_ASSERT_EQUAL_FATAL(ul, 12);
    T10T_HEXEQ(o.usage, usage, 12);
    struct t10_rsoc_one w = {.support = T10_RSOC_SUPPORTED, .cdb_size = 12, .usage = usage};
    CU_ASSERT_EQUAL(t10_rsoc_one_build(b, sizeof b, &w), n);
    T10T_HEXEQ(b, v, n);
    w.ctdp = true;
    w.to.nominal_s = 5;
    w.to.recommended_s = 3600;
    size_t k = t10_rsoc_one_build(b, sizeof b, &w);
    CU_ASSERT_EQUAL(k, n + 12);
    CU_ASSERT_EQUAL_FATAL(t10_rsoc_one_decode(b, k, &o, &cut), T10_OK);
    CU_ASSERT(o.ctdp && !cut);
    CU_ASSERT_EQUAL(o.to.recommended_s, 3600);
    b[n + 1] = 0x0B; /* timeouts descriptor length must be 0Ah */
    CU_ASSERT_EQUAL(t10_rsoc_one_decode(b, k, &o, &cut), T10_EINVAL);
}

static size_t build_all(uint8_t *out, size_t cap, const void *arg)
{
    const struct t10_rsoc_desc d[2] = {{.op = 0x00, .cdb_len = 6}, {.op = 0xB8, .cdb_len = 12}};
    return t10_rsoc_all_build(out, cap, d, 2, *(const bool *)arg);
}

static void builders_respect_cap(void)
{
    bool rctd = true;
    t10t_small_cap(build_all, &rctd, 44);
    rctd = false;
    t10t_small_cap(build_all, &rctd, 20);
}

static CU_TestInfo tests[] = {
    {"all_commands_with_timeouts_both_ways", all_commands_with_timeouts_both_ways},
    {"truncation_sweep", truncation_sweep},
    {"one_command_usage_matches_decoder", one_command_usage_matches_decoder},
    {"builders_respect_cap", builders_respect_cap},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_rsoc[] = {{"t10_rsoc", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
