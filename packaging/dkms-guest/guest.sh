#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the DKMS test guest (started by hvkit-guest-run from the 9p
# share). The host writes the boot's phase into $share/phase; this script
# runs that phase's checks and writes one KTAP line per check into
# $share/ktap-<phase>. Phases, one boot each:
#   install   apt install the package, modprobe the kit, use the devices,
#             then hvkit-prefer enable
#   prefer    the kit's drivers came up by themselves and own the devices;
#             apt remove (nothing is left to purge)
#   removed   nothing of the kit is left; the in-tree drivers are back
# For the next boot the script leaves the kernel command line words in
# $share/next-cmdline and the current initrd in $share/initrd.img, as a
# boot loader would pick them up.
share=${1:-/run/hvkit}
phase=$(cat "$share/phase")
out=$share/ktap-$phase
: >"$out"
n=0
release=$(uname -r)
moddir=/lib/modules/$release/updates/dkms
kit="hv_vio hv_console hv_net hv_scsi"
export DEBIAN_FRONTEND=noninteractive

result() {	# result STATUS DESCRIPTION: STATUS 0 is ok
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2" >>"$out"
	else
		echo "not ok $n $2" >>"$out"
	fi
	echo "[$phase] check $n: $2 -> $1"
}

check() {	# check DESCRIPTION COMMAND...
	desc=$1
	shift
	"$@"
	result $? "$desc"
}

note() { echo "# $*" >>"$out"; }

# The driver bound to the first device of a bus whose modalias matches.
driver_of() {	# driver_of BUS MODALIAS-PATTERN
	for d in /sys/bus/"$1"/devices/*; do
		grep -q "$2" "$d/modalias" 2>/dev/null || continue
		if [ -e "$d/driver" ]; then
			basename "$(readlink "$d/driver")"
		else
			echo none
		fi
		return 0
	done
	echo absent
}

is_driver() { [ "$(driver_of "$1" "$2")" = "$3" ]; }

loaded() {
	for m in "$@"; do
		grep -q "^$m " /proc/modules || { echo "$m is not loaded"; return 1; }
	done
}

not_loaded() {
	for m in "$@"; do
		! grep -q "^$m " /proc/modules || { echo "$m is loaded"; return 1; }
	done
}

# The interface the given driver made for the l-lan.
netdev_of() {
	for i in /sys/class/net/*; do
		[ "$(basename "$(readlink "$i/device/driver" 2>/dev/null)")" = "$1" ] &&
			{ basename "$i"; return 0; }
	done
	return 1
}

ping_gateway() {	# ping_gateway DRIVER
	dev=$(netdev_of "$1") || { echo "no interface from $1"; return 1; }
	ip link set "$dev" up &&
		ip addr replace 10.0.2.15/24 dev "$dev" &&
		ping -c 3 -W 5 -I "$dev" 10.0.2.2
}

# The disk behind the SCSI host the given driver registered.
disk_of() {
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name")" = "$1" ] || continue
		host=${h##*/host}
		for t in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			for b in /sys/class/scsi_disk/"$host":*/device/block/*; do
				[ -e "$b" ] && { echo "/dev/${b##*/}"; return 0; }
			done
			sleep "$t"
		done
	done
	return 1
}

# The host filled the first 8 MiB with random data; its sha256 is in
# $share/disk.sha256.
disk_host_data() {
	disk=$(disk_of "$1") || { echo "no disk behind $1"; return 1; }
	sum=$(dd if="$disk" bs=1M count=8 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$sum" = "$(cat "$share/disk.sha256")" ] || { echo "$disk: $sum"; return 1; }
}

# Write 4 MiB at 8 MiB (O_DIRECT), read them back; the host compares the
# image with $share/written.sha256 after the boot.
disk_write_read() {
	disk=$(disk_of "$1") || return 1
	head -c 4194304 /dev/urandom >/tmp/pattern
	want=$(sha256sum </tmp/pattern | cut -d' ' -f1)
	dd if=/tmp/pattern of="$disk" bs=1M seek=8 oflag=direct conv=fsync 2>/dev/null || return 1
	got=$(dd if="$disk" bs=1M skip=8 count=4 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	echo "$want" >"$share/written.sha256"
	[ "$want" = "$got" ]
}

# The previous boot's write is still on the disk.
disk_persisted() {
	disk=$(disk_of "$1") || return 1
	got=$(dd if="$disk" bs=1M skip=8 count=4 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$(cat "$share/written.sha256")" ]
}

# The host loops the second vty's output back into its input: what the
# guest writes comes back.
vty_round_trip() {
	tty=$1
	token="hvkit-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	# Raw mode on the descriptor that stays open: hvc resets a vty's
	# termios when its last user closes it (stty -F would be undone), and
	# in canonical mode a token without a newline is never read.
	exec 3<>"$tty"
	stty raw -echo <&3 || return 1
	printf '%s' "$token" >&3
	got=$(timeout 30 dd bs=1 count=${#token} <&3 2>/dev/null)
	exec 3>&-
	echo "sent $token, got $got"
	[ "$got" = "$token" ]
}

# hvc_vio did not start: the console the kernel prints to (and that
# systemd got as /dev/console) is hv_console's hvc0.
system_console_hvc0() {
	cat /proc/consoles
	# The C flag: hvc0 is the device behind /dev/console.
	grep -Eq '^hvc0 .*\([^)]*C[^)]*\)' /proc/consoles && loaded hv_console
}

# The initramfs the next boot gets no longer carries the kit.
initramfs_without_kit() {
	! lsinitramfs "/boot/initrd.img-$release" | grep -E '/hv_(vio|console|net|scsi)\.ko'
}

nothing_left() {
	ok=0
	for m in $kit; do
		if ls "$moddir/$m".ko* >/dev/null 2>&1; then
			echo "left: $moddir/$m.ko*"
			ok=1
		fi
	done
	for p in /var/lib/dkms/hvkit /usr/src/hvkit-* /usr/share/hvkit-dkms \
		/usr/sbin/hvkit-prefer /etc/modprobe.d/hvkit-prefer.conf \
		/etc/default/grub.d/hvkit-prefer.cfg \
		/usr/share/initramfs-tools/hooks/hvkit-prefer; do
		[ ! -e "$p" ] || { echo "left: $p"; ok=1; }
	done
	return $ok
}

dkms_installed() { dkms status hvkit | tee /dev/stderr | grep -q "$release.*installed"; }

modules_in_updates() {
	for m in $kit; do
		ls "$moddir/$m".ko* >/dev/null 2>&1 || { echo "missing $m"; return 1; }
		modinfo -n "$m" | grep -q "^$moddir/" || return 1
		[ "$(modinfo -F vermagic "$m" | cut -d' ' -f1)" = "$release" ] || return 1
	done
}

# Built here, by the guest's gcc against its own headers.
built_by_guest_gcc() {
	# dkms 3 keeps the build's log in <version>/<release>/<arch>/log/.
	log=$(find /var/lib/dkms/hvkit -name make.log 2>/dev/null | head -n1)
	echo "make.log: ${log:-none}"
	[ -n "$log" ] && grep -q "/usr/src/linux-headers-$release" "$log" &&
		command -v gcc && gcc --version | head -n1
}

prefer_files() {
	[ "$(hvkit-prefer status)" = enabled ] &&
		grep -q '^blacklist ibmveth' /etc/modprobe.d/hvkit-prefer.conf &&
		grep -q 'initcall_blacklist=hvc_vio_init' /etc/default/grub.d/hvkit-prefer.cfg &&
		lsinitramfs "/boot/initrd.img-$release" >/tmp/initrd.list &&
		grep -q 'etc/modprobe.d/hvkit-prefer.conf' /tmp/initrd.list &&
		for m in $kit; do
			grep -q "updates/dkms/$m\.ko" /tmp/initrd.list || { echo "initramfs lacks $m"; return 1; }
		done
}

case "$phase" in
install)
	note "kernel $release, $(gcc --version | head -n1)"
	note "vio modaliases: $(cat /sys/bus/vio/devices/*/modalias | tr '\n' ' ')"
	cp "$share"/hvkit-dkms_*.deb /root/
	check "apt install ./hvkit-dkms_*.deb" apt-get install -y /root/hvkit-dkms_*.deb
	check "dkms status: installed for $release" dkms_installed
	check "the four modules in $moddir, vermagic $release" modules_in_updates
	check "built with the guest's gcc against its headers" built_by_guest_gcc
	check "by default ibmveth owns the l-lan" is_driver vio 'vio:TnetworkSIBM,l-lan' ibmveth
	check "by default ibmvscsi owns the v-scsi adapter" is_driver vio 'vio:TvscsiSIBM,v-scsi' ibmvscsi
	check "the kit does not load by itself by default" not_loaded hv_vio hv_console hv_net hv_scsi
	check "modprobe -r ibmveth ibmvscsi" modprobe -r ibmveth ibmvscsi
	# shellcheck disable=SC2086 # one word per module
	check "modprobe $kit" modprobe -a $kit
	check "hv_net owns the l-lan" is_driver hvkit 'hvkit:TnetworkSIBM,l-lan' hv_net
	check "ping 10.0.2.2 through hv_net" ping_gateway hv_net
	check "hv_scsi owns the v-scsi adapter" is_driver hvkit 'hvkit:TvscsiSIBM,v-scsi' hv_scsi
	check "hv_scsi: the host's 8 MiB read back intact" disk_host_data hv_scsi
	check "hv_scsi: 4 MiB written and read back (O_DIRECT)" disk_write_read hv_scsi
	check "hv_console leaves the vtys to hvc_vio without the opt-in" \
		is_driver hvkit 'hvkit:TserialShvterm1' none
	check "hvkit-prefer enable" hvkit-prefer enable
	check "hvkit-prefer: modprobe.d, GRUB snippet, the kit in the initramfs" prefer_files
	hvkit-prefer cmdline >"$share/next-cmdline"
	;;
prefer)
	note "cmdline: $(cat /proc/cmdline)"
	check "the kit's modules loaded by themselves (udev)" loaded hv_vio hv_console hv_net hv_scsi
	check "ibmveth and ibmvscsi not loaded" not_loaded ibmveth ibmvscsi
	check "the l-lan vio device has no in-tree driver" is_driver vio 'vio:TnetworkSIBM,l-lan' none
	check "the v-scsi vio device has no in-tree driver" is_driver vio 'vio:TvscsiSIBM,v-scsi' none
	check "the vty vio devices have no in-tree driver (hvc_vio)" is_driver vio 'vio:TserialShvterm1' none
	check "hv_net owns the l-lan" is_driver hvkit 'hvkit:TnetworkSIBM,l-lan' hv_net
	check "hv_scsi owns the v-scsi adapter" is_driver hvkit 'hvkit:TvscsiSIBM,v-scsi' hv_scsi
	check "hv_console owns the vtys" is_driver hvkit 'hvkit:TserialShvterm1' hv_console
	check "the system console is hvc0, from hv_console" system_console_hvc0
	check "ping 10.0.2.2 through hv_net" ping_gateway hv_net
	check "hv_scsi: the host's 8 MiB intact" disk_host_data hv_scsi
	check "hv_scsi: the last boot's 4 MiB intact" disk_persisted hv_scsi
	check "hv_scsi: 4 MiB written and read back (O_DIRECT)" disk_write_read hv_scsi
	check "vty round trip through hv_console (/dev/hvc1)" vty_round_trip /dev/hvc1
	check "apt remove hvkit-dkms" apt-get remove -y hvkit-dkms
	check "hvkit-prefer disabled by the removal" \
		test ! -e /etc/modprobe.d/hvkit-prefer.conf -a ! -e /etc/default/grub.d/hvkit-prefer.cfg
	# No conffiles: removal leaves nothing to purge, and dpkg forgets the
	# package (apt purge then cannot even name it when it came from a file).
	check "dpkg knows no hvkit-dkms after apt remove (nothing to purge)" \
		sh -c '! dpkg -s hvkit-dkms >/dev/null 2>&1'
	check "dpkg --purge hvkit-dkms is a no-op" dpkg --purge hvkit-dkms
	check "nothing left: modules, dkms tree, sources, helper files" nothing_left
	: >"$share/next-cmdline"
	;;
removed)
	check "the initramfs carries no kit module" initramfs_without_kit
	check "no kit module loaded" not_loaded hv_vio hv_console hv_net hv_scsi
	check "modprobe finds no hv_vio" sh -c '! modinfo hv_vio >/dev/null 2>&1'
	check "nothing left: modules, dkms tree, sources, helper files" nothing_left
	check "ibmveth owns the l-lan again" is_driver vio 'vio:TnetworkSIBM,l-lan' ibmveth
	check "ibmvscsi owns the v-scsi adapter again" is_driver vio 'vio:TvscsiSIBM,v-scsi' ibmvscsi
	check "ping 10.0.2.2 through ibmveth" ping_gateway ibmveth
	;;
*)
	check "known phase '$phase'" false
	;;
esac

cp "/boot/initrd.img-$release" "$share/initrd.img.new" && mv "$share/initrd.img.new" "$share/initrd.img"
echo "1..$n" >>"$out"
sync
