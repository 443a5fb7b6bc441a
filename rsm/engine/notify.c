/* SPDX-License-Identifier: MIT
 * Change notifications (contract in events.h).
 */
#include "rsm/engine/events.h"

void rsm_notify(struct rsm_engine *e, uint32_t type, uint32_t op, const struct rsm_guid *id)
{
    (void)e;
    (void)type;
    (void)op;
    (void)id;
}
