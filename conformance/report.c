/* SPDX-License-Identifier: MIT
 * conformance/report.c - report writers: report.json (jansson), report.md, report.html
 * (one self-contained page with an inline SVG chart of move times) and junit.xml.
 *
 * Every writer reads the run only; each check's evidence (CDB, status, data and sense in
 * hex, decoded sense text) goes into JSON and HTML in full, into Markdown as a table.
 * The JSON summary comes first so CI scripts can read it without parsing the rest.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conformance/internal.h"

static void sense_text(const struct conform_exchange *e, char *out, size_t cap)
{
    struct t10_sense s;
    out[0] = '\0';
    if (e->status == 0x02 && e->sense_len && t10_sense_parse(e->sense, e->sense_len, &s) == T10_OK)
        t10_sense_text(out, cap, &s);
}

static const char *op_name(const struct conform_exchange *e, const char *lu)
{
    enum t10_pdt pdt = strncmp(lu, "drive", 5) == 0 ? T10_PDT_TAPE : T10_PDT_CHANGER;
    int sa = e->cdb_len > 1 && (e->cdb[0] == 0xA3 || e->cdb[0] == 0x5E || e->cdb[0] == 0x5F ||
                                e->cdb[0] == 0x8C || e->cdb[0] == 0x34)
                 ? e->cdb[1] & 0x1F
                 : -1;
    const char *n = t10_op_name(e->cdb[0], sa, pdt);
    return n ? n : "?";
}

static void class_counts(const struct conform_run *r, enum conform_class k, unsigned *p,
                         unsigned *f, unsigned *s)
{
    *p = *f = *s = 0;
    for (size_t i = 0; i < r->n_res; i++) {
        if (r->res[i].check->cls != k)
            continue;
        if (r->res[i].verdict == CONFORM_PASS)
            (*p)++;
        else if (r->res[i].verdict == CONFORM_FAIL)
            (*f)++;
        else if (r->res[i].verdict == CONFORM_SKIP)
            (*s)++;
    }
}

static json_t *exchange_json(const struct conform_exchange *e)
{
    char hex[2 * CONFORM_DATA_KEEP + 1], st[300];
    json_t *o = json_object();
    json_object_set_new(o, "lu", json_string(e->lu));
    cf_hex(hex, sizeof hex, e->cdb, e->cdb_len);
    json_object_set_new(o, "cdb", json_string(hex));
    json_object_set_new(o, "command", json_string(op_name(e, e->lu)));
    json_object_set_new(o, "direction",
                        json_string(e->dir == XPORT_DIR_IN ? "in" : e->dir == XPORT_DIR_OUT ? "out" : "none"));
    json_object_set_new(o, "buffer_len", json_integer((json_int_t)e->alloc_len));
    if (e->xrc != XPORT_OK) {
        json_object_set_new(o, "transport_error", json_string(xport_rc_name(e->xrc)));
    } else {
        json_object_set_new(o, "status", json_integer(e->status));
        json_object_set_new(o, "xfer_len", json_integer((json_int_t)e->xfer_len));
        if (e->data_len) {
            cf_hex(hex, sizeof hex, e->data, e->data_len);
            json_object_set_new(o, "data", json_string(hex));
            if (e->data_len < e->xfer_len)
                json_object_set_new(o, "data_clipped", json_true());
        }
        if (e->sense_len) {
            cf_hex(hex, sizeof hex, e->sense, e->sense_len);
            json_object_set_new(o, "sense", json_string(hex));
            sense_text(e, st, sizeof st);
            if (st[0])
                json_object_set_new(o, "sense_text", json_string(st));
        }
    }
    json_object_set_new(o, "ms", json_real(e->ms));
    return o;
}

static json_t *identity_json(const struct conform_identity *id)
{
    json_t *o = json_object();
    json_object_set_new(o, "vendor", json_string(id->vendor));
    json_object_set_new(o, "product", json_string(id->product));
    json_object_set_new(o, "revision", json_string(id->revision));
    json_object_set_new(o, "serial", json_string(id->serial));
    json_object_set_new(o, "naa", json_string(id->naa));
    json_object_set_new(o, "peripheral_device_type", json_integer(id->pdt));
    return o;
}

enum conform_rc conform_report_json(const struct conform_run *r, const char *path)
{
    unsigned p, f, s;
    conform_counts(r, &p, &f, &s);
    json_t *root = json_object();
    json_t *sum = json_object();
    json_object_set_new(sum, "passed", json_integer(p));
    json_object_set_new(sum, "failed", json_integer(f));
    json_object_set_new(sum, "skipped", json_integer(s));
    json_object_set_new(root, "summary", sum);
    /* The same counts per class: a certifier reads "mandatory" and "client-relied"
     * separately (standard vs host-compat verdicts). */
    json_t *by = json_object();
    for (int k = CONFORM_MANDATORY; k <= CONFORM_CLIENT; k++) {
        unsigned cp = 0, cf = 0, cs = 0;
        class_counts(r, (enum conform_class)k, &cp, &cf, &cs);
        json_object_set_new(by, conform_class_name((enum conform_class)k),
                            json_pack("{s:i,s:i,s:i}", "passed", cp, "failed", cf, "skipped", cs));
    }
    json_object_set_new(root, "summary_by_class", by);
    json_object_set_new(root, "tool", json_string("rsm-conform"));
    json_object_set_new(root, "device_uri", json_string(r->opts.device_uri));
    json_object_set_new(root, "safe", json_boolean(r->opts.safe));
    json_object_set_new(root, "scratch", r->opts.scratch ? json_string(r->opts.scratch) : json_null());
    json_t *dev = identity_json(&r->ident);
    if (r->have_eaa) {
        json_t *e = json_object();
        json_object_set_new(e, "mt", json_pack("{s:i,s:i}", "first", r->eaa.mt_first, "count", r->eaa.mt_count));
        json_object_set_new(e, "st", json_pack("{s:i,s:i}", "first", r->eaa.st_first, "count", r->eaa.st_count));
        json_object_set_new(e, "ie", json_pack("{s:i,s:i}", "first", r->eaa.ie_first, "count", r->eaa.ie_count));
        json_object_set_new(e, "dt", json_pack("{s:i,s:i}", "first", r->eaa.dt_first, "count", r->eaa.dt_count));
        json_object_set_new(dev, "elements", e);
    }
    if (r->discover_err[0])
        json_object_set_new(dev, "discovery_error", json_string(r->discover_err));
    json_t *drives = json_array();
    for (size_t i = 0; i < r->n_drives; i++) {
        json_t *d = identity_json(&r->drives[i].id);
        json_object_set_new(d, "uri", json_string(r->drives[i].uri));
        if (r->drives[i].elem_addr != 0xFFFF)
            json_object_set_new(d, "element", json_integer(r->drives[i].elem_addr));
        json_object_set_new(d, "mapped_by_dvcid", json_boolean(r->drives[i].mapped_by_dvcid));
        json_array_append_new(drives, d);
    }
    json_object_set_new(dev, "drives", drives);
    json_object_set_new(root, "device", dev);
    char why[256] = "";
    bool restored = r->inv_final ? conform_restored(r, why, sizeof why) : true;
    json_object_set_new(root, "inventory_restored", json_boolean(restored));
    if (!restored)
        json_object_set_new(root, "inventory_difference", json_string(why));
    json_t *checks = json_array();
    for (size_t i = 0; i < r->n_res; i++) {
        const struct conform_result *c = &r->res[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(c->check->id));
        json_object_set_new(o, "group", json_string(c->check->group));
        json_object_set_new(o, "title", json_string(c->check->title));
        json_object_set_new(o, "clause", json_string(c->check->clause));
        json_object_set_new(o, "class", json_string(conform_class_name(c->check->cls)));
        json_object_set_new(o, "destructive", json_boolean(c->check->destructive));
        json_object_set_new(o, "verdict", json_string(conform_verdict_name(c->verdict)));
        if (c->reason[0])
            json_object_set_new(o, "reason", json_string(c->reason));
        json_object_set_new(o, "ms", json_real(c->ms));
        json_t *notes = json_array();
        for (size_t k = 0; k < c->n_notes; k++)
            json_array_append_new(notes, json_string(c->notes[k]));
        json_object_set_new(o, "notes", notes);
        json_t *ev = json_array();
        for (size_t k = 0; k < c->n_ex; k++)
            json_array_append_new(ev, exchange_json(&c->ex[k]));
        json_object_set_new(o, "evidence", ev);
        json_array_append_new(checks, o);
    }
    json_object_set_new(root, "checks", checks);
    json_t *tim = json_array();
    for (size_t i = 0; i < r->n_tim; i++)
        json_array_append_new(tim, json_pack("{s:s,s:s,s:s,s:f}", "kind", r->tim[i].kind, "what",
                                             r->tim[i].what, "check", r->tim[i].check_id, "ms",
                                             r->tim[i].ms));
    json_object_set_new(root, "timings", tim);
    int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return rc == 0 ? CONFORM_OK : CONFORM_E_WRITE;
}

/* Escapes @s for HTML/XML text and attributes. */
static void xml_put(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                fputc(*s, f);
        }
    }
}

/* Markdown table cells: pipes escaped, no newlines. */
static void md_put(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

enum conform_rc conform_report_md(const struct conform_run *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return CONFORM_E_WRITE;
    unsigned p, fl, s;
    conform_counts(r, &p, &fl, &s);
    fprintf(f, "# Conformance report: %s %s %s\n\n", r->ident.vendor, r->ident.product,
            r->ident.revision);
    fprintf(f, "- Device: `%s` (serial %s, NAA %s)\n", r->opts.device_uri, r->ident.serial,
            r->ident.naa[0] ? r->ident.naa : "none");
    for (size_t i = 0; i < r->n_drives; i++)
        fprintf(f, "- Drive %zu: `%s` %s %s serial %s, element %u\n", i + 1, r->drives[i].uri,
                r->drives[i].id.vendor, r->drives[i].id.product, r->drives[i].id.serial,
                r->drives[i].elem_addr);
    fprintf(f, "- Mode: %s%s%s\n", r->opts.safe ? "--safe" : "normal",
            r->opts.scratch ? ", scratch " : "", r->opts.scratch ? r->opts.scratch : "");
    fprintf(f, "\n## Summary\n\n| passed | failed | skipped |\n|---|---|---|\n| %u | %u | %u |\n\n",
            p, fl, s);
    fprintf(f, "| class | passed | failed | skipped |\n|---|---|---|---|\n");
    for (int k = CONFORM_MANDATORY; k <= CONFORM_CLIENT; k++) {
        unsigned cp, cf, cs;
        class_counts(r, (enum conform_class)k, &cp, &cf, &cs);
        fprintf(f, "| %s | %u | %u | %u |\n", conform_class_name((enum conform_class)k), cp, cf, cs);
    }
    fputc('\n', f);
    fprintf(f, "## Checks\n\n| id | verdict | title | clause | class | ms | reason |\n"
               "|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < r->n_res; i++) {
        const struct conform_result *c = &r->res[i];
        fprintf(f, "| %s | **%s** | ", c->check->id, conform_verdict_name(c->verdict));
        md_put(f, c->check->title);
        fputs(" | ", f);
        md_put(f, c->check->clause);
        fprintf(f, " | %s | %.1f | ", conform_class_name(c->check->cls), c->ms);
        md_put(f, c->reason);
        fputs(" |\n", f);
    }
    fprintf(f, "\n## Timings\n\n| kind | what | check | ms |\n|---|---|---|---|\n");
    for (size_t i = 0; i < r->n_tim; i++)
        fprintf(f, "| %s | %s | %s | %.1f |\n", r->tim[i].kind, r->tim[i].what,
                r->tim[i].check_id, r->tim[i].ms);
    fprintf(f, "\n## Failures in detail\n\n");
    for (size_t i = 0; i < r->n_res; i++) {
        const struct conform_result *c = &r->res[i];
        if (c->verdict != CONFORM_FAIL)
            continue;
        fprintf(f, "### %s %s\n\n", c->check->id, c->check->title);
        for (size_t k = 0; k < c->n_notes; k++)
            fprintf(f, "- %s\n", c->notes[k]);
        fprintf(f, "\n| lu | cdb | status | sense |\n|---|---|---|---|\n");
        for (size_t k = 0; k < c->n_ex; k++) {
            char cdb[40], st[300];
            cf_hex(cdb, sizeof cdb, c->ex[k].cdb, c->ex[k].cdb_len);
            sense_text(&c->ex[k], st, sizeof st);
            fprintf(f, "| %s | `%s` | %02Xh | ", c->ex[k].lu, cdb, c->ex[k].status);
            md_put(f, st);
            fputs(" |\n", f);
        }
        fputc('\n', f);
    }
    return fclose(f) == 0 ? CONFORM_OK : CONFORM_E_WRITE;
}

static void svg_moves(FILE *f, const struct conform_run *r)
{
    size_t n = 0;
    double max = 0;
    for (size_t i = 0; i < r->n_tim; i++)
        if (strcmp(r->tim[i].kind, "move") == 0) {
            n++;
            if (r->tim[i].ms > max)
                max = r->tim[i].ms;
        }
    if (!n) {
        fputs("<p>No moves were timed.</p>\n", f);
        return;
    }
    if (max <= 0)
        max = 1;
    const int bar_h = 18, label_w = 260, plot_w = 400;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
               "role=\"img\" aria-label=\"move times\">\n", label_w + plot_w + 90,
            n * (size_t)(bar_h + 4) + 10);
    size_t row = 0;
    for (size_t i = 0; i < r->n_tim; i++) {
        if (strcmp(r->tim[i].kind, "move") != 0)
            continue;
        int y = 5 + (int)row * (bar_h + 4);
        int w = (int)(r->tim[i].ms / max * plot_w);
        if (w < 1)
            w = 1;
        fprintf(f, "<text x=\"0\" y=\"%d\" font-size=\"12\">", y + 13);
        xml_put(f, r->tim[i].what);
        fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4a7ab5\"/>"
                   "<text x=\"%d\" y=\"%d\" font-size=\"12\">%.1f ms</text>\n",
                label_w, y, w, bar_h, label_w + w + 4, y + 13, r->tim[i].ms);
        row++;
    }
    fputs("</svg>\n", f);
}

enum conform_rc conform_report_html(const struct conform_run *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return CONFORM_E_WRITE;
    unsigned p, fl, s;
    conform_counts(r, &p, &fl, &s);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Conformance "
          "report</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
          "collapse}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"
          ".PASS{color:#176f2c}.FAIL{color:#b00020;font-weight:bold}.SKIP{color:#777}"
          "code{font-size:11px;word-break:break-all}details{margin:2px 0}</style>\n</head><body>\n", f);
    fputs("<h1>Conformance report: ", f);
    xml_put(f, r->ident.vendor);
    fputc(' ', f);
    xml_put(f, r->ident.product);
    fputc(' ', f);
    xml_put(f, r->ident.revision);
    fputs("</h1>\n<h2>Device</h2>\n<table>\n<tr><th>URI</th><td>", f);
    xml_put(f, r->opts.device_uri);
    fputs("</td></tr>\n<tr><th>Serial</th><td>", f);
    xml_put(f, r->ident.serial);
    fputs("</td></tr>\n<tr><th>NAA</th><td>", f);
    xml_put(f, r->ident.naa);
    fputs("</td></tr>\n", f);
    if (r->have_eaa)
        fprintf(f, "<tr><th>Elements</th><td>MT %u@%u, ST %u@%u, IE %u@%u, DT %u@%u</td></tr>\n",
                r->eaa.mt_count, r->eaa.mt_first, r->eaa.st_count, r->eaa.st_first,
                r->eaa.ie_count, r->eaa.ie_first, r->eaa.dt_count, r->eaa.dt_first);
    for (size_t i = 0; i < r->n_drives; i++) {
        fprintf(f, "<tr><th>Drive %zu</th><td>", i + 1);
        xml_put(f, r->drives[i].uri);
        fputc(' ', f);
        xml_put(f, r->drives[i].id.product);
        fputs(" serial ", f);
        xml_put(f, r->drives[i].id.serial);
        fprintf(f, ", element %u</td></tr>\n", r->drives[i].elem_addr);
    }
    fprintf(f, "</table>\n<h2>Summary</h2>\n<p><span class=\"PASS\">%u passed</span>, "
               "<span class=\"FAIL\">%u failed</span>, <span class=\"SKIP\">%u skipped</span></p>\n",
            p, fl, s);
    fputs("<table>\n<tr><th>class</th><th>passed</th><th>failed</th><th>skipped</th></tr>\n", f);
    for (int k = CONFORM_MANDATORY; k <= CONFORM_CLIENT; k++) {
        unsigned cp, cf, cs;
        class_counts(r, (enum conform_class)k, &cp, &cf, &cs);
        fprintf(f, "<tr><td>%s</td><td>%u</td><td>%u</td><td>%u</td></tr>\n",
                conform_class_name((enum conform_class)k), cp, cf, cs);
    }
    fputs("</table>\n", f);
    fputs("<h2>Checks</h2>\n<table>\n<tr><th>id</th><th>verdict</th><th>title</th><th>clause</th>"
          "<th>class</th><th>ms</th><th>details and evidence</th></tr>\n", f);
    for (size_t i = 0; i < r->n_res; i++) {
        const struct conform_result *c = &r->res[i];
        const char *v = conform_verdict_name(c->verdict);
        fprintf(f, "<tr id=\"%s\"><td>%s</td><td class=\"%s\">%s</td><td>", c->check->id,
                c->check->id, v, v);
        xml_put(f, c->check->title);
        fputs("</td><td>", f);
        xml_put(f, c->check->clause);
        fprintf(f, "</td><td>%s%s</td><td>%.1f</td><td>", conform_class_name(c->check->cls),
                c->check->destructive ? ", destructive" : "", c->ms);
        xml_put(f, c->reason);
        fprintf(f, "<details><summary>%zu notes, %zu commands</summary><ul>", c->n_notes, c->n_ex);
        for (size_t k = 0; k < c->n_notes; k++) {
            fputs("<li>", f);
            xml_put(f, c->notes[k]);
            fputs("</li>", f);
        }
        fputs("</ul><table><tr><th>lu</th><th>command</th><th>cdb</th><th>status</th><th>data</th>"
              "<th>sense</th></tr>", f);
        for (size_t k = 0; k < c->n_ex; k++) {
            const struct conform_exchange *e = &c->ex[k];
            char hex[2 * CONFORM_DATA_KEEP + 1], st[300];
            fputs("<tr><td>", f);
            xml_put(f, e->lu);
            fputs("</td><td>", f);
            xml_put(f, op_name(e, e->lu));
            cf_hex(hex, sizeof hex, e->cdb, e->cdb_len);
            fprintf(f, "</td><td><code>%s</code></td><td>", hex);
            if (e->xrc != XPORT_OK)
                fprintf(f, "%s", xport_rc_name(e->xrc));
            else
                fprintf(f, "%02Xh, %zu bytes", e->status, e->xfer_len);
            cf_hex(hex, sizeof hex, e->data, e->data_len);
            fprintf(f, "</td><td><code>%s</code></td><td>", hex);
            sense_text(e, st, sizeof st);
            cf_hex(hex, sizeof hex, e->sense, e->sense_len);
            fprintf(f, "<code>%s</code> ", hex);
            xml_put(f, st);
            fputs("</td></tr>", f);
        }
        fputs("</table></details></td></tr>\n", f);
    }
    fputs("</table>\n<h2>Timings</h2>\n", f);
    svg_moves(f, r);
    fputs("<table>\n<tr><th>kind</th><th>what</th><th>check</th><th>ms</th></tr>\n", f);
    for (size_t i = 0; i < r->n_tim; i++) {
        fputs("<tr><td>", f);
        xml_put(f, r->tim[i].kind);
        fputs("</td><td>", f);
        xml_put(f, r->tim[i].what);
        fputs("</td><td>", f);
        xml_put(f, r->tim[i].check_id);
        fprintf(f, "</td><td>%.1f</td></tr>\n", r->tim[i].ms);
    }
    fputs("</table>\n</body></html>\n", f);
    return fclose(f) == 0 ? CONFORM_OK : CONFORM_E_WRITE;
}

enum conform_rc conform_report_junit(const struct conform_run *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return CONFORM_E_WRITE;
    unsigned p, fl, s;
    conform_counts(r, &p, &fl, &s);
    double total = 0;
    for (size_t i = 0; i < r->n_res; i++)
        total += r->res[i].ms;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites tests=\"%zu\" failures=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
            r->n_res, fl, s, total / 1000);
    fprintf(f, "  <testsuite name=\"rsm-conform ");
    xml_put(f, r->ident.vendor);
    fputc(' ', f);
    xml_put(f, r->ident.product);
    fprintf(f, "\" tests=\"%zu\" failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%.3f\">\n",
            r->n_res, fl, s, total / 1000);
    for (size_t i = 0; i < r->n_res; i++) {
        const struct conform_result *c = &r->res[i];
        fprintf(f, "    <testcase classname=\"%s\" name=\"%s ", c->check->group, c->check->id);
        xml_put(f, c->check->title);
        fprintf(f, "\" time=\"%.3f\"", c->ms / 1000);
        if (c->verdict == CONFORM_PASS) {
            fputs("/>\n", f);
            continue;
        }
        fputs(">\n", f);
        if (c->verdict == CONFORM_FAIL) {
            fputs("      <failure message=\"", f);
            xml_put(f, c->reason);
            fputs("\">", f);
            for (size_t k = 0; k < c->n_notes; k++) {
                xml_put(f, c->notes[k]);
                fputc('\n', f);
            }
            fputs("</failure>\n", f);
        } else {
            fputs("      <skipped message=\"", f);
            xml_put(f, c->reason);
            fputs("\"/>\n", f);
        }
        fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return fclose(f) == 0 ? CONFORM_OK : CONFORM_E_WRITE;
}

enum conform_rc conform_report_write_all(const struct conform_run *r, const char *dir, char *err,
                                         size_t err_cap)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_cap, "cannot create %s: %s", dir, strerror(errno));
        return CONFORM_E_WRITE;
    }
    static const struct {
        const char *name;
        enum conform_rc (*fn)(const struct conform_run *, const char *);
    } w[] = {{"report.json", conform_report_json},
             {"report.md", conform_report_md},
             {"report.html", conform_report_html},
             {"junit.xml", conform_report_junit}};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, w[i].name);
        if (w[i].fn(r, path) != CONFORM_OK) {
            snprintf(err, err_cap, "cannot write %s", path);
            return CONFORM_E_WRITE;
        }
    }
    return CONFORM_OK;
}
