/* SPDX-License-Identifier: MIT
 * sim/core/mutant.c - the mutant table and its switches. Contract in mutant.h; the
 * misbehaviours themselves live where the bug would be (sim/target, sim/drive).
 */
#include "sim/core/mutant.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/core/internal.h"

static const struct vtl_mutant_info table[] = {
#define VTL_MUT_ROW(name, id, check, what) {VTL_MUT_##name, id, check, what},
    VTL_MUTANTS(VTL_MUT_ROW)
#undef VTL_MUT_ROW
};

const struct vtl_mutant_info *vtl_mutant_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

const struct vtl_mutant_info *vtl_mutant_find(const char *id)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcasecmp(table[i].id, id) == 0)
            return &table[i];
    return NULL;
}

void vtl_mutant_bit_set(uint64_t *set, enum vtl_mutant m, bool on)
{
    uint64_t bit = UINT64_C(1) << ((unsigned)m & 63u);
    if (on)
        set[(unsigned)m >> 6] |= bit;
    else
        set[(unsigned)m >> 6] &= ~bit;
}

enum vtl_rc vtl_mutant_set(struct vtl_library *lib, enum vtl_mutant m, bool on)
{
    if (m <= VTL_MUT_NONE || m >= VTL_MUT_COUNT)
        return VTL_E_INVAL;
    vtl_mutant_bit_set(lib->cfg->mutants, m, on);
    return VTL_OK;
}

enum vtl_rc vtl_mutant_set_list(struct vtl_library *lib, const char *ids, char *err, size_t err_cap)
{
    enum vtl_mutant found[VTL_MUT_COUNT];
    size_t n = 0;
    /* Every id is looked up before any is switched on: a typo changes nothing. */
    for (const char *p = ids; *p;) {
        size_t len = strcspn(p, ",");
        char id[64];
        if (len == 0 || len >= sizeof id) {
            snprintf(err, err_cap, "unknown mutant '%.*s'", (int)(len < 60 ? len : 60), p);
            return VTL_E_INVAL;
        }
        memcpy(id, p, len);
        id[len] = '\0';
        const struct vtl_mutant_info *mi = vtl_mutant_find(id);
        if (!mi) {
            snprintf(err, err_cap, "unknown mutant '%s'", id);
            return VTL_E_INVAL;
        }
        if (n < VTL_MUT_COUNT)
            found[n++] = mi->m;
        p += len;
        if (*p == ',')
            p++;
    }
    for (size_t i = 0; i < n; i++)
        vtl_mutant_bit_set(lib->cfg->mutants, found[i], true);
    return VTL_OK;
}

bool vtl_mutant_on(const struct vtl_library *lib, enum vtl_mutant m)
{
    return lib && vtl_mut(lib, m);
}
