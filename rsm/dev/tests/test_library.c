/* SPDX-License-Identifier: MIT
 * rsm/dev/tests/test_library.c - the core suite of rsm/dev, run twice: against an
 * in-process library (simfix, faults through sim/core/fault.h) and over iscsi:// against
 * a vtld this suite starts on a free loopback port (faults through vtlctl). Both serve the
 * default library: IBM TS4300-like changer, 2 LTO-8 drives, 24 slots with A00000L8..
 * A00019L8 in slots 1-20 and CLN000L1 in slot 21, 2 mail slots.
 * Every test leaves the cartridges where it found them (the vtld state is shared by the
 * suite), and checks it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rsm/dev/library.h"
#include "rsm/dev/tests/simfix.h"
#include "rsm/dev/tests/suites.h"
#include "scsi/elem.h"
#include "scsi/log.h"
#include "tests/lib/cutest.h"
#include "tests/lib/daemon.h"

#define IQN "iqn.2026-11.org.openrsm:default"

struct backend {
    const char *name;
    int (*open)(struct rsm_dev_lib **out);
    void (*close)(struct rsm_dev_lib *lib);
    void (*jam)(bool on);
    void (*dirty)(const struct rsm_dev_lib *lib, size_t drive);
};

/* ---- in-process backend ---- */

static struct simfix sf;
static struct xport *sf_xp[3];

static int sim_open(struct rsm_dev_lib **out)
{
    *out = NULL;
    if (simfix_open(&sf, NULL) != 0)
        return -1;
    for (unsigned i = 0; i < 3; i++)
        sf_xp[i] = simfix_xport(&sf, i);
    return rsm_dev_lib_open_xports(sf_xp[0], sf_xp + 1, 2, NULL, out) == RSM_DEV_OK ? 0 : -1;
}

static void sim_close(struct rsm_dev_lib *lib)
{
    rsm_dev_lib_close(lib);
    for (unsigned i = 0; i < 3; i++) {
        xport_close(sf_xp[i]);
        sf_xp[i] = NULL;
    }
    simfix_close(&sf);
}

static void sim_jam(bool on)
{
    if (on)
        vtl_fault_robot_jam(sf.lib, 0);
    else
        vtl_fault_clear_jam(sf.lib);
}

static void sim_dirty(const struct rsm_dev_lib *lib, size_t drive)
{
    unsigned bay = lib->drives[drive].elem_addr - lib->layout.dt.first;
    CU_ASSERT_EQUAL(sf.hooks.set_dirty(sf.hooks.priv, bay), VTL_OK);
}

static const struct backend sim_backend = {"sim", sim_open, sim_close, sim_jam, sim_dirty};

/* ---- iscsi:// backend: vtld started once for the suite ---- */

static char vdir[256];
static struct test_vtld vd;

static int vtld_start(void)
{
    test_mkdtemp(vdir, sizeof vdir);
    return test_vtld_start(&vd, vdir, NULL);
}

static int vtld_stop(void)
{
    test_vtld_stop(&vd, SIGTERM);
    test_rmtree(vdir);
    return 0;
}

/* Runs vtlctl against our vtld; returns its exit status. */
static int vtlctl(const char *a1, const char *a2, const char *a3)
{
    char out[4096];
    return test_vtlctl(&vd, out, sizeof out, a1, a2, a3);
}

static void iscsi_uri(unsigned lun, char *out, size_t cap)
{
    snprintf(out, cap, "iscsi://127.0.0.1:%u/" IQN "/%u", vd.port, lun);
}

static int iscsi_open(struct rsm_dev_lib **out)
{
    char uri[256];
    iscsi_uri(0, uri, sizeof uri);
    return rsm_dev_lib_open(uri, NULL, 0, NULL, out) == RSM_DEV_OK ? 0 : -1;
}

static void iscsi_close(struct rsm_dev_lib *lib)
{
    rsm_dev_lib_close(lib);
}

static void iscsi_jam(bool on)
{
    CU_ASSERT_EQUAL(vtlctl("fault", on ? "jam" : "unjam", NULL), 0);
}

static void iscsi_dirty(const struct rsm_dev_lib *lib, size_t drive)
{
    char addr[16];
    snprintf(addr, sizeof addr, "%u", lib->drives[drive].elem_addr);
    CU_ASSERT_EQUAL(vtlctl("dirty", addr, NULL), 0);
}

static const struct backend iscsi_backend = {"iscsi", iscsi_open, iscsi_close, iscsi_jam,
                                             iscsi_dirty};

/* ---- the core suite ---- */

static uint16_t home_of(const struct rsm_dev_lib *lib, const char *barcode)
{
    const struct rsm_chg_elem *e = rsm_dev_lib_find_barcode(lib, barcode);
    return e ? e->addr : 0;
}

/* Every default cartridge is in storage, in slot order (slot n holds A0000(n-1)L8). */
static void check_all_home(const struct rsm_dev_lib *lib)
{
    CU_ASSERT_EQUAL(lib->n_cartridges, 21);
    for (unsigned i = 0; i < 20; i++) {
        char bc[16];
        snprintf(bc, sizeof bc, "A%05uL8", i);
        CU_ASSERT_EQUAL(home_of(lib, bc), lib->layout.st.first + i);
    }
    CU_ASSERT_EQUAL(home_of(lib, "CLN000L1"), lib->layout.st.first + 20);
}

static void core_discovery(const struct backend *b)
{
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(b->open(&lib), 0);
    CU_ASSERT_FALSE(lib->standalone);
    CU_ASSERT_PTR_NOT_NULL(lib->chg);
    CU_ASSERT_EQUAL(lib->ident.pdt, 0x08);
    CU_ASSERT_STRING_EQUAL(lib->ident.vendor, "IBM");
    CU_ASSERT_NOT_EQUAL(lib->ident.serial[0], '\0');
    CU_ASSERT_NOT_EQUAL(lib->ident.naa_len, 0);
    CU_ASSERT_EQUAL(lib->layout.st.count, 24);
    CU_ASSERT_EQUAL(lib->layout.ie.count, 2);
    CU_ASSERT_EQUAL(lib->layout.dt.count, 2);
    CU_ASSERT_EQUAL(lib->layout.mt.count, 1);
    CU_ASSERT_TRUE(lib->caps.valid);
    CU_ASSERT_EQUAL_FATAL(lib->n_drives, 2);
    bool lun_seen[3] = {false};
    for (size_t i = 0; i < 2; i++) {
        const struct rsm_dev_drive *d = &lib->drives[i];
        CU_ASSERT_EQUAL(d->map, RSM_DEV_MAP_DVCID);
        CU_ASSERT_EQUAL(d->ident.pdt, 0x01);
        CU_ASSERT_NOT_EQUAL(d->ident.serial[0], '\0');
        CU_ASSERT_TRUE(d->elem_addr >= lib->layout.dt.first &&
                       d->elem_addr < lib->layout.dt.first + lib->layout.dt.count);
        CU_ASSERT_TRUE(d->lun == 1 || d->lun == 2);
        if (d->lun == 1 || d->lun == 2)
            lun_seen[d->lun] = true;
        /* Independent check of the mapping: the element's DVCID bytes carry the serial. */
        const struct rsm_chg_elem *e = rsm_dev_lib_elem(lib, d->elem_addr);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        CU_ASSERT_PTR_NOT_NULL(
            memmem(e->ident, e->ident_len, d->ident.serial, strlen(d->ident.serial)));
        CU_ASSERT_EQUAL(rsm_dev_lib_drive_at(lib, d->elem_addr), (int)i);
    }
    CU_ASSERT_NOT_EQUAL(lib->drives[0].elem_addr, lib->drives[1].elem_addr);
    /* Numbering for devreg: slot 1 is the first storage element, drive n the n-th bay. */
    uint8_t type = 0;
    CU_ASSERT_EQUAL(rsm_dev_lib_number(lib, lib->layout.st.first + 4, &type), 5);
    CU_ASSERT_EQUAL(type, T10_ELEM_STORAGE);
    CU_ASSERT_EQUAL(rsm_dev_lib_number(lib, lib->layout.dt.first + 1, &type), 2);
    CU_ASSERT_EQUAL(type, T10_ELEM_DT);
    CU_ASSERT_EQUAL(rsm_dev_lib_number(lib, 0x7FFF, &type), 0);
    CU_ASSERT_EQUAL(type, 0);
    CU_ASSERT_EQUAL(rsm_dev_lib_addr(lib, T10_ELEM_STORAGE, 24), lib->layout.st.first + 23);
    CU_ASSERT_EQUAL(rsm_dev_lib_addr(lib, T10_ELEM_STORAGE, 25), 0);
    CU_ASSERT_EQUAL(rsm_dev_lib_addr(lib, T10_ELEM_IE, 0), 0);
    CU_ASSERT_EQUAL(rsm_dev_lib_addr(lib, T10_ELEM_IE, 2), lib->layout.ie.first + 1);
    CU_ASSERT_STRING_NOT_EQUAL(lib->drives[0].ident.serial, lib->drives[1].ident.serial);
    CU_ASSERT_TRUE(lun_seen[1] && lun_seen[2]);
    b->close(lib);
}

static void core_inventory(const struct backend *b)
{
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(b->open(&lib), 0);
    CU_ASSERT_TRUE(lib->voltag);
    check_all_home(lib);
    const struct rsm_chg_elem *cln = rsm_dev_lib_find_barcode(lib, "CLN000L1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cln);
    CU_ASSERT_EQUAL(cln->medium, T10_MEDIUM_CLEANING);
    CU_ASSERT_EQUAL(rsm_dev_lib_find_barcode(lib, "A00000L8")->medium, T10_MEDIUM_DATA);
    CU_ASSERT_EQUAL_FATAL(lib->n_mtypes, 2);
    for (size_t i = 0; i < lib->n_mtypes; i++) {
        if (strcmp(lib->mtypes[i].name, "LTO8") == 0) {
            CU_ASSERT_EQUAL(lib->mtypes[i].count, 20);
        } else {
            CU_ASSERT_TRUE(strcmp(lib->mtypes[i].name, "CLEANER") == 0 &&
                           lib->mtypes[i].count == 1);
        }
    }
    /* Every element of the layout is reported once, in address order. */
    size_t total =
        lib->layout.mt.count + lib->layout.st.count + lib->layout.ie.count + lib->layout.dt.count;
    CU_ASSERT_EQUAL(lib->elems.n, total);
    for (size_t i = 1; i < lib->elems.n; i++)
        CU_ASSERT_TRUE(lib->elems.elems[i - 1].addr < lib->elems.elems[i].addr);
    /* Full inventory: INITIALIZE ELEMENT STATUS, then the same picture. */
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(lib, true), RSM_DEV_OK);
    check_all_home(lib);
    b->close(lib);
}

static void core_mount_cycle(const struct backend *b)
{
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(b->open(&lib), 0);
    for (size_t drive = 0; drive < 2; drive++) {
        uint16_t home = home_of(lib, "A00003L8");
        CU_ASSERT_EQUAL_FATAL(home, lib->layout.st.first + 3);
        CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_mount(lib, home, drive), RSM_DEV_OK);
        const struct rsm_chg_elem *dt = rsm_dev_lib_elem(lib, lib->drives[drive].elem_addr);
        CU_ASSERT_TRUE(dt->full);
        CU_ASSERT_STRING_EQUAL(dt->barcode, "A00003L8");
        CU_ASSERT_TRUE(dt->src_valid);
        CU_ASSERT_EQUAL(dt->src_addr, home);
        CU_ASSERT_FALSE(rsm_dev_lib_elem(lib, home)->full);
        struct rsm_drv *drv = lib->drives[drive].drv;
        CU_ASSERT_EQUAL(rsm_drv_test_ready(drv), RSM_DEV_OK);
        struct rsm_drv_position pos;
        CU_ASSERT_EQUAL(rsm_drv_read_position(drv, &pos), RSM_DEV_OK);
        CU_ASSERT_TRUE(pos.bop);
        /* The load was announced by the drive: 28/00, absorbed and kept as an event. */
        CU_ASSERT_TRUE(rsm_dev_lib_events(lib) & RSM_DEV_EV_NOT_READY_TO_READY);
        uint16_t back = 0;
        CU_ASSERT_EQUAL(rsm_dev_lib_dismount(lib, drive, 0, &back), RSM_DEV_OK);
        CU_ASSERT_EQUAL(back, home);
        CU_ASSERT_FALSE(rsm_dev_lib_elem(lib, lib->drives[drive].elem_addr)->full);
        CU_ASSERT_EQUAL(rsm_drv_test_ready(drv), RSM_DEV_E_NO_MEDIUM);
    }
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(lib, false), RSM_DEV_OK);
    check_all_home(lib);
    b->close(lib);
}

static void core_mam_roundtrip(const struct backend *b)
{
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(b->open(&lib), 0);
    uint16_t home = home_of(lib, "A00004L8");
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_mount(lib, home, 1), RSM_DEV_OK);
    struct rsm_drv_mam w, r;
    memset(&w, 0, sizeof w);
    w.present = RSM_MAM_APP_VENDOR | RSM_MAM_APP_NAME | RSM_MAM_USER_LABEL | RSM_MAM_BARCODE |
                RSM_MAM_MEDIA_POOL | RSM_MAM_MEDIUM_GUID | RSM_MAM_POOL_GUID;
    snprintf(w.app_vendor, sizeof w.app_vendor, "OPENRSM");
    snprintf(w.app_name, sizeof w.app_name, "OpenRSM %s", b->name);
    snprintf(w.user_label, sizeof w.user_label, "Weekly full backup set 7");
    snprintf(w.barcode, sizeof w.barcode, "A00004L8");
    snprintf(w.media_pool, sizeof w.media_pool, "LTO8\\Backup");
    for (int i = 0; i < RSM_MAM_GUID_LEN; i++) {
        w.medium_guid[i] = (uint8_t)(i * 7 + 1);
        w.pool_guid[i] = (uint8_t)(0xF0 - i);
    }
    struct rsm_drv *drv = lib->drives[1].drv;
    CU_ASSERT_EQUAL_FATAL(rsm_drv_mam_write(drv, &w), RSM_DEV_OK);
    /* Dismount and mount in the other drive: the attributes live on the cartridge. */
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_dismount(lib, 1, 0, NULL), RSM_DEV_OK);
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_mount(lib, home, 0), RSM_DEV_OK);
    CU_ASSERT_EQUAL_FATAL(rsm_drv_mam_read(lib->drives[0].drv, &r), RSM_DEV_OK);
    CU_ASSERT_EQUAL(r.present, w.present);
    CU_ASSERT_STRING_EQUAL(r.app_vendor, w.app_vendor);
    CU_ASSERT_STRING_EQUAL(r.app_name, w.app_name);
    CU_ASSERT_STRING_EQUAL(r.user_label, w.user_label);
    CU_ASSERT_STRING_EQUAL(r.barcode, w.barcode);
    CU_ASSERT_STRING_EQUAL(r.media_pool, w.media_pool);
    CU_ASSERT_EQUAL(memcmp(r.medium_guid, w.medium_guid, RSM_MAM_GUID_LEN), 0);
    CU_ASSERT_EQUAL(memcmp(r.pool_guid, w.pool_guid, RSM_MAM_GUID_LEN), 0);
    CU_ASSERT_EQUAL(rsm_drv_mam_write(drv, &(struct rsm_drv_mam){0}), RSM_DEV_E_INVAL);
    CU_ASSERT_EQUAL(rsm_dev_lib_dismount(lib, 0, 0, NULL), RSM_DEV_OK);
    /* Without a cartridge there is no MAM. */
    CU_ASSERT_EQUAL(rsm_drv_mam_read(lib->drives[0].drv, &r), RSM_DEV_E_NO_MEDIUM);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(lib, false), RSM_DEV_OK);
    check_all_home(lib);
    b->close(lib);
}

static void core_tapealert(const struct backend *b)
{
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(b->open(&lib), 0);
    uint16_t home = home_of(lib, "A00005L8");
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_mount(lib, home, 0), RSM_DEV_OK);
    struct rsm_drv *drv = lib->drives[0].drv;
    uint64_t mask = ~UINT64_C(0);
    CU_ASSERT_EQUAL(rsm_drv_tapealert(drv, &mask), RSM_DEV_OK);
    CU_ASSERT_EQUAL(mask & T10_TA_FLAG(T10_TA_CLEAN_NOW), 0);
    CU_ASSERT_FALSE(rsm_drv_cleaning_requested(drv));
    b->dirty(lib, 0);
    CU_ASSERT_EQUAL(rsm_drv_tapealert(drv, &mask), RSM_DEV_OK);
    CU_ASSERT_NOT_EQUAL(mask & T10_TA_FLAG(T10_TA_CLEAN_NOW), 0);
    /* The drive also says so in its sense: 00/17 cleaning requested. */
    CU_ASSERT_EQUAL(rsm_drv_request_sense(drv), RSM_DEV_OK);
    CU_ASSERT_TRUE(rsm_drv_cleaning_requested(drv));
    CU_ASSERT_TRUE(rsm_dev_lib_events(lib) & RSM_DEV_EV_CLEANING);
    rsm_drv_clear_cleaning(drv);
    CU_ASSERT_FALSE(rsm_drv_cleaning_requested(drv));
    CU_ASSERT_EQUAL(rsm_dev_lib_dismount(lib, 0, 0, NULL), RSM_DEV_OK);
    b->close(lib);
}

static void core_errors(const struct backend *b)
{
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(b->open(&lib), 0);
    const struct rsm_chg_layout *l = &lib->layout;
    uint16_t empty1 = l->st.first + 22, empty2 = l->st.first + 23;
    CU_ASSERT_FALSE(rsm_dev_lib_elem(lib, empty1)->full);
    /* Source empty: 05/3B/0E. */
    CU_ASSERT_EQUAL(rsm_chg_move(lib->chg, empty1, empty2), RSM_DEV_E_SRC_EMPTY);
    const struct rsm_dev_sense *s = rsm_chg_last_sense(lib->chg);
    CU_ASSERT_TRUE(s->valid && s->key == 5 && s->asc == 0x3B && s->ascq == 0x0E);
    /* Destination full: 05/3B/0D. */
    CU_ASSERT_EQUAL(rsm_chg_move(lib->chg, l->st.first, l->st.first + 1), RSM_DEV_E_DST_FULL);
    CU_ASSERT_TRUE(s->valid && s->key == 5 && s->asc == 0x3B && s->ascq == 0x0D);
    /* Not an element: 21/01. */
    CU_ASSERT_EQUAL(rsm_chg_move(lib->chg, l->st.first, 0x7000), RSM_DEV_E_BAD_ADDR);
    /* Dismounting an empty drive moves nothing and says why. */
    CU_ASSERT_EQUAL(rsm_dev_lib_dismount(lib, 0, 0, NULL), RSM_DEV_E_SRC_EMPTY);
    /* A jam: HARDWARE ERROR 15/01, nothing moved. */
    b->jam(true);
    uint16_t home = home_of(lib, "A00006L8");
    CU_ASSERT_EQUAL(rsm_dev_lib_mount(lib, home, 0), RSM_DEV_E_HARDWARE);
    CU_ASSERT_TRUE(s->valid && s->key == 4 && s->asc == 0x15 && s->ascq == 0x01);
    b->jam(false);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(lib, false), RSM_DEV_OK);
    check_all_home(lib);
    CU_ASSERT_FALSE(rsm_dev_lib_elem(lib, lib->drives[0].elem_addr)->full);
    /* After the jam is cleared the same mount works. */
    CU_ASSERT_EQUAL(rsm_dev_lib_mount(lib, home, 0), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_dev_lib_dismount(lib, 0, 0, NULL), RSM_DEV_OK);
    check_all_home(lib);
    b->close(lib);
}

#define CORE(X)                                                                                    \
    X(discovery_maps_two_drives_by_serial, core_discovery)                                         \
    X(inventory_lists_21_cartridges_with_barcodes, core_inventory)                                 \
    X(mount_dismount_cycle_returns_home, core_mount_cycle)                                         \
    X(mam_written_then_read_back_in_other_drive, core_mam_roundtrip)                               \
    X(tapealert_and_cleaning_request, core_tapealert)                                              \
    X(errors_mapped_and_no_cartridge_lost, core_errors)

#define WRAP_SIM(name, fn)                                                                         \
    static void sim_##name(void)                                                                   \
    {                                                                                              \
        fn(&sim_backend);                                                                          \
    }
#define WRAP_ISCSI(name, fn)                                                                       \
    static void iscsi_##name(void)                                                                 \
    {                                                                                              \
        fn(&iscsi_backend);                                                                        \
    }
CORE(WRAP_SIM)
CORE(WRAP_ISCSI)

#define ROW_SIM(name, fn)   {#name, sim_##name},
#define ROW_ISCSI(name, fn) {#name, iscsi_##name},
static CU_TestInfo sim_tests[] = {CORE(ROW_SIM) CU_TEST_INFO_NULL};
static CU_TestInfo iscsi_tests[] = {CORE(ROW_ISCSI) CU_TEST_INFO_NULL};

/* Discovery through the transport's own sim: scheme (REPORT LUNS, URIs built per LUN). */
static void sim_uri_discovery(void)
{
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open("sim:", NULL, 0, NULL, &lib), RSM_DEV_OK);
    CU_ASSERT_EQUAL_FATAL(lib->n_drives, 2);
    for (size_t i = 0; i < 2; i++) {
        char want[32];
        snprintf(want, sizeof want, "sim:?lun=%d", lib->drives[i].lun);
        CU_ASSERT_STRING_EQUAL(lib->drives[i].uri, want);
        CU_ASSERT_EQUAL(lib->drives[i].map, RSM_DEV_MAP_DVCID);
    }
    CU_ASSERT_EQUAL(lib->n_cartridges, 21);
    rsm_dev_lib_close(lib);
}

/* A drive URI on its own is a standalone one-drive library. */
static void sim_uri_standalone_drive(void)
{
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open("sim:?lun=2", NULL, 0, NULL, &lib), RSM_DEV_OK);
    CU_ASSERT_TRUE(lib->standalone);
    CU_ASSERT_PTR_NULL(lib->chg);
    CU_ASSERT_EQUAL(lib->ident.pdt, 0x01);
    CU_ASSERT_EQUAL_FATAL(lib->n_drives, 1);
    CU_ASSERT_EQUAL(lib->drives[0].map, RSM_DEV_MAP_STANDALONE);
    CU_ASSERT_EQUAL(lib->drives[0].lun, 2);
    CU_ASSERT_EQUAL(lib->n_cartridges, 0);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(lib, false), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_dev_lib_mount(lib, 1025, 0), RSM_DEV_E_INVAL);
    rsm_dev_lib_close(lib);
}

/* Drive URIs given explicitly (the sg: way): no REPORT LUNS, same mapping. */
static void sim_uri_given_drives(void)
{
    const char *drives[] = {"sim:?lun=2", "sim:?lun=1"};
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open("sim:", drives, 2, NULL, &lib), RSM_DEV_OK);
    CU_ASSERT_EQUAL_FATAL(lib->n_drives, 2);
    CU_ASSERT_EQUAL(lib->drives[0].lun, 2);
    CU_ASSERT_EQUAL(lib->drives[0].map, RSM_DEV_MAP_DVCID);
    /* Bay 2 is LUN 2: the DVCID mapping does not depend on the order given. */
    CU_ASSERT_EQUAL(lib->drives[0].elem_addr, lib->layout.dt.first + 1);
    CU_ASSERT_EQUAL(lib->drives[1].elem_addr, lib->layout.dt.first);
    rsm_dev_lib_close(lib);
    CU_ASSERT_EQUAL(rsm_dev_lib_open("nosuch:x", NULL, 0, NULL, &lib), RSM_DEV_E_TRANSPORT);
    CU_ASSERT_PTR_NULL(lib);
}

static void media_type_names(void)
{
    char n[16];
    rsm_dev_media_type_name("A00000L8", T10_MEDIUM_DATA, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "LTO8");
    rsm_dev_media_type_name("W00001LW", T10_MEDIUM_WORM, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "LTO6W");
    rsm_dev_media_type_name("X00001M8", T10_MEDIUM_DATA, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "LTO7M8");
    rsm_dev_media_type_name("CLN000L1", T10_MEDIUM_CLEANING, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "CLEANER");
    rsm_dev_media_type_name("X00001", T10_MEDIUM_DATA, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "UNKNOWN");
}

/* A changer that ignores DVCID: drives are tied by the LU VALID LUN its drive elements
 * report, and without known LUNs (sg:-like URIs) by order - both flagged as such. */
static void mapping_without_dvcid(void)
{
    struct simfix fx;
    CU_ASSERT_EQUAL_FATAL(simfix_open(&fx, NULL), 0);
    fx.res_no_dvcid = true;
    struct xport *c = simfix_xport(&fx, 0);
    struct xport *d[2] = {simfix_xport(&fx, 2), simfix_xport(&fx, 1)};
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open_xports(c, d, 2, NULL, &lib), RSM_DEV_OK);
    CU_ASSERT_EQUAL(lib->drives[0].map, RSM_DEV_MAP_LUN);
    CU_ASSERT_EQUAL(lib->drives[0].lun, 2);
    CU_ASSERT_EQUAL(lib->drives[0].elem_addr, lib->layout.dt.first + 1);
    CU_ASSERT_EQUAL(lib->drives[1].map, RSM_DEV_MAP_LUN);
    CU_ASSERT_EQUAL(lib->drives[1].elem_addr, lib->layout.dt.first);
    CU_ASSERT_EQUAL(rsm_dev_lib_elem(lib, lib->layout.dt.first)->ident_len, 0);
    rsm_dev_lib_close(lib);
    xport_close(d[0]);
    xport_close(d[1]);
    d[0] = simfix_xport_as(&fx, 1, "sg:/dev/sg7");
    d[1] = simfix_xport_as(&fx, 2, "sg:/dev/sg8");
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open_xports(c, d, 2, NULL, &lib), RSM_DEV_OK);
    for (size_t i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(lib->drives[i].lun, -1);
        CU_ASSERT_EQUAL(lib->drives[i].map, RSM_DEV_MAP_ORDER);
        CU_ASSERT_EQUAL(lib->drives[i].elem_addr, lib->layout.dt.first + i);
        CU_ASSERT_STRING_EQUAL(rsm_dev_map_name(lib->drives[i].map), "order");
    }
    rsm_dev_lib_close(lib);
    /* With DVCID the same sg:-like drives are mapped for certain. */
    fx.res_no_dvcid = false;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open_xports(c, d, 2, NULL, &lib), RSM_DEV_OK);
    CU_ASSERT_EQUAL(lib->drives[0].map, RSM_DEV_MAP_DVCID);
    CU_ASSERT_EQUAL(lib->drives[1].map, RSM_DEV_MAP_DVCID);
    rsm_dev_lib_close(lib);
    xport_close(d[0]);
    xport_close(d[1]);
    xport_close(c);
    simfix_close(&fx);
}

/* The snapshot follows the engine's questions after operator actions: an inserted
 * cartridge shows in a mail slot after the 28/01 event and an inventory. */
static void inventory_after_ie_event(void)
{
    struct simfix fx;
    CU_ASSERT_EQUAL_FATAL(simfix_open(&fx, NULL), 0);
    struct xport *c = simfix_xport(&fx, 0);
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open_xports(c, NULL, 0, NULL, &lib), RSM_DEV_OK);
    CU_ASSERT_EQUAL(lib->n_drives, 0);
    (void)rsm_dev_lib_events(lib);
    struct vtl_cart_info cart;
    CU_ASSERT_EQUAL_FATAL(vtl_cart_from_barcode("B00007L7", 0, &cart), VTL_OK);
    CU_ASSERT_EQUAL_FATAL(vtl_fault_cartridge_appears(fx.lib, &cart, 0), VTL_OK);
    CU_ASSERT_EQUAL(rsm_chg_test_ready(lib->chg), RSM_DEV_OK);
    uint32_t ev = rsm_dev_lib_events(lib);
    CU_ASSERT_TRUE(ev & RSM_DEV_EV_INVENTORY);
    CU_ASSERT_EQUAL(rsm_dev_lib_inventory(lib, false), RSM_DEV_OK);
    const struct rsm_chg_elem *e = rsm_dev_lib_find_barcode(lib, "B00007L7");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->type, T10_ELEM_IE);
    CU_ASSERT_TRUE(e->impexp);
    CU_ASSERT_EQUAL(lib->n_cartridges, 22);
    CU_ASSERT_EQUAL(lib->n_mtypes, 3); /* LTO8, CLEANER, LTO7 */
    rsm_dev_lib_close(lib);
    xport_close(c);
    simfix_close(&fx);
}

/* A library on a real clock: after the robot puts a tape in, the drive threads it
 * (NOT READY 04/01) before it is ready; the mount waits that out. */
static void mount_waits_for_becoming_ready(void)
{
    char d[256], path[300];
    test_mkdtemp(d, sizeof d);
    snprintf(path, sizeof path, "%s/lib.yaml", d);
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fprintf(fp, "personality: ibm-ts4300\nclock: {mode: scaled, scale: 200}\n"
                "cartridges:\n  - {barcode: A00000L8, slot: 1}\n");
    fclose(fp);
    struct simfix fx;
    CU_ASSERT_EQUAL_FATAL(simfix_open(&fx, path), 0);
    struct xport *c = simfix_xport(&fx, 0), *dx = simfix_xport(&fx, 1);
    struct rsm_dev_lib *lib;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open_xports(c, &dx, 1, NULL, &lib), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_dev_lib_mount(lib, lib->layout.st.first, 0), RSM_DEV_OK);
    CU_ASSERT_TRUE(fx.n_becoming_ready > 0);
    CU_ASSERT_EQUAL(rsm_drv_test_ready(lib->drives[0].drv), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_dev_lib_dismount(lib, 0, 0, NULL), RSM_DEV_OK);
    CU_ASSERT_TRUE(rsm_dev_lib_elem(lib, lib->layout.st.first)->full);
    rsm_dev_lib_close(lib);
    xport_close(dx);
    xport_close(c);
    simfix_close(&fx);
    test_rmtree(d);
}

static CU_TestInfo uri_tests[] = {
    {"mount_waits_for_becoming_ready", mount_waits_for_becoming_ready},
    {"mapping_without_dvcid_by_lun_then_order", mapping_without_dvcid},
    {"inventory_after_ie_event", inventory_after_ie_event},
    {"sim_uri_discovery_by_report_luns", sim_uri_discovery},
    {"drive_uri_is_standalone_library", sim_uri_standalone_drive},
    {"given_drive_uris_mapped_by_dvcid", sim_uri_given_drives},
    {"media_type_names_from_barcodes", media_type_names},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_dev_library_suites[] = {
    {"library_sim", NULL, NULL, NULL, NULL, sim_tests},
    {"library_iscsi", vtld_start, vtld_stop, NULL, NULL, iscsi_tests},
    {"library_uri", NULL, NULL, NULL, NULL, uri_tests},
    CU_SUITE_INFO_NULL,
};
