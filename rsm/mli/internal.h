/* SPDX-License-Identifier: MIT
 * rsm/mli/internal.h - what the claimers and the dispatcher of rsm/mli share; not installed.
 *
 * A built-in claimer is one function: it reads only buf[0..len-1], fills *out and returns
 * true when the bytes are its format's label, and returns false leaving *out untouched
 * otherwise. Claimers allocate nothing and keep no state.
 */
#ifndef RSM_MLI_INTERNAL_H
#define RSM_MLI_INTERNAL_H

#include "rsm/mli/mli.h"

typedef bool rsm_mli_claim_fn(const uint8_t *buf, size_t len, struct rsm_mli_result *out);

struct rsm_mli_builtin {
    const char *name; /* the result's claimer name */
    size_t max_label; /* MaxMediaLabel of this claimer, bytes */
    rsm_mli_claim_fn *claim;
};

/* The built-ins in claim order (most specific first: RSM's free label and LTFS are VOL1
 * labels too, so they come before ANSI). */
extern const struct rsm_mli_builtin rsm_mli_builtins[];
extern const size_t rsm_mli_n_builtins;

/* vol1.c */
bool rsm_mli_claim_free(const uint8_t *buf, size_t len, struct rsm_mli_result *out);
bool rsm_mli_claim_ltfs(const uint8_t *buf, size_t len, struct rsm_mli_result *out);
bool rsm_mli_claim_ansi(const uint8_t *buf, size_t len, struct rsm_mli_result *out);
bool rsm_mli_claim_ibm(const uint8_t *buf, size_t len, struct rsm_mli_result *out);
/* tar.c, bacula.c, amanda.c, mtf.c */
bool rsm_mli_claim_tar(const uint8_t *buf, size_t len, struct rsm_mli_result *out);
bool rsm_mli_claim_bacula(const uint8_t *buf, size_t len, struct rsm_mli_result *out);
bool rsm_mli_claim_amanda(const uint8_t *buf, size_t len, struct rsm_mli_result *out);
bool rsm_mli_claim_mtf(const uint8_t *buf, size_t len, struct rsm_mli_result *out);

#define MLI_VOL1_LEN   80
#define MLI_TAR_BLOCK  512
#define MLI_TAR_MAX    (20 * MLI_TAR_BLOCK) /* one tar record at the default blocking factor */
#define MLI_BACULA_MAX 64512                /* Bacula's DEFAULT_BLOCK_SIZE: a label is one block */
#define MLI_AMANDA_MAX 32768                /* Amanda's tape header block */
#define MLI_MTF_MAX    65536                /* TAPE DBLK and its strings: the first 64 KiB */

/* loader.c: the plugins' part of rsm_mli_max_label_size() and rsm_mli_claim(). */
size_t rsm_mli_plugins_max(const struct rsm_mli *m);
bool rsm_mli_plugins_claim(const struct rsm_mli *m, const uint8_t *buf, size_t len,
                           struct rsm_mli_result *out);

/* ---- label text (text.c) ------------------------------------------------------------- */

/* Copies @n bytes of @src into @dst (capacity @cap > 0, always NUL-terminated) as UTF-8:
 * valid multi-byte sequences are kept, control characters and invalid bytes become '?'.
 * Stops at the first NUL in @src; trailing spaces are dropped; the copy is cut at a
 * character boundary if @dst is too small. Returns the length written. */
size_t rsm_mli_text(char *dst, size_t cap, const uint8_t *src, size_t n);
/* snprintf that never fails the caller: output cut to @cap, always terminated. */
void rsm_mli_fmt(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* UTF-16LE (@n_units code units) to UTF-8 with the rules of rsm_mli_text(). */
size_t rsm_mli_utf16le(char *dst, size_t cap, const uint8_t *src, size_t n_units);
/* Appends one code point as UTF-8 if it fits in @cap (keeping the NUL); returns the new
 * length, or @len unchanged if it does not fit. */
size_t rsm_mli_put_cp(char *dst, size_t cap, size_t len, uint32_t cp);
/* Sets *out's id from @src/@n (n <= RSM_MLI_ID_MAX is the caller's duty). */
void rsm_mli_set_id(struct rsm_mli_result *out, const void *src, size_t n);
/* Parses 36 characters "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX" (either case) into 16 raw
 * bytes in text order. Returns false if @s is not that. */
bool rsm_mli_guid_parse(const char *s, uint8_t out[16]);
/* The same 16 bytes as 36 upper-case characters plus NUL. */
void rsm_mli_guid_format(const uint8_t g[16], char out[37]);

/* ---- checksums (sums.c) ------------------------------------------------------ */
void rsm_mli_md5(const uint8_t *buf, size_t len, uint8_t digest[16]);
/* CRC-32 as zlib and Bacula's bcrc32 compute it (reflected 0xEDB88320, ~0 in and out). */
uint32_t rsm_mli_crc32(const uint8_t *buf, size_t len);

/* ---- integers from the wire ---------------------------------------------------------- */
static inline uint32_t rsm_mli_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint16_t rsm_mli_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint32_t)p[1] << 8);
}
static inline uint32_t rsm_mli_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
