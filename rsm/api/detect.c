/* SPDX-License-Identifier: MIT
 * Device change detection entry points (ntms-api.md §2.1): Begin/Set/
 * EndNtmsDeviceChangeDetection over rsm/engine/ieclean.h. The detection handle carries
 * the engine's context number; the watched drives are polled by rsm_iec_tick() (rsmd's
 * timer, or the application's) and at once by a Set with a NULL handle. On an rsmd
 * session the daemon polls for the context, which ends when the session closes.
 */
#include <ntmsapi.h>

#include <stdint.h>

#include "rsm/api/ieclean_api.h"
#include "rsm/client/client.h"

#define BEGIN(s, h)                                                                                \
    struct rsm_session *s = rsm_session_acquire(h);                                                \
    if (!s)                                                                                        \
    return rsm_api_ret(ERROR_INVALID_HANDLE)

DWORD WINAPI BeginNtmsDeviceChangeDetection(HANDLE hSession, LPHANDLE lpDetectHandle)
{
    BEGIN(s, hSession);
    if (!lpDetectHandle)
        return rsm_iec_done(s, RSM_E_INVALID_HANDLE); /* [RSMP]'s code for a NULL out pointer */
    uint64_t id = 0;
    rsm_rc rc = rsm_be_detect_begin(s, &id);
    if (rc == RSM_OK)
        *lpDetectHandle = (HANDLE)(uintptr_t)id;
    return rsm_iec_done(s, rc);
}

DWORD WINAPI SetNtmsDeviceChangeDetection(HANDLE hSession, HANDLE DetectHandle,
                                          LPNTMS_GUID lpRequestId, DWORD dwType, DWORD dwCount)
{
    BEGIN(s, hSession);
    if (!lpRequestId || dwCount == 0 || dwCount > 64)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid ids[64];
    for (DWORD i = 0; i < dwCount; i++)
        rsm_guid_from_api(&ids[i], &lpRequestId[i]);
    return rsm_iec_done(s, rsm_be_detect_set(s, (uint64_t)(uintptr_t)DetectHandle,
                                          ids, dwType, dwCount));
}

DWORD WINAPI EndNtmsDeviceChangeDetection(HANDLE hSession, HANDLE DetectHandle)
{
    BEGIN(s, hSession);
    if (!DetectHandle)
        return rsm_iec_done(s, RSM_E_INVALID_HANDLE);
    return rsm_iec_done(s, rsm_be_detect_end(s, (uint64_t)(uintptr_t)DetectHandle));
}
