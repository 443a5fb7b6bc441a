/* SPDX-License-Identifier: MIT
 * Between ie.c, clean.c and detect.c (contract of the three in ieclean.h). Not an
 * interface. Functions named *_locked expect e->mu held; the others take it.
 */
#ifndef RSM_ENGINE_IE_INT_H
#define RSM_ENGINE_IE_INT_H

#include <ntmsapi.h> /* NTMS_LM_*, NTMS_INJECT_*, NTMS_EJECT_*: the values the rows keep */

#include "rsm/engine/events.h"
#include "rsm/engine/ieclean.h"
#include "rsm/engine/libctl_int.h"
#include "rsm/engine/model.h"

/* The device functions used here beyond those devlink.h lists: weak as well, so programs
 * without rsmdev still link (every entry point checks rsm_lc_dev_present() first). */
#ifndef RSM_DEV_LINKED
#pragma weak rsm_chg_ie_close
#pragma weak rsm_chg_ie_open
#pragma weak rsm_chg_prevent
#pragma weak rsm_drv_cleaning_requested
#pragma weak rsm_drv_clear_cleaning
#pragma weak rsm_drv_events
#pragma weak rsm_drv_tapealert
#pragma weak rsm_drv_test_ready
#pragma weak rsm_drv_unload
#endif

#define IEC_EJECT_MAX 64 /* media in one eject batch (more than any mail-slot count seen) */

struct iec_eject {
    struct rsm_guid pm, home; /* medium; the slot it came from */
    uint16_t ie_addr;         /* its mail slot once presented; 0 while queued */
};

/* What one library's operations wait for. Touched with the library's robot held. */
struct iec_lib {
    struct rsm_guid lib;
    /* inject (media or cleaner) */
    bool inj_active, inj_many, inj_cleaner;
    struct rsm_guid inj_op;
    uint64_t inj_deadline_ms;
    uint32_t inj_cleaner_uses;
    /* eject batch */
    bool ej_started;
    struct rsm_guid ej_op;
    uint64_t ej_deadline_ms;
    size_t ej_n;
    struct iec_eject ej[IEC_EJECT_MAX];
    /* door */
    bool door_granted, door_open, door_req_raised;
    uint32_t door_action;
    uint64_t door_open_since_ms;
    struct rsm_guid door_req;
    /* the MOVEMEDIA operator request raised about the mail slots, until it is done */
    bool mm_raised;
    struct rsm_guid mm_req;
    /* TapeAlert schedule */
    uint64_t next_tapealert_ms;
    struct iec_lib *next;
};

/* The state of @library in @e (created on first use); NULL only when memory ran out. */
struct iec_lib *iec_state(struct rsm_engine *e, const struct rsm_guid *library);

/* Library requests: inserts or updates request @id (object + libreq row) in its own
 * transaction. @pm/@drive/@slot may be NULL; @err an rsm_rc (0: none), stored as its
 * Win32 code (dwErrorCode). */
rsm_rc iec_req_put(struct rsm_engine *e, const struct rsm_guid *id, const struct rsm_guid *lib,
                   uint32_t op, uint32_t state, const struct rsm_guid *pm,
                   const struct rsm_guid *drive, const struct rsm_guid *slot, uint32_t err);

/* One statement with up to two GUIDs (?1, ?2) and one integer (?3) bound, in its own
 * transaction unless one is open. */
rsm_rc iec_exec(struct rsm_engine *e, const char *sql, const struct rsm_guid *a,
                const struct rsm_guid *b, int64_t v);
/* First column of the first row as integer / GUID; NOT_FOUND when no row. */
rsm_rc iec_q_int(struct rsm_engine *e, const char *sql, const struct rsm_guid *a,
                 const struct rsm_guid *b, int64_t v, int64_t *out);
rsm_rc iec_q_guid(struct rsm_engine *e, const char *sql, const struct rsm_guid *a,
                  const struct rsm_guid *b, int64_t v, struct rsm_guid *out);

/* Library @lib is a real, online library @c may act on with @need rights. */
rsm_rc iec_check_library(struct rsm_engine *e, const struct rsm_caller *c,
                         const struct rsm_guid *lib, uint32_t need);
/* The robot of @lib, with pending inventory events settled the import/export way
 * (operator cartridges in mail slots go to free slots other than the cleaner slot, then
 * the library is reconciled). */
rsm_rc iec_acquire(struct rsm_engine *e, const struct rsm_guid *lib, struct rsm_lc_lib **out);
/* Moves operator-placed (ImpExp) cartridges of the mail slots into free storage slots
 * other than the reserved cleaner slot; *@left (may be NULL) gets how many found no
 * room. Returns how many moved. The snapshot is re-read. */
uint32_t iec_take_in(struct rsm_engine *e, struct rsm_lc_lib *L, uint32_t *left);
/* The element address of the library's reserved cleaner slot, 0 if none. */
uint16_t iec_cleaner_addr(struct rsm_engine *e, struct rsm_lc_lib *L);
/* MOVE MEDIUM then a fresh snapshot. */
enum rsm_dev_rc iec_move(struct rsm_lc_lib *L, uint16_t src, uint16_t dst);
/* GUID of element @type/@number of @lib (slot, drive or ieport table); NOT_FOUND. */
rsm_rc iec_element(struct rsm_engine *e, const char *table, const struct rsm_guid *lib,
                   uint32_t number, struct rsm_guid *out);
/* OPEN (@open) or CLOSE IMPORT/EXPORT ELEMENT on each mail slot of @L. */
enum rsm_dev_rc iec_port_cmd(struct rsm_lc_lib *L, bool open);
/* Port content of every mail slot from the snapshot. */
void iec_sync_ports(struct rsm_engine *e, struct rsm_lc_lib *L);

/* InjectNtmsMedia (@cleaner false) and InjectNtmsCleaner (true, @uses recorded) share
 * one flow; contracts in ieclean.h. */
rsm_rc iec_inject(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *library,
                  struct rsm_guid *op, uint32_t action, bool cleaner, uint32_t uses);
/* Cleaner inject at port close: the first cleaning cartridge in a mail slot goes to the
 * reserved slot and the library records @uses. CLEANER_SLOT_NOT_SET, RESOURCE_NOT_
 * AVAILABLE (slot full), INVALID_MEDIA (no cleaning cartridge was put in). */
rsm_rc iec_cleaner_take_in(struct rsm_engine *e, struct rsm_lc_lib *L, uint32_t uses);

/* The caller the engine acts as for its own housekeeping (uid 0). */
const struct rsm_caller *iec_root(void);

#endif
