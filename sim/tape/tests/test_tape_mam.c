/* SPDX-License-Identifier: MIT
 * sim/tape/tests/test_tape_mam.c - medium auxiliary memory (attribute store) and the
 * OTAPE1 export/import stream.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "sim/tape/tests/tape_test.h"

static char dir[512];

static int setup(void)
{
    tt_mkdtemp_fast(dir, sizeof dir);
    return 0;
}

static int teardown(void)
{
    test_rmtree(dir);
    return 0;
}

static void attributes_set_get_list_delete_and_persist(void)
{
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_create(dir, "MAM001L8", NULL, &t), VTL_TAPE_OK);
    struct vtl_tape_attr a;
    CU_ASSERT_RC(vtl_tape_attr_get(t, 0x0400, &a), VTL_TAPE_ENOENT);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0800, 1, false, "OPENRSM ", 8, false), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0400, 1, true, "IBM     ", 8, true), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0002, 0, true, "\x00\x00\x00\x00\x00\x10", 6, true),
                 VTL_TAPE_OK);
    uint16_t ids[8];
    size_t n;
    vtl_tape_attr_list(t, ids, 8, &n);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT(ids[0] == 0x0002 && ids[1] == 0x0400 && ids[2] == 0x0800);
    vtl_tape_attr_list(t, ids, 1, &n);
    CU_ASSERT_EQUAL(n, 3); /* reports how many exist even when the room is short */
    /* read-only attributes refuse the host but not the drive */
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0400, 1, false, "HP      ", 8, false), VTL_TAPE_EREADONLY);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0800, 1, false, "NEWNAME", 7, false), VTL_TAPE_OK);
    static uint8_t big[VTL_TAPE_ATTR_MAX_LEN + 1];
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0801, 0, false, big, sizeof big, false), VTL_TAPE_EINVAL);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0801, 0, false, big, sizeof big - 1, false), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0801, 0, false, NULL, 0, false), VTL_TAPE_OK);
    vtl_tape_close(t);

    CU_ASSERT_RC(vtl_tape_open(dir, "MAM001L8", 0, &t), VTL_TAPE_OK);
    vtl_tape_attr_list(t, ids, 8, &n);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_RC(vtl_tape_attr_get(t, 0x0800, &a), VTL_TAPE_OK);
    CU_ASSERT(a.len == 7 && memcmp(a.value, "NEWNAME", 7) == 0 && a.format == 1 && !a.read_only);
    CU_ASSERT_RC(vtl_tape_attr_get(t, 0x0400, &a), VTL_TAPE_OK);
    CU_ASSERT(a.read_only && a.len == 8);
    CU_ASSERT_RC(vtl_tape_attr_get(t, 0x0801, &a), VTL_TAPE_ENOENT);
    vtl_tape_close(t);
}

static void corrupt_attribute_file_is_refused_unchanged(void)
{
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_create(dir, "MAM002L8", NULL, &t), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0800, 1, false, "ABC", 3, false), VTL_TAPE_OK);
    vtl_tape_close(t);
    char path[700];
    snprintf(path, sizeof path, "%s/MAM002L8/mam", dir);
    FILE *f = fopen(path, "r+b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fseek(f, 20, SEEK_SET);
    fputc('Z', f);
    fclose(f);
    CU_ASSERT_RC(vtl_tape_open(dir, "MAM002L8", 0, &t), VTL_TAPE_ECORRUPT);
    CU_ASSERT_PTR_NULL(t);
    CU_ASSERT_PTR_NOT_NULL(strstr(vtl_tape_last_error(), "MAM002L8/mam: bad"));
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
}

/* A crash during write-new + rename leaves "<name>.tmp" beside the old file: the old
 * attributes and metadata stay in force, and the next save replaces the leftover. */
static void leftover_temporary_files_are_ignored(void)
{
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_create(dir, "MAM003L8", NULL, &t), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0800, 1, false, "OLD", 3, false), VTL_TAPE_OK);
    vtl_tape_close(t);
    char path[700];
    static const char *const names[] = {"mam.tmp", "meta.tmp"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/MAM003L8/%s", dir, names[i]);
        FILE *f = fopen(path, "wb");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        fputs("half-written", f);
        fclose(f);
    }
    CU_ASSERT_RC(vtl_tape_open(dir, "MAM003L8", 0, &t), VTL_TAPE_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    struct vtl_tape_attr a;
    CU_ASSERT_RC(vtl_tape_attr_get(t, 0x0800, &a), VTL_TAPE_OK);
    CU_ASSERT(a.len == 3 && memcmp(a.value, "OLD", 3) == 0);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0800, 1, false, "NEW", 3, false), VTL_TAPE_OK);
    vtl_tape_close(t);
    CU_ASSERT_RC(vtl_tape_open(dir, "MAM003L8", 0, &t), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_attr_get(t, 0x0800, &a), VTL_TAPE_OK);
    CU_ASSERT(a.len == 3 && memcmp(a.value, "NEW", 3) == 0);
    vtl_tape_close(t);
    snprintf(path, sizeof path, "%s/MAM003L8/mam.tmp", dir);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0); /* renamed over, not left behind */
}

/* A two-partition, compressed, partly-marked tape with attributes. */
static void fill_rich(struct vtl_tape *t)
{
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0800, 1, false, "VENDOR", 6, false), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_set_compression(t, true), VTL_TAPE_OK);
    static uint8_t text[200000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (uint8_t)("abcabcabd"[i % 9]);
    CU_ASSERT_RC(vtl_tape_write(t, text, sizeof text), VTL_TAPE_OK);
    for (uint64_t i = 0; i < 12; i++)
        CU_ASSERT_RC(tt_write(t, tt_len(i), i), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 2, false), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_locate(t, 1, 0), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 4000, 50), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 1, true), VTL_TAPE_OK);
}

static void check_rich(struct vtl_tape *t)
{
    static uint8_t got[200001];
    struct vtl_tape_read_result r;
    CU_ASSERT_EQUAL(vtl_tape_partitions(t), 2);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 0), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_read(t, got, sizeof got, &r), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(r.block_len, 200000);
    CU_ASSERT_EQUAL(got[199999], (uint8_t) "abcabcabd"[199999 % 9]);
    for (uint64_t i = 0; i < 12; i++)
        CU_ASSERT(tt_read_expect(t, tt_len(i), i));
    CU_ASSERT_RC(vtl_tape_read(t, got, 10, NULL), VTL_TAPE_FILEMARK);
    CU_ASSERT_RC(vtl_tape_read(t, got, 10, NULL), VTL_TAPE_FILEMARK);
    CU_ASSERT_RC(vtl_tape_read(t, got, 10, NULL), VTL_TAPE_EOD);
    CU_ASSERT_RC(vtl_tape_locate(t, 1, 0), VTL_TAPE_OK);
    CU_ASSERT(tt_read_expect(t, 4000, 50));
    CU_ASSERT_RC(vtl_tape_read(t, got, 10, NULL), VTL_TAPE_SETMARK);
    struct vtl_tape_attr a;
    CU_ASSERT_RC(vtl_tape_attr_get(t, 0x0800, &a), VTL_TAPE_OK);
    CU_ASSERT(a.len == 6 && memcmp(a.value, "VENDOR", 6) == 0);
    CU_ASSERT(vtl_tape_compression(t));
}

static void export_then_import_gives_identical_cartridge(void)
{
    struct vtl_tape_create_opts o = {.capacity_bytes = 256u << 20, .n_partitions = 2};
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_create(dir, "EXP001L8", &o, &t), VTL_TAPE_OK);
    fill_rich(t);
    char path[700];
    snprintf(path, sizeof path, "%s/EXP001L8.otape", dir);
    struct vtl_tape_pos before, after;
    vtl_tape_position(t, &before);
    CU_ASSERT_RC(vtl_tape_export(t, path), VTL_TAPE_OK);
    vtl_tape_position(t, &after);
    CU_ASSERT_EQUAL(before.object, after.object);
    CU_ASSERT_EQUAL(before.partition, after.partition);
    vtl_tape_close(t);

    CU_ASSERT_RC(vtl_tape_import(path, dir, "EXP001L8"), VTL_TAPE_EEXIST);
    CU_ASSERT_RC(vtl_tape_import(path, dir, "IMP001L8"), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_open(dir, "IMP001L8", 0, &t), VTL_TAPE_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    check_rich(t);
    struct vtl_tape_pos p;
    CU_ASSERT_RC(vtl_tape_locate(t, 1, 0), VTL_TAPE_OK);
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.capacity, 128u << 20);
    vtl_tape_close(t);
    char missing[700];
    snprintf(missing, sizeof missing, "%s/none.otape", dir);
    CU_ASSERT_RC(vtl_tape_import(missing, dir, "IMP002L8"), VTL_TAPE_ENOENT);
}

/* Every truncation and a sweep of flipped bytes: import refuses, and leaves nothing. */
static void damaged_stream_is_refused_and_leaves_nothing(void)
{
    struct vtl_tape_create_opts o = {.capacity_bytes = 64u << 20, .n_partitions = 2};
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_create(dir, "EXP002L8", &o, &t), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0800, 1, false, "V", 1, false), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 300, 1), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 1, false), VTL_TAPE_OK);
    char path[700], bad[700];
    snprintf(path, sizeof path, "%s/e2.otape", dir);
    snprintf(bad, sizeof bad, "%s/bad.otape", dir);
    CU_ASSERT_RC(vtl_tape_export(t, path), VTL_TAPE_OK);
    vtl_tape_close(t);
    FILE *f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    static uint8_t s[8192];
    size_t len = fread(s, 1, sizeof s, f);
    fclose(f);
    CU_ASSERT_FATAL(len > 300 && len < sizeof s);
    int wrong = 0;
    for (size_t cut = 0; cut < len + 1; cut++) {
        for (int flip = 0; flip < 2; flip++) {
            if (flip && cut >= len)
                continue;
            f = fopen(bad, "wb");
            if (flip)
                s[cut] ^= 0x20;
            fwrite(s, 1, flip ? len : cut, f);
            if (flip)
                s[cut] ^= 0x20;
            if (!flip && cut == len)
                fputc(0, f); /* trailing garbage */
            fclose(f);
            enum vtl_tape_rc rc = vtl_tape_import(bad, dir, "IMPBAD");
            if (rc == VTL_TAPE_ECORRUPT && strncmp(vtl_tape_last_error(), "stream: ", 8) != 0)
                wrong++; /* every refusal says where the stream went wrong */
            char img[700];
            snprintf(img, sizeof img, "%s/IMPBAD", dir);
            if (rc != VTL_TAPE_ECORRUPT || access(img, F_OK) == 0) {
                if (wrong++ < 5)
                    fprintf(stderr, "cut %zu flip %d: %s\n", cut, flip, vtl_tape_rc_name(rc));
                vtl_tape_remove(dir, "IMPBAD");
            }
        }
    }
    CU_ASSERT_EQUAL(wrong, 0);
    /* no temporary directories left behind */
    char tmpl[700];
    snprintf(tmpl, sizeof tmpl, "%s/.IMPBAD.import.%ld", dir, (long)getpid());
    CU_ASSERT_NOT_EQUAL(access(tmpl, F_OK), 0);
}

static CU_TestInfo tests[] = {
    {"attributes_set_get_list_delete_and_persist", attributes_set_get_list_delete_and_persist},
    {"corrupt_attribute_file_is_refused_unchanged", corrupt_attribute_file_is_refused_unchanged},
    {"leftover_temporary_files_are_ignored", leftover_temporary_files_are_ignored},
    {"export_then_import_gives_identical_cartridge", export_then_import_gives_identical_cartridge},
    {"damaged_stream_is_refused_and_leaves_nothing", damaged_stream_is_refused_and_leaves_nothing},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo tape_mam_suites[] = {
    {"tape_mam", setup, teardown, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
