/* SPDX-License-Identifier: MIT
 * sim/core/tests/test_core.c - the library model without SCSI: clock, barcodes, robot
 * rules, doors and mail slots, unit-attention queues, faults, persistence, YAML configs
 * and personalities.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scsi/t10.h"
#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/core/internal.h"
#include "sim/core/library.h"
#include "sim/core/mutant.h"
#include "tests/lib/cutest.h"

#define ST(i) ((uint16_t)(1025 + (i))) /* default library: slot addresses */
#define IE(i) ((uint16_t)(769 + (i)))
#define DT(i) ((uint16_t)(257 + (i)))

static struct vtl_library *new_default(void)
{
    struct vtl_config *cfg;
    CU_ASSERT_FATAL(vtl_config_default(&cfg) == VTL_OK);
    struct vtl_library *lib;
    CU_ASSERT_FATAL(vtl_library_create(cfg, &lib) == VTL_OK);
    vtl_config_free(cfg);
    return lib;
}

static struct vtl_library *new_from_yaml(const char *yaml)
{
    struct vtl_config *cfg;
    char err[256] = "";
    enum vtl_rc rc = vtl_config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, err, sizeof err);
    if (rc != VTL_OK)
        fprintf(stderr, "config: %s\n", err);
    CU_ASSERT_FATAL(rc == VTL_OK);
    struct vtl_library *lib;
    CU_ASSERT_FATAL(vtl_library_create(cfg, &lib) == VTL_OK);
    vtl_config_free(cfg);
    return lib;
}

struct done_rec {
    int calls;
    enum vtl_rc rc;
};
static void on_done(void *arg, enum vtl_rc rc)
{
    struct done_rec *d = arg;
    d->calls++;
    d->rc = rc;
}

static enum vtl_rc move_now(struct vtl_library *lib, uint16_t src, uint16_t dst)
{
    struct done_rec d = {0};
    struct vtl_robot_op op = {.kind = VTL_ROBOT_MOVE, .src = src, .dst = dst};
    CU_ASSERT_FATAL(vtl_robot_submit(lib, &op, on_done, &d) == VTL_OK);
    CU_ASSERT_EQUAL(d.calls, 1);
    return d.rc;
}

/* ---- clock ---- */

static int order[8], n_order;
static void ev(void *arg)
{
    order[n_order++] = (int)(intptr_t)arg;
}

static void virtual_clock_runs_events_in_time_order(void)
{
    struct vtl_clock *c = vtl_clock_new(VTL_CLOCK_VIRTUAL, 0);
    n_order = 0;
    vtl_clock_schedule(c, 300, ev, (void *)3);
    vtl_clock_schedule(c, 100, ev, (void *)1);
    vtl_clock_schedule(c, 100, ev, (void *)2); /* same time: scheduling order */
    CU_ASSERT_EQUAL(vtl_clock_run_due(c), 0);
    CU_ASSERT_EQUAL(vtl_clock_next_due_us(c), 100);
    CU_ASSERT_EQUAL(vtl_clock_advance(c, 150), 2);
    CU_ASSERT_EQUAL(vtl_clock_now_us(c), 150);
    CU_ASSERT_EQUAL(n_order, 2);
    CU_ASSERT_EQUAL(order[0], 1);
    CU_ASSERT_EQUAL(order[1], 2);
    CU_ASSERT_EQUAL(vtl_clock_advance(c, 1000), 1);
    CU_ASSERT_EQUAL(order[2], 3);
    CU_ASSERT_EQUAL(vtl_clock_next_due_us(c), UINT64_MAX);
    vtl_clock_free(c);
}

static void cancelled_event_never_runs(void)
{
    struct vtl_clock *c = vtl_clock_new(VTL_CLOCK_VIRTUAL, 0);
    n_order = 0;
    uint64_t id = vtl_clock_schedule(c, 10, ev, (void *)1);
    CU_ASSERT_TRUE(vtl_clock_cancel(c, id));
    CU_ASSERT_FALSE(vtl_clock_cancel(c, id));
    vtl_clock_advance(c, 100);
    CU_ASSERT_EQUAL(n_order, 0);
    vtl_clock_free(c);
}

static void zero_clock_has_no_delays_and_scaled_needs_scale(void)
{
    struct vtl_clock *z = vtl_clock_new(VTL_CLOCK_ZERO, 0);
    CU_ASSERT_EQUAL(vtl_clock_effective_us(z, 5000000), 0);
    vtl_clock_free(z);
    CU_ASSERT_PTR_NULL(vtl_clock_new(VTL_CLOCK_SCALED, 0));
    struct vtl_clock *s = vtl_clock_new(VTL_CLOCK_SCALED, 1000.0);
    CU_ASSERT_PTR_NOT_NULL(s);
    CU_ASSERT_EQUAL(vtl_clock_effective_us(s, 7), 7);
    vtl_clock_free(s);
}

/* ---- barcodes and media ---- */

static void barcode_suffix_gives_media_worm_and_cleaning(void)
{
    struct vtl_cart_info c;
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("A00001L8", 50, &c), VTL_OK);
    CU_ASSERT_EQUAL(c.media, VTL_MEDIA_LTO8);
    CU_ASSERT_FALSE(c.worm);
    CU_ASSERT_FALSE(c.cleaning);
    CU_ASSERT_EQUAL(c.cleaning_uses_left, -1);
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("W00001LW", 50, &c), VTL_OK);
    CU_ASSERT_EQUAL(c.media, VTL_MEDIA_LTO6);
    CU_ASSERT_TRUE(c.worm);
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("W00001LU", 50, &c), VTL_OK);
    CU_ASSERT_EQUAL(c.media, VTL_MEDIA_LTO4);
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("B00001L7", 50, &c), VTL_OK);
    CU_ASSERT_EQUAL(c.media, VTL_MEDIA_LTO7);
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("M00001M8", 50, &c), VTL_OK);
    CU_ASSERT_EQUAL(c.media, VTL_MEDIA_LTO7_M8);
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("CLN001L1", 42, &c), VTL_OK);
    CU_ASSERT_TRUE(c.cleaning);
    CU_ASSERT_EQUAL(c.media, VTL_MEDIA_CLEANING);
    CU_ASSERT_EQUAL(c.cleaning_uses_left, 42);
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("XYZ", 50, &c), VTL_OK);
    CU_ASSERT_EQUAL(c.media, VTL_MEDIA_UNKNOWN);
}

static void bad_barcodes_rejected_unchanged(void)
{
    struct vtl_cart_info c = {.barcode = "KEEP"};
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("", 1, &c), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("A B", 1, &c), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("A*1", 1, &c), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("012345678901234567890123456789012", 1, &c), VTL_E_INVAL);
    CU_ASSERT_STRING_EQUAL(c.barcode, "KEEP");
}

static void lto8_drive_takes_lto7_m8_and_cleaning_not_lto6(void)
{
    uint32_t m = vtl_media_drive_mask(8);
    CU_ASSERT_TRUE(m & VTL_MEDIA_BIT(VTL_MEDIA_LTO8));
    CU_ASSERT_TRUE(m & VTL_MEDIA_BIT(VTL_MEDIA_LTO7));
    CU_ASSERT_TRUE(m & VTL_MEDIA_BIT(VTL_MEDIA_LTO7_M8));
    CU_ASSERT_TRUE(m & VTL_MEDIA_BIT(VTL_MEDIA_CLEANING));
    CU_ASSERT_FALSE(m & VTL_MEDIA_BIT(VTL_MEDIA_LTO6));
    CU_ASSERT_FALSE(m & VTL_MEDIA_BIT(VTL_MEDIA_LTO9));
    uint32_t m6 = vtl_media_drive_mask(6);
    CU_ASSERT_TRUE(m6 & VTL_MEDIA_BIT(VTL_MEDIA_LTO4));
    CU_ASSERT_FALSE(m6 & VTL_MEDIA_BIT(VTL_MEDIA_LTO3));
}

/* ---- default library and moves ---- */

static void default_library_matches_design(void)
{
    struct vtl_library *lib = new_default();
    CU_ASSERT_STRING_EQUAL(vtl_library_vendor(lib), "IBM");
    CU_ASSERT_STRING_EQUAL(vtl_library_product(lib), "3555L3A");
    CU_ASSERT_EQUAL(vtl_library_count(lib, VTL_ELEM_TRANSPORT), 1);
    CU_ASSERT_EQUAL(vtl_library_count(lib, VTL_ELEM_DTE), 2);
    CU_ASSERT_EQUAL(vtl_library_count(lib, VTL_ELEM_STORAGE), 24);
    CU_ASSERT_EQUAL(vtl_library_count(lib, VTL_ELEM_IE), 2);
    CU_ASSERT_EQUAL(vtl_library_first_addr(lib, VTL_ELEM_DTE), 257);
    CU_ASSERT_EQUAL(vtl_library_first_addr(lib, VTL_ELEM_IE), 769);
    CU_ASSERT_EQUAL(vtl_library_first_addr(lib, VTL_ELEM_STORAGE), 1025);
    unsigned data = 0, cln = 0;
    for (unsigned i = 0; i < 24; i++) {
        struct vtl_elem_info e;
        CU_ASSERT_EQUAL(vtl_library_elem_at(lib, VTL_ELEM_STORAGE, i, &e), VTL_OK);
        if (e.full && e.cart.cleaning)
            cln++;
        else if (e.full && e.cart.media == VTL_MEDIA_LTO8 && e.cart.barcode[0])
            data++;
    }
    CU_ASSERT_EQUAL(data, 20);
    CU_ASSERT_EQUAL(cln, 1);
    struct vtl_elem_info d;
    CU_ASSERT_EQUAL(vtl_library_elem(lib, DT(0), &d), VTL_OK);
    CU_ASSERT_STRING_EQUAL(d.drive.product, "ULT3580-TD8");
    CU_ASSERT_EQUAL(d.drive.gen, 8);
    struct vtl_elem_info d2;
    vtl_library_elem(lib, DT(1), &d2);
    CU_ASSERT_STRING_NOT_EQUAL(d.drive.serial, d2.drive.serial);
    vtl_library_destroy(lib);
}

static void move_slot_to_drive_sets_source_and_back(void)
{
    struct vtl_library *lib = new_default();
    CU_ASSERT_EQUAL(move_now(lib, ST(0), DT(0)), VTL_OK);
    struct vtl_elem_info e;
    vtl_library_elem(lib, DT(0), &e);
    CU_ASSERT_TRUE(e.full);
    CU_ASSERT_TRUE(e.svalid);
    CU_ASSERT_EQUAL(e.src_addr, ST(0));
    CU_ASSERT_STRING_EQUAL(e.cart.barcode, "A00000L8");
    vtl_library_elem(lib, ST(0), &e);
    CU_ASSERT_FALSE(e.full);
    /* drive to drive keeps the home slot as source */
    CU_ASSERT_EQUAL(move_now(lib, DT(0), DT(1)), VTL_OK);
    vtl_library_elem(lib, DT(1), &e);
    CU_ASSERT_EQUAL(e.src_addr, ST(0));
    CU_ASSERT_EQUAL(move_now(lib, DT(1), ST(0)), VTL_OK);
    CU_ASSERT_EQUAL(vtl_library_move_count(lib), 3);
    vtl_library_destroy(lib);
}

static void move_rules_each_fail_without_motion(void)
{
    struct vtl_library *lib = new_default();
    CU_ASSERT_EQUAL(move_now(lib, ST(23), DT(0)), VTL_E_SRC_EMPTY);
    CU_ASSERT_EQUAL(move_now(lib, ST(0), ST(1)), VTL_E_DST_FULL);
    CU_ASSERT_EQUAL(move_now(lib, 999, DT(0)), VTL_E_BAD_ADDR);
    CU_ASSERT_EQUAL(move_now(lib, ST(0), 1), VTL_E_BAD_ADDR); /* transport is no destination */
    struct done_rec d = {0};
    struct vtl_robot_op op = {
        .kind = VTL_ROBOT_MOVE, .transport = ST(5), .src = ST(0), .dst = ST(22)};
    vtl_robot_submit(lib, &op, on_done, &d);
    CU_ASSERT_EQUAL(d.rc, VTL_E_BAD_ADDR); /* not a transport */
    CU_ASSERT_EQUAL(vtl_library_move_count(lib), 0);
    struct vtl_elem_info e;
    vtl_library_elem(lib, ST(0), &e);
    CU_ASSERT_TRUE(e.full);
    vtl_library_destroy(lib);
}

static void incompatible_media_into_drive_fails_3000(void)
{
    struct vtl_library *lib = new_from_yaml("personality: ibm-ts4300\n"
                                            "cartridges:\n"
                                            "  - {barcode: OLD001L5, slot: 1}\n"
                                            "  - {barcode: CLN007L1, slot: 2}\n");
    CU_ASSERT_EQUAL(move_now(lib, ST(0), DT(0)), VTL_E_INCOMPATIBLE);
    CU_ASSERT_EQUAL(move_now(lib, ST(1), DT(0)), VTL_OK); /* cleaners go in any drive */
    vtl_library_destroy(lib);
}

static void cleaning_cartridge_export_follows_personality(void)
{
    struct vtl_library *lib = new_from_yaml("personality: hpe-msl\n"
                                            "cartridges:\n  - {barcode: CLN001CU, slot: 1}\n");
    uint16_t st = vtl_library_first_addr(lib, VTL_ELEM_STORAGE);
    uint16_t ie = vtl_library_first_addr(lib, VTL_ELEM_IE);
    CU_ASSERT_EQUAL(move_now(lib, st, ie), VTL_E_INCOMPATIBLE);
    vtl_library_destroy(lib);
    lib = new_default();
    CU_ASSERT_EQUAL(move_now(lib, ST(20), IE(0)), VTL_OK); /* IBM accepts it */
    vtl_library_destroy(lib);
}

static bool drive_busy_flag;
static bool may_remove(void *priv)
{
    (void)priv;
    return !drive_busy_flag;
}
static int loads, unloads;
static void loaded(void *priv, const struct vtl_cart_info *c)
{
    (void)priv;
    (void)c;
    loads++;
}
static void unloaded(void *priv)
{
    (void)priv;
    unloads++;
}
static const struct vtl_drive_ops test_ops = {loaded, unloaded, may_remove};

static void drive_hook_sees_loads_and_can_refuse_removal_5302(void)
{
    struct vtl_library *lib = new_default();
    loads = unloads = 0;
    CU_ASSERT_EQUAL(vtl_library_set_drive_ops(lib, 0, &test_ops, NULL), VTL_OK);
    CU_ASSERT_EQUAL(vtl_library_set_drive_ops(lib, 5, &test_ops, NULL), VTL_E_BAD_ADDR);
    CU_ASSERT_EQUAL(move_now(lib, ST(0), DT(0)), VTL_OK);
    CU_ASSERT_EQUAL(loads, 1);
    drive_busy_flag = true;
    CU_ASSERT_EQUAL(move_now(lib, DT(0), ST(0)), VTL_E_PREVENTED);
    drive_busy_flag = false;
    CU_ASSERT_EQUAL(move_now(lib, DT(0), ST(0)), VTL_OK);
    CU_ASSERT_EQUAL(unloads, 1);
    vtl_library_destroy(lib);
}

static void exchange_swaps_and_checks_rules(void)
{
    struct vtl_library *lib = new_default();
    struct done_rec d = {0};
    struct vtl_robot_op op = {
        .kind = VTL_ROBOT_EXCHANGE, .src = ST(0), .dst = ST(1), .dst2 = ST(0)};
    vtl_robot_submit(lib, &op, on_done, &d);
    CU_ASSERT_EQUAL(d.rc, VTL_OK);
    struct vtl_elem_info a, b;
    vtl_library_elem(lib, ST(0), &a);
    vtl_library_elem(lib, ST(1), &b);
    CU_ASSERT_STRING_EQUAL(a.cart.barcode, "A00001L8");
    CU_ASSERT_STRING_EQUAL(b.cart.barcode, "A00000L8");
    /* first destination empty => 3B/0E; second destination full => 3B/0D */
    op = (struct vtl_robot_op){
        .kind = VTL_ROBOT_EXCHANGE, .src = ST(0), .dst = ST(23), .dst2 = ST(22)};
    vtl_robot_submit(lib, &op, on_done, &d);
    CU_ASSERT_EQUAL(d.rc, VTL_E_SRC_EMPTY);
    op = (struct vtl_robot_op){
        .kind = VTL_ROBOT_EXCHANGE, .src = ST(0), .dst = ST(1), .dst2 = ST(2)};
    vtl_robot_submit(lib, &op, on_done, &d);
    CU_ASSERT_EQUAL(d.rc, VTL_E_DST_FULL);
    vtl_library_destroy(lib);
}

static void virtual_clock_move_completes_after_delay_and_queues(void)
{
    struct vtl_library *lib = new_from_yaml(
        "personality: ibm-ts4300\nclock: {mode: virtual}\ndelays: {move_ms: 1000}\n"
        "cartridges:\n  - {barcode: A00001L8, slot: 1}\n  - {barcode: A00002L8, slot: 2}\n");
    struct done_rec d1 = {0}, d2 = {0};
    struct vtl_robot_op op1 = {.kind = VTL_ROBOT_MOVE, .src = ST(0), .dst = DT(0)};
    struct vtl_robot_op op2 = {.kind = VTL_ROBOT_MOVE, .src = ST(1), .dst = DT(1)};
    vtl_robot_submit(lib, &op1, on_done, &d1);
    vtl_robot_submit(lib, &op2, on_done, &d2);
    CU_ASSERT_EQUAL(d1.calls, 0);
    CU_ASSERT_TRUE(vtl_robot_busy(lib));
    struct vtl_elem_info e;
    vtl_library_elem(lib, ST(0), &e);
    CU_ASSERT_TRUE(e.full); /* nothing moves before the delay ends */
    vtl_clock_advance(vtl_library_clock(lib), 999000);
    CU_ASSERT_EQUAL(d1.calls, 0);
    vtl_clock_advance(vtl_library_clock(lib), 1000);
    CU_ASSERT_EQUAL(d1.calls, 1);
    CU_ASSERT_EQUAL(d1.rc, VTL_OK);
    CU_ASSERT_EQUAL(d2.calls, 0); /* queued behind the first */
    vtl_clock_advance(vtl_library_clock(lib), 1000000);
    CU_ASSERT_EQUAL(d2.calls, 1);
    CU_ASSERT_FALSE(vtl_robot_busy(lib));
    vtl_library_destroy(lib);
}

static void scaled_clock_move_completes_from_run_due(void)
{
    /* a million times faster than real time: a 2 s move takes 2 us of wall time */
    struct vtl_library *lib =
        new_from_yaml("personality: ibm-ts4300\nclock: {mode: scaled, scale: 1000000}\n"
                      "delays: {move_ms: 2000}\ncartridges:\n  - {barcode: S00001L8, slot: 1}\n");
    struct done_rec d = {0};
    struct vtl_robot_op op = {.kind = VTL_ROBOT_MOVE, .src = ST(0), .dst = DT(0)};
    CU_ASSERT_EQUAL(vtl_robot_submit(lib, &op, on_done, &d), VTL_OK);
    CU_ASSERT_EQUAL(d.calls, 0);
    CU_ASSERT_TRUE(vtl_clock_next_due_us(vtl_library_clock(lib)) <= 2000000);
    for (int i = 0; i < 1000000 && !d.calls; i++)
        vtl_library_run_due(lib);
    CU_ASSERT_EQUAL(d.calls, 1);
    CU_ASSERT_EQUAL(d.rc, VTL_OK);
    vtl_library_destroy(lib);
}

/* ---- doors, mail slots, UAs ---- */

static void door_open_makes_elements_inaccessible(void)
{
    struct vtl_library *lib = new_default();
    CU_ASSERT_EQUAL(vtl_library_set_door(lib, true), VTL_OK);
    CU_ASSERT_TRUE(vtl_fault_tapealert(lib) & (UINT64_C(1) << (0x10 - 1)));
    struct vtl_elem_info e;
    vtl_library_elem(lib, ST(0), &e);
    CU_ASSERT_FALSE(e.access);
    CU_ASSERT_EQUAL(move_now(lib, ST(0), DT(0)), VTL_E_NOT_ACCESSIBLE);
    CU_ASSERT_EQUAL(vtl_library_set_door(lib, false), VTL_OK);
    vtl_library_elem(lib, ST(0), &e);
    CU_ASSERT_TRUE(e.access);
    vtl_library_destroy(lib);
}

static void mailslot_inject_and_remove_by_operator(void)
{
    struct vtl_library *lib = new_default();
    struct vtl_cart_info c;
    vtl_cart_from_barcode("NEW001L8", 50, &c);
    uint16_t at = 0;
    CU_ASSERT_EQUAL(vtl_library_inject(lib, &c, 0, &at), VTL_OK);
    CU_ASSERT_EQUAL(at, IE(0));
    struct vtl_elem_info e;
    vtl_library_elem(lib, IE(0), &e);
    CU_ASSERT_TRUE(e.full);
    CU_ASSERT_TRUE(e.impexp);
    CU_ASSERT_EQUAL(vtl_library_inject(lib, &c, 0, NULL), VTL_E_EXISTS);
    vtl_cart_from_barcode("NEW002L8", 50, &c);
    CU_ASSERT_EQUAL(vtl_library_inject(lib, &c, IE(0), NULL), VTL_E_DST_FULL);
    CU_ASSERT_EQUAL(vtl_library_inject(lib, &c, ST(0), NULL), VTL_E_BAD_ADDR);
    /* import it with the robot: ImpExp goes to 0 */
    CU_ASSERT_EQUAL(move_now(lib, IE(0), ST(23)), VTL_OK);
    CU_ASSERT_EQUAL(move_now(lib, ST(23), IE(1)), VTL_OK);
    vtl_library_elem(lib, IE(1), &e);
    CU_ASSERT_FALSE(e.impexp);
    struct vtl_cart_info out;
    CU_ASSERT_EQUAL(vtl_library_remove(lib, IE(1), &out), VTL_OK);
    CU_ASSERT_STRING_EQUAL(out.barcode, "NEW001L8");
    CU_ASSERT_EQUAL(vtl_library_remove(lib, IE(1), &out), VTL_E_SRC_EMPTY);
    vtl_library_destroy(lib);
}

static void ua_queue_reset_outranks_and_dedups(void)
{
    struct vtl_nexus nx = {.used = true};
    vtl_ua_raise(&nx, T10_ASC(0x28, 0x01));
    vtl_ua_raise(&nx, T10_ASC(0x28, 0x01));
    vtl_ua_raise(&nx, T10_ASC(0x2A, 0x01));
    CU_ASSERT_EQUAL(nx.n_ua, 2);
    CU_ASSERT_EQUAL(vtl_ua_take(&nx), T10_ASC(0x28, 0x01));
    vtl_ua_raise(&nx, T10_ASC(0x29, 0x00));
    CU_ASSERT_EQUAL(vtl_ua_take(&nx), T10_ASC(0x29, 0x00));
    CU_ASSERT_EQUAL(vtl_ua_take(&nx), 0);
}

/* ---- faults ---- */

static void jam_fails_moves_until_cleared(void)
{
    struct vtl_library *lib = new_default();
    vtl_fault_robot_jam(lib, 0);
    CU_ASSERT_EQUAL(move_now(lib, ST(0), DT(0)), VTL_E_JAMMED);
    struct vtl_elem_info e;
    vtl_library_elem(lib, 1, &e);
    CU_ASSERT_TRUE(e.except);
    CU_ASSERT_EQUAL(e.asc_ascq, T10_ASC(0x15, 0x01));
    CU_ASSERT_TRUE(vtl_fault_tapealert(lib) & 1);
    vtl_fault_clear_jam(lib);
    CU_ASSERT_EQUAL(move_now(lib, ST(0), DT(0)), VTL_OK);
    vtl_library_destroy(lib);
}

static void unreadable_barcode_shows_exception(void)
{
    struct vtl_library *lib = new_default();
    CU_ASSERT_EQUAL(vtl_fault_barcode_unreadable(lib, "A00003L8", true), VTL_OK);
    CU_ASSERT_EQUAL(vtl_fault_barcode_unreadable(lib, "NOPE00L8", true), VTL_E_NOT_FOUND);
    struct vtl_elem_info e;
    vtl_library_elem(lib, ST(3), &e);
    CU_ASSERT_TRUE(e.except);
    CU_ASSERT_EQUAL(e.asc_ascq, T10_ASC(0x83, 0x00));
    vtl_library_destroy(lib);
}

static void power_on_reset_drops_prevent_and_jam(void)
{
    struct vtl_library *lib = new_default();
    lib->prevent_restored = true;
    vtl_fault_robot_jam(lib, 0);
    vtl_fault_power_on_reset(lib);
    CU_ASSERT_FALSE(vtl_library_prevented(lib));
    CU_ASSERT_FALSE(vtl_fault_jammed(lib));
    vtl_library_destroy(lib);
}

static void cartridge_appears_ignores_lock(void)
{
    struct vtl_library *lib = new_default();
    lib->prevent_restored = true;
    struct vtl_cart_info c;
    vtl_cart_from_barcode("APP001L8", 50, &c);
    CU_ASSERT_EQUAL(vtl_library_inject(lib, &c, 0, NULL), VTL_E_PREVENTED);
    CU_ASSERT_EQUAL(vtl_fault_cartridge_appears(lib, &c, 0), VTL_OK);
    CU_ASSERT_EQUAL(vtl_library_set_door(lib, true), VTL_E_PREVENTED);
    vtl_fault_door_left_open(lib);
    CU_ASSERT_TRUE(vtl_library_door_open(lib));
    vtl_library_destroy(lib);
}

static void next_cmd_fault_rejects_bad_arguments(void)
{
    struct vtl_library *lib = new_default();
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(lib, 0xA5, 0x4, T10_ASC(0x15, 0x01), 0), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(lib, 0x1A5, 0x4, 0, 1), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(lib, 0xA5, 0x14, 0, 1), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(lib, 0xA5, 0x4, T10_ASC(0x15, 0x01), 2), VTL_OK);
    CU_ASSERT_EQUAL(vtl_fault_pending_cmds(lib), 2);
    vtl_library_destroy(lib);
}

/* ---- persistence ---- */

static void state_round_trip_restores_positions(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    struct vtl_library *lib = new_default();
    CU_ASSERT_EQUAL(move_now(lib, ST(0), DT(1)), VTL_OK);
    vtl_library_set_mailslot(lib, true);
    CU_ASSERT_EQUAL(vtl_library_save_state(lib, dir), VTL_OK);
    vtl_library_destroy(lib);

    lib = new_default();
    char why[200];
    CU_ASSERT_EQUAL(vtl_library_load_state(lib, dir, why, sizeof why), VTL_OK);
    struct vtl_elem_info e;
    vtl_library_elem(lib, DT(1), &e);
    CU_ASSERT_TRUE(e.full);
    CU_ASSERT_TRUE(e.svalid);
    CU_ASSERT_EQUAL(e.src_addr, ST(0));
    CU_ASSERT_STRING_EQUAL(e.cart.barcode, "A00000L8");
    vtl_library_elem(lib, ST(20), &e);
    CU_ASSERT_TRUE(e.cart.cleaning);
    CU_ASSERT_EQUAL(e.cart.cleaning_uses_left, 50);
    CU_ASSERT_TRUE(vtl_library_mailslot_open(lib));
    vtl_library_destroy(lib);
    test_rmtree(dir);
}

static void corrupt_state_rejected_and_not_applied(void)
{
    char dir[256], path[300];
    test_mkdtemp(dir, sizeof dir);
    struct vtl_library *lib = new_default();
    move_now(lib, ST(0), DT(0));
    CU_ASSERT_EQUAL(vtl_library_save_state(lib, dir), VTL_OK);
    vtl_library_destroy(lib);
    snprintf(path, sizeof path, "%s/library.state", dir);
    /* flip one byte in the middle */
    FILE *f = fopen(path, "r+b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fseek(f, 120, SEEK_SET);
    int ch = fgetc(f);
    fseek(f, 120, SEEK_SET);
    fputc(ch == '1' ? '0' : '1', f);
    fclose(f);
    lib = new_default();
    char why[200] = "";
    CU_ASSERT_EQUAL(vtl_library_load_state(lib, dir, why, sizeof why), VTL_E_CORRUPT);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "checksum"));
    struct vtl_elem_info e;
    vtl_library_elem(lib, ST(0), &e);
    CU_ASSERT_TRUE(e.full); /* untouched: still the configured layout */
    vtl_library_destroy(lib);

    /* truncated file */
    f = fopen(path, "r+b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(ftruncate(fileno(f), 200), 0);
    fclose(f);
    lib = new_default();
    CU_ASSERT_EQUAL(vtl_library_load_state(lib, dir, why, sizeof why), VTL_E_CORRUPT);
    vtl_library_destroy(lib);
    test_rmtree(dir);
}

static void state_with_duplicate_barcode_rejected(void)
{
    char dir[256], path[300];
    test_mkdtemp(dir, sizeof dir);
    struct vtl_library *lib = new_default();
    CU_ASSERT_EQUAL(vtl_library_save_state(lib, dir), VTL_OK);
    vtl_library_destroy(lib);
    /* rewrite slot 24 (empty) to hold a second A00000L8, with a correct checksum */
    snprintf(path, sizeof path, "%s/library.state", dir);
    FILE *f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    static char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *line = strstr(text, "elem 1048 0 0 0 0 0 - 0 0 0 -1 0\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    static char out[8192];
    size_t head = (size_t)(line - text);
    memcpy(out, text, head);
    size_t pos =
        head + (size_t)sprintf(out + head, "elem 1048 1 0 0 0 0 4130303030304c38 8 0 0 -1 0\n");
    const char *rest = line + strlen("elem 1048 0 0 0 0 0 - 0 0 0 -1 0\n");
    const char *crc = strstr(rest, "crc ");
    memcpy(out + pos, rest, (size_t)(crc - rest));
    pos += (size_t)(crc - rest);
    /* CRC-32 (IEEE) of everything before the crc line */
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < pos; i++) {
        c ^= (uint8_t)out[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    pos += (size_t)sprintf(out + pos, "crc %08x\n", ~c);
    f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fwrite(out, 1, pos, f);
    fclose(f);
    lib = new_default();
    char why[200] = "";
    CU_ASSERT_EQUAL(vtl_library_load_state(lib, dir, why, sizeof why), VTL_E_CORRUPT);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "barcode appears twice"));
    vtl_library_destroy(lib);
    test_rmtree(dir);
}

static void state_from_other_layout_rejected(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    struct vtl_library *lib = new_default();
    CU_ASSERT_EQUAL(vtl_library_save_state(lib, dir), VTL_OK);
    vtl_library_destroy(lib);
    lib = new_from_yaml("personality: ibm-ts4300\nslots: 30\n");
    char why[200] = "";
    CU_ASSERT_EQUAL(vtl_library_load_state(lib, dir, why, sizeof why), VTL_E_CORRUPT);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "layout"));
    CU_ASSERT_EQUAL(vtl_library_load_state(lib, "/nonexistent-dir-vtl", why, sizeof why),
                    VTL_E_NOT_FOUND);
    vtl_library_destroy(lib);
    test_rmtree(dir);
}

static void autosave_follows_every_change(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    struct vtl_library *lib = new_default();
    CU_ASSERT_EQUAL(vtl_library_set_state_dir(lib, dir), VTL_OK);
    CU_ASSERT_EQUAL(move_now(lib, ST(2), DT(0)), VTL_OK);
    struct vtl_cart_info c;
    vtl_cart_from_barcode("AUT001L8", 50, &c);
    CU_ASSERT_EQUAL(vtl_library_inject(lib, &c, 0, NULL), VTL_OK);
    CU_ASSERT_EQUAL(vtl_library_use_cleaner(lib, ST(20)), VTL_OK);
    CU_ASSERT_EQUAL(vtl_library_autosave_status(lib), VTL_OK);
    vtl_library_destroy(lib); /* no explicit save: a crash here loses nothing */
    lib = new_default();
    CU_ASSERT_EQUAL(vtl_library_load_state(lib, dir, NULL, 0), VTL_OK);
    struct vtl_elem_info e;
    vtl_library_elem(lib, DT(0), &e);
    CU_ASSERT_STRING_EQUAL(e.cart.barcode, "A00002L8");
    vtl_library_elem(lib, IE(0), &e);
    CU_ASSERT_STRING_EQUAL(e.cart.barcode, "AUT001L8");
    CU_ASSERT_TRUE(e.impexp);
    vtl_library_elem(lib, ST(20), &e);
    CU_ASSERT_EQUAL(e.cart.cleaning_uses_left, 49);
    vtl_library_destroy(lib);
    lib = new_default();
    CU_ASSERT_EQUAL(vtl_library_set_state_dir(lib, "/nonexistent-dir-vtl/x"), VTL_E_IO);
    CU_ASSERT_EQUAL(vtl_library_autosave_status(lib), VTL_E_IO);
    vtl_library_destroy(lib);
    test_rmtree(dir);
}

static void cleaner_uses_count_down_to_expired(void)
{
    struct vtl_library *lib = new_from_yaml("personality: ibm-ts4300\ncartridges:\n"
                                            "  - {barcode: CLN001L1, slot: 1, uses: 2}\n"
                                            "  - {barcode: D00001L8, slot: 2}\n");
    CU_ASSERT_EQUAL(vtl_library_use_cleaner(lib, ST(0)), VTL_OK);
    CU_ASSERT_EQUAL(vtl_library_use_cleaner(lib, ST(0)), VTL_OK);
    CU_ASSERT_EQUAL(vtl_library_use_cleaner(lib, ST(0)), VTL_E_INCOMPATIBLE);
    CU_ASSERT_EQUAL(vtl_library_use_cleaner(lib, ST(1)), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_library_use_cleaner(lib, 4444), VTL_E_BAD_ADDR);
    vtl_library_destroy(lib);
}

/* ---- configs ---- */

static void expect_config_error(const char *yaml, const char *want)
{
    struct vtl_config *cfg = (void *)1;
    char err[300] = "";
    CU_ASSERT_EQUAL(vtl_config_load_string(yaml, strlen(yaml), "lib.yaml", &cfg, err, sizeof err),
                    VTL_E_CONFIG);
    CU_ASSERT_PTR_NULL(cfg);
    if (!strstr(err, want)) {
        fprintf(stderr, "\n  expected '%s' in '%s'\n", want, err);
        CU_FAIL("error text");
    }
}

static void config_errors_name_line_and_column(void)
{
    expect_config_error("personality: ibm-ts4300\nslotz: 4\n",
                        "lib.yaml:2:1: unknown key 'slotz' in library config");
    expect_config_error("personality: ibm-ts4300\nslots: many\n",
                        "lib.yaml:2:8: expected a non-negative integer for 'slots'");
    expect_config_error("slots: 4\n", "lib.yaml:1:1: missing key 'personality'");
    expect_config_error("personality: ibm-ts4300\ncartridges:\n  - {barcode: A1L8, slot: 1}\n"
                        "  - {barcode: A1L8, slot: 2}\n",
                        "lib.yaml:4:15: duplicate barcode 'A1L8'");
    expect_config_error("personality: ibm-ts4300\ncartridges:\n  - {barcode: A1L8, slot: 25}\n",
                        "lib.yaml:3:27: slot 25 out of range (this library has slot 1-24)");
    expect_config_error("personality: ibm-ts4300\ncartridges:\n  - {barcode: A1L8, slot: 1}\n"
                        "  - {barcode: B2L8, slot: 1}\n",
                        "lib.yaml:4:27: slot 1 already holds cartridge 'A1L8'");
    expect_config_error("personality: ibm-ts4300\ncartridges:\n  - {slot: 2}\n",
                        "lib.yaml:3:5: missing key 'barcode' in cartridge");
    expect_config_error("personality: ibm-ts4300\nslots: 3\nslots: 4\n",
                        "lib.yaml:3:1: duplicate key 'slots'");
    expect_config_error("personality: nope\n",
                        "lib.yaml:1:14: personality: unknown personality 'nope'");
    expect_config_error("personality: ibm-ts4300\nclock: {mode: fast}\n",
                        "lib.yaml:2:15: expected zero, real, scaled or virtual for 'mode'");
    expect_config_error("personality: [ibm\n", "lib.yaml:2:1:");
    expect_config_error("personality: ibm-ts4300\ndrives: {a: 1}\n",
                        "lib.yaml:2:9: expected a number or a list for 'drives', found a mapping");
}

static void config_overrides_counts_drives_carts_clock(void)
{
    const char *y = "personality: quantum-scalar-i3\n"
                    "serial: QX1\n"
                    "slots: 50\n"
                    "mailslots: 3\n"
                    "drives:\n"
                    "  - {serial: D1, generation: 9}\n"
                    "  - {serial: D2}\n"
                    "  - {serial: D3, product: ULTRIUM-HH7, generation: 7}\n"
                    "cartridges:\n"
                    "  - {barcode: Q00001L9, slot: 50}\n"
                    "  - {barcode: CLN010CU, mailslot: 2, uses: 7}\n"
                    "  - {barcode: Q00002L8, drive: 2}\n"
                    "clock: {mode: scaled, scale: 20}\n"
                    "delays: {move_ms: 5, init_ms: 10}\n";
    struct vtl_config *cfg;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(vtl_config_load_string(y, strlen(y), "q.yaml", &cfg, err, sizeof err),
                          VTL_OK);
    CU_ASSERT_STRING_EQUAL(cfg->serial, "QX1");
    CU_ASSERT_EQUAL(cfg->count[VTL_ELEM_STORAGE], 50);
    CU_ASSERT_EQUAL(cfg->count[VTL_ELEM_IE], 3);
    CU_ASSERT_EQUAL(cfg->count[VTL_ELEM_DTE], 3);
    CU_ASSERT_EQUAL(cfg->drives[0].gen, 9);
    CU_ASSERT_STRING_EQUAL(cfg->drives[2].product, "ULTRIUM-HH7");
    CU_ASSERT_EQUAL(cfg->clock_mode, VTL_CLOCK_SCALED);
    CU_ASSERT_EQUAL(cfg->delays.move_us, 5000);
    CU_ASSERT_EQUAL(cfg->n_carts, 3);
    CU_ASSERT_EQUAL(cfg->carts[1].where, VTL_ELEM_IE);
    CU_ASSERT_EQUAL(cfg->carts[1].cart.cleaning_uses_left, 7);
    struct vtl_library *lib;
    CU_ASSERT_EQUAL_FATAL(vtl_library_create(cfg, &lib), VTL_OK);
    struct vtl_elem_info e;
    CU_ASSERT_EQUAL(vtl_library_elem(lib, 4096 + 49, &e), VTL_OK);
    CU_ASSERT_STRING_EQUAL(e.cart.barcode, "Q00001L9");
    CU_ASSERT_EQUAL(vtl_library_elem(lib, 257, &e), VTL_OK); /* drive 2 at 0x101 */
    CU_ASSERT_STRING_EQUAL(e.cart.barcode, "Q00002L8");
    vtl_library_destroy(lib);
    vtl_config_free(cfg);
}

static void three_personalities_load(void)
{
    const char *const *names = vtl_personality_names();
    int n = 0;
    for (; names[n]; n++) {
        struct vtl_personality p;
        char err[256] = "";
        CU_ASSERT_EQUAL(vtl_personality_load(names[n], &p, err, sizeof err), VTL_OK);
    }
    CU_ASSERT_TRUE(n >= 3);
    struct vtl_personality p;
    CU_ASSERT_EQUAL(vtl_personality_load("hpe-msl", &p, NULL, 0), VTL_OK);
    CU_ASSERT_STRING_EQUAL(p.vendor, "HPE");
    CU_ASSERT_STRING_EQUAL(p.product, "MSL G3 Series");
    CU_ASSERT_EQUAL(p.init_range_opcode, 0x37);
    CU_ASSERT_EQUAL(vtl_personality_load("quantum-scalar-i3", &p, NULL, 0), VTL_OK);
    CU_ASSERT_STRING_EQUAL(p.vendor, "QUANTUM");
    CU_ASSERT_EQUAL(p.base[VTL_ELEM_STORAGE], 4096);
    CU_ASSERT_EQUAL(vtl_personality_load("ibm-ts4300", &p, NULL, 0), VTL_OK);
    CU_ASSERT_EQUAL(p.init_range_opcode, 0xE7);
    CU_ASSERT_EQUAL(p.dvcid, VTL_DVCID_T10);
    CU_ASSERT_EQUAL(vtl_personality_load("sim/personalities/hpe-msl.yaml", &p, NULL, 0), VTL_OK);
    CU_ASSERT_STRING_EQUAL(p.name, "hpe-msl");
}

static void custom_personality_with_overlapping_ranges_rejected(void)
{
    char dir[256], path[300];
    test_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/p.yaml", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("name: overlap\nvendor: ACME\nproduct: Robot\nrevision: \"1\"\n"
          "elements:\n  transport: {base: 1, count: 1, max: 1}\n"
          "  drive: {base: 10, count: 2, max: 8}\n  mailslot: {base: 20, count: 1, max: 4}\n"
          "  slot: {base: 100, count: 10, max: 100}\n"
          "drive: {vendor: ACME, product: D, revision: \"1\", generation: 8, serial_prefix: X}\n",
          f);
    fclose(f);
    char yaml[512];
    snprintf(yaml, sizeof yaml, "personality: %s\ndrives: 8\n", path);
    struct vtl_config *cfg;
    char err[300] = "";
    CU_ASSERT_EQUAL(vtl_config_load_string(yaml, strlen(yaml), "lib.yaml", &cfg, err, sizeof err),
                    VTL_OK);
    vtl_config_free(cfg);
    snprintf(yaml, sizeof yaml, "personality: %s\ndrives: 8\nmailslots: 4\nslots: 85\n", path);
    CU_ASSERT_EQUAL(vtl_config_load_string(yaml, strlen(yaml), "lib.yaml", &cfg, err, sizeof err),
                    VTL_OK);
    vtl_config_free(cfg);
    /* a personality whose drive range runs into the mail slots */
    f = fopen(path, "w");
    fputs("name: overlap\nvendor: ACME\nproduct: Robot\nrevision: \"1\"\n"
          "elements:\n  transport: {base: 1, count: 1, max: 1}\n"
          "  drive: {base: 10, count: 2, max: 20}\n  mailslot: {base: 20, count: 1, max: 4}\n"
          "  slot: {base: 100, count: 10, max: 100}\n"
          "drive: {vendor: ACME, product: D, revision: \"1\", generation: 8, serial_prefix: X}\n",
          f);
    fclose(f);
    snprintf(yaml, sizeof yaml, "personality: %s\ndrives: 12\n", path);
    CU_ASSERT_EQUAL(vtl_config_load_string(yaml, strlen(yaml), "lib.yaml", &cfg, err, sizeof err),
                    VTL_E_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "lib.yaml:1:1: element addresses overlap"));
    test_rmtree(dir);
}

static void config_file_missing_reports_path(void)
{
    struct vtl_config *cfg;
    char err[256] = "";
    CU_ASSERT_EQUAL(vtl_config_load_file("/no/such/lib.yaml", &cfg, err, sizeof err), VTL_E_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/no/such/lib.yaml"));
}

static CU_TestInfo clock_tests[] = {
    {"virtual_clock_runs_events_in_time_order", virtual_clock_runs_events_in_time_order},
    {"cancelled_event_never_runs", cancelled_event_never_runs},
    {"zero_clock_has_no_delays_and_scaled_needs_scale",
     zero_clock_has_no_delays_and_scaled_needs_scale},
    CU_TEST_INFO_NULL,
};
static CU_TestInfo library_tests[] = {
    {"barcode_suffix_gives_media_worm_and_cleaning", barcode_suffix_gives_media_worm_and_cleaning},
    {"bad_barcodes_rejected_unchanged", bad_barcodes_rejected_unchanged},
    {"lto8_drive_takes_lto7_m8_and_cleaning_not_lto6",
     lto8_drive_takes_lto7_m8_and_cleaning_not_lto6},
    {"default_library_matches_design", default_library_matches_design},
    {"move_slot_to_drive_sets_source_and_back", move_slot_to_drive_sets_source_and_back},
    {"move_rules_each_fail_without_motion", move_rules_each_fail_without_motion},
    {"incompatible_media_into_drive_fails_3000", incompatible_media_into_drive_fails_3000},
    {"cleaning_cartridge_export_follows_personality",
     cleaning_cartridge_export_follows_personality},
    {"drive_hook_sees_loads_and_can_refuse_removal_5302",
     drive_hook_sees_loads_and_can_refuse_removal_5302},
    {"exchange_swaps_and_checks_rules", exchange_swaps_and_checks_rules},
    {"virtual_clock_move_completes_after_delay_and_queues",
     virtual_clock_move_completes_after_delay_and_queues},
    {"scaled_clock_move_completes_from_run_due", scaled_clock_move_completes_from_run_due},
    {"door_open_makes_elements_inaccessible", door_open_makes_elements_inaccessible},
    {"mailslot_inject_and_remove_by_operator", mailslot_inject_and_remove_by_operator},
    {"ua_queue_reset_outranks_and_dedups", ua_queue_reset_outranks_and_dedups},
    CU_TEST_INFO_NULL,
};
static CU_TestInfo fault_tests[] = {
    {"jam_fails_moves_until_cleared", jam_fails_moves_until_cleared},
    {"unreadable_barcode_shows_exception", unreadable_barcode_shows_exception},
    {"power_on_reset_drops_prevent_and_jam", power_on_reset_drops_prevent_and_jam},
    {"cartridge_appears_ignores_lock", cartridge_appears_ignores_lock},
    {"next_cmd_fault_rejects_bad_arguments", next_cmd_fault_rejects_bad_arguments},
    CU_TEST_INFO_NULL,
};
static CU_TestInfo state_tests[] = {
    {"state_round_trip_restores_positions", state_round_trip_restores_positions},
    {"corrupt_state_rejected_and_not_applied", corrupt_state_rejected_and_not_applied},
    {"state_from_other_layout_rejected", state_from_other_layout_rejected},
    {"state_with_duplicate_barcode_rejected", state_with_duplicate_barcode_rejected},
    {"autosave_follows_every_change", autosave_follows_every_change},
    {"cleaner_uses_count_down_to_expired", cleaner_uses_count_down_to_expired},
    CU_TEST_INFO_NULL,
};
static CU_TestInfo config_tests[] = {
    {"config_errors_name_line_and_column", config_errors_name_line_and_column},
    {"config_overrides_counts_drives_carts_clock", config_overrides_counts_drives_carts_clock},
    {"three_personalities_load", three_personalities_load},
    {"config_file_missing_reports_path", config_file_missing_reports_path},
    {"custom_personality_with_overlapping_ranges_rejected",
     custom_personality_with_overlapping_ranges_rejected},
    CU_TEST_INFO_NULL,
};

/* ---- mutants ---- */

static void mutants_key_switches_them_on(void)
{
    const char *yaml = "personality: ibm-ts4300\nmutants: [TUR-NOT-READY, drive-rmb-0]\n";
    struct vtl_config *cfg;
    char err[300];
    CU_ASSERT_EQUAL_FATAL(vtl_config_load_string(yaml, strlen(yaml), "lib.yaml", &cfg, err,
                                                 sizeof err), VTL_OK);
    struct vtl_library *lib;
    CU_ASSERT_EQUAL_FATAL(vtl_library_create(cfg, &lib), VTL_OK);
    CU_ASSERT(vtl_mutant_on(lib, VTL_MUT_TUR_NOT_READY));
    CU_ASSERT(vtl_mutant_on(lib, VTL_MUT_DRV_RMB0));
    CU_ASSERT_FALSE(vtl_mutant_on(lib, VTL_MUT_INQ_FORMAT));
    CU_ASSERT_EQUAL(vtl_mutant_set(lib, VTL_MUT_TUR_NOT_READY, false), VTL_OK);
    CU_ASSERT_FALSE(vtl_mutant_on(lib, VTL_MUT_TUR_NOT_READY));
    vtl_library_destroy(lib);
    vtl_config_free(cfg);
    /* The default library has none. */
    CU_ASSERT_EQUAL_FATAL(vtl_config_default(&cfg), VTL_OK);
    for (unsigned w = 0; w < VTL_MUT_WORDS; w++)
        CU_ASSERT_EQUAL(cfg->mutants[w], 0);
    vtl_config_free(cfg);
}

static void mutants_key_errors_name_line_and_column(void)
{
    expect_config_error("personality: ibm-ts4300\nmutants: [TUR-NOT-READY, NO-SUCH]\n",
                        "lib.yaml:2:26: unknown mutant 'NO-SUCH' in 'mutants'");
    expect_config_error("personality: ibm-ts4300\nmutants: TUR-NOT-READY\n",
                        "lib.yaml:2:10: expected a list of mutant ids for 'mutants'");
}

static void mutant_list_all_or_nothing(void)
{
    struct vtl_config *cfg;
    struct vtl_library *lib;
    CU_ASSERT_EQUAL_FATAL(vtl_config_default(&cfg), VTL_OK);
    CU_ASSERT_EQUAL_FATAL(vtl_library_create(cfg, &lib), VTL_OK);
    char err[128] = "";
    CU_ASSERT_EQUAL(vtl_mutant_set_list(lib, "TUR-NOT-READY,BOGUS", err, sizeof err), VTL_E_INVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'BOGUS'"));
    CU_ASSERT_FALSE(vtl_mutant_on(lib, VTL_MUT_TUR_NOT_READY)); /* nothing half-applied */
    CU_ASSERT_EQUAL(vtl_mutant_set_list(lib, "TUR-NOT-READY,,X", err, sizeof err), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_mutant_set_list(lib, "TUR-NOT-READY,vpd00-unsorted", err, sizeof err),
                    VTL_OK);
    CU_ASSERT(vtl_mutant_on(lib, VTL_MUT_TUR_NOT_READY));
    CU_ASSERT(vtl_mutant_on(lib, VTL_MUT_VPD00_UNSORTED));
    CU_ASSERT_EQUAL(vtl_mutant_set(lib, VTL_MUT_NONE, true), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_mutant_set(lib, VTL_MUT_COUNT, true), VTL_E_INVAL);
    vtl_library_destroy(lib);
    vtl_config_free(cfg);
}

static void mutant_table_ids_unique_and_described(void)
{
    size_t n;
    const struct vtl_mutant_info *t = vtl_mutant_table(&n);
    CU_ASSERT_EQUAL(n, VTL_MUT_COUNT - 1);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(t[i].m, (enum vtl_mutant)(i + 1));
        CU_ASSERT(strncmp(t[i].check, "SPC-", 4) == 0 || strncmp(t[i].check, "SMC-", 4) == 0 ||
                  strncmp(t[i].check, "SSC-", 4) == 0);
        CU_ASSERT(strlen(t[i].what) > 10);
        CU_ASSERT_EQUAL(strspn(t[i].id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"), strlen(t[i].id));
        CU_ASSERT_PTR_EQUAL(vtl_mutant_find(t[i].id), &t[i]);
        for (size_t k = 0; k < i; k++)
            CU_ASSERT(strcmp(t[i].id, t[k].id) != 0);
    }
    CU_ASSERT_PTR_NULL(vtl_mutant_find("NO-SUCH-MUTANT"));
    CU_ASSERT_PTR_NOT_NULL(vtl_mutant_find("smc-mode-1d-count"));
}

static CU_TestInfo mutant_tests[] = {
    {"mutants_key_switches_them_on", mutants_key_switches_them_on},
    {"mutants_key_errors_name_line_and_column", mutants_key_errors_name_line_and_column},
    {"mutant_list_all_or_nothing", mutant_list_all_or_nothing},
    {"mutant_table_ids_unique_and_described", mutant_table_ids_unique_and_described},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo vtl_core_suites[] = {
    {"vtl_clock", NULL, NULL, NULL, NULL, clock_tests},
    {"vtl_library", NULL, NULL, NULL, NULL, library_tests},
    {"vtl_fault", NULL, NULL, NULL, NULL, fault_tests},
    {"vtl_state", NULL, NULL, NULL, NULL, state_tests},
    {"vtl_config", NULL, NULL, NULL, NULL, config_tests},
    {"vtl_mutant", NULL, NULL, NULL, NULL, mutant_tests},
    CU_SUITE_INFO_NULL,
};
