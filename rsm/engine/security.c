/* SPDX-License-Identifier: MIT
 * Access control in POSIX form (ntms-api.md §1.9, descriptor layout in wintypes.h).
 *
 * Governing objects carry a descriptor: owner uid, group gid and entries granting a mask of
 * NTMS_USE/MODIFY/CONTROL_ACCESS | READ_CONTROL | WRITE_DAC to a uid, a gid or everyone.
 * Media (physical, sides, logical) are governed by their pool, walking up to the nearest
 * pool that has a descriptor; devices and requests by their library; everything else
 * (types, operator requests, the computer) by the computer. uid 0 holds every right and
 * an owner may always read and replace its descriptor, as on Windows.
 */
#include <string.h>

#include "rsm/engine/internal.h"

void rsm_sec_default(struct rsm_acl *acl, uint32_t owner, uint32_t group)
{
    memset(acl, 0, sizeof *acl);
    acl->owner = owner;
    acl->group = group;
    acl->ace[acl->n++] = (struct rsm_ace){RSM_ACE_USER, owner, RSM_ALL_ACCESS};
    if (owner != 0)
        acl->ace[acl->n++] = (struct rsm_ace){RSM_ACE_USER, 0, RSM_ALL_ACCESS};
    acl->ace[acl->n++] = (struct rsm_ace){RSM_ACE_EVERYONE, 0, RSM_USE_ACCESS | RSM_READ_CONTROL};
}

rsm_rc rsm_sec_load(struct rsm_db *db, const struct rsm_guid *g, struct rsm_acl *acl)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT owner, grp FROM sd WHERE obj=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    int src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        sqlite3_reset(st);
        return src == SQLITE_DONE ? RSM_E_NO_SECURITY : rsm_db_map(src);
    }
    memset(acl, 0, sizeof *acl);
    acl->owner = (uint32_t)sqlite3_column_int64(st, 0);
    acl->group = (uint32_t)sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    st = rsm_db_stmt(db, "SELECT kind, id, mask FROM ace WHERE obj=?1 ORDER BY seq");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    while ((src = sqlite3_step(st)) == SQLITE_ROW && acl->n < RSM_ACL_MAX) {
        struct rsm_ace *a = &acl->ace[acl->n++];
        a->kind = (uint32_t)sqlite3_column_int64(st, 0);
        a->id = (uint32_t)sqlite3_column_int64(st, 1);
        a->mask = (uint32_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return (src == SQLITE_DONE || src == SQLITE_ROW) ? RSM_OK : rsm_db_map(src);
}

rsm_rc rsm_sec_store(struct rsm_db *db, const struct rsm_guid *g, const struct rsm_acl *acl)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "INSERT OR REPLACE INTO sd(obj,owner,grp) VALUES(?1,?2,?3)");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    sqlite3_bind_int64(st, 2, acl->owner);
    sqlite3_bind_int64(st, 3, acl->group);
    rsm_rc rc = rsm_db_step_done(st);
    /* INSERT OR REPLACE deletes the old sd row, and its entries with it (ON DELETE
     * CASCADE); delete explicitly anyway in case the row was new. */
    st = rsm_db_stmt(db, "DELETE FROM ace WHERE obj=?1");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, g);
        rc = rsm_db_step_done(st);
    }
    for (uint32_t i = 0; rc == RSM_OK && i < acl->n; i++) {
        st = rsm_db_stmt(db, "INSERT INTO ace(obj,seq,kind,id,mask) VALUES(?1,?2,?3,?4,?5)");
        if (!st)
            return RSM_E_DB_FAILURE;
        rsm_db_bind_guid_nn(st, 1, g);
        sqlite3_bind_int64(st, 2, i);
        sqlite3_bind_int64(st, 3, acl->ace[i].kind);
        sqlite3_bind_int64(st, 4, acl->ace[i].id);
        sqlite3_bind_int64(st, 5, acl->ace[i].mask);
        rc = rsm_db_step_done(st);
    }
    return rc;
}

/* The object whose descriptor governs @g (before walking pool parents). */
static rsm_rc governing(struct rsm_engine *e, const struct rsm_guid *g, struct rsm_guid *out)
{
    uint32_t type;
    rsm_rc rc = rsm_obj_type(e->db, g, &type);
    if (rc != RSM_OK)
        return rc;
    const char *sql = NULL;
    switch (type) {
    case RSM_OT_MEDIA_POOL:
    case RSM_OT_LIBRARY:
    case RSM_OT_COMPUTER:
        *out = *g;
        return RSM_OK;
    case RSM_OT_PHYSICAL_MEDIA:
        sql = "SELECT pool FROM pmedia WHERE guid=?1";
        break;
    case RSM_OT_PARTITION:
        sql = "SELECT p.pool FROM side s JOIN pmedia p ON p.guid=s.pmedia WHERE s.guid=?1";
        break;
    case RSM_OT_LOGICAL_MEDIA:
        sql = "SELECT s.pool FROM obj o JOIN side s ON s.guid=o.ref WHERE o.guid=?1";
        break;
    case RSM_OT_CHANGER:
        sql = "SELECT library FROM changer WHERE guid=?1";
        break;
    case RSM_OT_DRIVE:
        sql = "SELECT library FROM drive WHERE guid=?1";
        break;
    case RSM_OT_STORAGESLOT:
        sql = "SELECT library FROM slot WHERE guid=?1";
        break;
    case RSM_OT_IEDOOR:
        sql = "SELECT library FROM iedoor WHERE guid=?1";
        break;
    case RSM_OT_IEPORT:
        sql = "SELECT library FROM ieport WHERE guid=?1";
        break;
    case RSM_OT_LIBREQUEST:
        sql = "SELECT library FROM libreq WHERE guid=?1";
        break;
    default:
        *out = e->computer;
        return RSM_OK;
    }
    sqlite3_stmt *st = rsm_db_stmt(e->db, sql);
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, g);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rsm_db_col_guid(st, 0, out);
    sqlite3_reset(st);
    if (src != SQLITE_ROW)
        return src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
    if (rsm_guid_is_null(out))
        *out = e->computer;
    return RSM_OK;
}

static uint32_t eval(const struct rsm_acl *acl, const struct rsm_caller *c)
{
    uint32_t m = 0;
    if (acl->owner == c->uid)
        m |= RSM_READ_CONTROL | RSM_WRITE_DAC;
    for (uint32_t i = 0; i < acl->n; i++) {
        const struct rsm_ace *a = &acl->ace[i];
        bool hit = a->kind == RSM_ACE_EVERYONE || (a->kind == RSM_ACE_USER && a->id == c->uid);
        for (uint32_t k = 0; !hit && a->kind == RSM_ACE_GROUP && k < c->n_gids; k++)
            hit = c->gids[k] == a->id;
        if (hit)
            m |= a->mask;
    }
    return m;
}

/* Descriptor in force for governing object @g: its own, else the nearest pool ancestor's,
 * else the computer's. */
static rsm_rc effective_acl(struct rsm_engine *e, struct rsm_guid g, struct rsm_acl *acl)
{
    for (int depth = 0; depth < 64; depth++) {
        rsm_rc rc = rsm_sec_load(e->db, &g, acl);
        if (rc != RSM_E_NO_SECURITY)
            return rc;
        uint32_t pt;
        struct rsm_guid mt, parent;
        if (rsm_pool_row(e->db, &g, &pt, &mt, &parent) != RSM_OK || rsm_guid_is_null(&parent))
            break;
        g = parent;
    }
    return rsm_sec_load(e->db, &e->computer, acl);
}

uint32_t rsm_sec_rights(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *g)
{
    if (c->uid == 0)
        return RSM_ALL_ACCESS;
    struct rsm_guid gov;
    if (governing(e, g, &gov) != RSM_OK)
        return 0;
    static __thread struct rsm_acl acl; /* 3 KiB: keep it off small thread stacks */
    if (effective_acl(e, gov, &acl) != RSM_OK)
        return 0;
    return eval(&acl, c);
}

rsm_rc rsm_sec_need(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *g,
                    uint32_t need)
{
    if (c->uid == 0)
        return RSM_OK;
    return (rsm_sec_rights(e, c, g) & need) == need ? RSM_OK : RSM_E_ACCESS_DENIED;
}

static bool has_descriptor_type(uint32_t t)
{
    return t == RSM_OT_MEDIA_POOL || t == RSM_OT_LIBRARY || t == RSM_OT_COMPUTER;
}

rsm_rc rsm_security_get(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                        struct rsm_acl *out)
{
    if (!id || !out)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    uint32_t type;
    rsm_rc rc = rsm_obj_type(e->db, id, &type);
    if (rc == RSM_OK && !has_descriptor_type(type))
        rc = RSM_E_NO_SECURITY;
    if (rc == RSM_OK)
        rc = effective_acl(e, *id, out);
    if (rc == RSM_OK && c->uid != 0 && !(eval(out, c) & RSM_READ_CONTROL))
        rc = RSM_E_ACCESS_DENIED;
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_security_set(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                        uint32_t what, const struct rsm_acl *in)
{
    if (!id || !in || in->n > RSM_ACL_MAX || (what & ~0xFu) || !(what & 0x7u))
        return RSM_E_INVALID_PARAMETER;
    for (uint32_t i = 0; i < in->n; i++)
        if (in->ace[i].kind < RSM_ACE_USER || in->ace[i].kind > RSM_ACE_EVERYONE)
            return RSM_E_INVALID_PARAMETER;
    static __thread struct rsm_acl cur;
    rsm_engine_lock(e);
    uint32_t type;
    rsm_rc rc = rsm_db_begin(e->db);
    if (rc == RSM_OK)
        rc = rsm_obj_type(e->db, id, &type);
    if (rc == RSM_OK && !has_descriptor_type(type))
        rc = RSM_E_NO_SECURITY;
    if (rc == RSM_OK)
        rc = effective_acl(e, *id, &cur);
    if (rc == RSM_OK && c->uid != 0) {
        uint32_t m = eval(&cur, c);
        if ((what & 4u) && !(m & RSM_WRITE_DAC))
            rc = RSM_E_ACCESS_DENIED;
        if ((what & 3u) && cur.owner != c->uid)
            rc = RSM_E_ACCESS_DENIED; /* only the owner (or root) gives a pool away */
    }
    if (rc == RSM_OK) {
        if (what & 1u)
            cur.owner = in->owner;
        if (what & 2u)
            cur.group = in->group;
        if (what & 4u) {
            cur.n = in->n;
            memcpy(cur.ace, in->ace, in->n * sizeof in->ace[0]);
        }
        rc = rsm_sec_store(e->db, id, &cur);
    }
    if (rc == RSM_OK)
        rc = rsm_obj_touch(e->db, id);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}
