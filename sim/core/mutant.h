/* SPDX-License-Identifier: MIT
 * sim/core/mutant.h - mutants: named, deliberately wrong behaviours of the simulator, one
 * per conformance check (conformance/, rsm-conform), so that every check can be shown to
 * fail on a device that gets its subject wrong.
 *
 * A mutant is off unless switched on: by the library config (`mutants: [ID, ...]`,
 * sim/README.md), by the in-process transport (`sim:?mutant=ID[,ID...]`), or with
 * vtl_mutant_set(). Each one is a single `if (vtl_mut(lib, VTL_MUT_X))` at the spot in
 * sim/target or sim/drive that would hold the bug, so a library without mutants pays a
 * bit test at those spots and nothing else.
 *
 * VTL_MUTANTS below is the one table: enum suffix, mutant id (what configs and URIs
 * name), the rsm-conform check it is meant to fail, and what it does wrong.
 * conformance/tests/test_mutants.c runs every row against its check.
 *
 * Threads: like library.h (the library's event-loop thread).
 */
#ifndef OPENRSM_SIM_CORE_MUTANT_H
#define OPENRSM_SIM_CORE_MUTANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/library.h"

/* X(enum suffix, "MUTANT-ID", "CHECK-ID", "what goes wrong") */
#define VTL_MUTANTS(X)                                                                             \
    /* ---- SPC on the changer (sim/target/spc.c, target.c, pr.c) ---- */                          \
    X(INQ_FORMAT, "INQ-RESPONSE-FORMAT-1", "SPC-INQ-001",                                          \
      "standard INQUIRY reports RESPONSE DATA FORMAT 1 (SCSI-1 CCS)")                              \
    X(INQ_ALLOC0_ERROR, "INQ-ALLOC0-REFUSED", "SPC-INQ-002",                                       \
      "INQUIRY with ALLOCATION LENGTH 0 is refused with 24/00")                                    \
    X(INQ_SHORT_EMPTY, "INQ-SHORT-ALLOC-EMPTY", "SPC-INQ-003",                                     \
      "INQUIRY with an ALLOCATION LENGTH below 5 transfers nothing")                               \
    X(INQ_ADDLEN_TRUNC, "INQ-ADDLEN-TRUNCATED", "SPC-INQ-004",                                     \
      "INQUIRY ADDITIONAL LENGTH describes the truncated data, not the whole")                     \
    X(INQ_36_REVISION, "INQ-36-OTHER-REVISION", "SPC-INQ-005",                                     \
      "a 36-byte INQUIRY gets another PRODUCT REVISION LEVEL than the full data")                  \
    X(INQ_ADDLEN_BIG, "INQ-ADDLEN-TOO-BIG", "SPC-INQ-006",                                         \
      "standard INQUIRY ADDITIONAL LENGTH announces 10 bytes more than sent")                      \
    X(INQ_VENDOR_NUL, "INQ-VENDOR-NUL-PADDED", "SPC-INQ-007",                                      \
      "T10 VENDOR IDENTIFICATION padded with NUL bytes instead of spaces")                         \
    X(VPD00_UNSORTED, "VPD00-UNSORTED", "SPC-VPD-001",                                             \
      "VPD 00h lists its pages out of ascending order")                                            \
    X(VPD_PDT, "VPD-WRONG-PDT", "SPC-VPD-002",                                                     \
      "VPD pages carry PERIPHERAL DEVICE TYPE 00h instead of 08h")                                 \
    X(VPD80_BLANK, "VPD80-BLANK-SERIAL", "SPC-VPD-003", "VPD 80h serial number is all spaces")     \
    X(VPD83_NO_NAA, "VPD83-NO-NAA", "SPC-VPD-004",                                                 \
      "VPD 83h has no NAA designator, only the T10 vendor one")                                    \
    X(VPD_PER_NEXUS, "VPD83-PER-NEXUS", "SPC-VPD-005",                                             \
      "the NAA designator of VPD 83h differs from one I_T nexus to another")                       \
    X(VPD_OTHER_PAGE, "VPD-UNSUPPORTED-AS-00", "SPC-VPD-006",                                      \
      "an unsupported VPD page is answered GOOD with page 00h")                                    \
    X(VPD_PAGELEN_TRUNC, "VPD-PAGELEN-TRUNCATED", "SPC-VPD-007",                                   \
      "VPD PAGE LENGTH describes the truncated data")                                              \
    X(LUNS_LEN_COUNT, "LUNS-LENGTH-IN-ENTRIES", "SPC-LUNS-001",                                    \
      "REPORT LUNS LUN LIST LENGTH counts entries instead of bytes")                               \
    X(LUNS_LEN_TRUNC, "LUNS-LENGTH-TRUNCATED", "SPC-LUNS-002",                                     \
      "REPORT LUNS LUN LIST LENGTH describes the truncated list")                                  \
    X(DRV_NO_REPORT_LUNS, "DRIVE-NO-REPORT-LUNS", "SPC-LUNS-003",                                  \
      "drive LUNs answer REPORT LUNS with 20/00")                                                  \
    X(RSOC_NO_MOVE, "RSOC-WITHOUT-MOVE-MEDIUM", "SPC-RSOC-001",                                    \
      "REPORT SUPPORTED OPERATION CODES leaves MOVE MEDIUM (A5h) out")                             \
    X(RSOC_NO_LOG_SENSE, "RSOC-WITHOUT-LOG-SENSE", "SPC-RSOC-002",                                 \
      "REPORT SUPPORTED OPERATION CODES leaves LOG SENSE (4Dh) out, which is accepted")            \
    X(RSOC_ONE_USAGE, "RSOC-ONE-USAGE-BYTE0", "SPC-RSOC-003",                                      \
      "one-command RSOC: CDB USAGE DATA byte 0 is not the operation code")                         \
    X(RSOC_ONE_UNSUP, "RSOC-ONE-UNSUPPORTED-AS-0", "SPC-RSOC-004",                                 \
      "one-command RSOC: SUPPORT 000b for an unsupported opcode instead of 001b")                  \
    X(RSOC_RCTD_IGNORED, "RSOC-RCTD-IGNORED", "SPC-RSOC-005",                                      \
      "RCTD=1 is ignored: descriptors come without CTDP and timeouts")                             \
    X(TUR_NOT_READY, "TUR-NOT-READY", "SPC-TUR-001",                                               \
      "TEST UNIT READY answers NOT READY 04/00 on a ready changer")                                \
    X(RQS_STALE, "RQS-STALE-24-00", "SPC-RQS-001",                                                 \
      "REQUEST SENSE with nothing pending reports ILLEGAL REQUEST 24/00")                          \
    X(UA_NONE_AT_LOGIN, "UA-NONE-AT-LOGIN", "SPC-UA-001",                                          \
      "a new I_T nexus gets no 29/00 unit attention")                                              \
    X(UA_CLEARED_BY_INQUIRY, "UA-CLEARED-BY-INQUIRY", "SPC-UA-002",                                \
      "INQUIRY clears the pending unit attention")                                                 \
    X(UA_BLOCKS_LUNS, "UA-BLOCKS-REPORT-LUNS", "SPC-UA-003",                                       \
      "REPORT LUNS is answered with the pending unit attention")                                   \
    X(UA_RQS_KEEPS, "UA-KEPT-BY-REQUEST-SENSE", "SPC-UA-004",                                      \
      "REQUEST SENSE reports the unit attention but leaves it pending")                            \
    X(ERR_OPCODE_24, "OPCODE-AS-24-00", "SPC-ERR-001",                                             \
      "an unsupported operation code is answered 24/00 instead of 20/00")                          \
    X(ERR_RESERVED_26, "RESERVED-BIT-AS-26-00", "SPC-ERR-002",                                     \
      "CDB fields the decoder refuses (a reserved bit...) are answered 26/00, not 24/00")          \
    X(SENSE_NO_SKSV, "SENSE-NO-FIELD-POINTER", "SPC-ERR-003",                                      \
      "ILLEGAL REQUEST sense never carries a field pointer (SKSV=0)")                              \
    X(NACA_PTR, "NACA-POINTER-BYTE-0", "SPC-ERR-004",                                              \
      "NACA=1 refused with a field pointer at byte 0 instead of the CONTROL byte")                 \
    X(MODE_PAGE_PTR, "MODE-PAGE-POINTER-BYTE-3", "SPC-ERR-005",                                    \
      "an unsupported mode page is refused pointing at byte 3 instead of 2")                       \
    X(LOG_PAGE_AS_00, "LOG-UNSUPPORTED-AS-00", "SPC-ERR-006",                                      \
      "an unsupported log page is answered GOOD with page 00h")                                    \
    X(SA_PTR, "SERVICE-ACTION-POINTER-BYTE-2", "SPC-ERR-007",                                      \
      "an unsupported service action is refused pointing at byte 2 instead of 1")                  \
    X(SENSE_DESC_ALWAYS, "SENSE-ALWAYS-DESCRIPTOR", "SPC-ERR-008",                                 \
      "sense data in descriptor format although D_SENSE is 0")                                     \
    X(RESERVE_IGNORED, "RESERVE-NOT-ENFORCED", "SPC-RES-001",                                      \
      "RESERVE(6) is accepted but other nexuses never get RESERVATION CONFLICT")                   \
    X(RELEASE_ANY, "RELEASE-BY-ANY-NEXUS", "SPC-RES-002",                                          \
      "RELEASE(6) from a nexus that holds nothing releases the reservation")                       \
    X(RESERVE_BLOCKS_INQUIRY, "RESERVE-BLOCKS-INQUIRY", "SPC-RES-003",                             \
      "INQUIRY from another nexus gets RESERVATION CONFLICT")                                      \
    X(PR_KEYS_LEN, "PR-KEYS-LENGTH-ODD", "SPC-PR-001",                                             \
      "READ KEYS ADDITIONAL LENGTH is not a multiple of 8")                                        \
    X(PR_CAPS_LEN, "PR-CAPS-LENGTH-6", "SPC-PR-002", "REPORT CAPABILITIES LENGTH is 6, not 8")     \
    X(PR_NOT_ENFORCED, "PR-NOT-ENFORCED", "SPC-PR-003",                                            \
      "persistent reservations never cause RESERVATION CONFLICT")                                  \
    /* ---- SMC on the changer (sim/target/spc.c mode pages, smc.c, target.c) ---- */              \
    X(MODE_BD_4, "MODE6-BLOCK-DESCRIPTOR-4", "SMC-MODE-001",                                       \
      "MODE SENSE(6) with DBD=0 returns a 4-byte block descriptor")                                \
    X(MODE_DBD_IGNORED, "MODE-DBD-IGNORED", "SMC-MODE-002",                                        \
      "MODE SENSE with DBD=1 still returns an 8-byte block descriptor")                            \
    X(EAA_TEN_DIFFERS, "EAA-MODE10-DIFFERS", "SMC-MODE-003",                                       \
      "page 1Dh through MODE SENSE(10) reports one storage element fewer")                         \
    X(EAA_COUNT, "SMC-MODE-1D-COUNT", "SMC-MODE-004",                                              \
      "page 1Dh reports one storage element more than READ ELEMENT STATUS has")                    \
    X(EAA_OVERLAP, "EAA-RANGES-OVERLAP", "SMC-MODE-005",                                           \
      "page 1Dh places the import/export range on top of the storage range")                       \
    X(DEVCAP_NO_STORST, "DEVCAP-NO-STORST", "SMC-MODE-006",                                        \
      "page 1Fh clears StorST although there are storage elements")                                \
    X(GEOM_COUNT, "GEOMETRY-EXTRA-DESCRIPTOR", "SMC-MODE-007",                                     \
      "page 1Eh has one transport descriptor more than there are transports")                      \
    X(MODE_ALL_NO_1F, "MODE-ALL-WITHOUT-1F", "SMC-MODE-008",                                       \
      "MODE SENSE of all pages (3Fh) leaves page 1Fh out")                                         \
    X(MODE_LEN_TRUNC, "MODE-DATA-LENGTH-TRUNCATED", "SMC-MODE-009",                                \
      "MODE DATA LENGTH describes the truncated data")                                             \
    X(RES_FIRST_ADDR, "RES-FIRST-ADDRESS-WRONG", "SMC-RES-001",                                    \
      "READ ELEMENT STATUS FIRST ELEMENT ADDRESS REPORTED is one too high")                        \
    X(RES_TYPE_IGNORED, "RES-TYPE-FILTER-IGNORED", "SMC-RES-002",                                  \
      "READ ELEMENT STATUS ignores ELEMENT TYPE CODE and reports every type")                      \
    X(RES_VOLTAG_IGNORED, "RES-VOLTAG-IGNORED", "SMC-RES-003",                                     \
      "VolTag=1 is ignored: no PVOLTAG, no volume tags")                                           \
    X(RES_PVOLTAG_ALWAYS, "RES-PVOLTAG-ALWAYS", "SMC-RES-004",                                     \
      "volume tags (PVOLTAG) are reported with VolTag=0 too")                                      \
    X(DVCID_GARBLED, "DVCID-SERIAL-GARBLED", "SMC-RES-005",                                        \
      "the DVCID identifier of each drive has its last character changed")                         \
    X(DVCID_VOLTAG_DROPS, "DVCID-DROPS-VOLTAG", "SMC-RES-006",                                     \
      "with DVCID=1 the data transfer page drops the volume tags asked for")                       \
    X(RES_COUNT_CLIP, "RES-BYTE-COUNT-CLIPPED", "SMC-RES-007",                                     \
      "READ ELEMENT STATUS byte counts describe the truncated data")                               \
    X(RES_HDR_ZERO, "RES-HEADER-ONLY-EMPTY", "SMC-RES-008",                                        \
      "an 8-byte READ ELEMENT STATUS reports 0 elements and 0 bytes available")                    \
    X(RES_SINGLE_FIRST, "RES-SINGLE-FROM-TYPE-START", "SMC-RES-009",                               \
      "a one-element READ ELEMENT STATUS ignores STARTING ELEMENT ADDRESS")                        \
    X(RES_START_IGNORED, "RES-START-IGNORED", "SMC-RES-010",                                       \
      "READ ELEMENT STATUS of several elements ignores STARTING ELEMENT ADDRESS")                  \
    X(RES_COUNT_IGNORED, "RES-NUMBER-IGNORED", "SMC-RES-011",                                      \
      "READ ELEMENT STATUS ignores NUMBER OF ELEMENTS above 1")                                    \
    X(RES_CURDATA_DIFFERS, "RES-CURDATA-NO-VOLTAG", "SMC-RES-012",                                 \
      "CURDATA=1 reports without the volume tags asked for")                                       \
    X(RES_ST_IENAB, "RES-STORAGE-INENAB", "SMC-RES-013",                                           \
      "storage elements report INENAB/EXENAB, defined only for import/export")                     \
    X(RES_BADTYPE_PTR, "RES-RESERVED-TYPE-POINTER-BYTE-2", "SMC-RES-014",                          \
      "a reserved ELEMENT TYPE CODE is refused pointing at byte 2 instead of 1")                   \
    X(RES_FULL_NOT_READY, "RES-FULL-INVENTORY-NOT-READY", "SMC-RES-015",                           \
      "a READ ELEMENT STATUS of all types without DVCID answers NOT READY 04/01")                  \
    X(IES_LOSES_LABEL, "IES-LOSES-A-LABEL", "SMC-IES-001",                                         \
      "INITIALIZE ELEMENT STATUS loses the label of the first cartridge in storage")               \
    X(IES_RANGE_REFUSED, "IES-RANGE-REFUSED", "SMC-IES-002 SMC-IES-003",                           \
      "INITIALIZE ELEMENT STATUS WITH RANGE (37h or E7h) refuses a valid range with 21/01")        \
    X(MOVE_ST_ST_NOOP, "MOVE-ST-ST-NOOP", "SMC-MOVE-001",                                          \
      "MOVE MEDIUM storage -> storage answers GOOD and moves nothing")                             \
    X(MOVE_ST_IE_NOOP, "MOVE-ST-IE-NOOP", "SMC-MOVE-002",                                          \
      "MOVE MEDIUM storage -> import/export answers GOOD and moves nothing")                       \
    X(MOVE_ST_DT_NOOP, "MOVE-ST-DT-NOOP", "SMC-MOVE-003",                                          \
      "MOVE MEDIUM storage -> drive answers GOOD and moves nothing")                               \
    X(MOVE_IE_ST_NOOP, "MOVE-IE-ST-NOOP", "SMC-MOVE-004",                                          \
      "MOVE MEDIUM import/export -> storage answers GOOD and moves nothing")                       \
    X(MOVE_IE_IE_NOOP, "MOVE-IE-IE-NOOP", "SMC-MOVE-005",                                          \
      "MOVE MEDIUM import/export -> import/export answers GOOD and moves nothing")                 \
    X(MOVE_IE_DT_NOOP, "MOVE-IE-DT-NOOP", "SMC-MOVE-006",                                          \
      "MOVE MEDIUM import/export -> drive answers GOOD and moves nothing")                         \
    X(MOVE_DT_ST_NOOP, "MOVE-DT-ST-NOOP", "SMC-MOVE-007",                                          \
      "MOVE MEDIUM drive -> storage answers GOOD and moves nothing")                               \
    X(MOVE_DT_IE_NOOP, "MOVE-DT-IE-NOOP", "SMC-MOVE-008",                                          \
      "MOVE MEDIUM drive -> import/export answers GOOD and moves nothing")                         \
    X(MOVE_DT_DT_NOOP, "MOVE-DT-DT-NOOP", "SMC-MOVE-009",                                          \
      "MOVE MEDIUM drive -> drive answers GOOD and moves nothing")                                 \
    X(DEVCAP_FORBIDS_ST_ST, "DEVCAP-FORBIDS-ST-ST-YET-MOVES", "SMC-MOVE-010",                      \
      "page 1Fh forbids storage -> storage moves, MOVE MEDIUM performs them")                      \
    X(MOVE_EMPTY_SRC_ASC, "MOVE-EMPTY-SOURCE-AS-3A", "SMC-MOVE-011",                               \
      "a move from an empty element is answered 3A/00 instead of 3B/0E")                           \
    X(MOVE_FULL_DST_ASC, "MOVE-FULL-DESTINATION-AS-3B0E", "SMC-MOVE-012",                          \
      "a move to a full element is answered 3B/0E instead of 3B/0D")                               \
    X(MOVE_BAD_SRC_ASC, "MOVE-BAD-SOURCE-AS-EMPTY", "SMC-MOVE-013",                                \
      "an unassigned source address is answered 3B/0E instead of 21/01")                           \
    X(MOVE_BAD_DST_ASC, "MOVE-BAD-DESTINATION-AS-FULL", "SMC-MOVE-014",                            \
      "an unassigned destination address is answered 3B/0D instead of 21/01")                      \
    X(MOVE_ANY_TRANSPORT, "MOVE-ANY-TRANSPORT-ADDRESS", "SMC-MOVE-015",                            \
      "a TRANSPORT ELEMENT ADDRESS of another element type is taken as the default transport")     \
    X(MOVE_MT0_REFUSED, "MOVE-TRANSPORT-0-REFUSED", "SMC-MOVE-016",                                \
      "TRANSPORT ELEMENT ADDRESS 0 is refused with 21/01")                                         \
    X(MOVE_INVERT_IGNORED, "MOVE-INVERT-IGNORED", "SMC-MOVE-017",                                  \
      "INVERT=1 is ignored and the move is made")                                                  \
    X(MOVE_IGNORES_PREVENT, "MOVE-IGNORES-DRIVE-PREVENT", "SMC-MOVE-018",                          \
      "a cartridge is taken out of a drive whose removal is prevented")                            \
    X(MOVE_NO_SVALID, "MOVE-NO-SVALID", "SMC-MOVE-019", "moved cartridges report SVALID=0")        \
    X(MOVE_THREADED_HW, "MOVE-THREADED-DRIVE-HW-ERROR", "SMC-MOVE-020",                            \
      "a move out of a full drive fails HARDWARE ERROR 15/01")                                     \
    X(XCHG_NOOP, "EXCHANGE-NOOP", "SMC-XCHG-001",                                                  \
      "EXCHANGE MEDIUM answers GOOD and moves nothing")                                            \
    X(XCHG_BAD_ADDR_ASC, "EXCHANGE-BAD-ADDRESS-AS-FULL", "SMC-XCHG-002",                           \
      "EXCHANGE MEDIUM to an unassigned address is answered 3B/0D instead of 21/01")               \
    X(POS_REFUSED, "POSITION-REFUSED", "SMC-POS-001",                                              \
      "POSITION TO ELEMENT refuses every element with 21/01")                                      \
    X(POS_BAD_GOOD, "POSITION-BAD-ADDRESS-GOOD", "SMC-POS-002",                                    \
      "POSITION TO ELEMENT to an unassigned address answers GOOD")                                 \
    X(SVT_NO_MATCH, "VOLTAG-TRANSLATE-FINDS-NOTHING", "SMC-VTAG-001",                              \
      "REQUEST VOLUME ELEMENT ADDRESS reports no element after a translate")                       \
    X(IE_NO_ENABLE, "IE-NO-INENAB-EXENAB", "SMC-IE-001",                                           \
      "import/export elements report neither INENAB nor EXENAB")                                   \
    X(PREVENT_REFUSED, "PREVENT-REFUSED", "SMC-IE-002",                                            \
      "PREVENT ALLOW MEDIUM REMOVAL with PREVENT=1 answers NOT READY 04/03")                       \
    X(PREVENT_RESERVED_OK, "PREVENT-RESERVED-ACCEPTED", "SMC-IE-003",                              \
      "PREVENT=10b (reserved) is accepted")                                                        \
    X(IE_CLOSE_REFUSED, "IE-CLOSE-SEQUENCE-ERROR", "SMC-IE-004",                                   \
      "CLOSE IMPORT/EXPORT ELEMENT of a closed mail slot answers 2C/00")                           \
    X(LOG00_UNSORTED, "LOG00-UNSORTED", "SMC-LOG-001",                                             \
      "the changer's supported log pages are listed out of order")                                 \
    /* ---- SSC on the drive LUNs (sim/drive) ---- */                                              \
    X(DRV_RMB0, "DRIVE-RMB-0", "SSC-INQ-001", "drive INQUIRY reports RMB=0")                       \
    X(DRV_SERIAL_MISMATCH, "DRIVE-SERIAL-MISMATCH", "SSC-MAP-001",                                 \
      "drive VPD 80h serial differs from the changer's DVCID identifier")                          \
    X(DRV_VPD_B1_AS_B0, "DRIVE-VPD-B1-AS-B0", "SSC-VPD-001",                                       \
      "drive VPD B1h is answered with page code B0h")                                              \
    X(DRV_B4_WRONG, "DRIVE-VPD-B4-WRONG", "SSC-VPD-002",                                           \
      "drive VPD B4h names the element after its own")                                             \
    X(DRV_EMPTY_04, "DRIVE-EMPTY-AS-04-00", "SSC-TUR-001",                                         \
      "an empty drive answers NOT READY 04/00 instead of 3A/xx")                                   \
    X(DRV_RBL_INVERTED, "DRIVE-BLOCK-LIMITS-INVERTED", "SSC-RBL-001",                              \
      "READ BLOCK LIMITS reports a maximum of 512 below a minimum of 1024")                        \
    X(DRV_NO_BLOCK_DESC, "DRIVE-NO-BLOCK-DESCRIPTOR", "SSC-MODE-001",                              \
      "drive MODE SENSE(6) with DBD=0 returns no block descriptor")                                \
    X(DRV_DENSITY_UNNAMED, "DRIVE-DENSITY-UNNAMED", "SSC-DEN-001",                                 \
      "REPORT DENSITY SUPPORT descriptors carry no DENSITY NAME")                                  \
    X(DRV_COMP_DCC0, "DRIVE-COMPRESSION-DCC-0", "SSC-MODE-002",                                    \
      "data compression page: DCE=1 with DCC=0")                                                   \
    X(DRV_LOG_NO_2E, "DRIVE-LOG-WITHOUT-2E", "SSC-LOG-001",                                        \
      "drive LOG SENSE 00h does not list TapeAlert 2Eh")                                           \
    X(DRV_TA_SHORT, "DRIVE-TAPEALERT-32-FLAGS", "SSC-TA-001",                                      \
      "drive TapeAlert page carries 32 flags instead of 64")                                       \
    X(DRV_TA_UNSUPPORTED, "DRIVE-TAPEALERT-FLAG-NOT-IN-B2", "SSC-TA-002",                          \
      "TapeAlert flag 40h is active although VPD B2h does not list it")                            \
    X(DRV_RP_NO_BOP, "DRIVE-POSITION-NO-BOP", "SSC-DATA-001", "READ POSITION never sets BOP")      \
    X(DRV_READ_CORRUPT, "DRIVE-READ-CORRUPTS", "SSC-DATA-002",                                     \
      "READ returns records with their first byte changed")                                        \
    X(DRV_ILI_POS_NO_INFO, "DRIVE-ILI-SHORT-RECORD-NO-INFO", "SSC-DATA-004",                       \
      "a record shorter than asked for gives ILI without INFORMATION (VALID=0)")                   \
    X(DRV_ILI_NEG_SIGN, "DRIVE-ILI-LONG-RECORD-POSITIVE", "SSC-DATA-003",                          \
      "a record longer than asked for gives a positive residue")                                   \
    X(DRV_FIXED_AS_BYTES, "DRIVE-FIXED-COUNT-AS-BYTES", "SSC-DATA-005",                            \
      "WRITE/READ with FIXED=1 take TRANSFER LENGTH as bytes")                                     \
    X(DRV_FM_NO_FLAG, "DRIVE-FILEMARK-BIT-MISSING", "SSC-DATA-006",                                \
      "reading a filemark reports 00/01 without the FILEMARK bit")                                 \
    X(DRV_SPACE_FM_SHORT, "DRIVE-SPACE-FILEMARK-STOPS-BEFORE", "SSC-DATA-007",                     \
      "SPACE filemarks forward stops before the filemark")                                         \
    X(DRV_SPACE_RESID, "DRIVE-SPACE-RESIDUE-DONE", "SSC-DATA-008",                                 \
      "SPACE blocks over a filemark reports the blocks spaced as residue")                         \
    X(DRV_EOD_MEDIUM, "DRIVE-EOD-AS-MEDIUM-ERROR", "SSC-DATA-009",                                 \
      "READ at end of data is answered MEDIUM ERROR 11/00")                                        \
    X(DRV_RP_OFF_BY_ONE, "DRIVE-POSITION-OFF-BY-ONE", "SSC-DATA-010",                              \
      "READ POSITION short form reports one object past the position (away from BOP)")             \
    X(DRV_RP_LONG_FILE, "DRIVE-POSITION-LONG-FILE-0", "SSC-DATA-011",                              \
      "READ POSITION long form reports LOGICAL FILE IDENTIFIER one too low")                       \
    X(DRV_LOCATE10_OFF, "DRIVE-LOCATE10-ONE-PAST", "SSC-DATA-012",                                 \
      "LOCATE(10) goes one object past the one asked for")                                         \
    X(DRV_LOCATE16_OFF, "DRIVE-LOCATE16-ONE-BEFORE", "SSC-DATA-015",                               \
      "LOCATE(16) stops one object before the one asked for")                                      \
    X(DRV_RP_EXT_LEN, "DRIVE-POSITION-EXT-LENGTH", "SSC-DATA-016",                                 \
      "READ POSITION extended form reports ADDITIONAL LENGTH 18h instead of 1Ch")                  \
    X(DRV_REWIND_NOOP, "DRIVE-REWIND-NOOP", "SSC-DATA-013",                                        \
      "REWIND answers GOOD and leaves the position where it was")                                  \
    X(DRV_MAM_UNSORTED, "DRIVE-MAM-LIST-UNSORTED", "SSC-MAM-001",                                  \
      "READ ATTRIBUTE supported attributes are listed out of order")                               \
    X(DRV_MAM_BAD_LEN, "DRIVE-MAM-ATTRIBUTE-LENGTH", "SSC-MAM-002",                                \
      "the last MAM attribute's LENGTH runs past AVAILABLE DATA")                                  \
    X(DRV_MAM_AVAIL_TRUNC, "DRIVE-MAM-AVAILABLE-TRUNCATED", "SSC-MAM-003",                         \
      "READ ATTRIBUTE AVAILABLE DATA describes the truncated data")                                \
    X(DRV_UNLOAD_STAYS, "DRIVE-UNLOAD-STAYS-READY", "SSC-DATA-014",                                \
      "UNLOAD answers GOOD and the drive stays ready")

enum vtl_mutant {
    VTL_MUT_NONE = 0,
#define VTL_MUT_ENUM(name, id, check, what) VTL_MUT_##name,
    VTL_MUTANTS(VTL_MUT_ENUM)
#undef VTL_MUT_ENUM
        VTL_MUT_COUNT
};

/* Words of the mutant bit set kept in struct vtl_config (bit n = enum value n). */
#define VTL_MUT_WORDS ((VTL_MUT_COUNT + 63) / 64)

struct vtl_mutant_info {
    enum vtl_mutant m;
    const char *id;    /* "SMC-MODE-1D-COUNT" */
    const char *check; /* check id(s) it targets, space separated: "SMC-MODE-004" */
    const char *what;  /* the misbehaviour, one line */
};

/* The table, in enum order without VTL_MUT_NONE; *@n gets its length. Static storage. */
const struct vtl_mutant_info *vtl_mutant_table(size_t *n);
/* Row by id (case-insensitive), or NULL. */
const struct vtl_mutant_info *vtl_mutant_find(const char *id);

/* Switches @m on or off in @lib. VTL_E_INVAL for VTL_MUT_NONE or an out-of-range value. */
enum vtl_rc vtl_mutant_set(struct vtl_library *lib, enum vtl_mutant m, bool on);
/* Switches on every mutant of a comma-separated list of ids ("A,B"). On an unknown id,
 * VTL_E_INVAL with "unknown mutant 'X'" in @err, and nothing is switched on. */
enum vtl_rc vtl_mutant_set_list(struct vtl_library *lib, const char *ids, char *err,
                                size_t err_cap);
/* Whether @m is on in @lib. */
bool vtl_mutant_on(const struct vtl_library *lib, enum vtl_mutant m);
/* Sets bit @m in @set (VTL_MUT_WORDS words): what config loading does per listed id. */
void vtl_mutant_bit_set(uint64_t *set, enum vtl_mutant m, bool on);

#endif
