/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal interface between the hypercall conduit and the hv-vio core. */
#ifndef _HVK_CONDUIT_H
#define _HVK_CONDUIT_H

#include <linux/dcache.h>
#include <hvkit/hcall.h>

/* Set up counters and debugfs files under @dbg; @online gates real calls. */
int hvk_conduit_init(enum hvk_method method, struct dentry *dbg);
void hvk_conduit_set_online(bool online);
bool hvk_conduit_online(void);
void hvk_conduit_exit(void);

/* hvk_hcall() that also says whether fault injection answered the call. */
long __hvk_hcall(unsigned int opcode, struct hvk_hcall_regs *regs,
		 bool *injected);
long __hvk_hcall_norets(unsigned int opcode, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3,
			bool *injected);

/* fault.c */
int hvk_fault_init(struct dentry *dbg);
void hvk_fault_exit(void);
/* @unit: the call's first argument, which the rule's unit filter matches. */
bool hvk_fault_inject(unsigned int opcode, unsigned long unit, long *status);

#endif /* _HVK_CONDUIT_H */
