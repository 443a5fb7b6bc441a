/* SPDX-License-Identifier: MIT
 * scsi/log.h - LOG SENSE / LOG SELECT pages: header, parameter walk and builders,
 * supported pages (00h) and TapeAlert (2Eh).
 *
 * SPC-4 r37 7.3: log page header (Table 333) and log parameter (Table 336); SSC-4 8.2
 * TapeAlert log page (2Eh, parameters 0001h-0040h each one byte, bit 0 = flag active).
 *   Page header: 0 DS(7) SPF(6) PAGE CODE(5..0)  1 SUBPAGE CODE  2-3 PAGE LENGTH (n-3)
 *   Parameter:   0-1 PARAMETER CODE  2 control: DU(7) obsolete(6) TSD(5) ETC(4)
 *                TMC(3..2) FORMAT AND LINKING(1..0)  3 PARAMETER LENGTH  4.. value
 * Page codes the drive serves with the generic builder: 02h write errors, 03h read
 * errors, 0Ch sequential-access device, 1Bh data compression (SSC-4), 31h (vendor,
 * tape capacity), 2Eh TapeAlert, 00h supported pages.
 */
#ifndef OPENRSM_SCSI_LOG_H
#define OPENRSM_SCSI_LOG_H

#include "scsi/t10.h"

#define T10_LOG_HDR_LEN   4
#define T10_LOG_PARAM_HDR 4

enum t10_log_page_code {
    T10_LP_SUPPORTED = 0x00,
    T10_LP_WRITE_ERRORS = 0x02,
    T10_LP_READ_ERRORS = 0x03,
    T10_LP_SEQUENTIAL = 0x0C,
    T10_LP_TEMPERATURE = 0x0D,
    T10_LP_DATA_COMPRESSION = 0x1B,
    T10_LP_TAPEALERT = 0x2E,
    T10_LP_TAPE_CAPACITY = 0x31,
};

/* Control byte values for common parameter kinds. */
#define T10_LOGCTL_DU                0x80
#define T10_LOGCTL_TSD               0x20
#define T10_LOGCTL_ETC               0x10
#define T10_LOGCTL_FL_MASK           0x03
#define T10_LOGCTL_BOUNDED_COUNTER   0x00 /* FORMAT AND LINKING 00b */
#define T10_LOGCTL_ASCII_LIST        0x01
#define T10_LOGCTL_UNBOUNDED_COUNTER 0x02
#define T10_LOGCTL_BINARY_LIST       0x03

struct t10_log_hdr {
    bool ds, spf;
    uint8_t page, subpage;
    uint16_t page_len; /* bytes after the header */
};
size_t t10_log_hdr_build(uint8_t *out, size_t cap, const struct t10_log_hdr *h);
enum t10_rc t10_log_hdr_decode(const uint8_t *buf, size_t len, struct t10_log_hdr *out);
/* Patches PAGE LENGTH for a page of @total_len bytes (header included), within @cap. */
void t10_log_set_page_len(uint8_t *out, size_t cap, size_t total_len);

struct t10_log_param {
    uint16_t code;
    uint8_t control; /* whole byte; */
    bool du, tsd, etc;
    uint8_t tmc, fl;
    uint8_t len;
    const uint8_t *value; /* borrowed (decode: from the buffer; build: from caller) */
};
/* 4 + p->len bytes. */
size_t t10_log_param_build(uint8_t *out, size_t cap, const struct t10_log_param *p);
/* A counter parameter: @v big-endian in @width bytes (1..8); 0 if @width is out of range.
 * A value too big for @width saturates to all ones (a bounded counter at its maximum). */
size_t t10_log_param_build_uint(uint8_t *out, size_t cap, uint16_t code, uint8_t control,
                                uint64_t v, size_t width);
/* Value of a parameter as an unsigned big-endian number (up to 8 bytes; longer values
 * give their last 8 bytes). */
uint64_t t10_log_param_uint(const struct t10_log_param *p);

typedef enum t10_rc t10_log_param_fn(const struct t10_log_param *p, void *arg);
/* Walks the parameters of a page (@buf at its header), each by its own PARAMETER
 * LENGTH, bounded by @len and PAGE LENGTH; *truncated when data ends inside a parameter
 * or before PAGE LENGTH. @hdr (may be NULL) gets the header. T10_ESHORT if @len < 4. */
enum t10_rc t10_log_walk(const uint8_t *buf, size_t len, struct t10_log_hdr *hdr,
                         t10_log_param_fn *fn, void *arg, bool *truncated);
/* Finds parameter @code; T10_ENOENT if absent. */
enum t10_rc t10_log_find_param(const uint8_t *buf, size_t len, uint16_t code,
                               struct t10_log_param *out);

/* 00h Supported log pages: page codes as the body, ascending. */
size_t t10_log_supported_build(uint8_t *out, size_t cap, const uint8_t *pages, size_t n);
enum t10_rc t10_log_supported_decode(const uint8_t *buf, size_t len, uint8_t *pages, size_t cap,
                                     size_t *n_pages);

/* TapeAlert flags: bit (n - 1) of a mask is flag n (1..64). */
#define T10_TA_FLAG(n) (UINT64_C(1) << (((n)-1) & 63))
enum t10_tapealert {
    T10_TA_READ_WARNING = 0x01,
    T10_TA_WRITE_WARNING = 0x02,
    T10_TA_HARD_ERROR = 0x03,
    T10_TA_MEDIA = 0x04,
    T10_TA_READ_FAILURE = 0x05,
    T10_TA_WRITE_FAILURE = 0x06,
    T10_TA_MEDIA_LIFE = 0x07,
    T10_TA_NOT_DATA_GRADE = 0x08,
    T10_TA_WRITE_PROTECT = 0x09,
    T10_TA_NO_REMOVAL = 0x0A,
    T10_TA_CLEANING_MEDIA = 0x0B,
    T10_TA_UNSUPPORTED_FORMAT = 0x0C,
    T10_TA_MECH_CARTRIDGE_RECOVERABLE = 0x0D,
    T10_TA_CLEAN_NOW = 0x14,
    T10_TA_CLEAN_PERIODIC = 0x15,
    T10_TA_EXPIRED_CLEANING = 0x16,
    T10_TA_INVALID_CLEANING = 0x17,
    T10_TA_HARDWARE_A = 0x1E,
    T10_TA_HARDWARE_B = 0x1F,
    T10_TA_INTERFACE = 0x20,
    T10_TA_EJECT_MEDIA = 0x21,
    T10_TA_DOWNLOAD_FAIL = 0x22,
    T10_TA_PREDICTIVE_FAILURE = 0x26,
    T10_TA_DIAGNOSTICS_REQUIRED = 0x27,
    T10_TA_LOADING_FAILURE = 0x37,
    T10_TA_WORM_INTEGRITY = 0x3B,
    T10_TA_WORM_OVERWRITE = 0x3C,
};
/* Name of TapeAlert flag @n ("Clean now"), or NULL outside 1..64 / unnamed. */
const char *t10_tapealert_name(unsigned n);
/* Page 2Eh with all 64 parameters (1 byte each, control 03h binary list): 324 bytes. */
size_t t10_log_tapealert_build(uint8_t *out, size_t cap, uint64_t flags);
/* Flags from a 2Eh page (any subset of parameters, any order); parameters outside
 * 1..64 are ignored. *truncated as for t10_log_walk. */
enum t10_rc t10_log_tapealert_decode(const uint8_t *buf, size_t len, uint64_t *flags,
                                     bool *truncated);

#endif
