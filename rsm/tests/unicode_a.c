/* SPDX-License-Identifier: MIT
 * A translation unit without UNICODE: generic names must resolve to the ...A functions
 * and structures. Probed by test_unicode.c. */
#undef UNICODE
#include <ntmsapi.h>

#define PROBE_FN rsm_unicode_probe_a
#include "rsm/tests/unicode_probe.inc"
