/* SPDX-License-Identifier: MIT
 * sim/target/local.h - the few T10 layouts sim/target needs that scsi/ does not provide
 * yet. Each is meant to move into scsi/ (with tests there); until then they live here,
 * in one place, named vtl_local_*, so no other sim file knows a byte offset.
 *
 *  - PERSISTENT RESERVE IN data: READ KEYS, READ RESERVATION, REPORT CAPABILITIES
 *    (SPC-4 6.15.2-6.15.4) and the PERSISTENT RESERVE OUT parameter list (SPC-4 6.16.3).
 *  - SEND VOLUME TAG parameter list (SMC-3 6.x, 40 bytes: template, min sequence).
 *  - REQUEST VOLUME ELEMENT ADDRESS header byte 4 (SEND ACTION CODE), which is where it
 *    differs from the READ ELEMENT STATUS header scsi/elem.h writes.
 *  - Field pointers for CDB fields whose values the decoders accept but this device does
 *    not (INVERT bits, element type codes, page codes, service actions...).
 */
#ifndef OPENRSM_SIM_TARGET_LOCAL_H
#define OPENRSM_SIM_TARGET_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scsi/t10.h"

/* Field positions: byte and most significant bit (bit -1 = whole byte). */
struct vtl_local_fp {
    uint8_t byte;
    int8_t bit;
};
extern const struct vtl_local_fp VTL_FP_SERVICE_ACTION;    /* byte 1 bits 4..0 */
extern const struct vtl_local_fp VTL_FP_INQUIRY_PAGE;      /* byte 2 */
extern const struct vtl_local_fp VTL_FP_MODE_PAGE;         /* byte 2 bits 5..0 */
extern const struct vtl_local_fp VTL_FP_MODE_SUBPAGE;      /* byte 3 */
extern const struct vtl_local_fp VTL_FP_MODE_SELECT_PF;    /* byte 1 bit 4 */
extern const struct vtl_local_fp VTL_FP_LOG_PAGE;          /* byte 2 bits 5..0 */
extern const struct vtl_local_fp VTL_FP_LOG_SP;            /* byte 1 bit 0 */
extern const struct vtl_local_fp VTL_FP_LOG_PARAM_PTR;     /* bytes 5-6 */
extern const struct vtl_local_fp VTL_FP_REPORT_LUNS_SEL;   /* byte 2 */
extern const struct vtl_local_fp VTL_FP_RSOC_OPTIONS;      /* byte 2 bits 2..0 */
extern const struct vtl_local_fp VTL_FP_RSOC_REQ_OP;       /* byte 3 */
extern const struct vtl_local_fp VTL_FP_RSOC_REQ_SA;       /* bytes 4-5 */
extern const struct vtl_local_fp VTL_FP_RESERVE_ELEMENT;   /* byte 1 bit 0 (SMC element) */
extern const struct vtl_local_fp VTL_FP_RESERVE_3RDPTY;    /* byte 1 bit 4 */
extern const struct vtl_local_fp VTL_FP_PR_SCOPE;          /* PR OUT byte 2 bits 7..4 */
extern const struct vtl_local_fp VTL_FP_PR_TYPE;           /* PR OUT byte 2 bits 3..0 */
extern const struct vtl_local_fp VTL_FP_SENDDIAG_CODE;     /* byte 1 bits 7..5 */
extern const struct vtl_local_fp VTL_FP_SENDDIAG_PARAMLEN; /* bytes 3-4 */
extern const struct vtl_local_fp VTL_FP_RES_TYPE;       /* READ ELEMENT STATUS byte 1 bits 3..0 */
extern const struct vtl_local_fp VTL_FP_MOVE_INVERT;    /* MOVE MEDIUM byte 10 bit 0 */
extern const struct vtl_local_fp VTL_FP_EXCH_INV1;      /* EXCHANGE MEDIUM byte 10 bit 1 */
extern const struct vtl_local_fp VTL_FP_EXCH_INV2;      /* EXCHANGE MEDIUM byte 10 bit 0 */
extern const struct vtl_local_fp VTL_FP_POS_INVERT;     /* POSITION TO ELEMENT byte 8 bit 0 */
extern const struct vtl_local_fp VTL_FP_OPEN_CLOSE_ACT; /* OPEN/CLOSE IE byte 4 bits 4..0 */
extern const struct vtl_local_fp VTL_FP_SVT_ACTION;     /* SEND VOLUME TAG byte 5 bits 4..0 */
extern const struct vtl_local_fp VTL_FP_SVT_TYPE;       /* SEND VOLUME TAG byte 1 bits 3..0 */
extern const struct vtl_local_fp VTL_FP_PR_OUT_SAKEY;   /* PR OUT list bytes 8-15 */
extern const struct vtl_local_fp VTL_FP_PR_OUT_FLAGS;   /* PR OUT list byte 20 */
extern const struct vtl_local_fp VTL_FP_SVT_TEMPLATE;   /* SEND VOLUME TAG list byte 0 */
/* MODE SELECT parameter list header fields, (6) and (10) forms */
extern const struct vtl_local_fp VTL_FP_MODE6_MEDIUM_TYPE, VTL_FP_MODE10_MEDIUM_TYPE;
extern const struct vtl_local_fp VTL_FP_MODE6_BD_LEN,
    VTL_FP_MODE10_BD_LEN; /* SEND VOLUME TAG list byte 0 */

/* PERSISTENT RESERVE OUT basic parameter list (24 bytes). */
#define VTL_LOCAL_PROUT_LEN 24
struct vtl_local_prout {
    uint64_t key, sa_key;
    bool spec_i_pt, all_tg_pt, aptpl;
};
/* T10_ESHORT if @len < 24. */
enum t10_rc vtl_local_prout_decode(const uint8_t *buf, size_t len, struct vtl_local_prout *out);

/* PR IN READ KEYS: generation + @n keys. Returns 8 + 8n, writes at most @cap. */
size_t vtl_local_prin_keys_build(uint8_t *out, size_t cap, uint32_t generation,
                                 const uint64_t *keys, size_t n);
/* PR IN READ RESERVATION: with @held, one 16-byte descriptor (key, scope 0, @type). */
size_t vtl_local_prin_resv_build(uint8_t *out, size_t cap, uint32_t generation, bool held,
                                 uint64_t key, uint8_t type);
/* PR IN REPORT CAPABILITIES: 8 bytes; @type_mask bit n set = type n supported. */
size_t vtl_local_prin_caps_build(uint8_t *out, size_t cap, uint16_t type_mask);
/* Decoders for tests and the harness. */
enum t10_rc vtl_local_prin_keys_decode(const uint8_t *buf, size_t len, uint32_t *generation,
                                       uint64_t *keys, size_t cap, size_t *n_keys);
enum t10_rc vtl_local_prin_resv_decode(const uint8_t *buf, size_t len, uint32_t *generation,
                                       bool *held, uint64_t *key, uint8_t *type);

/* SEND VOLUME TAG parameter list (40 bytes). The template is returned with trailing
 * spaces removed. T10_ESHORT if @len < 40. */
#define VTL_LOCAL_SVT_LEN 40
enum t10_rc vtl_local_svt_decode(const uint8_t *buf, size_t len, char template_out[33],
                                 uint16_t *min_seq);
size_t vtl_local_svt_build(uint8_t *out, size_t cap, const char *template_in, uint16_t min_seq);
/* Sets the SEND ACTION CODE in a REQUEST VOLUME ELEMENT ADDRESS header (if within @cap). */
void vtl_local_rvea_set_action(uint8_t *out, size_t cap, uint8_t action);

#endif
