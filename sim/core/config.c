/* SPDX-License-Identifier: MIT
 * sim/core/config.c - YAML configs and personalities (libyaml document API).
 *
 * The whole file is loaded as a libyaml document, then walked node by node; every node
 * carries its start mark, so each error names file:line:column of the offending key or
 * value. Unknown keys, wrong types, duplicate keys, missing fields, duplicate barcodes
 * and out-of-range locations are errors: a typo must not silently give another library.
 * Formats: sim/README.md.
 */
#include "sim/core/config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

struct vtl_builtin_file {
    const char *name;
    const char *text;
};
extern const struct vtl_builtin_file vtl_builtin_personalities[]; /* generated */

struct ctx {
    yaml_document_t doc;
    const char *file;
    char *err;
    size_t err_cap;
};

static enum vtl_rc fail_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum vtl_rc fail_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->err && c->err_cap) {
        if (n)
            snprintf(c->err, c->err_cap, "%s:%zu:%zu: %s", c->file, n->start_mark.line + 1,
                     n->start_mark.column + 1, msg);
        else
            snprintf(c->err, c->err_cap, "%s: %s", c->file, msg);
    }
    return VTL_E_CONFIG;
}

static const char *type_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "nothing";
    }
}

static yaml_node_t *node(struct ctx *c, int id)
{
    return yaml_document_get_node(&c->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static enum vtl_rc want_map(struct ctx *c, const yaml_node_t *n, const char *what)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(c, n, "expected a mapping for %s, found %s", what, type_name(n));
    return VTL_OK;
}

static enum vtl_rc get_string(struct ctx *c, const yaml_node_t *n, const char *key, char *out,
                              size_t cap)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail_at(c, n, "expected a string for '%s', found %s", key, type_name(n));
    size_t len = n->data.scalar.length;
    if (len >= cap)
        return fail_at(c, n, "'%s' is too long (at most %zu characters)", key, cap - 1);
    memcpy(out, scalar(n), len);
    out[len] = '\0';
    return VTL_OK;
}

static enum vtl_rc get_uint(struct ctx *c, const yaml_node_t *n, const char *key,
                            unsigned long long max, unsigned long long *out)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail_at(c, n, "expected an integer for '%s', found %s", key, type_name(n));
    const char *s = scalar(n);
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *end || errno || s[0] == '-')
        return fail_at(c, n, "expected a non-negative integer for '%s', found '%s'", key, s);
    if (v > max)
        return fail_at(c, n, "'%s' is %llu, at most %llu allowed", key, v, max);
    *out = v;
    return VTL_OK;
}

static enum vtl_rc get_bool(struct ctx *c, const yaml_node_t *n, const char *key, bool *out)
{
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = scalar(n);
        if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on")) {
            *out = true;
            return VTL_OK;
        }
        if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off")) {
            *out = false;
            return VTL_OK;
        }
    }
    return fail_at(c, n, "expected true or false for '%s'", key);
}

static enum vtl_rc get_double(struct ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail_at(c, n, "expected a number for '%s', found %s", key, type_name(n));
    char *end;
    errno = 0;
    double v = strtod(scalar(n), &end);
    if (!scalar(n)[0] || *end || errno || !(v > 0))
        return fail_at(c, n, "expected a positive number for '%s', found '%s'", key, scalar(n));
    *out = v;
    return VTL_OK;
}

/* Mapping walk with unknown- and duplicate-key detection. @keys is NULL-terminated; the
 * callback receives the index of the matching key. */
typedef enum vtl_rc key_fn(struct ctx *c, void *arg, int key, yaml_node_t *k, yaml_node_t *v);

static enum vtl_rc walk_map(struct ctx *c, yaml_node_t *map, const char *what,
                            const char *const *keys, key_fn *fn, void *arg)
{
    enum vtl_rc rc = want_map(c, map, what);
    if (rc)
        return rc;
    unsigned seen = 0;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        if (k->type != YAML_SCALAR_NODE)
            return fail_at(c, k, "expected a key name in %s", what);
        int idx = -1;
        for (int i = 0; keys[i]; i++)
            if (!strcmp(scalar(k), keys[i]))
                idx = i;
        if (idx < 0) {
            char list[160] = "";
            for (int i = 0; keys[i]; i++) {
                if (i)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, keys[i], sizeof list - strlen(list) - 1);
            }
            return fail_at(c, k, "unknown key '%s' in %s (expected one of: %s)", scalar(k), what,
                           list);
        }
        if (seen & (1u << idx))
            return fail_at(c, k, "duplicate key '%s' in %s", scalar(k), what);
        seen |= 1u << idx;
        if ((rc = fn(c, arg, idx, k, v)))
            return rc;
    }
    return VTL_OK;
}

/* ---- personality ------------------------------------------------------------------------ */

static const char *const elem_keys[] = {"transport", "slot", "mailslot", "drive", NULL};
static const enum vtl_elem_type elem_types[] = {VTL_ELEM_TRANSPORT, VTL_ELEM_STORAGE, VTL_ELEM_IE,
                                                VTL_ELEM_DTE};

struct elem_arg {
    struct vtl_personality *p;
    enum vtl_elem_type t;
    unsigned seen;
};

static enum vtl_rc pers_elem_kv(struct ctx *c, void *arg, int key, yaml_node_t *k, yaml_node_t *v)
{
    struct elem_arg *a = arg;
    unsigned long long x;
    enum vtl_rc rc = get_uint(c, v, scalar(k), key == 0 ? 0xFFFF : VTL_MAX_ELEMENTS, &x);
    if (rc)
        return rc;
    a->seen |= 1u << key;
    if (key == 0)
        a->p->base[a->t] = (uint16_t)x;
    else if (key == 1)
        a->p->def_count[a->t] = (unsigned)x;
    else
        a->p->max_count[a->t] = (unsigned)x;
    return VTL_OK;
}

static enum vtl_rc pers_elements_kv(struct ctx *c, void *arg, int key, yaml_node_t *k,
                                    yaml_node_t *v)
{
    static const char *const keys[] = {"base", "count", "max", NULL};
    struct elem_arg a = {.p = arg, .t = elem_types[key]};
    enum vtl_rc rc = walk_map(c, v, scalar(k), keys, pers_elem_kv, &a);
    if (rc)
        return rc;
    if ((a.seen & 7) != 7)
        return fail_at(c, v, "missing key '%s' in %s (base, count and max are required)",
                       !(a.seen & 1)   ? "base"
                       : !(a.seen & 2) ? "count"
                                       : "max",
                       scalar(k));
    if (a.p->def_count[a.t] > a.p->max_count[a.t])
        return fail_at(c, v, "count %u is above max %u in %s", a.p->def_count[a.t],
                       a.p->max_count[a.t], scalar(k));
    return VTL_OK;
}

static enum vtl_rc drive_ident_kv(struct ctx *c, struct vtl_drive_ident *d, int key, yaml_node_t *k,
                                  yaml_node_t *v)
{
    unsigned long long x;
    enum vtl_rc rc;
    switch (key) {
    case 0:
        return get_string(c, v, "vendor", d->vendor, sizeof d->vendor);
    case 1:
        return get_string(c, v, "product", d->product, sizeof d->product);
    case 2:
        return get_string(c, v, "revision", d->revision, sizeof d->revision);
    case 3:
        if ((rc = get_uint(c, v, "generation", 9, &x)))
            return rc;
        if (x < 1)
            return fail_at(c, v, "expected an LTO generation 1-9 for 'generation'");
        d->gen = (unsigned)x;
        d->media_mask = vtl_media_drive_mask(d->gen);
        return VTL_OK;
    case 4:
        return get_string(c, v, scalar(k), d->serial, sizeof d->serial);
    }
    return VTL_E_INVAL;
}

static enum vtl_rc pers_drive_kv(struct ctx *c, void *arg, int key, yaml_node_t *k, yaml_node_t *v)
{
    return drive_ident_kv(c, arg, key, k, v);
}

static enum vtl_rc delays_kv(struct ctx *c, void *arg, int key, yaml_node_t *k, yaml_node_t *v)
{
    struct vtl_delays *d = arg;
    unsigned long long ms;
    enum vtl_rc rc = get_uint(c, v, scalar(k), 86400000ull, &ms);
    if (rc)
        return rc;
    uint64_t us = ms * 1000u;
    switch (key) {
    case 0:
        d->move_us = us;
        break;
    case 1:
        d->exchange_us = us;
        break;
    case 2:
        d->position_us = us;
        break;
    case 3:
        d->init_us = us;
        break;
    case 4:
        d->init_elem_us = us;
        break;
    }
    return VTL_OK;
}
static const char *const delay_keys[] = {"move_ms", "exchange_ms",         "position_ms",
                                         "init_ms", "init_per_element_ms", NULL};

struct pers_arg {
    struct vtl_personality *p;
    char serial[VTL_SERIAL_MAX + 1];
    unsigned seen;
};

static enum vtl_rc pers_kv(struct ctx *c, void *arg, int key, yaml_node_t *k, yaml_node_t *v)
{
    static const char *const drive_keys[] = {"vendor",     "product",       "revision",
                                             "generation", "serial_prefix", NULL};
    struct pers_arg *a = arg;
    struct vtl_personality *p = a->p;
    unsigned long long x;
    enum vtl_rc rc = VTL_OK;
    a->seen |= 1u << key;
    switch (key) {
    case 0:
        return get_string(c, v, "name", p->name, sizeof p->name);
    case 1:
        return get_string(c, v, "vendor", p->vendor, sizeof p->vendor);
    case 2:
        return get_string(c, v, "product", p->product, sizeof p->product);
    case 3:
        return get_string(c, v, "revision", p->revision, sizeof p->revision);
    case 4:
        return get_string(c, v, "serial", a->serial, sizeof a->serial);
    case 5:
        if (v->type == YAML_SCALAR_NODE && !strcmp(scalar(v), "serial"))
            p->dvcid = VTL_DVCID_SERIAL;
        else if (v->type == YAML_SCALAR_NODE && !strcmp(scalar(v), "t10"))
            p->dvcid = VTL_DVCID_T10;
        else
            return fail_at(c, v, "expected 'serial' or 't10' for 'dvcid'");
        return VTL_OK;
    case 6:
        if ((rc = get_uint(c, v, "init_range_opcode", 0xFF, &x)))
            return rc;
        if (x != 0x37 && x != 0xE7)
            return fail_at(c, v, "expected 0x37 or 0xE7 for 'init_range_opcode'");
        p->init_range_opcode = (uint8_t)x;
        return VTL_OK;
    case 7:
        return get_bool(c, v, "ie_accepts_cleaning", &p->ie_accepts_cleaning);
    case 8:
        if ((rc = get_uint(c, v, "cleaning_uses", 1000, &x)))
            return rc;
        p->cleaning_uses = (int)x;
        return VTL_OK;
    case 9:
        return walk_map(c, v, "elements", elem_keys, pers_elements_kv, p);
    case 10:
        return walk_map(c, v, "drive", drive_keys, pers_drive_kv, &p->drive);
    case 11:
        return walk_map(c, v, "delays", delay_keys, delays_kv, &p->delays);
    case 12:
        return get_bool(c, v, "drive_unload_on_move", &p->drive_unload_on_move);
    }
    return rc;
}

static enum vtl_rc parse_doc(struct ctx *c, const char *text, size_t len, yaml_node_t **root)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return fail_at(c, NULL, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &c->doc)) {
        if (c->err && c->err_cap)
            snprintf(c->err, c->err_cap, "%s:%zu:%zu: %s%s%s", c->file,
                     parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                     parser.problem ? parser.problem : "YAML syntax error",
                     parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        memset(&c->doc, 0, sizeof c->doc);
        return VTL_E_CONFIG;
    }
    yaml_parser_delete(&parser);
    *root = yaml_document_get_root_node(&c->doc);
    if (!*root) {
        yaml_document_delete(&c->doc);
        memset(&c->doc, 0, sizeof c->doc);
        return fail_at(c, NULL, "empty document (expected a mapping)");
    }
    return VTL_OK;
}

static const char *const pers_keys[] = {"name",
                                        "vendor",
                                        "product",
                                        "revision",
                                        "serial",
                                        "dvcid",
                                        "init_range_opcode",
                                        "ie_accepts_cleaning",
                                        "cleaning_uses",
                                        "elements",
                                        "drive",
                                        "delays",
                                        "drive_unload_on_move",
                                        NULL};

/* Parses a personality document; @serial gets its default library serial. */
static enum vtl_rc personality_parse(const char *text, size_t len, const char *file,
                                     struct vtl_personality *out, char *serial, char *err,
                                     size_t err_cap)
{
    struct ctx c = {.file = file, .err = err, .err_cap = err_cap};
    yaml_node_t *root;
    enum vtl_rc rc = parse_doc(&c, text, len, &root);
    if (rc)
        return rc;
    struct vtl_personality p = {.init_range_opcode = 0x37, .cleaning_uses = 50};
    struct pers_arg a = {.p = &p};
    rc = walk_map(&c, root, "personality", pers_keys, pers_kv, &a);
    if (!rc) {
        /* name, vendor, product, revision, elements and drive are required */
        static const int need[] = {0, 1, 2, 3, 9, 10};
        for (size_t i = 0; i < sizeof need / sizeof need[0] && !rc; i++)
            if (!(a.seen & (1u << need[i])))
                rc = fail_at(&c, root, "missing key '%s' in personality", pers_keys[need[i]]);
    }
    if (!rc) {
        for (int t = 1; t < VTL_ELEM_NTYPES && !rc; t++)
            if (p.max_count[t] == 0 && t != VTL_ELEM_IE)
                rc = fail_at(&c, root, "personality needs elements: %s with max >= 1",
                             elem_keys[t == VTL_ELEM_TRANSPORT ? 0
                                       : t == VTL_ELEM_STORAGE ? 1
                                                               : 3]);
        if (!rc && p.drive.gen == 0)
            rc = fail_at(&c, root, "missing key 'generation' in drive");
    }
    yaml_document_delete(&c.doc);
    if (rc)
        return rc;
    *out = p;
    if (serial)
        snprintf(serial, VTL_SERIAL_MAX + 1, "%s", a.serial[0] ? a.serial : "VTL0000001");
    return VTL_OK;
}

static char *read_file(const char *path, size_t *len, char *err, size_t err_cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_cap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap > (64u << 20)) {
                snprintf(err, err_cap, "%s: file too large", path);
                break;
            }
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                snprintf(err, err_cap, "%s: out of memory", path);
                break;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0) {
            if (ferror(f)) {
                snprintf(err, err_cap, "%s: read error", path);
                break;
            }
            fclose(f);
            buf[n] = '\0';
            *len = n;
            return buf;
        }
        n += r;
    }
    fclose(f);
    free(buf);
    return NULL;
}

static enum vtl_rc personality_load2(const char *name, struct vtl_personality *out, char *serial,
                                     char *err, size_t err_cap)
{
    char dummy[2];
    if (!err) {
        err = dummy;
        err_cap = sizeof dummy;
    }
    if (strchr(name, '/')) {
        size_t len;
        char *text = read_file(name, &len, err, err_cap);
        if (!text)
            return VTL_E_CONFIG;
        enum vtl_rc rc = personality_parse(text, len, name, out, serial, err, err_cap);
        free(text);
        return rc;
    }
    for (const struct vtl_builtin_file *b = vtl_builtin_personalities; b->name; b++)
        if (!strcmp(b->name, name))
            return personality_parse(b->text, strlen(b->text), b->name, out, serial, err, err_cap);
    snprintf(err, err_cap, "unknown personality '%s'", name);
    return VTL_E_NOT_FOUND;
}

enum vtl_rc vtl_personality_load(const char *name, struct vtl_personality *out, char *err,
                                 size_t err_cap)
{
    return personality_load2(name, out, NULL, err, err_cap);
}

const char *const *vtl_personality_names(void)
{
    static const char *names[16];
    size_t n = 0;
    for (const struct vtl_builtin_file *b = vtl_builtin_personalities; b->name && n < 15; b++)
        names[n++] = b->name;
    names[n] = NULL;
    return names;
}

/* ---- config ------------------------------------------------------------------------------ */

/* Gives drive @i its identity from the personality: model and a serial made of the prefix
 * and a sequence number, so serials are stable from run to run. */
static void default_drive(const struct vtl_personality *p, unsigned i, struct vtl_drive_ident *d)
{
    *d = p->drive;
    char serial[VTL_SERIAL_MAX + 1];
    snprintf(serial, sizeof serial, "%.*s%0*u", 20, p->drive.serial,
             (int)(10 - (strlen(p->drive.serial) < 10 ? strlen(p->drive.serial) : 9)), i + 1);
    memcpy(d->serial, serial, sizeof d->serial);
}

static void config_defaults(struct vtl_config *cfg)
{
    for (int t = 1; t < VTL_ELEM_NTYPES; t++)
        cfg->count[t] = cfg->pers.def_count[t];
    for (unsigned i = 0; i < VTL_MAX_DRIVES; i++)
        default_drive(&cfg->pers, i, &cfg->drives[i]);
    cfg->delays = cfg->pers.delays;
    cfg->clock_mode = VTL_CLOCK_ZERO;
    cfg->clock_scale = 1.0;
}

struct cfg_arg {
    struct vtl_config *cfg;
    yaml_node_t *drives_node, *carts_node, *clock_node, *delays_node;
    yaml_node_t *count_node[VTL_ELEM_NTYPES];
    bool have_serial, have_pers;
    size_t n_drive_entries;
};

static const char *const cfg_keys[] = {"personality", "serial", "slots",  "mailslots", "drives",
                                       "cartridges",  "clock",  "delays", "compress_images",
                                       "mutants",     "scsi_target_id", NULL};

/* mutants: [ID, ...] - deliberate misbehaviours for proving conformance checks
 * (mutant.h). Unknown ids are refused with their place, like every other key. */
static enum vtl_rc get_mutants(struct ctx *c, yaml_node_t *v, uint64_t *set)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return fail_at(c, v, "expected a list of mutant ids for 'mutants', found %s",
                       type_name(v));
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
         i++) {
        yaml_node_t *item = node(c, *i);
        const struct vtl_mutant_info *mi =
            item && item->type == YAML_SCALAR_NODE ? vtl_mutant_find(scalar(item)) : NULL;
        if (!mi)
            return fail_at(c, item ? item : v,
                           "unknown mutant '%s' in 'mutants' (sim/README.md lists them)",
                           item && item->type == YAML_SCALAR_NODE ? scalar(item) : "?");
        vtl_mutant_bit_set(set, mi->m, true);
    }
    return VTL_OK;
}

static enum vtl_rc cfg_kv(struct ctx *c, void *arg, int key, yaml_node_t *k, yaml_node_t *v)
{
    struct cfg_arg *a = arg;
    (void)k;
    switch (key) {
    case 0:
        a->have_pers = true;
        return VTL_OK; /* read first, separately */
    case 1:
        a->have_serial = true;
        return get_string(c, v, "serial", a->cfg->serial, sizeof a->cfg->serial);
    case 2:
        a->count_node[VTL_ELEM_STORAGE] = v;
        return VTL_OK;
    case 3:
        a->count_node[VTL_ELEM_IE] = v;
        return VTL_OK;
    case 4:
        a->drives_node = v;
        return VTL_OK;
    case 5:
        a->carts_node = v;
        return VTL_OK;
    case 6:
        a->clock_node = v;
        return VTL_OK;
    case 7:
        a->delays_node = v;
        return VTL_OK;
    case 8:
        return get_bool(c, v, "compress_images", &a->cfg->compress_images);
    case 9:
        return get_mutants(c, v, a->cfg->mutants);
    case 10: {
        unsigned long long id = 0;
        enum vtl_rc rc = get_uint(c, v, "scsi_target_id", 255, &id);
        if (rc == VTL_OK) {
            a->cfg->has_scsi_target_id = true;
            a->cfg->scsi_target_id = (uint8_t)id;
        }
        return rc;
    }
    }
    return VTL_OK;
}

static enum vtl_rc cfg_drive_kv(struct ctx *c, void *arg, int key, yaml_node_t *k, yaml_node_t *v)
{
    return drive_ident_kv(c, arg, key, k, v);
}

static enum vtl_rc clock_kv(struct ctx *c, void *arg, int key, yaml_node_t *k, yaml_node_t *v)
{
    struct vtl_config *cfg = arg;
    (void)k;
    if (key == 1)
        return get_double(c, v, "scale", &cfg->clock_scale);
    static const char *const modes[] = {"zero", "real", "scaled", "virtual"};
    if (v->type == YAML_SCALAR_NODE)
        for (int i = 0; i < 4; i++)
            if (!strcmp(scalar(v), modes[i])) {
                cfg->clock_mode = (enum vtl_clock_mode)i;
                return VTL_OK;
            }
    return fail_at(c, v, "expected zero, real, scaled or virtual for 'mode'");
}

struct cart_arg {
    struct vtl_config *cfg;
    struct vtl_cart_cfg cc;
    yaml_node_t *barcode_node, *loc_node, *type_node, *uses_node;
    const char *loc_key;
};

static enum vtl_rc cart_kv(struct ctx *c, void *arg, int key, yaml_node_t *k, yaml_node_t *v)
{
    struct cart_arg *a = arg;
    switch (key) {
    case 0:
        a->barcode_node = v;
        return VTL_OK;
    case 1:
    case 2:
    case 3:
        if (a->loc_node)
            return fail_at(c, k, "cartridge has two locations ('%s' and '%s'); give one",
                           a->loc_key, scalar(k));
        a->loc_node = v;
        a->loc_key = scalar(k);
        a->cc.where = key == 1 ? VTL_ELEM_STORAGE : key == 2 ? VTL_ELEM_IE : VTL_ELEM_DTE;
        return VTL_OK;
    case 4:
        a->type_node = v;
        return VTL_OK;
    case 5:
        a->uses_node = v;
        return VTL_OK;
    case 6:
        return get_bool(c, v, "unreadable", &a->cc.cart.label_unreadable);
    }
    return VTL_OK;
}

static int cmp_barcode(const void *x, const void *y)
{
    const struct vtl_cart_cfg *const *a = x, *const *b = y;
    return strcmp((*a)->cart.barcode, (*b)->cart.barcode);
}

static enum vtl_rc cfg_parse_carts(struct ctx *c, struct vtl_config *cfg, yaml_node_t *seq)
{
    static const char *const keys[] = {"barcode", "slot", "mailslot",   "drive",
                                       "type",    "uses", "unreadable", NULL};
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail_at(c, seq, "expected a list for 'cartridges', found %s", type_name(seq));
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    cfg->carts = calloc(n ? n : 1, sizeof *cfg->carts);
    yaml_node_t **nodes = calloc(n ? n : 1, sizeof *nodes);
    const struct vtl_cart_cfg **sorted = calloc(n ? n : 1, sizeof *sorted);
    enum vtl_rc rc = VTL_OK;
    uint32_t *taken[VTL_ELEM_NTYPES] = {0};
    for (int t = VTL_ELEM_STORAGE; t < VTL_ELEM_NTYPES; t++)
        if (!(taken[t] = calloc(cfg->count[t] ? cfg->count[t] : 1, sizeof *taken[t])))
            rc = VTL_E_NOMEM;
    if (rc || !cfg->carts || !nodes || !sorted) {
        rc = fail_at(c, seq, "out of memory");
        goto out;
    }
    /* Which elements are taken, to report a second cartridge in the same place. */
    for (size_t i = 0; i < n && !rc; i++) {
        yaml_node_t *item = node(c, seq->data.sequence.items.start[i]);
        struct cart_arg a = {.cfg = cfg};
        if ((rc = walk_map(c, item, "cartridge", keys, cart_kv, &a)))
            break;
        if (!a.barcode_node) {
            rc = fail_at(c, item, "missing key 'barcode' in cartridge");
            break;
        }
        if (!a.loc_node) {
            rc = fail_at(c, item,
                         "missing location in cartridge (expected slot, mailslot or drive)");
            break;
        }
        char bc[VTL_BARCODE_MAX + 1];
        if ((rc = get_string(c, a.barcode_node, "barcode", bc, sizeof bc)))
            break;
        bool unreadable = a.cc.cart.label_unreadable;
        if (vtl_cart_from_barcode(bc, cfg->pers.cleaning_uses, &a.cc.cart) != VTL_OK) {
            rc = fail_at(
                c, a.barcode_node,
                "invalid barcode '%s' (expected 1-32 printable characters, no spaces, '*' or '?')",
                bc);
            break;
        }
        a.cc.cart.label_unreadable = unreadable;
        if (a.type_node) {
            char t[16];
            enum vtl_media m;
            if ((rc = get_string(c, a.type_node, "type", t, sizeof t)))
                break;
            if (vtl_media_parse(t, &m) != VTL_OK) {
                rc = fail_at(c, a.type_node,
                             "unknown media type '%s' (expected LTO1..LTO9, LTO7-M8 or CLEANING)",
                             t);
                break;
            }
            a.cc.cart.media = m;
            if (m == VTL_MEDIA_CLEANING && !a.cc.cart.cleaning) {
                a.cc.cart.cleaning = true;
                a.cc.cart.cleaning_uses_left = cfg->pers.cleaning_uses;
            }
        }
        if (a.uses_node) {
            unsigned long long u;
            if ((rc = get_uint(c, a.uses_node, "uses", 1000, &u)))
                break;
            if (!a.cc.cart.cleaning) {
                rc = fail_at(c, a.uses_node,
                             "'uses' is only for cleaning cartridges ('%s' is a data cartridge)",
                             bc);
                break;
            }
            a.cc.cart.cleaning_uses_left = (int)u;
        }
        unsigned long long pos;
        unsigned max = cfg->count[a.cc.where];
        if ((rc = get_uint(c, a.loc_node, a.loc_key, ULLONG_MAX, &pos)))
            break;
        if (pos < 1 || pos > max) {
            rc = fail_at(c, a.loc_node, "%s %llu out of range (this library has %s 1-%u)",
                         a.loc_key, pos, a.loc_key, max);
            break;
        }
        a.cc.index = (unsigned)(pos - 1);
        /* taken[where][index] = 1 + the cartridge already there (0: free) */
        uint32_t *slot_of = taken[a.cc.where];
        if (slot_of[a.cc.index]) {
            rc = fail_at(c, a.loc_node, "%s %llu already holds cartridge '%s'", a.loc_key, pos,
                         cfg->carts[slot_of[a.cc.index] - 1].cart.barcode);
            break;
        }
        slot_of[a.cc.index] = (uint32_t)i + 1;
        if (rc)
            break;
        cfg->carts[i] = a.cc;
        nodes[i] = a.barcode_node;
        cfg->n_carts = i + 1;
    }
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            sorted[i] = &cfg->carts[i];
        qsort(sorted, n, sizeof *sorted, cmp_barcode);
        for (size_t i = 1; i < n && !rc; i++)
            if (!strcmp(sorted[i]->cart.barcode, sorted[i - 1]->cart.barcode)) {
                /* report the later one in the file */
                size_t a = (size_t)(sorted[i] - cfg->carts),
                       b = (size_t)(sorted[i - 1] - cfg->carts);
                size_t later = a > b ? a : b;
                rc = fail_at(c, nodes[later], "duplicate barcode '%s'", sorted[i]->cart.barcode);
            }
    }
out:
    for (int t = 0; t < VTL_ELEM_NTYPES; t++)
        free(taken[t]);
    free(nodes);
    free(sorted);
    return rc;
}

static enum vtl_rc config_parse(const char *text, size_t len, const char *file,
                                struct vtl_config *cfg, char *err, size_t err_cap)
{
    struct ctx c = {.file = file, .err = err, .err_cap = err_cap};
    yaml_node_t *root;
    enum vtl_rc rc = parse_doc(&c, text, len, &root);
    if (rc)
        return rc;
    struct cfg_arg a = {.cfg = cfg};
    if ((rc = walk_map(&c, root, "library config", cfg_keys, cfg_kv, &a)))
        goto out;
    /* The personality first: everything else is checked against it. */
    yaml_node_t *pn = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++)
        if (!strcmp(scalar(node(&c, p->key)), "personality"))
            pn = node(&c, p->value);
    if (!pn) {
        rc = fail_at(&c, root,
                     "missing key 'personality' in library config (built in: ibm-ts4300, hpe-msl, "
                     "quantum-scalar-i3)");
        goto out;
    }
    char pname[256];
    if ((rc = get_string(&c, pn, "personality", pname, sizeof pname)))
        goto out;
    char perr[300];
    char serial[VTL_SERIAL_MAX + 1] = "";
    if (personality_load2(pname, &cfg->pers, serial, perr, sizeof perr) != VTL_OK) {
        rc = fail_at(&c, pn, "personality: %s", perr);
        goto out;
    }
    char keep_serial[VTL_SERIAL_MAX + 1];
    memcpy(keep_serial, cfg->serial, sizeof keep_serial);
    config_defaults(cfg);
    memcpy(cfg->serial, a.have_serial ? keep_serial : serial, sizeof cfg->serial);

    static const char *const cnames[VTL_ELEM_NTYPES] = {"", "transports", "slots", "mailslots",
                                                        "drives"};
    for (int t = 1; t < VTL_ELEM_NTYPES; t++) {
        if (!a.count_node[t])
            continue;
        unsigned long long x;
        if ((rc = get_uint(&c, a.count_node[t], cnames[t], cfg->pers.max_count[t], &x)))
            goto out;
        cfg->count[t] = (unsigned)x;
    }
    if (a.drives_node) {
        yaml_node_t *dn = a.drives_node;
        static const char *const dkeys[] = {"vendor",     "product", "revision",
                                            "generation", "serial",  NULL};
        unsigned maxd = cfg->pers.max_count[VTL_ELEM_DTE] < VTL_MAX_DRIVES
                            ? cfg->pers.max_count[VTL_ELEM_DTE]
                            : VTL_MAX_DRIVES;
        if (dn->type == YAML_SCALAR_NODE) {
            unsigned long long x;
            if ((rc = get_uint(&c, dn, "drives", maxd, &x)))
                goto out;
            cfg->count[VTL_ELEM_DTE] = (unsigned)x;
        } else if (dn->type == YAML_SEQUENCE_NODE) {
            size_t n = (size_t)(dn->data.sequence.items.top - dn->data.sequence.items.start);
            if (n > maxd) {
                rc = fail_at(&c, dn, "%zu drives listed, at most %u allowed", n, maxd);
                goto out;
            }
            for (size_t i = 0; i < n; i++) {
                yaml_node_t *item = node(&c, dn->data.sequence.items.start[i]);
                if ((rc = walk_map(&c, item, "drive", dkeys, cfg_drive_kv, &cfg->drives[i])))
                    goto out;
            }
            cfg->count[VTL_ELEM_DTE] = (unsigned)n;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < i; j++)
                    if (!strcmp(cfg->drives[i].serial, cfg->drives[j].serial)) {
                        rc = fail_at(&c, node(&c, dn->data.sequence.items.start[i]),
                                     "duplicate drive serial '%s'", cfg->drives[i].serial);
                        goto out;
                    }
        } else {
            rc = fail_at(&c, dn, "expected a number or a list for 'drives', found %s",
                         type_name(dn));
            goto out;
        }
    }
    if (a.clock_node) {
        static const char *const ckeys[] = {"mode", "scale", NULL};
        if ((rc = walk_map(&c, a.clock_node, "clock", ckeys, clock_kv, cfg)))
            goto out;
    }
    if (a.delays_node &&
        (rc = walk_map(&c, a.delays_node, "delays", delay_keys, delays_kv, &cfg->delays)))
        goto out;
    /* Element ranges must fit 16-bit addresses and not overlap (SMC-3: every element has
     * one address). Only a custom personality can get this wrong, but then say so here
     * rather than fail later without a place. */
    for (int t = 1; t < VTL_ELEM_NTYPES; t++) {
        uint32_t lo = cfg->pers.base[t], hi = lo + cfg->count[t];
        if (cfg->count[t] && hi > 0x10000) {
            rc = fail_at(&c, root, "%s %u-%u do not fit 16-bit element addresses", cnames[t], lo,
                         hi - 1);
            goto out;
        }
        for (int u = 1; u < t; u++) {
            uint32_t lo2 = cfg->pers.base[u], hi2 = lo2 + cfg->count[u];
            if (cfg->count[t] && cfg->count[u] && lo < hi2 && lo2 < hi) {
                rc = fail_at(&c, root, "element addresses overlap: %s %u-%u and %s %u-%u",
                             cnames[u], lo2, hi2 - 1, cnames[t], lo, hi - 1);
                goto out;
            }
        }
    }
    if (cfg->count[VTL_ELEM_TRANSPORT] == 0) {
        rc = fail_at(&c, root, "the personality gives no medium transport");
        goto out;
    }
    if (a.carts_node && (rc = cfg_parse_carts(&c, cfg, a.carts_node)))
        goto out;
out:
    yaml_document_delete(&c.doc);
    return rc;
}

enum vtl_rc vtl_config_load_string(const char *yaml, size_t len, const char *name,
                                   struct vtl_config **out, char *err, size_t err_cap)
{
    *out = NULL;
    struct vtl_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return VTL_E_NOMEM;
    snprintf(cfg->source, sizeof cfg->source, "%s", name ? name : "<string>");
    char dummy[2];
    enum vtl_rc rc =
        config_parse(yaml, len, cfg->source, cfg, err ? err : dummy, err ? err_cap : sizeof dummy);
    if (rc) {
        vtl_config_free(cfg);
        return rc;
    }
    *out = cfg;
    return VTL_OK;
}

enum vtl_rc vtl_config_load_file(const char *path, struct vtl_config **out, char *err,
                                 size_t err_cap)
{
    *out = NULL;
    size_t len;
    char dummy[2];
    char *text = read_file(path, &len, err ? err : dummy, err ? err_cap : sizeof dummy);
    if (!text)
        return VTL_E_CONFIG;
    enum vtl_rc rc = vtl_config_load_string(text, len, path, out, err, err_cap);
    free(text);
    return rc;
}

enum vtl_rc vtl_config_sized(unsigned n_slots, bool fill, struct vtl_config **out)
{
    *out = NULL;
    struct vtl_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return VTL_E_NOMEM;
    snprintf(cfg->source, sizeof cfg->source, "<default>");
    char serial[VTL_SERIAL_MAX + 1];
    enum vtl_rc rc = personality_load2("ibm-ts4300", &cfg->pers, serial, NULL, 0);
    if (rc || n_slots > cfg->pers.max_count[VTL_ELEM_STORAGE]) {
        free(cfg);
        return rc ? rc : VTL_E_INVAL;
    }
    config_defaults(cfg);
    memcpy(cfg->serial, serial, sizeof cfg->serial);
    cfg->count[VTL_ELEM_STORAGE] = n_slots;
    cfg->count[VTL_ELEM_IE] = 2;
    cfg->count[VTL_ELEM_DTE] = 2;
    size_t n = fill ? n_slots : (n_slots >= 21 ? 21 : n_slots);
    cfg->carts = calloc(n ? n : 1, sizeof *cfg->carts);
    if (!cfg->carts) {
        free(cfg);
        return VTL_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        char bc[16];
        if (!fill && i == 20)
            snprintf(bc, sizeof bc, "CLN000L1");
        else
            snprintf(bc, sizeof bc, "%c%05zuL8", (int)('A' + (i / 100000) % 26), i % 100000);
        (void)vtl_cart_from_barcode(bc, cfg->pers.cleaning_uses, &cfg->carts[i].cart);
        cfg->carts[i].where = VTL_ELEM_STORAGE;
        cfg->carts[i].index = (unsigned)i;
    }
    cfg->n_carts = n;
    *out = cfg;
    return VTL_OK;
}

enum vtl_rc vtl_config_default(struct vtl_config **out)
{
    return vtl_config_sized(24, false, out);
}

void vtl_config_free(struct vtl_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->carts);
    free(cfg);
}
