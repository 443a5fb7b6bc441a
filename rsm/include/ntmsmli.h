/* SPDX-License-Identifier: MIT
 * ntmsmli.h - the media label library (MLL) interface of Windows RSM, for Linux.
 *
 * A media label library recognises the on-media label (OMID) that one application or
 * format writes at the start of a tape. RSM reads the first bytes of a side and offers
 * them to each installed library's ClaimMediaLabel until one claims them; the claimed
 * label (type, ID bytes, description) identifies the medium from then on. Contract: the
 * digest, ntms-api.md §2.10 and §4.
 *
 * On Linux an MLL is a shared object exporting functions with the shapes below, under
 * the names MaxMediaLabel, ClaimMediaLabel and (optionally) ClaimMediaLabelEx. This
 * header only declares those shapes, as the Windows one does: it declares no functions.
 *
 * Strings in MediaLabelInfo are WCHAR (wchar_t), so its size differs from Windows' 900
 * bytes; field order and the limits are the Windows ones.
 */
#ifndef OPENRSM_NTMSMLI_H
#define OPENRSM_NTMSMLI_H

#include <openrsm/wintypes.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NTMSMLI_MAXTYPE     64  /* LabelType, characters including the NUL */
#define NTMSMLI_MAXIDSIZE   256 /* LabelID, bytes. A side stores only 255 of them */
#define NTMSMLI_MAXAPPDESCR 256 /* LabelAppDescr, characters including the NUL */

#ifndef NTMS_NOREDEF
/* Filled by ClaimMediaLabel when it recognises a label; untouched otherwise. */
typedef struct _MediaLabelInfo {
    WCHAR LabelType[NTMSMLI_MAXTYPE];         /* the format or writing application, e.g. L"MTF" */
    DWORD LabelIDSize;                        /* bytes used in LabelID */
    BYTE LabelID[NTMSMLI_MAXIDSIZE];          /* unique per medium within LabelType */
    WCHAR LabelAppDescr[NTMSMLI_MAXAPPDESCR]; /* human-readable description */
} MediaLabelInfo, *pMediaLabelInfo;
#endif

/* Reports in *pMaxSize the largest buffer, in bytes, RSM should pass to ClaimMediaLabel.
 * Returns NO_ERROR. */
typedef DWORD(WINAPI *MAXMEDIALABEL)(DWORD *const pMaxSize);

/* Examines the first @nBufferSize bytes of a side (@pBuffer, borrowed for the call).
 * Returns NO_ERROR and fills *@pLabelInfo if the label is this library's, else
 * ERROR_BAD_FORMAT and leaves *@pLabelInfo alone. */
typedef DWORD(WINAPI *CLAIMMEDIALABEL)(const BYTE *const pBuffer, const DWORD nBufferSize,
                                       MediaLabelInfo *const pLabelInfo);

/* As CLAIMMEDIALABEL; also returns in *@LabelGuid a GUID found in the label (null GUID if
 * none). Undocumented on Windows beyond its shape. */
typedef DWORD(WINAPI *CLAIMMEDIALABELEX)(const BYTE *const pBuffer, const DWORD nBufferSize,
                                         MediaLabelInfo *const pLabelInfo, GUID *LabelGuid);

#ifdef __cplusplus
}
#endif

#endif /* OPENRSM_NTMSMLI_H */
