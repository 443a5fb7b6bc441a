/* SPDX-License-Identifier: MIT
 * sim/target/tests/helpers.h - drive a library through vtl_lun_execute() with CDBs built
 * by scsi/ builders, and decode its answers with scsi/ decoders.
 */
#ifndef OPENRSM_SIM_TARGET_TESTS_HELPERS_H
#define OPENRSM_SIM_TARGET_TESTS_HELPERS_H

#include <CUnit/CUnit.h>

#include "scsi/cdb.h"
#include "scsi/sense.h"
#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/core/library.h"
#include "sim/target/target.h"

#define TBUF 65536

struct tres {
    enum vtl_exec exec;
    uint8_t status;
    size_t len;
    uint8_t data[TBUF];
    struct t10_sense sense; /* parsed when status is CHECK CONDITION */
    struct vtl_cmd cmd;
    int done_calls;
};

struct vtl_library *th_default(void);
struct vtl_library *th_yaml(const char *yaml);

/* Builds @c with t10_cdb_build, runs it on @lun for nexus @nx with @out (may be NULL) as
 * parameter data, @alloc bytes of data-in room. Fills @r (static storage is fine). */
void th_run(struct vtl_library *lib, uint64_t nx, unsigned lun, const struct t10_cdb *c,
            const uint8_t *out, size_t out_len, size_t alloc, struct tres *r);
/* Same with raw CDB bytes. */
void th_run_raw(struct vtl_library *lib, uint64_t nx, unsigned lun, const uint8_t *cdb,
                size_t cdb_len, const uint8_t *out, size_t out_len, size_t alloc, struct tres *r);

/* Opens a nexus and clears its power-on UA with a TEST UNIT READY. */
uint64_t th_nexus(struct vtl_library *lib);

/* Asserts helpers: GOOD; CHECK CONDITION with key/asc. */
#define TH_GOOD(r) CU_ASSERT_EQUAL((r)->status, VTL_STATUS_GOOD)
#define TH_CHECK(r, k, a)                                                                          \
    do {                                                                                           \
        CU_ASSERT_EQUAL((r)->status, VTL_STATUS_CHECK_CONDITION);                                  \
        CU_ASSERT_EQUAL((r)->sense.key, (k));                                                      \
        CU_ASSERT_EQUAL((r)->sense.asc_ascq, (a));                                                 \
    } while (0)

/* Short CDB constructors. */
struct t10_cdb th_cdb(enum t10_cdb_kind kind);

#endif
