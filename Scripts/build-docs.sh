#!/usr/bin/env bash
# Builds the documentation site of the library modules with the toolchain's own `docc` (no package
# plugin, no dependency), fails on any DocC warning, and checks that every public symbol is documented.
#
#   bash Scripts/build-docs.sh                 # site in .build-docs/site (static files)
#   DOCS_OUTPUT=/tmp/site bash Scripts/build-docs.sh
#   python3 -m http.server -d .build-docs/site 8000   # then open http://localhost:8000/documentation/
#
# Steps:
#   1. `swift build --target M -Xswiftc -emit-symbol-graph ...` for the library modules: the compiler writes
#      one symbol graph per module (M.symbols.json, plus M@Other.symbols.json for extensions of other modules'
#      types) into .build-docs/symbol-graphs.
#   2. `docc convert --warnings-as-errors Sources/M/M.docc` with that module's symbol graphs, for each
#      module: any DocC warning (broken symbol links, undocumented or unknown parameters, ...) fails the
#      build, printed as `file:line:column: error: ...`. Every diagnostic is also written to
#      .build-docs/diagnostics/M.json, which Scripts/check-docc-diagnostics.py checks once more against
#      Scripts/docc-known-warnings.txt (empty: no warning is tolerated).
#   3. `docc merge` combines the five archives into one static site with a landing page.
#   4. Scripts/check-doc-coverage.py: no undocumented public symbol beyond the shrinking allow-list.
#
# Environment: DOCC (path of docc; default: beside `swift`), DOCS_OUTPUT (site directory),
# DOCS_HOSTING_BASE_PATH (e.g. /swift-recurrent when the site is served from a subdirectory).
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(RecurrentInitializers Recurrent RecurrentTraining RecurrentData RecurrentDiagnostics)
scratch=.build-docs
graphs="$scratch/symbol-graphs"
archives="$scratch/archives"
output="${DOCS_OUTPUT:-$scratch/site}"
log="$scratch/docc.log"

docc="${DOCC:-}"
if [ -z "$docc" ]; then
    if command -v docc >/dev/null 2>&1; then
        docc="$(command -v docc)"
    else
        docc="$(dirname "$(readlink -f "$(command -v swift)")")/docc"
    fi
fi
[ -x "$docc" ] || { echo "build-docs: docc not found (looked beside swift: $docc); set DOCC" >&2; exit 1; }

mkdir -p "$graphs" "$archives"
: > "$log"

echo "== symbol graphs =="
# Building only the library targets (RecurrentTraining pulls in Recurrent, RecurrentInitializers and
# RecurrentData). The graphs are rewritten whenever a module recompiles; an unchanged module keeps its graph.
for target in RecurrentTraining RecurrentDiagnostics; do
    if ! swift build --scratch-path "$scratch" --target "$target" \
            -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$PWD/$graphs" \
            -Xswiftc -emit-extension-block-symbols >"$scratch/build-$target.log" 2>&1; then
        cat "$scratch/build-$target.log" >&2
        echo "build-docs: swift build --target $target failed" >&2
        exit 1
    fi
    grep -E "warning:|Build complete" "$scratch/build-$target.log" || true
done

echo "== docc convert =="
hosting=()
if [ -n "${DOCS_HOSTING_BASE_PATH:-}" ]; then hosting=(--hosting-base-path "$DOCS_HOSTING_BASE_PATH"); fi
rm -rf "$scratch/diagnostics"
mkdir -p "$scratch/diagnostics"
built=()
for module in "${modules[@]}"; do
    catalog="Sources/$module/$module.docc"
    [ -d "$catalog" ] || { echo "build-docs: missing catalog $catalog" >&2; exit 1; }
    [ -f "$graphs/$module.symbols.json" ] || { echo "build-docs: no symbol graph for $module" >&2; exit 1; }
    moduleGraphs="$scratch/module-graphs/$module"
    rm -rf "$moduleGraphs" "$archives/$module.doccarchive"
    mkdir -p "$moduleGraphs"
    cp "$graphs/$module.symbols.json" "$moduleGraphs/"
    for extension in "$graphs/$module@"*.symbols.json; do
        [ -e "$extension" ] && cp "$extension" "$moduleGraphs/"
    done
    # The catalog as committed, plus the pictures of docs/images (drawn by `rnn dynamics` / `rnn spectrum`),
    # which articles show by file name, e.g. ![...](dynamics-cases.svg).
    staged="$scratch/catalogs/$module.docc"
    rm -rf "$staged" && mkdir -p "$scratch/catalogs" && cp -R "$catalog" "$staged"
    for image in docs/images/*.svg; do
        [ -e "$image" ] || continue
        if grep -rqF "$(basename "$image")" "$catalog"; then mkdir -p "$staged/Resources" && cp "$image" "$staged/Resources/"; fi
    done
    echo "-- $module" | tee -a "$log"
    # Warnings are errors: any DocC warning fails here (the log shows each as `file:line:col: error: ...`).
    # Every diagnostic also goes to the JSON file, checked again by Scripts/check-docc-diagnostics.py below.
    "$docc" convert "$staged" \
        --additional-symbol-graph-dir "$moduleGraphs" \
        --output-path "$archives/$module.doccarchive" \
        --fallback-display-name "$module" \
        --fallback-bundle-identifier "swift-recurrent.$module" \
        --fallback-default-module-kind "Framework" \
        --enable-experimental-external-link-support \
        --transform-for-static-hosting "${hosting[@]}" \
        --warnings-as-errors \
        --diagnostics-file "$scratch/diagnostics/$module.json" >>"$log" 2>&1 \
        || { cat "$log" >&2; echo "build-docs: docc convert failed for $module (every DocC warning is an error)" >&2; exit 1; }
    built+=("$archives/$module.doccarchive")
done
# Zero warnings: a second check of the diagnostics files (Scripts/docc-known-warnings.txt is empty).
python3 Scripts/check-docc-diagnostics.py "$scratch/diagnostics/"*.json

echo "== docc merge =="
rm -rf "$output"
"$docc" merge "${built[@]}" --output-path "$output" \
    --synthesized-landing-page-name "swift-recurrent" --synthesized-landing-page-kind "Package" >"$scratch/merge.log" 2>&1 \
    || { cat "$scratch/merge.log" >&2; echo "build-docs: docc merge failed" >&2; exit 1; }
if grep -E "(warning|error):" "$scratch/merge.log" >&2; then echo "build-docs: docc merge reported problems" >&2; exit 1; fi
echo "site: $output (serve it statically, e.g. python3 -m http.server -d $output; pages under /documentation/)"

echo "== documentation coverage =="
python3 Scripts/check-doc-coverage.py "$graphs"
