/* SPDX-License-Identifier: MIT
 * Fuzz target: the TCMU ring parser (sim/tcmu/ring.c) on a mapping whose every byte comes
 * from the input, as a misbehaving or hostile kernel module could leave it: mailbox, ring
 * geometry, entry headers, CDB offsets and iovecs. Each command read is gathered,
 * scattered back and completed, so every offset the parser accepted is really used.
 * Nothing may be read or written outside the mapping.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/tcmu/ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > (1u << 20))
        return 0;
    /* Page-aligned like the real uio mapping, and of the exact size, so ASan sees any
     * access past it. */
    uint8_t *map = NULL;
    if (posix_memalign((void **)&map, 4096, size) != 0)
        return 0;
    memcpy(map, data, size);
    struct vtl_tcmu_ring r;
    if (vtl_tcmu_ring_open(&r, map, size) == VTL_TCMU_OK) {
        static struct vtl_tcmu_req q;
        static uint8_t buf[64 * 1024];
        static const uint8_t sense[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24};
        for (int i = 0; i < 64; i++) {
            enum vtl_tcmu_rc rc = vtl_tcmu_ring_next(&r, &q);
            if (rc == VTL_TCMU_EMPTY || rc == VTL_TCMU_EBADMAP)
                break;
            if (rc != VTL_TCMU_OK)
                continue;
            (void)vtl_tcmu_cdb_len(q.cdb[0]);
            if (vtl_tcmu_is_data_out(q.cdb)) {
                size_t n = vtl_tcmu_gather(&r, &q, buf, sizeof buf);
                vtl_tcmu_ring_complete(&r, q.cmd_id, 0, NULL, 0, -1);
                (void)n;
            } else {
                vtl_tcmu_scatter(&r, &q, buf, q.data_len < sizeof buf ? q.data_len : sizeof buf);
                (void)vtl_tcmu_req_flat(&r, &q);
                if (i & 1)
                    vtl_tcmu_ring_complete(&r, q.cmd_id, 2, sense, sizeof sense, 0);
                else
                    vtl_tcmu_ring_complete(&r, q.cmd_id, 0, NULL, 0, (long)q.data_len);
            }
        }
    }
    free(map);
    return 0;
}
