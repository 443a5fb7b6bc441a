/* SPDX-License-Identifier: MIT
 * rsm/mli/tests/test_claim.c - each built-in claimer on labels written by the real tool
 * (tar, btape, amlabel) or built byte for byte from the format's tables (VOL1, LTFS, IBM,
 * MTF), plus near misses, random data, truncation sweeps and the free-label round trip.
 * Fixtures: the .hex files in rsm/mli/testdata/, provenance in each file's header comment.
 * Run from the repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsm/mli/internal.h"
#include "rsm/mli/tests/suites.h"
#include "tests/lib/cutest.h"

#define FIX_MAX 65536

/* Loads rsm/mli/testdata/@name into a zeroed static buffer of FIX_MAX bytes. */
static size_t fixture(const char *name, uint8_t **out)
{
    static uint8_t buf[FIX_MAX];
    char path[256];
    memset(buf, 0, sizeof buf);
    snprintf(path, sizeof path, "rsm/mli/testdata/%s", name);
    long n = test_load_hex(path, buf, sizeof buf);
    CU_ASSERT_FATAL(n > 0);
    *out = buf;
    return (size_t)n;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

static void assert_id(const struct rsm_mli_result *r, const char *id)
{
    CU_ASSERT_EQUAL(r->id_len, strlen(id));
    CU_ASSERT(r->id_len == strlen(id) && memcmp(r->id, id, r->id_len) == 0);
}

/* Every prefix shorter than @need, as an exact-size heap copy (ASan sees over-reads),
 * must be refused by the named claimer, and the dispatcher must not give it to that claimer
 * (a shorter format may still claim a prefix: the free label's first 80 bytes are ANSI). */
static void sweep_short(const char *claimer, const uint8_t *buf, size_t need)
{
    struct rsm_mli_result r;
    for (size_t n = 0; n < need; n++) {
        uint8_t *cut = test_dup_exact(buf, n);
        CU_ASSERT_EQUAL(rsm_mli_claim_builtin(claimer, cut, n, &r), RSM_MLI_UNCLAIMED);
        if (rsm_mli_claim(NULL, cut, n, &r) == RSM_MLI_OK)
            CU_ASSERT_STRING_NOT_EQUAL(r.claimer, claimer);
        free(cut);
    }
}

static void test_ansi_vol1_claimed(void)
{
    uint8_t *b;
    size_t n = fixture("ansi-vol1.hex", &b);
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "ANSI");
    CU_ASSERT_STRING_EQUAL(r.type, "ANSI");
    CU_ASSERT_STRING_EQUAL(r.app, "ACMEBACKUP");
    assert_id(&r, "A00123");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.info, "owner OPERATIONS"));
    CU_ASSERT_FALSE(r.free_label);
    sweep_short("ANSI", b, 80);
}

static void test_ansi_near_misses_refused(void)
{
    uint8_t *b;
    size_t n = fixture("ansi-vol1.hex", &b);
    uint8_t v[80];
    struct rsm_mli_result r;
    memcpy(v, b, 80);
    v[3] = '2'; /* VOL2 is a continuation label, not a volume's first */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, v, n, &r), RSM_MLI_UNCLAIMED);
    memcpy(v, b, 80);
    v[4] = ' '; /* volser not left-justified */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, v, n, &r), RSM_MLI_UNCLAIMED);
    memcpy(v, b, 80);
    v[79] = '9'; /* no such label standard version */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, v, n, &r), RSM_MLI_UNCLAIMED);
    memcpy(v, b, 80);
    v[60] = 0x00; /* binary byte in a text label */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, v, n, &r), RSM_MLI_UNCLAIMED);
    memcpy(v, b, 80);
    v[5] = 'a'; /* lower case is not an a-character */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, v, n, &r), RSM_MLI_UNCLAIMED);
}

static void test_ltfs_vol1_claimed_as_ltfs(void)
{
    uint8_t *b;
    size_t n = fixture("ltfs-vol1.hex", &b);
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "LTFS");
    CU_ASSERT_STRING_EQUAL(r.type, "LTFS");
    CU_ASSERT_STRING_EQUAL(r.app, "LTFS");
    assert_id(&r, "LT0001");
    sweep_short("LTFS", b, 80);
    /* Without accessibility "L" it is an ordinary ANSI label written by "LTFS". */
    b[10] = ' ';
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "ANSI");
}

static void test_ibm_ebcdic_vol1_claimed(void)
{
    uint8_t *b;
    size_t n = fixture("ibm-vol1.hex", &b);
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "IBM");
    assert_id(&r, "PRD001"); /* converted to ASCII */
    CU_ASSERT_PTR_NOT_NULL(strstr(r.info, "owner SYSPROG"));
    sweep_short("IBM", b, 80);
    b[20] = 0xFF; /* not an EBCDIC label character */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_UNCLAIMED);
}

static void test_gnu_tar_volume_label_claimed(void)
{
    uint8_t *b;
    size_t n = fixture("tar-gnu-label.hex", &b);
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "TAR");
    CU_ASSERT_STRING_EQUAL(r.app, "GNU tar");
    assert_id(&r, "BACKUP-2026-01");
    CU_ASSERT_STRING_EQUAL(r.info, "tar volume label BACKUP-2026-01");
    sweep_short("TAR", b, 512);
}

static void test_pax_volume_label_claimed(void)
{
    uint8_t *b;
    size_t n = fixture("tar-pax-label.hex", &b);
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "TAR");
    assert_id(&r, "PAXVOL-7");
}

static void test_unlabelled_tar_claimed_by_first_member(void)
{
    uint8_t *b;
    fixture("tar-gnu-label.hex", &b);
    struct rsm_mli_result r;
    /* The fixture's second header is member f.txt, a plain GNU header. */
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b + 512, 512, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "TAR");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.info, "no volume label, first member f.txt"));
    CU_ASSERT(r.id_len > 6 && memcmp(r.id + r.id_len - 6, ":f.txt", 6) == 0);
}

static void test_tar_bad_checksum_refused(void)
{
    uint8_t *b;
    size_t n = fixture("tar-gnu-label.hex", &b);
    struct rsm_mli_result r;
    b[3] ^= 0x01; /* one bit in the name: the header sum no longer matches */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_UNCLAIMED);
    b[3] ^= 0x01;
    b[150] = '9'; /* not octal */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_UNCLAIMED);
}

static void test_tar_v7_header_without_magic_refused(void)
{
    uint8_t *b;
    fixture("tar-gnu-label.hex", &b);
    uint8_t h[512];
    memcpy(h, b + 512, 512);
    /* Drop the magic and fix the sum: a valid pre-POSIX header, which we do not claim. */
    memset(h + 257, 0, 8);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, h, 512, &r), RSM_MLI_UNCLAIMED);
}

static void test_bacula_label_claimed(void)
{
    uint8_t *b;
    size_t n = fixture("bacula-label.hex", &b);
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(n, 214);
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "BACULA");
    CU_ASSERT_STRING_EQUAL(r.app, "Bacula");
    assert_id(&r, "TESTVOL-0001");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.info, "pool Default (Backup), media type File"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.info, "labelled by btape Ver. 9.6.7"));
    /* As read from tape: the whole 64512-byte block, zero padded. */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, MLI_BACULA_MAX, &r), RSM_MLI_OK);
    sweep_short("BACULA", b, n);
}

static void test_bacula_corrupt_block_refused(void)
{
    uint8_t *b;
    size_t n = fixture("bacula-label.hex", &b);
    struct rsm_mli_result r;
    b[0x80] ^= 0x20; /* a volume name byte: the CRC no longer matches */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_UNCLAIMED);
    b[0x80] ^= 0x20;
    b[15] = '3'; /* "BB03" */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_UNCLAIMED);
    b[15] = '2';
    /* A data record (FileIndex 1) is not a label even with a correct checksum. */
    b[24] = b[25] = b[26] = 0;
    b[27] = 1;
    put_be32(b, rsm_mli_crc32(b + 4, n - 4));
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_UNCLAIMED);
}

static void test_bacula_bb01_label_claimed(void)
{
    uint8_t *b;
    size_t n = fixture("bacula-label.hex", &b);
    /* The same label in the pre-1.27 layout: 16-byte block header, 20-byte record header
     * (VolSessionId, VolSessionTime, FileIndex, Stream, DataSize). */
    static uint8_t old[512];
    size_t data_len = n - 36, len = 16 + 20 + data_len;
    memset(old, 0, sizeof old);
    memcpy(old + 12, "BB01", 4);
    put_be32(old + 4, (uint32_t)len);
    put_be32(old + 16, 1);
    put_be32(old + 24, (uint32_t)-1); /* PRE_LABEL */
    put_be32(old + 32, (uint32_t)data_len);
    memcpy(old + 36, b + 36, data_len);
    put_be32(old, rsm_mli_crc32(old + 4, len - 4));
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, old, len, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "BACULA");
    assert_id(&r, "TESTVOL-0001");
    put_be32(old + 32, (uint32_t)data_len + 1); /* record longer than its block */
    put_be32(old, rsm_mli_crc32(old + 4, len - 4));
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, old, len, &r), RSM_MLI_UNCLAIMED);
}

static void test_amanda_label_claimed(void)
{
    uint8_t *b;
    fixture("amanda-label.hex", &b);
    struct rsm_mli_result r;
    /* The header file is 32768 bytes, zero after the text: the fixture buffer is zeroed. */
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, MLI_AMANDA_MAX, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "AMANDA");
    CU_ASSERT_STRING_EQUAL(r.app, "Amanda");
    assert_id(&r, "MLI-0042");
    CU_ASSERT_STRING_EQUAL(r.info, "Amanda tape MLI-0042, labelled, never written");
    sweep_short("AMANDA", b, 39); /* the line ends at byte 38 */
}

static void test_amanda_near_misses_refused(void)
{
    struct rsm_mli_result r;
    const char *bad[] = {
        "AMANDA: TAPEEND DATE 20260101\n\014\n",    /* end-of-tape marker */
        "AMANDA: TAPESTART DATE 2026x TAPE A-1\n",  /* datestamp not digits */
        "AMANDA: TAPESTART DATE X TAPE \n",         /* no label */
        "AMANDA: TAPESTART DATE X TAPE MLI-1",      /* line never ends */
        "AMANDA: FILE 20260101 host /disk lev 0\n", /* a dump file, not the tape start */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(rsm_mli_claim(NULL, (const uint8_t *)bad[i], strlen(bad[i]), &r),
                        RSM_MLI_UNCLAIMED);
    const char *ok = "AMANDA: TAPESTART DATE 20261125093000 TAPE Daily-07\n\014\n";
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, (const uint8_t *)ok, strlen(ok), &r), RSM_MLI_OK);
    assert_id(&r, "Daily-07");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.info, "run 20261125093000"));
}

static void test_mtf_label_guid_is_the_id(void)
{
    uint8_t *b;
    size_t n = fixture("mtf-tape-guid.hex", &b);
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "MTF");
    CU_ASSERT_STRING_EQUAL(r.type, "NTBackup"); /* LabelType = SoftwareName (§4.4) */
    CU_ASSERT_STRING_EQUAL(r.info, "Media created 25/11/2026 at 12:00");
    CU_ASSERT_TRUE(r.has_guid);
    static const uint8_t g[16] = {0x6B, 0x29, 0xFC, 0x40, 0xCA, 0x47, 0x10, 0x67,
                                  0xB3, 0x1D, 0x00, 0xDD, 0x01, 0x06, 0x62, 0xDA};
    CU_ASSERT_EQUAL(r.id_len, 16);
    CU_ASSERT_EQUAL(memcmp(r.id, g, 16), 0);
    sweep_short("MTF", b, 94);
}

static void test_mtf_without_label_uses_md5(void)
{
    uint8_t *b;
    size_t n = fixture("mtf-tape-ansi.hex", &b);
    struct rsm_mli_result r, r2;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.type, "MTF");
    CU_ASSERT_STRING_EQUAL(r.info, "Weekly full");
    CU_ASSERT_FALSE(r.has_guid);
    uint8_t md5[16];
    rsm_mli_md5(b, 94 + strlen("Weekly full"), md5); /* header + its one string */
    CU_ASSERT_EQUAL(r.id_len, 16);
    CU_ASSERT_EQUAL(memcmp(r.id, md5, 16), 0);
    /* Another family ID is another tape: another ID. */
    b[52] ^= 1;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, b, n, &r2), RSM_MLI_OK);
    CU_ASSERT_NOT_EQUAL(memcmp(r.id, r2.id, 16), 0);
}

static void test_mtf_bad_checksum_or_string_refused(void)
{
    uint8_t *b;
    size_t n = fixture("mtf-tape-guid.hex", &b);
    struct rsm_mli_result r;
    b[20] ^= 0x40; /* inside the checksummed header */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_UNCLAIMED);
    b[20] ^= 0x40;
    b[71] = 0x7F; /* media name offset far past the buffer */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_UNCLAIMED);
    b[71] = 0;
    /* A SSET block is MTF but not the start of a tape. */
    memcpy(b, "SSET", 4);
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, n, &r), RSM_MLI_UNCLAIMED);
}

static void test_free_label_round_trip(void)
{
    static const uint8_t id[16] = {0x01, 0x8F, 0x3A, 0x5B, 0x7C, 0x9D, 0x00, 0x01,
                                   0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89};
    uint8_t lab[RSM_MLI_FREE_LABEL_LEN];
    CU_ASSERT_EQUAL_FATAL(rsm_mli_free_label_build(lab, sizeof lab, id, "a00001L8", 86400 * 365),
                          RSM_MLI_FREE_LABEL_LEN);
    CU_ASSERT_EQUAL(memcmp(lab, "VOL1A00001", 10), 0); /* barcode's volser, folded */
    struct rsm_mli_result r;
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, lab, sizeof lab, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "RSM");
    CU_ASSERT_TRUE(r.free_label);
    CU_ASSERT_EQUAL(memcmp(r.media_id, id, 16), 0);
    CU_ASSERT_EQUAL(r.id_len, 16);
    CU_ASSERT_EQUAL(memcmp(r.id, id, 16), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.info, "1971-01-01 00:00:00 UTC"));
    sweep_short("RSM", lab, RSM_MLI_FREE_LABEL_LEN);

    /* Its first 80 bytes alone are still a valid ANSI VOL1 (other tools can read it) but
     * not a free label: without the UVL1 there is no medium ID. */
    CU_ASSERT_EQUAL_FATAL(rsm_mli_claim(NULL, lab, 80, &r), RSM_MLI_OK);
    CU_ASSERT_STRING_EQUAL(r.claimer, "ANSI");
    CU_ASSERT_FALSE(r.free_label);
    CU_ASSERT_STRING_EQUAL(r.app, "OPENRSM");
}

static void test_free_label_builder_limits(void)
{
    static const uint8_t id[16] = {0xDE, 0xAD, 0xBE, 0xEF};
    uint8_t lab[RSM_MLI_FREE_LABEL_LEN + 8];
    struct rsm_mli_result r;
    /* An unusable volser (blank inside, too exotic) falls back to the GUID's hex. */
    CU_ASSERT_EQUAL(rsm_mli_free_label_build(lab, sizeof lab, id, "A B", 0), 160);
    CU_ASSERT_EQUAL(memcmp(lab + 4, "DEADBE", 6), 0);
    CU_ASSERT_EQUAL(rsm_mli_free_label_build(lab, sizeof lab, id, NULL, 0), 160);
    CU_ASSERT_EQUAL(memcmp(lab + 4, "DEADBE", 6), 0);
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, lab, 160, &r), RSM_MLI_OK);
    CU_ASSERT_TRUE(r.free_label);
    /* ALLOCATION LENGTH semantics: never past cap. */
    uint8_t full[RSM_MLI_FREE_LABEL_LEN];
    rsm_mli_free_label_build(full, sizeof full, id, "X1", 0);
    memset(lab, 0xA5, sizeof lab);
    CU_ASSERT_EQUAL(rsm_mli_free_label_build(lab, 40, id, "X1", 0), 160);
    CU_ASSERT_EQUAL(memcmp(lab, full, 40), 0);
    CU_ASSERT_EQUAL(lab[40], 0xA5);
    CU_ASSERT_EQUAL(rsm_mli_free_label_build(NULL, 0, id, NULL, 0), 160);
    CU_ASSERT_EQUAL(rsm_mli_free_label_build(lab, sizeof lab, NULL, NULL, 0), 0);
    CU_ASSERT_EQUAL(rsm_mli_free_label_build(NULL, 10, id, NULL, 0), 0);
}

static void test_free_label_tampered_is_not_free(void)
{
    static const uint8_t id[16] = {1, 2, 3};
    uint8_t lab[RSM_MLI_FREE_LABEL_LEN];
    struct rsm_mli_result r;
    size_t spots[] = {30, 40, 84, 95, 130};
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
        rsm_mli_free_label_build(lab, sizeof lab, id, "FREE01", 0);
        lab[spots[i]] = 'Z' == lab[spots[i]] ? 'Y' : 'Z';
        memset(&r, 0, sizeof r);
        rsm_mli_claim(NULL, lab, sizeof lab, &r);
        CU_ASSERT_FALSE(r.free_label);
        CU_ASSERT_STRING_NOT_EQUAL(r.claimer, "RSM");
    }
}

static void test_random_and_blank_unclaimed(void)
{
    static uint8_t buf[65536];
    struct rsm_mli_result r;
    uint32_t x = 12345;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u; /* fixed seed: the same bytes every run */
            buf[i] = (uint8_t)(x >> 16);
        }
        CU_ASSERT_EQUAL(rsm_mli_claim(NULL, buf, (size_t)(round * 331) % sizeof buf, &r),
                        RSM_MLI_UNCLAIMED);
    }
    memset(buf, 0, sizeof buf); /* an erased tape read back as zeros */
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, buf, sizeof buf, &r), RSM_MLI_UNCLAIMED);
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, buf, 0, &r), RSM_MLI_UNCLAIMED); /* blank */
    CU_ASSERT_EQUAL(r.id_len, 0);
    CU_ASSERT_STRING_EQUAL(r.claimer, "");
}

static void test_bad_arguments(void)
{
    struct rsm_mli_result r;
    uint8_t b[4] = {0};
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, b, 4, NULL), RSM_MLI_EINVAL);
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, NULL, 4, &r), RSM_MLI_EINVAL);
    CU_ASSERT_EQUAL(rsm_mli_claim(NULL, NULL, 0, &r), RSM_MLI_UNCLAIMED);
    CU_ASSERT_EQUAL(rsm_mli_claim_builtin("NOPE", b, 4, &r), RSM_MLI_EINVAL);
    CU_ASSERT_EQUAL(rsm_mli_claim_builtin(NULL, b, 4, &r), RSM_MLI_EINVAL);
    CU_ASSERT_STRING_EQUAL(rsm_mli_rc_str(RSM_MLI_UNCLAIMED),
                           "no media label library claims the label");
}

static void test_max_label_size_covers_every_builtin(void)
{
    CU_ASSERT_EQUAL(rsm_mli_max_label_size(NULL), MLI_MTF_MAX);
    for (size_t i = 0; i < rsm_mli_n_builtins; i++)
        CU_ASSERT(rsm_mli_builtins[i].max_label <= rsm_mli_max_label_size(NULL));
}

static void test_md5_rfc1321_vectors(void)
{
    static const struct {
        const char *in, *hex;
    } v[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t d[16];
        char hex[33];
        rsm_mli_md5((const uint8_t *)v[i].in, strlen(v[i].in), d);
        for (int k = 0; k < 16; k++)
            snprintf(hex + 2 * k, 3, "%02x", d[k]);
        CU_ASSERT_STRING_EQUAL(hex, v[i].hex);
    }
    CU_ASSERT_EQUAL(rsm_mli_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
}

static void test_text_is_sanitised(void)
{
    char out[16];
    static const uint8_t in[] = {'A', 0x01, 0xC3, 0xA9, 0xFF, 'b', ' ', ' '};
    rsm_mli_text(out, sizeof out, in, sizeof in);
    CU_ASSERT_STRING_EQUAL(out, "A?\xC3\xA9?b"); /* control and invalid -> '?', trimmed */
    static const uint8_t long_in[] = "\xC3\xA9\xC3\xA9\xC3\xA9";
    rsm_mli_text(out, 6, long_in, 6);
    CU_ASSERT_STRING_EQUAL(out, "\xC3\xA9\xC3\xA9"); /* cut at a character boundary */
    static const uint8_t u16[] = {'H', 0, 0x3D, 0xD8, 0x00, 0xDE, 0x00, 0xD8, 'i', 0};
    rsm_mli_utf16le(out, sizeof out, u16, 5);
    CU_ASSERT_STRING_EQUAL(out, "H\xF0\x9F\x98\x80?i"); /* pair joined, lone surrogate '?' */
}

static CU_TestInfo tests[] = {
    {"ansi_vol1_claimed", test_ansi_vol1_claimed},
    {"ansi_near_misses_refused", test_ansi_near_misses_refused},
    {"ltfs_vol1_claimed_as_ltfs", test_ltfs_vol1_claimed_as_ltfs},
    {"ibm_ebcdic_vol1_claimed", test_ibm_ebcdic_vol1_claimed},
    {"gnu_tar_volume_label_claimed", test_gnu_tar_volume_label_claimed},
    {"pax_volume_label_claimed", test_pax_volume_label_claimed},
    {"unlabelled_tar_claimed_by_first_member", test_unlabelled_tar_claimed_by_first_member},
    {"tar_bad_checksum_refused", test_tar_bad_checksum_refused},
    {"tar_v7_header_without_magic_refused", test_tar_v7_header_without_magic_refused},
    {"bacula_label_claimed", test_bacula_label_claimed},
    {"bacula_corrupt_block_refused", test_bacula_corrupt_block_refused},
    {"bacula_bb01_label_claimed", test_bacula_bb01_label_claimed},
    {"amanda_label_claimed", test_amanda_label_claimed},
    {"amanda_near_misses_refused", test_amanda_near_misses_refused},
    {"mtf_label_guid_is_the_id", test_mtf_label_guid_is_the_id},
    {"mtf_without_label_uses_md5", test_mtf_without_label_uses_md5},
    {"mtf_bad_checksum_or_string_refused", test_mtf_bad_checksum_or_string_refused},
    {"free_label_round_trip", test_free_label_round_trip},
    {"free_label_builder_limits", test_free_label_builder_limits},
    {"free_label_tampered_is_not_free", test_free_label_tampered_is_not_free},
    {"random_and_blank_unclaimed", test_random_and_blank_unclaimed},
    {"bad_arguments", test_bad_arguments},
    {"max_label_size_covers_every_builtin", test_max_label_size_covers_every_builtin},
    {"md5_rfc1321_vectors", test_md5_rfc1321_vectors},
    {"text_is_sanitised", test_text_is_sanitised},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_mli_claim_suites[] = {
    {"rsm_mli_claim", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
