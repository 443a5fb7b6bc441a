/* SPDX-License-Identifier: MIT
 * sim/tape/tape_crc.c - CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, as in iSCSI
 * and ext4), the checksum of every structure in a tape image (FORMAT.md).
 *
 * Why not zlib's crc32(): every block written or read is checksummed, so the checksum
 * runs at data rate. On x86-64 with SSE4.2 the crc32 instruction does 8 bytes per step
 * but with a 3-cycle latency; running three independent streams over three thirds of a
 * chunk hides it, and the three results are joined with a precomputed "append N zero
 * bytes" operator (the CRC register is linear, so crc(A||B) = zeros(crc(A), |B|) ^
 * crc(B) for raw register values). Elsewhere a byte-wise table does the same arithmetic.
 * Both paths give identical results; tests compare them.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "sim/tape/tape_int.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define TAPE_CRC_HW 1
#endif

#define POLY   0x82F63B78u
#define STRIPE 4096u /* bytes per stream in the 3-way loop */

static uint32_t byte_tab[256];
static uint32_t shift_tab[4][256]; /* raw register -> register after STRIPE zero bytes */
static bool have_hw;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint32_t sw_raw(uint32_t s, const uint8_t *p, size_t n)
{
    while (n--)
        s = byte_tab[(s ^ *p++) & 0xFFu] ^ (s >> 8);
    return s;
}

static uint32_t shift_stripe(uint32_t s)
{
    return shift_tab[0][s & 0xFF] ^ shift_tab[1][(s >> 8) & 0xFF] ^ shift_tab[2][(s >> 16) & 0xFF] ^
           shift_tab[3][s >> 24];
}

static void init(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
        byte_tab[b] = c;
    }
    /* The zeros operator is linear: find the image of each of the 32 unit registers,
     * then tabulate it per byte of the register. */
    static const uint8_t zeros[STRIPE];
    uint32_t img[32];
    for (int i = 0; i < 32; i++)
        img[i] = sw_raw(UINT32_C(1) << i, zeros, STRIPE);
    for (int k = 0; k < 4; k++)
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t v = 0;
            for (int i = 0; i < 8; i++)
                if (b & (1u << i))
                    v ^= img[8 * k + i];
            shift_tab[k][b] = v;
        }
#ifdef TAPE_CRC_HW
    __builtin_cpu_init();
    have_hw = __builtin_cpu_supports("sse4.2");
#endif
}

#ifdef TAPE_CRC_HW
__attribute__((target("sse4.2"))) static uint32_t hw_run(uint32_t s, const uint8_t *p, size_t n)
{
    uint64_t s64 = s;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        s64 = _mm_crc32_u64(s64, w);
    }
    s = (uint32_t)s64;
    for (; n; n--)
        s = _mm_crc32_u8(s, *p++);
    return s;
}

__attribute__((target("sse4.2"))) static uint32_t hw_raw(uint32_t s, const uint8_t *p, size_t n)
{
    while (n >= 3 * STRIPE) {
        uint64_t a = s, b = 0, c = 0;
        for (size_t i = 0; i < STRIPE; i += 8) {
            uint64_t wa, wb, wc;
            memcpy(&wa, p + i, 8);
            memcpy(&wb, p + STRIPE + i, 8);
            memcpy(&wc, p + 2 * STRIPE + i, 8);
            a = _mm_crc32_u64(a, wa);
            b = _mm_crc32_u64(b, wb);
            c = _mm_crc32_u64(c, wc);
        }
        s = shift_stripe(shift_stripe((uint32_t)a) ^ (uint32_t)b) ^ (uint32_t)c;
        p += 3 * STRIPE;
        n -= 3 * STRIPE;
    }
    return hw_run(s, p, n);
}
#endif

uint32_t tape_crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
    pthread_once(&once, init);
    return ~sw_raw(~crc, buf, len);
}

uint32_t tape_crc32(uint32_t crc, const void *buf, size_t len)
{
    pthread_once(&once, init);
#ifdef TAPE_CRC_HW
    if (have_hw)
        return ~hw_raw(~crc, buf, len);
#endif
    return ~sw_raw(~crc, buf, len);
}
