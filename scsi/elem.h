/* SPDX-License-Identifier: MIT
 * scsi/elem.h - READ ELEMENT STATUS data (SMC-3 6.10/6.11): header, element status pages,
 * element descriptors with volume tags and device identifiers; build and decode.
 *
 * Layout (SMC-3 Tables "element status data", "element status page", descriptors):
 *   Element status header (8 bytes)
 *     0-1  FIRST ELEMENT ADDRESS REPORTED
 *     2-3  NUMBER OF ELEMENTS AVAILABLE
 *     4    reserved
 *     5-7  BYTE COUNT OF REPORT AVAILABLE (all pages, not clipped to ALLOCATION LENGTH)
 *   Element status page header (8 bytes), one per element type present
 *     0    ELEMENT TYPE CODE
 *     1    PVOLTAG(7) AVOLTAG(6) reserved
 *     2-3  ELEMENT DESCRIPTOR LENGTH
 *     4    reserved
 *     5-7  BYTE COUNT OF DESCRIPTOR DATA AVAILABLE (this page)
 *   Element descriptor (ELEMENT DESCRIPTOR LENGTH bytes)
 *     0-1  ELEMENT ADDRESS
 *     2    INENAB(5) EXENAB(4) ACCESS(3) EXCEPT(2) IMPEXP(1) FULL(0)
 *          (IMPEXP/INENAB/EXENAB only on IE, ACCESS not on MT)
 *     3    reserved
 *     4,5  ADDITIONAL SENSE CODE, QUALIFIER (valid when EXCEPT)
 *     6    DT: NOT BUS(7) ID VALID(5) LU VALID(4) LUN(2..0); else reserved
 *     7    DT: SCSI BUS ADDRESS; else reserved
 *     8    reserved
 *     9    SVALID(7) INVERT(6) ED(3) MEDIUM TYPE(2..0)
 *     10-11 SOURCE STORAGE ELEMENT ADDRESS
 *     12-  PRIMARY VOLUME TAG (36) if PVOLTAG, ALTERNATE VOLUME TAG (36) if AVOLTAG
 *     then identification (DVCID, SMC-3): CODE SET, IDENTIFIER TYPE, reserved,
 *          IDENTIFIER LENGTH (n), IDENTIFIER (n), then vendor-specific bytes.
 *   Volume tag (36 bytes): 0-31 VOLUME IDENTIFIER (ASCII, space padded), 32-33 reserved,
 *          34-35 VOLUME SEQUENCE NUMBER.
 *
 * Devices cut data at the ALLOCATION LENGTH but report full byte counts, so decoders
 * treat short data as normal, decode what is whole and say it was truncated. Byte counts
 * from the wire are never trusted over the buffer length.
 */
#ifndef OPENRSM_SCSI_ELEM_H
#define OPENRSM_SCSI_ELEM_H

#include "scsi/t10.h"

#define T10_ELEM_HDR_LEN        8
#define T10_ELEM_PAGE_HDR_LEN   8
#define T10_ELEM_DESC_FIXED_LEN 12
#define T10_VOLTAG_LEN          36
#define T10_VOLTAG_ID_LEN       32
#define T10_ELEM_IDENT_HDR_LEN  4

/* Byte 2 flags */
#define T10_ELEM_FULL   0x01
#define T10_ELEM_IMPEXP 0x02
#define T10_ELEM_EXCEPT 0x04
#define T10_ELEM_ACCESS 0x08
#define T10_ELEM_EXENAB 0x10
#define T10_ELEM_INENAB 0x20
/* Byte 9 */
#define T10_ELEM_SVALID           0x80
#define T10_ELEM_INVERT           0x40
#define T10_ELEM_ED               0x08
#define T10_ELEM_MEDIUM_TYPE_MASK 0x07
/* Byte 1 of the page header */
#define T10_ELEM_PVOLTAG 0x80
#define T10_ELEM_AVOLTAG 0x40

/* MEDIUM TYPE (SMC-3 Table 25). */
enum t10_medium_type {
    T10_MEDIUM_UNSPECIFIED = 0,
    T10_MEDIUM_DATA = 1,
    T10_MEDIUM_CLEANING = 2,
    T10_MEDIUM_DIAGNOSTIC = 3,
    T10_MEDIUM_WORM = 4,
    T10_MEDIUM_MICROCODE = 5,
};

struct t10_voltag {
    char id[T10_VOLTAG_ID_LEN + 1]; /* trailing spaces removed, NUL-terminated */
    uint16_t seq;                   /* VOLUME SEQUENCE NUMBER                  */
};

/* Writes a 36-byte volume tag: @id space-padded to 32 bytes (truncated if longer;
 * NULL = all spaces, meaning "no label"), reserved bytes zero, @seq. */
void t10_voltag_encode(uint8_t *out, const char *id, uint16_t seq);
/* Reads 36 bytes at @buf. */
void t10_voltag_decode(const uint8_t *buf, struct t10_voltag *out);

struct t10_elem_status_hdr {
    uint16_t first_addr; /* FIRST ELEMENT ADDRESS REPORTED            */
    uint16_t n_elems;    /* NUMBER OF ELEMENTS AVAILABLE              */
    uint8_t send_action; /* byte 4 bits 4..0: REQUEST VOLUME ELEMENT   *
                          * ADDRESS data echoes the SEND ACTION CODE   *
                          * here; reserved (0) in READ ELEMENT STATUS */
    uint32_t byte_count; /* BYTE COUNT OF REPORT AVAILABLE (24 bits)  */
};

struct t10_elem_page {
    uint8_t type; /* enum t10_elem_type                                   */
    bool pvoltag, avoltag;
    uint16_t desc_len;   /* ELEMENT DESCRIPTOR LENGTH                            */
    uint32_t desc_bytes; /* BYTE COUNT OF DESCRIPTOR DATA AVAILABLE (24 bits)    */
};

/* Device identification (DVCID) in a descriptor: the fields follow VPD page 83h's
 * designation descriptor header; @id is borrowed from the decoded buffer (decode) or
 * from the caller (build). */
struct t10_elem_ident {
    uint8_t code_set; /* 1 binary, 2 ASCII, 3 UTF-8                   */
    uint8_t id_type;  /* designator type, e.g. 0 vendor specific (serial) */
    uint8_t protocol_id, association;
    bool piv;
    uint8_t id_len;
    const uint8_t *id;
};

struct t10_elem_desc {
    uint8_t type; /* from the page (decode); ignored by the builder       */
    uint16_t addr;
    uint8_t flags; /* byte 2 as sent                                       */
    bool full, impexp, except, access, exenab, inenab;
    uint16_t asc_ascq; /* T10_ASC(byte 4, byte 5)                              */
    /* data transfer elements only (zero elsewhere): */
    bool not_bus, id_valid, lu_valid;
    uint8_t lun, scsi_id;
    bool src_valid, invert, ed;
    uint8_t medium;                     /* enum t10_medium_type                                 */
    uint16_t src_addr;                  /* 0 unless src_valid                                    */
    struct t10_voltag pvoltag, avoltag; /* used when the page has PVOLTAG/AVOLTAG  */
    bool has_ident;                     /* an identification block follows the voltags          */
    struct t10_elem_ident ident;
    const uint8_t *rest; /* decode: bytes after the voltags (identification and  */
    size_t rest_len;     /* vendor bytes), borrowed from the buffer               */
};

/* ---- decoding ---- */

/* 8-byte header. T10_ESHORT if @len < 8. */
enum t10_rc t10_elem_status_hdr_decode(const uint8_t *buf, size_t len,
                                       struct t10_elem_status_hdr *out);
/* 8-byte page header. T10_ESHORT if @len < 8. */
enum t10_rc t10_elem_page_decode(const uint8_t *buf, size_t len, struct t10_elem_page *out);

/* t10_elem_desc_decode() - one element descriptor.
 * @buf, @len  one descriptor; @len is the page's ELEMENT DESCRIPTOR LENGTH.
 * @pg         its page header: PVOLTAG/AVOLTAG decide the optional fields; pg->type
 *             decides whether bytes 6-7 mean anything.
 * @out        filled on success, untouched on failure; out->rest and out->ident.id are
 *             borrowed from @buf. The identification block is decoded when at least its
 *             4-byte header follows the voltags and its IDENTIFIER LENGTH is nonzero
 *             (clipped to @len: a short identifier is reported as is).
 * Returns T10_OK, or T10_ESHORT if @len can't hold what @pg announces. */
enum t10_rc t10_elem_desc_decode(const uint8_t *buf, size_t len, const struct t10_elem_page *pg,
                                 struct t10_elem_desc *out);

/* Callback for walks; @d and everything it points to is valid only during the call.
 * Return T10_OK to continue, anything else stops the walk with that result. */
typedef enum t10_rc t10_elem_fn(const struct t10_elem_desc *d, void *arg);

/* Walk the descriptors of one page: @buf, @len start right after its page header.
 * Decodes whole descriptors within min(@len, pg->desc_bytes); *truncated set when @len
 * is below pg->desc_bytes. T10_EINVAL when pg->desc_len is below what PVOLTAG/AVOLTAG
 * need or (untruncated) desc_bytes is not a multiple of desc_len. */
enum t10_rc t10_elem_page_walk(const uint8_t *buf, size_t len, const struct t10_elem_page *pg,
                               t10_elem_fn *fn, void *arg, bool *truncated);

/* Walk a whole READ ELEMENT STATUS response: header, then each page and its descriptors,
 * bounded by @len and the header's byte count. @hdr (may be NULL) gets the header.
 * *truncated set when the data ends before the byte counts say. T10_ESHORT if @len < 8. */
enum t10_rc t10_elem_status_walk(const uint8_t *buf, size_t len, struct t10_elem_status_hdr *hdr,
                                 t10_elem_fn *fn, void *arg, bool *truncated);

/* ---- building ---- */

/* Descriptor length needed for the given optional parts (rounded to nothing: SMC has no
 * alignment rule). @ident_len < 0 means no identification block. */
size_t t10_elem_desc_len_for(bool pvoltag, bool avoltag, int ident_len);

/* One descriptor of pg->desc_len bytes (unused bytes zero): flags from the bool fields
 * (d->flags is ignored), voltags when the page has them, the identification block when
 * d->has_ident. Returns pg->desc_len, writing at most @cap; 0 if the parts do not fit
 * pg->desc_len. */
size_t t10_elem_desc_build(uint8_t *out, size_t cap, const struct t10_elem_page *pg,
                           const struct t10_elem_desc *d);

/* Incremental builder for a whole response: pages in order, descriptors in each.
 * Bytes beyond @cap are counted, never written, so the byte counts are those of the full
 * report (what SMC asks a device to report when ALLOCATION LENGTH cuts the data). */
struct t10_elem_writer {
    uint8_t *out;
    size_t cap;
    size_t pos;      /* full length so far                      */
    size_t page_pos; /* offset of the open page's header        */
    struct t10_elem_page pg;
    bool page_open;
    uint16_t first_addr, n_elems;
    uint8_t send_action; /* set before finish for REQUEST VOLUME    *
                          * ELEMENT ADDRESS data (header byte 4)    */
    enum t10_rc rc;      /* first error, sticky                     */
};
void t10_elem_writer_init(struct t10_elem_writer *w, uint8_t *out, size_t cap);
/* Opens a page (closing the previous one); pg->desc_bytes is computed. */
void t10_elem_writer_page(struct t10_elem_writer *w, const struct t10_elem_page *pg);
/* Appends one descriptor to the open page (T10_EINVAL recorded if no page is open or it
 * does not fit desc_len). */
void t10_elem_writer_add(struct t10_elem_writer *w, const struct t10_elem_desc *d);
/* Writes the header and page byte counts. Returns the full report length (header
 * included), or 0 if an error was recorded (w->rc says which). */
size_t t10_elem_writer_finish(struct t10_elem_writer *w);

/* SEND VOLUME TAG parameter list (SMC-3): 0-31 VOLUME IDENTIFICATION TEMPLATE (ASCII,
 * space padded; the translate actions allow the wildcards '*' and '?'), 32-33 reserved,
 * 34-35 MINIMUM VOLUME SEQUENCE NUMBER, 36-37 reserved, 38-39 MAXIMUM VOLUME SEQUENCE
 * NUMBER. */
#define T10_SVT_LEN 40
struct t10_svt_params {
    char template_id[T10_VOLTAG_ID_LEN + 1]; /* trailing spaces removed */
    uint16_t min_seq, max_seq;
};
size_t t10_svt_build(uint8_t *out, size_t cap, const struct t10_svt_params *p);
/* T10_ESHORT (pointer at the end of the data, cd = false) if @len < 40. */
enum t10_rc t10_svt_decode(const uint8_t *buf, size_t len, struct t10_svt_params *out,
                           struct t10_field_ptr *bad);

#endif
