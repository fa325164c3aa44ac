#!/usr/bin/env python3
"""
The report of bench/profile-front.sh: per path and process, the cost
of one request in the old and the new build, as the difference between
a run of COUNT requests and one of SMALL, divided by COUNT - SMALL.
For callgrind: instructions per request in all and per function (its
own instructions, not those of what it calls; with callgrind-inclusive,
those too), the functions that changed most first.  For strace: system
calls per request by name.

  profile_diff.py callgrind|callgrind-inclusive|strace DIR SMALL COUNT "ROLES"
      ["WORKLOADS"]
"""
import collections
import os
import re
import sys

PATHS = {"me": "GET /api/v1/me", "login": "GET /login",
         "read": "GET /api/v1/messages/ID",
         "list": "GET /api/v1/messages?folder=inbox&limit=50",
         "send": "POST /api/v1/messages (1 KiB)"}
TOP = int(os.environ.get("PROFILE_TOP", "30"))


def callgrind_costs(path, inclusive):
    """
    Instructions per function name, its own or (inclusive) with those
    of what it calls, and the total.
    """
    names = {}
    cost = collections.Counter()
    total = 0
    fn = None
    skip_next = False
    name_re = re.compile(r"^\((\d+)\)(?: (.*))?$")
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                call = skip_next
                skip_next = False
                parts = line.split()
                if len(parts) >= 2 and fn is not None and (inclusive or
                                                            not call):
                    cost[fn] += int(parts[1])
                continue
            if line.startswith("fn="):
                m = name_re.match(line[3:])
                if m:
                    if m.group(2) is not None:
                        names[m.group(1)] = m.group(2)
                    fn = names.get(m.group(1), m.group(1))
                else:
                    fn = line[3:]
            elif line.startswith("cfn="):
                m = name_re.match(line[4:])
                if m and m.group(2) is not None:
                    names[m.group(1)] = m.group(2)
            elif line.startswith("calls="):
                skip_next = True
            elif line.startswith("summary:") or line.startswith("totals:"):
                total = max(total, int(line.split()[1]))
    return cost, total


def strace_calls(path):
    calls = collections.Counter()
    total = 0
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 5 or not parts[0][0].isdigit():
                continue
            name = parts[-1]
            n = int(parts[3])
            if name == "total":
                total = n
            else:
                calls[name] = n
    return calls, total


def load(tool, d, tag, role):
    if tool.startswith("callgrind"):
        files = [f for f in os.listdir(d)
                 if f.startswith(tag + "." + role + ".out")]
        if len(files) != 1:
            raise SystemExit("%s.%s: %d profiles (a child restarted?)" %
                             (tag, role, len(files)))
        return callgrind_costs(os.path.join(d, files[0]),
                               tool == "callgrind-inclusive")
    return strace_calls(os.path.join(d, tag + "." + role + ".out"))


def per_request(tool, d, side, workload, role, small, count):
    a, ta = load(tool, d, "%s_%s.%d" % (side, workload, small), role)
    b, tb = load(tool, d, "%s_%s.%d" % (side, workload, count), role)
    n = count - small
    per = {k: (b[k] - a.get(k, 0)) / n for k in set(a) | set(b)}
    return per, (tb - ta) / n


def main(a):
    tool, d, small, count = a[1], a[2], int(a[3]), int(a[4])
    roles = a[5].split()
    workloads = a[6].split() if len(a) > 6 else ["me", "login"]
    unit = "instructions" if tool != "strace" else "system calls"
    for w in workloads:
        for role in roles:
            old, told = per_request(tool, d, "old", w, role, small,
                                    count)
            new, tnew = per_request(tool, d, "new", w, role, small,
                                    count)
            print("%s, smsg-%s: %s per request: old %.0f new %.0f "
                  "(%+.1f%%)" % (PATHS[w], role, unit, told, tnew,
                                 (tnew - told) * 100 / told if told else 0))
            keys = set(old) | set(new)
            rows = sorted(keys, key=lambda k: -abs(new.get(k, 0) -
                                                   old.get(k, 0)))
            print("  %12s %12s %12s  %s" % ("old", "new", "new-old",
                                            "call" if tool == "strace" else
                                            "function"))
            for k in rows[:len(rows) if tool == "strace" else TOP]:
                o, n = old.get(k, 0), new.get(k, 0)
                if abs(o) < 0.05 and abs(n) < 0.05:
                    continue
                print("  %12.1f %12.1f %+12.1f  %s" % (o, n, n - o, k))
            print()


if __name__ == "__main__":
    main(sys.argv)
