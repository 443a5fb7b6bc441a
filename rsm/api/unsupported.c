/* SPDX-License-Identifier: MIT
 * The NTMS API functions that librsm does not implement yet. Each one answers honestly:
 * it checks the shape of its handle (NULL and INVALID_HANDLE_VALUE are never valid, so
 * they get ERROR_INVALID_HANDLE as from the real function), then sets and returns
 * ERROR_NOT_SUPPORTED; the HANDLE-returning one returns INVALID_HANDLE_VALUE.
 *
 * This file is a plain list on purpose: implementing a function means deleting its entry
 * here, writing it in its own rsm/api/<area>.c, and updating rsm/api/STATUS.md and the
 * list in rsm/tests/test_unsupported.c. Arguments are never dereferenced.
 */
#include <ntmsapi.h>

/* The result of an unimplemented call on handle @h (the session or notification). */
static DWORD unsupported(HANDLE h)
{
    DWORD rc =
        (h == NULL || h == INVALID_HANDLE_VALUE) ? ERROR_INVALID_HANDLE : ERROR_NOT_SUPPORTED;
    SetLastError(rc);
    return rc;
}

/* For the functions that take no handle (they name a device or computer instead). */
static DWORD unsupported_nohandle(void)
{
    SetLastError(ERROR_NOT_SUPPORTED);
    return ERROR_NOT_SUPPORTED;
}

/* ---- library control (§2.5) ---------------------------------------------------------- */

DWORD WINAPI DeleteNtmsLibrary(HANDLE hSession, LPNTMS_GUID lpLibraryId)
{
    return unsupported(hSession);
}

DWORD WINAPI DeleteNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId)
{
    return unsupported(hSession);
}

DWORD WINAPI EjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpEjectOperation,
                            DWORD dwAction)
{
    return unsupported(hSession);
}

DWORD WINAPI InjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpLibraryId,
                             LPNTMS_GUID lpInjectOperation, DWORD dwAction)
{
    return unsupported(hSession);
}

DWORD WINAPI AccessNtmsLibraryDoor(HANDLE hSession, LPNTMS_GUID lpLibraryId, DWORD dwAction)
{
    return unsupported(hSession);
}

DWORD WINAPI IdentifyNtmsSlot(HANDLE hSession, LPNTMS_GUID lpSlotId, DWORD dwOption)
{
    return unsupported(hSession);
}

DWORD WINAPI CancelNtmsLibraryRequest(HANDLE hSession, LPNTMS_GUID lpRequestId)
{
    return unsupported(hSession);
}

DWORD WINAPI GetNtmsRequestOrder(HANDLE hSession, LPNTMS_GUID lpRequestId, LPDWORD lpdwOrderNumber)
{
    return unsupported(hSession);
}

DWORD WINAPI SetNtmsRequestOrder(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwOrderNumber)
{
    return unsupported(hSession);
}

DWORD WINAPI DeleteNtmsRequests(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwType,
                                DWORD dwCount)
{
    return unsupported(hSession);
}

/* ---- UI options (§2.5) --------------------------------------------------------------- */

DWORD WINAPI GetNtmsUIOptionsW(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               LPWSTR lpszDestination, LPDWORD lpdwBufSize)
{
    return unsupported(hSession);
}

DWORD WINAPI GetNtmsUIOptionsA(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               LPSTR lpszDestination, LPDWORD lpdwBufSize)
{
    return unsupported(hSession);
}

DWORD WINAPI SetNtmsUIOptionsW(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               DWORD dwOperation, LPCWSTR lpszDestination)
{
    return unsupported(hSession);
}

DWORD WINAPI SetNtmsUIOptionsA(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               DWORD dwOperation, LPCSTR lpszDestination)
{
    return unsupported(hSession);
}

/* ---- stand-alone drives and volumes (§2.5) ------------------------------------------- */

DWORD WINAPI EjectDiskFromSADriveW(LPCWSTR lpComputerName, LPCWSTR lpAppName, LPCWSTR lpDeviceName,
                                   HWND hWnd, LPCWSTR lpTitle, LPCWSTR lpMessage, DWORD dwOptions)
{
    return unsupported_nohandle();
}

DWORD WINAPI EjectDiskFromSADriveA(LPCSTR lpComputerName, LPCSTR lpAppName, LPCSTR lpDeviceName,
                                   HWND hWnd, LPCSTR lpTitle, LPCSTR lpMessage, DWORD dwOptions)
{
    return unsupported_nohandle();
}

DWORD WINAPI GetVolumesFromDriveW(LPWSTR pszDriveName, LPWSTR *VolumeNameBufferPtr,
                                  LPWSTR *DriveLetterBufferPtr)
{
    return unsupported_nohandle();
}

DWORD WINAPI GetVolumesFromDriveA(LPSTR pszDriveName, LPSTR *VolumeNameBufferPtr,
                                  LPSTR *DriveLetterBufferPtr)
{
    return unsupported_nohandle();
}

/* ---- cleaners (§2.2) ----------------------------------------------------------------- */

DWORD WINAPI CleanNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId)
{
    return unsupported(hSession);
}

DWORD WINAPI ReserveNtmsCleanerSlot(HANDLE hSession, LPNTMS_GUID lpLibrary, LPNTMS_GUID lpSlot)
{
    return unsupported(hSession);
}

DWORD WINAPI ReleaseNtmsCleanerSlot(HANDLE hSession, LPNTMS_GUID lpLibrary)
{
    return unsupported(hSession);
}

DWORD WINAPI InjectNtmsCleaner(HANDLE hSession, LPNTMS_GUID lpLibrary,
                               LPNTMS_GUID lpInjectOperation, DWORD dwNumberOfCleansLeft,
                               DWORD dwAction)
{
    return unsupported(hSession);
}

DWORD WINAPI EjectNtmsCleaner(HANDLE hSession, LPNTMS_GUID lpLibrary, LPNTMS_GUID lpEjectOperation,
                              DWORD dwAction)
{
    return unsupported(hSession);
}

/* ---- device change detection (§2.1) -------------------------------------------------- */

DWORD WINAPI BeginNtmsDeviceChangeDetection(HANDLE hSession, LPHANDLE lpDetectHandle)
{
    return unsupported(hSession);
}

DWORD WINAPI SetNtmsDeviceChangeDetection(HANDLE hSession, HANDLE DetectHandle,
                                          LPNTMS_GUID lpRequestId, DWORD dwType, DWORD dwCount)
{
    return unsupported(hSession);
}

DWORD WINAPI EndNtmsDeviceChangeDetection(HANDLE hSession, HANDLE DetectHandle)
{
    return unsupported(hSession);
}

/* ---- operator requests (§2.8) -------------------------------------------------------- */

DWORD WINAPI SubmitNtmsOperatorRequestW(HANDLE hSession, DWORD dwRequest, LPCWSTR lpMessage,
                                        LPNTMS_GUID lpArg1Id, LPNTMS_GUID lpArg2Id,
                                        LPNTMS_GUID lpRequestId)
{
    return unsupported(hSession);
}

DWORD WINAPI SubmitNtmsOperatorRequestA(HANDLE hSession, DWORD dwRequest, LPCSTR lpMessage,
                                        LPNTMS_GUID lpArg1Id, LPNTMS_GUID lpArg2Id,
                                        LPNTMS_GUID lpRequestId)
{
    return unsupported(hSession);
}

DWORD WINAPI WaitForNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwTimeout)
{
    return unsupported(hSession);
}

DWORD WINAPI CancelNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId)
{
    return unsupported(hSession);
}

DWORD WINAPI SatisfyNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId)
{
    return unsupported(hSession);
}

/* ---- notifications (§2.4) ------------------------------------------------------------ */

HANDLE WINAPI OpenNtmsNotification(HANDLE hSession, DWORD dwType)
{
    (void)unsupported(hSession); /* the code travels through GetLastError() */
    return INVALID_HANDLE_VALUE;
}

DWORD WINAPI WaitForNtmsNotification(HANDLE hNotification,
                                     LPNTMS_NOTIFICATIONINFORMATION lpNotificationInformation,
                                     DWORD dwTimeout)
{
    return unsupported(hNotification);
}

DWORD WINAPI CloseNtmsNotification(HANDLE hNotification)
{
    return unsupported(hNotification);
}
