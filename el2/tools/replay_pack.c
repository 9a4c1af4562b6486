// SPDX-License-Identifier: MIT
/*
 * replay_pack: a host-side build step of the EL2 image. It reads fuzz_hvc
 * inputs (encoded .bin files, or scripts that it encodes itself with the
 * harness's codec) and writes one blob the host payload embeds and replays
 * through real hypercalls (el2/payload/replay.c, docs/el2-differential.md).
 * Each input is decoded here, with the harness's own decoder, against the
 * machine its 16-byte header describes; the payload then maps the pages
 * onto el2's real machine. The blob is little-endian u64 words:
 *
 *   "el2corp1", number of inputs, then per input:
 *     name (48 bytes, NUL-padded), number of steps,
 *     nr_regions, 8 x (base, size), carve_base, carve_pages, host_ia_bits,
 *     nr_vm_slots,
 *     per step: kind (0 hypercall, 1 abort), x0, x1, x2, x3, x4
 *
 * Usage: replay_pack OUT FILE...
 */
#include "machine.h"
#include "ops_hvc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_BYTES 48
#define MAX_INPUT  (1U << 20)

static void put64(FILE *f, uint64_t v)
{
	unsigned char b[8];

	for (unsigned i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	if (fwrite(b, 1, 8, f) != 8) {
		perror("replay_pack: write");
		exit(1);
	}
}

static size_t read_file(const char *path, unsigned char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		exit(1);
	}
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = 0;
	return n;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* "scripts/every_call" from ".../corpora/fuzz_hvc/scripts/every_call.txt". */
static void input_name(const char *path, char *name)
{
	const char *file = strrchr(path, '/'), *dir = path;
	char buf[NAME_BYTES * 2];

	file = file ? file + 1 : path;
	for (const char *p = path; p < file - 1; p++)
		if (*p == '/')
			dir = p + 1;
	snprintf(buf, sizeof(buf), "%.*s%s", (int)(file - dir), dir, file);
	if (strrchr(buf, '.'))
		*strrchr(buf, '.') = 0;
	memset(name, 0, NAME_BYTES);
	strncpy(name, buf, NAME_BYTES - 1);
}

static void pack_one(FILE *out, const char *path)
{
	static unsigned char text[MAX_INPUT], in[MAX_INPUT];
	char name[NAME_BYTES], err[512];
	struct fz_machine m;
	size_t len = read_file(path, text, sizeof(text)), steps;

	if (ends_with(path, ".txt")) {
		len = fz_script_to_input(&fz_world_hvc, (const char *)text, in, sizeof(in), err,
					 sizeof(err));
		if (!len) {
			fprintf(stderr, "%s: %s\n", path, err);
			exit(1);
		}
	} else {
		memcpy(in, text, len);
	}
	if (len < FZ_HEADER_SIZE) {
		fprintf(stderr, "%s: shorter than the machine header\n", path);
		exit(1);
	}
	fz_decode_machine(in, &m);
	steps = (len - FZ_HEADER_SIZE) / fz_world_hvc.record_size;
	input_name(path, name);
	if (fwrite(name, 1, NAME_BYTES, out) != NAME_BYTES) {
		perror("replay_pack: write");
		exit(1);
	}
	put64(out, steps);
	put64(out, m.nr_regions);
	for (unsigned i = 0; i < FZ_MAX_REGIONS; i++) {
		put64(out, i < m.nr_regions ? m.regions[i].base : 0);
		put64(out, i < m.nr_regions ? m.regions[i].size : 0);
	}
	put64(out, m.carve_base);
	put64(out, m.carve_size >> 12);
	put64(out, m.host_ia_bits);
	put64(out, m.nr_vm_slots);
	for (size_t s = 0; s < steps; s++) {
		struct fz_op op;

		fz_decode_op(&fz_world_hvc, &m, in + FZ_HEADER_SIZE + s * fz_world_hvc.record_size,
			     &op);
		put64(out, op.index == HV_OP_ABORT);
		for (unsigned i = 0; i < 5; i++) {
			/* An abort's address goes in the place of x1. */
			if (op.index == HV_OP_ABORT)
				put64(out, i == 1 ? op.v[HV_ADDR] : 0);
			else
				put64(out, op.v[HV_X0 + i]);
		}
	}
}

int main(int argc, char **argv)
{
	FILE *out;

	if (argc < 2) {
		fprintf(stderr, "usage: replay_pack OUT [FILE...]\n");
		return 2;
	}
	out = fopen(argv[1], "wb");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	if (fwrite("el2corp1", 1, 8, out) != 8)
		return 1;
	put64(out, (uint64_t)(argc - 2));
	for (int i = 2; i < argc; i++)
		pack_one(out, argv[i]);
	if (fclose(out)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
