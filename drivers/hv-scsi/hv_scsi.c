// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_scsi: hvkit v-scsi SRP initiator.
 *
 * Placeholder module so that the build, packaging and load tests cover
 * every module from the start; the driver itself arrives with its issue.
 */
#include <linux/module.h>

static int __init hv_scsi_init(void)
{
	return 0;
}

static void __exit hv_scsi_exit(void)
{
}

module_init(hv_scsi_init);
module_exit(hv_scsi_exit);

MODULE_DESCRIPTION("hvkit v-scsi SRP initiator (placeholder)");
MODULE_AUTHOR("The hvkit developers");
MODULE_LICENSE("GPL");
