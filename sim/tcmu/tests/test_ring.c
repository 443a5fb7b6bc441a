/* SPDX-License-Identifier: MIT
 * Tests of sim/tcmu/ring.c against a ring laid out in memory the way target_core_user
 * lays it out (drivers/target/target_core_user.c, queue_cmd_ring): mailbox at 0, command
 * entries of hdr + req + iovecs + CDB rounded to 8 bytes, a PAD entry when the next
 * entry does not fit before the end of the ring, iov_base as an offset in the mapping.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#define __LINUX_UIO_H
#include <linux/target_core_user.h>

#include "sim/tcmu/ring.h"
#include "sim/tcmu/uio.h"
#include "tests/lib/cutest.h"

#define CMDR_OFF  128
#define DATA_LEN  65536

/* A fake kernel side: one mapping, its ring, a data area after it. */
struct fake {
    uint8_t *map;
    size_t map_len;
    uint32_t cmdr_size;
    uint16_t next_id;
};

static struct tcmu_mailbox *mbox(struct fake *f) { return (struct tcmu_mailbox *)f->map; }

static void fake_init(struct fake *f, uint32_t cmdr_size, uint32_t flags)
{
    f->cmdr_size = cmdr_size;
    f->map_len = CMDR_OFF + cmdr_size + DATA_LEN;
    f->map = calloc(1, f->map_len);
    f->next_id = 1;
    struct tcmu_mailbox *mb = mbox(f);
    mb->version = TCMU_MAILBOX_VERSION;
    mb->flags = flags;
    mb->cmdr_off = CMDR_OFF;
    mb->cmdr_size = cmdr_size;
}


/* Queues one command as the kernel does; @iov pairs are (offset in the data area, len).
 * Returns its cmd_id. */
static uint16_t fake_queue(struct fake *f, const uint8_t *cdb, size_t cdb_len, unsigned n_iov,
                           const uint64_t (*iov)[2])
{
    struct tcmu_mailbox *mb = mbox(f);
    size_t base = sizeof(struct tcmu_cmd_entry) + n_iov * sizeof(struct iovec);
    size_t len = (base + cdb_len + 7) & ~(size_t)7;
    uint32_t head = mb->cmd_head;
    if (f->cmdr_size - head < len) {   /* PAD to the end, then start over at 0 */
        struct tcmu_cmd_entry_hdr *pad = (void *)(f->map + CMDR_OFF + head);
        memset(pad, 0, sizeof *pad);
        pad->len_op = (f->cmdr_size - head) | TCMU_OP_PAD;   /* lengths are multiples of 8 */
        head = 0;
    }
    struct tcmu_cmd_entry *e = (void *)(f->map + CMDR_OFF + head);
    memset(e, 0, len);
    e->hdr.len_op = (uint32_t)len | TCMU_OP_CMD;
    e->hdr.cmd_id = f->next_id++;
    e->req.iov_cnt = n_iov;
    for (unsigned i = 0; i < n_iov; i++) {
        e->req.iov[i].iov_base = (void *)(uintptr_t)(CMDR_OFF + f->cmdr_size + iov[i][0]);
        e->req.iov[i].iov_len = iov[i][1];
    }
    e->req.cdb_off = CMDR_OFF + head + base;
    memcpy(f->map + e->req.cdb_off, cdb, cdb_len);
    mb->cmd_head = (head + (uint32_t)len) % f->cmdr_size;
    return e->hdr.cmd_id;
}

/* Queues a TMR notice as the kernel does (queue_tmr_ring): the header, the function, the
 * count and the cmd_ids, rounded up to 8 bytes. @room_ids > @n: the entry is sized for
 * @room_ids ids. @claim: the count written (normally @n). */
static void fake_queue_tmr(struct fake *f, uint8_t type, const uint16_t *ids, uint32_t n,
                           uint32_t claim)
{
    struct tcmu_mailbox *mb = mbox(f);
    size_t len = (sizeof(struct tcmu_tmr_entry) + n * sizeof(uint16_t) + 7) & ~(size_t)7;
    uint32_t head = mb->cmd_head;
    if (f->cmdr_size - head < len) {
        struct tcmu_cmd_entry_hdr *pad = (void *)(f->map + CMDR_OFF + head);
        memset(pad, 0, sizeof *pad);
        pad->len_op = (f->cmdr_size - head) | TCMU_OP_PAD;
        head = 0;
    }
    struct tcmu_tmr_entry *t = (void *)(f->map + CMDR_OFF + head);
    memset(t, 0, len);
    t->hdr.len_op = (uint32_t)len | TCMU_OP_TMR;
    t->tmr_type = type;
    t->cmd_cnt = claim;
    if (n)
        memcpy((uint8_t *)t + offsetof(struct tcmu_tmr_entry, cmd_ids), ids, n * sizeof(uint16_t));
    mb->cmd_head = (head + (uint32_t)len) % f->cmdr_size;
}

/* The kernel's reaping (tcmu_handle_completions): walks from @*last to cmd_tail. */
static unsigned fake_reap(struct fake *f, uint32_t *last, uint16_t *ids, uint8_t *status,
                          uint32_t *read_len)
{
    unsigned n = 0;
    while (*last != mbox(f)->cmd_tail) {
        struct tcmu_cmd_entry *e = (void *)(f->map + CMDR_OFF + *last);
        if (tcmu_hdr_get_op(e->hdr.len_op) == TCMU_OP_CMD) {
            ids[n] = e->hdr.cmd_id;
            status[n] = e->rsp.scsi_status;
            read_len[n] = e->hdr.uflags & TCMU_UFLAG_READ_LEN ? e->rsp.read_len : UINT32_MAX;
            n++;
        }
        *last = (*last + tcmu_hdr_get_len(e->hdr.len_op)) % f->cmdr_size;
    }
    return n;
}

static const uint8_t tur[6] = {0x00};
static const uint8_t inq[6] = {0x12, 0, 0, 0, 36, 0};

static void test_open_checks_mailbox(void)
{
    struct fake f;
    struct vtl_tcmu_ring r;
    fake_init(&f, 4096, 0);
    CU_ASSERT_EQUAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
    CU_ASSERT_EQUAL(r.cmdr_size, 4096);
    CU_ASSERT_EQUAL(vtl_tcmu_ring_open(&r, f.map, CMDR_OFF + 100), VTL_TCMU_EBADMAP);
    mbox(&f)->version = 7;
    CU_ASSERT_EQUAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_EBADMAP);
    mbox(&f)->version = TCMU_MAILBOX_VERSION;
    mbox(&f)->cmdr_off = 8;   /* overlaps the mailbox */
    CU_ASSERT_EQUAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_EBADMAP);
    free(f.map);
}

static void test_command_read_and_completed_with_sense(void)
{
    struct fake f;
    struct vtl_tcmu_ring r;
    struct vtl_tcmu_req q;
    fake_init(&f, 4096, TCMU_MAILBOX_FLAG_CAP_READ_LEN);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
    CU_ASSERT_EQUAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_EMPTY);
    CU_ASSERT_FALSE(vtl_tcmu_ring_has_entry(&r));
    uint64_t iov[1][2] = {{0, 36}};
    uint16_t id = fake_queue(&f, inq, sizeof inq, 1, iov);
    CU_ASSERT_TRUE(vtl_tcmu_ring_has_entry(&r));
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_OK);
    CU_ASSERT_FALSE(vtl_tcmu_ring_has_entry(&r));
    CU_ASSERT_EQUAL(q.cmd_id, id);
    CU_ASSERT_EQUAL(q.cdb_len, 6);
    CU_ASSERT_EQUAL(memcmp(q.cdb, inq, 6), 0);
    CU_ASSERT_EQUAL(q.n_iov, 1);
    CU_ASSERT_EQUAL(q.data_len, 36);
    CU_ASSERT_PTR_EQUAL(vtl_tcmu_req_flat(&r, &q), f.map + CMDR_OFF + 4096);
    CU_ASSERT_TRUE(vtl_tcmu_ring_busy(&r));
    CU_ASSERT_EQUAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_EMPTY);

    static const uint8_t sense[18] = {0x70, 0, 0x06, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x29};
    vtl_tcmu_ring_complete(&r, id, 0x02, sense, sizeof sense, 20);
    CU_ASSERT_FALSE(vtl_tcmu_ring_busy(&r));
    uint32_t last = 0, rl[4];
    uint16_t ids[4];
    uint8_t st[4];
    CU_ASSERT_EQUAL_FATAL(fake_reap(&f, &last, ids, st, rl), 1);
    CU_ASSERT_EQUAL(ids[0], id);
    CU_ASSERT_EQUAL(st[0], 0x02);
    CU_ASSERT_EQUAL(rl[0], 20);
    struct tcmu_cmd_entry *e = (void *)(f.map + CMDR_OFF);
    CU_ASSERT_EQUAL(memcmp(e->rsp.sense_buffer, sense, sizeof sense), 0);
    free(f.map);
}

static void test_read_len_only_when_offered(void)
{
    struct fake f;
    struct vtl_tcmu_ring r;
    struct vtl_tcmu_req q;
    fake_init(&f, 4096, 0);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
    uint64_t iov[1][2] = {{0, 36}};
    fake_queue(&f, inq, sizeof inq, 1, iov);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_OK);
    vtl_tcmu_ring_complete(&r, q.cmd_id, 0, NULL, 0, 20);
    uint32_t last = 0, rl[1];
    uint16_t ids[1];
    uint8_t st[1];
    CU_ASSERT_EQUAL_FATAL(fake_reap(&f, &last, ids, st, rl), 1);
    CU_ASSERT_EQUAL(rl[0], UINT32_MAX);   /* no READ_LEN flag set */
    free(f.map);
}

static void test_wrap_skips_pad(void)
{
    struct fake f;
    struct vtl_tcmu_ring r;
    struct vtl_tcmu_req q;
    fake_init(&f, 512, TCMU_MAILBOX_FLAG_CAP_OOOC);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
    uint32_t last = 0, rl[4];
    uint16_t ids[4];
    uint8_t st[4];
    unsigned pads_before = 0;
    /* 40 TURs through a 512-byte ring: each entry is 56 bytes, so the ring wraps 4 times
     * with a PAD each time */
    for (int i = 0; i < 40; i++) {
        uint32_t head_before = mbox(&f)->cmd_head;
        uint16_t id = fake_queue(&f, tur, sizeof tur, 0, NULL);
        if (mbox(&f)->cmd_head < head_before)
            pads_before++;
        CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_OK);
        CU_ASSERT_EQUAL(q.cmd_id, id);
        CU_ASSERT_EQUAL(q.cdb[0], 0x00);
        vtl_tcmu_ring_complete(&r, q.cmd_id, 0, NULL, 0, -1);
        CU_ASSERT_EQUAL_FATAL(fake_reap(&f, &last, ids, st, rl), 1);
        CU_ASSERT_EQUAL(ids[0], id);
    }
    CU_ASSERT_TRUE(pads_before >= 3);
    CU_ASSERT_EQUAL(mbox(&f)->cmd_tail, mbox(&f)->cmd_head);
    free(f.map);
}

static void test_out_of_order_completion(void)
{
    struct fake f;
    struct vtl_tcmu_ring r;
    struct vtl_tcmu_req q1, q2;
    fake_init(&f, 4096, TCMU_MAILBOX_FLAG_CAP_OOOC);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
    CU_ASSERT_TRUE(vtl_tcmu_ring_ooo(&r));
    uint16_t a = fake_queue(&f, tur, sizeof tur, 0, NULL);
    uint16_t b = fake_queue(&f, tur, sizeof tur, 0, NULL);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q1), VTL_TCMU_OK);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q2), VTL_TCMU_OK);
    vtl_tcmu_ring_complete(&r, b, 0x00, NULL, 0, -1);   /* b first: a waits on a robot */
    uint32_t last = 0, rl[2];
    uint16_t ids[2];
    uint8_t st[2];
    CU_ASSERT_EQUAL_FATAL(fake_reap(&f, &last, ids, st, rl), 1);
    CU_ASSERT_EQUAL(ids[0], b);
    CU_ASSERT_TRUE(vtl_tcmu_ring_busy(&r));
    vtl_tcmu_ring_complete(&r, a, 0x02, NULL, 0, -1);
    CU_ASSERT_EQUAL_FATAL(fake_reap(&f, &last, ids, st, rl), 1);
    CU_ASSERT_EQUAL(ids[0], a);
    CU_ASSERT_EQUAL(st[0], 0x02);
    CU_ASSERT_FALSE(vtl_tcmu_ring_busy(&r));
    free(f.map);
}

static void test_restart_serves_unanswered(void)
{
    struct fake f;
    struct vtl_tcmu_ring r;
    struct vtl_tcmu_req q;
    fake_init(&f, 4096, 0);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
    fake_queue(&f, tur, sizeof tur, 0, NULL);
    uint16_t lost = fake_queue(&f, inq, sizeof inq, 0, NULL);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_OK);
    vtl_tcmu_ring_complete(&r, q.cmd_id, 0, NULL, 0, -1);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_OK);
    /* the handler dies here, before completing the INQUIRY; a new one attaches */
    struct vtl_tcmu_ring r2;
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r2, f.map, f.map_len), VTL_TCMU_OK);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r2, &q), VTL_TCMU_OK);
    CU_ASSERT_EQUAL(q.cmd_id, lost);
    CU_ASSERT_EQUAL(q.cdb[0], 0x12);
    CU_ASSERT_EQUAL(vtl_tcmu_ring_next(&r2, &q), VTL_TCMU_EMPTY);
    free(f.map);
}

/* ABORT TASK while a command waits on the library clock: the notice comes out of the ring
 * in order, names the waiting command, and is passed over when completions move the tail
 * (in order, and out of order). */
static void test_tmr_notice_names_aborted_command(void)
{
    for (int ooo = 0; ooo <= 1; ooo++) {
        struct fake f;
        struct vtl_tcmu_ring r;
        struct vtl_tcmu_req qa, qt, qb;
        fake_init(&f, 4096, TCMU_MAILBOX_FLAG_CAP_TMR | (ooo ? TCMU_MAILBOX_FLAG_CAP_OOOC : 0));
        CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
        uint16_t a = fake_queue(&f, tur, sizeof tur, 0, NULL);
        CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &qa), VTL_TCMU_OK);
        uint32_t notice_at = mbox(&f)->cmd_head;
        fake_queue_tmr(&f, TCMU_TMR_ABORT_TASK, &a, 1, 1);
        uint16_t b = fake_queue(&f, inq, sizeof inq, 0, NULL);
        CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &qt), VTL_TCMU_TMR);
        CU_ASSERT_EQUAL(qt.tmr_type, TCMU_TMR_ABORT_TASK);
        CU_ASSERT_EQUAL(qt.cmd_id, 0);
        CU_ASSERT_EQUAL(qt.data_len, 0);
        CU_ASSERT_EQUAL_FATAL(qt.n_tmr_ids, 1);
        CU_ASSERT_EQUAL(qt.tmr_ids[0], a);
        CU_ASSERT_EQUAL(qt.n_tmr_ids_dropped, 0);
        CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &qb), VTL_TCMU_OK);
        CU_ASSERT_EQUAL(qb.cmd_id, b);
        CU_ASSERT_EQUAL(qb.n_tmr_ids, 0);
        CU_ASSERT_EQUAL(vtl_tcmu_ring_next(&r, &qb), VTL_TCMU_EMPTY);
        uint32_t last = 0, rl[2];
        uint16_t ids[2];
        uint8_t st[2];
        /* the aborted command answers last when the kernel takes any order */
        vtl_tcmu_ring_complete(&r, ooo ? b : a, 0x00, NULL, 0, -1);
        vtl_tcmu_ring_complete(&r, ooo ? a : b, 0x40, NULL, 0, -1);
        CU_ASSERT_FALSE(vtl_tcmu_ring_busy(&r));
        CU_ASSERT_EQUAL(mbox(&f)->cmd_tail, mbox(&f)->cmd_head);
        CU_ASSERT_EQUAL_FATAL(fake_reap(&f, &last, ids, st, rl), 2);
        CU_ASSERT_EQUAL(ids[0], ooo ? b : a);
        CU_ASSERT_EQUAL(ids[1], ooo ? a : b);
        /* the notice itself was never overwritten by a response */
        struct tcmu_tmr_entry *t = (void *)(f.map + CMDR_OFF + notice_at);
        CU_ASSERT_EQUAL(tcmu_hdr_get_op(t->hdr.len_op), TCMU_OP_TMR);
        free(f.map);
    }
}

/* LUN RESET with no command outstanding (the kernel still notifies, with no ids), a
 * notice across the ring's end (PAD first), and a count larger than the entry: clipped to
 * what the entry holds, the rest reported as dropped. */
static void test_tmr_lun_reset_wrap_and_clipped_count(void)
{
    struct fake f;
    struct vtl_tcmu_ring r;
    struct vtl_tcmu_req q;
    fake_init(&f, 512, TCMU_MAILBOX_FLAG_CAP_TMR);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
    fake_queue_tmr(&f, TCMU_TMR_LUN_RESET, NULL, 0, 0);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_TMR);
    CU_ASSERT_EQUAL(q.tmr_type, TCMU_TMR_LUN_RESET);
    CU_ASSERT_EQUAL(q.n_tmr_ids, 0);
    /* TURs (120-byte entries) until 41-160 bytes are left before the end of the ring */
    while (512 - mbox(&f)->cmd_head > 160) {
        fake_queue(&f, tur, sizeof tur, 0, NULL);
        CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_OK);
        vtl_tcmu_ring_complete(&r, q.cmd_id, 0, NULL, 0, -1);
    }
    /* a notice one id too long for the room left: PAD, then the notice at offset 0 */
    uint32_t room = 512 - mbox(&f)->cmd_head;
    uint32_t n = (room - 32) / 2 + 1;
    uint16_t ids[256];
    CU_ASSERT_TRUE_FATAL(room > 32 && n <= 256);
    for (uint32_t i = 0; i < n; i++)
        ids[i] = (uint16_t)(7 + 2 * i);
    fake_queue_tmr(&f, TCMU_TMR_LUN_RESET, ids, n, n + 50);
    uint32_t len = mbox(&f)->cmd_head;
    CU_ASSERT_TRUE_FATAL(len > room && len <= 512);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_TMR);
    CU_ASSERT_EQUAL(q.tmr_type, TCMU_TMR_LUN_RESET);
    uint32_t fits = (len - 32) / 2;   /* the 8-byte rounding leaves room for a few more */
    CU_ASSERT_EQUAL_FATAL(q.n_tmr_ids, fits);
    CU_ASSERT_EQUAL(memcmp(q.tmr_ids, ids, n * sizeof ids[0]), 0);
    CU_ASSERT_EQUAL(q.n_tmr_ids_dropped, n + 50 - fits);
    CU_ASSERT_EQUAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_EMPTY);
    /* a command after the notice completes at the tail, past PAD and notice */
    uint16_t id = fake_queue(&f, tur, sizeof tur, 0, NULL);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_OK);
    vtl_tcmu_ring_complete(&r, id, 0, NULL, 0, -1);
    CU_ASSERT_EQUAL(mbox(&f)->cmd_tail, mbox(&f)->cmd_head);
    free(f.map);
}

static void test_bad_iovec_refused(void)
{
    struct fake f;
    struct vtl_tcmu_ring r;
    struct vtl_tcmu_req q;
    fake_init(&f, 4096, 0);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
    uint64_t iov[1][2] = {{DATA_LEN - 8, 64}};   /* runs past the mapping */
    uint16_t id = fake_queue(&f, inq, sizeof inq, 1, iov);
    CU_ASSERT_EQUAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_EBADENT);
    CU_ASSERT_EQUAL(q.cmd_id, id);
    CU_ASSERT_EQUAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_EMPTY);   /* consumed */
    free(f.map);
}

static void test_gather_scatter_two_iovecs(void)
{
    struct fake f;
    struct vtl_tcmu_ring r;
    struct vtl_tcmu_req q;
    fake_init(&f, 4096, 0);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_open(&r, f.map, f.map_len), VTL_TCMU_OK);
    uint64_t iov[2][2] = {{8192, 4}, {0, 4}};
    static const uint8_t wr[6] = {0x0A, 0x00, 0, 0, 8, 0};
    fake_queue(&f, wr, sizeof wr, 2, iov);
    uint8_t *data = f.map + CMDR_OFF + 4096;
    memcpy(data + 8192, "abcd", 4);
    memcpy(data, "efgh", 4);
    CU_ASSERT_EQUAL_FATAL(vtl_tcmu_ring_next(&r, &q), VTL_TCMU_OK);
    CU_ASSERT_PTR_NULL(vtl_tcmu_req_flat(&r, &q));
    uint8_t buf[16];
    CU_ASSERT_EQUAL(vtl_tcmu_gather(&r, &q, buf, sizeof buf), 8);
    CU_ASSERT_EQUAL(memcmp(buf, "abcdefgh", 8), 0);
    vtl_tcmu_scatter(&r, &q, (const uint8_t *)"123456", 6);
    CU_ASSERT_EQUAL(memcmp(data + 8192, "1234", 4), 0);
    CU_ASSERT_EQUAL(memcmp(data, "56gh", 4), 0);
    free(f.map);
}

static void test_cdb_length_and_direction(void)
{
    CU_ASSERT_EQUAL(vtl_tcmu_cdb_len(0x00), 6);
    CU_ASSERT_EQUAL(vtl_tcmu_cdb_len(0x5A), 10);
    CU_ASSERT_EQUAL(vtl_tcmu_cdb_len(0xA5), 12);   /* MOVE MEDIUM */
    CU_ASSERT_EQUAL(vtl_tcmu_cdb_len(0x8C), 16);   /* READ ATTRIBUTE */
    CU_ASSERT_EQUAL(vtl_tcmu_cdb_len(0xE7), 10);   /* INITIALIZE ELEMENT STATUS WITH RANGE */
    CU_ASSERT_EQUAL(vtl_tcmu_cdb_len(0x7F), 0);
    static const uint8_t out[][1] = {{0x0A}, {0x15}, {0x55}, {0x8D}, {0x5F}, {0xB6}, {0x4C}};
    /* B5h: REQUEST VOLUME ELEMENT ADDRESS on a changer returns data */
    static const uint8_t in[][1] = {{0x08}, {0x12}, {0x1A}, {0xB8}, {0x8C}, {0x4D}, {0xA5},
                                    {0x00}, {0xB5}, {0xE7}};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
        CU_ASSERT_TRUE(vtl_tcmu_is_data_out(out[i]));
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        CU_ASSERT_FALSE(vtl_tcmu_is_data_out(in[i]));
}

static void test_uio_name_gives_lun(void)
{
    CU_ASSERT_EQUAL(vtl_tcmu_uio_lun("tcm-user/0/lun0/openrsm/lun0", "openrsm", 64), 0);
    CU_ASSERT_EQUAL(vtl_tcmu_uio_lun("tcm-user/3/d/openrsm/lun12", "openrsm", 64), 12);
    CU_ASSERT_EQUAL(vtl_tcmu_uio_lun("tcm-user/0/smc0/smc/lab", "openrsm", 64), -1);
    CU_ASSERT_EQUAL(vtl_tcmu_uio_lun("tcm-user/0/x/other/lun1", "openrsm", 64), -1);
    CU_ASSERT_EQUAL(vtl_tcmu_uio_lun("tcm-user/0/x/openrsm/lun", "openrsm", 64), -1);
    CU_ASSERT_EQUAL(vtl_tcmu_uio_lun("tcm-user/0/x/openrsm/lun-1", "openrsm", 64), -1);
    CU_ASSERT_EQUAL(vtl_tcmu_uio_lun("tcm-user/0/x/openrsm/lun2x", "openrsm", 64), -1);
    CU_ASSERT_EQUAL(vtl_tcmu_uio_lun("tcm-user/0/x/openrsm/lun65", "openrsm", 64), -1);
    CU_ASSERT_EQUAL(vtl_tcmu_uio_lun("uio_pdrv/openrsm/lun1", "openrsm", 64), -1);
}

static CU_TestInfo ring_tests[] = {
    {"open_checks_mailbox", test_open_checks_mailbox},
    {"command_read_and_completed_with_sense", test_command_read_and_completed_with_sense},
    {"read_len_only_when_offered", test_read_len_only_when_offered},
    {"wrap_skips_pad", test_wrap_skips_pad},
    {"out_of_order_completion", test_out_of_order_completion},
    {"restart_serves_unanswered", test_restart_serves_unanswered},
    {"tmr_notice_names_aborted_command", test_tmr_notice_names_aborted_command},
    {"tmr_lun_reset_wrap_and_clipped_count", test_tmr_lun_reset_wrap_and_clipped_count},
    {"bad_iovec_refused", test_bad_iovec_refused},
    {"gather_scatter_two_iovecs", test_gather_scatter_two_iovecs},
    {"cdb_length_and_direction", test_cdb_length_and_direction},
    {"uio_name_gives_lun", test_uio_name_gives_lun},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"tcmu_ring", NULL, NULL, NULL, NULL, ring_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {suites, NULL};
    return cutest_main(argc, argv, tables);
}
