/* SPDX-License-Identifier: MIT
 * Engine internals shared by its .c files (not part of any interface): the engine struct,
 * object-row helpers, rights checks, pool helpers and the schema entry points.
 * Every function here expects the caller to hold e->mu (or, for schema code, to be the
 * only user of the connection).
 */
#ifndef RSM_ENGINE_INTERNAL_H
#define RSM_ENGINE_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "rsm/engine/db.h"
#include "rsm/engine/engine.h"

/* One engine per database directory per process (engine.c keeps the list). */
struct rsm_engine {
    char dir[PATH_MAX];
    int refs;               /* guarded by the registry lock in engine.c */
    int lock_fd;            /* shared flock on DIR/rsm.lock while open */
    pid_t pid;              /* process that opened it: a forked child opens its own */
    pthread_mutex_t mu;     /* guards db and everything below */
    pthread_cond_t changed; /* broadcast when media may have become allocatable */
    struct rsm_db *db;
    struct rsm_guid offline_lib, root_pool, computer;
    struct rsm_guid top_free, top_import, top_foreign; /* system container pools */
    struct rsm_notify_hub *notify; /* watchers and pending events (notify.c); NULL: none yet */
    struct rsm_engine *next;
};

void rsm_engine_lock(struct rsm_engine *e);
void rsm_engine_unlock(struct rsm_engine *e);
/* Wakes allocators waiting for media (call after a change that may free some). */
void rsm_engine_signal(struct rsm_engine *e);

/* Copies UTF-8 @src into @dst[cap], truncating on a character boundary. */
void rsm_utf8_copy(char *dst, size_t cap, const char *src);

/* schema.c: migrate the connection's database up to @max_version (db.c calls this). */
rsm_rc rsm_schema_migrate(struct rsm_db *db, int max_version);

/* obj.c: object rows. */
rsm_rc rsm_obj_insert(struct rsm_db *db, const struct rsm_guid *g, uint32_t type, const char *name,
                      const char *descr);
/* A logical medium: its obj row, bound to @side (the caller sets side.lmedia). */
rsm_rc rsm_lmid_insert(struct rsm_db *db, const struct rsm_guid *g, const char *name,
                       const struct rsm_guid *side);
/* Type of object @g: NOT_FOUND if absent. */
rsm_rc rsm_obj_type(struct rsm_db *db, const struct rsm_guid *g, uint32_t *type);
/* Sets the modified time of @g and announces an update of it (events.h). */
rsm_rc rsm_obj_touch(struct rsm_db *db, const struct rsm_guid *g);
/* Announces an update of @g (of @type) whose rows the caller changed itself. */
void rsm_obj_changed(struct rsm_db *db, const struct rsm_guid *g, uint32_t type);
rsm_rc rsm_obj_delete(struct rsm_db *db, const struct rsm_guid *g);
/* The same when the caller knows the object's @type (one lookup less). */
rsm_rc rsm_obj_delete_typed(struct rsm_db *db, const struct rsm_guid *g, uint32_t type);
bool rsm_obj_enabled(struct rsm_db *db, const struct rsm_guid *g);

/* security.c */
/* Rights @c holds on the governing object of @g (pool for media, library for devices,
 * computer for the rest), walking up pool parents to the first pool with an access list.
 * 0 when @g is unknown. */
uint32_t rsm_sec_rights(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *g);
/* RSM_OK when all bits of @need are held on the governing object of @g, else ACCESS_DENIED. */
rsm_rc rsm_sec_need(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *g,
                    uint32_t need);
/* Stores @acl as the descriptor of @g (replacing any). */
rsm_rc rsm_sec_store(struct rsm_db *db, const struct rsm_guid *g, const struct rsm_acl *acl);
/* The default descriptor for a new governing object created by @c: owner @c, full rights to
 * the owner and root, USE to everyone. */
void rsm_sec_default(struct rsm_acl *acl, uint32_t owner, uint32_t group);
/* Reads the descriptor of @g; NO_SECURITY if none stored. */
rsm_rc rsm_sec_load(struct rsm_db *db, const struct rsm_guid *g, struct rsm_acl *acl);

/* pool.c */
/* The system pool of @pool_type for media type @mtype (creating it and its descriptor when
 * @create); NOT_FOUND when absent and !create. */
rsm_rc rsm_pool_system(struct rsm_engine *e, uint32_t pool_type, const struct rsm_guid *mtype,
                       bool create, struct rsm_guid *out);
/* Pool row: type, media type (null for containers), parent. NOT_FOUND if not a pool. */
rsm_rc rsm_pool_row(struct rsm_db *db, const struct rsm_guid *pool, uint32_t *pool_type,
                    struct rsm_guid *mtype, struct rsm_guid *parent);
/* Number of direct child pools and of media (physical) in @pool. */
rsm_rc rsm_pool_counts(struct rsm_db *db, const struct rsm_guid *pool, uint32_t *n_pools,
                       uint32_t *n_pmedia, uint32_t *n_lmedia);

/* pool.c: the free, import and unrecognized pools of @mtype, created if missing. */
rsm_rc rsm_pool_ensure_system(struct rsm_engine *e, const struct rsm_guid *mtype);

/* media.c: next sequence number text ("000042"). */
rsm_rc rsm_media_next_seqno(struct rsm_db *db, char *out, size_t cap);
/* devreg.c/media.c shared: insert a physical medium with @n_sides sides in @state. */
rsm_rc rsm_media_insert(struct rsm_engine *e, const struct rsm_guid *pm, const char *name,
                        const struct rsm_guid *pool, const struct rsm_guid *library,
                        const struct rsm_guid *location, uint32_t loc_type,
                        const struct rsm_guid *mtype, const char *barcode, uint32_t n_sides,
                        uint32_t side_state, const struct rsm_guid *side_ids);

/* libctl.c: closes the device handles the engine holds for its libraries (last close). */
void rsm_lc_engine_closing(struct rsm_engine *e);

/* engine.c: integrity and schema-version check of a database file (import/export). */
rsm_rc rsm_db_verify_file(const char *path);

#endif
