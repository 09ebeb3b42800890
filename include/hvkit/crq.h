/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvkit CRQ transport: the Command/Response Queue that PAPR v-scsi (and
 * other CRQ protocols) run on. The transport owns the queue page, its
 * registration, the interrupt, the init handshake and the transport
 * events; the protocol on top sees validated payload entries and three
 * callbacks. See Documentation/hv-scsi.rst.
 */
#ifndef _HVKIT_CRQ_H
#define _HVKIT_CRQ_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvkit/busy.h>
#include <hvkit/crq_codec.h>
#include <hvkit/drain.h>
#include <hvkit/vio.h>

struct hvk_crq;

enum hvk_crq_down {
	HVK_CRQ_DOWN_PARTNER_LOST,	/* failed or deregistered: reconnecting */
	HVK_CRQ_DOWN_MIGRATED,		/* re-enabled after migration */
	/*
	 * The reset after one of the above failed (the queue could not be
	 * registered again): nothing will answer until hvk_crq_reset()
	 * succeeds, and the transport will not try again by itself.
	 */
	HVK_CRQ_DOWN_FAILED,
};

struct hvk_crq_ops {
	/*
	 * The handshake completed: the protocol may start (log in). Called
	 * in softirq context with the transport's lock held.
	 */
	void (*up)(struct hvk_crq *crq);
	/*
	 * A payload entry (byte 0 = 0x80), in softirq context (a drain
	 * round, interrupts enabled), in the order the partner wrote them,
	 * with no lock of the transport held.
	 */
	void (*message)(struct hvk_crq *crq, const struct hvk_crq_msg *msg);
	/*
	 * The link went down; the transport is reconnecting and calls up()
	 * again when the partner is back, or it says it could not
	 * (HVK_CRQ_DOWN_FAILED) with a second call. Process context.
	 */
	void (*down)(struct hvk_crq *crq, enum hvk_crq_down why);
};

enum hvk_crq_counter {
	HVK_CRQ_ENTRIES,	/* payload entries delivered */
	HVK_CRQ_INVALID,	/* entries of no known kind, dropped */
	HVK_CRQ_EARLY,		/* payload before the handshake, dropped */
	HVK_CRQ_INITS,		/* handshakes completed */
	HVK_CRQ_PARTNER_LOST,
	HVK_CRQ_MIGRATIONS,
	HVK_CRQ_RESETS,		/* queue freed and registered again */
	HVK_CRQ_SEND_ERRORS,	/* H_SEND_CRQ failures other than H_CLOSED */
	HVK_CRQ_SEND_CLOSED,	/* H_SEND_CRQ answered H_CLOSED */
	HVK_CRQ_INTERRUPTS,
	HVK_CRQ_IGNORED,	/* init entries the state did not expect */
	HVK_CRQ_ROUNDS,		/* drain rounds run */
	HVK_CRQ_BUDGET_SPENT,	/* rounds that ended on crq_budget */
	HVK_CRQ_ENABLE_FAILURES, /* H_VIO_SIGNAL on failed: polled instead */
	HVK_CRQ_RESETS_PACED,	/* event work delayed by hvk_reset_pace */
	HVK_CRQ_NR_COUNTERS
};

struct hvk_crq {
	struct hvk_device *hdev;
	const struct hvk_crq_ops *ops;
	void *priv;			/* the protocol's */

	u8 *queue;
	dma_addr_t ioba;
	unsigned int size;		/* bytes */
	unsigned int head;		/* next entry to read, in bytes */
	spinlock_t lock;		/* head, state, consumer (softirq) */
	int state;			/* enum hvk_crq_state, written under lock */
	bool irq_requested;
	struct hvk_drain drain;		/* rounds of the consumer */

	struct delayed_work event_work;	/* after a transport event */
	struct hvk_reset_pace pace;	/* of event_work, under lock */
	unsigned long events;		/* HVK_CRQ_EV_* bits */
	struct mutex reset_mutex;	/* registration changes */
	atomic64_t counters[HVK_CRQ_NR_COUNTERS];
};

/*
 * Allocate and register the queue, take the interrupt and start the init
 * handshake. 0 when registered (the partner may come later: up() says
 * when), or -errno with one log line.
 */
int hvk_crq_open(struct hvk_crq *crq, struct hvk_device *hdev,
		 const struct hvk_crq_ops *ops, void *priv);
/* Free the queue and the interrupt; no callback runs after it returns. */
void hvk_crq_close(struct hvk_crq *crq);
/*
 * Send one 16-byte message; returns the PAPR status of H_SEND_CRQ. Busy
 * answers are returned too: the I/O path hands them back to its caller
 * (the SCSI midlayer retries the command).
 */
long hvk_crq_send(struct hvk_crq *crq, const struct hvk_crq_msg *msg);
/*
 * The same, riding out busy answers with the busy policy's @form
 * (HVK_BUSY_ATOMIC where the caller cannot sleep): for the messages
 * nobody would send again, the handshake and management requests.
 */
long hvk_crq_send_retry(struct hvk_crq *crq, const struct hvk_crq_msg *msg,
			enum hvk_busy_form form);
/*
 * Free the queue, register it again and restart the handshake (process
 * context, may sleep). 0 or -errno.
 */
int hvk_crq_reset(struct hvk_crq *crq);
/*
 * Act as if the partner had sent transport event @format (0x01, 0x02 or
 * 0x06): for tests of the reconnection paths against a partner that never
 * sends them (QEMU). -EINVAL for other formats.
 */
int hvk_crq_inject_event(struct hvk_crq *crq, u8 format);

static inline bool hvk_crq_is_up(const struct hvk_crq *crq)
{
	return READ_ONCE(crq->state) == HVK_CRQ_ST_UP;
}

/* The counter's name, as the drivers show it ("crq_entries"), or NULL. */
const char *hvk_crq_counter_name(enum hvk_crq_counter c);

s64 hvk_crq_counter(struct hvk_crq *crq, enum hvk_crq_counter c);

#endif /* _HVKIT_CRQ_H */
