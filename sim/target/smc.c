/* SPDX-License-Identifier: MIT
 * sim/target/smc.c - SMC-3 commands of the changer LUN: READ ELEMENT STATUS, MOVE MEDIUM,
 * EXCHANGE MEDIUM, INITIALIZE ELEMENT STATUS (07h) and WITH RANGE (37h or vendor E7h),
 * POSITION TO ELEMENT, OPEN/CLOSE IMPORT/EXPORT ELEMENT, SEND VOLUME TAG (translate) and
 * REQUEST VOLUME ELEMENT ADDRESS.
 *
 * Motions go to the robot (sim/core/library.h): when the clock makes them wait, the
 * command returns VTL_EXEC_PENDING and completes from the robot's callback.
 */
#include "sim/target/tgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/be.h"
#include "scsi/elem.h"

#define KEY_NOT_READY         0x2
#define KEY_ILLEGAL           0x5
#define ASC_BECOMING_READY    T10_ASC(0x04, 0x01)
#define ASC_PARAM_LIST_LENGTH T10_ASC(0x1A, 0x00)
#define ASC_INVALID_ELEMENT   T10_ASC(0x21, 0x01)
#define ASC_COMMAND_SEQUENCE  T10_ASC(0x2C, 0x00)

static enum vtl_exec bad_fp(struct vtl_tctx *t, struct vtl_local_fp fp)
{
    return vtl_tc_bad_cdb(t, fp.byte, fp.bit);
}

/* ---- element status pages (shared by READ ELEMENT STATUS and RVEA) ---- */

struct res_opts {
    bool voltag, dvcid;
    size_t ident_len; /* DVCID identifier length on the DTE page */
};

/* Identifier bytes of a drive for DVCID, in the personality's format. */
static size_t drive_ident(const struct vtl_library *lib, const struct vtl_drive_ident *d,
                          uint8_t *out, size_t cap)
{
    char buf[8 + 16 + VTL_SERIAL_MAX + 1];
    if (lib->cfg->pers.dvcid == VTL_DVCID_T10)
        snprintf(buf, sizeof buf, "%-8.8s%-16.16s%-10s", d->vendor, d->product, d->serial);
    else
        snprintf(buf, sizeof buf, "%s", d->serial);
    size_t n = strlen(buf);
    if (out)
        t10_put_ascii(out, cap, buf);
    return n;
}

static uint8_t medium_type(const struct vtl_cart_info *c)
{
    if (c->cleaning)
        return T10_MEDIUM_CLEANING;
    if (c->worm)
        return T10_MEDIUM_WORM;
    return T10_MEDIUM_DATA;
}

/* All zero. Copying it clears a descriptor with plain vector stores, where gcc turns a
 * memset of the struct into `rep stosq`, whose start-up cost is paid once per element of
 * a READ ELEMENT STATUS (a sixth of building the answer, measured with bench_changer). */
static const struct t10_elem_desc empty_desc;

static void fill_desc(const struct vtl_library *lib, const struct vtl_elem_info *e,
                      const struct res_opts *o, struct t10_elem_desc *d, uint8_t *ident)
{
    *d = empty_desc;
    d->addr = e->addr;
    d->full = e->full;
    d->access = e->access;
    d->except = e->except;
    d->asc_ascq = e->except ? e->asc_ascq : 0;
    if (e->type == VTL_ELEM_IE) {
        d->impexp = e->full && e->impexp;
        d->inenab = d->exenab = !vtl_mut(lib, VTL_MUT_IE_NO_ENABLE);
    }
    if (e->type == VTL_ELEM_STORAGE && vtl_mut(lib, VTL_MUT_RES_ST_IENAB))
        d->inenab = d->exenab = true;
    if (e->full) {
        d->medium = medium_type(&e->cart);
        d->src_valid = e->svalid && !vtl_mut(lib, VTL_MUT_MOVE_NO_SVALID);
        d->src_addr = e->svalid ? e->src_addr : 0;
    }
    if (o->voltag) {
        const char *id =
            e->full && !e->cart.label_unreadable && e->cart.barcode[0] ? e->cart.barcode : "";
        /* A bounded copy, not snprintf: this runs once per element of a READ ELEMENT
         * STATUS (thousands per command), and d is zeroed above, so id stays terminated. */
        memcpy(d->pvoltag.id, id, strnlen(id, sizeof d->pvoltag.id - 1));
    }
    if (e->type == VTL_ELEM_DTE) {
        unsigned lun = e->index + 1;
        if (lun < VTL_MAX_LUNS && lib->lun_exec[lun]) {
            d->lu_valid = true;
            d->lun = (uint8_t)lun;
            if (lib->cfg->has_scsi_target_id) {
                d->id_valid = true;
                d->scsi_id = lib->cfg->scsi_target_id;
            }
        }
        if (o->dvcid) {
            size_t il = drive_ident(lib, &e->drive, ident, o->ident_len);
            if (vtl_mut(lib, VTL_MUT_DVCID_GARBLED) && il && il <= o->ident_len)
                ident[il - 1] ^= 0x01; /* last serial character, still printable */
            d->has_ident = true;
            d->ident =
                (struct t10_elem_ident){.code_set = 2,
                                        .id_type = lib->cfg->pers.dvcid == VTL_DVCID_T10 ? 1 : 0,
                                        .id_len = (uint8_t)o->ident_len,
                                        .id = ident};
        }
    }
}

static void open_page(struct t10_elem_writer *w, enum vtl_elem_type type, const struct res_opts *o)
{
    bool ident = o->dvcid && type == VTL_ELEM_DTE;
    struct t10_elem_page pg = {
        .type = (uint8_t)type,
        .pvoltag = o->voltag,
        .desc_len =
            (uint16_t)t10_elem_desc_len_for(o->voltag, false, ident ? (int)o->ident_len : -1),
    };
    t10_elem_writer_page(w, &pg);
}

/* Element types in ascending address order (SMC-3: descriptors are reported in element
 * address order, a new page at every change of type). */
static size_t types_by_address(const struct vtl_library *lib, enum vtl_elem_type want,
                               enum vtl_elem_type out[4])
{
    size_t n = 0;
    for (int t = 1; t < VTL_ELEM_NTYPES; t++)
        if ((want == VTL_ELEM_ALL || want == (enum vtl_elem_type)t) && lib->count[t])
            out[n++] = (enum vtl_elem_type)t;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && lib->cfg->pers.base[out[j]] < lib->cfg->pers.base[out[j - 1]];
             j--) {
            enum vtl_elem_type x = out[j];
            out[j] = out[j - 1];
            out[j - 1] = x;
        }
    return n;
}

static void res_opts_init(const struct vtl_library *lib, bool voltag, bool dvcid,
                          struct res_opts *o)
{
    o->voltag = voltag;
    o->dvcid = dvcid;
    o->ident_len = 0;
    if (dvcid)
        for (unsigned i = 0; i < lib->count[VTL_ELEM_DTE]; i++) {
            size_t n = drive_ident(lib, &lib->elems[lib->first[VTL_ELEM_DTE] + i].drive, NULL, 0);
            if (n > o->ident_len)
                o->ident_len = n;
        }
    if (o->ident_len > 255)
        o->ident_len = 255;
}

/* Header and page byte counts after the mutants that get them wrong (mutant.h). Layout:
 * header 0-1 FIRST ELEMENT ADDRESS REPORTED, 2-3 NUMBER OF ELEMENTS AVAILABLE, 5-7 BYTE
 * COUNT OF REPORT AVAILABLE; first page 13-15 BYTE COUNT OF DESCRIPTOR DATA AVAILABLE. */
static void res_mutants(const struct vtl_library *lib, const struct t10_cdb_res *c, uint8_t *out,
                        size_t full, size_t room)
{
    if (!vtl_mut_any(lib))
        return;
    if (vtl_mut(lib, VTL_MUT_RES_FIRST_ADDR) && room >= 2 && full > 8)
        t10_put_be16(out, (uint16_t)(t10_get_be16(out) + 1u));
    if (vtl_mut(lib, VTL_MUT_RES_COUNT_CLIP) && full > room && room >= 8) {
        t10_put_be24(out + 5, (uint32_t)(room - 8));
        if (room >= 16)
            t10_put_be24(out + 13, (uint32_t)(room - 16));
    }
    if (vtl_mut(lib, VTL_MUT_RES_HDR_ZERO) && c->alloc_len == 8 && room == 8) {
        t10_put_be16(out + 2, 0);
        t10_put_be24(out + 5, 0);
    }
}

enum vtl_exec vtl_smc_res(struct vtl_tctx *t)
{
    const struct t10_cdb_res *c = &t->cdb.u.res;
    const struct vtl_library *lib = t->lib;
    uint8_t elem_type = c->elem_type;
    if (elem_type > VTL_ELEM_DTE)
        return vtl_tc_bad_cdb(t, vtl_mut(lib, VTL_MUT_RES_BADTYPE_PTR) ? 2 : VTL_FP_RES_TYPE.byte,
                              VTL_FP_RES_TYPE.bit);
    /* CURDATA=1 asks for cached data (no motion), which we can give even mid-inventory. */
    if (lib->inventory && !c->curdata)
        return vtl_tc_fail(t, KEY_NOT_READY, ASC_BECOMING_READY, NULL);
    if (elem_type == VTL_ELEM_ALL && !c->dvcid && !c->curdata &&
        vtl_mut(lib, VTL_MUT_RES_FULL_NOT_READY)) /* as if its inventory never finished */
        return vtl_tc_fail(t, KEY_NOT_READY, ASC_BECOMING_READY, NULL);
    if (vtl_mut(lib, VTL_MUT_RES_TYPE_IGNORED))
        elem_type = VTL_ELEM_ALL;
    uint16_t start = c->start_addr;
    uint32_t n_elems = c->n_elems;
    if ((n_elems == 1 && vtl_mut(lib, VTL_MUT_RES_SINGLE_FIRST)) ||
        (n_elems > 1 && vtl_mut(lib, VTL_MUT_RES_START_IGNORED)))
        start = 0;
    if (n_elems > 1 && vtl_mut(lib, VTL_MUT_RES_COUNT_IGNORED))
        n_elems = 0xFFFF;
    bool voltag = c->voltag;
    if ((voltag && vtl_mut(lib, VTL_MUT_RES_VOLTAG_IGNORED)) ||
        (c->curdata && vtl_mut(lib, VTL_MUT_RES_CURDATA_DIFFERS)))
        voltag = false;
    if (vtl_mut(lib, VTL_MUT_RES_PVOLTAG_ALWAYS))
        voltag = true;
    struct res_opts o, o_dt;
    res_opts_init(lib, voltag, c->dvcid, &o);
    o_dt = o;
    if (c->dvcid && vtl_mut(lib, VTL_MUT_DVCID_VOLTAG_DROPS))
        o_dt.voltag = false;
    enum vtl_elem_type types[4];
    size_t nt = types_by_address(lib, (enum vtl_elem_type)elem_type, types);
    size_t room = vtl_tc_room(t, c->alloc_len);
    struct t10_elem_writer w;
    t10_elem_writer_init(&w, t->cmd->data_in, room);
    unsigned reported = 0;
    uint8_t ident[256];
    for (size_t ti = 0; ti < nt && reported < n_elems; ti++) {
        enum vtl_elem_type type = types[ti];
        const struct res_opts *op = type == VTL_ELEM_DTE ? &o_dt : &o;
        bool page_open = false;
        for (unsigned i = 0; i < lib->count[type] && reported < n_elems; i++) {
            const struct vtl_elem *e = &lib->elems[lib->first[type] + i];
            if (e->addr < start)
                continue;
            if (!page_open) {
                open_page(&w, type, op);
                page_open = true;
            }
            struct vtl_elem_info info;
            struct t10_elem_desc d;
            vtl_elem_snapshot(lib, e, &info);
            fill_desc(lib, &info, op, &d, ident);
            t10_elem_writer_add(&w, &d);
            reported++;
        }
    }
    size_t full = t10_elem_writer_finish(&w);
    if (full == 0 && w.rc != T10_OK)
        return vtl_tc_fail(t, 0x4, T10_ASC(0x44, 0x00), NULL);
    res_mutants(lib, c, t->cmd->data_in, full, room);
    return vtl_tc_good(t, full < room ? full : room);
}

/* ---- motions ---- */

struct pend {
    struct vtl_library *lib;
    struct vtl_cmd *cmd;
    bool in_submit, finished;
};

static void robot_done(void *arg, enum vtl_rc rc)
{
    struct pend *p = arg;
    struct vtl_tctx t = {.lib = p->lib, .cmd = p->cmd};
    if (rc == VTL_E_ABORTED) {
        /* A reset ended the motion: the task is gone (SAM-5 TASK ABORTED). */
        p->cmd->status = VTL_STATUS_TASK_ABORTED;
        p->cmd->sense_len = 0;
        p->cmd->data_in_len = 0;
    } else {
        vtl_tc_rc(&t, rc);
    }
    if (p->in_submit) {
        p->finished = true;
        return;
    }
    struct vtl_cmd *cmd = p->cmd;
    cmd->vtl_priv = NULL;
    free(p);
    if (cmd->done)
        cmd->done(cmd);
}

/* Index 0..2 of @type among storage, import/export, data transfer; -1 otherwise. */
static int move_type_index(const struct vtl_elem *e)
{
    if (!e)
        return -1;
    switch (e->type) {
    case VTL_ELEM_STORAGE: return 0;
    case VTL_ELEM_IE: return 1;
    case VTL_ELEM_DTE: return 2;
    default: return -1;
    }
}

/* The motion mutants (mutant.h): a move that goes wrong before it reaches the robot.
 * Returns true when @t has been completed here. */
static bool move_mutants(struct vtl_tctx *t, struct vtl_robot_op *op, bool invert)
{
    struct vtl_library *lib = t->lib;
    if (!vtl_mut_any(lib))
        return false;
    const struct vtl_elem *s = vtl_elem_get(lib, op->src), *d = vtl_elem_get(lib, op->dst);
    const struct vtl_elem *mt = op->transport ? vtl_elem_get(lib, op->transport) : NULL;
    if (invert)
        return false; /* INVERT=1 reaches here only through MOVE-INVERT-IGNORED */
    if (op->transport == 0 && vtl_mut(lib, VTL_MUT_MOVE_MT0_REFUSED)) {
        vtl_tc_fail(t, KEY_ILLEGAL, ASC_INVALID_ELEMENT, NULL);
        return true;
    }
    if (mt && mt->type != VTL_ELEM_TRANSPORT && vtl_mut(lib, VTL_MUT_MOVE_ANY_TRANSPORT))
        op->transport = 0;
    if (!s && vtl_mut(lib, VTL_MUT_MOVE_BAD_SRC_ASC)) {
        vtl_tc_fail(t, KEY_ILLEGAL, T10_ASC(0x3B, 0x0E), NULL);
        return true;
    }
    if (!d && vtl_mut(lib, VTL_MUT_MOVE_BAD_DST_ASC)) {
        vtl_tc_fail(t, KEY_ILLEGAL, T10_ASC(0x3B, 0x0D), NULL);
        return true;
    }
    if (s && s->type == VTL_ELEM_DTE && s->full && vtl_mut(lib, VTL_MUT_MOVE_THREADED_HW)) {
        vtl_tc_fail(t, 0x4, T10_ASC(0x15, 0x01), NULL);
        return true;
    }
    int si = move_type_index(s), di = move_type_index(d);
    /* MOVE-ST-ST-NOOP .. MOVE-DT-DT-NOOP are consecutive: source-major, ST, IE, DT */
    if (si >= 0 && di >= 0 &&
        vtl_mut(lib, (enum vtl_mutant)(VTL_MUT_MOVE_ST_ST_NOOP + si * 3 + di))) {
        vtl_tc_good(t, 0);
        return true;
    }
    return false;
}

static enum vtl_exec submit(struct vtl_tctx *t, const struct vtl_robot_op *op)
{
    struct pend *p = calloc(1, sizeof *p);
    if (!p)
        return vtl_tc_rc(t, VTL_E_NOMEM);
    p->lib = t->lib;
    p->cmd = t->cmd;
    p->in_submit = true;
    enum vtl_rc rc = vtl_robot_submit(t->lib, op, robot_done, p);
    if (rc != VTL_OK) {
        free(p);
        return vtl_tc_rc(t, rc);
    }
    p->in_submit = false;
    if (p->finished) {
        free(p);
        return VTL_EXEC_DONE;
    }
    t->cmd->vtl_priv = p;
    return VTL_EXEC_PENDING;
}

enum vtl_exec vtl_smc_move(struct vtl_tctx *t)
{
    const struct t10_cdb_move *c = &t->cdb.u.move;
    if (c->invert && !vtl_mut(t->lib, VTL_MUT_MOVE_INVERT_IGNORED))
        return bad_fp(t, VTL_FP_MOVE_INVERT); /* LTO cartridges cannot be inverted */
    struct vtl_robot_op op = {
        .kind = VTL_ROBOT_MOVE, .transport = c->transport, .src = c->src, .dst = c->dst};
    if (move_mutants(t, &op, c->invert))
        return VTL_EXEC_DONE;
    return submit(t, &op);
}

enum vtl_exec vtl_smc_exchange(struct vtl_tctx *t)
{
    const struct t10_cdb_exchange *c = &t->cdb.u.exchange;
    if (c->invert1)
        return bad_fp(t, VTL_FP_EXCH_INV1);
    if (c->invert2)
        return bad_fp(t, VTL_FP_EXCH_INV2);
    struct vtl_robot_op op = {.kind = VTL_ROBOT_EXCHANGE,
                              .transport = c->transport,
                              .src = c->src,
                              .dst = c->dst1,
                              .dst2 = c->dst2};
    if (vtl_mut(t->lib, VTL_MUT_XCHG_NOOP))
        return vtl_tc_good(t, 0);
    if (vtl_mut(t->lib, VTL_MUT_XCHG_BAD_ADDR_ASC) &&
        (!vtl_elem_get(t->lib, c->src) || !vtl_elem_get(t->lib, c->dst1) ||
         !vtl_elem_get(t->lib, c->dst2)))
        return vtl_tc_fail(t, KEY_ILLEGAL, T10_ASC(0x3B, 0x0D), NULL);
    return submit(t, &op);
}

enum vtl_exec vtl_smc_init(struct vtl_tctx *t)
{
    struct vtl_robot_op op = {.kind = VTL_ROBOT_INIT};
    if (vtl_mut(t->lib, VTL_MUT_IES_LOSES_LABEL)) {
        struct vtl_library *lib = t->lib;
        for (unsigned i = 0; i < lib->count[VTL_ELEM_STORAGE]; i++) {
            struct vtl_elem *e = &lib->elems[lib->first[VTL_ELEM_STORAGE] + i];
            if (e->full && !e->cart.label_unreadable) {
                e->cart.label_unreadable = true;
                break;
            }
        }
    }
    return submit(t, &op);
}

enum vtl_exec vtl_smc_init_range(struct vtl_tctx *t)
{
    const struct t10_cdb_init_range *c = &t->cdb.u.init_range;
    struct vtl_robot_op op = {
        .kind = VTL_ROBOT_INIT, .range = c->range, .first = c->start_addr, .n = c->n_elems};
    if (vtl_mut(t->lib, VTL_MUT_IES_RANGE_REFUSED) ||
        (c->range && c->n_elems && !vtl_elem_get(t->lib, c->start_addr)))
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_INVALID_ELEMENT, NULL);
    return submit(t, &op);
}

enum vtl_exec vtl_smc_position(struct vtl_tctx *t)
{
    const struct t10_cdb_position *c = &t->cdb.u.position;
    if (c->invert)
        return bad_fp(t, VTL_FP_POS_INVERT);
    if (vtl_mut(t->lib, VTL_MUT_POS_REFUSED))
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_INVALID_ELEMENT, NULL);
    if (!vtl_elem_get(t->lib, c->dst) && vtl_mut(t->lib, VTL_MUT_POS_BAD_GOOD))
        return vtl_tc_good(t, 0);
    struct vtl_robot_op op = {.kind = VTL_ROBOT_POSITION, .transport = c->transport, .dst = c->dst};
    return submit(t, &op);
}

enum vtl_exec vtl_smc_open_close(struct vtl_tctx *t)
{
    const struct t10_cdb_open_close *c = &t->cdb.u.open_close;
    const struct vtl_elem *e = vtl_elem_get(t->lib, c->elem_addr);
    if (!e || e->type != VTL_ELEM_IE)
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_INVALID_ELEMENT, NULL);
    if (c->action != T10_IE_OPEN && c->action != T10_IE_CLOSE)
        return bad_fp(t, VTL_FP_OPEN_CLOSE_ACT);
    if (c->action == T10_IE_CLOSE && !t->lib->mailslot_open &&
        vtl_mut(t->lib, VTL_MUT_IE_CLOSE_REFUSED))
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_COMMAND_SEQUENCE, NULL);
    return vtl_tc_rc(t, vtl_library_set_mailslot(t->lib, c->action == T10_IE_OPEN));
}

/* ---- SEND VOLUME TAG / REQUEST VOLUME ELEMENT ADDRESS ---- */

/* SMC-3 template matching: '*' any run of characters, '?' exactly one. */
static bool tag_match(const char *tpl, const char *s)
{
    for (; *tpl; tpl++, s++) {
        if (*tpl == '*') {
            for (const char *r = s;; r++) {
                if (tag_match(tpl + 1, r))
                    return true;
                if (!*r)
                    return false;
            }
        }
        if (!*s || (*tpl != '?' && *tpl != *s))
            return false;
    }
    return *s == '\0';
}

enum vtl_exec vtl_smc_send_voltag(struct vtl_tctx *t)
{
    const struct t10_cdb_send_voltag *c = &t->cdb.u.send_voltag;
    if (c->elem_type > VTL_ELEM_DTE)
        return bad_fp(t, VTL_FP_SVT_TYPE);
    /* Only the translate (search) actions 5/6 and 8/9 (the same, ignoring sequence
     * numbers): this library keeps no writable tags, so assert/replace/undefine are
     * refused. */
    if (c->action != 0x05 && c->action != 0x06 && c->action != 0x08 && c->action != 0x09)
        return bad_fp(t, VTL_FP_SVT_ACTION);
    if (c->param_len < T10_SVT_LEN || vtl_tc_param_len(t, c->param_len) < T10_SVT_LEN)
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_PARAM_LIST_LENGTH, NULL);
    struct t10_svt_params svt;
    struct t10_field_ptr bad;
    if (t10_svt_decode(t->cmd->data_out, t->cmd->data_out_len, &svt, &bad) != T10_OK)
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_PARAM_LIST_LENGTH, NULL);
    const char *tpl = svt.template_id;
    uint16_t min_seq = svt.min_seq;
    if (!tpl[0])
        return vtl_tc_bad_param(t, VTL_FP_SVT_TEMPLATE.byte, -1);
    t->nx->svt_valid = true;
    t->nx->svt_action = c->action;
    /* Every label here has volume sequence number 0: a search for a higher minimum
     * (actions 5/6) finds nothing. */
    t->nx->svt_min_seq = min_seq;
    t->nx->svt_type = c->elem_type;
    t->nx->svt_addr = c->elem_addr;
    memcpy(t->nx->svt_template, svt.template_id, sizeof svt.template_id);
    return vtl_tc_good(t, 0);
}

enum vtl_exec vtl_smc_rvea(struct vtl_tctx *t)
{
    const struct t10_cdb_req_vol_addr *c = &t->cdb.u.req_vol_addr;
    const struct vtl_library *lib = t->lib;
    const struct vtl_nexus *nx = t->nx;
    if (!nx->svt_valid)
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_COMMAND_SEQUENCE, NULL);
    if (c->elem_type > VTL_ELEM_DTE)
        return bad_fp(t, VTL_FP_RES_TYPE);
    struct res_opts o;
    res_opts_init(lib, c->voltag, false, &o);
    enum vtl_elem_type types[4];
    enum vtl_elem_type want = (enum vtl_elem_type)(c->elem_type ? c->elem_type : nx->svt_type);
    size_t nt = types_by_address(lib, want, types);
    uint16_t start = c->elem_addr > nx->svt_addr ? c->elem_addr : nx->svt_addr;
    size_t room = vtl_tc_room(t, c->alloc_len);
    struct t10_elem_writer w;
    t10_elem_writer_init(&w, t->cmd->data_in, room);
    unsigned reported = 0;
    for (size_t ti = 0; ti < nt && reported < c->n_elems; ti++) {
        bool page_open = false;
        for (unsigned i = 0; i < lib->count[types[ti]] && reported < c->n_elems; i++) {
            const struct vtl_elem *e = &lib->elems[lib->first[types[ti]] + i];
            /* alternate tags (actions 6 and 9) do not exist here: nothing matches them */
            bool primary = nx->svt_action == 0x05 || nx->svt_action == 0x08;
            bool seq_ok = nx->svt_action == 0x08 || nx->svt_min_seq == 0;
            if (e->addr < start || !e->full || e->cart.label_unreadable || !primary || !seq_ok ||
                vtl_mut(lib, VTL_MUT_SVT_NO_MATCH) ||
                !tag_match(nx->svt_template, e->cart.barcode))
                continue;
            if (!page_open) {
                open_page(&w, types[ti], &o);
                page_open = true;
            }
            struct vtl_elem_info info;
            struct t10_elem_desc d;
            vtl_elem_snapshot(lib, e, &info);
            fill_desc(lib, &info, &o, &d, NULL);
            t10_elem_writer_add(&w, &d);
            reported++;
        }
    }
    w.send_action = nx->svt_action;
    size_t full = t10_elem_writer_finish(&w);
    if (full == 0 && w.rc != T10_OK)
        return vtl_tc_fail(t, 0x4, T10_ASC(0x44, 0x00), NULL);
    return vtl_tc_good(t, full < room ? full : room);
}
