/* SPDX-License-Identifier: MIT */
/*
 * Host memory as the payload may give it away: every memory page except
 * el2's carve-out, the payload itself (its code, stack and the host info)
 * and the ranges it must not write (the device tree, reserved memory).
 * Pages the host hands to the hypervisor or a guest can be zeroed or
 * poisoned by el2 (a pgd, a memcache page), so only these are ever named
 * in a call that can succeed.
 */
#ifndef PAYLOAD_HOSTMEM_H
#define PAYLOAD_HOSTMEM_H

#include "payload.h"

#define HOSTMEM_PAGE 4096ULL

void hostmem_init(const struct el2_host_info *in);
bool hostmem_usable(u64 pfn);
/* Is @pfn a page of memory (usable or not)? */
bool hostmem_is_memory(u64 pfn);
bool hostmem_in_carveout(u64 pfn);
u64 hostmem_usable_pages(void);
/* The @index-th usable page (modulo their number), counting up through memory. */
u64 hostmem_nth_usable(u64 index);
/* @pfn when usable, else the next usable page above it (wrapping round). */
u64 hostmem_next_usable(u64 pfn);
/* 2^(host ia_bits - 12): the first page past the host's address space. */
u64 hostmem_top(void);

#endif /* PAYLOAD_HOSTMEM_H */
