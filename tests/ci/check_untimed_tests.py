#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""No unit test asserts on time.

How long something takes belongs to a benchmark: on 2 shared cores, under a
sanitizer or next to another build, the same test takes twice as long, and a
test that fails for that says nothing about the code. This reads the C files
under the folders given and reports every assertion whose condition depends on
a clock: a cmocka assert_*(), assert(), or an `if (...)` whose body fails the
test (fail, fail_msg, abort, exit).

A condition depends on a clock when it holds a call of a clock (clock,
clock_gettime, gettimeofday, time, difftime, timespec_get, getrusage, ftime),
CLOCKS_PER_SEC, a field of a time structure (tv_sec, tv_nsec, tv_usec), a
variable of a time type (clock_t, time_t, struct timespec, timeval, rusage),
a variable assigned from such an expression, or a call of a function of the
same file that returns one. Arguments of other calls do not count: a seed
taken from time() and passed to a generator is not a measurement. Printing an
elapsed time is not an assertion either.

Prints one line per problem and exits 1 if there is any.
usage: check_untimed_tests.py DIR...      check every .c and .h under DIR
       check_untimed_tests.py --self-test  check the checker on SAMPLES below
"""
import os
import re
import sys

CLOCKS = {"clock", "clock_gettime", "gettimeofday", "time", "difftime", "timespec_get",
          "getrusage", "ftime"}
TIME_WORDS = re.compile(r"\bCLOCKS_PER_SEC\b|\.\s*(?:tv_sec|tv_nsec|tv_usec)\b|"
                        r"->\s*(?:tv_sec|tv_nsec|tv_usec)\b")
# A declaration of a time type: its declarators follow (a cast does not).
TIME_TYPES = re.compile(r"\b(?:clock_t|time_t|struct\s+timespec|struct\s+timeval|"
                        r"struct\s+rusage)\b(?=\s*\**\s*[A-Za-z_])")
KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof", "_Alignof", "defined"}
ASSERT = re.compile(r"\b(assert_\w+|assert)\s*\(")
FAILS = re.compile(r"\s*\{?\s*(?:fail|fail_msg|abort|exit|_exit)\s*\(")
IDENT = re.compile(r"[A-Za-z_]\w*")


def strip(text):
    """Comments and string and character literals blanked, newlines kept."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                  blank, text, flags=re.S)


def close(text, i):
    """Index just past the parenthesis that closes the one before text[i]."""
    depth = 1
    while i < len(text) and depth:
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        i += 1
    return i


def calls(text):
    """(name, start of arguments, end past ')') of each call in text."""
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(", text):
        if m.group(1) not in KEYWORDS:
            yield m.group(1), m.end(), close(text, m.end())


class Scope:
    def __init__(self, clocks, tainted):
        self.clocks = clocks  # functions that measure time
        self.tainted = set(tainted)  # variables that hold a measurement

    def derives(self, expr):
        """Whether expr depends on a clock, arguments of other calls aside."""
        masked, inside = list(expr), []
        for name, a, b in calls(expr):
            if any(x <= a < y for x, y in inside):
                continue
            if name in self.clocks:
                return True
            inside.append((a, b - 1))
            masked[a:b - 1] = " " * (b - 1 - a)
        masked = "".join(masked)
        if TIME_WORDS.search(masked):
            return True
        return any(w in self.tainted for w in IDENT.findall(masked))

    def learn(self, body):
        """Taints every variable of body declared or assigned as a time."""
        for m in TIME_TYPES.finditer(body):
            end = re.compile(r"[;)]").search(body, m.end())
            end = end.start() if end else len(body)
            decl = re.sub(r"\([^()]*\)|\[[^\]]*\]|=[^,]*", "", body[m.end():end])
            self.tainted.update(IDENT.findall(decl))
        while True:
            before = len(self.tainted)
            for m in re.finditer(r"\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?[-+*/]?=(?!=)", body):
                end = m.end()
                depth = 0
                while end < len(body) and not (depth == 0 and body[end] in ";,)"):
                    depth += {"(": 1, ")": -1}.get(body[end], 0)
                    end += 1
                if m.group(1) not in self.tainted and self.derives(body[m.end():end]):
                    self.tainted.add(m.group(1))
            if len(self.tainted) == before:
                return


def functions(text):
    """(name, parameters + body, offset of body) of each function defined at
    file scope, and the file-scope declarations."""
    out, outside, depth, start, last = [], [], 0, 0, 0
    for i, c in enumerate(text):
        if c == "{":
            if depth == 0:
                start = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                head = text[last:start]
                m = re.search(r"\b([A-Za-z_]\w*)\s*\(([^;{}]*)\)\s*$", head)
                if m:
                    # Parameters as declarations; offsets stay the body's.
                    params = ";".join(m.group(2).split(",")) + ";"
                    out.append((m.group(1), text[start:i + 1], start, params))
                else:
                    outside.append(head)
                last = i + 1
        elif c == ";" and depth == 0:
            outside.append(text[last:i + 1])
            last = i + 1
    return out, "".join(outside)


def problems_in(path, raw):
    text = strip(raw)
    funcs, file_scope = functions(text)
    glob = Scope(set(CLOCKS), ())
    glob.learn(file_scope)
    clocks = set(CLOCKS)
    while True:  # functions that return a measurement measure time too
        n = len(clocks)
        for name, body, _, params in funcs:
            s = Scope(clocks, glob.tainted)
            s.learn(params + body)
            for m in re.finditer(r"\breturn\b([^;]*);", body):
                if s.derives(m.group(1)):
                    clocks.add(name)
        if len(clocks) == n:
            break
    found = []
    for name, body, off, params in funcs:
        s = Scope(clocks, glob.tainted)
        s.learn(params + body)
        for m in ASSERT.finditer(body):
            end = close(body, m.end())
            if s.derives(body[m.end():end - 1]):
                found.append((off + m.start(), m.group(1)))
        for m in re.finditer(r"\bif\s*\(", body):
            end = close(body, m.end())
            if FAILS.match(body, end) and s.derives(body[m.end():end - 1]):
                found.append((off + m.start(), "if (...) fail"))
    return sorted((text.count("\n", 0, pos) + 1, what) for pos, what in found)


def check(dirs):
    bad = 0
    files = 0
    for top in dirs:
        for base, subdirs, names in os.walk(top):
            subdirs.sort()
            for name in sorted(names):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(base, name)
                with open(path, errors="replace") as f:
                    raw = f.read()
                files += 1
                for line, what in problems_in(path, raw):
                    print(f"{path}:{line}: {what} asserts on time: "
                          f"{raw.splitlines()[line - 1].strip()}")
                    bad += 1
    print(f"check_untimed_tests: {files} files, {bad} timed assertions")
    return 1 if bad or not files else 0


# Each sample marks the lines the checker must report with TIMED.
SAMPLES = r'''
#include <time.h>
#include <sys/time.h>
static double since(clock_t t0)
{
	return (double)(clock() - t0) / CLOCKS_PER_SEC;
}
static double ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}
static unsigned next(unsigned *s)
{
	return *s = *s * 1103515245u + 12345u;
}
static unsigned mix(unsigned v)
{
	return v * 2654435761u;
}
static void timed(void **state)
{
	clock_t t0 = clock();
	struct timespec ts;
	struct timeval tv, tv2;
	time_t start = time(NULL);
	double elapsed;
	long us;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	gettimeofday(&tv, NULL);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0); /* TIMED */
	elapsed = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(elapsed < 60.0); /* TIMED */
	assert_in_range(since(t0), 0, 5); /* TIMED */
	assert_true(ms(&ts) < 100); /* TIMED */
	gettimeofday(&tv2, NULL);
	us = (tv2.tv_sec - tv.tv_sec) * 1000000 + (tv2.tv_usec - tv.tv_usec);
	assert_true(us < 5000); /* TIMED */
	assert(time(NULL) - start < 3); /* TIMED */
	if (difftime(time(NULL), start) > 2.0) /* TIMED */
		fail_msg("too slow");
	if (elapsed > 1) { /* TIMED */
		fail();
	}
}
static void untimed(void **state)
{
	unsigned seed = (unsigned)time(NULL), x;
	clock_t t0 = clock();
	int n = 3;

	srand((unsigned)time(NULL));
	x = next(&seed);
	assert_true(next(&seed) != 0 || x == 0);
	assert_true(mix((unsigned)time(NULL)) || 1);
	print_message("took %.2fs\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
	assert_int_equal(n, 3);
	if (n > 2)
		print_message("n %d\n", n);
	/* assert_true(clock() < 5): a comment says nothing */
	assert_string_equal("clock() < 5", "clock() < 5");
}
static void same_names_elsewhere(void **state)
{
	unsigned long t0 = 5, elapsed = 7, s = 1;

	assert_int_equal(t0 + elapsed + s, 13);
}
static void within(clock_t t0, double limit)
{
	assert_true((double)clock() - (double)t0 < limit); /* TIMED */
	assert_true(t0 > 0); /* TIMED */
	assert_true(limit > 0);
}
static clock_t started;
static void global_start(void **state)
{
	assert_true(started != 0); /* TIMED */
	assert_true((int)(clock_t)3 == 3);
}
'''


def self_test():
    want = [i + 1 for i, l in enumerate(SAMPLES.splitlines()) if "TIMED" in l and "*/" in l]
    got = [line for line, _ in problems_in("sample", SAMPLES)]
    if got != want:
        print(f"check_untimed_tests: self-test FAILED: reported lines {got}, expected {want}")
        return 1
    print(f"check_untimed_tests: self-test: {len(want)} timed assertions found, none else")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(check(sys.argv[1:]))
