#!/usr/bin/env bash
# Runs the crypto benchmarks and prints the machine and a Markdown table of the results.
# Extra arguments go to criterion, e.g. `benches/run.sh ES256` or `benches/run.sh --quick`.
# Run it on an otherwise idle machine: the overhead figures are differences of a few percent.
set -euo pipefail

cd "$(dirname "$0")/.."

cargo bench --bench crypto -- "$@"

cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
echo
echo "## imza crypto benchmarks"
echo
echo "- CPU: ${cpu:-unknown}, $(nproc) cores available"
echo "- $(rustc -V)"
echo "- load average at the end of the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 benches/report.py
