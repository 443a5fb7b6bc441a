/* SPDX-License-Identifier: MIT
 * bench/bench_tape.c - tape image store throughput and positioning cost.
 *
 *   WRITE  256 KiB variable blocks (512 MiB in all) vs memcpy of the same bytes measured
 *          in the same run (aim: >= 50% of memcpy). Page cache, no fsync (the store
 *          syncs at filemarks; a sequential backup writes many blocks per filemark).
 *   READ   the same blocks back (checksum verified on every read) vs memcpy.
 *   OPEN   a 1,000,000-block image (rebuilds the in-memory index from the index file).
 *   LOCATE to a random block of that image, plus READ POSITION (aim <= 50 us).
 *   SPACE  over 10,000 filemarks forward and back.
 * Prints Markdown rows on stdout (| benchmark | result | aim | peer / ratio |); progress
 * on stderr. Images live in a temporary directory under $TMPDIR, removed at the end.
 * Disk use peaks near 600 MB; the run takes well under 30 s.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/tape/tapeimg.h"

#define BLK       (256u * 1024)
#define WRITE_MIB 512u
#define N_SMALL   1000000u
#define N_FILES   10000u

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int fail(const char *what, enum vtl_tape_rc rc)
{
    fprintf(stderr, "bench_tape: %s: %s\n", what, vtl_tape_rc_name(rc));
    return 1;
}

/* Block sizes vary around 256 KiB (variable-block mode, as tar/Bacula write). */
static size_t blk_len(unsigned i)
{
    return BLK - 4096 + (i * 2654435761u) % 8192;
}

/* memcpy bandwidth over the same byte count, destination cycling through a 64 MiB
 * region so it is measured out of cache like the page-cache copies the store does. */
static double memcpy_mbps(const uint8_t *src, size_t total)
{
    size_t region = 64u << 20;
    uint8_t *dst = malloc(region);
    if (!dst)
        return 0;
    memset(dst, 1, region);
    double t0 = now();
    size_t done = 0, off = 0;
    for (unsigned i = 0; done < total; i++) {
        size_t n = blk_len(i);
        if (off + n > region)
            off = 0;
        memcpy(dst + off, src, n);
        off += n;
        done += n;
    }
    double dt = now() - t0;
    volatile uint8_t sink = dst[12345];
    (void)sink;
    free(dst);
    return (double)total / dt / 1e6;
}

/* The operating system's own limit for the same bytes: pwrite() of each block into a
 * plain file (space reserved up front, as the store reserves it), then pread() back. */
static void raw_io_mbps(const char *dir, const uint8_t *buf, size_t total, double *w, double *r)
{
    char path[600];
    snprintf(path, sizeof path, "%s/raw.bin", dir);
    *w = *r = 0;
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return;
    (void)posix_fallocate(fd, 0, (off_t)total + (1 << 20));
    double t0 = now();
    size_t done = 0;
    for (unsigned i = 0; done < total; i++) {
        size_t n = blk_len(i);
        if (pwrite(fd, buf, n, (off_t)done) != (ssize_t)n)
            break;
        done += n;
    }
    *w = (double)done / (now() - t0) / 1e6;
    static uint8_t rb[BLK + 8192];
    t0 = now();
    size_t got = 0;
    for (unsigned i = 0; got < done; i++) {
        size_t n = blk_len(i);
        if (pread(fd, rb, n, (off_t)got) != (ssize_t)n)
            break;
        got += n;
    }
    *r = (double)got / (now() - t0) / 1e6;
    close(fd);
    unlink(path);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/bench_tape.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    int rc = 1;
    enum vtl_tape_rc r;
    struct vtl_tape *t = NULL;
    uint8_t *buf = malloc(BLK + 8192);
    for (size_t i = 0; i < BLK + 8192; i++)
        buf[i] = (uint8_t)(i * 131 + (i >> 11));
    struct vtl_tape_create_opts o = {.open_flags = VTL_TAPE_OPEN_NOSYNC};

    /* ---- WRITE / READ ---- */
    fprintf(stderr, "bench_tape: write %u MiB of ~256 KiB blocks\n", WRITE_MIB);
    if ((r = vtl_tape_create(dir, "BIG001L8", &o, &t)) != VTL_TAPE_OK)
        return fail("create", r);
    size_t total = (size_t)WRITE_MIB << 20, done = 0;
    unsigned nblk = 0;
    /* The OS's own rate first, then a clean page cache for the store: each writer starts
     * with no one else's dirty pages being written back. */
    double raw_w, raw_r;
    raw_io_mbps(dir, buf, total, &raw_w, &raw_r);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)syncfs(dfd); /* only a fairer start; failure changes no result */
        close(dfd);
    }
    double t0 = now();
    while (done < total) {
        size_t n = blk_len(nblk++);
        if ((r = vtl_tape_write(t, buf, n)) != VTL_TAPE_OK)
            return fail("write", r);
        done += n;
    }
    double wdt = now() - t0;
    double w_mbps = (double)done / wdt / 1e6, m_mbps = memcpy_mbps(buf, done);
    printf("| tape WRITE 256 KiB variable blocks (page cache, CRC-32C) | %.0f MB/s | >= 50%% of "
           "memcpy | memcpy %.0f MB/s / %.2f; raw pwrite %.0f MB/s / %.2f |\n",
           w_mbps, m_mbps, w_mbps / m_mbps, raw_w, w_mbps / raw_w);
    if ((r = vtl_tape_rewind(t)) != VTL_TAPE_OK)
        return fail("rewind", r);
    struct vtl_tape_read_result res;
    t0 = now();
    size_t got = 0;
    for (unsigned i = 0; i < nblk; i++) {
        if ((r = vtl_tape_read(t, buf, BLK + 8192, &res)) != VTL_TAPE_OK)
            return fail("read", r);
        got += res.copied;
    }
    double rdt = now() - t0;
    double r_mbps = (double)got / rdt / 1e6;
    printf("| tape READ 256 KiB variable blocks (CRC-32C verified) | %.0f MB/s | >= 50%% of "
           "memcpy | memcpy %.0f MB/s / %.2f; raw pread %.0f MB/s / %.2f |\n",
           r_mbps, m_mbps, r_mbps / m_mbps, raw_r, r_mbps / raw_r);
    vtl_tape_close(t);
    vtl_tape_remove(dir, "BIG001L8");

    /* ---- 1,000,000 small blocks: build, open, LOCATE ---- */
    fprintf(stderr, "bench_tape: build a %u-block image\n", N_SMALL);
    if ((r = vtl_tape_create(dir, "SMALL1L8", &o, &t)) != VTL_TAPE_OK)
        return fail("create", r);
    t0 = now();
    for (unsigned i = 0; i < N_SMALL; i++) {
        memcpy(buf, &i, sizeof i);
        if ((r = vtl_tape_write(t, buf, 16)) != VTL_TAPE_OK)
            return fail("write small", r);
    }
    double bdt = now() - t0;
    if ((r = vtl_tape_close(t)) != VTL_TAPE_OK)
        return fail("close", r);
    printf("| tape WRITE 16-byte blocks (append path) | %.2f us/block | O(1) amortised | - |\n",
           bdt / N_SMALL * 1e6);
    t0 = now();
    if ((r = vtl_tape_open(dir, "SMALL1L8", 0, &t)) != VTL_TAPE_OK)
        return fail("open", r);
    double odt = now() - t0;
    printf("| tape OPEN of a 1,000,000-block image (index rebuild) | %.0f ms | - | - |\n",
           odt * 1e3);
    unsigned seed = 42, n_loc = 200000;
    uint64_t check = 0;
    t0 = now();
    for (unsigned i = 0; i < n_loc; i++) {
        uint64_t to = (uint64_t)rand_r(&seed) % N_SMALL;
        if ((r = vtl_tape_locate(t, 0, to)) != VTL_TAPE_OK)
            return fail("locate", r);
        struct vtl_tape_pos p;
        vtl_tape_position(t, &p);
        check += p.object;
    }
    double ldt = now() - t0;
    printf(
        "| tape LOCATE to a random block of 1,000,000 + READ POSITION | %.3f us | <= 50 us | - |\n",
        ldt / n_loc * 1e6);
    /* with the block read after it, so the data path is included */
    unsigned n_lr = 20000;
    t0 = now();
    for (unsigned i = 0; i < n_lr; i++) {
        uint32_t to = (uint32_t)rand_r(&seed) % N_SMALL, v;
        (void)vtl_tape_locate(t, 0, to);
        if ((r = vtl_tape_read(t, buf, 64, &res)) != VTL_TAPE_OK)
            return fail("read small", r);
        memcpy(&v, buf, sizeof v);
        if (v != to) {
            fprintf(stderr, "bench_tape: block %u holds %u\n", to, v);
            return 1;
        }
    }
    double lrdt = now() - t0;
    printf("| tape LOCATE + READ of a random 16-byte block of 1,000,000 | %.2f us | - | - |\n",
           lrdt / n_lr * 1e6);
    vtl_tape_close(t);
    vtl_tape_remove(dir, "SMALL1L8");

    /* ---- SPACE over 10,000 filemarks ---- */
    fprintf(stderr, "bench_tape: build %u files\n", N_FILES);
    if ((r = vtl_tape_create(dir, "FILES1L8", &o, &t)) != VTL_TAPE_OK)
        return fail("create", r);
    for (unsigned i = 0; i < N_FILES; i++) {
        if ((r = vtl_tape_write(t, buf, 512)) != VTL_TAPE_OK ||
            (r = vtl_tape_write_marks(t, 1, false)) != VTL_TAPE_OK)
            return fail("write file", r);
    }
    unsigned rounds = 20000;
    t0 = now();
    for (unsigned i = 0; i < rounds; i++) {
        int64_t residue;
        (void)vtl_tape_rewind(t);
        if ((r = vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, N_FILES, &residue)) != VTL_TAPE_OK)
            return fail("space fwd", r);
        if ((r = vtl_tape_space(t, VTL_TAPE_SPACE_FILEMARKS, -(int64_t)N_FILES, &residue)) !=
            VTL_TAPE_OK)
            return fail("space back", r);
    }
    double sdt = now() - t0;
    printf("| tape SPACE over 10,000 filemarks (forward or back) | %.3f us | O(log n) | - |\n",
           sdt / (2.0 * rounds) * 1e6);
    vtl_tape_close(t);
    vtl_tape_remove(dir, "FILES1L8");
    fprintf(stderr, "bench_tape: checksum %llu\n", (unsigned long long)check);
    rc = 0;
    free(buf);
    if (rmdir(dir) != 0)
        perror(dir);
    return rc;
}
