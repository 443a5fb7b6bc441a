/* SPDX-License-Identifier: MIT
 * sim/tape/tape_mam.c - the cartridge's medium auxiliary memory: attributes that READ
 * ATTRIBUTE / WRITE ATTRIBUTE (SPC-4 6.17, 6.38) serve. Kept sorted in memory and saved
 * whole, by write-new + rename, at every change: the file is always the old set or the
 * new one, never a mix. Layout: FORMAT.md "mam".
 */
#include <errno.h>
#include <stdlib.h>

#include "sim/tape/tape_int.h"

#define MAM_HDR_LEN 16
#define MAM_ENT_HDR 6
#define MAM_FILE_MAX                                                                               \
    (MAM_HDR_LEN + VTL_TAPE_ATTR_MAX_COUNT * (MAM_ENT_HDR + VTL_TAPE_ATTR_MAX_LEN) + 4)

void tape_mam_free(struct tape_mam *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->attrs[i]);
    free(m->attrs);
    m->attrs = NULL;
    m->n = 0;
}

/* Index of @id in @m, or where it would go (*found false). */
static size_t mam_find(const struct tape_mam *m, uint16_t id, bool *found)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->attrs[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < m->n && m->attrs[lo]->id == id;
    return lo;
}

enum vtl_tape_rc tape_mam_encode(const struct tape_mam *m, uint8_t **out, size_t *len)
{
    size_t n = MAM_HDR_LEN + 4;
    for (size_t i = 0; i < m->n; i++)
        n += MAM_ENT_HDR + m->attrs[i]->len;
    uint8_t *b = malloc(n);
    if (!b)
        return VTL_TAPE_ENOMEM;
    memcpy(b, TAPE_MAM_MAGIC, 8);
    tape_put_le32(b + 8, TAPE_VERSION);
    tape_put_le32(b + 12, (uint32_t)m->n);
    size_t off = MAM_HDR_LEN;
    for (size_t i = 0; i < m->n; i++) {
        const struct vtl_tape_attr *a = m->attrs[i];
        tape_put_le16(b + off, a->id);
        b[off + 2] = a->format;
        b[off + 3] = a->read_only ? 1 : 0;
        tape_put_le16(b + off + 4, a->len);
        memcpy(b + off + MAM_ENT_HDR, a->value, a->len);
        off += MAM_ENT_HDR + a->len;
    }
    tape_put_le32(b + off, tape_crc32(0, b, off));
    *out = b;
    *len = n;
    return VTL_TAPE_OK;
}

enum vtl_tape_rc tape_mam_decode(const uint8_t *buf, size_t len, struct tape_mam *out)
{
    struct tape_mam m = {0};
    if (len < MAM_HDR_LEN + 4 || memcmp(buf, TAPE_MAM_MAGIC, 8) != 0 ||
        tape_get_le32(buf + 8) != TAPE_VERSION ||
        tape_get_le32(buf + len - 4) != tape_crc32(0, buf, len - 4))
        return VTL_TAPE_ECORRUPT;
    uint32_t count = tape_get_le32(buf + 12);
    if (count > VTL_TAPE_ATTR_MAX_COUNT)
        return VTL_TAPE_ECORRUPT;
    m.attrs = calloc(count ? count : 1, sizeof *m.attrs);
    if (!m.attrs)
        return VTL_TAPE_ENOMEM;
    size_t off = MAM_HDR_LEN, end = len - 4;
    for (uint32_t i = 0; i < count; i++) {
        if (end - off < MAM_ENT_HDR)
            goto bad;
        uint16_t id = tape_get_le16(buf + off), alen = tape_get_le16(buf + off + 4);
        uint8_t fl = buf[off + 3];
        if (alen == 0 || alen > VTL_TAPE_ATTR_MAX_LEN || end - off - MAM_ENT_HDR < alen ||
            (fl & ~1u) || (i > 0 && m.attrs[i - 1]->id >= id))
            goto bad; /* ids strictly ascending: no duplicates */
        struct vtl_tape_attr *a = calloc(1, sizeof *a);
        if (!a) {
            tape_mam_free(&m);
            return VTL_TAPE_ENOMEM;
        }
        a->id = id;
        a->format = buf[off + 2];
        a->read_only = fl & 1;
        a->len = alen;
        memcpy(a->value, buf + off + MAM_ENT_HDR, alen);
        m.attrs[m.n++] = a;
        off += MAM_ENT_HDR + alen;
    }
    if (off != end)
        goto bad;
    *out = m;
    return VTL_TAPE_OK;
bad:
    tape_mam_free(&m);
    return VTL_TAPE_ECORRUPT;
}

enum vtl_tape_rc tape_mam_load(int dirfd, struct tape_mam *m)
{
    *m = (struct tape_mam){0};
    uint8_t *buf = malloc(MAM_FILE_MAX);
    if (!buf)
        return VTL_TAPE_ENOMEM;
    ssize_t n = tape_read_small(dirfd, "mam", buf, MAM_FILE_MAX);
    enum vtl_tape_rc rc;
    if (n < 0)
        rc = errno == ENOENT  ? VTL_TAPE_OK /* no attributes yet */
             : errno == EFBIG ? VTL_TAPE_ECORRUPT
                              : VTL_TAPE_EIO;
    else
        rc = tape_mam_decode(buf, (size_t)n, m);
    free(buf);
    return rc;
}

enum vtl_tape_rc tape_mam_save(int dirfd, const struct tape_mam *m, bool sync)
{
    uint8_t *buf;
    size_t len;
    enum vtl_tape_rc rc = tape_mam_encode(m, &buf, &len);
    if (rc != VTL_TAPE_OK)
        return rc;
    if (tape_write_atomic(dirfd, "mam", buf, len, sync) != 0)
        rc = VTL_TAPE_EIO;
    free(buf);
    return rc;
}

enum vtl_tape_rc vtl_tape_attr_get(const struct vtl_tape *t, uint16_t id, struct vtl_tape_attr *out)
{
    const struct tape_mam *m = tape_mam_of((struct vtl_tape *)t);
    bool found;
    size_t i = mam_find(m, id, &found);
    if (!found)
        return VTL_TAPE_ENOENT;
    *out = *m->attrs[i];
    return VTL_TAPE_OK;
}

/* Applies the change to a copy of the pointer array, saves, and only then swaps it in,
 * so a failed save leaves memory and disk as they were. */
enum vtl_tape_rc vtl_tape_attr_set(struct vtl_tape *t, uint16_t id, uint8_t format, bool read_only,
                                   const void *value, size_t len, bool force)
{
    if (tape_rdonly_of(t))
        return VTL_TAPE_EREADONLY;
    if (len > VTL_TAPE_ATTR_MAX_LEN || (len && !value))
        return VTL_TAPE_EINVAL;
    if (tape_meta_of(t)->wprotect && !force)
        return VTL_TAPE_WPROTECT;
    struct tape_mam *m = tape_mam_of(t);
    bool found;
    size_t i = mam_find(m, id, &found);
    if (found && m->attrs[i]->read_only && !force)
        return VTL_TAPE_EREADONLY;
    if (!found && len == 0)
        return VTL_TAPE_OK; /* deleting what is not there */
    if (!found && m->n >= VTL_TAPE_ATTR_MAX_COUNT)
        return VTL_TAPE_EINVAL;

    struct tape_mam nm = {.n = m->n};
    nm.attrs = malloc((m->n + 1) * sizeof *nm.attrs);
    struct vtl_tape_attr *a = len ? calloc(1, sizeof *a) : NULL;
    if (!nm.attrs || (len && !a)) {
        free(nm.attrs);
        free(a);
        return VTL_TAPE_ENOMEM;
    }
    if (m->n)
        memcpy(nm.attrs, m->attrs, m->n * sizeof *nm.attrs);
    struct vtl_tape_attr *old = found ? m->attrs[i] : NULL;
    if (a) {
        a->id = id;
        a->format = format;
        a->read_only = read_only;
        a->len = (uint16_t)len;
        memcpy(a->value, value, len);
    }
    if (found && a) {
        nm.attrs[i] = a;
    } else if (found) {
        memmove(nm.attrs + i, nm.attrs + i + 1, (nm.n - i - 1) * sizeof *nm.attrs);
        nm.n--;
    } else {
        memmove(nm.attrs + i + 1, nm.attrs + i, (nm.n - i) * sizeof *nm.attrs);
        nm.attrs[i] = a;
        nm.n++;
    }
    bool sync = true; /* attributes are rare and small: always durable */
    enum vtl_tape_rc rc = tape_mam_save(tape_dirfd_of(t), &nm, sync);
    if (rc != VTL_TAPE_OK) {
        free(nm.attrs);
        free(a);
        return rc;
    }
    free(m->attrs);
    free(old);
    *m = nm;
    return VTL_TAPE_OK;
}

void vtl_tape_attr_list(const struct vtl_tape *t, uint16_t *ids, size_t cap, size_t *n)
{
    const struct tape_mam *m = tape_mam_of((struct vtl_tape *)t);
    for (size_t i = 0; i < m->n && i < cap; i++)
        ids[i] = m->attrs[i]->id;
    *n = m->n;
}
