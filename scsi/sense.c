/* SPDX-License-Identifier: MIT
 * scsi/sense.c - fixed and descriptor sense data (SPC-4 4.5): build, parse, text.
 * Layouts are drawn in sense.h.
 */
#include "scsi/sense.h"

#include <stdio.h>
#include <string.h>

#include "scsi/be.h"
#include "scsi/tables.h"

#define SKSV    0x80
#define SKS_CD  0x40
#define SKS_BPV 0x08

void t10_sense_init(struct t10_sense *s, bool descriptor, uint8_t key, uint16_t asc_ascq)
{
    memset(s, 0, sizeof *s);
    s->descriptor = descriptor;
    s->key = key & 0x0F;
    s->asc_ascq = asc_ascq;
}

void t10_sense_init_field(struct t10_sense *s, bool descriptor, uint16_t asc_ascq,
                          const struct t10_field_ptr *field)
{
    t10_sense_init(s, descriptor, T10_KEY_ILLEGAL_REQUEST, asc_ascq);
    if (field) {
        s->sks = T10_SKS_FIELD;
        s->field = *field;
    }
}

/* The three SENSE KEY SPECIFIC bytes, SKSV included (Tables 46/47). */
static void sks_bytes(const struct t10_sense *s, uint8_t b[3])
{
    memset(b, 0, 3);
    switch (s->sks) {
    case T10_SKS_NONE:
        return;
    case T10_SKS_FIELD:
        b[0] = (uint8_t)(SKSV | (s->field.cd ? SKS_CD : 0) |
                         (s->field.bpv ? SKS_BPV | (s->field.bit & 7) : 0));
        t10_put_be16(b + 1, s->field.byte);
        return;
    case T10_SKS_PROGRESS:
        b[0] = SKSV;
        t10_put_be16(b + 1, s->progress);
        return;
    case T10_SKS_RAW:
        b[0] = (uint8_t)(SKSV | (s->sks_raw[0] & 0x7F));
        b[1] = s->sks_raw[1];
        b[2] = s->sks_raw[2];
        return;
    }
}

/* Inverse of sks_bytes; which layout applies depends on the sense key (SPC-4 4.5.2.4). */
static void sks_parse(struct t10_sense *s, const uint8_t b[3])
{
    if (!(b[0] & SKSV)) {
        s->sks = T10_SKS_NONE;
        return;
    }
    switch (s->key) {
    case T10_KEY_ILLEGAL_REQUEST:
        s->sks = T10_SKS_FIELD;
        s->field.cd = (b[0] & SKS_CD) != 0;
        s->field.bpv = (b[0] & SKS_BPV) != 0;
        s->field.bit = s->field.bpv ? (b[0] & 7) : 0;
        s->field.byte = t10_get_be16(b + 1);
        break;
    case T10_KEY_NO_SENSE:
    case T10_KEY_NOT_READY:
        s->sks = T10_SKS_PROGRESS;
        s->progress = t10_get_be16(b + 1);
        break;
    default:
        s->sks = T10_SKS_RAW;
        s->sks_raw[0] = b[0] & 0x7F;
        s->sks_raw[1] = b[1];
        s->sks_raw[2] = b[2];
        break;
    }
}

static void put_bytes(uint8_t *out, size_t cap, size_t off, const uint8_t *src, size_t n)
{
    if (off >= cap)
        return;
    memcpy(out + off, src, cap - off < n ? cap - off : n);
}

size_t t10_sense_build(uint8_t *out, size_t cap, const struct t10_sense *s)
{
    uint8_t b[T10_SENSE_MAX];
    size_t n;
    memset(b, 0, 64);
    if (!s->descriptor) {
        if (s->info_valid && s->info > UINT32_MAX)
            return 0; /* fixed format can't carry it; the caller should use descriptors */
        if (s->cmd_valid && s->cmd_info > UINT32_MAX)
            return 0;
        b[0] = (uint8_t)((s->deferred ? T10_SENSE_FIXED_DEFERRED : T10_SENSE_FIXED_CURRENT) |
                         (s->info_valid ? 0x80 : 0));
        b[2] = (uint8_t)((s->filemark ? 0x80 : 0) | (s->eom ? 0x40 : 0) | (s->ili ? 0x20 : 0) |
                         (s->key & 0x0F));
        if (s->info_valid)
            t10_put_be32(b + 3, (uint32_t)s->info);
        b[7] = T10_SENSE_FIXED_LEN - 8;
        if (s->cmd_valid)
            t10_put_be32(b + 8, (uint32_t)s->cmd_info);
        b[12] = T10_ASC_OF(s->asc_ascq);
        b[13] = T10_ASCQ_OF(s->asc_ascq);
        b[14] = s->fru;
        sks_bytes(s, b + 15);
        n = T10_SENSE_FIXED_LEN;
    } else {
        b[0] = s->deferred ? T10_SENSE_DESC_DEFERRED : T10_SENSE_DESC_CURRENT;
        b[1] = s->key & 0x0F;
        b[2] = T10_ASC_OF(s->asc_ascq);
        b[3] = T10_ASCQ_OF(s->asc_ascq);
        n = 8;
        if (s->info_valid) { /* Table 30: VALID bit set, INFORMATION 8 bytes */
            b[n] = T10_SDESC_INFORMATION;
            b[n + 1] = 0x0A;
            b[n + 2] = 0x80;
            t10_put_be64(b + n + 4, s->info);
            n += 12;
        }
        if (s->cmd_valid) {
            b[n] = T10_SDESC_CMD_SPECIFIC;
            b[n + 1] = 0x0A;
            t10_put_be64(b + n + 4, s->cmd_info);
            n += 12;
        }
        if (s->sks != T10_SKS_NONE) {
            b[n] = T10_SDESC_SKS;
            b[n + 1] = 0x06;
            sks_bytes(s, b + n + 4);
            n += 8;
        }
        if (s->fru) {
            b[n] = T10_SDESC_FRU;
            b[n + 1] = 0x02;
            b[n + 3] = s->fru;
            n += 4;
        }
        if (s->filemark || s->eom || s->ili) { /* SSC-4 4.2.x stream commands descriptor */
            b[n] = T10_SDESC_STREAM;
            b[n + 1] = 0x02;
            b[n + 3] =
                (uint8_t)((s->filemark ? 0x80 : 0) | (s->eom ? 0x40 : 0) | (s->ili ? 0x20 : 0));
            n += 4;
        }
        b[7] = (uint8_t)(n - 8);
    }
    put_bytes(out, cap, 0, b, n);
    return n;
}

struct parse_ctx {
    struct t10_sense *s;
};

static enum t10_rc parse_desc(uint8_t type, const uint8_t *body, size_t body_len, void *arg)
{
    struct t10_sense *s = ((struct parse_ctx *)arg)->s;
    s->n_desc++;
    switch (type) {
    case T10_SDESC_INFORMATION:
        if (body_len >= 10) {
            s->info_valid = (body[0] & 0x80) != 0;
            s->info = t10_get_be64(body + 2);
        }
        break;
    case T10_SDESC_CMD_SPECIFIC:
        if (body_len >= 10) {
            s->cmd_valid = true;
            s->cmd_info = t10_get_be64(body + 2);
        }
        break;
    case T10_SDESC_SKS:
        if (body_len >= 5)
            sks_parse(s, body + 2);
        break;
    case T10_SDESC_FRU:
        if (body_len >= 2)
            s->fru = body[1];
        break;
    case T10_SDESC_STREAM:
        if (body_len >= 2) {
            s->filemark = (body[1] & 0x80) != 0;
            s->eom = (body[1] & 0x40) != 0;
            s->ili = (body[1] & 0x20) != 0;
        }
        break;
    default:
        break; /* vendor or unknown: skipped by its own length */
    }
    return T10_OK;
}

enum t10_rc t10_sense_desc_walk(const uint8_t *buf, size_t len, t10_sense_desc_fn *fn, void *arg,
                                bool *truncated)
{
    *truncated = false;
    if (len < 1)
        return T10_ESHORT;
    uint8_t rc_code = buf[0] & 0x7F;
    if (rc_code != T10_SENSE_DESC_CURRENT && rc_code != T10_SENSE_DESC_DEFERRED)
        return T10_EINVAL;
    if (len < 8) {
        *truncated = true;
        return T10_OK;
    }
    size_t end = 8 + (size_t)buf[7];
    if (end > len) {
        *truncated = true;
        end = len;
    }
    /* Each descriptor is 2 + ADDITIONAL LENGTH bytes; step by that, never by a fixed
     * size (the libiscsi step-size bug), and never past @end. */
    size_t off = 8;
    while (end - off >= 2) {
        size_t dlen = 2 + (size_t)buf[off + 1];
        if (dlen > end - off) {
            *truncated = true;
            break;
        }
        enum t10_rc rc = fn(buf[off], buf + off + 2, dlen - 2, arg);
        if (rc != T10_OK)
            return rc;
        off += dlen;
    }
    if (end - off == 1)
        *truncated = true;
    return T10_OK;
}

enum t10_rc t10_sense_parse(const uint8_t *buf, size_t len, struct t10_sense *out)
{
    struct t10_sense s;
    memset(&s, 0, sizeof s);
    if (len < 1)
        return T10_ESHORT;
    uint8_t code = buf[0] & 0x7F;
    switch (code) {
    case T10_SENSE_FIXED_CURRENT:
    case T10_SENSE_FIXED_DEFERRED: {
        if (len < 14)
            return T10_ESHORT;
        s.deferred = code == T10_SENSE_FIXED_DEFERRED;
        s.info_valid = (buf[0] & 0x80) != 0;
        s.filemark = (buf[2] & 0x80) != 0;
        s.eom = (buf[2] & 0x40) != 0;
        s.ili = (buf[2] & 0x20) != 0;
        s.key = buf[2] & 0x0F;
        s.info = t10_get_be32(buf + 3);
        size_t end = 8 + (size_t)buf[7];
        if (end > len) {
            s.truncated = true;
            end = len;
        }
        /* Devices may send less than 18 bytes (ADDITIONAL SENSE LENGTH 6 is legal): read
         * each later field only if both the data and the length cover it. */
        if (end >= 12) {
            s.cmd_info = t10_get_be32(buf + 8);
            s.cmd_valid = s.cmd_info != 0;
        }
        if (end >= 14) /* else the device sent no ASC/ASCQ: leave 00/00 */
            s.asc_ascq = T10_ASC(buf[12], buf[13]);
        if (end >= 15)
            s.fru = buf[14];
        if (end >= 18)
            sks_parse(&s, buf + 15);
        break;
    }
    case T10_SENSE_DESC_CURRENT:
    case T10_SENSE_DESC_DEFERRED: {
        if (len < 4)
            return T10_ESHORT;
        s.descriptor = true;
        s.deferred = code == T10_SENSE_DESC_DEFERRED;
        s.key = buf[1] & 0x0F;
        s.asc_ascq = T10_ASC(buf[2], buf[3]);
        struct parse_ctx ctx = {&s};
        bool cut = false;
        enum t10_rc rc = t10_sense_desc_walk(buf, len, parse_desc, &ctx, &cut);
        if (rc != T10_OK)
            return rc;
        s.truncated = cut;
        break;
    }
    default:
        return T10_EINVAL;
    }
    *out = s;
    return T10_OK;
}

size_t t10_sense_text(char *out, size_t cap, const struct t10_sense *s)
{
    char buf[256];
    size_t n = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        int k_ = snprintf(buf + n, sizeof buf - n, __VA_ARGS__);                                   \
        if (k_ > 0)                                                                                \
            n += (size_t)k_ < sizeof buf - n ? (size_t)k_ : sizeof buf - n - 1;                    \
    } while (0)
    const char *text = t10_asc_text(s->asc_ascq);
    ADD("%s: ", t10_sense_key_name(s->key));
    if (text)
        ADD("%s ", text);
    else
        ADD("ASC ");
    ADD("(%02X/%02X)", T10_ASC_OF(s->asc_ascq), T10_ASCQ_OF(s->asc_ascq));
    if (s->deferred)
        ADD(" deferred");
    if (s->filemark)
        ADD(" FILEMARK");
    if (s->eom)
        ADD(" EOM");
    if (s->ili)
        ADD(" ILI");
    if (s->info_valid)
        ADD(" info %llu", (unsigned long long)s->info);
    switch (s->sks) {
    case T10_SKS_FIELD:
        ADD(" %s byte %u", s->field.cd ? "field" : "parameter list field", (unsigned)s->field.byte);
        if (s->field.bpv)
            ADD(" bit %u", (unsigned)s->field.bit);
        break;
    case T10_SKS_PROGRESS:
        ADD(" progress %u%%", (unsigned)(s->progress * 100u / 65536u));
        break;
    case T10_SKS_RAW:
        ADD(" sks %02X%02X%02X", s->sks_raw[0], s->sks_raw[1], s->sks_raw[2]);
        break;
    case T10_SKS_NONE:
        break;
    }
#undef ADD
    if (cap > 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(out, buf, k);
        out[k] = '\0';
    }
    return n;
}

void t10_sense_init_code(struct t10_sense *s, bool descriptor, uint32_t code)
{
    t10_sense_init(s, descriptor, T10_SENSE_KEY_OF(code), T10_SENSE_ASC_ASCQ_OF(code));
}
