/* SPDX-License-Identifier: MIT
 * sim/drive/tests/drive_fixture.h - helpers shared by the drive test suites: a drive on a
 * virtual clock with a temporary state directory, commands built with scsi/ builders and
 * executed through vtl_drive_execute(), sense decoded with scsi/ parsers.
 */
#ifndef OPENRSM_SIM_DRIVE_TESTS_DRIVE_FIXTURE_H
#define OPENRSM_SIM_DRIVE_TESTS_DRIVE_FIXTURE_H

#include "scsi/cdb.h"
#include "scsi/sense.h"
#include "sim/drive/drive.h"

struct fx {
    char dir[256];
    struct vtl_clock *clk;
    struct vtl_drive *d;
    struct vtl_drive_config cfg;
};

/* Config defaults for tests: virtual clock, 8 MiB cartridges, nosync. */
void fx_config(struct fx *f, enum vtl_clock_mode mode);
/* Creates the drive from f->cfg (call fx_config first, then adjust f->cfg). */
void fx_start(struct fx *f);
void fx_stop(struct fx *f);
/* fx_config + fx_start + load @barcode (data cartridge from the barcode) + clock run
 * until ready + the UAs of nexus 1 consumed. */
void fx_ready(struct fx *f, const char *barcode);
/* Loads @barcode and runs the clock until the drive settles; UAs not consumed. */
void fx_load(struct fx *f, const char *barcode);

/* Result of one command. */
struct res {
    uint8_t status;
    enum vtl_exec exec;
    size_t len;                 /* data_in_len */
    struct t10_sense s;         /* parsed when CHECK CONDITION */
    uint8_t sense_raw[252];
    size_t sense_len;
};

/* Executes @c on nexus @nexus (data out @out/@out_len, data in @in/@in_cap); a PENDING
 * command is driven to completion by advancing the virtual clock. */
struct res fx_cmd(struct fx *f, uint64_t nexus, const struct t10_cdb *c, const void *out,
                  size_t out_len, void *in, size_t in_cap);
/* Raw CDB bytes instead of a struct. */
struct res fx_raw(struct fx *f, uint64_t nexus, const uint8_t *cdb, size_t cdb_len,
                  const void *out, size_t out_len, void *in, size_t in_cap);

/* Shorthands on nexus 1. */
struct res fx_tur(struct fx *f);
struct res fx_write(struct fx *f, bool fixed, uint32_t n, const void *buf, size_t len);
struct res fx_read(struct fx *f, bool fixed, bool sili, uint32_t n, void *buf, size_t cap);
struct res fx_wfm(struct fx *f, uint32_t n);
struct res fx_space(struct fx *f, uint8_t code, int64_t count);
struct res fx_rewind(struct fx *f);
struct res fx_locate(struct fx *f, uint64_t obj);
/* READ POSITION short form: object number (or UINT64_MAX on failure). */
uint64_t fx_pos(struct fx *f);
struct res fx_mode_select_blocklen(struct fx *f, uint32_t block_len);
/* Fills @buf with a pattern derived from @seed. */
void fx_pattern(uint8_t *buf, size_t len, unsigned seed);

/* Sense checks: CHECK CONDITION with this key and ASC/ASCQ. */
#define CHECK_SENSE(expr, k, a)                                                          \
    do {                                                                                 \
        struct res r_ = (expr); /* evaluated once: it may be a command */                \
        CU_ASSERT_EQUAL(r_.status, VTL_STATUS_CHECK_CONDITION);                          \
        CU_ASSERT_EQUAL(r_.s.key, (k));                                                  \
        CU_ASSERT_EQUAL(r_.s.asc_ascq, (a));                                             \
    } while (0)
#define CHECK_GOOD(r) CU_ASSERT_EQUAL((r).status, VTL_STATUS_GOOD)

#endif
