/* SPDX-License-Identifier: MIT
 * The media life cycle: pools of new cartridges, moves, allocation (policies, NEW/NEXT,
 * import, waiting), deallocation, completion, decommissioning, swapping, offline media,
 * media types, OMID updates.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rsm/engine/tests/helpers.h"

static DWORD side_state(struct fx *f, const GUID *side)
{
    NTMS_OBJECTINFORMATIONW w;
    fx_get(f, side, NTMS_PARTITION, &w);
    return w.Info.Partition.State;
}

static GUID media_pool(struct fx *f, const GUID *pm)
{
    NTMS_OBJECTINFORMATIONW w;
    fx_get(f, pm, NTMS_PHYSICAL_MEDIA, &w);
    return w.Info.PhysicalMedia.MediaPool;
}

static void test_new_cartridges_land_in_system_pools(void)
{
    struct fx f;
    fx_library(&f, 6, 3);
    GUID unrec = fx_system_pool(&f, NTMS_POOLTYPE_FOREIGN, &f.lto);
    GUID p = media_pool(&f, &f.media[0]);
    CU_ASSERT(IsEqualGUID(&p, &unrec));
    GUID side = fx_side(&f, &f.media[0], 0);
    CU_ASSERT_EQUAL(side_state(&f, &side), NTMS_PARTSTATE_FOREIGN);
    /* A labelled cartridge of a known format but unknown id goes to Import. */
    struct rsm_dev_label label = {
        .type = "MTF", .info = "Other server", .id = (const uint8_t *)"X1", .id_len = 2};
    struct rsm_guid g;
    CU_ASSERT_EQUAL(rsm_dev_media_seen(f.e, (struct rsm_guid *)&f.slots[4], "B00001L8",
                                       (struct rsm_guid *)&f.lto, &label, &g),
                    RSM_OK);
    GUID imp = fx_system_pool(&f, NTMS_POOLTYPE_IMPORT, &f.lto), pm;
    memcpy(&pm, &g, 16);
    p = media_pool(&f, &pm);
    CU_ASSERT(IsEqualGUID(&p, &imp));
    side = fx_side(&f, &pm, 0);
    CU_ASSERT_EQUAL(side_state(&f, &side), NTMS_PARTSTATE_IMPORT);
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &side, NTMS_PARTITION, &w);
    CU_ASSERT(wcscmp(w.Info.Partition.szOmidLabelType, L"MTF") == 0);
    CU_ASSERT_EQUAL(w.Info.Partition.dwOmidLabelIdLength, 2);
    /* Seen again (same barcode): same medium, no new one. */
    struct rsm_guid g2;
    CU_ASSERT_EQUAL(rsm_dev_media_seen(f.e, (struct rsm_guid *)&f.slots[5], "B00001L8",
                                       (struct rsm_guid *)&f.lto, &label, &g2),
                    RSM_OK);
    CU_ASSERT(memcmp(&g, &g2, 16) == 0);
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_PHYSICAL_MEDIA), 4);
    fx_get(&f, &f.slots[4], NTMS_STORAGESLOT, &w);
    CU_ASSERT_EQUAL(w.Info.StorageSlot.State, NTMS_SLOTSTATE_EMPTY); /* it moved on */
    fx_get(&f, &f.slots[5], NTMS_STORAGESLOT, &w);
    CU_ASSERT_EQUAL(w.Info.StorageSlot.State, NTMS_SLOTSTATE_FULL);
    fx_get(&f, &pm, NTMS_PHYSICAL_MEDIA, &w);
    CU_ASSERT(IsEqualGUID(&w.Info.PhysicalMedia.Location, &f.slots[5]));
    fx_check(&f);
    fx_close(&f);
}

static void test_move_rules(void)
{
    struct fx f;
    fx_library(&f, 4, 2);
    GUID app = fx_pool(&f, "App", &f.lto, 0, 0);
    GUID dltpool = fx_pool(&f, "DLTApp", &f.dlt, 0, 0);
    GUID freep = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.lto);
    GUID container;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "Box", NULL, NTMS_CREATE_NEW, NULL, &container),
                    ERROR_SUCCESS);
    /* Unrecognized media may only go to a free pool. */
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &app), ERROR_INVALID_MEDIA_POOL);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &dltpool), ERROR_MEDIA_INCOMPATIBLE);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &container), ERROR_INVALID_MEDIA_POOL);
    GUID unknown;
    memset(&unknown, 0x71, sizeof unknown);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &unknown, &freep), ERROR_INVALID_MEDIA);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &unknown), ERROR_INVALID_MEDIA_POOL);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], NULL), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &freep), ERROR_SUCCESS);
    GUID side = fx_side(&f, &f.media[0], 0);
    CU_ASSERT_EQUAL(side_state(&f, &side), NTMS_PARTSTATE_AVAILABLE);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &app), ERROR_SUCCESS);
    GUID p = media_pool(&f, &f.media[0]);
    CU_ASSERT(IsEqualGUID(&p, &app));
    /* A busy medium does not move. */
    CU_ASSERT_EQUAL(
        rsm_dev_media_state(f.e, (struct rsm_guid *)&f.media[0], NTMS_MEDIASTATE_LOADED), RSM_OK);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &freep), ERROR_BUSY);
    CU_ASSERT_EQUAL(rsm_dev_media_state(f.e, (struct rsm_guid *)&f.media[0], NTMS_MEDIASTATE_IDLE),
                    RSM_OK);
    /* Allocated media never enter a free pool. */
    GUID lmid;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, NULL), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &freep), ERROR_INVALID_MEDIA_POOL);
    p = media_pool(&f, &f.media[0]);
    CU_ASSERT(IsEqualGUID(&p, &app));
    fx_check(&f);
    fx_close(&f);
}

static void test_allocate_policies_and_deallocate(void)
{
    struct fx f;
    fx_library(&f, 4, 3);
    GUID app = fx_pool(&f, "App", &f.lto, 0, 0);
    GUID freep = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.lto);
    fx_to_free(&f, 0);
    GUID lmid;
    memset(&lmid, 0, sizeof lmid);
    /* Empty pool, no FROMSCRATCH: unavailable at once. */
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE,
                                      INFINITE, NULL),
                    ERROR_MEDIA_UNAVAILABLE);
    CU_ASSERT(NTMS_IS_NULLGUID(lmid)); /* untouched */
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, NULL), ERROR_MEDIA_UNAVAILABLE);
    /* FROMSCRATCH: drawn from the free pool. */
    app = fx_pool(&f, "App", &f.lto, NTMS_ALLOCATE_FROMSCRATCH, 0);
    NTMS_ALLOCATION_INFORMATION ai = {.dwSize = sizeof ai};
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, &ai), ERROR_SUCCESS);
    CU_ASSERT(IsEqualGUID(&ai.AllocatedFrom, &freep));
    GUID p = media_pool(&f, &f.media[0]);
    CU_ASSERT(IsEqualGUID(&p, &app));
    GUID side = fx_side(&f, &f.media[0], 0);
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &side, NTMS_PARTITION, &w);
    CU_ASSERT_EQUAL(w.Info.Partition.State, NTMS_PARTSTATE_ALLOCATED);
    CU_ASSERT(IsEqualGUID(&w.Info.Partition.LogicalMedia, &lmid));
    CU_ASSERT_EQUAL(w.Info.Partition.dwAllocateCount, 1);
    fx_get(&f, &lmid, NTMS_LOGICAL_MEDIA, &w);
    CU_ASSERT(IsEqualGUID(&w.Info.LogicalMedia.MediaPool, &app));
    CU_ASSERT_EQUAL(w.Info.LogicalMedia.dwNumberOfPartitions, 1);
    CU_ASSERT_EQUAL(fx_count(&f, &app, NTMS_LOGICAL_MEDIA), 1);
    CU_ASSERT_EQUAL(fx_count(&f, &side, NTMS_LOGICAL_MEDIA), 1);
    /* Argument errors. */
    CU_ASSERT_EQUAL(
        AllocateNtmsMedia(f.h, &app, NULL, &lmid, NTMS_ALLOCATE_NEW | NTMS_ALLOCATE_NEXT, 0, NULL),
        ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, NULL, NULL, &lmid, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, NULL, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    ai.dwSize = 3;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, &ai), ERROR_INVALID_PARAMETER);
    GUID other;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &freep, NULL, &other, 0, 0, NULL),
                    ERROR_INVALID_MEDIA_POOL); /* only application pools allocate */
    /* Deallocate: Available again, LMID gone, stays in the application pool. */
    CU_ASSERT_EQUAL(DeallocateNtmsMedia(f.h, &lmid, 1), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(DeallocateNtmsMedia(f.h, &lmid, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(side_state(&f, &side), NTMS_PARTSTATE_AVAILABLE);
    CU_ASSERT_EQUAL(DeallocateNtmsMedia(f.h, &lmid, 0), ERROR_INVALID_MEDIA);
    memset(&w, 0, sizeof w);
    w.dwSize = sizeof w;
    w.dwType = NTMS_LOGICAL_MEDIA;
    CU_ASSERT_EQUAL(GetNtmsObjectInformationW(f.h, &lmid, &w), ERROR_OBJECT_NOT_FOUND);
    p = media_pool(&f, &f.media[0]);
    CU_ASSERT(IsEqualGUID(&p, &app));
    /* TOSCRATCH: back to the free pool on deallocation. */
    app = fx_pool(&f, "App", &f.lto, 0, NTMS_DEALLOCATE_TOSCRATCH);
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, NULL), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DeallocateNtmsMedia(f.h, &lmid, 0), ERROR_SUCCESS);
    p = media_pool(&f, &f.media[0]);
    CU_ASSERT(IsEqualGUID(&p, &freep));
    fx_get(&f, &side, NTMS_PARTITION, &w);
    CU_ASSERT_EQUAL(w.Info.Partition.dwAllocateCount, 2);
    fx_check(&f);
    fx_close(&f);
}

static void test_max_allocates_decommissions(void)
{
    struct fx f;
    fx_library(&f, 2, 1);
    GUID app = fx_pool(&f, "App", &f.lto, NTMS_ALLOCATE_FROMSCRATCH, 0);
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &app, NTMS_MEDIA_POOL, &w);
    w.Info.MediaPool.dwMaxAllocates = 2;
    CU_ASSERT_EQUAL(SetNtmsObjectInformationW(f.h, &app, &w), ERROR_SUCCESS);
    fx_to_free(&f, 0);
    GUID side = fx_side(&f, &f.media[0], 0), lmid;
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, NULL), ERROR_SUCCESS);
        CU_ASSERT_EQUAL(DeallocateNtmsMedia(f.h, &lmid, 0), ERROR_SUCCESS);
    }
    CU_ASSERT_EQUAL(side_state(&f, &side), NTMS_PARTSTATE_DECOMMISSIONED);
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, NULL), ERROR_MEDIA_UNAVAILABLE);
    fx_check(&f);
    fx_close(&f);
}

static void test_complete_decommission_swap(void)
{
    struct fx f;
    fx_library(&f, 4, 3);
    GUID app = fx_pool(&f, "App", &f.lto, NTMS_ALLOCATE_FROMSCRATCH, 0);
    for (int i = 0; i < 3; i++)
        fx_to_free(&f, i);
    GUID l1, l2;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &l1, 0, 0, NULL), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &l2, 0, 0, NULL), ERROR_SUCCESS);
    NTMS_OBJECTINFORMATIONW w;
    GUID list[1];
    DWORD n = 1;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(f.h, &l1, list, &n, NTMS_PARTITION, 0), ERROR_SUCCESS);
    GUID s1 = list[0];
    n = 1;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(f.h, &l2, list, &n, NTMS_PARTITION, 0), ERROR_SUCCESS);
    GUID s2 = list[0];
    /* Swap: the LMIDs trade sides. */
    CU_ASSERT_EQUAL(SwapNtmsMedia(f.h, &l1, &l2), ERROR_SUCCESS);
    fx_get(&f, &s1, NTMS_PARTITION, &w);
    CU_ASSERT(IsEqualGUID(&w.Info.Partition.LogicalMedia, &l2));
    fx_get(&f, &s2, NTMS_PARTITION, &w);
    CU_ASSERT(IsEqualGUID(&w.Info.Partition.LogicalMedia, &l1));
    CU_ASSERT_EQUAL(SwapNtmsMedia(f.h, &l1, &l1), ERROR_INVALID_PARAMETER);
    GUID unknown;
    memset(&unknown, 0x19, sizeof unknown);
    CU_ASSERT_EQUAL(SwapNtmsMedia(f.h, &l1, &unknown), ERROR_INVALID_MEDIA);
    /* Complete: only from Allocated. */
    CU_ASSERT_EQUAL(SetNtmsMediaComplete(f.h, &l1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(side_state(&f, &s2), NTMS_PARTSTATE_COMPLETE);
    CU_ASSERT_EQUAL(SetNtmsMediaComplete(f.h, &l1), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(SwapNtmsMedia(f.h, &l1, &l2), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(SetNtmsMediaComplete(f.h, &unknown), ERROR_INVALID_MEDIA);
    /* Decommission: only from Available. */
    GUID s3 = fx_side(&f, &f.media[2], 0);
    CU_ASSERT_EQUAL(DecommissionNtmsMedia(f.h, &s1), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(DecommissionNtmsMedia(f.h, &s3), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(side_state(&f, &s3), NTMS_PARTSTATE_DECOMMISSIONED);
    CU_ASSERT_EQUAL(DecommissionNtmsMedia(f.h, &s3), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(DecommissionNtmsMedia(f.h, &unknown), ERROR_INVALID_MEDIA);
    /* A Complete side can be deallocated. */
    CU_ASSERT_EQUAL(DeallocateNtmsMedia(f.h, &l1, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(side_state(&f, &s2), NTMS_PARTSTATE_AVAILABLE);
    fx_check(&f);
    fx_close(&f);
}

static void test_import_by_side(void)
{
    struct fx f;
    fx_library(&f, 4, 0);
    struct rsm_dev_label label = {
        .type = "MTF", .info = "Weekly", .id = (const uint8_t *)"ID7", .id_len = 3};
    struct rsm_guid g;
    CU_ASSERT_EQUAL(rsm_dev_media_seen(f.e, (struct rsm_guid *)&f.slots[0], "C00001L8",
                                       (struct rsm_guid *)&f.lto, &label, &g),
                    RSM_OK);
    GUID pm, lmid, unrec_side;
    memcpy(&pm, &g, 16);
    CU_ASSERT_EQUAL(rsm_dev_media_seen(f.e, (struct rsm_guid *)&f.slots[1], "C00002L8",
                                       (struct rsm_guid *)&f.lto, NULL, &g),
                    RSM_OK);
    GUID pm2;
    memcpy(&pm2, &g, 16);
    unrec_side = fx_side(&f, &pm2, 0);
    GUID app = fx_pool(&f, "App", &f.lto, 0, 0);
    GUID imp = fx_system_pool(&f, NTMS_POOLTYPE_IMPORT, &f.lto);
    GUID side = fx_side(&f, &pm, 0);
    NTMS_ALLOCATION_INFORMATION ai = {.dwSize = sizeof ai};
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, &unrec_side, &lmid, 0, 0, NULL),
                    ERROR_INVALID_STATE); /* unrecognized media are not imported */
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, &side, &lmid, 0, 0, &ai), ERROR_SUCCESS);
    CU_ASSERT(IsEqualGUID(&ai.AllocatedFrom, &imp));
    GUID p = media_pool(&f, &pm);
    CU_ASSERT(IsEqualGUID(&p, &app));
    CU_ASSERT_EQUAL(side_state(&f, &side), NTMS_PARTSTATE_ALLOCATED);
    fx_check(&f);
    fx_close(&f);
}

static void test_two_sided_new_and_next(void)
{
    struct fx f;
    fx_library(&f, 4, 0);
    struct rsm_guid g;
    CU_ASSERT_EQUAL(rsm_dev_media_seen(f.e, (struct rsm_guid *)&f.slots[0], "MO0001",
                                       (struct rsm_guid *)&f.mo, NULL, &g),
                    RSM_OK);
    GUID pm;
    memcpy(&pm, &g, 16);
    GUID freep = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.mo);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &pm, &freep), ERROR_SUCCESS);
    GUID app = fx_pool(&f, "MO", &f.mo, NTMS_ALLOCATE_FROMSCRATCH, 0);
    GUID a = fx_side(&f, &pm, 0), b = fx_side(&f, &pm, 1), la, lb;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &la, NTMS_ALLOCATE_NEW, 0, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(side_state(&f, &a), NTMS_PARTSTATE_ALLOCATED);
    CU_ASSERT_EQUAL(side_state(&f, &b), NTMS_PARTSTATE_RESERVED);
    /* Nobody else gets side B. */
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lb, 0, 0, NULL), ERROR_MEDIA_UNAVAILABLE);
    lb = la;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lb, NTMS_ALLOCATE_NEXT, 0, NULL),
                    ERROR_SUCCESS);
    CU_ASSERT(!IsEqualGUID(&la, &lb));
    CU_ASSERT_EQUAL(side_state(&f, &b), NTMS_PARTSTATE_ALLOCATED);
    GUID lc = la;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lc, NTMS_ALLOCATE_NEXT, 0, NULL),
                    ERROR_INVALID_MEDIA); /* no side left */
    CU_ASSERT_EQUAL(DeallocateNtmsMedia(f.h, &la, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DeallocateNtmsMedia(f.h, &lb, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(side_state(&f, &a), NTMS_PARTSTATE_AVAILABLE);
    CU_ASSERT_EQUAL(side_state(&f, &b), NTMS_PARTSTATE_AVAILABLE);
    fx_check(&f);
    fx_close(&f);
}

struct waiter {
    HANDLE h;
    GUID pool, lmid;
    DWORD timeout, result;
};

static void *wait_allocate(void *arg)
{
    struct waiter *w = arg;
    w->result = AllocateNtmsMedia(w->h, &w->pool, NULL, &w->lmid, 0, w->timeout, NULL);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_allocate_waits_for_media(void)
{
    struct fx f;
    fx_library(&f, 2, 1);
    fx_to_free(&f, 0);
    GUID app = fx_pool(&f, "Wait", &f.lto, 0, 0);
    /* Nothing arrives: ERROR_TIMEOUT after the wait, and its operator request is gone. */
    double t0 = now_s();
    GUID lmid;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 150, NULL), ERROR_TIMEOUT);
    CU_ASSERT(now_s() - t0 >= 0.14);
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_OPREQUEST), 0);
    /* A waiting allocation gets the medium moved into the pool meanwhile. */
    struct waiter w = {.h = f.h, .pool = app, .timeout = 10000, .result = 99};
    pthread_t th;
    t0 = now_s();
    CU_ASSERT_FATAL(pthread_create(&th, NULL, wait_allocate, &w) == 0);
    DWORD opreqs = 0;
    for (int i = 0; i < 100 && opreqs == 0; i++) {
        usleep(10000);
        opreqs = fx_count(&f, NULL, NTMS_OPREQUEST);
    }
    CU_ASSERT_EQUAL(opreqs, 1); /* NTMS_OPREQ_NEWMEDIA while it waits */
    GUID req[1];
    DWORD n = 1;
    if (EnumerateNtmsObject(f.h, NULL, req, &n, NTMS_OPREQUEST, 0) == ERROR_SUCCESS) {
        NTMS_OBJECTINFORMATIONW info;
        fx_get(&f, &req[0], NTMS_OPREQUEST, &info);
        CU_ASSERT_EQUAL(info.Info.OpRequest.Request, NTMS_OPREQ_NEWMEDIA);
        CU_ASSERT(IsEqualGUID(&info.Info.OpRequest.Arg1, &app));
    }
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &app), ERROR_SUCCESS);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(w.result, ERROR_SUCCESS);
    CU_ASSERT(now_s() - t0 < 5.0);
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_OPREQUEST), 0);
    fx_check(&f);
    fx_close(&f);
}

static void create_offline(struct fx *f, const GUID *pool, const char *barcode, DWORD options,
                           DWORD expect, GUID *pm_out, GUID *side_out)
{
    NTMS_OBJECTINFORMATIONA pm, side;
    memset(&pm, 0, sizeof pm);
    memset(&side, 0, sizeof side);
    pm.dwSize = sizeof pm;
    pm.dwType = NTMS_PHYSICAL_MEDIA;
    pm.Enabled = TRUE;
    pm.Info.PhysicalMedia.MediaPool = *pool;
    pm.Info.PhysicalMedia.dwNumberOfPartitions = 1;
    strcpy(pm.Info.PhysicalMedia.szBarCode, barcode);
    side.dwSize = sizeof side;
    side.dwType = NTMS_PARTITION;
    side.Info.Partition.State = NTMS_PARTSTATE_AVAILABLE;
    side.Info.Partition.dwOmidLabelIdLength = 4;
    memcpy(side.Info.Partition.OmidLabelId, "OMID", 4);
    strcpy(side.Info.Partition.szOmidLabelType, "MTF");
    CU_ASSERT_EQUAL(CreateNtmsMediaA(f->h, &pm, &side, options), expect);
    if (pm_out)
        *pm_out = pm.ObjectGuid;
    if (side_out)
        *side_out = side.ObjectGuid;
    if (expect == ERROR_SUCCESS) {
        char trimmed[64];
        snprintf(trimmed, sizeof trimmed, "%s", barcode);
        for (size_t k = strlen(trimmed); k && trimmed[k - 1] == ' '; k--)
            trimmed[k - 1] = 0;
        CU_ASSERT_STRING_EQUAL(pm.szName, trimmed); /* named after the trimmed barcode */
        CU_ASSERT(pm.Info.PhysicalMedia.szSequenceNumber[0] != 0);
        CU_ASSERT_EQUAL(pm.Info.PhysicalMedia.LocationType, NTMS_STORAGESLOT);
        CU_ASSERT_EQUAL(pm.Info.PhysicalMedia.BarCodeState, NTMS_BARCODESTATE_OK);
        CU_ASSERT(IsEqualGUID(&side.Info.Partition.PhysicalMedia, &pm.ObjectGuid));
    }
}

static void test_create_offline_media_and_delete(void)
{
    struct fx f;
    fx_library(&f, 2, 1);
    GUID app = fx_pool(&f, "Vault", &f.lto, 0, 0);
    GUID freep = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.lto);
    GUID pm, side;
    create_offline(&f, &app, "V00001L8   ", 0, ERROR_SUCCESS, &pm, &side);
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &pm, NTMS_PHYSICAL_MEDIA, &w);
    CU_ASSERT(wcscmp(w.Info.PhysicalMedia.szBarCode, L"V00001L8") == 0); /* blanks trimmed */
    CU_ASSERT(IsEqualGUID(&w.Info.PhysicalMedia.MediaType, &f.lto));
    GUID libs[2];
    DWORD n = 2;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(f.h, NULL, libs, &n, NTMS_LIBRARY, 0), ERROR_SUCCESS);
    GUID offline = IsEqualGUID(&libs[0], &f.lib) ? libs[1] : libs[0];
    CU_ASSERT(IsEqualGUID(&w.Info.PhysicalMedia.CurrentLibrary, &offline));
    /* Errors: duplicate barcode, duplicate OMID with ERROR_ON_DUPLICATE, wrong pool kind,
     * side count. Nothing is created by them. */
    create_offline(&f, &app, "V00001L8", 0, ERROR_INVALID_MEDIA, NULL, NULL);
    create_offline(&f, &app, "V00002L8", NTMS_ERROR_ON_DUPLICATE, ERROR_INVALID_MEDIA, NULL, NULL);
    create_offline(&f, &freep, "V00003L8", 0, ERROR_INVALID_MEDIA_POOL, NULL, NULL);
    CU_ASSERT_EQUAL(fx_count(&f, &app, NTMS_PHYSICAL_MEDIA), 1);
    create_offline(&f, &app, "V00002L8", 0, ERROR_SUCCESS, NULL, NULL); /* duplicate OMID allowed */
    NTMS_OBJECTINFORMATIONW pmw;
    memset(&pmw, 0, sizeof pmw);
    pmw.dwSize = sizeof pmw;
    pmw.dwType = NTMS_PHYSICAL_MEDIA;
    pmw.Info.PhysicalMedia.MediaPool = app;
    pmw.Info.PhysicalMedia.dwNumberOfPartitions = 0;
    CU_ASSERT_EQUAL(CreateNtmsMediaW(f.h, &pmw, NULL, 0), ERROR_MEDIA_INCOMPATIBLE);
    pmw.dwSize = 5;
    CU_ASSERT_EQUAL(CreateNtmsMediaW(f.h, &pmw, NULL, 0), ERROR_INVALID_PARAMETER);
    /* Offline media are never picked, and asking for the side says why. */
    GUID lmid;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, NULL), ERROR_MEDIA_UNAVAILABLE);
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, &side, &lmid, 0, 0, NULL), ERROR_MEDIA_OFFLINE);
    /* Delete: offline and unallocated only. */
    CU_ASSERT_EQUAL(DeleteNtmsMedia(f.h, &f.media[0]), ERROR_INVALID_STATE); /* in a library */
    CU_ASSERT_EQUAL(DeleteNtmsMedia(f.h, &pm), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fx_count(&f, &app, NTMS_PHYSICAL_MEDIA), 1);
    memset(&w, 0, sizeof w);
    w.dwSize = sizeof w;
    w.dwType = NTMS_PARTITION;
    CU_ASSERT_EQUAL(GetNtmsObjectInformationW(f.h, &side, &w), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(DeleteNtmsMedia(f.h, &pm), ERROR_INVALID_MEDIA);
    /* A library medium that leaves goes offline, then can be deleted. */
    CU_ASSERT_EQUAL(rsm_dev_media_gone(f.e, (struct rsm_guid *)&f.media[0]), RSM_OK);
    fx_get(&f, &f.slots[0], NTMS_STORAGESLOT, &w);
    CU_ASSERT_EQUAL(w.Info.StorageSlot.State, NTMS_SLOTSTATE_EMPTY);
    CU_ASSERT_EQUAL(DeleteNtmsMedia(f.h, &f.media[0]), ERROR_SUCCESS);
    fx_check(&f);
    fx_close(&f);
}

static void test_media_types_per_library(void)
{
    struct fx f;
    fx_library(&f, 2, 1);
    CU_ASSERT_EQUAL(AddNtmsMediaType(f.h, &f.dlt, &f.lib), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(AddNtmsMediaType(f.h, &f.dlt, &f.lib), ERROR_SUCCESS); /* exists: fine */
    CU_ASSERT_EQUAL(fx_count(&f, &f.lib, NTMS_MEDIA_TYPE), 2);
    GUID dfree = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.dlt);
    char name[64];
    DWORD n = sizeof name;
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameA(f.h, &dfree, name, &n), ERROR_SUCCESS);
    CU_ASSERT_STRING_EQUAL(name, "Free\\DLT");
    GUID unknown;
    memset(&unknown, 0x29, sizeof unknown);
    CU_ASSERT_EQUAL(AddNtmsMediaType(f.h, &unknown, &f.lib), ERROR_INVALID_MEDIA);
    CU_ASSERT_EQUAL(AddNtmsMediaType(f.h, &f.dlt, &unknown), ERROR_INVALID_LIBRARY);
    CU_ASSERT_EQUAL(AddNtmsMediaType(f.h, &f.lib, &f.lib), ERROR_INVALID_MEDIA);
    GUID libs[2];
    DWORD k = 2;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(f.h, NULL, libs, &k, NTMS_LIBRARY, 0), ERROR_SUCCESS);
    GUID offline = IsEqualGUID(&libs[0], &f.lib) ? libs[1] : libs[0];
    CU_ASSERT_EQUAL(AddNtmsMediaType(f.h, &f.dlt, &offline), ERROR_LIBRARY_OFFLINE);
    CU_ASSERT_EQUAL(DeleteNtmsMediaType(f.h, &f.lto, &f.lib), ERROR_NOT_EMPTY);
    CU_ASSERT_EQUAL(DeleteNtmsMediaType(f.h, &f.dlt, &f.lib), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fx_count(&f, &f.lib, NTMS_MEDIA_TYPE), 1);
    NTMS_OBJECTINFORMATIONW w;
    memset(&w, 0, sizeof w);
    w.dwSize = sizeof w;
    w.dwType = NTMS_MEDIA_POOL;
    CU_ASSERT_EQUAL(GetNtmsObjectInformationW(f.h, &dfree, &w), ERROR_OBJECT_NOT_FOUND);
    fx_check(&f);
    fx_close(&f);
}

static void test_change_media_type(void)
{
    struct fx f;
    fx_library(&f, 2, 1);
    GUID dltapp = fx_pool(&f, "DLTApp", &f.dlt, 0, 0);
    GUID unknown;
    memset(&unknown, 0x31, sizeof unknown);
    CU_ASSERT_EQUAL(ChangeNtmsMediaType(f.h, &f.media[0], &dltapp), ERROR_INVALID_MEDIA_POOL);
    CU_ASSERT_EQUAL(ChangeNtmsMediaType(f.h, &unknown, &dltapp), ERROR_INVALID_MEDIA);
    GUID dfree = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.dlt);
    CU_ASSERT_EQUAL(ChangeNtmsMediaType(f.h, &f.media[0], &dfree), ERROR_SUCCESS);
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &f.media[0], NTMS_PHYSICAL_MEDIA, &w);
    CU_ASSERT(IsEqualGUID(&w.Info.PhysicalMedia.MediaType, &f.dlt));
    CU_ASSERT(IsEqualGUID(&w.Info.PhysicalMedia.MediaPool, &dfree));
    GUID mofree = fx_pool(&f, "MOApp", &f.mo, 0, 0);
    CU_ASSERT_EQUAL(ChangeNtmsMediaType(f.h, &f.media[0], &mofree), ERROR_MEDIA_INCOMPATIBLE);
    fx_check(&f);
    fx_close(&f);
}

static void test_update_omid(void)
{
    struct fx f;
    fx_library(&f, 2, 1);
    GUID app = fx_pool(&f, "App", &f.lto, NTMS_ALLOCATE_FROMSCRATCH, 0);
    fx_to_free(&f, 0);
    GUID lmid;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, NULL), ERROR_SUCCESS);
    NTMS_FILESYSTEM_INFO fs;
    memset(&fs, 0, sizeof fs);
    wcscpy(fs.FileSystemType, L"ext4");
    wcscpy(fs.VolumeName, L"backup-2026");
    fs.SerialNumber = 0x01020304;
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(f.h, &lmid, NTMS_OMID_TYPE_FILESYSTEM_INFO, sizeof fs, &fs),
                    ERROR_SUCCESS);
    GUID side = fx_side(&f, &f.media[0], 0);
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &side, NTMS_PARTITION, &w);
    CU_ASSERT(wcscmp(w.Info.Partition.szOmidLabelType, L"ext4") == 0);
    CU_ASSERT(wcscmp(w.Info.Partition.szOmidLabelInfo, L"backup-2026") == 0);
    CU_ASSERT_EQUAL(w.Info.Partition.dwOmidLabelIdLength, 4);
    /* A raw label is claimed by the media label libraries (rsm/mli): an ANSI VOL1 label
     * becomes type "ANSI" with the volser as its ID; bytes nothing claims are refused
     * and change nothing. */
    BYTE raw[80];
    memset(raw, ' ', sizeof raw);
    memcpy(raw, "VOL1BK0042", 10);
    raw[79] = '4';
    BYTE junk[80] = "VOL1";
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(f.h, &lmid, NTMS_OMID_TYPE_RAW_LABEL, sizeof junk, junk),
                    ERROR_BAD_FORMAT);
    fx_get(&f, &side, NTMS_PARTITION, &w);
    CU_ASSERT(wcscmp(w.Info.Partition.szOmidLabelType, L"ext4") == 0);
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(f.h, &lmid, NTMS_OMID_TYPE_RAW_LABEL, sizeof raw, raw),
                    ERROR_SUCCESS);
    fx_get(&f, &side, NTMS_PARTITION, &w);
    CU_ASSERT(wcscmp(w.Info.Partition.szOmidLabelType, L"ANSI") == 0);
    CU_ASSERT_EQUAL(w.Info.Partition.dwOmidLabelIdLength, 6);
    CU_ASSERT(memcmp(w.Info.Partition.OmidLabelId, "BK0042", 6) == 0);
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(f.h, &lmid, 7, sizeof raw, raw), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(f.h, &lmid, NTMS_OMID_TYPE_FILESYSTEM_INFO, 10, &fs),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(f.h, NULL, NTMS_OMID_TYPE_RAW_LABEL, 4, raw),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(f.h, &side, NTMS_OMID_TYPE_RAW_LABEL, sizeof raw, raw),
                    ERROR_INVALID_MEDIA); /* an LMID is required */
    fx_close(&f);
}

static void test_close_cancels_waiting_allocation(void)
{
    struct fx f;
    fx_library(&f, 2, 0);
    GUID app = fx_pool(&f, "Wait", &f.lto, 0, 0);
    HANDLE h2 = OpenNtmsSessionA(f.server, "waiter", 0);
    CU_ASSERT_FATAL(h2 != INVALID_HANDLE_VALUE);
    struct waiter w = {.h = h2, .pool = app, .timeout = INFINITE, .result = 99};
    pthread_t th;
    CU_ASSERT_FATAL(pthread_create(&th, NULL, wait_allocate, &w) == 0);
    for (int i = 0; i < 100 && fx_count(&f, NULL, NTMS_OPREQUEST) == 0; i++)
        usleep(10000);
    double t0 = now_s();
    CU_ASSERT_EQUAL(CloseNtmsSession(h2), ERROR_SUCCESS);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(w.result, ERROR_CANCELLED);
    CU_ASSERT(now_s() - t0 < 2.0);
    /* The operator request goes with the wait. Through rsmd the server withdraws it when
     * it sees the client's connection close, a moment after the client returns. */
    unsigned left = 1;
    for (int i = 0; i < 200 && (left = fx_count(&f, NULL, NTMS_OPREQUEST)) != 0; i++)
        usleep(5000);
    CU_ASSERT_EQUAL(left, 0);
    fx_close(&f);
}

static void bulk_barcode(size_t i, char *buf, size_t cap, void *arg)
{
    snprintf(buf, cap, "%s%04zu", (const char *)arg, i);
}

static void test_bulk_catalog_load(void)
{
    struct fx f;
    fx_open(&f);
    GUID vault = fx_pool(&f, "Vault", &f.lto, 0, 0);
    struct rsm_guid first;
    CU_ASSERT_EQUAL(rsm_dev_media_bulk(f.e, NULL, (struct rsm_guid *)&vault,
                                       (struct rsm_guid *)&f.lto, NTMS_PARTSTATE_AVAILABLE, 50,
                                       bulk_barcode, "BK", &first),
                    RSM_OK);
    CU_ASSERT_EQUAL(fx_count(&f, &vault, NTMS_PHYSICAL_MEDIA), 50);
    CU_ASSERT_EQUAL(fx_count(&f, &vault, NTMS_PARTITION), 50);
    NTMS_OBJECTINFORMATIONW w;
    GUID g;
    memcpy(&g, &first, 16);
    fx_get(&f, &g, NTMS_PHYSICAL_MEDIA, &w);
    CU_ASSERT(wcscmp(w.Info.PhysicalMedia.szBarCode, L"BK0000") == 0);
    /* Refused as a whole: allocated states, a pool of another type. */
    CU_ASSERT_EQUAL(rsm_dev_media_bulk(f.e, NULL, (struct rsm_guid *)&vault,
                                       (struct rsm_guid *)&f.lto, NTMS_PARTSTATE_ALLOCATED, 5,
                                       bulk_barcode, "X", NULL),
                    RSM_E_INVALID_STATE);
    CU_ASSERT_EQUAL(rsm_dev_media_bulk(f.e, NULL, (struct rsm_guid *)&vault,
                                       (struct rsm_guid *)&f.dlt, NTMS_PARTSTATE_AVAILABLE, 5,
                                       bulk_barcode, "X", NULL),
                    RSM_E_INVALID_MEDIA_POOL);
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_PHYSICAL_MEDIA), 50);
    fx_check(&f);
    fx_close(&f);
}

static void test_device_registration_is_idempotent(void)
{
    struct fx f;
    fx_library(&f, 3, 0);
    struct rsm_dev_library lib = {.name = "LIB1", .library_type = RSM_LIB_ONLINE};
    struct rsm_guid g;
    CU_ASSERT_EQUAL(rsm_engine_register_library(f.e, &lib, &g), RSM_OK);
    CU_ASSERT(memcmp(&g, &f.lib, 16) == 0);
    CU_ASSERT_EQUAL(rsm_engine_register_slot(f.e, (struct rsm_guid *)&f.lib, 2, &g), RSM_OK);
    CU_ASSERT(memcmp(&g, &f.slots[1], 16) == 0);
    struct rsm_dev_unit dr = {
        .number = 0, .vendor = "IBM", .product = "ULT3580-TD8", .serial = "NEWSERIAL"};
    CU_ASSERT_EQUAL(rsm_engine_register_drive(f.e, (struct rsm_guid *)&f.lib, &dr, &g), RSM_OK);
    GUID d;
    memcpy(&d, &g, 16);
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &d, NTMS_DRIVE, &w);
    CU_ASSERT(wcscmp(w.Info.Drive.szSerialNumber, L"NEWSERIAL") == 0);
    CU_ASSERT_EQUAL(fx_count(&f, &f.lib, NTMS_DRIVE), 2);
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_DRIVE_TYPE), 1);
    GUID unknown;
    memset(&unknown, 0x17, sizeof unknown);
    CU_ASSERT_EQUAL(rsm_engine_register_slot(f.e, (struct rsm_guid *)&unknown, 9, &g),
                    RSM_E_INVALID_LIBRARY);
    lib.name = "";
    CU_ASSERT_EQUAL(rsm_engine_register_library(f.e, &lib, &g), RSM_E_INVALID_PARAMETER);
    fx_close(&f);
}

static void *churn(void *arg)
{
    struct waiter *w = arg;
    w->result = ERROR_SUCCESS;
    for (int i = 0; i < 200 && w->result == ERROR_SUCCESS; i++) {
        GUID l;
        DWORD err = AllocateNtmsMedia(w->h, &w->pool, NULL, &l, NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE,
                                      0, NULL);
        if (err == ERROR_MEDIA_UNAVAILABLE)
            continue;
        if (err == ERROR_SUCCESS)
            err = DeallocateNtmsMedia(w->h, &l, 0);
        w->result = err;
    }
    return NULL;
}

static void test_threads_share_sessions_safely(void)
{
    struct fx f;
    fx_library(&f, 6, 6);
    GUID app = fx_pool(&f, "Threads", &f.lto, NTMS_ALLOCATE_FROMSCRATCH, 0);
    for (int i = 0; i < 6; i++)
        fx_to_free(&f, i);
    struct waiter w[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct waiter){.h = f.h, .pool = app};
        CU_ASSERT_FATAL(pthread_create(&th[i], NULL, churn, &w[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CU_ASSERT_EQUAL(w[i].result, ERROR_SUCCESS);
    }
    CU_ASSERT_EQUAL(fx_count(&f, &app, NTMS_LOGICAL_MEDIA), 0);
    fx_check(&f);
    fx_close(&f);
}

static void test_processes_allocate_without_conflict(void)
{
    struct fx f;
    fx_library(&f, 6, 6);
    GUID app = fx_pool(&f, "Procs", &f.lto, NTMS_ALLOCATE_FROMSCRATCH, NTMS_DEALLOCATE_TOSCRATCH);
    for (int i = 0; i < 6; i++)
        fx_to_free(&f, i);
    /* Two processes hold allocations at the same time: never the same side twice. Like
     * SQLite, no connection is carried across fork(): each process opens its own. */
    CU_ASSERT_EQUAL(CloseNtmsSession(f.h), ERROR_SUCCESS);
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    int held_ok = 1;
    HANDLE h = OpenNtmsSessionA(f.server, pid == 0 ? "child" : "parent", 0);
    if (h == INVALID_HANDLE_VALUE && pid == 0)
        _exit(2);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    f.h = h;
    f.e = rsm_session_engine(h);
    for (int round = 0; round < 100 && held_ok; round++) {
        GUID l[3];
        int n = 0;
        for (; n < 3; n++) {
            DWORD err = AllocateNtmsMedia(h, &app, NULL, &l[n], NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE,
                                          0, NULL);
            if (err == ERROR_MEDIA_UNAVAILABLE)
                break;
            if (err != ERROR_SUCCESS)
                held_ok = 0;
        }
        for (int k = 0; k < n; k++)
            if (DeallocateNtmsMedia(h, &l[k], 0) != ERROR_SUCCESS)
                held_ok = 0;
    }
    if (pid == 0)
        _exit(held_ok ? 0 : 1);
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT(held_ok);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_LOGICAL_MEDIA), 0);
    GUID freep = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.lto);
    CU_ASSERT_EQUAL(fx_count(&f, &freep, NTMS_PHYSICAL_MEDIA), 6);
    fx_check(&f);
    fx_close(&f);
}

static CU_TestInfo media_tests[] = {
    {"new_cartridges_land_in_system_pools", test_new_cartridges_land_in_system_pools},
    {"move_rules", test_move_rules},
    {"allocate_policies_and_deallocate", test_allocate_policies_and_deallocate},
    {"max_allocates_decommissions", test_max_allocates_decommissions},
    {"complete_decommission_swap", test_complete_decommission_swap},
    {"import_by_side", test_import_by_side},
    {"two_sided_new_and_next", test_two_sided_new_and_next},
    {"allocate_waits_for_media", test_allocate_waits_for_media},
    {"create_offline_media_and_delete", test_create_offline_media_and_delete},
    {"media_types_per_library", test_media_types_per_library},
    {"change_media_type", test_change_media_type},
    {"update_omid", test_update_omid},
    {"close_cancels_waiting_allocation", test_close_cancels_waiting_allocation},
    {"bulk_catalog_load", test_bulk_catalog_load},
    {"device_registration_is_idempotent", test_device_registration_is_idempotent},
    {"threads_share_sessions_safely", test_threads_share_sessions_safely},
    {"processes_allocate_without_conflict", test_processes_allocate_without_conflict},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_media_suites[] = {
    {"rsm_media", NULL, NULL, NULL, NULL, media_tests},
    CU_SUITE_INFO_NULL,
};
