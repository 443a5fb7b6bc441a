/* SPDX-License-Identifier: MIT
 * Tests of vtld's control protocol (sim/ctl/ctl.c) against a real default library:
 * each command does what PROTOCOL.md says, and every bad request is refused with a clear
 * code and leaves the library exactly as it was.
 */
#include <jansson.h>
#include <string.h>

#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/core/library.h"
#include "sim/core/mutant.h"
#include "scsi/cdb.h"
#include "sim/ctl/ctl.h"
#include "sim/system.h"
#include "sim/target/target.h"
#include "tests/lib/cutest.h"

static struct vtl_config *cfg;
static struct vtl_library *lib;
static struct vtl_ctl *ctl;

static int setup(void)
{
    if (vtl_config_default(&cfg) != VTL_OK || vtl_library_create(cfg, &lib) != VTL_OK)
        return 1;
    ctl = vtl_ctl_new();
    return !ctl || vtl_ctl_add_library(ctl, "default", lib, NULL, NULL) != VTL_OK;
}

static int teardown(void)
{
    vtl_ctl_free(ctl);
    vtl_library_destroy(lib);
    vtl_config_free(cfg);
    ctl = NULL;
    lib = NULL;
    cfg = NULL;
    return 0;
}

/* Sends @req and returns the parsed response (owned). */
static json_t *call(const char *req)
{
    char *out = vtl_ctl_handle(ctl, req, strlen(req));
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NULL(strchr(out, '\n'));  /* one line on the wire */
    json_t *resp = json_loads(out, 0, NULL);
    free(out);
    CU_ASSERT_TRUE_FATAL(json_is_object(resp));
    return resp;
}

static bool ok(json_t *resp)
{
    return json_is_true(json_object_get(resp, "ok"));
}

static const char *err_code(json_t *resp)
{
    return json_string_value(json_object_get(json_object_get(resp, "error"), "code"));
}

/* The status result as a string, to compare the whole library before and after. */
static char *snapshot(void)
{
    json_t *r = call("{\"cmd\":\"status\"}");
    char *s = json_dumps(json_object_get(r, "result"), JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(r);
    return s;
}

static json_t *find_elem(json_t *status_resp, int addr)
{
    json_t *libs = json_object_get(json_object_get(status_resp, "result"), "libraries");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(json_array_get(libs, 0), "elements"), i, e) {
        if (json_integer_value(json_object_get(e, "address")) == addr)
            return e;
    }
    return NULL;
}

static void test_status_lists_every_element(void)
{
    json_t *r = call("{\"id\":42,\"cmd\":\"status\"}");
    CU_ASSERT_TRUE(ok(r));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 42);
    json_t *l = json_array_get(json_object_get(json_object_get(r, "result"), "libraries"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(l, "vendor")),
                           vtl_library_vendor(lib));
    CU_ASSERT_EQUAL(json_array_size(json_object_get(l, "elements")),
                    vtl_library_count(lib, VTL_ELEM_ALL));
    /* Every configured cartridge shows with its barcode where the library has it. */
    unsigned n_full = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(l, "elements"), i, e) {
        if (!json_is_true(json_object_get(e, "full")))
            continue;
        n_full++;
        uint16_t addr;
        CU_ASSERT_EQUAL(vtl_library_find_barcode(
                            lib, json_string_value(json_object_get(e, "barcode")), &addr),
                        VTL_OK);
        CU_ASSERT_EQUAL(addr, json_integer_value(json_object_get(e, "address")));
    }
    CU_ASSERT_EQUAL(n_full, cfg->n_carts);
    json_decref(r);
}

static void test_inject_places_cartridge_in_mail_slot(void)
{
    json_t *r = call("{\"cmd\":\"inject\",\"args\":{\"barcode\":\"NEW001L8\"}}");
    CU_ASSERT_TRUE_FATAL(ok(r));
    int addr = (int)json_integer_value(json_object_get(json_object_get(r, "result"), "element"));
    json_decref(r);
    struct vtl_elem_info ei;
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem(lib, (uint16_t)addr, &ei), VTL_OK);
    CU_ASSERT_EQUAL(ei.type, VTL_ELEM_IE);
    CU_ASSERT_TRUE(ei.full);
    CU_ASSERT_STRING_EQUAL(ei.cart.barcode, "NEW001L8");
    CU_ASSERT_EQUAL(ei.cart.media, VTL_MEDIA_LTO8);

    /* The same barcode twice is refused and nothing changes. */
    char *before = snapshot();
    r = call("{\"cmd\":\"inject\",\"args\":{\"barcode\":\"NEW001L8\"}}");
    CU_ASSERT_FALSE(ok(r));
    CU_ASSERT_STRING_EQUAL(err_code(r), "VTL_E_EXISTS");
    json_decref(r);
    char *after = snapshot();
    CU_ASSERT_STRING_EQUAL(before, after);
    free(before);
    free(after);

    /* remove by barcode takes it out again. */
    r = call("{\"cmd\":\"remove\",\"args\":{\"barcode\":\"NEW001L8\"}}");
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
    uint16_t where;
    CU_ASSERT_EQUAL(vtl_library_find_barcode(lib, "NEW001L8", &where), VTL_E_NOT_FOUND);
}

static void test_inject_cleaner_with_uses(void)
{
    json_t *r = call("{\"cmd\":\"inject\",\"args\":{\"barcode\":\"CLN900L1\",\"uses\":7}}");
    CU_ASSERT_TRUE_FATAL(ok(r));
    int addr = (int)json_integer_value(json_object_get(json_object_get(r, "result"), "element"));
    json_decref(r);
    struct vtl_elem_info ei;
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem(lib, (uint16_t)addr, &ei), VTL_OK);
    CU_ASSERT_TRUE(ei.cart.cleaning);
    CU_ASSERT_EQUAL(ei.cart.cleaning_uses_left, 7);
    json_t *s = call("{\"cmd\":\"status\"}");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(find_elem(s, addr), "cleaning_uses_left")), 7);
    json_decref(s);
    r = call("{\"cmd\":\"remove\"}");   /* no argument: the first full mail slot */
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
}

static void test_bad_requests_change_nothing(void)
{
    static const struct {
        const char *req, *code;
    } cases[] = {
        {"{\"cmd\":\"inject\"", "BAD_REQUEST"},                             /* truncated JSON */
        {"[1,2]", "BAD_REQUEST"},                                            /* not an object */
        {"{\"cmd\":\"launch\"}", "BAD_REQUEST"},                             /* unknown command */
        {"{\"cmd\":7}", "BAD_REQUEST"},
        {"{\"cmd\":\"inject\",\"args\":{}}", "BAD_REQUEST"},                 /* missing barcode */
        {"{\"cmd\":\"inject\",\"args\":{\"barcode\":\"X00001L8\",\"colour\":1}}", "BAD_REQUEST"},
        {"{\"cmd\":\"inject\",\"args\":{\"barcode\":\"X00001L8\",\"type\":\"VHS\"}}", "BAD_REQUEST"},
        {"{\"cmd\":\"inject\",\"args\":{\"barcode\":\"X00001L8\",\"slot\":-3}}", "BAD_REQUEST"},
        {"{\"cmd\":\"inject\",\"args\":{\"barcode\":\"has space\"}}", "BAD_REQUEST"},
        {"{\"cmd\":\"inject\",\"args\":{\"barcode\":\"X00001L8\",\"slot\":1}}", NULL}, /* not IE */
        {"{\"cmd\":\"move\",\"args\":{\"from\":1}}", "BAD_REQUEST"},
        {"{\"cmd\":\"move\",\"args\":{\"from\":65000,\"to\":1}}", "VTL_E_BAD_ADDR"},
        {"{\"cmd\":\"remove\",\"args\":{\"element\":1025}}", "VTL_E_INVAL"},  /* a storage slot */
        {"{\"cmd\":\"clock\",\"args\":{\"action\":\"advance\",\"seconds\":5}}", "VTL_E_INVAL"},
        {"{\"cmd\":\"clock\",\"args\":{\"action\":\"rewind\"}}", "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"sense\",\"key\":16,\"asc\":0,\"ascq\":0}}",
         "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"meteor\"}}", "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"barcode\",\"barcode\":\"NOPE00L8\"}}",
         "VTL_E_NOT_FOUND"},
        {"{\"cmd\":\"dirty\",\"args\":{\"drive\":0}}", "NOT_SUPPORTED"},    /* no drive hooks */
        {"{\"cmd\":\"status\",\"library\":\"other\"}", "NO_LIBRARY"},
        {"{\"cmd\":\"open-door\",\"args\":{\"door\":\"trap\"}}", "BAD_REQUEST"},
        {"{\"cmd\":\"status\",\"extra\":1}", "BAD_REQUEST"},
    };
    char *before = snapshot();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = call(cases[i].req);
        CU_ASSERT_FALSE(ok(r));
        const char *msg = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
        CU_ASSERT_TRUE(msg && *msg);
        if (cases[i].code && (!err_code(r) || strcmp(err_code(r), cases[i].code) != 0)) {
            fprintf(stderr, "case %zu (%s): got %s, want %s\n", i, cases[i].req, err_code(r),
                    cases[i].code);
            CU_FAIL("unexpected error code");
        }
        json_decref(r);
        char *after = snapshot();
        CU_ASSERT_STRING_EQUAL(before, after);
        free(after);
    }
    free(before);
}

static void test_door_and_fault_commands_reach_library(void)
{
    json_t *r = call("{\"cmd\":\"open-door\"}");
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
    CU_ASSERT_TRUE(vtl_library_door_open(lib));
    r = call("{\"cmd\":\"close-door\",\"args\":{\"door\":\"main\"}}");
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
    CU_ASSERT_FALSE(vtl_library_door_open(lib));

    r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"sense\",\"key\":4,\"asc\":21,\"ascq\":1,"
             "\"opcode\":165,\"count\":2}}");
    CU_ASSERT_TRUE(ok(r));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(r, "result"), "pending")), 2);
    json_decref(r);
    CU_ASSERT_EQUAL(vtl_fault_pending_cmds(lib), 2);

    r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"jam\"}}");
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
    CU_ASSERT_TRUE(vtl_fault_jammed(lib));
    r = call("{\"cmd\":\"status\"}");
    json_t *l = json_array_get(json_object_get(json_object_get(r, "result"), "libraries"), 0);
    CU_ASSERT_TRUE(json_is_true(json_object_get(l, "jammed")));
    json_decref(r);
    r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"unjam\"}}");
    json_decref(r);
    CU_ASSERT_FALSE(vtl_fault_jammed(lib));

    r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"exception\",\"element\":1025,"
             "\"asc\":131,\"ascq\":0}}");
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
    struct vtl_elem_info ex;
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem(lib, 1025, &ex), VTL_OK);
    CU_ASSERT_TRUE(ex.except);
    CU_ASSERT_EQUAL(ex.asc_ascq, 0x8300);
    r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"exception\",\"element\":1025,"
             "\"asc\":0,\"ascq\":0}}");
    json_decref(r);
    vtl_library_elem(lib, 1025, &ex);
    CU_ASSERT_FALSE(ex.except);

    r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"barcode\",\"barcode\":\"A00003L8\"}}");
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
    uint16_t addr;
    CU_ASSERT_EQUAL_FATAL(vtl_library_find_barcode(lib, "A00003L8", &addr), VTL_OK);
    struct vtl_elem_info ei;
    vtl_library_elem(lib, addr, &ei);
    CU_ASSERT_TRUE(ei.cart.label_unreadable);
}

static void test_move_by_hand(void)
{
    uint16_t from;
    CU_ASSERT_EQUAL_FATAL(vtl_library_find_barcode(lib, "A00005L8", &from), VTL_OK);
    /* The last storage slot is empty in the default library. */
    struct vtl_elem_info last;
    unsigned n = vtl_library_count(lib, VTL_ELEM_STORAGE);
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem_at(lib, VTL_ELEM_STORAGE, n - 1, &last), VTL_OK);
    CU_ASSERT_FALSE_FATAL(last.full);
    char req[128];
    snprintf(req, sizeof req, "{\"cmd\":\"move\",\"args\":{\"from\":%u,\"to\":%u}}", from, last.addr);
    json_t *r = call(req);
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
    uint16_t now;
    CU_ASSERT_EQUAL(vtl_library_find_barcode(lib, "A00005L8", &now), VTL_OK);
    CU_ASSERT_EQUAL(now, last.addr);
}

/* Drive hooks: a test double standing in for the drive emulation. */
static unsigned dirty_calls, dirty_index;
static enum vtl_rc fake_dirty(void *priv, unsigned index)
{
    (void)priv;
    dirty_calls++;
    dirty_index = index;
    return VTL_OK;
}
static enum vtl_rc fake_describe(void *priv, unsigned index, const char **state,
                                 unsigned long long *ta)
{
    (void)priv;
    *state = index == 1 ? "ready" : "empty";
    *ta = index == 1 ? (1ULL << 19) : 0;   /* flag 20: clean now */
    return VTL_OK;
}

static void test_drive_hooks_and_library_names(void)
{
    struct vtl_config *cfg2;
    struct vtl_library *lib2;
    CU_ASSERT_EQUAL_FATAL(vtl_config_default(&cfg2), VTL_OK);
    CU_ASSERT_EQUAL_FATAL(vtl_library_create(cfg2, &lib2), VTL_OK);
    struct vtl_ctl_drive_hooks hooks = {.set_dirty = fake_dirty, .describe = fake_describe};
    CU_ASSERT_EQUAL(vtl_ctl_add_library(ctl, "default", lib2, NULL, &hooks), VTL_E_EXISTS);
    CU_ASSERT_EQUAL_FATAL(vtl_ctl_add_library(ctl, "second", lib2, NULL, &hooks), VTL_OK);

    /* With two libraries, a command must name one. */
    json_t *r = call("{\"cmd\":\"open-door\"}");
    CU_ASSERT_STRING_EQUAL(err_code(r), "NO_LIBRARY");
    json_decref(r);

    /* A drive by element address: the second drive's. */
    struct vtl_elem_info d1;
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem_at(lib2, VTL_ELEM_DTE, 1, &d1), VTL_OK);
    char req[128];
    snprintf(req, sizeof req, "{\"cmd\":\"dirty\",\"library\":\"second\",\"args\":{\"drive\":%u}}",
             d1.addr);
    r = call(req);
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
    CU_ASSERT_EQUAL(dirty_calls, 1);
    CU_ASSERT_EQUAL(dirty_index, 1);

    r = call("{\"cmd\":\"status\",\"library\":\"second\"}");
    json_t *libs = json_object_get(json_object_get(r, "result"), "libraries");
    CU_ASSERT_EQUAL(json_array_size(libs), 1);
    json_t *e = find_elem(r, d1.addr);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e, "drive_state")), "ready");
    CU_ASSERT_EQUAL(json_integer_value(json_array_get(json_object_get(e, "tapealert"), 0)), 20);
    json_decref(r);

    vtl_ctl_free(ctl);   /* drop the registration before the library it borrows */
    ctl = vtl_ctl_new();
    CU_ASSERT_EQUAL(vtl_ctl_add_library(ctl, "default", lib, NULL, NULL), VTL_OK);
    vtl_library_destroy(lib2);
    vtl_config_free(cfg2);
}

static void test_state_saved_after_change(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    struct vtl_ctl *c2 = vtl_ctl_new();
    CU_ASSERT_EQUAL_FATAL(vtl_ctl_add_library(c2, "x", lib, dir, NULL), VTL_OK);
    const char *req = "{\"cmd\":\"inject\",\"args\":{\"barcode\":\"SAVE01L8\"}}";
    char *out = vtl_ctl_handle(c2, req, strlen(req));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"ok\":true"));
    free(out);
    /* A fresh library loaded from that directory has the cartridge. */
    struct vtl_library *again;
    CU_ASSERT_EQUAL_FATAL(vtl_library_create(cfg, &again), VTL_OK);
    char why[128] = "";
    CU_ASSERT_EQUAL(vtl_library_load_state(again, dir, why, sizeof why), VTL_OK);
    uint16_t addr;
    CU_ASSERT_EQUAL(vtl_library_find_barcode(again, "SAVE01L8", &addr), VTL_OK);
    vtl_library_destroy(again);
    vtl_ctl_free(c2);
    test_rmtree(dir);
}

static void test_mutant_switched_on_and_off(void)
{
    json_t *r = call("{\"cmd\":\"mutant\",\"args\":{\"id\":\"tur-not-ready\"}}");
    CU_ASSERT_TRUE(ok(r));
    json_t *res = json_object_get(r, "result");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "id")), "TUR-NOT-READY");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "check")), "SPC-TUR-001");
    json_decref(r);
    CU_ASSERT_TRUE(vtl_mutant_on(lib, VTL_MUT_TUR_NOT_READY));
    r = call("{\"cmd\":\"mutant\",\"args\":{\"id\":\"TUR-NOT-READY\",\"on\":false}}");
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
    CU_ASSERT_FALSE(vtl_mutant_on(lib, VTL_MUT_TUR_NOT_READY));
    /* Refused, and nothing switched: unknown id, missing id, 'on' not a boolean. */
    r = call("{\"cmd\":\"mutant\",\"args\":{\"id\":\"NO-SUCH\"}}");
    CU_ASSERT_STRING_EQUAL(err_code(r), "VTL_E_NOT_FOUND");
    json_decref(r);
    r = call("{\"cmd\":\"mutant\"}");
    CU_ASSERT_STRING_EQUAL(err_code(r), "BAD_REQUEST");
    json_decref(r);
    r = call("{\"cmd\":\"mutant\",\"args\":{\"id\":\"TUR-NOT-READY\",\"on\":1}}");
    CU_ASSERT_STRING_EQUAL(err_code(r), "BAD_REQUEST");
    json_decref(r);
    CU_ASSERT_FALSE(vtl_mutant_on(lib, VTL_MUT_TUR_NOT_READY));
}

/* ---- drive faults, against a whole library (changer + emulated drives) ---------------- */

static struct vtl_system *dsys;

static int drive_setup(void)
{
    char err[512];
    if (vtl_system_open(NULL, NULL, &dsys, err, sizeof err) != VTL_OK)
        return 1;
    struct vtl_ctl_drive_hooks hooks;
    vtl_system_ctl_hooks(dsys, &hooks);
    ctl = vtl_ctl_new();
    return !ctl || vtl_ctl_add_library(ctl, "default", vtl_system_library(dsys), NULL, &hooks) !=
                       VTL_OK;
}

static int drive_teardown(void)
{
    vtl_ctl_free(ctl);
    vtl_system_close(dsys);
    ctl = NULL;
    dsys = NULL;
    return 0;
}

/* Runs @c on @lun, skipping unit attentions; returns key<<16 | asc<<8 | ascq of a CHECK
 * CONDITION, 0 for GOOD. */
static unsigned scsi(uint64_t nexus, unsigned lun, const struct t10_cdb *c, const uint8_t *out,
                     size_t out_len)
{
    static uint8_t buf[65536];
    for (int i = 0; i < 5; i++) {
        struct vtl_cmd cmd;
        memset(&cmd, 0, sizeof cmd);
        cmd.cdb_len = t10_cdb_build(cmd.cdb, sizeof cmd.cdb, c);
        cmd.nexus_id = nexus;
        cmd.data_out = out;
        cmd.data_out_len = out_len;
        cmd.data_in = buf;
        cmd.data_in_cap = sizeof buf;
        CU_ASSERT_EQUAL_FATAL(vtl_lun_execute(vtl_system_library(dsys), lun, &cmd),
                              VTL_EXEC_DONE);
        if (cmd.status == 0)
            return 0;
        CU_ASSERT_EQUAL_FATAL(cmd.status, 2);
        CU_ASSERT_TRUE_FATAL(cmd.sense_len >= 14);
        unsigned key = cmd.sense[2] & 0x0F;
        if (key != 6)
            return key << 16 | (unsigned)cmd.sense[12] << 8 | cmd.sense[13];
    }
    CU_FAIL("unit attentions never stopped");
    return ~0u;
}

static unsigned tur(uint64_t nexus, unsigned lun)
{
    struct t10_cdb c = {.kind = T10_CDB_TEST_UNIT_READY};
    return scsi(nexus, lun, &c, NULL, 0);
}

static void expect_ok(const char *req)
{
    json_t *r = call(req);
    if (!ok(r))
        fprintf(stderr, "%s: %s\n", req, err_code(r));
    CU_ASSERT_TRUE(ok(r));
    json_decref(r);
}

static void test_drive_fail_and_repair(void)
{
    uint64_t nx = vtl_system_nexus_open(dsys);
    CU_ASSERT_EQUAL(tur(nx, 1), 0x023A00);   /* empty drive: medium not present */
    json_t *r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-fail\",\"drive\":0}}");
    CU_ASSERT_TRUE(ok(r));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(r, "result"), "drive")), 0);
    json_decref(r);
    CU_ASSERT_EQUAL(tur(nx, 1), 0x044400);   /* HARDWARE ERROR, internal target failure */
    CU_ASSERT_EQUAL(tur(nx, 1), 0x044400);   /* on every command, not once */
    CU_ASSERT_EQUAL(tur(nx, 2), 0x023A00);   /* the other drive is unaffected */
    CU_ASSERT_EQUAL(tur(nx, 0), 0);          /* and so is the changer */
    r = call("{\"cmd\":\"status\"}");
    struct vtl_elem_info d0;
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem_at(vtl_system_library(dsys), VTL_ELEM_DTE, 0, &d0),
                          VTL_OK);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(find_elem(r, d0.addr), "drive_state")),
                           "FAILED");
    json_decref(r);

    /* Repair by element address: the drive answers as before the failure. */
    char req[160];
    snprintf(req, sizeof req,
             "{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-repair\",\"drive\":%u}}", d0.addr);
    expect_ok(req);
    CU_ASSERT_EQUAL(tur(nx, 1), 0x023A00);

    /* An ASC/ASCQ of the caller's choosing. */
    expect_ok("{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-fail\",\"drive\":1,"
              "\"asc\":64,\"ascq\":1}}");
    CU_ASSERT_EQUAL(tur(nx, 2), 0x044001);
    expect_ok("{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-repair\",\"drive\":1}}");
    CU_ASSERT_EQUAL(tur(nx, 2), 0x023A00);
    vtl_system_nexus_close(dsys, nx);
}

static void test_drive_sense_is_one_shot(void)
{
    uint64_t nx = vtl_system_nexus_open(dsys);
    CU_ASSERT_EQUAL(tur(nx, 1), 0x023A00);
    json_t *r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"sense\",\"drive\":0,\"key\":3,"
                     "\"asc\":17,\"ascq\":0}}");
    CU_ASSERT_TRUE(ok(r));
    /* The changer's queue is untouched: the sense went to the drive. */
    CU_ASSERT_EQUAL(vtl_fault_pending_cmds(vtl_system_library(dsys)), 0);
    json_decref(r);
    CU_ASSERT_EQUAL(tur(nx, 0), 0);
    CU_ASSERT_EQUAL(tur(nx, 2), 0x023A00);
    CU_ASSERT_EQUAL(tur(nx, 1), 0x031100);
    CU_ASSERT_EQUAL(tur(nx, 1), 0x023A00);   /* used up */

    /* With an opcode, other commands pass untouched; count 2 fails two of them. */
    expect_ok("{\"cmd\":\"fault\",\"args\":{\"kind\":\"sense\",\"drive\":0,\"key\":4,"
              "\"asc\":68,\"ascq\":0,\"opcode\":1,\"count\":2}}");
    CU_ASSERT_EQUAL(tur(nx, 1), 0x023A00);
    struct t10_cdb rw = {.kind = T10_CDB_REWIND};
    CU_ASSERT_EQUAL(scsi(nx, 1, &rw, NULL, 0), 0x044400);
    CU_ASSERT_EQUAL(scsi(nx, 1, &rw, NULL, 0), 0x044400);
    CU_ASSERT_EQUAL(scsi(nx, 1, &rw, NULL, 0), 0x023A00);

    /* The repair drops a sense still pending. */
    expect_ok("{\"cmd\":\"fault\",\"args\":{\"kind\":\"sense\",\"drive\":0,\"key\":3,"
              "\"asc\":17,\"ascq\":0}}");
    expect_ok("{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-repair\",\"drive\":0}}");
    CU_ASSERT_EQUAL(tur(nx, 1), 0x023A00);
    vtl_system_nexus_close(dsys, nx);
}

/* A data cartridge threaded in drive 0 (LUN 1), for the media-error faults. */
static uint16_t load_drive0(uint64_t nx, uint16_t *slot)
{
    struct vtl_library *dlib = vtl_system_library(dsys);
    struct vtl_elem_info d0, ei;
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem_at(dlib, VTL_ELEM_DTE, 0, &d0), VTL_OK);
    *slot = 0;
    for (unsigned i = 0; i < vtl_library_count(dlib, VTL_ELEM_STORAGE) && !*slot; i++)
        if (vtl_library_elem_at(dlib, VTL_ELEM_STORAGE, i, &ei) == VTL_OK && ei.full &&
            !ei.cart.cleaning)
            *slot = ei.addr;
    CU_ASSERT_NOT_EQUAL_FATAL(*slot, 0);
    struct t10_cdb mv = {.kind = T10_CDB_MOVE_MEDIUM};
    mv.u.move.src = *slot;
    mv.u.move.dst = d0.addr;
    CU_ASSERT_EQUAL_FATAL(scsi(nx, 0, &mv, NULL, 0), 0);
    for (int i = 0; i < 10; i++)
        vtl_system_run_due(dsys);
    CU_ASSERT_EQUAL_FATAL(tur(nx, 1), 0);
    return d0.addr;
}

static void test_drive_media_errors(void)
{
    uint64_t nx = vtl_system_nexus_open(dsys);
    uint16_t slot;
    uint16_t d0 = load_drive0(nx, &slot);
    static uint8_t block[512];
    struct t10_cdb wr = {.kind = T10_CDB_WRITE6};
    wr.u.rw6.xfer_len = sizeof block;
    struct t10_cdb rd = {.kind = T10_CDB_READ6};
    rd.u.rw6.xfer_len = sizeof block;
    rd.u.rw6.sili = true;
    struct t10_cdb rw = {.kind = T10_CDB_REWIND};

    /* write-error: the next WRITE fails 3/0C/00, the one after is written. */
    expect_ok("{\"cmd\":\"fault\",\"args\":{\"kind\":\"write-error\",\"drive\":0}}");
    CU_ASSERT_EQUAL(scsi(nx, 1, &wr, block, sizeof block), 0x030C00);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(scsi(nx, 1, &wr, block, sizeof block), 0);

    /* read-error at block 1: blocks 0 and 2 read, block 1 is a MEDIUM ERROR 11/00. */
    expect_ok("{\"cmd\":\"fault\",\"args\":{\"kind\":\"read-error\",\"drive\":0,\"block\":1}}");
    CU_ASSERT_EQUAL(scsi(nx, 1, &rw, NULL, 0), 0);
    CU_ASSERT_EQUAL(scsi(nx, 1, &rd, NULL, 0), 0);
    CU_ASSERT_EQUAL(scsi(nx, 1, &rd, NULL, 0), 0x031100);
    CU_ASSERT_EQUAL(scsi(nx, 1, &rd, NULL, 0), 0);

    /* Put the cartridge back for the next tests. */
    expect_ok("{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-repair\",\"drive\":0}}");
    struct t10_cdb ul = {.kind = T10_CDB_LOAD_UNLOAD};
    CU_ASSERT_EQUAL(scsi(nx, 1, &ul, NULL, 0), 0);
    for (int i = 0; i < 10; i++)
        vtl_system_run_due(dsys);
    struct t10_cdb mv = {.kind = T10_CDB_MOVE_MEDIUM};
    mv.u.move.src = d0;
    mv.u.move.dst = slot;
    CU_ASSERT_EQUAL(scsi(nx, 0, &mv, NULL, 0), 0);
    vtl_system_nexus_close(dsys, nx);
}

static void test_drive_fault_bad_requests_change_nothing(void)
{
    static const struct {
        const char *req, *code;
    } cases[] = {
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-fail\"}}", "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-fail\",\"drive\":9}}", "VTL_E_BAD_ADDR"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-fail\",\"drive\":0,\"asc\":4}}",
         "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-fail\",\"drive\":0,\"key\":4}}",
         "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-repair\",\"drive\":\"0\"}}",
         "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"read-error\",\"drive\":0}}", "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"read-error\",\"drive\":0,\"block\":1,"
         "\"partition\":4}}",
         "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"write-error\",\"drive\":0,\"count\":0}}",
         "BAD_REQUEST"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"sense\",\"drive\":7,\"key\":3,\"asc\":0,"
         "\"ascq\":0}}",
         "VTL_E_BAD_ADDR"},
        {"{\"cmd\":\"fault\",\"args\":{\"kind\":\"sense\",\"drive\":0,\"key\":3,\"asc\":0,"
         "\"ascq\":0,\"count\":0}}",
         "BAD_REQUEST"},
    };
    uint64_t nx = vtl_system_nexus_open(dsys);
    char *before = snapshot();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = call(cases[i].req);
        CU_ASSERT_FALSE(ok(r));
        if (!err_code(r) || strcmp(err_code(r), cases[i].code) != 0) {
            fprintf(stderr, "case %zu (%s): got %s, want %s\n", i, cases[i].req, err_code(r),
                    cases[i].code);
            CU_FAIL("unexpected error code");
        }
        json_decref(r);
        char *after = snapshot();
        CU_ASSERT_STRING_EQUAL(before, after);
        free(after);
        /* Nothing reached the drives either. */
        CU_ASSERT_EQUAL(tur(nx, 1), 0x023A00);
        CU_ASSERT_EQUAL(tur(nx, 2), 0x023A00);
    }
    free(before);
    vtl_system_nexus_close(dsys, nx);
}

/* A library registered without drive hooks refuses drive faults honestly. */
static void test_drive_fault_without_drives_not_supported(void)
{
    unsigned pending = vtl_fault_pending_cmds(lib);
    json_t *r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"drive-fail\",\"drive\":0}}");
    CU_ASSERT_FALSE(ok(r));
    CU_ASSERT_STRING_EQUAL(err_code(r), "NOT_SUPPORTED");
    json_decref(r);
    r = call("{\"cmd\":\"fault\",\"args\":{\"kind\":\"sense\",\"drive\":0,\"key\":3,\"asc\":0,"
             "\"ascq\":0}}");
    CU_ASSERT_FALSE(ok(r));
    CU_ASSERT_STRING_EQUAL(err_code(r), "NOT_SUPPORTED");
    CU_ASSERT_EQUAL(vtl_fault_pending_cmds(lib), pending);   /* not sent to the changer */
    json_decref(r);
}

static CU_TestInfo drive_tests[] = {
    {"drive_fail_and_repair", test_drive_fail_and_repair},
    {"drive_sense_is_one_shot", test_drive_sense_is_one_shot},
    {"drive_media_errors", test_drive_media_errors},
    {"drive_fault_bad_requests_change_nothing", test_drive_fault_bad_requests_change_nothing},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo ctl_tests[] = {
    {"status_lists_every_element", test_status_lists_every_element},
    {"inject_places_cartridge_in_mail_slot", test_inject_places_cartridge_in_mail_slot},
    {"inject_cleaner_with_uses", test_inject_cleaner_with_uses},
    {"bad_requests_change_nothing", test_bad_requests_change_nothing},
    {"door_and_fault_commands_reach_library", test_door_and_fault_commands_reach_library},
    {"move_by_hand", test_move_by_hand},
    {"drive_hooks_and_library_names", test_drive_hooks_and_library_names},
    {"state_saved_after_change", test_state_saved_after_change},
    {"mutant_switched_on_and_off", test_mutant_switched_on_and_off},
    {"drive_fault_without_drives_not_supported", test_drive_fault_without_drives_not_supported},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ctl", setup, teardown, NULL, NULL, ctl_tests},
    {"ctl_drive", drive_setup, drive_teardown, NULL, NULL, drive_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {suites, NULL};
    return cutest_main(argc, argv, tables);
}
