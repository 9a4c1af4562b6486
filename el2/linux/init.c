// SPDX-License-Identifier: MIT
/*
 * The init of the Linux host that el2 boots (docs/el2.md, "A Linux host"):
 * a static arm64 program, the only file of its initramfs. It says it has
 * started and when (the counter's seconds since power-on), reads
 * /proc/meminfo and /proc/cpuinfo, reads a page of el2's carve-out through
 * /dev/mem (el2 must refuse it: the reader gets SIGBUS), starts one worker
 * per CPU that writes most of its share of free memory with a pattern and
 * checks it, prints one result line and powers the machine off.
 *
 * Every line it prints starts with "s2fuzz-init: "; tools/el2-boot.sh reads
 * them. The last one is "s2fuzz-init: result: pass" or "... fail: WHY".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64
/* Of free memory, what the workers take between them (per cent). */
#define SHARE_PERCENT 80

static int failures;

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("s2fuzz-init: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	fputs("s2fuzz-init: FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static uint64_t counter(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static uint64_t counter_hz(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static void console(void)
{
	int fd;

	mkdir("/dev", 0755);
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	/* /proc/device-tree is a link into sysfs. */
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

/* A "Name: N kB" line of /proc/meminfo, in bytes; 0 if missing. */
static uint64_t meminfo(const char *name)
{
	char line[256];
	size_t len = strlen(name);
	uint64_t kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':') {
			kb = strtoull(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb << 10;
}

static int cpus(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "processor", 9))
			n++;
	fclose(f);
	return n;
}

static uint64_t pattern(uint64_t i, int worker)
{
	return (i * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)worker << 56) ^ 0x5a5a5a5a5a5a5a5aULL;
}

/* One worker: on CPU @cpu, @bytes of anonymous memory written and checked. */
static int worker(int cpu, uint64_t bytes)
{
	cpu_set_t set;
	uint64_t *m, n = bytes / 8, bad = 0;

	CPU_ZERO(&set);
	CPU_SET((size_t)cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fail("worker %d: cannot run on CPU %d", cpu, cpu);
		return 1;
	}
	m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		 -1, 0);
	if (m == MAP_FAILED) {
		fail("worker %d: no %llu bytes of memory", cpu, (unsigned long long)bytes);
		return 1;
	}
	for (uint64_t i = 0; i < n; i++)
		m[i] = pattern(i, cpu);
	for (uint64_t i = 0; i < n; i++)
		if (m[i] != pattern(i, cpu) && !bad++)
			fail("worker %d: word %llu reads 0x%llx, wrote 0x%llx", cpu,
			     (unsigned long long)i, (unsigned long long)m[i],
			     (unsigned long long)pattern(i, cpu));
	say("worker %d on CPU %d: %llu MiB written and checked: %s", cpu, sched_getcpu(),
	    (unsigned long long)(bytes >> 20), bad ? "FAILED" : "ok");
	return bad != 0;
}

static int memory_check(int ncpu)
{
	uint64_t free_bytes = meminfo("MemFree"), share;
	int status, bad = 0, started = 0;
	pid_t pids[MAX_WORKERS];

	if (ncpu > MAX_WORKERS)
		ncpu = MAX_WORKERS;
	share = free_bytes / 100 * SHARE_PERCENT / (uint64_t)ncpu & ~0xfffULL;
	for (int cpu = 0; cpu < ncpu; cpu++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(worker(cpu, share));
		if (pid < 0) {
			fail("cannot start worker %d", cpu);
			continue;
		}
		pids[started++] = pid;
	}
	for (int i = 0; i < started; i++)
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			bad++;
	if (bad || started < ncpu)
		fail("memory check: %d of %d workers failed", bad + ncpu - started, ncpu);
	else
		say("memory check: %d workers passed", ncpu);
	return bad;
}

static sigjmp_buf bus_jump;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jump, 1);
}

/* A big-endian cell property of @path, or 0. */
static uint32_t dt_cell(const char *path)
{
	unsigned char b[4];
	FILE *f = fopen(path, "rb");
	uint32_t v = 0;

	if (f && fread(b, 1, 4, f) == 4)
		v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	if (f)
		fclose(f);
	return v;
}

/* The carve-out's base, from the /reserved-memory node el2 added. */
static int carveout_base(uint64_t *base)
{
	const char *dir = "/proc/device-tree/reserved-memory";
	uint32_t cells = dt_cell("/proc/device-tree/reserved-memory/#address-cells");
	struct dirent *e;
	DIR *d = opendir(dir);
	int found = 0;

	if (!d || cells < 1 || cells > 2) {
		if (d)
			closedir(d);
		return 0;
	}
	while (!found && (e = readdir(d))) {
		char path[512];
		unsigned char reg[8];
		FILE *f;

		if (strncmp(e->d_name, "s2fuzz-el2@", 11))
			continue;
		snprintf(path, sizeof(path), "%s/%s/reg", dir, e->d_name);
		f = fopen(path, "rb");
		if (f && fread(reg, 4, cells, f) == cells) {
			*base = 0;
			for (uint32_t i = 0; i < 4 * cells; i++)
				*base = *base << 8 | reg[i];
			found = 1;
		}
		if (f)
			fclose(f);
	}
	closedir(d);
	return found;
}

/* A read of the carve-out must end in SIGBUS, and the kernel must go on. */
static void carveout_check(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	volatile uint64_t *p;
	uint64_t base, v;
	int fd;

	if (!carveout_base(&base)) {
		fail("carve-out: no s2fuzz-el2 node under /reserved-memory");
		return;
	}
	fd = open("/dev/mem", O_RDONLY | O_SYNC);
	if (fd < 0) {
		fail("carve-out: cannot open /dev/mem");
		return;
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, (off_t)base);
	close(fd);
	if (p == MAP_FAILED) {
		fail("carve-out: /dev/mem does not map 0x%llx", (unsigned long long)base);
		return;
	}
	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(bus_jump, 1)) {
		say("carve-out: reading 0x%llx through /dev/mem: SIGBUS (el2 refused it)",
		    (unsigned long long)base);
	} else {
		v = *p;
		fail("carve-out: reading 0x%llx through /dev/mem returned 0x%llx",
		     (unsigned long long)base, (unsigned long long)v);
	}
	signal(SIGBUS, SIG_DFL);
	munmap((void *)p, 4096);
}

int main(void)
{
	uint64_t now = counter(), hz = counter_hz();
	int ncpu;

	console();
	say("started, %llu.%03llu s after power-on", (unsigned long long)(now / hz),
	    (unsigned long long)(now % hz * 1000 / hz));
	ncpu = cpus();
	say("%d CPUs, MemTotal %llu MiB, MemFree %llu MiB", ncpu,
	    (unsigned long long)(meminfo("MemTotal") >> 20),
	    (unsigned long long)(meminfo("MemFree") >> 20));
	if (ncpu < 1) {
		fail("no CPU in /proc/cpuinfo");
		ncpu = 1;
	}
	carveout_check();
	memory_check(ncpu);
	if (failures)
		say("result: fail (%d failures)", failures);
	else
		say("result: pass");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
