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
#include <stdint.h>

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
    /* Hard failure: HARDWARE ERROR @asc_ascq (0 = 44/00) on every command but INQUIRY,
     * REQUEST SENSE and REPORT LUNS, until fault_clear. */
    enum vtl_rc (*fault_hard)(void *priv, unsigned index, uint16_t asc_ascq);
    /* Clears every injected drive fault (the repair). */
    enum vtl_rc (*fault_clear)(void *priv, unsigned index);
    /* Reading logical block @block of @partition fails MEDIUM ERROR 11/00. */
    enum vtl_rc (*fault_read_error)(void *priv, unsigned index, unsigned partition,
                                    uint64_t block);
    /* The next @count WRITE commands fail MEDIUM ERROR 0C/00. */
    enum vtl_rc (*fault_write_error)(void *priv, unsigned index, unsigned count);
    /* The next @count commands (opcode @opcode, -1 any) on the drive's LUN fail with
     * @key/@asc_ascq. */
    enum vtl_rc (*fault_sense)(void *priv, unsigned index, int opcode, uint8_t key,
                               uint16_t asc_ascq, unsigned count);
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
