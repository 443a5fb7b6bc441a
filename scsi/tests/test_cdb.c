/* SPDX-License-Identifier: MIT
 * scsi/tests/test_cdb.c - CDB decode/build: golden CDBs both ways, reserved bits, CONTROL
 * byte, wrong opcodes, short CDBs, field range checks, usage data.
 */
#include <string.h>

#include "scsi/cdb.h"
#include "scsi/tables.h"
#include "scsi/tests/t10_test.h"

/* Loads @file, decodes it for @pdt, checks it rebuilds byte for byte from the decoded
 * struct and from @want (the hand-written expectation), and sweeps every prefix. */
static void check_golden(const char *file, enum t10_pdt pdt, const struct t10_cdb *want,
                         struct t10_cdb *got)
{
    uint8_t v[T10_CDB_MAX], b[T10_CDB_MAX];
    size_t n = t10t_vec(file, v, sizeof v);
    struct t10_field_ptr bad;
    CU_ASSERT_EQUAL_FATAL(t10_cdb_decode(v, n, pdt, got, &bad), T10_OK);
    CU_ASSERT_EQUAL(got->kind, want->kind);
    CU_ASSERT_EQUAL(got->len, n);
    CU_ASSERT_EQUAL(t10_cdb_build(b, sizeof b, got), n);
    T10T_HEXEQ(b, v, n);
    memset(b, 0, sizeof b);
    CU_ASSERT_EQUAL(t10_cdb_build(b, sizeof b, want), n);
    T10T_HEXEQ(b, v, n);
    for (size_t k = 0; k < n; k++) { /* every strict prefix is a short CDB */
        uint8_t *cut = test_dup_exact(v, k);
        struct t10_cdb c;
        CU_ASSERT_EQUAL(t10_cdb_decode(cut, k, pdt, &c, &bad), T10_ESHORT);
        free(cut);
    }
}

static void golden_inquiry(void)
{
    struct t10_cdb w = {.kind = T10_CDB_INQUIRY,
                        .u.inquiry = {.evpd = true, .page = 0x80, .alloc_len = 255}},
                   g;
    check_golden("cdb/inquiry_evpd80.hex", T10_PDT_TAPE, &w, &g);
    CU_ASSERT(g.u.inquiry.evpd);
    CU_ASSERT_EQUAL(g.u.inquiry.page, 0x80);
    CU_ASSERT_EQUAL(t10_cdb_alloc_len(&g), 255);
}

static void golden_read_element_status(void)
{
    struct t10_cdb w = {.kind = T10_CDB_READ_ELEMENT_STATUS,
                        .u.res = {.voltag = true,
                                  .elem_type = T10_ELEM_DT,
                                  .start_addr = 0x100,
                                  .n_elems = 2,
                                  .curdata = true,
                                  .dvcid = true,
                                  .alloc_len = 256}},
                   g;
    check_golden("cdb/res_dt_voltag_dvcid.hex", T10_PDT_CHANGER, &w, &g);
    CU_ASSERT(g.u.res.voltag && g.u.res.curdata && g.u.res.dvcid);
    CU_ASSERT_EQUAL(g.u.res.elem_type, T10_ELEM_DT);
    CU_ASSERT_EQUAL(g.u.res.start_addr, 0x100);
    CU_ASSERT_EQUAL(g.u.res.n_elems, 2);
    CU_ASSERT_EQUAL(t10_cdb_alloc_len(&g), 256);
}

static void golden_move_and_exchange(void)
{
    struct t10_cdb w = {.kind = T10_CDB_MOVE_MEDIUM, .u.move = {0, 0x400, 0x100, true}}, g;
    check_golden("cdb/move_medium_invert.hex", T10_PDT_CHANGER, &w, &g);
    CU_ASSERT_EQUAL(g.u.move.src, 0x400);
    CU_ASSERT_EQUAL(g.u.move.dst, 0x100);
    CU_ASSERT(g.u.move.invert);
    struct t10_cdb x = {.kind = T10_CDB_EXCHANGE_MEDIUM,
                        .u.exchange = {1, 0x400, 0x401, 0x402, true, true}};
    check_golden("cdb/exchange_medium.hex", T10_PDT_CHANGER, &x, &g);
    CU_ASSERT_EQUAL(g.u.exchange.dst2, 0x402);
    CU_ASSERT(g.u.exchange.invert1 && g.u.exchange.invert2);
}

static void golden_mode_sense(void)
{
    struct t10_cdb w = {.kind = T10_CDB_MODE_SENSE6,
                        .u.mode_sense = {.dbd = true, .page = 0x1D, .alloc_len = 255}},
                   g;
    check_golden("cdb/mode_sense6_1d_dbd.hex", T10_PDT_CHANGER, &w, &g);
    CU_ASSERT(g.u.mode_sense.dbd);
    CU_ASSERT_EQUAL(g.u.mode_sense.page, 0x1D);
    struct t10_cdb w10 = {.kind = T10_CDB_MODE_SENSE10,
                          .u.mode_sense = {.llbaa = true,
                                           .dbd = true,
                                           .pc = T10_PC_CHANGEABLE,
                                           .page = 0x1F,
                                           .alloc_len = 0x1000}};
    check_golden("cdb/mode_sense10_llbaa.hex", T10_PDT_CHANGER, &w10, &g);
    CU_ASSERT_EQUAL(g.u.mode_sense.pc, T10_PC_CHANGEABLE);
    CU_ASSERT_EQUAL(g.u.mode_sense.alloc_len, 0x1000);
}

static void golden_space_signed_counts(void)
{
    struct t10_cdb w = {.kind = T10_CDB_SPACE6,
                        .u.space = {.code = T10_SPACE_FILEMARKS, .count = -2}},
                   g;
    check_golden("cdb/space6_back2fm.hex", T10_PDT_TAPE, &w, &g);
    CU_ASSERT_EQUAL(g.u.space.count, -2);
    struct t10_cdb e = {.kind = T10_CDB_SPACE16, .u.space = {.code = T10_SPACE_EOD}};
    check_golden("cdb/space16_eod.hex", T10_PDT_TAPE, &e, &g);
    CU_ASSERT_EQUAL(g.u.space.code, T10_SPACE_EOD);
    /* SPACE(6) count must fit 24 signed bits */
    uint8_t b[16];
    struct t10_cdb big = {.kind = T10_CDB_SPACE6, .u.space = {.code = 0, .count = 0x800000}};
    CU_ASSERT_EQUAL(t10_cdb_build(b, sizeof b, &big), 0);
    big.u.space.count = -0x800000;
    CU_ASSERT_EQUAL(t10_cdb_build(b, sizeof b, &big), 6);
    CU_ASSERT_EQUAL(b[2], 0x80);
    CU_ASSERT_EQUAL(t10_cdb_decode(b, 6, T10_PDT_TAPE, &g, NULL), T10_OK);
    CU_ASSERT_EQUAL(g.u.space.count, -0x800000);
    big.u.space.count = -0x800001;
    CU_ASSERT_EQUAL(t10_cdb_build(b, sizeof b, &big), 0);
}

static void golden_locate_and_read_position(void)
{
    struct t10_cdb w = {.kind = T10_CDB_LOCATE16,
                        .u.locate = {.dest_type = T10_LOCATE_EOD,
                                     .cp = true,
                                     .immed = true,
                                     .partition = 1,
                                     .lo_id = 0x1234}},
                   g;
    check_golden("cdb/locate16_eod_cp.hex", T10_PDT_TAPE, &w, &g);
    CU_ASSERT_EQUAL(g.u.locate.lo_id, 0x1234);
    CU_ASSERT_EQUAL(g.u.locate.partition, 1);
    struct t10_cdb r = {.kind = T10_CDB_READ_POSITION, .u.read_pos = {.sa = T10_RP_LONG}};
    check_golden("cdb/read_position_long.hex", T10_PDT_TAPE, &r, &g);
    CU_ASSERT_EQUAL(t10_cdb_alloc_len(&g), 32);
}

static void golden_rsoc_and_attributes(void)
{
    struct t10_cdb w = {.kind = T10_CDB_RSOC,
                        .u.rsoc = {.rctd = true,
                                   .options = T10_RSOC_ONE,
                                   .req_op = 0xB8,
                                   .alloc_len = 0x200}},
                   g;
    check_golden("cdb/rsoc_one_rctd.hex", T10_PDT_CHANGER, &w, &g);
    CU_ASSERT_EQUAL(g.u.rsoc.req_op, 0xB8);
    struct t10_cdb a = {
        .kind = T10_CDB_READ_ATTRIBUTE,
        .u.read_attr = {.sa = T10_RA_VALUES, .first_attr = 0x0806, .alloc_len = 0x1000}};
    check_golden("cdb/read_attribute_barcode.hex", T10_PDT_TAPE, &a, &g);
    CU_ASSERT_EQUAL(g.u.read_attr.first_attr, 0x0806);
}

static void golden_tape_motion(void)
{
    struct t10_cdb l = {.kind = T10_CDB_LOAD_UNLOAD,
                        .u.load_unload = {.immed = true, .hold = true, .load = true}},
                   g;
    check_golden("cdb/load_unload_hold.hex", T10_PDT_TAPE, &l, &g);
    CU_ASSERT(g.u.load_unload.hold && g.u.load_unload.load && !g.u.load_unload.eot);
    struct t10_cdb r = {.kind = T10_CDB_READ6, .u.rw6 = {.fixed = true, .xfer_len = 16}};
    check_golden("cdb/read6_fixed.hex", T10_PDT_TAPE, &r, &g);
    CU_ASSERT_EQUAL(g.u.rw6.xfer_len, 16);
    struct t10_cdb f = {.kind = T10_CDB_WRITE_FILEMARKS6,
                        .u.write_fm = {.immed = true, .count = 2}};
    check_golden("cdb/write_filemarks_immed.hex", T10_PDT_TAPE, &f, &g);
    CU_ASSERT_EQUAL(g.u.write_fm.count, 2);
}

static void golden_init_range_vendor_and_pr_out(void)
{
    struct t10_cdb w = {.kind = T10_CDB_INIT_ELEMENT_STATUS_RANGE_VS,
                        .u.init_range = {.range = true, .start_addr = 0x10, .n_elems = 5}},
                   g;
    check_golden("cdb/init_range_e7.hex", T10_PDT_CHANGER, &w, &g);
    CU_ASSERT_EQUAL(g.u.init_range.n_elems, 5);
    struct t10_cdb p = {.kind = T10_CDB_PR_OUT,
                        .u.pr_out = {.sa = T10_PROUT_REGISTER, .param_len = 24}};
    check_golden("cdb/pr_out_register.hex", T10_PDT_CHANGER, &p, &g);
    CU_ASSERT_EQUAL(t10_cdb_param_len(&g), 24);
}

static void golden_later_commands(void)
{
    struct t10_cdb s = {.kind = T10_CDB_SECURITY_IN,
                        .u.security = {.protocol = 0x20, .sp_specific = 1, .len = 0x200}},
                   g;
    check_golden("cdb/security_in_tde.hex", T10_PDT_TAPE, &s, &g);
    CU_ASSERT_EQUAL(g.u.security.protocol, 0x20);
    CU_ASSERT_EQUAL(t10_cdb_alloc_len(&g), 0x200);
    struct t10_cdb a = {.kind = T10_CDB_ALLOW_OVERWRITE,
                        .u.allow_overwrite = {.code = 1, .lo_id = 0x1000}};
    check_golden("cdb/allow_overwrite.hex", T10_PDT_TAPE, &a, &g);
    CU_ASSERT_EQUAL(g.u.allow_overwrite.lo_id, 0x1000);
    struct t10_cdb r = {.kind = T10_CDB_READ_BUFFER, .u.buffer = {.mode = 3, .len = 4}};
    check_golden("cdb/read_buffer_desc.hex", T10_PDT_CHANGER, &r, &g);
    CU_ASSERT_EQUAL(g.u.buffer.mode, 3);
    struct t10_cdb f = {.kind = T10_CDB_FORMAT_MEDIUM,
                        .u.format_medium = {.immed = true, .format = 2}};
    check_golden("cdb/format_medium.hex", T10_PDT_TAPE, &f, &g);
    CU_ASSERT_EQUAL(g.u.format_medium.format, 2);
    /* B5h is SECURITY PROTOCOL OUT on a drive, REQUEST VOLUME ELEMENT ADDRESS on a changer */
    const uint8_t b5[12] = {0xB5, 0x20, 0, 0x10, 0, 0, 0, 0, 0, 0x34, 0, 0};
    CU_ASSERT_EQUAL(t10_cdb_decode(b5, 12, T10_PDT_TAPE, &g, NULL), T10_OK);
    CU_ASSERT_EQUAL(g.kind, T10_CDB_SECURITY_OUT);
    CU_ASSERT_EQUAL(t10_cdb_param_len(&g), 0x34);
    CU_ASSERT_EQUAL(t10_cdb_decode(b5, 12, T10_PDT_CHANGER, &g, NULL), T10_EINVAL);
    /* REPORT TIMESTAMP shares A3h with RSOC: the service action picks */
    const uint8_t ts[12] = {0xA3, 0x0F, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0};
    CU_ASSERT_EQUAL(t10_cdb_decode(ts, 12, T10_PDT_TAPE, &g, NULL), T10_OK);
    CU_ASSERT_EQUAL(g.kind, T10_CDB_REPORT_TIMESTAMP);
    CU_ASSERT_EQUAL(t10_cdb_alloc_len(&g), 12);
    const uint8_t rd[6] = {0x1C, 0x00, 0x80, 0, 0x10, 0}; /* page without PCV */
    struct t10_field_ptr bad;
    CU_ASSERT_EQUAL(t10_cdb_decode(rd, 6, T10_PDT_CHANGER, &g, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 2);
}

static void same_opcode_decodes_by_device_type(void)
{
    const uint8_t c1b[6] = {0x1B, 0x00, 0x04, 0x00, 0x01, 0x00};
    struct t10_cdb c;
    struct t10_field_ptr bad;
    CU_ASSERT_EQUAL(t10_cdb_decode(c1b, 6, T10_PDT_CHANGER, &c, &bad), T10_OK);
    CU_ASSERT_EQUAL(c.kind, T10_CDB_OPEN_CLOSE_IE);
    CU_ASSERT_EQUAL(c.u.open_close.elem_addr, 0x0400);
    CU_ASSERT_EQUAL(c.u.open_close.action, T10_IE_CLOSE);
    /* on a tape drive byte 2 is reserved in LOAD UNLOAD */
    CU_ASSERT_EQUAL(t10_cdb_decode(c1b, 6, T10_PDT_TAPE, &c, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 2);
    CU_ASSERT_EQUAL(bad.bit, 2);
    CU_ASSERT(bad.cd && bad.bpv);
    const uint8_t c2b[10] = {0x2B, 0, 0, 0, 0x04, 0, 0, 0, 0, 0};
    CU_ASSERT_EQUAL(t10_cdb_decode(c2b, 10, T10_PDT_CHANGER, &c, &bad), T10_OK);
    CU_ASSERT_EQUAL(c.kind, T10_CDB_POSITION_TO_ELEMENT);
    CU_ASSERT_EQUAL(c.u.position.dst, 0x0400);
    CU_ASSERT_EQUAL(t10_cdb_decode(c2b, 10, T10_PDT_TAPE, &c, &bad), T10_OK);
    CU_ASSERT_EQUAL(c.kind, T10_CDB_LOCATE10);
    CU_ASSERT_EQUAL(c.u.locate.lo_id, 0x00040000u);
}

static void unknown_opcode_reports_byte0(void)
{
    const uint8_t c[6] = {0xA5, 0, 0, 0, 0, 0}; /* MOVE MEDIUM sent to a tape drive */
    struct t10_cdb d;
    struct t10_field_ptr bad = {9, 9, false, false};
    CU_ASSERT_EQUAL(t10_cdb_decode(c, 6, T10_PDT_TAPE, &d, &bad), T10_EOPCODE);
    CU_ASSERT_EQUAL(bad.byte, 0);
    CU_ASSERT(bad.cd);
    CU_ASSERT_EQUAL(d.kind, T10_CDB_UNKNOWN);
    CU_ASSERT_EQUAL(t10_cdb_error_asc(T10_EOPCODE), T10_ASC_INVALID_OPCODE);
    CU_ASSERT_EQUAL(t10_cdb_error_asc(T10_EINVAL), T10_ASC_INVALID_FIELD_IN_CDB);
    /* SPC-only view rejects device-specific commands */
    const uint8_t rewind[6] = {0x01, 0, 0, 0, 0, 0};
    CU_ASSERT_EQUAL(t10_cdb_decode(rewind, 6, T10_PDT_NONE, &d, &bad), T10_EOPCODE);
}

static void decode_as_rejects_other_opcode(void)
{
    const uint8_t inq[6] = {0x12, 0, 0, 0, 36, 0};
    struct t10_cdb d;
    struct t10_field_ptr bad;
    CU_ASSERT_EQUAL(t10_cdb_decode_as(inq, 6, T10_CDB_MOVE_MEDIUM, &d, &bad), T10_EOPCODE);
    CU_ASSERT_EQUAL(bad.byte, 0);
    CU_ASSERT_EQUAL(t10_cdb_decode_as(inq, 6, T10_CDB_INQUIRY, &d, &bad), T10_OK);
    CU_ASSERT_EQUAL(d.u.inquiry.alloc_len, 36);
    CU_ASSERT_EQUAL(t10_cdb_decode_as(inq, 6, T10_CDB_KIND_COUNT_, &d, &bad), T10_EOPCODE);
}

static void unsupported_service_action_points_at_sa(void)
{
    const uint8_t mi[12] = {0xA3, 0x0A, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0}; /* REPORT TPG */
    struct t10_cdb d;
    struct t10_field_ptr bad;
    CU_ASSERT_EQUAL(t10_cdb_decode(mi, 12, T10_PDT_TAPE, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 1);
    CU_ASSERT_EQUAL(bad.bit, 4);
    const uint8_t rp[10] = {0x34, 0x07, 0, 0, 0, 0, 0, 0, 0, 0};
    CU_ASSERT_EQUAL(t10_cdb_decode(rp, 10, T10_PDT_TAPE, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 1);
    const uint8_t pri[10] = {0x5E, 0x04, 0, 0, 0, 0, 0, 0, 0x20, 0};
    CU_ASSERT_EQUAL(t10_cdb_decode(pri, 10, T10_PDT_CHANGER, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 1);
}

static void every_reserved_bit_is_rejected_with_its_position(void)
{
    for (int k = 1; k < T10_CDB_KIND_COUNT_; k++) {
        struct t10_cdb c = {.kind = (enum t10_cdb_kind)k}, d;
        uint8_t b[T10_CDB_MAX], usage[T10_CDB_MAX];
        size_t n = t10_cdb_build(b, sizeof b, &c);
        CU_ASSERT_FATAL(n >= 6);
        CU_ASSERT_EQUAL(t10_cdb_usage(c.kind, usage, sizeof usage), n);
        enum t10_pdt pdt = (k >= T10_CDB_READ_ELEMENT_STATUS && k < T10_CDB_READ6) ? T10_PDT_CHANGER
                                                                                   : T10_PDT_TAPE;
        struct t10_field_ptr bad;
        CU_ASSERT_EQUAL(t10_cdb_decode_as(b, n, c.kind, &d, &bad), T10_OK);
        CU_ASSERT_EQUAL(t10_cdb_decode(b, n, pdt, &d, &bad), T10_OK);
        for (size_t byte = 1; byte + 1 < n; byte++) {
            for (int bit = 0; bit < 8; bit++) {
                if (usage[byte] & (1u << bit))
                    continue;
                uint8_t t[T10_CDB_MAX];
                memcpy(t, b, n);
                t[byte] ^= (uint8_t)(1u << bit);
                CU_ASSERT_EQUAL(t10_cdb_decode_as(t, n, c.kind, &d, &bad), T10_EINVAL);
                CU_ASSERT_EQUAL(bad.byte, byte);
                CU_ASSERT_EQUAL(bad.bit, bit);
                CU_ASSERT(bad.bpv && bad.cd);
            }
        }
        /* CONTROL: NACA and LINK are not supported; vendor bits pass through */
        uint8_t t[T10_CDB_MAX];
        memcpy(t, b, n);
        t[n - 1] = 0x04;
        CU_ASSERT_EQUAL(t10_cdb_decode_as(t, n, c.kind, &d, &bad), T10_EINVAL);
        CU_ASSERT_EQUAL(bad.byte, n - 1);
        CU_ASSERT_EQUAL(bad.bit, 2);
        t[n - 1] = 0x01;
        CU_ASSERT_EQUAL(t10_cdb_decode_as(t, n, c.kind, &d, &bad), T10_EINVAL);
        CU_ASSERT_EQUAL(bad.bit, 0);
        t[n - 1] = 0xC0;
        CU_ASSERT_EQUAL(t10_cdb_decode_as(t, n, c.kind, &d, &bad), T10_OK);
        CU_ASSERT_EQUAL(d.control, 0xC0);
    }
}

static void reserved_values_inside_fields_are_rejected(void)
{
    struct t10_cdb d;
    struct t10_field_ptr bad;
    const uint8_t inq[6] = {0x12, 0x00, 0x80, 0, 36, 0}; /* page without EVPD */
    CU_ASSERT_EQUAL(t10_cdb_decode(inq, 6, T10_PDT_TAPE, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 2);
    const uint8_t space[6] = {0x11, 0x04, 0, 0, 1, 0}; /* setmarks: obsolete */
    CU_ASSERT_EQUAL(t10_cdb_decode(space, 6, T10_PDT_TAPE, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 1);
    const uint8_t prevent[6] = {0x1E, 0, 0, 0, 0x02, 0};
    CU_ASSERT_EQUAL(t10_cdb_decode(prevent, 6, T10_PDT_CHANGER, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 4);
    const uint8_t read6[6] = {0x08, 0x03, 0, 0, 1, 0}; /* SILI with FIXED */
    CU_ASSERT_EQUAL(t10_cdb_decode(read6, 6, T10_PDT_TAPE, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.bit, 1);
    const uint8_t res[12] = {0xB8, 0x05, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0}; /* element type 5 */
    CU_ASSERT_EQUAL(t10_cdb_decode(res, 12, T10_PDT_CHANGER, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 1);
    CU_ASSERT_EQUAL(bad.bit, 3);
    const uint8_t loc[16] = {0x92, 0x10, 0}; /* dest type 2 reserved */
    CU_ASSERT_EQUAL(t10_cdb_decode(loc, 16, T10_PDT_TAPE, &d, &bad), T10_EINVAL);
    const uint8_t oc[6] = {0x1B, 0, 0, 0x10, 0x02, 0}; /* action 2 reserved */
    CU_ASSERT_EQUAL(t10_cdb_decode(oc, 6, T10_PDT_CHANGER, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 4);
    const uint8_t rsoc[12] = {0xA3, 0x0C, 0x04, 0, 0, 0, 0, 0, 1, 0, 0, 0}; /* options 4 */
    CU_ASSERT_EQUAL(t10_cdb_decode(rsoc, 12, T10_PDT_CHANGER, &d, &bad), T10_EINVAL);
    CU_ASSERT_EQUAL(bad.byte, 2);
}

static void padded_cdb_accepted(void)
{
    uint8_t c[16] = {0x00};
    c[6] = 0xFF; /* beyond TEST UNIT READY's 6 bytes: transport padding, ignored */
    struct t10_cdb d;
    CU_ASSERT_EQUAL(t10_cdb_decode(c, 16, T10_PDT_TAPE, &d, NULL), T10_OK);
    CU_ASSERT_EQUAL(d.kind, T10_CDB_TEST_UNIT_READY);
    CU_ASSERT_EQUAL(d.len, 6);
    CU_ASSERT_EQUAL(t10_cdb_decode(c, 0, T10_PDT_TAPE, &d, NULL), T10_ESHORT);
}

static void builder_range_checks(void)
{
    uint8_t b[16];
    struct t10_cdb c = {.kind = T10_CDB_MODE_SENSE6, .u.mode_sense = {.alloc_len = 256}};
    CU_ASSERT_EQUAL(t10_cdb_build(b, sizeof b, &c), 0); /* 6-byte form holds 255 at most */
    c.kind = T10_CDB_MODE_SENSE10;
    CU_ASSERT_EQUAL(t10_cdb_build(b, sizeof b, &c), 10);
    struct t10_cdb r = {.kind = T10_CDB_READ6, .u.rw6 = {.xfer_len = 0x1000000}};
    CU_ASSERT_EQUAL(t10_cdb_build(b, sizeof b, &r), 0);
    struct t10_cdb u = {.kind = T10_CDB_UNKNOWN};
    CU_ASSERT_EQUAL(t10_cdb_build(b, sizeof b, &u), 0);
}

static size_t build_move(uint8_t *out, size_t cap, const void *arg)
{
    return t10_cdb_build(out, cap, arg);
}

static void builder_small_cap_writes_at_most_cap(void)
{
    struct t10_cdb c = {.kind = T10_CDB_MOVE_MEDIUM, .u.move = {1, 2, 3, true}};
    t10t_small_cap(build_move, &c, 12);
}

static void kind_metadata(void)
{
    CU_ASSERT_EQUAL(t10_cdb_kind_op(T10_CDB_READ_ELEMENT_STATUS), 0xB8);
    CU_ASSERT_EQUAL(t10_cdb_kind_len(T10_CDB_LOCATE16), 16);
    CU_ASSERT_STRING_EQUAL(t10_cdb_kind_name(T10_CDB_MOVE_MEDIUM), "MOVE MEDIUM");
    CU_ASSERT_STRING_EQUAL(t10_cdb_kind_name(T10_CDB_UNKNOWN), "UNKNOWN");
    CU_ASSERT_EQUAL(t10_cdb_group_len(0x12), 6);
    CU_ASSERT_EQUAL(t10_cdb_group_len(0x5A), 10);
    CU_ASSERT_EQUAL(t10_cdb_group_len(0x8C), 16);
    CU_ASSERT_EQUAL(t10_cdb_group_len(0xB8), 12);
    CU_ASSERT_EQUAL(t10_cdb_group_len(0x7F), 0);
    CU_ASSERT_EQUAL(t10_cdb_group_len(0xE7), 0);
    /* every kind agrees with the opcode table on length and device type */
    for (int k = 1; k < T10_CDB_KIND_COUNT_; k++) {
        uint8_t op = t10_cdb_kind_op((enum t10_cdb_kind)k);
        const struct t10_op_info *r = t10_op_lookup(op, op == 0xA3 ? 0x0C : -1, T10_PDT_NONE);
        CU_ASSERT_PTR_NOT_NULL(r);
        if (r && op != 0x1B && op != 0x2B && op != 0x07 && op != 0x37 && op != 0xB5)
            CU_ASSERT_EQUAL(r->cdb_len, t10_cdb_kind_len((enum t10_cdb_kind)k));
    }
}

static void field_pointers_from_members(void)
{
    struct t10_field_ptr p = T10_CDB_FIELD(T10_CDB_MODE_SENSE6, mode_sense.page);
    CU_ASSERT(p.cd && p.bpv);
    CU_ASSERT_EQUAL(p.byte, 2);
    CU_ASSERT_EQUAL(p.bit, 5);
    p = T10_CDB_FIELD(T10_CDB_MODE_SENSE10, mode_sense.alloc_len);
    CU_ASSERT_EQUAL(p.byte, 7);
    CU_ASSERT_EQUAL(p.bit, 7);
    p = T10_CDB_FIELD(T10_CDB_MOVE_MEDIUM, move.invert);
    CU_ASSERT_EQUAL(p.byte, 10);
    CU_ASSERT_EQUAL(p.bit, 0);
    p = T10_CDB_FIELD(T10_CDB_EXCHANGE_MEDIUM, exchange.invert2);
    CU_ASSERT_EQUAL(p.byte, 10);
    CU_ASSERT_EQUAL(p.bit, 1);
    p = T10_CDB_FIELD(T10_CDB_PR_OUT, pr_out.type);
    CU_ASSERT_EQUAL(p.byte, 2);
    CU_ASSERT_EQUAL(p.bit, 3);
    p = T10_CDB_FIELD(T10_CDB_READ_ELEMENT_STATUS, res.elem_type);
    CU_ASSERT_EQUAL(p.byte, 1);
    CU_ASSERT_EQUAL(p.bit, 3);
    p = T10_CDB_FIELD(T10_CDB_INQUIRY, move.invert); /* not an INQUIRY field */
    CU_ASSERT(!p.bpv);
    CU_ASSERT_EQUAL(p.byte, 0);
    CU_ASSERT_EQUAL(t10_fp_service_action.byte, 1);
    CU_ASSERT_EQUAL(t10_fp_service_action.bit, 4);
    /* every field of every command resolves to a bit its usage data marks as used */
    for (int k = 1; k < T10_CDB_KIND_COUNT_; k++) {
        uint8_t usage[T10_CDB_MAX];
        size_t n = t10_cdb_usage((enum t10_cdb_kind)k, usage, sizeof usage);
        for (size_t off = offsetof(struct t10_cdb, u); off < sizeof(struct t10_cdb); off++) {
            p = t10_cdb_field((enum t10_cdb_kind)k, off);
            if (!p.bpv)
                continue;
            CU_ASSERT(p.byte < n);
            CU_ASSERT(usage[p.byte] & (1u << p.bit));
        }
    }
}

static CU_TestInfo tests[] = {
    {"golden_inquiry", golden_inquiry},
    {"field_pointers_from_members", field_pointers_from_members},
    {"golden_read_element_status", golden_read_element_status},
    {"golden_move_and_exchange", golden_move_and_exchange},
    {"golden_mode_sense", golden_mode_sense},
    {"golden_space_signed_counts", golden_space_signed_counts},
    {"golden_locate_and_read_position", golden_locate_and_read_position},
    {"golden_rsoc_and_attributes", golden_rsoc_and_attributes},
    {"golden_tape_motion", golden_tape_motion},
    {"golden_init_range_vendor_and_pr_out", golden_init_range_vendor_and_pr_out},
    {"golden_later_commands", golden_later_commands},
    {"same_opcode_decodes_by_device_type", same_opcode_decodes_by_device_type},
    {"unknown_opcode_reports_byte0", unknown_opcode_reports_byte0},
    {"decode_as_rejects_other_opcode", decode_as_rejects_other_opcode},
    {"unsupported_service_action_points_at_sa", unsupported_service_action_points_at_sa},
    {"every_reserved_bit_is_rejected_with_its_position",
     every_reserved_bit_is_rejected_with_its_position},
    {"reserved_values_inside_fields_are_rejected", reserved_values_inside_fields_are_rejected},
    {"padded_cdb_accepted", padded_cdb_accepted},
    {"builder_range_checks", builder_range_checks},
    {"builder_small_cap_writes_at_most_cap", builder_small_cap_writes_at_most_cap},
    {"kind_metadata", kind_metadata},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_cdb[] = {{"t10_cdb", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
