/* SPDX-License-Identifier: MIT
 * rsm/api/wstr.c, text part: UTF-8 <-> wchar_t into fixed fields and allocated strings.
 * Round trips (ASCII, "Bänder", 4-byte characters), truncation at every capacity never
 * splitting a UTF-8 sequence, NUL termination, bounded sources, invalid input.
 */
#include "rsm/api/wstr.h"
#include "rsm/tests/suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* "Bänder 💾": B, U+00E4 (2 bytes), n d e r space, U+1F4BE (4 bytes). Written as bytes
 * and code points so the test does not depend on the source file's encoding. */
static const char baender_utf8[] = "B\xC3\xA4nder \xF0\x9F\x92\xBE";
static const wchar_t baender_w[] = {L'B', 0xE4, L'n', L'd', L'e', L'r', L' ', 0x1F4BE, 0};

/* Decodes @s strictly; returns 1 if @s is whole, valid UTF-8 (what a truncation must
 * leave behind). Independent of wstr.c on purpose. */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        if (n == 0)
            return 0;
        for (int i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += n;
    }
    return 1;
}

static void test_ascii_round_trip(void)
{
    wchar_t w[16];
    char a[16];
    CU_ASSERT_EQUAL(rsm_utf8_to_wfield(w, 16, "LTO8-0001", SIZE_MAX), RSM_WSTR_OK);
    CU_ASSERT(wcscmp(w, L"LTO8-0001") == 0);
    CU_ASSERT_EQUAL(rsm_wfield_to_utf8(a, 16, w, 16), RSM_WSTR_OK);
    CU_ASSERT_STRING_EQUAL(a, "LTO8-0001");
}

static void test_non_ascii_round_trip(void)
{
    wchar_t w[32];
    char a[32];
    CU_ASSERT_EQUAL(rsm_utf8_to_wfield(w, 32, baender_utf8, SIZE_MAX), RSM_WSTR_OK);
    CU_ASSERT(wcscmp(w, baender_w) == 0);
    CU_ASSERT_EQUAL(wcslen(w), 8);
    CU_ASSERT_EQUAL(rsm_wfield_to_utf8(a, 32, w, 32), RSM_WSTR_OK);
    CU_ASSERT_STRING_EQUAL(a, baender_utf8);
    CU_ASSERT_EQUAL(rsm_w_utf8_size(baender_w, SIZE_MAX), sizeof baender_utf8);
    CU_ASSERT_EQUAL(rsm_utf8_w_size(baender_utf8, SIZE_MAX), 9);
}

/* Every capacity from 0 to beyond the full size: the output is always a NUL-terminated,
 * valid UTF-8 prefix of whole characters, as long as possible, and flagged when short. */
static void test_w_to_utf8_truncation_never_splits_a_sequence(void)
{
    size_t full = sizeof baender_utf8; /* 13 bytes with the NUL */
    /* The byte lengths at which a whole-character prefix ends. */
    static const size_t boundaries[] = {0, 1, 3, 4, 5, 6, 7, 8, 12};
    for (size_t cap = 0; cap <= full + 2; cap++) {
        char out[32];
        memset(out, 'X', sizeof out);
        unsigned f = rsm_wfield_to_utf8(out, cap, baender_w, SIZE_MAX);
        if (cap == 0) {
            CU_ASSERT_EQUAL(f, RSM_WSTR_TRUNCATED);
            CU_ASSERT_EQUAL(out[0], 'X'); /* nothing written */
            continue;
        }
        size_t len = strlen(out);
        size_t want = 0;
        for (size_t b = 0; b < sizeof boundaries / sizeof boundaries[0]; b++)
            if (boundaries[b] < cap)
                want = boundaries[b];
        CU_ASSERT_EQUAL(len, want);
        CU_ASSERT(len < cap);
        CU_ASSERT(valid_utf8(out));
        CU_ASSERT(memcmp(out, baender_utf8, len) == 0);
        CU_ASSERT_EQUAL(f, cap >= full ? RSM_WSTR_OK : RSM_WSTR_TRUNCATED);
        CU_ASSERT_EQUAL(out[cap], 'X'); /* nothing past the capacity */
    }
}

static void test_utf8_to_w_truncation_keeps_whole_characters(void)
{
    for (size_t cap = 1; cap <= 10; cap++) {
        wchar_t out[16];
        wmemset(out, L'X', 16);
        unsigned f = rsm_utf8_to_wfield(out, cap, baender_utf8, SIZE_MAX);
        size_t n = cap - 1 < 8 ? cap - 1 : 8;
        CU_ASSERT_EQUAL(wcslen(out), n);
        CU_ASSERT(wmemcmp(out, baender_w, n) == 0);
        CU_ASSERT_EQUAL(f, cap > 8 ? RSM_WSTR_OK : RSM_WSTR_TRUNCATED);
        CU_ASSERT_EQUAL(out[cap], L'X');
    }
}

/* Fields filled to the brim carry no NUL: src_max stops the read. */
static void test_source_bounded_by_field_size(void)
{
    const char field[4] = {'a', 'b', 'c', 'd'}; /* no NUL */
    wchar_t w[8];
    CU_ASSERT_EQUAL(rsm_utf8_to_wfield(w, 8, field, sizeof field), RSM_WSTR_OK);
    CU_ASSERT(wcscmp(w, L"abcd") == 0);
    const wchar_t wfield[3] = {L'x', L'y', L'z'};
    char a[8];
    CU_ASSERT_EQUAL(rsm_wfield_to_utf8(a, 8, wfield, 3), RSM_WSTR_OK);
    CU_ASSERT_STRING_EQUAL(a, "xyz");
    CU_ASSERT_EQUAL(rsm_w_utf8_size(wfield, 3), 4);
    CU_ASSERT_EQUAL(rsm_utf8_w_size(field, 2), 3);
    /* A NUL earlier than src_max ends the string there. */
    CU_ASSERT_EQUAL(rsm_utf8_to_wfield(w, 8, "ab\0cd", 5), RSM_WSTR_OK);
    CU_ASSERT(wcscmp(w, L"ab") == 0);
}

static void test_null_source_is_empty(void)
{
    wchar_t w[4] = {L'X', L'X', 0, 0};
    char a[4] = "XX";
    CU_ASSERT_EQUAL(rsm_utf8_to_wfield(w, 4, NULL, SIZE_MAX), RSM_WSTR_OK);
    CU_ASSERT_EQUAL(w[0], 0);
    CU_ASSERT_EQUAL(rsm_wfield_to_utf8(a, 4, NULL, SIZE_MAX), RSM_WSTR_OK);
    CU_ASSERT_EQUAL(a[0], 0);
    CU_ASSERT_EQUAL(rsm_w_utf8_size(NULL, SIZE_MAX), 1);
}

static void test_invalid_utf8_becomes_replacement(void)
{
    static const char *const bad[] = {
        "\xC3",             /* truncated sequence */
        "\xC0\x80",         /* overlong NUL */
        "\xE0\x80\xAF",     /* overlong '/' */
        "\xED\xA0\x80",     /* surrogate U+D800 */
        "\xF4\x90\x80\x80", /* above U+10FFFF */
        "\x80",             /* lone continuation byte */
        "\xFF",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wchar_t w[8];
        char in[16];
        snprintf(in, sizeof in, "a%sb", bad[i]);
        CU_ASSERT_EQUAL(rsm_utf8_to_wfield(w, 8, in, SIZE_MAX), RSM_WSTR_INVALID);
        CU_ASSERT_EQUAL(w[0], L'a');
        CU_ASSERT_EQUAL(w[1], 0xFFFD);
        CU_ASSERT_EQUAL(w[wcslen(w) - 1], L'b'); /* resynchronised on the next character */
        wchar_t *dup = (wchar_t *)1;
        CU_ASSERT_EQUAL(rsm_utf8_to_wdup(in, &dup), ERROR_INVALID_PARAMETER);
        CU_ASSERT_PTR_NULL(dup);
    }
}

static void test_invalid_wide_becomes_replacement(void)
{
    static const wchar_t bad[] = {(wchar_t)0xD800, (wchar_t)0xDFFF, (wchar_t)0x110000, (wchar_t)-1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wchar_t in[] = {L'a', bad[i], L'b', 0};
        char out[8];
        CU_ASSERT_EQUAL(rsm_wfield_to_utf8(out, 8, in, SIZE_MAX), RSM_WSTR_INVALID);
        CU_ASSERT_STRING_EQUAL(out, "a\xEF\xBF\xBD"
                                    "b");
        CU_ASSERT_EQUAL(rsm_w_utf8_size(in, SIZE_MAX), 6);
        char *dup = (char *)1;
        CU_ASSERT_EQUAL(rsm_w_to_utf8dup(in, &dup), ERROR_INVALID_PARAMETER);
        CU_ASSERT_PTR_NULL(dup);
    }
}

static void test_allocating_conversions(void)
{
    wchar_t *w = (wchar_t *)1;
    char *a = (char *)1;
    CU_ASSERT_EQUAL(rsm_utf8_to_wdup(NULL, &w), ERROR_SUCCESS);
    CU_ASSERT_PTR_NULL(w);
    CU_ASSERT_EQUAL(rsm_w_to_utf8dup(NULL, &a), ERROR_SUCCESS);
    CU_ASSERT_PTR_NULL(a);

    CU_ASSERT_EQUAL_FATAL(rsm_utf8_to_wdup(baender_utf8, &w), ERROR_SUCCESS);
    CU_ASSERT(wcscmp(w, baender_w) == 0);
    CU_ASSERT_EQUAL_FATAL(rsm_w_to_utf8dup(w, &a), ERROR_SUCCESS);
    CU_ASSERT_STRING_EQUAL(a, baender_utf8);
    free(w);
    free(a);

    /* Longer than any NTMS field: nothing is truncated. */
    char big[3001];
    memset(big, 'z', 3000);
    big[3000] = 0;
    CU_ASSERT_EQUAL_FATAL(rsm_utf8_to_wdup(big, &w), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(wcslen(w), 3000);
    free(w);
}

static CU_TestInfo wstr_tests[] = {
    {"ascii_round_trip", test_ascii_round_trip},
    {"non_ascii_round_trip", test_non_ascii_round_trip},
    {"w_to_utf8_truncation_never_splits_a_sequence",
     test_w_to_utf8_truncation_never_splits_a_sequence},
    {"utf8_to_w_truncation_keeps_whole_characters",
     test_utf8_to_w_truncation_keeps_whole_characters},
    {"source_bounded_by_field_size", test_source_bounded_by_field_size},
    {"null_source_is_empty", test_null_source_is_empty},
    {"invalid_utf8_becomes_replacement", test_invalid_utf8_becomes_replacement},
    {"invalid_wide_becomes_replacement", test_invalid_wide_becomes_replacement},
    {"allocating_conversions", test_allocating_conversions},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_wstr_suites[] = {
    {"wstr", NULL, NULL, NULL, NULL, wstr_tests},
    CU_SUITE_INFO_NULL,
};
