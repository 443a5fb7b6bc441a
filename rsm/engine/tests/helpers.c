/* SPDX-License-Identifier: MIT
 * Fixtures for the engine suites (see helpers.h).
 */
#include "rsm/engine/tests/helpers.h"
#include "rsm/engine/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void tg(GUID *out, const struct rsm_guid *g)
{
    memcpy(out, g->b, 16);
}

static const struct rsm_guid *eg(const GUID *g)
{
    return (const struct rsm_guid *)(const void *)g;
}

void fx_open(struct fx *f)
{
    memset(f, 0, sizeof *f);
    test_mkdtemp(f->dir, sizeof f->dir);
    snprintf(f->server, sizeof f->server, "embedded:%s/db", f->dir);
    f->h = OpenNtmsSessionA(f->server, "engine-test", 0);
    CU_ASSERT_FATAL(f->h != INVALID_HANDLE_VALUE);
    f->e = rsm_session_engine(f->h);
    CU_ASSERT_FATAL(f->e != NULL);
    struct rsm_guid g;
    CU_ASSERT_FATAL(rsm_engine_register_media_type(f->e, 0x56, "LTO Ultrium", 1, 1, 0x1F, &g) ==
                    RSM_OK);
    tg(&f->lto, &g);
    CU_ASSERT_FATAL(rsm_engine_register_media_type(f->e, 0x27, "DLT", 1, 1, 0x1F, &g) == RSM_OK);
    tg(&f->dlt, &g);
    CU_ASSERT_FATAL(rsm_engine_register_media_type(f->e, 0x3B, "MO 5.25\" RW", 2, 1, 7, &g) ==
                    RSM_OK);
    tg(&f->mo, &g);
}

void fx_library(struct fx *f, int n_slots, int n_media)
{
    fx_open(f);
    struct rsm_dev_library lib = {
        .name = "LIB1", .library_type = RSM_LIB_ONLINE, .barcode_reader = 1};
    struct rsm_guid g, x;
    CU_ASSERT_FATAL(rsm_engine_register_library(f->e, &lib, &g) == RSM_OK);
    tg(&f->lib, &g);
    struct rsm_dev_unit ch = {.number = 0,
                              .vendor = "IBM",
                              .product = "3573-TL",
                              .serial = "CH0001",
                              .revision = "B.50",
                              .devname = "/dev/sch0"};
    CU_ASSERT_FATAL(rsm_engine_register_changer(f->e, &g, &ch, &x) == RSM_OK);
    for (uint32_t d = 0; d < 2; d++) {
        struct rsm_dev_unit dr = {.number = d,
                                  .vendor = "IBM",
                                  .product = "ULT3580-TD8",
                                  .serial = d ? "DR0002" : "DR0001",
                                  .devname = "/dev/nst0"};
        CU_ASSERT_FATAL(rsm_engine_register_drive(f->e, &g, &dr, &x) == RSM_OK);
    }
    CU_ASSERT_FATAL(rsm_engine_register_ieport(f->e, &g, 0, &x) == RSM_OK);
    CU_ASSERT_FATAL(rsm_engine_register_iedoor(f->e, &g, 0, &x) == RSM_OK);
    for (int i = 0; i < n_slots && i < 32; i++) {
        CU_ASSERT_FATAL(rsm_engine_register_slot(f->e, &g, (uint32_t)i + 1, &x) == RSM_OK);
        tg(&f->slots[i], &x);
    }
    for (int i = 0; i < n_media && i < n_slots; i++) {
        char bc[16];
        snprintf(bc, sizeof bc, "A%05dL8", i);
        CU_ASSERT_FATAL(rsm_dev_media_seen(f->e, eg(&f->slots[i]), bc, eg(&f->lto), NULL, &x) ==
                        RSM_OK);
        tg(&f->media[i], &x);
        f->n_media++;
    }
}

void fx_close(struct fx *f)
{
    if (f->h && f->h != INVALID_HANDLE_VALUE)
        CU_ASSERT_EQUAL(CloseNtmsSession(f->h), ERROR_SUCCESS);
    f->h = NULL;
    test_rmtree(f->dir);
}

void fx_check(struct fx *f)
{
    char why[256];
    rsm_rc rc = rsm_engine_check(f->e, why, sizeof why);
    if (rc != RSM_OK)
        fprintf(stderr, "invariant broken: %s\n", why);
    CU_ASSERT_EQUAL(rc, RSM_OK);
}

GUID fx_pool(struct fx *f, const char *path, const GUID *mt, DWORD alloc_policy,
             DWORD dealloc_policy)
{
    GUID id;
    memset(&id, 0, sizeof id);
    CU_ASSERT_EQUAL_FATAL(
        CreateNtmsMediaPoolA(f->h, path, (LPNTMS_GUID)mt, NTMS_OPEN_ALWAYS, NULL, &id),
        ERROR_SUCCESS);
    NTMS_OBJECTINFORMATIONW info;
    fx_get(f, &id, NTMS_MEDIA_POOL, &info);
    info.Info.MediaPool.AllocationPolicy = alloc_policy;
    info.Info.MediaPool.DeallocationPolicy = dealloc_policy;
    CU_ASSERT_EQUAL(SetNtmsObjectInformationW(f->h, &id, &info), ERROR_SUCCESS);
    return id;
}

GUID fx_system_pool(struct fx *f, DWORD pool_type, const GUID *mt)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    rsm_engine_lock(f->e);
    rsm_rc rc = rsm_pool_system(f->e, pool_type, eg(mt), false, &g);
    rsm_engine_unlock(f->e);
    CU_ASSERT_EQUAL(rc, RSM_OK);
    GUID out;
    tg(&out, &g);
    return out;
}

void fx_to_free(struct fx *f, int i)
{
    GUID freep = fx_system_pool(f, NTMS_POOLTYPE_SCRATCH, &f->lto);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f->h, &f->media[i], &freep), ERROR_SUCCESS);
}

void fx_get(struct fx *f, const GUID *id, DWORD type, NTMS_OBJECTINFORMATIONW *out)
{
    memset(out, 0, sizeof *out);
    out->dwSize = sizeof *out;
    out->dwType = type;
    CU_ASSERT_EQUAL(GetNtmsObjectInformationW(f->h, (LPNTMS_GUID)id, out), ERROR_SUCCESS);
}

GUID fx_side(struct fx *f, const GUID *pm, int side_no)
{
    GUID list[8];
    DWORD n = 8;
    memset(list, 0, sizeof list);
    CU_ASSERT_EQUAL(EnumerateNtmsObject(f->h, (LPNTMS_GUID)pm, list, &n, NTMS_PARTITION, 0),
                    ERROR_SUCCESS);
    CU_ASSERT(n > (DWORD)side_no);
    return list[side_no];
}

DWORD fx_count(struct fx *f, const GUID *container, DWORD type)
{
    DWORD n = 0;
    DWORD err = EnumerateNtmsObject(f->h, (LPNTMS_GUID)container, NULL, &n, type, 0);
    CU_ASSERT(err == ERROR_SUCCESS || err == ERROR_INSUFFICIENT_BUFFER);
    return n;
}
