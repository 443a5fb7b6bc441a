/* SPDX-License-Identifier: MIT
 * test_rsm_headers: the Windows-compatible headers (ntmsapi.h, ntmsmli.h,
 * openrsm/wintypes.h) and the API boundary files of librsm (rsm/api/lasterror.c, wstr.c,
 * unsupported.c). Each suite lives in its own test_<topic>.c; see suites.h. */
#include "rsm/tests/suites.h"
#include "tests/lib/cutest.h"

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {
        rsm_constants_suites,   rsm_layout_suites,       rsm_unicode_suites,
        rsm_wstr_suites,        rsm_objinfo_conv_suites, rsm_lasterror_suites,
        rsm_unsupported_suites, rsm_links_suites,        NULL,
    };
    return cutest_main(argc, argv, tables);
}
