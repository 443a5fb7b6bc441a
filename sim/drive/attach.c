/* SPDX-License-Identifier: MIT
 * sim/drive/attach.c - puts a virtual drive in every bay of a library: the identity the
 * changer reports for the bay (so DVCID equals the drive's VPD 80h/83h), the library's
 * clock, the robot hooks (struct vtl_drive_ops) and the drive LUN (vtl_lun_attach).
 * This is what vtld and the scenario runner call after vtl_library_create().
 */
#include <stdlib.h>

#include "sim/drive/drive.h"
#include "sim/target/target.h"

void vtl_drive_detach_library(struct vtl_library *lib, struct vtl_drive **drives, unsigned n)
{
    if (!drives)
        return;
    for (unsigned i = 0; i < n; i++) {
        (void)vtl_library_set_drive_ops(lib, i, NULL, NULL); /* the bay exists: cannot fail */
        (void)vtl_lun_attach(lib, i + 1, NULL, NULL);
        vtl_drive_destroy(drives[i]);
    }
    free(drives);
}

enum vtl_drive_rc vtl_drive_attach_library(struct vtl_library *lib, const char *state_dir,
                                           const struct vtl_drive_config *tmpl,
                                           struct vtl_drive ***drives, unsigned *n)
{
    *drives = NULL;
    *n = 0;
    unsigned count = vtl_library_count(lib, VTL_ELEM_DTE);
    struct vtl_drive **arr = calloc(count ? count : 1, sizeof *arr);
    if (!arr)
        return VTL_DRIVE_ENOMEM;
    enum vtl_drive_rc rc = VTL_DRIVE_OK;
    unsigned done = 0;
    for (; done < count; done++) {
        struct vtl_elem_info bay;
        if (vtl_library_elem_at(lib, VTL_ELEM_DTE, done, &bay) != VTL_OK) {
            rc = VTL_DRIVE_EINVAL;
            break;
        }
        struct vtl_drive_config cfg = {0};
        if (tmpl)
            cfg = *tmpl;
        if (vtl_drive_personality_for(bay.drive.vendor, &cfg.personality) != VTL_DRIVE_OK)
            cfg.personality = VTL_DRIVE_IBM;
        cfg.ident = &bay.drive;
        cfg.serial = NULL;
        cfg.gen = bay.drive.gen;
        cfg.state_dir = state_dir;
        cfg.clock = vtl_library_clock(lib);
        cfg.elem_addr = bay.addr;
        cfg.library = lib;
        rc = vtl_drive_create(&cfg, &arr[done]);
        if (rc != VTL_DRIVE_OK)
            break;
        if (vtl_library_set_drive_ops(lib, done, vtl_drive_library_ops(), arr[done]) != VTL_OK ||
            vtl_lun_attach(lib, done + 1, vtl_drive_lun_exec, arr[done]) != VTL_OK) {
            done++; /* detach this one too */
            rc = VTL_DRIVE_EINVAL;
            break;
        }
        if (bay.full) /* a cartridge left in the bay by the saved state: load it */
            vtl_drive_load(arr[done], &bay.cart);
    }
    if (rc != VTL_DRIVE_OK) {
        vtl_drive_detach_library(lib, arr, done);
        return rc;
    }
    *drives = arr;
    *n = count;
    return VTL_DRIVE_OK;
}
