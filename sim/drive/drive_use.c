/* SPDX-License-Identifier: MIT
 * sim/drive/drive_use.c - how much a drive has been used and whether it needs cleaning:
 * counters fed by every data command, the thresholds that raise the cleaning request
 * (TapeAlert 20/21, REQUEST SENSE 00/17, log page 0Ch 0100h), and the file that keeps
 * both across restarts (<state_dir>/drive-<serial>.use).
 */
#include <stdio.h>
#include <string.h>

#include "sim/drive/drive_int.h"

/* Persistent use: one "name value" line per counter. Written whole to a new file and
 * renamed over the old one, so a crash leaves either the previous or the new counts. */
#define USE_FIELDS(X)                                                                      \
    X(loads) X(cleanings) X(host_written) X(host_read) X(medium_written) X(medium_read)    \
    X(since_clean_bytes) X(since_clean_loads) X(since_clean_us) X(write_errors)           \
    X(read_errors)

static void use_path(const struct vtl_drive *d, char *out, size_t cap, const char *suffix)
{
    char name[VTL_SERIAL_MAX + 1];
    size_t i = 0;
    for (; d->serial[i] && i < VTL_SERIAL_MAX; i++) { /* a file name, whatever the serial */
        char ch = d->serial[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                  ch == '-' || ch == '_';
        name[i] = ok ? ch : '_';
    }
    name[i] = 0;
    snprintf(out, cap, "%s/drive-%s.use%s", d->state_dir, name, suffix);
}

void drv_use_save(struct vtl_drive *d)
{
    if (d->cfg.volatile_use)
        return;
    char path[4096], tmp[4096];
    use_path(d, path, sizeof path, "");
    use_path(d, tmp, sizeof tmp, ".new");
    FILE *f = fopen(tmp, "w");
    if (!f)
        return; /* counters are statistics: the drive works on without them */
#define PUT(name) fprintf(f, #name " %llu\n", (unsigned long long)d->name);
    USE_FIELDS(PUT)
#undef PUT
    fprintf(f, "dirty %d\n", d->dirty ? 1 : 0);
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0)
        (void)remove(tmp); /* the previous file stays valid */
}

void drv_use_load(struct vtl_drive *d)
{
    if (d->cfg.volatile_use)
        return;
    char path[4096], key[32];
    unsigned long long v;
    use_path(d, path, sizeof path, "");
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fscanf(f, "%31s %llu", key, &v) == 2) {
#define GET(name) if (!strcmp(key, #name)) d->name = v;
        USE_FIELDS(GET)
#undef GET
        if (!strcmp(key, "dirty"))
            d->dirty = v != 0;
    }
    fclose(f);
    if (d->dirty) /* the request is still open: TapeAlert shows it again */
        d->ta_latched |= T10_TA_FLAG(T10_TA_CLEAN_NOW) | T10_TA_FLAG(T10_TA_CLEAN_PERIODIC);
}

void drv_check_dirty(struct vtl_drive *d)
{
    const struct vtl_drive_config *c = &d->cfg;
    uint64_t t = d->since_clean_us;
    if (d->state == VTL_DRIVE_READY)
        t += drv_now(d) - d->threaded_at_us;
    if ((c->clean_after_bytes && d->since_clean_bytes >= c->clean_after_bytes) ||
        (c->clean_after_loads && d->since_clean_loads >= c->clean_after_loads) ||
        (c->clean_after_us && t >= c->clean_after_us))
        vtl_drive_set_dirty(d, true);
}

void vtl_drive_set_dirty(struct vtl_drive *d, bool dirty)
{
    if (dirty && !d->dirty)
        d->ta_latched |= T10_TA_FLAG(T10_TA_CLEAN_NOW) | T10_TA_FLAG(T10_TA_CLEAN_PERIODIC);
    bool changed = dirty != d->dirty;
    if (!dirty) {
        d->ta_latched &= ~(T10_TA_FLAG(T10_TA_CLEAN_NOW) | T10_TA_FLAG(T10_TA_CLEAN_PERIODIC));
        d->since_clean_bytes = d->since_clean_loads = d->since_clean_us = 0;
    }
    d->dirty = dirty;
    if (changed)
        drv_use_save(d);
}

void drv_account(struct vtl_drive *d, const struct vtl_tape_counters *before)
{
    if (!d->tape)
        return;
    struct vtl_tape_counters now;
    vtl_tape_get_counters(d->tape, &now);
    uint64_t hw = now.host_bytes_written - before->host_bytes_written;
    uint64_t hr = now.host_bytes_read - before->host_bytes_read;
    d->host_written += hw;
    d->host_read += hr;
    d->medium_written += now.medium_bytes_written - before->medium_bytes_written;
    d->medium_read += now.medium_bytes_read - before->medium_bytes_read;
    d->since_clean_bytes += hw + hr;
    drv_check_dirty(d);
}

