// SPDX-License-Identifier: MIT
/*
 * Stage 0: where the loader put us. Find out where we are and what the
 * machine is, then move into a carve-out of our own choosing, so that the
 * hypervisor's memory lies where SPEC §8 wants it (pools first, then the
 * image) whatever address the loader picked.
 */
#include "el2/boot.h"
#include "el2/console.h"
#include "el2/diffmode.h"
#include "el2/libc.h"
#include "el2/linux.h"
#include "el2/mm.h"
#include "el2/power.h"
#include "el2/sysreg.h"

/* Lives in the copy as loaded; stage 1 copies it out before anything else. */
static struct el2_handover handover;

static u64 sym(const char *s)
{
	return (u64)(uintptr_t)s;
}

/*
 * Below EL2 there is no hypervisor to be: say so, then stop the machine the
 * way EL1 can (semihosting if the boot arguments offer it, else PSCI through
 * the conduit the tree names).
 */
static void __attribute__((noreturn)) stop_below_el2(u64 el, const struct el2_handover *h)
{
	console_printf("s2fuzz el2: entered at EL%llu, but the hypervisor needs EL2 "
		       "(QEMU: -machine virtualization=on; a board: boot it from EL2). "
		       "Stopping.\n",
		       (unsigned long long)el);
	if (h->options.semihosting)
		power_off(false);
	if (h->machine.psci == EL2_PSCI_HVC) {
		register u64 x0 __asm__("x0") = PSCI_SYSTEM_OFF;

		__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
	}
	power_setup(false, h->machine.psci == EL2_PSCI_SMC);
	power_off(false);
}

static void __attribute__((noreturn)) boot_as_loaded(const void *fdt, u64 base, u64 el)
{
	struct el2_handover *h = &handover;
	const char *why = "", *opt_why = "";
	struct uart uart;
	u64 image_size = sym(_end) - sym(_head), move_entry, host_size;
	int ret, opt_ret;

	if (el == 2) {
		/* Vectors first, and a known SCTLR_EL2: MMU and D-cache off. */
		write_sysreg(sym(el2_vectors), vbar_el2);
		write_sysreg(SCTLR_EL2_RES1 | SCTLR_SA | SCTLR_I, sctlr_el2);
		isb();
	}
	ret = el2_dt_parse(fdt, sym(fdt), &h->machine, &why);
	uart = uart_from_machine(&h->machine);
	console_init(&uart);
	opt_ret = options_parse(fdt, &h->options, &opt_why);
	power_setup(!opt_ret && h->options.semihosting, h->machine.psci == EL2_PSCI_SMC);
	if (el != 2)
		stop_below_el2(el, h);
	if (ret) {
		console_printf("s2fuzz el2: cannot use the device tree at %p: %s. Stopping.\n",
			       fdt, why);
		power_off(false);
	}
	if (opt_ret) {
		console_printf("s2fuzz el2: bad boot arguments: %s. Stopping.\n", opt_why);
		power_off(false);
	}
	console_printf("s2fuzz el2: at EL2, loaded at 0x%llx (%llu KiB), device tree at %p\n",
		       (unsigned long long)base, (unsigned long long)(image_size >> 10), fdt);

	host_size = 4096 + (u64)(el2_payload_end - el2_payload_start) + (1ULL << 20);
	if (h->machine.kernel.size) {
		ret = -CORE_EINVAL;
		if (h->options.diff && h->options.diff_given)
			why = "s2fuzz.diff=on runs the payload, and /chosen names a kernel";
		else if (h->machine.psci != EL2_PSCI_SMC)
			why = "a Linux host needs PSCI through SMC (the tree's /psci method), "
			      "which el2 takes from it";
		else
			ret = linux_image_plan(&h->machine.kernel, &host_size, &why);
		h->options.diff = false;
		if (ret) {
			console_printf("s2fuzz el2: %s. Stopping.\n", why);
			power_off(false);
		}
	}
	ret = layout_plan_extra(&h->machine, base, image_size, image_size, host_size,
				h->options.diff ? EL2_DIFF_HEAP_SIZE : 0, &h->layout, &why);
	if (ret) {
		console_printf("s2fuzz el2: %s. Stopping.\n", why);
		power_off(false);
	}
	h->fdt_pa = sym(fdt);
	h->loaded_base = base;

	/* With the D-cache off the copy goes to memory: drop stale lines there first. */
	dcache_inval_range(h->layout.image_base, h->layout.image_base + image_size);
	memcpy((void *)(uintptr_t)h->layout.image_base, _head, sym(__bss_start) - sym(_head));
	icache_inval_all();
	move_entry = h->layout.image_base + (sym(el2_moved_entry) - sym(_head));
	((void (*)(const struct el2_handover *))(uintptr_t)move_entry)(h);
	el2_panic("the moved image returned");
}

void el2_start(u64 arg, u64 base, u64 stage, u64 el)
{
	if (stage == 0)
		boot_as_loaded((const void *)(uintptr_t)arg, base, el);
	el2_stage1((const struct el2_handover *)(uintptr_t)arg);
}
