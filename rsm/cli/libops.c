/* SPDX-License-Identifier: MIT
 * `rsm inject`, `eject`, `clean`, `refresh` and `requests`: library operations, each a thin
 * layer over the public NTMS API (ntms-api.md §2.2 cleaning, §2.5 library control, §5
 * rsm.exe), so they behave the same embedded (--db) and through rsmd (--socket).
 *
 * Inject and eject follow the API's two-step shape: START opens the mail slots (inject) or
 * presents the media there (eject) and prints the operation GUID; STOP with that GUID ends
 * the operation. Embedded, the operation lives only as long as the process, so `--now`
 * (inject: START then STOP in one call) is the form that works there: it takes in what the
 * operator has already put in the mail slots.
 *
 * Arguments are checked before anything is contacted: a bad command line exits 2 and
 * changes nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rsm/cli/cli.h"

__attribute__((format(printf, 2, 3))) static int usagef(const struct rsm_cli *cli,
                                                        const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cli->usage_error(buf);
}

__attribute__((format(printf, 3, 4))) static int failf(const struct rsm_cli *cli, DWORD err,
                                                       const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cli->fail(err, buf);
}

/* Prints the GUID of an operation or request: "{...}" or {"KEY": "{...}"}. */
static void print_guid(int json, const char *key, const GUID *g)
{
    char s[39];
    rsm_cli_guid_str(g, s);
    if (json)
        printf("{\"%s\": \"%s\"}\n", key, s);
    else
        puts(s);
}

/* A positive decimal number (slot numbers, positions, counts); -1 if @s is not one. */
static long number(const char *s)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    long v = strtol(s, &end, 10);
    return *end || v < 0 || v > 0x7FFFFFFFL ? -1 : v;
}

/* The element of @type (NTMS_STORAGESLOT, NTMS_DRIVE) in @library named @name: its GUID,
 * its name, or its number. */
static DWORD find_element(const GUID *library, DWORD type, const char *name, GUID *out)
{
    GUID *ids;
    DWORD n;
    DWORD err = rsm_cli_list(library, type, &ids, &n);
    if (err)
        return err;
    GUID want;
    int by_guid = !rsm_cli_guid_parse(name, &want);
    long num = number(name);
    int hits = 0;
    for (DWORD i = 0; i < n; i++) {
        NTMS_OBJECTINFORMATIONA o;
        if (rsm_cli_get(&ids[i], type, &o))
            continue;
        DWORD no = type == NTMS_DRIVE ? o.Info.Drive.Number : o.Info.StorageSlot.Number;
        if ((by_guid && !memcmp(&ids[i], &want, sizeof want)) || !strcmp(o.szName, name) ||
            (num >= 0 && (long)no == num)) {
            *out = ids[i];
            hits++;
        }
    }
    free(ids);
    return hits == 1 ? ERROR_SUCCESS : hits ? ERROR_INVALID_NAME : ERROR_OBJECT_NOT_FOUND;
}

/* The physical medium of @library whose location is @where (a slot or a drive). */
static DWORD medium_at(const GUID *library, const GUID *where, GUID *out)
{
    GUID *ids;
    DWORD n;
    DWORD err = rsm_cli_list(library, NTMS_PHYSICAL_MEDIA, &ids, &n);
    if (err)
        return err;
    err = ERROR_OBJECT_NOT_FOUND; /* the slot or drive is empty */
    for (DWORD i = 0; i < n && err; i++) {
        NTMS_OBJECTINFORMATIONA o;
        if (!rsm_cli_get(&ids[i], NTMS_PHYSICAL_MEDIA, &o) &&
            !memcmp(&o.Info.PhysicalMedia.Location, where, sizeof *where)) {
            *out = ids[i];
            err = ERROR_SUCCESS;
        }
    }
    free(ids);
    return err;
}

/* A physical medium by barcode, name or GUID; a logical medium's GUID names the cartridge
 * its side is on (what an application holds is the LMID). */
static DWORD find_medium(const char *name, GUID *out)
{
    GUID g;
    NTMS_OBJECTINFORMATIONA o;
    if (rsm_cli_guid_parse(name, &g))
        return rsm_cli_find(NTMS_PHYSICAL_MEDIA, name, out);
    if (!rsm_cli_get(&g, NTMS_PHYSICAL_MEDIA, &o)) {
        *out = g;
        return ERROR_SUCCESS;
    }
    DWORD err = rsm_cli_get(&g, NTMS_LOGICAL_MEDIA, &o);
    if (err)
        return err == ERROR_INVALID_PARAMETER ? ERROR_OBJECT_NOT_FOUND : err;
    GUID *sides;
    DWORD n;
    if ((err = rsm_cli_list(NULL, NTMS_PARTITION, &sides, &n)))
        return err;
    err = ERROR_OBJECT_NOT_FOUND;
    for (DWORD i = 0; i < n && err; i++)
        if (!rsm_cli_get(&sides[i], NTMS_PARTITION, &o) &&
            !memcmp(&o.Info.Partition.LogicalMedia, &g, sizeof g)) {
            *out = o.Info.Partition.PhysicalMedia;
            err = ERROR_SUCCESS;
        }
    free(sides);
    return err;
}

/* ---- inject ---------------------------------------------------------------------------- */

static int help_inject(void)
{
    puts("usage: rsm inject LIBRARY [--start | --startmany | --stop OPID | --retract OPID |\n"
         "                           --now] [--json]\n"
         "       rsm inject LIBRARY --cleaner [--slot N] [--uses N] [--start | --stop OPID |\n"
         "                           --now]\n"
         "       (rsm.exe style: inject /lf<NAME> | /lg<GUID> [/a<action>] [/o<OPID>])\n"
         "Takes cartridges in through the mail slots (InjectNtmsMedia). --start (the\n"
         "default) opens them and prints the operation GUID; the operator puts cartridges\n"
         "in; --stop OPID closes them and RSM carries each cartridge to a free slot and\n"
         "registers it. --startmany keeps reopening the port, --retract OPID closes it for\n"
         "one batch. --now opens and closes at once, taking in what the mail slots already\n"
         "hold (the form for --db, where an operation ends with the process).\n"
         "--cleaner injects a cleaning cartridge into the library's reserved cleaner slot\n"
         "(InjectNtmsCleaner); --slot N reserves storage slot N for it first\n"
         "(ReserveNtmsCleanerSlot); --uses N is its number of cleanings (default:\n"
         "uncounted). There is no --queue: InjectNtmsMedia has no queued form.");
    return RSM_EX_OK;
}

/* -1 if @v is no inject action. */
static int inject_action(const char *v)
{
    static const char *const names[] = {"start", "stop", "retract", "startmany"};
    for (int i = 0; i < 4; i++)
        if (!strcasecmp(v, names[i]))
            return i;
    return -1;
}

int rsm_cmd_inject(const struct rsm_cli *cli, int argc, char **argv)
{
    const char *lib_arg = NULL, *op_arg = NULL;
    int action = -1, now = 0, cleaner = 0, json = cli->json;
    long slot = -1, uses = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int act = -1;
        if (rsm_cli_is_help(a))
            return help_inject();
        if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--start"))
            act = NTMS_INJECT_START;
        else if (!strcmp(a, "--startmany"))
            act = NTMS_INJECT_STARTMANY;
        else if ((!strcmp(a, "--stop") || !strcmp(a, "--retract")) && next) {
            act = a[2] == 's' ? NTMS_INJECT_STOP : NTMS_INJECT_RETRACT;
            op_arg = argv[++i];
        } else if (!strcmp(a, "--now"))
            now = 1;
        else if (!strcmp(a, "--queue") || !strcasecmp(a, "/aqueue"))
            return usagef(cli, "inject: there is no queued inject (start, stop, retract, "
                               "startmany)");
        else if (!strcmp(a, "--cleaner"))
            cleaner = 1;
        else if (!strcmp(a, "--slot") && next) {
            if ((slot = number(argv[++i])) < 1)
                return usagef(cli, "inject: --slot takes a slot number, not '%s'", argv[i]);
        } else if (!strcmp(a, "--uses") && next) {
            if ((uses = number(argv[++i])) < 0)
                return usagef(cli, "inject: --uses takes a number, not '%s'", argv[i]);
        } else if ((v = rsm_cli_switch(a, "a")) && *v) {
            if ((act = inject_action(v)) < 0)
                return usagef(cli, "inject: /a takes start, stop, retract or startmany");
        } else if ((v = rsm_cli_switch(a, "o")) && *v)
            op_arg = v;
        else if (((v = rsm_cli_switch(a, "lg")) || (v = rsm_cli_switch(a, "lf"))) && *v &&
                 !lib_arg)
            lib_arg = v;
        else if (a[0] != '-' && a[0] != '/' && !lib_arg)
            lib_arg = a;
        else
            return usagef(cli, "inject: unexpected argument '%s'", a);
        if (act >= 0) {
            if (action >= 0 && action != act)
                return usagef(cli, "inject: give one action");
            action = act;
        }
    }
    if (!lib_arg)
        return usagef(cli, "inject: which library?");
    if (now && action >= 0)
        return usagef(cli, "inject: --now is a start and a stop; give no other action");
    if (action < 0)
        action = NTMS_INJECT_START;
    int needs_op = action == NTMS_INJECT_STOP || action == NTMS_INJECT_RETRACT;
    GUID op;
    memset(&op, 0, sizeof op);
    if (needs_op && (!op_arg || rsm_cli_guid_parse(op_arg, &op)))
        return usagef(cli, "inject: stop and retract take the operation GUID start printed");
    if (!needs_op && op_arg)
        return usagef(cli, "inject: an operation GUID goes with stop or retract only");
    if (!cleaner && (slot >= 0 || uses >= 0))
        return usagef(cli, "inject: --slot and --uses are for --cleaner");
    if (cleaner && action > NTMS_INJECT_STOP)
        return usagef(cli, "inject --cleaner: start, stop or --now only");

    HANDLE h;
    DWORD err = cli->open(&h);
    if (err)
        return cli->fail(err, "inject");
    GUID lib;
    if ((err = rsm_cli_find(NTMS_LIBRARY, lib_arg, &lib)))
        return failf(cli, err, "inject: library '%s'", lib_arg);
    if (slot >= 0) {
        char num[24];
        GUID sg;
        snprintf(num, sizeof num, "%ld", slot);
        if ((err = find_element(&lib, NTMS_STORAGESLOT, num, &sg)))
            return failf(cli, err, "inject: slot %ld", slot);
        NTMS_OBJECTINFORMATIONA li;
        if ((err = rsm_cli_get(&lib, NTMS_LIBRARY, &li)))
            return failf(cli, err, "inject: library '%s'", lib_arg);
        /* Already the cleaner slot: nothing to reserve (a second reservation would fail
         * with ERROR_CLEANER_SLOT_SET). */
        if (memcmp(&li.Info.Library.CleanerSlot, &sg, sizeof sg) &&
            (err = ReserveNtmsCleanerSlot(h, &lib, &sg)))
            return failf(cli, err, "inject: reserving slot %ld for the cleaner", slot);
    }
    DWORD n_uses = uses < 0 ? 0xFFFFFFFFu : (DWORD)uses;
    for (int step = 0; step < (now ? 2 : 1); step++) {
        DWORD act = now ? (step ? NTMS_INJECT_STOP : NTMS_INJECT_START) : (DWORD)action;
        err = cleaner ? InjectNtmsCleaner(h, &lib, &op, n_uses, act)
                      : InjectNtmsMedia(h, &lib, &op, act);
        if (err)
            return failf(cli, err, "inject%s %s", cleaner ? " --cleaner" : "", lib_arg);
    }
    if (!needs_op)
        print_guid(json, "operation", &op);
    return RSM_EX_OK;
}

/* ---- eject ----------------------------------------------------------------------------- */

static int help_eject(void)
{
    puts("usage: rsm eject MEDIUM [--start | --queue | --force] [--json]\n"
         "       rsm eject --stop OPID\n"
         "       (rsm.exe: eject /pf<BARCODE> | /pg<GUID> | /sf<SLOT> /lf<LIBRARY> |\n"
         "        /df<DRIVE> /lf<LIBRARY>  [/a{start|stop|queue|force}] [/o<OPID>] [/b];\n"
         "        /sg, /dg, /lg take GUIDs)\n"
         "Moves a cartridge to a mail slot for the operator to take (EjectNtmsMedia).\n"
         "MEDIUM is a barcode, a name, a physical medium's GUID or a logical medium's\n"
         "GUID. --start (the default) presents it and every queued one and prints the\n"
         "operation GUID; --queue adds it to the library's batch; --force dismounts it\n"
         "first if it is in a drive; --stop OPID ends the operation (cartridges still in\n"
         "the mail slots go back to their slots). A cartridge the operator takes out goes\n"
         "to the offline library.");
    return RSM_EX_OK;
}

int rsm_cmd_eject(const struct rsm_cli *cli, int argc, char **argv)
{
    const char *media_arg = NULL, *slot_arg = NULL, *drive_arg = NULL, *lib_arg = NULL;
    const char *op_arg = NULL;
    int action = -1, json = cli->json;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int act = -1;
        if (rsm_cli_is_help(a))
            return help_eject();
        if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcasecmp(a, "/b"))
            ; /* rsm.exe's "GUID only": the GUID is all eject prints */
        else if (!strcmp(a, "--start") || !strcasecmp(a, "/astart"))
            act = NTMS_EJECT_START;
        else if (!strcmp(a, "--queue") || !strcasecmp(a, "/aqueue"))
            act = NTMS_EJECT_QUEUE;
        else if (!strcmp(a, "--force") || !strcasecmp(a, "/aforce"))
            act = NTMS_EJECT_FORCE;
        else if (!strcasecmp(a, "/astop"))
            act = NTMS_EJECT_STOP;
        else if (!strcmp(a, "--stop") && next) {
            act = NTMS_EJECT_STOP;
            op_arg = argv[++i];
        } else if ((v = rsm_cli_switch(a, "a")) && *v)
            return usagef(cli, "eject: /a takes start, stop, queue or force");
        else if (((v = rsm_cli_switch(a, "pg")) || (v = rsm_cli_switch(a, "pf"))) && *v &&
                 !media_arg)
            media_arg = v;
        else if (((v = rsm_cli_switch(a, "sg")) || (v = rsm_cli_switch(a, "sf"))) && *v)
            slot_arg = v;
        else if (((v = rsm_cli_switch(a, "dg")) || (v = rsm_cli_switch(a, "df"))) && *v)
            drive_arg = v;
        else if (((v = rsm_cli_switch(a, "lg")) || (v = rsm_cli_switch(a, "lf"))) && *v)
            lib_arg = v;
        else if ((v = rsm_cli_switch(a, "o")) && *v)
            op_arg = v;
        else if (a[0] != '-' && a[0] != '/' && !media_arg)
            media_arg = a;
        else
            return usagef(cli, "eject: unexpected argument '%s'", a);
        if (act >= 0) {
            if (action >= 0 && action != act)
                return usagef(cli, "eject: give one action");
            action = act;
        }
    }
    int explicit_action = action >= 0;
    if (action < 0)
        action = NTMS_EJECT_START;
    if ((slot_arg || drive_arg) && (!lib_arg || media_arg || (slot_arg && drive_arg)))
        return usagef(cli, "eject: a slot or a drive is named with its library (/lf), alone");
    if (lib_arg && !slot_arg && !drive_arg)
        return usagef(cli, "eject: /l names the library of a slot (/s) or drive (/d)");
    /* Without a medium only stop, and an explicit --start (it presents the queued batch
     * alone), mean something. */
    int named = media_arg || slot_arg || drive_arg;
    if (!named && action != NTMS_EJECT_STOP && !(action == NTMS_EJECT_START && explicit_action))
        return usagef(cli, "eject: which medium?");
    GUID op;
    memset(&op, 0, sizeof op);
    if (action == NTMS_EJECT_STOP && (!op_arg || rsm_cli_guid_parse(op_arg, &op)))
        return usagef(cli, "eject: stop takes the operation GUID start printed");
    if (action != NTMS_EJECT_STOP && op_arg)
        return usagef(cli, "eject: an operation GUID goes with stop only");

    HANDLE h;
    DWORD err = cli->open(&h);
    if (err)
        return cli->fail(err, "eject");
    GUID pm;
    int have_pm = 0;
    const char *what = media_arg ? media_arg : slot_arg ? slot_arg : drive_arg;
    if (slot_arg || drive_arg) {
        GUID lib, where;
        if ((err = rsm_cli_find(NTMS_LIBRARY, lib_arg, &lib)))
            return failf(cli, err, "eject: library '%s'", lib_arg);
        if ((err = find_element(&lib, slot_arg ? NTMS_STORAGESLOT : NTMS_DRIVE, what, &where)))
            return failf(cli, err, "eject: %s '%s'", slot_arg ? "slot" : "drive", what);
        if ((err = medium_at(&lib, &where, &pm)))
            return failf(cli, err, "eject: nothing in %s '%s'", slot_arg ? "slot" : "drive",
                         what);
        have_pm = 1;
    } else if (media_arg) {
        if ((err = find_medium(media_arg, &pm)))
            return failf(cli, err, "eject: medium '%s'", media_arg);
        have_pm = 1;
    }
    err = EjectNtmsMedia(h, have_pm ? &pm : NULL, &op, (DWORD)action);
    if (err)
        return failf(cli, err, "eject %s", what ? what : "");
    if (action == NTMS_EJECT_START || action == NTMS_EJECT_FORCE)
        print_guid(json, "operation", &op);
    return RSM_EX_OK;
}

/* ---- clean ----------------------------------------------------------------------------- */

int rsm_cmd_clean(const struct rsm_cli *cli, int argc, char **argv)
{
    const char *drive_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (rsm_cli_is_help(a)) {
            puts("usage: rsm clean DRIVE   (also: clean /df<NAME> | /dg<GUID>)\n"
                 "Cleans the drive (CleanNtmsDrive): the library's cleaning cartridge is\n"
                 "loaded, the cleaning cycle waited for, the cartridge put back. DRIVE is a\n"
                 "name (Drive1) or GUID. Without a usable cleaner RSM raises a CLEANER\n"
                 "operator request (rsm opreq list) and the command fails with\n"
                 "ERROR_CLEANER_CARTRIDGE_SPENT.");
            return RSM_EX_OK;
        }
        if (((v = rsm_cli_switch(a, "dg")) || (v = rsm_cli_switch(a, "df"))) && *v &&
            !drive_arg)
            drive_arg = v;
        else if (a[0] != '-' && a[0] != '/' && !drive_arg)
            drive_arg = a;
        else
            return usagef(cli, "clean: unexpected argument '%s'", a);
    }
    if (!drive_arg)
        return usagef(cli, "clean: which drive?");
    HANDLE h;
    DWORD err = cli->open(&h);
    if (err)
        return cli->fail(err, "clean");
    GUID drive;
    if ((err = rsm_cli_find(NTMS_DRIVE, drive_arg, &drive)))
        return failf(cli, err, "clean: drive '%s'", drive_arg);
    if ((err = CleanNtmsDrive(h, &drive)))
        return failf(cli, err, "clean %s", drive_arg);
    return RSM_EX_OK;
}

/* ---- refresh --------------------------------------------------------------------------- */

int rsm_cmd_refresh(const struct rsm_cli *cli, int argc, char **argv)
{
    const char *lib_arg = NULL, *media_arg = NULL, *type_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (rsm_cli_is_help(a)) {
            puts("usage: rsm refresh LIBRARY\n"
                 "       (rsm.exe: refresh /lf<NAME> | /lg<GUID> | /pf<MEDIUM> | /pg<GUID> |\n"
                 "        /tf<MEDIA TYPE> | /tg<GUID>)\n"
                 "Brings RSM's picture of a library up to date: an inventory with the\n"
                 "library's own method (InventoryNtmsLibrary, NTMS_INVENTORY_DEFAULT). For a\n"
                 "medium or a media type, the stand-alone drives that could hold it are\n"
                 "polled once (SetNtmsDeviceChangeDetection without a detection handle).");
            return RSM_EX_OK;
        }
        if (((v = rsm_cli_switch(a, "lg")) || (v = rsm_cli_switch(a, "lf"))) && *v)
            lib_arg = v;
        else if (((v = rsm_cli_switch(a, "pg")) || (v = rsm_cli_switch(a, "pf"))) && *v)
            media_arg = v;
        else if (((v = rsm_cli_switch(a, "tg")) || (v = rsm_cli_switch(a, "tf"))) && *v)
            type_arg = v;
        else if (a[0] != '-' && a[0] != '/' && !lib_arg)
            lib_arg = a;
        else
            return usagef(cli, "refresh: unexpected argument '%s'", a);
    }
    if (!!lib_arg + !!media_arg + !!type_arg != 1)
        return usagef(cli, "refresh: name one library, medium or media type");
    HANDLE h;
    DWORD err = cli->open(&h);
    if (err)
        return cli->fail(err, "refresh");
    GUID id;
    if (lib_arg) {
        if ((err = rsm_cli_find(NTMS_LIBRARY, lib_arg, &id)) ||
            (err = InventoryNtmsLibrary(h, &id, NTMS_INVENTORY_DEFAULT)))
            return failf(cli, err, "refresh %s", lib_arg);
        return RSM_EX_OK;
    }
    const char *what = media_arg ? media_arg : type_arg;
    DWORD type = media_arg ? NTMS_PHYSICAL_MEDIA : NTMS_MEDIA_TYPE;
    if ((err = media_arg ? find_medium(what, &id) : rsm_cli_find(type, what, &id)) ||
        (err = SetNtmsDeviceChangeDetection(h, NULL, &id, type, 1)))
        return failf(cli, err, "refresh %s", what);
    return RSM_EX_OK;
}

/* ---- requests -------------------------------------------------------------------------- */

static const char *const lm_ops[] = {
    "remove",       "disable",      "enable",        "disable drive", "enable drive",
    "disable media", "enable media", "update omid",   "inventory",     "door access",
    "eject",        "eject cleaner", "inject",       "inject cleaner", "process omid",
    "clean drive",  "dismount",     "mount",         "write scratch", "classify",
    "reserve cleaner", "release cleaner"};
static const char *const lm_states[] = {"queued",  "in progress", "passed",   "failed", "invalid",
                                        "waiting", "deferred",    "cancelled", "stopped"};

static int help_requests(void)
{
    puts("usage: rsm requests [list] [--library LIBRARY] [--json]\n"
         "       rsm requests cancel ID\n"
         "       rsm requests delete ID...\n"
         "       rsm requests order ID [POSITION]\n"
         "Library requests: every mount, dismount, inventory, inject, eject and cleaning is\n"
         "one, queued in its library. list shows each with its operation, state (queued,\n"
         "in progress, waiting, passed, failed, cancelled), error, medium, drive and queue\n"
         "position. cancel takes a queued request out (CancelNtmsLibraryRequest; one in\n"
         "progress cannot be cancelled); delete removes finished ones (DeleteNtmsRequests);\n"
         "order prints a queued mount's position (1 = next; 0 = ordering does not apply)\n"
         "or moves it to POSITION (Get/SetNtmsRequestOrder).");
    return RSM_EX_OK;
}

static int requests_list(const struct rsm_cli *cli, HANDLE h, const char *lib_arg, int json)
{
    GUID lib, *ids;
    DWORD n, err;
    if (lib_arg && (err = rsm_cli_find(NTMS_LIBRARY, lib_arg, &lib)))
        return failf(cli, err, "requests: library '%s'", lib_arg);
    if ((err = rsm_cli_list(lib_arg ? &lib : NULL, NTMS_LIBREQUEST, &ids, &n)))
        return cli->fail(err, "requests list");
    json_t *rows = json_array();
    for (DWORD i = 0; i < n; i++) {
        NTMS_OBJECTINFORMATIONA o;
        if (rsm_cli_get(&ids[i], NTMS_LIBREQUEST, &o))
            continue; /* deleted since the enumeration, or not ours to see */
        const NTMS_LIBREQUESTINFORMATIONA *q = &o.Info.LibRequest;
        DWORD order = 0;
        if (GetNtmsRequestOrder(h, &ids[i], &order))
            order = 0;
        json_t *r = json_object();
        json_object_set_new(r, "guid", rsm_cli_jguid(&ids[i]));
        json_object_set_new(r, "operation",
                            json_string(q->OperationCode < sizeof lm_ops / sizeof *lm_ops
                                            ? lm_ops[q->OperationCode]
                                            : "unknown"));
        json_object_set_new(r, "state",
                            json_string(q->State < sizeof lm_states / sizeof *lm_states
                                            ? lm_states[q->State]
                                            : "unknown"));
        json_object_set_new(r, "order", json_integer(order));
        json_object_set_new(r, "library", rsm_cli_name(&q->Library, NTMS_LIBRARY));
        json_object_set_new(r, "medium", rsm_cli_name(&q->PhysMediaId, NTMS_PHYSICAL_MEDIA));
        json_object_set_new(r, "drive", rsm_cli_name(&q->DriveId, NTMS_DRIVE));
        json_object_set_new(r, "error", q->dwErrorCode ? json_string(rsm_cli_error_name(
                                                             q->dwErrorCode))
                                                       : json_null());
        json_object_set_new(r, "error_code", json_integer(q->dwErrorCode));
        json_object_set_new(r, "priority", json_integer((int)q->dwPriority));
        json_object_set_new(r, "queued", rsm_cli_time(&q->TimeQueued));
        json_object_set_new(r, "completed", rsm_cli_time(&q->TimeCompleted));
        json_object_set_new(r, "application", json_string(q->szApplication));
        json_object_set_new(r, "user", json_string(q->szUser));
        json_array_append_new(rows, r);
    }
    free(ids);
    static const struct rsm_cli_column cols[] = {
        {"guid", "GUID"},         {"operation", "OPERATION"}, {"state", "STATE"},
        {"order", "ORDER"},       {"medium", "MEDIUM"},       {"drive", "DRIVE"},
        {"error", "ERROR"},       {"queued", "QUEUED"},       {"application", "APP"},
        {NULL, NULL}};
    rsm_cli_emit(rows, cols, json);
    json_decref(rows);
    return RSM_EX_OK;
}

int rsm_cmd_requests(const struct rsm_cli *cli, int argc, char **argv)
{
    const char *words[64], *lib_arg = NULL;
    int nw = 0, json = cli->json;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (rsm_cli_is_help(a))
            return help_requests();
        if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--library") && i + 1 < argc)
            lib_arg = argv[++i];
        else if (a[0] == '-' && a[1])
            return usagef(cli, "requests: unexpected option '%s'", a);
        else if (nw < 64)
            words[nw++] = a;
        else
            return usagef(cli, "requests: too many arguments");
    }
    const char *sub = nw ? words[0] : "list";
    GUID ids[63];
    int n_ids = 0;
    int is_list = !strcmp(sub, "list"), is_order = !strcmp(sub, "order");
    if (!is_list && !is_order && strcmp(sub, "cancel") && strcmp(sub, "delete"))
        return usagef(cli, "requests: list, cancel ID, delete ID... or order ID [POSITION]");
    if (is_list && nw > 1)
        return usagef(cli, "requests list takes no argument (--library LIBRARY filters)");
    if (!is_list && lib_arg)
        return usagef(cli, "requests: --library goes with list");
    long position = -1;
    if (is_order && nw == 3 && (position = number(words[2])) < 1)
        return usagef(cli, "requests order: POSITION is a number from 1");
    int max_ids = !strcmp(sub, "delete") ? 63 : 1;
    int given = nw - 1 - (is_order && nw == 3);
    if (!is_list && (given < 1 || given > max_ids))
        return usagef(cli, "requests %s: %s", sub,
                      max_ids == 1 ? "give one request GUID" : "give request GUIDs");
    for (int k = 1; !is_list && k <= given; k++)
        if (rsm_cli_guid_parse(words[k], &ids[n_ids++]))
            return usagef(cli, "requests %s: '%s' is not a request GUID", sub, words[k]);
    HANDLE h;
    DWORD err = cli->open(&h);
    if (err)
        return cli->fail(err, "requests");
    if (is_list)
        return requests_list(cli, h, lib_arg, json);
    if (!strcmp(sub, "cancel")) {
        if ((err = CancelNtmsLibraryRequest(h, &ids[0])))
            return failf(cli, err, "requests cancel %s", words[1]);
    } else if (!strcmp(sub, "delete")) {
        if ((err = DeleteNtmsRequests(h, ids, NTMS_LIBREQUEST, (DWORD)n_ids)))
            return failf(cli, err, "requests delete");
    } else if (position > 0) {
        if ((err = SetNtmsRequestOrder(h, &ids[0], (DWORD)position)))
            return failf(cli, err, "requests order %s %ld", words[1], position);
    } else {
        DWORD order = 0;
        if ((err = GetNtmsRequestOrder(h, &ids[0], &order)))
            return failf(cli, err, "requests order %s", words[1]);
        if (json)
            printf("{\"order\": %lu}\n", (unsigned long)order);
        else
            printf("%lu\n", (unsigned long)order);
    }
    return RSM_EX_OK;
}
