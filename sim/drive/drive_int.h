/* SPDX-License-Identifier: MIT
 * sim/drive/drive_int.h - private structure of a virtual tape drive, shared by the files
 * of sim/drive/ only: drive.c (life cycle, clock, faults, cleaning), drive_ssc.c (medium
 * commands), drive_spc.c (SPC commands, VPD, RSOC), drive_pages.c (mode and log pages),
 * drive_mam.c (READ/WRITE ATTRIBUTE), drive_use.c (use and dirt), drive_fault.c
 * (injected faults), attach.c (bays of a library).
 *
 * Owner of every field: the thread that runs the library clock (see drive.h).
 */
#ifndef OPENRSM_SIM_DRIVE_DRIVE_INT_H
#define OPENRSM_SIM_DRIVE_DRIVE_INT_H

#include "scsi/cdb.h"
#include "scsi/log.h"
#include "scsi/sense.h"
#include "sim/core/mutant.h"
#include "sim/drive/drive.h"
#include "sim/tape/tapeimg.h"

/* Sense keys (SPC-4 Table 51). Local names until the generated scsi/t10_tables.h (enum
 * t10_sense_key) is available to every module; the values are the standard's. */
enum drv_key {
    DRV_KEY_NO_SENSE = 0x0, DRV_KEY_RECOVERED = 0x1, DRV_KEY_NOT_READY = 0x2,
    DRV_KEY_MEDIUM_ERROR = 0x3, DRV_KEY_HARDWARE = 0x4, DRV_KEY_ILLEGAL = 0x5,
    DRV_KEY_UNIT_ATTENTION = 0x6, DRV_KEY_DATA_PROTECT = 0x7, DRV_KEY_BLANK_CHECK = 0x8,
    DRV_KEY_ABORTED = 0xB, DRV_KEY_VOLUME_OVERFLOW = 0xD,
};

/* ASC/ASCQ pairs the drive reports (SPC-4 Annex D / SSC-4), packed with T10_ASC(). */
#define DRV_ASC_NONE              T10_ASC(0x00, 0x00)
#define DRV_ASC_FILEMARK          T10_ASC(0x00, 0x01)
#define DRV_ASC_EOM               T10_ASC(0x00, 0x02) /* end-of-partition/medium detected */
#define DRV_ASC_BOP               T10_ASC(0x00, 0x04) /* beginning-of-partition detected */
#define DRV_ASC_EOD               T10_ASC(0x00, 0x05) /* end-of-data detected */
#define DRV_ASC_CLEANING_REQ      T10_ASC(0x00, 0x17) /* cleaning requested */
#define DRV_ASC_NOT_READY         T10_ASC(0x04, 0x00) /* cause not reportable */
#define DRV_ASC_BECOMING_READY    T10_ASC(0x04, 0x01)
#define DRV_ASC_INIT_REQUIRED     T10_ASC(0x04, 0x02) /* initializing command required */
#define DRV_ASC_WRITE_ERROR       T10_ASC(0x0C, 0x00)
#define DRV_ASC_UNRECOVERED_READ  T10_ASC(0x11, 0x00)
#define DRV_ASC_PARAM_LIST_LEN    T10_ASC(0x1A, 0x00)
#define DRV_ASC_INVALID_OPCODE    T10_ASC(0x20, 0x00)
#define DRV_ASC_INVALID_FIELD_CDB T10_ASC(0x24, 0x00)
#define DRV_ASC_INVALID_FIELD_PARAM T10_ASC(0x26, 0x00)
#define DRV_ASC_WRITE_PROTECTED   T10_ASC(0x27, 0x00)
#define DRV_ASC_MEDIUM_CHANGED    T10_ASC(0x28, 0x00) /* not ready to ready change */
#define DRV_ASC_POWER_ON          T10_ASC(0x29, 0x00)
#define DRV_ASC_MODE_CHANGED      T10_ASC(0x2A, 0x01)
#define DRV_ASC_INCOMPATIBLE      T10_ASC(0x30, 0x00) /* incompatible medium installed */
#define DRV_ASC_UNKNOWN_FORMAT    T10_ASC(0x30, 0x01)
#define DRV_ASC_CANNOT_READ_FMT   T10_ASC(0x30, 0x02)
#define DRV_ASC_CLEANING_CART     T10_ASC(0x30, 0x03) /* cleaning cartridge installed */
#define DRV_ASC_CANNOT_WRITE_FMT  T10_ASC(0x30, 0x05)
#define DRV_ASC_WORM_OVERWRITE    T10_ASC(0x30, 0x0C)
#define DRV_ASC_NO_MEDIUM         T10_ASC(0x3A, 0x00)
#define DRV_ASC_INTERNAL_FAILURE  T10_ASC(0x44, 0x00)
#define DRV_ASC_REMOVAL_PREVENTED T10_ASC(0x53, 0x02)
#define DRV_ASC_LOG_EXCEPTION     T10_ASC(0x5D, 0xFF) /* failure prediction: false (TEST) */


#define DRV_MAX_NEXUS 32
#define DRV_UA_MAX 8
#define DRV_MAX_READ_FAULTS 8
#define DRV_CLEANER_USES_ATTR 0x1401 /* vendor attribute keeping a cleaner's uses left */

struct drv_nexus {
    uint64_t id;          /* 0 = slot free */
    uint16_t ua[DRV_UA_MAX];
    unsigned n_ua;
    bool prevent;
    uint64_t last_use;    /* command counter at last use: the oldest slot is recycled */
};

/* Per-personality quirks (drive.c table). */
struct drv_personality {
    const char *vendor;
    const char *revision;
    uint32_t naa_oui;         /* NAA 5 designator */
    const char *manufacturer; /* MAM 0400h of cartridges created here */
    uint32_t max_block;       /* READ BLOCK LIMITS maximum (IBM 8 MiB, HPE 16 MiB - 1) */
};

struct vtl_drive {
    struct vtl_drive_config cfg;
    char *state_dir;                /* owned copy */
    char serial[VTL_SERIAL_MAX + 1];
    char vendor[9], product[17], revision[5];
    const struct drv_personality *pers;
    struct vtl_clock *clk;          /* borrowed, may be NULL */

    /* load state machine */
    enum vtl_drive_state state;     /* never FAILED: failure is the overlay below */
    struct vtl_cart_info cart;      /* valid unless EMPTY */
    unsigned cart_gen;              /* generation of the cartridge (0 unknown) */
    bool readable, writable;        /* generation rules for this cartridge */
    struct vtl_tape *tape;          /* owned; open in READY, HELD, EJECTED (data carts) */
    bool medium_bad;                /* the image could not be opened */
    uint64_t state_event;           /* clock event of THREADING/CLEANING, 0 = none */
    uint64_t threaded_at_us;        /* clock time the cartridge became READY */
    struct vtl_tape_counters at_load; /* cartridge counters when it became READY */
    bool pos_lost;                  /* after a reset, until REWIND/LOCATE/LOAD */
    int cleaner_uses_left;          /* last cleaning cartridge seen */

    /* mode parameters (current values; saved = current, default = power-on) */
    uint32_t block_len;             /* 0 = variable */
    uint8_t buffered_mode;
    bool d_sense;
    bool compression;               /* DCE of page 0Fh */
    bool iec_dexcpt, iec_test;
    bool iec_armed;                 /* a TEST exception waits for a command to ride on */
    uint8_t iec_mrie;
    uint32_t iec_interval, iec_report_count;

    /* partitioning asked for by MODE SELECT page 11h, applied by FORMAT MEDIUM */
    uint64_t tape_total;            /* capacity of all partitions, taken at load */
    bool part_pending;
    unsigned part_n;
    uint64_t part_bytes[VTL_TAPE_MAX_PARTITIONS]; /* all 0: even split */

    /* nexus table: unit attentions, PREVENT, reservations */
    struct drv_nexus nx[DRV_MAX_NEXUS];
    uint64_t cmd_counter;
    uint64_t resv_holder;           /* RESERVE(6) holder nexus, 0 = none */

    /* TapeAlert: flags set since the page was last read */
    uint64_t ta_latched;

    /* use and cleaning */
    bool dirty;
    uint64_t loads, cleanings;
    uint64_t host_written, host_read, medium_written, medium_read;
    uint64_t since_clean_bytes, since_clean_loads, since_clean_us;
    uint64_t write_errors, read_errors, read_retries;

    /* faults */
    bool failed;
    uint16_t fail_asc;
    struct { unsigned partition; uint64_t object; } read_fault[DRV_MAX_READ_FAULTS];
    unsigned n_read_faults;
    unsigned write_faults;
    unsigned next_faults;           /* commands left to fail with next_key/next_asc */
    int next_opcode;                /* -1: any */
    uint8_t next_key;
    uint16_t next_asc;
    bool nr_armed, nr_active;
    unsigned nr_after_writes;
    uint64_t nr_duration_us, nr_event;
    uint64_t slow_us;

    /* commands waiting on the clock */
    struct vtl_cmd *pending;        /* at most one: medium commands run one at a time */
    uint64_t pending_event;
    uint64_t busy_until_us;         /* an IMMED operation is still moving the tape */
};

/* Whether mutant @m (sim/core/mutant.h) is on in the library this drive is served with;
 * a drive outside a library has none. */
static inline bool drv_mut(const struct vtl_drive *d, enum vtl_mutant m)
{
    return d->cfg.library && vtl_mutant_on(d->cfg.library, m);
}

/* ---- drive.c: shared helpers ---- */

uint64_t drv_now(const struct vtl_drive *d);
/* The delay the clock really applies for @us of simulated time (0 on a zero clock). */
uint64_t drv_eff_us(const struct vtl_drive *d, uint64_t us);
/* Cancels clock event *@ev if pending and zeroes it. */
void drv_cancel_event(struct vtl_drive *d, uint64_t *ev);
/* Nexus slot for @id (created with UA 29/00 on first sight). Never NULL. */
struct drv_nexus *drv_nexus(struct vtl_drive *d, uint64_t id);
void drv_ua_all(struct vtl_drive *d, uint16_t asc, uint64_t except_id);
bool drv_prevented(const struct vtl_drive *d);

/* Sense results: every failing path ends in one of these. */
void drv_set_good(struct vtl_cmd *cmd);
void drv_set_sense(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_sense *s);
void drv_fail(struct vtl_drive *d, struct vtl_cmd *cmd, uint8_t key, uint16_t asc);
/* ILLEGAL REQUEST @asc with a field pointer (cd: CDB or parameter list). */
void drv_fail_field(struct vtl_drive *d, struct vtl_cmd *cmd, uint16_t asc, uint16_t byte,
                    int bit, bool cd);
/* Sense with the INFORMATION field (residue) and stream bits. */
void drv_fail_info(struct vtl_drive *d, struct vtl_cmd *cmd, uint8_t key, uint16_t asc,
                   int64_t info, bool filemark, bool eom, bool ili);

/* Completes @cmd after @delay_us of clock time (plus the slow fault): DONE at once when
 * the clock applies no delay. */
enum vtl_exec drv_complete_after(struct vtl_drive *d, struct vtl_cmd *cmd, uint64_t delay_us);
/* Marks the tape as moving for @delay_us (IMMED operations). */
void drv_busy_for(struct vtl_drive *d, uint64_t delay_us);
/* Clock time to move the tape over @bytes of medium. */
uint64_t drv_wind_us(const struct vtl_drive *d, uint64_t bytes);

/* NOT READY condition of the load state (false + key/asc) or true when ready. */
bool drv_state_sense(struct vtl_drive *d, uint8_t *key, uint16_t *asc);
/* Checks that a medium-access command can run; on false the sense is set. */
bool drv_medium_ready(struct vtl_drive *d, struct vtl_cmd *cmd);
/* Account use after a command that moved data; raises the cleaning request. */
void drv_account(struct vtl_drive *d, const struct vtl_tape_counters *before);
void drv_check_dirty(struct vtl_drive *d);
/* drive_use.c: the use file (written whole: new file + rename; read at creation). */
void drv_use_save(struct vtl_drive *d);
void drv_use_load(struct vtl_drive *d);
/* Host asked for LOAD/UNLOAD. */
enum vtl_exec drv_host_load(struct vtl_drive *d, struct vtl_cmd *cmd, bool load, bool hold,
                            bool immed);
/* Density code of generation @gen (0x58 for LTO-5 ... 0x60 for LTO-9; M8 0x5D). */
uint8_t drv_density_of(enum vtl_media m);
/* LTO generation rules: may a drive read (*rd) / write (*wr) medium @m? */
void drv_gen_rules(const struct vtl_drive *d, enum vtl_media m, bool *rd, bool *wr);
/* Write-fault bookkeeping after a successful WRITE. */
void drv_after_write(struct vtl_drive *d);

/* ---- drive_ssc.c ---- */
enum vtl_exec drv_ssc_execute(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c);
/* FORMAT MEDIUM (SSC-4 7.2, opcode 04h): decoded here from the raw CDB because scsi/cdb.h
 * has no decoder for it yet. */
enum vtl_exec drv_format_medium(struct vtl_drive *d, struct vtl_cmd *cmd);
/* Sum of the capacities of every partition of the loaded image (moves to BOP of
 * partition 0). */
uint64_t drv_tape_total_bytes(struct vtl_drive *d);

/* Copies @len bytes of response data to cmd->data_in, clipped to @alloc (ALLOCATION
 * LENGTH) and to the front end's buffer; sets data_in_len. */
void drv_put_data(struct vtl_cmd *cmd, const uint8_t *buf, size_t len, size_t alloc);

/* ---- drive_spc.c ---- */
enum vtl_exec drv_spc_execute(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c);
/* TapeAlert conditions still true (re-set after a read of page 2Eh). */
uint64_t drv_ta_active(const struct vtl_drive *d);
/* TapeAlert flags the drive can raise (VPD B2h; LOG SENSE 2Eh never shows others). */
uint64_t drv_ta_supported(void);

/* ---- drive_pages.c ---- */
enum vtl_exec drv_mode_sense(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c);
enum vtl_exec drv_mode_select(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c);
enum vtl_exec drv_log_sense(struct vtl_drive *d, struct vtl_cmd *cmd,
                            const struct t10_cdb_log_sense *l);
enum vtl_exec drv_log_select(struct vtl_drive *d, struct vtl_cmd *cmd,
                             const struct t10_cdb_log_select *l);
/* Density code of the loaded data cartridge (0 without one). */
uint8_t drv_current_density(const struct vtl_drive *d);

/* ---- drive_mam.c ---- */
enum vtl_exec drv_read_attr(struct vtl_drive *d, struct vtl_cmd *cmd,
                            const struct t10_cdb_read_attr *r);
enum vtl_exec drv_write_attr(struct vtl_drive *d, struct vtl_cmd *cmd,
                             const struct t10_cdb_write_attr *w);

#endif
