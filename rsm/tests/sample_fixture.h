/* SPDX-License-Identifier: MIT
 * The "hardware" under rsm_sample_win: what rsmd's device layer would have recorded in an
 * RSM database after finding a small robotic library. Kept apart from the sample so the
 * sample itself uses nothing but the Windows API. */
#ifndef OPENRSM_RSM_TESTS_SAMPLE_FIXTURE_H
#define OPENRSM_RSM_TESTS_SAMPLE_FIXTURE_H

/* Barcodes of the cartridges the fixture puts in slots 1..3. */
#define SAMPLE_N_CARTRIDGES 3

/* Records in the database directory @dir (created if missing): the LTO Ultrium media type,
 * an online library "Sample Library" with a barcode reader and 4 storage slots, and three
 * unlabelled cartridges SMP001L8..SMP003L8 in slots 1..3, which therefore sit in the LTO
 * Unrecognized pool. Returns 0, or -1 after printing the failing step. */
int sample_fixture_build(const char *dir);

#endif
