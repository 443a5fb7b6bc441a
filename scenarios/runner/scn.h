/* SPDX-License-Identifier: MIT
 * scenarios/runner/scn.h - scenario files: load and validate, run, report.
 *
 * A scenario (scenarios/README.md has the format) describes a library, the RSM database
 * mirrored from it, and steps that act on the simulator, on RSM or on a device, each with
 * what must come out. This module is the library behind rsm-scenario and test_scn_library:
 *
 *   scn_load_file(path, &sc, err, cap)    parse + validate; errors are file:line:column
 *   scn_run(sc, &res)                      one isolated run: own simulator, own database
 *   scn_report_junit / scn_report_tap      the reports of a batch of results
 *
 * Isolation: every run builds its library and its embedded RSM database in a fresh
 * temporary directory and removes it after, so runs share nothing and may go in parallel
 * threads (one scenario per thread at a time).
 * Ownership: every struct returned is owned by the caller and freed with its _free().
 */
#ifndef OPENRSM_SCENARIOS_RUNNER_SCN_H
#define OPENRSM_SCENARIOS_RUNNER_SCN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The one result enum of the scenario runner; zero is success. */
enum scn_rc {
    SCN_OK = 0,
    SCN_E_INPUT,  /* the file is not a valid scenario (message: file:line:column) */
    SCN_E_FAILED, /* the scenario ran and an expectation did not hold */
    SCN_E_SETUP,  /* the library or the database could not be built */
    SCN_E_NOMEM,
    SCN_E_IO, /* a file could not be read or written */
};
const char *scn_rc_name(enum scn_rc rc);

struct scn_scenario;

/* Parses and validates the scenario in @path. On SCN_OK *@out is owned (scn_free());
 * otherwise *@out is NULL and @err gets "file:line:column: what was expected" (or the
 * reason the file could not be read). */
enum scn_rc scn_load_file(const char *path, struct scn_scenario **out, char *err, size_t cap);
/* The same from memory; @name stands for the file in messages. */
enum scn_rc scn_load_string(const char *text, size_t len, const char *name,
                            struct scn_scenario **out, char *err, size_t cap);
void scn_free(struct scn_scenario *sc);

/* The scenario's name (its name: key, else the file name); borrowed. */
const char *scn_name(const struct scn_scenario *sc);
/* The file name given at load; borrowed. */
const char *scn_file(const struct scn_scenario *sc);

/* What one run produced. */
struct scn_result {
    enum scn_rc rc; /* SCN_OK: every expectation held */
    char *name;     /* owned copies */
    char *file;
    char *failure; /* owned; NULL when passed: "file:line: step N (kind): ..."
                    * followed by an expected/actual diff */
    char *trace;   /* owned; one line per step run, with its outcome */
    unsigned steps_run;
    unsigned steps_skipped; /* steps that could not run here (see skipped) */
    char *skipped;          /* owned; NULL if none: "file:line: step N (kind): reason\n"... */
    uint64_t virtual_us;    /* virtual time that passed in the library */
    double wall_s;          /* real time the run took */
};

/* Runs @sc once in its own temporary simulator and database. @seed_override, when not
 * NULL, replaces the file's seed (reproducibility tests). Fills @out (owned: free with
 * scn_result_free()). Returns out->rc. */
enum scn_rc scn_run(const struct scn_scenario *sc, const uint64_t *seed_override,
                    struct scn_result *out);
/* The same against a real library at device URI @device_uri (iscsi://HOST/IQN/LUN of its
 * changer, sg:/dev/sgN, or sim:...): no simulator is built. Raw CDB, SCSI, element and
 * TapeAlert steps go to the device through transport/ (LUN n of an iscsi:// target is the
 * URI with n last), RSM steps run for real (library_add adds @device_uri), and steps that
 * need the simulator (faults, hand moves, virtual time, drive internals) are skipped: each
 * is counted in out->steps_skipped and listed with its reason in out->skipped. A scenario
 * with a mirrored RSM database cannot run so (SCN_E_SETUP, saying why). */
enum scn_rc scn_run_device(const struct scn_scenario *sc, const uint64_t *seed_override,
                           const char *device_uri, struct scn_result *out);
void scn_result_free(struct scn_result *r);

/* JUnit XML (one testsuite "rsm-scenario", one testcase per result) to @f. */
void scn_report_junit(FILE *f, const struct scn_result *res, size_t n);
/* TAP version 13 to @f. */
void scn_report_tap(FILE *f, const struct scn_result *res, size_t n);
/* @s with XML special characters escaped, to @f. */
void scn_xml_escape(FILE *f, const char *s);

#endif
