/* SPDX-License-Identifier: MIT
 * rsm/mli/text.c - turning label bytes from a medium into safe UTF-8 for the database.
 *
 * Labels come from tapes anyone may have written, so nothing in them is trusted: every
 * string the claimers return passes through here and comes out as valid, terminated UTF-8
 * without control characters (the engine widens it to WCHAR for szOmidLabelInfo).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rsm/mli/internal.h"

size_t rsm_mli_put_cp(char *dst, size_t cap, size_t len, uint32_t cp)
{
    uint8_t tmp[4];
    size_t n;
    if (cp < 0x80) {
        tmp[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        tmp[0] = (uint8_t)(0xC0 | cp >> 6);
        tmp[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        tmp[0] = (uint8_t)(0xE0 | cp >> 12);
        tmp[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        tmp[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        tmp[0] = (uint8_t)(0xF0 | cp >> 18);
        tmp[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        tmp[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        tmp[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    if (len + n + 1 > cap)
        return len;
    memcpy(dst + len, tmp, n);
    dst[len + n] = '\0';
    return len + n;
}

/* Length of the valid UTF-8 sequence at @p (at most @n bytes), its code point in *cp; 0
 * if the bytes there are not valid UTF-8 (overlong forms and surrogates included). */
static size_t utf8_seq(const uint8_t *p, size_t n, uint32_t *cp)
{
    uint32_t c = p[0];
    size_t need;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        need = 2, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        need = 3, min = 0x800, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        need = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return need;
}

static size_t trim(char *dst, size_t len)
{
    while (len > 0 && dst[len - 1] == ' ')
        dst[--len] = '\0';
    return len;
}

size_t rsm_mli_text(char *dst, size_t cap, const uint8_t *src, size_t n)
{
    size_t len = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < n && src[i] != 0;) {
        uint32_t cp;
        size_t k = utf8_seq(src + i, n - i, &cp);
        if (k == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            cp = '?';
            k = k ? k : 1;
        }
        size_t grown = rsm_mli_put_cp(dst, cap, len, cp);
        if (grown == len)
            break; /* full: cut at this character boundary */
        len = grown;
        i += k;
    }
    return trim(dst, len);
}

size_t rsm_mli_utf16le(char *dst, size_t cap, const uint8_t *src, size_t n_units)
{
    size_t len = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < n_units; i++) {
        uint32_t cp = rsm_mli_le16(src + 2 * i);
        if (cp == 0)
            break;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n_units) {
            uint32_t lo = rsm_mli_le16(src + 2 * (i + 1));
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            }
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            cp = '?'; /* a lone surrogate or a control character */
        size_t grown = rsm_mli_put_cp(dst, cap, len, cp);
        if (grown == len)
            break;
        len = grown;
    }
    return trim(dst, len);
}

void rsm_mli_fmt(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
    if (n < 0)
        dst[0] = '\0';
    else if ((size_t)n >= cap) {
        /* vsnprintf cut in the middle of a UTF-8 character maybe: back off to a boundary. */
        size_t len = strlen(dst);
        while (len > 0 && ((uint8_t)dst[len - 1] & 0xC0) == 0x80)
            len--;
        if (len > 0 && ((uint8_t)dst[len - 1] & 0xC0) == 0xC0)
            len--;
        dst[len] = '\0';
    }
}

void rsm_mli_set_id(struct rsm_mli_result *out, const void *src, size_t n)
{
    memcpy(out->id, src, n);
    out->id_len = n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool rsm_mli_guid_parse(const char *s, uint8_t out[16])
{
    uint8_t g[16];
    size_t b = 0;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = hi < 0 ? -1 : hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        g[b++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    memcpy(out, g, 16);
    return true;
}

void rsm_mli_guid_format(const uint8_t g[16], char out[37])
{
    snprintf(out, 37, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", g[0],
             g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13],
             g[14], g[15]);
}
