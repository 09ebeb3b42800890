// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit-vmm's MSI vectors; see msi_table.h. The guest's message is checked
 * before it is stored: the only doorbell it may name is the ITS's
 * GITS_TRANSLATER and the data must fit the ITS's 32-bit EventID, so a
 * guest cannot make the VMM signal anything but its own ITS, with its own
 * DeviceID (the VMM's, never the guest's).
 */
#include <hvkit/hcall_opcodes.h>
#include <hvkit/hcall_status.h>

#include "msi_table.h"

void hvm_msi_init(struct hvm_msi_dev *d, u32 unit, unsigned int nr_vectors, u32 devid,
		  u64 its_base)
{
	memset(d, 0, sizeof(*d));
	d->unit = unit;
	d->devid = devid;
	d->nr_vectors = nr_vectors < HVM_MSI_MAX_VECTORS ? nr_vectors : HVM_MSI_MAX_VECTORS;
	d->doorbell = its_base + HVM_GITS_TRANSLATER;
}

static long set_msi(void *dev, struct hvm_call *call)
{
	return hvm_msi_set(dev, call);
}

int hvm_msi_attach(struct hvm_msi_dev *d, struct hvm_hcall_table *t)
{
	return hvm_table_register(t, HVK_H_VIO_SET_MSI, d->unit, set_msi, d);
}

/* The status for a message of @addr and @data, or H_SUCCESS. */
static long check_message(const struct hvm_msi_dev *d, u64 addr, u64 data)
{
	if (!addr)
		return data ? HVK_H_P4 : HVK_H_SUCCESS;
	if (addr != d->doorbell)
		return HVK_H_P3;
	if (data > 0xffffffffull)
		return HVK_H_P4;
	return HVK_H_SUCCESS;
}

long hvm_msi_set(struct hvm_msi_dev *d, const struct hvm_call *call)
{
	u64 index = call->in[1], addr = call->in[2], data = call->in[3];
	struct hvm_msi_vector *v;
	long status;

	if (index >= d->nr_vectors) {
		d->refused++;
		return HVK_H_P2;
	}
	status = check_message(d, addr, data);
	if (status != HVK_H_SUCCESS) {
		/* Refused: the vector keeps what it had. */
		d->refused++;
		return status;
	}
	v = &d->vec[index];
	if (!addr) {
		/* 0/0: forget (free_irq()); nothing is signalled until written again. */
		v->address = 0;
		v->data = 0;
		v->written = false;
		return HVK_H_SUCCESS;
	}
	v->address = addr;
	v->data = (u32)data;
	v->written = true;
	v->was_written = true;
	return HVK_H_SUCCESS;
}

bool hvm_msi_raise(struct hvm_msi_dev *d, unsigned int vec, struct hvm_msi_message *msg)
{
	const struct hvm_msi_vector *v;

	if (vec >= d->nr_vectors) {
		d->unwritten++;
		return false;
	}
	v = &d->vec[vec];
	if (!v->written) {
		if (v->was_written)
			d->after_free++;
		else
			d->unwritten++;
		return false;
	}
	*msg = (struct hvm_msi_message){
		.address = v->address, .data = v->data, .devid = d->devid,
	};
	return true;
}

void hvm_msi_result(struct hvm_msi_dev *d, int ret, int err)
{
	if (ret > 0)
		d->signalled++;
	else if (!ret)
		d->blocked++;
	else if (err == EBUSY)
		d->its_disabled++;
	else
		d->failed++;
}

u64 hvm_msi_lost(const struct hvm_msi_dev *d)
{
	return d->blocked + d->its_disabled + d->failed;
}

u64 hvm_msi_mistakes(const struct hvm_msi_dev *d)
{
	return d->unwritten + d->refused;
}

void hvm_msi_report(const struct hvm_msi_dev *d, char *buf, size_t size)
{
	size_t at;

	at = (size_t)snprintf(buf, size,
			      "msi devid %u: %llu signalled, %llu raised after free, %llu blocked by the ITS, %llu while the ITS was disabled, %llu failed, %llu guest mistakes",
			      d->devid, (unsigned long long)d->signalled,
			      (unsigned long long)d->after_free, (unsigned long long)d->blocked,
			      (unsigned long long)d->its_disabled, (unsigned long long)d->failed,
			      (unsigned long long)hvm_msi_mistakes(d));
	if (at < size && hvm_msi_mistakes(d))
		snprintf(buf + at, size - at, ": %llu raised without a message, %llu messages refused",
			 (unsigned long long)d->unwritten, (unsigned long long)d->refused);
}

void hvm_msi_add(struct hvm_msi_dev *sum, const struct hvm_msi_dev *d)
{
	sum->signalled += d->signalled;
	sum->blocked += d->blocked;
	sum->its_disabled += d->its_disabled;
	sum->failed += d->failed;
	sum->after_free += d->after_free;
	sum->unwritten += d->unwritten;
	sum->refused += d->refused;
}

void hvm_msi_report_total(const struct hvm_msi_dev *sum, char *buf, size_t size)
{
	snprintf(buf, size,
		 "%llu blocked by the ITS, %llu while the ITS was disabled, %llu failed, %llu guest mistakes (%llu signalled, %llu raised after free)",
		 (unsigned long long)sum->blocked, (unsigned long long)sum->its_disabled,
		 (unsigned long long)sum->failed, (unsigned long long)hvm_msi_mistakes(sum),
		 (unsigned long long)sum->signalled, (unsigned long long)sum->after_free);
}
