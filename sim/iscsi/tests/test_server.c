/* SPDX-License-Identifier: MIT
 * sim/iscsi/tests/test_server.c - the whole stack on a loopback port: libiscsi as the
 * initiator (login, INQUIRY, TEST UNIT READY, REPORT LUNS, writes and reads larger than
 * FirstBurstLength so R2T runs, LUN reset, header digests, CHAP, discovery), iscsi-ls and
 * iscsi-inq as child processes, 64 concurrent sessions, a client that stalls in the middle
 * of a PDU, malformed PDUs, and commands completed late by the tick.
 *
 * The server runs vtl_iscsi_server_run() on its own thread; the test thread is the
 * initiator. Every test stops what it started (teardown).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "sim/iscsi/iscsi.h"
#include "sim/iscsi/tests/fake_backend.h"
#include "tests/lib/cutest.h"

#define LIB1 "iqn.2026-11.org.openrsm:lib1"
#define LIB2 "iqn.2026-11.org.openrsm:lib2"
#define INI  "iqn.2026-11.org.openrsm:test-initiator"

static struct fake_backend fb;
static struct vtl_iscsi_server *srv;
static pthread_t thread;
static bool running;
static char portal[64];

static void setup(void)
{
    static const uint16_t luns1[] = {0, 1, 2}, luns2[] = {0, 1, FAKE_DISK_LUN};
    struct vtl_iscsi_config cfg;
    CU_ASSERT_FATAL(fake_backend_init(&fb));
    vtl_iscsi_config_default(&cfg);
    cfg.port = 0;                          /* a free port, read back below */
    cfg.tick = fake_backend_tick;
    cfg.tick_ctx = &fb;
    cfg.tick_interval_ms = 2;
    srv = vtl_iscsi_server_new(&cfg, &fake_backend_ops, &fb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    CU_ASSERT_EQUAL(vtl_iscsi_server_add_target(srv, LIB1, "lib1", luns1, 3, NULL), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL(vtl_iscsi_server_add_target(srv, LIB2, "lib2", luns2, 3, NULL), VTL_ISCSI_OK);
    CU_ASSERT_EQUAL_FATAL(vtl_iscsi_server_listen(srv), VTL_ISCSI_OK);
    CU_ASSERT_NOT_EQUAL(vtl_iscsi_server_port(srv), 0);
    snprintf(portal, sizeof portal, "127.0.0.1:%u", vtl_iscsi_server_port(srv));
    running = false;
}

static void *loop_main(void *arg)
{
    (void)vtl_iscsi_server_run(arg);
    return NULL;
}

/* Starts the loop thread; server settings must be made before this. */
static void start(void)
{
    CU_ASSERT_EQUAL_FATAL(pthread_create(&thread, NULL, loop_main, srv), 0);
    running = true;
}

static void teardown(void)
{
    if (running) {
        vtl_iscsi_server_stop(srv);
        pthread_join(thread, NULL);
    }
    vtl_iscsi_server_free(srv);
    srv = NULL;
    fake_backend_fini(&fb);
}

static struct iscsi_context *connect_lun(const char *target, int lun, const char *user,
                                         const char *secret)
{
    struct iscsi_context *ctx = iscsi_create_context(INI);
    if (!ctx)
        return NULL;
    iscsi_set_targetname(ctx, target);
    iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
    iscsi_set_timeout(ctx, 10);
    if (user)
        iscsi_set_initiator_username_pwd(ctx, user, secret);
    if (iscsi_full_connect_sync(ctx, portal, lun) != 0) {
        iscsi_destroy_context(ctx);
        return NULL;
    }
    return ctx;
}

static void disconnect(struct iscsi_context *ctx)
{
    if (!ctx)
        return;
    (void)iscsi_logout_sync(ctx);
    iscsi_destroy_context(ctx);
}

static int inquiry_type(struct iscsi_context *ctx, int lun)
{
    struct scsi_task *t = iscsi_inquiry_sync(ctx, lun, 0, 0, 96);
    int type = -1;
    if (t && t->status == SCSI_STATUS_GOOD) {
        struct scsi_inquiry_standard *inq = scsi_datain_unmarshall(t);
        if (inq)
            type = inq->device_type;
    }
    if (t)
        scsi_free_scsi_task(t);
    return type;
}

/* WRITE BUFFER (mode 02h, data) of @len bytes at @off, then READ BUFFER back. */
static bool write_read(struct iscsi_context *ctx, int lun, uint32_t off, uint32_t len)
{
    uint8_t *pat = malloc(len);
    for (uint32_t i = 0; i < len; i++)
        pat[i] = (uint8_t)(i * 31 + len);
    unsigned char cdb[10] = {0x3B, 0x02, 0, (unsigned char)(off >> 16), (unsigned char)(off >> 8),
                             (unsigned char)off, (unsigned char)(len >> 16),
                             (unsigned char)(len >> 8), (unsigned char)len, 0};
    struct scsi_task *t = scsi_create_task(10, cdb, SCSI_XFER_WRITE, (int)len);
    struct iscsi_data d = {.size = len, .data = pat};
    struct scsi_task *r = iscsi_scsi_command_sync(ctx, lun, t, &d);
    bool ok = r && r->status == SCSI_STATUS_GOOD;
    scsi_free_scsi_task(t);
    cdb[0] = 0x3C;
    t = scsi_create_task(10, cdb, SCSI_XFER_READ, (int)len);
    r = iscsi_scsi_command_sync(ctx, lun, t, NULL);
    ok = ok && r && r->status == SCSI_STATUS_GOOD && t->datain.size == (int)len &&
         memcmp(t->datain.data, pat, len) == 0;
    scsi_free_scsi_task(t);
    free(pat);
    return ok;
}

static void test_libiscsi_full_stack(void)
{
    start();
    struct iscsi_context *ctx = connect_lun(LIB1, 0, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(inquiry_type(ctx, 0), SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_MEDIA_CHANGER);
    CU_ASSERT_EQUAL(inquiry_type(ctx, 1), SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_SEQUENTIAL_ACCESS);
    CU_ASSERT_EQUAL(inquiry_type(ctx, 2), SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_SEQUENTIAL_ACCESS);
    struct scsi_task *t = iscsi_testunitready_sync(ctx, 1);
    CU_ASSERT(t && t->status == SCSI_STATUS_GOOD);
    if (t)
        scsi_free_scsi_task(t);
    t = iscsi_reportluns_sync(ctx, 0, 512);
    CU_ASSERT_FATAL(t && t->status == SCSI_STATUS_GOOD);
    struct scsi_reportluns_list *list = scsi_datain_unmarshall(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(list);
    CU_ASSERT_EQUAL(list->num, 3u);
    CU_ASSERT(list->luns[0] == 0 && list->luns[1] == 1 && list->luns[2] == 2);
    scsi_free_scsi_task(t);
    /* 64 KiB .. 1 MiB; libiscsi negotiates FirstBurstLength 256 KiB, so the larger
     * transfers need R2T */
    CU_ASSERT_TRUE(write_read(ctx, 1, 0, 64 * 1024));
    CU_ASSERT_TRUE(write_read(ctx, 1, 4096, 300 * 1024 + 17));
    CU_ASSERT_TRUE(write_read(ctx, 2, 0, 1024 * 1024));
    struct vtl_iscsi_stats st;
    vtl_iscsi_server_stats(srv, &st);
    CU_ASSERT_TRUE(st.r2ts >= 3);
    CU_ASSERT_EQUAL(iscsi_task_mgmt_lun_reset_sync(ctx, 1), 0);
    CU_ASSERT_EQUAL(__atomic_load_n(&fb.last_tmf_fn, __ATOMIC_SEQ_CST), VTL_ISCSI_TMF_LUN_RESET);
    CU_ASSERT_EQUAL(__atomic_load_n(&fb.last_tmf_lun, __ATOMIC_SEQ_CST), 1);
    disconnect(ctx);
}

/* ImmediateData=No and InitialR2T=Yes: every byte of a write is solicited by R2T. */
static void test_libiscsi_all_data_by_r2t(void)
{
    start();
    struct iscsi_context *ctx = iscsi_create_context(INI);
    iscsi_set_targetname(ctx, LIB1);
    iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
    iscsi_set_immediate_data(ctx, ISCSI_IMMEDIATE_DATA_NO);
    iscsi_set_initial_r2t(ctx, ISCSI_INITIAL_R2T_YES);
    iscsi_set_timeout(ctx, 10);
    CU_ASSERT_EQUAL_FATAL(iscsi_full_connect_sync(ctx, portal, 2), 0);
    struct vtl_iscsi_stats before, after;
    vtl_iscsi_server_stats(srv, &before);
    CU_ASSERT_TRUE(write_read(ctx, 2, 512, 600 * 1024 + 3));
    vtl_iscsi_server_stats(srv, &after);
    /* 600 KiB in MaxBurstLength (256 KiB, libiscsi's) pieces: three R2Ts */
    CU_ASSERT_EQUAL(after.r2ts - before.r2ts, 3u);
    disconnect(ctx);
}

static void test_header_digest(void)
{
    start();
    struct iscsi_context *ctx = iscsi_create_context(INI);
    iscsi_set_targetname(ctx, LIB2);
    iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(ctx, ISCSI_HEADER_DIGEST_CRC32C);
    iscsi_set_timeout(ctx, 10);
    CU_ASSERT_EQUAL_FATAL(iscsi_full_connect_sync(ctx, portal, 1), 0);
    CU_ASSERT_EQUAL(inquiry_type(ctx, 1), SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_SEQUENTIAL_ACCESS);
    CU_ASSERT_TRUE(write_read(ctx, 1, 0, 512 * 1024));
    disconnect(ctx);
    struct vtl_iscsi_stats st;
    vtl_iscsi_server_stats(srv, &st);
    CU_ASSERT_EQUAL(st.digest_errors, 0u);
}

static void test_chap(void)
{
    CU_ASSERT_EQUAL(vtl_iscsi_server_set_chap(srv, NULL, "user", "secretsecret", "tgtuser",
                                              "targetsecret"), VTL_ISCSI_OK);
    start();
    struct iscsi_context *ctx = connect_lun(LIB1, 0, "user", "secretsecret");
    CU_ASSERT_PTR_NOT_NULL(ctx);
    CU_ASSERT_EQUAL(inquiry_type(ctx, 0), SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_MEDIA_CHANGER);
    disconnect(ctx);
    CU_ASSERT_PTR_NULL(connect_lun(LIB1, 0, "user", "wrong-secret"));
    CU_ASSERT_PTR_NULL(connect_lun(LIB1, 0, NULL, NULL));          /* CHAP is required */
    /* mutual: the target proves it knows the target secret */
    ctx = iscsi_create_context(INI);
    iscsi_set_targetname(ctx, LIB1);
    iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
    iscsi_set_initiator_username_pwd(ctx, "user", "secretsecret");
    iscsi_set_target_username_pwd(ctx, "tgtuser", "targetsecret");
    CU_ASSERT_EQUAL(iscsi_full_connect_sync(ctx, portal, 0), 0);
    disconnect(ctx);
    ctx = iscsi_create_context(INI);
    iscsi_set_targetname(ctx, LIB1);
    iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
    iscsi_set_initiator_username_pwd(ctx, "user", "secretsecret");
    iscsi_set_target_username_pwd(ctx, "tgtuser", "not-the-target-secret");
    CU_ASSERT_NOT_EQUAL(iscsi_full_connect_sync(ctx, portal, 0), 0);
    iscsi_destroy_context(ctx);
    struct vtl_iscsi_stats st;
    vtl_iscsi_server_stats(srv, &st);
    CU_ASSERT_TRUE(st.logins_failed >= 2);
}

static void test_discovery(void)
{
    start();
    struct iscsi_context *ctx = iscsi_create_context(INI);
    iscsi_set_session_type(ctx, ISCSI_SESSION_DISCOVERY);
    CU_ASSERT_EQUAL_FATAL(iscsi_connect_sync(ctx, portal), 0);
    CU_ASSERT_EQUAL_FATAL(iscsi_login_sync(ctx), 0);
    struct iscsi_discovery_address *da = iscsi_discovery_sync(ctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(da);
    int n = 0;
    bool saw1 = false, saw2 = false;
    char want_portal[80];
    snprintf(want_portal, sizeof want_portal, "%s,1", portal);
    for (struct iscsi_discovery_address *a = da; a; a = a->next) {
        n++;
        saw1 |= strcmp(a->target_name, LIB1) == 0;
        saw2 |= strcmp(a->target_name, LIB2) == 0;
        CU_ASSERT_PTR_NOT_NULL(a->portals);
        if (a->portals)
            CU_ASSERT_STRING_EQUAL(a->portals->portal, want_portal);
    }
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_TRUE(saw1 && saw2);
    iscsi_free_discovery_data(ctx, da);
    disconnect(ctx);
}

/* Runs @cmd, returns its output (owned, free()) or NULL. */
static char *run_tool(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 65536, len = 0;
    char *out = malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - 1 - len, p)) > 0)
        len += n;
    out[len] = '\0';
    int rc = pclose(p);
    if (rc != 0) {
        fprintf(stderr, "%s exited %d:\n%s\n", cmd, rc, out);
        free(out);
        return NULL;
    }
    return out;
}

static void test_iscsi_ls_and_inq(void)
{
    start();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "iscsi-ls -s -i %s iscsi://%s 2>&1", INI, portal);
    char *out = run_tool(cmd);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Target:" LIB1));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Target:" LIB2));
    /* every LUN with its device type: LUN 0 the changer, the others tape drives */
    int changers = 0, tapes = 0;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        if (strstr(l, "Lun:0") && strstr(l, "MEDIA_CHANGER"))
            changers++;
        if ((strstr(l, "Lun:1") || strstr(l, "Lun:2")) && strstr(l, "SEQUENTIAL_ACCESS"))
            tapes++;
    }
    CU_ASSERT_EQUAL(changers, 2);
    CU_ASSERT_EQUAL(tapes, 3);
    free(out);
    snprintf(cmd, sizeof cmd, "iscsi-inq -i %s iscsi://%s/%s/1 2>&1", INI, portal, LIB1);
    out = run_tool(cmd);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "SEQUENTIAL_ACCESS"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "OPENRSM"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAKE TAPE"));
    free(out);
    snprintf(cmd, sizeof cmd, "iscsi-inq -i %s -e 1 -c 128 iscsi://%s/%s/0 2>&1", INI, portal,
             LIB1);
    out = run_tool(cmd);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "CHG0000001"));   /* unit serial number page */
    free(out);
}

/* libiscsi's own conformance tool, iSCSI family, against the fake disk LUN: CmdSN window,
 * DataSN checking, read residuals, task management. The write-residual tests need the
 * device to say how much of the data it used, which struct vtl_cmd does not carry (see
 * README), so they are not required here. */
static void test_iscsi_test_cu_iscsi_family(void)
{
    start();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "iscsi-test-cu -d -t iSCSI iscsi://%s/%s/%d 2>&1; true",
             portal, LIB2, FAKE_DISK_LUN);
    char *out = run_tool(cmd);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    static const char *const must_pass[] = {
        "iSCSICmdSnTooHigh", "iSCSICmdSnTooLow", "iSCSIDataSnInvalid", "Read10Invalid",
        "Read10Residuals", "Read12Residuals", "Read16Residuals", "AbortTaskSimpleAsync",
        "LUNResetSimpleAsync",
    };
    for (size_t i = 0; i < sizeof must_pass / sizeof must_pass[0]; i++) {
        char want[128];
        snprintf(want, sizeof want, "Test: %s ...", must_pass[i]);
        char *at = strstr(out, want);
        CU_ASSERT_PTR_NOT_NULL(at);
        if (!at)
            continue;
        /* the verdict follows on the same or a later line, before the next test */
        char *next_test = strstr(at + strlen(want), "Test: ");
        char *ok = strstr(at, "passed");
        CU_ASSERT(ok && (!next_test || ok < next_test));
        if (!ok || (next_test && ok > next_test))
            fprintf(stderr, "iscsi-test-cu: %s did not pass\n", must_pass[i]);
    }
    free(out);
}

static void test_64_concurrent_sessions(void)
{
    enum { N = 64 };
    start();
    struct iscsi_context *ctx[N];
    int ok = 0;
    for (int i = 0; i < N; i++) {
        char name[128];
        snprintf(name, sizeof name, INI "-%d", i);
        ctx[i] = iscsi_create_context(name);
        iscsi_set_targetname(ctx[i], i % 2 ? LIB1 : LIB2);
        iscsi_set_session_type(ctx[i], ISCSI_SESSION_NORMAL);
        iscsi_set_timeout(ctx[i], 10);
        if (iscsi_full_connect_sync(ctx[i], portal, 1) == 0)
            ok++;
    }
    CU_ASSERT_EQUAL(ok, N);
    CU_ASSERT_EQUAL(fake_get(&fb.n_nexus_open), (unsigned)N);
    /* every session still works with all of them open */
    int good = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++) {
            struct scsi_task *t = iscsi_testunitready_sync(ctx[i], 1);
            good += t && t->status == SCSI_STATUS_GOOD;
            if (t)
                scsi_free_scsi_task(t);
        }
    }
    CU_ASSERT_EQUAL(good, 2 * N);
    for (int i = 0; i < N; i++)
        disconnect(ctx[i]);
}

static int raw_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(vtl_iscsi_server_port(srv))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static size_t raw_login_pdu(uint8_t *buf)
{
    static const char text[] = "InitiatorName=" INI "-raw\0TargetName=" LIB1
                               "\0SessionType=Normal\0";
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_LOGIN_REQ;
    h.immediate = true;
    h.final = true;
    h.csg = 1;
    h.nsg = 3;
    h.isid[0] = 0x80;
    h.itt = 1;
    h.data_len = sizeof text - 1;
    vtl_iscsi_bhs_encode(&h, buf, 48);
    memcpy(buf + 48, text, sizeof text - 1);
    size_t n = 48 + vtl_iscsi_pad4(sizeof text - 1);
    memset(buf + 48 + sizeof text - 1, 0, n - 48 - (sizeof text - 1));
    return n;
}

/* Reads one PDU header (and skips its data); returns false on EOF/timeout. */
static bool raw_read_pdu(int fd, struct vtl_iscsi_bhs *h)
{
    uint8_t b[48];
    size_t got = 0;
    while (got < 48) {
        ssize_t n = recv(fd, b + got, 48 - got, 0);
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    if (vtl_iscsi_bhs_decode(b, 48, h) != VTL_ISCSI_OK)
        return false;
    size_t rest = vtl_iscsi_pad4(h->data_len);
    uint8_t skip[4096];
    while (rest) {
        ssize_t n = recv(fd, skip, rest < sizeof skip ? rest : sizeof skip, 0);
        if (n <= 0)
            return false;
        rest -= (size_t)n;
    }
    return true;
}

static bool raw_closed(int fd)
{
    uint8_t b[256];
    for (;;) {
        ssize_t n = recv(fd, b, sizeof b, 0);
        if (n == 0)
            return true;
        if (n < 0)
            return errno == ECONNRESET;
    }
}

static void test_half_pdu_does_not_block_others(void)
{
    start();
    uint8_t pdu[512];
    size_t n = raw_login_pdu(pdu);
    int fd = raw_connect();
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(send(fd, pdu, 30, 0), 30);   /* half a BHS, then silence */
    struct iscsi_context *ctx = connect_lun(LIB1, 1, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(inquiry_type(ctx, 1), SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_SEQUENTIAL_ACCESS);
    CU_ASSERT_TRUE(write_read(ctx, 1, 0, 128 * 1024));
    /* the staller finishes its PDU later and is served from where it stopped */
    CU_ASSERT_EQUAL(send(fd, pdu + 30, n - 30, 0), (ssize_t)(n - 30));
    struct vtl_iscsi_bhs h;
    CU_ASSERT_TRUE(raw_read_pdu(fd, &h));
    CU_ASSERT_EQUAL(h.opcode, VTL_ISCSI_OP_LOGIN_RSP);
    CU_ASSERT_EQUAL(h.status_class, 0);
    close(fd);
    disconnect(ctx);
}

static void test_malformed_pdus_rejected_server_serves(void)
{
    start();
    struct vtl_iscsi_bhs h;
    /* unknown opcode before login: Reject, then close */
    int fd = raw_connect();
    uint8_t bad[48] = {0x1e, 0x80};
    CU_ASSERT_EQUAL(send(fd, bad, 48, 0), 48);
    CU_ASSERT_TRUE(raw_read_pdu(fd, &h));
    CU_ASSERT_EQUAL(h.opcode, VTL_ISCSI_OP_REJECT);
    CU_ASSERT_TRUE(raw_closed(fd));
    close(fd);
    /* a login with a 16 MiB data segment: Reject, close */
    fd = raw_connect();
    uint8_t pdu[512];
    raw_login_pdu(pdu);
    vtl_iscsi_put_be24(pdu + 5, 0xFFFFFF);
    CU_ASSERT_EQUAL(send(fd, pdu, 48, 0), 48);
    CU_ASSERT_TRUE(raw_read_pdu(fd, &h));
    CU_ASSERT_EQUAL(h.opcode, VTL_ISCSI_OP_REJECT);
    CU_ASSERT_TRUE(raw_closed(fd));
    close(fd);
    /* garbage text in a login: login failure response, close */
    fd = raw_connect();
    size_t n = raw_login_pdu(pdu);
    memset(pdu + 48, 'x', n - 48);         /* no '=' and no NUL */
    CU_ASSERT_EQUAL(send(fd, pdu, n, 0), (ssize_t)n);
    CU_ASSERT_TRUE(raw_read_pdu(fd, &h));
    CU_ASSERT_EQUAL(h.opcode, VTL_ISCSI_OP_LOGIN_RSP);
    CU_ASSERT_EQUAL(h.status_class, 2);
    CU_ASSERT_TRUE(raw_closed(fd));
    close(fd);
    /* random bytes: whatever happens, the connection ends and the server lives */
    fd = raw_connect();
    uint8_t junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 2654435761u >> 13);
    (void)send(fd, junk, sizeof junk, MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    CU_ASSERT_TRUE(raw_closed(fd));
    close(fd);
    struct iscsi_context *ctx = connect_lun(LIB2, 0, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(inquiry_type(ctx, 0), SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_MEDIA_CHANGER);
    disconnect(ctx);
    struct vtl_iscsi_stats st;
    vtl_iscsi_server_stats(srv, &st);
    CU_ASSERT_TRUE(st.rejects_sent >= 2);
}


/* A client that floods pings and never reads the answers: the server stops reading it once
 * its output backlog is large (memory stays bounded) and keeps serving everybody else. */
static void test_client_not_reading_does_not_block_others(void)
{
    start();
    int fd = raw_connect();
    CU_ASSERT_FATAL(fd >= 0);
    int small = 64 * 1024;                 /* keep the kernel from absorbing the backlog */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    uint8_t pdu[512];
    size_t n = raw_login_pdu(pdu);
    CU_ASSERT_EQUAL(send(fd, pdu, n, 0), (ssize_t)n);
    struct vtl_iscsi_bhs h;
    CU_ASSERT_TRUE(raw_read_pdu(fd, &h));
    CU_ASSERT_EQUAL_FATAL(h.status_class, 0);
    enum { PING = 8192 };
    uint8_t *ping = calloc(1, 48 + PING);
    struct vtl_iscsi_bhs p = {0};
    p.opcode = VTL_ISCSI_OP_NOP_OUT;
    p.immediate = true;
    p.final = true;
    p.ttt = VTL_ISCSI_RSVD_TAG;
    p.data_len = PING;
    size_t sent_total = 0;
    /* Keep sending while the server keeps reading; it has stopped once the socket stays
     * unwritable for 300 ms. */
    for (uint32_t i = 0; i < 4096; i++) {
        p.itt = i;
        vtl_iscsi_bhs_encode(&p, ping, 48);
        size_t off = 0;
        while (off < 48 + PING) {
            struct pollfd pf = {.fd = fd, .events = POLLOUT};
            if (poll(&pf, 1, 300) != 1)
                goto stalled;
            ssize_t k = send(fd, ping + off, 48 + PING - off, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (k <= 0)
                goto stalled;
            off += (size_t)k;
            sent_total += (size_t)k;
        }
    }
stalled:
    free(ping);
    CU_ASSERT_TRUE(sent_total < (size_t)4096 * (48 + PING));   /* back-pressure happened */
    usleep(100 * 1000);                    /* let the server take what it will */
    struct vtl_iscsi_stats st;
    vtl_iscsi_server_stats(srv, &st);
    CU_ASSERT_TRUE(st.out_queue_peak >= (size_t)1 << 20);       /* the backlog built up... */
    CU_ASSERT_TRUE(st.out_queue_peak <= (size_t)6 << 20);       /* ...and stayed bounded */
    struct iscsi_context *ctx = connect_lun(LIB1, 1, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_TRUE(write_read(ctx, 1, 0, 256 * 1024));
    disconnect(ctx);
    close(fd);
}

struct cb_state {
    int calls;
    int status;
};

static void tur_cb(struct iscsi_context *ctx, int status, void *command_data, void *priv)
{
    struct cb_state *st = priv;
    (void)ctx;
    (void)command_data;
    st->calls++;
    st->status = status;
}

/* ABORT TASK from libiscsi for a command the device still holds: the target answers
 * "function complete" and never sends the aborted command's response. */
static void test_libiscsi_abort_task(void)
{
    start();
    struct iscsi_context *ctx = connect_lun(LIB1, 1, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    unsigned submitted = fake_get(&fb.n_submit);   /* login sent a TEST UNIT READY */
    /* from now on the device holds commands "forever" */
    __atomic_store_n(&fb.defer_ticks, 1000000u, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fb.defer, true, __ATOMIC_SEQ_CST);
    struct cb_state st = {0};
    struct scsi_task *task = iscsi_testunitready_task(ctx, 1, tur_cb, &st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(task);
    /* push the command out and let the target take it */
    for (int i = 0; i < 50 && fake_get(&fb.n_submit) == submitted; i++) {
        struct pollfd pf = {.fd = iscsi_get_fd(ctx), .events = (short)iscsi_which_events(ctx)};
        if (poll(&pf, 1, 20) > 0)
            iscsi_service(ctx, pf.revents);
    }
    CU_ASSERT_EQUAL_FATAL(fake_get(&fb.n_submit), submitted + 1);
    CU_ASSERT_EQUAL(iscsi_task_mgmt_abort_task_sync(ctx, task), 0);
    CU_ASSERT_EQUAL(__atomic_load_n(&fb.last_tmf_fn, __ATOMIC_SEQ_CST), VTL_ISCSI_TMF_ABORT_TASK);
    CU_ASSERT_EQUAL(fake_get(&fb.n_aborted), 1u);
    /* the aborted command got no GOOD status from the target */
    CU_ASSERT_FALSE(st.calls == 1 && st.status == SCSI_STATUS_GOOD);
    __atomic_store_n(&fb.defer_ticks, 1u, __ATOMIC_SEQ_CST);
    struct scsi_task *t = iscsi_testunitready_sync(ctx, 1);   /* the session goes on */
    CU_ASSERT(t && t->status == SCSI_STATUS_GOOD);
    if (t)
        scsi_free_scsi_task(t);
    if (st.calls == 0)
        iscsi_scsi_cancel_task(ctx, task);  /* libiscsi still tracks it: release it */
    scsi_free_scsi_task(task);
    disconnect(ctx);
}

static void test_late_completion_through_tick(void)
{
    fb.defer = true;
    fb.defer_ticks = 5;                    /* about 10 ms on a 2 ms tick */
    start();
    struct iscsi_context *ctx = connect_lun(LIB1, 1, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct scsi_task *t = iscsi_testunitready_sync(ctx, 1);
    CU_ASSERT(t && t->status == SCSI_STATUS_GOOD);
    if (t)
        scsi_free_scsi_task(t);
    CU_ASSERT_TRUE(write_read(ctx, 1, 0, 300 * 1024));
    CU_ASSERT_TRUE(fake_get(&fb.n_late_done) >= 3);
    disconnect(ctx);
}

static void test_listen_errors(void)
{
    CU_ASSERT_EQUAL(vtl_iscsi_server_listen(srv), VTL_ISCSI_ESTATE);   /* already */
    struct vtl_iscsi_config cfg;
    vtl_iscsi_config_default(&cfg);
    cfg.port = vtl_iscsi_server_port(srv);             /* taken */
    struct vtl_iscsi_server *s2 = vtl_iscsi_server_new(&cfg, &fake_backend_ops, &fb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
    CU_ASSERT_EQUAL(vtl_iscsi_server_listen(s2), VTL_ISCSI_ESYS);
    vtl_iscsi_server_free(s2);
    cfg.max_recv_dsl = 100;
    CU_ASSERT_PTR_NULL(vtl_iscsi_server_new(&cfg, &fake_backend_ops, &fb));
    uint16_t lun = 0;
    CU_ASSERT_EQUAL(vtl_iscsi_server_add_target(srv, LIB1, NULL, &lun, 1, NULL), VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_server_add_target(srv, "bad name", NULL, &lun, 1, NULL),
                    VTL_ISCSI_EINVAL);
    CU_ASSERT_EQUAL(vtl_iscsi_server_set_chap(srv, "iqn.none", "u", "s", NULL, NULL),
                    VTL_ISCSI_EINVAL);
    char iqn[256];
    CU_ASSERT_EQUAL(vtl_iscsi_iqn("Main Library", iqn, sizeof iqn), VTL_ISCSI_OK);
    CU_ASSERT_STRING_EQUAL(iqn, "iqn.2026-11.org.openrsm:main-library");
    CU_ASSERT_EQUAL(vtl_iscsi_iqn("x", iqn, 10), VTL_ISCSI_ERANGE);
}

/* The reader spends one recv() per TEST UNIT READY (a short read means the socket is
 * drained; epoll says when more comes), and a large write's data lands in its buffer. */
static void test_one_recv_per_command_and_in_place_writes(void)
{
    start();
    struct iscsi_context *ctx = connect_lun(LIB1, 1, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    enum { N = 200 };
    struct vtl_iscsi_stats before, after;
    vtl_iscsi_server_stats(srv, &before);
    for (int i = 0; i < N; i++) {
        struct scsi_task *t = iscsi_testunitready_sync(ctx, 1);
        CU_ASSERT(t && t->status == SCSI_STATUS_GOOD);
        if (t)
            scsi_free_scsi_task(t);
    }
    vtl_iscsi_server_stats(srv, &after);
    uint64_t recvs = after.recvs - before.recvs;
    CU_ASSERT(recvs >= N);
    CU_ASSERT(recvs <= N + N / 10);           /* was 2 per command: one more for EAGAIN */
    vtl_iscsi_server_stats(srv, &before);
    CU_ASSERT_TRUE(write_read(ctx, 1, 0, 1024 * 1024));
    vtl_iscsi_server_stats(srv, &after);
    CU_ASSERT(after.bytes_in_place - before.bytes_in_place >= 512u * 1024);
    disconnect(ctx);
}

static CU_TestInfo server_tests[] = {
    {"libiscsi_full_stack", test_libiscsi_full_stack},
    {"libiscsi_all_data_by_r2t", test_libiscsi_all_data_by_r2t},
    {"header_digest", test_header_digest},
    {"chap_success_failure_mutual", test_chap},
    {"discovery_send_targets", test_discovery},
    {"iscsi_ls_and_iscsi_inq", test_iscsi_ls_and_inq},
    {"iscsi_test_cu_iscsi_family", test_iscsi_test_cu_iscsi_family},
    {"64_concurrent_sessions", test_64_concurrent_sessions},
    {"half_pdu_does_not_block_others", test_half_pdu_does_not_block_others},
    {"malformed_pdus_rejected_server_serves", test_malformed_pdus_rejected_server_serves},
    {"client_not_reading_does_not_block_others", test_client_not_reading_does_not_block_others},
    {"libiscsi_abort_task", test_libiscsi_abort_task},
    {"late_completion_through_tick", test_late_completion_through_tick},
    {"listen_and_config_errors", test_listen_errors},
    {"one_recv_per_command_and_in_place_writes", test_one_recv_per_command_and_in_place_writes},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo iscsi_server_suites[] = {
    {"iscsi_server", NULL, NULL, setup, teardown, server_tests},
    CU_SUITE_INFO_NULL,
};
