/* SPDX-License-Identifier: MIT
 * sim/core/library.h - the virtual tape library: elements, cartridges, the robot, the
 * doors, and the state that survives a restart. No SCSI bytes here: sim/target turns
 * commands into calls on this API and results into sense data.
 *
 * Model (SMC-3 4.x element types):
 *   transport (MT)  the robot's hand(s); moves name one (0 = the default transport)
 *   storage   (ST)  slots behind the main door
 *   import/export (IE) mail slots behind the mail-slot door: the operator puts cartridges
 *                   in and takes them out there
 *   data transfer (DT) drive bays; each holds a drive identity and an optional hook
 *                   (struct vtl_drive_ops) that the tape-drive emulation fills in
 * Each element is empty or full; a full element knows its cartridge and the element it
 * came from (SVALID + source). An element can carry an exception (ASC/ASCQ) and can be
 * inaccessible (its door is open). State machine of one element:
 *
 *        move/exchange/inject            fault/jam
 *   EMPTY ----------------------> FULL --------------> FULL+EXCEPT
 *     ^  <----------------------   |  <--------------  (cleared by INITIALIZE ELEMENT
 *     |   move out / remove        |    init/reset       STATUS or power-on reset)
 *     +-- ACCESS=0 while the door in front of it is open (either state) --+
 *
 * Robot: one motion at a time (MOVE, EXCHANGE, POSITION, INITIALIZE ELEMENT STATUS).
 * Motions are checked when they start (errors come back at once, with no motion), take
 * their configured delay on the library clock, are checked again and applied when the
 * delay ends, then the next queued motion starts. Motions submitted while the robot works
 * wait in FIFO order, as on libraries with a single accessor and command queuing.
 * While an inventory (INITIALIZE ELEMENT STATUS) runs, vtl_library_inventory_running()
 * is true and the SCSI layer answers medium commands NOT READY 04/01.
 *
 * Ownership and threads: a library and all it returns belong to the thread that runs its
 * event loop (the one that calls vtl_library_run_due()); nothing here locks. Strings and
 * structs returned are copies unless marked borrowed.
 */
#ifndef OPENRSM_SIM_CORE_LIBRARY_H
#define OPENRSM_SIM_CORE_LIBRARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/clock.h"

/* Result of every fallible libvtl call; zero is success. The SCSI layer maps each to one
 * sense code (vtl_rc_sense() in sim/target/target.h). */
enum vtl_rc {
    VTL_OK = 0,
    VTL_E_NOMEM,          /* allocation failed; nothing changed */
    VTL_E_INVAL,          /* bad argument */
    VTL_E_BAD_ADDR,       /* no such element (21/01) */
    VTL_E_SRC_EMPTY,      /* source element empty (3B/0E) */
    VTL_E_DST_FULL,       /* destination element full (3B/0D) */
    VTL_E_PREVENTED,      /* medium removal prevented (53/02) */
    VTL_E_INCOMPATIBLE,   /* medium not accepted there (30/00) */
    VTL_E_NOT_ACCESSIBLE, /* a door is open in front of the element (NOT READY 04/03) */
    VTL_E_JAMMED,         /* robot jammed: hardware error until reset (15/01 by default) */
    VTL_E_BUSY,           /* inventory in progress (NOT READY 04/01) */
    VTL_E_IO,             /* state file could not be written or read (errno kept) */
    VTL_E_CORRUPT,        /* state file damaged or from another configuration; not applied */
    VTL_E_CONFIG,         /* configuration rejected (message says where and why) */
    VTL_E_EXISTS,         /* barcode already in the library */
    VTL_E_NOT_FOUND,      /* no such barcode / nothing there */
    VTL_E_ABORTED,        /* motion aborted by a reset before it completed */
};

/* Upper-case name of @rc ("VTL_E_DST_FULL"); never NULL. */
const char *vtl_rc_name(enum vtl_rc rc);

/* SMC-3 element type codes (Table "element type code"), used as array indexes too. */
enum vtl_elem_type {
    VTL_ELEM_ALL = 0,
    VTL_ELEM_TRANSPORT = 1,
    VTL_ELEM_STORAGE = 2,
    VTL_ELEM_IE = 3,
    VTL_ELEM_DTE = 4,
};
#define VTL_ELEM_NTYPES 5

/* Media: the LTO generation of a data cartridge, or cleaning. */
enum vtl_media {
    VTL_MEDIA_UNKNOWN = 0,
    VTL_MEDIA_LTO1 = 1,
    VTL_MEDIA_LTO2,
    VTL_MEDIA_LTO3,
    VTL_MEDIA_LTO4,
    VTL_MEDIA_LTO5,
    VTL_MEDIA_LTO6,
    VTL_MEDIA_LTO7,
    VTL_MEDIA_LTO8,
    VTL_MEDIA_LTO9,
    VTL_MEDIA_LTO7_M8 = 20,  /* LTO-7 cartridge initialised as LTO-8 type M (barcode M8) */
    VTL_MEDIA_CLEANING = 30, /* universal cleaning cartridge */
};
#define VTL_MEDIA_BIT(m) (UINT32_C(1) << ((unsigned)(m)&31u))

/* "LTO8", "LTO7-M8", "CLEANING", "UNKNOWN". Never NULL. */
const char *vtl_media_name(enum vtl_media m);
/* Inverse of vtl_media_name (case-insensitive, also "L8"/"LTO-8"); VTL_E_INVAL if unknown. */
enum vtl_rc vtl_media_parse(const char *name, enum vtl_media *out);
/* Media an LTO drive of @gen accepts: its own generation and the previous one (LTO-8 also
 * M8; LTO-7 and earlier read two back), plus cleaning cartridges. */
uint32_t vtl_media_drive_mask(unsigned gen);

#define VTL_BARCODE_MAX 32 /* SMC volume identifier field */
#define VTL_SERIAL_MAX  32

/* One cartridge. */
struct vtl_cart_info {
    char barcode[VTL_BARCODE_MAX + 1];
    enum vtl_media media;
    bool worm;
    bool cleaning;
    int cleaning_uses_left; /* cleaning cartridges; -1 for data cartridges */
    bool label_unreadable;  /* fault: the library cannot read this label */
};

/* Fills @out from an LTO barcode: 6 characters + media suffix (L1..L9; LT..LZ for WORM
 * LTO-3..9; M8; CU/L1 after "CLN" for cleaning). The "CLN" prefix makes a cleaning
 * cartridge with @default_uses uses. Returns VTL_E_INVAL (and leaves @out unchanged) for
 * an empty barcode, one longer than 32 characters, or with characters outside printable
 * ASCII / containing spaces. A barcode of another shape is accepted with media UNKNOWN. */
enum vtl_rc vtl_cart_from_barcode(const char *barcode, int default_uses, struct vtl_cart_info *out);

/* The identity of one drive in a bay (what DVCID reports and the drive LUN will claim). */
struct vtl_drive_ident {
    char vendor[9];
    char product[17];
    char revision[5];
    char serial[VTL_SERIAL_MAX + 1];
    unsigned gen;        /* LTO generation */
    uint32_t media_mask; /* VTL_MEDIA_BIT() of every medium the drive accepts */
};

/* A read-only snapshot of one element. */
struct vtl_elem_info {
    enum vtl_elem_type type;
    uint16_t addr;
    unsigned index; /* 0-based position among elements of its type */
    bool full;
    bool access; /* false while a door in front of it is open */
    bool except; /* element in an abnormal state; asc_ascq says which */
    uint16_t asc_ascq;
    bool svalid; /* src_addr is the element the cartridge came from */
    uint16_t src_addr;
    bool impexp; /* IE: cartridge put there by the operator (not the robot) */
    bool disabled;
    struct vtl_cart_info cart;    /* valid when full */
    struct vtl_drive_ident drive; /* DTE only */
};

/* Hook for the tape-drive emulation, one per data transfer element. Every member may be
 * NULL. Called on the library's thread. @priv is the pointer given with the ops. */
struct vtl_drive_ops {
    /* The robot has placed @cart in the drive (the drive starts its load). */
    void (*loaded)(void *priv, const struct vtl_cart_info *cart);
    /* The robot has taken the cartridge out. */
    void (*unloaded)(void *priv);
    /* May the robot take the cartridge out now? false => MOVE fails 53/02 (the drive has
     * not been unloaded, or the host prevents removal on the drive). NULL => yes. */
    bool (*may_remove)(void *priv);
};

struct vtl_config;
struct vtl_library;

/* Builds a library from @cfg (copied; the caller keeps @cfg). Cartridges go where the
 * config puts them. Returns VTL_OK and *@out (owned: vtl_library_destroy()), or an error
 * with *@out NULL. */
enum vtl_rc vtl_library_create(const struct vtl_config *cfg, struct vtl_library **out);
/* Frees @lib. Motions still pending complete first with VTL_E_ABORTED (their SCSI
 * commands with TASK ABORTED, cmd->done called), as on a power-on reset. */
void vtl_library_destroy(struct vtl_library *lib);

/* The library's clock (borrowed; lives as long as the library). */
struct vtl_clock *vtl_library_clock(struct vtl_library *lib);
/* Runs due clock events (robot motions finishing). Returns how many ran. */
unsigned vtl_library_run_due(struct vtl_library *lib);

/* Identity: vendor/product/revision/serial (borrowed strings, valid while @lib lives). */
const char *vtl_library_vendor(const struct vtl_library *lib);
const char *vtl_library_product(const struct vtl_library *lib);
const char *vtl_library_revision(const struct vtl_library *lib);
const char *vtl_library_serial(const struct vtl_library *lib);
/* The configuration the library was built from (borrowed). */
const struct vtl_config *vtl_library_config(const struct vtl_library *lib);

/* Element queries. @type VTL_ELEM_ALL counts every element. */
unsigned vtl_library_count(const struct vtl_library *lib, enum vtl_elem_type type);
/* First address of @type (the personality's base). */
uint16_t vtl_library_first_addr(const struct vtl_library *lib, enum vtl_elem_type type);
/* Snapshot of the element at @addr: VTL_OK or VTL_E_BAD_ADDR. */
enum vtl_rc vtl_library_elem(const struct vtl_library *lib, uint16_t addr,
                             struct vtl_elem_info *out);
/* Snapshot of the @index-th element of @type (0-based): VTL_OK or VTL_E_BAD_ADDR. */
enum vtl_rc vtl_library_elem_at(const struct vtl_library *lib, enum vtl_elem_type type,
                                unsigned index, struct vtl_elem_info *out);
/* Address of the element holding @barcode: VTL_OK or VTL_E_NOT_FOUND. */
enum vtl_rc vtl_library_find_barcode(const struct vtl_library *lib, const char *barcode,
                                     uint16_t *addr);

/* Drive hook for the @index-th data transfer element (ops borrowed: must outlive the
 * library or be replaced by NULL). VTL_E_BAD_ADDR if there is no such drive. */
enum vtl_rc vtl_library_set_drive_ops(struct vtl_library *lib, unsigned index,
                                      const struct vtl_drive_ops *ops, void *priv);

/* Checks the invariants of every element state (library.h diagram) and of the robot:
 * an empty element has no source, no ImpExp and no label; a source names an existing
 * element; ImpExp only on mail slots; barcodes are unique; the robot is busy exactly when
 * a motion is in flight, and an inventory is a motion. VTL_OK, or VTL_E_CORRUPT with the
 * first broken rule in @why (may be NULL). Tests and the fuzz target call it after every
 * command; it never changes anything. */
enum vtl_rc vtl_library_check(const struct vtl_library *lib, char *why, size_t why_cap);

/* ---- the robot ---- */
enum vtl_robot_kind {
    VTL_ROBOT_MOVE,     /* src -> dst */
    VTL_ROBOT_EXCHANGE, /* src -> dst, dst's cartridge -> dst2 */
    VTL_ROBOT_POSITION, /* transport in front of dst */
    VTL_ROBOT_INIT,     /* inventory every element, or [first, first+n) with range */
};

struct vtl_robot_op {
    enum vtl_robot_kind kind;
    uint16_t transport; /* 0 = default transport */
    uint16_t src, dst, dst2;
    bool range; /* INIT: only n elements from first */
    uint16_t first;
    unsigned n;
};

/* Called exactly once per submitted op, with the result. */
typedef void vtl_robot_done_fn(void *arg, enum vtl_rc rc);

/* Starts @op, or queues it behind the motion in progress. Checks that fail (bad address,
 * empty source, full destination, removal prevented, incompatible medium, door open, jam)
 * complete with that error and no motion. With a zero delay, @done runs before this
 * returns; otherwise from vtl_library_run_due()/vtl_clock_advance(). Returns VTL_OK when
 * @done has been or will be called, or VTL_E_NOMEM (then @done is never called). */
enum vtl_rc vtl_robot_submit(struct vtl_library *lib, const struct vtl_robot_op *op,
                             vtl_robot_done_fn *done, void *arg);
/* Checks @op against the current state without moving anything (what submit would say
 * if the robot were idle). */
enum vtl_rc vtl_robot_check(const struct vtl_library *lib, const struct vtl_robot_op *op);
bool vtl_robot_busy(const struct vtl_library *lib);
bool vtl_library_inventory_running(const struct vtl_library *lib);
/* Completed robot motions since creation (statistics, benchmarks). */
uint64_t vtl_library_move_count(const struct vtl_library *lib);

/* ---- doors, locks, operator ---- */
bool vtl_library_door_open(const struct vtl_library *lib);     /* main door */
bool vtl_library_mailslot_open(const struct vtl_library *lib); /* mail-slot door */
/* True while any nexus prevents medium removal (or a lock was restored from state). */
bool vtl_library_prevented(const struct vtl_library *lib);

/* Operator opens/closes the main door. Opening fails VTL_E_PREVENTED while removal is
 * prevented. Closing raises NOT READY TO READY 28/00 to every nexus. */
enum vtl_rc vtl_library_set_door(struct vtl_library *lib, bool open);
/* Mail-slot door (operator or OPEN/CLOSE IMPORT EXPORT ELEMENT). Opening fails
 * VTL_E_PREVENTED while removal is prevented; closing raises 28/01 to every nexus. */
enum vtl_rc vtl_library_set_mailslot(struct vtl_library *lib, bool open);
/* Operator puts @cart into mail slot @ie_addr (0: the first empty one). Works with the
 * mail-slot door open or closed (the door is opened and closed around it: 28/01 to every
 * nexus). VTL_E_EXISTS for a barcode already inside, VTL_E_DST_FULL if no room,
 * VTL_E_PREVENTED while locked. *@placed (may be NULL) gets the address used. */
enum vtl_rc vtl_library_inject(struct vtl_library *lib, const struct vtl_cart_info *cart,
                               uint16_t ie_addr, uint16_t *placed);
/* Operator takes the cartridge out of mail slot @ie_addr into @out (may be NULL). */
enum vtl_rc vtl_library_remove(struct vtl_library *lib, uint16_t ie_addr,
                               struct vtl_cart_info *out);
/* Operator moves a cartridge by hand (service work): no robot, no delay, SVALID cleared,
 * 28/00 raised to every nexus since the inventory changed behind the hosts' backs. */
enum vtl_rc vtl_library_move_by_hand(struct vtl_library *lib, uint16_t src, uint16_t dst);

/* A drive's cleaning cycle used the cleaning cartridge at @addr: one use fewer.
 * VTL_E_INVAL if @addr holds no cleaning cartridge, VTL_E_INCOMPATIBLE if it has no use
 * left (the drive reports an expired cleaner), VTL_E_BAD_ADDR for no such element. */
enum vtl_rc vtl_library_use_cleaner(struct vtl_library *lib, uint16_t addr);

/* ---- persistence ---- */
/* Keeps @dir/library.state up to date: after every change of persistent state (a motion
 * completing, a door, the lock, an operator action, a fault that changes the inventory)
 * the state is saved as by vtl_library_save_state(). @dir is copied; NULL stops it.
 * Returns VTL_E_NOMEM, or the result of a first save. A later failed save is kept for
 * vtl_library_autosave_status() and retried at the next change. */
enum vtl_rc vtl_library_set_state_dir(struct vtl_library *lib, const char *dir);
/* Result of the most recent automatic save (VTL_OK if none was needed). */
enum vtl_rc vtl_library_autosave_status(const struct vtl_library *lib);

/* Writes the state (cartridges, sources, doors, lock, cleaner uses, exceptions) to
 * @dir/library.state crash-safely: a new file, fsync, rename, fsync of the directory.
 * VTL_E_IO on failure (the previous state file is untouched). */
enum vtl_rc vtl_library_save_state(const struct vtl_library *lib, const char *dir);
/* Reads @dir/library.state and applies it whole, or not at all: VTL_E_NOT_FOUND if there
 * is none, VTL_E_CORRUPT if it is damaged, truncated or describes other elements
 * (@why, if not NULL, gets a one-line reason), VTL_E_IO if unreadable. */
enum vtl_rc vtl_library_load_state(struct vtl_library *lib, const char *dir, char *why,
                                   size_t why_cap);

#endif
