#!/usr/bin/env python3
"""The DocC build has no warnings: checks the diagnostics files that `docc convert --diagnostics-file` writes.

Every warning or error fails the check, except those listed in Scripts/docc-known-warnings.txt: warnings in
`///` comments of files whose owners are still editing them, recorded so that CI passes while they are fixed.
That list may only shrink: a listed warning that no longer occurs fails the check too, so its line gets
deleted. Lines are `relative/path.swift | summary` (no line numbers, which move with every edit).

Usage: Scripts/check-docc-diagnostics.py DIAGNOSTICS.json... [--known FILE] [--prune] [--write-known]
"""
import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_KNOWN = os.path.join(ROOT, "Scripts", "docc-known-warnings.txt")
HEADER = """\
# DocC warnings in `///` comments of files that are being edited by their owners, one
# `path | summary` per line. Checked by Scripts/check-docc-diagnostics.py (run by Scripts/build-docs.sh in
# CI). This list may only shrink: any other warning fails CI, and so does a line whose warning is gone
# (delete it, or run Scripts/check-docc-diagnostics.py .build-docs/diagnostics/*.json --prune).
"""


def key(diagnostic):
    source = diagnostic.get("source") or ""
    path = source.replace("file://", "")
    path = os.path.relpath(path, ROOT) if path else "(no file)"
    # Articles are converted from a staged copy of the catalog (Scripts/build-docs.sh): name the original.
    staged = os.path.join(".build-docs", "catalogs") + os.sep
    if path.startswith(staged):
        catalog, _, rest = path[len(staged):].partition(os.sep)
        module = catalog[: -len(".docc")]
        path = os.path.join("Sources", module, catalog, rest)
    return f"{path} | {diagnostic['summary']}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--known", default=DEFAULT_KNOWN)
    parser.add_argument("--prune", action="store_true", help="delete lines of warnings that no longer occur")
    parser.add_argument("--write-known", action="store_true", help="rewrite the list with today's warnings")
    args = parser.parse_args()

    found = []  # (key, place, severity)
    for path in args.files:
        with open(path, encoding="utf-8") as handle:
            for diagnostic in json.load(handle).get("diagnostics", []):
                if diagnostic.get("severity") not in ("warning", "error"):
                    continue
                start = (diagnostic.get("range") or {}).get("start") or {}
                place = key(diagnostic).split(" | ")[0] + (f":{start['line']}" if "line" in start else "")
                found.append((key(diagnostic), place, diagnostic["severity"]))

    if args.write_known:
        keys = sorted({k for k, _, severity in found if severity == "warning"})
        with open(args.known, "w", encoding="utf-8") as handle:
            handle.write(HEADER)
            for k in keys:
                handle.write(k + "\n")
        print(f"check-docc-diagnostics: wrote {len(keys)} warnings to {os.path.relpath(args.known, ROOT)}")
        return 0

    known = []
    if os.path.exists(args.known):
        with open(args.known, encoding="utf-8") as handle:
            known = [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]
    found_keys = {k for k, _, _ in found}
    new = [(k, place, severity) for k, place, severity in found if k not in known or severity == "error"]
    stale = [k for k in known if k not in found_keys]
    if args.prune and stale:
        with open(args.known, "w", encoding="utf-8") as handle:
            handle.write(HEADER)
            for k in known:
                if k in found_keys:
                    handle.write(k + "\n")
        print(f"check-docc-diagnostics: removed {len(stale)} fixed warnings from {os.path.relpath(args.known, ROOT)}")
        stale = []

    status = 0
    if new:
        status = 1
        print(f"check-docc-diagnostics: {len(new)} DocC warnings/errors:", file=sys.stderr)
        for k, place, severity in new:
            print(f"  {place}: {severity}: {k.split(' | ', 1)[1]}", file=sys.stderr)
    if stale:
        status = 1
        print(f"check-docc-diagnostics: {len(stale)} known warnings are fixed; delete these lines from "
              f"{os.path.relpath(args.known, ROOT)} (or run with --prune):", file=sys.stderr)
        for k in stale:
            print(f"  {k}", file=sys.stderr)
    if status == 0:
        print(f"check-docc-diagnostics: {len(found) - len([1 for k, _, _ in found if k in known])} new warnings, "
              f"{len([1 for k, _, _ in found if k in known])} known (in files being edited by their owners)")
    return status


if __name__ == "__main__":
    sys.exit(main())
