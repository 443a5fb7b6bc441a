/* SPDX-License-Identifier: MIT
 * InjectNtmsMedia, EjectNtmsMedia, AccessNtmsLibraryDoor, IdentifyNtmsSlot, DeleteNtmsDrive,
 * DeleteNtmsLibrary, Get/SetNtmsUIOptions against the simulated library of fix.h
 * (12 slots, A00000L8..A00005L8 in slots 1-6, 2 mail slots, 2 drives).
 */
#include <stdio.h>
#include <string.h>

#include "rsm/engine/internal.h"
#include "rsm/ieclean/tests/fix.h"
#include "rsm/ieclean/tests/suites.h"
#include "tests/lib/cutest.h"

static struct ifix fx;

static void setup(void)
{
    CU_ASSERT_EQUAL_FATAL(ifix_open(&fx, NULL), 0);
}

static void teardown(void)
{
    ifix_close(&fx);
}

static uint32_t req_state(const NTMS_GUID *op)
{
    struct rsm_guid g;
    rsm_guid_from_api(&g, op);
    uint32_t s = 99;
    CU_ASSERT_EQUAL(rsm_iec_request_state(fx.e, &g, &s, NULL), RSM_OK);
    return s;
}

static int64_t port_position(unsigned n)
{
    struct rsm_guid p;
    CU_ASSERT_EQUAL_FATAL(ifix_element(&fx, RSM_OT_IEPORT, n, &p), 0);
    return ifix_q(&fx, "SELECT position FROM ieport WHERE guid=?1", &p);
}

static uint32_t pm_loc_type(const char *barcode)
{
    struct rsm_guid pm;
    if (ifix_pmedia(&fx, barcode, &pm) != 0)
        return 0;
    return (uint32_t)ifix_q(&fx, "SELECT loc_type FROM pmedia WHERE guid=?1", &pm);
}

static bool in_library(const char *barcode)
{
    struct rsm_guid pm;
    if (ifix_pmedia(&fx, barcode, &pm) != 0)
        return false;
    struct rsm_objinfo o = ifix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    return rsm_guid_eq(&o.u.pmedia.library, &fx.glib);
}

/* ---- inject ------------------------------------------------------------------------------ */

static void inject_start_stop_takes_cartridges_in(void)
{
    NTMS_GUID op;
    memset(&op, 0, sizeof op);
    CU_ASSERT_EQUAL_FATAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_START), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_INPROCESS);
    CU_ASSERT_EQUAL(port_position(1), NTMS_PORTPOSITION_EXTENDED);
    CU_ASSERT_NOT_EQUAL(ifix_operator_inject(&fx, "N00001L8", 0), 0);
    CU_ASSERT_NOT_EQUAL(ifix_operator_inject(&fx, "N00002L8", 0), 0);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_STOP), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(port_position(1), NTMS_PORTPOSITION_RETRACTED);
    /* Both went to storage slots, and the database knows them there. */
    struct vtl_elem_info info;
    CU_ASSERT_TRUE(ifix_elem(&fx, ifix_where(&fx, "N00001L8"), &info) &&
                   info.type == VTL_ELEM_STORAGE);
    CU_ASSERT_TRUE(ifix_elem(&fx, ifix_where(&fx, "N00002L8"), &info) &&
                   info.type == VTL_ELEM_STORAGE);
    CU_ASSERT_TRUE(in_library("N00001L8"));
    CU_ASSERT_EQUAL(pm_loc_type("N00002L8"), RSM_OT_STORAGESLOT);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
    CU_ASSERT_EQUAL(rsm_iec_open_requests(fx.e), 0);
}

static void inject_rejects_bad_arguments(void)
{
    NTMS_GUID op, bogus = {9, 9, 9, {9}};
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, NULL, NTMS_INJECT_START),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, NULL, &op, NTMS_INJECT_START), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, 4), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &bogus, &op, NTMS_INJECT_START), ERROR_INVALID_LIBRARY);
    /* STOP without a START, then with a foreign GUID. */
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &bogus, NTMS_INJECT_STOP),
                    ERROR_INVALID_OPERATION);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_START), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &bogus, NTMS_INJECT_STOP),
                    ERROR_INVALID_OPERATION);
    /* A START port cannot be retracted-and-reopened; a second START waits its turn. */
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_RETRACT),
                    ERROR_INVALID_OPERATION);
    NTMS_GUID op2;
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op2, NTMS_INJECT_START), ERROR_BUSY);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_STOP), ERROR_SUCCESS);
    /* The offline library has no port. */
    struct rsm_guid off = fx.e->offline_lib;
    NTMS_GUID offg;
    rsm_guid_to_api(&offg, &off);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &offg, &op, NTMS_INJECT_START), ERROR_LIBRARY_OFFLINE);
}

static void calls_need_control_and_an_enabled_library(void)
{
    NTMS_GUID op, m = {0};
    struct rsm_guid pm;
    CU_ASSERT_EQUAL_FATAL(ifix_pmedia(&fx, "A00000L8", &pm), 0);
    rsm_guid_to_api(&m, &pm);
    /* Someone who is not root and not the owner: USE only (everyone's default). */
    CU_ASSERT_EQUAL_FATAL(rsm_session_set_caller(fx.h, 4242, NULL, 0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_START), ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &m, &op, NTMS_EJECT_START), ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(AccessNtmsLibraryDoor(fx.h, &fx.lib, NTMS_INVENTORY_NONE), ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_INFO, NTMS_UIDEST_ADD, "x"),
                    ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(DeleteNtmsLibrary(fx.h, &fx.lib), ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(pm_loc_type("A00000L8"), RSM_OT_STORAGESLOT); /* nothing moved */
    CU_ASSERT_EQUAL(rsm_session_set_caller(fx.h, 0, NULL, 0), ERROR_SUCCESS);
    /* A disabled library does nothing. */
    CU_ASSERT_EQUAL(DisableNtmsObject(fx.h, NTMS_LIBRARY, &fx.lib), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_START),
                    ERROR_RESOURCE_DISABLED);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &m, &op, NTMS_EJECT_START), ERROR_RESOURCE_DISABLED);
    CU_ASSERT_EQUAL(AccessNtmsLibraryDoor(fx.h, &fx.lib, NTMS_INVENTORY_NONE),
                    ERROR_RESOURCE_DISABLED);
    CU_ASSERT_EQUAL(EnableNtmsObject(fx.h, NTMS_LIBRARY, &fx.lib), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(rsm_iec_open_requests(fx.e), 0);
}

static const char full_yaml[] = "personality: ibm-ts4300\n"
                                "slots: 2\n"
                                "mailslots: 2\n"
                                "drives: 1\n"
                                "cartridges:\n"
                                "  - {barcode: A00000L8, slot: 1}\n"
                                "  - {barcode: A00001L8, slot: 2}\n"
                                "clock: {mode: virtual}\n";

static void inject_into_full_library_fails_and_asks_operator(void)
{
    ifix_close(&fx);
    CU_ASSERT_EQUAL_FATAL(ifix_open(&fx, full_yaml), 0);
    NTMS_GUID op;
    CU_ASSERT_EQUAL_FATAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_START), ERROR_SUCCESS);
    uint16_t ie = ifix_operator_inject(&fx, "N00009L8", 0);
    CU_ASSERT_NOT_EQUAL(ie, 0);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_STOP), ERROR_LIBRARY_FULL);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_FAILED);
    CU_ASSERT_EQUAL(ifix_where(&fx, "N00009L8"), ie); /* left in the port */
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_MOVEMEDIA), 1);
    CU_ASSERT_EQUAL(rsm_iec_open_requests(fx.e), 0);
}

static void inject_port_closes_at_its_timeout(void)
{
    NTMS_GUID op;
    CU_ASSERT_EQUAL_FATAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_START), ERROR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(ifix_operator_inject(&fx, "N00003L8", 0), 0);
    ifix_advance_ms(&fx, 30000);
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_INPROCESS); /* 30 s of 60: still open */
    ifix_advance_ms(&fx, 31000);
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(pm_loc_type("N00003L8"), RSM_OT_STORAGESLOT);
    CU_ASSERT_EQUAL(port_position(2), NTMS_PORTPOSITION_RETRACTED);
}

static void inject_startmany_retract_reopens(void)
{
    NTMS_GUID op;
    CU_ASSERT_EQUAL_FATAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_STARTMANY),
                          ERROR_SUCCESS);
    CU_ASSERT_NOT_EQUAL(ifix_operator_inject(&fx, "N00004L8", 0), 0);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_RETRACT), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(pm_loc_type("N00004L8"), RSM_OT_STORAGESLOT);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_INPROCESS); /* reopened for more */
    CU_ASSERT_EQUAL(port_position(1), NTMS_PORTPOSITION_EXTENDED);
    CU_ASSERT_NOT_EQUAL(ifix_operator_inject(&fx, "N00005L8", 0), 0);
    CU_ASSERT_EQUAL(InjectNtmsMedia(fx.h, &fx.lib, &op, NTMS_INJECT_STOP), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(pm_loc_type("N00005L8"), RSM_OT_STORAGESLOT);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
}

/* ---- eject ------------------------------------------------------------------------------- */

static NTMS_GUID pm_api(const char *barcode)
{
    struct rsm_guid pm;
    NTMS_GUID g;
    memset(&pm, 0, sizeof pm);
    CU_ASSERT_EQUAL(ifix_pmedia(&fx, barcode, &pm), 0);
    rsm_guid_to_api(&g, &pm);
    return g;
}

static void eject_presents_then_offline_when_taken(void)
{
    struct rsm_guid pm;
    CU_ASSERT_EQUAL_FATAL(ifix_pmedia(&fx, "A00000L8", &pm), 0);
    CU_ASSERT_EQUAL_FATAL(ifix_to_free(&fx, &pm), 0); /* free media are kept offline */
    NTMS_GUID m = pm_api("A00000L8"), op;
    CU_ASSERT_EQUAL_FATAL(EjectNtmsMedia(fx.h, &m, &op, NTMS_EJECT_START), ERROR_SUCCESS);
    struct vtl_elem_info info;
    CU_ASSERT_TRUE(ifix_elem(&fx, ifix_where(&fx, "A00000L8"), &info) && info.type == VTL_ELEM_IE);
    CU_ASSERT_EQUAL(pm_loc_type("A00000L8"), RSM_OT_IEPORT);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_INPROCESS);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
    CU_ASSERT_TRUE(ifix_operator_remove(&fx, info.index + 1));
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_PASSED);
    struct rsm_objinfo o = ifix_get(&fx, &pm, RSM_OT_PHYSICAL_MEDIA);
    CU_ASSERT_TRUE(rsm_guid_eq(&o.u.pmedia.library, &fx.e->offline_lib));
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
}

static void eject_of_unrecognized_medium_deletes_it(void)
{
    NTMS_GUID m = pm_api("A00001L8"), op;
    CU_ASSERT_EQUAL_FATAL(EjectNtmsMedia(fx.h, &m, &op, NTMS_EJECT_START), ERROR_SUCCESS);
    struct vtl_elem_info info;
    CU_ASSERT_FATAL(ifix_elem(&fx, ifix_where(&fx, "A00001L8"), &info));
    CU_ASSERT_TRUE(ifix_operator_remove(&fx, info.index + 1));
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    struct rsm_guid pm;
    CU_ASSERT_NOT_EQUAL(ifix_pmedia(&fx, "A00001L8", &pm), 0); /* gone from the catalog */
}

static void eject_queue_batches_and_refuses_more_than_the_port(void)
{
    NTMS_GUID a = pm_api("A00002L8"), b = pm_api("A00003L8"), c = pm_api("A00004L8"), op;
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &a, NULL, NTMS_EJECT_QUEUE), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &b, NULL, NTMS_EJECT_QUEUE), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &c, NULL, NTMS_EJECT_QUEUE), ERROR_BUSY);
    /* Queued, not moved yet. */
    CU_ASSERT_EQUAL(pm_loc_type("A00002L8"), RSM_OT_STORAGESLOT);
    memset(&op, 0, sizeof op);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, NULL, &op, NTMS_EJECT_START), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(pm_loc_type("A00002L8"), RSM_OT_IEPORT);
    CU_ASSERT_EQUAL(pm_loc_type("A00003L8"), RSM_OT_IEPORT);
    /* STOP before the operator took them: back to their slots. */
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, NULL, &op, NTMS_EJECT_STOP), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(pm_loc_type("A00002L8"), RSM_OT_STORAGESLOT);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_STOPPED);
    struct vtl_elem_info info;
    CU_ASSERT_TRUE(ifix_elem(&fx, ifix_where(&fx, "A00003L8"), &info) &&
                   info.type == VTL_ELEM_STORAGE);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
    CU_ASSERT_EQUAL(rsm_iec_open_requests(fx.e), 0);
}

static void eject_waits_for_a_full_mail_slot(void)
{
    NTMS_GUID a = pm_api("A00002L8"), b = pm_api("A00003L8"), c = pm_api("A00004L8"), op, op2;
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &a, NULL, NTMS_EJECT_QUEUE), ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(EjectNtmsMedia(fx.h, &b, &op, NTMS_EJECT_START), ERROR_SUCCESS);
    /* Both mail slots are full; the operator took only one cartridge so far. */
    struct vtl_elem_info info;
    CU_ASSERT_FATAL(ifix_elem(&fx, ifix_where(&fx, "A00002L8"), &info));
    CU_ASSERT_TRUE(ifix_operator_remove(&fx, info.index + 1));
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    /* A partial batch: one settled, one still in the port, the request still open. */
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_INPROCESS);
    /* The next eject joins the batch; with a free slot again it is presented. */
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &c, &op2, NTMS_EJECT_START), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(pm_loc_type("A00004L8"), RSM_OT_IEPORT);
    /* Now both slots full again and a fourth medium must wait. */
    NTMS_GUID d = pm_api("A00005L8");
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &d, &op2, NTMS_EJECT_START), ERROR_BUSY);
    CU_ASSERT_TRUE(ifix_operator_remove(&fx, 1));
    CU_ASSERT_TRUE(ifix_operator_remove(&fx, 2));
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_PASSED);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
    CU_ASSERT_EQUAL(rsm_iec_open_requests(fx.e), 0);
}

static void eject_full_mail_slot_queues_until_emptied(void)
{
    /* An operator cartridge the library has no room for occupies a mail slot. */
    ifix_close(&fx);
    CU_ASSERT_EQUAL_FATAL(ifix_open(&fx, full_yaml), 0);
    CU_ASSERT_NOT_EQUAL(ifix_operator_inject(&fx, "X00001L8", 0), 0);
    CU_ASSERT_NOT_EQUAL(ifix_operator_inject(&fx, "X00002L8", 0), 0);
    NTMS_GUID m = pm_api("A00000L8"), op;
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &m, &op, NTMS_EJECT_START), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_WAITING);
    CU_ASSERT_EQUAL(pm_loc_type("A00000L8"), RSM_OT_STORAGESLOT);
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_MOVEMEDIA), 1);
    CU_ASSERT_TRUE(ifix_operator_remove(&fx, 1));
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK); /* the queued eject goes out now */
    CU_ASSERT_EQUAL(pm_loc_type("A00000L8"), RSM_OT_IEPORT);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_INPROCESS);
}

static void eject_door_opened_mid_eject(void)
{
    NTMS_GUID a = pm_api("A00002L8"), b = pm_api("A00003L8"), op, op2;
    CU_ASSERT_EQUAL_FATAL(EjectNtmsMedia(fx.h, &a, &op, NTMS_EJECT_START), ERROR_SUCCESS);
    /* Someone forces the door while the first cartridge waits in the port. */
    vtl_fault_door_left_open(fx.vl);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &b, &op2, NTMS_EJECT_START), ERROR_LIBRARY_OFFLINE);
    CU_ASSERT_EQUAL(pm_loc_type("A00003L8"), RSM_OT_STORAGESLOT); /* nothing half done */
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_E_LIBRARY_OFFLINE);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT state FROM iedoor WHERE library=?1", &fx.glib),
                    NTMS_DOORSTATE_OPEN);
    CU_ASSERT_EQUAL(req_state(&op), NTMS_LM_INPROCESS); /* not lost */
    CU_ASSERT_EQUAL(vtl_library_set_door(fx.vl, false), VTL_OK);
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT state FROM iedoor WHERE library=?1", &fx.glib),
                    NTMS_DOORSTATE_CLOSED);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &b, &op2, NTMS_EJECT_START), ERROR_SUCCESS);
    CU_ASSERT_TRUE(rsm_guid_eq((struct rsm_guid *)&op, (struct rsm_guid *)&op2)); /* one batch */
    CU_ASSERT_EQUAL(pm_loc_type("A00003L8"), RSM_OT_IEPORT);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
}

static void robot_jam_is_not_an_open_door(void)
{
    NTMS_GUID a = pm_api("A00002L8"), op;
    vtl_fault_robot_jam(fx.vl, 0);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &a, &op, NTMS_EJECT_START), ERROR_LIBRARY_OFFLINE);
    CU_ASSERT_EQUAL(pm_loc_type("A00002L8"), RSM_OT_STORAGESLOT);
    (void)ifix_tick(&fx);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT state FROM iedoor WHERE library=?1", &fx.glib),
                    NTMS_DOORSTATE_CLOSED);
    /* The eject stays queued and goes out once the robot works again. */
    CU_ASSERT_EQUAL(rsm_iec_open_requests(fx.e), 1);
    vtl_fault_clear_jam(fx.vl);
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(pm_loc_type("A00002L8"), RSM_OT_IEPORT);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
}

static void eject_refuses_bad_requests(void)
{
    NTMS_GUID m = pm_api("A00000L8"), op, bogus = {7, 7, 7, {7}};
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &m, &op, 4 /* IMMEDIATE */), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &m, NULL, NTMS_EJECT_START), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &bogus, &op, NTMS_EJECT_START), ERROR_INVALID_MEDIA);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, NULL, &bogus, NTMS_EJECT_STOP), ERROR_INVALID_OPERATION);
    CU_ASSERT_EQUAL(DisableNtmsObject(fx.h, NTMS_PHYSICAL_MEDIA, &m), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &m, &op, NTMS_EJECT_START), ERROR_MEDIA_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(EnableNtmsObject(fx.h, NTMS_PHYSICAL_MEDIA, &m), ERROR_SUCCESS);
    /* Mounted: BUSY; FORCE dismounts it first. */
    NTMS_GUID lmid, drive;
    CU_ASSERT_EQUAL_FATAL(ifix_allocate(&fx, "A00000L8", &lmid), 0);
    CU_ASSERT_EQUAL_FATAL(MountNtmsMedia(fx.h, &lmid, &drive, 1, NTMS_MOUNT_READ, 0, 0, NULL),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &m, &op, NTMS_EJECT_START), ERROR_BUSY);
    CU_ASSERT_EQUAL(EjectNtmsMedia(fx.h, &m, &op, NTMS_EJECT_FORCE), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(pm_loc_type("A00000L8"), RSM_OT_IEPORT);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
}

/* ---- door, identify ---------------------------------------------------------------------- */

static void door_access_follows_the_door_and_inventories(void)
{
    CU_ASSERT_EQUAL(AccessNtmsLibraryDoor(fx.h, &fx.lib, NTMS_INVENTORY_MAX),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(AccessNtmsLibraryDoor(fx.h, NULL, NTMS_INVENTORY_FAST),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(AccessNtmsLibraryDoor(fx.h, &fx.lib, NTMS_INVENTORY_FAST), ERROR_SUCCESS);
    /* The door may open now (PREVENT released) and the operator swaps two cartridges. */
    CU_ASSERT_EQUAL_FATAL(vtl_library_set_door(fx.vl, true), VTL_OK);
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_E_LIBRARY_OFFLINE);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT state FROM iedoor WHERE library=?1", &fx.glib),
                    NTMS_DOORSTATE_OPEN);
    /* max_open_secs is 0: the operator is asked at once to close it. */
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_DEVICESERVICE), 1);
    CU_ASSERT_EQUAL(vtl_library_move_by_hand(fx.vl, ifix_addr(&fx, VTL_ELEM_STORAGE, 1),
                                             ifix_addr(&fx, VTL_ELEM_STORAGE, 10)),
                    VTL_OK);
    CU_ASSERT_EQUAL(vtl_library_set_door(fx.vl, false), VTL_OK);
    CU_ASSERT_EQUAL(ifix_tick(&fx), RSM_OK);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT state FROM iedoor WHERE library=?1", &fx.glib),
                    NTMS_DOORSTATE_CLOSED);
    CU_ASSERT_EQUAL(ifix_opreqs(&fx, NTMS_OPREQ_DEVICESERVICE), 0);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0); /* the inventory followed the hand move */
}

static void identify_slot_mounts_and_returns(void)
{
    struct rsm_guid slot, empty;
    CU_ASSERT_EQUAL_FATAL(ifix_element(&fx, RSM_OT_STORAGESLOT, 1, &slot), 0);
    CU_ASSERT_EQUAL_FATAL(ifix_element(&fx, RSM_OT_STORAGESLOT, 11, &empty), 0);
    NTMS_GUID s, e;
    rsm_guid_to_api(&s, &slot);
    rsm_guid_to_api(&e, &empty);
    uint64_t moves = vtl_library_move_count(fx.vl);
    CU_ASSERT_EQUAL(IdentifyNtmsSlot(fx.h, &s, NTMS_DISMOUNT_IMMEDIATE), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(vtl_library_move_count(fx.vl), moves + 2); /* to a drive and back */
    CU_ASSERT_EQUAL(ifix_where(&fx, "A00000L8"), ifix_addr(&fx, VTL_ELEM_STORAGE, 1));
    CU_ASSERT_EQUAL(IdentifyNtmsSlot(fx.h, &e, 0), ERROR_SUCCESS); /* empty: nothing */
    CU_ASSERT_EQUAL(vtl_library_move_count(fx.vl), moves + 2);
    CU_ASSERT_EQUAL(IdentifyNtmsSlot(fx.h, &s, 3), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(IdentifyNtmsSlot(fx.h, &fx.lib, 0), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(ifix_diff(&fx), 0);
}

/* ---- delete ------------------------------------------------------------------------------ */

static const char one_drive_yaml[] = "personality: ibm-ts4300\n"
                                     "slots: 12\n"
                                     "mailslots: 2\n"
                                     "drives: 1\n"
                                     "cartridges:\n"
                                     "  - {barcode: A00000L8, slot: 1}\n"
                                     "clock: {mode: virtual}\n";

static void delete_drive_only_when_not_present(void)
{
    struct rsm_guid d2;
    CU_ASSERT_EQUAL_FATAL(ifix_element(&fx, RSM_OT_DRIVE, 2, &d2), 0);
    NTMS_GUID g;
    rsm_guid_to_api(&g, &d2);
    CU_ASSERT_EQUAL(DeleteNtmsDrive(fx.h, &g), ERROR_INVALID_STATE);
    CU_ASSERT_EQUAL(DeleteNtmsDrive(fx.h, &fx.lib), ERROR_INVALID_DRIVE);
    /* The drive is taken out of the library (a config with one drive, same name). */
    ifix_close_session(&fx);
    CU_ASSERT_EQUAL_FATAL(ifix_replace_library(&fx, one_drive_yaml), 0);
    CU_ASSERT_EQUAL_FATAL(ifix_reopen_session(&fx), 0);
    CU_ASSERT_EQUAL(DeleteNtmsDrive(fx.h, &g), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT count(*) FROM drive WHERE library=?1", &fx.glib), 1);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT count(*) FROM obj WHERE guid=?1", &d2), 0);
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, NULL, 0), RSM_OK);
}

static void delete_library_only_when_disconnected(void)
{
    CU_ASSERT_EQUAL(DeleteNtmsLibrary(fx.h, &fx.lib), ERROR_INVALID_STATE);
    NTMS_GUID off;
    rsm_guid_to_api(&off, &fx.e->offline_lib);
    CU_ASSERT_EQUAL(DeleteNtmsLibrary(fx.h, &off), ERROR_INVALID_LIBRARY);
    ifix_close_session(&fx);
    CU_ASSERT_EQUAL_FATAL(ifix_replace_library(&fx, NULL), 0); /* unplugged */
    CU_ASSERT_EQUAL_FATAL(ifix_reopen_session(&fx), 0);
    CU_ASSERT_EQUAL(DeleteNtmsLibrary(fx.h, &fx.lib), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT count(*) FROM obj WHERE guid=?1", &fx.glib), 0);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT count(*) FROM slot", NULL), 0);
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT count(*) FROM drive", NULL), 0);
    /* Its six cartridges are kept, offline. */
    CU_ASSERT_EQUAL(ifix_q(&fx, "SELECT count(*) FROM pmedia WHERE library=?1", &fx.e->offline_lib),
                    6);
    CU_ASSERT_EQUAL(rsm_engine_check(fx.e, NULL, 0), RSM_OK);
}

/* ---- UI options -------------------------------------------------------------------------- */

static void ui_options_add_list_delete(void)
{
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_REQ, NTMS_UIDEST_ADD, "ops1"),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsW(fx.h, &fx.lib, NTMS_UITYPE_REQ, NTMS_UIDEST_ADD, L"ops2"),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_REQ, NTMS_UIDEST_ADD, "ops1"),
                    ERROR_ALREADY_EXISTS);
    char buf[64];
    DWORD size = 3;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_REQ, buf, &size),
                    ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(size, 11); /* "ops1\0ops2\0\0" */
    size = sizeof buf;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_REQ, buf, &size), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(memcmp(buf, "ops1\0ops2\0\0", 11), 0);
    wchar_t wbuf[32];
    size = 32;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsW(fx.h, &fx.lib, NTMS_UITYPE_REQ, wbuf, &size), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(size, 11);
    CU_ASSERT_TRUE(wcscmp(wbuf + 5, L"ops2") == 0);
    /* Other types are separate; INFO has nothing. */
    size = sizeof buf;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_INFO, buf, &size), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(size, 0);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_REQ, NTMS_UIDEST_DELETE, "ops1"),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_REQ, NTMS_UIDEST_DELETE, "ops1"),
                    ERROR_OBJECT_NOT_FOUND);
    size = sizeof buf;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_REQ, buf, &size), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(size, 6);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_REQ, NTMS_UIDEST_DELETEALL, NULL),
                    ERROR_SUCCESS);
    size = sizeof buf;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_REQ, buf, &size), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(size, 0);
    /* The application's own list (NULL object) lives with the session. */
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, NULL, NTMS_UITYPE_ERR, NTMS_UIDEST_ADD, ""),
                    ERROR_SUCCESS);
    size = sizeof buf;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsA(fx.h, NULL, NTMS_UITYPE_ERR, buf, &size), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(size, 2);
    /* Bad input. */
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_MAX, NTMS_UIDEST_ADD, "x"),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_INFO, 4, "x"),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_INFO, NTMS_UIDEST_ADD, NULL),
                    ERROR_INVALID_PARAMETER);
    struct rsm_guid slot;
    CU_ASSERT_EQUAL_FATAL(ifix_element(&fx, RSM_OT_STORAGESLOT, 1, &slot), 0);
    NTMS_GUID sg, unknown = {5, 5, 5, {5}};
    rsm_guid_to_api(&sg, &slot);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &sg, NTMS_UITYPE_INFO, NTMS_UIDEST_ADD, "x"),
                    ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(SetNtmsUIOptionsA(fx.h, &unknown, NTMS_UITYPE_INFO, NTMS_UIDEST_ADD, "x"),
                    ERROR_OBJECT_NOT_FOUND);
    size = 1;
    CU_ASSERT_EQUAL(GetNtmsUIOptionsA(fx.h, &fx.lib, NTMS_UITYPE_INFO, NULL, &size),
                    ERROR_INVALID_PARAMETER);
}

static CU_TestInfo ie_tests[] = {
    {"inject_start_stop_takes_cartridges_in", inject_start_stop_takes_cartridges_in},
    {"inject_rejects_bad_arguments", inject_rejects_bad_arguments},
    {"calls_need_control_and_an_enabled_library", calls_need_control_and_an_enabled_library},
    {"inject_into_full_library_fails_and_asks_operator",
     inject_into_full_library_fails_and_asks_operator},
    {"inject_port_closes_at_its_timeout", inject_port_closes_at_its_timeout},
    {"inject_startmany_retract_reopens", inject_startmany_retract_reopens},
    {"eject_presents_then_offline_when_taken", eject_presents_then_offline_when_taken},
    {"eject_of_unrecognized_medium_deletes_it", eject_of_unrecognized_medium_deletes_it},
    {"eject_queue_batches_and_refuses_more_than_the_port",
     eject_queue_batches_and_refuses_more_than_the_port},
    {"eject_waits_for_a_full_mail_slot", eject_waits_for_a_full_mail_slot},
    {"eject_full_mail_slot_queues_until_emptied", eject_full_mail_slot_queues_until_emptied},
    {"eject_door_opened_mid_eject", eject_door_opened_mid_eject},
    {"robot_jam_is_not_an_open_door", robot_jam_is_not_an_open_door},
    {"eject_refuses_bad_requests", eject_refuses_bad_requests},
    {"door_access_follows_the_door_and_inventories", door_access_follows_the_door_and_inventories},
    {"identify_slot_mounts_and_returns", identify_slot_mounts_and_returns},
    {"delete_drive_only_when_not_present", delete_drive_only_when_not_present},
    {"delete_library_only_when_disconnected", delete_library_only_when_disconnected},
    {"ui_options_add_list_delete", ui_options_add_list_delete},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo ieclean_ie_suites[] = {
    {"ieclean_ie", NULL, NULL, setup, teardown, ie_tests},
    CU_SUITE_INFO_NULL,
};
