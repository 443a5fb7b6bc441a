/* SPDX-License-Identifier: MIT
 * sim/target/cmd.h - one SCSI command as every front end hands it to libvtl.
 *
 * This is the contract between the device model (sim/target: spc.c, smc.c, ssc.c) and its
 * front ends (in-process callers through transport "sim:", sim/iscsi, sim/tcmu, the fuzz
 * target, the scenario runner). A front end fills the "in" half, calls
 * vtl_lun_execute(), and reads the "out" half when the command completes.
 *
 * Completion: vtl_lun_execute() returns VTL_EXEC_DONE when the command finished during the
 * call (the common case, and always so with a zero-delay or virtual clock unless a fault
 * or a long robot motion is scheduled), or VTL_EXEC_PENDING when it waits on the library
 * clock (robot motion, load, rewind under a real or scaled clock); then cmd->done(cmd) is
 * called exactly once, later, from the thread that drives the library's event loop
 * (vtl_library_run_due()). A front end must not free or reuse @cmd before completion.
 *
 * Threads: a library and everything in it belongs to one thread (the event loop). Front
 * ends running elsewhere hand commands over through their own queue.
 *
 * Data: data_out (initiator -> device, e.g. MODE SELECT parameter list) is borrowed for
 * the duration of the command. data_in (device -> initiator) is a buffer the front end
 * provides with room for data_in_cap bytes; the device writes at most that much and sets
 * data_in_len to the bytes it produced (already clipped to the CDB's ALLOCATION LENGTH
 * and to data_in_cap). Front ends compute residuals from data_in_len and their
 * expected transfer length.
 */
#ifndef OPENRSM_SIM_TARGET_CMD_H
#define OPENRSM_SIM_TARGET_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VTL_CDB_MAX   32   /* longest CDB accepted (variable-length CDBs are not served) */
#define VTL_SENSE_MAX 252  /* SPC: sense data is at most 252 bytes */

/* SAM-5 status codes. */
enum vtl_status {
    VTL_STATUS_GOOD                 = 0x00,
    VTL_STATUS_CHECK_CONDITION      = 0x02,
    VTL_STATUS_CONDITION_MET        = 0x04,
    VTL_STATUS_BUSY                 = 0x08,
    VTL_STATUS_RESERVATION_CONFLICT = 0x18,
    VTL_STATUS_TASK_SET_FULL        = 0x28,
    VTL_STATUS_ACA_ACTIVE           = 0x30,
    VTL_STATUS_TASK_ABORTED         = 0x40,
};

enum vtl_exec { VTL_EXEC_DONE = 0, VTL_EXEC_PENDING = 1 };

struct vtl_cmd;
typedef void vtl_cmd_done_fn(struct vtl_cmd *cmd);

/* Owned by the front end; see the file comment for who may touch what when. */
struct vtl_cmd {
    /* ---- in: set by the front end before vtl_lun_execute() ---- */
    uint8_t cdb[VTL_CDB_MAX];
    size_t cdb_len;
    uint64_t nexus_id;          /* identifies the I_T nexus (initiator port + target port):
                                 * unit attentions and reservations are kept per nexus.
                                 * Front ends get one from vtl_nexus_open(). */
    const uint8_t *data_out;    /* borrowed; parameter data from the initiator */
    size_t data_out_len;
    uint8_t *data_in;           /* front end's buffer, data_in_cap bytes */
    size_t data_in_cap;
    vtl_cmd_done_fn *done;      /* called once if vtl_lun_execute() returned PENDING */
    void *front_priv;           /* front end's cookie, untouched by libvtl */

    /* ---- out: valid once the command is complete ---- */
    uint8_t status;             /* enum vtl_status */
    size_t data_in_len;         /* bytes placed in data_in */
    uint8_t sense[VTL_SENSE_MAX];
    size_t sense_len;           /* 0 unless status is CHECK CONDITION */

    /* ---- private to libvtl ---- */
    void *vtl_priv;
};

#endif
