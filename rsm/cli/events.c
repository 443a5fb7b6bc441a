/* SPDX-License-Identifier: MIT
 * `rsm watch` (notifications, ntms-api.md §2.4) and `rsm opreq` (operator requests, §2.8).
 *
 * watch opens one notification channel per object type asked for and prints each event as
 * it arrives: a line for people, or one JSON object per line with --json. Each channel has
 * its own thread blocked in WaitForNtmsNotification; printing and the event count are
 * under one lock. A channel that overflowed (ERROR_NO_DATA) is reported and reopened, so
 * the watcher says it missed events instead of silently skipping them.
 */
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rsm/cli/cli.h"

static const struct {
    const char *name;
    DWORD type;
} types[] = {
    {"changer", NTMS_CHANGER},
    {"changer_type", NTMS_CHANGER_TYPE},
    {"computer", NTMS_COMPUTER},
    {"drive", NTMS_DRIVE},
    {"drive_type", NTMS_DRIVE_TYPE},
    {"iedoor", NTMS_IEDOOR},
    {"ieport", NTMS_IEPORT},
    {"library", NTMS_LIBRARY},
    {"librequest", NTMS_LIBREQUEST},
    {"logical_media", NTMS_LOGICAL_MEDIA},
    {"media_pool", NTMS_MEDIA_POOL},
    {"media_type", NTMS_MEDIA_TYPE},
    {"partition", NTMS_PARTITION},
    {"physical_media", NTMS_PHYSICAL_MEDIA},
    {"storageslot", NTMS_STORAGESLOT},
    {"oprequest", NTMS_OPREQUEST},
};
#define N_TYPES (sizeof types / sizeof types[0])

/* Short spellings people type, mapped to the names above. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    {"libraries", "library"}, {"drives", "drive"},       {"slot", "storageslot"},
    {"slots", "storageslot"}, {"media", "physical_media"}, {"side", "partition"},
    {"sides", "partition"},   {"lmid", "logical_media"},  {"pool", "media_pool"},
    {"pools", "media_pool"},  {"opreq", "oprequest"},     {"opreqs", "oprequest"},
    {"request", "librequest"}, {"requests", "librequest"}, {"door", "iedoor"},
    {"port", "ieport"},
};

static const char *const ops[] = {"unknown", "update", "insert", "delete", "signal", "complete"};

static int type_index(const char *s)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcasecmp(s, aliases[i].alias))
            s = aliases[i].name;
    for (size_t i = 0; i < N_TYPES; i++)
        if (!strcasecmp(s, types[i].name))
            return (int)i;
    return -1;
}

static void guid_text(const GUID *g, char out[39])
{
    snprintf(out, 39, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", g->Data1, g->Data2,
             g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4],
             g->Data4[5], g->Data4[6], g->Data4[7]);
}

static int guid_parse(const char *s, GUID *out)
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

/* ---- watch ---------------------------------------------------------------------------- */

struct watch_state {
    const struct rsm_cli *cli;
    HANDLE session;
    pthread_mutex_t mu; /* guards everything below and stdout */
    pthread_cond_t finished;
    long count, seen; /* stop after count events (0: never) */
    int done, failed_rc;
};

struct channel {
    struct watch_state *st;
    int type; /* index in types[] */
    HANDLE h; /* guarded by st->mu once the thread runs */
    pthread_t thread;
};

static void now_text(char *out, size_t cap)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000));
}

/* Prints one event (st->mu held). The name is looked up for objects that still exist. */
static void print_event(struct watch_state *st, int type, const NTMS_NOTIFICATIONINFORMATION *ev)
{
    char when[64], g[39], name[NTMS_OBJECTNAME_LENGTH] = "";
    now_text(when, sizeof when);
    guid_text(&ev->ObjectId, g);
    if (ev->dwOperation != NTMS_OBJ_DELETE) {
        NTMS_OBJECTINFORMATIONA *o = calloc(1, sizeof *o);
        if (o) {
            o->dwSize = sizeof *o;
            o->dwType = types[type].type;
            if (GetNtmsObjectInformationA(st->session, (LPNTMS_GUID)&ev->ObjectId, o) ==
                ERROR_SUCCESS)
                snprintf(name, sizeof name, "%s", o->szName);
            free(o);
        }
    }
    const char *op = ev->dwOperation < 6 ? ops[ev->dwOperation] : "unknown";
    if (st->cli->json) {
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s?}", "time", when, "operation", op, "type",
                              types[type].name, "guid", g, "name", *name ? name : NULL);
        char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
        json_decref(j);
    } else {
        printf("%s  %-7s %-15s %s  %s\n", when, op, types[type].name, g, name);
    }
    fflush(stdout);
}

static void *watch_thread(void *arg)
{
    struct channel *ch = arg;
    struct watch_state *st = ch->st;
    for (;;) {
        pthread_mutex_lock(&st->mu);
        HANDLE h = ch->h;
        int done = st->done;
        pthread_mutex_unlock(&st->mu);
        if (done || h == INVALID_HANDLE_VALUE)
            break;
        NTMS_NOTIFICATIONINFORMATION ev;
        DWORD rc = WaitForNtmsNotification(h, &ev, INFINITE);
        pthread_mutex_lock(&st->mu);
        if (st->done) {
            pthread_mutex_unlock(&st->mu);
            break;
        }
        if (rc == ERROR_SUCCESS) {
            print_event(st, ch->type, &ev);
            if (st->count && ++st->seen >= st->count) {
                st->done = 1;
                pthread_cond_signal(&st->finished);
            }
        } else if (rc == ERROR_NO_DATA) {
            /* The channel overflowed: say so, then start again on a new one. */
            char when[64];
            now_text(when, sizeof when);
            if (st->cli->json)
                printf("{\"time\":\"%s\",\"operation\":\"lost\",\"type\":\"%s\"}\n", when,
                       types[ch->type].name);
            else
                printf("%s  lost    %-15s events were lost (ERROR_NO_DATA); watching again\n",
                       when, types[ch->type].name);
            fflush(stdout);
            CloseNtmsNotification(ch->h);
            ch->h = OpenNtmsNotification(st->session, types[ch->type].type);
            if (ch->h == INVALID_HANDLE_VALUE) {
                st->failed_rc = st->cli->fail(GetLastError(), "watch: reopen");
                st->done = 1;
                pthread_cond_signal(&st->finished);
            }
        } else {
            st->failed_rc = st->cli->fail(rc, "watch");
            st->done = 1;
            pthread_cond_signal(&st->finished);
        }
        pthread_mutex_unlock(&st->mu);
    }
    return NULL;
}

static int help_watch(void)
{
    printf("usage: rsm watch [--type TYPE]... [--count N] [--json]\n"
           "Prints object changes as they happen (insert, update, delete), until Ctrl-C or\n"
           "until N events have been printed. Default: every type.\n"
           "  TYPE: library drive changer storageslot (slot) iedoor ieport physical_media\n"
           "        (media) partition (side) logical_media (lmid) media_pool (pool)\n"
           "        media_type drive_type changer_type librequest oprequest (opreq) computer;\n"
           "        several may be given, also as a comma-separated list\n"
           "  --json  one JSON object per line: time, operation, type, guid, name\n"
           "A line with operation \"lost\" means the watcher fell behind and missed events.\n");
    return 0;
}

int rsm_cmd_watch(const struct rsm_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"type", required_argument, NULL, 't'},
                                         {"count", required_argument, NULL, 'c'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int want[N_TYPES] = {0}, any = 0;
    long count = 0;
    struct rsm_cli local = *cli;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': {
            char *list = strdup(optarg), *save = NULL;
            for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                int i = type_index(t);
                if (i < 0) {
                    free(list);
                    return cli->usage_error("watch: unknown --type");
                }
                want[i] = any = 1;
            }
            free(list);
            break;
        }
        case 'c': {
            char *end;
            count = strtol(optarg, &end, 10);
            if (*end || count < 1)
                return cli->usage_error("watch: --count takes a positive number");
            break;
        }
        case 'j': local.json = 1; break;
        case 'h': return help_watch();
        default: return cli->usage_error("watch: bad option");
        }
    }
    if (optind != argc)
        return cli->usage_error("watch: unexpected argument");
    HANDLE session;
    DWORD err = cli->open(&session);
    if (err != ERROR_SUCCESS)
        return cli->fail(err, "watch");
    struct watch_state st = {.cli = &local, .session = session, .count = count};
    pthread_mutex_init(&st.mu, NULL);
    pthread_cond_init(&st.finished, NULL);
    struct channel ch[N_TYPES];
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < N_TYPES && rc == 0; i++) {
        if (any && !want[i])
            continue;
        ch[n] = (struct channel){.st = &st, .type = (int)i};
        ch[n].h = OpenNtmsNotification(session, types[i].type);
        if (ch[n].h == INVALID_HANDLE_VALUE)
            rc = cli->fail(GetLastError(), "watch");
        else
            n++;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    size_t started = 0;
    for (; rc == 0 && started < n; started++)
        if (pthread_create(&ch[started].thread, NULL, watch_thread, &ch[started])) {
            rc = cli->fail(ERROR_NOT_ENOUGH_MEMORY, "watch");
            break;
        }
    pthread_mutex_lock(&st.mu);
    if (rc != 0)
        st.done = 1;
    while (!st.done)
        pthread_cond_wait(&st.finished, &st.mu);
    /* Closing a channel ends the wait its thread is in. */
    for (size_t i = 0; i < n; i++) {
        if (ch[i].h != INVALID_HANDLE_VALUE)
            CloseNtmsNotification(ch[i].h);
        ch[i].h = INVALID_HANDLE_VALUE;
    }
    pthread_mutex_unlock(&st.mu);
    for (size_t i = 0; i < started; i++)
        pthread_join(ch[i].thread, NULL);
    pthread_cond_destroy(&st.finished);
    pthread_mutex_destroy(&st.mu);
    return rc ? rc : st.failed_rc;
}

/* ---- opreq ---------------------------------------------------------------------------- */

static const char *const requests[] = {"unknown", "new media", "cleaner", "device service",
                                       "move media", "message"};
static const char *const states[] = {"unknown", "submitted", "active", "in progress", "refused",
                                     "complete"};

static int help_opreq(void)
{
    printf("usage: rsm opreq list [--json]\n"
           "       rsm opreq satisfy ID | cancel ID\n"
           "       rsm opreq submit MESSAGE\n"
           "Operator requests: what RSM (or an application) asks a person to do. list shows\n"
           "every request with its state; satisfy marks one done (its waiters go on), cancel\n"
           "refuses it (waiters get ERROR_CANCELLED); both need CONTROL on the computer.\n"
           "submit posts a message request and prints its GUID.\n");
    return 0;
}

static int opreq_list(const struct rsm_cli *cli, HANDLE h, int json)
{
    DWORD n = 0, err;
    GUID *ids = NULL;
    for (;;) { /* the count may grow between the two calls */
        err = EnumerateNtmsObject(h, NULL, ids, &n, NTMS_OPREQUEST, 0);
        if (err != ERROR_INSUFFICIENT_BUFFER)
            break;
        free(ids);
        ids = calloc(n ? n : 1, sizeof *ids);
        if (!ids)
            return cli->fail(ERROR_NOT_ENOUGH_MEMORY, "opreq list");
    }
    if (err != ERROR_SUCCESS) {
        free(ids);
        return cli->fail(err, "opreq list");
    }
    json_t *rows = json_array();
    NTMS_OBJECTINFORMATIONA *o = calloc(1, sizeof *o);
    for (DWORD i = 0; o && i < n; i++) {
        memset(o, 0, sizeof *o);
        o->dwSize = sizeof *o;
        o->dwType = NTMS_OPREQUEST;
        if (GetNtmsObjectInformationA(h, &ids[i], o) != ERROR_SUCCESS)
            continue; /* gone meanwhile (an allocation's request ends with it) */
        const NTMS_OPREQUESTINFORMATIONA *r = &o->Info.OpRequest;
        char g[39], when[64];
        guid_text(&ids[i], g);
        snprintf(when, sizeof when, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)r->Submitted.wYear,
                 r->Submitted.wMonth, r->Submitted.wDay, r->Submitted.wHour,
                 r->Submitted.wMinute, r->Submitted.wSecond);
        json_array_append_new(
            rows, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "guid", g, "request",
                            r->Request < 6 ? requests[r->Request] : "unknown", "state",
                            r->State < 6 ? states[r->State] : "unknown", "message", r->szMessage,
                            "application", r->szApplication, "user", r->szUser, "submitted",
                            when));
    }
    free(o);
    free(ids);
    if (json) {
        char *s = json_dumps(rows, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s ? s : "[]");
        free(s);
    } else {
        printf("%-38s  %-14s  %-11s  %-20s  %-12s  %s\n", "GUID", "REQUEST", "STATE",
               "SUBMITTED", "APP", "MESSAGE");
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r)
        {
            printf("%-38s  %-14s  %-11s  %-20s  %-12s  %s\n",
                   json_string_value(json_object_get(r, "guid")),
                   json_string_value(json_object_get(r, "request")),
                   json_string_value(json_object_get(r, "state")),
                   json_string_value(json_object_get(r, "submitted")),
                   json_string_value(json_object_get(r, "application")),
                   json_string_value(json_object_get(r, "message")));
        }
    }
    json_decref(rows);
    return 0;
}

int rsm_cmd_opreq(const struct rsm_cli *cli, int argc, char **argv)
{
    int json = cli->json;
    int k = 1;
    for (; k < argc; k++) { /* --json / --help anywhere after the subcommand word */
        if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h"))
            return help_opreq();
    }
    char *words[4];
    int nw = 0;
    for (k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--json"))
            json = 1;
        else if (argv[k][0] == '-' && argv[k][1])
            return cli->usage_error("opreq: unknown option");
        else if (nw < 4)
            words[nw++] = argv[k];
        else
            return cli->usage_error("opreq: too many arguments");
    }
    if (nw == 0)
        return cli->usage_error("opreq: list, satisfy ID, cancel ID or submit MESSAGE");
    const char *sub = words[0];
    HANDLE h;
    if (!strcmp(sub, "list")) {
        if (nw != 1)
            return cli->usage_error("opreq list takes no argument");
        DWORD err = cli->open(&h);
        return err ? cli->fail(err, "opreq list") : opreq_list(cli, h, json);
    }
    if (!strcmp(sub, "satisfy") || !strcmp(sub, "cancel")) {
        GUID id;
        if (nw != 2 || guid_parse(words[1], &id))
            return cli->usage_error("opreq satisfy|cancel takes one request GUID");
        DWORD err = cli->open(&h);
        if (err == ERROR_SUCCESS)
            err = sub[0] == 's' ? SatisfyNtmsOperatorRequest(h, &id)
                                : CancelNtmsOperatorRequest(h, &id);
        return err ? cli->fail(err, sub[0] == 's' ? "opreq satisfy" : "opreq cancel") : 0;
    }
    if (!strcmp(sub, "submit")) {
        if (nw != 2)
            return cli->usage_error("opreq submit takes one MESSAGE");
        GUID id;
        DWORD err = cli->open(&h);
        if (err == ERROR_SUCCESS)
            err = SubmitNtmsOperatorRequestA(h, NTMS_OPREQ_MESSAGE, words[1], NULL, NULL, &id);
        if (err)
            return cli->fail(err, "opreq submit");
        char g[39];
        guid_text(&id, g);
        puts(g);
        return 0;
    }
    return cli->usage_error("opreq: list, satisfy ID, cancel ID or submit MESSAGE");
}
