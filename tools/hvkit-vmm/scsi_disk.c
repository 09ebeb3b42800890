// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's SCSI disk; see scsi_disk.h. SPC-3 and SBC-3, fixed-format
 * sense, 512-byte blocks.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "scsi_disk.h"

/* Additional sense codes. */
#define ASC_INVALID_OPCODE	0x20
#define ASC_LBA_RANGE		0x21
#define ASC_INVALID_FIELD	0x24
#define ASC_LUN_NOT_SUPPORTED	0x25
#define ASC_WRITE_PROTECTED	0x27
#define ASC_WRITE_ERROR		0x0c
#define ASC_READ_ERROR		0x11

#define INQUIRY_STD_LEN		36
#define MODE_CACHING_PAGE	0x08
#define MODE_ALL_PAGES		0x3f
#define MODE_CACHING_LEN	20

int hvm_sg_add(struct hvm_sg *sg, u8 *host, u32 len)
{
	if (sg->n == HVM_SG_MAX)
		return -ENOSPC;
	sg->seg[sg->n].host = host;
	sg->seg[sg->n].len = len;
	sg->n++;
	sg->total += len;
	return 0;
}

/*
 * The walk of a transfer of @len bytes over @sg from byte @from of the
 * list: @fn gets each segment's part (@host, @take bytes) and where in the
 * transfer it begins (@pos), until @len bytes or the list end. Returns
 * @fn's first error, or 0; *@done is the bytes walked without error.
 */
static int sg_walk(struct hvm_sg *sg, u64 from, u64 len, u64 *done,
		   int (*fn)(void *ctx, u8 *host, u64 take, u64 pos), void *ctx)
{
	u64 skip = from, seg, take;
	unsigned int i;
	int err;

	*done = 0;
	for (i = 0; i < sg->n && *done < len; i++) {
		seg = sg->seg[i].len;
		if (skip >= seg) {
			skip -= seg;
			continue;
		}
		take = len - *done < seg - skip ? len - *done : seg - skip;
		err = fn(ctx, sg->seg[i].host + skip, take, *done);
		if (err)
			return err;
		*done += take;
		skip = 0;
	}
	return 0;
}

static int seg_copy_in(void *ctx, u8 *host, u64 take, u64 pos)
{
	memcpy(host, (const u8 *)ctx + pos, take);
	return 0;
}

static int seg_copy_out(void *ctx, u8 *host, u64 take, u64 pos)
{
	memcpy((u8 *)ctx + pos, host, take);
	return 0;
}

u64 hvm_sg_copy_in(struct hvm_sg *sg, const u8 *buf, u64 len)
{
	u64 done;

	/* seg_copy_in only reads its context. */
	sg_walk(sg, 0, len, &done, seg_copy_in, (void *)buf);
	return done;
}

u64 hvm_sg_copy_at(struct hvm_sg *sg, u64 pos, u8 *buf, u64 len, bool to_sg)
{
	u64 done;

	sg_walk(sg, pos, len, &done, to_sg ? seg_copy_in : seg_copy_out, buf);
	return done;
}

/* One segment's part of a transfer, at image offset @off; 0 or -errno. */
static int seg_image_io(int fd, u8 *host, u64 len, u64 off, bool write)
{
	u64 pos = 0;
	ssize_t n;

	while (pos < len) {
		n = write ? pwrite(fd, host + pos, len - pos, (off_t)(off + pos)) :
			    pread(fd, host + pos, len - pos, (off_t)(off + pos));
		if (n < 0 && errno == EINTR)
			continue;
		/* 0: the image ends before the disk size it was given. */
		if (n <= 0)
			return n ? -errno : -EIO;
		pos += (u64)n;
	}
	return 0;
}

struct image_io {
	int fd;
	u64 off;		/* where the transfer starts in the image */
	bool write;
};

static int seg_image_walk(void *ctx, u8 *host, u64 take, u64 pos)
{
	const struct image_io *io = ctx;

	return seg_image_io(io->fd, host, take, io->off + pos, io->write);
}

/* Move @len bytes between the image at @off and the list; 0 or -errno. */
static int sg_image_io(struct hvm_sg *sg, int fd, u64 off, u64 len, bool write)
{
	struct image_io io = { .fd = fd, .off = off, .write = write };
	u64 done;
	int err = sg_walk(sg, 0, len, &done, seg_image_walk, &io);

	if (err)
		return err;
	return done == len ? 0 : -EIO;
}

void hvm_scsi_check(struct hvm_scsi_result *res, u8 key, u8 asc, u8 ascq)
{
	res->status = HVM_SAM_CHECK;
	memset(res->sense, 0, sizeof(res->sense));
	res->sense[0] = 0x70;		/* current error, fixed format */
	res->sense[2] = key;
	res->sense[7] = sizeof(res->sense) - 8;
	res->sense[12] = asc;
	res->sense[13] = ascq;
	res->sense_len = sizeof(res->sense);
}

void hvm_scsi_reply(struct hvm_scsi_result *res, struct hvm_sg *sg, bool dir_in,
		    const u8 *buf, u64 len, u64 alloc)
{
	if (len > alloc)
		len = alloc;
	res->done = dir_in ? hvm_sg_copy_in(sg, buf, len) : 0;
}

static void put_text(u8 *dst, const char *s, unsigned int width)
{
	size_t n = strlen(s);

	memset(dst, ' ', width);
	memcpy(dst, s, n < width ? n : width);
}

static void inquiry_standard(const struct hvm_disk *disk, u8 *b)
{
	memset(b, 0, INQUIRY_STD_LEN);
	/* No disk: "not capable of supporting a device at this LUN". */
	b[0] = disk ? 0x00 : 0x7f;
	b[2] = 0x05;			/* SPC-3 */
	b[3] = 0x02;			/* response data format */
	b[4] = INQUIRY_STD_LEN - 5;
	b[7] = 0x02;			/* CmdQue */
	put_text(b + 8, "HVKIT", 8);
	put_text(b + 16, "VIRTUAL DISK", 16);
	put_text(b + 32, "0001", 4);
}

/* A VPD page into @b; its length, or 0 for a page this disk lacks. */
static unsigned int inquiry_vpd(const struct hvm_disk *disk, u8 page, u8 *b)
{
	size_t sn = strlen(disk->serial);

	memset(b, 0, 4);
	b[1] = page;
	switch (page) {
	case 0x00:
		b[3] = 3;
		b[4] = 0x00;
		b[5] = 0x80;
		b[6] = 0x83;
		return 7;
	case 0x80:
		b[3] = (u8)sn;
		memcpy(b + 4, disk->serial, sn);
		return 4 + (unsigned int)sn;
	case 0x83:
		/* One designator: T10 vendor ID, ASCII, of the unit. */
		b[4] = 0x02;
		b[5] = 0x01;
		b[6] = 0;
		b[7] = (u8)(8 + sn);
		put_text(b + 8, "HVKIT", 8);
		memcpy(b + 16, disk->serial, sn);
		b[3] = (u8)(4 + 8 + sn);
		return 16 + (unsigned int)sn;
	default:
		return 0;
	}
}

static void do_inquiry(struct hvm_disk *disk, const u8 *cdb, bool dir_in,
		       struct hvm_sg *sg, struct hvm_scsi_result *res)
{
	u16 alloc = hvk_get_be16(cdb + 3);
	u8 buf[64];
	unsigned int len;

	if (!(cdb[1] & 1)) {
		if (cdb[2])
			return hvm_scsi_check(res, HVM_SENSE_ILLEGAL, ASC_INVALID_FIELD, 0);
		inquiry_standard(disk, buf);
		return hvm_scsi_reply(res, sg, dir_in, buf, INQUIRY_STD_LEN, alloc);
	}
	if (!disk)
		return hvm_scsi_check(res, HVM_SENSE_ILLEGAL, ASC_LUN_NOT_SUPPORTED, 0);
	len = inquiry_vpd(disk, cdb[2], buf);
	if (!len)
		return hvm_scsi_check(res, HVM_SENSE_ILLEGAL, ASC_INVALID_FIELD, 0);
	hvm_scsi_reply(res, sg, dir_in, buf, len, alloc);
}

static void do_request_sense(const u8 *cdb, bool dir_in, struct hvm_sg *sg,
			     struct hvm_scsi_result *res)
{
	u8 buf[18] = { 0x70, 0, 0, 0, 0, 0, 0, 10 };

	hvm_scsi_reply(res, sg, dir_in, buf, sizeof(buf), cdb[4]);
}

static void do_read_capacity(struct hvm_disk *disk, const u8 *cdb, bool dir_in,
			     struct hvm_sg *sg, struct hvm_scsi_result *res)
{
	u64 last = disk->blocks ? disk->blocks - 1 : 0;
	u8 buf[32] = { 0 };

	if (cdb[0] == 0x25) {
		hvk_put_be32(buf, last > 0xffffffffULL ? 0xffffffffU : (u32)last);
		hvk_put_be32(buf + 4, HVM_SCSI_BLOCK);
		return hvm_scsi_reply(res, sg, dir_in, buf, 8, 8);
	}
	hvk_put_be64(buf, last);
	hvk_put_be32(buf + 8, HVM_SCSI_BLOCK);
	hvm_scsi_reply(res, sg, dir_in, buf, sizeof(buf), hvk_get_be32(cdb + 10));
}

static void do_mode_sense(struct hvm_disk *disk, const u8 *cdb, bool dir_in,
			  struct hvm_sg *sg, struct hvm_scsi_result *res)
{
	bool ten = cdb[0] == 0x5a;
	unsigned int hdr = ten ? 8 : 4, len = hdr;
	u8 page = cdb[2] & 0x3f;
	u8 buf[8 + MODE_CACHING_LEN] = { 0 };

	if (page != MODE_CACHING_PAGE && page != MODE_ALL_PAGES)
		return hvm_scsi_check(res, HVM_SENSE_ILLEGAL, ASC_INVALID_FIELD, 0);
	/* The caching page, write cache off: every write is on the image. */
	buf[hdr] = MODE_CACHING_PAGE;
	buf[hdr + 1] = MODE_CACHING_LEN - 2;
	len += MODE_CACHING_LEN;
	if (ten) {
		hvk_put_be16(buf, (u16)(len - 2));
		buf[3] = disk->read_only ? 0x80 : 0;
	} else {
		buf[0] = (u8)(len - 1);
		buf[2] = disk->read_only ? 0x80 : 0;
	}
	hvm_scsi_reply(res, sg, dir_in, buf, len, ten ? hvk_get_be16(cdb + 7) : cdb[4]);
}

/* READ (10), WRITE (10), READ (16), WRITE (16) */
bool hvm_scsi_is_rw(const u8 *cdb)
{
	return cdb[0] == 0x28 || cdb[0] == 0x2a || cdb[0] == 0x88 || cdb[0] == 0x8a;
}

/* SYNCHRONIZE CACHE (10), (16) */
bool hvm_scsi_is_sync(const u8 *cdb)
{
	return cdb[0] == 0x35 || cdb[0] == 0x91;
}

bool hvm_scsi_rw_prepare(struct hvm_disk *disk, const u8 *cdb, bool dir_in, bool dir_out,
			 u64 sg_total, struct hvm_scsi_rw *rw, struct hvm_scsi_result *res)
{
	bool sixteen = cdb[0] == 0x88 || cdb[0] == 0x8a;
	u64 lba = sixteen ? hvk_get_be64(cdb + 2) : hvk_get_be32(cdb + 2);
	u64 count = sixteen ? hvk_get_be32(cdb + 10) : hvk_get_be16(cdb + 7);

	memset(res, 0, sizeof(*res));
	rw->write = cdb[0] == 0x2a || cdb[0] == 0x8a;
	rw->off = lba * HVM_SCSI_BLOCK;
	rw->bytes = count * HVM_SCSI_BLOCK;
	if (lba > disk->blocks || count > disk->blocks - lba) {
		hvm_scsi_check(res, HVM_SENSE_ILLEGAL, ASC_LBA_RANGE, 0);
		return false;
	}
	if (count && (rw->bytes > sg_total || (rw->write ? !dir_out : !dir_in))) {
		hvm_scsi_check(res, HVM_SENSE_ILLEGAL, ASC_INVALID_FIELD, 0);
		return false;
	}
	if (rw->write && disk->read_only) {
		hvm_scsi_check(res, HVM_SENSE_PROTECT, ASC_WRITE_PROTECTED, 0);
		return false;
	}
	return true;
}

int hvm_scsi_image_io(struct hvm_disk *disk, u8 *buf, u64 len, u64 off, bool write)
{
	return seg_image_io(disk->fd, buf, len, off, write);
}

void hvm_scsi_rw_failed(struct hvm_scsi_result *res, bool write)
{
	res->done = 0;
	hvm_scsi_check(res, HVM_SENSE_MEDIUM, write ? ASC_WRITE_ERROR : ASC_READ_ERROR, 0);
}

static void do_rw(struct hvm_disk *disk, const u8 *cdb, bool dir_in, bool dir_out,
		  struct hvm_sg *sg, struct hvm_scsi_result *res)
{
	struct hvm_scsi_rw rw;

	if (!hvm_scsi_rw_prepare(disk, cdb, dir_in, dir_out, sg->total, &rw, res))
		return;
	if (sg_image_io(sg, disk->fd, rw.off, rw.bytes, rw.write))
		return hvm_scsi_rw_failed(res, rw.write);
	res->done = rw.bytes;
}

void hvm_scsi_sync(struct hvm_disk *disk, struct hvm_scsi_result *res)
{
	memset(res, 0, sizeof(*res));
	if (fdatasync(disk->fd) && errno != EINVAL)
		hvm_scsi_check(res, HVM_SENSE_MEDIUM, ASC_WRITE_ERROR, 0);
}

void hvm_scsi_execute(struct hvm_disk *disk, const u8 *cdb, bool dir_in, bool dir_out,
		      struct hvm_sg *sg, struct hvm_scsi_result *res)
{
	memset(res, 0, sizeof(*res));
	if (cdb[0] == 0x12)
		return do_inquiry(disk, cdb, dir_in, sg, res);
	if (cdb[0] == 0x03)
		return do_request_sense(cdb, dir_in, sg, res);
	if (!disk)
		return hvm_scsi_check(res, HVM_SENSE_ILLEGAL, ASC_LUN_NOT_SUPPORTED, 0);
	if (hvm_scsi_is_rw(cdb))
		return do_rw(disk, cdb, dir_in, dir_out, sg, res);
	if (hvm_scsi_is_sync(cdb))
		return hvm_scsi_sync(disk, res);
	switch (cdb[0]) {
	case 0x00:			/* TEST UNIT READY */
	case 0x1e:			/* PREVENT ALLOW MEDIUM REMOVAL */
		return;
	case 0x25:			/* READ CAPACITY (10) */
		return do_read_capacity(disk, cdb, dir_in, sg, res);
	case 0x9e:			/* SERVICE ACTION IN (16) */
		if ((cdb[1] & 0x1f) == 0x10)
			return do_read_capacity(disk, cdb, dir_in, sg, res);
		break;
	case 0x1a:			/* MODE SENSE (6) */
	case 0x5a:			/* MODE SENSE (10) */
		return do_mode_sense(disk, cdb, dir_in, sg, res);
	}
	hvm_scsi_check(res, HVM_SENSE_ILLEGAL, ASC_INVALID_OPCODE, 0);
}
