// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvkit hypercall conduit: dispatch, per-opcode and per-status counters.
 */
#define pr_fmt(fmt) "hvkit: " fmt

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "arch.h"
#include "conduit.h"
#include "hvk_dt.h"
#include <hvkit/busy.h>

/*
 * PAPR opcodes are multiples of 4 below 0x400: one counter each. Anything
 * else shares the last slot.
 */
#define OPC_SLOTS		(0x400 / 4)
#define OPC_SLOT_OTHER		OPC_SLOTS
/* Statuses -128..31 one slot each, then H_LONG_BUSY_*, then the rest. */
#define ST_LOW			(-128)
#define ST_HIGH			31
#define ST_DIRECT		(ST_HIGH - ST_LOW + 1)
#define ST_LONG_BUSY_SLOTS	(HVK_H_LONG_BUSY_100S - HVK_H_LONG_BUSY_1MS + 1)
#define ST_SLOT_OTHER		(ST_DIRECT + ST_LONG_BUSY_SLOTS)

struct hvk_hcall_counters {
	u64 opcode[OPC_SLOTS + 1];
	u64 status[ST_SLOT_OTHER + 1];
};

static struct hvk_hcall_counters __percpu *hvk_counters;
static enum hvk_method hvk_method_in_use = HVK_METHOD_NONE;
static bool hvk_online;

struct hvk_name {
	long value;
	const char *name;
};

#define HVK_NAME(x) { HVK_##x, #x }

static const struct hvk_name status_names[] = {
	HVK_NAME(H_SUCCESS), HVK_NAME(H_BUSY), HVK_NAME(H_CLOSED),
	HVK_NAME(H_NOT_AVAILABLE), HVK_NAME(H_CONSTRAINED),
	HVK_NAME(H_PARTIAL), HVK_NAME(H_IN_PROGRESS), HVK_NAME(H_PENDING),
	HVK_NAME(H_CONTINUE), HVK_NAME(H_LONG_BUSY_1MS),
	HVK_NAME(H_LONG_BUSY_10MS), HVK_NAME(H_LONG_BUSY_100MS),
	HVK_NAME(H_LONG_BUSY_1S), HVK_NAME(H_LONG_BUSY_10S),
	HVK_NAME(H_LONG_BUSY_100S), HVK_NAME(H_HARDWARE),
	HVK_NAME(H_FUNCTION), HVK_NAME(H_PRIVILEGE), HVK_NAME(H_PARAMETER),
	HVK_NAME(H_BAD_MODE), HVK_NAME(H_NOT_FOUND), HVK_NAME(H_NO_MEM),
	HVK_NAME(H_AUTHORITY), HVK_NAME(H_PERMISSION), HVK_NAME(H_DROPPED),
	HVK_NAME(H_SOURCE_PARM), HVK_NAME(H_DEST_PARM),
	HVK_NAME(H_REMOTE_PARM), HVK_NAME(H_RESOURCE), HVK_NAME(H_P2),
	HVK_NAME(H_P3), HVK_NAME(H_P4), HVK_NAME(H_TOO_BIG),
	HVK_NAME(H_UNSUPPORTED), HVK_NAME(H_OVERLAP), HVK_NAME(H_STATE),
	HVK_NAME(H_IN_USE),
};

static const struct hvk_name opcode_names[] = {
	HVK_NAME(H_GET_TCE), HVK_NAME(H_PUT_TCE), HVK_NAME(H_GET_TERM_CHAR),
	HVK_NAME(H_PUT_TERM_CHAR), HVK_NAME(H_REG_CRQ), HVK_NAME(H_FREE_CRQ),
	HVK_NAME(H_VIO_SIGNAL), HVK_NAME(H_SEND_CRQ),
	HVK_NAME(H_REGISTER_LOGICAL_LAN), HVK_NAME(H_FREE_LOGICAL_LAN),
	HVK_NAME(H_ADD_LOGICAL_LAN_BUFFER), HVK_NAME(H_SEND_LOGICAL_LAN),
	HVK_NAME(H_MULTICAST_CTRL), HVK_NAME(H_STUFF_TCE),
	HVK_NAME(H_PUT_TCE_INDIRECT), HVK_NAME(H_CHANGE_LOGICAL_LAN_MAC),
	HVK_NAME(H_ILLAN_ATTRIBUTES), HVK_NAME(H_ADD_LOGICAL_LAN_BUFFERS),
	HVK_NAME(H_ENABLE_CRQ), HVK_NAME(H_VIO_SET_MSI),
};

static const char *lookup_name(const struct hvk_name *tbl, size_t n, long v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tbl[i].value == v)
			return tbl[i].name;
	return NULL;
}

const char *hvk_hcall_status_name(long status)
{
	const char *name = lookup_name(status_names, ARRAY_SIZE(status_names),
				       status);

	return name ?: "unknown";
}
EXPORT_SYMBOL_GPL(hvk_hcall_status_name);

const char *hvk_hcall_opcode_name(unsigned int opcode)
{
	const char *name = lookup_name(opcode_names, ARRAY_SIZE(opcode_names),
				       opcode);

	return name ?: "unknown";
}
EXPORT_SYMBOL_GPL(hvk_hcall_opcode_name);

int hvk_hcall_status_from_name(const char *name, long *status)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(status_names); i++) {
		if (!strcmp(name, status_names[i].name)) {
			*status = status_names[i].value;
			return 0;
		}
	}
	return kstrtol(name, 0, status);
}
EXPORT_SYMBOL_GPL(hvk_hcall_status_from_name);

const char *hvk_method_name(enum hvk_method method)
{
	return hvk_dt_method_str(method);
}
EXPORT_SYMBOL_GPL(hvk_method_name);

enum hvk_method hvk_hcall_method(void)
{
	return hvk_method_in_use;
}
EXPORT_SYMBOL_GPL(hvk_hcall_method);

bool hvk_hcall_is_busy(long status, unsigned int *delay_ms)
{
	u32 hint_us;

	if (!hvk_busy_hint_us(status, &hint_us))
		return false;
	*delay_ms = hint_us / 1000;
	return true;
}
EXPORT_SYMBOL_GPL(hvk_hcall_is_busy);

static unsigned int opcode_slot(unsigned int opcode)
{
	if (opcode < 0x400 && !(opcode & 3))
		return opcode / 4;
	return OPC_SLOT_OTHER;
}

static unsigned int status_slot(long status)
{
	if (status >= ST_LOW && status <= ST_HIGH)
		return status - ST_LOW;
	if (status >= HVK_H_LONG_BUSY_1MS && status <= HVK_H_LONG_BUSY_100S)
		return ST_DIRECT + status - HVK_H_LONG_BUSY_1MS;
	return ST_SLOT_OTHER;
}

static long slot_status(unsigned int slot)
{
	if (slot < ST_DIRECT)
		return (long)slot + ST_LOW;
	return HVK_H_LONG_BUSY_1MS + (long)(slot - ST_DIRECT);
}

/* this_cpu_inc() is safe against interrupts, which may make hcalls too. */
static void count_call(unsigned int opcode, long status)
{
	this_cpu_inc(hvk_counters->opcode[opcode_slot(opcode)]);
	this_cpu_inc(hvk_counters->status[status_slot(status)]);
}

long __hvk_hcall(unsigned int opcode, struct hvk_hcall_regs *regs,
		 bool *injected)
{
	long status;

	*injected = hvk_fault_inject(opcode, regs->in[0], &status);
	if (*injected)
		memset(regs->out, 0, sizeof(regs->out));
	else if (!READ_ONCE(hvk_online) || opcode > HVK_OPCODE_MAX)
		status = HVK_H_FUNCTION;
	else
		status = hvk_arch_hcall(hvk_method_in_use, opcode, regs);
	count_call(opcode, status);
	return status;
}

long hvk_hcall(unsigned int opcode, struct hvk_hcall_regs *regs)
{
	bool injected;

	return __hvk_hcall(opcode, regs, &injected);
}
EXPORT_SYMBOL_GPL(hvk_hcall);

long __hvk_hcall_norets(unsigned int opcode, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3,
			bool *injected)
{
	long status;

	*injected = hvk_fault_inject(opcode, a0, &status);
	if (!*injected) {
		if (!READ_ONCE(hvk_online) || opcode > HVK_OPCODE_MAX)
			status = HVK_H_FUNCTION;
		else
			status = hvk_arch_hcall_norets(hvk_method_in_use,
						       opcode, a0, a1, a2, a3);
	}
	count_call(opcode, status);
	return status;
}

long hvk_hcall_norets(unsigned int opcode, unsigned long a0, unsigned long a1,
		      unsigned long a2, unsigned long a3)
{
	bool injected;

	return __hvk_hcall_norets(opcode, a0, a1, a2, a3, &injected);
}
EXPORT_SYMBOL_GPL(hvk_hcall_norets);

static void sum_counters(struct hvk_hcall_counters *sum)
{
	unsigned int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct hvk_hcall_counters *c = per_cpu_ptr(hvk_counters, cpu);

		for (i = 0; i < ARRAY_SIZE(sum->opcode); i++)
			sum->opcode[i] += c->opcode[i];
		for (i = 0; i < ARRAY_SIZE(sum->status); i++)
			sum->status[i] += c->status[i];
	}
}

static int hcall_stats_show(struct seq_file *m, void *unused)
{
	struct hvk_hcall_counters *sum;
	unsigned int i;

	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	sum_counters(sum);
	for (i = 0; i < OPC_SLOTS; i++)
		if (sum->opcode[i])
			seq_printf(m, "0x%03x %s %llu\n", i * 4,
				   hvk_hcall_opcode_name(i * 4), sum->opcode[i]);
	if (sum->opcode[OPC_SLOT_OTHER])
		seq_printf(m, "other unlisted %llu\n",
			   sum->opcode[OPC_SLOT_OTHER]);
	for (i = 0; i < ST_SLOT_OTHER; i++)
		if (sum->status[i])
			seq_printf(m, "status %ld %s %llu\n", slot_status(i),
				   hvk_hcall_status_name(slot_status(i)),
				   sum->status[i]);
	if (sum->status[ST_SLOT_OTHER])
		seq_printf(m, "status other unlisted %llu\n",
			   sum->status[ST_SLOT_OTHER]);
	kfree(sum);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hcall_stats);

void hvk_conduit_set_online(bool online)
{
	WRITE_ONCE(hvk_online, online);
}

bool hvk_conduit_online(void)
{
	return READ_ONCE(hvk_online);
}

int hvk_conduit_init(enum hvk_method method, struct dentry *dbg)
{
	int err;

	hvk_counters = alloc_percpu(struct hvk_hcall_counters);
	if (!hvk_counters)
		return -ENOMEM;
	err = hvk_fault_init(dbg);
	if (err) {
		free_percpu(hvk_counters);
		hvk_counters = NULL;
		return err;
	}
	debugfs_create_file("hcall_stats", 0400, dbg, NULL, &hcall_stats_fops);
	hvk_method_in_use = method;
	return 0;
}

void hvk_conduit_exit(void)
{
	hvk_conduit_set_online(false);
	hvk_fault_exit();
	free_percpu(hvk_counters);
	hvk_counters = NULL;
	hvk_method_in_use = HVK_METHOD_NONE;
}
