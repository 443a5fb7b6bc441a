/* SPDX-License-Identifier: MIT
 * scsi/tables_data.h - private to scsi/: the raw arrays the generated t10_tables.c
 * defines and tables.c searches. Other modules use the functions in scsi/tables.h.
 */
#ifndef OPENRSM_SCSI_TABLES_DATA_H
#define OPENRSM_SCSI_TABLES_DATA_H

#include "scsi/tables.h"

extern const struct t10_op_info t10_op_table_[]; /* sorted by opcode, service action */
extern const size_t t10_op_table_len_;
extern const struct t10_asc_info t10_asc_table_[]; /* sorted by code */
extern const size_t t10_asc_table_len_;
extern const char *const t10_sense_key_names_[16]; /* NULL where reserved */

#endif
