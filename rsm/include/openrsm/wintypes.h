/* SPDX-License-Identifier: MIT
 * The small part of the Windows SDK type system that ntmsapi.h and ntmsmli.h need, so that
 * an application written for Windows RSM compiles on Linux with only its
 * `#include <windows.h>` replaced by `#include <ntmsapi.h>` (which includes this file).
 *
 * What it provides: the integer and handle types (DWORD, WORD, BYTE, BOOL, HANDLE and their
 * LP/P pointer forms), CHAR/WCHAR/TCHAR strings and TEXT() following UNICODE, GUID with
 * IsEqualGUID, SYSTEMTIME, LARGE_INTEGER/ULARGE_INTEGER, SECURITY_ATTRIBUTES, the POSIX
 * form of SECURITY_DESCRIPTOR used by Get/SetNtmsObjectSecurity, the Win32 error codes the
 * RSM API returns (values from winerror.h, checked against ntms-api.md §3.1), and
 * GetLastError()/SetLastError() (per thread; defined in rsm/api/lasterror.c, in librsm).
 *
 * Project decisions (see ntms-api.md, top): source compatibility, not binary layout.
 * WCHAR is wchar_t (32-bit on Linux) so L"..." literals work unchanged; DWORD is uint32_t
 * (never unsigned long, which is 64-bit on LP64); BOOL is int. Structures that contain no
 * WCHAR or pointer therefore have the Windows layout; the others keep the Windows field
 * order but not the Windows size.
 *
 * Coexistence: when a real <windows.h>/<windef.h> was included first (mingw, MSVC, Wine's
 * winelib headers), its types win and this file only adds what they lack. Each macro is
 * guarded by #ifndef for the same reason.
 *
 * Thread safety: everything here is types and constants, except the last-error functions,
 * whose value is thread-local exactly as on Windows.
 */
#ifndef OPENRSM_WINTYPES_H
#define OPENRSM_WINTYPES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h> /* memcmp, for IsEqualGUID */
#include <wchar.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A real Windows header set announces itself with one of these guards. */
#if defined(_WINDEF_) || defined(_MINWINDEF_) || defined(_WINDOWS_) || defined(__WINDOWS__)
#define OPENRSM_HAVE_WINDOWS_TYPES 1
#endif

#ifndef OPENRSM_HAVE_WINDOWS_TYPES

/* ---- calling convention ------------------------------------------------------------- */
#ifndef WINAPI
#define WINAPI /* no calling-convention decoration on Linux */
#endif
#ifndef CALLBACK
#define CALLBACK
#endif

/* ---- integers ------------------------------------------------------------------------ */
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef uint16_t WORD, *PWORD, *LPWORD;
typedef uint8_t BYTE, *PBYTE, *LPBYTE;
typedef int BOOL, *PBOOL, *LPBOOL;
typedef BOOL WINBOOL; /* mingw-w64 spells BOOL this way in its headers */
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;
typedef int32_t LONG, *PLONG, *LPLONG; /* Windows LONG is 32-bit everywhere */
typedef uint32_t ULONG, *PULONG;
typedef int16_t SHORT;
typedef uint16_t USHORT;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG, DWORD64, DWORDLONG;
typedef uintptr_t ULONG_PTR, DWORD_PTR, UINT_PTR;
typedef intptr_t LONG_PTR, INT_PTR;
typedef void VOID, *PVOID, *LPVOID;
typedef const void *LPCVOID;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* ---- handles ------------------------------------------------------------------------- */
typedef void *HANDLE, **PHANDLE, **LPHANDLE;
typedef void *HWND; /* only passed through (EjectDiskFromSADrive); never dereferenced */

#ifndef INVALID_HANDLE_VALUE
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#endif
#ifndef INFINITE
#define INFINITE 0xFFFFFFFFu /* timeout: wait forever */
#endif

/* ---- characters and strings ---------------------------------------------------------- */
/* CHAR strings (the ...A entry points) are UTF-8 on Linux: the "ANSI code page" of a
 * Linux process. WCHAR strings are wchar_t (UTF-32). */
typedef char CHAR, *PCHAR, *LPCH, *PSTR, *LPSTR;
typedef const char *PCSTR, *LPCSTR;
typedef wchar_t WCHAR, *PWCHAR, *LPWCH, *PWSTR, *LPWSTR;
typedef const wchar_t *PCWSTR, *LPCWSTR;

#ifdef UNICODE
typedef WCHAR TCHAR, *PTCHAR;
typedef LPWSTR LPTSTR, PTSTR;
typedef LPCWSTR LPCTSTR, PCTSTR;
#ifndef __TEXT
#define __TEXT(s) L##s
#endif
#else
typedef CHAR TCHAR, *PTCHAR;
typedef LPSTR LPTSTR, PTSTR;
typedef LPCSTR LPCTSTR, PCTSTR;
#ifndef __TEXT
#define __TEXT(s) s
#endif
#endif
#ifndef TEXT
#define TEXT(s) __TEXT(s)
#endif

/* ---- GUID ---------------------------------------------------------------------------- */
#ifndef GUID_DEFINED
#define GUID_DEFINED
/* 16 bytes, Windows field split. Data1..3 are host-endian integers, Data4 is bytes. */
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
#endif
typedef GUID *LPGUID;
typedef const GUID *LPCGUID;
typedef GUID UUID;
typedef GUID IID, CLSID;

/* IsEqualGUID(a, b): pointers in C (REFGUID is const GUID *), references in C++, as on
 * Windows. Non-zero when all 16 bytes match. */
#ifdef __cplusplus
typedef const GUID &REFGUID;
extern "C++" inline bool IsEqualGUID(REFGUID a, REFGUID b)
{
    return memcmp(&a, &b, sizeof(GUID)) == 0;
}
#else
typedef const GUID *REFGUID;
#define IsEqualGUID(rguid1, rguid2) (!memcmp((rguid1), (rguid2), sizeof(GUID)))
#endif

/* ---- time ---------------------------------------------------------------------------- */
/* 8 WORDs, 16 bytes; UTC in RSM's structures. wDayOfWeek: 0 = Sunday. */
typedef struct _SYSTEMTIME {
    WORD wYear;
    WORD wMonth; /* 1..12 */
    WORD wDayOfWeek;
    WORD wDay; /* 1..31 */
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;

/* ---- 64-bit integers split in halves ------------------------------------------------- */
/* Always 8-byte aligned, also on i386 where GCC would align a long long member to 4: MSVC
 * aligns it to 8, and NTMS_PARTITIONINFORMATION.Capacity's offset depends on it. The
 * LowPart-first order assumes a little-endian host, as Windows does. */
typedef union __attribute__((aligned(8))) _LARGE_INTEGER {
    __extension__ struct { /* anonymous: C11, and a GNU extension in C++ */
        DWORD LowPart;
        LONG HighPart;
    };
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union __attribute__((aligned(8))) _ULARGE_INTEGER {
    __extension__ struct {
        DWORD LowPart;
        DWORD HighPart;
    };
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* ---- security ------------------------------------------------------------------------ */
/* SECURITY_INFORMATION selects the parts of a descriptor (Get/SetNtmsObjectSecurity). */
typedef DWORD SECURITY_INFORMATION, *PSECURITY_INFORMATION;
#define OWNER_SECURITY_INFORMATION 0x00000001u
#define GROUP_SECURITY_INFORMATION 0x00000002u
#define DACL_SECURITY_INFORMATION  0x00000004u
#define SACL_SECURITY_INFORMATION  0x00000008u /* accepted, always empty: no audit on Linux */

/* Standard access rights that RSM descriptors carry beside NTMS_USE/MODIFY/CONTROL_ACCESS
 * (0x1/0x2/0x4, in ntmsapi.h). Windows values. */
#define READ_CONTROL    0x00020000u /* may read the descriptor */
#define WRITE_DAC       0x00040000u /* may replace the access list */
#define WRITE_OWNER     0x00080000u
#define GENERIC_READ    0x80000000u
#define GENERIC_WRITE   0x40000000u
#define GENERIC_EXECUTE 0x20000000u
#define GENERIC_ALL     0x10000000u

/* The POSIX security descriptor.
 *
 * Windows applications treat a descriptor as an opaque, self-relative byte buffer: they
 * ask GetNtmsObjectSecurity for its size, allocate that many bytes, and hand the buffer
 * back to SetNtmsObjectSecurity (often after editing it with Win32 ACL calls that have no
 * Linux equivalent). PSECURITY_DESCRIPTOR is therefore `void *`, as on Windows.
 *
 * OpenRSM's descriptor is the serialised form of the engine's per-object access list
 * (struct rsm_acl): owner uid, group gid, and a list of entries granting a mask to a uid,
 * a gid or everyone. Byte layout, host-endian, 4-byte aligned:
 *
 *   Byte    Field      Meaning
 *   0       Revision   RSM_SD_REVISION (0x52): anything else is ERROR_INVALID_PARAMETER
 *   1       Sbz1       0
 *   2..3    Control    SE_SELF_RELATIVE always; SE_DACL_PRESENT when entries follow
 *   4..7    Owner      uid of the owner (may always read and write the descriptor)
 *   8..11   Group      gid of the owning group
 *   12..15  AceCount   number of RSM_ACE entries that follow the header
 *   16..    Aces       AceCount x 12 bytes: { Kind, Id, Mask } as DWORDs
 *
 * A descriptor of n entries takes RSM_SD_SIZE(n) bytes. Only the parts named by the
 * SECURITY_INFORMATION argument are meaningful (owner, group, DACL = the entries). */
#define RSM_SD_REVISION  0x52
#define SE_DACL_PRESENT  0x0004
#define SE_SELF_RELATIVE 0x8000

typedef void *PSECURITY_DESCRIPTOR;

typedef struct _SECURITY_DESCRIPTOR {
    BYTE Revision;  /* RSM_SD_REVISION */
    BYTE Sbz1;      /* 0 */
    WORD Control;   /* SE_SELF_RELATIVE | (AceCount ? SE_DACL_PRESENT : 0) */
    DWORD Owner;    /* uid_t of the owner */
    DWORD Group;    /* gid_t of the group */
    DWORD AceCount; /* entries following this header */
} SECURITY_DESCRIPTOR;

/* RSM_ACE.Kind. Same values as the engine's RSM_ACE_USER/GROUP/EVERYONE (engine.h), whose
 * struct rsm_ace {kind, id, mask} has the layout of RSM_ACE. */
enum rsm_sd_ace_kind {
    RSM_SD_USER = 1,     /* Id is a uid */
    RSM_SD_GROUP = 2,    /* Id is a gid */
    RSM_SD_EVERYONE = 3, /* Id is ignored (0) */
};

/* One access entry: Kind grants Mask (NTMS_*_ACCESS | READ_CONTROL | WRITE_DAC) to Id. */
typedef struct _RSM_ACE {
    DWORD Kind; /* enum rsm_sd_ace_kind */
    DWORD Id;
    DWORD Mask;
} RSM_ACE;

/* Size in bytes of a descriptor with @n entries, and its entry array (borrowed from @sd). */
#define RSM_SD_SIZE(n)  ((DWORD)(sizeof(SECURITY_DESCRIPTOR) + (size_t)(n) * sizeof(RSM_ACE)))
#define RSM_SD_ACES(sd) ((RSM_ACE *)((SECURITY_DESCRIPTOR *)(sd) + 1))

/* Passed to CreateNtmsMediaPool. lpSecurityDescriptor, when non-NULL, is a descriptor in
 * the form above; bInheritHandle is ignored. */
typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength; /* sizeof(SECURITY_ATTRIBUTES) */
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

#endif /* !OPENRSM_HAVE_WINDOWS_TYPES */

/* ---- Win32 error codes used by the RSM API (winerror.h values; ntms-api.md §3.1) ------ */
/* The documentation also names ERROR_ALREADY_RESERVED, ERROR_SLOT_FULL, ERROR_SLOT_EMPTY,
 * ERROR_SLOT_NOT_PRESENT, ERROR_NO_SLOT_SET, ERROR_NO_SLOT_RESERVED, ERROR_INVALID_SLOT,
 * ERROR_DUPLICATE_OMID and ERROR_INVALID_PARTITION, but no Windows header defines them;
 * they are deliberately absent here and the API returns the real codes of §3.2 instead. */
#ifndef ERROR_SUCCESS
#define ERROR_SUCCESS 0
#endif
#ifndef NO_ERROR
#define NO_ERROR 0
#endif
#ifndef ERROR_ACCESS_DENIED
#define ERROR_ACCESS_DENIED                 5
#define ERROR_INVALID_HANDLE                6
#define ERROR_NOT_ENOUGH_MEMORY             8
#define ERROR_BAD_FORMAT                    11
#define ERROR_INVALID_DRIVE                 15
#define ERROR_WRITE_PROTECT                 19
#define ERROR_NOT_READY                     21
#define ERROR_SHARING_VIOLATION             32
#define ERROR_NOT_SUPPORTED                 50
#define ERROR_INVALID_PARAMETER             87
#define ERROR_CALL_NOT_IMPLEMENTED          120
#define ERROR_INSUFFICIENT_BUFFER           122
#define ERROR_INVALID_NAME                  123
#define ERROR_BUSY                          170
#define ERROR_ALREADY_EXISTS                183
#define ERROR_NO_DATA                       232
#define ERROR_INVALID_ADDRESS               487
#define ERROR_CONNECTION_UNAVAIL            1201
#define ERROR_INVALID_COMPUTERNAME          1210
#define ERROR_NO_NETWORK                    1222
#define ERROR_CANCELLED                     1223
#define ERROR_NO_SECURITY_ON_OBJECT         1350
#define ERROR_TIMEOUT                       1460
#define RPC_S_INVALID_BOUND                 1734
#define RPC_S_NO_INTERFACES                 1817
#define ERROR_NOT_CONNECTED                 2250
#define ERROR_INVALID_MEDIA                 4300
#define ERROR_INVALID_LIBRARY               4301
#define ERROR_INVALID_MEDIA_POOL            4302
#define ERROR_DRIVE_MEDIA_MISMATCH          4303
#define ERROR_MEDIA_OFFLINE                 4304
#define ERROR_LIBRARY_OFFLINE               4305
#define ERROR_EMPTY                         4306
#define ERROR_NOT_EMPTY                     4307
#define ERROR_MEDIA_UNAVAILABLE             4308
#define ERROR_RESOURCE_DISABLED             4309
#define ERROR_INVALID_CLEANER               4310
#define ERROR_UNABLE_TO_CLEAN               4311
#define ERROR_OBJECT_NOT_FOUND              4312
#define ERROR_DATABASE_FAILURE              4313
#define ERROR_DATABASE_FULL                 4314
#define ERROR_MEDIA_INCOMPATIBLE            4315
#define ERROR_RESOURCE_NOT_PRESENT          4316
#define ERROR_INVALID_OPERATION             4317
#define ERROR_MEDIA_NOT_AVAILABLE           4318
#define ERROR_DEVICE_NOT_AVAILABLE          4319
#define ERROR_REQUEST_REFUSED               4320
#define ERROR_INVALID_DRIVE_OBJECT          4321
#define ERROR_LIBRARY_FULL                  4322
#define ERROR_MEDIUM_NOT_ACCESSIBLE         4323
#define ERROR_UNABLE_TO_LOAD_MEDIUM         4324
#define ERROR_UNABLE_TO_INVENTORY_DRIVE     4325
#define ERROR_UNABLE_TO_INVENTORY_SLOT      4326
#define ERROR_UNABLE_TO_INVENTORY_TRANSPORT 4327
#define ERROR_TRANSPORT_FULL                4328
#define ERROR_CONTROLLING_IEPORT            4329
#define ERROR_UNABLE_TO_EJECT_MOUNTED_MEDIA 4330
#define ERROR_CLEANER_SLOT_SET              4331
#define ERROR_CLEANER_SLOT_NOT_SET          4332
#define ERROR_CLEANER_CARTRIDGE_SPENT       4333
#define ERROR_UNEXPECTED_OMID               4334
#define ERROR_CANT_DELETE_LAST_ITEM         4335
#define ERROR_MESSAGE_EXCEEDS_MAX_SIZE      4336
#define ERROR_VOLUME_CONTAINS_SYS_FILES     4337
#define ERROR_INDIGENOUS_TYPE               4338
#define ERROR_NO_SUPPORTING_DRIVES          4339
#define ERROR_CLEANER_CARTRIDGE_INSTALLED   4340
#define ERROR_IEPORT_FULL                   4341
#define ERROR_RESOURCE_NOT_AVAILABLE        5006
#define ERROR_INVALID_STATE                 5023
#endif /* ERROR_ACCESS_DENIED */

#ifndef OPENRSM_HAVE_WINDOWS_TYPES
/* The calling thread's last error code: set by every RSM function that fails and by the
 * two HANDLE-returning ones (OpenNtmsSession, OpenNtmsNotification) on failure. Each
 * thread has its own value, initially ERROR_SUCCESS. Never fails; no locks. */
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);
#endif

#ifdef __cplusplus
}
#endif

#endif /* OPENRSM_WINTYPES_H */
