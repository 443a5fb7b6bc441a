/* SPDX-License-Identifier: MIT
 * transport/transport.c - URI dispatch and argument checks common to every scheme.
 * Contract in transport.h. */
#include "transport/transport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/internal.h"

static const struct xport_ops *const schemes[] = {&xport_sim_ops, &xport_iscsi_ops, &xport_sg_ops};

void xport_set_error(struct xport *xp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(xp->error, sizeof xp->error, fmt, ap);
    va_end(ap);
}

static void put_err(char *err, size_t cap, const char *msg)
{
    if (err && cap)
        snprintf(err, cap, "%s", msg);
}

enum xport_rc xport_open(const char *uri, struct xport **out, char *err, size_t err_cap)
{
    *out = NULL;
    if (!uri) {
        put_err(err, err_cap, "no device URI");
        return XPORT_E_URI;
    }
    const char *colon = strchr(uri, ':');
    if (!colon || colon == uri) {
        put_err(err, err_cap, "device URI needs a scheme: sim:, iscsi:// or sg:");
        return XPORT_E_URI;
    }
    size_t slen = (size_t)(colon - uri);
    const struct xport_ops *ops = NULL;
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (strlen(schemes[i]->scheme) == slen && strncmp(schemes[i]->scheme, uri, slen) == 0)
            ops = schemes[i];
    if (!ops) {
        if (err && err_cap)
            snprintf(err, err_cap, "unknown scheme '%.*s' (use sim:, iscsi:// or sg:)", (int)slen,
                     uri);
        return XPORT_E_URI;
    }
    struct xport *xp = calloc(1, sizeof *xp);
    if (!xp || !(xp->uri = strdup(uri))) {
        free(xp);
        put_err(err, err_cap, "out of memory");
        return XPORT_E_NOMEM;
    }
    xp->ops = ops;
    enum xport_rc rc = ops->open(xp, colon + 1, err, err_cap);
    if (rc != XPORT_OK) {
        free(xp->uri);
        free(xp);
        return rc;
    }
    *out = xp;
    return XPORT_OK;
}

enum xport_rc xport_exec(struct xport *xp, struct xport_cmd *cmd)
{
    if (!cmd->cdb || cmd->cdb_len < 6 || cmd->cdb_len > XPORT_CDB_MAX ||
        (cmd->dir != XPORT_DIR_NONE && !cmd->buf && cmd->buf_len) || cmd->dir > XPORT_DIR_OUT) {
        xport_set_error(xp, "bad command: CDB of %zu bytes, direction %d", cmd->cdb_len,
                        (int)cmd->dir);
        return XPORT_E_INVAL;
    }
    cmd->status = 0;
    cmd->xfer_len = 0;
    cmd->sense_len = 0;
    xp->error[0] = '\0';
    return xp->ops->exec(xp, cmd);
}

const char *xport_uri(const struct xport *xp)
{
    return xp->uri;
}

const char *xport_error(const struct xport *xp)
{
    return xp->error;
}

void xport_close(struct xport *xp)
{
    if (!xp)
        return;
    xp->ops->close(xp);
    free(xp->uri);
    free(xp);
}

const char *xport_rc_name(enum xport_rc rc)
{
    switch (rc) {
    case XPORT_OK: return "XPORT_OK";
    case XPORT_E_URI: return "XPORT_E_URI";
    case XPORT_E_OPEN: return "XPORT_E_OPEN";
    case XPORT_E_IO: return "XPORT_E_IO";
    case XPORT_E_TIMEOUT: return "XPORT_E_TIMEOUT";
    case XPORT_E_NOMEM: return "XPORT_E_NOMEM";
    case XPORT_E_INVAL: return "XPORT_E_INVAL";
    case XPORT_E_UNSUPPORTED: return "XPORT_E_UNSUPPORTED";
    }
    return "XPORT_E_?";
}
