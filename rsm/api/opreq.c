/* SPDX-License-Identifier: MIT
 * Operator-request functions of the NTMS API (ntms-api.md §2.8): SubmitNtmsOperatorRequest
 * (A/W), WaitForNtmsOperatorRequest, CancelNtmsOperatorRequest, SatisfyNtmsOperatorRequest.
 * The requests themselves are NTMS_OPREQUEST objects (GetNtmsObjectInformation,
 * EnumerateNtmsObject); the engine's side is rsm/engine/opreq.c.
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

/* Characters of UTF-8 @s. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static DWORD submit(HANDLE h, DWORD dwRequest, const char *msg, LPNTMS_GUID lpArg1Id,
                    LPNTMS_GUID lpArg2Id, LPNTMS_GUID lpRequestId)
{
    SESSION(s, h);
    if (!lpRequestId)
        return done(s, RSM_E_INVALID_PARAMETER);
    if (msg && chars(msg) >= NTMS_MESSAGE_LENGTH) {
        rsm_session_release(s);
        return rsm_api_ret(ERROR_MESSAGE_EXCEEDS_MAX_SIZE);
    }
    struct rsm_guid a1, a2, out;
    rsm_guid_from_api(&a1, lpArg1Id);
    rsm_guid_from_api(&a2, lpArg2Id);
    rsm_rc rc = rsm_be_opreq_submit(s, dwRequest, msg ? msg : "", lpArg1Id ? &a1 : NULL,
                                    lpArg2Id ? &a2 : NULL, &out);
    if (rc == RSM_OK)
        rsm_guid_to_api(lpRequestId, &out);
    return done(s, rc);
}

DWORD WINAPI SubmitNtmsOperatorRequestA(HANDLE hSession, DWORD dwRequest, LPCSTR lpMessage,
                                        LPNTMS_GUID lpArg1Id, LPNTMS_GUID lpArg2Id,
                                        LPNTMS_GUID lpRequestId)
{
    return submit(hSession, dwRequest, lpMessage, lpArg1Id, lpArg2Id, lpRequestId);
}

DWORD WINAPI SubmitNtmsOperatorRequestW(HANDLE hSession, DWORD dwRequest, LPCWSTR lpMessage,
                                        LPNTMS_GUID lpArg1Id, LPNTMS_GUID lpArg2Id,
                                        LPNTMS_GUID lpRequestId)
{
    char *msg = NULL;
    DWORD err = rsm_w_to_utf8dup(lpMessage, &msg);
    if (err != ERROR_SUCCESS)
        return rsm_api_ret(err);
    err = submit(hSession, dwRequest, msg, lpArg1Id, lpArg2Id, lpRequestId);
    free(msg);
    return err;
}

DWORD WINAPI WaitForNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwTimeout)
{
    SESSION(s, hSession);
    if (!lpRequestId)
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpRequestId);
    return done(s, rsm_be_opreq_wait(s, &id, dwTimeout));
}

DWORD WINAPI CancelNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId)
{
    SESSION(s, hSession);
    if (!lpRequestId)
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpRequestId);
    return done(s, rsm_be_opreq_cancel(s, &id));
}

DWORD WINAPI SatisfyNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId)
{
    SESSION(s, hSession);
    if (!lpRequestId)
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpRequestId);
    return done(s, rsm_be_opreq_satisfy(s, &id));
}
