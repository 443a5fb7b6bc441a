/* SPDX-License-Identifier: MIT
 * sim/core/state.c - the library's persistent state: where every cartridge sits, its
 * source, door and lock state, cleaner uses, element exceptions.
 *
 * Format: a small line-oriented text file, library.state, ending with "crc <crc32>" over
 * every byte before that line, so a torn or edited file is recognised. Writes go to a
 * new file that is fsync'ed, renamed over the old one, and the directory fsync'ed: after
 * a crash the file is either the old state or the new one. Loading parses and checks the
 * whole file into a scratch copy first and applies it only if every line is valid and it
 * describes this library's element layout.
 *
 *   openrsm-vtl-state 1
 *   layout <n_transport> <n_slot> <n_ie> <n_dte> <base_mt> <base_st> <base_ie> <base_dt>
 *   doors <door_open> <mailslot_open> <prevented>
 *   mode <saved D_SENSE>                               (saved mode page values)
 *   elem <addr> <full> <svalid> <src> <except_asc> <impexp> <barcode-hex|-> <media>
 *        <worm> <cleaning> <uses> <unreadable>            (one line per element)
 *   end <n_elements>
 *   crc <8 hex digits>
 */
#include "sim/core/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_FILE  "library.state"
#define STATE_MAGIC "openrsm-vtl-state 1"

static uint32_t crc32_buf(const char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint8_t)p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = b->cap * 2 + (size_t)n + 64;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

enum vtl_rc vtl_library_save_state(const struct vtl_library *lib, const char *dir)
{
    struct sbuf b = {.cap = 4096};
    b.p = malloc(b.cap);
    if (!b.p)
        return VTL_E_NOMEM;
    b.p[0] = '\0';
    const struct vtl_personality *p = &lib->cfg->pers;
    sb_printf(&b, "%s\n", STATE_MAGIC);
    sb_printf(&b, "layout %u %u %u %u %u %u %u %u\n", lib->count[1], lib->count[2], lib->count[3],
              lib->count[4], p->base[1], p->base[2], p->base[3], p->base[4]);
    sb_printf(&b, "doors %d %d %d\n", lib->door_open, lib->mailslot_open,
              vtl_library_prevented(lib));
    sb_printf(&b, "mode %d\n", lib->d_sense_saved);
    for (size_t i = 0; i < lib->n_elems; i++) {
        const struct vtl_elem *e = &lib->elems[i];
        char hex[2 * VTL_BARCODE_MAX + 2] = "-";
        if (e->full && e->cart.barcode[0])
            for (size_t k = 0; e->cart.barcode[k]; k++)
                snprintf(hex + 2 * k, 3, "%02x", (unsigned char)e->cart.barcode[k]);
        sb_printf(&b, "elem %u %d %d %u %u %d %s %d %d %d %d %d\n", e->addr, e->full, e->svalid,
                  e->src_addr, e->except_asc, e->impexp, hex, e->full ? (int)e->cart.media : 0,
                  e->full && e->cart.worm, e->full && e->cart.cleaning,
                  e->full ? e->cart.cleaning_uses_left : -1, e->full && e->cart.label_unreadable);
    }
    sb_printf(&b, "end %zu\n", lib->n_elems);
    uint32_t crc = crc32_buf(b.p, b.len);
    sb_printf(&b, "crc %08x\n", crc);
    if (b.oom) {
        free(b.p);
        return VTL_E_NOMEM;
    }

    char path[4096], tmp[4096];
    snprintf(path, sizeof path, "%s/%s", dir, STATE_FILE);
    snprintf(tmp, sizeof tmp, "%s/%s.new", dir, STATE_FILE);
    enum vtl_rc rc = VTL_E_IO;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        if (write_all(fd, b.p, b.len) == 0 && fsync(fd) == 0) {
            if (close(fd) == 0 && rename(tmp, path) == 0) {
                int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dfd >= 0) {
                    (void)fsync(dfd); /* best effort: some file systems refuse dir fsync */
                    close(dfd);
                }
                rc = VTL_OK;
            }
            fd = -1;
        }
        if (fd >= 0)
            close(fd);
        if (rc)
            unlink(tmp);
    }
    free(b.p);
    return rc;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum vtl_rc corrupt(char *why, size_t cap, unsigned line, const char *msg)
{
    if (why && cap)
        snprintf(why, cap, "%s line %u: %s", STATE_FILE, line, msg);
    return VTL_E_CORRUPT;
}

static bool unhex(const char *h, char *out, size_t cap)
{
    if (!strcmp(h, "-")) {
        out[0] = '\0';
        return true;
    }
    size_t n = strlen(h);
    if (n % 2 || n / 2 >= cap || n == 0)
        return false;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1 || v < 0x21 || v > 0x7E)
            return false;
        out[i] = (char)v;
    }
    out[n / 2] = '\0';
    return true;
}

enum vtl_rc vtl_library_load_state(struct vtl_library *lib, const char *dir, char *why,
                                   size_t why_cap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, STATE_FILE);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (why && why_cap)
            snprintf(why, why_cap, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? VTL_E_NOT_FOUND : VTL_E_IO;
    }
    struct sbuf b = {.cap = 8192};
    b.p = malloc(b.cap);
    enum vtl_rc rc = VTL_OK;
    while (b.p) {
        size_t r = fread(b.p + b.len, 1, b.cap - b.len - 1, f);
        b.len += r;
        if (r == 0)
            break;
        if (b.len + 1 == b.cap) {
            char *np = realloc(b.p, b.cap * 2);
            if (!np) {
                free(b.p);
                b.p = NULL;
                break;
            }
            b.p = np;
            b.cap *= 2;
        }
    }
    bool read_err = ferror(f);
    fclose(f);
    if (!b.p)
        return VTL_E_NOMEM;
    if (read_err) {
        free(b.p);
        return VTL_E_IO;
    }
    b.p[b.len] = '\0';

    struct vtl_elem *scratch = malloc((lib->n_elems ? lib->n_elems : 1) * sizeof *scratch);
    bool *seen = calloc(lib->n_elems ? lib->n_elems : 1, 1);
    if (!scratch || !seen) {
        free(scratch);
        free(seen);
        free(b.p);
        return VTL_E_NOMEM;
    }
    memcpy(scratch, lib->elems, lib->n_elems * sizeof *scratch);

    /* The crc line must be the last line, and cover everything before it. */
    char *crc_line = NULL;
    for (char *q = b.p; (q = strstr(q, "\ncrc ")); q++)
        crc_line = q + 1;
    int door = 0, mail = 0, prev = 0, dsense = 0;
    if (strlen(b.p) != b.len) {
        rc = corrupt(why, why_cap, 0, "file contains NUL bytes");
        goto out;
    }
    if (!crc_line) {
        rc = corrupt(why, why_cap, 0, "no checksum line (file truncated?)");
        goto out;
    }
    unsigned crc_file;
    char tail[4];
    if (sscanf(crc_line, "crc %8x%3s", &crc_file, tail) != 1 ||
        strlen(crc_line) != strlen("crc 00000000\n") || crc_line[strlen(crc_line) - 1] != '\n') {
        rc = corrupt(why, why_cap, 0, "malformed checksum line");
        goto out;
    }
    if (crc32_buf(b.p, (size_t)(crc_line - b.p)) != crc_file) {
        rc = corrupt(why, why_cap, 0, "checksum mismatch (file damaged or edited)");
        goto out;
    }
    *crc_line = '\0';

    unsigned line = 0;
    size_t n_elem_lines = 0;
    bool got_magic = false, got_layout = false, got_doors = false, got_end = false;
    char *save = NULL;
    for (char *l = strtok_r(b.p, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        if (got_end) {
            rc = corrupt(why, why_cap, line, "data after 'end'");
            goto out;
        }
        if (!got_magic) {
            if (strcmp(l, STATE_MAGIC)) {
                rc = corrupt(why, why_cap, line, "not an openrsm library state file (version 1)");
                goto out;
            }
            got_magic = true;
            continue;
        }
        unsigned v[8];
        if (!strncmp(l, "layout ", 7)) {
            if (sscanf(l, "layout %u %u %u %u %u %u %u %u", &v[0], &v[1], &v[2], &v[3], &v[4],
                       &v[5], &v[6], &v[7]) != 8) {
                rc = corrupt(why, why_cap, line, "malformed layout line");
                goto out;
            }
            for (int t = 1; t < VTL_ELEM_NTYPES; t++)
                if (v[t - 1] != lib->count[t] || v[t + 3] != lib->cfg->pers.base[t]) {
                    rc = corrupt(why, why_cap, line,
                                 "state was saved by a library with another element layout");
                    goto out;
                }
            got_layout = true;
        } else if (!strncmp(l, "doors ", 6)) {
            if (sscanf(l, "doors %d %d %d", &door, &mail, &prev) != 3 || door < 0 || door > 1 ||
                mail < 0 || mail > 1 || prev < 0 || prev > 1) {
                rc = corrupt(why, why_cap, line, "malformed doors line");
                goto out;
            }
            got_doors = true;
        } else if (!strncmp(l, "mode ", 5)) {
            if (sscanf(l, "mode %d", &dsense) != 1 || dsense < 0 || dsense > 1) {
                rc = corrupt(why, why_cap, line, "malformed mode line");
                goto out;
            }
        } else if (!strncmp(l, "elem ", 5)) {
            unsigned addr, src, exc;
            int full, svalid, impexp, media, worm, cln, uses, unread, consumed = 0;
            char hex[2 * VTL_BARCODE_MAX + 8];
            if (sscanf(l, "elem %u %d %d %u %u %d %66s %d %d %d %d %d%n", &addr, &full, &svalid,
                       &src, &exc, &impexp, hex, &media, &worm, &cln, &uses, &unread,
                       &consumed) != 12 ||
                l[consumed] != '\0' || addr > 0xFFFF || src > 0xFFFF || exc > 0xFFFF || full < 0 ||
                full > 1 || svalid < 0 || svalid > 1) {
                rc = corrupt(why, why_cap, line, "malformed elem line");
                goto out;
            }
            int32_t idx = lib->addr_map[addr];
            if (idx < 0 || seen[idx]) {
                rc = corrupt(why, why_cap, line,
                             idx < 0 ? "element address not in this library"
                                     : "element listed twice");
                goto out;
            }
            seen[idx] = true;
            struct vtl_elem *e = &scratch[idx];
            e->full = full;
            e->svalid = full && svalid;
            e->src_addr = (uint16_t)src;
            e->except_asc = (uint16_t)exc;
            e->impexp = full && impexp;
            memset(&e->cart, 0, sizeof e->cart);
            if (full) {
                if (!unhex(hex, e->cart.barcode, sizeof e->cart.barcode)) {
                    rc = corrupt(why, why_cap, line, "bad barcode");
                    goto out;
                }
                e->cart.media = (enum vtl_media)media;
                e->cart.worm = worm;
                e->cart.cleaning = cln;
                e->cart.cleaning_uses_left = uses;
                e->cart.label_unreadable = unread;
            }
            n_elem_lines++;
        } else if (!strncmp(l, "end ", 4)) {
            size_t n;
            if (sscanf(l, "end %zu", &n) != 1 || n != n_elem_lines || n != lib->n_elems) {
                rc = corrupt(why, why_cap, line, "element count does not match");
                goto out;
            }
            got_end = true;
        } else {
            rc = corrupt(why, why_cap, line, "unknown line");
            goto out;
        }
    }
    if (!got_magic || !got_layout || !got_doors || !got_end) {
        rc = corrupt(why, why_cap, line, "missing header, doors or end line");
        goto out;
    }
    /* Barcodes must be unique, as in any real library (sorted, so 60,000 slots stay fast). */
    {
        const char **codes = malloc((lib->n_elems ? lib->n_elems : 1) * sizeof *codes);
        if (!codes) {
            rc = VTL_E_NOMEM;
            goto out;
        }
        size_t k = 0;
        for (size_t i = 0; i < lib->n_elems; i++)
            if (scratch[i].full && scratch[i].cart.barcode[0])
                codes[k++] = scratch[i].cart.barcode;
        qsort(codes, k, sizeof *codes, cmp_str_ptr);
        bool dup = false;
        for (size_t i = 1; i < k && !dup; i++)
            dup = !strcmp(codes[i], codes[i - 1]);
        free(codes);
        if (dup) {
            rc = corrupt(why, why_cap, 0, "the same barcode appears twice");
            goto out;
        }
    }
    /* Everything checked: apply in one go. Drive hooks stay as registered. */
    for (size_t i = 0; i < lib->n_elems; i++) {
        scratch[i].ops = lib->elems[i].ops;
        scratch[i].ops_priv = lib->elems[i].ops_priv;
    }
    memcpy(lib->elems, scratch, lib->n_elems * sizeof *scratch);
    lib->door_open = door;
    lib->mailslot_open = mail;
    lib->prevent_restored = prev;
    lib->d_sense_saved = lib->d_sense = dsense;
out:
    free(scratch);
    free(seen);
    free(b.p);
    return rc;
}
