/* SPDX-License-Identifier: MIT
 * scsi/t10.h - what every part of the T10 wire-format module shares: the result enum, the
 * field pointer a decoder reports on failure, peripheral device types and their masks.
 *
 * Contract for the whole of scsi/: no I/O, no locks, no allocation. Decoders take
 * (buf, len) and read only buf[0..len-1]; builders take (out, cap), write at most cap
 * bytes and return the full length the structure needs (ALLOCATION LENGTH semantics).
 * Every function may be called from any thread; none keeps state between calls.
 * The T10 drafts followed are listed in scsi/README. Start reading at cdb.h and sense.h.
 */
#ifndef OPENRSM_SCSI_T10_H
#define OPENRSM_SCSI_T10_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Result of every fallible function in scsi/. Zero is success. */
enum t10_rc {
    T10_OK = 0,
    T10_ESHORT = 1,  /* the buffer is shorter than the structure it must hold (a CDB shorter
                      * than its opcode's length, a page cut before its header)          */
    T10_EINVAL = 2,  /* a field holds a reserved or unsupported value; the field pointer
                      * (when the function takes one) says where                         */
    T10_EOPCODE = 3, /* operation code (or service action) unknown for this decoder or
                      * device type: a target answers INVALID COMMAND OPERATION CODE     */
    T10_ERANGE = 4,  /* a builder argument does not fit its wire field                   */
    T10_ENOENT = 5,  /* a lookup found nothing (page, parameter, descriptor)             */
    T10_ESTOP = 6,   /* a walk callback asked to stop early; not an error of the data    */
};

/* Short upper-case name of @rc ("T10_EINVAL"); never NULL. */
const char *t10_rc_name(enum t10_rc rc);

/* Where a bad field is, in the form SPC-4 4.5.2.4.2 (Table 46, sense-key specific field
 * pointer) carries it: C/D says CDB (true) or parameter list (false); @byte is the byte
 * offset from the start of the CDB or parameter list; @bit is valid when @bpv is set and
 * names the most significant bit of the field (or the offending bit). */
struct t10_field_ptr {
    uint16_t byte;
    uint8_t bit;
    bool bpv;
    bool cd;
};

/* Peripheral device types (SPC-4 Table 141) this project deals with. */
enum t10_pdt {
    T10_PDT_DISK = 0x00,    /* SBC */
    T10_PDT_TAPE = 0x01,    /* SSC, sequential-access */
    T10_PDT_CHANGER = 0x08, /* SMC, medium changer */
    T10_PDT_ENCLOSURE = 0x0D,
    T10_PDT_WLUN = 0x1E, /* well-known logical unit */
    T10_PDT_NONE = 0x1F, /* unknown or no device type */
};

/* Device-type masks: bit @pdt set when a row applies to that type. The tables in
 * scsi/data use the letters A (all, SPC), D (disk, SBC), T (tape, SSC), M (changer, SMC). */
#define T10_DEV(pdt) (UINT32_C(1) << ((pdt)&0x1F))
#define T10_DEV_ALL  UINT32_C(0xFFFFFFFF)

/* ASC and ASCQ packed as one 16-bit code, ASC in the high byte; the generated enum
 * t10_asc (scsi/tables.h) names each one, e.g. T10_ASC_INVALID_FIELD_IN_CDB. */
#define T10_ASC(asc, ascq) ((uint16_t)(((unsigned)(asc)&0xFFu) << 8 | ((unsigned)(ascq)&0xFFu)))
#define T10_ASC_OF(code)   ((uint8_t)((code) >> 8))
#define T10_ASCQ_OF(code)  ((uint8_t)((code)&0xFF))

/* Element type codes (SMC-3 Table 17), shared by CDBs, element status and mode pages. */
enum t10_elem_type {
    T10_ELEM_ALL = 0,
    T10_ELEM_TRANSPORT = 1, /* MT, medium transport (robot) */
    T10_ELEM_STORAGE = 2,   /* ST, storage slot */
    T10_ELEM_IE = 3,        /* IE, import/export (mail slot) */
    T10_ELEM_DT = 4,        /* DT, data transfer (drive) */
};

/* Bytes of the identifying strings in INQUIRY data and voltags. */
#define T10_VENDOR_LEN   8
#define T10_PRODUCT_LEN  16
#define T10_REVISION_LEN 4

/* Copies @src into a fixed-width ASCII field of @width bytes, space-padded, truncating if
 * longer (SPC-4 4.4.1: left-aligned, unused bytes 20h). NULL @src gives all spaces. */
void t10_put_ascii(uint8_t *dst, size_t width, const char *src);

/* Copies a fixed-width space-padded ASCII field into a C string: trailing spaces and NULs
 * dropped, non-printable bytes replaced by '?'. @out has room for @width + 1 bytes. */
void t10_get_ascii(char *out, const uint8_t *src, size_t width);

#endif
