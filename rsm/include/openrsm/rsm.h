/* SPDX-License-Identifier: MIT
 * OpenRSM native extras: calls that Windows RSM did not have (it found libraries by
 * Plug and Play), with the same conventions as ntmsapi.h: a session handle from
 * OpenNtmsSession, a Win32/NTMS error code as the result (also stored with
 * SetLastError when it is not ERROR_SUCCESS).
 *
 * These run on an embedded engine (OpenNtmsSession("embedded:DIR")); on a session
 * connected to rsmd they return ERROR_NOT_SUPPORTED until the socket protocol carries
 * them. They need the device layer linked into the program (see rsm/dev/README.md);
 * without it they return ERROR_NOT_SUPPORTED.
 */
#ifndef OPENRSM_RSM_H
#define OPENRSM_RSM_H

#include <ntmsapi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* rsm_library_add() - adds the library at device URI @uri ("sim:", "sim:CONFIG.yaml",
 * "iscsi://HOST[:PORT]/IQN/LUN", "sg:/dev/sgN") and inventories it (fast).
 * @drive_uris[@n_drive_uris]: the drives, required for sg:, optional otherwise (NULL, 0:
 * the target's other LUNs). The changer, its slots, mail slots and door, the drives
 * (mapped to their elements by the identifiers the changer reports) and the media types
 * are registered; the URIs are remembered, so a later session reconnects by itself.
 * Adding the same library again updates it and gives the same GUID.
 * @library_id: filled with the library's GUID on success.
 * Errors: ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_ACCESS_DENIED (CONTROL on
 * the computer), ERROR_DEVICE_NOT_AVAILABLE (the device did not open),
 * ERROR_LIBRARY_OFFLINE (the changer failed during the inventory), ERROR_NOT_SUPPORTED,
 * ERROR_DATABASE_FAILURE, ERROR_DATABASE_FULL. */
DWORD rsm_library_add(HANDLE hSession, const char *uri, const char *const *drive_uris,
                      DWORD n_drive_uris, LPNTMS_GUID library_id);

/* rsm_library_inventory() - InventoryNtmsLibrary with the counts of what it found:
 * @full nonzero re-scans the barcodes first (INITIALIZE ELEMENT STATUS). Each count
 * pointer may be NULL: cartridges new to the database, moved since last seen, gone (to
 * the offline library), taken in from a mail slot, and left unregistered because their
 * barcode was already seen elsewhere in the library. */
DWORD rsm_library_inventory(HANDLE hSession, LPNTMS_GUID library_id, BOOL full, LPDWORD n_new,
                            LPDWORD n_moved, LPDWORD n_gone, LPDWORD n_imported, LPDWORD n_dup);

/* rsm_mount_queued() - MountNtmsMedia that also gives the GUID of the library request
 * (NTMS_LIBREQUEST) it queued: with NTMS_MOUNT_NOWAIT the call returns once the request
 * is queued, and @lpRequestId is what CancelNtmsLibraryRequest, GetNtmsRequestOrder and
 * GetNtmsObjectInformation take. Otherwise as MountNtmsMedia. */
DWORD rsm_mount_queued(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpDriveId,
                       DWORD dwCount, DWORD dwOptions, int dwPriority, DWORD dwTimeout,
                       LPNTMS_GUID lpRequestId);

#ifdef __cplusplus
}
#endif

#endif
