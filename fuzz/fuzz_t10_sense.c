/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_t10_sense.c - libFuzzer target for sense data parsing, the descriptor walk and
 * text rendering (scsi/sense.c). Any input is sense data as a device might send it.
 * Property: whatever parses rebuilds into sense that parses to the same key and ASC.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/sense.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum t10_rc count_desc(uint8_t type, const uint8_t *body, size_t body_len, void *arg)
{
    (void)type;
    if (body_len > 0 && body == NULL)
        abort();
    ++*(size_t *)arg;
    return T10_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct t10_sense s;
    char text[64];
    bool cut;
    size_t n = 0;
    (void)t10_sense_desc_walk(data, size, count_desc, &n, &cut);
    if (t10_sense_parse(data, size, &s) != T10_OK)
        return 0;
    size_t tl = t10_sense_text(text, sizeof text, &s);
    if (strlen(text) != (tl < sizeof text ? tl : sizeof text - 1))
        abort();
    uint8_t b[T10_SENSE_MAX];
    if (!s.descriptor) { /* fixed format holds 32-bit INFORMATION only */
        s.info &= UINT32_MAX;
        s.cmd_info &= UINT32_MAX;
    }
    size_t bl = t10_sense_build(b, sizeof b, &s);
    if (bl == 0 || bl > sizeof b)
        abort();
    struct t10_sense r;
    if (t10_sense_parse(b, bl, &r) != T10_OK || r.key != s.key || r.asc_ascq != s.asc_ascq ||
        r.descriptor != s.descriptor || r.truncated)
        abort();
    return 0;
}
