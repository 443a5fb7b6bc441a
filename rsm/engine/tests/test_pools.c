/* SPDX-License-Identifier: MIT
 * Media pools: creation actions, paths and names, nesting rules, deletion.
 */
#include <stdlib.h>
#include <string.h>

#include "rsm/engine/tests/helpers.h"

static void test_create_nested_and_name(void)
{
    struct fx f;
    fx_open(&f);
    GUID top, mid, leaf, again;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "LTO Ultrium", NULL, NTMS_CREATE_NEW, NULL, &top),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(
        CreateNtmsMediaPoolA(f.h, "LTO Ultrium\\Backup", NULL, NTMS_CREATE_NEW, NULL, &mid),
        ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolW(f.h, L"\\LTO Ultrium\\Backup\\Weekly", &f.lto,
                                         NTMS_OPEN_ALWAYS, NULL, &leaf),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "LTO Ultrium\\Backup\\Weekly", NULL,
                                         NTMS_OPEN_EXISTING, NULL, &again),
                    ERROR_SUCCESS);
    CU_ASSERT(IsEqualGUID(&leaf, &again));
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "LTO Ultrium\\Backup\\Weekly", &f.lto,
                                         NTMS_OPEN_ALWAYS, NULL, &again),
                    ERROR_SUCCESS);
    CU_ASSERT(IsEqualGUID(&leaf, &again));

    char name[64];
    DWORD n = 0;
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameA(f.h, &leaf, NULL, &n), ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(n, strlen("LTO Ultrium\\Backup\\Weekly") + 1);
    n = (DWORD)strlen("LTO Ultrium\\Backup\\Weekly"); /* one short */
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameA(f.h, &leaf, name, &n), ERROR_INSUFFICIENT_BUFFER);
    n = sizeof name;
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameA(f.h, &leaf, name, &n), ERROR_SUCCESS);
    CU_ASSERT_STRING_EQUAL(name, "LTO Ultrium\\Backup\\Weekly");
    CU_ASSERT_EQUAL(n, strlen(name) + 1);
    wchar_t wname[64];
    n = 64;
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameW(f.h, &mid, wname, &n), ERROR_SUCCESS);
    CU_ASSERT(wcscmp(wname, L"LTO Ultrium\\Backup") == 0);
    CU_ASSERT_EQUAL(n, wcslen(wname) + 1);
    /* System pools: "Free\<media type>". */
    GUID freep = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.lto);
    n = sizeof name;
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameA(f.h, &freep, name, &n), ERROR_SUCCESS);
    CU_ASSERT_STRING_EQUAL(name, "Free\\LTO Ultrium");
    GUID unknown;
    memset(&unknown, 0x21, sizeof unknown);
    n = sizeof name;
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameA(f.h, &unknown, name, &n), ERROR_INVALID_MEDIA_POOL);
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameA(f.h, &leaf, name, NULL), ERROR_INVALID_PARAMETER);
    NTMS_OBJECTINFORMATIONW w;
    fx_get(&f, &leaf, NTMS_MEDIA_POOL, &w);
    CU_ASSERT(IsEqualGUID(&w.Info.MediaPool.Parent, &mid));
    CU_ASSERT(IsEqualGUID(&w.Info.MediaPool.MediaType, &f.lto));
    CU_ASSERT(wcscmp(w.szName, L"Weekly") == 0);
    CU_ASSERT_EQUAL(fx_count(&f, &mid, NTMS_MEDIA_POOL), 1);
    fx_close(&f);
}

static void test_create_errors(void)
{
    struct fx f;
    fx_open(&f);
    GUID p, leaf;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "Leaf", &f.lto, NTMS_CREATE_NEW, NULL, &leaf),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "Leaf", &f.lto, NTMS_CREATE_NEW, NULL, &p),
                    ERROR_ALREADY_EXISTS);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "Missing", &f.lto, NTMS_OPEN_EXISTING, NULL, &p),
                    ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(
        CreateNtmsMediaPoolA(f.h, "NoParent\\Child", &f.lto, NTMS_OPEN_ALWAYS, NULL, &p),
        ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "Leaf\\Child", &f.lto, NTMS_CREATE_NEW, NULL, &p),
                    ERROR_INVALID_MEDIA_POOL); /* a pool holding media holds no pools */
    const char *bad_names[] = {"", "\\", "A\\", "A\\\\B",
                               "0123456789012345678901234567890123456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
        CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, bad_names[i], &f.lto, NTMS_OPEN_ALWAYS, NULL, &p),
                        ERROR_INVALID_NAME);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "X", &f.lto, 0, NULL, &p), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "X", &f.lto, 4, NULL, &p), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, NULL, &f.lto, NTMS_CREATE_NEW, NULL, &p),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "X", &f.lto, NTMS_CREATE_NEW, NULL, NULL),
                    ERROR_INVALID_PARAMETER);
    GUID notype;
    memset(&notype, 0x66, sizeof notype);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "X", &notype, NTMS_CREATE_NEW, NULL, &p),
                    ERROR_INVALID_MEDIA);
    SECURITY_ATTRIBUTES sa = {.nLength = 3};
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "X", &f.lto, NTMS_CREATE_NEW, &sa, &p),
                    ERROR_INVALID_PARAMETER);
    /* Nothing of the failed attempts exists. */
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "X", NULL, NTMS_OPEN_EXISTING, NULL, &p),
                    ERROR_OBJECT_NOT_FOUND);
    fx_close(&f);
}

static void test_create_with_descriptor(void)
{
    struct fx f;
    fx_open(&f);
    SECURITY_DESCRIPTOR *sd = calloc(1, RSM_SD_SIZE(1));
    sd->Revision = RSM_SD_REVISION;
    sd->Owner = 777;
    sd->AceCount = 1;
    RSM_SD_ACES(sd)[0] = (RSM_ACE){RSM_SD_EVERYONE, 0, NTMS_GENERIC_ALL};
    SECURITY_ATTRIBUTES sa = {.nLength = sizeof sa, .lpSecurityDescriptor = sd};
    GUID p;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "Open", &f.lto, NTMS_CREATE_NEW, &sa, &p),
                    ERROR_SUCCESS);
    BYTE buf[256];
    DWORD need = 0;
    CU_ASSERT_EQUAL(GetNtmsObjectSecurity(f.h, &p, NTMS_MEDIA_POOL,
                                          OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                          buf, sizeof buf, &need),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(((SECURITY_DESCRIPTOR *)buf)->Owner, 777);
    CU_ASSERT_EQUAL(RSM_SD_ACES(buf)[0].Kind, RSM_SD_EVERYONE);
    free(sd);
    fx_close(&f);
}

static void test_delete_rules(void)
{
    struct fx f;
    fx_library(&f, 2, 1);
    GUID parent, child;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "P", NULL, NTMS_CREATE_NEW, NULL, &parent),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "P\\C", &f.lto, NTMS_CREATE_NEW, NULL, &child),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DeleteNtmsMediaPool(f.h, &parent), ERROR_NOT_EMPTY);
    fx_to_free(&f, 0);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &child), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DeleteNtmsMediaPool(f.h, &child), ERROR_NOT_EMPTY);
    GUID freep = fx_system_pool(&f, NTMS_POOLTYPE_SCRATCH, &f.lto);
    CU_ASSERT_EQUAL(DeleteNtmsMediaPool(f.h, &freep), ERROR_INVALID_MEDIA_POOL);
    GUID pools[8];
    DWORD n = 8;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(f.h, NULL, pools, &n, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DeleteNtmsMediaPool(f.h, &pools[0]), ERROR_INVALID_MEDIA_POOL); /* root */
    GUID unknown;
    memset(&unknown, 0x12, sizeof unknown);
    CU_ASSERT_EQUAL(DeleteNtmsMediaPool(f.h, &unknown), ERROR_INVALID_MEDIA_POOL);
    CU_ASSERT_EQUAL(DeleteNtmsMediaPool(f.h, NULL), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(MoveToNtmsMediaPool(f.h, &f.media[0], &freep), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DeleteNtmsMediaPool(f.h, &child), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(DeleteNtmsMediaPool(f.h, &parent), ERROR_SUCCESS);
    NTMS_OBJECTINFORMATIONW w;
    memset(&w, 0, sizeof w);
    w.dwSize = sizeof w;
    w.dwType = NTMS_MEDIA_POOL;
    CU_ASSERT_EQUAL(GetNtmsObjectInformationW(f.h, &parent, &w), ERROR_OBJECT_NOT_FOUND);
    fx_check(&f);
    fx_close(&f);
}

static void test_unicode_names_sized_in_characters(void)
{
    struct fx f;
    fx_open(&f);
    GUID p;
    CU_ASSERT_EQUAL(
        CreateNtmsMediaPoolW(f.h, L"Sauvegarde-\u00e9t\u00e9", &f.lto, NTMS_CREATE_NEW, NULL, &p),
        ERROR_SUCCESS);
    wchar_t w[32];
    DWORD n = 5;
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameW(f.h, &p, w, &n), ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(n, 15); /* 14 characters + NUL */
    n = 15;
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameW(f.h, &p, w, &n), ERROR_SUCCESS);
    CU_ASSERT(wcscmp(w, L"Sauvegarde-\u00e9t\u00e9") == 0);
    char a[32];
    n = 15; /* enough characters, not enough bytes for the UTF-8 form */
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameA(f.h, &p, a, &n), ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(n, 17);
    CU_ASSERT_EQUAL(GetNtmsMediaPoolNameA(f.h, &p, a, &n), ERROR_SUCCESS);
    CU_ASSERT_STRING_EQUAL(a, "Sauvegarde-\xc3\xa9t\xc3\xa9");
    GUID again;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "Sauvegarde-\xc3\xa9t\xc3\xa9", NULL,
                                         NTMS_OPEN_EXISTING, NULL, &again),
                    ERROR_SUCCESS);
    CU_ASSERT(IsEqualGUID(&p, &again));
    fx_close(&f);
}

static CU_TestInfo pool_tests[] = {
    {"create_nested_and_name", test_create_nested_and_name},
    {"create_errors", test_create_errors},
    {"create_with_descriptor", test_create_with_descriptor},
    {"delete_rules", test_delete_rules},
    {"unicode_names_sized_in_characters", test_unicode_names_sized_in_characters},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_pool_suites[] = {
    {"rsm_pool", NULL, NULL, NULL, NULL, pool_tests},
    CU_SUITE_INFO_NULL,
};
