/* SPDX-License-Identifier: MIT */
/*
 * fuzz_hvc's input (docs/fuzz_hvc.md): the fuzz_pkvm machine header, then
 * 40-byte records of raw host registers. Each record is a hypercall (x0..x4
 * exactly as the host would pass them) or, now and then, a host stage-2
 * abort so that the host's identity map fills as it would between calls.
 * Every byte string decodes to something to run.
 */
#ifndef FUZZ_HVC_INPUT_H
#define FUZZ_HVC_INPUT_H

#include "input.h"

#define FZ_HVC_RECORD_SIZE 40
#define FZ_HVC_NR_REGS	   5
#define FZ_HVC_NR_CALLS	   14 /* function numbers 0..13 (docs/hvc-abi.md) */
#define FZ_HVC_ID_BASE	   0xC6000000ULL
#define FZ_HVC_SVE_HINT	   (1ULL << 16) /* ignored when an id is decoded */

enum fz_hvc_kind {
	FZ_HVC_CALL,  /* x[0..4] are the registers of one hypercall */
	FZ_HVC_ABORT, /* the host touches x[1], a byte address (SPEC §6) */
};

struct fz_hvc {
	enum fz_hvc_kind kind;
	uint64_t x[FZ_HVC_NR_REGS];
};

/* Decode record @rec (FZ_HVC_RECORD_SIZE bytes) against machine @m. */
void fz_hvc_decode(const struct fz_machine *m, const uint8_t *rec, struct fz_hvc *c);

/* The call x0 names ("vm_create"...), or NULL when x0 is no known id (bit 16 ignored). */
const char *fz_hvc_name(uint64_t x0);

/* "hvc x0=0xc6000000 x1=0x41000 x2=... # host_share_hyp" or "abort addr=0x..." */
size_t fz_hvc_format(const struct fz_hvc *c, char *buf, size_t len);

/* The script codec (codecs.h): returns the input's length, or 0 with @err. */
size_t fz_hvc_script_to_input(const char *text, uint8_t *out, size_t cap, char *err, size_t errlen);
/* Writes the script of @in (NUL-terminated, truncated to @cap); returns its length. */
size_t fz_hvc_input_to_script(const uint8_t *in, size_t len, char *out, size_t cap);

#endif /* FUZZ_HVC_INPUT_H */
