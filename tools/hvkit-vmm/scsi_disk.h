/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit-vmm's SCSI disk: the commands Linux's sd and the SCSI midlayer
 * send to a direct-access device, executed on an image file. The data
 * phase goes through a scatter list of guest memory that the v-scsi model
 * has already checked (every segment inside guest RAM); the CDB is the
 * guest's and is checked here.
 */
#ifndef _HVM_SCSI_DISK_H
#define _HVM_SCSI_DISK_H

#include <stdbool.h>

#include "hvk_portable.h"

#define HVM_SCSI_BLOCK		512
#define HVM_SG_MAX		256

/* SCSI status and sense keys this disk uses. */
#define HVM_SAM_GOOD		0x00
#define HVM_SAM_CHECK		0x02
#define HVM_SENSE_ILLEGAL	0x05
#define HVM_SENSE_MEDIUM	0x03
#define HVM_SENSE_PROTECT	0x07

struct hvm_sg {
	struct {
		u8 *host;
		u32 len;
	} seg[HVM_SG_MAX];
	unsigned int n;
	u64 total;
};

struct hvm_disk {
	int fd;			/* the image, opened by the caller */
	u64 blocks;		/* of HVM_SCSI_BLOCK bytes */
	bool read_only;
	char serial[21];	/* unit serial number (VPD page 0x80) */
};

struct hvm_scsi_result {
	u8 status;
	u8 sense[18];		/* fixed format, when status is CHECK */
	u32 sense_len;
	u64 done;		/* bytes moved in the data phase */
};

/* Append a segment; -ENOSPC when the list is full. */
int hvm_sg_add(struct hvm_sg *sg, u8 *host, u32 len);

/*
 * Execute @cdb (16 bytes, the unused tail zero) on @disk, or for a LUN
 * with no disk behind it when @disk is NULL. @dir_in/@dir_out say which
 * way the initiator set up @sg; a command whose data would go the other
 * way, or would not fit, fails with ILLEGAL REQUEST.
 */
void hvm_scsi_execute(struct hvm_disk *disk, const u8 *cdb, bool dir_in, bool dir_out,
		      struct hvm_sg *sg, struct hvm_scsi_result *res);

/* CHECK CONDITION with fixed-format sense @key/@asc/@ascq. */
void hvm_scsi_check(struct hvm_scsi_result *res, u8 key, u8 asc, u8 ascq);

/*
 * The data-in of a reply built in @buf (@len bytes): at most @alloc (the
 * CDB's allocation length) and what @sg holds goes to the initiator, and
 * only when it set up data-in (@dir_in); res->done says how much.
 */
void hvm_scsi_reply(struct hvm_scsi_result *res, struct hvm_sg *sg, bool dir_in,
		    const u8 *buf, u64 len, u64 alloc);

/* Copy @len bytes of @buf into @sg from its start; returns the bytes copied. */
u64 hvm_sg_copy_in(struct hvm_sg *sg, const u8 *buf, u64 len);

/*
 * The parts of a READ or WRITE for a caller that moves the data itself
 * (the v-scsi worker: image I/O without the VM's lock, guest memory with
 * it). hvm_scsi_execute() is these run back to back.
 */
struct hvm_scsi_rw {
	u64 off;		/* in the image, bytes */
	u64 bytes;
	bool write;
};

/* READ/WRITE (10) or (16); SYNCHRONIZE CACHE (10) or (16). */
bool hvm_scsi_is_rw(const u8 *cdb);
bool hvm_scsi_is_sync(const u8 *cdb);

/*
 * Check a READ or WRITE as hvm_scsi_execute() would: true with @rw set
 * when data is to move (@res GOOD so far), false with @res final.
 */
bool hvm_scsi_rw_prepare(struct hvm_disk *disk, const u8 *cdb, bool dir_in, bool dir_out,
			 u64 sg_total, struct hvm_scsi_rw *rw, struct hvm_scsi_result *res);

/* Move @len bytes between @buf and the image at @off; 0 or -errno. */
int hvm_scsi_image_io(struct hvm_disk *disk, u8 *buf, u64 len, u64 off, bool write);

/* The image I/O failed: MEDIUM ERROR, nothing done. */
void hvm_scsi_rw_failed(struct hvm_scsi_result *res, bool write);

/* SYNCHRONIZE CACHE on @disk (it touches no guest memory). */
void hvm_scsi_sync(struct hvm_disk *disk, struct hvm_scsi_result *res);

/*
 * Copy @len bytes between @buf and @sg from byte @pos of the list (into
 * the list when @to_sg); returns the bytes copied.
 */
u64 hvm_sg_copy_at(struct hvm_sg *sg, u64 pos, u8 *buf, u64 len, bool to_sg);

#endif /* _HVM_SCSI_DISK_H */
