/* SPDX-License-Identifier: MIT */
/*
 * Fuzz input format (docs/input-format.md): a 16-byte machine header, then
 * 16-byte operation records. Every byte string decodes to something valid to
 * run: the header picks a preset machine and perturbs it, fields are reduced
 * into range, and a truncated last record ends the sequence.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_HEADER_SIZE 16
#define FZ_RECORD_SIZE 16
#define FZ_MAX_REGIONS 8

/* The machine description both sides are built from (SPEC §8). */
struct fz_machine {
	unsigned nr_regions;
	struct {
		uint64_t base, size;
	} regions[FZ_MAX_REGIONS];
	uint64_t carve_base, carve_pages;
	uint64_t host_pool, hyp_pool;
	uint64_t hyp_va_offset;
	unsigned host_ia_bits;
	unsigned nr_vm_slots;
};

enum fz_op_kind {
	FZ_SHARE_HYP,
	FZ_UNSHARE_HYP,
	FZ_PIN,
	FZ_UNPIN,
	FZ_DONATE_HYP,
	FZ_HYP_DONATE_HOST,
	FZ_VM_CREATE,
	FZ_VM_TOPUP,
	FZ_DONATE_GUEST,
	FZ_SHARE_GUEST,
	FZ_UNSHARE_GUEST,
	FZ_RELINQUISH,
	FZ_VM_TEARDOWN,
	FZ_RECLAIM,
	FZ_HOST_ABORT,
	FZ_POOL_HIDE,
	FZ_POOL_UNHIDE,
	FZ_HOST_ACCESS,	 /* the host touches a page: fills the TLB model */
	FZ_HYP_ACCESS,	 /* the hypervisor touches a page through its VA */
	FZ_GUEST_ACCESS, /* a vCPU of vm touches gfn */
	FZ_NR_OPS,
};

/* One decoded operation, arguments already in the units of SPEC §5. */
struct fz_op {
	enum fz_op_kind kind;
	unsigned vm;
	uint64_t pfn, nr, gfn, addr;
	unsigned prot, ia_bits, pool;
};

/* Decode the header into a valid machine description. */
void fz_decode_machine(const uint8_t *hdr, struct fz_machine *m);
/* Decode record @rec (FZ_RECORD_SIZE bytes) against machine @m. */
void fz_decode_op(const struct fz_machine *m, const uint8_t *rec, struct fz_op *op);

const char *fz_op_name(enum fz_op_kind kind);
/* "share_hyp pfn=0x40123" etc.: the op in the words of the script format. */
size_t fz_op_format(const struct fz_op *op, char *buf, size_t len);
size_t fz_machine_format(const struct fz_machine *m, char *buf, size_t len);

#endif /* FUZZ_INPUT_H */
