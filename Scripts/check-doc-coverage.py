#!/usr/bin/env python3
"""Every public symbol of the library modules has a `///` documentation comment.

Reads the symbol graphs that `swift build -Xswiftc -emit-symbol-graph` writes (Scripts/build-docs.sh
produces them in .build-docs/symbol-graphs) and lists each public symbol without a doc comment.

What counts as documented: a symbol with its own doc comment. Exempt are the symbols the compiler
synthesized (no source location: `hashValue`, `init(rawValue:)`, ...) and extension blocks (their members
are checked one by one). An implementation of a protocol requirement needs its own comment too: DocC does
not show the requirement's documentation on it, only "Inherited from ..." (`--allow-inherited` accepts such
implementations of documented requirements of the same module).

The allow-list (Scripts/doc-coverage-allowlist.txt) names the symbols that are undocumented today, one
`Module SymbolPath` per line. It may only shrink:
  - an undocumented symbol that is not on the list fails the check (new API must be documented);
  - a listed symbol that is now documented, or no longer exists, fails the check too, so the line gets
    deleted (run with --prune to delete such lines).

Usage:
  Scripts/check-doc-coverage.py SYMBOL_GRAPH_DIR [--allowlist FILE] [--prune] [--allow-inherited] [--write-allowlist]
Exit status: 0 when every undocumented symbol is allowed and every allowed symbol is undocumented, 1 otherwise.
"""
import argparse
import glob
import json
import os
import sys

MODULES = ["RecurrentInitializers", "Recurrent", "RecurrentTraining", "RecurrentData", "RecurrentDiagnostics"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_ALLOWLIST = os.path.join(ROOT, "Scripts", "doc-coverage-allowlist.txt")


def has_doc(symbol):
    lines = (symbol.get("docComment") or {}).get("lines") or []
    return any(line.get("text", "").strip() for line in lines)


def load(directory):
    """Symbols per module: {module: {precise id: symbol}}, and the memberOf sourceOrigins."""
    modules = {}
    origins = {}
    for module in MODULES:
        files = [os.path.join(directory, f"{module}.symbols.json")]
        files += sorted(glob.glob(os.path.join(directory, f"{module}@*.symbols.json")))
        symbols = {}
        for path in files:
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8") as handle:
                graph = json.load(handle)
            for symbol in graph["symbols"]:
                symbols[symbol["identifier"]["precise"]] = symbol
            for relation in graph.get("relationships", []):
                if "sourceOrigin" in relation:
                    origins[relation["source"]] = relation["sourceOrigin"]["identifier"]
        if symbols or os.path.exists(files[0]):
            modules[module] = symbols
    return modules, origins


def undocumented(modules, origins, allow_inherited):
    """Undocumented symbols as sorted 'Module Path' strings, with their source locations."""
    documented_ids = {pid for symbols in modules.values() for pid, s in symbols.items() if has_doc(s)}
    local_ids = {pid for symbols in modules.values() for pid in symbols}
    result = {}
    for module, symbols in modules.items():
        for pid, symbol in symbols.items():
            if symbol.get("accessLevel") not in ("public", "open") or has_doc(symbol):
                continue
            if symbol["kind"]["identifier"] == "swift.extension":
                continue  # an extension block; its members are checked one by one
            location = symbol.get("location")
            if location is None:
                continue  # synthesized by the compiler
            origin = origins.get(pid)
            if allow_inherited and origin in local_ids and origin in documented_ids:
                continue  # inherits its protocol requirement's documentation
            key = f"{module} {'/'.join(symbol['pathComponents'])}"
            uri = location["uri"].replace("file://", "")
            where = f"{os.path.relpath(uri, ROOT)}:{location['position']['line'] + 1}"
            result[key] = where
    return dict(sorted(result.items()))


def counted(symbol):
    return (symbol.get("accessLevel") in ("public", "open") and symbol.get("location") is not None
            and symbol["kind"]["identifier"] != "swift.extension")


def read_allowlist(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]


HEADER = """\
# Public symbols that have no `///` documentation yet, one `Module SymbolPath` per line.
# Checked by Scripts/check-doc-coverage.py (run by Scripts/build-docs.sh in CI). This list may only shrink:
# new undocumented API fails CI, and so does a line whose symbol is now documented (delete it, or run
# `Scripts/check-doc-coverage.py .build-docs/symbol-graphs --prune`).
"""


def write_allowlist(path, entries, locations):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for entry in entries:
            handle.write(entry + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", help="directory of *.symbols.json files")
    parser.add_argument("--allowlist", default=DEFAULT_ALLOWLIST)
    parser.add_argument("--prune", action="store_true", help="delete allow-list lines of documented or removed symbols")
    parser.add_argument("--allow-inherited", action="store_true",
                        help="accept undocumented implementations of documented same-module protocol requirements")
    parser.add_argument("--write-allowlist", action="store_true", help="rewrite the allow-list with today's undocumented symbols")
    args = parser.parse_args()

    modules, origins = load(args.directory)
    missing_modules = [m for m in MODULES if m not in modules]
    if missing_modules:
        print(f"check-doc-coverage: no symbol graph for {', '.join(missing_modules)} in {args.directory}", file=sys.stderr)
        return 1
    found = undocumented(modules, origins, args.allow_inherited)
    total = sum(1 for symbols in modules.values() for s in symbols.values() if counted(s))

    if args.write_allowlist:
        write_allowlist(args.allowlist, list(found), found)
        print(f"check-doc-coverage: wrote {len(found)} entries to {os.path.relpath(args.allowlist, ROOT)}")
        return 0

    allowed = read_allowlist(args.allowlist)
    new = [key for key in found if key not in allowed]
    stale = [key for key in allowed if key not in found]
    if args.prune and stale:
        kept = [key for key in allowed if key in found]
        write_allowlist(args.allowlist, kept, found)
        print(f"check-doc-coverage: removed {len(stale)} documented or removed symbols from the allow-list")
        stale = []

    for module in MODULES:
        count = sum(1 for key in found if key.split(" ", 1)[0] == module)
        public = sum(1 for s in modules[module].values() if counted(s))
        print(f"  {module:<22} {public:4d} public symbols, {count:3d} undocumented (allow-listed: "
              f"{sum(1 for key in allowed if key.split(' ', 1)[0] == module)})")
    status = 0
    if new:
        status = 1
        print(f"\ncheck-doc-coverage: {len(new)} public symbols have no /// documentation:", file=sys.stderr)
        for key in new:
            print(f"  {found[key]}: {key}", file=sys.stderr)
        print("Document them (what it computes, parameters, throws, an example).", file=sys.stderr)
    if stale:
        status = 1
        print(f"\ncheck-doc-coverage: {len(stale)} allow-listed symbols are documented now or gone; delete these lines from "
              f"{os.path.relpath(args.allowlist, ROOT)} (or run with --prune):", file=sys.stderr)
        for key in stale:
            print(f"  {key}", file=sys.stderr)
    if status == 0:
        print(f"check-doc-coverage: {total} public symbols, {len(found)} undocumented, all on the shrinking allow-list")
    return status


if __name__ == "__main__":
    sys.exit(main())
