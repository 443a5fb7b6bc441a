/* SPDX-License-Identifier: MIT
 * Fixture of test_rsm_ieclean: a simulated library built from a YAML text of the test's
 * own (virtual clock), attached as "sim:<name>" so the engine reaches it while the test
 * keeps the vtl_system for faults and operator actions; an embedded session on a fresh
 * directory with the library added; the engine's import/export clock tied to the
 * library's virtual clock (rsm_iec_set_clock), so cleaning cycles and port timeouts cost
 * no wall time. Single-threaded: the test touches the simulator only between API calls.
 */
#ifndef OPENRSM_RSM_IECLEAN_TESTS_FIX_H
#define OPENRSM_RSM_IECLEAN_TESTS_FIX_H

#include <stdbool.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/api/session.h"
#include "rsm/engine/ieclean.h"
#include "sim/core/fault.h"
#include "sim/system.h"

struct ifix {
    char dir[256]; /* database directory (and the YAML file) */
    char name[64]; /* sim: name the library is attached under */
    char uri[80];  /* "sim:<name>" */
    struct vtl_system *sys;
    struct vtl_library *vl;
    struct vtl_ctl_drive_hooks hooks;
    HANDLE h;
    struct rsm_engine *e;
    struct rsm_caller c;
    NTMS_GUID lib;
    struct rsm_guid glib;
};

/* Builds the library of @yaml (a complete config text; NULL: the default below), opens a
 * session and adds the library. 0 on success. The default: ibm-ts4300, 2 LTO-8 drives,
 * 12 slots, 2 mail slots, A00000L8..A00005L8 in slots 1-6, no cleaner, virtual clock. */
int ifix_open(struct ifix *f, const char *yaml);
/* Closes the session and the library (and removes the directory). */
void ifix_close(struct ifix *f);
/* Session only (the library stays attached), and back. */
void ifix_close_session(struct ifix *f);
int ifix_reopen_session(struct ifix *f);
/* Detaches and closes the simulated library (after ifix_close_session); then, with @yaml
 * not NULL, builds a new one of that text under the same name. 0 on success. */
int ifix_replace_library(struct ifix *f, const char *yaml);

/* Virtual time passes (the library's clock, due events run). */
void ifix_advance_ms(struct ifix *f, uint64_t ms);
/* One tick of the engine's periodic work for the library. */
rsm_rc ifix_tick(struct ifix *f);

/* Operator puts @barcode (cleaning: @uses left) into a mail slot; returns its address or 0. */
uint16_t ifix_operator_inject(struct ifix *f, const char *barcode, int uses);
/* Operator takes whatever is in mail slot @n (1-based); true if there was a cartridge. */
bool ifix_operator_remove(struct ifix *f, unsigned n);
/* Element address of the @n-th (1-based) element of @type, and its snapshot. */
uint16_t ifix_addr(struct ifix *f, enum vtl_elem_type type, unsigned n);
bool ifix_elem(struct ifix *f, uint16_t addr, struct vtl_elem_info *out);
/* Address of the element holding @barcode in the simulator, 0 if none. */
uint16_t ifix_where(struct ifix *f, const char *barcode);

/* Database lookups (engine of the session). */
int ifix_pmedia(struct ifix *f, const char *barcode, struct rsm_guid *out);
int ifix_element(struct ifix *f, uint32_t type, uint32_t n, struct rsm_guid *out);
struct rsm_objinfo ifix_get(struct ifix *f, const struct rsm_guid *g, uint32_t type);
/* One integer from the database: @sql with ?1 bound to @g (may be NULL). -1 if no row. */
int64_t ifix_q(struct ifix *f, const char *sql, const struct rsm_guid *g);
/* Open (submitted) operator requests of kind @request. */
unsigned ifix_opreqs(struct ifix *f, uint32_t request);

/* Waits (real time, at most 10 s) until the engine's queue has no open library request:
 * work the engine starts on its own (a scratch label written when a medium becomes free)
 * runs in its threads, and the test must not touch the simulator meanwhile. */
void ifix_settle(struct ifix *f);
/* Moves medium @pm to the Free pool of its media type, then settles. 0 on success. */
int ifix_to_free(struct ifix *f, const struct rsm_guid *pm);
/* An allocated LMID on @barcode (Free pool, then application pool "Soak"). 0 on success. */
int ifix_allocate(struct ifix *f, const char *barcode, NTMS_GUID *lmid);

/* Compares the database with the simulator: every cartridge the simulator holds (slots,
 * drives, mail slots) is the medium of that barcode at that element in the database, and
 * the database places no other medium in the library. Returns the number of differences
 * (each printed to stderr). */
unsigned ifix_diff(struct ifix *f);

#endif
