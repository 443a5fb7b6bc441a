/* SPDX-License-Identifier: MIT
 * sim/iscsi/tests/fake_backend.h - a test double for the iSCSI backend interface: a few
 * LUNs (LUN 0 a medium changer, 1-2 tape drives, 3 a small SBC disk so that libiscsi's
 * own iSCSI conformance tests, which need block commands, can run) that answer INQUIRY,
 * TEST UNIT READY, REQUEST SENSE, WRITE BUFFER / READ BUFFER (mode 02h, data) on a memory
 * buffer, and on the disk READ CAPACITY and READ/WRITE(10/12/16), can hold commands and complete them later (from the tick, like a library
 * clock), and record task management and nexus calls. Used by test_iscsi, the fuzz target
 * and the loopback benchmark; never by the library.
 *
 * Thread: everything runs on the server's loop thread; counters are read by tests with
 * atomic loads.
 */
#ifndef OPENRSM_SIM_ISCSI_TESTS_FAKE_BACKEND_H
#define OPENRSM_SIM_ISCSI_TESTS_FAKE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/iscsi/iscsi.h"

#define FAKE_N_LUNS     4
#define FAKE_DISK_LUN   3
#define FAKE_BLOCK      512
#define FAKE_BUF_LEN    (2u << 20)
#define FAKE_MAX_PENDING 64

struct fake_backend {
    uint8_t *buf[FAKE_N_LUNS];            /* WRITE/READ BUFFER data, FAKE_BUF_LEN each */
    bool defer;                           /* submit returns PENDING; tick completes */
    unsigned defer_ticks;                 /* ticks a deferred command waits */
    bool slow_abort;                      /* task_mgmt leaves aborted commands to the tick */
    struct vtl_cmd *pending[FAKE_MAX_PENDING];
    unsigned pending_age[FAKE_MAX_PENDING];
    uint16_t pending_lun[FAKE_MAX_PENDING];
    size_t n_pending;
    /* counters (atomic access) */
    unsigned n_submit, n_tmf, n_nexus_open, n_nexus_close, n_late_done, n_aborted;
    int last_tmf_fn;
    size_t last_cdb_len;
    size_t last_data_out_len;
    const uint8_t *last_data_out;         /* where the last write's data was (in the engine) */
    uint16_t last_tmf_lun;
};

extern const struct vtl_iscsi_backend_ops fake_backend_ops;

/* Allocates the LUN buffers; returns false on allocation failure. */
bool fake_backend_init(struct fake_backend *fb);
void fake_backend_fini(struct fake_backend *fb);
/* Tick callback: completes deferred commands whose time has come. */
void fake_backend_tick(void *fb);
unsigned fake_get(const unsigned *counter);

#endif
