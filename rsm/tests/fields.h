/* SPDX-License-Identifier: MIT
 * Field lists of the NTMS structures, in the Windows declaration order (ntms-api.md §1.3,
 * checked against the public-domain mingw-w64 ntmsapi.h), for the layout and conversion
 * tests. Each list, given a structure type T, calls X(T, field, kind) per field; kind is N (copied
 * as is) or S (a TCHAR string, converted between A and W). Written independently of ntmsapi.h so
 * that a field moved, dropped or renamed there makes a test fail.
 */
#ifndef OPENRSM_RSM_TESTS_FIELDS_H
#define OPENRSM_RSM_TESTS_FIELDS_H

#define OBJINFO_HEADER_FIELDS(X, T)                                                                \
    X(T, dwSize, N)                                                                                \
    X(T, dwType, N)                                                                                \
    X(T, Created, N)                                                                               \
    X(T, Modified, N)                                                                              \
    X(T, ObjectGuid, N)                                                                            \
    X(T, Enabled, N)                                                                               \
    X(T, dwOperationalState, N)                                                                    \
    X(T, szName, S)                                                                                \
    X(T, szDescription, S)                                                                         \
    X(T, Info, N)

#define DRIVE_FIELDS(X, T)                                                                         \
    X(T, Number, N)                                                                                \
    X(T, State, N)                                                                                 \
    X(T, DriveType, N)                                                                             \
    X(T, szDeviceName, S)                                                                          \
    X(T, szSerialNumber, S)                                                                        \
    X(T, szRevision, S)                                                                            \
    X(T, ScsiPort, N)                                                                              \
    X(T, ScsiBus, N)                                                                               \
    X(T, ScsiTarget, N)                                                                            \
    X(T, ScsiLun, N)                                                                               \
    X(T, dwMountCount, N)                                                                          \
    X(T, LastCleanedTs, N)                                                                         \
    X(T, SavedPartitionId, N)                                                                      \
    X(T, Library, N)                                                                               \
    X(T, Reserved, N)                                                                              \
    X(T, dwDeferDismountDelay, N)

#define DRIVETYPE_FIELDS(X, T)                                                                     \
    X(T, szVendor, S)                                                                              \
    X(T, szProduct, S)                                                                             \
    X(T, NumberOfHeads, N)                                                                         \
    X(T, DeviceType, N)

#define LIBRARY_FIELDS(X, T)                                                                       \
    X(T, LibraryType, N)                                                                           \
    X(T, CleanerSlot, N)                                                                           \
    X(T, CleanerSlotDefault, N)                                                                    \
    X(T, LibrarySupportsDriveCleaning, N)                                                          \
    X(T, BarCodeReaderInstalled, N)                                                                \
    X(T, InventoryMethod, N)                                                                       \
    X(T, dwCleanerUsesRemaining, N)                                                                \
    X(T, FirstDriveNumber, N)                                                                      \
    X(T, dwNumberOfDrives, N)                                                                      \
    X(T, FirstSlotNumber, N)                                                                       \
    X(T, dwNumberOfSlots, N)                                                                       \
    X(T, FirstDoorNumber, N)                                                                       \
    X(T, dwNumberOfDoors, N)                                                                       \
    X(T, FirstPortNumber, N)                                                                       \
    X(T, dwNumberOfPorts, N)                                                                       \
    X(T, FirstChangerNumber, N)                                                                    \
    X(T, dwNumberOfChangers, N)                                                                    \
    X(T, dwNumberOfMedia, N)                                                                       \
    X(T, dwNumberOfMediaTypes, N)                                                                  \
    X(T, dwNumberOfLibRequests, N)                                                                 \
    X(T, Reserved, N)                                                                              \
    X(T, AutoRecovery, N)                                                                          \
    X(T, dwFlags, N)

#define CHANGER_FIELDS(X, T)                                                                       \
    X(T, Number, N)                                                                                \
    X(T, ChangerType, N)                                                                           \
    X(T, szSerialNumber, S)                                                                        \
    X(T, szRevision, S)                                                                            \
    X(T, szDeviceName, S)                                                                          \
    X(T, ScsiPort, N)                                                                              \
    X(T, ScsiBus, N)                                                                               \
    X(T, ScsiTarget, N)                                                                            \
    X(T, ScsiLun, N)                                                                               \
    X(T, Library, N)

#define CHANGERTYPE_FIELDS(X, T)                                                                   \
    X(T, szVendor, S)                                                                              \
    X(T, szProduct, S)                                                                             \
    X(T, DeviceType, N)

#define SLOT_FIELDS(X, T)                                                                          \
    X(T, Number, N)                                                                                \
    X(T, State, N)                                                                                 \
    X(T, Library, N)

#define DOOR_FIELDS(X, T)                                                                          \
    X(T, Number, N)                                                                                \
    X(T, State, N)                                                                                 \
    X(T, MaxOpenSecs, N)                                                                           \
    X(T, Library, N)

#define PORT_FIELDS(X, T)                                                                          \
    X(T, Number, N)                                                                                \
    X(T, Content, N)                                                                               \
    X(T, Position, N)                                                                              \
    X(T, MaxExtendSecs, N)                                                                         \
    X(T, Library, N)

#define PMID_FIELDS(X, T)                                                                          \
    X(T, CurrentLibrary, N)                                                                        \
    X(T, MediaPool, N)                                                                             \
    X(T, Location, N)                                                                              \
    X(T, LocationType, N)                                                                          \
    X(T, MediaType, N)                                                                             \
    X(T, HomeSlot, N)                                                                              \
    X(T, szBarCode, S)                                                                             \
    X(T, BarCodeState, N)                                                                          \
    X(T, szSequenceNumber, S)                                                                      \
    X(T, MediaState, N)                                                                            \
    X(T, dwNumberOfPartitions, N)                                                                  \
    X(T, dwMediaTypeCode, N)                                                                       \
    X(T, dwDensityCode, N)                                                                         \
    X(T, MountedPartition, N)

#define LMID_FIELDS(X, T)                                                                          \
    X(T, MediaPool, N)                                                                             \
    X(T, dwNumberOfPartitions, N)

#define PARTITION_FIELDS(X, T)                                                                     \
    X(T, PhysicalMedia, N)                                                                         \
    X(T, LogicalMedia, N)                                                                          \
    X(T, State, N)                                                                                 \
    X(T, Side, N)                                                                                  \
    X(T, dwOmidLabelIdLength, N)                                                                   \
    X(T, OmidLabelId, N)                                                                           \
    X(T, szOmidLabelType, S)                                                                       \
    X(T, szOmidLabelInfo, S)                                                                       \
    X(T, dwMountCount, N)                                                                          \
    X(T, dwAllocateCount, N)                                                                       \
    X(T, Capacity, N)

#define POOL_FIELDS(X, T)                                                                          \
    X(T, PoolType, N)                                                                              \
    X(T, MediaType, N)                                                                             \
    X(T, Parent, N)                                                                                \
    X(T, AllocationPolicy, N)                                                                      \
    X(T, DeallocationPolicy, N)                                                                    \
    X(T, dwMaxAllocates, N)                                                                        \
    X(T, dwNumberOfPhysicalMedia, N)                                                               \
    X(T, dwNumberOfLogicalMedia, N)                                                                \
    X(T, dwNumberOfMediaPools, N)

#define MEDIATYPE_FIELDS(X, T)                                                                     \
    X(T, MediaType, N)                                                                             \
    X(T, NumberOfSides, N)                                                                         \
    X(T, ReadWriteCharacteristics, N)                                                              \
    X(T, DeviceType, N)

#define LIBREQUEST_FIELDS(X, T)                                                                    \
    X(T, OperationCode, N)                                                                         \
    X(T, OperationOption, N)                                                                       \
    X(T, State, N)                                                                                 \
    X(T, PartitionId, N)                                                                           \
    X(T, DriveId, N)                                                                               \
    X(T, PhysMediaId, N)                                                                           \
    X(T, Library, N)                                                                               \
    X(T, SlotId, N)                                                                                \
    X(T, TimeQueued, N)                                                                            \
    X(T, TimeCompleted, N)                                                                         \
    X(T, szApplication, S)                                                                         \
    X(T, szUser, S)                                                                                \
    X(T, szComputer, S)                                                                            \
    X(T, dwErrorCode, N)                                                                           \
    X(T, WorkItemId, N)                                                                            \
    X(T, dwPriority, N)

#define OPREQUEST_FIELDS(X, T)                                                                     \
    X(T, Request, N)                                                                               \
    X(T, Submitted, N)                                                                             \
    X(T, State, N)                                                                                 \
    X(T, szMessage, S)                                                                             \
    X(T, Arg1Type, N)                                                                              \
    X(T, Arg1, N)                                                                                  \
    X(T, Arg2Type, N)                                                                              \
    X(T, Arg2, N)                                                                                  \
    X(T, szApplication, S)                                                                         \
    X(T, szUser, S)                                                                                \
    X(T, szComputer, S)

#define COMPUTER_FIELDS(X, T)                                                                      \
    X(T, dwLibRequestPurgeTime, N)                                                                 \
    X(T, dwOpRequestPurgeTime, N)                                                                  \
    X(T, dwLibRequestFlags, N)                                                                     \
    X(T, dwOpRequestFlags, N)                                                                      \
    X(T, dwMediaPoolPolicy, N)

/* The union members of NTMS_OBJECTINFORMATION in header order, with the object type that
 * selects each one and its field list: U(member, dwType, A struct, W struct, FIELDS). */
#define OBJINFO_UNION(U)                                                                           \
    U(Drive, NTMS_DRIVE, NTMS_DRIVEINFORMATIONA, NTMS_DRIVEINFORMATIONW, DRIVE_FIELDS)             \
    U(DriveType, NTMS_DRIVE_TYPE, NTMS_DRIVETYPEINFORMATIONA, NTMS_DRIVETYPEINFORMATIONW,          \
      DRIVETYPE_FIELDS)                                                                            \
    U(Library, NTMS_LIBRARY, NTMS_LIBRARYINFORMATION, NTMS_LIBRARYINFORMATION, LIBRARY_FIELDS)     \
    U(Changer, NTMS_CHANGER, NTMS_CHANGERINFORMATIONA, NTMS_CHANGERINFORMATIONW, CHANGER_FIELDS)   \
    U(ChangerType, NTMS_CHANGER_TYPE, NTMS_CHANGERTYPEINFORMATIONA, NTMS_CHANGERTYPEINFORMATIONW,  \
      CHANGERTYPE_FIELDS)                                                                          \
    U(StorageSlot, NTMS_STORAGESLOT, NTMS_STORAGESLOTINFORMATION, NTMS_STORAGESLOTINFORMATION,     \
      SLOT_FIELDS)                                                                                 \
    U(IEDoor, NTMS_IEDOOR, NTMS_IEDOORINFORMATION, NTMS_IEDOORINFORMATION, DOOR_FIELDS)            \
    U(IEPort, NTMS_IEPORT, NTMS_IEPORTINFORMATION, NTMS_IEPORTINFORMATION, PORT_FIELDS)            \
    U(PhysicalMedia, NTMS_PHYSICAL_MEDIA, NTMS_PMIDINFORMATIONA, NTMS_PMIDINFORMATIONW,            \
      PMID_FIELDS)                                                                                 \
    U(LogicalMedia, NTMS_LOGICAL_MEDIA, NTMS_LMIDINFORMATION, NTMS_LMIDINFORMATION, LMID_FIELDS)   \
    U(Partition, NTMS_PARTITION, NTMS_PARTITIONINFORMATIONA, NTMS_PARTITIONINFORMATIONW,           \
      PARTITION_FIELDS)                                                                            \
    U(MediaPool, NTMS_MEDIA_POOL, NTMS_MEDIAPOOLINFORMATION, NTMS_MEDIAPOOLINFORMATION,            \
      POOL_FIELDS)                                                                                 \
    U(MediaType, NTMS_MEDIA_TYPE, NTMS_MEDIATYPEINFORMATION, NTMS_MEDIATYPEINFORMATION,            \
      MEDIATYPE_FIELDS)                                                                            \
    U(LibRequest, NTMS_LIBREQUEST, NTMS_LIBREQUESTINFORMATIONA, NTMS_LIBREQUESTINFORMATIONW,       \
      LIBREQUEST_FIELDS)                                                                           \
    U(OpRequest, NTMS_OPREQUEST, NTMS_OPREQUESTINFORMATIONA, NTMS_OPREQUESTINFORMATIONW,           \
      OPREQUEST_FIELDS)                                                                            \
    U(Computer, NTMS_COMPUTER, NTMS_COMPUTERINFORMATION, NTMS_COMPUTERINFORMATION, COMPUTER_FIELDS)

#endif
