/* SPDX-License-Identifier: MIT
 * sim/iscsi/pdu.c - iSCSI BHS/AHS codec and CRC32C digests (RFC 7143 clauses 11 and 12.1).
 * The field map per opcode is in pdu.h. CRC32C is slicing-by-8 over tables built once.
 */
#include "sim/iscsi/pdu.h"

#include <pthread.h>
#include <string.h>

uint16_t vtl_iscsi_get_be16(const uint8_t *p)
{
    return (uint16_t)((uint32_t)p[0] << 8 | (uint32_t)p[1]);
}

uint32_t vtl_iscsi_get_be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | (uint32_t)p[2];
}

uint32_t vtl_iscsi_get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

uint64_t vtl_iscsi_get_be64(const uint8_t *p)
{
    return (uint64_t)vtl_iscsi_get_be32(p) << 32 | vtl_iscsi_get_be32(p + 4);
}

void vtl_iscsi_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void vtl_iscsi_put_be24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

void vtl_iscsi_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void vtl_iscsi_put_be64(uint8_t *p, uint64_t v)
{
    vtl_iscsi_put_be32(p, (uint32_t)(v >> 32));
    vtl_iscsi_put_be32(p + 4, (uint32_t)v);
}

bool vtl_iscsi_sn_lt(uint32_t a, uint32_t b)
{
    /* RFC 1982 with SERIAL_BITS 32: a < b iff the forward distance a->b is in (0, 2^31). */
    return a != b && (uint32_t)(b - a) < 0x80000000u;
}

uint64_t vtl_iscsi_lun_encode(uint16_t lun)
{
    if (lun < 256)
        return (uint64_t)lun << 48;
    return (uint64_t)(0x4000u | (lun & 0x3fffu)) << 48;
}

bool vtl_iscsi_lun_decode(uint64_t raw, uint16_t *lun)
{
    unsigned method = (unsigned)(raw >> 62);
    uint16_t first = (uint16_t)(raw >> 48);
    if ((raw & 0x0000ffffffffffffull) != 0)
        return false;                    /* second..fourth levels must be empty */
    if (method == 0) {                   /* peripheral: bus 0 only */
        if ((first >> 8) != 0)
            return false;
        *lun = first & 0xff;
        return true;
    }
    if (method == 1) {                   /* flat space */
        *lun = first & 0x3fff;
        return true;
    }
    return false;
}

bool vtl_iscsi_op_known(uint8_t op)
{
    switch (op) {
    case VTL_ISCSI_OP_NOP_OUT: case VTL_ISCSI_OP_SCSI_CMD: case VTL_ISCSI_OP_TMF_REQ:
    case VTL_ISCSI_OP_LOGIN_REQ: case VTL_ISCSI_OP_TEXT_REQ: case VTL_ISCSI_OP_DATA_OUT:
    case VTL_ISCSI_OP_LOGOUT_REQ: case VTL_ISCSI_OP_SNACK_REQ: case VTL_ISCSI_OP_NOP_IN:
    case VTL_ISCSI_OP_SCSI_RSP: case VTL_ISCSI_OP_TMF_RSP: case VTL_ISCSI_OP_LOGIN_RSP:
    case VTL_ISCSI_OP_TEXT_RSP: case VTL_ISCSI_OP_DATA_IN: case VTL_ISCSI_OP_LOGOUT_RSP:
    case VTL_ISCSI_OP_R2T: case VTL_ISCSI_OP_ASYNC_MSG: case VTL_ISCSI_OP_REJECT:
        return true;
    default:
        return false;
    }
}

const char *vtl_iscsi_op_name(uint8_t op)
{
    switch (op) {
    case VTL_ISCSI_OP_NOP_OUT: return "NOP-Out";
    case VTL_ISCSI_OP_SCSI_CMD: return "SCSI-Cmd";
    case VTL_ISCSI_OP_TMF_REQ: return "TMF-Req";
    case VTL_ISCSI_OP_LOGIN_REQ: return "Login-Req";
    case VTL_ISCSI_OP_TEXT_REQ: return "Text-Req";
    case VTL_ISCSI_OP_DATA_OUT: return "Data-Out";
    case VTL_ISCSI_OP_LOGOUT_REQ: return "Logout-Req";
    case VTL_ISCSI_OP_SNACK_REQ: return "SNACK";
    case VTL_ISCSI_OP_NOP_IN: return "NOP-In";
    case VTL_ISCSI_OP_SCSI_RSP: return "SCSI-Rsp";
    case VTL_ISCSI_OP_TMF_RSP: return "TMF-Rsp";
    case VTL_ISCSI_OP_LOGIN_RSP: return "Login-Rsp";
    case VTL_ISCSI_OP_TEXT_RSP: return "Text-Rsp";
    case VTL_ISCSI_OP_DATA_IN: return "Data-In";
    case VTL_ISCSI_OP_LOGOUT_RSP: return "Logout-Rsp";
    case VTL_ISCSI_OP_R2T: return "R2T";
    case VTL_ISCSI_OP_ASYNC_MSG: return "Async";
    case VTL_ISCSI_OP_REJECT: return "Reject";
    default: return "unknown";
    }
}

/* The three SN words at 24/28/32 of every target PDU that carries them. */
static void get_sns_target(const uint8_t *b, struct vtl_iscsi_bhs *h)
{
    h->statsn = vtl_iscsi_get_be32(b + 24);
    h->exp_cmdsn = vtl_iscsi_get_be32(b + 28);
    h->max_cmdsn = vtl_iscsi_get_be32(b + 32);
}

static void put_sns_target(uint8_t *b, const struct vtl_iscsi_bhs *h)
{
    vtl_iscsi_put_be32(b + 24, h->statsn);
    vtl_iscsi_put_be32(b + 28, h->exp_cmdsn);
    vtl_iscsi_put_be32(b + 32, h->max_cmdsn);
}

enum vtl_iscsi_rc vtl_iscsi_bhs_decode(const uint8_t *b, size_t len, struct vtl_iscsi_bhs *h)
{
    if (len < VTL_ISCSI_BHS_LEN)
        return VTL_ISCSI_ESHORT;         /* covers every read below */
    memset(h, 0, sizeof *h);
    uint8_t f = b[1];
    h->opcode = b[0] & 0x3f;
    h->ahs_words = b[4];
    h->data_len = vtl_iscsi_get_be24(b + 5);
    h->itt = vtl_iscsi_get_be32(b + 16);
    if (h->opcode < 0x20)
        h->immediate = (b[0] & 0x40) != 0;
    h->final = (f & 0x80) != 0;

    switch (h->opcode) {
    case VTL_ISCSI_OP_NOP_OUT:
    case VTL_ISCSI_OP_TEXT_REQ:
        h->cont = (f & 0x40) != 0 && h->opcode == VTL_ISCSI_OP_TEXT_REQ;
        h->lun = vtl_iscsi_get_be64(b + 8);
        h->ttt = vtl_iscsi_get_be32(b + 20);
        h->cmdsn = vtl_iscsi_get_be32(b + 24);
        h->exp_statsn = vtl_iscsi_get_be32(b + 28);
        break;
    case VTL_ISCSI_OP_SCSI_CMD:
        h->read = (f & 0x40) != 0;
        h->write = (f & 0x20) != 0;
        h->attr = f & 0x07;
        h->lun = vtl_iscsi_get_be64(b + 8);
        h->edtl = vtl_iscsi_get_be32(b + 20);
        h->cmdsn = vtl_iscsi_get_be32(b + 24);
        h->exp_statsn = vtl_iscsi_get_be32(b + 28);
        memcpy(h->cdb, b + 32, 16);
        break;
    case VTL_ISCSI_OP_TMF_REQ:
        h->function = f & 0x7f;
        h->lun = vtl_iscsi_get_be64(b + 8);
        h->rtt = vtl_iscsi_get_be32(b + 20);
        h->cmdsn = vtl_iscsi_get_be32(b + 24);
        h->exp_statsn = vtl_iscsi_get_be32(b + 28);
        h->ref_cmdsn = vtl_iscsi_get_be32(b + 32);
        h->exp_datasn = vtl_iscsi_get_be32(b + 36);
        break;
    case VTL_ISCSI_OP_LOGIN_REQ:
        h->cont = (f & 0x40) != 0;
        h->csg = (f >> 2) & 3;
        h->nsg = f & 3;
        h->version_max = b[2];
        h->version_min = b[3];
        memcpy(h->isid, b + 8, 6);
        h->tsih = vtl_iscsi_get_be16(b + 14);
        h->cid = vtl_iscsi_get_be16(b + 20);
        h->cmdsn = vtl_iscsi_get_be32(b + 24);
        h->exp_statsn = vtl_iscsi_get_be32(b + 28);
        break;
    case VTL_ISCSI_OP_DATA_OUT:
        h->lun = vtl_iscsi_get_be64(b + 8);
        h->ttt = vtl_iscsi_get_be32(b + 20);
        h->exp_statsn = vtl_iscsi_get_be32(b + 28);
        h->datasn = vtl_iscsi_get_be32(b + 36);
        h->buffer_offset = vtl_iscsi_get_be32(b + 40);
        break;
    case VTL_ISCSI_OP_LOGOUT_REQ:
        h->function = f & 0x7f;
        h->cid = vtl_iscsi_get_be16(b + 20);
        h->cmdsn = vtl_iscsi_get_be32(b + 24);
        h->exp_statsn = vtl_iscsi_get_be32(b + 28);
        break;
    case VTL_ISCSI_OP_SNACK_REQ:
        h->function = f & 0x0f;
        h->lun = vtl_iscsi_get_be64(b + 8);
        h->ttt = vtl_iscsi_get_be32(b + 20);
        h->exp_statsn = vtl_iscsi_get_be32(b + 28);
        h->beg_run = vtl_iscsi_get_be32(b + 40);
        h->run_length = vtl_iscsi_get_be32(b + 44);
        break;
    case VTL_ISCSI_OP_NOP_IN:
        h->lun = vtl_iscsi_get_be64(b + 8);
        h->ttt = vtl_iscsi_get_be32(b + 20);
        get_sns_target(b, h);
        break;
    case VTL_ISCSI_OP_SCSI_RSP:
        h->bidi_over = (f & 0x10) != 0;
        h->bidi_under = (f & 0x08) != 0;
        h->over = (f & 0x04) != 0;
        h->under = (f & 0x02) != 0;
        h->response = b[2];
        h->status = b[3];
        h->snack_tag = vtl_iscsi_get_be32(b + 20);
        get_sns_target(b, h);
        h->exp_datasn = vtl_iscsi_get_be32(b + 36);
        h->bidi_residual = vtl_iscsi_get_be32(b + 40);
        h->residual = vtl_iscsi_get_be32(b + 44);
        break;
    case VTL_ISCSI_OP_TMF_RSP:
        h->response = b[2];
        get_sns_target(b, h);
        break;
    case VTL_ISCSI_OP_LOGIN_RSP:
        h->cont = (f & 0x40) != 0;
        h->csg = (f >> 2) & 3;
        h->nsg = f & 3;
        h->version_max = b[2];
        h->version_min = b[3];
        memcpy(h->isid, b + 8, 6);
        h->tsih = vtl_iscsi_get_be16(b + 14);
        get_sns_target(b, h);
        h->status_class = b[36];
        h->status_detail = b[37];
        break;
    case VTL_ISCSI_OP_TEXT_RSP:
        h->cont = (f & 0x40) != 0;
        h->lun = vtl_iscsi_get_be64(b + 8);
        h->ttt = vtl_iscsi_get_be32(b + 20);
        get_sns_target(b, h);
        break;
    case VTL_ISCSI_OP_DATA_IN:
        h->ack = (f & 0x40) != 0;
        h->over = (f & 0x04) != 0;
        h->under = (f & 0x02) != 0;
        h->has_status = (f & 0x01) != 0;
        h->status = h->has_status ? b[3] : 0;   /* valid only with S */
        h->lun = vtl_iscsi_get_be64(b + 8);
        h->ttt = vtl_iscsi_get_be32(b + 20);
        get_sns_target(b, h);
        h->datasn = vtl_iscsi_get_be32(b + 36);
        h->buffer_offset = vtl_iscsi_get_be32(b + 40);
        h->residual = vtl_iscsi_get_be32(b + 44);
        break;
    case VTL_ISCSI_OP_LOGOUT_RSP:
        h->response = b[2];
        get_sns_target(b, h);
        h->time2wait = vtl_iscsi_get_be16(b + 40);
        h->time2retain = vtl_iscsi_get_be16(b + 42);
        break;
    case VTL_ISCSI_OP_R2T:
        h->lun = vtl_iscsi_get_be64(b + 8);
        h->ttt = vtl_iscsi_get_be32(b + 20);
        get_sns_target(b, h);
        h->r2tsn = vtl_iscsi_get_be32(b + 36);
        h->buffer_offset = vtl_iscsi_get_be32(b + 40);
        h->desired_len = vtl_iscsi_get_be32(b + 44);
        break;
    case VTL_ISCSI_OP_ASYNC_MSG:
        h->lun = vtl_iscsi_get_be64(b + 8);
        get_sns_target(b, h);
        h->async_event = b[36];
        h->async_vcode = b[37];
        h->param1 = vtl_iscsi_get_be16(b + 38);
        h->param2 = vtl_iscsi_get_be16(b + 40);
        h->param3 = vtl_iscsi_get_be16(b + 42);
        break;
    case VTL_ISCSI_OP_REJECT:
        h->response = b[2];
        get_sns_target(b, h);
        h->datasn = vtl_iscsi_get_be32(b + 36);
        break;
    default:
        return VTL_ISCSI_EINVAL;
    }
    return VTL_ISCSI_OK;
}

enum vtl_iscsi_rc vtl_iscsi_bhs_encode(const struct vtl_iscsi_bhs *h, uint8_t *b, size_t cap)
{
    if (cap < VTL_ISCSI_BHS_LEN)
        return VTL_ISCSI_ESHORT;
    if (!vtl_iscsi_op_known(h->opcode))
        return VTL_ISCSI_EINVAL;
    if (h->data_len > VTL_ISCSI_DSL_MAX)
        return VTL_ISCSI_ERANGE;
    memset(b, 0, VTL_ISCSI_BHS_LEN);
    b[0] = h->opcode;
    if (h->opcode < 0x20 && h->immediate)
        b[0] |= 0x40;
    uint8_t f = h->final ? 0x80 : 0;
    b[4] = h->ahs_words;
    vtl_iscsi_put_be24(b + 5, h->data_len);
    vtl_iscsi_put_be32(b + 16, h->itt);

    switch (h->opcode) {
    case VTL_ISCSI_OP_NOP_OUT:
    case VTL_ISCSI_OP_TEXT_REQ:
        if (h->opcode == VTL_ISCSI_OP_TEXT_REQ && h->cont)
            f |= 0x40;
        vtl_iscsi_put_be64(b + 8, h->lun);
        vtl_iscsi_put_be32(b + 20, h->ttt);
        vtl_iscsi_put_be32(b + 24, h->cmdsn);
        vtl_iscsi_put_be32(b + 28, h->exp_statsn);
        break;
    case VTL_ISCSI_OP_SCSI_CMD:
        f |= (h->read ? 0x40 : 0) | (h->write ? 0x20 : 0) | (h->attr & 0x07);
        vtl_iscsi_put_be64(b + 8, h->lun);
        vtl_iscsi_put_be32(b + 20, h->edtl);
        vtl_iscsi_put_be32(b + 24, h->cmdsn);
        vtl_iscsi_put_be32(b + 28, h->exp_statsn);
        memcpy(b + 32, h->cdb, 16);
        break;
    case VTL_ISCSI_OP_TMF_REQ:
        f = 0x80 | (h->function & 0x7f);
        vtl_iscsi_put_be64(b + 8, h->lun);
        vtl_iscsi_put_be32(b + 20, h->rtt);
        vtl_iscsi_put_be32(b + 24, h->cmdsn);
        vtl_iscsi_put_be32(b + 28, h->exp_statsn);
        vtl_iscsi_put_be32(b + 32, h->ref_cmdsn);
        vtl_iscsi_put_be32(b + 36, h->exp_datasn);
        break;
    case VTL_ISCSI_OP_LOGIN_REQ:
    case VTL_ISCSI_OP_LOGIN_RSP:
        if (h->opcode == VTL_ISCSI_OP_LOGIN_REQ)
            b[0] |= 0x40;                /* a Login Request is always immediate */
        f |= (h->cont ? 0x40 : 0) | (uint8_t)((h->csg & 3) << 2) | (h->nsg & 3);
        b[2] = h->version_max;
        b[3] = h->version_min;
        memcpy(b + 8, h->isid, 6);
        vtl_iscsi_put_be16(b + 14, h->tsih);
        if (h->opcode == VTL_ISCSI_OP_LOGIN_REQ) {
            vtl_iscsi_put_be16(b + 20, h->cid);
            vtl_iscsi_put_be32(b + 24, h->cmdsn);
            vtl_iscsi_put_be32(b + 28, h->exp_statsn);
        } else {
            put_sns_target(b, h);
            b[36] = h->status_class;
            b[37] = h->status_detail;
        }
        break;
    case VTL_ISCSI_OP_DATA_OUT:
        vtl_iscsi_put_be64(b + 8, h->lun);
        vtl_iscsi_put_be32(b + 20, h->ttt);
        vtl_iscsi_put_be32(b + 28, h->exp_statsn);
        vtl_iscsi_put_be32(b + 36, h->datasn);
        vtl_iscsi_put_be32(b + 40, h->buffer_offset);
        break;
    case VTL_ISCSI_OP_LOGOUT_REQ:
        f = 0x80 | (h->function & 0x7f);
        vtl_iscsi_put_be16(b + 20, h->cid);
        vtl_iscsi_put_be32(b + 24, h->cmdsn);
        vtl_iscsi_put_be32(b + 28, h->exp_statsn);
        break;
    case VTL_ISCSI_OP_SNACK_REQ:
        f = 0x80 | (h->function & 0x0f);
        vtl_iscsi_put_be64(b + 8, h->lun);
        vtl_iscsi_put_be32(b + 20, h->ttt);
        vtl_iscsi_put_be32(b + 28, h->exp_statsn);
        vtl_iscsi_put_be32(b + 40, h->beg_run);
        vtl_iscsi_put_be32(b + 44, h->run_length);
        break;
    case VTL_ISCSI_OP_NOP_IN:
        f = 0x80;
        vtl_iscsi_put_be64(b + 8, h->lun);
        vtl_iscsi_put_be32(b + 20, h->ttt);
        put_sns_target(b, h);
        break;
    case VTL_ISCSI_OP_SCSI_RSP:
        f = 0x80 | (h->bidi_over ? 0x10 : 0) | (h->bidi_under ? 0x08 : 0) |
            (h->over ? 0x04 : 0) | (h->under ? 0x02 : 0);
        b[2] = h->response;
        b[3] = h->status;
        vtl_iscsi_put_be32(b + 20, h->snack_tag);
        put_sns_target(b, h);
        vtl_iscsi_put_be32(b + 36, h->exp_datasn);
        vtl_iscsi_put_be32(b + 40, h->bidi_residual);
        vtl_iscsi_put_be32(b + 44, h->residual);
        break;
    case VTL_ISCSI_OP_TMF_RSP:
        f = 0x80;
        b[2] = h->response;
        put_sns_target(b, h);
        break;
    case VTL_ISCSI_OP_TEXT_RSP:
        f |= h->cont ? 0x40 : 0;
        vtl_iscsi_put_be64(b + 8, h->lun);
        vtl_iscsi_put_be32(b + 20, h->ttt);
        put_sns_target(b, h);
        break;
    case VTL_ISCSI_OP_DATA_IN:
        f |= (h->ack ? 0x40 : 0) | (h->over ? 0x04 : 0) | (h->under ? 0x02 : 0) |
             (h->has_status ? 0x01 : 0);
        if (h->has_status)
            b[3] = h->status;
        vtl_iscsi_put_be64(b + 8, h->lun);
        vtl_iscsi_put_be32(b + 20, h->ttt);
        put_sns_target(b, h);
        vtl_iscsi_put_be32(b + 36, h->datasn);
        vtl_iscsi_put_be32(b + 40, h->buffer_offset);
        vtl_iscsi_put_be32(b + 44, h->residual);
        break;
    case VTL_ISCSI_OP_LOGOUT_RSP:
        f = 0x80;
        b[2] = h->response;
        put_sns_target(b, h);
        vtl_iscsi_put_be16(b + 40, h->time2wait);
        vtl_iscsi_put_be16(b + 42, h->time2retain);
        break;
    case VTL_ISCSI_OP_R2T:
        f = 0x80;
        vtl_iscsi_put_be64(b + 8, h->lun);
        vtl_iscsi_put_be32(b + 20, h->ttt);
        put_sns_target(b, h);
        vtl_iscsi_put_be32(b + 36, h->r2tsn);
        vtl_iscsi_put_be32(b + 40, h->buffer_offset);
        vtl_iscsi_put_be32(b + 44, h->desired_len);
        break;
    case VTL_ISCSI_OP_ASYNC_MSG:
        f = 0x80;
        vtl_iscsi_put_be64(b + 8, h->lun);
        put_sns_target(b, h);
        b[36] = h->async_event;
        b[37] = h->async_vcode;
        vtl_iscsi_put_be16(b + 38, h->param1);
        vtl_iscsi_put_be16(b + 40, h->param2);
        vtl_iscsi_put_be16(b + 42, h->param3);
        break;
    case VTL_ISCSI_OP_REJECT:
        f = 0x80;
        b[2] = h->response;
        put_sns_target(b, h);
        vtl_iscsi_put_be32(b + 36, h->datasn);
        break;
    default:
        return VTL_ISCSI_EINVAL;
    }
    b[1] = f;
    return VTL_ISCSI_OK;
}

uint32_t vtl_iscsi_pad4(uint32_t len)
{
    return (uint32_t)(((uint64_t)len + 3u) & ~(uint64_t)3u);
}

size_t vtl_iscsi_pdu_tail_len(const struct vtl_iscsi_bhs *h, bool header_digest, bool data_digest)
{
    size_t n = (size_t)h->ahs_words * 4u;
    if (header_digest)
        n += VTL_ISCSI_DIGEST_LEN;
    n += vtl_iscsi_pad4(h->data_len);
    if (data_digest && h->data_len > 0)
        n += VTL_ISCSI_DIGEST_LEN;
    return n;
}

enum vtl_iscsi_rc vtl_iscsi_ahs_decode(const uint8_t *buf, size_t len, struct vtl_iscsi_ahs_info *out)
{
    memset(out, 0, sizeof *out);
    size_t off = 0;
    while (off < len) {
        if (len - off < 4)
            return VTL_ISCSI_EINVAL;
        size_t ahs_len = vtl_iscsi_get_be16(buf + off); /* bytes after byte 3, incl. the
                                                          * type-specific byte */
        uint8_t type = buf[off + 2];
        if (ahs_len == 0)
            return VTL_ISCSI_EINVAL;
        /* The AHS occupies 3 + ahs_len bytes, padded to 4. */
        size_t total = (3 + ahs_len + 3) & ~(size_t)3;
        if (total > len - off)
            return VTL_ISCSI_EINVAL;
        const uint8_t *body = buf + off + 4;        /* after the reserved byte */
        size_t body_len = ahs_len - 1;
        switch (type) {
        case VTL_ISCSI_AHS_EXT_CDB:
            if (out->ext_cdb)
                return VTL_ISCSI_EINVAL;
            out->ext_cdb = body;
            out->ext_cdb_len = body_len;
            break;
        case VTL_ISCSI_AHS_BIDI_READ_LEN:
            if (out->has_bidi_read_len || ahs_len != 5)
                return VTL_ISCSI_EINVAL;
            out->has_bidi_read_len = true;
            out->bidi_read_len = vtl_iscsi_get_be32(body);
            break;
        default:
            return VTL_ISCSI_EINVAL;
        }
        off += total;
    }
    return VTL_ISCSI_OK;
}

/* ---- CRC32C ----------------------------------------------------------------------------- */

static uint32_t crc_tab[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;   /* reflected Castagnoli */
        crc_tab[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xff];
}

uint32_t vtl_iscsi_crc32c_update(uint32_t crc, const void *vbuf, size_t len)
{
    const uint8_t *p = vbuf;
    (void)pthread_once(&crc_once, crc_init);
    while (len >= 8) {
        /* Slicing-by-8: byte loads only, so alignment and host byte order do not matter. */
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                             (uint32_t)p[3] << 24);
        crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
              crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^ crc_tab[3][p[4]] ^
              crc_tab[2][p[5]] ^ crc_tab[1][p[6]] ^ crc_tab[0][p[7]];
        p += 8;
        len -= 8;
    }
    while (len--)
        crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xff];
    return crc;
}

uint32_t vtl_iscsi_crc32c(const void *buf, size_t len)
{
    return ~vtl_iscsi_crc32c_update(0xFFFFFFFFu, buf, len);
}

void vtl_iscsi_digest_put(uint8_t *out, uint32_t crc)
{
    /* RFC 3385/7143: the CRC's least significant byte goes first on the wire. */
    out[0] = (uint8_t)crc;
    out[1] = (uint8_t)(crc >> 8);
    out[2] = (uint8_t)(crc >> 16);
    out[3] = (uint8_t)(crc >> 24);
}

uint32_t vtl_iscsi_digest_get(const uint8_t *in)
{
    return (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
}
