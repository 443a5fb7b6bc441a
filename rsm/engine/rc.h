/* SPDX-License-Identifier: MIT
 * rsm_rc: the one result type of the RSM engine. Zero is success; every other value is
 * one failure kind of the NTMS API. The API layer turns it into a Win32/NTMS error code in
 * a single table (rsm/api/errmap.c); nothing below the API knows those numbers.
 */
#ifndef RSM_ENGINE_RC_H
#define RSM_ENGINE_RC_H

typedef enum rsm_rc {
    RSM_OK = 0,
    RSM_E_INVALID_PARAMETER,   /* NULL or malformed argument, bad dwSize/dwType */
    RSM_E_INVALID_HANDLE,      /* unknown or closed session */
    RSM_E_NOMEM,               /* allocation failure */
    RSM_E_NOT_FOUND,           /* unknown GUID, attribute or pool name */
    RSM_E_ACCESS_DENIED,       /* caller lacks USE/MODIFY/CONTROL (or READ_CONTROL/WRITE_DAC) */
    RSM_E_INSUFFICIENT_BUFFER, /* caller's buffer too small; needed size reported */
    RSM_E_INVALID_NAME,        /* bad pool path, attribute name too long */
    RSM_E_ALREADY_EXISTS,      /* pool exists (NTMS_CREATE_NEW) */
    RSM_E_NOT_EMPTY,           /* pool has media or children; library holds media of a type */
    RSM_E_INVALID_MEDIA,       /* bad medium, side, LMID or media type; duplicate barcode/OMID */
    RSM_E_INVALID_LIBRARY,     /* bad library */
    RSM_E_INVALID_MEDIA_POOL,  /* bad pool, wrong pool kind, forbidden move */
    RSM_E_MEDIA_INCOMPATIBLE,  /* media type or side count mismatch */
    RSM_E_MEDIA_UNAVAILABLE,   /* nothing to allocate */
    RSM_E_MEDIA_OFFLINE,       /* medium is in the offline library */
    RSM_E_LIBRARY_OFFLINE,     /* operation on the offline library */
    RSM_E_INVALID_STATE,       /* object in the wrong state for the operation */
    RSM_E_BUSY,                /* medium in use */
    RSM_E_TIMEOUT,             /* wait expired */
    RSM_E_CANCELLED,           /* operator refused, session closed */
    RSM_E_RESOURCE_DISABLED,   /* disabled medium, drive or library */
    RSM_E_DB_FAILURE,          /* SQLite error, corrupt or unreadable database */
    RSM_E_DB_FULL,             /* SQLITE_FULL */
    RSM_E_NO_DATA,             /* attribute data too large */
    RSM_E_NOT_CONNECTED,       /* rsmd unreachable */
    RSM_E_SHARING_VIOLATION,   /* export target in use */
    RSM_E_NO_SECURITY,         /* object type carries no security descriptor */
    RSM_E_BAD_FORMAT,          /* label not recognised */
    RSM_E_NOT_SUPPORTED,       /* not available in this build or mode */
    /* Library control (libctl.c, mount.c): what devices answer. */
    RSM_E_WRITE_PROTECT,          /* write mount of a Complete side */
    RSM_E_DRIVE_MEDIA_MISMATCH,   /* drive of another library, incompatible medium */
    RSM_E_INVALID_DRIVE,          /* not a drive */
    RSM_E_DEVICE_NOT_AVAILABLE,   /* library or drive not connected / not answering */
    RSM_E_MEDIA_NOT_AVAILABLE,    /* cartridge not where the database said (re-inventoried) */
    RSM_E_UNABLE_TO_LOAD_MEDIUM,  /* the drive failed to load it; it was put back */
    /* Import/export and cleaning (ie.c, clean.c; rsm/engine/ieclean.h). */
    RSM_E_LIBRARY_FULL,           /* inject: nothing that came in found a free slot */
    RSM_E_CLEANER_SLOT_SET,       /* a cleaner slot is already reserved */
    RSM_E_CLEANER_SLOT_NOT_SET,   /* no cleaner slot reserved */
    RSM_E_RESOURCE_NOT_AVAILABLE, /* reserved slot full (or empty), cleaner present */
    RSM_E_RESOURCE_NOT_PRESENT,   /* library without mail slots or door */
    RSM_E_INVALID_OPERATION,      /* STOP/RETRACT of another operation */
    RSM_E_CLEANER_SPENT,          /* no usable cleaning cartridge */
    RSM_E_COUNT                /* sentinel */
} rsm_rc;

/* Short constant name of @rc ("RSM_E_BUSY"), for logs and test messages; never NULL. */
const char *rsm_rc_name(rsm_rc rc);

#endif
