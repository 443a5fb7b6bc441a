/* SPDX-License-Identifier: MIT
 * sim/core/config.h - library configurations and personalities, read from YAML (libyaml).
 *
 * A personality (sim/personalities/<name>.yaml, also compiled into libvtl) describes a
 * product: INQUIRY strings, element address bases, default counts, drive model, DVCID
 * format, the INITIALIZE ELEMENT STATUS WITH RANGE opcode, and robot timings. A config
 * names a personality and overrides counts, drives, cartridges, clock and delays; the
 * format is documented in sim/README.md.
 *
 * Errors: every loader fills @err with "file:line:column: what was expected" (line and
 * column 1-based, from libyaml's marks) and returns VTL_E_CONFIG; nothing is returned
 * half-built. Not thread-bound: these functions touch only what they are given.
 */
#ifndef OPENRSM_SIM_CORE_CONFIG_H
#define OPENRSM_SIM_CORE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/clock.h"
#include "sim/core/library.h"
#include "sim/core/mutant.h"

#define VTL_MAX_DRIVES   64
#define VTL_MAX_ELEMENTS 60000 /* addresses are 16-bit; keep room for the bases */
#define VTL_NAME_MAX     47

/* How a data transfer element's DVCID identifier is formed (SMC-3 READ ELEMENT STATUS,
 * device identification): the drive's serial alone (IBM, Quantum: identifier type 0,
 * ASCII), or T10 vendor identification, vendor(8) + product(16) + serial (HPE, type 1). */
enum vtl_dvcid_format {
    VTL_DVCID_SERIAL = 0,
    VTL_DVCID_T10 = 1,
};

struct vtl_delays {
    uint64_t move_us;      /* MOVE MEDIUM */
    uint64_t exchange_us;  /* EXCHANGE MEDIUM */
    uint64_t position_us;  /* POSITION TO ELEMENT */
    uint64_t init_us;      /* INITIALIZE ELEMENT STATUS, fixed part */
    uint64_t init_elem_us; /* ... plus this per element scanned */
};

struct vtl_personality {
    char name[VTL_NAME_MAX + 1];
    char vendor[9], product[17], revision[5];
    uint16_t base[VTL_ELEM_NTYPES];      /* first address per element type */
    unsigned def_count[VTL_ELEM_NTYPES]; /* default counts */
    unsigned max_count[VTL_ELEM_NTYPES]; /* limits a config may ask for */
    enum vtl_dvcid_format dvcid;
    uint8_t init_range_opcode;    /* 0x37 (SMC-3) or vendor 0xE7 */
    bool ie_accepts_cleaning;     /* may a cleaning cartridge be exported? */
    bool drive_unload_on_move;    /* MOVE MEDIUM from a loaded drive makes the library
                                   * unload the drive itself (no host UNLOAD needed), as
                                   * the stock mtx-changer of Bacula (offline=0) expects */
    int cleaning_uses;            /* default uses of a new cleaning cartridge */
    struct vtl_drive_ident drive; /* default drive model (serial is a prefix) */
    struct vtl_delays delays;
};

struct vtl_cart_cfg {
    struct vtl_cart_info cart;
    enum vtl_elem_type where; /* STORAGE, IE or DTE */
    unsigned index;           /* 0-based within @where */
};

struct vtl_config {
    char source[256]; /* file name for messages ("<default>" if built in) */
    struct vtl_personality pers;
    char serial[VTL_SERIAL_MAX + 1];
    unsigned count[VTL_ELEM_NTYPES];
    struct vtl_drive_ident drives[VTL_MAX_DRIVES];
    struct vtl_cart_cfg *carts; /* owned */
    size_t n_carts;
    enum vtl_clock_mode clock_mode;
    double clock_scale;
    bool compress_images;      /* store data the host sends compressed (zstd) when the drive's
                                * compression is on; off by default: the drive reports
                                * compression as real LTO drives do, but storing blocks as
                                * sent keeps the data path at memory speed */
    struct vtl_delays delays;
    bool has_scsi_target_id; /* scsi_target_id: N given: the SCSI target id initiators
                              * see the library at. Without it drive descriptors carry
                              * LU VALID only and the kernel's ch takes the changer's own
                              * id, right for iSCSI (id 0) and tcm_loop (id = TPGT) alike */
    uint8_t scsi_target_id;
    uint64_t mutants[VTL_MUT_WORDS]; /* deliberate misbehaviours switched on (mutant.h);
                                      * all zero in every real configuration */
};

/* Loads a built-in personality by name ("ibm-ts4300", "hpe-msl", "quantum-scalar-i3"),
 * or from a file when @name contains '/'. */
enum vtl_rc vtl_personality_load(const char *name, struct vtl_personality *out, char *err,
                                 size_t err_cap);
/* NULL-terminated list of built-in personality names (static storage). */
const char *const *vtl_personality_names(void);

/* Parses a config from @path. *@out is owned (vtl_config_free()) and set only on VTL_OK. */
enum vtl_rc vtl_config_load_file(const char *path, struct vtl_config **out, char *err,
                                 size_t err_cap);
/* The same from memory; @name is used in messages. */
enum vtl_rc vtl_config_load_string(const char *yaml, size_t len, const char *name,
                                   struct vtl_config **out, char *err, size_t err_cap);
/* The default library (IBM TS4300-like, 2 LTO-8 drives, 24 slots, 2 mail slots, 20 LTO-8
 * data cartridges A00000L8..A00019L8 in slots 1-20, cleaning cartridge CLN000L1 in slot
 * 21; zero clock). */
enum vtl_rc vtl_config_default(struct vtl_config **out);
/* Default library with @n_slots slots (others as above); carts in every slot when @fill. */
enum vtl_rc vtl_config_sized(unsigned n_slots, bool fill, struct vtl_config **out);
void vtl_config_free(struct vtl_config *cfg);

#endif
