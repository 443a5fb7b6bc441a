/* SPDX-License-Identifier: MIT
 * scsi/tests/test_mam.c - READ/WRITE ATTRIBUTE data.
 */
#include <string.h>

#include "scsi/mam.h"
#include "scsi/tests/t10_test.h"

struct acollect {
    int n;
    struct t10_mam_attr a[4];
    char text[4][40];
};

static enum t10_rc acb(const struct t10_mam_attr *a, void *arg)
{
    struct acollect *c = arg;
    if (c->n < 4) {
        c->a[c->n] = *a;
        size_t k = a->len < 39 ? a->len : 39;
        memcpy(c->text[c->n], a->value, k);
        c->text[c->n][k] = '\0';
        c->a[c->n].value = NULL;
    }
    c->n++;
    return T10_OK;
}

static void values_both_ways(void)
{
    uint8_t v[128], b[128];
    size_t n = t10t_vec("mam/values.hex", v, sizeof v);
    struct acollect c = {0};
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_mam_values_walk(v, n, acb, &c, &cut), T10_OK);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL_FATAL(c.n, 2);
    CU_ASSERT_EQUAL(c.a[0].id, T10_MAM_BARCODE);
    CU_ASSERT_EQUAL(c.a[0].format, T10_MAM_ASCII);
    CU_ASSERT(!c.a[0].read_only);
    CU_ASSERT_EQUAL(c.a[0].len, 32);
    CU_ASSERT_EQUAL(strncmp(c.text[0], "A00001L8 ", 9), 0);
    CU_ASSERT_EQUAL(c.a[1].id, T10_MAM_LOAD_COUNT);
    CU_ASSERT(c.a[1].read_only);
    CU_ASSERT_EQUAL(c.a[1].len, 8);
    uint8_t bc[32], lc[8] = {0, 0, 0, 0, 0, 0, 0, 42};
    t10_put_ascii(bc, 32, "A00001L8");
    struct t10_mam_attr a[2] = {
        {.id = T10_MAM_BARCODE, .format = T10_MAM_ASCII, .len = 32, .value = bc},
        {.id = T10_MAM_LOAD_COUNT,
         .read_only = true,
         .format = T10_MAM_BINARY,
         .len = 8,
         .value = lc},
    };
    CU_ASSERT_EQUAL(t10_mam_values_build(b, sizeof b, a, 2), n);
    T10T_HEXEQ(b, v, n);
}

static void sweep(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct acollect c = {0};
    bool cut = false;
    enum t10_rc rc = t10_mam_values_walk(buf, len, acb, &c, &cut);
    if (len < 4) {
        CU_ASSERT_EQUAL(rc, T10_ESHORT);
        return;
    }
    CU_ASSERT(rc == T10_OK && cut);
    CU_ASSERT_EQUAL(c.n, len >= 4 + 37 ? 1 : 0);
    uint16_t ids[8];
    size_t ni, nl;
    (void)t10_mam_list_decode(buf, len, ids, 8, &ni, &nl, &cut);
}

static void truncation_sweep(void)
{
    uint8_t v[128];
    size_t n = t10t_vec("mam/values.hex", v, sizeof v);
    t10t_sweep(v, n, sweep, NULL);
}

static void attribute_list(void)
{
    uint8_t b[32];
    const uint16_t ids[] = {0x0000, 0x0001, 0x0806};
    size_t n = t10_mam_list_build(b, sizeof b, ids, 3);
    CU_ASSERT_EQUAL(n, 10);
    CU_ASSERT_EQUAL(b[3], 6);
    CU_ASSERT_EQUAL(b[8], 0x08);
    uint16_t out[3];
    size_t ni, nl;
    bool cut;
    CU_ASSERT_EQUAL(t10_mam_list_decode(b, n, out, 3, &ni, &nl, &cut), T10_OK);
    CU_ASSERT_EQUAL(ni, 3);
    CU_ASSERT_EQUAL(out[2], 0x0806);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL(t10_mam_list_decode(b, 7, out, 3, &ni, &nl, &cut), T10_OK);
    CU_ASSERT_EQUAL(ni, 1);
    CU_ASSERT_EQUAL(nl, 3);
    CU_ASSERT(cut);
}

static void standard_attribute_table(void)
{
    const struct t10_mam_info *i = t10_mam_lookup(T10_MAM_BARCODE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(i);
    CU_ASSERT_STRING_EQUAL(i->name, "BARCODE");
    CU_ASSERT_EQUAL(i->len, 32);
    CU_ASSERT(!i->read_only);
    i = t10_mam_lookup(T10_MAM_MEDIA_POOL_GUID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(i);
    CU_ASSERT_EQUAL(i->len, 36);
    CU_ASSERT(t10_mam_lookup(T10_MAM_LOAD_COUNT)->read_only);
    CU_ASSERT_PTR_NULL(t10_mam_lookup(0x1234));
}

static size_t build(uint8_t *out, size_t cap, const void *arg)
{
    (void)arg;
    const uint8_t v[3] = {1, 2, 3};
    struct t10_mam_attr a[2] = {{.id = 1, .len = 3, .value = v}, {.id = 2, .len = 0}};
    return t10_mam_values_build(out, cap, a, 2);
}

static void builders_respect_cap(void)
{
    t10t_small_cap(build, NULL, 4 + 8 + 5);
}

static CU_TestInfo tests[] = {
    {"values_both_ways", values_both_ways},
    {"truncation_sweep", truncation_sweep},
    {"attribute_list", attribute_list},
    {"standard_attribute_table", standard_attribute_table},
    {"builders_respect_cap", builders_respect_cap},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_mam[] = {{"t10_mam", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
