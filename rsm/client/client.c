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
#include <time.h>
#include <unistd.h>

#include "rsm/client/client.h"
#include "rsm/client/wire.h"
#include "rsm/engine/ieclean.h"

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
    struct rsm_wire_buf out; /* the request being sent, reused from call to call */
    struct conn *next;
};

struct rsm_remote {
    pthread_mutex_t mu; /* guards conns, busy flags and caller */
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char app[RSM_APPNAME_CAP];
    json_t *caller; /* set_caller arguments, replayed on new connections; NULL if none */
    _Atomic int cancelled;
    struct conn *conns;
    struct rsm_be_watch *watches; /* notification channels, each on its own connection */
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
    rsm_wire_buf_free(&c->out);
    free(c);
}

/* One request/response on @c; the response (caller frees) or NULL if the connection is
 * lost, in which case the connection must not be reused. */
static json_t *conn_call(struct conn *c, const char *op, json_t *args)
{
    uint64_t id = ++c->next_id;
    json_t *req = json_pack("{s:I,s:s,s:O}", "id", (json_int_t)id, "op", op, "args", args);
    c->out.len = 0;
    int sent = req && !rsm_wire_buf_json(&c->out, req) && !rsm_wire_buf_put(&c->out, "\n", 1)
                   ? rsm_wire_send_buf(c->fd, &c->out)
                   : -1;
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

/* Takes an idle connection of @r for one call, opening one if all are busy; release it
 * with conn_release(). */
static rsm_rc conn_acquire(struct rsm_remote *r, struct conn **out)
{
    if (r->cancelled)
        return RSM_E_CANCELLED;
    pthread_mutex_lock(&r->mu);
    struct conn *c = r->conns;
    while (c && c->busy)
        c = c->next;
    if (c)
        c->busy = true;
    pthread_mutex_unlock(&r->mu);
    if (!c) {
        rsm_rc rc = conn_open(r, &c);
        if (rc != RSM_OK)
            return r->cancelled ? RSM_E_CANCELLED : rc;
        c->busy = true;
        pthread_mutex_lock(&r->mu);
        c->next = r->conns;
        r->conns = c;
        int late = r->cancelled; /* cancelled while we connected: fail like the others */
        pthread_mutex_unlock(&r->mu);
        if (late)
            shutdown(c->fd, SHUT_RDWR);
    }
    *out = c;
    return RSM_OK;
}

/* Gives @c back after a call; a @lost connection is closed instead. Returns the result
 * of a lost call (RSM_E_NOT_CONNECTED, or RSM_E_CANCELLED after CloseNtmsSession). */
static rsm_rc conn_release(struct rsm_remote *r, struct conn *c, bool lost)
{
    pthread_mutex_lock(&r->mu);
    c->busy = false;
    if (lost) { /* unlink it so no later call reads a stale answer */
        struct conn **p = &r->conns;
        while (*p != c)
            p = &(*p)->next;
        *p = c->next;
    }
    pthread_mutex_unlock(&r->mu);
    if (!lost)
        return RSM_OK;
    conn_free(c);
    return r->cancelled ? RSM_E_CANCELLED : RSM_E_NOT_CONNECTED;
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
    struct conn *c;
    rsm_rc rc = conn_acquire(r, &c);
    if (rc != RSM_OK) {
        json_decref(args);
        return rc;
    }
    json_t *j = conn_call(c, op, args);
    json_decref(args);
    rc = conn_release(r, c, !j);
    if (!j)
        return rc;
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

static void watches_hang_up(struct rsm_remote *r);

void rsm_remote_cancel(struct rsm_remote *r)
{
    pthread_mutex_lock(&r->mu);
    r->cancelled = 1;
    /* Wakes threads blocked in recv() for a long allocation; the daemon sees the hang-up
     * of each connection. */
    for (struct conn *c = r->conns; c; c = c->next)
        shutdown(c->fd, SHUT_RDWR);
    watches_hang_up(r);
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

/* object_get without jansson trees (wire.h): the request is written directly and a
 * successful reply read directly; any other reply is parsed with jansson as before. */
static rsm_rc get_remote_direct(struct rsm_remote *r, const struct rsm_guid *id, uint32_t type,
                                struct rsm_objinfo *out)
{
    struct conn *c;
    rsm_rc rc = conn_acquire(r, &c);
    if (rc != RSM_OK)
        return rc;
    uint64_t want = ++c->next_id;
    c->out.len = 0;
    size_t len;
    int err;
    if (rsm_wire_buf_get_request(&c->out, want, "object_get", id, type) ||
        rsm_wire_send_buf(c->fd, &c->out) ||
        rsm_wire_read_raw(c->fd, RSM_WIRE_MAX_RESPONSE, &c->buf, &c->cap, &c->have, &len, &err))
        return conn_release(r, c, true);
    uint64_t got;
    bool lost;
    if (rsm_wire_read_objinfo_reply(c->buf, len, &got, out)) {
        rc = RSM_OK;
        lost = got != want;
    } else {
        json_error_t je;
        json_t *j = json_loadb(c->buf, len, 0, &je);
        json_t *jid = json_object_get(j, "id");
        lost = !j || !json_is_integer(jid) || (uint64_t)json_integer_value(jid) != want;
        rc = rsm_wire_get_rc(json_object_get(j, "rc"));
        if (!lost && rc == RSM_OK &&
            rsm_wire_get_objinfo(json_object_get(json_object_get(j, "result"), "object"), out))
            rc = RSM_E_DB_FAILURE;
        json_decref(j);
    }
    rsm_wire_consume(c->buf, &c->have, len);
    rsm_rc lost_rc = conn_release(r, c, lost);
    return lost ? lost_rc : rc;
}

static rsm_rc get_remote(struct rsm_session *s, const char *op, const struct rsm_guid *id,
                         uint32_t type, struct rsm_objinfo *out)
{
    if (out && !strcmp(op, "object_get"))
        return get_remote_direct(s->remote, id, type, out);
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

/* ---- library requests (rsm/engine/reqq.c) --------------------------------------------- */

rsm_rc rsm_be_lc_mount_q(struct rsm_session *s, const struct rsm_guid *media,
                         struct rsm_guid *drives, uint32_t n, uint32_t options, int priority,
                         uint32_t timeout_ms, struct rsm_guid *request)
{
    if (s->engine)
        return rsm_lc_mount_ex(s->engine, &s->caller, media, drives, n, options, priority,
                               timeout_ms, request);
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "lc_mount_q",
                         json_pack("{s:o,s:o,s:I,s:I,s:I}", "media", guid_array(media, n),
                                   "drives", guid_array(drives, n), "options",
                                   (json_int_t)options, "priority", (json_int_t)priority,
                                   "timeout_ms", (json_int_t)timeout_ms),
                         &resp, &res);
    if (rc == RSM_OK) {
        json_t *d = json_object_get(res, "drives");
        if (json_array_size(d) != n)
            rc = RSM_E_DB_FAILURE;
        for (uint32_t i = 0; rc == RSM_OK && i < n; i++)
            if (rsm_wire_get_guid(json_array_get(d, i), &drives[i], NULL))
                rc = RSM_E_DB_FAILURE;
        if (rc == RSM_OK && request &&
            rsm_wire_get_guid(json_object_get(res, "request"), request, NULL))
            rc = RSM_E_DB_FAILURE;
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_lc_req_cancel(struct rsm_session *s, const struct rsm_guid *request)
{
    if (s->engine)
        return rsm_lc_request_cancel(s->engine, &s->caller, request);
    return simple(s, "lc_req_cancel", json_pack("{s:o}", "request", rsm_wire_guid(request)));
}

rsm_rc rsm_be_lc_req_delete(struct rsm_session *s, const struct rsm_guid *ids, uint32_t n,
                            uint32_t type)
{
    if (s->engine)
        return rsm_lc_request_delete(s->engine, &s->caller, ids, n, type);
    return simple(s, "lc_req_delete",
                  json_pack("{s:o,s:I}", "ids", guid_array(ids, n), "type", (json_int_t)type));
}

rsm_rc rsm_be_lc_req_order_get(struct rsm_session *s, const struct rsm_guid *request,
                               uint32_t *order)
{
    if (s->engine)
        return rsm_lc_request_order_get(s->engine, &s->caller, request, order);
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "lc_req_order_get",
                         json_pack("{s:o}", "request", rsm_wire_guid(request)), &resp, &res);
    if (rc == RSM_OK) {
        json_t *o = json_object_get(res, "order");
        if (!json_is_integer(o))
            rc = RSM_E_DB_FAILURE;
        else
            *order = (uint32_t)json_integer_value(o);
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_lc_req_order_set(struct rsm_session *s, const struct rsm_guid *request,
                               uint32_t order)
{
    if (s->engine)
        return rsm_lc_request_order_set(s->engine, &s->caller, request, order);
    return simple(s, "lc_req_order_set",
                  json_pack("{s:o,s:I}", "request", rsm_wire_guid(request), "order",
                            (json_int_t)order));
}

/* ---- notifications ------------------------------------------------------------------- */

#define WATCH_BATCH 256 /* events fetched per notify_wait on rsmd */

struct rsm_be_watch {
    struct rsm_session *s;
    _Atomic int cancelled;
    struct rsm_watcher *ew;      /* embedded */
    struct conn *c;              /* rsmd: the channel's own connection */
    uint32_t id;                 /* rsmd: the watcher's number on that connection */
    struct rsm_event buf[WATCH_BATCH];
    uint32_t n, next;            /* events received and not yet handed out */
    struct rsm_be_watch *link;   /* in r->watches, guarded by r->mu */
};

/* r->mu held: hang up every channel of @r (the session is closing). */
static void watches_hang_up(struct rsm_remote *r)
{
    for (struct rsm_be_watch *w = r->watches; w; w = w->link) {
        w->cancelled = 1;
        shutdown(w->c->fd, SHUT_RDWR);
    }
}

rsm_rc rsm_be_watch_open(struct rsm_session *s, uint32_t type, uint32_t queue_cap,
                         struct rsm_be_watch **out)
{
    struct rsm_be_watch *w = calloc(1, sizeof *w);
    if (!w)
        return RSM_E_NOMEM;
    w->s = s;
    rsm_rc rc;
    if (s->engine) {
        rc = rsm_watch_open(s->engine, &s->caller, type, queue_cap, &w->ew);
    } else {
        rc = conn_open(s->remote, &w->c);
        json_t *resp = NULL;
        if (rc == RSM_OK) {
            json_t *args = json_pack("{s:I,s:I}", "type", (json_int_t)type, "queue",
                                     (json_int_t)queue_cap);
            resp = args ? conn_call(w->c, "notify_open", args) : NULL;
            json_decref(args);
            rc = resp ? rsm_wire_get_rc(json_object_get(resp, "rc")) : RSM_E_NOT_CONNECTED;
        }
        if (rc == RSM_OK) {
            json_t *id = json_object_get(json_object_get(resp, "result"), "watch");
            if (!json_is_integer(id))
                rc = RSM_E_NOT_CONNECTED;
            else
                w->id = (uint32_t)json_integer_value(id);
        }
        json_decref(resp);
        if (rc == RSM_OK) {
            pthread_mutex_lock(&s->remote->mu);
            w->link = s->remote->watches;
            s->remote->watches = w;
            if (s->remote->cancelled)
                rc = RSM_E_INVALID_HANDLE; /* the session closed meanwhile */
            pthread_mutex_unlock(&s->remote->mu);
            if (rc != RSM_OK) {
                rsm_be_watch_close(w);
                return rc;
            }
        } else if (w->c) {
            conn_free(w->c);
        }
    }
    if (rc != RSM_OK) {
        free(w);
        return rc;
    }
    *out = w;
    return RSM_OK;
}

static int64_t watch_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Embedded: waits in slices of at most 100 ms so that a cancel or a closed session (flags
 * without a condition variable) ends the wait promptly; events wake it at once. */
static rsm_rc watch_wait_embedded(struct rsm_be_watch *w, struct rsm_event *ev,
                                  uint32_t timeout_ms)
{
    int64_t deadline = timeout_ms == UINT32_MAX ? INT64_MAX : watch_mono_ms() + timeout_ms;
    for (;;) {
        if (w->cancelled || w->s->closed)
            return RSM_E_INVALID_HANDLE;
        int64_t left = deadline - watch_mono_ms();
        uint32_t slice = left <= 0 ? 0 : left > 100 ? 100 : (uint32_t)left;
        uint32_t n = 0;
        rsm_rc rc = rsm_watch_wait(w->ew, ev, 1, &n, slice, NULL);
        if (rc != RSM_E_TIMEOUT || left <= 100)
            return rc;
    }
}

/* rsmd: one notify_wait exchange on the channel's connection fills the batch. */
static rsm_rc watch_fetch(struct rsm_be_watch *w, uint32_t timeout_ms)
{
    json_t *args = json_pack("{s:I,s:I,s:I}", "watch", (json_int_t)w->id, "timeout_ms",
                             (json_int_t)timeout_ms, "max", (json_int_t)WATCH_BATCH);
    json_t *resp = args ? conn_call(w->c, "notify_wait", args) : NULL;
    json_decref(args);
    if (!resp)
        return w->cancelled ? RSM_E_INVALID_HANDLE : RSM_E_NOT_CONNECTED;
    rsm_rc rc = rsm_wire_get_rc(json_object_get(resp, "rc"));
    json_t *list = json_object_get(json_object_get(resp, "result"), "events");
    if (rc == RSM_OK) {
        size_t i;
        json_t *v;
        w->n = w->next = 0;
        json_array_foreach(list, i, v)
        {
            if (w->n == WATCH_BATCH)
                break;
            struct rsm_event *e = &w->buf[w->n];
            int present = 0;
            if (!json_is_array(v) || json_array_size(v) != 4 ||
                rsm_wire_get_guid(json_array_get(v, 2), &e->id, &present) || !present) {
                rc = RSM_E_NOT_CONNECTED; /* a daemon we do not understand */
                break;
            }
            e->type = (uint32_t)json_integer_value(json_array_get(v, 0));
            e->op = (uint32_t)json_integer_value(json_array_get(v, 1));
            e->commit_ns = json_integer_value(json_array_get(v, 3));
            w->n++;
        }
        if (rc == RSM_OK && w->n == 0)
            rc = RSM_E_NOT_CONNECTED;
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_watch_wait(struct rsm_be_watch *w, struct rsm_event *ev, uint32_t timeout_ms)
{
    if (w->cancelled)
        return RSM_E_INVALID_HANDLE;
    if (w->ew)
        return watch_wait_embedded(w, ev, timeout_ms);
    if (w->next == w->n) {
        rsm_rc rc = watch_fetch(w, timeout_ms);
        if (rc != RSM_OK)
            return rc;
    }
    *ev = w->buf[w->next++];
    return RSM_OK;
}

void rsm_be_watch_cancel(struct rsm_be_watch *w)
{
    w->cancelled = 1;
    if (w->c)
        shutdown(w->c->fd, SHUT_RDWR); /* wakes a recv(); rsmd sees the hang-up */
}

void rsm_be_watch_close(struct rsm_be_watch *w)
{
    if (!w)
        return;
    if (w->ew)
        rsm_watch_close(w->ew);
    if (w->c) {
        struct rsm_remote *r = w->s->remote;
        pthread_mutex_lock(&r->mu);
        for (struct rsm_be_watch **p = &r->watches; *p; p = &(*p)->link)
            if (*p == w) {
                *p = w->link;
                break;
            }
        pthread_mutex_unlock(&r->mu);
        conn_free(w->c); /* rsmd closes the watcher with the connection */
    }
    free(w);
}

/* ---- operator requests --------------------------------------------------------------- */

rsm_rc rsm_be_opreq_submit(struct rsm_session *s, uint32_t request, const char *message,
                           const struct rsm_guid *arg1, const struct rsm_guid *arg2,
                           struct rsm_guid *out)
{
    if (s->engine)
        return rsm_opreq_submit(s->engine, &s->caller, request, message, arg1, arg2, out);
    json_t *resp, *result;
    rsm_rc rc = exchange(s->remote, "opreq_submit",
                         json_pack("{s:I,s:s,s:o,s:o}", "request", (json_int_t)request,
                                   "message", message ? message : "", "arg1",
                                   arg1 ? rsm_wire_guid(arg1) : json_null(), "arg2",
                                   arg2 ? rsm_wire_guid(arg2) : json_null()),
                         &resp, &result);
    int present = 0;
    if (rc == RSM_OK &&
        (rsm_wire_get_guid(json_object_get(result, "id"), out, &present) || !present))
        rc = RSM_E_NOT_CONNECTED;
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_opreq_satisfy(struct rsm_session *s, const struct rsm_guid *id)
{
    if (s->engine)
        return rsm_opreq_satisfy(s->engine, &s->caller, id);
    return simple(s, "opreq_satisfy", json_pack("{s:o}", "id", rsm_wire_guid(id)));
}

rsm_rc rsm_be_opreq_cancel(struct rsm_session *s, const struct rsm_guid *id)
{
    if (s->engine)
        return rsm_opreq_cancel(s->engine, &s->caller, id);
    return simple(s, "opreq_cancel", json_pack("{s:o}", "id", rsm_wire_guid(id)));
}

rsm_rc rsm_be_opreq_wait(struct rsm_session *s, const struct rsm_guid *id, uint32_t timeout_ms)
{
    if (s->engine)
        return rsm_opreq_wait(s->engine, &s->caller, id, timeout_ms);
    return simple(s, "opreq_wait",
                  json_pack("{s:o,s:I}", "id", rsm_wire_guid(id), "timeout_ms",
                            (json_int_t)timeout_ms));
}

/* ---- import/export, cleaning, change detection ----------------------------------------- */

/* A GUID or null, for the optional arguments. */
static json_t *opt_guid(const struct rsm_guid *g)
{
    return g ? rsm_wire_guid(g) : json_null();
}

/* exchange() for the calls that return an operation GUID in "op": *@op is updated only on
 * success, and a success without one is a broken daemon, not a success. */
static rsm_rc with_op(struct rsm_session *s, const char *name, json_t *args, struct rsm_guid *op)
{
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, name, args, &resp, &res);
    struct rsm_guid g;
    int present = 0;
    if (rc == RSM_OK) {
        if (rsm_wire_get_guid(json_object_get(res, "op"), &g, &present) || !present)
            rc = RSM_E_NOT_CONNECTED;
        else if (op)
            *op = g;
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_ie_inject(struct rsm_session *s, const struct rsm_guid *library,
                        struct rsm_guid *op, uint32_t action)
{
    if (s->engine)
        return rsm_ie_inject(s->engine, &s->caller, library, op, action);
    if (!library || !op)
        return RSM_E_INVALID_PARAMETER;
    return with_op(s, "ie_inject",
                   json_pack("{s:o,s:o,s:I}", "library", rsm_wire_guid(library), "op",
                             rsm_wire_guid(op), "action", (json_int_t)action),
                   op);
}

rsm_rc rsm_be_ie_eject(struct rsm_session *s, const struct rsm_guid *medium, struct rsm_guid *op,
                       uint32_t action)
{
    if (s->engine)
        return rsm_ie_eject(s->engine, &s->caller, medium, op, action);
    return with_op(s, "ie_eject",
                   json_pack("{s:o,s:o,s:I}", "medium", opt_guid(medium), "op", opt_guid(op),
                             "action", (json_int_t)action),
                   op);
}

rsm_rc rsm_be_ie_door(struct rsm_session *s, const struct rsm_guid *library, uint32_t action)
{
    if (s->engine)
        return rsm_ie_door(s->engine, &s->caller, library, action);
    return simple(s, "ie_door",
                  json_pack("{s:o,s:I}", "library", rsm_wire_guid(library), "action",
                            (json_int_t)action));
}

rsm_rc rsm_be_ie_identify_slot(struct rsm_session *s, const struct rsm_guid *slot,
                               uint32_t option)
{
    if (s->engine)
        return rsm_ie_identify_slot(s->engine, &s->caller, slot, option);
    return simple(s, "ie_identify_slot",
                  json_pack("{s:o,s:I}", "slot", rsm_wire_guid(slot), "option",
                            (json_int_t)option));
}

rsm_rc rsm_be_ie_delete_drive(struct rsm_session *s, const struct rsm_guid *drive)
{
    if (s->engine)
        return rsm_ie_delete_drive(s->engine, &s->caller, drive);
    return simple(s, "ie_delete_drive", json_pack("{s:o}", "drive", rsm_wire_guid(drive)));
}

rsm_rc rsm_be_ie_delete_library(struct rsm_session *s, const struct rsm_guid *library)
{
    if (s->engine)
        return rsm_ie_delete_library(s->engine, &s->caller, library);
    return simple(s, "ie_delete_library", json_pack("{s:o}", "library", rsm_wire_guid(library)));
}

rsm_rc rsm_be_ie_ui_get(struct rsm_session *s, const struct rsm_guid *object, uint32_t type,
                        char **out, size_t *len)
{
    if (s->engine)
        return rsm_ie_ui_get(s->engine, &s->caller, object, type, out, len);
    *out = NULL;
    *len = 0;
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "ie_ui_get",
                         json_pack("{s:o,s:I}", "object", rsm_wire_guid(object), "type",
                                   (json_int_t)type),
                         &resp, &res);
    /* The names travel as an array of strings; rebuilt here NUL-separated. */
    json_t *names = json_object_get(res, "names");
    if (rc == RSM_OK && !json_is_array(names))
        rc = RSM_E_NOT_CONNECTED;
    size_t total = 0, i;
    json_t *v;
    json_array_foreach(names, i, v)
    {
        if (rc == RSM_OK && !json_is_string(v))
            rc = RSM_E_NOT_CONNECTED;
        total += json_string_length(v) + 1;
    }
    char *buf = rc == RSM_OK && total ? malloc(total) : NULL;
    if (rc == RSM_OK && total && !buf)
        rc = RSM_E_NOMEM;
    if (rc == RSM_OK && buf) {
        size_t off = 0;
        json_array_foreach(names, i, v)
        {
            size_t l = json_string_length(v);
            memcpy(buf + off, json_string_value(v), l);
            buf[off + l] = 0;
            off += l + 1;
        }
        *out = buf;
        *len = total;
    }
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_ie_ui_set(struct rsm_session *s, const struct rsm_guid *object, uint32_t type,
                        uint32_t op, const char *dest)
{
    if (s->engine)
        return rsm_ie_ui_set(s->engine, &s->caller, object, type, op, dest);
    return simple(s, "ie_ui_set",
                  json_pack("{s:o,s:I,s:I,s:o}", "object", rsm_wire_guid(object), "type",
                            (json_int_t)type, "uiop", (json_int_t)op, "dest",
                            dest ? json_string(dest) : json_null()));
}

rsm_rc rsm_be_clean_drive(struct rsm_session *s, const struct rsm_guid *drive)
{
    if (s->engine)
        return rsm_clean_drive(s->engine, &s->caller, drive);
    return simple(s, "clean_drive", json_pack("{s:o}", "drive", rsm_wire_guid(drive)));
}

rsm_rc rsm_be_clean_reserve_slot(struct rsm_session *s, const struct rsm_guid *library,
                                 const struct rsm_guid *slot)
{
    if (s->engine)
        return rsm_clean_reserve_slot(s->engine, &s->caller, library, slot);
    return simple(s, "clean_reserve_slot",
                  json_pack("{s:o,s:o}", "library", rsm_wire_guid(library), "slot",
                            rsm_wire_guid(slot)));
}

rsm_rc rsm_be_clean_release_slot(struct rsm_session *s, const struct rsm_guid *library)
{
    if (s->engine)
        return rsm_clean_release_slot(s->engine, &s->caller, library);
    return simple(s, "clean_release_slot", json_pack("{s:o}", "library", rsm_wire_guid(library)));
}

rsm_rc rsm_be_clean_inject(struct rsm_session *s, const struct rsm_guid *library,
                           struct rsm_guid *op, uint32_t uses_left, uint32_t action)
{
    if (s->engine)
        return rsm_clean_inject(s->engine, &s->caller, library, op, uses_left, action);
    if (!library || !op)
        return RSM_E_INVALID_PARAMETER;
    return with_op(s, "clean_inject",
                   json_pack("{s:o,s:o,s:I,s:I}", "library", rsm_wire_guid(library), "op",
                             rsm_wire_guid(op), "uses_left", (json_int_t)uses_left, "action",
                             (json_int_t)action),
                   op);
}

rsm_rc rsm_be_clean_eject(struct rsm_session *s, const struct rsm_guid *library,
                          struct rsm_guid *op, uint32_t action)
{
    if (s->engine)
        return rsm_clean_eject(s->engine, &s->caller, library, op, action);
    if (!library || !op)
        return RSM_E_INVALID_PARAMETER;
    return with_op(s, "clean_eject",
                   json_pack("{s:o,s:o,s:I}", "library", rsm_wire_guid(library), "op",
                             rsm_wire_guid(op), "action", (json_int_t)action),
                   op);
}

rsm_rc rsm_be_detect_begin(struct rsm_session *s, uint64_t *handle)
{
    if (s->engine)
        return rsm_detect_begin(s->engine, handle);
    if (!handle)
        return RSM_E_INVALID_PARAMETER;
    json_t *resp, *res;
    rsm_rc rc = exchange(s->remote, "detect_begin", NULL, &resp, &res);
    json_t *h = json_object_get(res, "handle");
    if (rc == RSM_OK && (!json_is_integer(h) || json_integer_value(h) <= 0))
        rc = RSM_E_NOT_CONNECTED;
    if (rc == RSM_OK)
        *handle = (uint64_t)json_integer_value(h);
    json_decref(resp);
    return rc;
}

rsm_rc rsm_be_detect_set(struct rsm_session *s, uint64_t handle, const struct rsm_guid *ids,
                         uint32_t type, uint32_t n)
{
    if (s->engine)
        return rsm_detect_set(s->engine, &s->caller, handle, ids, type, n);
    if (handle > INT64_MAX)
        return RSM_E_INVALID_HANDLE; /* the daemon never hands out such a handle */
    if (!ids)
        return RSM_E_INVALID_PARAMETER;
    return simple(s, "detect_set",
                  json_pack("{s:I,s:o,s:I}", "handle", (json_int_t)handle, "ids",
                            guid_array(ids, n), "type", (json_int_t)type));
}

rsm_rc rsm_be_detect_end(struct rsm_session *s, uint64_t handle)
{
    if (s->engine)
        return rsm_detect_end(s->engine, handle);
    if (handle > INT64_MAX)
        return RSM_E_INVALID_HANDLE;
    return simple(s, "detect_end", json_pack("{s:I}", "handle", (json_int_t)handle));
}
