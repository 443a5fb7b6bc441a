/* SPDX-License-Identifier: MIT
 * The RSM engine: the NTMS object model, media pools and the media life cycle on SQLite.
 * librsm calls it in-process ("embedded:DIR"); rsmd will call the same functions.
 *
 * Threads and processes
 *  - rsm_engine_open() returns one shared engine per database directory in a process
 *    (refcounted; rsm_engine_close() pairs with each open). Every function takes the
 *    engine's mutex, so callers on any thread are serialised; waits (allocation) release
 *    it. Several processes on one directory stay consistent through SQLite (WAL, busy
 *    timeout, BEGIN IMMEDIATE for every change).
 *  - Every state-changing function is one transaction: on any failure nothing changed.
 *  - fork(): as with SQLite, do not carry open engines into a child and use the database
 *    there through them. A child that calls rsm_engine_open() gets its own engine (the
 *    parent's, inherited in memory, is never used); close sessions before forking when
 *    the child will use the same directory, as the tests do.
 *
 * Callers and rights: each call names a struct rsm_caller (uid and groups). Rights are
 * checked per ntms-api.md §1.9 against the governing object's access list (security.c);
 * uid 0 holds every right.
 *
 * Results: RSM_OK, or the rsm_rc listed per function (plus RSM_E_DB_FAILURE/DB_FULL/NOMEM
 * anywhere). Out-parameters are written only on success unless stated.
 */
#ifndef RSM_ENGINE_ENGINE_H
#define RSM_ENGINE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "rsm/engine/guid.h"
#include "rsm/engine/model.h"
#include "rsm/engine/rc.h"

struct rsm_engine;

#define RSM_CALLER_MAX_GROUPS 64
struct rsm_caller {
    uint32_t uid;
    uint32_t n_gids;
    uint32_t gids[RSM_CALLER_MAX_GROUPS];
    char app[RSM_APPNAME_CAP]; /* application name of the session ("RSM" by default) */
    /* When not NULL and non-zero, waits on behalf of this caller end with RSM_E_CANCELLED
     * (CloseNtmsSession sets it; see rsm_engine_wake). */
    const _Atomic int *cancel;
};

/* The calling process's identity (getuid, getgid, getgroups). */
void rsm_caller_self(struct rsm_caller *out);

/* ---- engine lifetime ------------------------------------------------------------------ */
/* Opens the engine on directory @dir (created with mode 0700 if missing). If @dir/Import
 * holds a staged database (ImportNtmsDatabase), it is verified and installed first.
 * Sessions on the same directory in one process share the engine. Errors: INVALID_PARAMETER
 * (NULL/empty dir), DB_FAILURE (not creatable, corrupt, newer schema). */
rsm_rc rsm_engine_open(const char *dir, struct rsm_engine **out);
/* Drops one reference; the last one closes the database. */
void rsm_engine_close(struct rsm_engine *e);
/* Wakes every wait in the engine so it re-checks its caller's cancel flag. */
void rsm_engine_wake(struct rsm_engine *e);
/* The directory the engine was opened on (canonical path; borrowed). */
const char *rsm_engine_dir(const struct rsm_engine *e);

/* ---- objects (obj.c, enum.c) ---------------------------------------------------------- */
/* GUIDs of the objects of @type inside @container (NULL = all, or top level for pools),
 * per ntms-api.md §1.1. @cap in, count out (*n). Errors: INVALID_PARAMETER (bad
 * type/container combination or options), NOT_FOUND (unknown container),
 * INSUFFICIENT_BUFFER (*n = count needed; @list then holds the first @cap only). */
rsm_rc rsm_enumerate(struct rsm_engine *e, const struct rsm_caller *c,
                     const struct rsm_guid *container, uint32_t type, uint32_t options,
                     struct rsm_guid *list, uint32_t cap, uint32_t *n);
/* Fills @out for object @id, which must be of @type (INVALID_PARAMETER if it is another
 * type, NOT_FOUND if unknown). ACCESS_DENIED without USE on the governing container. */
rsm_rc rsm_object_get(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                      uint32_t type, struct rsm_objinfo *out);
/* Writes the writable fields of @in (see model.h) to object @id of type in->type.
 * Errors: NOT_FOUND, INVALID_PARAMETER (type mismatch, bad value, duplicate pool name),
 * ACCESS_DENIED (rights, or a type that has nothing writable). */
rsm_rc rsm_object_set(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                      const struct rsm_objinfo *in);
/* Enable or disable a drive, library or physical medium. Errors: INVALID_PARAMETER (other
 * type or type mismatch), NOT_FOUND, INVALID_STATE (already so), LIBRARY_OFFLINE (the
 * offline library), ACCESS_DENIED (MODIFY on the library / pool). */
rsm_rc rsm_object_enable(struct rsm_engine *e, const struct rsm_caller *c, uint32_t type,
                         const struct rsm_guid *id, int enable);
/* Named attributes (blobs). Get copies at most @cap bytes; *len = actual size;
 * INSUFFICIENT_BUFFER when @cap < size (nothing copied). Set with len 0 deletes.
 * Errors: NOT_FOUND (object or attribute), INVALID_NAME (> RSM_ATTR_NAME_MAX chars or
 * empty), NO_DATA (len > RSM_ATTR_DATA_MAX), ACCESS_DENIED (USE / MODIFY). */
rsm_rc rsm_attr_get(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                    const char *name, void *data, uint32_t cap, uint32_t *len);
rsm_rc rsm_attr_set(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                    const char *name, const void *data, uint32_t len);

/* ---- security (security.c) ------------------------------------------------------------ */
enum { RSM_ACE_USER = 1, RSM_ACE_GROUP = 2, RSM_ACE_EVERYONE = 3 };
#define RSM_ACL_MAX 256
struct rsm_ace {
    uint32_t kind, id, mask;
};
struct rsm_acl {
    uint32_t owner, group, n;
    struct rsm_ace ace[RSM_ACL_MAX];
};
/* The descriptor of @id. Pools, libraries and the computer carry one; other objects are
 * governed by their container and give NO_SECURITY. */
rsm_rc rsm_security_get(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                        struct rsm_acl *out);
/* Replaces the parts of the descriptor selected by @what (1 owner, 2 group, 4 entries).
 * Needs WRITE_DAC (or ownership; owner changes need uid 0 or the owner). */
rsm_rc rsm_security_set(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                        uint32_t what, const struct rsm_acl *in);

/* ---- pools (pool.c) ------------------------------------------------------------------- */
/* Creates or opens application pool @path ("A\B\C", optional leading '\'). @media_type
 * NULL makes a pool that only holds pools. @acl NULL: inherit per §1.9. Errors:
 * INVALID_PARAMETER (action), INVALID_NAME, NOT_FOUND (missing parent, or OPEN_EXISTING),
 * ALREADY_EXISTS, INVALID_MEDIA (unknown media type), INVALID_MEDIA_POOL (parent holds
 * media), ACCESS_DENIED (CONTROL on the parent). */
rsm_rc rsm_pool_create(struct rsm_engine *e, const struct rsm_caller *c, const char *path,
                       const struct rsm_guid *media_type, uint32_t action,
                       const struct rsm_acl *acl, struct rsm_guid *out);
/* Deletes an empty application pool. INVALID_MEDIA_POOL (unknown, system or root),
 * NOT_EMPTY, ACCESS_DENIED (MODIFY). */
rsm_rc rsm_pool_delete(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id);
/* Full name "Free\LTO Ultrium", "Backup\Weekly" into @buf (@cap bytes); *len = bytes
 * needed including the NUL. INSUFFICIENT_BUFFER when @cap is too small. */
rsm_rc rsm_pool_name(struct rsm_engine *e, const struct rsm_caller *c, const struct rsm_guid *id,
                     char *buf, size_t cap, size_t *len);

/* ---- media types (media.c) ------------------------------------------------------------ */
rsm_rc rsm_media_type_add(struct rsm_engine *e, const struct rsm_caller *c,
                          const struct rsm_guid *mtype, const struct rsm_guid *library);
rsm_rc rsm_media_type_delete(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *mtype, const struct rsm_guid *library);
rsm_rc rsm_media_change_type(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *pmedia, const struct rsm_guid *pool);

/* ---- media life cycle (media.c) ------------------------------------------------------- */
/* CreateNtmsMedia: @pm (type PHYSICAL_MEDIA) and @sides[n_sides] (PARTITION) are in/out as
 * ntms-api.md §2.6 describes. */
rsm_rc rsm_media_create(struct rsm_engine *e, const struct rsm_caller *c, struct rsm_objinfo *pm,
                        struct rsm_objinfo *sides, uint32_t n_sides, uint32_t options);
/* AllocateNtmsMedia. @side optional; @lmid in (NEXT) / out; @timeout_ms 0 = no wait,
 * UINT32_MAX = forever; @from (optional) gets the pool the side came from. */
rsm_rc rsm_media_allocate(struct rsm_engine *e, const struct rsm_caller *c,
                          const struct rsm_guid *pool, const struct rsm_guid *side,
                          struct rsm_guid *lmid, uint32_t options, uint32_t timeout_ms,
                          struct rsm_guid *from);
rsm_rc rsm_media_deallocate(struct rsm_engine *e, const struct rsm_caller *c,
                            const struct rsm_guid *lmid, uint32_t options);
rsm_rc rsm_media_decommission(struct rsm_engine *e, const struct rsm_caller *c,
                              const struct rsm_guid *side);
rsm_rc rsm_media_complete(struct rsm_engine *e, const struct rsm_caller *c,
                          const struct rsm_guid *lmid);
rsm_rc rsm_media_swap(struct rsm_engine *e, const struct rsm_caller *c,
                      const struct rsm_guid *lmid1, const struct rsm_guid *lmid2);
rsm_rc rsm_media_move(struct rsm_engine *e, const struct rsm_caller *c,
                      const struct rsm_guid *pmedia, const struct rsm_guid *pool);
rsm_rc rsm_media_delete(struct rsm_engine *e, const struct rsm_caller *c,
                        const struct rsm_guid *pmedia);
/* UpdateNtmsOmidInfo, label already decoded by the API: raw bytes (@id, @id_len) and,
 * for a file system, its type and volume name. */
rsm_rc rsm_media_update_omid(struct rsm_engine *e, const struct rsm_caller *c,
                             const struct rsm_guid *lmid, const char *label_type,
                             const char *label_info, const uint8_t *id, uint32_t id_len);

/* ---- database backup (backup.c) ------------------------------------------------------- */
/* Writes a consistent snapshot to DIR/Export/rsm.db (replacing it). CONTROL on the
 * computer. SHARING_VIOLATION if the target is locked by another process. */
rsm_rc rsm_db_export(struct rsm_engine *e, const struct rsm_caller *c);
/* Stages DIR/Export/rsm.db (checked now: integrity and schema version) as DIR/Import/rsm.db;
 * the next rsm_engine_open() of the directory, when no session holds it, installs it. */
rsm_rc rsm_db_import(struct rsm_engine *e, const struct rsm_caller *c);

/* ---- test hooks ----------------------------------------------------------------------- */
/* Well-known objects: the offline library, the application root pool, the computer. */
rsm_rc rsm_engine_wellknown(struct rsm_engine *e, const char *which, struct rsm_guid *out);
/* Runs PRAGMA integrity_check and the model's invariants (every medium in exactly one
 * existing pool, sides and LMIDs consistent). RSM_OK when all hold. */
rsm_rc rsm_engine_check(struct rsm_engine *e, char *why, size_t cap);

#endif
