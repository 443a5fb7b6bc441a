/* SPDX-License-Identifier: MIT
 * The NTMS API functions that librsm does not implement yet. Each one answers honestly:
 * it checks the shape of its handle (NULL and INVALID_HANDLE_VALUE are never valid, so
 * they get ERROR_INVALID_HANDLE as from the real function), then sets and returns
 * ERROR_NOT_SUPPORTED; the HANDLE-returning one returns INVALID_HANDLE_VALUE.
 *
 * This file is a plain list on purpose: implementing a function means deleting its entry
 * here, writing it in its own rsm/api/<area>.c, and updating rsm/api/STATUS.md and the
 * list in rsm/tests/test_unsupported.c. Arguments are never dereferenced.
 *
 * Every function of ntmsapi.h is implemented now, so the list is empty; the two functions
 * stay for the next entry point added to the header before its implementation.
 */
#include <ntmsapi.h>

/* The result of an unimplemented call on handle @h (the session or notification). */
__attribute__((unused)) static DWORD unsupported(HANDLE h)
{
    DWORD rc =
        (h == NULL || h == INVALID_HANDLE_VALUE) ? ERROR_INVALID_HANDLE : ERROR_NOT_SUPPORTED;
    SetLastError(rc);
    return rc;
}

/* For the functions that take no handle (they name a device or computer instead). */
__attribute__((unused)) static DWORD unsupported_nohandle(void)
{
    SetLastError(ERROR_NOT_SUPPORTED);
    return ERROR_NOT_SUPPORTED;
}
