/* SPDX-License-Identifier: MIT
 * sim/drive/drive.c - a virtual LTO drive's life cycle: creation, the load state machine
 * (drive.h has the diagram), unit attentions per nexus, sense building, clock events,
 * the cleaning cycle, reset and the command dispatcher.
 *
 * Transitions and the function performing each:
 *   EMPTY -> THREADING       vtl_drive_load() (robot put a data cartridge in)
 *   EMPTY -> CLEANING        vtl_drive_load() (cleaning cartridge with uses left)
 *   EMPTY -> EJECTED         vtl_drive_load() (expired cleaner: TapeAlert 22, ejected)
 *   THREADING -> READY       load_done() on the clock; UA 28/00 to every nexus
 *   READY -> EJECTED/HELD    drv_host_load(load = 0) (LOAD UNLOAD unload, HOLD keeps it)
 *   EJECTED/HELD -> THREADING drv_host_load(load = 1)
 *   CLEANING -> EJECTED      clean_done() on the clock
 *   any -> EMPTY             vtl_drive_unload() (robot took the cartridge)
 * Failure (vtl_drive_fault_hard) is an overlay over these states, so clearing it returns
 * the drive to where it was.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "scsi/sense.h"
#include "sim/drive/drive_int.h"

static const struct drv_personality personalities[] = {
    [VTL_DRIVE_IBM] = {"IBM", "Q3F1", 0x005076, "IBM", 0x800000},
    [VTL_DRIVE_HPE] = {"HPE", "J4DB", 0x0017A4, "HPE", 0xFFFFFF},
};

/* Vendor identifications each personality answers to (older HP libraries report "HP"). */
static const struct { const char *vendor; enum vtl_drive_personality pers; } vendor_names[] = {
    {"IBM", VTL_DRIVE_IBM}, {"HPE", VTL_DRIVE_HPE}, {"HP", VTL_DRIVE_HPE},
};

enum vtl_drive_rc vtl_drive_personality_for(const char *vendor, enum vtl_drive_personality *out)
{
    for (size_t i = 0; vendor && i < sizeof vendor_names / sizeof vendor_names[0]; i++)
        if (!strcasecmp(vendor, vendor_names[i].vendor)) {
            *out = vendor_names[i].pers;
            return VTL_DRIVE_OK;
        }
    return VTL_DRIVE_EINVAL;
}

static void account_threaded_time(struct vtl_drive *d);

#define DEF_LOAD_US (15u * 1000000u)
#define DEF_UNLOAD_US (12u * 1000000u)
#define DEF_WIND_US (90u * 1000000u)
#define DEF_CLEAN_US (60u * 1000000u)

const char *vtl_drive_rc_name(enum vtl_drive_rc rc)
{
    switch (rc) {
    case VTL_DRIVE_OK: return "VTL_DRIVE_OK";
    case VTL_DRIVE_EINVAL: return "VTL_DRIVE_EINVAL";
    case VTL_DRIVE_ENOMEM: return "VTL_DRIVE_ENOMEM";
    case VTL_DRIVE_ESTATE: return "VTL_DRIVE_ESTATE";
    case VTL_DRIVE_EMEDIUM: return "VTL_DRIVE_EMEDIUM";
    }
    return "VTL_DRIVE_?";
}

const char *vtl_drive_state_name(enum vtl_drive_state s)
{
    static const char *const names[] = {"EMPTY", "THREADING", "READY", "HELD",
                                        "EJECTED", "CLEANING", "FAILED"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static uint64_t def_delay(uint64_t v, uint64_t def)
{
    if (v == VTL_DRIVE_NO_DELAY)
        return 0;
    return v ? v : def;
}

enum vtl_drive_rc vtl_drive_create(const struct vtl_drive_config *cfg, struct vtl_drive **out)
{
    *out = NULL;
    unsigned gen = cfg->ident && cfg->ident->gen ? cfg->ident->gen : cfg->gen ? cfg->gen : 8;
    if (gen < 5 || gen > 9 || !cfg->state_dir ||
        (unsigned)cfg->personality >= sizeof personalities / sizeof personalities[0])
        return VTL_DRIVE_EINVAL;
    struct vtl_drive *d = calloc(1, sizeof *d);
    if (!d)
        return VTL_DRIVE_ENOMEM;
    d->state_dir = strdup(cfg->state_dir);
    if (!d->state_dir) {
        free(d);
        return VTL_DRIVE_ENOMEM;
    }
    d->cfg = *cfg;
    d->cfg.gen = gen;
    d->cfg.state_dir = d->state_dir;
    d->cfg.serial = NULL; /* borrowed during create only */
    d->cfg.ident = NULL;
    d->cfg.load_us = def_delay(cfg->load_us, DEF_LOAD_US);
    d->cfg.unload_us = def_delay(cfg->unload_us, DEF_UNLOAD_US);
    d->cfg.full_wind_us = def_delay(cfg->full_wind_us, DEF_WIND_US);
    d->cfg.clean_us = def_delay(cfg->clean_us, DEF_CLEAN_US);
    d->clk = cfg->clock;
    d->pers = &personalities[cfg->personality];
    snprintf(d->serial, sizeof d->serial, "%s", cfg->serial ? cfg->serial : "0000000000");
    snprintf(d->vendor, sizeof d->vendor, "%s", d->pers->vendor);
    if (cfg->personality == VTL_DRIVE_HPE)
        snprintf(d->product, sizeof d->product, "Ultrium %u-SCSI", gen);
    else
        snprintf(d->product, sizeof d->product, "ULT3580-TD%u", gen);
    snprintf(d->revision, sizeof d->revision, "%s", d->pers->revision);
    if (cfg->ident) { /* the bay's identity wins: the changer reports it as DVCID */
        const struct vtl_drive_ident *id = cfg->ident;
        if (id->vendor[0])
            snprintf(d->vendor, sizeof d->vendor, "%s", id->vendor);
        if (id->product[0])
            snprintf(d->product, sizeof d->product, "%s", id->product);
        if (id->revision[0])
            snprintf(d->revision, sizeof d->revision, "%s", id->revision);
        if (id->serial[0])
            snprintf(d->serial, sizeof d->serial, "%s", id->serial);
    }
    d->buffered_mode = 1;
    d->compression = true; /* LTO drives power on with compression enabled */
    d->iec_mrie = 3;
    d->cleaner_uses_left = -1;
    drv_use_load(d);
    *out = d;
    return VTL_DRIVE_OK;
}

static void finish_pending(struct vtl_drive *d, uint8_t status)
{
    struct vtl_cmd *cmd = d->pending;
    if (!cmd)
        return;
    if (d->pending_event && d->clk)
        (void)vtl_clock_cancel(d->clk, d->pending_event); /* may have just run: fine */
    d->pending = NULL;
    d->pending_event = 0;
    if (status != VTL_STATUS_GOOD) {
        cmd->status = status;
        cmd->sense_len = 0;
        cmd->data_in_len = 0;
    }
    if (cmd->done)
        cmd->done(cmd);
}

void drv_cancel_event(struct vtl_drive *d, uint64_t *ev)
{
    if (*ev && d->clk)
        (void)vtl_clock_cancel(d->clk, *ev); /* false only if it already ran */
    *ev = 0;
}

static void close_tape(struct vtl_drive *d)
{
    if (d->tape) {
        (void)vtl_tape_close(d->tape); /* flush errors have no host to report to now */
        d->tape = NULL;
    }
}

void vtl_drive_destroy(struct vtl_drive *d)
{
    if (!d)
        return;
    finish_pending(d, VTL_STATUS_TASK_ABORTED);
    drv_cancel_event(d, &d->state_event);
    drv_cancel_event(d, &d->nr_event);
    account_threaded_time(d);
    drv_use_save(d);
    close_tape(d);
    free(d->state_dir);
    free(d);
}

uint64_t drv_now(const struct vtl_drive *d)
{
    return d->clk ? vtl_clock_now_us(d->clk) : 0;
}

uint64_t drv_eff_us(const struct vtl_drive *d, uint64_t us)
{
    return d->clk ? vtl_clock_effective_us(d->clk, us) : 0;
}

/* ---- nexus table and unit attentions ------------------------------------------------ */

static void ua_push(struct drv_nexus *nx, uint16_t asc)
{
    for (unsigned i = 0; i < nx->n_ua; i++)
        if (nx->ua[i] == asc)
            return;
    if (nx->n_ua == DRV_UA_MAX) { /* keep the newest: drop the oldest condition */
        memmove(nx->ua, nx->ua + 1, (DRV_UA_MAX - 1) * sizeof nx->ua[0]);
        nx->n_ua--;
    }
    nx->ua[nx->n_ua++] = asc;
}

/* Reset and power-on (29/xx) outrank everything else a nexus has queued (SAM-5 5.14). */
static uint16_t ua_take(struct drv_nexus *nx)
{
    if (!nx->n_ua)
        return 0;
    unsigned best = 0;
    for (unsigned i = 0; i < nx->n_ua; i++)
        if (T10_ASC_OF(nx->ua[i]) == 0x29) {
            best = i;
            break;
        }
    uint16_t asc = nx->ua[best];
    memmove(nx->ua + best, nx->ua + best + 1, (nx->n_ua - best - 1) * sizeof nx->ua[0]);
    nx->n_ua--;
    return asc;
}

struct drv_nexus *drv_nexus(struct vtl_drive *d, uint64_t id)
{
    struct drv_nexus *free_slot = NULL, *oldest = &d->nx[0];
    d->cmd_counter++;
    if (id == 0)
        id = UINT64_MAX; /* 0 marks a free slot: give nexus 0 another name */
    for (unsigned i = 0; i < DRV_MAX_NEXUS; i++) {
        struct drv_nexus *nx = &d->nx[i];
        if (nx->id == id) {
            nx->last_use = d->cmd_counter;
            return nx;
        }
        if (!nx->id && !free_slot)
            free_slot = nx;
        if (nx->last_use < oldest->last_use)
            oldest = nx;
    }
    /* A nexus the drive has not seen is a new I_T nexus: it starts with the power-on
     * unit attention, as after a real drive's power-up (Linux st expects it at open). */
    struct drv_nexus *nx = free_slot ? free_slot : oldest;
    memset(nx, 0, sizeof *nx);
    nx->id = id;
    nx->last_use = d->cmd_counter;
    ua_push(nx, DRV_ASC_POWER_ON);
    return nx;
}

void drv_ua_all(struct vtl_drive *d, uint16_t asc, uint64_t except_id)
{
    for (unsigned i = 0; i < DRV_MAX_NEXUS; i++)
        if (d->nx[i].id && d->nx[i].id != except_id)
            ua_push(&d->nx[i], asc);
}

void vtl_drive_nexus_lost(struct vtl_drive *d, uint64_t nexus_id)
{
    if (nexus_id == 0)
        nexus_id = UINT64_MAX;
    for (unsigned i = 0; i < DRV_MAX_NEXUS; i++)
        if (d->nx[i].id == nexus_id)
            memset(&d->nx[i], 0, sizeof d->nx[i]);
    if (d->resv_holder == nexus_id)
        d->resv_holder = 0;
}

bool drv_prevented(const struct vtl_drive *d)
{
    for (unsigned i = 0; i < DRV_MAX_NEXUS; i++)
        if (d->nx[i].id && d->nx[i].prevent)
            return true;
    return false;
}

/* ---- sense -------------------------------------------------------------------------- */

void drv_set_good(struct vtl_cmd *cmd)
{
    cmd->status = VTL_STATUS_GOOD;
    cmd->sense_len = 0;
}

void drv_set_sense(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_sense *s)
{
    struct t10_sense copy = *s;
    copy.descriptor = d->d_sense;
    if (!copy.descriptor && copy.info_valid)
        copy.info &= UINT32_C(0xFFFFFFFF); /* fixed format: INFORMATION is 32 bits */
    cmd->status = VTL_STATUS_CHECK_CONDITION;
    size_t n = t10_sense_build(cmd->sense, sizeof cmd->sense, &copy);
    cmd->sense_len = n < sizeof cmd->sense ? n : sizeof cmd->sense;
}

void drv_fail(struct vtl_drive *d, struct vtl_cmd *cmd, uint8_t key, uint16_t asc)
{
    struct t10_sense s;
    t10_sense_init(&s, d->d_sense, key, asc);
    drv_set_sense(d, cmd, &s);
}

void drv_fail_field(struct vtl_drive *d, struct vtl_cmd *cmd, uint16_t asc, uint16_t byte,
                    int bit, bool cd)
{
    struct t10_field_ptr f = {.byte = byte, .bit = (uint8_t)(bit < 0 ? 0 : bit),
                              .bpv = bit >= 0, .cd = cd};
    struct t10_sense s;
    t10_sense_init_field(&s, d->d_sense, asc, &f);
    drv_set_sense(d, cmd, &s);
}

void drv_fail_info(struct vtl_drive *d, struct vtl_cmd *cmd, uint8_t key, uint16_t asc,
                   int64_t info, bool filemark, bool eom, bool ili)
{
    struct t10_sense s;
    t10_sense_init(&s, d->d_sense, key, asc);
    s.info_valid = true;
    s.info = (uint64_t)info; /* two's complement: negative residues stay negative */
    s.filemark = filemark;
    s.eom = eom;
    s.ili = ili;
    drv_set_sense(d, cmd, &s);
}

void drv_put_data(struct vtl_cmd *cmd, const uint8_t *buf, size_t len, size_t alloc)
{
    size_t n = len < alloc ? len : alloc;
    if (!cmd->data_in)
        n = 0;
    if (n > cmd->data_in_cap)
        n = cmd->data_in_cap;
    if (n)
        memcpy(cmd->data_in, buf, n);
    cmd->data_in_len = n;
}

/* ---- clock -------------------------------------------------------------------------- */

static void pending_fire(void *arg)
{
    struct vtl_drive *d = arg;
    d->pending_event = 0;
    finish_pending(d, VTL_STATUS_GOOD);
}

enum vtl_exec drv_complete_after(struct vtl_drive *d, struct vtl_cmd *cmd, uint64_t delay_us)
{
    uint64_t us = drv_eff_us(d, delay_us + d->slow_us);
    if (!us)
        return VTL_EXEC_DONE;
    uint64_t ev = vtl_clock_schedule(d->clk, us, pending_fire, d);
    if (!ev)
        return VTL_EXEC_DONE; /* no memory for the event: complete now rather than hang */
    d->pending = cmd;
    d->pending_event = ev;
    return VTL_EXEC_PENDING;
}

void drv_busy_for(struct vtl_drive *d, uint64_t delay_us)
{
    uint64_t us = drv_eff_us(d, delay_us + d->slow_us);
    if (us)
        d->busy_until_us = drv_now(d) + us;
}

uint64_t drv_wind_us(const struct vtl_drive *d, uint64_t bytes)
{
    if (!d->tape)
        return 0;
    struct vtl_tape_pos p;
    vtl_tape_position(d->tape, &p);
    if (!p.capacity)
        return 0;
    if (bytes > p.capacity)
        bytes = p.capacity;
    /* Tape speed is constant: time is proportional to the length wound. */
    return (uint64_t)((double)d->cfg.full_wind_us * (double)bytes / (double)p.capacity);
}

/* ---- generation rules --------------------------------------------------------------- */

static unsigned media_gen(enum vtl_media m)
{
    if (m >= VTL_MEDIA_LTO1 && m <= VTL_MEDIA_LTO9)
        return (unsigned)m;
    if (m == VTL_MEDIA_LTO7_M8)
        return 7;
    return 0;
}

uint8_t drv_density_of(enum vtl_media m)
{
    static const uint8_t codes[] = {0, 0x40, 0x42, 0x44, 0x46, 0x58, 0x5A, 0x5C, 0x5E, 0x60};
    if (m == VTL_MEDIA_LTO7_M8)
        return 0x5D;
    unsigned g = media_gen(m);
    return g ? codes[g] : 0;
}

/* LTO compatibility: up to LTO-7 a drive reads two generations back and writes one back;
 * LTO-8 reads and writes LTO-7 and LTO-8 (and LTO-7 initialised as M8); LTO-9 reads and
 * writes LTO-8 and LTO-9. */
void drv_gen_rules(const struct vtl_drive *d, enum vtl_media m, bool *rd, bool *wr)
{
    unsigned g = d->cfg.gen, c = media_gen(m);
    if (m == VTL_MEDIA_LTO7_M8) {
        *rd = *wr = g == 8;
        return;
    }
    if (!c) { /* unknown barcode suffix: a drive formats it as its own generation */
        *rd = *wr = true;
        return;
    }
    unsigned back = g <= 7 ? 2 : 1;
    *rd = c <= g && c + back >= g;
    *wr = c <= g && c + 1 >= g;
}

/* The tape store's media name for @m, written into @buf (the caller's: libraries on
 * different threads must not share a buffer). */
static const char *media_image_name(const struct vtl_drive *d, enum vtl_media m, char buf[8])
{
    if (m == VTL_MEDIA_LTO7_M8)
        return "LTO7M8";
    unsigned g = media_gen(m);
    snprintf(buf, 8, "LTO%u", g ? g : d->cfg.gen);
    return buf;
}

/* ---- loading ------------------------------------------------------------------------ */

/* A cartridge seen for the first time gets the medium attributes its MAM would carry
 * from the factory (read-only, SPC-4 Table 342): manufacturer, serial, date. */
static void stamp_new_medium(struct vtl_drive *d)
{
    char v[33];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(v, sizeof v, "%-8.8s", d->pers->manufacturer);
    (void)vtl_tape_attr_set(d->tape, 0x0400, 1, true, v, 8, true);
    snprintf(v, sizeof v, "%-32.32s", d->cart.barcode);
    (void)vtl_tape_attr_set(d->tape, 0x0401, 1, true, v, 32, true);
    snprintf(v, sizeof v, "%04d%02d%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
             tm.tm_mday % 100);
    (void)vtl_tape_attr_set(d->tape, 0x0406, 1, true, v, 8, true);
    /* best effort: a missing factory attribute is reported absent, nothing more */
}

static void open_image(struct vtl_drive *d)
{
    unsigned flags = d->cfg.nosync ? VTL_TAPE_OPEN_NOSYNC : 0;
    enum vtl_tape_rc rc = vtl_tape_open(d->state_dir, d->cart.barcode, flags, &d->tape);
    if (rc == VTL_TAPE_ENOENT) {
        char name_buf[8];
        struct vtl_tape_create_opts o = {
            .media = d->cart.cleaning ? "LTO8" : media_image_name(d, d->cart.media, name_buf),
            .capacity_bytes = d->cart.cleaning ? 1024 * 1024 : d->cfg.new_capacity_bytes,
            .worm = d->cart.worm,
            .open_flags = flags,
        };
        rc = vtl_tape_create(d->state_dir, d->cart.barcode, &o, &d->tape);
        if (rc == VTL_TAPE_OK)
            stamp_new_medium(d);
    }
    d->medium_bad = rc != VTL_TAPE_OK;
    if (d->medium_bad) {
        d->tape = NULL;
        return;
    }
    /* Libraries write the cartridge's label into MAM BARCODE (0806h) when it is loaded,
     * so hosts (sg_read_attr, LTFS, backup software) can tie the medium to its label. A
     * host may rewrite it; the library only fills it in when it is missing. */
    struct vtl_tape_attr a;
    if (vtl_tape_attr_get(d->tape, 0x0806, &a) != VTL_TAPE_OK) {
        char v[33];
        snprintf(v, sizeof v, "%-32.32s", d->cart.barcode);
        (void)vtl_tape_attr_set(d->tape, 0x0806, 1, false, v, 32, true);
    }
}

static void become_ready(struct vtl_drive *d)
{
    d->state = VTL_DRIVE_READY;
    d->threaded_at_us = drv_now(d);
    d->pos_lost = false;
    if (d->tape) {
        (void)vtl_tape_rewind(d->tape); /* a freshly threaded tape is at BOP */
        vtl_tape_count_load(d->tape);
        vtl_tape_get_counters(d->tape, &d->at_load);
        (void)vtl_tape_set_compression(d->tape, d->compression && d->cfg.compress_images); /* mode page 0Fh DCE */
        d->tape_total = drv_tape_total_bytes(d); /* ends at BOP of partition 0 */
    }
    drv_ua_all(d, DRV_ASC_MEDIUM_CHANGED, 0);
    drv_check_dirty(d);
}

static void load_done(void *arg)
{
    struct vtl_drive *d = arg;
    d->state_event = 0;
    if (d->state == VTL_DRIVE_THREADING)
        become_ready(d);
}

static void cleaner_store_uses(struct vtl_drive *d)
{
    if (!d->tape)
        return;
    uint8_t v[2] = {(uint8_t)(d->cleaner_uses_left >> 8), (uint8_t)d->cleaner_uses_left};
    (void)vtl_tape_attr_set(d->tape, DRV_CLEANER_USES_ATTR, 0, true, v, 2, true);
    /* best effort: the count also lives in the drive status */
}

static void clean_done(void *arg)
{
    struct vtl_drive *d = arg;
    d->state_event = 0;
    if (d->state != VTL_DRIVE_CLEANING)
        return;
    d->cleaner_uses_left--;
    cleaner_store_uses(d);
    /* The library's inventory shows the cleaner's remaining uses too (READ ELEMENT
     * STATUS, vtlctl status): tell it, so both counts agree. */
    if (d->cfg.library && d->cfg.elem_addr)
        (void)vtl_library_use_cleaner(d->cfg.library, d->cfg.elem_addr);
    d->cleanings++;
    d->dirty = false;
    d->since_clean_bytes = d->since_clean_loads = d->since_clean_us = 0;
    d->ta_latched &= ~(T10_TA_FLAG(T10_TA_CLEAN_NOW) | T10_TA_FLAG(T10_TA_CLEAN_PERIODIC));
    close_tape(d);
    d->state = VTL_DRIVE_EJECTED; /* cleaners leave the drive at the end of the cycle */
    drv_use_save(d);
}

/* Starts threading (or cleaning) the cartridge now in the drive. */
static void start_threading(struct vtl_drive *d)
{
    drv_cancel_event(d, &d->state_event);
    if (d->cart.cleaning) {
        if (!d->tape)
            open_image(d);
        if (d->tape) {
            struct vtl_tape_attr a;
            if (vtl_tape_attr_get(d->tape, DRV_CLEANER_USES_ATTR, &a) == VTL_TAPE_OK &&
                a.len == 2)
                d->cleaner_uses_left = a.value[0] << 8 | a.value[1];
            else {
                d->cleaner_uses_left = d->cart.cleaning_uses_left;
                cleaner_store_uses(d);
            }
        } else {
            d->cleaner_uses_left = d->cart.cleaning_uses_left;
        }
        if (d->cleaner_uses_left <= 0) {
            d->ta_latched |= T10_TA_FLAG(T10_TA_EXPIRED_CLEANING); /* expired cleaning media */
            close_tape(d);
            d->state = VTL_DRIVE_EJECTED;
            return;
        }
        d->ta_latched |= T10_TA_FLAG(T10_TA_CLEANING_MEDIA); /* cleaning media */
        d->state = VTL_DRIVE_CLEANING;
        uint64_t us = drv_eff_us(d, d->cfg.clean_us);
        if (!us || !(d->state_event = vtl_clock_schedule(d->clk, us, clean_done, d)))
            clean_done(d);
        return;
    }
    drv_gen_rules(d, d->cart.media, &d->readable, &d->writable);
    if (!d->readable)
        d->ta_latched |= T10_TA_FLAG(T10_TA_UNSUPPORTED_FORMAT); /* unsupported format */
    if (d->readable && !d->tape)
        open_image(d);
    d->state = VTL_DRIVE_THREADING;
    uint64_t us = drv_eff_us(d, d->cfg.load_us);
    if (!us || !(d->state_event = vtl_clock_schedule(d->clk, us, load_done, d)))
        become_ready(d);
}

void vtl_drive_load(struct vtl_drive *d, const struct vtl_cart_info *cart)
{
    if (d->state != VTL_DRIVE_EMPTY)
        vtl_drive_unload(d); /* the library never does this; direct callers might */
    d->cart = *cart;
    d->cart_gen = media_gen(cart->media);
    d->medium_bad = false;
    d->ta_latched &= ~(T10_TA_FLAG(T10_TA_UNSUPPORTED_FORMAT) | T10_TA_FLAG(T10_TA_EXPIRED_CLEANING) | T10_TA_FLAG(T10_TA_WRITE_PROTECT));
    if (!cart->cleaning) {
        d->loads++;
        d->since_clean_loads++;
    }
    start_threading(d);
    drv_use_save(d);
    vtl_drive_assert_state(d);
}

static void account_threaded_time(struct vtl_drive *d)
{
    if (d->state == VTL_DRIVE_READY) {
        d->since_clean_us += drv_now(d) - d->threaded_at_us;
        d->threaded_at_us = drv_now(d);
    }
}

void vtl_drive_unload(struct vtl_drive *d)
{
    finish_pending(d, VTL_STATUS_TASK_ABORTED);
    drv_cancel_event(d, &d->state_event);
    account_threaded_time(d);
    close_tape(d);
    memset(&d->cart, 0, sizeof d->cart);
    d->part_pending = false;
    d->state = VTL_DRIVE_EMPTY;
    d->readable = d->writable = false;
    d->medium_bad = false;
    d->busy_until_us = 0;
    drv_check_dirty(d);
    drv_use_save(d);
    vtl_drive_assert_state(d);
}

bool vtl_drive_may_remove(struct vtl_drive *d)
{
    if (drv_prevented(d))
        return false;
    switch (d->state) {
    case VTL_DRIVE_EMPTY:
    case VTL_DRIVE_EJECTED:
        return true;
    case VTL_DRIVE_READY:
    case VTL_DRIVE_THREADING:
        return d->cfg.auto_eject; /* the drive unloads itself for the robot */
    default:
        return false;
    }
}

static void ops_loaded(void *priv, const struct vtl_cart_info *cart) { vtl_drive_load(priv, cart); }
static void ops_unloaded(void *priv) { vtl_drive_unload(priv); }
static bool ops_may_remove(void *priv) { return vtl_drive_may_remove(priv); }

const struct vtl_drive_ops *vtl_drive_library_ops(void)
{
    static const struct vtl_drive_ops ops = {ops_loaded, ops_unloaded, ops_may_remove};
    return &ops;
}

enum vtl_exec drv_host_load(struct vtl_drive *d, struct vtl_cmd *cmd, bool load, bool hold,
                            bool immed)
{
    struct drv_nexus *nx = drv_nexus(d, cmd->nexus_id);
    switch (d->state) {
    case VTL_DRIVE_EMPTY:
        drv_fail(d, cmd, DRV_KEY_NOT_READY, DRV_ASC_NO_MEDIUM);
        return VTL_EXEC_DONE;
    case VTL_DRIVE_THREADING:
    case VTL_DRIVE_CLEANING:
        drv_fail(d, cmd, DRV_KEY_NOT_READY,
                 d->state == VTL_DRIVE_CLEANING ? DRV_ASC_CLEANING_CART : DRV_ASC_BECOMING_READY);
        return VTL_EXEC_DONE;
    default:
        break;
    }
    uint64_t us;
    if (load) {
        if (d->state == VTL_DRIVE_READY) { /* already loaded: LOAD positions at BOP */
            us = 0;
            if (d->tape) {
                struct vtl_tape_pos p;
                vtl_tape_position(d->tape, &p);
                us = drv_wind_us(d, p.bytes_at_pos);
                (void)vtl_tape_flush(d->tape);
                (void)vtl_tape_rewind(d->tape);
            }
            d->pos_lost = false;
        } else {
            /* Reload of an ejected or held cartridge: threads again; the command completes
             * after the load time. The requester knows; other nexuses get 28/00. */
            if (d->cart.cleaning) {
                start_threading(d);
                drv_set_good(cmd);
                return VTL_EXEC_DONE;
            }
            if (!d->tape && d->readable)
                open_image(d);
            d->state = VTL_DRIVE_READY;
            d->threaded_at_us = drv_now(d);
            d->pos_lost = false;
            if (d->tape) {
                (void)vtl_tape_rewind(d->tape);
                vtl_tape_count_load(d->tape);
                vtl_tape_get_counters(d->tape, &d->at_load);
                (void)vtl_tape_set_compression(d->tape, d->compression && d->cfg.compress_images);
                d->tape_total = drv_tape_total_bytes(d);
            }
            d->loads++;
            d->since_clean_loads++;
            drv_ua_all(d, DRV_ASC_MEDIUM_CHANGED, nx->id);
            drv_check_dirty(d);
            drv_use_save(d);
            us = d->cfg.load_us;
        }
    } else {
        if (drv_prevented(d) && !hold) {
            drv_fail(d, cmd, DRV_KEY_ILLEGAL, DRV_ASC_REMOVAL_PREVENTED);
            return VTL_EXEC_DONE;
        }
        us = d->cfg.unload_us;
        if (d->state == VTL_DRIVE_READY && d->tape) {
            struct vtl_tape_pos p;
            vtl_tape_position(d->tape, &p);
            us += drv_wind_us(d, p.bytes_at_pos);
            (void)vtl_tape_flush(d->tape);
            (void)vtl_tape_rewind(d->tape);
        }
        account_threaded_time(d);
        if (!hold)
            close_tape(d);
        d->state = hold ? VTL_DRIVE_HELD : VTL_DRIVE_EJECTED;
        drv_check_dirty(d);
        drv_use_save(d);
    }
    drv_set_good(cmd);
    vtl_drive_assert_state(d);
    if (immed) {
        drv_busy_for(d, us);
        return VTL_EXEC_DONE;
    }
    return drv_complete_after(d, cmd, us);
}

void vtl_drive_reset(struct vtl_drive *d)
{
    finish_pending(d, VTL_STATUS_TASK_ABORTED);
    d->busy_until_us = 0;
    for (unsigned i = 0; i < DRV_MAX_NEXUS; i++) {
        d->nx[i].prevent = false;
        if (d->nx[i].id)
            ua_push(&d->nx[i], DRV_ASC_POWER_ON);
    }
    d->resv_holder = 0;
    d->block_len = 0; /* mode parameters back to their power-on values */
    d->buffered_mode = 1;
    d->d_sense = false;
    d->compression = true;
    d->iec_dexcpt = d->iec_test = d->iec_armed = false;
    d->iec_mrie = 3;
    d->iec_interval = d->iec_report_count = 0;
    if (d->tape)
        (void)vtl_tape_flush(d->tape); /* data the host sent is kept across a reset */
    if (d->state == VTL_DRIVE_READY || d->state == VTL_DRIVE_HELD)
        d->pos_lost = true;
    if (d->state == VTL_DRIVE_THREADING || d->state == VTL_DRIVE_CLEANING)
        start_threading(d);
}

/* ---- status ------------------------------------------------------------------------- */

void vtl_drive_ident(const struct vtl_drive *d, struct vtl_drive_ident *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->vendor, sizeof out->vendor, "%s", d->vendor);
    snprintf(out->product, sizeof out->product, "%s", d->product);
    snprintf(out->revision, sizeof out->revision, "%s", d->revision);
    snprintf(out->serial, sizeof out->serial, "%s", d->serial);
    out->gen = d->cfg.gen;
    out->media_mask = vtl_media_drive_mask(d->cfg.gen);
}

void vtl_drive_status(const struct vtl_drive *d, struct vtl_drive_status *out)
{
    memset(out, 0, sizeof *out);
    out->state = d->failed ? VTL_DRIVE_FAILED : d->state;
    if (d->state != VTL_DRIVE_EMPTY)
        snprintf(out->barcode, sizeof out->barcode, "%s", d->cart.barcode);
    out->dirty = d->dirty;
    out->tapealert = d->ta_latched;
    if (d->tape && d->state == VTL_DRIVE_READY) {
        struct vtl_tape_pos p;
        vtl_tape_position(d->tape, &p);
        out->object = p.object;
        out->file = p.file;
        out->partition = p.partition;
    }
    out->position_lost = d->pos_lost;
    out->loads = d->loads;
    out->bytes_written = d->host_written;
    out->bytes_read = d->host_read;
    out->cleanings = d->cleanings;
    out->cleaner_uses_left = d->cleaner_uses_left;
}

void vtl_drive_assert_state(const struct vtl_drive *d)
{
    (void)d; /* unused with NDEBUG */
    assert(d->state != VTL_DRIVE_FAILED);
    switch (d->state) {
    case VTL_DRIVE_EMPTY:
        assert(!d->tape && !d->state_event && !d->pending);
        break;
    case VTL_DRIVE_THREADING:
        assert(!d->cart.cleaning);
        break;
    case VTL_DRIVE_READY:
        assert(!d->cart.cleaning && !d->state_event);
        assert(d->tape || d->medium_bad || !d->readable);
        break;
    case VTL_DRIVE_HELD:
        assert(!d->state_event);
        break;
    case VTL_DRIVE_EJECTED:
        assert(!d->state_event && (!d->tape || !d->cart.cleaning));
        break;
    case VTL_DRIVE_CLEANING:
        assert(d->cart.cleaning && d->cleaner_uses_left > 0);
        break;
    case VTL_DRIVE_FAILED:
        break;
    }
}

/* ---- readiness and dispatch --------------------------------------------------------- */

bool drv_state_sense(struct vtl_drive *d, uint8_t *key, uint16_t *asc)
{
    *key = DRV_KEY_NOT_READY;
    *asc = 0;
    switch (d->state) {
    case VTL_DRIVE_EMPTY:
    case VTL_DRIVE_EJECTED: *asc = DRV_ASC_NO_MEDIUM; break;
    case VTL_DRIVE_THREADING: *asc = DRV_ASC_BECOMING_READY; break;
    case VTL_DRIVE_HELD: *asc = DRV_ASC_INIT_REQUIRED; break;
    case VTL_DRIVE_CLEANING: *asc = DRV_ASC_CLEANING_CART; break;
    default: break;
    }
    if (!*asc && d->nr_active)
        *asc = DRV_ASC_NOT_READY;
    if (!*asc && d->busy_until_us) {
        if (drv_now(d) < d->busy_until_us)
            *asc = DRV_ASC_BECOMING_READY;
        else
            d->busy_until_us = 0;
    }
    return *asc == 0;
}

bool drv_medium_ready(struct vtl_drive *d, struct vtl_cmd *cmd)
{
    uint8_t key;
    uint16_t asc;
    if (!drv_state_sense(d, &key, &asc)) {
        drv_fail(d, cmd, key, asc);
        return false;
    }
    if (d->medium_bad) {
        drv_fail(d, cmd, DRV_KEY_MEDIUM_ERROR, DRV_ASC_UNKNOWN_FORMAT);
        return false;
    }
    if (!d->readable) {
        drv_fail(d, cmd, DRV_KEY_MEDIUM_ERROR, DRV_ASC_INCOMPATIBLE);
        return false;
    }
    return true;
}

/* Commands a unit attention does not block (SPC-4 5.11 / SAM-5 5.14). */
static bool ua_exempt(uint8_t op)
{
    return op == 0x12 /* INQUIRY */ || op == 0x03 /* REQUEST SENSE */ || op == 0xA0 /* REPORT LUNS */;
}

/* Commands allowed to another nexus while one holds RESERVE(6) (SPC-2 5.5.1). */
static bool resv_exempt(enum t10_cdb_kind k)
{
    return k == T10_CDB_INQUIRY || k == T10_CDB_REQUEST_SENSE || k == T10_CDB_RELEASE6 ||
           k == T10_CDB_RELEASE10 || k == T10_CDB_REPORT_LUNS || k == T10_CDB_LOG_SENSE ||
           k == T10_CDB_READ_BLOCK_LIMITS;
}

enum vtl_exec vtl_drive_execute(struct vtl_drive *d, struct vtl_cmd *cmd)
{
    cmd->status = VTL_STATUS_GOOD;
    cmd->data_in_len = 0;
    cmd->sense_len = 0;
    struct drv_nexus *nx = drv_nexus(d, cmd->nexus_id);
    if (cmd->cdb_len == 0) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_OPCODE, 0, -1, true);
        return VTL_EXEC_DONE;
    }
    uint8_t op = cmd->cdb[0];
    if (!ua_exempt(op) && nx->n_ua) {
        drv_fail(d, cmd, DRV_KEY_UNIT_ATTENTION, ua_take(nx));
        return VTL_EXEC_DONE;
    }
    if (d->next_faults && (d->next_opcode < 0 || d->next_opcode == op)) {
        /* Injected one-shot sense: the command is refused before anything is done. */
        d->next_faults--;
        drv_fail(d, cmd, d->next_key, d->next_asc);
        return VTL_EXEC_DONE;
    }
    /* FORMAT MEDIUM (04h) has no decoder in scsi/cdb.h yet: drive_ssc.c decodes it. */
    bool format = op == 0x04;
    struct t10_cdb c = {.kind = T10_CDB_UNKNOWN};
    struct t10_field_ptr bad = {0};
    enum t10_rc rc = format ? T10_OK
                            : t10_cdb_decode(cmd->cdb, cmd->cdb_len, T10_PDT_TAPE, &c, &bad);
    if (rc != T10_OK) {
        uint16_t asc = rc == T10_EOPCODE ? DRV_ASC_INVALID_OPCODE : DRV_ASC_INVALID_FIELD_CDB;
        drv_fail_field(d, cmd, asc, bad.byte, bad.bpv ? bad.bit : -1, true);
        return VTL_EXEC_DONE;
    }
    if (d->resv_holder && d->resv_holder != nx->id && !resv_exempt(c.kind)) {
        cmd->status = VTL_STATUS_RESERVATION_CONFLICT;
        return VTL_EXEC_DONE;
    }
    if (d->failed && c.kind != T10_CDB_INQUIRY && c.kind != T10_CDB_REQUEST_SENSE &&
        c.kind != T10_CDB_REPORT_LUNS) {
        drv_fail(d, cmd, DRV_KEY_HARDWARE, d->fail_asc);
        return VTL_EXEC_DONE;
    }
    if (d->pending && c.kind != T10_CDB_INQUIRY && c.kind != T10_CDB_REQUEST_SENSE) {
        /* One command moves the tape at a time; the initiator retries on BUSY. */
        cmd->status = VTL_STATUS_BUSY;
        return VTL_EXEC_DONE;
    }
    if (format) {
        enum vtl_exec fx = drv_format_medium(d, cmd);
        vtl_drive_assert_state(d);
        return fx;
    }
    enum vtl_exec ex = drv_spc_execute(d, cmd, &c);
    if (d->iec_armed && ex == VTL_EXEC_DONE && cmd->status == VTL_STATUS_GOOD &&
        c.kind != T10_CDB_INQUIRY && c.kind != T10_CDB_REQUEST_SENSE &&
        c.kind != T10_CDB_MODE_SELECT6 && c.kind != T10_CDB_MODE_SELECT10) {
        /* MRIE 3/4: the command was done; its status carries the exception. */
        d->iec_armed = false;
        drv_fail(d, cmd, DRV_KEY_RECOVERED, DRV_ASC_LOG_EXCEPTION);
    }
    vtl_drive_assert_state(d);
    return ex;
}

enum vtl_exec vtl_drive_lun_exec(void *priv, struct vtl_cmd *cmd)
{
    return vtl_drive_execute(priv, cmd);
}
