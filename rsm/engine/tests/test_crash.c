/* SPDX-License-Identifier: MIT
 * Crash safety: a child process runs an allocate/deallocate/move storm and is killed with
 * SIGKILL at random (seeded) moments; after each kill the database opens cleanly, passes
 * integrity_check, and every medium is in exactly one pool with consistent sides/LMIDs.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rsm/engine/tests/helpers.h"

#define N_MEDIA 12
#define ROUNDS  5

static void storm(const char *server, const GUID *app, const GUID *freep, const GUID *media,
                  unsigned seed)
{
    HANDLE h = OpenNtmsSessionA(server, "storm", 0);
    if (h == INVALID_HANDLE_VALUE)
        _exit(2);
    GUID lmids[N_MEDIA];
    int n = 0;
    time_t end = time(NULL) + 3; /* bounded even if never killed */
    while (time(NULL) < end) {
        int op = (int)(rand_r(&seed) % 4);
        if (op <= 1 && n < N_MEDIA) {
            if (AllocateNtmsMedia(h, (LPNTMS_GUID)app, NULL, &lmids[n], 0, 0, NULL) ==
                ERROR_SUCCESS)
                n++;
        } else if (op == 2 && n > 0) {
            int k = (int)(rand_r(&seed) % (unsigned)n);
            if (DeallocateNtmsMedia(h, &lmids[k], 0) == ERROR_SUCCESS)
                lmids[k] = lmids[--n];
        } else {
            int k = (int)(rand_r(&seed) % N_MEDIA);
            (void)MoveToNtmsMediaPool(h, (LPNTMS_GUID)&media[k],
                                      (LPNTMS_GUID)(rand_r(&seed) % 2 ? app : freep));
        }
    }
    CloseNtmsSession(h);
    _exit(0);
}

static void test_killed_storm_leaves_consistent_database(void)
{
    struct fx f;
    fx_library(&f, N_MEDIA, N_MEDIA);
    GUID app = fx_pool(&f, "Storm", &f.lto, NTMS_ALLOCATE_FROMSCRATCH, NTMS_DEALLOCATE_TOSCRATCH);
    GUID freep = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.lto);
    for (int i = 0; i < N_MEDIA; i++)
        fx_to_free(&f, i);
    CU_ASSERT_EQUAL(CloseNtmsSession(f.h), ERROR_SUCCESS); /* the child owns the database */
    f.h = NULL;
    unsigned seed = 20261125;
    for (int round = 0; round < ROUNDS; round++) {
        fflush(NULL);
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0)
            storm(f.server, &app, &freep, f.media, seed + (unsigned)round);
        useconds_t delay = 30000 + (useconds_t)(rand_r(&seed) % 220000);
        usleep(delay);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        f.h = OpenNtmsSessionA(f.server, "check", 0);
        CU_ASSERT_FATAL(f.h != INVALID_HANDLE_VALUE);
        f.e = rsm_session_engine(f.h);
        fx_check(&f);
        CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_PHYSICAL_MEDIA), N_MEDIA);
        DWORD in_app = fx_count(&f, &app, NTMS_PHYSICAL_MEDIA);
        DWORD in_free = fx_count(&f, &freep, NTMS_PHYSICAL_MEDIA);
        CU_ASSERT_EQUAL(in_app + in_free, N_MEDIA); /* each medium in exactly one pool */
        CU_ASSERT_EQUAL(CloseNtmsSession(f.h), ERROR_SUCCESS);
        f.h = NULL;
    }
    /* The storm did real work: sides were allocated. */
    f.h = OpenNtmsSessionA(f.server, "check", 0);
    CU_ASSERT_FATAL(f.h != INVALID_HANDLE_VALUE);
    DWORD total = 0;
    for (int i = 0; i < N_MEDIA; i++) {
        GUID side = fx_side(&f, &f.media[i], 0);
        NTMS_OBJECTINFORMATIONW w;
        fx_get(&f, &side, NTMS_PARTITION, &w);
        total += w.Info.Partition.dwAllocateCount;
    }
    CU_ASSERT(total > 0);
    fx_close(&f);
}

static CU_TestInfo crash_tests[] = {
    {"killed_storm_leaves_consistent_database", test_killed_storm_leaves_consistent_database},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_crash_suites[] = {
    {"rsm_crash", NULL, NULL, NULL, NULL, crash_tests},
    CU_SUITE_INFO_NULL,
};
