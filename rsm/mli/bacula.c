/* SPDX-License-Identifier: MIT
 * rsm/mli/bacula.c - Bacula volume labels: the first block Bacula's storage daemon (or
 * btape's "label" command) writes on a tape. Layout from Bacula's developer notes ("Storage
 * Media Output Format") and checked against a label btape 9.6.7 wrote
 * (testdata/bacula-label.hex). All integers are big-endian.
 *
 * Block header, BB02 (Bacula >= 1.27), 24 bytes     BB01 (older), 16 bytes
 *   0   CheckSum   CRC-32 of bytes 4..BlockSize-1    same
 *   4   BlockSize  bytes used in this block          same
 *   8   BlockNumber                                  same
 *   12  "BB02"                                       "BB01"
 *   16  VolSessionId
 *   20  VolSessionTime
 * Record header, BB02: FileIndex, Stream, DataSize (12 bytes); BB01: VolSessionId,
 * VolSessionTime, FileIndex, Stream, DataSize (20 bytes). A volume label record has
 * FileIndex PRE_LABEL (-1, written by "label") or VOL_LABEL (-2, once the volume is used).
 * Label record data:
 *   Id           "Bacula 1.0 immortal\n" (older: "Bacula 0.9 mortal\n"), NUL-terminated
 *   VerNum       uint32 (11 today)
 *   dates        32 bytes: VerNum >= 11: label_btime, write_btime (int64 microseconds
 *                since the epoch), two unused float64; older: four float64 Julian parts
 *   VolumeName, PrevVolumeName, PoolName, PoolType, MediaType, HostName, LabelProg,
 *   ProgVersion, ProgDate   NUL-terminated strings
 * The block is padded to the device's block size (64512 bytes by default) with zeros;
 * only BlockSize bytes are checksummed, so a shorter buffer that holds them is enough.
 */
#include <string.h>

#include "rsm/mli/internal.h"

#define PRE_LABEL (-1)
#define VOL_LABEL (-2)
#define N_STRINGS 9 /* VolumeName .. ProgDate */

/* The next NUL-terminated string at *off in p[0..n); NULL if unterminated. */
static const uint8_t *next_str(const uint8_t *p, size_t n, size_t *off, size_t *slen)
{
    if (*off >= n)
        return NULL;
    const uint8_t *s = p + *off, *nul = memchr(s, 0, n - *off);
    if (nul == NULL)
        return NULL;
    *slen = (size_t)(nul - s);
    *off += *slen + 1;
    return s;
}

bool rsm_mli_claim_bacula(const uint8_t *buf, size_t len, struct rsm_mli_result *out)
{
    size_t hdr, rec_hdr, fi_off;
    if (len < 16)
        return false;
    if (memcmp(buf + 12, "BB02", 4) == 0)
        hdr = 24, rec_hdr = 12, fi_off = 0;
    else if (memcmp(buf + 12, "BB01", 4) == 0)
        hdr = 16, rec_hdr = 20, fi_off = 8;
    else
        return false;
    uint32_t block_len = rsm_mli_be32(buf + 4);
    if (block_len < hdr + rec_hdr || block_len > len)
        return false; /* cut short: what is there cannot be checked */
    uint32_t sum = rsm_mli_be32(buf);
    /* "Block Checksum = no" devices write 0: accept that, but a non-zero sum must match. */
    if (sum != 0 && sum != rsm_mli_crc32(buf + 4, block_len - 4))
        return false;

    const uint8_t *rec = buf + hdr;
    int32_t file_index = (int32_t)rsm_mli_be32(rec + fi_off);
    uint32_t data_len = rsm_mli_be32(rec + rec_hdr - 4);
    if ((file_index != PRE_LABEL && file_index != VOL_LABEL) ||
        data_len > block_len - hdr - rec_hdr)
        return false;
    const uint8_t *d = rec + rec_hdr;
    size_t off = 0, slen;
    const uint8_t *id = next_str(d, data_len, &off, &slen);
    if (id == NULL || !((slen == 20 && memcmp(id, "Bacula 1.0 immortal\n", 20) == 0) ||
                        (slen == 18 && memcmp(id, "Bacula 0.9 mortal\n", 18) == 0)))
        return false;
    if (data_len - off < 4 + 32)
        return false;
    uint32_t ver = rsm_mli_be32(d + off);
    int64_t label_us =
        (int64_t)((uint64_t)rsm_mli_be32(d + off + 4) << 32 | rsm_mli_be32(d + off + 8));
    off += 4 + 32;

    const uint8_t *s[N_STRINGS];
    size_t sl[N_STRINGS];
    for (int i = 0; i < N_STRINGS; i++)
        if ((s[i] = next_str(d, data_len, &off, &sl[i])) == NULL)
            return false;
    if (sl[0] == 0)
        return false; /* a label names its volume */

    struct rsm_mli_result r = {0};
    char t[N_STRINGS][160];
    for (int i = 0; i < N_STRINGS; i++)
        rsm_mli_text(t[i], sizeof t[i], s[i], sl[i]);
    char when[40] = "";
    if (ver >= 11 && label_us > 0) {
        time_t secs = (time_t)(label_us / 1000000);
        struct tm tm;
        if (gmtime_r(&secs, &tm) != NULL)
            strftime(when, sizeof when, ", %Y-%m-%d %H:%M:%S UTC", &tm);
    }
    rsm_mli_set_id(&r, s[0], sl[0] < RSM_MLI_ID_MAX ? sl[0] : RSM_MLI_ID_MAX);
    rsm_mli_fmt(r.claimer, sizeof r.claimer, "BACULA");
    rsm_mli_fmt(r.type, sizeof r.type, "BACULA");
    rsm_mli_fmt(r.app, sizeof r.app, "Bacula");
    /* t[]: 0 volume, 2 pool, 3 pool type, 4 media type, 5 host, 6 program, 7 version. */
    rsm_mli_fmt(r.info, sizeof r.info,
                "Bacula volume %s, pool %s (%s), media type %s, labelled by %s %s on %s%s", t[0],
                t[2], t[3], t[4], t[6], t[7], t[5], when);
    *out = r;
    return true;
}
