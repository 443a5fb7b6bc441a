/* SPDX-License-Identifier: MIT
 * sim/target/spc.c - SPC-4 commands of the changer LUN: TEST UNIT READY, REQUEST SENSE,
 * INQUIRY (standard, VPD 00h/80h/83h), MODE SENSE/SELECT (6/10; pages 0Ah, 1Dh, 1Eh, 1Fh,
 * 3Fh), LOG SENSE (00h, 2Eh), REPORT LUNS, REPORT SUPPORTED OPERATION CODES,
 * RESERVE/RELEASE (6/10), PREVENT ALLOW MEDIUM REMOVAL, SEND DIAGNOSTIC.
 * Every byte layout comes from scsi/ (or sim/target/local.h where scsi/ lacks one).
 */
#include "sim/target/tgt.h"

#include "scsi/be.h"

#include <stdio.h>
#include <string.h>

#include "scsi/log.h"
#include "scsi/luns.h"
#include "scsi/mode.h"
#include "scsi/rsoc.h"
#include "scsi/vpd.h"

#define KEY_NOT_READY           0x2
#define KEY_ILLEGAL             0x5
#define ASC_BECOMING_READY      T10_ASC(0x04, 0x01)
#define ASC_MANUAL_INTERVENTION T10_ASC(0x04, 0x03)
#define ASC_PARAM_LIST_LENGTH   T10_ASC(0x1A, 0x00)
#define UA_MODE_CHANGED         T10_ASC(0x2A, 0x01)

static enum vtl_exec bad_fp(struct vtl_tctx *t, struct vtl_local_fp fp)
{
    return vtl_tc_bad_cdb(t, fp.byte, fp.bit);
}

/* Copies a built structure of @full bytes into data-in, clipped to @room. */
static enum vtl_exec good_clipped(struct vtl_tctx *t, size_t full, size_t room)
{
    return vtl_tc_good(t, full < room ? full : room);
}

enum vtl_exec vtl_spc_tur(struct vtl_tctx *t)
{
    if (vtl_mut(t->lib, VTL_MUT_TUR_NOT_READY))
        return vtl_tc_fail(t, KEY_NOT_READY, T10_ASC(0x04, 0x00), NULL);
    /* Readiness was checked by the dispatcher (needs_ready). */
    return vtl_tc_good(t, 0);
}

enum vtl_exec vtl_spc_request_sense(struct vtl_tctx *t)
{
    const struct t10_cdb_request_sense *c = &t->cdb.u.request_sense;
    struct t10_sense s;
    uint16_t ua = vtl_mut(t->lib, VTL_MUT_UA_RQS_KEEPS) ? vtl_ua_peek(t->nx) : vtl_ua_take(t->nx);
    if (ua)
        t10_sense_init(&s, c->desc, 0x6, ua);
    else if (t->lib->inventory)
        t10_sense_init(&s, c->desc, KEY_NOT_READY, ASC_BECOMING_READY);
    else if (t->lib->door_open)
        t10_sense_init(&s, c->desc, KEY_NOT_READY, ASC_MANUAL_INTERVENTION);
    else if (vtl_mut(t->lib, VTL_MUT_RQS_STALE))
        t10_sense_init(&s, c->desc, KEY_ILLEGAL, T10_ASC(0x24, 0x00));
    else
        t10_sense_init(&s, c->desc, 0x0, T10_ASC(0, 0));
    size_t room = vtl_tc_room(t, c->alloc_len);
    return good_clipped(t, t10_sense_build(t->cmd->data_in, room, &s), room);
}

/* ---- INQUIRY ---- */

/* A stable 36-bit identifier from the library's identity, so the NAA designator is the
 * same on every run (udev's /dev/tape/by-id names depend on it). FNV-1a. */
static uint64_t identity_hash(const struct vtl_library *lib)
{
    uint64_t h = 1469598103934665603ull;
    const char *parts[] = {lib->cfg->pers.vendor, lib->cfg->pers.product, lib->cfg->serial};
    for (size_t i = 0; i < 3; i++) {
        for (const char *p = parts[i]; *p; p++) {
            h ^= (uint8_t)*p;
            h *= 1099511628211ull;
        }
        h ^= 0xFF;
        h *= 1099511628211ull;
    }
    return h;
}

/* OUI used in the NAA designator. A simulator owns no IEEE OUI; this one is a fixed
 * value so identifiers are stable (documented in sim/README.md). */
#define VTL_NAA_OUI 0x0000E0u

/* Standard INQUIRY data after the mutants that get it wrong (mutant.h); @n is the full
 * length built, @room what fits. */
static void inquiry_mutants(const struct vtl_tctx *t, uint8_t *out, size_t n, size_t room)
{
    const struct vtl_library *lib = t->lib;
    if (!vtl_mut_any(lib))
        return;
    if (vtl_mut(lib, VTL_MUT_INQ_ADDLEN_TRUNC) && room < n && room >= 5)
        out[4] = (uint8_t)(room - 5);
    if (vtl_mut(lib, VTL_MUT_INQ_ADDLEN_BIG) && room >= 5)
        out[4] = (uint8_t)(out[4] + 10);
    if (vtl_mut(lib, VTL_MUT_INQ_36_REVISION) && t->cdb.u.inquiry.alloc_len == 36 && room >= 36)
        out[32] = out[32] == '0' ? '1' : '0';
    if (vtl_mut(lib, VTL_MUT_INQ_VENDOR_NUL))
        for (size_t i = 8; i < 16 && i < room; i++)
            if (out[i] == ' ')
                out[i] = 0;
}

enum vtl_exec vtl_spc_inquiry(struct vtl_tctx *t)
{
    const struct t10_cdb_inquiry *c = &t->cdb.u.inquiry;
    const struct vtl_library *lib = t->lib;
    size_t room = vtl_tc_room(t, c->alloc_len);
    uint8_t *out = t->cmd->data_in;
    if (!c->evpd) {
        if (vtl_mut(lib, VTL_MUT_INQ_ALLOC0_ERROR) && c->alloc_len == 0)
            return vtl_tc_bad_cdb(t, 4, -1);
        if (vtl_mut(lib, VTL_MUT_INQ_SHORT_EMPTY) && c->alloc_len > 0 && c->alloc_len < 5)
            return vtl_tc_good(t, 0);
        struct t10_inquiry inq = {
            .pdt = T10_PDT_CHANGER,
            .rmb = true,
            .version = T10_VERSION_SPC4,
            .resp_format = vtl_mut(lib, VTL_MUT_INQ_FORMAT) ? 1 : 2,
            .cmdque = true,
        };
        snprintf(inq.vendor, sizeof inq.vendor, "%s", lib->cfg->pers.vendor);
        snprintf(inq.product, sizeof inq.product, "%s", lib->cfg->pers.product);
        snprintf(inq.revision, sizeof inq.revision, "%s", lib->cfg->pers.revision);
        size_t n = t10_inquiry_build(out, room, &inq);
        inquiry_mutants(t, out, n, room);
        return good_clipped(t, n, room);
    }
    uint8_t pdt = vtl_mut(lib, VTL_MUT_VPD_PDT) ? 0x00 : T10_PDT_CHANGER;
    uint8_t page = c->page;
    size_t n;
    static const uint8_t known[] = {T10_VPD_SUPPORTED, T10_VPD_UNIT_SERIAL, T10_VPD_DEVICE_ID};
    if (vtl_mut(lib, VTL_MUT_VPD_OTHER_PAGE) && !memchr(known, page, sizeof known))
        page = T10_VPD_SUPPORTED; /* the bug mhVTL had (PR #197) */
    switch (page) {
    case T10_VPD_SUPPORTED: {
        static const uint8_t unsorted[] = {T10_VPD_SUPPORTED, T10_VPD_DEVICE_ID,
                                           T10_VPD_UNIT_SERIAL};
        n = t10_vpd_supported_build(out, room, pdt, known, 3);
        /* the page list (bytes 4..) with its last two entries swapped */
        if (vtl_mut(lib, VTL_MUT_VPD00_UNSORTED) && room >= 7) {
            out[5] = unsorted[1];
            out[6] = unsorted[2];
        }
        break;
    }
    case T10_VPD_UNIT_SERIAL:
        n = t10_vpd_ascii_build(out, room, pdt, T10_VPD_UNIT_SERIAL,
                                vtl_mut(lib, VTL_MUT_VPD80_BLANK) ? "        " : lib->cfg->serial);
        break;
    case T10_VPD_DEVICE_ID: {
        uint8_t naa[8], t10id[8 + 16 + VTL_SERIAL_MAX + 1];
        uint64_t id = identity_hash(lib);
        if (vtl_mut(lib, VTL_MUT_VPD_PER_NEXUS))
            id ^= t->nx->id;
        t10_naa5_encode(naa, VTL_NAA_OUI, id);
        char vsid[16 + VTL_SERIAL_MAX + 1];
        /* T10 vendor id body: vendor (8, padded) + product (16, padded) + serial */
        char prod[17];
        snprintf(prod, sizeof prod, "%-16s", lib->cfg->pers.product);
        snprintf(vsid, sizeof vsid, "%s%s", prod, lib->cfg->serial);
        size_t t10_len = t10_t10vid_encode(t10id, sizeof t10id, lib->cfg->pers.vendor, vsid);
        if (t10_len > sizeof t10id)
            t10_len = sizeof t10id;
        struct t10_desig d[2] = {
            {.code_set = T10_CS_BINARY,
             .association = T10_ASSOC_LU,
             .type = T10_DESIG_NAA,
             .len = 8,
             .id = naa},
            {.code_set = T10_CS_ASCII,
             .association = T10_ASSOC_LU,
             .type = T10_DESIG_T10_VENDOR,
             .len = (uint8_t)t10_len,
             .id = t10id},
        };
        bool no_naa = vtl_mut(lib, VTL_MUT_VPD83_NO_NAA);
        n = t10_vpd_devid_build(out, room, pdt, no_naa ? d + 1 : d, no_naa ? 1 : 2);
        break;
    }
    default:
        /* Never another page in its place (mhVTL PR #197): ILLEGAL REQUEST at PAGE CODE. */
        return bad_fp(t, VTL_FP_INQUIRY_PAGE);
    }
    if (vtl_mut(lib, VTL_MUT_VPD_PAGELEN_TRUNC) && room < n && room >= 4)
        t10_put_be16(out + 2, (uint16_t)(room - 4));
    return good_clipped(t, n, room);
}

/* ---- MODE SENSE / SELECT ---- */

static void control_page(const struct vtl_library *lib, enum t10_mode_pc pc,
                         struct t10_mode_control *p)
{
    memset(p, 0, sizeof *p);
    switch (pc) {
    case T10_PC_CHANGEABLE:
        p->d_sense = true;
        break; /* the only changeable bit */
    case T10_PC_DEFAULT:
        p->d_sense = false;
        break;
    case T10_PC_SAVED:
        p->d_sense = lib->d_sense_saved;
        break;
    default:
        p->d_sense = lib->d_sense;
        break;
    }
    if (pc != T10_PC_CHANGEABLE)
        p->qam = 1; /* unrestricted reordering: commands may complete out of order */
}

/* Builds page @page for @pc into @out (cap @cap); returns its length, 0 if unsupported. */
static size_t build_page(const struct vtl_library *lib, uint8_t page, enum t10_mode_pc pc,
                         uint8_t *out, size_t cap)
{
    bool changeable = pc == T10_PC_CHANGEABLE;
    switch (page) {
    case T10_MP_CONTROL: {
        struct t10_mode_control p;
        control_page(lib, pc, &p);
        return t10_mode_control_build(out, cap, &p, true);
    }
    case T10_MP_ELEMENT_ADDRESS: {
        struct t10_mode_eaa p = {0};
        if (!changeable) {
            p.mt_first = lib->cfg->pers.base[VTL_ELEM_TRANSPORT];
            p.mt_count = (uint16_t)lib->count[VTL_ELEM_TRANSPORT];
            p.st_first = lib->cfg->pers.base[VTL_ELEM_STORAGE];
            p.st_count = (uint16_t)lib->count[VTL_ELEM_STORAGE];
            p.ie_first = lib->cfg->pers.base[VTL_ELEM_IE];
            p.ie_count = (uint16_t)lib->count[VTL_ELEM_IE];
            p.dt_first = lib->cfg->pers.base[VTL_ELEM_DTE];
            p.dt_count = (uint16_t)lib->count[VTL_ELEM_DTE];
            if (vtl_mut(lib, VTL_MUT_EAA_COUNT))
                p.st_count++;
            if (vtl_mut(lib, VTL_MUT_EAA_OVERLAP))
                p.ie_first = p.st_first;
        }
        return t10_mode_eaa_build(out, cap, &p, false);
    }
    case T10_MP_TRANSPORT_GEOMETRY: {
        struct t10_mode_geometry p = {0};
        unsigned n = lib->count[VTL_ELEM_TRANSPORT];
        p.n = (uint8_t)(n > T10_GEOM_MAX ? T10_GEOM_MAX : n);
        if (vtl_mut(lib, VTL_MUT_GEOM_COUNT) && p.n < T10_GEOM_MAX)
            p.n++;
        for (unsigned i = 0; i < p.n; i++)
            p.t[i].member = changeable ? 0 : (uint8_t)i;
        return t10_mode_geometry_build(out, cap, &p, false);
    }
    case T10_MP_DEVICE_CAPABILITIES: {
        struct t10_mode_devcap p = {0};
        if (!changeable) {
            uint8_t all = T10_CAP_ST | T10_CAP_IE | T10_CAP_DT;
            p.stor = all;
            /* index: source type - 1; the transport is never a source or destination */
            p.move[1] = p.move[2] = p.move[3] = all;
            p.exchange[1] = p.exchange[2] = p.exchange[3] = all;
            if (vtl_mut(lib, VTL_MUT_DEVCAP_NO_STORST))
                p.stor &= (uint8_t)~T10_CAP_ST;
            if (vtl_mut(lib, VTL_MUT_DEVCAP_FORBIDS_ST_ST))
                p.move[1] &= (uint8_t)~T10_CAP_ST;
        }
        return t10_mode_devcap_build(out, cap, &p, false);
    }
    }
    return 0;
}

static const uint8_t all_pages[] = {T10_MP_CONTROL, T10_MP_ELEMENT_ADDRESS,
                                    T10_MP_TRANSPORT_GEOMETRY, T10_MP_DEVICE_CAPABILITIES};

enum vtl_exec vtl_spc_mode_sense(struct vtl_tctx *t)
{
    const struct t10_cdb_mode_sense *c = &t->cdb.u.mode_sense;
    bool ten = t->cdb.kind == T10_CDB_MODE_SENSE10;
    uint8_t buf[1024];
    struct t10_mode_hdr h = {0}; /* a changer has no block descriptors, DBD or not */
    if (!c->dbd && !ten && vtl_mut(t->lib, VTL_MUT_MODE_BD_4))
        h.bd_len = 4;
    if (c->dbd && vtl_mut(t->lib, VTL_MUT_MODE_DBD_IGNORED))
        h.bd_len = 8;
    size_t pos = t10_mode_hdr_build(buf, sizeof buf, ten, &h);
    memset(buf + pos, 0, h.bd_len); /* the mutants' block descriptor: all zero */
    pos += h.bd_len;
    if (c->subpage != 0 && !(c->subpage == T10_SUBPAGE_ALL))
        return bad_fp(t, VTL_FP_MODE_SUBPAGE);
    if (c->page == T10_PAGE_ALL) {
        for (size_t i = 0; i < sizeof all_pages; i++)
            if (all_pages[i] != T10_MP_DEVICE_CAPABILITIES ||
                !vtl_mut(t->lib, VTL_MUT_MODE_ALL_NO_1F))
                pos += build_page(t->lib, all_pages[i], (enum t10_mode_pc)c->pc, buf + pos,
                                  sizeof buf - pos);
    } else {
        /* Subpage FFh on one page asks for it and its subpages; none has subpages. */
        size_t n =
            build_page(t->lib, c->page, (enum t10_mode_pc)c->pc, buf + pos, sizeof buf - pos);
        if (n == 0)
            return bad_fp(t, vtl_mut(t->lib, VTL_MUT_MODE_PAGE_PTR) ? VTL_FP_MODE_SUBPAGE
                                                                    : VTL_FP_MODE_PAGE);
        /* page 1Dh bytes 8-9: NUMBER OF STORAGE ELEMENTS */
        if (ten && c->page == T10_MP_ELEMENT_ADDRESS && n >= 10 &&
            vtl_mut(t->lib, VTL_MUT_EAA_TEN_DIFFERS))
            t10_put_be16(buf + pos + 8, (uint16_t)(t10_get_be16(buf + pos + 8) - 1u));
        pos += n;
    }
    t10_mode_set_data_len(buf, sizeof buf, ten, pos);
    size_t room = vtl_tc_room(t, c->alloc_len);
    if (room < pos && vtl_mut(t->lib, VTL_MUT_MODE_LEN_TRUNC))
        t10_mode_set_data_len(buf, sizeof buf, ten, room);
    if (room)
        memcpy(t->cmd->data_in, buf, pos < room ? pos : room);
    return good_clipped(t, pos, room);
}

struct select_ctx {
    struct vtl_library *lib;
    bool new_d_sense;
    bool changed;
};

/* Each page of a MODE SELECT list must equal the current page except in changeable bits
 * (SPC-4 6.11: other bits differing => INVALID FIELD IN PARAMETER LIST at that byte). */
static enum t10_rc select_page(const struct t10_mode_page_hdr *ph, const uint8_t *page,
                               size_t page_off, void *arg, struct t10_field_ptr *bad)
{
    struct select_ctx *sc = arg;
    uint8_t cur[256], chg[256];
    size_t n = build_page(sc->lib, ph->page, T10_PC_CURRENT, cur, sizeof cur);
    size_t nc = build_page(sc->lib, ph->page, T10_PC_CHANGEABLE, chg, sizeof chg);
    size_t have = ph->hdr_len + ph->page_len;
    if (n == 0 || ph->spf) {
        *bad = (struct t10_field_ptr){.byte = (uint16_t)page_off, .bit = 5, .bpv = true};
        return T10_EINVAL;
    }
    if (have != n || nc != n) {
        *bad = (struct t10_field_ptr){.byte = (uint16_t)(page_off + 1), .bpv = false};
        return T10_EINVAL;
    }
    /* byte 0 holds PS (reserved in MODE SELECT) and the page code: compare page code */
    for (size_t i = 1; i < n; i++) {
        if ((page[i] ^ cur[i]) & (uint8_t)~chg[i]) {
            uint8_t diff = (uint8_t)((page[i] ^ cur[i]) & ~chg[i]);
            uint8_t bit = 7;
            while (!(diff & (1u << bit)))
                bit--;
            *bad =
                (struct t10_field_ptr){.byte = (uint16_t)(page_off + i), .bit = bit, .bpv = true};
            return T10_EINVAL;
        }
    }
    if (ph->page == T10_MP_CONTROL) {
        struct t10_mode_control p;
        if (t10_mode_control_decode(page, have, &p) != T10_OK) {
            *bad = (struct t10_field_ptr){.byte = (uint16_t)page_off};
            return T10_EINVAL;
        }
        if (p.d_sense != sc->lib->d_sense)
            sc->changed = true;
        sc->new_d_sense = p.d_sense;
    }
    return T10_OK;
}

enum vtl_exec vtl_spc_mode_select(struct vtl_tctx *t)
{
    const struct t10_cdb_mode_select *c = &t->cdb.u.mode_select;
    bool ten = t->cdb.kind == T10_CDB_MODE_SELECT10;
    if (!c->pf && c->param_len)
        return bad_fp(t, VTL_FP_MODE_SELECT_PF);
    size_t len = vtl_tc_param_len(t, c->param_len);
    if (len < c->param_len)
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_PARAM_LIST_LENGTH, NULL);
    if (len == 0)
        return vtl_tc_good(t, 0);
    struct select_ctx sc = {.lib = t->lib, .new_d_sense = t->lib->d_sense};
    struct t10_mode_hdr h;
    struct t10_mode_blkdesc bd;
    struct t10_field_ptr bad = {0};
    enum t10_rc rc =
        t10_mode_select_walk(t->cmd->data_out, len, ten, &h, &bd, select_page, &sc, &bad);
    if (rc == T10_OK && h.bd_len != 0) {
        rc = T10_EINVAL; /* no block descriptors on a changer */
        bad =
            (struct t10_field_ptr){.byte = (ten ? VTL_FP_MODE10_BD_LEN : VTL_FP_MODE6_BD_LEN).byte};
    }
    if (rc == T10_OK && h.medium_type != 0) {
        rc = T10_EINVAL;
        bad = (struct t10_field_ptr){
            .byte = (ten ? VTL_FP_MODE10_MEDIUM_TYPE : VTL_FP_MODE6_MEDIUM_TYPE).byte};
    }
    if (rc != T10_OK) {
        bad.cd = false;
        if (rc == T10_ESHORT)
            return vtl_tc_fail(t, KEY_ILLEGAL, ASC_PARAM_LIST_LENGTH, NULL);
        return vtl_tc_fail(t, KEY_ILLEGAL, T10_ASC(0x26, 0x00), &bad);
    }
    /* All pages valid: apply together. */
    t->lib->d_sense = sc.new_d_sense;
    if (c->sp && t->lib->d_sense_saved != sc.new_d_sense) {
        t->lib->d_sense_saved = sc.new_d_sense;
        vtl_library_changed(t->lib);
    }
    if (sc.changed)
        vtl_ua_raise_all(t->lib, UA_MODE_CHANGED, t->nx);
    return vtl_tc_good(t, 0);
}

/* ---- LOG SENSE ---- */

struct ptr_copy {
    uint8_t *out;
    size_t cap, pos;
    uint16_t min_code;
};

/* Re-emits each parameter at or above the PARAMETER POINTER; bytes past @cap are
 * counted, not written, so the page length stays that of the whole answer. */
static enum t10_rc copy_from_ptr(const struct t10_log_param *p, void *arg)
{
    struct ptr_copy *pc = arg;
    if (p->code < pc->min_code)
        return T10_OK;
    size_t room = pc->pos < pc->cap ? pc->cap - pc->pos : 0;
    pc->pos += t10_log_param_build(room ? pc->out + pc->pos : NULL, room, p);
    return T10_OK;
}

enum vtl_exec vtl_spc_log_sense(struct vtl_tctx *t)
{
    const struct t10_cdb_log_sense *c = &t->cdb.u.log_sense;
    if (c->sp)
        return bad_fp(t, VTL_FP_LOG_SP);
    if (c->subpage != 0)
        return bad_fp(t, VTL_FP_LOG_PAGE);
    size_t room = vtl_tc_room(t, c->alloc_len);
    uint8_t *out = t->cmd->data_in;
    switch (c->page) {
    case T10_LP_SUPPORTED: {
        static const uint8_t pages[] = {T10_LP_SUPPORTED, T10_LP_TAPEALERT};
        static const uint8_t unsorted[] = {T10_LP_TAPEALERT, T10_LP_SUPPORTED};
        if (c->param_ptr)
            return bad_fp(t, VTL_FP_LOG_PARAM_PTR);
        size_t n = t10_log_supported_build(out, room, pages, 2);
        if (vtl_mut(t->lib, VTL_MUT_LOG00_UNSORTED) && room >= 6) {
            out[4] = unsorted[0]; /* the page list (bytes 4..) out of order */
            out[5] = unsorted[1];
        }
        return good_clipped(t, n, room);
    }
    case T10_LP_TAPEALERT: {
        /* PARAMETER POINTER: only parameters with codes at or above it (SPC-4 6.6). */
        if (c->param_ptr > 64)
            return bad_fp(t, VTL_FP_LOG_PARAM_PTR);
        uint8_t full[512];
        size_t n = t10_log_tapealert_build(full, sizeof full, t->lib->tapealert);
        if (n > sizeof full)
            return vtl_tc_fail(t, 0x4, T10_ASC(0x44, 0x00), NULL);
        struct ptr_copy pc = {.out = t->cmd->data_in, .cap = room, .min_code = c->param_ptr};
        struct t10_log_hdr h = {.page = T10_LP_TAPEALERT};
        pc.pos = t10_log_hdr_build(pc.out, pc.cap, &h);
        bool trunc;
        (void)t10_log_walk(full, n, NULL, copy_from_ptr, &pc, &trunc);
        t10_log_set_page_len(pc.out, pc.cap, pc.pos);
        /* TapeAlert flags clear once read (TapeAlert specification, read-to-clear). */
        t->lib->tapealert = 0;
        return good_clipped(t, pc.pos, room);
    }
    default:
        if (vtl_mut(t->lib, VTL_MUT_LOG_PAGE_AS_00)) {
            static const uint8_t pages[] = {T10_LP_SUPPORTED, T10_LP_TAPEALERT};
            return good_clipped(t, t10_log_supported_build(out, room, pages, 2), room);
        }
        return bad_fp(t, VTL_FP_LOG_PAGE);
    }
}

/* ---- REPORT LUNS ---- */

enum vtl_exec vtl_spc_report_luns(struct vtl_tctx *t)
{
    const struct t10_cdb_report_luns *c = &t->cdb.u.report_luns;
    uint16_t luns[VTL_MAX_LUNS];
    size_t n = 0;
    switch (c->select_report) {
    case 0x00:
    case 0x02:
        luns[n++] = 0;
        for (unsigned l = 1; l < VTL_MAX_LUNS; l++)
            if (t->lib->lun_exec[l])
                luns[n++] = (uint16_t)l;
        break;
    case 0x01:
        break; /* well-known LUNs only: we have none */
    default:
        return bad_fp(t, VTL_FP_REPORT_LUNS_SEL);
    }
    size_t room = vtl_tc_room(t, c->alloc_len);
    size_t full = t10_report_luns_build(t->cmd->data_in, room, luns, n);
    if (vtl_mut(t->lib, VTL_MUT_LUNS_LEN_COUNT) && room >= 4)
        t10_put_be32(t->cmd->data_in, (uint32_t)n);
    if (vtl_mut(t->lib, VTL_MUT_LUNS_LEN_TRUNC) && full > room && room >= 8)
        t10_put_be32(t->cmd->data_in, (uint32_t)(room - 8) & ~7u);
    return good_clipped(t, full, room);
}

/* ---- REPORT SUPPORTED OPERATION CODES ---- */

static struct t10_rsoc_timeouts row_timeouts(const struct vtl_op_row *r)
{
    /* recommended: nominal plus a generous margin, never below a minute, so hosts that
     * use these as command timeouts (LTFS) do not give up on a slow robot */
    uint32_t rec = r->timeout_s * 4;
    if (rec < 60)
        rec = 60;
    return (struct t10_rsoc_timeouts){.nominal_s = r->timeout_s, .recommended_s = rec};
}

enum vtl_exec vtl_spc_rsoc(struct vtl_tctx *t)
{
    const struct t10_cdb_rsoc *c = &t->cdb.u.rsoc;
    struct vtl_op_row rows[VTL_CHANGER_MAX_OPS];
    size_t n = vtl_changer_ops(t->lib, rows);
    size_t room = vtl_tc_room(t, c->alloc_len);
    uint8_t *out = t->cmd->data_in;
    if (c->options == T10_RSOC_ALL) {
        struct t10_rsoc_desc d[VTL_CHANGER_MAX_OPS];
        bool rctd = c->rctd && !vtl_mut(t->lib, VTL_MUT_RSOC_RCTD_IGNORED);
        size_t nd = 0;
        for (size_t i = 0; i < n; i++) {
            if ((rows[i].op == 0xA5 && vtl_mut(t->lib, VTL_MUT_RSOC_NO_MOVE)) ||
                (rows[i].op == 0x4D && vtl_mut(t->lib, VTL_MUT_RSOC_NO_LOG_SENSE)))
                continue;
            d[nd++] = (struct t10_rsoc_desc){
                .op = rows[i].op,
                .sa = rows[i].sa < 0 ? 0 : (uint16_t)rows[i].sa,
                .servactv = rows[i].sa >= 0,
                .ctdp = rctd,
                .cdb_len = (uint16_t)t10_cdb_usage(rows[i].kind, NULL, 0),
                .to = row_timeouts(&rows[i]),
            };
        }
        return good_clipped(t, t10_rsoc_all_build(out, room, d, nd, rctd), room);
    }
    /* one-command forms */
    const struct vtl_op_row *match = NULL;
    bool op_has_sa = false, op_known = false;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].op != c->req_op)
            continue;
        op_known = true;
        op_has_sa |= rows[i].sa >= 0;
        bool hit = c->options == T10_RSOC_ONE      ? rows[i].sa < 0
                   : c->options == T10_RSOC_ONE_SA ? rows[i].sa == (int)c->req_sa
                                                   : rows[i].sa < 0 || rows[i].sa == (int)c->req_sa;
        if (hit && !match)
            match = &rows[i];
    }
    switch (c->options) {
    case T10_RSOC_ONE:
        /* SPC-4 6.35.1: options 001b on a command that has service actions is an error */
        if (op_has_sa)
            return bad_fp(t, VTL_FP_RSOC_REQ_OP);
        break;
    case T10_RSOC_ONE_SA:
        if (op_known && !op_has_sa)
            return bad_fp(t, VTL_FP_RSOC_REQ_OP);
        break;
    case T10_RSOC_ONE_EITHER:
        break;
    default:
        return bad_fp(t, VTL_FP_RSOC_OPTIONS);
    }
    uint8_t usage[T10_CDB_MAX];
    struct t10_rsoc_one one = {
        .support = vtl_mut(t->lib, VTL_MUT_RSOC_ONE_UNSUP) ? 0 : T10_RSOC_UNSUPPORTED};
    if (match) {
        size_t ul = t10_cdb_usage(match->kind, usage, sizeof usage);
        one.support = T10_RSOC_SUPPORTED;
        one.cdb_size = (uint16_t)ul;
        one.usage = usage;
        /* service-action commands: the usage map's SA byte must name the one asked */
        if (match->sa >= 0 && ul > 1)
            usage[1] = (uint8_t)match->sa;
        if (vtl_mut(t->lib, VTL_MUT_RSOC_ONE_USAGE) && ul)
            usage[0] = 0;
        one.ctdp = c->rctd;
        one.to = row_timeouts(match);
    }
    return good_clipped(t, t10_rsoc_one_build(out, room, &one), room);
}

/* ---- RESERVE / RELEASE (6/10), SPC-2 ---- */

enum vtl_exec vtl_spc_reserve(struct vtl_tctx *t)
{
    const struct t10_cdb_reserve *c = &t->cdb.u.reserve;
    if (c->element)
        return bad_fp(t, VTL_FP_RESERVE_ELEMENT); /* element reservations: not offered */
    if (c->third_party)
        return bad_fp(t, VTL_FP_RESERVE_3RDPTY);
    /* SPC-3 5.6.1: RESERVE while a persistent reservation or registration exists */
    if (t->lib->pr_holder)
        return vtl_tc_conflict(t);
    for (size_t i = 0; i < t->lib->n_nexus; i++)
        if (t->lib->nexus[i].used && t->lib->nexus[i].registered)
            return vtl_tc_conflict(t);
    if (t->lib->legacy_resv && t->lib->legacy_resv != t->nx->id + 1)
        return vtl_tc_conflict(t);
    t->lib->legacy_resv = t->nx->id + 1;
    return vtl_tc_good(t, 0);
}

enum vtl_exec vtl_spc_release(struct vtl_tctx *t)
{
    const struct t10_cdb_reserve *c = &t->cdb.u.reserve;
    if (c->element)
        return bad_fp(t, VTL_FP_RESERVE_ELEMENT);
    if (c->third_party)
        return bad_fp(t, VTL_FP_RESERVE_3RDPTY);
    /* Releasing someone else's reservation (or none) is GOOD and changes nothing. */
    if (t->lib->legacy_resv == t->nx->id + 1 || vtl_mut(t->lib, VTL_MUT_RELEASE_ANY))
        t->lib->legacy_resv = 0;
    return vtl_tc_good(t, 0);
}

/* ---- PREVENT ALLOW MEDIUM REMOVAL ---- */

enum vtl_exec vtl_spc_prevent_allow(struct vtl_tctx *t)
{
    /* SMC-3: PREVENT locks the import/export elements (and the door) for the whole
     * library while any I_T nexus prevents; each nexus holds its own vote. */
    bool prevent = t->cdb.u.prevent_allow.prevent & 1;
    if (prevent && vtl_mut(t->lib, VTL_MUT_PREVENT_REFUSED))
        return vtl_tc_fail(t, KEY_NOT_READY, ASC_MANUAL_INTERVENTION, NULL);
    bool before = vtl_library_prevented(t->lib);
    t->nx->prevent = prevent;
    if (!prevent)
        t->lib->prevent_restored = false;
    if (vtl_library_prevented(t->lib) != before)
        vtl_library_changed(t->lib);
    return vtl_tc_good(t, 0);
}

enum vtl_exec vtl_spc_send_diagnostic(struct vtl_tctx *t)
{
    const struct t10_cdb_send_diag *c = &t->cdb.u.send_diag;
    /* The default self-test (SELFTEST=1) passes at once: there is no hardware to test.
     * Background/foreground self-test codes and diagnostic pages are not offered. */
    if (c->self_test_code != 0)
        return bad_fp(t, VTL_FP_SENDDIAG_CODE);
    if (!c->self_test && c->param_len)
        return bad_fp(t, VTL_FP_SENDDIAG_PARAMLEN);
    return vtl_tc_good(t, 0);
}
