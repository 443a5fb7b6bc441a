/* SPDX-License-Identifier: MIT
 * scsi/vpd.h - standard INQUIRY data and vital product data pages.
 *
 * SPC-4 r37 6.4.2 (standard INQUIRY data, Table 142), 7.8 (VPD pages: 00h supported
 * pages 7.8.16, 80h unit serial number 7.8.18, 83h device identification 7.8.6 with
 * designation descriptors Table 603), SSC-4 8.4 (B0h sequential-access device
 * capabilities, B1h manufacturer-assigned serial number, B2h TapeAlert supported flags,
 * B3h automation device serial number, B4h data transfer device element address).
 *
 *   Standard INQUIRY: 0 QUALIFIER(7..5) PDT(4..0)  1 RMB(7) LU_CONG(6)  2 VERSION
 *     3 NORMACA(5) HISUP(4) RESPONSE DATA FORMAT(3..0)  4 ADDITIONAL LENGTH (n-4)
 *     5 SCCS(7) ACC(6) TPGS(5..4) 3PC(3) PROTECT(0)  6 ENCSERV(6) VS(5) MULTIP(4)
 *     MCHNGR(3) ADDR16(0)  7 WBUS16(5) SYNC(4) CMDQUE(1) VS(0)  8-15 VENDOR
 *     16-31 PRODUCT  32-35 REVISION  36-55 vendor specific  56-57 rsvd
 *     58-73 VERSION DESCRIPTORS (8 x 2)  74-95 reserved
 *   VPD page: 0 QUALIFIER|PDT  1 PAGE CODE  2-3 PAGE LENGTH (n-3)  4.. page data
 *   Designation descriptor: 0 PROTOCOL IDENTIFIER(7..4) CODE SET(3..0)
 *     1 PIV(7) ASSOCIATION(5..4) DESIGNATOR TYPE(3..0)  2 rsvd  3 LENGTH  4.. designator
 */
#ifndef OPENRSM_SCSI_VPD_H
#define OPENRSM_SCSI_VPD_H

#include "scsi/t10.h"

#define T10_INQUIRY_STD_LEN  36 /* without version descriptors */
#define T10_INQUIRY_FULL_LEN 96 /* with version descriptors     */
#define T10_VPD_HDR_LEN      4

/* Version values (SPC-4 Table 145) */
#define T10_VERSION_SPC3 0x05
#define T10_VERSION_SPC4 0x06
#define T10_VERSION_SPC5 0x07

struct t10_inquiry {
    uint8_t qualifier, pdt;
    bool rmb;
    uint8_t version;
    bool normaca, hisup;
    uint8_t resp_format; /* build: 0 means 2 (the only valid value)            */
    uint8_t add_len;     /* decode only: ADDITIONAL LENGTH as sent              */
    bool sccs, acc, tpc, protect;
    uint8_t tpgs;
    bool encserv, multip, mchngr, addr16;
    bool wbus16, sync, cmdque;
    char vendor[T10_VENDOR_LEN + 1];
    char product[T10_PRODUCT_LEN + 1];
    char revision[T10_REVISION_LEN + 1];
    uint8_t n_version_desc; /* 0..8 */
    uint16_t version_desc[8];
    bool truncated; /* decode: fewer bytes than ADDITIONAL LENGTH announced */
};

/* 36 bytes when n_version_desc == 0, else 96. Strings are space padded. Returns the
 * full length (0 if n_version_desc > 8), writing at most @cap bytes. */
size_t t10_inquiry_build(uint8_t *out, size_t cap, const struct t10_inquiry *inq);
/* Decodes whatever of the standard data is present: at least 5 bytes (else T10_ESHORT);
 * fields past @len are zero or empty, out->truncated set if @len < 5 + ADDITIONAL LENGTH. */
enum t10_rc t10_inquiry_decode(const uint8_t *buf, size_t len, struct t10_inquiry *out);

enum t10_vpd_page {
    T10_VPD_SUPPORTED = 0x00,
    T10_VPD_UNIT_SERIAL = 0x80,
    T10_VPD_DEVICE_ID = 0x83,
    T10_VPD_EXTENDED_INQUIRY = 0x86,
    T10_VPD_SSC_CAPABILITIES = 0xB0,
    T10_VPD_MANUFACTURER_SERIAL = 0xB1,
    T10_VPD_TAPEALERT_SUPPORTED = 0xB2,
    T10_VPD_AUTOMATION_SERIAL = 0xB3,
    T10_VPD_DTD_ELEMENT_ADDRESS = 0xB4,
};

struct t10_vpd_hdr {
    uint8_t qualifier, pdt, page;
    uint16_t page_len; /* PAGE LENGTH: bytes after the 4-byte header */
};
/* Writes the 4-byte header. */
size_t t10_vpd_hdr_build(uint8_t *out, size_t cap, uint8_t pdt, uint8_t page, uint16_t page_len);
/* T10_ESHORT if @len < 4. The page body is min(len - 4, page_len) bytes. */
enum t10_rc t10_vpd_hdr_decode(const uint8_t *buf, size_t len, struct t10_vpd_hdr *out);

/* 00h: @pages (any order, duplicates dropped) are written sorted ascending. */
size_t t10_vpd_supported_build(uint8_t *out, size_t cap, uint8_t pdt, const uint8_t *pages,
                               size_t n);
/* Copies up to @cap page codes into @pages; *n_pages gets the number present in the data
 * (clipped to @len). T10_EINVAL if the list is not strictly ascending. */
enum t10_rc t10_vpd_supported_decode(const uint8_t *buf, size_t len, uint8_t *pages, size_t cap,
                                     size_t *n_pages);

/* ASCII pages 80h, B1h, B3h: the string as the page body (no padding beyond it). */
size_t t10_vpd_ascii_build(uint8_t *out, size_t cap, uint8_t pdt, uint8_t page, const char *text);
/* Copies the body into @text (NUL-terminated, at most @cap - 1 chars, trailing spaces
 * removed); T10_EINVAL if buf[1] != @page. */
enum t10_rc t10_vpd_ascii_decode(const uint8_t *buf, size_t len, uint8_t page, char *text,
                                 size_t cap);

/* Designation descriptor (83h). */
enum t10_code_set { T10_CS_BINARY = 1, T10_CS_ASCII = 2, T10_CS_UTF8 = 3 };
enum t10_desig_type {
    T10_DESIG_VENDOR = 0,
    T10_DESIG_T10_VENDOR = 1,
    T10_DESIG_EUI64 = 2,
    T10_DESIG_NAA = 3,
    T10_DESIG_REL_TGT_PORT = 4,
    T10_DESIG_TGT_PORT_GROUP = 5,
    T10_DESIG_LU_GROUP = 6,
    T10_DESIG_MD5 = 7,
    T10_DESIG_SCSI_NAME = 8,
};
enum t10_assoc { T10_ASSOC_LU = 0, T10_ASSOC_PORT = 1, T10_ASSOC_TARGET = 2 };
struct t10_desig {
    uint8_t protocol_id, code_set;
    bool piv;
    uint8_t association, type;
    uint8_t len;
    const uint8_t *id; /* borrowed: from the buffer (walk) or the caller (build) */
};
/* Page 83h from @n descriptors. Returns the full length (0 if a designator is over 255). */
size_t t10_vpd_devid_build(uint8_t *out, size_t cap, uint8_t pdt, const struct t10_desig *d,
                           size_t n);
typedef enum t10_rc t10_desig_fn(const struct t10_desig *d, void *arg);
/* Walks the descriptors of an 83h page (@buf at the page header), each by its own
 * LENGTH, bounded by @len and PAGE LENGTH; *truncated when the last one was cut. */
enum t10_rc t10_vpd_devid_walk(const uint8_t *buf, size_t len, t10_desig_fn *fn, void *arg,
                               bool *truncated);
/* Designator helpers: NAA IEEE Registered (5h): 8 bytes from a 24-bit OUI and a 36-bit
 * vendor-specific identifier (higher bits ignored). */
void t10_naa5_encode(uint8_t out[8], uint32_t oui, uint64_t vsid);
/* T10 vendor ID designator body: 8-byte vendor (space padded) + @vsid. Returns its
 * length, writing at most @cap bytes. */
size_t t10_t10vid_encode(uint8_t *out, size_t cap, const char *vendor, const char *vsid);
/* Relative target port designator body: 4 bytes (2 reserved, 2 relative port id). */
void t10_relport_encode(uint8_t out[4], uint16_t rel_port);

/* B0h: byte 4 TSMC(1) WORM(0), PAGE LENGTH 2. */
struct t10_vpd_b0 {
    bool worm, tsmc;
};
size_t t10_vpd_b0_build(uint8_t *out, size_t cap, uint8_t pdt, const struct t10_vpd_b0 *p);
enum t10_rc t10_vpd_b0_decode(const uint8_t *buf, size_t len, struct t10_vpd_b0 *out);

/* B2h TapeAlert supported flags: bytes 4-11 flags 1..64 (flag 1 = byte 4 bit 7), PAGE
 * LENGTH 0Ch. Masks use bit (n - 1) for flag n (T10_TA_FLAG, log.h). */
size_t t10_vpd_b2_build(uint8_t *out, size_t cap, uint8_t pdt, uint64_t supported);
enum t10_rc t10_vpd_b2_decode(const uint8_t *buf, size_t len, uint64_t *supported);

/* B4h Data Transfer Device Element Address: bytes 4-5 reserved, 6-7 the element address
 * the changer reports for this drive (PAGE LENGTH 4). Decode reads the last two bytes of
 * a longer field. */
size_t t10_vpd_b4_build(uint8_t *out, size_t cap, uint8_t pdt, uint16_t elem_addr);
enum t10_rc t10_vpd_b4_decode(const uint8_t *buf, size_t len, uint16_t *elem_addr);

#endif
