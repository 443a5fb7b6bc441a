/* SPDX-License-Identifier: MIT
 * sim/iscsi/chap.h - CHAP for iSCSI login (RFC 7143 clause 12.1.3, RFC 1994) with MD5
 * (RFC 1321, CHAP_A=5), and the binary value forms CHAP keys use (clause 6.1: "0x" hex,
 * "0b" base64).
 *
 * The target authenticates the initiator: it sends CHAP_A, CHAP_I (identifier) and CHAP_C
 * (challenge); the initiator answers CHAP_N (name) and CHAP_R = MD5(I || secret || C).
 * For mutual CHAP the initiator adds its own CHAP_I and CHAP_C and the target answers
 * CHAP_N and CHAP_R with the target secret.
 *
 * No I/O, no allocation, no locks; any thread.
 */
#ifndef OPENRSM_SIM_ISCSI_CHAP_H
#define OPENRSM_SIM_ISCSI_CHAP_H

#include <stddef.h>
#include <stdint.h>

#include "sim/iscsi/pdu.h"

#define VTL_ISCSI_MD5_LEN       16
#define VTL_ISCSI_CHAP_ALG_MD5  5
#define VTL_ISCSI_CHAP_CHAL_LEN 16    /* bytes of challenge the target sends */
#define VTL_ISCSI_CHAP_BIN_MAX  1024  /* longest challenge or response accepted */

/* Incremental MD5 (RFC 1321). */
struct vtl_iscsi_md5 {
    uint32_t state[4];
    uint64_t n_bytes;
    uint8_t block[64];
};
void vtl_iscsi_md5_init(struct vtl_iscsi_md5 *m);
void vtl_iscsi_md5_update(struct vtl_iscsi_md5 *m, const void *buf, size_t len);
void vtl_iscsi_md5_final(struct vtl_iscsi_md5 *m, uint8_t out[VTL_ISCSI_MD5_LEN]);
/* One-shot digest of @buf. */
void vtl_iscsi_md5(const void *buf, size_t len, uint8_t out[VTL_ISCSI_MD5_LEN]);

/* vtl_iscsi_chap_md5() - CHAP response: MD5 of the one-byte identifier, the secret's bytes
 * and the challenge (RFC 1994 clause 4.1). */
void vtl_iscsi_chap_md5(uint8_t id, const char *secret, const uint8_t *chal, size_t chal_len,
                        uint8_t out[VTL_ISCSI_MD5_LEN]);

/* vtl_iscsi_bin_decode() - a binary value, "0x" + hex digits (an odd count gets a leading
 * zero nibble) or "0b" + base64, into @out (@cap bytes); *len gets the byte count.
 * Returns EINVAL for another prefix, a bad digit or empty data; ERANGE if over @cap. */
enum vtl_iscsi_rc vtl_iscsi_bin_decode(const char *s, uint8_t *out, size_t cap, size_t *len);

/* vtl_iscsi_hex_encode() - "0x" + upper-case hex of @buf into @out; needs 2*len+3 bytes.
 * Returns ERANGE if @cap is too small (out is then ""). */
enum vtl_iscsi_rc vtl_iscsi_hex_encode(const uint8_t *buf, size_t len, char *out, size_t cap);

#endif
