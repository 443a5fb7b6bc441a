/* SPDX-License-Identifier: MIT
 * sim/iscsi/tests/test_main.c - test_iscsi: every CUnit suite of sim/iscsi.
 * Run one with `build/tests/test_iscsi suite[:test]`.
 */
#include "tests/lib/cutest.h"

extern CU_SuiteInfo iscsi_pdu_suites[];
extern CU_SuiteInfo iscsi_text_suites[];
extern CU_SuiteInfo iscsi_chap_suites[];
extern CU_SuiteInfo iscsi_conn_suites[];
extern CU_SuiteInfo iscsi_server_suites[];

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {iscsi_pdu_suites, iscsi_text_suites, iscsi_chap_suites,
                                    iscsi_conn_suites, iscsi_server_suites, NULL};
    return cutest_main(argc, argv, tables);
}
