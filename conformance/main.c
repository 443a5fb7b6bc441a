/* SPDX-License-Identifier: MIT
 * conformance/main.c - rsm-conform: certify a medium changer and its drives.
 *
 *   rsm-conform --device URI --report DIR [--safe] [--scratch BARCODE] [--only GLOB]
 *               [--drive URI]... [--quiet]
 *   rsm-conform --list          the catalogue as a Markdown table
 *
 * Exit status: 0 when no check failed (and, with --safe, the inventory was put back);
 * 1 when a check failed; 2 for usage errors, a device that cannot be opened or a report
 * that cannot be written; 3 when --safe could not restore the inventory.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/conform.h"

/* SIGINT/SIGTERM: finish the current check (and its restore), then write the report. */
static volatile int stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fputs("usage: rsm-conform --device URI --report DIR [--safe] [--scratch BARCODE]\n"
          "                   [--only GLOB] [--drive URI]... [--quiet]\n"
          "       rsm-conform --list\n"
          "URI: sim:[CONFIG.yaml] | iscsi://HOST[:PORT]/IQN/LUN | sg:/dev/sgN\n", f);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"device", required_argument, NULL, 'd'}, {"report", required_argument, NULL, 'r'},
        {"safe", no_argument, NULL, 's'},         {"scratch", required_argument, NULL, 'S'},
        {"only", required_argument, NULL, 'o'},   {"drive", required_argument, NULL, 'D'},
        {"list", no_argument, NULL, 'l'},         {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    struct conform_opts o = {0};
    const char *report = NULL;
    const char *drives[16];
    size_t n_drives = 0;
    int c;
    while ((c = getopt_long(argc, argv, "d:r:sS:o:D:lqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.device_uri = optarg; break;
        case 'r': report = optarg; break;
        case 's': o.safe = true; break;
        case 'S': o.scratch = optarg; break;
        case 'o': o.only = optarg; break;
        case 'q': o.quiet = true; break;
        case 'D':
            if (n_drives == 16) {
                fprintf(stderr, "rsm-conform: at most 16 --drive\n");
                return 2;
            }
            drives[n_drives++] = optarg;
            break;
        case 'l': conform_catalogue_print(stdout); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.device_uri || !report || optind != argc) {
        usage(stderr);
        return 2;
    }
    o.stop = &stop_flag;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    o.drive_uris = drives;
    o.n_drive_uris = n_drives;
    struct conform_run *r;
    char err[512] = "";
    if (conform_run_open(&o, &r, err, sizeof err) != CONFORM_OK) {
        fprintf(stderr, "rsm-conform: cannot open %s: %s\n", o.device_uri, err);
        return 2;
    }
    const struct conform_identity *id = conform_changer_identity(r);
    size_t nd;
    conform_drives(r, &nd);
    if (!o.quiet)
        fprintf(stderr, "device: %s %s %s serial %s, %zu drive(s)\n", id->vendor, id->product,
                id->revision, id->serial, nd);
    enum conform_rc rc = conform_run_all(r);
    unsigned p, f, s;
    conform_counts(r, &p, &f, &s);
    int status = f ? 1 : 0;
    if (rc == CONFORM_E_RESTORE) {
        fprintf(stderr, "rsm-conform: --safe: the inventory could not be put back\n");
        status = 3;
    } else if (rc != CONFORM_OK) {
        fprintf(stderr, "rsm-conform: run aborted: %s\n", conform_rc_name(rc));
        status = 2;
    }
    if (conform_report_write_all(r, report, err, sizeof err) != CONFORM_OK) {
        fprintf(stderr, "rsm-conform: %s\n", err);
        status = 2;
    }
    fprintf(stderr, "summary: %u passed, %u failed, %u skipped; report in %s\n", p, f, s, report);
    conform_run_free(r);
    return status;
}
