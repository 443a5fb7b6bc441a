/* SPDX-License-Identifier: MIT
 * Library requests meeting device faults, against an in-process simulated library this
 * suite builds and attaches (sim:NAME, virtual clock: the robot's moves and the drives'
 * threading take simulated time). The engine's step hook (rsm_lc_set_step_hook) lets a
 * fault land exactly between the halves of a mount or a dismount: a drive failing while
 * it threads the tape, a power-on reset of the whole target (changer and drives) while a
 * drive threads or after it unloaded, a robot jam after a drive unloaded. Every test ends
 * as ntms-api.md asks: the request PASSED or FAILED with the error its caller got, and,
 * after the next inventory, the database and the changer agree on every cartridge
 * (fix_db_matches_changer: none lost, none invented).
 */
#include <stdio.h>
#include <string.h>

#include "rsm/engine/libctl.h"
#include "rsm/libctl/tests/fix.h"
#include "rsm/libctl/tests/suites.h"
#include "sim/core/fault.h"
#include "sim/drive/drive.h"
#include "sim/system.h"
#include "tests/lib/cutest.h"
#include "transport/transport.h"

#define SIMNAME "libctl-faults"

static const char yaml[] = "personality: ibm-ts4300\nslots: 24\ndrives: 2\nclock: {mode: virtual}\n"
                           "delays: {move_ms: 8000}\ncartridges:\n"
                           "  - {barcode: F00000L8, slot: 1}\n  - {barcode: F00001L8, slot: 2}\n"
                           "  - {barcode: F00002L8, slot: 3}\n  - {barcode: F00003L8, slot: 4}\n";

static struct fix fx;
static struct vtl_system *sys;
static struct rsm_dev_lib *peek; /* another initiator's view of the same library */

/* Each test: a fresh library and database. */
static void setup(void)
{
    char path[300], err[512];
    sys = NULL;
    peek = NULL;
    if (fix_open(&fx) != 0) {
        fx.h = NULL;
        return;
    }
    snprintf(path, sizeof path, "%s/lib.yaml", fx.dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return;
    fputs(yaml, fp);
    fclose(fp);
    if (vtl_system_open(path, NULL, &sys, err, sizeof err) != VTL_OK) {
        fprintf(stderr, "test_faults: %s\n", err);
        sys = NULL;
        return;
    }
    if (xport_sim_attach(SIMNAME, sys) != XPORT_OK) {
        vtl_system_close(sys);
        sys = NULL;
        return;
    }
    /* Polls 10 ms apart at most: a virtual clock runs only when the host polls quietly. */
    struct rsm_dev_opts opts = {.ready_poll_ms = 10};
    rsm_lc_set_dev_opts(&opts);
    if (rsm_library_add(fx.h, "sim:" SIMNAME, NULL, 0, &fx.lib) != ERROR_SUCCESS ||
        rsm_dev_lib_open("sim:" SIMNAME, NULL, 0, NULL, &peek) != RSM_DEV_OK)
        fprintf(stderr, "test_faults: the simulated library did not come up\n");
}

static void teardown(void)
{
    rsm_lc_set_step_hook(NULL, NULL);
    fix_close(&fx); /* the engine's transports on the library close first */
    if (peek)
        rsm_dev_lib_close(peek);
    peek = NULL;
    rsm_lc_set_dev_opts(NULL);
    if (sys) {
        xport_sim_detach(SIMNAME);
        vtl_system_close(sys);
    }
    sys = NULL;
}

/* The simulated drive holding @barcode, or NULL (caller holds the sim: lock). */
static struct vtl_drive *drive_holding(const char *barcode)
{
    for (unsigned i = 0; i < vtl_system_drive_count(sys); i++) {
        struct vtl_drive_status st;
        vtl_drive_status(vtl_system_drive(sys, i), &st);
        if (strcmp(st.barcode, barcode) == 0)
            return vtl_system_drive(sys, i);
    }
    return NULL;
}

/* What a hook does, when, and whether it did it. */
enum when { ON_MOUNT, ON_DISMOUNT };
enum act { ACT_DRIVE_FAILS, ACT_TARGET_RESET, ACT_JAM };
struct inject {
    enum when when;
    enum act act;
    const char *barcode; /* ACT_DRIVE_FAILS: the cartridge whose drive fails */
    int fired;
};

static void hook(enum rsm_lc_step s, void *arg)
{
    struct inject *in = arg;
    if (in->fired ||
        s != (in->when == ON_MOUNT ? RSM_LC_STEP_MOUNT_MOVED : RSM_LC_STEP_DISMOUNT_UNLOADED))
        return;
    xport_sim_serialise(true); /* no command of the engine runs meanwhile */
    if (in->act == ACT_DRIVE_FAILS) {
        struct vtl_drive *d = drive_holding(in->barcode);
        if (d) {
            vtl_drive_fault_hard(d, 0);
            in->fired = 1;
        }
    } else if (in->act == ACT_TARGET_RESET) {
        /* Power lost and back: the changer and every drive reset (a motion under way
         * stops, unit attention 29/xx to every nexus). */
        vtl_system_task_mgmt(sys, 0, VTL_TMF_TARGET_COLD_RESET, 0, NULL);
        in->fired = 1;
    } else {
        vtl_fault_robot_jam(vtl_system_library(sys), 0);
        in->fired = 1;
    }
    xport_sim_serialise(false);
}

static struct rsm_guid pm_of(const char *barcode)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    CU_ASSERT_EQUAL(fix_pmedia(&fx, barcode, &g), 0);
    return g;
}

static struct rsm_guid element(uint32_t type, uint32_t n)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    CU_ASSERT_EQUAL(fix_element(&fx, type, n, &g), 0);
    return g;
}

/* The most recent library request of operation @op: its state and error code. */
static void last_request(uint32_t op, DWORD *state, DWORD *err)
{
    struct rsm_guid list[256], lib, best_g;
    uint32_t n = 0;
    int64_t best = -1;
    *state = *err = 0xFFFFFFFFu;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_EQUAL_FATAL(rsm_enumerate(fx.e, &fx.c, &lib, RSM_OT_LIBREQUEST, 0, list, 256, &n),
                          RSM_OK);
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(&fx, &list[i], RSM_OT_LIBREQUEST);
        if (o.u.libreq.op == op && o.u.libreq.queued_ms >= best) {
            best = o.u.libreq.queued_ms;
            best_g = list[i];
        }
    }
    CU_ASSERT_TRUE_FATAL(best >= 0);
    NTMS_GUID req;
    rsm_guid_to_api(&req, &best_g);
    NTMS_OBJECTINFORMATION info = {.dwSize = sizeof info, .dwType = NTMS_LIBREQUEST};
    CU_ASSERT_EQUAL_FATAL(GetNtmsObjectInformation(fx.h, &req, &info), ERROR_SUCCESS);
    *state = info.Info.LibRequest.State;
    *err = info.Info.LibRequest.dwErrorCode;
}

/* After an inventory, the database and the changer agree, and the engine's invariants
 * hold. */
static void assert_nothing_lost(void)
{
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    char why[256] = "";
    int m = fix_db_matches_changer(&fx, peek, why, sizeof why);
    if (m != 0)
        fprintf(stderr, "\n  database vs changer: %s\n", why);
    CU_ASSERT_EQUAL(m, 0);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 4);
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

/* How long a mount may wait for its turn (wall time; the library runs on the virtual
 * clock, so a healthy mount starts at once). Finite so that a cartridge left behind by a
 * broken recovery fails the test with ERROR_TIMEOUT instead of hanging it. */
#define WAIT_MS 30000

/* The drive fails while it threads the tape the robot just put in: the mount FAILS with
 * ERROR_UNABLE_TO_LOAD_MEDIUM (ntms-api.md: "load into drive failed"), the robot takes
 * the cartridge back to its slot, and the drive, repaired, mounts it. */
static void faults_drive_fails_while_loading(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(peek);
    NTMS_GUID lmid, d;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "F00000L8", &lmid), 0);
    struct inject in = {ON_MOUNT, ACT_DRIVE_FAILS, "F00000L8", 0};
    rsm_lc_set_step_hook(hook, &in);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, WAIT_MS, NULL),
                    ERROR_UNABLE_TO_LOAD_MEDIUM);
    rsm_lc_set_step_hook(NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(in.fired, 1);
    DWORD state, err;
    last_request(NTMS_LM_MOUNT, &state, &err);
    CU_ASSERT_EQUAL(state, NTMS_LM_FAILED);
    CU_ASSERT_EQUAL(err, ERROR_UNABLE_TO_LOAD_MEDIUM);
    /* Back home, idle; the changer shows it there too. */
    struct rsm_guid pm = pm_of("F00000L8"), s1 = element(RSM_OT_STORAGESLOT, 1);
    struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &s1));
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
    const struct rsm_chg_elem *el = rsm_dev_lib_find_barcode(peek, "F00000L8");
    CU_ASSERT_TRUE(el && el->addr == rsm_dev_lib_addr(peek, 2, 1));
    assert_nothing_lost();
    /* Repaired: the same mount works. */
    xport_sim_serialise(true);
    for (unsigned i = 0; i < vtl_system_drive_count(sys); i++)
        vtl_drive_fault_clear(vtl_system_drive(sys, i));
    xport_sim_serialise(false);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, WAIT_MS, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    assert_nothing_lost();
}

/* Power lost and back while the drive threads the tape: every device answers 29/xx once,
 * the drivers send the command again, and the mount either completes or fails with a
 * clear error; whichever, the database follows the changer. */
static void faults_reset_while_loading(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(peek);
    NTMS_GUID lmid, d;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "F00001L8", &lmid), 0);
    struct inject in = {ON_MOUNT, ACT_TARGET_RESET, NULL, 0};
    rsm_lc_set_step_hook(hook, &in);
    DWORD rc = MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, WAIT_MS, NULL);
    rsm_lc_set_step_hook(NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(in.fired, 1);
    DWORD state, err;
    last_request(NTMS_LM_MOUNT, &state, &err);
    CU_ASSERT_EQUAL(rc, ERROR_SUCCESS);
    CU_ASSERT_EQUAL(state, rc == ERROR_SUCCESS ? NTMS_LM_PASSED : NTMS_LM_FAILED);
    CU_ASSERT_EQUAL(err, rc == ERROR_SUCCESS ? 0 : rc);
    struct rsm_guid pm = pm_of("F00001L8");
    CU_ASSERT_EQUAL(fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    rc == ERROR_SUCCESS ? NTMS_MEDIASTATE_LOADED : NTMS_MEDIASTATE_IDLE);
    assert_nothing_lost();
    if (rc == ERROR_SUCCESS)
        CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    assert_nothing_lost();
}

/* The reset's unit attention is the answer to the MOVE MEDIUM itself (the robot never
 * started): the driver sends it again and the mount completes; the reset also makes the
 * engine take a fresh inventory before its next robot command. */
static void faults_reset_answers_the_move(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(peek);
    NTMS_GUID lmid, d;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "F00002L8", &lmid), 0);
    xport_sim_serialise(true);
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(vtl_system_library(sys), 0xA5, 0x6, 0x2900, 1), VTL_OK);
    xport_sim_serialise(false);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, WAIT_MS, NULL),
                    ERROR_SUCCESS);
    xport_sim_serialise(true);
    CU_ASSERT_EQUAL(vtl_fault_pending_cmds(vtl_system_library(sys)), 0); /* it was used */
    xport_sim_serialise(false);
    DWORD state, err;
    last_request(NTMS_LM_MOUNT, &state, &err);
    CU_ASSERT_EQUAL(state, NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(err, 0);
    struct rsm_guid pm = pm_of("F00002L8"), dg;
    rsm_guid_from_api(&dg, &d);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &dg));
    assert_nothing_lost();
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    assert_nothing_lost();
}

/* Power lost and back after the drive unloaded, before the robot takes the cartridge:
 * the move hears the reset, is sent again, and the dismount completes. */
static void faults_reset_while_dismounting(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(peek);
    NTMS_GUID lmid, d;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "F00003L8", &lmid), 0);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, WAIT_MS, NULL),
                          ERROR_SUCCESS);
    struct inject in = {ON_DISMOUNT, ACT_TARGET_RESET, NULL, 0};
    rsm_lc_set_step_hook(hook, &in);
    DWORD rc = DismountNtmsMedia(fx.h, &lmid, 1, 0);
    rsm_lc_set_step_hook(NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(in.fired, 1);
    CU_ASSERT_EQUAL(rc, ERROR_SUCCESS);
    DWORD state, err;
    last_request(NTMS_LM_DISMOUNT, &state, &err);
    CU_ASSERT_EQUAL(state, NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(err, 0);
    struct rsm_guid pm = pm_of("F00003L8"), s4 = element(RSM_OT_STORAGESLOT, 4);
    struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &s4));
    assert_nothing_lost();
}

/* Device-service operator requests about @dev in state @state. */
static unsigned service_requests(const struct rsm_guid *dev, uint32_t state)
{
    struct rsm_guid list[64];
    uint32_t n = 0, k = 0;
    if (rsm_enumerate(fx.e, &fx.c, NULL, RSM_OT_OPREQUEST, 0, list, 64, &n) != RSM_OK)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(&fx, &list[i], RSM_OT_OPREQUEST);
        k += o.u.opreq.request == NTMS_OPREQ_DEVICESERVICE && o.u.opreq.state == state &&
             rsm_guid_eq(&o.u.opreq.arg1, dev);
    }
    return k;
}

/* The robot jams after the drive unloaded: the dismount FAILS with ERROR_LIBRARY_OFFLINE,
 * the changer needs service, the cartridge is still in the drive and the database says
 * so. Once the jam is cleared, the dismount is asked again and completes. */
static void faults_jam_while_dismounting(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(peek);
    NTMS_GUID lmid, d;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "F00000L8", &lmid), 0);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &d, 1, NTMS_MOUNT_READ, 0, WAIT_MS, NULL),
                          ERROR_SUCCESS);
    struct inject in = {ON_DISMOUNT, ACT_JAM, NULL, 0};
    rsm_lc_set_step_hook(hook, &in);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_LIBRARY_OFFLINE);
    rsm_lc_set_step_hook(NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(in.fired, 1);
    DWORD state, err;
    last_request(NTMS_LM_DISMOUNT, &state, &err);
    CU_ASSERT_EQUAL(state, NTMS_LM_FAILED);
    CU_ASSERT_EQUAL(err, ERROR_LIBRARY_OFFLINE);
    struct rsm_guid chg, lib, pm = pm_of("F00000L8"), dg;
    uint32_t n = 0;
    rsm_guid_from_api(&lib, &fx.lib);
    rsm_guid_from_api(&dg, &d);
    CU_ASSERT_EQUAL(rsm_enumerate(fx.e, &fx.c, &lib, RSM_OT_CHANGER, 0, &chg, 1, &n), RSM_OK);
    CU_ASSERT_EQUAL(fix_get(&fx, &chg, RSM_OT_CHANGER).opstate, NTMS_NEEDS_SERVICE);
    CU_ASSERT_EQUAL(service_requests(&chg, NTMS_OPSTATE_SUBMITTED), 1);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm, &dg));
    /* The changer still reads while jammed: the inventory agrees it is in the drive. */
    assert_nothing_lost();
    xport_sim_serialise(true);
    vtl_fault_clear_jam(vtl_system_library(sys));
    xport_sim_serialise(false);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &lmid, 1, 0), ERROR_SUCCESS);
    struct rsm_guid s1 = element(RSM_OT_STORAGESLOT, 1);
    struct rsm_objinfo p = fix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &s1));
    CU_ASSERT_EQUAL(fix_get(&fx, &chg, RSM_OT_CHANGER).opstate, NTMS_READY);
    /* The robot answers again: its device-service request is complete. */
    CU_ASSERT_EQUAL(service_requests(&chg, NTMS_OPSTATE_SUBMITTED), 0);
    CU_ASSERT_EQUAL(service_requests(&chg, NTMS_OPSTATE_COMPLETE), 1);
    assert_nothing_lost();
}

static CU_TestInfo faults_tests[] = {
    {"drive_fails_while_loading", faults_drive_fails_while_loading},
    {"reset_while_loading", faults_reset_while_loading},
    {"reset_answers_the_move", faults_reset_answers_the_move},
    {"reset_while_dismounting", faults_reset_while_dismounting},
    {"jam_while_dismounting", faults_jam_while_dismounting},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo libctl_faults_suites[] = {
    {"libctl_faults", NULL, NULL, setup, teardown, faults_tests},
    CU_SUITE_INFO_NULL,
};
