// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64: SMCCC 1.2 calls through "hvc #0" or "smc #0".
 *
 * Opcodes live in the fast SMC64 vendor-specific hypervisor range:
 * function ID = 0xC6000000 | opcode, inputs in x1..x9, status back in x0,
 * outputs in x1..x9. See Documentation/hcall-abi.rst.
 */
#include <linux/arm-smccc.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/of.h>
#include <linux/string.h>
#include <linux/uuid.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include <hvkit/smccc_abi.h>

#include "arch.h"

enum hvk_arch hvk_arch_current(void)
{
	return HVK_ARCH_ARM64;
}

static unsigned int id_field(u64 reg, unsigned int shift)
{
	return (reg >> shift) & 0xf;
}

static bool el2_implemented(void)
{
	return id_field(read_sysreg(id_aa64pfr0_el1),
			ID_AA64PFR0_EL1_EL2_SHIFT) != 0;
}

static bool el3_implemented(void)
{
	return id_field(read_sysreg(id_aa64pfr0_el1),
			ID_AA64PFR0_EL1_EL3_SHIFT) != 0;
}

static const struct of_device_id psci_ids[] = {
	{ .compatible = "arm,psci" },
	{ .compatible = "arm,psci-0.2" },
	{ .compatible = "arm,psci-1.0" },
	{}
};

/*
 * The conduit the firmware (PSCI) is reached by, as the device tree says.
 * arm_smccc_1_1_get_conduit() cannot tell: it answers "none" whenever the
 * firmware predates SMCCC 1.1, as QEMU's built-in PSCI does.
 */
static enum arm_smccc_conduit firmware_conduit(void)
{
	enum arm_smccc_conduit conduit = arm_smccc_1_1_get_conduit();
	struct device_node *np;
	const char *method;

	if (conduit != SMCCC_CONDUIT_NONE)
		return conduit;
	np = of_find_matching_node(NULL, psci_ids);
	if (!np)
		return SMCCC_CONDUIT_NONE;
	if (!of_property_read_string(np, "method", &method)) {
		if (!strcmp(method, "hvc"))
			conduit = SMCCC_CONDUIT_HVC;
		else if (!strcmp(method, "smc"))
			conduit = SMCCC_CONDUIT_SMC;
	}
	of_node_put(np);
	return conduit;
}

/*
 * HVC reaches whatever runs at EL2. If this kernel runs there (VHE), or EL2
 * exists but the firmware conduit is not HVC, then EL2 belongs to this
 * kernel (booted at EL2, hyp stub or KVM) and an HVC would land in it.
 */
static int check_hvc(char *why, size_t why_len)
{
	if (is_kernel_in_hyp_mode() ||
	    (el2_implemented() &&
	     firmware_conduit() != SMCCC_CONDUIT_HVC)) {
		snprintf(why, why_len,
			 "method \"hvc\" cannot work here: this kernel was booted at EL2 and owns it");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* SMC is undefined unless EL3, or firmware emulating it, takes it. */
static int check_smc(char *why, size_t why_len)
{
	if (!el3_implemented() && firmware_conduit() != SMCCC_CONDUIT_SMC) {
		snprintf(why, why_len,
			 "method \"smc\" cannot work here: no EL3 and the firmware conduit is not SMC");
		return -EOPNOTSUPP;
	}
	return 0;
}

int hvk_arch_check_method(enum hvk_method method, char *why, size_t why_len)
{
	switch (method) {
	case HVK_METHOD_HVC:
		return check_hvc(why, why_len);
	case HVK_METHOD_SMC:
		return check_smc(why, why_len);
	default:
		snprintf(why, why_len, "method \"%s\" does not exist on arm64",
			 hvk_method_name(method));
		return -EOPNOTSUPP;
	}
}

static void smccc_call(enum hvk_method method,
		       const struct arm_smccc_1_2_regs *args,
		       struct arm_smccc_1_2_regs *res)
{
	if (method == HVK_METHOD_SMC)
		arm_smccc_1_2_smc(args, res);
	else
		arm_smccc_1_2_hvc(args, res);
}

/* SMCCC packs UID bytes 4k..4k+3 little-endian into register k. */
static void uid_from_regs(const struct arm_smccc_1_2_regs *res, uuid_t *uid)
{
	const unsigned long w[4] = { res->a0, res->a1, res->a2, res->a3 };
	unsigned int i;

	for (i = 0; i < sizeof(uid->b); i++)
		uid->b[i] = (w[i / 4] >> (8 * (i % 4))) & 0xff;
}

int hvk_arch_identify(enum hvk_method method, char *why, size_t why_len)
{
	struct arm_smccc_1_2_regs args = { .a0 = HVK_SMCCC_CALL_UID };
	static const struct arm_smccc_1_2_regs hvkit_answer = {
		.a0 = HVK_SMCCC_UID_W0, .a1 = HVK_SMCCC_UID_W1,
		.a2 = HVK_SMCCC_UID_W2, .a3 = HVK_SMCCC_UID_W3,
	};
	struct arm_smccc_1_2_regs res;
	uuid_t uid, hvkit_uid;

	uid_from_regs(&hvkit_answer, &hvkit_uid);
	smccc_call(method, &args, &res);
	if ((int)res.a0 == SMCCC_RET_NOT_SUPPORTED) {
		snprintf(why, why_len,
			 "hypervisor answered NOT_SUPPORTED to the hvkit identity call (%s): no hvkit hypervisor behind this conduit",
			 hvk_method_name(method));
		return -ENODEV;
	}
	uid_from_regs(&res, &uid);
	if (!uuid_equal(&uid, &hvkit_uid)) {
		snprintf(why, why_len,
			 "hypervisor behind %s has UID %pUb, not hvkit's %pUb",
			 hvk_method_name(method), &uid, &hvkit_uid);
		return -ENODEV;
	}
	return 0;
}

long hvk_arch_hcall(enum hvk_method method, unsigned int opcode,
		    struct hvk_hcall_regs *regs)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = HVK_SMCCC_FN_BASE | opcode,
		.a1 = regs->in[0], .a2 = regs->in[1], .a3 = regs->in[2],
		.a4 = regs->in[3], .a5 = regs->in[4], .a6 = regs->in[5],
		.a7 = regs->in[6], .a8 = regs->in[7], .a9 = regs->in[8],
	};
	struct arm_smccc_1_2_regs res;

	smccc_call(method, &args, &res);
	regs->out[0] = res.a1;
	regs->out[1] = res.a2;
	regs->out[2] = res.a3;
	regs->out[3] = res.a4;
	regs->out[4] = res.a5;
	regs->out[5] = res.a6;
	regs->out[6] = res.a7;
	regs->out[7] = res.a8;
	regs->out[8] = res.a9;
	return (long)res.a0;
}

long hvk_arch_hcall_norets(enum hvk_method method, unsigned int opcode,
			   unsigned long a0, unsigned long a1,
			   unsigned long a2, unsigned long a3)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = HVK_SMCCC_FN_BASE | opcode,
		.a1 = a0, .a2 = a1, .a3 = a2, .a4 = a3,
	};
	struct arm_smccc_1_2_regs res;

	smccc_call(method, &args, &res);
	return (long)res.a0;
}
