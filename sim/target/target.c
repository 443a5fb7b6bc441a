/* SPDX-License-Identifier: MIT
 * sim/target/target.c - command entry for every LUN of a library: nexus table, the
 * changer's dispatch table, and the checks every command passes in order (SAM-5 5.x /
 * SPC-4 5.14 precedence as real targets apply it):
 *   1. LUN exists (else 25/00; INQUIRY answers peripheral qualifier 011b)
 *   2. unit attention pending for this nexus (except INQUIRY, REPORT LUNS, REQUEST SENSE)
 *   3. injected next-command fault (sim/core/fault.h)
 *   4. opcode known (else 20/00)
 *   5. CDB decodes (else 24/00 with the decoder's field pointer)
 *   6. reservation conflict (RESERVE(6/10) or persistent reservation of another nexus)
 *   7. unit ready (inventory running 04/01, main door open 04/03)
 *   8. the command's handler
 */
#include "sim/target/tgt.h"

#include <stdlib.h>
#include <string.h>

#include "scsi/tables.h"
#include "scsi/vpd.h"

#define ASC_NO_ADDITIONAL       T10_ASC(0x00, 0x00)
#define ASC_BECOMING_READY      T10_ASC(0x04, 0x01)
#define ASC_MANUAL_INTERVENTION T10_ASC(0x04, 0x03)
#define ASC_INVALID_OPCODE      T10_ASC(0x20, 0x00)
#define ASC_INVALID_ELEMENT     T10_ASC(0x21, 0x01)
#define ASC_INVALID_FIELD_CDB   T10_ASC(0x24, 0x00)
#define ASC_LUN_NOT_SUPPORTED   T10_ASC(0x25, 0x00)
#define ASC_INVALID_FIELD_PARAM T10_ASC(0x26, 0x00)
#define ASC_INCOMPATIBLE        T10_ASC(0x30, 0x00)
#define ASC_DST_FULL            T10_ASC(0x3B, 0x0D)
#define ASC_SRC_EMPTY           T10_ASC(0x3B, 0x0E)
#define ASC_INTERNAL_FAILURE    T10_ASC(0x44, 0x00)
#define ASC_REMOVAL_PREVENTED   T10_ASC(0x53, 0x02)
#define UA_POWER_ON             T10_ASC(0x29, 0x00)

#define KEY_NO_SENSE       0x0
#define KEY_NOT_READY      0x2
#define KEY_HARDWARE       0x4
#define KEY_ILLEGAL        0x5
#define KEY_UNIT_ATTENTION 0x6

/* ---- the changer's command table ---------------------------------------------------- */

size_t vtl_changer_ops(const struct vtl_library *lib, struct vtl_op_row *rows)
{
    uint32_t move_s = (uint32_t)((lib->cfg->delays.move_us + 999999) / 1000000);
    uint32_t exch_s = (uint32_t)((lib->cfg->delays.exchange_us + 999999) / 1000000);
    uint32_t pos_s = (uint32_t)((lib->cfg->delays.position_us + 999999) / 1000000);
    uint64_t init_us = lib->cfg->delays.init_us + lib->cfg->delays.init_elem_us * lib->n_elems;
    uint32_t init_s = (uint32_t)((init_us + 999999) / 1000000);
    const struct vtl_op_row table[] = {
        {0x00, -1, T10_CDB_TEST_UNIT_READY, vtl_spc_tur, VTL_CF_READ, false, true, 1},
        {0x03, -1, T10_CDB_REQUEST_SENSE, vtl_spc_request_sense, VTL_CF_EXEMPT, true, false, 1},
        {0x07, -1, T10_CDB_INIT_ELEMENT_STATUS, vtl_smc_init, VTL_CF_WRITE, false, true, init_s},
        {0x12, -1, T10_CDB_INQUIRY, vtl_spc_inquiry, VTL_CF_EXEMPT, true, false, 1},
        {0x15, -1, T10_CDB_MODE_SELECT6, vtl_spc_mode_select, VTL_CF_WRITE, false, false, 1},
        {0x16, -1, T10_CDB_RESERVE6, vtl_spc_reserve, VTL_CF_WRITE, false, false, 1},
        {0x17, -1, T10_CDB_RELEASE6, vtl_spc_release, VTL_CF_EXEMPT, false, false, 1},
        {0x1A, -1, T10_CDB_MODE_SENSE6, vtl_spc_mode_sense, VTL_CF_READ, false, false, 1},
        {0x1B, -1, T10_CDB_OPEN_CLOSE_IE, vtl_smc_open_close, VTL_CF_WRITE, false, true, 10},
        {0x1D, -1, T10_CDB_SEND_DIAGNOSTIC, vtl_spc_send_diagnostic, VTL_CF_WRITE, false, false,
         60},
        {0x1E, -1, T10_CDB_PREVENT_ALLOW, vtl_spc_prevent_allow, VTL_CF_WRITE, false, false, 1},
        {0x2B, -1, T10_CDB_POSITION_TO_ELEMENT, vtl_smc_position, VTL_CF_WRITE, false, true, pos_s},
        {0x4D, -1, T10_CDB_LOG_SENSE, vtl_spc_log_sense, VTL_CF_EXEMPT, false, false, 1},
        {0x55, -1, T10_CDB_MODE_SELECT10, vtl_spc_mode_select, VTL_CF_WRITE, false, false, 1},
        {0x56, -1, T10_CDB_RESERVE10, vtl_spc_reserve, VTL_CF_WRITE, false, false, 1},
        {0x57, -1, T10_CDB_RELEASE10, vtl_spc_release, VTL_CF_EXEMPT, false, false, 1},
        {0x5A, -1, T10_CDB_MODE_SENSE10, vtl_spc_mode_sense, VTL_CF_READ, false, false, 1},
        {0x5E, 0, T10_CDB_PR_IN, vtl_pr_in, VTL_CF_EXEMPT, false, false, 1},
        {0x5E, 1, T10_CDB_PR_IN, vtl_pr_in, VTL_CF_EXEMPT, false, false, 1},
        {0x5E, 2, T10_CDB_PR_IN, vtl_pr_in, VTL_CF_EXEMPT, false, false, 1},
        {0x5F, 0, T10_CDB_PR_OUT, vtl_pr_out, VTL_CF_EXEMPT, false, false, 1},
        {0x5F, 1, T10_CDB_PR_OUT, vtl_pr_out, VTL_CF_EXEMPT, false, false, 1},
        {0x5F, 2, T10_CDB_PR_OUT, vtl_pr_out, VTL_CF_EXEMPT, false, false, 1},
        {0x5F, 3, T10_CDB_PR_OUT, vtl_pr_out, VTL_CF_EXEMPT, false, false, 1},
        {0x5F, 4, T10_CDB_PR_OUT, vtl_pr_out, VTL_CF_EXEMPT, false, false, 1},
        {0x5F, 6, T10_CDB_PR_OUT, vtl_pr_out, VTL_CF_EXEMPT, false, false, 1},
        {0xA0, -1, T10_CDB_REPORT_LUNS, vtl_spc_report_luns, VTL_CF_EXEMPT, true, false, 1},
        {0xA3, 0x0C, T10_CDB_RSOC, vtl_spc_rsoc, VTL_CF_EXEMPT, false, false, 1},
        {0xA5, -1, T10_CDB_MOVE_MEDIUM, vtl_smc_move, VTL_CF_WRITE, false, true, move_s},
        {0xA6, -1, T10_CDB_EXCHANGE_MEDIUM, vtl_smc_exchange, VTL_CF_WRITE, false, true, exch_s},
        {0xB5, -1, T10_CDB_REQUEST_VOLUME_ELEMENT_ADDRESS, vtl_smc_rvea, VTL_CF_READ, false, true,
         1},
        {0xB6, -1, T10_CDB_SEND_VOLUME_TAG, vtl_smc_send_voltag, VTL_CF_READ, false, true, 1},
        {0xB8, -1, T10_CDB_READ_ELEMENT_STATUS, vtl_smc_res, VTL_CF_READ, false, false, 1},
        /* 37h (SMC-3) or E7h (IBM, Quantum): one of them, per personality */
        {lib->cfg->pers.init_range_opcode, -1,
         lib->cfg->pers.init_range_opcode == 0xE7 ? T10_CDB_INIT_ELEMENT_STATUS_RANGE_VS
                                                  : T10_CDB_INIT_ELEMENT_STATUS_RANGE,
         vtl_smc_init_range, VTL_CF_WRITE, false, true, init_s},
    };
    size_t n = sizeof table / sizeof table[0];
    memcpy(rows, table, sizeof table);
    rows[n] = (struct vtl_op_row){0};
    return n;
}

static const struct vtl_op_row *find_op(const struct vtl_op_row *rows, size_t n, uint8_t op)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].op == op)
            return &rows[i];
    return NULL;
}

/* ---- completion helpers --------------------------------------------------------------- */

void vtl_cmd_check(const struct vtl_library *lib, struct vtl_cmd *cmd, uint8_t key,
                   uint16_t asc_ascq, const struct t10_field_ptr *field)
{
    struct t10_sense s;
    bool d_sense = lib->d_sense || vtl_mut(lib, VTL_MUT_SENSE_DESC_ALWAYS);
    if (vtl_mut(lib, VTL_MUT_SENSE_NO_SKSV))
        field = NULL;
    if (field && key == KEY_ILLEGAL)
        t10_sense_init_field(&s, d_sense, asc_ascq, field);
    else
        t10_sense_init(&s, d_sense, key, asc_ascq);
    cmd->status = VTL_STATUS_CHECK_CONDITION;
    cmd->data_in_len = 0;
    size_t n = t10_sense_build(cmd->sense, sizeof cmd->sense, &s);
    cmd->sense_len = n > sizeof cmd->sense ? sizeof cmd->sense : n;
}

enum vtl_exec vtl_tc_good(struct vtl_tctx *t, size_t data_len)
{
    t->cmd->status = VTL_STATUS_GOOD;
    t->cmd->sense_len = 0;
    t->cmd->data_in_len = data_len;
    return VTL_EXEC_DONE;
}

enum vtl_exec vtl_tc_fail(struct vtl_tctx *t, uint8_t key, uint16_t asc_ascq,
                          const struct t10_field_ptr *field)
{
    vtl_cmd_check(t->lib, t->cmd, key, asc_ascq, field);
    return VTL_EXEC_DONE;
}

enum vtl_exec vtl_tc_bad_cdb(struct vtl_tctx *t, unsigned byte, int bit)
{
    struct t10_field_ptr fp = {
        .byte = (uint16_t)byte, .bit = (uint8_t)(bit < 0 ? 0 : bit), .bpv = bit >= 0, .cd = true};
    return vtl_tc_fail(t, KEY_ILLEGAL, ASC_INVALID_FIELD_CDB, &fp);
}

enum vtl_exec vtl_tc_bad_param(struct vtl_tctx *t, unsigned byte, int bit)
{
    struct t10_field_ptr fp = {
        .byte = (uint16_t)byte, .bit = (uint8_t)(bit < 0 ? 0 : bit), .bpv = bit >= 0, .cd = false};
    return vtl_tc_fail(t, KEY_ILLEGAL, ASC_INVALID_FIELD_PARAM, &fp);
}

enum vtl_exec vtl_tc_conflict(struct vtl_tctx *t)
{
    t->cmd->status = VTL_STATUS_RESERVATION_CONFLICT;
    t->cmd->sense_len = 0;
    t->cmd->data_in_len = 0;
    return VTL_EXEC_DONE;
}

void vtl_rc_sense(const struct vtl_library *lib, enum vtl_rc rc, uint8_t *key, uint16_t *asc_ascq)
{
    switch (rc) {
    case VTL_OK:
        *key = KEY_NO_SENSE;
        *asc_ascq = ASC_NO_ADDITIONAL;
        return;
    case VTL_E_BAD_ADDR:
        *key = KEY_ILLEGAL;
        *asc_ascq = ASC_INVALID_ELEMENT;
        return;
    case VTL_E_SRC_EMPTY:
        *key = KEY_ILLEGAL;
        *asc_ascq = vtl_mut(lib, VTL_MUT_MOVE_EMPTY_SRC_ASC) ? T10_ASC(0x3A, 0x00) : ASC_SRC_EMPTY;
        return;
    case VTL_E_DST_FULL:
        *key = KEY_ILLEGAL;
        *asc_ascq = vtl_mut(lib, VTL_MUT_MOVE_FULL_DST_ASC) ? ASC_SRC_EMPTY : ASC_DST_FULL;
        return;
    case VTL_E_PREVENTED:
        *key = KEY_ILLEGAL;
        *asc_ascq = ASC_REMOVAL_PREVENTED;
        return;
    case VTL_E_INCOMPATIBLE:
        *key = KEY_ILLEGAL;
        *asc_ascq = ASC_INCOMPATIBLE;
        return;
    case VTL_E_NOT_ACCESSIBLE:
        *key = KEY_NOT_READY;
        *asc_ascq = ASC_MANUAL_INTERVENTION;
        return;
    case VTL_E_BUSY:
        *key = KEY_NOT_READY;
        *asc_ascq = ASC_BECOMING_READY;
        return;
    case VTL_E_JAMMED:
        *key = KEY_HARDWARE;
        *asc_ascq = lib->jam_asc ? lib->jam_asc : T10_ASC(0x15, 0x01);
        return;
    case VTL_E_ABORTED:
        *key = KEY_UNIT_ATTENTION;
        *asc_ascq = UA_POWER_ON;
        return;
    default:
        *key = KEY_HARDWARE;
        *asc_ascq = ASC_INTERNAL_FAILURE;
        return;
    }
}

enum vtl_exec vtl_tc_rc(struct vtl_tctx *t, enum vtl_rc rc)
{
    if (rc == VTL_OK)
        return vtl_tc_good(t, 0);
    uint8_t key;
    uint16_t asc;
    vtl_rc_sense(t->lib, rc, &key, &asc);
    return vtl_tc_fail(t, key, asc, NULL);
}

size_t vtl_tc_room(const struct vtl_tctx *t, uint32_t alloc_len)
{
    size_t cap = t->cmd->data_in ? t->cmd->data_in_cap : 0;
    return alloc_len < cap ? alloc_len : cap;
}

size_t vtl_tc_param_len(const struct vtl_tctx *t, uint32_t param_len)
{
    size_t have = t->cmd->data_out ? t->cmd->data_out_len : 0;
    return param_len < have ? param_len : have;
}

/* ---- nexuses ----------------------------------------------------------------------------- */

static struct vtl_nexus *nexus_add(struct vtl_library *lib, uint64_t id)
{
    struct vtl_nexus *slot = NULL;
    for (size_t i = 0; i < lib->n_nexus && !slot; i++)
        if (!lib->nexus[i].used)
            slot = &lib->nexus[i];
    if (!slot) {
        if (lib->n_nexus == lib->cap_nexus) {
            size_t ncap = lib->cap_nexus ? lib->cap_nexus * 2 : 8;
            struct vtl_nexus *nn = realloc(lib->nexus, ncap * sizeof *nn);
            if (!nn)
                return NULL;
            lib->nexus = nn;
            lib->cap_nexus = ncap;
        }
        slot = &lib->nexus[lib->n_nexus++];
    }
    memset(slot, 0, sizeof *slot);
    slot->used = true;
    slot->id = id;
    /* A new I_T nexus has not seen this LU's state: it starts with a power-on UA. */
    if (!vtl_mut(lib, VTL_MUT_UA_NONE_AT_LOGIN))
        vtl_ua_raise(slot, UA_POWER_ON);
    return slot;
}

uint64_t vtl_nexus_open(struct vtl_library *lib)
{
    /* Ids from vtl_nexus_open() live above 2^32 so they never clash with fixed ids a
     * simple front end picks for itself. */
    uint64_t id = (UINT64_C(1) << 32) + lib->next_nexus_id++;
    return nexus_add(lib, id) ? id : 0;
}

void vtl_nexus_close(struct vtl_library *lib, uint64_t nexus_id)
{
    struct vtl_nexus *nx = vtl_nexus_find(lib, nexus_id);
    if (!nx)
        return;
    vtl_pr_nexus_gone(lib, nx);
    if (lib->legacy_resv == nexus_id + 1)
        lib->legacy_resv = 0;
    bool was_prevented = vtl_library_prevented(lib);
    memset(nx, 0, sizeof *nx);
    if (was_prevented != vtl_library_prevented(lib))
        vtl_library_changed(lib);
}

enum vtl_rc vtl_lun_attach(struct vtl_library *lib, unsigned lun, vtl_lun_fn *fn, void *priv)
{
    if (lun == 0 || lun >= VTL_MAX_LUNS)
        return VTL_E_INVAL;
    lib->lun_exec[lun] = fn;
    lib->lun_priv[lun] = priv;
    return VTL_OK;
}

/* ---- execution ------------------------------------------------------------------------------ */

static void cmd_reset_out(struct vtl_cmd *cmd)
{
    cmd->status = VTL_STATUS_GOOD;
    cmd->data_in_len = 0;
    cmd->sense_len = 0;
}

/* A LUN nobody serves (SPC-4 6.4.2: INQUIRY gets peripheral qualifier 011b and type 1Fh;
 * REQUEST SENSE returns 25/00 as its data; everything else CHECK CONDITION 25/00). */
static enum vtl_exec absent_lun(struct vtl_library *lib, struct vtl_cmd *cmd)
{
    struct vtl_tctx t = {.lib = lib, .cmd = cmd};
    uint8_t op = cmd->cdb_len ? cmd->cdb[0] : 0xFF;
    if (op == 0x12 &&
        t10_cdb_decode(cmd->cdb, cmd->cdb_len, T10_PDT_CHANGER, &t.cdb, NULL) == T10_OK &&
        !t.cdb.u.inquiry.evpd) {
        struct t10_inquiry inq = {
            .qualifier = 3, .pdt = T10_PDT_NONE, .version = T10_VERSION_SPC4, .resp_format = 2};
        size_t room = vtl_tc_room(&t, t.cdb.u.inquiry.alloc_len);
        size_t n = t10_inquiry_build(cmd->data_in, room, &inq);
        return vtl_tc_good(&t, n < room ? n : room);
    }
    if (op == 0x03 &&
        t10_cdb_decode(cmd->cdb, cmd->cdb_len, T10_PDT_CHANGER, &t.cdb, NULL) == T10_OK) {
        struct t10_sense s;
        t10_sense_init(&s, t.cdb.u.request_sense.desc, KEY_ILLEGAL, ASC_LUN_NOT_SUPPORTED);
        size_t room = vtl_tc_room(&t, t.cdb.u.request_sense.alloc_len);
        size_t n = t10_sense_build(cmd->data_in, room, &s);
        return vtl_tc_good(&t, n < room ? n : room);
    }
    return vtl_tc_fail(&t, KEY_ILLEGAL, ASC_LUN_NOT_SUPPORTED, NULL);
}

/* PREVENT ALLOW with PREVENT 0 (allow) never conflicts (SPC-2 5.5.1, SPC-4 table 43). */
static bool is_allow(const struct vtl_tctx *t)
{
    return t->cdb.kind == T10_CDB_PREVENT_ALLOW && (t->cdb.u.prevent_allow.prevent & 1) == 0;
}

static bool legacy_conflict(const struct vtl_library *lib, const struct vtl_nexus *nx,
                            const struct vtl_op_row *row, const struct vtl_tctx *t)
{
    if (!lib->legacy_resv || lib->legacy_resv == nx->id + 1 ||
        vtl_mut(lib, VTL_MUT_RESERVE_IGNORED))
        return false;
    if (row->op == 0x12 && vtl_mut(lib, VTL_MUT_RESERVE_BLOCKS_INQUIRY))
        return true;
    if (row->conflict == VTL_CF_EXEMPT && row->op != 0x5E && row->op != 0x5F)
        return false;
    return !is_allow(t);
}

enum vtl_exec vtl_lun_execute(struct vtl_library *lib, unsigned lun, struct vtl_cmd *cmd)
{
    cmd_reset_out(cmd);
    cmd->vtl_priv = NULL;
    if (cmd->cdb_len > VTL_CDB_MAX)
        cmd->cdb_len = 0; /* never read past cdb[]: answered below as an invalid opcode */
    if (lun != 0) {
        if (lun < VTL_MAX_LUNS && lib->lun_exec[lun])
            return lib->lun_exec[lun](lib->lun_priv[lun], cmd);
        return absent_lun(lib, cmd);
    }

    struct vtl_tctx t = {.lib = lib, .cmd = cmd};
    t.nx = vtl_nexus_find(lib, cmd->nexus_id);
    if (!t.nx && !(t.nx = nexus_add(lib, cmd->nexus_id)))
        return vtl_tc_fail(&t, KEY_HARDWARE, ASC_INTERNAL_FAILURE, NULL);

    struct vtl_op_row rows[VTL_CHANGER_MAX_OPS];
    size_t n_rows = vtl_changer_ops(lib, rows);
    if (cmd->cdb_len == 0 || cmd->cdb_len > VTL_CDB_MAX) {
        struct t10_field_ptr fp = {.byte = 0, .cd = true};
        return vtl_tc_fail(&t, KEY_ILLEGAL, ASC_INVALID_OPCODE, &fp);
    }
    const struct vtl_op_row *row = find_op(rows, n_rows, cmd->cdb[0]);

    /* 2. unit attention */
    if (!(row && row->ua_exempt) || (row->op == 0xA0 && vtl_mut(lib, VTL_MUT_UA_BLOCKS_LUNS))) {
        uint16_t ua = vtl_ua_take(t.nx);
        if (ua)
            return vtl_tc_fail(&t, KEY_UNIT_ATTENTION, ua, NULL);
    } else if (row->op == 0x12 && vtl_mut(lib, VTL_MUT_UA_CLEARED_BY_INQUIRY)) {
        (void)vtl_ua_take(t.nx); /* the bug: dropped unseen */
    }
    /* 3. injected fault */
    for (unsigned i = 0; i < lib->n_cmd_faults; i++) {
        struct vtl_cmd_fault *f = &lib->cmd_faults[i];
        if (f->opcode != VTL_FAULT_ANY_OPCODE && f->opcode != cmd->cdb[0])
            continue;
        uint8_t key = f->key;
        uint16_t asc = f->asc_ascq;
        if (--f->count == 0) {
            memmove(f, f + 1, (lib->n_cmd_faults - i - 1) * sizeof *f);
            lib->n_cmd_faults--;
        }
        return vtl_tc_fail(&t, key, asc, NULL);
    }
    /* 4. opcode */
    if (!row) {
        struct t10_field_ptr fp = {.byte = 0, .bit = 7, .bpv = false, .cd = true};
        return vtl_tc_fail(&t, KEY_ILLEGAL,
                           vtl_mut(lib, VTL_MUT_ERR_OPCODE_24) ? ASC_INVALID_FIELD_CDB
                                                               : ASC_INVALID_OPCODE,
                           &fp);
    }
    if (row->op == 0x1E && cmd->cdb_len >= 6 && (cmd->cdb[4] & 3) == 2 &&
        vtl_mut(lib, VTL_MUT_PREVENT_RESERVED_OK))
        return vtl_tc_good(&t, 0);
    /* 5. decode (before the reservation check, which needs decoded fields) */
    struct t10_field_ptr bad = {0};
    enum t10_rc drc = t10_cdb_decode_as(cmd->cdb, cmd->cdb_len, row->kind, &t.cdb, &bad);
    if (drc != T10_OK) {
        uint16_t asc = t10_cdb_error_asc(drc);
        if (drc == T10_EOPCODE && row->sa >= 0) {
            /* opcode known, service action not (SPC-4: field pointer on the SA field) */
            asc = ASC_INVALID_FIELD_CDB;
            bad = (struct t10_field_ptr){.byte = VTL_FP_SERVICE_ACTION.byte,
                                         .bit = (uint8_t)VTL_FP_SERVICE_ACTION.bit,
                                         .bpv = true};
        }
        bad.cd = true;
        /* the decoder refuses reserved element type codes itself (READ ELEMENT STATUS) */
        if (row->op == 0xB8 && bad.byte == 1 && vtl_mut(lib, VTL_MUT_RES_BADTYPE_PTR))
            bad.byte = 2;
        if (row->sa >= 0 && bad.byte == VTL_FP_SERVICE_ACTION.byte && vtl_mut(lib, VTL_MUT_SA_PTR))
            bad.byte = 2;
        if (vtl_mut(lib, VTL_MUT_NACA_PTR) && bad.byte == cmd->cdb_len - 1)
            bad = (struct t10_field_ptr){.byte = 0, .cd = true};
        if (vtl_mut(lib, VTL_MUT_ERR_RESERVED_26) && (asc == 0 || asc == ASC_INVALID_FIELD_CDB))
            asc = ASC_INVALID_FIELD_PARAM;
        return vtl_tc_fail(&t, KEY_ILLEGAL, asc ? asc : ASC_INVALID_FIELD_CDB, &bad);
    }
    /* 6. reservations */
    if (legacy_conflict(lib, t.nx, row, &t))
        return vtl_tc_conflict(&t);
    if (row->conflict != VTL_CF_EXEMPT && !is_allow(&t) &&
        vtl_pr_conflicts(lib, t.nx, row->conflict))
        return vtl_tc_conflict(&t);
    /* service action must be one of ours */
    if (row->sa >= 0) {
        int sa = cmd->cdb[0] == 0x5E   ? t.cdb.u.pr_in.sa
                 : cmd->cdb[0] == 0x5F ? t.cdb.u.pr_out.sa
                                       : 0x0C;
        bool ok = false;
        for (size_t i = 0; i < n_rows; i++)
            if (rows[i].op == row->op && rows[i].sa == sa)
                ok = true;
        if (!ok)
            return vtl_tc_bad_cdb(&t, vtl_mut(lib, VTL_MUT_SA_PTR) ? 2 : VTL_FP_SERVICE_ACTION.byte,
                                  VTL_FP_SERVICE_ACTION.bit);
    }
    /* 7. readiness */
    if (row->needs_ready) {
        if (lib->inventory)
            return vtl_tc_fail(&t, KEY_NOT_READY, ASC_BECOMING_READY, NULL);
        if (lib->door_open)
            return vtl_tc_fail(&t, KEY_NOT_READY, ASC_MANUAL_INTERVENTION, NULL);
    }
    return row->fn(&t);
}
