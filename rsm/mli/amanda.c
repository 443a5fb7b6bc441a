/* SPDX-License-Identifier: MIT
 * rsm/mli/amanda.c - Amanda tape labels. amlabel writes, as the first block of a tape, a
 * 32 KiB header whose text is
 *     "AMANDA: TAPESTART DATE <datestamp> TAPE <label>\n\014\n"
 * padded with NULs (Amanda's fileheader.c, F_TAPESTART). <datestamp> is "X" on a tape that
 * was labelled but never written, else the run's YYYYMMDD or YYYYMMDDhhmmss; <label>
 * matches the configuration's labelstr and contains no blanks.
 */
#include <string.h>

#include "rsm/mli/internal.h"

#define PREFIX "AMANDA: TAPESTART DATE "

/* Length of the token at p (up to a blank, newline or NUL, within n); 0 if none. */
static size_t token(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] != ' ' && p[i] != '\n' && p[i] != '\0' && p[i] != '\t')
        i++;
    return i;
}

bool rsm_mli_claim_amanda(const uint8_t *buf, size_t len, struct rsm_mli_result *out)
{
    size_t n = len < MLI_AMANDA_MAX ? len : MLI_AMANDA_MAX, off = strlen(PREFIX);
    if (n < off || memcmp(buf, PREFIX, off) != 0)
        return false;
    const uint8_t *date = buf + off;
    size_t date_len = token(date, n - off);
    if (date_len == 0 || date_len > 14)
        return false;
    if (!(date_len == 1 && date[0] == 'X'))
        for (size_t i = 0; i < date_len; i++)
            if (date[i] < '0' || date[i] > '9')
                return false;
    off += date_len;
    if (n - off < 6 || memcmp(buf + off, " TAPE ", 6) != 0)
        return false;
    off += 6;
    const uint8_t *label = buf + off;
    size_t label_len = token(label, n - off);
    off += label_len;
    if (label_len == 0 || off >= n || buf[off] != '\n')
        return false; /* the header line ends here, or the block was cut */
    for (size_t i = 0; i < label_len; i++)
        if (label[i] < 0x21 || label[i] == 0x7F)
            return false;

    struct rsm_mli_result r = {0};
    char lab[RSM_MLI_ID_MAX + 1], when[16];
    rsm_mli_text(lab, sizeof lab, label, label_len);
    rsm_mli_text(when, sizeof when, date, date_len);
    rsm_mli_set_id(&r, label, label_len < RSM_MLI_ID_MAX ? label_len : RSM_MLI_ID_MAX);
    rsm_mli_fmt(r.claimer, sizeof r.claimer, "AMANDA");
    rsm_mli_fmt(r.type, sizeof r.type, "AMANDA");
    rsm_mli_fmt(r.app, sizeof r.app, "Amanda");
    if (date_len == 1)
        rsm_mli_fmt(r.info, sizeof r.info, "Amanda tape %s, labelled, never written", lab);
    else
        rsm_mli_fmt(r.info, sizeof r.info, "Amanda tape %s, last written by run %s", lab, when);
    *out = r;
    return true;
}
