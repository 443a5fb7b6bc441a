/* SPDX-License-Identifier: MIT
 * scenarios/runner/api.c - every function of rsm/include/ntmsapi.h callable by name from a
 * scenario: a table of parameter lists (what parse.c validates) and one small thunk per
 * function that turns marshalled arguments (struct scn_api_args, filled by run.c) into the
 * C call. Plain names (GetNtmsMediaPoolName) are the A forms, as ntmsapi.h maps them
 * without UNICODE; W forms get their strings converted to wide text.
 *
 * Why a table and not a switch in run.c: the parser needs each function's parameter
 * names to reject a misspelt one with its position before anything runs, and a function
 * that lands later (the request queue, notifications) then works with no runner change:
 * functions still unimplemented run for real and answer ERROR_NOT_SUPPORTED.
 * NTMS_* symbols come from ntmsapi.h's own enums (a list module.mk extracts at build time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/api/wstr.h"
#include "scenarios/runner/internal.h"

static const struct {
    const char *name;
    long long value;
} ntms_syms[] = {
#include "scenarios/ntms_syms.inc"
};

bool scn_ntms_symbol(const char *name, uint32_t *out)
{
    for (size_t i = 0; i < sizeof ntms_syms / sizeof ntms_syms[0]; i++)
        if (!strcmp(ntms_syms[i].name, name)) {
            *out = (uint32_t)ntms_syms[i].value; /* negative priorities wrap as the int
                                                  * parameter's bits, as in C */
            return true;
        }
    return false;
}

/* ---- marshalling ---------------------------------------------------------------------- */

#define G(i) (a->g_set[i] ? &a->g[i] : NULL)
#define D(i) (a->d[i])

/* Wide copies of the string arguments, owned by @a until scn_api_args_free(). */
static LPCWSTR W(struct scn_api_args *a, unsigned i)
{
    if (!a->s[i])
        return NULL;
    if (!a->ws[i]) {
        size_t n = strlen(a->s[i]) + 1;
        a->ws[i] = calloc(n, sizeof(wchar_t));
        if (!a->ws[i])
            return L"";
        (void)rsm_utf8_to_wfield(a->ws[i], n, a->s[i], SIZE_MAX); /* never longer */
    }
    return a->ws[i];
}

void scn_api_args_free(struct scn_api_args *a)
{
    for (unsigned i = 0; i < SCN_API_MAX_STR; i++)
        free(a->ws[i]);
    memset(a->ws, 0, sizeof a->ws);
}

/* ---- thunks ------------------------------------------------------------------------------ */

static DWORD f_OpenNtmsSessionA(HANDLE h, struct scn_api_args *a)
{
    (void)h;
    a->hout = OpenNtmsSessionA(a->s[0], a->s[1], D(0));
    a->has_hout = a->hout != INVALID_HANDLE_VALUE;
    return a->has_hout ? ERROR_SUCCESS : GetLastError();
}
static DWORD f_OpenNtmsSessionW(HANDLE h, struct scn_api_args *a)
{
    (void)h;
    a->hout = OpenNtmsSessionW(W(a, 0), W(a, 1), D(0));
    a->has_hout = a->hout != INVALID_HANDLE_VALUE;
    return a->has_hout ? ERROR_SUCCESS : GetLastError();
}
static DWORD f_CloseNtmsSession(HANDLE h, struct scn_api_args *a)
{
    (void)h;
    return CloseNtmsSession(a->hin);
}
static DWORD f_EnumerateNtmsObject(HANDLE h, struct scn_api_args *a)
{
    GUID list[1024];
    DWORD n = 1024;
    DWORD r = EnumerateNtmsObject(h, G(0), list, &n, D(0), D(1));
    a->count = n;
    a->has_count = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_GetNtmsObjectInformationA(HANDLE h, struct scn_api_args *a)
{
    NTMS_OBJECTINFORMATIONA info;
    memset(&info, 0, sizeof info);
    info.dwSize = sizeof info;
    info.dwType = D(0);
    return GetNtmsObjectInformationA(h, G(0), &info);
}
static DWORD f_GetNtmsObjectInformationW(HANDLE h, struct scn_api_args *a)
{
    NTMS_OBJECTINFORMATIONW info;
    memset(&info, 0, sizeof info);
    info.dwSize = sizeof info;
    info.dwType = D(0);
    return GetNtmsObjectInformationW(h, G(0), &info);
}
/* Set writes back what Get read (the round trip an application makes to change one field;
 * scenarios change pool policies through the dedicated SetNtmsObjectInformation keys). */
static DWORD f_SetNtmsObjectInformationA(HANDLE h, struct scn_api_args *a)
{
    NTMS_OBJECTINFORMATIONA info;
    memset(&info, 0, sizeof info);
    info.dwSize = sizeof info;
    info.dwType = D(0);
    DWORD r = GetNtmsObjectInformationA(h, G(0), &info);
    return r == ERROR_SUCCESS ? SetNtmsObjectInformationA(h, G(0), &info) : r;
}
static DWORD f_SetNtmsObjectInformationW(HANDLE h, struct scn_api_args *a)
{
    NTMS_OBJECTINFORMATIONW info;
    memset(&info, 0, sizeof info);
    info.dwSize = sizeof info;
    info.dwType = D(0);
    DWORD r = GetNtmsObjectInformationW(h, G(0), &info);
    return r == ERROR_SUCCESS ? SetNtmsObjectInformationW(h, G(0), &info) : r;
}
static DWORD f_GetNtmsObjectAttributeA(HANDLE h, struct scn_api_args *a)
{
    char buf[4096];
    DWORD size = sizeof buf;
    DWORD r = GetNtmsObjectAttributeA(h, G(0), D(0), a->s[0], buf, &size);
    if (r == ERROR_SUCCESS) {
        snprintf(a->text, sizeof a->text, "%.*s", (int)(size < sizeof buf ? size : 0), buf);
        a->has_text = true;
    }
    return r;
}
static DWORD f_GetNtmsObjectAttributeW(HANDLE h, struct scn_api_args *a)
{
    char buf[4096];
    DWORD size = sizeof buf;
    DWORD r = GetNtmsObjectAttributeW(h, G(0), D(0), W(a, 0), buf, &size);
    if (r == ERROR_SUCCESS) {
        snprintf(a->text, sizeof a->text, "%.*s", (int)(size < sizeof buf ? size : 0), buf);
        a->has_text = true;
    }
    return r;
}
static DWORD f_SetNtmsObjectAttributeA(HANDLE h, struct scn_api_args *a)
{
    const char *v = a->s[1] ? a->s[1] : "";
    return SetNtmsObjectAttributeA(h, G(0), D(0), a->s[0], (LPVOID)v, (DWORD)strlen(v));
}
static DWORD f_SetNtmsObjectAttributeW(HANDLE h, struct scn_api_args *a)
{
    const char *v = a->s[1] ? a->s[1] : "";
    return SetNtmsObjectAttributeW(h, G(0), D(0), W(a, 0), (LPVOID)v, (DWORD)strlen(v));
}
static DWORD f_EnableNtmsObject(HANDLE h, struct scn_api_args *a)
{
    return EnableNtmsObject(h, D(0), G(0));
}
static DWORD f_DisableNtmsObject(HANDLE h, struct scn_api_args *a)
{
    return DisableNtmsObject(h, D(0), G(0));
}
static DWORD f_GetNtmsObjectSecurity(HANDLE h, struct scn_api_args *a)
{
    unsigned char sd[4096];
    DWORD need = 0;
    return GetNtmsObjectSecurity(h, G(0), D(0), D(1), sd, sizeof sd, &need);
}
/* Writes back the descriptor just read (a no-op change with the caller's rights). */
static DWORD f_SetNtmsObjectSecurity(HANDLE h, struct scn_api_args *a)
{
    unsigned char sd[4096];
    DWORD need = 0;
    DWORD r = GetNtmsObjectSecurity(h, G(0), D(0), D(1), sd, sizeof sd, &need);
    return r == ERROR_SUCCESS ? SetNtmsObjectSecurity(h, G(0), D(0), D(1), sd) : r;
}
static DWORD f_UpdateNtmsOmidInfo(HANDLE h, struct scn_api_args *a)
{
    const char *v = a->s[0] ? a->s[0] : "";
    return UpdateNtmsOmidInfo(h, G(0), D(0), (DWORD)strlen(v), (LPVOID)v);
}
static DWORD f_AddNtmsMediaType(HANDLE h, struct scn_api_args *a)
{
    return AddNtmsMediaType(h, G(0), G(1));
}
static DWORD f_DeleteNtmsMediaType(HANDLE h, struct scn_api_args *a)
{
    return DeleteNtmsMediaType(h, G(0), G(1));
}
static DWORD f_ChangeNtmsMediaType(HANDLE h, struct scn_api_args *a)
{
    return ChangeNtmsMediaType(h, G(0), G(1));
}
static DWORD f_AllocateNtmsMedia(HANDLE h, struct scn_api_args *a)
{
    memset(&a->out, 0, sizeof a->out);
    DWORD r = AllocateNtmsMedia(h, G(0), G(1), &a->out, D(0), D(1), NULL);
    a->has_out = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_DeallocateNtmsMedia(HANDLE h, struct scn_api_args *a)
{
    return DeallocateNtmsMedia(h, G(0), D(0));
}
static DWORD f_SwapNtmsMedia(HANDLE h, struct scn_api_args *a)
{
    return SwapNtmsMedia(h, G(0), G(1));
}
static DWORD f_DecommissionNtmsMedia(HANDLE h, struct scn_api_args *a)
{
    return DecommissionNtmsMedia(h, G(0));
}
static DWORD f_SetNtmsMediaComplete(HANDLE h, struct scn_api_args *a)
{
    return SetNtmsMediaComplete(h, G(0));
}
static DWORD f_DeleteNtmsMedia(HANDLE h, struct scn_api_args *a)
{
    return DeleteNtmsMedia(h, G(0));
}
/* An offline cartridge with one side: @barcode, in pool @pool (optional). */
static DWORD f_CreateNtmsMediaA(HANDLE h, struct scn_api_args *a)
{
    NTMS_OBJECTINFORMATIONA m, side;
    memset(&m, 0, sizeof m);
    memset(&side, 0, sizeof side);
    m.dwSize = side.dwSize = sizeof m;
    m.dwType = NTMS_PHYSICAL_MEDIA;
    side.dwType = NTMS_PARTITION;
    snprintf(m.Info.PhysicalMedia.szBarCode, sizeof m.Info.PhysicalMedia.szBarCode, "%s",
             a->s[0] ? a->s[0] : "");
    if (a->g_set[0])
        m.Info.PhysicalMedia.MediaPool = a->g[0];
    m.Info.PhysicalMedia.dwNumberOfPartitions = 1;
    DWORD r = CreateNtmsMediaA(h, &m, &side, D(0));
    if (r == ERROR_SUCCESS) {
        a->out = m.ObjectGuid;
        a->has_out = true;
    }
    return r;
}
static DWORD f_CreateNtmsMediaW(HANDLE h, struct scn_api_args *a)
{
    NTMS_OBJECTINFORMATIONW m, side;
    memset(&m, 0, sizeof m);
    memset(&side, 0, sizeof side);
    m.dwSize = side.dwSize = sizeof m;
    m.dwType = NTMS_PHYSICAL_MEDIA;
    side.dwType = NTMS_PARTITION;
    (void)rsm_utf8_to_wfield(m.Info.PhysicalMedia.szBarCode,
                             sizeof m.Info.PhysicalMedia.szBarCode / sizeof(WCHAR),
                             a->s[0] ? a->s[0] : "", SIZE_MAX); /* long ones are cut */
    if (a->g_set[0])
        m.Info.PhysicalMedia.MediaPool = a->g[0];
    m.Info.PhysicalMedia.dwNumberOfPartitions = 1;
    DWORD r = CreateNtmsMediaW(h, &m, &side, D(0));
    if (r == ERROR_SUCCESS) {
        a->out = m.ObjectGuid;
        a->has_out = true;
    }
    return r;
}
static DWORD f_CreateNtmsMediaPoolA(HANDLE h, struct scn_api_args *a)
{
    DWORD r =
        CreateNtmsMediaPoolA(h, a->s[0], G(0), a->d_set[0] ? D(0) : NTMS_CREATE_NEW, NULL, &a->out);
    a->has_out = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_CreateNtmsMediaPoolW(HANDLE h, struct scn_api_args *a)
{
    DWORD r =
        CreateNtmsMediaPoolW(h, W(a, 0), G(0), a->d_set[0] ? D(0) : NTMS_CREATE_NEW, NULL, &a->out);
    a->has_out = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_DeleteNtmsMediaPool(HANDLE h, struct scn_api_args *a)
{
    return DeleteNtmsMediaPool(h, G(0));
}
static DWORD f_GetNtmsMediaPoolNameA(HANDLE h, struct scn_api_args *a)
{
    DWORD size = sizeof a->text;
    DWORD r = GetNtmsMediaPoolNameA(h, G(0), a->text, &size);
    a->has_text = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_GetNtmsMediaPoolNameW(HANDLE h, struct scn_api_args *a)
{
    WCHAR name[256];
    DWORD size = 256;
    DWORD r = GetNtmsMediaPoolNameW(h, G(0), name, &size);
    if (r == ERROR_SUCCESS) {
        (void)rsm_wfield_to_utf8(a->text, sizeof a->text, name, 256); /* shown, not kept */
        a->has_text = true;
    }
    return r;
}
static DWORD f_MoveToNtmsMediaPool(HANDLE h, struct scn_api_args *a)
{
    return MoveToNtmsMediaPool(h, G(0), G(1));
}
static DWORD f_MountNtmsMedia(HANDLE h, struct scn_api_args *a)
{
    GUID drive;
    memset(&drive, 0, sizeof drive);
    DWORD options = a->d_set[0] ? D(0) : NTMS_MOUNT_READ | NTMS_MOUNT_WRITE;
    if (a->g_set[1]) {
        drive = a->g[1];
        options |= NTMS_MOUNT_SPECIFIC_DRIVE;
    }
    /* No timeout given: 0, do not wait (a busy medium or drive answers at once), so a
     * scenario never hangs on a queue it did not mean to wait in. With NTMS_MOUNT_NOWAIT
     * the call returns once queued and what it gives is the library request (the drive is
     * not chosen yet): the GUID CancelNtmsLibraryRequest and Get/SetNtmsRequestOrder take. */
    GUID request;
    memset(&request, 0, sizeof request);
    DWORD r = rsm_mount_queued(h, G(0), &drive, 1, options, (int)D(1), D(2), &request);
    if (r == ERROR_SUCCESS) {
        a->out = options & NTMS_MOUNT_NOWAIT ? request : drive;
        a->has_out = true;
    }
    return r;
}
static DWORD f_DismountNtmsMedia(HANDLE h, struct scn_api_args *a)
{
    return DismountNtmsMedia(h, G(0), 1, D(0));
}
static DWORD f_ExportNtmsDatabase(HANDLE h, struct scn_api_args *a)
{
    (void)a;
    return ExportNtmsDatabase(h);
}
static DWORD f_ImportNtmsDatabase(HANDLE h, struct scn_api_args *a)
{
    (void)a;
    return ImportNtmsDatabase(h);
}
static DWORD f_DeleteNtmsLibrary(HANDLE h, struct scn_api_args *a)
{
    return DeleteNtmsLibrary(h, G(0));
}
static DWORD f_DeleteNtmsDrive(HANDLE h, struct scn_api_args *a)
{
    return DeleteNtmsDrive(h, G(0));
}
/* Operation GUIDs are outputs for START actions and inputs for STOP ones. */
static DWORD f_EjectNtmsMedia(HANDLE h, struct scn_api_args *a)
{
    a->out = a->g_set[1] ? a->g[1] : a->out;
    DWORD r = EjectNtmsMedia(h, G(0), &a->out, D(0));
    a->has_out = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_InjectNtmsMedia(HANDLE h, struct scn_api_args *a)
{
    a->out = a->g_set[1] ? a->g[1] : a->out;
    DWORD r = InjectNtmsMedia(h, G(0), &a->out, D(0));
    a->has_out = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_AccessNtmsLibraryDoor(HANDLE h, struct scn_api_args *a)
{
    return AccessNtmsLibraryDoor(h, G(0), D(0));
}
static DWORD f_DismountNtmsDrive(HANDLE h, struct scn_api_args *a)
{
    return DismountNtmsDrive(h, G(0));
}
static DWORD f_InventoryNtmsLibrary(HANDLE h, struct scn_api_args *a)
{
    return InventoryNtmsLibrary(h, G(0), a->d_set[0] ? D(0) : NTMS_INVENTORY_FAST);
}
static DWORD f_IdentifyNtmsSlot(HANDLE h, struct scn_api_args *a)
{
    return IdentifyNtmsSlot(h, G(0), D(0));
}
static DWORD f_CancelNtmsLibraryRequest(HANDLE h, struct scn_api_args *a)
{
    return CancelNtmsLibraryRequest(h, G(0));
}
static DWORD f_GetNtmsRequestOrder(HANDLE h, struct scn_api_args *a)
{
    DWORD order = 0;
    DWORD r = GetNtmsRequestOrder(h, G(0), &order);
    a->count = order;
    a->has_count = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_SetNtmsRequestOrder(HANDLE h, struct scn_api_args *a)
{
    return SetNtmsRequestOrder(h, G(0), D(0));
}
static DWORD f_DeleteNtmsRequests(HANDLE h, struct scn_api_args *a)
{
    return DeleteNtmsRequests(h, G(0), D(0), a->d_set[1] ? D(1) : 1);
}
static DWORD f_GetNtmsUIOptionsA(HANDLE h, struct scn_api_args *a)
{
    DWORD size = sizeof a->text;
    DWORD r = GetNtmsUIOptionsA(h, G(0), D(0), a->text, &size);
    a->has_text = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_GetNtmsUIOptionsW(HANDLE h, struct scn_api_args *a)
{
    WCHAR buf[256];
    DWORD size = 256;
    DWORD r = GetNtmsUIOptionsW(h, G(0), D(0), buf, &size);
    if (r == ERROR_SUCCESS) {
        (void)rsm_wfield_to_utf8(a->text, sizeof a->text, buf, 256); /* first entry shown */
        a->has_text = true;
    }
    return r;
}
static DWORD f_SetNtmsUIOptionsA(HANDLE h, struct scn_api_args *a)
{
    return SetNtmsUIOptionsA(h, G(0), D(0), D(1), a->s[0]);
}
static DWORD f_SetNtmsUIOptionsW(HANDLE h, struct scn_api_args *a)
{
    return SetNtmsUIOptionsW(h, G(0), D(0), D(1), W(a, 0));
}
static DWORD f_EjectDiskFromSADriveA(HANDLE h, struct scn_api_args *a)
{
    (void)h;
    return EjectDiskFromSADriveA(a->s[0], a->s[1], a->s[2], NULL, NULL, NULL, D(0));
}
static DWORD f_EjectDiskFromSADriveW(HANDLE h, struct scn_api_args *a)
{
    (void)h;
    return EjectDiskFromSADriveW(W(a, 0), W(a, 1), W(a, 2), NULL, NULL, NULL, D(0));
}
static DWORD f_GetVolumesFromDriveA(HANDLE h, struct scn_api_args *a)
{
    (void)h;
    LPSTR vol = NULL, letter = NULL;
    DWORD r = GetVolumesFromDriveA((LPSTR)(a->s[0] ? a->s[0] : ""), &vol, &letter);
    free(vol); /* owned by the caller (ntmsapi.h) */
    free(letter);
    return r;
}
static DWORD f_GetVolumesFromDriveW(HANDLE h, struct scn_api_args *a)
{
    (void)h;
    LPWSTR vol = NULL, letter = NULL;
    DWORD r = GetVolumesFromDriveW((LPWSTR)W(a, 0), &vol, &letter);
    free(vol);
    free(letter);
    return r;
}
static DWORD f_CleanNtmsDrive(HANDLE h, struct scn_api_args *a)
{
    return CleanNtmsDrive(h, G(0));
}
static DWORD f_ReserveNtmsCleanerSlot(HANDLE h, struct scn_api_args *a)
{
    return ReserveNtmsCleanerSlot(h, G(0), G(1));
}
static DWORD f_ReleaseNtmsCleanerSlot(HANDLE h, struct scn_api_args *a)
{
    return ReleaseNtmsCleanerSlot(h, G(0));
}
static DWORD f_InjectNtmsCleaner(HANDLE h, struct scn_api_args *a)
{
    a->out = a->g_set[1] ? a->g[1] : a->out;
    DWORD r = InjectNtmsCleaner(h, G(0), &a->out, D(0), D(1));
    a->has_out = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_EjectNtmsCleaner(HANDLE h, struct scn_api_args *a)
{
    a->out = a->g_set[1] ? a->g[1] : a->out;
    DWORD r = EjectNtmsCleaner(h, G(0), &a->out, D(0));
    a->has_out = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_BeginNtmsDeviceChangeDetection(HANDLE h, struct scn_api_args *a)
{
    DWORD r = BeginNtmsDeviceChangeDetection(h, &a->hout);
    a->has_hout = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_SetNtmsDeviceChangeDetection(HANDLE h, struct scn_api_args *a)
{
    return SetNtmsDeviceChangeDetection(h, a->hin, G(0), D(0), 1);
}
static DWORD f_EndNtmsDeviceChangeDetection(HANDLE h, struct scn_api_args *a)
{
    return EndNtmsDeviceChangeDetection(h, a->hin);
}
static DWORD f_SubmitNtmsOperatorRequestA(HANDLE h, struct scn_api_args *a)
{
    DWORD r = SubmitNtmsOperatorRequestA(h, D(0), a->s[0], G(0), G(1), &a->out);
    a->has_out = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_SubmitNtmsOperatorRequestW(HANDLE h, struct scn_api_args *a)
{
    DWORD r = SubmitNtmsOperatorRequestW(h, D(0), W(a, 0), G(0), G(1), &a->out);
    a->has_out = r == ERROR_SUCCESS;
    return r;
}
static DWORD f_WaitForNtmsOperatorRequest(HANDLE h, struct scn_api_args *a)
{
    return WaitForNtmsOperatorRequest(h, G(0), D(0));
}
static DWORD f_CancelNtmsOperatorRequest(HANDLE h, struct scn_api_args *a)
{
    return CancelNtmsOperatorRequest(h, G(0));
}
static DWORD f_SatisfyNtmsOperatorRequest(HANDLE h, struct scn_api_args *a)
{
    return SatisfyNtmsOperatorRequest(h, G(0));
}
static DWORD f_OpenNtmsNotification(HANDLE h, struct scn_api_args *a)
{
    a->hout = OpenNtmsNotification(h, D(0));
    a->has_hout = a->hout != INVALID_HANDLE_VALUE;
    return a->has_hout ? ERROR_SUCCESS : GetLastError();
}
static DWORD f_WaitForNtmsNotification(HANDLE h, struct scn_api_args *a)
{
    (void)h;
    NTMS_NOTIFICATIONINFORMATION ni;
    memset(&ni, 0, sizeof ni);
    DWORD r = WaitForNtmsNotification(a->hin, &ni, D(0));
    if (r == ERROR_SUCCESS) {
        a->out = ni.ObjectId;
        a->has_out = true;
        a->count = ni.dwOperation;
        a->has_count = true;
    }
    return r;
}
static DWORD f_CloseNtmsNotification(HANDLE h, struct scn_api_args *a)
{
    (void)h;
    return CloseNtmsNotification(a->hin);
}

/* ---- the table ---------------------------------------------------------------------------- */

#define GU(n)                                                                                      \
    {                                                                                              \
        n, SCN_ARG_GUID, false                                                                     \
    }
#define GU_(n)                                                                                     \
    {                                                                                              \
        n, SCN_ARG_GUID, true                                                                      \
    }
#define DW(n)                                                                                      \
    {                                                                                              \
        n, SCN_ARG_DWORD, false                                                                    \
    }
#define DW_(n)                                                                                     \
    {                                                                                              \
        n, SCN_ARG_DWORD, true                                                                     \
    }
#define ST(n)                                                                                      \
    {                                                                                              \
        n, SCN_ARG_STR, false                                                                      \
    }
#define ST_(n)                                                                                     \
    {                                                                                              \
        n, SCN_ARG_STR, true                                                                       \
    }
#define HA(n)                                                                                      \
    {                                                                                              \
        n, SCN_ARG_HANDLE, false                                                                   \
    }
#define F(name, out, ...)                                                                          \
    {                                                                                              \
#name, out, f_##name,                                                                      \
        {                                                                                          \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    }

/* Outputs: 'g' a GUID, 'h' a handle (kept with save_as), 'c' a number (expect count),
 * 't' text (expect name), 0 none. */
static const struct scn_api_fn api[] = {
    F(OpenNtmsSessionA, 'h', ST_("server"), ST_("application"), DW_("options")),
    F(OpenNtmsSessionW, 'h', ST_("server"), ST_("application"), DW_("options")),
    F(CloseNtmsSession, 0, HA("session")),
    F(EnumerateNtmsObject, 'c', GU_("container"), DW("type"), DW_("options")),
    F(GetNtmsObjectInformationA, 0, GU("object"), DW("type")),
    F(GetNtmsObjectInformationW, 0, GU("object"), DW("type")),
    F(SetNtmsObjectInformationA, 0, GU("object"), DW("type")),
    F(SetNtmsObjectInformationW, 0, GU("object"), DW("type")),
    F(GetNtmsObjectAttributeA, 't', GU("object"), DW("type"), ST("attribute")),
    F(GetNtmsObjectAttributeW, 't', GU("object"), DW("type"), ST("attribute")),
    F(SetNtmsObjectAttributeA, 0, GU("object"), DW("type"), ST("attribute"), ST_("value")),
    F(SetNtmsObjectAttributeW, 0, GU("object"), DW("type"), ST("attribute"), ST_("value")),
    F(EnableNtmsObject, 0, DW("type"), GU("object")),
    F(DisableNtmsObject, 0, DW("type"), GU("object")),
    F(GetNtmsObjectSecurity, 0, GU("object"), DW("type"), DW_("information")),
    F(SetNtmsObjectSecurity, 0, GU("object"), DW("type"), DW_("information")),
    F(UpdateNtmsOmidInfo, 0, GU("media"), DW("label_type"), ST_("label")),
    F(AddNtmsMediaType, 0, GU("media_type"), GU("library")),
    F(DeleteNtmsMediaType, 0, GU("media_type"), GU("library")),
    F(ChangeNtmsMediaType, 0, GU("media"), GU("pool")),
    F(AllocateNtmsMedia, 'g', GU("pool"), GU_("partition"), DW_("options"), DW_("timeout")),
    F(DeallocateNtmsMedia, 0, GU("media"), DW_("options")),
    F(SwapNtmsMedia, 0, GU("media1"), GU("media2")),
    F(DecommissionNtmsMedia, 0, GU("media")),
    F(SetNtmsMediaComplete, 0, GU("media")),
    F(DeleteNtmsMedia, 0, GU("media")),
    F(CreateNtmsMediaA, 'g', ST("barcode"), GU_("pool"), DW_("options")),
    F(CreateNtmsMediaW, 'g', ST("barcode"), GU_("pool"), DW_("options")),
    F(CreateNtmsMediaPoolA, 'g', ST("name"), GU_("media_type"), DW_("action")),
    F(CreateNtmsMediaPoolW, 'g', ST("name"), GU_("media_type"), DW_("action")),
    F(DeleteNtmsMediaPool, 0, GU("pool")),
    F(GetNtmsMediaPoolNameA, 't', GU("pool")),
    F(GetNtmsMediaPoolNameW, 't', GU("pool")),
    F(MoveToNtmsMediaPool, 0, GU("media"), GU("pool")),
    F(MountNtmsMedia, 'g', GU("media"), GU_("drive"), DW_("options"), DW_("priority"),
      DW_("timeout")),
    F(DismountNtmsMedia, 0, GU("media"), DW_("options")),
    F(ExportNtmsDatabase, 0, {NULL, 0, false}),
    F(ImportNtmsDatabase, 0, {NULL, 0, false}),
    F(DeleteNtmsLibrary, 0, GU("library")),
    F(DeleteNtmsDrive, 0, GU("drive")),
    F(EjectNtmsMedia, 'g', GU("media"), GU_("operation"), DW_("action")),
    F(InjectNtmsMedia, 'g', GU("library"), GU_("operation"), DW_("action")),
    F(AccessNtmsLibraryDoor, 0, GU("library"), DW_("action")),
    F(DismountNtmsDrive, 0, GU("drive")),
    F(InventoryNtmsLibrary, 0, GU("library"), DW_("action")),
    F(IdentifyNtmsSlot, 0, GU("slot"), DW_("option")),
    F(CancelNtmsLibraryRequest, 0, GU("request")),
    F(GetNtmsRequestOrder, 'c', GU("request")),
    F(SetNtmsRequestOrder, 0, GU("request"), DW("order")),
    F(DeleteNtmsRequests, 0, GU("request"), DW("type"), DW_("count")),
    F(GetNtmsUIOptionsA, 't', GU("object"), DW("type")),
    F(GetNtmsUIOptionsW, 't', GU("object"), DW("type")),
    F(SetNtmsUIOptionsA, 0, GU("object"), DW("type"), DW("operation"), ST("destination")),
    F(SetNtmsUIOptionsW, 0, GU("object"), DW("type"), DW("operation"), ST("destination")),
    F(EjectDiskFromSADriveA, 0, ST_("computer"), ST_("application"), ST("device"), DW_("options")),
    F(EjectDiskFromSADriveW, 0, ST_("computer"), ST_("application"), ST("device"), DW_("options")),
    F(GetVolumesFromDriveA, 0, ST("drive_name")),
    F(GetVolumesFromDriveW, 0, ST("drive_name")),
    F(CleanNtmsDrive, 0, GU("drive")),
    F(ReserveNtmsCleanerSlot, 0, GU("library"), GU("slot")),
    F(ReleaseNtmsCleanerSlot, 0, GU("library")),
    F(InjectNtmsCleaner, 'g', GU("library"), GU_("operation"), DW_("cleans_left"), DW_("action")),
    F(EjectNtmsCleaner, 'g', GU("library"), GU_("operation"), DW_("action")),
    F(BeginNtmsDeviceChangeDetection, 'h', {NULL, 0, false}),
    F(SetNtmsDeviceChangeDetection, 0, HA("detection"), GU("object"), DW("type")),
    F(EndNtmsDeviceChangeDetection, 0, HA("detection")),
    F(SubmitNtmsOperatorRequestA, 'g', DW("request"), ST_("message"), GU_("arg1"), GU_("arg2")),
    F(SubmitNtmsOperatorRequestW, 'g', DW("request"), ST_("message"), GU_("arg1"), GU_("arg2")),
    F(WaitForNtmsOperatorRequest, 0, GU("request"), DW_("timeout")),
    F(CancelNtmsOperatorRequest, 0, GU("request")),
    F(SatisfyNtmsOperatorRequest, 0, GU("request")),
    F(OpenNtmsNotification, 'h', DW("type")),
    F(WaitForNtmsNotification, 'g', HA("notification"), DW_("timeout")),
    F(CloseNtmsNotification, 0, HA("notification")),
};

#define N_API (sizeof api / sizeof api[0])

/* Generic names, as ntmsapi.h maps them without UNICODE: the A forms. */
static const char *const generic[] = {
    "OpenNtmsSession",           "GetNtmsObjectInformation", "SetNtmsObjectInformation",
    "CreateNtmsMediaPool",       "GetNtmsMediaPoolName",     "GetNtmsObjectAttribute",
    "SetNtmsObjectAttribute",    "GetNtmsUIOptions",         "SetNtmsUIOptions",
    "SubmitNtmsOperatorRequest", "CreateNtmsMedia",          "EjectDiskFromSADrive",
    "GetVolumesFromDrive",
};

const struct scn_api_fn *scn_api_find(const char *name)
{
    char a_form[96];
    for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++)
        if (!strcmp(name, generic[i])) {
            snprintf(a_form, sizeof a_form, "%sA", name);
            name = a_form;
            break;
        }
    for (size_t i = 0; i < N_API; i++)
        if (!strcmp(api[i].name, name))
            return &api[i];
    return NULL;
}

size_t scn_api_count(void)
{
    return N_API;
}

const struct scn_api_fn *scn_api_at(size_t i)
{
    return i < N_API ? &api[i] : NULL;
}
