/* SPDX-License-Identifier: MIT
 * scsi/log.c - log page headers, parameter walk and builders, supported pages and
 * TapeAlert (SPC-4 7.3, SSC-4 8.2.3). Layouts in log.h.
 */
#include "scsi/log.h"

#include <string.h>

#include "scsi/be.h"

static size_t copy_out(uint8_t *out, size_t cap, const uint8_t *b, size_t n)
{
    if (cap)
        memcpy(out, b, cap < n ? cap : n);
    return n;
}

size_t t10_log_hdr_build(uint8_t *out, size_t cap, const struct t10_log_hdr *h)
{
    uint8_t b[4];
    b[0] = (uint8_t)((h->ds ? 0x80 : 0) | (h->spf ? 0x40 : 0) | (h->page & 0x3F));
    b[1] = h->subpage;
    t10_put_be16(b + 2, h->page_len);
    return copy_out(out, cap, b, 4);
}

enum t10_rc t10_log_hdr_decode(const uint8_t *buf, size_t len, struct t10_log_hdr *out)
{
    if (len < T10_LOG_HDR_LEN)
        return T10_ESHORT;
    out->ds = buf[0] & 0x80;
    out->spf = buf[0] & 0x40;
    out->page = buf[0] & 0x3F;
    out->subpage = buf[1];
    out->page_len = t10_get_be16(buf + 2);
    return T10_OK;
}

void t10_log_set_page_len(uint8_t *out, size_t cap, size_t total_len)
{
    size_t v = total_len < 4 ? 0 : total_len - 4;
    if (v > 0xFFFF)
        v = 0xFFFF;
    if (cap >= 3)
        out[2] = (uint8_t)(v >> 8);
    if (cap >= 4)
        out[3] = (uint8_t)v;
}

size_t t10_log_param_build(uint8_t *out, size_t cap, const struct t10_log_param *p)
{
    uint8_t h[4];
    t10_put_be16(h, p->code);
    h[2] = p->control;
    h[3] = p->len;
    copy_out(out, cap, h, 4);
    if (cap > 4 && p->len)
        copy_out(out + 4, cap - 4, p->value, p->len);
    return 4 + (size_t)p->len;
}

size_t t10_log_param_build_uint(uint8_t *out, size_t cap, uint16_t code, uint8_t control,
                                uint64_t v, size_t width)
{
    if (width < 1 || width > 8)
        return 0;
    if (width < 8 && v >> (8 * width))
        v = (UINT64_C(1) << (8 * width)) - 1; /* a bounded counter stops at its maximum */
    uint8_t val[8];
    for (size_t i = width; i-- > 0; v >>= 8)
        val[i] = (uint8_t)v;
    struct t10_log_param p = {
        .code = code, .control = control, .len = (uint8_t)width, .value = val};
    return t10_log_param_build(out, cap, &p);
}

uint64_t t10_log_param_uint(const struct t10_log_param *p)
{
    uint64_t v = 0;
    for (size_t i = 0; i < p->len; i++)
        v = v << 8 | p->value[i];
    return v;
}

enum t10_rc t10_log_walk(const uint8_t *buf, size_t len, struct t10_log_hdr *hdr,
                         t10_log_param_fn *fn, void *arg, bool *truncated)
{
    struct t10_log_hdr h;
    *truncated = false;
    enum t10_rc rc = t10_log_hdr_decode(buf, len, &h);
    if (rc != T10_OK)
        return rc;
    if (hdr)
        *hdr = h;
    size_t end = T10_LOG_HDR_LEN + (size_t)h.page_len;
    if (end > len) {
        *truncated = true;
        end = len;
    }
    size_t off = T10_LOG_HDR_LEN;
    while (off < end) {
        if (end - off < T10_LOG_PARAM_HDR || T10_LOG_PARAM_HDR + (size_t)buf[off + 3] > end - off) {
            *truncated = true;
            return T10_OK;
        }
        uint8_t ctl = buf[off + 2];
        struct t10_log_param p = {
            .code = t10_get_be16(buf + off),
            .control = ctl,
            .du = ctl & T10_LOGCTL_DU,
            .tsd = ctl & T10_LOGCTL_TSD,
            .etc = ctl & T10_LOGCTL_ETC,
            .tmc = (ctl >> 2) & 3,
            .fl = ctl & T10_LOGCTL_FL_MASK,
            .len = buf[off + 3],
            .value = buf + off + 4,
        };
        rc = fn(&p, arg);
        if (rc != T10_OK)
            return rc;
        off += T10_LOG_PARAM_HDR + (size_t)p.len;
    }
    return T10_OK;
}

struct find_ctx {
    uint16_t code;
    struct t10_log_param *out;
};

static enum t10_rc find_cb(const struct t10_log_param *p, void *arg)
{
    struct find_ctx *c = arg;
    if (p->code != c->code)
        return T10_OK;
    *c->out = *p;
    return T10_ESTOP;
}

enum t10_rc t10_log_find_param(const uint8_t *buf, size_t len, uint16_t code,
                               struct t10_log_param *out)
{
    struct find_ctx c = {code, out};
    bool cut;
    enum t10_rc rc = t10_log_walk(buf, len, NULL, find_cb, &c, &cut);
    if (rc == T10_ESTOP)
        return T10_OK;
    return rc == T10_OK ? T10_ENOENT : rc;
}

size_t t10_log_supported_build(uint8_t *out, size_t cap, const uint8_t *pages, size_t n)
{
    bool present[64] = {false};
    for (size_t i = 0; i < n; i++)
        present[pages[i] & 0x3F] = true;
    uint8_t b[4 + 64];
    size_t k = 4;
    for (unsigned p = 0; p < 64; p++)
        if (present[p])
            b[k++] = (uint8_t)p;
    struct t10_log_hdr h = {.page = T10_LP_SUPPORTED, .page_len = (uint16_t)(k - 4)};
    t10_log_hdr_build(b, 4, &h);
    return copy_out(out, cap, b, k);
}

enum t10_rc t10_log_supported_decode(const uint8_t *buf, size_t len, uint8_t *pages, size_t cap,
                                     size_t *n_pages)
{
    struct t10_log_hdr h;
    enum t10_rc rc = t10_log_hdr_decode(buf, len, &h);
    if (rc != T10_OK)
        return rc;
    if (h.page != T10_LP_SUPPORTED || h.spf)
        return T10_EINVAL;
    size_t n = h.page_len < len - 4 ? h.page_len : len - 4;
    for (size_t i = 0; i < n && i < cap; i++)
        pages[i] = buf[4 + i] & 0x3F;
    *n_pages = n;
    return T10_OK;
}

/* SSC-4 Annex A (TapeAlert flags). 28h-2Eh were changer flags in older revisions. */
static const char *const ta_names[65] = {
    [0x01] = "Read warning",
    [0x02] = "Write warning",
    [0x03] = "Hard error",
    [0x04] = "Media",
    [0x05] = "Read failure",
    [0x06] = "Write failure",
    [0x07] = "Media life",
    [0x08] = "Not data grade",
    [0x09] = "Write protect",
    [0x0A] = "No removal",
    [0x0B] = "Cleaning media",
    [0x0C] = "Unsupported format",
    [0x0D] = "Recoverable mechanical cartridge failure",
    [0x0E] = "Unrecoverable mechanical cartridge failure",
    [0x0F] = "Memory chip in cartridge failure",
    [0x10] = "Forced eject",
    [0x11] = "Read only format",
    [0x12] = "Tape directory corrupted on load",
    [0x13] = "Nearing media life",
    [0x14] = "Clean now",
    [0x15] = "Clean periodic",
    [0x16] = "Expired cleaning media",
    [0x17] = "Invalid cleaning tape",
    [0x18] = "Retension requested",
    [0x19] = "Dual-port interface error",
    [0x1A] = "Cooling fan failure",
    [0x1B] = "Power supply failure",
    [0x1C] = "Power consumption",
    [0x1D] = "Drive maintenance",
    [0x1E] = "Hardware A",
    [0x1F] = "Hardware B",
    [0x20] = "Interface",
    [0x21] = "Eject media",
    [0x22] = "Download fail",
    [0x23] = "Drive humidity",
    [0x24] = "Drive temperature",
    [0x25] = "Drive voltage",
    [0x26] = "Predictive failure",
    [0x27] = "Diagnostics required",
    [0x28] = "Loader hardware A",
    [0x29] = "Loader stray tape",
    [0x2A] = "Loader hardware B",
    [0x2B] = "Loader door",
    [0x2C] = "Loader hardware C",
    [0x2D] = "Loader magazine",
    [0x2E] = "Loader predictive failure",
    [0x32] = "Lost statistics",
    [0x33] = "Tape directory invalid at unload",
    [0x34] = "Tape system area write failure",
    [0x35] = "Tape system area read failure",
    [0x36] = "No start of data",
    [0x37] = "Loading failure",
    [0x38] = "Unrecoverable unload failure",
    [0x39] = "Automation interface failure",
    [0x3A] = "Firmware failure",
    [0x3B] = "WORM medium - integrity check failed",
    [0x3C] = "WORM medium - overwrite attempted",
};

const char *t10_tapealert_name(unsigned n)
{
    return n >= 1 && n <= 64 ? ta_names[n] : NULL;
}

size_t t10_log_tapealert_build(uint8_t *out, size_t cap, uint64_t flags)
{
    uint8_t b[4 + 64 * 5];
    struct t10_log_hdr h = {.page = T10_LP_TAPEALERT, .page_len = 64 * 5};
    t10_log_hdr_build(b, 4, &h);
    for (unsigned n = 1; n <= 64; n++) {
        uint8_t *p = b + 4 + 5 * (n - 1);
        t10_put_be16(p, n);
        p[2] = T10_LOGCTL_BINARY_LIST;
        p[3] = 1;
        p[4] = (flags & T10_TA_FLAG(n)) ? 1 : 0;
    }
    return copy_out(out, cap, b, sizeof b);
}

static enum t10_rc ta_cb(const struct t10_log_param *p, void *arg)
{
    uint64_t *flags = arg;
    if (p->code >= 1 && p->code <= 64 && p->len >= 1 && (p->value[0] & 1))
        *flags |= T10_TA_FLAG(p->code);
    return T10_OK;
}

enum t10_rc t10_log_tapealert_decode(const uint8_t *buf, size_t len, uint64_t *flags,
                                     bool *truncated)
{
    struct t10_log_hdr h;
    uint64_t f = 0;
    *truncated = false;
    enum t10_rc rc = t10_log_hdr_decode(buf, len, &h);
    if (rc != T10_OK)
        return rc;
    if (h.page != T10_LP_TAPEALERT)
        return T10_EINVAL;
    rc = t10_log_walk(buf, len, NULL, ta_cb, &f, truncated);
    if (rc != T10_OK)
        return rc;
    *flags = f;
    return T10_OK;
}
