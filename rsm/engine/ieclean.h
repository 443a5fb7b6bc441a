/* SPDX-License-Identifier: MIT
 * Import/export, cleaning and device change detection (ntms-api.md §2.1, §2.2, §2.5,
 * §6.6, §6.7, §6.10), over library control (libctl.h) and rsm/dev.
 *
 * ie.c      InjectNtmsMedia, EjectNtmsMedia (START/STOP/QUEUE/FORCE batches through the
 *           mail slots), AccessNtmsLibraryDoor, IdentifyNtmsSlot, DeleteNtmsDrive,
 *           DeleteNtmsLibrary, Get/SetNtmsUIOptions storage, and rsm_iec_tick(): port and
 *           door timeouts, ejected cartridges taken by the operator, queued ejects that
 *           wait for a free mail slot, the TapeAlert schedule.
 * clean.c   CleanNtmsDrive, Reserve/ReleaseNtmsCleanerSlot, Inject/EjectNtmsCleaner, the
 *           TapeAlert reading (flags 20/21 "clean now/periodic", 22 "expired cleaner", and
 *           sense 00/17) at every dismount and on the schedule, and cleaning a dirty drive
 *           before its next mount.
 * detect.c  Begin/Set/EndNtmsDeviceChangeDetection: stand-alone drives polled with TEST
 *           UNIT READY; media inserted or removed are recorded.
 *
 * Model. Every operation is a library request row (`libreq`, NTMS_LM_* op and state) so
 * that callers and operators see it (EnumerateNtmsObject(NTMS_LIBREQUEST)); its GUID is
 * the operation GUID the API returns. What an operation waits for (a mail slot the
 * operator must empty, a port held open until a timeout) lives in a per-engine table in
 * ie.c and is advanced by the calls themselves and by rsm_iec_tick(), which rsmd (or a
 * test, on virtual time) calls periodically. Requests still waiting when the engine
 * closes are dropped, as Windows drops queued requests at a restart.
 *
 * Time comes from rsm_iec_now_ms()/rsm_iec_sleep_ms(): the monotonic clock unless a
 * clock was installed with rsm_iec_set_clock() (tests run on the simulator's virtual
 * clock, so a 60 s cleaning cycle takes no wall time).
 *
 * Cleaner model: the library row keeps the reserved slot (cleaner_slot), the uses left
 * (cleaner_uses; 0xFFFFFFFF uncounted) and NTMS_LIBRARYFLAG_CLEANERPRESENT. A drive that
 * asked for cleaning carries the attribute "OpenRSM.CleanPending" until it is cleaned.
 * A cleaner found expired (TapeAlert 22 after loading it) gets uses 0 and the flag
 * "OpenRSM.CleanerExpired" on the library: it is never loaded again, a CLEANER operator
 * request is raised, and EjectNtmsCleaner takes it out.
 *
 * Locks: functions take e->mu themselves for database work and hold the library's robot
 * (rsm_lc_acquire/rsm_lc_release) for device work, never both across device I/O. The
 * hooks called from mount.c run with the robot held.
 */
#ifndef RSM_ENGINE_IECLEAN_H
#define RSM_ENGINE_IECLEAN_H

#include <stddef.h>
#include <stdint.h>

#include "rsm/engine/engine.h"

/* ---- time ------------------------------------------------------------------------------ */

struct rsm_iec_clock {
    uint64_t (*now_ms)(void *arg);
    void (*sleep_ms)(void *arg, uint32_t ms); /* lets time pass (polling a cleaning drive) */
    void *arg;
};
/* Installs @clk (copied; NULL restores the monotonic clock). Process-wide; set it before
 * engines use it, not while calls run. */
void rsm_iec_set_clock(const struct rsm_iec_clock *clk);
uint64_t rsm_iec_now_ms(void);
void rsm_iec_sleep_ms(uint32_t ms);

/* ---- import/export (ie.c) ------------------------------------------------------------- */

/* InjectNtmsMedia. @action NTMS_INJECT_START (0) or STARTMANY (3): the mail slots are
 * unlocked and opened (port EXTENDED), a request is recorded and *@op gets its GUID;
 * cartridges the operator puts in are taken into free storage slots (never the reserved
 * cleaner slot) and registered when the port closes: at STOP (1), at RETRACT (2, which
 * reopens a STARTMANY port), or when ieport.max_extend_secs (0: 60 s) pass (rsm_iec_tick).
 * Cartridges that find no free slot stay in the port and a MOVEMEDIA operator request asks
 * for them to be taken out; if none fits at all the request fails with LIBRARY_FULL.
 * Errors: INVALID_PARAMETER (@library or @op NULL, action > 3), INVALID_LIBRARY (unknown,
 * offline library), ACCESS_DENIED (CONTROL on the library), RESOURCE_NOT_PRESENT (no mail
 * slot: use the door), BUSY (an inject is already open), INVALID_OPERATION (STOP/RETRACT
 * with another GUID, RETRACT of a START port), LIBRARY_FULL (port closed, nothing fitted),
 * what rsm_lc_acquire() returns. */
rsm_rc rsm_ie_inject(struct rsm_engine *e, const struct rsm_caller *c,
                     const struct rsm_guid *library, struct rsm_guid *op, uint32_t action);

/* EjectNtmsMedia. @medium a physical medium (NULL or zero GUID with START: the queued
 * batch alone). QUEUE (2) adds it to its library's batch; START (0) adds it and presents
 * the whole batch in the mail slots (*@op gets the batch's GUID); FORCE (3) as START, a
 * medium mounted in a drive being dismounted first; STOP (1) with *@op ends the batch:
 * cartridges still in the mail slots go back to their slots. A cartridge the operator
 * took out goes to the offline library, or is deleted when it is a cleaner, in an import
 * or unrecognized pool (unless KEEPOFFLINEIMPORT), or free with PURGEOFFLINESCRATCH.
 * Media that find no empty mail slot stay queued (the request WAITING, a MOVEMEDIA
 * operator request raised) and are presented when one empties (rsm_iec_tick). Media
 * still in the port when ieport.max_extend_secs pass are taken back.
 * Errors: INVALID_PARAMETER (action > 3, NULL @op for START/STOP), INVALID_MEDIA,
 * LIBRARY_OFFLINE (an offline medium, or the changer failed: door open, jam), BUSY (in a
 * drive without FORCE, or the batch already holds as many media as the library has mail
 * slots), MEDIA_NOT_AVAILABLE (medium disabled), RESOURCE_DISABLED (library disabled),
 * RESOURCE_NOT_PRESENT (library without mail slots), ACCESS_DENIED (CONTROL on the
 * library), INVALID_OPERATION (STOP with an unknown GUID). */
rsm_rc rsm_ie_eject(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *medium,
                    struct rsm_guid *op, uint32_t action);

/* AccessNtmsLibraryDoor: the changer's PREVENT is released so the operator can open the
 * door; the iedoor object follows the door (OPEN while TEST UNIT READY answers 04/03,
 * CLOSED after); an open door past iedoor.max_open_secs raises a DEVICESERVICE operator
 * request (ended when it closes); when it closes the inventory @action asks for runs
 * (NTMS_INVENTORY_NONE 0, FAST 1, OMID 2, DEFAULT 3 = the library's method).
 * Errors: INVALID_PARAMETER (action >= NTMS_INVENTORY_MAX or not one of those),
 * INVALID_LIBRARY, LIBRARY_OFFLINE (the offline library), RESOURCE_NOT_PRESENT (no door),
 * RESOURCE_DISABLED, ACCESS_DENIED (CONTROL). */
rsm_rc rsm_ie_door(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *library,
                   uint32_t action);

/* IdentifyNtmsSlot: the cartridge in @slot is mounted in a free drive, its MAM read, put
 * back, and the library re-inventoried so the medium is recognised (a medium GUID RSM
 * wrote names it even without a barcode). Synchronous. @option NTMS_DISMOUNT_DEFERRED (1)
 * or IMMEDIATE (2) or 0; the cartridge always goes back (deferred is served as immediate:
 * no application holds it). An empty slot succeeds and records nothing.
 * Errors: INVALID_PARAMETER (option), NOT_FOUND (not a slot), ACCESS_DENIED (CONTROL on
 * the library), BUSY (no free drive), LIBRARY_OFFLINE. */
rsm_rc rsm_ie_identify_slot(struct rsm_engine *e, const struct rsm_caller *c,
                            const struct rsm_guid *slot, uint32_t option);

/* DeleteNtmsDrive: the drive must be NOT_PRESENT: its library's device no longer shows a
 * drive of that number (checked now, when the library answers). A drive that is a
 * stand-alone library takes the library with it. Media in it go to the offline library.
 * Errors: INVALID_PARAMETER, INVALID_DRIVE, ACCESS_DENIED (MODIFY on the library),
 * INVALID_STATE (still present). */
rsm_rc rsm_ie_delete_drive(struct rsm_engine *e, const struct rsm_caller *c,
                           const struct rsm_guid *drive);

/* DeleteNtmsLibrary: the library must not be connected (its device does not open); its
 * media move to the offline library, then it and every changer, drive, slot, door and port
 * are deleted (one transaction). Errors: INVALID_PARAMETER, INVALID_LIBRARY (unknown, the
 * offline library), ACCESS_DENIED (MODIFY on the library), INVALID_STATE (connected). */
rsm_rc rsm_ie_delete_library(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *library);

/* UI destinations of (@object, @type) for computers and libraries, kept as attribute
 * "OpenRSM.UI.<type>" (names NUL-separated). rsm_ie_ui_get(): *@out malloc'd (each name
 * NUL-terminated, total *@len bytes; NULL/0 for none). rsm_ie_ui_set(): @op
 * NTMS_UIDEST_ADD 1 (ALREADY_EXISTS if listed), DELETE 2 (NOT_FOUND if not listed),
 * DELETEALL 3. Errors: INVALID_PARAMETER (type not 1..3, op, object neither computer nor
 * library), NOT_FOUND (unknown object), ACCESS_DENIED (USE to read, MODIFY to change). */
rsm_rc rsm_ie_ui_get(struct rsm_engine *e, const struct rsm_caller *c,
                     const struct rsm_guid *object, uint32_t type, char **out, size_t *len);
rsm_rc rsm_ie_ui_set(struct rsm_engine *e, const struct rsm_caller *c,
                     const struct rsm_guid *object, uint32_t type, uint32_t op, const char *dest);

/* Periodic work for @library (NULL: every library this engine has open): closes ports
 * whose time is up, follows the door, settles ejected cartridges the operator took,
 * presents queued ejects, reads TapeAlert of idle drives every RSM_IEC_TAPEALERT_MS,
 * cleans drives that asked when a cleaner is present. A library that does not answer is
 * skipped (its requests wait). Returns the first error of an explicitly named library. */
#define RSM_IEC_TAPEALERT_MS (15u * 60u * 1000u)
rsm_rc rsm_iec_tick(struct rsm_engine *e, const struct rsm_guid *library);

/* Library requests of this engine's database that are not finished (QUEUED, INPROCESS,
 * WAITING). */
uint32_t rsm_iec_open_requests(struct rsm_engine *e);
/* State (NTMS_LM_*) and error (the Win32 dwErrorCode, 0 if none) of library request @op;
 * NOT_FOUND if there is none. */
rsm_rc rsm_iec_request_state(struct rsm_engine *e, const struct rsm_guid *op, uint32_t *state,
                             uint32_t *err);

/* ---- cleaning (clean.c) ---------------------------------------------------------------- */

/* ReserveNtmsCleanerSlot: @slot (of @library, present and empty) becomes the library's
 * cleaner slot. Errors: INVALID_PARAMETER, INVALID_LIBRARY, NOT_FOUND (not a slot of the
 * library), ACCESS_DENIED (CONTROL), CLEANER_SLOT_SET (one is reserved), RESOURCE_NOT_
 * AVAILABLE (slot full). */
rsm_rc rsm_clean_reserve_slot(struct rsm_engine *e, const struct rsm_caller *c,
                              const struct rsm_guid *library, const struct rsm_guid *slot);
/* ReleaseNtmsCleanerSlot: CLEANER_SLOT_NOT_SET, RESOURCE_NOT_AVAILABLE (cleaner still
 * there), plus the above. */
rsm_rc rsm_clean_release_slot(struct rsm_engine *e, const struct rsm_caller *c,
                              const struct rsm_guid *library);
/* InjectNtmsCleaner: START opens the mail slots (*@op gets the request GUID); the
 * operator puts one cleaning cartridge in; at STOP (or the port timeout) it is carried
 * to the reserved slot and recorded with @uses_left (0xFFFFFFFF: uncounted). A data
 * cartridge put in instead is left in the port. Errors: CLEANER_SLOT_NOT_SET,
 * RESOURCE_NOT_AVAILABLE (the reserved slot already holds a cleaner), INVALID_OPERATION
 * (STOP with another GUID), RESOURCE_NOT_PRESENT (no mail slot), INVALID_PARAMETER. */
rsm_rc rsm_clean_inject(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *library, struct rsm_guid *op, uint32_t uses_left,
                        uint32_t action);
/* EjectNtmsCleaner: START carries the cleaner from the reserved slot to a mail slot and
 * forgets it (deleted from the database: ejected cleaners are not kept offline); STOP ends
 * the request early. Errors: CLEANER_SLOT_NOT_SET, RESOURCE_NOT_AVAILABLE (reserved slot
 * empty), BUSY (no empty mail slot), INVALID_OPERATION, INVALID_PARAMETER. */
rsm_rc rsm_clean_eject(struct rsm_engine *e, const struct rsm_caller *c,
                       const struct rsm_guid *library, struct rsm_guid *op, uint32_t action);
/* CleanNtmsDrive: stand-alone drive: LastCleanedTs only. Library: the cleaner is loaded
 * into the (empty) drive, the cycle waited for, the cleaner put back; uses counted,
 * LastCleanedTs set, the drive's request cleared. No usable cleaner (none, spent,
 * expired): a CLEANER operator request, and CLEANER_SPENT. Errors: INVALID_PARAMETER,
 * INVALID_DRIVE, ACCESS_DENIED (CONTROL on the library), RESOURCE_DISABLED, BUSY (the
 * drive holds a medium), LIBRARY_OFFLINE, CLEANER_SPENT. */
rsm_rc rsm_clean_drive(struct rsm_engine *e, const struct rsm_caller *c,
                       const struct rsm_guid *drive);
/* True when @drive has asked for cleaning and has not been cleaned since. */
bool rsm_clean_pending(struct rsm_engine *e, const struct rsm_guid *drive);
/* Cleanings done by the library's cleaner since it was injected (attribute), for tests
 * and the operator. */
uint32_t rsm_clean_count(struct rsm_engine *e, const struct rsm_guid *library);

struct rsm_lc_lib;
/* Hooks for mount.c, called with the library's robot held (L->mu) and e->mu not held.
 * rsm_clean_before_mount(): if @drive (element index @di of L->dev) asked for cleaning and
 * a usable cleaner is in the reserved slot, cleans it now; with no cleaner it raises a
 * CLEANER operator request and the mount goes on. Never fails the mount.
 * rsm_clean_after_dismount(): reads TapeAlert and the 00/17 state of drive @di and
 * records a cleaning request. */
void rsm_clean_before_mount(struct rsm_engine *e, struct rsm_lc_lib *L,
                            const struct rsm_guid *drive, size_t di);
void rsm_clean_after_dismount(struct rsm_engine *e, struct rsm_lc_lib *L,
                              const struct rsm_guid *drive, size_t di);
/* TapeAlert of every empty drive of @L (the schedule; rsm_iec_tick()). */
void rsm_clean_scan(struct rsm_engine *e, struct rsm_lc_lib *L);
/* Cleans every drive of @L whose request is pending, when a cleaner is present. */
void rsm_clean_pending_drives(struct rsm_engine *e, struct rsm_lc_lib *L);

/* ---- change detection (detect.c) ------------------------------------------------------- */

/* BeginNtmsDeviceChangeDetection: *@handle a new detection context (nonzero). */
rsm_rc rsm_detect_begin(struct rsm_engine *e, uint64_t *handle);
/* SetNtmsDeviceChangeDetection: adds @ids[@n] of @type (RSM_OT_LIBRARY, MEDIA_TYPE or
 * PHYSICAL_MEDIA: every stand-alone library that could hold it) to context @handle, or
 * with @handle 0 polls them once now. Errors: INVALID_PARAMETER (type, n = 0, NULL),
 * INVALID_HANDLE (unknown context), INVALID_LIBRARY, INVALID_MEDIA. */
rsm_rc rsm_detect_set(struct rsm_engine *e, const struct rsm_caller *c, uint64_t handle,
                      const struct rsm_guid *ids, uint32_t type, uint32_t n);
/* EndNtmsDeviceChangeDetection: INVALID_HANDLE for an unknown context. */
rsm_rc rsm_detect_end(struct rsm_engine *e, uint64_t handle);
/* Polls every watched stand-alone library once (rsm_iec_tick calls it): TEST UNIT READY
 * on its drive; a medium that appeared makes the drive LOADED (a cartridge RSM knows by
 * its MAM medium GUID is placed there; otherwise the drive's saved side stays null, "a
 * user-loaded medium still needing classification"); one that went makes the drive
 * DISMOUNTED and what the database had there goes to the offline library. Returns the
 * number of changes seen. */
uint32_t rsm_detect_poll(struct rsm_engine *e);
/* One stand-alone library, the same way (also used by the one-shot Set). */
rsm_rc rsm_detect_poll_library(struct rsm_engine *e, const struct rsm_guid *library,
                               uint32_t *changes);

#endif
