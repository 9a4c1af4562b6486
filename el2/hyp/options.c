// SPDX-License-Identifier: MIT
/* Boot options from /chosen bootargs (el2/options.h). */
#include <libfdt.h>

#include "el2/libc.h"
#include "el2/options.h"

#define PREFIX "s2fuzz."
#define DEFAULT_OPS 1000
#define DEFAULT_SEED 1

static bool word_is(const char *w, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len == n && !strncmp(w, name, n);
}

static bool parse_number(const char *s, size_t len, u64 *out)
{
	char *end;

	if (!len || s[0] < '0' || s[0] > '9')
		return false;
	*out = strtoul(s, &end, 0);
	return end == s + len && *out != ~0UL;
}

static int parse_word(const char *w, size_t len, struct el2_options *o, const char **why)
{
	const char *eq = memchr(w, '=', len);
	size_t name_len, value_len;
	const char *value;

	if (len < sizeof(PREFIX) - 1 || strncmp(w, PREFIX, sizeof(PREFIX) - 1))
		return 0;
	if (!eq) {
		*why = "an s2fuzz. boot option without '='";
		return -CORE_EINVAL;
	}
	name_len = (size_t)(eq - w);
	value = eq + 1;
	value_len = len - name_len - 1;
	if (word_is(w, name_len, PREFIX "exit")) {
		if (!word_is(value, value_len, "semihosting") && !word_is(value, value_len, "psci")) {
			*why = "s2fuzz.exit takes semihosting or psci";
			return -CORE_EINVAL;
		}
		o->semihosting = word_is(value, value_len, "semihosting");
	} else if (word_is(w, name_len, PREFIX "diff")) {
		if (!word_is(value, value_len, "on") && !word_is(value, value_len, "off")) {
			*why = "s2fuzz.diff takes on or off";
			return -CORE_EINVAL;
		}
		o->diff = word_is(value, value_len, "on");
		o->diff_given = true;
	} else if (word_is(w, name_len, PREFIX "ops")) {
		if (!parse_number(value, value_len, &o->ops)) {
			*why = "s2fuzz.ops takes a number";
			return -CORE_EINVAL;
		}
	} else if (word_is(w, name_len, PREFIX "seed")) {
		if (!parse_number(value, value_len, &o->seed)) {
			*why = "s2fuzz.seed takes a number";
			return -CORE_EINVAL;
		}
	} else {
		*why = "unknown s2fuzz. boot option (known: exit, ops, seed, diff)";
		return -CORE_EINVAL;
	}
	return 0;
}

int options_parse(const void *fdt, struct el2_options *o, const char **why)
{
	const char *args;
	int chosen, len;

	*o = (struct el2_options){ .diff = true, .ops = DEFAULT_OPS, .seed = DEFAULT_SEED };
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return 0;
	args = fdt_getprop(fdt, chosen, "bootargs", &len);
	if (!args || len <= 0)
		return 0;
	for (int i = 0; i < len && args[i];) {
		int start;
		int ret;

		while (i < len && args[i] == ' ')
			i++;
		start = i;
		while (i < len && args[i] && args[i] != ' ')
			i++;
		if (i > start) {
			ret = parse_word(args + start, (size_t)(i - start), o, why);
			if (ret)
				return ret;
		}
	}
	return 0;
}
