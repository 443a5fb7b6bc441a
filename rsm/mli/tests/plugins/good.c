/* SPDX-License-Identifier: MIT
 * A well-behaved media label library for the loader suite: it claims buffers that start
 * with "XYZLABEL:" followed by an ID up to a newline, through ClaimMediaLabelEx (so the
 * loader's GUID path is used), and asks for more bytes than any built-in does.
 */
#include <string.h>

#include <ntmsmli.h>

#define PREFIX "XYZLABEL:"

DWORD WINAPI MaxMediaLabel(DWORD *const pMaxSize);
DWORD WINAPI ClaimMediaLabel(const BYTE *const pBuffer, const DWORD nBufferSize,
                             MediaLabelInfo *const pLabelInfo);
DWORD WINAPI ClaimMediaLabelEx(const BYTE *const pBuffer, const DWORD nBufferSize,
                               MediaLabelInfo *const pLabelInfo, GUID *LabelGuid);

DWORD WINAPI MaxMediaLabel(DWORD *const pMaxSize)
{
    *pMaxSize = 131072;
    return NO_ERROR;
}

DWORD WINAPI ClaimMediaLabel(const BYTE *const pBuffer, const DWORD nBufferSize,
                             MediaLabelInfo *const pLabelInfo)
{
    size_t p = strlen(PREFIX);
    if (nBufferSize < p || memcmp(pBuffer, PREFIX, p) != 0)
        return ERROR_BAD_FORMAT;
    const BYTE *nl = memchr(pBuffer + p, '\n', nBufferSize - p);
    if (nl == NULL || nl == pBuffer + p || nl - (pBuffer + p) > 200)
        return ERROR_BAD_FORMAT;
    size_t n = (size_t)(nl - (pBuffer + p));
    memset(pLabelInfo, 0, sizeof *pLabelInfo);
    wcscpy(pLabelInfo->LabelType, L"XYZ Backup");
    pLabelInfo->LabelIDSize = (DWORD)n;
    memcpy(pLabelInfo->LabelID, pBuffer + p, n);
    swprintf(pLabelInfo->LabelAppDescr, NTMSMLI_MAXAPPDESCR, L"XYZ tape %.*s \u00e9t\u00e9", (int)n,
             (const char *)(pBuffer + p));
    return NO_ERROR;
}

DWORD WINAPI ClaimMediaLabelEx(const BYTE *const pBuffer, const DWORD nBufferSize,
                               MediaLabelInfo *const pLabelInfo, GUID *LabelGuid)
{
    DWORD rc = ClaimMediaLabel(pBuffer, nBufferSize, pLabelInfo);
    if (rc == NO_ERROR)
        memset(LabelGuid, 0x5A, sizeof *LabelGuid);
    return rc;
}
