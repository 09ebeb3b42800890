/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HVSI, the packet protocol of "hvterm-protocol" vtys: every byte on the
 * vty belongs to a packet that starts with a 4-byte header (type, total
 * length, big-endian sequence number). Data travels in data packets;
 * control, query and query-response packets carry the version handshake
 * and the modem lines (DTR from the guest, carrier detect from the
 * hypervisor's side).
 *
 * Portable (kernel, host unit tests, fuzzers). The receiver reassembles
 * packets from the 16-byte pieces H_GET_TERM_CHAR returns and checks each
 * before anything of it is used; the builders lay out what the guest sends.
 */
#ifndef _HVK_HVSI_CODEC_H
#define _HVK_HVSI_CODEC_H

#include "hvk_portable.h"

#define HVK_HVSI_DATA		0xff
#define HVK_HVSI_CONTROL	0xfe
#define HVK_HVSI_QUERY		0xfd
#define HVK_HVSI_RESPONSE	0xfc

#define HVK_HVSI_HDR_LEN	4
/* The length field is one byte: no packet is longer. */
#define HVK_HVSI_MAX_PACKET	255
#define HVK_HVSI_MAX_DATA	(HVK_HVSI_MAX_PACKET - HVK_HVSI_HDR_LEN)
/* What one 16-byte H_PUT_TERM_CHAR can carry in a data packet. */
#define HVK_HVSI_DATA_PER_CALL	12

/* Control verbs. */
#define HVK_HVSI_SET_MODEM_CTL		1	/* guest -> hypervisor */
#define HVK_HVSI_MODEM_CTL_UPDATE	2	/* hypervisor -> guest */
#define HVK_HVSI_CLOSE_PROTOCOL		3	/* either way */
/* Query verbs. */
#define HVK_HVSI_QUERY_VERSION		1
#define HVK_HVSI_QUERY_MODEM_CTL	2

/* Modem-control bits in the control and response words. */
#define HVK_HVSI_DTR		0x01
#define HVK_HVSI_CD		0x20

#define HVK_HVSI_VERSION	1

/* Packet lengths by type (data: header plus 0..251 bytes). */
#define HVK_HVSI_CONTROL_LEN	14	/* header, verb, word, mask */
#define HVK_HVSI_QUERY_LEN	6	/* header, verb */
#define HVK_HVSI_RESPONSE_LEN	12	/* header, verb, seqno, 4-byte value */

struct hvk_hvsi_packet {
	u8 type;
	u16 seqno;
	u16 verb;		/* control, query, response */
	u16 query_seqno;	/* response: the query it answers */
	u32 word;		/* control word; response: mctrl word */
	u32 mask;		/* control */
	u8 version;		/* response to a version query */
	unsigned int data_len;	/* data */
	u8 data[HVK_HVSI_MAX_DATA];
};

struct hvk_hvsi_rx {
	u8 buf[HVK_HVSI_MAX_PACKET];
	unsigned int len;
	/* What was thrown away, and why. */
	u64 bad_type;		/* bytes skipped looking for a packet start */
	u64 bad_length;		/* headers with a length impossible for the type */
	u64 bad_verb;		/* well-formed packets with a verb we don't know */
};

/*
 * Append up to @len received bytes. Returns how many were taken: fewer
 * than @len only when the buffer is full, which hvk_hvsi_next() empties.
 */
unsigned int hvk_hvsi_push(struct hvk_hvsi_rx *rx, const u8 *in,
			   unsigned int len);

/*
 * Take the next complete packet out of the buffer into @pkt. Returns 1
 * when one was taken, 0 when more bytes are needed. Bytes that cannot
 * start a packet and packets with a length impossible for their type are
 * skipped and counted, so the stream resynchronises at the next header.
 */
int hvk_hvsi_next(struct hvk_hvsi_rx *rx, struct hvk_hvsi_packet *pkt);

/* The most bytes one H_GET_TERM_CHAR answer carries. */
#define HVK_HVSI_ANSWER_MAX	16

/*
 * Answers (hypercalls) one hvk_hvsi_read() asks for at most. The hvc core
 * reads with interrupts off, and a hypervisor can send packets without
 * data for ever: the read must end. 32 answers hold the longest packet
 * wherever it starts in a full answer, twice over; a packet that comes in
 * smaller answers is finished by the next reads, since the reassembly
 * state lives on between them.
 */
#define HVK_HVSI_ANSWERS_PER_READ	32

/*
 * The input side of one HVSI vty: packets reassembled from the answers,
 * the data packet being handed out, and what of the last answer did not
 * fit into the reassembly buffer yet.
 */
struct hvk_hvsi_in {
	struct hvk_hvsi_rx rx;
	struct hvk_hvsi_packet pkt;
	unsigned int data_pos, data_len;	/* of pkt, while it is data */
	u8 raw[HVK_HVSI_ANSWER_MAX];
	unsigned int raw_pos, raw_len;
	u64 reads_cut;		/* reads that spent the answer budget */
};

/* What hvk_hvsi_read() asks of its caller. */
struct hvk_hvsi_in_ops {
	/*
	 * One answer from the hypervisor into @raw (at most
	 * HVK_HVSI_ANSWER_MAX bytes): the byte count, 0 when nothing is
	 * waiting, or a negative errno.
	 */
	int (*answer)(void *ctx, u8 *raw);
	/* A packet other than data, for the protocol. */
	void (*packet)(void *ctx, const struct hvk_hvsi_packet *pkt);
};

/*
 * Up to @count bytes of the data packets that arrive into @out, asking
 * @ops->answer for at most HVK_HVSI_ANSWERS_PER_READ answers. Returns the
 * bytes read; *@again is set (and reads_cut counted) when the read
 * stopped at that budget with input maybe still waiting, cleared
 * otherwise.
 */
unsigned int hvk_hvsi_read(struct hvk_hvsi_in *in,
			   const struct hvk_hvsi_in_ops *ops, void *ctx,
			   u8 *out, unsigned int count, bool *again);

/* Builders: each returns the packet length written to @out. */
unsigned int hvk_hvsi_build_data(u8 *out, u16 seqno, const u8 *data,
				 unsigned int len);
unsigned int hvk_hvsi_build_control(u8 *out, u16 seqno, u16 verb, u32 word,
				    u32 mask);
unsigned int hvk_hvsi_build_query(u8 *out, u16 seqno, u16 verb);
unsigned int hvk_hvsi_build_version_response(u8 *out, u16 seqno,
					     u16 query_seqno);

#endif /* _HVK_HVSI_CODEC_H */
