/* SPDX-License-Identifier: MIT
 * Library control: the engine drives real and simulated libraries through rsm/dev.
 *
 * What it models (ntms-api.md §2.5, §2.6 MountNtmsMedia/DismountNtmsMedia, §6.3):
 *  - Adding a library by device URI (sim:, iscsi://, sg:): the device is discovered with
 *    rsm_dev_lib_open(), registered through devreg.h (library, changer, slots, IE ports
 *    and door, drives mapped by DVCID/serial, media types) and inventoried. The URIs are
 *    kept as attributes of the library object ("OpenRSM.URI", "OpenRSM.DriveURIs"), so
 *    an engine opened later reconnects on the first call that needs the device.
 *  - Inventory (fast, full = INITIALIZE ELEMENT STATUS first) reconciled with the
 *    database: cartridges moved by hand are followed, new ones are registered (Import or
 *    Unrecognized pool per devreg.h), cartridges put in a mail slot by the operator are
 *    moved to an empty storage slot first, missing ones go to the offline library, and a
 *    barcode seen twice is never merged (the second cartridge is left unregistered and
 *    counted). A unit attention that says the inventory may have changed (28/00, 28/01,
 *    29/xx; rsm_dev_lib_events()) makes the next call on the library re-inventory first;
 *    every call also sends TEST UNIT READY to the changer first to collect them.
 *  - Mount and dismount of sides/LMIDs as library requests in a per-library queue
 *    (reqq.c): priorities, order, cancel, timeouts; drives work in parallel while robot
 *    moves are serialised; the engine's mutex is never held during device I/O, so reads
 *    of the database never wait for the robot.
 *
 * The engine keeps one open struct rsm_dev_lib per library GUID per engine (libctl.c),
 * closed when the engine closes. All functions: RSM_E_NOT_SUPPORTED when the program was
 * linked without the device layer (devlink.h).
 */
#ifndef RSM_ENGINE_LIBCTL_H
#define RSM_ENGINE_LIBCTL_H

#include <stddef.h>
#include <stdint.h>

#include "rsm/engine/engine.h"

/* What one inventory did (counts of cartridges). */
struct rsm_lc_inventory {
    uint32_t n_seen;       /* cartridges reconciled in slots and drives */
    uint32_t n_new;        /* registered for the first time */
    uint32_t n_moved;      /* known, found somewhere else than the database said */
    uint32_t n_gone;       /* not found: moved to the offline library */
    uint32_t n_imported;   /* taken from a mail slot into a storage slot */
    uint32_t n_dup;        /* a barcode seen a second time: left unregistered */
    uint32_t n_identified; /* OMID: unreadable barcodes named by the MAM medium GUID */
};

/* Adds (or re-adds: same name = "<vendor> <product> <serial>", same GUID) the library at
 * @uri with optional @drive_uris (required for sg:), then runs a fast inventory.
 * CONTROL on the computer. Errors: INVALID_PARAMETER, ACCESS_DENIED,
 * DEVICE_NOT_AVAILABLE (the device did not open), what devreg.h returns. @out: the
 * library's GUID (written on success). */
rsm_rc rsm_lc_add(struct rsm_engine *e, const struct rsm_caller *c, const char *uri,
                  const char *const *drive_uris, size_t n_drive_uris, struct rsm_guid *out);

/* InventoryNtmsLibrary: @action NTMS_INVENTORY_FAST (1), DEFAULT (3: fast with barcodes),
 * OMID (2: as FAST, and each cartridge whose barcode could not be read is mounted in a
 * free drive and named by the medium GUID RSM wrote to its MAM on a write mount; BUSY if
 * no drive is free; labels themselves are not read: no media label library exists yet),
 * or 4 = full (INITIALIZE ELEMENT STATUS
 * first; RSM_LC_INVENTORY_FULL). CONTROL on the library. An NTMS_LM_INVENTORY request that
 * runs alone in its library (it waits for running requests to end); the call waits for
 * it. @out (may be NULL) gets the counts. Errors:
 * INVALID_LIBRARY (unknown, the offline library, or not added by URI), RESOURCE_DISABLED,
 * DEVICE_NOT_AVAILABLE, LIBRARY_OFFLINE (the changer failed: jam, door open). */
#define RSM_LC_INVENTORY_FULL 0x100u
rsm_rc rsm_lc_inventory(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *library, uint32_t action,
                        struct rsm_lc_inventory *out);

/* MountNtmsMedia (ntms-api.md §6.3, §6.4): @media[n] sides or LMIDs (n <= 64); @drives[n]
 * input with NTMS_MOUNT_SPECIFIC_DRIVE (0x10), else filled with the drive used. @options
 * NTMS_MOUNT_* (READ 1, WRITE 2, ERROR_IF_UNAVAILABLE 4, ERROR_IF_OFFLINE 8,
 * SPECIFIC_DRIVE 0x10, NOWAIT 0x20); @priority -15..15.
 * The mount is an NTMS_LM_MOUNT library request queued on the medium's library (reqq.c);
 * *@request (may be NULL) gets its GUID. It starts when its media and a compatible free
 * drive each (or the named ones) are available, in queue order (priority, then arrival,
 * as SetNtmsRequestOrder left it). Without NOWAIT the call waits: @timeout_ms bounds the
 * time the request may stay queued (UINT32_MAX = INFINITE); when it runs out the request
 * is CANCELLED and TIMEOUT returned, nothing done. @timeout_ms 0 or ERROR_IF_UNAVAILABLE:
 * BUSY when it cannot start at once. Once started it runs to its end. With NOWAIT the call
 * returns as soon as the request is queued; its state and result are the libreq object's.
 * Offline media: MEDIA_OFFLINE at once with ERROR_IF_OFFLINE, ERROR_IF_UNAVAILABLE or
 * NOWAIT; otherwise a MOVEMEDIA operator request per cartridge and a wait (up to
 * @timeout_ms; TIMEOUT) until an inventory finds them in a library.
 * On success the medium is LOADED in the drive, the drive LOADED, both mount counts
 * incremented (one transaction); a write mount writes the MAM host attributes
 * (application, pool name, barcode, medium GUID 0820h, pool GUID 0821h). Only the MOVE
 * MEDIUM holds the robot: drives thread in parallel. On failure media already mounted by
 * this request are dismounted again (all or nothing) and no cartridge is left in a drive.
 * Errors: INVALID_PARAMETER, INVALID_MEDIA (unknown, duplicate), MEDIA_OFFLINE,
 * WRITE_PROTECT (Complete side with WRITE), BUSY, TIMEOUT, CANCELLED (request cancelled,
 * session closed, engine closing), INVALID_DRIVE, DRIVE_MEDIA_MISMATCH (drive of another
 * library, or the drive refused the medium), RESOURCE_DISABLED, ACCESS_DENIED (USE on the
 * pool and the library), MEDIA_NOT_AVAILABLE (the cartridge was not in its slot: the
 * library was re-inventoried), LIBRARY_OFFLINE (robot jam, door open: the changer is
 * marked NEEDS_SERVICE), UNABLE_TO_LOAD_MEDIUM (the drive failed after the move: the
 * cartridge was put back), DEVICE_NOT_AVAILABLE. */
rsm_rc rsm_lc_mount_ex(struct rsm_engine *e, const struct rsm_caller *c,
                       const struct rsm_guid *media, struct rsm_guid *drives, uint32_t n,
                       uint32_t options, int priority, uint32_t timeout_ms,
                       struct rsm_guid *request);
/* The same with priority 0 and timeout 0 (BUSY rather than a wait). */
rsm_rc rsm_lc_mount(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *media,
                    struct rsm_guid *drives, uint32_t n, uint32_t options);

/* CancelNtmsLibraryRequest: a queued request leaves the queue, CANCELLED (its waiting
 * caller gets CANCELLED). CONTROL on its library. Errors: INVALID_PARAMETER (NULL),
 * NOT_FOUND (unknown, or already finished), ACCESS_DENIED (no right, or already in
 * progress: ntms-api.md §6.4). */
rsm_rc rsm_lc_request_cancel(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *request);
/* DeleteNtmsRequests for library requests (@type NTMS_LIBREQUEST 10) and operator
 * requests (NTMS_OPREQUEST 17): removes the finished ones of @ids[n]; unknown ids are
 * skipped. One that is still queued, waiting or in progress (operator request submitted,
 * active or in progress) fails the whole call with INVALID_STATE and nothing is deleted.
 * MODIFY on the computer. INVALID_PARAMETER for a bad type or NULL. */
rsm_rc rsm_lc_request_delete(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *ids, uint32_t n, uint32_t type);
/* GetNtmsRequestOrder: 1-based position of a queued mount among the queued mounts of its
 * library; 0 for any other request (ordering does not apply). NOT_FOUND if unknown.
 * CONTROL on the library. */
rsm_rc rsm_lc_request_order_get(struct rsm_engine *e, const struct rsm_caller *c,
                                const struct rsm_guid *request, uint32_t *order);
/* SetNtmsRequestOrder: moves a queued mount to position @order among the queued mounts
 * (1 = next; beyond the end = last); the others shift. INVALID_PARAMETER for @order 0 or
 * a request whose order is 0 (not a queued mount); NOT_FOUND; ACCESS_DENIED (CONTROL on
 * the library). */
rsm_rc rsm_lc_request_order_set(struct rsm_engine *e, const struct rsm_caller *c,
                                const struct rsm_guid *request, uint32_t order);

/* DismountNtmsMedia: an NTMS_LM_DISMOUNT request (served before mounts); the call waits
 * for it. Each medium goes back to its home slot (or, if that is taken, the first empty
 * one). @options NTMS_DISMOUNT_DEFERRED (1) leaves it in the drive, marked DISMOUNTABLE,
 * until the drive's dwDeferDismountDelay seconds pass, a mount needs the drive, or
 * DismountNtmsDrive; a mount of the same medium meanwhile needs no robot move. IMMEDIATE
 * (2) or 0 unload now. Errors: INVALID_MEDIA, INVALID_STATE (not mounted), ACCESS_DENIED, LIBRARY_OFFLINE,
 * DEVICE_NOT_AVAILABLE. */
rsm_rc rsm_lc_dismount(struct rsm_engine *e, const struct rsm_caller *c,
                       const struct rsm_guid *media, uint32_t n, uint32_t options);

/* DisableNtmsObject of a drive (called by rsm_object_enable once the drive is disabled):
 * a medium in it goes back to a slot, as a DismountNtmsDrive would. RSM_OK when the drive
 * is empty, its library drives no device, or this program has no device layer. */
rsm_rc rsm_lc_drive_disabled(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *drive);

/* DismountNtmsDrive: whatever the drive holds goes home. INVALID_DRIVE, INVALID_STATE
 * (empty drive), ACCESS_DENIED (MODIFY on the library), LIBRARY_OFFLINE. */
rsm_rc rsm_lc_dismount_drive(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *drive);

/* Test hook: @fn (NULL to remove) is called with the fresh snapshot after each inventory
 * READ ELEMENT STATUS and before reconciliation, so tests can show the engine what no
 * simulator produces (two cartridges with one barcode). Process-wide; not thread-safe. */
struct rsm_dev_lib;
typedef void rsm_lc_snapshot_hook(struct rsm_dev_lib *dev, void *arg);
void rsm_lc_set_snapshot_hook(rsm_lc_snapshot_hook *fn, void *arg);

/* Test hook: @fn (NULL to remove) is called at @step of every mount and dismount, on the
 * request's thread with no lock of the engine or the library held, so a test can make the
 * device fail exactly there: a drive that fails as it threads the tape, a power-on reset
 * or a robot jam between the drive's half and the robot's half. Process-wide; set it
 * while no request runs. */
enum rsm_lc_step {
    RSM_LC_STEP_MOUNT_MOVED = 1,      /* the robot put the cartridge in the drive; the drive
                                       * has not been asked whether it is ready */
    RSM_LC_STEP_DISMOUNT_UNLOADED = 2 /* the drive unloaded; the robot has not taken it */
};
typedef void rsm_lc_step_hook(enum rsm_lc_step step, void *arg);
void rsm_lc_set_step_hook(rsm_lc_step_hook *fn, void *arg);

/* Test and benchmark hook: the rsm/dev options (retries, TEST UNIT READY polling) of the
 * libraries opened from now on (NULL: the drivers' defaults). Process-wide; call before
 * adding or reopening libraries, not while requests run. */
struct rsm_dev_opts;
void rsm_lc_set_dev_opts(const struct rsm_dev_opts *opts);

#endif
