/* SPDX-License-Identifier: MIT
 * conformance/conform.h - the certification harness: a catalogue of T10 checks run against
 * a medium changer (SMC-3) and its tape drives (SSC-4), with evidence and timings kept for
 * a publishable report.
 *
 * Shape (after libiscsi's test tool): every check has a stable id (SMC-MOVE-004), a title,
 * the clause it tests (SPC-4/5, SMC-3, SSC-4/5, or the host software that relies on the
 * behaviour), a class and a destructive flag. A check sends commands through a
 * struct conform_dev; every exchange (CDB, status, data and sense, hex) is recorded as its
 * evidence. Its verdict is PASS, FAIL, or SKIP with the reason (a device may lack an
 * optional command; any ASC/ASCQ the standard allows is accepted).
 *
 * Flow: conform_run_open() discovers the device (INQUIRY, page 1Dh/1Fh, inventory, drive
 * LUNs and their element mapping), conform_run_all() runs the selected checks, the
 * report writers (report.c) serialise the results.
 *
 * Safety: every successful MOVE MEDIUM / EXCHANGE MEDIUM is journaled; after each check
 * (pass or fail) the journal is undone in reverse order, so cartridges go back where they
 * were. With opts.safe the final inventory is compared with the one taken at open, and
 * nothing is written to any cartridge but the --scratch one.
 *
 * Threads: a run belongs to one thread. Ownership is stated per function.
 * Start reading at struct conform_check and conform_run_all().
 */
#ifndef OPENRSM_CONFORMANCE_CONFORM_H
#define OPENRSM_CONFORMANCE_CONFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "transport/transport.h"

/* The module's one result enum; zero is success. */
enum conform_rc {
    CONFORM_OK = 0,
    CONFORM_E_OPEN,      /* a device could not be opened                        */
    CONFORM_E_IO,        /* a command could not be delivered                    */
    CONFORM_E_NOMEM,
    CONFORM_E_INVAL,     /* bad arguments (unknown check id, bad option)        */
    CONFORM_E_WRITE,     /* a report file could not be written                  */
    CONFORM_E_RESTORE,   /* --safe: the inventory could not be put back         */
};
const char *conform_rc_name(enum conform_rc rc);

enum conform_verdict { CONFORM_PASS = 0, CONFORM_FAIL = 1, CONFORM_SKIP = 2, CONFORM_NOTRUN = 3 };
const char *conform_verdict_name(enum conform_verdict v); /* "PASS", "FAIL", "SKIP" */

enum conform_class {
    CONFORM_MANDATORY = 0,   /* the standard says shall                               */
    CONFORM_OPTIONAL,        /* optional feature: checked if the device offers it     */
    CONFORM_CLIENT,          /* what Linux ch/st, mtx, Bacula, FreeBSD ch, PBS rely on */
};
const char *conform_class_name(enum conform_class c); /* "mandatory", ... */

/* ---- devices ---- */

/* One logical unit the harness talks to. exec has xport_exec()'s contract (a CHECK
 * CONDITION is XPORT_OK with status 02h). Tests supply their own ops (a scripted device). */
struct conform_dev_ops {
    enum xport_rc (*exec)(void *impl, struct xport_cmd *cmd);
    void (*close)(void *impl);
};
struct conform_dev {
    const struct conform_dev_ops *ops;
    void *impl;
    char uri[512];
};

/* Opens @uri as a new I_T nexus. On success *@out is owned (conform_dev_close()). */
typedef enum conform_rc conform_open_fn(void *arg, const char *uri, struct conform_dev **out,
                                        char *err, size_t err_cap);

/* The default opener: transport/ (sim:, iscsi://, sg:). @arg unused. */
enum conform_rc conform_dev_open_xport(void *arg, const char *uri, struct conform_dev **out,
                                       char *err, size_t err_cap);
void conform_dev_close(struct conform_dev *d);

/* The URI of LUN @lun of the same target as @uri, for schemes where that is known
 * (sim:, iscsi://); false (nothing written) for sg: and unknown schemes. */
bool conform_uri_with_lun(const char *uri, unsigned lun, char *out, size_t cap);

/* ---- catalogue ---- */

struct conform_run;
typedef void conform_check_fn(struct conform_run *r);

struct conform_check {
    const char *id;          /* "SMC-MOVE-004": stable, used by --only and reports */
    const char *group;       /* "identification", "motion", ...                    */
    const char *title;
    const char *clause;      /* "SMC-3 6.9" or "relied on by Linux ch (ch_readconfig)" */
    enum conform_class cls;
    bool destructive;        /* moves media where an operator could take it, or
                              * writes to a cartridge (only the --scratch one)     */
    conform_check_fn *fn;
};

/* The catalogue, in run order; *n gets its length. Constant, borrowed. */
const struct conform_check *conform_catalogue(size_t *n);
const struct conform_check *conform_check_find(const char *id);

/* ---- results ---- */

/* One command as sent and answered. data is a copy of at most CONFORM_DATA_KEEP bytes. */
#define CONFORM_DATA_KEEP 512
struct conform_exchange {
    char lu[16];             /* "changer", "drive1", "changer#2" (second nexus) */
    uint8_t cdb[XPORT_CDB_MAX];
    size_t cdb_len;
    int dir;                 /* enum xport_dir */
    size_t alloc_len;        /* buffer offered (in) or sent (out) */
    enum xport_rc xrc;
    uint8_t status;
    size_t xfer_len;
    uint8_t *data;           /* owned; data_len bytes */
    size_t data_len;
    uint8_t sense[XPORT_SENSE_MAX];
    size_t sense_len;
    double ms;
};

struct conform_timing {
    char what[64];           /* "move 4096->256 (ST->DT)", "load to ready", ... */
    char kind[16];           /* "move", "load", "unload", "rewind", "inventory", "init" */
    char check_id[24];
    double ms;
};

struct conform_result {
    const struct conform_check *check;
    enum conform_verdict verdict;
    char reason[512];        /* first failure, or the skip reason */
    char **notes;            /* owned strings: every failure, observation */
    size_t n_notes;
    struct conform_exchange *ex;
    size_t n_ex;
    double ms;
};

struct conform_identity {
    char vendor[9], product[17], revision[5], serial[65], naa[40];
    uint8_t pdt;
};

struct conform_drive {
    char uri[512];
    unsigned lun;
    struct conform_dev *dev;          /* owned by the run */
    struct conform_identity id;
    uint16_t elem_addr;               /* DT element it is mapped to (0xFFFF: unknown) */
    bool mapped_by_dvcid;
};

struct conform_opts {
    const char *device_uri;
    const char *scratch;              /* --scratch BARCODE, or NULL */
    const char *only;                 /* --only GLOB (fnmatch on ids), or NULL */
    bool safe;
    const char **drive_uris;          /* --drive URI..., may be NULL */
    size_t n_drive_uris;
    bool quiet;                       /* no progress lines */
    conform_open_fn *open;            /* NULL: conform_dev_open_xport */
    void *open_arg;
    /* When non-NULL and set (a signal handler's flag), conform_run_all() starts no more
     * checks: the running one finishes and puts its cartridges back, the report covers
     * what ran. */
    volatile int *stop;
};

/* Element map and inventory, as discovered. */
#define CONFORM_MAX_ELEMS 4096
struct conform_elem {
    uint16_t addr;
    uint8_t type;                     /* enum t10_elem_type */
    bool full, except, access, impexp, inenab, exenab;
    uint8_t medium;
    char voltag[33];
    bool src_valid;
    uint16_t src_addr;
    char ident[65];                   /* DVCID identifier (DT), printable */
};

struct conform_run;

/* Opens the changer (and drives), discovers the library. *@out is owned
 * (conform_run_free()), also on failure to discover (checks then SKIP with the reason);
 * CONFORM_E_OPEN only when the changer itself cannot be opened. */
enum conform_rc conform_run_open(const struct conform_opts *opts, struct conform_run **out,
                                 char *err, size_t err_cap);

/* Runs the selected checks in catalogue order, printing one progress line per check to
 * stderr unless opts.quiet. Returns CONFORM_E_RESTORE when --safe could not put the
 * inventory back, else CONFORM_OK. */
enum conform_rc conform_run_all(struct conform_run *r);

/* Runs one check by id (tests); its result is appended as conform_run_all() would. */
enum conform_rc conform_run_one(struct conform_run *r, const char *id);

/* Results, in run order; borrowed until conform_run_free(). */
const struct conform_result *conform_results(const struct conform_run *r, size_t *n);
const struct conform_result *conform_result_find(const struct conform_run *r, const char *id);
const struct conform_timing *conform_timings(const struct conform_run *r, size_t *n);
const struct conform_identity *conform_changer_identity(const struct conform_run *r);
const struct conform_drive *conform_drives(const struct conform_run *r, size_t *n);
const struct conform_opts *conform_run_opts(const struct conform_run *r);
/* Inventory as discovered at open and as found at the end of the run (after restore). */
const struct conform_elem *conform_inventory(const struct conform_run *r, bool final, size_t *n);
/* Restore outcome: true when the final inventory equals the initial one. */
bool conform_restored(const struct conform_run *r, char *why, size_t cap);
void conform_counts(const struct conform_run *r, unsigned *passed, unsigned *failed,
                    unsigned *skipped);
void conform_run_free(struct conform_run *r);

/* ---- reports (report.c) ---- */

/* Writes report.json, report.md, report.html and junit.xml into @dir (created if
 * missing). CONFORM_E_WRITE with @err on failure. */
enum conform_rc conform_report_write_all(const struct conform_run *r, const char *dir, char *err,
                                         size_t err_cap);
enum conform_rc conform_report_json(const struct conform_run *r, const char *path);
enum conform_rc conform_report_md(const struct conform_run *r, const char *path);
enum conform_rc conform_report_html(const struct conform_run *r, const char *path);
enum conform_rc conform_report_junit(const struct conform_run *r, const char *path);

/* The catalogue as a Markdown table (rsm-conform --list). */
void conform_catalogue_print(FILE *out);

#endif
