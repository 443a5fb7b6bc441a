/* SPDX-License-Identifier: MIT
 * sim/core/clock.c - zero/real/scaled/virtual clock with a time-ordered event queue.
 *
 * The queue is a sorted singly linked list: a library has a handful of pending events
 * (one robot motion, a few drive timers), so insertion cost does not matter and the
 * order (time, then sequence) is obvious to the reader.
 */
#include "sim/core/clock.h"

#include <stdlib.h>
#include <time.h>

struct vtl_event {
    struct vtl_event *next;
    uint64_t id;
    uint64_t due_us;
    vtl_event_fn *fn;
    void *arg;
};

struct vtl_clock {
    enum vtl_clock_mode mode;
    double scale;
    uint64_t start_real_us; /* REAL/SCALED: monotonic time at creation */
    uint64_t virt_us;       /* VIRTUAL/ZERO: current time */
    uint64_t next_id;
    unsigned n_pending;
    struct vtl_event *head;
};

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct vtl_clock *vtl_clock_new(enum vtl_clock_mode mode, double scale)
{
    if (mode < VTL_CLOCK_ZERO || mode > VTL_CLOCK_VIRTUAL)
        return NULL;
    if (mode == VTL_CLOCK_SCALED && !(scale > 0.0))
        return NULL;
    struct vtl_clock *clk = calloc(1, sizeof *clk);
    if (!clk)
        return NULL;
    clk->mode = mode;
    clk->scale = mode == VTL_CLOCK_SCALED ? scale : 1.0;
    clk->start_real_us = mono_us();
    clk->next_id = 1;
    return clk;
}

void vtl_clock_free(struct vtl_clock *clk)
{
    if (!clk)
        return;
    while (clk->head) {
        struct vtl_event *e = clk->head;
        clk->head = e->next;
        free(e);
    }
    free(clk);
}

enum vtl_clock_mode vtl_clock_mode(const struct vtl_clock *clk)
{
    return clk->mode;
}

uint64_t vtl_clock_now_us(const struct vtl_clock *clk)
{
    switch (clk->mode) {
    case VTL_CLOCK_REAL:
        return mono_us() - clk->start_real_us;
    case VTL_CLOCK_SCALED:
        return (uint64_t)((double)(mono_us() - clk->start_real_us) * clk->scale);
    default:
        return clk->virt_us;
    }
}

uint64_t vtl_clock_effective_us(const struct vtl_clock *clk, uint64_t us)
{
    return clk->mode == VTL_CLOCK_ZERO ? 0 : us;
}

uint64_t vtl_clock_schedule(struct vtl_clock *clk, uint64_t delay_us, vtl_event_fn *fn, void *arg)
{
    struct vtl_event *e = calloc(1, sizeof *e);
    if (!e)
        return 0;
    uint64_t now = vtl_clock_now_us(clk);
    e->id = clk->next_id++;
    e->due_us = delay_us > UINT64_MAX - now ? UINT64_MAX : now + delay_us;
    e->fn = fn;
    e->arg = arg;
    /* Stable insertion: after every event due at or before ours. */
    struct vtl_event **pp = &clk->head;
    while (*pp && (*pp)->due_us <= e->due_us)
        pp = &(*pp)->next;
    e->next = *pp;
    *pp = e;
    clk->n_pending++;
    return e->id;
}

bool vtl_clock_cancel(struct vtl_clock *clk, uint64_t id)
{
    for (struct vtl_event **pp = &clk->head; *pp; pp = &(*pp)->next) {
        if ((*pp)->id == id) {
            struct vtl_event *e = *pp;
            *pp = e->next;
            free(e);
            clk->n_pending--;
            return true;
        }
    }
    return false;
}

/* Pops and runs the head if it is due at @now. The event is unlinked before its function
 * runs, so the function may schedule or cancel freely. */
static bool run_one(struct vtl_clock *clk, uint64_t now)
{
    struct vtl_event *e = clk->head;
    if (!e || e->due_us > now)
        return false;
    clk->head = e->next;
    clk->n_pending--;
    vtl_event_fn *fn = e->fn;
    void *arg = e->arg;
    free(e);
    fn(arg);
    return true;
}

unsigned vtl_clock_run_due(struct vtl_clock *clk)
{
    unsigned n = 0;
    while (run_one(clk, vtl_clock_now_us(clk)))
        n++;
    return n;
}

unsigned vtl_clock_advance(struct vtl_clock *clk, uint64_t us)
{
    if (clk->mode != VTL_CLOCK_VIRTUAL && clk->mode != VTL_CLOCK_ZERO)
        return vtl_clock_run_due(clk);
    uint64_t target = us > UINT64_MAX - clk->virt_us ? UINT64_MAX : clk->virt_us + us;
    unsigned n = 0;
    /* Step to each event's own time so an event that schedules another sees the right now. */
    while (clk->head && clk->head->due_us <= target) {
        if (clk->head->due_us > clk->virt_us)
            clk->virt_us = clk->head->due_us;
        if (run_one(clk, clk->virt_us))
            n++;
    }
    clk->virt_us = target;
    return n;
}

uint64_t vtl_clock_next_due_us(const struct vtl_clock *clk)
{
    if (!clk->head)
        return UINT64_MAX;
    uint64_t now = vtl_clock_now_us(clk);
    return clk->head->due_us <= now ? 0 : clk->head->due_us - now;
}

unsigned vtl_clock_pending(const struct vtl_clock *clk)
{
    return clk->n_pending;
}
