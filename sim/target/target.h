/* SPDX-License-Identifier: MIT
 * sim/target/target.h - the SCSI face of a virtual library: I_T nexuses and command
 * execution on its logical units.
 *
 * LUN 0 is the medium changer (SPC-4 commands in spc.c, SMC-3 commands in smc.c). LUNs
 * 1..N belong to the drives in bays 1..N: until the tape-drive emulation attaches a
 * handler with vtl_lun_attach(), they answer like absent units (INQUIRY peripheral
 * qualifier 011b, REQUEST SENSE and every other command LOGICAL UNIT NOT SUPPORTED 25/00).
 *
 * Answers a client can rely on (details in sim/README.md):
 *  - Unit attentions are queued per I_T nexus; INQUIRY, REPORT LUNS and REQUEST SENSE are
 *    never blocked by one (REQUEST SENSE returns the pending one as its data and clears
 *    it, SPC-4 5.14); every other command reports and clears the highest one.
 *  - While the robot moves, commands are not refused: motions queue behind the current
 *    one (FIFO, like a single-accessor library with command queuing) and other commands
 *    are answered at once from the current inventory. While an INITIALIZE ELEMENT STATUS
 *    runs, medium commands answer NOT READY 04/01 (becoming ready); INQUIRY, REQUEST
 *    SENSE, REPORT LUNS, RSOC, MODE/LOG SENSE and READ ELEMENT STATUS with CURDATA=1 are
 *    served.
 *  - Sense data is fixed or descriptor format following D_SENSE of control mode page 0Ah.
 *  - Opcodes without a handler answer ILLEGAL REQUEST 20/00; bad CDB fields 24/00 with a
 *    field pointer (SKSV); bad parameter lists 26/00 with a field pointer (C/D=0).
 *
 * Threads: the library's event-loop thread only, like library.h.
 */
#ifndef OPENRSM_SIM_TARGET_TARGET_H
#define OPENRSM_SIM_TARGET_TARGET_H

#include <stdint.h>

#include "sim/core/library.h"
#include "sim/target/cmd.h"

/* Opens an I_T nexus and returns its id (never 0... never reused while the library
 * lives). The new nexus starts with UNIT ATTENTION 29/00 POWER ON, RESET, OR BUS DEVICE
 * RESET OCCURRED pending, as after any login. Returns 0 only on allocation failure. */
uint64_t vtl_nexus_open(struct vtl_library *lib);

/* I_T nexus loss: drops the nexus's unit attentions, its PREVENT (the lock goes when no
 * other nexus holds one), its RESERVE(6/10) and its persistent-reservation registration
 * (releasing a reservation it held). Unknown ids are ignored. */
void vtl_nexus_close(struct vtl_library *lib, uint64_t nexus_id);

/* Executes @cmd on @lun (cmd.h says who owns what). A command naming a nexus id that was
 * never opened is executed on a nexus opened for it on the spot (with its 29/00 unit
 * attention), so simple front ends may use fixed ids.
 * Returns VTL_EXEC_DONE (status, data and sense are set) or VTL_EXEC_PENDING (cmd->done
 * will be called once, later, from vtl_library_run_due() or vtl_clock_advance()). */
enum vtl_exec vtl_lun_execute(struct vtl_library *lib, unsigned lun, struct vtl_cmd *cmd);

/* A handler for drive LUN @lun (1..64); NULL detaches. VTL_E_INVAL for LUN 0 or out of
 * range. The handler follows cmd.h exactly like vtl_lun_execute(). */
typedef enum vtl_exec vtl_lun_fn(void *priv, struct vtl_cmd *cmd);
enum vtl_rc vtl_lun_attach(struct vtl_library *lib, unsigned lun, vtl_lun_fn *fn, void *priv);

/* The sense key and ASC/ASCQ the changer reports for a library result (VTL_E_JAMMED is
 * HARDWARE ERROR with the library's jam code; see sim/README.md for the table). */
void vtl_rc_sense(const struct vtl_library *lib, enum vtl_rc rc, uint8_t *key, uint16_t *asc_ascq);

/* Completes @cmd with CHECK CONDITION and sense built in @lib's current format (fixed or
 * descriptor per D_SENSE). @field may be NULL (no sense-key specific data). Drive
 * emulations use it so every LUN of one library formats sense the same way. */
struct t10_field_ptr;
void vtl_cmd_check(const struct vtl_library *lib, struct vtl_cmd *cmd, uint8_t key,
                   uint16_t asc_ascq, const struct t10_field_ptr *field);

#endif
