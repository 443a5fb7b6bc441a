/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_vtl_tapeimg.c - libFuzzer target for the tape image store (sim/tape).
 *
 * The first byte picks what the rest of the input is (bit 7 set: the image is WORM):
 *   0  the records of partition 0's data file (after a valid file header): open must
 *      accept or reject, and recovery must be idempotent (a second open sees the same);
 *   1  partition 0's index file, beside a valid data file: the index is only a cache, so
 *      every object must still be there;
 *   2  an OTAPE1 export stream for vtl_tape_import(): refused or imported, and an
 *      imported cartridge opens;
 *   3  an operation sequence on a fresh small cartridge.
 * In modes 0-2 the bytes left after the part consumed are run as operations too, and
 * every run ends with close + reopen, which must succeed.
 * Images live in a private directory under /dev/shm (or $TMPDIR) for speed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/tape/tape_int.h"
#include "sim/tape/tapeimg.h"

#define BC "FUZZ01"

static char g_dir[256];
static uint8_t g_block[70000];

static void rm_img(void)
{
    char p[300];
    snprintf(p, sizeof p, "%s/" BC, g_dir);
    (void)tape_rm_image(p); /* absent on the first run */
}

/* Leaves no scratch directory behind when the process exits normally. */
static void cleanup(void)
{
    char p[300];
    rm_img();
    snprintf(p, sizeof p, "%s/stream", g_dir);
    (void)unlink(p);
    (void)rmdir(g_dir);
}

static int init_once(void)
{
    if (g_dir[0])
        return 0;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/fuzz_tapeimg.XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(g_dir))
        return -1;
    atexit(cleanup);
    for (size_t i = 0; i < sizeof g_block; i++)
        g_block[i] = (uint8_t)(i * 7 + (i >> 9));
    return 0;
}

/* An image with generation 0 (so inputs can carry valid record CRCs), 2 partitions of
 * 512 KiB each (so early warning and EOM are reachable). */
static int make_image(const uint8_t *dat, size_t dat_len, bool with_dat, bool worm)
{
    char p[300];
    snprintf(p, sizeof p, "%s/" BC, g_dir);
    if (mkdir(p, 0755) != 0)
        return -1;
    struct tape_meta m = {
        .generation = 0, .n_parts = 2, .worm = worm, .part_bytes = {512 * 1024, 512 * 1024}};
    strcpy(m.media, "LTO8");
    uint8_t mb[TAPE_META_LEN];
    tape_meta_encode(mb, &m);
    int dfd = open(p, O_RDONLY | O_DIRECTORY);
    if (dfd < 0)
        return -1;
    int rc = tape_write_atomic(dfd, "meta", mb, sizeof mb, false);
    if (rc == 0 && with_dat) {
        uint8_t h[TAPE_DAT_HDR_LEN] = {0};
        memcpy(h, TAPE_DAT_MAGIC, 8);
        tape_put_le32(h + 8, TAPE_VERSION);
        tape_put_le32(h + 28, tape_crc32(0, h, 28));
        int fd = openat(dfd, "p0.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || tape_pwrite_full(fd, h, sizeof h, 0) != 0 ||
            (dat_len && tape_pwrite_full(fd, dat, dat_len, sizeof h) != 0))
            rc = -1;
        if (fd >= 0)
            close(fd);
    }
    close(dfd);
    return rc;
}

static void write_file(const char *name, const uint8_t *d, size_t n)
{
    char p[300];
    snprintf(p, sizeof p, "%s/" BC "/%s", g_dir, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        return;
    if (n)
        (void)!fwrite(d, 1, n, f);
    fclose(f);
}

static void check(bool ok)
{
    if (!ok)
        __builtin_trap(); /* an invariant broke: make libFuzzer keep the input */
}

static void pos_invariants(struct vtl_tape *t)
{
    struct vtl_tape_pos p;
    vtl_tape_position(t, &p);
    check(p.object <= p.eod_object);
    check(p.file <= p.object && p.setmarks <= p.object);
    check(p.bytes_at_pos <= p.bytes_used && p.bytes_used <= p.capacity);
    check(p.eod == (p.object == p.eod_object) && p.bop == (p.object == 0));
}

/* Runs operations from @d until it runs out. */
/* @own_data: every block on the tape was written from g_block (so reads can be checked). */
static void run_ops(struct vtl_tape *t, const uint8_t *d, size_t n, bool own_data)
{
    static uint8_t rbuf[70000];
    size_t i = 0;
    while (i < n) {
        uint8_t op = d[i++];
        uint8_t a = i < n ? d[i] : 0, b = i + 1 < n ? d[i + 1] : 0;
        switch (op % 14) {
        case 0:
        case 1:
        case 2: {
            size_t len = 1 + (((size_t)a << 8 | b) % (sizeof g_block - 1));
            i += 2;
            enum vtl_tape_rc rc = vtl_tape_write(t, g_block, len);
            check(rc == VTL_TAPE_OK || rc == VTL_TAPE_EOM || rc == VTL_TAPE_WORM ||
                  rc == VTL_TAPE_WPROTECT);
            break;
        }
        case 3:
            i++;
            (void)vtl_tape_write_marks(t, a % 3, a & 0x80); /* refusals are fine */
            break;
        case 4:
        case 5: {
            struct vtl_tape_read_result r;
            size_t cap = a % 2 ? sizeof rbuf : (size_t)a * 64;
            i++;
            enum vtl_tape_rc rc = vtl_tape_read(t, rbuf, cap, &r);
            check(rc != VTL_TAPE_EIO);
            if (rc == VTL_TAPE_OK) {
                check(r.copied == (r.block_len < cap ? r.block_len : cap));
                if (own_data) /* all our blocks are prefixes of g_block */
                    check(memcmp(rbuf, g_block, r.copied) == 0);
            }
            break;
        }
        case 6: {
            int64_t res, count = (int8_t)b;
            i += 2;
            enum vtl_tape_rc rc = vtl_tape_space(t, (enum vtl_tape_space_code)(a % 4), count, &res);
            check(rc == VTL_TAPE_OK ? res == 0
                                    : (count > 0 ? res > 0 : res < 0) || rc == VTL_TAPE_EINVAL);
            break;
        }
        case 7:
            i += 2;
            (void)vtl_tape_locate(t, a % 3, b);
            break;
        case 8:
            (void)vtl_tape_rewind(t);
            break;
        case 9:
            i++;
            (void)vtl_tape_erase(t, a & 1);
            break;
        case 10:
            check(vtl_tape_flush(t) == VTL_TAPE_OK);
            break;
        case 11:
            i++;
            (void)vtl_tape_set_compression(t, a & 1);
            break;
        case 12:
            i++;
            if (a % 5 == 0)
                (void)vtl_tape_format(t, 1 + a % 3, NULL);
            else
                (void)vtl_tape_attr_set(t, a, 1, false, g_block, b, false);
            break;
        case 13:
            i++;
            (void)vtl_tape_set_write_protect(t, a % 4 == 0);
            break;
        }
        pos_invariants(t);
    }
}

/* Object counts of every partition, to compare two opens. */
static void snapshot(struct vtl_tape *t, uint64_t out[VTL_TAPE_MAX_PARTITIONS])
{
    for (unsigned p = 0; p < VTL_TAPE_MAX_PARTITIONS; p++) {
        out[p] = UINT64_MAX;
        if (vtl_tape_locate(t, p, 0) == VTL_TAPE_OK) {
            struct vtl_tape_pos pos;
            vtl_tape_position(t, &pos);
            out[p] = pos.eod_object;
        }
    }
    (void)vtl_tape_locate(t, 0, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || init_once() != 0)
        return 0;
    rm_img();
    unsigned mode = data[0] % 4;
    bool worm = data[0] & 0x80; /* bit 7: a WORM cartridge (modes 0, 1 and 3) */
    data++;
    size--;
    size_t split = size > 2 ? size - size / 4 : size; /* first 3/4: file; rest: ops */
    struct vtl_tape *t = NULL;
    uint64_t a[VTL_TAPE_MAX_PARTITIONS], b[VTL_TAPE_MAX_PARTITIONS];

    if (mode == 0 || mode == 1) {
        if (mode == 0) {
            if (make_image(data, split, true, worm) != 0)
                return 0;
        } else {
            /* a valid image with a few objects, then the fuzzed index beside it */
            if (make_image(NULL, 0, false, worm) != 0 || vtl_tape_open(g_dir, BC, 0, &t) != 0)
                return 0;
            for (int k = 0; k < 5; k++)
                (void)vtl_tape_write(t, g_block, 100 + k * 1000);
            (void)vtl_tape_write_marks(t, 1, false);
            vtl_tape_close(t);
            t = NULL;
            write_file("p0.idx", data, split);
        }
        enum vtl_tape_rc rc = vtl_tape_open(g_dir, BC, 0, &t);
        check(rc == VTL_TAPE_OK || rc == VTL_TAPE_ECORRUPT);
        if (rc != VTL_TAPE_OK)
            return 0;
        snapshot(t, a);
        if (mode == 1)
            check(a[0] == 6);
        vtl_tape_close(t);
        check(vtl_tape_open(g_dir, BC, 0, &t) == VTL_TAPE_OK);
        snapshot(t, b);
        check(memcmp(a, b, sizeof a) == 0); /* recovery is idempotent */
    } else if (mode == 2) {
        char sp[300], bc2[300];
        snprintf(sp, sizeof sp, "%s/stream", g_dir);
        snprintf(bc2, sizeof bc2, "%s/" BC, g_dir);
        FILE *f = fopen(sp, "wb");
        if (!f)
            return 0;
        if (split)
            (void)!fwrite(data, 1, split, f);
        fclose(f);
        enum vtl_tape_rc rc = vtl_tape_import(sp, g_dir, BC);
        check(rc == VTL_TAPE_OK || rc == VTL_TAPE_ECORRUPT);
        if (rc != VTL_TAPE_OK) {
            check(access(bc2, F_OK) != 0); /* a refused import leaves nothing */
            return 0;
        }
        check(vtl_tape_open(g_dir, BC, 0, &t) == VTL_TAPE_OK);
    } else {
        if (make_image(NULL, 0, false, worm) != 0)
            return 0;
        check(vtl_tape_open(g_dir, BC, VTL_TAPE_OPEN_NOSYNC, &t) == VTL_TAPE_OK);
        split = 0;
    }
    run_ops(t, data + split, size - split, mode == 1 || mode == 3);
    check(vtl_tape_close(t) == VTL_TAPE_OK);
    check(vtl_tape_open(g_dir, BC, 0, &t) == VTL_TAPE_OK);
    pos_invariants(t);
    vtl_tape_close(t);
    return 0;
}
