/* SPDX-License-Identifier: MIT
 * sim/core/internal.h - the library's private structures, shared by sim/core and
 * sim/target (both are libvtl). Nothing outside sim/ includes this file: other code uses
 * library.h, fault.h and target.h.
 *
 * Owner: the library's event-loop thread, for every field.
 */
#ifndef OPENRSM_SIM_CORE_INTERNAL_H
#define OPENRSM_SIM_CORE_INTERNAL_H

#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/core/library.h"
#include "sim/target/cmd.h"

/* Pending unit attentions kept per nexus; when the queue is full the oldest condition
 * that is less important is dropped (SPC-4 allows reporting only the highest). */
#define VTL_UA_MAX 8

struct vtl_elem {
    enum vtl_elem_type type;
    uint16_t addr;
    unsigned index;
    bool full;
    bool svalid;
    bool impexp;
    bool disabled;
    uint16_t src_addr;
    uint16_t except_asc; /* 0 = no exception */
    struct vtl_cart_info cart;
    /* DTE only */
    struct vtl_drive_ident drive;
    const struct vtl_drive_ops *ops;
    void *ops_priv;
};

struct vtl_nexus {
    uint64_t id;
    bool used; /* false = free slot */
    /* REQUEST VOLUME ELEMENT ADDRESS state from the last SEND VOLUME TAG */
    bool svt_valid;
    uint8_t svt_action;
    uint8_t svt_type;
    uint16_t svt_addr;
    uint16_t svt_min_seq;
    char svt_template[33];
    uint16_t ua[VTL_UA_MAX];
    unsigned n_ua;
    bool prevent;
    /* persistent reservations */
    bool registered;
    uint64_t key;
};

struct vtl_robot_job {
    struct vtl_robot_job *next;
    struct vtl_robot_op op;
    vtl_robot_done_fn *done;
    void *arg;
};

struct vtl_cmd_fault {
    int opcode;
    uint8_t key;
    uint16_t asc_ascq;
    unsigned count;
};

#define VTL_MAX_CMD_FAULTS 16
#define VTL_MAX_LUNS       65

/* Handler for a LUN above 0 (sim/target/target.h vtl_lun_attach). */
typedef enum vtl_exec vtl_lun_fn(void *priv, struct vtl_cmd *cmd);

struct vtl_library {
    struct vtl_config *cfg; /* owned copy */
    struct vtl_clock *clk;  /* owned */

    struct vtl_elem *elems; /* owned; ordered MT, ST, IE, DT */
    size_t n_elems;
    size_t first[VTL_ELEM_NTYPES]; /* index in elems of the first of each type */
    unsigned count[VTL_ELEM_NTYPES];
    int32_t *addr_map; /* owned; 65536 entries: address -> elems index or -1 */

    bool door_open, mailslot_open;
    bool prevent_restored; /* lock read back from state, dropped by ALLOW/reset */
    bool jammed;
    uint16_t jam_asc;
    uint64_t tapealert;
    uint16_t transport_pos; /* element the transport was last sent to */

    /* robot */
    bool robot_busy;
    bool inventory;
    uint64_t robot_event;
    struct vtl_robot_job *cur_job;
    struct vtl_robot_job *queue_head, *queue_tail;
    uint64_t moves_done;

    /* nexuses */
    struct vtl_nexus *nexus;
    size_t n_nexus, cap_nexus;
    uint64_t next_nexus_id;

    /* SPC state of the changer LUN */
    bool d_sense, d_sense_saved;
    uint64_t legacy_resv; /* nexus holding RESERVE(6/10), 0 = none */
    uint32_t pr_generation;
    uint64_t pr_holder; /* nexus holding the persistent reservation, 0 = none */
    uint8_t pr_type;    /* PR type code when held */

    struct vtl_cmd_fault cmd_faults[VTL_MAX_CMD_FAULTS];
    unsigned n_cmd_faults;

    /* persistence */
    char *state_dir; /* owned; NULL: no automatic saves */
    enum vtl_rc autosave_rc;

    /* drive LUNs */
    vtl_lun_fn *lun_exec[VTL_MAX_LUNS];
    void *lun_priv[VTL_MAX_LUNS];
};

/* Whether mutant @m is on: one bit test, what every mutant spot in sim/ costs when off. */
static inline bool vtl_mut(const struct vtl_library *lib, enum vtl_mutant m)
{
    return (lib->cfg->mutants[(unsigned)m >> 6] >> ((unsigned)m & 63u)) & 1u;
}

/* Whether any mutant is on: lets a spot with several mutants skip them all at once. */
static inline bool vtl_mut_any(const struct vtl_library *lib)
{
    uint64_t any = 0;
    for (unsigned w = 0; w < VTL_MUT_WORDS; w++)
        any |= lib->cfg->mutants[w];
    return any != 0;
}

/* Element by address, or NULL. */
struct vtl_elem *vtl_elem_get(const struct vtl_library *lib, uint16_t addr);
/* Fills a public snapshot of @e. */
void vtl_elem_snapshot(const struct vtl_library *lib, const struct vtl_elem *e,
                       struct vtl_elem_info *out);
/* ACCESS as READ ELEMENT STATUS reports it. */
bool vtl_elem_accessible(const struct vtl_library *lib, const struct vtl_elem *e);

/* Nexus table. */
struct vtl_nexus *vtl_nexus_find(struct vtl_library *lib, uint64_t id);
/* Queues @asc_ascq on one nexus (duplicates dropped) / every nexus but @except (may be NULL). */
void vtl_ua_raise(struct vtl_nexus *nx, uint16_t asc_ascq);
void vtl_ua_raise_all(struct vtl_library *lib, uint16_t asc_ascq, const struct vtl_nexus *except);
/* Removes and returns the highest-priority pending UA of @nx (0 if none). */
uint16_t vtl_ua_take(struct vtl_nexus *nx);
uint16_t vtl_ua_peek(const struct vtl_nexus *nx);

/* Persistent state changed: save it if a state directory is set. */
void vtl_library_changed(struct vtl_library *lib);

/* Aborts robot work in flight and queued (power-on reset): done callbacks get @rc. */
void vtl_robot_abort_all(struct vtl_library *lib, enum vtl_rc rc);
/* Drops the volatile SPC state: prevent locks, reservations, mode current values. */
void vtl_library_reset_volatile(struct vtl_library *lib);

#endif
