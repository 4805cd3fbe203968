#!/usr/bin/env bash
# Proves the wheel: build it, install it into a fresh virtual environment, and from another
# working folder validate the sample, build one national page and verify it. An installed tool
# must find its layouts, fonts and templates inside the package, never in this checkout.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# build from a copy of the tracked (and new, not ignored) files: setuptools leaves build/ behind
mkdir "$work/bron"
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work/bron")
"$python" -m pip wheel -q --no-deps --wheel-dir "$work/dist" "$work/bron"
wheel="$(ls "$work"/dist/*.whl)"
echo "wiel: $(basename "$wheel")"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check "$wheel"

mkdir "$work/elders"
cd "$work/elders"  # not the checkout: nothing may be read from it but the sample data
"$work/venv/bin/infographics" --version
"$work/venv/bin/infographics" validate --data "$repo/data/sample"
"$work/venv/bin/infographics" build --data "$repo/data/sample" --out uitvoer --subject po \
    --level national --no-progress
"$work/venv/bin/infographics" verify uitvoer
# the latest school year of the data (build's default): exactly one national PO page
pages=(uitvoer/po/landelijk/po-*-nederland.pdf)
test "${#pages[@]}" -eq 1 && test -f "${pages[0]}"
"$work/venv/bin/python" -m infographics verify "${pages[0]}"
echo "wiel werkt: geïnstalleerd, gebouwd en gecontroleerd buiten de checkout"
