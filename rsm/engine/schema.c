/* SPDX-License-Identifier: MIT
 * The database schema and its migrations.
 *
 * PRAGMA user_version holds the schema version; table schema_migration records when each
 * step ran. A step is one transaction: its DDL, its data changes and the new user_version
 * commit together or not at all, so a killed process leaves the previous version intact.
 * To change the schema, append a step to `steps` and bump RSM_DB_SCHEMA_VERSION; never
 * edit a step that has shipped. Tables are described in rsm/engine/README.md.
 */
#include <string.h>
#include <unistd.h>

#include "rsm/engine/internal.h"

/* Version 1: the object model. Every object has a row in obj (common NTMS_OBJECTINFORMATION
 * fields) and one in its type's table, both keyed by the 16-byte GUID. The type tables do
 * not declare a foreign key to obj: every delete from obj would then probe all sixteen of
 * them. rsm_obj_insert/rsm_obj_delete keep the pair together and rsm_engine_check verifies
 * it; attributes and descriptors do reference obj and go with it. */
static const char schema_v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE schema_migration(version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL,"
    "  what TEXT NOT NULL);"
    "CREATE TABLE obj(guid BLOB PRIMARY KEY CHECK(length(guid)=16), type INTEGER NOT NULL,"
    "  name TEXT NOT NULL DEFAULT '', descr TEXT NOT NULL DEFAULT '',"
    "  created INTEGER NOT NULL, modified INTEGER NOT NULL,"
    "  enabled INTEGER NOT NULL DEFAULT 1, opstate INTEGER NOT NULL DEFAULT 0,"
    /* For a logical medium (type 11): the side it is bound to. */
    "  ref BLOB) WITHOUT ROWID;"
    "CREATE TABLE computer(guid BLOB PRIMARY KEY,"
    "  lr_purge INTEGER NOT NULL, or_purge INTEGER NOT NULL, lr_flags INTEGER NOT NULL,"
    "  or_flags INTEGER NOT NULL, pool_policy INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE library(guid BLOB PRIMARY KEY,"
    "  libtype INTEGER NOT NULL, flags INTEGER NOT NULL DEFAULT 0,"
    "  inv_method INTEGER NOT NULL DEFAULT 1, autorecovery INTEGER NOT NULL DEFAULT 1,"
    "  cleaner_uses INTEGER NOT NULL DEFAULT 0, barcode_reader INTEGER NOT NULL DEFAULT 0,"
    "  drive_cleaning INTEGER NOT NULL DEFAULT 0, cleaner_slot BLOB,"
    "  cleaner_slot_default BLOB) WITHOUT ROWID;"
    "CREATE TABLE changer_type(guid BLOB PRIMARY KEY,"
    "  vendor TEXT NOT NULL, product TEXT NOT NULL, devtype INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE drive_type(guid BLOB PRIMARY KEY,"
    "  vendor TEXT NOT NULL, product TEXT NOT NULL, devtype INTEGER NOT NULL,"
    "  heads INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE changer(guid BLOB PRIMARY KEY,"
    "  library BLOB NOT NULL REFERENCES library, number INTEGER NOT NULL,"
    "  ctype BLOB REFERENCES changer_type, serial TEXT NOT NULL DEFAULT '',"
    "  revision TEXT NOT NULL DEFAULT '', devname TEXT NOT NULL DEFAULT '',"
    "  port INTEGER NOT NULL DEFAULT 0, bus INTEGER NOT NULL DEFAULT 0,"
    "  target INTEGER NOT NULL DEFAULT 0, lun INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX changer_lib ON changer(library);"
    "CREATE TABLE drive(guid BLOB PRIMARY KEY,"
    "  library BLOB NOT NULL REFERENCES library, number INTEGER NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0, dtype BLOB REFERENCES drive_type,"
    "  devname TEXT NOT NULL DEFAULT '', serial TEXT NOT NULL DEFAULT '',"
    "  revision TEXT NOT NULL DEFAULT '', port INTEGER NOT NULL DEFAULT 0,"
    "  bus INTEGER NOT NULL DEFAULT 0, target INTEGER NOT NULL DEFAULT 0,"
    "  lun INTEGER NOT NULL DEFAULT 0, mount_count INTEGER NOT NULL DEFAULT 0,"
    "  last_cleaned INTEGER NOT NULL DEFAULT 0, saved_side BLOB,"
    "  defer_dismount INTEGER NOT NULL DEFAULT 300) WITHOUT ROWID;"
    "CREATE INDEX drive_lib ON drive(library);"
    "CREATE TABLE slot(guid BLOB PRIMARY KEY,"
    "  library BLOB NOT NULL REFERENCES library, number INTEGER NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 2) WITHOUT ROWID;"
    "CREATE INDEX slot_lib ON slot(library, number);"
    "CREATE TABLE iedoor(guid BLOB PRIMARY KEY,"
    "  library BLOB NOT NULL REFERENCES library, number INTEGER NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 1, max_open_secs INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX iedoor_lib ON iedoor(library);"
    "CREATE TABLE ieport(guid BLOB PRIMARY KEY,"
    "  library BLOB NOT NULL REFERENCES library, number INTEGER NOT NULL,"
    "  content INTEGER NOT NULL DEFAULT 2, position INTEGER NOT NULL DEFAULT 2,"
    "  max_extend_secs INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX ieport_lib ON ieport(library);"
    "CREATE TABLE media_type(guid BLOB PRIMARY KEY,"
    "  code INTEGER NOT NULL, sides INTEGER NOT NULL CHECK(sides BETWEEN 1 AND 64),"
    "  rw INTEGER NOT NULL, devtype INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX media_type_code ON media_type(code);"
    "CREATE TABLE lib_mtype(library BLOB NOT NULL REFERENCES library ON DELETE CASCADE,"
    "  mtype BLOB NOT NULL REFERENCES media_type ON DELETE CASCADE,"
    "  PRIMARY KEY(library, mtype)) WITHOUT ROWID;"
    "CREATE TABLE pool(guid BLOB PRIMARY KEY,"
    "  pooltype INTEGER NOT NULL, mtype BLOB REFERENCES media_type,"
    "  parent BLOB REFERENCES pool, alloc_policy INTEGER NOT NULL DEFAULT 0,"
    "  dealloc_policy INTEGER NOT NULL DEFAULT 0,"
    "  max_allocates INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX pool_parent ON pool(parent);"
    "CREATE INDEX pool_mtype ON pool(mtype, pooltype);"
    "CREATE TABLE pmedia(guid BLOB PRIMARY KEY,"
    "  pool BLOB NOT NULL REFERENCES pool, library BLOB NOT NULL REFERENCES library,"
    "  location BLOB, loc_type INTEGER NOT NULL DEFAULT 16,"
    "  mtype BLOB NOT NULL REFERENCES media_type, home_slot BLOB,"
    "  barcode TEXT NOT NULL DEFAULT '', barcode_state INTEGER NOT NULL DEFAULT 2,"
    "  seqno TEXT NOT NULL DEFAULT '', state INTEGER NOT NULL DEFAULT 0,"
    "  n_sides INTEGER NOT NULL, mounted_side BLOB) WITHOUT ROWID;"
    "CREATE INDEX pmedia_pool ON pmedia(pool);"
    "CREATE INDEX pmedia_lib ON pmedia(library);"
    "CREATE INDEX pmedia_barcode ON pmedia(barcode) WHERE barcode <> '';"
    "CREATE TABLE side(guid BLOB PRIMARY KEY,"
    "  pmedia BLOB NOT NULL REFERENCES pmedia ON DELETE CASCADE,"
    "  pool BLOB NOT NULL REFERENCES pool,"
    /* The LMID bound to the side, if any. A logical medium is its obj row (type 11),
     * whose ref names this side, and this back reference: its pool is the side's, it has
     * exactly one side. Kept by media.c, verified by rsm_engine_check (no index or foreign
     * key: allocation then writes three B-tree pages per transaction, not four). */
    "  lmedia BLOB, state INTEGER NOT NULL,"
    "  side_no INTEGER NOT NULL, omid BLOB, omid_type TEXT NOT NULL DEFAULT '',"
    "  omid_info TEXT NOT NULL DEFAULT '', mount_count INTEGER NOT NULL DEFAULT 0,"
    "  alloc_count INTEGER NOT NULL DEFAULT 0, capacity INTEGER NOT NULL DEFAULT 0)"
    "  WITHOUT ROWID;"
    "CREATE INDEX side_pmedia ON side(pmedia, side_no);"
    "CREATE INDEX side_pool ON side(pool);"
    /* Allocation picks the least-used Available side of a pool. Only Available sides are
     * in this index, so allocating or freeing a side touches one entry, not two. */
    "CREATE INDEX side_pick ON side(pool, alloc_count) WHERE state=4;"
    "CREATE TABLE libreq(guid BLOB PRIMARY KEY,"
    "  library BLOB, op INTEGER NOT NULL, option INTEGER NOT NULL DEFAULT 0,"
    "  state INTEGER NOT NULL DEFAULT 0, side BLOB, drive BLOB, pmedia BLOB, slot BLOB,"
    "  queued INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0,"
    "  app TEXT NOT NULL DEFAULT '', user TEXT NOT NULL DEFAULT '',"
    "  computer TEXT NOT NULL DEFAULT '', err INTEGER NOT NULL DEFAULT 0, workitem BLOB,"
    "  priority INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX libreq_lib ON libreq(library);"
    "CREATE TABLE opreq(guid BLOB PRIMARY KEY,"
    "  request INTEGER NOT NULL, submitted INTEGER NOT NULL, state INTEGER NOT NULL,"
    "  message TEXT NOT NULL DEFAULT '', arg1type INTEGER NOT NULL DEFAULT 0, arg1 BLOB,"
    "  arg2type INTEGER NOT NULL DEFAULT 0, arg2 BLOB, app TEXT NOT NULL DEFAULT '',"
    "  user TEXT NOT NULL DEFAULT '', computer TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
    "CREATE TABLE attr(obj BLOB NOT NULL REFERENCES obj ON DELETE CASCADE, name TEXT NOT NULL,"
    "  value BLOB NOT NULL, PRIMARY KEY(obj, name)) WITHOUT ROWID;"
    "CREATE TABLE sd(obj BLOB PRIMARY KEY REFERENCES obj ON DELETE CASCADE,"
    "  owner INTEGER NOT NULL, grp INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE ace(obj BLOB NOT NULL REFERENCES sd ON DELETE CASCADE, seq INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL, id INTEGER NOT NULL, mask INTEGER NOT NULL,"
    "  PRIMARY KEY(obj, seq)) WITHOUT ROWID;";

/* Version 2: SCSI medium-type and density codes on physical media (PMIDINFORMATION's
 * dwMediaTypeCode / dwDensityCode), and an index for "any medium of this type?". */
static const char schema_v2[] =
    "ALTER TABLE pmedia ADD COLUMN mtype_code INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE pmedia ADD COLUMN density_code INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX pmedia_mtype ON pmedia(mtype);";

/* Media types RSM knows from the start (STORAGE_MEDIA_TYPE values, ntms-api.md §1.7). */
static const struct {
    const char *name;
    uint32_t code, sides, rw, devtype;
} known_types[] = {
    {"LTO Ultrium", 0x56, 1, 1, 0x1F},
    {"DLT", 0x27, 1, 1, 0x1F},
    {"4mm DDS", 0x20, 1, 1, 0x1F},
    {"AIT", 0x59, 1, 1, 0x1F},
    {"SAIT", 0x5D, 1, 1, 0x1F},
    {"STK 9840", 0x55, 1, 1, 0x1F},
    {"STK 9940", 0x5C, 1, 1, 0x1F},
    {"VXA", 0x54, 1, 1, 0x1F},
    {"Cleaner Cartridge", 0x32, 1, 0, 0x1F},
    {"CD-ROM", 0x33, 1, 3, 0x02},
    {"CD-R", 0x34, 1, 2, 0x02},
    {"DVD-RAM", 0x58, 2, 1, 0x33},
    {"MO 5.25\" RW", 0x3B, 2, 1, 0x07},
};

static rsm_rc new_obj(struct rsm_db *db, uint32_t type, const char *name, struct rsm_guid *g)
{
    rsm_guid_new(g);
    return rsm_obj_insert(db, g, type, name, "");
}

static rsm_rc meta_put_guid(struct rsm_db *db, const char *key, const struct rsm_guid *g)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "INSERT OR REPLACE INTO meta(key,value) VALUES(?1,?2)");
    if (!st)
        return RSM_E_DB_FAILURE;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rsm_db_bind_guid_nn(st, 2, g);
    return rsm_db_step_done(st);
}

static rsm_rc seed_pool(struct rsm_db *db, const char *name, uint32_t type, const char *key,
                        const struct rsm_acl *acl)
{
    struct rsm_guid g;
    rsm_rc rc = new_obj(db, RSM_OT_MEDIA_POOL, name, &g);
    sqlite3_stmt *st = rsm_db_stmt(db, "INSERT INTO pool(guid,pooltype) VALUES(?1,?2)");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid(st, 1, &g);
        sqlite3_bind_int(st, 2, (int)type);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rc = meta_put_guid(db, key, &g);
    if (rc == RSM_OK)
        rc = rsm_sec_store(db, &g, acl);
    return rc;
}

/* The objects every database has: computer, offline library, the application root pool,
 * the three system container pools, the known media types. The creating uid owns them. */
static rsm_rc seed_v1(struct rsm_db *db)
{
    struct rsm_acl acl;
    rsm_sec_default(&acl, (uint32_t)getuid(), (uint32_t)getgid());
    char host[256] = "localhost";
    (void)gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = 0;

    struct rsm_guid g;
    rsm_rc rc = new_obj(db, RSM_OT_COMPUTER, host, &g);
    sqlite3_stmt *st = rsm_db_stmt(db, "INSERT INTO computer(guid,lr_purge,or_purge,lr_flags,"
                                       "or_flags,pool_policy) VALUES(?1,259200,259200,0,0,0)");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid(st, 1, &g);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rc = meta_put_guid(db, "computer", &g);
    if (rc == RSM_OK)
        rc = rsm_sec_store(db, &g, &acl);

    if (rc == RSM_OK)
        rc = new_obj(db, RSM_OT_LIBRARY, "Offline Media", &g);
    st = rsm_db_stmt(db, "INSERT INTO library(guid,libtype,flags,inv_method) VALUES(?1,?2,?3,0)");
    if (rc == RSM_OK && !st)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        rsm_db_bind_guid(st, 1, &g);
        sqlite3_bind_int(st, 2, RSM_LIB_OFFLINE);
        sqlite3_bind_int(st, 3, RSM_LIBFLAG_FIXEDOFFLINE);
        rc = rsm_db_step_done(st);
    }
    if (rc == RSM_OK)
        rc = meta_put_guid(db, "offline_library", &g);
    if (rc == RSM_OK)
        rc = rsm_sec_store(db, &g, &acl);

    if (rc == RSM_OK)
        rc = seed_pool(db, "Application", RSM_POOL_APPLICATION, "root_pool", &acl);
    if (rc == RSM_OK)
        rc = seed_pool(db, "Free", RSM_POOL_SCRATCH, "top_free", &acl);
    if (rc == RSM_OK)
        rc = seed_pool(db, "Import", RSM_POOL_IMPORT, "top_import", &acl);
    if (rc == RSM_OK)
        rc = seed_pool(db, "Unrecognized", RSM_POOL_FOREIGN, "top_foreign", &acl);

    for (size_t i = 0; rc == RSM_OK && i < sizeof known_types / sizeof known_types[0]; i++) {
        rc = new_obj(db, RSM_OT_MEDIA_TYPE, known_types[i].name, &g);
        st = rsm_db_stmt(db, "INSERT INTO media_type(guid,code,sides,rw,devtype) "
                             "VALUES(?1,?2,?3,?4,?5)");
        if (rc == RSM_OK && !st)
            rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK) {
            rsm_db_bind_guid(st, 1, &g);
            sqlite3_bind_int(st, 2, (int)known_types[i].code);
            sqlite3_bind_int(st, 3, (int)known_types[i].sides);
            sqlite3_bind_int(st, 4, (int)known_types[i].rw);
            sqlite3_bind_int(st, 5, (int)known_types[i].devtype);
            rc = rsm_db_step_done(st);
        }
    }
    if (rc == RSM_OK)
        rc = rsm_db_meta_set_int(db, "seqno", 0);
    return rc;
}

struct step {
    const char *sql;
    rsm_rc (*after)(struct rsm_db *db);
    const char *what;
};

static const struct step steps[] = {
    {schema_v1, seed_v1, "object model, pools, media, requests, security"},
    {schema_v2, NULL, "pmedia.mtype_code/density_code, pmedia_mtype index"},
};

static int user_version(sqlite3 *h, int *v)
{
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL);
    if (src != SQLITE_OK)
        return src;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *v = sqlite3_column_int(st, 0);
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return src;
}

rsm_rc rsm_schema_migrate(struct rsm_db *db, int max_version)
{
    sqlite3 *h = rsm_db_handle(db);
    const int n_steps = (int)(sizeof steps / sizeof steps[0]);
    if (max_version > n_steps || max_version < 1)
        return RSM_E_INVALID_PARAMETER;
    for (;;) {
        int v = 0;
        if (user_version(h, &v) != SQLITE_OK)
            return RSM_E_DB_FAILURE;
        if (v > n_steps)
            return RSM_E_DB_FAILURE; /* written by a newer OpenRSM: refuse, touch nothing */
        if (v >= max_version)
            return RSM_OK;
        rsm_rc rc = rsm_db_begin(db);
        if (rc != RSM_OK)
            return rc;
        /* Another process may have migrated while we waited for the write lock. */
        if (user_version(h, &v) != SQLITE_OK) {
            rsm_db_end(db, RSM_E_DB_FAILURE);
            return RSM_E_DB_FAILURE;
        }
        if (v >= max_version)
            return rsm_db_end(db, RSM_OK);
        const struct step *s = &steps[v];
        rc = rsm_db_map(sqlite3_exec(h, s->sql, NULL, NULL, NULL));
        if (rc == RSM_OK && s->after)
            rc = s->after(db);
        sqlite3_stmt *st = rsm_db_stmt(db, "INSERT INTO schema_migration(version,applied_ms,what)"
                                           " VALUES(?1,?2,?3)");
        if (rc == RSM_OK && !st)
            rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK) {
            sqlite3_bind_int(st, 1, v + 1);
            sqlite3_bind_int64(st, 2, rsm_db_now_ms());
            sqlite3_bind_text(st, 3, s->what, -1, SQLITE_STATIC);
            rc = rsm_db_step_done(st);
        }
        if (rc == RSM_OK) {
            /* user_version lives in the database header page: it commits or rolls back
             * with the step. The value is a constant, so it is spelled out per step. */
            static const char *const set_version[] = {"PRAGMA user_version=1",
                                                      "PRAGMA user_version=2"};
            _Static_assert(sizeof set_version / sizeof set_version[0] ==
                               sizeof steps / sizeof steps[0],
                           "one user_version statement per migration step");
            rc = rsm_db_map(sqlite3_exec(h, set_version[v], NULL, NULL, NULL));
        }
        rc = rsm_db_end(db, rc);
        if (rc != RSM_OK)
            return rc;
    }
}
