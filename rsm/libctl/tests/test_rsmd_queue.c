/* SPDX-License-Identifier: MIT
 * The library request queue in client mode: a session on an rsmd this suite starts
 * (fresh database, socket in a temporary directory), whose engine drives the in-process
 * simulator's default library inside the daemon. MountNtmsMedia with NOWAIT, priorities,
 * GetNtmsRequestOrder/SetNtmsRequestOrder, CancelNtmsLibraryRequest, DeleteNtmsRequests
 * and a timeout all travel over the socket (lc_mount_q, lc_req_* in PROTOCOL.md).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/libctl/tests/suites.h"
#include "rsm/server/tests/daemon.h"
#include "tests/lib/cutest.h"

static char dir[256], db[300], sock[300], server[310];
static pid_t rsmd;

static int suite_init(void)
{
    test_mkdtemp(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(sock, sizeof sock, "%s/rsmd.sock", dir);
    snprintf(server, sizeof server, "unix:%s", sock);
    rsmd = test_rsmd_start(db, sock, NULL);
    return rsmd > 0 ? 0 : -1;
}

static int suite_clean(void)
{
    int rc = 0;
    if (rsmd > 0) {
        int st = test_rsmd_stop(rsmd, SIGTERM);
        rc = WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
    }
    rsmd = 0;
    test_rmtree(dir);
    return rc;
}

static DWORD req_state(HANDLE h, NTMS_GUID *id, DWORD *err)
{
    NTMS_OBJECTINFORMATION o = {.dwSize = sizeof o, .dwType = NTMS_LIBREQUEST};
    if (GetNtmsObjectInformation(h, id, &o) != ERROR_SUCCESS)
        return 0xFFFFFFFFu;
    if (err)
        *err = o.Info.LibRequest.dwErrorCode;
    return o.Info.LibRequest.State;
}

static DWORD wait_state(HANDLE h, NTMS_GUID *id, DWORD state)
{
    DWORD s = 0;
    for (int i = 0; i < 1000; i++) {
        s = req_state(h, id, NULL);
        if (s == state)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return s;
}

static void rsmd_queue_over_socket(void)
{
    HANDLE h = OpenNtmsSessionA(server, "queue", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE && h != NULL);
    NTMS_GUID lib;
    CU_ASSERT_EQUAL_FATAL(rsm_library_add(h, "sim:", NULL, 0, &lib), ERROR_SUCCESS);
    /* The sides of four data cartridges (unrecognized media mount as they are). */
    NTMS_GUID media[64], side[4];
    DWORD n = 64, k = 0;
    CU_ASSERT_EQUAL_FATAL(EnumerateNtmsObject(h, &lib, media, &n, NTMS_PHYSICAL_MEDIA, 0),
                          ERROR_SUCCESS);
    for (DWORD i = 0; i < n && k < 4; i++) {
        NTMS_OBJECTINFORMATIONA pm = {.dwSize = sizeof pm, .dwType = NTMS_PHYSICAL_MEDIA};
        DWORD one = 1;
        if (GetNtmsObjectInformationA(h, &media[i], &pm) == ERROR_SUCCESS &&
            strncmp(pm.Info.PhysicalMedia.szBarCode, "A000", 4) == 0 &&
            EnumerateNtmsObject(h, &media[i], &side[k], &one, NTMS_PARTITION, 0) ==
                ERROR_SUCCESS)
            k++;
    }
    CU_ASSERT_EQUAL_FATAL(k, 4);
    NTMS_GUID d, rc_, rd;
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(h, &side[0], &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(h, &side[1], &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL),
                          ERROR_SUCCESS);
    /* Both drives busy: two mounts queue; the higher priority goes first, until moved. */
    CU_ASSERT_EQUAL(rsm_mount_queued(h, &side[2], &d, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, 0,
                                     INFINITE, &rc_),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_mount_queued(h, &side[3], &d, 1, NTMS_MOUNT_READ | NTMS_MOUNT_NOWAIT, 3,
                                     INFINITE, &rd),
                    ERROR_SUCCESS);
    DWORD o = 0;
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(h, &rd, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 1);
    CU_ASSERT_EQUAL(SetNtmsRequestOrder(h, &rc_, 1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(h, &rc_, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 1);
    CU_ASSERT_EQUAL(GetNtmsRequestOrder(h, &rd, &o), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(o, 2);
    CU_ASSERT_EQUAL(req_state(h, &rd, NULL), NTMS_LM_QUEUED);
    /* Cancelled, then deleted; a queued one cannot be deleted. */
    NTMS_GUID both[2] = {rd, rc_};
    CU_ASSERT_EQUAL(CancelNtmsLibraryRequest(h, &rd), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(req_state(h, &rd, NULL), NTMS_LM_CANCELLED);
    CU_ASSERT_EQUAL(DeleteNtmsRequests(h, both, NTMS_LIBREQUEST, 2), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(DeleteNtmsRequests(h, &rd, NTMS_LIBREQUEST, 1), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(req_state(h, &rd, NULL), 0xFFFFFFFFu);
    CU_ASSERT_EQUAL(CancelNtmsLibraryRequest(h, &rd), ERROR_OBJECT_NOT_FOUND);
    /* A timeout while both drives stay busy. */
    CU_ASSERT_EQUAL(MountNtmsMedia(h, &side[3], &d, 1, NTMS_MOUNT_READ, 0, 100, NULL),
                    ERROR_TIMEOUT);
    /* A drive is freed: the queued mount runs in the daemon. */
    CU_ASSERT_EQUAL(DismountNtmsMedia(h, &side[0], 1, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(wait_state(h, &rc_, NTMS_LM_PASSED), NTMS_LM_PASSED);
    DWORD err = 99;
    (void)req_state(h, &rc_, &err);
    CU_ASSERT_EQUAL(err, ERROR_SUCCESS);
    NTMS_GUID rest[2] = {side[1], side[2]};
    CU_ASSERT_EQUAL(DismountNtmsMedia(h, rest, 2, 0), ERROR_SUCCESS);
    CloseNtmsSession(h);
}

static CU_TestInfo rsmd_queue_tests[] = {
    {"queue_over_socket", rsmd_queue_over_socket},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo libctl_rsmd_suites[] = {
    {"libctl_rsmd", suite_init, suite_clean, NULL, NULL, rsmd_queue_tests},
    CU_SUITE_INFO_NULL,
};
