/* SPDX-License-Identifier: MIT
 * sim/drive/drive_fault.c - injected drive faults (the fault API, vtlctl, scenarios):
 * hard failure, unreadable blocks, write errors, going not ready in the middle of a
 * write sequence, slow commands, and clearing them. What hosts see follows from the
 * state set here (drive.c and drive_ssc.c read it).
 */
#include "sim/drive/drive_int.h"

void vtl_drive_fault_hard(struct vtl_drive *d, uint16_t asc_ascq)
{
    d->failed = true;
    d->fail_asc = asc_ascq ? asc_ascq : DRV_ASC_INTERNAL_FAILURE;
    d->ta_latched |= T10_TA_FLAG(T10_TA_HARDWARE_A);
}

enum vtl_drive_rc vtl_drive_fault_read_error(struct vtl_drive *d, unsigned partition,
                                             uint64_t object)
{
    if (d->n_read_faults == DRV_MAX_READ_FAULTS)
        return VTL_DRIVE_ENOMEM;
    d->read_fault[d->n_read_faults].partition = partition;
    d->read_fault[d->n_read_faults].object = object;
    d->n_read_faults++;
    return VTL_DRIVE_OK;
}

void vtl_drive_fault_write_error(struct vtl_drive *d, unsigned count)
{
    d->write_faults = count;
}

enum vtl_drive_rc vtl_drive_fault_next_cmd(struct vtl_drive *d, int opcode, uint8_t key,
                                           uint16_t asc_ascq, unsigned count)
{
    if (!count || key > 0xF || opcode < -1 || opcode > 0xFF)
        return VTL_DRIVE_EINVAL;
    d->next_faults = count;
    d->next_opcode = opcode;
    d->next_key = key;
    d->next_asc = asc_ascq;
    return VTL_DRIVE_OK;
}

static void nr_over(void *arg)
{
    struct vtl_drive *d = arg;
    d->nr_event = 0;
    d->nr_active = false;
    drv_ua_all(d, DRV_ASC_MEDIUM_CHANGED, 0);
}

static void nr_start(struct vtl_drive *d)
{
    d->nr_armed = false;
    d->nr_active = true;
    if (d->nr_duration_us != UINT64_MAX) {
        uint64_t us = drv_eff_us(d, d->nr_duration_us);
        if (!us || !(d->nr_event = vtl_clock_schedule(d->clk, us, nr_over, d)))
            nr_over(d);
    }
}

void vtl_drive_fault_not_ready(struct vtl_drive *d, unsigned after_writes, uint64_t duration_us)
{
    d->nr_armed = true;
    d->nr_after_writes = after_writes;
    d->nr_duration_us = duration_us;
    if (!after_writes)
        nr_start(d);
}

void drv_after_write(struct vtl_drive *d)
{
    if (d->nr_armed && d->nr_after_writes && --d->nr_after_writes == 0)
        nr_start(d);
}

void vtl_drive_fault_slow(struct vtl_drive *d, uint64_t extra_us)
{
    d->slow_us = extra_us;
}

void vtl_drive_fault_clear(struct vtl_drive *d)
{
    d->failed = false;
    d->fail_asc = 0;
    d->n_read_faults = 0;
    d->write_faults = 0;
    d->next_faults = 0;
    d->nr_armed = false;
    d->slow_us = 0;
    drv_cancel_event(d, &d->nr_event);
    if (d->nr_active) {
        d->nr_active = false;
        drv_ua_all(d, DRV_ASC_MEDIUM_CHANGED, 0);
    }
}

