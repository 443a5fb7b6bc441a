/* SPDX-License-Identifier: MIT
 * scsi/tests/test_pr.c - persistent reservation parameter data.
 */
#include "scsi/pr.h"
#include "scsi/tests/t10_test.h"

static void read_keys_both_ways(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("pr/read_keys.hex", v, sizeof v);
    uint64_t keys[4];
    uint32_t gen;
    size_t nk, nl;
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_prin_keys_decode(v, n, &gen, keys, 4, &nk, &nl, &cut), T10_OK);
    CU_ASSERT_EQUAL(gen, 5);
    CU_ASSERT_EQUAL(nk, 2);
    CU_ASSERT_EQUAL(keys[0], UINT64_C(0x1122334455667788));
    CU_ASSERT_EQUAL(keys[1], 0xAB);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL(t10_prin_keys_build(b, sizeof b, 5, keys, 2), n);
    T10T_HEXEQ(b, v, n);
    for (size_t k = 0; k < n; k++) {
        uint8_t *p = test_dup_exact(v, k);
        enum t10_rc rc = t10_prin_keys_decode(p, k, &gen, keys, 4, &nk, &nl, &cut);
        CU_ASSERT(k < 8 ? rc == T10_ESHORT : (rc == T10_OK && cut && nk == (k - 8) / 8 && nl == 2));
        free(p);
    }
}

static void read_reservation_both_ways(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("pr/read_resv.hex", v, sizeof v);
    struct t10_prin_resv r;
    CU_ASSERT_EQUAL_FATAL(t10_prin_resv_decode(v, n, &r), T10_OK);
    CU_ASSERT(r.held);
    CU_ASSERT_EQUAL(r.generation, 7);
    CU_ASSERT_EQUAL(r.type, T10_PR_EX_AC);
    CU_ASSERT_EQUAL(r.key, UINT64_C(0x1122334455667788));
    CU_ASSERT_EQUAL(t10_prin_resv_build(b, sizeof b, &r), n);
    T10T_HEXEQ(b, v, n);
    struct t10_prin_resv none = {.generation = 7};
    CU_ASSERT_EQUAL(t10_prin_resv_build(b, sizeof b, &none), 8);
    CU_ASSERT_EQUAL(t10_prin_resv_decode(b, 8, &r), T10_OK);
    CU_ASSERT(!r.held);
    for (size_t k = 0; k < n; k++) {
        uint8_t *p = test_dup_exact(v, k);
        CU_ASSERT_EQUAL(t10_prin_resv_decode(p, k, &r), T10_ESHORT);
        free(p);
    }
}

static void report_capabilities_both_ways(void)
{
    uint8_t v[16], b[16];
    size_t n = t10t_vec("pr/report_caps.hex", v, sizeof v);
    struct t10_prin_caps c;
    CU_ASSERT_EQUAL_FATAL(t10_prin_caps_decode(v, n, &c), T10_OK);
    CU_ASSERT(c.atp_c && c.ptpl_c && c.tmv && !c.crh && !c.sip_c);
    uint16_t all = T10_PR_TYPE_BIT(T10_PR_WR_EX) | T10_PR_TYPE_BIT(T10_PR_EX_AC) |
                   T10_PR_TYPE_BIT(T10_PR_WR_EX_RO) | T10_PR_TYPE_BIT(T10_PR_EX_AC_RO) |
                   T10_PR_TYPE_BIT(T10_PR_WR_EX_AR) | T10_PR_TYPE_BIT(T10_PR_EX_AC_AR);
    CU_ASSERT_EQUAL(c.type_mask, all);
    CU_ASSERT_EQUAL(t10_prin_caps_build(b, sizeof b, &c), n);
    T10T_HEXEQ(b, v, n);
    CU_ASSERT_EQUAL(t10_prin_caps_decode(v, 7, &c), T10_ESHORT);
}

struct fcollect {
    int n;
    struct t10_prin_full d;
    uint8_t tid[16];
};

static enum t10_rc fcb(const struct t10_prin_full *d, void *arg)
{
    struct fcollect *c = arg;
    if (c->n++ == 0) {
        c->d = *d;
        memcpy(c->tid, d->transport_id, d->tid_len < 16 ? d->tid_len : 16);
    }
    return T10_OK;
}

static void read_full_status_both_ways(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("pr/full_status.hex", v, sizeof v);
    struct fcollect c = {0};
    uint32_t gen;
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_prin_full_walk(v, n, &gen, fcb, &c, &cut), T10_OK);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL(c.n, 1);
    CU_ASSERT_EQUAL(gen, 1);
    CU_ASSERT(c.d.r_holder && !c.d.all_tg_pt);
    CU_ASSERT_EQUAL(c.d.type, T10_PR_WR_EX);
    CU_ASSERT_EQUAL(c.d.rel_port, 1);
    CU_ASSERT_EQUAL(c.d.tid_len, 8);
    CU_ASSERT_EQUAL(memcmp(c.tid, "\x05\x00\x00\x04iqn", 8), 0);
    c.d.transport_id = c.tid;
    CU_ASSERT_EQUAL(t10_prin_full_build(b, sizeof b, 1, &c.d, 1), n);
    T10T_HEXEQ(b, v, n);
    for (size_t k = 0; k < n; k++) {
        uint8_t *p = test_dup_exact(v, k);
        struct fcollect cc = {0};
        enum t10_rc rc = t10_prin_full_walk(p, k, &gen, fcb, &cc, &cut);
        CU_ASSERT(k < 8 ? rc == T10_ESHORT : (rc == T10_OK && cut && cc.n == 0));
        free(p);
    }
}

static void prout_basic_list(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("pr/prout_register.hex", v, sizeof v);
    struct t10_prout p;
    struct t10_field_ptr bad;
    CU_ASSERT_EQUAL_FATAL(t10_prout_decode(v, n, &p, &bad), T10_OK);
    CU_ASSERT_EQUAL(p.key, 0);
    CU_ASSERT_EQUAL(p.sa_key, UINT64_C(0x1122334455667788));
    CU_ASSERT(p.aptpl && !p.spec_i_pt && !p.all_tg_pt);
    CU_ASSERT_EQUAL(t10_prout_build(b, sizeof b, &p), n);
    T10T_HEXEQ(b, v, n);
    for (size_t k = 0; k < n; k++) {
        uint8_t *c = test_dup_exact(v, k);
        CU_ASSERT_EQUAL(t10_prout_decode(c, k, &p, &bad), T10_ESHORT);
        free(c);
    }
    memcpy(b, v, n);
    b[20] |= 0x02; /* reserved bit */
    CU_ASSERT_EQUAL(t10_prout_decode(b, n, &p, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 20);
    CU_ASSERT_EQUAL(bad.bit, 1);
    CU_ASSERT(!bad.cd);
    memcpy(b, v, n);
    b[24] = 0; /* 25 bytes without SPEC_I_PT: parameter list length error */
    CU_ASSERT_EQUAL(t10_prout_decode(b, 25, &p, &bad), T10_ESHORT);
    b[20] |= 0x08;
    CU_ASSERT_EQUAL(t10_prout_decode(b, 25, &p, &bad), T10_OK);
    CU_ASSERT_EQUAL(p.tid_data_len, 1);
    struct t10_field_ptr f = t10_prout_field(T10_PROUT_F_SA_KEY);
    CU_ASSERT_EQUAL(f.byte, 8);
    f = t10_prout_field(T10_PROUT_F_APTPL);
    CU_ASSERT_EQUAL(f.byte, 20);
    CU_ASSERT_EQUAL(f.bit, 0);
}

static void prout_register_and_move(void)
{
    const uint8_t tid[4] = {0x05, 0, 0, 0};
    struct t10_prout_move m = {.key = 1,
                               .sa_key = 2,
                               .unreg = true,
                               .rel_port = 3,
                               .tid_len = 4,
                               .transport_id = tid},
                          r;
    uint8_t b[64];
    struct t10_field_ptr bad;
    size_t n = t10_prout_move_build(b, sizeof b, &m);
    CU_ASSERT_EQUAL(n, 28);
    CU_ASSERT_EQUAL(b[17], 0x02);
    CU_ASSERT_EQUAL_FATAL(t10_prout_move_decode(b, n, &r, &bad), T10_OK);
    CU_ASSERT(r.unreg && !r.aptpl);
    CU_ASSERT_EQUAL(r.rel_port, 3);
    CU_ASSERT_EQUAL(r.tid_len, 4);
    CU_ASSERT_EQUAL(t10_prout_move_decode(b, n - 1, &r, &bad), T10_ESHORT);
    b[17] |= 0x80;
    CU_ASSERT_EQUAL(t10_prout_move_decode(b, n, &r, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 17);
}

static size_t build_keys(uint8_t *out, size_t cap, const void *arg)
{
    (void)arg;
    const uint64_t k[3] = {1, 2, 3};
    return t10_prin_keys_build(out, cap, 9, k, 3);
}

static void builders_respect_cap(void)
{
    t10t_small_cap(build_keys, NULL, 32);
}

static CU_TestInfo tests[] = {
    {"read_keys_both_ways", read_keys_both_ways},
    {"read_reservation_both_ways", read_reservation_both_ways},
    {"report_capabilities_both_ways", report_capabilities_both_ways},
    {"read_full_status_both_ways", read_full_status_both_ways},
    {"prout_basic_list", prout_basic_list},
    {"prout_register_and_move", prout_register_and_move},
    {"builders_respect_cap", builders_respect_cap},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_pr[] = {{"t10_pr", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
