/* SPDX-License-Identifier: MIT
 * sim/tape/tape_fmt.c - byte layouts of the tape image files (record header, metadata)
 * and the small file helpers the store needs. Layouts: sim/tape/FORMAT.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/tape/tape_int.h"

/* Record header CRCs are seeded with the image generation, so a record left over from
 * before a FORMAT (same offsets, valid CRC of its own) is never taken for a current one. */
static uint32_t rec_seed(uint64_t generation)
{
    uint8_t g[8];
    tape_put_le64(g, generation);
    return tape_crc32(0, g, sizeof g);
}

void tape_rec_hdr_encode(uint8_t out[TAPE_REC_HDR_LEN], const struct tape_rec_hdr *h,
                         uint64_t generation)
{
    tape_put_le32(out + 0, TAPE_REC_MAGIC);
    out[4] = (uint8_t)h->type;
    out[5] = (uint8_t)h->flags;
    tape_put_le16(out + 6, 0);
    tape_put_le64(out + 8, h->object);
    tape_put_le32(out + 16, h->host_len);
    tape_put_le32(out + 20, h->stored_len);
    tape_put_le32(out + 24, h->payload_crc);
    tape_put_le32(out + 28, tape_crc32(rec_seed(generation), out, 28));
}

int tape_rec_hdr_decode(const uint8_t in[TAPE_REC_HDR_LEN], uint64_t generation,
                        struct tape_rec_hdr *out)
{
    if (tape_get_le32(in) != TAPE_REC_MAGIC)
        return -1;
    if (tape_get_le32(in + 28) != tape_crc32(rec_seed(generation), in, 28))
        return -1;
    struct tape_rec_hdr h = {
        .type = in[4],
        .flags = in[5],
        .object = tape_get_le64(in + 8),
        .host_len = tape_get_le32(in + 16),
        .stored_len = tape_get_le32(in + 20),
        .payload_crc = tape_get_le32(in + 24),
    };
    if (tape_get_le16(in + 6) != 0 || (h.flags & ~TAPE_REC_F_ZSTD) != 0)
        return -1;
    if (h.type == TAPE_REC_BLOCK) {
        if (h.host_len == 0 || h.host_len > VTL_TAPE_MAX_BLOCK || h.stored_len == 0)
            return -1;
        if (!(h.flags & TAPE_REC_F_ZSTD) && h.stored_len != h.host_len)
            return -1;
        if ((h.flags & TAPE_REC_F_ZSTD) && h.stored_len >= h.host_len)
            return -1; /* stored compressed only when that saved space */
    } else if (h.type == TAPE_REC_FILEMARK || h.type == TAPE_REC_SETMARK) {
        if (h.host_len != 0 || h.stored_len != 0 || h.flags != 0 || h.payload_crc != 0)
            return -1;
    } else {
        return -1;
    }
    *out = h;
    return 0;
}

/* Metadata layout (FORMAT.md "meta"):
 *   0 magic[8]  8 version  12 flags  16 media[16]  32 generation  40 n_parts  44 reserved
 *  48 ew_bytes  56 pew_bytes  64 part_bytes[4]  96 counters[10]  176 crc32(0..175) */
void tape_meta_encode(uint8_t out[TAPE_META_LEN], const struct tape_meta *m)
{
    memset(out, 0, TAPE_META_LEN);
    memcpy(out, TAPE_META_MAGIC, 8);
    tape_put_le32(out + 8, TAPE_VERSION);
    tape_put_le32(out + 12, (m->worm ? 1u : 0) | (m->wprotect ? 2u : 0) | (m->compress ? 4u : 0));
    memcpy(out + 16, m->media, 16);
    tape_put_le64(out + 32, m->generation);
    tape_put_le32(out + 40, m->n_parts);
    tape_put_le64(out + 48, m->ew_bytes);
    tape_put_le64(out + 56, m->pew_bytes);
    for (unsigned i = 0; i < VTL_TAPE_MAX_PARTITIONS; i++)
        tape_put_le64(out + 64 + 8 * i, m->part_bytes[i]);
    const uint64_t c[10] = {
        m->ctr.host_bytes_written, m->ctr.host_bytes_read,   m->ctr.medium_bytes_written,
        m->ctr.medium_bytes_read,  m->ctr.blocks_written,    m->ctr.blocks_read,
        m->ctr.marks_written,      m->ctr.compressed_blocks, m->ctr.loads,
        m->ctr.medium_errors,
    };
    for (unsigned i = 0; i < 10; i++)
        tape_put_le64(out + 96 + 8 * i, c[i]);
    tape_put_le32(out + 176, tape_crc32(0, out, 176));
}

int tape_meta_decode(const uint8_t in[TAPE_META_LEN], struct tape_meta *out)
{
    if (memcmp(in, TAPE_META_MAGIC, 8) != 0 || tape_get_le32(in + 8) != TAPE_VERSION)
        return -1;
    if (tape_get_le32(in + 176) != tape_crc32(0, in, 176))
        return -1;
    struct tape_meta m = {0};
    uint32_t flags = tape_get_le32(in + 12);
    if (flags & ~7u)
        return -1;
    m.worm = flags & 1;
    m.wprotect = flags & 2;
    m.compress = flags & 4;
    memcpy(m.media, in + 16, 16);
    if (m.media[15] != '\0' || vtl_tape_media_lookup(m.media) == NULL)
        return -1;
    m.generation = tape_get_le64(in + 32);
    m.n_parts = tape_get_le32(in + 40);
    if (m.n_parts < 1 || m.n_parts > VTL_TAPE_MAX_PARTITIONS)
        return -1;
    m.ew_bytes = tape_get_le64(in + 48);
    m.pew_bytes = tape_get_le64(in + 56);
    for (unsigned i = 0; i < VTL_TAPE_MAX_PARTITIONS; i++) {
        m.part_bytes[i] = tape_get_le64(in + 64 + 8 * i);
        /* A partition must hold at least its header and one mark; offsets stay < 2^60. */
        if (i < m.n_parts &&
            (m.part_bytes[i] < TAPE_REC_HDR_LEN || m.part_bytes[i] > (UINT64_C(1) << 58)))
            return -1;
        if (i >= m.n_parts && m.part_bytes[i] != 0)
            return -1;
    }
    uint64_t c[10];
    for (unsigned i = 0; i < 10; i++)
        c[i] = tape_get_le64(in + 96 + 8 * i);
    m.ctr = (struct vtl_tape_counters){
        .host_bytes_written = c[0],
        .host_bytes_read = c[1],
        .medium_bytes_written = c[2],
        .medium_bytes_read = c[3],
        .blocks_written = c[4],
        .blocks_read = c[5],
        .marks_written = c[6],
        .compressed_blocks = c[7],
        .loads = c[8],
        .medium_errors = c[9],
    };
    *out = m;
    return 0;
}

int tape_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO; /* short file: the caller asked for bytes that are not there */
            return -1;
        }
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

int tape_pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

int tape_write_atomic(int dirfd, const char *name, const void *buf, size_t len, bool sync)
{
    char tmp[64];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", name) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    if (tape_pwrite_full(fd, buf, len, 0) != 0 || (sync && fsync(fd) != 0)) {
        int e = errno;
        close(fd);
        (void)unlinkat(dirfd, tmp, 0); /* best effort: the old file is still intact */
        errno = e;
        return -1;
    }
    if (close(fd) != 0 || renameat(dirfd, tmp, dirfd, name) != 0) {
        int e = errno;
        (void)unlinkat(dirfd, tmp, 0);
        errno = e;
        return -1;
    }
    if (sync && fsync(dirfd) != 0)
        return -1;
    return 0;
}

ssize_t tape_read_small(int dirfd, const char *name, void *buf, size_t cap)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    for (;;) {
        if (len == cap) {
            /* one more byte would not fit: a file larger than any valid one */
            uint8_t extra;
            ssize_t n = read(fd, &extra, 1);
            close(fd);
            if (n != 0) {
                errno = EFBIG;
                return -1;
            }
            return (ssize_t)len;
        }
        ssize_t n = read(fd, (uint8_t *)buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    return (ssize_t)len;
}

int tape_barcode_ok(const char *barcode)
{
    size_t n = barcode ? strlen(barcode) : 0;
    if (n == 0 || n > VTL_TAPE_BARCODE_MAX || barcode[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = barcode[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.';
        if (!ok)
            return 0;
    }
    return 1;
}

/* One buffer per thread: an image belongs to one thread at a time, and a failed open has
 * no handle to carry the message. */
static _Thread_local char last_err[256];

enum vtl_tape_rc tape_fail(enum vtl_tape_rc rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_err, sizeof last_err, fmt, ap);
    va_end(ap);
    return rc;
}

const char *vtl_tape_last_error(void)
{
    return last_err;
}
