/* SPDX-License-Identifier: MIT
 * scsi/tests/test_sense.c - fixed and descriptor sense: golden vectors both ways, the
 * two-descriptor walk, truncation, text.
 */
#include <string.h>

#include "scsi/sense.h"
#include "scsi/tables.h"
#include "scsi/tests/t10_test.h"

static void check_build(const struct t10_sense *s, const char *file)
{
    uint8_t v[T10_SENSE_MAX], b[T10_SENSE_MAX];
    size_t n = t10t_vec(file, v, sizeof v);
    memset(b, 0, sizeof b);
    CU_ASSERT_EQUAL(t10_sense_build(b, sizeof b, s), n);
    T10T_HEXEQ(b, v, n);
}

static void parse_vec(const char *file, struct t10_sense *s)
{
    uint8_t v[T10_SENSE_MAX];
    size_t n = t10t_vec(file, v, sizeof v);
    CU_ASSERT_EQUAL_FATAL(t10_sense_parse(v, n, s), T10_OK);
    CU_ASSERT(!s->truncated);
}

static void fixed_field_pointer_both_ways(void)
{
    struct t10_field_ptr fp = {.byte = 2, .bit = 4, .bpv = true, .cd = true};
    struct t10_sense s, p;
    t10_sense_init_field(&s, false, T10_ASC_INVALID_FIELD_IN_CDB, &fp);
    check_build(&s, "sense/fixed_invalid_field.hex");
    parse_vec("sense/fixed_invalid_field.hex", &p);
    CU_ASSERT_EQUAL(p.key, T10_KEY_ILLEGAL_REQUEST);
    CU_ASSERT_EQUAL(p.asc_ascq, T10_ASC(0x24, 0));
    CU_ASSERT_EQUAL(p.sks, T10_SKS_FIELD);
    CU_ASSERT_EQUAL(p.field.byte, 2);
    CU_ASSERT_EQUAL(p.field.bit, 4);
    CU_ASSERT(p.field.bpv && p.field.cd);
    CU_ASSERT(!p.descriptor && !p.info_valid);
}

static void fixed_filemark_with_information(void)
{
    struct t10_sense s, p;
    t10_sense_init(&s, false, T10_KEY_NO_SENSE, T10_ASC_FILEMARK_DETECTED);
    s.filemark = true;
    s.info_valid = true;
    s.info = 3;
    check_build(&s, "sense/fixed_filemark_info.hex");
    parse_vec("sense/fixed_filemark_info.hex", &p);
    CU_ASSERT(p.filemark && !p.eom && !p.ili);
    CU_ASSERT(p.info_valid);
    CU_ASSERT_EQUAL(p.info, 3);
    /* fixed format cannot carry a 64-bit INFORMATION value */
    uint8_t b[32];
    s.info = UINT64_C(0x100000000);
    CU_ASSERT_EQUAL(t10_sense_build(b, sizeof b, &s), 0);
}

static void fixed_progress_indication(void)
{
    struct t10_sense s, p;
    t10_sense_init(&s, false, T10_KEY_NOT_READY, T10_ASC_LU_BECOMING_READY);
    s.sks = T10_SKS_PROGRESS;
    s.progress = 0x8000;
    check_build(&s, "sense/fixed_progress.hex");
    parse_vec("sense/fixed_progress.hex", &p);
    CU_ASSERT_EQUAL(p.sks, T10_SKS_PROGRESS);
    CU_ASSERT_EQUAL(p.progress, 0x8000);
    char txt[160];
    t10_sense_text(txt, sizeof txt, &p);
    CU_ASSERT_STRING_EQUAL(
        txt, "NOT READY: LOGICAL UNIT IS IN PROCESS OF BECOMING READY (04/01) progress 50%");
}

static void descriptor_two_descriptors_walked_by_own_length(void)
{
    struct t10_sense s, p;
    struct t10_field_ptr fp = {.byte = 2, .bit = 4, .bpv = true, .cd = true};
    t10_sense_init_field(&s, true, T10_ASC_INVALID_FIELD_IN_CDB, &fp);
    s.info_valid = true;
    s.info = 7;
    check_build(&s, "sense/desc_two.hex");
    parse_vec("sense/desc_two.hex", &p);
    CU_ASSERT(p.descriptor);
    CU_ASSERT_EQUAL(p.n_desc, 2);
    CU_ASSERT(p.info_valid);
    CU_ASSERT_EQUAL(p.info, 7);
    CU_ASSERT_EQUAL(p.sks, T10_SKS_FIELD);
    CU_ASSERT_EQUAL(p.field.byte, 2);
    CU_ASSERT_EQUAL(p.field.bit, 4);
}

static void descriptor_stream_commands(void)
{
    struct t10_sense s, p;
    t10_sense_init(&s, true, T10_KEY_NO_SENSE, T10_ASC_FILEMARK_DETECTED);
    s.info_valid = true;
    s.info = 5;
    s.filemark = true;
    check_build(&s, "sense/desc_stream.hex");
    parse_vec("sense/desc_stream.hex", &p);
    CU_ASSERT(p.filemark && !p.eom && !p.ili);
    CU_ASSERT_EQUAL(p.info, 5);
    char txt[160];
    t10_sense_text(txt, sizeof txt, &p);
    CU_ASSERT_STRING_EQUAL(txt, "NO SENSE: FILEMARK DETECTED (00/01) FILEMARK info 5");
}

static void unknown_descriptor_skipped(void)
{
    /* a vendor descriptor (80h, 6 bytes body) between information and SKS */
    const uint8_t v[] = {0x72, 0x05, 0x24, 0x00, 0,    0,    0,    0x1C, 0x80, 0x06, 1,    2,
                         3,    4,    5,    6,    0x00, 0x0A, 0x80, 0,    0,    0,    0,    0,
                         0,    0,    0,    9,    0x02, 0x06, 0,    0,    0xC8, 0x00, 0x07, 0};
    struct t10_sense p;
    CU_ASSERT_EQUAL_FATAL(t10_sense_parse(v, sizeof v, &p), T10_OK);
    CU_ASSERT_EQUAL(p.n_desc, 3);
    CU_ASSERT_EQUAL(p.info, 9);
    CU_ASSERT_EQUAL(p.field.byte, 7);
    CU_ASSERT_EQUAL(p.field.bit, 0);
    CU_ASSERT(!p.truncated);
}

static void text_renders_field_pointer(void)
{
    struct t10_field_ptr fp = {.byte = 2, .bit = 4, .bpv = true, .cd = true};
    struct t10_sense s;
    t10_sense_init_field(&s, false, T10_ASC_INVALID_FIELD_IN_CDB, &fp);
    char txt[128];
    size_t n = t10_sense_text(txt, sizeof txt, &s);
    CU_ASSERT_STRING_EQUAL(txt, "ILLEGAL REQUEST: INVALID FIELD IN CDB (24/00) field byte 2 bit 4");
    CU_ASSERT_EQUAL(n, strlen(txt));
    char small[10];
    CU_ASSERT_EQUAL(t10_sense_text(small, sizeof small, &s), n);
    CU_ASSERT_STRING_EQUAL(small, "ILLEGAL R");
    t10_sense_init(&s, false, T10_KEY_HARDWARE_ERROR, T10_ASC(0x80, 0x01));
    t10_sense_text(txt, sizeof txt, &s);
    CU_ASSERT_STRING_EQUAL(txt, "HARDWARE ERROR: ASC (80/01)");
}

struct sweep_arg {
    bool descriptor;
};

static void sweep_parse(const uint8_t *buf, size_t len, void *arg)
{
    struct sweep_arg *a = arg;
    struct t10_sense s;
    enum t10_rc rc = t10_sense_parse(buf, len, &s);
    size_t min = a->descriptor ? 4 : 14;
    if (len < min) {
        CU_ASSERT_EQUAL(rc, T10_ESHORT);
    } else {
        CU_ASSERT_EQUAL(rc, T10_OK);
        CU_ASSERT(s.truncated);
    }
}

static void truncation_sweep(void)
{
    const char *files[] = {"sense/fixed_invalid_field.hex", "sense/fixed_filemark_info.hex",
                           "sense/fixed_progress.hex", "sense/desc_two.hex",
                           "sense/desc_stream.hex"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        uint8_t v[T10_SENSE_MAX];
        size_t n = t10t_vec(files[i], v, sizeof v);
        struct sweep_arg a = {(v[0] & 0x7F) >= 0x72};
        t10t_sweep(v, n, sweep_parse, &a);
    }
}

static void descriptor_cut_inside_descriptor_is_truncated(void)
{
    uint8_t v[T10_SENSE_MAX];
    size_t n = t10t_vec("sense/desc_two.hex", v, sizeof v);
    struct t10_sense p;
    /* cut after the first descriptor and 3 bytes of the second */
    uint8_t *cut = test_dup_exact(v, 8 + 12 + 3);
    CU_ASSERT_EQUAL(t10_sense_parse(cut, 8 + 12 + 3, &p), T10_OK);
    CU_ASSERT(p.truncated);
    CU_ASSERT_EQUAL(p.n_desc, 1);
    CU_ASSERT(p.info_valid);
    CU_ASSERT_EQUAL(p.sks, T10_SKS_NONE);
    free(cut);
    (void)n;
}

static void bad_response_code_rejected(void)
{
    const uint8_t v[18] = {0x7F, 0, 5};
    struct t10_sense p;
    CU_ASSERT_EQUAL(t10_sense_parse(v, sizeof v, &p), T10_EINVAL);
    CU_ASSERT_EQUAL(t10_sense_parse(v, 0, &p), T10_ESHORT);
    bool cut;
    const uint8_t f[18] = {0x70};
    CU_ASSERT_EQUAL(t10_sense_desc_walk(f, sizeof f, NULL, NULL, &cut), T10_EINVAL);
}

static size_t build_desc(uint8_t *out, size_t cap, const void *arg)
{
    return t10_sense_build(out, cap, arg);
}

static void builder_small_cap(void)
{
    struct t10_sense s;
    t10_sense_init(&s, true, T10_KEY_MEDIUM_ERROR, T10_ASC_UNRECOVERED_READ_ERROR);
    s.info_valid = true;
    s.cmd_valid = true;
    s.fru = 3;
    s.eom = true;
    s.sks = T10_SKS_RAW;
    s.sks_raw[1] = 0x12;
    t10t_small_cap(build_desc, &s, 8 + 12 + 12 + 8 + 4 + 4);
    uint8_t b[64];
    struct t10_sense p;
    size_t n = t10_sense_build(b, sizeof b, &s);
    CU_ASSERT_EQUAL_FATAL(t10_sense_parse(b, n, &p), T10_OK);
    CU_ASSERT_EQUAL(p.n_desc, 5);
    CU_ASSERT_EQUAL(p.fru, 3);
    CU_ASSERT(p.eom && p.cmd_valid);
    CU_ASSERT_EQUAL(p.sks, T10_SKS_RAW);
    CU_ASSERT_EQUAL(p.sks_raw[1], 0x12);
}

static void sense_codes_pack_key_and_asc(void)
{
    uint32_t code = T10_SENSE(ILLEGAL_REQUEST, INVALID_FIELD_IN_CDB);
    CU_ASSERT_EQUAL(code, 0x052400u);
    CU_ASSERT_EQUAL(T10_SENSE_KEY_OF(code), 5);
    CU_ASSERT_EQUAL(T10_SENSE_ASC_ASCQ_OF(code), 0x2400);
    struct t10_sense s;
    t10_sense_init_code(&s, true, T10_SENSE(NOT_READY, MEDIUM_NOT_PRESENT));
    CU_ASSERT_EQUAL(s.key, T10_KEY_NOT_READY);
    CU_ASSERT_EQUAL(s.asc_ascq, T10_ASC(0x3A, 0x00));
    CU_ASSERT(s.descriptor);
    CU_ASSERT_EQUAL(s.sks, T10_SKS_NONE);
}

static CU_TestInfo tests[] = {
    {"fixed_field_pointer_both_ways", fixed_field_pointer_both_ways},
    {"fixed_filemark_with_information", fixed_filemark_with_information},
    {"fixed_progress_indication", fixed_progress_indication},
    {"descriptor_two_descriptors_walked_by_own_length",
     descriptor_two_descriptors_walked_by_own_length},
    {"descriptor_stream_commands", descriptor_stream_commands},
    {"unknown_descriptor_skipped", unknown_descriptor_skipped},
    {"text_renders_field_pointer", text_renders_field_pointer},
    {"truncation_sweep", truncation_sweep},
    {"descriptor_cut_inside_descriptor_is_truncated",
     descriptor_cut_inside_descriptor_is_truncated},
    {"bad_response_code_rejected", bad_response_code_rejected},
    {"builder_small_cap", builder_small_cap},
    {"sense_codes_pack_key_and_asc", sense_codes_pack_key_and_asc},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_sense[] = {{"t10_sense", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
