/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_t10_cdb.c - libFuzzer target for every CDB decoder in scsi/cdb.c.
 *
 * Input: byte 0 picks the device type the CDB is decoded for (normalised modulo 4: tape,
 * changer, disk, none); the rest is the CDB. Properties checked, not just crashes:
 * a CDB that decodes rebuilds to the same bytes (so no field is silently dropped and no
 * reserved bit slips through), and decode_as agrees with decode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/cdb.h"
#include "scsi/tables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum t10_pdt pdts[4] = {T10_PDT_TAPE, T10_PDT_CHANGER, T10_PDT_DISK, T10_PDT_NONE};
    if (size < 1)
        return 0;
    enum t10_pdt pdt = pdts[data[0] & 3];
    const uint8_t *cdb = data + 1;
    size_t len = size - 1;
    struct t10_cdb c;
    struct t10_field_ptr bad;
    enum t10_rc rc = t10_cdb_decode(cdb, len, pdt, &c, &bad);
    if (rc == T10_OK) {
        uint8_t b[T10_CDB_MAX];
        size_t n = t10_cdb_build(b, sizeof b, &c);
        if (n != c.len || n > len || memcmp(b, cdb, n) != 0)
            abort(); /* decode and build disagree */
        struct t10_cdb c2;
        if (t10_cdb_decode_as(cdb, len, c.kind, &c2, &bad) != T10_OK || c2.kind != c.kind)
            abort();
        (void)t10_cdb_alloc_len(&c);
        (void)t10_cdb_param_len(&c);
    } else if (rc == T10_EINVAL && len > 0 && bad.byte >= len) {
        abort(); /* a field pointer must point inside the CDB */
    }
    /* every kind-specific decoder on the same bytes */
    for (int k = 0; k <= T10_CDB_KIND_COUNT_; k++) {
        struct t10_cdb d;
        rc = t10_cdb_decode_as(cdb, len, (enum t10_cdb_kind)k, &d, &bad);
        if (rc == T10_OK && d.kind != (enum t10_cdb_kind)k)
            abort();
        uint8_t usage[T10_CDB_MAX];
        (void)t10_cdb_usage((enum t10_cdb_kind)k, usage, sizeof usage);
    }
    if (len > 0) {
        (void)t10_op_name(cdb[0], len > 1 ? cdb[1] & 0x1F : -1, pdt);
        (void)t10_cdb_group_len(cdb[0]);
    }
    return 0;
}
