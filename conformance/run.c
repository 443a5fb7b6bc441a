/* SPDX-License-Identifier: MIT
 * conformance/run.c - a run: opening the devices, discovering the library, running checks
 * with their evidence, and the motion journal that puts cartridges back.
 *
 * Discovery reads what most checks need once (INQUIRY, VPD 80h/83h, pages 1Dh/1Eh/1Fh, the
 * inventory, REPORT LUNS, each drive's INQUIRY and serial, and the DT-element-to-drive
 * map through DVCID, SMC-3 6.10.3). Its commands are not evidence of any check: each check
 * repeats the commands its verdict rests on, so a report reader sees them.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conformance/internal.h"
#include "scsi/be.h"
#include "scsi/luns.h"
#include "scsi/rsoc.h"
#include "scsi/vpd.h"

const char *conform_rc_name(enum conform_rc rc)
{
    switch (rc) {
    case CONFORM_OK: return "CONFORM_OK";
    case CONFORM_E_OPEN: return "CONFORM_E_OPEN";
    case CONFORM_E_IO: return "CONFORM_E_IO";
    case CONFORM_E_NOMEM: return "CONFORM_E_NOMEM";
    case CONFORM_E_INVAL: return "CONFORM_E_INVAL";
    case CONFORM_E_WRITE: return "CONFORM_E_WRITE";
    case CONFORM_E_RESTORE: return "CONFORM_E_RESTORE";
    }
    return "CONFORM_E_?";
}

const char *conform_verdict_name(enum conform_verdict v)
{
    switch (v) {
    case CONFORM_PASS: return "PASS";
    case CONFORM_FAIL: return "FAIL";
    case CONFORM_SKIP: return "SKIP";
    case CONFORM_NOTRUN: return "NOTRUN";
    }
    return "?";
}

const char *conform_class_name(enum conform_class c)
{
    switch (c) {
    case CONFORM_MANDATORY: return "mandatory";
    case CONFORM_OPTIONAL: return "optional-if-supported";
    case CONFORM_CLIENT: return "client-relied";
    }
    return "?";
}

/* ---- devices over transport/ ---- */

static enum xport_rc xdev_exec(void *impl, struct xport_cmd *cmd)
{
    return xport_exec(impl, cmd);
}
static void xdev_close(void *impl)
{
    xport_close(impl);
}
static const struct conform_dev_ops xdev_ops = {xdev_exec, xdev_close};

enum conform_rc conform_dev_open_xport(void *arg, const char *uri, struct conform_dev **out,
                                       char *err, size_t err_cap)
{
    (void)arg;
    *out = NULL;
    struct xport *xp;
    if (xport_open(uri, &xp, err, err_cap) != XPORT_OK)
        return CONFORM_E_OPEN;
    struct conform_dev *d = calloc(1, sizeof *d);
    if (!d) {
        xport_close(xp);
        return CONFORM_E_NOMEM;
    }
    d->ops = &xdev_ops;
    d->impl = xp;
    snprintf(d->uri, sizeof d->uri, "%s", uri);
    *out = d;
    return CONFORM_OK;
}

void conform_dev_close(struct conform_dev *d)
{
    if (!d)
        return;
    if (d->ops && d->ops->close)
        d->ops->close(d->impl);
    free(d);
}

bool conform_uri_with_lun(const char *uri, unsigned lun, char *out, size_t cap)
{
    if (strncmp(uri, "sim:", 4) == 0) {
        /* Keep every option but lun= (mutant=... names the same library). */
        const char *q = strchr(uri, '?');
        int n = (int)(q ? (size_t)(q - uri) : strlen(uri));
        int w = snprintf(out, cap, "%.*s?lun=%u", n, uri, lun);
        while (q && *q && w >= 0 && w < (int)cap) {
            q++;
            size_t len = strcspn(q, "&");
            if (strncmp(q, "lun=", 4) != 0)
                w += snprintf(out + w, cap - (size_t)w, "&%.*s", (int)len, q);
            q += len;
        }
        return w >= 0 && w < (int)cap;
    }
    if (strncmp(uri, "iscsi://", 8) == 0) {
        const char *slash = strrchr(uri + 8, '/');
        const char *first = strchr(uri + 8, '/');
        if (!slash || slash == first) /* no LUN component: iscsi://host/iqn */
            return snprintf(out, cap, "%s/%u", uri, lun) < (int)cap;
        return snprintf(out, cap, "%.*s/%u", (int)(slash - uri), uri, lun) < (int)cap;
    }
    return false;
}

/* ---- verdict helpers ---- */

double cf_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void add_note(struct conform_run *r, const char *text)
{
    struct conform_result *c = r->cur;
    if (!c)
        return;
    char **n = realloc(c->notes, (c->n_notes + 1) * sizeof *n);
    if (!n)
        return;
    c->notes = n;
    c->notes[c->n_notes] = strdup(text);
    if (c->notes[c->n_notes])
        c->n_notes++;
}

void cf_fail(struct conform_run *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->cur && !r->cur_failed)
        snprintf(r->cur->reason, sizeof r->cur->reason, "%s", msg);
    r->cur_failed = true;
    char line[540];
    snprintf(line, sizeof line, "FAIL: %s", msg);
    add_note(r, line);
}

void cf_skip(struct conform_run *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->cur && !r->cur_failed && !r->cur_skipped)
        snprintf(r->cur->reason, sizeof r->cur->reason, "%s", msg);
    r->cur_skipped = true;
    char line[540];
    snprintf(line, sizeof line, "SKIP: %s", msg);
    add_note(r, line);
}

void cf_note(struct conform_run *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    add_note(r, msg);
}

void cf_timing(struct conform_run *r, const char *kind, double ms, const char *fmt, ...)
{
    if (r->n_tim == r->cap_tim) {
        size_t cap = r->cap_tim ? r->cap_tim * 2 : 32;
        struct conform_timing *t = realloc(r->tim, cap * sizeof *t);
        if (!t)
            return;
        r->tim = t;
        r->cap_tim = cap;
    }
    struct conform_timing *t = &r->tim[r->n_tim++];
    memset(t, 0, sizeof *t);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->what, sizeof t->what, fmt, ap);
    va_end(ap);
    snprintf(t->kind, sizeof t->kind, "%s", kind);
    snprintf(t->check_id, sizeof t->check_id, "%s", r->cur ? r->cur->check->id : "setup");
    t->ms = ms;
    cf_note(r, "timing: %s %.1f ms", t->what, ms);
}

void cf_hex(char *out, size_t cap, const uint8_t *buf, size_t len)
{
    static const char hx[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < len && o + 3 <= cap; i++) {
        out[o++] = hx[buf[i] >> 4];
        out[o++] = hx[buf[i] & 15];
    }
    if (cap)
        out[o < cap ? o : cap - 1] = '\0';
}

/* ---- commands ---- */

bool cf_exec(struct conform_run *r, struct conform_dev *d, const char *lu, const uint8_t *cdb,
             size_t cdb_len, enum xport_dir dir, void *buf, size_t len, unsigned timeout_ms,
             struct cf_reply *out)
{
    memset(out, 0, sizeof *out);
    struct xport_cmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.cdb = cdb;
    cmd.cdb_len = cdb_len;
    cmd.dir = dir;
    cmd.buf = buf;
    cmd.buf_len = len;
    cmd.timeout_ms = timeout_ms ? timeout_ms : 600000;
    double t0 = cf_now_ms();
    out->xrc = d->ops->exec(d->impl, &cmd);
    /* BUSY and TASK SET FULL say "try again" (SAM-5 5.3.1): a certification run must not
     * fail a check on them, but the retries are noted. */
    unsigned busy = 0;
    while (out->xrc == XPORT_OK && (cmd.status == 0x08 || cmd.status == 0x28) && busy < 50) {
        struct timespec ts = {0, 100L * 1000L * 1000L};
        nanosleep(&ts, NULL);
        busy++;
        cmd.status = 0;
        cmd.sense_len = 0;
        cmd.xfer_len = 0;
        out->xrc = d->ops->exec(d->impl, &cmd);
    }
    double ms = cf_now_ms() - t0;
    if (busy)
        cf_note(r, "%s: command %02Xh answered BUSY/TASK SET FULL %u times before this answer",
                lu, cdb_len ? cdb[0] : 0, busy);
    if (out->xrc == XPORT_OK) {
        out->status = cmd.status;
        out->xfer_len = cmd.xfer_len;
        if (cmd.status == 0x02 && cmd.sense_len &&
            t10_sense_parse(cmd.sense, cmd.sense_len, &out->sense) == T10_OK)
            out->has_sense = true;
    }
    struct conform_result *c = r->mute ? NULL : r->cur;
    if (c) {
        struct conform_exchange *e = realloc(c->ex, (c->n_ex + 1) * sizeof *e);
        if (e) {
            c->ex = e;
            e = &c->ex[c->n_ex++];
            memset(e, 0, sizeof *e);
            snprintf(e->lu, sizeof e->lu, "%s", lu);
            memcpy(e->cdb, cdb, cdb_len < XPORT_CDB_MAX ? cdb_len : XPORT_CDB_MAX);
            e->cdb_len = cdb_len;
            e->dir = dir;
            e->alloc_len = len;
            e->xrc = out->xrc;
            e->status = cmd.status;
            e->xfer_len = cmd.xfer_len;
            e->ms = ms;
            size_t keep = 0;
            if (out->xrc == XPORT_OK && dir != XPORT_DIR_NONE && buf)
                keep = dir == XPORT_DIR_IN ? (cmd.xfer_len < len ? cmd.xfer_len : len) : len;
            if (keep > CONFORM_DATA_KEEP)
                keep = CONFORM_DATA_KEEP;
            if (keep && (e->data = malloc(keep))) {
                memcpy(e->data, buf, keep);
                e->data_len = keep;
            }
            if (out->xrc == XPORT_OK) {
                e->sense_len = cmd.sense_len < XPORT_SENSE_MAX ? cmd.sense_len : XPORT_SENSE_MAX;
                memcpy(e->sense, cmd.sense, e->sense_len);
            }
        }
    }
    if (out->xrc != XPORT_OK) {
        cf_fail(r, "%s: command %02Xh not delivered: %s", lu, cdb_len ? cdb[0] : 0,
                xport_rc_name(out->xrc));
        return false;
    }
    return true;
}

bool cf_cmd(struct conform_run *r, struct conform_dev *d, const char *lu, const struct t10_cdb *c,
            enum xport_dir dir, void *buf, size_t len, struct cf_reply *out)
{
    uint8_t cdb[T10_CDB_MAX];
    size_t n = t10_cdb_build(cdb, sizeof cdb, c);
    if (n == 0) {
        memset(out, 0, sizeof *out);
        out->xrc = XPORT_E_INVAL;
        cf_fail(r, "harness: cannot build %s CDB", t10_cdb_kind_name(c->kind));
        return false;
    }
    return cf_exec(r, d, lu, cdb, n, dir, buf, len, 0, out);
}

bool cf_sense_is(const struct cf_reply *x, uint8_t key, uint16_t asc_ascq)
{
    if (x->xrc != XPORT_OK || x->status != 0x02 || !x->has_sense || x->sense.key != key)
        return false;
    if (asc_ascq == 0xFFFF)
        return true;
    if (T10_ASCQ_OF(asc_ascq) == 0xFF)
        return T10_ASC_OF(x->sense.asc_ascq) == T10_ASC_OF(asc_ascq);
    return x->sense.asc_ascq == asc_ascq;
}

const char *cf_reply_text(const struct cf_reply *x, char *buf, size_t cap)
{
    if (x->xrc != XPORT_OK) {
        snprintf(buf, cap, "transport: %s", xport_rc_name(x->xrc));
    } else if (x->status == 0) {
        snprintf(buf, cap, "GOOD (%zu bytes)", x->xfer_len);
    } else if (x->status == 0x02 && x->has_sense) {
        char s[200];
        t10_sense_text(s, sizeof s, &x->sense);
        snprintf(buf, cap, "CHECK CONDITION %s", s);
    } else if (x->status == 0x02) {
        snprintf(buf, cap, "CHECK CONDITION without valid sense data");
    } else if (x->status == 0x18) {
        snprintf(buf, cap, "RESERVATION CONFLICT");
    } else if (x->status == 0x08) {
        snprintf(buf, cap, "BUSY");
    } else {
        snprintf(buf, cap, "status %02Xh", x->status);
    }
    return buf;
}

bool cf_expect_good(struct conform_run *r, const struct cf_reply *x, const char *what)
{
    if (cf_good(x))
        return true;
    if (x->xrc == XPORT_OK) { /* transport failures were already reported */
        char t[256];
        cf_fail(r, "%s: expected GOOD, got %s", what, cf_reply_text(x, t, sizeof t));
    }
    return false;
}

bool cf_unsupported(const struct cf_reply *x)
{
    if (cf_sense_is(x, 0x05, T10_ASC(0x20, 0x00)))
        return true;
    /* An unknown service action is 24/00 with the pointer on byte 1 (SPC-4 4.5.2.4.2). */
    return cf_sense_is(x, 0x05, T10_ASC(0x24, 0x00)) && x->sense.sks == T10_SKS_FIELD &&
           x->sense.field.cd && x->sense.field.byte <= 1;
}

void cf_clear_ua(struct conform_run *r, struct conform_dev *d, const char *lu)
{
    static const uint8_t tur[6] = {0};
    for (int i = 0; i < 8; i++) {
        struct cf_reply x;
        if (!cf_exec(r, d, lu, tur, sizeof tur, XPORT_DIR_NONE, NULL, 0, 0, &x))
            return;
        if (!cf_sense_is(&x, 0x06, 0xFFFF))
            return;
    }
}

bool cf_wait_ready(struct conform_run *r, struct conform_dev *d, const char *lu, double limit_ms,
                   const char *kind, const char *what)
{
    static const uint8_t tur[6] = {0};
    double t0 = cf_now_ms();
    struct cf_reply x;
    char t[256];
    for (unsigned i = 0;; i++) {
        double waited = cf_now_ms() - t0;
        bool last = waited > limit_ms;
        r->mute = i > 0 && !last;
        bool sent = cf_exec(r, d, lu, tur, sizeof tur, XPORT_DIR_NONE, NULL, 0, 0, &x);
        r->mute = false;
        if (!sent)
            return false;
        if (cf_good(&x)) {
            if (i > 0) /* keep the GOOD that ended the wait as evidence */
                cf_exec(r, d, lu, tur, sizeof tur, XPORT_DIR_NONE, NULL, 0, 0, &x);
            cf_timing(r, kind, cf_now_ms() - t0, "%s", what);
            return true;
        }
        bool waitable = cf_sense_is(&x, 0x06, 0xFFFF) ||
                        cf_sense_is(&x, 0x02, T10_ASC(0x04, 0x01)) ||
                        cf_sense_is(&x, 0x02, T10_ASC(0x04, 0x00)) ||
                        (waited < 2000 && cf_sense_is(&x, 0x02, T10_ASC(0x3A, 0xFF)));
        if (!waitable || last) {
            cf_fail(r, "%s: %s after %.0f ms (%u polls)", what, cf_reply_text(&x, t, sizeof t),
                    waited, i + 1);
            return false;
        }
        struct timespec ts = {0, (waited < 1000 ? 10 : 250) * 1000L * 1000L};
        nanosleep(&ts, NULL);
    }
}

bool cf_inquiry(struct conform_run *r, struct conform_dev *d, const char *lu, bool evpd,
                uint8_t page, uint8_t *buf, uint16_t alloc, struct cf_reply *out)
{
    struct t10_cdb c = {.kind = T10_CDB_INQUIRY};
    c.u.inquiry.evpd = evpd;
    c.u.inquiry.page = page;
    c.u.inquiry.alloc_len = alloc;
    return cf_cmd(r, d, lu, &c, XPORT_DIR_IN, buf, alloc, out);
}

bool cf_mode_sense(struct conform_run *r, struct conform_dev *d, const char *lu, bool ten,
                   bool dbd, uint8_t page, uint8_t *buf, uint16_t alloc, struct cf_reply *out)
{
    struct t10_cdb c = {.kind = ten ? T10_CDB_MODE_SENSE10 : T10_CDB_MODE_SENSE6};
    c.u.mode_sense.dbd = dbd;
    c.u.mode_sense.page = page;
    c.u.mode_sense.alloc_len = alloc;
    return cf_cmd(r, d, lu, &c, XPORT_DIR_IN, buf, alloc, out);
}

bool cf_res(struct conform_run *r, uint8_t type, uint16_t start, uint16_t n, bool voltag,
            bool dvcid, bool curdata, uint8_t *buf, uint32_t alloc, struct cf_reply *out)
{
    struct t10_cdb c = {.kind = T10_CDB_READ_ELEMENT_STATUS};
    c.u.res.elem_type = type;
    c.u.res.start_addr = start;
    c.u.res.n_elems = n;
    c.u.res.voltag = voltag;
    c.u.res.dvcid = dvcid;
    c.u.res.curdata = curdata;
    c.u.res.alloc_len = alloc;
    return cf_cmd(r, r->changer, "changer", &c, XPORT_DIR_IN, buf, alloc, out);
}

bool cf_log_sense(struct conform_run *r, struct conform_dev *d, const char *lu, uint8_t page,
                  uint8_t *buf, uint16_t alloc, struct cf_reply *out)
{
    struct t10_cdb c = {.kind = T10_CDB_LOG_SENSE};
    c.u.log_sense.pc = 1; /* current cumulative values */
    c.u.log_sense.page = page;
    c.u.log_sense.alloc_len = alloc;
    return cf_cmd(r, d, lu, &c, XPORT_DIR_IN, buf, alloc, out);
}

/* ---- inventory ---- */

struct parse_ctx {
    struct conform_elem *out;
    size_t cap, n;
};

static enum t10_rc parse_one(const struct t10_elem_desc *d, void *arg)
{
    struct parse_ctx *p = arg;
    if (p->n >= p->cap)
        return T10_ESTOP;
    struct conform_elem *e = &p->out[p->n++];
    memset(e, 0, sizeof *e);
    e->addr = d->addr;
    e->type = d->type;
    e->full = d->full;
    e->except = d->except;
    e->access = d->access;
    e->impexp = d->impexp;
    e->inenab = d->inenab;
    e->exenab = d->exenab;
    e->medium = d->medium;
    e->src_valid = d->src_valid;
    e->src_addr = d->src_addr;
    snprintf(e->voltag, sizeof e->voltag, "%s", d->pvoltag.id);
    if (d->has_ident && d->ident.id) {
        size_t k = 0;
        for (size_t i = 0; i < d->ident.id_len && k + 1 < sizeof e->ident; i++) {
            uint8_t ch = d->ident.id[i];
            if (ch == 0)
                break;
            e->ident[k++] = (ch >= 0x20 && ch < 0x7F) ? (char)ch : '?';
        }
        while (k && e->ident[k - 1] == ' ')
            k--;
        e->ident[k] = '\0';
    }
    return T10_OK;
}

bool cf_parse_res(const uint8_t *buf, size_t len, struct conform_elem *out, size_t cap,
                  size_t *n, bool *truncated, char *why, size_t why_cap)
{
    struct parse_ctx p = {out, cap, 0};
    struct t10_elem_status_hdr h;
    bool tr = false;
    enum t10_rc rc = t10_elem_status_walk(buf, len, &h, parse_one, &p, &tr);
    *n = p.n;
    if (truncated)
        *truncated = tr;
    if (rc != T10_OK && rc != T10_ESTOP) {
        snprintf(why, why_cap, "element status data does not decode: %s", t10_rc_name(rc));
        return false;
    }
    return true;
}

uint32_t cf_res_alloc(const struct conform_run *r)
{
    return r->res_alloc ? r->res_alloc : 256u * 1024u;
}

bool cf_inventory(struct conform_run *r, struct conform_elem *out, size_t *n, bool dvcid)
{
    uint32_t alloc = cf_res_alloc(r);
    uint8_t *buf = malloc(alloc);
    *n = 0;
    if (!buf)
        return false;
    struct cf_reply x;
    bool ok = cf_res(r, T10_ELEM_ALL, 0, 0xFFFF, r->voltag_ok, dvcid, false, buf, alloc, &x);
    if (ok && !cf_good(&x)) {
        char t[256];
        cf_note(r, "inventory: READ ELEMENT STATUS answered %s", cf_reply_text(&x, t, sizeof t));
        ok = false;
    }
    if (ok) {
        char why[128];
        size_t len = x.xfer_len < alloc ? x.xfer_len : alloc;
        ok = cf_parse_res(buf, len, out, CONFORM_MAX_ELEMS, n, NULL, why, sizeof why);
        if (!ok)
            cf_note(r, "inventory: %s", why);
    }
    free(buf);
    return ok;
}

/* ---- motion ---- */

const char *cf_type_name(uint8_t type)
{
    switch (type) {
    case T10_ELEM_TRANSPORT: return "MT";
    case T10_ELEM_STORAGE: return "ST";
    case T10_ELEM_IE: return "IE";
    case T10_ELEM_DT: return "DT";
    }
    return "??";
}

uint16_t cf_mt(const struct conform_run *r)
{
    return r->have_eaa && r->eaa.mt_count ? r->eaa.mt_first : 0;
}

static uint8_t type_of_addr(const struct conform_run *r, uint16_t a)
{
    const struct t10_mode_eaa *e = &r->eaa;
    if (!r->have_eaa)
        return 0;
    if (a >= e->st_first && a - e->st_first < e->st_count)
        return T10_ELEM_STORAGE;
    if (a >= e->ie_first && a - e->ie_first < e->ie_count)
        return T10_ELEM_IE;
    if (a >= e->dt_first && a - e->dt_first < e->dt_count)
        return T10_ELEM_DT;
    if (a >= e->mt_first && a - e->mt_first < e->mt_count)
        return T10_ELEM_TRANSPORT;
    return 0;
}

struct conform_drive *cf_drive_for(struct conform_run *r, uint16_t addr)
{
    for (size_t i = 0; i < r->n_drives; i++)
        if (r->drives[i].elem_addr == addr && r->drives[i].dev)
            return &r->drives[i];
    return NULL;
}

void cf_unload(struct conform_run *r, uint16_t addr)
{
    struct conform_drive *dr = cf_drive_for(r, addr);
    if (!dr)
        return;
    char lu[16];
    snprintf(lu, sizeof lu, "drive@%u", addr);
    cf_clear_ua(r, dr->dev, lu);
    struct t10_cdb c = {.kind = T10_CDB_LOAD_UNLOAD};
    c.u.load_unload.load = false;
    struct cf_reply x;
    double t0 = cf_now_ms();
    if (cf_cmd(r, dr->dev, lu, &c, XPORT_DIR_NONE, NULL, 0, &x) && cf_good(&x))
        cf_timing(r, "unload", cf_now_ms() - t0, "unload drive %u", addr);
}

bool cf_move(struct conform_run *r, uint16_t mt, uint16_t src, uint16_t dst, bool invert,
             struct cf_reply *out)
{
    struct t10_cdb c = {.kind = T10_CDB_MOVE_MEDIUM};
    c.u.move.transport = mt;
    c.u.move.src = src;
    c.u.move.dst = dst;
    c.u.move.invert = invert;
    double t0 = cf_now_ms();
    if (!cf_cmd(r, r->changer, "changer", &c, XPORT_DIR_NONE, NULL, 0, out))
        return false;
    if (cf_good(out)) {
        double ms = cf_now_ms() - t0;
        cf_timing(r, "move", ms, "move %u->%u (%s->%s)", src, dst, cf_type_name(type_of_addr(r, src)),
                  cf_type_name(type_of_addr(r, dst)));
        if (r->n_undo < CF_MAX_UNDO)
            r->undo[r->n_undo++] = (struct cf_undo){.src = src, .dst = dst};
        else
            r->restore_failed = true; /* cannot journal: treat as unrestorable */
    }
    return true;
}

bool cf_exchange(struct conform_run *r, uint16_t src, uint16_t dst1, uint16_t dst2,
                 struct cf_reply *out)
{
    struct t10_cdb c = {.kind = T10_CDB_EXCHANGE_MEDIUM};
    c.u.exchange.transport = cf_mt(r);
    c.u.exchange.src = src;
    c.u.exchange.dst1 = dst1;
    c.u.exchange.dst2 = dst2;
    double t0 = cf_now_ms();
    if (!cf_cmd(r, r->changer, "changer", &c, XPORT_DIR_NONE, NULL, 0, out))
        return false;
    if (cf_good(out)) {
        cf_timing(r, "exchange", cf_now_ms() - t0, "exchange %u,%u,%u", src, dst1, dst2);
        if (r->n_undo < CF_MAX_UNDO)
            r->undo[r->n_undo++] =
                (struct cf_undo){.src = src, .dst = dst1, .exchange = true, .dst2 = dst2};
        else
            r->restore_failed = true;
    }
    return true;
}

bool cf_restore(struct conform_run *r)
{
    bool ok = true;
    while (r->n_undo) {
        struct cf_undo u = r->undo[--r->n_undo];
        struct cf_reply x;
        bool done;
        if (u.exchange) {
            /* src->dst1 and dst1->dst2 happened: the medium now in dst1 came from src,
             * the one in dst2 from dst1. Undo with the reverse exchange. */
            struct t10_cdb c = {.kind = T10_CDB_EXCHANGE_MEDIUM};
            c.u.exchange.transport = cf_mt(r);
            c.u.exchange.src = u.dst2;
            c.u.exchange.dst1 = u.dst;
            c.u.exchange.dst2 = u.src;
            done = cf_cmd(r, r->changer, "changer", &c, XPORT_DIR_NONE, NULL, 0, &x) && cf_good(&x);
        } else {
            if (type_of_addr(r, u.dst) == T10_ELEM_DT)
                cf_unload(r, u.dst);
            struct t10_cdb c = {.kind = T10_CDB_MOVE_MEDIUM};
            c.u.move.transport = cf_mt(r);
            c.u.move.src = u.dst;
            c.u.move.dst = u.src;
            done = cf_cmd(r, r->changer, "changer", &c, XPORT_DIR_NONE, NULL, 0, &x) && cf_good(&x);
        }
        if (!done) {
            char t[256];
            ok = false;
            r->restore_failed = true;
            snprintf(r->restore_why, sizeof r->restore_why, "putting back %u->%u: %s", u.dst,
                     u.src, cf_reply_text(&x, t, sizeof t));
            cf_note(r, "restore failed: %s", r->restore_why);
        } else {
            cf_note(r, "restored: %u back to %u", u.dst, u.src);
        }
    }
    return ok;
}

/* ---- discovery ---- */

static void discover_drives(struct conform_run *r)
{
    char err[256];
    char uris[CF_MAX_DRIVES][512];
    unsigned luns[CF_MAX_DRIVES];
    size_t n = 0;
    if (r->opts.n_drive_uris) {
        for (size_t i = 0; i < r->opts.n_drive_uris && n < CF_MAX_DRIVES; i++) {
            snprintf(uris[n], sizeof uris[n], "%s", r->opts.drive_uris[i]);
            luns[n++] = 0;
        }
    } else {
        uint8_t buf[8 + 8 * 64];
        struct t10_cdb c = {.kind = T10_CDB_REPORT_LUNS};
        c.u.report_luns.alloc_len = sizeof buf;
        struct cf_reply x;
        if (!cf_cmd(r, r->changer, "changer", &c, XPORT_DIR_IN, buf, sizeof buf, &x) || !cf_good(&x))
            return;
        uint16_t list[64];
        size_t nl = 0, listed = 0, bad = 0;
        bool tr;
        if (t10_report_luns_decode(buf, x.xfer_len, list, 64, &nl, &listed, &bad, &tr) != T10_OK)
            return;
        for (size_t i = 0; i < nl && n < CF_MAX_DRIVES; i++) {
            if (!conform_uri_with_lun(r->opts.device_uri, list[i], uris[n], sizeof uris[n]))
                return; /* sg: and unknown schemes need --drive */
            if (strcmp(uris[n], r->changer->uri) == 0)
                continue;
            luns[n++] = list[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct conform_dev *d;
        if (r->open(r->open_arg, uris[i], &d, err, sizeof err) != CONFORM_OK)
            continue;
        uint8_t inq[96];
        struct cf_reply x;
        cf_clear_ua(r, d, "drive");
        if (!cf_inquiry(r, d, "drive", false, 0, inq, sizeof inq, &x) || !cf_good(&x) ||
            x.xfer_len < 36 || (inq[0] & 0x1F) != T10_PDT_TAPE || (inq[0] >> 5) != 0) {
            conform_dev_close(d);
            continue;
        }
        struct conform_drive *dr = &r->drives[r->n_drives++];
        memset(dr, 0, sizeof *dr);
        snprintf(dr->uri, sizeof dr->uri, "%.511s", uris[i]);
        dr->lun = luns[i];
        dr->dev = d;
        dr->elem_addr = 0xFFFF;
        struct t10_inquiry q;
        if (t10_inquiry_decode(inq, x.xfer_len, &q) == T10_OK) {
            snprintf(dr->id.vendor, sizeof dr->id.vendor, "%s", q.vendor);
            snprintf(dr->id.product, sizeof dr->id.product, "%s", q.product);
            snprintf(dr->id.revision, sizeof dr->id.revision, "%s", q.revision);
            dr->id.pdt = q.pdt;
        }
        uint8_t v[260];
        if (cf_inquiry(r, d, "drive", true, 0x80, v, sizeof v, &x) && cf_good(&x))
            t10_vpd_ascii_decode(v, x.xfer_len, 0x80, dr->id.serial, sizeof dr->id.serial);
    }
    /* Map DT elements to drives: DVCID identifiers against VPD 80h serials (SMC-3
     * 6.10.3: the identifier names the drive). Fallback: element order = LUN order. */
    size_t dt_i = 0;
    for (size_t i = 0; i < r->n_inv0; i++) {
        const struct conform_elem *e = &r->inv0[i];
        if (e->type != T10_ELEM_DT)
            continue;
        bool found = false;
        for (size_t k = 0; e->ident[0] && k < r->n_drives; k++) {
            struct conform_drive *dr = &r->drives[k];
            if (dr->id.serial[0] && dr->elem_addr == 0xFFFF && strstr(e->ident, dr->id.serial)) {
                dr->elem_addr = e->addr;
                dr->mapped_by_dvcid = true;
                found = true;
                break;
            }
        }
        if (!found && dt_i < r->n_drives && r->drives[dt_i].elem_addr == 0xFFFF)
            r->drives[dt_i].elem_addr = e->addr;
        dt_i++;
    }
}

/* The first NAA designator with LU association becomes the identity's NAA (hex). */
static enum t10_rc find_naa(const struct t10_desig *d, void *arg)
{
    struct conform_identity *id = arg;
    if (d->type != T10_DESIG_NAA || d->association != T10_ASSOC_LU)
        return T10_OK;
    cf_hex(id->naa, sizeof id->naa, d->id, d->len);
    return T10_ESTOP;
}

/* Remembers each advertised operation code (and service action) from RSOC. */
static enum t10_rc keep_op(const struct t10_rsoc_desc *d, void *arg)
{
    struct conform_run *r = arg;
    if (r->rsoc_n >= sizeof r->rsoc_op_sa / sizeof r->rsoc_op_sa[0])
        return T10_ESTOP;
    r->rsoc_op_sa[r->rsoc_n] = (uint16_t)(d->op << 8 | (d->sa & 0xFF));
    r->rsoc_has_sa[r->rsoc_n] = d->servactv;
    r->rsoc_n++;
    return T10_OK;
}

bool cf_skip_if_resid_untrusted(struct conform_run *r)
{
    if (!r->resid_untrusted)
        return false;
    cf_skip(r, "the transport reports every transfer as full length (no residual), so the "
               "bytes received cannot be compared with the lengths the device announces");
    return true;
}

static void discover(struct conform_run *r)
{
    struct cf_reply x;
    uint8_t buf[512];
    cf_clear_ua(r, r->changer, "changer");
    if (!cf_inquiry(r, r->changer, "changer", false, 0, buf, 96, &x) || !cf_good(&x)) {
        snprintf(r->discover_err, sizeof r->discover_err, "standard INQUIRY failed");
        return;
    }
    struct t10_inquiry q;
    if (t10_inquiry_decode(buf, x.xfer_len, &q) == T10_OK) {
        /* A transport that reports the whole allocation length as transferred when the
         * device announced less cannot say how many bytes really came back. */
        struct cf_reply y;
        uint8_t probe[255];
        bool was = r->mute;
        r->mute = true;
        if (cf_inquiry(r, r->changer, "changer", false, 0, probe, sizeof probe, &y) &&
            cf_good(&y) && (size_t)q.add_len + 5 < sizeof probe && y.xfer_len == sizeof probe)
            r->resid_untrusted = true;
        r->mute = was;
        snprintf(r->ident.vendor, sizeof r->ident.vendor, "%s", q.vendor);
        snprintf(r->ident.product, sizeof r->ident.product, "%s", q.product);
        snprintf(r->ident.revision, sizeof r->ident.revision, "%s", q.revision);
        r->ident.pdt = q.pdt;
    }
    if (cf_inquiry(r, r->changer, "changer", true, 0x80, buf, 255, &x) && cf_good(&x))
        t10_vpd_ascii_decode(buf, x.xfer_len, 0x80, r->ident.serial, sizeof r->ident.serial);
    if (cf_inquiry(r, r->changer, "changer", true, 0x83, buf, 255, &x) && cf_good(&x)) {
        bool tr;
        t10_vpd_devid_walk(buf, x.xfer_len, find_naa, &r->ident, &tr);
    }
    /* Page 1Dh: DBD=1 first, like PBS and FreeBSD, then DBD=0 (Linux ch). */
    for (int dbd = 1; dbd >= 0 && !r->have_eaa; dbd--) {
        if (cf_mode_sense(r, r->changer, "changer", false, dbd, 0x1D, buf, 255, &x) && cf_good(&x)) {
            const uint8_t *pg;
            size_t pl;
            if (t10_mode_find_page(buf, x.xfer_len, false, 0x1D, 0, &pg, &pl) == T10_OK &&
                t10_mode_eaa_decode(pg, pl, &r->eaa) == T10_OK)
                r->have_eaa = true;
        }
    }
    if (cf_mode_sense(r, r->changer, "changer", false, true, 0x1F, buf, 255, &x) && cf_good(&x)) {
        const uint8_t *pg;
        size_t pl;
        if (t10_mode_find_page(buf, x.xfer_len, false, 0x1F, 0, &pg, &pl) == T10_OK &&
            t10_mode_devcap_decode(pg, pl, &r->devcap) == T10_OK)
            r->have_devcap = true;
    }
    if (cf_mode_sense(r, r->changer, "changer", false, true, 0x1E, buf, 255, &x) && cf_good(&x)) {
        const uint8_t *pg;
        size_t pl;
        if (t10_mode_find_page(buf, x.xfer_len, false, 0x1E, 0, &pg, &pl) == T10_OK &&
            t10_mode_geometry_decode(pg, pl, &r->geom) == T10_OK)
            r->have_geom = true;
    }
    r->voltag_ok = true;
    if (cf_res(r, T10_ELEM_ALL, 0, 0xFFFF, true, false, false, buf, 16, &x) && !cf_good(&x))
        r->voltag_ok = false;
    /* Size the report as hosts do: read the header, then ask for what it announces (with
     * both voltags and DVCID, the largest form; doubled for descriptors that grow). */
    struct t10_elem_status_hdr h;
    for (int dv = 1; dv >= 0 && !r->res_alloc; dv--)
        if (cf_res(r, T10_ELEM_ALL, 0, 0xFFFF, r->voltag_ok, dv, false, buf, 8, &x) && cf_good(&x) &&
            t10_elem_status_hdr_decode(buf, x.xfer_len, &h) == T10_OK) {
            uint64_t want = 2 * ((uint64_t)h.byte_count + 8);
            r->res_alloc = (uint32_t)(want < 4096 ? 4096 : want > 0xFFFFFF ? 0xFFFFFF : want);
        }
    r->inv0 = calloc(CONFORM_MAX_ELEMS, sizeof *r->inv0);
    if (!r->inv0)
        return;
    if (!cf_inventory(r, r->inv0, &r->n_inv0, true) && !cf_inventory(r, r->inv0, &r->n_inv0, false))
        snprintf(r->discover_err, sizeof r->discover_err,
                 "READ ELEMENT STATUS of all elements failed");
    /* RSOC, all commands. */
    uint32_t alloc = 8192;
    uint8_t *rs = malloc(alloc);
    struct t10_cdb c = {.kind = T10_CDB_RSOC};
    c.u.rsoc.alloc_len = alloc;
    if (rs && cf_cmd(r, r->changer, "changer", &c, XPORT_DIR_IN, rs, alloc, &x) && cf_good(&x)) {
        bool tr;
        r->rsoc_ok = t10_rsoc_all_walk(rs, x.xfer_len, keep_op, r, &tr) == T10_OK;
    }
    free(rs);
    discover_drives(r);
}

enum conform_rc conform_run_open(const struct conform_opts *opts, struct conform_run **out,
                                 char *err, size_t err_cap)
{
    *out = NULL;
    struct conform_run *r = calloc(1, sizeof *r);
    if (!r)
        return CONFORM_E_NOMEM;
    r->opts = *opts;
    r->open = opts->open ? opts->open : conform_dev_open_xport;
    r->open_arg = opts->open_arg;
    r->is_sg = strncmp(opts->device_uri, "sg:", 3) == 0;
    enum conform_rc rc = r->open(r->open_arg, opts->device_uri, &r->changer, err, err_cap);
    if (rc != CONFORM_OK) {
        free(r);
        return rc;
    }
    discover(r);
    *out = r;
    return CONFORM_OK;
}

/* ---- running ---- */

static bool is_motion(const struct conform_check *c)
{
    return strcmp(c->group, "motion") == 0 || strcmp(c->group, "data path") == 0 ||
           strcmp(c->group, "import/export") == 0;
}

static struct conform_result *new_result(struct conform_run *r, const struct conform_check *c)
{
    if (r->n_res == r->cap_res) {
        size_t cap = r->cap_res ? r->cap_res * 2 : 64;
        struct conform_result *n = realloc(r->res, cap * sizeof *n);
        if (!n)
            return NULL;
        r->res = n;
        r->cap_res = cap;
    }
    struct conform_result *res = &r->res[r->n_res++];
    memset(res, 0, sizeof *res);
    res->check = c;
    return res;
}

static enum conform_rc run_check(struct conform_run *r, const struct conform_check *c)
{
    struct conform_result *res = new_result(r, c);
    if (!res)
        return CONFORM_E_NOMEM;
    r->cur = res;
    r->cur_failed = r->cur_skipped = false;
    double t0 = cf_now_ms();
    if (r->restore_failed && is_motion(c))
        cf_skip(r, "an earlier restore failed (%s); no more motion, to protect the inventory",
                r->restore_why);
    else
        c->fn(r);
    if (r->n_undo && !cf_restore(r))
        cf_fail(r, "could not put the cartridges back: %s", r->restore_why);
    res->ms = cf_now_ms() - t0;
    res->verdict = r->cur_failed ? CONFORM_FAIL : r->cur_skipped ? CONFORM_SKIP : CONFORM_PASS;
    r->cur = NULL;
    /* A check's result is the one just appended; the array may have moved meanwhile. */
    res = &r->res[r->n_res - 1];
    if (!r->opts.quiet) {
        fprintf(stderr, "%-16s %-4s %8.1f ms  %s%s%s\n", c->id, conform_verdict_name(res->verdict),
                res->ms, c->title, res->reason[0] ? " -- " : "", res->reason);
        fflush(stderr);
    }
    return CONFORM_OK;
}

enum conform_rc conform_run_one(struct conform_run *r, const char *id)
{
    const struct conform_check *c = conform_check_find(id);
    if (!c)
        return CONFORM_E_INVAL;
    return run_check(r, c);
}

static bool same_inventory(const struct conform_elem *a, size_t na, const struct conform_elem *b,
                           size_t nb, char *why, size_t cap)
{
    if (na != nb) {
        snprintf(why, cap, "%zu elements at start, %zu at the end", na, nb);
        return false;
    }
    for (size_t i = 0; i < na; i++) {
        if (a[i].addr != b[i].addr || a[i].full != b[i].full ||
            strcmp(a[i].voltag, b[i].voltag) != 0) {
            snprintf(why, cap, "element %u: was %s '%s', now %s '%s'", a[i].addr,
                     a[i].full ? "full" : "empty", a[i].voltag, b[i].full ? "full" : "empty",
                     b[i].voltag);
            return false;
        }
    }
    return true;
}

bool conform_restored(const struct conform_run *r, char *why, size_t cap)
{
    if (!r->inv_final) {
        snprintf(why, cap, "final inventory not taken");
        return false;
    }
    return same_inventory(r->inv0, r->n_inv0, r->inv_final, r->n_inv_final, why, cap);
}

enum conform_rc conform_run_all(struct conform_run *r)
{
    size_t n;
    const struct conform_check *cat = conform_catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        if (r->opts.only && fnmatch(r->opts.only, cat[i].id, 0) != 0)
            continue;
        if (r->opts.stop && *r->opts.stop) {
            if (!r->opts.quiet)
                fprintf(stderr, "interrupted: remaining checks not run\n");
            break;
        }
        enum conform_rc rc = run_check(r, &cat[i]);
        if (rc != CONFORM_OK)
            return rc;
    }
    if (!r->inv0 || r->discover_err[0])
        return CONFORM_OK;
    free(r->inv_final);
    r->inv_final = calloc(CONFORM_MAX_ELEMS, sizeof *r->inv_final);
    if (!r->inv_final)
        return CONFORM_E_NOMEM;
    cf_inventory(r, r->inv_final, &r->n_inv_final, false);
    char why[256];
    if (!conform_restored(r, why, sizeof why)) {
        if (!r->opts.quiet)
            fprintf(stderr, "inventory differs from the start: %s\n", why);
        if (r->opts.safe)
            return CONFORM_E_RESTORE;
    }
    return CONFORM_OK;
}

/* ---- accessors ---- */

const struct conform_result *conform_results(const struct conform_run *r, size_t *n)
{
    *n = r->n_res;
    return r->res;
}

const struct conform_result *conform_result_find(const struct conform_run *r, const char *id)
{
    for (size_t i = r->n_res; i-- > 0;)
        if (strcmp(r->res[i].check->id, id) == 0)
            return &r->res[i];
    return NULL;
}

const struct conform_timing *conform_timings(const struct conform_run *r, size_t *n)
{
    *n = r->n_tim;
    return r->tim;
}

const struct conform_identity *conform_changer_identity(const struct conform_run *r)
{
    return &r->ident;
}

const struct conform_drive *conform_drives(const struct conform_run *r, size_t *n)
{
    *n = r->n_drives;
    return r->drives;
}

const struct conform_opts *conform_run_opts(const struct conform_run *r)
{
    return &r->opts;
}

const struct conform_elem *conform_inventory(const struct conform_run *r, bool final, size_t *n)
{
    *n = final ? r->n_inv_final : r->n_inv0;
    return final ? r->inv_final : r->inv0;
}

void conform_counts(const struct conform_run *r, unsigned *passed, unsigned *failed,
                    unsigned *skipped)
{
    *passed = *failed = *skipped = 0;
    for (size_t i = 0; i < r->n_res; i++) {
        if (r->res[i].verdict == CONFORM_PASS)
            (*passed)++;
        else if (r->res[i].verdict == CONFORM_FAIL)
            (*failed)++;
        else if (r->res[i].verdict == CONFORM_SKIP)
            (*skipped)++;
    }
}

void conform_run_free(struct conform_run *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_res; i++) {
        struct conform_result *c = &r->res[i];
        for (size_t k = 0; k < c->n_notes; k++)
            free(c->notes[k]);
        free(c->notes);
        for (size_t k = 0; k < c->n_ex; k++)
            free(c->ex[k].data);
        free(c->ex);
    }
    free(r->res);
    free(r->tim);
    for (size_t i = 0; i < r->n_drives; i++)
        conform_dev_close(r->drives[i].dev);
    conform_dev_close(r->changer);
    free(r->inv0);
    free(r->inv_final);
    free(r);
}
