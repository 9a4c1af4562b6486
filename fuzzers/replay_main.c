// SPDX-License-Identifier: MIT
/*
 * The standalone program every fuzz target also builds as: run each input
 * file once (a corpus, a crash reproducer), printing the trace with -v.
 * A directory argument runs every file in it. Exit 0 when all ran clean; a
 * disagreement aborts with the report, as under a fuzzer.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
extern int s2fuzz_verbose;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return 1;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)len + 1)) || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 1;
	}
	fclose(f);
	if (s2fuzz_verbose)
		printf("== %s (%ld bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

static int run_path(const char *path, unsigned *count)
{
	struct stat st;
	struct dirent *e;
	DIR *dir;
	int bad = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: no such file or directory: %s\n", path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	dir = opendir(path);
	if (!dir)
		return 1;
	while ((e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		char child[4096];

		/* Hidden files, and the readable scripts kept beside regressions. */
		if (e->d_name[0] == '.' || (n > 4 && !strcmp(e->d_name + n - 4, ".txt")))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		bad |= run_path(child, count);
	}
	closedir(dir);
	return bad;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int bad = 0, first = argc > 1 && !strcmp(argv[1], "-v") ? 2 : 1;

	s2fuzz_verbose = first == 2;
	LLVMFuzzerInitialize(&argc, &argv); /* as a fuzzer would: the watchdog */
	if (first >= argc) {
		fprintf(stderr, "usage: %s [-v] INPUT|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = first; i < argc; i++)
		bad |= run_path(argv[i], &count);
	printf("replayed %u inputs: %s\n", count, bad ? "errors" : "all agree");
	return bad;
}
