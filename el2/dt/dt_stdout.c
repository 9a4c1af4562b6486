// SPDX-License-Identifier: MIT
/*
 * The console node: /chosen's stdout-path (linux,stdout-path in older trees)
 * is "NAME[:OPTIONS]", NAME a full path or an alias, OPTIONS the line
 * settings ("115200n8"), which the boot loader has already applied.
 */
#include "dt_internal.h"

/* @s (@n bytes) into @path; a path too long for it ends in "...". */
static void dt_copy_path(char *path, size_t size, const char *s, size_t n)
{
	if (n < size) {
		memcpy(path, s, n);
		path[n] = '\0';
		return;
	}
	memcpy(path, s, size - 4);
	memcpy(path + size - 4, "...", 4);
}

/* A property that is one NUL-terminated string. */
static const char *dt_prop_string(const char *p, int len)
{
	return p && len > 0 && memchr(p, '\0', (size_t)len) ? p : NULL;
}

static const char *dt_stdout_path(const void *fdt, const char **why)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *p;
	int len;

	if (chosen < 0) {
		*why = "no /chosen node, so no stdout-path to find the console by";
		return NULL;
	}
	p = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!p)
		p = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!p) {
		*why = "/chosen has no stdout-path";
		return NULL;
	}
	if (!dt_prop_string(p, len)) {
		*why = "/chosen stdout-path is not a string";
		return NULL;
	}
	return p;
}

int dt_stdout_node(const void *fdt, char *path, size_t path_size, const char **why)
{
	const char *p = dt_stdout_path(fdt, why), *colon, *target;
	int name_len, target_len, aliases, node;

	if (!p)
		return -CORE_ENOENT;
	colon = strchr(p, ':');
	name_len = (int)(colon ? (size_t)(colon - p) : strlen(p));
	if (!name_len) {
		*why = "stdout-path names no node (it is empty)";
		return -CORE_ENOENT;
	}
	target = p;
	target_len = name_len;
	if (p[0] != '/') {
		aliases = fdt_path_offset(fdt, "/aliases");
		target = aliases < 0 ? NULL :
				       fdt_getprop_namelen(fdt, aliases, p, name_len, &target_len);
		if (!target) {
			*why = "stdout-path names an alias that /aliases does not have";
			return -CORE_ENOENT;
		}
		if (!dt_prop_string(target, target_len) || target[0] != '/') {
			*why = "the stdout-path alias is not a full path";
			return -CORE_EINVAL;
		}
		target_len = (int)strlen(target);
	}
	dt_copy_path(path, path_size, target, (size_t)target_len);
	node = fdt_path_offset_namelen(fdt, target, target_len);
	if (node < 0) {
		*why = "stdout-path names no node";
		return -CORE_ENOENT;
	}
	return node;
}
