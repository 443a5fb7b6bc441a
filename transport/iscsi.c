/* SPDX-License-Identifier: MIT
 * transport/iscsi.c - iscsi://HOST[:PORT]/IQN/LUN through libiscsi's synchronous API.
 *
 * One iSCSI session per transport (so two transports are two I_T nexuses, which is what
 * reservation and unit-attention tests need). Credentials for CHAP come from the URI as
 * libiscsi parses them (iscsi://USER%PASSWORD@HOST/...). The initiator name is
 * $OPENRSM_INITIATOR, else iqn.2026-11.org.openrsm:initiator.
 */
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>
#include <string.h>

#include "transport/internal.h"

struct iscsi_priv {
    struct iscsi_context *ctx;
    int lun;
    unsigned timeout_s;   /* the timeout currently set on ctx */
};

static enum xport_rc iscsi_open(struct xport *xp, const char *rest, char *err, size_t err_cap)
{
    (void)rest;
    const char *initiator = getenv("OPENRSM_INITIATOR");
    if (!initiator || !*initiator)
        initiator = "iqn.2026-11.org.openrsm:initiator";
    struct iscsi_priv *p = calloc(1, sizeof *p);
    if (!p)
        return XPORT_E_NOMEM;
    p->ctx = iscsi_create_context(initiator);
    if (!p->ctx) {
        free(p);
        snprintf(err, err_cap, "cannot create an iSCSI context");
        return XPORT_E_NOMEM;
    }
    /* libiscsi draws the ISID from rand(), unseeded: the first session of every process
     * would carry the same initiator name and ISID, and a target treats a second such
     * login as the first one coming back (session reinstatement), dropping the session
     * another process still uses. A random ISID per connection keeps them apart. */
    uint32_t rnd;
    if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        rnd = (uint32_t)getpid() ^ (uint32_t)(uintptr_t)p;
    iscsi_set_isid_random(p->ctx, rnd & 0xFFFFFF, 0);
    struct iscsi_url *url = iscsi_parse_full_url(p->ctx, xp->uri);
    if (!url) {
        snprintf(err, err_cap, "bad iSCSI URI: %s (want iscsi://HOST[:PORT]/IQN/LUN)",
                 iscsi_get_error(p->ctx));
        iscsi_destroy_context(p->ctx);
        free(p);
        return XPORT_E_URI;
    }
    iscsi_set_targetname(p->ctx, url->target);
    iscsi_set_session_type(p->ctx, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(p->ctx, ISCSI_HEADER_DIGEST_NONE_CRC32C);
    if (url->user[0])
        iscsi_set_initiator_username_pwd(p->ctx, url->user, url->passwd);
    p->lun = url->lun;
    /* A lost connection is reported to the caller, never retried behind its back: a new
     * session would swallow the unit attentions RSM relies on, and retrying forever
     * against a dead target would hang whoever closes the transport. */
    iscsi_set_noautoreconnect(p->ctx, 1);
    p->timeout_s = 60;
    iscsi_set_timeout(p->ctx, (int)p->timeout_s);
    if (iscsi_full_connect_sync(p->ctx, url->portal, url->lun) != 0) {
        snprintf(err, err_cap, "cannot log in to %s: %s", url->portal, iscsi_get_error(p->ctx));
        iscsi_destroy_url(url);
        iscsi_destroy_context(p->ctx);
        free(p);
        return XPORT_E_OPEN;
    }
    iscsi_destroy_url(url);
    xp->priv = p;
    return XPORT_OK;
}

static enum xport_rc iscsi_exec(struct xport *xp, struct xport_cmd *cmd)
{
    struct iscsi_priv *p = xp->priv;
    unsigned timeout_ms = cmd->timeout_ms ? cmd->timeout_ms : XPORT_DEFAULT_TIMEOUT_MS;
    unsigned timeout_s = (timeout_ms + 999) / 1000;
    if (timeout_s != p->timeout_s) {
        iscsi_set_timeout(p->ctx, (int)timeout_s);
        p->timeout_s = timeout_s;
    }
    int dir = cmd->dir == XPORT_DIR_IN    ? SCSI_XFER_READ
              : cmd->dir == XPORT_DIR_OUT ? SCSI_XFER_WRITE
                                          : SCSI_XFER_NONE;
    uint8_t cdb[XPORT_CDB_MAX];
    memcpy(cdb, cmd->cdb, cmd->cdb_len);
    struct scsi_task *task = scsi_create_task((int)cmd->cdb_len, cdb, dir,
                                              cmd->dir == XPORT_DIR_NONE ? 0 : (int)cmd->buf_len);
    if (!task)
        return XPORT_E_NOMEM;
    /* Data-In lands straight in the caller's buffer; no copy. */
    if (cmd->dir == XPORT_DIR_IN && cmd->buf_len)
        scsi_task_add_data_in_buffer(task, (int)cmd->buf_len, cmd->buf);
    struct iscsi_data out = {.size = cmd->dir == XPORT_DIR_OUT ? cmd->buf_len : 0,
                             .data = cmd->dir == XPORT_DIR_OUT ? cmd->buf : NULL};
    struct scsi_task *done =
        iscsi_scsi_command_sync(p->ctx, p->lun, task, out.size ? &out : NULL);
    if (!done) {
        xport_set_error(xp, "iSCSI: %s", iscsi_get_error(p->ctx));
        scsi_free_scsi_task(task);
        return strstr(iscsi_get_error(p->ctx), "imeout") ? XPORT_E_TIMEOUT : XPORT_E_IO;
    }
    if (task->status == SCSI_STATUS_ERROR || task->status == SCSI_STATUS_CANCELLED ||
        task->status == SCSI_STATUS_TIMEOUT) {
        xport_set_error(xp, "iSCSI: %s", iscsi_get_error(p->ctx));
        enum xport_rc rc = task->status == SCSI_STATUS_TIMEOUT ? XPORT_E_TIMEOUT : XPORT_E_IO;
        scsi_free_scsi_task(task);
        return rc;
    }
    cmd->status = (uint8_t)task->status;
    if (cmd->status == SCSI_STATUS_CHECK_CONDITION) {
        /* libiscsi keeps the Response's data segment: a 2-byte SENSE LENGTH, then sense. */
        if (task->datain.size >= 2 && task->datain.data) {
            size_t slen = (size_t)task->datain.data[0] << 8 | task->datain.data[1];
            if (slen > (size_t)task->datain.size - 2)
                slen = (size_t)task->datain.size - 2;
            if (slen > XPORT_SENSE_MAX)
                slen = XPORT_SENSE_MAX;
            memcpy(cmd->sense, task->datain.data + 2, slen);
            cmd->sense_len = slen;
        }
    } else if (cmd->dir != XPORT_DIR_NONE) {
        size_t expected = cmd->buf_len;
        if (task->residual_status == SCSI_RESIDUAL_UNDERFLOW && task->residual <= expected)
            cmd->xfer_len = expected - task->residual;
        else
            cmd->xfer_len = expected;
    }
    scsi_free_scsi_task(task);
    return XPORT_OK;
}

static void iscsi_close(struct xport *xp)
{
    struct iscsi_priv *p = xp->priv;
    if (!p)
        return;
    iscsi_set_timeout(p->ctx, 2);   /* a target that is gone must not hold up the close */
    iscsi_logout_sync(p->ctx);
    iscsi_destroy_context(p->ctx);
    free(p);
}

const struct xport_ops xport_iscsi_ops = {"iscsi", iscsi_open, iscsi_exec, iscsi_close};
