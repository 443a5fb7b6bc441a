/* SPDX-License-Identifier: MIT
 * sim/tcmu/uio.h - which LUN a TCMU UIO device serves, from its name.
 *
 * target_core_user names the UIO device of a backstore "tcm-user/HBA/DEV/DEV_CONFIG"
 * (/sys/class/uio/uioN/name), where DEV_CONFIG is the text written as dev_config= to
 * the backstore's control file. vtl-tcmu's backstores use dev_config=MATCH/lunN, so the
 * name alone says whether a device is ours and which LUN it is. Pure string work.
 */
#ifndef OPENRSM_SIM_TCMU_UIO_H
#define OPENRSM_SIM_TCMU_UIO_H

/* LUN N of a UIO @name "tcm-user/HBA/DEV/@match/lunN" (N decimal, 0..@max_lun), or -1
 * when the name has another form, another prefix or a LUN out of range. */
int vtl_tcmu_uio_lun(const char *name, const char *match, int max_lun);

#endif
