/* SPDX-License-Identifier: MIT
 * scsi/tables.h - T10 code tables: operation codes, service actions, sense keys and
 * ASC/ASCQ codes with their text, device-type masks and error classes.
 *
 * The rows live in scsi/data/opcodes.tsv, asc.tsv and sense_keys.tsv (one row per code,
 * the same rows feed logs, rsm's error mapping and the conformance harness). The build
 * turns them into $(B)/gen/scsi/t10_tables.h (the enums below, with explicit values) and
 * t10_tables.c (the lookup tables) with scsi/gen/tables.awk. Include this header, not the
 * generated one. Tables are constant; every function is thread-safe and allocation-free.
 *
 * Names: T10_OP_<NAME> for operation codes (one opcode may have several names, one per
 * device type: T10_OP_LOAD_UNLOAD and T10_OP_OPEN_CLOSE_IE are both 1Bh), T10_SA_<NAME>
 * for service actions, T10_KEY_<NAME> for sense keys, T10_ASC_<NAME> for ASC/ASCQ pairs
 * packed with T10_ASC(asc, ascq).
 */
#ifndef OPENRSM_SCSI_TABLES_H
#define OPENRSM_SCSI_TABLES_H

#include "scsi/t10.h"

/* What kind of condition an ASC/ASCQ reports; decides retry and error mapping upstream
 * (rsm maps classes to NTMS errors; the harness accepts any code of an expected class). */
enum t10_err_class {
    T10_CLASS_INFO = 0,    /* no error or informational (00/00, 00/01 filemark...)   */
    T10_CLASS_PROGRESS,    /* operation in progress or becoming ready: retry later    */
    T10_CLASS_NO_MEDIUM,   /* medium not present                                      */
    T10_CLASS_MEDIUM,      /* medium error, unrecovered read/write, bad format        */
    T10_CLASS_HARDWARE,    /* device hardware, mechanical or diagnostic failure       */
    T10_CLASS_ILLEGAL,     /* invalid command, field or parameter                     */
    T10_CLASS_ATTENTION,   /* unit attention: reset, changed, accessed                */
    T10_CLASS_PROTECT,     /* write protect, WORM, security                           */
    T10_CLASS_CLEANING,    /* cleaning requested, cleaning cartridge installed        */
    T10_CLASS_ELEMENT,     /* medium changer element condition (source empty...)     */
    T10_CLASS_POSITION,    /* BOT, EOD, EOM, filemark, setmark reached                */
    T10_CLASS_ABORTED,     /* command aborted, nexus or transport problem            */
    T10_CLASS_RESERVATION, /* reservations and registrations                          */
    T10_CLASS_PREDICTED,   /* failure prediction threshold exceeded                   */
    T10_CLASS_COUNT_
};

#include "scsi/t10_tables.h" /* generated: enum t10_op, t10_sa, t10_sense_key, t10_asc */

/* One row of opcodes.tsv. */
struct t10_op_info {
    uint8_t op;
    int16_t sa;         /* service action, or -1 for a command without one            */
    uint32_t devmask;   /* T10_DEV(pdt) bits of the device types that define it        */
    uint8_t cdb_len;    /* CDB length in bytes                                         */
    const char *name;   /* "READ ELEMENT STATUS"                                        */
    const char *clause; /* "SMC-3 6.10"                                                 */
};

/* The row for @op (and service action @sa, or -1 when none or unknown) on device type
 * @pdt; a command with service actions whose @sa has no row falls back to the opcode's
 * own row ("MAINTENANCE IN"). T10_PDT_NONE matches any device type (first row wins).
 * Returns a pointer into a constant table, or NULL if the opcode is not in the table. */
const struct t10_op_info *t10_op_lookup(uint8_t op, int sa, enum t10_pdt pdt);

/* Name of the command, as t10_op_lookup(); NULL if unknown. */
const char *t10_op_name(uint8_t op, int sa, enum t10_pdt pdt);

/* Number of rows and the row at @i (for RSOC tables and tests); NULL past the end. */
size_t t10_op_count(void);
const struct t10_op_info *t10_op_at(size_t i);

/* One row of asc.tsv. Rows whose ASCQ is a range ("NN" in the table, e.g. 40/NN
 * DIAGNOSTIC FAILURE ON COMPONENT NN) have is_range set and match any ASCQ. */
struct t10_asc_info {
    uint16_t code; /* T10_ASC(asc, ascq); ascq 0 for range rows                   */
    bool is_range;
    uint32_t devmask;
    enum t10_err_class err_class;
    const char *text; /* "INVALID FIELD IN CDB"                                       */
};

/* Row for @asc_ascq (exact match first, then an ASC-wide range row), or NULL. */
const struct t10_asc_info *t10_asc_lookup(uint16_t asc_ascq);

/* Text of @asc_ascq, or NULL if unknown (callers print "ASC xx/yy"). ASCQ 80h-FFh of any
 * ASC without a row is vendor specific and also gives NULL. */
const char *t10_asc_text(uint16_t asc_ascq);

/* Class of @asc_ascq: the row's class, else T10_CLASS_INFO for 00/xx and
 * T10_CLASS_HARDWARE for anything unknown. */
enum t10_err_class t10_asc_class(uint16_t asc_ascq);
const char *t10_err_class_name(enum t10_err_class c); /* "illegal"; never NULL */

/* "ILLEGAL REQUEST" for key 5; "RESERVED" for values without a name; never NULL. */
const char *t10_sense_key_name(uint8_t key);

/* Number of rows (for tests). */
size_t t10_asc_count(void);
const struct t10_asc_info *t10_asc_at(size_t i);

#endif
