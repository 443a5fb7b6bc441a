/* SPDX-License-Identifier: MIT
 * rsm/api/wstr.c, structure part: A <-> W conversion of NTMS_OBJECTINFORMATION for every
 * object type. Each type gets a W -> A -> W round trip in which every scalar field holds a
 * distinct byte pattern and every string a non-ASCII text naming its field, so a field
 * that is dropped, swapped or mis-converted fails its own assertion.
 */
#include "rsm/api/wstr.h"
#include "rsm/tests/fields.h"
#include "rsm/tests/suites.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

static void fill_pattern(void *p, size_t n, unsigned seed)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(seed * 13 + i * 31 + 7);
}

/* "Bänder-<field>" as wide text; the longest field name fits the smallest field (32). */
static void set_wide(wchar_t *dst, size_t cap, const char *field)
{
    static const wchar_t prefix[] = {L'B', 0xE4, L'n', L'd', L'e', L'r', L'-'};
    size_t n = sizeof prefix / sizeof prefix[0];
    wmemset(dst, 0, cap);
    wmemcpy(dst, prefix, n);
    for (size_t i = 0; field[i] && n + 1 < cap; i++)
        dst[n++] = (wchar_t)field[i];
}

/* Whether @got (a CHAR field of @cap bytes) holds the UTF-8 of set_wide(@field). */
static int is_utf8_of(const char *got, size_t cap, const char *field)
{
    char want[128];
    snprintf(want, sizeof want, "B\xC3\xA4nder-%s", field);
    if (strlen(want) >= cap)
        return 0; /* the test data must fit: a failure here is a test bug */
    return memchr(got, 0, cap) != NULL && strcmp(got, want) == 0;
}

static void make_header(NTMS_OBJECTINFORMATIONW *w, DWORD type)
{
    memset(w, 0, sizeof *w);
    fill_pattern(w, offsetof(NTMS_OBJECTINFORMATIONW, szName), type + 100);
    w->dwSize = 12345; /* the conversion sets dwSize itself */
    w->dwType = type;
    set_wide(w->szName, NTMS_OBJECTNAME_LENGTH, "szName");
    set_wide(w->szDescription, NTMS_DESCRIPTION_LENGTH, "szDescription");
}

#define SAME(x, y) (memcmp(&(x), &(y), sizeof(x)) == 0)

static void check_header(const NTMS_OBJECTINFORMATIONW *w, const NTMS_OBJECTINFORMATIONA *a,
                         const NTMS_OBJECTINFORMATIONW *w2)
{
    CU_ASSERT_EQUAL(a->dwSize, sizeof *a);
    CU_ASSERT_EQUAL(w2->dwSize, sizeof *w2);
    CU_ASSERT_EQUAL(a->dwType, w->dwType);
    CU_ASSERT(SAME(a->Created, w->Created) && SAME(a->Modified, w->Modified));
    CU_ASSERT(SAME(a->ObjectGuid, w->ObjectGuid));
    CU_ASSERT(a->Enabled == w->Enabled && a->dwOperationalState == w->dwOperationalState);
    CU_ASSERT(is_utf8_of(a->szName, sizeof a->szName, "szName"));
    CU_ASSERT(is_utf8_of(a->szDescription, sizeof a->szDescription, "szDescription"));
    CU_ASSERT_EQUAL(w2->dwType, w->dwType);
    CU_ASSERT(SAME(w2->Created, w->Created) && SAME(w2->Modified, w->Modified));
    CU_ASSERT(SAME(w2->ObjectGuid, w->ObjectGuid));
    CU_ASSERT(w2->Enabled == w->Enabled && w2->dwOperationalState == w->dwOperationalState);
    CU_ASSERT(wcscmp(w2->szName, w->szName) == 0);
    CU_ASSERT(wcscmp(w2->szDescription, w->szDescription) == 0);
}

/* Per-field actions, dispatched on the kind (N or S) given in fields.h. */
#define FILL(T, f, k)    FILL_##k(f)
#define FILL_N(f)        /* keeps its pattern */
#define FILL_S(f)        set_wide(wm->f, sizeof wm->f / sizeof wm->f[0], #f);
#define CHECK_A(T, f, k) CHECK_A_##k(f)
#define CHECK_A_N(f)     CU_ASSERT(SAME(am->f, wm->f));
#define CHECK_A_S(f)     CU_ASSERT(is_utf8_of(am->f, sizeof am->f, #f));
#define CHECK_W(T, f, k) CHECK_W_##k(f)
#define CHECK_W_N(f)     CU_ASSERT(SAME(w2m->f, wm->f));
#define CHECK_W_S(f)     CU_ASSERT(wcscmp(w2m->f, wm->f) == 0);

#define ROUND_TRIP_TEST(m, type, TA, TW, LIST)                                                     \
    static void test_round_trip_##m(void)                                                          \
    {                                                                                              \
        static NTMS_OBJECTINFORMATIONW w, w2;                                                      \
        static NTMS_OBJECTINFORMATIONA a;                                                          \
        make_header(&w, type);                                                                     \
        fill_pattern(&w.Info.m, sizeof w.Info.m, type);                                            \
        TW *wm = &w.Info.m;                                                                        \
        LIST(FILL, TW)                                                                             \
        memset(&a, 0xAB, sizeof a);                                                                \
        memset(&w2, 0xAB, sizeof w2);                                                              \
        CU_ASSERT_EQUAL_FATAL(rsm_objinfo_w_to_a(&w, &a), ERROR_SUCCESS);                          \
        CU_ASSERT_EQUAL_FATAL(rsm_objinfo_a_to_w(&a, &w2), ERROR_SUCCESS);                         \
        check_header(&w, &a, &w2);                                                                 \
        const TA *am = &a.Info.m;                                                                  \
        const TW *w2m = &w2.Info.m;                                                                \
        LIST(CHECK_A, TA)                                                                          \
        LIST(CHECK_W, TW)                                                                          \
        /* Nothing of the 0xAB fill survives beyond the converted member. */                       \
        const unsigned char *rest = (const unsigned char *)&a.Info + sizeof a.Info.m;              \
        size_t n_rest = sizeof a.Info - sizeof a.Info.m, stale = 0;                                \
        for (size_t i = 0; i < n_rest; i++)                                                        \
            stale += rest[i] == 0xAB;                                                              \
        CU_ASSERT_EQUAL(stale, 0);                                                                 \
    }
OBJINFO_UNION(ROUND_TRIP_TEST)

static void test_types_without_info_rejected_and_dst_untouched(void)
{
    static const DWORD types[] = {
        NTMS_UNKNOWN, NTMS_OBJECT, NTMS_UI_DESTINATION, NTMS_NUMBER_OF_OBJECT_TYPES,
        1000,         0xFFFFFFFFu};
    static NTMS_OBJECTINFORMATIONW w, w2, w2_before;
    static NTMS_OBJECTINFORMATIONA a, a_before;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        make_header(&w, types[i]);
        memset(&a, 0xAB, sizeof a);
        a_before = a;
        CU_ASSERT_EQUAL(rsm_objinfo_w_to_a(&w, &a), ERROR_INVALID_PARAMETER);
        CU_ASSERT(memcmp(&a, &a_before, sizeof a) == 0);
        memset(&a, 0, sizeof a);
        a.dwType = types[i];
        memset(&w2, 0xCD, sizeof w2);
        w2_before = w2;
        CU_ASSERT_EQUAL(rsm_objinfo_a_to_w(&a, &w2), ERROR_INVALID_PARAMETER);
        CU_ASSERT(memcmp(&w2, &w2_before, sizeof w2) == 0);
    }
    CU_ASSERT_EQUAL(rsm_objinfo_w_to_a(NULL, &a), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(rsm_objinfo_w_to_a(&w, NULL), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(rsm_objinfo_a_to_w(NULL, &w2), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(rsm_objinfo_a_to_w(&a, NULL), ERROR_INVALID_PARAMETER);
}

/* Invalid UTF-8 in any A string (here a barcode) fails the whole A -> W conversion. */
static void test_a_to_w_rejects_invalid_utf8(void)
{
    static NTMS_OBJECTINFORMATIONA a;
    static NTMS_OBJECTINFORMATIONW w, before;
    memset(&a, 0, sizeof a);
    a.dwType = NTMS_PHYSICAL_MEDIA;
    strcpy(a.szName, "tape");
    strcpy(a.Info.PhysicalMedia.szBarCode, "A0\xC3"
                                           "1L8"); /* cut-off sequence */
    memset(&w, 0x11, sizeof w);
    before = w;
    CU_ASSERT_EQUAL(rsm_objinfo_a_to_w(&a, &w), ERROR_INVALID_PARAMETER);
    CU_ASSERT(memcmp(&w, &before, sizeof w) == 0);
    strcpy(a.Info.PhysicalMedia.szBarCode, "A001L8");
    CU_ASSERT_EQUAL(rsm_objinfo_a_to_w(&a, &w), ERROR_SUCCESS);
    CU_ASSERT(wcscmp(w.Info.PhysicalMedia.szBarCode, L"A001L8") == 0);
}

/* A wide name of 63 two-byte characters needs 126 bytes: the 64-byte CHAR field keeps 31
 * whole characters (62 bytes) and its NUL, and the conversion still succeeds. */
static void test_w_to_a_truncates_at_character_boundary(void)
{
    static NTMS_OBJECTINFORMATIONW w;
    static NTMS_OBJECTINFORMATIONA a;
    memset(&w, 0, sizeof w);
    w.dwType = NTMS_MEDIA_POOL;
    for (int i = 0; i < NTMS_OBJECTNAME_LENGTH - 1; i++)
        w.szName[i] = 0xE4;
    CU_ASSERT_EQUAL(rsm_objinfo_w_to_a(&w, &a), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(strlen(a.szName), 62);
    for (int i = 0; i < 62; i += 2)
        CU_ASSERT(a.szName[i] == '\xC3' && a.szName[i + 1] == '\xA4');
}

/* A CHAR field filled to the brim without a NUL is read only within its bounds. */
static void test_a_field_without_nul_stays_in_bounds(void)
{
    static NTMS_OBJECTINFORMATIONA a;
    static NTMS_OBJECTINFORMATIONW w;
    memset(&a, 0, sizeof a);
    a.dwType = NTMS_LOGICAL_MEDIA;
    memset(a.szName, 'x', sizeof a.szName); /* no NUL before szDescription */
    strcpy(a.szDescription, "desc");
    CU_ASSERT_EQUAL(rsm_objinfo_a_to_w(&a, &w), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(wcslen(w.szName), NTMS_OBJECTNAME_LENGTH - 1);
    CU_ASSERT_EQUAL(wcschr(w.szName, L'd'), NULL);
    CU_ASSERT(wcscmp(w.szDescription, L"desc") == 0);
}

#define ROUND_TRIP_ENTRY(m, type, TA, TW, LIST) {"round_trip_" #m, test_round_trip_##m},

static CU_TestInfo objinfo_tests[] = {
    OBJINFO_UNION(ROUND_TRIP_ENTRY){"types_without_info_rejected_and_dst_untouched",
                                    test_types_without_info_rejected_and_dst_untouched},
    {"a_to_w_rejects_invalid_utf8", test_a_to_w_rejects_invalid_utf8},
    {"w_to_a_truncates_at_character_boundary", test_w_to_a_truncates_at_character_boundary},
    {"a_field_without_nul_stays_in_bounds", test_a_field_without_nul_stays_in_bounds},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_objinfo_conv_suites[] = {
    {"objinfo_conv", NULL, NULL, NULL, NULL, objinfo_tests},
    CU_SUITE_INFO_NULL,
};
