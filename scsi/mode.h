/* SPDX-License-Identifier: MIT
 * scsi/mode.h - MODE SENSE data and MODE SELECT parameter lists: headers, block
 * descriptors, the page walk, and the pages changers and tape drives use.
 *
 * SPC-4 r37 7.5: mode parameter header (6) Table 446 / (10) Table 447, short block
 * descriptor (SSC-4 8.3.2: density code, number of blocks, block length), page_0 and
 * sub_page formats (Table 452/453). Pages: 0Ah control (SPC-4 7.5.8), 0Fh data
 * compression, 10h device configuration, 11h medium partition (SSC-4 8.3.x), 1Ch
 * informational exceptions control (SPC-4 7.5.10, TapeAlert MRIE), 1Dh element address
 * assignment, 1Eh transport geometry parameters, 1Fh device capabilities (SMC-3 7.3.x).
 *
 *   Header(6):  0 MODE DATA LENGTH  1 MEDIUM TYPE  2 DEVICE-SPECIFIC  3 BLOCK DESC LENGTH
 *   Header(10): 0-1 MODE DATA LENGTH 2 MEDIUM TYPE 3 DEVICE-SPECIFIC 4 LONGLBA(0) 5 rsvd
 *               6-7 BLOCK DESCRIPTOR LENGTH
 *   DEVICE-SPECIFIC for SSC: WP(7) BUFFERED MODE(6..4) SPEED(3..0)
 *   Block descriptor: 0 DENSITY CODE 1-3 NUMBER OF BLOCKS 4 rsvd 5-7 BLOCK LENGTH
 *   Page header: PS(7) SPF(6) PAGE CODE(5..0), then PAGE LENGTH (1 byte, page_0) or
 *                SUBPAGE CODE + PAGE LENGTH (2 bytes, sub_page format)
 *
 * Page builders write the page with its header (PS as given) and return its full length;
 * page decoders take the page starting at its header, check the page code and that the
 * PAGE LENGTH covers the fields they read, and ignore bytes past those fields.
 * MODE SELECT errors carry a field pointer into the parameter list (cd = false) so the
 * target can send INVALID FIELD IN PARAMETER LIST (26/00) with SKSV.
 */
#ifndef OPENRSM_SCSI_MODE_H
#define OPENRSM_SCSI_MODE_H

#include "scsi/t10.h"

#define T10_MODE_HDR6_LEN    4
#define T10_MODE_HDR10_LEN   8
#define T10_MODE_BLKDESC_LEN 8

enum t10_mode_page_code {
    T10_MP_CONTROL = 0x0A,
    T10_MP_COMPRESSION = 0x0F,
    T10_MP_DEVICE_CONFIG = 0x10,
    T10_MP_PARTITION = 0x11,
    T10_MP_INFO_EXCEPTIONS = 0x1C,
    T10_MP_ELEMENT_ADDRESS = 0x1D,
    T10_MP_TRANSPORT_GEOMETRY = 0x1E,
    T10_MP_DEVICE_CAPABILITIES = 0x1F,
};

struct t10_mode_hdr {
    uint16_t data_len; /* MODE DATA LENGTH as on the wire (decode); ignored by build */
    uint8_t medium_type;
    uint8_t dev_specific;  /* whole byte; for tape: */
    bool wp;               /* write protect (bit 7), tape drives                       */
    uint8_t buffered_mode; /* bits 6..4                                                 */
    uint8_t speed;         /* bits 3..0                                                 */
    bool longlba;          /* 10-byte header only                                       */
    uint16_t bd_len;       /* BLOCK DESCRIPTOR LENGTH                                   */
};

/* Header build: dev_specific is taken from wp/buffered_mode/speed when @h->dev_specific
 * is 0, else verbatim; MODE DATA LENGTH is written as 0 (fix it with
 * t10_mode_set_data_len once the data is complete). Returns 4 or 8. ERANGE-like
 * failure (bd_len > 255 in the 6-byte form) returns 0. */
size_t t10_mode_hdr_build(uint8_t *out, size_t cap, bool ten, const struct t10_mode_hdr *h);
/* Patches MODE DATA LENGTH for data of @total_len bytes (header included) where it lies
 * within @cap; for the 6-byte form a total above 256 is clipped to 255 (the field's
 * maximum). */
void t10_mode_set_data_len(uint8_t *out, size_t cap, bool ten, size_t total_len);
/* T10_ESHORT if @len is below the header. */
enum t10_rc t10_mode_hdr_decode(const uint8_t *buf, size_t len, bool ten, struct t10_mode_hdr *out);

struct t10_mode_blkdesc {
    uint8_t density;
    uint32_t n_blocks;  /* 24 bits */
    uint32_t block_len; /* 24 bits; 0 = variable block mode on tape */
};
size_t t10_mode_blkdesc_build(uint8_t *out, size_t cap, const struct t10_mode_blkdesc *bd);
enum t10_rc t10_mode_blkdesc_decode(const uint8_t *buf, size_t len, struct t10_mode_blkdesc *out);

struct t10_mode_page_hdr {
    bool ps, spf;
    uint8_t page, subpage;
    uint16_t page_len; /* bytes after the header                         */
    uint8_t hdr_len;   /* 2 (page_0) or 4 (sub_page)                     */
};
/* Writes a page header (4 bytes when spf, else 2; page_len <= 255 without spf).
 * Returns the header length or 0 if page_len does not fit. */
size_t t10_mode_page_hdr_build(uint8_t *out, size_t cap, const struct t10_mode_page_hdr *h);
enum t10_rc t10_mode_page_hdr_decode(const uint8_t *buf, size_t len, struct t10_mode_page_hdr *out);

/* Called for each whole page: @page points at its header (borrowed), @page_off is its
 * offset in the parameter data (for field pointers: byte = page_off + offset in page).
 * Return T10_OK to go on; a callback that rejects a field fills *bad and returns
 * T10_EINVAL, which ends the walk. */
typedef enum t10_rc t10_mode_page_fn(const struct t10_mode_page_hdr *ph, const uint8_t *page,
                                     size_t page_off, void *arg, struct t10_field_ptr *bad);

/* t10_mode_sense_walk() - walk MODE SENSE data (initiator side).
 * Header, then block descriptors (first one into *bd when @bd and bd_len >= 8), then
 * each page wholly inside min(@len, MODE DATA LENGTH + 1 or 2). *truncated set if data
 * stops inside the announced length. T10_ESHORT if @len is below the header. */
enum t10_rc t10_mode_sense_walk(const uint8_t *buf, size_t len, bool ten, struct t10_mode_hdr *hdr,
                                struct t10_mode_blkdesc *bd, t10_mode_page_fn *fn, void *arg,
                                bool *truncated);

/* t10_mode_select_walk() - walk a MODE SELECT parameter list (target side), strictly.
 * @len is the PARAMETER LIST LENGTH actually received. Errors fill *bad (cd = false):
 *   T10_ESHORT  @len below the header (PARAMETER LIST LENGTH ERROR, 1A/00)
 *   T10_EINVAL  block descriptor length not a multiple of 8 (16 with LONGLBA) or past
 *               the list; a page header or page running past the list (pointer at its
 *               PAGE LENGTH); or whatever @fn rejects.
 * Pages are passed in order; @fn decides which it accepts. */
enum t10_rc t10_mode_select_walk(const uint8_t *buf, size_t len, bool ten, struct t10_mode_hdr *hdr,
                                 struct t10_mode_blkdesc *bd, t10_mode_page_fn *fn, void *arg,
                                 struct t10_field_ptr *bad);

/* Finds page @page/@subpage (subpage 0 also matches page_0 format) in MODE SENSE data;
 * *page_out (borrowed) points at its header and *page_len_out is header + PAGE LENGTH
 * clipped to the data. T10_ENOENT if absent. */
enum t10_rc t10_mode_find_page(const uint8_t *buf, size_t len, bool ten, uint8_t page,
                               uint8_t subpage, const uint8_t **page_out, size_t *page_len_out);

/* Field pointers (cd = false) into a MODE SELECT parameter list header and its first
 * block descriptor, for values a target rejects after the walk. */
enum t10_mode_field {
    T10_MF_MEDIUM_TYPE,
    T10_MF_DEV_SPECIFIC,
    T10_MF_BD_LEN,
    T10_MF_BD_DENSITY,
    T10_MF_BD_N_BLOCKS,
    T10_MF_BD_BLOCK_LEN,
};
struct t10_field_ptr t10_mode_field(bool ten, enum t10_mode_field f);

/* ---- pages ---- */

/* 0Ah Control (SPC-4 Table 457), PAGE LENGTH 0Ah. */
struct t10_mode_control {
    uint8_t tst; /* byte 2 bits 7..5 */
    bool tmf_only, dpicz, d_sense, gltsd, rlec;
    uint8_t qam;  /* byte 3 bits 7..4 */
    uint8_t qerr; /* byte 3 bits 2..1 */
    bool rac, swp;
    uint8_t ua_intlck_ctrl; /* byte 4 bits 5..4 */
    bool ato, tas, atmpe, rwwp;
    uint8_t autoload_mode;   /* byte 5 bits 2..0 */
    uint16_t busy_timeout;   /* 100 ms units */
    uint16_t ext_selftest_s; /* EXTENDED SELF-TEST COMPLETION TIME, seconds */
};
size_t t10_mode_control_build(uint8_t *out, size_t cap, const struct t10_mode_control *p, bool ps);
enum t10_rc t10_mode_control_decode(const uint8_t *page, size_t len, struct t10_mode_control *out);

/* 1Dh Element Address Assignment (SMC-3), PAGE LENGTH 12h. */
struct t10_mode_eaa {
    uint16_t mt_first, mt_count; /* medium transport */
    uint16_t st_first, st_count; /* storage */
    uint16_t ie_first, ie_count; /* import/export */
    uint16_t dt_first, dt_count; /* data transfer */
};
#define T10_MODE_EAA_LEN 20
size_t t10_mode_eaa_build(uint8_t *out, size_t cap, const struct t10_mode_eaa *p, bool ps);
enum t10_rc t10_mode_eaa_decode(const uint8_t *page, size_t len, struct t10_mode_eaa *out);

/* 1Eh Transport Geometry Parameters (SMC-3): 2 bytes per transport:
 * ROTATE(0), MEMBER NUMBER IN TRANSPORT ELEMENT SET. */
#define T10_GEOM_MAX 64
struct t10_mode_geometry {
    uint8_t n;
    struct {
        bool rotate;
        uint8_t member;
    } t[T10_GEOM_MAX];
};
size_t t10_mode_geometry_build(uint8_t *out, size_t cap, const struct t10_mode_geometry *p,
                               bool ps);
/* Decodes up to T10_GEOM_MAX transports; more are ignored. */
enum t10_rc t10_mode_geometry_decode(const uint8_t *page, size_t len,
                                     struct t10_mode_geometry *out);

/* 1Fh Device Capabilities (SMC-3), PAGE LENGTH 12h. Index [0..3] = source element type
 * MT, ST, IE, DT (enum t10_elem_type - 1); bits T10_CAP_<type> name destinations. */
#define T10_CAP_MT 0x01
#define T10_CAP_ST 0x02
#define T10_CAP_IE 0x04
#define T10_CAP_DT 0x08
struct t10_mode_devcap {
    uint8_t stor;        /* byte 2: StorDT StorIE StorST StorMT (T10_CAP_ bits) */
    uint8_t move[4];     /* bytes 4-7: MT->, ST->, IE->, DT->                    */
    uint8_t exchange[4]; /* bytes 12-15                                          */
};
#define T10_MODE_DEVCAP_LEN 20
size_t t10_mode_devcap_build(uint8_t *out, size_t cap, const struct t10_mode_devcap *p, bool ps);
enum t10_rc t10_mode_devcap_decode(const uint8_t *page, size_t len, struct t10_mode_devcap *out);

/* 0Fh Data Compression (SSC-4), PAGE LENGTH 0Eh. */
struct t10_mode_compression {
    bool dce, dcc, dde;
    uint8_t red; /* REPORT EXCEPTION ON DECOMPRESSION, byte 3 bits 6..5 */
    uint32_t comp_alg, decomp_alg;
};
size_t t10_mode_compression_build(uint8_t *out, size_t cap, const struct t10_mode_compression *p,
                                  bool ps);
enum t10_rc t10_mode_compression_decode(const uint8_t *page, size_t len,
                                        struct t10_mode_compression *out);

/* 10h Device Configuration (SSC-4), PAGE LENGTH 0Eh. */
struct t10_mode_devconfig {
    bool cap, caf;
    uint8_t active_format; /* byte 2 bits 4..0 */
    uint8_t active_partition;
    uint8_t write_full_ratio, read_empty_ratio;
    uint16_t write_delay; /* 100 ms units */
    bool obr, lois, rsmk, avc, robo, rew;
    uint8_t socf; /* byte 8 bits 3..2 */
    uint8_t gap_size;
    uint8_t eod_defined; /* byte 10 bits 7..5 */
    bool eeg, sew, swp, baml, bam;
    uint32_t buf_size_ew; /* 24 bits, OBJECT BUFFER SIZE AT EARLY WARNING */
    uint8_t select_compression;
    bool oir, asocwp, perswp, prmwp;
    uint8_t rewind_on_reset; /* byte 15 bits 4..3 */
    uint8_t wtre;            /* byte 15 bits 7..6 */
};
size_t t10_mode_devconfig_build(uint8_t *out, size_t cap, const struct t10_mode_devconfig *p,
                                bool ps);
enum t10_rc t10_mode_devconfig_decode(const uint8_t *page, size_t len,
                                      struct t10_mode_devconfig *out);

/* 11h Medium Partition (SSC-4): bytes 2-7 fixed, then 2-byte PARTITION SIZE fields. */
#define T10_PART_MAX 64
struct t10_mode_partition {
    uint8_t max_add, n_add; /* MAXIMUM / ADDITIONAL PARTITIONS DEFINED */
    bool fdp, sdp, idp, pofm, clear, addp;
    uint8_t psum;       /* byte 4 bits 4..3 */
    uint8_t mfr;        /* MEDIUM FORMAT RECOGNITION */
    uint8_t part_units; /* byte 6 bits 3..0 */
    uint8_t n_sizes;
    uint16_t sizes[T10_PART_MAX];
};
size_t t10_mode_partition_build(uint8_t *out, size_t cap, const struct t10_mode_partition *p,
                                bool ps);
enum t10_rc t10_mode_partition_decode(const uint8_t *page, size_t len,
                                      struct t10_mode_partition *out);

/* 1Ch Informational Exceptions Control (SPC-4 Table 459), PAGE LENGTH 0Ah. */
struct t10_mode_iec {
    bool perf, ebf, ewasc, dexcpt, test, ebackerr, logerr;
    uint8_t mrie;      /* METHOD OF REPORTING (3 = conditionally generate
                        * recovered error, 4 = unconditionally, 6 = on request) */
    uint32_t interval; /* INTERVAL TIMER, 100 ms units */
    uint32_t report_count;
};
size_t t10_mode_iec_build(uint8_t *out, size_t cap, const struct t10_mode_iec *p, bool ps);
enum t10_rc t10_mode_iec_decode(const uint8_t *page, size_t len, struct t10_mode_iec *out);

#endif
