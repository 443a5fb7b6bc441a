/* SPDX-License-Identifier: MIT
 * sim/core/library.c - elements, cartridges, robot motions, doors and the nexus table of
 * one virtual library. The element state machine and robot rules are described in
 * library.h; this file is their only implementation. Start at vtl_library_create().
 */
#include "sim/core/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scsi/t10.h"

/* Codes this file raises as unit attentions (SPC-4 Table 51 / SMC-3). */
#define UA_NOT_READY_TO_READY T10_ASC(0x28, 0x00)
#define UA_IE_ACCESSED        T10_ASC(0x28, 0x01)
#define UA_POWER_ON           T10_ASC(0x29, 0x00)
#define ASC_LABEL_UNREADABLE  T10_ASC(0x83, 0x00)

const char *vtl_rc_name(enum vtl_rc rc)
{
    static const char *const names[] = {
        [VTL_OK] = "VTL_OK",
        [VTL_E_NOMEM] = "VTL_E_NOMEM",
        [VTL_E_INVAL] = "VTL_E_INVAL",
        [VTL_E_BAD_ADDR] = "VTL_E_BAD_ADDR",
        [VTL_E_SRC_EMPTY] = "VTL_E_SRC_EMPTY",
        [VTL_E_DST_FULL] = "VTL_E_DST_FULL",
        [VTL_E_PREVENTED] = "VTL_E_PREVENTED",
        [VTL_E_INCOMPATIBLE] = "VTL_E_INCOMPATIBLE",
        [VTL_E_NOT_ACCESSIBLE] = "VTL_E_NOT_ACCESSIBLE",
        [VTL_E_JAMMED] = "VTL_E_JAMMED",
        [VTL_E_BUSY] = "VTL_E_BUSY",
        [VTL_E_IO] = "VTL_E_IO",
        [VTL_E_CORRUPT] = "VTL_E_CORRUPT",
        [VTL_E_CONFIG] = "VTL_E_CONFIG",
        [VTL_E_EXISTS] = "VTL_E_EXISTS",
        [VTL_E_NOT_FOUND] = "VTL_E_NOT_FOUND",
        [VTL_E_ABORTED] = "VTL_E_ABORTED",
    };
    if ((unsigned)rc < sizeof names / sizeof names[0] && names[rc])
        return names[rc];
    return "VTL_E_UNKNOWN";
}

/* ---- media and barcodes ------------------------------------------------------------ */

const char *vtl_media_name(enum vtl_media m)
{
    static const char *const lto[] = {"UNKNOWN", "LTO1", "LTO2", "LTO3", "LTO4",
                                      "LTO5",    "LTO6", "LTO7", "LTO8", "LTO9"};
    if ((unsigned)m <= VTL_MEDIA_LTO9)
        return lto[m];
    if (m == VTL_MEDIA_LTO7_M8)
        return "LTO7-M8";
    if (m == VTL_MEDIA_CLEANING)
        return "CLEANING";
    return "UNKNOWN";
}

enum vtl_rc vtl_media_parse(const char *name, enum vtl_media *out)
{
    if (!name)
        return VTL_E_INVAL;
    if (!strcasecmp(name, "CLEANING") || !strcasecmp(name, "CLN") || !strcasecmp(name, "CU")) {
        *out = VTL_MEDIA_CLEANING;
        return VTL_OK;
    }
    if (!strcasecmp(name, "LTO7-M8") || !strcasecmp(name, "M8")) {
        *out = VTL_MEDIA_LTO7_M8;
        return VTL_OK;
    }
    const char *p = name;
    if (!strncasecmp(p, "LTO", 3)) {
        p += 3;
        if (*p == '-')
            p++;
    } else if (toupper((unsigned char)p[0]) == 'L') {
        p += 1;
    } else {
        return VTL_E_INVAL;
    }
    if (p[0] >= '1' && p[0] <= '9' && p[1] == '\0') {
        *out = (enum vtl_media)(p[0] - '0');
        return VTL_OK;
    }
    return VTL_E_INVAL;
}

uint32_t vtl_media_drive_mask(unsigned gen)
{
    uint32_t mask = VTL_MEDIA_BIT(VTL_MEDIA_CLEANING);
    if (gen < 1 || gen > 9)
        return mask;
    mask |= VTL_MEDIA_BIT(gen);
    /* LTO-8 and later read one generation back; earlier drives read two back. */
    unsigned back = gen >= 8 ? 1 : 2;
    for (unsigned g = gen > back ? gen - back : 1; g < gen; g++)
        mask |= VTL_MEDIA_BIT(g);
    if (gen == 8)
        mask |= VTL_MEDIA_BIT(VTL_MEDIA_LTO7_M8);
    return mask;
}

enum vtl_rc vtl_cart_from_barcode(const char *barcode, int default_uses, struct vtl_cart_info *out)
{
    size_t len = barcode ? strlen(barcode) : 0;
    if (len == 0 || len > VTL_BARCODE_MAX)
        return VTL_E_INVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)barcode[i];
        /* '*' and '?' are SEND VOLUME TAG template characters, so no label may hold them. */
        if (c <= ' ' || c > '~' || c == '*' || c == '?')
            return VTL_E_INVAL;
    }
    struct vtl_cart_info c = {.media = VTL_MEDIA_UNKNOWN, .cleaning_uses_left = -1};
    memcpy(c.barcode, barcode, len + 1);
    if (len >= 3 && !strncmp(barcode, "CLN", 3)) {
        c.cleaning = true;
        c.media = VTL_MEDIA_CLEANING;
        c.cleaning_uses_left = default_uses;
    } else if (len == 8) {
        char s0 = barcode[6], s1 = barcode[7];
        if (s0 == 'L' && s1 >= '1' && s1 <= '9') {
            c.media = (enum vtl_media)(s1 - '0');
        } else if (s0 == 'L' && s1 >= 'T' && s1 <= 'Z') {
            c.media = (enum vtl_media)(VTL_MEDIA_LTO3 + (s1 - 'T')); /* LT=3 .. LZ=9 */
            c.worm = true;
        } else if (s0 == 'M' && s1 == '8') {
            c.media = VTL_MEDIA_LTO7_M8;
        } else if (s0 == 'C' && s1 == 'U') {
            c.cleaning = true;
            c.media = VTL_MEDIA_CLEANING;
            c.cleaning_uses_left = default_uses;
        }
    }
    *out = c;
    return VTL_OK;
}

/* ---- creation and queries ------------------------------------------------------------ */

struct vtl_elem *vtl_elem_get(const struct vtl_library *lib, uint16_t addr)
{
    int32_t i = lib->addr_map[addr];
    return i < 0 ? NULL : &lib->elems[i];
}

static void free_jobs(struct vtl_robot_job *j)
{
    while (j) {
        struct vtl_robot_job *n = j->next;
        free(j);
        j = n;
    }
}

void vtl_library_destroy(struct vtl_library *lib)
{
    if (!lib)
        return;
    /* Motions still pending end as a reset would end them, so every submitter hears
     * back exactly once and nothing it allocated for the motion leaks. */
    vtl_robot_abort_all(lib, VTL_E_ABORTED);
    free(lib->cur_job);
    free_jobs(lib->queue_head);
    vtl_clock_free(lib->clk);
    free(lib->elems);
    free(lib->addr_map);
    free(lib->nexus);
    free(lib->state_dir);
    vtl_config_free(lib->cfg);
    free(lib);
}

static struct vtl_config *config_dup(const struct vtl_config *cfg)
{
    struct vtl_config *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *cfg;
    c->carts = NULL;
    if (cfg->n_carts) {
        c->carts = malloc(cfg->n_carts * sizeof *c->carts);
        if (!c->carts) {
            free(c);
            return NULL;
        }
        memcpy(c->carts, cfg->carts, cfg->n_carts * sizeof *c->carts);
    }
    return c;
}

enum vtl_rc vtl_library_create(const struct vtl_config *cfg, struct vtl_library **out)
{
    *out = NULL;
    size_t total = 0;
    for (int t = 1; t < VTL_ELEM_NTYPES; t++) {
        if (cfg->count[t] > VTL_MAX_ELEMENTS)
            return VTL_E_CONFIG;
        uint32_t last = (uint32_t)cfg->pers.base[t] + cfg->count[t];
        if (cfg->count[t] && last > 0x10000)
            return VTL_E_CONFIG;
        total += cfg->count[t];
    }
    if (cfg->count[VTL_ELEM_TRANSPORT] == 0 || cfg->count[VTL_ELEM_DTE] > VTL_MAX_DRIVES)
        return VTL_E_CONFIG;

    struct vtl_library *lib = calloc(1, sizeof *lib);
    if (!lib)
        return VTL_E_NOMEM;
    lib->cfg = config_dup(cfg);
    lib->clk = vtl_clock_new(cfg->clock_mode, cfg->clock_scale);
    lib->elems = calloc(total ? total : 1, sizeof *lib->elems);
    lib->addr_map = malloc(0x10000 * sizeof *lib->addr_map);
    if (!lib->cfg || !lib->clk || !lib->elems || !lib->addr_map) {
        vtl_library_destroy(lib);
        return VTL_E_NOMEM;
    }
    memset(lib->addr_map, 0xFF, 0x10000 * sizeof *lib->addr_map); /* all -1 */
    lib->n_elems = total;
    lib->next_nexus_id = 1;

    size_t k = 0;
    for (int t = 1; t < VTL_ELEM_NTYPES; t++) {
        lib->first[t] = k;
        lib->count[t] = cfg->count[t];
        for (unsigned i = 0; i < cfg->count[t]; i++, k++) {
            struct vtl_elem *e = &lib->elems[k];
            e->type = (enum vtl_elem_type)t;
            e->addr = (uint16_t)(cfg->pers.base[t] + i);
            e->index = i;
            if (lib->addr_map[e->addr] >= 0) { /* personality bases overlap */
                vtl_library_destroy(lib);
                return VTL_E_CONFIG;
            }
            lib->addr_map[e->addr] = (int32_t)k;
            if (t == VTL_ELEM_DTE)
                e->drive = cfg->drives[i];
        }
    }
    lib->count[VTL_ELEM_ALL] = (unsigned)total;

    for (size_t i = 0; i < cfg->n_carts; i++) {
        const struct vtl_cart_cfg *cc = &cfg->carts[i];
        if (cc->where < VTL_ELEM_STORAGE || cc->where > VTL_ELEM_DTE ||
            cc->index >= lib->count[cc->where]) {
            vtl_library_destroy(lib);
            return VTL_E_CONFIG;
        }
        struct vtl_elem *e = &lib->elems[lib->first[cc->where] + cc->index];
        if (e->full) {
            vtl_library_destroy(lib);
            return VTL_E_CONFIG;
        }
        e->full = true;
        e->cart = cc->cart;
    }
    lib->d_sense = lib->d_sense_saved = false;
    *out = lib;
    return VTL_OK;
}

struct vtl_clock *vtl_library_clock(struct vtl_library *lib)
{
    return lib->clk;
}

unsigned vtl_library_run_due(struct vtl_library *lib)
{
    return vtl_clock_run_due(lib->clk);
}

const char *vtl_library_vendor(const struct vtl_library *lib)
{
    return lib->cfg->pers.vendor;
}
const char *vtl_library_product(const struct vtl_library *lib)
{
    return lib->cfg->pers.product;
}
const char *vtl_library_revision(const struct vtl_library *lib)
{
    return lib->cfg->pers.revision;
}
const char *vtl_library_serial(const struct vtl_library *lib)
{
    return lib->cfg->serial;
}
const struct vtl_config *vtl_library_config(const struct vtl_library *lib)
{
    return lib->cfg;
}

unsigned vtl_library_count(const struct vtl_library *lib, enum vtl_elem_type type)
{
    return (unsigned)type < VTL_ELEM_NTYPES ? lib->count[type] : 0;
}

uint16_t vtl_library_first_addr(const struct vtl_library *lib, enum vtl_elem_type type)
{
    if (type <= VTL_ELEM_ALL || type >= VTL_ELEM_NTYPES)
        return 0;
    return lib->cfg->pers.base[type];
}

bool vtl_library_prevented(const struct vtl_library *lib)
{
    if (lib->prevent_restored)
        return true;
    for (size_t i = 0; i < lib->n_nexus; i++)
        if (lib->nexus[i].used && lib->nexus[i].prevent)
            return true;
    return false;
}

bool vtl_elem_accessible(const struct vtl_library *lib, const struct vtl_elem *e)
{
    if (e->disabled)
        return false;
    if (e->type == VTL_ELEM_IE)
        return !lib->mailslot_open && !lib->door_open;
    return !lib->door_open;
}

void vtl_elem_snapshot(const struct vtl_library *lib, const struct vtl_elem *e,
                       struct vtl_elem_info *out)
{
    memset(out, 0, sizeof *out);
    out->type = e->type;
    out->addr = e->addr;
    out->index = e->index;
    out->full = e->full;
    out->access = vtl_elem_accessible(lib, e);
    out->svalid = e->full && e->svalid;
    out->src_addr = out->svalid ? e->src_addr : 0;
    out->impexp = e->impexp;
    out->disabled = e->disabled;
    if (e->full)
        out->cart = e->cart;
    if (e->type == VTL_ELEM_DTE)
        out->drive = e->drive;
    uint16_t asc = e->except_asc;
    if (!asc && e->type == VTL_ELEM_TRANSPORT && lib->jammed)
        asc = lib->jam_asc;
    if (!asc && e->full && e->cart.label_unreadable)
        asc = ASC_LABEL_UNREADABLE;
    out->except = asc != 0;
    out->asc_ascq = asc;
}

enum vtl_rc vtl_library_elem(const struct vtl_library *lib, uint16_t addr,
                             struct vtl_elem_info *out)
{
    const struct vtl_elem *e = vtl_elem_get(lib, addr);
    if (!e)
        return VTL_E_BAD_ADDR;
    vtl_elem_snapshot(lib, e, out);
    return VTL_OK;
}

enum vtl_rc vtl_library_elem_at(const struct vtl_library *lib, enum vtl_elem_type type,
                                unsigned index, struct vtl_elem_info *out)
{
    if (type <= VTL_ELEM_ALL || type >= VTL_ELEM_NTYPES || index >= lib->count[type])
        return VTL_E_BAD_ADDR;
    vtl_elem_snapshot(lib, &lib->elems[lib->first[type] + index], out);
    return VTL_OK;
}

enum vtl_rc vtl_library_find_barcode(const struct vtl_library *lib, const char *barcode,
                                     uint16_t *addr)
{
    if (!barcode || !barcode[0])
        return VTL_E_NOT_FOUND;
    for (size_t i = 0; i < lib->n_elems; i++) {
        const struct vtl_elem *e = &lib->elems[i];
        if (e->full && !strcmp(e->cart.barcode, barcode)) {
            if (addr)
                *addr = e->addr;
            return VTL_OK;
        }
    }
    return VTL_E_NOT_FOUND;
}

enum vtl_rc vtl_library_set_drive_ops(struct vtl_library *lib, unsigned index,
                                      const struct vtl_drive_ops *ops, void *priv)
{
    if (index >= lib->count[VTL_ELEM_DTE])
        return VTL_E_BAD_ADDR;
    struct vtl_elem *e = &lib->elems[lib->first[VTL_ELEM_DTE] + index];
    e->ops = ops;
    e->ops_priv = priv;
    return VTL_OK;
}

uint64_t vtl_library_move_count(const struct vtl_library *lib)
{
    return lib->moves_done;
}

bool vtl_library_door_open(const struct vtl_library *lib)
{
    return lib->door_open;
}
bool vtl_library_mailslot_open(const struct vtl_library *lib)
{
    return lib->mailslot_open;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum vtl_rc broken(char *why, size_t cap, const char *rule, unsigned addr)
{
    if (why && cap)
        snprintf(why, cap, "element %u: %s", addr, rule);
    return VTL_E_CORRUPT;
}

enum vtl_rc vtl_library_check(const struct vtl_library *lib, char *why, size_t why_cap)
{
    size_t n_full = 0;
    for (size_t i = 0; i < lib->n_elems; i++) {
        const struct vtl_elem *e = &lib->elems[i];
        if (vtl_elem_get(lib, e->addr) != e)
            return broken(why, why_cap, "address map disagrees", e->addr);
        if (!e->full && (e->svalid || e->impexp || e->cart.barcode[0]))
            return broken(why, why_cap, "empty but has a source, ImpExp or a label", e->addr);
        if (e->svalid && !vtl_elem_get(lib, e->src_addr))
            return broken(why, why_cap, "source is not an element", e->addr);
        if (e->impexp && e->type != VTL_ELEM_IE)
            return broken(why, why_cap, "ImpExp outside a mail slot", e->addr);
        if (e->full && e->type == VTL_ELEM_TRANSPORT)
            return broken(why, why_cap, "cartridge left in the transport", e->addr);
        if (e->full && e->cart.barcode[0])
            n_full++;
    }
    if ((lib->robot_busy != (lib->cur_job != NULL)) || (lib->inventory && !lib->robot_busy))
        return broken(why, why_cap, "robot busy flag disagrees with the motion in flight", 0);
    if (n_full > 1) {
        const char **codes = malloc(n_full * sizeof *codes);
        if (!codes)
            return VTL_E_NOMEM;
        size_t k = 0;
        for (size_t i = 0; i < lib->n_elems; i++)
            if (lib->elems[i].full && lib->elems[i].cart.barcode[0])
                codes[k++] = lib->elems[i].cart.barcode;
        qsort(codes, k, sizeof *codes, cmp_str_ptr);
        for (size_t i = 1; i < k; i++)
            if (!strcmp(codes[i], codes[i - 1])) {
                free(codes);
                return broken(why, why_cap, "barcode appears twice", 0);
            }
        free(codes);
    }
    for (size_t i = 0; i < lib->n_nexus; i++)
        if (lib->nexus[i].n_ua > VTL_UA_MAX)
            return broken(why, why_cap, "unit-attention queue overflow", 0);
    return VTL_OK;
}

/* ---- nexus table and unit attentions ------------------------------------------------ */

struct vtl_nexus *vtl_nexus_find(struct vtl_library *lib, uint64_t id)
{
    for (size_t i = 0; i < lib->n_nexus; i++)
        if (lib->nexus[i].used && lib->nexus[i].id == id)
            return &lib->nexus[i];
    return NULL;
}

/* Power-on / reset conditions (29/xx) outrank every other UA (SPC-4 5.14: the device
 * server reports the highest-precedence one and may drop the others). */
static bool ua_is_reset(uint16_t code)
{
    return T10_ASC_OF(code) == 0x29;
}

void vtl_ua_raise(struct vtl_nexus *nx, uint16_t asc_ascq)
{
    for (unsigned i = 0; i < nx->n_ua; i++)
        if (nx->ua[i] == asc_ascq)
            return;
    if (ua_is_reset(asc_ascq)) {
        /* A reset supersedes what was pending: the host re-reads everything anyway. */
        nx->n_ua = 0;
    }
    if (nx->n_ua == VTL_UA_MAX) {
        memmove(nx->ua, nx->ua + 1, (VTL_UA_MAX - 1) * sizeof nx->ua[0]);
        nx->n_ua--;
    }
    nx->ua[nx->n_ua++] = asc_ascq;
}

void vtl_ua_raise_all(struct vtl_library *lib, uint16_t asc_ascq, const struct vtl_nexus *except)
{
    for (size_t i = 0; i < lib->n_nexus; i++)
        if (lib->nexus[i].used && &lib->nexus[i] != except)
            vtl_ua_raise(&lib->nexus[i], asc_ascq);
}

uint16_t vtl_ua_peek(const struct vtl_nexus *nx)
{
    if (!nx || !nx->n_ua)
        return 0;
    for (unsigned i = 0; i < nx->n_ua; i++)
        if (ua_is_reset(nx->ua[i]))
            return nx->ua[i];
    return nx->ua[0];
}

uint16_t vtl_ua_take(struct vtl_nexus *nx)
{
    uint16_t code = vtl_ua_peek(nx);
    if (!code)
        return 0;
    for (unsigned i = 0; i < nx->n_ua; i++) {
        if (nx->ua[i] == code) {
            memmove(nx->ua + i, nx->ua + i + 1, (nx->n_ua - i - 1) * sizeof nx->ua[0]);
            nx->n_ua--;
            break;
        }
    }
    return code;
}

void vtl_library_reset_volatile(struct vtl_library *lib)
{
    for (size_t i = 0; i < lib->n_nexus; i++) {
        lib->nexus[i].prevent = false;
        lib->nexus[i].registered = false;
        lib->nexus[i].key = 0;
    }
    lib->prevent_restored = false;
    lib->legacy_resv = 0;
    lib->pr_holder = 0;
    lib->pr_type = 0;
    lib->d_sense = lib->d_sense_saved;
}

/* ---- the robot ------------------------------------------------------------------------ */

static enum vtl_rc check_transport(const struct vtl_library *lib, uint16_t t)
{
    if (t == 0)
        return VTL_OK;
    const struct vtl_elem *e = vtl_elem_get(lib, t);
    return e && e->type == VTL_ELEM_TRANSPORT ? VTL_OK : VTL_E_BAD_ADDR;
}

/* Can the cartridge in @s go to @d (both exist, @s full)? Covers the rules that depend on
 * the pair: drive willing to give it up, mail-slot lock, media compatibility. */
static enum vtl_rc check_leg(const struct vtl_library *lib, const struct vtl_elem *s,
                             const struct vtl_elem *d)
{
    if (s->type == VTL_ELEM_DTE && s != d && s->ops && s->ops->may_remove &&
        !s->ops->may_remove(s->ops_priv) && !vtl_mut(lib, VTL_MUT_MOVE_IGNORES_PREVENT))
        return VTL_E_PREVENTED;
    if (d->type == VTL_ELEM_IE && s != d) {
        if (vtl_library_prevented(lib))
            return VTL_E_PREVENTED;
        if (s->cart.cleaning && !lib->cfg->pers.ie_accepts_cleaning)
            return VTL_E_INCOMPATIBLE;
    }
    if (d->type == VTL_ELEM_DTE && s != d && !(d->drive.media_mask & VTL_MEDIA_BIT(s->cart.media)))
        return VTL_E_INCOMPATIBLE;
    return VTL_OK;
}

/* Element usable as a move endpoint: exists, not a transport, reachable. */
static enum vtl_rc check_endpoint(const struct vtl_library *lib, uint16_t addr,
                                  const struct vtl_elem **out)
{
    const struct vtl_elem *e = vtl_elem_get(lib, addr);
    if (!e || e->type == VTL_ELEM_TRANSPORT)
        return VTL_E_BAD_ADDR;
    *out = e;
    return VTL_OK;
}

enum vtl_rc vtl_robot_check(const struct vtl_library *lib, const struct vtl_robot_op *op)
{
    enum vtl_rc rc = check_transport(lib, op->transport);
    if (rc)
        return rc;
    const struct vtl_elem *s = NULL, *d = NULL, *d2 = NULL;
    switch (op->kind) {
    case VTL_ROBOT_MOVE:
    case VTL_ROBOT_EXCHANGE:
        if ((rc = check_endpoint(lib, op->src, &s)) || (rc = check_endpoint(lib, op->dst, &d)))
            return rc;
        if (op->kind == VTL_ROBOT_EXCHANGE && (rc = check_endpoint(lib, op->dst2, &d2)))
            return rc;
        if (lib->jammed)
            return VTL_E_JAMMED;
        if (!vtl_elem_accessible(lib, s) || !vtl_elem_accessible(lib, d) ||
            (d2 && !vtl_elem_accessible(lib, d2)))
            return VTL_E_NOT_ACCESSIBLE;
        if (!s->full)
            return VTL_E_SRC_EMPTY;
        if (op->kind == VTL_ROBOT_MOVE) {
            if (d != s && d->full)
                return VTL_E_DST_FULL;
            return check_leg(lib, s, d);
        }
        /* EXCHANGE (SMC-3 6.x): source and first destination full; the second
         * destination empty unless it is the source (a swap). */
        if (!d->full)
            return VTL_E_SRC_EMPTY;
        if (d2 != s && d2->full)
            return VTL_E_DST_FULL;
        if ((rc = check_leg(lib, s, d)) || (rc = check_leg(lib, d, d2)))
            return rc;
        return VTL_OK;
    case VTL_ROBOT_POSITION:
        if (!vtl_elem_get(lib, op->dst))
            return VTL_E_BAD_ADDR;
        if (lib->jammed)
            return VTL_E_JAMMED;
        if (!vtl_elem_accessible(lib, vtl_elem_get(lib, op->dst)))
            return VTL_E_NOT_ACCESSIBLE;
        return VTL_OK;
    case VTL_ROBOT_INIT:
        if (op->range && op->n && !vtl_elem_get(lib, op->first))
            return VTL_E_BAD_ADDR;
        if (lib->jammed)
            return VTL_E_JAMMED;
        if (lib->door_open)
            return VTL_E_NOT_ACCESSIBLE;
        return VTL_OK;
    }
    return VTL_E_INVAL;
}

static void place(struct vtl_elem *s, struct vtl_elem *d, const struct vtl_cart_info *cart,
                  bool svalid, uint16_t src)
{
    d->full = true;
    d->cart = *cart;
    d->svalid = svalid;
    d->src_addr = src;
    d->impexp = false; /* placed by the robot: ImpExp 0 (SMC-3 IE descriptor) */
    (void)s;
}

/* SOURCE STORAGE ELEMENT ADDRESS: mtx and backup software use it to return a tape from a
 * drive to its home slot, so a cartridge keeps the slot it left as its source across
 * drive-to-drive moves; leaving any other element, that element becomes the source. */
static uint16_t source_for(const struct vtl_elem *s)
{
    if (s->type != VTL_ELEM_STORAGE && s->svalid)
        return s->src_addr;
    return s->addr;
}

static void take_out(struct vtl_elem *s)
{
    s->full = false;
    s->svalid = false;
    s->src_addr = 0;
    s->impexp = false;
    memset(&s->cart, 0, sizeof s->cart);
    if (s->type == VTL_ELEM_DTE && s->ops && s->ops->unloaded)
        s->ops->unloaded(s->ops_priv);
}

static void notify_loaded(struct vtl_elem *d)
{
    if (d->type == VTL_ELEM_DTE && d->ops && d->ops->loaded)
        d->ops->loaded(d->ops_priv, &d->cart);
}

static uint64_t op_delay(const struct vtl_library *lib, const struct vtl_robot_op *op)
{
    const struct vtl_delays *dl = &lib->cfg->delays;
    uint64_t us = 0;
    switch (op->kind) {
    case VTL_ROBOT_MOVE:
        us = dl->move_us;
        break;
    case VTL_ROBOT_EXCHANGE:
        us = dl->exchange_us;
        break;
    case VTL_ROBOT_POSITION:
        us = dl->position_us;
        break;
    case VTL_ROBOT_INIT: {
        uint64_t n = op->range ? op->n : lib->n_elems;
        us = dl->init_us + n * dl->init_elem_us;
        break;
    }
    }
    return vtl_clock_effective_us(lib->clk, us);
}

static void apply(struct vtl_library *lib, const struct vtl_robot_op *op)
{
    struct vtl_elem *s = vtl_elem_get(lib, op->src), *d = vtl_elem_get(lib, op->dst);
    switch (op->kind) {
    case VTL_ROBOT_MOVE:
        if (s != d) {
            struct vtl_cart_info c = s->cart;
            uint16_t src = source_for(s);
            take_out(s);
            place(s, d, &c, true, src);
            notify_loaded(d);
        }
        lib->transport_pos = op->dst;
        break;
    case VTL_ROBOT_EXCHANGE: {
        struct vtl_elem *d2 = vtl_elem_get(lib, op->dst2);
        struct vtl_cart_info c1 = s->cart, c2 = d->cart;
        uint16_t src1 = source_for(s), src2 = source_for(d);
        take_out(s);
        take_out(d);
        place(d, d2, &c2, true, src2);
        place(s, d, &c1, true, src1);
        notify_loaded(d2);
        notify_loaded(d);
        lib->transport_pos = op->dst2;
        break;
    }
    case VTL_ROBOT_POSITION:
        lib->transport_pos = op->dst;
        break;
    case VTL_ROBOT_INIT: {
        /* An inventory re-reads every label and clears element exceptions it finds
         * resolved; the cartridges stay where they are. */
        for (size_t i = 0; i < lib->n_elems; i++) {
            struct vtl_elem *e = &lib->elems[i];
            if (op->range && op->n &&
                (e->addr < op->first || (uint32_t)e->addr >= (uint32_t)op->first + op->n))
                continue;
            e->except_asc = 0;
        }
        break;
    }
    }
    lib->moves_done++;
    if (op->kind != VTL_ROBOT_POSITION)
        vtl_library_changed(lib);
}

static void robot_start_next(struct vtl_library *lib);

static void robot_finish(void *arg)
{
    struct vtl_library *lib = arg;
    struct vtl_robot_job *job = lib->cur_job;
    lib->cur_job = NULL;
    lib->robot_busy = false;
    lib->inventory = false;
    lib->robot_event = 0;
    /* The world may have changed while the arm moved (operator, faults): check again. */
    enum vtl_rc rc = vtl_robot_check(lib, &job->op);
    if (rc == VTL_OK)
        apply(lib, &job->op);
    job->done(job->arg, rc);
    free(job);
    robot_start_next(lib);
}

/* Starts queued jobs until one has to wait on the clock. A done callback may submit new
 * work; it lands in the queue and is picked up by this same loop. */
static void robot_start_next(struct vtl_library *lib)
{
    while (!lib->robot_busy && lib->queue_head) {
        struct vtl_robot_job *job = lib->queue_head;
        lib->queue_head = job->next;
        if (!lib->queue_head)
            lib->queue_tail = NULL;
        job->next = NULL;
        enum vtl_rc rc = vtl_robot_check(lib, &job->op);
        uint64_t delay = rc ? 0 : op_delay(lib, &job->op);
        if (rc == VTL_OK && delay > 0) {
            lib->robot_busy = true;
            lib->inventory = job->op.kind == VTL_ROBOT_INIT;
            lib->cur_job = job;
            lib->robot_event = vtl_clock_schedule(lib->clk, delay, robot_finish, lib);
            if (lib->robot_event)
                return;
            /* Out of memory for the timer: do the motion now rather than lose it. */
            lib->robot_busy = false;
            lib->inventory = false;
            lib->cur_job = NULL;
        }
        if (rc == VTL_OK)
            apply(lib, &job->op);
        /* Mark the robot busy around the callback so a nested submit only queues. */
        lib->robot_busy = true;
        job->done(job->arg, rc);
        lib->robot_busy = false;
        free(job);
    }
}

enum vtl_rc vtl_robot_submit(struct vtl_library *lib, const struct vtl_robot_op *op,
                             vtl_robot_done_fn *done, void *arg)
{
    struct vtl_robot_job *job = calloc(1, sizeof *job);
    if (!job)
        return VTL_E_NOMEM;
    job->op = *op;
    job->done = done;
    job->arg = arg;
    if (lib->queue_tail)
        lib->queue_tail->next = job;
    else
        lib->queue_head = job;
    lib->queue_tail = job;
    robot_start_next(lib);
    return VTL_OK;
}

bool vtl_robot_busy(const struct vtl_library *lib)
{
    return lib->robot_busy || lib->queue_head != NULL;
}

bool vtl_library_inventory_running(const struct vtl_library *lib)
{
    return lib->inventory;
}

void vtl_robot_abort_all(struct vtl_library *lib, enum vtl_rc rc)
{
    if (lib->robot_event)
        vtl_clock_cancel(lib->clk, lib->robot_event);
    lib->robot_event = 0;
    struct vtl_robot_job *list = lib->cur_job;
    lib->cur_job = NULL;
    if (list)
        list->next = lib->queue_head;
    else
        list = lib->queue_head;
    lib->queue_head = lib->queue_tail = NULL;
    lib->robot_busy = true; /* callbacks must not start new motions mid-reset */
    while (list) {
        struct vtl_robot_job *n = list->next;
        list->done(list->arg, rc);
        free(list);
        list = n;
    }
    lib->robot_busy = false;
    lib->inventory = false;
    robot_start_next(lib);
}

/* ---- doors and the operator ----------------------------------------------------------- */

enum vtl_rc vtl_library_set_door(struct vtl_library *lib, bool open)
{
    if (open == lib->door_open)
        return VTL_OK;
    if (open && vtl_library_prevented(lib))
        return VTL_E_PREVENTED;
    lib->door_open = open;
    /* TapeAlert 10h "library door": set while open, cleared when read (log page 2Eh). */
    if (open)
        vtl_fault_set_tapealert(lib, 0x10, true);
    else
        vtl_ua_raise_all(lib, UA_NOT_READY_TO_READY, NULL);
    vtl_library_changed(lib);
    return VTL_OK;
}

enum vtl_rc vtl_library_set_mailslot(struct vtl_library *lib, bool open)
{
    if (open == lib->mailslot_open)
        return VTL_OK;
    if (open && vtl_library_prevented(lib))
        return VTL_E_PREVENTED;
    lib->mailslot_open = open;
    if (!open)
        vtl_ua_raise_all(lib, UA_IE_ACCESSED, NULL);
    vtl_library_changed(lib);
    return VTL_OK;
}

/* Shared by the operator's inject and the "cartridge appears" fault. */
enum vtl_rc vtl_library_place_in_ie(struct vtl_library *lib, const struct vtl_cart_info *cart,
                                    uint16_t ie_addr, uint16_t *placed);
enum vtl_rc vtl_library_place_in_ie(struct vtl_library *lib, const struct vtl_cart_info *cart,
                                    uint16_t ie_addr, uint16_t *placed)
{
    if (!cart)
        return VTL_E_INVAL;
    struct vtl_cart_info c = *cart;
    c.barcode[VTL_BARCODE_MAX] = '\0';
    if (c.barcode[0]) {
        struct vtl_cart_info probe;
        if (vtl_cart_from_barcode(c.barcode, 0, &probe) != VTL_OK)
            return VTL_E_INVAL;
        if (vtl_library_find_barcode(lib, c.barcode, NULL) == VTL_OK)
            return VTL_E_EXISTS;
    }
    struct vtl_elem *ie = NULL;
    if (ie_addr) {
        ie = vtl_elem_get(lib, ie_addr);
        if (!ie || ie->type != VTL_ELEM_IE)
            return VTL_E_BAD_ADDR;
        if (ie->full)
            return VTL_E_DST_FULL;
    } else {
        for (unsigned i = 0; i < lib->count[VTL_ELEM_IE] && !ie; i++) {
            struct vtl_elem *e = &lib->elems[lib->first[VTL_ELEM_IE] + i];
            if (!e->full)
                ie = e;
        }
        if (!ie)
            return VTL_E_DST_FULL;
    }
    ie->full = true;
    ie->cart = c;
    ie->svalid = false;
    ie->src_addr = 0;
    ie->impexp = true; /* placed by an operator */
    if (placed)
        *placed = ie->addr;
    /* With the mail slot standing open the hosts hear about it when it closes. */
    if (!lib->mailslot_open)
        vtl_ua_raise_all(lib, UA_IE_ACCESSED, NULL);
    vtl_library_changed(lib);
    return VTL_OK;
}

enum vtl_rc vtl_library_inject(struct vtl_library *lib, const struct vtl_cart_info *cart,
                               uint16_t ie_addr, uint16_t *placed)
{
    if (vtl_library_prevented(lib) && !lib->mailslot_open)
        return VTL_E_PREVENTED;
    return vtl_library_place_in_ie(lib, cart, ie_addr, placed);
}

enum vtl_rc vtl_library_remove(struct vtl_library *lib, uint16_t ie_addr, struct vtl_cart_info *out)
{
    struct vtl_elem *ie = vtl_elem_get(lib, ie_addr);
    if (!ie || ie->type != VTL_ELEM_IE)
        return VTL_E_BAD_ADDR;
    if (vtl_library_prevented(lib) && !lib->mailslot_open)
        return VTL_E_PREVENTED;
    if (!ie->full)
        return VTL_E_SRC_EMPTY;
    if (out)
        *out = ie->cart;
    take_out(ie);
    if (!lib->mailslot_open)
        vtl_ua_raise_all(lib, UA_IE_ACCESSED, NULL);
    vtl_library_changed(lib);
    return VTL_OK;
}

enum vtl_rc vtl_library_move_by_hand(struct vtl_library *lib, uint16_t src, uint16_t dst)
{
    struct vtl_elem *s = vtl_elem_get(lib, src), *d = vtl_elem_get(lib, dst);
    if (!s || !d || s->type == VTL_ELEM_TRANSPORT || d->type == VTL_ELEM_TRANSPORT)
        return VTL_E_BAD_ADDR;
    if (!s->full)
        return VTL_E_SRC_EMPTY;
    if (s == d)
        return VTL_OK;
    if (d->full)
        return VTL_E_DST_FULL;
    struct vtl_cart_info c = s->cart;
    take_out(s);
    place(s, d, &c, false, 0);
    if (d->type == VTL_ELEM_IE)
        d->impexp = true;
    notify_loaded(d);
    vtl_ua_raise_all(lib, UA_NOT_READY_TO_READY, NULL);
    vtl_library_changed(lib);
    return VTL_OK;
}

enum vtl_rc vtl_library_use_cleaner(struct vtl_library *lib, uint16_t addr)
{
    struct vtl_elem *e = vtl_elem_get(lib, addr);
    if (!e)
        return VTL_E_BAD_ADDR;
    if (!e->full || !e->cart.cleaning)
        return VTL_E_INVAL;
    if (e->cart.cleaning_uses_left <= 0)
        return VTL_E_INCOMPATIBLE;
    e->cart.cleaning_uses_left--;
    vtl_library_changed(lib);
    return VTL_OK;
}

void vtl_library_changed(struct vtl_library *lib)
{
    if (lib->state_dir)
        lib->autosave_rc = vtl_library_save_state(lib, lib->state_dir);
}

enum vtl_rc vtl_library_set_state_dir(struct vtl_library *lib, const char *dir)
{
    char *copy = NULL;
    if (dir && !(copy = strdup(dir)))
        return VTL_E_NOMEM;
    free(lib->state_dir);
    lib->state_dir = copy;
    lib->autosave_rc = VTL_OK;
    if (copy)
        vtl_library_changed(lib);
    return lib->autosave_rc;
}

enum vtl_rc vtl_library_autosave_status(const struct vtl_library *lib)
{
    return lib->autosave_rc;
}
