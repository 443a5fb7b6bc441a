/* SPDX-License-Identifier: MIT
 * Cleaner management entry points (ntms-api.md §2.2): CleanNtmsDrive,
 * Reserve/ReleaseNtmsCleanerSlot, Inject/EjectNtmsCleaner, over rsm/engine/ieclean.h.
 * Both modes, through the back end (rsm/client/client.h).
 */
#include <ntmsapi.h>

#include "rsm/api/ieclean_api.h"
#include "rsm/client/client.h"

#define BEGIN(s, h)                                                                                \
    struct rsm_session *s = rsm_session_acquire(h);                                                \
    if (!s)                                                                                        \
    return rsm_api_ret(ERROR_INVALID_HANDLE)

DWORD WINAPI CleanNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId)
{
    BEGIN(s, hSession);
    if (!lpDriveId)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid d;
    rsm_guid_from_api(&d, lpDriveId);
    return rsm_iec_done(s, rsm_be_clean_drive(s, &d));
}

DWORD WINAPI ReserveNtmsCleanerSlot(HANDLE hSession, LPNTMS_GUID lpLibrary, LPNTMS_GUID lpSlot)
{
    BEGIN(s, hSession);
    if (!lpLibrary || !lpSlot)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid l, slot;
    rsm_guid_from_api(&l, lpLibrary);
    rsm_guid_from_api(&slot, lpSlot);
    return rsm_iec_done(s, rsm_be_clean_reserve_slot(s, &l, &slot));
}

DWORD WINAPI ReleaseNtmsCleanerSlot(HANDLE hSession, LPNTMS_GUID lpLibrary)
{
    BEGIN(s, hSession);
    if (!lpLibrary)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid l;
    rsm_guid_from_api(&l, lpLibrary);
    return rsm_iec_done(s, rsm_be_clean_release_slot(s, &l));
}

DWORD WINAPI InjectNtmsCleaner(HANDLE hSession, LPNTMS_GUID lpLibrary,
                               LPNTMS_GUID lpInjectOperation, DWORD dwNumberOfCleansLeft,
                               DWORD dwAction)
{
    BEGIN(s, hSession);
    if (!lpLibrary || !lpInjectOperation || dwAction > NTMS_INJECT_STOP)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid l, op;
    rsm_guid_from_api(&l, lpLibrary);
    rsm_guid_from_api(&op, lpInjectOperation);
    rsm_rc rc = rsm_be_clean_inject(s, &l, &op, dwNumberOfCleansLeft, dwAction);
    if (rc == RSM_OK)
        rsm_guid_to_api(lpInjectOperation, &op);
    return rsm_iec_done(s, rc);
}

DWORD WINAPI EjectNtmsCleaner(HANDLE hSession, LPNTMS_GUID lpLibrary, LPNTMS_GUID lpEjectOperation,
                              DWORD dwAction)
{
    BEGIN(s, hSession);
    if (!lpLibrary || !lpEjectOperation || dwAction > NTMS_EJECT_STOP)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid l, op;
    rsm_guid_from_api(&l, lpLibrary);
    rsm_guid_from_api(&op, lpEjectOperation);
    rsm_rc rc = rsm_be_clean_eject(s, &l, &op, dwAction);
    if (rc == RSM_OK)
        rsm_guid_to_api(lpEjectOperation, &op);
    return rsm_iec_done(s, rc);
}
