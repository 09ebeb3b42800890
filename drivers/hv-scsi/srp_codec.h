/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SRP information units and v-scsi management datagrams (MADs): building
 * what the initiator sends, and checking what the target writes back.
 * Portable (kernel, host unit tests, fuzzers). Every parser takes the
 * length the hypervisor claims and trusts nothing beyond it.
 */
#ifndef _HVK_SRP_CODEC_H
#define _HVK_SRP_CODEC_H

#include <hvkit/crq_codec.h>

/* Largest IU either side exchanges with v-scsi (ABI 5.3). */
#define HVK_SRP_IU_MAX		256

/* Byte 1 of a payload CRQ entry. */
#define HVK_VIOSRP_SRP		0x01
#define HVK_VIOSRP_MAD		0x02

/* SRP opcodes (byte 0 of an IU). */
#define HVK_SRP_LOGIN_REQ	0x00
#define HVK_SRP_TSK_MGMT	0x01
#define HVK_SRP_CMD		0x02
#define HVK_SRP_LOGIN_RSP	0xc0
#define HVK_SRP_RSP		0xc1
#define HVK_SRP_LOGIN_REJ	0xc2

#define HVK_SRP_LOGIN_REQ_LEN	64
#define HVK_SRP_LOGIN_RSP_LEN	52
#define HVK_SRP_LOGIN_REJ_LEN	32
#define HVK_SRP_TSK_MGMT_LEN	48
#define HVK_SRP_CMD_LEN		48	/* without additional data */
#define HVK_SRP_RSP_LEN		36	/* without response and sense data */
#define HVK_SRP_DESC_LEN	16
#define HVK_SRP_INDIRECT_LEN	20	/* table descriptor + total length */

/* buf_fmt bits in the login request and response. */
#define HVK_SRP_BUF_DIRECT	0x0002
#define HVK_SRP_BUF_INDIRECT	0x0004

/* Descriptor formats in an SRP_CMD's buf_fmt nibbles. */
#define HVK_SRP_FMT_NONE	0
#define HVK_SRP_FMT_DIRECT	1
#define HVK_SRP_FMT_INDIRECT	2

/* SRP_RSP flags. */
#define HVK_SRP_RSPVALID	0x01
#define HVK_SRP_SNSVALID	0x02
#define HVK_SRP_DOOVER		0x04
#define HVK_SRP_DOUNDER		0x08
#define HVK_SRP_DIOVER		0x10
#define HVK_SRP_DIUNDER		0x20

/* Task management functions and their response codes. */
#define HVK_SRP_TSK_ABORT_TASK		0x01
#define HVK_SRP_TSK_ABORT_TASK_SET	0x02
#define HVK_SRP_TSK_CLEAR_TASK_SET	0x04
#define HVK_SRP_TSK_LUN_RESET		0x08
#define HVK_SRP_TSK_CLEAR_ACA		0x40
#define HVK_SRP_TSK_COMPLETE		0x00
#define HVK_SRP_TSK_FIELDS_INVALID	0x02
#define HVK_SRP_TSK_NOT_SUPPORTED	0x04
#define HVK_SRP_TSK_FAILED		0x05

/* MADs. */
#define HVK_MAD_ADAPTER_INFO	0x03
#define HVK_MAD_CAPABILITIES	0x05
#define HVK_MAD_ENABLE_FAST_FAIL	0x08
#define HVK_MAD_HDR_LEN		16
#define HVK_MAD_ADAPTER_INFO_LEN	24	/* header + buffer address */
#define HVK_MAD_CAPABILITIES_LEN	24	/* header + buffer address */
#define HVK_MAD_FAST_FAIL_LEN	16	/* the header alone */
/* The adapter info data, exactly: QEMU writes as many bytes as we ask. */
#define HVK_ADAPTER_INFO_DATA_LEN	148

/* MAD status (header, 16 bits). */
#define HVK_MAD_SUCCESS		0x00
#define HVK_MAD_NOT_SUPPORTED	0xf1
#define HVK_MAD_FAILED		0xf7

/*
 * Capabilities data: flags, name and location (HVK_CAPS_HDR_LEN bytes),
 * then a list of capabilities of HVK_CAP_LEN bytes each.
 */
#define HVK_CAPS_TEXT_LEN	32	/* name, location */
#define HVK_CAPS_HDR_LEN	68
#define HVK_CAP_LEN		12
#define HVK_CAPS_MAX_LEN	(HVK_CAPS_HDR_LEN + 2 * HVK_CAP_LEN)
/* Flags. */
#define HVK_CAPS_CLIENT_MIGRATED	0x01
#define HVK_CAPS_CLIENT_RECONNECT	0x02
#define HVK_CAPS_LIST_SUPPORTED		0x04
#define HVK_CAPS_LIST_DATA		0x08
/* Capability types, and what the server says of each. */
#define HVK_CAP_MIGRATION	0x01
#define HVK_CAP_RESERVATION	0x02
#define HVK_CAP_UNSUPPORTED	0x00
#define HVK_CAP_SUPPORTED	0x01
#define HVK_CAP_SUPPORTED_DATA	0x02
/* The migration capability's error correction level hv_scsi offers. */
#define HVK_CAP_MIGRATION_ECL	1

enum hvk_srp_dir { HVK_SRP_DIR_NONE, HVK_SRP_DIR_OUT, HVK_SRP_DIR_IN };

struct hvk_srp_desc {
	u64 va;			/* bus address (IOBA) */
	u32 len;
};

struct hvk_srp_cmd_args {
	u64 tag;
	u64 lun;		/* 8 bytes as they go on the wire */
	const u8 *cdb;
	unsigned int cdb_len;	/* 1..16 */
	u8 task_attr;
	enum hvk_srp_dir dir;
	const struct hvk_srp_desc *descs;
	unsigned int nr_descs;
	u32 total_len;		/* sum of the descriptors' lengths */
	unsigned int max_iu_len;	/* the target's max_it_iu_len */
	bool indirect_ok;	/* the target accepts indirect tables */
	u64 iu_ioba;		/* where this IU lives, for an inline table */
	u8 *table;		/* external descriptor table ... */
	u64 table_ioba;		/* ... and its bus address */
	unsigned int table_max;	/* entries it holds */
};

/* Results of the parsers. */
struct hvk_srp_login {
	bool accepted;
	u32 req_lim_delta;
	u32 max_it_iu_len;
	u32 max_ti_iu_len;
	u16 buf_fmt;
	u32 reject_reason;
	u64 tag;
};

struct hvk_srp_rsp {
	u64 tag;
	u32 req_lim_delta;
	u8 flags;
	u8 status;		/* SCSI status */
	u32 data_out_res;
	u32 data_in_res;
	const u8 *sense;
	u32 sense_len;
	bool has_resp_code;
	u8 resp_code;
};

struct hvk_adapter_info {
	char srp_version[9];
	char partition_name[97];
	u32 partition_number;
	u32 mad_version;
	u32 os_type;
	u32 max_transfer;	/* bytes, port 0 */
};

/* What the initiator offers in CAPABILITIES. */
struct hvk_caps_offer {
	u32 flags;		/* HVK_CAPS_* */
	const char *name;	/* cut at HVK_CAPS_TEXT_LEN - 1 bytes */
	const char *loc;
	bool migration;		/* list the migration capability */
};

/* The partner's answer to CAPABILITIES. */
struct hvk_caps {
	u16 status;		/* MAD status; nothing below unless 0 */
	u32 flags;
	char name[HVK_CAPS_TEXT_LEN + 1];	/* the server's, or ours echoed */
	bool migration;		/* the offer listed it */
	u16 migration_support;	/* HVK_CAP_UNSUPPORTED .. _SUPPORTED_DATA */
	u32 migration_ecl;
};

/* The 8-byte LUN for channel/target/lun, logical unit addressing. */
u64 hvk_srp_lun(unsigned int channel, unsigned int id, unsigned int lun);
/*
 * Its inverse: the channel, target and lun fields of @word. The
 * addressing method bits and the lower levels are not looked at.
 */
void hvk_srp_lun_split(u64 word, unsigned int *channel, unsigned int *id,
		       unsigned int *lun);

unsigned int hvk_srp_build_login(u8 *iu, u64 tag, u32 it_iu_len);
unsigned int hvk_srp_build_tsk_mgmt(u8 *iu, u64 tag, u64 lun, u8 func,
				    u64 task_tag);
/* Returns the IU length, or -EINVAL for arguments that cannot be sent. */
int hvk_srp_build_cmd(u8 *iu, const struct hvk_srp_cmd_args *a);
unsigned int hvk_mad_build_adapter_info(u8 *iu, u64 tag, u64 buf_ioba);
unsigned int hvk_mad_build_fast_fail(u8 *iu, u64 tag);
/* The capabilities data @o describes: its length (at most HVK_CAPS_MAX_LEN). */
unsigned int hvk_caps_len(const struct hvk_caps_offer *o);
/*
 * The CAPABILITIES MAD in @iu and the data it points at (@buf_ioba) in
 * @data, which has room for hvk_caps_len(@o) bytes. Returns the MAD's
 * length.
 */
unsigned int hvk_mad_build_capabilities(u8 *iu, u64 tag, u64 buf_ioba, u8 *data,
					const struct hvk_caps_offer *o);

/*
 * Parsers: @iu holds @len bytes as the target wrote them (len is the CRQ
 * entry's IU length, already capped by the caller at its buffer size).
 * 0 when well formed; -EPROTO otherwise.
 */
/*
 * @tag: the login request's. An answer naming another request (a late one
 * for an earlier use of the same IU) is -EPROTO like a malformed one.
 */
int hvk_srp_parse_login(const u8 *iu, unsigned int len, u64 tag,
			struct hvk_srp_login *out);
int hvk_srp_parse_rsp(const u8 *iu, unsigned int len, struct hvk_srp_rsp *out);

/*
 * Whether an accepted login's terms fit the initiator: a grant above the
 * @reserved credit (room for one command), and, once a host was sized by
 * an earlier login (@sized; NULL for the first), no less than it was
 * sized for: the indirect descriptor format if it had it, and as many IU
 * bytes (each counted up to HVK_SRP_IU_MAX). 0, or -ENOSPC for the grant
 * and -EPROTO for the rest.
 */
int hvk_srp_login_fits(const struct hvk_srp_login *login,
		       const struct hvk_srp_login *sized, u32 reserved);
/* The MAD answer (@mad, @len) and the data buffer it filled. */
int hvk_mad_parse_adapter_info(const u8 *mad, unsigned int len, u64 tag,
			       const u8 *data, struct hvk_adapter_info *out);
/*
 * The answer to ENABLE_FAST_FAIL: 0 with the MAD status in @status, or
 * -EPROTO. An empty answer (@len 0: the IU was not written back, QEMU's
 * answer to a MAD type it does not know) is HVK_MAD_NOT_SUPPORTED.
 */
int hvk_mad_parse_fast_fail(const u8 *mad, unsigned int len, u64 tag, u16 *status);
/*
 * The answer to CAPABILITIES (@mad, @len) and the data the partner wrote
 * back over what @o offered (@data: hvk_caps_len(@o) bytes, each read
 * once). 0 with @out->status (an empty answer: HVK_MAD_NOT_SUPPORTED);
 * -EPROTO when the answer does not match the request: another type or
 * tag, a length other than the one sent, a capability list other than
 * the one offered, or a support value the ABI does not define.
 */
int hvk_mad_parse_capabilities(const u8 *mad, unsigned int len, u64 tag,
			       const u8 *data, const struct hvk_caps_offer *o,
			       struct hvk_caps *out);

static inline u8 hvk_srp_opcode(const u8 *iu)
{
	return iu[0];
}

static inline u64 hvk_srp_tag(const u8 *iu)
{
	return hvk_get_be64(iu + 8);
}

#endif /* _HVK_SRP_CODEC_H */
