/* SPDX-License-Identifier: MIT
 * scsi/ssc.h - sequential-access (tape) parameter data: READ BLOCK LIMITS, READ POSITION
 * (short, long and extended forms) and REPORT DENSITY SUPPORT.
 *
 * SSC-4: READ BLOCK LIMITS data (7.4, Table 20):
 *   0 rsvd | GRANULARITY(4..0)  1-3 MAXIMUM BLOCK LENGTH LIMIT  4-5 MINIMUM BLOCK LENGTH
 * READ POSITION short form (7.7.2): 0 BOP(7) EOP(6) LOCU(5) BYCU(4) rsvd LOLU(2) PERR(1)
 *   BPEW(0)  1 PARTITION NUMBER  2-3 rsvd  4-7 FIRST LOGICAL OBJECT LOCATION
 *   8-11 LAST LOGICAL OBJECT LOCATION  12 rsvd  13-15 NUMBER OF LOGICAL OBJECTS IN OBJECT
 *   BUFFER  16-19 NUMBER OF BYTES IN OBJECT BUFFER                    (20 bytes)
 * long form (7.7.3): 0 BOP(7) EOP(6) rsvd MPU(3) LONU(2) rsvd BPEW(0)  1-3 rsvd
 *   4-7 PARTITION NUMBER  8-15 LOGICAL OBJECT NUMBER  16-23 LOGICAL FILE IDENTIFIER
 *   24-31 obsolete                                                      (32 bytes)
 * extended form (7.7.4): 0 as short  1 PARTITION NUMBER  2-3 ADDITIONAL LENGTH (1Ch)
 *   4 rsvd  5-7 NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER  8-15 FIRST LOGICAL OBJECT
 *   LOCATION  16-23 LAST LOGICAL OBJECT LOCATION  24-31 NUMBER OF BYTES IN OBJECT BUFFER
 * REPORT DENSITY SUPPORT (7.8): 0-1 AVAILABLE DENSITY SUPPORT LENGTH (n - 1)  2-3 rsvd,
 *   then density support data block descriptors (52 bytes, Table 28): 0 PRIMARY DENSITY
 *   CODE 1 SECONDARY DENSITY CODE 2 WRTOK(7) DUP(6) DEFLT(5) DLV(0) 3-4 rsvd
 *   5-7 BITS PER MM 8-9 MEDIA WIDTH 10-11 TRACKS 12-15 CAPACITY (MB) 16-23 ASSIGNING
 *   ORGANIZATION 24-31 DENSITY NAME 32-51 DESCRIPTION.
 */
#ifndef OPENRSM_SCSI_SSC_H
#define OPENRSM_SCSI_SSC_H

#include "scsi/t10.h"

#define T10_BLOCK_LIMITS_LEN 6
#define T10_RP_SHORT_LEN     20
#define T10_RP_LONG_LEN      32
#define T10_RP_EXT_LEN       32
#define T10_DENSITY_DESC_LEN 52

struct t10_block_limits {
    uint8_t granularity;
    uint32_t max_len; /* 24 bits; 0 = no limit */
    uint16_t min_len;
};
size_t t10_block_limits_build(uint8_t *out, size_t cap, const struct t10_block_limits *b);
enum t10_rc t10_block_limits_decode(const uint8_t *buf, size_t len, struct t10_block_limits *out);

/* One struct for the three forms; each form uses the fields its layout has. */
struct t10_read_pos {
    bool bop, eop, locu, bycu, lolu, perr, bpew; /* short and extended       */
    bool mpu, lonu;                              /* long                     */
    uint32_t partition;                          /* 8 bits in short/extended forms              */
    uint64_t first_lo, last_lo;                  /* 32 bits in the short form                   */
    uint32_t n_objects_buf;                      /* 24 bits                                     */
    uint64_t n_bytes_buf;                        /* 32 bits in the short form                   */
    uint64_t lo_number, file_id;                 /* long form                                 */
};
/* @sa: T10_RP_SHORT/SHORT_VS (20 bytes), T10_RP_LONG (32) or T10_RP_EXTENDED (32)
 * (enum t10_read_pos_sa, cdb.h). Returns 0 for another @sa or values that do not fit
 * the form (a short-form location above 32 bits: the device must report PERR/LOCU). */
size_t t10_read_pos_build(uint8_t *out, size_t cap, uint8_t sa, const struct t10_read_pos *rp);
/* T10_ESHORT if @len is below the form's length; T10_EINVAL for an unknown @sa. */
enum t10_rc t10_read_pos_decode(const uint8_t *buf, size_t len, uint8_t sa,
                                struct t10_read_pos *out);

struct t10_density_desc {
    uint8_t primary, secondary;
    bool wrtok, dup, deflt, dlv;
    uint32_t bits_per_mm; /* 24 bits */
    uint16_t media_width; /* 0.1 mm */
    uint16_t tracks;
    uint32_t capacity_mb;
    char assigning_org[9];
    char name[9];
    char description[21];
};
/* The header (4 bytes) + @n descriptors. */
size_t t10_density_report_build(uint8_t *out, size_t cap, const struct t10_density_desc *d,
                                size_t n);
typedef enum t10_rc t10_density_fn(const struct t10_density_desc *d, void *arg);
/* Walks density descriptors (MEDIUM TYPE = 0 form) within min(@len, 2 + length). */
enum t10_rc t10_density_report_walk(const uint8_t *buf, size_t len, t10_density_fn *fn, void *arg,
                                    bool *truncated);

#endif
