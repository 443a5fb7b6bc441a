/* SPDX-License-Identifier: MIT
 * transport/internal.h - what each transport scheme provides to transport.c. */
#ifndef OPENRSM_TRANSPORT_INTERNAL_H
#define OPENRSM_TRANSPORT_INTERNAL_H

#include <stdio.h>

#include "transport/transport.h"

#define XPORT_DEFAULT_TIMEOUT_MS 60000u

struct xport_ops {
    const char *scheme;   /* "sim", "iscsi", "sg" */
    /* Opens @rest (the URI after "scheme:") into xp->priv; @err gets the reason. */
    enum xport_rc (*open)(struct xport *xp, const char *rest, char *err, size_t err_cap);
    enum xport_rc (*exec)(struct xport *xp, struct xport_cmd *cmd);
    void (*close)(struct xport *xp);
};

struct xport {
    const struct xport_ops *ops;
    char *uri;
    char error[256];
    void *priv;
};

extern const struct xport_ops xport_sim_ops;
extern const struct xport_ops xport_iscsi_ops;
extern const struct xport_ops xport_sg_ops;

/* Records a transport error on @xp (shown by xport_error()). */
void xport_set_error(struct xport *xp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
