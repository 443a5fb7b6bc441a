/* SPDX-License-Identifier: MIT
 * A broken media label library: it exports MaxMediaLabel but not ClaimMediaLabel, so the
 * loader must report and skip it.
 */
#include <ntmsmli.h>

DWORD WINAPI MaxMediaLabel(DWORD *const pMaxSize);

DWORD WINAPI MaxMediaLabel(DWORD *const pMaxSize)
{
    *pMaxSize = 512;
    return NO_ERROR;
}
