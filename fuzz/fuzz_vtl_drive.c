/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_vtl_drive.c - random CDBs and parameter data into a virtual tape drive
 * (sim/drive) with a loaded scratch cartridge.
 *
 * Input: a sequence of records, each
 *   byte 0      action: low 2 bits 0-2 = a command; 3 = a drive event chosen by bits 2-4
 *               (reset, unload + reload, dirty, clear faults, write error, not ready,
 *               read error, nexus loss)
 *   byte 1      CDB length (taken modulo 17)
 *   CDB bytes, then a 2-byte big-endian data-out length and that many data bytes
 *   (clipped to what is left).
 * Every command is executed on one of three nexuses through vtl_drive_execute() with a
 * 64 KiB data-in buffer; the output must respect the buffer and sense limits. The image
 * lives in a temporary directory created once per process, with a small capacity so the
 * cartridge cannot grow without bound; each input starts from a freshly loaded drive.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

#include "sim/drive/drive.h"

static char state_dir[256];
static uint8_t data_in[64 * 1024];

static void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz_vtl_drive: %s\n", what);
    __builtin_trap();
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void rm_state_dir(void)
{
    (void)nftw(state_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); /* best effort at exit */
}

static const char *dir_once(void)
{
    if (!state_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(state_dir, sizeof state_dir, "%s/fuzz_vtl_drive.XXXXXX", tmp ? tmp : "/tmp");
        if (!mkdtemp(state_dir))
            fuzz_fail("mkdtemp");
        atexit(rm_state_dir);
    }
    return state_dir;
}

static void done_cb(struct vtl_cmd *cmd)
{
    (void)cmd; /* the zero clock never defers a command */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vtl_drive_config cfg = {
        .gen = 8, .serial = "FUZZ000001", .state_dir = dir_once(), .clock = NULL,
        .new_capacity_bytes = 4u * 1024 * 1024, .nosync = true, .clean_after_loads = 3,
        .elem_addr = 0x100, .volatile_use = true, /* inputs must not leak into each other */
    };
    struct vtl_drive *d;
    if (vtl_drive_create(&cfg, &d) != VTL_DRIVE_OK)
        fuzz_fail("create");
    struct vtl_cart_info cart;
    if (vtl_cart_from_barcode("FUZZ01L8", 2, &cart) != VTL_OK)
        fuzz_fail("barcode");
    vtl_drive_load(d, &cart);
    size_t off = 0;
    unsigned n_cmds = 0;
    while (off + 2 <= size && n_cmds < 256) {
        uint8_t action = data[off];
        size_t cdb_len = data[off + 1] % 17u;
        off += 2;
        if ((action & 3) == 3) {
            switch ((action >> 2) & 7) {
            case 0: vtl_drive_reset(d); break;
            case 1: vtl_drive_unload(d); vtl_drive_load(d, &cart); break;
            case 2: vtl_drive_set_dirty(d, action & 0x20); break;
            case 3: vtl_drive_fault_clear(d); break;
            case 4: vtl_drive_fault_write_error(d, 1); break;
            case 5: vtl_drive_fault_not_ready(d, 1, UINT64_MAX); break;
            case 6: (void)vtl_drive_fault_read_error(d, 0, action >> 5); break;
            default: vtl_drive_nexus_lost(d, 1 + (action >> 6)); break;
            }
            continue;
        }
        if (cdb_len > size - off)
            cdb_len = size - off;
        struct vtl_cmd cmd;
        memset(&cmd, 0, sizeof cmd);
        memcpy(cmd.cdb, data + off, cdb_len);
        cmd.cdb_len = cdb_len;
        off += cdb_len;
        size_t out_len = 0;
        if (off + 2 <= size) {
            out_len = (size_t)data[off] << 8 | data[off + 1];
            off += 2;
        }
        if (out_len > size - off)
            out_len = size - off;
        cmd.data_out = data + off;
        cmd.data_out_len = out_len;
        off += out_len;
        cmd.nexus_id = 1 + (action & 3);
        cmd.data_in = data_in;
        cmd.data_in_cap = (action & 0x80) ? 7 : sizeof data_in;
        cmd.done = done_cb;
        if (vtl_drive_execute(d, &cmd) != VTL_EXEC_DONE)
            fuzz_fail("zero clock deferred a command");
        if (cmd.data_in_len > cmd.data_in_cap)
            fuzz_fail("data beyond the buffer");
        if (cmd.sense_len > sizeof cmd.sense)
            fuzz_fail("sense too long");
        if (cmd.status == 0x02 && cmd.sense_len < 8)
            fuzz_fail("CHECK CONDITION without sense");
        vtl_drive_assert_state(d);
        n_cmds++;
    }
    vtl_drive_destroy(d);
    return 0;
}
