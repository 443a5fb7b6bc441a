/* SPDX-License-Identifier: MIT
 * sim/iscsi/text.h - iSCSI text keys (RFC 7143 clauses 6 and 13): parsing a data segment of
 * key=value pairs, building one, value forms (numbers, booleans, lists) and the result
 * function of every operational key the target negotiates.
 *
 * Rules applied (clause 6.1, 6.2, 13):
 *  - a data segment is a sequence of "key=value" strings, each terminated by NUL;
 *  - a key name is 1..63 bytes of [A-Za-z0-9.-+@_]; a value is at most 255 bytes, except
 *    binary values of the CHAP keys (up to VTL_ISCSI_BINVAL_MAX bytes of text);
 *  - numbers are decimal or 0x-hex (64-bit at most), booleans are Yes/No, lists are
 *    comma-separated;
 *  - result functions: Boolean AND (ImmediateData), Boolean OR (InitialR2T, DataPDUInOrder,
 *    DataSequenceInOrder), numeric minimum (MaxConnections, MaxBurstLength,
 *    FirstBurstLength, DefaultTime2Retain, MaxOutstandingR2T, ErrorRecoveryLevel,
 *    iSCSIProtocolLevel), numeric maximum (DefaultTime2Wait), list = first value of the
 *    initiator's list that the target supports (HeaderDigest, DataDigest, TaskReporting);
 *  - a malformed or out-of-range value is answered "Reject" and the default stays;
 *    an unknown key is answered "NotUnderstood"; a key that does not apply (markers that
 *    are off, session keys in a discovery session) is answered "Irrelevant".
 *
 * No I/O and no locks. The builder allocates (see struct vtl_iscsi_textbuf).
 */
#ifndef OPENRSM_SIM_ISCSI_TEXT_H
#define OPENRSM_SIM_ISCSI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/iscsi/pdu.h"

#define VTL_ISCSI_KEY_MAX     63
#define VTL_ISCSI_VALUE_MAX   255
#define VTL_ISCSI_BINVAL_MAX  8192
#define VTL_ISCSI_NAME_MAX    223    /* iSCSI names are at most 223 bytes (clause 4.2.7.1) */

/* One parsed pair; both strings are borrowed from the buffer given to the parser. */
struct vtl_iscsi_kv {
    const char *key;
    const char *value;
};

/* vtl_iscsi_text_parse() - split a data segment into pairs, in place.
 * @buf, @len  the segment; '=' of each pair is overwritten by NUL, nothing else changes.
 * @kv, @cap   filled with up to @cap pairs; *n gets the count.
 * Returns EINVAL for a pair without '=' or NUL terminator, an empty or too long key, a key
 * with a character outside the allowed set, a too long value; ERANGE for more than @cap
 * pairs. On error *n is the number of pairs parsed before the bad one. */
enum vtl_iscsi_rc vtl_iscsi_text_parse(char *buf, size_t len, struct vtl_iscsi_kv *kv, size_t cap,
                                       size_t *n);

/* A growing text buffer of "key=value\0" pairs, never larger than @max bytes. */
struct vtl_iscsi_textbuf {
    char *buf;          /* owned; free with vtl_iscsi_textbuf_free() */
    size_t len, cap, max;
    bool overflow;      /* an add did not fit within max: the buffer holds what did */
};
void vtl_iscsi_textbuf_init(struct vtl_iscsi_textbuf *tb, size_t max);
void vtl_iscsi_textbuf_free(struct vtl_iscsi_textbuf *tb);
/* Appends "key=value\0". Returns ERANGE (and sets overflow) if it would exceed max, ENOMEM
 * if allocation fails. */
enum vtl_iscsi_rc vtl_iscsi_textbuf_add(struct vtl_iscsi_textbuf *tb, const char *key,
                                        const char *value);
enum vtl_iscsi_rc vtl_iscsi_textbuf_addu(struct vtl_iscsi_textbuf *tb, const char *key, uint64_t v);
/* True if a pair for @key is already in the buffer. */
bool vtl_iscsi_textbuf_has(const struct vtl_iscsi_textbuf *tb, const char *key);

/* Value forms. */
enum vtl_iscsi_rc vtl_iscsi_parse_number(const char *s, uint64_t *out); /* decimal or 0x */
enum vtl_iscsi_rc vtl_iscsi_parse_bool(const char *s, bool *out);        /* Yes / No */
/* True if @item is one of the comma-separated values of @list. */
bool vtl_iscsi_list_has(const char *list, const char *item);
/* First value of @offered (comma list, initiator's order of preference) also in
 * @supported (comma list); copied to @out (cap bytes). Returns false if none: the answer
 * is then "Reject". */
bool vtl_iscsi_list_pick(const char *offered, const char *supported, char *out, size_t cap);

/* Result functions. */
bool vtl_iscsi_result_and(bool offered, bool ours);
bool vtl_iscsi_result_or(bool offered, bool ours);
uint64_t vtl_iscsi_result_min(uint64_t offered, uint64_t ours);
uint64_t vtl_iscsi_result_max(uint64_t offered, uint64_t ours);

/* Operational parameters of one session/connection. The target's policy uses the same
 * struct: vtl_iscsi_params_default() gives the RFC defaults (clause 13). */
struct vtl_iscsi_params {
    bool header_digest, data_digest;     /* CRC32C on/off */
    uint32_t max_connections;
    bool initial_r2t, immediate_data;
    uint32_t max_recv_dsl_ini;           /* initiator's declared MaxRecvDataSegmentLength:
                                          * the largest data segment we may send */
    uint32_t max_recv_dsl_tgt;           /* ours: the largest the initiator may send */
    uint32_t max_burst, first_burst;
    uint32_t time2wait, time2retain;
    uint32_t max_outstanding_r2t;
    bool data_pdu_in_order, data_seq_in_order;
    uint32_t erl;
    uint32_t protocol_level;             /* iSCSIProtocolLevel (RFC 7144) */
};
void vtl_iscsi_params_default(struct vtl_iscsi_params *p);

/* vtl_iscsi_negotiate_key() - answer one operational key offered by the initiator.
 * @neg       the session's values, updated with the result.
 * @policy    the target's limits and wishes (for lists: digests allowed when true).
 * @discovery a discovery session: session-wide data keys are answered Irrelevant.
 * @rsp       gets the answer pair (declarative MaxRecvDataSegmentLength gets none: the
 *            target declares its own separately).
 * Returns OK with *handled=true if @key is an operational key; *handled=false for keys the
 * caller owns (security, names, SessionType, SendTargets...). An unknown key (or an X-
 * extension) is answered NotUnderstood and counts as handled. Returns ERANGE only if @rsp
 * is full. */
enum vtl_iscsi_rc vtl_iscsi_negotiate_key(struct vtl_iscsi_params *neg,
                                          const struct vtl_iscsi_params *policy, bool discovery,
                                          const char *key, const char *value,
                                          struct vtl_iscsi_textbuf *rsp, bool *handled);

/* True if RFC 7143 (or RFC 3720/7144) defines @key. */
bool vtl_iscsi_key_known(const char *key);

/* Clamp dependent values once negotiation ends (FirstBurstLength <= MaxBurstLength). */
void vtl_iscsi_params_finish(struct vtl_iscsi_params *neg);

#endif
