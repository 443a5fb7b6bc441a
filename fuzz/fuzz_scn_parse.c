/* SPDX-License-Identifier: MIT
 * fuzz_scn_parse - random bytes as a scenario file through the validator
 * (scenarios/runner/parse.c), which includes the library section's pass through sim/'s
 * config loader. Nothing runs: a valid scenario is only loaded and freed. A rejection must
 * come with a "name:line:column: " message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/runner/scn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scn_scenario *sc = NULL;
    char err[2048];
    enum scn_rc rc = scn_load_string((const char *)data, size, "fuzz.yaml", &sc, err, sizeof err);
    if (rc == SCN_OK) {
        if (!sc || !scn_name(sc))
            abort();
        scn_free(sc);
    } else if (rc == SCN_E_INPUT && strncmp(err, "fuzz.yaml:", 10) != 0) {
        abort(); /* every rejection says where */
    }
    return 0;
}
