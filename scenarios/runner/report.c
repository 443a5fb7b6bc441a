/* SPDX-License-Identifier: MIT
 * scenarios/runner/report.c - JUnit XML and TAP from a batch of scenario results.
 *
 * JUnit: the de-facto schema CI servers read (Jenkins, GitLab): one <testsuite> with
 * tests/failures/errors/time, one <testcase> per scenario (classname = the file), a
 * <failure> with the diff for a failed expectation and an <error> for a setup problem.
 * Steps that could not run (--device against a real library: the simulator's steps) are
 * one <testcase> each with <skipped message="reason"/>, named "file:line: step N (kind)",
 * so a CI server lists what was not tested; the testsuite's skipped attribute counts them.
 * TAP: version 13, one "ok"/"not ok" line per scenario, the diff as a YAML block, and one
 * "# skipped" comment per step that could not run.
 */
#include <stdio.h>
#include <string.h>

#include "scenarios/runner/scn.h"

void scn_xml_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        default:
            /* XML 1.0 forbids most control characters even as references */
            if (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r')
                fputs("?", f);
            else
                fputc(ch, f);
        }
    }
}

void scn_report_junit(FILE *f, const struct scn_result *res, size_t n)
{
    size_t failures = 0, errors = 0, skipped = 0;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        skipped += res[i].steps_skipped;
        failures += res[i].rc == SCN_E_FAILED;
        errors += res[i].rc != SCN_OK && res[i].rc != SCN_E_FAILED;
        total += res[i].wall_s;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites>\n");
    fprintf(f, "  <testsuite name=\"rsm-scenario\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" ",
            n + skipped, failures, errors);
    if (skipped)
        fprintf(f, "skipped=\"%zu\" ", skipped);
    fprintf(f, "time=\"%.6f\">\n", total);
    for (size_t i = 0; i < n; i++) {
        const struct scn_result *r = &res[i];
        fprintf(f, "    <testcase classname=\"");
        scn_xml_escape(f, r->file);
        fprintf(f, "\" name=\"");
        scn_xml_escape(f, r->name);
        fprintf(f, "\" time=\"%.6f\">\n", r->wall_s);
        if (r->rc != SCN_OK) {
            const char *tag = r->rc == SCN_E_FAILED ? "failure" : "error";
            fprintf(f, "      <%s message=\"", tag);
            const char *msg = r->failure ? r->failure : scn_rc_name(r->rc);
            const char *nl = strchr(msg, '\n');
            char first[512];
            snprintf(first, sizeof first, "%.*s", nl ? (int)(nl - msg) : (int)strlen(msg), msg);
            scn_xml_escape(f, first);
            fprintf(f, "\" type=\"%s\">", scn_rc_name(r->rc));
            scn_xml_escape(f, msg);
            fprintf(f, "</%s>\n", tag);
        }
        fprintf(f, "      <system-out>virtual time %.6f s, %u steps\n", r->virtual_us / 1e6,
                r->steps_run);
        scn_xml_escape(f, r->trace);
        fprintf(f, "</system-out>\n    </testcase>\n");
        /* one line per skipped step: "file:line: step N (kind): reason" */
        for (const char *p = r->skipped; p && *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            char line[1024];
            snprintf(line, sizeof line, "%.*s", (int)len, p);
            char *cut = strstr(line, "): ");
            const char *reason = "";
            if (cut) {
                cut[1] = '\0';
                reason = cut + 3;
            }
            fprintf(f, "    <testcase classname=\"");
            scn_xml_escape(f, r->file);
            fprintf(f, "\" name=\"");
            scn_xml_escape(f, line);
            fprintf(f, "\" time=\"0\">\n      <skipped message=\"");
            scn_xml_escape(f, reason);
            fprintf(f, "\"/>\n    </testcase>\n");
            p += len + (nl ? 1 : 0);
        }
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
}

void scn_report_tap(FILE *f, const struct scn_result *res, size_t n)
{
    fprintf(f, "TAP version 13\n1..%zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const struct scn_result *r = &res[i];
        fprintf(f, "%s %zu - %s (%s)\n", r->rc == SCN_OK ? "ok" : "not ok", i + 1, r->name,
                r->file);
        for (const char *p = r->skipped; p && *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(f, "# skipped %.*s\n", (int)len, p);
            p += len + (nl ? 1 : 0);
        }
        if (r->rc == SCN_OK)
            continue;
        fprintf(f, "  ---\n  result: %s\n  message: |\n", scn_rc_name(r->rc));
        const char *p = r->failure ? r->failure : "";
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(f, "    %.*s\n", (int)len, p);
            p += len + (nl ? 1 : 0);
        }
        fprintf(f, "  ...\n");
    }
}
