#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvkit-vmm in the place it is meant for, under QEMU TCG (Documentation/
# hvkit-vmm.rst, "The nested check"): L0 qemu-system-aarch64 with
# virtualization=on boots Debian trixie's arm64 kernel at EL2 (KVM with the
# SMCCC filter, Linux >= 6.4); in it hvkit-vmm boots Debian bookworm's 6.1
# arm64 kernel, once with method "hvc" on one vCPU and once with "smc" on
# two (L0 has two cpus for L1), with hv_vio and hv_console. Checked, per
# method, on what comes back:
#   - the guest has as many cpus online as hvkit-vmm's --cpus (the second
#     one started by PSCI CPU_ON);
#   - hv_vio loads and finds the hypervisor (the identity call answered);
#   - hv_console binds both vtys, interrupt driven;
#   - a line written to each vty's tty arrives in hvkit-vmm's output file
#     byte for byte;
#   - 4 KiB of random data (CR, LF and NUL included) that hvkit-vmm feeds
#     into vty 1 arrive in the guest with the same sha256;
#   - hv_scsi logs in to hvkit-vmm's v-scsi adapter and finds its disk (an
#     image file given with --disk) with the image's size; 1 MiB read from
#     it has the image's sha256, and 1 MiB written to it and read back
#     after dropping the page cache has the sha256 that hvkit-vmm's image
#     file shows afterwards;
#   - hv_net binds hvkit-vmm's l-lan (--nic tap=hvk0; L1 loads trixie's
#     tun module and puts 10.0.3.1/24 on hvk0, L2 10.0.3.2/24 on hv_net's
#     interface): L2 pings L1 with no loss, 1 MiB of random data goes
#     L2 -> L1 and 1 MiB L1 -> L2 through busybox nc with equal sha256s on
#     both sides, and hvkit-vmm's l-lan counted no guest mistake.
#
# usage: nested.sh [--out DIR] [--keep]
# Exit status: 0 all passed, 1 a check failed, 2 setup failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/lib/kmods.sh
. "$repo/scripts/lib/kmods.sh"
out=$repo/build/vmm-nested
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2:?}; shift ;;
	--keep) keep=1 ;;
	*) echo "nested.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
log() { echo "nested: $*" >&2; }
die() { echo "nested: $*" >&2; exit 2; }

command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 missing (Debian: qemu-system-arm)"
command -v aarch64-linux-gnu-gcc >/dev/null || die "aarch64-linux-gnu-gcc missing (Debian: gcc-aarch64-linux-gnu)"
rm -rf "$out"
mkdir -p "$out"

# What the three layers need: kernels, busybox, libfdt for a static VMM.
l1_image=$("$repo/scripts/fetch-kernel.sh" arm64 6.12 --print image) || die "no trixie arm64 kernel"
l2_image=$("$repo/scripts/fetch-kernel.sh" arm64 6.1 --print image) || die "no bookworm arm64 kernel"
log "building hvkit-vmm (static, arm64) and the hvkit modules for 6.1"
root=$("$repo/scripts/build-hvkit-vmm.sh" "$out/build.log") || die "no hvkit-vmm to run"
make -s -C "$repo" ARCH=arm64 HVKIT_SELFTEST=m >>"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; die "building the modules failed"; }

# The distro modules hv_scsi and sd need (Debian builds SCSI as modules),
# and L1's tun, with what they depend on, in load order, uncompressed for
# busybox's insmod (scripts/lib/kmods.sh).
kmods=$("$repo/scripts/fetch-kernel.sh" arm64 6.1 --print modules) || die "no bookworm arm64 modules"
l1_kmods=$("$repo/scripts/fetch-kernel.sh" arm64 6.12 --print modules) || die "no trixie arm64 modules"
initramfs() { # DIR OUT
	(cd "$1" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$2"
}

# L2: the guest of hvkit-vmm.
l2=$out/l2
mkdir -p "$l2"/{bin,proc,sys,dev,tmp,lib/hvkit,lib/distro}
cp "$root/bin/busybox" "$l2/bin/"
cp "$repo/build/arm64-6.1"/{hv_vio,hv_console,hv_scsi,hv_net}.ko "$l2/lib/hvkit/"
kmod_paths "$kmods" scsi_mod sd_mod crct10dif_generic crc64_rocksoft_generic >"$out/l2-mods" ||
	die "bookworm's modules are incomplete"
kmod_copy "$l2/lib/distro" <"$out/l2-mods"
cat >"$l2/init" <<'L2'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
say() { echo "L2: $*"; }
say "init at $(cut -d' ' -f1 /proc/uptime) s"
say "cpus $(cat /sys/devices/system/cpu/online) online"
insmod /lib/hvkit/hv_vio.ko && say "hv_vio loaded"
say "state $(cat /sys/devices/hvkit/state 2>&1)"
insmod /lib/hvkit/hv_console.ko && say "hv_console loaded"
[ -e /dev/hvc0 ] && echo "hello from hvc0 through hvkit-vmm" >/dev/hvc0
if [ -e /dev/hvc1 ]; then
	# Raw before any input: the hello line tells L1 to start sending.
	exec 3<>/dev/hvc1
	stty -F /dev/hvc1 raw -echo
	echo "hello from hvc1 through hvkit-vmm" >&3
	dd of=/tmp/in bs=1 count=4096 <&3 2>/dev/null &
	p=$!
	i=0
	while [ $i -lt 60 ] && [ "$(wc -c </tmp/in 2>/dev/null || echo 0)" -lt 4096 ]; do
		sleep 1; i=$((i + 1))
	done
	kill $p 2>/dev/null
	say "input $(wc -c </tmp/in) bytes sha256 $(sha256sum </tmp/in | cut -d' ' -f1)"
fi
# Distro modules, dependencies first.
for k in $(cat /lib/distro/order); do insmod "/lib/distro/$k" || say "insmod $k failed"; done
insmod /lib/hvkit/hv_scsi.ko && say "hv_scsi loaded"
i=0
while [ $i -lt 60 ] && [ ! -b /dev/sda ]; do sleep 1; i=$((i + 1)); done
if [ -b /dev/sda ]; then
	say "sda $(cat /sys/block/sda/size) sectors"
	say "read sha256 $(dd if=/dev/sda bs=65536 count=16 2>/dev/null | sha256sum | cut -d' ' -f1)"
	# 1 MiB of new data at 1 MiB, on the disk before the guest powers off.
	dd if=/dev/urandom of=/tmp/w bs=65536 count=16 2>/dev/null
	dd if=/tmp/w of=/dev/sda bs=65536 seek=16 conv=fsync 2>/dev/null
	echo 3 >/proc/sys/vm/drop_caches
	say "wrote sha256 $(sha256sum </tmp/w | cut -d' ' -f1)"
	say "reread sha256 $(dd if=/dev/sda bs=65536 skip=16 count=16 2>/dev/null | sha256sum | cut -d' ' -f1)"
fi
# The l-lan: hv_net's interface (found by its driver) at 10.0.3.2, L1 at .1.
uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }'; }
insmod /lib/hvkit/hv_net.ko && say "hv_net loaded"
netif=
i=0
while [ $i -lt 30 ] && [ -z "$netif" ]; do
	for d in /sys/class/net/*; do
		[ "$(basename "$(readlink "$d/device/driver")")" = hv_net ] && netif=${d##*/}
	done
	[ -n "$netif" ] || { sleep 1; i=$((i + 1)); }
done
if [ -n "$netif" ]; then
	say "net hv_net interface $netif"
	ip addr add 10.0.3.2/24 dev "$netif"
	ip link set "$netif" up
	ping -c 5 10.0.3.1 >/tmp/ping 2>&1
	grep -E 'transmitted|round-trip' /tmp/ping | sed 's/^/L2: ping /'
	# nc quits when the far end closes; stdin held open (a FIFO with a
	# writer) so that nc never closes its half before the data is through.
	mkfifo /tmp/hold
	sleep 600 >/tmp/hold &
	dd if=/dev/urandom of=/tmp/net.out bs=65536 count=16 2>/dev/null
	say "net sent sha256 $(sha256sum </tmp/net.out | cut -d' ' -f1)"
	t=$(uptime_s)
	nc 10.0.3.1 5001 </tmp/net.out
	say "net sent 1 MiB in $(since "$t") s"
	t=$(uptime_s)
	nc 10.0.3.1 5002 </tmp/hold >/tmp/net.in
	say "net received $(wc -c </tmp/net.in) bytes in $(since "$t") s"
	say "net received sha256 $(sha256sum </tmp/net.in | cut -d' ' -f1)"
	kill $! 2>/dev/null
	ip link set "$netif" down
fi
dmesg | grep -E 'hv_vio|hv_console|hv_scsi|hv_net|sd 0:' | sed 's/^/L2 dmesg: /'
say "powering off at $(cut -d' ' -f1 /proc/uptime) s"
poweroff -f
L2
chmod +x "$l2/init"

# The data hvkit-vmm feeds into vty 1: random, with bytes 1-8 turned into
# CR, LF and NUL so that the console's special cases come up often.
# shellcheck disable=SC2020 # a set of 8 bytes onto 8, repeats intended
head -c 4096 /dev/urandom | tr '\001-\010' '\r\n\000\r\n\000\r\n' >"$out/vty1.in"
want_in=$(sha256sum <"$out/vty1.in" | cut -d' ' -f1)
# The disk: 1 MiB of random data, then 1 MiB of zeroes for the guest to write.
head -c 1048576 /dev/urandom >"$out/disk.img"
want_disk=$(sha256sum <"$out/disk.img" | cut -d' ' -f1)
truncate -s 2M "$out/disk.img"

# L1: trixie at EL2 with KVM, running hvkit-vmm twice.
l1=$out/l1
mkdir -p "$l1"/{bin,proc,sys,dev,tmp,lib/distro}
cp "$root/bin/busybox" "$repo/tools/hvkit-vmm/hvkit-vmm" "$l1/bin/"
# tun for hvkit-vmm's TAP, unless trixie builds it in.
kmod_paths "$l1_kmods" tun >"$out/l1-mods" || die "trixie's modules are incomplete"
kmod_copy "$l1/lib/distro" <"$out/l1-mods"
cp "$l2_image" "$l1/Image-l2"
initramfs "$l2" "$l1/initrd-l2"
cp "$out/vty1.in" "$out/disk.img" "$l1/"
cat >"$l1/init" <<'L1'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
echo "L1: $(uname -r) $(dmesg | grep -o 'kvm \[1\]: [A-Za-z]* mode initialized' | head -1), $(nproc) cpus"
for k in $(cat /lib/distro/order); do insmod "/lib/distro/$k" || echo "L1: insmod $k failed"; done
[ -e /dev/net/tun ] || { mkdir -p /dev/net; mknod /dev/net/tun c 10 200; }
[ -d /sys/class/misc/tun ] && echo "L1: tun ready"
# The far end of hvkit-vmm's TAP: 10.0.3.1 on hvk0 once hvkit-vmm made it,
# 1 MiB taken from L2 on port 5001, 1 MiB given to L2 on port 5002. Each
# nc's stdin is held open (a FIFO with a writer): nc quits when the far
# end closes, and must not close its own half first.
dd if=/dev/urandom of=/tmp/net.to-l2 bs=65536 count=16 2>/dev/null
net_start() {
	rm -f /tmp/net.from-l2 /tmp/hold; mkfifo /tmp/hold
	sleep 900 >/tmp/hold &
	holder=$!
	nc -l -p 5001 </tmp/hold >/tmp/net.from-l2 &
	nc -l -p 5002 </tmp/net.to-l2 >/dev/null &
	( i=0
	  while [ ! -e /sys/class/net/hvk0 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	  ip addr add 10.0.3.1/24 dev hvk0 && ip link set hvk0 up && echo "L1: $m hvk0 up" ) &
}
for m in hvc smc; do
	n=1; [ $m = smc ] && n=2
	: >/tmp/vty0.out; : >/tmp/vty1.out
	rm -f /tmp/vty1.fifo; mkfifo /tmp/vty1.fifo
	cp /disk.img /tmp/disk.img
	echo "L1: method $m, --cpus $n"
	# vty 1's input once the guest said hello on it (it is raw by then).
	( while ! grep -q hello /tmp/vty1.out; do sleep 0.2; done
	  cat /vty1.in >/tmp/vty1.fifo ) &
	feeder=$!
	net_start
	t0=$(cut -d' ' -f1 /proc/uptime)
	/bin/hvkit-vmm --kernel /Image-l2 --initrd /initrd-l2 --method $m --memory 256 \
		--cpus $n --append "console=ttyAMA0 quiet" --vty out=/tmp/vty0.out \
		--vty out=/tmp/vty1.out,in=/tmp/vty1.fifo --disk /tmp/disk.img \
		--nic tap=hvk0 </dev/null
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "L1: $m exit $rc"
	echo "L1: $m hvkit-vmm ran $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
	echo "L1: $m image sha256 $(dd if=/tmp/disk.img bs=65536 skip=16 count=16 2>/dev/null | sha256sum | cut -d' ' -f1)"
	echo "L1: $m net sent sha256 $(sha256sum </tmp/net.to-l2 | cut -d' ' -f1)"
	echo "L1: $m net received $(wc -c </tmp/net.from-l2) bytes sha256 $(sha256sum </tmp/net.from-l2 | cut -d' ' -f1)"
	kill $feeder $holder 2>/dev/null
	# Listeners nobody reached (a failed run) go too.
	kill $(pidof nc) 2>/dev/null
	echo "L1: $m vty0 $(cat /tmp/vty0.out)"
	echo "L1: $m vty1 $(cat /tmp/vty1.out)"
done
poweroff -f
L1
chmod +x "$l1/init"
initramfs "$l1" "$out/l1.cpio.gz"

log "booting L0 (TCG) -> L1 $(basename "$l1_image") at EL2 -> hvkit-vmm -> L2 $(basename "$l2_image")"
timeout 900 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,its=on \
	-cpu max,pauth-impdef=on -m 2G -smp 2 -nographic -nic none -no-reboot \
	-kernel "$l1_image" -initrd "$out/l1.cpio.gz" \
	-append 'console=ttyAMA0 panic=-1 quiet' </dev/null >"$out/console.log" 2>&1 ||
	log "QEMU ended with status $? (console: $out/console.log)"

failed=0
# check METHOD WHAT STRING: STRING must be in that method's part of the log.
check() {
	if grep -q -F -- "$3" "$out/$1.log"; then
		echo "ok - $1: $2"
	else
		echo "not ok - $1: $2 (no \"$3\"; $out/console.log)"
		failed=1
	fi
}
# The guest's write: read back the same, and the image file holds it.
disk_check() {
	local wrote
	wrote=$(sed -n 's/^L2: wrote sha256 //p' "$out/$1.log")
	if [ -n "$wrote" ] && grep -q -F "L2: reread sha256 $wrote" "$out/$1.log" &&
		grep -q -F "L1: $1 image sha256 $wrote" "$out/$1.log"; then
		echo "ok - $1: 1 MiB written, read back and in the image file, sha256 equal"
	else
		echo "not ok - $1: 1 MiB written (sha256 ${wrote:-none}), read back and in the image file"
		failed=1
	fi
}
# The l-lan both ways: what one side sent, the other received, sha256 equal.
net_check() {
	local up down
	up=$(sed -n 's/^L2: net sent sha256 //p' "$out/$1.log")
	down=$(sed -n "s/^L1: $1 net sent sha256 //p" "$out/$1.log")
	if [ -n "$up" ] && grep -q -F "L1: $1 net received 1048576 bytes sha256 $up" "$out/$1.log"; then
		echo "ok - $1: 1 MiB L2 -> L1 over the l-lan (nc), sha256 equal"
	else
		echo "not ok - $1: 1 MiB L2 -> L1 over the l-lan (sent sha256 ${up:-none})"
		failed=1
	fi
	if [ -n "$down" ] && grep -q -F "L2: net received 1048576 bytes" "$out/$1.log" &&
		grep -q -F "L2: net received sha256 $down" "$out/$1.log"; then
		echo "ok - $1: 1 MiB L1 -> L2 over the l-lan (nc), sha256 equal"
	else
		echo "not ok - $1: 1 MiB L1 -> L2 over the l-lan (sent sha256 ${down:-none})"
		failed=1
	fi
}
for m in hvc smc; do
	tr -d '\r' <"$out/console.log" | sed -n "/^L1: method $m/,/^L1: $m vty1/p" >"$out/$m.log"
	check $m "hvkit-vmm exits 0 when the guest powers off" "L1: $m exit 0"
	# hvc on one vCPU, smc on two: the second brought up by PSCI CPU_ON.
	if [ $m = smc ]; then cpus=0-1; else cpus=0; fi
	check $m "the guest has cpus $cpus online" "L2: cpus $cpus online"
	check $m "hv_vio loads" "L2: hv_vio loaded"
	check $m "hv_vio found the hypervisor (identity call)" "L2: state online"
	check $m "hv_console binds vty 0 as hvc0" "hv_console 30000000: hvc0, interrupt driven"
	check $m "hv_console binds vty 1 as hvc1" "hv_console 30000001: hvc1, interrupt driven"
	check $m "vty 0 output byte for byte" "L1: $m vty0 hello from hvc0 through hvkit-vmm"
	check $m "vty 1 output byte for byte" "L1: $m vty1 hello from hvc1 through hvkit-vmm"
	check $m "4 KiB into vty 1, sha256 equal" "L2: input 4096 bytes sha256 $want_in"
	check $m "hv_scsi loads" "L2: hv_scsi loaded"
	check $m "the disk is found with the image's size" "L2: sda 4096 sectors"
	check $m "1 MiB read from the disk, sha256 of the image" "L2: read sha256 $want_disk"
	check $m "v-scsi: nothing dropped, refused or lost" \
		"0 requests dropped, 0 bad descriptors, 0 answers lost, 0 queue registrations refused"
	disk_check $m
	check $m "L1 loads tun and puts 10.0.3.1 on hvkit-vmm's TAP" "L1: $m hvk0 up"
	check $m "hv_net loads" "L2: hv_net loaded"
	check $m "hv_net binds the l-lan" "L2: net hv_net interface "
	check $m "hv_net takes the l-lan's MAC from the tree" \
		": l-lan 30000200, MAC 52:54:00:12:34:50"
	check $m "L2 pings L1 through the TAP, no loss" \
		"L2: ping 5 packets transmitted, 5 packets received, 0% packet loss"
	net_check $m
	if grep -q -E '^hvkit-vmm: l-lan 0x30000200: [1-9][0-9]* frames in, [1-9][0-9]* out, .*, 0 guest mistakes$' \
		"$out/$m.log"; then
		echo "ok - $m: l-lan: frames both ways, no guest mistakes"
	else
		echo "not ok - $m: l-lan: frames both ways, no guest mistakes ($out/console.log)"
		failed=1
	fi
done
[ "$keep" = 1 ] || rm -rf "$l1" "$l2"
[ "$failed" = 0 ] && echo "nested: all passed" || echo "nested: FAILED"
exit "$failed"
