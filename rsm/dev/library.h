/* SPDX-License-Identifier: MIT
 * rsm/dev/library.h - library discovery, inventory snapshots and the mount/dismount
 * sequences, built on changer.h and drive.h.
 *
 * Discovery (README.md "Discovery and mapping"): from a device URI, open the changer (or,
 * if the URI names a tape drive, a standalone one-drive library); find its drives - for
 * sim: and iscsi:// the same target's other LUNs through REPORT LUNS, for sg: (or when
 * given) the drive URIs the caller lists; then map each data transfer element to a drive
 * by the DVCID identifier READ ELEMENT STATUS reports against each drive's VPD 80h serial
 * (or its 83h designators). Only a changer that reports no identifiers at all gets drives
 * mapped by the LU VALID LUN, and failing that by order, and such mappings are flagged.
 *
 * The snapshot (struct rsm_dev_lib) is plain data the engine reads to call devreg.h:
 * identity, layout, every element with barcode/media/flags, the drives with serial,
 * element, LUN and URI, and the media types seen. It is refreshed by
 * rsm_dev_lib_inventory(); mount and dismount keep it current for the elements they move.
 * The name is not struct rsm_dev_library: rsm/engine/devreg.h owns that one.
 *
 * Ownership: the handle owns the changer and drive handles and their transports (except
 * those given to rsm_dev_lib_open_xports(), which stay the caller's). One thread at a time,
 * except the drive halves of mount and dismount (below), which touch one drive's handle.
 */
#ifndef OPENRSM_RSM_DEV_LIBRARY_H
#define OPENRSM_RSM_DEV_LIBRARY_H

#include "rsm/dev/changer.h"
#include "rsm/dev/drive.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a drive was tied to its data transfer element. */
enum rsm_dev_map {
    RSM_DEV_MAP_NONE = 0,   /* no element found for this drive                          */
    RSM_DEV_MAP_DVCID,      /* the element's DVCID identifier names the drive: certain   */
    RSM_DEV_MAP_LUN,        /* no DVCID; the element's LU VALID LUN equals the drive's   */
    RSM_DEV_MAP_ORDER,      /* no identifiers at all: n-th drive LUN = n-th element (a
                             * guess the engine should show the operator)              */
    RSM_DEV_MAP_STANDALONE, /* a drive with no changer                                  */
};
const char *rsm_dev_map_name(enum rsm_dev_map m);

#define RSM_DEV_URI_CAP 512
struct rsm_dev_drive {
    struct rsm_dev_ident ident; /* serial = VPD 80h */
    char uri[RSM_DEV_URI_CAP];
    int lun;            /* -1 when not known (sg:) */
    uint16_t elem_addr; /* its DT element; 0 when map is NONE or STANDALONE */
    enum rsm_dev_map map;
    struct rsm_drv *drv; /* owned by the library handle */
};

/* A media type seen in the library, named from the barcode's LTO suffix ("LTO8",
 * "LTO6W" WORM, "LTO7M8"), "CLEANER" for cleaning media, else "UNKNOWN". */
struct rsm_dev_mtype {
    char name[16];
    uint8_t medium; /* enum t10_medium_type as the changer reported it */
    unsigned count;
};
#define RSM_DEV_MTYPES_MAX 16

struct rsm_dev_lib {
    char uri[RSM_DEV_URI_CAP];
    bool standalone;
    struct rsm_dev_ident ident;   /* the changer's (the drive's when standalone) */
    struct rsm_chg_layout layout; /* zero when standalone */
    struct rsm_chg_caps caps;
    struct rsm_chg_status elems; /* every element, address order (empty when standalone) */
    bool voltag;                 /* barcodes were read (the changer accepted VolTag) */
    size_t n_drives;
    struct rsm_dev_drive *drives;
    size_t n_mtypes;
    struct rsm_dev_mtype mtypes[RSM_DEV_MTYPES_MAX];
    unsigned n_cartridges; /* full ST, IE and DT elements */
    struct rsm_chg *chg;   /* owned; NULL when standalone */
    uint32_t events;       /* accumulated; see rsm_dev_lib_events() */
};

/* rsm_dev_lib_open() - discover the library at @uri.
 * @drive_uris, @n_drive_uris: the drives to consider (required for sg:, optional
 *   otherwise; when given, no REPORT LUNS discovery is done).
 * Runs a fast inventory with DVCID to map the drives. *@out owned
 * (rsm_dev_lib_close()), NULL on failure. TRANSPORT if @uri cannot be opened; the
 * changer's open result otherwise (WRONG_TYPE if it is neither changer nor drive). A
 * drive LUN that does not answer as a tape drive is skipped, not an error. */
enum rsm_dev_rc rsm_dev_lib_open(const char *uri, const char *const *drive_uris,
                                 size_t n_drive_uris, const struct rsm_dev_opts *opts,
                                 struct rsm_dev_lib **out);
/* Same over transports the caller opened and keeps (borrowed; they must outlive the
 * handle): @chg_xp the changer (or a drive: standalone), @drv_xps its drives. */
enum rsm_dev_rc rsm_dev_lib_open_xports(struct xport *chg_xp, struct xport *const *drv_xps,
                                        size_t n_drv, const struct rsm_dev_opts *opts,
                                        struct rsm_dev_lib **out);
void rsm_dev_lib_close(struct rsm_dev_lib *lib);

/* Inventory: fast = READ ELEMENT STATUS with VolTag (and DVCID on drives) of every
 * element; full = INITIALIZE ELEMENT STATUS first (the changer re-scans its barcodes).
 * Replaces lib->elems, n_cartridges and mtypes; on failure they are left as they were.
 * A standalone library has nothing to inventory (OK). */
enum rsm_dev_rc rsm_dev_lib_inventory(struct rsm_dev_lib *lib, bool full);

/* Events (enum rsm_dev_event bits) of the changer and every drive since the last call;
 * clears them. Any RSM_DEV_EV_INVENTORY bit: run rsm_dev_lib_inventory(). */
uint32_t rsm_dev_lib_events(struct rsm_dev_lib *lib);

/* The element holding @barcode (borrowed from lib->elems), or NULL. */
const struct rsm_chg_elem *rsm_dev_lib_find_barcode(const struct rsm_dev_lib *lib,
                                                    const char *barcode);
/* The element at @addr, or NULL. */
const struct rsm_chg_elem *rsm_dev_lib_elem(const struct rsm_dev_lib *lib, uint16_t addr);
/* Index of the drive mapped to DT element @addr, or -1. */
int rsm_dev_lib_drive_at(const struct rsm_dev_lib *lib, uint16_t addr);

/* rsm_dev_lib_mount() - MOVE MEDIUM @src -> drive @drive's element, then wait for the
 * drive: NOT READY 04/01 polled within the budget, UNIT ATTENTION 28/00 absorbed; a drive
 * that reports no medium after the move is sent LOAD once (no autoload).
 * Returns OK with the drive ready; the changer's result (SRC_EMPTY, DST_FULL, HARDWARE
 * for a jam, ...) if the move failed - nothing moved then; or the drive's result.
 * INVAL for an unmapped drive. lib->elems is updated for @src and the drive. */
enum rsm_dev_rc rsm_dev_lib_mount(struct rsm_dev_lib *lib, uint16_t src, size_t drive);

/* The two halves of rsm_dev_lib_mount(), so that a caller can serialise the robot
 * without serialising the drives (the engine's request queue: drives thread in
 * parallel). rsm_dev_lib_move_to_drive() is the MOVE MEDIUM and touches the changer
 * handle and lib->elems; rsm_dev_lib_drive_ready() only drive @drive's handle (wait for
 * threading, LOAD if it does not autoload), so different drives may run it on different
 * threads while one thread holds the changer. Results as rsm_dev_lib_mount(). */
enum rsm_dev_rc rsm_dev_lib_move_to_drive(struct rsm_dev_lib *lib, uint16_t src, size_t drive);
enum rsm_dev_rc rsm_dev_lib_drive_ready(struct rsm_dev_lib *lib, size_t drive);

/* The two halves of rsm_dev_lib_dismount(): LOAD UNLOAD of drive @drive (only its
 * handle; an empty drive is OK), then the move back (changer handle and lib->elems;
 * @dst and *@dst_out as below). */
enum rsm_dev_rc rsm_dev_lib_drive_unload(struct rsm_dev_lib *lib, size_t drive);
enum rsm_dev_rc rsm_dev_lib_move_from_drive(struct rsm_dev_lib *lib, size_t drive, uint16_t dst,
                                            uint16_t *dst_out);

/* rsm_dev_lib_dismount() - LOAD UNLOAD (unload) the drive, then MOVE MEDIUM its
 * cartridge to @dst, or when @dst is 0 to its source element (SVALID in the drive's
 * element status) or, without one, to the first empty storage slot. *@dst_out (may be
 * NULL) gets the element used. NOT_FOUND if no destination exists. */
enum rsm_dev_rc rsm_dev_lib_dismount(struct rsm_dev_lib *lib, size_t drive, uint16_t dst,
                                     uint16_t *dst_out);

/* Element numbering for devreg.h: @addr's 1-based index within its element type
 * (slot 1 = layout.st.first), and *@type (may be NULL) its type; 0 if @addr is in no
 * range of the layout. rsm_dev_lib_addr() is the inverse (0 for a number out of range). */
uint32_t rsm_dev_lib_number(const struct rsm_dev_lib *lib, uint16_t addr, uint8_t *type);
uint16_t rsm_dev_lib_addr(const struct rsm_dev_lib *lib, uint8_t type, uint32_t number);

/* Media type name for a cartridge (see struct rsm_dev_mtype); writes at most @cap. */
void rsm_dev_media_type_name(const char *barcode, uint8_t medium, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
