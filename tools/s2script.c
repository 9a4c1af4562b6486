// SPDX-License-Identifier: MIT
/*
 * s2script: fuzz inputs in words. `encode SCRIPT OUT` turns a readable
 * scenario script into a binary input; `decode INPUT` prints an input as a
 * script; `doc` prints the target's tables of fields and operations, as
 * docs/input-format.md holds them (docs/input-format.md).
 */
#include "optable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT (1U << 20)

static int usage(void)
{
	fprintf(stderr, "usage: s2script encode [--target T] SCRIPT OUTPUT\n"
			"       s2script decode [--target T] INPUT\n"
			"       s2script doc [--target T]\n"
			"       s2script header [--target T]   (the header's size in bytes)\n"
			"T is a fuzz target (default fuzz_pkvm)\n");
	return 2;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(MAX_INPUT + 1);

	if (!f || !buf) {
		fprintf(stderr, "s2script: cannot read %s\n", path);
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, MAX_INPUT, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *target = "fuzz_pkvm";
	const struct fz_world *w;
	unsigned char *in;
	size_t len;

	if (argc >= 4 && !strcmp(argv[2], "--target")) {
		target = argv[3];
		for (int i = 2; i + 2 < argc; i++)
			argv[i] = argv[i + 2];
		argc -= 2;
	}
	w = fz_world_find(target);
	if (!w) {
		fprintf(stderr, "s2script: no fuzz target '%s'\n", target);
		return 2;
	}

	if (argc == 2 && !strcmp(argv[1], "doc")) {
		static char doc[1 << 16];

		fz_world_doc(w, doc, sizeof(doc));
		fputs(doc, stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "header")) {
		printf("%zu\n", w->header_size);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "encode")) {
		uint8_t *out = malloc(MAX_INPUT);
		char err[512] = "";
		size_t n;
		FILE *f;

		int rc = 1;

		if (!out || !(in = slurp(argv[2], &len))) {
			free(out);
			return 1;
		}
		n = fz_script_to_input(w, (const char *)in, out, MAX_INPUT, err, sizeof(err));
		if (!n) {
			fprintf(stderr, "s2script: %s: %s\n", argv[2], err);
		} else if (!(f = fopen(argv[3], "wb"))) {
			fprintf(stderr, "s2script: cannot write %s\n", argv[3]);
		} else {
			rc = fwrite(out, 1, n, f) == n ? 0 : 1;
			if (fclose(f) || rc)
				fprintf(stderr, "s2script: cannot write %s\n", argv[3]), rc = 1;
		}
		free(in);
		free(out);
		return rc;
	}
	if (argc == 3 && !strcmp(argv[1], "decode")) {
		size_t cap = 64 * MAX_INPUT / 16 + 4096;
		char *text = malloc(cap);

		int rc = 1;

		if (!text || !(in = slurp(argv[2], &len))) {
			free(text);
			return 1;
		}
		if (len < w->header_size) {
			fprintf(stderr, "s2script: %s: shorter than the %zu-byte header\n", argv[2],
				w->header_size);
		} else {
			fz_input_to_script(w, in, len, text, cap);
			fputs(text, stdout);
			rc = 0;
		}
		free(in);
		free(text);
		return rc;
	}
	return usage();
}
