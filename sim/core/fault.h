/* SPDX-License-Identifier: MIT
 * sim/core/fault.h - fault injection for tests, scenarios and vtlctl.
 *
 * Each call changes the library as the named real-world event would, and what hosts
 * see follows from that (sense data, unit attentions, element exceptions in READ ELEMENT
 * STATUS, TapeAlert flags). Faults persist until cleared the way the real fault is
 * cleared (a jam by a reset/INITIALIZE ELEMENT STATUS or vtl_fault_clear_jam()).
 * Same thread rules as library.h.
 */
#ifndef OPENRSM_SIM_CORE_FAULT_H
#define OPENRSM_SIM_CORE_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/library.h"

#define VTL_FAULT_ANY_OPCODE (-1)

/* The next @count commands on the changer LUN (any nexus) whose opcode equals @opcode
 * (or any, with VTL_FAULT_ANY_OPCODE) fail CHECK CONDITION with @sense_key and
 * @asc_ascq (T10_ASC(asc, ascq)) without being executed. Faults queue: each is used up
 * in order. VTL_E_INVAL for a count of 0 or a sense key above 0Fh. */
enum vtl_rc vtl_fault_next_cmd(struct vtl_library *lib, int opcode, uint8_t sense_key,
                               uint16_t asc_ascq, unsigned count);
/* Pending next-command faults. */
unsigned vtl_fault_pending_cmds(const struct vtl_library *lib);

/* Robot jam: every motion fails HARDWARE ERROR with @asc_ascq (0 = 15/01 mechanical
 * positioning error); the transport shows an exception in READ ELEMENT STATUS and
 * TapeAlert flag 01h (library hardware A) is set. Lasts until vtl_fault_clear_jam() or a
 * power-on reset; INITIALIZE ELEMENT STATUS fails too while jammed. */
void vtl_fault_robot_jam(struct vtl_library *lib, uint16_t asc_ascq);
void vtl_fault_clear_jam(struct vtl_library *lib);
bool vtl_fault_jammed(const struct vtl_library *lib);

/* Element @addr reports an exception with @asc_ascq (0 clears it). */
enum vtl_rc vtl_fault_element_exception(struct vtl_library *lib, uint16_t addr, uint16_t asc_ascq);

/* The label of cartridge @barcode becomes unreadable (or readable again): READ ELEMENT
 * STATUS reports PVolTag blank and the element an exception 83/00 (vendor: label
 * unreadable); SEND VOLUME TAG cannot find it. VTL_E_NOT_FOUND if not in the library. */
enum vtl_rc vtl_fault_barcode_unreadable(struct vtl_library *lib, const char *barcode,
                                         bool unreadable);

/* The main door is left open regardless of PREVENT (a person forced it): storage
 * elements lose ACCESS, TUR answers NOT READY 04/03 until the door closes. */
void vtl_fault_door_left_open(struct vtl_library *lib);

/* Power-on reset: 29/00 to every nexus; volatile state is lost as on real hardware:
 * prevent locks, reservations (not persistent ones with APTPL... none kept), mode page
 * current values back to saved, the robot stops (motions in flight fail), jam cleared,
 * SVALID sources kept (they are inventory). */
void vtl_fault_power_on_reset(struct vtl_library *lib);

/* A cartridge appears in mail slot @ie_addr (0 = first free), as if an operator put it
 * there: 28/01 to every nexus. Same rules as vtl_library_inject() except the lock. */
enum vtl_rc vtl_fault_cartridge_appears(struct vtl_library *lib, const struct vtl_cart_info *cart,
                                        uint16_t ie_addr);

/* TapeAlert flags (bit n-1 = flag n) currently set on the changer. */
uint64_t vtl_fault_tapealert(const struct vtl_library *lib);
void vtl_fault_set_tapealert(struct vtl_library *lib, unsigned flag, bool on);

#endif
