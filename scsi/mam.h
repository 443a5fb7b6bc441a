/* SPDX-License-Identifier: MIT
 * scsi/mam.h - medium auxiliary memory attributes: READ ATTRIBUTE data and WRITE
 * ATTRIBUTE parameter lists (SPC-4 r37 6.16, 6.37, 7.4).
 *
 *   ATTRIBUTE VALUES (service action 00h) data and WRITE ATTRIBUTE parameter list:
 *     0-3 AVAILABLE DATA / PARAMETER LIST LENGTH (n - 3), then attributes:
 *     0-1 ATTRIBUTE IDENTIFIER  2 READ ONLY(7) FORMAT(1..0)  3-4 ATTRIBUTE LENGTH (k)
 *     5.. ATTRIBUTE VALUE (k bytes)
 *   ATTRIBUTE LIST (01h) and SUPPORTED ATTRIBUTES (05h): 0-3 AVAILABLE DATA, then 2-byte
 *     identifiers.
 * Formats (Table 339): 00b binary, 01b ASCII, 10b text, 11b reserved.
 */
#ifndef OPENRSM_SCSI_MAM_H
#define OPENRSM_SCSI_MAM_H

#include "scsi/t10.h"

#define T10_MAM_HDR_LEN      4
#define T10_MAM_ATTR_HDR_LEN 5

enum t10_mam_format { T10_MAM_BINARY = 0, T10_MAM_ASCII = 1, T10_MAM_TEXT = 2 };

/* Well-known attributes (SPC-4 Tables 341-343). */
enum t10_mam_id {
    T10_MAM_REMAINING_CAPACITY = 0x0000,
    T10_MAM_MAXIMUM_CAPACITY = 0x0001,
    T10_MAM_TAPEALERT_FLAGS = 0x0002,
    T10_MAM_LOAD_COUNT = 0x0003,
    T10_MAM_SPACE_REMAINING = 0x0004,
    T10_MAM_ASSIGNING_ORGANIZATION = 0x0005,
    T10_MAM_FORMATTED_DENSITY_CODE = 0x0006,
    T10_MAM_INITIALIZATION_COUNT = 0x0007,
    T10_MAM_VOLUME_IDENTIFIER = 0x0008,
    T10_MAM_VOLUME_CHANGE_REFERENCE = 0x0009,
    T10_MAM_DEV_AT_LAST_LOAD = 0x020A,
    T10_MAM_DEV_AT_LOAD_1 = 0x020B,
    T10_MAM_DEV_AT_LOAD_2 = 0x020C,
    T10_MAM_DEV_AT_LOAD_3 = 0x020D,
    T10_MAM_TOTAL_MB_WRITTEN = 0x0220,
    T10_MAM_TOTAL_MB_READ = 0x0221,
    T10_MAM_LOAD_MB_WRITTEN = 0x0222,
    T10_MAM_LOAD_MB_READ = 0x0223,
    T10_MAM_FIRST_ENCRYPTED_BLOCK = 0x0224,
    T10_MAM_FIRST_UNENCRYPTED_BLOCK = 0x0225,
    T10_MAM_MEDIUM_MANUFACTURER = 0x0400,
    T10_MAM_MEDIUM_SERIAL = 0x0401,
    T10_MAM_MEDIUM_LENGTH = 0x0402,
    T10_MAM_MEDIUM_WIDTH = 0x0403,
    T10_MAM_MEDIUM_ASSIGNING_ORG = 0x0404,
    T10_MAM_MEDIUM_DENSITY_CODE = 0x0405,
    T10_MAM_MEDIUM_MANUFACTURE_DATE = 0x0406,
    T10_MAM_MAM_CAPACITY = 0x0407,
    T10_MAM_MEDIUM_TYPE = 0x0408,
    T10_MAM_MEDIUM_TYPE_INFO = 0x0409,
    T10_MAM_APP_VENDOR = 0x0800,
    T10_MAM_APP_NAME = 0x0801,
    T10_MAM_APP_VERSION = 0x0802,
    T10_MAM_USER_LABEL = 0x0803,
    T10_MAM_LAST_WRITTEN = 0x0804,
    T10_MAM_LOCALIZATION_ID = 0x0805,
    T10_MAM_BARCODE = 0x0806,
    T10_MAM_OWNING_HOST = 0x0807,
    T10_MAM_MEDIA_POOL = 0x0808,
    T10_MAM_PARTITION_LABEL = 0x0809,
    T10_MAM_LOAD_UNLOAD_AT_PARTITION = 0x080A,
    T10_MAM_APP_FORMAT_VERSION = 0x080B,
    T10_MAM_VOLUME_COHERENCY = 0x080C,
    T10_MAM_MEDIUM_GUID = 0x0820,
    T10_MAM_MEDIA_POOL_GUID = 0x0821,
};

/* Standard definition of a well-known attribute. */
struct t10_mam_info {
    uint16_t id;
    uint8_t format;   /* enum t10_mam_format */
    uint16_t len;     /* standard length; 0 = variable */
    bool read_only;   /* maintained by the device       */
    const char *name; /* "BARCODE"                      */
};
/* Row for @id, or NULL for identifiers without a standard definition here. */
const struct t10_mam_info *t10_mam_lookup(uint16_t id);

struct t10_mam_attr {
    uint16_t id;
    bool read_only;
    uint8_t format;
    uint16_t len;
    const uint8_t *value; /* borrowed: from the buffer (walk) or caller (build) */
};

/* One attribute: 5 + a->len bytes. */
size_t t10_mam_attr_build(uint8_t *out, size_t cap, const struct t10_mam_attr *a);
/* ATTRIBUTE VALUES data / WRITE ATTRIBUTE parameter list for @n attributes:
 * 4 + sum(5 + len). */
size_t t10_mam_values_build(uint8_t *out, size_t cap, const struct t10_mam_attr *a, size_t n);

typedef enum t10_rc t10_mam_fn(const struct t10_mam_attr *a, void *arg);
/* Walks ATTRIBUTE VALUES data or a WRITE ATTRIBUTE parameter list: attributes wholly
 * inside min(@len, 4 + AVAILABLE DATA); *truncated when one is cut. T10_ESHORT if
 * @len < 4. */
enum t10_rc t10_mam_values_walk(const uint8_t *buf, size_t len, t10_mam_fn *fn, void *arg,
                                bool *truncated);

/* ATTRIBUTE LIST / SUPPORTED ATTRIBUTES: 4 + 2n. */
size_t t10_mam_list_build(uint8_t *out, size_t cap, const uint16_t *ids, size_t n);
/* Copies up to @cap identifiers; *n_listed is the number AVAILABLE DATA announces;
 * *truncated when @len holds fewer. T10_ESHORT if @len < 4. */
enum t10_rc t10_mam_list_decode(const uint8_t *buf, size_t len, uint16_t *ids, size_t cap,
                                size_t *n_ids, size_t *n_listed, bool *truncated);

#endif
