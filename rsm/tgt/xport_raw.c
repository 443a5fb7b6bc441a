/* SPDX-License-Identifier: MIT
 * xport-raw - send one CDB to any device URI and print exactly what came back: sg_raw for
 * every transport/ scheme (sim:, iscsi://, sg:). sg_raw needs a kernel device and
 * libiscsi ships no raw-CDB tool, so the tgt findings in conformance/reports/tgt/ are
 * confirmed with this, independently of the harness's own evidence.
 *
 *   xport-raw [--in LEN | --out HEX] [--timeout MS] URI CDB-HEX
 *
 * Output, one field a line: "cdb", "status" (SAM status in hex), "xfer_len", "data"
 * (hex, the bytes transferred in), "sense" (hex), and for sense a decoded
 * "sense_key/asc/ascq" line. Exit status: 0 when the command was delivered (whatever
 * its SAM status), 1 for a transport failure, 2 for usage errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/transport.h"

#define DATA_MAX (1u << 20)

static void usage(FILE *to)
{
    fprintf(to, "usage: xport-raw [--in LEN | --out HEX] [--timeout MS] URI CDB-HEX\n"
                    "  --in LEN      expect up to LEN bytes from the device (default 0)\n"
                    "  --out HEX     send these bytes to the device\n"
                    "  --timeout MS  command timeout (default: the transport's, 60 s)\n"
                    "  --help        this text\n");
}

/* Hex digits, spaces allowed between bytes, into @out (at most @cap). Returns the byte
 * count, or -1 for an odd digit count, a non-hex character or too many bytes. */
static long parse_hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        int v;
        if (*s == ' ' || *s == ':')
            continue;
        if (*s >= '0' && *s <= '9')
            v = *s - '0';
        else if (*s >= 'a' && *s <= 'f')
            v = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F')
            v = *s - 'A' + 10;
        else
            return -1;
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n == cap)
            return -1;
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    return hi < 0 ? (long)n : -1;
}

static void print_hex(const char *name, const uint8_t *p, size_t len)
{
    printf("%s", name);
    for (size_t i = 0; i < len; i++)
        printf("%s%02x", i % 4 == 0 ? " " : "", p[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"in", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned long in_len = 0, timeout_ms = 0;
    const char *out_hex = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "i:o:t:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'i':
            in_len = strtoul(optarg, &end, 0);
            if (*end || in_len > DATA_MAX) {
                fprintf(stderr, "xport-raw: --in: a length up to %u expected\n", DATA_MAX);
                return 2;
            }
            break;
        case 'o': out_hex = optarg; break;
        case 't':
            timeout_ms = strtoul(optarg, &end, 0);
            if (*end) {
                fprintf(stderr, "xport-raw: --timeout: milliseconds expected\n");
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (argc - optind != 2 || (out_hex && in_len)) {
        usage(stderr);
        return 2;
    }
    uint8_t cdb[XPORT_CDB_MAX];
    long cdb_len = parse_hex(argv[optind + 1], cdb, sizeof cdb);
    if (cdb_len < 6) {
        fprintf(stderr, "xport-raw: CDB: 6 to %d bytes of hex expected\n", XPORT_CDB_MAX);
        return 2;
    }
    static uint8_t buf[DATA_MAX];
    struct xport_cmd cmd = {.cdb = cdb, .cdb_len = (size_t)cdb_len,
                            .timeout_ms = (unsigned)timeout_ms};
    if (out_hex) {
        long n = parse_hex(out_hex, buf, sizeof buf);
        if (n < 0) {
            fprintf(stderr, "xport-raw: --out: hex bytes expected\n");
            return 2;
        }
        cmd.dir = XPORT_DIR_OUT;
        cmd.buf = buf;
        cmd.buf_len = (size_t)n;
    } else if (in_len) {
        cmd.dir = XPORT_DIR_IN;
        cmd.buf = buf;
        cmd.buf_len = in_len;
    }
    struct xport *xp;
    char err[256];
    if (xport_open(argv[optind], &xp, err, sizeof err) != XPORT_OK) {
        fprintf(stderr, "xport-raw: %s: %s\n", argv[optind], err);
        return 1;
    }
    enum xport_rc rc = xport_exec(xp, &cmd);
    if (rc != XPORT_OK) {
        fprintf(stderr, "xport-raw: %s: %s\n", xport_rc_name(rc), xport_error(xp));
        xport_close(xp);
        return 1;
    }
    print_hex("cdb     ", cdb, (size_t)cdb_len);
    printf("status   %02x\n", cmd.status);
    printf("xfer_len %zu\n", cmd.xfer_len);
    print_hex("data    ", buf, cmd.dir == XPORT_DIR_IN ? cmd.xfer_len : 0);
    print_hex("sense   ", cmd.sense, cmd.sense_len);
    if (cmd.sense_len >= 14 && (cmd.sense[0] & 0x7f) <= 0x71)
        printf("key/asc/ascq %x/%02x/%02x\n", cmd.sense[2] & 0x0f, cmd.sense[12], cmd.sense[13]);
    else if (cmd.sense_len >= 4 && (cmd.sense[0] & 0x7f) >= 0x72)
        printf("key/asc/ascq %x/%02x/%02x\n", cmd.sense[1] & 0x0f, cmd.sense[2], cmd.sense[3]);
    xport_close(xp);
    return 0;
}
