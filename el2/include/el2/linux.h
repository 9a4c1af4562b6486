/* SPDX-License-Identifier: MIT */
/*
 * A Linux kernel as the host (docs/el2.md, "A Linux host"): the boot loader
 * leaves an arm64 Image in memory and names it in /chosen
 * (s2fuzz,kernel-start and -end); el2 runs it at EL1 in place of its own
 * payload, as a boot loader at EL1 would (Linux's booting.rst): the Image at
 * a 2 MiB-aligned base plus its text_offset, x0 = a device tree, the MMU and
 * D-cache off, the other argument registers zero.
 */
#ifndef EL2_LINUX_H
#define EL2_LINUX_H

#include "el2/boot.h"

/* Room for the edited device tree, behind the kernel: Linux takes at most 2 MiB. */
#define EL2_LINUX_DT_ROOM SZ_2M

/*
 * Stage 0, MMU off: checks the Image header of the kernel at @k and sets
 * *size to the memory the host's start needs: the kernel as it will run
 * (text_offset + image_size, 2 MiB-aligned) and the device tree behind it.
 * Returns 0, or -EINVAL with *why naming what is wrong.
 */
int linux_image_plan(const struct el2_range *k, u64 *size, const char **why);

/*
 * Stage 1, MMU on: copies the kernel to the host's start (layout
 * payload_base), writes the edited device tree behind it (a copy of the
 * firmware's with el2's carve-out under /reserved-memory, no-map, and the
 * boot arguments without el2's own s2fuzz. words), cleans both to the point
 * of coherency and enters the kernel at EL1.
 */
void linux_enter(const struct el2_handover *h) __attribute__((noreturn));

#endif /* EL2_LINUX_H */
