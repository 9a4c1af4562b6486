// SPDX-License-Identifier: MIT
/* The table of script codecs: one line per fuzz target. */
#include "codecs.h"
#include "hvc_input.h"
#include "pgtable_input.h"
#include "parallel_input.h"
#include "script.h"

#include <string.h>

static const struct fz_codec codecs[] = {
	{ "fuzz_pkvm", fz_script_to_input, fz_input_to_script },
	{ "fuzz_pgtable", fz_pgtable_script_to_input, fz_pgtable_input_to_script },
	{ "fuzz_hvc", fz_hvc_script_to_input, fz_hvc_input_to_script },
	{ "fuzz_parallel", fz_parallel_script_to_input, fz_parallel_input_to_script },
};

const struct fz_codec *fz_codec_find(const char *target)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		if (!strcmp(codecs[i].target, target))
			return &codecs[i];
	}
	return NULL;
}
