/* SPDX-License-Identifier: MIT
 * sim/ctl/ctl.c - vtld's control protocol: JSON request line in, JSON response line out.
 * Contract in ctl.h, wire format in PROTOCOL.md. Start reading at vtl_ctl_handle().
 */
#include "sim/ctl/ctl.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/clock.h"
#include "sim/core/config.h"
#include "sim/core/fault.h"
#include "sim/core/mutant.h"

#define CTL_MAX_LIBS 64
#define CTL_NAME_MAX 64

struct ctl_lib {
    char name[CTL_NAME_MAX];
    struct vtl_library *lib;   /* borrowed */
    char *state_dir;           /* owned, may be NULL */
    struct vtl_ctl_drive_hooks hooks;
};

struct vtl_ctl {
    struct ctl_lib libs[CTL_MAX_LIBS];
    unsigned n_libs;
};

/* A request failure: the code goes to the client as error.code. */
struct ctl_err {
    const char *code;
    char msg[256];
};

__attribute__((format(printf, 3, 4))) static void set_err(struct ctl_err *e, const char *code,
                                                          const char *fmt, ...)
{
    va_list ap;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

struct vtl_ctl *vtl_ctl_new(void)
{
    return calloc(1, sizeof(struct vtl_ctl));
}

void vtl_ctl_free(struct vtl_ctl *ctl)
{
    if (!ctl)
        return;
    for (unsigned i = 0; i < ctl->n_libs; i++)
        free(ctl->libs[i].state_dir);
    free(ctl);
}

enum vtl_rc vtl_ctl_add_library(struct vtl_ctl *ctl, const char *name, struct vtl_library *lib,
                                const char *state_dir, const struct vtl_ctl_drive_hooks *hooks)
{
    if (!name || !*name || strlen(name) >= CTL_NAME_MAX || !lib)
        return VTL_E_INVAL;
    if (ctl->n_libs == CTL_MAX_LIBS)
        return VTL_E_NOMEM;
    for (unsigned i = 0; i < ctl->n_libs; i++)
        if (strcmp(ctl->libs[i].name, name) == 0)
            return VTL_E_EXISTS;
    struct ctl_lib *l = &ctl->libs[ctl->n_libs];
    memset(l, 0, sizeof *l);
    snprintf(l->name, sizeof l->name, "%s", name);
    l->lib = lib;
    if (state_dir && !(l->state_dir = strdup(state_dir)))
        return VTL_E_NOMEM;
    if (hooks)
        l->hooks = *hooks;
    ctl->n_libs++;
    return VTL_OK;
}

/* ---- argument checking -------------------------------------------------------------- */

/* Every key of @args must be in @allowed (NULL-terminated). */
static bool args_known(json_t *args, const char *const *allowed, const char *cmd,
                       struct ctl_err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(args, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok = ok || strcmp(*a, key) == 0;
        if (!ok) {
            set_err(e, "BAD_REQUEST", "%s: unknown argument '%s'", cmd, key);
            return false;
        }
    }
    return true;
}

/* Optional unsigned integer argument in [0, max]. *@present tells whether it was given. */
static bool arg_uint(json_t *args, const char *key, unsigned long max, unsigned long *out,
                     bool *present, struct ctl_err *e)
{
    json_t *v = json_object_get(args, key);
    *present = v != NULL;
    if (!v)
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        (unsigned long long)json_integer_value(v) > max) {
        set_err(e, "BAD_REQUEST", "'%s' must be an integer from 0 to %lu", key, max);
        return false;
    }
    *out = (unsigned long)json_integer_value(v);
    return true;
}

static bool arg_str(json_t *args, const char *key, const char **out, struct ctl_err *e)
{
    json_t *v = json_object_get(args, key);
    if (!v) {
        *out = NULL;
        return true;
    }
    if (!json_is_string(v)) {
        set_err(e, "BAD_REQUEST", "'%s' must be a string", key);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

static bool lib_fail(enum vtl_rc rc, const char *what, struct ctl_err *e)
{
    if (rc == VTL_OK)
        return false;
    set_err(e, vtl_rc_name(rc), "%s refused: %s", what, vtl_rc_name(rc));
    return true;
}

/* ---- status ------------------------------------------------------------------------- */

static const char *const type_names[VTL_ELEM_NTYPES] = {
    [VTL_ELEM_TRANSPORT] = "transport",
    [VTL_ELEM_STORAGE] = "slot",
    [VTL_ELEM_IE] = "mailslot",
    [VTL_ELEM_DTE] = "drive",
};

static json_t *elem_json(struct ctl_lib *l, const struct vtl_elem_info *ei)
{
    json_t *o = json_pack("{s:s, s:i, s:i, s:b, s:b}", "type", type_names[ei->type], "address",
                          (int)ei->addr, "index", (int)ei->index, "full", ei->full, "access",
                          ei->access);
    if (ei->full) {
        if (ei->cart.label_unreadable)
            json_object_set_new(o, "label_unreadable", json_true());
        json_object_set_new(o, "barcode", json_string(ei->cart.barcode));
        json_object_set_new(o, "media", json_string(vtl_media_name(ei->cart.media)));
        if (ei->cart.worm)
            json_object_set_new(o, "worm", json_true());
        if (ei->cart.cleaning)
            json_object_set_new(o, "cleaning_uses_left", json_integer(ei->cart.cleaning_uses_left));
        json_object_set_new(o, "source", ei->svalid ? json_integer(ei->src_addr) : json_null());
    }
    if (ei->except) {
        char buf[8];
        snprintf(buf, sizeof buf, "%02X/%02X", ei->asc_ascq >> 8, ei->asc_ascq & 0xFF);
        json_object_set_new(o, "exception", json_string(buf));
    }
    if (ei->type == VTL_ELEM_IE && ei->impexp)
        json_object_set_new(o, "impexp", json_true());
    if (ei->type == VTL_ELEM_DTE) {
        json_object_set_new(o, "drive_serial", json_string(ei->drive.serial));
        json_object_set_new(o, "drive_product", json_string(ei->drive.product));
        if (l->hooks.describe) {
            const char *state = NULL;
            unsigned long long ta = 0;
            if (l->hooks.describe(l->hooks.priv, ei->index, &state, &ta) == VTL_OK) {
                if (state)
                    json_object_set_new(o, "drive_state", json_string(state));
                json_t *flags = json_array();
                for (unsigned f = 1; f <= 64; f++)
                    if (ta & (1ULL << (f - 1)))
                        json_array_append_new(flags, json_integer(f));
                json_object_set_new(o, "tapealert", flags);
            }
        }
    }
    return o;
}

static json_t *library_json(struct ctl_lib *l)
{
    struct vtl_library *lib = l->lib;
    struct vtl_clock *clk = vtl_library_clock(lib);
    static const char *const modes[] = {"zero", "real", "scaled", "virtual"};
    unsigned mode = (unsigned)vtl_clock_mode(clk);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:{s:s, s:f}}", "name", l->name,
        "vendor", vtl_library_vendor(lib), "product", vtl_library_product(lib), "revision",
        vtl_library_revision(lib), "serial", vtl_library_serial(lib), "door",
        vtl_library_door_open(lib) ? "open" : "closed", "mailslot",
        vtl_library_mailslot_open(lib) ? "open" : "closed", "prevented",
        vtl_library_prevented(lib), "jammed", vtl_fault_jammed(lib), "clock", "mode",
        mode < 4 ? modes[mode] : "?", "seconds", (double)vtl_clock_now_us(clk) / 1e6);
    json_t *elems = json_array();
    static const enum vtl_elem_type order[] = {VTL_ELEM_TRANSPORT, VTL_ELEM_DTE, VTL_ELEM_IE,
                                               VTL_ELEM_STORAGE};
    for (size_t t = 0; t < sizeof order / sizeof order[0]; t++) {
        unsigned n = vtl_library_count(lib, order[t]);
        for (unsigned i = 0; i < n; i++) {
            struct vtl_elem_info ei;
            if (vtl_library_elem_at(lib, order[t], i, &ei) == VTL_OK)
                json_array_append_new(elems, elem_json(l, &ei));
        }
    }
    json_object_set_new(o, "elements", elems);
    uint64_t ta = vtl_fault_tapealert(lib);
    json_t *flags = json_array();
    for (unsigned f = 1; f <= 64; f++)
        if (ta & (UINT64_C(1) << (f - 1)))
            json_array_append_new(flags, json_integer(f));
    json_object_set_new(o, "tapealert", flags);
    return o;
}

/* ---- commands ----------------------------------------------------------------------- */

typedef json_t *cmd_fn(struct ctl_lib *l, json_t *args, struct ctl_err *e);

static json_t *cmd_inject(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    static const char *const ok[] = {"barcode", "type", "cleaner", "uses", "slot", NULL};
    const char *barcode, *type;
    unsigned long uses = 0, slot = 0;
    bool has_uses, has_slot;
    if (!args_known(args, ok, "inject", e) || !arg_str(args, "barcode", &barcode, e) ||
        !arg_str(args, "type", &type, e) || !arg_uint(args, "uses", 1000000, &uses, &has_uses, e) ||
        !arg_uint(args, "slot", 0xFFFF, &slot, &has_slot, e))
        return NULL;
    json_t *cleaner = json_object_get(args, "cleaner");
    if (cleaner && !json_is_boolean(cleaner)) {
        set_err(e, "BAD_REQUEST", "'cleaner' must be true or false");
        return NULL;
    }
    if (!barcode) {
        set_err(e, "BAD_REQUEST", "inject: 'barcode' is required");
        return NULL;
    }
    const struct vtl_config *cfg = vtl_library_config(l->lib);
    struct vtl_cart_info cart;
    if (vtl_cart_from_barcode(barcode, has_uses ? (int)uses : cfg->pers.cleaning_uses, &cart) !=
        VTL_OK) {
        set_err(e, "BAD_REQUEST", "inject: '%s' is not a valid barcode", barcode);
        return NULL;
    }
    if (type) {
        enum vtl_media m;
        if (vtl_media_parse(type, &m) != VTL_OK) {
            set_err(e, "BAD_REQUEST", "inject: unknown media type '%s'", type);
            return NULL;
        }
        cart.media = m;
        cart.cleaning = m == VTL_MEDIA_CLEANING;
    }
    if (json_is_true(cleaner)) {
        cart.cleaning = true;
        cart.media = VTL_MEDIA_CLEANING;
    }
    if (cart.cleaning && cart.cleaning_uses_left < 0)
        cart.cleaning_uses_left = has_uses ? (int)uses : cfg->pers.cleaning_uses;
    else if (cart.cleaning && has_uses)
        cart.cleaning_uses_left = (int)uses;
    if (!cart.cleaning)
        cart.cleaning_uses_left = -1;
    uint16_t placed = 0;
    if (lib_fail(vtl_library_inject(l->lib, &cart, (uint16_t)slot, &placed), "inject", e))
        return NULL;
    return json_pack("{s:i, s:s}", "element", (int)placed, "barcode", cart.barcode);
}

static json_t *cmd_remove(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    static const char *const ok[] = {"element", "barcode", NULL};
    unsigned long elem = 0;
    bool has_elem;
    const char *barcode;
    if (!args_known(args, ok, "remove", e) || !arg_uint(args, "element", 0xFFFF, &elem, &has_elem, e) ||
        !arg_str(args, "barcode", &barcode, e))
        return NULL;
    uint16_t addr = (uint16_t)elem;
    if (barcode) {
        if (has_elem) {
            set_err(e, "BAD_REQUEST", "remove: give 'element' or 'barcode', not both");
            return NULL;
        }
        if (lib_fail(vtl_library_find_barcode(l->lib, barcode, &addr), "remove", e))
            return NULL;
    } else if (!has_elem) {
        /* No argument: the first full mail slot, as an operator emptying the slot would. */
        unsigned n = vtl_library_count(l->lib, VTL_ELEM_IE);
        bool found = false;
        for (unsigned i = 0; i < n && !found; i++) {
            struct vtl_elem_info ei;
            if (vtl_library_elem_at(l->lib, VTL_ELEM_IE, i, &ei) == VTL_OK && ei.full) {
                addr = ei.addr;
                found = true;
            }
        }
        if (!found) {
            set_err(e, "VTL_E_SRC_EMPTY", "remove: every mail slot is empty");
            return NULL;
        }
    }
    struct vtl_elem_info ei;
    if (lib_fail(vtl_library_elem(l->lib, addr, &ei), "remove", e))
        return NULL;
    if (ei.type != VTL_ELEM_IE) {
        set_err(e, "VTL_E_INVAL", "remove: element %u is not a mail slot", addr);
        return NULL;
    }
    struct vtl_cart_info cart;
    if (lib_fail(vtl_library_remove(l->lib, addr, &cart), "remove", e))
        return NULL;
    return json_pack("{s:i, s:s}", "element", (int)addr, "barcode", cart.barcode);
}

static json_t *cmd_door(struct ctl_lib *l, json_t *args, struct ctl_err *e, bool open)
{
    static const char *const ok[] = {"door", NULL};
    const char *door;
    if (!args_known(args, ok, open ? "open-door" : "close-door", e) ||
        !arg_str(args, "door", &door, e))
        return NULL;
    enum vtl_rc rc;
    if (!door || strcmp(door, "main") == 0) {
        rc = vtl_library_set_door(l->lib, open);
    } else if (strcmp(door, "mailslot") == 0) {
        rc = vtl_library_set_mailslot(l->lib, open);
    } else {
        set_err(e, "BAD_REQUEST", "door must be 'main' or 'mailslot', not '%s'", door);
        return NULL;
    }
    if (lib_fail(rc, open ? "open-door" : "close-door", e))
        return NULL;
    return json_object();
}

static json_t *cmd_open_door(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    return cmd_door(l, args, e, true);
}

static json_t *cmd_close_door(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    return cmd_door(l, args, e, false);
}

static json_t *cmd_move(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    static const char *const ok[] = {"from", "to", NULL};
    unsigned long from = 0, to = 0;
    bool hf, ht;
    if (!args_known(args, ok, "move", e) || !arg_uint(args, "from", 0xFFFF, &from, &hf, e) ||
        !arg_uint(args, "to", 0xFFFF, &to, &ht, e))
        return NULL;
    if (!hf || !ht) {
        set_err(e, "BAD_REQUEST", "move: 'from' and 'to' are required");
        return NULL;
    }
    if (lib_fail(vtl_library_move_by_hand(l->lib, (uint16_t)from, (uint16_t)to), "move", e))
        return NULL;
    return json_object();
}

/* The drive named by argument "drive" (its 0-based index or its element address) into
 * *@index. @required: absent is an error; otherwise *@present says whether it was given. */
static bool arg_drive(struct ctl_lib *l, json_t *args, const char *cmd, bool required,
                      unsigned *index, bool *present, struct ctl_err *e)
{
    unsigned long drive = 0;
    bool has;
    if (!arg_uint(args, "drive", 0xFFFF, &drive, &has, e))
        return false;
    if (present)
        *present = has;
    if (!has) {
        if (required)
            set_err(e, "BAD_REQUEST", "%s: 'drive' is required", cmd);
        return !required;
    }
    unsigned n = vtl_library_count(l->lib, VTL_ELEM_DTE);
    *index = (unsigned)drive;
    if (drive >= n) {
        struct vtl_elem_info ei;
        if (vtl_library_elem(l->lib, (uint16_t)drive, &ei) != VTL_OK || ei.type != VTL_ELEM_DTE) {
            set_err(e, "VTL_E_BAD_ADDR", "%s: no drive %lu (index or element address)", cmd,
                    drive);
            return false;
        }
        *index = ei.index;
    }
    return true;
}

/* Whether the drive hook @fn exists; the drives of a changer-only library are not
 * emulated, which is an honest NOT_SUPPORTED rather than a silent success. */
static bool have_hook(bool present, const char *cmd, struct ctl_err *e)
{
    if (!present)
        set_err(e, "NOT_SUPPORTED", "%s: this library's drives are not emulated", cmd);
    return present;
}

static json_t *cmd_dirty(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    static const char *const ok[] = {"drive", NULL};
    unsigned index = 0;
    if (!args_known(args, ok, "dirty", e) || !arg_drive(l, args, "dirty", true, &index, NULL, e) ||
        !have_hook(l->hooks.set_dirty != NULL, "dirty", e))
        return NULL;
    if (lib_fail(l->hooks.set_dirty(l->hooks.priv, index), "dirty", e))
        return NULL;
    return json_pack("{s:i}", "drive", (int)index);
}

/* fault drive-fail / drive-repair / read-error / write-error: faults of one tape drive. */
static json_t *fault_drive(struct ctl_lib *l, json_t *args, const char *kind, struct ctl_err *e)
{
    char what[32];
    snprintf(what, sizeof what, "fault %s", kind);
    unsigned index = 0;
    if (strcmp(kind, "drive-fail") == 0) {
        static const char *const ok[] = {"kind", "drive", "asc", "ascq", NULL};
        unsigned long asc = 0, ascq = 0;
        bool ha, hq;
        if (!args_known(args, ok, what, e) || !arg_drive(l, args, what, true, &index, NULL, e) ||
            !arg_uint(args, "asc", 0xFF, &asc, &ha, e) ||
            !arg_uint(args, "ascq", 0xFF, &ascq, &hq, e))
            return NULL;
        if (ha != hq) {
            set_err(e, "BAD_REQUEST", "%s: give both 'asc' and 'ascq', or neither", what);
            return NULL;
        }
        if (!have_hook(l->hooks.fault_hard != NULL, what, e) ||
            lib_fail(l->hooks.fault_hard(l->hooks.priv, index, (uint16_t)(asc << 8 | ascq)), what,
                     e))
            return NULL;
    } else if (strcmp(kind, "drive-repair") == 0) {
        static const char *const ok[] = {"kind", "drive", NULL};
        if (!args_known(args, ok, what, e) || !arg_drive(l, args, what, true, &index, NULL, e) ||
            !have_hook(l->hooks.fault_clear != NULL, what, e) ||
            lib_fail(l->hooks.fault_clear(l->hooks.priv, index), what, e))
            return NULL;
    } else if (strcmp(kind, "read-error") == 0) {
        static const char *const ok[] = {"kind", "drive", "block", "partition", NULL};
        unsigned long block = 0, part = 0;
        bool hb, hp;
        if (!args_known(args, ok, what, e) || !arg_drive(l, args, what, true, &index, NULL, e) ||
            !arg_uint(args, "block", 0xFFFFFFFFUL, &block, &hb, e) ||
            !arg_uint(args, "partition", 3, &part, &hp, e))
            return NULL;
        if (!hb) {
            set_err(e, "BAD_REQUEST", "%s: 'block' is required", what);
            return NULL;
        }
        if (!have_hook(l->hooks.fault_read_error != NULL, what, e) ||
            lib_fail(l->hooks.fault_read_error(l->hooks.priv, index, (unsigned)part, block), what,
                     e))
            return NULL;
    } else {
        static const char *const ok[] = {"kind", "drive", "count", NULL};
        unsigned long count = 1;
        bool hc;
        if (!args_known(args, ok, what, e) || !arg_drive(l, args, what, true, &index, NULL, e) ||
            !arg_uint(args, "count", 1000000, &count, &hc, e))
            return NULL;
        if (!hc)
            count = 1;
        if (count == 0) {
            set_err(e, "BAD_REQUEST", "%s: 'count' must be at least 1", what);
            return NULL;
        }
        if (!have_hook(l->hooks.fault_write_error != NULL, what, e) ||
            lib_fail(l->hooks.fault_write_error(l->hooks.priv, index, (unsigned)count), what, e))
            return NULL;
    }
    return json_pack("{s:i}", "drive", (int)index);
}

static json_t *cmd_clock(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    static const char *const ok[] = {"action", "seconds", NULL};
    const char *action;
    if (!args_known(args, ok, "clock", e) || !arg_str(args, "action", &action, e))
        return NULL;
    struct vtl_clock *clk = vtl_library_clock(l->lib);
    if (!action || strcmp(action, "show") == 0) {
        if (json_object_get(args, "seconds")) {
            set_err(e, "BAD_REQUEST", "clock show takes no 'seconds'");
            return NULL;
        }
    } else if (strcmp(action, "advance") == 0) {
        json_t *s = json_object_get(args, "seconds");
        double secs = json_number_value(s);
        if (!json_is_number(s) || !(secs >= 0) || secs > 1e9 || isnan(secs)) {
            set_err(e, "BAD_REQUEST", "clock advance: 'seconds' must be a number from 0 to 1e9");
            return NULL;
        }
        if (vtl_clock_mode(clk) != VTL_CLOCK_VIRTUAL) {
            set_err(e, "VTL_E_INVAL", "clock advance: the library clock is not virtual");
            return NULL;
        }
        vtl_clock_advance(clk, (uint64_t)llround(secs * 1e6));
        vtl_library_run_due(l->lib);
    } else {
        set_err(e, "BAD_REQUEST", "clock: action must be 'show' or 'advance'");
        return NULL;
    }
    static const char *const modes[] = {"zero", "real", "scaled", "virtual"};
    unsigned mode = (unsigned)vtl_clock_mode(clk);
    return json_pack("{s:s, s:f}", "mode", mode < 4 ? modes[mode] : "?", "seconds",
                     (double)vtl_clock_now_us(clk) / 1e6);
}

static json_t *cmd_power_cycle(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    static const char *const ok[] = {NULL};
    if (!args_known(args, ok, "power-cycle", e))
        return NULL;
    vtl_fault_power_on_reset(l->lib);
    return json_object();
}

static json_t *cmd_fault(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    const char *kind;
    if (!arg_str(args, "kind", &kind, e))
        return NULL;
    if (!kind) {
        set_err(e, "BAD_REQUEST", "fault: 'kind' is required");
        return NULL;
    }
    if (strcmp(kind, "sense") == 0) {
        static const char *const ok[] = {"kind",  "key",   "asc",   "ascq",
                                         "opcode", "count", "drive", NULL};
        unsigned long key = 0, asc = 0, ascq = 0, opcode = 0, count = 1;
        bool hk, ha, hq, ho, hc, hd;
        unsigned index = 0;
        if (!args_known(args, ok, "fault sense", e) || !arg_uint(args, "key", 0xF, &key, &hk, e) ||
            !arg_drive(l, args, "fault sense", false, &index, &hd, e) ||
            !arg_uint(args, "asc", 0xFF, &asc, &ha, e) ||
            !arg_uint(args, "ascq", 0xFF, &ascq, &hq, e) ||
            !arg_uint(args, "opcode", 0xFF, &opcode, &ho, e) ||
            !arg_uint(args, "count", 1000000, &count, &hc, e))
            return NULL;
        if (!hk || !ha || !hq) {
            set_err(e, "BAD_REQUEST", "fault sense: 'key', 'asc' and 'ascq' are required");
            return NULL;
        }
        if (!hc)
            count = 1;
        if (hd) {
            /* A drive selector sends the sense to that drive's LUN instead of the changer. */
            if (count == 0) {
                set_err(e, "BAD_REQUEST", "fault sense: 'count' must be at least 1");
                return NULL;
            }
            if (!have_hook(l->hooks.fault_sense != NULL, "fault sense", e) ||
                lib_fail(l->hooks.fault_sense(l->hooks.priv, index, ho ? (int)opcode : -1,
                                              (uint8_t)key, (uint16_t)(asc << 8 | ascq),
                                              (unsigned)count),
                         "fault sense", e))
                return NULL;
            return json_pack("{s:i}", "drive", (int)index);
        }
        if (lib_fail(vtl_fault_next_cmd(l->lib, ho ? (int)opcode : VTL_FAULT_ANY_OPCODE,
                                        (uint8_t)key, (uint16_t)(asc << 8 | ascq),
                                        (unsigned)count),
                     "fault sense", e))
            return NULL;
        return json_pack("{s:i}", "pending", (int)vtl_fault_pending_cmds(l->lib));
    }
    if (strcmp(kind, "barcode") == 0) {
        static const char *const ok[] = {"kind", "barcode", "readable", NULL};
        const char *barcode;
        if (!args_known(args, ok, "fault barcode", e) || !arg_str(args, "barcode", &barcode, e))
            return NULL;
        json_t *readable = json_object_get(args, "readable");
        if (!barcode || (readable && !json_is_boolean(readable))) {
            set_err(e, "BAD_REQUEST", "fault barcode: needs 'barcode' (and 'readable' true/false)");
            return NULL;
        }
        if (lib_fail(vtl_fault_barcode_unreadable(l->lib, barcode, !json_is_true(readable)),
                     "fault barcode", e))
            return NULL;
        return json_object();
    }
    if (strcmp(kind, "exception") == 0) {
        static const char *const ok[] = {"kind", "element", "asc", "ascq", NULL};
        unsigned long elem = 0, asc = 0, ascq = 0;
        bool he, ha, hq;
        if (!args_known(args, ok, "fault exception", e) ||
            !arg_uint(args, "element", 0xFFFF, &elem, &he, e) ||
            !arg_uint(args, "asc", 0xFF, &asc, &ha, e) || !arg_uint(args, "ascq", 0xFF, &ascq, &hq, e))
            return NULL;
        if (!he || !ha || !hq) {
            set_err(e, "BAD_REQUEST", "fault exception: 'element', 'asc' and 'ascq' are required");
            return NULL;
        }
        if (lib_fail(vtl_fault_element_exception(l->lib, (uint16_t)elem, (uint16_t)(asc << 8 | ascq)),
                     "fault exception", e))
            return NULL;
        return json_object();
    }
    if (strcmp(kind, "drive-fail") == 0 || strcmp(kind, "drive-repair") == 0 ||
        strcmp(kind, "read-error") == 0 || strcmp(kind, "write-error") == 0)
        return fault_drive(l, args, kind, e);
    static const char *const ok[] = {"kind", NULL};
    if (!args_known(args, ok, "fault", e))
        return NULL;
    if (strcmp(kind, "jam") == 0)
        vtl_fault_robot_jam(l->lib, 0);
    else if (strcmp(kind, "unjam") == 0)
        vtl_fault_clear_jam(l->lib);
    else if (strcmp(kind, "door-open") == 0)
        vtl_fault_door_left_open(l->lib);
    else {
        set_err(e, "BAD_REQUEST", "fault: unknown kind '%s'", kind);
        return NULL;
    }
    return json_object();
}

/* A mutant (sim/core/mutant.h) on or off: for proving conformance checks against a running
 * vtld. Mutants are not library state: nothing is saved. */
static json_t *cmd_mutant(struct ctl_lib *l, json_t *args, struct ctl_err *e)
{
    static const char *const ok[] = {"id", "on", NULL};
    const char *id;
    if (!args_known(args, ok, "mutant", e) || !arg_str(args, "id", &id, e))
        return NULL;
    json_t *on = json_object_get(args, "on");
    if (!id || (on && !json_is_boolean(on))) {
        set_err(e, "BAD_REQUEST", "mutant: 'id' is required, 'on' must be true or false");
        return NULL;
    }
    const struct vtl_mutant_info *mi = vtl_mutant_find(id);
    if (!mi) {
        set_err(e, "VTL_E_NOT_FOUND", "mutant: no mutant '%s' (sim/README.md lists them)", id);
        return NULL;
    }
    bool want = !on || json_is_true(on);
    if (lib_fail(vtl_mutant_set(l->lib, mi->m, want), "mutant", e))
        return NULL;
    return json_pack("{s:s, s:b, s:s}", "id", mi->id, "on", want, "check", mi->check);
}

static const struct {
    const char *name;
    cmd_fn *fn;
    bool changes;   /* saves the library state afterwards */
} commands[] = {
    {"inject", cmd_inject, true},          {"remove", cmd_remove, true},
    {"open-door", cmd_open_door, true},    {"close-door", cmd_close_door, true},
    {"move", cmd_move, true},              {"dirty", cmd_dirty, false},
    {"clock", cmd_clock, true},            {"power-cycle", cmd_power_cycle, true},
    {"fault", cmd_fault, true},            {"mutant", cmd_mutant, false},
};

static char *respond(json_t *id, json_t *result, const struct ctl_err *e)
{
    json_t *resp = json_object();
    json_object_set(resp, "id", id ? id : json_null());
    if (e) {
        json_object_set_new(resp, "ok", json_false());
        json_object_set_new(resp, "error", json_pack("{s:s, s:s}", "code", e->code, "message", e->msg));
    } else {
        json_object_set_new(resp, "ok", json_true());
        json_object_set_new(resp, "result", result ? result : json_object());
    }
    char *s = json_dumps(resp, JSON_COMPACT);
    json_decref(resp);
    return s;
}

char *vtl_ctl_handle(struct vtl_ctl *ctl, const char *line, size_t len)
{
    struct ctl_err e = {0};
    json_error_t jerr;
    json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *id = NULL;
    char *out;
    if (!json_is_object(req)) {
        if (req)
            set_err(&e, "BAD_REQUEST", "request must be a JSON object");
        else
            set_err(&e, "BAD_REQUEST", "malformed JSON at column %d: %s", jerr.column, jerr.text);
        goto fail;
    }
    id = json_object_get(req, "id");
    static const char *const top[] = {"id", "cmd", "library", "args", NULL};
    if (!args_known(req, top, "request", &e))
        goto fail;
    const char *cmd = json_string_value(json_object_get(req, "cmd"));
    json_t *args = json_object_get(req, "args");
    json_t *libname = json_object_get(req, "library");
    if (!cmd) {
        set_err(&e, "BAD_REQUEST", "'cmd' must be a string");
        goto fail;
    }
    if (args && !json_is_object(args)) {
        set_err(&e, "BAD_REQUEST", "'args' must be an object");
        goto fail;
    }
    if (libname && !json_is_string(libname)) {
        set_err(&e, "BAD_REQUEST", "'library' must be a string");
        goto fail;
    }
    json_t *empty = json_object();
    if (!args)
        args = empty;

    if (strcmp(cmd, "status") == 0) {
        static const char *const none[] = {NULL};
        if (!args_known(args, none, "status", &e)) {
            json_decref(empty);
            goto fail;
        }
        json_t *libs = json_array();
        for (unsigned i = 0; i < ctl->n_libs; i++) {
            if (!libname || strcmp(json_string_value(libname), ctl->libs[i].name) == 0)
                json_array_append_new(libs, library_json(&ctl->libs[i]));
        }
        json_decref(empty);
        if (libname && json_array_size(libs) == 0) {
            json_decref(libs);
            set_err(&e, "NO_LIBRARY", "no library named '%s'", json_string_value(libname));
            goto fail;
        }
        out = respond(id, json_pack("{s:o}", "libraries", libs), NULL);
        json_decref(req);
        return out;
    }

    struct ctl_lib *l = NULL;
    if (libname) {
        for (unsigned i = 0; i < ctl->n_libs; i++)
            if (strcmp(ctl->libs[i].name, json_string_value(libname)) == 0)
                l = &ctl->libs[i];
        if (!l)
            set_err(&e, "NO_LIBRARY", "no library named '%s'", json_string_value(libname));
    } else if (ctl->n_libs == 1) {
        l = &ctl->libs[0];
    } else {
        set_err(&e, "NO_LIBRARY", "%s",
                ctl->n_libs ? "several libraries: name one with 'library'" : "no library is served");
    }
    if (!l) {
        json_decref(empty);
        goto fail;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(commands[i].name, cmd) != 0)
            continue;
        json_t *result = commands[i].fn(l, args, &e);
        json_decref(empty);
        if (!result)
            goto fail;
        if (commands[i].changes && l->state_dir) {
            enum vtl_rc rc = vtl_library_save_state(l->lib, l->state_dir);
            if (rc != VTL_OK)
                json_object_set_new(result, "warning",
                                    json_string("state could not be saved; see vtld's log"));
        }
        out = respond(id, result, NULL);
        json_decref(req);
        return out;
    }
    json_decref(empty);
    set_err(&e, "BAD_REQUEST", "unknown command '%s'", cmd);
fail:
    out = respond(id, NULL, &e);
    json_decref(req);
    return out;
}
