/* SPDX-License-Identifier: MIT
 * transport/sg.c - sg:/dev/sgN through the Linux SG_IO ioctl (sg v3 interface).
 *
 * This is how real hardware is reached; it works wherever the kernel has a SCSI layer
 * (the QEMU guest suite exercises it). Opening needs read/write access to the node.
 */
#include <errno.h>
#include <fcntl.h>
#include <scsi/sg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport/internal.h"

struct sg_priv {
    int fd;
};

static enum xport_rc sg_open(struct xport *xp, const char *rest, char *err, size_t err_cap)
{
    if (rest[0] != '/') {
        snprintf(err, err_cap, "sg: needs an absolute device path, e.g. sg:/dev/sg1");
        return XPORT_E_URI;
    }
    int fd = open(rest, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_cap, "%s: %s", rest, strerror(errno));
        return XPORT_E_OPEN;
    }
    int version = 0;
    if (ioctl(fd, SG_GET_VERSION_NUM, &version) < 0 || version < 30000) {
        snprintf(err, err_cap, "%s is not a SCSI generic (sg v3) device", rest);
        close(fd);
        return XPORT_E_OPEN;
    }
    /* Blocking from here on: SG_IO waits for completion itself. */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    struct sg_priv *p = calloc(1, sizeof *p);
    if (!p) {
        close(fd);
        return XPORT_E_NOMEM;
    }
    p->fd = fd;
    xp->priv = p;
    return XPORT_OK;
}

static enum xport_rc sg_exec(struct xport *xp, struct xport_cmd *cmd)
{
    struct sg_priv *p = xp->priv;
    uint8_t cdb[XPORT_CDB_MAX];
    memcpy(cdb, cmd->cdb, cmd->cdb_len);
    struct sg_io_hdr io = {
        .interface_id = 'S',
        .cmd_len = (unsigned char)cmd->cdb_len,
        .cmdp = cdb,
        .dxfer_direction = cmd->dir == XPORT_DIR_IN    ? SG_DXFER_FROM_DEV
                           : cmd->dir == XPORT_DIR_OUT ? SG_DXFER_TO_DEV
                                                       : SG_DXFER_NONE,
        .dxferp = cmd->buf,
        .dxfer_len = (unsigned)(cmd->dir == XPORT_DIR_NONE ? 0 : cmd->buf_len),
        .sbp = cmd->sense,
        .mx_sb_len = (unsigned char)(sizeof cmd->sense > 255 ? 255 : sizeof cmd->sense),
        .timeout = cmd->timeout_ms ? cmd->timeout_ms : XPORT_DEFAULT_TIMEOUT_MS,
    };
    if (ioctl(p->fd, SG_IO, &io) < 0) {
        xport_set_error(xp, "SG_IO: %s", strerror(errno));
        return XPORT_E_IO;
    }
    /* Host or driver trouble (no device, timeout) is the transport's failure. The kernel
     * sets DRIVER_SENSE (08h) whenever sense came back: that is the device speaking, so
     * only the low three bits (DRIVER_BUSY .. DRIVER_HARD) count. */
    if (io.host_status != 0 || (io.driver_status & 0x07) != 0) {
        xport_set_error(xp, "SG_IO: host status %u, driver status %u", io.host_status,
                        io.driver_status);
        return io.host_status == 3 /* DID_TIME_OUT */ ? XPORT_E_TIMEOUT : XPORT_E_IO;
    }
    cmd->status = io.status;
    cmd->sense_len = io.sb_len_wr;
    if (cmd->dir != XPORT_DIR_NONE)
        cmd->xfer_len = io.resid > 0 && (size_t)io.resid <= cmd->buf_len
                            ? cmd->buf_len - (size_t)io.resid
                            : cmd->buf_len;
    return XPORT_OK;
}

static void sg_close(struct xport *xp)
{
    struct sg_priv *p = xp->priv;
    if (!p)
        return;
    close(p->fd);
    free(p);
}

const struct xport_ops xport_sg_ops = {"sg", sg_open, sg_exec, sg_close};
