# SPDX-License-Identifier: GPL-2.0-only
#
# hvkit top-level Makefile.
#
#   make                       build for the running kernel (KDIR=...)
#   make ARCH=powerpc          cross-build against Debian's ppc64el kernel
#   make ARCH=arm64            cross-build against Debian's arm64 kernel
#        KVER=6.1|6.12|7       which Debian kernel (bookworm, trixie, sid)
#        KVER=6.1-debug        the debug kernel (scripts/build-debug-kernel.sh)
#   make lint | unit | fuzz | vm-test | check | check-full | demo | clean
#   make kselftest-install INSTALL_PATH=DIR
#
# Cross builds fetch the distro kernel into $(HVKIT_CACHE) (never into the
# repo, never onto the host) and leave the modules in build/<ARCH>-<KVER>/.

KVER ?= 6.1
HVKIT_CACHE ?= $(HOME)/.cache/hvkit
export HVKIT_CACHE

host_arch := $(shell uname -m | sed -e 's/^ppc64.*/powerpc/' -e 's/^aarch64$$/arm64/')
ARCH ?= $(host_arch)
MODULES := hv_vio hv_console hv_net hv_scsi

build_goals := $(if $(MAKECMDGOALS),$(filter all modules install,$(MAKECMDGOALS)),all)
ifneq ($(build_goals),)
ifeq ($(filter powerpc arm64,$(ARCH)),)
$(error hvkit: no supported hypercall method on $(ARCH): hvkit speaks "sc1" on powerpc and "hvc"/"smc" on arm64; cross-build with make ARCH=powerpc or make ARCH=arm64)
endif
endif

ifeq ($(ARCH),$(host_arch))
# Native build for the running (or given) kernel, in place, as DKMS does.
KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD_SRC := $(CURDIR)
MAKE_ARGS :=
else
CROSS_COMPILE_powerpc := powerpc64le-linux-gnu-
CROSS_COMPILE_arm64 := aarch64-linux-gnu-
CROSS_COMPILE ?= $(CROSS_COMPILE_$(ARCH))
BUILD := $(CURDIR)/build/$(ARCH)-$(KVER)
BUILD_SRC := $(BUILD)/src
ifndef KDIR
ifeq ($(KVER),6.1-debug)
KDIR := $(shell $(CURDIR)/scripts/build-debug-kernel.sh $(ARCH) --print kdir)
else
KDIR := $(shell $(CURDIR)/scripts/fetch-kernel.sh $(ARCH) $(KVER) --print kdir)
endif
endif
MAKE_ARGS := ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE)
# Debian names the exact gcc its kernel was built with (trixie and sid use
# gcc-14, bookworm ships gcc-12). Without that cross compiler, build with the
# host's and drop the one option gcc-12 lacks: good for compiling and lint,
# and documented as such in Documentation/build.rst.
kernel_gcc := $(shell sed -n 's/^CC = .*(CROSS_COMPILE)\(gcc-[0-9]*\).*/\1/p' \
		$(KDIR)/.kernelvariables 2>/dev/null)
ifneq ($(kernel_gcc),)
ifeq ($(shell command -v $(CROSS_COMPILE)$(kernel_gcc)),)
MAKE_ARGS += CC=$(CROSS_COMPILE)gcc CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=
$(info hvkit: $(CROSS_COMPILE)$(kernel_gcc) not found; building with $(CROSS_COMPILE)gcc)
# A powerpc kernel with ARCH_USING_PATCHABLE_FUNCTION_ENTRY (trixie's) gives
# every function two ftrace nops with -fpatchable-function-entry=2. It only
# does so with a gcc that puts them after the ELFv2 global entry (the TOC
# set-up). gcc-12 puts them before it, so the module loader sets r2 8 bytes
# short and the module's first call into the kernel jumps to a stub's magic
# word (Documentation/build.rst). With such a gcc, build without the hooks:
# ftrace cannot trace hvkit's functions then, and nothing else changes.
ifeq ($(ARCH)$(shell grep -x 'CONFIG_ARCH_USING_PATCHABLE_FUNCTION_ENTRY=y' $(KDIR)/.config 2>/dev/null),powerpcCONFIG_ARCH_USING_PATCHABLE_FUNCTION_ENTRY=y)
ifeq ($(shell printf 'int x;\nint f(void) { return x; }\n' | \
	$(CROSS_COMPILE)gcc -mlittle-endian -mabi=elfv2 -O2 -fpatchable-function-entry=2 \
		-S -x c - -o - 2>/dev/null | \
	awk '/\.localentry/ { le = 1 } le && /^[[:space:]]*nop/ { n++ } END { print n + 0 }'),0)
MAKE_ARGS += CC_FLAGS_FTRACE=
$(info hvkit: $(CROSS_COMPILE)gcc puts -fpatchable-function-entry nops before the ELFv2 global entry; building without ftrace hooks)
endif
endif
endif
endif
# Module BTF is optional; without pahole, build the modules without it.
ifeq ($(shell command -v pahole),)
MAKE_ARGS += CONFIG_DEBUG_INFO_BTF_MODULES=
endif
endif

SOURCES := Kbuild drivers hypercall include selftests/kmod

.PHONY: all modules install clean lint unit fuzz vm-test check check-full demo

all: modules

modules:
ifneq ($(BUILD_SRC),$(CURDIR))
	@test -n "$(KDIR)" || { echo "hvkit: no Debian $(ARCH) $(KVER) kernel to build against (scripts/fetch-kernel.sh said why, above)"; exit 1; }
endif
	@test -d "$(KDIR)" || { echo "hvkit: no kernel build tree at KDIR=$(KDIR)"; exit 1; }
ifneq ($(BUILD_SRC),$(CURDIR))
	@mkdir -p $(BUILD_SRC)/selftests
	@for s in $(SOURCES); do \
		mkdir -p $(BUILD_SRC)/$$(dirname $$s); \
		cp -rs --remove-destination $(CURDIR)/$$s $(BUILD_SRC)/$$(dirname $$s)/; \
	done
endif
	$(MAKE) -C $(KDIR) M=$(BUILD_SRC) $(MAKE_ARGS) $(EXTRA_KBUILD) modules
ifneq ($(BUILD_SRC),$(CURDIR))
	@find $(BUILD_SRC) -name '*.ko' -exec cp {} $(BUILD)/ \;
	@echo "hvkit: modules for $(ARCH) $(KVER) in $(BUILD)/"
endif

install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build

lint:
	scripts/lint.sh

unit:
	$(MAKE) -C selftests/host check
	selftests/host/test_fetch_kernel.sh
	python3 selftests/vm/host/test_vty_agent.py

# The guest tests as the kselftest collection "hvkit", installed with the
# kernel's own kselftest framework (Documentation/testing-vm.rst).
.PHONY: kselftest-install
kselftest-install:
	@test -n "$(INSTALL_PATH)" || { echo "hvkit: make kselftest-install INSTALL_PATH=DIR"; exit 2; }
	selftests/vm/kselftest-install.sh "$(INSTALL_PATH)"

# FUZZ_SECONDS=N per target (default 60); see Documentation/fuzzing.rst.
fuzz:
	$(MAKE) -C selftests/fuzz fuzz

vm-test:
	selftests/vm/run.sh --arch $(ARCH) --kver $(KVER)

# hv_console against hvc_vio, alternating boots (Documentation/testing-console.rst).
.PHONY: bench-console
bench-console:
	selftests/vm/run.sh --arch ppc64le --kver $(KVER) --bench console --alternate 3 \
		--boots 'hvc-vio hv-console'

# hv_net against ibmveth on the same boot (Documentation/testing-net.rst).
.PHONY: bench-net
bench-net:
	selftests/vm/run.sh --arch ppc64le --kver $(KVER) --bench net --alternate 3 \
		--boots net-bench --set-a ibmveth --set-b 'hv_vio hv_net'

# hv_scsi against ibmvscsi, alternating boots (Documentation/hv-scsi.rst).
.PHONY: bench-scsi
bench-scsi:
	selftests/vm/run.sh --arch ppc64le --kver $(KVER) --bench scsi --alternate 3 \
		--boots scsi-bench --set-a 'sd_mod ibmvscsi' --set-b 'sd_mod hv_vio hv_scsi'

# An hvkit-vmm device's interrupt as an MSI against a wired line
# (Documentation/testing-vm.rst, "Interrupts: MSI against wired").
.PHONY: bench-irq
bench-irq:
	selftests/vm/run.sh --arch arm64 --bench irq --alternate 3 \
		--boots 'vmm-bench-wired vmm-bench-msi' \
		--set-a 'sd_mod hv_vio hv_scsi' --set-b 'sd_mod hv_vio hv_scsi'

# The drivers against hvkit-vmm's hostile peer on the arm64 debug kernel,
# several seeds, minutes each (scripts/fuzz-peer.sh; testing-vm.rst).
.PHONY: fuzz-peer
fuzz-peer:
	scripts/fuzz-peer.sh

check:
	scripts/check.sh

# Everything, also what does not fit CI's 90 minutes (Documentation/testing.rst).
.PHONY: check-full
check-full:
	HVKIT_CHECK_FULL=1 scripts/check.sh

demo:
	scripts/demo.sh
