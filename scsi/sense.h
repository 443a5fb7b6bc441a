/* SPDX-License-Identifier: MIT
 * scsi/sense.h - sense data: build, parse (fixed and descriptor format) and render.
 *
 * SPC-4 r37 4.5: fixed format (response codes 70h current, 71h deferred; 4.5.3, Table 48)
 * and descriptor format (72h current, 73h deferred; 4.5.2, Table 26) with the
 * information (00h), command-specific (01h), sense-key-specific (02h), FRU (03h) and
 * stream commands (04h, SSC: FILEMARK/EOM/ILI) descriptors.
 *
 * One struct describes sense in either format; t10_sense_build() writes the format
 * s->descriptor asks for, t10_sense_parse() reads either. The device side (sim/target)
 * builds with the LU's format setting (D_SENSE, control mode page); the initiator side
 * (rsm/dev, conformance) parses whatever arrives.
 *
 * Fixed format (Table 48):
 *   Byte 0      VALID(7) | RESPONSE CODE (70h/71h)
 *   Byte 1      obsolete
 *   Byte 2      FILEMARK(7) EOM(6) ILI(5) rsvd(4) | SENSE KEY(3..0)
 *   Byte 3-6    INFORMATION (32 bits)
 *   Byte 7      ADDITIONAL SENSE LENGTH (n - 7)
 *   Byte 8-11   COMMAND-SPECIFIC INFORMATION
 *   Byte 12,13  ASC, ASCQ
 *   Byte 14     FIELD REPLACEABLE UNIT CODE
 *   Byte 15-17  SKSV(15:7) | SENSE KEY SPECIFIC
 * Descriptor format (Table 26):
 *   Byte 0      RESPONSE CODE (72h/73h)
 *   Byte 1      rsvd | SENSE KEY;  Byte 2, 3  ASC, ASCQ
 *   Byte 7      ADDITIONAL SENSE LENGTH (n - 7); descriptors from byte 8, each
 *               TYPE, ADDITIONAL LENGTH (k - 1), body.
 * Sense-key-specific for ILLEGAL REQUEST (field pointer, Table 46):
 *   SKSV(7) C/D(6) rsvd BPV(3) BIT POINTER(2..0) | FIELD POINTER (16 bits)
 * for NOT READY / NO SENSE (progress indication, Table 47): SKSV | PROGRESS (16 bits).
 */
#ifndef OPENRSM_SCSI_SENSE_H
#define OPENRSM_SCSI_SENSE_H

#include "scsi/t10.h"
#include "scsi/tables.h"

/* One value naming a sense key and an ASC/ASCQ, for tables and function arguments:
 * T10_SENSE(ILLEGAL_REQUEST, INVALID_FIELD_IN_CDB) is key 5, ASC 24h, ASCQ 00h. */
#define T10_SENSE_CODE(key, asc_ascq)                                                              \
    ((uint32_t)((uint32_t)((key)&0x0F) << 16 | (uint16_t)(asc_ascq)))
#define T10_SENSE(key, asc_name)    T10_SENSE_CODE(T10_KEY_##key, T10_ASC_##asc_name)
#define T10_SENSE_KEY_OF(code)      ((uint8_t)(((code) >> 16) & 0x0F))
#define T10_SENSE_ASC_ASCQ_OF(code) ((uint16_t)((code)&0xFFFF))

#define T10_SENSE_FIXED_LEN 18  /* fixed format with ADDITIONAL SENSE LENGTH 10 */
#define T10_SENSE_MAX       252 /* SPC-4: sense data never exceeds 252 bytes    */

enum t10_sense_resp {
    T10_SENSE_FIXED_CURRENT = 0x70,
    T10_SENSE_FIXED_DEFERRED = 0x71,
    T10_SENSE_DESC_CURRENT = 0x72,
    T10_SENSE_DESC_DEFERRED = 0x73,
};

/* Descriptor types (SPC-4 Table 27). */
enum t10_sense_desc_type {
    T10_SDESC_INFORMATION = 0x00,
    T10_SDESC_CMD_SPECIFIC = 0x01,
    T10_SDESC_SKS = 0x02,
    T10_SDESC_FRU = 0x03,
    T10_SDESC_STREAM = 0x04,
};

/* What the SENSE KEY SPECIFIC bytes hold. */
enum t10_sks_kind {
    T10_SKS_NONE = 0, /* SKSV = 0                                           */
    T10_SKS_FIELD,    /* field pointer (ILLEGAL REQUEST)                      */
    T10_SKS_PROGRESS, /* progress indication (NOT READY, NO SENSE)            */
    T10_SKS_RAW,      /* any other (retry count, segment pointer): sks_raw    */
};

struct t10_sense {
    bool descriptor;         /* descriptor format (72h/73h) rather than fixed (70h/71h) */
    bool deferred;           /* 71h/73h                                                */
    uint8_t key;             /* enum t10_sense_key                                     */
    uint16_t asc_ascq;       /* T10_ASC(asc, ascq)                                     */
    bool filemark, eom, ili; /* fixed byte 2; descriptor: stream commands descriptor */
    bool info_valid;         /* fixed VALID bit / information descriptor present        */
    uint64_t info;           /* INFORMATION (fixed format: low 32 bits only)            */
    bool cmd_valid;          /* command-specific information present (fixed: nonzero)   */
    uint64_t cmd_info;
    uint8_t fru; /* FIELD REPLACEABLE UNIT CODE (0 = none)                  */
    enum t10_sks_kind sks;
    struct t10_field_ptr field; /* when sks == T10_SKS_FIELD                          */
    uint16_t progress;          /* when sks == T10_SKS_PROGRESS: fraction of 65536 done      */
    uint8_t sks_raw[3];         /* when sks == T10_SKS_RAW: bytes 15-17 with SKSV cleared    */
    /* parse only: */
    bool truncated; /* the data ended before ADDITIONAL SENSE LENGTH said         */
    uint8_t n_desc; /* descriptors seen (descriptor format)                      */
};

/* Simple initialisers for the device side. */
void t10_sense_init(struct t10_sense *s, bool descriptor, uint8_t key, uint16_t asc_ascq);
/* Same from a T10_SENSE() code. */
void t10_sense_init_code(struct t10_sense *s, bool descriptor, uint32_t code);
/* ILLEGAL REQUEST, @asc_ascq, with a field pointer: the target's usual failure. */
void t10_sense_init_field(struct t10_sense *s, bool descriptor, uint16_t asc_ascq,
                          const struct t10_field_ptr *field);

/* t10_sense_build() - write @s as sense data.
 * Fixed format: 18 bytes (VALID set when info_valid; INFORMATION must fit 32 bits, else
 * T10_ERANGE-like failure: returns 0). Descriptor format: 8-byte header then, in this
 * order, information (12 bytes) when info_valid, command-specific (12) when cmd_valid,
 * sense-key-specific (8) when sks != NONE, FRU (4) when fru != 0, stream commands (4) when
 * any of filemark/eom/ili. Returns the full length (at most T10_SENSE_MAX), writing at
 * most @cap bytes; 0 (nothing written) if @s cannot be expressed. */
size_t t10_sense_build(uint8_t *out, size_t cap, const struct t10_sense *s);

/* t10_sense_parse() - read sense data in either format.
 * @buf, @len  sense as received (often cut at the initiator's buffer or the device's
 *             ADDITIONAL SENSE LENGTH; both are fine).
 * @out        filled on T10_OK; out->truncated says the data was cut. Descriptors are
 *             walked by their own ADDITIONAL LENGTH, never past @len or the header's
 *             ADDITIONAL SENSE LENGTH; unknown descriptor types are skipped.
 * Returns T10_OK; T10_ESHORT when @len cannot hold the key and ASC (fixed: 14 bytes,
 * descriptor: 4 bytes); T10_EINVAL when the response code is not 70h-73h. */
enum t10_rc t10_sense_parse(const uint8_t *buf, size_t len, struct t10_sense *out);

/* Visits each descriptor of descriptor-format sense: @fn gets its type, its body (after
 * the 2-byte header, borrowed) and body length. Stops with @fn's non-OK result.
 * *truncated set when the last descriptor was cut. T10_EINVAL for fixed format. */
typedef enum t10_rc t10_sense_desc_fn(uint8_t type, const uint8_t *body, size_t body_len,
                                      void *arg);
enum t10_rc t10_sense_desc_walk(const uint8_t *buf, size_t len, t10_sense_desc_fn *fn, void *arg,
                                bool *truncated);

/* Human text, snprintf semantics (returns the full length, writes at most @cap bytes
 * including the NUL):
 *   "ILLEGAL REQUEST: INVALID FIELD IN CDB (24/00) field byte 2 bit 4"
 *   "NOT READY: LOGICAL UNIT IS IN PROCESS OF BECOMING READY (04/01) progress 50%"
 *   "NO SENSE: FILEMARK DETECTED (00/01) FILEMARK info 3"
 * Unknown codes print as "ASC 80/01". */
size_t t10_sense_text(char *out, size_t cap, const struct t10_sense *s);

#endif
