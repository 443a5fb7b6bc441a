/* SPDX-License-Identifier: MIT
 * sim/target/local.c - field pointers for values this device refuses (see local.h).
 */
#include "sim/target/local.h"

const struct vtl_local_fp VTL_FP_SERVICE_ACTION = {1, 4};
const struct vtl_local_fp VTL_FP_INQUIRY_PAGE = {2, -1};
const struct vtl_local_fp VTL_FP_MODE_PAGE = {2, 5};
const struct vtl_local_fp VTL_FP_MODE_SUBPAGE = {3, -1};
const struct vtl_local_fp VTL_FP_MODE_SELECT_PF = {1, 4};
const struct vtl_local_fp VTL_FP_LOG_PAGE = {2, 5};
const struct vtl_local_fp VTL_FP_LOG_SP = {1, 0};
const struct vtl_local_fp VTL_FP_LOG_PARAM_PTR = {5, -1};
const struct vtl_local_fp VTL_FP_REPORT_LUNS_SEL = {2, -1};
const struct vtl_local_fp VTL_FP_RSOC_OPTIONS = {2, 2};
const struct vtl_local_fp VTL_FP_RSOC_REQ_OP = {3, -1};
const struct vtl_local_fp VTL_FP_RSOC_REQ_SA = {4, -1};
const struct vtl_local_fp VTL_FP_RESERVE_ELEMENT = {1, 0};
const struct vtl_local_fp VTL_FP_RESERVE_3RDPTY = {1, 4};
const struct vtl_local_fp VTL_FP_PR_SCOPE = {2, 7};
const struct vtl_local_fp VTL_FP_PR_TYPE = {2, 3};
const struct vtl_local_fp VTL_FP_SENDDIAG_CODE = {1, 7};
const struct vtl_local_fp VTL_FP_SENDDIAG_PARAMLEN = {3, -1};
const struct vtl_local_fp VTL_FP_RES_TYPE = {1, 3};
const struct vtl_local_fp VTL_FP_MOVE_INVERT = {10, 0};
const struct vtl_local_fp VTL_FP_EXCH_INV1 = {10, 1};
const struct vtl_local_fp VTL_FP_EXCH_INV2 = {10, 0};
const struct vtl_local_fp VTL_FP_POS_INVERT = {8, 0};
const struct vtl_local_fp VTL_FP_OPEN_CLOSE_ACT = {4, 4};
const struct vtl_local_fp VTL_FP_SVT_ACTION = {5, 4};
const struct vtl_local_fp VTL_FP_SVT_TYPE = {1, 3};
const struct vtl_local_fp VTL_FP_PR_OUT_SAKEY = {8, -1};
const struct vtl_local_fp VTL_FP_PR_OUT_FLAGS = {20, -1};
const struct vtl_local_fp VTL_FP_SVT_TEMPLATE = {0, -1};
const struct vtl_local_fp VTL_FP_MODE6_MEDIUM_TYPE = {1, -1};
const struct vtl_local_fp VTL_FP_MODE10_MEDIUM_TYPE = {2, -1};
const struct vtl_local_fp VTL_FP_MODE6_BD_LEN = {3, -1};
const struct vtl_local_fp VTL_FP_MODE10_BD_LEN = {6, -1};
