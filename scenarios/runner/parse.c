/* SPDX-License-Identifier: MIT
 * scenarios/runner/parse.c - reads a scenario file (libyaml document API) and validates
 * every key into struct scn_scenario (internal.h). The format is in scenarios/README.md.
 *
 * Why a document and not events: a message must point at the exact node that is wrong,
 * and the library section is handed to sim/'s config loader with its own positions kept
 * (see library_text()), so both need the node marks libyaml keeps in a document.
 * Nothing is half-built: on any error the partial scenario is freed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "scenarios/runner/internal.h"
#include "sim/core/config.h"
#include "sim/core/library.h"

struct parser {
    yaml_document_t doc;
    const char *file;
    const char *text;
    size_t len;
    char *err;
    size_t cap;
    bool failed;
    unsigned depth;
};

static const char *const kind_names[SCN_KIND_COUNT] = {
    [SCN_INJECT] = "inject",
    [SCN_REMOVE] = "remove",
    [SCN_DOOR] = "door",
    [SCN_MAILSLOT_DOOR] = "mailslot_door",
    [SCN_FORCE_DOOR] = "force_door_open",
    [SCN_MOVE_BY_HAND] = "move_by_hand",
    [SCN_DIRTY] = "dirty",
    [SCN_DRIVE_FAULT] = "drive_fault",
    [SCN_ROBOT_JAM] = "robot_jam",
    [SCN_CLEAR_JAM] = "clear_jam",
    [SCN_UNREADABLE] = "unreadable_barcode",
    [SCN_POWER_CYCLE] = "power_cycle",
    [SCN_ADVANCE] = "advance",
    [SCN_FAIL_NEXT] = "fail_next",
    [SCN_APPEARS] = "cartridge_appears",
    [SCN_CDB] = "cdb",
    [SCN_SCSI] = "scsi",
    [SCN_ELEMENTS] = "elements",
    [SCN_TAPEALERT] = "tapealert",
    [SCN_TIME] = "time",
    [SCN_DRIVE_STATE] = "drive_state",
    [SCN_RSM] = "rsm",
    [SCN_RSM_VIEW] = "rsm_view",
    [SCN_REPEAT] = "repeat",
    [SCN_PICK] = "pick",
};

static const char *const call_names[SCN_RSM_CALL_COUNT] = {
    [SCN_CREATE_POOL] = "CreateNtmsMediaPool",
    [SCN_DELETE_POOL] = "DeleteNtmsMediaPool",
    [SCN_SET_POOL_POLICY] = "SetNtmsObjectInformation",
    [SCN_ALLOCATE] = "AllocateNtmsMedia",
    [SCN_DEALLOCATE] = "DeallocateNtmsMedia",
    [SCN_MOVE_TO_POOL] = "MoveToNtmsMediaPool",
    [SCN_GET_INFO] = "GetNtmsObjectInformation",
    [SCN_ENUMERATE] = "EnumerateNtmsObject",
    [SCN_GET_POOL_NAME] = "GetNtmsMediaPoolName",
    [SCN_MOUNT] = "MountNtmsMedia",
    [SCN_DISMOUNT] = "DismountNtmsMedia",
    [SCN_INVENTORY] = "InventoryNtmsLibrary",
    [SCN_INJECT_MEDIA] = "InjectNtmsMedia",
    [SCN_EJECT_MEDIA] = "EjectNtmsMedia",
    [SCN_ACCESS_DOOR] = "AccessNtmsLibraryDoor",
    [SCN_CLEAN_DRIVE] = "CleanNtmsDrive",
};

const char *scn_kind_name(enum scn_kind k)
{
    return (unsigned)k < SCN_KIND_COUNT ? kind_names[k] : "?";
}

const char *scn_rsm_call_name(enum scn_rsm_call c)
{
    if (c == SCN_LIBRARY_ADD)
        return "library_add";
    if (c == SCN_RESTART)
        return "restart";
    if (c == SCN_TICK)
        return "tick";
    if (c == SCN_WAIT)
        return "wait";
    return (unsigned)c < SCN_RSM_CALL_COUNT ? call_names[c] : "?";
}

const char *scn_rc_name(enum scn_rc rc)
{
    switch (rc) {
    case SCN_OK:
        return "SCN_OK";
    case SCN_E_INPUT:
        return "SCN_E_INPUT";
    case SCN_E_FAILED:
        return "SCN_E_FAILED";
    case SCN_E_SETUP:
        return "SCN_E_SETUP";
    case SCN_E_NOMEM:
        return "SCN_E_NOMEM";
    case SCN_E_IO:
        return "SCN_E_IO";
    }
    return "SCN_E_?";
}

/* ---- messages --------------------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static bool fail_at(struct parser *p, const yaml_node_t *n,
                                                          const char *fmt, ...)
{
    if (p->failed)
        return false;
    p->failed = true;
    int off = snprintf(p->err, p->cap, "%s:%lu:%lu: ", p->file,
                       n ? (unsigned long)n->start_mark.line + 1 : 1UL,
                       n ? (unsigned long)n->start_mark.column + 1 : 1UL);
    if (off < 0 || (size_t)off >= p->cap)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + off, p->cap - (size_t)off, fmt, ap);
    va_end(ap);
    return false;
}

static const char *type_word(const yaml_node_t *n)
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

static yaml_node_t *node(struct parser *p, int id)
{
    return yaml_document_get_node(&p->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* ---- typed values ------------------------------------------------------------------- */

static bool want_scalar(struct parser *p, const yaml_node_t *n, const char *what, const char **out)
{
    *out = "";
    if (n->type != YAML_SCALAR_NODE)
        return fail_at(p, n, "expected %s, found %s", what, type_word(n));
    *out = (const char *)n->data.scalar.value;
    return true;
}

static bool get_str(struct parser *p, const yaml_node_t *n, const char *what, char **out)
{
    const char *s;
    if (!want_scalar(p, n, what, &s))
        return false;
    free(*out);
    *out = strdup(s);
    if (!*out)
        return fail_at(p, n, "out of memory");
    return true;
}

static bool get_uint(struct parser *p, const yaml_node_t *n, const char *what, uint64_t max,
                     uint64_t *out)
{
    const char *s;
    if (!want_scalar(p, n, what, &s))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *end || errno || s[0] == '-' || v > max)
        return fail_at(p, n, "expected %s (an integer from 0 to %llu), found '%s'", what,
                       (unsigned long long)max, s);
    *out = v;
    return true;
}

static bool get_bool(struct parser *p, const yaml_node_t *n, const char *what, bool *out)
{
    const char *s;
    if (!want_scalar(p, n, what, &s))
        return false;
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
        *out = true;
    else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
        *out = false;
    else
        return fail_at(p, n, "expected %s (true or false), found '%s'", what, s);
    return true;
}

/* "250ms", "30s", "2m", "1h", "1.5s", "100us": virtual time in microseconds. */
static bool get_duration(struct parser *p, const yaml_node_t *n, const char *what, uint64_t *out)
{
    const char *s;
    if (!want_scalar(p, n, what, &s))
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    double mult = 0;
    if (end != s && !errno && v >= 0) {
        if (!strcmp(end, "us"))
            mult = 1;
        else if (!strcmp(end, "ms"))
            mult = 1e3;
        else if (!strcmp(end, "s"))
            mult = 1e6;
        else if (!strcmp(end, "m") || !strcmp(end, "min"))
            mult = 60e6;
        else if (!strcmp(end, "h"))
            mult = 3600e6;
    }
    if (mult == 0 || v * mult > 1e15)
        return fail_at(p, n, "expected %s (a duration such as 500ms, 30s, 2m or 1h), found '%s'",
                       what, s);
    *out = (uint64_t)(v * mult + 0.5);
    return true;
}

/* Hex bytes: "a5 00 00 01", "A50000", "0xA5 0x00" (spaces, colons optional). */
static bool get_hex(struct parser *p, const yaml_node_t *n, const char *what, uint8_t *out,
                    size_t cap, size_t *len)
{
    const char *s;
    if (!want_scalar(p, n, what, &s))
        return false;
    size_t k = 0;
    int half = -1;
    for (const char *c = s; *c; c++) {
        if (isspace((unsigned char)*c) || *c == ':' || *c == ',')
            continue;
        if (c[0] == '0' && (c[1] == 'x' || c[1] == 'X') && half < 0) {
            c++;
            continue;
        }
        if (!isxdigit((unsigned char)*c))
            return fail_at(p, n, "expected %s (hex bytes such as \"a5 00 00 01\"), found '%c'",
                           what, *c);
        int v = isdigit((unsigned char)*c) ? *c - '0' : (tolower((unsigned char)*c) - 'a' + 10);
        if (half < 0) {
            half = v;
        } else {
            if (k >= cap)
                return fail_at(p, n, "expected %s of at most %zu bytes", what, cap);
            out[k++] = (uint8_t)(half << 4 | v);
            half = -1;
        }
    }
    if (half >= 0)
        return fail_at(p, n, "expected %s (an even number of hex digits)", what);
    if (k == 0)
        return fail_at(p, n, "expected %s (at least one hex byte)", what);
    *len = k;
    return true;
}

/* Sense "KEY/ASC/ASCQ" in hex, e.g. "5/3B/0D" or "06/29/00". */
static bool get_sense(struct parser *p, const yaml_node_t *n, const char *what, uint8_t *key,
                      uint16_t *asc_ascq)
{
    const char *s;
    if (!want_scalar(p, n, what, &s))
        return false;
    unsigned k, a, q;
    char tail;
    if (sscanf(s, "%x/%x/%x%c", &k, &a, &q, &tail) != 3 || k > 0xF || a > 0xFF || q > 0xFF)
        return fail_at(p, n, "expected %s as KEY/ASC/ASCQ in hex (e.g. 5/3B/0D), found '%s'", what,
                       s);
    *key = (uint8_t)k;
    *asc_ascq = (uint16_t)(a << 8 | q);
    return true;
}

/* ASC/ASCQ "83/00". */
static bool get_ascq(struct parser *p, const yaml_node_t *n, const char *what, uint16_t *out)
{
    const char *s;
    if (!want_scalar(p, n, what, &s))
        return false;
    unsigned a, q;
    char tail;
    if (sscanf(s, "%x/%x%c", &a, &q, &tail) != 2 || a > 0xFF || q > 0xFF)
        return fail_at(p, n, "expected %s as ASC/ASCQ in hex (e.g. 15/01), found '%s'", what, s);
    *out = (uint16_t)(a << 8 | q);
    return true;
}

static bool get_elem(struct parser *p, const yaml_node_t *n, const char *what, struct scn_elem *out)
{
    const char *s;
    if (!want_scalar(p, n, what, &s))
        return false;
    static const struct {
        const char *word;
        int type;
    } words[] = {
        {"slot", VTL_ELEM_STORAGE},
        {"mailslot", VTL_ELEM_IE},
        {"drive", VTL_ELEM_DTE},
        {"transport", VTL_ELEM_TRANSPORT},
        {"address", 0},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t wl = strlen(words[i].word);
        if (strncmp(s, words[i].word, wl) == 0 && s[wl] == ' ') {
            char *end;
            errno = 0;
            unsigned long v = strtoul(s + wl + 1, &end, 0);
            if (*end || errno || v == 0 || v > 65535)
                break;
            out->type = words[i].type;
            out->num = (unsigned)v;
            return true;
        }
    }
    return fail_at(p, n,
                   "expected %s as 'slot N', 'mailslot N', 'drive N', 'transport N' or "
                   "'address N' (N from 1), found '%s'",
                   what, s);
}

static bool get_enum(struct parser *p, const yaml_node_t *n, const char *what,
                     const char *const *names, size_t n_names, unsigned *out)
{
    const char *s;
    if (!want_scalar(p, n, what, &s))
        return false;
    for (size_t i = 0; i < n_names; i++)
        if (names[i] && strcmp(s, names[i]) == 0) {
            *out = (unsigned)i;
            return true;
        }
    char list[512] = "";
    size_t off = 0;
    for (size_t i = 0; i < n_names && off < sizeof list; i++)
        if (names[i])
            off +=
                (size_t)snprintf(list + off, sizeof list - off, "%s%s", off ? ", " : "", names[i]);
    return fail_at(p, n, "expected %s (one of %s), found '%s'", what, list, s);
}

/* ---- mappings: every key checked ------------------------------------------------------ */

/* Checks that @n is a mapping whose keys are all in @keys (NULL-terminated) and none is
 * repeated; @ctx names the mapping in messages. */
static bool check_keys(struct parser *p, const yaml_node_t *n, const char *ctx,
                       const char *const *keys)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(p, n, "expected %s (a mapping), found %s", ctx, type_word(n));
    for (yaml_node_pair_t *a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top; a++) {
        yaml_node_t *k = node(p, a->key);
        const char *ks = scalar(k);
        if (!ks)
            return fail_at(p, k, "expected a key name in %s, found %s", ctx, type_word(k));
        bool known = false;
        for (size_t i = 0; keys[i]; i++)
            known |= strcmp(keys[i], ks) == 0;
        if (!known) {
            char list[512] = "";
            size_t off = 0;
            for (size_t i = 0; keys[i] && off < sizeof list; i++)
                off +=
                    (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", keys[i]);
            return fail_at(p, k, "unknown key '%s' in %s: expected one of %s", ks, ctx, list);
        }
        for (yaml_node_pair_t *b = n->data.mapping.pairs.start; b < a; b++)
            if (strcmp(scalar(node(p, b->key)) ? scalar(node(p, b->key)) : "", ks) == 0)
                return fail_at(p, k, "duplicate key '%s' in %s", ks, ctx);
    }
    return true;
}

static yaml_node_t *get(struct parser *p, const yaml_node_t *map, const char *key)
{
    if (map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top;
         a++) {
        const char *ks = scalar(node(p, a->key));
        if (ks && strcmp(ks, key) == 0)
            return node(p, a->value);
    }
    return NULL;
}

static yaml_node_t *need(struct parser *p, const yaml_node_t *map, const char *key, const char *ctx)
{
    yaml_node_t *v = get(p, map, key);
    if (!v)
        fail_at(p, map, "missing key '%s' in %s", key, ctx);
    return v;
}

/* ---- expectations --------------------------------------------------------------------- */

static const char *const status_names[] = {
    [0x00] = "GOOD",       [0x02] = "CHECK_CONDITION",      [0x04] = "CONDITION_MET",
    [0x08] = "BUSY",       [0x18] = "RESERVATION_CONFLICT", [0x28] = "TASK_SET_FULL",
    [0x30] = "ACA_ACTIVE", [0x40] = "TASK_ABORTED",
};
#define N_STATUS (sizeof status_names / sizeof status_names[0])

static const char *const mstate_names[] = {"IDLE",     "INUSE",   "MOUNTED", "LOADED",
                                           "UNLOADED", "OPERROR", "OPREQ"};

static bool parse_result_list(struct parser *p, const yaml_node_t *n, struct scn_expect *ex)
{
    if (n->type == YAML_SCALAR_NODE) {
        snprintf(ex->result[0], sizeof ex->result[0], "%s", scalar(n));
        ex->n_result = 1;
        return true;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(p, n, "expected result (a result name or a list of them), found %s",
                       type_word(n));
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        yaml_node_t *v = node(p, *i);
        const char *s;
        if (!want_scalar(p, v, "a result name", &s))
            return false;
        if (ex->n_result >= SCN_MAX_ANY)
            return fail_at(p, v, "expected at most %d results to accept", SCN_MAX_ANY);
        snprintf(ex->result[ex->n_result++], sizeof ex->result[0], "%s", s);
    }
    if (!ex->n_result)
        return fail_at(p, n, "expected at least one result name");
    return true;
}

static bool parse_expect(struct parser *p, const yaml_node_t *n, enum scn_kind kind,
                         struct scn_expect *ex)
{
    static const char *const sim_keys[] = {"result", "barcode", NULL};
    static const char *const dev_keys[] = {"status", "sense", "data", NULL};
    static const char *const rsm_keys[] = {"result",   "rc",   "pool",   "state", "count",
                                           "count_of", "name", "new",    "moved", "gone",
                                           "imported", "dup",  "object", NULL};
    const char *const *keys = kind == SCN_CDB || kind == SCN_SCSI ? dev_keys
                              : kind == SCN_RSM                   ? rsm_keys
                                                                  : sim_keys;
    if (!check_keys(p, n, "expect", keys))
        return false;
    yaml_node_t *v;
    if ((v = get(p, n, "result")) && !parse_result_list(p, v, ex))
        return false;
    if ((v = get(p, n, "rc"))) {
        if (get(p, n, "result"))
            return fail_at(p, v, "expected either result or rc (the same thing), not both");
        if (!parse_result_list(p, v, ex))
            return false;
    }
    static const char *const inv_keys[] = {"new", "moved", "gone", "imported", "dup"};
    for (unsigned i = 0; i < 5; i++) {
        uint64_t u;
        if ((v = get(p, n, inv_keys[i]))) {
            if (!get_uint(p, v, inv_keys[i], 100000, &u))
                return false;
            ex->inv[i] = (long)u;
        }
    }
    if ((v = get(p, n, "barcode")) && !get_str(p, v, "barcode", &ex->barcode))
        return false;
    if ((v = get(p, n, "status"))) {
        unsigned st;
        if (!get_enum(p, v, "status", status_names, N_STATUS, &st))
            return false;
        ex->has_status = true;
        ex->status = (uint8_t)st;
    }
    if ((v = get(p, n, "sense"))) {
        if (!get_sense(p, v, "sense", &ex->key, &ex->asc_ascq))
            return false;
        ex->has_sense = true;
    }
    if ((v = get(p, n, "data"))) {
        if (!get_hex(p, v, "data", ex->data, sizeof ex->data, &ex->data_len))
            return false;
        ex->has_data = true;
    }
    if ((v = get(p, n, "pool")) && !get_str(p, v, "pool", &ex->pool))
        return false;
    if ((v = get(p, n, "name")) && !get_str(p, v, "name", &ex->name))
        return false;
    if ((v = get(p, n, "state"))) {
        unsigned st;
        if (!get_enum(p, v, "state", mstate_names, 7, &st))
            return false;
        ex->media_state = (int)st;
    }
    if ((v = get(p, n, "count"))) {
        uint64_t c;
        if (!get_uint(p, v, "count", 1000000, &c))
            return false;
        ex->count = (long)c;
    }
    if ((v = get(p, n, "count_of")) && !get_str(p, v, "count_of", &ex->count_of))
        return false;
    if ((v = get(p, n, "object")) &&
        !get_str(p, v, "object (a saved name, a barcode or an object's name)", &ex->object))
        return false;
    return true;
}

/* ---- steps ----------------------------------------------------------------------------- */

static bool parse_steps(struct parser *p, const yaml_node_t *n, const char *ctx,
                        struct scn_step **out, size_t *n_out);

static const char *const fault_names[] = {"hard",      "write_error", "read_error",
                                          "not_ready", "slow",        "clear"};
static const char *const scsi_names[] = {
    "TEST_UNIT_READY",
    "REQUEST_SENSE",
    "INQUIRY",
    "MOVE_MEDIUM",
    "INITIALIZE_ELEMENT_STATUS",
    "PREVENT_MEDIUM_REMOVAL",
    "ALLOW_MEDIUM_REMOVAL",
    "OPEN_IMPORT_EXPORT",
    "CLOSE_IMPORT_EXPORT",
    "LOAD",
    "UNLOAD",
    "REWIND",
    "WRITE",
    "WRITE_FILEMARKS",
    "READ",
    "LOG_SENSE",
    "EXCHANGE_MEDIUM",
    "POSITION_TO_ELEMENT",
};

/* A named SCSI command keeps its fields in the step; run.c builds the CDB with scsi/cdb.h
 * when it runs, because element names become addresses only once the library exists. */
static bool parse_scsi(struct parser *p, const yaml_node_t *n, struct scn_step *s)
{
    static const char *const keys[] = {"command", "lun",   "nexus", "from", "to",   "to2",
                                       "element", "bytes", "count", "page", "hold", NULL};
    if (!check_keys(p, n, "scsi", keys))
        return false;
    yaml_node_t *v = need(p, n, "command", "scsi");
    unsigned cmd;
    if (!v || !get_enum(p, v, "command", scsi_names, SC_N, &cmd))
        return false;
    s->opcode = (int)cmd;
    uint64_t u;
    if ((v = get(p, n, "lun"))) {
        if (!get_uint(p, v, "lun", 64, &u))
            return false;
        s->lun = (unsigned)u;
    }
    if ((v = get(p, n, "nexus"))) {
        const char *str = "";
        if (!want_scalar(p, v, "nexus (an initiator name)", &str))
            return false;
        snprintf(s->nexus, sizeof s->nexus, "%s", str);
    }
    bool need_from = cmd == SC_MOVE || cmd == SC_EXCHANGE;
    bool need_to = cmd == SC_MOVE || cmd == SC_EXCHANGE || cmd == SC_POSITION;
    if (need_from) {
        if (!(v = need(p, n, "from", "scsi")) || !get_elem(p, v, "from", &s->from))
            return false;
    } else if ((v = get(p, n, "from"))) {
        return fail_at(p, v, "unexpected key 'from' for %s", scsi_names[cmd]);
    }
    if (need_to) {
        if (!(v = need(p, n, "to", "scsi")) || !get_elem(p, v, "to", &s->to))
            return false;
    }
    if (cmd == SC_EXCHANGE) {
        struct scn_elem e2;
        if (!(v = need(p, n, "to2", "scsi")) || !get_elem(p, v, "to2", &e2))
            return false;
        s->want = calloc(1, sizeof *s->want); /* the second destination */
        if (!s->want)
            return fail_at(p, v, "out of memory");
        s->want->elem = e2;
    }
    if (cmd == SC_OPEN_IE || cmd == SC_CLOSE_IE) {
        if ((v = get(p, n, "element")) && !get_elem(p, v, "element", &s->to))
            return false;
    }
    if ((v = get(p, n, "bytes"))) {
        if (!get_uint(p, v, "bytes", 1 << 20, &u))
            return false;
        s->write_bytes = (uint32_t)u;
    } else if (cmd == SC_WRITE || cmd == SC_READ) {
        return fail_at(p, n, "missing key 'bytes' in scsi (%s needs a transfer length)",
                       scsi_names[cmd]);
    }
    s->n = 1;
    if ((v = get(p, n, "count"))) {
        if (!get_uint(p, v, "count", 0xFFFFFF, &u))
            return false;
        s->n = u;
    }
    s->key = 0x2E; /* TapeAlert */
    if ((v = get(p, n, "page"))) {
        if (!get_uint(p, v, "page", 0x3F, &u))
            return false;
        s->key = (uint8_t)u;
    }
    if ((v = get(p, n, "hold")) && !get_bool(p, v, "hold", &s->open))
        return false;
    if (!s->lun && (cmd == SC_LOAD || cmd == SC_UNLOAD || cmd == SC_REWIND || cmd == SC_WRITE ||
                    cmd == SC_WFM || cmd == SC_READ))
        return fail_at(p, n, "expected 'lun' (a drive's LUN, 1..N) for %s", scsi_names[cmd]);
    return true;
}

static bool parse_elements(struct parser *p, const yaml_node_t *n, struct scn_step *s)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(p, n, "expected elements (a mapping of element to contents), found %s",
                       type_word(n));
    size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (!cnt)
        return fail_at(p, n, "expected at least one element to check");
    s->want = calloc(cnt, sizeof *s->want);
    if (!s->want)
        return fail_at(p, n, "out of memory");
    for (yaml_node_pair_t *a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top; a++) {
        struct scn_elem_want *w = &s->want[s->n_want++];
        yaml_node_t *k = node(p, a->key), *v = node(p, a->value);
        w->line = (unsigned)k->start_mark.line + 1;
        w->col = (unsigned)k->start_mark.column + 1;
        w->svalid_from = -1;
        if (!get_elem(p, k, "an element", &w->elem))
            return false;
        for (size_t i = 0; i + 1 < s->n_want; i++)
            if (s->want[i].elem.type == w->elem.type && s->want[i].elem.num == w->elem.num)
                return fail_at(p, k, "duplicate key '%s' in elements", scalar(k));
        if (v->type == YAML_SCALAR_NODE) {
            const char *str = scalar(v);
            if (!strcmp(str, "empty"))
                w->empty = true;
            else if (!get_str(p, v, "barcode", &w->barcode))
                return false;
            continue;
        }
        static const char *const keys[] = {"barcode", "empty", "except", "access", "from", NULL};
        if (!check_keys(p, v, "an element's expected contents", keys))
            return false;
        yaml_node_t *x;
        if ((x = get(p, v, "barcode")) && !get_str(p, x, "barcode", &w->barcode))
            return false;
        if ((x = get(p, v, "empty")) && !get_bool(p, x, "empty", &w->empty))
            return false;
        if ((x = get(p, v, "except"))) {
            const char *str = scalar(x);
            if (str && !strcmp(str, "none")) {
                w->except = 0;
            } else if (!get_ascq(p, x, "except", &w->except)) {
                return false;
            }
            w->has_except = true;
        }
        if ((x = get(p, v, "access"))) {
            if (!get_bool(p, x, "access", &w->access))
                return false;
            w->has_access = true;
        }
        if ((x = get(p, v, "from"))) {
            if (!get_elem(p, x, "from", &w->from))
                return false;
            w->svalid_from = 1;
        }
        if (w->empty && w->barcode)
            return fail_at(p, v, "expected either empty or a barcode, not both");
    }
    return true;
}

static bool parse_flag_list(struct parser *p, const yaml_node_t *n, const char *what, uint64_t *out)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(p, n, "expected %s (a list of TapeAlert flag numbers 1..64), found %s", what,
                       type_word(n));
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        uint64_t f;
        yaml_node_t *v = node(p, *i);
        if (!get_uint(p, v, "a TapeAlert flag", 64, &f))
            return false;
        if (f == 0)
            return fail_at(p, v, "expected a TapeAlert flag from 1 to 64, found 0");
        *out |= UINT64_C(1) << (f - 1);
    }
    return true;
}

static bool parse_flags(struct parser *p, const yaml_node_t *n, const char *what,
                        const char *const *names, const uint32_t *vals, size_t cnt, uint32_t *out)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(p, n, "expected %s (a list of option names), found %s", what, type_word(n));
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        unsigned k;
        if (!get_enum(p, node(p, *i), what, names, cnt, &k))
            return false;
        *out |= vals[k];
    }
    return true;
}

/* "NTMS_MOUNT_READ|NTMS_MOUNT_WRITE", "0x10", "3": the value of a DWORD argument. */
bool scn_dword_parse(const char *text, uint32_t *out)
{
    uint32_t v = 0;
    const char *t = text;
    for (;;) {
        while (*t == ' ')
            t++;
        size_t len = strcspn(t, "| ");
        if (len == 0 || len >= 96)
            return false;
        char word[96];
        memcpy(word, t, len);
        word[len] = '\0';
        uint32_t w;
        if (isdigit((unsigned char)word[0]) || word[0] == '-') {
            char *end;
            errno = 0;
            long long n = strtoll(word, &end, 0);
            if (*end || errno || n < INT32_MIN || n > UINT32_MAX)
                return false;
            w = (uint32_t)n;
        } else if (!scn_ntms_symbol(word, &w)) {
            return false;
        }
        v |= w;
        t += len;
        while (*t == ' ')
            t++;
        if (*t == '\0')
            break;
        if (*t++ != '|')
            return false;
    }
    *out = v;
    return true;
}

static const char *const object_type_names[] = {
    [1] = "OBJECT",      [2] = "CHANGER",         [3] = "CHANGER_TYPE",    [4] = "COMPUTER",
    [5] = "DRIVE",       [6] = "DRIVE_TYPE",      [7] = "IEDOOR",          [8] = "IEPORT",
    [9] = "LIBRARY",     [10] = "LIBREQUEST",     [11] = "LOGICAL_MEDIA",  [12] = "MEDIA_POOL",
    [13] = "MEDIA_TYPE", [14] = "PARTITION",      [15] = "PHYSICAL_MEDIA", [16] = "STORAGESLOT",
    [17] = "OPREQUEST",  [18] = "UI_DESTINATION",
};

static bool parse_rsm_view(struct parser *p, const yaml_node_t *n, struct scn_step *s)
{
    static const char *const keys[] = {"media", "agrees", "opreqs", "events", "drives", NULL};
    if (!check_keys(p, n, "rsm_view", keys))
        return false;
    if (n->data.mapping.pairs.top == n->data.mapping.pairs.start)
        return fail_at(p, n,
                       "expected rsm_view to check something (media, agrees, opreqs, "
                       "events, drives)");
    yaml_node_t *v;
    uint64_t u;
    if ((v = get(p, n, "agrees")) && !get_bool(p, v, "agrees", &s->agrees))
        return false;
    if ((v = get(p, n, "opreqs"))) {
        if (!get_uint(p, v, "opreqs", 100000, &u))
            return false;
        s->opreqs = (long)u;
    }
    if ((v = get(p, n, "events"))) {
        static const char *const ek[] = {"at_least", "type", NULL};
        yaml_node_t *x;
        if (!check_keys(p, v, "events", ek) || !(x = need(p, v, "at_least", "events")) ||
            !get_uint(p, x, "at_least", 100000, &u))
            return false;
        s->events = (long)u;
        if ((x = get(p, v, "type"))) {
            unsigned t;
            if (!get_enum(p, x, "type", object_type_names,
                          sizeof object_type_names / sizeof object_type_names[0], &t))
                return false;
            s->event_type = t;
        }
    }
    if ((v = get(p, n, "drives"))) {
        /* NtmsDriveState by name; values 3 and 4 are not states */
        static const char *const dstates[] = {
            "DISMOUNTED", "MOUNTED",  "LOADED",        NULL,
            NULL,         "UNLOADED", "BEING_CLEANED", "DISMOUNTABLE"};
        if (v->type != YAML_MAPPING_NODE)
            return fail_at(p, v, "expected drives (a mapping of drive: state), found %s",
                           type_word(v));
        size_t cnt = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
        s->drive_want = calloc(cnt ? cnt : 1, sizeof *s->drive_want);
        if (!s->drive_want)
            return fail_at(p, v, "out of memory");
        for (yaml_node_pair_t *a = v->data.mapping.pairs.start; a < v->data.mapping.pairs.top;
             a++) {
            struct scn_drive_want *w = &s->drive_want[s->n_drive_want++];
            yaml_node_t *k = node(p, a->key), *x = node(p, a->value);
            if (!get_str(p, k, "a drive (drive N or a saved name)", &w->name) ||
                !get_enum(p, x, "a drive state", dstates, 8, &w->state))
                return false;
            w->line = (unsigned)k->start_mark.line + 1;
        }
    }
    if ((v = get(p, n, "media"))) {
        if (v->type != YAML_MAPPING_NODE)
            return fail_at(p, v, "expected media (a mapping of barcode: what), found %s",
                           type_word(v));
        size_t cnt = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
        s->media_want = calloc(cnt ? cnt : 1, sizeof *s->media_want);
        if (!s->media_want)
            return fail_at(p, v, "out of memory");
        for (yaml_node_pair_t *a = v->data.mapping.pairs.start; a < v->data.mapping.pairs.top;
             a++) {
            struct scn_media_want *w = &s->media_want[s->n_media_want++];
            w->state = -1;
            yaml_node_t *k = node(p, a->key), *x = node(p, a->value), *y;
            if (!get_str(p, k, "a barcode", &w->barcode))
                return false;
            w->line = (unsigned)k->start_mark.line + 1;
            static const char *const mk[] = {"pool", "state", "at", NULL};
            if (!check_keys(p, x, w->barcode, mk))
                return false;
            if ((y = get(p, x, "pool")) && !get_str(p, y, "pool", &w->pool))
                return false;
            if ((y = get(p, x, "state"))) {
                unsigned st;
                if (!get_enum(p, y, "state", mstate_names, 7, &st))
                    return false;
                w->state = (int)st;
            }
            if ((y = get(p, x, "at"))) {
                w->has_at = true;
                const char *as = scalar(y);
                if (as && !strcmp(as, "offline"))
                    w->offline = true;
                else if (!get_elem(p, y, "at (an element or offline)", &w->at))
                    return false;
            }
        }
    }
    return true;
}

/* A generic call's arguments (api.c's parameter list): every key one the function takes,
 * every required one present, DWORDs as numbers or NTMS_* names (a list, or joined by
 * '|'), so a misspelt flag fails at check time with its position. */
static bool parse_generic(struct parser *p, const yaml_node_t *n, struct scn_step *s)
{
    const struct scn_api_fn *f = s->api;
    const char *keys[SCN_API_MAX_PARAMS + 6];
    size_t k = 0;
    keys[k++] = "call";
    keys[k++] = "session";
    keys[k++] = "as_uid";
    if (f->out == 'g' || f->out == 'h')
        keys[k++] = "save_as";
    for (unsigned i = 0; i < SCN_API_MAX_PARAMS && f->p[i].name; i++)
        keys[k++] = f->p[i].name;
    keys[k] = NULL;
    char ctx[128];
    snprintf(ctx, sizeof ctx, "rsm (%s)", f->name);
    if (!check_keys(p, n, ctx, keys))
        return false;
    for (unsigned i = 0; i < SCN_API_MAX_PARAMS && f->p[i].name; i++) {
        yaml_node_t *v = get(p, n, f->p[i].name);
        if (!v) {
            if (!f->p[i].optional)
                return fail_at(p, n, "missing key '%s' in rsm (%s needs it)", f->p[i].name,
                               f->name);
            continue;
        }
        char val[1024] = "";
        size_t off = 0;
        if (v->type == YAML_SEQUENCE_NODE && f->p[i].kind == SCN_ARG_DWORD) {
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top && off < sizeof val; it++) {
                const char *w;
                if (!want_scalar(p, node(p, *it), "a flag (NTMS_* or a number)", &w))
                    return false;
                off += (size_t)snprintf(val + off, sizeof val - off, "%s%s", off ? "|" : "", w);
            }
        } else {
            const char *w;
            if (!want_scalar(p, v, f->p[i].name, &w))
                return false;
            snprintf(val, sizeof val, "%s", w);
        }
        if (f->p[i].kind == SCN_ARG_DWORD) {
            uint32_t dummy;
            if (!scn_dword_parse(val, &dummy))
                return fail_at(p, v,
                               "expected %s (a number or NTMS_* names of ntmsapi.h joined by "
                               "'|'), found '%s'",
                               f->p[i].name, val);
        }
        struct scn_arg *na = realloc(s->args, (s->n_args + 1) * sizeof *na);
        if (!na)
            return fail_at(p, v, "out of memory");
        s->args = na;
        struct scn_arg *a = &s->args[s->n_args++];
        a->name = strdup(f->p[i].name);
        a->value = strdup(val);
        a->line = (unsigned)v->start_mark.line + 1;
        a->col = (unsigned)v->start_mark.column + 1;
        if (!a->name || !a->value)
            return fail_at(p, v, "out of memory");
    }
    return true;
}

static bool parse_rsm_common(struct parser *p, const yaml_node_t *n, struct scn_step *s)
{
    yaml_node_t *v;
    uint64_t u;
    if ((v = get(p, n, "save_as")) && !get_str(p, v, "save_as", &s->save_as))
        return false;
    if ((v = get(p, n, "session")) && !get_str(p, v, "session", &s->session))
        return false;
    if ((v = get(p, n, "as_uid"))) {
        if (!get_uint(p, v, "as_uid", UINT32_MAX, &u))
            return false;
        s->has_uid = true;
        s->as_uid = (uint32_t)u;
    }
    return true;
}

static bool parse_rsm(struct parser *p, const yaml_node_t *n, struct scn_step *s)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(p, n, "expected rsm (a mapping), found %s", type_word(n));
    static const char *const actions[] = {"call",     "library_add", "inventory", "mount",
                                          "dismount", "restart",     "tick",      "wait"};
    const char *which = NULL;
    yaml_node_t *act = NULL;
    for (yaml_node_pair_t *a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top; a++) {
        const char *ks = scalar(node(p, a->key));
        for (unsigned i = 0; ks && i < sizeof actions / sizeof actions[0]; i++)
            if (!strcmp(ks, actions[i])) {
                if (which)
                    return fail_at(p, node(p, a->key),
                                   "an rsm step makes one call: '%s' follows '%s'", ks, which);
                which = actions[i];
                act = node(p, a->value);
            }
    }
    if (!which)
        return fail_at(p, n,
                       "missing key 'call' in rsm (or one of library_add, inventory, mount, "
                       "dismount, restart, tick, wait)");
    if (!parse_rsm_common(p, n, s))
        return false;
    if (!strcmp(which, "library_add")) {
        static const char *const keys[] = {"library_add", "session", "as_uid", "save_as", NULL};
        static const char *const lk[] = {"free", "standalone", NULL};
        if (!check_keys(p, n, "rsm", keys))
            return false;
        s->call = SCN_LIBRARY_ADD;
        if (act->type == YAML_SCALAR_NODE && !strcmp(scalar(act), "")) /* library_add: */
            return true;
        if (!check_keys(p, act, "library_add", lk))
            return false;
        yaml_node_t *x = get(p, act, "free");
        if (x) {
            const char *fs = scalar(x);
            if (!fs || (strcmp(fs, "all") && strcmp(fs, "none")))
                return fail_at(p, x, "expected free: all or none, found %s",
                               fs ? fs : type_word(x));
            s->all_barcodes = !strcmp(fs, "all");
        }
        if ((x = get(p, act, "standalone"))) {
            uint64_t u;
            if (!get_uint(p, x, "standalone", VTL_MAX_DRIVES, &u))
                return false;
            if (u == 0)
                return fail_at(p, x, "expected standalone (a drive number) from 1");
            if (!s->save_as)
                return fail_at(p, act,
                               "a standalone drive is a library of its own: name it with "
                               "save_as");
            s->standalone = (unsigned)u;
        }
        return true;
    }
    if (!strcmp(which, "restart") || !strcmp(which, "tick")) {
        static const char *const rk[] = {"restart", NULL};
        static const char *const tk[] = {"tick", NULL};
        bool restart = !strcmp(which, "restart");
        if (!check_keys(p, n, "rsm", restart ? rk : tk))
            return false;
        if (!(act->type == YAML_SCALAR_NODE && !strcmp(scalar(act), "")) &&
            !(act->type == YAML_MAPPING_NODE &&
              act->data.mapping.pairs.top == act->data.mapping.pairs.start))
            return fail_at(p, act, "expected %s: {} (it takes no arguments)", which);
        s->call = restart ? SCN_RESTART : SCN_TICK;
        return true;
    }
    if (!strcmp(which, "wait")) {
        static const char *const keys[] = {"wait", "timeout", "session", "as_uid", NULL};
        if (!check_keys(p, n, "rsm", keys) ||
            !get_str(p, act, "wait (a library request saved with save_as)", &s->var))
            return false;
        s->call = SCN_WAIT;
        s->us = 10000000; /* wall time: a request that needs longer is stuck */
        yaml_node_t *x = get(p, n, "timeout");
        if (x && !get_duration(p, x, "timeout", &s->us))
            return false;
        return true;
    }
    if (!strcmp(which, "inventory")) {
        static const char *const keys[] = {"inventory", "session", "as_uid", NULL};
        static const char *const kinds[] = {"fast", "full"};
        unsigned kind;
        if (!check_keys(p, n, "rsm", keys) || !get_enum(p, act, "inventory", kinds, 2, &kind))
            return false;
        s->call = SCN_INVENTORY;
        s->full = kind == 1;
        return true;
    }
    if (!strcmp(which, "mount") || !strcmp(which, "dismount")) {
        static const char *const mk[] = {"mount", "drive", "session", "as_uid", NULL};
        static const char *const dk[] = {"dismount", "session", "as_uid", NULL};
        bool mount = !strcmp(which, "mount");
        if (!check_keys(p, n, "rsm", mount ? mk : dk) || !get_str(p, act, which, &s->barcode))
            return false;
        s->call = mount ? SCN_MOUNT : SCN_DISMOUNT;
        yaml_node_t *x;
        uint64_t u;
        if ((x = get(p, n, "drive"))) {
            if (!get_uint(p, x, "drive", VTL_MAX_DRIVES, &u))
                return false;
            if (u == 0)
                return fail_at(p, x, "expected drive from 1");
            s->drive = (unsigned)u;
        }
        return true;
    }
    /* call: a function the runner has dedicated keys for, else any one of ntmsapi.h */
    const char *fname;
    if (!want_scalar(p, act, "call (a function of ntmsapi.h)", &fname))
        return false;
    static const char *const keys[] = {
        "call", "name",  "parent",  "pool",    "barcode",     "media",      "save",
        "push", "pop",   "action",  "options", "holds_media", "allocation", "deallocation",
        "type", "drive", "session", "as_uid",  NULL};
    /* The pool and media calls have dedicated keys (pools by full name, barcodes, lists);
     * a step that uses a key they do not know, and every other function, is the generic
     * call of api.c with the function's own parameter names. */
    unsigned c = SCN_RSM_CALL_COUNT;
    for (unsigned i = 0; i < SCN_MOUNT; i++)
        if (!strcmp(call_names[i], fname))
            c = i;
    for (yaml_node_pair_t *a = n->data.mapping.pairs.start;
         c != SCN_RSM_CALL_COUNT && a < n->data.mapping.pairs.top; a++) {
        const char *ks = scalar(node(p, a->key));
        bool known = false;
        for (size_t i = 0; ks && keys[i]; i++)
            known |= !strcmp(ks, keys[i]);
        if (!known && scn_api_find(fname))
            c = SCN_RSM_CALL_COUNT;
    }
    if (c == SCN_RSM_CALL_COUNT) {
        s->api = scn_api_find(fname);
        if (!s->api)
            return fail_at(p, act, "expected call (a function of ntmsapi.h), found '%s'", fname);
        s->call = SCN_GENERIC;
        return parse_generic(p, n, s);
    }
    if (!check_keys(p, n, "rsm", keys))
        return false;
    yaml_node_t *v;
    s->call = (enum scn_rsm_call)c;
    if ((v = get(p, n, "name")) && !get_str(p, v, "name", &s->name))
        return false;
    if ((v = get(p, n, "parent")) && !get_str(p, v, "parent", &s->parent))
        return false;
    if ((v = get(p, n, "pool")) && !get_str(p, v, "pool", &s->pool))
        return false;
    if ((v = get(p, n, "barcode")) && !get_str(p, v, "barcode", &s->barcode))
        return false;
    if ((v = get(p, n, "media")) && !get_str(p, v, "media", &s->var))
        return false;
    if ((v = get(p, n, "save")) && !get_str(p, v, "save", &s->save))
        return false;
    if ((v = get(p, n, "push")) && !get_str(p, v, "push", &s->push))
        return false;
    if ((v = get(p, n, "pop")) && !get_str(p, v, "pop", &s->pop))
        return false;
    uint64_t u;
    if ((v = get(p, n, "drive"))) {
        if (!get_uint(p, v, "drive", VTL_MAX_DRIVES, &u))
            return false;
        if (u == 0)
            return fail_at(p, v, "expected drive from 1");
        s->drive = (unsigned)u;
    }
    s->media_type = true;
    if ((v = get(p, n, "holds_media")) && !get_bool(p, v, "holds_media", &s->media_type))
        return false;
    s->action = 2; /* NTMS_CREATE_NEW */
    if ((v = get(p, n, "action"))) {
        static const char *const an[] = {NULL, "OPEN_EXISTING", "CREATE_NEW", "OPEN_ALWAYS"};
        unsigned a;
        if (!get_enum(p, v, "action", an, 4, &a))
            return false;
        s->action = a;
    }
    if ((v = get(p, n, "options"))) {
        static const char *const on[] = {"NEW", "NEXT", "ERROR_IF_UNAVAILABLE"};
        static const uint32_t ov[] = {1, 2, 4};
        if (!parse_flags(p, v, "options", on, ov, 3, &s->options))
            return false;
    }
    if ((v = get(p, n, "allocation"))) {
        static const char *const an[] = {"FROMSCRATCH"};
        static const uint32_t av[] = {1};
        if (!parse_flags(p, v, "allocation", an, av, 1, &s->alloc_policy))
            return false;
        s->has_alloc_policy = true;
    }
    if ((v = get(p, n, "deallocation"))) {
        static const char *const dn[] = {"TOSCRATCH"};
        static const uint32_t dv[] = {1};
        if (!parse_flags(p, v, "deallocation", dn, dv, 1, &s->dealloc_policy))
            return false;
        s->has_dealloc_policy = true;
    }
    s->obj_type = 15; /* NTMS_PHYSICAL_MEDIA */
    if ((v = get(p, n, "type"))) {
        static const char *const tn[] = {"PHYSICAL_MEDIA", "MEDIA_POOL", "PARTITION"};
        static const uint32_t tv[] = {15, 12, 14};
        unsigned t;
        if (!get_enum(p, v, "type", tn, 3, &t))
            return false;
        s->obj_type = tv[t];
    }
    /* Which arguments each call needs: said here, so a scenario missing one fails at
     * check time with its position rather than at run time. */
    switch (s->call) {
    case SCN_CREATE_POOL:
        if (!s->name)
            return fail_at(p, n,
                           "missing key 'name' in rsm (CreateNtmsMediaPool needs a pool name)");
        break;
    case SCN_DELETE_POOL:
    case SCN_SET_POOL_POLICY:
    case SCN_ALLOCATE:
    case SCN_ENUMERATE:
    case SCN_GET_POOL_NAME:
        if (!s->pool)
            return fail_at(p, n, "missing key 'pool' in rsm (%s needs a pool)",
                           call_names[s->call]);
        break;
    case SCN_DEALLOCATE:
        if (!s->var && !s->pop)
            return fail_at(p, n,
                           "missing key 'media' or 'pop' in rsm (DeallocateNtmsMedia needs "
                           "an allocated medium)");
        break;
    case SCN_MOVE_TO_POOL:
        if (!s->pool || !s->barcode)
            return fail_at(p, n,
                           "missing key '%s' in rsm (MoveToNtmsMediaPool needs a barcode "
                           "and a pool)",
                           s->pool ? "barcode" : "pool");
        s->all_barcodes = strcmp(s->barcode, "all") == 0;
        break;
    case SCN_GET_INFO:
        if (!s->barcode && !s->pool)
            return fail_at(p, n,
                           "missing key 'barcode' or 'pool' in rsm "
                           "(GetNtmsObjectInformation needs an object)");
        break;
    case SCN_MOUNT:
    case SCN_DISMOUNT:
    case SCN_EJECT_MEDIA:
        if (!s->barcode && !s->var)
            return fail_at(p, n, "missing key 'barcode' or 'media' in rsm (%s needs a medium)",
                           call_names[s->call]);
        if (s->call == SCN_MOUNT && !s->drive)
            return fail_at(p, n, "missing key 'drive' in rsm (MountNtmsMedia needs a drive)");
        break;
    case SCN_CLEAN_DRIVE:
        if (!s->drive)
            return fail_at(p, n, "missing key 'drive' in rsm (CleanNtmsDrive needs a drive)");
        break;
    case SCN_INVENTORY:
    case SCN_INJECT_MEDIA:
    case SCN_ACCESS_DOOR:
    case SCN_RSM_CALL_COUNT:
    case SCN_GENERIC:
    case SCN_LIBRARY_ADD:
    case SCN_RESTART:
    case SCN_TICK:
    case SCN_WAIT:
        break;
    }
    return true;
}

static bool parse_action(struct parser *p, const yaml_node_t *n, struct scn_step *s)
{
    yaml_node_t *v;
    uint64_t u;
    switch (s->kind) {
    case SCN_INJECT:
    case SCN_APPEARS: {
        static const char *const keys[] = {"barcode", "mailslot", "type", "uses", NULL};
        if (!check_keys(p, n, kind_names[s->kind], keys))
            return false;
        if (!(v = need(p, n, "barcode", kind_names[s->kind])) ||
            !get_str(p, v, "barcode", &s->barcode))
            return false;
        if ((v = get(p, n, "mailslot"))) {
            if (!get_uint(p, v, "mailslot", 256, &u))
                return false;
            s->mailslot = (unsigned)u;
        }
        if ((v = get(p, n, "type"))) {
            enum vtl_media m;
            if (!get_str(p, v, "type", &s->media))
                return false;
            if (vtl_media_parse(s->media, &m) != VTL_OK)
                return fail_at(p, v,
                               "expected type as a media name (LTO5..LTO9, LTO7-M8, "
                               "CLEANING), found '%s'",
                               s->media);
        }
        if ((v = get(p, n, "uses"))) {
            /* a cleaning cartridge's uses left (the personality's count otherwise) */
            if (!get_uint(p, v, "uses", 1000, &u))
                return false;
            bool cleaner =
                s->media ? !strcasecmp(s->media, "CLEANING") : !strncmp(s->barcode, "CLN", 3);
            if (!cleaner)
                return fail_at(p, v,
                               "uses counts a cleaning cartridge's cleanings; %s is a data "
                               "cartridge",
                               s->barcode);
            s->has_uses = true;
            s->uses = (unsigned)u;
        }
        return true;
    }
    case SCN_REMOVE: {
        static const char *const keys[] = {"mailslot", NULL};
        if (!check_keys(p, n, "remove", keys) || !(v = need(p, n, "mailslot", "remove")) ||
            !get_uint(p, v, "mailslot", 256, &u))
            return false;
        if (u == 0)
            return fail_at(p, v, "expected mailslot from 1");
        s->mailslot = (unsigned)u;
        return true;
    }
    case SCN_DOOR:
    case SCN_MAILSLOT_DOOR: {
        static const char *const oc[] = {"close", "open"};
        unsigned o;
        if (!get_enum(p, n, kind_names[s->kind], oc, 2, &o))
            return false;
        s->open = o == 1;
        return true;
    }
    case SCN_MOVE_BY_HAND: {
        static const char *const keys[] = {"from", "to", NULL};
        if (!check_keys(p, n, "move_by_hand", keys))
            return false;
        return (v = need(p, n, "from", "move_by_hand")) && get_elem(p, v, "from", &s->from) &&
               (v = need(p, n, "to", "move_by_hand")) && get_elem(p, v, "to", &s->to);
    }
    case SCN_DIRTY:
    case SCN_DRIVE_STATE:
    case SCN_DRIVE_FAULT: {
        static const char *const dk[] = {"drive", NULL};
        static const char *const sk[] = {"drive", "state", "dirty", "barcode", NULL};
        static const char *const fk[] = {"drive",    "fault",        "count", "block",
                                         "duration", "after_writes", "sense", NULL};
        const char *const *keys = s->kind == SCN_DIRTY ? dk : s->kind == SCN_DRIVE_STATE ? sk : fk;
        if (!check_keys(p, n, kind_names[s->kind], keys) ||
            !(v = need(p, n, "drive", kind_names[s->kind])) ||
            !get_uint(p, v, "drive", VTL_MAX_DRIVES, &u))
            return false;
        if (u == 0)
            return fail_at(p, v, "expected drive from 1");
        s->drive = (unsigned)u;
        if (s->kind == SCN_DRIVE_STATE) {
            s->dirty = -1;
            if ((v = get(p, n, "state")) && !get_str(p, v, "state", &s->state))
                return false;
            if ((v = get(p, n, "barcode")) && !get_str(p, v, "barcode", &s->barcode))
                return false;
            bool d;
            if ((v = get(p, n, "dirty"))) {
                if (!get_bool(p, v, "dirty", &d))
                    return false;
                s->dirty = d;
            }
            return true;
        }
        if (s->kind == SCN_DIRTY)
            return true;
        unsigned f;
        if (!(v = need(p, n, "fault", "drive_fault")) ||
            !get_enum(p, v, "fault", fault_names, 6, &f))
            return false;
        s->fault = (enum scn_drive_fault)f;
        /* which extra keys each fault takes; any other is a mistake worth reporting */
        static const char *const fault_keys[][3] = {
            [SCN_DF_HARD] = {"sense"},       [SCN_DF_WRITE_ERROR] = {"count"},
            [SCN_DF_READ_ERROR] = {"block"}, [SCN_DF_NOT_READY] = {"after_writes", "duration"},
            [SCN_DF_SLOW] = {"duration"},    [SCN_DF_CLEAR] = {NULL},
        };
        for (yaml_node_pair_t *a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top;
             a++) {
            const char *ks = scalar(node(p, a->key));
            bool fits = !strcmp(ks, "drive") || !strcmp(ks, "fault");
            for (size_t i = 0; i < 3 && fault_keys[f][i]; i++)
                fits |= !strcmp(ks, fault_keys[f][i]);
            if (!fits)
                return fail_at(p, node(p, a->key), "unexpected key '%s' for fault %s", ks,
                               fault_names[f]);
        }
        s->n = s->fault == SCN_DF_NOT_READY ? 0 : 1;
        if ((v = get(p, n, "count")) && !get_uint(p, v, "count", 1000000, &s->n))
            return false;
        if ((v = get(p, n, "block")) && !get_uint(p, v, "block", UINT64_MAX, &s->n))
            return false;
        if ((v = get(p, n, "after_writes")) && !get_uint(p, v, "after_writes", 1000000, &s->n))
            return false;
        s->us = UINT64_MAX;
        if ((v = get(p, n, "duration")) && !get_duration(p, v, "duration", &s->us))
            return false;
        if ((v = get(p, n, "sense")) && !get_ascq(p, v, "sense", &s->asc_ascq))
            return false;
        if (s->fault == SCN_DF_READ_ERROR && !get(p, n, "block"))
            return fail_at(p, n,
                           "missing key 'block' in drive_fault (read_error needs the "
                           "logical object that fails)");
        if (s->fault == SCN_DF_SLOW && !get(p, n, "duration"))
            return fail_at(p, n,
                           "missing key 'duration' in drive_fault (slow needs the extra "
                           "time per command)");
        return true;
    }
    case SCN_ROBOT_JAM: {
        static const char *const keys[] = {"sense", NULL};
        if (n->type == YAML_SCALAR_NODE && !*scalar(n))
            return true;
        if (!check_keys(p, n, "robot_jam", keys))
            return false;
        return !(v = get(p, n, "sense")) || get_ascq(p, v, "sense", &s->asc_ascq);
    }
    case SCN_CLEAR_JAM:
    case SCN_POWER_CYCLE:
    case SCN_FORCE_DOOR: {
        static const char *const none[] = {NULL};
        if (n->type == YAML_SCALAR_NODE && !*scalar(n))
            return true;
        return check_keys(p, n, kind_names[s->kind], none);
    }
    case SCN_UNREADABLE: {
        static const char *const keys[] = {"barcode", "unreadable", NULL};
        s->open = true;
        if (!check_keys(p, n, "unreadable_barcode", keys) ||
            !(v = need(p, n, "barcode", "unreadable_barcode")) ||
            !get_str(p, v, "barcode", &s->barcode))
            return false;
        return !(v = get(p, n, "unreadable")) || get_bool(p, v, "unreadable", &s->open);
    }
    case SCN_ADVANCE:
        return get_duration(p, n, "advance", &s->us);
    case SCN_FAIL_NEXT: {
        static const char *const keys[] = {"opcode", "sense", "count", NULL};
        if (!check_keys(p, n, "fail_next", keys))
            return false;
        s->opcode = -1;
        if ((v = get(p, n, "opcode"))) {
            if (!get_uint(p, v, "opcode", 0xFF, &u))
                return false;
            s->opcode = (int)u;
        }
        if (!(v = need(p, n, "sense", "fail_next")) ||
            !get_sense(p, v, "sense", &s->key, &s->asc_ascq))
            return false;
        s->n = 1;
        return !(v = get(p, n, "count")) || get_uint(p, v, "count", 1000, &s->n);
    }
    case SCN_CDB: {
        static const char *const keys[] = {"lun", "hex", "data_out", "alloc", "nexus", NULL};
        if (!check_keys(p, n, "cdb", keys))
            return false;
        if ((v = get(p, n, "lun"))) {
            if (!get_uint(p, v, "lun", 64, &u))
                return false;
            s->lun = (unsigned)u;
        }
        if (!(v = need(p, n, "hex", "cdb")) ||
            !get_hex(p, v, "hex", s->cdb, sizeof s->cdb, &s->cdb_len))
            return false;
        s->alloc = 65536;
        if ((v = get(p, n, "alloc"))) {
            if (!get_uint(p, v, "alloc", 1 << 24, &u))
                return false;
            s->alloc = (uint32_t)u;
        }
        if ((v = get(p, n, "data_out"))) {
            uint8_t buf[4096];
            if (!get_hex(p, v, "data_out", buf, sizeof buf, &s->data_out_len))
                return false;
            s->data_out = malloc(s->data_out_len);
            if (!s->data_out)
                return fail_at(p, v, "out of memory");
            memcpy(s->data_out, buf, s->data_out_len);
        }
        if ((v = get(p, n, "nexus"))) {
            const char *str;
            if (!want_scalar(p, v, "nexus (an initiator name)", &str))
                return false;
            snprintf(s->nexus, sizeof s->nexus, "%s", str);
        }
        return true;
    }
    case SCN_SCSI:
        return parse_scsi(p, n, s);
    case SCN_ELEMENTS:
        return parse_elements(p, n, s);
    case SCN_TAPEALERT: {
        static const char *const keys[] = {"lun", "set", "clear", NULL};
        if (!check_keys(p, n, "tapealert", keys))
            return false;
        if ((v = get(p, n, "lun"))) {
            if (!get_uint(p, v, "lun", 64, &u))
                return false;
            s->lun = (unsigned)u;
        }
        if ((v = get(p, n, "set")) && !parse_flag_list(p, v, "set", &s->ta_set))
            return false;
        if ((v = get(p, n, "clear")) && !parse_flag_list(p, v, "clear", &s->ta_clear))
            return false;
        if (!get(p, n, "set") && !get(p, n, "clear"))
            return fail_at(p, n, "missing key 'set' or 'clear' in tapealert");
        return true;
    }
    case SCN_TIME: {
        static const char *const keys[] = {"at_least", "at_most", "equals", NULL};
        if (!check_keys(p, n, "time", keys))
            return false;
        if ((v = get(p, n, "equals"))) {
            if (!get_duration(p, v, "equals", &s->at_least_us))
                return false;
            s->at_most_us = s->at_least_us;
            s->has_at_least = s->has_at_most = true;
        }
        if ((v = get(p, n, "at_least"))) {
            if (!get_duration(p, v, "at_least", &s->at_least_us))
                return false;
            s->has_at_least = true;
        }
        if ((v = get(p, n, "at_most"))) {
            if (!get_duration(p, v, "at_most", &s->at_most_us))
                return false;
            s->has_at_most = true;
        }
        if (!s->has_at_least && !s->has_at_most)
            return fail_at(p, n, "missing key 'equals', 'at_least' or 'at_most' in time");
        return true;
    }
    case SCN_RSM:
        return parse_rsm(p, n, s);
    case SCN_RSM_VIEW:
        return parse_rsm_view(p, n, s);
    case SCN_REPEAT: {
        static const char *const keys[] = {"count", "steps", NULL};
        if (!check_keys(p, n, "repeat", keys) || !(v = need(p, n, "count", "repeat")) ||
            !get_uint(p, v, "count", 100000, &s->count) || !(v = need(p, n, "steps", "repeat")))
            return false;
        return parse_steps(p, v, "repeat steps", &s->steps, &s->n_steps);
    }
    case SCN_PICK:
        return parse_steps(p, n, "pick", &s->steps, &s->n_steps);
    case SCN_KIND_COUNT:
        break;
    }
    return fail_at(p, n, "internal: unhandled step kind");
}

static bool parse_step(struct parser *p, const yaml_node_t *n, struct scn_step *s)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(p, n, "expected a step (a mapping with one action key), found %s",
                       type_word(n));
    s->line = (unsigned)n->start_mark.line + 1;
    s->col = (unsigned)n->start_mark.column + 1;
    s->ex.media_state = -1;
    s->ex.count = -1;
    for (unsigned i = 0; i < 5; i++)
        s->ex.inv[i] = -1;
    s->dirty = -1;
    s->opreqs = -1;
    s->events = -1;
    const yaml_node_t *action = NULL, *expect = NULL;
    for (yaml_node_pair_t *a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top; a++) {
        yaml_node_t *k = node(p, a->key);
        const char *ks = scalar(k);
        if (!ks)
            return fail_at(p, k, "expected a key name in a step, found %s", type_word(k));
        for (yaml_node_pair_t *b = n->data.mapping.pairs.start; b < a; b++)
            if (!strcmp(scalar(node(p, b->key)) ? scalar(node(p, b->key)) : "", ks))
                return fail_at(p, k, "duplicate key '%s' in a step", ks);
        if (!strcmp(ks, "expect")) {
            expect = node(p, a->value);
            continue;
        }
        if (!strcmp(ks, "name")) {
            if (!get_str(p, node(p, a->value), "name", &s->label))
                return false;
            continue;
        }
        unsigned kind;
        bool found = false;
        for (kind = 0; kind < SCN_KIND_COUNT; kind++)
            if (!strcmp(kind_names[kind], ks)) {
                found = true;
                break;
            }
        if (!found) {
            char list[600] = "";
            size_t off = 0;
            for (unsigned i = 0; i < SCN_KIND_COUNT && off < sizeof list; i++)
                off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "",
                                        kind_names[i]);
            return fail_at(p, k,
                           "unknown key '%s' in a step: expected name, expect or one "
                           "action of %s",
                           ks, list);
        }
        if (action)
            return fail_at(p, k, "a step has one action: '%s' follows '%s'", ks,
                           kind_names[s->kind]);
        action = node(p, a->value);
        s->kind = (enum scn_kind)kind;
    }
    if (!action)
        return fail_at(p, n, "expected an action in this step (inject, cdb, rsm, elements, ...)");
    if (++p->depth > 16)
        return fail_at(p, n, "expected at most 16 levels of nested repeat/pick");
    bool ok = parse_action(p, action, s);
    p->depth--;
    if (!ok)
        return false;
    if (expect) {
        if (s->kind == SCN_ELEMENTS || s->kind == SCN_TAPEALERT || s->kind == SCN_TIME ||
            s->kind == SCN_REPEAT || s->kind == SCN_PICK || s->kind == SCN_DRIVE_STATE ||
            s->kind == SCN_RSM_VIEW)
            return fail_at(p, expect, "unexpected key 'expect': an '%s' step is itself a check",
                           kind_names[s->kind]);
        if (!parse_expect(p, expect, s->kind, &s->ex))
            return false;
        yaml_node_t *o = get(p, expect, "object");
        if (o && (s->kind != SCN_RSM || s->call != SCN_GENERIC || !s->api ||
                  (s->api->out != 'g' && s->api->out != 'h')))
            return fail_at(p, o,
                           "expect object checks the GUID a call of ntmsapi.h gives; this step "
                           "gives none");
        if (o && s->api->out == 'h')
            return fail_at(p, o, "expect object: %s gives a handle, not an object", s->api->name);
    }
    return true;
}

static bool parse_steps(struct parser *p, const yaml_node_t *n, const char *ctx,
                        struct scn_step **out, size_t *n_out)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(p, n, "expected %s (a list of steps), found %s", ctx, type_word(n));
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (!cnt)
        return fail_at(p, n, "expected %s to have at least one step", ctx);
    *out = calloc(cnt, sizeof **out);
    if (!*out)
        return fail_at(p, n, "out of memory");
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        struct scn_step *s = &(*out)[(*n_out)++];
        if (!parse_step(p, node(p, *i), s))
            return false;
    }
    return true;
}

/* ---- the library section -------------------------------------------------------------- */

static const char default_library[] =
    "personality: ibm-ts4300\nslots: 24\nmailslots: 2\ndrives: 2\ncartridges:\n"
    "  - {barcode: A00000L8, slot: 1}\n  - {barcode: A00001L8, slot: 2}\n"
    "  - {barcode: A00002L8, slot: 3}\n  - {barcode: A00003L8, slot: 4}\n"
    "  - {barcode: A00004L8, slot: 5}\n  - {barcode: A00005L8, slot: 6}\n"
    "  - {barcode: A00006L8, slot: 7}\n  - {barcode: A00007L8, slot: 8}\n"
    "  - {barcode: A00008L8, slot: 9}\n  - {barcode: A00009L8, slot: 10}\n"
    "  - {barcode: A00010L8, slot: 11}\n  - {barcode: A00011L8, slot: 12}\n"
    "  - {barcode: A00012L8, slot: 13}\n  - {barcode: A00013L8, slot: 14}\n"
    "  - {barcode: A00014L8, slot: 15}\n  - {barcode: A00015L8, slot: 16}\n"
    "  - {barcode: A00016L8, slot: 17}\n  - {barcode: A00017L8, slot: 18}\n"
    "  - {barcode: A00018L8, slot: 19}\n  - {barcode: A00019L8, slot: 20}\n"
    "  - {barcode: CLN000L1, slot: 21}\nclock: {mode: virtual}\n";

/* The library mapping's own text, padded with the newlines and spaces that put it at the
 * same line and column as in the scenario, so sim/'s config loader reports positions of
 * the scenario file. Without a clock key, a virtual clock is added (scenarios run on
 * virtual time unless they say otherwise). Owned by the caller. */
static char *library_text(struct parser *p, const yaml_node_t *lib)
{
    size_t start = lib->start_mark.index, end = lib->end_mark.index;
    if (end > p->len || start > end)
        return NULL;
    bool has_clock = get(p, lib, "clock") != NULL;
    bool flow = lib->data.mapping.style == YAML_FLOW_MAPPING_STYLE;
    size_t lines = lib->start_mark.line, cols = lib->start_mark.column;
    static const char clock[] = "clock: {mode: virtual}";
    size_t total = lines + cols + (end - start) + cols + sizeof clock + 8;
    char *out = malloc(total);
    if (!out)
        return NULL;
    size_t k = 0;
    memset(out + k, '\n', lines);
    k += lines;
    memset(out + k, ' ', cols);
    k += cols;
    size_t body = end - start;
    if (flow && !has_clock) {
        /* insert before the closing brace */
        const char *close = memrchr(p->text + start, '}', body);
        size_t upto = close ? (size_t)(close - (p->text + start)) : body;
        memcpy(out + k, p->text + start, upto);
        k += upto;
        bool empty = lib->data.mapping.pairs.top == lib->data.mapping.pairs.start;
        k += (size_t)sprintf(out + k, "%s%s", empty ? "" : ", ", clock);
        memcpy(out + k, p->text + start + upto, body - upto);
        k += body - upto;
    } else {
        memcpy(out + k, p->text + start, body);
        k += body;
        if (!has_clock) {
            out[k++] = '\n';
            memset(out + k, ' ', cols);
            k += cols;
            k += (size_t)sprintf(out + k, "%s\n", clock);
        }
    }
    out[k] = '\0';
    return out;
}

/* ---- top level ------------------------------------------------------------------------- */

void scn_step_free(struct scn_step *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_steps; i++)
        scn_step_free(&s->steps[i]);
    free(s->steps);
    for (size_t i = 0; i < s->n_want; i++)
        free(s->want[i].barcode);
    free(s->want);
    free(s->label);
    free(s->barcode);
    free(s->media);
    free(s->data_out);
    free(s->state);
    free(s->pool);
    free(s->parent);
    free(s->name);
    free(s->save);
    free(s->push);
    free(s->pop);
    free(s->var);
    free(s->ex.barcode);
    free(s->ex.pool);
    free(s->ex.count_of);
    free(s->ex.object);
    free(s->ex.name);
    for (size_t i = 0; i < s->n_args; i++) {
        free(s->args[i].name);
        free(s->args[i].value);
    }
    free(s->args);
    free(s->save_as);
    free(s->session);
    for (size_t i = 0; i < s->n_media_want; i++) {
        free(s->media_want[i].barcode);
        free(s->media_want[i].pool);
    }
    free(s->media_want);
    for (size_t i = 0; i < s->n_drive_want; i++)
        free(s->drive_want[i].name);
    free(s->drive_want);
}

void scn_free(struct scn_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_steps; i++)
        scn_step_free(&sc->steps[i]);
    free(sc->steps);
    free(sc->file);
    free(sc->name);
    free(sc->description);
    free(sc->library_yaml);
    free(sc);
}

const char *scn_name(const struct scn_scenario *sc)
{
    return sc->name;
}

const char *scn_file(const struct scn_scenario *sc)
{
    return sc->file;
}

static bool uses_rsm(const struct scn_step *s, size_t n, const struct scn_step **first)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i].kind == SCN_RSM || s[i].kind == SCN_RSM_VIEW) {
            *first = &s[i];
            return true;
        }
        if (uses_rsm(s[i].steps, s[i].n_steps, first))
            return true;
    }
    return false;
}

static bool parse_top(struct parser *p, struct scn_scenario *sc)
{
    yaml_node_t *root = yaml_document_get_root_node(&p->doc);
    if (!root) {
        fail_at(p, NULL,
                "expected a scenario (a mapping with name and steps), found an empty file");
        return false;
    }
    static const char *const keys[] = {"name", "description", "seed", "library",
                                       "rsm",  "steps",       NULL};
    if (!check_keys(p, root, "the scenario", keys))
        return false;
    yaml_node_t *v;
    if ((v = get(p, root, "name")) && !get_str(p, v, "name", &sc->name))
        return false;
    if ((v = get(p, root, "description")) && !get_str(p, v, "description", &sc->description))
        return false;
    if ((v = get(p, root, "seed")) && !get_uint(p, v, "seed", UINT64_MAX, &sc->seed))
        return false;
    if ((v = get(p, root, "library"))) {
        const char *s = scalar(v);
        if (s && !strcmp(s, "default")) {
            sc->library_yaml = strdup(default_library);
        } else if (v->type != YAML_MAPPING_NODE) {
            return fail_at(p, v,
                           "expected library (a library config mapping, or 'default'), "
                           "found %s",
                           type_word(v));
        } else {
            sc->library_yaml = library_text(p, v);
            if (!sc->library_yaml)
                return fail_at(p, v, "out of memory");
            /* sim/'s own validation, with this file's positions */
            struct vtl_config *cfg = NULL;
            char why[1024] = "";
            if (vtl_config_load_string(sc->library_yaml, strlen(sc->library_yaml), p->file, &cfg,
                                       why, sizeof why) != VTL_OK) {
                p->failed = true;
                snprintf(p->err, p->cap, "%s", why[0] ? why : "library: rejected");
                return false;
            }
            vtl_config_free(cfg);
        }
    } else {
        sc->library_yaml = strdup(default_library);
    }
    if (!sc->library_yaml)
        return fail_at(p, root, "out of memory");
    if ((v = get(p, root, "rsm"))) {
        static const char *const rk[] = {"mirror", "free", NULL};
        if (!check_keys(p, v, "rsm", rk))
            return false;
        yaml_node_t *x;
        sc->rsm = true;
        sc->rsm_mirror = true;
        if ((x = get(p, v, "mirror")) && !get_bool(p, x, "mirror", &sc->rsm_mirror))
            return false;
        if ((x = get(p, v, "free"))) {
            const char *s = scalar(x);
            if (!s || (strcmp(s, "all") && strcmp(s, "none")))
                return fail_at(p, x, "expected free: all or none, found %s", s ? s : type_word(x));
            sc->rsm_free_all = !strcmp(s, "all");
            if (sc->rsm_free_all && !sc->rsm_mirror)
                return fail_at(p, x,
                               "free: all needs mirror: true (with library_add, say "
                               "library_add: {free: all})");
        }
    }
    if (!(v = need(p, root, "steps", "the scenario")))
        return false;
    if (!parse_steps(p, v, "steps", &sc->steps, &sc->n_steps))
        return false;
    const struct scn_step *first;
    if (!sc->rsm && uses_rsm(sc->steps, sc->n_steps, &first)) {
        p->failed = true;
        snprintf(p->err, p->cap,
                 "%s:%u:%u: an %s step needs the top-level 'rsm:' section "
                 "(e.g. rsm: {mirror: true})",
                 p->file, first->line, first->col, kind_names[first->kind]);
        return false;
    }
    if (!sc->name) {
        const char *base = strrchr(p->file, '/');
        sc->name = strdup(base ? base + 1 : p->file);
        if (!sc->name)
            return fail_at(p, root, "out of memory");
    }
    return true;
}

enum scn_rc scn_load_string(const char *text, size_t len, const char *name,
                            struct scn_scenario **out, char *err, size_t cap)
{
    *out = NULL;
    if (cap)
        err[0] = '\0';
    struct parser p = {.file = name, .text = text, .len = len, .err = err, .cap = cap};
    yaml_parser_t yp;
    if (!yaml_parser_initialize(&yp))
        return SCN_E_NOMEM;
    yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
    if (!yaml_parser_load(&yp, &p.doc)) {
        snprintf(err, cap, "%s:%lu:%lu: %s%s%s", name, (unsigned long)yp.problem_mark.line + 1,
                 (unsigned long)yp.problem_mark.column + 1,
                 yp.problem ? yp.problem : "invalid YAML", yp.context ? " " : "",
                 yp.context ? yp.context : "");
        yaml_parser_delete(&yp);
        return SCN_E_INPUT;
    }
    struct scn_scenario *sc = calloc(1, sizeof *sc);
    enum scn_rc rc = SCN_OK;
    if (!sc || !(sc->file = strdup(name))) {
        rc = SCN_E_NOMEM;
    } else if (!parse_top(&p, sc)) {
        rc = SCN_E_INPUT;
    } else {
        /* one document per file: a second one would be silently ignored otherwise */
        yaml_document_t extra;
        if (yaml_parser_load(&yp, &extra)) {
            yaml_node_t *r2 = yaml_document_get_root_node(&extra);
            if (r2) {
                snprintf(err, cap,
                         "%s:%lu:%lu: expected one scenario per file, found a second "
                         "document",
                         name, (unsigned long)r2->start_mark.line + 1,
                         (unsigned long)r2->start_mark.column + 1);
                rc = SCN_E_INPUT;
            }
            yaml_document_delete(&extra);
        } else {
            snprintf(err, cap, "%s:%lu:%lu: %s", name, (unsigned long)yp.problem_mark.line + 1,
                     (unsigned long)yp.problem_mark.column + 1,
                     yp.problem ? yp.problem : "invalid YAML");
            rc = SCN_E_INPUT;
        }
    }
    yaml_document_delete(&p.doc);
    yaml_parser_delete(&yp);
    if (rc != SCN_OK) {
        scn_free(sc);
        return rc;
    }
    *out = sc;
    return SCN_OK;
}

enum scn_rc scn_load_file(const char *path, struct scn_scenario **out, char *err, size_t cap)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, cap, "%s: cannot open: %s", path, strerror(errno));
        return SCN_E_IO;
    }
    size_t n = 0, room = 8192;
    char *buf = malloc(room);
    size_t got;
    while (buf && (got = fread(buf + n, 1, room - n, f)) > 0) {
        n += got;
        if (n == room) {
            if (room > (64u << 20)) {
                free(buf);
                fclose(f);
                snprintf(err, cap, "%s: file too large for a scenario", path);
                return SCN_E_INPUT;
            }
            char *nb = realloc(buf, room *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            } else {
                buf = nb;
            }
        }
    }
    fclose(f);
    if (!buf)
        return SCN_E_NOMEM;
    enum scn_rc rc = scn_load_string(buf, n, path, out, err, cap);
    free(buf);
    return rc;
}
