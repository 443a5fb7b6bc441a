/* SPDX-License-Identifier: MIT
 * How the engine reaches the device layer (rsm/dev, the static library rsmdev).
 *
 * The engine calls the drivers; the drivers never call the engine (DESIGN.md). Programs
 * that link librsm without rsmdev must still link (the header tests, the scenario runner,
 * C++ users of librsm.so), so unless the build defines RSM_DEV_LINKED the functions the
 * engine uses are weak references: they resolve to the drivers when rsmdev is linked
 * (something in the program must pull its objects in, see rsm/libctl/tests/devlink.c) and
 * to NULL otherwise, and rsm_lc_dev_present() then says so: library control answers
 * RSM_E_NOT_SUPPORTED instead of crashing. Build with -DRSM_DEV_LINKED once librsm itself
 * links rsmdev.
 */
#ifndef RSM_ENGINE_DEVLINK_H
#define RSM_ENGINE_DEVLINK_H

#include <stdbool.h>

#include "rsm/dev/library.h"

#ifndef RSM_DEV_LINKED
#pragma weak rsm_dev_lib_open
#pragma weak rsm_dev_lib_close
#pragma weak rsm_dev_lib_inventory
#pragma weak rsm_dev_lib_events
#pragma weak rsm_dev_lib_find_barcode
#pragma weak rsm_dev_lib_elem
#pragma weak rsm_dev_lib_drive_at
#pragma weak rsm_dev_lib_mount
#pragma weak rsm_dev_lib_dismount
#pragma weak rsm_dev_lib_move_to_drive
#pragma weak rsm_dev_lib_drive_ready
#pragma weak rsm_dev_lib_drive_unload
#pragma weak rsm_dev_lib_move_from_drive
#pragma weak rsm_dev_lib_number
#pragma weak rsm_dev_lib_addr
#pragma weak rsm_dev_rc_name
#pragma weak rsm_dev_sense_text
#pragma weak rsm_chg_test_ready
#pragma weak rsm_chg_move
#pragma weak rsm_chg_events
#pragma weak rsm_dev_media_type_name
#pragma weak rsm_chg_last_sense
#pragma weak rsm_drv_last_sense
#pragma weak rsm_drv_mam_write
#pragma weak rsm_drv_mam_read
#endif

/* True when the drivers are linked into the program. */
static inline bool rsm_lc_dev_present(void)
{
#ifdef RSM_DEV_LINKED
    return true;
#else
    return rsm_dev_lib_open != NULL && rsm_dev_lib_mount != NULL && rsm_drv_mam_write != NULL &&
           rsm_chg_move != NULL && rsm_chg_test_ready != NULL &&
           rsm_dev_lib_move_to_drive != NULL && rsm_dev_lib_move_from_drive != NULL;
#endif
}

#endif
