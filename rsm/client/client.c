/* SPDX-License-Identifier: MIT
 * librsm's back end (client.h): each rsm_be_* calls the engine for an embedded session, or
 * makes one request/response exchange with rsmd for a session on the daemon.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rsm/client/client.h"
#include "rsm/client/wire.h"

/* One socket to rsmd. A session uses one at a time per call in flight: a thread waiting in
 * an allocation must not hold up another thread's call on the same session, so a busy
 * session opens another connection (with the same hello and identity) instead of
 * queueing; idle connections are kept for reuse. */
struct conn {
    int fd;
    bool busy;
    uint64_t next_id;
    char *buf; /* bytes received past the last response (none in practice) */
    size_t cap, have;
    struct conn *next;
};

struct rsm_remote {
    pthread_mutex_t mu; /* guards conns, busy flags and caller */
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char app[RSM_APPNAME_CAP];
    json_t *caller; /* set_caller arguments, replayed on new connections; NULL if none */
    _Atomic int cancelled;
    struct conn *conns;
};

const char *rsm_client_default_socket(void)
{
    const char *p = getenv("RSM_SOCKET");
    return p && *p ? p : RSM_DEFAULT_SOCKET;
}

static void conn_free(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    free(c);
}

/* One request/response on @c; the response (caller frees) or NULL if the connection is
 * lost, in which case the connection must not be reused. */
static json_t *conn_call(struct conn *c, const char *op, json_t *args)
{
    uint64_t id = ++c->next_id;
    json_t *req = json_pack("{s:I,s:s,s:O}", "id", (json_int_t)id, "op", op, "args", args);
    int sent = req ? rsm_wire_send(c->fd, req) : -1;
    json_decref(req);
    if (sent)
        return NULL;
    int err;
    json_t *j = rsm_wire_read_line(c->fd, RSM_WIRE_MAX_RESPONSE, &c->buf, &c->cap, &c->have, &err);
    json_t *jid = j ? json_object_get(j, "id") : NULL;
    if (!j || !json_is_integer(jid) || (uint64_t)json_integer_value(jid) != id) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* A new connection that has said hello (and taken the session's identity). */
static rsm_rc conn_open(struct rsm_remote *r, struct conn **out)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, r->path, sizeof sa.sun_path);
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return RSM_E_NOMEM;
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa)) {
        rsm_rc rc = c->fd >= 0 && errno == EACCES ? RSM_E_ACCESS_DENIED : RSM_E_NOT_CONNECTED;
        conn_free(c);
        return rc;
    }
    json_t *hello = json_pack("{s:i,s:I,s:s?}", "version", RSM_WIRE_VERSION, "abi",
                              (json_int_t)sizeof(struct rsm_objinfo), "app",
                              *r->app ? r->app : NULL);
    json_t *resp = conn_call(c, "hello", hello);
    json_decref(hello);
    rsm_rc rc = resp ? rsm_wire_get_rc(json_object_get(resp, "rc")) : RSM_E_NOT_CONNECTED;
    json_decref(resp);
    /* A daemon of another protocol version refuses hello with INVALID_PARAMETER: for the
     * application it is simply not a service it can use. */
    if (rc == RSM_E_INVALID_PARAMETER)
        rc = RSM_E_NOT_CONNECTED;
    pthread_mutex_lock(&r->mu);
    json_t *caller = r->caller ? json_incref(r->caller) : NULL;
    pthread_mutex_unlock(&r->mu);
    if (rc == RSM_OK && caller) {
        resp = conn_call(c, "set_caller", caller);
        rc = resp ? rsm_wire_get_rc(json_object_get(resp, "rc")) : RSM_E_NOT_CONNECTED;
        json_decref(resp);
    }
    json_decref(caller);
    if (rc != RSM_OK) {
        conn_free(c);
        return rc;
    }
    *out = c;
    return RSM_OK;
}

/* Sends {id, op, args} (args stolen) and waits for the answer; *result (borrowed from the
 * returned response, which the caller frees) is the "result" member or NULL. */
static rsm_rc exchange(struct rsm_remote *r, const char *op, json_t *args, json_t **resp,
                       json_t **result)
{
    *resp = NULL;
    if (result)
        *result = NULL;
    if (!args)
        args = json_object();
    if (r->cancelled) {
        json_decref(args);
        return RSM_E_CANCELLED;
    }
    pthread_mutex_lock(&r->mu);
    struct conn *c = r->conns;
    while (c && c->busy)
        c = c->next;
    if (c)
        c->busy = true;
    pthread_mutex_unlock(&r->mu);
    if (!c) {
        rsm_rc rc = conn_open(r, &c);
        if (rc != RSM_OK) {
            json_decref(args);
            return r->cancelled ? RSM_E_CANCELLED : rc;
        }
        c->busy = true;
        pthread_mutex_lock(&r->mu);
        c->next = r->conns;
        r->conns = c;
        int late = r->cancelled; /* cancelled while we connected: fail like the others */
        pthread_mutex_unlock(&r->mu);
        if (late)
            shutdown(c->fd, SHUT_RDWR);
    }
    json_t *j = conn_call(c, op, args);
    json_decref(args);
    pthread_mutex_lock(&r->mu);
    c->busy = false;
    if (!j) { /* lost: unlink it so no later call reads a stale answer */
        struct conn **p = &r->conns;
        while (*p != c)
            p = &(*p)->next;
        *p = c->next;
    }
    pthread_mutex_unlock(&r->mu);
    if (!j) {
        conn_free(c);
        return r->cancelled ? RSM_E_CANCELLED : RSM_E_NOT_CONNECTED;
    }
    *resp = j;
    if (result)
        *result = json_object_get(j, "result");
    return rsm_wire_get_rc(json_object_get(j, "rc"));
}

/* exchange() for calls whose only output is the result code. */
static rsm_rc simple(struct rsm_session *s, const char *op, json_t *args)
{
    json_t *resp;
    rsm_rc rc = exchange(s->remote, op, args, &resp, NULL);
    json_decref(resp);
    return rc;
}

rsm_rc rsm_remote_open(const char *path, const char *app, struct rsm_remote **out)
{
    struct rsm_remote *r = calloc(1, sizeof *r);
    if (!r)
        return RSM_E_NOMEM;
    if (strlen(path) >= sizeof r->path) {
        free(r);
        return RSM_E_NOT_CONNECTED;
    }
    pthread_mutex_init(&r->mu, NULL);
    strcpy(r->path, path);
    if (app)
        snprintf(r->app, sizeof r->app, "%s", app);
    struct conn *c;
    rsm_rc rc = conn_open(r, &c); /* the first connection checks the right to a session */
    if (rc != RSM_OK) {
        rsm_remote_close(r);
        return rc;
    }
    r->conns = c;
    *out = r;
    return RSM_OK;
}

void rsm_remote_cancel(struct rsm_remote *r)
{
    pthread_mutex_lock(&r->mu);
    r->cancelled = 1;
    /* Wakes threads blocked in recv() for a long allocation; the daemon sees the hang-up
     * of each connection. */
    for (struct conn *c = r->conns; c; c = c->next)
        shutdown(c->fd, SHUT_RDWR);
    pthread_mutex_unlock(&r->mu);
}

void rsm_remote_close(struct rsm_remote *r)
{
    while (r->conns) {
        struct conn *c = r->conns;
        r->conns = c->next;
        conn_free(c);
    }
    json_decref(r->caller);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

rsm_rc rsm_remote_set_caller(struct rsm_remote *r, uint32_t uid, const uint32_t *gids,
                             uint32_t n_gids)
{
    json_t *g = json_array();
    for (uint32_t i = 0; i < n_gids; i++)
        json_array_append_new(g, json_integer(gids[i]));
    json_t *args = json_pack("{s:I,s:o}", "uid", (json_int_t)uid, "gids", g);
    /* Applied to every idle connection now and to every later one. */
    rsm_rc rc = RSM_OK;
    pthread_mutex_lock(&r->mu);
    for (struct conn *c = r->conns; c && rc == RSM_OK; c = c->next) {
        if (c->busy)
            continue;
        json_t *resp = conn_call(c, "set_caller", args);
        rc = resp ? rsm_wire_get_rc(json_object_get(resp, "rc")) : RSM_E_NOT_CONNECTED;
        json_decref(resp);
    }
    if (rc == RSM_OK) {
        json_decref(r->caller);
        r->caller = json_incref(args);
    }
    pthread_mutex_unlock(&r->mu);
    json_decref(args);
    return rc;
}

/* ---- the back-end calls ------------------------------------------------------------- */

rsm_rc rsm_be_enumerate(struct rsm_session *s, const struct rsm_guid *container, uint32_t type,
                        uint32_t options, struct rsm_guid *list, uint32_t cap, uint32_t *n)
{
    if (s->engine)
        return rsm_enumerate(s->engine, &s->caller, container, type, options, list, cap, n);
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "enumerate",
                         json_pack("{s:o,s:I,s:I,s:I}", "container",
                                   container ? rsm_wire_guid(container) : json_null(), "type",
                                   (json_int_t)type, "options", (json_int_t)options, "cap",
                                   (json_int_t)(list ? cap : 0)),
                         &resp, &res);
    if (rc == RSM_OK || rc == RSM_E_INSUFFICIENT_BUFFER) {
        json_t *l = json_object_get(res, "list");
        *n = (uint32_t)json_integer_value(json_object_get(res, "n"));
        size_t i;
        json_t *v;
        json_array_foreach(l, i, v)
        {
            if (i >= cap || !list)
                break;
            if (rsm_wire_get_guid(v, &list[i], NULL)) {
                rc = RSM_E_DB_FAILURE;
                break;
            }
        }
    }
    json_decref(resp);
    return rc;
}

static rsm_rc get_remote(struct rsm_session *s, const char *op, const struct rsm_guid *id,
                         uint32_t type, struct rsm_objinfo *out)
{
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, op,
                         json_pack("{s:o,s:I}", "id", rsm_wire_guid(id), "type", (json_int_t)type),
                         &resp, &res);
    if (rc == RSM_OK && out && rsm_wire_get_objinfo(json_object_get(res, "object"), out))
        rc = RSM_E_DB_FAILURE;
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_object_get(struct rsm_session *s, const struct rsm_guid *id, uint32_t type,
                         struct rsm_objinfo *out)
{
    if (s->engine)
        return rsm_object_get(s->engine, &s->caller, id, type, out);
    return get_remote(s, "object_get", id, type, out);
}

rsm_rc rsm_be_object_type(struct rsm_session *s, const struct rsm_guid *id, uint32_t type)
{
    if (!s->engine)
        return get_remote(s, "object_type", id, type, NULL);
    struct rsm_objinfo *o = malloc(sizeof *o);
    if (!o)
        return RSM_E_NOMEM;
    struct rsm_caller root = s->caller;
    root.uid = 0;
    rsm_rc rc = rsm_object_get(s->engine, &root, id, type, o);
    free(o);
    return rc;
}

rsm_rc rsm_be_object_set(struct rsm_session *s, const struct rsm_guid *id,
                         const struct rsm_objinfo *in)
{
    if (s->engine)
        return rsm_object_set(s->engine, &s->caller, id, in);
    return simple(s, "object_set",
                  json_pack("{s:o,s:o}", "id", rsm_wire_guid(id), "object", rsm_wire_objinfo(in)));
}

rsm_rc rsm_be_object_enable(struct rsm_session *s, uint32_t type, const struct rsm_guid *id,
                            int enable)
{
    if (s->engine)
        return rsm_object_enable(s->engine, &s->caller, type, id, enable);
    return simple(s, "object_enable",
                  json_pack("{s:I,s:o,s:b}", "type", (json_int_t)type, "id", rsm_wire_guid(id),
                            "enable", enable));
}

rsm_rc rsm_be_attr_get(struct rsm_session *s, const struct rsm_guid *id, const char *name,
                       void *data, uint32_t cap, uint32_t *len)
{
    if (s->engine)
        return rsm_attr_get(s->engine, &s->caller, id, name, data, cap, len);
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "attr_get",
                         json_pack("{s:o,s:s,s:I}", "id", rsm_wire_guid(id), "name", name, "cap",
                                   (json_int_t)cap),
                         &resp, &res);
    if (rc == RSM_OK || rc == RSM_E_INSUFFICIENT_BUFFER)
        *len = (uint32_t)json_integer_value(json_object_get(res, "len"));
    if (rc == RSM_OK) {
        size_t n = 0;
        uint8_t *b = rsm_wire_get_bytes(json_object_get(res, "data"), &n);
        if (!b || n != *len || n > cap)
            rc = RSM_E_DB_FAILURE;
        else if (n)
            memcpy(data, b, n);
        free(b);
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_attr_set(struct rsm_session *s, const struct rsm_guid *id, const char *name,
                       const void *data, uint32_t len)
{
    if (s->engine)
        return rsm_attr_set(s->engine, &s->caller, id, name, data, len);
    return simple(s, "attr_set",
                  json_pack("{s:o,s:s,s:o}", "id", rsm_wire_guid(id), "name", name, "data",
                            rsm_wire_bytes(data, data ? len : 0)));
}

rsm_rc rsm_be_security_get(struct rsm_session *s, const struct rsm_guid *id, struct rsm_acl *out)
{
    if (s->engine)
        return rsm_security_get(s->engine, &s->caller, id, out);
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "security_get", json_pack("{s:o}", "id", rsm_wire_guid(id)),
                         &resp, &res);
    if (rc == RSM_OK && rsm_wire_get_acl(json_object_get(res, "acl"), out))
        rc = RSM_E_DB_FAILURE;
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_security_set(struct rsm_session *s, const struct rsm_guid *id, uint32_t what,
                           const struct rsm_acl *in)
{
    if (s->engine)
        return rsm_security_set(s->engine, &s->caller, id, what, in);
    return simple(s, "security_set",
                  json_pack("{s:o,s:I,s:o}", "id", rsm_wire_guid(id), "what", (json_int_t)what,
                            "acl", rsm_wire_acl(in)));
}

rsm_rc rsm_be_pool_create(struct rsm_session *s, const char *path,
                          const struct rsm_guid *media_type, uint32_t action,
                          const struct rsm_acl *acl, struct rsm_guid *out)
{
    if (s->engine)
        return rsm_pool_create(s->engine, &s->caller, path, media_type, action, acl, out);
    json_t *resp, *res;
    rsm_rc rc = exchange(
        s->remote, "pool_create",
        json_pack("{s:s?,s:o,s:I,s:o}", "path", path, "media_type",
                  media_type ? rsm_wire_guid(media_type) : json_null(), "action",
                  (json_int_t)action, "acl", acl ? rsm_wire_acl(acl) : json_null()),
        &resp, &res);
    if (rc == RSM_OK && rsm_wire_get_guid(json_object_get(res, "id"), out, NULL))
        rc = RSM_E_DB_FAILURE;
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_pool_delete(struct rsm_session *s, const struct rsm_guid *id)
{
    if (s->engine)
        return rsm_pool_delete(s->engine, &s->caller, id);
    return simple(s, "pool_delete", json_pack("{s:o}", "id", rsm_wire_guid(id)));
}

rsm_rc rsm_be_pool_name(struct rsm_session *s, const struct rsm_guid *id, char *buf, size_t cap,
                        size_t *len)
{
    if (s->engine)
        return rsm_pool_name(s->engine, &s->caller, id, buf, cap, len);
    json_t *resp, *res;
    rsm_rc rc =
        exchange(s->remote, "pool_name", json_pack("{s:o}", "id", rsm_wire_guid(id)), &resp, &res);
    if (rc == RSM_OK) {
        const char *name = json_string_value(json_object_get(res, "name"));
        if (!name) {
            rc = RSM_E_DB_FAILURE;
        } else {
            *len = strlen(name) + 1;
            if (*len > cap)
                rc = RSM_E_INSUFFICIENT_BUFFER;
            else
                memcpy(buf, name, *len);
        }
    }
    json_decref(resp);
    return rc;
}

static const char *const op2_names[] = {
    [RSM_BE_MEDIA_TYPE_ADD] = "media_type_add",
    [RSM_BE_MEDIA_TYPE_DELETE] = "media_type_delete",
    [RSM_BE_MEDIA_CHANGE_TYPE] = "media_change_type",
    [RSM_BE_MEDIA_MOVE] = "media_move",
    [RSM_BE_MEDIA_SWAP] = "media_swap",
};

rsm_rc rsm_be_two(struct rsm_session *s, enum rsm_be_op2 op, const struct rsm_guid *a,
                  const struct rsm_guid *b)
{
    if (s->engine) {
        switch (op) {
        case RSM_BE_MEDIA_TYPE_ADD: return rsm_media_type_add(s->engine, &s->caller, a, b);
        case RSM_BE_MEDIA_TYPE_DELETE: return rsm_media_type_delete(s->engine, &s->caller, a, b);
        case RSM_BE_MEDIA_CHANGE_TYPE: return rsm_media_change_type(s->engine, &s->caller, a, b);
        case RSM_BE_MEDIA_MOVE: return rsm_media_move(s->engine, &s->caller, a, b);
        case RSM_BE_MEDIA_SWAP: return rsm_media_swap(s->engine, &s->caller, a, b);
        }
        return RSM_E_INVALID_PARAMETER;
    }
    return simple(s, op2_names[op],
                  json_pack("{s:o,s:o}", "a", rsm_wire_guid(a), "b", rsm_wire_guid(b)));
}

static const char *const op1_names[] = {
    [RSM_BE_MEDIA_DECOMMISSION] = "media_decommission",
    [RSM_BE_MEDIA_COMPLETE] = "media_complete",
    [RSM_BE_MEDIA_DELETE] = "media_delete",
};

rsm_rc rsm_be_one(struct rsm_session *s, enum rsm_be_op1 op, const struct rsm_guid *id)
{
    if (s->engine) {
        switch (op) {
        case RSM_BE_MEDIA_DECOMMISSION: return rsm_media_decommission(s->engine, &s->caller, id);
        case RSM_BE_MEDIA_COMPLETE: return rsm_media_complete(s->engine, &s->caller, id);
        case RSM_BE_MEDIA_DELETE: return rsm_media_delete(s->engine, &s->caller, id);
        }
        return RSM_E_INVALID_PARAMETER;
    }
    return simple(s, op1_names[op], json_pack("{s:o}", "id", rsm_wire_guid(id)));
}

rsm_rc rsm_be_media_create(struct rsm_session *s, struct rsm_objinfo *pm, struct rsm_objinfo *sides,
                           uint32_t n_sides, uint32_t options)
{
    if (s->engine)
        return rsm_media_create(s->engine, &s->caller, pm, sides, n_sides, options);
    json_t *js = json_array();
    for (uint32_t i = 0; i < n_sides; i++)
        json_array_append_new(js, rsm_wire_objinfo(&sides[i]));
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "media_create",
                         json_pack("{s:o,s:o,s:I}", "pm", rsm_wire_objinfo(pm), "sides", js,
                                   "options", (json_int_t)options),
                         &resp, &res);
    if (rc == RSM_OK) {
        json_t *rs = json_object_get(res, "sides");
        if (rsm_wire_get_objinfo(json_object_get(res, "pm"), pm) ||
            json_array_size(rs) != n_sides)
            rc = RSM_E_DB_FAILURE;
        for (uint32_t i = 0; rc == RSM_OK && i < n_sides; i++)
            if (rsm_wire_get_objinfo(json_array_get(rs, i), &sides[i]))
                rc = RSM_E_DB_FAILURE;
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_media_allocate(struct rsm_session *s, const struct rsm_guid *pool,
                             const struct rsm_guid *side, struct rsm_guid *lmid, uint32_t options,
                             uint32_t timeout_ms, struct rsm_guid *from)
{
    if (s->engine)
        return rsm_media_allocate(s->engine, &s->caller, pool, side, lmid, options, timeout_ms,
                                  from);
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "media_allocate",
                         json_pack("{s:o,s:o,s:o,s:I,s:I}", "pool", rsm_wire_guid(pool), "side",
                                   side ? rsm_wire_guid(side) : json_null(), "lmid",
                                   rsm_wire_guid(lmid), "options", (json_int_t)options,
                                   "timeout_ms", (json_int_t)timeout_ms),
                         &resp, &res);
    if (rc == RSM_OK) {
        if (rsm_wire_get_guid(json_object_get(res, "lmid"), lmid, NULL) ||
            (from && rsm_wire_get_guid(json_object_get(res, "from"), from, NULL)))
            rc = RSM_E_DB_FAILURE;
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_media_deallocate(struct rsm_session *s, const struct rsm_guid *lmid,
                               uint32_t options)
{
    if (s->engine)
        return rsm_media_deallocate(s->engine, &s->caller, lmid, options);
    return simple(s, "media_deallocate",
                  json_pack("{s:o,s:I}", "lmid", rsm_wire_guid(lmid), "options",
                            (json_int_t)options));
}

rsm_rc rsm_be_media_update_omid(struct rsm_session *s, const struct rsm_guid *lmid,
                                const char *label_type, const char *label_info, const uint8_t *id,
                                uint32_t id_len)
{
    if (s->engine)
        return rsm_media_update_omid(s->engine, &s->caller, lmid, label_type, label_info, id,
                                     id_len);
    return simple(s, "media_update_omid",
                  json_pack("{s:o,s:s,s:s,s:o}", "lmid", rsm_wire_guid(lmid), "label_type",
                            label_type, "label_info", label_info, "omid",
                            rsm_wire_bytes(id, id_len)));
}

rsm_rc rsm_be_db_export(struct rsm_session *s)
{
    if (s->engine)
        return rsm_db_export(s->engine, &s->caller);
    return simple(s, "db_export", NULL);
}

rsm_rc rsm_be_db_import(struct rsm_session *s)
{
    if (s->engine)
        return rsm_db_import(s->engine, &s->caller);
    return simple(s, "db_import", NULL);
}

/* ---- library control ------------------------------------------------------------------ */

static json_t *guid_array(const struct rsm_guid *g, uint32_t n)
{
    json_t *a = json_array();
    for (uint32_t i = 0; i < n; i++)
        json_array_append_new(a, rsm_wire_guid(&g[i]));
    return a;
}

rsm_rc rsm_be_lc_add(struct rsm_session *s, const char *uri, const char *const *drive_uris,
                     size_t n_drive_uris, struct rsm_guid *out)
{
    if (s->engine)
        return rsm_lc_add(s->engine, &s->caller, uri, drive_uris, n_drive_uris, out);
    if (!uri)
        return RSM_E_INVALID_PARAMETER;
    json_t *d = json_array();
    for (size_t i = 0; i < n_drive_uris; i++)
        json_array_append_new(d, drive_uris[i] ? json_string(drive_uris[i]) : json_null());
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "lc_add", json_pack("{s:s,s:o}", "uri", uri, "drive_uris", d),
                         &resp, &res);
    if (rc == RSM_OK && rsm_wire_get_guid(json_object_get(res, "id"), out, NULL))
        rc = RSM_E_DB_FAILURE;
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_lc_inventory(struct rsm_session *s, const struct rsm_guid *library, uint32_t action,
                           struct rsm_lc_inventory *out)
{
    if (s->engine)
        return rsm_lc_inventory(s->engine, &s->caller, library, action, out);
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "lc_inventory",
                         json_pack("{s:o,s:I}", "library", rsm_wire_guid(library), "action",
                                   (json_int_t)action),
                         &resp, &res);
    if (rc == RSM_OK && out) {
        json_int_t v[6] = {0};
        if (json_unpack(res, "{s:I,s:I,s:I,s:I,s:I,s:I}", "n_seen", &v[0], "n_new", &v[1],
                        "n_moved", &v[2], "n_gone", &v[3], "n_imported", &v[4], "n_dup", &v[5]))
            rc = RSM_E_DB_FAILURE;
        memset(out, 0, sizeof *out); /* counts the daemon does not send stay zero */
        out->n_seen = (uint32_t)v[0];
        out->n_new = (uint32_t)v[1];
        out->n_moved = (uint32_t)v[2];
        out->n_gone = (uint32_t)v[3];
        out->n_imported = (uint32_t)v[4];
        out->n_dup = (uint32_t)v[5];
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_lc_mount(struct rsm_session *s, const struct rsm_guid *media, struct rsm_guid *drives,
                       uint32_t n, uint32_t options)
{
    if (s->engine)
        return rsm_lc_mount(s->engine, &s->caller, media, drives, n, options);
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "lc_mount",
                         json_pack("{s:o,s:o,s:I}", "media", guid_array(media, n), "drives",
                                   guid_array(drives, n), "options", (json_int_t)options),
                         &resp, &res);
    if (rc == RSM_OK) {
        json_t *d = json_object_get(res, "drives");
        if (json_array_size(d) != n)
            rc = RSM_E_DB_FAILURE;
        for (uint32_t i = 0; rc == RSM_OK && i < n; i++)
            if (rsm_wire_get_guid(json_array_get(d, i), &drives[i], NULL))
                rc = RSM_E_DB_FAILURE;
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_lc_dismount(struct rsm_session *s, const struct rsm_guid *media, uint32_t n,
                          uint32_t options)
{
    if (s->engine)
        return rsm_lc_dismount(s->engine, &s->caller, media, n, options);
    return simple(s, "lc_dismount",
                  json_pack("{s:o,s:I}", "media", guid_array(media, n), "options",
                            (json_int_t)options));
}

rsm_rc rsm_be_lc_dismount_drive(struct rsm_session *s, const struct rsm_guid *drive)
{
    if (s->engine)
        return rsm_lc_dismount_drive(s->engine, &s->caller, drive);
    return simple(s, "lc_dismount_drive", json_pack("{s:o}", "drive", rsm_wire_guid(drive)));
}
