/* SPDX-License-Identifier: MIT
 * Library control entry points (ntms-api.md §2.5, §2.6): InventoryNtmsLibrary,
 * MountNtmsMedia, DismountNtmsMedia, DismountNtmsDrive, and the native extras of
 * <openrsm/rsm.h> (rsm_library_add, rsm_library_inventory), over rsm/engine/libctl.h.
 *
 * CancelNtmsLibraryRequest, DeleteNtmsRequests, Get/SetNtmsRequestOrder (the request
 * queue, rsm/engine/reqq.c), and rsm_mount_queued() (MountNtmsMedia that also returns the
 * library request's GUID, for NOWAIT callers).
 *
 * Both modes: the calls go through the back end (rsm/client/client.h), so on an rsmd
 * session the daemon's engine drives the devices.
 */
#include <openrsm/rsm.h>

#include <string.h>

#include "rsm/api/session.h"
#include "rsm/client/client.h"
#include "rsm/engine/libctl.h"

/* The Win32 code of @rc: the one table (errmap.c) has the library-control rows too. */
static DWORD win32_of(rsm_rc rc)
{
    return rsm_rc_to_win32(rc);
}

/* Acquires the session; NULL after storing the error in *@err. */
static struct rsm_session *begin(HANDLE h, DWORD *err)
{
    struct rsm_session *s = rsm_session_acquire(h);
    if (!s) {
        *err = ERROR_INVALID_HANDLE;
        return NULL;
    }
    return s;
}

static DWORD finish(struct rsm_session *s, rsm_rc rc)
{
    rsm_session_release(s);
    return rsm_api_ret(win32_of(rc));
}

DWORD rsm_library_add(HANDLE hSession, const char *uri, const char *const *drive_uris,
                      DWORD n_drive_uris, LPNTMS_GUID library_id)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!library_id)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_rc rc = rsm_be_lc_add(s, uri, drive_uris, n_drive_uris, &g);
    if (rc == RSM_OK)
        rsm_guid_to_api(library_id, &g);
    return finish(s, rc);
}

DWORD rsm_library_inventory(HANDLE hSession, LPNTMS_GUID library_id, BOOL full, LPDWORD n_new,
                            LPDWORD n_moved, LPDWORD n_gone, LPDWORD n_imported, LPDWORD n_dup)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!library_id)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_guid_from_api(&g, library_id);
    struct rsm_lc_inventory r;
    rsm_rc rc =
        rsm_be_lc_inventory(s, &g, NTMS_INVENTORY_FAST | (full ? RSM_LC_INVENTORY_FULL : 0), &r);
    if (rc == RSM_OK) {
        if (n_new)
            *n_new = r.n_new;
        if (n_moved)
            *n_moved = r.n_moved;
        if (n_gone)
            *n_gone = r.n_gone;
        if (n_imported)
            *n_imported = r.n_imported;
        if (n_dup)
            *n_dup = r.n_dup;
    }
    return finish(s, rc);
}

DWORD WINAPI InventoryNtmsLibrary(HANDLE hSession, LPNTMS_GUID lpLibraryId, DWORD dwAction)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!lpLibraryId)
        return finish(s, RSM_E_INVALID_PARAMETER);
    if (dwAction == NTMS_INVENTORY_STOP)
        return finish(s, RSM_OK); /* inventories run to completion inside the call: none
                                   * is ever in progress when another call arrives */
    if (dwAction != NTMS_INVENTORY_FAST && dwAction != NTMS_INVENTORY_OMID &&
        dwAction != NTMS_INVENTORY_DEFAULT)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_guid_from_api(&g, lpLibraryId);
    return finish(s, rsm_be_lc_inventory(s, &g, dwAction, NULL));
}

#define MAX_MOUNT 64 /* media per MountNtmsMedia/DismountNtmsMedia call */

DWORD WINAPI MountNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpDriveId,
                            DWORD dwCount, DWORD dwOptions, int dwPriority, DWORD dwTimeout,
                            LPNTMS_MOUNT_INFORMATION lpMountInformation)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    (void)lpMountInformation; /* reserved */
    if (!lpMediaId || !lpDriveId || dwCount == 0 || dwCount > MAX_MOUNT || dwPriority < -15 ||
        dwPriority > 15)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid media[MAX_MOUNT], drives[MAX_MOUNT];
    for (DWORD i = 0; i < dwCount; i++) {
        rsm_guid_from_api(&media[i], &lpMediaId[i]);
        rsm_guid_from_api(&drives[i], &lpDriveId[i]);
    }
    /* INFINITE is UINT32_MAX on both sides; NOWAIT ignores the timeout (ntms-api.md). */
    rsm_rc rc = rsm_be_lc_mount_q(s, media, drives, dwCount, dwOptions, dwPriority, dwTimeout,
                                  NULL);
    if (rc == RSM_OK && !(dwOptions & (NTMS_MOUNT_SPECIFIC_DRIVE | NTMS_MOUNT_NOWAIT)))
        for (DWORD i = 0; i < dwCount; i++)
            rsm_guid_to_api(&lpDriveId[i], &drives[i]);
    return finish(s, rc);
}

DWORD rsm_mount_queued(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpDriveId,
                       DWORD dwCount, DWORD dwOptions, int dwPriority, DWORD dwTimeout,
                       LPNTMS_GUID lpRequestId)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!lpMediaId || !lpDriveId || !lpRequestId || dwCount == 0 || dwCount > MAX_MOUNT ||
        dwPriority < -15 || dwPriority > 15)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid media[MAX_MOUNT], drives[MAX_MOUNT], req;
    for (DWORD i = 0; i < dwCount; i++) {
        rsm_guid_from_api(&media[i], &lpMediaId[i]);
        rsm_guid_from_api(&drives[i], &lpDriveId[i]);
    }
    memset(&req, 0, sizeof req);
    rsm_rc rc = rsm_be_lc_mount_q(s, media, drives, dwCount, dwOptions, dwPriority, dwTimeout,
                                  &req);
    if (rc == RSM_OK) {
        rsm_guid_to_api(lpRequestId, &req);
        if (!(dwOptions & (NTMS_MOUNT_SPECIFIC_DRIVE | NTMS_MOUNT_NOWAIT)))
            for (DWORD i = 0; i < dwCount; i++)
                rsm_guid_to_api(&lpDriveId[i], &drives[i]);
    }
    return finish(s, rc);
}

DWORD WINAPI CancelNtmsLibraryRequest(HANDLE hSession, LPNTMS_GUID lpRequestId)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!lpRequestId)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_guid_from_api(&g, lpRequestId);
    return finish(s, rsm_be_lc_req_cancel(s, &g));
}

DWORD WINAPI DeleteNtmsRequests(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwType,
                                DWORD dwCount)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!lpRequestId || dwCount == 0 || dwCount > MAX_MOUNT ||
        (dwType != NTMS_LIBREQUEST && dwType != NTMS_OPREQUEST))
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid ids[MAX_MOUNT];
    for (DWORD i = 0; i < dwCount; i++)
        rsm_guid_from_api(&ids[i], &lpRequestId[i]);
    return finish(s, rsm_be_lc_req_delete(s, ids, dwCount, dwType));
}

DWORD WINAPI GetNtmsRequestOrder(HANDLE hSession, LPNTMS_GUID lpRequestId, LPDWORD lpdwOrderNumber)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!lpRequestId || !lpdwOrderNumber)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_guid_from_api(&g, lpRequestId);
    uint32_t order = 0;
    rsm_rc rc = rsm_be_lc_req_order_get(s, &g, &order);
    if (rc == RSM_OK)
        *lpdwOrderNumber = order;
    return finish(s, rc);
}

DWORD WINAPI SetNtmsRequestOrder(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwOrderNumber)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!lpRequestId)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_guid_from_api(&g, lpRequestId);
    return finish(s, rsm_be_lc_req_order_set(s, &g, dwOrderNumber));
}

DWORD WINAPI DismountNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD dwCount,
                               DWORD dwOptions)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!lpMediaId || dwCount == 0 || dwCount > MAX_MOUNT)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid media[MAX_MOUNT];
    for (DWORD i = 0; i < dwCount; i++)
        rsm_guid_from_api(&media[i], &lpMediaId[i]);
    return finish(s, rsm_be_lc_dismount(s, media, dwCount, dwOptions));
}

DWORD WINAPI DismountNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId)
{
    DWORD err;
    struct rsm_session *s = begin(hSession, &err);
    if (!s)
        return rsm_api_ret(err);
    if (!lpDriveId)
        return finish(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_guid_from_api(&g, lpDriveId);
    return finish(s, rsm_be_lc_dismount_drive(s, &g));
}
