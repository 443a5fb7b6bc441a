/* SPDX-License-Identifier: MIT
 * Notifications (Open/Wait/CloseNtmsNotification) and operator requests
 * (Submit/Wait/Satisfy/CancelNtmsOperatorRequest), through the public API so that
 * test_rsmd runs the same suite with every session on rsmd (fx_client.c). Parts that drive
 * the engine directly (device registration, the transaction hook) run embedded only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rsm/engine/events.h"
#include "rsm/engine/internal.h"
#include "rsm/engine/tests/helpers.h"

static int embedded(struct fx *f)
{
    return rsm_session_engine(f->h) != NULL;
}

/* ---- a collector: every event of one handle, read until quiet --------------------------- */

#define MAX_SEEN 64
struct seen {
    int n;
    NTMS_NOTIFICATIONINFORMATION ev[MAX_SEEN];
};

/* Reads events until none arrives for @quiet_ms; returns the last result (ERROR_TIMEOUT
 * when the channel is simply empty). */
static DWORD drain(HANDLE n, struct seen *s, DWORD quiet_ms)
{
    for (;;) {
        NTMS_NOTIFICATIONINFORMATION ev;
        DWORD rc = WaitForNtmsNotification(n, &ev, quiet_ms);
        if (rc != ERROR_SUCCESS)
            return rc;
        if (s->n < MAX_SEEN)
            s->ev[s->n++] = ev;
    }
}

static int count(const struct seen *s, DWORD op, const GUID *id)
{
    int k = 0;
    for (int i = 0; i < s->n; i++)
        k += s->ev[i].dwOperation == op && IsEqualGUID(&s->ev[i].ObjectId, id);
    return k;
}

static HANDLE watch(struct fx *f, DWORD type)
{
    HANDLE n = OpenNtmsNotification(f->h, type);
    CU_ASSERT_FATAL(n != INVALID_HANDLE_VALUE);
    return n;
}

/* ---- notifications --------------------------------------------------------------------- */

static void test_events_for_each_object_operation(void)
{
    struct fx f;
    fx_library(&f, 6, 3);
    HANDLE pools = watch(&f, NTMS_MEDIA_POOL), lmids = watch(&f, NTMS_LOGICAL_MEDIA),
           sides = watch(&f, NTMS_PARTITION), pms = watch(&f, NTMS_PHYSICAL_MEDIA),
           drives = watch(&f, NTMS_DRIVE), opreqs = watch(&f, NTMS_OPREQUEST);
    struct seen sp = {0}, sl = {0}, ss = {0}, spm = {0}, sd = {0}, so = {0};

    /* Insert and update of a pool. */
    GUID app = fx_pool(&f, "Watched", &f.lto, NTMS_ALLOCATE_FROMSCRATCH, 0);
    CU_ASSERT_EQUAL(drain(pools, &sp, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&sp, NTMS_OBJ_INSERT, &app), 1);
    CU_ASSERT(count(&sp, NTMS_OBJ_UPDATE, &app) >= 1); /* the policies fx_pool sets */

    /* A move updates the medium and its side. */
    fx_to_free(&f, 0);
    GUID side = fx_side(&f, &f.media[0], 0);
    CU_ASSERT_EQUAL(drain(pms, &spm, 100), ERROR_TIMEOUT);
    CU_ASSERT(count(&spm, NTMS_OBJ_UPDATE, &f.media[0]) >= 1);
    CU_ASSERT_EQUAL(drain(sides, &ss, 100), ERROR_TIMEOUT);
    CU_ASSERT(count(&ss, NTMS_OBJ_UPDATE, &side) >= 1);

    /* Allocate: a logical medium is born, its side changes. */
    GUID lmid;
    memset(&lmid, 0, sizeof lmid);
    CU_ASSERT_EQUAL_FATAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, NULL), ERROR_SUCCESS);
    ss.n = 0;
    CU_ASSERT_EQUAL(drain(lmids, &sl, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&sl, NTMS_OBJ_INSERT, &lmid), 1);
    CU_ASSERT_EQUAL(drain(sides, &ss, 100), ERROR_TIMEOUT);
    CU_ASSERT(count(&ss, NTMS_OBJ_UPDATE, &side) >= 1);

    /* An attribute, then disabling and enabling: updates. */
    CU_ASSERT_EQUAL(drain(pms, &spm, 100), ERROR_TIMEOUT); /* the allocation's */
    spm.n = 0;
    CU_ASSERT_EQUAL(SetNtmsObjectAttributeA(f.h, &f.media[0], NTMS_PHYSICAL_MEDIA, "Label", "x", 1),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DisableNtmsObject(f.h, NTMS_PHYSICAL_MEDIA, &f.media[1]), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(EnableNtmsObject(f.h, NTMS_PHYSICAL_MEDIA, &f.media[1]), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(drain(pms, &spm, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&spm, NTMS_OBJ_UPDATE, &f.media[0]), 1);
    CU_ASSERT_EQUAL(count(&spm, NTMS_OBJ_UPDATE, &f.media[1]), 2);
    GUID drive_list[4];
    DWORD nd = 4;
    CU_ASSERT_EQUAL_FATAL(EnumerateNtmsObject(f.h, &f.lib, drive_list, &nd, NTMS_DRIVE, 0),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DisableNtmsObject(f.h, NTMS_DRIVE, &drive_list[0]), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(drain(drives, &sd, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&sd, NTMS_OBJ_UPDATE, &drive_list[0]), 1);

    /* Deallocate: the logical medium is deleted. Deleting the pool after the medium left
     * it: a pool delete. */
    sl.n = 0;
    CU_ASSERT_EQUAL(DeallocateNtmsMedia(f.h, &lmid, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(drain(lmids, &sl, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&sl, NTMS_OBJ_DELETE, &lmid), 1);
    GUID other = fx_pool(&f, "Other", &f.lto, 0, 0);
    CU_ASSERT_EQUAL(DeleteNtmsMediaPool(f.h, &other), ERROR_SUCCESS);
    sp.n = 0;
    CU_ASSERT_EQUAL(drain(pools, &sp, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&sp, NTMS_OBJ_INSERT, &other), 1);
    CU_ASSERT_EQUAL(count(&sp, NTMS_OBJ_DELETE, &other), 1);

    /* An operator request: insert, then update when satisfied. */
    GUID rq;
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_MESSAGE, "hello", NULL, NULL, &rq),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(f.h, &rq), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(drain(opreqs, &so, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&so, NTMS_OBJ_INSERT, &rq), 1);
    CU_ASSERT_EQUAL(count(&so, NTMS_OBJ_UPDATE, &rq), 1);

    /* The library's and the computer's information, set: updates. */
    HANDLE libs = watch(&f, NTMS_LIBRARY), comps = watch(&f, NTMS_COMPUTER);
    struct seen slib = {0}, scomp = {0};
    NTMS_OBJECTINFORMATIONW info;
    fx_get(&f, &f.lib, NTMS_LIBRARY, &info);
    wcscpy(info.szDescription, L"front row");
    CU_ASSERT_EQUAL(SetNtmsObjectInformationW(f.h, &f.lib, &info), ERROR_SUCCESS);
    GUID comp;
    DWORD nc = 1;
    CU_ASSERT_EQUAL_FATAL(EnumerateNtmsObject(f.h, NULL, &comp, &nc, NTMS_COMPUTER, 0),
                          ERROR_SUCCESS);
    fx_get(&f, &comp, NTMS_COMPUTER, &info);
    CU_ASSERT_EQUAL(SetNtmsObjectInformationW(f.h, &comp, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(drain(libs, &slib, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&slib, NTMS_OBJ_UPDATE, &f.lib), 1);
    CU_ASSERT_EQUAL(drain(comps, &scomp, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&scomp, NTMS_OBJ_UPDATE, &comp), 1);
    CU_ASSERT_EQUAL(CloseNtmsNotification(libs), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CloseNtmsNotification(comps), ERROR_SUCCESS);

    /* A failed call changes nothing and announces nothing. */
    sp.n = 0;
    GUID dup;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "Watched", &f.lto, NTMS_CREATE_NEW, NULL, &dup),
                    ERROR_ALREADY_EXISTS);
    CU_ASSERT_EQUAL(drain(pools, &sp, 50), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(sp.n, 0);

    HANDLE all[] = {pools, lmids, sides, pms, drives, opreqs};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        CU_ASSERT_EQUAL(CloseNtmsNotification(all[i]), ERROR_SUCCESS);
    fx_close(&f);
}

/* Device registration happens in the engine's process: watchers of an embedded session see
 * slots fill, media arrive and devices register. */
static void test_device_layer_changes_are_announced(void)
{
    struct fx f;
    fx_library(&f, 6, 2);
    if (!embedded(&f)) {
        fx_close(&f);
        return; /* the fixture registers devices in its own process, not through rsmd */
    }
    HANDLE slots = watch(&f, NTMS_STORAGESLOT), pms = watch(&f, NTMS_PHYSICAL_MEDIA),
           sides = watch(&f, NTMS_PARTITION), drives = watch(&f, NTMS_DRIVE);
    struct seen ss = {0}, spm = {0}, sd = {0}, sp = {0};
    struct rsm_guid pm;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_media_seen(f.e, (struct rsm_guid *)&f.slots[4], "N00001L8",
                                             (struct rsm_guid *)&f.lto, NULL, &pm),
                          RSM_OK);
    GUID gpm;
    memcpy(&gpm, &pm, 16);
    GUID side = fx_side(&f, &gpm, 0);
    CU_ASSERT_EQUAL(drain(slots, &ss, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&ss, NTMS_OBJ_UPDATE, &f.slots[4]), 1); /* now FULL */
    CU_ASSERT_EQUAL(drain(pms, &spm, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&spm, NTMS_OBJ_INSERT, &gpm), 1);
    CU_ASSERT_EQUAL(drain(sides, &sp, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&sp, NTMS_OBJ_INSERT, &side), 1);
    /* The medium leaves: an update; it goes offline and is deleted: deletes of both. */
    spm.n = sp.n = 0;
    CU_ASSERT_EQUAL(rsm_dev_media_gone(f.e, &pm), RSM_OK);
    CU_ASSERT_EQUAL(DeleteNtmsMedia(f.h, &gpm), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(drain(pms, &spm, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&spm, NTMS_OBJ_UPDATE, &gpm), 1);
    CU_ASSERT_EQUAL(count(&spm, NTMS_OBJ_DELETE, &gpm), 1);
    CU_ASSERT_EQUAL(drain(sides, &sp, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&sp, NTMS_OBJ_DELETE, &side), 1);
    /* A new drive registers: insert. */
    struct rsm_dev_unit dr = {.number = 7, .vendor = "IBM", .product = "ULT3580-TD8",
                              .serial = "DR0007", .devname = "/dev/nst7"};
    struct rsm_guid d;
    CU_ASSERT_EQUAL(rsm_engine_register_drive(f.e, (struct rsm_guid *)&f.lib, &dr, &d), RSM_OK);
    GUID gd;
    memcpy(&gd, &d, 16);
    CU_ASSERT_EQUAL(drain(drives, &sd, 100), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(count(&sd, NTMS_OBJ_INSERT, &gd), 1);
    HANDLE all[] = {slots, pms, sides, drives};
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(CloseNtmsNotification(all[i]), ERROR_SUCCESS);
    fx_close(&f);
}

/* Delivery waits for the commit; a rolled-back transaction announces nothing. */
static void test_rollback_announces_nothing(void)
{
    struct fx f;
    fx_open(&f);
    if (!embedded(&f)) {
        fx_close(&f);
        return; /* drives the engine's transactions directly */
    }
    HANDLE n = watch(&f, NTMS_MEDIA_POOL);
    struct rsm_guid a, b;
    rsm_guid_new(&a);
    rsm_guid_new(&b);
    rsm_engine_lock(f.e);
    CU_ASSERT_EQUAL(rsm_db_begin(f.e->db), RSM_OK);
    CU_ASSERT_EQUAL(rsm_obj_insert(f.e->db, &a, RSM_OT_MEDIA_POOL, "gone", ""), RSM_OK);
    rsm_engine_unlock(f.e);
    NTMS_NOTIFICATIONINFORMATION ev;
    CU_ASSERT_EQUAL(WaitForNtmsNotification(n, &ev, 0), ERROR_TIMEOUT); /* not committed yet */
    rsm_engine_lock(f.e);
    CU_ASSERT_EQUAL(rsm_db_end(f.e->db, RSM_E_INVALID_PARAMETER), RSM_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(rsm_db_begin(f.e->db), RSM_OK);
    CU_ASSERT_EQUAL(rsm_obj_insert(f.e->db, &b, RSM_OT_MEDIA_POOL, "kept", ""), RSM_OK);
    /* Announced twice in one transaction (a helper and its caller): one event. */
    rsm_notify(f.e, RSM_OT_MEDIA_POOL, RSM_EV_UPDATE, &b);
    rsm_notify(f.e, RSM_OT_MEDIA_POOL, RSM_EV_UPDATE, &b);
    CU_ASSERT_EQUAL(rsm_obj_delete_typed(f.e->db, &b, RSM_OT_MEDIA_POOL), RSM_OK);
    CU_ASSERT_EQUAL(rsm_db_end(f.e->db, RSM_OK), RSM_OK);
    rsm_engine_unlock(f.e);
    /* Only the committed transaction's three events, in order. */
    CU_ASSERT_EQUAL_FATAL(WaitForNtmsNotification(n, &ev, 1000), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ev.dwOperation, NTMS_OBJ_INSERT);
    CU_ASSERT(memcmp(&ev.ObjectId, &b, 16) == 0);
    CU_ASSERT_EQUAL_FATAL(WaitForNtmsNotification(n, &ev, 1000), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ev.dwOperation, NTMS_OBJ_UPDATE);
    CU_ASSERT_EQUAL_FATAL(WaitForNtmsNotification(n, &ev, 1000), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ev.dwOperation, NTMS_OBJ_DELETE);
    CU_ASSERT(memcmp(&ev.ObjectId, &b, 16) == 0);
    CU_ASSERT_EQUAL(WaitForNtmsNotification(n, &ev, 0), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(CloseNtmsNotification(n), ERROR_SUCCESS);
    fx_close(&f);
}

/* A watcher thread counts the logical-media events of a run of allocations and
 * deallocations on another session. */
struct counter {
    HANDLE n;
    int want, got, inserts, deletes, out_of_order;
    DWORD last_rc;
};

static void *count_events(void *arg)
{
    struct counter *c = arg;
    DWORD expect = NTMS_OBJ_INSERT;
    while (c->got < c->want) {
        NTMS_NOTIFICATIONINFORMATION ev;
        c->last_rc = WaitForNtmsNotification(c->n, &ev, 20000);
        if (c->last_rc != ERROR_SUCCESS)
            break;
        c->got++;
        c->inserts += ev.dwOperation == NTMS_OBJ_INSERT;
        c->deletes += ev.dwOperation == NTMS_OBJ_DELETE;
        c->out_of_order += ev.dwOperation != expect;
        expect = expect == NTMS_OBJ_INSERT ? NTMS_OBJ_DELETE : NTMS_OBJ_INSERT;
    }
    return NULL;
}

/* Allocates and deallocates @pairs times from @app on @h. */
static void churn(HANDLE h, const GUID *app, int pairs)
{
    int failures = 0;
    for (int i = 0; i < pairs; i++) {
        GUID lmid;
        memset(&lmid, 0, sizeof lmid);
        failures += AllocateNtmsMedia(h, (LPNTMS_GUID)app, NULL, &lmid, 0, 0, NULL) != 0;
        failures += DeallocateNtmsMedia(h, &lmid, 0) != 0;
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_watcher_sees_every_event_of_10000_operations(void)
{
    struct fx f;
    fx_library(&f, 4, 1);
    GUID app = fx_pool(&f, "Churn", &f.lto, 0, 0);
    fx_to_free(&f, 0);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &app), ERROR_SUCCESS);
    HANDLE writer = OpenNtmsSessionA(f.server, "writer", 0);
    CU_ASSERT_FATAL(writer != INVALID_HANDLE_VALUE);
    struct counter c = {.n = watch(&f, NTMS_LOGICAL_MEDIA), .want = 10000};
    pthread_t th;
    CU_ASSERT_FATAL(pthread_create(&th, NULL, count_events, &c) == 0);
    churn(writer, &app, 5000); /* 10,000 operations, one event each */
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(c.got, 10000);
    CU_ASSERT_EQUAL(c.inserts, 5000);
    CU_ASSERT_EQUAL(c.deletes, 5000);
    CU_ASSERT_EQUAL(c.out_of_order, 0);
    CU_ASSERT_EQUAL(c.last_rc, ERROR_SUCCESS);
    NTMS_NOTIFICATIONINFORMATION ev;
    CU_ASSERT_EQUAL(WaitForNtmsNotification(c.n, &ev, 0), ERROR_TIMEOUT); /* nothing extra */
    CU_ASSERT_EQUAL(CloseNtmsNotification(c.n), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CloseNtmsSession(writer), ERROR_SUCCESS);
    fx_check(&f);
    fx_close(&f);
}

/* A watcher that never reads overflows its queue (8192 events) and is told so with
 * ERROR_NO_DATA after what was queued; a reading watcher of the same type meanwhile gets
 * every event, and the writer is never held up. */
static void test_overflow_is_signalled_and_stalls_nobody(void)
{
    struct fx f;
    fx_library(&f, 4, 1);
    GUID app = fx_pool(&f, "Flood", &f.lto, 0, 0);
    fx_to_free(&f, 0);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &app), ERROR_SUCCESS);
    HANDLE sleeper = watch(&f, NTMS_LOGICAL_MEDIA);
    struct counter c = {.n = watch(&f, NTMS_LOGICAL_MEDIA), .want = 9000};
    pthread_t th;
    CU_ASSERT_FATAL(pthread_create(&th, NULL, count_events, &c) == 0);
    churn(f.h, &app, 4500);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(c.got, 9000);
    CU_ASSERT_EQUAL(c.out_of_order, 0);
    /* The sleeper: the first 8192 events, in order, then the break, for good. */
    int got = 0, bad_order = 0;
    DWORD rc, expect = NTMS_OBJ_INSERT;
    NTMS_NOTIFICATIONINFORMATION ev;
    while ((rc = WaitForNtmsNotification(sleeper, &ev, 1000)) == ERROR_SUCCESS) {
        got++;
        bad_order += ev.dwOperation != expect;
        expect = expect == NTMS_OBJ_INSERT ? NTMS_OBJ_DELETE : NTMS_OBJ_INSERT;
    }
    CU_ASSERT_EQUAL(rc, ERROR_NO_DATA);
    CU_ASSERT_EQUAL(got, 8192);
    CU_ASSERT_EQUAL(bad_order, 0);
    CU_ASSERT_EQUAL(WaitForNtmsNotification(sleeper, &ev, 0), ERROR_NO_DATA);
    CU_ASSERT_EQUAL(CloseNtmsNotification(sleeper), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CloseNtmsNotification(c.n), ERROR_SUCCESS);
    fx_close(&f);
}

struct closer {
    HANDLE n;
    DWORD rc;
};

static void *wait_forever(void *arg)
{
    struct closer *c = arg;
    NTMS_NOTIFICATIONINFORMATION ev;
    c->rc = WaitForNtmsNotification(c->n, &ev, INFINITE);
    return NULL;
}

static void test_notification_handle_errors(void)
{
    struct fx f;
    fx_open(&f);
    NTMS_NOTIFICATIONINFORMATION ev;
    SetLastError(0);
    CU_ASSERT(OpenNtmsNotification(NULL, NTMS_DRIVE) == INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(WaitForNtmsNotification(NULL, &ev, 0), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(WaitForNtmsNotification(INVALID_HANDLE_VALUE, &ev, 0), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(WaitForNtmsNotification(f.h, &ev, 0), ERROR_INVALID_HANDLE); /* a session */
    CU_ASSERT_EQUAL(CloseNtmsNotification(NULL), ERROR_INVALID_PARAMETER);
    /* A type that is no object type is accepted and never fires (as on Windows). */
    HANDLE odd = watch(&f, 999);
    CU_ASSERT_EQUAL(WaitForNtmsNotification(odd, &ev, 0), ERROR_TIMEOUT);
    CU_ASSERT_EQUAL(CloseNtmsNotification(odd), ERROR_SUCCESS);
    HANDLE n = watch(&f, NTMS_MEDIA_POOL);
    CU_ASSERT_EQUAL(WaitForNtmsNotification(n, NULL, 0), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(WaitForNtmsNotification(n, &ev, 0), ERROR_TIMEOUT);
    /* Closing the handle ends a wait in progress on another thread. */
    struct closer c = {.n = n, .rc = 99};
    pthread_t th;
    CU_ASSERT_FATAL(pthread_create(&th, NULL, wait_forever, &c) == 0);
    usleep(50000);
    CU_ASSERT_EQUAL(CloseNtmsNotification(n), ERROR_SUCCESS);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(c.rc, ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(CloseNtmsNotification(n), ERROR_INVALID_HANDLE); /* already closed */
    CU_ASSERT_EQUAL(WaitForNtmsNotification(n, &ev, 0), ERROR_INVALID_HANDLE);
    /* Closing the session ends a wait on its handles too. */
    HANDLE h2 = OpenNtmsSessionA(f.server, "closer", 0);
    CU_ASSERT_FATAL(h2 != INVALID_HANDLE_VALUE);
    struct closer c2 = {.n = OpenNtmsNotification(h2, NTMS_MEDIA_POOL), .rc = 99};
    CU_ASSERT_FATAL(c2.n != INVALID_HANDLE_VALUE);
    CU_ASSERT_FATAL(pthread_create(&th, NULL, wait_forever, &c2) == 0);
    usleep(50000);
    CU_ASSERT_EQUAL(CloseNtmsSession(h2), ERROR_SUCCESS);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(c2.rc, ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(CloseNtmsNotification(c2.n), ERROR_SUCCESS);
    fx_close(&f);
}

/* ---- operator requests ------------------------------------------------------------------ */

static DWORD opreq_state(struct fx *f, const GUID *id)
{
    NTMS_OBJECTINFORMATIONW w;
    fx_get(f, id, NTMS_OPREQUEST, &w);
    return w.Info.OpRequest.State;
}

struct opwait {
    HANDLE h;
    GUID id;
    DWORD timeout, rc;
};

static void *wait_opreq(void *arg)
{
    struct opwait *w = arg;
    w->rc = WaitForNtmsOperatorRequest(w->h, &w->id, w->timeout);
    return NULL;
}

static void test_opreq_submit_wait_satisfy_cancel(void)
{
    struct fx f;
    fx_library(&f, 4, 1);
    HANDLE op = OpenNtmsSessionA(f.server, "operator", 0);
    CU_ASSERT_FATAL(op != INVALID_HANDLE_VALUE);
    GUID rq;
    CU_ASSERT_EQUAL_FATAL(
        SubmitNtmsOperatorRequestW(f.h, NTMS_OPREQ_MESSAGE, L"Load tape Ω", NULL, NULL, &rq),
        ERROR_SUCCESS);
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &rq, NTMS_OPREQUEST, &w);
    CU_ASSERT_EQUAL(w.Info.OpRequest.Request, NTMS_OPREQ_MESSAGE);
    CU_ASSERT_EQUAL(w.Info.OpRequest.State, NTMS_OPSTATE_SUBMITTED);
    CU_ASSERT(wcscmp(w.Info.OpRequest.szMessage, L"Load tape Ω") == 0);
    CU_ASSERT(wcscmp(w.Info.OpRequest.szApplication, L"engine-test") == 0);
    CU_ASSERT(fx_count(&f, NULL, NTMS_OPREQUEST) >= 1);
    CU_ASSERT_EQUAL(WaitForNtmsOperatorRequest(f.h, &rq, 0), ERROR_TIMEOUT);
    /* One session waits, the other satisfies. */
    struct opwait ow = {.h = f.h, .id = rq, .timeout = 20000, .rc = 99};
    pthread_t th;
    CU_ASSERT_FATAL(pthread_create(&th, NULL, wait_opreq, &ow) == 0);
    usleep(50000);
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(op, &rq), ERROR_SUCCESS);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(ow.rc, ERROR_SUCCESS);
    CU_ASSERT_EQUAL(opreq_state(&f, &rq), NTMS_OPSTATE_COMPLETE);
    CU_ASSERT_EQUAL(WaitForNtmsOperatorRequest(f.h, &rq, 0), ERROR_SUCCESS);
    /* Final: Satisfy again is OBJECT_NOT_FOUND, Cancel is INVALID_STATE. */
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(op, &rq), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(CancelNtmsOperatorRequest(op, &rq), ERROR_INVALID_STATE);
    /* Cancel: the waiter gets ERROR_CANCELLED. */
    GUID rq2;
    CU_ASSERT_EQUAL_FATAL(
        SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_DEVICESERVICE, "door", &f.lib, NULL, &rq2),
        ERROR_SUCCESS);
    struct opwait ow2 = {.h = f.h, .id = rq2, .timeout = INFINITE, .rc = 99};
    CU_ASSERT_FATAL(pthread_create(&th, NULL, wait_opreq, &ow2) == 0);
    usleep(50000);
    CU_ASSERT_EQUAL(CancelNtmsOperatorRequest(op, &rq2), ERROR_SUCCESS);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(ow2.rc, ERROR_CANCELLED);
    CU_ASSERT_EQUAL(opreq_state(&f, &rq2), NTMS_OPSTATE_REFUSED);
    CU_ASSERT_EQUAL(CancelNtmsOperatorRequest(op, &rq2), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(op, &rq2), ERROR_OBJECT_NOT_FOUND);
    /* Closing the waiting session ends its wait with ERROR_CANCELLED; the request stays. */
    GUID rq3;
    CU_ASSERT_EQUAL_FATAL(
        SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_MESSAGE, "later", NULL, NULL, &rq3),
        ERROR_SUCCESS);
    HANDLE h3 = OpenNtmsSessionA(f.server, "closing", 0);
    CU_ASSERT_FATAL(h3 != INVALID_HANDLE_VALUE);
    struct opwait ow3 = {.h = h3, .id = rq3, .timeout = INFINITE, .rc = 99};
    CU_ASSERT_FATAL(pthread_create(&th, NULL, wait_opreq, &ow3) == 0);
    usleep(50000);
    CU_ASSERT_EQUAL(CloseNtmsSession(h3), ERROR_SUCCESS);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(ow3.rc, ERROR_CANCELLED);
    CU_ASSERT_EQUAL(opreq_state(&f, &rq3), NTMS_OPSTATE_SUBMITTED);
    CU_ASSERT_EQUAL(CloseNtmsSession(op), ERROR_SUCCESS);
    fx_close(&f);
}

static void test_opreq_errors(void)
{
    struct fx f;
    fx_library(&f, 4, 1);
    GUID rq, unknown = {0x1234, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
    memset(&rq, 0, sizeof rq);
    GUID app = fx_pool(&f, "Req", &f.lto, 0, 0);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(NULL, NTMS_OPREQ_MESSAGE, "", NULL, NULL, &rq),
                    ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_UNKNOWN, "", NULL, NULL, &rq),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, 6, "", NULL, NULL, &rq),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_MESSAGE, "", NULL, NULL, NULL),
                    ERROR_INVALID_PARAMETER);
    /* Arguments: required, of the right type, existing. */
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_NEWMEDIA, "", NULL, NULL, &rq),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_NEWMEDIA, "", &f.lib, NULL, &rq),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_NEWMEDIA, "", &unknown, NULL, &rq),
                    ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_MESSAGE, "", &app, NULL, &rq),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_MOVEMEDIA, "", &f.media[0], NULL, &rq),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT(NTMS_IS_NULLGUID(rq)); /* untouched by every failure */
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_OPREQUEST), 0);
    char longmsg[300];
    memset(longmsg, 'x', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = 0;
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_MESSAGE, longmsg, NULL, NULL, &rq),
                    ERROR_MESSAGE_EXCEEDS_MAX_SIZE);
    /* The valid forms. */
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_NEWMEDIA, "", &app, &f.lib, &rq),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(
        SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_MOVEMEDIA, "", &f.media[0], &f.lib, &rq),
        ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(f.h, NTMS_OPREQ_CLEANER, "", &f.lib, NULL, &rq),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_OPREQUEST), 3);
    /* Unknown requests, bad handles. */
    CU_ASSERT_EQUAL(WaitForNtmsOperatorRequest(f.h, &unknown, 0), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(f.h, &unknown), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(CancelNtmsOperatorRequest(f.h, &unknown), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(f.h, &app), ERROR_OBJECT_NOT_FOUND); /* a pool */
    CU_ASSERT_EQUAL(WaitForNtmsOperatorRequest(NULL, &rq, 0), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(INVALID_HANDLE_VALUE, &rq), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(CancelNtmsOperatorRequest(NULL, &rq), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(f.h, NULL), ERROR_INVALID_PARAMETER);
    /* Only administrators satisfy or cancel; anyone with USE may post a message. */
    HANDLE h2 = OpenNtmsSessionA(f.server, "user", 0);
    CU_ASSERT_FATAL(h2 != INVALID_HANDLE_VALUE);
    uint32_t gid = 4242;
    CU_ASSERT_EQUAL(rsm_session_set_caller(h2, 4242, &gid, 1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(h2, &rq), ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(CancelNtmsOperatorRequest(h2, &rq), ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(opreq_state(&f, &rq), NTMS_OPSTATE_SUBMITTED);
    GUID mine;
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(h2, NTMS_OPREQ_MESSAGE, "hi", NULL, NULL, &mine),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SubmitNtmsOperatorRequestA(h2, NTMS_OPREQ_NEWMEDIA, "", &app, NULL, &mine),
                    ERROR_ACCESS_DENIED); /* CONTROL on the pool */
    CU_ASSERT_EQUAL(CloseNtmsSession(h2), ERROR_SUCCESS);
    fx_close(&f);
}

/* The engine's own request: an allocation waiting for media raises NTMS_OPREQ_NEWMEDIA;
 * satisfying it after adding media lets the allocation through, cancelling it ends the
 * allocation with ERROR_CANCELLED. */
struct alloc_wait {
    HANDLE h;
    GUID pool, lmid;
    DWORD rc;
};

static void *allocate_waiting(void *arg)
{
    struct alloc_wait *a = arg;
    a->rc = AllocateNtmsMedia(a->h, &a->pool, NULL, &a->lmid, 0, 20000, NULL);
    return NULL;
}

static GUID next_opreq_insert(HANDLE n)
{
    NTMS_NOTIFICATIONINFORMATION ev;
    memset(&ev, 0, sizeof ev);
    DWORD rc;
    while ((rc = WaitForNtmsNotification(n, &ev, 10000)) == ERROR_SUCCESS &&
           ev.dwOperation != NTMS_OBJ_INSERT)
        ;
    CU_ASSERT_EQUAL(rc, ERROR_SUCCESS);
    return ev.ObjectId;
}

static void test_engine_request_satisfied_or_cancelled(void)
{
    struct fx f;
    fx_library(&f, 4, 2);
    GUID app = fx_pool(&f, "Needy", &f.lto, 0, 0);
    HANDLE n = watch(&f, NTMS_OPREQUEST);
    HANDLE waiter = OpenNtmsSessionA(f.server, "waiter", 0);
    CU_ASSERT_FATAL(waiter != INVALID_HANDLE_VALUE);
    struct alloc_wait a = {.h = waiter, .pool = app, .rc = 99};
    pthread_t th;
    CU_ASSERT_FATAL(pthread_create(&th, NULL, allocate_waiting, &a) == 0);
    GUID rq = next_opreq_insert(n); /* the request the waiting allocation raised */
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &rq, NTMS_OPREQUEST, &w);
    CU_ASSERT_EQUAL(w.Info.OpRequest.Request, NTMS_OPREQ_NEWMEDIA);
    CU_ASSERT(IsEqualGUID(&w.Info.OpRequest.Arg1, &app));
    /* The operator answers and puts a cartridge in the pool (in the other order the
     * allocation may take the cartridge, and end its request, before the answer). */
    CU_ASSERT_EQUAL(SatisfyNtmsOperatorRequest(f.h, &rq), ERROR_SUCCESS);
    fx_to_free(&f, 0);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &app), ERROR_SUCCESS);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(a.rc, ERROR_SUCCESS);
    /* The next one is refused: the allocation is cancelled. */
    struct alloc_wait b = {.h = waiter, .pool = app, .rc = 99};
    CU_ASSERT_FATAL(pthread_create(&th, NULL, allocate_waiting, &b) == 0);
    GUID rq2 = next_opreq_insert(n);
    CU_ASSERT(!IsEqualGUID(&rq2, &rq));
    CU_ASSERT_EQUAL(CancelNtmsOperatorRequest(f.h, &rq2), ERROR_SUCCESS);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(b.rc, ERROR_CANCELLED);
    CU_ASSERT_EQUAL(CloseNtmsNotification(n), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CloseNtmsSession(waiter), ERROR_SUCCESS);
    fx_check(&f);
    fx_close(&f);
}

static CU_TestInfo notify_tests[] = {
    {"events_for_each_object_operation", test_events_for_each_object_operation},
    {"device_layer_changes_are_announced", test_device_layer_changes_are_announced},
    {"rollback_announces_nothing", test_rollback_announces_nothing},
    {"watcher_sees_every_event_of_10000_operations",
     test_watcher_sees_every_event_of_10000_operations},
    {"overflow_is_signalled_and_stalls_nobody", test_overflow_is_signalled_and_stalls_nobody},
    {"notification_handle_errors", test_notification_handle_errors},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo opreq_tests[] = {
    {"opreq_submit_wait_satisfy_cancel", test_opreq_submit_wait_satisfy_cancel},
    {"opreq_errors", test_opreq_errors},
    {"engine_request_satisfied_or_cancelled", test_engine_request_satisfied_or_cancelled},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_notify_suites[] = {
    {"notify", NULL, NULL, NULL, NULL, notify_tests},
    {"opreq", NULL, NULL, NULL, NULL, opreq_tests},
    CU_SUITE_INFO_NULL,
};
