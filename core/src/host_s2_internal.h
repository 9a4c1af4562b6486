/* SPDX-License-Identifier: MIT */
/* The installs that ownership transitions write into host stage-2. */
#ifndef CORE_HOST_S2_INTERNAL_H
#define CORE_HOST_S2_INTERNAL_H

#include "core/host_s2.h"
#include "install_internal.h"

/* Annotate [pfn, pfn + nr) for @owner; owner HOST is zero, and coalesces (S16). */
struct pgt_install host_s2_ins_owner(u64 pfn, u64 nr, u32 owner);
/* The page mapped by the host and shared out: default attributes + SHARED_OWNED. */
struct pgt_install host_s2_ins_shared(const struct pgt *host, u64 pfn);
/* The page back to a default valid leaf, in place, then coalescing (S16). */
struct pgt_install host_s2_ins_default(const struct pgt *host, u64 pfn);

#endif /* CORE_HOST_S2_INTERNAL_H */
