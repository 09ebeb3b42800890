// SPDX-License-Identifier: GPL-2.0-only
/*
 * HVSI packet codec; see hvsi_codec.h.
 *
 * Nothing the other side sends is trusted: a length field shorter than
 * the fields its type and verb need is not acted on, and a byte that
 * cannot start a packet is skipped rather than taken as a header, so one
 * corrupt packet costs only itself.
 */
#include "hvsi_codec.h"

unsigned int hvk_hvsi_push(struct hvk_hvsi_rx *rx, const u8 *in,
			   unsigned int len)
{
	unsigned int room = sizeof(rx->buf) - rx->len;

	if (len > room)
		len = room;
	memcpy(rx->buf + rx->len, in, len);
	rx->len += len;
	return len;
}

static void drop_front(struct hvk_hvsi_rx *rx, unsigned int n)
{
	rx->len -= n;
	memmove(rx->buf, rx->buf + n, rx->len);
}

static bool is_packet_type(u8 b)
{
	return b >= HVK_HVSI_RESPONSE;
}

/* The shortest length a packet of this type and verb may have, 0 if the
 * verb is unknown.
 */
static unsigned int min_length(u8 type, u16 verb)
{
	switch (type) {
	case HVK_HVSI_CONTROL:
		if (verb == HVK_HVSI_MODEM_CTL_UPDATE)
			return 10;
		if (verb == HVK_HVSI_SET_MODEM_CTL)
			return HVK_HVSI_CONTROL_LEN;
		return verb == HVK_HVSI_CLOSE_PROTOCOL ? 6 : 0;
	case HVK_HVSI_QUERY:
		if (verb == HVK_HVSI_QUERY_VERSION ||
		    verb == HVK_HVSI_QUERY_MODEM_CTL)
			return HVK_HVSI_QUERY_LEN;
		return 0;
	case HVK_HVSI_RESPONSE:
		if (verb == HVK_HVSI_QUERY_VERSION)
			return 9;
		return verb == HVK_HVSI_QUERY_MODEM_CTL ? 12 : 0;
	}
	return 0;
}

static void parse_fields(const u8 *p, unsigned int len,
			 struct hvk_hvsi_packet *pkt)
{
	pkt->verb = hvk_get_be16(p + 4);
	switch (pkt->type) {
	case HVK_HVSI_CONTROL:
		pkt->word = len >= 10 ? hvk_get_be32(p + 6) : 0;
		pkt->mask = len >= 14 ? hvk_get_be32(p + 10) : 0;
		break;
	case HVK_HVSI_RESPONSE:
		pkt->query_seqno = hvk_get_be16(p + 6);
		if (pkt->verb == HVK_HVSI_QUERY_VERSION)
			pkt->version = p[8];
		else
			pkt->word = hvk_get_be32(p + 8);
		break;
	}
}

int hvk_hvsi_next(struct hvk_hvsi_rx *rx, struct hvk_hvsi_packet *pkt)
{
	unsigned int len, need;
	const u8 *p = rx->buf;

	for (;;) {
		/* Resynchronise on the next byte that can start a packet. */
		while (rx->len && !is_packet_type(p[0])) {
			rx->bad_type++;
			drop_front(rx, 1);
		}
		if (rx->len < HVK_HVSI_HDR_LEN)
			return 0;
		len = p[1];
		if (len < HVK_HVSI_HDR_LEN ||
		    (p[0] != HVK_HVSI_DATA && len < HVK_HVSI_HDR_LEN + 2)) {
			rx->bad_length++;
			drop_front(rx, 1);
			continue;
		}
		if (rx->len < len)
			return 0;

		memset(pkt, 0, offsetof(struct hvk_hvsi_packet, data));
		pkt->type = p[0];
		pkt->seqno = hvk_get_be16(p + 2);
		if (pkt->type == HVK_HVSI_DATA) {
			pkt->data_len = len - HVK_HVSI_HDR_LEN;
			memcpy(pkt->data, p + HVK_HVSI_HDR_LEN, pkt->data_len);
			drop_front(rx, len);
			return 1;
		}
		need = min_length(pkt->type, hvk_get_be16(p + 4));
		if (!need) {
			/* Well formed, but nothing we can act on. */
			rx->bad_verb++;
			drop_front(rx, len);
			continue;
		}
		if (len < need) {
			rx->bad_length++;
			drop_front(rx, 1);
			continue;
		}
		parse_fields(p, len, pkt);
		drop_front(rx, len);
		return 1;
	}
}

/*
 * Search for the next data packet with bytes in it; the other packets
 * go to @ops->packet on the way. 1: found, in->pkt holds it; 0: nothing
 * is waiting; -EAGAIN: the read's answers (*@budget) are spent; another
 * negative errno: @ops->answer failed.
 */
static int fetch(struct hvk_hvsi_in *in, const struct hvk_hvsi_in_ops *ops,
		 void *ctx, unsigned int *budget)
{
	int n;

	for (;;) {
		/* What did not fit after the last answer goes in first. */
		if (in->raw_pos < in->raw_len)
			in->raw_pos += hvk_hvsi_push(&in->rx,
						     in->raw + in->raw_pos,
						     in->raw_len - in->raw_pos);
		while (hvk_hvsi_next(&in->rx, &in->pkt) == 1) {
			if (in->pkt.type != HVK_HVSI_DATA) {
				ops->packet(ctx, &in->pkt);
				continue;
			}
			if (!in->pkt.data_len)
				continue;
			in->data_pos = 0;
			in->data_len = in->pkt.data_len;
			return 1;
		}
		/* next() has made room: the rest of the answer goes in now. */
		if (in->raw_pos < in->raw_len)
			continue;
		/* Packets without data can come without end. */
		if (!*budget)
			return -EAGAIN;
		--*budget;
		n = ops->answer(ctx, in->raw);
		if (n <= 0)
			return n;
		if (n > HVK_HVSI_ANSWER_MAX)
			n = HVK_HVSI_ANSWER_MAX;
		in->raw_pos = 0;
		in->raw_len = (unsigned int)n;
	}
}

unsigned int hvk_hvsi_read(struct hvk_hvsi_in *in,
			   const struct hvk_hvsi_in_ops *ops, void *ctx,
			   u8 *out, unsigned int count, bool *again)
{
	unsigned int budget = HVK_HVSI_ANSWERS_PER_READ;
	unsigned int got = 0, take;
	int fetched = 0;

	while (got < count) {
		if (in->data_pos == in->data_len) {
			fetched = fetch(in, ops, ctx, &budget);
			if (fetched <= 0)
				break;
		}
		take = in->data_len - in->data_pos;
		if (take > count - got)
			take = count - got;
		memcpy(out + got, in->pkt.data + in->data_pos, take);
		in->data_pos += take;
		got += take;
	}
	*again = fetched == -EAGAIN;
	if (*again)
		in->reads_cut++;
	return got;
}

static void put_header(u8 *out, u8 type, unsigned int len, u16 seqno)
{
	out[0] = type;
	out[1] = (u8)len;
	hvk_put_be16(out + 2, seqno);
}

unsigned int hvk_hvsi_build_data(u8 *out, u16 seqno, const u8 *data,
				 unsigned int len)
{
	if (len > HVK_HVSI_MAX_DATA)
		len = HVK_HVSI_MAX_DATA;
	put_header(out, HVK_HVSI_DATA, HVK_HVSI_HDR_LEN + len, seqno);
	memcpy(out + HVK_HVSI_HDR_LEN, data, len);
	return HVK_HVSI_HDR_LEN + len;
}

unsigned int hvk_hvsi_build_control(u8 *out, u16 seqno, u16 verb, u32 word,
				    u32 mask)
{
	put_header(out, HVK_HVSI_CONTROL, HVK_HVSI_CONTROL_LEN, seqno);
	hvk_put_be16(out + 4, verb);
	hvk_put_be32(out + 6, word);
	hvk_put_be32(out + 10, mask);
	return HVK_HVSI_CONTROL_LEN;
}

unsigned int hvk_hvsi_build_query(u8 *out, u16 seqno, u16 verb)
{
	put_header(out, HVK_HVSI_QUERY, HVK_HVSI_QUERY_LEN, seqno);
	hvk_put_be16(out + 4, verb);
	return HVK_HVSI_QUERY_LEN;
}

unsigned int hvk_hvsi_build_version_response(u8 *out, u16 seqno,
					     u16 query_seqno)
{
	put_header(out, HVK_HVSI_RESPONSE, HVK_HVSI_RESPONSE_LEN, seqno);
	hvk_put_be16(out + 4, HVK_HVSI_QUERY_VERSION);
	hvk_put_be16(out + 6, query_seqno);
	/* The version is the first byte of the 4-byte value field. */
	out[8] = HVK_HVSI_VERSION;
	out[9] = 0;
	out[10] = 0;
	out[11] = 0;
	return HVK_HVSI_RESPONSE_LEN;
}
