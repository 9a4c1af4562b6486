/* SPDX-License-Identifier: MIT */
/*
 * The machine as the boot device tree describes it: RAM, what in RAM must not
 * be touched, the console, the interrupt controller and the PSCI conduit.
 * The EL2 image calls el2_dt_parse() once, with the tree the boot loader left
 * in x0, before anything else reads the tree.
 *
 * What is read, and how:
 *
 * - memory: every child of the root whose device_type is "memory", whatever
 *   its name ("memory", "memory@80000000"); every entry of its reg, read with
 *   the root's #address-cells and #size-cells. Nodes with a status other than
 *   "okay" (or "ok") are skipped, as are entries of size 0 (boot loaders fill
 *   those in; a tree that has only such entries has no memory). The list is
 *   sorted by base, and entries that overlap or touch are merged: a list entry
 *   is a run of addresses, not a reg entry.
 * - reserved: /memreserve/ entries, every enabled child of /reserved-memory
 *   with a reg (each entry; the "size"-only ones are allocated by the kernel
 *   later and are not reserved yet), the tree blob itself (fdt_totalsize bytes
 *   at fdt_pa), the initrd when /chosen has linux,initrd-start and
 *   linux,initrd-end (end exclusive), and the kernel when it has
 *   s2fuzz,kernel-start and s2fuzz,kernel-end. Sorted and merged like memory.
 * - addresses: a reg entry is in its parent's address space; it is translated
 *   through the ranges of every ancestor up to the root. An empty ranges is
 *   the identity; an ancestor bus without ranges cannot be translated, and
 *   neither can an address outside all of a ranges' windows (both errors). A
 *   translated range must lie inside one window. Up to 2 address and 2 size
 *   cells (no PCI-style 3-cell addresses).
 * - console: /chosen stdout-path (else linux,stdout-path), "NAME[:OPTIONS]".
 *   A NAME starting with '/' is a path, else an alias from /aliases; OPTIONS
 *   are ignored (the boot loader set the line up). The node's compatible
 *   strings are taken in their order (most specific first) and the first one
 *   a driver exists for wins:
 *     "arm,pl011"                               PL011 (reg_shift 0, width 4)
 *     "ns16550a", "ns16550", "snps,dw-apb-uart" 8250, reg-shift (default 0)
 *                                               and reg-io-width (1 or 4,
 *                                               default 1) from the node
 *     "brcm,bcm2835-aux-uart"                   BCM2835_AUX: the mini UART,
 *                                               an 8250 subset with
 *                                               reg_shift 2, width 4
 *   base and size are the node's first reg entry. For the mini UART that
 *   entry already names its registers (the AUX block + 0x40, e.g. 0x7e215040
 *   behind the Raspberry Pi's /soc), so base is where the 8250 layout starts:
 *   the driver adds nothing. A console node that is not enabled is an error.
 * - interrupt controller: the first enabled "arm,gic-v3" node; reg entry 0 is
 *   the distributor, entry 1 the first redistributor region. No such node is
 *   not an error (has_gicv3 stays false: a GICv2 machine).
 * - psci: the first enabled node compatible with "arm,psci-1.0",
 *   "arm,psci-0.2" or "arm,psci"; its method is "smc" or "hvc". No node is not
 *   an error (EL2_PSCI_NONE: spin tables or no secondary CPUs).
 *
 * Errors: 0 or a negative errno, with *why a human-readable message naming
 * what is wrong (a static string, or m->why_text for messages that quote the
 * tree). A misaligned blob, a bad header or a malformed structure block stops
 * at once (-EINVAL, nothing filled in). Otherwise every part is read, in the
 * order memory, reserved, interrupt controller, psci, console, and the first
 * failure is returned; the parts that did not fail are filled in all the
 * same (a part that failed may be half done: its fields are not to be used),
 * so a caller may choose to go on without, say, a console. Errno values:
 *   -EINVAL     malformed: misaligned, bad header or structure, bad cells, a
 *               reg that is not a whole number of entries, a range that
 *               wraps, an unknown psci method, initrd end below start
 *   -ENOENT     missing: no memory, no /chosen stdout-path, a stdout-path or
 *               alias that names nothing, a console without reg or compatible
 *   -EOPNOTSUPP unsupported: console compatible, reg-io-width other than 1 or
 *               4, reg-shift above 3, cells other than 1 or 2
 *   -EFAULT     an address that cannot be translated to the CPU's
 *   -ENODEV     the console node is disabled
 *   -ENOSPC     more ranges than EL2_MAX_MEMORY or EL2_MAX_RESERVED
 *
 * This runs with the MMU off, where every data access is to Device memory
 * and an unaligned one faults: tree data is read a byte at a time (no cast of
 * a property to a wider type), frames are small and nothing recurses. The
 * tree itself must be 8-byte aligned, as the boot protocol and libfdt require.
 */
#ifndef EL2_DT_H
#define EL2_DT_H

#include "core/types.h"

/* Linux's numbers, as for the CORE_E* values; core/types.h has no use for these. */
#define EL2_EFAULT 14
#define EL2_ENODEV 19
#define EL2_ENOSPC 28

#define EL2_MAX_MEMORY	 16
#define EL2_MAX_RESERVED 32

/* [base, base + size); base + size never wraps. */
struct el2_range {
	u64 base;
	u64 size;
};

enum el2_uart_kind {
	EL2_UART_NONE,
	EL2_UART_PL011,
	EL2_UART_8250,
	EL2_UART_BCM2835_AUX,
};

struct el2_console {
	enum el2_uart_kind kind;
	u64 base, size;	  /* CPU physical address after ranges translation */
	u32 reg_shift;	  /* 8250 layouts: register stride = 1 << reg_shift */
	u32 reg_io_width; /* access width in bytes: 1 or 4 */
	char path[64];	  /* the node's path, for messages (cut short if longer) */
};

enum el2_psci_method {
	EL2_PSCI_NONE,
	EL2_PSCI_SMC,
	EL2_PSCI_HVC,
};

struct el2_machine {
	u32 nr_memory;
	struct el2_range memory[EL2_MAX_MEMORY];
	u32 nr_reserved;
	struct el2_range reserved[EL2_MAX_RESERVED];
	struct el2_console console;
	bool has_gicv3;
	u64 gicd_base, gicr_base;
	enum el2_psci_method psci;
	/* A Linux kernel to run as the host (/chosen s2fuzz,kernel-start and -end); size 0: none. */
	struct el2_range kernel;
	/* Where a *why message that quotes the tree is written. */
	char why_text[160];
};

/*
 * Reads the tree at @fdt (physical address @fdt_pa) into @m; see above.
 * Returns 0, or a negative errno with *why set.
 */
int el2_dt_parse(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why);

#endif /* EL2_DT_H */
