# SPDX-License-Identifier: GPL-2.0-only
#
# Turn a kmemleak report (the text of /sys/kernel/debug/kmemleak, or the
# console lines the guest prefixes with "kmemleak| ") into one line per
# leaked object, so that lib/dmesg-allow can match a record by its
# allocation backtrace:
#
#   unreferenced object 0x... (size 64): comm "insmod", pid 93 backtrace: kmalloc_trace+0x54/0xb0 hvk_probe+0x40/0x1f0 [hv_vio] ...
#
# The hex dump and the hashed addresses are dropped. Used by lib/init (busybox
# awk) and by run.sh on the host.

function flush() {
	if (rec != "")
		print rec " backtrace:" bt
	rec = ""
	bt = ""
	inbt = 0
}

{
	sub(/\r$/, "")
	sub(/^kmemleak\| /, "")
}

/^unreferenced object / {
	flush()
	rec = $0
	next
}

rec == "" { next }

/^ +comm "/ {
	line = $0
	sub(/^ +/, "", line)
	sub(/, jiffies .*$/, "", line)
	rec = rec " " line
	next
}

/^ +backtrace:/ { inbt = 1; next }
/^ +hex dump/ { inbt = 0; next }

inbt && /^ +\[</ {
	f = $0
	sub(/^ +\[<[^>]*>\] */, "", f)
	bt = bt " " f
	next
}

END { flush() }
