/* SPDX-License-Identifier: MIT
 * sim/system.c - a whole virtual library: changer + drives + tape images + state.
 * Contract in system.h. Start reading at vtl_system_open().
 */
#include "sim/system.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/drive/drive.h"
#include "sim/target/target.h"

struct vtl_system {
    struct vtl_config *cfg;
    struct vtl_library *lib;
    struct vtl_drive *drives[VTL_MAX_DRIVES];
    unsigned n_drives;
    char *state_dir; /* NULL: nothing persists */
    char tapes_dir[PATH_MAX];
    bool tapes_temporary; /* tapes_dir is ours to remove at close */
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void vtl_system_close(struct vtl_system *sys)
{
    if (!sys)
        return;
    if (sys->lib && sys->state_dir) {
        enum vtl_rc rc = vtl_library_save_state(sys->lib, sys->state_dir);
        if (rc != VTL_OK)
            fprintf(stderr, "vtl: cannot save state in %s: %s\n", sys->state_dir, vtl_rc_name(rc));
    }
    for (unsigned i = 0; i < sys->n_drives; i++) {
        if (sys->lib) {
            vtl_lun_attach(sys->lib, i + 1, NULL, NULL);
            vtl_library_set_drive_ops(sys->lib, i, NULL, NULL);
        }
        vtl_drive_destroy(sys->drives[i]);
    }
    vtl_library_destroy(sys->lib);
    vtl_config_free(sys->cfg);
    if (sys->tapes_temporary)
        (void)nftw(sys->tapes_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(sys->state_dir);
    free(sys);
}

static enum vtl_rc fail(struct vtl_system *sys, enum vtl_rc rc, char *err, size_t cap,
                        const char *what)
{
    if (err && cap && what)
        snprintf(err, cap, "%s", what);
    vtl_system_close(sys);
    return rc;
}

enum vtl_rc vtl_system_open(const char *config_path, const char *state_dir, struct vtl_system **out,
                            char *err, size_t err_cap)
{
    *out = NULL;
    char why[PATH_MAX + 512] = "";
    struct vtl_config *cfg = NULL;
    enum vtl_rc rc = config_path ? vtl_config_load_file(config_path, &cfg, why, sizeof why)
                                 : vtl_config_default(&cfg);
    if (rc != VTL_OK) {
        if (!why[0])
            snprintf(why, sizeof why, "%s: cannot load the configuration: %s",
                     config_path ? config_path : "<default>", vtl_rc_name(rc));
        if (err && err_cap)
            snprintf(err, err_cap, "%s", why);
        return rc;
    }
    return vtl_system_open_config(cfg, state_dir, out, err, err_cap);
}

enum vtl_rc vtl_system_open_config(struct vtl_config *cfg, const char *state_dir,
                                   struct vtl_system **out, char *err, size_t err_cap)
{
    *out = NULL;
    struct vtl_system *sys = calloc(1, sizeof *sys);
    if (!sys) {
        vtl_config_free(cfg);
        return VTL_E_NOMEM;
    }
    sys->cfg = cfg; /* ours from here on, freed by vtl_system_close() on every path */
    char why[PATH_MAX + 512] = "";
    enum vtl_rc rc = vtl_library_create(sys->cfg, &sys->lib);
    if (rc != VTL_OK) {
        snprintf(why, sizeof why, "cannot build the library: %s", vtl_rc_name(rc));
        return fail(sys, rc, err, err_cap, why);
    }

    /* State first, so the drives learn which cartridges they hold from the final
     * inventory rather than the configured one. */
    if (state_dir) {
        if (!(sys->state_dir = strdup(state_dir)))
            return fail(sys, VTL_E_NOMEM, err, err_cap, "out of memory");
        rc = vtl_library_load_state(sys->lib, state_dir, why, sizeof why);
        if (rc != VTL_OK && rc != VTL_E_NOT_FOUND) {
            char msg[PATH_MAX + 1024];
            snprintf(msg, sizeof msg, "%s/library.state: %s (%s); move it away to start afresh",
                     state_dir, why[0] ? why : "unreadable", vtl_rc_name(rc));
            /* Nothing of ours may overwrite the damaged file at close. */
            free(sys->state_dir);
            sys->state_dir = NULL;
            return fail(sys, rc, err, err_cap, msg);
        }
        /* From here on every persistent change is on disk before its command's status
         * goes out: a SIGKILL loses nothing an initiator was told. */
        rc = vtl_library_set_state_dir(sys->lib, state_dir);
        if (rc != VTL_OK) {
            snprintf(why, sizeof why, "cannot save state in %s: %s", state_dir, vtl_rc_name(rc));
            free(sys->state_dir);
            sys->state_dir = NULL;
            return fail(sys, rc, err, err_cap, why);
        }
        snprintf(sys->tapes_dir, sizeof sys->tapes_dir, "%s/tapes", state_dir);
        if (mkdir(sys->tapes_dir, 0755) != 0 && errno != EEXIST) {
            snprintf(why, sizeof why, "cannot create %s: %s", sys->tapes_dir, strerror(errno));
            return fail(sys, VTL_E_IO, err, err_cap, why);
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(sys->tapes_dir, sizeof sys->tapes_dir, "%s/vtl-tapes-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(sys->tapes_dir)) {
            snprintf(why, sizeof why, "cannot create a temporary tape directory: %s",
                     strerror(errno));
            return fail(sys, VTL_E_IO, err, err_cap, why);
        }
        sys->tapes_temporary = true;
    }

    /* One emulated drive per data transfer element, on LUN index+1. */
    unsigned n = vtl_library_count(sys->lib, VTL_ELEM_DTE);
    for (unsigned i = 0; i < n && i < VTL_MAX_DRIVES; i++) {
        struct vtl_elem_info ei;
        if (vtl_library_elem_at(sys->lib, VTL_ELEM_DTE, i, &ei) != VTL_OK)
            return fail(sys, VTL_E_INVAL, err, err_cap, "drive element missing");
        /* The bay's identity (the changer's DVCID) is the drive's INQUIRY identity, so
         * clients can map elements to devices; the library answers REPORT LUNS. Without
         * a state directory, use counters are not kept either. */
        struct vtl_drive_config dc = {
            .gen = ei.drive.gen ? ei.drive.gen : 8,
            .serial = ei.drive.serial,
            .ident = &ei.drive,
            .library = sys->lib,
            .state_dir = sys->tapes_dir,
            .clock = vtl_library_clock(sys->lib),
            .elem_addr = ei.addr,
            .nosync = sys->tapes_temporary,
            .volatile_use = sys->tapes_temporary,
            .auto_eject = sys->cfg->pers.drive_unload_on_move,
            .compress_images = sys->cfg->compress_images,
        };
        (void)vtl_drive_personality_for(ei.drive.vendor, &dc.personality);
        if (vtl_drive_create(&dc, &sys->drives[i]) != VTL_DRIVE_OK) {
            snprintf(why, sizeof why, "cannot create drive %u (LTO-%u, serial %s)", i, dc.gen,
                     ei.drive.serial);
            return fail(sys, VTL_E_INVAL, err, err_cap, why);
        }
        sys->n_drives = i + 1;
        if (vtl_library_set_drive_ops(sys->lib, i, vtl_drive_library_ops(), sys->drives[i]) !=
                VTL_OK ||
            vtl_lun_attach(sys->lib, i + 1, vtl_drive_lun_exec, sys->drives[i]) != VTL_OK)
            return fail(sys, VTL_E_INVAL, err, err_cap, "cannot attach a drive to the library");
        /* A cartridge already in the bay (config or saved state) is threaded now. */
        if (ei.full)
            vtl_drive_load(sys->drives[i], &ei.cart);
    }
    *out = sys;
    return VTL_OK;
}

struct vtl_library *vtl_system_library(struct vtl_system *sys)
{
    return sys->lib;
}

unsigned vtl_system_drive_count(const struct vtl_system *sys)
{
    return sys->n_drives;
}

struct vtl_drive *vtl_system_drive(struct vtl_system *sys, unsigned index)
{
    return index < sys->n_drives ? sys->drives[index] : NULL;
}

const struct vtl_config *vtl_system_config(const struct vtl_system *sys)
{
    return sys->cfg;
}

size_t vtl_system_luns(const struct vtl_system *sys, uint16_t *luns, size_t cap)
{
    size_t n = 0;
    if (n < cap)
        luns[n++] = 0;
    for (unsigned i = 0; i < sys->n_drives && n < cap; i++)
        luns[n++] = (uint16_t)(i + 1);
    return n;
}

uint64_t vtl_system_nexus_open(struct vtl_system *sys)
{
    return vtl_nexus_open(sys->lib);
}

void vtl_system_nexus_close(struct vtl_system *sys, uint64_t nexus_id)
{
    vtl_nexus_close(sys->lib, nexus_id);
    for (unsigned i = 0; i < sys->n_drives; i++)
        vtl_drive_nexus_lost(sys->drives[i], nexus_id);
}

void vtl_system_run_due(struct vtl_system *sys)
{
    vtl_library_run_due(sys->lib);
}

int vtl_system_task_mgmt(struct vtl_system *sys, uint64_t nexus_id, int fn, uint16_t lun,
                         struct vtl_cmd *cmd)
{
    (void)nexus_id, (void)cmd;
    if (lun > sys->n_drives)
        return VTL_TMF_RSP_NO_LUN;
    switch (fn) {
    case VTL_TMF_ABORT_TASK:
    case VTL_TMF_ABORT_TASK_SET:
    case VTL_TMF_CLEAR_TASK_SET:
        /* A robot motion or tape movement under way runs to its end, as on real
         * hardware; the initiator no longer waits for its status. */
        return VTL_TMF_RSP_COMPLETE;
    case VTL_TMF_LUN_RESET:
        if (lun == 0)
            vtl_fault_power_on_reset(sys->lib);
        else
            vtl_drive_reset(sys->drives[lun - 1]);
        return VTL_TMF_RSP_COMPLETE;
    case VTL_TMF_TARGET_WARM_RESET:
    case VTL_TMF_TARGET_COLD_RESET:
        vtl_fault_power_on_reset(sys->lib);
        for (unsigned i = 0; i < sys->n_drives; i++)
            vtl_drive_reset(sys->drives[i]);
        return VTL_TMF_RSP_COMPLETE;
    default:
        return VTL_TMF_RSP_NOT_SUPPORTED;
    }
}

static enum vtl_rc hook_dirty(void *priv, unsigned index)
{
    struct vtl_system *sys = priv;
    if (index >= sys->n_drives)
        return VTL_E_BAD_ADDR;
    vtl_drive_set_dirty(sys->drives[index], true);
    return VTL_OK;
}

static enum vtl_rc hook_describe(void *priv, unsigned index, const char **state,
                                 unsigned long long *tapealert)
{
    struct vtl_system *sys = priv;
    if (index >= sys->n_drives)
        return VTL_E_BAD_ADDR;
    struct vtl_drive_status st;
    vtl_drive_status(sys->drives[index], &st);
    *state = vtl_drive_state_name(st.state);
    *tapealert = st.tapealert;
    return VTL_OK;
}

static enum vtl_rc hook_fault_hard(void *priv, unsigned index, uint16_t asc_ascq)
{
    struct vtl_system *sys = priv;
    if (index >= sys->n_drives)
        return VTL_E_BAD_ADDR;
    vtl_drive_fault_hard(sys->drives[index], asc_ascq);
    return VTL_OK;
}

static enum vtl_rc hook_fault_clear(void *priv, unsigned index)
{
    struct vtl_system *sys = priv;
    if (index >= sys->n_drives)
        return VTL_E_BAD_ADDR;
    vtl_drive_fault_clear(sys->drives[index]);
    return VTL_OK;
}

static enum vtl_rc hook_fault_read_error(void *priv, unsigned index, unsigned partition,
                                         uint64_t block)
{
    struct vtl_system *sys = priv;
    if (index >= sys->n_drives)
        return VTL_E_BAD_ADDR;
    /* The drive remembers a handful of bad blocks; more is a full table, not bad input. */
    return vtl_drive_fault_read_error(sys->drives[index], partition, block) == VTL_DRIVE_OK
               ? VTL_OK
               : VTL_E_NOMEM;
}

static enum vtl_rc hook_fault_write_error(void *priv, unsigned index, unsigned count)
{
    struct vtl_system *sys = priv;
    if (index >= sys->n_drives)
        return VTL_E_BAD_ADDR;
    vtl_drive_fault_write_error(sys->drives[index], count);
    return VTL_OK;
}

static enum vtl_rc hook_fault_sense(void *priv, unsigned index, int opcode, uint8_t key,
                                    uint16_t asc_ascq, unsigned count)
{
    struct vtl_system *sys = priv;
    if (index >= sys->n_drives)
        return VTL_E_BAD_ADDR;
    return vtl_drive_fault_next_cmd(sys->drives[index], opcode, key, asc_ascq, count) ==
                   VTL_DRIVE_OK
               ? VTL_OK
               : VTL_E_INVAL;
}

void vtl_system_ctl_hooks(struct vtl_system *sys, struct vtl_ctl_drive_hooks *out)
{
    out->set_dirty = hook_dirty;
    out->describe = hook_describe;
    out->fault_hard = hook_fault_hard;
    out->fault_clear = hook_fault_clear;
    out->fault_read_error = hook_fault_read_error;
    out->fault_write_error = hook_fault_write_error;
    out->fault_sense = hook_fault_sense;
    out->priv = sys;
}
