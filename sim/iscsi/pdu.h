/* SPDX-License-Identifier: MIT
 * sim/iscsi/pdu.h - iSCSI PDU codec (RFC 7143 clause 11): the 48-byte Basic Header
 * Segment of every opcode, Additional Header Segments (clause 11.2.2), digests (CRC32C,
 * clause 12.1 and RFC 3385) and the framing arithmetic a receiver needs.
 *
 * Start reading at struct vtl_iscsi_bhs: one flat struct carries the named fields of every
 * opcode; vtl_iscsi_bhs_decode() fills exactly the fields that the opcode defines (all
 * others are zero) and vtl_iscsi_bhs_encode() writes exactly those fields (every other
 * byte is zero, as the RFC's "reserved" requires). Flags are kept as named booleans so no
 * caller re-extracts bits from byte 1.
 *
 * Every BHS has this frame (clause 11.2.1):
 *
 *   Byte  Field
 *   0     bit 6 I (immediate), bits 0-5 opcode
 *   1     bit 7 F (final) + opcode-specific flags
 *   2-3   opcode-specific
 *   4     TotalAHSLength (4-byte words)
 *   5-7   DataSegmentLength (bytes, before padding)
 *   8-15  LUN or opcode-specific (ISID+TSIH for login)
 *   16-19 Initiator Task Tag
 *   20-47 opcode-specific (see each opcode's field comments below)
 *
 * A PDU on the wire is BHS, AHS (TotalAHSLength*4 bytes), HeaderDigest (4 bytes if
 * negotiated), data segment padded to 4 bytes, DataDigest (4 bytes if negotiated and the
 * segment is not empty).
 *
 * No I/O, no allocation, no locks; any thread.
 */
#ifndef OPENRSM_SIM_ISCSI_PDU_H
#define OPENRSM_SIM_ISCSI_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VTL_ISCSI_BHS_LEN        48
#define VTL_ISCSI_DIGEST_LEN     4
#define VTL_ISCSI_AHS_MAX        (255u * 4u) /* TotalAHSLength is one byte of words */
#define VTL_ISCSI_DSL_MAX        0xFFFFFFu   /* DataSegmentLength is 24 bits */
#define VTL_ISCSI_RSVD_TAG       0xFFFFFFFFu /* the reserved ITT/TTT value */

/* Result codes of the sim/iscsi modules (pdu, text, chap, conn, server). 0 is success. */
enum vtl_iscsi_rc {
    VTL_ISCSI_OK = 0,
    VTL_ISCSI_ESHORT,    /* buffer shorter than the structure announces */
    VTL_ISCSI_EINVAL,    /* a field holds a value the RFC forbids */
    VTL_ISCSI_ERANGE,    /* a length or number exceeds a limit */
    VTL_ISCSI_ENOMEM,    /* allocation failed */
    VTL_ISCSI_EDIGEST,   /* header or data digest mismatch */
    VTL_ISCSI_EAUTH,     /* authentication failed */
    VTL_ISCSI_EPROTO,    /* protocol violation by the peer */
    VTL_ISCSI_ESYS,      /* a system call failed; errno says why */
    VTL_ISCSI_ESTATE,    /* call not valid in this object's state */
};

/* Opcodes (clause 11.2.1.2). Initiator opcodes are 0x00-0x1f, target opcodes 0x20-0x3f. */
enum vtl_iscsi_op {
    VTL_ISCSI_OP_NOP_OUT       = 0x00,
    VTL_ISCSI_OP_SCSI_CMD      = 0x01,
    VTL_ISCSI_OP_TMF_REQ       = 0x02,
    VTL_ISCSI_OP_LOGIN_REQ     = 0x03,
    VTL_ISCSI_OP_TEXT_REQ      = 0x04,
    VTL_ISCSI_OP_DATA_OUT      = 0x05,
    VTL_ISCSI_OP_LOGOUT_REQ    = 0x06,
    VTL_ISCSI_OP_SNACK_REQ     = 0x10,
    VTL_ISCSI_OP_NOP_IN        = 0x20,
    VTL_ISCSI_OP_SCSI_RSP      = 0x21,
    VTL_ISCSI_OP_TMF_RSP       = 0x22,
    VTL_ISCSI_OP_LOGIN_RSP     = 0x23,
    VTL_ISCSI_OP_TEXT_RSP      = 0x24,
    VTL_ISCSI_OP_DATA_IN       = 0x25,
    VTL_ISCSI_OP_LOGOUT_RSP    = 0x26,
    VTL_ISCSI_OP_R2T           = 0x31,
    VTL_ISCSI_OP_ASYNC_MSG     = 0x32,
    VTL_ISCSI_OP_REJECT        = 0x3f,
};

/* Reject reasons (clause 11.17.1). */
enum vtl_iscsi_reject_reason {
    VTL_ISCSI_REJECT_DATA_DIGEST     = 0x02,
    VTL_ISCSI_REJECT_SNACK           = 0x03,
    VTL_ISCSI_REJECT_PROTOCOL_ERROR  = 0x04,
    VTL_ISCSI_REJECT_CMD_NOT_SUPP    = 0x05,
    VTL_ISCSI_REJECT_IMM_CMD         = 0x06,
    VTL_ISCSI_REJECT_TASK_IN_PROG    = 0x07,
    VTL_ISCSI_REJECT_INVALID_DATAACK = 0x08,
    VTL_ISCSI_REJECT_INVALID_FIELD   = 0x09,
    VTL_ISCSI_REJECT_OUT_OF_RES      = 0x0a,
    VTL_ISCSI_REJECT_WAITING_LOGOUT  = 0x0c,
};

/* Task management functions (clause 11.5.1) and responses (clause 11.6.1). */
enum vtl_iscsi_tmf {
    VTL_ISCSI_TMF_ABORT_TASK        = 1,
    VTL_ISCSI_TMF_ABORT_TASK_SET    = 2,
    VTL_ISCSI_TMF_CLEAR_ACA         = 3,
    VTL_ISCSI_TMF_CLEAR_TASK_SET    = 4,
    VTL_ISCSI_TMF_LUN_RESET         = 5,
    VTL_ISCSI_TMF_TARGET_WARM_RESET = 6,
    VTL_ISCSI_TMF_TARGET_COLD_RESET = 7,
    VTL_ISCSI_TMF_TASK_REASSIGN     = 8,
};
enum vtl_iscsi_tmf_rsp {
    VTL_ISCSI_TMF_RSP_COMPLETE          = 0,
    VTL_ISCSI_TMF_RSP_NO_TASK           = 1,
    VTL_ISCSI_TMF_RSP_NO_LUN            = 2,
    VTL_ISCSI_TMF_RSP_TASK_ALLEGIANT    = 3,
    VTL_ISCSI_TMF_RSP_NO_REASSIGN       = 4,
    VTL_ISCSI_TMF_RSP_NOT_SUPPORTED     = 5,
    VTL_ISCSI_TMF_RSP_AUTH_FAILED       = 6,
    VTL_ISCSI_TMF_RSP_REJECTED          = 255,
};

/* Login stages (CSG/NSG, clause 11.12.3). */
enum vtl_iscsi_stage {
    VTL_ISCSI_STAGE_SECURITY    = 0,
    VTL_ISCSI_STAGE_OPERATIONAL = 1,
    VTL_ISCSI_STAGE_FULL        = 3,
};

/* Login status class << 8 | detail (clause 11.13.5). */
enum vtl_iscsi_login_status {
    VTL_ISCSI_LOGIN_SUCCESS          = 0x0000,
    VTL_ISCSI_LOGIN_INITIATOR_ERROR  = 0x0200,
    VTL_ISCSI_LOGIN_AUTH_FAILED      = 0x0201,
    VTL_ISCSI_LOGIN_AUTHZ_FAILED     = 0x0202,
    VTL_ISCSI_LOGIN_NOT_FOUND        = 0x0203,
    VTL_ISCSI_LOGIN_UNSUPPORTED_VER  = 0x0205,
    VTL_ISCSI_LOGIN_TOO_MANY_CONN    = 0x0206,
    VTL_ISCSI_LOGIN_MISSING_PARAM    = 0x0207,
    VTL_ISCSI_LOGIN_CANT_INCLUDE     = 0x0208,
    VTL_ISCSI_LOGIN_SESSION_TYPE     = 0x0209,
    VTL_ISCSI_LOGIN_NO_SESSION       = 0x020a,
    VTL_ISCSI_LOGIN_INVALID_REQUEST  = 0x020b,
    VTL_ISCSI_LOGIN_TARGET_ERROR     = 0x0300,
    VTL_ISCSI_LOGIN_OUT_OF_RESOURCES = 0x0302,
};

/* Logout reasons (clause 11.14.1) and responses (clause 11.15.1). */
enum vtl_iscsi_logout_reason {
    VTL_ISCSI_LOGOUT_CLOSE_SESSION = 0,
    VTL_ISCSI_LOGOUT_CLOSE_CONN    = 1,
    VTL_ISCSI_LOGOUT_RECOVERY      = 2,
};
enum vtl_iscsi_logout_rsp {
    VTL_ISCSI_LOGOUT_RSP_OK           = 0,
    VTL_ISCSI_LOGOUT_RSP_NO_CID       = 1,
    VTL_ISCSI_LOGOUT_RSP_NO_RECOVERY  = 2,
    VTL_ISCSI_LOGOUT_RSP_CLEANUP_FAIL = 3,
};

/* AHS types (clause 11.2.2.1). */
enum vtl_iscsi_ahs_type {
    VTL_ISCSI_AHS_EXT_CDB       = 1,
    VTL_ISCSI_AHS_BIDI_READ_LEN = 2,
};

/*
 * The decoded BHS. Which fields each opcode carries (offsets in the BHS):
 *
 *  NOP-Out 0x00     lun 8, itt 16, ttt 20, cmdsn 24, exp_statsn 28
 *  SCSI Cmd 0x01    F R W attr(b1), lun 8, itt 16, edtl 20, cmdsn 24, exp_statsn 28, cdb 32
 *  TMF Req 0x02     function(b1 & 0x7f), lun 8, itt 16, rtt 20, cmdsn 24, exp_statsn 28,
 *                   ref_cmdsn 32, exp_datasn 36
 *  Login Req 0x03   T C csg nsg(b1), version_max 2, version_min 3, isid 8, tsih 14, itt 16,
 *                   cid 20, cmdsn 24, exp_statsn 28
 *  Text Req 0x04    F C(b1), lun 8, itt 16, ttt 20, cmdsn 24, exp_statsn 28
 *  Data-Out 0x05    F(b1), lun 8, itt 16, ttt 20, exp_statsn 28, datasn 36, buffer_offset 40
 *  Logout Req 0x06  reason(b1 & 0x7f), itt 16, cid 20, cmdsn 24, exp_statsn 28
 *  SNACK 0x10       type(b1 & 0x0f), lun 8, itt 16, ttt 20, exp_statsn 28, beg_run 40,
 *                   run_length 44
 *  NOP-In 0x20      lun 8, itt 16, ttt 20, statsn 24, exp_cmdsn 28, max_cmdsn 32
 *  SCSI Rsp 0x21    o u O U(b1), response 2, status 3, itt 16, snack_tag 20, statsn 24,
 *                   exp_cmdsn 28, max_cmdsn 32, exp_datasn 36, bidi_residual 40, residual 44
 *  TMF Rsp 0x22     response 2, itt 16, statsn 24, exp_cmdsn 28, max_cmdsn 32
 *  Login Rsp 0x23   T C csg nsg(b1), version_max 2, version_active 3, isid 8, tsih 14,
 *                   itt 16, statsn 24, exp_cmdsn 28, max_cmdsn 32, status_class 36,
 *                   status_detail 37
 *  Text Rsp 0x24    F C(b1), lun 8, itt 16, ttt 20, statsn 24, exp_cmdsn 28, max_cmdsn 32
 *  Data-In 0x25     F A O U S(b1), status 3, lun 8, itt 16, ttt 20, statsn 24, exp_cmdsn 28,
 *                   max_cmdsn 32, datasn 36, buffer_offset 40, residual 44
 *  Logout Rsp 0x26  response 2, itt 16, statsn 24, exp_cmdsn 28, max_cmdsn 32,
 *                   time2wait 40, time2retain 42
 *  R2T 0x31         lun 8, itt 16, ttt 20, statsn 24, exp_cmdsn 28, max_cmdsn 32, r2tsn 36,
 *                   buffer_offset 40, desired_len 44
 *  Async 0x32       lun 8, itt 16 (0xffffffff), statsn 24, exp_cmdsn 28, max_cmdsn 32,
 *                   async_event 36, async_vcode 37, param1 38, param2 40, param3 42
 *  Reject 0x3f      reason 2, itt 16 (0xffffffff), statsn 24, exp_cmdsn 28, max_cmdsn 32,
 *                   datasn 36
 */
struct vtl_iscsi_bhs {
    uint8_t opcode;            /* enum vtl_iscsi_op */
    bool immediate;            /* I bit (initiator opcodes only) */
    bool final;                /* F bit; T (transit) for login */
    bool cont;                 /* C bit: text/login continue */
    bool read, write;          /* SCSI Command R, W */
    uint8_t attr;              /* SCSI Command task attribute */
    bool ack;                  /* Data-In A */
    bool has_status;           /* Data-In S */
    bool bidi_over, bidi_under;/* SCSI Response o, u */
    bool over, under;          /* SCSI Response / Data-In O, U */
    uint8_t csg, nsg;          /* login stages */
    uint8_t function;          /* TMF function; also logout reason, SNACK type */
    uint8_t response;          /* SCSI/TMF/logout response, reject reason */
    uint8_t status;            /* SCSI status */
    uint8_t version_max, version_min; /* login; version_min is VersionActive in responses */
    uint8_t ahs_words;         /* TotalAHSLength */
    uint32_t data_len;         /* DataSegmentLength */
    uint64_t lun;              /* the 8 LUN bytes, big-endian as a number */
    uint8_t isid[6];
    uint16_t tsih, cid;
    uint32_t itt, ttt, rtt, snack_tag;
    uint32_t edtl;             /* Expected Data Transfer Length */
    uint32_t cmdsn, exp_statsn, statsn, exp_cmdsn, max_cmdsn;
    uint32_t ref_cmdsn, exp_datasn, datasn, r2tsn;
    uint32_t buffer_offset, desired_len, residual, bidi_residual;
    uint32_t beg_run, run_length;
    uint16_t time2wait, time2retain;
    uint8_t status_class, status_detail;
    uint8_t async_event, async_vcode;
    uint16_t param1, param2, param3;
    uint8_t cdb[16];
};

/* vtl_iscsi_bhs_decode() - decode one BHS.
 * @buf, @len  at least VTL_ISCSI_BHS_LEN bytes; only the first 48 are read.
 * @out        filled on VTL_ISCSI_OK (fields the opcode does not define are zero).
 * Returns VTL_ISCSI_ESHORT if @len < 48, VTL_ISCSI_EINVAL for an opcode RFC 7143 does
 * not define (out->opcode is still set so the caller can Reject it). */
enum vtl_iscsi_rc vtl_iscsi_bhs_decode(const uint8_t *buf, size_t len, struct vtl_iscsi_bhs *out);

/* vtl_iscsi_bhs_encode() - write @in as 48 bytes into @out (cap >= 48, else ESHORT).
 * Only the fields of in->opcode are written; every other byte is zero. */
enum vtl_iscsi_rc vtl_iscsi_bhs_encode(const struct vtl_iscsi_bhs *in, uint8_t *out, size_t cap);

/* True for an opcode RFC 7143 defines. */
bool vtl_iscsi_op_known(uint8_t opcode);
/* Short name for logs ("SCSI-Cmd"); never NULL. */
const char *vtl_iscsi_op_name(uint8_t opcode);

/* Framing: bytes that follow the BHS for this PDU under the given digest settings,
 * computed from ahs_words and data_len without overflow (max is about 16 MiB). */
size_t vtl_iscsi_pdu_tail_len(const struct vtl_iscsi_bhs *h, bool header_digest, bool data_digest);
/* Data segment length rounded up to a multiple of 4. */
uint32_t vtl_iscsi_pad4(uint32_t len);

/* Decoded AHS of a SCSI Command (clause 11.3.7 / 11.2.2). */
struct vtl_iscsi_ahs_info {
    const uint8_t *ext_cdb;    /* borrowed from the AHS buffer; bytes 16.. of the CDB */
    size_t ext_cdb_len;
    bool has_bidi_read_len;
    uint32_t bidi_read_len;
};

/* vtl_iscsi_ahs_decode() - walk the AHS area (@len = TotalAHSLength*4 bytes).
 * Each AHS is AHSLength(2) AHSType(1) specific(1) + AHSLength-1 bytes, padded to 4.
 * Returns EINVAL for an AHS that overruns @len, a repeated type, a bidi-length AHS whose
 * AHSLength is not 5, or an unknown type (the RFC defines no others). */
enum vtl_iscsi_rc vtl_iscsi_ahs_decode(const uint8_t *buf, size_t len, struct vtl_iscsi_ahs_info *out);

/* CRC32C (Castagnoli, reflected, init and final xor ~0) as iSCSI digests use it
 * (RFC 7143 clause 12.1, RFC 3385). vtl_iscsi_crc32c(buf, len) of "123456789" is
 * 0xE3069283. The digest travels little-endian: vtl_iscsi_digest_put/get. */
uint32_t vtl_iscsi_crc32c(const void *buf, size_t len);
/* Continue a CRC: crc = vtl_iscsi_crc32c_update(crc, ...) starting from 0xFFFFFFFF; final
 * value is ~crc. */
uint32_t vtl_iscsi_crc32c_update(uint32_t crc, const void *buf, size_t len);
void vtl_iscsi_digest_put(uint8_t *out, uint32_t crc);
uint32_t vtl_iscsi_digest_get(const uint8_t *in);

/* Big-endian helpers used by the sim/iscsi modules. */
uint16_t vtl_iscsi_get_be16(const uint8_t *p);
uint32_t vtl_iscsi_get_be24(const uint8_t *p);
uint32_t vtl_iscsi_get_be32(const uint8_t *p);
uint64_t vtl_iscsi_get_be64(const uint8_t *p);
void vtl_iscsi_put_be16(uint8_t *p, uint16_t v);
void vtl_iscsi_put_be24(uint8_t *p, uint32_t v);
void vtl_iscsi_put_be32(uint8_t *p, uint32_t v);
void vtl_iscsi_put_be64(uint8_t *p, uint64_t v);

/* Serial number arithmetic on 32-bit sequence numbers (RFC 1982), as CmdSN/StatSN use:
 * true if a < b in serial order. */
bool vtl_iscsi_sn_lt(uint32_t a, uint32_t b);

/* LUN encoding (SAM-5 single-level, clause 11.2.1.6 refers to SAM): LUN numbers below 256
 * use peripheral addressing (00 LL), up to 16383 flat addressing (40|hi lo). */
uint64_t vtl_iscsi_lun_encode(uint16_t lun);
/* Decodes peripheral or flat single-level LUNs; returns false for other forms. */
bool vtl_iscsi_lun_decode(uint64_t raw, uint16_t *lun);

#endif
