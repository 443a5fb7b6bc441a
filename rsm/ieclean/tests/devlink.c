/* SPDX-License-Identifier: MIT
 * librsm reaches the device layer through weak references (rsm/engine/devlink.h): this
 * table's strong ones pull rsmdev's objects into the test program, as rsmd's own use does.
 */
#include "rsm/dev/library.h"

void *const ieclean_devlink[] = {
    (void *)rsm_dev_lib_open,  (void *)rsm_chg_move,    (void *)rsm_chg_test_ready,
    (void *)rsm_drv_mam_write, (void *)rsm_chg_ie_open, (void *)rsm_drv_tapealert,
};
