/* SPDX-License-Identifier: MIT
 * vtlctl - drives a running vtld through its control socket.
 *
 * Each invocation sends one request (a JSON line, sim/ctl/PROTOCOL.md) and prints the
 * response: a human-readable form by default, the raw result with --json. Arguments are
 * checked here first so that a typo never reaches the daemon; the daemon checks them
 * again and changes nothing on a bad request.
 *
 * Exit status: 0 success, 1 the daemon refused the request, 2 bad usage, 3 no daemon.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define EXIT_REFUSED 1
#define EXIT_USAGE   2
#define EXIT_NODAEMON 3
#define MAX_LINE (64 * 1024)

static const char usage_text[] =
    "Usage: vtlctl [--control SOCK] [--library NAME] [--json] COMMAND [ARGS]\n"
    "\n"
    "Drives a running vtld (virtual tape library daemon) through its control socket.\n"
    "\n"
    "Commands:\n"
    "  status                          every element, cartridge, drive and door\n"
    "  inject BARCODE [--type T] [--cleaner] [--uses N] [--slot ADDR]\n"
    "                                  a cartridge appears in a mail slot (unit attention)\n"
    "  remove [ADDR|BARCODE]           take a cartridge out of a mail slot\n"
    "  open-door [main|mailslot]       the operator opens a door\n"
    "  close-door [main|mailslot]      the operator closes it (unit attention)\n"
    "  move FROM TO                    move a cartridge by hand (element addresses)\n"
    "  dirty DRIVE                     the drive asks for cleaning (index or address)\n"
    "  clock advance DURATION          advance a virtual clock (30s, 5m, 1h, 250ms)\n"
    "  clock show                      the clock mode and current time\n"
    "  power-cycle                     power-on reset of the library\n"
    "  mutant ID [on|off]              a deliberate misbehaviour (sim/README.md, Mutants)\n"
    "  fault KIND [ARGS]               inject a fault:\n"
    "      fault sense KEY/ASC/ASCQ [--opcode OP] [--count N] [--drive DRIVE]\n"
    "                                  the next command(s) fail with that sense (on the\n"
    "                                  changer, or with --drive on that drive's LUN)\n"
    "      fault drive-fail DRIVE [ASC/ASCQ]\n"
    "                                  the drive fails: HARDWARE ERROR (default 44/00)\n"
    "                                  on every command until repaired\n"
    "      fault drive-repair DRIVE    clear every fault of the drive\n"
    "      fault read-error DRIVE BLOCK [--partition P]\n"
    "                                  reading BLOCK fails MEDIUM ERROR 11/00\n"
    "      fault write-error DRIVE [--count N]\n"
    "                                  the next N WRITEs fail MEDIUM ERROR 0C/00\n"
    "      fault jam                   the robot jams until a reset\n"
    "      fault unjam                 clear a jam (as a service call would)\n"
    "      fault barcode BARCODE [--readable]\n"
    "                                  the label of BARCODE becomes unreadable (or readable)\n"
    "      fault door-open             the main door is left open\n"
    "      fault exception ADDR ASC/ASCQ\n"
    "                                  element ADDR reports an exception (00/00 clears it)\n"
    "\n"
    "Options:\n"
    "  -c, --control SOCK   control socket (default $VTL_CONTROL, else ./vtl-state/vtld.sock)\n"
    "  -l, --library NAME   library to act on (needed when vtld serves several)\n"
    "  -j, --json           print the daemon's JSON result instead of text\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status: 0 done, 1 refused by the daemon, 2 bad usage, 3 no daemon.\n";

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "vtlctl: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'vtlctl --help'.\n");
    return EXIT_USAGE;
}

/* Parses "30s", "5m", "1h", "250ms", "2.5" (seconds) into seconds. */
static bool parse_duration(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return false;
    double mult = 1;
    if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
        mult = 1;
    else if (strcmp(end, "ms") == 0)
        mult = 0.001;
    else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
        mult = 60;
    else if (strcmp(end, "h") == 0)
        mult = 3600;
    else
        return false;
    *out = v * mult;
    return true;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-' || v > max)
        return false;
    *out = v;
    return true;
}

/* Builds the request for argv (COMMAND ARGS...). Returns NULL after printing a usage
 * error. */
static json_t *build_request(int argc, char **argv)
{
    const char *cmd = argv[0];
    json_t *args = json_object();
    json_t *req = json_pack("{s:s}", "cmd", cmd);

    if (strcmp(cmd, "status") == 0 || strcmp(cmd, "power-cycle") == 0) {
        if (argc != 1)
            goto extra;
    } else if (strcmp(cmd, "inject") == 0) {
        if (argc < 2)
            goto missing;
        json_object_set_new(args, "barcode", json_string(argv[1]));
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--cleaner") == 0) {
                json_object_set_new(args, "cleaner", json_true());
            } else if ((strcmp(argv[i], "--type") == 0) && i + 1 < argc) {
                json_object_set_new(args, "type", json_string(argv[++i]));
            } else if (strcmp(argv[i], "--uses") == 0 && i + 1 < argc) {
                unsigned long n;
                if (!parse_uint(argv[++i], 1000000, &n)) {
                    usage_error("--uses needs a count, not '%s'", argv[i]);
                    goto fail;
                }
                json_object_set_new(args, "uses", json_integer((json_int_t)n));
            } else if (strcmp(argv[i], "--slot") == 0 && i + 1 < argc) {
                unsigned long n;
                if (!parse_uint(argv[++i], 0xFFFF, &n)) {
                    usage_error("--slot needs an element address, not '%s'", argv[i]);
                    goto fail;
                }
                json_object_set_new(args, "slot", json_integer((json_int_t)n));
            } else {
                usage_error("inject: unexpected argument '%s'", argv[i]);
                goto fail;
            }
        }
    } else if (strcmp(cmd, "remove") == 0) {
        if (argc > 2)
            goto extra;
        unsigned long n;
        if (argc == 2 && parse_uint(argv[1], 0xFFFF, &n))
            json_object_set_new(args, "element", json_integer((json_int_t)n));
        else if (argc == 2)
            json_object_set_new(args, "barcode", json_string(argv[1]));
    } else if (strcmp(cmd, "open-door") == 0 || strcmp(cmd, "close-door") == 0) {
        if (argc > 2)
            goto extra;
        if (argc == 2) {
            if (strcmp(argv[1], "main") && strcmp(argv[1], "mailslot")) {
                usage_error("door must be 'main' or 'mailslot', not '%s'", argv[1]);
                goto fail;
            }
            json_object_set_new(args, "door", json_string(argv[1]));
        }
    } else if (strcmp(cmd, "move") == 0) {
        unsigned long from, to;
        if (argc < 3)
            goto missing;
        if (argc > 3)
            goto extra;
        if (!parse_uint(argv[1], 0xFFFF, &from) || !parse_uint(argv[2], 0xFFFF, &to)) {
            usage_error("move needs two element addresses, got '%s ...'", argv[1]);
            goto fail;
        }
        json_object_set_new(args, "from", json_integer((json_int_t)from));
        json_object_set_new(args, "to", json_integer((json_int_t)to));
    } else if (strcmp(cmd, "mutant") == 0) {
        if (argc < 2)
            goto missing;
        if (argc > 3)
            goto extra;
        if (argc == 3 && strcmp(argv[2], "on") && strcmp(argv[2], "off")) {
            usage_error("mutant: 'on' or 'off', not '%s'", argv[2]);
            goto fail;
        }
        json_object_set_new(args, "id", json_string(argv[1]));
        json_object_set_new(args, "on", json_boolean(argc < 3 || strcmp(argv[2], "on") == 0));
    } else if (strcmp(cmd, "dirty") == 0) {
        unsigned long n;
        if (argc < 2)
            goto missing;
        if (argc > 2)
            goto extra;
        if (!parse_uint(argv[1], 0xFFFF, &n)) {
            usage_error("dirty needs a drive index or element address, not '%s'", argv[1]);
            goto fail;
        }
        json_object_set_new(args, "drive", json_integer((json_int_t)n));
    } else if (strcmp(cmd, "clock") == 0) {
        if (argc < 2)
            goto missing;
        if (strcmp(argv[1], "show") == 0 && argc == 2) {
            json_object_set_new(args, "action", json_string("show"));
        } else if (strcmp(argv[1], "advance") == 0 && argc == 3) {
            double secs;
            if (!parse_duration(argv[2], &secs)) {
                usage_error("not a duration: '%s' (try 30s, 5m, 1h, 250ms)", argv[2]);
                goto fail;
            }
            json_object_set_new(args, "action", json_string("advance"));
            json_object_set_new(args, "seconds", json_real(secs));
        } else {
            usage_error("clock takes 'show' or 'advance DURATION', not '%s'", argv[1]);
            goto fail;
        }
    } else if (strcmp(cmd, "fault") == 0) {
        if (argc < 2)
            goto missing;
        const char *kind = argv[1];
        json_object_set_new(args, "kind", json_string(kind));
        if (strcmp(kind, "sense") == 0) {
            unsigned key, asc, ascq;
            char tail;
            if (argc < 3 || sscanf(argv[2], "%x/%x/%x%c", &key, &asc, &ascq, &tail) != 3 ||
                key > 0xF || asc > 0xFF || ascq > 0xFF) {
                usage_error("fault sense needs KEY/ASC/ASCQ in hex, e.g. 4/15/01, got '%s'",
                            argc < 3 ? "" : argv[2]);
                goto fail;
            }
            json_object_set_new(args, "key", json_integer(key));
            json_object_set_new(args, "asc", json_integer(asc));
            json_object_set_new(args, "ascq", json_integer(ascq));
            for (int i = 3; i < argc; i++) {
                unsigned long n;
                if (strcmp(argv[i], "--opcode") == 0 && i + 1 < argc &&
                    parse_uint(argv[i + 1], 0xFF, &n)) {
                    json_object_set_new(args, "opcode", json_integer((json_int_t)n));
                    i++;
                } else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc &&
                           parse_uint(argv[i + 1], 1000000, &n)) {
                    json_object_set_new(args, "count", json_integer((json_int_t)n));
                    i++;
                } else if (strcmp(argv[i], "--drive") == 0 && i + 1 < argc &&
                           parse_uint(argv[i + 1], 0xFFFF, &n)) {
                    json_object_set_new(args, "drive", json_integer((json_int_t)n));
                    i++;
                } else {
                    usage_error("fault sense: unexpected argument '%s'", argv[i]);
                    goto fail;
                }
            }
        } else if (strcmp(kind, "barcode") == 0) {
            if (argc < 3)
                goto missing;
            if (argc > 4 || (argc == 4 && strcmp(argv[3], "--readable") != 0))
                goto extra;
            json_object_set_new(args, "barcode", json_string(argv[2]));
            if (argc == 4)
                json_object_set_new(args, "readable", json_true());
        } else if (strcmp(kind, "exception") == 0) {
            unsigned long addr;
            unsigned asc, ascq;
            char tail;
            if (argc != 4 || !parse_uint(argv[2], 0xFFFF, &addr) ||
                sscanf(argv[3], "%x/%x%c", &asc, &ascq, &tail) != 2 || asc > 0xFF || ascq > 0xFF) {
                usage_error("fault exception needs ADDR ASC/ASCQ (hex), e.g. 1025 83/00");
                goto fail;
            }
            json_object_set_new(args, "element", json_integer((json_int_t)addr));
            json_object_set_new(args, "asc", json_integer(asc));
            json_object_set_new(args, "ascq", json_integer(ascq));
        } else if (strcmp(kind, "drive-fail") == 0 || strcmp(kind, "drive-repair") == 0 ||
                   strcmp(kind, "read-error") == 0 || strcmp(kind, "write-error") == 0) {
            /* Drive faults: DRIVE (index or element address) first, then the kind's own. */
            unsigned long drive, n;
            if (argc < 3)
                goto missing;
            if (!parse_uint(argv[2], 0xFFFF, &drive)) {
                usage_error("fault %s needs a drive index or element address, not '%s'", kind,
                            argv[2]);
                goto fail;
            }
            json_object_set_new(args, "drive", json_integer((json_int_t)drive));
            if (strcmp(kind, "drive-fail") == 0) {
                unsigned asc, ascq;
                char tail;
                if (argc > 4)
                    goto extra;
                if (argc == 4) {
                    if (sscanf(argv[3], "%x/%x%c", &asc, &ascq, &tail) != 2 || asc > 0xFF ||
                        ascq > 0xFF) {
                        usage_error("fault drive-fail: ASC/ASCQ in hex, e.g. 44/00, not '%s'",
                                    argv[3]);
                        goto fail;
                    }
                    json_object_set_new(args, "asc", json_integer(asc));
                    json_object_set_new(args, "ascq", json_integer(ascq));
                }
            } else if (strcmp(kind, "drive-repair") == 0) {
                if (argc > 3)
                    goto extra;
            } else if (strcmp(kind, "read-error") == 0) {
                if (argc < 4)
                    goto missing;
                if (!parse_uint(argv[3], 0xFFFFFFFFUL, &n)) {
                    usage_error("fault read-error needs a block number, not '%s'", argv[3]);
                    goto fail;
                }
                json_object_set_new(args, "block", json_integer((json_int_t)n));
                if (argc == 6 && strcmp(argv[4], "--partition") == 0 &&
                    parse_uint(argv[5], 3, &n)) {
                    json_object_set_new(args, "partition", json_integer((json_int_t)n));
                } else if (argc != 4) {
                    usage_error("fault read-error: unexpected argument '%s'", argv[4]);
                    goto fail;
                }
            } else {
                if (argc == 5 && strcmp(argv[3], "--count") == 0 &&
                    parse_uint(argv[4], 1000000, &n) && n > 0) {
                    json_object_set_new(args, "count", json_integer((json_int_t)n));
                } else if (argc != 3) {
                    usage_error("fault write-error: unexpected argument '%s'", argv[3]);
                    goto fail;
                }
            }
        } else if (strcmp(kind, "jam") == 0 || strcmp(kind, "unjam") == 0 ||
                   strcmp(kind, "door-open") == 0) {
            if (argc != 2)
                goto extra;
        } else {
            usage_error("unknown fault '%s'", kind);
            goto fail;
        }
    } else {
        usage_error("unknown command '%s'", cmd);
        goto fail;
    }
    json_object_set_new(req, "args", args);
    return req;

missing:
    usage_error("%s: missing argument", cmd);
    goto fail;
extra:
    usage_error("%s: too many arguments", cmd);
fail:
    json_decref(args);
    json_decref(req);
    return NULL;
}

static int connect_control(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "vtlctl: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("vtlctl: socket");
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        fprintf(stderr, "vtlctl: cannot reach vtld at %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static bool write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Reads one '\n'-terminated line (without the newline) into a malloc'd string. */
static char *read_line(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (len + 1 >= cap) {
            if (cap >= MAX_LINE * 64) {
                free(buf);
                return NULL;
            }
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
        }
        ssize_t n = read(fd, buf + len, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            return NULL;
        }
        if (buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
    return buf;
}

static const char *jstr(json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : dflt;
}

static void print_status(json_t *result)
{
    json_t *libs = json_object_get(result, "libraries");
    size_t i;
    json_t *lib;
    json_array_foreach(libs, i, lib) {
        printf("library %s: %s %s (serial %s)  door %s, mail slots %s%s\n",
               jstr(lib, "name", "?"), jstr(lib, "vendor", ""), jstr(lib, "product", ""),
               jstr(lib, "serial", "?"), jstr(lib, "door", "?"), jstr(lib, "mailslot", "?"),
               json_is_true(json_object_get(lib, "prevented")) ? ", removal prevented" : "");
        json_t *clock = json_object_get(lib, "clock");
        if (clock)
            printf("  clock %s, t=%.3fs\n", jstr(clock, "mode", "?"),
                   json_number_value(json_object_get(clock, "seconds")));
        printf("  %-9s %5s  %-10s %-9s %s\n", "element", "addr", "barcode", "media", "notes");
        size_t j;
        json_t *e;
        json_array_foreach(json_object_get(lib, "elements"), j, e) {
            char notes[256] = "";
            size_t off = 0;
            json_t *src = json_object_get(e, "source");
            if (json_is_integer(src))
                off += (size_t)snprintf(notes + off, sizeof notes - off, "from %lld ",
                                        (long long)json_integer_value(src));
            if (json_is_false(json_object_get(e, "access")))
                off += (size_t)snprintf(notes + off, sizeof notes - off, "not-accessible ");
            const char *exc = jstr(e, "exception", NULL);
            if (exc)
                off += (size_t)snprintf(notes + off, sizeof notes - off, "exception %s ", exc);
            const char *drv = jstr(e, "drive_serial", NULL);
            if (drv)
                off += (size_t)snprintf(notes + off, sizeof notes - off, "drive %s ", drv);
            const char *dstate = jstr(e, "drive_state", NULL);
            if (dstate)
                off += (size_t)snprintf(notes + off, sizeof notes - off, "%s ", dstate);
            json_t *ta = json_object_get(e, "tapealert");
            if (json_array_size(ta)) {
                off += (size_t)snprintf(notes + off, sizeof notes - off, "tapealert");
                size_t k;
                json_t *flag;
                json_array_foreach(ta, k, flag) {
                    if (off < sizeof notes)
                        off += (size_t)snprintf(notes + off, sizeof notes - off, " %lld",
                                                (long long)json_integer_value(flag));
                }
            }
            bool full = json_is_true(json_object_get(e, "full"));
            printf("  %-9s %5lld  %-10s %-9s %s\n", jstr(e, "type", "?"),
                   (long long)json_integer_value(json_object_get(e, "address")),
                   full ? jstr(e, "barcode", "(no label)") : "-",
                   full ? jstr(e, "media", "") : "", notes);
        }
    }
}

int main(int argc, char **argv)
{
    const char *control = getenv("VTL_CONTROL");
    const char *library = NULL;
    bool as_json = false;
    static const struct option opts[] = {
        {"control", required_argument, NULL, 'c'},
        {"library", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    /* '+': stop at the first non-option, so command arguments such as --cleaner are not
     * taken for ours. */
    while ((c = getopt_long(argc, argv, "+c:l:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            control = optarg;
            break;
        case 'l':
            library = optarg;
            break;
        case 'j':
            as_json = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            fprintf(stderr, "Try 'vtlctl --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (optind >= argc)
        return usage_error("%s", "no command given");
    if (!control || !*control)
        control = "vtl-state/vtld.sock";

    json_t *req = build_request(argc - optind, argv + optind);
    if (!req)
        return EXIT_USAGE;
    json_object_set_new(req, "id", json_integer(1));
    if (library)
        json_object_set_new(req, "library", json_string(library));
    char *line = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    if (!line)
        return EXIT_USAGE;

    int fd = connect_control(control);
    if (fd < 0) {
        free(line);
        return EXIT_NODAEMON;
    }
    bool sent = write_all(fd, line, strlen(line)) && write_all(fd, "\n", 1);
    free(line);
    char *reply = sent ? read_line(fd) : NULL;
    close(fd);
    if (!reply) {
        fprintf(stderr, "vtlctl: vtld closed the connection without an answer\n");
        return EXIT_NODAEMON;
    }
    json_error_t jerr;
    json_t *resp = json_loads(reply, 0, &jerr);
    free(reply);
    if (!json_is_object(resp)) {
        fprintf(stderr, "vtlctl: unreadable answer from vtld: %s\n", jerr.text);
        json_decref(resp);
        return EXIT_NODAEMON;
    }
    int rc = 0;
    if (json_is_true(json_object_get(resp, "ok"))) {
        json_t *result = json_object_get(resp, "result");
        if (as_json) {
            json_dumpf(result ? result : json_null(), stdout, JSON_INDENT(2));
            putchar('\n');
        } else if (strcmp(argv[optind], "status") == 0) {
            print_status(result);
        } else if (json_is_object(result) && json_object_size(result)) {
            char *s = json_dumps(result, JSON_COMPACT);
            printf("ok %s\n", s ? s : "");
            free(s);
        } else {
            printf("ok\n");
        }
    } else {
        json_t *err = json_object_get(resp, "error");
        if (as_json) {
            json_dumpf(err, stdout, JSON_INDENT(2));
            putchar('\n');
        }
        fprintf(stderr, "vtlctl: %s: %s\n", jstr(err, "code", "ERROR"),
                jstr(err, "message", "request refused"));
        rc = EXIT_REFUSED;
    }
    json_decref(resp);
    return rc;
}
