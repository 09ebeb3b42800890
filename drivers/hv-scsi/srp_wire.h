/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Field offsets inside SRP IUs and the v-scsi adapter info data, for the
 * two halves of the codec: the initiator's (srp_codec.c, in hv_scsi) and
 * the target's (tools/hvkit-vmm/srp_target.c). Offsets of the SRP
 * standard (r16a) and of papr-vio-abi.md section 5; big-endian fields.
 */
#ifndef _HVK_SRP_WIRE_H
#define _HVK_SRP_WIRE_H

/* Every IU: opcode at 0, tag at 8. */
#define IU_TAG		8

/* SRP_LOGIN_REQ and SRP_LOGIN_RSP. */
#define LOGIN_LIM_DELTA	4	/* RSP */
#define LOGIN_IT_IU_LEN	16	/* REQ: requested; RSP: granted */
#define LOGIN_TI_IU_LEN	20	/* RSP */
#define LOGIN_BUF_FMT	24	/* REQ: offered; RSP: supported */
#define LOGIN_REJ_REASON 4	/* REJ */

/* SRP_TSK_MGMT. */
#define TSK_LUN		20
#define TSK_FUNC	30
#define TSK_TASK_TAG	32

/* SRP_CMD: fields after the opcode. */
#define CMD_BUF_FMT	5
#define CMD_OUT_CNT	6
#define CMD_IN_CNT	7
#define CMD_LUN		20
#define CMD_TASK_ATTR	29
#define CMD_CDB		32
#define CMD_CDB_MAX	16
#define CMD_ADD_DATA	48

/* SRP_RSP. */
#define RSP_LIM_DELTA	4
#define RSP_FLAGS	18
#define RSP_STATUS	19
#define RSP_DO_RES	20
#define RSP_DI_RES	24
#define RSP_SENSE_LEN	28
#define RSP_RESP_LEN	32
#define RSP_DATA	36

/* MAD header. */
#define MAD_TYPE	0	/* 32 bits */
#define MAD_STATUS	4	/* 16 bits */
#define MAD_LEN		6	/* 16 bits: bytes of the data buffer */
#define MAD_TAG		8
#define MAD_BUFFER	16	/* adapter info, capabilities: the data buffer's address */

/* Adapter info data. */
#define AI_SRP_VERSION	0
#define AI_NAME		8
#define AI_PART_NUMBER	104
#define AI_MAD_VERSION	108
#define AI_OS_TYPE	112
#define AI_MAX_TXU	116

/*
 * Capabilities data: a header, then a list of capabilities, each a
 * common part (type, its own length, server support) and its data.
 * ibmvscsi sends migration then reservation, each 12 bytes.
 */
#define CAPS_FLAGS	0	/* 32 bits */
#define CAPS_NAME	4	/* 32 bytes */
#define CAPS_LOC	36	/* 32 bytes */
#define CAPS_LIST	68	/* the first capability */
#define CAP_TYPE	0	/* 32 bits, from a capability's start */
#define CAP_LEN		4	/* 16 bits: this capability's bytes */
#define CAP_SUPPORT	6	/* 16 bits */
#define CAP_DATA	8	/* 32 bits: migration ecl, reservation type */

#endif /* _HVK_SRP_WIRE_H */
