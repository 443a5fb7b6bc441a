/* SPDX-License-Identifier: MIT
 * sim/core/fault.c - fault injection (contract in fault.h). Each fault changes library
 * state the way the real event would; sim/target reports what follows from that state.
 */
#include "sim/core/internal.h"

#include <string.h>

#include "scsi/t10.h"

#define ASC_MECH_POSITIONING T10_ASC(0x15, 0x01)
#define UA_POWER_ON          T10_ASC(0x29, 0x00)
#define TA_LIB_HARDWARE_A    0x01
#define TA_LIB_DOOR          0x10

/* Shared with library.c: operator-free placement in a mail slot. */
enum vtl_rc vtl_library_place_in_ie(struct vtl_library *lib, const struct vtl_cart_info *cart,
                                    uint16_t ie_addr, uint16_t *placed);

enum vtl_rc vtl_fault_next_cmd(struct vtl_library *lib, int opcode, uint8_t sense_key,
                               uint16_t asc_ascq, unsigned count)
{
    if (count == 0 || sense_key > 0x0F || opcode < VTL_FAULT_ANY_OPCODE || opcode > 0xFF)
        return VTL_E_INVAL;
    if (lib->n_cmd_faults == VTL_MAX_CMD_FAULTS)
        return VTL_E_NOMEM;
    lib->cmd_faults[lib->n_cmd_faults++] = (struct vtl_cmd_fault){
        .opcode = opcode, .key = sense_key, .asc_ascq = asc_ascq, .count = count};
    return VTL_OK;
}

unsigned vtl_fault_pending_cmds(const struct vtl_library *lib)
{
    unsigned n = 0;
    for (unsigned i = 0; i < lib->n_cmd_faults; i++)
        n += lib->cmd_faults[i].count;
    return n;
}

void vtl_fault_set_tapealert(struct vtl_library *lib, unsigned flag, bool on)
{
    if (flag < 1 || flag > 64)
        return;
    uint64_t bit = UINT64_C(1) << (flag - 1);
    lib->tapealert = on ? lib->tapealert | bit : lib->tapealert & ~bit;
}

uint64_t vtl_fault_tapealert(const struct vtl_library *lib)
{
    return lib->tapealert;
}

void vtl_fault_robot_jam(struct vtl_library *lib, uint16_t asc_ascq)
{
    lib->jammed = true;
    lib->jam_asc = asc_ascq ? asc_ascq : ASC_MECH_POSITIONING;
    vtl_fault_set_tapealert(lib, TA_LIB_HARDWARE_A, true);
}

void vtl_fault_clear_jam(struct vtl_library *lib)
{
    lib->jammed = false;
    lib->jam_asc = 0;
}

bool vtl_fault_jammed(const struct vtl_library *lib)
{
    return lib->jammed;
}

enum vtl_rc vtl_fault_element_exception(struct vtl_library *lib, uint16_t addr, uint16_t asc_ascq)
{
    struct vtl_elem *e = vtl_elem_get(lib, addr);
    if (!e)
        return VTL_E_BAD_ADDR;
    e->except_asc = asc_ascq;
    vtl_library_changed(lib);
    return VTL_OK;
}

enum vtl_rc vtl_fault_barcode_unreadable(struct vtl_library *lib, const char *barcode,
                                         bool unreadable)
{
    uint16_t addr;
    if (vtl_library_find_barcode(lib, barcode, &addr) != VTL_OK)
        return VTL_E_NOT_FOUND;
    vtl_elem_get(lib, addr)->cart.label_unreadable = unreadable;
    vtl_library_changed(lib);
    return VTL_OK;
}

void vtl_fault_door_left_open(struct vtl_library *lib)
{
    lib->door_open = true;
    vtl_fault_set_tapealert(lib, TA_LIB_DOOR, true);
    vtl_library_changed(lib);
}

void vtl_fault_power_on_reset(struct vtl_library *lib)
{
    /* Motions in flight stop where they are: on real hardware the cartridge stays in its
     * source and the command never completes; here the command fails with a reset. */
    vtl_robot_abort_all(lib, VTL_E_ABORTED);
    vtl_library_reset_volatile(lib);
    lib->jammed = false;
    lib->jam_asc = 0;
    lib->tapealert = 0;
    lib->n_cmd_faults = 0;
    for (size_t i = 0; i < lib->n_elems; i++)
        lib->elems[i].except_asc = 0;
    vtl_ua_raise_all(lib, UA_POWER_ON, NULL);
    vtl_library_changed(lib);
}

enum vtl_rc vtl_fault_cartridge_appears(struct vtl_library *lib, const struct vtl_cart_info *cart,
                                        uint16_t ie_addr)
{
    return vtl_library_place_in_ie(lib, cart, ie_addr, NULL);
}
