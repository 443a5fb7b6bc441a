/* SPDX-License-Identifier: MIT
 * Builds the library of rsm_sample_win through the engine's device-registration interface
 * (rsm/engine/devreg.h), exactly as the device layer reports what it finds. */
#include "rsm/tests/sample_fixture.h"

#include "rsm/engine/devreg.h"
#include "rsm/engine/engine.h"

#include <stdio.h>

#define STORAGE_MEDIA_LTO_ULTRIUM 0x56 /* STORAGE_MEDIA_TYPE LTO_Ultrium (ntms-api.md §1.7) */
#define RW_REWRITABLE             1
#define FILE_DEVICE_TAPE_CLASS    0x1F

static int check(rsm_rc rc, const char *step)
{
    if (rc != RSM_OK)
        fprintf(stderr, "sample fixture: %s failed: %s\n", step, rsm_rc_name(rc));
    return rc == RSM_OK ? 0 : -1;
}

int sample_fixture_build(const char *dir)
{
    struct rsm_engine *e;
    if (check(rsm_engine_open(dir, &e), "open engine"))
        return -1;
    struct rsm_guid lto, lib, slot;
    struct rsm_dev_library l = {
        .name = "Sample Library", .library_type = RSM_LIB_ONLINE, .barcode_reader = 1};
    int rc = check(rsm_engine_register_media_type(e, STORAGE_MEDIA_LTO_ULTRIUM, "LTO Ultrium", 1,
                                                  RW_REWRITABLE, FILE_DEVICE_TAPE_CLASS, &lto),
                   "register media type");
    if (rc == 0)
        rc = check(rsm_engine_register_library(e, &l, &lib), "register library");
    for (uint32_t n = 1; rc == 0 && n <= 4; n++) {
        rc = check(rsm_engine_register_slot(e, &lib, n, &slot), "register slot");
        if (rc == 0 && n <= SAMPLE_N_CARTRIDGES) {
            char barcode[16];
            struct rsm_guid pm;
            snprintf(barcode, sizeof barcode, "SMP%03uL8", n);
            rc = check(rsm_dev_media_seen(e, &slot, barcode, &lto, NULL, &pm), "cartridge seen");
        }
    }
    rsm_engine_close(e);
    return rc;
}
