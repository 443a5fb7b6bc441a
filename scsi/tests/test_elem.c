/* SPDX-License-Identifier: MIT
 * scsi/tests/test_elem.c - READ ELEMENT STATUS data: the multi-page golden vector both
 * ways, truncated data, single descriptors, malformed page headers.
 */
#include <string.h>

#include "scsi/elem.h"
#include "scsi/tables.h"
#include "scsi/tests/t10_test.h"

#define MAXD 8
struct collect {
    size_t n;
    struct t10_elem_desc d[MAXD];
    char ident[MAXD][64];
};

static enum t10_rc collect_cb(const struct t10_elem_desc *d, void *arg)
{
    struct collect *c = arg;
    if (c->n < MAXD) {
        c->d[c->n] = *d;
        /* the identifier is borrowed: copy it while it is valid */
        memcpy(c->ident[c->n], d->ident.id ? (const char *)d->ident.id : "",
               d->has_ident ? d->ident.id_len : 0);
        c->ident[c->n][d->has_ident ? d->ident.id_len : 0] = '\0';
        c->d[c->n].ident.id = NULL;
        c->d[c->n].rest = NULL;
    }
    c->n++;
    return T10_OK;
}

static void multi_page_decodes(void)
{
    uint8_t v[T10T_VEC_MAX];
    size_t n = t10t_vec("elem/multi_page.hex", v, sizeof v);
    struct collect c = {0};
    struct t10_elem_status_hdr h;
    bool cut = true;
    CU_ASSERT_EQUAL_FATAL(t10_elem_status_walk(v, n, &h, collect_cb, &c, &cut), T10_OK);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL(h.first_addr, 0x0400);
    CU_ASSERT_EQUAL(h.n_elems, 3);
    CU_ASSERT_EQUAL(h.byte_count, 0xAE);
    CU_ASSERT_EQUAL_FATAL(c.n, 3);
    CU_ASSERT_EQUAL(c.d[0].type, T10_ELEM_STORAGE);
    CU_ASSERT_EQUAL(c.d[0].addr, 0x0400);
    CU_ASSERT(c.d[0].full && c.d[0].access && !c.d[0].except);
    CU_ASSERT(c.d[0].src_valid);
    CU_ASSERT_EQUAL(c.d[0].src_addr, 0x0411);
    CU_ASSERT_EQUAL(c.d[0].medium, T10_MEDIUM_DATA);
    CU_ASSERT_STRING_EQUAL(c.d[0].pvoltag.id, "A00001L8");
    CU_ASSERT(!c.d[0].has_ident);
    CU_ASSERT_EQUAL(c.d[1].addr, 0x0401);
    CU_ASSERT(!c.d[1].full && !c.d[1].src_valid);
    CU_ASSERT_EQUAL(c.d[1].src_addr, 0);
    CU_ASSERT_STRING_EQUAL(c.d[1].pvoltag.id, "");
    CU_ASSERT_EQUAL(c.d[2].type, T10_ELEM_DT);
    CU_ASSERT_EQUAL(c.d[2].addr, 0x0100);
    CU_ASSERT(c.d[2].except);
    CU_ASSERT_EQUAL(c.d[2].asc_ascq, T10_ASC(0x53, 0x00));
    CU_ASSERT(c.d[2].id_valid && c.d[2].lu_valid && !c.d[2].not_bus);
    CU_ASSERT_EQUAL(c.d[2].scsi_id, 5);
    CU_ASSERT_EQUAL(c.d[2].medium, T10_MEDIUM_CLEANING);
    CU_ASSERT_EQUAL(c.d[2].src_addr, 0x0401);
    CU_ASSERT_STRING_EQUAL(c.d[2].pvoltag.id, "CLN001L1");
    CU_ASSERT(c.d[2].has_ident);
    CU_ASSERT_EQUAL(c.d[2].ident.code_set, 2 /* ASCII */);
    CU_ASSERT_STRING_EQUAL(c.ident[2], "SN00000001");
}

static size_t build_multi(uint8_t *out, size_t cap, const void *arg)
{
    (void)arg;
    struct t10_elem_writer w;
    struct t10_elem_page st = {.type = T10_ELEM_STORAGE, .pvoltag = true, .desc_len = 48};
    struct t10_elem_page dt = {.type = T10_ELEM_DT,
                               .pvoltag = true,
                               .desc_len = (uint16_t)t10_elem_desc_len_for(true, false, 10)};
    struct t10_elem_desc a = {.addr = 0x400,
                              .full = true,
                              .access = true,
                              .src_valid = true,
                              .medium = T10_MEDIUM_DATA,
                              .src_addr = 0x411};
    strcpy(a.pvoltag.id, "A00001L8");
    struct t10_elem_desc b = {.addr = 0x401, .access = true};
    struct t10_elem_desc d = {
        .addr = 0x100,
        .full = true,
        .except = true,
        .access = true,
        .asc_ascq = T10_ASC(0x53, 0),
        .id_valid = true,
        .lu_valid = true,
        .scsi_id = 5,
        .src_valid = true,
        .medium = T10_MEDIUM_CLEANING,
        .src_addr = 0x401,
        .has_ident = true,
        .ident = {.code_set = 2, .id_len = 10, .id = (const uint8_t *)"SN00000001"}};
    strcpy(d.pvoltag.id, "CLN001L1");
    t10_elem_writer_init(&w, out, cap);
    t10_elem_writer_page(&w, &st);
    t10_elem_writer_add(&w, &a);
    t10_elem_writer_add(&w, &b);
    t10_elem_writer_page(&w, &dt);
    t10_elem_writer_add(&w, &d);
    return t10_elem_writer_finish(&w);
}

static void multi_page_builds(void)
{
    uint8_t v[T10T_VEC_MAX], b[T10T_VEC_MAX];
    size_t n = t10t_vec("elem/multi_page.hex", v, sizeof v);
    memset(b, 0xEE, sizeof b);
    CU_ASSERT_EQUAL_FATAL(build_multi(b, sizeof b, NULL), n);
    T10T_HEXEQ(b, v, n);
    /* ALLOCATION LENGTH semantics: short buffers get a prefix, byte counts stay full */
    t10t_small_cap(build_multi, NULL, n);
    memset(b, 0, sizeof b);
    CU_ASSERT_EQUAL(build_multi(b, 20, NULL), n);
    T10T_HEXEQ(b, v, 20);
}

struct trunc_arg {
    size_t full;
};

static void sweep_walk(const uint8_t *buf, size_t len, void *arg)
{
    struct collect c = {0};
    bool cut = false;
    enum t10_rc rc = t10_elem_status_walk(buf, len, NULL, collect_cb, &c, &cut);
    if (len < T10_ELEM_HDR_LEN) {
        CU_ASSERT_EQUAL(rc, T10_ESHORT);
        return;
    }
    CU_ASSERT_EQUAL(rc, T10_OK);
    CU_ASSERT(cut);
    /* only whole descriptors are reported */
    size_t expect = len >= 8 + 8 + 96 + 8 + 62 ? 3
                    : len >= 8 + 8 + 96        ? 2
                    : len >= 8 + 8 + 48        ? 1
                                               : 0;
    CU_ASSERT_EQUAL(c.n, expect);
    (void)arg;
}

static void sweep_headers(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct t10_elem_status_hdr h;
    struct t10_elem_page pg;
    CU_ASSERT_EQUAL(t10_elem_status_hdr_decode(buf, len, &h), len < 8 ? T10_ESHORT : T10_OK);
    CU_ASSERT_EQUAL(t10_elem_page_decode(buf, len, &pg), len < 8 ? T10_ESHORT : T10_OK);
}

static void truncated_data_reports_whole_descriptors(void)
{
    uint8_t v[T10T_VEC_MAX];
    size_t n = t10t_vec("elem/multi_page.hex", v, sizeof v);
    t10t_sweep(v, n, sweep_headers, NULL);
    t10t_sweep(v, n, sweep_walk, NULL);
    /* the common case: a device cut at ALLOCATION LENGTH 100 */
    struct collect c = {0};
    bool cut = false;
    uint8_t *p = test_dup_exact(v, 100);
    CU_ASSERT_EQUAL(t10_elem_status_walk(p, 100, NULL, collect_cb, &c, &cut), T10_OK);
    CU_ASSERT(cut);
    CU_ASSERT_EQUAL(c.n, 1);
    free(p);
}

static void single_descriptor_and_short_buffer(void)
{
    static const uint8_t fixed[T10_ELEM_DESC_FIXED_LEN] = {
        0x04, 0x00, 0x09, 0x00, 0x00, 0x00, /* addr 0x0400; ACCESS|FULL; rsvd; ASC, ASCQ */
        0x00, 0x00, 0x00, 0x81, 0x04, 0x11, /* rsvd; SVALID, type 1 (data); from 0x0411 */
    };
    uint8_t buf[sizeof fixed + T10_VOLTAG_LEN];
    struct t10_elem_page pg = {.type = T10_ELEM_STORAGE, .pvoltag = true};
    struct t10_elem_desc d;
    memcpy(buf, fixed, sizeof fixed);
    t10_voltag_encode(buf + sizeof fixed, "A00001L8", 0);
    CU_ASSERT_EQUAL_FATAL(t10_elem_desc_decode(buf, sizeof buf, &pg, &d), T10_OK);
    CU_ASSERT_EQUAL(d.src_addr, 0x0411);
    CU_ASSERT_STRING_EQUAL(d.pvoltag.id, "A00001L8");
    CU_ASSERT_EQUAL(d.rest_len, 0);
    for (size_t n = 0; n < sizeof buf; n++) { /* exact-size copies: ASan sees over-reads */
        uint8_t *cut = test_dup_exact(buf, n);
        CU_ASSERT_EQUAL(t10_elem_desc_decode(cut, n, &pg, &d), T10_ESHORT);
        free(cut);
    }
}

static enum t10_rc never_called(const struct t10_elem_desc *d, void *arg)
{
    (void)d;
    (void)arg;
    CU_FAIL("callback on malformed page");
    return T10_OK;
}

static void malformed_pages_rejected(void)
{
    uint8_t body[64] = {0};
    bool cut;
    struct t10_elem_page zero = {.type = 2, .desc_len = 0, .desc_bytes = 24};
    CU_ASSERT_EQUAL(t10_elem_page_walk(body, sizeof body, &zero, never_called, NULL, &cut),
                    T10_EINVAL);
    struct t10_elem_page small = {.type = 2, .pvoltag = true, .desc_len = 12, .desc_bytes = 24};
    CU_ASSERT_EQUAL(t10_elem_page_walk(body, sizeof body, &small, never_called, NULL, &cut),
                    T10_EINVAL);
    struct t10_elem_page ragged = {.type = 2, .desc_len = 12, .desc_bytes = 13};
    CU_ASSERT_EQUAL(t10_elem_page_walk(body, sizeof body, &ragged, never_called, NULL, &cut),
                    T10_EINVAL);
    /* a huge byte count with a little data is truncation, not an over-read */
    uint8_t v[8 + 8 + 12] = {0, 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 2, 0, 0, 12, 0, 0xFF, 0xFF, 0xFF};
    struct collect c = {0};
    CU_ASSERT_EQUAL(t10_elem_status_walk(v, sizeof v, NULL, collect_cb, &c, &cut), T10_OK);
    CU_ASSERT(cut);
    CU_ASSERT_EQUAL(c.n, 1);
}

static void writer_rejects_descriptor_without_page(void)
{
    uint8_t b[64];
    struct t10_elem_writer w;
    struct t10_elem_desc d = {.addr = 1};
    t10_elem_writer_init(&w, b, sizeof b);
    t10_elem_writer_add(&w, &d);
    CU_ASSERT_EQUAL(t10_elem_writer_finish(&w), 0);
    CU_ASSERT_EQUAL(w.rc, T10_EINVAL);
    /* identification longer than the page's descriptor length */
    struct t10_elem_page pg = {.type = T10_ELEM_DT, .desc_len = 16};
    struct t10_elem_desc big = {
        .addr = 1, .has_ident = true, .ident = {.id_len = 10, .id = (const uint8_t *)"0123456789"}};
    CU_ASSERT_EQUAL(t10_elem_desc_build(b, sizeof b, &pg, &big), 0);
    CU_ASSERT_EQUAL(t10_elem_desc_len_for(true, true, -1), 84);
    CU_ASSERT_EQUAL(t10_elem_desc_len_for(false, false, 0), 16);
}

static void svt_params_and_rvea_action(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("elem/svt_params.hex", v, sizeof v);
    struct t10_svt_params p;
    struct t10_field_ptr bad;
    CU_ASSERT_EQUAL_FATAL(t10_svt_decode(v, n, &p, &bad), T10_OK);
    CU_ASSERT_STRING_EQUAL(p.template_id, "A0000*");
    CU_ASSERT_EQUAL(p.min_seq, 0);
    CU_ASSERT_EQUAL(p.max_seq, 0xFFFF);
    CU_ASSERT_EQUAL(t10_svt_build(b, sizeof b, &p), n);
    T10T_HEXEQ(b, v, n);
    for (size_t k = 0; k < n; k++) {
        uint8_t *c = test_dup_exact(v, k);
        CU_ASSERT_EQUAL(t10_svt_decode(c, k, &p, &bad), T10_ESHORT);
        CU_ASSERT_EQUAL(bad.byte, k);
        free(c);
    }
    /* REQUEST VOLUME ELEMENT ADDRESS data carries the send action in header byte 4 */
    struct t10_elem_writer w;
    struct t10_elem_page pg = {.type = T10_ELEM_STORAGE, .pvoltag = true, .desc_len = 48};
    struct t10_elem_desc d = {.addr = 0x400, .full = true};
    strcpy(d.pvoltag.id, "A00001L8");
    t10_elem_writer_init(&w, b, sizeof b);
    w.send_action = 0x05;
    t10_elem_writer_page(&w, &pg);
    t10_elem_writer_add(&w, &d);
    CU_ASSERT_EQUAL_FATAL(t10_elem_writer_finish(&w), 8 + 8 + 48);
    CU_ASSERT_EQUAL(b[4], 0x05);
    struct t10_elem_status_hdr h;
    CU_ASSERT_EQUAL(t10_elem_status_hdr_decode(b, 8, &h), T10_OK);
    CU_ASSERT_EQUAL(h.send_action, 5);
    CU_ASSERT_EQUAL(h.n_elems, 1);
}

static CU_TestInfo tests[] = {
    {"multi_page_decodes", multi_page_decodes},
    {"svt_params_and_rvea_action", svt_params_and_rvea_action},
    {"multi_page_builds", multi_page_builds},
    {"truncated_data_reports_whole_descriptors", truncated_data_reports_whole_descriptors},
    {"single_descriptor_and_short_buffer", single_descriptor_and_short_buffer},
    {"malformed_pages_rejected", malformed_pages_rejected},
    {"writer_rejects_descriptor_without_page", writer_rejects_descriptor_without_page},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_elem[] = {{"t10_elem", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
