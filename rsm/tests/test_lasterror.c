/* SPDX-License-Identifier: MIT
 * rsm/api/lasterror.c: GetLastError()/SetLastError() keep one value per thread. */
#include <ntmsapi.h>

#include "rsm/tests/suites.h"

#include <pthread.h>

static void test_set_then_get(void)
{
    SetLastError(ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_OBJECT_NOT_FOUND);
    SetLastError(ERROR_SUCCESS);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_SUCCESS);
    SetLastError(0xFFFFFFFFu); /* any DWORD round-trips */
    CU_ASSERT_EQUAL(GetLastError(), 0xFFFFFFFFu);
}

/* Two threads interleave on barriers: each sets its own code, waits until the other has
 * set a different one, then reads. Shared storage would show the other thread's code. */
struct per_thread {
    pthread_barrier_t *barrier;
    DWORD mine;
    DWORD initial; /* what a new thread sees before setting anything */
    DWORD seen;
};

static void *thread_main(void *arg)
{
    struct per_thread *t = arg;
    t->initial = GetLastError();
    pthread_barrier_wait(t->barrier);
    SetLastError(t->mine);
    pthread_barrier_wait(t->barrier); /* both have set */
    t->seen = GetLastError();
    return NULL;
}

static void test_each_thread_has_its_own_value(void)
{
    pthread_barrier_t barrier;
    CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&barrier, NULL, 2), 0);
    SetLastError(ERROR_TIMEOUT); /* the main thread's value must not leak into others */
    struct per_thread a = {&barrier, ERROR_ACCESS_DENIED, 99, 0};
    struct per_thread b = {&barrier, ERROR_INVALID_MEDIA_POOL, 99, 0};
    pthread_t ta, tb;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&ta, NULL, thread_main, &a), 0);
    CU_ASSERT_EQUAL_FATAL(pthread_create(&tb, NULL, thread_main, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&barrier);
    CU_ASSERT_EQUAL(a.initial, ERROR_SUCCESS);
    CU_ASSERT_EQUAL(b.initial, ERROR_SUCCESS);
    CU_ASSERT_EQUAL(a.seen, ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(b.seen, ERROR_INVALID_MEDIA_POOL);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_TIMEOUT);
}

static CU_TestInfo lasterror_tests[] = {
    {"set_then_get", test_set_then_get},
    {"each_thread_has_its_own_value", test_each_thread_has_its_own_value},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_lasterror_suites[] = {
    {"lasterror", NULL, NULL, NULL, NULL, lasterror_tests},
    CU_SUITE_INFO_NULL,
};
