/* SPDX-License-Identifier: MIT
 * The NTMS object model as the engine sees it: object types, states and policies with the
 * numeric values of ntmsapi.h (ntms-api.md §1.4; rsm/api checks they agree at compile
 * time), and struct rsm_objinfo, the engine's form of NTMS_OBJECTINFORMATION.
 *
 * Strings are UTF-8 in the engine. The size limits below are in bytes and allow four bytes
 * per character of the NTMS limits, so any name the W API accepts fits; the API truncates
 * to the NTMS character limits when it converts.
 */
#ifndef RSM_ENGINE_MODEL_H
#define RSM_ENGINE_MODEL_H

#include <stdint.h>

#include "rsm/engine/guid.h"

enum rsm_otype {
    RSM_OT_UNKNOWN = 0,
    RSM_OT_OBJECT = 1,
    RSM_OT_CHANGER = 2,
    RSM_OT_CHANGER_TYPE = 3,
    RSM_OT_COMPUTER = 4,
    RSM_OT_DRIVE = 5,
    RSM_OT_DRIVE_TYPE = 6,
    RSM_OT_IEDOOR = 7,
    RSM_OT_IEPORT = 8,
    RSM_OT_LIBRARY = 9,
    RSM_OT_LIBREQUEST = 10,
    RSM_OT_LOGICAL_MEDIA = 11,
    RSM_OT_MEDIA_POOL = 12,
    RSM_OT_MEDIA_TYPE = 13,
    RSM_OT_PARTITION = 14,
    RSM_OT_PHYSICAL_MEDIA = 15,
    RSM_OT_STORAGESLOT = 16,
    RSM_OT_OPREQUEST = 17,
    RSM_OT_COUNT = 19,
};

enum { RSM_OPSTATE_READY = 0, RSM_OPSTATE_NOT_PRESENT = 21 };

enum rsm_media_state { /* NtmsMediaState */
                       RSM_MEDIASTATE_IDLE = 0,
                       RSM_MEDIASTATE_INUSE = 1,
                       RSM_MEDIASTATE_MOUNTED = 2,
                       RSM_MEDIASTATE_LOADED = 3,
                       RSM_MEDIASTATE_UNLOADED = 4,
                       RSM_MEDIASTATE_OPERROR = 5,
                       RSM_MEDIASTATE_OPREQ = 6,
};

enum rsm_part_state { /* NtmsPartitionState */
                      RSM_PART_UNKNOWN = 0,
                      RSM_PART_UNPREPARED = 1,
                      RSM_PART_INCOMPATIBLE = 2,
                      RSM_PART_DECOMMISSIONED = 3,
                      RSM_PART_AVAILABLE = 4,
                      RSM_PART_ALLOCATED = 5,
                      RSM_PART_COMPLETE = 6,
                      RSM_PART_FOREIGN = 7,
                      RSM_PART_IMPORT = 8,
                      RSM_PART_RESERVED = 9,
};

enum rsm_pool_type {
    RSM_POOL_UNKNOWN = 0,
    RSM_POOL_SCRATCH = 1, /* "Free" */
    RSM_POOL_FOREIGN = 2, /* "Unrecognized" */
    RSM_POOL_IMPORT = 3,
    RSM_POOL_APPLICATION = 1000,
};

enum { RSM_LIB_UNKNOWN = 0, RSM_LIB_OFFLINE = 1, RSM_LIB_ONLINE = 2, RSM_LIB_STANDALONE = 3 };
enum { RSM_LIBFLAG_FIXEDOFFLINE = 0x01 };
enum { RSM_BARCODE_OK = 1, RSM_BARCODE_UNREADABLE = 2 };
enum { RSM_SLOT_FULL = 1, RSM_SLOT_EMPTY = 2 };
enum { RSM_ALLOCATE_FROMSCRATCH = 1, RSM_DEALLOCATE_TOSCRATCH = 1 };
enum { RSM_ALLOC_NEW = 0x1, RSM_ALLOC_NEXT = 0x2, RSM_ALLOC_ERROR_IF_UNAVAILABLE = 0x4 };
enum { RSM_OPEN_EXISTING = 1, RSM_CREATE_NEW = 2, RSM_OPEN_ALWAYS = 3 };
enum { RSM_ERROR_ON_DUPLICATE = 0x1 };
enum { RSM_ENUM_ROOTPOOL = 0x1 };
enum { RSM_OPREQ_NEWMEDIA = 1 };
enum { RSM_OPSTATE_SUBMITTED = 1, RSM_OPSTATE_REFUSED = 4, RSM_OPSTATE_COMPLETE = 5 };

/* Access rights (NtmsAccessMask + the standard rights carried in descriptors). */
#define RSM_USE_ACCESS     0x1u
#define RSM_MODIFY_ACCESS  0x2u
#define RSM_CONTROL_ACCESS 0x4u
#define RSM_READ_CONTROL   0x00020000u
#define RSM_WRITE_DAC      0x00040000u
#define RSM_ALL_ACCESS                                                                             \
    (RSM_USE_ACCESS | RSM_MODIFY_ACCESS | RSM_CONTROL_ACCESS | RSM_READ_CONTROL | RSM_WRITE_DAC)

/* String capacities in bytes (UTF-8, NUL included). */
#define RSM_NAME_CAP      (64 * 4)
#define RSM_DESCR_CAP     (127 * 4)
#define RSM_DEVNAME_CAP   (64 * 4)
#define RSM_SERIAL_CAP    (32 * 4)
#define RSM_VENDOR_CAP    (128 * 4)
#define RSM_BARCODE_CAP   (64 * 4)
#define RSM_SEQ_CAP       (32 * 4)
#define RSM_OMIDTYPE_CAP  (64 * 4)
#define RSM_OMIDINFO_CAP  (256 * 4)
#define RSM_OMID_MAX      255 /* NTMS_OMIDLABELID_LENGTH */
#define RSM_APPNAME_CAP   (64 * 4)
#define RSM_MESSAGE_CAP   (256 * 4)
#define RSM_ATTR_NAME_MAX 31      /* characters, NUL excluded (NTMS_MAXATTR_NAMELEN - 1) */
#define RSM_ATTR_DATA_MAX 0xFFFFu /* bytes: sizes >= NTMS_MAXATTR_LENGTH are refused */
#define RSM_POOLPATH_CAP  (512 * 4)

struct rsm_scsi_addr {
    uint16_t port, bus, target, lun;
};

/* One object, all types. `type` selects the member of `u`. Times are ms since the epoch,
 * UTC. Fields marked (w) are the writable ones of SetNtmsObjectInformation. */
struct rsm_objinfo {
    uint32_t type;
    int64_t created_ms, modified_ms;
    struct rsm_guid guid;
    int enabled;
    uint32_t opstate;
    char name[RSM_NAME_CAP];
    char descr[RSM_DESCR_CAP]; /* (w) for every type */
    union {
        struct {
            uint32_t number, state;
            struct rsm_guid drive_type;
            char devname[RSM_DEVNAME_CAP], serial[RSM_SERIAL_CAP], revision[RSM_SERIAL_CAP];
            struct rsm_scsi_addr scsi;
            uint32_t mount_count;
            int64_t last_cleaned_ms;
            struct rsm_guid saved_partition, library;
            uint32_t defer_dismount_delay; /* (w) */
        } drive;
        struct {
            char vendor[RSM_VENDOR_CAP], product[RSM_VENDOR_CAP];
            uint32_t heads, device_type;
        } drive_type;
        struct {
            uint32_t library_type;
            struct rsm_guid cleaner_slot, cleaner_slot_default;
            int supports_drive_cleaning, barcode_reader;
            uint32_t inventory_method;       /* (w) */
            uint32_t cleaner_uses_remaining; /* (w) */
            uint32_t first_drive, n_drives, first_slot, n_slots, first_door, n_doors;
            uint32_t first_port, n_ports, first_changer, n_changers;
            uint32_t n_media, n_media_types, n_requests;
            int autorecovery; /* (w) */
            uint32_t flags;   /* (w) */
        } library;
        struct {
            uint32_t number;
            struct rsm_guid changer_type;
            char serial[RSM_SERIAL_CAP], revision[RSM_SERIAL_CAP], devname[RSM_DEVNAME_CAP];
            struct rsm_scsi_addr scsi;
            struct rsm_guid library;
        } changer;
        struct {
            char vendor[RSM_VENDOR_CAP], product[RSM_VENDOR_CAP];
            uint32_t device_type;
        } changer_type;
        struct {
            uint32_t number, state;
            struct rsm_guid library;
        } slot;
        struct {
            uint32_t number, state;
            uint16_t max_open_secs; /* (w) */
            struct rsm_guid library;
        } door;
        struct {
            uint32_t number, content, position;
            uint16_t max_extend_secs; /* (w) */
            struct rsm_guid library;
        } port;
        struct {
            struct rsm_guid library, pool, location;
            uint32_t location_type;
            struct rsm_guid media_type, home_slot;
            char barcode[RSM_BARCODE_CAP];
            uint32_t barcode_state;
            char seqno[RSM_SEQ_CAP];
            uint32_t state, n_sides, media_type_code, density_code;
            struct rsm_guid mounted_side;
        } pmedia;
        struct {
            struct rsm_guid pool;
            uint32_t n_sides;
        } lmedia;
        struct {
            struct rsm_guid pmedia, lmedia;
            uint32_t state;
            uint16_t side;
            uint32_t omid_len;
            uint8_t omid[RSM_OMID_MAX];
            char omid_type[RSM_OMIDTYPE_CAP], omid_info[RSM_OMIDINFO_CAP];
            uint32_t mount_count, allocate_count;
            int64_t capacity;
        } side;
        struct {
            uint32_t pool_type;
            struct rsm_guid media_type, parent;
            uint32_t alloc_policy, dealloc_policy, max_allocates; /* (w) */
            uint32_t n_pmedia, n_lmedia, n_pools;
        } pool;
        struct {
            uint32_t code, sides, rw, device_type;
        } media_type;
        struct {
            uint32_t op, option, state;
            struct rsm_guid side, drive, pmedia, library, slot;
            int64_t queued_ms, completed_ms;
            char app[RSM_APPNAME_CAP], user[RSM_APPNAME_CAP], computer[RSM_APPNAME_CAP];
            uint32_t error;
            struct rsm_guid work_item;
            uint32_t priority;
        } libreq;
        struct {
            uint32_t request;
            int64_t submitted_ms;
            uint32_t state;
            char message[RSM_MESSAGE_CAP];
            uint32_t arg1_type;
            struct rsm_guid arg1;
            uint32_t arg2_type;
            struct rsm_guid arg2;
            char app[RSM_APPNAME_CAP], user[RSM_APPNAME_CAP], computer[RSM_APPNAME_CAP];
        } opreq;
        struct {
            uint32_t lr_purge_secs, or_purge_secs, lr_flags, or_flags, pool_policy; /* (w) */
        } computer;
    } u;
};

#endif
