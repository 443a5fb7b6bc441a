/* SPDX-License-Identifier: MIT
 * sim/tcmu/uio.c - the LUN of a TCMU UIO device from its name (contract in uio.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/tcmu/uio.h"

int vtl_tcmu_uio_lun(const char *name, const char *match, int max_lun)
{
    static const char pfx[] = "tcm-user/";
    if (strncmp(name, pfx, sizeof pfx - 1) != 0)
        return -1;
    const char *p = name + sizeof pfx - 1;
    for (int i = 0; i < 2; i++) {   /* HBA and DEV: any text without '/' */
        p = strchr(p, '/');
        if (!p)
            return -1;
        p++;
    }
    size_t mlen = strlen(match);
    if (strncmp(p, match, mlen) != 0 || strncmp(p + mlen, "/lun", 4) != 0)
        return -1;
    const char *digits = p + mlen + 4;
    if (*digits < '0' || *digits > '9')
        return -1;   /* strtol would take a sign or blanks */
    char *end;
    errno = 0;
    long lun = strtol(digits, &end, 10);
    if (errno || *end || lun > max_lun)
        return -1;
    return (int)lun;
}
