/* SPDX-License-Identifier: MIT
 * Time-ordered GUID generation (see guid.h). Randomness seeded from getrandom(2); the counter
 * keeps identifiers made in the same millisecond ordered and distinct.
 */
#include "rsm/engine/guid.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t guid_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t guid_last_ms;
static uint16_t guid_seq;

/* splitmix64 (public domain, Vigna): a per-thread generator seeded once from getrandom(2).
 * The random half only has to make identifiers from different processes and hosts
 * distinct; a system call per GUID cost 2 % of a bulk load. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t random64(void)
{
    static __thread uint64_t state;
    static __thread pid_t seeded_pid;
    pid_t pid = getpid();
    if (seeded_pid != pid) { /* first use in this thread, or a fork()ed child */
        uint64_t seed = 0;
        if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20);
        }
        state = seed ^ ((uint64_t)pid << 32) ^ (uint64_t)(uintptr_t)&state;
        seeded_pid = pid;
    }
    return splitmix64(&state);
}

void rsm_guid_new(struct rsm_guid *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    uint64_t r = random64();
    uint8_t rnd[8];
    memcpy(rnd, &r, sizeof rnd);
    pthread_mutex_lock(&guid_mu);
    if (ms <= guid_last_ms) {
        ms = guid_last_ms;
        if (++guid_seq == 0) /* 65536 ids in one ms: borrow the next millisecond */
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
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}
