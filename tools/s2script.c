// SPDX-License-Identifier: MIT
/*
 * s2script: fuzz inputs in words. `encode SCRIPT OUT` turns a readable
 * scenario script into a binary input; `decode INPUT` prints an input as a
 * script (docs/input-format.md).
 */
#include "codecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT (1U << 20)

static int usage(void)
{
	fprintf(stderr, "usage: s2script encode [--target T] SCRIPT OUTPUT\n"
			"       s2script decode [--target T] INPUT\n"
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
	const struct fz_codec *codec;
	const char *target = "fuzz_pkvm";
	unsigned char *in;
	size_t len;

	if (argc >= 4 && !strcmp(argv[2], "--target")) {
		target = argv[3];
		for (int i = 2; i + 2 < argc; i++)
			argv[i] = argv[i + 2];
		argc -= 2;
	}
	codec = fz_codec_find(target);
	if (!codec) {
		fprintf(stderr, "s2script: no fuzz target '%s'\n", target);
		return 2;
	}

	if (argc == 4 && !strcmp(argv[1], "encode")) {
		uint8_t *out = malloc(MAX_INPUT);
		char err[256] = "";
		size_t n;
		FILE *f;

		int rc = 1;

		if (!out || !(in = slurp(argv[2], &len))) {
			free(out);
			return 1;
		}
		n = codec->to_input((const char *)in, out, MAX_INPUT, err, sizeof(err));
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
		if (len < 16) {
			fprintf(stderr, "s2script: %s: shorter than the 16-byte header\n", argv[2]);
		} else {
			codec->to_script(in, len, text, cap);
			fputs(text, stdout);
			if (len % 16)
				printf("# %zu trailing bytes ignored (a truncated record)\n", len % 16);
			rc = 0;
		}
		free(in);
		free(text);
		return rc;
	}
	return usage();
}
