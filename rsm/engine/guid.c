/* SPDX-License-Identifier: MIT
 * Time-ordered GUID generation (see guid.h). Randomness from getrandom(2); the counter
 * keeps identifiers made in the same millisecond ordered and distinct.
 */
#include "rsm/engine/guid.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static pthread_mutex_t guid_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t guid_last_ms;
static uint16_t guid_seq;

void rsm_guid_new(struct rsm_guid *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    uint8_t rnd[8];
    size_t got = 0;
    while (got < sizeof rnd) {
        ssize_t n = getrandom(rnd + got, sizeof rnd - got, 0);
        if (n <= 0) {   /* no entropy source: fall back on address and time bits */
            uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)(uintptr_t)out << 17) ^ ms;
            memcpy(rnd, &x, sizeof rnd);
            break;
        }
        got += (size_t)n;
    }
    pthread_mutex_lock(&guid_mu);
    if (ms <= guid_last_ms) {
        ms = guid_last_ms;
        if (++guid_seq == 0)   /* 65536 ids in one ms: borrow the next millisecond */
            ms = ++guid_last_ms;
    } else {
        guid_last_ms = ms;
        guid_seq = 0;
    }
    uint16_t seq = guid_seq;
    pthread_mutex_unlock(&guid_mu);
    for (int i = 0; i < 6; i++)
        out->b[i] = (uint8_t)(ms >> (40 - 8 * i));
    out->b[6] = (uint8_t)(seq >> 8);
    out->b[7] = (uint8_t)seq;
    memcpy(out->b + 8, rnd, 8);
    out->b[8] = (uint8_t)((out->b[8] & 0x3f) | 0x80); /* RFC 9562 variant bits: never null */
}

bool rsm_guid_is_null(const struct rsm_guid *g)
{
    static const struct rsm_guid zero;
    return !g || memcmp(g->b, zero.b, 16) == 0;
}

bool rsm_guid_eq(const struct rsm_guid *a, const struct rsm_guid *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}

void rsm_guid_str(const struct rsm_guid *g, char *out, size_t cap)
{
    const uint8_t *b = g->b;
    snprintf(out, cap, "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}
