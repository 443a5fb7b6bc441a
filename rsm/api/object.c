/* SPDX-License-Identifier: MIT
 * Object functions of the NTMS API (ntms-api.md §2.7): EnumerateNtmsObject,
 * Get/SetNtmsObjectInformation (A/W), Get/SetNtmsObjectAttribute (A/W),
 * Enable/DisableNtmsObject, Get/SetNtmsObjectSecurity; and the conversion between the
 * engine's struct rsm_objinfo and NTMS_OBJECTINFORMATIONW. The A entry points convert
 * with wstr.h and call the W code.
 */
#include <stdlib.h>
#include <string.h>

#include "rsm/api/session.h"
#include "rsm/api/wstr.h"
#include "rsm/client/client.h"

_Static_assert(sizeof(GUID) == sizeof(struct rsm_guid), "GUID is 16 bytes");
_Static_assert((int)NTMS_PHYSICAL_MEDIA == (int)RSM_OT_PHYSICAL_MEDIA &&
                   (int)NTMS_OPREQUEST == (int)RSM_OT_OPREQUEST &&
                   (int)NTMS_PARTSTATE_RESERVED == (int)RSM_PART_RESERVED &&
                   (int)NTMS_POOLTYPE_APPLICATION == (int)RSM_POOL_APPLICATION &&
                   (int)NTMS_CONTROL_ACCESS == (int)RSM_CONTROL_ACCESS &&
                   READ_CONTROL == RSM_READ_CONTROL && WRITE_DAC == RSM_WRITE_DAC &&
                   (int)RSM_ACE_EVERYONE == (int)RSM_SD_EVERYONE &&
                   (int)RSM_ACE_GROUP == (int)RSM_SD_GROUP &&
                   (int)RSM_ACE_USER == (int)RSM_SD_USER &&
                   sizeof(RSM_ACE) == sizeof(struct rsm_ace) &&
                   (int)NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE == (int)RSM_ALLOC_ERROR_IF_UNAVAILABLE,
               "engine model values are the ntmsapi.h values");

#define WF(dst, src)  rsm_utf8_to_wfield((dst), sizeof(dst) / sizeof((dst)[0]), (src), SIZE_MAX)
#define UF(dst, src)  rsm_wfield_to_utf8((dst), sizeof(dst), (src), sizeof(src) / sizeof((src)[0]))
#define G2A(dst, src) rsm_guid_to_api(&(dst), &(src))
#define A2G(dst, src) rsm_guid_from_api(&(dst), &(src))

void rsm_objinfo_to_w(const struct rsm_objinfo *o, NTMS_OBJECTINFORMATIONW *w)
{
    memset(w, 0, sizeof *w);
    w->dwSize = sizeof *w;
    w->dwType = o->type;
    rsm_time_to_api(&w->Created, o->created_ms);
    rsm_time_to_api(&w->Modified, o->modified_ms);
    G2A(w->ObjectGuid, o->guid);
    w->Enabled = o->enabled ? TRUE : FALSE;
    w->dwOperationalState = o->opstate;
    WF(w->szName, o->name);
    WF(w->szDescription, o->descr);
    switch (o->type) {
    case NTMS_DRIVE: {
        NTMS_DRIVEINFORMATIONW *d = &w->Info.Drive;
        d->Number = o->u.drive.number;
        d->State = o->u.drive.state;
        G2A(d->DriveType, o->u.drive.drive_type);
        WF(d->szDeviceName, o->u.drive.devname);
        WF(d->szSerialNumber, o->u.drive.serial);
        WF(d->szRevision, o->u.drive.revision);
        d->ScsiPort = o->u.drive.scsi.port;
        d->ScsiBus = o->u.drive.scsi.bus;
        d->ScsiTarget = o->u.drive.scsi.target;
        d->ScsiLun = o->u.drive.scsi.lun;
        d->dwMountCount = o->u.drive.mount_count;
        rsm_time_to_api(&d->LastCleanedTs, o->u.drive.last_cleaned_ms);
        G2A(d->SavedPartitionId, o->u.drive.saved_partition);
        G2A(d->Library, o->u.drive.library);
        d->dwDeferDismountDelay = o->u.drive.defer_dismount_delay;
        break;
    }
    case NTMS_DRIVE_TYPE:
        WF(w->Info.DriveType.szVendor, o->u.drive_type.vendor);
        WF(w->Info.DriveType.szProduct, o->u.drive_type.product);
        w->Info.DriveType.NumberOfHeads = o->u.drive_type.heads;
        w->Info.DriveType.DeviceType = o->u.drive_type.device_type;
        break;
    case NTMS_LIBRARY: {
        NTMS_LIBRARYINFORMATION *l = &w->Info.Library;
        l->LibraryType = o->u.library.library_type;
        G2A(l->CleanerSlot, o->u.library.cleaner_slot);
        G2A(l->CleanerSlotDefault, o->u.library.cleaner_slot_default);
        l->LibrarySupportsDriveCleaning = o->u.library.supports_drive_cleaning;
        l->BarCodeReaderInstalled = o->u.library.barcode_reader;
        l->InventoryMethod = o->u.library.inventory_method;
        l->dwCleanerUsesRemaining = o->u.library.cleaner_uses_remaining;
        l->FirstDriveNumber = o->u.library.first_drive;
        l->dwNumberOfDrives = o->u.library.n_drives;
        l->FirstSlotNumber = o->u.library.first_slot;
        l->dwNumberOfSlots = o->u.library.n_slots;
        l->FirstDoorNumber = o->u.library.first_door;
        l->dwNumberOfDoors = o->u.library.n_doors;
        l->FirstPortNumber = o->u.library.first_port;
        l->dwNumberOfPorts = o->u.library.n_ports;
        l->FirstChangerNumber = o->u.library.first_changer;
        l->dwNumberOfChangers = o->u.library.n_changers;
        l->dwNumberOfMedia = o->u.library.n_media;
        l->dwNumberOfMediaTypes = o->u.library.n_media_types;
        l->dwNumberOfLibRequests = o->u.library.n_requests;
        l->AutoRecovery = o->u.library.autorecovery;
        l->dwFlags = o->u.library.flags;
        break;
    }
    case NTMS_CHANGER: {
        NTMS_CHANGERINFORMATIONW *c = &w->Info.Changer;
        c->Number = o->u.changer.number;
        G2A(c->ChangerType, o->u.changer.changer_type);
        WF(c->szSerialNumber, o->u.changer.serial);
        WF(c->szRevision, o->u.changer.revision);
        WF(c->szDeviceName, o->u.changer.devname);
        c->ScsiPort = o->u.changer.scsi.port;
        c->ScsiBus = o->u.changer.scsi.bus;
        c->ScsiTarget = o->u.changer.scsi.target;
        c->ScsiLun = o->u.changer.scsi.lun;
        G2A(c->Library, o->u.changer.library);
        break;
    }
    case NTMS_CHANGER_TYPE:
        WF(w->Info.ChangerType.szVendor, o->u.changer_type.vendor);
        WF(w->Info.ChangerType.szProduct, o->u.changer_type.product);
        w->Info.ChangerType.DeviceType = o->u.changer_type.device_type;
        break;
    case NTMS_STORAGESLOT:
        w->Info.StorageSlot.Number = o->u.slot.number;
        w->Info.StorageSlot.State = o->u.slot.state;
        G2A(w->Info.StorageSlot.Library, o->u.slot.library);
        break;
    case NTMS_IEDOOR:
        w->Info.IEDoor.Number = o->u.door.number;
        w->Info.IEDoor.State = o->u.door.state;
        w->Info.IEDoor.MaxOpenSecs = o->u.door.max_open_secs;
        G2A(w->Info.IEDoor.Library, o->u.door.library);
        break;
    case NTMS_IEPORT:
        w->Info.IEPort.Number = o->u.port.number;
        w->Info.IEPort.Content = o->u.port.content;
        w->Info.IEPort.Position = o->u.port.position;
        w->Info.IEPort.MaxExtendSecs = o->u.port.max_extend_secs;
        G2A(w->Info.IEPort.Library, o->u.port.library);
        break;
    case NTMS_PHYSICAL_MEDIA: {
        NTMS_PMIDINFORMATIONW *p = &w->Info.PhysicalMedia;
        G2A(p->CurrentLibrary, o->u.pmedia.library);
        G2A(p->MediaPool, o->u.pmedia.pool);
        G2A(p->Location, o->u.pmedia.location);
        p->LocationType = o->u.pmedia.location_type;
        G2A(p->MediaType, o->u.pmedia.media_type);
        G2A(p->HomeSlot, o->u.pmedia.home_slot);
        WF(p->szBarCode, o->u.pmedia.barcode);
        p->BarCodeState = o->u.pmedia.barcode_state;
        WF(p->szSequenceNumber, o->u.pmedia.seqno);
        p->MediaState = o->u.pmedia.state;
        p->dwNumberOfPartitions = o->u.pmedia.n_sides;
        p->dwMediaTypeCode = o->u.pmedia.media_type_code;
        p->dwDensityCode = o->u.pmedia.density_code;
        G2A(p->MountedPartition, o->u.pmedia.mounted_side);
        break;
    }
    case NTMS_LOGICAL_MEDIA:
        G2A(w->Info.LogicalMedia.MediaPool, o->u.lmedia.pool);
        w->Info.LogicalMedia.dwNumberOfPartitions = o->u.lmedia.n_sides;
        break;
    case NTMS_PARTITION: {
        NTMS_PARTITIONINFORMATIONW *p = &w->Info.Partition;
        G2A(p->PhysicalMedia, o->u.side.pmedia);
        G2A(p->LogicalMedia, o->u.side.lmedia);
        p->State = o->u.side.state;
        p->Side = o->u.side.side;
        p->dwOmidLabelIdLength = o->u.side.omid_len;
        memcpy(p->OmidLabelId, o->u.side.omid, o->u.side.omid_len);
        WF(p->szOmidLabelType, o->u.side.omid_type);
        WF(p->szOmidLabelInfo, o->u.side.omid_info);
        p->dwMountCount = o->u.side.mount_count;
        p->dwAllocateCount = o->u.side.allocate_count;
        p->Capacity.QuadPart = o->u.side.capacity;
        break;
    }
    case NTMS_MEDIA_POOL: {
        NTMS_MEDIAPOOLINFORMATION *p = &w->Info.MediaPool;
        p->PoolType = o->u.pool.pool_type;
        G2A(p->MediaType, o->u.pool.media_type);
        G2A(p->Parent, o->u.pool.parent);
        p->AllocationPolicy = o->u.pool.alloc_policy;
        p->DeallocationPolicy = o->u.pool.dealloc_policy;
        p->dwMaxAllocates = o->u.pool.max_allocates;
        p->dwNumberOfPhysicalMedia = o->u.pool.n_pmedia;
        p->dwNumberOfLogicalMedia = o->u.pool.n_lmedia;
        p->dwNumberOfMediaPools = o->u.pool.n_pools;
        break;
    }
    case NTMS_MEDIA_TYPE:
        w->Info.MediaType.MediaType = o->u.media_type.code;
        w->Info.MediaType.NumberOfSides = o->u.media_type.sides;
        w->Info.MediaType.ReadWriteCharacteristics = o->u.media_type.rw;
        w->Info.MediaType.DeviceType = o->u.media_type.device_type;
        break;
    case NTMS_LIBREQUEST: {
        NTMS_LIBREQUESTINFORMATIONW *r = &w->Info.LibRequest;
        r->OperationCode = o->u.libreq.op;
        r->OperationOption = o->u.libreq.option;
        r->State = o->u.libreq.state;
        G2A(r->PartitionId, o->u.libreq.side);
        G2A(r->DriveId, o->u.libreq.drive);
        G2A(r->PhysMediaId, o->u.libreq.pmedia);
        G2A(r->Library, o->u.libreq.library);
        G2A(r->SlotId, o->u.libreq.slot);
        rsm_time_to_api(&r->TimeQueued, o->u.libreq.queued_ms);
        rsm_time_to_api(&r->TimeCompleted, o->u.libreq.completed_ms);
        WF(r->szApplication, o->u.libreq.app);
        WF(r->szUser, o->u.libreq.user);
        WF(r->szComputer, o->u.libreq.computer);
        r->dwErrorCode = o->u.libreq.error;
        G2A(r->WorkItemId, o->u.libreq.work_item);
        r->dwPriority = o->u.libreq.priority;
        break;
    }
    case NTMS_OPREQUEST: {
        NTMS_OPREQUESTINFORMATIONW *r = &w->Info.OpRequest;
        r->Request = o->u.opreq.request;
        rsm_time_to_api(&r->Submitted, o->u.opreq.submitted_ms);
        r->State = o->u.opreq.state;
        WF(r->szMessage, o->u.opreq.message);
        r->Arg1Type = o->u.opreq.arg1_type;
        G2A(r->Arg1, o->u.opreq.arg1);
        r->Arg2Type = o->u.opreq.arg2_type;
        G2A(r->Arg2, o->u.opreq.arg2);
        WF(r->szApplication, o->u.opreq.app);
        WF(r->szUser, o->u.opreq.user);
        WF(r->szComputer, o->u.opreq.computer);
        break;
    }
    case NTMS_COMPUTER:
        w->Info.Computer.dwLibRequestPurgeTime = o->u.computer.lr_purge_secs;
        w->Info.Computer.dwOpRequestPurgeTime = o->u.computer.or_purge_secs;
        w->Info.Computer.dwLibRequestFlags = o->u.computer.lr_flags;
        w->Info.Computer.dwOpRequestFlags = o->u.computer.or_flags;
        w->Info.Computer.dwMediaPoolPolicy = o->u.computer.pool_policy;
        break;
    default:
        break;
    }
}

void rsm_objinfo_from_w(const NTMS_OBJECTINFORMATIONW *w, struct rsm_objinfo *o)
{
    memset(o, 0, sizeof *o);
    o->type = w->dwType;
    A2G(o->guid, w->ObjectGuid);
    o->enabled = w->Enabled ? 1 : 0;
    o->opstate = w->dwOperationalState;
    UF(o->name, w->szName);
    UF(o->descr, w->szDescription);
    switch (w->dwType) {
    case NTMS_DRIVE:
        o->u.drive.defer_dismount_delay = w->Info.Drive.dwDeferDismountDelay;
        break;
    case NTMS_LIBRARY:
        o->u.library.autorecovery = w->Info.Library.AutoRecovery;
        o->u.library.cleaner_uses_remaining = w->Info.Library.dwCleanerUsesRemaining;
        o->u.library.flags = w->Info.Library.dwFlags;
        o->u.library.inventory_method = w->Info.Library.InventoryMethod;
        break;
    case NTMS_IEDOOR:
        o->u.door.max_open_secs = w->Info.IEDoor.MaxOpenSecs;
        break;
    case NTMS_IEPORT:
        o->u.port.max_extend_secs = w->Info.IEPort.MaxExtendSecs;
        break;
    case NTMS_MEDIA_POOL:
        A2G(o->u.pool.media_type, w->Info.MediaPool.MediaType);
        o->u.pool.alloc_policy = w->Info.MediaPool.AllocationPolicy;
        o->u.pool.dealloc_policy = w->Info.MediaPool.DeallocationPolicy;
        o->u.pool.max_allocates = w->Info.MediaPool.dwMaxAllocates;
        break;
    case NTMS_COMPUTER:
        o->u.computer.lr_purge_secs = w->Info.Computer.dwLibRequestPurgeTime;
        o->u.computer.or_purge_secs = w->Info.Computer.dwOpRequestPurgeTime;
        o->u.computer.lr_flags = w->Info.Computer.dwLibRequestFlags;
        o->u.computer.or_flags = w->Info.Computer.dwOpRequestFlags;
        o->u.computer.pool_policy = w->Info.Computer.dwMediaPoolPolicy;
        break;
    case NTMS_PHYSICAL_MEDIA: {
        const NTMS_PMIDINFORMATIONW *p = &w->Info.PhysicalMedia;
        A2G(o->u.pmedia.library, p->CurrentLibrary);
        A2G(o->u.pmedia.pool, p->MediaPool);
        UF(o->u.pmedia.barcode, p->szBarCode);
        o->u.pmedia.n_sides = p->dwNumberOfPartitions;
        o->u.pmedia.media_type_code = p->dwMediaTypeCode;
        o->u.pmedia.density_code = p->dwDensityCode;
        break;
    }
    case NTMS_PARTITION: {
        const NTMS_PARTITIONINFORMATIONW *p = &w->Info.Partition;
        A2G(o->u.side.lmedia, p->LogicalMedia);
        o->u.side.state = p->State;
        o->u.side.omid_len = p->dwOmidLabelIdLength;
        if (p->dwOmidLabelIdLength <= NTMS_OMIDLABELID_LENGTH)
            memcpy(o->u.side.omid, p->OmidLabelId, p->dwOmidLabelIdLength);
        UF(o->u.side.omid_type, p->szOmidLabelType);
        UF(o->u.side.omid_info, p->szOmidLabelInfo);
        o->u.side.mount_count = p->dwMountCount;
        o->u.side.allocate_count = p->dwAllocateCount;
        o->u.side.capacity = p->Capacity.QuadPart;
        break;
    }
    default:
        break;
    }
}

/* Acquire the session or return ERROR_INVALID_HANDLE from the calling function. */
#define SESSION(s, h)                                                                              \
    struct rsm_session *s = rsm_session_acquire(h);                                                \
    if (!s)                                                                                        \
    return rsm_api_ret(ERROR_INVALID_HANDLE)

static DWORD done(struct rsm_session *s, rsm_rc rc)
{
    rsm_session_release(s);
    return rsm_api_ret(rsm_rc_to_win32(rc));
}

DWORD WINAPI EnumerateNtmsObject(HANDLE hSession, const LPNTMS_GUID lpContainerId,
                                 LPNTMS_GUID lpList, LPDWORD lpdwListSize, DWORD dwType,
                                 DWORD dwOptions)
{
    SESSION(s, hSession);
    if (!lpdwListSize || (*lpdwListSize && !lpList))
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid container;
    rsm_guid_from_api(&container, lpContainerId);
    uint32_t n = 0;
    rsm_rc rc = rsm_be_enumerate(s, &container, dwType, dwOptions,
                              (struct rsm_guid *)(void *)lpList, *lpdwListSize, &n);
    if (rc == RSM_OK || rc == RSM_E_INSUFFICIENT_BUFFER)
        *lpdwListSize = n; /* count returned, or the count needed */
    return done(s, rc);
}

static bool type_ok(DWORD t)
{
    return t > NTMS_OBJECT && t < NTMS_UI_DESTINATION;
}

DWORD WINAPI GetNtmsObjectInformationW(HANDLE hSession, LPNTMS_GUID lpObjectId,
                                       LPNTMS_OBJECTINFORMATIONW lpInfo)
{
    SESSION(s, hSession);
    if (!lpObjectId || !lpInfo || lpInfo->dwSize != sizeof *lpInfo || !type_ok(lpInfo->dwType))
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_objinfo *o = malloc(sizeof *o);
    if (!o)
        return done(s, RSM_E_NOMEM);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpObjectId);
    rsm_rc rc = rsm_be_object_get(s, &id, lpInfo->dwType, o);
    if (rc == RSM_OK)
        rsm_objinfo_to_w(o, lpInfo);
    free(o);
    return done(s, rc);
}

DWORD WINAPI GetNtmsObjectInformationA(HANDLE hSession, LPNTMS_GUID lpObjectId,
                                       LPNTMS_OBJECTINFORMATIONA lpInfo)
{
    if (lpInfo && lpInfo->dwSize != sizeof *lpInfo) {
        struct rsm_session *s = rsm_session_acquire(hSession);
        if (!s)
            return rsm_api_ret(ERROR_INVALID_HANDLE);
        return done(s, RSM_E_INVALID_PARAMETER);
    }
    NTMS_OBJECTINFORMATIONW *w = calloc(1, sizeof *w);
    if (!w)
        return rsm_api_ret(ERROR_NOT_ENOUGH_MEMORY);
    if (lpInfo) {
        w->dwSize = sizeof *w;
        w->dwType = lpInfo->dwType;
    }
    DWORD err = GetNtmsObjectInformationW(hSession, lpObjectId, lpInfo ? w : NULL);
    if (err == ERROR_SUCCESS)
        err = rsm_api_ret(rsm_objinfo_w_to_a(w, lpInfo));
    free(w);
    return err;
}

DWORD WINAPI SetNtmsObjectInformationW(HANDLE hSession, LPNTMS_GUID lpObjectId,
                                       LPNTMS_OBJECTINFORMATIONW lpInfo)
{
    SESSION(s, hSession);
    if (!lpObjectId || !lpInfo || lpInfo->dwSize != sizeof *lpInfo || !type_ok(lpInfo->dwType))
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_objinfo *o = malloc(sizeof *o);
    if (!o)
        return done(s, RSM_E_NOMEM);
    rsm_objinfo_from_w(lpInfo, o);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpObjectId);
    rsm_rc rc = rsm_be_object_set(s, &id, o);
    free(o);
    return done(s, rc);
}

DWORD WINAPI SetNtmsObjectInformationA(HANDLE hSession, LPNTMS_GUID lpObjectId,
                                       LPNTMS_OBJECTINFORMATIONA lpInfo)
{
    struct rsm_session *s = rsm_session_acquire(hSession);
    if (!s)
        return rsm_api_ret(ERROR_INVALID_HANDLE);
    if (!lpInfo || lpInfo->dwSize != sizeof *lpInfo || !type_ok(lpInfo->dwType))
        return done(s, RSM_E_INVALID_PARAMETER);
    rsm_session_release(s);
    NTMS_OBJECTINFORMATIONW *w = calloc(1, sizeof *w);
    if (!w)
        return rsm_api_ret(ERROR_NOT_ENOUGH_MEMORY);
    DWORD err = rsm_objinfo_a_to_w(lpInfo, w);
    if (err == ERROR_SUCCESS)
        err = SetNtmsObjectInformationW(hSession, lpObjectId, w);
    free(w);
    return rsm_api_ret(err);
}

static DWORD attr_get(HANDLE hSession, LPNTMS_GUID lpObjectId, const char *name, LPVOID data,
                      LPDWORD size)
{
    SESSION(s, hSession);
    if (!lpObjectId || !name || !size)
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpObjectId);
    uint32_t len = 0;
    rsm_rc rc = rsm_be_attr_get(s, &id, name, data, data ? *size : 0, &len);
    if (rc == RSM_OK || rc == RSM_E_INSUFFICIENT_BUFFER)
        *size = len; /* actual size, or the size needed */
    return done(s, rc);
}

static DWORD attr_set(HANDLE hSession, LPNTMS_GUID lpObjectId, const char *name, LPVOID data,
                      DWORD size)
{
    SESSION(s, hSession);
    if (!lpObjectId || !name)
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpObjectId);
    return done(s, rsm_be_attr_set(s, &id, name, data, size));
}

DWORD WINAPI GetNtmsObjectAttributeA(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                     LPCSTR lpAttributeName, LPVOID lpAttributeData,
                                     LPDWORD lpAttributeSize)
{
    (void)dwType; /* the object's own type governs ([RSMP]) */
    return attr_get(hSession, lpObjectId, lpAttributeName, lpAttributeData, lpAttributeSize);
}

DWORD WINAPI GetNtmsObjectAttributeW(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                     LPCWSTR lpAttributeName, LPVOID lpAttributeData,
                                     LPDWORD lpAttributeSize)
{
    (void)dwType;
    char *name = NULL;
    DWORD err = rsm_w_to_utf8dup(lpAttributeName, &name);
    if (err == ERROR_SUCCESS)
        err = attr_get(hSession, lpObjectId, name, lpAttributeData, lpAttributeSize);
    free(name);
    return rsm_api_ret(err);
}

DWORD WINAPI SetNtmsObjectAttributeA(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                     LPCSTR lpAttributeName, LPVOID lpAttributeData,
                                     DWORD dwAttributeSize)
{
    (void)dwType;
    return attr_set(hSession, lpObjectId, lpAttributeName, lpAttributeData, dwAttributeSize);
}

DWORD WINAPI SetNtmsObjectAttributeW(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                     LPCWSTR lpAttributeName, LPVOID lpAttributeData,
                                     DWORD AttributeSize)
{
    (void)dwType;
    char *name = NULL;
    DWORD err = rsm_w_to_utf8dup(lpAttributeName, &name);
    if (err == ERROR_SUCCESS)
        err = attr_set(hSession, lpObjectId, name, lpAttributeData, AttributeSize);
    free(name);
    return rsm_api_ret(err);
}

static DWORD enable(HANDLE hSession, DWORD dwType, LPNTMS_GUID lpObjectId, int on)
{
    SESSION(s, hSession);
    if (!lpObjectId)
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpObjectId);
    return done(s, rsm_be_object_enable(s, dwType, &id, on));
}

DWORD WINAPI EnableNtmsObject(HANDLE hSession, DWORD dwType, LPNTMS_GUID lpObjectId)
{
    return enable(hSession, dwType, lpObjectId, 1);
}

DWORD WINAPI DisableNtmsObject(HANDLE hSession, DWORD dwType, LPNTMS_GUID lpObjectId)
{
    return enable(hSession, dwType, lpObjectId, 0);
}

/* dwType must name the object's real type for the security calls. */
static rsm_rc check_type(struct rsm_session *s, const struct rsm_guid *id, DWORD type)
{
    /* only the type is looked at; rights are checked by the security call */
    return rsm_be_object_type(s, id, type);
}

DWORD WINAPI GetNtmsObjectSecurity(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                   SECURITY_INFORMATION RequestedInformation,
                                   PSECURITY_DESCRIPTOR lpSecurityDescriptor, DWORD nLength,
                                   LPDWORD lpnLengthNeeded)
{
    SESSION(s, hSession);
    if (!lpObjectId || !lpnLengthNeeded || (nLength && !lpSecurityDescriptor) || !type_ok(dwType))
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpObjectId);
    rsm_rc rc = check_type(s, &id, dwType);
    struct rsm_acl *acl = malloc(sizeof *acl);
    if (rc == RSM_OK && !acl)
        rc = RSM_E_NOMEM;
    if (rc == RSM_OK)
        rc = rsm_be_security_get(s, &id, acl);
    if (rc == RSM_OK) {
        uint32_t n = (RequestedInformation & DACL_SECURITY_INFORMATION) ? acl->n : 0;
        DWORD need = RSM_SD_SIZE(n);
        *lpnLengthNeeded = need;
        if (nLength < need) {
            rc = RSM_E_INSUFFICIENT_BUFFER;
        } else {
            SECURITY_DESCRIPTOR *sd = lpSecurityDescriptor;
            memset(sd, 0, need);
            sd->Revision = RSM_SD_REVISION;
            sd->Control = SE_SELF_RELATIVE | (n ? SE_DACL_PRESENT : 0);
            sd->Owner = (RequestedInformation & OWNER_SECURITY_INFORMATION) ? acl->owner : 0;
            sd->Group = (RequestedInformation & GROUP_SECURITY_INFORMATION) ? acl->group : 0;
            sd->AceCount = n;
            RSM_ACE *ace = RSM_SD_ACES(sd);
            for (uint32_t i = 0; i < n; i++) {
                ace[i].Kind = acl->ace[i].kind;
                ace[i].Id = acl->ace[i].id;
                ace[i].Mask = acl->ace[i].mask;
            }
        }
    }
    free(acl);
    return done(s, rc);
}

DWORD WINAPI SetNtmsObjectSecurity(HANDLE hSession, LPNTMS_GUID lpObjectId, DWORD dwType,
                                   SECURITY_INFORMATION SecurityInformation,
                                   PSECURITY_DESCRIPTOR lpSecurityDescriptor)
{
    SESSION(s, hSession);
    const SECURITY_DESCRIPTOR *sd = lpSecurityDescriptor;
    if (!lpObjectId || !sd || sd->Revision != RSM_SD_REVISION || !type_ok(dwType) ||
        sd->AceCount > RSM_ACL_MAX ||
        (SecurityInformation & ~(DWORD)(OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                        DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION)))
        return done(s, RSM_E_INVALID_PARAMETER);
    struct rsm_guid id;
    rsm_guid_from_api(&id, lpObjectId);
    rsm_rc rc = check_type(s, &id, dwType);
    struct rsm_acl *acl = calloc(1, sizeof *acl);
    if (rc == RSM_OK && !acl)
        rc = RSM_E_NOMEM;
    uint32_t what = SecurityInformation & 7u; /* SACL: accepted, nothing to store */
    if (rc == RSM_OK && what) {
        acl->owner = sd->Owner;
        acl->group = sd->Group;
        acl->n = sd->AceCount;
        const RSM_ACE *ace = RSM_SD_ACES(sd);
        for (uint32_t i = 0; i < acl->n; i++)
            acl->ace[i] = (struct rsm_ace){ace[i].Kind, ace[i].Id, ace[i].Mask};
        rc = rsm_be_security_set(s, &id, what, acl);
    }
    free(acl);
    return done(s, rc);
}
