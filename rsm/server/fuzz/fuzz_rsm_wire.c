/* SPDX-License-Identifier: MIT
 * rsm/server/fuzz/fuzz_rsm_wire.c - libFuzzer target for the direct readers of the hot
 * rsmd messages (rsm/client/wire.h): rsm_wire_read_objinfo_reply() and
 * rsm_wire_read_get_request(). Any input is one line as it might arrive on the socket.
 * Property: whatever a direct reader accepts, jansson reads the same way (the same id,
 * GUID, type, and the same object record byte for byte); the readers may decline
 * anything, never disagree.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "rsm/client/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reply(const char *line, size_t size)
{
    static struct rsm_objinfo direct, ref;
    uint64_t id;
    if (!rsm_wire_read_objinfo_reply(line, size, &id, &direct))
        return;
    json_error_t je;
    json_t *j = json_loadb(line, size, 0, &je);
    json_t *jid = json_object_get(j, "id");
    if (!j || !json_is_integer(jid) || (uint64_t)json_integer_value(jid) != id ||
        rsm_wire_get_rc(json_object_get(j, "rc")) != RSM_OK ||
        rsm_wire_get_objinfo(json_object_get(json_object_get(j, "result"), "object"), &ref) ||
        memcmp(&direct, &ref, sizeof ref))
        abort();
    json_decref(j);
}

static void check_request(const char *line, size_t size)
{
    int64_t id;
    struct rsm_guid g, rg;
    uint32_t type;
    if (!rsm_wire_read_get_request(line, size, &id, &g, &type))
        return;
    json_error_t je;
    json_t *j = json_loadb(line, size, 0, &je);
    json_t *args = json_object_get(j, "args"), *t = json_object_get(args, "type");
    const char *op = json_string_value(json_object_get(j, "op"));
    int present = 0;
    if (!j || !json_is_integer(json_object_get(j, "id")) ||
        json_integer_value(json_object_get(j, "id")) != id || !op || strcmp(op, "object_get") ||
        rsm_wire_get_guid(json_object_get(args, "id"), &rg, &present) || !present ||
        memcmp(&g, &rg, sizeof g) || !json_is_integer(t) || json_integer_value(t) != type)
        abort();
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_reply((const char *)data, size);
    check_request((const char *)data, size);
    return 0;
}
