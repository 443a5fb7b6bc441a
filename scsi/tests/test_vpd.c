/* SPDX-License-Identifier: MIT
 * scsi/tests/test_vpd.c - standard INQUIRY data and VPD pages.
 */
#include <string.h>

#include "scsi/log.h"
#include "scsi/tests/t10_test.h"
#include "scsi/vpd.h"

static void inquiry_both_ways(void)
{
    uint8_t v[128], b[128];
    size_t n = t10t_vec("vpd/inquiry_changer.hex", v, sizeof v);
    struct t10_inquiry q;
    CU_ASSERT_EQUAL_FATAL(t10_inquiry_decode(v, n, &q), T10_OK);
    CU_ASSERT_EQUAL(q.pdt, 0x08);
    CU_ASSERT(q.rmb && q.hisup && q.cmdque && !q.mchngr);
    CU_ASSERT_EQUAL(q.version, T10_VERSION_SPC4);
    CU_ASSERT_EQUAL(q.resp_format, 2);
    CU_ASSERT_EQUAL(q.add_len, 31);
    CU_ASSERT_STRING_EQUAL(q.vendor, "IBM");
    CU_ASSERT_STRING_EQUAL(q.product, "3573-TL");
    CU_ASSERT_STRING_EQUAL(q.revision, "F.11");
    CU_ASSERT(!q.truncated);
    struct t10_inquiry w = {.pdt = 8, .rmb = true, .version = 6, .hisup = true, .cmdque = true};
    strcpy(w.vendor, "IBM");
    strcpy(w.product, "3573-TL");
    strcpy(w.revision, "F.11");
    CU_ASSERT_EQUAL(t10_inquiry_build(b, sizeof b, &w), n);
    T10T_HEXEQ(b, v, n);
}

static void inquiry_with_version_descriptors(void)
{
    uint8_t b[128];
    struct t10_inquiry w = {.pdt = 1,
                            .rmb = true,
                            .version = 6,
                            .mchngr = true,
                            .n_version_desc = 2,
                            .version_desc = {0x0460, 0x0200}},
                       q;
    CU_ASSERT_EQUAL(t10_inquiry_build(b, sizeof b, &w), 96);
    CU_ASSERT_EQUAL(b[4], 91);
    CU_ASSERT_EQUAL(b[6], 0x08);
    CU_ASSERT_EQUAL_FATAL(t10_inquiry_decode(b, 96, &q), T10_OK);
    CU_ASSERT_EQUAL(q.n_version_desc, 2);
    CU_ASSERT_EQUAL(q.version_desc[0], 0x0460);
    CU_ASSERT(q.mchngr);
    w.n_version_desc = 9;
    CU_ASSERT_EQUAL(t10_inquiry_build(b, sizeof b, &w), 0);
}

static void sweep_inquiry(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct t10_inquiry q;
    enum t10_rc rc = t10_inquiry_decode(buf, len, &q);
    if (len < 5) {
        CU_ASSERT_EQUAL(rc, T10_ESHORT);
        return;
    }
    CU_ASSERT_EQUAL(rc, T10_OK);
    CU_ASSERT(q.truncated);
    CU_ASSERT_EQUAL(q.pdt, 8);
    if (len < 16)
        CU_ASSERT_STRING_EQUAL(q.vendor, "");
}

static void inquiry_short_allocation_is_normal(void)
{
    uint8_t v[128];
    size_t n = t10t_vec("vpd/inquiry_changer.hex", v, sizeof v);
    t10t_sweep(v, n, sweep_inquiry, NULL);
}

struct desig_collect {
    int n;
    struct t10_desig d[4];
    uint8_t id[4][32];
};

static enum t10_rc desig_cb(const struct t10_desig *d, void *arg)
{
    struct desig_collect *c = arg;
    if (c->n < 4) {
        c->d[c->n] = *d;
        memcpy(c->id[c->n], d->id, d->len < 32 ? d->len : 32);
    }
    c->n++;
    return T10_OK;
}

static void devid_page_both_ways(void)
{
    uint8_t v[128], b[128];
    size_t n = t10t_vec("vpd/vpd83.hex", v, sizeof v);
    struct desig_collect c = {0};
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_vpd_devid_walk(v, n, desig_cb, &c, &cut), T10_OK);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL_FATAL(c.n, 3);
    CU_ASSERT_EQUAL(c.d[0].type, T10_DESIG_NAA);
    CU_ASSERT_EQUAL(c.d[0].code_set, T10_CS_BINARY);
    CU_ASSERT_EQUAL(c.d[0].len, 8);
    CU_ASSERT_EQUAL(c.id[0][0] >> 4, 5);
    CU_ASSERT_EQUAL(c.d[1].type, T10_DESIG_T10_VENDOR);
    CU_ASSERT_EQUAL(memcmp(c.id[1], "IBM     123456789A", 18), 0);
    CU_ASSERT_EQUAL(c.d[2].type, T10_DESIG_REL_TGT_PORT);
    CU_ASSERT_EQUAL(c.d[2].association, T10_ASSOC_PORT);
    CU_ASSERT(c.d[2].piv);
    CU_ASSERT_EQUAL(c.d[2].protocol_id, 5);
    uint8_t naa[8], t10[32], rel[4];
    t10_naa5_encode(naa, 0x123456, UINT64_C(0x789ABCDEF));
    size_t t10_len = t10_t10vid_encode(t10, sizeof t10, "IBM", "123456789A");
    t10_relport_encode(rel, 1);
    struct t10_desig d[3] = {
        {.code_set = T10_CS_BINARY, .type = T10_DESIG_NAA, .len = 8, .id = naa},
        {.code_set = T10_CS_ASCII,
         .type = T10_DESIG_T10_VENDOR,
         .len = (uint8_t)t10_len,
         .id = t10},
        {.protocol_id = 5,
         .code_set = T10_CS_BINARY,
         .piv = true,
         .association = T10_ASSOC_PORT,
         .type = T10_DESIG_REL_TGT_PORT,
         .len = 4,
         .id = rel},
    };
    CU_ASSERT_EQUAL(t10_vpd_devid_build(b, sizeof b, 0x01, d, 3), n);
    T10T_HEXEQ(b, v, n);
}

static void sweep_devid(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct desig_collect c = {0};
    bool cut = false;
    enum t10_rc rc = t10_vpd_devid_walk(buf, len, desig_cb, &c, &cut);
    if (len < 4) {
        CU_ASSERT_EQUAL(rc, T10_ESHORT);
        return;
    }
    CU_ASSERT_EQUAL(rc, T10_OK);
    CU_ASSERT(cut);
    CU_ASSERT_EQUAL(c.n, len >= 4 + 12 + 22 ? 2 : len >= 4 + 12 ? 1 : 0);
}

static void devid_truncation(void)
{
    uint8_t v[128];
    size_t n = t10t_vec("vpd/vpd83.hex", v, sizeof v);
    t10t_sweep(v, n, sweep_devid, NULL);
}

static void supported_pages_sorted(void)
{
    uint8_t v[64], b[64], pages[16];
    size_t n = t10t_vec("vpd/vpd00_tape.hex", v, sizeof v), np;
    CU_ASSERT_EQUAL_FATAL(t10_vpd_supported_decode(v, n, pages, sizeof pages, &np), T10_OK);
    CU_ASSERT_EQUAL(np, 7);
    CU_ASSERT_EQUAL(pages[6], 0xB3);
    const uint8_t unsorted[] = {0xB3, 0x83, 0x00, 0xB1, 0x80, 0xB0, 0xB2, 0x83};
    CU_ASSERT_EQUAL(t10_vpd_supported_build(b, sizeof b, 0x01, unsorted, sizeof unsorted), n);
    T10T_HEXEQ(b, v, n);
    b[5] = 0xB0; /* out of order */
    CU_ASSERT_EQUAL(t10_vpd_supported_decode(b, n, pages, sizeof pages, &np), T10_EINVAL);
    for (size_t k = 0; k < n; k++) {
        uint8_t *cut = test_dup_exact(v, k);
        enum t10_rc rc = t10_vpd_supported_decode(cut, k, pages, sizeof pages, &np);
        CU_ASSERT(k < 4 ? rc == T10_ESHORT : (rc == T10_OK && np == k - 4));
        free(cut);
    }
}

static void serial_pages(void)
{
    uint8_t b[64];
    char s[40];
    size_t n = t10_vpd_ascii_build(b, sizeof b, 0x01, T10_VPD_UNIT_SERIAL, "HU1234ABCD");
    CU_ASSERT_EQUAL(n, 14);
    CU_ASSERT_EQUAL(b[3], 10);
    CU_ASSERT_EQUAL_FATAL(t10_vpd_ascii_decode(b, n, T10_VPD_UNIT_SERIAL, s, sizeof s), T10_OK);
    CU_ASSERT_STRING_EQUAL(s, "HU1234ABCD");
    CU_ASSERT_EQUAL(t10_vpd_ascii_decode(b, n, T10_VPD_AUTOMATION_SERIAL, s, sizeof s), T10_EINVAL);
    CU_ASSERT_EQUAL(t10_vpd_ascii_decode(b, n, T10_VPD_UNIT_SERIAL, s, 5), T10_OK);
    CU_ASSERT_STRING_EQUAL(s, "HU12");
    for (size_t k = 0; k < n; k++) {
        uint8_t *cut = test_dup_exact(b, k);
        enum t10_rc rc = t10_vpd_ascii_decode(cut, k, T10_VPD_UNIT_SERIAL, s, sizeof s);
        CU_ASSERT(k < 4 ? rc == T10_ESHORT : (rc == T10_OK && strlen(s) == k - 4));
        free(cut);
    }
}

static void tape_vpd_pages(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("vpd/vpd_b2.hex", v, sizeof v);
    uint64_t m;
    CU_ASSERT_EQUAL_FATAL(t10_vpd_b2_decode(v, n, &m), T10_OK);
    CU_ASSERT_EQUAL(m, T10_TA_FLAG(1) | T10_TA_FLAG(T10_TA_CLEAN_NOW));
    CU_ASSERT_EQUAL(t10_vpd_b2_build(b, sizeof b, 0x01, m), n);
    T10T_HEXEQ(b, v, n);
    struct t10_vpd_b0 w = {.worm = true}, r;
    n = t10_vpd_b0_build(b, sizeof b, 0x01, &w);
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT_EQUAL_FATAL(t10_vpd_b0_decode(b, n, &r), T10_OK);
    CU_ASSERT(r.worm && !r.tsmc);
    uint16_t a;
    n = t10_vpd_b4_build(b, sizeof b, 0x01, 0x0101);
    CU_ASSERT_EQUAL(n, 8);
    CU_ASSERT_EQUAL_FATAL(t10_vpd_b4_decode(b, n, &a), T10_OK);
    CU_ASSERT_EQUAL(a, 0x0101);
    CU_ASSERT_EQUAL(t10_vpd_b4_decode(b, 7, &a), T10_ESHORT);
    CU_ASSERT_EQUAL(t10_vpd_b2_decode(b, n, &m), T10_ESHORT);
}

static void sweep_tape_vpd(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct t10_vpd_hdr h;
    struct t10_vpd_b0 b0;
    uint64_t m;
    uint16_t a;
    CU_ASSERT_EQUAL(t10_vpd_hdr_decode(buf, len, &h), len < 4 ? T10_ESHORT : T10_OK);
    enum t10_rc rc = t10_vpd_b0_decode(buf, len, &b0);
    CU_ASSERT(rc == T10_ESHORT || rc == T10_EINVAL || (rc == T10_OK && len >= 5));
    rc = t10_vpd_b2_decode(buf, len, &m);
    CU_ASSERT(rc == T10_ESHORT || rc == T10_EINVAL || (rc == T10_OK && len >= 12));
    rc = t10_vpd_b4_decode(buf, len, &a);
    CU_ASSERT(rc == T10_ESHORT || rc == T10_EINVAL || (rc == T10_OK && len >= 6));
}

static void tape_vpd_truncation_sweep(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("vpd/vpd_b2.hex", v, sizeof v);
    t10t_sweep(v, n, sweep_tape_vpd, NULL);
    struct t10_vpd_b0 w = {.worm = true, .tsmc = true};
    n = t10_vpd_b0_build(b, sizeof b, 1, &w);
    t10t_sweep(b, n, sweep_tape_vpd, NULL);
    n = t10_vpd_b4_build(b, sizeof b, 1, 0x101);
    t10t_sweep(b, n, sweep_tape_vpd, NULL);
}

static size_t build_inq(uint8_t *out, size_t cap, const void *arg)
{
    return t10_inquiry_build(out, cap, arg);
}

static size_t build_devid(uint8_t *out, size_t cap, const void *arg)
{
    (void)arg;
    uint8_t naa[8], rel[4];
    t10_naa5_encode(naa, 0x123456, 1);
    t10_relport_encode(rel, 2);
    const struct t10_desig d[2] = {
        {.code_set = 1, .type = T10_DESIG_NAA, .len = 8, .id = naa},
        {.code_set = 1, .type = T10_DESIG_REL_TGT_PORT, .len = 4, .id = rel}};
    return t10_vpd_devid_build(out, cap, 1, d, 2);
}

static size_t build_vpd00(uint8_t *out, size_t cap, const void *arg)
{
    (void)arg;
    const uint8_t p[] = {0x83, 0x00, 0x80};
    return t10_vpd_supported_build(out, cap, 1, p, 3);
}

static size_t build_serial(uint8_t *out, size_t cap, const void *arg)
{
    return t10_vpd_ascii_build(out, cap, 1, T10_VPD_UNIT_SERIAL, arg);
}

static void builders_respect_cap(void)
{
    struct t10_inquiry w = {.pdt = 1, .n_version_desc = 1, .version_desc = {0x0460}};
    t10t_small_cap(build_inq, &w, 96);
    t10t_small_cap(build_devid, NULL, 4 + 12 + 8);
    t10t_small_cap(build_vpd00, NULL, 7);
    t10t_small_cap(build_serial, "SERIAL01", 12);
}

static CU_TestInfo tests[] = {
    {"inquiry_both_ways", inquiry_both_ways},
    {"inquiry_with_version_descriptors", inquiry_with_version_descriptors},
    {"inquiry_short_allocation_is_normal", inquiry_short_allocation_is_normal},
    {"devid_page_both_ways", devid_page_both_ways},
    {"devid_truncation", devid_truncation},
    {"supported_pages_sorted", supported_pages_sorted},
    {"serial_pages", serial_pages},
    {"tape_vpd_pages", tape_vpd_pages},
    {"tape_vpd_truncation_sweep", tape_vpd_truncation_sweep},
    {"builders_respect_cap", builders_respect_cap},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_vpd[] = {{"t10_vpd", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
