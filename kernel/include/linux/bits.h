/* SPDX-License-Identifier: MIT */
/* s2fuzz's stand-in for <linux/bits.h>: everything a tree's pgtable.c needs is in one place. */
#include "s2k_standins.h"
