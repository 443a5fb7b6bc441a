/* SPDX-License-Identifier: MIT
 * scsi/be.h - big-endian field access for T10 structures (all T10 multi-byte fields are
 * big-endian, SPC-4 3.5.2).
 *
 * Every getter widens each byte to the result type before shifting, so no byte is
 * shifted into a sign bit (the `p[0] << 24` bug of int promotion) and unaligned buffers
 * are fine. Putters store the low bytes of @v. These are the one place in the project
 * that defines functions in a header: they are static inline so the compiler can fold
 * them into a single load or store, and they hold no state.
 * Callers check lengths first; these read or write exactly the named number of bytes.
 */
#ifndef OPENRSM_SCSI_BE_H
#define OPENRSM_SCSI_BE_H

#include <stdint.h>

static inline uint16_t t10_get_be16(const uint8_t *p)
{
    return (uint16_t)((uint32_t)p[0] << 8 | (uint32_t)p[1]);
}

static inline uint32_t t10_get_be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | (uint32_t)p[2];
}

static inline uint32_t t10_get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t t10_get_be48(const uint8_t *p)
{
    return (uint64_t)t10_get_be16(p) << 32 | (uint64_t)t10_get_be32(p + 2);
}

static inline uint64_t t10_get_be64(const uint8_t *p)
{
    return (uint64_t)t10_get_be32(p) << 32 | (uint64_t)t10_get_be32(p + 4);
}

static inline void t10_put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void t10_put_be24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

static inline void t10_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void t10_put_be48(uint8_t *p, uint64_t v)
{
    t10_put_be16(p, (uint32_t)(v >> 32));
    t10_put_be32(p + 2, (uint32_t)v);
}

static inline void t10_put_be64(uint8_t *p, uint64_t v)
{
    t10_put_be32(p, (uint32_t)(v >> 32));
    t10_put_be32(p + 4, (uint32_t)v);
}

#endif
