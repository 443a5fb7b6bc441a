/* SPDX-License-Identifier: MIT */
#include "tests/lib/cutest.h"
int main(int argc, char **argv) { CU_SuiteInfo *const t[] = {NULL}; return cutest_main(argc, argv, t); }
