/* SPDX-License-Identifier: MIT
 * scsi/rsoc.h - REPORT SUPPORTED OPERATION CODES parameter data (SPC-4 r37 6.35).
 *
 *   All commands (REPORTING OPTIONS 000b), Table 299:
 *     0-3 COMMAND DATA LENGTH (n - 3), then command descriptors (Table 300):
 *     0 OPERATION CODE  1 rsvd  2-3 SERVICE ACTION  4 rsvd  5 CTDP(1) SERVACTV(0)
 *     6-7 CDB LENGTH  [8-19 command timeouts descriptor when CTDP]
 *   One command (001b-011b), Table 301:
 *     0 rsvd  1 CTDP(7) SUPPORT(2..0)  2-3 CDB SIZE (n)  4.. CDB USAGE DATA (n bytes)
 *     [then a command timeouts descriptor when CTDP]
 *   Command timeouts descriptor (Table 303): 0-1 DESCRIPTOR LENGTH (0Ah)  2 rsvd
 *     3 COMMAND SPECIFIC  4-7 NOMINAL COMMAND PROCESSING TIMEOUT (s)
 *     8-11 RECOMMENDED COMMAND TIMEOUT (s)
 * The usage data for a command this module decodes comes from t10_cdb_usage() so the
 * advertised bits and the accepted bits cannot drift apart.
 */
#ifndef OPENRSM_SCSI_RSOC_H
#define OPENRSM_SCSI_RSOC_H

#include "scsi/cdb.h"
#include "scsi/t10.h"

#define T10_RSOC_DESC_LEN     8
#define T10_RSOC_TIMEOUTS_LEN 12

enum t10_rsoc_support {
    T10_RSOC_NOT_AVAILABLE = 0, /* data about the command not currently available */
    T10_RSOC_UNSUPPORTED = 1,
    T10_RSOC_SUPPORTED = 3,    /* in conformance with a T10 standard */
    T10_RSOC_SUPPORTED_VS = 5, /* in a vendor-specific manner */
};

struct t10_rsoc_timeouts {
    uint8_t cmd_specific;
    uint32_t nominal_s, recommended_s;
};

struct t10_rsoc_desc {
    uint8_t op;
    uint16_t sa;
    bool servactv;
    bool ctdp; /* decode: a timeouts descriptor follows (build: rctd) */
    uint16_t cdb_len;
    struct t10_rsoc_timeouts to;
};

/* All-commands form for @n descriptors, each with a timeouts descriptor when @rctd.
 * Returns 4 + n * (8 or 20). */
size_t t10_rsoc_all_build(uint8_t *out, size_t cap, const struct t10_rsoc_desc *d, size_t n,
                          bool rctd);
typedef enum t10_rc t10_rsoc_fn(const struct t10_rsoc_desc *d, void *arg);
/* Walks an all-commands response; each descriptor's size follows its own CTDP bit.
 * *truncated when the data ends before COMMAND DATA LENGTH says. T10_ESHORT if @len < 4;
 * T10_EINVAL if a timeouts descriptor's length is not 0Ah. */
enum t10_rc t10_rsoc_all_walk(const uint8_t *buf, size_t len, t10_rsoc_fn *fn, void *arg,
                              bool *truncated);

struct t10_rsoc_one {
    uint8_t support; /* enum t10_rsoc_support */
    bool ctdp;
    uint16_t cdb_size;
    const uint8_t *usage; /* cdb_size bytes; borrowed */
    struct t10_rsoc_timeouts to;
};
/* 4 + cdb_size (+ 12 when ctdp). */
size_t t10_rsoc_one_build(uint8_t *out, size_t cap, const struct t10_rsoc_one *o);
/* usage is borrowed from @buf and clipped to it (o->cdb_size stays as sent);
 * T10_ESHORT if @len < 4. */
enum t10_rc t10_rsoc_one_decode(const uint8_t *buf, size_t len, struct t10_rsoc_one *out,
                                bool *truncated);

#endif
