/* SPDX-License-Identifier: MIT
 * ntmsapi.h - the Removable Storage Manager (NTMS) API of Windows, for Linux.
 *
 * An application written for Windows RSM compiles against this header unchanged, apart
 * from its `#include <windows.h>`, which it drops (this header brings the Windows types
 * it needs from <openrsm/wintypes.h>). Names, field order, enum and constant values follow
 * the Windows header; the reference is /work/shared/ntms-api.md ("the digest": §1 object
 * model and structures, §2 functions, §3 error codes and constants).
 *
 * Layout: source compatibility, not binary compatibility. WCHAR is wchar_t (4 bytes), so
 * the W structures are larger than on Windows; the A structures and the structures
 * without strings have exactly the Windows (MSVC, pack 8) layout on LP64 Linux.
 *
 * Strings: the ...W functions take wchar_t strings; the ...A functions take UTF-8. The
 * plain names (OpenNtmsSession, NTMS_OBJECTINFORMATION, ...) map to W when UNICODE is
 * defined before this header is included, else to A, as on Windows.
 *
 * Conventions (digest §2.0): every function returns a Win32 error code as a DWORD
 * (ERROR_SUCCESS = 0 on success) except OpenNtmsSession and OpenNtmsNotification, which
 * return a HANDLE and report failure as INVALID_HANDLE_VALUE plus GetLastError(). Failing
 * functions also store their code with SetLastError(). Session handles may be used from
 * any thread of the process that opened them. Caller-owned buffers are only borrowed
 * for the duration of a call.
 *
 * Which functions are implemented so far: rsm/api/STATUS.md. The others return
 * ERROR_NOT_SUPPORTED.
 *
 * NTMS_NOREDEF: defined before inclusion, it suppresses the enums and structures that a
 * MIDL-generated header may also define (as the Windows header does).
 */
#ifndef OPENRSM_NTMSAPI_H
#define OPENRSM_NTMSAPI_H

#include <openrsm/wintypes.h>

#pragma pack(push, 8)

#ifdef __cplusplus
extern "C" {
#endif

/* Selects the A or W form of a name according to UNICODE. */
#ifdef UNICODE
#define OPENRSM_AW(name) name##W
#else
#define OPENRSM_AW(name) name##A
#endif

/* ======================================================================================
 * Identifiers
 * ==================================================================================== */

typedef GUID NTMS_GUID;
typedef GUID *LPNTMS_GUID;

/* Initialiser for a null GUID ("no object"), and a test taking a GUID value (not a
 * pointer), as on Windows. */
#define NTMS_NULLGUID                                                                              \
    {                                                                                              \
        0, 0, 0,                                                                                   \
        {                                                                                          \
            0, 0, 0, 0, 0, 0, 0, 0                                                                 \
        }                                                                                          \
    }
#define NTMS_IS_NULLGUID(id)                                                                       \
    (((id).Data1 == 0) && ((id).Data2 == 0) && ((id).Data3 == 0) && ((id).Data4[0] == 0) &&        \
     ((id).Data4[1] == 0) && ((id).Data4[2] == 0) && ((id).Data4[3] == 0) &&                       \
     ((id).Data4[4] == 0) && ((id).Data4[5] == 0) && ((id).Data4[6] == 0) && ((id).Data4[7] == 0))

/* ======================================================================================
 * String and size limits, in characters (digest §3.3). Each TCHAR field holds at most
 * LENGTH - 1 characters plus a NUL.
 * ==================================================================================== */

#define NTMS_OBJECTNAME_LENGTH      64
#define NTMS_DESCRIPTION_LENGTH     127
#define NTMS_DEVICENAME_LENGTH      64
#define NTMS_SERIALNUMBER_LENGTH    32
#define NTMS_REVISION_LENGTH        32
#define NTMS_BARCODE_LENGTH         64
#define NTMS_SEQUENCE_LENGTH        32
#define NTMS_VENDORNAME_LENGTH      128
#define NTMS_PRODUCTNAME_LENGTH     128
#define NTMS_USERNAME_LENGTH        64
#define NTMS_APPLICATIONNAME_LENGTH 64
#define NTMS_COMPUTERNAME_LENGTH    64
#define NTMS_I1_MESSAGE_LENGTH      127
#define NTMS_MESSAGE_LENGTH         256
#define NTMS_POOLHIERARCHY_LENGTH   512
#define NTMS_OMIDLABELID_LENGTH     255 /* bytes, not characters */
#define NTMS_OMIDLABELTYPE_LENGTH   64
#define NTMS_OMIDLABELINFO_LENGTH   256
#define NTMS_MAXATTR_LENGTH         0x10000 /* attribute data must be smaller than this */
#define NTMS_MAXATTR_NAMELEN        32      /* attribute name, NUL included */

/* ======================================================================================
 * Enumerations (digest §1.1, §1.4)
 * ==================================================================================== */

#ifndef NTMS_NOREDEF

/* Object types: NTMS_OBJECTINFORMATION.dwType and every dwType argument. */
enum NtmsObjectsTypes {
    NTMS_UNKNOWN = 0,
    NTMS_OBJECT = 1,
    NTMS_CHANGER = 2,
    NTMS_CHANGER_TYPE = 3,
    NTMS_COMPUTER = 4,
    NTMS_DRIVE = 5,
    NTMS_DRIVE_TYPE = 6,
    NTMS_IEDOOR = 7,
    NTMS_IEPORT = 8,
    NTMS_LIBRARY = 9,
    NTMS_LIBREQUEST = 10,
    NTMS_LOGICAL_MEDIA = 11,
    NTMS_MEDIA_POOL = 12,
    NTMS_MEDIA_TYPE = 13,
    NTMS_PARTITION = 14,
    NTMS_PHYSICAL_MEDIA = 15,
    NTMS_STORAGESLOT = 16,
    NTMS_OPREQUEST = 17,
    NTMS_UI_DESTINATION = 18,
    NTMS_NUMBER_OF_OBJECT_TYPES = 19
};

/* Asynchronous I/O (reserved by Windows for future use). */
enum NtmsAsyncStatus {
    NTMS_ASYNCSTATE_QUEUED = 0,
    NTMS_ASYNCSTATE_WAIT_RESOURCE = 1,
    NTMS_ASYNCSTATE_WAIT_OPERATOR = 2,
    NTMS_ASYNCSTATE_INPROCESS = 3,
    NTMS_ASYNCSTATE_COMPLETE = 4
};

enum NtmsAsyncOperations { NTMS_ASYNCOP_MOUNT = 1 };

/* MountNtmsMedia dwOptions (bit flags). */
enum NtmsMountOptions {
    NTMS_MOUNT_READ = 0x0001,
    NTMS_MOUNT_WRITE = 0x0002,
    NTMS_MOUNT_ERROR_NOT_AVAILABLE = 0x0004,
    NTMS_MOUNT_ERROR_IF_UNAVAILABLE = 0x0004,
    NTMS_MOUNT_ERROR_OFFLINE = 0x0008,
    NTMS_MOUNT_ERROR_IF_OFFLINE = 0x0008,
    NTMS_MOUNT_SPECIFIC_DRIVE = 0x0010,
    NTMS_MOUNT_NOWAIT = 0x0020
};

/* DismountNtmsMedia dwOptions; IdentifyNtmsSlot dwOption. */
enum NtmsDismountOptions { NTMS_DISMOUNT_DEFERRED = 0x0001, NTMS_DISMOUNT_IMMEDIATE = 0x0002 };

/* MountNtmsMedia dwPriority: -15..15. */
enum NtmsMountPriority {
    NTMS_PRIORITY_DEFAULT = 0,
    NTMS_PRIORITY_HIGHEST = 15,
    NTMS_PRIORITY_HIGH = 7,
    NTMS_PRIORITY_NORMAL = 0,
    NTMS_PRIORITY_LOW = -7,
    NTMS_PRIORITY_LOWEST = -15
};

/* AllocateNtmsMedia dwOptions (bit flags; NEW and NEXT exclude each other). */
enum NtmsAllocateOptions {
    NTMS_ALLOCATE_NEW = 0x0001,
    NTMS_ALLOCATE_NEXT = 0x0002,
    NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE = 0x0004
};

/* CreateNtmsMediaPool dwAction. */
enum NtmsCreateOptions {
    NTMS_OPEN_EXISTING = 0x0001,
    NTMS_CREATE_NEW = 0x0002,
    NTMS_OPEN_ALWAYS = 0x0003
};

/* NTMS_DRIVEINFORMATION.State. Values 3 and 4 are unused. */
enum NtmsDriveState {
    NTMS_DRIVESTATE_DISMOUNTED = 0,
    NTMS_DRIVESTATE_MOUNTED = 1,
    NTMS_DRIVESTATE_LOADED = 2,
    NTMS_DRIVESTATE_UNLOADED = 5,
    NTMS_DRIVESTATE_BEING_CLEANED = 6,
    NTMS_DRIVESTATE_DISMOUNTABLE = 7
};

/* NTMS_LIBRARYINFORMATION.LibraryType. */
enum NtmsLibraryType {
    NTMS_LIBRARYTYPE_UNKNOWN = 0,
    NTMS_LIBRARYTYPE_OFFLINE = 1,
    NTMS_LIBRARYTYPE_ONLINE = 2,
    NTMS_LIBRARYTYPE_STANDALONE = 3
};

/* NTMS_LIBRARYINFORMATION.dwFlags. */
enum NtmsLibraryFlags {
    NTMS_LIBRARYFLAG_FIXEDOFFLINE = 0x01,
    NTMS_LIBRARYFLAG_CLEANERPRESENT = 0x02,
    NTMS_LIBRARYFLAG_AUTODETECTCHANGE = 0x04,
    NTMS_LIBRARYFLAG_IGNORECLEANERUSESREMAINING = 0x08,
    NTMS_LIBRARYFLAG_RECOGNIZECLEANERBARCODE = 0x10
};

/* NTMS_LIBRARYINFORMATION.InventoryMethod; InventoryNtmsLibrary and AccessNtmsLibraryDoor
 * dwAction. */
enum NtmsInventoryMethod {
    NTMS_INVENTORY_NONE = 0,
    NTMS_INVENTORY_FAST = 1,
    NTMS_INVENTORY_OMID = 2,
    NTMS_INVENTORY_DEFAULT = 3,
    NTMS_INVENTORY_SLOT = 4,
    NTMS_INVENTORY_STOP = 5,
    NTMS_INVENTORY_MAX = 6
};

/* NTMS_STORAGESLOTINFORMATION.State. */
enum NtmsSlotState {
    NTMS_SLOTSTATE_UNKNOWN = 0,
    NTMS_SLOTSTATE_FULL = 1,
    NTMS_SLOTSTATE_EMPTY = 2,
    NTMS_SLOTSTATE_NOTPRESENT = 3,
    NTMS_SLOTSTATE_NEEDSINVENTORY = 4
};

/* NTMS_IEDOORINFORMATION.State. */
enum NtmsDoorState {
    NTMS_DOORSTATE_UNKNOWN = 0,
    NTMS_DOORSTATE_CLOSED = 1,
    NTMS_DOORSTATE_OPEN = 2
};

/* NTMS_IEPORTINFORMATION.Position and .Content. */
enum NtmsPortPosition {
    NTMS_PORTPOSITION_UNKNOWN = 0,
    NTMS_PORTPOSITION_EXTENDED = 1,
    NTMS_PORTPOSITION_RETRACTED = 2
};

enum NtmsPortContent {
    NTMS_PORTCONTENT_UNKNOWN = 0,
    NTMS_PORTCONTENT_FULL = 1,
    NTMS_PORTCONTENT_EMPTY = 2
};

/* NTMS_PMIDINFORMATION.BarCodeState. */
enum NtmsBarCodeState { NTMS_BARCODESTATE_OK = 1, NTMS_BARCODESTATE_UNREADABLE = 2 };

/* NTMS_PMIDINFORMATION.MediaState. */
enum NtmsMediaState {
    NTMS_MEDIASTATE_IDLE = 0,
    NTMS_MEDIASTATE_INUSE = 1,
    NTMS_MEDIASTATE_MOUNTED = 2,
    NTMS_MEDIASTATE_LOADED = 3,
    NTMS_MEDIASTATE_UNLOADED = 4,
    NTMS_MEDIASTATE_OPERROR = 5,
    NTMS_MEDIASTATE_OPREQ = 6
};

/* NTMS_PARTITIONINFORMATION.State (a side's state). */
enum NtmsPartitionState {
    NTMS_PARTSTATE_UNKNOWN = 0,
    NTMS_PARTSTATE_UNPREPARED = 1,
    NTMS_PARTSTATE_INCOMPATIBLE = 2,
    NTMS_PARTSTATE_DECOMMISSIONED = 3,
    NTMS_PARTSTATE_AVAILABLE = 4,
    NTMS_PARTSTATE_ALLOCATED = 5,
    NTMS_PARTSTATE_COMPLETE = 6,
    NTMS_PARTSTATE_FOREIGN = 7,
    NTMS_PARTSTATE_IMPORT = 8,
    NTMS_PARTSTATE_RESERVED = 9
};
#define NTMS_PARTSTATE_NEW NTMS_PARTSTATE_UNKNOWN

/* NTMS_MEDIAPOOLINFORMATION.PoolType. */
enum NtmsPoolType {
    NTMS_POOLTYPE_UNKNOWN = 0,
    NTMS_POOLTYPE_SCRATCH = 1, /* the free pool */
    NTMS_POOLTYPE_FOREIGN = 2, /* the unrecognized pool */
    NTMS_POOLTYPE_IMPORT = 3,
    NTMS_POOLTYPE_APPLICATION = 1000
};

/* NTMS_MEDIAPOOLINFORMATION.AllocationPolicy / .DeallocationPolicy. */
enum NtmsAllocationPolicy { NTMS_ALLOCATE_FROMSCRATCH = 1 };
enum NtmsDeallocationPolicy { NTMS_DEALLOCATE_TOSCRATCH = 1 };

/* NTMS_MEDIATYPEINFORMATION.ReadWriteCharacteristics. */
enum NtmsReadWriteCharacteristics {
    NTMS_MEDIARW_UNKNOWN = 0,
    NTMS_MEDIARW_REWRITABLE = 1,
    NTMS_MEDIARW_WRITEONCE = 2,
    NTMS_MEDIARW_READONLY = 3
};

/* NTMS_LIBREQUESTINFORMATION.OperationCode. */
enum NtmsLmOperation {
    NTMS_LM_REMOVE = 0,
    NTMS_LM_DISABLECHANGER = 1,
    NTMS_LM_DISABLELIBRARY = 1,
    NTMS_LM_ENABLECHANGER = 2,
    NTMS_LM_ENABLELIBRARY = 2,
    NTMS_LM_DISABLEDRIVE = 3,
    NTMS_LM_ENABLEDRIVE = 4,
    NTMS_LM_DISABLEMEDIA = 5,
    NTMS_LM_ENABLEMEDIA = 6,
    NTMS_LM_UPDATEOMID = 7,
    NTMS_LM_INVENTORY = 8,
    NTMS_LM_DOORACCESS = 9,
    NTMS_LM_EJECT = 10,
    NTMS_LM_EJECTCLEANER = 11,
    NTMS_LM_INJECT = 12,
    NTMS_LM_INJECTCLEANER = 13,
    NTMS_LM_PROCESSOMID = 14,
    NTMS_LM_CLEANDRIVE = 15,
    NTMS_LM_DISMOUNT = 16,
    NTMS_LM_MOUNT = 17,
    NTMS_LM_WRITESCRATCH = 18,
    NTMS_LM_CLASSIFY = 19,
    NTMS_LM_RESERVECLEANER = 20,
    NTMS_LM_RELEASECLEANER = 21,
    NTMS_LM_MAXWORKITEM = 22
};

/* NTMS_LIBREQUESTINFORMATION.State. DEFFERED is the Windows header's misspelling, kept. */
enum NtmsLmState {
    NTMS_LM_QUEUED = 0,
    NTMS_LM_INPROCESS = 1,
    NTMS_LM_PASSED = 2,
    NTMS_LM_FAILED = 3,
    NTMS_LM_INVALID = 4,
    NTMS_LM_WAITING = 5,
    NTMS_LM_DEFERRED = 6,
    NTMS_LM_DEFFERED = 6,
    NTMS_LM_CANCELLED = 7,
    NTMS_LM_STOPPED = 8
};

/* NTMS_OPREQUESTINFORMATION.Request; SubmitNtmsOperatorRequest dwRequest. */
enum NtmsOpreqCommand {
    NTMS_OPREQ_UNKNOWN = 0,
    NTMS_OPREQ_NEWMEDIA = 1,
    NTMS_OPREQ_CLEANER = 2,
    NTMS_OPREQ_DEVICESERVICE = 3,
    NTMS_OPREQ_MOVEMEDIA = 4,
    NTMS_OPREQ_MESSAGE = 5
};

/* NTMS_OPREQUESTINFORMATION.State. */
enum NtmsOpreqState {
    NTMS_OPSTATE_UNKNOWN = 0,
    NTMS_OPSTATE_SUBMITTED = 1,
    NTMS_OPSTATE_ACTIVE = 2,
    NTMS_OPSTATE_INPROGRESS = 3,
    NTMS_OPSTATE_REFUSED = 4,
    NTMS_OPSTATE_COMPLETE = 5
};

/* NTMS_COMPUTERINFORMATION flag fields. */
enum NtmsLibRequestFlags {
    NTMS_LIBREQFLAGS_NOAUTOPURGE = 0x01,
    NTMS_LIBREQFLAGS_NOFAILEDPURGE = 0x02
};

enum NtmsOpRequestFlags {
    NTMS_OPREQFLAGS_NOAUTOPURGE = 0x01,
    NTMS_OPREQFLAGS_NOFAILEDPURGE = 0x02,
    NTMS_OPREQFLAGS_NOALERTS = 0x10,
    NTMS_OPREQFLAGS_NOTRAYICON = 0x20
};

enum NtmsMediaPoolPolicy {
    NTMS_POOLPOLICY_PURGEOFFLINESCRATCH = 0x01,
    NTMS_POOLPOLICY_KEEPOFFLINEIMPORT = 0x02
};

/* NTMS_OBJECTINFORMATION.dwOperationalState. */
enum NtmsOperationalState {
    NTMS_READY = 0,
    NTMS_INITIALIZING = 10,
    NTMS_NEEDS_SERVICE = 20,
    NTMS_NOT_PRESENT = 21
};

/* CreateNtmsMedia dwOptions. */
enum NtmsCreateNtmsMediaOptions { NTMS_ERROR_ON_DUPLICATE = 0x0001 };

/* Drive type (only one value exists). */
enum NtmsDriveType { NTMS_UNKNOWN_DRIVE = 0 };

/* WaitForNtmsNotification: NTMS_NOTIFICATIONINFORMATION.dwOperation. */
enum NtmsNotificationOperations {
    NTMS_OBJ_UPDATE = 1,
    NTMS_OBJ_INSERT = 2,
    NTMS_OBJ_DELETE = 3,
    NTMS_EVENT_SIGNAL = 4,
    NTMS_EVENT_COMPLETE = 5
};

#endif /* !NTMS_NOREDEF */

/* The enums below are never suppressed by NTMS_NOREDEF (as on Windows). */

/* OpenNtmsSession dwOptions. 0 and QUERYEXPEDITE are accepted (digest §0 #9). */
enum NtmsSessionOptions { NTMS_SESSION_QUERYEXPEDITE = 0x1 };

/* EnumerateNtmsObject dwOptions. */
enum NtmsEnumerateOption { NTMS_ENUM_DEFAULT = 0, NTMS_ENUM_ROOTPOOL = 1 };

/* EjectNtmsMedia / EjectNtmsCleaner dwAction; EjectDiskFromSADrive dwOptions. */
enum NtmsEjectOperation {
    NTMS_EJECT_START = 0,
    NTMS_EJECT_STOP = 1,
    NTMS_EJECT_QUEUE = 2,
    NTMS_EJECT_FORCE = 3,
    NTMS_EJECT_IMMEDIATE = 4,
    NTMS_EJECT_ASK_USER = 5
};

/* InjectNtmsMedia / InjectNtmsCleaner dwAction. The documentation's spelling
 * NTMS_INJECT_START_MANY is accepted as an alias (digest §0 #2). */
enum NtmsInjectOperation {
    NTMS_INJECT_START = 0,
    NTMS_INJECT_STOP = 1,
    NTMS_INJECT_RETRACT = 2,
    NTMS_INJECT_STARTMANY = 3
};
#define NTMS_INJECT_START_MANY NTMS_INJECT_STARTMANY

/* Access rights in RSM security descriptors (digest §1.9; CONTROL is 0x4, §0 #1). */
enum NtmsAccessMask { NTMS_USE_ACCESS = 0x1, NTMS_MODIFY_ACCESS = 0x2, NTMS_CONTROL_ACCESS = 0x4 };

/* Unparenthesised on Windows; parenthesised here, which only makes expressions safer. */
#define NTMS_GENERIC_READ    (NTMS_USE_ACCESS)
#define NTMS_GENERIC_WRITE   (NTMS_USE_ACCESS | NTMS_MODIFY_ACCESS)
#define NTMS_GENERIC_EXECUTE (NTMS_USE_ACCESS | NTMS_MODIFY_ACCESS | NTMS_CONTROL_ACCESS)
#define NTMS_GENERIC_ALL     (NTMS_USE_ACCESS | NTMS_MODIFY_ACCESS | NTMS_CONTROL_ACCESS)

/* Get/SetNtmsUIOptions dwType and dwOperation. */
enum NtmsUITypes {
    NTMS_UITYPE_INVALID = 0,
    NTMS_UITYPE_INFO = 1,
    NTMS_UITYPE_REQ = 2,
    NTMS_UITYPE_ERR = 3,
    NTMS_UITYPE_MAX = 4
};

enum NtmsUIOperations {
    NTMS_UIDEST_ADD = 1,
    NTMS_UIDEST_DELETE = 2,
    NTMS_UIDEST_DELETEALL = 3,
    NTMS_UIOPERATION_MAX = 4
};

/* UpdateNtmsOmidInfo labelType. */
#define NTMS_OMID_TYPE_RAW_LABEL       0x01
#define NTMS_OMID_TYPE_FILESYSTEM_INFO 0x02

/* Windows device classes reported in DeviceType fields (winioctl.h values). */
#ifndef FILE_DEVICE_CD_ROM
#define FILE_DEVICE_CD_ROM  0x00000002
#define FILE_DEVICE_DISK    0x00000007
#define FILE_DEVICE_TAPE    0x0000001f
#define FILE_DEVICE_CHANGER 0x00000030
#define FILE_DEVICE_DVD     0x00000033
#endif

/* ======================================================================================
 * Auxiliary structures (digest §1.6)
 * ==================================================================================== */

#ifndef NTMS_NOREDEF

/* Reserved by Windows for asynchronous operations; declared for completeness. */
typedef struct _NTMS_ASYNC_IO {
    NTMS_GUID OperationId;
    NTMS_GUID EventId;
    DWORD dwOperationType;
    DWORD dwResult;
    DWORD dwAsyncState;
    HANDLE hEvent;
    BOOL bOnStateChange;
} NTMS_ASYNC_IO, *LPNTMS_ASYNC_IO;

/* MountNtmsMedia's reserved last argument; callers pass NULL. */
typedef struct _NTMS_MOUNT_INFORMATION {
    DWORD dwSize;
    LPVOID lpReserved;
} NTMS_MOUNT_INFORMATION, *LPNTMS_MOUNT_INFORMATION;

/* Optional output of AllocateNtmsMedia: the pool the side came from. */
typedef struct _NTMS_ALLOCATION_INFORMATION {
    DWORD dwSize; /* sizeof(NTMS_ALLOCATION_INFORMATION) */
    LPVOID lpReserved;
    NTMS_GUID AllocatedFrom;
} NTMS_ALLOCATION_INFORMATION, *LPNTMS_ALLOCATION_INFORMATION;

/* Output of WaitForNtmsNotification. */
typedef struct _NTMS_NOTIFICATIONINFORMATION {
    DWORD dwOperation; /* enum NtmsNotificationOperations */
    NTMS_GUID ObjectId;
} NTMS_NOTIFICATIONINFORMATION, *LPNTMS_NOTIFICATIONINFORMATION;

#endif /* !NTMS_NOREDEF */

/* Input of UpdateNtmsOmidInfo with NTMS_OMID_TYPE_FILESYSTEM_INFO. Always wide. */
typedef struct {
    WCHAR FileSystemType[64];
    WCHAR VolumeName[256];
    DWORD SerialNumber;
} NTMS_FILESYSTEM_INFO;

/* ======================================================================================
 * Per-type information structures (digest §1.3). Field order is the Windows order; the
 * A/W pairs differ only in their string fields.
 * ==================================================================================== */

#ifndef NTMS_NOREDEF

/* NTMS_DRIVE */
typedef struct _NTMS_DRIVEINFORMATIONA {
    DWORD Number;
    DWORD State; /* enum NtmsDriveState */
    NTMS_GUID DriveType;
    CHAR szDeviceName[NTMS_DEVICENAME_LENGTH];
    CHAR szSerialNumber[NTMS_SERIALNUMBER_LENGTH];
    CHAR szRevision[NTMS_REVISION_LENGTH];
    WORD ScsiPort;
    WORD ScsiBus;
    WORD ScsiTarget;
    WORD ScsiLun;
    DWORD dwMountCount;
    SYSTEMTIME LastCleanedTs;
    NTMS_GUID SavedPartitionId;
    NTMS_GUID Library;
    GUID Reserved;
    DWORD dwDeferDismountDelay; /* seconds; writable */
} NTMS_DRIVEINFORMATIONA;

typedef struct _NTMS_DRIVEINFORMATIONW {
    DWORD Number;
    DWORD State;
    NTMS_GUID DriveType;
    WCHAR szDeviceName[NTMS_DEVICENAME_LENGTH];
    WCHAR szSerialNumber[NTMS_SERIALNUMBER_LENGTH];
    WCHAR szRevision[NTMS_REVISION_LENGTH];
    WORD ScsiPort;
    WORD ScsiBus;
    WORD ScsiTarget;
    WORD ScsiLun;
    DWORD dwMountCount;
    SYSTEMTIME LastCleanedTs;
    NTMS_GUID SavedPartitionId;
    NTMS_GUID Library;
    GUID Reserved;
    DWORD dwDeferDismountDelay;
} NTMS_DRIVEINFORMATIONW;

/* NTMS_DRIVE_TYPE */
typedef struct _NTMS_DRIVETYPEINFORMATIONA {
    CHAR szVendor[NTMS_VENDORNAME_LENGTH];
    CHAR szProduct[NTMS_PRODUCTNAME_LENGTH];
    DWORD NumberOfHeads; /* reserved */
    DWORD DeviceType;    /* FILE_DEVICE_* */
} NTMS_DRIVETYPEINFORMATIONA;

typedef struct _NTMS_DRIVETYPEINFORMATIONW {
    WCHAR szVendor[NTMS_VENDORNAME_LENGTH];
    WCHAR szProduct[NTMS_PRODUCTNAME_LENGTH];
    DWORD NumberOfHeads;
    DWORD DeviceType;
} NTMS_DRIVETYPEINFORMATIONW;

/* NTMS_LIBRARY (no string fields, so no A/W pair) */
typedef struct _NTMS_LIBRARYINFORMATION {
    DWORD LibraryType; /* enum NtmsLibraryType */
    NTMS_GUID CleanerSlot;
    NTMS_GUID CleanerSlotDefault;
    BOOL LibrarySupportsDriveCleaning;
    BOOL BarCodeReaderInstalled;
    DWORD InventoryMethod; /* enum NtmsInventoryMethod; writable */
    DWORD dwCleanerUsesRemaining;
    DWORD FirstDriveNumber;
    DWORD dwNumberOfDrives;
    DWORD FirstSlotNumber;
    DWORD dwNumberOfSlots;
    DWORD FirstDoorNumber;
    DWORD dwNumberOfDoors;
    DWORD FirstPortNumber;
    DWORD dwNumberOfPorts;
    DWORD FirstChangerNumber;
    DWORD dwNumberOfChangers;
    DWORD dwNumberOfMedia;
    DWORD dwNumberOfMediaTypes;
    DWORD dwNumberOfLibRequests;
    GUID Reserved;
    BOOL AutoRecovery; /* writable */
    DWORD dwFlags;     /* enum NtmsLibraryFlags; writable */
} NTMS_LIBRARYINFORMATION;

/* NTMS_CHANGER */
typedef struct _NTMS_CHANGERINFORMATIONA {
    DWORD Number;
    NTMS_GUID ChangerType;
    CHAR szSerialNumber[NTMS_SERIALNUMBER_LENGTH];
    CHAR szRevision[NTMS_REVISION_LENGTH];
    CHAR szDeviceName[NTMS_DEVICENAME_LENGTH];
    WORD ScsiPort;
    WORD ScsiBus;
    WORD ScsiTarget;
    WORD ScsiLun;
    NTMS_GUID Library;
} NTMS_CHANGERINFORMATIONA;

typedef struct _NTMS_CHANGERINFORMATIONW {
    DWORD Number;
    NTMS_GUID ChangerType;
    WCHAR szSerialNumber[NTMS_SERIALNUMBER_LENGTH];
    WCHAR szRevision[NTMS_REVISION_LENGTH];
    WCHAR szDeviceName[NTMS_DEVICENAME_LENGTH];
    WORD ScsiPort;
    WORD ScsiBus;
    WORD ScsiTarget;
    WORD ScsiLun;
    NTMS_GUID Library;
} NTMS_CHANGERINFORMATIONW;

/* NTMS_CHANGER_TYPE */
typedef struct _NTMS_CHANGERTYPEINFORMATIONA {
    CHAR szVendor[NTMS_VENDORNAME_LENGTH];
    CHAR szProduct[NTMS_PRODUCTNAME_LENGTH];
    DWORD DeviceType; /* FILE_DEVICE_CHANGER */
} NTMS_CHANGERTYPEINFORMATIONA;

typedef struct _NTMS_CHANGERTYPEINFORMATIONW {
    WCHAR szVendor[NTMS_VENDORNAME_LENGTH];
    WCHAR szProduct[NTMS_PRODUCTNAME_LENGTH];
    DWORD DeviceType;
} NTMS_CHANGERTYPEINFORMATIONW;

/* NTMS_STORAGESLOT */
typedef struct _NTMS_STORAGESLOTINFORMATION {
    DWORD Number;
    DWORD State; /* enum NtmsSlotState */
    NTMS_GUID Library;
} NTMS_STORAGESLOTINFORMATION;

/* NTMS_IEDOOR */
typedef struct _NTMS_IEDOORINFORMATION {
    DWORD Number;
    DWORD State;      /* enum NtmsDoorState */
    WORD MaxOpenSecs; /* writable */
    NTMS_GUID Library;
} NTMS_IEDOORINFORMATION;

/* NTMS_IEPORT */
typedef struct _NTMS_IEPORTINFORMATION {
    DWORD Number;
    DWORD Content;      /* enum NtmsPortContent */
    DWORD Position;     /* enum NtmsPortPosition */
    WORD MaxExtendSecs; /* writable */
    NTMS_GUID Library;
} NTMS_IEPORTINFORMATION;

/* NTMS_PHYSICAL_MEDIA */
typedef struct _NTMS_PMIDINFORMATIONA {
    NTMS_GUID CurrentLibrary;
    NTMS_GUID MediaPool;
    NTMS_GUID Location;
    DWORD LocationType; /* NTMS_STORAGESLOT, NTMS_DRIVE or NTMS_IEPORT */
    NTMS_GUID MediaType;
    NTMS_GUID HomeSlot;
    CHAR szBarCode[NTMS_BARCODE_LENGTH];
    DWORD BarCodeState; /* enum NtmsBarCodeState */
    CHAR szSequenceNumber[NTMS_SEQUENCE_LENGTH];
    DWORD MediaState; /* enum NtmsMediaState */
    DWORD dwNumberOfPartitions;
    DWORD dwMediaTypeCode;
    DWORD dwDensityCode;
    NTMS_GUID MountedPartition;
} NTMS_PMIDINFORMATIONA;

typedef struct _NTMS_PMIDINFORMATIONW {
    NTMS_GUID CurrentLibrary;
    NTMS_GUID MediaPool;
    NTMS_GUID Location;
    DWORD LocationType;
    NTMS_GUID MediaType;
    NTMS_GUID HomeSlot;
    WCHAR szBarCode[NTMS_BARCODE_LENGTH];
    DWORD BarCodeState;
    WCHAR szSequenceNumber[NTMS_SEQUENCE_LENGTH];
    DWORD MediaState;
    DWORD dwNumberOfPartitions;
    DWORD dwMediaTypeCode;
    DWORD dwDensityCode;
    NTMS_GUID MountedPartition;
} NTMS_PMIDINFORMATIONW;

/* NTMS_LOGICAL_MEDIA */
typedef struct _NTMS_LMIDINFORMATION {
    NTMS_GUID MediaPool;
    DWORD dwNumberOfPartitions;
} NTMS_LMIDINFORMATION;

/* NTMS_PARTITION (a side) */
typedef struct _NTMS_PARTITIONINFORMATIONA {
    NTMS_GUID PhysicalMedia;
    NTMS_GUID LogicalMedia;
    DWORD State; /* enum NtmsPartitionState */
    WORD Side;   /* 0 = side A */
    DWORD dwOmidLabelIdLength;
    BYTE OmidLabelId[NTMS_OMIDLABELID_LENGTH];
    CHAR szOmidLabelType[NTMS_OMIDLABELTYPE_LENGTH];
    CHAR szOmidLabelInfo[NTMS_OMIDLABELINFO_LENGTH];
    DWORD dwMountCount;
    DWORD dwAllocateCount;
    LARGE_INTEGER Capacity; /* bytes */
} NTMS_PARTITIONINFORMATIONA;

typedef struct _NTMS_PARTITIONINFORMATIONW {
    NTMS_GUID PhysicalMedia;
    NTMS_GUID LogicalMedia;
    DWORD State;
    WORD Side;
    DWORD dwOmidLabelIdLength;
    BYTE OmidLabelId[NTMS_OMIDLABELID_LENGTH];
    WCHAR szOmidLabelType[NTMS_OMIDLABELTYPE_LENGTH];
    WCHAR szOmidLabelInfo[NTMS_OMIDLABELINFO_LENGTH];
    DWORD dwMountCount;
    DWORD dwAllocateCount;
    LARGE_INTEGER Capacity;
} NTMS_PARTITIONINFORMATIONW;

/* NTMS_MEDIA_POOL */
typedef struct _NTMS_MEDIAPOOLINFORMATION {
    DWORD PoolType; /* enum NtmsPoolType */
    NTMS_GUID MediaType;
    NTMS_GUID Parent;
    DWORD AllocationPolicy;   /* writable */
    DWORD DeallocationPolicy; /* writable */
    DWORD dwMaxAllocates;     /* writable */
    DWORD dwNumberOfPhysicalMedia;
    DWORD dwNumberOfLogicalMedia;
    DWORD dwNumberOfMediaPools;
} NTMS_MEDIAPOOLINFORMATION;

/* NTMS_MEDIA_TYPE */
typedef struct _NTMS_MEDIATYPEINFORMATION {
    DWORD MediaType; /* STORAGE_MEDIA_TYPE, digest §1.7 */
    DWORD NumberOfSides;
    DWORD ReadWriteCharacteristics; /* enum NtmsReadWriteCharacteristics */
    DWORD DeviceType;               /* FILE_DEVICE_* */
} NTMS_MEDIATYPEINFORMATION;

/* NTMS_LIBREQUEST */
typedef struct _NTMS_LIBREQUESTINFORMATIONA {
    DWORD OperationCode; /* enum NtmsLmOperation */
    DWORD OperationOption;
    DWORD State; /* enum NtmsLmState */
    NTMS_GUID PartitionId;
    NTMS_GUID DriveId;
    NTMS_GUID PhysMediaId;
    NTMS_GUID Library;
    NTMS_GUID SlotId;
    SYSTEMTIME TimeQueued;
    SYSTEMTIME TimeCompleted;
    CHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    CHAR szUser[NTMS_USERNAME_LENGTH];
    CHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
    DWORD dwErrorCode;
    NTMS_GUID WorkItemId;
    DWORD dwPriority;
} NTMS_LIBREQUESTINFORMATIONA;

typedef struct _NTMS_LIBREQUESTINFORMATIONW {
    DWORD OperationCode;
    DWORD OperationOption;
    DWORD State;
    NTMS_GUID PartitionId;
    NTMS_GUID DriveId;
    NTMS_GUID PhysMediaId;
    NTMS_GUID Library;
    NTMS_GUID SlotId;
    SYSTEMTIME TimeQueued;
    SYSTEMTIME TimeCompleted;
    WCHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    WCHAR szUser[NTMS_USERNAME_LENGTH];
    WCHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
    DWORD dwErrorCode;
    NTMS_GUID WorkItemId;
    DWORD dwPriority;
} NTMS_LIBREQUESTINFORMATIONW;

/* NTMS_OPREQUEST */
typedef struct _NTMS_OPREQUESTINFORMATIONA {
    DWORD Request; /* enum NtmsOpreqCommand */
    SYSTEMTIME Submitted;
    DWORD State; /* enum NtmsOpreqState */
    CHAR szMessage[NTMS_MESSAGE_LENGTH];
    DWORD Arg1Type;
    NTMS_GUID Arg1;
    DWORD Arg2Type;
    NTMS_GUID Arg2;
    CHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    CHAR szUser[NTMS_USERNAME_LENGTH];
    CHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_OPREQUESTINFORMATIONA;

typedef struct _NTMS_OPREQUESTINFORMATIONW {
    DWORD Request;
    SYSTEMTIME Submitted;
    DWORD State;
    WCHAR szMessage[NTMS_MESSAGE_LENGTH];
    DWORD Arg1Type;
    NTMS_GUID Arg1;
    DWORD Arg2Type;
    NTMS_GUID Arg2;
    WCHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    WCHAR szUser[NTMS_USERNAME_LENGTH];
    WCHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_OPREQUESTINFORMATIONW;

/* NTMS_COMPUTER (all fields writable) */
typedef struct _NTMS_COMPUTERINFORMATION {
    DWORD dwLibRequestPurgeTime; /* seconds */
    DWORD dwOpRequestPurgeTime;  /* seconds */
    DWORD dwLibRequestFlags;     /* enum NtmsLibRequestFlags */
    DWORD dwOpRequestFlags;      /* enum NtmsOpRequestFlags */
    DWORD dwMediaPoolPolicy;     /* enum NtmsMediaPoolPolicy */
} NTMS_COMPUTERINFORMATION;

/* ======================================================================================
 * NTMS_OBJECTINFORMATION: the common header of every object plus one union member chosen
 * by dwType (digest §1.2). Callers set dwSize = sizeof(the structure) and dwType before
 * Get/Set/Create.
 * ==================================================================================== */

typedef struct _NTMS_OBJECTINFORMATIONA {
    DWORD dwSize;
    DWORD dwType; /* enum NtmsObjectsTypes */
    SYSTEMTIME Created;
    SYSTEMTIME Modified;
    NTMS_GUID ObjectGuid;
    BOOL Enabled;
    DWORD dwOperationalState; /* enum NtmsOperationalState */
    CHAR szName[NTMS_OBJECTNAME_LENGTH];
    CHAR szDescription[NTMS_DESCRIPTION_LENGTH];
    union {
        NTMS_DRIVEINFORMATIONA Drive;
        NTMS_DRIVETYPEINFORMATIONA DriveType;
        NTMS_LIBRARYINFORMATION Library;
        NTMS_CHANGERINFORMATIONA Changer;
        NTMS_CHANGERTYPEINFORMATIONA ChangerType;
        NTMS_STORAGESLOTINFORMATION StorageSlot;
        NTMS_IEDOORINFORMATION IEDoor;
        NTMS_IEPORTINFORMATION IEPort;
        NTMS_PMIDINFORMATIONA PhysicalMedia;
        NTMS_LMIDINFORMATION LogicalMedia;
        NTMS_PARTITIONINFORMATIONA Partition;
        NTMS_MEDIAPOOLINFORMATION MediaPool;
        NTMS_MEDIATYPEINFORMATION MediaType;
        NTMS_LIBREQUESTINFORMATIONA LibRequest;
        NTMS_OPREQUESTINFORMATIONA OpRequest;
        NTMS_COMPUTERINFORMATION Computer;
    } Info;
} NTMS_OBJECTINFORMATIONA, *LPNTMS_OBJECTINFORMATIONA;

typedef struct _NTMS_OBJECTINFORMATIONW {
    DWORD dwSize;
    DWORD dwType;
    SYSTEMTIME Created;
    SYSTEMTIME Modified;
    NTMS_GUID ObjectGuid;
    BOOL Enabled;
    DWORD dwOperationalState;
    WCHAR szName[NTMS_OBJECTNAME_LENGTH];
    WCHAR szDescription[NTMS_DESCRIPTION_LENGTH];
    union {
        NTMS_DRIVEINFORMATIONW Drive;
        NTMS_DRIVETYPEINFORMATIONW DriveType;
        NTMS_LIBRARYINFORMATION Library;
        NTMS_CHANGERINFORMATIONW Changer;
        NTMS_CHANGERTYPEINFORMATIONW ChangerType;
        NTMS_STORAGESLOTINFORMATION StorageSlot;
        NTMS_IEDOORINFORMATION IEDoor;
        NTMS_IEPORTINFORMATION IEPort;
        NTMS_PMIDINFORMATIONW PhysicalMedia;
        NTMS_LMIDINFORMATION LogicalMedia;
        NTMS_PARTITIONINFORMATIONW Partition;
        NTMS_MEDIAPOOLINFORMATION MediaPool;
        NTMS_MEDIATYPEINFORMATION MediaType;
        NTMS_LIBREQUESTINFORMATIONW LibRequest;
        NTMS_OPREQUESTINFORMATIONW OpRequest;
        NTMS_COMPUTERINFORMATION Computer;
    } Info;
} NTMS_OBJECTINFORMATIONW, *LPNTMS_OBJECTINFORMATIONW;

/* ======================================================================================
 * Legacy first-interface ("I1") layouts (digest §1.5). Declared for source
 * compatibility; the API accepts only the current sizes in dwSize.
 * ==================================================================================== */

typedef struct _NTMS_I1_LIBRARYINFORMATION {
    DWORD LibraryType;
    NTMS_GUID CleanerSlot;
    NTMS_GUID CleanerSlotDefault;
    BOOL LibrarySupportsDriveCleaning;
    BOOL BarCodeReaderInstalled;
    DWORD InventoryMethod;
    DWORD dwCleanerUsesRemaining;
    DWORD FirstDriveNumber;
    DWORD dwNumberOfDrives;
    DWORD FirstSlotNumber;
    DWORD dwNumberOfSlots;
    DWORD FirstDoorNumber;
    DWORD dwNumberOfDoors;
    DWORD FirstPortNumber;
    DWORD dwNumberOfPorts;
    DWORD FirstChangerNumber;
    DWORD dwNumberOfChangers;
    DWORD dwNumberOfMedia;
    DWORD dwNumberOfMediaTypes;
    DWORD dwNumberOfLibRequests;
    GUID Reserved;
} NTMS_I1_LIBRARYINFORMATION;

typedef struct _NTMS_I1_LIBREQUESTINFORMATIONA {
    DWORD OperationCode;
    DWORD OperationOption;
    DWORD State;
    NTMS_GUID PartitionId;
    NTMS_GUID DriveId;
    NTMS_GUID PhysMediaId;
    NTMS_GUID Library;
    NTMS_GUID SlotId;
    SYSTEMTIME TimeQueued;
    SYSTEMTIME TimeCompleted;
    CHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    CHAR szUser[NTMS_USERNAME_LENGTH];
    CHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_I1_LIBREQUESTINFORMATIONA;

typedef struct _NTMS_I1_LIBREQUESTINFORMATIONW {
    DWORD OperationCode;
    DWORD OperationOption;
    DWORD State;
    NTMS_GUID PartitionId;
    NTMS_GUID DriveId;
    NTMS_GUID PhysMediaId;
    NTMS_GUID Library;
    NTMS_GUID SlotId;
    SYSTEMTIME TimeQueued;
    SYSTEMTIME TimeCompleted;
    WCHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    WCHAR szUser[NTMS_USERNAME_LENGTH];
    WCHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_I1_LIBREQUESTINFORMATIONW;

typedef struct _NTMS_I1_PMIDINFORMATIONA {
    NTMS_GUID CurrentLibrary;
    NTMS_GUID MediaPool;
    NTMS_GUID Location;
    DWORD LocationType;
    NTMS_GUID MediaType;
    NTMS_GUID HomeSlot;
    CHAR szBarCode[NTMS_BARCODE_LENGTH];
    DWORD BarCodeState;
    CHAR szSequenceNumber[NTMS_SEQUENCE_LENGTH];
    DWORD MediaState;
    DWORD dwNumberOfPartitions;
} NTMS_I1_PMIDINFORMATIONA;

typedef struct _NTMS_I1_PMIDINFORMATIONW {
    NTMS_GUID CurrentLibrary;
    NTMS_GUID MediaPool;
    NTMS_GUID Location;
    DWORD LocationType;
    NTMS_GUID MediaType;
    NTMS_GUID HomeSlot;
    WCHAR szBarCode[NTMS_BARCODE_LENGTH];
    DWORD BarCodeState;
    WCHAR szSequenceNumber[NTMS_SEQUENCE_LENGTH];
    DWORD MediaState;
    DWORD dwNumberOfPartitions;
} NTMS_I1_PMIDINFORMATIONW;

typedef struct _NTMS_I1_PARTITIONINFORMATIONA {
    NTMS_GUID PhysicalMedia;
    NTMS_GUID LogicalMedia;
    DWORD State;
    WORD Side;
    DWORD dwOmidLabelIdLength;
    BYTE OmidLabelId[NTMS_OMIDLABELID_LENGTH];
    CHAR szOmidLabelType[NTMS_OMIDLABELTYPE_LENGTH];
    CHAR szOmidLabelInfo[NTMS_OMIDLABELINFO_LENGTH];
    DWORD dwMountCount;
    DWORD dwAllocateCount;
} NTMS_I1_PARTITIONINFORMATIONA;

typedef struct _NTMS_I1_PARTITIONINFORMATIONW {
    NTMS_GUID PhysicalMedia;
    NTMS_GUID LogicalMedia;
    DWORD State;
    WORD Side;
    DWORD dwOmidLabelIdLength;
    BYTE OmidLabelId[NTMS_OMIDLABELID_LENGTH];
    WCHAR szOmidLabelType[NTMS_OMIDLABELTYPE_LENGTH];
    WCHAR szOmidLabelInfo[NTMS_OMIDLABELINFO_LENGTH];
    DWORD dwMountCount;
    DWORD dwAllocateCount;
} NTMS_I1_PARTITIONINFORMATIONW;

typedef struct _NTMS_I1_OPREQUESTINFORMATIONA {
    DWORD Request;
    SYSTEMTIME Submitted;
    DWORD State;
    CHAR szMessage[NTMS_I1_MESSAGE_LENGTH];
    DWORD Arg1Type;
    NTMS_GUID Arg1;
    DWORD Arg2Type;
    NTMS_GUID Arg2;
    CHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    CHAR szUser[NTMS_USERNAME_LENGTH];
    CHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_I1_OPREQUESTINFORMATIONA;

typedef struct _NTMS_I1_OPREQUESTINFORMATIONW {
    DWORD Request;
    SYSTEMTIME Submitted;
    DWORD State;
    WCHAR szMessage[NTMS_I1_MESSAGE_LENGTH];
    DWORD Arg1Type;
    NTMS_GUID Arg1;
    DWORD Arg2Type;
    NTMS_GUID Arg2;
    WCHAR szApplication[NTMS_APPLICATIONNAME_LENGTH];
    WCHAR szUser[NTMS_USERNAME_LENGTH];
    WCHAR szComputer[NTMS_COMPUTERNAME_LENGTH];
} NTMS_I1_OPREQUESTINFORMATIONW;

/* The I1 union has no Computer member. */
typedef struct _NTMS_I1_OBJECTINFORMATIONA {
    DWORD dwSize;
    DWORD dwType;
    SYSTEMTIME Created;
    SYSTEMTIME Modified;
    NTMS_GUID ObjectGuid;
    BOOL Enabled;
    DWORD dwOperationalState;
    CHAR szName[NTMS_OBJECTNAME_LENGTH];
    CHAR szDescription[NTMS_DESCRIPTION_LENGTH];
    union {
        NTMS_DRIVEINFORMATIONA Drive;
        NTMS_DRIVETYPEINFORMATIONA DriveType;
        NTMS_I1_LIBRARYINFORMATION Library;
        NTMS_CHANGERINFORMATIONA Changer;
        NTMS_CHANGERTYPEINFORMATIONA ChangerType;
        NTMS_STORAGESLOTINFORMATION StorageSlot;
        NTMS_IEDOORINFORMATION IEDoor;
        NTMS_IEPORTINFORMATION IEPort;
        NTMS_I1_PMIDINFORMATIONA PhysicalMedia;
        NTMS_LMIDINFORMATION LogicalMedia;
        NTMS_I1_PARTITIONINFORMATIONA Partition;
        NTMS_MEDIAPOOLINFORMATION MediaPool;
        NTMS_MEDIATYPEINFORMATION MediaType;
        NTMS_I1_LIBREQUESTINFORMATIONA LibRequest;
        NTMS_I1_OPREQUESTINFORMATIONA OpRequest;
    } Info;
} NTMS_I1_OBJECTINFORMATIONA, *LPNTMS_I1_OBJECTINFORMATIONA;

typedef struct _NTMS_I1_OBJECTINFORMATIONW {
    DWORD dwSize;
    DWORD dwType;
    SYSTEMTIME Created;
    SYSTEMTIME Modified;
    NTMS_GUID ObjectGuid;
    BOOL Enabled;
    DWORD dwOperationalState;
    WCHAR szName[NTMS_OBJECTNAME_LENGTH];
    WCHAR szDescription[NTMS_DESCRIPTION_LENGTH];
    union {
        NTMS_DRIVEINFORMATIONW Drive;
        NTMS_DRIVETYPEINFORMATIONW DriveType;
        NTMS_I1_LIBRARYINFORMATION Library;
        NTMS_CHANGERINFORMATIONW Changer;
        NTMS_CHANGERTYPEINFORMATIONW ChangerType;
        NTMS_STORAGESLOTINFORMATION StorageSlot;
        NTMS_IEDOORINFORMATION IEDoor;
        NTMS_IEPORTINFORMATION IEPort;
        NTMS_I1_PMIDINFORMATIONW PhysicalMedia;
        NTMS_LMIDINFORMATION LogicalMedia;
        NTMS_I1_PARTITIONINFORMATIONW Partition;
        NTMS_MEDIAPOOLINFORMATION MediaPool;
        NTMS_MEDIATYPEINFORMATION MediaType;
        NTMS_I1_LIBREQUESTINFORMATIONW LibRequest;
        NTMS_I1_OPREQUESTINFORMATIONW OpRequest;
    } Info;
} NTMS_I1_OBJECTINFORMATIONW, *LPNTMS_I1_OBJECTINFORMATIONW;

#endif /* !NTMS_NOREDEF */

/* Generic structure names, mapped by UNICODE. */
#define _NTMS_DRIVEINFORMATION        OPENRSM_AW(_NTMS_DRIVEINFORMATION)
#define NTMS_DRIVEINFORMATION         OPENRSM_AW(NTMS_DRIVEINFORMATION)
#define _NTMS_DRIVETYPEINFORMATION    OPENRSM_AW(_NTMS_DRIVETYPEINFORMATION)
#define NTMS_DRIVETYPEINFORMATION     OPENRSM_AW(NTMS_DRIVETYPEINFORMATION)
#define _NTMS_CHANGERINFORMATION      OPENRSM_AW(_NTMS_CHANGERINFORMATION)
#define NTMS_CHANGERINFORMATION       OPENRSM_AW(NTMS_CHANGERINFORMATION)
#define _NTMS_CHANGERTYPEINFORMATION  OPENRSM_AW(_NTMS_CHANGERTYPEINFORMATION)
#define NTMS_CHANGERTYPEINFORMATION   OPENRSM_AW(NTMS_CHANGERTYPEINFORMATION)
#define _NTMS_PMIDINFORMATION         OPENRSM_AW(_NTMS_PMIDINFORMATION)
#define NTMS_PMIDINFORMATION          OPENRSM_AW(NTMS_PMIDINFORMATION)
#define _NTMS_PARTITIONINFORMATION    OPENRSM_AW(_NTMS_PARTITIONINFORMATION)
#define NTMS_PARTITIONINFORMATION     OPENRSM_AW(NTMS_PARTITIONINFORMATION)
#define _NTMS_LIBREQUESTINFORMATION   OPENRSM_AW(_NTMS_LIBREQUESTINFORMATION)
#define NTMS_LIBREQUESTINFORMATION    OPENRSM_AW(NTMS_LIBREQUESTINFORMATION)
#define _NTMS_OPREQUESTINFORMATION    OPENRSM_AW(_NTMS_OPREQUESTINFORMATION)
#define NTMS_OPREQUESTINFORMATION     OPENRSM_AW(NTMS_OPREQUESTINFORMATION)
#define _NTMS_OBJECTINFORMATION       OPENRSM_AW(_NTMS_OBJECTINFORMATION)
#define NTMS_OBJECTINFORMATION        OPENRSM_AW(NTMS_OBJECTINFORMATION)
#define LPNTMS_OBJECTINFORMATION      OPENRSM_AW(LPNTMS_OBJECTINFORMATION)
#define NTMS_I1_LIBREQUESTINFORMATION OPENRSM_AW(NTMS_I1_LIBREQUESTINFORMATION)
#define NTMS_I1_PARTITIONINFORMATION  OPENRSM_AW(NTMS_I1_PARTITIONINFORMATION)
#define NTMS_I1_PMIDINFORMATION       OPENRSM_AW(NTMS_I1_PMIDINFORMATION)
#define NTMS_I1_OPREQUESTINFORMATION  OPENRSM_AW(NTMS_I1_OPREQUESTINFORMATION)
#define NTMS_I1_OBJECTINFORMATION     OPENRSM_AW(NTMS_I1_OBJECTINFORMATION)

/* ======================================================================================
 * Functions (digest §2). Each group names the digest section with its full contract;
 * the lines here give the shape, the ownership of pointers and the main results.
 * ==================================================================================== */

/* ---- Sessions (§2.9) ----------------------------------------------------------------- */

/* Opens a session. @lpServer: NULL or "" finds rsmd like the rsm CLI does ($RSM_SOCKET,
 * else /run/rsm/rsmd.sock); "embedded:DIR" runs the engine in-process on the database in
 * DIR. @lpApplication: optional application name (default "RSM"). @dwOptions: 0 or
 * NTMS_SESSION_QUERYEXPEDITE. Returns the handle, or INVALID_HANDLE_VALUE with
 * GetLastError() set (ERROR_INVALID_PARAMETER, ERROR_NOT_CONNECTED, ERROR_ACCESS_DENIED,
 * ERROR_DATABASE_FAILURE, ...). The strings are borrowed for the call only. */
HANDLE WINAPI OpenNtmsSessionW(LPCWSTR lpServer, LPCWSTR lpApplication, DWORD dwOptions);
HANDLE WINAPI OpenNtmsSessionA(LPCSTR lpServer, LPCSTR lpApplication, DWORD dwOptions);

/* Closes a session; the handle is invalid afterwards. ERROR_INVALID_HANDLE if unknown. */
DWORD WINAPI CloseNtmsSession(HANDLE hSession);

/* ---- Objects (§2.7) ------------------------------------------------------------------ */

/* Lists the GUIDs of objects of @dwType in @lpContainerId (NULL = all / top level).
 * *@lpdwListSize: in, capacity of @lpList in GUIDs; out, the number returned, or the number
 * needed with ERROR_INSUFFICIENT_BUFFER. */
DWORD WINAPI EnumerateNtmsObject(HANDLE hSession, const LPNTMS_GUID lpContainerId,
                                 LPNTMS_GUID lpList, LPDWORD lpdwListSize, DWORD dwType,
                                 DWORD dwOptions);

/* Fills *@lpInfo; the caller sets lpInfo->dwSize and ->dwType first. */
DWORD WINAPI GetNtmsObjectInformationW(HANDLE hSession, LPNTMS_GUID lpObjectId,
                                       LPNTMS_OBJECTINFORMATIONW lpInfo);
DWORD WINAPI GetNtmsObjectInformationA(HANDLE hSession, LPNTMS_GUID lpObjectId,
                                       LPNTMS_OBJECTINFORMATIONA lpInfo);

/* Writes every writable member of the object's type from *@lpInfo (read-only members are
 * ignored). */
DWORD WINAPI SetNtmsObjectInformationW(HANDLE hSession, LPNTMS_GUID lpObjectId,
                                       LPNTMS_OBJECTINFORMATIONW lpInfo);
DWORD WINAPI SetNtmsObjectInformationA(HANDLE hSession, LPNTMS_GUID lpObjectId,
                                       LPNTMS_OBJECTINFORMATIONA lpInfo);

/* Named application blobs on any object. Get: *@lpAttributeSize in = buffer bytes, out =
 * attribute bytes (ERROR_INSUFFICIENT_BUFFER when too small). Set: size 0 deletes. */
DWORD WINAPI GetNtmsObjectAttributeW(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                     LPCWSTR lpAttributeName, LPVOID lpAttributeData,
                                     LPDWORD lpAttributeSize);
DWORD WINAPI GetNtmsObjectAttributeA(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                     LPCSTR lpAttributeName, LPVOID lpAttributeData,
                                     LPDWORD lpAttributeSize);
DWORD WINAPI SetNtmsObjectAttributeW(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                     LPCWSTR lpAttributeName, LPVOID lpAttributeData,
                                     DWORD AttributeSize);
DWORD WINAPI SetNtmsObjectAttributeA(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                     LPCSTR lpAttributeName, LPVOID lpAttributeData,
                                     DWORD dwAttributeSize);

/* Queue enabling or disabling a drive, library or physical medium. */
DWORD WINAPI EnableNtmsObject(HANDLE hSession, DWORD dwType, LPNTMS_GUID lpObjectId);
DWORD WINAPI DisableNtmsObject(HANDLE hSession, DWORD dwType, LPNTMS_GUID lpObjectId);

/* The object's descriptor in the POSIX form documented in <openrsm/wintypes.h>. Get:
 * @nLength bytes of buffer; *@lpnLengthNeeded receives the size (ERROR_INSUFFICIENT_BUFFER
 * when too small). */
DWORD WINAPI GetNtmsObjectSecurity(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                   SECURITY_INFORMATION RequestedInformation,
                                   PSECURITY_DESCRIPTOR lpSecurityDescriptor, DWORD nLength,
                                   LPDWORD lpnLengthNeeded);
DWORD WINAPI SetNtmsObjectSecurity(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                   SECURITY_INFORMATION SecurityInformation,
                                   PSECURITY_DESCRIPTOR lpSecurityDescriptor);

/* Records the label an application just wrote on the side of LMID @lpMediaId. @labelType:
 * NTMS_OMID_TYPE_RAW_LABEL (raw bytes) or NTMS_OMID_TYPE_FILESYSTEM_INFO (@lpBuffer is an
 * NTMS_FILESYSTEM_INFO). */
DWORD WINAPI UpdateNtmsOmidInfo(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD labelType,
                                DWORD numberOfBytes, LPVOID lpBuffer);

/* ---- Media services (§2.6) ----------------------------------------------------------- */

DWORD WINAPI AddNtmsMediaType(HANDLE hSession, LPNTMS_GUID lpMediaTypeId, LPNTMS_GUID lpLibId);
DWORD WINAPI DeleteNtmsMediaType(HANDLE hSession, LPNTMS_GUID lpMediaTypeId, LPNTMS_GUID lpLibId);
DWORD WINAPI ChangeNtmsMediaType(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpPoolId);

/* Allocates a side from application pool @lpMediaPool; the new LMID goes to *@lpMediaId.
 * @lpPartition (optional) asks for one side; @dwTimeout in ms (0 = no wait, INFINITE);
 * @lpAllocateInformation optional output. */
DWORD WINAPI AllocateNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaPool, LPNTMS_GUID lpPartition,
                               LPNTMS_GUID lpMediaId, DWORD dwOptions, DWORD dwTimeout,
                               LPNTMS_ALLOCATION_INFORMATION lpAllocateInformation);
/* Ends the allocation behind LMID @lpMediaId; @dwOptions must be 0. */
DWORD WINAPI DeallocateNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD dwOptions);
DWORD WINAPI SwapNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId1, LPNTMS_GUID lpMediaId2);
DWORD WINAPI DecommissionNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId);
DWORD WINAPI SetNtmsMediaComplete(HANDLE hSession, LPNTMS_GUID lpMediaId);
DWORD WINAPI DeleteNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId);

/* Catalogues an offline medium: @lpMedia (dwType NTMS_PHYSICAL_MEDIA) and an array @lpList
 * of lpMedia->Info.PhysicalMedia.dwNumberOfPartitions sides (dwType NTMS_PARTITION). */
DWORD WINAPI CreateNtmsMediaW(HANDLE hSession, LPNTMS_OBJECTINFORMATIONW lpMedia,
                              LPNTMS_OBJECTINFORMATIONW lpList, DWORD dwOptions);
DWORD WINAPI CreateNtmsMediaA(HANDLE hSession, LPNTMS_OBJECTINFORMATIONA lpMedia,
                              LPNTMS_OBJECTINFORMATIONA lpList, DWORD dwOptions);

/* Creates or opens application pool @lpPoolName ("\\App\\Pool" style; the leading
 * backslash is optional). @lpMediaType NULL = a pool of pools. @dwAction: enum
 * NtmsCreateOptions. The GUID goes to *@lpPoolId. */
DWORD WINAPI CreateNtmsMediaPoolW(HANDLE hSession, LPCWSTR lpPoolName, LPNTMS_GUID lpMediaType,
                                  DWORD dwAction, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                  LPNTMS_GUID lpPoolId);
DWORD WINAPI CreateNtmsMediaPoolA(HANDLE hSession, LPCSTR lpPoolName, LPNTMS_GUID lpMediaType,
                                  DWORD dwAction, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                  LPNTMS_GUID lpPoolId);
DWORD WINAPI DeleteNtmsMediaPool(HANDLE hSession, LPNTMS_GUID lpPoolId);

/* The pool's full hierarchical name. *@lpdwBufSize: in, buffer size in characters; out,
 * the name's length in characters including the NUL (needed size on
 * ERROR_INSUFFICIENT_BUFFER). For the A form characters are UTF-8 bytes. */
DWORD WINAPI GetNtmsMediaPoolNameW(HANDLE hSession, LPNTMS_GUID lpPoolId, LPWSTR lpNameBuf,
                                   LPDWORD lpdwBufSize);
DWORD WINAPI GetNtmsMediaPoolNameA(HANDLE hSession, LPNTMS_GUID lpPoolId, LPSTR lpNameBuf,
                                   LPDWORD lpdwBufSize);
DWORD WINAPI MoveToNtmsMediaPool(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpPoolId);

/* Mounts @dwCount media (LMIDs or side IDs) and waits; @lpDriveId is a parallel array
 * (input with NTMS_MOUNT_SPECIFIC_DRIVE, else output). @lpMountInformation: NULL. */
DWORD WINAPI MountNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpDriveId,
                            DWORD dwCount, DWORD dwOptions, int dwPriority, DWORD dwTimeout,
                            LPNTMS_MOUNT_INFORMATION lpMountInformation);
DWORD WINAPI DismountNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, DWORD dwCount,
                               DWORD dwOptions);

/* ---- Database backup and restore (§2.3) ---------------------------------------------- */

DWORD WINAPI ExportNtmsDatabase(HANDLE hSession);
DWORD WINAPI ImportNtmsDatabase(HANDLE hSession);

/* ---- Library control (§2.5) ---------------------------------------------------------- */

DWORD WINAPI DeleteNtmsLibrary(HANDLE hSession, LPNTMS_GUID lpLibraryId);
DWORD WINAPI DeleteNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId);
DWORD WINAPI EjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpMediaId, LPNTMS_GUID lpEjectOperation,
                            DWORD dwAction);
DWORD WINAPI InjectNtmsMedia(HANDLE hSession, LPNTMS_GUID lpLibraryId,
                             LPNTMS_GUID lpInjectOperation, DWORD dwAction);
DWORD WINAPI AccessNtmsLibraryDoor(HANDLE hSession, LPNTMS_GUID lpLibraryId, DWORD dwAction);
DWORD WINAPI DismountNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId);
DWORD WINAPI InventoryNtmsLibrary(HANDLE hSession, LPNTMS_GUID lpLibraryId, DWORD dwAction);
DWORD WINAPI IdentifyNtmsSlot(HANDLE hSession, LPNTMS_GUID lpSlotId, DWORD dwOption);
DWORD WINAPI CancelNtmsLibraryRequest(HANDLE hSession, LPNTMS_GUID lpRequestId);
DWORD WINAPI GetNtmsRequestOrder(HANDLE hSession, LPNTMS_GUID lpRequestId, LPDWORD lpdwOrderNumber);
DWORD WINAPI SetNtmsRequestOrder(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwOrderNumber);
DWORD WINAPI DeleteNtmsRequests(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwType,
                                DWORD dwCount);

/* Multi-string of destination computers (each NUL-terminated, one more NUL at the end);
 * *@lpdwBufSize in characters. */
DWORD WINAPI GetNtmsUIOptionsW(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               LPWSTR lpszDestination, LPDWORD lpdwBufSize);
DWORD WINAPI GetNtmsUIOptionsA(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               LPSTR lpszDestination, LPDWORD lpdwBufSize);
DWORD WINAPI SetNtmsUIOptionsW(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               DWORD dwOperation, LPCWSTR lpszDestination);
DWORD WINAPI SetNtmsUIOptionsA(HANDLE hSession, const LPNTMS_GUID lpObjectId, DWORD dwType,
                               DWORD dwOperation, LPCSTR lpszDestination);

/* Ejects the medium of a stand-alone drive named by device path; no session needed.
 * @hWnd, @lpTitle, @lpMessage are accepted and ignored (no dialogs on Linux). */
DWORD WINAPI EjectDiskFromSADriveW(LPCWSTR lpComputerName, LPCWSTR lpAppName, LPCWSTR lpDeviceName,
                                   HWND hWnd, LPCWSTR lpTitle, LPCWSTR lpMessage, DWORD dwOptions);
DWORD WINAPI EjectDiskFromSADriveA(LPCSTR lpComputerName, LPCSTR lpAppName, LPCSTR lpDeviceName,
                                   HWND hWnd, LPCSTR lpTitle, LPCSTR lpMessage, DWORD dwOptions);

/* Volume name and mount point of the medium in a removable drive. The two strings are
 * allocated by the function and owned by the caller (free()). */
DWORD WINAPI GetVolumesFromDriveW(LPWSTR pszDriveName, LPWSTR *VolumeNameBufferPtr,
                                  LPWSTR *DriveLetterBufferPtr);
DWORD WINAPI GetVolumesFromDriveA(LPSTR pszDriveName, LPSTR *VolumeNameBufferPtr,
                                  LPSTR *DriveLetterBufferPtr);

/* ---- Cleaners (§2.2) ----------------------------------------------------------------- */

DWORD WINAPI CleanNtmsDrive(HANDLE hSession, LPNTMS_GUID lpDriveId);
DWORD WINAPI ReserveNtmsCleanerSlot(HANDLE hSession, LPNTMS_GUID lpLibrary, LPNTMS_GUID lpSlot);
DWORD WINAPI ReleaseNtmsCleanerSlot(HANDLE hSession, LPNTMS_GUID lpLibrary);
/* @dwNumberOfCleansLeft is an input (digest §0 #7). */
DWORD WINAPI InjectNtmsCleaner(HANDLE hSession, LPNTMS_GUID lpLibrary,
                               LPNTMS_GUID lpInjectOperation, DWORD dwNumberOfCleansLeft,
                               DWORD dwAction);
DWORD WINAPI EjectNtmsCleaner(HANDLE hSession, LPNTMS_GUID lpLibrary, LPNTMS_GUID lpEjectOperation,
                              DWORD dwAction);

/* ---- Device change detection (§2.1) -------------------------------------------------- */

DWORD WINAPI BeginNtmsDeviceChangeDetection(HANDLE hSession, LPHANDLE lpDetectHandle);
DWORD WINAPI SetNtmsDeviceChangeDetection(HANDLE hSession, HANDLE DetectHandle,
                                          LPNTMS_GUID lpRequestId, DWORD dwType, DWORD dwCount);
DWORD WINAPI EndNtmsDeviceChangeDetection(HANDLE hSession, HANDLE DetectHandle);

/* ---- Operator requests (§2.8) -------------------------------------------------------- */

DWORD WINAPI SubmitNtmsOperatorRequestW(HANDLE hSession, DWORD dwRequest, LPCWSTR lpMessage,
                                        LPNTMS_GUID lpArg1Id, LPNTMS_GUID lpArg2Id,
                                        LPNTMS_GUID lpRequestId);
DWORD WINAPI SubmitNtmsOperatorRequestA(HANDLE hSession, DWORD dwRequest, LPCSTR lpMessage,
                                        LPNTMS_GUID lpArg1Id, LPNTMS_GUID lpArg2Id,
                                        LPNTMS_GUID lpRequestId);
DWORD WINAPI WaitForNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId, DWORD dwTimeout);
DWORD WINAPI CancelNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId);
DWORD WINAPI SatisfyNtmsOperatorRequest(HANDLE hSession, LPNTMS_GUID lpRequestId);

/* ---- Notifications (§2.4) ------------------------------------------------------------ */

/* Returns a notification handle for objects of @dwType, or INVALID_HANDLE_VALUE with
 * GetLastError() set. */
HANDLE WINAPI OpenNtmsNotification(HANDLE hSession, DWORD dwType);
/* @dwTimeout in ms or INFINITE; ERROR_TIMEOUT when nothing arrived. Events are queued per
 * handle (8192); a handle that fell further behind gets ERROR_NO_DATA once the events queued
 * before the loss are read, and on every wait after: close it and open a new one. */
DWORD WINAPI WaitForNtmsNotification(HANDLE hNotification,
                                     LPNTMS_NOTIFICATIONINFORMATION lpNotificationInformation,
                                     DWORD dwTimeout);
DWORD WINAPI CloseNtmsNotification(HANDLE hNotification);

/* ---- Generic function names, mapped by UNICODE (digest §3.3) ------------------------- */
/* GetNtmsDeviceName has a mapping on Windows but no function; it is left out. */
#define OpenNtmsSession           OPENRSM_AW(OpenNtmsSession)
#define GetNtmsObjectInformation  OPENRSM_AW(GetNtmsObjectInformation)
#define SetNtmsObjectInformation  OPENRSM_AW(SetNtmsObjectInformation)
#define CreateNtmsMediaPool       OPENRSM_AW(CreateNtmsMediaPool)
#define GetNtmsMediaPoolName      OPENRSM_AW(GetNtmsMediaPoolName)
#define GetNtmsObjectAttribute    OPENRSM_AW(GetNtmsObjectAttribute)
#define SetNtmsObjectAttribute    OPENRSM_AW(SetNtmsObjectAttribute)
#define GetNtmsUIOptions          OPENRSM_AW(GetNtmsUIOptions)
#define SetNtmsUIOptions          OPENRSM_AW(SetNtmsUIOptions)
#define SubmitNtmsOperatorRequest OPENRSM_AW(SubmitNtmsOperatorRequest)
#define CreateNtmsMedia           OPENRSM_AW(CreateNtmsMedia)
#define EjectDiskFromSADrive      OPENRSM_AW(EjectDiskFromSADrive)
#define GetVolumesFromDrive       OPENRSM_AW(GetVolumesFromDrive)

#ifdef __cplusplus
}
#endif

#pragma pack(pop)

#endif /* OPENRSM_NTMSAPI_H */
