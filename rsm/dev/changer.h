/* SPDX-License-Identifier: MIT
 * rsm/dev/changer.h - the medium changer driver (SMC-3) over a struct xport.
 *
 * What it models: one changer logical unit (PDT 08h). Opening it checks the device type,
 * waits until it is ready (UNIT ATTENTIONs recorded as events, NOT READY 04/01 retried
 * within a budget), reads its identity (INQUIRY, VPD 80h, 83h), its element layout (MODE
 * SENSE page 1Dh, DBD=1 then DBD=0), its capabilities (page 1Fh, optional) and its command
 * timeouts (REPORT SUPPORTED OPERATION CODES with RCTD, optional). After that each call is
 * one SMC operation whose result is an enum rsm_dev_rc with the device's sense kept for
 * rsm_chg_last_sense().
 *
 * Element status is read per element type, paged by start address: each READ ELEMENT
 * STATUS asks for every element still missing with an ALLOCATION LENGTH sized from the
 * descriptor length and byte count the changer reported, and a short answer continues at
 * the next address. VolTag and DVCID are asked for; a changer that refuses them with
 * ILLEGAL REQUEST 24/00 is asked again without DVCID, then without VolTag (as Linux ch
 * does), and the refusal is remembered for the handle's life.
 *
 * Ownership: the transport given to rsm_chg_open() is borrowed (it must outlive the
 * handle) unless rsm_chg_open_uri() opened it. Threads: one thread at a time per handle.
 */
#ifndef OPENRSM_RSM_DEV_CHANGER_H
#define OPENRSM_RSM_DEV_CHANGER_H

#include "rsm/dev/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

struct xport;
struct rsm_chg;

/* Element layout from page 1Dh: first address and count per element type. */
struct rsm_chg_range {
    uint16_t first, count;
};
struct rsm_chg_layout {
    struct rsm_chg_range mt, st, ie, dt;
};

/* Page 1Fh. @valid is false when the changer does not serve the page (then every move
 * is assumed allowed and the changer decides). move[]/exchange[] are indexed by source
 * type - 1 (MT, ST, IE, DT); bits RSM_CHG_CAP_<type> name the allowed destinations. */
#define RSM_CHG_CAP_MT 0x01
#define RSM_CHG_CAP_ST 0x02
#define RSM_CHG_CAP_IE 0x04
#define RSM_CHG_CAP_DT 0x08
struct rsm_chg_caps {
    bool valid;
    uint8_t stor; /* element types that can hold media */
    uint8_t move[4], exchange[4];
};

/* One element as READ ELEMENT STATUS reported it. */
#define RSM_CHG_BARCODE_CAP 33
struct rsm_chg_elem {
    uint16_t addr;
    uint8_t type; /* enum t10_elem_type: 1 MT, 2 ST, 3 IE, 4 DT */
    bool full, access, except, impexp, inenab, exenab;
    uint8_t asc, ascq; /* valid when except */
    bool src_valid, invert;
    uint16_t src_addr;                 /* 0 unless src_valid */
    uint8_t medium;                    /* enum t10_medium_type: 1 data, 2 cleaning, 4 WORM ... */
    char barcode[RSM_CHG_BARCODE_CAP]; /* primary volume tag; "" none/unreadable */
    char alt_barcode[RSM_CHG_BARCODE_CAP]; /* alternate volume tag; "" none          */
    /* DT only: */
    bool id_valid, lu_valid;
    uint8_t scsi_id, lun;
    uint8_t ident_type, ident_code_set; /* DVCID block, when ident_len > 0 */
    uint8_t ident_len;
    uint8_t ident[RSM_DEV_ID_CAP];
};

/* A set of elements in ascending address order. Owned: rsm_chg_status_free().
 * A zeroed struct is empty. rsm_chg_read_all() reuses the array of a status it filled
 * before (@cap says its room), so a caller that inventories again and again does not
 * allocate each time. */
struct rsm_chg_status {
    size_t n, cap;
    struct rsm_chg_elem *elems;
    bool voltag, dvcid; /* what the data carries (after any fallback) */
};
void rsm_chg_status_free(struct rsm_chg_status *st);

/* rsm_chg_open() - open the changer on @xp (borrowed). @opts may be NULL (defaults).
 * Returns OK with *@out owned (rsm_chg_close()); WRONG_TYPE if INQUIRY is not PDT 08h;
 * PROTOCOL if page 1Dh cannot be read (without it no element can be addressed: Linux
 * ch attaches with zero elements, FreeBSD refuses, so do we); the TUR loop's result
 * (NOT_READY, BECOMING_READY after the budget, DOOR_OPEN ...) if it never became ready.
 * On failure *@out is NULL and @xp is untouched. */
enum rsm_dev_rc rsm_chg_open(struct xport *xp, const struct rsm_dev_opts *opts,
                             struct rsm_chg **out);
/* Same, opening the transport from @uri; the handle owns it. TRANSPORT if it cannot. */
enum rsm_dev_rc rsm_chg_open_uri(const char *uri, const struct rsm_dev_opts *opts,
                                 struct rsm_chg **out);
void rsm_chg_close(struct rsm_chg *chg);

/* Borrowed views, valid until close. */
const struct rsm_dev_ident *rsm_chg_ident(const struct rsm_chg *chg);
const struct rsm_chg_layout *rsm_chg_layout(const struct rsm_chg *chg);
const struct rsm_chg_caps *rsm_chg_caps(const struct rsm_chg *chg);
const struct rsm_dev_sense *rsm_chg_last_sense(const struct rsm_chg *chg);
struct xport *rsm_chg_xport(const struct rsm_chg *chg);

/* Events (enum rsm_dev_event bits) seen since the last call; clears them. */
uint32_t rsm_chg_events(struct rsm_chg *chg);
/* Timeout used for @opcode, and whether it came from RSOC. */
uint32_t rsm_chg_timeout_ms(const struct rsm_chg *chg, uint8_t opcode, bool *from_rsoc);
/* Commands sent on this handle so far (re-sends included). */
unsigned long rsm_chg_commands(const struct rsm_chg *chg);

/* TEST UNIT READY with the UA and 04/01 rules. */
enum rsm_dev_rc rsm_chg_test_ready(struct rsm_chg *chg);

/* rsm_chg_read_status() - READ ELEMENT STATUS of @count elements of @type (1..4) from
 * address @first (0: the type's first), paged as the file comment says.
 * @flags: RSM_CHG_RES_VOLTAG, RSM_CHG_RES_DVCID (asked, subject to fallback),
 * RSM_CHG_RES_CURDATA (no motion: the cached state).
 * @out is filled (owned) on OK and empty on failure. PROTOCOL if the data cannot be
 * decoded or the changer keeps answering with no progress. */
#define RSM_CHG_RES_VOLTAG  0x01u
#define RSM_CHG_RES_DVCID   0x02u
#define RSM_CHG_RES_CURDATA 0x04u
enum rsm_dev_rc rsm_chg_read_status(struct rsm_chg *chg, uint8_t type, uint16_t first,
                                    uint16_t count, unsigned flags, struct rsm_chg_status *out);
/* Every element of every type in the layout (MT, ST, IE, DT), in address order (types
 * are read in the order of their first addresses). DVCID is asked only for drives (it
 * means nothing elsewhere). @out must be zeroed or hold an earlier result, whose array is
 * reused when large enough; on failure out->n is 0 (the array stays, still owned). */
enum rsm_dev_rc rsm_chg_read_all(struct rsm_chg *chg, unsigned flags, struct rsm_chg_status *out);

/* MOVE MEDIUM from @src to @dst with the default transport (0). */
enum rsm_dev_rc rsm_chg_move(struct rsm_chg *chg, uint16_t src, uint16_t dst);
/* EXCHANGE MEDIUM: @src -> @dst1, the medium of @dst1 -> @dst2. */
enum rsm_dev_rc rsm_chg_exchange(struct rsm_chg *chg, uint16_t src, uint16_t dst1, uint16_t dst2);
/* INITIALIZE ELEMENT STATUS (07h), then waits until the changer is ready again. */
enum rsm_dev_rc rsm_chg_init_status(struct rsm_chg *chg);
/* INITIALIZE ELEMENT STATUS WITH RANGE for @count elements from @first, with opcode 37h
 * or the vendor alias E7h, whichever RSOC lists (37h if RSOC says nothing; on 20/00 the
 * other one is tried once). Waits until ready again. */
enum rsm_dev_rc rsm_chg_init_status_range(struct rsm_chg *chg, uint16_t first, uint16_t count);
/* PREVENT ALLOW MEDIUM REMOVAL: locks the mail slots and door (@prevent) or releases. */
enum rsm_dev_rc rsm_chg_prevent(struct rsm_chg *chg, bool prevent);
/* OPEN / CLOSE IMPORT/EXPORT ELEMENT for the mail slot at @addr (0: all, SMC-3). */
enum rsm_dev_rc rsm_chg_ie_open(struct rsm_chg *chg, uint16_t addr);
enum rsm_dev_rc rsm_chg_ie_close(struct rsm_chg *chg, uint16_t addr);

/* REPORT LUNS on the changer's target (select report 0): up to @cap LUNs into @luns,
 * *@n how many were stored. */
enum rsm_dev_rc rsm_chg_report_luns(struct rsm_chg *chg, uint16_t *luns, size_t cap, size_t *n);

/* The range of @type in the layout (NULL for an unknown type). */
const struct rsm_chg_range *rsm_chg_range_of(const struct rsm_chg_layout *l, uint8_t type);
/* Element type of @addr per the layout, or 0 if the address is in no range. */
uint8_t rsm_chg_type_of(const struct rsm_chg_layout *l, uint16_t addr);

#ifdef __cplusplus
}
#endif

#endif
