/* SPDX-License-Identifier: MIT
 * scsi/tests/test_tables.c - the generated code tables and their lookups.
 */
#include <string.h>

#include "scsi/tables.h"
#include "scsi/tests/t10_test.h"

static void opcode_names_depend_on_device_type(void)
{
    CU_ASSERT_STRING_EQUAL(t10_op_name(0x1B, -1, T10_PDT_TAPE), "LOAD UNLOAD");
    CU_ASSERT_STRING_EQUAL(t10_op_name(0x1B, -1, T10_PDT_CHANGER),
                           "OPEN/CLOSE IMPORT/EXPORT ELEMENT");
    CU_ASSERT_STRING_EQUAL(t10_op_name(0x1B, -1, T10_PDT_DISK), "START STOP UNIT");
    CU_ASSERT_STRING_EQUAL(t10_op_name(0x2B, -1, T10_PDT_TAPE), "LOCATE(10)");
    CU_ASSERT_STRING_EQUAL(t10_op_name(0x2B, -1, T10_PDT_CHANGER), "POSITION TO ELEMENT");
    CU_ASSERT_STRING_EQUAL(t10_op_name(0xB5, -1, T10_PDT_CHANGER),
                           "REQUEST VOLUME ELEMENT ADDRESS");
    CU_ASSERT_STRING_EQUAL(t10_op_name(0xB5, -1, T10_PDT_TAPE), "SECURITY PROTOCOL OUT");
    CU_ASSERT_EQUAL(T10_OP_LOAD_UNLOAD, 0x1B);
    CU_ASSERT_EQUAL(T10_OP_OPEN_CLOSE_IE, 0x1B);
    CU_ASSERT_EQUAL(T10_OP_READ_ELEMENT_STATUS, 0xB8);
    CU_ASSERT_EQUAL(T10_OP_INIT_ELEMENT_STATUS_RANGE_VS, 0xE7);
}

static void service_actions_resolve_and_fall_back(void)
{
    const struct t10_op_info *r = t10_op_lookup(0xA3, 0x0C, T10_PDT_CHANGER);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->name, "REPORT SUPPORTED OPERATION CODES");
    CU_ASSERT_EQUAL(r->cdb_len, 12);
    CU_ASSERT_EQUAL(T10_SA_REPORT_SUPPORTED_OPCODES, 0x0C);
    /* unknown service action falls back to the opcode's own row */
    CU_ASSERT_STRING_EQUAL(t10_op_name(0xA3, 0x1E, T10_PDT_TAPE), "MAINTENANCE IN");
    CU_ASSERT_STRING_EQUAL(t10_op_name(0x34, 0x06, T10_PDT_TAPE), "READ POSITION (LONG FORM)");
    CU_ASSERT_PTR_NULL(t10_op_name(0xA5, -1, T10_PDT_TAPE)); /* MOVE MEDIUM is SMC only */
    CU_ASSERT_PTR_NULL(t10_op_name(0xFF, -1, T10_PDT_NONE));
}

static void op_table_is_sorted_with_valid_lengths(void)
{
    CU_ASSERT(t10_op_count() > 100);
    for (size_t i = 0; i < t10_op_count(); i++) {
        const struct t10_op_info *r = t10_op_at(i);
        CU_ASSERT(r->cdb_len == 6 || r->cdb_len == 10 || r->cdb_len == 12 || r->cdb_len == 16);
        if (i > 0) {
            const struct t10_op_info *p = t10_op_at(i - 1);
            CU_ASSERT(p->op < r->op || (p->op == r->op && p->sa <= r->sa));
        }
    }
    CU_ASSERT_PTR_NULL(t10_op_at(t10_op_count()));
}

static void asc_text_and_class(void)
{
    CU_ASSERT_STRING_EQUAL(t10_asc_text(T10_ASC(0x24, 0x00)), "INVALID FIELD IN CDB");
    CU_ASSERT_STRING_EQUAL(t10_asc_text(T10_ASC_CLEANING_REQUESTED), "CLEANING REQUESTED");
    CU_ASSERT_EQUAL(T10_ASC_CLEANING_REQUESTED, T10_ASC(0x00, 0x17));
    CU_ASSERT_EQUAL(T10_ASC_MEDIUM_SOURCE_EMPTY, 0x3B0E);
    CU_ASSERT_EQUAL(t10_asc_class(T10_ASC_MEDIUM_DEST_FULL), T10_CLASS_ELEMENT);
    CU_ASSERT_EQUAL(t10_asc_class(T10_ASC_CLEANING_REQUESTED), T10_CLASS_CLEANING);
    CU_ASSERT_EQUAL(t10_asc_class(T10_ASC_MEDIUM_NOT_PRESENT), T10_CLASS_NO_MEDIUM);
    CU_ASSERT_EQUAL(t10_asc_class(T10_ASC_IE_ELEMENT_ACCESSED), T10_CLASS_ATTENTION);
    CU_ASSERT_STRING_EQUAL(t10_err_class_name(T10_CLASS_ILLEGAL), "illegal");
    CU_ASSERT_PTR_NULL(t10_asc_text(T10_ASC(0x80, 0x01)));
    CU_ASSERT_EQUAL(t10_asc_class(T10_ASC(0x80, 0x01)), T10_CLASS_HARDWARE);
}

static void asc_range_rows_match_any_ascq(void)
{
    const struct t10_asc_info *r = t10_asc_lookup(T10_ASC(0x40, 0x85));
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT(r->is_range);
    CU_ASSERT_EQUAL(r->err_class, T10_CLASS_HARDWARE);
    /* the range row of 4Dh must not swallow another ASC */
    CU_ASSERT_PTR_NULL(t10_asc_lookup(T10_ASC(0x4F, 0x00)));
    /* an exact row still wins over nothing */
    CU_ASSERT_STRING_EQUAL(t10_asc_text(T10_ASC(0x3F, 0x0E)), "REPORTED LUNS DATA HAS CHANGED");
}

static void asc_table_sorted_and_large(void)
{
    CU_ASSERT(t10_asc_count() >= 250);
    for (size_t i = 1; i < t10_asc_count(); i++)
        CU_ASSERT(t10_asc_at(i - 1)->code < t10_asc_at(i)->code);
    for (size_t i = 0; i < t10_asc_count(); i++)
        CU_ASSERT_PTR_EQUAL(t10_asc_lookup(t10_asc_at(i)->code), t10_asc_at(i));
}

static void sense_key_names(void)
{
    CU_ASSERT_STRING_EQUAL(t10_sense_key_name(T10_KEY_ILLEGAL_REQUEST), "ILLEGAL REQUEST");
    CU_ASSERT_STRING_EQUAL(t10_sense_key_name(2), "NOT READY");
    CU_ASSERT_STRING_EQUAL(t10_sense_key_name(0x0C), "RESERVED");
    CU_ASSERT_STRING_EQUAL(t10_sense_key_name(0x33), "RESERVED");
}

static void ascii_fields_pad_and_trim(void)
{
    uint8_t f[8];
    char s[9];
    t10_put_ascii(f, 8, "IBM");
    CU_ASSERT_EQUAL(memcmp(f, "IBM     ", 8), 0);
    t10_put_ascii(f, 8, "TOOLONGVENDOR");
    CU_ASSERT_EQUAL(memcmp(f, "TOOLONGV", 8), 0);
    t10_put_ascii(f, 8, NULL);
    CU_ASSERT_EQUAL(memcmp(f, "        ", 8), 0);
    memcpy(f, "AB\x01 \0\0  ", 8);
    t10_get_ascii(s, f, 8);
    CU_ASSERT_STRING_EQUAL(s, "AB?");
    CU_ASSERT_STRING_EQUAL(t10_rc_name(T10_EINVAL), "T10_EINVAL");
}

static CU_TestInfo tests[] = {
    {"opcode_names_depend_on_device_type", opcode_names_depend_on_device_type},
    {"service_actions_resolve_and_fall_back", service_actions_resolve_and_fall_back},
    {"op_table_is_sorted_with_valid_lengths", op_table_is_sorted_with_valid_lengths},
    {"asc_text_and_class", asc_text_and_class},
    {"asc_range_rows_match_any_ascq", asc_range_rows_match_any_ascq},
    {"asc_table_sorted_and_large", asc_table_sorted_and_large},
    {"sense_key_names", sense_key_names},
    {"ascii_fields_pad_and_trim", ascii_fields_pad_and_trim},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo t10_suite_tables[] = {{"t10_tables", NULL, NULL, NULL, NULL, tests},
                                   CU_SUITE_INFO_NULL};
