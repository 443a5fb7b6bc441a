/* SPDX-License-Identifier: MIT
 * test_scn - the scenario runner (scenarios/runner): every malformed-input message with
 * its file:line:column, the expected/actual diff of failing steps, seeded reproducibility,
 * isolation between runs, and well-formed JUnit XML and TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "scenarios/runner/internal.h"
#include "scenarios/runner/scn.h"
#include "sim/core/clock.h"
#include "sim/core/config.h"
#include "sim/drive/drive.h"
#include "sim/system.h"
#include "tests/lib/cutest.h"
#include "transport/transport.h"

/* ---- utilities ---------------------------------------------------------------------------- */

/* Loads @text as "t.yaml" and returns the error message (static buffer), or "OK". */
static const char *load_error(const char *text)
{
    static char err[2048];
    struct scn_scenario *sc = NULL;
    enum scn_rc rc = scn_load_string(text, strlen(text), "t.yaml", &sc, err, sizeof err);
    if (rc == SCN_OK) {
        scn_free(sc);
        return "OK";
    }
    CU_ASSERT_PTR_NULL(sc);
    CU_ASSERT_EQUAL(rc, SCN_E_INPUT);
    return err;
}

#define EXPECT_ERROR(text, msg)                                                                    \
    do {                                                                                           \
        const char *got_ = load_error(text);                                                       \
        if (strcmp(got_, (msg)) != 0)                                                              \
            fprintf(stderr, "\n  expected: %s\n  got:      %s\n", (msg), got_);                    \
        CU_ASSERT_STRING_EQUAL(got_, (msg));                                                       \
    } while (0)

/* Runs @text (which must be valid); fills @r (caller frees with scn_result_free()). */
static enum scn_rc run_text(const char *text, const uint64_t *seed, struct scn_result *r)
{
    char err[2048];
    struct scn_scenario *sc = NULL;
    enum scn_rc rc = scn_load_string(text, strlen(text), "t.yaml", &sc, err, sizeof err);
    if (rc != SCN_OK)
        fprintf(stderr, "\n%s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    rc = scn_run(sc, seed, r);
    scn_free(sc);
    return rc;
}

/* ---- malformed input: exact messages ----------------------------------------------------------
 */

static void test_unknown_top_key(void)
{
    EXPECT_ERROR("name: x\ncolour: red\nsteps:\n  - door: open\n",
                 "t.yaml:2:1: unknown key 'colour' in the scenario: expected one of name, "
                 "description, seed, library, rsm, steps");
}

static void test_unknown_step_kind(void)
{
    EXPECT_ERROR("steps:\n  - fly: {to: moon}\n",
                 "t.yaml:2:5: unknown key 'fly' in a step: expected name, expect or one action of "
                 "inject, remove, door, mailslot_door, force_door_open, move_by_hand, dirty, "
                 "drive_fault, robot_jam, clear_jam, unreadable_barcode, power_cycle, advance, "
                 "fail_next, cartridge_appears, cdb, scsi, elements, tapealert, time, drive_state, "
                 "rsm, rsm_view, repeat, pick");
}

static void test_wrong_type(void)
{
    EXPECT_ERROR("steps:\n  - repeat: {count: many, steps: [{door: open}]}\n",
                 "t.yaml:2:21: expected count (an integer from 0 to 100000), found 'many'");
    EXPECT_ERROR("steps:\n  - inject: [B00001L8]\n",
                 "t.yaml:2:13: expected inject (a mapping), found a list");
    EXPECT_ERROR("steps:\n  door: open\n",
                 "t.yaml:2:3: expected steps (a list of steps), found a mapping");
    EXPECT_ERROR("steps:\n  - dirty: {drive: 0}\n", "t.yaml:2:20: expected drive from 1");
}

static void test_missing_field(void)
{
    EXPECT_ERROR("steps:\n  - inject: {mailslot: 1}\n",
                 "t.yaml:2:13: missing key 'barcode' in inject");
    EXPECT_ERROR("name: no steps\n", "t.yaml:1:1: missing key 'steps' in the scenario");
    EXPECT_ERROR("steps:\n  - name: only a name\n",
                 "t.yaml:2:5: expected an action in this step (inject, cdb, rsm, elements, ...)");
    EXPECT_ERROR("steps:\n  - drive_fault: {drive: 1, fault: read_error}\n",
                 "t.yaml:2:18: missing key 'block' in drive_fault (read_error needs the logical "
                 "object that fails)");
    EXPECT_ERROR("steps:\n  - scsi: {command: WRITE, lun: 1}\n",
                 "t.yaml:2:11: missing key 'bytes' in scsi (WRITE needs a transfer length)");
}

static void test_fault_keys(void)
{
    EXPECT_ERROR("steps:\n  - drive_fault: {drive: 1, fault: hard, block: 3}\n",
                 "t.yaml:2:42: unexpected key 'block' for fault hard");
    EXPECT_ERROR("steps:\n  - drive_fault: {drive: 1, fault: melt}\n",
                 "t.yaml:2:36: expected fault (one of hard, write_error, read_error, not_ready, "
                 "slow, clear), found 'melt'");
    CU_ASSERT_STRING_EQUAL(load_error("steps:\n  - drive_fault: {drive: 1, fault: not_ready, "
                                      "after_writes: 2, duration: 45s}\n"),
                           "OK");
}

static void test_one_action_per_step(void)
{
    EXPECT_ERROR("steps:\n  - door: open\n    mailslot_door: open\n",
                 "t.yaml:3:5: a step has one action: 'mailslot_door' follows 'door'");
    EXPECT_ERROR("steps:\n  - door: open\n    door: close\n",
                 "t.yaml:3:5: duplicate key 'door' in a step");
}

static void test_bad_values(void)
{
    EXPECT_ERROR("steps:\n  - scsi: {command: TEST_UNIT_READY}\n    expect: {sense: \"5-3B-0D\"}\n",
                 "t.yaml:3:21: expected sense as KEY/ASC/ASCQ in hex (e.g. 5/3B/0D), found "
                 "'5-3B-0D'");
    EXPECT_ERROR("steps:\n  - move_by_hand: {from: shelf 3, to: slot 1}\n",
                 "t.yaml:2:26: expected from as 'slot N', 'mailslot N', 'drive N', 'transport N' "
                 "or 'address N' (N from 1), found 'shelf 3'");
    EXPECT_ERROR("steps:\n  - advance: 3 days\n",
                 "t.yaml:2:14: expected advance (a duration such as 500ms, 30s, 2m or 1h), found "
                 "'3 days'");
    EXPECT_ERROR("steps:\n  - door: ajar\n",
                 "t.yaml:2:11: expected door (one of close, open), found 'ajar'");
    EXPECT_ERROR("steps:\n  - cdb: {hex: \"a5 0\"}\n",
                 "t.yaml:2:16: expected hex (an even number of hex digits)");
    EXPECT_ERROR("steps:\n  - cdb: {hex: \"a5 zz\"}\n",
                 "t.yaml:2:16: expected hex (hex bytes such as \"a5 00 00 01\"), found 'z'");
    EXPECT_ERROR("steps:\n  - tapealert: {lun: 1, set: [0]}\n",
                 "t.yaml:2:31: expected a TapeAlert flag from 1 to 64, found 0");
    EXPECT_ERROR("steps:\n  - scsi: {command: FORMAT_DISK}\n",
                 "t.yaml:2:21: expected command (one of TEST_UNIT_READY, REQUEST_SENSE, INQUIRY, "
                 "MOVE_MEDIUM, INITIALIZE_ELEMENT_STATUS, PREVENT_MEDIUM_REMOVAL, "
                 "ALLOW_MEDIUM_REMOVAL, OPEN_IMPORT_EXPORT, CLOSE_IMPORT_EXPORT, LOAD, UNLOAD, "
                 "REWIND, WRITE, WRITE_FILEMARKS, READ, LOG_SENSE, EXCHANGE_MEDIUM, "
                 "POSITION_TO_ELEMENT), found 'FORMAT_DISK'");
    EXPECT_ERROR("steps:\n  - elements: {slot 1: empty, slot 1: A00000L8}\n",
                 "t.yaml:2:31: duplicate key 'slot 1' in elements");
}

static void test_expect_rules(void)
{
    EXPECT_ERROR("steps:\n  - elements: {slot 1: empty}\n    expect: {result: VTL_OK}\n",
                 "t.yaml:3:13: unexpected key 'expect': an 'elements' step is itself a check");
    EXPECT_ERROR("steps:\n  - door: open\n    expect: {sense: 5/3B/0D}\n",
                 "t.yaml:3:14: unknown key 'sense' in expect: expected one of result, barcode");
    EXPECT_ERROR(
        "steps:\n  - scsi: {command: TEST_UNIT_READY, lun: 0}\n    expect: {result: GOOD}\n",
        "t.yaml:3:14: unknown key 'result' in expect: expected one of status, sense, data");
}

static void test_library_errors_point_into_the_scenario(void)
{
    /* sim/'s own config loader judges the library section, at this file's positions */
    /* (the list of keys is sim/'s and grows with it: the position and the start matter) */
    const char *got = load_error(
        "name: x\nlibrary:\n  personality: ibm-ts4300\n  slotz: 3\nsteps:\n  - door: open\n");
    static const char want[] = "t.yaml:4:3: unknown key 'slotz' in library config (expected one "
                               "of: personality, serial, slots, mailslots, drives, cartridges, ";
    if (strncmp(got, want, sizeof want - 1))
        fprintf(stderr, "\n  expected: %s...\n  got:      %s\n", want, got);
    CU_ASSERT_EQUAL(strncmp(got, want, sizeof want - 1), 0);
    EXPECT_ERROR("library: {personality: nosuch}\nsteps:\n  - door: open\n",
                 "t.yaml:1:24: personality: unknown personality 'nosuch'");
    EXPECT_ERROR("library: [ibm]\nsteps:\n  - door: open\n",
                 "t.yaml:1:10: expected library (a library config mapping, or 'default'), found a "
                 "list");
}

static void test_rsm_needs_section(void)
{
    EXPECT_ERROR("steps:\n  - rsm: {call: CreateNtmsMediaPool, name: X}\n",
                 "t.yaml:2:5: an rsm step needs the top-level 'rsm:' section (e.g. rsm: {mirror: "
                 "true})");
    EXPECT_ERROR("rsm: {mirror: true}\nsteps:\n  - rsm: {call: AllocateNtmsMedia}\n",
                 "t.yaml:3:10: missing key 'pool' in rsm (AllocateNtmsMedia needs a pool)");
    EXPECT_ERROR("rsm: {mirror: true, free: some}\nsteps:\n  - door: open\n",
                 "t.yaml:1:27: expected free: all or none, found some");
}

#define RSM_HDR "rsm: {mirror: false}\nsteps:\n"

/* Any ntmsapi.h function by name: the function, its parameter names, required ones,
 * flags by NTMS_* name; and the convenience actions. */
static void test_rsm_call_keys(void)
{
    EXPECT_ERROR(RSM_HDR "  - rsm: {call: NoSuchNtmsThing}\n",
                 "t.yaml:3:17: expected call (a function of ntmsapi.h), found 'NoSuchNtmsThing'");
    EXPECT_ERROR(RSM_HDR "  - rsm: {call: SetNtmsRequestOrder, request: r, orderr: 2}\n",
                 "t.yaml:3:50: unknown key 'orderr' in rsm (SetNtmsRequestOrder): expected one "
                 "of call, session, as_uid, request, order");
    EXPECT_ERROR(RSM_HDR "  - rsm: {call: SetNtmsRequestOrder, request: r}\n",
                 "t.yaml:3:10: missing key 'order' in rsm (SetNtmsRequestOrder needs it)");
    EXPECT_ERROR(RSM_HDR "  - rsm: {call: InventoryNtmsLibrary, library: library,\n"
                         "          action: NTMS_INVENTORY_FASTEST}\n",
                 "t.yaml:4:19: expected action (a number or NTMS_* names of ntmsapi.h joined by "
                 "'|'), found 'NTMS_INVENTORY_FASTEST'");
    EXPECT_ERROR(RSM_HDR "  - rsm: {call: MountNtmsMedia, media: m, options: [NTMS_MOUNT_READ, "
                         "7x]}\n",
                 "t.yaml:3:52: expected options (a number or NTMS_* names of ntmsapi.h joined "
                 "by '|'), found 'NTMS_MOUNT_READ|7x'");
    EXPECT_ERROR(RSM_HDR "  - rsm: {call: DeleteNtmsMediaPool, pool: X, save_as: y}\n",
                 "t.yaml:3:47: unknown key 'save_as' in rsm (DeleteNtmsMediaPool): expected one "
                 "of call, session, as_uid, pool");
    EXPECT_ERROR(RSM_HDR "  - rsm: {mount: A00000L8, inventory: fast}\n",
                 "t.yaml:3:28: an rsm step makes one call: 'inventory' follows 'mount'");
    EXPECT_ERROR(RSM_HDR "  - rsm: {drive: 1}\n",
                 "t.yaml:3:10: missing key 'call' in rsm (or one of library_add, inventory, "
                 "mount, dismount, restart, tick, wait)");
    EXPECT_ERROR(RSM_HDR "  - rsm: {inventory: slow}\n",
                 "t.yaml:3:22: expected inventory (one of fast, full), found 'slow'");
    EXPECT_ERROR(RSM_HDR "  - rsm: {library_add: {free: some}}\n",
                 "t.yaml:3:31: expected free: all or none, found some");
    EXPECT_ERROR(RSM_HDR "  - rsm: {library_add: {drives: 2}}\n",
                 "t.yaml:3:25: unknown key 'drives' in library_add: expected one of free, "
                 "standalone");
    EXPECT_ERROR(RSM_HDR "  - rsm: {restart: {now: true}}\n",
                 "t.yaml:3:20: expected restart: {} (it takes no arguments)");
    EXPECT_ERROR(RSM_HDR "  - rsm: {inventory: fast, as_uid: root}\n",
                 "t.yaml:3:36: expected as_uid (an integer from 0 to 4294967295), found 'root'");
    EXPECT_ERROR(RSM_HDR "  - rsm: {dismount: A00000L8, drive: 1}\n",
                 "t.yaml:3:31: unknown key 'drive' in rsm: expected one of dismount, session, "
                 "as_uid");
    EXPECT_ERROR(RSM_HDR "  - rsm: {inventory: fast}\n    expect: {result: ERROR_SUCCESS, rc: "
                         "ERROR_BUSY}\n",
                 "t.yaml:4:41: expected either result or rc (the same thing), not both");
    EXPECT_ERROR(RSM_HDR "  - rsm: {inventory: fast}\n    expect: {moved: -1}\n",
                 "t.yaml:4:21: expected moved (an integer from 0 to 100000), found '-1'");
    EXPECT_ERROR("rsm: {mirror: false, free: all}\nsteps:\n  - door: open\n",
                 "t.yaml:1:28: free: all needs mirror: true (with library_add, say library_add: "
                 "{free: all})");
}

/* The request queue, the periodic tick, stand-alone drives and cleaners: every new key
 * checked with its position. */
static void test_queue_tick_standalone_keys(void)
{
    EXPECT_ERROR(RSM_HDR "  - rsm: {tick: {now: true}}\n",
                 "t.yaml:3:17: expected tick: {} (it takes no arguments)");
    EXPECT_ERROR(RSM_HDR "  - rsm: {tick: {}, as_uid: 5}\n",
                 "t.yaml:3:21: unknown key 'as_uid' in rsm: expected one of tick");
    EXPECT_ERROR(RSM_HDR "  - rsm: {wait: {}}\n",
                 "t.yaml:3:17: expected wait (a library request saved with save_as), found a "
                 "mapping");
    EXPECT_ERROR(RSM_HDR "  - rsm: {wait: m, timeout: soon}\n",
                 "t.yaml:3:29: expected timeout (a duration such as 500ms, 30s, 2m or 1h), "
                 "found 'soon'");
    EXPECT_ERROR(RSM_HDR "  - rsm: {wait: m, drive: 1}\n",
                 "t.yaml:3:20: unknown key 'drive' in rsm: expected one of wait, timeout, "
                 "session, as_uid");
    EXPECT_ERROR(RSM_HDR "  - rsm: {library_add: {standalone: 0}, save_as: sa}\n",
                 "t.yaml:3:37: expected standalone (a drive number) from 1");
    EXPECT_ERROR(RSM_HDR "  - rsm: {library_add: {standalone: two}, save_as: sa}\n",
                 "t.yaml:3:37: expected standalone (an integer from 0 to 64), found 'two'");
    EXPECT_ERROR(RSM_HDR "  - rsm: {library_add: {standalone: 1}}\n",
                 "t.yaml:3:24: a standalone drive is a library of its own: name it with save_as");
    EXPECT_ERROR(RSM_HDR "  - inject: {barcode: CLN001L1, uses: -1}\n",
                 "t.yaml:3:39: expected uses (an integer from 0 to 1000), found '-1'");
    EXPECT_ERROR(RSM_HDR "  - inject: {barcode: D00001L8, uses: 3}\n",
                 "t.yaml:3:39: uses counts a cleaning cartridge's cleanings; D00001L8 is a data "
                 "cartridge");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {drives: {drive 1: BUSY}}\n",
                 "t.yaml:3:34: expected a drive state (one of DISMOUNTED, MOUNTED, LOADED, "
                 "UNLOADED, BEING_CLEANED, DISMOUNTABLE), found 'BUSY'");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {drives: [drive 1]}\n",
                 "t.yaml:3:24: expected drives (a mapping of drive: state), found a list");
    EXPECT_ERROR(RSM_HDR "  - rsm: {call: GetNtmsMediaPoolName, pool: X}\n"
                         "    expect: {object: [X]}\n",
                 "t.yaml:4:22: expected object (a saved name, a barcode or an object's name), "
                 "found a list");
    EXPECT_ERROR(RSM_HDR "  - rsm: {inventory: fast}\n    expect: {object: library}\n",
                 "t.yaml:4:22: expect object checks the GUID a call of ntmsapi.h gives; this "
                 "step gives none");
    EXPECT_ERROR(RSM_HDR "  - rsm: {call: OpenNtmsNotification, type: NTMS_DRIVE}\n"
                         "    expect: {object: library}\n",
                 "t.yaml:4:22: expect object: OpenNtmsNotification gives a handle, not an "
                 "object");
    CU_ASSERT_STRING_EQUAL(load_error(RSM_HDR "  - rsm: {tick: }\n  - rsm: {wait: m, timeout: "
                                              "2s}\n  - inject: {barcode: CLN001L1, uses: 0}\n"),
                           "OK");
}

/* rsm_view: a check of RSM's own view. */
static void test_rsm_view_keys(void)
{
    EXPECT_ERROR("steps:\n  - rsm_view: {agrees: true}\n",
                 "t.yaml:2:5: an rsm_view step needs the top-level 'rsm:' section (e.g. rsm: "
                 "{mirror: true})");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {}\n",
                 "t.yaml:3:15: expected rsm_view to check something (media, agrees, opreqs, "
                 "events, drives)");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {agree: true}\n",
                 "t.yaml:3:16: unknown key 'agree' in rsm_view: expected one of media, agrees, "
                 "opreqs, events, drives");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {media: {A00000L8: {state: BUSY}}}\n",
                 "t.yaml:3:42: expected state (one of IDLE, INUSE, MOUNTED, LOADED, UNLOADED, "
                 "OPERROR, OPREQ), found 'BUSY'");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {media: {A00000L8: {at: shelf 3}}}\n",
                 "t.yaml:3:39: expected at (an element or offline) as 'slot N', 'mailslot N', "
                 "'drive N', 'transport N' or 'address N' (N from 1), found 'shelf 3'");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {media: [A00000L8]}\n",
                 "t.yaml:3:23: expected media (a mapping of barcode: what), found a list");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {events: {type: OPREQUEST}}\n",
                 "t.yaml:3:24: missing key 'at_least' in events");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {events: {at_least: 1, type: OPERATOR}}\n",
                 "t.yaml:3:44: expected type (one of OBJECT, CHANGER, CHANGER_TYPE, COMPUTER, "
                 "DRIVE, DRIVE_TYPE, IEDOOR, IEPORT, LIBRARY, LIBREQUEST, LOGICAL_MEDIA, "
                 "MEDIA_POOL, MEDIA_TYPE, PARTITION, PHYSICAL_MEDIA, STORAGESLOT, OPREQUEST, "
                 "UI_DESTINATION), found 'OPERATOR'");
    EXPECT_ERROR(RSM_HDR "  - rsm_view: {opreqs: 1}\n    expect: {rc: ERROR_SUCCESS}\n",
                 "t.yaml:4:13: unexpected key 'expect': an 'rsm_view' step is itself a check");
}

static void test_yaml_syntax_and_shape(void)
{
    EXPECT_ERROR("steps:\n  - door: [open\n",
                 "t.yaml:3:1: did not find expected ',' or ']' while parsing a flow sequence");
    EXPECT_ERROR("", "t.yaml:1:1: expected a scenario (a mapping with name and steps), found an "
                     "empty file");
    EXPECT_ERROR("steps: []\n", "t.yaml:1:8: expected steps to have at least one step");
    EXPECT_ERROR("steps:\n  - door: open\nsteps:\n  - door: close\n",
                 "t.yaml:3:1: duplicate key 'steps' in the scenario");
    EXPECT_ERROR("steps:\n  - door: open\n---\nsteps:\n  - door: close\n",
                 "t.yaml:4:1: expected one scenario per file, found a second document");
}

static void test_valid_file_loads(void)
{
    CU_ASSERT_STRING_EQUAL(load_error("name: ok\nsteps:\n  - door: open\n  - door: close\n"), "OK");
    char err[256];
    struct scn_scenario *sc = NULL;
    CU_ASSERT_EQUAL(scn_load_file("/nonexistent/x.yaml", &sc, err, sizeof err), SCN_E_IO);
    CU_ASSERT_PTR_NULL(sc);
    CU_ASSERT(strncmp(err, "/nonexistent/x.yaml: cannot open", 32) == 0);
}

/* ---- running: diffs, time, isolation ------------------------------------------------------------
 */

static void test_elements_diff(void)
{
    struct scn_result r;
    enum scn_rc rc = run_text("name: diff\nsteps:\n  - inject: {barcode: B00001L8, mailslot: 1}\n"
                              "  - elements:\n      mailslot 1: B00002L8\n      slot 1: empty\n"
                              "      slot 2: A00001L8\n  - door: open\n",
                              NULL, &r);
    CU_ASSERT_EQUAL(rc, SCN_E_FAILED);
    CU_ASSERT_EQUAL(r.steps_run, 2); /* stops at the failing step */
    CU_ASSERT_STRING_EQUAL(r.failure,
                           "t.yaml:4: step 2 (elements) failed: element contents differ\n"
                           "  mailslot 1 (line 5):\n"
                           "    - expected: B00002L8\n"
                           "    + actual:   B00001L8\n"
                           "  slot 1 (line 6):\n"
                           "    - expected: empty\n"
                           "    + actual:   A00000L8\n");
    scn_result_free(&r);
}

static void test_sense_diff(void)
{
    struct scn_result r;
    enum scn_rc rc = run_text("steps:\n  - door: open\n  - name: export\n"
                              "    scsi: {command: MOVE_MEDIUM, from: slot 1, to: mailslot 1}\n"
                              "    expect: {sense: 5/3B/0D}\n",
                              NULL, &r);
    CU_ASSERT_EQUAL(rc, SCN_E_FAILED);
    CU_ASSERT_STRING_EQUAL(
        r.failure, "t.yaml:3: step 2 (scsi \"export\") failed: unexpected sense data\n"
                   "  sense:\n"
                   "    - expected: 5/3B/0D (ILLEGAL REQUEST, MEDIUM DESTINATION ELEMENT FULL)\n"
                   "    + actual:   2/04/03 (NOT READY, LOGICAL UNIT NOT READY, MANUAL "
                   "INTERVENTION REQUIRED)\n");
    scn_result_free(&r);
}

static void test_result_and_status_diff(void)
{
    struct scn_result r;
    run_text("steps:\n  - inject: {barcode: A00001L8}\n", NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:2: step 1 (inject) failed: unexpected result\n"
                                      "  result:\n"
                                      "    - expected: VTL_OK\n"
                                      "    + actual:   VTL_E_EXISTS\n");
    scn_result_free(&r);
    run_text("steps:\n  - repeat:\n      count: 3\n      steps:\n        - door: open\n"
             "        - scsi: {command: TEST_UNIT_READY}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure,
                           "t.yaml:6: step 1#1.2 (scsi) failed: unexpected SCSI status\n"
                           "  status:\n"
                           "    - expected: status 00h\n"
                           "    + actual:   status 02h, sense 2/04/03 (NOT READY, LOGICAL UNIT NOT "
                           "READY, MANUAL INTERVENTION REQUIRED)\n");
    scn_result_free(&r);
}

static void test_check_diffs(void)
{
    struct scn_result r;
    run_text("steps:\n  - dirty: {drive: 1}\n  - tapealert: {lun: 1, set: [3], clear: [20]}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:3: step 2 (tapealert) failed: TapeAlert flags differ "
                                      "on LUN 1\n"
                                      "  flags:\n"
                                      "    - expected: set [3], clear [20]\n"
                                      "    + actual:   [20, 21]\n");
    scn_result_free(&r);
    run_text("steps:\n  - drive_state: {drive: 2, state: READY}\n", NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure,
                           "t.yaml:2: step 1 (drive_state) failed: drive 2 is in another "
                           "state\n"
                           "  state:\n"
                           "    - expected: READY\n"
                           "    + actual:   EMPTY\n");
    scn_result_free(&r);
    run_text("rsm: {mirror: true}\nsteps:\n"
             "  - rsm: {call: EnumerateNtmsObject, pool: \"Unrecognized\\\\LTO Ultrium\"}\n"
             "    expect: {count: 3}\n"
             "  - door: open\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure,
                           "t.yaml:3: step 1 (rsm) failed: pool Unrecognized\\LTO Ultrium "
                           "holds another number of objects\n"
                           "  count:\n"
                           "    - expected: 3\n"
                           "    + actual:   20\n");
    scn_result_free(&r);
    run_text("rsm: {mirror: true}\nsteps:\n"
             "  - rsm: {call: GetNtmsObjectInformation, barcode: A00002L8}\n"
             "    expect: {pool: \"Free\\\\LTO Ultrium\"}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:3: step 1 (rsm) failed: A00002L8 is in another pool\n"
                                      "  pool:\n"
                                      "    - expected: Free\\LTO Ultrium\n"
                                      "    + actual:   Unrecognized\\LTO Ultrium\n");
    scn_result_free(&r);
}

/* RSM's view, generic calls and inventory counts: each failure names what differs. */
static void test_rsm_view_diffs(void)
{
    struct scn_result r;
    run_text("rsm: {mirror: true}\nsteps:\n"
             "  - rsm_view:\n      media:\n"
             "        A00002L8: {pool: \"Free\\\\LTO Ultrium\", at: slot 4, state: IDLE}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:3: step 1 (rsm_view) failed: RSM's view differs\n"
                                      "  A00002L8 pool (line 5):\n"
                                      "    - expected: Free\\LTO Ultrium\n"
                                      "    + actual:   Unrecognized\\LTO Ultrium\n"
                                      "  A00002L8 location (line 5):\n"
                                      "    - expected: slot 4\n"
                                      "    + actual:   slot 3\n");
    scn_result_free(&r);
    /* the library moved behind RSM's back: agrees lists the cartridge */
    run_text("rsm: {mirror: false}\nsteps:\n"
             "  - rsm: {library_add: {}}\n"
             "  - move_by_hand: {from: slot 2, to: slot 22}\n"
             "  - rsm_view: {agrees: true}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure,
                           "t.yaml:5: step 3 (rsm_view) failed: RSM and the library disagree\n"
                           "  A00001L8 (library: slot 22):\n"
                           "    - expected: slot 22\n"
                           "    + actual:   slot 2\n");
    scn_result_free(&r);
    /* an argument naming nothing, and a count that differs */
    run_text("rsm: {mirror: false}\nsteps:\n"
             "  - rsm: {call: SetNtmsRequestOrder, request: Nowhere, order: 1}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:3: step 1 (rsm) failed: request: 'Nowhere' names "
                                      "nothing RSM knows (a name saved with save_as, library, "
                                      "drive N, slot N, side:BARCODE, a barcode, a pool, an "
                                      "object's name, or null)\n");
    scn_result_free(&r);
    run_text("rsm: {mirror: false}\nsteps:\n"
             "  - rsm: {library_add: {}}\n"
             "  - rsm: {call: EnumerateNtmsObject, container: library, type: NTMS_DRIVE}\n"
             "    expect: {count: 3}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:4: step 2 (rsm) failed: EnumerateNtmsObject gave "
                                      "another number\n"
                                      "  count:\n"
                                      "    - expected: 3\n"
                                      "    + actual:   2\n");
    scn_result_free(&r);
    run_text("rsm: {mirror: false}\nsteps:\n"
             "  - rsm: {library_add: {}}\n"
             "  - move_by_hand: {from: slot 2, to: slot 22}\n"
             "  - rsm: {inventory: fast}\n"
             "    expect: {moved: 0, gone: 1}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:5: step 3 (rsm) failed: the inventory found other "
                                      "counts\n"
                                      "  moved:\n"
                                      "    - expected: 0\n"
                                      "    + actual:   1\n"
                                      "  gone:\n"
                                      "    - expected: 1\n"
                                      "    + actual:   0\n");
    scn_result_free(&r);
    /* saved names, NTMS_* flags, another session and a handle closed by the scenario */
    CU_ASSERT_EQUAL(run_text("rsm: {mirror: false}\nsteps:\n"
                             "  - rsm: {library_add: {free: all}}\n"
                             "  - rsm: {call: OpenNtmsSession, server: this, save_as: s2}\n"
                             "  - rsm: {call: CreateNtmsMediaPool, name: App, media_type: "
                             "\"LTO Ultrium\", session: s2, save_as: app}\n"
                             "  - rsm: {call: GetNtmsMediaPoolName, pool: app}\n"
                             "    expect: {name: App}\n"
                             "  - rsm: {call: EnumerateNtmsObject, container: app, type: "
                             "[NTMS_PHYSICAL_MEDIA]}\n"
                             "    expect: {count: 0}\n"
                             "  - rsm: {call: CloseNtmsSession, session: s2}\n"
                             "  - rsm: {call: CloseNtmsSession, session: s2}\n"
                             "    expect: {rc: ERROR_INVALID_HANDLE}\n",
                             NULL, &r),
                    SCN_E_FAILED);
    CU_ASSERT_STRING_EQUAL(r.failure,
                           "t.yaml:11: step 7 (rsm) failed: no open session was saved as 's2'\n");
    scn_result_free(&r);
}

#define CLEAN_LIB                                                                                  \
    "library:\n  personality: ibm-ts4300\n  slots: 6\n  mailslots: 1\n  drives: 1\n"               \
    "  cartridges: [{barcode: D00001L8, slot: 1}]\n"                                               \
    "rsm: {mirror: false}\nsteps:\n"                                                               \
    "  - rsm: {library_add: {}}\n"                                                                 \
    "  - rsm: {call: ReserveNtmsCleanerSlot, library: library, slot: slot 6}\n"                    \
    "  - rsm: {call: InjectNtmsCleaner, library: library, cleans_left: 5, save_as: op}\n"          \
    "  - inject: {barcode: CLN001L1, uses: 5}\n"                                                   \
    "  - rsm: {call: InjectNtmsCleaner, library: library, operation: op, cleans_left: 5,\n"        \
    "          action: NTMS_INJECT_STOP}\n"

/* The queue, the tick, drives and cleaning: wait and expect object, the drive check's
 * diff, and a cleaning cycle (the engine polls every 10 s) that costs virtual time only. */
static void test_queue_drive_clean_runs(void)
{
    struct scn_result r;
    run_text(RSM_HDR "  - rsm: {wait: nothing}\n", NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:3: step 1 (rsm) failed: no library request was "
                                      "saved as 'nothing'\n");
    scn_result_free(&r);
    /* a queued mount still waiting when the wait ends: ERROR_TIMEOUT, the run goes on and
     * the request is dropped when the engine closes */
    CU_ASSERT_EQUAL(run_text(RSM_HDR "  - rsm: {library_add: {}}\n"
                                     "  - rsm: {mount: A00000L8, drive: 1}\n"
                                     "  - rsm: {call: MountNtmsMedia, media: \"side:A00001L8\", "
                                     "drive: drive 1, options: [NTMS_MOUNT_READ, "
                                     "NTMS_MOUNT_NOWAIT], save_as: q}\n"
                                     "  - rsm: {wait: q, timeout: 50ms}\n"
                                     "    expect: {rc: ERROR_TIMEOUT}\n"
                                     "  - rsm: {call: GetNtmsRequestOrder, request: q}\n"
                                     "    expect: {count: 1}\n"
                                     "  - rsm: {tick: {}}\n",
                             NULL, &r),
                    SCN_OK);
    scn_result_free(&r);
    run_text(RSM_HDR "  - rsm: {library_add: {}}\n"
                     "  - rsm: {call: CreateNtmsMediaPool, name: Mine, save_as: p}\n"
                     "    expect: {object: \"Free\\\\LTO Ultrium\"}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:4: step 2 (rsm) failed: CreateNtmsMediaPoolA gave "
                                      "another object\n"
                                      "  object:\n"
                                      "    - expected: Free\\LTO Ultrium\n"
                                      "    + actual:   Mine\n");
    scn_result_free(&r);
    run_text(RSM_HDR "  - rsm: {library_add: {}}\n"
                     "  - rsm_view:\n      drives: {drive 2: LOADED}\n",
             NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:4: step 2 (rsm_view) failed: RSM's view differs\n"
                                      "  drive 2 state (line 5):\n"
                                      "    - expected: LOADED\n"
                                      "    + actual:   DISMOUNTED\n");
    scn_result_free(&r);
    /* CleanNtmsDrive: the cleaner goes in, the 60 s cycle runs on the library's virtual
     * clock (the engine's polls advance it), the cleaner comes back */
    CU_ASSERT_EQUAL(run_text(CLEAN_LIB "  - rsm: {call: CleanNtmsDrive, drive: drive 1}\n"
                                       "  - time: {at_least: 60s}\n"
                                       "  - elements: {slot 6: CLN001L1, drive 1: empty}\n",
                             NULL, &r),
                    SCN_OK);
    CU_ASSERT(r.virtual_us >= UINT64_C(60000000));
    CU_ASSERT(r.wall_s < 5.0);
    scn_result_free(&r);
}

static void test_time_is_virtual(void)
{
    struct scn_result r;
    enum scn_rc rc =
        run_text("library:\n  personality: ibm-ts4300\n  slots: 4\n  mailslots: 1\n"
                 "  drives: 1\n  cartridges: [{barcode: V00001L8, slot: 1}]\n"
                 "  delays: {move_ms: 3600000}\n"
                 "steps:\n  - scsi: {command: MOVE_MEDIUM, from: slot 1, to: slot 2}\n"
                 "  - advance: 30m\n  - time: {equals: 1.5h}\n  - time: {equals: 1h}\n",
                 NULL, &r);
    CU_ASSERT_EQUAL(rc, SCN_E_FAILED);
    CU_ASSERT_EQUAL(r.virtual_us, UINT64_C(5400) * 1000000);
    CU_ASSERT(r.wall_s < 5.0); /* an hour and a half of robotics, nowhere near that in real time */
    CU_ASSERT_STRING_EQUAL(r.failure,
                           "t.yaml:12: step 4 (time) failed: virtual time elapsed differs\n"
                           "  elapsed:\n"
                           "    - expected: 3600.000 s\n"
                           "    + actual:   5400.000 s\n");
    scn_result_free(&r);
}

static void test_runs_are_isolated(void)
{
    /* The inject would fail VTL_E_EXISTS on the second run if anything were shared. */
    static const char text[] = "steps:\n  - inject: {barcode: B00001L8}\n"
                               "rsm: {mirror: true}\n";
    for (int i = 0; i < 2; i++) {
        struct scn_result r;
        CU_ASSERT_EQUAL(run_text(text, NULL, &r), SCN_OK);
        scn_result_free(&r);
    }
}

static void test_setup_failure_reported(void)
{
    /* valid for the parser, but the library has no drive 5 */
    struct scn_result r;
    CU_ASSERT_EQUAL(run_text("steps:\n  - dirty: {drive: 5}\n", NULL, &r), SCN_E_FAILED);
    CU_ASSERT_STRING_EQUAL(r.failure, "t.yaml:2: step 1 (dirty) failed: the library has no drive 5 "
                                      "(it has 2)\n");
    scn_result_free(&r);
}

static void test_library_forms_run_on_virtual_time(void)
{
    /* A flow-style library without a clock key gets the virtual clock too; 'default' is the
     * default library. Both take the personality's 9 s per move. */
    struct scn_result r;
    CU_ASSERT_EQUAL(
        run_text("library: {personality: ibm-ts4300, slots: 4, mailslots: 1, drives: 1,\n"
                 "          cartridges: [{barcode: F00001L8, slot: 1}]}\n"
                 "steps:\n  - scsi: {command: MOVE_MEDIUM, from: slot 1, to: slot 4}\n"
                 "  - time: {equals: 9s}\n  - elements: {slot 4: F00001L8}\n",
                 NULL, &r),
        SCN_OK);
    scn_result_free(&r);
    CU_ASSERT_EQUAL(run_text("library: default\nsteps:\n"
                             "  - scsi: {command: MOVE_MEDIUM, from: slot 21, to: slot 24}\n"
                             "  - time: {equals: 9s}\n  - elements: {slot 24: CLN000L1}\n",
                             NULL, &r),
                    SCN_OK);
    scn_result_free(&r);
}

static void test_zero_clock(void)
{
    /* With the zero clock every motion completes inside the command: no virtual time. */
    struct scn_result r;
    CU_ASSERT_EQUAL(run_text("library:\n  personality: ibm-ts4300\n  slots: 4\n  mailslots: 1\n"
                             "  drives: 1\n  cartridges: [{barcode: Z00001L8, slot: 1}]\n"
                             "  clock: {mode: zero}\n"
                             "steps:\n  - scsi: {command: MOVE_MEDIUM, from: slot 1, to: drive 1}\n"
                             "  - drive_state: {drive: 1, state: READY}\n  - time: {equals: 0s}\n",
                             NULL, &r),
                    SCN_OK);
    CU_ASSERT_EQUAL(r.virtual_us, 0);
    scn_result_free(&r);
}

/* ---- seeded randomness
 * ---------------------------------------------------------------------------- */

static const char random_text[] = "seed: 7\n"
                                  "steps:\n"
                                  "  - repeat:\n"
                                  "      count: 40\n"
                                  "      steps:\n"
                                  "        - pick:\n"
                                  "            - door: open\n"
                                  "            - door: close\n"
                                  "            - mailslot_door: open\n"
                                  "            - mailslot_door: close\n";

static void test_same_seed_same_trace(void)
{
    struct scn_result a, b, c;
    CU_ASSERT_EQUAL(run_text(random_text, NULL, &a), SCN_OK);
    CU_ASSERT_EQUAL(run_text(random_text, NULL, &b), SCN_OK);
    uint64_t other = 8;
    CU_ASSERT_EQUAL(run_text(random_text, &other, &c), SCN_OK);
    CU_ASSERT_EQUAL(a.steps_run, 81); /* the repeat, 40 picks, the step each picked */
    CU_ASSERT_STRING_EQUAL(a.trace, b.trace);
    CU_ASSERT(strcmp(a.trace, c.trace) != 0);
    /* every option got picked at least once over 40 draws */
    CU_ASSERT_PTR_NOT_NULL(strstr(a.trace, "option 1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a.trace, "option 4"));
    scn_result_free(&a);
    scn_result_free(&b);
    scn_result_free(&c);
}

/* ---- reports
 * --------------------------------------------------------------------------------------- */

/* A small XML well-formedness check: balanced, properly nested tags, quoted attributes, no
 * raw '<' or bare '&' in text. Enough for what scn_report_junit writes. */
static int xml_well_formed(const char *x)
{
    const char *stack[32];
    size_t depth = 0, lens[32];
    const char *p = x;
    if (strncmp(p, "<?xml ", 6) == 0) {
        p = strstr(p, "?>");
        if (!p)
            return 0;
        p += 2;
    }
    int roots = 0;
    while (*p) {
        if (*p == '&') {
            if (strncmp(p, "&lt;", 4) && strncmp(p, "&gt;", 4) && strncmp(p, "&amp;", 5) &&
                strncmp(p, "&quot;", 6) && strncmp(p, "&apos;", 6))
                return 0;
            p++;
            continue;
        }
        if (*p != '<') {
            if (depth == 0 && *p != '\n' && *p != ' ')
                return 0; /* text outside the root */
            p++;
            continue;
        }
        bool closing = p[1] == '/';
        const char *name = p + (closing ? 2 : 1);
        size_t nlen = strcspn(name, " />");
        if (nlen == 0)
            return 0;
        const char *q = name + nlen;
        bool in_quote = false;
        for (; *q && (in_quote || *q != '>'); q++) {
            if (*q == '"')
                in_quote = !in_quote;
            else if (in_quote && *q == '<')
                return 0;
        }
        if (!*q)
            return 0;
        bool empty = q[-1] == '/';
        if (closing) {
            if (depth == 0 || lens[depth - 1] != nlen || strncmp(stack[depth - 1], name, nlen))
                return 0;
            depth--;
        } else if (!empty) {
            if (depth == 0)
                roots++;
            if (depth == 32)
                return 0;
            stack[depth] = name;
            lens[depth++] = nlen;
        }
        p = q + 1;
    }
    return depth == 0 && roots == 1;
}

static void test_junit_well_formed(void)
{
    struct scn_result res[2];
    CU_ASSERT_EQUAL(
        run_text("name: \"passes <&> 'quoted'\"\nsteps:\n  - door: open\n", NULL, &res[0]), SCN_OK);
    CU_ASSERT_EQUAL(
        run_text("name: fails\nsteps:\n  - inject: {barcode: A00001L8}\n", NULL, &res[1]),
        SCN_E_FAILED);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    scn_report_junit(f, res, 2);
    fclose(f);
    CU_ASSERT(xml_well_formed(buf));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf,
                                  "<testsuite name=\"rsm-scenario\" tests=\"2\" failures=\"1\" "
                                  "errors=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "name=\"passes &lt;&amp;&gt; &apos;quoted&apos;\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<failure message=\"t.yaml:3: step 1 (inject) failed: "
                                       "unexpected result\" type=\"SCN_E_FAILED\">"));
    /* the checker itself rejects broken XML */
    CU_ASSERT(!xml_well_formed("<a><b></a></b>"));
    CU_ASSERT(!xml_well_formed("<a>x & y</a>"));
    CU_ASSERT(!xml_well_formed("<a><b></b>"));
    free(buf);

    buf = NULL;
    f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    scn_report_tap(f, res, 2);
    fclose(f);
    CU_ASSERT(
        strncmp(
            buf,
            "TAP version 13\n1..2\nok 1 - passes <&> 'quoted' (t.yaml)\n"
            "not ok 2 - fails (t.yaml)\n  ---\n  result: SCN_E_FAILED\n"
            "  message: |\n    t.yaml:3: step 1 (inject) failed: unexpected result\n",
            strlen("TAP version 13\n1..2\nok 1 - passes <&> 'quoted' (t.yaml)\n"
                   "not ok 2 - fails (t.yaml)\n  ---\n  result: SCN_E_FAILED\n"
                   "  message: |\n    t.yaml:3: step 1 (inject) failed: unexpected result\n")) ==
        0);
    CU_ASSERT(len > 6 && strcmp(buf + len - 6, "  ...\n") == 0);
    free(buf);
    scn_result_free(&res[0]);
    scn_result_free(&res[1]);
}

/* ---- the rsm-scenario command -----------------------------------------------------------------
 */

/* Runs "rsm-scenario ARGS" from $B/bin (make test sets B), output to @out; returns its exit
 * status, or -1 if it could not run. */
static int cli(const char *args, const char *out)
{
    const char *b = getenv("B");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/bin/rsm-scenario %s >%s 2>&1", b && *b ? b : "build", args, out);
    int st = system(cmd);
    return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 16);
    if (buf)
        (void)fread(buf, 1, (1 << 16) - 1, f); /* the outputs here are small */
    fclose(f);
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static int xml_well_formed(const char *x);

static void test_cli(void)
{
    char dir[512], good[600], bad[600], fails[600], out[600], junit[600], args[2400];
    test_mkdtemp(dir, sizeof dir);
    snprintf(good, sizeof good, "%s/good.yaml", dir);
    snprintf(bad, sizeof bad, "%s/bad.yaml", dir);
    snprintf(fails, sizeof fails, "%s/fails.yaml", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    snprintf(junit, sizeof junit, "%s/junit.xml", dir);
    write_file(good, "name: good\nsteps:\n  - door: open\n  - door: close\n");
    write_file(bad, "name: bad\nsteps:\n  - door: ajar\n");
    write_file(fails, "name: fails\nsteps:\n  - inject: {barcode: A00001L8}\n");

    snprintf(args, sizeof args, "check %s", good);
    CU_ASSERT_EQUAL(cli(args, out), 0);
    /* one bad file: nothing runs, the message says where */
    snprintf(args, sizeof args, "run %s %s", good, bad);
    CU_ASSERT_EQUAL(cli(args, out), 2);
    char *o = slurp(out);
    char want[700];
    snprintf(want, sizeof want, "%s:3:11: expected door (one of close, open), found 'ajar'\n", bad);
    CU_ASSERT(o && strcmp(o, want) == 0);
    free(o);
    /* all pass: exit 0, JUnit written */
    snprintf(args, sizeof args, "run --jobs 2 --junit %s %s %s", junit, good, good);
    CU_ASSERT_EQUAL(cli(args, out), 0);
    o = slurp(junit);
    CU_ASSERT(o && xml_well_formed(o) && strstr(o, "tests=\"2\" failures=\"0\""));
    free(o);
    /* one fails: exit 1, the diff on stdout, TAP on request */
    snprintf(args, sizeof args, "run %s %s", good, fails);
    CU_ASSERT_EQUAL(cli(args, out), 1);
    o = slurp(out);
    CU_ASSERT(o && strstr(o, "    - expected: VTL_OK\n    + actual:   VTL_E_EXISTS\n") &&
              strstr(o, "scenarios: 1 passed, 1 failed;"));
    free(o);
    snprintf(args, sizeof args, "run --tap %s %s", good, fails);
    CU_ASSERT_EQUAL(cli(args, out), 1);
    o = slurp(out);
    CU_ASSERT(o && strncmp(o, "TAP version 13\n1..2\nok 1 - good (", 32) == 0 &&
              strstr(o, "not ok 2 - fails"));
    free(o);
    CU_ASSERT_EQUAL(cli("frobnicate", out), 2);
    test_rmtree(dir);
}

/* ---- the library RSM and the steps share (sim/system.c, transport/sim.c) ------------------- */

static void tur(struct xport *xp, uint8_t *status, uint8_t *key, uint8_t *asc, uint8_t *ascq)
{
    static const uint8_t cdb[6] = {0};
    struct xport_cmd c = {.cdb = cdb, .cdb_len = 6};
    CU_ASSERT_EQUAL_FATAL(xport_exec(xp, &c), XPORT_OK);
    *status = c.status;
    *key = c.sense_len > 13 ? c.sense[2] & 0x0F : 0;
    *asc = c.sense_len > 13 ? c.sense[12] : 0;
    *ascq = c.sense_len > 13 ? c.sense[13] : 0;
}

/* A library built from a config in memory is reachable as sim:NAME once attached: a
 * command through transport/ acts on that very instance (its drive, its clock); the name
 * cannot be taken twice; after detaching, the owner still has its library. On a virtual
 * clock, a drive answering BECOMING READY to a quiet host lets the time pass to its next
 * event, so the host's polls find it ready without anyone moving the clock. */
static void sim_attach_shares_the_instance(void)
{
    static const char yaml[] = "personality: ibm-ts4300\nslots: 4\ndrives: 1\n"
                               "cartridges:\n  - {barcode: D00001L8, slot: 1}\n"
                               "clock: {mode: virtual}\n";
    struct vtl_config *cfg = NULL;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(
        vtl_config_load_string(yaml, sizeof yaml - 1, "c.yaml", &cfg, err, sizeof err), VTL_OK);
    struct vtl_system *sys = NULL;
    CU_ASSERT_EQUAL_FATAL(vtl_system_open_config(cfg, NULL, &sys, err, sizeof err), VTL_OK);
    CU_ASSERT_PTR_NOT_NULL(vtl_system_drive(sys, 0));
    CU_ASSERT_PTR_NULL(vtl_system_drive(sys, 1));
    CU_ASSERT_EQUAL(vtl_system_config(sys)->pers.cleaning_uses, 50);
    CU_ASSERT_EQUAL(xport_sim_attach("scn-test-lib", sys), XPORT_OK);
    CU_ASSERT_EQUAL(xport_sim_attach("scn-test-lib", sys), XPORT_E_INVAL);
    struct xport *chg = NULL, *drv = NULL;
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:scn-test-lib", &chg, err, sizeof err), XPORT_OK);
    CU_ASSERT_EQUAL_FATAL(xport_open("sim:scn-test-lib?lun=1", &drv, err, sizeof err), XPORT_OK);
    uint8_t st, key, asc, ascq;
    tur(drv, &st, &key, &asc, &ascq); /* each new nexus's power-on unit attention */
    CU_ASSERT_EQUAL(key, 6);
    tur(chg, &st, &key, &asc, &ascq);
    CU_ASSERT_EQUAL(key, 6);
    /* MOVE MEDIUM slot 1 (1025) -> drive 1 (257) by transport 1 */
    static const uint8_t move[12] = {0xA5, 0, 0, 1, 0x04, 0x01, 0x01, 0x01, 0, 0, 0, 0};
    struct xport_cmd m = {.cdb = move, .cdb_len = 12};
    CU_ASSERT_EQUAL_FATAL(xport_exec(chg, &m), XPORT_OK);
    CU_ASSERT_EQUAL(m.status, 0);
    struct vtl_drive_status ds;
    vtl_drive_status(vtl_system_drive(sys, 0), &ds); /* the owner's view: the same drive */
    CU_ASSERT_STRING_EQUAL(ds.barcode, "D00001L8");
    uint64_t before = vtl_clock_now_us(vtl_library_clock(vtl_system_library(sys)));
    tur(drv, &st, &key, &asc, &ascq);
    CU_ASSERT_EQUAL(st, 2);
    CU_ASSERT_TRUE(key == 2 && asc == 0x04 && ascq == 0x01); /* becoming ready */
    /* The first such answer leaves the clock to other commands of the host; a poll with
     * none in between lets it run (transport/sim.c). */
    tur(drv, &st, &key, &asc, &ascq);
    CU_ASSERT_TRUE(key == 2 && asc == 0x04 && ascq == 0x01);
    CU_ASSERT_TRUE(vtl_clock_now_us(vtl_library_clock(vtl_system_library(sys))) > before);
    tur(drv, &st, &key, &asc, &ascq);
    CU_ASSERT_TRUE(st == 0 || (key == 6 && asc == 0x28)); /* ready (or says it became so) */
    xport_close(drv);
    xport_close(chg);
    xport_sim_detach("scn-test-lib");
    CU_ASSERT_EQUAL(xport_open("sim:scn-test-lib?lun=7", &chg, err, sizeof err) == XPORT_OK,
                    false); /* no such file: the name is gone with the attachment */
    if (chg)
        xport_close(chg);
    vtl_drive_status(vtl_system_drive(sys, 0), &ds);
    CU_ASSERT_STRING_EQUAL(ds.barcode, "D00001L8");
    vtl_system_close(sys);
}

/* Every function ntmsapi.h declares can be called by name (read from the header itself,
 * so a function added there without a table entry fails here), generic names map to the
 * A forms, and NTMS_* names and numbers combine with '|'. */
static void api_table_covers_ntmsapi_h(void)
{
    FILE *f = fopen("rsm/include/ntmsapi.h", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[1024];
    unsigned n = 0;
    while (fgets(line, sizeof line, f)) {
        const char *w = strstr(line, "WINAPI ");
        if (!w)
            continue;
        char name[96];
        if (sscanf(w + 7, "%95[A-Za-z]", name) != 1)
            continue;
        n++;
        if (!scn_api_find(name))
            fprintf(stderr, "\n  not callable by name: %s\n", name);
        CU_ASSERT_PTR_NOT_NULL(scn_api_find(name));
    }
    fclose(f);
    CU_ASSERT_EQUAL(n, scn_api_count());
    CU_ASSERT_STRING_EQUAL(scn_api_find("GetNtmsMediaPoolName")->name, "GetNtmsMediaPoolNameA");
    CU_ASSERT_PTR_NULL(scn_api_find("GetNtmsMediaPoolNameX"));
    uint32_t v = 0;
    CU_ASSERT_TRUE(scn_dword_parse("NTMS_MOUNT_READ|NTMS_MOUNT_WRITE | 0x10", &v));
    CU_ASSERT_EQUAL(v, 0x13);
    CU_ASSERT_TRUE(scn_dword_parse("NTMS_PRIORITY_LOWEST", &v));
    CU_ASSERT_EQUAL((int32_t)v, -15);
    CU_ASSERT_FALSE(scn_dword_parse("NTMS_MOUNT_READ|", &v));
    CU_ASSERT_FALSE(scn_dword_parse("", &v));
    CU_ASSERT_FALSE(scn_dword_parse("NTMS_NO_SUCH_THING", &v));
}

static CU_TestInfo parse_tests[] = {
    {"unknown_top_key", test_unknown_top_key},
    {"unknown_step_kind", test_unknown_step_kind},
    {"wrong_type", test_wrong_type},
    {"missing_field", test_missing_field},
    {"one_action_per_step", test_one_action_per_step},
    {"fault_keys", test_fault_keys},
    {"bad_values", test_bad_values},
    {"expect_rules", test_expect_rules},
    {"library_errors_point_into_the_scenario", test_library_errors_point_into_the_scenario},
    {"rsm_needs_section", test_rsm_needs_section},
    {"rsm_call_keys", test_rsm_call_keys},
    {"rsm_view_keys", test_rsm_view_keys},
    {"queue_tick_standalone_keys", test_queue_tick_standalone_keys},
    {"api_table_covers_ntmsapi_h", api_table_covers_ntmsapi_h},
    {"yaml_syntax_and_shape", test_yaml_syntax_and_shape},
    {"valid_file_loads", test_valid_file_loads},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo run_tests[] = {
    {"elements_diff", test_elements_diff},
    {"sense_diff", test_sense_diff},
    {"result_and_status_diff", test_result_and_status_diff},
    {"tapealert_drive_rsm_diffs", test_check_diffs},
    {"rsm_view_generic_inventory_diffs", test_rsm_view_diffs},
    {"queue_drive_clean_runs", test_queue_drive_clean_runs},
    {"time_is_virtual", test_time_is_virtual},
    {"runs_are_isolated", test_runs_are_isolated},
    {"missing_drive_reported", test_setup_failure_reported},
    {"same_seed_same_trace", test_same_seed_same_trace},
    {"junit_and_tap", test_junit_well_formed},
    {"zero_clock", test_zero_clock},
    {"library_forms_run_on_virtual_time", test_library_forms_run_on_virtual_time},
    {"cli_check_run_junit_tap_exit_codes", test_cli},
    {"sim_attach_shares_the_instance", sim_attach_shares_the_instance},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scn_parse", NULL, NULL, NULL, NULL, parse_tests},
    {"scn_run", NULL, NULL, NULL, NULL, run_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {suites, NULL};
    return cutest_main(argc, argv, tables);
}
