/* SPDX-License-Identifier: MIT
 * rsmd: one request in, one engine call, one response out (server.h, PROTOCOL.md).
 * Arguments are checked here before the engine sees them, so a malformed request is an
 * RSM_E_INVALID_PARAMETER answer and never a crash or a half-done change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsm/client/wire.h"
#include "rsm/engine/events.h"
#include "rsm/engine/ieclean.h"
#include "rsm/engine/libctl.h"
#include "rsm/server/server.h"

void rsm_conn_identify(struct rsm_conn *c, uid_t uid, gid_t gid, pid_t pid, gid_t operator_gid)
{
    memset(&c->caller, 0, sizeof c->caller);
    c->peer_uid = uid;
    c->peer_pid = pid;
    c->caller.uid = uid;
    c->caller.gids[c->caller.n_gids++] = gid;
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    /* The peer's groups as the kernel holds them now; if the process is already gone we
     * keep its primary group only, which can only narrow its rights. */
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "Groups:", 7))
            continue;
        char *p = line + 7, *end;
        for (;;) {
            unsigned long g = strtoul(p, &end, 10);
            if (end == p || c->caller.n_gids >= RSM_CALLER_MAX_GROUPS)
                break;
            if ((gid_t)g != gid)
                c->caller.gids[c->caller.n_gids++] = (uint32_t)g;
            p = end;
        }
        break;
    }
    if (f)
        fclose(f);
    bool op = false;
    for (uint32_t i = 0; operator_gid != (gid_t)-1 && i < c->caller.n_gids; i++)
        op |= c->caller.gids[i] == operator_gid;
    if (op)
        c->caller.uid = 0;
    snprintf(c->caller.app, sizeof c->caller.app, "RSM");
    c->caller.cancel = &c->cancel;
}

/* ---- argument helpers ------------------------------------------------------------------ */

static int arg_guid(const json_t *args, const char *key, struct rsm_guid *out, int *present)
{
    int p = 0;
    if (rsm_wire_get_guid(json_object_get(args, key), out, &p))
        return -1;
    if (present)
        *present = p;
    else if (!p)
        return -1; /* required */
    return 0;
}

static int arg_u32(const json_t *args, const char *key, uint32_t *out)
{
    json_t *v = json_object_get(args, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
        return -1;
    *out = (uint32_t)json_integer_value(v);
    return 0;
}

static const char *arg_str(const json_t *args, const char *key)
{
    return json_string_value(json_object_get(args, key));
}

/* ---- operations ---------------------------------------------------------------------- */

typedef rsm_rc (*op_fn)(struct rsm_conn *c, const json_t *args, json_t *result);

#define E(c) (c)->engine
#define C(c) (&(c)->caller)
#define BAD  RSM_E_INVALID_PARAMETER

static rsm_rc op_hello(struct rsm_conn *c, const json_t *a, json_t *r)
{
    uint32_t version, abi;
    if (arg_u32(a, "version", &version) || arg_u32(a, "abi", &abi) ||
        version != RSM_WIRE_VERSION || abi != sizeof(struct rsm_objinfo))
        return BAD;
    const char *app = arg_str(a, "app");
    if (app && *app)
        snprintf(c->caller.app, sizeof c->caller.app, "%s", app);
    /* The right to open a session: USE on the computer, as for an embedded session. */
    struct rsm_guid computer;
    rsm_rc rc = rsm_engine_wellknown(E(c), "computer", &computer);
    struct rsm_objinfo *o = malloc(sizeof *o);
    if (rc == RSM_OK)
        rc = o ? rsm_object_get(E(c), C(c), &computer, RSM_OT_COMPUTER, o) : RSM_E_NOMEM;
    free(o);
    if (rc == RSM_OK) {
        c->hello_done = true;
        json_object_set_new(r, "version", json_integer(RSM_WIRE_VERSION));
        json_object_set_new(r, "uid", json_integer(c->caller.uid));
    }
    return rc;
}

static rsm_rc op_set_caller(struct rsm_conn *c, const json_t *a, json_t *r)
{
    if (c->peer_uid != 0)
        return RSM_E_ACCESS_DENIED; /* only root may act for someone else */
    uint32_t uid;
    json_t *g = json_object_get(a, "gids");
    if (arg_u32(a, "uid", &uid) || !json_is_array(g) || json_array_size(g) > RSM_CALLER_MAX_GROUPS)
        return BAD;
    c->caller.uid = uid;
    c->caller.n_gids = 0;
    size_t i;
    json_t *v;
    json_array_foreach(g, i, v) c->caller.gids[c->caller.n_gids++] =
        (uint32_t)json_integer_value(v);
    return RSM_OK;
}

static rsm_rc op_enumerate(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid cont;
    int has_cont;
    uint32_t type, options, cap;
    if (arg_guid(a, "container", &cont, &has_cont) || arg_u32(a, "type", &type) ||
        arg_u32(a, "options", &options) || arg_u32(a, "cap", &cap))
        return BAD;
    if (cap > 1u << 20)
        cap = 1u << 20; /* a reply stays under RSM_WIRE_MAX_RESPONSE */
    struct rsm_guid *list = cap ? calloc(cap, sizeof *list) : NULL;
    if (cap && !list)
        return RSM_E_NOMEM;
    uint32_t n = 0;
    rsm_rc rc = rsm_enumerate(E(c), C(c), has_cont ? &cont : NULL, type, options, list, cap, &n);
    if (rc == RSM_OK || rc == RSM_E_INSUFFICIENT_BUFFER) {
        json_t *l = json_array();
        for (uint32_t i = 0; i < n && i < cap; i++)
            json_array_append_new(l, rsm_wire_guid(&list[i]));
        json_object_set_new(r, "n", json_integer(n));
        json_object_set_new(r, "list", l);
    }
    free(list);
    return rc;
}

static rsm_rc get_common(struct rsm_conn *c, const json_t *a, json_t *r, bool as_root)
{
    struct rsm_guid id;
    uint32_t type;
    if (arg_guid(a, "id", &id, NULL) || arg_u32(a, "type", &type))
        return BAD;
    /* calloc: the engine fills the union member field by field, and the record is sent
     * byte for byte, so the daemon's old heap contents must not ride along. */
    struct rsm_objinfo *o = calloc(1, sizeof *o);
    if (!o)
        return RSM_E_NOMEM;
    struct rsm_caller root = c->caller;
    root.uid = 0;
    rsm_rc rc = rsm_object_get(E(c), as_root ? &root : C(c), &id, type, o);
    if (rc == RSM_OK && !as_root)
        json_object_set_new(r, "object", rsm_wire_objinfo(o));
    free(o);
    return rc;
}

static rsm_rc op_object_get(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return get_common(c, a, r, false);
}

/* Existence and type only, nothing of the object is returned: the security calls check
 * rights themselves but must first tell a wrong type from a wrong GUID. */
static rsm_rc op_object_type(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return get_common(c, a, r, true);
}

static rsm_rc op_object_set(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid id;
    if (arg_guid(a, "id", &id, NULL))
        return BAD;
    struct rsm_objinfo *o = malloc(sizeof *o);
    if (!o)
        return RSM_E_NOMEM;
    rsm_rc rc = rsm_wire_get_objinfo(json_object_get(a, "object"), o)
                    ? BAD
                    : rsm_object_set(E(c), C(c), &id, o);
    free(o);
    return rc;
}

static rsm_rc op_object_enable(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid id;
    uint32_t type;
    json_t *en = json_object_get(a, "enable");
    if (arg_guid(a, "id", &id, NULL) || arg_u32(a, "type", &type) || !json_is_boolean(en))
        return BAD;
    return rsm_object_enable(E(c), C(c), type, &id, json_is_true(en));
}

static rsm_rc op_attr_get(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid id;
    uint32_t cap;
    const char *name = arg_str(a, "name");
    if (arg_guid(a, "id", &id, NULL) || arg_u32(a, "cap", &cap) || !name)
        return BAD;
    if (cap > RSM_ATTR_DATA_MAX + 1)
        cap = RSM_ATTR_DATA_MAX + 1;
    uint8_t *buf = malloc(cap ? cap : 1);
    if (!buf)
        return RSM_E_NOMEM;
    uint32_t len = 0;
    rsm_rc rc = rsm_attr_get(E(c), C(c), &id, name, cap ? buf : NULL, cap, &len);
    if (rc == RSM_OK || rc == RSM_E_INSUFFICIENT_BUFFER)
        json_object_set_new(r, "len", json_integer(len));
    if (rc == RSM_OK)
        json_object_set_new(r, "data", rsm_wire_bytes(buf, len));
    free(buf);
    return rc;
}

static rsm_rc op_attr_set(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid id;
    const char *name = arg_str(a, "name");
    size_t len = 0;
    if (arg_guid(a, "id", &id, NULL) || !name)
        return BAD;
    uint8_t *data = rsm_wire_get_bytes(json_object_get(a, "data"), &len);
    if (!data)
        return BAD;
    rsm_rc rc = len > UINT32_MAX ? RSM_E_NO_DATA
                                 : rsm_attr_set(E(c), C(c), &id, name, data, (uint32_t)len);
    free(data);
    return rc;
}

static rsm_rc op_security_get(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid id;
    if (arg_guid(a, "id", &id, NULL))
        return BAD;
    struct rsm_acl *acl = malloc(sizeof *acl);
    if (!acl)
        return RSM_E_NOMEM;
    rsm_rc rc = rsm_security_get(E(c), C(c), &id, acl);
    if (rc == RSM_OK)
        json_object_set_new(r, "acl", rsm_wire_acl(acl));
    free(acl);
    return rc;
}

static rsm_rc op_security_set(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid id;
    uint32_t what;
    if (arg_guid(a, "id", &id, NULL) || arg_u32(a, "what", &what))
        return BAD;
    struct rsm_acl *acl = malloc(sizeof *acl);
    if (!acl)
        return RSM_E_NOMEM;
    rsm_rc rc = rsm_wire_get_acl(json_object_get(a, "acl"), acl)
                    ? BAD
                    : rsm_security_set(E(c), C(c), &id, what, acl);
    free(acl);
    return rc;
}

static rsm_rc op_pool_create(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid mt, out;
    int has_mt;
    uint32_t action;
    const char *path = arg_str(a, "path");
    json_t *jacl = json_object_get(a, "acl");
    if (arg_guid(a, "media_type", &mt, &has_mt) || arg_u32(a, "action", &action))
        return BAD;
    struct rsm_acl *acl = NULL;
    if (jacl && !json_is_null(jacl)) {
        acl = malloc(sizeof *acl);
        if (!acl)
            return RSM_E_NOMEM;
        if (rsm_wire_get_acl(jacl, acl)) {
            free(acl);
            return BAD;
        }
    }
    rsm_rc rc = rsm_pool_create(E(c), C(c), path, has_mt ? &mt : NULL, action, acl, &out);
    free(acl);
    if (rc == RSM_OK)
        json_object_set_new(r, "id", rsm_wire_guid(&out));
    return rc;
}

static rsm_rc op_pool_delete(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid id;
    if (arg_guid(a, "id", &id, NULL))
        return BAD;
    return rsm_pool_delete(E(c), C(c), &id);
}

static rsm_rc op_pool_name(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid id;
    if (arg_guid(a, "id", &id, NULL))
        return BAD;
    char *buf = malloc(RSM_POOLPATH_CAP);
    if (!buf)
        return RSM_E_NOMEM;
    size_t len = 0;
    rsm_rc rc = rsm_pool_name(E(c), C(c), &id, buf, RSM_POOLPATH_CAP, &len);
    if (rc == RSM_OK)
        json_object_set_new(r, "name", json_string(buf));
    free(buf);
    return rc;
}

typedef rsm_rc (*two_fn)(struct rsm_engine *, const struct rsm_caller *, const struct rsm_guid *,
                         const struct rsm_guid *);
static rsm_rc two(struct rsm_conn *c, const json_t *a, two_fn fn)
{
    struct rsm_guid x, y;
    if (arg_guid(a, "a", &x, NULL) || arg_guid(a, "b", &y, NULL))
        return BAD;
    return fn(E(c), C(c), &x, &y);
}
static rsm_rc op_media_type_add(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return two(c, a, rsm_media_type_add);
}
static rsm_rc op_media_type_delete(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return two(c, a, rsm_media_type_delete);
}
static rsm_rc op_media_change_type(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return two(c, a, rsm_media_change_type);
}
static rsm_rc op_media_move(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return two(c, a, rsm_media_move);
}
static rsm_rc op_media_swap(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return two(c, a, rsm_media_swap);
}

typedef rsm_rc (*one_fn)(struct rsm_engine *, const struct rsm_caller *, const struct rsm_guid *);
static rsm_rc one(struct rsm_conn *c, const json_t *a, one_fn fn)
{
    struct rsm_guid x;
    if (arg_guid(a, "id", &x, NULL))
        return BAD;
    return fn(E(c), C(c), &x);
}
static rsm_rc op_media_decommission(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return one(c, a, rsm_media_decommission);
}
static rsm_rc op_media_complete(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return one(c, a, rsm_media_complete);
}
static rsm_rc op_media_delete(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return one(c, a, rsm_media_delete);
}

static rsm_rc op_media_create(struct rsm_conn *c, const json_t *a, json_t *r)
{
    json_t *js = json_object_get(a, "sides");
    uint32_t options;
    if (!json_is_array(js) || json_array_size(js) > 64 || arg_u32(a, "options", &options))
        return BAD;
    uint32_t n = (uint32_t)json_array_size(js);
    struct rsm_objinfo *pm = malloc(sizeof *pm);
    struct rsm_objinfo *sides = calloc(n ? n : 1, sizeof *sides);
    rsm_rc rc = pm && sides ? RSM_OK : RSM_E_NOMEM;
    if (rc == RSM_OK && rsm_wire_get_objinfo(json_object_get(a, "pm"), pm))
        rc = BAD;
    for (uint32_t i = 0; rc == RSM_OK && i < n; i++)
        if (rsm_wire_get_objinfo(json_array_get(js, i), &sides[i]))
            rc = BAD;
    if (rc == RSM_OK)
        rc = rsm_media_create(E(c), C(c), pm, sides, n, options);
    if (rc == RSM_OK) {
        json_t *out = json_array();
        for (uint32_t i = 0; i < n; i++)
            json_array_append_new(out, rsm_wire_objinfo(&sides[i]));
        json_object_set_new(r, "pm", rsm_wire_objinfo(pm));
        json_object_set_new(r, "sides", out);
    }
    free(pm);
    free(sides);
    return rc;
}

static rsm_rc op_media_allocate(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid pool, side, lmid, from;
    int has_side, has_lmid; /* lmid is read only with NEXT; absent means the null GUID */
    uint32_t options, timeout_ms;
    if (arg_guid(a, "pool", &pool, NULL) || arg_guid(a, "side", &side, &has_side) ||
        arg_guid(a, "lmid", &lmid, &has_lmid) || arg_u32(a, "options", &options) ||
        arg_u32(a, "timeout_ms", &timeout_ms))
        return BAD;
    memset(&from, 0, sizeof from);
    rsm_rc rc = rsm_media_allocate(E(c), C(c), &pool, has_side ? &side : NULL, &lmid, options,
                                   timeout_ms, &from);
    if (rc == RSM_OK) {
        json_object_set_new(r, "lmid", rsm_wire_guid(&lmid));
        json_object_set_new(r, "from", rsm_wire_guid(&from));
    }
    return rc;
}

static rsm_rc op_media_deallocate(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid lmid;
    uint32_t options;
    if (arg_guid(a, "lmid", &lmid, NULL) || arg_u32(a, "options", &options))
        return BAD;
    return rsm_media_deallocate(E(c), C(c), &lmid, options);
}

static rsm_rc op_media_update_omid(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid lmid;
    const char *type = arg_str(a, "label_type"), *info = arg_str(a, "label_info");
    if (arg_guid(a, "lmid", &lmid, NULL) || !type || !info)
        return BAD;
    size_t len = 0;
    uint8_t *id = rsm_wire_get_bytes(json_object_get(a, "omid"), &len);
    if (!id)
        return BAD;
    rsm_rc rc = len > RSM_OMID_MAX
                    ? BAD
                    : rsm_media_update_omid(E(c), C(c), &lmid, type, info, id, (uint32_t)len);
    free(id);
    return rc;
}

static rsm_rc op_db_export(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return rsm_db_export(E(c), C(c));
}

static rsm_rc op_db_import(struct rsm_conn *c, const json_t *a, json_t *r)
{
    return rsm_db_import(E(c), C(c));
}

/* ---- library control: the daemon's engine drives the devices ------------------------------ */

#define LC_MAX 64 /* media per mount/dismount, as the API allows */

static int arg_guids(const json_t *args, const char *key, struct rsm_guid *out, uint32_t *n)
{
    json_t *a = json_object_get(args, key);
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > LC_MAX)
        return -1;
    *n = (uint32_t)json_array_size(a);
    for (uint32_t i = 0; i < *n; i++)
        if (rsm_wire_get_guid(json_array_get(a, i), &out[i], NULL))
            return -1;
    return 0;
}

static rsm_rc op_lc_add(struct rsm_conn *c, const json_t *a, json_t *r)
{
    const char *uri = arg_str(a, "uri");
    json_t *d = json_object_get(a, "drive_uris");
    if (!uri || !json_is_array(d) || json_array_size(d) > LC_MAX)
        return BAD;
    const char *drives[LC_MAX];
    size_t n = json_array_size(d);
    for (size_t i = 0; i < n; i++)
        if (!(drives[i] = json_string_value(json_array_get(d, i))))
            return BAD;
    struct rsm_guid out;
    rsm_rc rc = rsm_lc_add(E(c), C(c), uri, n ? drives : NULL, n, &out);
    if (rc == RSM_OK)
        json_object_set_new(r, "id", rsm_wire_guid(&out));
    return rc;
}

static rsm_rc op_lc_inventory(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid lib;
    uint32_t action;
    if (arg_guid(a, "library", &lib, NULL) || arg_u32(a, "action", &action))
        return BAD;
    struct rsm_lc_inventory inv = {0};
    rsm_rc rc = rsm_lc_inventory(E(c), C(c), &lib, action, &inv);
    if (rc == RSM_OK) {
        json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "n_seen", (json_int_t)inv.n_seen,
                              "n_new", (json_int_t)inv.n_new, "n_moved", (json_int_t)inv.n_moved,
                              "n_gone", (json_int_t)inv.n_gone, "n_imported",
                              (json_int_t)inv.n_imported, "n_dup", (json_int_t)inv.n_dup);
        json_object_update(r, o);
        json_decref(o);
    }
    return rc;
}

static rsm_rc op_lc_mount(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid media[LC_MAX], drives[LC_MAX];
    uint32_t n, nd, options;
    if (arg_guids(a, "media", media, &n) || arg_guids(a, "drives", drives, &nd) || nd != n ||
        arg_u32(a, "options", &options))
        return BAD;
    rsm_rc rc = rsm_lc_mount(E(c), C(c), media, drives, n, options);
    if (rc == RSM_OK) {
        json_t *d = json_array();
        for (uint32_t i = 0; i < n; i++)
            json_array_append_new(d, rsm_wire_guid(&drives[i]));
        json_object_set_new(r, "drives", d);
    }
    return rc;
}

static rsm_rc op_lc_dismount(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid media[LC_MAX];
    uint32_t n, options;
    if (arg_guids(a, "media", media, &n) || arg_u32(a, "options", &options))
        return BAD;
    return rsm_lc_dismount(E(c), C(c), media, n, options);
}

static rsm_rc op_lc_dismount_drive(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid drive;
    if (arg_guid(a, "drive", &drive, NULL))
        return BAD;
    return rsm_lc_dismount_drive(E(c), C(c), &drive);
}

/* ---- library requests (rsm/engine/reqq.c) --------------------------------------------- */

/* lc_mount_q: MountNtmsMedia with priority, timeout and the request id. NOWAIT returns as
 * soon as the request is queued; otherwise this connection's thread waits, the engine and
 * other connections go on. */
static rsm_rc op_lc_mount_q(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid media[LC_MAX], drives[LC_MAX], req;
    uint32_t n, nd, options, timeout_ms;
    json_t *p = json_object_get(a, "priority");
    if (arg_guids(a, "media", media, &n) || arg_guids(a, "drives", drives, &nd) || nd != n ||
        arg_u32(a, "options", &options) || arg_u32(a, "timeout_ms", &timeout_ms) ||
        !json_is_integer(p) || json_integer_value(p) < -15 || json_integer_value(p) > 15)
        return BAD;
    memset(&req, 0, sizeof req);
    rsm_rc rc = rsm_lc_mount_ex(E(c), C(c), media, drives, n, options,
                                (int)json_integer_value(p), timeout_ms, &req);
    if (rc == RSM_OK) {
        json_t *d = json_array();
        for (uint32_t i = 0; i < n; i++)
            json_array_append_new(d, rsm_wire_guid(&drives[i]));
        json_object_set_new(r, "drives", d);
        json_object_set_new(r, "request", rsm_wire_guid(&req));
    }
    return rc;
}

static rsm_rc op_lc_req_cancel(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid req;
    if (arg_guid(a, "request", &req, NULL))
        return BAD;
    return rsm_lc_request_cancel(E(c), C(c), &req);
}

static rsm_rc op_lc_req_delete(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid ids[LC_MAX];
    uint32_t n, type;
    if (arg_guids(a, "ids", ids, &n) || arg_u32(a, "type", &type))
        return BAD;
    return rsm_lc_request_delete(E(c), C(c), ids, n, type);
}

static rsm_rc op_lc_req_order_get(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid req;
    uint32_t order = 0;
    if (arg_guid(a, "request", &req, NULL))
        return BAD;
    rsm_rc rc = rsm_lc_request_order_get(E(c), C(c), &req, &order);
    if (rc == RSM_OK)
        json_object_set_new(r, "order", json_integer(order));
    return rc;
}

static rsm_rc op_lc_req_order_set(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid req;
    uint32_t order;
    if (arg_guid(a, "request", &req, NULL) || arg_u32(a, "order", &order))
        return BAD;
    return rsm_lc_request_order_set(E(c), C(c), &req, order);
}

/* ---- notifications and operator requests (rsm/engine/events.h) ----------------------- */

/* notify_open: a watcher owned by this connection, numbered by its slot. */
static rsm_rc op_notify_open(struct rsm_conn *c, const json_t *a, json_t *r)
{
    uint32_t type, queue = 0;
    if (arg_u32(a, "type", &type) || (json_object_get(a, "queue") && arg_u32(a, "queue", &queue)))
        return BAD;
    if (queue > (1u << 20))
        return BAD; /* bounded: a watcher's queue is the daemon's memory */
    uint32_t slot = 0;
    while (slot < RSM_CONN_MAX_WATCH && c->watch[slot])
        slot++;
    if (slot == RSM_CONN_MAX_WATCH)
        return RSM_E_BUSY;
    rsm_rc rc = rsm_watch_open(E(c), C(c), type, queue, &c->watch[slot]);
    if (rc == RSM_OK)
        json_object_set_new(r, "watch", json_integer(slot));
    return rc;
}

static struct rsm_watcher *arg_watch(struct rsm_conn *c, const json_t *a)
{
    uint32_t slot;
    if (arg_u32(a, "watch", &slot) || slot >= RSM_CONN_MAX_WATCH)
        return NULL;
    return c->watch[slot];
}

/* notify_wait: the long poll. Blocks this connection's thread only; the engine and other
 * connections go on (events are queued per watcher under the hub's own lock). */
static rsm_rc op_notify_wait(struct rsm_conn *c, const json_t *a, json_t *r)
{
    uint32_t timeout_ms, max;
    struct rsm_watcher *w = arg_watch(c, a);
    if (!w)
        return RSM_E_INVALID_HANDLE;
    if (arg_u32(a, "timeout_ms", &timeout_ms) || arg_u32(a, "max", &max) || max == 0)
        return BAD;
    if (max > 1024)
        max = 1024;
    struct rsm_event ev[1024];
    uint32_t n = 0;
    rsm_rc rc = rsm_watch_wait(w, ev, max, &n, timeout_ms, &c->cancel);
    if (rc == RSM_OK) {
        json_t *list = json_array();
        for (uint32_t i = 0; i < n; i++)
            json_array_append_new(list, json_pack("[I,I,o,I]", (json_int_t)ev[i].type,
                                                  (json_int_t)ev[i].op, rsm_wire_guid(&ev[i].id),
                                                  (json_int_t)ev[i].commit_ns));
        json_object_set_new(r, "events", list);
    }
    return rc;
}

static rsm_rc op_notify_close(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    uint32_t slot;
    if (arg_u32(a, "watch", &slot) || slot >= RSM_CONN_MAX_WATCH || !c->watch[slot])
        return RSM_E_INVALID_HANDLE;
    rsm_watch_close(c->watch[slot]);
    c->watch[slot] = NULL;
    return RSM_OK;
}

static rsm_rc op_opreq_submit(struct rsm_conn *c, const json_t *a, json_t *r)
{
    uint32_t request;
    struct rsm_guid a1, a2, out;
    int has1, has2;
    const char *msg = arg_str(a, "message");
    if (arg_u32(a, "request", &request) || !msg || arg_guid(a, "arg1", &a1, &has1) ||
        arg_guid(a, "arg2", &a2, &has2))
        return BAD;
    rsm_rc rc = rsm_opreq_submit(E(c), C(c), request, msg, has1 ? &a1 : NULL,
                                 has2 ? &a2 : NULL, &out);
    if (rc == RSM_OK)
        json_object_set_new(r, "id", rsm_wire_guid(&out));
    return rc;
}

static rsm_rc op_opreq_satisfy(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid id;
    if (arg_guid(a, "id", &id, NULL))
        return BAD;
    return rsm_opreq_satisfy(E(c), C(c), &id);
}

static rsm_rc op_opreq_cancel(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid id;
    if (arg_guid(a, "id", &id, NULL))
        return BAD;
    return rsm_opreq_cancel(E(c), C(c), &id);
}

static rsm_rc op_opreq_wait(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid id;
    uint32_t timeout_ms;
    if (arg_guid(a, "id", &id, NULL) || arg_u32(a, "timeout_ms", &timeout_ms))
        return BAD;
    return rsm_opreq_wait(E(c), C(c), &id, timeout_ms);
}

/* ---- import/export, cleaning, change detection (rsm/engine/ieclean.h) ----------------- */

/* Every answer that carries an operation GUID sends it as "op". */
static void put_op(json_t *r, const struct rsm_guid *op)
{
    json_object_set_new(r, "op", rsm_wire_guid(op));
}

static rsm_rc op_ie_inject(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid lib, op;
    uint32_t action;
    if (arg_guid(a, "library", &lib, NULL) || arg_guid(a, "op", &op, NULL) ||
        arg_u32(a, "action", &action))
        return BAD;
    rsm_rc rc = rsm_ie_inject(E(c), C(c), &lib, &op, action);
    if (rc == RSM_OK)
        put_op(r, &op);
    return rc;
}

static rsm_rc op_ie_eject(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid pm, op;
    int have_pm, have_op;
    uint32_t action;
    if (arg_guid(a, "medium", &pm, &have_pm) || arg_guid(a, "op", &op, &have_op) ||
        arg_u32(a, "action", &action))
        return BAD;
    if (!have_op)
        memset(&op, 0, sizeof op); /* QUEUE without an operation GUID */
    rsm_rc rc = rsm_ie_eject(E(c), C(c), have_pm ? &pm : NULL, &op, action);
    if (rc == RSM_OK)
        put_op(r, &op);
    return rc;
}

static rsm_rc op_ie_door(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid lib;
    uint32_t action;
    if (arg_guid(a, "library", &lib, NULL) || arg_u32(a, "action", &action))
        return BAD;
    return rsm_ie_door(E(c), C(c), &lib, action);
}

static rsm_rc op_ie_identify_slot(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid slot;
    uint32_t option;
    if (arg_guid(a, "slot", &slot, NULL) || arg_u32(a, "option", &option))
        return BAD;
    return rsm_ie_identify_slot(E(c), C(c), &slot, option);
}

static rsm_rc op_ie_delete_drive(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid g;
    if (arg_guid(a, "drive", &g, NULL))
        return BAD;
    return rsm_ie_delete_drive(E(c), C(c), &g);
}

static rsm_rc op_ie_delete_library(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid g;
    if (arg_guid(a, "library", &g, NULL))
        return BAD;
    return rsm_ie_delete_library(E(c), C(c), &g);
}

static rsm_rc op_ie_ui_get(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid g;
    uint32_t type;
    if (arg_guid(a, "object", &g, NULL) || arg_u32(a, "type", &type))
        return BAD;
    char *names = NULL;
    size_t len = 0;
    rsm_rc rc = rsm_ie_ui_get(E(c), C(c), &g, type, &names, &len);
    if (rc == RSM_OK) {
        json_t *arr = json_array();
        for (size_t p = 0; p < len; p += strlen(names + p) + 1)
            json_array_append_new(arr, json_string(names + p));
        json_object_set_new(r, "names", arr);
    }
    free(names);
    return rc;
}

static rsm_rc op_ie_ui_set(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid g;
    uint32_t type, uiop;
    json_t *d = json_object_get(a, "dest");
    if (arg_guid(a, "object", &g, NULL) || arg_u32(a, "type", &type) ||
        arg_u32(a, "uiop", &uiop) || (d && !json_is_null(d) && !json_is_string(d)))
        return BAD;
    return rsm_ie_ui_set(E(c), C(c), &g, type, uiop, json_string_value(d));
}

static rsm_rc op_clean_drive(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid g;
    if (arg_guid(a, "drive", &g, NULL))
        return BAD;
    return rsm_clean_drive(E(c), C(c), &g);
}

static rsm_rc op_clean_reserve_slot(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid lib, slot;
    if (arg_guid(a, "library", &lib, NULL) || arg_guid(a, "slot", &slot, NULL))
        return BAD;
    return rsm_clean_reserve_slot(E(c), C(c), &lib, &slot);
}

static rsm_rc op_clean_release_slot(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    struct rsm_guid lib;
    if (arg_guid(a, "library", &lib, NULL))
        return BAD;
    return rsm_clean_release_slot(E(c), C(c), &lib);
}

static rsm_rc op_clean_inject(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid lib, op;
    uint32_t uses, action;
    if (arg_guid(a, "library", &lib, NULL) || arg_guid(a, "op", &op, NULL) ||
        arg_u32(a, "uses_left", &uses) || arg_u32(a, "action", &action))
        return BAD;
    rsm_rc rc = rsm_clean_inject(E(c), C(c), &lib, &op, uses, action);
    if (rc == RSM_OK)
        put_op(r, &op);
    return rc;
}

static rsm_rc op_clean_eject(struct rsm_conn *c, const json_t *a, json_t *r)
{
    struct rsm_guid lib, op;
    uint32_t action;
    if (arg_guid(a, "library", &lib, NULL) || arg_guid(a, "op", &op, NULL) ||
        arg_u32(a, "action", &action))
        return BAD;
    rsm_rc rc = rsm_clean_eject(E(c), C(c), &lib, &op, action);
    if (rc == RSM_OK)
        put_op(r, &op);
    return rc;
}

/* The slot of detection context @h in @c's list, or -1: a context begun on another
 * connection is not this one's to use. */
static int detect_slot(const struct rsm_conn *c, uint64_t h)
{
    for (int i = 0; h && i < RSM_CONN_MAX_DETECT; i++)
        if (c->detect[i] == h)
            return i;
    return -1;
}

static rsm_rc op_detect_begin(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)a;
    int i = 0;
    while (i < RSM_CONN_MAX_DETECT && c->detect[i])
        i++;
    if (i == RSM_CONN_MAX_DETECT)
        return RSM_E_NOMEM; /* as many contexts as one connection may hold */
    uint64_t h = 0;
    rsm_rc rc = rsm_detect_begin(E(c), &h);
    if (rc == RSM_OK && h > INT64_MAX) {
        (void)rsm_detect_end(E(c), h); /* not representable on the wire */
        rc = RSM_E_NOMEM;
    }
    if (rc == RSM_OK) {
        c->detect[i] = h;
        json_object_set_new(r, "handle", json_integer((json_int_t)h));
    }
    return rc;
}

/* Handle 0 asks for a one-shot poll, which needs no context. */
static rsm_rc op_detect_set(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    json_t *h = json_object_get(a, "handle");
    struct rsm_guid ids[LC_MAX];
    uint32_t n, type;
    if (!json_is_integer(h) || json_integer_value(h) < 0 || arg_guids(a, "ids", ids, &n) ||
        arg_u32(a, "type", &type))
        return BAD;
    uint64_t hv = (uint64_t)json_integer_value(h);
    if (hv && detect_slot(c, hv) < 0)
        return RSM_E_INVALID_HANDLE;
    return rsm_detect_set(E(c), C(c), hv, ids, type, n);
}

static rsm_rc op_detect_end(struct rsm_conn *c, const json_t *a, json_t *r)
{
    (void)r;
    json_t *h = json_object_get(a, "handle");
    if (!json_is_integer(h) || json_integer_value(h) < 0)
        return BAD;
    int i = detect_slot(c, (uint64_t)json_integer_value(h));
    if (i < 0)
        return RSM_E_INVALID_HANDLE;
    rsm_rc rc = rsm_detect_end(E(c), c->detect[i]);
    c->detect[i] = 0;
    return rc;
}

void rsm_conn_release(struct rsm_conn *c)
{
    for (int i = 0; i < RSM_CONN_MAX_DETECT; i++)
        if (c->detect[i]) {
            (void)rsm_detect_end(E(c), c->detect[i]); /* ends with the session */
            c->detect[i] = 0;
        }
    for (int i = 0; i < RSM_CONN_MAX_WATCH; i++)
        if (c->watch[i]) {
            rsm_watch_close(c->watch[i]);
            c->watch[i] = NULL;
        }
}

static const struct {
    const char *name;
    op_fn fn;
} ops[] = {
    {"hello", op_hello},
    {"set_caller", op_set_caller},
    {"enumerate", op_enumerate},
    {"object_get", op_object_get},
    {"object_type", op_object_type},
    {"object_set", op_object_set},
    {"object_enable", op_object_enable},
    {"attr_get", op_attr_get},
    {"attr_set", op_attr_set},
    {"security_get", op_security_get},
    {"security_set", op_security_set},
    {"pool_create", op_pool_create},
    {"pool_delete", op_pool_delete},
    {"pool_name", op_pool_name},
    {"media_type_add", op_media_type_add},
    {"media_type_delete", op_media_type_delete},
    {"media_change_type", op_media_change_type},
    {"media_move", op_media_move},
    {"media_swap", op_media_swap},
    {"media_decommission", op_media_decommission},
    {"media_complete", op_media_complete},
    {"media_delete", op_media_delete},
    {"media_create", op_media_create},
    {"media_allocate", op_media_allocate},
    {"media_deallocate", op_media_deallocate},
    {"media_update_omid", op_media_update_omid},
    {"db_export", op_db_export},
    {"db_import", op_db_import},
    {"lc_add", op_lc_add},
    {"lc_inventory", op_lc_inventory},
    {"lc_mount", op_lc_mount},
    {"lc_dismount", op_lc_dismount},
    {"lc_dismount_drive", op_lc_dismount_drive},
    {"lc_mount_q", op_lc_mount_q},
    {"lc_req_cancel", op_lc_req_cancel},
    {"lc_req_delete", op_lc_req_delete},
    {"lc_req_order_get", op_lc_req_order_get},
    {"lc_req_order_set", op_lc_req_order_set},
    {"notify_open", op_notify_open},
    {"notify_wait", op_notify_wait},
    {"notify_close", op_notify_close},
    {"opreq_submit", op_opreq_submit},
    {"opreq_satisfy", op_opreq_satisfy},
    {"opreq_cancel", op_opreq_cancel},
    {"opreq_wait", op_opreq_wait},
    {"ie_inject", op_ie_inject},
    {"ie_eject", op_ie_eject},
    {"ie_door", op_ie_door},
    {"ie_identify_slot", op_ie_identify_slot},
    {"ie_delete_drive", op_ie_delete_drive},
    {"ie_delete_library", op_ie_delete_library},
    {"ie_ui_get", op_ie_ui_get},
    {"ie_ui_set", op_ie_ui_set},
    {"clean_drive", op_clean_drive},
    {"clean_reserve_slot", op_clean_reserve_slot},
    {"clean_release_slot", op_clean_release_slot},
    {"clean_inject", op_clean_inject},
    {"clean_eject", op_clean_eject},
    {"detect_begin", op_detect_begin},
    {"detect_set", op_detect_set},
    {"detect_end", op_detect_end},
};

int rsm_conn_respond_get(struct rsm_conn *c, int64_t id, const struct rsm_guid *g, uint32_t type,
                         struct rsm_wire_buf *out)
{
    if (!c->hello_done)
        return -1; /* rsm_conn_handle() gives the INVALID_HANDLE answer */
    /* 2.7 KiB: on the stack rather than malloc'd per call. Zeroed: the engine fills the
     * union member only field by field, and the record travels byte for byte up to its
     * last non-zero byte, so anything left in it would reach the client. */
    struct rsm_objinfo o;
    memset(&o, 0, sizeof o);
    rsm_rc rc = rsm_object_get(E(c), C(c), g, type, &o);
    size_t mark = out->len;
    if (rsm_wire_buf_reply_head(out, id, rc) ||
        (rc == RSM_OK ? rsm_wire_buf_put(out, "{\"object\":", 10) ||
                            rsm_wire_buf_objinfo(out, &o) || rsm_wire_buf_put(out, "}}\n", 3)
                      : rsm_wire_buf_put(out, "{}}\n", 4))) {
        out->len = mark;
        return -1;
    }
    return 0;
}

/* object_get answered directly into @out; false (nothing appended) when the request is
 * not a well-formed object_get, or rsm_conn_respond_get() declines it: rsm_conn_handle()
 * then answers it, the same way as before. */
static bool respond_object_get(struct rsm_conn *c, const json_t *req, struct rsm_wire_buf *out)
{
    json_t *id = json_object_get(req, "id");
    const char *op = json_string_value(json_object_get(req, "op"));
    json_t *args = json_object_get(req, "args");
    struct rsm_guid gid;
    uint32_t type;
    if (!op || strcmp(op, "object_get") || !json_is_integer(id) || !json_is_object(args) ||
        arg_guid(args, "id", &gid, NULL) || arg_u32(args, "type", &type))
        return false;
    return !rsm_conn_respond_get(c, json_integer_value(id), &gid, type, out);
}

int rsm_conn_respond(struct rsm_conn *c, const json_t *req, struct rsm_wire_buf *out)
{
    if (respond_object_get(c, req, out))
        return 0;
    json_t *resp = rsm_conn_handle(c, req);
    size_t mark = out->len;
    int bad = !resp || rsm_wire_buf_json(out, resp) || rsm_wire_buf_put(out, "\n", 1);
    json_decref(resp);
    if (bad)
        out->len = mark;
    return bad ? -1 : 0;
}

json_t *rsm_conn_handle(struct rsm_conn *c, const json_t *req)
{
    json_t *id = json_object_get(req, "id");
    const char *op = json_string_value(json_object_get(req, "op"));
    json_t *args = json_object_get(req, "args");
    json_t *result = json_object();
    rsm_rc rc = RSM_E_INVALID_PARAMETER;
    if (json_is_object(req) && json_is_integer(id) && op && (!args || json_is_object(args))) {
        op_fn fn = NULL;
        for (size_t i = 0; i < sizeof ops / sizeof ops[0] && !fn; i++)
            if (!strcmp(ops[i].name, op))
                fn = ops[i].fn;
        if (!fn)
            rc = RSM_E_NOT_SUPPORTED;
        else if (!c->hello_done && fn != op_hello)
            rc = RSM_E_INVALID_HANDLE; /* no session yet */
        else
            rc = fn(c, args ? args : result, result);
    }
    if (rc != RSM_OK && rc != RSM_E_INSUFFICIENT_BUFFER)
        json_object_clear(result); /* out-values only on success (and sizes) */
    return json_pack("{s:O,s:o,s:o}", "id", json_is_integer(id) ? id : json_null(), "rc",
                     rsm_wire_rc(rc), "result", result);
}
