/* SPDX-License-Identifier: MIT
 * Media pools: the system pools (Free, Import, Unrecognized, one sub-pool per media type
 * under each), the application root pool and the application pools under it
 * (CreateNtmsMediaPool, DeleteNtmsMediaPool, GetNtmsMediaPoolName).
 *
 * Hierarchy:  Free\<type>   Import\<type>   Unrecognized\<type>   (system, per media type)
 *             <root>\A\B\C                                         (application; the root
 *             pool's own name is not part of the paths below it)
 * A pool holds either media (it has a media type: a leaf) or pools (no media type).
 */
#include <string.h>

#include "rsm/engine/internal.h"

rsm_rc rsm_pool_row(struct rsm_db *db, const struct rsm_guid *pool, uint32_t *pool_type,
                    struct rsm_guid *mtype, struct rsm_guid *parent)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT pooltype, mtype, parent FROM pool WHERE guid=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, pool);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *pool_type = (uint32_t)sqlite3_column_int(st, 0);
        rsm_db_col_guid(st, 1, mtype);
        rsm_db_col_guid(st, 2, parent);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return RSM_OK;
    return src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
}

static uint32_t count_q(struct rsm_db *db, const char *sql, const struct rsm_guid *g, rsm_rc *rc)
{
    sqlite3_stmt *st = rsm_db_stmt(db, sql);
    if (!st) {
        *rc = RSM_E_DB_FAILURE;
        return 0;
    }
    rsm_db_bind_guid_nn(st, 1, g);
    int src = sqlite3_step(st);
    uint32_t n = src == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(st, 0) : 0;
    if (src != SQLITE_ROW)
        *rc = rsm_db_map(src) ? rsm_db_map(src) : RSM_E_DB_FAILURE;
    sqlite3_reset(st);
    return n;
}

rsm_rc rsm_pool_counts(struct rsm_db *db, const struct rsm_guid *pool, uint32_t *n_pools,
                       uint32_t *n_pmedia, uint32_t *n_lmedia)
{
    rsm_rc rc = RSM_OK;
    *n_pools = count_q(db, "SELECT count(*) FROM pool WHERE parent=?1", pool, &rc);
    *n_pmedia = count_q(db, "SELECT count(*) FROM pmedia WHERE pool=?1", pool, &rc);
    *n_lmedia =
        count_q(db, "SELECT count(*) FROM side WHERE pool=?1 AND lmedia IS NOT NULL", pool, &rc);
    return rc;
}

/* Child pool of @parent named @name (NOT_FOUND if none). */
static rsm_rc child_by_name(struct rsm_db *db, const struct rsm_guid *parent, const char *name,
                            size_t name_len, struct rsm_guid *out)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT p.guid FROM pool p JOIN obj o ON o.guid=p.guid "
                                       "WHERE p.parent=?1 AND o.name=?2");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, parent);
    sqlite3_bind_text(st, 2, name, (int)name_len, SQLITE_STATIC);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rsm_db_col_guid(st, 0, out);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return RSM_OK;
    return src == SQLITE_DONE ? RSM_E_NOT_FOUND : rsm_db_map(src);
}

static rsm_rc insert_pool(struct rsm_db *db, const struct rsm_guid *g, const char *name,
                          size_t name_len, uint32_t pool_type, const struct rsm_guid *mtype,
                          const struct rsm_guid *parent)
{
    char nm[RSM_NAME_CAP];
    if (name_len >= sizeof nm)
        return RSM_E_INVALID_NAME;
    memcpy(nm, name, name_len);
    nm[name_len] = 0;
    rsm_rc rc = rsm_obj_insert(db, g, RSM_OT_MEDIA_POOL, nm, "");
    sqlite3_stmt *st = rsm_db_stmt(db, "INSERT INTO pool(guid,pooltype,mtype,parent) "
                                       "VALUES(?1,?2,?3,?4)");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid_nn(st, 1, g);
        sqlite3_bind_int(st, 2, (int)pool_type);
        rsm_db_bind_guid(st, 3, mtype);
        rsm_db_bind_guid(st, 4, parent);
        rc = rsm_db_step_done(st);
    }
    return rc;
}

rsm_rc rsm_pool_system(struct rsm_engine *e, uint32_t pool_type, const struct rsm_guid *mtype,
                       bool create, struct rsm_guid *out)
{
    sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT guid FROM pool WHERE mtype=?1 AND pooltype=?2");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, mtype);
    sqlite3_bind_int(st, 2, (int)pool_type);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rsm_db_col_guid(st, 0, out);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return RSM_OK;
    if (src != SQLITE_DONE)
        return rsm_db_map(src);
    if (!create)
        return RSM_E_NOT_FOUND;
    const struct rsm_guid *parent = pool_type == RSM_POOL_SCRATCH   ? &e->top_free
                                    : pool_type == RSM_POOL_IMPORT  ? &e->top_import
                                    : pool_type == RSM_POOL_FOREIGN ? &e->top_foreign
                                                                    : NULL;
    if (!parent)
        return RSM_E_INVALID_PARAMETER;
    /* The sub-pool is named after its media type: "Free\LTO Ultrium". */
    char name[RSM_NAME_CAP] = "";
    st = rsm_db_stmt(e->db, "SELECT name FROM obj WHERE guid=?1 AND type=13");
    if (!st)
        return RSM_E_DB_FAILURE;
    rsm_db_bind_guid_nn(st, 1, mtype);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rsm_db_col_text(st, 0, name, sizeof name);
    sqlite3_reset(st);
    if (src != SQLITE_ROW)
        return src == SQLITE_DONE ? RSM_E_INVALID_MEDIA : rsm_db_map(src);
    rsm_guid_new(out);
    return insert_pool(e->db, out, name, strlen(name), pool_type, mtype, parent);
}

/* Free, import and unrecognized pools for @mtype (AddNtmsMediaType's side effect). */
rsm_rc rsm_pool_ensure_system(struct rsm_engine *e, const struct rsm_guid *mtype)
{
    struct rsm_guid g;
    rsm_rc rc = rsm_pool_system(e, RSM_POOL_SCRATCH, mtype, true, &g);
    if (rc == RSM_OK)
        rc = rsm_pool_system(e, RSM_POOL_IMPORT, mtype, true, &g);
    if (rc == RSM_OK)
        rc = rsm_pool_system(e, RSM_POOL_FOREIGN, mtype, true, &g);
    return rc;
}

/* Splits @path into components; checks the syntax. Returns the number of components or -1. */
#define POOL_MAX_DEPTH 32
struct comp {
    const char *s;
    size_t len;
};

static int split_path(const char *path, struct comp *c)
{
    const char *p = path;
    if (*p == '\\')
        p++; /* "\MyApp\Pool1" and "MyApp\Pool1" name the same pool */
    size_t chars = 0;
    int n = 0;
    while (*p) {
        const char *q = p;
        size_t cc = 0;
        while (*q && *q != '\\') {
            if ((unsigned char)*q < 0x20)
                return -1; /* control characters */
            cc += ((unsigned char)*q & 0xC0) != 0x80;
            q++;
        }
        if (q == p || cc > 63 || n == POOL_MAX_DEPTH)
            return -1; /* empty level ("A\\B", trailing '\'), too long, too deep */
        c[n].s = p;
        c[n].len = (size_t)(q - p);
        n++;
        chars += cc + 1;
        p = *q ? q + 1 : q;
        if (*q && !*p)
            return -1; /* trailing separator */
    }
    if (n == 0 || chars > 511)
        return -1;
    return n;
}

rsm_rc rsm_pool_create(struct rsm_engine *e, const struct rsm_caller *c, const char *path,
                       const struct rsm_guid *media_type, uint32_t action,
                       const struct rsm_acl *acl, struct rsm_guid *out)
{
    if (!path || !out || action < RSM_OPEN_EXISTING || action > RSM_OPEN_ALWAYS)
        return RSM_E_INVALID_PARAMETER;
    struct comp comps[POOL_MAX_DEPTH];
    int n = split_path(path, comps);
    if (n < 0)
        return RSM_E_INVALID_NAME;
    static __thread struct rsm_acl inherited;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    struct rsm_guid parent = e->root_pool, found;
    for (int i = 0; rc == RSM_OK && i < n - 1; i++) {
        rc = child_by_name(e->db, &parent, comps[i].s, comps[i].len, &found);
        if (rc == RSM_OK)
            parent = found;
    }
    if (rc == RSM_OK) {
        rc = child_by_name(e->db, &parent, comps[n - 1].s, comps[n - 1].len, &found);
        if (rc == RSM_OK) {
            if (action == RSM_CREATE_NEW)
                rc = RSM_E_ALREADY_EXISTS;
            else
                *out = found;
        } else if (rc == RSM_E_NOT_FOUND && action != RSM_OPEN_EXISTING) {
            uint32_t ptype, mt_type = 0;
            struct rsm_guid pmt, pparent;
            rc = rsm_pool_row(e->db, &parent, &ptype, &pmt, &pparent);
            if (rc == RSM_OK && !rsm_guid_is_null(media_type) &&
                (rsm_obj_type(e->db, media_type, &mt_type) != RSM_OK ||
                 mt_type != RSM_OT_MEDIA_TYPE))
                rc = RSM_E_INVALID_MEDIA;
            if (rc == RSM_OK && !rsm_guid_is_null(&pmt))
                rc = RSM_E_INVALID_MEDIA_POOL; /* the parent holds media, not pools */
            /* 2003+: CONTROL on the root pool and on the parent. */
            if (rc == RSM_OK)
                rc = rsm_sec_need(e, c, &e->root_pool, RSM_CONTROL_ACCESS);
            if (rc == RSM_OK)
                rc = rsm_sec_need(e, c, &parent, RSM_CONTROL_ACCESS);
            struct rsm_guid g;
            rsm_guid_new(&g);
            if (rc == RSM_OK)
                rc = insert_pool(e->db, &g, comps[n - 1].s, comps[n - 1].len, RSM_POOL_APPLICATION,
                                 media_type, &parent);
            if (rc == RSM_OK && acl) {
                rc = rsm_sec_store(e->db, &g, acl);
            } else if (rc == RSM_OK) {
                /* Without a descriptor: under the root only creator and root; deeper, the
                 * parent's entries plus full access for the creator. */
                if (rsm_guid_eq(&parent, &e->root_pool) ||
                    rsm_sec_load(e->db, &parent, &inherited) != RSM_OK) {
                    rsm_sec_default(&inherited, c->uid, c->n_gids ? c->gids[0] : 0);
                    inherited.n--; /* drop the everyone entry rsm_sec_default adds */
                } else {
                    inherited.owner = c->uid;
                    inherited.group = c->n_gids ? c->gids[0] : 0;
                    if (inherited.n < RSM_ACL_MAX)
                        inherited.ace[inherited.n++] =
                            (struct rsm_ace){RSM_ACE_USER, c->uid, RSM_ALL_ACCESS};
                }
                rc = rsm_sec_store(e->db, &g, &inherited);
            }
            if (rc == RSM_OK && !rsm_guid_is_null(media_type))
                rc = rsm_pool_ensure_system(e, media_type);
            if (rc == RSM_OK)
                *out = g;
        }
    }
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_pool_delete(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id)
{
    if (!id)
        return RSM_E_INVALID_PARAMETER;
    rsm_engine_lock(e);
    rsm_rc rc = rsm_db_begin(e->db);
    uint32_t pt = 0, np = 0, npm = 0, nlm = 0;
    struct rsm_guid mt, parent;
    if (rc == RSM_OK) {
        rc = rsm_pool_row(e->db, id, &pt, &mt, &parent);
        if (rc == RSM_E_NOT_FOUND)
            rc = RSM_E_INVALID_MEDIA_POOL;
    }
    if (rc == RSM_OK && (pt != RSM_POOL_APPLICATION || rsm_guid_eq(id, &e->root_pool)))
        rc = RSM_E_INVALID_MEDIA_POOL; /* system pools and the root stay */
    if (rc == RSM_OK)
        rc = rsm_sec_need(e, c, id, RSM_MODIFY_ACCESS);
    if (rc == RSM_OK)
        rc = rsm_pool_counts(e->db, id, &np, &npm, &nlm);
    if (rc == RSM_OK && (np || npm || nlm))
        rc = RSM_E_NOT_EMPTY;
    if (rc == RSM_OK)
        rc = rsm_obj_delete(e->db, id);
    rc = rsm_db_end(e->db, rc);
    rsm_engine_unlock(e);
    return rc;
}

rsm_rc rsm_pool_name(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                     char *buf, size_t cap, size_t *len)
{
    (void)c;
    if (!id || !len || (cap && !buf))
        return RSM_E_INVALID_PARAMETER;
    char names[POOL_MAX_DEPTH + 2][RSM_NAME_CAP];
    int depth = 0;
    rsm_engine_lock(e);
    struct rsm_guid cur = *id;
    rsm_rc rc = RSM_OK;
    for (;;) {
        uint32_t pt;
        struct rsm_guid mt, parent;
        rc = rsm_pool_row(e->db, &cur, &pt, &mt, &parent);
        if (rc == RSM_E_NOT_FOUND)
            rc = RSM_E_INVALID_MEDIA_POOL;
        if (rc != RSM_OK || depth == POOL_MAX_DEPTH + 2)
            break;
        sqlite3_stmt *st = rsm_db_stmt(e->db, "SELECT name FROM obj WHERE guid=?1");
        if (!st) {
            rc = RSM_E_DB_FAILURE;
            break;
        }
        rsm_db_bind_guid_nn(st, 1, &cur);
        names[depth][0] = 0;
        if (sqlite3_step(st) == SQLITE_ROW)
            rsm_db_col_text(st, 0, names[depth], RSM_NAME_CAP);
        sqlite3_reset(st);
        depth++;
        if (rsm_guid_is_null(&parent) || rsm_guid_eq(&parent, &e->root_pool))
            break;
        cur = parent;
    }
    rsm_engine_unlock(e);
    if (rc != RSM_OK)
        return rc;
    size_t need = 1;
    for (int i = 0; i < depth; i++)
        need += strlen(names[i]) + (i ? 1 : 0);
    *len = need;
    if (need > cap)
        return RSM_E_INSUFFICIENT_BUFFER;
    size_t off = 0;
    for (int i = depth - 1; i >= 0; i--) {
        size_t l = strlen(names[i]);
        memcpy(buf + off, names[i], l);
        off += l;
        if (i)
            buf[off++] = '\\';
    }
    buf[off] = 0;
    return RSM_OK;
}
