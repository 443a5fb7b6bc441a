/* SPDX-License-Identifier: MIT
 * conformance/tests/test_mutants.c - every check of the catalogue is proven able to fail:
 * for each check, the simulator is opened with the mutant that gets the check's subject
 * wrong (sim/core/mutant.h, `sim:?mutant=ID`), the check runs through the conformance
 * library, and its verdict must be FAIL, while on the plain simulator it is PASS (or the
 * SKIP noted in the row, for the two checks the default library gives nothing to test).
 *
 * A check that no device behaviour can fail is listed with the reason instead of a
 * mutant, and the table must cover the catalogue exactly: a new check without a row, or a
 * mutant without a check, fails catalogue_rows_match.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/conform.h"
#include "sim/core/mutant.h"
#include "tests/lib/cutest.h"

/* Scratch cartridge for the data-path and MAM checks (slot 5 of the default library). */
#define SCRATCH "A00004L8"

enum lib_kind {
    LIB_DEFAULT = 0, /* sim: */
    LIB_SMC_37H,     /* a library whose personality offers the SMC-3 37h opcode (hpe-msl) */
};

struct row {
    const char *check;
    const char *mutant; /* NULL: no device behaviour can fail it (see why) */
    bool scratch;       /* the check needs --scratch */
    enum lib_kind lib;
    enum conform_verdict plain; /* verdict on the simulator without mutants */
    const char *why;            /* for a SKIP baseline or a missing mutant */
};

#define M(check, mutant)                                                                           \
    {                                                                                              \
        check, mutant, false, LIB_DEFAULT, CONFORM_PASS, NULL                                      \
    }
#define D(check, mutant)                                                                           \
    {                                                                                              \
        check, mutant, true, LIB_DEFAULT, CONFORM_PASS, NULL                                       \
    }

static const struct row rows[] = {
    M("SPC-INQ-001", "INQ-RESPONSE-FORMAT-1"),
    M("SPC-INQ-002", "INQ-ALLOC0-REFUSED"),
    M("SPC-INQ-003", "INQ-SHORT-ALLOC-EMPTY"),
    M("SPC-INQ-004", "INQ-ADDLEN-TRUNCATED"),
    M("SPC-INQ-005", "INQ-36-OTHER-REVISION"),
    M("SPC-INQ-006", "INQ-ADDLEN-TOO-BIG"),
    M("SPC-INQ-007", "INQ-VENDOR-NUL-PADDED"),
    M("SPC-VPD-001", "VPD00-UNSORTED"),
    M("SPC-VPD-002", "VPD-WRONG-PDT"),
    M("SPC-VPD-003", "VPD80-BLANK-SERIAL"),
    M("SPC-VPD-004", "VPD83-NO-NAA"),
    M("SPC-VPD-005", "VPD83-PER-NEXUS"),
    M("SPC-VPD-006", "VPD-UNSUPPORTED-AS-00"),
    M("SPC-VPD-007", "VPD-PAGELEN-TRUNCATED"),
    M("SPC-LUNS-001", "LUNS-LENGTH-IN-ENTRIES"),
    M("SPC-LUNS-002", "LUNS-LENGTH-TRUNCATED"),
    M("SPC-LUNS-003", "DRIVE-NO-REPORT-LUNS"),
    M("SPC-RSOC-001", "RSOC-WITHOUT-MOVE-MEDIUM"),
    M("SPC-RSOC-002", "RSOC-WITHOUT-LOG-SENSE"),
    M("SPC-RSOC-003", "RSOC-ONE-USAGE-BYTE0"),
    M("SPC-RSOC-004", "RSOC-ONE-UNSUPPORTED-AS-0"),
    M("SPC-RSOC-005", "RSOC-RCTD-IGNORED"),
    M("SPC-TUR-001", "TUR-NOT-READY"),
    M("SPC-RQS-001", "RQS-STALE-24-00"),
    M("SPC-UA-001", "UA-NONE-AT-LOGIN"),
    M("SPC-UA-002", "UA-CLEARED-BY-INQUIRY"),
    M("SPC-UA-003", "UA-BLOCKS-REPORT-LUNS"),
    M("SPC-UA-004", "UA-KEPT-BY-REQUEST-SENSE"),
    M("SPC-ERR-001", "OPCODE-AS-24-00"),
    M("SPC-ERR-002", "RESERVED-BIT-AS-26-00"),
    M("SPC-ERR-003", "SENSE-NO-FIELD-POINTER"),
    M("SPC-ERR-004", "NACA-POINTER-BYTE-0"),
    M("SPC-ERR-005", "MODE-PAGE-POINTER-BYTE-3"),
    M("SPC-ERR-006", "LOG-UNSUPPORTED-AS-00"),
    M("SPC-ERR-007", "SERVICE-ACTION-POINTER-BYTE-2"),
    M("SPC-ERR-008", "SENSE-ALWAYS-DESCRIPTOR"),
    M("SPC-RES-001", "RESERVE-NOT-ENFORCED"),
    M("SPC-RES-002", "RELEASE-BY-ANY-NEXUS"),
    M("SPC-RES-003", "RESERVE-BLOCKS-INQUIRY"),
    M("SPC-PR-001", "PR-KEYS-LENGTH-ODD"),
    M("SPC-PR-002", "PR-CAPS-LENGTH-6"),
    M("SPC-PR-003", "PR-NOT-ENFORCED"),
    M("SMC-MODE-001", "MODE6-BLOCK-DESCRIPTOR-4"),
    M("SMC-MODE-002", "MODE-DBD-IGNORED"),
    M("SMC-MODE-003", "EAA-MODE10-DIFFERS"),
    M("SMC-MODE-004", "SMC-MODE-1D-COUNT"),
    M("SMC-MODE-005", "EAA-RANGES-OVERLAP"),
    M("SMC-MODE-006", "DEVCAP-NO-STORST"),
    M("SMC-MODE-007", "GEOMETRY-EXTRA-DESCRIPTOR"),
    M("SMC-MODE-008", "MODE-ALL-WITHOUT-1F"),
    M("SMC-MODE-009", "MODE-DATA-LENGTH-TRUNCATED"),
    M("SMC-RES-001", "RES-FIRST-ADDRESS-WRONG"),
    M("SMC-RES-002", "RES-TYPE-FILTER-IGNORED"),
    M("SMC-RES-003", "RES-VOLTAG-IGNORED"),
    M("SMC-RES-004", "RES-PVOLTAG-ALWAYS"),
    M("SMC-RES-005", "DVCID-SERIAL-GARBLED"),
    M("SMC-RES-006", "DVCID-DROPS-VOLTAG"),
    M("SMC-RES-007", "RES-BYTE-COUNT-CLIPPED"),
    M("SMC-RES-008", "RES-HEADER-ONLY-EMPTY"),
    M("SMC-RES-009", "RES-SINGLE-FROM-TYPE-START"),
    M("SMC-RES-010", "RES-START-IGNORED"),
    M("SMC-RES-011", "RES-NUMBER-IGNORED"),
    M("SMC-RES-012", "RES-CURDATA-NO-VOLTAG"),
    M("SMC-RES-013", "RES-STORAGE-INENAB"),
    M("SMC-RES-014", "RES-RESERVED-TYPE-POINTER-BYTE-2"),
    M("SMC-RES-015", "RES-FULL-INVENTORY-NOT-READY"),
    M("SMC-IES-001", "IES-LOSES-A-LABEL"),
    {"SMC-IES-002", "IES-RANGE-REFUSED", false, LIB_SMC_37H, CONFORM_PASS, NULL},
    M("SMC-IES-003", "IES-RANGE-REFUSED"),
    M("SMC-MOVE-001", "MOVE-ST-ST-NOOP"),
    M("SMC-MOVE-002", "MOVE-ST-IE-NOOP"),
    M("SMC-MOVE-003", "MOVE-ST-DT-NOOP"),
    M("SMC-MOVE-004", "MOVE-IE-ST-NOOP"),
    M("SMC-MOVE-005", "MOVE-IE-IE-NOOP"),
    M("SMC-MOVE-006", "MOVE-IE-DT-NOOP"),
    M("SMC-MOVE-007", "MOVE-DT-ST-NOOP"),
    M("SMC-MOVE-008", "MOVE-DT-IE-NOOP"),
    M("SMC-MOVE-009", "MOVE-DT-DT-NOOP"),
    {"SMC-MOVE-010", "DEVCAP-FORBIDS-ST-ST-YET-MOVES", false, LIB_DEFAULT, CONFORM_SKIP,
     "the simulator's page 1Fh allows every move, so the plain run has nothing to try"},
    M("SMC-MOVE-011", "MOVE-EMPTY-SOURCE-AS-3A"),
    M("SMC-MOVE-012", "MOVE-FULL-DESTINATION-AS-3B0E"),
    M("SMC-MOVE-013", "MOVE-BAD-SOURCE-AS-EMPTY"),
    M("SMC-MOVE-014", "MOVE-BAD-DESTINATION-AS-FULL"),
    M("SMC-MOVE-015", "MOVE-ANY-TRANSPORT-ADDRESS"),
    M("SMC-MOVE-016", "MOVE-TRANSPORT-0-REFUSED"),
    M("SMC-MOVE-017", "MOVE-INVERT-IGNORED"),
    M("SMC-MOVE-018", "MOVE-IGNORES-DRIVE-PREVENT"),
    M("SMC-MOVE-019", "MOVE-NO-SVALID"),
    M("SMC-MOVE-020", "MOVE-THREADED-DRIVE-HW-ERROR"),
    M("SMC-XCHG-001", "EXCHANGE-NOOP"),
    M("SMC-XCHG-002", "EXCHANGE-BAD-ADDRESS-AS-FULL"),
    M("SMC-POS-001", "POSITION-REFUSED"),
    M("SMC-POS-002", "POSITION-BAD-ADDRESS-GOOD"),
    M("SMC-VTAG-001", "VOLTAG-TRANSLATE-FINDS-NOTHING"),
    M("SMC-IE-001", "IE-NO-INENAB-EXENAB"),
    M("SMC-IE-002", "PREVENT-REFUSED"),
    M("SMC-IE-003", "PREVENT-RESERVED-ACCEPTED"),
    M("SMC-IE-004", "IE-CLOSE-SEQUENCE-ERROR"),
    M("SMC-LOG-001", "LOG00-UNSORTED"),
    M("SSC-INQ-001", "DRIVE-RMB-0"),
    M("SSC-MAP-001", "DRIVE-SERIAL-MISMATCH"),
    M("SSC-VPD-001", "DRIVE-VPD-B1-AS-B0"),
    M("SSC-VPD-002", "DRIVE-VPD-B4-WRONG"),
    M("SSC-TUR-001", "DRIVE-EMPTY-AS-04-00"),
    M("SSC-RBL-001", "DRIVE-BLOCK-LIMITS-INVERTED"),
    M("SSC-MODE-001", "DRIVE-NO-BLOCK-DESCRIPTOR"),
    M("SSC-DEN-001", "DRIVE-DENSITY-UNNAMED"),
    M("SSC-MODE-002", "DRIVE-COMPRESSION-DCC-0"),
    M("SSC-LOG-001", "DRIVE-LOG-WITHOUT-2E"),
    M("SSC-TA-001", "DRIVE-TAPEALERT-32-FLAGS"),
    M("SSC-TA-002", "DRIVE-TAPEALERT-FLAG-NOT-IN-B2"),
    D("SSC-DATA-001", "DRIVE-POSITION-NO-BOP"),
    D("SSC-DATA-002", "DRIVE-READ-CORRUPTS"),
    D("SSC-DATA-003", "DRIVE-ILI-LONG-RECORD-POSITIVE"),
    D("SSC-DATA-004", "DRIVE-ILI-SHORT-RECORD-NO-INFO"),
    D("SSC-DATA-005", "DRIVE-FIXED-COUNT-AS-BYTES"),
    D("SSC-DATA-006", "DRIVE-FILEMARK-BIT-MISSING"),
    D("SSC-DATA-007", "DRIVE-SPACE-FILEMARK-STOPS-BEFORE"),
    D("SSC-DATA-008", "DRIVE-SPACE-RESIDUE-DONE"),
    D("SSC-DATA-009", "DRIVE-EOD-AS-MEDIUM-ERROR"),
    D("SSC-DATA-010", "DRIVE-POSITION-OFF-BY-ONE"),
    D("SSC-DATA-011", "DRIVE-POSITION-LONG-FILE-0"),
    D("SSC-DATA-012", "DRIVE-LOCATE10-ONE-PAST"),
    D("SSC-DATA-015", "DRIVE-LOCATE16-ONE-BEFORE"),
    D("SSC-DATA-016", "DRIVE-POSITION-EXT-LENGTH"),
    D("SSC-DATA-013", "DRIVE-REWIND-NOOP"),
    D("SSC-MAM-001", "DRIVE-MAM-LIST-UNSORTED"),
    D("SSC-MAM-002", "DRIVE-MAM-ATTRIBUTE-LENGTH"),
    D("SSC-MAM-003", "DRIVE-MAM-AVAILABLE-TRUNCATED"),
    D("SSC-DATA-014", "DRIVE-UNLOAD-STAYS-READY"),
};
#define N_ROWS (sizeof rows / sizeof rows[0])

static const struct row *row_for(const char *check)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (strcmp(rows[i].check, check) == 0)
            return &rows[i];
    return NULL;
}

/* Whether the space-separated list @checks names @id. */
static bool names(const char *checks, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = checks; (p = strstr(p, id)); p += n)
        if ((p == checks || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

static void test_catalogue_rows_match(void)
{
    size_t n;
    const struct conform_check *c = conform_catalogue(&n);
    CU_ASSERT_EQUAL(N_ROWS, n);
    for (size_t i = 0; i < n; i++) {
        const struct row *r = row_for(c[i].id);
        if (!r) {
            fprintf(stderr, "\n  %s has neither a mutant nor a reason in test_mutants.c\n",
                    c[i].id);
            CU_FAIL("a check without a row");
            continue;
        }
        if (!r->mutant) {
            CU_ASSERT(r->why && strlen(r->why) > 20); /* no mutant: say why */
            continue;
        }
        const struct vtl_mutant_info *mi = vtl_mutant_find(r->mutant);
        CU_ASSERT_PTR_NOT_NULL_FATAL(mi);
        CU_ASSERT(names(mi->check, c[i].id)); /* the table says what it targets */
        if (r->plain != CONFORM_PASS)
            CU_ASSERT_PTR_NOT_NULL(r->why);
    }
    for (size_t i = 0; i < N_ROWS; i++)
        CU_ASSERT_PTR_NOT_NULL(conform_check_find(rows[i].check));
    /* Every mutant of the simulator's table is exercised by some row. */
    size_t nm;
    const struct vtl_mutant_info *t = vtl_mutant_table(&nm);
    CU_ASSERT_EQUAL(nm, VTL_MUT_COUNT - 1);
    for (size_t k = 0; k < nm; k++) {
        bool used = false;
        for (size_t i = 0; i < N_ROWS; i++)
            used |= rows[i].mutant && strcmp(rows[i].mutant, t[k].id) == 0;
        if (!used)
            fprintf(stderr, "\n  mutant %s is used by no row\n", t[k].id);
        CU_ASSERT(used);
        CU_ASSERT(strlen(t[k].what) > 10);
        CU_ASSERT_EQUAL(t[k].m, (enum vtl_mutant)(k + 1));
    }
}

static char cfg_dir[512], cfg_37h[600];

/* The device URI of @r's library with @mutant (NULL: none). */
static void uri_for(const struct row *r, const char *mutant, char *out, size_t cap)
{
    snprintf(out, cap, "sim:%s%s%s", r->lib == LIB_SMC_37H ? cfg_37h : "", mutant ? "?mutant=" : "",
             mutant ? mutant : "");
}

static enum conform_verdict run_check(const struct row *r, const char *mutant, char *reason,
                                      size_t cap)
{
    char uri[1024];
    uri_for(r, mutant, uri, sizeof uri);
    struct conform_opts o = {
        .device_uri = uri, .quiet = true, .safe = true, .scratch = r->scratch ? SCRATCH : NULL};
    struct conform_run *run = NULL;
    char err[256];
    if (conform_run_open(&o, &run, err, sizeof err) != CONFORM_OK) {
        snprintf(reason, cap, "open %.200s: %.200s", uri, err);
        return CONFORM_NOTRUN;
    }
    enum conform_verdict v = CONFORM_NOTRUN;
    if (conform_run_one(run, r->check) == CONFORM_OK) {
        const struct conform_result *res = conform_result_find(run, r->check);
        if (res) {
            v = res->verdict;
            snprintf(reason, cap, "%s", res->reason);
            if (v == CONFORM_FAIL && res->n_ex == 0)
                v = CONFORM_NOTRUN; /* a FAIL must come with the evidence that shows it */
        }
    }
    conform_run_free(run);
    return v;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

/* Every row: FAIL with its mutant, the noted baseline without. */
static void test_each_mutant_fails_its_check(void)
{
    test_mkdtemp(cfg_dir, sizeof cfg_dir);
    snprintf(cfg_37h, sizeof cfg_37h, "%s/smc37.yaml", cfg_dir);
    write_file(cfg_37h, "# SPDX-License-Identifier: MIT\npersonality: hpe-msl\n");
    unsigned proven = 0, rows_with = 0;
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct row *r = &rows[i];
        if (!r->mutant)
            continue;
        rows_with++;
        char why[512];
        enum conform_verdict plain = run_check(r, NULL, why, sizeof why);
        if (plain != r->plain) {
            fprintf(stderr, "\n  %s without mutants: %s (%s), expected %s\n", r->check,
                    conform_verdict_name(plain), why, conform_verdict_name(r->plain));
            CU_FAIL("a check changed its verdict on the plain simulator");
        }
        enum conform_verdict v = run_check(r, r->mutant, why, sizeof why);
        if (v != CONFORM_FAIL || !why[0]) {
            fprintf(stderr, "\n  %s with mutant %s: %s (%s), expected FAIL\n", r->check, r->mutant,
                    conform_verdict_name(v), why);
            CU_FAIL("a mutant went unnoticed by its check");
        } else if (plain == r->plain) {
            proven++;
        }
    }
    size_t n;
    conform_catalogue(&n);
    fprintf(stderr,
            "\n  %u/%zu checks have a proven mutant (%zu without: cannot fail on a "
            "device)\n",
            proven, n, N_ROWS - rows_with);
    CU_ASSERT_EQUAL(proven, rows_with);
    test_rmtree(cfg_dir);
}

/* The mutant options: an unknown id is refused when the library is opened, and the list
 * form switches on several at once. */
static void test_mutant_uri_options(void)
{
    char err[256];
    struct xport *xp = NULL;
    CU_ASSERT_NOT_EQUAL(xport_open("sim:?mutant=NO-SUCH-MUTANT", &xp, err, sizeof err), XPORT_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "NO-SUCH-MUTANT"));
    CU_ASSERT_NOT_EQUAL(xport_open("sim:?colour=red", &xp, err, sizeof err), XPORT_OK);
    CU_ASSERT_NOT_EQUAL(xport_open("sim:?lun=99", &xp, err, sizeof err), XPORT_OK);
    /* Two mutants at once, drive LUN named after them: both apply to one library. */
    const struct row two = {"SPC-INQ-001", NULL, false, LIB_DEFAULT, CONFORM_PASS, NULL};
    char why[512];
    CU_ASSERT_EQUAL(run_check(&two, "TUR-NOT-READY,INQ-RESPONSE-FORMAT-1", why, sizeof why),
                    CONFORM_FAIL);
    const struct row tur = {"SPC-TUR-001", NULL, false, LIB_DEFAULT, CONFORM_PASS, NULL};
    CU_ASSERT_EQUAL(run_check(&tur, "TUR-NOT-READY,INQ-RESPONSE-FORMAT-1", why, sizeof why),
                    CONFORM_FAIL);
    /* A drive LUN of a mutated library is the mutated library's drive. */
    char out[256];
    CU_ASSERT(conform_uri_with_lun("sim:?mutant=DRIVE-RMB-0", 1, out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "sim:?lun=1&mutant=DRIVE-RMB-0");
    CU_ASSERT(conform_uri_with_lun("sim:x.yaml?lun=0&mutant=A,B", 2, out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "sim:x.yaml?lun=2&mutant=A,B");
}

/* Reads @path (relative to the source tree, where the tests run) into a new string. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static const size_t cap = 1 << 20;
    char *s = malloc(cap);
    size_t n = s ? fread(s, 1, cap - 1, f) : 0;
    fclose(f);
    if (s)
        s[n] = '\0';
    return s;
}

/* Both READMEs list every mutant of the table (sim/core/mutant.h is their source). */
static void test_readmes_list_every_mutant(void)
{
    char *sim = slurp("sim/README.md"), *conf = slurp("conformance/README.md");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
    size_t n;
    const struct vtl_mutant_info *t = vtl_mutant_table(&n);
    for (size_t i = 0; i < n; i++) {
        char quoted[80];
        snprintf(quoted, sizeof quoted, "`%s`", t[i].id);
        if (!strstr(sim, quoted) || !strstr(conf, quoted)) {
            fprintf(stderr, "\n  %s missing from a README's mutant table\n", t[i].id);
            CU_FAIL("README out of date");
        }
    }
    free(sim);
    free(conf);
}

static CU_TestInfo mutant_tests[] = {
    {"readmes_list_every_mutant", test_readmes_list_every_mutant},
    {"catalogue_rows_match", test_catalogue_rows_match},
    {"mutant_uri_options", test_mutant_uri_options},
    {"each_mutant_fails_its_check", test_each_mutant_fails_its_check},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo conform_mutant_suites[] = {
    {"mutants", NULL, NULL, NULL, NULL, mutant_tests},
    CU_SUITE_INFO_NULL,
};
