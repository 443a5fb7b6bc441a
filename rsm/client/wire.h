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

/* ---- the hot path without jansson ------------------------------------------------------
 * GetNtmsObjectInformation is the call applications make most. Building and parsing its
 * messages through jansson trees costs more than the engine call itself (dozens of small
 * allocations per message), so its request and reply have a direct encoder and reader.
 * They speak the same JSON as the rest (PROTOCOL.md): the encoder writes what jansson
 * would, and the reader accepts only a subset of what jansson accepts, answering "not
 * handled" for the rest so the caller can fall back to jansson, which then decides. */

/* A growable line buffer, reused from message to message. Owned by its user; free with
 * rsm_wire_buf_free(). Zero-initialised is empty. */
struct rsm_wire_buf {
    char *p;
    size_t len, cap;
};
void rsm_wire_buf_free(struct rsm_wire_buf *b);
/* Appends @len bytes; 0, or -1 when out of memory (b->len unchanged). */
int rsm_wire_buf_put(struct rsm_wire_buf *b, const void *data, size_t len);
/* Appends @msg as compact JSON (no newline); 0 or -1 (out of memory). */
int rsm_wire_buf_json(struct rsm_wire_buf *b, const json_t *msg);
/* Appends the object record @o as rsm_wire_objinfo() would encode it. -1, with b->len
 * unchanged, when out of memory or when a text field is not UTF-8 (jansson refuses such
 * text too: the caller takes the jansson path, so both give the same answer). */
int rsm_wire_buf_objinfo(struct rsm_wire_buf *b, const struct rsm_objinfo *o);
/* Sends b->p[0..b->len) as it is (the caller ends the line with '\n'), retrying short
 * writes and EINTR: one send() for any reply that fits the socket buffer. 0 or -1. */
int rsm_wire_send_buf(int fd, const struct rsm_wire_buf *b);

/* Appends the whole request line (with '\n') {"id":@id,"op":@op,"args":{"id":G,"type":u}},
 * the arguments of object_get and object_type. @op is one of those literal names. */
int rsm_wire_buf_get_request(struct rsm_wire_buf *b, uint64_t id, const char *op,
                             const struct rsm_guid *g, uint32_t type);

/* Reads an object_get request line (@line, @len bytes, no newline): {"id": integer, "op":
 * "object_get", "args": {"id": G, "type": u}}, members in any order, other members
 * skipped. Returns 1 with *id, *g and *type filled as jansson and rsmd's argument checks
 * would read them; 0 for any other line, or one this reader is not sure of (the caller
 * parses it with jansson). Never reads outside line[0..len). */
int rsm_wire_read_get_request(const char *line, size_t len, int64_t *id, struct rsm_guid *g,
                              uint32_t *type);

/* Appends the start of a reply, {"id":@id,"rc":"<name of @rc>","result": — the caller
 * appends the result value and "}\n". */
int rsm_wire_buf_reply_head(struct rsm_wire_buf *b, int64_t id, rsm_rc rc);

/* Reads a successful object_get reply line (@line, @len bytes, no newline):
 * {"id": @id, "rc": "RSM_OK", "result": {"object": O}}. Returns 1 with *id and *out
 * filled, exactly as jansson and rsm_wire_get_objinfo() would fill them; 0 when the line
 * is anything else (another rc, JSON this reader does not take: non-ASCII escapes it
 * cannot check, reals, duplicate keys, ...), with *out undefined: parse it with jansson.
 * Never reads outside line[0..len). */
int rsm_wire_read_objinfo_reply(const char *line, size_t len, uint64_t *id,
                                struct rsm_objinfo *out);

/* Writes @msg as one compact line (+ '\n') to @fd, retrying short writes and EINTR.
 * 0 on success, -1 on error (errno set). */
int rsm_wire_send(int fd, const json_t *msg);
/* Reads one line of at most @max bytes from @fd into a growing buffer *@buf (capacity
 * *@cap, *@have bytes held, leftovers kept for the next call) and parses it. NULL on EOF,
 * error, overlong line or bad JSON (*@err tells: 0 EOF, -1 I/O, -2 too long, -3 not JSON;
 * after -3 the bad line has been consumed and the stream is still in step). */
json_t *rsm_wire_read_line(int fd, size_t max, char **buf, size_t *cap, size_t *have, int *err);
/* rsm_wire_read_line() without the parse: on success returns 0 with the line (without its
 * '\n') at the start of *@buf, *@line_len bytes long; the caller reads it, then drops it
 * with rsm_wire_consume() before the next read. -1 on EOF, error or overlong line (*@err
 * as above). */
int rsm_wire_read_raw(int fd, size_t max, char **buf, size_t *cap, size_t *have,
                      size_t *line_len, int *err);
void rsm_wire_consume(char *buf, size_t *have, size_t line_len);

#endif
