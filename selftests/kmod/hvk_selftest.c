// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvk_selftest: raw hypercalls from user space, for the in-VM selftests.
 *
 * TEST ONLY. It lets root issue any hypercall, which can crash the
 * hypervisor's model of a device (QEMU aborts on an l-lan call aimed at a
 * vty). It is built only with HVKIT_SELFTEST=m and never installed.
 *
 * /sys/kernel/debug/hvkit-selftest/hcall:
 *   write "OPCODE [ARG0 ... ARG8]"  -> the call is made at once
 *   read                           -> "<status> <out0> ... <out8>"
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <hvkit/vio.h>

#define CMD_MAX		256

static struct dentry *selftest_dir;
static DEFINE_MUTEX(result_lock);
static char result[20 * (HVK_HCALL_MAX_ARGS + 1) + 8] = "none\n";

static int parse_command(char *cmd, unsigned int *opcode,
			 struct hvk_hcall_regs *regs, unsigned int *nargs)
{
	char *tok;
	u64 val;
	int err;

	*nargs = 0;
	tok = strsep(&cmd, " \t\n");
	if (!tok || !*tok)
		return -EINVAL;
	err = kstrtouint(tok, 0, opcode);
	if (err)
		return err;
	while ((tok = strsep(&cmd, " \t\n"))) {
		if (!*tok)
			continue;
		if (*nargs == HVK_HCALL_MAX_ARGS)
			return -E2BIG;
		err = kstrtou64(tok, 0, &val);
		if (err)
			return err;
		regs->in[(*nargs)++] = val;
	}
	return 0;
}

static void format_result(long status, const struct hvk_hcall_regs *regs)
{
	size_t pos;
	int i;

	pos = scnprintf(result, sizeof(result), "%ld", status);
	for (i = 0; i < HVK_HCALL_MAX_ARGS; i++)
		pos += scnprintf(result + pos, sizeof(result) - pos,
				 " 0x%016lx", regs->out[i]);
	scnprintf(result + pos, sizeof(result) - pos, "\n");
}

/* Calls on a device's unit address are counted in that device's stats. */
static long issue(unsigned int opcode, struct hvk_hcall_regs *regs,
		  unsigned int nargs)
{
	struct hvk_device *hdev = NULL;
	long status;

	if (nargs && regs->in[0] <= U32_MAX)
		hdev = hvk_find_device(regs->in[0]);
	if (!hdev)
		return hvk_hcall(opcode, regs);
	status = hvk_dev_hcall(hdev, opcode, regs);
	hvk_put_device(hdev);
	return status;
}

static ssize_t hcall_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct hvk_hcall_regs regs = {};
	unsigned int opcode, nargs;
	long status;
	char *cmd;
	int err;

	if (count >= CMD_MAX)
		return -EINVAL;
	cmd = memdup_user_nul(ubuf, count);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	err = parse_command(cmd, &opcode, &regs, &nargs);
	kfree(cmd);
	if (err)
		return err;

	mutex_lock(&result_lock);
	status = issue(opcode, &regs, nargs);
	format_result(status, &regs);
	mutex_unlock(&result_lock);
	return count;
}

static ssize_t hcall_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&result_lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, result,
				      strlen(result));
	mutex_unlock(&result_lock);
	return ret;
}

static const struct file_operations hcall_fops = {
	.owner = THIS_MODULE,
	.read = hcall_read,
	.write = hcall_write,
	.llseek = default_llseek,
};

static int __init hvk_selftest_init(void)
{
	struct dentry *file;

	/* Without its debugfs file this module is of no use: refuse to load. */
	selftest_dir = debugfs_create_dir("hvkit-selftest", NULL);
	file = debugfs_create_file("hcall", 0600, selftest_dir, NULL,
				   &hcall_fops);
	if (IS_ERR(file)) {
		debugfs_remove_recursive(selftest_dir);
		return PTR_ERR(file);
	}
	return 0;
}

static void __exit hvk_selftest_exit(void)
{
	debugfs_remove_recursive(selftest_dir);
}

module_init(hvk_selftest_init);
module_exit(hvk_selftest_exit);

MODULE_DESCRIPTION("hvkit selftest helper: raw hypercalls via debugfs (test only)");
MODULE_AUTHOR("The hvkit developers");
MODULE_LICENSE("GPL");
