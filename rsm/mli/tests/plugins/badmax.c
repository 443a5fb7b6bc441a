/* SPDX-License-Identifier: MIT
 * A broken media label library: MaxMediaLabel fails, so RSM cannot know how much to read
 * for it; the loader must report and skip it.
 */
#include <ntmsmli.h>

DWORD WINAPI MaxMediaLabel(DWORD *const pMaxSize);
DWORD WINAPI ClaimMediaLabel(const BYTE *const pBuffer, const DWORD nBufferSize,
                             MediaLabelInfo *const pLabelInfo);

DWORD WINAPI MaxMediaLabel(DWORD *const pMaxSize)
{
    *pMaxSize = 0;
    return ERROR_NOT_SUPPORTED;
}

DWORD WINAPI ClaimMediaLabel(const BYTE *const pBuffer, const DWORD nBufferSize,
                             MediaLabelInfo *const pLabelInfo)
{
    (void)pBuffer, (void)nBufferSize, (void)pLabelInfo;
    return NO_ERROR; /* would claim everything: must never be called */
}
