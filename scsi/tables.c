/* SPDX-License-Identifier: MIT
 * scsi/tables.c - lookups over the generated T10 code tables (scsi/data/ tables) and the
 * few strings every part of scsi/ shares (result names, ASCII field helpers).
 */
#include "scsi/tables.h"

#include <string.h>

#include "scsi/tables_data.h"

const char *t10_rc_name(enum t10_rc rc)
{
    switch (rc) {
    case T10_OK:
        return "T10_OK";
    case T10_ESHORT:
        return "T10_ESHORT";
    case T10_EINVAL:
        return "T10_EINVAL";
    case T10_EOPCODE:
        return "T10_EOPCODE";
    case T10_ERANGE:
        return "T10_ERANGE";
    case T10_ENOENT:
        return "T10_ENOENT";
    case T10_ESTOP:
        return "T10_ESTOP";
    }
    return "T10_E?";
}

void t10_put_ascii(uint8_t *dst, size_t width, const char *src)
{
    size_t n = src ? strnlen(src, width) : 0;
    memcpy(dst, src ? src : "", n);
    memset(dst + n, ' ', width - n);
}

void t10_get_ascii(char *out, const uint8_t *src, size_t width)
{
    size_t n = width;
    while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\0'))
        n--;
    for (size_t i = 0; i < n; i++)
        out[i] = (src[i] >= 0x20 && src[i] < 0x7F) ? (char)src[i] : '?';
    out[n] = '\0';
}

/* Rows for one opcode are adjacent (the generator checks the order), so a binary search
 * finds the first and a short scan picks service action and device type. */
static size_t op_first(uint8_t op)
{
    size_t lo = 0, hi = t10_op_table_len_;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t10_op_table_[mid].op < op)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool op_matches_dev(const struct t10_op_info *r, enum t10_pdt pdt)
{
    return pdt == T10_PDT_NONE || (r->devmask & T10_DEV(pdt)) != 0;
}

const struct t10_op_info *t10_op_lookup(uint8_t op, int sa, enum t10_pdt pdt)
{
    const struct t10_op_info *base = NULL;
    for (size_t i = op_first(op); i < t10_op_table_len_ && t10_op_table_[i].op == op; i++) {
        const struct t10_op_info *r = &t10_op_table_[i];
        if (!op_matches_dev(r, pdt))
            continue;
        if (r->sa < 0 && base == NULL)
            base = r;
        if (sa >= 0 && r->sa == sa)
            return r;
    }
    return base;
}

const char *t10_op_name(uint8_t op, int sa, enum t10_pdt pdt)
{
    const struct t10_op_info *r = t10_op_lookup(op, sa, pdt);
    return r ? r->name : NULL;
}

size_t t10_op_count(void)
{
    return t10_op_table_len_;
}

const struct t10_op_info *t10_op_at(size_t i)
{
    return i < t10_op_table_len_ ? &t10_op_table_[i] : NULL;
}

const struct t10_asc_info *t10_asc_lookup(uint16_t asc_ascq)
{
    size_t lo = 0, hi = t10_asc_table_len_;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t10_asc_table_[mid].code < asc_ascq)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < t10_asc_table_len_ && t10_asc_table_[lo].code == asc_ascq)
        return &t10_asc_table_[lo];
    /* A range row is stored at (asc, 00) and sorts before every exact row of its ASC. */
    uint16_t range_code = T10_ASC(T10_ASC_OF(asc_ascq), 0);
    while (lo > 0 && t10_asc_table_[lo - 1].code >= range_code) {
        lo--;
        if (t10_asc_table_[lo].is_range && t10_asc_table_[lo].code == range_code)
            return &t10_asc_table_[lo];
    }
    return NULL;
}

const char *t10_asc_text(uint16_t asc_ascq)
{
    const struct t10_asc_info *r = t10_asc_lookup(asc_ascq);
    return r ? r->text : NULL;
}

enum t10_err_class t10_asc_class(uint16_t asc_ascq)
{
    const struct t10_asc_info *r = t10_asc_lookup(asc_ascq);
    if (r)
        return r->err_class;
    return T10_ASC_OF(asc_ascq) == 0 ? T10_CLASS_INFO : T10_CLASS_HARDWARE;
}

const char *t10_err_class_name(enum t10_err_class c)
{
    static const char *const names[T10_CLASS_COUNT_] = {
        [T10_CLASS_INFO] = "info",
        [T10_CLASS_PROGRESS] = "progress",
        [T10_CLASS_NO_MEDIUM] = "no_medium",
        [T10_CLASS_MEDIUM] = "medium",
        [T10_CLASS_HARDWARE] = "hardware",
        [T10_CLASS_ILLEGAL] = "illegal",
        [T10_CLASS_ATTENTION] = "attention",
        [T10_CLASS_PROTECT] = "protect",
        [T10_CLASS_CLEANING] = "cleaning",
        [T10_CLASS_ELEMENT] = "element",
        [T10_CLASS_POSITION] = "position",
        [T10_CLASS_ABORTED] = "aborted",
        [T10_CLASS_RESERVATION] = "reservation",
        [T10_CLASS_PREDICTED] = "predicted",
    };
    if ((unsigned)c < T10_CLASS_COUNT_ && names[c])
        return names[c];
    return "unknown";
}

const char *t10_sense_key_name(uint8_t key)
{
    if (key < 16 && t10_sense_key_names_[key])
        return t10_sense_key_names_[key];
    return "RESERVED";
}

size_t t10_asc_count(void)
{
    return t10_asc_table_len_;
}

const struct t10_asc_info *t10_asc_at(size_t i)
{
    return i < t10_asc_table_len_ ? &t10_asc_table_[i] : NULL;
}
