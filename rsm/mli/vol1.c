/* SPDX-License-Identifier: MIT
 * rsm/mli/vol1.c - the 80-byte VOL1 volume label family: ISO 1001 / ANSI X3.27 (ASCII),
 * IBM standard labels (EBCDIC), LTFS (an ANSI VOL1 with its own implementation ID) and
 * RSM's own free-media label (VOL1 + UVL1), which this file also writes.
 *
 * VOL1, ANSI X3.27-1987 / ISO 1001 version 4 (ASCII):
 *   Byte   Len  Field
 *   0      3    label identifier "VOL"
 *   3      1    label number "1"
 *   4      6    volume identifier (volser), a-characters, left-justified
 *   10     1    accessibility (space = unrestricted; LTFS writes "L")
 *   11     13   reserved (spaces)
 *   24     13   implementation identifier (LTFS: "LTFS"; RSM: "OPENRSM")
 *   37     14   owner identifier
 *   51     28   reserved (spaces)
 *   79     1    label standard version ("1".."4"; LTFS and RSM write "4")
 * IBM standard VOL1 (z/OS DFSMS, IBM i "IBM standard volume label"): same first 11
 * bytes in EBCDIC, 5-byte VTOC pointer and 21 reserved bytes at 11, owner name and
 * address code at 37 (14), 29 reserved bytes at 51; volser characters A-Z 0-9 @ $ #.
 * LTFS (SNIA LTFS Format 2.x, "VOL1 label"): accessibility "L", implementation "LTFS".
 *
 * RSM free-media label (ours; the Windows encoding is undocumented, ntms-api.md §4.3),
 * one 160-byte block: the VOL1 above with implementation "OPENRSM", owner "RSM FREE",
 * version "4", then a UVL1 user volume label:
 *   80   4   "UVL1"
 *   84   8   "RSMFREE1" (magic and layout version 1)
 *   92   36  the medium GUID, 8-4-4-4-12 upper-case hex of the 16 raw bytes in order
 *   128  14  when it was written, UTC, YYYYMMDDHHMMSS
 *   142  18  spaces
 */
#include <string.h>

#include "rsm/mli/internal.h"

#define OFF_VOLSER 4
#define OFF_ACCESS 10
#define OFF_IMPL   24
#define LEN_IMPL   13
#define OFF_OWNER  37
#define LEN_OWNER  14
#define OFF_LEVEL  79

#define FREE_IMPL  "OPENRSM"
#define FREE_OWNER "RSM FREE"
#define FREE_MAGIC "RSMFREE1"

/* ANSI "a-characters": the only ones a volume identifier may use. */
static bool is_achar(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr(" !\"%&'()*+,-./:;<=>?_", c) != NULL);
}

/* A volser: a-characters (IBM: A-Z 0-9 @ $ # too), left-justified, not blank. */
static bool volser_ok(const uint8_t *v, bool ibm)
{
    if (v[0] == ' ')
        return false;
    bool blank_seen = false;
    for (int i = 0; i < 6; i++) {
        bool ok = ibm ? ((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
                         v[i] == '@' || v[i] == '$' || v[i] == '#' || v[i] == ' ')
                      : is_achar(v[i]);
        if (!ok || (blank_seen && v[i] != ' '))
            return false; /* embedded blanks are not left-justified */
        blank_seen |= v[i] == ' ';
    }
    return true;
}

/* The ASCII VOL1 checks shared by ANSI, LTFS and the free label: identifier, printable
 * ASCII throughout (so random data and EBCDIC fail), a good volser and a version digit. */
static bool ansi_vol1(const uint8_t *buf, size_t len)
{
    if (len < MLI_VOL1_LEN || memcmp(buf, "VOL1", 4) != 0)
        return false;
    for (int i = 0; i < MLI_VOL1_LEN; i++)
        if (buf[i] < 0x20 || buf[i] > 0x7E)
            return false;
    return volser_ok(buf + OFF_VOLSER, false) && buf[OFF_LEVEL] >= '1' && buf[OFF_LEVEL] <= '4';
}

/* Field @off/@n equals @want padded with spaces. */
static bool field_is(const uint8_t *buf, size_t off, size_t n, const char *want)
{
    size_t w = strlen(want);
    if (memcmp(buf + off, want, w) != 0)
        return false;
    for (size_t i = w; i < n; i++)
        if (buf[off + i] != ' ')
            return false;
    return true;
}

static void set_volser_id(struct rsm_mli_result *r, const uint8_t *volser)
{
    size_t n = 6;
    while (n > 0 && volser[n - 1] == ' ')
        n--;
    rsm_mli_set_id(r, volser, n);
}

/* ---- RSM free-media label ------------------------------------------------------------ */

static bool digits(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

bool rsm_mli_claim_free(const uint8_t *buf, size_t len, struct rsm_mli_result *out)
{
    if (len < RSM_MLI_FREE_LABEL_LEN || !ansi_vol1(buf, len) ||
        !field_is(buf, OFF_IMPL, LEN_IMPL, FREE_IMPL) ||
        !field_is(buf, OFF_OWNER, LEN_OWNER, FREE_OWNER) || memcmp(buf + 80, "UVL1", 4) != 0 ||
        memcmp(buf + 84, FREE_MAGIC, 8) != 0 || !digits(buf + 128, 14))
        return false;
    char text[37];
    memcpy(text, buf + 92, 36);
    text[36] = '\0';
    struct rsm_mli_result r = {0};
    if (!rsm_mli_guid_parse(text, r.media_id))
        return false;
    r.free_label = true;
    rsm_mli_set_id(&r, r.media_id, 16);
    rsm_mli_fmt(r.claimer, sizeof r.claimer, "RSM");
    rsm_mli_fmt(r.type, sizeof r.type, "RSM");
    rsm_mli_fmt(r.app, sizeof r.app, "OpenRSM");
    const uint8_t *t = buf + 128;
    rsm_mli_fmt(r.info, sizeof r.info,
                "RSM free medium %s, free label written %.4s-%.2s-%.2s %.2s:%.2s:%.2s UTC", text, t,
                t + 4, t + 6, t + 8, t + 10, t + 12);
    *out = r;
    return true;
}

size_t rsm_mli_free_label_build(uint8_t *out, size_t cap, const uint8_t media_id[16],
                                const char *volser, time_t when)
{
    if (media_id == NULL || (out == NULL && cap > 0))
        return 0;
    uint8_t lab[RSM_MLI_FREE_LABEL_LEN];
    char guid[37], stamp[16];
    memset(lab, ' ', sizeof lab);
    memcpy(lab, "VOL1", 4);
    rsm_mli_guid_format(media_id, guid);

    /* The volser: the caller's (folded to upper case) if it is a valid one, else the
     * GUID's first six hex digits, so the label is always a well-formed VOL1. */
    uint8_t v[6];
    memset(v, ' ', sizeof v);
    size_t vn = volser ? strlen(volser) : 0;
    for (size_t i = 0; i < vn && i < 6; i++) {
        char c = volser[i];
        v[i] = (uint8_t)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    if (vn == 0 || !volser_ok(v, false))
        memcpy(v, guid, 6);
    memcpy(lab + OFF_VOLSER, v, 6);
    memcpy(lab + OFF_IMPL, FREE_IMPL, strlen(FREE_IMPL));
    memcpy(lab + OFF_OWNER, FREE_OWNER, strlen(FREE_OWNER));
    lab[OFF_LEVEL] = '4';

    struct tm tm;
    if (gmtime_r(&when, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
        memset(&tm, 0, sizeof tm), tm.tm_year = 70, tm.tm_mday = 1; /* unrepresentable */
    rsm_mli_fmt(stamp, sizeof stamp, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    memcpy(lab + 80, "UVL1", 4);
    memcpy(lab + 84, FREE_MAGIC, 8);
    memcpy(lab + 92, guid, 36);
    memcpy(lab + 128, stamp, 14);

    if (cap > 0)
        memcpy(out, lab, cap < sizeof lab ? cap : sizeof lab);
    return sizeof lab;
}

/* ---- LTFS ------------------------------------------------------------------------------ */

bool rsm_mli_claim_ltfs(const uint8_t *buf, size_t len, struct rsm_mli_result *out)
{
    if (!ansi_vol1(buf, len) || buf[OFF_ACCESS] != 'L' ||
        !field_is(buf, OFF_IMPL, LEN_IMPL, "LTFS"))
        return false;
    struct rsm_mli_result r = {0};
    char volser[8], owner[LEN_OWNER + 1];
    rsm_mli_text(volser, sizeof volser, buf + OFF_VOLSER, 6);
    rsm_mli_text(owner, sizeof owner, buf + OFF_OWNER, LEN_OWNER);
    set_volser_id(&r, buf + OFF_VOLSER);
    rsm_mli_fmt(r.claimer, sizeof r.claimer, "LTFS");
    rsm_mli_fmt(r.type, sizeof r.type, "LTFS");
    rsm_mli_fmt(r.app, sizeof r.app, "LTFS");
    rsm_mli_fmt(r.info, sizeof r.info, "LTFS volume %s%s%s", volser, owner[0] ? ", owner " : "",
                owner);
    *out = r;
    return true;
}

/* ---- ANSI / ISO ------------------------------------------------------------------------ */

bool rsm_mli_claim_ansi(const uint8_t *buf, size_t len, struct rsm_mli_result *out)
{
    if (!ansi_vol1(buf, len))
        return false;
    struct rsm_mli_result r = {0};
    char volser[8], owner[LEN_OWNER + 1], impl[LEN_IMPL + 1];
    rsm_mli_text(volser, sizeof volser, buf + OFF_VOLSER, 6);
    rsm_mli_text(owner, sizeof owner, buf + OFF_OWNER, LEN_OWNER);
    rsm_mli_text(impl, sizeof impl, buf + OFF_IMPL, LEN_IMPL);
    set_volser_id(&r, buf + OFF_VOLSER);
    rsm_mli_fmt(r.claimer, sizeof r.claimer, "ANSI");
    rsm_mli_fmt(r.type, sizeof r.type, "ANSI");
    rsm_mli_fmt(r.app, sizeof r.app, "%s", impl);
    rsm_mli_fmt(r.info, sizeof r.info, "ANSI VOL1 volume %s, label version %c%s%s%s%s", volser,
                buf[OFF_LEVEL], owner[0] ? ", owner " : "", owner, impl[0] ? ", written by " : "",
                impl);
    *out = r;
    return true;
}

/* ---- IBM standard label (EBCDIC) ------------------------------------------------------ */

/* EBCDIC (code page 037) to ASCII for the characters a label may hold; 0 = not one. */
static uint8_t ebcdic(uint8_t c)
{
    static const char *const upper = "ABCDEFGHI", *const mid = "JKLMNOPQR", *const low = "STUVWXYZ";
    if (c >= 0xC1 && c <= 0xC9)
        return (uint8_t)upper[c - 0xC1];
    if (c >= 0xD1 && c <= 0xD9)
        return (uint8_t)mid[c - 0xD1];
    if (c >= 0xE2 && c <= 0xE9)
        return (uint8_t)low[c - 0xE2];
    if (c >= 0x81 && c <= 0x89)
        return (uint8_t)(upper[c - 0x81] - 'A' + 'a');
    if (c >= 0x91 && c <= 0x99)
        return (uint8_t)(mid[c - 0x91] - 'A' + 'a');
    if (c >= 0xA2 && c <= 0xA9)
        return (uint8_t)(low[c - 0xA2] - 'A' + 'a');
    if (c >= 0xF0 && c <= 0xF9)
        return (uint8_t)('0' + c - 0xF0);
    static const struct {
        uint8_t e, a;
    } sym[] = {
        {0x40, ' '}, {0x4B, '.'}, {0x4C, '<'}, {0x4D, '('},  {0x4E, '+'}, {0x50, '&'},
        {0x5A, '!'}, {0x5B, '$'}, {0x5C, '*'}, {0x5D, ')'},  {0x5E, ';'}, {0x60, '-'},
        {0x61, '/'}, {0x6B, ','}, {0x6C, '%'}, {0x6D, '_'},  {0x6E, '>'}, {0x6F, '?'},
        {0x7A, ':'}, {0x7B, '#'}, {0x7C, '@'}, {0x7D, '\''}, {0x7E, '='}, {0x7F, '"'},
    };
    for (size_t i = 0; i < sizeof sym / sizeof sym[0]; i++)
        if (sym[i].e == c)
            return sym[i].a;
    return 0;
}

bool rsm_mli_claim_ibm(const uint8_t *buf, size_t len, struct rsm_mli_result *out)
{
    static const uint8_t vol1[4] = {0xE5, 0xD6, 0xD3, 0xF1}; /* "VOL1" in EBCDIC */
    if (len < MLI_VOL1_LEN || memcmp(buf, vol1, 4) != 0)
        return false;
    uint8_t a[MLI_VOL1_LEN];
    for (int i = 0; i < MLI_VOL1_LEN; i++) {
        /* Reserved fields are blanks, but some writers leave them binary zero. */
        a[i] = buf[i] == 0x00 ? ' ' : ebcdic(buf[i]);
        if (a[i] == 0)
            return false; /* not label text: random data or another format */
    }
    if (!volser_ok(a + OFF_VOLSER, true))
        return false;
    struct rsm_mli_result r = {0};
    char volser[8], owner[LEN_OWNER + 1];
    rsm_mli_text(volser, sizeof volser, a + OFF_VOLSER, 6);
    rsm_mli_text(owner, sizeof owner, a + OFF_OWNER, LEN_OWNER);
    set_volser_id(&r, a + OFF_VOLSER);
    rsm_mli_fmt(r.claimer, sizeof r.claimer, "IBM");
    rsm_mli_fmt(r.type, sizeof r.type, "IBM");
    rsm_mli_fmt(r.info, sizeof r.info, "IBM standard label volume %s%s%s", volser,
                owner[0] ? ", owner " : "", owner);
    *out = r;
    return true;
}
