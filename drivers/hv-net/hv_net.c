// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_net: hvkit l-lan (veth) network driver.
 *
 * Placeholder module so that the build, packaging and load tests cover
 * every module from the start; the driver itself arrives with its issue.
 */
#include <linux/module.h>

static int __init hv_net_init(void)
{
	return 0;
}

static void __exit hv_net_exit(void)
{
}

module_init(hv_net_init);
module_exit(hv_net_exit);

MODULE_DESCRIPTION("hvkit l-lan (veth) network driver (placeholder)");
MODULE_AUTHOR("The hvkit developers");
MODULE_LICENSE("GPL");
