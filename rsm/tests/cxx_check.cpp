// SPDX-License-Identifier: MIT
// The public headers must compile as C++ (librsm is usable from C++ applications):
// built with and without UNICODE by rsm/tests/module.mk on every `make`.
#include <ntmsapi.h>
#include <ntmsmli.h>

static DWORD probe(HANDLE session)
{
    NTMS_OBJECTINFORMATION info = {};
    info.dwSize = sizeof info;
    info.dwType = NTMS_MEDIA_POOL;
    NTMS_GUID pool = NTMS_NULLGUID;
    DWORD rc = GetNtmsObjectInformation(session, &pool, &info);
    return rc ? rc : info.Info.MediaPool.dwNumberOfPhysicalMedia;
}

int main()
{
    HANDLE s = OpenNtmsSession(NULL, NULL, 0);
    if (s == INVALID_HANDLE_VALUE)
        return (int)GetLastError();
    DWORD rc = probe(s);
    CloseNtmsSession(s);
    return (int)rc;
}
