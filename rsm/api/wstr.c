/* SPDX-License-Identifier: MIT
 * UTF-8 <-> wchar_t conversion and A <-> W structure conversion; contract in wstr.h.
 *
 * Hand-written rather than mbstowcs()/wcstombs(): those depend on the process locale
 * (an application that never calls setlocale() runs in "C", where they reject every
 * non-ASCII byte), and they cannot truncate at a character boundary into a fixed field.
 * UTF-8 decoding follows RFC 3629: overlong forms, surrogates and values above U+10FFFF
 * are invalid; each invalid byte becomes one U+FFFD.
 */
#include "rsm/api/wstr.h"

#include <stdlib.h>
#include <string.h>

/* WCHAR text is UTF-32: a build with -fshort-wchar (UTF-16 wchar_t) would need surrogate
 * pairs here and would not match the applications' L"..." literals anyway. */
_Static_assert(sizeof(wchar_t) == 4, "librsm needs a 32-bit wchar_t");

#define REPLACEMENT 0xFFFDu

/* Decodes one character from @s (@n > 0 bytes available). Sets *@cp and returns the bytes
 * consumed (1..4); on invalid input sets *@cp = REPLACEMENT, *@bad = 1 and consumes one
 * byte, so decoding resynchronises on the next byte. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp, int *bad)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        goto invalid; /* continuation byte, C0/C1 (always overlong) or F5..FF */
    }
    if (n < len)
        goto invalid;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto invalid;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        goto invalid;
    *cp = v;
    return len;
invalid:
    *cp = REPLACEMENT;
    *bad = 1;
    return 1;
}

/* A wchar_t as a code point; invalid values become REPLACEMENT and set *@bad. wchar_t is
 * signed on some ABIs, hence the range check before the cast. */
static uint32_t wide_cp(wchar_t w, int *bad)
{
    if (w < 0 || (uint32_t)w > 0x10FFFF || ((uint32_t)w >= 0xD800 && (uint32_t)w <= 0xDFFF)) {
        *bad = 1;
        return REPLACEMENT;
    }
    return (uint32_t)w;
}

/* UTF-8 encoding of @cp (valid) into @out; returns its length 1..4. */
static size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static size_t bounded_strlen(const char *s, size_t max)
{
    const char *nul = memchr(s, 0, max == SIZE_MAX ? strlen(s) + 1 : max);
    return nul ? (size_t)(nul - s) : max;
}

static size_t bounded_wcslen(const wchar_t *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != 0)
        n++;
    return n;
}

unsigned rsm_utf8_to_wfield(wchar_t *dst, size_t dst_cap, const char *src, size_t src_max)
{
    unsigned flags = RSM_WSTR_OK;
    size_t len = src ? bounded_strlen(src, src_max) : 0;
    const unsigned char *s = (const unsigned char *)src;
    size_t in = 0, out = 0;

    if (dst_cap == 0)
        return len ? RSM_WSTR_TRUNCATED : RSM_WSTR_OK;
    while (in < len) {
        uint32_t cp;
        int bad = 0;
        size_t used = utf8_decode(s + in, len - in, &cp, &bad);
        if (out + 1 >= dst_cap) {
            flags |= RSM_WSTR_TRUNCATED;
            break;
        }
        if (bad)
            flags |= RSM_WSTR_INVALID;
        dst[out++] = (wchar_t)cp;
        in += used;
    }
    dst[out] = 0;
    return flags;
}

unsigned rsm_wfield_to_utf8(char *dst, size_t dst_cap, const wchar_t *src, size_t src_max)
{
    unsigned flags = RSM_WSTR_OK;
    size_t len = src ? bounded_wcslen(src, src_max) : 0;
    size_t out = 0;

    if (dst_cap == 0)
        return len ? RSM_WSTR_TRUNCATED : RSM_WSTR_OK;
    for (size_t i = 0; i < len; i++) {
        char enc[4];
        int bad = 0;
        size_t n = utf8_encode(wide_cp(src[i], &bad), enc);
        if (out + n + 1 > dst_cap) { /* whole sequence plus the NUL, or nothing */
            flags |= RSM_WSTR_TRUNCATED;
            break;
        }
        if (bad)
            flags |= RSM_WSTR_INVALID;
        memcpy(dst + out, enc, n);
        out += n;
    }
    dst[out] = '\0';
    return flags;
}

size_t rsm_w_utf8_size(const wchar_t *src, size_t src_max)
{
    size_t len = src ? bounded_wcslen(src, src_max) : 0, total = 1;
    for (size_t i = 0; i < len; i++) {
        char enc[4];
        int bad = 0;
        total += utf8_encode(wide_cp(src[i], &bad), enc);
    }
    return total;
}

size_t rsm_utf8_w_size(const char *src, size_t src_max)
{
    size_t len = src ? bounded_strlen(src, src_max) : 0, total = 1;
    const unsigned char *s = (const unsigned char *)src;
    for (size_t in = 0; in < len; total++) {
        uint32_t cp;
        int bad = 0;
        in += utf8_decode(s + in, len - in, &cp, &bad);
    }
    return total;
}

DWORD rsm_utf8_to_wdup(const char *src, wchar_t **out)
{
    *out = NULL;
    if (!src)
        return ERROR_SUCCESS;
    size_t n = rsm_utf8_w_size(src, SIZE_MAX);
    wchar_t *w = malloc(n * sizeof *w);
    if (!w)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (rsm_utf8_to_wfield(w, n, src, SIZE_MAX) != RSM_WSTR_OK) {
        free(w); /* only INVALID is possible: n was computed to fit */
        return ERROR_INVALID_PARAMETER;
    }
    *out = w;
    return ERROR_SUCCESS;
}

DWORD rsm_w_to_utf8dup(const wchar_t *src, char **out)
{
    *out = NULL;
    if (!src)
        return ERROR_SUCCESS;
    size_t n = rsm_w_utf8_size(src, SIZE_MAX);
    char *s = malloc(n);
    if (!s)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (rsm_wfield_to_utf8(s, n, src, SIZE_MAX) != RSM_WSTR_OK) {
        free(s);
        return ERROR_INVALID_PARAMETER;
    }
    *out = s;
    return ERROR_SUCCESS;
}

/* ---- structures --------------------------------------------------------------------- */

/* Field helpers: both sides of a pair have the same element count, taken from @dst. */
#define W2A(dst, src) rsm_wfield_to_utf8((dst), sizeof(dst), (src), sizeof(src) / sizeof((src)[0]))
#define A2W(dst, src) rsm_utf8_to_wfield((dst), sizeof(dst) / sizeof((dst)[0]), (src), sizeof(src))

unsigned rsm_drive_w_to_a(const NTMS_DRIVEINFORMATIONW *src, NTMS_DRIVEINFORMATIONA *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->Number = src->Number;
    dst->State = src->State;
    dst->DriveType = src->DriveType;
    unsigned f = W2A(dst->szDeviceName, src->szDeviceName);
    f |= W2A(dst->szSerialNumber, src->szSerialNumber);
    f |= W2A(dst->szRevision, src->szRevision);
    dst->ScsiPort = src->ScsiPort;
    dst->ScsiBus = src->ScsiBus;
    dst->ScsiTarget = src->ScsiTarget;
    dst->ScsiLun = src->ScsiLun;
    dst->dwMountCount = src->dwMountCount;
    dst->LastCleanedTs = src->LastCleanedTs;
    dst->SavedPartitionId = src->SavedPartitionId;
    dst->Library = src->Library;
    dst->Reserved = src->Reserved;
    dst->dwDeferDismountDelay = src->dwDeferDismountDelay;
    return f;
}

unsigned rsm_drive_a_to_w(const NTMS_DRIVEINFORMATIONA *src, NTMS_DRIVEINFORMATIONW *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->Number = src->Number;
    dst->State = src->State;
    dst->DriveType = src->DriveType;
    unsigned f = A2W(dst->szDeviceName, src->szDeviceName);
    f |= A2W(dst->szSerialNumber, src->szSerialNumber);
    f |= A2W(dst->szRevision, src->szRevision);
    dst->ScsiPort = src->ScsiPort;
    dst->ScsiBus = src->ScsiBus;
    dst->ScsiTarget = src->ScsiTarget;
    dst->ScsiLun = src->ScsiLun;
    dst->dwMountCount = src->dwMountCount;
    dst->LastCleanedTs = src->LastCleanedTs;
    dst->SavedPartitionId = src->SavedPartitionId;
    dst->Library = src->Library;
    dst->Reserved = src->Reserved;
    dst->dwDeferDismountDelay = src->dwDeferDismountDelay;
    return f;
}

unsigned rsm_drivetype_w_to_a(const NTMS_DRIVETYPEINFORMATIONW *src,
                              NTMS_DRIVETYPEINFORMATIONA *dst)
{
    memset(dst, 0, sizeof *dst);
    unsigned f = W2A(dst->szVendor, src->szVendor);
    f |= W2A(dst->szProduct, src->szProduct);
    dst->NumberOfHeads = src->NumberOfHeads;
    dst->DeviceType = src->DeviceType;
    return f;
}

unsigned rsm_drivetype_a_to_w(const NTMS_DRIVETYPEINFORMATIONA *src,
                              NTMS_DRIVETYPEINFORMATIONW *dst)
{
    memset(dst, 0, sizeof *dst);
    unsigned f = A2W(dst->szVendor, src->szVendor);
    f |= A2W(dst->szProduct, src->szProduct);
    dst->NumberOfHeads = src->NumberOfHeads;
    dst->DeviceType = src->DeviceType;
    return f;
}

unsigned rsm_changer_w_to_a(const NTMS_CHANGERINFORMATIONW *src, NTMS_CHANGERINFORMATIONA *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->Number = src->Number;
    dst->ChangerType = src->ChangerType;
    unsigned f = W2A(dst->szSerialNumber, src->szSerialNumber);
    f |= W2A(dst->szRevision, src->szRevision);
    f |= W2A(dst->szDeviceName, src->szDeviceName);
    dst->ScsiPort = src->ScsiPort;
    dst->ScsiBus = src->ScsiBus;
    dst->ScsiTarget = src->ScsiTarget;
    dst->ScsiLun = src->ScsiLun;
    dst->Library = src->Library;
    return f;
}

unsigned rsm_changer_a_to_w(const NTMS_CHANGERINFORMATIONA *src, NTMS_CHANGERINFORMATIONW *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->Number = src->Number;
    dst->ChangerType = src->ChangerType;
    unsigned f = A2W(dst->szSerialNumber, src->szSerialNumber);
    f |= A2W(dst->szRevision, src->szRevision);
    f |= A2W(dst->szDeviceName, src->szDeviceName);
    dst->ScsiPort = src->ScsiPort;
    dst->ScsiBus = src->ScsiBus;
    dst->ScsiTarget = src->ScsiTarget;
    dst->ScsiLun = src->ScsiLun;
    dst->Library = src->Library;
    return f;
}

unsigned rsm_changertype_w_to_a(const NTMS_CHANGERTYPEINFORMATIONW *src,
                                NTMS_CHANGERTYPEINFORMATIONA *dst)
{
    memset(dst, 0, sizeof *dst);
    unsigned f = W2A(dst->szVendor, src->szVendor);
    f |= W2A(dst->szProduct, src->szProduct);
    dst->DeviceType = src->DeviceType;
    return f;
}

unsigned rsm_changertype_a_to_w(const NTMS_CHANGERTYPEINFORMATIONA *src,
                                NTMS_CHANGERTYPEINFORMATIONW *dst)
{
    memset(dst, 0, sizeof *dst);
    unsigned f = A2W(dst->szVendor, src->szVendor);
    f |= A2W(dst->szProduct, src->szProduct);
    dst->DeviceType = src->DeviceType;
    return f;
}

unsigned rsm_pmid_w_to_a(const NTMS_PMIDINFORMATIONW *src, NTMS_PMIDINFORMATIONA *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->CurrentLibrary = src->CurrentLibrary;
    dst->MediaPool = src->MediaPool;
    dst->Location = src->Location;
    dst->LocationType = src->LocationType;
    dst->MediaType = src->MediaType;
    dst->HomeSlot = src->HomeSlot;
    unsigned f = W2A(dst->szBarCode, src->szBarCode);
    dst->BarCodeState = src->BarCodeState;
    f |= W2A(dst->szSequenceNumber, src->szSequenceNumber);
    dst->MediaState = src->MediaState;
    dst->dwNumberOfPartitions = src->dwNumberOfPartitions;
    dst->dwMediaTypeCode = src->dwMediaTypeCode;
    dst->dwDensityCode = src->dwDensityCode;
    dst->MountedPartition = src->MountedPartition;
    return f;
}

unsigned rsm_pmid_a_to_w(const NTMS_PMIDINFORMATIONA *src, NTMS_PMIDINFORMATIONW *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->CurrentLibrary = src->CurrentLibrary;
    dst->MediaPool = src->MediaPool;
    dst->Location = src->Location;
    dst->LocationType = src->LocationType;
    dst->MediaType = src->MediaType;
    dst->HomeSlot = src->HomeSlot;
    unsigned f = A2W(dst->szBarCode, src->szBarCode);
    dst->BarCodeState = src->BarCodeState;
    f |= A2W(dst->szSequenceNumber, src->szSequenceNumber);
    dst->MediaState = src->MediaState;
    dst->dwNumberOfPartitions = src->dwNumberOfPartitions;
    dst->dwMediaTypeCode = src->dwMediaTypeCode;
    dst->dwDensityCode = src->dwDensityCode;
    dst->MountedPartition = src->MountedPartition;
    return f;
}

unsigned rsm_partition_w_to_a(const NTMS_PARTITIONINFORMATIONW *src,
                              NTMS_PARTITIONINFORMATIONA *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->PhysicalMedia = src->PhysicalMedia;
    dst->LogicalMedia = src->LogicalMedia;
    dst->State = src->State;
    dst->Side = src->Side;
    dst->dwOmidLabelIdLength = src->dwOmidLabelIdLength;
    memcpy(dst->OmidLabelId, src->OmidLabelId, sizeof dst->OmidLabelId); /* bytes, as is */
    unsigned f = W2A(dst->szOmidLabelType, src->szOmidLabelType);
    f |= W2A(dst->szOmidLabelInfo, src->szOmidLabelInfo);
    dst->dwMountCount = src->dwMountCount;
    dst->dwAllocateCount = src->dwAllocateCount;
    dst->Capacity = src->Capacity;
    return f;
}

unsigned rsm_partition_a_to_w(const NTMS_PARTITIONINFORMATIONA *src,
                              NTMS_PARTITIONINFORMATIONW *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->PhysicalMedia = src->PhysicalMedia;
    dst->LogicalMedia = src->LogicalMedia;
    dst->State = src->State;
    dst->Side = src->Side;
    dst->dwOmidLabelIdLength = src->dwOmidLabelIdLength;
    memcpy(dst->OmidLabelId, src->OmidLabelId, sizeof dst->OmidLabelId);
    unsigned f = A2W(dst->szOmidLabelType, src->szOmidLabelType);
    f |= A2W(dst->szOmidLabelInfo, src->szOmidLabelInfo);
    dst->dwMountCount = src->dwMountCount;
    dst->dwAllocateCount = src->dwAllocateCount;
    dst->Capacity = src->Capacity;
    return f;
}

unsigned rsm_librequest_w_to_a(const NTMS_LIBREQUESTINFORMATIONW *src,
                               NTMS_LIBREQUESTINFORMATIONA *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->OperationCode = src->OperationCode;
    dst->OperationOption = src->OperationOption;
    dst->State = src->State;
    dst->PartitionId = src->PartitionId;
    dst->DriveId = src->DriveId;
    dst->PhysMediaId = src->PhysMediaId;
    dst->Library = src->Library;
    dst->SlotId = src->SlotId;
    dst->TimeQueued = src->TimeQueued;
    dst->TimeCompleted = src->TimeCompleted;
    unsigned f = W2A(dst->szApplication, src->szApplication);
    f |= W2A(dst->szUser, src->szUser);
    f |= W2A(dst->szComputer, src->szComputer);
    dst->dwErrorCode = src->dwErrorCode;
    dst->WorkItemId = src->WorkItemId;
    dst->dwPriority = src->dwPriority;
    return f;
}

unsigned rsm_librequest_a_to_w(const NTMS_LIBREQUESTINFORMATIONA *src,
                               NTMS_LIBREQUESTINFORMATIONW *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->OperationCode = src->OperationCode;
    dst->OperationOption = src->OperationOption;
    dst->State = src->State;
    dst->PartitionId = src->PartitionId;
    dst->DriveId = src->DriveId;
    dst->PhysMediaId = src->PhysMediaId;
    dst->Library = src->Library;
    dst->SlotId = src->SlotId;
    dst->TimeQueued = src->TimeQueued;
    dst->TimeCompleted = src->TimeCompleted;
    unsigned f = A2W(dst->szApplication, src->szApplication);
    f |= A2W(dst->szUser, src->szUser);
    f |= A2W(dst->szComputer, src->szComputer);
    dst->dwErrorCode = src->dwErrorCode;
    dst->WorkItemId = src->WorkItemId;
    dst->dwPriority = src->dwPriority;
    return f;
}

unsigned rsm_oprequest_w_to_a(const NTMS_OPREQUESTINFORMATIONW *src,
                              NTMS_OPREQUESTINFORMATIONA *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->Request = src->Request;
    dst->Submitted = src->Submitted;
    dst->State = src->State;
    unsigned f = W2A(dst->szMessage, src->szMessage);
    dst->Arg1Type = src->Arg1Type;
    dst->Arg1 = src->Arg1;
    dst->Arg2Type = src->Arg2Type;
    dst->Arg2 = src->Arg2;
    f |= W2A(dst->szApplication, src->szApplication);
    f |= W2A(dst->szUser, src->szUser);
    f |= W2A(dst->szComputer, src->szComputer);
    return f;
}

unsigned rsm_oprequest_a_to_w(const NTMS_OPREQUESTINFORMATIONA *src,
                              NTMS_OPREQUESTINFORMATIONW *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->Request = src->Request;
    dst->Submitted = src->Submitted;
    dst->State = src->State;
    unsigned f = A2W(dst->szMessage, src->szMessage);
    dst->Arg1Type = src->Arg1Type;
    dst->Arg1 = src->Arg1;
    dst->Arg2Type = src->Arg2Type;
    dst->Arg2 = src->Arg2;
    f |= A2W(dst->szApplication, src->szApplication);
    f |= A2W(dst->szUser, src->szUser);
    f |= A2W(dst->szComputer, src->szComputer);
    return f;
}

/* The common header fields, identical in both directions apart from the two strings. */
#define COPY_HEADER(dst, src)                                                                      \
    do {                                                                                           \
        (dst)->dwSize = sizeof(*(dst));                                                            \
        (dst)->dwType = (src)->dwType;                                                             \
        (dst)->Created = (src)->Created;                                                           \
        (dst)->Modified = (src)->Modified;                                                         \
        (dst)->ObjectGuid = (src)->ObjectGuid;                                                     \
        (dst)->Enabled = (src)->Enabled;                                                           \
        (dst)->dwOperationalState = (src)->dwOperationalState;                                     \
    } while (0)

DWORD rsm_objinfo_w_to_a(const NTMS_OBJECTINFORMATIONW *src, NTMS_OBJECTINFORMATIONA *dst)
{
    if (!src || !dst)
        return ERROR_INVALID_PARAMETER;
    /* Built in a local so @dst stays untouched when the type is rejected. */
    NTMS_OBJECTINFORMATIONA a;
    memset(&a, 0, sizeof a);
    COPY_HEADER(&a, src);
    (void)W2A(a.szName, src->szName); /* W -> A truncation is accepted: see wstr.h */
    (void)W2A(a.szDescription, src->szDescription);

    switch (src->dwType) {
    case NTMS_DRIVE:
        (void)rsm_drive_w_to_a(&src->Info.Drive, &a.Info.Drive);
        break;
    case NTMS_DRIVE_TYPE:
        (void)rsm_drivetype_w_to_a(&src->Info.DriveType, &a.Info.DriveType);
        break;
    case NTMS_LIBRARY:
        a.Info.Library = src->Info.Library;
        break;
    case NTMS_CHANGER:
        (void)rsm_changer_w_to_a(&src->Info.Changer, &a.Info.Changer);
        break;
    case NTMS_CHANGER_TYPE:
        (void)rsm_changertype_w_to_a(&src->Info.ChangerType, &a.Info.ChangerType);
        break;
    case NTMS_STORAGESLOT:
        a.Info.StorageSlot = src->Info.StorageSlot;
        break;
    case NTMS_IEDOOR:
        a.Info.IEDoor = src->Info.IEDoor;
        break;
    case NTMS_IEPORT:
        a.Info.IEPort = src->Info.IEPort;
        break;
    case NTMS_PHYSICAL_MEDIA:
        (void)rsm_pmid_w_to_a(&src->Info.PhysicalMedia, &a.Info.PhysicalMedia);
        break;
    case NTMS_LOGICAL_MEDIA:
        a.Info.LogicalMedia = src->Info.LogicalMedia;
        break;
    case NTMS_PARTITION:
        (void)rsm_partition_w_to_a(&src->Info.Partition, &a.Info.Partition);
        break;
    case NTMS_MEDIA_POOL:
        a.Info.MediaPool = src->Info.MediaPool;
        break;
    case NTMS_MEDIA_TYPE:
        a.Info.MediaType = src->Info.MediaType;
        break;
    case NTMS_LIBREQUEST:
        (void)rsm_librequest_w_to_a(&src->Info.LibRequest, &a.Info.LibRequest);
        break;
    case NTMS_OPREQUEST:
        (void)rsm_oprequest_w_to_a(&src->Info.OpRequest, &a.Info.OpRequest);
        break;
    case NTMS_COMPUTER:
        a.Info.Computer = src->Info.Computer;
        break;
    default:
        return ERROR_INVALID_PARAMETER;
    }
    memcpy(dst, &a, sizeof a);
    return ERROR_SUCCESS;
}

DWORD rsm_objinfo_a_to_w(const NTMS_OBJECTINFORMATIONA *src, NTMS_OBJECTINFORMATIONW *dst)
{
    if (!src || !dst)
        return ERROR_INVALID_PARAMETER;
    NTMS_OBJECTINFORMATIONW w;
    memset(&w, 0, sizeof w);
    COPY_HEADER(&w, src);
    unsigned f = A2W(w.szName, src->szName);
    f |= A2W(w.szDescription, src->szDescription);

    switch (src->dwType) {
    case NTMS_DRIVE:
        f |= rsm_drive_a_to_w(&src->Info.Drive, &w.Info.Drive);
        break;
    case NTMS_DRIVE_TYPE:
        f |= rsm_drivetype_a_to_w(&src->Info.DriveType, &w.Info.DriveType);
        break;
    case NTMS_LIBRARY:
        w.Info.Library = src->Info.Library;
        break;
    case NTMS_CHANGER:
        f |= rsm_changer_a_to_w(&src->Info.Changer, &w.Info.Changer);
        break;
    case NTMS_CHANGER_TYPE:
        f |= rsm_changertype_a_to_w(&src->Info.ChangerType, &w.Info.ChangerType);
        break;
    case NTMS_STORAGESLOT:
        w.Info.StorageSlot = src->Info.StorageSlot;
        break;
    case NTMS_IEDOOR:
        w.Info.IEDoor = src->Info.IEDoor;
        break;
    case NTMS_IEPORT:
        w.Info.IEPort = src->Info.IEPort;
        break;
    case NTMS_PHYSICAL_MEDIA:
        f |= rsm_pmid_a_to_w(&src->Info.PhysicalMedia, &w.Info.PhysicalMedia);
        break;
    case NTMS_LOGICAL_MEDIA:
        w.Info.LogicalMedia = src->Info.LogicalMedia;
        break;
    case NTMS_PARTITION:
        f |= rsm_partition_a_to_w(&src->Info.Partition, &w.Info.Partition);
        break;
    case NTMS_MEDIA_POOL:
        w.Info.MediaPool = src->Info.MediaPool;
        break;
    case NTMS_MEDIA_TYPE:
        w.Info.MediaType = src->Info.MediaType;
        break;
    case NTMS_LIBREQUEST:
        f |= rsm_librequest_a_to_w(&src->Info.LibRequest, &w.Info.LibRequest);
        break;
    case NTMS_OPREQUEST:
        f |= rsm_oprequest_a_to_w(&src->Info.OpRequest, &w.Info.OpRequest);
        break;
    case NTMS_COMPUTER:
        w.Info.Computer = src->Info.Computer;
        break;
    default:
        return ERROR_INVALID_PARAMETER;
    }
    /* A NUL-terminated CHAR field of n bytes holds at most n - 1 characters, which always
     * fit the n wchar_t of its W twin. Only a field filled to the brim without a NUL loses
     * its last character, as it would on Windows; invalid UTF-8 is the one failure. */
    if (f & RSM_WSTR_INVALID)
        return ERROR_INVALID_PARAMETER;
    memcpy(dst, &w, sizeof w);
    return ERROR_SUCCESS;
}
