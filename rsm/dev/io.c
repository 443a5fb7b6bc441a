/* SPDX-License-Identifier: MIT
 * rsm/dev/io.c - one command with the shared retry, timeout and sense rules (io.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rsm/dev/io.h"
#include "scsi/rsoc.h"
#include "scsi/sense.h"
#include "scsi/vpd.h"

#define DEF_UA_RETRIES   10     /* Linux st retries a UNIT ATTENTION up to 10 times */
#define DEF_READY_BUDGET 300000 /* PBS waits 5 minutes for 04/01 */
#define DEF_READY_POLL   1000   /* st polls a not-ready drive once a second */
#define FIRST_POLL_MS    10     /* a simulator or a fast changer is ready in milliseconds */
#define BUSY_RETRIES     5

const char *rsm_dev_rc_name(enum rsm_dev_rc rc)
{
    static const char *const names[] = {
        [RSM_DEV_OK] = "RSM_DEV_OK",
        [RSM_DEV_E_INVAL] = "RSM_DEV_E_INVAL",
        [RSM_DEV_E_NOMEM] = "RSM_DEV_E_NOMEM",
        [RSM_DEV_E_TRANSPORT] = "RSM_DEV_E_TRANSPORT",
        [RSM_DEV_E_TIMEOUT] = "RSM_DEV_E_TIMEOUT",
        [RSM_DEV_E_WRONG_TYPE] = "RSM_DEV_E_WRONG_TYPE",
        [RSM_DEV_E_PROTOCOL] = "RSM_DEV_E_PROTOCOL",
        [RSM_DEV_E_NOT_READY] = "RSM_DEV_E_NOT_READY",
        [RSM_DEV_E_BECOMING_READY] = "RSM_DEV_E_BECOMING_READY",
        [RSM_DEV_E_DOOR_OPEN] = "RSM_DEV_E_DOOR_OPEN",
        [RSM_DEV_E_NO_MEDIUM] = "RSM_DEV_E_NO_MEDIUM",
        [RSM_DEV_E_UNIT_ATTENTION] = "RSM_DEV_E_UNIT_ATTENTION",
        [RSM_DEV_E_SRC_EMPTY] = "RSM_DEV_E_SRC_EMPTY",
        [RSM_DEV_E_DST_FULL] = "RSM_DEV_E_DST_FULL",
        [RSM_DEV_E_PREVENTED] = "RSM_DEV_E_PREVENTED",
        [RSM_DEV_E_BAD_ADDR] = "RSM_DEV_E_BAD_ADDR",
        [RSM_DEV_E_INCOMPATIBLE] = "RSM_DEV_E_INCOMPATIBLE",
        [RSM_DEV_E_UNSUPPORTED] = "RSM_DEV_E_UNSUPPORTED",
        [RSM_DEV_E_ILLEGAL] = "RSM_DEV_E_ILLEGAL",
        [RSM_DEV_E_HARDWARE] = "RSM_DEV_E_HARDWARE",
        [RSM_DEV_E_MEDIUM] = "RSM_DEV_E_MEDIUM",
        [RSM_DEV_E_WRITE_PROTECT] = "RSM_DEV_E_WRITE_PROTECT",
        [RSM_DEV_E_BLANK] = "RSM_DEV_E_BLANK",
        [RSM_DEV_E_FILEMARK] = "RSM_DEV_E_FILEMARK",
        [RSM_DEV_E_EOM] = "RSM_DEV_E_EOM",
        [RSM_DEV_E_ABORTED] = "RSM_DEV_E_ABORTED",
        [RSM_DEV_E_CONFLICT] = "RSM_DEV_E_CONFLICT",
        [RSM_DEV_E_BUSY] = "RSM_DEV_E_BUSY",
        [RSM_DEV_E_CHECK] = "RSM_DEV_E_CHECK",
        [RSM_DEV_E_NOT_FOUND] = "RSM_DEV_E_NOT_FOUND",
    };
    if ((unsigned)rc < sizeof names / sizeof names[0] && names[rc])
        return names[rc];
    return "RSM_DEV_E_?";
}

size_t rsm_dev_sense_text(char *out, size_t cap, const struct rsm_dev_sense *s)
{
    if (!s->valid)
        return (size_t)snprintf(out, cap, "status %02Xh, no sense", s->status);
    struct t10_sense t;
    memset(&t, 0, sizeof t);
    t.key = s->key;
    t.asc_ascq = T10_ASC(s->asc, s->ascq);
    t.filemark = s->filemark;
    t.eom = s->eom;
    t.ili = s->ili;
    return t10_sense_text(out, cap, &t);
}

void rsm_dev_sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

void rsm_dev_io_init(struct rsm_dev_io *io, struct xport *xp, const struct rsm_dev_opts *opts,
                     uint8_t pdt)
{
    memset(io, 0, sizeof *io);
    io->xp = xp;
    io->pdt = pdt;
    if (opts)
        io->opts = *opts;
    if (!io->opts.ua_retries)
        io->opts.ua_retries = DEF_UA_RETRIES;
    if (!io->opts.ready_budget_ms)
        io->opts.ready_budget_ms = DEF_READY_BUDGET;
    if (!io->opts.ready_poll_ms)
        io->opts.ready_poll_ms = DEF_READY_POLL;
}

void rsm_dev_io_fini(struct rsm_dev_io *io)
{
    if (io->owns_xp && io->xp)
        xport_close(io->xp);
    io->xp = NULL;
}

/* Defaults when the device offers no RSOC timeouts. Changer figures are Linux ch's
 * (moves 300 s, INITIALIZE ELEMENT STATUS 3600 s); tape figures are st's long timeout
 * (14400 s) for commands that may wind the whole tape, 900 s for data transfers and
 * loads (LTO loads with calibration exceed 60 s: LTFS issue #350). */
static uint32_t default_timeout_ms(uint8_t pdt, uint8_t op)
{
    if (pdt == 0x08) {
        switch (op) {
        case 0xA5: /* MOVE MEDIUM */
        case 0xA6: /* EXCHANGE MEDIUM */
        case 0x2B: /* POSITION TO ELEMENT */
        case 0x1B: /* OPEN/CLOSE IMPORT/EXPORT ELEMENT */
        case 0xB8: /* READ ELEMENT STATUS: a large library scans for a while */
            return 300000;
        case 0x07: /* INITIALIZE ELEMENT STATUS */
        case 0x37:
        case 0xE7:
            return 3600000;
        }
    } else if (pdt == 0x01) {
        switch (op) {
        case 0x01: /* REWIND */
        case 0x11: /* SPACE(6) */
        case 0x91: /* SPACE(16) */
        case 0x2B: /* LOCATE(10) */
        case 0x92: /* LOCATE(16) */
        case 0x19: /* ERASE */
        case 0x04: /* FORMAT MEDIUM */
            return 14400000;
        case 0x08: /* READ(6) */
        case 0x0A: /* WRITE(6) */
        case 0x10: /* WRITE FILEMARKS */
        case 0x1B: /* LOAD UNLOAD */
            return 900000;
        }
    }
    return 60000;
}

uint32_t rsm_dev_io_timeout_ms(const struct rsm_dev_io *io, uint8_t op)
{
    return io->rsoc_timeout_ms[op] ? io->rsoc_timeout_ms[op] : default_timeout_ms(io->pdt, op);
}

enum rsm_dev_rc rsm_dev_classify(const struct rsm_dev_sense *s)
{
    switch (s->status) {
    case 0x00:
        return RSM_DEV_OK;
    case 0x02:
        break;
    case 0x08: /* BUSY */
    case 0x28: /* TASK SET FULL */
        return RSM_DEV_E_BUSY;
    case 0x18:
        return RSM_DEV_E_CONFLICT;
    case 0x40:
        return RSM_DEV_E_ABORTED;
    default:
        return RSM_DEV_E_CHECK;
    }
    if (!s->valid)
        return RSM_DEV_E_CHECK;
    switch (s->key) {
    case 0x0: /* NO SENSE: SSC conditions ride on it */
    case 0x1: /* RECOVERED ERROR */
        if (s->filemark)
            return RSM_DEV_E_FILEMARK;
        if (s->eom)
            return RSM_DEV_E_EOM;
        return RSM_DEV_OK; /* ILI is handled by the read path; 00/17 is an event */
    case 0x2:
        if (s->asc == 0x3A)
            return RSM_DEV_E_NO_MEDIUM;
        if (s->asc == 0x04 && s->ascq == 0x01)
            return RSM_DEV_E_BECOMING_READY;
        if (s->asc == 0x04 && s->ascq == 0x03)
            return RSM_DEV_E_DOOR_OPEN;
        return RSM_DEV_E_NOT_READY;
    case 0x3:
        return RSM_DEV_E_MEDIUM;
    case 0x4:
        return RSM_DEV_E_HARDWARE;
    case 0x5:
        if (s->asc == 0x20)
            return RSM_DEV_E_UNSUPPORTED;
        if (s->asc == 0x3B && s->ascq == 0x0E)
            return RSM_DEV_E_SRC_EMPTY;
        if (s->asc == 0x3B && s->ascq == 0x0D)
            return RSM_DEV_E_DST_FULL;
        if (s->asc == 0x53 && s->ascq == 0x02)
            return RSM_DEV_E_PREVENTED;
        if (s->asc == 0x21 && s->ascq == 0x01)
            return RSM_DEV_E_BAD_ADDR;
        if (s->asc == 0x30)
            return RSM_DEV_E_INCOMPATIBLE;
        return RSM_DEV_E_ILLEGAL;
    case 0x6:
        return RSM_DEV_E_UNIT_ATTENTION;
    case 0x7:
        return RSM_DEV_E_WRITE_PROTECT;
    case 0x8:
        return RSM_DEV_E_BLANK;
    case 0xB:
        return RSM_DEV_E_ABORTED;
    case 0xD:
        return RSM_DEV_E_EOM;
    default:
        return RSM_DEV_E_CHECK;
    }
}

static void note_events(struct rsm_dev_io *io, const struct rsm_dev_sense *s)
{
    if (!s->valid)
        return;
    if ((s->asc == 0x00 && s->ascq == 0x17) || (s->asc == 0x82 && s->ascq == 0x82))
        io->events |= RSM_DEV_EV_CLEANING;
    if (s->key != 0x6)
        return;
    if (s->asc == 0x28 && s->ascq == 0x00)
        io->events |= RSM_DEV_EV_NOT_READY_TO_READY;
    else if (s->asc == 0x28 && s->ascq == 0x01)
        io->events |= RSM_DEV_EV_IE_ACCESSED;
    else if (s->asc == 0x29)
        io->events |= RSM_DEV_EV_RESET;
    else if (s->asc == 0x2A)
        io->events |= RSM_DEV_EV_PARAMS_CHANGED;
    else
        io->events |= RSM_DEV_EV_OTHER_UA;
}

static void parse_sense_bytes(const uint8_t *sense, size_t len, uint8_t status,
                              struct rsm_dev_sense *out)
{
    memset(out, 0, sizeof *out);
    out->status = status;
    struct t10_sense t;
    if (len == 0 || t10_sense_parse(sense, len, &t) != T10_OK)
        return;
    out->valid = true;
    out->key = t.key;
    out->asc = T10_ASC_OF(t.asc_ascq);
    out->ascq = T10_ASCQ_OF(t.asc_ascq);
    out->filemark = t.filemark;
    out->eom = t.eom;
    out->ili = t.ili;
    out->info_valid = t.info_valid;
    /* Fixed format carries a 32-bit INFORMATION field; SSC puts signed residues there. */
    out->info = t.descriptor ? (int64_t)t.info : (int64_t)(int32_t)(uint32_t)t.info;
}

static void parse_sense(const struct xport_cmd *cmd, struct rsm_dev_sense *out)
{
    parse_sense_bytes(cmd->sense, cmd->sense_len, cmd->status, out);
}

void rsm_dev_io_take_sense(struct rsm_dev_io *io, const uint8_t *sense, size_t len)
{
    parse_sense_bytes(sense, len, 0, &io->last);
    note_events(io, &io->last);
}

enum rsm_dev_rc rsm_dev_io_exec(struct rsm_dev_io *io, const struct t10_cdb *c, enum xport_dir dir,
                                void *buf, size_t len, size_t *xfer)
{
    uint8_t cdb[T10_CDB_MAX];
    size_t cdb_len = t10_cdb_build(cdb, sizeof cdb, c);
    if (xfer)
        *xfer = 0;
    if (cdb_len == 0)
        return RSM_DEV_E_INVAL;
    unsigned ua_left = io->opts.ua_retries, busy_left = BUSY_RETRIES, pause = FIRST_POLL_MS;
    for (;;) {
        struct xport_cmd cmd;
        memset(&cmd, 0, sizeof cmd);
        cmd.cdb = cdb;
        cmd.cdb_len = cdb_len;
        cmd.dir = dir;
        cmd.buf = buf;
        cmd.buf_len = len;
        cmd.timeout_ms = rsm_dev_io_timeout_ms(io, cdb[0]);
        io->n_cmds++;
        enum xport_rc xrc = xport_exec(io->xp, &cmd);
        if (xrc != XPORT_OK) {
            memset(&io->last, 0, sizeof io->last);
            return xrc == XPORT_E_TIMEOUT ? RSM_DEV_E_TIMEOUT : RSM_DEV_E_TRANSPORT;
        }
        parse_sense(&cmd, &io->last);
        note_events(io, &io->last);
        if (xfer)
            *xfer = cmd.xfer_len;
        enum rsm_dev_rc rc = rsm_dev_classify(&io->last);
        if (rc == RSM_DEV_E_UNIT_ATTENTION && ua_left > 0) {
            ua_left--; /* the UA was reported instead of executing: send it again */
            continue;
        }
        if (rc == RSM_DEV_E_BUSY && busy_left > 0) {
            busy_left--;
            rsm_dev_sleep_ms(pause);
            pause *= 2;
            continue;
        }
        return rc;
    }
}

enum rsm_dev_rc rsm_dev_io_wait_ready(struct rsm_dev_io *io)
{
    struct t10_cdb c = {.kind = T10_CDB_TEST_UNIT_READY};
    unsigned waited = 0, pause = FIRST_POLL_MS;
    for (;;) {
        enum rsm_dev_rc rc = rsm_dev_io_exec(io, &c, XPORT_DIR_NONE, NULL, 0, NULL);
        if (rc != RSM_DEV_E_BECOMING_READY && rc != RSM_DEV_E_BUSY)
            return rc;
        if (waited >= io->opts.ready_budget_ms)
            return rc;
        unsigned step = pause;
        if (step > io->opts.ready_budget_ms - waited)
            step = io->opts.ready_budget_ms - waited;
        rsm_dev_sleep_ms(step);
        waited += step;
        pause = pause * 2 > io->opts.ready_poll_ms ? io->opts.ready_poll_ms : pause * 2;
    }
}

static enum t10_rc on_desig(const struct t10_desig *d, void *arg)
{
    struct rsm_dev_ident *id = arg;
    if (d->type == T10_DESIG_NAA && d->association == T10_ASSOC_LU && id->naa_len == 0 &&
        d->len <= sizeof id->naa) {
        memcpy(id->naa, d->id, d->len);
        id->naa_len = d->len;
        for (unsigned i = 0; i < d->len; i++)
            snprintf(id->naa_hex + 2 * i, 3, "%02x", d->id[i]);
    } else if (d->type == T10_DESIG_T10_VENDOR && d->association == T10_ASSOC_LU &&
               id->t10id_len == 0 && d->len <= sizeof id->t10id) {
        memcpy(id->t10id, d->id, d->len);
        id->t10id_len = d->len;
    }
    return T10_OK;
}

enum rsm_dev_rc rsm_dev_io_ident(struct rsm_dev_io *io, uint8_t pdt, struct rsm_dev_ident *id)
{
    memset(id, 0, sizeof *id);
    uint8_t buf[256];
    size_t n;
    struct t10_cdb c = {.kind = T10_CDB_INQUIRY};
    c.u.inquiry.alloc_len = T10_INQUIRY_FULL_LEN;
    enum rsm_dev_rc rc = rsm_dev_io_exec(io, &c, XPORT_DIR_IN, buf, T10_INQUIRY_FULL_LEN, &n);
    if (rc != RSM_DEV_OK)
        return rc;
    struct t10_inquiry inq;
    if (t10_inquiry_decode(buf, n, &inq) != T10_OK)
        return RSM_DEV_E_PROTOCOL;
    id->pdt = inq.pdt;
    snprintf(id->vendor, sizeof id->vendor, "%s", inq.vendor);
    snprintf(id->product, sizeof id->product, "%s", inq.product);
    snprintf(id->revision, sizeof id->revision, "%s", inq.revision);
    /* Qualifier 011b: no logical unit here at all (an empty drive bay LUN). */
    if (inq.qualifier != 0 || inq.pdt != pdt)
        return RSM_DEV_E_WRONG_TYPE;

    c.u.inquiry.evpd = true;
    c.u.inquiry.page = T10_VPD_UNIT_SERIAL;
    c.u.inquiry.alloc_len = sizeof buf;
    if (rsm_dev_io_exec(io, &c, XPORT_DIR_IN, buf, sizeof buf, &n) == RSM_DEV_OK)
        (void)t10_vpd_ascii_decode(buf, n, T10_VPD_UNIT_SERIAL, id->serial, sizeof id->serial);
    c.u.inquiry.page = T10_VPD_DEVICE_ID;
    if (rsm_dev_io_exec(io, &c, XPORT_DIR_IN, buf, sizeof buf, &n) == RSM_DEV_OK) {
        bool trunc;
        (void)t10_vpd_devid_walk(buf, n, on_desig, id, &trunc);
    }
    /* A device without those pages is still usable: its identity is just weaker. The
     * last sense would say ILLEGAL REQUEST; clear it so callers don't read it as ours. */
    memset(&io->last, 0, sizeof io->last);
    return RSM_DEV_OK;
}

struct rsoc_ctx {
    struct rsm_dev_io *io;
    bool *supported;
};

static enum t10_rc on_rsoc(const struct t10_rsoc_desc *d, void *arg)
{
    struct rsoc_ctx *ctx = arg;
    if (ctx->supported)
        ctx->supported[d->op] = true;
    if (d->ctdp && d->to.recommended_s) {
        uint32_t ms =
            d->to.recommended_s > UINT32_MAX / 1000 ? UINT32_MAX : d->to.recommended_s * 1000;
        /* Service actions share an opcode: keep the longest so none is cut short. */
        if (ms > ctx->io->rsoc_timeout_ms[d->op])
            ctx->io->rsoc_timeout_ms[d->op] = ms;
        ctx->io->have_rsoc = true;
    }
    return T10_OK;
}

void rsm_dev_io_load_rsoc(struct rsm_dev_io *io, bool *supported)
{
    if (io->opts.no_rsoc)
        return;
    enum { CAP = 8192 };
    uint8_t buf[CAP];
    size_t n;
    struct t10_cdb c = {.kind = T10_CDB_RSOC};
    c.u.rsoc.rctd = true;
    c.u.rsoc.options = T10_RSOC_ALL;
    c.u.rsoc.alloc_len = CAP;
    if (rsm_dev_io_exec(io, &c, XPORT_DIR_IN, buf, CAP, &n) != RSM_DEV_OK) {
        memset(&io->last, 0, sizeof io->last);
        return;
    }
    struct rsoc_ctx ctx = {io, supported};
    bool trunc;
    (void)t10_rsoc_all_walk(buf, n, on_rsoc, &ctx, &trunc);
}
