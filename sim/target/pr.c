/* SPDX-License-Identifier: MIT
 * sim/target/pr.c - PERSISTENT RESERVE IN/OUT on the changer LUN (SPC-4 5.13, 6.15, 6.16):
 * READ KEYS, READ RESERVATION, REPORT CAPABILITIES; REGISTER, REGISTER AND IGNORE
 * EXISTING KEY, RESERVE, RELEASE, CLEAR, PREEMPT. Types: Write Exclusive (1), Exclusive
 * Access (3), and their Registrants Only (5, 6) and All Registrants (7, 8) forms.
 * Registrations are per I_T nexus and volatile (APTPL is not offered: PTPL_C = 0).
 */
#include "sim/target/tgt.h"

#include "scsi/be.h"

#include "scsi/pr.h"

#include <string.h>

#define KEY_ILLEGAL           0x5
#define ASC_PARAM_LIST_LENGTH T10_ASC(0x1A, 0x00)
#define ASC_INVALID_RELEASE   T10_ASC(0x26, 0x04)
#define UA_RESV_PREEMPTED     T10_ASC(0x2A, 0x03)
#define UA_RESV_RELEASED      T10_ASC(0x2A, 0x04)
#define UA_REG_PREEMPTED      T10_ASC(0x2A, 0x05)

enum { PR_WE = 1, PR_EA = 3, PR_WE_RO = 5, PR_EA_RO = 6, PR_WE_AR = 7, PR_EA_AR = 8 };
#define PR_TYPE_MASK                                                                               \
    ((1u << PR_WE) | (1u << PR_EA) | (1u << PR_WE_RO) | (1u << PR_EA_RO) | (1u << PR_WE_AR) |      \
     (1u << PR_EA_AR))

static bool all_registrants(uint8_t type)
{
    return type == PR_WE_AR || type == PR_EA_AR;
}

static bool registrants_type(uint8_t type)
{
    return type == PR_WE_RO || type == PR_EA_RO || all_registrants(type);
}

static bool is_holder(const struct vtl_library *lib, const struct vtl_nexus *nx)
{
    if (!lib->pr_holder)
        return false;
    if (all_registrants(lib->pr_type))
        return nx->registered;
    return lib->pr_holder == nx->id + 1;
}

bool vtl_pr_conflicts(const struct vtl_library *lib, const struct vtl_nexus *nx,
                      enum vtl_conflict cf)
{
    if (!lib->pr_holder || cf == VTL_CF_EXEMPT || is_holder(lib, nx) ||
        vtl_mut(lib, VTL_MUT_PR_NOT_ENFORCED))
        return false;
    /* Registrants Only / All Registrants: every registered nexus gets access. */
    if (registrants_type(lib->pr_type) && nx->registered)
        return false;
    bool write_excl = lib->pr_type == PR_WE || lib->pr_type == PR_WE_RO || lib->pr_type == PR_WE_AR;
    if (write_excl)
        return cf == VTL_CF_WRITE;
    return true;
}

static void drop_reservation_if_holder(struct vtl_library *lib, struct vtl_nexus *nx)
{
    if (!lib->pr_holder)
        return;
    if (all_registrants(lib->pr_type)) {
        /* the reservation lasts while any registrant remains */
        for (size_t i = 0; i < lib->n_nexus; i++)
            if (lib->nexus[i].used && lib->nexus[i].registered && &lib->nexus[i] != nx)
                return;
        lib->pr_holder = 0;
        lib->pr_type = 0;
    } else if (lib->pr_holder == nx->id + 1) {
        uint8_t type = lib->pr_type;
        lib->pr_holder = 0;
        lib->pr_type = 0;
        /* SPC-4 5.13.10.2: unregistering the holder of a Registrants Only reservation
         * releases it, and the other registrants hear RESERVATIONS RELEASED. */
        if (registrants_type(type))
            for (size_t i = 0; i < lib->n_nexus; i++)
                if (lib->nexus[i].used && lib->nexus[i].registered && &lib->nexus[i] != nx)
                    vtl_ua_raise(&lib->nexus[i], UA_RESV_RELEASED);
    }
}

void vtl_pr_nexus_gone(struct vtl_library *lib, struct vtl_nexus *nx)
{
    if (!nx->registered)
        return;
    drop_reservation_if_holder(lib, nx);
    nx->registered = false;
    nx->key = 0;
    lib->pr_generation++;
}

enum vtl_exec vtl_pr_in(struct vtl_tctx *t)
{
    const struct t10_cdb_pr_in *c = &t->cdb.u.pr_in;
    struct vtl_library *lib = t->lib;
    size_t room = vtl_tc_room(t, c->alloc_len);
    uint8_t *out = t->cmd->data_in;
    size_t n = 0;
    switch (c->sa) {
    case 0: {
        uint64_t keys[64];
        size_t nk = 0;
        for (size_t i = 0; i < lib->n_nexus && nk < 64; i++)
            if (lib->nexus[i].used && lib->nexus[i].registered)
                keys[nk++] = lib->nexus[i].key;
        n = t10_prin_keys_build(out, room, lib->pr_generation, keys, nk);
        if (vtl_mut(lib, VTL_MUT_PR_KEYS_LEN) && room >= 8)
            t10_put_be32(out + 4, (uint32_t)(8 * nk + 4));
        break;
    }
    case 1: {
        uint64_t key = 0;
        if (lib->pr_holder && !all_registrants(lib->pr_type)) {
            const struct vtl_nexus *h = NULL;
            for (size_t i = 0; i < lib->n_nexus; i++)
                if (lib->nexus[i].used && lib->nexus[i].id + 1 == lib->pr_holder)
                    h = &lib->nexus[i];
            key = h ? h->key : 0;
        }
        /* All Registrants: the key reported is zero (SPC-4 6.15.3.2). */
        struct t10_prin_resv rv = {.generation = lib->pr_generation,
                                   .held = lib->pr_holder != 0, .key = key, .type = lib->pr_type};
        n = t10_prin_resv_build(out, room, &rv);
        break;
    }
    case 2: {
        struct t10_prin_caps caps = {.tmv = true, .type_mask = PR_TYPE_MASK};
        n = t10_prin_caps_build(out, room, &caps);
        if (vtl_mut(lib, VTL_MUT_PR_CAPS_LEN) && room >= 2)
            t10_put_be16(out, 6);
        break;
    }
    default:
        return vtl_tc_bad_cdb(t, VTL_FP_SERVICE_ACTION.byte, VTL_FP_SERVICE_ACTION.bit);
    }
    return vtl_tc_good(t, n < room ? n : room);
}

enum vtl_exec vtl_pr_out(struct vtl_tctx *t)
{
    const struct t10_cdb_pr_out *c = &t->cdb.u.pr_out;
    struct vtl_library *lib = t->lib;
    struct vtl_nexus *nx = t->nx;
    /* SPC-4 6.16.3: the basic list is exactly 24 bytes. */
    if (c->param_len != 24 || vtl_tc_param_len(t, c->param_len) < c->param_len)
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_PARAM_LIST_LENGTH, NULL);
    struct t10_prout p;
    struct t10_field_ptr bad;
    if (t10_prout_decode(t->cmd->data_out, c->param_len, &p, &bad) != T10_OK)
        return vtl_tc_fail(t, KEY_ILLEGAL, ASC_PARAM_LIST_LENGTH, NULL);
    if (p.spec_i_pt || p.all_tg_pt || p.aptpl)
        return vtl_tc_bad_param(t, VTL_FP_PR_OUT_FLAGS.byte, -1);
    /* Under another nexus's RESERVE(6/10), PR OUT conflicts (SPC-3 5.6.1). */
    if (lib->legacy_resv && lib->legacy_resv != nx->id + 1)
        return vtl_tc_conflict(t);

    switch (c->sa) {
    case 0: /* REGISTER */
    case 6: /* REGISTER AND IGNORE EXISTING KEY */
        if (c->sa == 0 && (nx->registered ? p.key != nx->key : p.key != 0))
            return vtl_tc_conflict(t);
        if (p.sa_key == 0) {
            if (nx->registered)
                vtl_pr_nexus_gone(lib, nx);
            return vtl_tc_good(t, 0);
        }
        nx->registered = true;
        nx->key = p.sa_key;
        lib->pr_generation++;
        return vtl_tc_good(t, 0);
    default:
        break;
    }
    if (!nx->registered || nx->key != p.key)
        return vtl_tc_conflict(t);
    switch (c->sa) {
    case 1: /* RESERVE */
        if (c->scope != 0)
            return vtl_tc_bad_cdb(t, VTL_FP_PR_SCOPE.byte, VTL_FP_PR_SCOPE.bit);
        if (!(PR_TYPE_MASK & (1u << (c->type & 0x0F))))
            return vtl_tc_bad_cdb(t, VTL_FP_PR_TYPE.byte, VTL_FP_PR_TYPE.bit);
        if (lib->pr_holder) {
            if (is_holder(lib, nx) && lib->pr_type == c->type)
                return vtl_tc_good(t, 0);
            return vtl_tc_conflict(t);
        }
        lib->pr_holder = nx->id + 1;
        lib->pr_type = c->type;
        return vtl_tc_good(t, 0);
    case 2: /* RELEASE */
        if (!lib->pr_holder || !is_holder(lib, nx))
            return vtl_tc_good(t, 0);
        if (c->scope != 0 || c->type != lib->pr_type)
            return vtl_tc_fail(t, KEY_ILLEGAL, ASC_INVALID_RELEASE, NULL);
        {
            uint8_t type = lib->pr_type;
            lib->pr_holder = 0;
            lib->pr_type = 0;
            if (registrants_type(type))
                for (size_t i = 0; i < lib->n_nexus; i++)
                    if (lib->nexus[i].used && lib->nexus[i].registered && &lib->nexus[i] != nx)
                        vtl_ua_raise(&lib->nexus[i], UA_RESV_RELEASED);
        }
        return vtl_tc_good(t, 0);
    case 3: /* CLEAR */
        for (size_t i = 0; i < lib->n_nexus; i++) {
            struct vtl_nexus *o = &lib->nexus[i];
            if (!o->used || !o->registered)
                continue;
            if (o != nx)
                vtl_ua_raise(o, UA_RESV_PREEMPTED);
            o->registered = false;
            o->key = 0;
        }
        lib->pr_holder = 0;
        lib->pr_type = 0;
        lib->pr_generation++;
        return vtl_tc_good(t, 0);
    case 4: { /* PREEMPT */
        bool resv_target = lib->pr_holder && !all_registrants(lib->pr_type);
        uint64_t holder_key = 0;
        if (resv_target)
            for (size_t i = 0; i < lib->n_nexus; i++)
                if (lib->nexus[i].used && lib->nexus[i].id + 1 == lib->pr_holder)
                    holder_key = lib->nexus[i].key;
        if (p.sa_key == 0 && !(lib->pr_holder && all_registrants(lib->pr_type)))
            return vtl_tc_bad_param(t, VTL_FP_PR_OUT_SAKEY.byte, -1);
        if (lib->pr_holder && (c->scope != 0 || !(PR_TYPE_MASK & (1u << (c->type & 0x0F)))))
            return vtl_tc_bad_cdb(t, VTL_FP_PR_TYPE.byte, VTL_FP_PR_TYPE.bit);
        bool found = false;
        for (size_t i = 0; i < lib->n_nexus; i++) {
            struct vtl_nexus *o = &lib->nexus[i];
            if (!o->used || !o->registered || o == nx)
                continue;
            if (p.sa_key == 0 || o->key == p.sa_key) {
                found = true;
                vtl_ua_raise(o, UA_REG_PREEMPTED);
                o->registered = false;
                o->key = 0;
            }
        }
        bool takes_resv = lib->pr_holder &&
                          (all_registrants(lib->pr_type) ? p.sa_key == 0 : holder_key == p.sa_key);
        if (takes_resv) {
            lib->pr_holder = nx->id + 1;
            lib->pr_type = c->type;
            found = true;
        }
        if (!found)
            return vtl_tc_conflict(t);
        lib->pr_generation++;
        return vtl_tc_good(t, 0);
    }
    }
    return vtl_tc_bad_cdb(t, VTL_FP_SERVICE_ACTION.byte, VTL_FP_SERVICE_ACTION.bit);
}
