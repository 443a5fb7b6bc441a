/* SPDX-License-Identifier: MIT
 * rsm/mli/loader.c - media label libraries as shared objects (the Linux form of the
 * Windows MLL DLLs registered under HKLM\...\NTMS\OMID\Tape, ntms-api.md §4.3).
 *
 * A plugin exports MaxMediaLabel and ClaimMediaLabel with the ntmsmli.h shapes, and may
 * export ClaimMediaLabelEx, which is then preferred because it also returns a GUID. Every
 * answer is checked against the contract before it is believed: a plugin runs in our
 * process, so a crash cannot be contained, but a wrong answer can.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ntmsmli.h>

#include "rsm/mli/internal.h"

#ifndef NO_ERROR
#define NO_ERROR 0
#endif
#ifndef ERROR_BAD_FORMAT
#define ERROR_BAD_FORMAT 11
#endif

struct rsm_mli_plugin {
    char *path; /* owned */
    char name[RSM_MLI_CLAIMER_MAX];
    void *dl; /* dlopen handle, dlclose()d by rsm_mli_close() */
    MAXMEDIALABEL max_fn;
    CLAIMMEDIALABEL claim_fn;
    CLAIMMEDIALABELEX claim_ex_fn; /* NULL when not exported */
    size_t max_label;
};

struct rsm_mli {
    struct rsm_mli_plugin *plugins; /* owned, n_plugins of them, in file name order */
    size_t n_plugins;
    rsm_mli_report_fn *report;
    void *report_arg;
};

static void report(rsm_mli_report_fn *fn, void *arg, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(rsm_mli_report_fn *fn, void *arg, const char *path, const char *fmt, ...)
{
    if (fn == NULL)
        return;
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    fn(arg, path, why);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads @path into @p; false (reported) if it is not a usable MLL. */
static bool load_one(const char *path, const char *file, struct rsm_mli_plugin *p,
                     rsm_mli_report_fn *rep, void *arg)
{
    memset(p, 0, sizeof *p);
    (void)dlerror();
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
        const char *e = dlerror();
        report(rep, arg, path, "cannot be loaded: %s", e ? e : "dlopen failed");
        return false;
    }
    /* POSIX guarantees a function pointer survives the void * of dlsym(). */
    void *max_sym = dlsym(dl, "MaxMediaLabel");
    void *claim_sym = dlsym(dl, "ClaimMediaLabel");
    void *claim_ex_sym = dlsym(dl, "ClaimMediaLabelEx");
    if (max_sym == NULL || claim_sym == NULL) {
        report(rep, arg, path, "does not export %s: not a media label library",
               max_sym == NULL ? "MaxMediaLabel" : "ClaimMediaLabel");
        dlclose(dl);
        return false;
    }
    memcpy(&p->max_fn, &max_sym, sizeof max_sym);
    memcpy(&p->claim_fn, &claim_sym, sizeof claim_sym);
    if (claim_ex_sym != NULL)
        memcpy(&p->claim_ex_fn, &claim_ex_sym, sizeof claim_ex_sym);
    DWORD max = 0;
    DWORD rc = p->max_fn(&max);
    if (rc != NO_ERROR || max == 0 || max > RSM_MLI_PLUGIN_MAX_LABEL) {
        report(rep, arg, path,
               "MaxMediaLabel answered %u with size %u (wanted NO_ERROR and 1..%u bytes)",
               (unsigned)rc, (unsigned)max, RSM_MLI_PLUGIN_MAX_LABEL);
        dlclose(dl);
        return false;
    }
    p->dl = dl;
    p->max_label = max;
    p->path = strdup(path);
    size_t n = strlen(file) - 3; /* without ".so" */
    if (n >= sizeof p->name)
        n = sizeof p->name - 1;
    memcpy(p->name, file, n);
    p->name[n] = '\0';
    if (p->path == NULL) {
        dlclose(dl);
        return false;
    }
    return true;
}

enum rsm_mli_rc rsm_mli_open(const char *dir, rsm_mli_report_fn *rep, void *arg,
                             struct rsm_mli **out)
{
    if (out == NULL)
        return RSM_MLI_EINVAL;
    *out = NULL;
    struct rsm_mli *m = calloc(1, sizeof *m);
    if (m == NULL)
        return RSM_MLI_ENOMEM;
    m->report = rep;
    m->report_arg = arg;
    if (dir == NULL)
        dir = getenv("RSM_MLI_DIR");
    if (dir == NULL || dir[0] == '\0') {
        *out = m; /* no directory configured: built-ins only */
        return RSM_MLI_OK;
    }

    DIR *d = opendir(dir);
    if (d == NULL) {
        report(rep, arg, dir, "cannot open the plugin directory: %s", strerror(errno));
        free(m);
        return RSM_MLI_ENODIR;
    }
    enum rsm_mli_rc rc = RSM_MLI_OK;
    char **names = NULL;
    size_t n_names = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l <= 3 || strcmp(e->d_name + l - 3, ".so") != 0 || e->d_name[0] == '.')
            continue;
        if (n_names == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            char **grown = realloc(names, ncap * sizeof *names);
            if (grown == NULL) {
                rc = RSM_MLI_ENOMEM;
                break;
            }
            names = grown, cap = ncap;
        }
        if ((names[n_names] = strdup(e->d_name)) == NULL) {
            rc = RSM_MLI_ENOMEM;
            break;
        }
        n_names++;
    }
    closedir(d);
    if (rc == RSM_MLI_OK && n_names > 0) {
        qsort(names, n_names, sizeof *names, by_name);
        m->plugins = calloc(n_names, sizeof *m->plugins);
        if (m->plugins == NULL)
            rc = RSM_MLI_ENOMEM;
    }
    for (size_t i = 0; rc == RSM_MLI_OK && i < n_names; i++) {
        size_t plen = strlen(dir) + 1 + strlen(names[i]) + 1;
        char *path = malloc(plen);
        if (path == NULL) {
            rc = RSM_MLI_ENOMEM;
            break;
        }
        snprintf(path, plen, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            report(rep, arg, path, "is not a regular file: skipped");
        else if (load_one(path, names[i], &m->plugins[m->n_plugins], rep, arg))
            m->n_plugins++;
        free(path);
    }
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    if (rc != RSM_MLI_OK) {
        rsm_mli_close(m);
        return rc;
    }
    *out = m;
    return RSM_MLI_OK;
}

void rsm_mli_close(struct rsm_mli *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n_plugins; i++) {
        dlclose(m->plugins[i].dl);
        free(m->plugins[i].path);
    }
    free(m->plugins);
    free(m);
}

size_t rsm_mli_n_plugins(const struct rsm_mli *m)
{
    return m ? m->n_plugins : 0;
}

const char *rsm_mli_plugin_name(const struct rsm_mli *m, size_t i)
{
    return m && i < m->n_plugins ? m->plugins[i].name : NULL;
}

size_t rsm_mli_plugins_max(const struct rsm_mli *m)
{
    size_t max = 0;
    for (size_t i = 0; m && i < m->n_plugins; i++)
        if (m->plugins[i].max_label > max)
            max = m->plugins[i].max_label;
    return max;
}

/* WCHAR[cap] from a plugin to UTF-8; false if it has no NUL within @cap. */
static bool wide_to_utf8(char *dst, size_t dcap, const WCHAR *src, size_t cap)
{
    size_t n = 0;
    while (n < cap && src[n] != 0)
        n++;
    if (n == cap)
        return false;
    size_t len = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = (uint32_t)src[i];
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            cp = '?';
        size_t grown = rsm_mli_put_cp(dst, dcap, len, cp);
        if (grown == len)
            break;
        len = grown;
    }
    return true;
}

/* Runs plugin @p; true if it claimed and its answer keeps the contract. */
static bool claim_one(const struct rsm_mli *m, const struct rsm_mli_plugin *p, const uint8_t *buf,
                      size_t len, struct rsm_mli_result *out)
{
    MediaLabelInfo info;
    GUID guid;
    memset(&info, 0, sizeof info);
    memset(&guid, 0, sizeof guid);
    DWORD n = (DWORD)(len < p->max_label ? len : p->max_label);
    DWORD rc = p->claim_ex_fn ? p->claim_ex_fn(buf, n, &info, &guid) : p->claim_fn(buf, n, &info);
    if (rc == ERROR_BAD_FORMAT)
        return false;
    if (rc != NO_ERROR) {
        report(m->report, m->report_arg, p->path,
               "ClaimMediaLabel returned %u (only NO_ERROR or ERROR_BAD_FORMAT are allowed): "
               "taken as not claimed",
               (unsigned)rc);
        return false;
    }
    struct rsm_mli_result r = {0};
    const char *bad = NULL;
    if (info.LabelIDSize == 0 || info.LabelIDSize > RSM_MLI_ID_MAX)
        bad = "LabelIDSize outside 1..255 (what a side stores)";
    else if (!wide_to_utf8(r.type, sizeof r.type, info.LabelType, NTMSMLI_MAXTYPE) ||
             r.type[0] == '\0')
        bad = "LabelType empty or without its terminating NUL";
    else if (!wide_to_utf8(r.info, sizeof r.info, info.LabelAppDescr, NTMSMLI_MAXAPPDESCR))
        bad = "LabelAppDescr without its terminating NUL";
    if (bad != NULL) {
        report(m->report, m->report_arg, p->path, "ClaimMediaLabel claimed with %s: ignored", bad);
        return false;
    }
    rsm_mli_set_id(&r, info.LabelID, info.LabelIDSize);
    rsm_mli_fmt(r.claimer, sizeof r.claimer, "%s", p->name);
    rsm_mli_fmt(r.app, sizeof r.app, "%s", r.type);
    static const GUID null_guid;
    if (p->claim_ex_fn && memcmp(&guid, &null_guid, sizeof guid) != 0) {
        r.has_guid = true;
        memcpy(r.guid, &guid, sizeof r.guid);
    }
    *out = r;
    return true;
}

bool rsm_mli_plugins_claim(const struct rsm_mli *m, const uint8_t *buf, size_t len,
                           struct rsm_mli_result *out)
{
    for (size_t i = 0; m && i < m->n_plugins; i++)
        if (claim_one(m, &m->plugins[i], buf, len, out))
            return true;
    return false;
}
