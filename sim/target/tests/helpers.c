/* SPDX-License-Identifier: MIT
 * sim/target/tests/helpers.c - see helpers.h. */
#include "sim/target/tests/helpers.h"

#include <stdio.h>
#include <string.h>

struct vtl_library *th_default(void)
{
    struct vtl_config *cfg;
    CU_ASSERT_FATAL(vtl_config_default(&cfg) == VTL_OK);
    struct vtl_library *lib;
    CU_ASSERT_FATAL(vtl_library_create(cfg, &lib) == VTL_OK);
    vtl_config_free(cfg);
    return lib;
}

struct vtl_library *th_yaml(const char *yaml)
{
    struct vtl_config *cfg;
    char err[256] = "";
    enum vtl_rc rc = vtl_config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, err, sizeof err);
    if (rc)
        fprintf(stderr, "%s\n", err);
    CU_ASSERT_FATAL(rc == VTL_OK);
    struct vtl_library *lib;
    CU_ASSERT_FATAL(vtl_library_create(cfg, &lib) == VTL_OK);
    vtl_config_free(cfg);
    return lib;
}

static void on_done(struct vtl_cmd *cmd)
{
    struct tres *r = cmd->front_priv;
    r->done_calls++;
    r->status = cmd->status;
    r->len = cmd->data_in_len;
    memset(&r->sense, 0, sizeof r->sense);
    if (cmd->status == VTL_STATUS_CHECK_CONDITION)
        CU_ASSERT_EQUAL(t10_sense_parse(cmd->sense, cmd->sense_len, &r->sense), T10_OK);
}

void th_run_raw(struct vtl_library *lib, uint64_t nx, unsigned lun, const uint8_t *cdb,
                size_t cdb_len, const uint8_t *out, size_t out_len, size_t alloc, struct tres *r)
{
    memset(&r->cmd, 0, sizeof r->cmd);
    r->done_calls = 0;
    memcpy(r->cmd.cdb, cdb, cdb_len);
    r->cmd.cdb_len = cdb_len;
    r->cmd.nexus_id = nx;
    r->cmd.data_out = out;
    r->cmd.data_out_len = out_len;
    r->cmd.data_in = r->data;
    r->cmd.data_in_cap = alloc < TBUF ? alloc : TBUF;
    r->cmd.done = on_done;
    r->cmd.front_priv = r;
    r->exec = vtl_lun_execute(lib, lun, &r->cmd);
    char why[128] = "";
    if (vtl_library_check(lib, why, sizeof why) != VTL_OK) {
        fprintf(stderr, "\n  invariant broken: %s\n", why);
        CU_FAIL("library invariants");
    }
    if (r->exec == VTL_EXEC_DONE) {
        on_done(&r->cmd);
        r->done_calls = 0;
    } else {
        r->status = 0xFF; /* not complete yet */
    }
}

void th_run(struct vtl_library *lib, uint64_t nx, unsigned lun, const struct t10_cdb *c,
            const uint8_t *out, size_t out_len, size_t alloc, struct tres *r)
{
    uint8_t cdb[T10_CDB_MAX];
    size_t n = t10_cdb_build(cdb, sizeof cdb, c);
    CU_ASSERT_FATAL(n > 0 && n <= sizeof cdb);
    th_run_raw(lib, nx, lun, cdb, n, out, out_len, alloc, r);
}

struct t10_cdb th_cdb(enum t10_cdb_kind kind)
{
    struct t10_cdb c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    return c;
}

uint64_t th_nexus(struct vtl_library *lib)
{
    static struct tres r;
    uint64_t id = vtl_nexus_open(lib);
    CU_ASSERT_FATAL(id != 0);
    struct t10_cdb c = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, id, 0, &c, NULL, 0, 0, &r);
    CU_ASSERT_EQUAL(r.sense.asc_ascq, T10_ASC(0x29, 0x00));
    return id;
}
