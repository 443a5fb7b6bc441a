/* SPDX-License-Identifier: MIT
 * rsm/dev/changer.c - SMC-3 medium changer driver (contract in changer.h).
 *
 * Reading order: rsm_chg_open() (the probe sequence Linux ch and FreeBSD ch use), then
 * rsm_chg_read_status() (paging and the VolTag/DVCID fallback), then the motions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsm/dev/changer.h"
#include "rsm/dev/io.h"
#include "scsi/elem.h"
#include "scsi/luns.h"
#include "scsi/mode.h"

struct rsm_chg {
    struct rsm_dev_io io;
    struct rsm_dev_ident ident;
    struct rsm_chg_layout layout;
    struct rsm_chg_caps caps;
    bool supported[256]; /* from RSOC; all false when it was not answered */
    bool rsoc_listed;
    bool no_dvcid, no_voltag; /* refused once with 24/00: never asked again */
    uint8_t *res;             /* READ ELEMENT STATUS data buffer, kept between calls */
    size_t res_cap;
    uint8_t init_range_op; /* 37h or E7h */
};

const struct rsm_dev_ident *rsm_chg_ident(const struct rsm_chg *chg)
{
    return &chg->ident;
}
const struct rsm_chg_layout *rsm_chg_layout(const struct rsm_chg *chg)
{
    return &chg->layout;
}
const struct rsm_chg_caps *rsm_chg_caps(const struct rsm_chg *chg)
{
    return &chg->caps;
}
const struct rsm_dev_sense *rsm_chg_last_sense(const struct rsm_chg *chg)
{
    return &chg->io.last;
}
struct xport *rsm_chg_xport(const struct rsm_chg *chg)
{
    return chg->io.xp;
}
unsigned long rsm_chg_commands(const struct rsm_chg *chg)
{
    return chg->io.n_cmds;
}

uint32_t rsm_chg_events(struct rsm_chg *chg)
{
    uint32_t ev = chg->io.events;
    chg->io.events = 0;
    return ev;
}

uint32_t rsm_chg_timeout_ms(const struct rsm_chg *chg, uint8_t opcode, bool *from_rsoc)
{
    if (from_rsoc)
        *from_rsoc = chg->io.rsoc_timeout_ms[opcode] != 0;
    return rsm_dev_io_timeout_ms(&chg->io, opcode);
}

const struct rsm_chg_range *rsm_chg_range_of(const struct rsm_chg_layout *l, uint8_t type)
{
    switch (type) {
    case T10_ELEM_TRANSPORT:
        return &l->mt;
    case T10_ELEM_STORAGE:
        return &l->st;
    case T10_ELEM_IE:
        return &l->ie;
    case T10_ELEM_DT:
        return &l->dt;
    default:
        return NULL;
    }
}

uint8_t rsm_chg_type_of(const struct rsm_chg_layout *l, uint16_t addr)
{
    for (uint8_t t = T10_ELEM_TRANSPORT; t <= T10_ELEM_DT; t++) {
        const struct rsm_chg_range *r = rsm_chg_range_of(l, t);
        if (r->count && addr >= r->first && (uint32_t)addr < (uint32_t)r->first + r->count)
            return t;
    }
    return 0;
}

enum rsm_dev_rc rsm_chg_test_ready(struct rsm_chg *chg)
{
    return rsm_dev_io_wait_ready(&chg->io);
}

/* MODE SENSE(6) of @page: DBD=1 first (FreeBSD ch, PBS), DBD=0 when refused (Linux ch
 * uses DBD=0 and some changers reject DBD). *@pg points into @buf. */
static enum rsm_dev_rc mode_page(struct rsm_chg *chg, uint8_t page, uint8_t *buf, size_t cap,
                                 const uint8_t **pg, size_t *pg_len)
{
    enum rsm_dev_rc rc = RSM_DEV_E_PROTOCOL;
    for (int dbd = 1; dbd >= 0; dbd--) {
        struct t10_cdb c = {.kind = T10_CDB_MODE_SENSE6};
        c.u.mode_sense.dbd = dbd;
        c.u.mode_sense.pc = T10_PC_CURRENT;
        c.u.mode_sense.page = page;
        c.u.mode_sense.alloc_len = (uint16_t)(cap > 255 ? 255 : cap);
        size_t n;
        rc = rsm_dev_io_exec(&chg->io, &c, XPORT_DIR_IN, buf, c.u.mode_sense.alloc_len, &n);
        if (rc == RSM_DEV_OK)
            return t10_mode_find_page(buf, n, false, page, 0, pg, pg_len) == T10_OK
                       ? RSM_DEV_OK
                       : RSM_DEV_E_PROTOCOL;
        if (rc != RSM_DEV_E_ILLEGAL)
            return rc;
    }
    return rc;
}

static enum rsm_dev_rc chg_probe(struct rsm_chg *chg)
{
    enum rsm_dev_rc rc = rsm_dev_io_ident(&chg->io, T10_PDT_CHANGER, &chg->ident);
    if (rc != RSM_DEV_OK)
        return rc;
    rc = rsm_dev_io_wait_ready(&chg->io);
    if (rc != RSM_DEV_OK)
        return rc;

    uint8_t buf[256];
    const uint8_t *pg;
    size_t pg_len;
    rc = mode_page(chg, T10_MP_ELEMENT_ADDRESS, buf, sizeof buf, &pg, &pg_len);
    if (rc != RSM_DEV_OK)
        return rc == RSM_DEV_E_ILLEGAL || rc == RSM_DEV_E_UNSUPPORTED ? RSM_DEV_E_PROTOCOL : rc;
    struct t10_mode_eaa eaa;
    if (t10_mode_eaa_decode(pg, pg_len, &eaa) != T10_OK)
        return RSM_DEV_E_PROTOCOL;
    chg->layout = (struct rsm_chg_layout){
        .mt = {eaa.mt_first, eaa.mt_count},
        .st = {eaa.st_first, eaa.st_count},
        .ie = {eaa.ie_first, eaa.ie_count},
        .dt = {eaa.dt_first, eaa.dt_count},
    };

    /* 1Fh is optional: without it the changer itself decides which moves it can do. */
    struct t10_mode_devcap dc;
    if (mode_page(chg, T10_MP_DEVICE_CAPABILITIES, buf, sizeof buf, &pg, &pg_len) == RSM_DEV_OK &&
        t10_mode_devcap_decode(pg, pg_len, &dc) == T10_OK) {
        chg->caps.valid = true;
        chg->caps.stor = dc.stor;
        memcpy(chg->caps.move, dc.move, sizeof dc.move);
        memcpy(chg->caps.exchange, dc.exchange, sizeof dc.exchange);
    }

    rsm_dev_io_load_rsoc(&chg->io, chg->supported);
    for (int i = 0; i < 256; i++)
        chg->rsoc_listed |= chg->supported[i];
    /* IBM and Quantum serve the range form at vendor E7h instead of 37h (t10-notes). */
    chg->init_range_op =
        chg->rsoc_listed && !chg->supported[0x37] && chg->supported[0xE7] ? 0xE7 : 0x37;
    memset(&chg->io.last, 0, sizeof chg->io.last);
    return RSM_DEV_OK;
}

static enum rsm_dev_rc chg_open(struct xport *xp, bool owns, const struct rsm_dev_opts *opts,
                                struct rsm_chg **out)
{
    *out = NULL;
    struct rsm_chg *chg = calloc(1, sizeof *chg);
    if (!chg)
        return RSM_DEV_E_NOMEM;
    rsm_dev_io_init(&chg->io, xp, opts, T10_PDT_CHANGER);
    enum rsm_dev_rc rc = chg_probe(chg);
    if (rc != RSM_DEV_OK) {
        free(chg); /* the caller keeps @xp (owned or not) on failure */
        return rc;
    }
    chg->io.owns_xp = owns;
    *out = chg;
    return RSM_DEV_OK;
}

enum rsm_dev_rc rsm_chg_open(struct xport *xp, const struct rsm_dev_opts *opts,
                             struct rsm_chg **out)
{
    if (!xp || !out)
        return RSM_DEV_E_INVAL;
    return chg_open(xp, false, opts, out);
}

enum rsm_dev_rc rsm_chg_open_uri(const char *uri, const struct rsm_dev_opts *opts,
                                 struct rsm_chg **out)
{
    if (!uri || !out)
        return RSM_DEV_E_INVAL;
    *out = NULL;
    struct xport *xp;
    if (xport_open(uri, &xp, NULL, 0) != XPORT_OK)
        return RSM_DEV_E_TRANSPORT;
    enum rsm_dev_rc rc = chg_open(xp, true, opts, out);
    if (rc != RSM_DEV_OK)
        xport_close(xp);
    return rc;
}

void rsm_chg_close(struct rsm_chg *chg)
{
    if (!chg)
        return;
    rsm_dev_io_fini(&chg->io);
    free(chg->res);
    free(chg);
}

void rsm_chg_status_free(struct rsm_chg_status *st)
{
    if (!st)
        return;
    free(st->elems);
    memset(st, 0, sizeof *st);
}

/* ---- READ ELEMENT STATUS ---- */

struct res_ctx {
    struct rsm_chg_status *out;
    size_t cap;
    uint16_t next_addr; /* descriptors below this were already taken (a changer that
                         * restarts a page earlier must not duplicate elements) */
    size_t added;
    uint16_t desc_len; /* of the last page seen */
    uint16_t last_addr;
    uint8_t type;
};

static enum t10_rc on_elem(const struct t10_elem_desc *d, void *arg)
{
    struct res_ctx *ctx = arg;
    if (d->type != ctx->type || d->addr < ctx->next_addr || ctx->out->n >= ctx->cap)
        return T10_OK;
    /* Every member is assigned below (no memset): this runs for each of tens of
     * thousands of elements in a large library's inventory. */
    struct rsm_chg_elem *e = &ctx->out->elems[ctx->out->n++];
    e->addr = d->addr;
    e->type = d->type;
    e->full = d->full;
    e->access = d->access;
    e->except = d->except;
    e->impexp = d->impexp;
    e->inenab = d->inenab;
    e->exenab = d->exenab;
    e->asc = d->except ? T10_ASC_OF(d->asc_ascq) : 0;
    e->ascq = d->except ? T10_ASCQ_OF(d->asc_ascq) : 0;
    e->src_valid = d->src_valid;
    e->invert = d->invert;
    e->src_addr = d->src_valid ? d->src_addr : 0;
    e->medium = d->medium;
    e->id_valid = d->id_valid;
    e->lu_valid = d->lu_valid;
    e->scsi_id = d->scsi_id;
    e->lun = d->lun;
    /* Volume tags are only meaningful on a full element; an empty one may carry stale
     * or blank bytes. Both strings are at most 32 characters and NUL-terminated. */
    if (ctx->out->voltag && d->full) {
        memcpy(e->barcode, d->pvoltag.id, sizeof e->barcode);
        memcpy(e->alt_barcode, d->avoltag.id, sizeof e->alt_barcode);
        e->barcode[sizeof e->barcode - 1] = e->alt_barcode[sizeof e->alt_barcode - 1] = '\0';
    } else {
        e->barcode[0] = e->alt_barcode[0] = '\0';
    }
    e->ident_len = 0;
    e->ident_type = e->ident_code_set = 0;
    if (d->has_ident && d->ident.id_len) {
        e->ident_len = d->ident.id_len < RSM_DEV_ID_CAP ? d->ident.id_len : RSM_DEV_ID_CAP;
        memcpy(e->ident, d->ident.id, e->ident_len);
        e->ident_type = d->ident.id_type;
        e->ident_code_set = d->ident.code_set;
    }
    ctx->added++;
    ctx->last_addr = d->addr;
    return T10_OK;
}

/* Byte count of one descriptor we expect before the changer told us its real length.
 * No room for alternate volume tags (almost no changer sends them): if one does, the
 * page comes back truncated and the next request is sized from its real length. */
static size_t desc_estimate(bool voltag, bool dvcid)
{
    return T10_ELEM_DESC_FIXED_LEN + (voltag ? T10_VOLTAG_LEN : 0) +
           (dvcid ? T10_ELEM_IDENT_HDR_LEN + RSM_DEV_ID_CAP : 0);
}

#define RES_ALLOC_MAX 0xFFFFFFu /* ALLOCATION LENGTH is 24 bits */

/* Room for @len bytes in the handle's READ ELEMENT STATUS buffer, kept between calls so
 * repeated inventories do not fault in fresh pages each time. */
static uint8_t *res_buf(struct rsm_chg *chg, size_t len)
{
    if (len > chg->res_cap) {
        uint8_t *nb = realloc(chg->res, len);
        if (!nb)
            return NULL;
        chg->res = nb;
        chg->res_cap = len;
    }
    return chg->res;
}

/* Debian tgt (1.0.x, smc.c) counts the 8-byte header in BYTE COUNT OF REPORT AVAILABLE
 * and sends only that many bytes, so every one-type answer ends 8 bytes short of the
 * descriptors its own page header announces (rsm/tgt/README.md). The answer is whole by
 * the device's own account (less than @alloc came back), so this is not allocation-length
 * truncation. A host that parses by the page header into a zero-filled buffer never
 * notices; we do the same, only for that exact shape: one page, @n equal to the byte
 * count, the page exactly 8 bytes short. With VolTag the missing bytes are the volume
 * sequence number and reserved bytes (tgt leaves them zero); the barcode and everything
 * before it arrived. */
static void res_header_counted(uint8_t *buf, size_t alloc, size_t *n)
{
    struct t10_elem_status_hdr hdr;
    struct t10_elem_page pg;
    size_t got = *n, hl = T10_ELEM_HDR_LEN + T10_ELEM_PAGE_HDR_LEN;
    if (got < hl || got + 8 > alloc ||
        t10_elem_status_hdr_decode(buf, got, &hdr) != T10_OK || hdr.byte_count != got ||
        t10_elem_page_decode(buf + T10_ELEM_HDR_LEN, got - T10_ELEM_HDR_LEN, &pg) != T10_OK ||
        (size_t)pg.desc_bytes + hl != got + 8)
        return;
    memset(buf + got, 0, 8);
    *n = got + 8;
}

/* Appends @count elements of @type from @first to @out (room for them is the caller's
 * job), paging as changer.h says. Sets out->voltag/dvcid to what was used. */
static enum rsm_dev_rc res_into(struct rsm_chg *chg, uint8_t type, uint16_t first, uint16_t count,
                                unsigned flags, struct rsm_chg_status *out)
{
    size_t n0 = out->n, goal = n0 + count;
    bool voltag = (flags & RSM_CHG_RES_VOLTAG) && !chg->no_voltag;
    bool dvcid = (flags & RSM_CHG_RES_DVCID) && !chg->no_dvcid;
    size_t desc_len = desc_estimate(voltag, dvcid);
    uint16_t start = first;
    unsigned stalls = 0;
    out->voltag = voltag;
    out->dvcid = dvcid;

    const struct rsm_chg_range *r = rsm_chg_range_of(&chg->layout, type);
    uint32_t type_end = r ? (uint32_t)r->first + r->count : UINT32_MAX;

    while (out->n < goal && start < type_end) {
        size_t want = goal - out->n;
        size_t alloc = T10_ELEM_HDR_LEN + T10_ELEM_PAGE_HDR_LEN + want * desc_len;
        if (alloc > RES_ALLOC_MAX)
            alloc = RES_ALLOC_MAX;
        uint8_t *buf = res_buf(chg, alloc);
        if (!buf)
            return RSM_DEV_E_NOMEM;
        struct t10_cdb c = {.kind = T10_CDB_READ_ELEMENT_STATUS};
        c.u.res.voltag = voltag;
        c.u.res.dvcid = dvcid;
        c.u.res.curdata = (flags & RSM_CHG_RES_CURDATA) != 0;
        c.u.res.elem_type = type;
        c.u.res.start_addr = start;
        c.u.res.n_elems = (uint16_t)want;
        c.u.res.alloc_len = (uint32_t)alloc;
        size_t n;
        enum rsm_dev_rc rc = rsm_dev_io_exec(&chg->io, &c, XPORT_DIR_IN, buf, alloc, &n);
        if (rc == RSM_DEV_E_ILLEGAL && chg->io.last.asc == 0x24 && (dvcid || voltag)) {
            /* Linux ch: a changer that refuses VolTag is asked again without it and the
             * refusal remembered. DVCID is the newer bit, so it is dropped first. */
            if (dvcid) {
                dvcid = false;
                chg->no_dvcid = true;
            } else {
                voltag = false;
                chg->no_voltag = true;
            }
            out->voltag = voltag;
            out->dvcid = dvcid;
            desc_len = desc_estimate(voltag, dvcid);
            continue;
        }
        if (rc == RSM_DEV_E_BAD_ADDR && out->n > n0)
            break; /* a continuation past the last element: some changers say 21/01 */
        if (rc != RSM_DEV_OK)
            return rc;
        res_header_counted(buf, alloc, &n);
        struct res_ctx ctx = {.out = out, .cap = goal, .next_addr = start, .type = type};
        struct t10_elem_status_hdr hdr;
        bool truncated = false;
        /* The page header says the real descriptor length: size the next request by it. */
        struct t10_elem_page pg;
        if (n >= T10_ELEM_HDR_LEN + T10_ELEM_PAGE_HDR_LEN &&
            t10_elem_page_decode(buf + T10_ELEM_HDR_LEN, n - T10_ELEM_HDR_LEN, &pg) == T10_OK &&
            pg.desc_len >= T10_ELEM_DESC_FIXED_LEN)
            desc_len = pg.desc_len;
        if (t10_elem_status_walk(buf, n, &hdr, on_elem, &ctx, &truncated) != T10_OK)
            return RSM_DEV_E_PROTOCOL;
        if (ctx.added == 0) {
            if (!truncated || hdr.n_elems == 0)
                break; /* the changer has no more elements from @start */
            /* Not even one descriptor fitted: the byte count says how much one needs. */
            if (++stalls > 2)
                return RSM_DEV_E_PROTOCOL;
            desc_len = hdr.byte_count / hdr.n_elems + 1;
            continue;
        }
        stalls = 0;
        /* Fewer than asked, whole: either the type ends here or the changer caps the
         * elements per command (some report at most a few hundred). Ask again from the
         * next address; an answer with no element ends it. */
        if (ctx.last_addr == UINT16_MAX)
            break;
        start = (uint16_t)(ctx.last_addr + 1);
    }
    return RSM_DEV_OK;
}

enum rsm_dev_rc rsm_chg_read_status(struct rsm_chg *chg, uint8_t type, uint16_t first,
                                    uint16_t count, unsigned flags, struct rsm_chg_status *out)
{
    if (!out)
        return RSM_DEV_E_INVAL;
    memset(out, 0, sizeof *out);
    const struct rsm_chg_range *r = rsm_chg_range_of(&chg->layout, type);
    if (!r)
        return RSM_DEV_E_INVAL;
    if (first == 0)
        first = r->first;
    if (count == 0)
        return RSM_DEV_OK;
    out->elems = malloc(count * sizeof *out->elems);
    if (!out->elems)
        return RSM_DEV_E_NOMEM;
    out->cap = count;
    enum rsm_dev_rc rc = res_into(chg, type, first, count, flags, out);
    if (rc != RSM_DEV_OK)
        rsm_chg_status_free(out);
    return rc;
}

enum rsm_dev_rc rsm_chg_read_all(struct rsm_chg *chg, unsigned flags, struct rsm_chg_status *out)
{
    const struct rsm_chg_layout *l = &chg->layout;
    size_t total = (size_t)l->mt.count + l->st.count + l->ie.count + l->dt.count;
    out->n = 0;
    if (total > out->cap || !out->elems) {
        struct rsm_chg_elem *ne = realloc(out->elems, (total ? total : 1) * sizeof *ne);
        if (!ne)
            return RSM_DEV_E_NOMEM;
        out->elems = ne;
        out->cap = total ? total : 1;
    }
    /* Types in the order of their first addresses: the result is sorted without a sort. */
    uint8_t order[4] = {T10_ELEM_TRANSPORT, T10_ELEM_STORAGE, T10_ELEM_IE, T10_ELEM_DT};
    for (int i = 1; i < 4; i++)
        for (int j = i; j > 0 && rsm_chg_range_of(l, order[j])->first <
                                     rsm_chg_range_of(l, order[j - 1])->first;
             j--) {
            uint8_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    bool voltag = (flags & RSM_CHG_RES_VOLTAG) != 0, dvcid = false;
    for (int i = 0; i < 4; i++) {
        uint8_t t = order[i];
        const struct rsm_chg_range *r = rsm_chg_range_of(l, t);
        if (!r->count)
            continue;
        unsigned f = flags;
        if (t != T10_ELEM_DT)
            f &= ~RSM_CHG_RES_DVCID;
        enum rsm_dev_rc rc = res_into(chg, t, r->first, r->count, f, out);
        if (rc != RSM_DEV_OK) {
            out->n = 0;
            return rc;
        }
        voltag = voltag && out->voltag;
        if (t == T10_ELEM_DT)
            dvcid = out->dvcid;
    }
    out->voltag = voltag;
    out->dvcid = dvcid;
    return RSM_DEV_OK;
}

/* ---- motions ---- */

/* Linux ch addresses moves with the first transport element; SMC-3 also allows 0 (the
 * default transport), which we use only when page 1Dh lists no transport. */
static uint16_t transport_addr(const struct rsm_chg *chg)
{
    return chg->layout.mt.count ? chg->layout.mt.first : 0;
}

enum rsm_dev_rc rsm_chg_move(struct rsm_chg *chg, uint16_t src, uint16_t dst)
{
    struct t10_cdb c = {.kind = T10_CDB_MOVE_MEDIUM};
    c.u.move.transport = transport_addr(chg);
    c.u.move.src = src;
    c.u.move.dst = dst;
    return rsm_dev_io_exec(&chg->io, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

enum rsm_dev_rc rsm_chg_exchange(struct rsm_chg *chg, uint16_t src, uint16_t dst1, uint16_t dst2)
{
    struct t10_cdb c = {.kind = T10_CDB_EXCHANGE_MEDIUM};
    c.u.exchange.transport = transport_addr(chg);
    c.u.exchange.src = src;
    c.u.exchange.dst1 = dst1;
    c.u.exchange.dst2 = dst2;
    return rsm_dev_io_exec(&chg->io, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

/* After INITIALIZE ELEMENT STATUS the changer answers 04/01 until the scan ends; the
 * command itself may also return before that (IMMED-like behaviour of some libraries). */
static enum rsm_dev_rc init_then_wait(struct rsm_chg *chg, const struct t10_cdb *c)
{
    enum rsm_dev_rc rc = rsm_dev_io_exec(&chg->io, c, XPORT_DIR_NONE, NULL, 0, NULL);
    if (rc != RSM_DEV_OK && rc != RSM_DEV_E_BECOMING_READY)
        return rc;
    return rsm_dev_io_wait_ready(&chg->io);
}

enum rsm_dev_rc rsm_chg_init_status(struct rsm_chg *chg)
{
    struct t10_cdb c = {.kind = T10_CDB_INIT_ELEMENT_STATUS};
    return init_then_wait(chg, &c);
}

enum rsm_dev_rc rsm_chg_init_status_range(struct rsm_chg *chg, uint16_t first, uint16_t count)
{
    struct t10_cdb c = {.kind = chg->init_range_op == 0xE7 ? T10_CDB_INIT_ELEMENT_STATUS_RANGE_VS
                                                           : T10_CDB_INIT_ELEMENT_STATUS_RANGE};
    c.u.init_range.range = true;
    c.u.init_range.start_addr = first;
    c.u.init_range.n_elems = count;
    enum rsm_dev_rc rc = init_then_wait(chg, &c);
    if (rc == RSM_DEV_E_UNSUPPORTED && !chg->rsoc_listed) {
        /* No RSOC to tell which opcode this changer uses: try the other one once. */
        c.kind = c.kind == T10_CDB_INIT_ELEMENT_STATUS_RANGE ? T10_CDB_INIT_ELEMENT_STATUS_RANGE_VS
                                                             : T10_CDB_INIT_ELEMENT_STATUS_RANGE;
        rc = init_then_wait(chg, &c);
        if (rc != RSM_DEV_E_UNSUPPORTED)
            chg->init_range_op = c.kind == T10_CDB_INIT_ELEMENT_STATUS_RANGE_VS ? 0xE7 : 0x37;
    }
    return rc;
}

enum rsm_dev_rc rsm_chg_prevent(struct rsm_chg *chg, bool prevent)
{
    struct t10_cdb c = {.kind = T10_CDB_PREVENT_ALLOW};
    c.u.prevent_allow.prevent = prevent ? 1 : 0;
    return rsm_dev_io_exec(&chg->io, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

static enum rsm_dev_rc ie_action(struct rsm_chg *chg, uint16_t addr, uint8_t action)
{
    struct t10_cdb c = {.kind = T10_CDB_OPEN_CLOSE_IE};
    c.u.open_close.elem_addr = addr;
    c.u.open_close.action = action;
    return rsm_dev_io_exec(&chg->io, &c, XPORT_DIR_NONE, NULL, 0, NULL);
}

enum rsm_dev_rc rsm_chg_ie_open(struct rsm_chg *chg, uint16_t addr)
{
    return ie_action(chg, addr, T10_IE_OPEN);
}

enum rsm_dev_rc rsm_chg_ie_close(struct rsm_chg *chg, uint16_t addr)
{
    return ie_action(chg, addr, T10_IE_CLOSE);
}

enum rsm_dev_rc rsm_chg_report_luns(struct rsm_chg *chg, uint16_t *luns, size_t cap, size_t *n)
{
    enum { ALLOC = T10_LUNS_HDR_LEN + 256 * T10_LUN_LEN };
    uint8_t buf[ALLOC];
    size_t got;
    *n = 0;
    struct t10_cdb c = {.kind = T10_CDB_REPORT_LUNS};
    c.u.report_luns.alloc_len = ALLOC;
    enum rsm_dev_rc rc = rsm_dev_io_exec(&chg->io, &c, XPORT_DIR_IN, buf, ALLOC, &got);
    if (rc != RSM_DEV_OK)
        return rc;
    size_t listed, bad;
    bool trunc;
    if (t10_report_luns_decode(buf, got, luns, cap, n, &listed, &bad, &trunc) != T10_OK)
        return RSM_DEV_E_PROTOCOL;
    return RSM_DEV_OK;
}
