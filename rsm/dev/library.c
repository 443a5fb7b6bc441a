/* SPDX-License-Identifier: MIT
 * rsm/dev/library.c - discovery, drive mapping, inventory, mount and dismount
 * (contract in library.h, rules in README.md).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsm/dev/library.h"
#include "scsi/elem.h"
#include "transport/transport.h"

/* The public snapshot plus what only this file needs. */
struct lib_full {
    struct rsm_dev_lib pub; /* first: the handle is a pointer to it */
    struct xport *owned_xp; /* the primary transport when we opened it */
    struct rsm_dev_opts opts;
    struct rsm_chg_status spare; /* the next inventory is read here, then swapped in */
};

const char *rsm_dev_map_name(enum rsm_dev_map m)
{
    switch (m) {
    case RSM_DEV_MAP_NONE:
        return "none";
    case RSM_DEV_MAP_DVCID:
        return "dvcid";
    case RSM_DEV_MAP_LUN:
        return "lun";
    case RSM_DEV_MAP_ORDER:
        return "order";
    case RSM_DEV_MAP_STANDALONE:
        return "standalone";
    }
    return "?";
}

/* Writes @src into @out (@cap bytes) without printf: this runs once per cartridge in an
 * inventory of tens of thousands. */
static void put_name(char *out, size_t cap, const char *a, char b, const char *c)
{
    char tmp[16];
    size_t n = 0;
    for (; *a && n < sizeof tmp - 3; a++)
        tmp[n++] = *a;
    if (b)
        tmp[n++] = b;
    for (; c && *c && n < sizeof tmp - 1; c++)
        tmp[n++] = *c;
    tmp[n] = '\0';
    if (cap == 0)
        return;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, tmp, n);
    out[n] = '\0';
}

void rsm_dev_media_type_name(const char *barcode, uint8_t medium, char *out, size_t cap)
{
    size_t n = barcode ? strlen(barcode) : 0;
    if (medium == T10_MEDIUM_CLEANING || (n >= 3 && strncmp(barcode, "CLN", 3) == 0)) {
        put_name(out, cap, "CLEANER", 0, NULL);
        return;
    }
    /* LTO labels are 6 characters + a 2-character media identifier (LTO Ultrium bar code
     * specification): L1-L9 data, LT-LZ WORM generations 3-9, M8 LTO-7 type M. */
    if (n == 8) {
        char a = barcode[6], b = barcode[7];
        if (a == 'L' && b >= '1' && b <= '9') {
            put_name(out, cap, "LTO", b, NULL);
            return;
        }
        if (a == 'L' && b >= 'T' && b <= 'Z') {
            put_name(out, cap, "LTO", (char)('3' + (b - 'T')), "W");
            return;
        }
        if (a == 'M' && b == '8') {
            put_name(out, cap, "LTO7M8", 0, NULL);
            return;
        }
    }
    put_name(out, cap, "UNKNOWN", 0, NULL);
}

/* Counts cartridges and media types in lib->elems. Neighbouring cartridges are mostly of
 * one type, so a cartridge whose label suffix and medium match the previous one's is
 * counted without naming it again. */
static void summarize(struct rsm_dev_lib *lib)
{
    lib->n_cartridges = 0;
    lib->n_mtypes = 0;
    size_t prev = SIZE_MAX;
    char prev_key[3] = "";
    uint8_t prev_medium = 0xFF;
    for (size_t i = 0; i < lib->elems.n; i++) {
        const struct rsm_chg_elem *e = &lib->elems.elems[i];
        if (!e->full || e->type == T10_ELEM_TRANSPORT)
            continue;
        lib->n_cartridges++;
        size_t len = strnlen(e->barcode, sizeof e->barcode);
        char key[3] = {len == 8 ? e->barcode[6] : 0, len == 8 ? e->barcode[7] : 0, 0};
        if (prev != SIZE_MAX && e->medium == prev_medium && memcmp(key, prev_key, 3) == 0 &&
            strncmp(e->barcode, "CLN", 3) != 0) {
            lib->mtypes[prev].count++;
            continue;
        }
        char name[16];
        rsm_dev_media_type_name(e->barcode, e->medium, name, sizeof name);
        size_t k = 0;
        while (k < lib->n_mtypes && strcmp(lib->mtypes[k].name, name) != 0)
            k++;
        if (k == lib->n_mtypes) {
            if (k == RSM_DEV_MTYPES_MAX) {
                prev = SIZE_MAX;
                continue;
            }
            memset(&lib->mtypes[k], 0, sizeof lib->mtypes[k]);
            memcpy(lib->mtypes[k].name, name, sizeof name);
            lib->mtypes[k].medium = e->medium;
            lib->n_mtypes++;
        }
        lib->mtypes[k].count++;
        prev = k;
        memcpy(prev_key, key, 3);
        prev_medium = e->medium;
    }
}

/* @s..@s+len without leading/trailing spaces and NULs, into @out (NUL-terminated). */
static void trim_copy(char *out, size_t cap, const uint8_t *s, size_t len)
{
    while (len && (s[0] == ' ' || s[0] == 0)) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == 0))
        len--;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

/* Does the DVCID identifier of DT element @e name drive @id? Exact comparisons only:
 * the serial alone (HPE, Quantum), the serial after vendor(8) + product(16) in a T10
 * vendor ID identifier (IBM), or byte-equal to one of the drive's 83h designators. */
static bool ident_matches(const struct rsm_chg_elem *e, const struct rsm_dev_ident *id)
{
    if (e->ident_len == 0)
        return false;
    char s[RSM_DEV_ID_CAP + 1], serial[sizeof id->serial];
    /* VPD 80h PRODUCT SERIAL NUMBER is right-aligned (SPC-4 7.8.18): leading spaces are
     * padding (tgt sends "   ...beaf11"), so both sides are compared trimmed. */
    trim_copy(serial, sizeof serial, (const uint8_t *)id->serial,
              strnlen(id->serial, sizeof id->serial));
    if (serial[0]) {
        trim_copy(s, sizeof s, e->ident, e->ident_len);
        if (strcmp(s, serial) == 0)
            return true;
        if (e->ident_type == 1 && e->ident_len > T10_VENDOR_LEN + T10_PRODUCT_LEN) {
            size_t off = T10_VENDOR_LEN + T10_PRODUCT_LEN;
            trim_copy(s, sizeof s, e->ident + off, e->ident_len - off);
            if (strcmp(s, serial) == 0)
                return true;
        }
    }
    if (id->t10id_len && id->t10id_len == e->ident_len &&
        memcmp(id->t10id, e->ident, e->ident_len) == 0)
        return true;
    if (id->naa_len && id->naa_len == e->ident_len && memcmp(id->naa, e->ident, e->ident_len) == 0)
        return true;
    return false;
}

static void map_drives(struct rsm_dev_lib *lib)
{
    const struct rsm_chg_status *st = &lib->elems;
    bool any_ident = false;
    for (size_t i = 0; i < st->n; i++)
        if (st->elems[i].type == T10_ELEM_DT && st->elems[i].ident_len)
            any_ident = true;
    for (size_t d = 0; d < lib->n_drives; d++) {
        lib->drives[d].map = RSM_DEV_MAP_NONE;
        lib->drives[d].elem_addr = 0;
    }
    if (any_ident) {
        for (size_t i = 0; i < st->n; i++) {
            const struct rsm_chg_elem *e = &st->elems[i];
            if (e->type != T10_ELEM_DT)
                continue;
            for (size_t d = 0; d < lib->n_drives; d++) {
                struct rsm_dev_drive *dr = &lib->drives[d];
                if (dr->map == RSM_DEV_MAP_NONE && ident_matches(e, &dr->ident)) {
                    dr->map = RSM_DEV_MAP_DVCID;
                    dr->elem_addr = e->addr;
                    break;
                }
            }
        }
        return; /* with identifiers, a drive that matches none stays unmapped */
    }
    /* No identifiers: the LUN the element reports, when the drives' LUNs are known. */
    bool used[4096] = {false};
    for (size_t i = 0; i < st->n && i < 4096; i++) {
        const struct rsm_chg_elem *e = &st->elems[i];
        if (e->type != T10_ELEM_DT || !e->lu_valid)
            continue;
        for (size_t d = 0; d < lib->n_drives; d++) {
            struct rsm_dev_drive *dr = &lib->drives[d];
            if (dr->map == RSM_DEV_MAP_NONE && dr->lun >= 0 && dr->lun == e->lun) {
                dr->map = RSM_DEV_MAP_LUN;
                dr->elem_addr = e->addr;
                used[i] = true;
                break;
            }
        }
    }
    /* Last resort, flagged: n-th remaining drive to n-th remaining element. */
    size_t d = 0;
    for (size_t i = 0; i < st->n && i < 4096; i++) {
        const struct rsm_chg_elem *e = &st->elems[i];
        if (e->type != T10_ELEM_DT || used[i])
            continue;
        while (d < lib->n_drives && lib->drives[d].map != RSM_DEV_MAP_NONE)
            d++;
        if (d == lib->n_drives)
            break;
        lib->drives[d].map = RSM_DEV_MAP_ORDER;
        lib->drives[d].elem_addr = e->addr;
        d++;
    }
}

static enum rsm_dev_rc add_drive(struct rsm_dev_lib *lib, struct rsm_drv *drv, const char *uri,
                                 int lun)
{
    struct rsm_dev_drive *nd = realloc(lib->drives, (lib->n_drives + 1) * sizeof *nd);
    if (!nd)
        return RSM_DEV_E_NOMEM;
    lib->drives = nd;
    struct rsm_dev_drive *d = &nd[lib->n_drives++];
    memset(d, 0, sizeof *d);
    d->ident = *rsm_drv_ident(drv);
    snprintf(d->uri, sizeof d->uri, "%s", uri ? uri : "");
    d->lun = lun;
    d->drv = drv;
    return RSM_DEV_OK;
}

/* LUN a URI names: sim:...?lun=N and iscsi://.../N; -1 for others. @base gets the URI
 * without it (sim: without "?lun=N", iscsi:// up to and including the last '/'). */
static int uri_lun(const char *uri, char *base, size_t cap)
{
    snprintf(base, cap, "%s", uri);
    if (strncmp(uri, "sim:", 4) == 0) {
        char *q = strstr(base, "?lun=");
        int lun = q ? atoi(q + 5) : 0;
        if (q)
            *q = '\0';
        return lun;
    }
    if (strncmp(uri, "iscsi://", 8) == 0) {
        char *slash = strrchr(base, '/');
        if (!slash || slash < base + 8 || !isdigit((unsigned char)slash[1]))
            return -1;
        int lun = atoi(slash + 1);
        slash[1] = '\0';
        return lun;
    }
    return -1;
}

static void drive_uri(const char *base, int lun, char *out, size_t cap)
{
    if (strncmp(base, "sim:", 4) == 0)
        snprintf(out, cap, "%.480s?lun=%d", base, lun);
    else
        snprintf(out, cap, "%.480s%d", base, lun);
}

/* Drives of the changer's own target: every other LUN that answers as a tape drive. */
static enum rsm_dev_rc discover_luns(struct lib_full *lf)
{
    struct rsm_dev_lib *lib = &lf->pub;
    char base[RSM_DEV_URI_CAP];
    int own = uri_lun(lib->uri, base, sizeof base);
    if (own < 0)
        return RSM_DEV_OK; /* sg: and others: the caller must name the drives */
    uint16_t luns[256];
    size_t n = 0;
    if (rsm_chg_report_luns(lib->chg, luns, 256, &n) != RSM_DEV_OK)
        return RSM_DEV_OK; /* no REPORT LUNS: a changer alone, drives elsewhere */
    for (size_t i = 0; i < n; i++) {
        if (luns[i] == own)
            continue;
        char uri[RSM_DEV_URI_CAP];
        drive_uri(base, luns[i], uri, sizeof uri);
        struct rsm_drv *drv;
        if (rsm_drv_open_uri(uri, &lf->opts, &drv) != RSM_DEV_OK)
            continue; /* an empty bay, a disk, a controller LUN: not a drive of ours */
        enum rsm_dev_rc rc = add_drive(lib, drv, uri, luns[i]);
        if (rc != RSM_DEV_OK) {
            rsm_drv_close(drv);
            return rc;
        }
    }
    return RSM_DEV_OK;
}

static enum rsm_dev_rc read_elems(struct rsm_dev_lib *lib, struct rsm_chg_status *out)
{
    enum rsm_dev_rc rc = rsm_chg_read_all(lib->chg, RSM_CHG_RES_VOLTAG | RSM_CHG_RES_DVCID, out);
    if (rc == RSM_DEV_OK)
        lib->voltag = out->voltag;
    return rc;
}

enum rsm_dev_rc rsm_dev_lib_inventory(struct rsm_dev_lib *lib, bool full)
{
    if (lib->standalone)
        return RSM_DEV_OK;
    enum rsm_dev_rc rc;
    if (full && (rc = rsm_chg_init_status(lib->chg)) != RSM_DEV_OK)
        return rc;
    /* Read into the spare array so a failure leaves the snapshot as it was; swap on
     * success and keep the old array as the next spare (no allocation per inventory). */
    struct lib_full *lf = (struct lib_full *)lib;
    rc = read_elems(lib, &lf->spare);
    if (rc != RSM_DEV_OK)
        return rc;
    struct rsm_chg_status old = lib->elems;
    lib->elems = lf->spare;
    lf->spare = old;
    summarize(lib);
    return RSM_DEV_OK;
}

/* Common tail of both opens: @xp is the primary transport, @drives the drives already
 * opened (URIs given or transports given). */
static enum rsm_dev_rc lib_build(struct lib_full *lf, struct xport *xp, bool discover)
{
    struct rsm_dev_lib *lib = &lf->pub;
    snprintf(lib->uri, sizeof lib->uri, "%s", xport_uri(xp));
    enum rsm_dev_rc rc = rsm_chg_open(xp, &lf->opts, &lib->chg);
    if (rc == RSM_DEV_E_WRONG_TYPE) {
        /* Not a changer: a tape drive on its own is a one-drive library. */
        struct rsm_drv *drv;
        rc = rsm_drv_open(xp, &lf->opts, &drv);
        if (rc != RSM_DEV_OK)
            return rc;
        char base[RSM_DEV_URI_CAP];
        int lun = uri_lun(lib->uri, base, sizeof base);
        lib->standalone = true;
        lib->ident = *rsm_drv_ident(drv);
        /* Drives given besides a standalone drive make no sense: drop them. */
        for (size_t i = 0; i < lib->n_drives; i++)
            rsm_drv_close(lib->drives[i].drv);
        lib->n_drives = 0;
        rc = add_drive(lib, drv, lib->uri, lun);
        if (rc != RSM_DEV_OK) {
            rsm_drv_close(drv);
            return rc;
        }
        lib->drives[0].map = RSM_DEV_MAP_STANDALONE;
        return RSM_DEV_OK;
    }
    if (rc != RSM_DEV_OK)
        return rc;
    lib->ident = *rsm_chg_ident(lib->chg);
    lib->layout = *rsm_chg_layout(lib->chg);
    lib->caps = *rsm_chg_caps(lib->chg);
    if (discover && (rc = discover_luns(lf)) != RSM_DEV_OK)
        return rc;
    if ((rc = rsm_dev_lib_inventory(lib, false)) != RSM_DEV_OK)
        return rc;
    map_drives(lib);
    return RSM_DEV_OK;
}

enum rsm_dev_rc rsm_dev_lib_open(const char *uri, const char *const *drive_uris,
                                 size_t n_drive_uris, const struct rsm_dev_opts *opts,
                                 struct rsm_dev_lib **out)
{
    if (!uri || !out || (n_drive_uris && !drive_uris))
        return RSM_DEV_E_INVAL;
    *out = NULL;
    struct lib_full *lf = calloc(1, sizeof *lf);
    if (!lf)
        return RSM_DEV_E_NOMEM;
    if (opts)
        lf->opts = *opts;
    enum rsm_dev_rc rc = RSM_DEV_OK;
    if (xport_open(uri, &lf->owned_xp, NULL, 0) != XPORT_OK) {
        free(lf);
        return RSM_DEV_E_TRANSPORT;
    }
    for (size_t i = 0; i < n_drive_uris && rc == RSM_DEV_OK; i++) {
        struct rsm_drv *drv;
        char base[RSM_DEV_URI_CAP];
        rc = rsm_drv_open_uri(drive_uris[i], &lf->opts, &drv);
        if (rc == RSM_DEV_OK &&
            (rc = add_drive(&lf->pub, drv, drive_uris[i],
                            uri_lun(drive_uris[i], base, sizeof base))) != RSM_DEV_OK)
            rsm_drv_close(drv);
    }
    if (rc == RSM_DEV_OK)
        rc = lib_build(lf, lf->owned_xp, n_drive_uris == 0);
    if (rc != RSM_DEV_OK) {
        rsm_dev_lib_close(&lf->pub);
        return rc;
    }
    *out = &lf->pub;
    return RSM_DEV_OK;
}

enum rsm_dev_rc rsm_dev_lib_open_xports(struct xport *chg_xp, struct xport *const *drv_xps,
                                        size_t n_drv, const struct rsm_dev_opts *opts,
                                        struct rsm_dev_lib **out)
{
    if (!chg_xp || !out || (n_drv && !drv_xps))
        return RSM_DEV_E_INVAL;
    *out = NULL;
    struct lib_full *lf = calloc(1, sizeof *lf);
    if (!lf)
        return RSM_DEV_E_NOMEM;
    if (opts)
        lf->opts = *opts;
    enum rsm_dev_rc rc = RSM_DEV_OK;
    for (size_t i = 0; i < n_drv && rc == RSM_DEV_OK; i++) {
        struct rsm_drv *drv;
        char base[RSM_DEV_URI_CAP];
        const char *u = xport_uri(drv_xps[i]);
        rc = rsm_drv_open(drv_xps[i], &lf->opts, &drv);
        if (rc == RSM_DEV_OK &&
            (rc = add_drive(&lf->pub, drv, u, uri_lun(u, base, sizeof base))) != RSM_DEV_OK)
            rsm_drv_close(drv);
    }
    if (rc == RSM_DEV_OK)
        rc = lib_build(lf, chg_xp, false);
    if (rc != RSM_DEV_OK) {
        rsm_dev_lib_close(&lf->pub);
        return rc;
    }
    *out = &lf->pub;
    return RSM_DEV_OK;
}

void rsm_dev_lib_close(struct rsm_dev_lib *lib)
{
    if (!lib)
        return;
    struct lib_full *lf = (struct lib_full *)lib;
    for (size_t i = 0; i < lib->n_drives; i++)
        rsm_drv_close(lib->drives[i].drv);
    free(lib->drives);
    rsm_chg_close(lib->chg);
    rsm_chg_status_free(&lib->elems);
    rsm_chg_status_free(&lf->spare);
    if (lf->owned_xp)
        xport_close(lf->owned_xp);
    free(lf);
}

uint32_t rsm_dev_lib_events(struct rsm_dev_lib *lib)
{
    uint32_t ev = lib->events;
    lib->events = 0;
    if (lib->chg)
        ev |= rsm_chg_events(lib->chg);
    for (size_t i = 0; i < lib->n_drives; i++)
        ev |= rsm_drv_events(lib->drives[i].drv);
    return ev;
}

const struct rsm_chg_elem *rsm_dev_lib_find_barcode(const struct rsm_dev_lib *lib,
                                                    const char *barcode)
{
    if (!barcode || !*barcode)
        return NULL;
    for (size_t i = 0; i < lib->elems.n; i++)
        if (lib->elems.elems[i].full && strcmp(lib->elems.elems[i].barcode, barcode) == 0)
            return &lib->elems.elems[i];
    return NULL;
}

const struct rsm_chg_elem *rsm_dev_lib_elem(const struct rsm_dev_lib *lib, uint16_t addr)
{
    for (size_t i = 0; i < lib->elems.n; i++)
        if (lib->elems.elems[i].addr == addr)
            return &lib->elems.elems[i];
    return NULL;
}

uint32_t rsm_dev_lib_number(const struct rsm_dev_lib *lib, uint16_t addr, uint8_t *type)
{
    uint8_t t = rsm_chg_type_of(&lib->layout, addr);
    if (type)
        *type = t;
    return t ? (uint32_t)(addr - rsm_chg_range_of(&lib->layout, t)->first) + 1 : 0;
}

uint16_t rsm_dev_lib_addr(const struct rsm_dev_lib *lib, uint8_t type, uint32_t number)
{
    const struct rsm_chg_range *r = rsm_chg_range_of(&lib->layout, type);
    if (!r || number == 0 || number > r->count)
        return 0;
    return (uint16_t)(r->first + number - 1);
}

int rsm_dev_lib_drive_at(const struct rsm_dev_lib *lib, uint16_t addr)
{
    for (size_t i = 0; i < lib->n_drives; i++)
        if (lib->drives[i].map != RSM_DEV_MAP_NONE && lib->drives[i].elem_addr == addr && addr != 0)
            return (int)i;
    return -1;
}

static struct rsm_chg_elem *elem_mut(struct rsm_dev_lib *lib, uint16_t addr)
{
    return (struct rsm_chg_elem *)rsm_dev_lib_elem(lib, addr);
}

/* Records a completed MOVE MEDIUM in the snapshot the way SMC-3 reports it afterwards:
 * the cartridge (barcode, medium type) is at @dst with SVALID and, as source, the storage
 * element it came from - a cartridge moved between drives keeps its home slot, which is
 * what changers report (sim/README.md, mtx unload). No command is spent on it; the next
 * inventory is the authority. */
static void note_move(struct rsm_dev_lib *lib, uint16_t src, uint16_t dst)
{
    struct rsm_chg_elem *s = elem_mut(lib, src), *d = elem_mut(lib, dst);
    if (!s || !d)
        return;
    uint16_t home = s->type == T10_ELEM_STORAGE ? src : s->src_valid ? s->src_addr : src;
    d->full = true;
    d->except = false;
    d->asc = d->ascq = 0;
    d->medium = s->medium;
    d->invert = false;
    d->src_valid = true;
    d->src_addr = home;
    memcpy(d->barcode, s->barcode, sizeof d->barcode);
    memcpy(d->alt_barcode, s->alt_barcode, sizeof d->alt_barcode);
    s->full = false;
    s->src_valid = false;
    s->src_addr = 0;
    s->medium = 0;
    s->barcode[0] = s->alt_barcode[0] = '\0';
    if (s->type == T10_ELEM_IE)
        s->impexp = false;
}

/* Robot half of a mount: the MOVE MEDIUM alone (the changer handle and lib->elems). */
enum rsm_dev_rc rsm_dev_lib_move_to_drive(struct rsm_dev_lib *lib, uint16_t src, size_t drive)
{
    if (lib->standalone || drive >= lib->n_drives || lib->drives[drive].map == RSM_DEV_MAP_NONE)
        return RSM_DEV_E_INVAL;
    struct rsm_dev_drive *d = &lib->drives[drive];
    enum rsm_dev_rc rc = rsm_chg_move(lib->chg, src, d->elem_addr);
    if (rc == RSM_DEV_OK)
        note_move(lib, src, d->elem_addr);
    return rc;
}

/* Drive half of a mount: only the drive's own transport, so drives thread in parallel. */
enum rsm_dev_rc rsm_dev_lib_drive_ready(struct rsm_dev_lib *lib, size_t drive)
{
    if (drive >= lib->n_drives || !lib->drives[drive].drv)
        return RSM_DEV_E_INVAL;
    struct rsm_dev_drive *d = &lib->drives[drive];
    /* The drive threads the tape: 04/01 while it does, then UA 28/00 (absorbed by the
     * command layer and kept as an event), then GOOD. */
    enum rsm_dev_rc rc = rsm_drv_wait_ready(d->drv);
    if (rc == RSM_DEV_E_NO_MEDIUM) {
        /* A drive without autoload waits for LOAD. */
        rc = rsm_drv_load(d->drv);
        if (rc == RSM_DEV_OK)
            rc = rsm_drv_wait_ready(d->drv);
    }
    return rc;
}

enum rsm_dev_rc rsm_dev_lib_mount(struct rsm_dev_lib *lib, uint16_t src, size_t drive)
{
    enum rsm_dev_rc rc = rsm_dev_lib_move_to_drive(lib, src, drive);
    return rc == RSM_DEV_OK ? rsm_dev_lib_drive_ready(lib, drive) : rc;
}

enum rsm_dev_rc rsm_dev_lib_drive_unload(struct rsm_dev_lib *lib, size_t drive)
{
    if (lib->standalone || drive >= lib->n_drives || lib->drives[drive].map == RSM_DEV_MAP_NONE)
        return RSM_DEV_E_INVAL;
    /* Many drives refuse to let the robot take a threaded tape (53/02): unload first.
     * An empty drive answers 3A/00, which the move reports as SRC_EMPTY. */
    enum rsm_dev_rc rc = rsm_drv_unload(lib->drives[drive].drv);
    return rc == RSM_DEV_E_NO_MEDIUM ? RSM_DEV_OK : rc;
}

enum rsm_dev_rc rsm_dev_lib_dismount(struct rsm_dev_lib *lib, size_t drive, uint16_t dst,
                                     uint16_t *dst_out)
{
    enum rsm_dev_rc rc = rsm_dev_lib_drive_unload(lib, drive);
    return rc == RSM_DEV_OK ? rsm_dev_lib_move_from_drive(lib, drive, dst, dst_out) : rc;
}

enum rsm_dev_rc rsm_dev_lib_move_from_drive(struct rsm_dev_lib *lib, size_t drive, uint16_t dst,
                                            uint16_t *dst_out)
{
    if (dst_out)
        *dst_out = 0;
    if (lib->standalone || drive >= lib->n_drives || lib->drives[drive].map == RSM_DEV_MAP_NONE)
        return RSM_DEV_E_INVAL;
    struct rsm_dev_drive *d = &lib->drives[drive];
    enum rsm_dev_rc rc;
    if (dst == 0) {
        struct rsm_chg_status one;
        rc = rsm_chg_read_status(lib->chg, T10_ELEM_DT, d->elem_addr, 1, RSM_CHG_RES_VOLTAG, &one);
        if (rc != RSM_DEV_OK)
            return rc;
        if (one.n == 1 && one.elems[0].src_valid &&
            rsm_chg_type_of(&lib->layout, one.elems[0].src_addr) == T10_ELEM_STORAGE) {
            const struct rsm_chg_elem *home = rsm_dev_lib_elem(lib, one.elems[0].src_addr);
            if (!home || !home->full)
                dst = one.elems[0].src_addr;
        }
        rsm_chg_status_free(&one);
    }
    if (dst == 0) {
        /* No usable source: the first empty storage slot, so the cartridge is never
         * left in the drive for want of a home. */
        for (size_t i = 0; i < lib->elems.n && !dst; i++) {
            const struct rsm_chg_elem *e = &lib->elems.elems[i];
            if (e->type == T10_ELEM_STORAGE && !e->full && !e->except)
                dst = e->addr;
        }
        if (dst == 0)
            return RSM_DEV_E_NOT_FOUND;
    }
    rc = rsm_chg_move(lib->chg, d->elem_addr, dst);
    if (rc != RSM_DEV_OK)
        return rc;
    if (dst_out)
        *dst_out = dst;
    note_move(lib, d->elem_addr, dst);
    return RSM_DEV_OK;
}
