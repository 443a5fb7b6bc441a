/* SPDX-License-Identifier: MIT
 * The 24-hour soak on the virtual clock: one step per simulated minute, chosen by a seeded
 * generator (the seed is printed; RSM_SOAK_SEED overrides it): write mounts that leave
 * drives dirty, injects through the mail slots, ejects the operator takes (or leaves until
 * the port times out), the door forced open, robot jams and power-on resets. The engine's
 * periodic tick runs every step. At the end, once the faults are cleared and the operator
 * has emptied the mail slots: the database matches the simulator cartridge for cartridge,
 * no library request is left open, every drive that asked was cleaned and none is dirty,
 * and the engine's invariants hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsm/dev/drive.h"
#include "rsm/ieclean/tests/fix.h"
#include "rsm/ieclean/tests/suites.h"
#include "tests/lib/cutest.h"

static const char soak_yaml[] = "personality: ibm-ts4300\n"
                                "slots: 20\n"
                                "mailslots: 2\n"
                                "drives: 2\n"
                                "cartridges:\n"
                                "  - {barcode: A00000L8, slot: 1}\n"
                                "  - {barcode: A00001L8, slot: 2}\n"
                                "  - {barcode: A00002L8, slot: 3}\n"
                                "  - {barcode: A00003L8, slot: 4}\n"
                                "  - {barcode: A00004L8, slot: 5}\n"
                                "  - {barcode: A00005L8, slot: 6}\n"
                                "  - {barcode: A00006L8, slot: 7}\n"
                                "  - {barcode: A00007L8, slot: 8}\n"
                                "clock: {mode: virtual}\n";

#define N_LMID 4
#define STEPS  (24 * 60)

static uint64_t rng;
static uint32_t next_rand(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull; /* Knuth's MMIX LCG */
    return (uint32_t)(rng >> 33);
}

struct soak_stats {
    unsigned mounts, writes, dirtied, injects, ejects, taken, door, jams, resets;
};

/* Writes one block on drive @d (1-based) through a handle of our own. */
static bool write_block(struct ifix *f, unsigned d)
{
    char uri[96];
    snprintf(uri, sizeof uri, "%s?lun=%u", f->uri, d);
    struct rsm_drv *drv = NULL;
    if (rsm_drv_open_uri(uri, NULL, &drv) != RSM_DEV_OK)
        return false;
    static uint8_t block[4096];
    memset(block, (int)d, sizeof block);
    bool ok = rsm_drv_wait_ready(drv) == RSM_DEV_OK &&
              rsm_drv_write(drv, block, sizeof block) == RSM_DEV_OK;
    rsm_drv_close(drv);
    return ok;
}

/* Number (1-based) of the drive whose GUID is @g, 0 if none. */
static unsigned drive_number(struct ifix *f, const NTMS_GUID *g)
{
    struct rsm_guid d;
    rsm_guid_from_api(&d, g);
    int64_t n = ifix_q(f, "SELECT number FROM drive WHERE guid=?1", &d);
    return n > 0 ? (unsigned)n : 0;
}

static void soak_24_hours_virtual(void)
{
    struct ifix fx;
    CU_ASSERT_EQUAL_FATAL(ifix_open(&fx, soak_yaml), 0);
    const char *env = getenv("RSM_SOAK_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : 20261125u;
    rng = seed;
    printf("\n    soak seed %llu\n", (unsigned long long)seed);

    /* A cleaner in slot 20, and four allocated media to mount. */
    struct rsm_guid cs;
    CU_ASSERT_EQUAL_FATAL(ifix_element(&fx, RSM_OT_STORAGESLOT, 20, &cs), 0);
    NTMS_GUID cslot, op;
    rsm_guid_to_api(&cslot, &cs);
    CU_ASSERT_EQUAL_FATAL(ReserveNtmsCleanerSlot(fx.h, &fx.lib, &cslot), ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(InjectNtmsCleaner(fx.h, &fx.lib, &op, 1000, NTMS_INJECT_START),
                          ERROR_SUCCESS);
    CU_ASSERT_NOT_EQUAL_FATAL(ifix_operator_inject(&fx, "CLN900L1", 1000), 0);
    CU_ASSERT_EQUAL_FATAL(InjectNtmsCleaner(fx.h, &fx.lib, &op, 1000, NTMS_INJECT_STOP),
                          ERROR_SUCCESS);
    /* The operator has up to ten minutes to take an ejected cartridge (MaxExtendSecs). */
    CU_ASSERT_EQUAL(ifix_q(&fx, "UPDATE ieport SET max_extend_secs=600", NULL), -1);
    NTMS_GUID lmid[N_LMID];
    for (int i = 0; i < N_LMID; i++) {
        char bc[32];
        snprintf(bc, sizeof bc, "A0000%dL8", i);
        CU_ASSERT_EQUAL_FATAL(ifix_allocate(&fx, bc, &lmid[i]), 0);
    }

    struct soak_stats st;
    memset(&st, 0, sizeof st);
    unsigned next_barcode = 0, door_close_in = 0, jam_clear_in = 0;
    for (unsigned step = 0; step < STEPS; step++) {
        uint32_t r = next_rand() % 100;
        if (r < 35) {
            NTMS_GUID drive;
            memset(&drive, 0, sizeof drive);
            int k = (int)(next_rand() % N_LMID);
            if (MountNtmsMedia(fx.h, &lmid[k], &drive, 1, NTMS_MOUNT_WRITE, 0, 0, NULL) ==
                ERROR_SUCCESS) {
                st.mounts++;
                unsigned d = drive_number(&fx, &drive);
                if (d && write_block(&fx, d))
                    st.writes++;
                if (d && next_rand() % 4 == 0 && fx.hooks.set_dirty(fx.hooks.priv, d - 1) == VTL_OK)
                    st.dirtied++; /* the wear a real drive reports after enough writing */
                (void)DismountNtmsMedia(fx.h, &lmid[k], 1, 0);
            }
        } else if (r < 45) {
            if (InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_START) == ERROR_SUCCESS) {
                char bc[32];
                snprintf(bc, sizeof bc, "S%05uL8", next_barcode++);
                (void)ifix_operator_inject(&fx, bc, 0);
                if (InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_STOP) == ERROR_SUCCESS)
                    st.injects++;
            }
        } else if (r < 55) {
            /* A medium that is not one of the allocated ones (their slots stay busy). */
            char bc[32];
            if (next_barcode && next_rand() % 2)
                snprintf(bc, sizeof bc, "S%05uL8", next_rand() % next_barcode);
            else
                snprintf(bc, sizeof bc, "A0000%uL8", 4 + next_rand() % 4);
            struct rsm_guid pm;
            if (ifix_pmedia(&fx, bc, &pm) == 0) {
                NTMS_GUID m;
                rsm_guid_to_api(&m, &pm);
                if (EjectNtmsMedia(fx.h, &m, &op, NTMS_EJECT_START) == ERROR_SUCCESS)
                    st.ejects++;
            }
        } else if (r < 58 && !door_close_in) {
            vtl_fault_door_left_open(fx.vl);
            door_close_in = 1 + next_rand() % 3;
            st.door++;
        } else if (r < 60 && !jam_clear_in) {
            vtl_fault_robot_jam(fx.vl, 0);
            jam_clear_in = 1 + next_rand() % 2;
            st.jams++;
        } else if (r < 61) {
            vtl_fault_power_on_reset(fx.vl);
            jam_clear_in = 0; /* a reset clears the jam */
            st.resets++;
        }
        /* The operator comes by now and then and takes what waits in the mail slots:
         * ejected cartridges, and their own ones the library had no room for when a
         * MOVEMEDIA request asks for that. */
        bool asked = ifix_opreqs(&fx, NTMS_OPREQ_MOVEMEDIA) > 0;
        for (unsigned s = 1; s <= 2; s++) {
            struct vtl_elem_info info;
            if (next_rand() % 3 == 0 && ifix_elem(&fx, ifix_addr(&fx, VTL_ELEM_IE, s), &info) &&
                info.full && (!info.impexp || asked) && ifix_operator_remove(&fx, s))
                st.taken++;
        }
        if (door_close_in && --door_close_in == 0)
            (void)vtl_library_set_door(fx.vl, false);
        if (jam_clear_in && --jam_clear_in == 0)
            vtl_fault_clear_jam(fx.vl);
        ifix_advance_ms(&fx, 60000);
        (void)ifix_tick(&fx); /* a library that is down now is served at a later tick */
    }

    /* The end of the day: faults cleared, the operator empties the mail slots of what RSM
     * ejected, and the engine gets the time it needs. */
    vtl_fault_clear_jam(fx.vl);
    (void)vtl_library_set_door(fx.vl, false);
    for (int round = 0; round < 20; round++) {
        bool asked = ifix_opreqs(&fx, NTMS_OPREQ_MOVEMEDIA) > 0;
        for (unsigned s = 1; s <= 2; s++) {
            struct vtl_elem_info info;
            if (ifix_elem(&fx, ifix_addr(&fx, VTL_ELEM_IE, s), &info) && info.full &&
                (!info.impexp || asked) && ifix_operator_remove(&fx, s))
                st.taken++;
        }
        ifix_advance_ms(&fx, RSM_IEC_TAPEALERT_MS);
        CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
        if (rsm_iec_open_requests(fx.e) == 0 && round > 1)
            break;
    }
    printf("    mounts %u, writes %u, dirtied %u, cleanings %u, injects %u, ejects %u "
           "(taken %u), door %u, jams %u, resets %u\n",
           st.mounts, st.writes, st.dirtied, rsm_clean_count(fx.e, &fx.glib), st.injects, st.ejects,
           st.taken, st.door, st.jams, st.resets);

    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
    CU_ASSERT_EQUAL(rsm_iec_open_requests(fx.e), 0);
    /* Every operator request RSM raised (cleaner, door, mail slots) was answered. */
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT count(*) FROM opreq WHERE state IN (1,2,3)", NULL), 0);
    for (int op_code = 0; op_code < 32; op_code++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM libreq WHERE op=%d AND state IN (0,1,5)",
                 op_code);
        int64_t n = ifix_q(&fx, sql, NULL);
        if (n > 0)
            fprintf(
                stderr, "soak: %lld requests of operation %d still open (state %lld)\n",
                (long long)n, op_code,
                (long long)ifix_q(&fx, "SELECT state FROM libreq WHERE state IN (0,1,5)", NULL));
    }
    CU_ASSERT_EQUAL(
        ifix_q(&fx, "SELECT count(*) FROM attr WHERE name='OpenRSM.CleanPending'", NULL), 0);
    for (unsigned d = 0; d < 2; d++) {
        const char *state = NULL;
        unsigned long long ta = 0;
        CU_ASSERT_EQUAL(fx.hooks.describe(fx.hooks.priv, d, &state, &ta), VTL_OK);
        CU_ASSERT_EQUAL(ta & ((1ull << 19) | (1ull << 20)), 0); /* not asking for cleaning */
    }
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT state FROM iedoor WHERE library=?1", &fx.glib),
                    NTMS_DOORSTATE_CLOSED);
    CU_ASSERT_EQUAL(
        ifix_q(&fx, "SELECT position FROM ieport WHERE library=?1 AND position=1", &fx.glib),
        -1); /* no port left extended */
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, NULL, 0), RSM_OK);
    /* The day really exercised every path. */
    CU_ASSERT_TRUE(st.mounts > 100);
    CU_ASSERT_TRUE(st.dirtied > 10);
    CU_ASSERT_TRUE(rsm_clean_count(fx.e, &fx.glib) > 5);
    CU_ASSERT_TRUE(st.injects > 10);
    CU_ASSERT_TRUE(st.ejects > 10);
    CU_ASSERT_TRUE(st.door > 5 && st.jams > 5);
    ifix_close(&fx);
}

static CU_TestInfo soak_tests[] = {
    {"soak_24_hours_virtual", soak_24_hours_virtual},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo ieclean_soak_suites[] = {
    {"ieclean_soak", NULL, NULL, NULL, NULL, soak_tests},
    CU_SUITE_INFO_NULL,
};
