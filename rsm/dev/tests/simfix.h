/* SPDX-License-Identifier: MIT
 * rsm/dev/tests/simfix.h - a private in-process library for rsm/dev's tests.
 *
 * The transport's sim: scheme keeps its library to itself, so fault injection
 * (sim/core/fault.h) needs a library of our own: simfix builds a vtl_system and hands out
 * struct xport adapters onto its LUNs (each its own I_T nexus, commands driven to
 * completion on the library's clock exactly as transport/sim.c does). A knob cuts READ
 * ELEMENT STATUS data at a byte count, as a changer with a small transfer limit would,
 * so paging can be tested.
 */
#ifndef OPENRSM_RSM_DEV_TESTS_SIMFIX_H
#define OPENRSM_RSM_DEV_TESTS_SIMFIX_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/core/fault.h"
#include "sim/system.h"
#include "transport/transport.h"

struct simfix {
    struct vtl_system *sys;
    struct vtl_library *lib;
    struct vtl_ctl_drive_hooks hooks;
    size_t res_clip;                /* nonzero: READ ELEMENT STATUS data-in cut to this */
    unsigned res_max_elems;         /* nonzero: READ ELEMENT STATUS reports at most this many
                                     * elements per command (a changer's own cap) */
    bool res_no_dvcid;              /* the DVCID bit of READ ELEMENT STATUS is ignored, as by
                                     * changers older than SMC-3 */
    unsigned long n_res;            /* READ ELEMENT STATUS commands seen */
    unsigned long n_exec;           /* all commands seen */
    unsigned long n_becoming_ready; /* answers NOT READY 04/01 */
};

/* Builds the library of @config (NULL: the default library). 0 on success. */
int simfix_open(struct simfix *f, const char *config);
void simfix_close(struct simfix *f);
/* A new transport onto @lun (owned: xport_close() before simfix_close()). */
struct xport *simfix_xport(struct simfix *f, unsigned lun);
/* Same, with xport_uri() answering @uri (to look like another scheme). */
struct xport *simfix_xport_as(struct simfix *f, unsigned lun, const char *uri);

#endif
