/* SPDX-License-Identifier: MIT */
/*
 * Options from /chosen bootargs, words of the form s2fuzz.NAME=VALUE:
 *   s2fuzz.exit=semihosting   stop QEMU through semihosting with a status
 *   s2fuzz.ops=N              differential mode: N random operations
 *   s2fuzz.seed=S             differential mode: the sequence's seed
 *   s2fuzz.diff=on|off        differential mode, on by default (docs/el2-differential.md):
 *                             el2 runs the reference beside the core and
 *                             compares them after every hypercall and abort;
 *                             off by default when the host is a Linux kernel
 *                             (el2/linux.h), whose run it cannot drive
 * Other words are left to the host. A malformed s2fuzz. word is an error.
 */
#ifndef EL2_OPTIONS_H
#define EL2_OPTIONS_H

#include "core/types.h"

struct el2_options {
	bool semihosting;
	bool diff;
	bool diff_given; /* s2fuzz.diff was in the boot arguments */
	u64 ops;
	u64 seed;
};

/* 0, or -EINVAL with @why naming the word. */
int options_parse(const void *fdt, struct el2_options *o, const char **why);

#endif /* EL2_OPTIONS_H */
