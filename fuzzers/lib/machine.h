/* SPDX-License-Identifier: MIT */
/*
 * The machine description fuzz_pkvm and fuzz_hvc build both sides from
 * (SPEC §8), and its 16-byte header (docs/input-format.md): a preset picked
 * and perturbed, so that every header is a machine to run.
 */
#ifndef FUZZ_MACHINE_H
#define FUZZ_MACHINE_H

#include "kv.h"

#define FZ_HEADER_SIZE 16
#define FZ_MAX_REGIONS 8

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

void fz_decode_machine(const uint8_t *hdr, struct fz_machine *m);
/* The machine (@setup, a struct fz_machine) in words for reports: regions, carve-out, pools. */
size_t fz_machine_format(const void *setup, char *buf, size_t len);
/* The script's machine line: its pairs into a header, and back. */
bool fz_machine_parse(struct fz_kvline *l, uint8_t *hdr, struct fz_err *e);
int fz_machine_line(const uint8_t *hdr, char *buf, size_t len);

uint64_t fz_memory_pages(const struct fz_machine *m);
/* The pfn of memory page @index (counting through the regions), or false. */
bool fz_memory_pfn(const struct fz_machine *m, uint64_t index, uint64_t *pfn);

#endif /* FUZZ_MACHINE_H */
