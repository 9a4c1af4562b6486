// SPDX-License-Identifier: MIT
/*
 * fuzz_hvc scripts to inputs and back (docs/fuzz_hvc.md):
 *
 *   machine preset=virt regions=1 vm_slots=4 va_align=1g
 *   hvc x0=vm_create x1=0 x2=40 x3=mem:8192
 *   hvc x0=0xc6000008 x1=0 x2=mem:4096 x3=0x10 x4=0xdeadbeef
 *   abort addr=0x40000000
 *
 * The machine line is fuzz_pkvm's. Registers are numbers (hex, decimal, or
 * -N for two's complement), mem:N (the N-th memory page) or carve:N (N pages
 * from the carve-out's start); x0 may also be a call's name. Registers left
 * out are 0. Scripts always encode registers raw, so a script says exactly
 * what the host passes.
 */
#include "hvc_input.h"
#include "script.h"
#include "script_parse.h"

#include <stdio.h>
#include <string.h>

#define MODES_RAW     0xff /* both nibbles: raw */
#define SEL_NEAR_MISS 0xc0
#define SEL_ABORT     0xf0
#define NOISE_MASK    ((1ULL << 40) - 1)

/* A number: hex or decimal, or -N meaning 2^64 - N. */
static bool parse_num(const char *s, uint64_t *v)
{
	if (*s != '-')
		return fz_parse_u64(s, v);
	if (!fz_parse_u64(s + 1, v))
		return false;
	*v = -*v;
	return true;
}

static bool parse_reg(struct fz_parse *p, const struct fz_machine *m, const char *key,
		      const char *val, uint64_t *v)
{
	if (!strncmp(val, "mem:", 4)) {
		uint64_t n;

		if (!parse_num(val + 4, &n))
			return fz_perr(p, "bad memory page index '%s'", val);
		for (unsigned i = 0; i < m->nr_regions; i++) {
			uint64_t pages = m->regions[i].size >> 12;

			if (n < pages) {
				*v = (m->regions[i].base >> 12) + n;
				return true;
			}
			n -= pages;
		}
		return fz_perr(p, "'%s': the machine has fewer memory pages", val);
	}
	if (!strncmp(val, "carve:", 6)) {
		uint64_t off;

		if (!parse_num(val + 6, &off))
			return fz_perr(p, "bad carve-out offset '%s'", val);
		*v = (m->carve_base >> 12) + off;
		return true;
	}
	if (!strcmp(key, "x0")) {
		for (unsigned n = 0; n < FZ_HVC_NR_CALLS; n++) {
			if (!strcmp(val, fz_hvc_name(FZ_HVC_ID_BASE + n))) {
				*v = FZ_HVC_ID_BASE + n;
				return true;
			}
		}
	}
	if (!parse_num(val, v))
		return fz_perr(p, "bad value '%s' for %s", val, key);
	return true;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * Find a selector byte and noise that decode to @x0 (a valid id, or one of
 * the near misses of hvc_input.c). Tries, for every selector, the noise
 * values each near-miss kind could have used.
 */
static bool encode_x0(const struct fz_machine *m, uint64_t x0, uint8_t *rec)
{
	for (unsigned sel = 0; sel < SEL_ABORT; sel++) {
		uint64_t id = FZ_HVC_ID_BASE + sel % FZ_HVC_NR_CALLS;
		/* Kinds 1, 7 and 15, then 1..7 for kind 10's bit; the rest take 0. */
		const uint64_t cand[] = { 0, x0 - FZ_HVC_ID_BASE - FZ_HVC_NR_CALLS, x0 >> 32,
					  x0 ^ id };

		for (unsigned i = 0; i < 4 + 7; i++) {
			uint64_t noise = (i < 4 ? cand[i] : i - 3) & NOISE_MASK;
			struct fz_hvc c;

			memset(rec, 0, FZ_HVC_RECORD_SIZE);
			rec[0] = (uint8_t)sel;
			rec[1] = rec[2] = MODES_RAW;
			for (unsigned b = 0; b < 5; b++)
				rec[3 + b] = (uint8_t)(noise >> (8 * b));
			fz_hvc_decode(m, rec, &c);
			if (c.x[0] == x0)
				return true;
			if (sel < SEL_NEAR_MISS)
				break; /* valid ids take no noise */
		}
	}
	return false;
}

static bool parse_record(struct fz_parse *p, char *line, const struct fz_machine *m, uint8_t *rec)
{
	uint64_t x[FZ_HVC_NR_REGS] = { 0 };
	bool given[FZ_HVC_NR_REGS] = { false };
	char *tok = strtok(line, " \t");
	bool abort_rec = !strcmp(tok, "abort");

	if (!abort_rec && strcmp(tok, "hvc"))
		return fz_perr(p, "unknown operation '%s' (hvc or abort)", tok);
	while ((tok = strtok(NULL, " \t"))) {
		char *eq = strchr(tok, '=');
		unsigned r;

		if (!eq)
			return fz_perr(p, "expected key=value, got '%s'", tok);
		*eq++ = '\0';
		if (abort_rec && !strcmp(tok, "addr"))
			r = 1;
		else if (!abort_rec && tok[0] == 'x' && tok[1] >= '0' && tok[1] <= '4' && !tok[2])
			r = (unsigned)(tok[1] - '0');
		else
			return fz_perr(p, "unknown field '%s'", tok);
		if (given[r])
			return fz_perr(p, "%s given twice", tok);
		given[r] = true;
		if (!parse_reg(p, m, tok, eq, &x[r]))
			return false;
	}
	if (abort_rec && !given[1])
		return fz_perr(p, "abort needs addr=");
	if (abort_rec) {
		memset(rec, 0, FZ_HVC_RECORD_SIZE);
		rec[0] = SEL_ABORT;
		rec[1] = rec[2] = MODES_RAW;
	} else if (!encode_x0(m, x[0], rec)) {
		return fz_perr(p, "x0=%#llx cannot be expressed (a call id, or a near miss of one)",
			       (unsigned long long)x[0]);
	}
	for (unsigned r = 1; r < FZ_HVC_NR_REGS; r++)
		put64(rec + 8 * r, x[r]);
	return true;
}

/* The machine line through fuzz_pkvm's codec, with its line number kept. */
static bool parse_machine(struct fz_parse *p, const char *line, uint8_t *hdr, struct fz_machine *m)
{
	char text[1024];
	size_t n = 0;

	for (unsigned i = 1; i < p->line && n < 256; i++)
		text[n++] = '\n';
	snprintf(text + n, sizeof(text) - n, "%s\n", line);
	if (fz_script_to_input(text, hdr, FZ_HEADER_SIZE, p->err, p->errlen) != FZ_HEADER_SIZE)
		return false;
	fz_decode_machine(hdr, m);
	return true;
}

struct encoding {
	uint8_t *out;
	size_t cap, len;
	struct fz_machine m;
};

static bool encode_line(struct fz_parse *p, char *line, void *arg)
{
	struct encoding *e = arg;

	if (!e->len) {
		if (strncmp(line, "machine", 7) || e->cap < FZ_HEADER_SIZE)
			return fz_perr(p, "a script starts with a machine line");
		if (!parse_machine(p, line, e->out, &e->m))
			return false;
		e->len = FZ_HEADER_SIZE;
		return true;
	}
	if (e->len + FZ_HVC_RECORD_SIZE > e->cap)
		return fz_perr(p, "script too long");
	if (!parse_record(p, line, &e->m, e->out + e->len))
		return false;
	e->len += FZ_HVC_RECORD_SIZE;
	return true;
}

size_t fz_hvc_script_to_input(const char *text, uint8_t *out, size_t cap, char *err, size_t errlen)
{
	struct fz_parse p = { err, errlen, 0 };
	struct encoding e = { .out = out, .cap = cap };

	if (errlen)
		err[0] = '\0';
	if (!fz_for_each_line(&p, text, encode_line, &e))
		return 0;
	if (!e.len)
		fz_perr(&p, "empty script: a script starts with a machine line");
	return e.len;
}

size_t fz_hvc_input_to_script(const uint8_t *in, size_t len, char *out, size_t cap)
{
	struct fz_machine m;
	size_t used;

	if (cap)
		out[0] = '\0';
	if (len < FZ_HEADER_SIZE)
		return 0;
	used = fz_input_to_script(in, FZ_HEADER_SIZE, out, cap);
	fz_decode_machine(in, &m);
	for (size_t off = FZ_HEADER_SIZE; off + FZ_HVC_RECORD_SIZE <= len;
	     off += FZ_HVC_RECORD_SIZE) {
		struct fz_hvc c;
		char line[256];
		int w;

		fz_hvc_decode(&m, in + off, &c);
		fz_hvc_format(&c, line, sizeof(line));
		w = snprintf(out + used, cap > used ? cap - used : 0, "%s\n", line);
		used += w < 0 ? 0 : (size_t)w;
	}
	return used < cap ? used : cap ? cap - 1 : 0;
}
