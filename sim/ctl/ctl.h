/* SPDX-License-Identifier: MIT
 * sim/ctl/ctl.h - the control protocol of vtld, without the sockets.
 *
 * vtl_ctl_handle() takes one request line (sim/ctl/PROTOCOL.md) and returns one response
 * line; vtld reads lines from its control socket and writes the answers back. Keeping the
 * protocol apart from the I/O lets the tests drive every command without a daemon.
 *
 * Every request is checked whole (command, argument names, types, ranges) before anything
 * is changed, so a bad request changes nothing. Requests that reach the library change it
 * through the operator and fault APIs of sim/core (library.h, fault.h): the library then
 * raises the unit attentions and element states that the real event would. Drives are
 * reached through the optional struct vtl_ctl_drive_hooks, so this module does not depend
 * on the drive emulation.
 *
 * Threads: everything here runs on the thread that owns the libraries (vtld's event loop).
 */
#ifndef OPENRSM_SIM_CTL_CTL_H
#define OPENRSM_SIM_CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/core/library.h"

/* What the control protocol can ask of the drives of one library. Every member may be
 * NULL (the command then answers NOT_SUPPORTED). @index is the 0-based drive index. */
struct vtl_ctl_drive_hooks {
    /* The drive asks for cleaning (TapeAlert 20/21, sense 00/17). */
    enum vtl_rc (*set_dirty)(void *priv, unsigned index);
    /* A short state word for status ("empty", "loading", "ready", "cleaning", ...) and the
     * TapeAlert flags (bit n-1 = flag n). */
    enum vtl_rc (*describe)(void *priv, unsigned index, const char **state,
                            unsigned long long *tapealert);
    void *priv;
};

struct vtl_ctl;

/* A new, empty dispatcher. Owned: vtl_ctl_free(). NULL on allocation failure. */
struct vtl_ctl *vtl_ctl_new(void);
void vtl_ctl_free(struct vtl_ctl *ctl);

/* Registers @lib (borrowed: must outlive @ctl) under @name. @state_dir (copied; may be
 * NULL) is where the library's state is saved after every change made through the
 * protocol. @hooks (copied; may be NULL) reaches its drives. VTL_E_EXISTS for a duplicate
 * name, VTL_E_INVAL for an empty one. */
enum vtl_rc vtl_ctl_add_library(struct vtl_ctl *ctl, const char *name, struct vtl_library *lib,
                                const char *state_dir, const struct vtl_ctl_drive_hooks *hooks);

/* Handles one request (@line, @len bytes, without the newline). Returns the response as
 * a NUL-terminated JSON object without a newline (owned: free()), or NULL only when memory
 * ran out. */
char *vtl_ctl_handle(struct vtl_ctl *ctl, const char *line, size_t len);

#endif
