/* SPDX-License-Identifier: MIT
 * Text at the API boundary: UTF-8 <-> wchar_t conversion for the ...A entry points of
 * librsm, into the fixed-size string fields of the NTMS structures and into allocated
 * strings, and the A <-> W conversion of whole NTMS_OBJECTINFORMATION structures.
 *
 * Model: librsm works in wide strings (the W structures are the engine's form). An A
 * entry point converts its CHAR arguments with the functions here, calls the W code, and
 * converts the results back. CHAR text is UTF-8 (the "ANSI code page" of a Linux process);
 * WCHAR text is UTF-32 in wchar_t.
 *
 * Rules every function here follows:
 *  - A destination field of `cap` units always ends up NUL-terminated when cap > 0, and
 *    holds at most cap - 1 units of text.
 *  - Truncation keeps the longest prefix of whole characters that fits: a UTF-8 sequence
 *    is never split, and no character after a dropped one is written.
 *  - Invalid input (malformed UTF-8; wchar_t values that are surrogates, negative or above
 *    U+10FFFF) becomes U+FFFD in the output and is reported; the caller decides whether
 *    that is an error.
 *  - Sources are read up to their NUL or `src_max` units, whichever comes first, so a
 *    field filled to the brim without a NUL is never over-read. Pass SIZE_MAX for an
 *    ordinary NUL-terminated string. A NULL source converts as "".
 *
 * No locks, no global state, no locale dependence (setlocale is never consulted): safe
 * from any thread.
 */
#ifndef OPENRSM_RSM_API_WSTR_H
#define OPENRSM_RSM_API_WSTR_H

#include <ntmsapi.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result of a field conversion: a set of these bits, 0 when the text was copied whole. */
enum rsm_wstr_flag {
    RSM_WSTR_OK = 0,
    RSM_WSTR_TRUNCATED = 1, /* the destination was too small; a prefix was kept */
    RSM_WSTR_INVALID = 2,   /* invalid input was replaced by U+FFFD */
};

/* UTF-8 @src (at most @src_max bytes) into the wide field @dst of @dst_cap wchar_t.
 * Returns a set of enum rsm_wstr_flag. */
unsigned rsm_utf8_to_wfield(wchar_t *dst, size_t dst_cap, const char *src, size_t src_max);

/* Wide @src (at most @src_max units) into the UTF-8 field @dst of @dst_cap bytes.
 * Returns a set of enum rsm_wstr_flag. */
unsigned rsm_wfield_to_utf8(char *dst, size_t dst_cap, const wchar_t *src, size_t src_max);

/* Bytes needed to hold @src (at most @src_max units) in UTF-8, NUL included, counting
 * each invalid unit as the 3 bytes of U+FFFD. NULL counts as "" (1). */
size_t rsm_w_utf8_size(const wchar_t *src, size_t src_max);

/* wchar_t units needed to hold UTF-8 @src (at most @src_max bytes), NUL included. */
size_t rsm_utf8_w_size(const char *src, size_t src_max);

/* Allocating conversions for whole arguments (pool names, attribute names, messages).
 * *@out receives a malloc()ed copy owned by the caller (free()), or NULL when @src is
 * NULL, which is not an error (NULL arguments keep their meaning in the W call).
 * Returns ERROR_SUCCESS; ERROR_INVALID_PARAMETER if @src is not valid UTF-8 (resp. holds
 * invalid wide characters); ERROR_NOT_ENOUGH_MEMORY. On failure *@out is NULL. */
DWORD rsm_utf8_to_wdup(const char *src, wchar_t **out);
DWORD rsm_w_to_utf8dup(const wchar_t *src, char **out);

/* Whole NTMS_OBJECTINFORMATION conversion, for every object type.
 * Copies the common header and the union member selected by @src->dwType, converting
 * every string field; sets @dst->dwSize to sizeof(*dst). Bytes of @dst not covered by the
 * selected member are zeroed, so nothing uninitialised reaches the caller.
 * W -> A: text that does not fit a CHAR field is truncated at a character boundary
 * (Windows' A functions lose characters the same way); never fails on text.
 * A -> W: every CHAR field fits its WCHAR field; invalid UTF-8 fails.
 * Returns ERROR_SUCCESS; ERROR_INVALID_PARAMETER if a pointer is NULL, dwType has no
 * union member (NTMS_UNKNOWN, NTMS_OBJECT, NTMS_UI_DESTINATION, out of range) or (A -> W)
 * a string is not valid UTF-8. On failure @dst is untouched. @src and @dst must not
 * overlap. */
DWORD rsm_objinfo_w_to_a(const NTMS_OBJECTINFORMATIONW *src, NTMS_OBJECTINFORMATIONA *dst);
DWORD rsm_objinfo_a_to_w(const NTMS_OBJECTINFORMATIONA *src, NTMS_OBJECTINFORMATIONW *dst);

/* The per-type structures with CHAR variants, converted member by member (all other
 * members copied). W -> A returns a set of enum rsm_wstr_flag (TRUNCATED, INVALID) for
 * the caller's information; A -> W returns RSM_WSTR_INVALID if some text was not UTF-8
 * (it never truncates). @dst is fully written in both directions. */
unsigned rsm_drive_w_to_a(const NTMS_DRIVEINFORMATIONW *src, NTMS_DRIVEINFORMATIONA *dst);
unsigned rsm_drive_a_to_w(const NTMS_DRIVEINFORMATIONA *src, NTMS_DRIVEINFORMATIONW *dst);
unsigned rsm_drivetype_w_to_a(const NTMS_DRIVETYPEINFORMATIONW *src,
                              NTMS_DRIVETYPEINFORMATIONA *dst);
unsigned rsm_drivetype_a_to_w(const NTMS_DRIVETYPEINFORMATIONA *src,
                              NTMS_DRIVETYPEINFORMATIONW *dst);
unsigned rsm_changer_w_to_a(const NTMS_CHANGERINFORMATIONW *src, NTMS_CHANGERINFORMATIONA *dst);
unsigned rsm_changer_a_to_w(const NTMS_CHANGERINFORMATIONA *src, NTMS_CHANGERINFORMATIONW *dst);
unsigned rsm_changertype_w_to_a(const NTMS_CHANGERTYPEINFORMATIONW *src,
                                NTMS_CHANGERTYPEINFORMATIONA *dst);
unsigned rsm_changertype_a_to_w(const NTMS_CHANGERTYPEINFORMATIONA *src,
                                NTMS_CHANGERTYPEINFORMATIONW *dst);
unsigned rsm_pmid_w_to_a(const NTMS_PMIDINFORMATIONW *src, NTMS_PMIDINFORMATIONA *dst);
unsigned rsm_pmid_a_to_w(const NTMS_PMIDINFORMATIONA *src, NTMS_PMIDINFORMATIONW *dst);
unsigned rsm_partition_w_to_a(const NTMS_PARTITIONINFORMATIONW *src,
                              NTMS_PARTITIONINFORMATIONA *dst);
unsigned rsm_partition_a_to_w(const NTMS_PARTITIONINFORMATIONA *src,
                              NTMS_PARTITIONINFORMATIONW *dst);
unsigned rsm_librequest_w_to_a(const NTMS_LIBREQUESTINFORMATIONW *src,
                               NTMS_LIBREQUESTINFORMATIONA *dst);
unsigned rsm_librequest_a_to_w(const NTMS_LIBREQUESTINFORMATIONA *src,
                               NTMS_LIBREQUESTINFORMATIONW *dst);
unsigned rsm_oprequest_w_to_a(const NTMS_OPREQUESTINFORMATIONW *src,
                              NTMS_OPREQUESTINFORMATIONA *dst);
unsigned rsm_oprequest_a_to_w(const NTMS_OPREQUESTINFORMATIONA *src,
                              NTMS_OPREQUESTINFORMATIONW *dst);

#ifdef __cplusplus
}
#endif

#endif /* OPENRSM_RSM_API_WSTR_H */
