/* SPDX-License-Identifier: MIT
 * sim/tcmu/ring.c - reading commands from and completing them into the TCMU ring
 * (contract in ring.h; layout in <linux/target_core_user.h>).
 */
#include <string.h>
#include <sys/uio.h>
/* <linux/target_core_user.h> includes <linux/uio.h>, whose struct iovec collides with
 * glibc's: claim its guard so only <sys/uio.h>'s definition is seen. */
#define __LINUX_UIO_H
#include <linux/target_core_user.h>

#include "sim/tcmu/ring.h"

static struct tcmu_mailbox *mailbox(const struct vtl_tcmu_ring *r)
{
    return (struct tcmu_mailbox *)r->map;
}

static struct tcmu_cmd_entry *entry_at(const struct vtl_tcmu_ring *r, uint32_t pos)
{
    return (struct tcmu_cmd_entry *)(r->map + r->cmdr_off + pos);
}

enum vtl_tcmu_rc vtl_tcmu_ring_open(struct vtl_tcmu_ring *r, void *map, size_t map_len)
{
    memset(r, 0, sizeof *r);
    if (map_len < sizeof(struct tcmu_mailbox))
        return VTL_TCMU_EBADMAP;
    struct tcmu_mailbox *mb = map;
    if (mb->version != TCMU_MAILBOX_VERSION && mb->version != 1)
        return VTL_TCMU_EBADMAP;
    /* The kernel aligns the ring and every entry to TCMU_OP_ALIGN_SIZE (8 bytes); an
     * unaligned geometry would make every entry access misaligned. */
    if (mb->cmdr_off < sizeof *mb || mb->cmdr_size < sizeof(struct tcmu_cmd_entry_hdr) ||
        (uint64_t)mb->cmdr_off + mb->cmdr_size > map_len || mb->cmdr_off % 8 != 0 ||
        mb->cmdr_size % 8 != 0)
        return VTL_TCMU_EBADMAP;
    r->map = map;
    r->map_len = map_len;
    r->cmdr_off = mb->cmdr_off;
    r->cmdr_size = mb->cmdr_size;
    r->flags = mb->version == 1 ? 0 : mb->flags;
    r->rd = __atomic_load_n(&mb->cmd_tail, __ATOMIC_ACQUIRE) % r->cmdr_size;
    if (r->rd % 8 != 0)
        return VTL_TCMU_EBADMAP;
    return VTL_TCMU_OK;
}

bool vtl_tcmu_ring_has_entry(const struct vtl_tcmu_ring *r)
{
    return __atomic_load_n(&mailbox(r)->cmd_head, __ATOMIC_ACQUIRE) % r->cmdr_size != r->rd;
}

bool vtl_tcmu_ring_busy(const struct vtl_tcmu_ring *r)
{
    return __atomic_load_n(&mailbox(r)->cmd_tail, __ATOMIC_RELAXED) != r->rd;
}

bool vtl_tcmu_ring_ooo(const struct vtl_tcmu_ring *r)
{
    return r->flags & TCMU_MAILBOX_FLAG_CAP_OOOC;
}

size_t vtl_tcmu_cdb_len(uint8_t opcode)
{
    /* The kernel's table (scsi_command_size): the vendor groups 6 and 7 (e.g. SMC's
     * INITIALIZE ELEMENT STATUS WITH RANGE, E7h) are 10 bytes, reserved group 3 is 12,
     * and the ring holds exactly that many CDB bytes. */
    static const uint8_t group_len[8] = {6, 10, 10, 12, 16, 12, 10, 10};
    if (opcode == 0x7F)
        return 0;   /* variable length: not served */
    return group_len[opcode >> 5];
}

bool vtl_tcmu_is_data_out(const uint8_t *cdb)
{
    /* Only opcodes that are data-out on every device type served here: B5h is SECURITY
     * PROTOCOL OUT in SPC but REQUEST VOLUME ELEMENT ADDRESS (data-in) on a changer. */
    switch (cdb[0]) {
    case 0x0A: /* WRITE(6): SSC data */
    case 0x15: /* MODE SELECT(6) */
    case 0x55: /* MODE SELECT(10) */
    case 0x4C: /* LOG SELECT */
    case 0x5F: /* PERSISTENT RESERVE OUT */
    case 0x8D: /* WRITE ATTRIBUTE */
    case 0xB6: /* SEND VOLUME TAG (SMC) */
    case 0x3B: /* WRITE BUFFER */
    case 0x1D: /* SEND DIAGNOSTIC */
    case 0xA4: /* MAINTENANCE OUT (SET ... service actions) */
    case 0x83: /* EXTENDED COPY */
    case 0x2A: /* WRITE(10) */
    case 0xAA: /* WRITE(12) */
    case 0x8A: /* WRITE(16) */
    case 0x2E: /* WRITE AND VERIFY(10) */
    case 0x41: /* WRITE SAME(10) */
    case 0x93: /* WRITE SAME(16) */
        return true;
    default:
        return false;
    }
}

/* A TMR notice of @len bytes at ring offset @pos (already consumed). Its cmd_id count
 * comes from memory the kernel wrote, so it is clipped to the entry's length and to
 * tmr_ids; what is dropped is counted, never read. */
static enum vtl_tcmu_rc read_tmr(const struct vtl_tcmu_ring *r, uint32_t pos, uint32_t len,
                                 struct vtl_tcmu_req *out)
{
    out->cmd_id = 0;
    out->cdb_len = 0;
    out->n_iov = 0;
    out->data_len = 0;
    out->tmr_type = 0;
    out->n_tmr_ids = out->n_tmr_ids_dropped = 0;
    size_t fixed = offsetof(struct tcmu_tmr_entry, cmd_ids);
    if (len < fixed) {
        /* No room even for the function: a notice of an unknown TMR without commands. */
        out->tmr_type = TCMU_TMR_UNKNOWN;
        return VTL_TCMU_TMR;
    }
    const struct tcmu_tmr_entry *t = (const void *)entry_at(r, pos);
    uint32_t listed = t->cmd_cnt;
    uint32_t fits = (len - (uint32_t)fixed) / sizeof t->cmd_ids[0];
    uint32_t n = listed < fits ? listed : fits;
    if (n > VTL_TCMU_TMR_IDS_MAX)
        n = VTL_TCMU_TMR_IDS_MAX;
    out->tmr_type = t->tmr_type;
    /* cmd_ids[] is packed at offset 32: copy byte-wise, no unaligned loads */
    memcpy(out->tmr_ids, (const uint8_t *)t + fixed, n * sizeof out->tmr_ids[0]);
    out->n_tmr_ids = n;
    out->n_tmr_ids_dropped = listed - n;
    return VTL_TCMU_TMR;
}

enum vtl_tcmu_rc vtl_tcmu_ring_next(struct vtl_tcmu_ring *r, struct vtl_tcmu_req *out)
{
    struct tcmu_mailbox *mb = mailbox(r);
    /* Between the read position and the head there are at most cmdr_size / 8 entries
     * (each at least 8 bytes): a head that is never reached (a corrupt mailbox) must not
     * spin the handler forever over PAD or TMR entries. */
    for (uint32_t skipped = 0;; skipped++) {
        if (skipped > r->cmdr_size / 8)
            return VTL_TCMU_EBADMAP;
        uint32_t head = __atomic_load_n(&mb->cmd_head, __ATOMIC_ACQUIRE) % r->cmdr_size;
        if (r->rd == head)
            return VTL_TCMU_EMPTY;
        out->cmd_id = 0;
        if (r->cmdr_size - r->rd < sizeof(struct tcmu_cmd_entry_hdr))
            return VTL_TCMU_EBADENT;
        struct tcmu_cmd_entry *e = entry_at(r, r->rd);
        uint32_t len = tcmu_hdr_get_len(e->hdr.len_op);
        uint8_t op = (uint8_t)tcmu_hdr_get_op(e->hdr.len_op);
        /* A zero or oversized length would stall or overrun the ring: give up on it. */
        if (len < sizeof e->hdr || len > r->cmdr_size - r->rd || len % 8 != 0)
            return VTL_TCMU_EBADENT;
        uint32_t here = r->rd;
        r->rd = (r->rd + len) % r->cmdr_size;
        if (op == TCMU_OP_TMR)
            return read_tmr(r, here, len, out);
        if (op != TCMU_OP_CMD)
            continue;  /* PAD at the end of the ring */
        out->tmr_type = 0;
        out->n_tmr_ids = out->n_tmr_ids_dropped = 0;
        out->cmd_id = e->hdr.cmd_id;
        size_t fixed = offsetof(struct tcmu_cmd_entry, req.iov);
        /* The kernel sizes every command entry to hold the response that will overlay it
         * (tcmu_cmd_get_base_cmd_size()); a shorter one could not be answered in place. */
        if (len < fixed || len < sizeof(struct tcmu_cmd_entry))
            return VTL_TCMU_EBADENT;
        uint32_t n_iov = e->req.iov_cnt;
        /* Copy everything out now: the response overlays the request (rsp/req union). */
        if (n_iov > VTL_TCMU_IOV_MAX || (len - fixed) / sizeof(struct iovec) < n_iov)
            return VTL_TCMU_EBADENT;
        out->n_iov = n_iov;
        out->data_len = 0;
        for (uint32_t i = 0; i < n_iov; i++) {
            uint64_t off = (uint64_t)(uintptr_t)e->req.iov[i].iov_base;
            uint64_t n = e->req.iov[i].iov_len;
            if (off > r->map_len || n > r->map_len - off)
                return VTL_TCMU_EBADENT;
            out->iov[i].off = off;
            out->iov[i].len = n;
            out->data_len += n;
        }
        /* The CDB lies in this entry, after the iovecs, inside the ring. */
        uint64_t cdb_off = e->req.cdb_off;
        uint64_t ring_end = (uint64_t)r->cmdr_off + r->cmdr_size;
        uint64_t ent_off = (uint64_t)r->cmdr_off + here;
        if (cdb_off < ent_off || cdb_off >= ring_end)
            return VTL_TCMU_EBADENT;
        size_t cdb_len = vtl_tcmu_cdb_len(r->map[cdb_off]);
        if (cdb_len == 0 || cdb_len > ring_end - cdb_off)
            return VTL_TCMU_EBADENT;
        memcpy(out->cdb, r->map + cdb_off, cdb_len);
        out->cdb_len = cdb_len;
        return VTL_TCMU_OK;
    }
}

void vtl_tcmu_ring_complete(struct vtl_tcmu_ring *r, uint16_t cmd_id, uint8_t status,
                            const uint8_t *sense, size_t sense_len, long read_len)
{
    struct tcmu_mailbox *mb = mailbox(r);
    uint32_t tail = __atomic_load_n(&mb->cmd_tail, __ATOMIC_RELAXED) % r->cmdr_size;
    if (tail % 8 != 0)
        return;
    /* The tail and the entries lie in memory the kernel shares with us: every step is
     * bounded, and an entry that could not hold its response is left alone (the command
     * then times out in the kernel rather than corrupting the mapping). */
    if (r->cmdr_size - tail < sizeof(struct tcmu_cmd_entry_hdr))
        return;
    struct tcmu_cmd_entry *e = entry_at(r, tail);
    /* PAD and TMR entries between completions are passed over: the kernel skips them
     * when it reaps. */
    while (tail != r->rd && tcmu_hdr_get_op(e->hdr.len_op) != TCMU_OP_CMD) {
        uint32_t step = tcmu_hdr_get_len(e->hdr.len_op);
        if (step < sizeof e->hdr || step > r->cmdr_size - tail || step % 8 != 0)
            return;
        tail = (tail + step) % r->cmdr_size;
        if (r->cmdr_size - tail < sizeof(struct tcmu_cmd_entry_hdr))
            return;
        e = entry_at(r, tail);
    }
    uint32_t len = tcmu_hdr_get_len(e->hdr.len_op);
    if (len < sizeof(struct tcmu_cmd_entry) || len > r->cmdr_size - tail)
        return;
    e->hdr.cmd_id = cmd_id;  /* out of order: this slot now carries @cmd_id's answer */
    e->hdr.uflags = 0;
    memset(&e->rsp, 0, sizeof e->rsp);
    e->rsp.scsi_status = status;
    if (sense && sense_len) {
        if (sense_len > VTL_TCMU_SENSE_MAX)
            sense_len = VTL_TCMU_SENSE_MAX;
        memcpy(e->rsp.sense_buffer, sense, sense_len);
    }
    if (read_len >= 0 && (r->flags & TCMU_MAILBOX_FLAG_CAP_READ_LEN)) {
        e->hdr.uflags |= TCMU_UFLAG_READ_LEN;
        e->rsp.read_len = (uint32_t)read_len;
    }
    __atomic_store_n(&mb->cmd_tail, (tail + len) % r->cmdr_size, __ATOMIC_RELEASE);
}

size_t vtl_tcmu_gather(const struct vtl_tcmu_ring *r, const struct vtl_tcmu_req *q,
                       uint8_t *buf, size_t cap)
{
    size_t done = 0;
    for (uint32_t i = 0; i < q->n_iov && done < cap; i++) {
        size_t n = q->iov[i].len < cap - done ? q->iov[i].len : cap - done;
        memcpy(buf + done, r->map + q->iov[i].off, n);
        done += n;
    }
    return done;
}

void vtl_tcmu_scatter(const struct vtl_tcmu_ring *r, const struct vtl_tcmu_req *q,
                      const uint8_t *buf, size_t len)
{
    size_t done = 0;
    for (uint32_t i = 0; i < q->n_iov && done < len; i++) {
        size_t n = q->iov[i].len < len - done ? q->iov[i].len : len - done;
        if (r->map + q->iov[i].off != buf + done)
            memcpy(r->map + q->iov[i].off, buf + done, n);
        done += n;
    }
}

uint8_t *vtl_tcmu_req_flat(const struct vtl_tcmu_ring *r, const struct vtl_tcmu_req *q)
{
    return q->n_iov == 1 ? r->map + q->iov[0].off : NULL;
}
