/* SPDX-License-Identifier: MIT
 * sim/tcmu/ring.h - the LIO TCMU command ring (<linux/target_core_user.h>, ABI version 2)
 * as seen from user space: take commands out of it, put completions back.
 *
 * The kernel shares one mapping per TCMU device (/dev/uioN, map0): a struct tcmu_mailbox at
 * offset 0, the command ring at mb->cmdr_off (mb->cmdr_size bytes), then the data area.
 * The kernel appends entries at cmd_head; user space consumes them and completes each one
 * by writing its response into a ring entry and moving cmd_tail past it. An entry never
 * wraps: the kernel fills the end of the ring with a PAD entry instead.
 *
 * Two positions are kept, as tcmu-runner does:
 *   - rd, private: the next entry to read. Entries between cmd_tail and rd have been
 *     read and are waiting for their completion.
 *   - mb->cmd_tail, shared: completions are written there, in completion order. When the
 *     kernel offers TCMU_MAILBOX_FLAG_CAP_OOOC, a completion may land in another command's
 *     entry (its cmd_id is rewritten); everything an entry holds was copied out at read
 *     time (struct vtl_tcmu_req), so nothing is lost. rsp overlays req in the entry.
 * On open, rd starts at cmd_tail: a restarted handler serves what its predecessor left.
 *
 * Task management (TCMU_MAILBOX_FLAG_CAP_TMR, with the device's attrib/tmr_notification
 * set to 1): LIO handles ABORT TASK and LUN RESET itself and waits for the commands it
 * aborts to be completed through the ring; before it waits it queues a TMR entry naming
 * the function and the cmd_ids of those commands. A TMR entry is a notice, never
 * completed: vtl_tcmu_ring_next() returns it as VTL_TCMU_TMR and the tail passes over it.
 *
 * Data: iov_base in an entry is an offset from the start of the mapping, not a pointer.
 * Every iovec is checked against the mapping's size when the entry is read; nothing
 * outside the current entry and its iovecs is ever touched (data pages are allocated by
 * the kernel on demand).
 *
 * No I/O, no allocation, no locks: the caller owns the mapping and signals the kernel
 * (a 4-byte write to /dev/uioN) after completing. One thread per ring.
 */
#ifndef OPENRSM_SIM_TCMU_RING_H
#define OPENRSM_SIM_TCMU_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VTL_TCMU_CDB_MAX   32
#define VTL_TCMU_IOV_MAX   1024 /* 4 MiB in 4 KiB blocks; more iovecs: the command is refused */
#define VTL_TCMU_SENSE_MAX 96   /* TCMU_SENSE_BUFFERSIZE */
/* cmd_ids one TMR notice carries into struct vtl_tcmu_req (they share the iovecs' room) */
#define VTL_TCMU_TMR_IDS_MAX (VTL_TCMU_IOV_MAX * 8)
/* TMR function 128 (TCMU_TMR_LUN_RESET_PRO): the LUN reset a PREEMPT AND ABORT implies.
 * 1-7 are SAM-5's numbers (enum vtl_tmf). */
#define VTL_TCMU_TMR_LUN_RESET_PRO 128

enum vtl_tcmu_rc {
    VTL_TCMU_OK = 0,
    VTL_TCMU_EMPTY,     /* no entry to read */
    VTL_TCMU_EBADMAP,   /* mailbox version or ring geometry outside the mapping */
    VTL_TCMU_EBADENT,   /* an entry (length, CDB or iovec) points outside the mapping */
    VTL_TCMU_TMR,       /* a task management notice (vtl_tcmu_req.tmr_*), nothing to complete */
};

struct vtl_tcmu_ring {
    uint8_t *map;        /* borrowed: the whole uio mapping */
    size_t map_len;
    uint32_t cmdr_off, cmdr_size;
    uint32_t rd;         /* next entry to read (offset in the ring) */
    uint32_t flags;      /* mailbox flags (TCMU_MAILBOX_FLAG_CAP_*) */
};

/* One command (or one TMR notice), copied out of its ring entry. */
struct vtl_tcmu_req {
    uint16_t cmd_id;
    uint8_t cdb[VTL_TCMU_CDB_MAX];
    size_t cdb_len;
    uint32_t n_iov;
    union {
        struct {
            uint64_t off;    /* offset in the mapping */
            uint64_t len;
        } iov[VTL_TCMU_IOV_MAX];
        /* VTL_TCMU_TMR: the aborted commands' cmd_ids, as the kernel listed them */
        uint16_t tmr_ids[VTL_TCMU_TMR_IDS_MAX];
    };
    size_t data_len;     /* sum of the iovec lengths */
    /* VTL_TCMU_TMR only: the function (TCMU_TMR_*, numbered as SAM-5 numbers them: 1 ABORT
     * TASK ... 5 LUN RESET; 128 the LUN reset a PREEMPT AND ABORT implies), how many ids
     * are in tmr_ids, and how many more the entry listed that did not fit (or that lay
     * outside the entry: a short entry is clipped, not refused). */
    uint8_t tmr_type;
    uint32_t n_tmr_ids;
    uint32_t n_tmr_ids_dropped;
};

/* Attaches to a mapping of @map_len bytes. Checks the mailbox (version 2) and that the
 * ring lies inside the mapping. rd starts at the shared cmd_tail. Returns VTL_TCMU_OK or
 * VTL_TCMU_EBADMAP (then @r is unusable). @map stays borrowed for @r's life. */
enum vtl_tcmu_rc vtl_tcmu_ring_open(struct vtl_tcmu_ring *r, void *map, size_t map_len);

/* Takes the next command (PAD entries are skipped). Returns VTL_TCMU_OK with @out filled,
 * VTL_TCMU_TMR with @out's tmr_* fields filled (cmd_id 0, no CDB, no data), VTL_TCMU_EMPTY
 * when rd has reached cmd_head, or VTL_TCMU_EBADENT for an entry that cannot be served
 * (its cmd_id is still in @out->cmd_id when the header was readable, and the entry is
 * consumed: the caller completes it with an error). */
enum vtl_tcmu_rc vtl_tcmu_ring_next(struct vtl_tcmu_ring *r, struct vtl_tcmu_req *out);

/* True when an entry (command, PAD or TMR) waits between rd and cmd_head: a cheap test
 * before vtl_tcmu_ring_next(). */
bool vtl_tcmu_ring_has_entry(const struct vtl_tcmu_ring *r);

/* True while commands were read and not yet completed. */
bool vtl_tcmu_ring_busy(const struct vtl_tcmu_ring *r);

/* True when the kernel takes completions in any order (TCMU_MAILBOX_FLAG_CAP_OOOC). */
bool vtl_tcmu_ring_ooo(const struct vtl_tcmu_ring *r);

/* Completes @cmd_id at the shared tail: SCSI @status, @sense (fixed format, clipped to
 * 96 bytes) and, when @read_len >= 0 and the kernel offers READ_LEN, the data-in bytes
 * produced (the kernel then reports the residual). Then publishes the new tail (release).
 * Must be called at most once per command read with vtl_tcmu_ring_next(). */
void vtl_tcmu_ring_complete(struct vtl_tcmu_ring *r, uint16_t cmd_id, uint8_t status,
                            const uint8_t *sense, size_t sense_len, long read_len);

/* Copies the command's data-out bytes (the iovecs in order) into @buf, at most @cap;
 * returns the bytes copied. */
size_t vtl_tcmu_gather(const struct vtl_tcmu_ring *r, const struct vtl_tcmu_req *q,
                       uint8_t *buf, size_t cap);
/* Copies @len bytes of data-in from @buf into the command's iovecs (clipped to them). */
void vtl_tcmu_scatter(const struct vtl_tcmu_ring *r, const struct vtl_tcmu_req *q,
                      const uint8_t *buf, size_t len);
/* The one contiguous buffer of a command with exactly one iovec (borrowed from the
 * mapping), or NULL. Saves a copy on bulk READ/WRITE. */
uint8_t *vtl_tcmu_req_flat(const struct vtl_tcmu_ring *r, const struct vtl_tcmu_req *q);

/* CDB length from the opcode's group code, as the kernel copies it into the ring
 * (SPC-4 4.2.5.1; vendor groups 10 bytes); 0 for variable-length CDBs (7Fh, not served). */
size_t vtl_tcmu_cdb_len(uint8_t opcode);
/* True when @cdb moves data from the initiator (data-out). TCMU does not say the
 * direction, so it comes from the opcode: the SPC/SSC/SMC/SBC commands that carry a
 * parameter list or write data. Every other command is data-in or carries no data. */
bool vtl_tcmu_is_data_out(const uint8_t *cdb);

#endif
