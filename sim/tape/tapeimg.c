/* SPDX-License-Identifier: MIT
 * sim/tape/tapeimg.c - the tape image store: open/recover, write, read, position, space.
 *
 * Start with the struct vtl_tape comment below, then load_part() (how a partition is
 * rebuilt and its torn tail cut off on open) and vtl_tape_write() (the append path).
 * The on-disk format is in FORMAT.md; positioning rules are SSC-4 4.2 (logical objects)
 * and the SPACE/LOCATE command clauses.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "sim/tape/tape_int.h"

#define WBUF_CAP    (1024u * 1024) /* write-behind buffer for small records */
#define WBUF_DIRECT (64u * 1024)   /* payloads this large bypass the buffer */
#define IDX_BATCH   4096u          /* index entries written to disk at a time */
#define VERIFY_BACK 4u             /* synced records re-verified at open (see load_part) */
/* A tape drive compresses at line rate: zstd's fast levels keep the emulation cheap
 * (about twice level 1's speed) while the ratio stays real for the log pages. */
#define ZSTD_LEVEL  (-3)
#define PREALLOC    (64u * 1024 * 1024) /* data file space reserved ahead of appends */

/* One partition: its two files and the in-memory index.
 * obj[i] is object i's record offset | type << 60 | zstd bit; fm[] and sm[] are the
 * sorted object numbers of the filemarks and setmarks. data_end is the logical end of
 * the data file including bytes still in the write-behind buffer.
 * Invariant: obj offsets strictly increase; fm/sm hold exactly the marks of obj[]. */
struct tape_part {
    int dat_fd, idx_fd; /* -1 when absent (read-only open of a blank partition) */
    uint64_t *obj, *fm, *sm;
    size_t n_obj, cap_obj, n_fm, cap_fm, n_sm, cap_sm;
    uint64_t data_end;
    uint64_t idx_written;  /* index entries on disk (a prefix of obj[]) */
    uint64_t synced;       /* "synced objects" value stored in the index header */
    bool dirty;            /* data written or cut since the last sync */
    uint64_t prealloc_end; /* data file space reserved (beyond its size) up to here */
};

/* The image. Owned by one thread at a time (the drive's I/O worker); no locks inside.
 * Position: (cur, pos) with 0 <= pos <= part[cur].n_obj (== n_obj means at EOD).
 * The write-behind buffer holds the tail [wbuf_off, wbuf_off + wbuf_len) of partition
 * wbuf_part; it is written out before any read, cut, partition switch or sync. */
struct vtl_tape {
    int dirfd; /* the image directory; holds the flock */
    unsigned flags;
    struct tape_meta meta;
    bool meta_dirty;
    const struct vtl_tape_media_info *media;
    struct tape_part part[VTL_TAPE_MAX_PARTITIONS];
    unsigned cur;
    uint64_t pos;
    uint8_t *wbuf;
    size_t wbuf_len;
    uint64_t wbuf_off;
    unsigned wbuf_part;
    uint8_t *scratch, *zbuf; /* read/verify and compression buffers, grown on demand */
    size_t scratch_cap, zbuf_cap;
    ZSTD_CCtx *cctx;
    ZSTD_DCtx *dctx;
    struct tape_mam mam;
    bool no_prealloc; /* the file system cannot fallocate() */
};

static const struct vtl_tape_media_info media_table[] = {
    {"LTO5", UINT64_C(1500000000000), 0x58, 2},  {"LTO6", UINT64_C(2500000000000), 0x5A, 2},
    {"LTO7", UINT64_C(6000000000000), 0x5C, 4},  {"LTO7M8", UINT64_C(9000000000000), 0x5D, 4},
    {"LTO8", UINT64_C(12000000000000), 0x5E, 4}, {"LTO9", UINT64_C(18000000000000), 0x60, 4},
};

const struct vtl_tape_media_info *vtl_tape_media_lookup(const char *name)
{
    if (!name)
        return NULL;
    char norm[16];
    size_t n = 0;
    for (const char *c = name; *c; c++) {
        if (*c == '-' || *c == ' ')
            continue; /* "LTO-8" and "LTO 8" name the same media */
        if (n + 1 >= sizeof norm)
            return NULL;
        norm[n++] = *c;
    }
    norm[n] = '\0';
    for (size_t i = 0; i < sizeof media_table / sizeof media_table[0]; i++)
        if (strcasecmp(norm, media_table[i].name) == 0)
            return &media_table[i];
    return NULL;
}

const char *vtl_tape_rc_name(enum vtl_tape_rc rc)
{
    static const char *const names[] = {
        [VTL_TAPE_OK] = "VTL_TAPE_OK",
        [VTL_TAPE_FILEMARK] = "VTL_TAPE_FILEMARK",
        [VTL_TAPE_SETMARK] = "VTL_TAPE_SETMARK",
        [VTL_TAPE_EOD] = "VTL_TAPE_EOD",
        [VTL_TAPE_BOP] = "VTL_TAPE_BOP",
        [VTL_TAPE_EOM] = "VTL_TAPE_EOM",
        [VTL_TAPE_WORM] = "VTL_TAPE_WORM",
        [VTL_TAPE_WPROTECT] = "VTL_TAPE_WPROTECT",
        [VTL_TAPE_EINVAL] = "VTL_TAPE_EINVAL",
        [VTL_TAPE_ENOENT] = "VTL_TAPE_ENOENT",
        [VTL_TAPE_EEXIST] = "VTL_TAPE_EEXIST",
        [VTL_TAPE_EBUSY] = "VTL_TAPE_EBUSY",
        [VTL_TAPE_ECORRUPT] = "VTL_TAPE_ECORRUPT",
        [VTL_TAPE_EMEDIUM] = "VTL_TAPE_EMEDIUM",
        [VTL_TAPE_EREADONLY] = "VTL_TAPE_EREADONLY",
        [VTL_TAPE_ENOMEM] = "VTL_TAPE_ENOMEM",
        [VTL_TAPE_EIO] = "VTL_TAPE_EIO",
    };
    if ((unsigned)rc < sizeof names / sizeof names[0] && names[rc])
        return names[rc];
    return "VTL_TAPE_?";
}

/* ---- small helpers ---------------------------------------------------------------- */

static void prealloc_release(struct tape_part *p);

static bool nosync(const struct vtl_tape *t)
{
    return t->flags & VTL_TAPE_OPEN_NOSYNC;
}

static bool rdonly(const struct vtl_tape *t)
{
    return t->flags & VTL_TAPE_OPEN_RDONLY;
}

/* First index i with a[i] >= x (n if none). */
static size_t lower_bound(const uint64_t *a, size_t n, uint64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint64_t obj_off(const struct tape_part *p, uint64_t i)
{
    return i < p->n_obj ? (p->obj[i] & TAPE_OBJ_OFF_MASK) : p->data_end;
}

static int grow(uint64_t **a, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 1024;
    while (nc < need)
        nc *= 2;
    uint64_t *na = realloc(*a, nc * sizeof **a);
    if (!na)
        return -1;
    *a = na;
    *cap = nc;
    return 0;
}

static int grow_bytes(uint8_t **b, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    uint8_t *nb = realloc(*b, need);
    if (!nb)
        return -1;
    *b = nb;
    *cap = need;
    return 0;
}

static uint64_t part_cap(const struct vtl_tape *t, unsigned p)
{
    return t->meta.part_bytes[p];
}

static uint64_t part_ew(const struct vtl_tape *t, unsigned p)
{
    uint64_t cap = part_cap(t, p), ew = t->meta.ew_bytes;
    if (ew == 0) {
        ew = cap / 100;
        if (ew < 64 * 1024)
            ew = 64 * 1024;
    }
    return ew < cap ? ew : cap;
}

/* ---- file headers ------------------------------------------------------------------- */

static void dat_hdr_encode(uint8_t h[TAPE_DAT_HDR_LEN], unsigned part, uint64_t gen)
{
    memset(h, 0, TAPE_DAT_HDR_LEN);
    memcpy(h, TAPE_DAT_MAGIC, 8);
    tape_put_le32(h + 8, TAPE_VERSION);
    tape_put_le32(h + 12, part);
    tape_put_le64(h + 16, gen);
    tape_put_le32(h + 28, tape_crc32(0, h, 28));
}

static void idx_hdr_encode(uint8_t h[TAPE_IDX_HDR_LEN], unsigned part, uint64_t gen,
                           uint64_t synced)
{
    memset(h, 0, TAPE_IDX_HDR_LEN);
    memcpy(h, TAPE_IDX_MAGIC, 8);
    tape_put_le32(h + 8, TAPE_VERSION);
    tape_put_le32(h + 12, part);
    tape_put_le64(h + 16, gen);
    tape_put_le64(h + 24, synced);
    tape_put_le32(h + 32, tape_crc32(0, h, 32));
}

/* Index entry i: offset (56 bits) | flags << 56 (type, zstd), stored length, CRC seeded
 * with the entry number and generation so a stale entry never validates in another slot. */
static uint32_t idx_ent_crc(const uint8_t e[12], uint64_t i, uint64_t gen)
{
    uint8_t seed[16];
    tape_put_le64(seed, i);
    tape_put_le64(seed + 8, gen);
    return tape_crc32(tape_crc32(0, seed, 16), e, 12);
}

static void idx_ent_encode(uint8_t e[TAPE_IDX_ENT_LEN], uint64_t i, uint64_t objent,
                           uint32_t stored, uint64_t gen)
{
    uint64_t flags = TAPE_OBJ_TYPE(objent) | ((objent & TAPE_OBJ_ZSTD) ? 4u : 0u);
    tape_put_le64(e, (objent & TAPE_OBJ_OFF_MASK) | flags << 56);
    tape_put_le32(e + 8, stored);
    tape_put_le32(e + 12, idx_ent_crc(e, i, gen));
}

/* ---- write-behind buffer and index flushing ---------------------------------------- */

static enum vtl_tape_rc wbuf_flush(struct vtl_tape *t)
{
    if (t->wbuf_len == 0)
        return VTL_TAPE_OK;
    struct tape_part *p = &t->part[t->wbuf_part];
    if (tape_pwrite_full(p->dat_fd, t->wbuf, t->wbuf_len, t->wbuf_off) != 0)
        return VTL_TAPE_EIO;
    t->wbuf_len = 0;
    return VTL_TAPE_OK;
}

/* Appends index entries idx_written..n_obj-1 to the index file. The data they describe
 * must be on its way to disk first (wbuf flushed), so the index never runs ahead. */
static enum vtl_tape_rc idx_append(struct vtl_tape *t, unsigned pi)
{
    struct tape_part *p = &t->part[pi];
    uint8_t chunk[256 * TAPE_IDX_ENT_LEN];
    while (p->idx_written < p->n_obj) {
        uint64_t first = p->idx_written;
        size_t n = 0;
        for (uint64_t i = first; i < p->n_obj && n < 256; i++, n++) {
            uint64_t len = obj_off(p, i + 1) - (p->obj[i] & TAPE_OBJ_OFF_MASK) - TAPE_REC_HDR_LEN;
            idx_ent_encode(chunk + n * TAPE_IDX_ENT_LEN, i, p->obj[i], (uint32_t)len,
                           t->meta.generation);
        }
        if (tape_pwrite_full(p->idx_fd, chunk, n * TAPE_IDX_ENT_LEN,
                             TAPE_IDX_HDR_LEN + first * TAPE_IDX_ENT_LEN) != 0)
            return VTL_TAPE_EIO;
        p->idx_written = first + n;
    }
    return VTL_TAPE_OK;
}

static enum vtl_tape_rc idx_write_hdr(struct vtl_tape *t, unsigned pi)
{
    uint8_t h[TAPE_IDX_HDR_LEN];
    idx_hdr_encode(h, pi, t->meta.generation, t->part[pi].synced);
    return tape_pwrite_full(t->part[pi].idx_fd, h, sizeof h, 0) == 0 ? VTL_TAPE_OK : VTL_TAPE_EIO;
}

/* Durability point for one partition: data, then index, then the "synced" mark in the
 * index header. The order matters: the header must never claim records whose data could
 * still be lost, because open() re-verifies only what follows the synced mark. */
static enum vtl_tape_rc part_sync(struct vtl_tape *t, unsigned pi)
{
    struct tape_part *p = &t->part[pi];
    enum vtl_tape_rc rc = wbuf_flush(t);
    if (rc != VTL_TAPE_OK || p->dat_fd < 0)
        return rc;
    if (!p->dirty && p->idx_written == p->n_obj && p->synced == p->n_obj)
        return VTL_TAPE_OK;
    if (!nosync(t) && fdatasync(p->dat_fd) != 0)
        return VTL_TAPE_EIO;
    if ((rc = idx_append(t, pi)) != VTL_TAPE_OK)
        return rc;
    p->synced = p->n_obj;
    if ((rc = idx_write_hdr(t, pi)) != VTL_TAPE_OK)
        return rc;
    if (!nosync(t) && fdatasync(p->idx_fd) != 0)
        return VTL_TAPE_EIO;
    p->dirty = false;
    return VTL_TAPE_OK;
}

static enum vtl_tape_rc meta_save(struct vtl_tape *t)
{
    uint8_t buf[TAPE_META_LEN];
    tape_meta_encode(buf, &t->meta);
    if (tape_write_atomic(t->dirfd, "meta", buf, sizeof buf, !nosync(t)) != 0)
        return VTL_TAPE_EIO;
    t->meta_dirty = false;
    return VTL_TAPE_OK;
}

enum vtl_tape_rc vtl_tape_flush(struct vtl_tape *t)
{
    if (rdonly(t))
        return VTL_TAPE_OK;
    for (unsigned i = 0; i < t->meta.n_parts; i++) {
        enum vtl_tape_rc rc = part_sync(t, i);
        if (rc != VTL_TAPE_OK)
            return rc;
    }
    return t->meta_dirty ? meta_save(t) : VTL_TAPE_OK;
}

/* ---- opening and recovery ---------------------------------------------------------- */

static void part_free(struct tape_part *p)
{
    if (p->dat_fd >= 0)
        close(p->dat_fd);
    if (p->idx_fd >= 0)
        close(p->idx_fd);
    free(p->obj);
    free(p->fm);
    free(p->sm);
    *p = (struct tape_part){.dat_fd = -1, .idx_fd = -1};
}

static void part_name(char *out, size_t cap, unsigned pi, const char *ext)
{
    snprintf(out, cap, "p%u.%s", pi, ext);
}

/* Creates (or empties) partition @pi's two files with fresh headers. */
static enum vtl_tape_rc part_files_init(struct vtl_tape *t, unsigned pi)
{
    struct tape_part *p = &t->part[pi];
    char name[16];
    uint8_t h[TAPE_IDX_HDR_LEN];
    if (p->dat_fd < 0) {
        part_name(name, sizeof name, pi, "dat");
        p->dat_fd = openat(t->dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    }
    if (p->idx_fd < 0) {
        part_name(name, sizeof name, pi, "idx");
        p->idx_fd = openat(t->dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    }
    if (p->dat_fd < 0 || p->idx_fd < 0)
        return VTL_TAPE_EIO;
    dat_hdr_encode(h, pi, t->meta.generation);
    if (ftruncate(p->dat_fd, 0) != 0 || tape_pwrite_full(p->dat_fd, h, TAPE_DAT_HDR_LEN, 0))
        return VTL_TAPE_EIO;
    idx_hdr_encode(h, pi, t->meta.generation, 0);
    if (ftruncate(p->idx_fd, 0) != 0 || tape_pwrite_full(p->idx_fd, h, TAPE_IDX_HDR_LEN, 0))
        return VTL_TAPE_EIO;
    if (!nosync(t) && (fdatasync(p->dat_fd) != 0 || fdatasync(p->idx_fd) != 0))
        return VTL_TAPE_EIO;
    p->n_obj = p->n_fm = p->n_sm = 0;
    p->data_end = TAPE_DAT_HDR_LEN;
    p->prealloc_end = 0;
    p->idx_written = p->synced = 0;
    p->dirty = false;
    return VTL_TAPE_OK;
}

/* Reads and checks the whole record at @off as object @i: header, bounds, payload CRC.
 * On success fills @h. -1 if anything is wrong (the caller ends the partition there). */
static int verify_record(struct vtl_tape *t, struct tape_part *p, uint64_t i, uint64_t off,
                         uint64_t file_size, struct tape_rec_hdr *h)
{
    uint8_t hb[TAPE_REC_HDR_LEN];
    if (off + TAPE_REC_HDR_LEN > file_size || tape_pread_full(p->dat_fd, hb, sizeof hb, off) != 0 ||
        tape_rec_hdr_decode(hb, t->meta.generation, h) != 0 || h->object != i ||
        off + TAPE_REC_HDR_LEN + h->stored_len > file_size)
        return -1;
    if (h->stored_len == 0)
        return 0;
    if (grow_bytes(&t->scratch, &t->scratch_cap, h->stored_len) != 0 ||
        tape_pread_full(p->dat_fd, t->scratch, h->stored_len, off + TAPE_REC_HDR_LEN) != 0)
        return -1;
    return tape_crc32(0, t->scratch, h->stored_len) == h->payload_crc ? 0 : -1;
}

static uint64_t objent(uint64_t off, const struct tape_rec_hdr *h)
{
    return off | (uint64_t)h->type << 60 | ((h->flags & TAPE_REC_F_ZSTD) ? TAPE_OBJ_ZSTD : 0);
}

/* Loads the index file's valid prefix into p->obj: entries whose CRC holds, whose
 * offsets chain record to record from the data header, and that end inside the data
 * file. Returns the number accepted; *hdr_synced gets the header's synced count, or 0 if
 * the header is unusable (then every record gets verified). */
static enum vtl_tape_rc idx_load(struct vtl_tape *t, unsigned pi, uint64_t dat_size,
                                 uint64_t *n_valid, uint64_t *hdr_synced, uint64_t *n_disk,
                                 bool *hdr_ok)
{
    struct tape_part *p = &t->part[pi];
    uint8_t h[TAPE_IDX_HDR_LEN];
    struct stat st;
    *n_valid = *hdr_synced = *n_disk = 0;
    *hdr_ok = false;
    if (p->idx_fd < 0 || fstat(p->idx_fd, &st) != 0 || (uint64_t)st.st_size < sizeof h ||
        tape_pread_full(p->idx_fd, h, sizeof h, 0) != 0)
        return VTL_TAPE_OK;
    if (memcmp(h, TAPE_IDX_MAGIC, 8) != 0 || tape_get_le32(h + 8) != TAPE_VERSION ||
        tape_get_le32(h + 12) != pi || tape_get_le64(h + 16) != t->meta.generation ||
        tape_get_le32(h + 32) != tape_crc32(0, h, 32))
        return VTL_TAPE_OK; /* a stale or torn index is rebuilt from the data */
    *hdr_ok = true;
    *hdr_synced = tape_get_le64(h + 24);
    *n_disk = ((uint64_t)st.st_size - TAPE_IDX_HDR_LEN) / TAPE_IDX_ENT_LEN;

    uint8_t chunk[1024 * TAPE_IDX_ENT_LEN];
    uint64_t expect = TAPE_DAT_HDR_LEN, i = 0;
    while (i < *n_disk) {
        size_t n = *n_disk - i < 1024 ? (size_t)(*n_disk - i) : 1024;
        if (tape_pread_full(p->idx_fd, chunk, n * TAPE_IDX_ENT_LEN,
                            TAPE_IDX_HDR_LEN + i * TAPE_IDX_ENT_LEN) != 0)
            break;
        if (grow(&p->obj, &p->cap_obj, (size_t)(i + n)) != 0)
            return VTL_TAPE_ENOMEM;
        for (size_t k = 0; k < n; k++, i++) {
            const uint8_t *e = chunk + k * TAPE_IDX_ENT_LEN;
            uint64_t w = tape_get_le64(e);
            uint64_t off = w & ((UINT64_C(1) << 56) - 1);
            unsigned fl = (unsigned)(w >> 56), type = fl & 3u;
            uint32_t stored = tape_get_le32(e + 8);
            if (tape_get_le32(e + 12) != idx_ent_crc(e, i, t->meta.generation) || off != expect ||
                type == 0 || (fl & ~7u) || off + TAPE_REC_HDR_LEN + stored > dat_size)
                goto done;
            p->obj[i] = off | (uint64_t)type << 60 | ((fl & 4u) ? TAPE_OBJ_ZSTD : 0);
            expect = off + TAPE_REC_HDR_LEN + stored;
        }
    }
done:
    *n_valid = i;
    p->n_obj = (size_t)i;
    p->data_end = expect;
    return VTL_TAPE_OK;
}

/* Rebuilds partition @pi (FORMAT.md "Recovery on open"):
 *  1. take the index file's valid prefix;
 *  2. fully verify (header and payload CRC) every indexed record after the header's
 *     synced mark, and the last VERIFY_BACK before it; the first bad one ends the data;
 *  3. scan the data file past the last good indexed record for complete, checksummed
 *     records (written but not yet indexed when the process died, or described wrongly
 *     by a damaged index);
 *  4. writable: cut both files to what survived, so later appends never sit before
 *     stale bytes. */
static enum vtl_tape_rc load_part(struct vtl_tape *t, unsigned pi)
{
    struct tape_part *p = &t->part[pi];
    bool wr = !rdonly(t);
    char name[16];
    uint8_t h[TAPE_DAT_HDR_LEN];
    struct stat st;
    enum vtl_tape_rc rc;

    part_name(name, sizeof name, pi, "dat");
    p->dat_fd = openat(t->dirfd, name, (wr ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (p->dat_fd < 0 && errno != ENOENT)
        return VTL_TAPE_EIO;
    part_name(name, sizeof name, pi, "idx");
    p->idx_fd = openat(t->dirfd, name, (wr ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (p->idx_fd < 0 && errno != ENOENT)
        return VTL_TAPE_EIO;
    p->data_end = TAPE_DAT_HDR_LEN;

    bool blank = p->dat_fd < 0;
    if (!blank) {
        if (fstat(p->dat_fd, &st) != 0)
            return VTL_TAPE_EIO;
        if ((uint64_t)st.st_size < TAPE_DAT_HDR_LEN) {
            blank = true; /* created but its header never made it: nothing was recorded */
        } else {
            if (tape_pread_full(p->dat_fd, h, sizeof h, 0) != 0)
                return VTL_TAPE_EIO;
            if (memcmp(h, TAPE_DAT_MAGIC, 8) != 0 || tape_get_le32(h + 8) != TAPE_VERSION ||
                tape_get_le32(h + 12) != pi || tape_get_le32(h + 28) != tape_crc32(0, h, 28))
                return tape_fail(VTL_TAPE_ECORRUPT,
                                 "p%u.dat: bad file header (magic, "
                                 "version, partition or checksum)",
                                 pi);
            /* A valid header of another generation: a FORMAT committed its metadata and
             * died before recreating this file. The partition is blank. */
            blank = tape_get_le64(h + 16) != t->meta.generation;
        }
    }
    if (blank) {
        if (wr)
            return part_files_init(t, pi);
        if (p->dat_fd >= 0)
            close(p->dat_fd);
        if (p->idx_fd >= 0)
            close(p->idx_fd);
        p->dat_fd = p->idx_fd = -1;
        return VTL_TAPE_OK;
    }

    uint64_t dat_size = (uint64_t)st.st_size, n_idx, hdr_synced, n_disk;
    bool hdr_ok;
    if ((rc = idx_load(t, pi, dat_size, &n_idx, &hdr_synced, &n_disk, &hdr_ok)) != VTL_TAPE_OK)
        return rc;
    uint64_t synced = hdr_synced < n_idx ? hdr_synced : n_idx;
    uint64_t from = synced > VERIFY_BACK ? synced - VERIFY_BACK : 0;
    struct tape_rec_hdr rh;
    uint64_t n = n_idx;
    for (uint64_t i = from; i < n_idx; i++) {
        uint64_t off = p->obj[i] & TAPE_OBJ_OFF_MASK;
        if (verify_record(t, p, i, off, dat_size, &rh) != 0 || objent(off, &rh) != p->obj[i] ||
            obj_off(p, i + 1) != off + TAPE_REC_HDR_LEN + rh.stored_len) {
            /* Record i (or its entry) is not what the index says. The data decides: the
             * index stops here and the scan below takes whatever sound records follow. */
            n = i;
            break;
        }
    }
    p->n_obj = (size_t)n;
    p->data_end = n < n_idx ? (p->obj[n] & TAPE_OBJ_OFF_MASK) : p->data_end;
    n_idx = n;
    for (;;) {
        uint64_t off = p->data_end;
        if (verify_record(t, p, n, off, dat_size, &rh) != 0)
            break;
        if (grow(&p->obj, &p->cap_obj, (size_t)n + 1) != 0)
            return VTL_TAPE_ENOMEM;
        p->obj[n++] = objent(off, &rh);
        p->n_obj = (size_t)n;
        p->data_end = off + TAPE_REC_HDR_LEN + rh.stored_len;
    }
    for (size_t i = 0; i < p->n_obj; i++) {
        unsigned ty = TAPE_OBJ_TYPE(p->obj[i]);
        if (ty == TAPE_REC_FILEMARK) {
            if (grow(&p->fm, &p->cap_fm, p->n_fm + 1) != 0)
                return VTL_TAPE_ENOMEM;
            p->fm[p->n_fm++] = i;
        } else if (ty == TAPE_REC_SETMARK) {
            if (grow(&p->sm, &p->cap_sm, p->n_sm + 1) != 0)
                return VTL_TAPE_ENOMEM;
            p->sm[p->n_sm++] = i;
        }
    }
    p->idx_written = n_idx < n ? n_idx : n;
    p->synced = synced < n ? synced : n;
    if (wr) {
        bool bad_hdr = !hdr_ok;
        /* Cuts a torn tail; at the same size it still frees space a killed writer had
         * reserved past the end (see prealloc()). */
        if (ftruncate(p->dat_fd, (off_t)p->data_end) != 0)
            return VTL_TAPE_EIO;
        if (p->idx_fd < 0) {
            part_name(name, sizeof name, pi, "idx");
            p->idx_fd = openat(t->dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
            if (p->idx_fd < 0)
                return VTL_TAPE_EIO;
            bad_hdr = true;
        }
        if (n_disk > p->idx_written || bad_hdr || hdr_synced > p->synced) {
            if (ftruncate(p->idx_fd,
                          (off_t)(TAPE_IDX_HDR_LEN + p->idx_written * TAPE_IDX_ENT_LEN)) != 0 ||
                idx_write_hdr(t, pi) != VTL_TAPE_OK)
                return VTL_TAPE_EIO;
        }
        /* Records found by the scan are not in the index yet: the next sync writes them. */
        p->dirty = p->idx_written < p->n_obj;
    }
    return VTL_TAPE_OK;
}

static void tape_free(struct vtl_tape *t)
{
    for (unsigned i = 0; i < VTL_TAPE_MAX_PARTITIONS; i++)
        part_free(&t->part[i]);
    if (t->dirfd >= 0)
        close(t->dirfd); /* also drops the flock */
    free(t->wbuf);
    free(t->scratch);
    free(t->zbuf);
    ZSTD_freeCCtx(t->cctx);
    ZSTD_freeDCtx(t->dctx);
    tape_mam_free(&t->mam);
    free(t);
}

enum vtl_tape_rc tape_open_path(const char *path, unsigned flags, struct vtl_tape **out)
{
    *out = NULL;
    struct vtl_tape *t = calloc(1, sizeof *t);
    if (!t)
        return VTL_TAPE_ENOMEM;
    t->flags = flags;
    for (unsigned i = 0; i < VTL_TAPE_MAX_PARTITIONS; i++)
        t->part[i].dat_fd = t->part[i].idx_fd = -1;
    enum vtl_tape_rc rc = VTL_TAPE_OK;
    uint8_t mb[TAPE_META_LEN];
    t->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (t->dirfd < 0) {
        rc = errno == ENOENT || errno == ENOTDIR ? VTL_TAPE_ENOENT : VTL_TAPE_EIO;
        goto fail;
    }
    /* One handle per image: two writers would interleave appends and cut each other. */
    if (flock(t->dirfd, (rdonly(t) ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
        rc = errno == EWOULDBLOCK ? VTL_TAPE_EBUSY : VTL_TAPE_EIO;
        goto fail;
    }
    /* tmpfs has no block allocation to speed up: reserving there only costs. */
    struct statfs sfs;
    t->no_prealloc = fstatfs(t->dirfd, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC;
    ssize_t ml = tape_read_small(t->dirfd, "meta", mb, sizeof mb);
    if (ml < 0) {
        rc = errno == ENOENT  ? VTL_TAPE_ENOENT
             : errno == EFBIG ? tape_fail(VTL_TAPE_ECORRUPT, "%s/meta: too large", path)
                              : tape_fail(VTL_TAPE_EIO, "%s/meta: %s", path, strerror(errno));
        goto fail;
    }
    if (ml != TAPE_META_LEN || tape_meta_decode(mb, &t->meta) != 0) {
        rc = tape_fail(VTL_TAPE_ECORRUPT, "%s/meta: %s", path,
                       ml != TAPE_META_LEN ? "wrong size" : "bad magic, field or checksum");
        goto fail;
    }
    t->media = vtl_tape_media_lookup(t->meta.media);
    if ((rc = tape_mam_load(t->dirfd, &t->mam)) != VTL_TAPE_OK) {
        if (rc == VTL_TAPE_ECORRUPT || rc == VTL_TAPE_EIO)
            tape_fail(rc, "%s/mam: %s", path,
                      rc == VTL_TAPE_EIO ? strerror(errno) : "bad magic, entry or checksum");
        goto fail;
    }
    t->wbuf = malloc(WBUF_CAP);
    t->cctx = ZSTD_createCCtx();
    t->dctx = ZSTD_createDCtx();
    if (!t->wbuf || !t->cctx || !t->dctx) {
        rc = VTL_TAPE_ENOMEM;
        goto fail;
    }
    for (unsigned i = 0; i < t->meta.n_parts; i++) {
        if ((rc = load_part(t, i)) != VTL_TAPE_OK) {
            if (rc == VTL_TAPE_EIO)
                tape_fail(rc, "%s/p%u: %s", path, i, strerror(errno));
            else if (rc == VTL_TAPE_ECORRUPT) {
                char detail[256];
                snprintf(detail, sizeof detail, "%s", vtl_tape_last_error());
                tape_fail(rc, "%s/%s", path, detail);
            }
            goto fail;
        }
    }
    *out = t;
    return VTL_TAPE_OK;
fail:
    tape_free(t);
    return rc;
}

static int image_path(char *out, size_t cap, const char *dir, const char *barcode)
{
    if (!dir || !tape_barcode_ok(barcode))
        return -1;
    return snprintf(out, cap, "%s/%s", dir, barcode) < (int)cap ? 0 : -1;
}

enum vtl_tape_rc vtl_tape_open(const char *dir, const char *barcode, unsigned flags,
                               struct vtl_tape **out)
{
    char path[4096];
    *out = NULL;
    if (image_path(path, sizeof path, dir, barcode) != 0)
        return VTL_TAPE_EINVAL;
    return tape_open_path(path, flags, out);
}

enum vtl_tape_rc vtl_tape_close(struct vtl_tape *t)
{
    if (!t)
        return VTL_TAPE_OK;
    enum vtl_tape_rc rc = vtl_tape_flush(t);
    if (!rdonly(t) && rc == VTL_TAPE_OK)
        for (unsigned i = 0; i < t->meta.n_parts; i++)
            prealloc_release(&t->part[i]);
    tape_free(t);
    return rc;
}

/* Fills @m for a new or reformatted cartridge. */
static enum vtl_tape_rc layout(struct tape_meta *m, const struct vtl_tape_media_info *mi,
                               uint64_t total, unsigned n_parts, const uint64_t *part_bytes)
{
    if (n_parts == 0)
        n_parts = 1;
    if (n_parts > VTL_TAPE_MAX_PARTITIONS || n_parts > mi->max_partitions)
        return VTL_TAPE_EINVAL;
    bool given = false;
    for (unsigned i = 0; part_bytes && i < n_parts; i++)
        given |= part_bytes[i] != 0;
    memset(m->part_bytes, 0, sizeof m->part_bytes);
    for (unsigned i = 0; i < n_parts; i++) {
        uint64_t b = given ? part_bytes[i] : total / n_parts;
        if (b < 4096 || b > (UINT64_C(1) << 58))
            return VTL_TAPE_EINVAL; /* room for a few records; offsets stay in 60 bits */
        m->part_bytes[i] = b;
    }
    m->n_parts = n_parts;
    return VTL_TAPE_OK;
}

static uint64_t new_generation(void)
{
    uint64_t g = 0;
    if (getrandom(&g, sizeof g, 0) != (ssize_t)sizeof g) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts); /* no entropy: still differs per format */
        g = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32;
    }
    return g;
}

/* Builds a cartridge directory in a temporary name beside the final one, so a crash or
 * failure never leaves a half-made image under the barcode. */
enum vtl_tape_rc vtl_tape_create(const char *dir, const char *barcode,
                                 const struct vtl_tape_create_opts *opts, struct vtl_tape **out)
{
    static const struct vtl_tape_create_opts defaults = {0};
    char path[4096], tmp[4096];
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (image_path(path, sizeof path, dir, barcode) != 0)
        return VTL_TAPE_EINVAL;
    const struct vtl_tape_media_info *mi =
        vtl_tape_media_lookup(opts->media ? opts->media : "LTO8");
    if (!mi)
        return VTL_TAPE_EINVAL;
    struct tape_meta m = {0};
    snprintf(m.media, sizeof m.media, "%s", mi->name);
    m.worm = opts->worm;
    m.ew_bytes = opts->ew_bytes;
    m.generation = new_generation();
    enum vtl_tape_rc rc =
        layout(&m, mi, opts->capacity_bytes ? opts->capacity_bytes : mi->native_bytes,
               opts->n_partitions, opts->part_bytes);
    if (rc != VTL_TAPE_OK)
        return rc;
    if (access(path, F_OK) == 0)
        return VTL_TAPE_EEXIST;
    if (snprintf(tmp, sizeof tmp, "%s/.%s.new.%ld", dir, barcode, (long)getpid()) >=
        (int)sizeof tmp)
        return VTL_TAPE_EINVAL;
    if (mkdir(tmp, 0755) != 0)
        return errno == ENOENT ? VTL_TAPE_ENOENT : VTL_TAPE_EIO;
    bool sync = !(opts->open_flags & VTL_TAPE_OPEN_NOSYNC);
    int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    uint8_t mb[TAPE_META_LEN];
    tape_meta_encode(mb, &m);
    rc = VTL_TAPE_EIO;
    if (dfd >= 0 && tape_write_atomic(dfd, "meta", mb, sizeof mb, sync) == 0) {
        /* Partition files appear at first open (load_part() initialises missing ones). */
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
            rc = VTL_TAPE_OK;
        else if (errno == EEXIST || errno == ENOTEMPTY)
            rc = VTL_TAPE_EEXIST;
    }
    if (dfd >= 0)
        close(dfd);
    if (rc != VTL_TAPE_OK) {
        char f[4200];
        snprintf(f, sizeof f, "%s/meta", tmp);
        (void)unlink(f); /* cleanup is best effort; the temp name is never opened */
        snprintf(f, sizeof f, "%s/meta.tmp", tmp);
        (void)unlink(f);
        (void)rmdir(tmp);
        return rc;
    }
    rc = tape_open_path(path, opts->open_flags & ~(unsigned)VTL_TAPE_OPEN_RDONLY, out);
    if (rc == VTL_TAPE_OK && sync) {
        int pfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pfd >= 0) {
            (void)fsync(pfd); /* the new name is durable; failure only risks the name */
            close(pfd);
        }
    }
    return rc;
}

int tape_rm_image(const char *path)
{
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    static const char *const fixed[] = {"meta", "meta.tmp", "mam", "mam.tmp"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        (void)unlinkat(dfd, fixed[i], 0); /* absent files are fine */
    for (unsigned i = 0; i < VTL_TAPE_MAX_PARTITIONS; i++) {
        char name[16];
        part_name(name, sizeof name, i, "dat");
        (void)unlinkat(dfd, name, 0);
        part_name(name, sizeof name, i, "idx");
        (void)unlinkat(dfd, name, 0);
    }
    close(dfd);
    return rmdir(path);
}

enum vtl_tape_rc vtl_tape_remove(const char *dir, const char *barcode)
{
    char path[4096];
    if (image_path(path, sizeof path, dir, barcode) != 0)
        return VTL_TAPE_EINVAL;
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return errno == ENOENT ? VTL_TAPE_ENOENT : VTL_TAPE_EIO;
    if (flock(dfd, LOCK_EX | LOCK_NB) != 0) {
        close(dfd);
        return VTL_TAPE_EBUSY;
    }
    int r = tape_rm_image(path); /* our flock stays held until dfd closes */
    close(dfd);
    return r == 0 ? VTL_TAPE_OK : VTL_TAPE_EIO;
}

/* ---- writing ------------------------------------------------------------------------ */

/* May a write start at the current position? WORM allows only appending, or overwriting
 * a run of filemarks that reaches EOD (FORMAT.md, "WORM"). */
static enum vtl_tape_rc write_allowed(const struct vtl_tape *t)
{
    if (rdonly(t))
        return VTL_TAPE_EREADONLY;
    if (t->meta.wprotect)
        return VTL_TAPE_WPROTECT;
    const struct tape_part *p = &t->part[t->cur];
    if (t->meta.worm && t->pos < p->n_obj) {
        uint64_t fms_after = p->n_fm - lower_bound(p->fm, p->n_fm, t->pos);
        if (fms_after != p->n_obj - t->pos)
            return VTL_TAPE_WORM;
    }
    return VTL_TAPE_OK;
}

/* Ends the partition at the current position (everything after it is discarded). Data
 * file first, then index: a crash between leaves index entries past the data's end,
 * which open() drops. */
static enum vtl_tape_rc cut_here(struct vtl_tape *t)
{
    struct tape_part *p = &t->part[t->cur];
    if (t->pos >= p->n_obj)
        return VTL_TAPE_OK;
    enum vtl_tape_rc rc = wbuf_flush(t);
    if (rc != VTL_TAPE_OK)
        return rc;
    uint64_t end = obj_off(p, t->pos);
    if (ftruncate(p->dat_fd, (off_t)end) != 0)
        return VTL_TAPE_EIO;
    p->prealloc_end = 0; /* the truncation freed the reserve too */
    if (p->synced > t->pos) {
        p->synced = t->pos;
        if ((rc = idx_write_hdr(t, t->cur)) != VTL_TAPE_OK)
            return rc;
    }
    if (p->idx_written > t->pos) {
        if (ftruncate(p->idx_fd, (off_t)(TAPE_IDX_HDR_LEN + t->pos * TAPE_IDX_ENT_LEN)) != 0)
            return VTL_TAPE_EIO;
        p->idx_written = t->pos;
    }
    p->n_obj = (size_t)t->pos;
    p->n_fm = lower_bound(p->fm, p->n_fm, t->pos);
    p->n_sm = lower_bound(p->sm, p->n_sm, t->pos);
    p->data_end = end;
    p->dirty = true;
    return VTL_TAPE_OK;
}

/* Reserves file space ahead of the append point. Why: on ext4, writes that extend a file
 * allocate blocks one page at a time and run at a fraction of the speed of writes into
 * reserved space (measured 0.4 vs 6.7 GB/s). KEEP_SIZE leaves the file size at the data's
 * end, so recovery never sees the reserve; close() gives the unused part back. */
static void prealloc(struct vtl_tape *t, struct tape_part *p, uint64_t need_end)
{
    if (t->no_prealloc || p->prealloc_end >= need_end)
        return;
    /* The reserve grows with the file (1 MiB up to PREALLOC): small images, such as a
     * label written and the tape unloaded, do not pay for reserving and freeing 64 MiB
     * (costly where freeing blocks means a discard). */
    uint64_t step = p->data_end < PREALLOC ? p->data_end : PREALLOC;
    if (step < (1u << 20))
        step = 1u << 20;
    uint64_t limit = TAPE_DAT_HDR_LEN + part_cap(t, t->cur);
    uint64_t to = need_end + step < limit ? need_end + step : limit;
    uint64_t from = p->prealloc_end > p->data_end ? p->prealloc_end : p->data_end;
    if (to <= from)
        return;
    if (fallocate(p->dat_fd, FALLOC_FL_KEEP_SIZE, (off_t)from, (off_t)(to - from)) != 0 &&
        (errno == EOPNOTSUPP || errno == ENOSYS))
        t->no_prealloc = true; /* other errors (ENOSPC) surface at the write itself */
    p->prealloc_end = to;
}

/* Gives back the reserve past the data's end (ftruncate to the same size frees blocks
 * allocated beyond it). */
static void prealloc_release(struct tape_part *p)
{
    if (p->dat_fd >= 0 && p->prealloc_end > p->data_end)
        (void)ftruncate(p->dat_fd, (off_t)p->data_end); /* only space is at stake */
    p->prealloc_end = 0;
}

/* Appends one record at the end of the current partition (the caller has cut there). */
static enum vtl_tape_rc append_record(struct vtl_tape *t, const uint8_t hdr[TAPE_REC_HDR_LEN],
                                      const void *payload, size_t len)
{
    struct tape_part *p = &t->part[t->cur];
    enum vtl_tape_rc rc;
    size_t rec = TAPE_REC_HDR_LEN + len;
    prealloc(t, p, p->data_end + rec);
    if (t->wbuf_len &&
        (t->wbuf_part != t->cur || t->wbuf_len + rec > WBUF_CAP || len >= WBUF_DIRECT))
        if ((rc = wbuf_flush(t)) != VTL_TAPE_OK)
            return rc;
    if (len >= WBUF_DIRECT) {
        /* Large blocks go straight to the page cache: copying them through the buffer
         * would only add a memcpy. */
        struct iovec iov[2] = {{(void *)hdr, TAPE_REC_HDR_LEN}, {(void *)payload, len}};
        ssize_t n = pwritev(p->dat_fd, iov, 2, (off_t)p->data_end);
        if (n < 0 && errno != EINTR)
            return VTL_TAPE_EIO;
        size_t done = n > 0 ? (size_t)n : 0; /* finish a short write piece by piece */
        if (done < TAPE_REC_HDR_LEN &&
            tape_pwrite_full(p->dat_fd, hdr + done, TAPE_REC_HDR_LEN - done, p->data_end + done) !=
                0)
            return VTL_TAPE_EIO;
        size_t pdone = done > TAPE_REC_HDR_LEN ? done - TAPE_REC_HDR_LEN : 0;
        if (pdone < len &&
            tape_pwrite_full(p->dat_fd, (const uint8_t *)payload + pdone, len - pdone,
                             p->data_end + TAPE_REC_HDR_LEN + pdone) != 0)
            return VTL_TAPE_EIO;
    } else {
        if (t->wbuf_len == 0) {
            t->wbuf_off = p->data_end;
            t->wbuf_part = t->cur;
        }
        memcpy(t->wbuf + t->wbuf_len, hdr, TAPE_REC_HDR_LEN);
        if (len)
            memcpy(t->wbuf + t->wbuf_len + TAPE_REC_HDR_LEN, payload, len);
        t->wbuf_len += rec;
    }
    p->data_end += rec;
    p->dirty = true;
    return VTL_TAPE_OK;
}

/* Records the appended object in the in-memory index (capacity reserved by the caller). */
static void index_push(struct tape_part *p, uint64_t ent)
{
    uint64_t i = p->n_obj;
    p->obj[p->n_obj++] = ent;
    if (TAPE_OBJ_TYPE(ent) == TAPE_REC_FILEMARK)
        p->fm[p->n_fm++] = i;
    else if (TAPE_OBJ_TYPE(ent) == TAPE_REC_SETMARK)
        p->sm[p->n_sm++] = i;
}

static enum vtl_tape_rc reserve(struct tape_part *p, size_t n_new, unsigned type)
{
    if (grow(&p->obj, &p->cap_obj, p->n_obj + n_new) != 0)
        return VTL_TAPE_ENOMEM;
    if (type == TAPE_REC_FILEMARK && grow(&p->fm, &p->cap_fm, p->n_fm + n_new) != 0)
        return VTL_TAPE_ENOMEM;
    if (type == TAPE_REC_SETMARK && grow(&p->sm, &p->cap_sm, p->n_sm + n_new) != 0)
        return VTL_TAPE_ENOMEM;
    return VTL_TAPE_OK;
}

/* Bytes recorded before object @i of partition @p: what early warning is measured on. */
static uint64_t bytes_before(const struct tape_part *p, uint64_t i)
{
    return obj_off(p, i) - TAPE_DAT_HDR_LEN;
}

enum vtl_tape_rc vtl_tape_write(struct vtl_tape *t, const void *buf, size_t len)
{
    enum vtl_tape_rc rc = write_allowed(t);
    if (rc != VTL_TAPE_OK)
        return rc;
    if (len == 0 || len > VTL_TAPE_MAX_BLOCK || !buf)
        return VTL_TAPE_EINVAL;
    struct tape_part *p = &t->part[t->cur];

    const void *payload = buf;
    size_t stored = len;
    unsigned flags = 0;
    if (t->meta.compress) {
        size_t bound = ZSTD_compressBound(len);
        if (grow_bytes(&t->zbuf, &t->zbuf_cap, bound) != 0)
            return VTL_TAPE_ENOMEM;
        size_t z = ZSTD_compressCCtx(t->cctx, t->zbuf, bound, buf, len, ZSTD_LEVEL);
        if (!ZSTD_isError(z) && z < len) {
            payload = t->zbuf;
            stored = z;
            flags = TAPE_REC_F_ZSTD;
        }
    }
    uint64_t rec = TAPE_REC_HDR_LEN + stored;
    if (bytes_before(p, t->pos) + rec > part_cap(t, t->cur))
        return VTL_TAPE_EOM; /* VOLUME OVERFLOW: nothing written, nothing cut */
    if ((rc = reserve(p, 1, TAPE_REC_BLOCK)) != VTL_TAPE_OK || (rc = cut_here(t)) != VTL_TAPE_OK)
        return rc;

    struct tape_rec_hdr h = {
        .type = TAPE_REC_BLOCK,
        .flags = flags,
        .object = t->pos,
        .host_len = (uint32_t)len,
        .stored_len = (uint32_t)stored,
        .payload_crc = tape_crc32(0, payload, stored),
    };
    uint8_t hb[TAPE_REC_HDR_LEN];
    tape_rec_hdr_encode(hb, &h, t->meta.generation);
    uint64_t off = p->data_end;
    if ((rc = append_record(t, hb, payload, stored)) != VTL_TAPE_OK)
        return rc;
    index_push(p, objent(off, &h));
    t->pos++;
    t->meta.ctr.host_bytes_written += len;
    t->meta.ctr.medium_bytes_written += rec;
    t->meta.ctr.blocks_written++;
    t->meta.ctr.compressed_blocks += flags ? 1 : 0;
    t->meta_dirty = true;
    /* Keep the on-disk index close behind so reopening never has far to scan. */
    if (p->n_obj - p->idx_written >= IDX_BATCH) {
        if ((rc = wbuf_flush(t)) != VTL_TAPE_OK || (rc = idx_append(t, t->cur)) != VTL_TAPE_OK)
            return rc;
    }
    return VTL_TAPE_OK;
}

enum vtl_tape_rc vtl_tape_write_marks(struct vtl_tape *t, uint32_t count, bool setmark)
{
    enum vtl_tape_rc rc = write_allowed(t);
    if (rc != VTL_TAPE_OK)
        return rc;
    struct tape_part *p = &t->part[t->cur];
    unsigned type = setmark ? TAPE_REC_SETMARK : TAPE_REC_FILEMARK;
    if (count > 0) {
        if (bytes_before(p, t->pos) + (uint64_t)count * TAPE_REC_HDR_LEN > part_cap(t, t->cur))
            return VTL_TAPE_EOM;
        if ((rc = reserve(p, count, type)) != VTL_TAPE_OK || (rc = cut_here(t)) != VTL_TAPE_OK)
            return rc;
    }
    for (uint32_t k = 0; k < count; k++) {
        struct tape_rec_hdr h = {.type = type, .object = t->pos};
        uint8_t hb[TAPE_REC_HDR_LEN];
        tape_rec_hdr_encode(hb, &h, t->meta.generation);
        uint64_t off = p->data_end;
        if ((rc = append_record(t, hb, NULL, 0)) != VTL_TAPE_OK)
            return rc;
        index_push(p, objent(off, &h));
        t->pos++;
        t->meta.ctr.medium_bytes_written += TAPE_REC_HDR_LEN;
        t->meta.ctr.marks_written++;
        t->meta_dirty = true;
    }
    return part_sync(t, t->cur);
}

enum vtl_tape_rc vtl_tape_erase(struct vtl_tape *t, bool long_erase)
{
    (void)long_erase; /* both forms leave nothing after the position in this model */
    if (rdonly(t))
        return VTL_TAPE_EREADONLY;
    if (t->meta.wprotect)
        return VTL_TAPE_WPROTECT;
    if (t->meta.worm && t->pos < t->part[t->cur].n_obj)
        return VTL_TAPE_WORM;
    enum vtl_tape_rc rc = cut_here(t);
    return rc != VTL_TAPE_OK ? rc : part_sync(t, t->cur);
}

enum vtl_tape_rc vtl_tape_format(struct vtl_tape *t, unsigned n_partitions,
                                 const uint64_t *part_bytes)
{
    if (rdonly(t))
        return VTL_TAPE_EREADONLY;
    if (t->meta.wprotect)
        return VTL_TAPE_WPROTECT;
    bool any = false;
    for (unsigned i = 0; i < t->meta.n_parts; i++)
        any |= t->part[i].n_obj > 0;
    if (t->meta.worm && any)
        return VTL_TAPE_WORM;
    uint64_t total = 0;
    for (unsigned i = 0; i < t->meta.n_parts; i++)
        total += t->meta.part_bytes[i];
    struct tape_meta m = t->meta;
    enum vtl_tape_rc rc = layout(&m, t->media, total, n_partitions, part_bytes);
    if (rc != VTL_TAPE_OK)
        return rc;
    /* Commit point: the new metadata (new generation) makes every old record invalid at
     * once; the partition files are then recreated (load_part() finishes the job if we
     * die in between). */
    m.generation = new_generation();
    struct tape_meta old = t->meta;
    t->meta = m;
    if ((rc = meta_save(t)) != VTL_TAPE_OK) {
        t->meta = old;
        return rc;
    }
    t->wbuf_len = 0; /* the buffered tail belonged to the old contents */
    for (unsigned i = 0; i < VTL_TAPE_MAX_PARTITIONS; i++) {
        if (i < m.n_parts) {
            if ((rc = part_files_init(t, i)) != VTL_TAPE_OK)
                return rc;
        } else {
            char name[16];
            part_free(&t->part[i]);
            part_name(name, sizeof name, i, "dat");
            (void)unlinkat(t->dirfd, name, 0); /* may not exist */
            part_name(name, sizeof name, i, "idx");
            (void)unlinkat(t->dirfd, name, 0);
        }
    }
    t->cur = 0;
    t->pos = 0;
    return VTL_TAPE_OK;
}

/* ---- reading ------------------------------------------------------------------------ */

enum vtl_tape_rc vtl_tape_read(struct vtl_tape *t, void *buf, size_t cap,
                               struct vtl_tape_read_result *res)
{
    struct vtl_tape_read_result dummy;
    if (!res)
        res = &dummy;
    *res = (struct vtl_tape_read_result){0};
    struct tape_part *p = &t->part[t->cur];
    if (t->pos >= p->n_obj)
        return VTL_TAPE_EOD;
    uint64_t ent = p->obj[t->pos];
    unsigned type = TAPE_OBJ_TYPE(ent);
    if (type != TAPE_REC_BLOCK) {
        t->pos++;
        res->kind = type == TAPE_REC_FILEMARK ? VTL_TAPE_FILEMARK_OBJ : VTL_TAPE_SETMARK_OBJ;
        return type == TAPE_REC_FILEMARK ? VTL_TAPE_FILEMARK : VTL_TAPE_SETMARK;
    }
    enum vtl_tape_rc rc = VTL_TAPE_OK;
    if (t->wbuf_len && t->wbuf_part == t->cur && (rc = wbuf_flush(t)) != VTL_TAPE_OK)
        return rc;
    uint64_t off = ent & TAPE_OBJ_OFF_MASK;
    size_t stored = (size_t)(obj_off(p, t->pos + 1) - off - TAPE_REC_HDR_LEN);
    bool zstd = ent & TAPE_OBJ_ZSTD;
    uint8_t hb[TAPE_REC_HDR_LEN];
    struct tape_rec_hdr h;
    /* Uncompressed and the host's buffer is big enough: read straight into it. */
    uint8_t *dst = (!zstd && cap >= stored) ? buf : NULL;
    if (!dst) {
        if (grow_bytes(&t->scratch, &t->scratch_cap, stored) != 0)
            return VTL_TAPE_ENOMEM;
        dst = t->scratch;
    }
    struct iovec iov[2] = {{hb, sizeof hb}, {dst, stored}};
    ssize_t got = preadv(p->dat_fd, iov, 2, (off_t)off);
    size_t done = got > 0 ? (size_t)got : 0; /* finish a short read piece by piece */
    if (got < 0 && errno != EINTR)
        return VTL_TAPE_EIO;
    if ((done < sizeof hb &&
         tape_pread_full(p->dat_fd, hb + done, sizeof hb - done, off + done) != 0) ||
        (done < sizeof hb + stored &&
         tape_pread_full(p->dat_fd, dst + (done > sizeof hb ? done - sizeof hb : 0),
                         stored - (done > sizeof hb ? done - sizeof hb : 0),
                         off + (done > sizeof hb ? done : sizeof hb)) != 0))
        return VTL_TAPE_EIO;
    t->pos++; /* past the block whatever its state, as a drive moves past a bad block */
    t->meta.ctr.medium_bytes_read += TAPE_REC_HDR_LEN + stored;
    t->meta_dirty = true;
    if (tape_rec_hdr_decode(hb, t->meta.generation, &h) != 0 || h.object != t->pos - 1 ||
        h.stored_len != stored || h.type != TAPE_REC_BLOCK ||
        tape_crc32(0, dst, stored) != h.payload_crc)
        goto bad;
    res->kind = VTL_TAPE_BLOCK;
    res->block_len = h.host_len;
    res->copied = h.host_len < cap ? h.host_len : cap;
    if (zstd) {
        if (cap >= h.host_len) {
            size_t z = ZSTD_decompressDCtx(t->dctx, buf, cap, dst, stored);
            if (ZSTD_isError(z) || z != h.host_len)
                goto bad;
        } else {
            if (grow_bytes(&t->zbuf, &t->zbuf_cap, h.host_len) != 0)
                return VTL_TAPE_ENOMEM;
            size_t z = ZSTD_decompressDCtx(t->dctx, t->zbuf, h.host_len, dst, stored);
            if (ZSTD_isError(z) || z != h.host_len)
                goto bad;
            memcpy(buf, t->zbuf, res->copied);
        }
    } else if (dst != buf && res->copied) {
        memcpy(buf, dst, res->copied);
    }
    t->meta.ctr.host_bytes_read += res->copied;
    t->meta.ctr.blocks_read++;
    return VTL_TAPE_OK;
bad:
    *res = (struct vtl_tape_read_result){.kind = VTL_TAPE_BLOCK};
    t->meta.ctr.medium_errors++;
    return VTL_TAPE_EMEDIUM;
}

/* ---- positioning -------------------------------------------------------------------- */

void vtl_tape_position(const struct vtl_tape *t, struct vtl_tape_pos *out)
{
    const struct tape_part *p = &t->part[t->cur];
    size_t fi = lower_bound(p->fm, p->n_fm, t->pos);
    uint64_t cap = part_cap(t, t->cur), ew = part_ew(t, t->cur);
    uint64_t at = bytes_before(p, t->pos);
    uint64_t pew_point = cap - ew > t->meta.pew_bytes ? cap - ew - t->meta.pew_bytes : 0;
    *out = (struct vtl_tape_pos){
        .partition = t->cur,
        .object = t->pos,
        .file = fi,
        .setmarks = lower_bound(p->sm, p->n_sm, t->pos),
        .block_in_file = fi ? t->pos - (p->fm[fi - 1] + 1) : t->pos,
        .eod_object = p->n_obj,
        .bytes_used = bytes_before(p, p->n_obj),
        .bytes_at_pos = at,
        .capacity = cap,
        .bop = t->pos == 0,
        .eod = t->pos == p->n_obj,
        .past_pew = t->meta.pew_bytes > 0 && at >= pew_point,
        .past_ew = at >= cap - ew,
        .at_pe = at + TAPE_REC_HDR_LEN > cap,
    };
}

enum vtl_tape_rc vtl_tape_rewind(struct vtl_tape *t)
{
    t->pos = 0;
    return VTL_TAPE_OK;
}

enum vtl_tape_rc vtl_tape_locate(struct vtl_tape *t, unsigned partition, uint64_t object)
{
    if (partition >= t->meta.n_parts)
        return VTL_TAPE_EINVAL;
    t->cur = partition;
    const struct tape_part *p = &t->part[partition];
    if (object > p->n_obj) {
        t->pos = p->n_obj;
        return VTL_TAPE_EOD;
    }
    t->pos = object;
    return VTL_TAPE_OK;
}

enum vtl_tape_rc vtl_tape_locate_file(struct vtl_tape *t, unsigned partition, uint64_t file)
{
    if (partition >= t->meta.n_parts)
        return VTL_TAPE_EINVAL;
    t->cur = partition;
    const struct tape_part *p = &t->part[partition];
    if (file == 0) {
        t->pos = 0;
        return VTL_TAPE_OK;
    }
    if (file > p->n_fm) {
        t->pos = p->n_obj;
        return VTL_TAPE_EOD;
    }
    t->pos = p->fm[file - 1] + 1;
    return VTL_TAPE_OK;
}

/* Spacing by blocks: the next (or previous) mark of either kind bounds the motion. */
static enum vtl_tape_rc space_blocks(struct vtl_tape *t, int64_t count, int64_t *residue)
{
    const struct tape_part *p = &t->part[t->cur];
    uint64_t pos = t->pos;
    size_t fi = lower_bound(p->fm, p->n_fm, pos), si = lower_bound(p->sm, p->n_sm, pos);
    if (count > 0) {
        uint64_t want = (uint64_t)count;
        uint64_t nf = fi < p->n_fm ? p->fm[fi] : UINT64_MAX;
        uint64_t ns = si < p->n_sm ? p->sm[si] : UINT64_MAX;
        uint64_t mark = nf < ns ? nf : ns;
        uint64_t stop = mark < p->n_obj ? mark : p->n_obj;
        if (stop - pos >= want) {
            t->pos = pos + want;
            return VTL_TAPE_OK;
        }
        *residue = (int64_t)(want - (stop - pos));
        if (mark < p->n_obj) {
            t->pos = mark + 1; /* EOP side of the mark */
            return mark == nf ? VTL_TAPE_FILEMARK : VTL_TAPE_SETMARK;
        }
        t->pos = p->n_obj;
        return VTL_TAPE_EOD;
    }
    uint64_t want = (uint64_t)(-(count + 1)) + 1; /* |count| without overflow at INT64_MIN */
    int64_t pf = fi ? (int64_t)p->fm[fi - 1] : -1, ps = si ? (int64_t)p->sm[si - 1] : -1;
    int64_t mark = pf > ps ? pf : ps;
    uint64_t avail = pos - (uint64_t)(mark + 1);
    if (avail >= want) {
        t->pos = pos - want;
        return VTL_TAPE_OK;
    }
    *residue = -(int64_t)(want - avail);
    if (mark >= 0) {
        t->pos = (uint64_t)mark; /* BOP side of the mark */
        return mark == pf ? VTL_TAPE_FILEMARK : VTL_TAPE_SETMARK;
    }
    t->pos = 0;
    return VTL_TAPE_BOP;
}

/* Spacing by marks of one kind (@m, @n): others are passed over. */
static enum vtl_tape_rc space_marks(struct vtl_tape *t, const uint64_t *m, size_t n, int64_t count,
                                    int64_t *residue)
{
    const struct tape_part *p = &t->part[t->cur];
    size_t before = lower_bound(m, n, t->pos); /* marks before the position */
    if (count > 0) {
        uint64_t want = (uint64_t)count;
        if (n - before >= want) {
            t->pos = m[before + want - 1] + 1;
            return VTL_TAPE_OK;
        }
        *residue = (int64_t)(want - (n - before));
        t->pos = p->n_obj;
        return VTL_TAPE_EOD;
    }
    uint64_t want = (uint64_t)(-(count + 1)) + 1;
    if (before >= want) {
        t->pos = m[before - want];
        return VTL_TAPE_OK;
    }
    *residue = -(int64_t)(want - before);
    t->pos = 0;
    return VTL_TAPE_BOP;
}

enum vtl_tape_rc vtl_tape_space(struct vtl_tape *t, enum vtl_tape_space_code code, int64_t count,
                                int64_t *residue)
{
    int64_t dummy;
    if (!residue)
        residue = &dummy;
    *residue = 0;
    const struct tape_part *p = &t->part[t->cur];
    switch (code) {
    case VTL_TAPE_SPACE_EOD:
        t->pos = p->n_obj;
        return VTL_TAPE_OK;
    case VTL_TAPE_SPACE_BLOCKS:
        return count == 0 ? VTL_TAPE_OK : space_blocks(t, count, residue);
    case VTL_TAPE_SPACE_FILEMARKS:
        return count == 0 ? VTL_TAPE_OK : space_marks(t, p->fm, p->n_fm, count, residue);
    case VTL_TAPE_SPACE_SETMARKS:
        return count == 0 ? VTL_TAPE_OK : space_marks(t, p->sm, p->n_sm, count, residue);
    }
    return VTL_TAPE_EINVAL;
}

/* ---- settings, counters -------------------------------------------------------------- */

static enum vtl_tape_rc set_meta(struct vtl_tape *t, struct tape_meta m)
{
    if (rdonly(t))
        return VTL_TAPE_EREADONLY;
    struct tape_meta old = t->meta;
    t->meta = m;
    enum vtl_tape_rc rc = meta_save(t);
    if (rc != VTL_TAPE_OK)
        t->meta = old;
    return rc;
}

enum vtl_tape_rc vtl_tape_set_compression(struct vtl_tape *t, bool on)
{
    struct tape_meta m = t->meta;
    m.compress = on;
    return set_meta(t, m);
}

bool vtl_tape_compression(const struct vtl_tape *t)
{
    return t->meta.compress;
}

enum vtl_tape_rc vtl_tape_set_write_protect(struct vtl_tape *t, bool on)
{
    struct tape_meta m = t->meta;
    m.wprotect = on;
    return set_meta(t, m);
}

bool vtl_tape_write_protected(const struct vtl_tape *t)
{
    return t->meta.wprotect;
}

bool vtl_tape_is_worm(const struct vtl_tape *t)
{
    return t->meta.worm;
}

enum vtl_tape_rc vtl_tape_set_early_warning(struct vtl_tape *t, uint64_t ew_bytes,
                                            uint64_t pew_bytes)
{
    struct tape_meta m = t->meta;
    m.ew_bytes = ew_bytes;
    m.pew_bytes = pew_bytes;
    return set_meta(t, m);
}

const struct vtl_tape_media_info *vtl_tape_media(const struct vtl_tape *t)
{
    return t->media;
}

unsigned vtl_tape_partitions(const struct vtl_tape *t)
{
    return t->meta.n_parts;
}

void vtl_tape_partition_bytes(const struct vtl_tape *t, unsigned partition, uint64_t *capacity,
                              uint64_t *used)
{
    *capacity = *used = 0;
    if (partition >= t->meta.n_parts)
        return;
    *capacity = part_cap(t, partition);
    *used = bytes_before(&t->part[partition], t->part[partition].n_obj);
}

void vtl_tape_get_counters(const struct vtl_tape *t, struct vtl_tape_counters *out)
{
    *out = t->meta.ctr;
}

void vtl_tape_count_load(struct vtl_tape *t)
{
    t->meta.ctr.loads++;
    t->meta_dirty = true;
}

/* ---- for tape_mam.c and tape_xport.c ------------------------------------------------ */

struct tape_meta *tape_meta_of(struct vtl_tape *t)
{
    return &t->meta;
}

struct tape_mam *tape_mam_of(struct vtl_tape *t)
{
    return &t->mam;
}

int tape_dirfd_of(struct vtl_tape *t)
{
    return t->dirfd;
}

bool tape_rdonly_of(const struct vtl_tape *t)
{
    return rdonly(t);
}

enum vtl_tape_rc tape_part_extent(struct vtl_tape *t, unsigned pi, int *fd, uint64_t *end,
                                  uint64_t *n_obj)
{
    if (pi >= t->meta.n_parts)
        return VTL_TAPE_EINVAL;
    enum vtl_tape_rc rc = wbuf_flush(t);
    if (rc != VTL_TAPE_OK)
        return rc;
    *fd = t->part[pi].dat_fd;
    *end = t->part[pi].data_end;
    *n_obj = t->part[pi].n_obj;
    return VTL_TAPE_OK;
}
