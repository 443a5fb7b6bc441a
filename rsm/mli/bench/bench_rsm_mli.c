/* SPDX-License-Identifier: MIT
 * rsm/mli/bench/bench_rsm_mli.c - what one OMID claim costs, next to what reading the label
 * block costs. Identification must never be the slow part of an inventory: the aim is a
 * claim well under the time an LTO-8 drive needs just to stream the same bytes (360 MB/s
 * native), so the peer column is that transfer time. Cases: a 64 KiB block nobody claims
 * (every claimer looks and declines: the worst case), RSM's free label (first claimer), a
 * Bacula label (CRC over the block) and an MTF label without GUID (MD5 of the DBLK).
 * Prints Markdown rows for bench/run.sh; best of 3 runs of N claims each.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rsm/mli/mli.h"

#define LTO8_BYTES_PER_US 360.0 /* 360 MB/s native = 360 bytes per microsecond */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Microseconds per claim of buf[0..len), best of 3 runs; *rc the last result. */
static double per_claim(const uint8_t *buf, size_t len, int n, enum rsm_mli_rc *rc)
{
    double best = 1e30;
    struct rsm_mli_result r;
    for (int run = 0; run < 3; run++) {
        double t0 = now_us();
        for (int i = 0; i < n; i++)
            *rc = rsm_mli_claim(NULL, buf, len, &r);
        double us = (now_us() - t0) / n;
        if (us < best)
            best = us;
    }
    return best;
}

static void row(const char *what, const uint8_t *buf, size_t len, enum rsm_mli_rc want)
{
    enum rsm_mli_rc rc = RSM_MLI_EINVAL;
    double us = per_claim(buf, len, 20000, &rc);
    double read_us = len / LTO8_BYTES_PER_US;
    printf("| mli: claim %s, %zu bytes | %.2f us%s | <= 10 us | "
           "read at 360 MB/s %.1f us / %.1f%% |\n",
           what, len, us, rc == want ? "" : " (WRONG RESULT)", read_us, 100.0 * us / read_us);
}

int main(void)
{
    static uint8_t block[65536];
    uint32_t x = 1;
    for (size_t i = 0; i < sizeof block; i++) {
        x = x * 1103515245u + 12345u;
        block[i] = (uint8_t)(x >> 16);
    }
    row("unrecognised 64 KiB block, every claimer declines", block, sizeof block,
        RSM_MLI_UNCLAIMED);

    static const uint8_t id[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    uint8_t lab[RSM_MLI_FREE_LABEL_LEN];
    rsm_mli_free_label_build(lab, sizeof lab, id, "A00001", 0);
    row("RSM free label", lab, sizeof lab, RSM_MLI_OK);

    /* A Bacula BB02 label block: header, record, label data; CRC over 4..end. */
    static uint8_t bac[64512];
    static const char data[] = "Bacula 1.0 immortal\n";
    size_t off = 24 + 12, d = off;
    memcpy(bac + d, data, sizeof data), d += sizeof data;
    bac[d + 3] = 11, d += 4 + 32; /* VerNum 11, zero dates */
    static const char *const strs[] = {"VOL-0001", "",      "Default", "Backup", "File",
                                       "host",     "bench", "1",       "today"};
    for (size_t i = 0; i < 9; i++)
        memcpy(bac + d, strs[i], strlen(strs[i]) + 1), d += strlen(strs[i]) + 1;
    memcpy(bac + 12, "BB02", 4);
    bac[4] = (uint8_t)(d >> 24), bac[5] = (uint8_t)(d >> 16), bac[6] = (uint8_t)(d >> 8),
    bac[7] = (uint8_t)d;
    memset(bac + 24, 0xFF, 4); /* FileIndex PRE_LABEL */
    size_t dl = d - off;
    bac[32] = (uint8_t)(dl >> 24), bac[33] = (uint8_t)(dl >> 16), bac[34] = (uint8_t)(dl >> 8),
    bac[35] = (uint8_t)dl;
    memset(bac, 0, 4); /* checksum 0: "Block Checksum = no" */
    row("Bacula label in a 64512-byte block", bac, sizeof bac, RSM_MLI_OK);

    /* An MTF TAPE DBLK with one ANSI string, no GUID: the ID is an MD5. */
    static uint8_t mtf[1024];
    memcpy(mtf, "TAPE", 4);
    mtf[48] = 1;
    mtf[93] = 1;
    memcpy(mtf + 94, "Weekly full", 11);
    mtf[68] = 11, mtf[70] = 94;
    uint16_t sum = 0;
    for (int i = 0; i < 25; i++)
        sum ^= (uint16_t)(mtf[2 * i] | mtf[2 * i + 1] << 8);
    mtf[50] = (uint8_t)sum, mtf[51] = (uint8_t)(sum >> 8);
    row("MTF TAPE block without GUID, MD5 ID", mtf, sizeof mtf, RSM_MLI_OK);
    return 0;
}
