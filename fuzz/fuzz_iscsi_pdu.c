/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_iscsi_pdu.c - libFuzzer target for the iSCSI target engine: random bytes
 * through the PDU codec (BHS, AHS, key=value text) and through the login / text / full
 * feature state machine of one in-memory connection (sim/iscsi/conn.h; no sockets).
 *
 * Input: byte 0 holds flags, the rest is the byte stream the "initiator" sends.
 *   bit 0  first log in to a normal session (a valid Login PDU is sent before the stream),
 *          so the fuzzer reaches SCSI commands, Data-Out, TMF, text and logout quickly
 *   bit 1  the backend holds commands and completes them from the tick (late completion)
 *   bit 2  the stream is fed one byte at a time (reassembly across every split)
 *   bit 3  aborted commands finish late too (TMF responses wait for them)
 *   bit 4  after the stream: the target asks for a logout and the timers run out
 * Seeds are in fuzz/corpus/fuzz_iscsi_pdu/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/iscsi/conn.h"
#include "sim/iscsi/tests/fake_backend.h"

#define TGT "iqn.2026-11.org.openrsm:fuzz"
#define TGT_CHAP "iqn.2026-11.org.openrsm:fuzz-chap"

static struct fake_backend fb;
static struct vtl_iscsi_server *srv;

static void init_once(void)
{
    static const uint16_t luns[] = {0, 1, 2};
    struct vtl_iscsi_config cfg;
    if (srv)
        return;
    if (!fake_backend_init(&fb))
        abort();
    vtl_iscsi_config_default(&cfg);
    cfg.max_cmd_data = 1u << 20;        /* keep per-input allocations small */
    srv = vtl_iscsi_server_new(&cfg, &fake_backend_ops, &fb);
    if (!srv || vtl_iscsi_server_add_target(srv, TGT, "fuzz", luns, 3, NULL) != VTL_ISCSI_OK ||
        vtl_iscsi_server_add_target(srv, TGT_CHAP, NULL, luns, 1, NULL) != VTL_ISCSI_OK ||
        vtl_iscsi_server_set_chap(srv, TGT_CHAP, "user", "secretsecret", "tgt",
                                  "targetsecret") != VTL_ISCSI_OK)
        abort();
}

static void drain(struct vtl_iscsi_conn *c)
{
    size_t len;
    while (vtl_iscsi_conn_out_peek(c, &len))
        vtl_iscsi_conn_out_consume(c, len);
}

static void login(struct vtl_iscsi_conn *c)
{
    static const char text[] = "InitiatorName=iqn.2026-11.org.openrsm:fuzzer\0TargetName=" TGT
                               "\0SessionType=Normal\0MaxRecvDataSegmentLength=8192\0";
    uint8_t pdu[48 + sizeof text + 4] = {0};
    struct vtl_iscsi_bhs h = {0};
    h.opcode = VTL_ISCSI_OP_LOGIN_REQ;
    h.immediate = true;
    h.final = true;
    h.csg = 1;
    h.nsg = 3;
    h.isid[0] = 0x80;
    h.itt = 1;
    h.cmdsn = 1;
    h.data_len = sizeof text - 1;
    (void)vtl_iscsi_bhs_encode(&h, pdu, 48);
    memcpy(pdu + 48, text, sizeof text - 1);
    (void)vtl_iscsi_conn_input(c, pdu, 48 + vtl_iscsi_pad4(sizeof text - 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    if (size == 0)
        return 0;
    uint8_t flags = data[0];
    data++;
    size--;

    /* The pure decoders on the raw bytes. */
    struct vtl_iscsi_bhs bhs;
    struct vtl_iscsi_ahs_info ahs;
    (void)vtl_iscsi_bhs_decode(data, size, &bhs);
    (void)vtl_iscsi_ahs_decode(data, size, &ahs);
    char *text = malloc(size ? size : 1);
    if (text) {
        struct vtl_iscsi_kv kv[64];
        size_t n;
        if (size)
            memcpy(text, data, size);
        (void)vtl_iscsi_text_parse(text, size, kv, 64, &n);
        free(text);
    }

    /* The connection state machine. */
    fb.defer = (flags & 2) != 0;
    fb.slow_abort = (flags & 8) != 0;
    struct vtl_iscsi_conn *c = vtl_iscsi_conn_new(srv, -1, "127.0.0.1:3260,1");
    if (!c)
        return 0;
    if (flags & 1)
        login(c);
    drain(c);
    if (flags & 4) {
        for (size_t i = 0; i < size && !vtl_iscsi_conn_want_close(c); i++)
            (void)vtl_iscsi_conn_input(c, data + i, 1);
    } else {
        (void)vtl_iscsi_conn_input(c, data, size);
    }
    drain(c);
    fake_backend_tick(&fb);               /* late completions while the connection lives */
    drain(c);
    if (flags & 16) {
        (void)vtl_iscsi_server_request_logout(srv, NULL, 1);
        vtl_iscsi_conn_timer(c, vtl_iscsi_now_ms() + 60000);
        drain(c);
    }
    vtl_iscsi_conn_free(c);
    fb.defer = false;
    fb.slow_abort = false;
    while (fb.n_pending)                  /* orphans complete and are freed */
        fake_backend_tick(&fb);
    return 0;
}
