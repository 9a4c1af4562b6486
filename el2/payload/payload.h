/* SPDX-License-Identifier: MIT */
/*
 * The host payload: a small EL1 program that plays the host under el2. It
 * talks to the hypervisor only as a host can: memory accesses (stage-2
 * aborts) and hypercalls.
 */
#ifndef PAYLOAD_H
#define PAYLOAD_H

#include "core/hvc.h"
#include "el2/host_info.h"
#include "el2/libc.h"

extern const struct el2_host_info *payload_info;

void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void payload_exit(bool ok) __attribute__((noreturn));

/* Hypercalls: x0..x4 in, x0..x4 out. */
struct hvc_res {
	u64 x[5];
};
struct hvc_res hvc_call(u64 x0, u64 x1, u64 x2, u64 x3, u64 x4);
/* A pKVM call (SPEC §12): its result (0 or a negative errno), or -1000 if not handled. */
int pkvm_call(enum pkvm_hvc_fn fn, u64 a1, u64 a2, u64 a3, u64 a4);
#define PKVM_CALL_NOT_HANDLED (-1000)

/* Aborts the hypervisor injected (payload_exception counts them). */
struct injected_abort {
	u64 count;
	u64 esr, far, elr;
};
extern struct injected_abort injected;
/* Read @addr; aborts that el2 injects are counted and stepped over. */
u64 touch(u64 addr);

#endif /* PAYLOAD_H */
