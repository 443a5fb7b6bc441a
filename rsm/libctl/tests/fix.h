/* SPDX-License-Identifier: MIT
 * Helpers of test_rsm_libctl: an embedded session on a fresh directory, lookups of what
 * the engine registered (through the engine of the session, read-only), and a pool setup
 * that gives an allocated LMID to mount.
 */
#ifndef OPENRSM_RSM_LIBCTL_TESTS_FIX_H
#define OPENRSM_RSM_LIBCTL_TESTS_FIX_H

#include <stdbool.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/api/session.h"
#include "rsm/dev/library.h"
#include "rsm/engine/engine.h"

struct fix {
    char dir[256];
    HANDLE h;
    struct rsm_engine *e;
    struct rsm_caller c;
    NTMS_GUID lib;
};

/* Opens an embedded session on a fresh directory (fix->lib zero). 0 on success. */
int fix_open(struct fix *f);
/* Opens another session on the same directory (after fix_close_session). */
int fix_reopen(struct fix *f);
void fix_close_session(struct fix *f);
void fix_close(struct fix *f); /* session and directory */

/* Number of objects of @type in @container (NULL: all). */
unsigned fix_count(struct fix *f, const NTMS_GUID *container, uint32_t type);
/* The object; asserts it exists. */
struct rsm_objinfo fix_get(struct fix *f, const struct rsm_guid *g, uint32_t type);
/* The physical medium with @barcode in the database (any library); 0 if found. */
int fix_pmedia(struct fix *f, const char *barcode, struct rsm_guid *out);
/* The element (slot or drive) GUID of number @n of @type in library @lib. */
int fix_element(struct fix *f, uint32_t type, uint32_t n, struct rsm_guid *out);
/* Pool type of medium @pm's pool. */
uint32_t fix_pool_type(struct fix *f, const struct rsm_guid *pm);
/* Moves @barcode to the Free pool, then into application pool "Backup" and allocates it:
 * *@lmid. 0 on success. */
int fix_allocate(struct fix *f, const char *barcode, NTMS_GUID *lmid);
/* True when medium @pm is at element @loc / in library @lib. */
bool fix_location_is(struct fix *f, const struct rsm_guid *pm, const struct rsm_guid *loc);
bool fix_library_is(struct fix *f, const struct rsm_guid *pm, const struct rsm_guid *lib);
/* Counts the media of the library. */
unsigned fix_media_in_library(struct fix *f);
/* No cartridge lost: after a fresh inventory of @dev (another initiator's view of the
 * library of f->lib), every barcoded cartridge the changer holds is a medium of f->lib in
 * the database at that element (slot or drive by number, mail slot by type), and every
 * medium the database places in f->lib is where the changer has its barcode. 0 when they
 * match; otherwise -1 with the first difference in @why. */
int fix_db_matches_changer(struct fix *f, struct rsm_dev_lib *dev, char *why, size_t cap);

#endif
