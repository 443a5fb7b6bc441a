/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_vtl_changer.c - random command sequences into a fresh default library.
 *
 * Input: a sequence of records, each
 *   byte 0   bits 1..0 nexus (one of four), bits 3..2 LUN (0..3), bit 7: run the
 *            operator/fault action named by bits 6..4 before the command
 *   byte 1   CDB length (taken mod 17; 0 becomes 6)
 *   CDB bytes, then one byte N and N bytes of parameter data (data-out)
 * Two other modes reach the library's other parsers: a first byte FFh feeds the rest as
 * a YAML library config (vtl_config_load_string; a config that loads must build a library
 * that passes vtl_library_check), and FEh feeds it as a saved state file
 * (vtl_library_load_state: applied whole or not at all).
 *
 * Every command must complete (zero clock), never write past data_in_cap, leave the
 * library's invariants intact (vtl_library_check) and produce either no sense or sense
 * that scsi/ can parse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/sense.h"
#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/core/library.h"
#include "sim/target/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vtl_config *cfg;
static uint8_t in_buf[70000];

static void operator_action(struct vtl_library *lib, unsigned what, uint8_t arg)
{
    struct vtl_cart_info c;
    switch (what) {
    case 0:
        (void)vtl_library_set_door(lib, arg & 1);
        break;
    case 1:
        (void)vtl_library_set_mailslot(lib, arg & 1);
        break;
    case 2:
        if (vtl_cart_from_barcode(arg & 1 ? "FZ0001L8" : "CLN099L1", 5, &c) == VTL_OK)
            (void)vtl_library_inject(lib, &c, 0, NULL);
        break;
    case 3:
        (void)vtl_library_remove(lib, (uint16_t)(769 + (arg & 1)), NULL);
        break;
    case 4:
        if (arg & 1)
            vtl_fault_robot_jam(lib, 0);
        else
            vtl_fault_clear_jam(lib);
        break;
    case 5:
        vtl_fault_power_on_reset(lib);
        break;
    case 6:
        (void)vtl_fault_next_cmd(lib, arg, 0x4, 0x4400, 1);
        break;
    default:
        (void)vtl_fault_barcode_unreadable(lib, "A00001L8", arg & 1);
        break;
    }
}

static void fuzz_config(const uint8_t *data, size_t size)
{
    struct vtl_config *c;
    char err[256];
    if (vtl_config_load_string((const char *)data, size, "fuzz.yaml", &c, err, sizeof err) !=
        VTL_OK)
        return;
    struct vtl_library *lib;
    /* Cap the size so a config asking for 60,000 slots does not dominate the run. */
    unsigned total = c->count[1] + c->count[2] + c->count[3] + c->count[4];
    if (total <= 4096 && vtl_library_create(c, &lib) == VTL_OK) {
        if (vtl_library_check(lib, NULL, 0) != VTL_OK)
            abort();
        vtl_library_destroy(lib);
    }
    vtl_config_free(c);
}

static char state_dir[64];

static void remove_state_dir(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/library.state", state_dir);
    (void)remove(path); /* best effort: a leftover temp file harms nothing */
    (void)remove(state_dir);
}

static void fuzz_state(const uint8_t *data, size_t size)
{
    char *dir = state_dir;
    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof state_dir, "%s/fuzz-vtl-state-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            dir[0] = '\0';
            return;
        }
        atexit(remove_state_dir);
    }
    char path[128];
    snprintf(path, sizeof path, "%s/library.state", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
    struct vtl_library *lib;
    if (vtl_library_create(cfg, &lib) != VTL_OK)
        return;
    char why[128];
    enum vtl_rc rc = vtl_library_load_state(lib, dir, why, sizeof why);
    if (rc == VTL_OK && vtl_library_check(lib, NULL, 0) != VTL_OK)
        abort(); /* a state file that loads must describe a possible library */
    vtl_library_destroy(lib);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cfg && vtl_config_default(&cfg) != VTL_OK)
        return 0;
    if (size >= 1 && data[0] == 0xFF) {
        fuzz_config(data + 1, size - 1);
        return 0;
    }
    if (size >= 1 && data[0] == 0xFE) {
        fuzz_state(data + 1, size - 1);
        return 0;
    }
    struct vtl_library *lib;
    if (vtl_library_create(cfg, &lib) != VTL_OK)
        return 0;
    uint64_t nexus[4];
    for (int i = 0; i < 4; i++)
        nexus[i] = vtl_nexus_open(lib);
    size_t pos = 0;
    while (pos + 2 <= size) {
        uint8_t hdr = data[pos++];
        size_t cdb_len = data[pos++] % 17;
        if (cdb_len == 0)
            cdb_len = 6;
        if (hdr & 0x80)
            operator_action(lib, (hdr >> 4) & 7, cdb_len & 0xFF);
        if (pos + cdb_len > size)
            break;
        struct vtl_cmd cmd;
        memset(&cmd, 0, sizeof cmd);
        memcpy(cmd.cdb, data + pos, cdb_len);
        cmd.cdb_len = cdb_len;
        pos += cdb_len;
        size_t out_len = pos < size ? data[pos++] : 0;
        if (out_len > size - pos)
            out_len = size - pos;
        cmd.data_out = data + pos;
        cmd.data_out_len = out_len;
        pos += out_len;
        cmd.nexus_id = nexus[hdr & 3];
        cmd.data_in = in_buf;
        cmd.data_in_cap = (hdr & 0x40) ? 37 : sizeof in_buf;
        enum vtl_exec ex = vtl_lun_execute(lib, (hdr >> 2) & 3, &cmd);
        if (ex != VTL_EXEC_DONE)
            abort(); /* zero clock: everything completes in the call */
        if (cmd.data_in_len > cmd.data_in_cap || cmd.sense_len > VTL_SENSE_MAX)
            abort();
        if (vtl_library_check(lib, NULL, 0) != VTL_OK)
            abort(); /* an element state the model forbids */
        if (cmd.status == VTL_STATUS_CHECK_CONDITION) {
            struct t10_sense s;
            if (t10_sense_parse(cmd.sense, cmd.sense_len, &s) != T10_OK)
                abort();
        }
    }
    for (int i = 0; i < 4; i++)
        vtl_nexus_close(lib, nexus[i]);
    vtl_library_destroy(lib);
    return 0;
}
