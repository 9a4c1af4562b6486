/* SPDX-License-Identifier: MIT */
/*
 * The readable form of fuzz inputs (docs/input-format.md): one machine line,
 * then one operation per line, e.g.
 *
 *   machine preset=virt regions=1 vm_slots=4 va_align=2m
 *   vm_create vm=0 ia_bits=40 pgd=mem:4096
 *   vm_topup vm=0 pfn=mem:4097
 *   host_donate_guest vm=0 pfn=mem:5000 gfn=0x10
 *
 * Page numbers are hex or decimal, or mem:N (the N-th memory page) or
 * carve:N (N pages from the carve-out's start, N may be negative).
 */
#ifndef FUZZ_SCRIPT_H
#define FUZZ_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

/* Returns the input's length, or 0 with a message in @err. */
size_t fz_script_to_input(const char *text, uint8_t *out, size_t cap, char *err, size_t errlen);
/* Writes the script of @in (NUL-terminated, truncated to @cap); returns its length. */
size_t fz_input_to_script(const uint8_t *in, size_t len, char *out, size_t cap);

#endif /* FUZZ_SCRIPT_H */
