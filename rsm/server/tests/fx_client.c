/* SPDX-License-Identifier: MIT
 * The engine suites' fixtures (rsm/engine/tests/helpers.h) in client mode: the same
 * fixture is built with the engine's own helpers, then an rsmd is started on its database
 * and the test's session f->h (and every session the test opens on f->server) goes over
 * the socket. Device registration (f->e) has no API of its own, so the fixture keeps an
 * embedded session on the same directory for it; SQLite keeps the two processes
 * consistent, as it does for any two engines on one directory.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#define fx_open     fx_open_embedded
#define fx_library  fx_library_embedded
#define fx_close    fx_close_embedded
#include "rsm/engine/tests/helpers.c"
#undef fx_open
#undef fx_library
#undef fx_close

#include "rsm/server/tests/daemon.h"

static struct {
    struct fx *f;
    HANDLE embedded;
    pid_t rsmd;
} live[8];

static void to_client(struct fx *f)
{
    int slot = 0;
    while (slot < 8 && live[slot].f)
        slot++;
    CU_ASSERT_FATAL(slot < 8);
    char db[280], sock[280];
    snprintf(db, sizeof db, "%s/db", f->dir);
    snprintf(sock, sizeof sock, "%s/rsmd.sock", f->dir);
    pid_t pid = test_rsmd_start(db, sock, NULL);
    CU_ASSERT_FATAL(pid > 0);
    live[slot].f = f;
    live[slot].embedded = f->h;
    live[slot].rsmd = pid;
    snprintf(f->server, sizeof f->server, "unix:%s", sock);
    f->h = OpenNtmsSessionA(f->server, "engine-test", 0);
    CU_ASSERT_FATAL(f->h != INVALID_HANDLE_VALUE);
    CU_ASSERT_FATAL(rsm_session_engine(f->h) == NULL); /* really a client session */
}

void fx_open(struct fx *f)
{
    fx_open_embedded(f);
    to_client(f);
}

void fx_library(struct fx *f, int n_slots, int n_media)
{
    fx_library_embedded(f, n_slots, n_media);
    to_client(f);
}

void fx_close(struct fx *f)
{
    if (f->h && f->h != INVALID_HANDLE_VALUE)
        CU_ASSERT_EQUAL(CloseNtmsSession(f->h), ERROR_SUCCESS);
    f->h = NULL;
    for (int i = 0; i < 8; i++) {
        if (live[i].f != f)
            continue;
        CloseNtmsSession(live[i].embedded);
        int st = test_rsmd_stop(live[i].rsmd, SIGTERM);
        CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0); /* clean stop every time */
        live[i].f = NULL;
    }
    test_rmtree(f->dir);
}
