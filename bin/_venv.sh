# Sourced by bin/serve and bin/test: create .venv and install the project into it.
# Reinstalls only when a setup.cfg or pyproject.toml changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)" >&2; exit 1; }

# pyramid 2.1 imports pkg_resources; its deprecation notice is noise on every start.
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore:pkg_resources is deprecated:UserWarning}"

VENV="$ROOT/.venv"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"

# Every distribution of the repository: the core, then each plugin.
distributions() {
  echo "."
  for dir in plugins/*/; do
    if [ -f "$dir/setup.cfg" ]; then echo "${dir%/}"; fi
  done
}

install_project() {
  local extras="$1"
  local stamp="$VENV/.installed-$extras"
  local digest
  digest="$(distributions | while read -r d; do cat "$d/setup.cfg" "$d/pyproject.toml" 2>/dev/null; done | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
    return
  fi
  echo "Installing the platform into .venv ..."
  "$VENV/bin/python" -m pip install --quiet --upgrade pip "setuptools<82" wheel
  local args=()
  while read -r d; do
    if [ "$d" = "." ] && [ -n "$extras" ]; then args+=(-e ".[$extras]"); else args+=(-e "$d"); fi
  done < <(distributions)
  "$VENV/bin/python" -m pip install --quiet "${args[@]}"
  echo "$digest" > "$stamp"
}
