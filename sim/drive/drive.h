/* SPDX-License-Identifier: MIT
 * sim/drive/drive.h - one virtual LTO tape drive: the SSC-4 device server of a drive LUN.
 *
 * What it models: an IBM ("ULT3580-TDn") or HPE ("Ultrium n-SCSI") LTO drive of one
 * generation that sits in a library bay (struct vtl_drive_ops, sim/core/library.h) and
 * answers the commands of its own LUN (vtl_drive_execute()). The recorded contents of a
 * cartridge live in the tape image store (sim/tape/tapeimg.h): the drive opens the image
 * <state_dir>/<barcode>/ when the robot loads a cartridge and creates it on first load.
 * Every delay (threading, unload, rewind, locate, cleaning, injected slowness) is an event
 * on the library clock (sim/core/clock.h), never a sleep. All T10 bytes go through scsi/.
 * Where to start reading: sim/drive/README.md (state diagram, commands, quirks), then
 * drive.c (life cycle), drive_ssc.c (medium commands), drive_spc.c (SPC set), drive_pages.c
 * (mode and log pages), drive_mam.c (MAM), drive_use.c (use, cleaning thresholds),
 * drive_fault.c (injected faults), attach.c (a drive in every bay of a library).
 *
 * Load state machine (vtl_drive_assert_state() checks the per-state invariants):
 *
 *            loaded()                 load event            UNLOAD (no HOLD)
 *   EMPTY ------------> THREADING -----------------> READY ------------------> EJECTED
 *     ^   (cleaner:       |  NOT READY 04/01           |  UA 28/00 to all      | 3A/00
 *     |    CLEANING)      |                            |                       | LOAD:
 *     |                   |                            | UNLOAD with HOLD      | READY
 *     +---- unloaded() ---+----------------------------+--------> HELD -------+
 *                                                                  04/02, LOAD: READY
 *   CLEANING (NOT READY 30/03) --clean event--> EJECTED (uses - 1, dirt and flags cleared)
 *   expired cleaner: EMPTY --loaded()--> EJECTED at once (TapeAlert 22)
 *   any state --vtl_drive_fault_hard()--> FAILED (4/44/00) --vtl_drive_fault_clear()--> back
 * A host LOAD completes after the load time on the clock; the cartridge is usable as soon
 * as the command has completed (the requester knows; other nexuses get 28/00).
 *
 * Threads: a drive belongs to the thread that owns the library clock (the event loop);
 * nothing locks. Commands that wait on the clock return VTL_EXEC_PENDING and complete
 * through cmd->done from vtl_clock_run_due()/vtl_clock_advance().
 */
#ifndef OPENRSM_SIM_DRIVE_DRIVE_H
#define OPENRSM_SIM_DRIVE_DRIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/clock.h"
#include "sim/core/library.h"
#include "sim/target/cmd.h"

/* Result of every fallible vtl_drive_* call; zero is success. */
enum vtl_drive_rc {
    VTL_DRIVE_OK = 0,
    VTL_DRIVE_EINVAL,    /* bad argument or configuration */
    VTL_DRIVE_ENOMEM,
    VTL_DRIVE_ESTATE,    /* not possible in the drive's current state (no cartridge...) */
    VTL_DRIVE_EMEDIUM,   /* the cartridge image could not be created or opened */
};
const char *vtl_drive_rc_name(enum vtl_drive_rc rc);

/* Who the drive pretends to be. Vendor quirks live in the personality table in drive.c. */
enum vtl_drive_personality {
    VTL_DRIVE_IBM = 0,   /* vendor "IBM", product "ULT3580-TD<gen>" */
    VTL_DRIVE_HPE = 1,   /* vendor "HPE", product "Ultrium <gen>-SCSI" */
};

/* Load states (the diagram above). */
enum vtl_drive_state {
    VTL_DRIVE_EMPTY = 0,   /* no cartridge */
    VTL_DRIVE_THREADING,   /* cartridge in, loading: NOT READY 04/01 */
    VTL_DRIVE_READY,       /* data cartridge loaded and positioned */
    VTL_DRIVE_HELD,        /* unloaded with HOLD: cartridge kept in the drive, 04/02 */
    VTL_DRIVE_EJECTED,     /* unloaded: cartridge at the throat, the robot may take it */
    VTL_DRIVE_CLEANING,    /* cleaning cartridge running: NOT READY 30/03 */
    VTL_DRIVE_FAILED,      /* hard fault injected: HARDWARE ERROR */
};
const char *vtl_drive_state_name(enum vtl_drive_state s);

/* Construction parameters. Zero-initialise, then set what matters; zero delays mean the
 * defaults below (use VTL_DRIVE_NO_DELAY for a real zero). */
#define VTL_DRIVE_NO_DELAY UINT64_MAX
struct vtl_drive_config {
    enum vtl_drive_personality personality;
    unsigned gen;                 /* LTO generation 5..9; 0 = 8 */
    const char *serial;           /* borrowed during create; NULL = "0000000000" */
    const char *state_dir;        /* directory of cartridge images (must exist); copied */
    struct vtl_clock *clock;      /* borrowed; outlives the drive. NULL = zero delays */
    const struct vtl_drive_ident *ident; /* borrowed during create; when set, its vendor,
                                   * product, revision, serial and generation replace the
                                   * personality's (so INQUIRY matches the changer's DVCID) */
    uint16_t elem_addr;           /* the changer's address of this bay (VPD B4h) */
    struct vtl_library *library;  /* borrowed, may be NULL: the library the drive is served
                                   * with; REPORT LUNS on the drive lists LUN 0 and one LUN
                                   * per bay (sim/target/target.h numbering). Without it
                                   * the drive reports LUN 0 alone (a standalone drive) */
    uint64_t load_us;             /* threading time; default 15 s */
    uint64_t unload_us;           /* rewind-less unload time; default 12 s */
    uint64_t full_wind_us;        /* BOP -> end of tape, rewind and locate scale on it;
                                   * default 90 s */
    uint64_t clean_us;            /* cleaning cycle; default 60 s */
    uint64_t new_capacity_bytes;  /* capacity of images created on first load; 0 =
                                   * native capacity of the medium */
    /* Cleaning thresholds (0 = never): use since the last cleaning after which the
     * drive asks for cleaning (TapeAlert 20 + 21, 00/17). */
    uint64_t clean_after_bytes;
    uint64_t clean_after_loads;
    uint64_t clean_after_us;      /* time with a cartridge threaded */
    bool compress_images;         /* compress stored blocks while the host has compression
                                   * on (mode page 0Fh DCE); otherwise they are stored as sent */
    bool auto_eject;              /* the robot may take a loaded cartridge without a host
                                   * UNLOAD (the drive unloads itself) */
    bool nosync;                  /* open images with VTL_TAPE_OPEN_NOSYNC (tests) */
    bool volatile_use;            /* do not keep use counters and dirt in
                                   * <state_dir>/drive-<serial>.use (see below) */
};

/* Use survives restarts: loads, bytes, cleanings, use since the last cleaning and the
 * cleaning request are written to <state_dir>/drive-<serial>.use (new file + rename) at
 * every load, unload, cleaning and vtl_drive_set_dirty(), and read back by
 * vtl_drive_create(). A missing or unreadable file starts the drive clean. */

struct vtl_drive;

/* Creates a drive. *@out is owned: vtl_drive_destroy(). Returns OK, EINVAL (generation
 * outside 5..9, no state_dir) or ENOMEM; *@out NULL on failure. */
enum vtl_drive_rc vtl_drive_create(const struct vtl_drive_config *cfg, struct vtl_drive **out);
/* Flushes and closes a loaded image, cancels pending clock events, completes commands in
 * flight with TASK ABORTED (their done() is called), frees @d. NULL is a no-op. */
void vtl_drive_destroy(struct vtl_drive *d);

/* The library hook for this drive (static table; pass @d as priv):
 *   vtl_library_set_drive_ops(lib, index, vtl_drive_library_ops(), drive). */
const struct vtl_drive_ops *vtl_drive_library_ops(void);
/* The same hooks callable directly (tests, drives outside a library). */
void vtl_drive_load(struct vtl_drive *d, const struct vtl_cart_info *cart);
void vtl_drive_unload(struct vtl_drive *d);
bool vtl_drive_may_remove(struct vtl_drive *d);

/* Executes one command addressed to the drive's LUN. Fills cmd's out half; returns
 * VTL_EXEC_DONE, or VTL_EXEC_PENDING when the command waits on the clock (then
 * cmd->done(cmd) runs once, later, on the clock's thread). @cmd is borrowed until done. */
enum vtl_exec vtl_drive_execute(struct vtl_drive *d, struct vtl_cmd *cmd);
/* The same with the signature of the library's LUN hook (sim/target/target.h vtl_lun_fn):
 *   vtl_lun_attach(lib, bay + 1, vtl_drive_lun_exec, drive). @priv is the drive. */
enum vtl_exec vtl_drive_lun_exec(void *priv, struct vtl_cmd *cmd);

/* The personality whose vendor identification is @vendor ("IBM", "HPE", "HP"), from the
 * personality table; VTL_DRIVE_EINVAL (and *@out untouched) for another vendor. */
enum vtl_drive_rc vtl_drive_personality_for(const char *vendor,
                                            enum vtl_drive_personality *out);

/* Equips every bay of @lib: one drive per data transfer element with the bay's identity
 * (vtl_drive_personality_for() on its vendor, IBM when unknown), the library's clock, its
 * element address, images in @state_dir, settings from @tmpl (may be NULL; its identity,
 * clock, state_dir and elem_addr fields are ignored); the library hooks are set and bay i
 * answers LUN i + 1 (vtl_lun_attach). *@drives gets an owned array of *@n drives, to be
 * released with vtl_drive_detach_library(). On failure nothing stays attached. */
enum vtl_drive_rc vtl_drive_attach_library(struct vtl_library *lib, const char *state_dir,
                                           const struct vtl_drive_config *tmpl,
                                           struct vtl_drive ***drives, unsigned *n);
/* Detaches hooks and LUNs, destroys the drives and frees the array. NULL is a no-op. */
void vtl_drive_detach_library(struct vtl_library *lib, struct vtl_drive **drives, unsigned n);

/* Identity (borrowed strings, valid while @d lives), as INQUIRY reports it. Fills a
 * struct vtl_drive_ident for the library's bay (DVCID). */
void vtl_drive_ident(const struct vtl_drive *d, struct vtl_drive_ident *out);

/* Snapshot for vtlctl status, scenarios and tests. */
struct vtl_drive_status {
    enum vtl_drive_state state;
    char barcode[VTL_BARCODE_MAX + 1];   /* cartridge in the drive, "" if none */
    bool dirty;                          /* cleaning requested */
    uint64_t tapealert;                  /* flags not yet read (bit n-1 = flag n) */
    uint64_t object;                     /* logical object number (READY) */
    uint64_t file;                       /* filemarks before the position (READY) */
    unsigned partition;
    bool position_lost;
    uint64_t loads, bytes_written, bytes_read; /* lifetime use of the drive */
    uint64_t cleanings;
    int cleaner_uses_left;               /* last cleaning cartridge seen, -1 none */
};
void vtl_drive_status(const struct vtl_drive *d, struct vtl_drive_status *out);
/* Asserts the invariants of the current state (assert(); a no-op with NDEBUG). */
void vtl_drive_assert_state(const struct vtl_drive *d);

/* ---- faults and operator actions (fault API, vtlctl) ------------------------------- */

/* Marks the drive as needing cleaning (or clean again): TapeAlert 20/21, 00/17. */
void vtl_drive_set_dirty(struct vtl_drive *d, bool dirty);
/* Power-on / LUN reset: commands in flight complete TASK ABORTED, UA 29/00 to every
 * nexus, position reported unknown (READ POSITION LOLU) until REWIND/LOCATE/LOAD. A
 * threading or cleaning cartridge finishes its cycle afresh. */
void vtl_drive_reset(struct vtl_drive *d);
/* I_T nexus loss (logout, connection drop): forgets the nexus's unit attentions and its
 * PREVENT, and releases its RESERVE(6/10). A later command from the same id is a new
 * nexus (29/00 first). Unknown ids are ignored. */
void vtl_drive_nexus_lost(struct vtl_drive *d, uint64_t nexus_id);
/* Hard failure: every command except INQUIRY, REQUEST SENSE and REPORT LUNS fails
 * HARDWARE ERROR @asc_ascq (0 = 44/00 internal target failure); TapeAlert 30. */
void vtl_drive_fault_hard(struct vtl_drive *d, uint16_t asc_ascq);
/* Reading logical object @object of partition @partition fails MEDIUM ERROR 11/00 (the
 * drive moves past the block, as a real one does). Up to 8 such blocks. */
enum vtl_drive_rc vtl_drive_fault_read_error(struct vtl_drive *d, unsigned partition,
                                             uint64_t object);
/* The next @count WRITE commands fail MEDIUM ERROR 0C/00 with nothing written. */
void vtl_drive_fault_write_error(struct vtl_drive *d, unsigned count);
/* After @after_writes more successful WRITE commands, the drive goes NOT READY 04/00
 * for @duration_us of clock time (UINT64_MAX: until vtl_drive_fault_clear()), then comes
 * back with UA 28/00. */
void vtl_drive_fault_not_ready(struct vtl_drive *d, unsigned after_writes,
                               uint64_t duration_us);
/* Every medium-access command takes @extra_us more clock time (0 = off). */
void vtl_drive_fault_slow(struct vtl_drive *d, uint64_t extra_us);
/* The next @count commands on the drive's LUN (any nexus) whose opcode is @opcode (-1:
 * any) fail CHECK CONDITION @key/@asc_ascq without being executed: the drive-side twin of
 * the changer's vtl_fault_next_cmd(). Replaces one still pending. VTL_DRIVE_EINVAL for a
 * count of 0, a key above 0Fh or an opcode above FFh. */
enum vtl_drive_rc vtl_drive_fault_next_cmd(struct vtl_drive *d, int opcode, uint8_t key,
                                           uint16_t asc_ascq, unsigned count);
/* Clears every injected fault (hard failure, pending read/write errors, not ready,
 * next-command sense). */
void vtl_drive_fault_clear(struct vtl_drive *d);

#endif
