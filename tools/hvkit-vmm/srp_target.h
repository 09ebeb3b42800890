/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The target's half of the SRP and MAD codec: reading what the initiator
 * sends, writing the answers. Offsets come from srp_wire.h, which the
 * initiator's half (drivers/hv-scsi/srp_codec.c) uses too. Every parser
 * takes the length the guest claims and reads nothing beyond it.
 */
#ifndef _HVM_SRP_TARGET_H
#define _HVM_SRP_TARGET_H

#include "srp_codec.h"

struct hvm_srp_login_req {
	u64 tag;
	u32 it_iu_len;		/* the largest IU the initiator will send */
	u16 buf_fmt;		/* HVK_SRP_BUF_* it can use */
};

struct hvm_srp_tsk_req {
	u64 tag;
	u64 lun;
	u64 task_tag;
	u8 func;
};

/* An SRP_CMD as the target sees it; descriptors are not fetched yet. */
struct hvm_srp_cmd_req {
	u64 tag;
	u64 lun;
	u8 cdb[16];
	u8 task_attr;
	enum hvk_srp_dir dir;
	u8 fmt;			/* HVK_SRP_FMT_* of that direction */
	struct hvk_srp_desc direct;	/* fmt DIRECT: the data buffer */
	struct hvk_srp_desc table;	/* fmt INDIRECT: where the list is */
	u32 total_len;			/* fmt INDIRECT: the sum it claims */
	unsigned int inline_cnt;	/* descriptors carried in the IU */
	const u8 *inline_descs;		/* ... here, inside the parsed IU */
};

struct hvm_mad_req {
	u32 type;
	u64 tag;
	u16 len;		/* bytes of the data buffer */
	u64 buffer;		/* its address (adapter info, capabilities) */
};

/* The largest list hvkit-vmm accepts: as many as fill a 4 KiB page. */
#define HVM_SRP_MAX_DESCS	256

/* 0, or -EPROTO for a request too short or of another opcode. */
int hvm_srp_parse_login_req(const u8 *iu, unsigned int len,
			    struct hvm_srp_login_req *out);
int hvm_srp_parse_tsk_mgmt(const u8 *iu, unsigned int len,
			   struct hvm_srp_tsk_req *out);
/*
 * Also -EPROTO for data in both directions, a format SRP does not define,
 * an inline list that does not fit in @len or a list longer than
 * HVM_SRP_MAX_DESCS.
 */
int hvm_srp_parse_cmd(const u8 *iu, unsigned int len, struct hvm_srp_cmd_req *out);
/* Descriptor @i of a list (16 bytes each). */
void hvm_srp_get_desc(const u8 *list, unsigned int i, struct hvk_srp_desc *d);
int hvm_mad_parse(const u8 *mad, unsigned int len, struct hvm_mad_req *out);

unsigned int hvm_srp_build_login_rsp(u8 *iu, u64 tag, u32 lim_delta, u32 it_iu_len,
				     u32 ti_iu_len, u16 buf_fmt);
unsigned int hvm_srp_build_login_rej(u8 *iu, u64 tag, u32 reason);

/* What an SRP_RSP says; sense (at most 96 bytes) is copied in. */
struct hvm_srp_rsp_args {
	u64 tag;
	u32 lim_delta;
	u8 status;
	u32 data_out_res;	/* with DOUNDER or DOOVER in flags */
	u32 data_in_res;	/* with DIUNDER or DIOVER in flags */
	u8 flags;		/* HVK_SRP_DO*, HVK_SRP_DI* */
	const u8 *sense;
	u32 sense_len;
	bool has_resp_code;	/* task management: 4 bytes of response data */
	u8 resp_code;
};

#define HVM_SRP_SENSE_MAX	96

unsigned int hvm_srp_build_rsp(u8 *iu, const struct hvm_srp_rsp_args *a);

/* The MAD answer: the request's header with @status (0: done). */
void hvm_mad_set_status(u8 *mad, u16 status);
/* HVK_ADAPTER_INFO_DATA_LEN bytes of adapter info at @data. */
void hvm_adapter_info_build(u8 *data, const struct hvk_adapter_info *ai);

/*
 * CAPABILITIES as QEMU's spapr-vscsi answers it, over the first @n
 * (at most HVK_CAPS_MAX_LEN) bytes of the guest's data at @caps: flags,
 * the migration ecl, the reservation type and both server support fields
 * zeroed (nothing supported), the rest as the guest wrote it.
 */
void hvm_caps_answer_qemu(u8 *caps, unsigned int n);
/*
 * CAPABILITIES as a VIOS answers it (Linux's ibmvscsis), over the @len
 * bytes the MAD names at @caps: the server's @name written in, then
 * each capability of the list answered: supported when @supported says
 * so for its type, else not supported and HVK_CAPS_LIST_SUPPORTED
 * cleared from the flags. Returns the MAD status: HVK_MAD_FAILED (and
 * @caps partly answered) when @len is below HVK_CAPS_HDR_LEN or a
 * capability's length is 0 or runs past @len.
 */
u16 hvm_caps_answer_vios(u8 *caps, unsigned int len, const char *name,
			 bool (*supported)(u32 type));

#endif /* _HVM_SRP_TARGET_H */
