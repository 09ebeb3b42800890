#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash # busybox ash inside the demo guest
#
# Guest side of make demo (scripts/demo.sh), run in the demo boot of both
# plans: ppc64le under QEMU's pseries machine, and arm64 under hvkit-vmm
# (BOOT_PEER=hvkit-vmm), nested in an L1 Linux under QEMU TCG. /init has
# loaded hv_vio and hv_console (on ppc64le with hvc_vio blacklisted), so
# this transcript reaches the host through hv_console's hvc0. Then
#   hv_console  the console, every vty, 64 KiB each way with the host's
#               vty agent on /dev/hvc1
#   hv_net      10.0.2.15: ping, the host agent, iperf3 each way, ethtool
#   hv_scsi     two disks: ext4 with a file tree compared by sha256 after a
#               remount, fio random writes and reads on the other
#   hv_vio      the devices on the hvkit bus and the hypercalls they made
# Each check is a KTAP case with content assertions; after each result a
# "# table|driver|check|result|figure" line gives scripts/demo.sh a row of
# its summary table.

. /lib/hvkit/ktap.sh
. /lib/hvkit/vty.sh
. /lib/hvkit/net.sh
. /lib/hvkit/scsi.sh

BUS=/sys/bus/hvkit/devices
STATS=/sys/kernel/debug/hvkit/hcall_stats
# Seconds of each iperf3 and fio run.
T=5
MNT=/mnt/demo
# Who answers the hypercalls: QEMU (pseries) or hvkit-vmm (arm64). Unit
# addresses differ between them and come from /data (the devices file,
# vtys, net-peer, scsi-peer), never from here.
PEER=${BOOT_PEER:-qemu}

ktap_plan 13

# section TITLE : a heading in the transcript.
section() {
	ktap_diag ""
	ktap_diag "==== $* ===="
}

# show CMD... : "$ CMD" and its output in the transcript; the output stays
# in /tmp/show.out, the command's status is returned.
show() {
	local rc
	ktap_diag "\$ $*"
	"$@" >/tmp/show.out 2>&1
	rc=$?
	sed 's/^/#   /' /tmp/show.out
	[ "$rc" = 0 ] || ktap_diag "  (exit status $rc)"
	return $rc
}

# check DRIVER WHAT FIGURE : the case's KTAP result and its table row.
check() {
	local res=ok
	[ "$KTAP_CASE_BAD" = 0 ] || res=FAIL
	ktap_result "$1: $2"
	echo "# table|$1|$2|$res|$3"
}

# no_hvc_vio UA : hvc_vio has not bound the vty UA. Only pseries kernels
# have the vio bus; on arm64 there is no hvc_vio to compete at all.
no_hvc_vio() {
	if [ -d /sys/bus/vio ]; then
		expect_absent "hvc_vio's binding of $1" "/sys/bus/vio/devices/${1#0x}/driver"
	else
		expect_absent "the vio bus (so no hvc_vio) on $(uname -m)" /sys/bus/vio
	fi
}

driver_of() { # sysfs device directory
	local l
	l=$(readlink "$1/driver" 2>/dev/null) || { echo "-"; return; }
	echo "${l##*/}"
}

# ---------------------------------------------------------------------------
section "hv_console: the system console"

path=$(dt_str /proc/device-tree/chosen/stdout-path)
case "$PEER" in
hvkit-vmm)
	# hvkit-vmm's /chosen stdout-path names its PL011 (ttyAMA0, the early
	# console), not a vty. The console vty is its vty 0, the first serial
	# device of /data/devices: it probes first, so hv_console gives it
	# hvc0, and console=hvc0 on the command line makes that a console.
	CON_UA=$(awk '$2 == "serial" { print $1; exit }' "$HVKIT_DATA/devices")
	ktap_diag "/chosen stdout-path is $path, hvkit-vmm's PL011; the console vty is vty 0 at $CON_UA"
	expect_match "/chosen stdout-path (the PL011 node)" '^/pl011@' "$path"
	expect_eq "compatible of the console vty's node" hvterm1 \
		"$(dt_str "/proc/device-tree/hypervisor/vty@${CON_UA#0x}/compatible")"
	show cat /proc/cmdline
	expect_match "kernel command line" '(^| )console=hvc0( |$)' "$(cat /proc/cmdline)"
	;;
*)
	CON_UA=$(dt_cell "/proc/device-tree$path/reg")
	ktap_diag "/chosen stdout-path is $path, the vty at unit address $CON_UA"
	show cat /proc/cmdline
	expect_match "kernel command line" '(^| )initcall_blacklist=hvc_vio_init( |$)' "$(cat /proc/cmdline)"
	;;
esac
CON=$BUS/${CON_UA#0x}
show cat /proc/consoles
expect_match "hvc0 in /proc/consoles, enabled" '^hvc0 .*\(.*E.*\)' "$(grep '^hvc0 ' /proc/consoles)"
show cat /sys/class/tty/console/active
expect_match "active console" '(^| )hvc0( |$)' "$(rd /sys/class/tty/console/active)"
# /init runs this script with its output in a file and copies that to its
# own output, the console, with tail -f.
mine=$(readlink /proc/$$/fd/1)
copier=
for p in /proc/[0-9]*; do
	[ "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" = "tail -f $mine " ] && copier=${p#/proc/}
done
ktap_diag "this script writes to $mine; /init's tail -f (pid ${copier:-?}) copies it to $(readlink "/proc/${copier:-none}/fd/1" 2>/dev/null)"
expect_eq "output of /init's tail -f $mine" /dev/hvc0 "$(readlink "/proc/${copier:-none}/fd/1" 2>/dev/null)"
expect_eq "driver of the console vty $CON_UA" hv_console "$(driver_of "$CON")"
expect_eq "hvc index of the console vty" 0 "$(rd "$CON/vty/hvc_index")"
no_hvc_vio "$CON_UA"
# A line on the console: hv_console's bytes_out of the vty must grow by at
# least its length (/init's tail copies it within a second or two).
out0=$(rd "$CON/vty/bytes_out")
line="# hello from the guest: this line goes out through hv_console's H_PUT_TERM_CHAR ($(od -An -tx4 -N4 /dev/urandom | tr -d ' '))"
echo "$line"
i=0
while [ $(($(rd "$CON/vty/bytes_out") - out0)) -lt ${#line} ] && [ "$i" -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
grew=$(($(rd "$CON/vty/bytes_out") - out0))
ktap_diag "vty $CON_UA bytes_out grew by $grew after that ${#line}-byte line"
[ "$grew" -ge ${#line} ] || expect_bad "bytes_out grew by $grew, less than the ${#line} bytes printed"
check hv_console "system console: this transcript via hvc0" "hvc0 = vty $CON_UA, $(rd "$CON/vty/bytes_out") bytes out"

# ---------------------------------------------------------------------------
section "hv_console: every vty"

vty_dt_units >/tmp/vtys
ktap_diag "$(printf '%-12s %-11s %-6s %10s %10s' vty driver tty bytes_out bytes_in)"
ttys=
while read -r ua; do
	d=$BUS/${ua#0x}
	idx=$(rd "$d/vty/hvc_index")
	ktap_diag "$(printf '%-12s %-11s %-6s %10s %10s' "$ua" "$(driver_of "$d")" "hvc$idx" \
		"$(rd "$d/vty/bytes_out")" "$(rd "$d/vty/bytes_in")")"
	expect_eq "driver of vty $ua" hv_console "$(driver_of "$d")"
	no_hvc_vio "$ua"
	ttys="$ttys${ttys:+, }hvc$idx"
done </tmp/vtys
expect_eq "vtys in the device tree (the console and vtys=$BOOT_VTYS)" $((1 + BOOT_VTYS)) "$(wc -l </tmp/vtys)"
check hv_console "owns all $(wc -l </tmp/vtys) vtys" "$ttys"

# ---------------------------------------------------------------------------
section "hv_console: /dev/hvc1 to the host's vty agent"

N=65536
figure=-
if vty_open_agent 1; then
	ktap_diag "the agent's vty 1 is $VTY_UA, $VTY_DEV (raw, no echo); PING answered"
	want=$(head -c $N "$HVKIT_DATA/sets/random" | sha256sum | cut -d' ' -f1)
	if vty_get random $N /tmp/vty.in 60; then
		got=$(sha_of /tmp/vty.in)
		ktap_diag "host -> guest: $N bytes in $VTY_GET_MS ms, sha256 $got"
		expect_eq "sha256 of the $N bytes from the agent" "$want" "$got"
		in_ms=$VTY_GET_MS
	else
		expect_bad "GET random $N: $VTY_ERR"
	fi
	head -c $N /dev/urandom >/tmp/vty.out
	t0=$(now_ms)
	if vty_put /tmp/vty.out 60; then
		out_ms=$(($(now_ms) - t0))
		ktap_diag "guest -> host: $N bytes in $out_ms ms, the agent's sha256 $VTY_SHA"
		expect_eq "the agent's sha256 of the $N bytes sent" "$(sha_of /tmp/vty.out)" "$VTY_SHA"
	else
		expect_bad "PUT $N: $VTY_ERR"
	fi
	vty_close
	[ "$KTAP_CASE_BAD" = 1 ] ||
		figure="sha256 match; in $((N / (in_ms + 1))) kB/s, out $((N / (out_ms + 1))) kB/s"
else
	expect_bad "the agent's vty 1: $VTY_ERR"
fi
check hv_console "64 KiB each way with the host on hvc1" "$figure"

# ---------------------------------------------------------------------------
section "hv_net: $NET_GUEST_IP on the l-lan"

IF=
if expect_ok "insmod hv_net, $NET_GUEST_IP up" hvn_setup; then
	IF=$(hvn_iface)
	ktap_diag "l-lan $NET_UA is $IF, driver $(basename "$(readlink "/sys/class/net/$IF/device/driver")")"
	expect_eq "driver of $IF" hv_net "$(basename "$(readlink "/sys/class/net/$IF/device/driver")")"
	show ip addr show dev "$IF"
	expect_match "address of $IF" "inet $NET_GUEST_IP/24" "$(cat /tmp/show.out)"
	show ip route
fi
rtt=-
if [ -n "$IF" ]; then
	show ping -c 3 -W 5 "$NET_GATEWAY"
	expect_match "ping $NET_GATEWAY (the host's user network)" " 0% packet loss" "$(cat /tmp/show.out)"
	rtt=$(sed -n 's|.*min/avg/max = [^/]*/\([^/]*\)/.*|\1|p' /tmp/show.out)
	ktap_diag "\$ echo PING | hvk-net tcp $NET_AGENT $NET_AGENT_PORT   # the host agent"
	ans=$(agent PING 20)
	ktap_diag "  $ans"
	expect_eq "the host agent's answer" PONG "$ans"
fi
check hv_net "$NET_GUEST_IP: ping the host, TCP to its agent" "ping ${rtt:-?} ms avg"

# iperf ARGS... : iperf3 to the host's server for T seconds; from the
# receiver's line IPERF_KBITS (-f k) and IPERF_BYTES (iperf3 rounds the
# transfer to three digits in its own unit).
iperf() {
	IPERF_KBITS=
	IPERF_BYTES=
	show timeout $((T + 40)) iperf3 -c "$NET_AGENT" -p 5201 -t "$T" -f k "$@" || return 1
	IPERF_KBITS=$(awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Kbits/sec") print $(i - 1) }' /tmp/show.out | tail -n1)
	IPERF_BYTES=$(awk '/receiver/ {
		for (i = 2; i <= NF; i++) {
			m = 0
			if ($i == "Bytes") m = 1
			if ($i == "KBytes") m = 1024
			if ($i == "MBytes") m = 1048576
			if ($i == "GBytes") m = 1073741824
			if (m) printf "%.0f\n", $(i - 1) * m
		} }' /tmp/show.out | tail -n1)
	[ -n "$IPERF_KBITS" ] && [ -n "$IPERF_BYTES" ]
}

mbits() {
	awk -v k="$1" 'BEGIN { printf "%.0f Mbit/s", k / 1000 }'
}

# iperf_case WHAT COUNTER ARGS... : one direction; COUNTER (tx_bytes or
# rx_bytes) of the interface must have grown by at least what iperf3's
# receiver counted.
iperf_case() {
	local what=$1 counter=$2 c0 grew fig=-
	shift 2
	if [ -n "$IF" ]; then
		c0=$(if_stat "$IF" "$counter")
		if iperf "$@"; then
			grew=$(($(if_stat "$IF" "$counter") - c0))
			ktap_diag "$IF $counter grew by $grew bytes, frame headers included; iperf3's receiver counted about $IPERF_BYTES"
			[ "$grew" -ge $((IPERF_BYTES * 99 / 100)) ] ||
				expect_bad "$counter grew by $grew, less than the $IPERF_BYTES bytes iperf3 moved"
			[ "${IPERF_KBITS%.*}" -gt 0 ] || expect_bad "receiver rate $IPERF_KBITS Kbit/s"
			fig=$(mbits "$IPERF_KBITS")
		else
			expect_bad "iperf3 $*: failed or no receiver line"
		fi
	else
		expect_bad "no hv_net interface"
	fi
	check hv_net "$what" "$fig"
}

section "hv_net: iperf3 to the host's server, $T s each way"
iperf_case "iperf3 guest -> host, $T s" tx_bytes
iperf_case "iperf3 host -> guest, $T s" rx_bytes -R

# ---------------------------------------------------------------------------
section "hv_net: ethtool"

fig=-
if [ -n "$IF" ]; then
	show ethtool -i "$IF"
	expect_match "ethtool -i driver" "^driver: hv_net$" "$(cat /tmp/show.out)"
	expect_match "ethtool -i bus-info" "^bus-info: ${NET_UA#0x}$" "$(cat /tmp/show.out)"
	ktap_diag "\$ ethtool -S $IF"
	ethtool -S "$IF" >/tmp/stats 2>&1
	# Three counters a line.
	awk 'NR > 1 { printf "%-29s", $1 " " $2; if (++n % 3 == 0) printf "\n" } END { if (n % 3) printf "\n" }' \
		/tmp/stats | sed 's/^/#   /; s/ *$//'
	expect_eq "rx_packets: ethtool -S and sysfs" "$(if_stat "$IF" rx_packets)" "$(hvn_stat "$IF" rx_packets)"
	for s in rx_bad_correlator rx_bad_offset rx_bad_length tx_errors resets; do
		expect_eq "ethtool -S $s" 0 "$(hvn_stat "$IF" $s)"
	done
	h=$(hvn_stat "$IF" hcalls)
	[ "${h:-0}" -gt 0 ] || expect_bad "ethtool -S hcalls: '$h'"
	fig="$h hcalls, $(hvn_stat "$IF" hcalls_per_1000_packets) per 1000 packets"
else
	expect_bad "no hv_net interface"
fi
check hv_net "ethtool -i and -S: driver, no errors" "$fig"

# ---------------------------------------------------------------------------
section "hv_scsi: two disks"

DISK1=
DISK2=
if hvs_load && modprobe crc32c_generic && modprobe ext4; then
	h=$(hvs_host)
	ktap_diag "hv_scsi is scsi host $h: $(cat "$(hvs_sysfs)/partner")"
	ktap_diag "$(printf '%-8s %-9s %8s  %s' C:T:L disk MiB 'vendor model')"
	hvs_disks >/tmp/disks
	while read -r c t l m dev; do
		b=/sys/block/${dev#/dev/}
		size=$(($(cat "$b/size") / 2048))
		ktap_diag "$(printf '%-8s %-9s %8s  %s %s' "$c:$t:$l" "$dev" "$size" \
			"$(cat "$b/device/vendor")" "$(cat "$b/device/model")")"
		expect_eq "size of $dev ($c:$t:$l)" "$m" "$size"
	done </tmp/disks
	expect_eq "disks" "$(wc -l <"$HVS_LUNS")" "$(wc -l </tmp/disks)"
	DISK1=$(hvs_disk 0 0 0)
	DISK2=$(hvs_disk 0 1 0)
else
	expect_bad "${HVS_ERR:-modprobe ext4 failed}"
fi
check hv_scsi "two disks on the v-scsi adapter" "$(awk '{ printf "%s%s MiB", (NR > 1 ? " + " : ""), $4 }' /tmp/disks 2>/dev/null)"

# ---------------------------------------------------------------------------
section "hv_scsi: ext4 on $DISK1, a file tree, sha256 after umount and remount"

fig=-
if [ -n "$DISK1" ]; then
	mkdir -p $MNT /tmp/tree
	show mkfs.ext4 -q -F "$DISK1" || expect_bad "mkfs.ext4 failed"
	show mount -t ext4 "$DISK1" $MNT || expect_bad "mount failed"
	# 60 random files of up to 64 KiB in six directories, and the modules.
	i=0
	while [ "$i" -lt 60 ]; do
		mkdir -p /tmp/tree/dir$((i % 6))
		head -c $(((i * 7919) % 65536 + 1)) /dev/urandom >/tmp/tree/dir$((i % 6))/file$i
		i=$((i + 1))
	done
	cp -a /lib/hvkit /tmp/tree/
	(cd /tmp/tree && find . -type f | sort | xargs sha256sum) >/tmp/manifest
	nfiles=$(wc -l </tmp/manifest)
	kib=$(du -sk /tmp/tree | cut -f1)
	sum1=$(sha_of /tmp/manifest)
	ktap_diag "tree: $nfiles files, $kib KiB; sha256 of its manifest (sha256sum of every file) $sum1"
	show cp -a /tmp/tree $MNT/ || expect_bad "cp failed"
	show df -k $MNT
	show umount $MNT || expect_bad "umount failed"
	echo 3 >/proc/sys/vm/drop_caches
	if show mount -t ext4 -o ro "$DISK1" $MNT; then
		(cd $MNT/tree && find . -type f | sort | xargs sha256sum) >/tmp/manifest2
		sum2=$(sha_of /tmp/manifest2)
		ktap_diag "after the remount: sha256 of the manifest $sum2"
		expect_eq "manifest after remount" "$sum1" "$sum2" ||
			diff /tmp/manifest /tmp/manifest2 | head -n 5 | sed 's/^/# | /'
		umount $MNT
	else
		expect_bad "mount again failed"
	fi
	rm -rf /tmp/tree
	[ "$KTAP_CASE_BAD" = 1 ] || fig="sha256 match, $nfiles files, $kib KiB"
else
	expect_bad "no disk 0:0:0"
fi
check hv_scsi "ext4: file tree sha256 after remount" "$fig"

# ---------------------------------------------------------------------------
section "hv_scsi: fio on the first 32 MiB of $DISK2, 4 KiB random I/O, depth 16, O_DIRECT, $T s each"

# fio_case RW : fio for T seconds. The disk must have moved at least the
# bytes fio counted (the block layer may merge adjacent I/Os into one
# request), and hv_scsi must have completed each of its requests.
# stat_delta N : how much field N of the disk's stat grew from s0 to s1.
stat_delta() {
	echo "$s0 $s1" | awk -v f="$1" '{ print $(NF / 2 + f) - $f }'
}

fio_case() {
	local rw=$1 f kb iops lat err s0 s1 c0 c1 req sect merged fig=-
	if [ -n "$DISK2" ]; then
		# /sys/block/X/stat: reads completed, merged, sectors in fields
		# 1, 2, 3; writes in 5, 6, 7.
		case "$rw" in
		randread) f=1 ;;
		*) f=5 ;;
		esac
		s0=$(cat "/sys/block/${DISK2#/dev/}/stat")
		c0=$(hvs_counter completions)
		ktap_diag "\$ fio --name=$rw --filename=$DISK2 --rw=$rw --bs=4k --iodepth=16 --direct=1 --ioengine=libaio --size=32M --time_based --runtime=$T"
		if fio --name="$rw" --filename="$DISK2" --rw="$rw" --bs=4k --iodepth=16 --direct=1 \
			--ioengine=libaio --size=32M --time_based --runtime="$T" --randrepeat=0 \
			--output-format=terse --terse-version=3 >/tmp/fio.out 2>/tmp/fio.err; then
			# Terse v3: 5 error; read 6 KiB, 7 KiB/s, 8 IOPS, 40 mean latency
			# (us); write 47, 48, 49, 81.
			case "$rw" in
			randread) set -- 6 7 8 40 ;;
			*) set -- 47 48 49 81 ;;
			esac
			kb=$(awk -F';' -v i="$1" '{ print $i }' /tmp/fio.out)
			iops=$(awk -F';' -v i="$3" '{ print $i }' /tmp/fio.out)
			lat=$(awk -F';' -v i="$4" '{ printf "%.0f", $i }' /tmp/fio.out)
			err=$(awk -F';' '{ print $5 }' /tmp/fio.out)
			ktap_diag "  $rw: $iops IOPS, $((kb / 4)) I/Os, $((kb / 1024)) MiB in $T s, mean latency $lat us, fio error $err"
			expect_eq "fio's error" 0 "$err"
			[ "${iops:-0}" -gt 0 ] || expect_bad "fio: '$iops' IOPS"
			s1=$(cat "/sys/block/${DISK2#/dev/}/stat")
			c1=$(hvs_counter completions)
			req=$(stat_delta $f)
			merged=$(stat_delta $((f + 1)))
			sect=$(stat_delta $((f + 2)))
			ktap_diag "  ${DISK2#/dev/}: $req requests ($merged I/Os merged into others), $((sect / 2)) KiB; hv_scsi completed $((c1 - c0)) commands"
			[ $((sect / 2)) -ge "$kb" ] ||
				expect_bad "the disk moved $((sect / 2)) KiB, fio counted $kb"
			if [ "$req" = 0 ] || [ $((c1 - c0)) -lt "$req" ]; then
				expect_bad "hv_scsi completed $((c1 - c0)) commands for the disk's $req requests"
			fi
			fig="$iops IOPS"
		else
			expect_bad "fio $rw failed"
			sed 's/^/# fio| /' /tmp/fio.err
		fi
	else
		expect_bad "no disk 0:1:0"
	fi
	check hv_scsi "fio 4 KiB $rw, depth 16, $T s" "$fig"
}

fio_case randwrite
fio_case randread
[ -z "$DISK2" ] || ktap_diag "hv_scsi counters: $(awk '$2 != 0 { printf "%s %s  ", $1, $2 }' "$(hvs_sysfs)/counters")"

# ---------------------------------------------------------------------------
section "hv_vio: the devices on the hvkit bus"

ROOT=/sys/devices/hvkit
ktap_diag "hv_vio on $(uname -m), kernel $(uname -r): method $(rd $ROOT/method), backend $(rd $ROOT/backend), state $(rd $ROOT/state)"
ktap_diag "$(printf '%-12s %-8s %-18s %-11s %-6s %s' unit_address devtype compatible driver irq modalias)"
n=0
bound=0
for d in "$BUS"/*; do
	[ -d "$d" ] || continue
	n=$((n + 1))
	[ "$(driver_of "$d")" = - ] || bound=$((bound + 1))
	ktap_diag "$(printf '%-12s %-8s %-18s %-11s %-6s %s' "$(rd "$d/unit_address")" \
		"$(rd "$d/devtype")" "$(rd "$d/compatible")" "$(driver_of "$d")" "$(rd "$d/irq")" \
		"$(rd "$d/modalias")")"
done
expect_eq "hv_vio state" online "$(rd $ROOT/state)"
# Every device the runner created (/data/devices), with its driver.
while read -r ua type compat; do
	d=$BUS/${ua#0x}
	expect_eq "devtype of $ua" "$type" "$(rd "$d/devtype")"
	expect_eq "compatible of $ua" "$compat" "$(rd "$d/compatible")"
	case "$type" in
	serial) want=hv_console ;;
	network) want=hv_net ;;
	vscsi) want=hv_scsi ;;
	*) want=- ;;
	esac
	expect_eq "driver of $ua ($type)" "$want" "$(driver_of "$d")"
done <"$HVKIT_DATA/devices"
expect_eq "devices on the bus" "$(wc -l <"$HVKIT_DATA/devices")" "$n"
check hv_vio "devices on the hvkit bus, drivers bound" "$n devices, $bound bound"

# ---------------------------------------------------------------------------
section "hv_vio: the hypercalls they made"

# Per device first, then the totals: the totals can only be larger.
ktap_diag "$(printf '%-12s %-11s %10s %8s %6s' device driver hcalls errors busy)"
devsum=0
for d in "$BUS"/*; do
	[ -d "$d" ] || continue
	h=$(rd "$d/stats/hcalls")
	devsum=$((devsum + h))
	ktap_diag "$(printf '%-12s %-11s %10s %8s %6s' "$(rd "$d/unit_address")" "$(driver_of "$d")" \
		"$h" "$(rd "$d/stats/errors")" "$(rd "$d/stats/busy")")"
	[ "$(driver_of "$d")" = - ] || [ "$h" -gt 0 ] ||
		expect_bad "$(driver_of "$d") made no hypercall for $(rd "$d/unit_address")"
done
show cat $STATS
total=$(awk '$1 ~ /^0x/ || $1 == "other" { n += $NF } END { print n + 0 }' /tmp/show.out)
ktap_diag "$total hypercalls in all; the devices had counted $devsum a moment before (the console"
ktap_diag "makes more as this transcript goes out)"
if grep -q '^status -2 H_FUNCTION' /tmp/show.out; then
	# Both peers leave it out (Documentation/hvkit-vmm.rst, llan_model.c).
	case "$PEER" in
	hvkit-vmm) who="hvkit-vmm, like QEMU, does not serve" ;;
	*) who="QEMU does not implement" ;;
	esac
	ktap_diag "H_FUNCTION: $who H_ILLAN_ATTRIBUTES, with which hv_net asks"
	ktap_diag "for the multi-buffer call (Documentation/testing-net.rst); it does without"
fi
for op in H_GET_TERM_CHAR H_PUT_TERM_CHAR H_SEND_LOGICAL_LAN H_ADD_LOGICAL_LAN_BUFFER H_REG_CRQ H_SEND_CRQ; do
	c=$(awk -v op=$op '$2 == op { print $3 }' /tmp/show.out)
	[ "${c:-0}" -gt 0 ] || expect_bad "no $op in hcall_stats"
done
[ "$devsum" -le "$total" ] || expect_bad "the devices count $devsum hypercalls, hcall_stats $total"
check hv_vio "hypercall statistics" "$total hcalls, $(grep -c '^0x' /tmp/show.out) opcodes"

ktap_finish
