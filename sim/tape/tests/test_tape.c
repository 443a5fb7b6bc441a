/* SPDX-License-Identifier: MIT
 * sim/tape/tests/test_tape.c - runner for the tape image store's CUnit suites.
 */
#include "sim/tape/tests/tape_test.h"

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {tapeimg_suites, tape_space_suites, tape_recovery_suites,
                                    tape_mam_suites, NULL};
    return cutest_main(argc, argv, tables);
}
