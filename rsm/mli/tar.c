/* SPDX-License-Identifier: MIT
 * rsm/mli/tar.c - tar archives at the start of a tape: POSIX ustar (IEEE 1003.1 "ustar
 * Interchange Format") and GNU tar, with GNU's volume labels (tar -V).
 *
 * Header block, 512 bytes (POSIX.1-2017, pax "ustar Header Block"):
 *   Byte  Len  Field                 Byte  Len  Field
 *   0     100  name                  257   6    magic "ustar\0" (GNU: "ustar ")
 *   100   8    mode (octal)          263   2    version "00" (GNU: " \0")
 *   108   8    uid                   265   32   uname
 *   116   8    gid                   297   32   gname
 *   124   12   size (octal)          329   8    devmajor
 *   136   12   mtime (octal)         337   8    devminor
 *   148   8    chksum (octal)        345   155  prefix
 *   156   1    typeflag              500   12   (unused / GNU fields)
 *   157   100  linkname
 * chksum is the sum of all 512 bytes with the chksum field taken as spaces; historic
 * writers summed signed chars, so both sums are accepted.
 *
 * Volume labels: GNU tar -V writes a first header with typeflag 'V' whose name is the
 * label. GNU tar 1.34 writes that header without the ustar magic (observed; fixture
 * testdata/tar-gnu-label.hex), so a 'V' header is accepted on its checksum alone. With
 * --format=posix the label is the "GNU.volume.label" record of a pax global header
 * (typeflag 'g'), whose records "LEN key=value\n" follow in the next blocks.
 *
 * An archive without a label is claimed too (its type is "TAR"); its ID is the first
 * member's mtime field and name, which tells apart archives written at different times
 * but is not a true volume ID: see README.md.
 */
#include <string.h>

#include "rsm/mli/internal.h"

/* An octal field: optional leading spaces, digits, then NUL/space/end. */
static bool octal(const uint8_t *p, size_t n, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    bool any = false;
    while (i < n && p[i] == ' ')
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
        if (v >> 60)
            return false;
        v = v << 3 | (uint64_t)(p[i] - '0');
        any = true;
    }
    for (; i < n; i++)
        if (p[i] != ' ' && p[i] != '\0')
            return false;
    *out = v;
    return any;
}

static bool checksum_ok(const uint8_t *h)
{
    uint64_t want;
    if (!octal(h + 148, 8, &want))
        return false;
    uint64_t usum = 0;
    int64_t ssum = 0;
    for (int i = 0; i < MLI_TAR_BLOCK; i++) {
        uint8_t c = (i >= 148 && i < 156) ? ' ' : h[i];
        usum += c;
        ssum += (int8_t)c;
    }
    return usum == want || (ssum >= 0 && (uint64_t)ssum == want);
}

/* The value of @key in pax records @p[0..n), or NULL; *vlen its length. */
static const uint8_t *pax_find(const uint8_t *p, size_t n, const char *key, size_t *vlen)
{
    size_t klen = strlen(key);
    size_t off = 0;
    while (off < n) {
        size_t rec = 0, i = off;
        while (i < n && p[i] >= '0' && p[i] <= '9' && rec < n)
            rec = rec * 10 + (size_t)(p[i++] - '0');
        if (i == off || i >= n || p[i] != ' ' || rec <= i - off + 1 || rec > n - off ||
            p[off + rec - 1] != '\n')
            return NULL; /* malformed record: stop, trust nothing after it */
        const uint8_t *kv = p + i + 1, *end = p + off + rec - 1;
        if ((size_t)(end - kv) > klen && memcmp(kv, key, klen) == 0 && kv[klen] == '=') {
            *vlen = (size_t)(end - (kv + klen + 1));
            return kv + klen + 1;
        }
        off += rec;
    }
    return NULL;
}

bool rsm_mli_claim_tar(const uint8_t *buf, size_t len, struct rsm_mli_result *out)
{
    if (len < MLI_TAR_BLOCK || !checksum_ok(buf))
        return false;
    bool posix = memcmp(buf + 257,
                        "ustar\0"
                        "00",
                        8) == 0;
    bool gnu = memcmp(buf + 257, "ustar  \0", 8) == 0;
    uint8_t type = buf[156];
    if (!posix && !gnu && type != 'V')
        return false; /* a pre-POSIX (v7) header: not ours to claim */
    uint64_t size = 0;
    if (!octal(buf + 124, 12, &size) && type != 'V')
        return false;

    struct rsm_mli_result r = {0};
    const uint8_t *label = NULL;
    size_t label_len = 0;
    if (type == 'V') {
        label = buf;
        label_len = strnlen((const char *)buf, 100);
    } else if (type == 'g' && size <= len - MLI_TAR_BLOCK) {
        label = pax_find(buf + MLI_TAR_BLOCK, (size_t)size, "GNU.volume.label", &label_len);
    }
    char name[400];
    rsm_mli_fmt(r.claimer, sizeof r.claimer, "TAR");
    rsm_mli_fmt(r.type, sizeof r.type, "TAR");
    rsm_mli_fmt(r.app, sizeof r.app, "%s", gnu || type == 'V' ? "GNU tar" : "");
    if (label != NULL && label_len > 0) {
        if (label_len > RSM_MLI_ID_MAX)
            label_len = RSM_MLI_ID_MAX;
        rsm_mli_set_id(&r, label, label_len);
        rsm_mli_text(name, sizeof name, label, label_len);
        rsm_mli_fmt(r.info, sizeof r.info, "tar volume label %s", name);
    } else {
        /* ID: "mtime:prefix/name" of the first member, raw bytes up to the ID limit. */
        /* Only POSIX headers have a prefix; GNU keeps other fields at byte 345. */
        size_t nlen = strnlen((const char *)buf, 100), mlen = 0;
        size_t plen = posix ? strnlen((const char *)buf + 345, 155) : 0;
        while (mlen < 12 && buf[136 + mlen] >= '0' && buf[136 + mlen] <= '7')
            mlen++;
        uint8_t id[12 + 1 + 155 + 1 + 100];
        size_t n = 0;
        memcpy(id, buf + 136, mlen), n = mlen;
        id[n++] = ':';
        if (plen) {
            memcpy(id + n, buf + 345, plen), n += plen;
            id[n++] = '/';
        }
        memcpy(id + n, buf, nlen), n += nlen;
        rsm_mli_set_id(&r, id, n < RSM_MLI_ID_MAX ? n : RSM_MLI_ID_MAX);
        rsm_mli_text(name, sizeof name, id + mlen + 1, n - mlen - 1);
        rsm_mli_fmt(r.info, sizeof r.info, "tar archive (%s), no volume label, first member %s",
                    gnu ? "GNU" : "POSIX ustar", name);
    }
    *out = r;
    return true;
}
