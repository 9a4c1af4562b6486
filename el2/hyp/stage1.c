// SPDX-License-Identifier: MIT
/*
 * Stage 1: in the carve-out. Bring-up in a fixed order, every control
 * register written in full (firmware leaves bits set): the pKVM state built
 * by core/ with the MMU still off, the EL2 MMU on over core/'s hyp stage-1,
 * the EL2 trap controls, host stage-2, then the host payload at EL1.
 */
#include "el2/asm.h"
#include "el2/console.h"
#include "el2/cpus.h"
#include "el2/diffmode.h"
#include "el2/host_info.h"
#include "el2/hyp.h"
#include "el2/libc.h"
#include "el2/linux.h"
#include "el2/mm.h"
#include "el2/power.h"
#include "el2/sysreg.h"

#define HYP_VA_OFFSET (1ULL << 47)
#define PAGE 4096ULL

struct pkvm el2_pkvm;
struct el2_handover el2_boot;
static struct pgt_pool host_pool, hyp_pool, memcaches[PKVM_MAX_VMS];

static u64 sym(const char *s)
{
	return (u64)(uintptr_t)s;
}

/* ID_AA64MMFR0_EL1.PARange, clamped to 48 bits: the field value and the bits. */
static u32 pa_range(u32 *bits)
{
	static const u32 range_bits[] = { 32, 36, 40, 42, 44, 48 };
	u32 field = (u32)(read_sysreg(id_aa64mmfr0_el1) & 0xf);

	if (field > 5)
		field = 5;
	*bits = range_bits[field];
	return field;
}

static void add_private(struct pkvm_desc *d, u64 va, u64 pa, u64 size, u32 prot, u32 memtype)
{
	struct pkvm_hyp_private *p;

	if (!size)
		return;
	if (d->nr_hyp_private >= PKVM_MAX_HYP_PRIVATE)
		el2_panic("too many hyp private mappings (memory regions?)");
	p = &d->hyp_private[d->nr_hyp_private++];
	*p = (struct pkvm_hyp_private){ .va = va, .pa = pa, .nr = size / PAGE, .prot = prot,
					.memtype = memtype };
}

/*
 * Hyp stage-1 beyond what the pKVM layer maps (S46): the image at its own
 * address (text RX, read-only data R, the rest of the carve-out RW: data,
 * bss, stack, heap), the console UART, and the identity window over host
 * memory through which guest table pages are reached.
 */
static void add_private_mappings(struct pkvm_desc *d, const struct el2_layout *l,
				 const struct el2_machine *m)
{
	u64 text = l->image_base, rodata = text + sym(_etext) - sym(_head);
	u64 data = text + sym(_erodata) - sym(_head), carve_end = l->carve_base + l->carve_size;
	const struct uart *u = console_uart();

	add_private(d, text, text, rodata - text, PGT_PROT_R | PGT_PROT_X, PGT_MEM_NORMAL);
	add_private(d, rodata, rodata, data - rodata, PGT_PROT_R, PGT_MEM_NORMAL);
	add_private(d, data, data, carve_end - data, PGT_PROT_RW, PGT_MEM_NORMAL);
	if (u->kind != UART_NONE)
		add_private(d, u->base & ~(PAGE - 1), u->base & ~(PAGE - 1), PAGE, PGT_PROT_RW,
			    PGT_MEM_DEVICE);
	for (u32 i = 0; i < m->nr_memory; i++) {
		const struct el2_range *r = &m->memory[i];
		u64 end = r->base + r->size;

		if (!range_meets(l->carve_base, l->carve_size, r)) {
			add_private(d, r->base, r->base, r->size, PGT_PROT_RW, PGT_MEM_NORMAL);
			continue;
		}
		add_private(d, r->base, r->base, l->carve_base - r->base, PGT_PROT_RW,
			    PGT_MEM_NORMAL);
		add_private(d, carve_end, carve_end, end - carve_end, PGT_PROT_RW, PGT_MEM_NORMAL);
	}
}

static void build_desc(struct pkvm_desc *d, const struct el2_machine *m, const struct el2_layout *l,
		       u32 ia_bits)
{
	*d = (struct pkvm_desc){
		.carveout_base = l->carve_base,
		.carveout_size = l->carve_size,
		.host_pool_pages = l->host_pool_pages,
		.hyp_pool_pages = l->hyp_pool_pages,
		.hyp_va_offset = HYP_VA_OFFSET,
		.nr_vm_slots = PKVM_MAX_VMS,
	};
	if (m->nr_memory > HOST_MAX_REGIONS)
		el2_panic("%u memory regions; SPEC §8 takes at most %u", m->nr_memory,
			  HOST_MAX_REGIONS);
	d->layout.nr_regions = m->nr_memory;
	d->layout.ia_bits = ia_bits;
	for (u32 i = 0; i < m->nr_memory; i++) {
		d->layout.regions[i].base = m->memory[i].base;
		d->layout.regions[i].size = m->memory[i].size;
	}
	add_private_mappings(d, l, m);
}

static void *heap_take(u64 *cursor, u64 end, u64 bytes)
{
	u64 at = *cursor;

	bytes = (bytes + 15) & ~15ULL;
	if (bytes > end - at)
		el2_panic("the carve-out heap is too small (%llu bytes more)",
			  (unsigned long long)(bytes - (end - at)));
	*cursor += bytes;
	memset((void *)(uintptr_t)at, 0, bytes);
	return (void *)(uintptr_t)at;
}

static void build_pkvm(const struct el2_handover *h, u32 ia_bits)
{
	const struct el2_layout *l = &h->layout;
	u64 cursor = l->heap_base, heap_end = l->heap_base + l->heap_size;
	struct pgt_pool *mc[PKVM_MAX_VMS];
	struct pkvm_desc desc;
	struct pkvm_page *pages;
	u32 *counts;
	int ret;

	/* Everything below is written with the D-cache off: drop stale lines first. */
	dcache_inval_range(l->carve_base, l->image_base);
	dcache_inval_range(l->heap_base, heap_end);

	pages = heap_take(&cursor, heap_end, l->memory_pages * sizeof(*pages));
	counts = heap_take(&cursor, heap_end, l->memory_pages * sizeof(*counts));
	el2_mm_init(&(struct el2_mm_config){ .nr_memory = h->machine.nr_memory,
					     .memory = h->machine.memory,
					     .counts = counts,
					     .carve_base = l->carve_base,
					     .carve_size = l->carve_size,
					     .hyp_va_offset = HYP_VA_OFFSET });
	if (h->options.diff)
		el2_diff_prepare(&el2_pkvm, heap_take(&cursor, heap_end, EL2_DIFF_HEAP_SIZE),
				 EL2_DIFF_HEAP_SIZE);
	el2_pool_init(&host_pool, l->carve_base, l->host_pool_pages);
	el2_pool_init(&hyp_pool, l->carve_base + l->host_pool_pages * PAGE, l->hyp_pool_pages);
	for (u32 i = 0; i < PKVM_MAX_VMS; i++) {
		el2_pool_init_empty(&memcaches[i]);
		mc[i] = &memcaches[i];
	}
	build_desc(&desc, &h->machine, l, ia_bits);
	ret = pkvm_init(&el2_pkvm, &desc, el2_mm(), &host_pool, &hyp_pool, mc, pages);
	if (ret)
		el2_panic("pkvm_init failed: %d (machine description rejected)", ret);
}

static void mmu_enable(u32 ps)
{
	const struct el2_layout *l = &el2_boot.layout;

	write_sysreg(MAIR_EL2_VALUE, mair_el2);
	write_sysreg(TCR_EL2_RES1 | TCR_T0SZ(PGT_MAX_IA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
			     TCR_SH0_INNER | ((u64)ps << TCR_EL2_PS_SHIFT),
		     tcr_el2);
	write_sysreg(pa_addr(el2_pkvm.hyp_s1.root_pa), ttbr0_el2);
	isb();
	/* Caches come on next: nothing stale may hide what was written with them off. */
	dcache_inval_range(l->carve_base, l->carve_base + l->carve_size);
	__asm__ volatile("tlbi alle2" : : : "memory");
	dsb(ish);
	isb();
	write_sysreg(SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN, sctlr_el2);
	isb();
	/*
	 * Pool pages are now reached through the linear map: the two roots the
	 * core keeps as pointers were taken with the MMU off (VA = PA).
	 */
	el2_mm_mmu_on();
	el2_pkvm.host_s2.root = el2_phys_to_virt(pa_addr(el2_pkvm.host_s2.root_pa));
	el2_pkvm.hyp_s1.root = el2_phys_to_virt(pa_addr(el2_pkvm.hyp_s1.root_pa));
}

/* The physical address size and the host's IPA bits, for every CPU's controls. */
static u32 host_ps, host_ia_bits;

/* Every EL2 control register that shapes the host's world, written in full. */
void el2_host_controls(void)
{
	u32 ps = host_ps, ia_bits = host_ia_bits;
	const struct pgt *host = &el2_pkvm.host_s2;
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1), dfr0 = read_sysreg(id_aa64dfr0_el1);
	u64 sl0 = host->start_level == 0 ? 2 : 1, vttbr = pa_addr(host->root_pa);
	u64 pmu = (dfr0 >> 8) & 0xf, mdcr = 0;

	write_sysreg(VTCR_RES1 | TCR_T0SZ(ia_bits) | (sl0 << VTCR_SL0_SHIFT) | TCR_IRGN0_WBWA |
			     TCR_ORGN0_WBWA | TCR_SH0_INNER | ((u64)ps << VTCR_PS_SHIFT),
		     vtcr_el2);
	write_sysreg(vttbr, vttbr_el2);
	el2_mm_set_host_vttbr(vttbr);
	write_sysreg(CPTR_EL2_DEFAULT, cptr_el2);
	if (((pfr0 >> 32) & 0xf) != 0)	/* SVE: the host may use every vector length */
		write_sysreg(0x1ff, s3_4_c1_c2_0); /* ZCR_EL2 */
	if (pmu != 0 && pmu != 0xf)	/* PMUv3: every counter stays the host's */
		mdcr = (read_sysreg(pmcr_el0) >> 11) & 0x1f;
	write_sysreg(mdcr, mdcr_el2);
	write_sysreg(CNTHCTL_EL2_VALUE, cnthctl_el2);
	write_sysreg(0, cntvoff_el2);
	if (((pfr0 >> 24) & 0xf) != 0) { /* GICv3 system registers */
		write_sysreg(ICC_SRE_EL2_VALUE, s3_4_c12_c9_5); /* ICC_SRE_EL2 */
		isb();
		write_sysreg(0, s3_4_c12_c11_0); /* ICH_HCR_EL2: no virtual interrupts */
	}
	write_sysreg(0, hstr_el2);
	write_sysreg(read_sysreg(midr_el1), vpidr_el2);
	write_sysreg(read_sysreg(mpidr_el1), vmpidr_el2);
	write_sysreg(SCTLR_EL1_RES1, sctlr_el1);
	write_sysreg(HCR_VM | HCR_SWIO | HCR_TSC | HCR_RW | HCR_API | HCR_APK, hcr_el2);
	isb();
	__asm__ volatile("tlbi alle1" : : : "memory");
	dsb(ish);
	isb();
}

static u64 payload_mem_size(void)
{
	/* The payload's header: a branch, a word, then its size in memory. */
	return *(const u64 *)(const void *)(el2_payload_start + 8);
}

static void __attribute__((noreturn)) enter_payload(u32 ia_bits)
{
	const struct el2_layout *l = &el2_boot.layout;
	const struct el2_machine *m = &el2_boot.machine;
	struct el2_host_info *info = (void *)(uintptr_t)l->payload_base;
	u64 code = l->payload_base + PAGE, blob = (u64)(el2_payload_end - el2_payload_start);

	*info = (struct el2_host_info){
		.magic = EL2_HOST_INFO_MAGIC,
		.flags = (power_semihosting() ? EL2_HOST_SEMIHOSTING : 0) |
			 (m->psci == EL2_PSCI_SMC ? EL2_HOST_PSCI_SMC : 0) |
			 (el2_diff_on() ? EL2_HOST_DIFF : 0),
		.carveout = { l->carve_base, l->carve_size },
		.payload = { l->payload_base, l->payload_size },
		.uart = *console_uart(),
		.nr_vm_slots = PKVM_MAX_VMS,
		.host_ia_bits = ia_bits,
		.ops = el2_boot.options.ops,
		.seed = el2_boot.options.seed,
	};
	for (u32 i = 0; i < m->nr_memory && i < EL2_HOST_INFO_RANGES; i++) {
		info->memory[i] = (struct el2_host_range){ m->memory[i].base, m->memory[i].size };
		info->nr_memory++;
	}
	for (u32 i = 0; i < m->nr_reserved && i < EL2_HOST_INFO_RANGES; i++) {
		info->avoid[i] = (struct el2_host_range){ m->reserved[i].base, m->reserved[i].size };
		info->nr_avoid++;
	}
	memcpy((void *)(uintptr_t)code, el2_payload_start, blob);
	memset((void *)(uintptr_t)(code + blob), 0, payload_mem_size() - blob);
	/* The host starts with its MMU off: it reads memory, not our caches. */
	dcache_clean_range(l->payload_base, code + payload_mem_size());
	icache_inval_all();
	console_printf("s2fuzz el2: entering the host payload at 0x%llx (EL1)\n",
		       (unsigned long long)code);
	el2_enter_host(code, l->payload_base, sym(boot_stack_top));
}

void el2_stage1(const struct el2_handover *h)
{
	const struct el2_layout *l;
	struct uart uart;
	u32 ia_bits, ps;

	el2_boot = *h;
	l = &el2_boot.layout;
	el2_cpus_init();
	write_sysreg(sym(el2_vectors), vbar_el2);
	write_sysreg(SCTLR_EL2_RES1 | SCTLR_SA | SCTLR_I, sctlr_el2);
	isb();
	uart = uart_from_machine(&el2_boot.machine);
	console_init(&uart);
	power_setup(el2_boot.options.semihosting, el2_boot.machine.psci == EL2_PSCI_SMC);

	ps = pa_range(&ia_bits);
	for (u32 i = 0; i < el2_boot.machine.nr_memory; i++) {
		const struct el2_range *r = &el2_boot.machine.memory[i];

		if (r->base + r->size > (1ULL << ia_bits) || r->base + r->size > HYP_VA_OFFSET)
			el2_panic("memory at 0x%llx is beyond the %u-bit physical address space",
				  (unsigned long long)r->base, ia_bits);
	}
	console_printf("s2fuzz el2: carve-out 0x%llx-0x%llx (%llu MiB: host pool %llu, hyp pool "
		       "%llu pages), image at 0x%llx, %u-bit physical addresses\n",
		       (unsigned long long)l->carve_base,
		       (unsigned long long)(l->carve_base + l->carve_size),
		       (unsigned long long)(l->carve_size >> 20),
		       (unsigned long long)l->host_pool_pages, (unsigned long long)l->hyp_pool_pages,
		       (unsigned long long)l->image_base, ia_bits);

	build_pkvm(&el2_boot, ia_bits);
	mmu_enable(ps);
	console_lock_from_now();
	console_printf("s2fuzz el2: EL2 MMU on (hyp stage-1 built by core/)\n");
	host_ps = ps;
	host_ia_bits = ia_bits;
	el2_host_controls();
	console_printf("s2fuzz el2: host stage-2 on (VTCR_EL2 0x%llx)\n",
		       (unsigned long long)read_sysreg(vtcr_el2));
	if (el2_boot.options.diff)
		el2_diff_start();
	if (el2_boot.machine.kernel.size)
		linux_enter(&el2_boot);
	enter_payload(ia_bits);
}
