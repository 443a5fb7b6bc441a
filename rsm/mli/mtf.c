/* SPDX-License-Identifier: MIT
 * rsm/mli/mtf.c - Microsoft Tape Format (MTF 1.00a): the TAPE descriptor block that starts
 * every MTF tape (NTBackup, Backup Exec and others). Label rules of the Windows MTF label
 * library: ntms-api.md §4.4. All integers are little-endian.
 *
 * Common block header (MTF_DB_HDR), 52 bytes:
 *   0   4  DBLK type "TAPE"             28  2  reserved for MBC
 *   4   4  block attributes             30  6  reserved
 *   8   2  offset to first event        36  4  control block ID
 *   10  1  OS ID                        40  4  reserved
 *   11  1  OS version                   44  4  OS specific data (size, offset)
 *   12  8  displayable size             48  1  string type: 0 none, 1 ANSI, 2 Unicode
 *   20  8  format logical address       49  1  reserved
 *                                       50  2  header checksum: XOR of the 25 words before
 * TAPE DBLK body:
 *   52  4  media family ID              72  4  media description / label (size, offset)
 *   56  4  TAPE attributes (bit 1:      76  4  media password
 *          soft filemarks, bit 2:       80  4  software name
 *          media label present)         84  2  format logical block size
 *   60  2  media sequence number        86  2  software vendor ID
 *   62  2  password encryption alg.     88  5  media date (packed)
 *   64  2  soft filemark block size     93  1  MTF major version (1)
 *   66  2  media-based catalog type
 *   68  4  media name (size, offset)
 * A (size, offset) pair locates a string relative to the start of the DBLK; Unicode strings
 * are UTF-16LE and size counts bytes.
 *
 * The claim (ntms-api.md §4.4): LabelType is SoftwareName ("MTF" when empty), the
 * description is the media name. The ID is the GUID written 8-4-4-4-12 in the media label
 * when the media-label bit is set; otherwise the MD5 of the DBLK from byte 0 to the end of
 * its last string (Windows does not document the range; this one covers the header, the
 * family ID and every string, so two tapes differ unless they are byte-identical copies).
 */
#include <string.h>

#include "rsm/mli/internal.h"

#define MTF_TAPE_LEN     94
#define TAPE_MEDIA_LABEL 0x2u

struct mtf_str {
    const uint8_t *p;
    size_t len; /* bytes */
};

/* The (size, offset) pair at @at; false if it points outside buf[0..len) or into the
 * fixed part. A zero size is an absent string. */
static bool mtf_string(const uint8_t *buf, size_t len, size_t at, struct mtf_str *s)
{
    size_t size = rsm_mli_le16(buf + at), off = rsm_mli_le16(buf + at + 2);
    s->p = NULL;
    s->len = 0;
    if (size == 0)
        return true;
    if (off < MTF_TAPE_LEN || off > len || size > len - off)
        return false;
    s->p = buf + off;
    s->len = size;
    return true;
}

static void to_text(char *dst, size_t cap, const struct mtf_str *s, uint8_t string_type)
{
    if (s->p == NULL)
        dst[0] = '\0';
    else if (string_type == 2)
        rsm_mli_utf16le(dst, cap, s->p, s->len / 2);
    else
        rsm_mli_text(dst, cap, s->p, s->len);
}

bool rsm_mli_claim_mtf(const uint8_t *buf, size_t len, struct rsm_mli_result *out)
{
    if (len < MTF_TAPE_LEN || memcmp(buf, "TAPE", 4) != 0)
        return false;
    uint16_t x = 0;
    for (int i = 0; i < 25; i++)
        x ^= rsm_mli_le16(buf + 2 * i);
    uint8_t string_type = buf[48];
    if (x != rsm_mli_le16(buf + 50) || string_type > 2 || buf[93] != 1)
        return false;

    struct mtf_str name, descr, software;
    if (!mtf_string(buf, len, 68, &name) || !mtf_string(buf, len, 72, &descr) ||
        !mtf_string(buf, len, 80, &software))
        return false; /* a string past what was read: cut short or corrupt */
    struct mtf_str pass;
    if (!mtf_string(buf, len, 76, &pass))
        return false;

    struct rsm_mli_result r = {0};
    char t_name[512], t_descr[512], t_soft[RSM_MLI_TYPE_MAX];
    to_text(t_name, sizeof t_name, &name, string_type);
    to_text(t_descr, sizeof t_descr, &descr, string_type);
    to_text(t_soft, sizeof t_soft, &software, string_type);

    uint32_t attrs = rsm_mli_le32(buf + 56);
    const char *g = (attrs & TAPE_MEDIA_LABEL) ? t_descr : "";
    for (; strlen(g) >= 36; g++)
        if (rsm_mli_guid_parse(g, r.guid)) {
            r.has_guid = true;
            break;
        }
    if (r.has_guid) {
        rsm_mli_set_id(&r, r.guid, 16);
    } else {
        size_t end = MTF_TAPE_LEN;
        const struct mtf_str *all[] = {&name, &descr, &pass, &software};
        for (size_t i = 0; i < 4; i++)
            if (all[i]->p != NULL && (size_t)(all[i]->p - buf) + all[i]->len > end)
                end = (size_t)(all[i]->p - buf) + all[i]->len;
        uint8_t md5[16];
        rsm_mli_md5(buf, end, md5);
        rsm_mli_set_id(&r, md5, 16);
    }
    rsm_mli_fmt(r.claimer, sizeof r.claimer, "MTF");
    rsm_mli_fmt(r.type, sizeof r.type, "%s", t_soft[0] ? t_soft : "MTF");
    rsm_mli_fmt(r.app, sizeof r.app, "%s", t_soft);
    rsm_mli_fmt(r.info, sizeof r.info, "%s", t_name[0] ? t_name : "MTF tape (no media name)");
    *out = r;
    return true;
}
