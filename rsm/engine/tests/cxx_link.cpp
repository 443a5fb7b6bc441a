// SPDX-License-Identifier: MIT
// librsm from C++: ntmsapi.h compiles as C++ and the shared library links and runs
// (built and run by rsm/module.mk as part of `make`; exits non-zero on failure).
#include <ntmsapi.h>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    std::string server = std::string("embedded:") + argv[1];
    HANDLE h = OpenNtmsSessionA(server.c_str(), "c++", 0);
    if (h == INVALID_HANDLE_VALUE) {
        std::fprintf(stderr, "cxx_link: OpenNtmsSession: %u\n", GetLastError());
        return 1;
    }
    DWORD n = 0;
    DWORD err = EnumerateNtmsObject(h, nullptr, nullptr, &n, NTMS_LIBRARY, 0);
    NTMS_GUID pool;
    DWORD err2 = CreateNtmsMediaPoolW(h, L"Cxx", nullptr, NTMS_OPEN_ALWAYS, nullptr, &pool);
    CloseNtmsSession(h);
    if (err != ERROR_INSUFFICIENT_BUFFER || n != 1 || err2 != ERROR_SUCCESS) {
        std::fprintf(stderr, "cxx_link: enumerate %u (%u libraries), create pool %u\n", err, n,
                     err2);
        return 1;
    }
    return 0;
}
