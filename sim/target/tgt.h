/* SPDX-License-Identifier: MIT
 * sim/target/tgt.h - private to sim/target: the per-command context, the dispatch table
 * of the changer LUN, and the handlers spc.c, smc.c and pr.c provide.
 *
 * One table row per command (and service action). The same rows drive dispatch, the
 * reservation-conflict and unit-attention rules, and REPORT SUPPORTED OPERATION CODES,
 * so what is advertised is exactly what is accepted.
 */
#ifndef OPENRSM_SIM_TARGET_TGT_H
#define OPENRSM_SIM_TARGET_TGT_H

#include "scsi/cdb.h"
#include "scsi/sense.h"
#include "sim/core/internal.h"
#include "sim/target/target.h"

/* How a command fares under a reservation held by another nexus (SPC-4 5.13.1 table 43,
 * SPC-2 5.5.1 for RESERVE(6/10)). */
enum vtl_conflict {
    VTL_CF_EXEMPT, /* never conflicts: INQUIRY, REPORT LUNS, REQUEST SENSE, RSOC, PR IN/OUT
                    * (PR OUT checks its own rules), RELEASE */
    VTL_CF_READ,   /* allowed under Write Exclusive types, conflicts under Exclusive Access */
    VTL_CF_WRITE,  /* changes media or settings: conflicts under every type */
};

struct vtl_tctx {
    struct vtl_library *lib;
    struct vtl_nexus *nx;
    struct vtl_cmd *cmd;
    struct t10_cdb cdb;
};

typedef enum vtl_exec vtl_handler_fn(struct vtl_tctx *t);

struct vtl_op_row {
    uint8_t op;
    int16_t sa;             /* -1: no service action */
    enum t10_cdb_kind kind; /* for decode and RSOC usage data */
    vtl_handler_fn *fn;
    enum vtl_conflict conflict;
    bool ua_exempt;     /* INQUIRY, REPORT LUNS, REQUEST SENSE */
    bool needs_ready;   /* NOT READY while inventory runs / door open */
    uint32_t timeout_s; /* nominal, for RSOC timeouts descriptors */
};

/* The changer's rows (terminated by fn == NULL). The INITIALIZE ELEMENT STATUS WITH RANGE
 * row's opcode follows the personality, so the table is per library: vtl_changer_ops()
 * fills @rows (room for VTL_CHANGER_MAX_OPS) and returns the count. */
#define VTL_CHANGER_MAX_OPS 40
size_t vtl_changer_ops(const struct vtl_library *lib, struct vtl_op_row *rows);

/* Completion helpers: set status/sense/data on t->cmd. All return VTL_EXEC_DONE. */
enum vtl_exec vtl_tc_good(struct vtl_tctx *t, size_t data_len);
enum vtl_exec vtl_tc_fail(struct vtl_tctx *t, uint8_t key, uint16_t asc_ascq,
                          const struct t10_field_ptr *field);
/* ILLEGAL REQUEST INVALID FIELD IN CDB with a pointer at @byte (bit @bit, -1 for none). */
enum vtl_exec vtl_tc_bad_cdb(struct vtl_tctx *t, unsigned byte, int bit);
/* ILLEGAL REQUEST INVALID FIELD IN PARAMETER LIST with a pointer (C/D = 0). */
enum vtl_exec vtl_tc_bad_param(struct vtl_tctx *t, unsigned byte, int bit);
enum vtl_exec vtl_tc_rc(struct vtl_tctx *t, enum vtl_rc rc);
enum vtl_exec vtl_tc_conflict(struct vtl_tctx *t);
/* Room for data-in: min(data_in_cap, @alloc_len). */
size_t vtl_tc_room(const struct vtl_tctx *t, uint32_t alloc_len);

/* Bytes of parameter data actually available: min(data_out_len, @param_len). */
size_t vtl_tc_param_len(const struct vtl_tctx *t, uint32_t param_len);

/* Whether @t's nexus holds or is exempted from a persistent reservation conflict for a
 * command of class @cf (pr.c). */
bool vtl_pr_conflicts(const struct vtl_library *lib, const struct vtl_nexus *nx,
                      enum vtl_conflict cf);
/* Drops @nx's registration (nexus loss). */
void vtl_pr_nexus_gone(struct vtl_library *lib, struct vtl_nexus *nx);

/* Handlers. */
vtl_handler_fn vtl_spc_tur, vtl_spc_request_sense, vtl_spc_inquiry, vtl_spc_mode_sense,
    vtl_spc_mode_select, vtl_spc_log_sense, vtl_spc_report_luns, vtl_spc_rsoc, vtl_spc_reserve,
    vtl_spc_release, vtl_spc_prevent_allow, vtl_spc_send_diagnostic, vtl_pr_in, vtl_pr_out,
    vtl_smc_res, vtl_smc_move, vtl_smc_exchange, vtl_smc_init, vtl_smc_init_range, vtl_smc_position,
    vtl_smc_open_close, vtl_smc_send_voltag, vtl_smc_rvea;

/* ---- local codecs: layouts scsi/ does not (yet) provide; see local.c ---- */
#include "sim/target/local.h"

#endif
