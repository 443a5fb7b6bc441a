/* SPDX-License-Identifier: MIT
 * test_rsm_engine: the CUnit suites of the RSM engine and its API (rsm/engine/tests).
 */
#include "tests/lib/cutest.h"

extern CU_SuiteInfo rsm_session_suites[], rsm_db_suites[], rsm_object_suites[], rsm_pool_suites[],
    rsm_media_suites[], rsm_backup_suites[], rsm_crash_suites[], rsm_notify_suites[];

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {
        rsm_session_suites, rsm_db_suites,     rsm_object_suites, rsm_pool_suites,
        rsm_media_suites,   rsm_backup_suites, rsm_crash_suites,  rsm_notify_suites, NULL};
    return cutest_main(argc, argv, tables);
}
