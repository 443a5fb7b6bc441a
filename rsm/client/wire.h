/* SPDX-License-Identifier: MIT
 * The rsmd wire format (rsm/server/PROTOCOL.md), shared by librsm's client mode and rsmd:
 * one JSON object per line, built and parsed with jansson. This file holds the value
 * encodings (GUIDs, byte strings, result codes, access lists, object records) and the
 * line I/O; which operations exist is the protocol document's business.
 *
 * Thread use: the helpers keep no state. rsm_wire_read_line() reads from one fd owned by
 * the caller; two threads must not read the same fd at once.
 */
#ifndef RSM_CLIENT_WIRE_H
#define RSM_CLIENT_WIRE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "rsm/engine/engine.h"

/* Protocol version sent in "hello"; bumped on any incompatible change. */
#define RSM_WIRE_VERSION 1
/* Longest line accepted (bytes, newline included). rsmd reads requests, whose largest
 * legitimate form is an attribute of RSM_ATTR_DATA_MAX bytes in base64 (~88 KiB) or a
 * CreateNtmsMedia of 64 sides: a client that sends more is cut off rather than allowed to
 * grow the daemon's memory (1 MiB per connection at most). librsm reads responses, of
 * which an enumeration of a million objects (~41 MiB) is the largest. */
#define RSM_WIRE_MAX_REQUEST  (1u << 20)
#define RSM_WIRE_MAX_RESPONSE (256u << 20)

/* GUID <-> "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (the raw 16 bytes in order). JSON null
 * or a missing value decodes as the null GUID with *present = 0. */
json_t *rsm_wire_guid(const struct rsm_guid *g);
int rsm_wire_get_guid(const json_t *v, struct rsm_guid *out, int *present);

/* Bytes <-> base64 string (RFC 4648, padded). get returns a malloc'd buffer (*len bytes;
 * never NULL on success, even for 0 bytes) or NULL on malformed input. */
json_t *rsm_wire_bytes(const void *data, size_t len);
uint8_t *rsm_wire_get_bytes(const json_t *v, size_t *len);

/* rsm_rc <-> its constant name ("RSM_E_BUSY"); an unknown name gives RSM_E_DB_FAILURE
 * (the peer speaks a different version: treated as a failed call, never as success). */
json_t *rsm_wire_rc(rsm_rc rc);
rsm_rc rsm_wire_get_rc(const json_t *v);

/* struct rsm_acl <-> {"owner":u,"group":g,"aces":[[kind,id,mask],...]}. */
json_t *rsm_wire_acl(const struct rsm_acl *acl);
int rsm_wire_get_acl(const json_t *v, struct rsm_acl *out);

/* struct rsm_objinfo <-> {"type", "guid", "name", "descr", "enabled", "opstate",
 * "created_ms", "modified_ms", "u"}: the common header as readable fields, and the
 * type-specific member (the union, rsm/engine/model.h) as base64 of its bytes in memory up
 * to the last non-zero one; the reader zero-fills the rest. Both ends are the same build
 * (hello checks the record size, "abi"). */
json_t *rsm_wire_objinfo(const struct rsm_objinfo *o);
int rsm_wire_get_objinfo(const json_t *v, struct rsm_objinfo *out);

/* Writes @msg as one compact line (+ '\n') to @fd, retrying short writes and EINTR.
 * 0 on success, -1 on error (errno set). */
int rsm_wire_send(int fd, const json_t *msg);
/* Reads one line of at most @max bytes from @fd into a growing buffer *@buf (capacity
 * *@cap, *@have bytes held, leftovers kept for the next call) and parses it. NULL on EOF,
 * error, overlong line or bad JSON (*@err tells: 0 EOF, -1 I/O, -2 too long, -3 not JSON;
 * after -3 the bad line has been consumed and the stream is still in step). */
json_t *rsm_wire_read_line(int fd, size_t max, char **buf, size_t *cap, size_t *have, int *err);

#endif
