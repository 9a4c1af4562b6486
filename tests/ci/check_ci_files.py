#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The CI, OSS-Fuzz and ClusterFuzzLite files parse and name only what exists.

Checks: every YAML file parses; each workflow has triggers and jobs, and every
`uses:` is pinned to a 40-hex commit with its version in a comment; every
`./s2fuzz` command a workflow runs is a command of ./s2fuzz with options its
usage text lists; every path filter names a folder that exists; cached and
uploaded paths are the ones ./s2fuzz nightly writes; the project files name
known engines and sanitizers; the Dockerfiles COPY files that exist; the
build scripts exist and are executable; every fuzz target has a dictionary
and seed scripts. Prints one line per problem and exits 1 if there is any.
"""
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
problems = []


def problem(where, what):
    problems.append(f"{os.path.relpath(where, ROOT)}: {what}")


def load(path):
    with open(path) as f:
        text = f.read()
    try:
        return text, yaml.safe_load(text)
    except yaml.YAMLError as e:
        problem(path, f"does not parse: {e}")
        return text, None


usage = subprocess.run([os.path.join(ROOT, "s2fuzz"), "help"], capture_output=True,
                       text=True, check=True).stdout
commands = set(re.findall(r"^  ([a-z]+)\b", usage, re.M))
targets = sorted(f[:-2] for f in os.listdir(os.path.join(ROOT, "fuzzers"))
                 if f.startswith("fuzz_") and f.endswith(".c"))


def usage_of(cmd):
    m = re.search(rf"^  {cmd}\b(.*?)(?=^  [a-z]+\b|\Z)", usage, re.M | re.S)
    return m.group(1) if m else ""


def check_run(path, script):
    for m in re.finditer(r"\./s2fuzz\s+([a-z]+)([^\n;&|]*)", script):
        cmd, args = m.group(1), m.group(2)
        if cmd not in commands:
            problem(path, f"runs './s2fuzz {cmd}', which is not a command")
            continue
        for opt in re.findall(r"(--[a-z-]+)", args):
            if opt not in usage_of(cmd):
                problem(path, f"'./s2fuzz {cmd}' has no option {opt}")
        for t in re.findall(r"\b(fuzz_[a-z0-9_]+)\b", args):
            if t not in targets:
                problem(path, f"names target {t}, which does not exist")


def check_workflow(path):
    text, wf = load(path)
    if not isinstance(wf, dict):
        return
    triggers = wf.get("on", wf.get(True))
    if not triggers:
        problem(path, "no triggers (on:)")
    jobs = wf.get("jobs") or {}
    if not jobs:
        problem(path, "no jobs")
    for name, job in jobs.items():
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses:
                if not re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses):
                    problem(path, f"job {name}: '{uses}' is not pinned to a commit")
                elif not re.search(re.escape(uses) + r"\s+#\s*v\d", text):
                    problem(path, f"job {name}: '{uses}' has no '# vX' comment")
            if "run" in step:
                check_run(path, step["run"])
            for key in ("path",):
                p = (step.get("with") or {}).get(key)
                if p and p.startswith("out/nightly/"):
                    nightly = open(os.path.join(ROOT, "tools", "nightly.sh")).read()
                    if p not in nightly:
                        problem(path, f"{p} is not a path ./s2fuzz nightly writes")
    on = triggers if isinstance(triggers, dict) else {}
    for trigger in on.values():
        for pattern in (trigger or {}).get("paths", []) if isinstance(trigger, dict) else []:
            top = pattern.split("/")[0]
            if not os.path.exists(os.path.join(ROOT, top)):
                problem(path, f"path filter '{pattern}' names nothing")


def check_project(path):
    _, p = load(path)
    if not isinstance(p, dict):
        problem(path, "not a mapping")
        return
    if p.get("language") != "c":
        problem(path, "language is not c")
    for e in p.get("fuzzing_engines", []):
        if e not in ("libfuzzer", "afl"):
            problem(path, f"engine {e} is not one the build supports")
    for s in p.get("sanitizers", []):
        if s not in ("address", "undefined", "memory"):
            problem(path, f"sanitizer {s} is not one the build supports")


def check_dockerfile(path, context):
    for line in open(path):
        m = re.match(r"COPY\s+(\S+)\s+\S+", line)
        if m and m.group(1) != "." and not os.path.exists(os.path.join(context, m.group(1))):
            problem(path, f"COPY {m.group(1)}: no such file in its build context")


def check_executable(path):
    if not os.access(path, os.X_OK):
        problem(path, "missing or not executable")


workflows = os.path.join(ROOT, ".github", "workflows")
for f in sorted(os.listdir(workflows)):
    if f.endswith((".yml", ".yaml")):
        check_workflow(os.path.join(workflows, f))
for d in ("oss-fuzz", ".clusterfuzzlite"):
    check_project(os.path.join(ROOT, d, "project.yaml"))
    check_executable(os.path.join(ROOT, d, "build.sh"))
check_dockerfile(os.path.join(ROOT, "oss-fuzz", "Dockerfile"), os.path.join(ROOT, "oss-fuzz"))
check_dockerfile(os.path.join(ROOT, ".clusterfuzzlite", "Dockerfile"), ROOT)
if "oss-fuzz/build.sh" not in open(os.path.join(ROOT, ".clusterfuzzlite", "build.sh")).read():
    problem(os.path.join(ROOT, ".clusterfuzzlite", "build.sh"), "does not run oss-fuzz/build.sh")
for t in targets:
    for need in (f"corpora/{t}/{t}.dict", f"corpora/{t}/scripts"):
        if not os.path.exists(os.path.join(ROOT, need)):
            problem(os.path.join(ROOT, need), f"target {t} needs it")

for p in problems:
    print(p)
print(f"check_ci_files: {len(problems)} problems in the CI, OSS-Fuzz and ClusterFuzzLite files")
sys.exit(1 if problems else 0)
