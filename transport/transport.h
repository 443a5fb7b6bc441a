/* SPDX-License-Identifier: MIT
 * transport/transport.h - one interface to send a SCSI command to a device.
 *
 * RSM's device drivers, the conformance harness and the scenario runner talk to changers
 * and drives only through this: a CDB with a data direction, a buffer and a timeout in;
 * SAM status, the bytes transferred and sense data out. A transport is opened from a
 * device URI, one syntax everywhere:
 *
 *   sim:CONFIG.yaml[?lun=N]     libvtl in this process ("sim:" or "sim:default" is the
 *                               default library); every URI naming the same config shares
 *                               one library, so a changer and its drives agree;
 *                               &mutant=ID,... (or ?mutant=) adds deliberate misbehaviours
 *                               (sim/core/mutant.h), a separate library per mutant list
 *   iscsi://HOST[:PORT]/IQN/LUN an iSCSI target, through libiscsi (vtld, tgt, hardware)
 *   sg:/dev/sgN                 a Linux SCSI generic device, through SG_IO
 *
 * A transport reports how the command travelled, not what the device thought of it: a
 * CHECK CONDITION is a successful xport_exec() with status 02h and sense filled in.
 *
 * Threads: a transport is used by one thread at a time; different transports may be used
 * from different threads (sim: ones sharing a library serialise on its lock).
 */
#ifndef OPENRSM_TRANSPORT_TRANSPORT_H
#define OPENRSM_TRANSPORT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum xport_rc {
    XPORT_OK = 0,
    XPORT_E_URI,          /* the URI is malformed or names an unknown scheme */
    XPORT_E_OPEN,         /* the device could not be opened or connected */
    XPORT_E_IO,           /* the command could not be delivered or its answer read */
    XPORT_E_TIMEOUT,      /* no answer within the command's timeout */
    XPORT_E_NOMEM,
    XPORT_E_INVAL,        /* bad arguments (CDB too long, buffer missing, ...) */
    XPORT_E_UNSUPPORTED,  /* the scheme is not available in this build or on this host */
};

enum xport_dir {
    XPORT_DIR_NONE = 0,
    XPORT_DIR_IN = 1,     /* device to host (READ, INQUIRY ...) */
    XPORT_DIR_OUT = 2,    /* host to device (WRITE, MODE SELECT ...) */
};

#define XPORT_CDB_MAX 16
#define XPORT_SENSE_MAX 252

/* One command. The caller owns every buffer. */
struct xport_cmd {
    /* in */
    const uint8_t *cdb;
    size_t cdb_len;           /* 6..16 */
    enum xport_dir dir;
    void *buf;                /* IN: room for buf_len bytes; OUT: buf_len bytes to send */
    size_t buf_len;
    unsigned timeout_ms;      /* 0: the transport's default (60 s) */
    /* out, valid when xport_exec() returns XPORT_OK */
    uint8_t status;           /* SAM status: 00h GOOD, 02h CHECK CONDITION, 18h ... */
    size_t xfer_len;          /* bytes actually transferred */
    uint8_t sense[XPORT_SENSE_MAX];
    size_t sense_len;
};

struct xport;

/* Opens @uri. On success *@out is owned (xport_close()). On failure *@out is NULL and
 * @err (if not NULL) gets a one-line reason. */
enum xport_rc xport_open(const char *uri, struct xport **out, char *err, size_t err_cap);

/* Sends @cmd and waits for its completion. */
enum xport_rc xport_exec(struct xport *xp, struct xport_cmd *cmd);

/* The URI it was opened with (borrowed, valid until close). */
const char *xport_uri(const struct xport *xp);

/* The last transport-level error as text (borrowed; "" if none). */
const char *xport_error(const struct xport *xp);

void xport_close(struct xport *xp);

const char *xport_rc_name(enum xport_rc rc);

/* sim: with a library its owner built (the scenario runner builds one per scenario from
 * its own YAML): from xport_sim_attach() on, "sim:@name" (any ?lun=) reaches @sys instead
 * of a library built from a file of that name. @sys stays the owner's: detach it (after
 * every transport on it is closed) before vtl_system_close(). XPORT_E_INVAL if @name is
 * already in use. */
struct vtl_system;
enum xport_rc xport_sim_attach(const char *name, struct vtl_system *sys);
void xport_sim_detach(const char *name);
/* Holds (@hold true) or releases the lock every sim: command runs under, so the owner of
 * an attached library can act on it directly (faults, its own commands) while threads
 * of RSM's request queue may be sending commands through transport/. Not recursive:
 * release it before calling anything that uses a sim: transport. */
void xport_sim_serialise(bool hold);

#ifdef __cplusplus
}
#endif

#endif
