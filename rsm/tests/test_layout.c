/* SPDX-License-Identifier: MIT
 * Structure layouts of ntmsapi.h, ntmsmli.h and wintypes.h:
 *  - every structure declares its fields in the Windows order (offsets increase along the
 *    lists of fields.h, without overlap), in both the A and the W variant;
 *  - the structures without WCHAR or pointers have exactly the sizes and offsets that the
 *    digest computed for MSVC (ntms-api.md §1.2), since only WCHAR differs on Linux;
 *  - the W variants are the A variants with wider characters (sane sizes);
 *  - every NTMS_OBJECTINFORMATION union member compiles under its Windows name.
 */
#include <ntmsapi.h>
#include <ntmsmli.h>

#include "rsm/tests/fields.h"
#include "rsm/tests/suites.h"

#include <stdio.h>

struct layout {
    const char *name;
    const size_t *off;  /* field offsets, in declaration order */
    const size_t *size; /* field sizes */
    size_t n;
    size_t struct_size;
};

#define OFF(T, f, k) offsetof(T, f),
#define SZ(T, f, k)  sizeof(((T *)0)->f),
#define LAYOUT(id, T, LIST)                                                                        \
    static const size_t id##_off[] = {LIST(OFF, T)};                                               \
    static const size_t id##_size[] = {LIST(SZ, T)};
#define ENTRY(id, T)                                                                               \
    {                                                                                              \
#T, id##_off, id##_size, sizeof id##_off / sizeof id##_off[0], sizeof(T)                   \
    }

LAYOUT(obj_a, NTMS_OBJECTINFORMATIONA, OBJINFO_HEADER_FIELDS)
LAYOUT(obj_w, NTMS_OBJECTINFORMATIONW, OBJINFO_HEADER_FIELDS)
LAYOUT(drive_a, NTMS_DRIVEINFORMATIONA, DRIVE_FIELDS)
LAYOUT(drive_w, NTMS_DRIVEINFORMATIONW, DRIVE_FIELDS)
LAYOUT(drivetype_a, NTMS_DRIVETYPEINFORMATIONA, DRIVETYPE_FIELDS)
LAYOUT(drivetype_w, NTMS_DRIVETYPEINFORMATIONW, DRIVETYPE_FIELDS)
LAYOUT(library, NTMS_LIBRARYINFORMATION, LIBRARY_FIELDS)
LAYOUT(changer_a, NTMS_CHANGERINFORMATIONA, CHANGER_FIELDS)
LAYOUT(changer_w, NTMS_CHANGERINFORMATIONW, CHANGER_FIELDS)
LAYOUT(changertype_a, NTMS_CHANGERTYPEINFORMATIONA, CHANGERTYPE_FIELDS)
LAYOUT(changertype_w, NTMS_CHANGERTYPEINFORMATIONW, CHANGERTYPE_FIELDS)
LAYOUT(slot, NTMS_STORAGESLOTINFORMATION, SLOT_FIELDS)
LAYOUT(door, NTMS_IEDOORINFORMATION, DOOR_FIELDS)
LAYOUT(port, NTMS_IEPORTINFORMATION, PORT_FIELDS)
LAYOUT(pmid_a, NTMS_PMIDINFORMATIONA, PMID_FIELDS)
LAYOUT(pmid_w, NTMS_PMIDINFORMATIONW, PMID_FIELDS)
LAYOUT(lmid, NTMS_LMIDINFORMATION, LMID_FIELDS)
LAYOUT(partition_a, NTMS_PARTITIONINFORMATIONA, PARTITION_FIELDS)
LAYOUT(partition_w, NTMS_PARTITIONINFORMATIONW, PARTITION_FIELDS)
LAYOUT(pool, NTMS_MEDIAPOOLINFORMATION, POOL_FIELDS)
LAYOUT(mediatype, NTMS_MEDIATYPEINFORMATION, MEDIATYPE_FIELDS)
LAYOUT(librequest_a, NTMS_LIBREQUESTINFORMATIONA, LIBREQUEST_FIELDS)
LAYOUT(librequest_w, NTMS_LIBREQUESTINFORMATIONW, LIBREQUEST_FIELDS)
LAYOUT(oprequest_a, NTMS_OPREQUESTINFORMATIONA, OPREQUEST_FIELDS)
LAYOUT(oprequest_w, NTMS_OPREQUESTINFORMATIONW, OPREQUEST_FIELDS)
LAYOUT(computer, NTMS_COMPUTERINFORMATION, COMPUTER_FIELDS)

/* The auxiliary and legacy structures, listed inline. */
/* clang-format off */
#define ASYNC_FIELDS(X, T) \
    X(T, OperationId, N) \
    X(T, EventId, N) \
    X(T, dwOperationType, N) \
    X(T, dwResult, N) \
    X(T, dwAsyncState, N) \
    X(T, hEvent, N) \
    X(T, bOnStateChange, N)
#define MOUNTINFO_FIELDS(X, T) \
    X(T, dwSize, N) \
    X(T, lpReserved, N)
#define ALLOCINFO_FIELDS(X, T) \
    X(T, dwSize, N) \
    X(T, lpReserved, N) \
    X(T, AllocatedFrom, N)
#define NOTIFY_FIELDS(X, T) \
    X(T, dwOperation, N) \
    X(T, ObjectId, N)
#define FSINFO_FIELDS(X, T) \
    X(T, FileSystemType, N) \
    X(T, VolumeName, N) \
    X(T, SerialNumber, N)
#define MLI_FIELDS(X, T) \
    X(T, LabelType, S) \
    X(T, LabelIDSize, N) \
    X(T, LabelID, N) \
    X(T, LabelAppDescr, S)
#define I1_PART_FIELDS(X, T) \
    X(T, PhysicalMedia, N) \
    X(T, LogicalMedia, N) \
    X(T, State, N) \
    X(T, Side, N) \
    X(T, dwOmidLabelIdLength, N) \
    X(T, OmidLabelId, N) \
    X(T, szOmidLabelType, S) \
    X(T, szOmidLabelInfo, S) \
    X(T, dwMountCount, N) \
    X(T, dwAllocateCount, N)
#define I1_OPREQ_FIELDS OPREQUEST_FIELDS
#define I1_PMID_FIELDS(X, T) \
    X(T, CurrentLibrary, N) \
    X(T, MediaPool, N) \
    X(T, Location, N) \
    X(T, LocationType, N) \
    X(T, MediaType, N) \
    X(T, HomeSlot, N) \
    X(T, szBarCode, S) \
    X(T, BarCodeState, N) \
    X(T, szSequenceNumber, S) \
    X(T, MediaState, N) \
    X(T, dwNumberOfPartitions, N)
#define I1_LIBREQ_FIELDS(X, T) \
    X(T, OperationCode, N) \
    X(T, OperationOption, N) \
    X(T, State, N) \
    X(T, PartitionId, N) \
    X(T, DriveId, N) \
    X(T, PhysMediaId, N) \
    X(T, Library, N) \
    X(T, SlotId, N) \
    X(T, TimeQueued, N) \
    X(T, TimeCompleted, N) \
    X(T, szApplication, S) \
    X(T, szUser, S) \
    X(T, szComputer, S)
#define I1_LIBRARY_FIELDS(X, T) \
    X(T, LibraryType, N) \
    X(T, CleanerSlot, N) \
    X(T, CleanerSlotDefault, N) \
    X(T, LibrarySupportsDriveCleaning, N) \
    X(T, BarCodeReaderInstalled, N) \
    X(T, InventoryMethod, N) \
    X(T, dwCleanerUsesRemaining, N) \
    X(T, FirstDriveNumber, N) \
    X(T, dwNumberOfDrives, N) \
    X(T, FirstSlotNumber, N) \
    X(T, dwNumberOfSlots, N) \
    X(T, FirstDoorNumber, N) \
    X(T, dwNumberOfDoors, N) \
    X(T, FirstPortNumber, N) \
    X(T, dwNumberOfPorts, N) \
    X(T, FirstChangerNumber, N) \
    X(T, dwNumberOfChangers, N) \
    X(T, dwNumberOfMedia, N) \
    X(T, dwNumberOfMediaTypes, N) \
    X(T, dwNumberOfLibRequests, N) \
    X(T, Reserved, N)

/* clang-format on */

LAYOUT(async, NTMS_ASYNC_IO, ASYNC_FIELDS)
LAYOUT(mountinfo, NTMS_MOUNT_INFORMATION, MOUNTINFO_FIELDS)
LAYOUT(allocinfo, NTMS_ALLOCATION_INFORMATION, ALLOCINFO_FIELDS)
LAYOUT(notify, NTMS_NOTIFICATIONINFORMATION, NOTIFY_FIELDS)
LAYOUT(fsinfo, NTMS_FILESYSTEM_INFO, FSINFO_FIELDS)
LAYOUT(mli, MediaLabelInfo, MLI_FIELDS)
LAYOUT(i1_obj_a, NTMS_I1_OBJECTINFORMATIONA, OBJINFO_HEADER_FIELDS)
LAYOUT(i1_obj_w, NTMS_I1_OBJECTINFORMATIONW, OBJINFO_HEADER_FIELDS)
LAYOUT(i1_part_a, NTMS_I1_PARTITIONINFORMATIONA, I1_PART_FIELDS)
LAYOUT(i1_part_w, NTMS_I1_PARTITIONINFORMATIONW, I1_PART_FIELDS)
LAYOUT(i1_opreq_a, NTMS_I1_OPREQUESTINFORMATIONA, I1_OPREQ_FIELDS)
LAYOUT(i1_opreq_w, NTMS_I1_OPREQUESTINFORMATIONW, I1_OPREQ_FIELDS)
LAYOUT(i1_pmid_a, NTMS_I1_PMIDINFORMATIONA, I1_PMID_FIELDS)
LAYOUT(i1_pmid_w, NTMS_I1_PMIDINFORMATIONW, I1_PMID_FIELDS)
LAYOUT(i1_libreq_a, NTMS_I1_LIBREQUESTINFORMATIONA, I1_LIBREQ_FIELDS)
LAYOUT(i1_libreq_w, NTMS_I1_LIBREQUESTINFORMATIONW, I1_LIBREQ_FIELDS)
LAYOUT(i1_library, NTMS_I1_LIBRARYINFORMATION, I1_LIBRARY_FIELDS)

static const struct layout layouts[] = {
    ENTRY(obj_a, NTMS_OBJECTINFORMATIONA),
    ENTRY(obj_w, NTMS_OBJECTINFORMATIONW),
    ENTRY(drive_a, NTMS_DRIVEINFORMATIONA),
    ENTRY(drive_w, NTMS_DRIVEINFORMATIONW),
    ENTRY(drivetype_a, NTMS_DRIVETYPEINFORMATIONA),
    ENTRY(drivetype_w, NTMS_DRIVETYPEINFORMATIONW),
    ENTRY(library, NTMS_LIBRARYINFORMATION),
    ENTRY(changer_a, NTMS_CHANGERINFORMATIONA),
    ENTRY(changer_w, NTMS_CHANGERINFORMATIONW),
    ENTRY(changertype_a, NTMS_CHANGERTYPEINFORMATIONA),
    ENTRY(changertype_w, NTMS_CHANGERTYPEINFORMATIONW),
    ENTRY(slot, NTMS_STORAGESLOTINFORMATION),
    ENTRY(door, NTMS_IEDOORINFORMATION),
    ENTRY(port, NTMS_IEPORTINFORMATION),
    ENTRY(pmid_a, NTMS_PMIDINFORMATIONA),
    ENTRY(pmid_w, NTMS_PMIDINFORMATIONW),
    ENTRY(lmid, NTMS_LMIDINFORMATION),
    ENTRY(partition_a, NTMS_PARTITIONINFORMATIONA),
    ENTRY(partition_w, NTMS_PARTITIONINFORMATIONW),
    ENTRY(pool, NTMS_MEDIAPOOLINFORMATION),
    ENTRY(mediatype, NTMS_MEDIATYPEINFORMATION),
    ENTRY(librequest_a, NTMS_LIBREQUESTINFORMATIONA),
    ENTRY(librequest_w, NTMS_LIBREQUESTINFORMATIONW),
    ENTRY(oprequest_a, NTMS_OPREQUESTINFORMATIONA),
    ENTRY(oprequest_w, NTMS_OPREQUESTINFORMATIONW),
    ENTRY(computer, NTMS_COMPUTERINFORMATION),
    ENTRY(async, NTMS_ASYNC_IO),
    ENTRY(mountinfo, NTMS_MOUNT_INFORMATION),
    ENTRY(allocinfo, NTMS_ALLOCATION_INFORMATION),
    ENTRY(notify, NTMS_NOTIFICATIONINFORMATION),
    ENTRY(fsinfo, NTMS_FILESYSTEM_INFO),
    ENTRY(mli, MediaLabelInfo),
    ENTRY(i1_obj_a, NTMS_I1_OBJECTINFORMATIONA),
    ENTRY(i1_obj_w, NTMS_I1_OBJECTINFORMATIONW),
    ENTRY(i1_part_a, NTMS_I1_PARTITIONINFORMATIONA),
    ENTRY(i1_part_w, NTMS_I1_PARTITIONINFORMATIONW),
    ENTRY(i1_opreq_a, NTMS_I1_OPREQUESTINFORMATIONA),
    ENTRY(i1_opreq_w, NTMS_I1_OPREQUESTINFORMATIONW),
    ENTRY(i1_pmid_a, NTMS_I1_PMIDINFORMATIONA),
    ENTRY(i1_pmid_w, NTMS_I1_PMIDINFORMATIONW),
    ENTRY(i1_libreq_a, NTMS_I1_LIBREQUESTINFORMATIONA),
    ENTRY(i1_libreq_w, NTMS_I1_LIBREQUESTINFORMATIONW),
    ENTRY(i1_library, NTMS_I1_LIBRARYINFORMATION),
};

static void test_fields_in_windows_order(void)
{
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        const struct layout *l = &layouts[i];
        int ok = l->off[0] == 0;
        for (size_t f = 1; f < l->n; f++)
            ok = ok && l->off[f - 1] + l->size[f - 1] <= l->off[f];
        ok = ok && l->off[l->n - 1] + l->size[l->n - 1] <= l->struct_size;
        if (!ok)
            fprintf(stderr, "%s: fields out of Windows order or overlapping\n", l->name);
        CU_ASSERT(ok);
    }
}

/* Sizes ntms-api.md §1.2 computed for MSVC. Identical on Linux for every structure with
 * no WCHAR; the pointer-holding ones match on LP64 (the Win64 column). */
static void test_char_and_plain_structs_have_windows_sizes(void)
{
    CU_ASSERT_EQUAL(sizeof(NTMS_OBJECTINFORMATIONA), 896);
    CU_ASSERT_EQUAL(sizeof(NTMS_PARTITIONINFORMATIONA), 640);
    CU_ASSERT_EQUAL(sizeof(NTMS_OPREQUESTINFORMATIONA), 512);
    CU_ASSERT_EQUAL(sizeof(NTMS_LIBREQUESTINFORMATIONA), 340);
    CU_ASSERT_EQUAL(sizeof(NTMS_DRIVEINFORMATIONA), 232);
    CU_ASSERT_EQUAL(sizeof(NTMS_PMIDINFORMATIONA), 216);
    CU_ASSERT_EQUAL(sizeof(NTMS_DRIVETYPEINFORMATIONA), 264);
    CU_ASSERT_EQUAL(sizeof(NTMS_CHANGERTYPEINFORMATIONA), 260);
    CU_ASSERT_EQUAL(sizeof(NTMS_CHANGERINFORMATIONA), 172);
    CU_ASSERT_EQUAL(sizeof(NTMS_LIBRARYINFORMATION), 128);
    CU_ASSERT_EQUAL(sizeof(NTMS_MEDIAPOOLINFORMATION), 60);
    CU_ASSERT_EQUAL(sizeof(NTMS_STORAGESLOTINFORMATION), 24);
    CU_ASSERT_EQUAL(sizeof(NTMS_IEDOORINFORMATION), 28);
    CU_ASSERT_EQUAL(sizeof(NTMS_IEPORTINFORMATION), 32);
    CU_ASSERT_EQUAL(sizeof(NTMS_LMIDINFORMATION), 20);
    CU_ASSERT_EQUAL(sizeof(NTMS_MEDIATYPEINFORMATION), 16);
    CU_ASSERT_EQUAL(sizeof(NTMS_COMPUTERINFORMATION), 20);
    CU_ASSERT_EQUAL(sizeof(NTMS_NOTIFICATIONINFORMATION), 20);
    if (sizeof(void *) == 8) {
        CU_ASSERT_EQUAL(sizeof(NTMS_MOUNT_INFORMATION), 16);
        CU_ASSERT_EQUAL(sizeof(NTMS_ALLOCATION_INFORMATION), 32);
        CU_ASSERT_EQUAL(sizeof(NTMS_ASYNC_IO), 64);
    } else {
        CU_ASSERT_EQUAL(sizeof(NTMS_MOUNT_INFORMATION), 8);
        CU_ASSERT_EQUAL(sizeof(NTMS_ALLOCATION_INFORMATION), 24);
        CU_ASSERT_EQUAL(sizeof(NTMS_ASYNC_IO), 52);
    }
}

static void test_windows_offsets(void)
{
    /* The common header (§1.2): equal in A and W up to szName. */
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONW, Created), 8);
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONW, Modified), 24);
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONW, ObjectGuid), 40);
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONW, Enabled), 56);
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONW, dwOperationalState), 60);
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONW, szName), 64);
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONA, szName), 64);
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONA, szDescription), 128);
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONA, Info), 256);
    /* The side's awkward padding (§1.2), A column; Capacity is 8-aligned. */
    CU_ASSERT_EQUAL(offsetof(NTMS_PARTITIONINFORMATIONA, State), 32);
    CU_ASSERT_EQUAL(offsetof(NTMS_PARTITIONINFORMATIONA, Side), 36);
    CU_ASSERT_EQUAL(offsetof(NTMS_PARTITIONINFORMATIONA, dwOmidLabelIdLength), 40);
    CU_ASSERT_EQUAL(offsetof(NTMS_PARTITIONINFORMATIONA, OmidLabelId), 44);
    CU_ASSERT_EQUAL(offsetof(NTMS_PARTITIONINFORMATIONA, szOmidLabelType), 299);
    CU_ASSERT_EQUAL(offsetof(NTMS_PARTITIONINFORMATIONA, Capacity) % 8, 0);
    CU_ASSERT_EQUAL(offsetof(NTMS_PARTITIONINFORMATIONW, Capacity) % 8, 0);
    CU_ASSERT_EQUAL(offsetof(NTMS_PARTITIONINFORMATIONW, OmidLabelId), 44);
}

/* W = A with 4-byte characters: every string grows by exactly 3 bytes per character and
 * nothing else changes, so the difference is bounded by the string fields plus padding. */
static void test_wide_structs_are_sane(void)
{
    CU_ASSERT_EQUAL(sizeof(WCHAR), sizeof(wchar_t));
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONW, szDescription),
                    64 + NTMS_OBJECTNAME_LENGTH * sizeof(WCHAR));
    CU_ASSERT(offsetof(NTMS_OBJECTINFORMATIONW, Info) >=
              offsetof(NTMS_OBJECTINFORMATIONW, szDescription) +
                  NTMS_DESCRIPTION_LENGTH * sizeof(WCHAR));
    CU_ASSERT(offsetof(NTMS_OBJECTINFORMATIONW, Info) % 8 == 0);
    size_t drive_chars = NTMS_DEVICENAME_LENGTH + NTMS_SERIALNUMBER_LENGTH + NTMS_REVISION_LENGTH;
    CU_ASSERT_EQUAL(sizeof(NTMS_DRIVEINFORMATIONW) - sizeof(NTMS_DRIVEINFORMATIONA),
                    drive_chars * (sizeof(WCHAR) - 1));
    size_t op_chars = NTMS_MESSAGE_LENGTH + 3 * 64;
    CU_ASSERT_EQUAL(sizeof(NTMS_OPREQUESTINFORMATIONW) - sizeof(NTMS_OPREQUESTINFORMATIONA),
                    op_chars * (sizeof(WCHAR) - 1));
    CU_ASSERT(sizeof(NTMS_OBJECTINFORMATIONW) > sizeof(NTMS_OBJECTINFORMATIONA));
    CU_ASSERT(sizeof(NTMS_OBJECTINFORMATIONW) < 4 * sizeof(NTMS_OBJECTINFORMATIONA));
    /* The legacy layouts are the current ones minus the fields added later. */
    CU_ASSERT(sizeof(NTMS_I1_OBJECTINFORMATIONW) < sizeof(NTMS_OBJECTINFORMATIONW));
    CU_ASSERT(sizeof(NTMS_I1_LIBRARYINFORMATION) + 8 == sizeof(NTMS_LIBRARYINFORMATION));
    CU_ASSERT_EQUAL(sizeof(((NTMS_I1_OPREQUESTINFORMATIONA *)0)->szMessage), 127);
}

/* Every union member under its Windows name, at the start of Info, selected by dwType. */
static void test_union_members_by_windows_name(void)
{
    NTMS_OBJECTINFORMATIONW w;
    NTMS_OBJECTINFORMATIONA a;
#define MEMBER(m, type, TA, TW, LIST)                                                              \
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONW, Info.m),                                     \
                    offsetof(NTMS_OBJECTINFORMATIONW, Info));                                      \
    CU_ASSERT_EQUAL(offsetof(NTMS_OBJECTINFORMATIONA, Info.m),                                     \
                    offsetof(NTMS_OBJECTINFORMATIONA, Info));                                      \
    CU_ASSERT_EQUAL(sizeof w.Info.m, sizeof(TW));                                                  \
    CU_ASSERT_EQUAL(sizeof a.Info.m, sizeof(TA));
    OBJINFO_UNION(MEMBER)
#undef MEMBER
    /* The members a Windows sample touches, spelled out. */
    w.Info.MediaPool.dwNumberOfPhysicalMedia = 3;
    w.Info.Drive.dwMountCount = 4;
    w.Info.PhysicalMedia.szBarCode[0] = L'A';
    w.Info.Partition.Capacity.QuadPart = 5;
    CU_ASSERT_EQUAL(w.Info.Partition.Capacity.LowPart, 5);
    CU_ASSERT(sizeof(w.Info) >= sizeof(NTMS_PARTITIONINFORMATIONW));
    CU_ASSERT(sizeof(w.Info) >= sizeof(NTMS_OPREQUESTINFORMATIONW));
}

static void test_windows_base_types(void)
{
    CU_ASSERT_EQUAL(sizeof(DWORD), 4);
    CU_ASSERT_EQUAL(sizeof(WORD), 2);
    CU_ASSERT_EQUAL(sizeof(BYTE), 1);
    CU_ASSERT_EQUAL(sizeof(BOOL), 4);
    CU_ASSERT_EQUAL(sizeof(LONG), 4);
    CU_ASSERT((DWORD)-1 > 0); /* unsigned */
    CU_ASSERT_EQUAL(sizeof(GUID), 16);
    CU_ASSERT_EQUAL(offsetof(GUID, Data4), 8);
    CU_ASSERT_EQUAL(sizeof(SYSTEMTIME), 16);
    CU_ASSERT_EQUAL(offsetof(SYSTEMTIME, wMilliseconds), 14);
    CU_ASSERT_EQUAL(sizeof(LARGE_INTEGER), 8);
    CU_ASSERT_EQUAL(_Alignof(LARGE_INTEGER), 8);
    CU_ASSERT_EQUAL(_Alignof(ULARGE_INTEGER), 8);
    LARGE_INTEGER li;
    li.QuadPart = 0x0000000500000007LL;
    CU_ASSERT_EQUAL(li.LowPart, 7);
    CU_ASSERT_EQUAL(li.HighPart, 5);
    CU_ASSERT_EQUAL(li.u.LowPart, 7);
    ULARGE_INTEGER ul;
    ul.QuadPart = 0xFFFFFFFF00000001ULL;
    CU_ASSERT_EQUAL(ul.HighPart, 0xFFFFFFFFu);
    CU_ASSERT(_Generic((WCHAR)0, wchar_t : 1, default : 0));
    CU_ASSERT(_Generic((LPCWSTR)0, const wchar_t * : 1, default : 0));
}

static void test_null_guid_and_guid_equality(void)
{
    GUID null = NTMS_NULLGUID;
    CU_ASSERT(NTMS_IS_NULLGUID(null));
    for (int byte = 0; byte < 16; byte++) { /* any single non-zero byte makes it non-null */
        GUID g = NTMS_NULLGUID;
        ((unsigned char *)&g)[byte] = 0x40;
        CU_ASSERT_FALSE(NTMS_IS_NULLGUID(g));
        CU_ASSERT_FALSE(IsEqualGUID(&g, &null));
    }
    GUID a = {0x12345678, 0x9abc, 0xdef0, {1, 2, 3, 4, 5, 6, 7, 8}}, b = a;
    CU_ASSERT(IsEqualGUID(&a, &b));
    b.Data4[7] = 9;
    CU_ASSERT_FALSE(IsEqualGUID(&a, &b));
}

/* The POSIX descriptor form (wintypes.h): a 16-byte header followed by 12-byte entries. */
static void test_posix_security_descriptor_layout(void)
{
    CU_ASSERT_EQUAL(sizeof(SECURITY_DESCRIPTOR), 16);
    CU_ASSERT_EQUAL(offsetof(SECURITY_DESCRIPTOR, Control), 2);
    CU_ASSERT_EQUAL(offsetof(SECURITY_DESCRIPTOR, Owner), 4);
    CU_ASSERT_EQUAL(offsetof(SECURITY_DESCRIPTOR, Group), 8);
    CU_ASSERT_EQUAL(offsetof(SECURITY_DESCRIPTOR, AceCount), 12);
    CU_ASSERT_EQUAL(sizeof(RSM_ACE), 12);
    CU_ASSERT_EQUAL(RSM_SD_SIZE(0), 16);
    CU_ASSERT_EQUAL(RSM_SD_SIZE(3), 52);
    DWORD buf[RSM_SD_SIZE(2) / sizeof(DWORD)];
    PSECURITY_DESCRIPTOR sd = buf; /* an opaque buffer, as Windows applications use it */
    CU_ASSERT_PTR_EQUAL((char *)RSM_SD_ACES(sd), (char *)buf + 16);
    RSM_SD_ACES(sd)[1].Mask = NTMS_GENERIC_ALL | WRITE_DAC;
    CU_ASSERT_EQUAL(buf[4 + 3 + 2], NTMS_GENERIC_ALL | WRITE_DAC);
    SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
    CU_ASSERT_PTR_EQUAL(sa.lpSecurityDescriptor, sd);
}

static CU_TestInfo layout_tests[] = {
    {"fields_in_windows_order", test_fields_in_windows_order},
    {"char_and_plain_structs_have_windows_sizes", test_char_and_plain_structs_have_windows_sizes},
    {"windows_offsets", test_windows_offsets},
    {"wide_structs_are_sane", test_wide_structs_are_sane},
    {"union_members_by_windows_name", test_union_members_by_windows_name},
    {"windows_base_types", test_windows_base_types},
    {"null_guid_and_guid_equality", test_null_guid_and_guid_equality},
    {"posix_security_descriptor_layout", test_posix_security_descriptor_layout},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_layout_suites[] = {
    {"layout", NULL, NULL, NULL, NULL, layout_tests},
    CU_SUITE_INFO_NULL,
};
