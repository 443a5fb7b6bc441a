/* SPDX-License-Identifier: MIT
 * The UNICODE mapping of ntmsapi.h: every generic function and structure name resolves to
 * its W form in a translation unit that defines UNICODE (unicode_w.c) and to its A form
 * in one that does not (unicode_a.c), and TCHAR/TEXT() follow. */
#include <ntmsapi.h>

#include "rsm/tests/suites.h"

static void test_unicode_maps_generic_names_to_w(void)
{
    struct rsm_unicode_probe p;
    rsm_unicode_probe_w(&p);
    CU_ASSERT_EQUAL(p.n_names, 13);
    CU_ASSERT_EQUAL(p.n_mapped_w, p.n_names);
    CU_ASSERT_EQUAL(p.n_mapped_a, 0);
    CU_ASSERT_EQUAL(p.n_structs, 15);
    CU_ASSERT_EQUAL(p.n_struct_w, p.n_structs);
    CU_ASSERT_EQUAL(p.n_struct_a, 0);
    CU_ASSERT_EQUAL(p.tchar_size, sizeof(WCHAR));
    CU_ASSERT_EQUAL(p.text_is_wide, 1);
    CU_ASSERT_EQUAL(p.objinfo_size, sizeof(NTMS_OBJECTINFORMATIONW));
    CU_ASSERT_EQUAL(p.tchar_name_len, NTMS_OBJECTNAME_LENGTH);
}

static void test_no_unicode_maps_generic_names_to_a(void)
{
    struct rsm_unicode_probe p;
    rsm_unicode_probe_a(&p);
    CU_ASSERT_EQUAL(p.n_names, 13);
    CU_ASSERT_EQUAL(p.n_mapped_a, p.n_names);
    CU_ASSERT_EQUAL(p.n_mapped_w, 0);
    CU_ASSERT_EQUAL(p.n_structs, 15);
    CU_ASSERT_EQUAL(p.n_struct_a, p.n_structs);
    CU_ASSERT_EQUAL(p.n_struct_w, 0);
    CU_ASSERT_EQUAL(p.tchar_size, sizeof(CHAR));
    CU_ASSERT_EQUAL(p.text_is_wide, 0);
    CU_ASSERT_EQUAL(p.objinfo_size, sizeof(NTMS_OBJECTINFORMATIONA));
    CU_ASSERT_EQUAL(p.tchar_name_len, NTMS_OBJECTNAME_LENGTH);
}

static CU_TestInfo unicode_tests[] = {
    {"unicode_maps_generic_names_to_w", test_unicode_maps_generic_names_to_w},
    {"no_unicode_maps_generic_names_to_a", test_no_unicode_maps_generic_names_to_a},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_unicode_suites[] = {
    {"unicode", NULL, NULL, NULL, NULL, unicode_tests},
    CU_SUITE_INFO_NULL,
};
