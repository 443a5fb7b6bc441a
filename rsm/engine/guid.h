/* SPDX-License-Identifier: MIT
 * rsm_guid: the engine's 16-byte object identifier, byte-for-byte the Windows GUID that
 * the API hands out (the API copies the 16 bytes; no field is reinterpreted).
 *
 * New identifiers are time-ordered (like RFC 9562 UUIDv7): bytes 0..5 are the creation
 * time in milliseconds, big-endian, bytes 6..7 a per-process counter, bytes 8..15 random.
 * So objects created together sit together in the database's B-trees, which keeps bulk
 * inserts of a million media fast. Applications may also supply their own random GUIDs.
 */
#ifndef RSM_ENGINE_GUID_H
#define RSM_ENGINE_GUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rsm_guid {
    uint8_t b[16];
};

/* A fresh identifier, never all-zero. Thread-safe. */
void rsm_guid_new(struct rsm_guid *out);
/* True when all 16 bytes are zero ("none" in NTMS). @g may be NULL (counts as null). */
bool rsm_guid_is_null(const struct rsm_guid *g);
bool rsm_guid_eq(const struct rsm_guid *a, const struct rsm_guid *b);
/* Text form {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} of the raw bytes into @out (>= 39 bytes). */
void rsm_guid_str(const struct rsm_guid *g, char *out, size_t cap);

#endif
