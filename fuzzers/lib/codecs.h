/* SPDX-License-Identifier: MIT */
/*
 * The readable scripts of every fuzz target, by name: s2script and the
 * corpora build find a target's codec here.
 */
#ifndef FUZZ_CODECS_H
#define FUZZ_CODECS_H

#include <stddef.h>
#include <stdint.h>

struct fz_codec {
	const char *target;
	/* Returns the input's length, or 0 with a message in @err. */
	size_t (*to_input)(const char *text, uint8_t *out, size_t cap, char *err, size_t errlen);
	/* Writes the script of @in, NUL-terminated; returns its length. */
	size_t (*to_script)(const uint8_t *in, size_t len, char *out, size_t cap);
};

/* The codec of @target, or NULL. */
const struct fz_codec *fz_codec_find(const char *target);

#endif /* FUZZ_CODECS_H */
