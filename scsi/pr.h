/* SPDX-License-Identifier: MIT
 * scsi/pr.h - persistent reservations parameter data (SPC-4 r37 6.15, 6.16): PERSISTENT
 * RESERVE IN data (READ KEYS, READ RESERVATION, REPORT CAPABILITIES, READ FULL STATUS)
 * and the PERSISTENT RESERVE OUT parameter lists (basic and REGISTER AND MOVE).
 * The CDBs themselves are in cdb.h (T10_CDB_PR_IN, T10_CDB_PR_OUT).
 *
 *   READ KEYS (Table 170):      0-3 PRGENERATION  4-7 ADDITIONAL LENGTH (n-7)
 *                               8.. RESERVATION KEY list, 8 bytes each
 *   READ RESERVATION (171/172): 0-3 PRGENERATION  4-7 ADDITIONAL LENGTH (0 or 10h)
 *                               8-15 RESERVATION KEY  16-19 obsolete  20 rsvd
 *                               21 SCOPE(7..4) TYPE(3..0)  22-23 obsolete
 *   REPORT CAPABILITIES (174):  0-1 LENGTH (0008h)  2 RLR_C(7) CRH(4) SIP_C(3) ATP_C(2)
 *                               PTPL_C(0)  3 TMV(7) ALLOW COMMANDS(6..4) PTPL_A(0)
 *                               4-5 PERSISTENT RESERVATION TYPE MASK  6-7 rsvd
 *                               (byte 4: WR_EX_AR(7) EX_AC_RO(6) WR_EX_RO(5) EX_AC(3)
 *                               WR_EX(1); byte 5: EX_AC_AR(0))
 *   READ FULL STATUS (177/178): 0-3 PRGENERATION  4-7 ADDITIONAL LENGTH, descriptors:
 *                               0-7 RESERVATION KEY  8-11 rsvd  12 ALL_TG_PT(1)
 *                               R_HOLDER(0)  13 SCOPE|TYPE  14-17 rsvd  18-19 RELATIVE
 *                               TARGET PORT IDENTIFIER  20-23 ADDITIONAL DESCRIPTOR
 *                               LENGTH (n-23)  24.. TransportID
 *   PR OUT basic list (Table 183): 0-7 RESERVATION KEY  8-15 SERVICE ACTION RESERVATION
 *                               KEY  16-19 obsolete  20 SPEC_I_PT(3) ALL_TG_PT(2)
 *                               APTPL(0)  21 rsvd  22-23 obsolete  [24.. TransportIDs]
 *   REGISTER AND MOVE list (Table 186): 0-7 RESERVATION KEY  8-15 SERVICE ACTION
 *                               RESERVATION KEY  16 rsvd  17 UNREG(1) APTPL(0)
 *                               18-19 RELATIVE TARGET PORT IDENTIFIER
 *                               20-23 TRANSPORTID PARAMETER DATA LENGTH  24.. TransportID
 */
#ifndef OPENRSM_SCSI_PR_H
#define OPENRSM_SCSI_PR_H

#include "scsi/t10.h"

#define T10_PROUT_LEN          24 /* basic parameter list without TransportIDs */
#define T10_PRIN_HDR_LEN       8
#define T10_PRIN_CAPS_LEN      8
#define T10_PRIN_FULL_DESC_LEN 24 /* without its TransportID */

/* TYPE values (SPC-4 Table 168). */
enum t10_pr_type {
    T10_PR_WR_EX = 1,    /* write exclusive                        */
    T10_PR_EX_AC = 3,    /* exclusive access                       */
    T10_PR_WR_EX_RO = 5, /* write exclusive, registrants only      */
    T10_PR_EX_AC_RO = 6, /* exclusive access, registrants only     */
    T10_PR_WR_EX_AR = 7, /* write exclusive, all registrants       */
    T10_PR_EX_AC_AR = 8, /* exclusive access, all registrants      */
};
/* Type mask bits: bit t set when type t is supported (1 << T10_PR_WR_EX ...). */
#define T10_PR_TYPE_BIT(t) ((uint16_t)(1u << (t)))

/* ---- PERSISTENT RESERVE IN ---- */

/* READ KEYS: 8 + 8n bytes. */
size_t t10_prin_keys_build(uint8_t *out, size_t cap, uint32_t generation, const uint64_t *keys,
                           size_t n);
/* Copies up to @cap keys; *n_listed is what ADDITIONAL LENGTH announces, *truncated when
 * @len holds fewer. T10_ESHORT if @len < 8. */
enum t10_rc t10_prin_keys_decode(const uint8_t *buf, size_t len, uint32_t *generation,
                                 uint64_t *keys, size_t cap, size_t *n_keys, size_t *n_listed,
                                 bool *truncated);

struct t10_prin_resv {
    uint32_t generation;
    bool held; /* a reservation descriptor is present */
    uint64_t key;
    uint8_t scope, type;
};
/* 8 bytes, or 24 when r->held. */
size_t t10_prin_resv_build(uint8_t *out, size_t cap, const struct t10_prin_resv *r);
/* T10_ESHORT if @len < 8, or ADDITIONAL LENGTH announces a descriptor @len does not hold. */
enum t10_rc t10_prin_resv_decode(const uint8_t *buf, size_t len, struct t10_prin_resv *out);

struct t10_prin_caps {
    bool rlr_c, crh, sip_c, atp_c, ptpl_c;
    bool tmv, ptpl_a;
    uint8_t allow_commands; /* byte 3 bits 6..4 */
    uint16_t type_mask;     /* T10_PR_TYPE_BIT() bits; valid when tmv */
};
size_t t10_prin_caps_build(uint8_t *out, size_t cap, const struct t10_prin_caps *c);
enum t10_rc t10_prin_caps_decode(const uint8_t *buf, size_t len, struct t10_prin_caps *out);

/* One READ FULL STATUS descriptor; @transport_id borrowed. */
struct t10_prin_full {
    uint64_t key;
    bool all_tg_pt, r_holder;
    uint8_t scope, type;
    uint16_t rel_port;
    uint32_t tid_len;
    const uint8_t *transport_id;
};
/* Header + @n descriptors (each 24 + tid_len). Returns the full length (0 if over 32 bits). */
size_t t10_prin_full_build(uint8_t *out, size_t cap, uint32_t generation,
                           const struct t10_prin_full *d, size_t n);
typedef enum t10_rc t10_prin_full_fn(const struct t10_prin_full *d, void *arg);
/* Walks descriptors by their own ADDITIONAL DESCRIPTOR LENGTH, bounded by @len and the
 * header's ADDITIONAL LENGTH; *truncated when one is cut. T10_ESHORT if @len < 8. */
enum t10_rc t10_prin_full_walk(const uint8_t *buf, size_t len, uint32_t *generation,
                               t10_prin_full_fn *fn, void *arg, bool *truncated);

/* ---- PERSISTENT RESERVE OUT ---- */

struct t10_prout {
    uint64_t key, sa_key;
    bool spec_i_pt, all_tg_pt, aptpl;
    const uint8_t *tid_data; /* with spec_i_pt: the TransportID list after byte 24,    */
    size_t tid_data_len;     /* starting with its 4-byte length (borrowed, decode only) */
};
/* 24 bytes (TransportIDs are not built). */
size_t t10_prout_build(uint8_t *out, size_t cap, const struct t10_prout *p);
/* Target side, strict. @len is the PARAMETER LIST LENGTH received. Errors fill *bad
 * (cd = false): T10_ESHORT below 24 bytes, or above 24 without SPEC_I_PT (the target
 * reports PARAMETER LIST LENGTH ERROR, 1A/00); T10_EINVAL for reserved bits in bytes
 * 20-21. Obsolete bytes 16-19 and 22-23 are ignored. */
enum t10_rc t10_prout_decode(const uint8_t *buf, size_t len, struct t10_prout *out,
                             struct t10_field_ptr *bad);

struct t10_prout_move {
    uint64_t key, sa_key;
    bool unreg, aptpl;
    uint16_t rel_port;
    uint32_t tid_len;
    const uint8_t *transport_id; /* borrowed */
};
size_t t10_prout_move_build(uint8_t *out, size_t cap, const struct t10_prout_move *m);
/* T10_ESHORT if @len < 24 or below 24 + TRANSPORTID PARAMETER DATA LENGTH; T10_EINVAL
 * for reserved bits (byte 16, byte 17 bits 7..2). */
enum t10_rc t10_prout_move_decode(const uint8_t *buf, size_t len, struct t10_prout_move *out,
                                  struct t10_field_ptr *bad);

/* Field pointers into the basic PR OUT parameter list, for errors a target finds after
 * decoding (a wrong SERVICE ACTION RESERVATION KEY, an unsupported APTPL...). */
enum t10_prout_field {
    T10_PROUT_F_KEY,       /* bytes 0-7   */
    T10_PROUT_F_SA_KEY,    /* bytes 8-15  */
    T10_PROUT_F_SPEC_I_PT, /* byte 20 bit 3 */
    T10_PROUT_F_ALL_TG_PT, /* byte 20 bit 2 */
    T10_PROUT_F_APTPL,     /* byte 20 bit 0 */
};
struct t10_field_ptr t10_prout_field(enum t10_prout_field f);

#endif
