/* SPDX-License-Identifier: MIT
 * The suite tables of test_rsm_headers, one per test_<topic>.c, registered by
 * test_rsm_headers.c, and the probes compiled with and without UNICODE. */
#ifndef OPENRSM_RSM_TESTS_SUITES_H
#define OPENRSM_RSM_TESTS_SUITES_H

#include <CUnit/CUnit.h>
#include <stddef.h>

extern CU_SuiteInfo rsm_constants_suites[];
extern CU_SuiteInfo rsm_layout_suites[];
extern CU_SuiteInfo rsm_unicode_suites[];
extern CU_SuiteInfo rsm_wstr_suites[];
extern CU_SuiteInfo rsm_objinfo_conv_suites[];
extern CU_SuiteInfo rsm_lasterror_suites[];
extern CU_SuiteInfo rsm_unsupported_suites[];
extern CU_SuiteInfo rsm_links_suites[];

/* What one translation unit sees after including <ntmsapi.h>: unicode_w.c defines
 * UNICODE first, unicode_a.c does not. Filled by rsm_unicode_probe_w()/_a(). */
struct rsm_unicode_probe {
    int n_names;         /* generic function names checked */
    int n_mapped_w;      /* ... that resolve to the ...W function */
    int n_mapped_a;      /* ... that resolve to the ...A function */
    int n_struct_w;      /* generic structure names whose type is the ...W structure */
    int n_struct_a;      /* ... the ...A structure */
    int n_structs;       /* generic structure names checked */
    size_t tchar_size;   /* sizeof(TCHAR) */
    int text_is_wide;    /* TEXT("x") has type wchar_t * */
    size_t objinfo_size; /* sizeof(NTMS_OBJECTINFORMATION) */
    int tchar_name_len;  /* characters of an NTMS_OBJECTINFORMATION.szName */
};
void rsm_unicode_probe_w(struct rsm_unicode_probe *p);
void rsm_unicode_probe_a(struct rsm_unicode_probe *p);

#endif
