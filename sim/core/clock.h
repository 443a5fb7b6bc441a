/* SPDX-License-Identifier: MIT
 * sim/core/clock.h - the library's clock and its event queue.
 *
 * Every delay in the simulator (robot moves, inventories, exchanges; later loads and
 * rewinds) is an event on a vtl_clock, never a sleep(). Four modes:
 *   ZERO     every delay is 0: work that would wait completes in the call that starts it.
 *   REAL     wall-clock microseconds (CLOCK_MONOTONIC).
 *   SCALED   wall clock multiplied by a factor (10 = ten times faster than real hardware).
 *   VIRTUAL  time moves only in vtl_clock_advance(); scenarios run an hour of robotics in
 *            microseconds and are deterministic.
 * Events fire in time order, ties in the order scheduled. Nothing fires by itself: the
 * owner calls vtl_clock_run_due() (vtld's event loop, after polling with a timeout from
 * vtl_clock_next_due_us()) or, on a virtual clock, vtl_clock_advance().
 *
 * Threads: a clock belongs to the thread that owns its library (the event loop).
 */
#ifndef OPENRSM_SIM_CORE_CLOCK_H
#define OPENRSM_SIM_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

enum vtl_clock_mode {
    VTL_CLOCK_ZERO = 0,
    VTL_CLOCK_REAL = 1,
    VTL_CLOCK_SCALED = 2,
    VTL_CLOCK_VIRTUAL = 3,
};

struct vtl_clock;
typedef void vtl_event_fn(void *arg);

/* New clock at time 0. @scale is used by SCALED only (must be > 0; e.g. 10.0 runs ten
 * times faster than real time). Returns NULL on allocation failure or a bad @scale. Owned:
 * free with vtl_clock_free(), which drops pending events without running them. */
struct vtl_clock *vtl_clock_new(enum vtl_clock_mode mode, double scale);
void vtl_clock_free(struct vtl_clock *clk);

enum vtl_clock_mode vtl_clock_mode(const struct vtl_clock *clk);

/* Current simulated time in microseconds since the clock was created. */
uint64_t vtl_clock_now_us(const struct vtl_clock *clk);

/* Simulated delay -> the delay this clock really applies: 0 on ZERO, @us otherwise (the
 * SCALED clock scales time itself, so callers always think in simulated time). */
uint64_t vtl_clock_effective_us(const struct vtl_clock *clk, uint64_t us);

/* Schedules @fn(@arg) @delay_us of simulated time from now. Returns an event id (> 0),
 * or 0 on allocation failure (nothing scheduled). A delay of 0 still waits for the next
 * vtl_clock_run_due(): callers that want "now" call @fn themselves. */
uint64_t vtl_clock_schedule(struct vtl_clock *clk, uint64_t delay_us, vtl_event_fn *fn, void *arg);

/* Removes a pending event; false if it already ran or never existed. */
bool vtl_clock_cancel(struct vtl_clock *clk, uint64_t id);

/* Runs every event due at the current time (events scheduled by a running event with
 * delay 0 run in the same call). Returns how many ran. */
unsigned vtl_clock_run_due(struct vtl_clock *clk);

/* Virtual clock: moves time forward by @us, running each event at its own time in order.
 * On other modes it only runs what is due (time is not theirs to move). Returns events run. */
unsigned vtl_clock_advance(struct vtl_clock *clk, uint64_t us);

/* Simulated microseconds until the next event (0 if one is due), or UINT64_MAX if none. */
uint64_t vtl_clock_next_due_us(const struct vtl_clock *clk);

/* Number of pending events. */
unsigned vtl_clock_pending(const struct vtl_clock *clk);

#endif
