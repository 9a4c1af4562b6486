// SPDX-License-Identifier: MIT
/* A Linux kernel as the host (el2/linux.h). */
#include <libfdt.h>

#include "el2/console.h"
#include "el2/libc.h"
#include "el2/linux.h"
#include "el2/mm.h"
#include "el2/power.h"

/* The arm64 Image header (Linux's booting.rst), little-endian. */
#define IMAGE_TEXT_OFFSET 8
#define IMAGE_SIZE	  16
#define IMAGE_FLAGS	  24
#define IMAGE_MAGIC	  56
#define IMAGE_MAGIC_VALUE 0x644d5241U /* "ARM\x64" */
#define IMAGE_FLAG_BE	  1ULL

#define BOOTARGS_MAX 2048 /* arm64 Linux's COMMAND_LINE_SIZE */
#define OUR_PREFIX   "s2fuzz."

static u64 align_up(u64 v, u64 a)
{
	return (v + a - 1) & ~(a - 1);
}

static u64 le64_at(const u8 *p)
{
	u64 v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static u64 image_span(const u8 *hdr)
{
	return le64_at(hdr + IMAGE_TEXT_OFFSET) + le64_at(hdr + IMAGE_SIZE);
}

int linux_image_plan(const struct el2_range *k, u64 *size, const char **why)
{
	const u8 *hdr = (const u8 *)(uintptr_t)k->base;
	u64 span;

	if ((le64_at(hdr + IMAGE_MAGIC) & 0xffffffffULL) != IMAGE_MAGIC_VALUE) {
		*why = "the kernel /chosen names has no arm64 Image header (magic ARM\\x64)";
		return -CORE_EINVAL;
	}
	if (le64_at(hdr + IMAGE_FLAGS) & IMAGE_FLAG_BE) {
		*why = "the kernel /chosen names is big-endian";
		return -CORE_EINVAL;
	}
	span = image_span(hdr);
	/* (text_offset below 2 MiB and image_size below 2^40: the sums cannot wrap.) */
	if (!le64_at(hdr + IMAGE_SIZE) || le64_at(hdr + IMAGE_SIZE) >= (1ULL << 40) ||
	    le64_at(hdr + IMAGE_TEXT_OFFSET) >= SZ_2M || span < k->size) {
		*why = "the kernel's Image header gives no usable image_size or text_offset";
		return -CORE_EINVAL;
	}
	*size = align_up(span, SZ_2M) + EL2_LINUX_DT_ROOM;
	return 0;
}

static void __attribute__((noreturn)) dt_fail(const char *what, int err)
{
	el2_panic("editing the host's device tree: %s: %s", what, fdt_strerror(err));
}

static void dt_check(const char *what, int err)
{
	if (err < 0)
		dt_fail(what, err);
}

/* Writes @v as @cells big-endian cells at @p; false if it does not fit. */
static bool put_cells(fdt32_t *p, int cells, u64 v)
{
	if (cells == 1) {
		p[0] = cpu_to_fdt32((u32)v);
		return v <= 0xffffffffULL;
	}
	p[0] = cpu_to_fdt32((u32)(v >> 32));
	p[1] = cpu_to_fdt32((u32)v);
	return cells == 2;
}

/* The carve-out under /reserved-memory, no-map: out of the host kernel's reach. */
static void dt_reserve_carveout(void *dt, const struct el2_layout *l)
{
	int rm = fdt_path_offset(dt, "/reserved-memory"), node, ac, sc;
	fdt32_t reg[4];
	char name[48];

	if (rm == -FDT_ERR_NOTFOUND) {
		/* Linux takes the node only with the root's cells and an empty ranges. */
		ac = fdt_address_cells(dt, 0);
		sc = fdt_size_cells(dt, 0);
		dt_check("the root's cells", ac < 0 ? ac : sc);
		rm = fdt_add_subnode(dt, 0, "reserved-memory");
		dt_check("adding /reserved-memory", rm);
		dt_check("#address-cells", fdt_setprop_u32(dt, rm, "#address-cells", (u32)ac));
		dt_check("#size-cells", fdt_setprop_u32(dt, rm, "#size-cells", (u32)sc));
		dt_check("ranges", fdt_setprop_empty(dt, rm, "ranges"));
	}
	dt_check("finding /reserved-memory", rm);
	ac = fdt_address_cells(dt, rm);
	sc = fdt_size_cells(dt, rm);
	dt_check("/reserved-memory's cells", ac < 0 ? ac : sc);
	if (!put_cells(reg, ac, l->carve_base) || !put_cells(reg + ac, sc, l->carve_size))
		el2_panic("the carve-out 0x%llx (+0x%llx) does not fit /reserved-memory's "
			  "%d address and %d size cells",
			  (unsigned long long)l->carve_base, (unsigned long long)l->carve_size, ac,
			  sc);
	snprintf(name, sizeof(name), "s2fuzz-el2@%llx", (unsigned long long)l->carve_base);
	node = fdt_add_subnode(dt, rm, name);
	dt_check("adding the carve-out's node", node);
	dt_check("its reg", fdt_setprop(dt, node, "reg", reg, (int)sizeof(fdt32_t) * (ac + sc)));
	dt_check("its no-map", fdt_setprop_empty(dt, node, "no-map"));
}

/* /chosen for the kernel: bootargs without el2's words, no s2fuzz,kernel-*. */
static const char *dt_chosen(void *dt)
{
	static char args[BOOTARGS_MAX];
	int chosen = fdt_path_offset(dt, "/chosen"), len = 0, err;
	const char *old;
	size_t out = 0;

	dt_check("finding /chosen", chosen);
	old = fdt_getprop(dt, chosen, "bootargs", &len);
	for (int i = 0; old && i < len && old[i];) {
		int start, end;

		while (i < len && old[i] == ' ')
			i++;
		start = i;
		while (i < len && old[i] && old[i] != ' ')
			i++;
		end = i;
		if (end == start || !strncmp(old + start, OUR_PREFIX, sizeof(OUR_PREFIX) - 1))
			continue;
		if (out + (size_t)(end - start) + 2 > sizeof(args))
			el2_panic("the boot arguments are longer than %d bytes", BOOTARGS_MAX);
		if (out)
			args[out++] = ' ';
		memcpy(args + out, old + start, (size_t)(end - start));
		out += (size_t)(end - start);
	}
	args[out] = 0;
	dt_check("bootargs", fdt_setprop(dt, chosen, "bootargs", args, (int)out + 1));
	for (int i = 0; i < 2; i++) {
		err = fdt_delprop(dt, chosen, i ? "s2fuzz,kernel-end" : "s2fuzz,kernel-start");
		if (err != -FDT_ERR_NOTFOUND)
			dt_check("dropping s2fuzz,kernel-*", err);
	}
	return args;
}

void linux_enter(const struct el2_handover *h)
{
	const struct el2_layout *l = &h->layout;
	const struct el2_range *k = &h->machine.kernel;
	const u8 *src = (const u8 *)(uintptr_t)k->base;
	u64 text_offset = le64_at(src + IMAGE_TEXT_OFFSET);
	u64 entry = l->payload_base + text_offset;
	u64 dt_pa = l->payload_base + align_up(image_span(src), SZ_2M);
	void *dt = (void *)(uintptr_t)dt_pa;
	const char *args;

	memcpy((void *)(uintptr_t)entry, src, k->size);
	dt_check("copying the tree", fdt_open_into((const void *)(uintptr_t)h->fdt_pa, dt,
						   (int)EL2_LINUX_DT_ROOM));
	dt_reserve_carveout(dt, l);
	args = dt_chosen(dt);
	dt_check("packing the tree", fdt_pack(dt));
	/* The kernel starts with its MMU off: it reads memory, not our caches. */
	dcache_clean_range(l->payload_base, dt_pa + fdt_totalsize(dt));
	icache_inval_all();
	console_printf("s2fuzz el2: entering Linux at 0x%llx (EL1), device tree at 0x%llx, "
		       "command line \"%s\"\n",
		       (unsigned long long)entry, (unsigned long long)dt_pa, args);
	el2_enter_host(entry, dt_pa, (u64)(uintptr_t)boot_stack_top);
}
