/* SPDX-License-Identifier: MIT
 * A media label library that loads but answers outside the ntmsmli.h contract, one way per
 * buffer prefix: "BIGID" claims with a 1000-byte LabelIDSize, "NOTYPE" claims with an empty
 * LabelType, "NOTERM" leaves LabelAppDescr without a NUL, "ODDRC" returns a code other than
 * NO_ERROR / ERROR_BAD_FORMAT. Each must be reported and taken as "not claimed".
 */
#include <string.h>

#include <ntmsmli.h>

DWORD WINAPI MaxMediaLabel(DWORD *const pMaxSize);
DWORD WINAPI ClaimMediaLabel(const BYTE *const pBuffer, const DWORD nBufferSize,
                             MediaLabelInfo *const pLabelInfo);

DWORD WINAPI MaxMediaLabel(DWORD *const pMaxSize)
{
    *pMaxSize = 64;
    return NO_ERROR;
}

static int starts(const BYTE *b, DWORD n, const char *p)
{
    return n >= strlen(p) && memcmp(b, p, strlen(p)) == 0;
}

DWORD WINAPI ClaimMediaLabel(const BYTE *const pBuffer, const DWORD nBufferSize,
                             MediaLabelInfo *const pLabelInfo)
{
    memset(pLabelInfo, 0, sizeof *pLabelInfo);
    wcscpy(pLabelInfo->LabelType, L"Broken");
    pLabelInfo->LabelIDSize = 4;
    memcpy(pLabelInfo->LabelID, "ABCD", 4);
    if (starts(pBuffer, nBufferSize, "BIGID")) {
        pLabelInfo->LabelIDSize = 1000;
        return NO_ERROR;
    }
    if (starts(pBuffer, nBufferSize, "NOTYPE")) {
        pLabelInfo->LabelType[0] = 0;
        return NO_ERROR;
    }
    if (starts(pBuffer, nBufferSize, "NOTERM")) {
        for (int i = 0; i < NTMSMLI_MAXAPPDESCR; i++)
            pLabelInfo->LabelAppDescr[i] = L'x';
        return NO_ERROR;
    }
    if (starts(pBuffer, nBufferSize, "ODDRC"))
        return ERROR_INVALID_PARAMETER;
    return ERROR_BAD_FORMAT;
}
