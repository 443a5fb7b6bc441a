/* SPDX-License-Identifier: MIT
 * rsm/dev/drive.c - SSC-4 tape drive driver (contract in drive.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsm/dev/drive.h"
#include "rsm/dev/io.h"
#include "scsi/log.h"
#include "scsi/mam.h"
#include "scsi/mode.h"
#include "scsi/sense.h"
#include "scsi/ssc.h"

struct rsm_drv {
    struct rsm_dev_io io;
    struct rsm_dev_ident ident;
};

const struct rsm_dev_ident *rsm_drv_ident(const struct rsm_drv *drv)
{
    return &drv->ident;
}
const struct rsm_dev_sense *rsm_drv_last_sense(const struct rsm_drv *drv)
{
    return &drv->io.last;
}
struct xport *rsm_drv_xport(const struct rsm_drv *drv)
{
    return drv->io.xp;
}
unsigned long rsm_drv_commands(const struct rsm_drv *drv)
{
    return drv->io.n_cmds;
}

uint32_t rsm_drv_events(struct rsm_drv *drv)
{
    /* The cleaning request is a state, not a one-shot event: keep it for
     * rsm_drv_cleaning_requested() until the caller clears it. */
    uint32_t ev = drv->io.events;
    drv->io.events &= RSM_DEV_EV_CLEANING;
    return ev;
}

bool rsm_drv_cleaning_requested(const struct rsm_drv *drv)
{
    return (drv->io.events & RSM_DEV_EV_CLEANING) != 0;
}

void rsm_drv_clear_cleaning(struct rsm_drv *drv)
{
    drv->io.events &= ~(uint32_t)RSM_DEV_EV_CLEANING;
}

uint32_t rsm_drv_timeout_ms(const struct rsm_drv *drv, uint8_t opcode, bool *from_rsoc)
{
    if (from_rsoc)
        *from_rsoc = drv->io.rsoc_timeout_ms[opcode] != 0;
    return rsm_dev_io_timeout_ms(&drv->io, opcode);
}

static enum rsm_dev_rc exec(struct rsm_drv *drv, const struct t10_cdb *c, enum xport_dir dir,
                            void *buf, size_t len, size_t *xfer)
{
    return rsm_dev_io_exec(&drv->io, c, dir, buf, len, xfer);
}

static enum rsm_dev_rc drv_open(struct xport *xp, bool owns, const struct rsm_dev_opts *opts,
                                struct rsm_drv **out)
{
    *out = NULL;
    struct rsm_drv *drv = calloc(1, sizeof *drv);
    if (!drv)
        return RSM_DEV_E_NOMEM;
    rsm_dev_io_init(&drv->io, xp, opts, T10_PDT_TAPE);
    enum rsm_dev_rc rc = rsm_dev_io_ident(&drv->io, T10_PDT_TAPE, &drv->ident);
    if (rc != RSM_DEV_OK) {
        free(drv);
        return rc;
    }
    rsm_dev_io_load_rsoc(&drv->io, NULL);
    /* st's open: a TEST UNIT READY absorbs the power-on/reset UAs so the next real
     * command does not see them; whether a tape is present does not matter here. */
    (void)rsm_drv_test_ready(drv);
    memset(&drv->io.last, 0, sizeof drv->io.last);
    drv->io.owns_xp = owns;
    *out = drv;
    return RSM_DEV_OK;
}

enum rsm_dev_rc rsm_drv_open(struct xport *xp, const struct rsm_dev_opts *opts,
                             struct rsm_drv **out)
{
    if (!xp || !out)
        return RSM_DEV_E_INVAL;
    return drv_open(xp, false, opts, out);
}

enum rsm_dev_rc rsm_drv_open_uri(const char *uri, const struct rsm_dev_opts *opts,
                                 struct rsm_drv **out)
{
    if (!uri || !out)
        return RSM_DEV_E_INVAL;
    *out = NULL;
    struct xport *xp;
    if (xport_open(uri, &xp, NULL, 0) != XPORT_OK)
        return RSM_DEV_E_TRANSPORT;
    enum rsm_dev_rc rc = drv_open(xp, true, opts, out);
    if (rc != RSM_DEV_OK)
        xport_close(xp);
    return rc;
}

void rsm_drv_close(struct rsm_drv *drv)
{
    if (!drv)
        return;
    rsm_dev_io_fini(&drv->io);
    free(drv);
}

enum rsm_dev_rc rsm_drv_test_ready(struct rsm_drv *drv)
{
    struct t10_cdb c = {.kind = T10_CDB_TEST_UNIT_READY};
    return exec(drv, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

enum rsm_dev_rc rsm_drv_wait_ready(struct rsm_drv *drv)
{
    return rsm_dev_io_wait_ready(&drv->io);
}

enum rsm_dev_rc rsm_drv_request_sense(struct rsm_drv *drv)
{
    uint8_t buf[T10_SENSE_MAX];
    size_t n;
    struct t10_cdb c = {.kind = T10_CDB_REQUEST_SENSE};
    c.u.request_sense.alloc_len = T10_SENSE_MAX;
    enum rsm_dev_rc rc = exec(drv, &c, XPORT_DIR_IN, buf, sizeof buf, &n);
    if (rc == RSM_DEV_OK)
        rsm_dev_io_take_sense(&drv->io, buf, n);
    return rc;
}

static enum rsm_dev_rc load_unload(struct rsm_drv *drv, bool load)
{
    struct t10_cdb c = {.kind = T10_CDB_LOAD_UNLOAD};
    c.u.load_unload.load = load;
    return exec(drv, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

enum rsm_dev_rc rsm_drv_load(struct rsm_drv *drv)
{
    return load_unload(drv, true);
}
enum rsm_dev_rc rsm_drv_unload(struct rsm_drv *drv)
{
    return load_unload(drv, false);
}

enum rsm_dev_rc rsm_drv_rewind(struct rsm_drv *drv)
{
    struct t10_cdb c = {.kind = T10_CDB_REWIND};
    return exec(drv, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

enum rsm_dev_rc rsm_drv_prevent(struct rsm_drv *drv, bool prevent)
{
    struct t10_cdb c = {.kind = T10_CDB_PREVENT_ALLOW};
    c.u.prevent_allow.prevent = prevent ? 1 : 0;
    return exec(drv, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

enum rsm_dev_rc rsm_drv_block_limits(struct rsm_drv *drv, struct rsm_drv_limits *out)
{
    uint8_t buf[T10_BLOCK_LIMITS_LEN];
    size_t n;
    struct t10_cdb c = {.kind = T10_CDB_READ_BLOCK_LIMITS};
    enum rsm_dev_rc rc = exec(drv, &c, XPORT_DIR_IN, buf, sizeof buf, &n);
    if (rc != RSM_DEV_OK)
        return rc;
    struct t10_block_limits bl;
    if (t10_block_limits_decode(buf, n, &bl) != T10_OK)
        return RSM_DEV_E_PROTOCOL;
    out->granularity = bl.granularity;
    out->max_len = bl.max_len;
    out->min_len = bl.min_len;
    return RSM_DEV_OK;
}

enum rsm_dev_rc rsm_drv_mode(struct rsm_drv *drv, struct rsm_drv_mode *out)
{
    /* st asks for 12 bytes: the header and one block descriptor, no page. */
    uint8_t buf[T10_MODE_HDR6_LEN + T10_MODE_BLKDESC_LEN];
    size_t n;
    struct t10_cdb c = {.kind = T10_CDB_MODE_SENSE6};
    c.u.mode_sense.page = 0;
    c.u.mode_sense.alloc_len = sizeof buf;
    enum rsm_dev_rc rc = exec(drv, &c, XPORT_DIR_IN, buf, sizeof buf, &n);
    if (rc != RSM_DEV_OK)
        return rc;
    struct t10_mode_hdr h;
    struct t10_mode_blkdesc bd;
    memset(&bd, 0, sizeof bd);
    bool trunc;
    if (t10_mode_sense_walk(buf, n, false, &h, &bd, NULL, NULL, &trunc) != T10_OK)
        return RSM_DEV_E_PROTOCOL;
    memset(out, 0, sizeof *out);
    out->medium_type = h.medium_type;
    out->wp = h.wp;
    out->buffered_mode = h.buffered_mode;
    if (h.bd_len >= T10_MODE_BLKDESC_LEN) {
        out->density = bd.density;
        out->block_len = bd.block_len;
    }
    return RSM_DEV_OK;
}

#define RW6_MAX 0xFFFFFFu /* TRANSFER LENGTH is 24 bits */

enum rsm_dev_rc rsm_drv_read(struct rsm_drv *drv, void *buf, size_t cap, size_t *n, size_t *n_block)
{
    *n = 0;
    if (n_block)
        *n_block = 0;
    if (!buf || cap == 0 || cap > RW6_MAX)
        return RSM_DEV_E_INVAL;
    struct t10_cdb c = {.kind = T10_CDB_READ6};
    c.u.rw6.fixed = false;
    c.u.rw6.sili = false;
    c.u.rw6.xfer_len = (uint32_t)cap;
    size_t got;
    enum rsm_dev_rc rc = exec(drv, &c, XPORT_DIR_IN, buf, cap, &got);
    const struct rsm_dev_sense *s = &drv->io.last;
    if (rc == RSM_DEV_OK) {
        /* ILI: the residue (INFORMATION) is requested minus actual length; negative
         * when the block was longer than @cap (SSC-4 4.2.x, st's "short read"). */
        size_t len = cap;
        if (s->valid && s->ili && s->info_valid) {
            int64_t actual = (int64_t)cap - s->info;
            len = actual < (int64_t)cap ? (size_t)(actual < 0 ? 0 : actual) : cap;
            if (n_block)
                *n_block = actual < 0 ? 0 : (size_t)actual;
        } else {
            len = got;
            if (n_block)
                *n_block = got;
        }
        *n = len;
        return RSM_DEV_OK;
    }
    return rc;
}

enum rsm_dev_rc rsm_drv_write(struct rsm_drv *drv, const void *buf, size_t len)
{
    if (!buf || len == 0 || len > RW6_MAX)
        return RSM_DEV_E_INVAL;
    struct t10_cdb c = {.kind = T10_CDB_WRITE6};
    c.u.rw6.xfer_len = (uint32_t)len;
    return exec(drv, &c, XPORT_DIR_OUT, (void *)buf, len, NULL);
}

enum rsm_dev_rc rsm_drv_write_filemarks(struct rsm_drv *drv, uint32_t count)
{
    struct t10_cdb c = {.kind = T10_CDB_WRITE_FILEMARKS6};
    c.u.write_fm.count = count;
    return exec(drv, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

enum rsm_dev_rc rsm_drv_space(struct rsm_drv *drv, uint8_t code, int64_t count, int64_t *residue)
{
    bool fits6 = count >= -0x800000 && count <= 0x7FFFFF;
    struct t10_cdb c = {.kind = fits6 ? T10_CDB_SPACE6 : T10_CDB_SPACE16};
    c.u.space.code = code;
    c.u.space.count = count;
    enum rsm_dev_rc rc = exec(drv, &c, XPORT_DIR_NONE, NULL, 0, NULL);
    if (residue)
        *residue = drv->io.last.valid && drv->io.last.info_valid ? drv->io.last.info : 0;
    return rc;
}

enum rsm_dev_rc rsm_drv_locate(struct rsm_drv *drv, uint64_t lo_id)
{
    struct t10_cdb c = {.kind = lo_id > UINT32_MAX ? T10_CDB_LOCATE16 : T10_CDB_LOCATE10};
    c.u.locate.lo_id = lo_id;
    return exec(drv, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

enum rsm_dev_rc rsm_drv_read_position(struct rsm_drv *drv, struct rsm_drv_position *out)
{
    uint8_t buf[T10_RP_LONG_LEN];
    size_t n;
    memset(out, 0, sizeof *out);
    struct t10_cdb c = {.kind = T10_CDB_READ_POSITION};
    c.u.read_pos.sa = T10_RP_LONG;
    enum rsm_dev_rc rc = exec(drv, &c, XPORT_DIR_IN, buf, sizeof buf, &n);
    struct t10_read_pos rp;
    if (rc == RSM_DEV_OK) {
        if (t10_read_pos_decode(buf, n, T10_RP_LONG, &rp) != T10_OK)
            return RSM_DEV_E_PROTOCOL;
        out->bop = rp.bop;
        out->eop = rp.eop;
        out->bpew = rp.bpew;
        out->perr = rp.lonu;
        out->partition = rp.partition;
        out->lo_id = rp.lo_number;
        return RSM_DEV_OK;
    }
    if (rc != RSM_DEV_E_ILLEGAL)
        return rc;
    /* Older drives know only the short form. */
    c.u.read_pos.sa = T10_RP_SHORT;
    rc = exec(drv, &c, XPORT_DIR_IN, buf, T10_RP_SHORT_LEN, &n);
    if (rc != RSM_DEV_OK)
        return rc;
    if (t10_read_pos_decode(buf, n, T10_RP_SHORT, &rp) != T10_OK)
        return RSM_DEV_E_PROTOCOL;
    out->bop = rp.bop;
    out->eop = rp.eop;
    out->bpew = rp.bpew;
    out->perr = rp.perr;
    out->partition = rp.partition;
    out->lo_id = rp.first_lo;
    return RSM_DEV_OK;
}

enum rsm_dev_rc rsm_drv_tapealert(struct rsm_drv *drv, uint64_t *mask)
{
    uint8_t buf[512];
    size_t n;
    struct t10_cdb c = {.kind = T10_CDB_LOG_SENSE};
    c.u.log_sense.pc = 1; /* current cumulative values */
    c.u.log_sense.page = T10_LP_TAPEALERT;
    c.u.log_sense.alloc_len = sizeof buf;
    enum rsm_dev_rc rc = exec(drv, &c, XPORT_DIR_IN, buf, sizeof buf, &n);
    if (rc != RSM_DEV_OK)
        return rc;
    bool trunc;
    if (t10_log_tapealert_decode(buf, n, mask, &trunc) != T10_OK)
        return RSM_DEV_E_PROTOCOL;
    return RSM_DEV_OK;
}

/* ---- MAM ---- */

struct mam_field {
    unsigned bit;
    uint16_t id;
    size_t off; /* in struct rsm_drv_mam */
    size_t cap; /* string: capacity with NUL; binary: exact length */
    bool binary;
};

#define MAM_STR(bit, id, f)                                                                        \
    {                                                                                              \
        bit, id, offsetof(struct rsm_drv_mam, f), sizeof(((struct rsm_drv_mam *)0)->f), false      \
    }
#define MAM_BIN(bit, id, f)                                                                        \
    {                                                                                              \
        bit, id, offsetof(struct rsm_drv_mam, f), sizeof(((struct rsm_drv_mam *)0)->f), true       \
    }
static const struct mam_field mam_fields[] = {
    MAM_STR(RSM_MAM_APP_VENDOR, T10_MAM_APP_VENDOR, app_vendor),
    MAM_STR(RSM_MAM_APP_NAME, T10_MAM_APP_NAME, app_name),
    MAM_STR(RSM_MAM_USER_LABEL, T10_MAM_USER_LABEL, user_label),
    MAM_STR(RSM_MAM_BARCODE, T10_MAM_BARCODE, barcode),
    MAM_STR(RSM_MAM_MEDIA_POOL, T10_MAM_MEDIA_POOL, media_pool),
    MAM_BIN(RSM_MAM_MEDIUM_GUID, T10_MAM_MEDIUM_GUID, medium_guid),
    MAM_BIN(RSM_MAM_POOL_GUID, T10_MAM_MEDIA_POOL_GUID, pool_guid),
};
#define N_MAM (sizeof mam_fields / sizeof mam_fields[0])

static enum t10_rc on_mam(const struct t10_mam_attr *a, void *arg)
{
    struct rsm_drv_mam *m = arg;
    for (size_t i = 0; i < N_MAM; i++) {
        const struct mam_field *f = &mam_fields[i];
        if (f->id != a->id)
            continue;
        uint8_t *dst = (uint8_t *)m + f->off;
        if (f->binary) {
            memset(dst, 0, f->cap);
            memcpy(dst, a->value, a->len < f->cap ? a->len : f->cap);
        } else {
            /* Space-padded ASCII/text: trim like every other identifier we report. */
            t10_get_ascii((char *)dst, a->value, a->len < f->cap - 1 ? a->len : f->cap - 1);
        }
        m->present |= f->bit;
    }
    return T10_OK;
}

enum rsm_dev_rc rsm_drv_mam_read(struct rsm_drv *drv, struct rsm_drv_mam *out)
{
    memset(out, 0, sizeof *out);
    enum { CAP = 4096 };
    uint8_t *buf = malloc(CAP);
    if (!buf)
        return RSM_DEV_E_NOMEM;
    size_t n;
    struct t10_cdb c = {.kind = T10_CDB_READ_ATTRIBUTE};
    c.u.read_attr.sa = T10_RA_VALUES;
    c.u.read_attr.first_attr = T10_MAM_APP_VENDOR;
    c.u.read_attr.alloc_len = CAP;
    enum rsm_dev_rc rc = exec(drv, &c, XPORT_DIR_IN, buf, CAP, &n);
    if (rc == RSM_DEV_OK) {
        bool trunc;
        if (t10_mam_values_walk(buf, n, on_mam, out, &trunc) != T10_OK)
            rc = RSM_DEV_E_PROTOCOL;
    }
    free(buf);
    return rc;
}

enum rsm_dev_rc rsm_drv_mam_write(struct rsm_drv *drv, const struct rsm_drv_mam *in)
{
    if (!in || !in->present)
        return RSM_DEV_E_INVAL;
    struct t10_mam_attr attrs[N_MAM];
    uint8_t values[N_MAM][256];
    size_t na = 0;
    for (size_t i = 0; i < N_MAM; i++) {
        const struct mam_field *f = &mam_fields[i];
        if (!(in->present & f->bit))
            continue;
        const struct t10_mam_info *info = t10_mam_lookup(f->id);
        const uint8_t *src = (const uint8_t *)in + f->off;
        struct t10_mam_attr *a = &attrs[na];
        memset(a, 0, sizeof *a);
        a->id = f->id;
        if (f->binary) {
            a->format = T10_MAM_BINARY;
            a->len = (uint16_t)f->cap;
            memcpy(values[na], src, f->cap);
        } else {
            /* Standard attributes have a fixed length (a drive rejects another); pad. */
            size_t len = info && info->len ? info->len : strlen((const char *)src);
            if (len > sizeof values[na])
                len = sizeof values[na];
            a->format = info ? info->format : T10_MAM_ASCII;
            a->len = (uint16_t)len;
            t10_put_ascii(values[na], len, (const char *)src);
        }
        a->value = values[na];
        na++;
    }
    size_t len = t10_mam_values_build(NULL, 0, attrs, na);
    uint8_t *buf = malloc(len);
    if (!buf)
        return RSM_DEV_E_NOMEM;
    t10_mam_values_build(buf, len, attrs, na);
    struct t10_cdb c = {.kind = T10_CDB_WRITE_ATTRIBUTE};
    c.u.write_attr.param_len = (uint32_t)len;
    enum rsm_dev_rc rc = exec(drv, &c, XPORT_DIR_OUT, buf, len, NULL);
    free(buf);
    return rc;
}

enum rsm_dev_rc rsm_drv_read_label(struct rsm_drv *drv, void *buf, size_t cap, size_t *n)
{
    *n = 0;
    enum rsm_dev_rc rc = rsm_drv_rewind(drv);
    if (rc != RSM_DEV_OK)
        return rc;
    rc = rsm_drv_read(drv, buf, cap, n, NULL);
    /* Leave the tape at BOT whatever was found, so the next user starts from a known
     * position; the read's result is what the caller needs. */
    enum rsm_dev_rc rc2 = rsm_drv_rewind(drv);
    return rc != RSM_DEV_OK ? rc : rc2;
}
