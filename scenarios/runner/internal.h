/* SPDX-License-Identifier: MIT
 * scenarios/runner/internal.h - the validated form of a scenario, shared by parse.c (which
 * builds it from YAML) and run.c (which executes it). Not installed.
 *
 * Every step keeps its position in the file so a failure names file:line. Strings are
 * owned by the step and freed with the scenario.
 */
#ifndef OPENRSM_SCENARIOS_RUNNER_INTERNAL_H
#define OPENRSM_SCENARIOS_RUNNER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntmsapi.h>

#include "scenarios/runner/scn.h"

#define SCN_MAX_ANY  6 /* results an expectation may accept */
#define SCN_NAME_MAX 64
#define SCN_DATA_MAX 512

enum scn_kind {
    /* simulator */
    SCN_INJECT,
    SCN_REMOVE,
    SCN_DOOR,
    SCN_MAILSLOT_DOOR,
    SCN_FORCE_DOOR,
    SCN_MOVE_BY_HAND,
    SCN_DIRTY,
    SCN_DRIVE_FAULT,
    SCN_ROBOT_JAM,
    SCN_CLEAR_JAM,
    SCN_UNREADABLE,
    SCN_POWER_CYCLE,
    SCN_ADVANCE,
    SCN_FAIL_NEXT,
    SCN_APPEARS,
    /* device */
    SCN_CDB,
    SCN_SCSI,
    /* checks */
    SCN_ELEMENTS,
    SCN_TAPEALERT,
    SCN_TIME,
    SCN_DRIVE_STATE,
    /* RSM */
    SCN_RSM,
    SCN_RSM_VIEW, /* a check of RSM's view (media, agreement with the library, opreqs, events) */
    /* control */
    SCN_REPEAT,
    SCN_PICK,
    SCN_KIND_COUNT
};

/* An element named in a step: "slot 3", "mailslot 1", "drive 2", "transport 1" (1-based
 * within its type) or a raw address (type 0). */
struct scn_elem {
    int type;     /* enum vtl_elem_type; 0 = raw address */
    unsigned num; /* index (1-based) or the address */
};

/* Commands a 'scsi' step names (parse.c's scsi_names[] in the same order). */
enum scn_scsi_cmd {
    SC_TUR,
    SC_RSENSE,
    SC_INQUIRY,
    SC_MOVE,
    SC_INIT,
    SC_PREVENT,
    SC_ALLOW,
    SC_OPEN_IE,
    SC_CLOSE_IE,
    SC_LOAD,
    SC_UNLOAD,
    SC_REWIND,
    SC_WRITE,
    SC_WFM,
    SC_READ,
    SC_LOG_SENSE,
    SC_EXCHANGE,
    SC_POSITION,
    SC_N
};

enum scn_drive_fault {
    SCN_DF_HARD,
    SCN_DF_WRITE_ERROR,
    SCN_DF_READ_ERROR,
    SCN_DF_NOT_READY,
    SCN_DF_SLOW,
    SCN_DF_CLEAR
};

enum scn_rsm_call {
    SCN_CREATE_POOL,
    SCN_DELETE_POOL,
    SCN_SET_POOL_POLICY,
    SCN_ALLOCATE,
    SCN_DEALLOCATE,
    SCN_MOVE_TO_POOL,
    SCN_GET_INFO,
    SCN_ENUMERATE,
    SCN_GET_POOL_NAME,
    /* library control: called for real; without the device layer linked (or for inject,
     * eject, door, cleaning: not implemented, rsm/api/STATUS.md) it answers NOT_SUPPORTED */
    SCN_MOUNT,
    SCN_DISMOUNT,
    SCN_INVENTORY,
    SCN_INJECT_MEDIA,
    SCN_EJECT_MEDIA,
    SCN_ACCESS_DOOR,
    SCN_CLEAN_DRIVE,
    SCN_RSM_CALL_COUNT,
    /* not names of 'call:' (parse.c's call_names[] ends above) */
    SCN_GENERIC,     /* any other function of ntmsapi.h, by name (api.c) */
    SCN_LIBRARY_ADD, /* library_add: the scenario's library (or --device) by URI */
    SCN_RESTART,     /* restart: the session is closed and opened again (a service restart) */
    SCN_TICK,        /* tick: rsm_iec_tick(), the periodic work rsmd's timer runs */
    SCN_WAIT,        /* wait: a library request saved earlier runs to its end */
};

/* ---- any NTMS function by name (api.c) ---------------------------------------------- */

enum scn_arg_kind {
    SCN_ARG_GUID,   /* an object: a saved name, library, drive N, slot N, a barcode, a pool */
    SCN_ARG_DWORD,  /* a number or NTMS_* names joined by '|' (or a list of them) */
    SCN_ARG_STR,    /* text */
    SCN_ARG_HANDLE, /* a session, notification or detection handle saved earlier */
};

struct scn_api_param {
    const char *name; /* NULL ends the list */
    enum scn_arg_kind kind;
    bool optional; /* absent: NULL pointer, 0, or the function's documented default */
};

#define SCN_API_MAX_PARAMS 6
#define SCN_API_MAX_GUID   4
#define SCN_API_MAX_DWORD  4
#define SCN_API_MAX_STR    3

/* The marshalled arguments of one call: each kind fills its array in parameter order. */
struct scn_api_args {
    GUID g[SCN_API_MAX_GUID];
    bool g_set[SCN_API_MAX_GUID];
    DWORD d[SCN_API_MAX_DWORD];
    bool d_set[SCN_API_MAX_DWORD];
    const char *s[SCN_API_MAX_STR]; /* borrowed from the step */
    wchar_t *ws[SCN_API_MAX_STR];   /* owned wide copies (scn_api_args_free) */
    HANDLE hin;
    /* outputs */
    GUID out;
    bool has_out;
    HANDLE hout;
    bool has_hout;
    DWORD count;
    bool has_count;
    char text[512];
    bool has_text;
};

struct scn_api_fn {
    const char *name;
    char out; /* 'g' GUID, 'h' handle, 'c' number, 't' text, 0 none */
    DWORD (*call)(HANDLE session, struct scn_api_args *a);
    struct scn_api_param p[SCN_API_MAX_PARAMS];
};

/* The function called @name (generic names are the A forms); NULL if ntmsapi.h has none. */
const struct scn_api_fn *scn_api_find(const char *name);
size_t scn_api_count(void);
const struct scn_api_fn *scn_api_at(size_t i);
void scn_api_args_free(struct scn_api_args *a);
/* The value of enum constant NTMS_... @name of ntmsapi.h; false if there is none. */
bool scn_ntms_symbol(const char *name, uint32_t *out);
/* A DWORD argument as written: numbers and NTMS_* names joined by '|' (parse.c). */
bool scn_dword_parse(const char *text, uint32_t *out);

/* A named argument of a generic call, as written (validated against the function). */
struct scn_arg {
    char *name;
    char *value;
    unsigned line, col;
};

/* Expected outcome of a step (each member is checked only when its has_ flag is set). */
struct scn_expect {
    unsigned n_result; /* "result": any of these names */
    char result[SCN_MAX_ANY][48];
    bool has_status;
    uint8_t status;
    bool has_sense;
    uint8_t key;
    uint16_t asc_ascq;
    bool has_data; /* data-in must start with these bytes */
    uint8_t data[SCN_DATA_MAX];
    size_t data_len;
    char *barcode;   /* remove: the cartridge taken out */
    char *pool;      /* RSM GetNtmsObjectInformation: pool full name */
    int media_state; /* -1 unchecked */
    long count;      /* -1 unchecked: EnumerateNtmsObject count */
    char *count_of;  /* ... or the length of this list variable */
    char *name;      /* GetNtmsMediaPoolName */
    char *object;    /* a generic call's GUID output is the object this names */
    long inv[5];     /* inventory: new, moved, gone, imported, dup; -1 unchecked */
};

/* One medium in an rsm_view check. */
struct scn_media_want {
    char *barcode;
    unsigned line;
    char *pool; /* full pool name, or NULL */
    int state;  /* NTMS_MEDIASTATE_*, -1 unchecked */
    bool has_at;
    bool offline; /* at: offline (the offline library) */
    struct scn_elem at;
};

/* One drive in an rsm_view check: a name arg_guid resolves ("drive N", a saved name; a
 * library means its first drive, as a stand-alone drive's library has one). */
struct scn_drive_want {
    char *name;
    unsigned line;
    unsigned state; /* NTMS_DRIVESTATE_* */
};

/* One expected element in an "elements" check. */
struct scn_elem_want {
    struct scn_elem elem;
    unsigned line, col;
    bool empty;    /* must be empty */
    char *barcode; /* must hold this ("" = full with no readable label) */
    bool has_except;
    uint16_t except; /* 0: no exception */
    bool has_access;
    bool access;
    int svalid_from; /* -1 unchecked; else the source must be this element */
    struct scn_elem from;
};

struct scn_step {
    enum scn_kind kind;
    unsigned line, col;
    char *label; /* optional "name:" */
    /* simulator */
    char *barcode;
    char *media;       /* media type name */
    unsigned mailslot; /* 1-based, 0 = first free */
    bool open;
    struct scn_elem from, to;
    unsigned drive; /* 1-based */
    enum scn_drive_fault fault;
    uint64_t n; /* counts, blocks, durations in microseconds */
    uint64_t us;
    bool has_uses; /* inject: a cleaning cartridge's uses left */
    unsigned uses;
    int opcode; /* fail_next: -1 any */
    uint8_t key;
    uint16_t asc_ascq;
    /* device */
    unsigned lun;
    char nexus[SCN_NAME_MAX];
    uint8_t cdb[32];
    size_t cdb_len;
    uint8_t *data_out;
    size_t data_out_len;
    uint32_t alloc;       /* data-in buffer for raw CDBs */
    uint32_t write_bytes; /* scsi WRITE: bytes of seeded random data */
    /* checks */
    struct scn_elem_want *want;
    size_t n_want;
    uint64_t ta_set, ta_clear; /* TapeAlert flags that must be set / clear (bit n-1) */
    bool has_at_least, has_at_most;
    uint64_t at_least_us, at_most_us;
    char *state; /* drive state name */
    int dirty;   /* -1 unchecked */
    /* RSM */
    enum scn_rsm_call call;
    char *pool;
    char *parent;
    char *name;
    bool media_type; /* pool holds LTO media (else only pools) */
    uint32_t action, options, alloc_policy, dealloc_policy;
    bool has_alloc_policy, has_dealloc_policy;
    char *save, *push, *pop, *var;
    bool all_barcodes;
    uint32_t obj_type;
    const struct scn_api_fn *api; /* SCN_GENERIC */
    struct scn_arg *args;
    size_t n_args;
    char *save_as;
    bool has_uid; /* call as another user (uid = its only group) */
    uint32_t as_uid;
    char *session;       /* a session handle saved earlier, instead of the scenario's */
    bool full;           /* inventory: INITIALIZE ELEMENT STATUS first */
    unsigned standalone; /* library_add: drive N (LUN N) alone, as a stand-alone drive */
    /* rsm_view */
    struct scn_media_want *media_want;
    size_t n_media_want;
    struct scn_drive_want *drive_want;
    size_t n_drive_want;
    bool agrees;
    long opreqs;         /* -1 unchecked */
    long events;         /* -1 unchecked: at least this many notifications */
    uint32_t event_type; /* 0 any, else NTMS object type */
    /* control */
    struct scn_step *steps;
    size_t n_steps;
    uint64_t count;
    struct scn_expect ex;
};

struct scn_scenario {
    char *file;
    char *name;
    char *description;
    uint64_t seed;
    char *library_yaml; /* a sim/ config (never NULL: the default is written out) */
    bool rsm;           /* an embedded RSM database */
    bool rsm_mirror;    /* ... with the library mirrored into it at the start */
    bool rsm_free_all;  /* ... and put every data cartridge in the free pool */
    struct scn_step *steps;
    size_t n_steps;
};

void scn_step_free(struct scn_step *s);
const char *scn_kind_name(enum scn_kind k);
const char *scn_rsm_call_name(enum scn_rsm_call c);

#endif
