/* SPDX-License-Identifier: MIT
 * rsm/engine/omid.h - on-media identification (OMID) with the media label libraries.
 *
 * What it models (ntms-api.md §2.6 MoveToNtmsMediaPool rule 2, UpdateNtmsOmidInfo; §4.3):
 * RSM identifies a cartridge it cannot name by barcode (or by the medium GUID it wrote
 * to MAM) by reading the first block of the tape and offering it to the media label
 * libraries (rsm/mli). The outcome decides the pool of a new medium:
 *
 *   RSM free label              -> Free pool, sides Available (a known GUID: that medium)
 *   claimed label, id unknown   -> Import pool, sides Import, OMID recorded
 *   claimed label, id known     -> that medium, its pool kept (devreg.c finds it by OMID)
 *   not claimed, or blank       -> Unrecognized pool, sides Foreign
 *
 * and, the other way round, RSM writes its own free label when a medium enters the Free
 * pool in a library it drives (the NTMS_LM_WRITESCRATCH work item: queued by media.c
 * through rsm_omid_queue_free_label(), or run and waited for by rsm_omid_free_media()).
 *
 * How library control uses it (libctl.c): the OMID pass of an inventory mounts each
 * cartridge without a readable barcode; when MAM names no medium it calls
 * rsm_omid_note_mounted(), which claims the label and keeps the result for that slot of
 * that device handle; reconciliation then passes rsm_omid_label_at() to
 * rsm_dev_media_seen() and finally calls rsm_omid_forget().
 *
 * Threads: the notes are guarded by a lock of this file; the media label libraries are
 * used by one thread at a time (a lock of this file too). The functions that take the
 * engine follow engine.h (e->mu not held by the caller).
 */
#ifndef RSM_ENGINE_OMID_H
#define RSM_ENGINE_OMID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rsm/engine/devreg.h"
#include "rsm/engine/engine.h"
#include "rsm/mli/mli.h"

struct rsm_dev_lib;
struct rsm_drv;

/* What the start of a side says. */
enum rsm_omid_kind {
    RSM_OMID_BLANK = 0, /* nothing written (BLANK CHECK at BOT) */
    RSM_OMID_FOREIGN,   /* data no media label library claims */
    RSM_OMID_LABEL,     /* an application's label: r holds type, id, info */
    RSM_OMID_FREE,      /* RSM's free-media label: r.media_id names the medium */
};

struct rsm_omid_label {
    enum rsm_omid_kind kind;
    size_t len;              /* bytes read from the side */
    struct rsm_mli_result r; /* LABEL and FREE only */
};

/* Offers @buf[0..@len) (borrowed) to the process's media label libraries (built-ins,
 * then the plugins of $RSM_MLI_DIR, loaded on first use and reported on stderr).
 * Returns RSM_OK with *@out filled, or RSM_E_BAD_FORMAT when nothing claims it (a blank
 * @len 0 included); RSM_E_INVALID_PARAMETER for NULL @out or @buf with @len > 0. */
rsm_rc rsm_omid_claim(const uint8_t *buf, size_t len, struct rsm_mli_result *out);

/* Reads the first block of the tape loaded in @drv (rewound before and after, at most
 * the largest label any library wants) and classifies it. RSM_OK with *@out filled;
 * RSM_E_NOMEM; RSM_E_DEVICE_NOT_AVAILABLE when the drive fails to read (nothing to say
 * about the tape then). A tape that starts with a filemark is FOREIGN. */
rsm_rc rsm_omid_claim_mounted(struct rsm_drv *drv, struct rsm_omid_label *out);

/* The OMID pass of an inventory: the cartridge from slot @addr is loaded in drive
 * @drive of @dev (the engine's handle, robot held); claims its label and keeps the
 * result for rsm_omid_label_at(@dev, @addr). A blank, foreign or unreadable tape keeps
 * nothing (the cartridge stays Unrecognized). */
void rsm_omid_note_mounted(struct rsm_dev_lib *dev, size_t drive, uint16_t addr);
/* The label noted for slot @addr of @dev as devreg.h wants it, or NULL (nothing noted:
 * blank or foreign). Borrowed: valid until rsm_omid_forget(@dev). */
const struct rsm_dev_label *rsm_omid_label_at(const struct rsm_dev_lib *dev, uint16_t addr);
/* A cartridge the database already has in that slot without a barcode, registered
 * Unrecognized by an earlier (fast) inventory, read again by an OMID inventory: @label
 * (from rsm_omid_label_at(); NULL: nothing claimed) moves medium @pm to the Free pool
 * (free label: sides Available) or the Import pool (sides Import) of its media type with
 * the OMID recorded, in one transaction. Only Unrecognized media change (and Import
 * ones whose tape now has the free label); Free and application pools are left alone,
 * and so is a label another medium already carries (the cartridge is that one:
 * the operator sorts it out). RSM_OK also when nothing changed; DB errors. */
rsm_rc rsm_omid_reclassify(struct rsm_engine *e, const struct rsm_guid *pm,
                           const struct rsm_dev_label *label);
/* Drops every note kept for @dev (end of a reconciliation; start of an OMID pass). */
void rsm_omid_forget(const struct rsm_dev_lib *dev);

/* Writes RSM's free-media label for physical medium @pm on the tape loaded in @drv
 * (rewind, one 160-byte block, one filemark, rewind) and records it as the OMID of every
 * side of @pm (type "RSM", id = the medium's 16 GUID bytes), in one transaction after the
 * write. RSM_E_INVALID_MEDIA for an unknown medium, RSM_E_DEVICE_NOT_AVAILABLE when a
 * write fails (the database is then unchanged), WRITE_PROTECT for a protected tape. */
rsm_rc rsm_omid_write_free_label(struct rsm_engine *e, struct rsm_drv *drv,
                                 const struct rsm_guid *pm);

/* "rsm freemedia": prepares physical medium @pm (in a library this engine drives) for
 * the Free pool of its media type: MoveToNtmsMediaPool's rules and rights apply (it is
 * moved first, its sides UNPREPARED; a medium with an Allocated, Complete or Reserved
 * side is refused and its tape never touched), then a library request
 * (NTMS_LM_WRITESCRATCH, alone in the library like an inventory) mounts it in a free
 * drive, writes the free label, puts it back and makes the sides AVAILABLE; the call
 * waits for it. Unlike a plain move it writes the label again on a medium already in
 * Free. Errors: those of rsm_media_move(); MEDIA_OFFLINE when the medium is in no
 * library; BUSY when no drive is free; the device's errors (the medium stays in Free,
 * sides UNPREPARED, its old label unchanged). NOT_SUPPORTED without the device layer. */
rsm_rc rsm_omid_free_media(struct rsm_engine *e, const struct rsm_caller *c,
                           const struct rsm_guid *pm);

/* ---- media entering a Free pool (ntms-api.md §2.6 MoveToNtmsMediaPool rule 2) ----------
 *
 * media.c calls these for every path that puts a medium into a Free pool
 * (MoveToNtmsMediaPool, DeallocateNtmsMedia with NTMS_DEALLOCATE_TOSCRATCH,
 * ChangeNtmsMediaType): inside its transaction rsm_omid_label_owed() says whether the
 * medium's library is one this engine can write labels in; if so the sides enter Free
 * UNPREPARED, and after the commit rsm_omid_queue_free_label() queues the WRITESCRATCH
 * request that makes them AVAILABLE. Media of other libraries (the offline library, one
 * registered without a device URI, a disabled one, or a program without the device
 * layer) enter Free AVAILABLE with their tape unchanged. */

/* True when physical media of @library get their free label written on entering Free:
 * the device layer is linked, @library is not the offline library, is enabled and was
 * added by device URI. e->mu held (inside the caller's transaction); no device I/O. */
bool rsm_omid_label_owed(struct rsm_engine *e, const struct rsm_guid *library);

/* Queues the NTMS_LM_WRITESCRATCH request of physical medium @pm (sides already
 * UNPREPARED, committed) on its library. @wait false: returns once it is queued (one
 * already queued or running for @pm is reused); its progress is the libreq object's
 * (QUEUED, INPROCESS, then PASSED with the sides AVAILABLE, or FAILED with its error and
 * the sides still UNPREPARED). @wait true: waits for it and returns its result.
 * *@request (may be NULL) gets the request's GUID. e->mu not held. Errors (nothing
 * queued, the sides stay UNPREPARED): those of rsm_lc_lib_get() (the device does not
 * open), NOMEM, CANCELLED (engine closing), DB failures. */
rsm_rc rsm_omid_queue_free_label(struct rsm_engine *e, const struct rsm_caller *c,
                                 const struct rsm_guid *pm, bool wait, struct rsm_guid *request);

/* Waits until no WRITESCRATCH request of @pm is queued or running in @e (at once if
 * there is none). RSM_OK; BUSY when one is queued but cannot start until a dismount
 * (every drive holds a cartridge, or @pm is in one: nothing runs in its library);
 * TIMEOUT after @timeout_ms (UINT32_MAX: forever). For callers that need the drives and
 * slots as they were (tests). e->mu not held. */
rsm_rc rsm_omid_free_label_wait(struct rsm_engine *e, const struct rsm_guid *pm,
                                uint32_t timeout_ms);

/* Medium @pm has just left Free (committed): a WRITESCRATCH request of it still queued
 * is failed now (INVALID_MEDIA_POOL) rather than at the next dispatch, since its label is
 * no longer owed. e->mu not held. */
void rsm_omid_left_free(struct rsm_engine *e, const struct rsm_guid *pm);

/* media.c: MoveToNtmsMediaPool of @pm into @pool (rsm_media_move()'s rules, rights and
 * transaction) that also reports whether a free label is owed: *@owed true when the sides
 * were left UNPREPARED and the caller must queue the request. @force (a Free @pool) owes
 * the label even when the medium is already in that pool with its free label written. */
rsm_rc rsm_media_move_free(struct rsm_engine *e, const struct rsm_caller *c,
                           const struct rsm_guid *pm, const struct rsm_guid *pool, bool force,
                           bool *owed);

#endif
