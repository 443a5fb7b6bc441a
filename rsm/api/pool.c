/* SPDX-License-Identifier: MIT
 * Media pool functions of the NTMS API (ntms-api.md §2.6): CreateNtmsMediaPool (A/W),
 * DeleteNtmsMediaPool, GetNtmsMediaPoolName (A/W). Pool paths are "A\B\C" below the
 * application root; system pools read "Free\LTO Ultrium".
 */
#include <stdlib.h>
#include <string.h>

#include "rsm/api/session.h"
#include "rsm/api/wstr.h"
#include "rsm/client/client.h"

#define SESSION(s, h)                                                                              \
    struct rsm_session *s = rsm_session_acquire(h);                                                \
    if (!s)                                                                                        \
    return rsm_api_ret(ERROR_INVALID_HANDLE)

static DWORD done(struct rsm_session *s, rsm_rc rc)
{
    rsm_session_release(s);
    return rsm_api_ret(rsm_rc_to_win32(rc));
}

static DWORD create_pool(HANDLE h, const char *name, LPNTMS_GUID lpMediaType, DWORD dwAction,
                         LPSECURITY_ATTRIBUTES sa, LPNTMS_GUID lpPoolId)
{
    SESSION(s, h);
    if (!name || !lpPoolId || (sa && sa->nLength != sizeof *sa))
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_acl *acl = NULL;
    if (sa && sa->lpSecurityDescriptor) {
        const SECURITY_DESCRIPTOR *sd = sa->lpSecurityDescriptor;
        if (sd->Revision != RSM_SD_REVISION || sd->AceCount > RSM_ACL_MAX)
            return done(s, RSM_E_INVALID_PARAMETER);
        acl = calloc(1, sizeof *acl);
        if (!acl)
            return done(s, RSM_E_NOMEM);
        acl->owner = sd->Owner;
        acl->group = sd->Group;
        acl->n = sd->AceCount;
        const RSM_ACE *ace = RSM_SD_ACES(sd);
        for (uint32_t i = 0; i < acl->n; i++) {
            if (ace[i].Kind < RSM_ACE_USER || ace[i].Kind > RSM_ACE_EVERYONE) {
                free(acl);
                return done(s, RSM_E_INVALID_PARAMETER);
            }
            acl->ace[i] = (struct rsm_ace){ace[i].Kind, ace[i].Id, ace[i].Mask};
        }
    }
    struct rsm_guid mt, out;
    rsm_guid_from_api(&mt, lpMediaType);
    rsm_rc rc =
        rsm_be_pool_create(s, name, lpMediaType ? &mt : NULL, dwAction, acl, &out);
    free(acl);
    if (rc == RSM_OK)
        rsm_guid_to_api(lpPoolId, &out);
    return done(s, rc);
}

DWORD WINAPI CreateNtmsMediaPoolA(HANDLE hSession, LPCSTR lpPoolName, LPNTMS_GUID lpMediaType,
                                  DWORD dwAction, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                  LPNTMS_GUID lpPoolId)
{
    return create_pool(hSession, lpPoolName, lpMediaType, dwAction, lpSecurityAttributes, lpPoolId);
}

DWORD WINAPI CreateNtmsMediaPoolW(HANDLE hSession, LPCWSTR lpPoolName, LPNTMS_GUID lpMediaType,
                                  DWORD dwAction, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                  LPNTMS_GUID lpPoolId)
{
    char *name = NULL;
    DWORD err = rsm_w_to_utf8dup(lpPoolName, &name);
    if (err == ERROR_INVALID_PARAMETER)
        err = ERROR_INVALID_NAME; /* characters that are not text */
    if (err == ERROR_SUCCESS)
        err = create_pool(hSession, name, lpMediaType, dwAction, lpSecurityAttributes, lpPoolId);
    free(name);
    return rsm_api_ret(err);
}

DWORD WINAPI DeleteNtmsMediaPool(HANDLE hSession, LPNTMS_GUID lpPoolId)
{
    SESSION(s, hSession);
    if (!lpPoolId)
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid g;
    rsm_guid_from_api(&g, lpPoolId);
    return done(s, rsm_be_pool_delete(s, &g));
}

/* The UTF-8 full name of pool @lpPoolId into a malloc()ed string (*out). */
static rsm_rc pool_name(struct rsm_session *s, LPNTMS_GUID lpPoolId, char **out)
{
    char *buf = malloc(RSM_POOLPATH_CAP);
    if (!buf)
        return RSM_E_NOMEM;
    struct rsm_guid g;
    rsm_guid_from_api(&g, lpPoolId);
    size_t len = 0;
    rsm_rc rc = rsm_be_pool_name(s, &g, buf, RSM_POOLPATH_CAP, &len);
    if (rc != RSM_OK) {
        free(buf);
        return rc == RSM_E_INSUFFICIENT_BUFFER ? RSM_E_INVALID_MEDIA_POOL : rc;
    }
    *out = buf;
    return RSM_OK;
}

DWORD WINAPI GetNtmsMediaPoolNameA(HANDLE hSession, LPNTMS_GUID lpPoolId, LPSTR lpNameBuf,
                                   LPDWORD lpdwBufSize)
{
    SESSION(s, hSession);
    if (!lpPoolId || !lpdwBufSize || (*lpdwBufSize && !lpNameBuf))
        return done(s, RSM_E_INVALID_PARAMETER);
    char *name = NULL;
    rsm_rc rc = pool_name(s, lpPoolId, &name);
    if (rc == RSM_OK) {
        DWORD need = (DWORD)strlen(name) + 1; /* characters, NUL included ([RSMP]) */
        if (*lpdwBufSize < need)
            rc = RSM_E_INSUFFICIENT_BUFFER;
        else
            memcpy(lpNameBuf, name, need);
        *lpdwBufSize = need;
    }
    free(name);
    return done(s, rc);
}

DWORD WINAPI GetNtmsMediaPoolNameW(HANDLE hSession, LPNTMS_GUID lpPoolId, LPWSTR lpNameBuf,
                                   LPDWORD lpdwBufSize)
{
    SESSION(s, hSession);
    if (!lpPoolId || !lpdwBufSize || (*lpdwBufSize && !lpNameBuf))
        return done(s, RSM_E_INVALID_PARAMETER);
    char *name = NULL;
    rsm_rc rc = pool_name(s, lpPoolId, &name);
    if (rc == RSM_OK) {
        DWORD need = (DWORD)rsm_utf8_w_size(name, SIZE_MAX);
        if (*lpdwBufSize < need)
            rc = RSM_E_INSUFFICIENT_BUFFER;
        else
            rsm_utf8_to_wfield(lpNameBuf, need, name, SIZE_MAX);
        *lpdwBufSize = need;
    }
    free(name);
    return done(s, rc);
}
