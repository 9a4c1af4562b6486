/* SPDX-License-Identifier: MIT */
/*
 * The machine description fuzz_pkvm and fuzz_hvc build both sides from
 * (SPEC §8), and its header (docs/input-format.md). Every field comes from
 * the input, in range and out of it: the checks of both sides are fuzzed
 * with the rest. The header is stored XORed with QEMU virt's, so that a
 * zero header (a header-only input) is that machine.
 */
#ifndef FUZZ_MACHINE_H
#define FUZZ_MACHINE_H

#include "kv.h"

#define FZ_MAX_REGIONS 8
#define FZ_MAX_POOL 4095 /* pages a pool may have */
#define FZ_MAX_PRIVATE 2 /* private hyp ranges stored (S32) */
/* Counts, ia_bits, VM slots, the two pools; hyp VA offset, carve-out; 8 regions; 2 ranges. */
#define FZ_HEADER_SIZE (8 + 3 * 8 + FZ_MAX_REGIONS * 16 + FZ_MAX_PRIVATE * 24)

struct fz_machine {
	unsigned nr_regions; /* as described: 0 and 9 are -EINVAL, only 8 are stored */
	struct {
		uint64_t base, size;
	} regions[FZ_MAX_REGIONS];
	uint64_t carve_base, carve_size; /* bytes */
	uint64_t host_pool, hyp_pool;	  /* pages */
	uint64_t hyp_va_offset;
	unsigned host_ia_bits;
	unsigned nr_vm_slots;
	unsigned nr_private; /* as described: 17 is -EINVAL, only 2 are stored */
	struct {
		uint64_t va, pa, nr;
		unsigned prot, memtype;
	} private_range[FZ_MAX_PRIVATE];
};

void fz_decode_machine(const uint8_t *hdr, struct fz_machine *m);
/* @m back into header bytes; false when a field cannot be stored (a count out of reach). */
bool fz_encode_machine(const struct fz_machine *m, uint8_t *hdr);
/* The machine (@setup, a struct fz_machine) as its script line, for reports and scripts. */
size_t fz_machine_format(const void *setup, char *buf, size_t len);
/* The script's machine line: its pairs into a header, and back. */
bool fz_machine_parse(struct fz_kvline *l, uint8_t *hdr, struct fz_err *e);
int fz_machine_line(const uint8_t *hdr, char *buf, size_t len);

/*
 * One field of the header @hdr changed to a value that means something for
 * the machine (@r: random numbers): regions touching, overlapping, out of
 * order, aligned to a block size or not, near or past the address space's
 * end; the carve-out across two regions or out of memory; pools and counts
 * at and just past their limits.
 */
void fz_machine_mutate(uint8_t *hdr, uint64_t r[4]);

/* The regions stored (at most FZ_MAX_REGIONS, whatever the count says). */
unsigned fz_machine_regions(const struct fz_machine *m);
/* The private hyp ranges stored (at most FZ_MAX_PRIVATE). */
unsigned fz_machine_privates(const struct fz_machine *m);
/* Pages below the host's address space: 2^(ia_bits - 12), ia_bits taken into 12..63. */
uint64_t fz_machine_top_pfn(const struct fz_machine *m);
uint64_t fz_memory_pages(const struct fz_machine *m);
/* The pfn of memory page @index (counting through the regions), or false. */
bool fz_memory_pfn(const struct fz_machine *m, uint64_t index, uint64_t *pfn);

#endif /* FUZZ_MACHINE_H */
