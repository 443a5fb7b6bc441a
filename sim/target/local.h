/* SPDX-License-Identifier: MIT
 * sim/target/local.h - field pointers (byte, bit) for CDB and parameter-list fields whose
 * values the scsi/ decoders accept but this device refuses (INVERT bits, element type
 * codes, page codes, service actions...), so the sense data points at them. Data layouts
 * (PR data, the SEND VOLUME TAG list, REQUEST VOLUME ELEMENT ADDRESS data) come from
 * scsi/pr.h and scsi/elem.h; these pointers are meant to follow into scsi/ as named
 * T10_CDB_FIELD() entries.
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
extern const struct vtl_local_fp VTL_FP_MODE6_BD_LEN, VTL_FP_MODE10_BD_LEN;

#endif
