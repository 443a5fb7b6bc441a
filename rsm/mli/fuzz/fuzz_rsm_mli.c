/* SPDX-License-Identifier: MIT
 * rsm/mli/fuzz/fuzz_rsm_mli.c - libFuzzer target for every built-in label claimer
 * (rsm/mli). Any input is the first block of a tape as a drive might return it.
 * Properties: a claim's ID fits the side (1..255 bytes) and its strings are terminated; a
 * free label claimed rebuilds to the same medium ID.
 */
#include <stdlib.h>
#include <string.h>

#include "rsm/mli/mli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rsm_mli_result r;
    if (rsm_mli_claim(NULL, data, size, &r) != RSM_MLI_OK)
        return 0;
    if (r.id_len == 0 || r.id_len > RSM_MLI_ID_MAX || memchr(r.info, 0, sizeof r.info) == NULL ||
        memchr(r.type, 0, sizeof r.type) == NULL || r.type[0] == '\0')
        abort();
    if (r.free_label) {
        uint8_t lab[RSM_MLI_FREE_LABEL_LEN];
        struct rsm_mli_result again;
        rsm_mli_free_label_build(lab, sizeof lab, r.media_id, NULL, 0);
        if (rsm_mli_claim(NULL, lab, sizeof lab, &again) != RSM_MLI_OK ||
            memcmp(again.media_id, r.media_id, 16) != 0)
            abort();
    }
    return 0;
}
