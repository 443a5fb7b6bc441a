/* SPDX-License-Identifier: MIT
 * sim/system.h - one whole virtual library: the changer (sim/core + sim/target), its tape
 * drives (sim/drive) on LUN 1..N, their tape images (sim/tape), and its state directory.
 *
 * Every front end that serves a library builds it through here, so vtld, the in-process
 * transport ("sim:"), the scenario runner and the fuzz targets all see the same device:
 *
 *   vtl_system_open(config_path or NULL for the default library, state_dir or NULL, ...)
 *   vtl_lun_execute(vtl_system_library(sys), lun, cmd)   LUN 0 changer, 1..N drives
 *   vtl_system_run_due(sys)                              from the owner's event loop
 *   vtl_system_close(sys)                                saves the state, frees
 *
 * With a state directory, the library's state (STATE/library.state) is loaded at open
 * when present (a damaged file is refused, not half-applied) and tape images live in
 * STATE/tapes/. Without one, everything is in memory (tape images in a private temporary
 * directory removed at close).
 *
 * Threads: like the library, a system belongs to the thread that runs its event loop.
 */
#ifndef OPENRSM_SIM_SYSTEM_H
#define OPENRSM_SIM_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/library.h"
#include "sim/ctl/ctl.h"
#include "sim/target/cmd.h"

struct vtl_system;
struct vtl_config;
struct vtl_drive;

/* Task management functions, numbered as SAM-5 / RFC 7143 number them. */
enum vtl_tmf {
    VTL_TMF_ABORT_TASK = 1,
    VTL_TMF_ABORT_TASK_SET = 2,
    VTL_TMF_CLEAR_ACA = 3,
    VTL_TMF_CLEAR_TASK_SET = 4,
    VTL_TMF_LUN_RESET = 5,
    VTL_TMF_TARGET_WARM_RESET = 6,
    VTL_TMF_TARGET_COLD_RESET = 7,
};
/* Task management results (RFC 7143 response codes). */
enum vtl_tmf_rsp {
    VTL_TMF_RSP_COMPLETE = 0,
    VTL_TMF_RSP_NO_TASK = 1,
    VTL_TMF_RSP_NO_LUN = 2,
    VTL_TMF_RSP_NOT_SUPPORTED = 5,
};

/* Builds the library of @config_path (NULL: the default library) with its drives. On
 * failure *@out is NULL and @err gets "file:line:column: what was expected" for a bad
 * config, or the reason. */
enum vtl_rc vtl_system_open(const char *config_path, const char *state_dir, struct vtl_system **out,
                            char *err, size_t err_cap);
/* The same from a configuration already loaded (vtl_config_load_string(), a caller's own
 * edits): @cfg is owned by the system from the call on, freed with it or, on failure,
 * before this returns. Lets a program that embeds a library in a document of its own
 * (the scenario runner) build exactly the device vtld would serve. */
enum vtl_rc vtl_system_open_config(struct vtl_config *cfg, const char *state_dir,
                                   struct vtl_system **out, char *err, size_t err_cap);
/* Saves the state (when there is a state directory) and frees everything. */
void vtl_system_close(struct vtl_system *sys);

/* The changer's library (borrowed; lives as long as @sys). */
struct vtl_library *vtl_system_library(struct vtl_system *sys);
/* Number of drives. */
unsigned vtl_system_drive_count(const struct vtl_system *sys);
/* Drive @index (0-based; LUN index+1), borrowed for the life of @sys; NULL past the last.
 * For owners that act on a drive directly (faults, dirt, status), as vtld's control
 * hooks and the scenario runner do. */
struct vtl_drive *vtl_system_drive(struct vtl_system *sys, unsigned index);
/* The configuration the library was built from (borrowed for the life of @sys). */
const struct vtl_config *vtl_system_config(const struct vtl_system *sys);

/* The LUNs served, in order (0, then each drive's); returns how many (at most @cap). */
size_t vtl_system_luns(const struct vtl_system *sys, uint16_t *luns, size_t cap);

/* I_T nexus life: one id for every LUN of the library. Closing it (logout, connection
 * loss) drops its unit attentions, reservations and PREVENT on the changer and on every
 * drive. */
uint64_t vtl_system_nexus_open(struct vtl_system *sys);
void vtl_system_nexus_close(struct vtl_system *sys, uint64_t nexus_id);

/* Runs due clock events (robot motions, drive loads, rewinds). */
void vtl_system_run_due(struct vtl_system *sys);

/* Task management for @nexus_id on @lun (@cmd: the task, for ABORT TASK). Returns an enum
 * vtl_tmf_rsp. Resets raise the unit attentions SAM-5 names to every nexus. */
int vtl_system_task_mgmt(struct vtl_system *sys, uint64_t nexus_id, int fn, uint16_t lun,
                         struct vtl_cmd *cmd);

/* Hooks through which vtld's control protocol reaches the drives. */
void vtl_system_ctl_hooks(struct vtl_system *sys, struct vtl_ctl_drive_hooks *out);

#endif
