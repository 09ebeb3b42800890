// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of hvkit-vmm's SCSI disk (tools/hvkit-vmm/scsi_disk.c)
 * on a temporary image file: the answers sd and the midlayer read, data
 * through scatter lists of uneven segments, and CHECK CONDITION with the
 * right sense for what a guest may get wrong.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktest.h"
#include "scsi_disk.h"

#define BLOCKS	64

static u8 image_byte(u64 off)
{
	return (u8)(off * 7 + (off >> 9));
}

/* A disk on a fresh image of BLOCKS blocks of a known pattern. */
static void make_disk(struct hvm_disk *d)
{
	char path[] = "/tmp/hvkit-scsi-XXXXXX";
	static u8 img[BLOCKS * HVM_SCSI_BLOCK];
	u64 i;

	for (i = 0; i < sizeof(img); i++)
		img[i] = image_byte(i);
	memset(d, 0, sizeof(*d));
	d->fd = mkstemp(path);
	unlink(path);
	d->blocks = BLOCKS;
	strcpy(d->serial, "HVKIT0001");
	if (d->fd < 0 || write(d->fd, img, sizeof(img)) != (ssize_t)sizeof(img))
		abort();
}

static u8 buf[3][8192];

/* A list of up to three segments (512, 1000, the rest) holding @total bytes. */
static void make_sg(struct hvm_sg *sg, unsigned int total)
{
	unsigned int first = total < 512 ? total : 512;
	unsigned int second = total - first < 1000 ? total - first : 1000;

	memset(sg, 0, sizeof(*sg));
	memset(buf, 0xee, sizeof(buf));
	hvm_sg_add(sg, buf[0], first);
	if (second)
		hvm_sg_add(sg, buf[1], second);
	if (total > first + second)
		hvm_sg_add(sg, buf[2], total - first - second);
}

static u8 sg_byte(unsigned int i)
{
	if (i < 512)
		return buf[0][i];
	if (i < 1512)
		return buf[1][i - 512];
	return buf[2][i - 1512];
}

static void cdb10(u8 *c, u8 op, u32 lba, u16 count)
{
	memset(c, 0, 16);
	c[0] = op;
	hvk_put_be32(c + 2, lba);
	hvk_put_be16(c + 7, count);
}

static void expect_sense(const struct hvm_scsi_result *r, u8 key, u8 asc)
{
	EXPECT_EQ(r->status, HVM_SAM_CHECK);
	EXPECT_EQ(r->sense_len, 18);
	EXPECT_EQ(r->sense[0], 0x70);
	EXPECT_EQ(r->sense[2], key);
	EXPECT_EQ(r->sense[12], asc);
}

TEST(inquiry_pages)
{
	struct hvm_disk d;
	struct hvm_sg sg;
	struct hvm_scsi_result r;
	u8 c[16] = { 0x12, 0, 0, 0, 96 };

	make_disk(&d);
	make_sg(&sg, 96);
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.status, HVM_SAM_GOOD);
	EXPECT_EQ(r.done, 36);
	EXPECT_EQ(buf[0][0], 0x00);
	EXPECT_EQ(memcmp(buf[0] + 8, "HVKIT   VIRTUAL DISK    0001", 28), 0);
	/* The allocation length cuts the answer. */
	c[4] = 5;
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.done, 5);
	/* No disk at this LUN: peripheral qualifier 3. */
	c[4] = 96;
	hvm_scsi_execute(NULL, c, true, false, &sg, &r);
	EXPECT_EQ(r.status, HVM_SAM_GOOD);
	EXPECT_EQ(buf[0][0], 0x7f);
	/* VPD: supported pages, serial, device identification. */
	c[1] = 1;
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.done, 7);
	EXPECT_EQ(buf[0][5], 0x80);
	c[2] = 0x80;
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.done, 4 + 9);
	EXPECT_EQ(memcmp(buf[0] + 4, "HVKIT0001", 9), 0);
	c[2] = 0x83;
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.done, 16 + 9);
	EXPECT_EQ(buf[0][3], 4 + 8 + 9);
	EXPECT_EQ(memcmp(buf[0] + 8, "HVKIT   HVKIT0001", 17), 0);
	c[2] = 0xb0;
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	expect_sense(&r, HVM_SENSE_ILLEGAL, 0x24);
	close(d.fd);
}

TEST(capacity_both_sizes)
{
	struct hvm_disk d;
	struct hvm_sg sg;
	struct hvm_scsi_result r;
	u8 c[16] = { 0x25 };

	make_disk(&d);
	make_sg(&sg, 32);
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.done, 8);
	EXPECT_EQ(hvk_get_be32(buf[0]), BLOCKS - 1);
	EXPECT_EQ(hvk_get_be32(buf[0] + 4), 512);
	memset(c, 0, sizeof(c));
	c[0] = 0x9e;
	c[1] = 0x10;
	hvk_put_be32(c + 10, 32);
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.done, 32);
	EXPECT_EQ(hvk_get_be64(buf[0]), BLOCKS - 1);
	EXPECT_EQ(hvk_get_be32(buf[0] + 8), 512);
	close(d.fd);
}

TEST(reads_and_writes_through_uneven_segments)
{
	struct hvm_disk d;
	struct hvm_sg sg;
	struct hvm_scsi_result r;
	u8 c[16], back[8192];
	unsigned int i, bad = 0;

	make_disk(&d);
	make_sg(&sg, 8192);
	cdb10(c, 0x28, 3, 16);
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.status, HVM_SAM_GOOD);
	EXPECT_EQ(r.done, 8192);
	for (i = 0; i < 8192; i++)
		bad += sg_byte(i) != image_byte(3 * 512 + i);
	EXPECT_EQ(bad, 0);

	/* WRITE (16) of the list's bytes at LBA 40, read back from the image. */
	for (i = 0; i < 512; i++)
		buf[0][i] = (u8)i;
	memset(c, 0, sizeof(c));
	c[0] = 0x8a;
	hvk_put_be64(c + 2, 40);
	hvk_put_be32(c + 10, 16);
	hvm_scsi_execute(&d, c, false, true, &sg, &r);
	EXPECT_EQ(r.status, HVM_SAM_GOOD);
	EXPECT_EQ(pread(d.fd, back, sizeof(back), 40 * 512), (ssize_t)sizeof(back));
	for (i = 0, bad = 0; i < 8192; i++)
		bad += back[i] != sg_byte(i);
	EXPECT_EQ(bad, 0);
	close(d.fd);
}

TEST(guest_mistakes_get_sense)
{
	struct hvm_disk d;
	struct hvm_sg sg;
	struct hvm_scsi_result r;
	u8 c[16];

	make_disk(&d);
	make_sg(&sg, 4096);
	cdb10(c, 0x28, BLOCKS - 4, 8);		/* past the end */
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	expect_sense(&r, HVM_SENSE_ILLEGAL, 0x21);
	cdb10(c, 0x28, 0xffffffff, 1);
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	expect_sense(&r, HVM_SENSE_ILLEGAL, 0x21);
	cdb10(c, 0x28, 0, 16);			/* more than the list holds */
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	expect_sense(&r, HVM_SENSE_ILLEGAL, 0x24);
	EXPECT_EQ(r.done, 0);
	cdb10(c, 0x2a, 0, 8);			/* a write set up as a read */
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	expect_sense(&r, HVM_SENSE_ILLEGAL, 0x24);
	d.read_only = true;
	hvm_scsi_execute(&d, c, false, true, &sg, &r);
	expect_sense(&r, HVM_SENSE_PROTECT, 0x27);
	d.read_only = false;
	d.blocks = 2 * BLOCKS;			/* the image is shorter than that */
	cdb10(c, 0x28, BLOCKS + 4, 8);
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	expect_sense(&r, HVM_SENSE_MEDIUM, 0x11);
	memset(c, 0, sizeof(c));
	c[0] = 0xc1;				/* no such command */
	hvm_scsi_execute(&d, c, false, false, &sg, &r);
	expect_sense(&r, HVM_SENSE_ILLEGAL, 0x20);
	c[0] = 0x00;				/* TEST UNIT READY, no disk */
	hvm_scsi_execute(NULL, c, false, false, &sg, &r);
	expect_sense(&r, HVM_SENSE_ILLEGAL, 0x25);
	hvm_scsi_execute(&d, c, false, false, &sg, &r);
	EXPECT_EQ(r.status, HVM_SAM_GOOD);
	close(d.fd);
}

TEST(mode_sense_caching_page_and_write_protect)
{
	struct hvm_disk d;
	struct hvm_sg sg;
	struct hvm_scsi_result r;
	u8 c[16] = { 0x1a, 0, 0x3f, 0, 255 };

	make_disk(&d);
	make_sg(&sg, 255);
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.done, 24);
	EXPECT_EQ(buf[0][0], 23);
	EXPECT_EQ(buf[0][2], 0);
	EXPECT_EQ(buf[0][4], 0x08);
	d.read_only = true;
	memset(c, 0, sizeof(c));
	c[0] = 0x5a;
	c[2] = 0x08;
	hvk_put_be16(c + 7, 255);
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	EXPECT_EQ(r.done, 28);
	EXPECT_EQ(hvk_get_be16(buf[0]), 26);
	EXPECT_EQ(buf[0][3], 0x80);
	c[2] = 0x1c;
	hvm_scsi_execute(&d, c, true, false, &sg, &r);
	expect_sense(&r, HVM_SENSE_ILLEGAL, 0x24);
	close(d.fd);
}

TEST(scatter_list_is_bounded)
{
	static struct hvm_sg sg;
	unsigned int i;

	for (i = 0; i < HVM_SG_MAX; i++)
		EXPECT_EQ(hvm_sg_add(&sg, buf[0], 1), 0);
	EXPECT_EQ(hvm_sg_add(&sg, buf[0], 1), -ENOSPC);
	EXPECT_EQ(sg.total, HVM_SG_MAX);
}

/* The v-scsi worker's copies: any offset, across segments, to the list's end. */
TEST(scatter_list_copy_at_an_offset)
{
	u8 a[5], b[3], c[8], buf[16], out[16];
	struct hvm_sg sg;
	unsigned int i;

	memset(&sg, 0, sizeof(sg));
	ASSERT_EQ(hvm_sg_add(&sg, a, sizeof(a)), 0);
	ASSERT_EQ(hvm_sg_add(&sg, b, sizeof(b)), 0);
	ASSERT_EQ(hvm_sg_add(&sg, c, sizeof(c)), 0);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i + 1);
	EXPECT_EQ(hvm_sg_copy_at(&sg, 0, buf, 16, true), 16);
	EXPECT_EQ(a[4], 5);
	EXPECT_EQ(b[0], 6);
	EXPECT_EQ(c[7], 16);
	/* From byte 4 (the last of a) over b into c. */
	memset(out, 0, sizeof(out));
	EXPECT_EQ(hvm_sg_copy_at(&sg, 4, out, 6, false), 6);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(out[i], i + 5);
	/* Past the end: only what the list holds. */
	EXPECT_EQ(hvm_sg_copy_at(&sg, 14, out, 8, false), 2);
	EXPECT_EQ(out[1], 16);
	EXPECT_EQ(hvm_sg_copy_at(&sg, 16, out, 8, false), 0);
	buf[0] = 0xaa;
	EXPECT_EQ(hvm_sg_copy_at(&sg, 8, buf, 1, true), 1);
	EXPECT_EQ(c[0], 0xaa);
}

int main(int argc, char **argv)
{
	return ktest_main(argc, argv);
}
