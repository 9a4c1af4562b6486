/* SPDX-License-Identifier: MIT */
/* s2fuzz's stand-in for <linux/types.h>: everything a tree's pgtable.c needs is in one place. */
#include "s2k_standins.h"
