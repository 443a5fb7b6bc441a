/* SPDX-License-Identifier: MIT
 * test_rsm_omid: OMID inventory with the media label libraries (rsm/engine/omid.c) on a
 * simulated library of 10 slots, 2 mail slots and 2 LTO-8 drives with O00000L8..O00007L8
 * in slots 1-8. Before the engine looks, the test writes labels on the tapes through a
 * device handle of its own (as tar, Bacula or RSM itself would have), and makes barcodes
 * unreadable through the simulator's fault API; then it checks which pool each cartridge
 * lands in and the OMID recorded on its side. Fixtures: the .hex files of rsm/mli/testdata.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsm/dev/drive.h"
#include "rsm/dev/library.h"
#include "rsm/engine/libctl.h"
#include "rsm/engine/libctl_int.h" /* the robot lock: a request held at a known point */
#include "rsm/engine/omid.h"
#include "rsm/libctl/tests/fix.h"
#include "sim/core/fault.h"
#include "sim/system.h"
#include "tests/lib/cutest.h"
#include "transport/transport.h"

static struct fix fx, fx2; /* fx2: a second engine on a fresh database */
static struct vtl_system *sys;
static char simname[64], uri[80];

static const char lib_yaml[] = "personality: ibm-ts4300\n"
                               "slots: 10\n"
                               "mailslots: 2\n"
                               "drives: 2\n"
                               "clock: {mode: virtual}\n"
                               "cartridges:\n"
                               "  - {barcode: O00000L8, slot: 1}\n"
                               "  - {barcode: O00001L8, slot: 2}\n"
                               "  - {barcode: O00002L8, slot: 3}\n"
                               "  - {barcode: O00003L8, slot: 4}\n"
                               "  - {barcode: O00004L8, slot: 5}\n"
                               "  - {barcode: O00005L8, slot: 6}\n"
                               "  - {barcode: O00006L8, slot: 7}\n"
                               "  - {barcode: O00007L8, slot: 8}\n";

#define TAR_RECORD   10240 /* tar writes 20 x 512-byte blocks */
#define BACULA_BLOCK 64512 /* Bacula's default block size */

static uint8_t tar_label[TAR_RECORD], bacula_label[BACULA_BLOCK], ansi_label[80];
static uint8_t junk[4096];

/* Fresh database, fresh library: the tapes of the last test are gone. */
static void setup(void)
{
    static unsigned seq;
    memset(&fx2, 0, sizeof fx2);
    if (fix_open(&fx) != 0)
        fx.h = NULL;
    snprintf(simname, sizeof simname, "omid-%u", ++seq);
    snprintf(uri, sizeof uri, "sim:%s", simname);
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/lib.yaml", fx.dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return;
    fputs(lib_yaml, fp);
    fclose(fp);
    sys = NULL;
    if (vtl_system_open(path, NULL, &sys, err, sizeof err) != VTL_OK) {
        fprintf(stderr, "test_omid: %s\n", err);
        sys = NULL;
        return;
    }
    if (xport_sim_attach(simname, sys) != XPORT_OK) {
        vtl_system_close(sys);
        sys = NULL;
    }
}

static void teardown(void)
{
    rsm_lc_set_snapshot_hook(NULL, NULL);
    if (fx2.dir[0])
        fix_close(&fx2);
    fix_close(&fx); /* the engines close their device handles first */
    if (sys) {
        xport_sim_detach(simname);
        vtl_system_close(sys);
        sys = NULL;
    }
}

/* The fixtures, as each program puts them on tape (zero-padded to its block size). */
static int load_fixtures(void)
{
    memset(tar_label, 0, sizeof tar_label);
    memset(bacula_label, 0, sizeof bacula_label);
    if (test_load_hex("rsm/mli/testdata/tar-gnu-label.hex", tar_label, sizeof tar_label) <= 0 ||
        test_load_hex("rsm/mli/testdata/bacula-label.hex", bacula_label, sizeof bacula_label) <=
            0 ||
        test_load_hex("rsm/mli/testdata/ansi-vol1.hex", ansi_label, sizeof ansi_label) != 80)
        return -1;
    uint32_t x = 2463534242u; /* xorshift32: bytes no label library claims */
    for (size_t i = 0; i < sizeof junk; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk[i] = (uint8_t)x;
    }
    return 0;
}

static int suite_init(void)
{
    return load_fixtures();
}

/* ---- the test's own hands on the library ------------------------------------------------ */

static struct rsm_dev_lib *peek(void)
{
    struct rsm_dev_lib *lib = NULL;
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_open(uri, NULL, 0, NULL, &lib), RSM_DEV_OK);
    CU_ASSERT_FATAL(lib->n_drives >= 1 && lib->drives[0].drv != NULL);
    return lib;
}

/* Writes @buf as the first block of the tape in slot @slot, then a filemark. */
static void tape_write(unsigned slot, const uint8_t *buf, size_t len)
{
    struct rsm_dev_lib *lib = peek();
    uint16_t addr = rsm_dev_lib_addr(lib, 2, slot);
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_mount(lib, addr, 0), RSM_DEV_OK);
    struct rsm_drv *drv = lib->drives[0].drv;
    CU_ASSERT_EQUAL(rsm_drv_rewind(drv), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_write(drv, buf, len), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_write_filemarks(drv, 1), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_dev_lib_dismount(lib, 0, addr, NULL), RSM_DEV_OK);
    rsm_dev_lib_close(lib);
}

/* What the start of the tape in slot @slot says now. */
static struct rsm_omid_label tape_read(unsigned slot)
{
    struct rsm_omid_label l;
    memset(&l, 0, sizeof l);
    struct rsm_dev_lib *lib = peek();
    uint16_t addr = rsm_dev_lib_addr(lib, 2, slot);
    CU_ASSERT_EQUAL_FATAL(rsm_dev_lib_mount(lib, addr, 0), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_omid_claim_mounted(lib->drives[0].drv, &l), RSM_OK);
    CU_ASSERT_EQUAL(rsm_dev_lib_dismount(lib, 0, addr, NULL), RSM_DEV_OK);
    rsm_dev_lib_close(lib);
    return l;
}

/* An operator moves a cartridge by hand (the engine is not told). */
static void hand_move(unsigned from_slot, unsigned to_slot)
{
    struct rsm_dev_lib *lib = peek();
    CU_ASSERT_EQUAL(rsm_chg_move(lib->chg, rsm_dev_lib_addr(lib, 2, from_slot),
                                 rsm_dev_lib_addr(lib, 2, to_slot)),
                    RSM_DEV_OK);
    rsm_dev_lib_close(lib);
}

static void unreadable(const char *barcode)
{
    CU_ASSERT_EQUAL_FATAL(vtl_fault_barcode_unreadable(vtl_system_library(sys), barcode, true),
                          VTL_OK);
}

/* Slots 6 and 7 look empty to the engine's inventories while hide_67 is set. */
static bool hide_67;
static void hide_hook(struct rsm_dev_lib *dev, void *arg)
{
    (void)arg;
    for (unsigned s = 6; hide_67 && s <= 7; s++) {
        struct rsm_chg_elem *el =
            (struct rsm_chg_elem *)rsm_dev_lib_elem(dev, rsm_dev_lib_addr(dev, 2, s));
        if (el) {
            el->full = false;
            el->barcode[0] = '\0';
        }
    }
}

/* ---- what the engine has -------------------------------------------------------------- */

static void add_library(struct fix *f)
{
    CU_ASSERT_EQUAL_FATAL(rsm_library_add(f->h, uri, NULL, 0, &f->lib), ERROR_SUCCESS);
}

static void omid_inventory(struct fix *f)
{
    DWORD err = InventoryNtmsLibrary(f->h, &f->lib, NTMS_INVENTORY_OMID);
    CU_ASSERT_EQUAL(err, ERROR_SUCCESS);
    if (err != ERROR_SUCCESS)
        fprintf(stderr, "OMID inventory: error %u\n", (unsigned)err);
}

/* The physical medium the database places in slot @slot; asserts there is one. */
static struct rsm_guid medium_at(struct fix *f, unsigned slot)
{
    struct rsm_guid s, lib, list[64], none;
    memset(&none, 0, sizeof none);
    uint32_t n = 0;
    CU_ASSERT_EQUAL_FATAL(fix_element(f, RSM_OT_STORAGESLOT, slot, &s), 0);
    rsm_guid_from_api(&lib, &f->lib);
    CU_ASSERT_EQUAL_FATAL(rsm_enumerate(f->e, &f->c, &lib, RSM_OT_PHYSICAL_MEDIA, 0, list, 64, &n),
                          RSM_OK);
    for (uint32_t i = 0; i < n; i++)
        if (fix_location_is(f, &list[i], &s))
            return list[i];
    CU_FAIL("no medium in that slot");
    return none;
}

/* Side 1 of medium @pm. */
static struct rsm_objinfo side_of(struct fix *f, const struct rsm_guid *pm)
{
    struct rsm_guid side;
    memset(&side, 0, sizeof side);
    uint32_t n = 0;
    CU_ASSERT_EQUAL(rsm_enumerate(f->e, &f->c, pm, RSM_OT_PARTITION, 0, &side, 1, &n), RSM_OK);
    CU_ASSERT_EQUAL(n, 1);
    return fix_get(f, &side, RSM_OT_PARTITION);
}

/* Medium in slot @slot: pool type, side state and OMID type / ID (@id NULL: no check). */
static void expect(struct fix *f, unsigned slot, uint32_t pool_type, uint32_t side_state,
                   const char *type, const void *id, size_t id_len)
{
    struct rsm_guid pm = medium_at(f, slot);
    CU_ASSERT_EQUAL(fix_pool_type(f, &pm), pool_type);
    struct rsm_objinfo s = side_of(f, &pm);
    CU_ASSERT_EQUAL(s.u.side.state, side_state);
    CU_ASSERT_STRING_EQUAL(s.u.side.omid_type, type);
    if (id) {
        CU_ASSERT_EQUAL(s.u.side.omid_len, id_len);
        CU_ASSERT(s.u.side.omid_len == id_len && memcmp(s.u.side.omid, id, id_len) == 0);
    }
}

static void check_db(struct fix *f)
{
    char why[256] = "";
    CU_ASSERT_EQUAL(rsm_engine_check(f->e, why, sizeof why), RSM_OK);
    if (why[0])
        fprintf(stderr, "rsm_engine_check: %s\n", why);
}

static int open_second_engine(void)
{
    if (fix_open(&fx2) != 0)
        return -1;
    return 0;
}

/* ---- tests ---------------------------------------------------------------------------------- */

/* Each kind of first block, on cartridges whose barcode cannot be read (registered
 * Unrecognized by the fast inventory of rsm_library_add, then read by the OMID one) and
 * on cartridges the OMID inventory sees first (a new barcode, and no barcode at all). */
static void omid_inventory_sorts_cartridges_by_label(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    const uint8_t g_free[16] = {0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
                                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    const uint8_t g_free7[16] = {0xa5, 0x5a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    uint8_t free3[RSM_MLI_FREE_LABEL_LEN], free7[RSM_MLI_FREE_LABEL_LEN];
    CU_ASSERT_EQUAL(rsm_mli_free_label_build(free3, sizeof free3, g_free, "O00002", 0),
                    sizeof free3);
    CU_ASSERT_EQUAL(rsm_mli_free_label_build(free7, sizeof free7, g_free7, NULL, 0),
                    sizeof free7);
    tape_write(1, tar_label, sizeof tar_label);
    tape_write(2, bacula_label, sizeof bacula_label);
    tape_write(3, free3, sizeof free3);
    /* slot 4: a new, blank tape */
    tape_write(5, junk, sizeof junk);
    tape_write(6, ansi_label, sizeof ansi_label);
    tape_write(7, free7, sizeof free7);
    for (int i = 0; i <= 4; i++) {
        char bc[16];
        snprintf(bc, sizeof bc, "O%05dL8", i);
        unreadable(bc);
    }
    unreadable("O00006L8");

    hide_67 = true;
    rsm_lc_set_snapshot_hook(hide_hook, NULL);
    add_library(&fx);
    hide_67 = false;
    /* Barcodes unread, labels unread: five Unrecognized media, and O00007L8 (blank). */
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 6);
    expect(&fx, 1, RSM_POOL_FOREIGN, RSM_PART_FOREIGN, "", NULL, 0);

    omid_inventory(&fx);
    rsm_lc_set_snapshot_hook(NULL, NULL);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 8);
    expect(&fx, 1, RSM_POOL_IMPORT, RSM_PART_IMPORT, "TAR", "BACKUP-2026-01", 14);
    expect(&fx, 2, RSM_POOL_IMPORT, RSM_PART_IMPORT, "BACULA", "TESTVOL-0001", 12);
    expect(&fx, 3, RSM_POOL_SCRATCH, RSM_PART_AVAILABLE, "RSM", g_free, 16);
    expect(&fx, 4, RSM_POOL_FOREIGN, RSM_PART_FOREIGN, "", NULL, 0); /* blank */
    expect(&fx, 5, RSM_POOL_FOREIGN, RSM_PART_FOREIGN, "", NULL, 0); /* foreign data */
    /* New to the database: its barcode is read, and so is its label. */
    expect(&fx, 6, RSM_POOL_IMPORT, RSM_PART_IMPORT, "ANSI", NULL, 0);
    struct rsm_guid pm6 = medium_at(&fx, 6);
    CU_ASSERT_STRING_EQUAL(fix_get(&fx, &pm6, RSM_OT_PHYSICAL_MEDIA).u.pmedia.barcode,
                           "O00005L8");
    expect(&fx, 7, RSM_POOL_SCRATCH, RSM_PART_AVAILABLE, "RSM", g_free7, 16);
    expect(&fx, 8, RSM_POOL_FOREIGN, RSM_PART_FOREIGN, "", NULL, 0);
    /* The text of the label is what GetNtmsObjectInformation shows as szOmidLabelInfo. */
    struct rsm_guid pm1 = medium_at(&fx, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(side_of(&fx, &pm1).u.side.omid_info, "BACKUP-2026-01"));
    check_db(&fx);

    /* Again: nothing new, nothing moves, the same pools. */
    omid_inventory(&fx);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 8);
    struct rsm_guid again = medium_at(&fx, 1);
    CU_ASSERT_TRUE(rsm_guid_eq(&pm1, &again));
    expect(&fx, 1, RSM_POOL_IMPORT, RSM_PART_IMPORT, "TAR", "BACKUP-2026-01", 14);
    expect(&fx, 3, RSM_POOL_SCRATCH, RSM_PART_AVAILABLE, "RSM", g_free, 16);
    check_db(&fx);
    /* A fast inventory reads no label and changes no pool. */
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    expect(&fx, 2, RSM_POOL_IMPORT, RSM_PART_IMPORT, "BACULA", "TESTVOL-0001", 12);
}

/* rsm_omid_free_media() writes the free label and records it; the label names the
 * medium when its barcode cannot be read, and a second engine on a fresh database puts
 * the cartridge in Free. */
static void free_label_written_then_recognised(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    add_library(&fx);
    struct rsm_guid pm0, pm1;
    CU_ASSERT_EQUAL_FATAL(fix_pmedia(&fx, "O00000L8", &pm0), 0);
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm0), RSM_POOL_FOREIGN); /* blank */
    CU_ASSERT_EQUAL(rsm_omid_free_media(fx.e, &fx.c, &pm0), RSM_OK);
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm0), RSM_POOL_SCRATCH);
    struct rsm_objinfo s = side_of(&fx, &pm0);
    CU_ASSERT_EQUAL(s.u.side.state, RSM_PART_AVAILABLE);
    CU_ASSERT_STRING_EQUAL(s.u.side.omid_type, "RSM");
    CU_ASSERT_EQUAL(s.u.side.omid_len, 16);
    CU_ASSERT(memcmp(s.u.side.omid, pm0.b, 16) == 0);
    /* On the tape: RSM's free label for this medium, and the cartridge is home. */
    struct rsm_omid_label l = tape_read(1);
    CU_ASSERT_EQUAL(l.kind, RSM_OMID_FREE);
    CU_ASSERT(memcmp(l.r.media_id, pm0.b, 16) == 0);
    CU_ASSERT_STRING_EQUAL(l.r.type, "RSM");
    CU_ASSERT_STRING_EQUAL(side_of(&fx, &pm0).u.side.omid_info, l.r.info);
    struct rsm_guid s1;
    CU_ASSERT_EQUAL(fix_element(&fx, RSM_OT_STORAGESLOT, 1, &s1), 0);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm0, &s1));
    CU_ASSERT_EQUAL(fix_get(&fx, &pm0, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state,
                    NTMS_MEDIASTATE_IDLE);

    /* An allocated medium may not enter Free: refused, its tape untouched. It got the
     * free label on its way through Free (fix_allocate), then the application wrote its
     * own; that one stays. */
    NTMS_GUID lmid;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "O00001L8", &lmid), 0);
    CU_ASSERT_EQUAL_FATAL(fix_pmedia(&fx, "O00001L8", &pm1), 0);
    l = tape_read(2);
    CU_ASSERT_EQUAL(l.kind, RSM_OMID_FREE);
    CU_ASSERT(memcmp(l.r.media_id, pm1.b, 16) == 0);
    tape_write(2, tar_label, sizeof tar_label);
    CU_ASSERT_EQUAL(rsm_omid_free_media(fx.e, &fx.c, &pm1), RSM_E_INVALID_MEDIA_POOL);
    l = tape_read(2);
    CU_ASSERT_EQUAL(l.kind, RSM_OMID_LABEL);
    CU_ASSERT_STRING_EQUAL(l.r.type, "TAR");
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm1), RSM_POOL_APPLICATION);
    /* Bad input changes nothing. */
    CU_ASSERT_EQUAL(rsm_omid_free_media(fx.e, &fx.c, NULL), RSM_E_INVALID_PARAMETER);
    struct rsm_guid lib;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_EQUAL(rsm_omid_free_media(fx.e, &fx.c, &lib), RSM_E_INVALID_MEDIA);

    /* The barcode becomes unreadable and the cartridge is moved by hand: the label names
     * the same medium, which is followed to its new slot. */
    unreadable("O00000L8");
    hand_move(1, 9);
    omid_inventory(&fx);
    struct rsm_guid s9;
    CU_ASSERT_EQUAL(fix_element(&fx, RSM_OT_STORAGESLOT, 9, &s9), 0);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm0, &s9));
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm0), RSM_POOL_SCRATCH);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 8);
    check_db(&fx);

    /* Another engine, an empty database: the label alone puts the cartridge in Free. */
    CU_ASSERT_EQUAL_FATAL(open_second_engine(), 0);
    add_library(&fx2);
    expect(&fx2, 9, RSM_POOL_FOREIGN, RSM_PART_FOREIGN, "", NULL, 0);
    omid_inventory(&fx2);
    expect(&fx2, 9, RSM_POOL_SCRATCH, RSM_PART_AVAILABLE, "RSM", pm0.b, 16);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx2), 8);
    check_db(&fx2);
}

/* A medium the database no longer places in a library cannot have its label written. */
static bool hide_1;
static void hide1_hook(struct rsm_dev_lib *dev, void *arg)
{
    (void)arg;
    struct rsm_chg_elem *el =
        (struct rsm_chg_elem *)rsm_dev_lib_elem(dev, rsm_dev_lib_addr(dev, 2, 1));
    if (el && hide_1) {
        el->full = false;
        el->barcode[0] = '\0';
    }
}

static void free_media_offline_refused(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    add_library(&fx);
    struct rsm_guid pm0, lib;
    CU_ASSERT_EQUAL_FATAL(fix_pmedia(&fx, "O00000L8", &pm0), 0);
    hide_1 = true;
    rsm_lc_set_snapshot_hook(hide1_hook, NULL);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    rsm_lc_set_snapshot_hook(NULL, NULL);
    hide_1 = false;
    rsm_guid_from_api(&lib, &fx.lib);
    CU_ASSERT_FALSE(fix_library_is(&fx, &pm0, &lib));
    CU_ASSERT_EQUAL(rsm_omid_free_media(fx.e, &fx.c, &pm0), RSM_E_MEDIA_OFFLINE);
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm0), RSM_POOL_FOREIGN);
    CU_ASSERT_EQUAL(tape_read(1).kind, RSM_OMID_BLANK);
}

/* UpdateNtmsOmidInfo records what the application wrote; a later OMID inventory knows
 * the cartridge as that application's even without its barcode, and a fresh database
 * puts it in Import with the same OMID. */
static void update_omid_then_recognised(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    add_library(&fx);
    NTMS_GUID lmid;
    struct rsm_guid pm1;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "O00001L8", &lmid), 0);
    CU_ASSERT_EQUAL_FATAL(fix_pmedia(&fx, "O00001L8", &pm1), 0);
    tape_write(2, tar_label, sizeof tar_label); /* what the application wrote */
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(fx.h, &lmid, NTMS_OMID_TYPE_RAW_LABEL, sizeof tar_label,
                                       tar_label),
                    ERROR_SUCCESS);
    struct rsm_objinfo s = side_of(&fx, &pm1);
    CU_ASSERT_STRING_EQUAL(s.u.side.omid_type, "TAR");
    CU_ASSERT_EQUAL(s.u.side.omid_len, 14);
    CU_ASSERT(memcmp(s.u.side.omid, "BACKUP-2026-01", 14) == 0);
    /* Bytes no label library claims: ERROR_BAD_FORMAT, the OMID stays. */
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(fx.h, &lmid, NTMS_OMID_TYPE_RAW_LABEL, sizeof junk, junk),
                    ERROR_BAD_FORMAT);
    CU_ASSERT_EQUAL(UpdateNtmsOmidInfo(fx.h, &lmid, NTMS_OMID_TYPE_RAW_LABEL, 0, junk),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_STRING_EQUAL(side_of(&fx, &pm1).u.side.omid_type, "TAR");

    /* Its barcode becomes unreadable where it stands: read again, it stays the
     * application's (an owned medium is never reclassified by its tape). */
    unreadable("O00001L8");
    omid_inventory(&fx);
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm1), RSM_POOL_APPLICATION);
    CU_ASSERT_EQUAL(side_of(&fx, &pm1).u.side.state, RSM_PART_ALLOCATED);
    /* Moved by hand as well: its label finds it in its new slot. */
    hand_move(2, 10);
    omid_inventory(&fx);
    struct rsm_guid s10;
    CU_ASSERT_EQUAL(fix_element(&fx, RSM_OT_STORAGESLOT, 10, &s10), 0);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm1, &s10));
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm1), RSM_POOL_APPLICATION);
    CU_ASSERT_EQUAL(side_of(&fx, &pm1).u.side.state, RSM_PART_ALLOCATED);
    CU_ASSERT_EQUAL(fix_media_in_library(&fx), 8);
    check_db(&fx);

    CU_ASSERT_EQUAL_FATAL(open_second_engine(), 0);
    add_library(&fx2);
    omid_inventory(&fx2);
    expect(&fx2, 10, RSM_POOL_IMPORT, RSM_PART_IMPORT, "TAR", "BACKUP-2026-01", 14);
    check_db(&fx2);
}

/* ---- the free label owed on entering Free (MoveToNtmsMediaPool rule 2) ------------------- */

static struct rsm_guid pm_of(struct fix *f, const char *barcode)
{
    struct rsm_guid g;
    memset(&g, 0, sizeof g);
    CU_ASSERT_EQUAL_FATAL(fix_pmedia(f, barcode, &g), 0);
    return g;
}

static struct rsm_guid free_pool_of(struct fix *f, const struct rsm_guid *pm)
{
    struct rsm_objinfo o = fix_get(f, pm, RSM_OT_PHYSICAL_MEDIA);
    struct rsm_guid g;
    rsm_engine_lock(f->e);
    rsm_rc rc = rsm_pool_system(f->e, RSM_POOL_SCRATCH, &o.u.pmedia.media_type, true, &g);
    rsm_engine_unlock(f->e);
    CU_ASSERT_EQUAL_FATAL(rc, RSM_OK);
    return g;
}

/* MoveToNtmsMediaPool through the API, as an application calls it. */
static DWORD api_move(struct fix *f, const struct rsm_guid *pm, const struct rsm_guid *pool)
{
    NTMS_GUID a, b;
    rsm_guid_to_api(&a, pm);
    rsm_guid_to_api(&b, pool);
    return MoveToNtmsMediaPool(f->h, &a, &b);
}

/* The WRITESCRATCH requests of @pm: how many, how many in @state, and the error of the
 * last one in @state. */
struct label_reqs {
    unsigned n, n_state;
    uint32_t error;
};
static struct label_reqs label_reqs(struct fix *f, const struct rsm_guid *pm, uint32_t state)
{
    struct label_reqs q = {0, 0, 0};
    struct rsm_guid lib, list[256];
    uint32_t n = 0;
    rsm_guid_from_api(&lib, &f->lib);
    CU_ASSERT_EQUAL_FATAL(rsm_enumerate(f->e, &f->c, &lib, RSM_OT_LIBREQUEST, 0, list, 256, &n),
                          RSM_OK);
    for (uint32_t i = 0; i < n; i++) {
        struct rsm_objinfo o = fix_get(f, &list[i], RSM_OT_LIBREQUEST);
        if (o.u.libreq.op != NTMS_LM_WRITESCRATCH ||
            !(rsm_guid_eq(&o.u.libreq.side, pm) || rsm_guid_eq(&o.u.libreq.pmedia, pm)))
            continue;
        q.n++;
        if (o.u.libreq.state == state) {
            q.n_state++;
            q.error = o.u.libreq.error;
        }
    }
    return q;
}

/* Holds the library's robot (as a long robot move would): a WRITESCRATCH request that
 * starts stops before it checks its medium or touches the tape, so the test sees the
 * state between the call and the write. Nothing in the engine takes the queue lock while
 * waiting for the robot, so the test may queue requests meanwhile. */
static struct rsm_lc_lib *robot_hold(struct fix *f)
{
    struct rsm_guid lib;
    rsm_guid_from_api(&lib, &f->lib);
    struct rsm_lc_lib *L = rsm_lc_lib_find(f->e, &lib);
    CU_ASSERT_PTR_NOT_NULL_FATAL(L);
    pthread_mutex_lock(&L->mu);
    return L;
}

static void robot_release(struct rsm_lc_lib *L)
{
    pthread_mutex_unlock(&L->mu);
}

/* An application pool "Backup" of @pm's media type that allocates from Free. */
static struct rsm_guid app_pool(struct fix *f, const struct rsm_guid *pm)
{
    struct rsm_objinfo o = fix_get(f, pm, RSM_OT_PHYSICAL_MEDIA);
    struct rsm_guid app;
    CU_ASSERT_EQUAL_FATAL(
        rsm_pool_create(f->e, &f->c, "Backup", &o.u.pmedia.media_type, RSM_OPEN_ALWAYS, NULL, &app),
        RSM_OK);
    NTMS_GUID a;
    rsm_guid_to_api(&a, &app);
    NTMS_OBJECTINFORMATIONA info = {.dwSize = sizeof info, .dwType = NTMS_MEDIA_POOL};
    CU_ASSERT_EQUAL_FATAL(GetNtmsObjectInformationA(f->h, &a, &info), ERROR_SUCCESS);
    info.Info.MediaPool.AllocationPolicy = NTMS_ALLOCATE_FROMSCRATCH;
    CU_ASSERT_EQUAL_FATAL(SetNtmsObjectInformationA(f->h, &a, &info), ERROR_SUCCESS);
    return app;
}

/* Nothing can allocate @pm now: neither its side named, nor a pick from Free. */
static void not_allocatable(struct fix *f, const struct rsm_guid *pm, const struct rsm_guid *app)
{
    struct rsm_objinfo s = side_of(f, pm);
    struct rsm_guid lm;
    memset(&lm, 0, sizeof lm);
    CU_ASSERT_EQUAL(rsm_media_allocate(f->e, &f->c, app, &s.guid, &lm, 0, 0, NULL),
                    RSM_E_INVALID_STATE);
    CU_ASSERT_EQUAL(rsm_media_allocate(f->e, &f->c, app, NULL, &lm, 0, 0, NULL),
                    RSM_E_MEDIA_UNAVAILABLE);
}

/* MoveToNtmsMediaPool into Free returns at once with the sides UNPREPARED and the
 * WRITESCRATCH request in process; when it has passed the sides are AVAILABLE and the
 * tape carries RSM's free label, which alone puts the cartridge in Free for a fresh
 * database. Moved to Free again, nothing is queued: the label is there. */
static void move_to_free_writes_label_async(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    add_library(&fx);
    struct rsm_guid pm0 = pm_of(&fx, "O00000L8"), freep = free_pool_of(&fx, &pm0);
    struct rsm_guid app = app_pool(&fx, &pm0);
    struct rsm_lc_lib *L = robot_hold(&fx);
    CU_ASSERT_EQUAL(api_move(&fx, &pm0, &freep), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm0), RSM_POOL_SCRATCH);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_UNPREPARED);
    struct label_reqs q = label_reqs(&fx, &pm0, NTMS_LM_INPROCESS);
    CU_ASSERT_EQUAL(q.n, 1);
    CU_ASSERT_EQUAL(q.n_state, 1);
    not_allocatable(&fx, &pm0, &app);
    /* Moved to Free again meanwhile: the pending request will do, nothing more queued. */
    CU_ASSERT_EQUAL(api_move(&fx, &pm0, &freep), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm0, NTMS_LM_INPROCESS).n, 1);
    robot_release(L);

    CU_ASSERT_EQUAL(rsm_omid_free_label_wait(fx.e, &pm0, UINT32_MAX), RSM_OK);
    q = label_reqs(&fx, &pm0, NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(q.n, 1);
    CU_ASSERT_EQUAL(q.n_state, 1);
    CU_ASSERT_EQUAL(q.error, 0);
    struct rsm_objinfo s = side_of(&fx, &pm0);
    CU_ASSERT_EQUAL(s.u.side.state, RSM_PART_AVAILABLE);
    CU_ASSERT_STRING_EQUAL(s.u.side.omid_type, "RSM");
    CU_ASSERT(s.u.side.omid_len == 16 && memcmp(s.u.side.omid, pm0.b, 16) == 0);
    struct rsm_omid_label l = tape_read(1);
    CU_ASSERT_EQUAL(l.kind, RSM_OMID_FREE);
    CU_ASSERT(memcmp(l.r.media_id, pm0.b, 16) == 0);
    struct rsm_guid s1;
    CU_ASSERT_EQUAL(fix_element(&fx, RSM_OT_STORAGESLOT, 1, &s1), 0);
    CU_ASSERT_TRUE(fix_location_is(&fx, &pm0, &s1)); /* home again */
    CU_ASSERT_EQUAL(fix_get(&fx, &pm0, RSM_OT_PHYSICAL_MEDIA).u.pmedia.state, NTMS_MEDIASTATE_IDLE);

    CU_ASSERT_EQUAL(api_move(&fx, &pm0, &freep), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_omid_free_label_wait(fx.e, &pm0, UINT32_MAX), RSM_OK);
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm0, NTMS_LM_PASSED).n, 1);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_AVAILABLE);
    /* Allocatable now: the pool takes it from Free. */
    struct rsm_guid lm, from;
    CU_ASSERT_EQUAL(rsm_media_allocate(fx.e, &fx.c, &app, NULL, &lm, 0, 0, &from), RSM_OK);
    CU_ASSERT_TRUE(rsm_guid_eq(&from, &freep));
    check_db(&fx);

    unreadable("O00000L8");
    CU_ASSERT_EQUAL_FATAL(open_second_engine(), 0);
    add_library(&fx2);
    omid_inventory(&fx2);
    expect(&fx2, 1, RSM_POOL_SCRATCH, RSM_PART_AVAILABLE, "RSM", pm0.b, 16);
    check_db(&fx2);
}

/* The robot jams during the write: the request FAILS with the library's error, the side
 * stays UNPREPARED and cannot be allocated, the tape is unchanged. Moving the medium to
 * Free again, once the jam is cleared, queues the request again and it passes. */
static void free_label_jam_then_retry(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    add_library(&fx);
    struct rsm_guid pm0 = pm_of(&fx, "O00000L8"), freep = free_pool_of(&fx, &pm0);
    struct rsm_guid app = app_pool(&fx, &pm0);
    vtl_fault_robot_jam(vtl_system_library(sys), 0);
    CU_ASSERT_EQUAL(api_move(&fx, &pm0, &freep), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_omid_free_label_wait(fx.e, &pm0, UINT32_MAX), RSM_OK);
    struct label_reqs q = label_reqs(&fx, &pm0, NTMS_LM_FAILED);
    CU_ASSERT_EQUAL(q.n, 1);
    CU_ASSERT_EQUAL(q.n_state, 1);
    CU_ASSERT_EQUAL(q.error, ERROR_LIBRARY_OFFLINE);
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm0), RSM_POOL_SCRATCH);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_UNPREPARED);
    CU_ASSERT_STRING_EQUAL(side_of(&fx, &pm0).u.side.omid_type, "");
    not_allocatable(&fx, &pm0, &app);
    vtl_fault_clear_jam(vtl_system_library(sys));
    CU_ASSERT_EQUAL(tape_read(1).kind, RSM_OMID_BLANK);

    CU_ASSERT_EQUAL(api_move(&fx, &pm0, &freep), ERROR_SUCCESS); /* the operator's retry */
    CU_ASSERT_EQUAL(rsm_omid_free_label_wait(fx.e, &pm0, UINT32_MAX), RSM_OK);
    q = label_reqs(&fx, &pm0, NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(q.n, 2);
    CU_ASSERT_EQUAL(q.n_state, 1);
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm0, NTMS_LM_FAILED).n_state, 1);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_AVAILABLE);
    struct rsm_omid_label l = tape_read(1);
    CU_ASSERT_EQUAL(l.kind, RSM_OMID_FREE);
    CU_ASSERT(memcmp(l.r.media_id, pm0.b, 16) == 0);
    check_db(&fx);
}

/* DeallocateNtmsMedia from a pool with NTMS_DEALLOCATE_TOSCRATCH: the medium goes to
 * Free UNPREPARED and its label is written over the application's data. */
static void deallocate_to_scratch_writes_label(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    add_library(&fx);
    NTMS_GUID lmid;
    CU_ASSERT_EQUAL_FATAL(fix_allocate(&fx, "O00001L8", &lmid), 0);
    struct rsm_guid pm1 = pm_of(&fx, "O00001L8");
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm1, NTMS_LM_PASSED).n, 0); /* fix_allocate's went */
    NTMS_GUID app;
    struct rsm_objinfo pmi = fix_get(&fx, &pm1, RSM_OT_PHYSICAL_MEDIA);
    rsm_guid_to_api(&app, &pmi.u.pmedia.pool);
    NTMS_OBJECTINFORMATIONA info = {.dwSize = sizeof info, .dwType = NTMS_MEDIA_POOL};
    CU_ASSERT_EQUAL_FATAL(GetNtmsObjectInformationA(fx.h, &app, &info), ERROR_SUCCESS);
    info.Info.MediaPool.DeallocationPolicy = NTMS_DEALLOCATE_TOSCRATCH;
    CU_ASSERT_EQUAL_FATAL(SetNtmsObjectInformationA(fx.h, &app, &info), ERROR_SUCCESS);
    tape_write(2, tar_label, sizeof tar_label); /* what the application wrote */

    struct rsm_lc_lib *L = robot_hold(&fx);
    CU_ASSERT_EQUAL(DeallocateNtmsMedia(fx.h, &lmid, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm1), RSM_POOL_SCRATCH);
    CU_ASSERT_EQUAL(side_of(&fx, &pm1).u.side.state, RSM_PART_UNPREPARED);
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm1, NTMS_LM_INPROCESS).n_state, 1);
    robot_release(L);
    CU_ASSERT_EQUAL(rsm_omid_free_label_wait(fx.e, &pm1, UINT32_MAX), RSM_OK);
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm1, NTMS_LM_PASSED).n_state, 1);
    CU_ASSERT_EQUAL(side_of(&fx, &pm1).u.side.state, RSM_PART_AVAILABLE);
    struct rsm_omid_label l = tape_read(2);
    CU_ASSERT_EQUAL(l.kind, RSM_OMID_FREE);
    CU_ASSERT(memcmp(l.r.media_id, pm1.b, 16) == 0);
    check_db(&fx);
}

/* ChangeNtmsMediaType into the Free pool of another media type is a move into Free too:
 * UNPREPARED, then the label. */
static void change_type_into_free_writes_label(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    add_library(&fx);
    struct rsm_guid pm0 = pm_of(&fx, "O00000L8"), types[64], other, freep;
    struct rsm_objinfo pmi = fix_get(&fx, &pm0, RSM_OT_PHYSICAL_MEDIA);
    uint32_t n = 0;
    int found = 0;
    CU_ASSERT_EQUAL_FATAL(rsm_enumerate(fx.e, &fx.c, NULL, RSM_OT_MEDIA_TYPE, 0, types, 64, &n),
                          RSM_OK);
    for (uint32_t i = 0; i < n && !found; i++) {
        struct rsm_objinfo t = fix_get(&fx, &types[i], RSM_OT_MEDIA_TYPE);
        if (!rsm_guid_eq(&types[i], &pmi.u.pmedia.media_type) && t.u.media_type.sides == 1) {
            other = types[i];
            found = 1;
        }
    }
    CU_ASSERT_TRUE_FATAL(found);
    rsm_engine_lock(fx.e);
    rsm_rc rc = rsm_pool_system(fx.e, RSM_POOL_SCRATCH, &other, true, &freep);
    rsm_engine_unlock(fx.e);
    CU_ASSERT_EQUAL_FATAL(rc, RSM_OK);
    struct rsm_lc_lib *L = robot_hold(&fx);
    CU_ASSERT_EQUAL(rsm_media_change_type(fx.e, &fx.c, &pm0, &freep), RSM_OK);
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm0), RSM_POOL_SCRATCH);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_UNPREPARED);
    robot_release(L);
    CU_ASSERT_EQUAL(rsm_omid_free_label_wait(fx.e, &pm0, UINT32_MAX), RSM_OK);
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm0, NTMS_LM_PASSED).n_state, 1);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_AVAILABLE);
    CU_ASSERT_EQUAL(tape_read(1).kind, RSM_OMID_FREE);
    check_db(&fx);
}

/* A medium the database places in no library enters Free AVAILABLE, nothing queued, its
 * tape untouched. Back in the library it stays so; moved to Free again there, the label
 * it lacks is written. */
static void offline_medium_enters_free_available(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    add_library(&fx);
    struct rsm_guid pm0 = pm_of(&fx, "O00000L8"), freep = free_pool_of(&fx, &pm0), lib;
    rsm_guid_from_api(&lib, &fx.lib);
    hide_1 = true;
    rsm_lc_set_snapshot_hook(hide1_hook, NULL);
    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    rsm_lc_set_snapshot_hook(NULL, NULL);
    hide_1 = false;
    CU_ASSERT_FALSE_FATAL(fix_library_is(&fx, &pm0, &lib));
    CU_ASSERT_EQUAL(api_move(&fx, &pm0, &freep), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm0), RSM_POOL_SCRATCH);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_AVAILABLE);
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm0, NTMS_LM_PASSED).n, 0);
    CU_ASSERT_EQUAL(tape_read(1).kind, RSM_OMID_BLANK);

    CU_ASSERT_EQUAL(InventoryNtmsLibrary(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    CU_ASSERT_TRUE_FATAL(fix_library_is(&fx, &pm0, &lib));
    CU_ASSERT_EQUAL(fix_pool_type(&fx, &pm0), RSM_POOL_SCRATCH);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_AVAILABLE);
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm0, NTMS_LM_PASSED).n, 0);

    CU_ASSERT_EQUAL(api_move(&fx, &pm0, &freep), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_omid_free_label_wait(fx.e, &pm0, UINT32_MAX), RSM_OK);
    CU_ASSERT_EQUAL(label_reqs(&fx, &pm0, NTMS_LM_PASSED).n_state, 1);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_AVAILABLE);
    CU_ASSERT_STRING_EQUAL(side_of(&fx, &pm0).u.side.omid_type, "RSM");
    CU_ASSERT_EQUAL(tape_read(1).kind, RSM_OMID_FREE);
    check_db(&fx);
}

/* Moved on to an application pool before the robot got to it: the request FAILS with
 * ERROR_INVALID_MEDIA_POOL without touching the tape, and the side is Available there
 * (UNPREPARED exists only in Free). */
static void moved_out_before_write_tape_untouched(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    add_library(&fx);
    struct rsm_guid pm0 = pm_of(&fx, "O00000L8"), freep = free_pool_of(&fx, &pm0);
    struct rsm_guid app = app_pool(&fx, &pm0);
    tape_write(1, tar_label, sizeof tar_label);
    struct rsm_lc_lib *L = robot_hold(&fx);
    CU_ASSERT_EQUAL(api_move(&fx, &pm0, &freep), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_UNPREPARED);
    CU_ASSERT_EQUAL(api_move(&fx, &pm0, &app), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(side_of(&fx, &pm0).u.side.state, RSM_PART_AVAILABLE);
    robot_release(L);
    CU_ASSERT_EQUAL(rsm_omid_free_label_wait(fx.e, &pm0, UINT32_MAX), RSM_OK);
    struct label_reqs q = label_reqs(&fx, &pm0, NTMS_LM_FAILED);
    CU_ASSERT_EQUAL(q.n_state, 1);
    CU_ASSERT_EQUAL(q.error, ERROR_INVALID_MEDIA_POOL);
    struct rsm_omid_label l = tape_read(1);
    CU_ASSERT_EQUAL(l.kind, RSM_OMID_LABEL);
    CU_ASSERT_STRING_EQUAL(l.r.type, "TAR");
    check_db(&fx);
}

static CU_TestInfo omid_tests[] = {
    {"omid_inventory_sorts_cartridges_by_label", omid_inventory_sorts_cartridges_by_label},
    {"free_label_written_then_recognised", free_label_written_then_recognised},
    {"free_media_offline_refused", free_media_offline_refused},
    {"update_omid_then_recognised", update_omid_then_recognised},
    {"move_to_free_writes_label_async", move_to_free_writes_label_async},
    {"free_label_jam_then_retry", free_label_jam_then_retry},
    {"deallocate_to_scratch_writes_label", deallocate_to_scratch_writes_label},
    {"change_type_into_free_writes_label", change_type_into_free_writes_label},
    {"offline_medium_enters_free_available", offline_medium_enters_free_available},
    {"moved_out_before_write_tape_untouched", moved_out_before_write_tape_untouched},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo omid_suites[] = {
    {"rsm_omid", suite_init, NULL, setup, teardown, omid_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {omid_suites, NULL};
    return cutest_main(argc, argv, tables);
}
