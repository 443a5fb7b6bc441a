/* SPDX-License-Identifier: MIT
 * GetLastError()/SetLastError(): the per-thread last error of the Windows API, which RSM
 * functions set on failure (contract in <openrsm/wintypes.h>).
 *
 * A C11 thread-local: each thread starts at ERROR_SUCCESS and sees only its own value, as
 * on Windows, so a failing call on one thread never disturbs another thread's check.
 */
#include <openrsm/wintypes.h>

static _Thread_local DWORD rsm_last_error = ERROR_SUCCESS;

DWORD WINAPI GetLastError(void)
{
    return rsm_last_error;
}

void WINAPI SetLastError(DWORD dwErrCode)
{
    rsm_last_error = dwErrCode;
}
