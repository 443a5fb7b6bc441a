/* SPDX-License-Identifier: MIT
 * Import/export and library-control entry points (ntms-api.md §2.5): InjectNtmsMedia,
 * EjectNtmsMedia, AccessNtmsLibraryDoor, IdentifyNtmsSlot, DeleteNtmsDrive,
 * DeleteNtmsLibrary, Get/SetNtmsUIOptions, EjectDiskFromSADrive, GetVolumesFromDrive,
 * over rsm/engine/ieclean.h. Both modes: the calls go through
 * the back end (rsm/client/client.h), so on an rsmd session the daemon drives the library.
 */
#include <ntmsapi.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rsm/api/ieclean_api.h"
#include "rsm/client/client.h"
#include "rsm/api/wstr.h"
#include "rsm/dev/drive.h"
#include "rsm/engine/devlink.h"

#ifndef RSM_DEV_LINKED
#pragma weak rsm_drv_open_uri
#pragma weak rsm_drv_close
#pragma weak rsm_drv_prevent
#pragma weak rsm_drv_unload
#pragma weak rsm_drv_test_ready
#endif

DWORD rsm_iec_done(struct rsm_session *s, rsm_rc rc)
{
    rsm_session_release(s);
    return rsm_api_ret(rsm_rc_to_win32(rc));
}

#define BEGIN(s, h)                                                                                \
    struct rsm_session *s = rsm_session_acquire(h);                                                \
    if (!s)                                                                                        \
    return rsm_api_ret(ERROR_INVALID_HANDLE)

DWORD WINAPI InjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpLibraryId,
                             LPNTMS_GUID lpInjectOperation, DWORD dwAction)
{
    BEGIN(s, hSession);
    if (!lpLibraryId || !lpInjectOperation || dwAction > NTMS_INJECT_STARTMANY)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid lib, op;
    rsm_guid_from_api(&lib, lpLibraryId);
    rsm_guid_from_api(&op, lpInjectOperation);
    rsm_rc rc = rsm_be_ie_inject(s, &lib, &op, dwAction);
    if (rc == RSM_OK)
        rsm_guid_to_api(lpInjectOperation, &op);
    return rsm_iec_done(s, rc);
}

DWORD WINAPI EjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpEjectOperation,
                            DWORD dwAction)
{
    BEGIN(s, hSession);
    if (dwAction > NTMS_EJECT_FORCE || (dwAction != NTMS_EJECT_QUEUE && !lpEjectOperation) ||
        (dwAction == NTMS_EJECT_QUEUE && !lpMediaId))
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid pm, op;
    rsm_guid_from_api(&pm, lpMediaId);
    rsm_guid_from_api(&op, lpEjectOperation);
    rsm_rc rc = rsm_be_ie_eject(s, lpMediaId ? &pm : NULL, &op, dwAction);
    if (rc == RSM_OK && lpEjectOperation && dwAction != NTMS_EJECT_QUEUE)
        rsm_guid_to_api(lpEjectOperation, &op);
    return rsm_iec_done(s, rc);
}

DWORD WINAPI AccessNtmsLibraryDoor(HANDLE hSession, LPNTMS_GUID lpLibraryId, DWORD dwAction)
{
    BEGIN(s, hSession);
    if (!lpLibraryId || dwAction >= NTMS_INVENTORY_MAX)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid lib;
    rsm_guid_from_api(&lib, lpLibraryId);
    return rsm_iec_done(s, rsm_be_ie_door(s, &lib, dwAction));
}

DWORD WINAPI IdentifyNtmsSlot(HANDLE hSession, LPNTMS_GUID lpSlotId, DWORD dwOption)
{
    BEGIN(s, hSession);
    if (!lpSlotId || dwOption > NTMS_DISMOUNT_IMMEDIATE)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid slot;
    rsm_guid_from_api(&slot, lpSlotId);
    return rsm_iec_done(s, rsm_be_ie_identify_slot(s, &slot, dwOption));
}

DWORD WINAPI DeleteNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId)
{
    BEGIN(s, hSession);
    if (!lpDriveId)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid d;
    rsm_guid_from_api(&d, lpDriveId);
    return rsm_iec_done(s, rsm_be_ie_delete_drive(s, &d));
}

DWORD WINAPI DeleteNtmsLibrary(HANDLE hSession, LPNTMS_GUID lpLibraryId)
{
    BEGIN(s, hSession);
    if (!lpLibraryId)
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid l;
    rsm_guid_from_api(&l, lpLibraryId);
    return rsm_iec_done(s, rsm_be_ie_delete_library(s, &l));
}

/* ---- UI destinations ---------------------------------------------------------------------- */

/* A NULL object means "this application", which the API identifies by its session: those
 * lists live here, one per (session, type), and are dropped once the session is gone. */
struct ui_app {
    struct rsm_session *s;
    uint32_t type;
    char *names; /* NUL-separated */
    size_t len;
    struct ui_app *next;
};
static pthread_mutex_t ui_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ui_app *ui_apps;

/* Drops the lists of sessions that no longer exist. ui_mu held. */
static void ui_prune(void)
{
    for (struct ui_app **p = &ui_apps; *p;) {
        struct rsm_session *live = rsm_session_acquire((HANDLE)(*p)->s);
        if (live) {
            rsm_session_release(live);
            p = &(*p)->next;
            continue;
        }
        struct ui_app *dead = *p;
        *p = dead->next;
        free(dead->names);
        free(dead);
    }
}

static rsm_rc ui_app_get(struct rsm_session *s, uint32_t type, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    pthread_mutex_lock(&ui_mu);
    ui_prune();
    rsm_rc rc = RSM_OK;
    for (struct ui_app *a = ui_apps; a; a = a->next)
        if (a->s == s && a->type == type && a->len) {
            if ((*out = malloc(a->len)) == NULL)
                rc = RSM_E_NOMEM;
            else {
                memcpy(*out, a->names, a->len);
                *len = a->len;
            }
        }
    pthread_mutex_unlock(&ui_mu);
    return rc;
}

static rsm_rc ui_app_set(struct rsm_session *s, uint32_t type, uint32_t op, const char *dest)
{
    if (op < NTMS_UIDEST_ADD || op > NTMS_UIDEST_DELETEALL ||
        (op != NTMS_UIDEST_DELETEALL && !dest))
        return RSM_E_INVALID_PARAMETER;
    pthread_mutex_lock(&ui_mu);
    ui_prune();
    struct ui_app *a = ui_apps;
    while (a && !(a->s == s && a->type == type))
        a = a->next;
    if (!a && (a = calloc(1, sizeof *a)) != NULL) {
        a->s = s;
        a->type = type;
        a->next = ui_apps;
        ui_apps = a;
    }
    rsm_rc rc = a ? RSM_OK : RSM_E_NOMEM;
    size_t dlen = dest ? strlen(dest) + 1 : 0;
    char *next = rc == RSM_OK ? malloc(a->len + dlen + 1) : NULL;
    if (rc == RSM_OK && !next)
        rc = RSM_E_NOMEM;
    if (rc == RSM_OK) {
        size_t off = 0;
        bool found = false;
        for (size_t p = 0; p < a->len; p += strlen(a->names + p) + 1) {
            bool same = dest && strcmp(a->names + p, dest) == 0;
            found |= same;
            if (op == NTMS_UIDEST_DELETEALL || (op == NTMS_UIDEST_DELETE && same))
                continue;
            size_t l = strlen(a->names + p) + 1;
            memcpy(next + off, a->names + p, l);
            off += l;
        }
        if (op == NTMS_UIDEST_ADD && found)
            rc = RSM_E_ALREADY_EXISTS;
        else if (op == NTMS_UIDEST_DELETE && !found)
            rc = RSM_E_NOT_FOUND;
        if (rc == RSM_OK && op == NTMS_UIDEST_ADD) {
            memcpy(next + off, dest, dlen);
            off += dlen;
        }
        if (rc == RSM_OK) {
            free(a->names);
            a->names = next;
            a->len = off;
            next = NULL;
        }
    }
    free(next);
    pthread_mutex_unlock(&ui_mu);
    return rc;
}

static rsm_rc ui_get(struct rsm_session *s, const LPNTMS_GUID obj, DWORD type, char **out,
                     size_t *len)
{
    if (type <= NTMS_UITYPE_INVALID || type >= NTMS_UITYPE_MAX)
        return RSM_E_INVALID_PARAMETER;
    if (!obj)
        return ui_app_get(s, type, out, len);
    struct rsm_guid g;
    rsm_guid_from_api(&g, obj);
    return rsm_be_ie_ui_get(s, &g, type, out, len);
}

static rsm_rc ui_set(struct rsm_session *s, const LPNTMS_GUID obj, DWORD type, DWORD op,
                     const char *dest)
{
    if (type <= NTMS_UITYPE_INVALID || type >= NTMS_UITYPE_MAX)
        return RSM_E_INVALID_PARAMETER;
    if (!obj)
        return ui_app_set(s, type, op, dest);
    struct rsm_guid g;
    rsm_guid_from_api(&g, obj);
    return rsm_be_ie_ui_set(s, &g, type, op, dest);
}

DWORD WINAPI GetNtmsUIOptionsA(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               LPSTR lpszDestination, LPDWORD lpdwBufSize)
{
    BEGIN(s, hSession);
    if (!lpdwBufSize || (*lpdwBufSize && !lpszDestination))
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    char *names = NULL;
    size_t len = 0;
    rsm_rc rc = ui_get(s, lpObjectId, dwType, &names, &len);
    if (rc == RSM_OK) {
        DWORD need = len ? (DWORD)len + 1 : 0; /* the list's final extra NUL */
        if (*lpdwBufSize < need)
            rc = RSM_E_INSUFFICIENT_BUFFER;
        else if (need) {
            memcpy(lpszDestination, names, len);
            lpszDestination[len] = 0;
        }
        *lpdwBufSize = need;
    }
    free(names);
    return rsm_iec_done(s, rc);
}

DWORD WINAPI GetNtmsUIOptionsW(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               LPWSTR lpszDestination, LPDWORD lpdwBufSize)
{
    BEGIN(s, hSession);
    if (!lpdwBufSize || (*lpdwBufSize && !lpszDestination))
        return rsm_iec_done(s, RSM_E_INVALID_PARAMETER);
    char *names = NULL;
    size_t len = 0;
    rsm_rc rc = ui_get(s, lpObjectId, dwType, &names, &len);
    if (rc == RSM_OK) {
        size_t need = 0;
        for (size_t p = 0; p < len; p += strlen(names + p) + 1)
            need += rsm_utf8_w_size(names + p, SIZE_MAX);
        if (need)
            need++;
        if (*lpdwBufSize < need)
            rc = RSM_E_INSUFFICIENT_BUFFER;
        else if (need) {
            size_t off = 0;
            for (size_t p = 0; p < len; p += strlen(names + p) + 1) {
                size_t w = rsm_utf8_w_size(names + p, SIZE_MAX);
                rsm_utf8_to_wfield(lpszDestination + off, w, names + p, SIZE_MAX);
                off += w;
            }
            lpszDestination[off] = 0;
        }
        *lpdwBufSize = (DWORD)need;
    }
    free(names);
    return rsm_iec_done(s, rc);
}

DWORD WINAPI SetNtmsUIOptionsA(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               DWORD dwOperation, LPCSTR lpszDestination)
{
    BEGIN(s, hSession);
    return rsm_iec_done(s, ui_set(s, lpObjectId, dwType, dwOperation, lpszDestination));
}

DWORD WINAPI SetNtmsUIOptionsW(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               DWORD dwOperation, LPCWSTR lpszDestination)
{
    BEGIN(s, hSession);
    char *dest = NULL;
    if (lpszDestination) {
        DWORD err = rsm_w_to_utf8dup(lpszDestination, &dest);
        if (err != ERROR_SUCCESS) {
            rsm_session_release(s);
            return rsm_api_ret(err);
        }
    }
    rsm_rc rc = ui_set(s, lpObjectId, dwType, dwOperation, dest);
    free(dest);
    return rsm_iec_done(s, rc);
}

/* ---- stand-alone drives by device name (no session) ----------------------------------------- */

/* Ejects the cartridge of the drive at device URI @dev (sim:, iscsi://, sg:). The call is
 * served at once whatever @opt asks (QUEUE included): no port is held afterwards, so STOP
 * has no operation to end. The database learns of it through change detection. */
static DWORD eject_sa(const char *computer, const char *dev, DWORD opt)
{
    if (!dev || !*dev || opt > NTMS_EJECT_ASK_USER)
        return ERROR_INVALID_PARAMETER;
    if (computer && *computer)
        return ERROR_NOT_SUPPORTED; /* a remote computer: rsmd does not carry this yet */
    if (opt == NTMS_EJECT_STOP)
        return ERROR_INVALID_OPERATION;
    if (!rsm_drv_open_uri)
        return ERROR_NOT_SUPPORTED;
    struct rsm_drv *drv = NULL;
    if (rsm_drv_open_uri(dev, NULL, &drv) != RSM_DEV_OK)
        return ERROR_DEVICE_NOT_AVAILABLE;
    DWORD err = ERROR_SUCCESS;
    enum rsm_dev_rc t = rsm_drv_test_ready(drv);
    if (t == RSM_DEV_E_NO_MEDIUM)
        err = ERROR_MEDIA_NOT_AVAILABLE;
    else {
        (void)rsm_drv_prevent(drv, false); /* FORCE and the rest alike: RSM holds no lock */
        if (rsm_drv_unload(drv) != RSM_DEV_OK)
            err = ERROR_DEVICE_NOT_AVAILABLE;
    }
    rsm_drv_close(drv);
    return err;
}

DWORD WINAPI EjectDiskFromSADriveA(LPCSTR lpComputerName, LPCSTR lpAppName, LPCSTR lpDeviceName,
                                   HWND hWnd, LPCSTR lpTitle, LPCSTR lpMessage, DWORD dwOptions)
{
    (void)lpAppName, (void)hWnd, (void)lpTitle, (void)lpMessage; /* no dialog on this platform */
    return rsm_api_ret(eject_sa(lpComputerName, lpDeviceName, dwOptions));
}

DWORD WINAPI EjectDiskFromSADriveW(LPCWSTR lpComputerName, LPCWSTR lpAppName, LPCWSTR lpDeviceName,
                                   HWND hWnd, LPCWSTR lpTitle, LPCWSTR lpMessage, DWORD dwOptions)
{
    (void)lpAppName, (void)hWnd, (void)lpTitle, (void)lpMessage;
    char *comp = NULL, *dev = NULL;
    DWORD err = ERROR_SUCCESS;
    if (lpComputerName)
        err = rsm_w_to_utf8dup(lpComputerName, &comp);
    if (err == ERROR_SUCCESS && lpDeviceName)
        err = rsm_w_to_utf8dup(lpDeviceName, &dev);
    if (err == ERROR_SUCCESS)
        err = eject_sa(comp, dev, dwOptions);
    free(comp);
    free(dev);
    return rsm_api_ret(err);
}

/* A tape or a changer slot holds no file-system volume, so there is no volume name and no
 * drive letter (Linux has none at all): both come back NULL, nothing is allocated. The
 * device must answer as a tape drive. */
static DWORD volumes(const char *dev, void **vol, void **letter)
{
    if (!dev || !*dev || !vol || !letter)
        return ERROR_INVALID_PARAMETER;
    *vol = NULL;
    *letter = NULL;
    if (!rsm_drv_open_uri)
        return ERROR_NOT_SUPPORTED;
    struct rsm_drv *drv = NULL;
    if (rsm_drv_open_uri(dev, NULL, &drv) != RSM_DEV_OK)
        return ERROR_DEVICE_NOT_AVAILABLE;
    rsm_drv_close(drv);
    return ERROR_SUCCESS;
}

DWORD WINAPI GetVolumesFromDriveA(LPSTR pszDriveName, LPSTR *VolumeNameBufferPtr,
                                  LPSTR *DriveLetterBufferPtr)
{
    void *v = NULL, *l = NULL;
    DWORD err =
        volumes(pszDriveName, VolumeNameBufferPtr ? &v : NULL, DriveLetterBufferPtr ? &l : NULL);
    if (VolumeNameBufferPtr)
        *VolumeNameBufferPtr = v;
    if (DriveLetterBufferPtr)
        *DriveLetterBufferPtr = l;
    return rsm_api_ret(err);
}

DWORD WINAPI GetVolumesFromDriveW(LPWSTR pszDriveName, LPWSTR *VolumeNameBufferPtr,
                                  LPWSTR *DriveLetterBufferPtr)
{
    char *dev = NULL;
    DWORD err = pszDriveName ? rsm_w_to_utf8dup(pszDriveName, &dev) : ERROR_INVALID_PARAMETER;
    void *v = NULL, *l = NULL;
    if (err == ERROR_SUCCESS)
        err = volumes(dev, VolumeNameBufferPtr ? &v : NULL, DriveLetterBufferPtr ? &l : NULL);
    if (VolumeNameBufferPtr)
        *VolumeNameBufferPtr = v;
    if (DriveLetterBufferPtr)
        *DriveLetterBufferPtr = l;
    free(dev);
    return rsm_api_ret(err);
}
