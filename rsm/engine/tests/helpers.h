/* SPDX-License-Identifier: MIT
 * Shared fixtures of the engine's CUnit suites: a session on a fresh database directory,
 * a robotic library built through the device-registration interface, and small lookups.
 */
#ifndef RSM_ENGINE_TESTS_HELPERS_H
#define RSM_ENGINE_TESTS_HELPERS_H

#include <ntmsapi.h>

#include "rsm/api/session.h"
#include "rsm/engine/devreg.h"
#include "tests/lib/cutest.h"

struct fx {
    char dir[256];
    char server[300];
    HANDLE h;
    struct rsm_engine *e;
    GUID lib, lto, dlt, mo; /* library; LTO, DLT and two-sided MO media types */
    GUID slots[32];
    GUID media[32]; /* cartridges registered in slots, in order */
    int n_media;
};

/* Fresh directory and session; no library. */
void fx_open(struct fx *f);
/* fx_open plus a library "LIB1" with @n_slots slots, 2 drives, a changer, a port and a door,
 * and @n_media LTO cartridges "A%05dL8" in the first slots (unlabelled: Unrecognized). */
void fx_library(struct fx *f, int n_slots, int n_media);
/* Closes the session and removes the directory. */
void fx_close(struct fx *f);

/* The engine's invariants hold (CU assertion with the reason printed). */
void fx_check(struct fx *f);

/* Application leaf pool @path of media type @mt with allocation policies. */
GUID fx_pool(struct fx *f, const char *path, const GUID *mt, DWORD alloc_policy,
             DWORD dealloc_policy);
/* System pool of @pool_type for media type @mt. */
GUID fx_system_pool(struct fx *f, DWORD pool_type, const GUID *mt);
/* Moves cartridge @i to the free pool (asserting success). */
void fx_to_free(struct fx *f, int i);

/* Object information (W) of @id with type @type; asserts success. */
void fx_get(struct fx *f, const GUID *id, DWORD type, NTMS_OBJECTINFORMATIONW *out);
/* First side of medium @pm. */
GUID fx_side(struct fx *f, const GUID *pm, int side_no);
/* Count of objects of @type in @container (NULL = all). */
DWORD fx_count(struct fx *f, const GUID *container, DWORD type);

#endif
