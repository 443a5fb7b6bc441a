/* SPDX-License-Identifier: MIT
 * sim/tape/tape_xport.c - export a cartridge as one portable "OTAPE1" stream and import
 * one back (FORMAT.md "Export stream"). The stream reuses the image's record format, so
 * export is a checked copy; import verifies every byte into a temporary directory and
 * renames it into place only when all of it is sound.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/tape/tape_int.h"

#define XP_MAGIC      "OTAPEXP1"
#define XP_PART_MAGIC "OTAPEPT1"
#define XP_END_MAGIC  "OTAPEEND"
#define XP_HDR_LEN    32
#define XP_PART_LEN   32
#define XP_END_LEN    16
#define XP_CHUNK      (1024u * 1024)
#define XP_MAM_MAX    (1024u * 1024) /* above any valid MAM file (512 attributes) */

/* Output side: a FILE with a running CRC over everything written. */
struct xp_out {
    FILE *f;
    uint32_t crc;
    bool err;
};

static void xp_put(struct xp_out *o, const void *buf, size_t len)
{
    if (o->err || len == 0)
        return;
    o->crc = tape_crc32(o->crc, buf, len);
    if (fwrite(buf, 1, len, o->f) != len)
        o->err = true;
}

enum vtl_tape_rc vtl_tape_export(struct vtl_tape *t, const char *path)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return VTL_TAPE_EINVAL;
    const struct tape_meta *m = tape_meta_of(t);
    uint8_t *chunk = malloc(XP_CHUNK), *mam = NULL;
    size_t mam_len = 0;
    enum vtl_tape_rc rc = chunk ? tape_mam_encode(tape_mam_of(t), &mam, &mam_len) : VTL_TAPE_ENOMEM;
    if (rc != VTL_TAPE_OK) {
        free(chunk);
        return rc;
    }
    struct xp_out o = {.f = fopen(tmp, "wbe")};
    if (!o.f) {
        free(chunk);
        free(mam);
        return errno == ENOENT ? VTL_TAPE_ENOENT : VTL_TAPE_EIO;
    }
    uint8_t h[XP_HDR_LEN] = {0}, mb[TAPE_META_LEN];
    memcpy(h, XP_MAGIC, 8);
    tape_put_le32(h + 8, TAPE_VERSION);
    tape_put_le32(h + 12, m->n_parts);
    tape_put_le32(h + 28, tape_crc32(0, h, 28));
    xp_put(&o, h, sizeof h);
    tape_meta_encode(mb, m);
    xp_put(&o, mb, sizeof mb);

    for (unsigned pi = 0; pi < m->n_parts && rc == VTL_TAPE_OK && !o.err; pi++) {
        int fd;
        uint64_t end, n_obj;
        if ((rc = tape_part_extent(t, pi, &fd, &end, &n_obj)) != VTL_TAPE_OK)
            break;
        uint8_t ph[XP_PART_LEN] = {0};
        memcpy(ph, XP_PART_MAGIC, 8);
        tape_put_le32(ph + 8, pi);
        tape_put_le64(ph + 12, n_obj);
        tape_put_le64(ph + 20, end - TAPE_DAT_HDR_LEN);
        tape_put_le32(ph + 28, tape_crc32(0, ph, 28));
        xp_put(&o, ph, sizeof ph);
        for (uint64_t off = TAPE_DAT_HDR_LEN; off < end && !o.err;) {
            size_t n = end - off < XP_CHUNK ? (size_t)(end - off) : XP_CHUNK;
            if (tape_pread_full(fd, chunk, n, off) != 0) {
                rc = VTL_TAPE_EIO;
                break;
            }
            xp_put(&o, chunk, n);
            off += n;
        }
    }
    uint8_t ml[4];
    tape_put_le32(ml, (uint32_t)mam_len);
    xp_put(&o, ml, sizeof ml);
    xp_put(&o, mam, mam_len);
    uint8_t e[XP_END_LEN] = {0};
    memcpy(e, XP_END_MAGIC, 8);
    tape_put_le32(e + 8, o.crc);
    if (!o.err && fwrite(e, 1, sizeof e, o.f) != sizeof e)
        o.err = true;
    if (fflush(o.f) != 0 || fsync(fileno(o.f)) != 0)
        o.err = true;
    if (fclose(o.f) != 0)
        o.err = true;
    if (rc == VTL_TAPE_OK && o.err)
        rc = VTL_TAPE_EIO;
    if (rc == VTL_TAPE_OK && rename(tmp, path) != 0)
        rc = VTL_TAPE_EIO;
    if (rc != VTL_TAPE_OK)
        (void)unlink(tmp); /* the previous export at @path, if any, is untouched */
    free(chunk);
    free(mam);
    return rc;
}

/* Input side: exact reads with a running CRC; any short read is a corrupt stream. */
struct xp_in {
    FILE *f;
    uint32_t crc;
};

static int xp_get(struct xp_in *in, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (fread(buf, 1, len, in->f) != len)
        return -1;
    in->crc = tape_crc32(in->crc, buf, len);
    return 0;
}

/* A buffer that grows to the largest record met, so small streams stay cheap. */
struct xp_buf {
    uint8_t *p;
    size_t cap;
};

static int xp_need(struct xp_buf *b, size_t n)
{
    if (n <= b->cap)
        return 0;
    uint8_t *np = realloc(b->p, n);
    if (!np)
        return -1;
    b->p = np;
    b->cap = n;
    return 0;
}

/* Copies partition @pi's records from the stream into @fd (a fresh data file), checking
 * each one as open() would. */
static enum vtl_tape_rc import_part(struct xp_in *in, int fd, unsigned pi,
                                    const struct tape_meta *m, struct xp_buf *xb)
{
    uint8_t ph[XP_PART_LEN], dh[TAPE_DAT_HDR_LEN] = {0};
    if (xp_get(in, ph, sizeof ph) != 0 || memcmp(ph, XP_PART_MAGIC, 8) != 0 ||
        tape_get_le32(ph + 8) != pi || tape_get_le32(ph + 28) != tape_crc32(0, ph, 28))
        return tape_fail(VTL_TAPE_ECORRUPT, "stream: partition %u: bad partition header", pi);
    uint64_t n_obj = tape_get_le64(ph + 12), bytes = tape_get_le64(ph + 20);
    if (bytes > m->part_bytes[pi])
        return tape_fail(VTL_TAPE_ECORRUPT,
                         "stream: partition %u: %llu bytes of records "
                         "exceed its capacity",
                         pi, (unsigned long long)bytes);
    memcpy(dh, TAPE_DAT_MAGIC, 8);
    tape_put_le32(dh + 8, TAPE_VERSION);
    tape_put_le32(dh + 12, pi);
    tape_put_le64(dh + 16, m->generation);
    tape_put_le32(dh + 28, tape_crc32(0, dh, 28));
    if (tape_pwrite_full(fd, dh, sizeof dh, 0) != 0)
        return VTL_TAPE_EIO;
    uint64_t off = TAPE_DAT_HDR_LEN, used = 0;
    for (uint64_t i = 0; i < n_obj; i++) {
        struct tape_rec_hdr h;
        uint8_t hb[TAPE_REC_HDR_LEN];
        if (bytes - used < TAPE_REC_HDR_LEN || xp_get(in, hb, TAPE_REC_HDR_LEN) != 0 ||
            tape_rec_hdr_decode(hb, m->generation, &h) != 0 || h.object != i ||
            bytes - used - TAPE_REC_HDR_LEN < h.stored_len)
            return tape_fail(VTL_TAPE_ECORRUPT,
                             "stream: partition %u, record %llu: bad or "
                             "truncated record header",
                             pi, (unsigned long long)i);
        if (xp_need(xb, TAPE_REC_HDR_LEN + (size_t)h.stored_len) != 0)
            return VTL_TAPE_ENOMEM;
        uint8_t *buf = xb->p;
        memcpy(buf, hb, sizeof hb);
        if (xp_get(in, buf + TAPE_REC_HDR_LEN, h.stored_len) != 0 ||
            tape_crc32(0, buf + TAPE_REC_HDR_LEN, h.stored_len) != h.payload_crc)
            return tape_fail(VTL_TAPE_ECORRUPT,
                             "stream: partition %u, record %llu: "
                             "truncated payload or payload checksum",
                             pi, (unsigned long long)i);
        size_t rec = TAPE_REC_HDR_LEN + h.stored_len;
        if (tape_pwrite_full(fd, buf, rec, off) != 0)
            return VTL_TAPE_EIO;
        off += rec;
        used += rec;
    }
    if (used != bytes)
        return tape_fail(VTL_TAPE_ECORRUPT,
                         "stream: partition %u: record bytes do not match "
                         "its header",
                         pi);
    return VTL_TAPE_OK;
}

enum vtl_tape_rc vtl_tape_import(const char *path, const char *dir, const char *barcode)
{
    char final[4096], tmp[4200];
    if (!dir || !tape_barcode_ok(barcode) ||
        snprintf(final, sizeof final, "%s/%s", dir, barcode) >= (int)sizeof final ||
        snprintf(tmp, sizeof tmp, "%s/.%s.import.%ld", dir, barcode, (long)getpid()) >=
            (int)sizeof tmp)
        return VTL_TAPE_EINVAL;
    if (access(final, F_OK) == 0)
        return VTL_TAPE_EEXIST;
    struct xp_in in = {.f = fopen(path, "rbe")};
    if (!in.f)
        return errno == ENOENT ? VTL_TAPE_ENOENT : VTL_TAPE_EIO;
    struct xp_buf xb = {0};
    if (mkdir(tmp, 0755) != 0) {
        fclose(in.f);
        return errno == ENOENT ? VTL_TAPE_ENOENT : VTL_TAPE_EIO;
    }
    enum vtl_tape_rc rc = VTL_TAPE_ECORRUPT;
    int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    uint8_t h[XP_HDR_LEN], mb[TAPE_META_LEN];
    struct tape_meta m;
    if (dfd < 0) {
        rc = VTL_TAPE_EIO;
        goto out;
    }
    if (xp_get(&in, h, sizeof h) != 0 || memcmp(h, XP_MAGIC, 8) != 0 ||
        tape_get_le32(h + 8) != TAPE_VERSION || tape_get_le32(h + 28) != tape_crc32(0, h, 28) ||
        xp_get(&in, mb, sizeof mb) != 0 || tape_meta_decode(mb, &m) != 0 ||
        tape_get_le32(h + 12) != m.n_parts) {
        tape_fail(rc, "stream: bad stream header or metadata block");
        goto out;
    }
    for (unsigned pi = 0; pi < m.n_parts; pi++) {
        char name[16];
        snprintf(name, sizeof name, "p%u.dat", pi);
        int fd = openat(dfd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            rc = tape_fail(VTL_TAPE_EIO, "%s/%s: %s", tmp, name, strerror(errno));
            goto out;
        }
        rc = import_part(&in, fd, pi, &m, &xb);
        if (rc == VTL_TAPE_OK && fsync(fd) != 0)
            rc = VTL_TAPE_EIO;
        close(fd);
        if (rc != VTL_TAPE_OK)
            goto out;
    }
    rc = VTL_TAPE_ECORRUPT;
    uint8_t ml[4], e[XP_END_LEN];
    uint32_t mam_len = xp_get(&in, ml, sizeof ml) == 0 ? tape_get_le32(ml) : UINT32_MAX;
    struct tape_mam mam = {0};
    if (mam_len > XP_MAM_MAX) {
        tape_fail(rc, "stream: MAM block missing or too long");
        goto out;
    }
    if (xp_need(&xb, mam_len ? mam_len : 1) != 0) {
        rc = VTL_TAPE_ENOMEM;
        goto out;
    }
    if (xp_get(&in, xb.p, mam_len) != 0 || tape_mam_decode(xb.p, mam_len, &mam) != VTL_TAPE_OK) {
        tape_fail(rc, "stream: MAM block truncated or damaged");
        goto out;
    }
    tape_mam_free(&mam);
    uint32_t crc = in.crc;
    if (fread(e, 1, sizeof e, in.f) != sizeof e || memcmp(e, XP_END_MAGIC, 8) != 0 ||
        tape_get_le32(e + 8) != crc || tape_get_le32(e + 12) != 0 || fgetc(in.f) != EOF) {
        tape_fail(rc, "stream: trailer missing, stream checksum wrong, or bytes after it");
        goto out;
    }
    rc = VTL_TAPE_EIO;
    if (tape_write_atomic(dfd, "mam", xb.p, mam_len, true) != 0 ||
        tape_write_atomic(dfd, "meta", mb, sizeof mb, true) != 0) {
        tape_fail(rc, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    /* Opening builds the index from the data just written; closing writes it out. */
    struct vtl_tape *t;
    if ((rc = tape_open_path(tmp, 0, &t)) != VTL_TAPE_OK)
        goto out;
    if ((rc = vtl_tape_close(t)) != VTL_TAPE_OK)
        goto out;
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) != 0)
        rc = errno == EEXIST || errno == ENOTEMPTY ? VTL_TAPE_EEXIST : VTL_TAPE_EIO;
out:
    if (dfd >= 0)
        close(dfd);
    if (rc != VTL_TAPE_OK)
        (void)tape_rm_image(tmp); /* nothing of a failed import stays on disk */
    free(xb.p);
    fclose(in.f);
    return rc;
}
