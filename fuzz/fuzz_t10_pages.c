/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_t10_pages.c - libFuzzer target for the parameter-data decoders of scsi/:
 * element status and SEND VOLUME TAG lists, mode (sense and select walks, every page), log,
 * VPD and INQUIRY, MAM, persistent reservation data,
 * RSOC, REPORT LUNS and the tape data (READ POSITION, block limits, density).
 * Every decoder sees the whole input (no selector byte to reject), so one interesting
 * input exercises them all; callbacks touch every borrowed byte so ASan sees over-reads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/elem.h"
#include "scsi/log.h"
#include "scsi/luns.h"
#include "scsi/mam.h"
#include "scsi/mode.h"
#include "scsi/pr.h"
#include "scsi/rsoc.h"
#include "scsi/ssc.h"
#include "scsi/vpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sink ^= p[i];
}

static enum t10_rc elem_cb(const struct t10_elem_desc *d, void *arg)
{
    (void)arg;
    touch(d->rest, d->rest_len);
    if (d->has_ident)
        touch(d->ident.id, d->ident.id_len);
    return T10_OK;
}

static enum t10_rc mode_cb(const struct t10_mode_page_hdr *ph, const uint8_t *page, size_t off,
                           void *arg, struct t10_field_ptr *bad)
{
    (void)off;
    (void)arg;
    (void)bad;
    size_t n = (size_t)ph->hdr_len + ph->page_len;
    touch(page, n);
    struct t10_mode_eaa e;
    struct t10_mode_devcap d;
    struct t10_mode_geometry g;
    struct t10_mode_compression c;
    struct t10_mode_devconfig dc;
    struct t10_mode_partition p;
    struct t10_mode_iec i;
    struct t10_mode_control ctl;
    (void)t10_mode_eaa_decode(page, n, &e);
    (void)t10_mode_devcap_decode(page, n, &d);
    (void)t10_mode_geometry_decode(page, n, &g);
    (void)t10_mode_compression_decode(page, n, &c);
    (void)t10_mode_devconfig_decode(page, n, &dc);
    (void)t10_mode_partition_decode(page, n, &p);
    (void)t10_mode_iec_decode(page, n, &i);
    (void)t10_mode_control_decode(page, n, &ctl);
    return T10_OK;
}

static enum t10_rc log_cb(const struct t10_log_param *p, void *arg)
{
    (void)arg;
    touch(p->value, p->len);
    (void)t10_log_param_uint(p);
    return T10_OK;
}

static enum t10_rc desig_cb(const struct t10_desig *d, void *arg)
{
    (void)arg;
    touch(d->id, d->len);
    return T10_OK;
}

static enum t10_rc mam_cb(const struct t10_mam_attr *a, void *arg)
{
    (void)arg;
    touch(a->value, a->len);
    return T10_OK;
}

static enum t10_rc rsoc_cb(const struct t10_rsoc_desc *d, void *arg)
{
    (void)d;
    (void)arg;
    return T10_OK;
}

static enum t10_rc full_cb(const struct t10_prin_full *d, void *arg)
{
    (void)arg;
    touch(d->transport_id, d->tid_len);
    return T10_OK;
}

static enum t10_rc density_cb(const struct t10_density_desc *d, void *arg)
{
    (void)d;
    (void)arg;
    return T10_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool cut;
    struct t10_elem_status_hdr eh;
    (void)t10_elem_status_walk(data, size, &eh, elem_cb, NULL, &cut);
    struct t10_elem_page pg;
    if (t10_elem_page_decode(data, size, &pg) == T10_OK)
        (void)t10_elem_page_walk(data + 8, size - 8, &pg, elem_cb, NULL, &cut);

    struct t10_mode_hdr mh;
    struct t10_mode_blkdesc bd;
    struct t10_field_ptr bad;
    for (int ten = 0; ten < 2; ten++) {
        (void)t10_mode_sense_walk(data, size, ten, &mh, &bd, mode_cb, NULL, &cut);
        (void)t10_mode_select_walk(data, size, ten, &mh, &bd, mode_cb, NULL, &bad);
        const uint8_t *p;
        size_t pl;
        if (t10_mode_find_page(data, size, ten, 0x1D, 0, &p, &pl) == T10_OK)
            touch(p, pl);
    }
    /* each page decoder on the raw input too, as if it were one page */
    struct t10_mode_page_hdr raw;
    if (t10_mode_page_hdr_decode(data, size, &raw) == T10_OK &&
        (size_t)raw.hdr_len + raw.page_len <= size)
        (void)mode_cb(&raw, data, 0, NULL, &bad);

    struct t10_log_hdr lh;
    (void)t10_log_walk(data, size, &lh, log_cb, NULL, &cut);
    uint64_t flags;
    (void)t10_log_tapealert_decode(data, size, &flags, &cut);
    uint8_t pages[256];
    size_t np;
    (void)t10_log_supported_decode(data, size, pages, sizeof pages, &np);
    struct t10_log_param lp;
    (void)t10_log_find_param(data, size, 1, &lp);

    struct t10_inquiry inq;
    (void)t10_inquiry_decode(data, size, &inq);
    (void)t10_vpd_supported_decode(data, size, pages, sizeof pages, &np);
    (void)t10_vpd_devid_walk(data, size, desig_cb, NULL, &cut);
    char text[64];
    (void)t10_vpd_ascii_decode(data, size, size > 1 ? data[1] : 0, text, sizeof text);
    struct t10_vpd_b0 b0;
    uint16_t addr;
    (void)t10_vpd_b0_decode(data, size, &b0);
    (void)t10_vpd_b2_decode(data, size, &flags);
    (void)t10_vpd_b4_decode(data, size, &addr);

    (void)t10_mam_values_walk(data, size, mam_cb, NULL, &cut);
    uint16_t ids[64];
    size_t ni, nl;
    (void)t10_mam_list_decode(data, size, ids, 64, &ni, &nl, &cut);

    (void)t10_rsoc_all_walk(data, size, rsoc_cb, NULL, &cut);
    struct t10_rsoc_one one;
    if (t10_rsoc_one_decode(data, size, &one, &cut) == T10_OK && !cut)
        touch(one.usage, one.cdb_size);

    uint16_t luns[64];
    size_t nb;
    (void)t10_report_luns_decode(data, size, luns, 64, &ni, &nl, &nb, &cut);

    uint32_t gen;
    uint64_t keys[16];
    size_t nk;
    (void)t10_prin_keys_decode(data, size, &gen, keys, 16, &nk, &nl, &cut);
    struct t10_prin_resv resv;
    (void)t10_prin_resv_decode(data, size, &resv);
    struct t10_prin_caps caps;
    (void)t10_prin_caps_decode(data, size, &caps);
    (void)t10_prin_full_walk(data, size, &gen, full_cb, NULL, &cut);
    struct t10_prout po;
    if (t10_prout_decode(data, size, &po, &bad) == T10_OK)
        touch(po.tid_data, po.tid_data_len);
    struct t10_prout_move pm;
    if (t10_prout_move_decode(data, size, &pm, &bad) == T10_OK)
        touch(pm.transport_id, pm.tid_len);
    struct t10_svt_params svt;
    (void)t10_svt_decode(data, size, &svt, &bad);

    struct t10_read_pos rp;
    for (unsigned sa = 0; sa < 10; sa++)
        (void)t10_read_pos_decode(data, size, (uint8_t)sa, &rp);
    struct t10_block_limits bl;
    (void)t10_block_limits_decode(data, size, &bl);
    (void)t10_density_report_walk(data, size, density_cb, NULL, &cut);
    return 0;
}
