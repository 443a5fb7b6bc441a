/* SPDX-License-Identifier: MIT
 * What rsm/api/ie.c, clean.c and detect.c share: the session epilogue. Not an interface.
 */
#ifndef RSM_API_IECLEAN_API_H
#define RSM_API_IECLEAN_API_H

#include "rsm/api/session.h"
#include "rsm/engine/ieclean.h"

/* Releases @s and returns (and stores as last error) the Win32 code of @rc (errmap.c). */
DWORD rsm_iec_done(struct rsm_session *s, rsm_rc rc);

#endif
