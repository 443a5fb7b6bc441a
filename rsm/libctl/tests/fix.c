/* SPDX-License-Identifier: MIT
 * Helpers of test_rsm_libctl (contract in fix.h).
 */
#include <stdio.h>
#include <string.h>

#include "rsm/libctl/tests/fix.h"
#include "tests/lib/cutest.h"

int fix_reopen(struct fix *f)
{
    char server[300];
    snprintf(server, sizeof server, "embedded:%s", f->dir);
    f->h = OpenNtmsSessionA(server, "LibctlTest", 0);
    if (f->h == INVALID_HANDLE_VALUE || !f->h)
        return -1;
    f->e = rsm_session_engine(f->h);
    rsm_caller_self(&f->c);
    snprintf(f->c.app, sizeof f->c.app, "LibctlTest");
    return f->e ? 0 : -1;
}

int fix_open(struct fix *f)
{
    memset(f, 0, sizeof *f);
    test_mkdtemp(f->dir, sizeof f->dir);
    return fix_reopen(f);
}

void fix_close_session(struct fix *f)
{
    if (f->h && f->h != INVALID_HANDLE_VALUE)
        CloseNtmsSession(f->h);
    f->h = NULL;
    f->e = NULL;
}

void fix_close(struct fix *f)
{
    fix_close_session(f);
    test_rmtree(f->dir);
}

unsigned fix_count(struct fix *f, const NTMS_GUID *container, uint32_t type)
{
    struct rsm_guid list[256], cg;
    uint32_t n = 0;
    if (container)
        rsm_guid_from_api(&cg, container);
    if (rsm_enumerate(f->e, &f->c, container ? &cg : NULL, type, 0, list, 256, &n) != RSM_OK)
        return 0;
    return n;
}

struct rsm_objinfo fix_get(struct fix *f, const struct rsm_guid *g, uint32_t type)
{
    struct rsm_objinfo o;
    memset(&o, 0, sizeof o);
    CU_ASSERT_EQUAL(rsm_object_get(f->e, &f->c, g, type, &o), RSM_OK);
    return o;
}

int fix_pmedia(struct fix *f, const char *barcode, struct rsm_guid *out)
{
    static struct rsm_guid list[1024];
    uint32_t n = 0;
    if (rsm_enumerate(f->e, &f->c, NULL, RSM_OT_PHYSICAL_MEDIA, 0, list, 1024, &n) != RSM_OK)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o;
        if (rsm_object_get(f->e, &f->c, &list[i], RSM_OT_PHYSICAL_MEDIA, &o) == RSM_OK &&
            strcmp(o.u.pmedia.barcode, barcode) == 0) {
            *out = list[i];
            return 0;
        }
    }
    return -1;
}

int fix_element(struct fix *f, uint32_t type, uint32_t n, struct rsm_guid *out)
{
    struct rsm_guid list[256], lib;
    uint32_t cnt = 0;
    rsm_guid_from_api(&lib, &f->lib);
    if (rsm_enumerate(f->e, &f->c, &lib, type, 0, list, 256, &cnt) != RSM_OK)
        return -1;
    for (uint32_t i = 0; i < cnt; i++) {
        struct rsm_objinfo o;
        if (rsm_object_get(f->e, &f->c, &list[i], type, &o) != RSM_OK)
            continue;
        uint32_t num = type == RSM_OT_DRIVE ? o.u.drive.number : o.u.slot.number;
        if (num == n) {
            *out = list[i];
            return 0;
        }
    }
    return -1;
}

uint32_t fix_pool_type(struct fix *f, const struct rsm_guid *pm)
{
    struct rsm_objinfo o = fix_get(f, pm, RSM_OT_PHYSICAL_MEDIA);
    struct rsm_objinfo p = fix_get(f, &o.u.pmedia.pool, RSM_OT_MEDIA_POOL);
    return p.u.pool.pool_type;
}

unsigned fix_media_in_library(struct fix *f)
{
    return fix_count(f, &f->lib, RSM_OT_PHYSICAL_MEDIA);
}

/* The free pool of media type @mt. */
static int free_pool(struct fix *f, const struct rsm_guid *mt, struct rsm_guid *out)
{
    struct rsm_guid top[64], sub[64];
    uint32_t n = 0, m = 0;
    if (rsm_enumerate(f->e, &f->c, NULL, RSM_OT_MEDIA_POOL, 0, top, 64, &n) != RSM_OK)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(f, &top[i], RSM_OT_MEDIA_POOL);
        if (o.u.pool.pool_type != RSM_POOL_SCRATCH)
            continue;
        if (rsm_enumerate(f->e, &f->c, &top[i], RSM_OT_MEDIA_POOL, 0, sub, 64, &m) != RSM_OK)
            return -1;
        for (uint32_t k = 0; k < m; k++) {
            struct rsm_objinfo p = fix_get(f, &sub[k], RSM_OT_MEDIA_POOL);
            if (rsm_guid_eq(&p.u.pool.media_type, mt)) {
                *out = sub[k];
                return 0;
            }
        }
    }
    return -1;
}

int fix_allocate(struct fix *f, const char *barcode, NTMS_GUID *lmid)
{
    struct rsm_guid pm, freep, app, side, lm;
    if (fix_pmedia(f, barcode, &pm) != 0)
        return -1;
    struct rsm_objinfo o = fix_get(f, &pm, RSM_OT_PHYSICAL_MEDIA);
    if (free_pool(f, &o.u.pmedia.media_type, &freep) != 0)
        return -2;
    if (rsm_media_move(f->e, &f->c, &pm, &freep) != RSM_OK)
        return -3;
    if (rsm_pool_create(f->e, &f->c, "Backup", &o.u.pmedia.media_type, RSM_OPEN_ALWAYS, NULL,
                        &app) != RSM_OK)
        return -4;
    if (rsm_media_move(f->e, &f->c, &pm, &app) != RSM_OK)
        return -5;
    uint32_t n = 0;
    if (rsm_enumerate(f->e, &f->c, &pm, RSM_OT_PARTITION, 0, &side, 1, &n) != RSM_OK || n != 1)
        return -6;
    if (rsm_media_allocate(f->e, &f->c, &app, &side, &lm, 0, 0, NULL) != RSM_OK)
        return -7;
    rsm_guid_to_api(lmid, &lm);
    return 0;
}

bool fix_location_is(struct fix *f, const struct rsm_guid *pm, const struct rsm_guid *loc)
{
    struct rsm_objinfo o = fix_get(f, pm, RSM_OT_PHYSICAL_MEDIA);
    return rsm_guid_eq(&o.u.pmedia.location, loc);
}

bool fix_library_is(struct fix *f, const struct rsm_guid *pm, const struct rsm_guid *lib)
{
    struct rsm_objinfo o = fix_get(f, pm, RSM_OT_PHYSICAL_MEDIA);
    return rsm_guid_eq(&o.u.pmedia.library, lib);
}
