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
    enum vtl_tape_rc rc = chunk ? tape_mam_encode(tape_mam_of(t), &mam, &mam_len)
                                : VTL_TAPE_ENOMEM;
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

/* Copies partition @pi's records from the stream into @fd (a fresh data file), checking
 * each one as open() would. */
static enum vtl_tape_rc import_part(struct xp_in *in, int fd, unsigned pi,
                                    const struct tape_meta *m, uint8_t *buf)
{
    uint8_t ph[XP_PART_LEN], dh[TAPE_DAT_HDR_LEN] = {0};
    if (xp_get(in, ph, sizeof ph) != 0 || memcmp(ph, XP_PART_MAGIC, 8) != 0 ||
        tape_get_le32(ph + 8) != pi || tape_get_le32(ph + 28) != tape_crc32(0, ph, 28))
        return VTL_TAPE_ECORRUPT;
    uint64_t n_obj = tape_get_le64(ph + 12), bytes = tape_get_le64(ph + 20);
    if (bytes > m->part_bytes[pi])
        return VTL_TAPE_ECORRUPT; /* more data than the cartridge can hold */
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
        if (bytes - used < TAPE_REC_HDR_LEN || xp_get(in, buf, TAPE_REC_HDR_LEN) != 0 ||
            tape_rec_hdr_decode(buf, m->generation, &h) != 0 || h.object != i ||
            bytes - used - TAPE_REC_HDR_LEN < h.stored_len ||
            xp_get(in, buf + TAPE_REC_HDR_LEN, h.stored_len) != 0 ||
            tape_crc32(0, buf + TAPE_REC_HDR_LEN, h.stored_len) != h.payload_crc)
            return VTL_TAPE_ECORRUPT;
        size_t rec = TAPE_REC_HDR_LEN + h.stored_len;
        if (tape_pwrite_full(fd, buf, rec, off) != 0)
            return VTL_TAPE_EIO;
        off += rec;
        used += rec;
    }
    return used == bytes ? VTL_TAPE_OK : VTL_TAPE_ECORRUPT;
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
    uint8_t *buf = malloc(TAPE_REC_HDR_LEN + VTL_TAPE_MAX_BLOCK);
    if (!buf) {
        fclose(in.f);
        return VTL_TAPE_ENOMEM;
    }
    if (mkdir(tmp, 0755) != 0) {
        free(buf);
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
        tape_get_le32(h + 12) != m.n_parts)
        goto out;
    for (unsigned pi = 0; pi < m.n_parts; pi++) {
        char name[16];
        snprintf(name, sizeof name, "p%u.dat", pi);
        int fd = openat(dfd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            rc = VTL_TAPE_EIO;
            goto out;
        }
        rc = import_part(&in, fd, pi, &m, buf);
        if (rc == VTL_TAPE_OK && fsync(fd) != 0)
            rc = VTL_TAPE_EIO;
        close(fd);
        if (rc != VTL_TAPE_OK)
            goto out;
    }
    rc = VTL_TAPE_ECORRUPT;
    uint8_t ml[4], e[XP_END_LEN];
    if (xp_get(&in, ml, sizeof ml) != 0)
        goto out;
    uint32_t mam_len = tape_get_le32(ml);
    struct tape_mam mam = {0};
    if (mam_len > TAPE_REC_HDR_LEN + VTL_TAPE_MAX_BLOCK || xp_get(&in, buf, mam_len) != 0 ||
        tape_mam_decode(buf, mam_len, &mam) != VTL_TAPE_OK)
        goto out;
    tape_mam_free(&mam);
    uint32_t crc = in.crc;
    if (fread(e, 1, sizeof e, in.f) != sizeof e || memcmp(e, XP_END_MAGIC, 8) != 0 ||
        tape_get_le32(e + 8) != crc || tape_get_le32(e + 12) != 0 || fgetc(in.f) != EOF)
        goto out;
    rc = VTL_TAPE_EIO;
    if (tape_write_atomic(dfd, "mam", buf, mam_len, true) != 0 ||
        tape_write_atomic(dfd, "meta", mb, sizeof mb, true) != 0)
        goto out;
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
    free(buf);
    fclose(in.f);
    return rc;
}
