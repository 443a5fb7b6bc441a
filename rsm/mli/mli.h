/* SPDX-License-Identifier: MIT
 * rsm/mli/mli.h - media label libraries: who wrote the label at the start of a tape.
 *
 * RSM identifies a side by its on-media identifier (OMID): it reads the first bytes of the
 * side and offers them to each media label library (MLL) until one claims them (ntms-api.md
 * §2.10, §4; the Windows ABI is rsm/include/ntmsmli.h). This module holds:
 *
 *   - the built-in claimers (vol1.c, tar.c, bacula.c, amanda.c, mtf.c): RSM's own
 *     free-media label, LTFS, ANSI X3.27 and IBM standard VOL1 labels, POSIX/GNU tar,
 *     Bacula, Amanda and MTF;
 *   - the plugin loader (loader.c): every *.so in a configured directory that exports
 *     MaxMediaLabel and ClaimMediaLabel (and optionally ClaimMediaLabelEx) with the
 *     ntmsmli.h shapes;
 *   - rsm_mli_claim(): one call that runs them all, built-ins first, then plugins in file
 *     name order; the first claim wins;
 *   - the free-media label writer (vol1.c), the label RSM writes when a medium enters a
 *     free pool (NTMS_LM_WRITESCRATCH).
 *
 * Depends on libc and libdl only: no engine, no SQLite. Start reading at rsm_mli_claim().
 * Formats and the engine's use during OMID inventory: rsm/mli/README.md.
 *
 * Threads: the built-in claimers and the free-label writer are reentrant. A struct rsm_mli
 * is read-only after rsm_mli_open(), but the plugins it calls may not be reentrant, so
 * one thread at a time uses a given handle (as with the other RSM handles).
 */
#ifndef RSM_MLI_MLI_H
#define RSM_MLI_MLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Result codes; zero is success. */
enum rsm_mli_rc {
    RSM_MLI_OK = 0,
    RSM_MLI_UNCLAIMED, /* no claimer recognised the bytes (blank or foreign media) */
    RSM_MLI_EINVAL,    /* NULL where a pointer is required */
    RSM_MLI_ENODIR,    /* the plugin directory given (or $RSM_MLI_DIR) cannot be read */
    RSM_MLI_ENOMEM,
};

#define RSM_MLI_ID_MAX      255  /* NTMS_OMIDLABELID_LENGTH: what a side stores */
#define RSM_MLI_CLAIMER_MAX 64   /* claimer name, bytes incl. NUL */
#define RSM_MLI_TYPE_MAX    256  /* szOmidLabelType: 64 characters as UTF-8, incl. NUL */
#define RSM_MLI_APP_MAX     256  /* owning application, UTF-8 incl. NUL */
#define RSM_MLI_INFO_MAX    1024 /* szOmidLabelInfo: 256 characters as UTF-8, incl. NUL */

/* What a claim found. All strings are NUL-terminated UTF-8 (invalid bytes and control
 * characters from the medium become '?'), so the engine can widen them safely. */
struct rsm_mli_result {
    char claimer[RSM_MLI_CLAIMER_MAX]; /* built-in name ("RSM", "LTFS", "ANSI", "IBM", "TAR",
                                          "BACULA", "AMANDA", "MTF") or the plugin's file
                                          name without ".so" */
    char type[RSM_MLI_TYPE_MAX];       /* -> szOmidLabelType; same for every medium of the
                                          format (for MTF: the SoftwareName, per §4.4) */
    uint8_t id[RSM_MLI_ID_MAX];        /* -> OmidLabelId: unique per medium within type */
    size_t id_len;                     /* -> dwOmidLabelIdLength, 1..RSM_MLI_ID_MAX */
    char info[RSM_MLI_INFO_MAX];       /* -> szOmidLabelInfo: human-readable description */
    char app[RSM_MLI_APP_MAX];         /* the application that owns the format, "" if the
                                          label does not say */
    bool free_label;                   /* RSM's own free-media label: medium goes to Free */
    uint8_t media_id[16];              /* free_label only: the RSM medium GUID (raw bytes)
                                          the label was written for */
    bool has_guid;                     /* the label carries a GUID (ClaimMediaLabelEx, MTF
                                          media label GUID): in guid[] */
    uint8_t guid[16];
};

/* Told why a plugin (or one of its answers) was refused. @path is the plugin's file, @why
 * a sentence. Both borrowed for the call. */
typedef void rsm_mli_report_fn(void *arg, const char *path, const char *why);

/* The loaded plugins. Opaque; built-ins need none (pass NULL where a handle is taken). */
struct rsm_mli;

/* Loads every regular file named *.so in @dir, in name order, with dlopen(RTLD_NOW |
 * RTLD_LOCAL). @dir NULL means $RSM_MLI_DIR; if that is unset or empty, no plugins are
 * loaded and the call succeeds. A plugin is skipped (and @report told why, if non-NULL)
 * when dlopen fails, when MaxMediaLabel or ClaimMediaLabel is missing, or when
 * MaxMediaLabel fails or reports 0 or more than RSM_MLI_PLUGIN_MAX_LABEL bytes.
 * @report/@arg are kept and also told about bad answers during rsm_mli_claim().
 * Returns RSM_MLI_OK and *@out (owned: rsm_mli_close()), or RSM_MLI_ENODIR / ENOMEM /
 * EINVAL with *@out set to NULL. A crashing plugin cannot be contained in-process. */
#define RSM_MLI_PLUGIN_MAX_LABEL (16u * 1024 * 1024)
enum rsm_mli_rc rsm_mli_open(const char *dir, rsm_mli_report_fn *report, void *arg,
                             struct rsm_mli **out);
/* Unloads the plugins and frees @m. NULL is a no-op. */
void rsm_mli_close(struct rsm_mli *m);

/* Number of plugins loaded (those skipped are not counted), and the name of plugin @i
 * (file name without ".so"; borrowed from @m) or NULL when @i is out of range. */
size_t rsm_mli_n_plugins(const struct rsm_mli *m);
const char *rsm_mli_plugin_name(const struct rsm_mli *m, size_t i);

/* The most bytes any claimer (built-in or loaded plugin) wants: read this much from the
 * start of the side and pass what was read to rsm_mli_claim(). @m may be NULL. */
size_t rsm_mli_max_label_size(const struct rsm_mli *m);

/* Offers @buf[0..@len) (the first block(s) of a side; borrowed) to the built-in claimers,
 * then to each plugin (given at most its MaxMediaLabel bytes). The first that claims wins.
 * Returns RSM_MLI_OK with *@out filled; RSM_MLI_UNCLAIMED (also for @len 0: a blank tape)
 * with *@out zeroed; RSM_MLI_EINVAL if @out is NULL, or @buf is NULL with @len > 0.
 * A plugin answer that breaks the ntmsmli.h contract (an ID longer than the side can hold,
 * an empty or unterminated type, a return other than NO_ERROR/ERROR_BAD_FORMAT) is reported
 * and counts as "not claimed". @m may be NULL (built-ins only). */
enum rsm_mli_rc rsm_mli_claim(const struct rsm_mli *m, const uint8_t *buf, size_t len,
                              struct rsm_mli_result *out);

/* The same, but with one built-in claimer only, by name ("RSM", "LTFS", ...): for tests
 * and for UpdateNtmsOmidInfo callers that know the format. RSM_MLI_EINVAL for an unknown
 * name. */
enum rsm_mli_rc rsm_mli_claim_builtin(const char *name, const uint8_t *buf, size_t len,
                                      struct rsm_mli_result *out);

/* RSM's free-media label (layout in README.md): an ANSI VOL1 label (implementation
 * "OPENRSM", owner "RSM FREE") followed by a UVL1 user volume label holding the medium's
 * GUID and the time it was written, 160 bytes written as one block.
 * @media_id  16 raw GUID bytes of the RSM medium (PMID); borrowed.
 * @volser    up to 6 characters for the VOL1 volume identifier (normally the first six of
 *            the barcode); NULL, empty or characters outside A-Z 0-9 and ANSI "a" specials
 *            (lower case is folded) make it the first six hex digits of @media_id.
 * @when      the time recorded (UTC).
 * Writes min(@cap, RSM_MLI_FREE_LABEL_LEN) bytes to @out and returns
 * RSM_MLI_FREE_LABEL_LEN (ALLOCATION LENGTH semantics); returns 0 and writes nothing if
 * @media_id is NULL or @out is NULL with @cap > 0. */
#define RSM_MLI_FREE_LABEL_LEN 160
size_t rsm_mli_free_label_build(uint8_t *out, size_t cap, const uint8_t media_id[16],
                                const char *volser, time_t when);

/* Text name of a result code, for logs. Never NULL. */
const char *rsm_mli_rc_str(enum rsm_mli_rc rc);

#endif
