/* SPDX-License-Identifier: MIT
 * librsm's back end: every engine call the API layer makes goes through one rsm_be_*
 * function with the engine's own signature, except that it takes the session. A session
 * opened on "embedded:DIR" calls the engine in this process; one opened on rsmd
 * ("unix:/path", or NULL/"" without $RSM_EMBEDDED) sends the call over the socket
 * (rsm/server/PROTOCOL.md) and returns the daemon's rsm_rc, so both modes give the same
 * results and the same NTMS errors.
 *
 * A remote connection carries one call at a time (a mutex serialises the threads sharing
 * a session); a lost connection gives RSM_E_NOT_CONNECTED. No user callback is ever
 * called, so no lock is held across one.
 */
#ifndef RSM_CLIENT_CLIENT_H
#define RSM_CLIENT_CLIENT_H

#include "rsm/api/session.h"
#include "rsm/engine/events.h"
#include "rsm/engine/libctl.h"

struct rsm_remote;

/* Socket path of the local rsmd: $RSM_SOCKET when set and non-empty, else
 * RSM_DEFAULT_SOCKET. */
#define RSM_DEFAULT_SOCKET "/run/rsm/rsmd.sock"
const char *rsm_client_default_socket(void);

/* Connects to @path and says hello with @app. RSM_E_NOT_CONNECTED when nothing listens
 * (or the daemon speaks another protocol version), otherwise the daemon's answer
 * (ACCESS_DENIED without USE on the computer). */
rsm_rc rsm_remote_open(const char *path, const char *app, struct rsm_remote **out);
/* Makes a call in progress on another thread return RSM_E_CANCELLED (CloseNtmsSession). */
void rsm_remote_cancel(struct rsm_remote *r);
void rsm_remote_close(struct rsm_remote *r);
/* Test hook behind rsm_session_set_caller(): rsmd lets only root peers act for another
 * identity. */
rsm_rc rsm_remote_set_caller(struct rsm_remote *r, uint32_t uid, const uint32_t *gids,
                             uint32_t n_gids);

rsm_rc rsm_be_enumerate(struct rsm_session *s, const struct rsm_guid *container, uint32_t type,
                        uint32_t options, struct rsm_guid *list, uint32_t cap, uint32_t *n);
rsm_rc rsm_be_object_get(struct rsm_session *s, const struct rsm_guid *id, uint32_t type,
                         struct rsm_objinfo *out);
/* The object exists with this type (rights not checked: the security calls check them). */
rsm_rc rsm_be_object_type(struct rsm_session *s, const struct rsm_guid *id, uint32_t type);
rsm_rc rsm_be_object_set(struct rsm_session *s, const struct rsm_guid *id,
                         const struct rsm_objinfo *in);
rsm_rc rsm_be_object_enable(struct rsm_session *s, uint32_t type, const struct rsm_guid *id,
                            int enable);
rsm_rc rsm_be_attr_get(struct rsm_session *s, const struct rsm_guid *id, const char *name,
                       void *data, uint32_t cap, uint32_t *len);
rsm_rc rsm_be_attr_set(struct rsm_session *s, const struct rsm_guid *id, const char *name,
                       const void *data, uint32_t len);
rsm_rc rsm_be_security_get(struct rsm_session *s, const struct rsm_guid *id, struct rsm_acl *out);
rsm_rc rsm_be_security_set(struct rsm_session *s, const struct rsm_guid *id, uint32_t what,
                           const struct rsm_acl *in);
rsm_rc rsm_be_pool_create(struct rsm_session *s, const char *path,
                          const struct rsm_guid *media_type, uint32_t action,
                          const struct rsm_acl *acl, struct rsm_guid *out);
rsm_rc rsm_be_pool_delete(struct rsm_session *s, const struct rsm_guid *id);
rsm_rc rsm_be_pool_name(struct rsm_session *s, const struct rsm_guid *id, char *buf, size_t cap,
                        size_t *len);
/* The two-GUID calls: media_type_add/delete, change_type, move, swap. */
enum rsm_be_op2 {
    RSM_BE_MEDIA_TYPE_ADD,
    RSM_BE_MEDIA_TYPE_DELETE,
    RSM_BE_MEDIA_CHANGE_TYPE,
    RSM_BE_MEDIA_MOVE,
    RSM_BE_MEDIA_SWAP,
};
rsm_rc rsm_be_two(struct rsm_session *s, enum rsm_be_op2 op, const struct rsm_guid *a,
                  const struct rsm_guid *b);
/* The one-GUID calls: decommission, complete, delete, pool_delete. */
enum rsm_be_op1 { RSM_BE_MEDIA_DECOMMISSION, RSM_BE_MEDIA_COMPLETE, RSM_BE_MEDIA_DELETE };
rsm_rc rsm_be_one(struct rsm_session *s, enum rsm_be_op1 op, const struct rsm_guid *id);
rsm_rc rsm_be_media_create(struct rsm_session *s, struct rsm_objinfo *pm, struct rsm_objinfo *sides,
                           uint32_t n_sides, uint32_t options);
rsm_rc rsm_be_media_allocate(struct rsm_session *s, const struct rsm_guid *pool,
                             const struct rsm_guid *side, struct rsm_guid *lmid, uint32_t options,
                             uint32_t timeout_ms, struct rsm_guid *from);
rsm_rc rsm_be_media_deallocate(struct rsm_session *s, const struct rsm_guid *lmid,
                               uint32_t options);
rsm_rc rsm_be_media_update_omid(struct rsm_session *s, const struct rsm_guid *lmid,
                                const char *label_type, const char *label_info, const uint8_t *id,
                                uint32_t id_len);
/* Library control (rsm/engine/libctl.h): in client mode the daemon drives the devices. */
rsm_rc rsm_be_lc_add(struct rsm_session *s, const char *uri, const char *const *drive_uris,
                     size_t n_drive_uris, struct rsm_guid *out);
rsm_rc rsm_be_lc_inventory(struct rsm_session *s, const struct rsm_guid *library, uint32_t action,
                           struct rsm_lc_inventory *out);
rsm_rc rsm_be_lc_mount(struct rsm_session *s, const struct rsm_guid *media, struct rsm_guid *drives,
                       uint32_t n, uint32_t options);
rsm_rc rsm_be_lc_dismount(struct rsm_session *s, const struct rsm_guid *media, uint32_t n,
                          uint32_t options);
rsm_rc rsm_be_lc_dismount_drive(struct rsm_session *s, const struct rsm_guid *drive);
/* Library requests (rsm/engine/libctl.h): MountNtmsMedia with its priority, timeout and
 * request id; CancelNtmsLibraryRequest, DeleteNtmsRequests, Get/SetNtmsRequestOrder. */
rsm_rc rsm_be_lc_mount_q(struct rsm_session *s, const struct rsm_guid *media,
                         struct rsm_guid *drives, uint32_t n, uint32_t options, int priority,
                         uint32_t timeout_ms, struct rsm_guid *request);
rsm_rc rsm_be_lc_req_cancel(struct rsm_session *s, const struct rsm_guid *request);
rsm_rc rsm_be_lc_req_delete(struct rsm_session *s, const struct rsm_guid *ids, uint32_t n,
                            uint32_t type);
rsm_rc rsm_be_lc_req_order_get(struct rsm_session *s, const struct rsm_guid *request,
                               uint32_t *order);
rsm_rc rsm_be_lc_req_order_set(struct rsm_session *s, const struct rsm_guid *request,
                               uint32_t order);
rsm_rc rsm_be_db_export(struct rsm_session *s);
rsm_rc rsm_be_db_import(struct rsm_session *s);

/* ---- notifications (rsm/engine/events.h) ----------------------------------------------
 * A notification channel on @s for objects of @type. Embedded: an engine watcher. On rsmd:
 * a connection of its own (so a long wait never holds up the session's other calls) whose
 * events arrive in batches and are handed out one by one. *out is owned: cancel (optional)
 * then close. The channel holds no reference on @s: the caller keeps @s alive. */
struct rsm_be_watch;
rsm_rc rsm_be_watch_open(struct rsm_session *s, uint32_t type, uint32_t queue_cap,
                         struct rsm_be_watch **out);
/* The next event, waiting up to @timeout_ms (UINT32_MAX for ever). RSM_OK, RSM_E_TIMEOUT,
 * RSM_E_NO_DATA (events were lost: the channel is broken), RSM_E_INVALID_HANDLE (cancelled
 * or the session closed), RSM_E_NOT_CONNECTED (rsmd went away). */
rsm_rc rsm_be_watch_wait(struct rsm_be_watch *w, struct rsm_event *ev, uint32_t timeout_ms);
/* Makes a wait in progress on another thread, and every later one, end with
 * RSM_E_INVALID_HANDLE (within 100 ms). Thread-safe; does not free. */
void rsm_be_watch_cancel(struct rsm_be_watch *w);
/* Frees the channel; no wait may be in progress. */
void rsm_be_watch_close(struct rsm_be_watch *w);

/* ---- operator requests (events.h) ---------------------------------------------------- */
rsm_rc rsm_be_opreq_submit(struct rsm_session *s, uint32_t request, const char *message,
                           const struct rsm_guid *arg1, const struct rsm_guid *arg2,
                           struct rsm_guid *out);
rsm_rc rsm_be_opreq_satisfy(struct rsm_session *s, const struct rsm_guid *id);
rsm_rc rsm_be_opreq_cancel(struct rsm_session *s, const struct rsm_guid *id);
rsm_rc rsm_be_opreq_wait(struct rsm_session *s, const struct rsm_guid *id, uint32_t timeout_ms);

/* ---- import/export, cleaning, change detection (rsm/engine/ieclean.h) -----------------
 * The engine's rsm_ie_*, rsm_clean_* and rsm_detect_* with the session first; on rsmd the
 * daemon's engine drives the library. A detection context opened through rsmd belongs to
 * the connection: the daemon polls for it and ends it when the session closes. */
rsm_rc rsm_be_ie_inject(struct rsm_session *s, const struct rsm_guid *library,
                        struct rsm_guid *op, uint32_t action);
/* @medium may be NULL (START/STOP of the queued batch alone). */
rsm_rc rsm_be_ie_eject(struct rsm_session *s, const struct rsm_guid *medium, struct rsm_guid *op,
                       uint32_t action);
rsm_rc rsm_be_ie_door(struct rsm_session *s, const struct rsm_guid *library, uint32_t action);
rsm_rc rsm_be_ie_identify_slot(struct rsm_session *s, const struct rsm_guid *slot,
                               uint32_t option);
rsm_rc rsm_be_ie_delete_drive(struct rsm_session *s, const struct rsm_guid *drive);
rsm_rc rsm_be_ie_delete_library(struct rsm_session *s, const struct rsm_guid *library);
/* *@out malloc'd (NUL-separated names, *@len bytes) or NULL/0, as rsm_ie_ui_get(). */
rsm_rc rsm_be_ie_ui_get(struct rsm_session *s, const struct rsm_guid *object, uint32_t type,
                        char **out, size_t *len);
rsm_rc rsm_be_ie_ui_set(struct rsm_session *s, const struct rsm_guid *object, uint32_t type,
                        uint32_t op, const char *dest);
rsm_rc rsm_be_clean_drive(struct rsm_session *s, const struct rsm_guid *drive);
rsm_rc rsm_be_clean_reserve_slot(struct rsm_session *s, const struct rsm_guid *library,
                                 const struct rsm_guid *slot);
rsm_rc rsm_be_clean_release_slot(struct rsm_session *s, const struct rsm_guid *library);
rsm_rc rsm_be_clean_inject(struct rsm_session *s, const struct rsm_guid *library,
                           struct rsm_guid *op, uint32_t uses_left, uint32_t action);
rsm_rc rsm_be_clean_eject(struct rsm_session *s, const struct rsm_guid *library,
                          struct rsm_guid *op, uint32_t action);
rsm_rc rsm_be_detect_begin(struct rsm_session *s, uint64_t *handle);
rsm_rc rsm_be_detect_set(struct rsm_session *s, uint64_t handle, const struct rsm_guid *ids,
                         uint32_t type, uint32_t n);
rsm_rc rsm_be_detect_end(struct rsm_session *s, uint64_t handle);

#endif
