/* SPDX-License-Identifier: MIT
 * scsi/cdb.h - command descriptor blocks: decode once into a struct, build from one.
 *
 * Standards: SPC-4 r37 (common commands, CONTROL byte 4.3.5), SMC-3 (medium changer
 * commands) and SSC-4 (sequential-access commands); see scsi/README for the exact
 * drafts and the per-command table that says which byte holds which field.
 *
 * A target decodes each CDB exactly once:
 *
 *     struct t10_cdb c;
 *     struct t10_field_ptr bad;
 *     enum t10_rc rc = t10_cdb_decode(cmd->cdb, cmd->cdb_len, T10_PDT_CHANGER, &c, &bad);
 *     T10_EOPCODE -> ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE (20/00), pointer byte 0
 *     T10_EINVAL  -> ILLEGAL REQUEST, INVALID FIELD IN CDB (24/00) with SKSV and @bad
 *     T10_ESHORT  -> the transport delivered fewer bytes than the opcode's CDB length
 *                    (treated as 24/00, pointer at the first missing byte)
 *     t10_cdb_error_asc(rc) gives that ASC/ASCQ.
 *
 * Decoders reject: a CDB shorter than its command's length; any reserved bit set
 * (pointer to that bit); NACA or LINK set in the CONTROL byte (pointer to the bit);
 * values the standard reserves (SPACE code 6, PREVENT 2, unknown service actions,
 * EVPD=0 with a page code...). Bytes past the command's length (transports pad CDBs to
 * 16 or 32 bytes) are ignored. Obsolete fields (RESERVE(6) third-party, INQUIRY CMDDT)
 * count as reserved. Vendor-specific CONTROL bits 7-6 are returned in c.control.
 *
 * Builders write the CDB the struct describes, including CONTROL verbatim (so the
 * conformance harness can send NACA or LINK on purpose), and return its length; they
 * return 0, writing nothing, for an unknown kind or a value that does not fit its
 * field (a SPACE(6) count beyond 24 bits, a 6-byte ALLOCATION LENGTH over 255).
 * Like every builder here they write at most @cap bytes and return the full length.
 */
#ifndef OPENRSM_SCSI_CDB_H
#define OPENRSM_SCSI_CDB_H

#include "scsi/t10.h"

#define T10_CDB_MAX 16 /* longest CDB any command here uses */

/* The commands this module decodes and builds. */
enum t10_cdb_kind {
    T10_CDB_UNKNOWN = 0,
    /* SPC-4 */
    T10_CDB_TEST_UNIT_READY, /* 00h */
    T10_CDB_REQUEST_SENSE,   /* 03h */
    T10_CDB_INQUIRY,         /* 12h */
    T10_CDB_MODE_SELECT6,    /* 15h */
    T10_CDB_MODE_SENSE6,     /* 1Ah */
    T10_CDB_MODE_SELECT10,   /* 55h */
    T10_CDB_MODE_SENSE10,    /* 5Ah */
    T10_CDB_LOG_SELECT,      /* 4Ch */
    T10_CDB_LOG_SENSE,       /* 4Dh */
    T10_CDB_REPORT_LUNS,     /* A0h */
    T10_CDB_RSOC,            /* A3h/0Ch REPORT SUPPORTED OPERATION CODES */
    T10_CDB_RESERVE6,        /* 16h (SPC-2; SMC RESERVE ELEMENT(6)) */
    T10_CDB_RELEASE6,        /* 17h */
    T10_CDB_RESERVE10,       /* 56h */
    T10_CDB_RELEASE10,       /* 57h */
    T10_CDB_PR_IN,           /* 5Eh PERSISTENT RESERVE IN */
    T10_CDB_PR_OUT,          /* 5Fh PERSISTENT RESERVE OUT */
    T10_CDB_PREVENT_ALLOW,   /* 1Eh PREVENT ALLOW MEDIUM REMOVAL */
    T10_CDB_SEND_DIAGNOSTIC, /* 1Dh */
    T10_CDB_READ_ATTRIBUTE,  /* 8Ch */
    T10_CDB_WRITE_ATTRIBUTE, /* 8Dh */
    /* SMC-3, medium changer */
    T10_CDB_READ_ELEMENT_STATUS,            /* B8h */
    T10_CDB_MOVE_MEDIUM,                    /* A5h */
    T10_CDB_EXCHANGE_MEDIUM,                /* A6h */
    T10_CDB_INIT_ELEMENT_STATUS,            /* 07h */
    T10_CDB_INIT_ELEMENT_STATUS_RANGE,      /* 37h */
    T10_CDB_INIT_ELEMENT_STATUS_RANGE_VS,   /* E7h, vendor alias of 37h (IBM, Quantum) */
    T10_CDB_POSITION_TO_ELEMENT,            /* 2Bh */
    T10_CDB_OPEN_CLOSE_IE,                  /* 1Bh OPEN/CLOSE IMPORT/EXPORT ELEMENT */
    T10_CDB_SEND_VOLUME_TAG,                /* B6h */
    T10_CDB_REQUEST_VOLUME_ELEMENT_ADDRESS, /* B5h */
    /* SSC-4, sequential access */
    T10_CDB_READ6,                  /* 08h */
    T10_CDB_WRITE6,                 /* 0Ah */
    T10_CDB_WRITE_FILEMARKS6,       /* 10h */
    T10_CDB_SPACE6,                 /* 11h */
    T10_CDB_SPACE16,                /* 91h */
    T10_CDB_LOCATE10,               /* 2Bh */
    T10_CDB_LOCATE16,               /* 92h */
    T10_CDB_READ_POSITION,          /* 34h */
    T10_CDB_REWIND,                 /* 01h */
    T10_CDB_ERASE6,                 /* 19h */
    T10_CDB_READ_BLOCK_LIMITS,      /* 05h */
    T10_CDB_REPORT_DENSITY_SUPPORT, /* 44h */
    T10_CDB_LOAD_UNLOAD,            /* 1Bh */
    T10_CDB_VERIFY6,                /* 13h */
    /* added later; SPC-4 */
    T10_CDB_READ_BUFFER,        /* 3Ch READ BUFFER(10) */
    T10_CDB_WRITE_BUFFER,       /* 3Bh */
    T10_CDB_RECEIVE_DIAGNOSTIC, /* 1Ch RECEIVE DIAGNOSTIC RESULTS */
    T10_CDB_REPORT_TIMESTAMP,   /* A3h/0Fh */
    T10_CDB_SET_TIMESTAMP,      /* A4h/0Fh */
    T10_CDB_SECURITY_IN,        /* A2h SECURITY PROTOCOL IN */
    T10_CDB_SECURITY_OUT,       /* B5h SECURITY PROTOCOL OUT (not on changers: B5h is
                                 * REQUEST VOLUME ELEMENT ADDRESS there) */
    /* SSC-4 */
    T10_CDB_ALLOW_OVERWRITE, /* 82h */
    T10_CDB_FORMAT_MEDIUM,   /* 04h */
    T10_CDB_SET_CAPACITY,    /* 0Bh */
    T10_CDB_KIND_COUNT_
};

/* ---- per-command fields (names follow the standard's field names) ---- */

struct t10_cdb_request_sense {
    bool desc;
    uint8_t alloc_len;
};
struct t10_cdb_inquiry {
    bool evpd;
    uint8_t page;
    uint16_t alloc_len;
};

/* Page control values (SPC-4 Table 98). */
enum t10_mode_pc {
    T10_PC_CURRENT = 0,
    T10_PC_CHANGEABLE = 1,
    T10_PC_DEFAULT = 2,
    T10_PC_SAVED = 3
};
#define T10_PAGE_ALL    0x3F /* MODE SENSE page code "return all pages" */
#define T10_SUBPAGE_ALL 0xFF

/* MODE SENSE(6) and (10): llbaa exists only in the 10-byte form; alloc_len <= 255 in the
 * 6-byte form. */
struct t10_cdb_mode_sense {
    bool dbd, llbaa;
    uint8_t pc, page, subpage;
    uint16_t alloc_len;
};
/* MODE SELECT(6) and (10): param_len <= 255 in the 6-byte form. */
struct t10_cdb_mode_select {
    bool pf, sp;
    uint16_t param_len;
};
struct t10_cdb_log_sense {
    bool ppc, sp;
    uint8_t pc, page, subpage;
    uint16_t param_ptr, alloc_len;
};
struct t10_cdb_log_select {
    bool pcr, sp;
    uint8_t pc, page, subpage;
    uint16_t param_len;
};
struct t10_cdb_report_luns {
    uint8_t select_report;
    uint32_t alloc_len;
};

/* RSOC REPORTING OPTIONS (SPC-4 Table 296) */
enum t10_rsoc_opt {
    T10_RSOC_ALL = 0,        /* all commands                                       */
    T10_RSOC_ONE = 1,        /* one command, no service action (SA field ignored)  */
    T10_RSOC_ONE_SA = 2,     /* one command with the requested service action       */
    T10_RSOC_ONE_EITHER = 3, /* one command, with or without service action         */
};
struct t10_cdb_rsoc {
    bool rctd;
    uint8_t options;
    uint8_t req_op;
    uint16_t req_sa;
    uint32_t alloc_len;
};

/* RESERVE/RELEASE (6) and (10), SPC-2 7.21-7.24, SMC-3 element reservations: element is the
 * SMC ELEMENT bit; third_party and longid exist only in the 10-byte form. param_len is the
 * element list or parameter list length (6-byte form: 16 bits in bytes 3-4, RESERVE only). */
struct t10_cdb_reserve {
    bool element, third_party, longid;
    uint8_t res_id, third_party_id;
    uint16_t param_len;
};

enum t10_pr_in_sa {
    T10_PRIN_READ_KEYS = 0,
    T10_PRIN_READ_RESERVATION = 1,
    T10_PRIN_REPORT_CAPABILITIES = 2,
    T10_PRIN_READ_FULL_STATUS = 3
};
enum t10_pr_out_sa {
    T10_PROUT_REGISTER = 0,
    T10_PROUT_RESERVE = 1,
    T10_PROUT_RELEASE = 2,
    T10_PROUT_CLEAR = 3,
    T10_PROUT_PREEMPT = 4,
    T10_PROUT_PREEMPT_ABORT = 5,
    T10_PROUT_REGISTER_IGNORE = 6,
    T10_PROUT_REGISTER_MOVE = 7,
    T10_PROUT_REPLACE_LOST = 8
};
struct t10_cdb_pr_in {
    uint8_t sa;
    uint16_t alloc_len;
};
struct t10_cdb_pr_out {
    uint8_t sa, scope, type;
    uint32_t param_len;
};

/* PREVENT field: 0 allow, 1 prevent (2 and 3 are reserved for SSC and SMC devices). */
struct t10_cdb_prevent_allow {
    uint8_t prevent;
};
struct t10_cdb_send_diag {
    uint8_t self_test_code;
    bool pf, self_test, devoffl, unitoffl;
    uint16_t param_len;
};

enum t10_read_attr_sa {
    T10_RA_VALUES = 0x00,
    T10_RA_LIST = 0x01,
    T10_RA_LV_LIST = 0x02,
    T10_RA_PARTITION_LIST = 0x03,
    T10_RA_SUPPORTED = 0x05
};
struct t10_cdb_read_attr {
    uint8_t sa, lv, partition;
    uint16_t first_attr;
    uint32_t alloc_len;
    bool cache;
};
struct t10_cdb_write_attr {
    bool wtc;
    uint8_t lv, partition;
    uint32_t param_len;
};

/* enum t10_elem_type (element type codes) is in t10.h. */
struct t10_cdb_res {
    bool voltag, curdata, dvcid;
    uint8_t elem_type;
    uint16_t start_addr, n_elems;
    uint32_t alloc_len;
};
struct t10_cdb_move {
    uint16_t transport, src, dst;
    bool invert;
};
struct t10_cdb_exchange {
    uint16_t transport, src, dst1, dst2;
    bool invert1, invert2;
};
/* INITIALIZE ELEMENT STATUS WITH RANGE (37h and vendor E7h share the layout). */
struct t10_cdb_init_range {
    bool range, fast;
    uint16_t start_addr, n_elems;
};
struct t10_cdb_position {
    uint16_t transport, dst;
    bool invert;
};
enum t10_ie_action { T10_IE_OPEN = 0, T10_IE_CLOSE = 1 };
struct t10_cdb_open_close {
    uint16_t elem_addr;
    uint8_t action;
};
/* SEND VOLUME TAG action codes (SMC-3 Table 30): 5 translate/search primary, 6 alternate,
 * 8/9 with sequence numbers ignored, 0Ah assert primary, 0Bh assert alternate,
 * 0Ch replace primary, 0Dh replace alternate, 0Eh undefine primary, 0Fh alternate. */
struct t10_cdb_send_voltag {
    uint8_t elem_type, action;
    uint16_t elem_addr, param_len;
};
struct t10_cdb_req_vol_addr {
    bool voltag;
    uint8_t elem_type;
    uint16_t elem_addr, n_elems;
    uint32_t alloc_len;
};

/* READ(6)/WRITE(6); sili exists only for READ. xfer_len is blocks when fixed, else bytes. */
struct t10_cdb_rw6 {
    bool fixed, sili;
    uint32_t xfer_len;
};
struct t10_cdb_write_fm {
    bool immed, wsmk;
    uint32_t count;
};
enum t10_space_code {
    T10_SPACE_BLOCKS = 0,
    T10_SPACE_FILEMARKS = 1,
    T10_SPACE_SEQ_FILEMARKS = 2,
    T10_SPACE_EOD = 3
};
/* SPACE(6) and (16): count is signed (negative = toward BOT); 24-bit in SPACE(6). */
struct t10_cdb_space {
    uint8_t code;
    int64_t count;
    uint16_t param_len;
};
/* LOCATE(10): bt, cp, immed, partition, lo_id (32-bit). LOCATE(16): dest_type, cp, immed,
 * bam, partition, lo_id (64-bit). */
enum t10_locate_dest { T10_LOCATE_OBJECT = 0, T10_LOCATE_FILE = 1, T10_LOCATE_EOD = 3 };
struct t10_cdb_locate {
    bool bt, cp, immed, bam;
    uint8_t dest_type, partition;
    uint64_t lo_id;
};
enum t10_read_pos_sa {
    T10_RP_SHORT = 0x00,
    T10_RP_SHORT_VS = 0x01,
    T10_RP_LONG = 0x06,
    T10_RP_EXTENDED = 0x08
};
struct t10_cdb_read_pos {
    uint8_t sa;
    uint16_t alloc_len;
};
struct t10_cdb_immed {
    bool immed;
}; /* REWIND */
struct t10_cdb_erase {
    bool immed, long_erase;
};
struct t10_cdb_block_limits {
    bool mloi;
};
struct t10_cdb_density {
    bool media, medium_type;
    uint16_t alloc_len;
};
struct t10_cdb_load_unload {
    bool immed, hold, eot, reten, load;
};
struct t10_cdb_verify6 {
    bool immed, bytcmp, fixed, vte, vlbpm, vbf;
    uint32_t length;
};

/* READ BUFFER(10) and WRITE BUFFER: len is the ALLOCATION or PARAMETER LIST LENGTH. */
struct t10_cdb_buffer {
    uint8_t mode, mode_specific, buffer_id;
    uint32_t offset, len;
};
struct t10_cdb_recv_diag {
    bool pcv;
    uint8_t page;
    uint16_t alloc_len;
};
/* REPORT TIMESTAMP (allocation length) and SET TIMESTAMP (parameter list length). */
struct t10_cdb_timestamp {
    uint32_t len;
};
/* SECURITY PROTOCOL IN (allocation length) and OUT (transfer length). */
struct t10_cdb_security {
    uint8_t protocol;
    uint16_t sp_specific;
    bool inc_512;
    uint32_t len;
};
struct t10_cdb_allow_overwrite {
    uint8_t code, partition;
    uint64_t lo_id;
};
struct t10_cdb_format_medium {
    bool verify, immed;
    uint8_t format;
    uint16_t xfer_len;
};
struct t10_cdb_set_capacity {
    bool immed;
    uint16_t proportion;
};

/* A decoded CDB. Decoders fill every member; builders read kind, control and the
 * union member for kind (op and len are derived from kind). */
struct t10_cdb {
    enum t10_cdb_kind kind;
    uint8_t op;      /* operation code (byte 0)                                */
    uint8_t len;     /* the command's CDB length                               */
    uint8_t control; /* CONTROL byte (decoders return only vendor bits 7-6)    */
    union {
        struct t10_cdb_request_sense request_sense;
        struct t10_cdb_inquiry inquiry;
        struct t10_cdb_mode_sense mode_sense;   /* MODE SENSE(6) and (10)      */
        struct t10_cdb_mode_select mode_select; /* MODE SELECT(6) and (10)     */
        struct t10_cdb_log_sense log_sense;
        struct t10_cdb_log_select log_select;
        struct t10_cdb_report_luns report_luns;
        struct t10_cdb_rsoc rsoc;
        struct t10_cdb_reserve reserve; /* RESERVE/RELEASE (6) and (10) */
        struct t10_cdb_pr_in pr_in;
        struct t10_cdb_pr_out pr_out;
        struct t10_cdb_prevent_allow prevent_allow;
        struct t10_cdb_send_diag send_diag;
        struct t10_cdb_read_attr read_attr;
        struct t10_cdb_write_attr write_attr;
        struct t10_cdb_res res; /* READ ELEMENT STATUS          */
        struct t10_cdb_move move;
        struct t10_cdb_exchange exchange;
        struct t10_cdb_init_range init_range; /* 37h and E7h                  */
        struct t10_cdb_position position;
        struct t10_cdb_open_close open_close;
        struct t10_cdb_send_voltag send_voltag;
        struct t10_cdb_req_vol_addr req_vol_addr;
        struct t10_cdb_rw6 rw6; /* READ(6) and WRITE(6)         */
        struct t10_cdb_write_fm write_fm;
        struct t10_cdb_space space;   /* SPACE(6) and (16)            */
        struct t10_cdb_locate locate; /* LOCATE(10) and (16)          */
        struct t10_cdb_read_pos read_pos;
        struct t10_cdb_immed rewind;
        struct t10_cdb_erase erase;
        struct t10_cdb_block_limits block_limits;
        struct t10_cdb_density density;
        struct t10_cdb_load_unload load_unload;
        struct t10_cdb_verify6 verify6;
        struct t10_cdb_buffer buffer; /* READ BUFFER and WRITE BUFFER */
        struct t10_cdb_recv_diag recv_diag;
        struct t10_cdb_timestamp timestamp; /* REPORT and SET TIMESTAMP     */
        struct t10_cdb_security security;   /* SECURITY PROTOCOL IN and OUT */
        struct t10_cdb_allow_overwrite allow_overwrite;
        struct t10_cdb_format_medium format_medium;
        struct t10_cdb_set_capacity set_capacity;
    } u;
};

/* t10_cdb_decode() - decode the command in @cdb for a logical unit of type @pdt.
 * @cdb, @len   the CDB as received; @len may exceed the command's length (padding).
 * @pdt         decides between same-opcode commands (1Bh LOAD UNLOAD on a tape drive,
 *              OPEN/CLOSE IMPORT/EXPORT ELEMENT on a changer); T10_PDT_NONE allows SPC
 *              commands only.
 * @out         filled on success; zeroed on failure.
 * @bad         filled on T10_EINVAL, T10_EOPCODE and T10_ESHORT (cd = true); may be NULL.
 * Returns T10_OK, T10_EOPCODE (not a command this module decodes for @pdt), T10_ESHORT
 * (@len below the command's length, or 0) or T10_EINVAL. */
enum t10_rc t10_cdb_decode(const uint8_t *cdb, size_t len, enum t10_pdt pdt, struct t10_cdb *out,
                           struct t10_field_ptr *bad);

/* As t10_cdb_decode() but for one expected command: T10_EOPCODE (pointer byte 0) when
 * cdb[0] is not @kind's operation code (or the service action is not @kind's). */
enum t10_rc t10_cdb_decode_as(const uint8_t *cdb, size_t len, enum t10_cdb_kind kind,
                              struct t10_cdb *out, struct t10_field_ptr *bad);

/* Writes the CDB for @c (kind, control, u.<member>) into @out. Returns its length (6, 10,
 * 12 or 16), writing at most @cap bytes; 0 and nothing written when c->kind is unknown or
 * a value does not fit its field. */
size_t t10_cdb_build(uint8_t *out, size_t cap, const struct t10_cdb *c);

/* The command kind for @op on @pdt (service action read from @cdb when the opcode has one;
 * @cdb may be NULL when @len is 0, giving UNKNOWN for service-action opcodes). */
enum t10_cdb_kind t10_cdb_kind_of(const uint8_t *cdb, size_t len, enum t10_pdt pdt);

/* Operation code, CDB length and a name ("MOVE MEDIUM") of @kind; 0/0/"UNKNOWN" for unknown. */
uint8_t t10_cdb_kind_op(enum t10_cdb_kind kind);
uint8_t t10_cdb_kind_len(enum t10_cdb_kind kind);
const char *t10_cdb_kind_name(enum t10_cdb_kind kind);

/* CDB length implied by the GROUP CODE of @op (SPC-4 4.3.2): 6, 10, 12 or 16; 0 for
 * reserved, variable-length (7Fh) and vendor-specific groups. */
size_t t10_cdb_group_len(uint8_t op);

/* ALLOCATION LENGTH of a decoded data-in command (0 if it has none, and 0 for SECURITY
 * PROTOCOL IN/OUT with INC_512, whose length counts 512-byte units); PARAMETER LIST
 * LENGTH (or transfer length in bytes where known) of a data-out command (0 if none). */
uint32_t t10_cdb_alloc_len(const struct t10_cdb *c);
uint32_t t10_cdb_param_len(const struct t10_cdb *c);

/* CDB USAGE DATA for RSOC (SPC-4 6.35.3): byte 0 the opcode, then for each byte a mask of
 * the bits the decoder for @kind interprets (reserved bits 0); CONTROL reported as 00h
 * because NACA and LINK are not supported. Returns the CDB length, writing at most @cap
 * bytes; 0 for an unknown kind. */
size_t t10_cdb_usage(enum t10_cdb_kind kind, uint8_t *out, size_t cap);

/* Field pointer (cd = true, BPV set, bit = the field's most significant bit) of a field
 * the decoder accepted but the device rejects: a page code it does not serve, an INVERT
 * it does not support. @member_off is offsetof(struct t10_cdb, u.<member>); use the macro:
 *     bad = T10_CDB_FIELD(T10_CDB_MODE_SENSE6, mode_sense.page);   -> byte 2, bit 5
 * A member the kind does not have gives byte 0 without BPV (never happens for members
 * the decoder fills; the tests check every one). */
struct t10_field_ptr t10_cdb_field(enum t10_cdb_kind kind, size_t member_off);
#define T10_CDB_FIELD(kind, member) t10_cdb_field((kind), offsetof(struct t10_cdb, u.member))

/* SERVICE ACTION field (byte 1 bits 4..0) of any command that has one. */
extern const struct t10_field_ptr t10_fp_service_action;

/* The ASC/ASCQ a target reports for a decode failure @rc: 20/00 for T10_EOPCODE,
 * 24/00 for T10_EINVAL and T10_ESHORT, 00/00 for T10_OK. */
uint16_t t10_cdb_error_asc(enum t10_rc rc);

#endif
