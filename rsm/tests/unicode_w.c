/* SPDX-License-Identifier: MIT
 * A translation unit built the way Unicode Windows programs are: UNICODE is defined
 * before <ntmsapi.h>, so generic names must resolve to the ...W functions and structures.
 * Probed by test_unicode.c. */
#define UNICODE
#define _UNICODE
#include <ntmsapi.h>

#define PROBE_FN rsm_unicode_probe_w
#include "rsm/tests/unicode_probe.inc"
