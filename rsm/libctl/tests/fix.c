/* SPDX-License-Identifier: MIT
 * Helpers of test_rsm_libctl (contract in fix.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rsm/engine/libctl.h"
#include "rsm/engine/omid.h"
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

/* Deletes the finished NTMS_LM_WRITESCRATCH requests of medium @pm: 0 when each ended in
 * @state (or there was none: a library not driven by URI writes no label). */
static int drop_label_request(struct fix *f, const struct rsm_guid *pm, uint32_t state)
{
    struct rsm_guid lib, list[256], mine[8];
    uint32_t n = 0, k = 0;
    int bad = 0;
    rsm_guid_from_api(&lib, &f->lib);
    if (rsm_enumerate(f->e, &f->c, &lib, RSM_OT_LIBREQUEST, 0, list, 256, &n) != RSM_OK)
        return -1;
    for (uint32_t i = 0; i < n && k < 8; i++) {
        struct rsm_objinfo o = fix_get(f, &list[i], RSM_OT_LIBREQUEST);
        if (o.u.libreq.op != NTMS_LM_WRITESCRATCH ||
            !(rsm_guid_eq(&o.u.libreq.pmedia, pm) || rsm_guid_eq(&o.u.libreq.side, pm)))
            continue;
        bad |= o.u.libreq.state != state;
        mine[k++] = list[i];
    }
    if (k && rsm_lc_request_delete(f->e, &f->c, mine, k, RSM_OT_LIBREQUEST) != RSM_OK)
        return -1;
    return bad ? -1 : 0;
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
    /* Entering Free queues the robot's free-label write (omid.h). The tests that follow
     * use the drives and slots themselves, so they start once it is over, and count
     * library requests, so this setup step's request goes. It must have passed, unless
     * it could not start (the test has filled every drive): leaving Free then fails it. */
    rsm_rc wrc = rsm_omid_free_label_wait(f->e, &pm, UINT32_MAX);
    if (wrc != RSM_OK && wrc != RSM_E_BUSY)
        return -3;
    if (wrc == RSM_OK && drop_label_request(f, &pm, NTMS_LM_PASSED) != 0)
        return -3;
    if (rsm_pool_create(f->e, &f->c, "Backup", &o.u.pmedia.media_type, RSM_OPEN_ALWAYS, NULL,
                        &app) != RSM_OK)
        return -4;
    if (rsm_media_move(f->e, &f->c, &pm, &app) != RSM_OK)
        return -5;
    if (wrc == RSM_E_BUSY && (rsm_omid_free_label_wait(f->e, &pm, UINT32_MAX) != RSM_OK ||
                              drop_label_request(f, &pm, NTMS_LM_FAILED) != 0))
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

/* The database's type for SMC element type @t (library.h numbering), 0 for the robot. */
static uint32_t ot_of_elem(uint8_t t)
{
    return t == 2 ? RSM_OT_STORAGESLOT : t == 3 ? RSM_OT_IEPORT : t == 4 ? RSM_OT_DRIVE : 0;
}

int fix_db_matches_changer(struct fix *f, struct rsm_dev_lib *dev, char *why, size_t cap)
{
    struct rsm_guid lib;
    rsm_guid_from_api(&lib, &f->lib);
    if (rsm_dev_lib_inventory(dev, false) != RSM_DEV_OK) {
        snprintf(why, cap, "the changer's inventory failed");
        return -1;
    }
    unsigned in_changer = 0;
    for (size_t i = 0; i < dev->elems.n; i++) {
        const struct rsm_chg_elem *el = &dev->elems.elems[i];
        uint8_t t = 0;
        uint32_t num = rsm_dev_lib_number(dev, el->addr, &t);
        if (!el->full || !el->barcode[0] || ot_of_elem(t) == 0)
            continue;
        in_changer++;
        struct rsm_guid pm, at;
        if (fix_pmedia(f, el->barcode, &pm) != 0) {
            snprintf(why, cap, "%s (element %u) is not in the database", el->barcode, el->addr);
            return -1;
        }
        struct rsm_objinfo o = fix_get(f, &pm, RSM_OT_PHYSICAL_MEDIA);
        if (!rsm_guid_eq(&o.u.pmedia.library, &lib)) {
            snprintf(why, cap, "%s is in the changer, not in its library in the database",
                     el->barcode);
            return -1;
        }
        if (o.u.pmedia.location_type != ot_of_elem(t)) {
            snprintf(why, cap, "%s: element type %u in the changer, object type %u in the database",
                     el->barcode, t, o.u.pmedia.location_type);
            return -1;
        }
        if (t != 3 && (fix_element(f, ot_of_elem(t), num, &at) != 0 ||
                       !rsm_guid_eq(&o.u.pmedia.location, &at))) {
            snprintf(why, cap,
                     "%s: element %u (number %u) in the changer, elsewhere in the database",
                     el->barcode, el->addr, num);
            return -1;
        }
    }
    /* And the other way: nothing the database places here that the changer lacks. */
    struct rsm_guid list[256];
    uint32_t n = 0;
    if (rsm_enumerate(f->e, &f->c, &lib, RSM_OT_PHYSICAL_MEDIA, 0, list, 256, &n) != RSM_OK) {
        snprintf(why, cap, "cannot enumerate the library's media");
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(f, &list[i], RSM_OT_PHYSICAL_MEDIA);
        if (!o.u.pmedia.barcode[0] || !rsm_dev_lib_find_barcode(dev, o.u.pmedia.barcode)) {
            snprintf(why, cap, "the database has %s in the library, the changer does not",
                     o.u.pmedia.barcode[0] ? o.u.pmedia.barcode : "(no barcode)");
            return -1;
        }
    }
    if (n != in_changer) {
        snprintf(why, cap, "%u media in the database, %u cartridges in the changer", n, in_changer);
        return -1;
    }
    return 0;
}
