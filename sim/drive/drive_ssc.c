/* SPDX-License-Identifier: MIT
 * sim/drive/drive_ssc.c - the SSC-4 medium commands of a virtual drive: READ(6),
 * WRITE(6), WRITE FILEMARKS(6), SPACE(6/16), LOCATE(10/16), READ POSITION, REWIND,
 * ERASE(6), READ BLOCK LIMITS, REPORT DENSITY SUPPORT and LOAD UNLOAD.
 *
 * The recorded contents and the SSC stop rules (filemark ends a block space, EOD, BOP)
 * come from the tape image store (sim/tape/tapeimg.h); this file turns its results into
 * sense data: residues in the INFORMATION field (SSC-4 4.2.x: for fixed-block transfers
 * the number of blocks not transferred, for variable ones the bytes requested minus the
 * block's length), FILEMARK/EOM/ILI bits, BLANK CHECK at EOD, early warning as NO SENSE +
 * EOM 00/02 with the data accepted, VOLUME OVERFLOW when nothing more fits.
 */
#include <stdio.h>
#include <string.h>

#include "scsi/be.h"
#include "scsi/ssc.h"
#include "sim/drive/drive_int.h"

/* ---- READ(6) ------------------------------------------------------------------------ */

static bool read_fault_here(struct vtl_drive *d)
{
    if (!d->n_read_faults)
        return false;
    struct vtl_tape_pos p;
    vtl_tape_position(d->tape, &p);
    for (unsigned i = 0; i < d->n_read_faults; i++)
        if (d->read_fault[i].partition == p.partition && d->read_fault[i].object == p.object &&
            !p.eod)
            return true;
    return false;
}

/* A block that cannot be read: the drive gives up on it and stands after it. */
static void read_failed(struct vtl_drive *d, struct vtl_cmd *cmd, int64_t residue)
{
    int64_t r;
    (void)vtl_tape_space(d->tape, VTL_TAPE_SPACE_BLOCKS, 1, &r); /* past it, if a block */
    d->read_errors++;
    d->ta_latched |= T10_TA_FLAG(T10_TA_READ_FAILURE);
    drv_fail_info(d, cmd, DRV_KEY_MEDIUM_ERROR, DRV_ASC_UNRECOVERED_READ, residue, false,
                  false, false);
}

static enum vtl_exec do_read(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb_rw6 *r)
{
    if (r->fixed && r->sili) { /* SSC-4 7.x: both set is an invalid combination */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 1, true);
        return VTL_EXEC_DONE;
    }
    if (!drv_medium_ready(d, cmd))
        return VTL_EXEC_DONE;
    if (r->fixed && d->block_len == 0) { /* fixed transfer in variable-block mode */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 0, true);
        return VTL_EXEC_DONE;
    }
    uint32_t n = r->xfer_len;
    if (n == 0)
        return drv_complete_after(d, cmd, 0);
    struct vtl_tape_counters before;
    vtl_tape_get_counters(d->tape, &before);
    uint8_t *buf = cmd->data_in;
    size_t cap = buf ? cmd->data_in_cap : 0;
    struct vtl_tape_read_result res = {0};
    if (r->fixed) {
        size_t bs = d->block_len, off = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (read_fault_here(d)) {
                cmd->data_in_len = off;
                read_failed(d, cmd, (int64_t)(n - i));
                goto out;
            }
            size_t room = off < cap ? cap - off : 0;
            uint8_t sink[1]; /* the host's buffer is full: read the block, keep nothing */
            enum vtl_tape_rc rc = room ? vtl_tape_read(d->tape, buf + off, room < bs ? room : bs, &res)
                                       : vtl_tape_read(d->tape, sink, 0, &res);
            if (rc == VTL_TAPE_OK && res.block_len == bs) {
                off += bs;
                continue;
            }
            cmd->data_in_len = off < cap ? off : cap;
            if (rc == VTL_TAPE_OK) { /* wrong length: ILI, the block counts as not read */
                cmd->data_in_len = off + res.copied;
                drv_fail_info(d, cmd, DRV_KEY_NO_SENSE, DRV_ASC_NONE, (int64_t)(n - i), false,
                              false, true);
            } else if (rc == VTL_TAPE_FILEMARK || rc == VTL_TAPE_SETMARK) {
                drv_fail_info(d, cmd, DRV_KEY_NO_SENSE, DRV_ASC_FILEMARK, (int64_t)(n - i),
                              true, false, false);
            } else if (rc == VTL_TAPE_EOD) {
                drv_fail_info(d, cmd, DRV_KEY_BLANK_CHECK, DRV_ASC_EOD, (int64_t)(n - i),
                              false, false, false);
            } else {
                read_failed(d, cmd, (int64_t)(n - i));
            }
            goto out;
        }
        cmd->data_in_len = off < cap ? off : cap;
        drv_set_good(cmd);
    } else {
        if (read_fault_here(d)) {
            read_failed(d, cmd, (int64_t)n);
            goto out;
        }
        size_t room = cap < n ? cap : n;
        uint8_t sink[1];
        enum vtl_tape_rc rc = vtl_tape_read(d->tape, room ? buf : sink, room, &res);
        if (rc == VTL_TAPE_OK) {
            cmd->data_in_len = res.copied;
            if (res.copied && drv_mut(d, VTL_MUT_DRV_READ_CORRUPT))
                buf[0] ^= 0xFF;
            /* SILI suppresses only the short-block report; a block longer than the
             * request is always an incorrect length (negative residue). */
            int64_t resid = (int64_t)n - (int64_t)res.block_len;
            if (resid < 0 && drv_mut(d, VTL_MUT_DRV_ILI_NEG_SIGN))
                resid = -resid;
            if (res.block_len == n || (r->sili && res.block_len < n)) {
                drv_set_good(cmd);
            } else if (resid > 0 && drv_mut(d, VTL_MUT_DRV_ILI_POS_NO_INFO)) {
                struct t10_sense s; /* ILI without VALID/INFORMATION */
                t10_sense_init(&s, d->d_sense, DRV_KEY_NO_SENSE, DRV_ASC_NONE);
                s.ili = true;
                drv_set_sense(d, cmd, &s);
            } else {
                drv_fail_info(d, cmd, DRV_KEY_NO_SENSE, DRV_ASC_NONE, resid, false, false, true);
            }
        } else if (rc == VTL_TAPE_FILEMARK || rc == VTL_TAPE_SETMARK) {
            drv_fail_info(d, cmd, DRV_KEY_NO_SENSE, DRV_ASC_FILEMARK, n,
                          !drv_mut(d, VTL_MUT_DRV_FM_NO_FLAG), false, false);
        } else if (rc == VTL_TAPE_EOD && drv_mut(d, VTL_MUT_DRV_EOD_MEDIUM)) {
            drv_fail(d, cmd, DRV_KEY_MEDIUM_ERROR, DRV_ASC_UNRECOVERED_READ);
        } else if (rc == VTL_TAPE_EOD) {
            drv_fail_info(d, cmd, DRV_KEY_BLANK_CHECK, DRV_ASC_EOD, n, false, false, false);
        } else {
            read_failed(d, cmd, (int64_t)n);
        }
    }
out:
    drv_account(d, &before);
    return drv_complete_after(d, cmd, 0);
}

/* VERIFY(6) (SSC-4 7.10): reads and checks @length blocks (FIXED) or one block of that
 * many bytes without transferring them, with READ's stop rules and residues. Byte
 * compare, VTE, VLBPM and VBF are not served. */
static enum vtl_exec do_verify(struct vtl_drive *d, struct vtl_cmd *cmd,
                               const struct t10_cdb_verify6 *v)
{
    if (v->bytcmp || v->vte || v->vlbpm || v->vbf) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, v->vte ? 5 : v->vlbpm ? 4 : v->vbf ? 3 : 1,
                       true);
        return VTL_EXEC_DONE;
    }
    if (!drv_medium_ready(d, cmd))
        return VTL_EXEC_DONE;
    if (v->fixed && d->block_len == 0) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 0, true);
        return VTL_EXEC_DONE;
    }
    uint32_t n = v->fixed ? v->length : (v->length ? 1 : 0);
    for (uint32_t i = 0; i < n; i++) {
        if (read_fault_here(d)) {
            read_failed(d, cmd, v->fixed ? (int64_t)(n - i) : (int64_t)v->length);
            return VTL_EXEC_DONE;
        }
        struct vtl_tape_read_result res = {0};
        uint8_t sink[1]; /* nothing goes to the host; the store wants a real buffer */
        enum vtl_tape_rc rc = vtl_tape_read(d->tape, sink, sizeof sink, &res);
        int64_t residue = v->fixed ? (int64_t)(n - i) : (int64_t)v->length;
        if (rc == VTL_TAPE_OK) {
            size_t want = v->fixed ? d->block_len : v->length;
            if (res.block_len != want) {
                drv_fail_info(d, cmd, DRV_KEY_NO_SENSE, DRV_ASC_NONE,
                              v->fixed ? residue : (int64_t)want - (int64_t)res.block_len,
                              false, false, true);
                return VTL_EXEC_DONE;
            }
            continue;
        }
        if (rc == VTL_TAPE_FILEMARK || rc == VTL_TAPE_SETMARK)
            drv_fail_info(d, cmd, DRV_KEY_NO_SENSE, DRV_ASC_FILEMARK, residue, true, false, false);
        else if (rc == VTL_TAPE_EOD)
            drv_fail_info(d, cmd, DRV_KEY_BLANK_CHECK, DRV_ASC_EOD, residue, false, false, false);
        else
            read_failed(d, cmd, residue);
        return VTL_EXEC_DONE;
    }
    drv_set_good(cmd);
    return v->immed ? VTL_EXEC_DONE : drv_complete_after(d, cmd, 0);
}

/* ---- WRITE(6), WRITE FILEMARKS(6), ERASE ---------------------------------------------- */

/* Checks shared by every command that records on the medium. */
static bool may_record(struct vtl_drive *d, struct vtl_cmd *cmd)
{
    if (!drv_medium_ready(d, cmd))
        return false;
    if (!d->writable) {
        drv_fail(d, cmd, DRV_KEY_DATA_PROTECT, DRV_ASC_CANNOT_WRITE_FMT);
        return false;
    }
    if (vtl_tape_write_protected(d->tape)) {
        d->ta_latched |= T10_TA_FLAG(T10_TA_WRITE_PROTECT);
        drv_fail(d, cmd, DRV_KEY_DATA_PROTECT, DRV_ASC_WRITE_PROTECTED);
        return false;
    }
    return true;
}

/* Sense for a write-side refusal from the store; @residue is what was not written. */
static void write_refused(struct vtl_drive *d, struct vtl_cmd *cmd, enum vtl_tape_rc rc,
                          int64_t residue)
{
    switch (rc) {
    case VTL_TAPE_EOM:
        drv_fail_info(d, cmd, DRV_KEY_VOLUME_OVERFLOW, DRV_ASC_EOM, residue, false, true, false);
        break;
    case VTL_TAPE_WORM:
        d->ta_latched |= T10_TA_FLAG(T10_TA_WORM_OVERWRITE);
        drv_fail(d, cmd, DRV_KEY_DATA_PROTECT, DRV_ASC_WORM_OVERWRITE);
        break;
    case VTL_TAPE_WPROTECT:
        drv_fail(d, cmd, DRV_KEY_DATA_PROTECT, DRV_ASC_WRITE_PROTECTED);
        break;
    default:
        d->write_errors++;
        d->ta_latched |= T10_TA_FLAG(T10_TA_WRITE_FAILURE);
        drv_fail_info(d, cmd, DRV_KEY_MEDIUM_ERROR, DRV_ASC_WRITE_ERROR, residue, false, false,
                      false);
        break;
    }
}

/* After a successful write: inside the early-warning zone the data is accepted and the
 * host told (NO SENSE, EOM, 00/02, residue 0), as Linux st and LTFS expect. */
static void write_done(struct vtl_drive *d, struct vtl_cmd *cmd)
{
    struct vtl_tape_pos p;
    vtl_tape_position(d->tape, &p);
    if (p.past_ew)
        drv_fail_info(d, cmd, DRV_KEY_NO_SENSE, DRV_ASC_EOM, 0, false, true, false);
    else
        drv_set_good(cmd);
}

static enum vtl_exec do_write(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb_rw6 *r)
{
    if (!may_record(d, cmd))
        return VTL_EXEC_DONE;
    if (r->fixed && d->block_len == 0) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 0, true);
        return VTL_EXEC_DONE;
    }
    uint32_t n = r->xfer_len;
    size_t bs = r->fixed ? (drv_mut(d, VTL_MUT_DRV_FIXED_AS_BYTES) ? 1 : d->block_len) : n;
    if (!r->fixed && n > d->pers->max_block) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 7, true);
        return VTL_EXEC_DONE;
    }
    if (n == 0)
        return drv_complete_after(d, cmd, 0);
    uint64_t total = r->fixed ? (uint64_t)n * bs : n;
    if (!cmd->data_out || cmd->data_out_len < total) { /* transfer shorter than the CDB */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 2, 7, true);
        return VTL_EXEC_DONE;
    }
    if (d->write_faults) {
        d->write_faults--;
        write_refused(d, cmd, VTL_TAPE_EIO, r->fixed ? n : (int64_t)n);
        return VTL_EXEC_DONE;
    }
    struct vtl_tape_counters before;
    vtl_tape_get_counters(d->tape, &before);
    uint32_t blocks = r->fixed ? n : 1;
    for (uint32_t i = 0; i < blocks; i++) {
        enum vtl_tape_rc rc = vtl_tape_write(d->tape, cmd->data_out + (size_t)i * bs, bs);
        if (rc != VTL_TAPE_OK) {
            write_refused(d, cmd, rc, r->fixed ? (int64_t)(n - i) : (int64_t)n);
            drv_account(d, &before);
            return drv_complete_after(d, cmd, 0);
        }
    }
    drv_account(d, &before);
    write_done(d, cmd);
    drv_after_write(d);
    return drv_complete_after(d, cmd, 0);
}

static enum vtl_exec do_write_fm(struct vtl_drive *d, struct vtl_cmd *cmd,
                                 const struct t10_cdb_write_fm *w)
{
    if (w->wsmk) { /* LTO records no setmarks */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 1, true);
        return VTL_EXEC_DONE;
    }
    if (w->count == 0) { /* synchronise only: allowed on a protected cartridge */
        if (!drv_medium_ready(d, cmd))
            return VTL_EXEC_DONE;
        (void)vtl_tape_flush(d->tape); /* nothing is buffered past this call anyway */
        drv_set_good(cmd);
        return VTL_EXEC_DONE;
    }
    if (!may_record(d, cmd))
        return VTL_EXEC_DONE;
    enum vtl_tape_rc rc = vtl_tape_write_marks(d->tape, w->count, false);
    if (rc != VTL_TAPE_OK) {
        write_refused(d, cmd, rc, w->count);
        return VTL_EXEC_DONE;
    }
    write_done(d, cmd);
    return w->immed ? VTL_EXEC_DONE : drv_complete_after(d, cmd, 0);
}

static enum vtl_exec do_erase(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb_erase *e)
{
    if (!may_record(d, cmd))
        return VTL_EXEC_DONE;
    struct vtl_tape_pos p;
    vtl_tape_position(d->tape, &p);
    enum vtl_tape_rc rc = vtl_tape_erase(d->tape, e->long_erase);
    if (rc != VTL_TAPE_OK) {
        write_refused(d, cmd, rc, 0);
        return VTL_EXEC_DONE;
    }
    drv_set_good(cmd);
    /* A long erase runs to the physical end and comes back: two passes. */
    uint64_t us = e->long_erase ? 2 * drv_wind_us(d, p.capacity - p.bytes_at_pos) : 0;
    if (e->immed) {
        drv_busy_for(d, us);
        return VTL_EXEC_DONE;
    }
    return drv_complete_after(d, cmd, us);
}

/* ---- positioning -------------------------------------------------------------------- */

static uint64_t dist(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

static enum vtl_exec do_space(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb_space *s)
{
    enum vtl_tape_space_code code;
    switch (s->code) {
    case T10_SPACE_BLOCKS: code = VTL_TAPE_SPACE_BLOCKS; break;
    case T10_SPACE_FILEMARKS: code = VTL_TAPE_SPACE_FILEMARKS; break;
    case T10_SPACE_EOD: code = VTL_TAPE_SPACE_EOD; break;
    default: /* sequential filemarks and setmarks: LTO has neither */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 3, true);
        return VTL_EXEC_DONE;
    }
    if (!drv_medium_ready(d, cmd))
        return VTL_EXEC_DONE;
    struct vtl_tape_pos a, b;
    vtl_tape_position(d->tape, &a);
    int64_t residue = 0;
    enum vtl_tape_rc rc = VTL_TAPE_OK;
    if (s->count != 0 || code == VTL_TAPE_SPACE_EOD)
        rc = vtl_tape_space(d->tape, code, s->count, &residue);
    if (rc == VTL_TAPE_OK && code == VTL_TAPE_SPACE_FILEMARKS && s->count > 0 &&
        drv_mut(d, VTL_MUT_DRV_SPACE_FM_SHORT)) {
        vtl_tape_position(d->tape, &b);
        if (b.object)
            (void)vtl_tape_locate(d->tape, b.partition, b.object - 1); /* before the mark */
    }
    if (code == VTL_TAPE_SPACE_BLOCKS && (rc == VTL_TAPE_FILEMARK || rc == VTL_TAPE_SETMARK) &&
        drv_mut(d, VTL_MUT_DRV_SPACE_RESID))
        residue = s->count - residue; /* the blocks spaced, not those left */
    vtl_tape_position(d->tape, &b);
    switch (rc) {
    case VTL_TAPE_OK:
        if (code == VTL_TAPE_SPACE_EOD)
            d->pos_lost = false;
        drv_set_good(cmd);
        break;
    case VTL_TAPE_FILEMARK:
    case VTL_TAPE_SETMARK:
        drv_fail_info(d, cmd, DRV_KEY_NO_SENSE, DRV_ASC_FILEMARK, residue, true, false, false);
        break;
    case VTL_TAPE_EOD:
        drv_fail_info(d, cmd, DRV_KEY_BLANK_CHECK, DRV_ASC_EOD, residue, false, false, false);
        break;
    case VTL_TAPE_BOP:
        drv_fail_info(d, cmd, DRV_KEY_NO_SENSE, DRV_ASC_BOP, residue, false, true, false);
        break;
    default:
        drv_fail(d, cmd, DRV_KEY_MEDIUM_ERROR, DRV_ASC_UNRECOVERED_READ);
        break;
    }
    return drv_complete_after(d, cmd, drv_wind_us(d, dist(a.bytes_at_pos, b.bytes_at_pos)));
}

static enum vtl_exec do_locate(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c)
{
    const struct t10_cdb_locate *l = &c->u.locate;
    bool sixteen = c->kind == T10_CDB_LOCATE16;
    if (l->dest_type != T10_LOCATE_OBJECT && l->dest_type != T10_LOCATE_FILE &&
        l->dest_type != T10_LOCATE_EOD) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 5, true);
        return VTL_EXEC_DONE;
    }
    if (!drv_medium_ready(d, cmd))
        return VTL_EXEC_DONE;
    struct vtl_tape_pos a, b;
    vtl_tape_position(d->tape, &a);
    unsigned part = l->cp ? l->partition : a.partition;
    if (part >= vtl_tape_partitions(d->tape)) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, sixteen ? 3 : 8, 7, true);
        return VTL_EXEC_DONE;
    }
    enum vtl_tape_rc rc;
    uint64_t lo_id = l->lo_id;
    if (l->dest_type == T10_LOCATE_OBJECT && !sixteen && drv_mut(d, VTL_MUT_DRV_LOCATE10_OFF))
        lo_id++;
    if (l->dest_type == T10_LOCATE_OBJECT && sixteen && lo_id &&
        drv_mut(d, VTL_MUT_DRV_LOCATE16_OFF))
        lo_id--;
    if (l->dest_type == T10_LOCATE_FILE)
        rc = vtl_tape_locate_file(d->tape, part, l->lo_id);
    else if (l->dest_type == T10_LOCATE_EOD)
        rc = vtl_tape_locate(d->tape, part, UINT64_MAX) == VTL_TAPE_EOD ? VTL_TAPE_OK
                                                                       : VTL_TAPE_EINVAL;
    else
        rc = vtl_tape_locate(d->tape, part, lo_id);
    vtl_tape_position(d->tape, &b);
    d->pos_lost = false;
    if (rc == VTL_TAPE_OK)
        drv_set_good(cmd);
    else if (rc == VTL_TAPE_EOD)
        drv_fail(d, cmd, DRV_KEY_BLANK_CHECK, DRV_ASC_EOD);
    else
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, sixteen ? 3 : 8, 7, true);
    uint64_t moved = a.partition == b.partition ? dist(a.bytes_at_pos, b.bytes_at_pos)
                                                : a.bytes_at_pos + b.bytes_at_pos;
    uint64_t us = drv_wind_us(d, moved);
    if (l->immed && rc == VTL_TAPE_OK) {
        drv_busy_for(d, us);
        return VTL_EXEC_DONE;
    }
    return drv_complete_after(d, cmd, us);
}

static enum vtl_exec do_read_position(struct vtl_drive *d, struct vtl_cmd *cmd,
                                      const struct t10_cdb_read_pos *r)
{
    if (r->sa != T10_RP_SHORT && r->sa != T10_RP_SHORT_VS && r->sa != T10_RP_LONG &&
        r->sa != T10_RP_EXTENDED) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 4, true);
        return VTL_EXEC_DONE;
    }
    if (!drv_medium_ready(d, cmd))
        return VTL_EXEC_DONE;
    struct vtl_tape_pos p;
    vtl_tape_position(d->tape, &p);
    struct t10_read_pos rp = {
        .bop = p.bop, .eop = p.past_ew, .bpew = p.past_pew,
        .partition = p.partition,
        .first_lo = p.object, .last_lo = p.object,
        .lo_number = p.object, .file_id = p.file,
    };
    /* Nothing is ever held in a buffer (writes go straight to the image), so both
     * buffer counts are known and zero: LOCU and BYCU stay clear. */
    if (d->pos_lost) { /* SSC-4 7.7: LOLU / LONU+MPU, fields not valid */
        rp.lolu = rp.lonu = rp.mpu = true;
        rp.bop = rp.eop = rp.bpew = false;
        rp.partition = 0;
        rp.first_lo = rp.last_lo = rp.lo_number = rp.file_id = 0;
    }
    if (drv_mut(d, VTL_MUT_DRV_RP_NO_BOP))
        rp.bop = false;
    bool short_form = r->sa == T10_RP_SHORT || r->sa == T10_RP_SHORT_VS;
    if (short_form && rp.first_lo && drv_mut(d, VTL_MUT_DRV_RP_OFF_BY_ONE))
        rp.first_lo = ++rp.last_lo;
    if (r->sa == T10_RP_LONG && rp.file_id && drv_mut(d, VTL_MUT_DRV_RP_LONG_FILE))
        rp.file_id--;
    if ((r->sa == T10_RP_SHORT || r->sa == T10_RP_SHORT_VS) && p.object > UINT32_MAX) {
        rp.perr = true; /* a location that overflows the 32-bit short form */
        rp.first_lo = rp.last_lo = 0;
    }
    uint8_t buf[T10_RP_EXT_LEN > T10_RP_SHORT_LEN ? T10_RP_EXT_LEN : T10_RP_SHORT_LEN];
    size_t len = t10_read_pos_build(buf, sizeof buf, r->sa == T10_RP_SHORT_VS ? T10_RP_SHORT : r->sa, &rp);
    if (r->sa == T10_RP_EXTENDED && len >= 4 && drv_mut(d, VTL_MUT_DRV_RP_EXT_LEN))
        t10_put_be16(buf + 2, 0x18);
    /* Short and long forms have a fixed length; only the extended form honours the
     * ALLOCATION LENGTH (SSC-4 7.7). */
    drv_put_data(cmd, buf, len, r->sa == T10_RP_EXTENDED ? r->alloc_len : len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

static enum vtl_exec do_rewind(struct vtl_drive *d, struct vtl_cmd *cmd, bool immed)
{
    if (!drv_medium_ready(d, cmd))
        return VTL_EXEC_DONE;
    struct vtl_tape_pos p;
    vtl_tape_position(d->tape, &p);
    (void)vtl_tape_flush(d->tape); /* a sync failure surfaces at the next write */
    if (!drv_mut(d, VTL_MUT_DRV_REWIND_NOOP))
        (void)vtl_tape_rewind(d->tape); /* cannot fail on an open image */
    d->pos_lost = false;
    drv_set_good(cmd);
    uint64_t us = drv_wind_us(d, p.bytes_at_pos);
    if (immed) {
        drv_busy_for(d, us);
        return VTL_EXEC_DONE;
    }
    return drv_complete_after(d, cmd, us);
}

/* ---- READ BLOCK LIMITS, REPORT DENSITY SUPPORT --------------------------------------- */

static enum vtl_exec do_block_limits(struct vtl_drive *d, struct vtl_cmd *cmd,
                                     const struct t10_cdb_block_limits *b)
{
    if (b->mloi) { /* maximum logical object identifier form: not served */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 0, true);
        return VTL_EXEC_DONE;
    }
    struct t10_block_limits bl = {.granularity = 0, .max_len = d->pers->max_block, .min_len = 1};
    if (drv_mut(d, VTL_MUT_DRV_RBL_INVERTED)) {
        bl.max_len = 512;
        bl.min_len = 1024;
    }
    uint8_t buf[T10_BLOCK_LIMITS_LEN];
    size_t len = t10_block_limits_build(buf, sizeof buf, &bl);
    drv_put_data(cmd, buf, len, len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* Density descriptors of LTO generations (SSC-4 Table 28 fields; figures from the LTO
 * format specifications, rounded). */
struct lto_density {
    enum vtl_media media;
    uint32_t bits_per_mm;
    uint16_t tracks;
    uint32_t capacity_mb;
    const char *name, *desc;
};
static const struct lto_density lto_densities[] = {
    {VTL_MEDIA_LTO3, 9638, 704, 400000, "U-316", "Ultrium 3/16T"},
    {VTL_MEDIA_LTO4, 13250, 896, 800000, "U-416", "Ultrium 4/16T"},
    {VTL_MEDIA_LTO5, 15142, 1280, 1500000, "U-516", "Ultrium 5/16T"},
    {VTL_MEDIA_LTO6, 15142, 2176, 2500000, "U-616", "Ultrium 6/16T"},
    {VTL_MEDIA_LTO7, 19107, 3584, 6000000, "U-732", "Ultrium 7/32T"},
    {VTL_MEDIA_LTO7_M8, 20668, 5376, 9000000, "U-732M", "Ultrium M8/32T"},
    {VTL_MEDIA_LTO8, 20668, 6656, 12000000, "U-832", "Ultrium 8/32T"},
    {VTL_MEDIA_LTO9, 21862, 8960, 18000000, "U-932", "Ultrium 9/32T"},
};

static void density_desc(const struct lto_density *ld, bool wrtok, bool deflt,
                         struct t10_density_desc *out)
{
    memset(out, 0, sizeof *out);
    out->primary = out->secondary = drv_density_of(ld->media);
    out->wrtok = wrtok;
    out->deflt = deflt;
    out->bits_per_mm = ld->bits_per_mm;
    out->media_width = 127; /* 12.7 mm, in tenths */
    out->tracks = ld->tracks;
    out->capacity_mb = ld->capacity_mb;
    memcpy(out->assigning_org, "LTO-CVE", 8);
    snprintf(out->name, sizeof out->name, "%s", ld->name);
    snprintf(out->description, sizeof out->description, "%s", ld->desc);
}

static enum vtl_exec do_density(struct vtl_drive *d, struct vtl_cmd *cmd,
                                const struct t10_cdb_density *r)
{
    if (r->medium_type) { /* the medium-type form is not served */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 1, 1, true);
        return VTL_EXEC_DONE;
    }
    struct t10_density_desc descs[sizeof lto_densities / sizeof lto_densities[0]];
    size_t n = 0;
    enum vtl_media own = (enum vtl_media)d->cfg.gen;
    if (r->media) {
        if (!drv_medium_ready(d, cmd))
            return VTL_EXEC_DONE;
        enum vtl_media m = d->cart_gen ? d->cart.media : own;
        for (size_t i = 0; i < sizeof lto_densities / sizeof lto_densities[0]; i++)
            if (lto_densities[i].media == m)
                density_desc(&lto_densities[i], d->writable, true, &descs[n++]);
    } else {
        for (size_t i = 0; i < sizeof lto_densities / sizeof lto_densities[0]; i++) {
            bool rd, wr;
            drv_gen_rules(d, lto_densities[i].media, &rd, &wr);
            if (rd)
                density_desc(&lto_densities[i], wr, lto_densities[i].media == own, &descs[n++]);
        }
    }
    if (drv_mut(d, VTL_MUT_DRV_DENSITY_UNNAMED))
        for (size_t i = 0; i < n; i++)
            descs[i].name[0] = '\0';
    uint8_t buf[4 + sizeof descs / sizeof descs[0] * T10_DENSITY_DESC_LEN];
    size_t len = t10_density_report_build(buf, sizeof buf, descs, n);
    drv_put_data(cmd, buf, len, r->alloc_len);
    drv_set_good(cmd);
    return VTL_EXEC_DONE;
}

/* ---- FORMAT MEDIUM -------------------------------------------------------------------- */

uint64_t drv_tape_total_bytes(struct vtl_drive *d)
{
    uint64_t total = 0;
    unsigned n = vtl_tape_partitions(d->tape);
    for (unsigned i = 0; i < n; i++) {
        struct vtl_tape_pos p;
        if (vtl_tape_locate(d->tape, i, 0) != VTL_TAPE_OK)
            continue; /* a partition is always there; EOD at 0 is fine too */
        vtl_tape_position(d->tape, &p);
        total += p.capacity;
    }
    (void)vtl_tape_locate(d->tape, 0, 0);
    return total;
}

/* SSC-4 FORMAT MEDIUM CDB (Table 13): byte 1 VERIFY(1) IMMED(0), byte 2 FORMAT (3..0),
 * bytes 3-4 TRANSFER LENGTH, byte 5 CONTROL. Local decoder until scsi/cdb.h has one. */
struct drv_cdb_format { bool immed, verify; uint8_t format; uint16_t xfer_len; };
static enum t10_rc drv_format_medium_decode(const uint8_t *cdb, size_t len,
                                            struct drv_cdb_format *out, struct t10_field_ptr *bad)
{
    *bad = (struct t10_field_ptr){.cd = true};
    if (len < 6) {
        bad->byte = (uint16_t)len;
        return T10_ESHORT;
    }
    out->verify = cdb[1] & 0x02;
    out->immed = cdb[1] & 0x01;
    out->format = cdb[2] & 0x0F;
    out->xfer_len = t10_get_be16(cdb + 3);
    if (cdb[1] & 0xFC) {
        *bad = (struct t10_field_ptr){.byte = 1, .bit = 7, .bpv = true, .cd = true};
        return T10_EINVAL;
    }
    if ((cdb[2] & 0xF0) || out->format > 2) {
        *bad = (struct t10_field_ptr){.byte = 2, .bit = (cdb[2] & 0xF0) ? 7 : 3, .bpv = true,
                                      .cd = true};
        return T10_EINVAL;
    }
    if (cdb[5] & 0x05) { /* NACA, LINK */
        *bad = (struct t10_field_ptr){.byte = 5, .bit = (cdb[5] & 0x04) ? 2 : 0, .bpv = true,
                                      .cd = true};
        return T10_EINVAL;
    }
    return T10_OK;
}

enum vtl_exec drv_format_medium(struct vtl_drive *d, struct vtl_cmd *cmd)
{
    struct drv_cdb_format f;
    struct t10_field_ptr bad;
    if (drv_format_medium_decode(cmd->cdb, cmd->cdb_len, &f, &bad) != T10_OK) {
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, bad.byte, bad.bpv ? bad.bit : -1, true);
        return VTL_EXEC_DONE;
    }
    if (f.xfer_len) { /* no format parameter data is defined for LTO */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 3, 7, true);
        return VTL_EXEC_DONE;
    }
    if (!may_record(d, cmd))
        return VTL_EXEC_DONE;
    struct vtl_tape_pos p;
    vtl_tape_position(d->tape, &p);
    if (p.partition != 0 || !p.bop) { /* SSC-4 7.2: only from BOP of partition 0 */
        drv_fail(d, cmd, DRV_KEY_ILLEGAL, T10_ASC(0x2C, 0x00));
        return VTL_EXEC_DONE;
    }
    unsigned n = 1;
    const uint64_t *sizes = NULL;
    if (f.format != 0) { /* 1: partition; 2: default format, then partition */
        n = d->part_pending ? d->part_n : vtl_tape_partitions(d->tape);
        bool any = false;
        for (unsigned i = 0; i < n; i++)
            any |= d->part_bytes[i] != 0;
        sizes = d->part_pending && any ? d->part_bytes : NULL;
    }
    enum vtl_tape_rc rc = vtl_tape_format(d->tape, n, sizes);
    if (rc != VTL_TAPE_OK) {
        if (rc == VTL_TAPE_EINVAL)
            drv_fail(d, cmd, DRV_KEY_ILLEGAL, DRV_ASC_INVALID_FIELD_PARAM);
        else
            write_refused(d, cmd, rc, 0);
        return VTL_EXEC_DONE;
    }
    d->part_pending = false;
    d->pos_lost = false;
    drv_set_good(cmd);
    if (f.immed) {
        drv_busy_for(d, d->cfg.full_wind_us);
        return VTL_EXEC_DONE;
    }
    return drv_complete_after(d, cmd, d->cfg.full_wind_us);
}

/* ---- dispatch ----------------------------------------------------------------------- */

enum vtl_exec drv_ssc_execute(struct vtl_drive *d, struct vtl_cmd *cmd, const struct t10_cdb *c)
{
    switch (c->kind) {
    case T10_CDB_READ6: return do_read(d, cmd, &c->u.rw6);
    case T10_CDB_WRITE6: return do_write(d, cmd, &c->u.rw6);
    case T10_CDB_WRITE_FILEMARKS6: return do_write_fm(d, cmd, &c->u.write_fm);
    case T10_CDB_SPACE6:
    case T10_CDB_SPACE16: return do_space(d, cmd, &c->u.space);
    case T10_CDB_LOCATE10:
    case T10_CDB_LOCATE16: return do_locate(d, cmd, c);
    case T10_CDB_READ_POSITION: return do_read_position(d, cmd, &c->u.read_pos);
    case T10_CDB_REWIND: return do_rewind(d, cmd, c->u.rewind.immed);
    case T10_CDB_ERASE6: return do_erase(d, cmd, &c->u.erase);
    case T10_CDB_VERIFY6: return do_verify(d, cmd, &c->u.verify6);
    case T10_CDB_READ_BLOCK_LIMITS: return do_block_limits(d, cmd, &c->u.block_limits);
    case T10_CDB_REPORT_DENSITY_SUPPORT: return do_density(d, cmd, &c->u.density);
    case T10_CDB_LOAD_UNLOAD:
        if (c->u.load_unload.eot) { /* LTO cannot unload at end of tape */
            drv_fail_field(d, cmd, DRV_ASC_INVALID_FIELD_CDB, 4, 2, true);
            return VTL_EXEC_DONE;
        }
        if (!c->u.load_unload.load && drv_mut(d, VTL_MUT_DRV_UNLOAD_STAYS)) {
            drv_set_good(cmd); /* claims the unload, keeps the tape threaded */
            return VTL_EXEC_DONE;
        }
        return drv_host_load(d, cmd, c->u.load_unload.load, c->u.load_unload.hold,
                             c->u.load_unload.immed);
    default:
        /* Decoded by scsi/ but not served by this drive (VERIFY(6), PERSISTENT RESERVE,
         * REPORT SUPPORTED OPERATION CODES, changer commands...). */
        drv_fail_field(d, cmd, DRV_ASC_INVALID_OPCODE, 0, -1, true);
        return VTL_EXEC_DONE;
    }
}
