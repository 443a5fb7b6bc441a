/* SPDX-License-Identifier: MIT
 * sim/tape/tests/test_tape_space.c - SPACE and LOCATE stop rules (SSC-4 SPACE(6)/(16),
 * LOCATE): fixed layouts with hand-computed answers, then random layouts and commands
 * checked against a straightforward object-by-object model.
 */
#include "sim/tape/tests/tape_test.h"

static char dir[512];

static int setup(void)
{
    test_mkdtemp(dir, sizeof dir);
    return 0;
}

static int teardown(void)
{
    test_rmtree(dir);
    return 0;
}

/* Builds a tape from a layout string: 'B' block, 'F' filemark, 'S' setmark. */
static struct vtl_tape *build(const char *barcode, const char *layout)
{
    struct vtl_tape *t = NULL;
    struct vtl_tape_create_opts o = {.open_flags = VTL_TAPE_OPEN_NOSYNC};
    CU_ASSERT_RC(vtl_tape_create(dir, barcode, &o, &t), VTL_TAPE_OK);
    if (!t)
        return NULL;
    for (size_t i = 0; layout[i]; i++) {
        if (layout[i] == 'B')
            CU_ASSERT_RC(tt_write(t, 16 + i, i), VTL_TAPE_OK);
        else
            CU_ASSERT_RC(vtl_tape_write_marks(t, 1, layout[i] == 'S'), VTL_TAPE_OK);
    }
    vtl_tape_rewind(t);
    return t;
}

static uint64_t at(struct vtl_tape *t)
{
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    return p.object;
}

/* Objects: 0 B, 1 B, 2 F, 3 B, 4 B, 5 B, 6 F, 7 F, 8 B, EOD at 9. */
#define L1 "BBFBBBFFB"

static void space_blocks_forward_stops_after_filemark_with_residue(void)
{
    struct vtl_tape *t = build("SPB001", L1);
    int64_t res = -1;
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 1, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(res, 0);
    CU_ASSERT_EQUAL(at(t), 1);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 5, &res), VTL_TAPE_FILEMARK);
    CU_ASSERT_EQUAL(res, 4);   /* one block spaced (object 1), then the filemark */
    CU_ASSERT_EQUAL(at(t), 3); /* EOP side of the filemark */
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 3, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 6);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 1, &res), VTL_TAPE_FILEMARK);
    CU_ASSERT_EQUAL(res, 1);
    CU_ASSERT_EQUAL(at(t), 7);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 2, &res), VTL_TAPE_FILEMARK);
    CU_ASSERT_EQUAL(at(t), 8);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 5, &res), VTL_TAPE_EOD);
    CU_ASSERT_EQUAL(res, 4);
    CU_ASSERT_EQUAL(at(t), 9);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 1, &res), VTL_TAPE_EOD);
    CU_ASSERT_EQUAL(res, 1);
    CU_ASSERT_EQUAL(at(t), 9);
    vtl_tape_close(t);
}

static void space_blocks_backward_stops_before_filemark_and_at_bop(void)
{
    struct vtl_tape *t = build("SPB002", L1);
    int64_t res = 0;
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 9), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, -1, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 8);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, -3, &res), VTL_TAPE_FILEMARK);
    CU_ASSERT_EQUAL(res, -3);
    CU_ASSERT_EQUAL(at(t), 7); /* BOP side of the filemark at 7 */
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 6), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, -4, &res), VTL_TAPE_FILEMARK);
    CU_ASSERT_EQUAL(res, -1);
    CU_ASSERT_EQUAL(at(t), 2);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 2), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, -5, &res), VTL_TAPE_BOP);
    CU_ASSERT_EQUAL(res, -3);
    CU_ASSERT_EQUAL(at(t), 0);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, -1, &res), VTL_TAPE_BOP);
    CU_ASSERT_EQUAL(res, -1);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 0, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 0);
    vtl_tape_close(t);
}

static void space_filemarks_both_ways(void)
{
    struct vtl_tape *t = build("SPF001", L1);
    int64_t res = 0;
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, 1, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 3);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, 2, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 8);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.file, 3);
    CU_ASSERT_EQUAL(p.block_in_file, 0);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, -1, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 7); /* BOP side of the filemark just passed */
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, -2, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 2);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, -2, &res), VTL_TAPE_BOP);
    CU_ASSERT_EQUAL(res, -2);
    CU_ASSERT_EQUAL(at(t), 0);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, 5, &res), VTL_TAPE_EOD);
    CU_ASSERT_EQUAL(res, 2);
    CU_ASSERT_EQUAL(at(t), 9);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_EOD, 0, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 9);
    vtl_tape_rewind(t);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_EOD, 0, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 9);
    vtl_tape_close(t);
}

static void setmarks_stop_block_spacing_and_are_counted_alone(void)
{
    /* 0 B, 1 S, 2 B, 3 F, 4 B, 5 S, 6 B */
    struct vtl_tape *t = build("SPS001", "BSBFBSB");
    int64_t res = 0;
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 3, &res), VTL_TAPE_SETMARK);
    CU_ASSERT_EQUAL(res, 2);
    CU_ASSERT_EQUAL(at(t), 2);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_SETMARKS, 1, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 6);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_SETMARKS, -2, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 1);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 2), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, 1, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 4);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, 1, &res), VTL_TAPE_EOD);
    CU_ASSERT_EQUAL(res, 1);
    vtl_tape_close(t);
}

static void locate_past_eod_reports_blank_check(void)
{
    struct vtl_tape *t = build("LOC001", L1);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 5), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 5);
    CU_ASSERT(tt_read_expect(t, 16 + 5, 5));
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 9), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 10), VTL_TAPE_EOD);
    CU_ASSERT_EQUAL(at(t), 9);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, UINT64_MAX), VTL_TAPE_EOD);
    CU_ASSERT_RC(vtl_tape_locate(t, 1, 0), VTL_TAPE_EINVAL);
    CU_ASSERT_EQUAL(at(t), 9);
    CU_ASSERT_RC(vtl_tape_locate_file(t, 0, 0), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 0);
    CU_ASSERT_RC(vtl_tape_locate_file(t, 0, 1), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 3);
    CU_ASSERT_RC(vtl_tape_locate_file(t, 0, 3), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 8);
    CU_ASSERT_RC(vtl_tape_locate_file(t, 0, 4), VTL_TAPE_EOD);
    CU_ASSERT_EQUAL(at(t), 9);
    vtl_tape_close(t);
}

/* The worked example in tapeimg.h's file comment, so the picture stays true. */
static void header_example_holds(void)
{
    struct vtl_tape *t = build("DOC001", "BBFBFFB");
    struct vtl_tape_pos p;
    int64_t res = 0;
    uint8_t b[64];
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 3), VTL_TAPE_OK);
    vtl_tape_position(t, &p);
    CU_ASSERT(p.file == 1 && p.block_in_file == 0);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 2), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_FILEMARK);
    CU_ASSERT_EQUAL(at(t), 3);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, -1, &res), VTL_TAPE_FILEMARK);
    CU_ASSERT(at(t) == 2 && res == -1);
    vtl_tape_rewind(t);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, 2, &res), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(at(t), 5);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 7), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_EOD);
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_BLOCKS, 1, &res), VTL_TAPE_EOD);
    CU_ASSERT_EQUAL(at(t), 7);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 4), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 10, 9), VTL_TAPE_OK);
    vtl_tape_position(t, &p);
    CU_ASSERT(p.eod && p.eod_object == 5);
    vtl_tape_close(t);
}

/* ---- model check ------------------------------------------------------------------- */

struct model {
    char obj[400];
    size_t n, pos;
};

/* SSC stop rules written the slow, obvious way: one object at a time. */
static enum vtl_tape_rc model_space(struct model *m, enum vtl_tape_space_code code, int64_t count,
                                    int64_t *res)
{
    *res = 0;
    if (code == VTL_TAPE_SPACE_EOD) {
        m->pos = m->n;
        return VTL_TAPE_OK;
    }
    char want = code == VTL_TAPE_SPACE_FILEMARKS  ? 'F'
                : code == VTL_TAPE_SPACE_SETMARKS ? 'S'
                                                  : 'B';
    int64_t left = count > 0 ? count : -count;
    while (left > 0) {
        if (count > 0) {
            if (m->pos == m->n) {
                *res = left;
                return VTL_TAPE_EOD;
            }
            char c = m->obj[m->pos++];
            if (want == 'B' && c != 'B') {
                *res = left;
                return c == 'F' ? VTL_TAPE_FILEMARK : VTL_TAPE_SETMARK;
            }
            if (c == want)
                left--;
        } else {
            if (m->pos == 0) {
                *res = -left;
                return VTL_TAPE_BOP;
            }
            char c = m->obj[--m->pos];
            if (want == 'B' && c != 'B') {
                *res = -left;
                return c == 'F' ? VTL_TAPE_FILEMARK : VTL_TAPE_SETMARK;
            }
            if (c == want)
                left--;
        }
    }
    return VTL_TAPE_OK;
}

static void random_spacing_matches_object_by_object_model(void)
{
    srand(1234);
    for (int round = 0; round < 6; round++) {
        struct model m = {.n = 50 + (size_t)(rand() % 300)};
        for (size_t i = 0; i < m.n; i++) {
            int r = rand() % 10;
            m.obj[i] = r < 6 ? 'B' : r < 9 ? 'F' : 'S';
        }
        m.obj[m.n] = '\0';
        char bc[16];
        snprintf(bc, sizeof bc, "RND%03d", round);
        struct vtl_tape *t = build(bc, m.obj);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        for (int k = 0; k < 2000; k++) {
            enum vtl_tape_space_code code = (enum vtl_tape_space_code[]){
                VTL_TAPE_SPACE_BLOCKS, VTL_TAPE_SPACE_FILEMARKS, VTL_TAPE_SPACE_SETMARKS,
                VTL_TAPE_SPACE_EOD}[rand() % 4];
            int64_t count = rand() % 21 - 10;
            if (rand() % 8 == 0) {
                uint64_t to = (uint64_t)(rand() % (int)(m.n + 3));
                enum vtl_tape_rc rc = vtl_tape_locate(t, 0, to);
                CU_ASSERT_EQUAL(rc, to > m.n ? VTL_TAPE_EOD : VTL_TAPE_OK);
                m.pos = to > m.n ? m.n : to;
                continue;
            }
            int64_t res_m, res_t = 99;
            enum vtl_tape_rc rm = model_space(&m, code, count, &res_m);
            if (code == VTL_TAPE_SPACE_EOD)
                rm = VTL_TAPE_OK;
            enum vtl_tape_rc rt = vtl_tape_space(t, code, count, &res_t);
            CU_ASSERT_EQUAL(rt, rm);
            CU_ASSERT_EQUAL(res_t, res_m);
            struct vtl_tape_pos p;
            vtl_tape_position(t, &p);
            CU_ASSERT_EQUAL(p.object, m.pos);
            uint64_t fms = 0, sms = 0, since = 0;
            for (size_t i = 0; i < m.pos; i++) {
                fms += m.obj[i] == 'F';
                sms += m.obj[i] == 'S';
                since = m.obj[i] == 'F' ? 0 : since + 1;
            }
            CU_ASSERT_EQUAL(p.file, fms);
            CU_ASSERT_EQUAL(p.setmarks, sms);
            CU_ASSERT_EQUAL(p.block_in_file, since);
            CU_ASSERT_EQUAL(p.bop, m.pos == 0);
            CU_ASSERT_EQUAL(p.eod, m.pos == m.n);
            if (rt != rm || p.object != m.pos) {
                fprintf(stderr, "layout %s code %d count %lld\n", m.obj, (int)code,
                        (long long)count);
                break;
            }
        }
        vtl_tape_close(t);
    }
}

static CU_TestInfo tests[] = {
    {"space_blocks_forward_stops_after_filemark_with_residue",
     space_blocks_forward_stops_after_filemark_with_residue},
    {"space_blocks_backward_stops_before_filemark_and_at_bop",
     space_blocks_backward_stops_before_filemark_and_at_bop},
    {"space_filemarks_both_ways", space_filemarks_both_ways},
    {"setmarks_stop_block_spacing_and_are_counted_alone",
     setmarks_stop_block_spacing_and_are_counted_alone},
    {"locate_past_eod_reports_blank_check", locate_past_eod_reports_blank_check},
    {"header_example_holds", header_example_holds},
    {"random_spacing_matches_object_by_object_model",
     random_spacing_matches_object_by_object_model},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo tape_space_suites[] = {
    {"tape_space", setup, teardown, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
