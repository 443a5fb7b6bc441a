/* SPDX-License-Identifier: MIT
 * ExportNtmsDatabase / ImportNtmsDatabase (ntms-api.md §2.3): the snapshot goes to
 * DIR/Export/rsm.db of the session's database directory; an import stages that file and
 * is installed at the next start of the engine (rsm/engine/backup.c).
 */
#include "rsm/api/session.h"
#include "rsm/client/client.h"

static DWORD run(HANDLE h, rsm_rc (*fn)(struct rsm_session *))
{
    struct rsm_session *s = rsm_session_acquire(h);
    if (!s)
        return rsm_api_ret(ERROR_INVALID_HANDLE);
    rsm_rc rc = fn(s);
    rsm_session_release(s);
    return rsm_api_ret(rsm_rc_to_win32(rc));
}

DWORD WINAPI ExportNtmsDatabase(HANDLE hSession)
{
    return run(hSession, rsm_be_db_export);
}

DWORD WINAPI ImportNtmsDatabase(HANDLE hSession)
{
    return run(hSession, rsm_be_db_import);
}
