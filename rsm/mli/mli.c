/* SPDX-License-Identifier: MIT
 * rsm/mli/mli.c - the claim dispatcher: built-ins in a fixed order, then plugins.
 *
 * Order matters only where formats overlap: RSM's free label and LTFS are also valid ANSI
 * VOL1 labels, so they are tried first. Windows does not document its MLL order
 * (ntms-api.md §4.3); built-ins first makes a plugin unable to take over a format RSM
 * itself must recognise (its own free label above all).
 */
#include <string.h>

#include "rsm/mli/internal.h"

const struct rsm_mli_builtin rsm_mli_builtins[] = {
    {"RSM", RSM_MLI_FREE_LABEL_LEN, rsm_mli_claim_free},
    {"LTFS", MLI_VOL1_LEN, rsm_mli_claim_ltfs},
    {"ANSI", MLI_VOL1_LEN, rsm_mli_claim_ansi},
    {"IBM", MLI_VOL1_LEN, rsm_mli_claim_ibm},
    {"TAR", MLI_TAR_MAX, rsm_mli_claim_tar},
    {"BACULA", MLI_BACULA_MAX, rsm_mli_claim_bacula},
    {"AMANDA", MLI_AMANDA_MAX, rsm_mli_claim_amanda},
    {"MTF", MLI_MTF_MAX, rsm_mli_claim_mtf},
};
const size_t rsm_mli_n_builtins = sizeof rsm_mli_builtins / sizeof rsm_mli_builtins[0];

size_t rsm_mli_max_label_size(const struct rsm_mli *m)
{
    size_t max = 0;
    for (size_t i = 0; i < rsm_mli_n_builtins; i++)
        if (rsm_mli_builtins[i].max_label > max)
            max = rsm_mli_builtins[i].max_label;
    size_t p = rsm_mli_plugins_max(m);
    return p > max ? p : max;
}

enum rsm_mli_rc rsm_mli_claim(const struct rsm_mli *m, const uint8_t *buf, size_t len,
                              struct rsm_mli_result *out)
{
    if (out == NULL || (buf == NULL && len > 0))
        return RSM_MLI_EINVAL;
    memset(out, 0, sizeof *out);
    if (len == 0)
        return RSM_MLI_UNCLAIMED; /* blank: nothing to recognise */
    for (size_t i = 0; i < rsm_mli_n_builtins; i++) {
        size_t n = len < rsm_mli_builtins[i].max_label ? len : rsm_mli_builtins[i].max_label;
        if (rsm_mli_builtins[i].claim(buf, n, out))
            return RSM_MLI_OK;
    }
    if (rsm_mli_plugins_claim(m, buf, len, out))
        return RSM_MLI_OK;
    memset(out, 0, sizeof *out);
    return RSM_MLI_UNCLAIMED;
}

enum rsm_mli_rc rsm_mli_claim_builtin(const char *name, const uint8_t *buf, size_t len,
                                      struct rsm_mli_result *out)
{
    if (name == NULL || out == NULL || (buf == NULL && len > 0))
        return RSM_MLI_EINVAL;
    for (size_t i = 0; i < rsm_mli_n_builtins; i++) {
        if (strcmp(name, rsm_mli_builtins[i].name) != 0)
            continue;
        memset(out, 0, sizeof *out);
        size_t n = len < rsm_mli_builtins[i].max_label ? len : rsm_mli_builtins[i].max_label;
        return n > 0 && rsm_mli_builtins[i].claim(buf, n, out) ? RSM_MLI_OK : RSM_MLI_UNCLAIMED;
    }
    return RSM_MLI_EINVAL;
}

const char *rsm_mli_rc_str(enum rsm_mli_rc rc)
{
    switch (rc) {
    case RSM_MLI_OK:
        return "ok";
    case RSM_MLI_UNCLAIMED:
        return "no media label library claims the label";
    case RSM_MLI_EINVAL:
        return "invalid argument";
    case RSM_MLI_ENODIR:
        return "media label library directory cannot be read";
    case RSM_MLI_ENOMEM:
        return "out of memory";
    }
    return "unknown media label library result";
}
