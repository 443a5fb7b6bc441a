/* SPDX-License-Identifier: MIT
 * scsi/tests/test_mode.c - mode headers, block descriptors, page walks and pages.
 */
#include <string.h>

#include "scsi/mode.h"
#include "scsi/tests/t10_test.h"

static void sense6_eaa_both_ways(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("mode/sense6_eaa.hex", v, sizeof v);
    const uint8_t *pg;
    size_t pg_len;
    CU_ASSERT_EQUAL_FATAL(t10_mode_find_page(v, n, false, 0x1D, 0, &pg, &pg_len), T10_OK);
    CU_ASSERT_EQUAL(pg_len, T10_MODE_EAA_LEN);
    struct t10_mode_eaa e;
    CU_ASSERT_EQUAL_FATAL(t10_mode_eaa_decode(pg, pg_len, &e), T10_OK);
    CU_ASSERT_EQUAL(e.mt_first, 0);
    CU_ASSERT_EQUAL(e.mt_count, 1);
    CU_ASSERT_EQUAL(e.st_first, 0x400);
    CU_ASSERT_EQUAL(e.st_count, 24);
    CU_ASSERT_EQUAL(e.ie_first, 0x10);
    CU_ASSERT_EQUAL(e.ie_count, 2);
    CU_ASSERT_EQUAL(e.dt_first, 0x100);
    CU_ASSERT_EQUAL(e.dt_count, 2);
    /* build: header, page, then fix MODE DATA LENGTH */
    struct t10_mode_hdr h = {0};
    size_t k = t10_mode_hdr_build(b, sizeof b, false, &h);
    k += t10_mode_eaa_build(b + k, sizeof b - k, &e, false);
    t10_mode_set_data_len(b, sizeof b, false, k);
    CU_ASSERT_EQUAL(k, n);
    T10T_HEXEQ(b, v, n);
    CU_ASSERT_EQUAL(t10_mode_find_page(v, n, false, 0x1F, 0, &pg, &pg_len), T10_ENOENT);
}

static void sense10_tape_header_blkdesc_devconfig(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("mode/sense10_tape_devconfig.hex", v, sizeof v);
    struct t10_mode_hdr h;
    struct t10_mode_blkdesc bd = {0};
    bool cut;
    CU_ASSERT_EQUAL_FATAL(t10_mode_sense_walk(v, n, true, &h, &bd, NULL, NULL, &cut), T10_OK);
    CU_ASSERT(!cut);
    CU_ASSERT_EQUAL(h.data_len, 0x1E);
    CU_ASSERT_EQUAL(h.buffered_mode, 1);
    CU_ASSERT(!h.wp);
    CU_ASSERT_EQUAL(h.bd_len, 8);
    CU_ASSERT_EQUAL(bd.density, 0x5E);
    CU_ASSERT_EQUAL(bd.block_len, 0);
    const uint8_t *pg;
    size_t pl;
    CU_ASSERT_EQUAL_FATAL(t10_mode_find_page(v, n, true, 0x10, 0, &pg, &pl), T10_OK);
    struct t10_mode_devconfig dc;
    CU_ASSERT_EQUAL_FATAL(t10_mode_devconfig_decode(pg, pl, &dc), T10_OK);
    CU_ASSERT(dc.eeg && dc.sew && !dc.rew);
    CU_ASSERT_EQUAL(dc.select_compression, 1);
    CU_ASSERT_EQUAL(dc.rewind_on_reset, 1);
    struct t10_mode_hdr hb = {.buffered_mode = 1, .bd_len = 8};
    size_t k = t10_mode_hdr_build(b, sizeof b, true, &hb);
    k += t10_mode_blkdesc_build(b + k, sizeof b - k, &bd);
    k += t10_mode_devconfig_build(b + k, sizeof b - k, &dc, false);
    t10_mode_set_data_len(b, sizeof b, true, k);
    CU_ASSERT_EQUAL(k, n);
    T10T_HEXEQ(b, v, n);
}

struct sel_ctx {
    int pages;
    uint8_t code;
    struct t10_mode_iec iec;
};

static enum t10_rc sel_cb(const struct t10_mode_page_hdr *ph, const uint8_t *page, size_t off,
                          void *arg, struct t10_field_ptr *bad)
{
    struct sel_ctx *c = arg;
    c->pages++;
    c->code = ph->page;
    if (ph->page != 0x1C) { /* a target rejects pages it does not support, at the code */
        bad->byte = (uint16_t)off;
        bad->bit = 5;
        bad->bpv = true;
        bad->cd = false;
        return T10_EINVAL;
    }
    return t10_mode_iec_decode(page, (size_t)ph->hdr_len + ph->page_len, &c->iec);
}

static void select6_walk_and_iec(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("mode/select6_iec.hex", v, sizeof v);
    struct t10_mode_hdr h;
    struct t10_mode_blkdesc bd;
    struct t10_field_ptr bad;
    struct sel_ctx c = {0};
    CU_ASSERT_EQUAL_FATAL(t10_mode_select_walk(v, n, false, &h, &bd, sel_cb, &c, &bad), T10_OK);
    CU_ASSERT_EQUAL(c.pages, 1);
    CU_ASSERT(c.iec.dexcpt);
    CU_ASSERT_EQUAL(c.iec.mrie, 3);
    CU_ASSERT_EQUAL(bd.block_len, 0x400);
    struct t10_mode_hdr hb = {.buffered_mode = 1, .bd_len = 8};
    size_t k = t10_mode_hdr_build(b, sizeof b, false, &hb);
    k += t10_mode_blkdesc_build(b + k, sizeof b - k, &bd);
    k += t10_mode_iec_build(b + k, sizeof b - k, &c.iec, false);
    CU_ASSERT_EQUAL(k, n);
    T10T_HEXEQ(b, v, n); /* MODE DATA LENGTH stays 0 in a MODE SELECT list */
}

static void select_errors_point_into_parameter_list(void)
{
    uint8_t v[64];
    size_t n = t10t_vec("mode/select6_iec.hex", v, sizeof v);
    struct t10_field_ptr bad;
    struct sel_ctx c = {0};
    uint8_t t[64];
    /* page length running past the list */
    memcpy(t, v, n);
    t[13] = 0x20;
    CU_ASSERT_EQUAL(t10_mode_select_walk(t, n, false, NULL, NULL, sel_cb, &c, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 13);
    CU_ASSERT(!bad.cd);
    /* block descriptor length not a multiple of 8 */
    memcpy(t, v, n);
    t[3] = 7;
    CU_ASSERT_EQUAL(t10_mode_select_walk(t, n, false, NULL, NULL, sel_cb, &c, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 3);
    /* a page the callback refuses: pointer at its code */
    memcpy(t, v, n);
    t[12] = 0x0F;
    CU_ASSERT_EQUAL(t10_mode_select_walk(t, n, false, NULL, NULL, sel_cb, &c, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 12);
    /* list shorter than its header */
    CU_ASSERT_EQUAL(t10_mode_select_walk(v, 3, false, NULL, NULL, sel_cb, &c, &bad), T10_ESHORT);
    /* a page cut by the end of the list */
    CU_ASSERT_EQUAL(t10_mode_select_walk(v, n - 1, false, NULL, NULL, sel_cb, &c, &bad),
                    T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 13);
}

static void devcap_and_geometry(void)
{
    uint8_t v[64], b[64];
    size_t n = t10t_vec("mode/sense6_devcap.hex", v, sizeof v);
    const uint8_t *pg;
    size_t pl;
    CU_ASSERT_EQUAL_FATAL(t10_mode_find_page(v, n, false, 0x1F, 0, &pg, &pl), T10_OK);
    struct t10_mode_devcap dc;
    CU_ASSERT_EQUAL_FATAL(t10_mode_devcap_decode(pg, pl, &dc), T10_OK);
    CU_ASSERT_EQUAL(dc.stor, T10_CAP_ST | T10_CAP_IE | T10_CAP_DT);
    CU_ASSERT_EQUAL(dc.move[T10_ELEM_STORAGE - 1], T10_CAP_ST | T10_CAP_IE | T10_CAP_DT);
    CU_ASSERT_EQUAL(dc.move[T10_ELEM_IE - 1], T10_CAP_ST | T10_CAP_DT);
    CU_ASSERT_EQUAL(dc.move[T10_ELEM_DT - 1], T10_CAP_ST | T10_CAP_IE);
    CU_ASSERT_EQUAL(dc.exchange[1], 0);
    CU_ASSERT_EQUAL(t10_mode_devcap_build(b, sizeof b, &dc, false), T10_MODE_DEVCAP_LEN);
    T10T_HEXEQ(b, v + 4, T10_MODE_DEVCAP_LEN);
    struct t10_mode_geometry g = {.n = 2, .t = {{true, 0}, {false, 1}}}, g2;
    size_t k = t10_mode_geometry_build(b, sizeof b, &g, true);
    CU_ASSERT_EQUAL(k, 6);
    CU_ASSERT_EQUAL(b[0], 0x9E);
    CU_ASSERT_EQUAL(b[1], 4);
    CU_ASSERT_EQUAL_FATAL(t10_mode_geometry_decode(b, k, &g2), T10_OK);
    CU_ASSERT_EQUAL(g2.n, 2);
    CU_ASSERT(g2.t[0].rotate && !g2.t[1].rotate);
    CU_ASSERT_EQUAL(g2.t[1].member, 1);
    CU_ASSERT_EQUAL(t10_mode_eaa_decode(b, k, (struct t10_mode_eaa *)&g2),
                    T10_EINVAL); /* wrong code */
}

static void tape_pages_round_trip(void)
{
    uint8_t b[256];
    struct t10_mode_compression c = {.dce = true,
                                     .dcc = true,
                                     .dde = true,
                                     .red = 0,
                                     .comp_alg = 0xFF,
                                     .decomp_alg = 0xFF},
                                c2;
    size_t k = t10_mode_compression_build(b, sizeof b, &c, false);
    CU_ASSERT_EQUAL(k, 16);
    CU_ASSERT_EQUAL(b[2], 0xC0);
    CU_ASSERT_EQUAL_FATAL(t10_mode_compression_decode(b, k, &c2), T10_OK);
    CU_ASSERT(c2.dce && c2.dcc && c2.dde);
    CU_ASSERT_EQUAL(c2.comp_alg, 0xFF);
    struct t10_mode_partition p = {.max_add = 1,
                                   .n_add = 1,
                                   .idp = true,
                                   .psum = 3,
                                   .part_units = 9,
                                   .n_sizes = 2,
                                   .sizes = {100, 1400}},
                              p2;
    k = t10_mode_partition_build(b, sizeof b, &p, false);
    CU_ASSERT_EQUAL(k, 12);
    CU_ASSERT_EQUAL(b[1], 10);
    CU_ASSERT_EQUAL(b[4], 0x38);
    CU_ASSERT_EQUAL_FATAL(t10_mode_partition_decode(b, k, &p2), T10_OK);
    CU_ASSERT_EQUAL(p2.n_sizes, 2);
    CU_ASSERT_EQUAL(p2.sizes[1], 1400);
    CU_ASSERT_EQUAL(p2.psum, 3);
    struct t10_mode_control ctl = {.d_sense = true, .qerr = 1, .swp = true, .busy_timeout = 0xFFFF},
                            ctl2;
    k = t10_mode_control_build(b, sizeof b, &ctl, true);
    CU_ASSERT_EQUAL(k, 12);
    CU_ASSERT_EQUAL(b[0], 0x8A);
    CU_ASSERT_EQUAL(b[2], 0x04);
    CU_ASSERT_EQUAL_FATAL(t10_mode_control_decode(b, k, &ctl2), T10_OK);
    CU_ASSERT(ctl2.d_sense && ctl2.swp);
    CU_ASSERT_EQUAL(ctl2.qerr, 1);
    CU_ASSERT_EQUAL(ctl2.busy_timeout, 0xFFFF);
    /* a page whose PAGE LENGTH is below its fields is refused */
    b[1] = 4;
    CU_ASSERT_EQUAL(t10_mode_control_decode(b, k, &ctl2), T10_EINVAL);
}

struct sweep_arg {
    bool ten, sense;
};

static void sweep_sense6(const uint8_t *buf, size_t len, void *argp)
{
    const struct sweep_arg *a = argp;
    bool cut = false;
    struct t10_mode_hdr h;
    struct t10_mode_blkdesc bd;
    enum t10_rc rc = t10_mode_sense_walk(buf, len, a->ten, &h, &bd, NULL, NULL, &cut);
    if (len < (a->ten ? 8u : 4u)) {
        CU_ASSERT_EQUAL(rc, T10_ESHORT);
    } else {
        CU_ASSERT(rc == T10_OK && (cut || !a->sense));
    }
    struct t10_field_ptr bad;
    (void)t10_mode_select_walk(buf, len, a->ten, &h, &bd, NULL, NULL, &bad);
    const uint8_t *pg;
    size_t pl;
    if (t10_mode_find_page(buf, len, a->ten, 0x1D, 0, &pg, &pl) == T10_OK)
        CU_FAIL("page found in truncated data");
}

static void sweep_pages(const uint8_t *buf, size_t len, void *arg)
{
    (void)arg;
    struct t10_mode_eaa e;
    struct t10_mode_devcap d;
    struct t10_mode_geometry g;
    struct t10_mode_compression c;
    struct t10_mode_devconfig dc;
    struct t10_mode_partition p;
    struct t10_mode_iec i;
    struct t10_mode_control ctl;
    struct t10_mode_page_hdr ph;
    (void)t10_mode_eaa_decode(buf, len, &e);
    (void)t10_mode_devcap_decode(buf, len, &d);
    (void)t10_mode_geometry_decode(buf, len, &g);
    (void)t10_mode_compression_decode(buf, len, &c);
    (void)t10_mode_devconfig_decode(buf, len, &dc);
    (void)t10_mode_partition_decode(buf, len, &p);
    (void)t10_mode_iec_decode(buf, len, &i);
    (void)t10_mode_control_decode(buf, len, &ctl);
    (void)t10_mode_page_hdr_decode(buf, len, &ph);
}

static void truncation_sweep(void)
{
    const char *f6[] = {"mode/sense6_eaa.hex", "mode/sense6_devcap.hex", "mode/select6_iec.hex"};
    struct sweep_arg a = {false, true};
    for (size_t i = 0; i < 3; i++) {
        uint8_t v[64];
        size_t n = t10t_vec(f6[i], v, sizeof v);
        a.sense = i < 2;
        t10t_sweep(v, n, sweep_sense6, &a);
        t10t_sweep(v + 4, n - 4, sweep_pages, NULL);
    }
    a.ten = true;
    a.sense = true;
    uint8_t v[64];
    size_t n = t10t_vec("mode/sense10_tape_devconfig.hex", v, sizeof v);
    t10t_sweep(v, n, sweep_sense6, &a);
    t10t_sweep(v + 16, n - 16, sweep_pages, NULL);
}

static size_t build_eaa(uint8_t *out, size_t cap, const void *arg)
{
    return t10_mode_eaa_build(out, cap, arg, true);
}

static void builders_respect_cap(void)
{
    struct t10_mode_eaa e = {1, 2, 3, 4, 5, 6, 7, 8};
    t10t_small_cap(build_eaa, &e, T10_MODE_EAA_LEN);
    uint8_t b[4];
    struct t10_mode_hdr h = {.bd_len = 300};
    CU_ASSERT_EQUAL(t10_mode_hdr_build(b, sizeof b, false, &h), 0);
    uint8_t big[4] = {0};
    t10_mode_set_data_len(big, sizeof big, false, 300);
    CU_ASSERT_EQUAL(big[0], 0xFF); /* the 6-byte field saturates */
    t10_mode_set_data_len(big, sizeof big, true, 300);
    CU_ASSERT_EQUAL(big[0], 0x01);
    CU_ASSERT_EQUAL(big[1], 0x2A);
    struct t10_mode_blkdesc bd = {.n_blocks = 0x1000000};
    CU_ASSERT_EQUAL(t10_mode_blkdesc_build(b, sizeof b, &bd), 0);
    struct t10_mode_page_hdr ph = {.page = 1, .page_len = 300};
    CU_ASSERT_EQUAL(t10_mode_page_hdr_build(b, sizeof b, &ph), 0);
    ph.spf = true;
    ph.subpage = 2;
    CU_ASSERT_EQUAL(t10_mode_page_hdr_build(b, sizeof b, &ph), 4);
    CU_ASSERT_EQUAL(b[0], 0x41);
    CU_ASSERT_EQUAL(b[1], 2);
    CU_ASSERT_EQUAL(b[2], 0x01);
    CU_ASSERT_EQUAL(b[3], 0x2C);
}

static void header_field_pointers(void)
{
    struct t10_field_ptr p = t10_mode_field(false, T10_MF_BD_LEN);
    CU_ASSERT_EQUAL(p.byte, 3);
    CU_ASSERT(!p.cd);
    p = t10_mode_field(true, T10_MF_BD_LEN);
    CU_ASSERT_EQUAL(p.byte, 6);
    CU_ASSERT_EQUAL(t10_mode_field(false, T10_MF_BD_BLOCK_LEN).byte, 9);
    CU_ASSERT_EQUAL(t10_mode_field(true, T10_MF_BD_DENSITY).byte, 8);
    CU_ASSERT_EQUAL(t10_mode_field(true, T10_MF_MEDIUM_TYPE).byte, 2);
    CU_ASSERT_EQUAL(t10_mode_field(false, T10_MF_DEV_SPECIFIC).byte, 2);
}

static CU_TestInfo tests[] = {
    {"sense6_eaa_both_ways", sense6_eaa_both_ways},
    {"header_field_pointers", header_field_pointers},
    {"sense10_tape_header_blkdesc_devconfig", sense10_tape_header_blkdesc_devconfig},
    {"select6_walk_and_iec", select6_walk_and_iec},
    {"select_errors_point_into_parameter_list", select_errors_point_into_parameter_list},
    {"devcap_and_geometry", devcap_and_geometry},
    {"tape_pages_round_trip", tape_pages_round_trip},
    {"truncation_sweep", truncation_sweep},
    {"builders_respect_cap", builders_respect_cap},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_mode[] = {{"t10_mode", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
