/* SPDX-License-Identifier: MIT
 * The library request queue (rsm/engine/reqq.c) against the in-process simulator's
 * default library (2 drives, zero clock). Requests are made to wait by keeping both drives
 * busy: mounts queued behind them show their order, can be reordered, cancelled, time out,
 * and start, in order, when a drive is freed. Runners work on threads of their own, so a
 * test that expects one to finish polls the request's state (bounded; it asserts the
 * state, never a duration).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rsm/dev/library.h"
#include "rsm/engine/libctl.h"
#include "rsm/libctl/tests/fix.h"
#include "rsm/libctl/tests/suites.h"
#include "tests/lib/cutest.h"

static struct fix fx;

static void setup(void)
{
    if (fix_open(&fx) != 0)
        fx.h = NULL;
}

static void teardown(void)
{
    fix_close(&fx);
}

static void add_sim(void)
{
    CU_ASSERT_EQUAL_FATAL(rsm_library_add(fx.h, "sim:", NULL, 0, &fx.lib), ERROR_SUCCESS);
}

static struct rsm_guid element(uint32_t type, uint32_t n)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    CU_ASSERT_EQUAL(fix_element(&fx, type, n, &g), 0);
    return g;
}

static struct rsm_guid pm_of(const char *barcode)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    CU_ASSERT_EQUAL(fix_pmedia(&fx, barcode, &g), 0);
    return g;
}

static NTMS_GUID lmid_of(unsigned i)
{
    char bc[16];
    NTMS_GUID g;
    memset(&g, 0, sizeof g);
    snprintf(bc, sizeof bc, "A%05uL8", i);
    CU_ASSERT_EQUAL(fix_allocate(&fx, bc, &g), 0);
    return g;
}

static struct rsm_objinfo req_info(const NTMS_GUID *id)
{
    struct rsm_guid g;
    rsm_guid_from_api(&g, id);
    return fix_get(&fx, &g, RSM_OT_LIBREQUEST);
}

/* Polls request @id until it reaches @state (at most 10 s): the state it ended in. */
static uint32_t wait_req(const NTMS_GUID *id, uint32_t state)
{
    uint32_t now = 0;
    for (int i = 0; i < 1000; i++) {
        now = req_info(id).u.libreq.state;
        if (now == state)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return now;
}

static void check_db(void)
{
    char why[256];
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, why, sizeof why), RSM_OK);
}

/* Both drives busy: A00000L8 and A00001L8 mounted. */
static void fill_drives(NTMS_GUID *a, NTMS_GUID *b)
{
    NTMS_GUID d;
    *a = lmid_of(0);
    *b = lmid_of(1);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, a, &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, b, &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                          ERROR_SUCCESS);
}

static void queue_priority_order_cancel_delete(void)
{
    add_sim();
    NTMS_GUID a, b, c = lmid_of(2), d = lmid_of(3), e = lmid_of(4), rc_, rd, re, drv;
    fill_drives(&a, &b);
    /* Queued behind the busy drives: C (0), D (5), E (0) -> D, C, E. */
    CU_ASSERT_EQUAL(rsm_mount_queued(fx.h, &c, &drv, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, 0,
                                     INFINITE, &rc_),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_mount_queued(fx.h, &d, &drv, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, 5,
                                     INFINITE, &rd),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_mount_queued(fx.h, &e, &drv, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, 0,
                                     INFINITE, &re),
                    ERROR_SUCCESS);
    DWORD o = 99;
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rd, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 1);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rc_, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 2);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &re, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 3);
    /* The requests are objects of the library, with their state and priority. */
    CU_ASSERT_EQUAL(fix_count(&fx, &fx.lib, RSM_OT_LIBREQUEST), 5);
    struct rsm_objinfo ri = req_info(&rd);
    CU_ASSERT_EQUAL(ri.u.libreq.state, NTMS_LM_QUEUED);
    CU_ASSERT_EQUAL(ri.u.libreq.op, NTMS_LM_MOUNT);
    CU_ASSERT_EQUAL((int)ri.u.libreq.priority, 5);
    CU_ASSERT_NOT_EQUAL(ri.u.libreq.queued_ms, 0);
    struct rsm_guid lib;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_TRUE(rsm_guid_eq(&ri.u.libreq.library, &lib));
    NTMS_OBJECTINFORMATION info = {.dwSize = sizeof info, .dwType = NTMS_LIBREQUEST};
    CU_ASSERT_EQUAL(GetNtmsObjectInformation(fx.h, &rd, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.LibRequest.State, NTMS_LM_QUEUED);
    CU_ASSERT_EQUAL(info.Info.LibRequest.OperationCode, NTMS_LM_MOUNT);

    /* E to the head; the others shift. */
    CU_ASSERT_EQUAL(SetNtmsRequestOrder(fx.h, &re, 1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &re, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 1);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rd, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 2);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rc_, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 3);
    /* A large number: to the end. */
    CU_ASSERT_EQUAL(SetNtmsRequestOrder(fx.h, &rd, 0xFFFFFFFFu), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rd, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 3);
    CU_ASSERT_EQUAL(SetNtmsRequestOrder(fx.h, &rd, 2), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SetNtmsRequestOrder(fx.h, &rd, 0), ERROR_INVALID_PARAMETER);
    NTMS_GUID unknown;
    memset(&unknown, 0x5A, sizeof unknown);
    CU_ASSERT_EQUAL(SetNtmsRequestOrder(fx.h, &unknown, 1), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &unknown, &o), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rd, NULL), ERROR_INVALID_PARAMETER);

    /* Cancel C: it leaves the queue; nothing else moves. */
    CU_ASSERT_EQUAL(CancelNtmsLibraryRequest(fx.h, &rc_), ERROR_SUCCESS);
    ri = req_info(&rc_);
    CU_ASSERT_EQUAL(ri.u.libreq.state, NTMS_LM_CANCELLED);
    CU_ASSERT_NOT_EQUAL(ri.u.libreq.completed_ms, 0);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rc_, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 0); /* ordering no longer applies */
    CU_ASSERT_EQUAL(SetNtmsRequestOrder(fx.h, &rc_, 1), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(CancelNtmsLibraryRequest(fx.h, &rc_), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(CancelNtmsLibraryRequest(fx.h, &unknown), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(CancelNtmsLibraryRequest(fx.h, NULL), ERROR_INVALID_PARAMETER);
    struct rsm_guid pc = pm_of("A00002L8");
    CU_ASSERT_EQUAL(fix_get(&fx, &pc, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &re, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 1);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(fx.h, &rd, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 2);

    /* Deleting: a queued request refuses and the call deletes nothing; finished ones go;
     * unknown ids are skipped. */
    NTMS_GUID del[3] = {rc_, rd, unknown};
    CU_ASSERT_EQUAL(DeleteNtmsRequests(fx.h, del, NTMS_LIBREQUEST, 3), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(req_info(&rc_).u.libreq.state, NTMS_LM_CANCELLED);
    CU_ASSERT_EQUAL(DeleteNtmsRequests(fx.h, del, NTMS_LIBREQUEST, 0), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(DeleteNtmsRequests(fx.h, del, NTMS_DRIVE, 1), ERROR_INVALID_PARAMETER);
    NTMS_GUID del2[2] = {rc_, unknown};
    CU_ASSERT_EQUAL(DeleteNtmsRequests(fx.h, del2, NTMS_LIBREQUEST, 2), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(GetNtmsObjectInformation(fx.h, &rc_, &info), ERROR_OBJECT_NOT_FOUND);

    /* Drive freed: the head (E) starts and gets it, D still waits; then D. */
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &a, 1, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(wait_req(&re, NTMS_LM_PASSED), NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(req_info(&rd).u.libreq.state, NTMS_LM_QUEUED);
    struct rsm_guid pe = pm_of("A00004L8");
    CU_ASSERT_EQUAL(fix_get(&fx, &pe, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    NTMS_MEDIASTATE_LOADED);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &b, 1, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(wait_req(&rd, NTMS_LM_PASSED), NTMS_LM_PASSED);
    /* A running or finished mount cannot be cancelled. */
    CU_ASSERT_EQUAL(CancelNtmsLibraryRequest(fx.h, &rd), ERROR_OBJECT_NOT_FOUND);
    NTMS_GUID two[2] = {d, e};
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, two, 2, 0), ERROR_SUCCESS);
    /* Finished requests can all be deleted now. */
    NTMS_GUID fin[2] = {rd, re};
    CU_ASSERT_EQUAL(DeleteNtmsRequests(fx.h, fin, NTMS_LIBREQUEST, 2), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(GetNtmsObjectInformation(fx.h, &rd, &info), ERROR_OBJECT_NOT_FOUND);
    check_db();
}

struct mount_call {
    NTMS_GUID media, drive;
    DWORD options, timeout, result;
};

static void *mount_thread(void *p)
{
    struct mount_call *m = p;
    m->result =
        MountNtmsMedia(fx.h, &m->media, &m->drive, 1, m->options, 0, m->timeout, NULL);
    return NULL;
}

/* The one queued request of the library (the waiting caller's). */
static int queued_request(NTMS_GUID *out)
{
    struct rsm_guid list[64], lib;
    uint32_t n = 0;
    rsm_guid_from_api(&lib, &fx.lib);
    for (int tries = 0; tries < 1000; tries++) {
        if (rsm_enumerate(fx.e, &fx.c, &lib, RSM_OT_LIBREQUEST, 0, list, 64, &n) != RSM_OK)
            return -1;
        for (uint32_t i = 0; i < n; i++)
            if (fix_get(&fx, &list[i], RSM_OT_LIBREQUEST).u.libreq.state == NTMS_LM_QUEUED) {
                rsm_guid_to_api(out, &list[i]);
                return 0;
            }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

static void queue_wait_cancel_timeout_busy(void)
{
    add_sim();
    NTMS_GUID a, b, drv;
    fill_drives(&a, &b);
    struct mount_call m = {.media = lmid_of(2), .options = NTMS_MOUNT_READ, .timeout = INFINITE};
    /* No drive free: timeout 0 and ERROR_IF_UNAVAILABLE answer BUSY at once. */
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &m.media, &drv, 1, NTMS_MOUNT_READ, 0, 0, NULL),
                    ERROR_BUSY);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &m.media, &drv, 1,
                                   NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_IF_UNAVAILABLE, 0, INFINITE,
                                   NULL),
                    ERROR_BUSY);
    /* A timeout: the request is cancelled, ERROR_TIMEOUT, nothing moved. */
    NTMS_GUID rt;
    CU_ASSERT_EQUAL(rsm_mount_queued(fx.h, &m.media, &drv, 1, NTMS_MOUNT_READ, 0, 200, &rt),
                    ERROR_TIMEOUT);
    struct rsm_guid pc = pm_of("A00002L8"), s3 = element(RSM_OT_STORAGESLOT, 3);
    struct rsm_objinfo p = fix_get(&fx, &pc, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &s3));
    CU_ASSERT_EQUAL(fix_count(&fx, &fx.lib, RSM_OT_LIBREQUEST), 5); /* 2 + BUSY x2 + timeout */
    /* Priority out of range. */
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &m.media, &drv, 1, NTMS_MOUNT_READ, 16, 0, NULL),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &m.media, &drv, 1, NTMS_MOUNT_READ, -16, 0, NULL),
                    ERROR_INVALID_PARAMETER);

    /* A caller waiting for ever; its request is cancelled: ERROR_CANCELLED. */
    pthread_t t;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, mount_thread, &m), 0);
    NTMS_GUID rq;
    CU_ASSERT_EQUAL_FATAL(queued_request(&rq), 0);
    CU_ASSERT_EQUAL(CancelNtmsLibraryRequest(fx.h, &rq), ERROR_SUCCESS);
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(m.result, ERROR_CANCELLED);
    CU_ASSERT_EQUAL(fix_get(&fx, &pc, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state, NTMS_MEDIASTATE_IDLE);

    /* A caller waiting for ever gets the drive when one is freed. */
    m.result = 99;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, mount_thread, &m), 0);
    CU_ASSERT_EQUAL_FATAL(queued_request(&rq), 0);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &b, 1, 0), ERROR_SUCCESS);
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(m.result, ERROR_SUCCESS);
    CU_ASSERT_EQUAL(req_info(&rq).u.libreq.state, NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(fix_get(&fx, &pc, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    NTMS_MEDIASTATE_LOADED);
    NTMS_GUID two[2] = {a, m.media};
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, two, 2, 0), ERROR_SUCCESS);
    check_db();
}

static void queue_specific_drive_waits_for_it(void)
{
    add_sim();
    NTMS_GUID a = lmid_of(0), c = lmid_of(2), d1api, got, rq;
    struct rsm_guid d1 = element(RSM_OT_DRIVE, 1);
    rsm_guid_to_api(&d1api, &d1);
    got = d1api;
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &a, &got, 1,
                                         NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, INFINITE,
                                         NULL),
                          ERROR_SUCCESS);
    /* Drive 2 is free, but C asks for drive 1: it waits for that one. */
    got = d1api;
    CU_ASSERT_EQUAL(rsm_mount_queued(fx.h, &c, &got, 1,
                                     NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE |
                                         NTMS_MOUNT_NOWAIT,
                                     0, INFINITE, &rq),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(req_info(&rq).u.libreq.state, NTMS_LM_QUEUED);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &a, 1, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(wait_req(&rq, NTMS_LM_PASSED), NTMS_LM_PASSED);
    struct rsm_guid pc = pm_of("A00002L8");
    struct rsm_objinfo p = fix_get(&fx, &pc, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &d1));
    struct rsm_objinfo ri = req_info(&rq);
    CU_ASSERT_TRUE(rsm_guid_eq(&ri.u.libreq.drive, &d1));
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &c, 1, 0), ERROR_SUCCESS);
    check_db();
}

static void queue_deferred_dismount_delay(void)
{
    add_sim();
    struct rsm_guid d1 = element(RSM_OT_DRIVE, 1);
    struct rsm_objinfo di = fix_get(&fx, &d1, RSM_OT_DRIVE);
    di.u.drive.defer_dismount_delay = 1; /* seconds */
    CU_ASSERT_EQUAL_FATAL(rsm_object_set(fx.e, &fx.c, &d1, &di), RSM_OK);
    NTMS_GUID a = lmid_of(0), d;
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &a, &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &a, 1, NTMS_DISMOUNT_DEFERRED), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fix_get(&fx, &d1, RSM_OT_DRIVE).u.drive.state, NTMS_DRIVESTATE_DISMOUNTABLE);
    struct rsm_guid pa = pm_of("A00000L8"), s1 = element(RSM_OT_STORAGESLOT, 1);
    CU_ASSERT_EQUAL(fix_get(&fx, &pa, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    NTMS_MEDIASTATE_LOADED);
    /* The delay passes: the cartridge goes home by itself, the drive is free. */
    uint32_t state = NTMS_DRIVESTATE_DISMOUNTABLE;
    for (int i = 0; i < 1000 && state != NTMS_DRIVESTATE_DISMOUNTED; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        state = fix_get(&fx, &d1, RSM_OT_DRIVE).u.drive.state;
    }
    CU_ASSERT_EQUAL(state, NTMS_DRIVESTATE_DISMOUNTED);
    struct rsm_objinfo p = fix_get(&fx, &pa, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_EQUAL(p.u.pmedia.state, NTMS_MEDIASTATE_IDLE);
    CU_ASSERT_TRUE(rsm_guid_eq(&p.u.pmedia.location, &s1));
    check_db();
}

/* Hides slot 8 (A00007L8) from the engine's inventories: the cartridge is "gone". */
static bool hide_slot8;
static void hide_hook(struct rsm_dev_lib *dev, void *arg)
{
    (void)arg;
    struct rsm_chg_elem *el = (struct rsm_chg_elem *)rsm_dev_lib_elem(dev, rsm_dev_lib_addr(dev, 2, 8));
    if (el && hide_slot8) {
        el->full = false;
        el->barcode[0] = '\0';
    }
}

static unsigned move_media_opreqs(uint32_t state)
{
    struct rsm_guid list[64];
    uint32_t n = 0;
    unsigned k = 0;
    if (rsm_enumerate(fx.e, &fx.c, NULL, RSM_OT_OPREQUEST, 0, list, 64, &n) != RSM_OK)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(&fx, &list[i], RSM_OT_OPREQUEST);
        k += o.u.opreq.request == NTMS_OPREQ_MOVEMEDIA && (!state || o.u.opreq.state == state);
    }
    return k;
}

static void queue_offline_media_operator_request(void)
{
    add_sim();
    NTMS_GUID a = lmid_of(7), d;
    hide_slot8 = true;
    rsm_lc_set_snapshot_hook(hide_hook, NULL);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    struct rsm_guid pa = pm_of("A00007L8"), lib;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_FALSE(fix_library_is(&fx, &pa, &lib));
    /* Callers that may not wait: ERROR_MEDIA_OFFLINE, and nobody is asked. */
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, &d, 1, NTMS_MOUNT_READ | NTMS_MOUNT_ERROR_OFFLINE, 0,
                                   INFINITE, NULL),
                    ERROR_MEDIA_OFFLINE);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, &d, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, 0,
                                   INFINITE, NULL),
                    ERROR_MEDIA_OFFLINE);
    CU_ASSERT_EQUAL(move_media_opreqs(0), 0);
    /* A caller that waits: an operator request to bring it, then the timeout. */
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, &d, 1, NTMS_MOUNT_READ, 0, 200, NULL),
                    ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(move_media_opreqs(NTMS_OPSTATE_REFUSED), 1); /* ended with the call */
    /* Waiting for ever: the operator puts it back, an inventory finds it, it mounts. */
    struct mount_call m = {.media = a, .options = NTMS_MOUNT_READ, .timeout = INFINITE};
    pthread_t t;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, mount_thread, &m), 0);
    unsigned open = 0;
    for (int i = 0; i < 1000 && !open; i++) {
        open = move_media_opreqs(NTMS_OPSTATE_SUBMITTED);
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CU_ASSERT_EQUAL(open, 1);
    hide_slot8 = false;
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    pthread_join(t, NULL);
    rsm_lc_set_snapshot_hook(NULL, NULL);
    CU_ASSERT_EQUAL(m.result, ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fix_get(&fx, &pa, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    NTMS_MEDIASTATE_LOADED);
    CU_ASSERT_EQUAL(move_media_opreqs(NTMS_OPSTATE_COMPLETE), 1);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &a, 1, 0), ERROR_SUCCESS);
    check_db();
}

/* Drives work in parallel, the robot is serialised: on a library whose drives take 15 s
 * (simulated) to thread a tape and whose robot moves in 1 s, the second mount's MOVE
 * MEDIUM happens while the first drive is still threading: both drive elements are full
 * while the first request is still in progress. (With the robot held for the whole mount
 * the second cartridge could only leave its slot after the first request passed.) The
 * simulator's clock is scaled x20, so the window is about 700 ms of wall time. */
static void queue_parallel_drives_overlap(void)
{
    char path[300], uri[320];
    snprintf(path, sizeof path, "%s/slow.yaml", fx.dir);
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fprintf(fp, "personality: ibm-ts4300\nslots: 8\ndrives: 2\nclock: {mode: scaled, scale: 20}\n"
                "delays: {move_ms: 1000}\ncartridges:\n  - {barcode: P00000L8, slot: 1}\n"
                "  - {barcode: P00001L8, slot: 2}\n");
    fclose(fp);
    snprintf(uri, sizeof uri, "sim:%s", path);
    struct rsm_dev_lib *peek = NULL;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open(uri, NULL, 0, NULL, &peek), RSM_DEV_OK);
    struct rsm_dev_opts opts = {.ready_poll_ms = 10};
    rsm_lc_set_dev_opts(&opts);
    CU_ASSERT_EQUAL_FATAL(rsm_library_add(fx.h, uri, NULL, 0, &fx.lib), ERROR_SUCCESS);
    NTMS_GUID m[2], drv, r[2];
    for (int i = 0; i < 2; i++) {
        char bc[16];
        snprintf(bc, sizeof bc, "P%05dL8", i);
        CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, bc, &m[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(rsm_mount_queued(fx.h, &m[i], &drv, 1,
                                         NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, 0, INFINITE, &r[i]),
                        ERROR_SUCCESS);
    bool overlap = false;
    for (int i = 0; i < 2000 && !overlap; i++) {
        uint32_t s0 = req_info(&r[0]).u.libreq.state;
        if (s0 == NTMS_LM_PASSED || s0 == NTMS_LM_FAILED)
            break;
        CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_inventory(peek, false), RSM_DEV_OK);
        unsigned full = 0;
        for (size_t d = 0; d < peek->n_drives; d++) {
            const struct rsm_chg_elem *el = rsm_dev_lib_elem(peek, peek->drives[d].elem_addr);
            full += el && el->full;
        }
        overlap = full == 2 && req_info(&r[0]).u.libreq.state == NTMS_LM_INPROCESS;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CU_ASSERT_TRUE(overlap);
    CU_ASSERT_EQUAL(wait_req(&r[0], NTMS_LM_PASSED), NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(wait_req(&r[1], NTMS_LM_PASSED), NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, m, 2, 0), ERROR_SUCCESS);
    rsm_lc_set_dev_opts(NULL);
    rsm_dev_lib_close(peek);
    check_db();
}

/* Inventories and dismounts are library requests too, each ending PASSED with its
 * operation code; a failed one keeps its error. */
static void queue_every_operation_is_a_request(void)
{
    add_sim();
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    NTMS_GUID a = lmid_of(0), c = lmid_of(2), d;
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DismountNtmsMedia(fx.h, &a, 1, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SetNtmsMediaComplete(fx.h, &c), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &c, &d, 1, NTMS_MOUNT_WRITE, 0, INFINITE, NULL),
                    ERROR_WRITE_PROTECT); /* refused before any request is queued */
    struct rsm_guid list[64], lib;
    uint32_t n = 0;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_EQUAL_FATAL(rsm_enumerate(fx.e, &fx.c, &lib, RSM_OT_LIBREQUEST, 0, list, 64, &n),
                          RSM_OK);
    unsigned inv = 0, mnt = 0, dis = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(&fx, &list[i], RSM_OT_LIBREQUEST);
        CU_ASSERT_EQUAL(o.u.libreq.state, NTMS_LM_PASSED);
        CU_ASSERT_EQUAL(o.u.libreq.error, 0);
        CU_ASSERT_STRING_EQUAL(o.u.libreq.app, "LibctlTest");
        inv += o.u.libreq.op == NTMS_LM_INVENTORY;
        mnt += o.u.libreq.op == NTMS_LM_MOUNT;
        dis += o.u.libreq.op == NTMS_LM_DISMOUNT;
    }
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(inv, 1);
    CU_ASSERT_EQUAL(mnt, 1);
    CU_ASSERT_EQUAL(dis, 1);
    /* A mount that fails while running: the drive named is of no library's. */
    NTMS_GUID bogus = d;
    struct rsm_guid s5 = element(RSM_OT_STORAGESLOT, 5);
    rsm_guid_to_api(&bogus, &s5);
    CU_ASSERT_EQUAL(MountNtmsMedia(fx.h, &a, &bogus, 1,
                                   NTMS_MOUNT_READ | NTMS_MOUNT_SPECIFIC_DRIVE, 0, INFINITE, NULL),
                    ERROR_INVALID_DRIVE);
    CU_ASSERT_EQUAL_FATAL(rsm_enumerate(fx.e, &fx.c, &lib, RSM_OT_LIBREQUEST, 0, list, 64, &n),
                          RSM_OK);
    unsigned failed = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(&fx, &list[i], RSM_OT_LIBREQUEST);
        if (o.u.libreq.state == NTMS_LM_FAILED) {
            failed++;
            CU_ASSERT_EQUAL(o.u.libreq.op, NTMS_LM_MOUNT);
            CU_ASSERT_EQUAL(o.u.libreq.error, ERROR_INVALID_DRIVE); /* dwErrorCode */
            CU_ASSERT_NOT_EQUAL(o.u.libreq.completed_ms, 0);
        }
    }
    CU_ASSERT_EQUAL(failed, 1);
    check_db();
}

static CU_TestInfo queue_tests[] = {
    {"priority_order_cancel_delete", queue_priority_order_cancel_delete},
    {"wait_cancel_timeout_busy", queue_wait_cancel_timeout_busy},
    {"specific_drive_waits_for_it", queue_specific_drive_waits_for_it},
    {"deferred_dismount_delay", queue_deferred_dismount_delay},
    {"offline_media_operator_request", queue_offline_media_operator_request},
    {"parallel_drives_overlap", queue_parallel_drives_overlap},
    {"every_operation_is_a_request", queue_every_operation_is_a_request},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo libctl_queue_suites[] = {
    {"libctl_queue", NULL, NULL, setup, teardown, queue_tests},
    CU_SUITE_INFO_NULL,
};
