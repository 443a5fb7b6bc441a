/* SPDX-License-Identifier: MIT
 * rsm: the operator's command line, after Windows rsm.exe (ntms-api.md §5). It is an
 * ordinary librsm application: every command is NTMS API calls on one session, opened on
 * rsmd (--socket, or $RSM_SOCKET / /run/rsm/rsmd.sock) or on a database directory with
 * the engine in this process (--db). Reads print a table for people or, with --json, one
 * JSON document for scripts. Objects are named by GUID or by name; rsm.exe's /switch
 * spellings are accepted beside the --long ones.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/cli/cli.h"

/* Exit codes: cli.h. */
enum {
    EX_OK = RSM_EX_OK,
    EX_FAILED = RSM_EX_FAILED,
    EX_USAGE = RSM_EX_USAGE,
    EX_NOT_CONNECTED = RSM_EX_NOT_CONNECTED,
    EX_NOT_SUPPORTED = RSM_EX_NOT_SUPPORTED,
    EX_ACCESS_DENIED = RSM_EX_ACCESS_DENIED,
};

static const char *server_name; /* NULL: the default service */
static char server_buf[4200];
static int json_out;
static HANDLE session = INVALID_HANDLE_VALUE;

static const struct {
    DWORD code;
    const char *name;
} errors[] = {
    {ERROR_SUCCESS, "ERROR_SUCCESS"},
    {ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER"},
    {ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE"},
    {ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY"},
    {ERROR_OBJECT_NOT_FOUND, "ERROR_OBJECT_NOT_FOUND"},
    {ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED"},
    {ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER"},
    {ERROR_INVALID_NAME, "ERROR_INVALID_NAME"},
    {ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS"},
    {ERROR_NOT_EMPTY, "ERROR_NOT_EMPTY"},
    {ERROR_INVALID_MEDIA, "ERROR_INVALID_MEDIA"},
    {ERROR_INVALID_LIBRARY, "ERROR_INVALID_LIBRARY"},
    {ERROR_INVALID_MEDIA_POOL, "ERROR_INVALID_MEDIA_POOL"},
    {ERROR_MEDIA_INCOMPATIBLE, "ERROR_MEDIA_INCOMPATIBLE"},
    {ERROR_MEDIA_UNAVAILABLE, "ERROR_MEDIA_UNAVAILABLE"},
    {ERROR_MEDIA_OFFLINE, "ERROR_MEDIA_OFFLINE"},
    {ERROR_LIBRARY_OFFLINE, "ERROR_LIBRARY_OFFLINE"},
    {ERROR_INVALID_STATE, "ERROR_INVALID_STATE"},
    {ERROR_BUSY, "ERROR_BUSY"},
    {ERROR_TIMEOUT, "ERROR_TIMEOUT"},
    {ERROR_CANCELLED, "ERROR_CANCELLED"},
    {ERROR_RESOURCE_DISABLED, "ERROR_RESOURCE_DISABLED"},
    {ERROR_DATABASE_FAILURE, "ERROR_DATABASE_FAILURE"},
    {ERROR_DATABASE_FULL, "ERROR_DATABASE_FULL"},
    {ERROR_NO_DATA, "ERROR_NO_DATA"},
    {ERROR_NOT_CONNECTED, "ERROR_NOT_CONNECTED"},
    {ERROR_SHARING_VIOLATION, "ERROR_SHARING_VIOLATION"},
    {ERROR_NO_SECURITY_ON_OBJECT, "ERROR_NO_SECURITY_ON_OBJECT"},
    {ERROR_BAD_FORMAT, "ERROR_BAD_FORMAT"},
    {ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED"},
    {ERROR_INVALID_COMPUTERNAME, "ERROR_INVALID_COMPUTERNAME"},
    {ERROR_INVALID_DRIVE, "ERROR_INVALID_DRIVE"},
    {ERROR_WRITE_PROTECT, "ERROR_WRITE_PROTECT"},
    {ERROR_NOT_READY, "ERROR_NOT_READY"},
    {ERROR_DRIVE_MEDIA_MISMATCH, "ERROR_DRIVE_MEDIA_MISMATCH"},
    {ERROR_RESOURCE_NOT_PRESENT, "ERROR_RESOURCE_NOT_PRESENT"},
    {ERROR_INVALID_OPERATION, "ERROR_INVALID_OPERATION"},
    {ERROR_MEDIA_NOT_AVAILABLE, "ERROR_MEDIA_NOT_AVAILABLE"},
    {ERROR_DEVICE_NOT_AVAILABLE, "ERROR_DEVICE_NOT_AVAILABLE"},
    {ERROR_REQUEST_REFUSED, "ERROR_REQUEST_REFUSED"},
    {ERROR_LIBRARY_FULL, "ERROR_LIBRARY_FULL"},
    {ERROR_UNABLE_TO_LOAD_MEDIUM, "ERROR_UNABLE_TO_LOAD_MEDIUM"},
    {ERROR_CLEANER_SLOT_SET, "ERROR_CLEANER_SLOT_SET"},
    {ERROR_CLEANER_SLOT_NOT_SET, "ERROR_CLEANER_SLOT_NOT_SET"},
    {ERROR_CLEANER_CARTRIDGE_SPENT, "ERROR_CLEANER_CARTRIDGE_SPENT"},
    {ERROR_NO_SUPPORTING_DRIVES, "ERROR_NO_SUPPORTING_DRIVES"},
    {ERROR_RESOURCE_NOT_AVAILABLE, "ERROR_RESOURCE_NOT_AVAILABLE"},
};

const char *rsm_cli_error_name(DWORD err)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == err)
            return errors[i].name;
    return "ERROR_?";
}

static int exit_for(DWORD err)
{
    switch (err) {
    case ERROR_SUCCESS: return EX_OK;
    case ERROR_NOT_CONNECTED: return EX_NOT_CONNECTED;
    case ERROR_NOT_SUPPORTED: return EX_NOT_SUPPORTED;
    case ERROR_ACCESS_DENIED: return EX_ACCESS_DENIED;
    default: return EX_FAILED;
    }
}

/* Prints "rsm: what: ERROR_X (n)" and returns the exit code for @err. */
__attribute__((format(printf, 2, 3))) static int fail(DWORD err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("rsm: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s (%lu)", rsm_cli_error_name(err), (unsigned long)err);
    if (err == ERROR_NOT_CONNECTED)
        fprintf(stderr, " - is rsmd running? (socket %s)",
                server_name ? server_name + (strncmp(server_name, "unix:", 5) ? 0 : 5)
                            : (getenv("RSM_SOCKET") && *getenv("RSM_SOCKET") ? getenv("RSM_SOCKET")
                                                                            : "/run/rsm/rsmd.sock"));
    if (err == ERROR_NOT_SUPPORTED)
        fputs(" - not implemented in this version of OpenRSM", stderr);
    fputc('\n', stderr);
    return exit_for(err);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("rsm: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (rsm --help)\n", stderr);
    return EX_USAGE;
}

static DWORD open_session(void)
{
    if (session != INVALID_HANDLE_VALUE)
        return ERROR_SUCCESS;
    session = OpenNtmsSessionA(server_name, "rsm", 0);
    return session == INVALID_HANDLE_VALUE ? GetLastError() : ERROR_SUCCESS;
}

/* ---- GUIDs and names ------------------------------------------------------------------ */

static void guid_str(const GUID *g, char out[39])
{
    snprintf(out, 39, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", g->Data1, g->Data2,
             g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4],
             g->Data4[5], g->Data4[6], g->Data4[7]);
}

static json_t *jguid(const GUID *g)
{
    static const GUID null_guid;
    if (!memcmp(g, &null_guid, sizeof *g))
        return json_null();
    char s[39];
    guid_str(g, s);
    return json_string(s);
}

static int parse_guid(const char *s, GUID *out)
{
    unsigned a, b, c, d[8];
    char tail;
    const char *p = *s == '{' ? s + 1 : s;
    int n = sscanf(p, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%c", &a, &b, &c, &d[0], &d[1], &d[2],
                   &d[3], &d[4], &d[5], &d[6], &d[7], &tail);
    if (n < 11 || (n == 12 && !(tail == '}' && *s == '{')))
        return -1;
    out->Data1 = a;
    out->Data2 = (uint16_t)b;
    out->Data3 = (uint16_t)c;
    for (int i = 0; i < 8; i++)
        out->Data4[i] = (uint8_t)d[i];
    return 0;
}

/* Every object of @type in @container (NULL: all; for pools, the top level). */
static DWORD list(const GUID *container, DWORD type, GUID **out, DWORD *n)
{
    *out = NULL;
    *n = 0;
    for (;;) {
        DWORD cap = *n;
        GUID *buf = cap ? calloc(cap, sizeof *buf) : NULL;
        DWORD err = EnumerateNtmsObject(session, (LPNTMS_GUID)container, buf, n, type, 0);
        if (err == ERROR_SUCCESS) {
            *out = buf;
            return err;
        }
        free(buf);
        if (err != ERROR_INSUFFICIENT_BUFFER)
            return err;
    }
}

static DWORD get(const GUID *id, DWORD type, NTMS_OBJECTINFORMATIONA *info)
{
    memset(info, 0, sizeof *info);
    info->dwSize = sizeof *info;
    info->dwType = type;
    return GetNtmsObjectInformationA(session, (LPNTMS_GUID)id, info);
}

/* Every pool, depth first (pools are enumerated level by level). */
static DWORD all_pools(GUID **out, DWORD *n)
{
    DWORD cap = 64, have = 0;
    GUID *acc = malloc(cap * sizeof *acc);
    GUID *top;
    DWORD n_top;
    DWORD err = list(NULL, NTMS_MEDIA_POOL, &top, &n_top);
    for (DWORD i = 0; err == ERROR_SUCCESS && i < n_top; i++) {
        if (have == cap)
            acc = realloc(acc, (cap *= 2) * sizeof *acc);
        acc[have++] = top[i];
    }
    free(top);
    for (DWORD i = 0; err == ERROR_SUCCESS && i < have; i++) {
        GUID *kids;
        DWORD n_kids;
        err = list(&acc[i], NTMS_MEDIA_POOL, &kids, &n_kids);
        for (DWORD k = 0; err == ERROR_SUCCESS && k < n_kids; k++) {
            if (have == cap)
                acc = realloc(acc, (cap *= 2) * sizeof *acc);
            acc[have++] = kids[k];
        }
        free(kids);
    }
    *out = acc;
    *n = have;
    return err;
}

static void pool_name(const GUID *id, char *buf, DWORD cap)
{
    buf[0] = 0;
    if (GetNtmsMediaPoolNameA(session, (LPNTMS_GUID)id, buf, &cap) != ERROR_SUCCESS)
        buf[0] = 0;
}

/* A pool by GUID, full name ("Backup\Weekly") or unique leaf name. */
static DWORD find_pool(const char *name, GUID *out)
{
    if (!parse_guid(name, out))
        return ERROR_SUCCESS;
    GUID *pools;
    DWORD n;
    DWORD err = all_pools(&pools, &n);
    int hits = 0;
    for (DWORD i = 0; err == ERROR_SUCCESS && i < n; i++) {
        char full[2048];
        pool_name(&pools[i], full, sizeof full);
        const char *leaf = strrchr(full, '\\') ? strrchr(full, '\\') + 1 : full;
        const char *want = name[0] == '\\' ? name + 1 : name;
        if (!strcmp(full, want)) {
            *out = pools[i];
            hits = 1;
            break;
        }
        if (!strcmp(leaf, want)) {
            *out = pools[i];
            hits++;
        }
    }
    free(pools);
    if (err != ERROR_SUCCESS)
        return err;
    return hits == 1 ? ERROR_SUCCESS : hits ? ERROR_INVALID_NAME : ERROR_OBJECT_NOT_FOUND;
}

/* An object of @type by GUID or by its name (szName; for media also the barcode). */
static DWORD find_named(DWORD type, const char *name, GUID *out)
{
    if (!parse_guid(name, out))
        return ERROR_SUCCESS;
    GUID *ids;
    DWORD n;
    DWORD err = list(NULL, type, &ids, &n);
    int hits = 0;
    NTMS_OBJECTINFORMATIONA info;
    for (DWORD i = 0; err == ERROR_SUCCESS && i < n; i++) {
        if (get(&ids[i], type, &info) != ERROR_SUCCESS)
            continue;
        if (!strcmp(info.szName, name) ||
            (type == NTMS_PHYSICAL_MEDIA && !strcmp(info.Info.PhysicalMedia.szBarCode, name))) {
            *out = ids[i];
            hits++;
        }
    }
    free(ids);
    if (err != ERROR_SUCCESS)
        return err;
    return hits == 1 ? ERROR_SUCCESS : hits ? ERROR_INVALID_NAME : ERROR_OBJECT_NOT_FOUND;
}

/* ---- output --------------------------------------------------------------------------- */

/* Prints @rows (array of objects) as --json or as an aligned table of @cols. */
static void emit(json_t *rows, const struct rsm_cli_column *cols)
{
    if (json_out) {
        char *s = json_dumps(rows, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
        return;
    }
    size_t n_cols = 0, width[16] = {0};
    while (cols[n_cols].key)
        n_cols++;
    size_t n_rows = json_array_size(rows);
    char ***cell = calloc(n_rows ? n_rows : 1, sizeof *cell);
    for (size_t c = 0; c < n_cols; c++)
        width[c] = strlen(cols[c].header);
    for (size_t r = 0; r < n_rows; r++) {
        cell[r] = calloc(n_cols, sizeof **cell);
        for (size_t c = 0; c < n_cols; c++) {
            json_t *v = json_object_get(json_array_get(rows, r), cols[c].key);
            if (json_is_string(v))
                cell[r][c] = strdup(json_string_value(v));
            else if (json_is_integer(v) && asprintf(&cell[r][c], "%lld",
                                                    (long long)json_integer_value(v)) < 0)
                cell[r][c] = NULL;
            else if (json_is_boolean(v))
                cell[r][c] = strdup(json_is_true(v) ? "yes" : "no");
            if (!cell[r][c])
                cell[r][c] = strdup("-");
            if (strlen(cell[r][c]) > width[c])
                width[c] = strlen(cell[r][c]);
        }
    }
    for (size_t c = 0; c < n_cols; c++)
        printf("%-*s%s", c + 1 < n_cols ? (int)width[c] : 0, cols[c].header,
               c + 1 < n_cols ? "  " : "\n");
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t c = 0; c < n_cols; c++) {
            printf("%-*s%s", c + 1 < n_cols ? (int)width[c] : 0, cell[r][c],
                   c + 1 < n_cols ? "  " : "\n");
            free(cell[r][c]);
        }
        free(cell[r]);
    }
    free(cell);
}

static const char *name_of(DWORD v, const char *const *names, size_t n)
{
    return v < n && names[v] ? names[v] : "unknown";
}
#define NAME_OF(v, arr) name_of((v), (arr), sizeof(arr) / sizeof(arr)[0])

static const char *const media_states[] = {"idle",     "in use", "mounted",  "loaded",
                                           "unloaded", "error",  "operator"};
static const char *const side_states[] = {"new",       "unprepared", "incompatible",
                                          "decommissioned", "available", "allocated",
                                          "complete",  "foreign",    "import", "reserved"};
static const char *const slot_states[] = {"unknown", "full", "empty", "not present",
                                          "needs inventory"};
static const char *const drive_states[] = {"dismounted", "mounted", "loaded",    NULL,
                                           NULL,         "unloaded", "cleaning", "dismountable"};
static const char *const lib_types[] = {"unknown", "offline", "online", "standalone"};
static const char *const opreq_states[] = {"unknown", "submitted", "acknowledged", "waiting",
                                           "refused", "complete"};

static const char *pool_type(DWORD t)
{
    switch (t) {
    case NTMS_POOLTYPE_SCRATCH: return "free";
    case NTMS_POOLTYPE_FOREIGN: return "unrecognized";
    case NTMS_POOLTYPE_IMPORT: return "import";
    case NTMS_POOLTYPE_APPLICATION: return "application";
    default: return "unknown";
    }
}

static json_t *jtime(const SYSTEMTIME *t)
{
    if (!t->wYear)
        return json_null();
    char s[48];
    snprintf(s, sizeof s, "%04u-%02u-%02uT%02u:%02u:%02uZ", t->wYear, t->wMonth, t->wDay, t->wHour,
             t->wMinute, t->wSecond);
    return json_string(s);
}

/* Name of the object @id of @type, or null. */
static json_t *jname(const GUID *id, DWORD type)
{
    NTMS_OBJECTINFORMATIONA o;
    if (get(id, type, &o) != ERROR_SUCCESS)
        return json_null();
    return json_string(o.szName);
}

static json_t *row_common(const NTMS_OBJECTINFORMATIONA *o)
{
    return json_pack("{s:s,s:o,s:b}", "name", o->szName, "guid", jguid(&o->ObjectGuid), "enabled",
                     o->Enabled);
}

static json_t *row_for(const NTMS_OBJECTINFORMATIONA *o)
{
    json_t *r = row_common(o);
    switch (o->dwType) {
    case NTMS_LIBRARY: {
        const NTMS_LIBRARYINFORMATION *l = &o->Info.Library;
        json_object_set_new(r, "type", json_string(NAME_OF(l->LibraryType, lib_types)));
        json_object_set_new(r, "drives", json_integer(l->dwNumberOfDrives));
        json_object_set_new(r, "slots", json_integer(l->dwNumberOfSlots));
        json_object_set_new(r, "ports", json_integer(l->dwNumberOfPorts));
        json_object_set_new(r, "media", json_integer(l->dwNumberOfMedia));
        json_object_set_new(r, "barcode_reader", json_boolean(l->BarCodeReaderInstalled));
        break;
    }
    case NTMS_DRIVE: {
        const NTMS_DRIVEINFORMATIONA *d = &o->Info.Drive;
        json_object_set_new(r, "number", json_integer(d->Number));
        json_object_set_new(r, "state", json_string(NAME_OF(d->State, drive_states)));
        json_object_set_new(r, "device", json_string(d->szDeviceName));
        json_object_set_new(r, "serial", json_string(d->szSerialNumber));
        json_object_set_new(r, "library", jname(&d->Library, NTMS_LIBRARY));
        json_object_set_new(r, "mounts", json_integer(d->dwMountCount));
        break;
    }
    case NTMS_STORAGESLOT: {
        const NTMS_STORAGESLOTINFORMATION *s = &o->Info.StorageSlot;
        json_object_set_new(r, "number", json_integer(s->Number));
        json_object_set_new(r, "state", json_string(NAME_OF(s->State, slot_states)));
        json_object_set_new(r, "library", jname(&s->Library, NTMS_LIBRARY));
        break;
    }
    case NTMS_PHYSICAL_MEDIA: {
        const NTMS_PMIDINFORMATIONA *m = &o->Info.PhysicalMedia;
        char pool[2048];
        pool_name(&m->MediaPool, pool, sizeof pool);
        json_object_set_new(r, "barcode", json_string(m->szBarCode));
        json_object_set_new(r, "state", json_string(NAME_OF(m->MediaState, media_states)));
        json_object_set_new(r, "pool", *pool ? json_string(pool) : json_null());
        json_object_set_new(r, "library", jname(&m->CurrentLibrary, NTMS_LIBRARY));
        json_object_set_new(r, "location", jname(&m->Location, m->LocationType));
        json_object_set_new(r, "sides", json_integer(m->dwNumberOfPartitions));
        /* The first side's state says whether the medium is free, allocated, ... */
        GUID *sides;
        DWORD n;
        NTMS_OBJECTINFORMATIONA side;
        if (list(&o->ObjectGuid, NTMS_PARTITION, &sides, &n) == ERROR_SUCCESS && n &&
            get(&sides[0], NTMS_PARTITION, &side) == ERROR_SUCCESS)
            json_object_set_new(r, "side_state",
                                json_string(NAME_OF(side.Info.Partition.State, side_states)));
        else
            json_object_set_new(r, "side_state", json_null());
        if (n && side.dwType == NTMS_PARTITION)
            json_object_set_new(r, "lmid", jguid(&side.Info.Partition.LogicalMedia));
        free(sides);
        break;
    }
    case NTMS_MEDIA_POOL: {
        const NTMS_MEDIAPOOLINFORMATION *p = &o->Info.MediaPool;
        char full[2048];
        pool_name(&o->ObjectGuid, full, sizeof full);
        json_object_set_new(r, "path", json_string(full));
        json_object_set_new(r, "type", json_string(pool_type(p->PoolType)));
        json_object_set_new(r, "media_type", jname(&p->MediaType, NTMS_MEDIA_TYPE));
        json_object_set_new(r, "media", json_integer(p->dwNumberOfPhysicalMedia));
        json_object_set_new(r, "allocated", json_integer(p->dwNumberOfLogicalMedia));
        json_object_set_new(r, "pools", json_integer(p->dwNumberOfMediaPools));
        break;
    }
    case NTMS_LIBREQUEST: {
        const NTMS_LIBREQUESTINFORMATIONA *q = &o->Info.LibRequest;
        json_object_set_new(r, "operation", json_integer(q->OperationCode));
        json_object_set_new(r, "state", json_integer(q->State));
        json_object_set_new(r, "application", json_string(q->szApplication));
        json_object_set_new(r, "user", json_string(q->szUser));
        json_object_set_new(r, "queued", jtime(&q->TimeQueued));
        json_object_set_new(r, "error", json_integer(q->dwErrorCode));
        break;
    }
    case NTMS_OPREQUEST: {
        const NTMS_OPREQUESTINFORMATIONA *q = &o->Info.OpRequest;
        json_object_set_new(r, "request", json_integer(q->Request));
        json_object_set_new(r, "state", json_string(NAME_OF(q->State, opreq_states)));
        json_object_set_new(r, "message", json_string(q->szMessage));
        json_object_set_new(r, "application", json_string(q->szApplication));
        json_object_set_new(r, "user", json_string(q->szUser));
        json_object_set_new(r, "submitted", jtime(&q->Submitted));
        break;
    }
    default: break;
    }
    return r;
}

static const struct {
    const char *word, *alt; /* ours, rsm.exe's /t keyword */
    DWORD type;
    struct rsm_cli_column cols[9];
} views[] = {
    {"libraries", "library", NTMS_LIBRARY,
     {{"name", "NAME"}, {"type", "TYPE"}, {"drives", "DRIVES"}, {"slots", "SLOTS"},
      {"media", "MEDIA"}, {"enabled", "ENABLED"}, {"guid", "GUID"}, {NULL, NULL}}},
    {"drives", "drive", NTMS_DRIVE,
     {{"name", "NAME"}, {"number", "NO"}, {"state", "STATE"}, {"library", "LIBRARY"},
      {"device", "DEVICE"}, {"serial", "SERIAL"}, {"enabled", "ENABLED"}, {"guid", "GUID"},
      {NULL, NULL}}},
    {"slots", "storageslot", NTMS_STORAGESLOT,
     {{"name", "NAME"}, {"number", "NO"}, {"state", "STATE"}, {"library", "LIBRARY"},
      {"guid", "GUID"}, {NULL, NULL}}},
    {"media", "physical_media", NTMS_PHYSICAL_MEDIA,
     {{"barcode", "BARCODE"}, {"name", "NAME"}, {"state", "STATE"}, {"side_state", "SIDE"},
      {"pool", "POOL"}, {"location", "LOCATION"}, {"guid", "GUID"}, {NULL, NULL}}},
    {"pools", "media_pool", NTMS_MEDIA_POOL,
     {{"path", "POOL"}, {"type", "TYPE"}, {"media_type", "MEDIA TYPE"}, {"media", "MEDIA"},
      {"allocated", "ALLOCATED"}, {"guid", "GUID"}, {NULL, NULL}}},
    {"requests", "librequest", NTMS_LIBREQUEST,
     {{"guid", "GUID"}, {"operation", "OP"}, {"state", "STATE"}, {"application", "APP"},
      {"user", "USER"}, {"queued", "QUEUED"}, {NULL, NULL}}},
    {"opreqs", "oprequest", NTMS_OPREQUEST,
     {{"guid", "GUID"}, {"state", "STATE"}, {"message", "MESSAGE"}, {"application", "APP"},
      {"submitted", "SUBMITTED"}, {NULL, NULL}}},
};

/* ---- commands --------------------------------------------------------------------------- */

/* rsm.exe switches: "/m<value>" and "/tg<value>" style. Returns the value after @sw (case-
 * insensitive) if @arg is that switch, else NULL. */
static const char *sw(const char *arg, const char *sw_name)
{
    size_t n = strlen(sw_name);
    if ((arg[0] == '/' || arg[0] == '-') && arg[1] != '-' && !strncasecmp(arg + 1, sw_name, n))
        return arg + 1 + n;
    return NULL;
}

static int help_view(void)
{
    puts("usage: rsm [--json] view TYPE\n"
         "  TYPE: libraries | drives | slots | media | pools | requests | opreqs\n"
         "        (rsm.exe: view /tlibrary | /tdrive | /tstorageslot | /tphysical_media |\n"
         "         /tmedia_pool | /tlibrequest | /toprequest)\n"
         "Prints a table, or with --json an array of objects with the same fields.");
    return EX_OK;
}

static int cmd_view(int argc, char **argv)
{
    const char *what = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "/?"))
            return help_view();
        else if (!strcmp(argv[i], "--json"))
            json_out = 1;
        else if (!strcasecmp(argv[i], "/guiddisplay") || !strcasecmp(argv[i], "/b"))
            ; /* GUIDs are always shown */
        else if ((v = sw(argv[i], "t")) && *v && !what)
            what = v;
        else if (argv[i][0] != '-' && argv[i][0] != '/' && !what)
            what = argv[i];
        else
            return usage_error("view: unexpected argument '%s'", argv[i]);
    }
    if (!what)
        return usage_error("view: which objects? libraries|drives|slots|media|pools|requests|opreqs");
    size_t k = 0;
    while (k < sizeof views / sizeof views[0] && strcasecmp(views[k].word, what) &&
           strcasecmp(views[k].alt, what))
        k++;
    if (k == sizeof views / sizeof views[0])
        return usage_error("view: unknown object type '%s'", what);
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    GUID *ids;
    DWORD n;
    err = views[k].type == NTMS_MEDIA_POOL ? all_pools(&ids, &n) : list(NULL, views[k].type, &ids, &n);
    if (err)
        return fail(err, "view %s", views[k].word);
    json_t *rows = json_array();
    for (DWORD i = 0; i < n; i++) {
        NTMS_OBJECTINFORMATIONA o;
        DWORD e = get(&ids[i], views[k].type, &o);
        if (e == ERROR_ACCESS_DENIED || e == ERROR_OBJECT_NOT_FOUND)
            continue; /* not ours to see, or gone since the enumeration */
        if (e) {
            free(ids);
            json_decref(rows);
            return fail(e, "view %s", views[k].word);
        }
        json_array_append_new(rows, row_for(&o));
    }
    free(ids);
    emit(rows, views[k].cols);
    json_decref(rows);
    return EX_OK;
}

static int help_createpool(void)
{
    puts("usage: rsm createpool NAME [--action create|get|getcreate] [--type MEDIATYPE]\n"
         "                       [--scratch]\n"
         "       rsm createpool /m<NAME> [/a<action>] [/tg<GUID> | /tf<NAME>]\n"
         "Creates application pool NAME (\"Parent\\Child\" nests). --type is a media type\n"
         "by GUID or name; without it the pool can only hold other pools. Actions:\n"
         "create (default: fail if it exists), get (open only), getcreate (either).\n"
         "--scratch: the pool draws media from the free pool when it has none and\n"
         "returns them there on deallocation (NTMS_ALLOCATE_FROMSCRATCH,\n"
         "NTMS_DEALLOCATE_TOSCRATCH). Prints the pool's GUID.");
    return EX_OK;
}

static int cmd_createpool(int argc, char **argv)
{
    const char *name = NULL, *type = NULL, *action = "create";
    int scratch = 0;
    static const struct option opts[] = {{"action", required_argument, NULL, 'a'},
                                         {"scratch", no_argument, NULL, 's'},
                                         {"type", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = sw(argv[i], "m")) && *v)
            name = v, argv[i] = NULL;
        else if ((v = sw(argv[i], "a")) && *v)
            action = v, argv[i] = NULL;
        else if (((v = sw(argv[i], "tg")) || (v = sw(argv[i], "tf"))) && *v)
            type = v, argv[i] = NULL;
    }
    int n = 0;
    for (int i = 0; i < argc; i++)
        if (argv[i])
            argv[n++] = argv[i];
    optind = 1;
    int ch;
    while ((ch = getopt_long(n, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'a': action = optarg; break;
        case 't': type = optarg; break;
        case 's': scratch = 1; break;
        case 'j': json_out = 1; break;
        case 'h': return help_createpool();
        default: return usage_error("createpool: bad option");
        }
    }
    if (optind < n && !name)
        name = argv[optind++];
    if (!name || optind != n)
        return usage_error("createpool: give one pool NAME");
    DWORD act;
    if (!strcasecmp(action, "create"))
        act = NTMS_CREATE_NEW;
    else if (!strcasecmp(action, "get"))
        act = NTMS_OPEN_EXISTING;
    else if (!strcasecmp(action, "getcreate"))
        act = NTMS_OPEN_ALWAYS;
    else
        return usage_error("createpool: action must be create, get or getcreate");
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    GUID mt, pool;
    if (type && (err = find_named(NTMS_MEDIA_TYPE, type, &mt)))
        return fail(err, "createpool: media type '%s'", type);
    err = CreateNtmsMediaPoolA(session, name, type ? &mt : NULL, act, NULL, &pool);
    if (err)
        return fail(err, "createpool %s", name);
    if (scratch) {
        NTMS_OBJECTINFORMATIONA info = {.dwSize = sizeof info, .dwType = NTMS_MEDIA_POOL};
        if ((err = GetNtmsObjectInformationA(session, &pool, &info)) == ERROR_SUCCESS) {
            info.Info.MediaPool.AllocationPolicy = NTMS_ALLOCATE_FROMSCRATCH;
            info.Info.MediaPool.DeallocationPolicy = NTMS_DEALLOCATE_TOSCRATCH;
            err = SetNtmsObjectInformationA(session, &pool, &info);
        }
        if (err)
            return fail(err, "createpool %s: setting the scratch policies", name);
    }
    char s[39];
    guid_str(&pool, s);
    if (json_out)
        printf("{\"guid\": \"%s\"}\n", s);
    else
        puts(s);
    return EX_OK;
}

static int cmd_deletepool(int argc, char **argv)
{
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "/?")) {
            puts("usage: rsm deletepool NAME|GUID   (rsm.exe: deletepool /m<NAME>)\n"
                 "Deletes an empty application pool.");
            return EX_OK;
        }
        if ((v = sw(argv[i], "m")) && *v && !name)
            name = v;
        else if (argv[i][0] != '-' && argv[i][0] != '/' && !name)
            name = argv[i];
        else
            return usage_error("deletepool: unexpected argument '%s'", argv[i]);
    }
    if (!name)
        return usage_error("deletepool: which pool?");
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    GUID pool;
    if ((err = find_pool(name, &pool)) || (err = DeleteNtmsMediaPool(session, &pool)))
        return fail(err, "deletepool %s", name);
    return EX_OK;
}

static int cmd_allocate(int argc, char **argv)
{
    const char *pool_arg = NULL, *lmid_arg = NULL, *side_arg = NULL;
    DWORD options = 0, timeout = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "/?")) {
            puts("usage: rsm allocate POOL [--option errunavail|new|next]... [--lmid GUID]\n"
                 "                    [--side GUID] [--timeout MS]\n"
                 "       rsm allocate /m<POOL> [/o<option>] [/lg<LMID>] [/pg<SIDE>] [/t<MS>]\n"
                 "Allocates a side from POOL (name or GUID) and prints the logical medium's\n"
                 "GUID. Without errunavail and with a timeout, waits for media (an operator\n"
                 "request is raised).");
            return EX_OK;
        }
        if (!strcmp(a, "--json"))
            json_out = 1;
        else if ((v = sw(a, "m")) && *v)
            pool_arg = v;
        else if (((v = sw(a, "lg")) || (v = sw(a, "lf"))) && *v)
            lmid_arg = v;
        else if (((v = sw(a, "pg")) || (v = sw(a, "pf"))) && *v)
            side_arg = v;
        else if (!strcmp(a, "--lmid") && next)
            lmid_arg = argv[++i];
        else if (!strcmp(a, "--side") && next)
            side_arg = argv[++i];
        else if ((v = sw(a, "t")) && *v)
            timeout = (DWORD)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--timeout") && next)
            timeout = (DWORD)strtoul(argv[++i], NULL, 10);
        else if (((v = sw(a, "o")) && *v) || (!strcmp(a, "--option") && next && (v = argv[++i]))) {
            if (!strcasecmp(v, "errunavail"))
                options |= NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE;
            else if (!strcasecmp(v, "new"))
                options |= NTMS_ALLOCATE_NEW;
            else if (!strcasecmp(v, "next"))
                options |= NTMS_ALLOCATE_NEXT;
            else
                return usage_error("allocate: option must be errunavail, new or next");
        } else if (a[0] != '-' && a[0] != '/' && !pool_arg)
            pool_arg = a;
        else
            return usage_error("allocate: unexpected argument '%s'", a);
    }
    if (!pool_arg)
        return usage_error("allocate: which pool?");
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    GUID pool, lmid, side;
    memset(&lmid, 0, sizeof lmid);
    if ((err = find_pool(pool_arg, &pool)))
        return fail(err, "allocate: pool '%s'", pool_arg);
    if (lmid_arg && (err = find_named(NTMS_LOGICAL_MEDIA, lmid_arg, &lmid)))
        return fail(err, "allocate: logical medium '%s'", lmid_arg);
    if (side_arg && (err = find_named(NTMS_PARTITION, side_arg, &side)))
        return fail(err, "allocate: side '%s'", side_arg);
    NTMS_ALLOCATION_INFORMATION ai = {.dwSize = sizeof ai};
    err = AllocateNtmsMedia(session, &pool, side_arg ? &side : NULL, &lmid, options, timeout, &ai);
    if (err)
        return fail(err, "allocate from %s", pool_arg);
    char s[39], f[39];
    guid_str(&lmid, s);
    guid_str(&ai.AllocatedFrom, f);
    if (json_out)
        printf("{\"lmid\": \"%s\", \"from\": \"%s\"}\n", s, f);
    else
        puts(s);
    return EX_OK;
}

static int cmd_deallocate(int argc, char **argv)
{
    const char *lmid_arg = NULL;
    DWORD options = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "/?")) {
            puts("usage: rsm deallocate LMID   (rsm.exe: deallocate /lg<LMID> | /lf<NAME>)\n"
                 "Returns the logical medium's sides to their pool (or the free pool, as the\n"
                 "pool's deallocation policy says).");
            return EX_OK;
        }
        if (((v = sw(a, "lg")) || (v = sw(a, "lf"))) && *v && !lmid_arg)
            lmid_arg = v;
        else if (a[0] != '-' && a[0] != '/' && !lmid_arg)
            lmid_arg = a;
        else
            return usage_error("deallocate: unexpected argument '%s'", a);
    }
    if (!lmid_arg)
        return usage_error("deallocate: which logical medium?");
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    GUID lmid;
    if ((err = find_named(NTMS_LOGICAL_MEDIA, lmid_arg, &lmid)) ||
        (err = DeallocateNtmsMedia(session, &lmid, options)))
        return fail(err, "deallocate %s", lmid_arg);
    return EX_OK;
}

static int cmd_db(int argc, char **argv)
{
    int exp = !strcmp(argv[0], "export-db");
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        puts(exp ? "usage: rsm export-db\nWrites a consistent copy of the database to "
                   "DIR/Export/rsm.db in the service's database directory."
                 : "usage: rsm import-db\nStages DIR/Export/rsm.db; the service installs it at "
                   "its next start.");
        return EX_OK;
    }
    if (argc > 1)
        return usage_error("%s: unexpected argument '%s'", argv[0], argv[1]);
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    err = exp ? ExportNtmsDatabase(session) : ImportNtmsDatabase(session);
    if (err)
        return fail(err, "%s", argv[0]);
    return EX_OK;
}

static int is_help(const char *a)
{
    return !strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "/?");
}

/* library add URI [--drive URI]... | library list */
static int cmd_library(int argc, char **argv)
{
    if (argc < 2 || is_help(argv[1])) {
        puts("usage: rsm library add URI [--drive URI]...   (sim:[CONFIG.yaml],\n"
             "                                               iscsi://HOST[:PORT]/IQN/LUN, sg:/dev/sgN)\n"
             "       rsm library list                       (same as view libraries)\n"
             "Adds the library (its changer, slots, drives, media) and inventories it;\n"
             "--drive names the drives (required for sg:). Prints the library's GUID.");
        return argc < 2 ? EX_USAGE : EX_OK;
    }
    if (!strcmp(argv[1], "list")) {
        char *v[] = {"view", "libraries"};
        return argc == 2 ? cmd_view(2, v) : usage_error("library list: no arguments");
    }
    if (strcmp(argv[1], "add"))
        return usage_error("library: add or list");
    const char *uri = NULL;
    const char *drives[64];
    DWORD n_drives = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--drive") && i + 1 < argc && n_drives < 64)
            drives[n_drives++] = argv[++i];
        else if (argv[i][0] != '-' && !uri)
            uri = argv[i];
        else
            return usage_error("library add: unexpected argument '%s'", argv[i]);
    }
    if (!uri)
        return usage_error("library add: which device URI?");
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    NTMS_GUID lib;
    if ((err = rsm_library_add(session, uri, n_drives ? drives : NULL, n_drives, &lib)))
        return fail(err, "library add %s", uri);
    char s[39];
    guid_str(&lib, s);
    if (json_out)
        printf("{\"guid\": \"%s\"}\n", s);
    else
        puts(s);
    return EX_OK;
}

/* inventory LIBRARY [--full] (rsm.exe: inventory /lg<GUID>|/lf<NAME> /a<fast|full>) */
static int cmd_inventory(int argc, char **argv)
{
    const char *name = NULL;
    int full = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (is_help(a)) {
            puts("usage: rsm inventory LIBRARY [--full]   (rsm.exe: inventory /lf<NAME> /a<fast|full>)\n"
                 "Reconciles the database with what the library holds; --full rescans the\n"
                 "barcodes first. Prints the counts.");
            return EX_OK;
        }
        if (!strcmp(a, "--full"))
            full = 1;
        else if ((v = sw(a, "a")) && (!strcasecmp(v, "full") || !strcasecmp(v, "fast")))
            full = !strcasecmp(v, "full");
        else if (((v = sw(a, "lg")) || (v = sw(a, "lf"))) && *v && !name)
            name = v;
        else if (a[0] != '-' && a[0] != '/' && !name)
            name = a;
        else
            return usage_error("inventory: unexpected argument '%s'", a);
    }
    if (!name)
        return usage_error("inventory: which library?");
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    GUID lib;
    DWORD c[5] = {0};
    if ((err = find_named(NTMS_LIBRARY, name, &lib)) ||
        (err = rsm_library_inventory(session, &lib, full, &c[0], &c[1], &c[2], &c[3], &c[4])))
        return fail(err, "inventory %s", name);
    if (json_out)
        printf("{\"new\": %lu, \"moved\": %lu, \"gone\": %lu, \"imported\": %lu, "
               "\"duplicate\": %lu}\n",
               (unsigned long)c[0], (unsigned long)c[1], (unsigned long)c[2],
               (unsigned long)c[3], (unsigned long)c[4]);
    else
        printf("new %lu, moved %lu, gone %lu, imported %lu, duplicate barcodes %lu\n",
               (unsigned long)c[0], (unsigned long)c[1], (unsigned long)c[2],
               (unsigned long)c[3], (unsigned long)c[4]);
    return EX_OK;
}

/* mount ID [--drive ID] [--read|--write] / dismount ID [--deferred] */
static int cmd_mount(int argc, char **argv)
{
    int mount = !strcasecmp(argv[0], "mount");
    const char *media_arg = NULL, *drive_arg = NULL;
    DWORD options = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (is_help(a)) {
            puts(mount ? "usage: rsm mount LMID|SIDE [--drive DRIVE] [--read] [--write]\n"
                         "       (rsm.exe: mount /lg<LMID> | /pg<SIDE> [/dg<DRIVE>|/df<NAME>])\n"
                         "Loads the medium into a drive (any free one unless --drive) and prints\n"
                         "the drive's GUID."
                       : "usage: rsm dismount LMID|SIDE [--deferred]   (rsm.exe: dismount /lg<LMID> "
                         "[/odeferred])\nReturns the medium to its slot.");
            return EX_OK;
        }
        if (mount && !strcmp(a, "--read"))
            options |= NTMS_MOUNT_READ;
        else if (mount && !strcmp(a, "--write"))
            options |= NTMS_MOUNT_WRITE;
        else if (mount && !strcmp(a, "--drive") && i + 1 < argc)
            drive_arg = argv[++i];
        else if (mount && ((v = sw(a, "dg")) || (v = sw(a, "df"))) && *v)
            drive_arg = v;
        else if (!mount && (!strcmp(a, "--deferred") || !strcasecmp(a, "/odeferred")))
            options |= NTMS_DISMOUNT_DEFERRED;
        else if (((v = sw(a, "lg")) || (v = sw(a, "lf")) || (v = sw(a, "pg")) ||
                  (v = sw(a, "pf"))) && *v && !media_arg)
            media_arg = v;
        else if (a[0] != '-' && a[0] != '/' && !media_arg)
            media_arg = a;
        else
            return usage_error("%s: unexpected argument '%s'", argv[0], a);
    }
    if (!media_arg)
        return usage_error("%s: which logical medium or side?", argv[0]);
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    GUID media, drive;
    memset(&drive, 0, sizeof drive);
    if ((err = find_named(NTMS_LOGICAL_MEDIA, media_arg, &media)))
        return fail(err, "%s: medium '%s'", argv[0], media_arg);
    if (drive_arg && (err = find_named(NTMS_DRIVE, drive_arg, &drive)))
        return fail(err, "mount: drive '%s'", drive_arg);
    if (!mount) {
        if ((err = DismountNtmsMedia(session, &media, 1, options)))
            return fail(err, "dismount %s", media_arg);
        return EX_OK;
    }
    if (!(options & (NTMS_MOUNT_READ | NTMS_MOUNT_WRITE)))
        options |= NTMS_MOUNT_READ;
    if (drive_arg)
        options |= NTMS_MOUNT_SPECIFIC_DRIVE;
    if ((err = MountNtmsMedia(session, &media, &drive, 1, options, 0, INFINITE, NULL)))
        return fail(err, "mount %s", media_arg);
    char s[39];
    guid_str(&drive, s);
    if (json_out)
        printf("{\"drive\": \"%s\"}\n", s);
    else
        puts(s);
    return EX_OK;
}

/* Commands whose API functions this build does not have yet. Each still parses --help,
 * then makes the real call path's answer: ERROR_NOT_SUPPORTED, exit code 4. */
/* movetopool POOL MEDIUM... : MoveToNtmsMediaPool for each physical medium (barcode, name
 * or GUID), e.g. to prepare unrecognized cartridges as scratch media: movetopool
 * "Free\\LTO Ultrium" A00000L8. Stops at the first refusal; media already moved stay. */
static int cmd_movetopool(int argc, char **argv)
{
    if (argc < 2 || is_help(argv[1])) {
        puts("usage: rsm movetopool POOL MEDIUM...\n"
             "Moves each physical medium (barcode, name or GUID) into POOL (name, path such\n"
             "as 'Free\\LTO Ultrium', or GUID), as MoveToNtmsMediaPool does: the pools'\n"
             "rules apply (an allocated medium cannot leave its application pool).");
        return argc < 2 ? EX_USAGE : EX_OK;
    }
    if (argc < 3)
        return usage_error("movetopool: which media?");
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    GUID pool;
    if ((err = find_pool(argv[1], &pool)))
        return fail(err, "movetopool: pool '%s'", argv[1]);
    for (int i = 2; i < argc; i++) {
        GUID pm;
        if ((err = find_named(NTMS_PHYSICAL_MEDIA, argv[i], &pm)))
            return fail(err, "movetopool: medium '%s'", argv[i]);
        if ((err = MoveToNtmsMediaPool(session, &pm, &pool)))
            return fail(err, "movetopool %s", argv[i]);
    }
    return EX_OK;
}

/* freemedia MEDIUM... : rsm.exe's freemedia, MoveToNtmsMediaPool into the Free pool of
 * each medium's own media type. In a library this engine drives, the sides wait as
 * Unprepared until RSM has written its free-media label (a WRITESCRATCH library request,
 * shown by `rsm requests`). */
static int cmd_freemedia(int argc, char **argv)
{
    if (argc < 2 || is_help(argv[1])) {
        puts("usage: rsm freemedia MEDIUM...\n"
             "Returns each physical medium (barcode, name or GUID) to the Free pool of its\n"
             "media type (MoveToNtmsMediaPool). In a library RSM drives, its sides stay\n"
             "Unprepared until the free-media label is written on the tape (see rsm\n"
             "requests); an allocated medium is refused (ERROR_INVALID_MEDIA_POOL or\n"
             "ERROR_MEDIA_INCOMPATIBLE, as the pool rules say).");
        return argc < 2 ? EX_USAGE : EX_OK;
    }
    DWORD err = open_session();
    if (err)
        return fail(err, "cannot open a session");
    for (int i = 1; i < argc; i++) {
        GUID pm, pool;
        NTMS_OBJECTINFORMATIONA o, mt;
        char path[NTMS_OBJECTNAME_LENGTH + 8];
        if ((err = find_named(NTMS_PHYSICAL_MEDIA, argv[i], &pm)))
            return fail(err, "freemedia: medium '%s'", argv[i]);
        if ((err = get(&pm, NTMS_PHYSICAL_MEDIA, &o)) ||
            (err = get(&o.Info.PhysicalMedia.MediaType, NTMS_MEDIA_TYPE, &mt)))
            return fail(err, "freemedia: medium '%s'", argv[i]);
        snprintf(path, sizeof path, "Free\\%s", mt.szName);
        if ((err = find_pool(path, &pool)))
            return fail(err, "freemedia: pool '%s'", path);
        if ((err = MoveToNtmsMediaPool(session, &pm, &pool)))
            return fail(err, "freemedia %s", argv[i]);
    }
    return EX_OK;
}

/* ---- what cli.h lends to the other command files -------------------------------------- */

void rsm_cli_guid_str(const GUID *g, char out[39])
{
    guid_str(g, out);
}

int rsm_cli_guid_parse(const char *s, GUID *out)
{
    return parse_guid(s, out);
}

DWORD rsm_cli_find(DWORD type, const char *name, GUID *out)
{
    return find_named(type, name, out);
}

DWORD rsm_cli_list(const GUID *container, DWORD type, GUID **out, DWORD *n)
{
    return list(container, type, out, n);
}

DWORD rsm_cli_get(const GUID *id, DWORD type, NTMS_OBJECTINFORMATIONA *info)
{
    return get(id, type, info);
}

const char *rsm_cli_switch(const char *arg, const char *name)
{
    return sw(arg, name);
}

int rsm_cli_is_help(const char *arg)
{
    return is_help(arg);
}

json_t *rsm_cli_time(const SYSTEMTIME *t)
{
    return jtime(t);
}

json_t *rsm_cli_name(const GUID *id, DWORD type)
{
    return jname(id, type);
}

json_t *rsm_cli_jguid(const GUID *g)
{
    return jguid(g);
}

void rsm_cli_emit(json_t *rows, const struct rsm_cli_column *cols, int json)
{
    int saved = json_out;
    json_out = json;
    emit(rows, cols);
    json_out = saved;
}

/* The commands of events.c (cli.h) reach the session and the error printing here. */
static DWORD cli_open(HANDLE *out)
{
    DWORD err = open_session();
    *out = session;
    return err;
}

static int cli_fail(DWORD err, const char *what)
{
    return fail(err, "%s", what);
}

static int cli_usage(const char *what)
{
    return usage_error("%s", what);
}

static int cmd_unsupported(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: rsm %s ...\nNeeds library control the service does not implement yet; "
               "exits with %d (ERROR_NOT_SUPPORTED).\n",
               argv[0], EX_NOT_SUPPORTED);
        return EX_OK;
    }
    return fail(ERROR_NOT_SUPPORTED, "%s", argv[0]);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rsm [--socket SOCK | --db DIR] [--json] COMMAND [ARGS]\n"
            "\n"
            "Removable Storage Manager operator commands (after Windows rsm.exe).\n"
            "  --socket SOCK  talk to the rsmd on SOCK (default $RSM_SOCKET, else\n"
            "                 /run/rsm/rsmd.sock)\n"
            "  --db DIR       run the engine in this process on database DIR (no daemon)\n"
            "  --json         machine-readable output for reads\n"
            "\n"
            "Commands (COMMAND --help for each):\n"
            "  view libraries|drives|slots|media|pools|requests|opreqs\n"
            "  createpool NAME [--type MEDIATYPE] [--action create|get|getcreate]\n"
            "  deletepool NAME\n"
            "  allocate POOL [--option errunavail|new|next] [--timeout MS]\n"
            "  deallocate LMID\n"
            "  movetopool POOL MEDIUM...\n"
            "  export-db | import-db\n"
            "  library add URI [--drive URI]... | library list\n"
            "  inventory LIBRARY [--full]\n"
            "  mount LMID [--drive DRIVE] [--read] [--write] | dismount LMID [--deferred]\n"
            "  watch [--type TYPE]... [--count N]   print changes as they happen\n"
            "  opreq list | satisfy ID | cancel ID | submit MESSAGE\n"
            "  inject LIBRARY [--start|--startmany|--stop OPID|--retract OPID|--now]\n"
            "         [--cleaner [--slot N] [--uses N]]\n"
            "  eject MEDIUM [--start|--queue|--force] | eject --stop OPID\n"
            "  clean DRIVE\n"
            "  refresh LIBRARY\n"
            "  requests [list] | cancel ID | delete ID... | order ID [POSITION]\n"
            "  freemedia MEDIUM...\n"
            "  ejectatapi, erase, rename, ui: not implemented yet (exit 4)\n"
            "rsm.exe switches are accepted: /m<pool> /o<option> /t<ms> /lg<guid> /lf<name> ...\n"
            "\n"
            "Exit status: 0 success; 1 the operation failed (NTMS error printed); 2 usage\n"
            "error; 3 rsmd not reachable (ERROR_NOT_CONNECTED); 4 not supported by this\n"
            "version (ERROR_NOT_SUPPORTED); 5 access denied (ERROR_ACCESS_DENIED).\n");
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return EX_OK;
        } else if (!strcmp(a, "--json")) {
            json_out = 1;
        } else if ((!strcmp(a, "--socket") || !strcmp(a, "--db")) && i + 1 < argc) {
            if (server_name)
                return usage_error("give --socket or --db once");
            snprintf(server_buf, sizeof server_buf, "%s%s",
                     a[2] == 's' ? "unix:" : "embedded:", argv[++i]);
            server_name = server_buf;
        } else if (!strncmp(a, "--socket=", 9) || !strncmp(a, "--db=", 5)) {
            if (server_name)
                return usage_error("give --socket or --db once");
            int sock = a[2] == 's';
            snprintf(server_buf, sizeof server_buf, "%s%s", sock ? "unix:" : "embedded:",
                     a + (sock ? 9 : 5));
            server_name = server_buf;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (i >= argc)
        return usage_error("no command");
    char **cargv = argv + i;
    int cargc = argc - i;
    const char *cmd = cargv[0];
    static const char *const not_yet[] = {"ejectatapi", "erase", "rename", "ui", NULL};
    static const struct {
        const char *word;
        int (*fn)(const struct rsm_cli *, int, char **);
    } libops[] = {{"watch", rsm_cmd_watch},     {"opreq", rsm_cmd_opreq},
                  {"inject", rsm_cmd_inject},   {"eject", rsm_cmd_eject},
                  {"clean", rsm_cmd_clean},     {"refresh", rsm_cmd_refresh},
                  {"requests", rsm_cmd_requests}};
    int rc;
    if (!strcasecmp(cmd, "view"))
        rc = cmd_view(cargc, cargv);
    else if (!strcasecmp(cmd, "createpool"))
        rc = cmd_createpool(cargc, cargv);
    else if (!strcasecmp(cmd, "deletepool"))
        rc = cmd_deletepool(cargc, cargv);
    else if (!strcasecmp(cmd, "allocate"))
        rc = cmd_allocate(cargc, cargv);
    else if (!strcasecmp(cmd, "deallocate"))
        rc = cmd_deallocate(cargc, cargv);
    else if (!strcasecmp(cmd, "movetopool"))
        rc = cmd_movetopool(cargc, cargv);
    else if (!strcasecmp(cmd, "freemedia"))
        rc = cmd_freemedia(cargc, cargv);
    else if (!strcmp(cmd, "export-db") || !strcmp(cmd, "import-db"))
        rc = cmd_db(cargc, cargv);
    else if (!strcmp(cmd, "library"))
        rc = cmd_library(cargc, cargv);
    else if (!strcasecmp(cmd, "inventory"))
        rc = cmd_inventory(cargc, cargv);
    else if (!strcasecmp(cmd, "mount") || !strcasecmp(cmd, "dismount"))
        rc = cmd_mount(cargc, cargv);
    else {
        rc = -1;
        const struct rsm_cli c = {json_out, server_name, cli_open, cli_fail, cli_usage};
        for (size_t k = 0; k < sizeof libops / sizeof libops[0]; k++)
            if (!strcasecmp(cmd, libops[k].word))
                rc = libops[k].fn(&c, cargc, cargv);
        for (int k = 0; rc < 0 && not_yet[k]; k++)
            if (!strcasecmp(cmd, not_yet[k]))
                rc = cmd_unsupported(cargc, cargv);
        if (rc < 0)
            rc = usage_error("unknown command '%s'", cmd);
    }
    if (session != INVALID_HANDLE_VALUE)
        CloseNtmsSession(session);
    return rc;
}
