#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""No CORE_ASSERT condition does work the code needs.

A build without assertions (S2FUZZ_CORE_ASSERTS=OFF) evaluates no condition,
so a call with an effect inside one (a lookup that fills an out-parameter, a
pool operation, a commit) would be lost there: the call goes outside and the
assertion checks its result. This reads every CORE_ASSERT under the folders
given and accepts only conditions without assignments, increments and calls,
except calls of the pure helpers listed below. Whether a function is pure
is not something a script can tell: a helper added to PURE must be one (a
static inline predicate, a macro of constants). The real guard is the build
without assertions that replays a corpus (check_without_asserts.sh); this
one names the line at once. Prints one line per problem, exits 1 if any.
usage: check_assert_conditions.py DIR...
"""
import os
import re
import sys

# Pure: they read their arguments and return a value, nothing else.
PURE = {
    "pgt_ia_limit",  # core/src/walk_internal.h
    "pte_is_locked",  # core/include/core/pte.h
    "sizeof",
}
CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
# =, +=, <<= ... but not ==, <=, >=, !=; and ++, --.
EFFECT = re.compile(r"(?<![=!<>])=(?!=)|\+\+|--")


def conditions(text):
    """Yields (line, condition) for every CORE_ASSERT(...) in C text."""
    for m in re.finditer(r"\bCORE_ASSERT\s*\(", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        yield text.count("\n", 0, m.start()) + 1, text[m.end():i - 1]


def main(dirs):
    problems, seen = [], 0
    for top in dirs:
        for base, _, files in os.walk(top):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(base, name)
                with open(path) as f:
                    text = f.read()
                for line, cond in conditions(text):
                    if cond == "e":  # the macro's own definition
                        continue
                    seen += 1
                    where = f"{path}:{line}: CORE_ASSERT({' '.join(cond.split())})"
                    calls = [c for c in CALL.findall(cond) if c not in PURE]
                    if calls:
                        problems.append(f"{where}: calls {', '.join(calls)}")
                    if EFFECT.search(cond):
                        problems.append(f"{where}: assigns or increments")
    for p in problems:
        print(p)
    print(f"check_assert_conditions: {seen} assertions, {len(problems)} problems")
    return 1 if problems or not seen else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
