/* SPDX-License-Identifier: MIT
 * scsi/tests/test_log.c - log page walk, parameter builders, supported pages, TapeAlert.
 */
#include <string.h>

#include "scsi/log.h"
#include "scsi/tests/t10_test.h"

static void tapealert_both_ways(void)
{
    uint8_t v[512], b[512];
    size_t n = t10t_vec("log/tapealert.hex", v, sizeof v);
    CU_ASSERT_EQUAL(n, 324);
    uint64_t f = 0;
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_log_tapealert_decode(v, n, &f, &cut), T10_OK);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL(f, T10_TA_FLAG(T10_TA_CLEAN_NOW) | T10_TA_FLAG(T10_TA_HARDWARE_B));
    CU_ASSERT_EQUAL(t10_log_tapealert_build(b, sizeof b, f), n);
    T10T_HEXEQ(b, v, n);
    CU_ASSERT_STRING_EQUAL(t10_tapealert_name(0x14), "Clean now");
    CU_ASSERT_STRING_EQUAL(t10_tapealert_name(0x17), "Invalid cleaning tape");
    CU_ASSERT_PTR_NULL(t10_tapealert_name(0));
    CU_ASSERT_PTR_NULL(t10_tapealert_name(65));
    CU_ASSERT_EQUAL(T10_TA_FLAG(64), UINT64_C(1) << 63);
}

static void tapealert_subset_any_order(void)
{
    uint8_t b[64];
    size_t k = 4;
    struct t10_log_hdr h = {.page = T10_LP_TAPEALERT};
    const uint16_t codes[] = {0x0040, 0x0001, 0x0099};
    for (size_t i = 0; i < 3; i++) {
        uint8_t one = 1;
        struct t10_log_param p = {.code = codes[i], .control = 3, .len = 1, .value = &one};
        k += t10_log_param_build(b + k, sizeof b - k, &p);
    }
    h.page_len = (uint16_t)(k - 4);
    t10_log_hdr_build(b, sizeof b, &h);
    uint64_t f;
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_log_tapealert_decode(b, k, &f, &cut), T10_OK);
    CU_ASSERT_EQUAL(f, T10_TA_FLAG(64) | T10_TA_FLAG(1));
    b[0] = 0x0C;
    CU_ASSERT_EQUAL(t10_log_tapealert_decode(b, k, &f, &cut), T10_EINVAL);
}

struct pcollect {
    int n;
    uint16_t code[8];
    uint64_t val[8];
};

static enum t10_rc pcb(const struct t10_log_param *p, void *arg)
{
    struct pcollect *c = arg;
    if (c->n < 8) {
        c->code[c->n] = p->code;
        c->val[c->n] = t10_log_param_uint(p);
    }
    c->n++;
    return T10_OK;
}

static void generic_page_both_ways(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("log/seq_0c.hex", v, sizeof v);
    struct pcollect c = {0};
    struct t10_log_hdr h;
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_log_walk(v, n, &h, pcb, &c, &cut), T10_OK);
    CU_ASSERT_EQUAL(h.page, T10_LP_SEQUENTIAL);
    CU_ASSERT_EQUAL(c.n, 2);
    CU_ASSERT_EQUAL(c.val[0], 0x1000);
    CU_ASSERT_EQUAL(c.code[1], 1);
    CU_ASSERT_EQUAL(c.val[1], 0x20);
    struct t10_log_hdr hb = {.page = T10_LP_SEQUENTIAL};
    size_t k = t10_log_hdr_build(b, sizeof b, &hb);
    k += t10_log_param_build_uint(b + k, sizeof b - k, 0, 0, 0x1000, 4);
    k += t10_log_param_build_uint(b + k, sizeof b - k, 1, 0, 0x20, 4);
    t10_log_set_page_len(b, sizeof b, k);
    CU_ASSERT_EQUAL(k, n);
    T10T_HEXEQ(b, v, n);
    struct t10_log_param p;
    CU_ASSERT_EQUAL(t10_log_find_param(v, n, 1, &p), T10_OK);
    CU_ASSERT_EQUAL(t10_log_param_uint(&p), 0x20);
    CU_ASSERT_EQUAL(t10_log_find_param(v, n, 7, &p), T10_ENOENT);
    /* a counter too big for its width saturates */
    CU_ASSERT_EQUAL(t10_log_param_build_uint(b, sizeof b, 2, 0, 0x1FFFF, 2), 6);
    CU_ASSERT_EQUAL(b[4], 0xFF);
    CU_ASSERT_EQUAL(b[5], 0xFF);
    CU_ASSERT_EQUAL(t10_log_param_build_uint(b, sizeof b, 2, 0, 1, 9), 0);
}

static void sweep_walk(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct pcollect c = {0};
    bool cut = false;
    enum t10_rc rc = t10_log_walk(buf, len, NULL, pcb, &c, &cut);
    if (len < 4) {
        CU_ASSERT_EQUAL(rc, T10_ESHORT);
    } else {
        CU_ASSERT(rc == T10_OK && cut);
    }
    uint64_t f;
    (void)t10_log_tapealert_decode(buf, len, &f, &cut);
    uint8_t pages[64];
    size_t np;
    (void)t10_log_supported_decode(buf, len, pages, sizeof pages, &np);
}

static void sweep_find(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct t10_log_param p;
    struct t10_log_hdr h;
    enum t10_rc rc = t10_log_find_param(buf, len, 1, &p);
    CU_ASSERT(len < 4 ? rc == T10_ESHORT : (rc == T10_OK || rc == T10_ENOENT));
    if (rc == T10_OK)
        CU_ASSERT(p.value + p.len <= buf + len);
    CU_ASSERT_EQUAL(t10_log_hdr_decode(buf, len, &h), len < 4 ? T10_ESHORT : T10_OK);
}

static void truncation_sweep(void)
{
    uint8_t v[512];
    size_t n = t10t_vec("log/tapealert.hex", v, sizeof v);
    t10t_sweep(v, n, sweep_find, NULL);
    t10t_sweep(v, n, sweep_walk, NULL);
    n = t10t_vec("log/seq_0c.hex", v, sizeof v);
    t10t_sweep(v, n, sweep_walk, NULL);
}

static void supported_pages(void)
{
    uint8_t b[64], pages[64];
    const uint8_t in[] = {T10_LP_TAPEALERT, T10_LP_SUPPORTED, T10_LP_WRITE_ERRORS,
                          T10_LP_SEQUENTIAL};
    size_t n = t10_log_supported_build(b, sizeof b, in, sizeof in), np;
    CU_ASSERT_EQUAL(n, 8);
    const uint8_t want[] = {0x00, 0x00, 0x00, 0x04, 0x00, 0x02, 0x0C, 0x2E};
    T10T_HEXEQ(b, want, 8);
    CU_ASSERT_EQUAL_FATAL(t10_log_supported_decode(b, n, pages, sizeof pages, &np), T10_OK);
    CU_ASSERT_EQUAL(np, 4);
    CU_ASSERT_EQUAL(pages[3], 0x2E);
}

static size_t build_ta(uint8_t *out, size_t cap, const void *arg)
{
    return t10_log_tapealert_build(out, cap, *(const uint64_t *)arg);
}

static void builders_respect_cap(void)
{
    uint64_t f = ~UINT64_C(0);
    t10t_small_cap(build_ta, &f, 324);
}

static CU_TestInfo tests[] = {
    {"tapealert_both_ways", tapealert_both_ways},
    {"tapealert_subset_any_order", tapealert_subset_any_order},
    {"generic_page_both_ways", generic_page_both_ways},
    {"truncation_sweep", truncation_sweep},
    {"supported_pages", supported_pages},
    {"builders_respect_cap", builders_respect_cap},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_log[] = {{"t10_log", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
