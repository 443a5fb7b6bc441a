/* SPDX-License-Identifier: MIT
 * sim/tape/tests/test_tape_recovery.c - what a reopened image holds after damage:
 * a data file cut at every byte of its last records, flipped bytes in data and index,
 * a lost index, corrupt metadata, and processes killed with SIGKILL while writing.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/tape/tape_int.h"
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

struct blob {
    uint8_t *p;
    size_t len;
};

static struct blob slurp(const char *barcode, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s/%s", dir, barcode, name);
    struct blob b = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return b;
    fseek(f, 0, SEEK_END);
    b.len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    b.p = malloc(b.len ? b.len : 1);
    if (fread(b.p, 1, b.len, f) != b.len)
        b.len = 0;
    fclose(f);
    return b;
}

static void spill(const char *barcode, const char *name, const void *p, size_t len)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s/%s", dir, barcode, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(p, 1, len, f), len);
    fclose(f);
}

/* Layout used by the damage tests: objects 0..9 are blocks of length 100 + 37*i except
 * object 6, a filemark. Returns the record end offsets in the data file. */
#define N_OBJ 10
static void build_layout(const char *barcode, uint64_t end[N_OBJ])
{
    struct vtl_tape *t = NULL;
    /* NOSYNC: these tests damage files by hand; durability is the SIGKILL test's job. */
    struct vtl_tape_create_opts o = {.open_flags = VTL_TAPE_OPEN_NOSYNC};
    CU_ASSERT_RC(vtl_tape_create(dir, barcode, &o, &t), VTL_TAPE_OK);
    uint64_t off = 32;
    for (uint64_t i = 0; i < N_OBJ; i++) {
        if (i == 6) {
            CU_ASSERT_RC(vtl_tape_write_marks(t, 1, false), VTL_TAPE_OK);
            off += 32;
        } else {
            CU_ASSERT_RC(tt_write(t, 100 + 37 * i, i), VTL_TAPE_OK);
            off += 32 + 100 + 37 * i;
        }
        end[i] = off;
    }
    CU_ASSERT_RC(vtl_tape_close(t), VTL_TAPE_OK);
}

/* Opens @barcode and checks it holds exactly objects 0..@n-1 of the layout. */
static int check_prefix(const char *barcode, uint64_t n)
{
    struct vtl_tape *t = NULL;
    if (vtl_tape_open(dir, barcode, VTL_TAPE_OPEN_NOSYNC, &t) != VTL_TAPE_OK)
        return 0;
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    int ok = p.eod_object == n;
    for (uint64_t i = 0; ok && i < n; i++) {
        if (i == 6) {
            uint8_t b[4];
            ok = vtl_tape_read(t, b, sizeof b, NULL) == VTL_TAPE_FILEMARK;
        } else {
            ok = tt_read_expect(t, 100 + 37 * i, i);
        }
    }
    /* and it still takes appends at its new EOD */
    ok = ok && vtl_tape_locate(t, 0, n) == VTL_TAPE_OK && tt_write(t, 50, 77) == VTL_TAPE_OK;
    vtl_tape_close(t);
    return ok;
}

static void data_cut_at_every_byte_reopens_to_last_whole_record(void)
{
    uint64_t end[N_OBJ];
    build_layout("CUT001", end);
    struct blob dat = slurp("CUT001", "p0.dat"), idx = slurp("CUT001", "p0.idx");
    CU_ASSERT_EQUAL_FATAL(dat.len, end[N_OBJ - 1]);
    int bad = 0;
    for (uint64_t cut = end[N_OBJ - 5]; cut <= dat.len; cut++) {
        uint64_t whole = 0;
        while (whole < N_OBJ && end[whole] <= cut)
            whole++;
        spill("CUT001", "p0.dat", dat.p, cut);
        spill("CUT001", "p0.idx", idx.p, idx.len);
        if (!check_prefix("CUT001", whole) && bad++ < 5)
            fprintf(stderr, "cut at %llu: expected %llu objects\n", (unsigned long long)cut,
                    (unsigned long long)whole);
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* Same without any index: the scan of the data alone finds the same records. */
    char path[700];
    snprintf(path, sizeof path, "%s/CUT001/p0.idx", dir);
    for (uint64_t cut = end[N_OBJ - 3] - 40; cut <= dat.len; cut += 7) {
        uint64_t whole = 0;
        while (whole < N_OBJ && end[whole] <= cut)
            whole++;
        spill("CUT001", "p0.dat", dat.p, cut);
        unlink(path);
        if (!check_prefix("CUT001", whole))
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(dat.p);
    free(idx.p);
}

static void flipped_byte_in_tail_ends_tape_before_that_record(void)
{
    uint64_t end[N_OBJ];
    build_layout("FLIP01", end);
    struct blob dat = slurp("FLIP01", "p0.dat"), idx = slurp("FLIP01", "p0.idx");
    int bad = 0;
    for (uint64_t off = end[N_OBJ - 4]; off < dat.len; off++) {
        uint64_t rec = 0;
        while (end[rec] <= off)
            rec++;
        dat.p[off] ^= 0x55;
        spill("FLIP01", "p0.dat", dat.p, dat.len);
        spill("FLIP01", "p0.idx", idx.p, idx.len);
        dat.p[off] ^= 0x55;
        if (!check_prefix("FLIP01", rec) && bad++ < 5)
            fprintf(stderr, "flip at %llu: expected %llu objects\n", (unsigned long long)off,
                    (unsigned long long)rec);
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(dat.p);
    free(idx.p);
}

static void read_only_open_recovers_in_memory_and_changes_no_file(void)
{
    uint64_t end[N_OBJ];
    build_layout("RORC01", end);
    struct blob dat = slurp("RORC01", "p0.dat"), idx = slurp("RORC01", "p0.idx");
    uint64_t cut = end[N_OBJ - 2] + 40; /* inside the last record */
    spill("RORC01", "p0.dat", dat.p, cut);
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_open(dir, "RORC01", VTL_TAPE_OPEN_RDONLY, &t), VTL_TAPE_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.eod_object, N_OBJ - 1);
    CU_ASSERT_RC(vtl_tape_locate(t, 0, N_OBJ - 2), VTL_TAPE_OK);
    CU_ASSERT(tt_read_expect(t, 100 + 37 * (N_OBJ - 2), N_OBJ - 2));
    vtl_tape_close(t);
    struct blob dat2 = slurp("RORC01", "p0.dat"), idx2 = slurp("RORC01", "p0.idx");
    CU_ASSERT_EQUAL(dat2.len, cut);
    CU_ASSERT(idx2.len == idx.len && memcmp(idx.p, idx2.p, idx.len) == 0);
    free(dat.p);
    free(idx.p);
    free(dat2.p);
    free(idx2.p);
}

static void flipped_byte_in_index_is_rebuilt_from_data(void)
{
    uint64_t end[N_OBJ];
    build_layout("FLIP02", end);
    struct blob dat = slurp("FLIP02", "p0.dat"), idx = slurp("FLIP02", "p0.idx");
    CU_ASSERT_EQUAL_FATAL(idx.len, 64 + 16 * N_OBJ);
    int bad = 0;
    for (size_t off = 0; off < idx.len; off++) {
        idx.p[off] ^= 0x10;
        spill("FLIP02", "p0.dat", dat.p, dat.len);
        spill("FLIP02", "p0.idx", idx.p, idx.len);
        idx.p[off] ^= 0x10;
        if (!check_prefix("FLIP02", N_OBJ))
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(dat.p);
    free(idx.p);
}

/* An index entry with a valid checksum that disagrees with its record (here: a block
 * entry re-typed as a filemark) must not cost data: the verified record wins. */
static void index_entry_disagreeing_with_data_loses_nothing(void)
{
    uint64_t end[N_OBJ];
    build_layout("IDXL01", end);
    struct blob idx = slurp("IDXL01", "p0.idx"), meta = slurp("IDXL01", "meta");
    CU_ASSERT_EQUAL_FATAL(meta.len, TAPE_META_LEN);
    uint64_t gen = tape_get_le64(meta.p + 32);
    for (uint64_t i = 7; i < N_OBJ; i++) {
        struct blob copy = {malloc(idx.len), idx.len};
        memcpy(copy.p, idx.p, idx.len);
        uint8_t *e = copy.p + 64 + 16 * i, seed[16];
        e[7] ^= 3; /* block <-> setmark */
        tape_put_le64(seed, i);
        tape_put_le64(seed + 8, gen);
        tape_put_le32(e + 12, tape_crc32(tape_crc32(0, seed, 16), e, 12));
        spill("IDXL01", "p0.idx", copy.p, copy.len);
        CU_ASSERT(check_prefix("IDXL01", N_OBJ));
        free(copy.p);
        /* check_prefix appended one block: put the original layout back */
        struct vtl_tape *t = NULL;
        CU_ASSERT_RC(vtl_tape_open(dir, "IDXL01", VTL_TAPE_OPEN_NOSYNC, &t), VTL_TAPE_OK);
        CU_ASSERT_RC(vtl_tape_locate(t, 0, N_OBJ), VTL_TAPE_OK);
        CU_ASSERT_RC(vtl_tape_erase(t, false), VTL_TAPE_OK);
        vtl_tape_close(t);
        idx = (free(idx.p), slurp("IDXL01", "p0.idx"));
    }
    free(idx.p);
    free(meta.p);
}

/* FORMAT commits a new meta (new generation) before recreating the partition files; a
 * data file left from before, with a valid header of the old generation, is blank. */
static void data_file_of_previous_format_reads_as_blank(void)
{
    uint64_t end[N_OBJ];
    build_layout("FMT001", end);
    struct blob dat = slurp("FMT001", "p0.dat"), idx = slurp("FMT001", "p0.idx");
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_open(dir, "FMT001", VTL_TAPE_OPEN_NOSYNC, &t), VTL_TAPE_OK);
    CU_ASSERT_RC(vtl_tape_format(t, 1, NULL), VTL_TAPE_OK);
    vtl_tape_close(t);
    spill("FMT001", "p0.dat", dat.p, dat.len); /* as if the process died mid-format */
    spill("FMT001", "p0.idx", idx.p, idx.len);
    CU_ASSERT_RC(vtl_tape_open(dir, "FMT001", VTL_TAPE_OPEN_RDONLY, &t), VTL_TAPE_OK);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.eod_object, 0);
    vtl_tape_close(t);
    CU_ASSERT(check_prefix("FMT001", 0)); /* writable: recreated blank, takes appends */
    struct blob now = slurp("FMT001", "p0.dat");
    CU_ASSERT_EQUAL(now.len, 32 + 32 + 50); /* header + the one block check_prefix wrote */
    free(now.p);
    free(dat.p);
    free(idx.p);
}

static void old_damaged_block_reads_as_medium_error(void)
{
    uint64_t end[N_OBJ];
    build_layout("MERR01", end);
    struct blob dat = slurp("MERR01", "p0.dat");
    dat.p[32 + 32 + 50] ^= 1; /* payload of block 0, long before the verified tail */
    spill("MERR01", "p0.dat", dat.p, dat.len);
    struct vtl_tape *t = NULL;
    CU_ASSERT_EQUAL_FATAL(vtl_tape_open(dir, "MERR01", 0, &t), VTL_TAPE_OK);
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.eod_object, N_OBJ);
    uint8_t b[200];
    CU_ASSERT_RC(vtl_tape_read(t, b, sizeof b, NULL), VTL_TAPE_EMEDIUM);
    vtl_tape_position(t, &p);
    CU_ASSERT_EQUAL(p.object, 1);
    CU_ASSERT(tt_read_expect(t, 137, 1));
    struct vtl_tape_counters c;
    vtl_tape_get_counters(t, &c);
    CU_ASSERT_EQUAL(c.medium_errors, 1);
    vtl_tape_close(t);
    free(dat.p);
}

static void corrupt_metadata_is_refused_and_nothing_changes(void)
{
    uint64_t end[N_OBJ];
    build_layout("META01", end);
    struct blob dat = slurp("META01", "p0.dat"), idx = slurp("META01", "p0.idx"),
                meta = slurp("META01", "meta");
    for (size_t off = 0; off < meta.len; off += 13) {
        meta.p[off] ^= 0xFF;
        spill("META01", "meta", meta.p, meta.len);
        meta.p[off] ^= 0xFF;
        struct vtl_tape *t = (void *)1;
        CU_ASSERT_RC(vtl_tape_open(dir, "META01", 0, &t), VTL_TAPE_ECORRUPT);
        CU_ASSERT_PTR_NULL(t);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(vtl_tape_last_error(), "META01/meta: bad"));
    spill("META01", "meta", meta.p, meta.len - 1);
    struct vtl_tape *t = NULL;
    CU_ASSERT_RC(vtl_tape_open(dir, "META01", 0, &t), VTL_TAPE_ECORRUPT);
    CU_ASSERT_PTR_NOT_NULL(strstr(vtl_tape_last_error(), "META01/meta: wrong size"));
    struct blob dat2 = slurp("META01", "p0.dat"), idx2 = slurp("META01", "p0.idx");
    CU_ASSERT(dat2.len == dat.len && memcmp(dat.p, dat2.p, dat.len) == 0);
    CU_ASSERT(idx2.len == idx.len && memcmp(idx.p, idx2.p, idx.len) == 0);
    /* a data file whose own header is damaged is refused too */
    spill("META01", "meta", meta.p, meta.len);
    dat.p[3] ^= 1;
    spill("META01", "p0.dat", dat.p, dat.len);
    CU_ASSERT_RC(vtl_tape_open(dir, "META01", 0, &t), VTL_TAPE_ECORRUPT);
    CU_ASSERT_PTR_NOT_NULL(strstr(vtl_tape_last_error(), "META01/p0.dat: bad file header"));
    free(dat2.p);
    free(idx2.p);
    free(dat.p);
    free(idx.p);
    free(meta.p);
}

/* A file system that refuses to grow (RLIMIT_FSIZE stands in for ENOSPC): the write
 * fails with EIO, and neither the position nor the recorded contents change. Runs in a
 * child so the limit never leaks into other tests. Exit code = first failed step. */
static int full_disk_child(void)
{
    struct vtl_tape *t = NULL;
    struct vtl_tape_create_opts o = {.open_flags = VTL_TAPE_OPEN_NOSYNC};
    if (vtl_tape_create(dir, "FULL01", &o, &t) != VTL_TAPE_OK)
        return 10;
    if (tt_write(t, 100000, 1) != VTL_TAPE_OK || vtl_tape_write_marks(t, 1, false) != 0)
        return 11;
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {.rlim_cur = 150000, .rlim_max = RLIM_INFINITY};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
        return 12;
    if (tt_write(t, 100000, 2) != VTL_TAPE_EIO)
        return 13;
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    if (p.object != 2 || p.eod_object != 2)
        return 14;
    rl.rlim_cur = RLIM_INFINITY;
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
        return 15;
    if (tt_write(t, 100000, 3) != VTL_TAPE_OK || vtl_tape_close(t) != VTL_TAPE_OK)
        return 16;
    if (vtl_tape_open(dir, "FULL01", 0, &t) != VTL_TAPE_OK)
        return 17;
    vtl_tape_position(t, &p);
    if (p.eod_object != 3 || !tt_read_expect(t, 100000, 1))
        return 18;
    uint8_t b[4];
    if (vtl_tape_read(t, b, sizeof b, NULL) != VTL_TAPE_FILEMARK || !tt_read_expect(t, 100000, 3))
        return 19;
    vtl_tape_close(t);
    return 0;
}

static void failed_write_on_full_disk_changes_nothing(void)
{
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0)
        _exit(full_disk_child());
    int status = -1;
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0)
        fprintf(stderr, "full disk: step %d failed\n", WEXITSTATUS(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

/* ---- SIGKILL while writing ----------------------------------------------------------- */

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    return x;
}

/* Object @i of round @r: 0 = filemark, else the block length. */
static size_t seq_len(int r, uint64_t i)
{
    uint64_t h = mix((uint64_t)r << 40 | i);
    return h % 6 == 0 ? 0 : 1 + (size_t)(h >> 8) % (300 * 1024);
}

/* The child: writes the sequence forever, reporting the object count after each filemark
 * (that is, after each durable point). Never returns. */
static void writer_child(int r, const char *barcode, int wfd)
{
    struct vtl_tape *t = NULL;
    if (vtl_tape_open(dir, barcode, 0, &t) != VTL_TAPE_OK)
        _exit(2);
    uint8_t *buf = malloc(300 * 1024);
    for (uint64_t i = 0;; i++) {
        size_t len = seq_len(r, i);
        if (len == 0) {
            if (vtl_tape_write_marks(t, 1, false) != VTL_TAPE_OK)
                _exit(3);
            uint64_t acked = i + 1;
            if (write(wfd, &acked, sizeof acked) != sizeof acked)
                _exit(4);
        } else {
            tt_fill(buf, len, (uint64_t)r << 40 | i);
            if (vtl_tape_write(t, buf, len) != VTL_TAPE_OK)
                _exit(5);
        }
    }
}

static void sigkill_while_writing_keeps_acknowledged_data(void)
{
    unsigned seed = 20261125;
    uint64_t total_acked = 0, rounds_cut_after_ack = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int r = 0; r < 8; r++) {
        char bc[16];
        snprintf(bc, sizeof bc, "KILL%02d", r);
        struct vtl_tape *t = NULL;
        CU_ASSERT_RC(vtl_tape_create(dir, bc, NULL, &t), VTL_TAPE_OK);
        vtl_tape_close(t);
        int pfd[2];
        CU_ASSERT_EQUAL_FATAL(pipe(pfd), 0);
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
            close(pfd[0]);
            writer_child(r, bc, pfd[1]);
        }
        close(pfd[1]);
        usleep(5000 + (useconds_t)(rand_r(&seed) % 60000));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        uint64_t acked = 0, v;
        while (read(pfd[0], &v, sizeof v) == sizeof v)
            acked = v;
        close(pfd[0]);

        CU_ASSERT_RC(vtl_tape_open(dir, bc, 0, &t), VTL_TAPE_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        struct vtl_tape_pos p;
        vtl_tape_position(t, &p);
        CU_ASSERT(p.eod_object >= acked);
        total_acked += acked;
        rounds_cut_after_ack += p.eod_object > acked;
        int bad = 0;
        for (uint64_t i = 0; i < p.eod_object && !bad; i++) {
            size_t len = seq_len(r, i);
            if (len == 0) {
                uint8_t b[4];
                bad = vtl_tape_read(t, b, sizeof b, NULL) != VTL_TAPE_FILEMARK;
            } else {
                bad = !tt_read_expect(t, len, (uint64_t)r << 40 | i);
            }
            if (bad)
                fprintf(stderr, "round %d: object %llu differs (eod %llu, acked %llu)\n", r,
                        (unsigned long long)i, (unsigned long long)p.eod_object,
                        (unsigned long long)acked);
        }
        CU_ASSERT_EQUAL(bad, 0);
        /* The recovered image keeps working: append and reopen. */
        CU_ASSERT_RC(vtl_tape_space(t, VTL_TAPE_SPACE_EOD, 0, NULL), VTL_TAPE_OK);
        CU_ASSERT_RC(tt_write(t, 1000, 1), VTL_TAPE_OK);
        CU_ASSERT_RC(vtl_tape_close(t), VTL_TAPE_OK);
        CU_ASSERT_RC(vtl_tape_open(dir, bc, 0, &t), VTL_TAPE_OK);
        struct vtl_tape_pos q;
        vtl_tape_position(t, &q);
        CU_ASSERT_EQUAL(q.eod_object, p.eod_object + 1);
        vtl_tape_close(t);
        vtl_tape_remove(dir, bc);
    }
    /* The test only means something if writers got acknowledgements before dying. */
    CU_ASSERT(total_acked > 0);
    fprintf(stderr,
            "sigkill: %llu objects acknowledged in all, %llu rounds with unsynced "
            "blocks recovered\n",
            (unsigned long long)total_acked, (unsigned long long)rounds_cut_after_ack);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CU_ASSERT((t1.tv_sec - t0.tv_sec) < 10);
}

static CU_TestInfo tests[] = {
    {"data_cut_at_every_byte_reopens_to_last_whole_record",
     data_cut_at_every_byte_reopens_to_last_whole_record},
    {"flipped_byte_in_tail_ends_tape_before_that_record",
     flipped_byte_in_tail_ends_tape_before_that_record},
    {"read_only_open_recovers_in_memory_and_changes_no_file",
     read_only_open_recovers_in_memory_and_changes_no_file},
    {"flipped_byte_in_index_is_rebuilt_from_data", flipped_byte_in_index_is_rebuilt_from_data},
    {"index_entry_disagreeing_with_data_loses_nothing",
     index_entry_disagreeing_with_data_loses_nothing},
    {"data_file_of_previous_format_reads_as_blank", data_file_of_previous_format_reads_as_blank},
    {"old_damaged_block_reads_as_medium_error", old_damaged_block_reads_as_medium_error},
    {"corrupt_metadata_is_refused_and_nothing_changes",
     corrupt_metadata_is_refused_and_nothing_changes},
    {"failed_write_on_full_disk_changes_nothing", failed_write_on_full_disk_changes_nothing},
    {"sigkill_while_writing_keeps_acknowledged_data",
     sigkill_while_writing_keeps_acknowledged_data},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo tape_recovery_suites[] = {
    {"tape_recovery", setup, teardown, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
