/* SPDX-License-Identifier: MIT
 * scsi/luns.h - REPORT LUNS parameter data and 8-byte LUN encoding.
 *
 * SPC-4 r37 6.33 (REPORT LUNS parameter data, Table 290) and SAM-5 4.7 (LUN structure):
 *   0-3 LUN LIST LENGTH (n - 7)   4-7 reserved   8.. one 8-byte LUN per logical unit
 * Single-level LUNs: peripheral device addressing (method 00b: byte 0 = 00h, byte 1 =
 * LUN, for LUNs 0-255) and flat space addressing (method 01b: byte 0 = 40h | LUN bits
 * 13..8, byte 1 = LUN bits 7..0, for LUNs up to 16383). Bytes 2-7 zero.
 */
#ifndef OPENRSM_SCSI_LUNS_H
#define OPENRSM_SCSI_LUNS_H

#include "scsi/t10.h"

#define T10_LUN_LEN      8
#define T10_LUNS_HDR_LEN 8
#define T10_LUN_MAX      16383

/* Encodes @lun: peripheral addressing for 0-255, flat space above. T10_ERANGE (nothing
 * written) above T10_LUN_MAX. */
enum t10_rc t10_lun_encode(uint8_t out[8], uint16_t lun);
/* Decodes a single-level peripheral or flat LUN; T10_EINVAL for other addressing methods,
 * a nonzero bus identifier or nonzero second-level bytes. */
enum t10_rc t10_lun_decode(const uint8_t in[8], uint16_t *lun);

/* 8 + 8 * n bytes (0 if a LUN is above T10_LUN_MAX). */
size_t t10_report_luns_build(uint8_t *out, size_t cap, const uint16_t *luns, size_t n);
/* Copies up to @cap LUNs into @luns (LUNs it cannot decode are skipped and counted in
 * *n_bad when @n_bad is not NULL). *n_listed gets the number the LUN LIST LENGTH announces;
 * *truncated is set when @len holds fewer. T10_ESHORT if @len < 8. */
enum t10_rc t10_report_luns_decode(const uint8_t *buf, size_t len, uint16_t *luns, size_t cap,
                                   size_t *n_luns, size_t *n_listed, size_t *n_bad,
                                   bool *truncated);

#endif
