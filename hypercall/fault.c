// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypercall fault injection through debugfs, for testing every error path
 * on distro kernels (which lack CONFIG_FAULT_INJECTION). The rule and its
 * files are described in Documentation/interfaces.rst.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "conduit.h"

struct hvk_fault_rule {
	long status;		/* 0: injection off */
	s64 opcode;		/* -1: any */
	s64 unit;		/* -1: any */
	s64 nth;		/* 0: off */
	s64 interval;		/* 0: off */
	s64 times;		/* -1: unlimited */
	u64 matched;
	u64 injected;
};

static DEFINE_SPINLOCK(fault_lock);
static struct hvk_fault_rule fault = { .opcode = -1, .unit = -1, .times = -1 };
static struct dentry *fault_dir;

static bool rule_matches(const struct hvk_fault_rule *r, unsigned int opcode,
			 unsigned long unit)
{
	if (r->opcode >= 0 && r->opcode != opcode)
		return false;
	if (r->unit >= 0 && (u64)r->unit != unit)
		return false;
	return true;
}

static bool rule_fires(const struct hvk_fault_rule *r)
{
	if (r->times >= 0 && r->injected >= (u64)r->times)
		return false;
	if (r->nth > 0 && r->matched == (u64)r->nth)
		return true;
	return r->interval > 0 && r->matched % r->interval == 0;
}

bool hvk_fault_inject(unsigned int opcode, unsigned long unit, long *status)
{
	unsigned long flags;
	bool fire = false;

	/* Unlocked peek: the common case is injection switched off. */
	if (!READ_ONCE(fault.status))
		return false;

	spin_lock_irqsave(&fault_lock, flags);
	if (fault.status && rule_matches(&fault, opcode, unit)) {
		fault.matched++;
		fire = rule_fires(&fault);
		if (fire) {
			fault.injected++;
			*status = fault.status;
		}
	}
	spin_unlock_irqrestore(&fault_lock, flags);
	return fire;
}

/* Numeric knobs: each file's private data points at its field. */
static ssize_t knob_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	const s64 *field = file->private_data;
	unsigned long flags;
	char tmp[32];
	s64 val;
	int len;

	spin_lock_irqsave(&fault_lock, flags);
	val = *field;
	spin_unlock_irqrestore(&fault_lock, flags);
	len = scnprintf(tmp, sizeof(tmp), "%lld\n", val);
	return simple_read_from_buffer(buf, count, ppos, tmp, len);
}

static ssize_t knob_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	s64 *field = file->private_data;
	unsigned long flags;
	s64 val;
	int err;

	err = kstrtoll_from_user(buf, count, 0, &val);
	if (err)
		return err;
	if (val < -1)
		return -EINVAL;
	spin_lock_irqsave(&fault_lock, flags);
	*field = val;
	fault.matched = 0;
	fault.injected = 0;
	spin_unlock_irqrestore(&fault_lock, flags);
	return count;
}

static const struct file_operations knob_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = knob_read,
	.write = knob_write,
	.llseek = default_llseek,
};

static ssize_t status_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	unsigned long flags;
	char tmp[40];
	long status;
	int len;

	spin_lock_irqsave(&fault_lock, flags);
	status = fault.status;
	spin_unlock_irqrestore(&fault_lock, flags);
	if (!status)
		len = scnprintf(tmp, sizeof(tmp), "0\n");
	else if (strcmp(hvk_hcall_status_name(status), "unknown"))
		len = scnprintf(tmp, sizeof(tmp), "%s\n",
				hvk_hcall_status_name(status));
	else
		len = scnprintf(tmp, sizeof(tmp), "%ld\n", status);
	return simple_read_from_buffer(buf, count, ppos, tmp, len);
}

static ssize_t status_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	unsigned long flags;
	char tmp[32];
	long status;
	int err;

	if (count >= sizeof(tmp))
		return -EINVAL;
	if (copy_from_user(tmp, buf, count))
		return -EFAULT;
	tmp[count] = '\0';
	strim(tmp);
	err = hvk_hcall_status_from_name(tmp, &status);
	if (err)
		return err;
	spin_lock_irqsave(&fault_lock, flags);
	fault.status = status;
	fault.matched = 0;
	fault.injected = 0;
	spin_unlock_irqrestore(&fault_lock, flags);
	return count;
}

static const struct file_operations status_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = status_read,
	.write = status_write,
	.llseek = default_llseek,
};

static int counter_get(void *data, u64 *val)
{
	unsigned long flags;

	spin_lock_irqsave(&fault_lock, flags);
	*val = *(u64 *)data;
	spin_unlock_irqrestore(&fault_lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(counter_fops, counter_get, NULL, "%llu\n");

int hvk_fault_init(struct dentry *dbg)
{
	unsigned long flags;

	spin_lock_irqsave(&fault_lock, flags);
	fault = (struct hvk_fault_rule){ .opcode = -1, .unit = -1, .times = -1 };
	spin_unlock_irqrestore(&fault_lock, flags);

	fault_dir = debugfs_create_dir("fault", dbg);
	debugfs_create_file("status", 0600, fault_dir, NULL, &status_fops);
	debugfs_create_file("opcode", 0600, fault_dir, &fault.opcode, &knob_fops);
	debugfs_create_file("unit", 0600, fault_dir, &fault.unit, &knob_fops);
	debugfs_create_file("nth", 0600, fault_dir, &fault.nth, &knob_fops);
	debugfs_create_file("interval", 0600, fault_dir, &fault.interval,
			    &knob_fops);
	debugfs_create_file("times", 0600, fault_dir, &fault.times, &knob_fops);
	debugfs_create_file_unsafe("matched", 0400, fault_dir, &fault.matched,
				   &counter_fops);
	debugfs_create_file_unsafe("injected", 0400, fault_dir,
				   &fault.injected, &counter_fops);
	return 0;
}

void hvk_fault_exit(void)
{
	unsigned long flags;

	debugfs_remove_recursive(fault_dir);
	fault_dir = NULL;
	spin_lock_irqsave(&fault_lock, flags);
	fault.status = 0;
	spin_unlock_irqrestore(&fault_lock, flags);
}
