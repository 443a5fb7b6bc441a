/* SPDX-License-Identifier: MIT
 * Device registration: how the device layer (rsm/dev, a later issue) tells the engine what
 * it found. Drivers never call the engine (DESIGN.md); the code that runs them does, with
 * the results, through these functions. Tests build libraries the same way.
 *
 * Each call is one transaction and returns the object's GUID. Registration is idempotent
 * by identity: a library by name, a changer/drive/slot/port/door by (library, number), a
 * changer or drive type by (vendor, product), a media type by its STORAGE_MEDIA_TYPE
 * code; registering again updates the stored details and returns the same GUID.
 * New libraries get the computer's access list (owner and rights of the database).
 * Errors: INVALID_PARAMETER (NULL/empty identity), INVALID_LIBRARY (unknown library),
 * NOT_FOUND (unknown slot), INVALID_MEDIA (unknown media type), DB_FAILURE/DB_FULL.
 */
#ifndef RSM_ENGINE_DEVREG_H
#define RSM_ENGINE_DEVREG_H

#include <stddef.h>
#include <stdint.h>

#include "rsm/engine/engine.h"

struct rsm_dev_library {
    const char *name;      /* unique; required */
    uint32_t library_type; /* RSM_LIB_ONLINE or RSM_LIB_STANDALONE */
    int barcode_reader;
};

struct rsm_dev_unit { /* a changer or a drive */
    uint32_t number;
    const char *vendor, *product; /* INQUIRY identity: selects/creates the type object */
    const char *serial, *revision, *devname;
    struct rsm_scsi_addr scsi;
};

rsm_rc rsm_engine_register_library(struct rsm_engine *e, const struct rsm_dev_library *lib,
                                   struct rsm_guid *out);
rsm_rc rsm_engine_register_changer(struct rsm_engine *e, const struct rsm_guid *library,
                                   const struct rsm_dev_unit *u, struct rsm_guid *out);
rsm_rc rsm_engine_register_drive(struct rsm_engine *e, const struct rsm_guid *library,
                                 const struct rsm_dev_unit *u, struct rsm_guid *out);
rsm_rc rsm_engine_register_slot(struct rsm_engine *e, const struct rsm_guid *library,
                                uint32_t number, struct rsm_guid *out);
rsm_rc rsm_engine_register_ieport(struct rsm_engine *e, const struct rsm_guid *library,
                                  uint32_t number, struct rsm_guid *out);
rsm_rc rsm_engine_register_iedoor(struct rsm_engine *e, const struct rsm_guid *library,
                                  uint32_t number, struct rsm_guid *out);
/* A media type by STORAGE_MEDIA_TYPE @code; @name/@sides/@rw/@devtype used when new. */
rsm_rc rsm_engine_register_media_type(struct rsm_engine *e, uint32_t code, const char *name,
                                      uint32_t sides, uint32_t rw, uint32_t devtype,
                                      struct rsm_guid *out);

/* What the device layer read from a cartridge's label (NULL: blank or unreadable). */
struct rsm_dev_label {
    const char *type; /* label type an MLL recognised ("MTF", a file system...) */
    const char *info; /* label description */
    const uint8_t *id;
    uint32_t id_len;
    bool free_label; /* RSM's own free-media label (rsm/mli): a new medium goes to Free */
};

/* A cartridge seen in storage slot @slot with @barcode ("" if none) of media type @mtype.
 * A known barcode (or known label id) moves the existing medium there, back from the
 * offline library if need be. A new cartridge becomes a physical medium with its sides:
 * with RSM's free label to the Free pool (sides AVAILABLE), with a recognised label type
 * but unknown id to the Import pool (sides IMPORT), otherwise to the Unrecognized pool
 * (sides FOREIGN). The media type gets related to the
 * library and its system pools are created. The slot becomes FULL. */
rsm_rc rsm_dev_media_seen(struct rsm_engine *e, const struct rsm_guid *slot, const char *barcode,
                          const struct rsm_guid *mtype, const struct rsm_dev_label *label,
                          struct rsm_guid *pmedia_out);
/* The medium left its library (ejected, magazine removed): it moves to the offline
 * library, keeps its pool, and its slot becomes EMPTY. */
rsm_rc rsm_dev_media_gone(struct rsm_engine *e, const struct rsm_guid *pmedia);
/* Bulk catalog load: @n cartridges of media type @mtype into @pool (a leaf pool of that
 * type) in @library (NULL: the offline library), all sides in @side_state, in ONE
 * transaction (all or nothing). @barcode(i, buf, cap, arg) names cartridge i ("" for none);
 * barcodes are not checked against existing ones, so this is for loading catalogs built
 * elsewhere (a vault list, a migration) into a database, not for inventory. @first_out,
 * when not NULL, gets the first cartridge's GUID (the others follow in GUID order).
 * Errors: INVALID_PARAMETER, INVALID_MEDIA_POOL (pool kind/type), INVALID_STATE (an
 * allocated state: bulk media carry no LMIDs). */
typedef void rsm_dev_barcode_fn(size_t i, char *buf, size_t cap, void *arg);
rsm_rc rsm_dev_media_bulk(struct rsm_engine *e, const struct rsm_guid *library,
                          const struct rsm_guid *pool, const struct rsm_guid *mtype,
                          uint32_t side_state, size_t n, rsm_dev_barcode_fn *barcode, void *arg,
                          struct rsm_guid *first_out);
/* Sets a medium's NtmsMediaState (INUSE/MOUNTED/LOADED... as the device layer moves it). */
rsm_rc rsm_dev_media_state(struct rsm_engine *e, const struct rsm_guid *pmedia, uint32_t state);

#endif
