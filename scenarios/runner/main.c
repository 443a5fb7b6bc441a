/* SPDX-License-Identifier: MIT
 * rsm-scenario - validates and runs scenario files (scenarios/README.md).
 *
 *   rsm-scenario check FILES...                  validate only
 *   rsm-scenario run [--junit FILE] [--tap] [--jobs N] [--trace] [--seed N]
 *                    [--device URI] FILES...
 *
 * --device runs the files against a real library (iscsi://HOST[:PORT]/IQN/LUN of its
 * changer, sg:/dev/sgN) instead of a simulated one: steps that need the simulator are
 * skipped, each with its reason on stdout and as a skipped test case in the JUnit report.
 *
 * Every file is validated before anything runs: one bad file stops the run with its
 * file:line:column message, so a typo never passes as a green scenario. Each scenario then
 * runs isolated (its own simulator and database); --jobs runs N at a time in threads.
 * Exit status: 0 all passed (or all valid, for check), 1 a scenario failed, 2 bad input
 * or usage.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenarios/runner/scn.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: rsm-scenario check FILES...\n"
               "       rsm-scenario run [--junit FILE] [--tap] [--jobs N] [--trace] [--seed N] "
               "[--device URI] FILES...\n");
}

struct pool {
    struct scn_scenario **sc;
    struct scn_result *res;
    size_t n, next;
    const uint64_t *seed;
    const char *device;
    pthread_mutex_t lock;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        scn_run_device(p->sc[i], p->seed, p->device, &p->res[i]);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    bool run = !strcmp(argv[1], "run");
    if (!run && strcmp(argv[1], "check")) {
        usage(stderr);
        return 2;
    }
    const char *junit = NULL, *device = NULL;
    bool tap = false, trace = false;
    long jobs = 1;
    uint64_t seed;
    const uint64_t *seedp = NULL;
    int i = 2;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (run && !strcmp(argv[i], "--junit") && i + 1 < argc) {
            junit = argv[++i];
        } else if (run && !strcmp(argv[i], "--device") && i + 1 < argc) {
            device = argv[++i];
            if (!*device) {
                fprintf(stderr, "rsm-scenario: --device expects a device URI\n");
                return 2;
            }
        } else if (run && !strcmp(argv[i], "--tap")) {
            tap = true;
        } else if (run && !strcmp(argv[i], "--trace")) {
            trace = true;
        } else if (run && !strcmp(argv[i], "--jobs") && i + 1 < argc) {
            char *end;
            jobs = strtol(argv[++i], &end, 10);
            if (*end || jobs < 1 || jobs > 256) {
                fprintf(stderr, "rsm-scenario: --jobs expects a number from 1 to 256\n");
                return 2;
            }
        } else if (run && !strcmp(argv[i], "--seed") && i + 1 < argc) {
            char *end;
            seed = strtoull(argv[++i], &end, 0);
            if (*end) {
                fprintf(stderr, "rsm-scenario: --seed expects a number\n");
                return 2;
            }
            seedp = &seed;
        } else {
            usage(stderr);
            return 2;
        }
    }
    size_t n = (size_t)(argc - i);
    if (n == 0) {
        usage(stderr);
        return 2;
    }
    struct scn_scenario **sc = calloc(n, sizeof *sc);
    struct scn_result *res = calloc(n, sizeof *res);
    if (!sc || !res) {
        fprintf(stderr, "rsm-scenario: out of memory\n");
        return 2;
    }
    int bad = 0;
    for (size_t k = 0; k < n; k++) {
        char err[2048];
        if (scn_load_file(argv[i + (int)k], &sc[k], err, sizeof err) != SCN_OK) {
            fprintf(stderr, "%s\n", err);
            bad = 1;
        }
    }
    if (bad || !run) {
        if (!bad)
            printf("%zu scenario file%s valid\n", n, n == 1 ? "" : "s");
        for (size_t k = 0; k < n; k++)
            scn_free(sc[k]);
        free(sc);
        free(res);
        return bad ? 2 : 0;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* A real library is one device: its scenarios run one after the other. */
    if (device)
        jobs = 1;
    struct pool p = {.sc = sc, .res = res, .n = n, .seed = seedp, .device = device};
    pthread_mutex_init(&p.lock, NULL);
    size_t n_threads = (size_t)jobs < n ? (size_t)jobs : n;
    pthread_t *th = calloc(n_threads, sizeof *th);
    size_t started = 0;
    for (size_t k = 0; th && k < n_threads; k++)
        if (pthread_create(&th[k], NULL, worker, &p) == 0)
            started++;
    if (started == 0)
        worker(&p);
    for (size_t k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    free(th);
    pthread_mutex_destroy(&p.lock);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

    size_t passed = 0;
    uint64_t vt = 0;
    for (size_t k = 0; k < n; k++) {
        const struct scn_result *r = &res[k];
        passed += r->rc == SCN_OK;
        vt += r->virtual_us;
        if (!tap) {
            printf("%-4s %s (%s) %u steps, virtual %.3f s, wall %.3f ms",
                   r->rc == SCN_OK ? "PASS" : "FAIL", r->name, r->file, r->steps_run,
                   r->virtual_us / 1e6, r->wall_s * 1e3);
            if (r->steps_skipped)
                printf(", %u skipped", r->steps_skipped);
            printf("\n");
            for (const char *q = r->skipped; q && *q;) {
                const char *nl = strchr(q, '\n');
                int len = nl ? (int)(nl - q) : (int)strlen(q);
                printf("  SKIP %.*s\n", len, q);
                q += len + (nl ? 1 : 0);
            }
            if (r->rc != SCN_OK && r->failure)
                printf("%s", r->failure);
        }
        if (trace)
            fprintf(stderr, "# %s\n%s", r->name, r->trace ? r->trace : "");
    }
    if (tap)
        scn_report_tap(stdout, res, n);
    else
        printf("scenarios: %zu passed, %zu failed; wall %.3f s, virtual %.3f s (%.0fx)\n", passed,
               n - passed, wall, vt / 1e6, wall > 0 ? vt / 1e6 / wall : 0.0);
    int rc = passed == n ? 0 : 1;
    if (junit) {
        FILE *f = fopen(junit, "w");
        if (!f) {
            fprintf(stderr, "rsm-scenario: cannot write %s\n", junit);
            rc = 2;
        } else {
            scn_report_junit(f, res, n);
            if (fclose(f) != 0) {
                fprintf(stderr, "rsm-scenario: cannot write %s\n", junit);
                rc = 2;
            }
        }
    }
    for (size_t k = 0; k < n; k++) {
        scn_result_free(&res[k]);
        scn_free(sc[k]);
    }
    free(sc);
    free(res);
    return rc;
}
