/* SPDX-License-Identifier: MIT
 * What rsm.c (the command line's main, options and shared output) lends to the files that
 * implement further commands (events.c: `watch`, `opreq`; libops.c: `inject`, `eject`,
 * `clean`, `refresh`, `requests`). Single-threaded use except where a command says
 * otherwise.
 */
#ifndef RSM_CLI_CLI_H
#define RSM_CLI_CLI_H

#include <jansson.h>
#include <ntmsapi.h>

/* Exit codes (also in `rsm --help` and rsm(1)). */
enum {
    RSM_EX_OK = 0,
    RSM_EX_FAILED = 1,        /* the API call failed; the NTMS error is printed */
    RSM_EX_USAGE = 2,         /* bad command line */
    RSM_EX_NOT_CONNECTED = 3, /* no rsmd answers (ERROR_NOT_CONNECTED) */
    RSM_EX_NOT_SUPPORTED = 4, /* the command needs an API function this build lacks */
    RSM_EX_ACCESS_DENIED = 5, /* ERROR_ACCESS_DENIED */
};

struct rsm_cli {
    int json;                                   /* --json given */
    const char *server;                         /* OpenNtmsSession server name (NULL: default) */
    DWORD (*open)(HANDLE *out);                 /* the command's session, opened once */
    int (*fail)(DWORD err, const char *what);   /* prints "rsm: WHAT: ERROR_X (n)"; exit code */
    int (*usage_error)(const char *what);       /* prints "rsm: WHAT (rsm --help)"; 2 */
};

/* `rsm watch [--type T]... [--count N] [--json]` and `rsm opreq list|satisfy|cancel|submit`
 * (events.c). Return the process exit status. */
int rsm_cmd_watch(const struct rsm_cli *cli, int argc, char **argv);
int rsm_cmd_opreq(const struct rsm_cli *cli, int argc, char **argv);

/* `rsm inject`, `eject`, `clean`, `refresh`, `requests` (libops.c): library operations on
 * the public NTMS API. argv[0] is the command word. Return the process exit status. */
int rsm_cmd_inject(const struct rsm_cli *cli, int argc, char **argv);
int rsm_cmd_eject(const struct rsm_cli *cli, int argc, char **argv);
int rsm_cmd_clean(const struct rsm_cli *cli, int argc, char **argv);
int rsm_cmd_refresh(const struct rsm_cli *cli, int argc, char **argv);
int rsm_cmd_requests(const struct rsm_cli *cli, int argc, char **argv);

/* ---- shared by rsm.c; the lookups use the session cli->open opened -------------------- */

/* One column of a table: the JSON key of each row and the header shown. */
struct rsm_cli_column {
    const char *key, *header;
};

/* "{XXXXXXXX-...}" (38 characters and a NUL). */
void rsm_cli_guid_str(const GUID *g, char out[39]);
/* Parses a GUID with or without braces; 0, or -1 (nothing written) if @s is not one. */
int rsm_cli_guid_parse(const char *s, GUID *out);
/* An object of @type by GUID or by name (media: also the barcode). ERROR_OBJECT_NOT_FOUND,
 * ERROR_INVALID_NAME (several match), or what the enumeration returned. */
DWORD rsm_cli_find(DWORD type, const char *name, GUID *out);
/* Every object of @type in @container (NULL: all); *@out malloc'd, free() it. */
DWORD rsm_cli_list(const GUID *container, DWORD type, GUID **out, DWORD *n);
/* GetNtmsObjectInformationA of @id as @type into @info (zeroed and sized first). */
DWORD rsm_cli_get(const GUID *id, DWORD type, NTMS_OBJECTINFORMATIONA *info);
/* rsm.exe switch: the value after "/NAME" (or "-NAME"), case-insensitive, else NULL. */
const char *rsm_cli_switch(const char *arg, const char *name);
/* --help, -h or /? */
int rsm_cli_is_help(const char *arg);
/* "ERROR_BUSY" for ERROR_BUSY; "ERROR_?" for a code the table lacks. */
const char *rsm_cli_error_name(DWORD err);
/* JSON values: an ISO time (null when unset), an object's name (null if it cannot be
 * read), a GUID string (null for the null GUID). New references. */
json_t *rsm_cli_time(const SYSTEMTIME *t);
json_t *rsm_cli_name(const GUID *id, DWORD type);
json_t *rsm_cli_jguid(const GUID *g);
/* Prints @rows (an array of objects) as JSON when @json, else as a table of @cols
 * (terminated by a {NULL, NULL} entry; at most 16 columns). */
void rsm_cli_emit(json_t *rows, const struct rsm_cli_column *cols, int json);

#endif
