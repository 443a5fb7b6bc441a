/* SPDX-License-Identifier: MIT
 * sim/tape/tape_int.h - internals shared by the tape image store's files (tapeimg.c core,
 * tape_mam.c attributes, tape_xport.c import/export). Not for use outside sim/tape/.
 *
 * The byte layouts named here are documented in sim/tape/FORMAT.md; all integers on
 * disk are little-endian and go through the le helpers below.
 */
#ifndef OPENRSM_SIM_TAPE_TAPE_INT_H
#define OPENRSM_SIM_TAPE_TAPE_INT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "sim/tape/tapeimg.h"

/* ---- on-disk sizes and magics (FORMAT.md) ---- */
#define TAPE_META_MAGIC "OTAPEMD1"
#define TAPE_DAT_MAGIC  "OTAPEDT1"
#define TAPE_IDX_MAGIC  "OTAPEIX1"
#define TAPE_MAM_MAGIC  "OTAPEMA1"
#define TAPE_VERSION    1u

#define TAPE_META_LEN    180 /* metadata file, crc included */
#define TAPE_DAT_HDR_LEN 32  /* data file header; records start here */
#define TAPE_IDX_HDR_LEN 64  /* index file header; entries start here */
#define TAPE_IDX_ENT_LEN 16
#define TAPE_REC_HDR_LEN 32
#define TAPE_REC_MAGIC   0x3143524fu /* "ORC1" little-endian */

enum tape_rec_type { TAPE_REC_BLOCK = 1, TAPE_REC_FILEMARK = 2, TAPE_REC_SETMARK = 3 };
#define TAPE_REC_F_ZSTD 0x01u

/* In-memory object entry: file offset of the record | type << 60 | zstd << 62. */
#define TAPE_OBJ_OFF_MASK ((UINT64_C(1) << 60) - 1)
#define TAPE_OBJ_TYPE(e)  ((unsigned)(((e) >> 60) & 3u))
#define TAPE_OBJ_ZSTD     (UINT64_C(1) << 62)

static inline void tape_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void tape_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void tape_put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t tape_get_le16(const uint8_t *p)
{
    return (uint16_t)((uint32_t)p[0] | (uint32_t)p[1] << 8);
}
static inline uint32_t tape_get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t tape_get_le64(const uint8_t *p)
{
    return (uint64_t)tape_get_le32(p) | (uint64_t)tape_get_le32(p + 4) << 32;
}

/* CRC-32C of @len bytes continuing from @crc (0 to start), zlib-style API: the
 * pre/post inversion is inside, so tape_crc32(tape_crc32(0, a), b) == crc of a||b.
 * Uses SSE4.2 when the CPU has it (tape_crc.c); tape_crc32c_sw() is the portable path,
 * exposed so tests can check both agree. Thread-safe. */
uint32_t tape_crc32(uint32_t crc, const void *buf, size_t len);
uint32_t tape_crc32c_sw(uint32_t crc, const void *buf, size_t len);

/* Decoded record header (32 bytes on disk). */
struct tape_rec_hdr {
    unsigned type;       /* enum tape_rec_type */
    unsigned flags;      /* TAPE_REC_F_* */
    uint64_t object;     /* logical object number in its partition */
    uint32_t host_len;   /* block length as the host wrote it; 0 for marks */
    uint32_t stored_len; /* payload bytes after the header */
    uint32_t payload_crc;
};
void tape_rec_hdr_encode(uint8_t out[TAPE_REC_HDR_LEN], const struct tape_rec_hdr *h,
                         uint64_t generation);
/* Checks magic, header CRC (seeded by @generation), type, flags and lengths. 0 if sane. */
int tape_rec_hdr_decode(const uint8_t in[TAPE_REC_HDR_LEN], uint64_t generation,
                        struct tape_rec_hdr *out);

/* Metadata (file "meta"): everything about the cartridge except recorded data and MAM. */
struct tape_meta {
    char media[16];
    uint64_t generation; /* random; changes at every format; seeds record CRCs */
    bool worm, wprotect, compress;
    unsigned n_parts;
    uint64_t part_bytes[VTL_TAPE_MAX_PARTITIONS];
    uint64_t ew_bytes, pew_bytes;
    struct vtl_tape_counters ctr;
};
void tape_meta_encode(uint8_t out[TAPE_META_LEN], const struct tape_meta *m);
int tape_meta_decode(const uint8_t in[TAPE_META_LEN], struct tape_meta *out);

/* ---- file helpers (return 0, or -1 with errno set) ---- */
int tape_pread_full(int fd, void *buf, size_t len, uint64_t off);
int tape_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);
/* Writes @len bytes to <dirfd>/<name> through <name>.tmp + fsync + rename + dir fsync
 * (fsyncs skipped if !@sync). */
int tape_write_atomic(int dirfd, const char *name, const void *buf, size_t len, bool sync);
/* Reads a whole small file (at most @cap bytes) into @buf; returns its length or -1. */
ssize_t tape_read_small(int dirfd, const char *name, void *buf, size_t cap);

int tape_barcode_ok(const char *barcode);

/* Records the detail vtl_tape_last_error() returns and passes @rc through. */
enum vtl_tape_rc tape_fail(enum vtl_tape_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- MAM store (tape_mam.c) ---- */
struct tape_mam {
    struct vtl_tape_attr **attrs; /* owned, sorted by id */
    size_t n;
};
enum vtl_tape_rc tape_mam_load(int dirfd, struct tape_mam *m);
enum vtl_tape_rc tape_mam_save(int dirfd, const struct tape_mam *m, bool sync);
/* Encodes @m into a malloc'ed buffer (*@out, owned by the caller) for the MAM file or an
 * export stream; decodes one back (ECORRUPT on any defect). */
enum vtl_tape_rc tape_mam_encode(const struct tape_mam *m, uint8_t **out, size_t *len);
enum vtl_tape_rc tape_mam_decode(const uint8_t *buf, size_t len, struct tape_mam *m);
void tape_mam_free(struct tape_mam *m);

/* ---- core access for tape_xport.c (tapeimg.c) ---- */
struct tape_meta *tape_meta_of(struct vtl_tape *t);
struct tape_mam *tape_mam_of(struct vtl_tape *t);
/* Flushes the write-behind buffer, then gives the data file and the record range of
 * partition @p. */
enum vtl_tape_rc tape_part_extent(struct vtl_tape *t, unsigned p, int *fd, uint64_t *end,
                                  uint64_t *n_obj);
/* Removes an image directory and the files the store puts in it; -1 if it stays. */
int tape_rm_image(const char *path);
int tape_dirfd_of(struct vtl_tape *t);
bool tape_rdonly_of(const struct vtl_tape *t);
/* Opens an image directory by path (not by barcode), as vtl_tape_open(). */
enum vtl_tape_rc tape_open_path(const char *path, unsigned flags, struct vtl_tape **out);

#endif
