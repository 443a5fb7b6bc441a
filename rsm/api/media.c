/* SPDX-License-Identifier: MIT
 * Media services of the NTMS API (ntms-api.md §2.6) over the engine's media life cycle:
 * Add/Delete/ChangeNtmsMediaType, CreateNtmsMedia (A/W), AllocateNtmsMedia,
 * DeallocateNtmsMedia, DecommissionNtmsMedia, SetNtmsMediaComplete, SwapNtmsMedia,
 * DeleteNtmsMedia, UpdateNtmsOmidInfo.
 */
#include <stdlib.h>
#include <string.h>

#include "rsm/api/session.h"
#include "rsm/api/wstr.h"
#include "rsm/client/client.h"
#include "rsm/engine/omid.h"

#define SESSION(s, h)                                                                              \
    struct rsm_session *s = rsm_session_acquire(h);                                                \
    if (!s)                                                                                        \
    return rsm_api_ret(ERROR_INVALID_HANDLE)

static DWORD done(struct rsm_session *s, rsm_rc rc)
{
    rsm_session_release(s);
    return rsm_api_ret(rsm_rc_to_win32(rc));
}

/* Calls @fn(engine, caller, id1, id2) for the two-GUID functions. */
static DWORD two_ids(HANDLE h, LPNTMS_GUID a, LPNTMS_GUID b, bool need_b,
                     enum rsm_be_op2 op)
{
    SESSION(s, h);
    if (!a || (need_b && !b))
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid ga, gb;
    rsm_guid_from_api(&ga, a);
    rsm_guid_from_api(&gb, b);
    return done(s, rsm_be_two(s, op, &ga, &gb));
}

DWORD WINAPI AddNtmsMediaType(HANDLE hSession, LPNTMS_GUID lpMediaTypeId, LPNTMS_GUID lpLibId)
{
    return two_ids(hSession, lpMediaTypeId, lpLibId, true, RSM_BE_MEDIA_TYPE_ADD);
}

DWORD WINAPI DeleteNtmsMediaType(HANDLE hSession, LPNTMS_GUID lpMediaTypeId, LPNTMS_GUID lpLibId)
{
    return two_ids(hSession, lpMediaTypeId, lpLibId, true, RSM_BE_MEDIA_TYPE_DELETE);
}

DWORD WINAPI ChangeNtmsMediaType(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpPoolId)
{
    return two_ids(hSession, lpMediaId, lpPoolId, true, RSM_BE_MEDIA_CHANGE_TYPE);
}

DWORD WINAPI SwapNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId1, LPNTMS_GUID lpMediaId2)
{
    return two_ids(hSession, lpMediaId1, lpMediaId2, true, RSM_BE_MEDIA_SWAP);
}

DWORD WINAPI MoveToNtmsMediaPool(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpPoolId)
{
    return two_ids(hSession, lpMediaId, lpPoolId, true, RSM_BE_MEDIA_MOVE);
}

static DWORD one_id(HANDLE h, LPNTMS_GUID a,
                    enum rsm_be_op1 op)
{
    SESSION(s, h);
    if (!a)
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_guid_from_api(&g, a);
    return done(s, rsm_be_one(s, op, &g));
}

DWORD WINAPI DecommissionNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId)
{
    return one_id(hSession, lpMediaId, RSM_BE_MEDIA_DECOMMISSION);
}

DWORD WINAPI SetNtmsMediaComplete(HANDLE hSession, LPNTMS_GUID lpMediaId)
{
    return one_id(hSession, lpMediaId, RSM_BE_MEDIA_COMPLETE);
}

DWORD WINAPI DeleteNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId)
{
    return one_id(hSession, lpMediaId, RSM_BE_MEDIA_DELETE);
}

DWORD WINAPI DeallocateNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD dwOptions)
{
    SESSION(s, hSession);
    if (!lpMediaId)
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_guid_from_api(&g, lpMediaId);
    return done(s, rsm_be_media_deallocate(s, &g, dwOptions));
}

DWORD WINAPI AllocateNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaPool, LPNTMS_GUID lpPartition,
                               LPNTMS_GUID lpMediaId, DWORD dwOptions, DWORD dwTimeout,
                               LPNTMS_ALLOCATION_INFORMATION lpAllocateInformation)
{
    SESSION(s, hSession);
    if (!lpMediaPool || !lpMediaId ||
        (lpAllocateInformation && lpAllocateInformation->dwSize != sizeof *lpAllocateInformation))
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid pool, side, lmid, from;
    rsm_guid_from_api(&pool, lpMediaPool);
    rsm_guid_from_api(&side, lpPartition);
    rsm_guid_from_api(&lmid, lpMediaId);
    rsm_rc rc = rsm_be_media_allocate(s, &pool, lpPartition ? &side : NULL, &lmid,
                                   dwOptions, dwTimeout, &from);
    if (rc == RSM_OK) {
        rsm_guid_to_api(lpMediaId, &lmid);
        if (lpAllocateInformation)
            rsm_guid_to_api(&lpAllocateInformation->AllocatedFrom, &from);
    }
    return done(s, rc);
}

DWORD WINAPI CreateNtmsMediaW(HANDLE hSession, LPNTMS_OBJECTINFORMATIONW lpMedia,
                              LPNTMS_OBJECTINFORMATIONW lpList, DWORD dwOptions)
{
    SESSION(s, hSession);
    if (!lpMedia || lpMedia->dwSize != sizeof *lpMedia || lpMedia->dwType != NTMS_PHYSICAL_MEDIA)
        return done(s, RSM_E_INVALID_PARAMETER);
    DWORD n = lpMedia->Info.PhysicalMedia.dwNumberOfPartitions;
    if (n > 64)
        return done(s, RSM_E_MEDIA_INCOMPATIBLE);
    if (n && !lpList)
        return done(s, RSM_E_INVALID_PARAMETER);
    for (DWORD i = 0; i < n; i++)
        if (lpList[i].dwSize != sizeof lpList[i] || lpList[i].dwType != NTMS_PARTITION)
            return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_objinfo *pm = malloc(sizeof *pm);
    struct rsm_objinfo *sides = calloc(n ? n : 1, sizeof *sides);
    rsm_rc rc = pm && sides ? RSM_OK : RSM_E_NOMEM;
    if (rc == RSM_OK) {
        rsm_objinfo_from_w(lpMedia, pm);
        for (DWORD i = 0; i < n; i++)
            rsm_objinfo_from_w(&lpList[i], &sides[i]);
        rc = rsm_be_media_create(s, pm, sides, n, dwOptions);
    }
    if (rc == RSM_OK) {
        rsm_objinfo_to_w(pm, lpMedia);
        for (DWORD i = 0; i < n; i++)
            rsm_objinfo_to_w(&sides[i], &lpList[i]);
    }
    free(pm);
    free(sides);
    return done(s, rc);
}

DWORD WINAPI CreateNtmsMediaA(HANDLE hSession, LPNTMS_OBJECTINFORMATIONA lpMedia,
                              LPNTMS_OBJECTINFORMATIONA lpList, DWORD dwOptions)
{
    struct rsm_session *s = rsm_session_acquire(hSession);
    if (!s)
        return rsm_api_ret(ERROR_INVALID_HANDLE);
    rsm_session_release(s);
    if (!lpMedia || lpMedia->dwSize != sizeof *lpMedia || lpMedia->dwType != NTMS_PHYSICAL_MEDIA)
        return rsm_api_ret(ERROR_INVALID_PARAMETER);
    DWORD n = lpMedia->Info.PhysicalMedia.dwNumberOfPartitions;
    if (n > 64)
        return rsm_api_ret(ERROR_MEDIA_INCOMPATIBLE);
    if (n && !lpList)
        return rsm_api_ret(ERROR_INVALID_PARAMETER);
    for (DWORD i = 0; i < n; i++)
        if (lpList[i].dwSize != sizeof lpList[i] || lpList[i].dwType != NTMS_PARTITION)
            return rsm_api_ret(ERROR_INVALID_PARAMETER);
    NTMS_OBJECTINFORMATIONW *w = calloc(n + 1, sizeof *w);
    if (!w)
        return rsm_api_ret(ERROR_NOT_ENOUGH_MEMORY);
    DWORD err = rsm_objinfo_a_to_w(lpMedia, &w[0]);
    for (DWORD i = 0; err == ERROR_SUCCESS && i < n; i++)
        err = rsm_objinfo_a_to_w(&lpList[i], &w[i + 1]);
    if (err == ERROR_SUCCESS)
        err = CreateNtmsMediaW(hSession, &w[0], n ? &w[1] : NULL, dwOptions);
    if (err == ERROR_SUCCESS) {
        err = rsm_objinfo_w_to_a(&w[0], lpMedia);
        for (DWORD i = 0; err == ERROR_SUCCESS && i < n; i++)
            err = rsm_objinfo_w_to_a(&w[i + 1], &lpList[i]);
    }
    free(w);
    return rsm_api_ret(err);
}

DWORD WINAPI UpdateNtmsOmidInfo(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD labelType,
                                DWORD numberOfBytes, LPVOID lpBuffer)
{
    SESSION(s, hSession);
    if (!lpMediaId || (numberOfBytes && !lpBuffer))
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid lmid;
    rsm_guid_from_api(&lmid, lpMediaId);
    rsm_rc rc;
    if (labelType == NTMS_OMID_TYPE_RAW_LABEL) {
        /* The bytes the application wrote at the start of the side (any length: a tar
         * record, a Bacula block) go through the media label libraries (rsm/mli, §4.3);
         * what claims them is the side's OMID, so the next OMID inventory recognises the
         * cartridge. Claimed in this process: built-ins are the same everywhere, plugins
         * come from this process's $RSM_MLI_DIR. Unclaimed: ERROR_BAD_FORMAT (§2.6). */
        if (numberOfBytes == 0)
            return done(s, RSM_E_INVALID_PARAMETER);
        struct rsm_mli_result *r = malloc(sizeof *r);
        if (!r)
            return done(s, RSM_E_NOMEM);
        rc = rsm_omid_claim(lpBuffer, numberOfBytes, r);
        if (rc == RSM_OK)
            rc = rsm_be_media_update_omid(s, &lmid, r->type, r->info, r->id,
                                          (uint32_t)r->id_len);
        free(r);
    } else if (labelType == NTMS_OMID_TYPE_FILESYSTEM_INFO) {
        if (numberOfBytes < sizeof(NTMS_FILESYSTEM_INFO))
            return done(s, RSM_E_INVALID_PARAMETER);
        const NTMS_FILESYSTEM_INFO *fs = lpBuffer;
        char type[64 * 4], info[256 * 4];
        rsm_wfield_to_utf8(type, sizeof type, fs->FileSystemType, 64);
        rsm_wfield_to_utf8(info, sizeof info, fs->VolumeName, 256);
        uint8_t id[4] = {(uint8_t)fs->SerialNumber, (uint8_t)(fs->SerialNumber >> 8),
                         (uint8_t)(fs->SerialNumber >> 16), (uint8_t)(fs->SerialNumber >> 24)};
        if (!*type)
            return done(s, RSM_E_INVALID_PARAMETER);
        rc = rsm_be_media_update_omid(s, &lmid, type, info, id, sizeof id);
    } else {
        rc = RSM_E_INVALID_PARAMETER;
    }
    return done(s, rc);
}
