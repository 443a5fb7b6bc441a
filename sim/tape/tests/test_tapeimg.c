/* SPDX-License-Identifier: MIT
 * sim/tape/tests/test_tapeimg.c - tape image store: create/open, write/read, overwrite,
 * WORM, write protection, early warning and end of medium, compression, partitions,
 * reopen.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "sim/tape/tape_int.h"
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

static struct vtl_tape *mk(const char *barcode, const struct vtl_tape_create_opts *o)
{
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_create(dir, barcode, o, &t), VTL_TAPE_OK);
    return t;
}

static struct vtl_tape *reopen(struct vtl_tape *t, const char *barcode)
{
    CU_ASSERT_RC(vtl_tape_close(t), VTL_TAPE_OK);
    struct vtl_tape *n = NULL;
    CU_ASSERT_RC(vtl_tape_open(dir, barcode, 0, &n), VTL_TAPE_OK);
    return n;
}

static void create_gives_blank_tape_at_bop(void)
{
    struct vtl_tape *t = mk("BLANK1L8", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT(p.bop && p.eod);
    CU_ASSERT_EQUAL(p.object, 0);
    CU_ASSERT_EQUAL(p.capacity, UINT64_C(12000000000000)); /* LTO-8 native */
    CU_ASSERT_STRING_EQUAL(vtl_tape_media(t)->name, "LTO8");
    CU_ASSERT_EQUAL(vtl_tape_partitions(t), 1);
    uint8_t b[4];
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_EOD);
    vtl_tape_close(t);
    t = NULL;
    CU_ASSERT_RC(vtl_tape_open(dir, "BLANK1L8", 0, &t), VTL_TAPE_OK);
    vtl_tape_position(t, &p);
    CU_ASSERT(p.bop && p.eod);
    vtl_tape_close(t);
}

static void create_refuses_existing_and_bad_barcodes(void)
{
    struct vtl_tape *t = mk("DUP001L8", NULL), *u = (void *)1;
    CU_ASSERT_RC(vtl_tape_create(dir, "DUP001L8", NULL, &u), VTL_TAPE_EEXIST);
    CU_ASSERT_PTR_NULL(u);
    vtl_tape_close(t);
    CU_ASSERT_RC(vtl_tape_create(dir, "../x", NULL, &u), VTL_TAPE_EINVAL);
    CU_ASSERT_RC(vtl_tape_create(dir, ".hidden", NULL, &u), VTL_TAPE_EINVAL);
    CU_ASSERT_RC(vtl_tape_create(dir, "", NULL, &u), VTL_TAPE_EINVAL);
    struct vtl_tape_create_opts o = {.media = "DLT-IV"};
    CU_ASSERT_RC(vtl_tape_create(dir, "BADMEDIA", &o, &u), VTL_TAPE_EINVAL);
    char path[600];
    snprintf(path, sizeof path, "%s/BADMEDIA", dir);
    CU_ASSERT_EQUAL(access(path, F_OK), -1);
    CU_ASSERT_RC(vtl_tape_open(dir, "NOSUCH", 0, &u), VTL_TAPE_ENOENT);
}

static void second_open_of_same_image_is_busy(void)
{
    struct vtl_tape *t = mk("BUSY01L8", NULL), *u = NULL;
    CU_ASSERT_RC(vtl_tape_open(dir, "BUSY01L8", 0, &u), VTL_TAPE_EBUSY);
    CU_ASSERT_RC(vtl_tape_remove(dir, "BUSY01L8"), VTL_TAPE_EBUSY);
    vtl_tape_close(t);
    CU_ASSERT_RC(vtl_tape_remove(dir, "BUSY01L8"), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_open(dir, "BUSY01L8", 0, &u), VTL_TAPE_ENOENT);
}

static void blocks_of_every_size_read_back_identical(void)
{
    struct vtl_tape *t = mk("RW0001L8", NULL);
    for (uint64_t i = 0; i < 30; i++)
        CU_ASSERT_RC(tt_write(t, tt_len(i), i), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, VTL_TAPE_MAX_BLOCK, 99), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 8u << 20, 98), VTL_TAPE_OK);
    uint8_t one = 1;
    CU_ASSERT_RC(vtl_tape_write(t, &one, 0), VTL_TAPE_EINVAL);
    CU_ASSERT_RC(vtl_tape_write(t, &one, VTL_TAPE_MAX_BLOCK + 1u), VTL_TAPE_EINVAL);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.object, 32);
    CU_ASSERT(p.eod);
    CU_ASSERT_RC(vtl_tape_rewind(t), VTL_TAPE_OK);
    for (uint64_t i = 0; i < 30; i++)
        CU_ASSERT(tt_read_expect(t, tt_len(i), i));
    CU_ASSERT(tt_read_expect(t, VTL_TAPE_MAX_BLOCK, 99));
    CU_ASSERT(tt_read_expect(t, 8u << 20, 98));
    CU_ASSERT_RC(vtl_tape_read(t, &one, 1, NULL), VTL_TAPE_EOD);
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.object, 32); /* BLANK CHECK does not move */
    /* After close the data file is exactly its records: no space held in reserve. */
    CU_ASSERT_RC(vtl_tape_close(t), VTL_TAPE_OK);
    uint64_t want = 32 + 32 * 32 + VTL_TAPE_MAX_BLOCK + (8u << 20);
    for (uint64_t i = 0; i < 30; i++)
        want += tt_len(i);
    char path[600];
    struct stat st;
    snprintf(path, sizeof path, "%s/RW0001L8/p0.dat", dir);
    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL((uint64_t)st.st_size, want);
    CU_ASSERT((uint64_t)st.st_blocks * 512 < want + (1u << 20));
    /* Reopen: everything is still there, read through the rebuilt index. */
    t = NULL;
    CU_ASSERT_RC(vtl_tape_open(dir, "RW0001L8", 0, &t), VTL_TAPE_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (uint64_t i = 0; i < 30; i++)
        CU_ASSERT(tt_read_expect(t, tt_len(i), i));
    vtl_tape_close(t);
}

static void short_buffer_gets_prefix_and_full_length(void)
{
    struct vtl_tape *t = mk("SHORT1L8", NULL);
    CU_ASSERT_RC(tt_write(t, 1u << 20, 5), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 10, 6), VTL_TAPE_OK);
    vtl_tape_rewind(t);
    uint8_t buf[64512], want[64512];
    struct vtl_tape_read_result r;
    CU_ASSERT_RC(vtl_tape_read(t, buf, sizeof buf, &r), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(r.block_len, 1u << 20);
    CU_ASSERT_EQUAL(r.copied, sizeof buf);
    tt_fill(want, sizeof want, 5); /* prefix of the same stream */
    CU_ASSERT_EQUAL(memcmp(buf, want, sizeof buf), 0);
    CU_ASSERT(tt_read_expect(t, 10, 6)); /* moved past the long block */
    vtl_tape_close(t);
}

static void filemark_read_moves_past_and_is_reported(void)
{
    struct vtl_tape *t = mk("FMREAD01", NULL);
    CU_ASSERT_RC(tt_write(t, 100, 1), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 1, false), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 100, 2), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 1, true), VTL_TAPE_OK);
    vtl_tape_rewind(t);
    struct vtl_tape_read_result r;
    uint8_t b[200];
    struct vtl_tape_pos p;
    CU_ASSERT(tt_read_expect(t, 100, 1));
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, &r), VTL_TAPE_FILEMARK);
    CU_ASSERT_EQUAL(r.kind, VTL_TAPE_FILEMARK_OBJ);
    CU_ASSERT_EQUAL(r.copied, 0);
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.object, 2);
    CU_ASSERT_EQUAL(p.file, 1);
    CU_ASSERT_EQUAL(p.block_in_file, 0);
    CU_ASSERT(tt_read_expect(t, 100, 2));
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.block_in_file, 1);
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, &r), VTL_TAPE_SETMARK);
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.setmarks, 1);
    CU_ASSERT_EQUAL(p.file, 1);
    CU_ASSERT(p.eod);
    vtl_tape_close(t);
}

static void write_in_middle_makes_new_eod(void)
{
    struct vtl_tape *t = mk("OVER01L8", NULL);
    for (uint64_t i = 0; i < 10; i++)
        CU_ASSERT_RC(tt_write(t, tt_len(i), i), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 2, false), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 4), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 777, 1000), VTL_TAPE_OK);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.object, 5);
    CU_ASSERT(p.eod);
    CU_ASSERT_EQUAL(p.eod_object, 5);
    CU_ASSERT_EQUAL(p.file, 0); /* the filemarks after it are gone */
    uint8_t b[8];
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_EOD);
    /* A filemark written in the middle cuts too. */
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 2), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 1, false), VTL_TAPE_OK);
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.eod_object, 3);
    t = reopen(t, "OVER01L8");
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.eod_object, 3);
    CU_ASSERT(tt_read_expect(t, tt_len(0), 0));
    CU_ASSERT(tt_read_expect(t, tt_len(1), 1));
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_FILEMARK);
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_EOD);
    vtl_tape_close(t);
}

static void erase_cuts_from_position(void)
{
    struct vtl_tape *t = mk("ERASE1L8", NULL);
    for (uint64_t i = 0; i < 6; i++)
        CU_ASSERT_RC(tt_write(t, 100, i), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 3), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_erase(t, true), VTL_TAPE_OK);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT(p.eod);
    CU_ASSERT_EQUAL(p.eod_object, 3);
    CU_ASSERT_RC(vtl_tape_rewind(t), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_erase(t, false), VTL_TAPE_OK);
    t = reopen(t, "ERASE1L8");
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.eod_object, 0);
    CU_ASSERT_EQUAL(p.bytes_used, 0);
    vtl_tape_close(t);
}

static void worm_allows_append_refuses_overwrite(void)
{
    struct vtl_tape_create_opts o = {.worm = true};
    struct vtl_tape *t = mk("WORM01L8", &o);
    CU_ASSERT(vtl_tape_is_worm(t));
    CU_ASSERT_RC(tt_write(t, 100, 1), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 100, 2), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 2, false), VTL_TAPE_OK);
    /* overwrite data: refused, nothing changes */
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 1), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 100, 3), VTL_TAPE_WORM);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 1, false), VTL_TAPE_WORM);
    CU_ASSERT_RC(vtl_tape_erase(t, false), VTL_TAPE_WORM);
    CU_ASSERT_RC(vtl_tape_format(t, 1, NULL), VTL_TAPE_WORM);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.eod_object, 4);
    /* the second of the closing filemarks may be overwritten: append after one FM */
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 3), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 100, 4), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 1, false), VTL_TAPE_OK);
    /* appending at EOD, and erase at EOD (nothing to erase) */
    CU_ASSERT_RC(tt_write(t, 100, 5), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_erase(t, false), VTL_TAPE_OK);
    t = reopen(t, "WORM01L8");
    CU_ASSERT(vtl_tape_is_worm(t));
    CU_ASSERT(tt_read_expect(t, 100, 1));
    CU_ASSERT(tt_read_expect(t, 100, 2));
    uint8_t b[4];
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_FILEMARK);
    CU_ASSERT(tt_read_expect(t, 100, 4));
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_FILEMARK);
    CU_ASSERT(tt_read_expect(t, 100, 5));
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_EOD);
    vtl_tape_close(t);
}

static void write_protect_refuses_every_write(void)
{
    struct vtl_tape *t = mk("WP0001L8", NULL);
    CU_ASSERT_RC(tt_write(t, 100, 1), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_set_write_protect(t, true), VTL_TAPE_OK);
    vtl_tape_rewind(t);
    CU_ASSERT_RC(tt_write(t, 100, 2), VTL_TAPE_WPROTECT);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 1, false), VTL_TAPE_WPROTECT);
    CU_ASSERT_RC(vtl_tape_erase(t, true), VTL_TAPE_WPROTECT);
    CU_ASSERT_RC(vtl_tape_format(t, 1, NULL), VTL_TAPE_WPROTECT);
    CU_ASSERT_RC(vtl_tape_attr_set(t, 0x0800, 1, false, "x", 1, false), VTL_TAPE_WPROTECT);
    t = reopen(t, "WP0001L8");
    CU_ASSERT(vtl_tape_write_protected(t));
    CU_ASSERT(tt_read_expect(t, 100, 1));
    CU_ASSERT_RC(vtl_tape_set_write_protect(t, false), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 100, 3), VTL_TAPE_OK);
    vtl_tape_close(t);
}

static void read_only_open_refuses_writes(void)
{
    struct vtl_tape *t = mk("RO0001L8", NULL);
    CU_ASSERT_RC(tt_write(t, 100, 1), VTL_TAPE_OK);
    vtl_tape_close(t);
    CU_ASSERT_RC(vtl_tape_open(dir, "RO0001L8", VTL_TAPE_OPEN_RDONLY, &t), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 100, 2), VTL_TAPE_EREADONLY);
    CU_ASSERT_RC(vtl_tape_set_compression(t, true), VTL_TAPE_EREADONLY);
    CU_ASSERT(tt_read_expect(t, 100, 1));
    vtl_tape_close(t);
}

/* 1 MiB cartridge, EW zone 256 KiB, PEW 128 KiB before that. */
static void early_warning_then_end_of_medium(void)
{
    struct vtl_tape_create_opts o = {.capacity_bytes = 1u << 20, .ew_bytes = 256u << 10};
    struct vtl_tape *t = mk("EW0001L8", &o);
    CU_ASSERT_RC(vtl_tape_set_early_warning(t, 256u << 10, 128u << 10), VTL_TAPE_OK);
    struct vtl_tape_pos p;
    size_t blk = 10000, rec = blk + 32;
    uint64_t n = 0;
    bool saw_pew = false, saw_ew = false;
    for (;;) {
        enum vtl_tape_rc rc = tt_write(t, blk, n);
        if (rc == VTL_TAPE_EOM)
            break;
        CU_ASSERT_EQUAL_FATAL(rc, VTL_TAPE_OK);
        n++;
        vtl_tape_position(t, &p);
        uint64_t at = n * rec;
        CU_ASSERT_EQUAL(p.bytes_at_pos, at);
        CU_ASSERT_EQUAL(p.past_ew, at >= (768u << 10));
        CU_ASSERT_EQUAL(p.past_pew, at >= (640u << 10));
        saw_pew |= p.past_pew && !p.past_ew;
        saw_ew |= p.past_ew;
    }
    CU_ASSERT(saw_pew);
    CU_ASSERT(saw_ew);
    CU_ASSERT_EQUAL(n, (1u << 20) / rec);
    /* the refused write changed nothing */
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.eod_object, n);
    /* filemarks still fit (32 bytes each) until physical end */
    uint64_t fms = 0;
    while (vtl_tape_write_marks(t, 1, false) == VTL_TAPE_OK)
        fms++;
    CU_ASSERT_EQUAL(fms, ((1u << 20) - n * rec) / 32);
    vtl_tape_position(t, &p);
    CU_ASSERT(p.at_pe);
    /* overwriting from an earlier point is measured from there: it fits again */
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 1), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, blk, 500), VTL_TAPE_OK);
    vtl_tape_position(t, &p);
    CU_ASSERT(!p.past_ew);
    /* the zones are part of the cartridge: the same answers after a reopen */
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_EOD, 0, NULL), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 700000, 501), VTL_TAPE_OK); /* ends at 720,096: past PEW only */
    t = reopen(t, "EW0001L8");
    CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_EOD, 0, NULL), VTL_TAPE_OK);
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.bytes_at_pos, 2 * rec + 700032);
    CU_ASSERT(p.past_pew && !p.past_ew);
    uint64_t cap, used;
    vtl_tape_partition_bytes(t, 0, &cap, &used);
    CU_ASSERT_EQUAL(cap, 1u << 20);
    CU_ASSERT_EQUAL(used, 2 * rec + 700032);
    vtl_tape_partition_bytes(t, 1, &cap, &used);
    CU_ASSERT_EQUAL(cap, 0);
    vtl_tape_close(t);
}

static void compression_round_trip_shows_ratio(void)
{
    struct vtl_tape *t = mk("ZSTD01L8", NULL);
    CU_ASSERT_RC(vtl_tape_set_compression(t, true), VTL_TAPE_OK);
    CU_ASSERT(vtl_tape_compression(t));
    static uint8_t text[256 * 1024], rnd[100000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "the quick brown fox jumps over the lazy dog\n"[i % 44];
    tt_fill(rnd, sizeof rnd, 7);
    CU_ASSERT_RC(vtl_tape_write(t, text, sizeof text), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write(t, rnd, sizeof rnd), VTL_TAPE_OK); /* stored raw */
    struct vtl_tape_counters c;
    vtl_tape_get_counters(t, &c);
    CU_ASSERT_EQUAL(c.host_bytes_written, sizeof text + sizeof rnd);
    CU_ASSERT_EQUAL(c.compressed_blocks, 1);
    CU_ASSERT(c.medium_bytes_written < sizeof rnd + sizeof text / 10);
    CU_ASSERT(c.medium_bytes_written > sizeof rnd);
    t = reopen(t, "ZSTD01L8");
    CU_ASSERT(vtl_tape_compression(t));
    static uint8_t got[256 * 1024 + 1];
    struct vtl_tape_read_result r;
    CU_ASSERT_RC(vtl_tape_read(t, got, sizeof got, &r), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(r.block_len, sizeof text);
    CU_ASSERT_EQUAL(memcmp(got, text, sizeof text), 0);
    CU_ASSERT(tt_read_expect(t, sizeof rnd, 7));
    /* a short buffer on a compressed block still gets the right prefix */
    vtl_tape_rewind(t);
    CU_ASSERT_RC(vtl_tape_read(t, got, 1000, &r), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(r.block_len, sizeof text);
    CU_ASSERT_EQUAL(r.copied, 1000);
    CU_ASSERT_EQUAL(memcmp(got, text, 1000), 0);
    vtl_tape_get_counters(t, &c);
    CU_ASSERT_EQUAL(c.host_bytes_read, sizeof text + sizeof rnd + 1000);
    CU_ASSERT_EQUAL(c.blocks_read, 3);
    vtl_tape_close(t);
}

static void counters_and_loads_persist(void)
{
    struct vtl_tape *t = mk("CNT001L8", NULL);
    vtl_tape_count_load(t);
    CU_ASSERT_RC(tt_write(t, 1000, 1), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 3, false), VTL_TAPE_OK);
    t = reopen(t, "CNT001L8");
    vtl_tape_count_load(t);
    struct vtl_tape_counters c;
    vtl_tape_get_counters(t, &c);
    CU_ASSERT_EQUAL(c.loads, 2);
    CU_ASSERT_EQUAL(c.blocks_written, 1);
    CU_ASSERT_EQUAL(c.marks_written, 3);
    CU_ASSERT_EQUAL(c.host_bytes_written, 1000);
    CU_ASSERT_EQUAL(c.medium_bytes_written, 1000 + 4 * 32);
    vtl_tape_close(t);
}

static void partitions_are_independent(void)
{
    struct vtl_tape_create_opts o = {
        .capacity_bytes = 64u << 20, .n_partitions = 2, .part_bytes = {4u << 20, 60u << 20}};
    struct vtl_tape *t = mk("PART01L8", &o);
    CU_ASSERT_EQUAL(vtl_tape_partitions(t), 2);
    CU_ASSERT_RC(tt_write(t, 500, 1), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_write_marks(t, 1, false), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_locate(t, 1, 0), VTL_TAPE_OK);
    for (uint64_t i = 0; i < 5; i++)
        CU_ASSERT_RC(tt_write(t, 2000, 10 + i), VTL_TAPE_OK);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.partition, 1);
    CU_ASSERT_EQUAL(p.object, 5);
    CU_ASSERT_EQUAL(p.capacity, 60u << 20);
    /* rewriting partition 0 leaves partition 1 alone */
    CU_ASSERT_RC(vtl_tape_locate(t, 0, 0), VTL_TAPE_OK);
    CU_ASSERT_RC(tt_write(t, 600, 2), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_locate(t, 2, 0), VTL_TAPE_EINVAL);
    t = reopen(t, "PART01L8");
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.partition, 0);
    CU_ASSERT_EQUAL(p.eod_object, 1);
    CU_ASSERT(tt_read_expect(t, 600, 2));
    CU_ASSERT_RC(vtl_tape_locate(t, 1, 3), VTL_TAPE_OK);
    CU_ASSERT(tt_read_expect(t, 2000, 13));
    CU_ASSERT(tt_read_expect(t, 2000, 14));
    /* FORMAT MEDIUM into 4 partitions erases everything */
    CU_ASSERT_RC(vtl_tape_format(t, 5, NULL), VTL_TAPE_EINVAL);
    CU_ASSERT_RC(vtl_tape_format(t, 4, NULL), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(vtl_tape_partitions(t), 4);
    for (unsigned i = 0; i < 4; i++) {
        CU_ASSERT_RC(vtl_tape_locate(t, i, 0), VTL_TAPE_OK);
        vtl_tape_position(t, &p);
        CU_ASSERT(p.eod);
        CU_ASSERT_EQUAL(p.capacity, 16u << 20);
        CU_ASSERT_RC(tt_write(t, 100, 20 + i), VTL_TAPE_OK);
    }
    t = reopen(t, "PART01L8");
    CU_ASSERT_EQUAL(vtl_tape_partitions(t), 4);
    for (unsigned i = 0; i < 4; i++) {
        CU_ASSERT_RC(vtl_tape_locate(t, i, 0), VTL_TAPE_OK);
        CU_ASSERT(tt_read_expect(t, 100, 20 + i));
    }
    CU_ASSERT_RC(vtl_tape_format(t, 1, NULL), VTL_TAPE_OK);
    t = reopen(t, "PART01L8");
    CU_ASSERT_EQUAL(vtl_tape_partitions(t), 1);
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.capacity, 64u << 20);
    CU_ASSERT(p.eod);
    vtl_tape_close(t);
}

static void media_table_lookup_accepts_spellings(void)
{
    CU_ASSERT_PTR_NOT_NULL(vtl_tape_media_lookup("lto-8"));
    CU_ASSERT_EQUAL(vtl_tape_media_lookup("LTO 9")->native_bytes, UINT64_C(18000000000000));
    CU_ASSERT_EQUAL(vtl_tape_media_lookup("LTO7")->density_code, 0x5C);
    CU_ASSERT_PTR_NULL(vtl_tape_media_lookup("LTO-10"));
    CU_ASSERT_PTR_NULL(vtl_tape_media_lookup(NULL));
    CU_ASSERT_STRING_EQUAL(vtl_tape_rc_name(VTL_TAPE_EOD), "VTL_TAPE_EOD");
    struct vtl_tape_create_opts o = {.media = "LTO5", .n_partitions = 4};
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_create(dir, "LTO5P4", &o, &t), VTL_TAPE_EINVAL);
}

/* CRC-32C check value from RFC 3720 / the Castagnoli paper, and the fast path against
 * the byte-wise one at every length and alignment around the 3-way stripe boundary. */
static void crc32c_matches_reference_on_all_paths(void)
{
    CU_ASSERT_EQUAL(tape_crc32(0, "123456789", 9), 0xE3069283u);
    CU_ASSERT_EQUAL(tape_crc32c_sw(0, "123456789", 9), 0xE3069283u);
    static uint8_t zeros[32];
    CU_ASSERT_EQUAL(tape_crc32(0, zeros, 32), 0x8A9136AAu); /* RFC 3720 B.4 */
    static uint8_t buf[3 * 4096 * 2 + 64];
    tt_fill(buf, sizeof buf, 3);
    static const size_t lens[] = {0, 1, 7, 8, 9, 4095, 12287, 12288, 12289, 24576, 24600};
    for (size_t a = 0; a < 8; a++)
        for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
            CU_ASSERT_EQUAL(tape_crc32(0, buf + a, lens[k]), tape_crc32c_sw(0, buf + a, lens[k]));
    /* continuation: crc(a||b) from crc(a) */
    CU_ASSERT_EQUAL(tape_crc32(tape_crc32(0, buf, 20000), buf + 20000, 4000),
                    tape_crc32(0, buf, 24000));
}

static CU_TestInfo tests[] = {
    {"crc32c_matches_reference_on_all_paths", crc32c_matches_reference_on_all_paths},
    {"create_gives_blank_tape_at_bop", create_gives_blank_tape_at_bop},
    {"create_refuses_existing_and_bad_barcodes", create_refuses_existing_and_bad_barcodes},
    {"second_open_of_same_image_is_busy", second_open_of_same_image_is_busy},
    {"blocks_of_every_size_read_back_identical", blocks_of_every_size_read_back_identical},
    {"short_buffer_gets_prefix_and_full_length", short_buffer_gets_prefix_and_full_length},
    {"filemark_read_moves_past_and_is_reported", filemark_read_moves_past_and_is_reported},
    {"write_in_middle_makes_new_eod", write_in_middle_makes_new_eod},
    {"erase_cuts_from_position", erase_cuts_from_position},
    {"worm_allows_append_refuses_overwrite", worm_allows_append_refuses_overwrite},
    {"write_protect_refuses_every_write", write_protect_refuses_every_write},
    {"read_only_open_refuses_writes", read_only_open_refuses_writes},
    {"early_warning_then_end_of_medium", early_warning_then_end_of_medium},
    {"compression_round_trip_shows_ratio", compression_round_trip_shows_ratio},
    {"counters_and_loads_persist", counters_and_loads_persist},
    {"partitions_are_independent", partitions_are_independent},
    {"media_table_lookup_accepts_spellings", media_table_lookup_accepts_spellings},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo tapeimg_suites[] = {
    {"tapeimg", setup, teardown, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
