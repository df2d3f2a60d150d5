#!/usr/bin/env bash
# Verifying signed PDFs: `imza verify` next to pyHanko 0.38 on the same files, in the same run:
# wall time, CPU and peak memory per process, and `openssl dgst -sha256` over the big files as
# a floor (the one pass over the bytes that any verifier must make). Prints the machine, the
# load average and a Markdown table for the README.
#
# The inputs, made here under target/bench-pades/ by benches/pades_inputs.py (hand-written PDF
# 1.7, classic xref) and signed by pyHanko (benches/pades_pyhanko.py: PAdES approval
# signatures, ETSI.CAdES.detached, SHA-256, a new visible field each, ECDSA P-256 key of
# test-vectors/pki/ecdsa-p256 with the intermediate embedded):
#   text200      200 pages, each a text content stream of about 4 KB; one signature
#   sig10        2 pages of text, then 10 successive incremental signatures Sig1..Sig10
#   imagesN      N MiB (BIG_SIZES, default 100 250 500) of incompressible data: pages that
#                each draw a 2048x2048 8-bit grey image of random bytes (4 MiB, unfiltered);
#                one signature
#   attachN      one page of text and one stream object of N MiB of random bytes (an
#                attached file); one signature; N = the largest of BIG_SIZES
#
# The commands, on each input (PKI = test-vectors/pki/ecdsa-p256):
#   imza          imza verify FILE --trust PKI/root.pem --intermediate PKI/intermediate.pem --no-revocation
#   pyhanko-cli   pyhanko sign validate --executive-summary --trust PKI/root.pem --trust-replace
#                   --other-certs PKI/intermediate.pem --no-revocation-check FILE
#   pyhanko-api   python benches/pades_pyhanko.py validate PKI FILE   (validate_pdf_signature
#                   for every signature, same trust, no fetching: without the CLI's own imports)
#   openssl-dgst  openssl dgst -sha256 FILE   (big inputs only)
# plus the cost of starting at all: `imza --version` and `python benches/pades_pyhanko.py
# imports` (the interpreter and pyHanko's validation modules, nothing validated).
# All of them validate every signature: the integrity of the signed byte ranges, the CMS
# signature, the chain to the root, and the changes made after each signature (pyHanko's
# difference analysis, imza's modification analysis). Neither checks revocation.
#
# Before anything is timed, and again after every timed run, the outputs are checked: imza must
# exit 0 with "overall: TOTAL_PASSED" and one "S-n: TOTAL_PASSED" per signature; pyHanko must
# exit 0 and report each signature VALID. Anything else stops the script (exit 1) and leaves
# the inputs under target/bench-pades/ for a look. It also fails (after printing the table)
# when imza's peak RSS reaches 64 MiB on any input.
#
# Timing: RUNS rounds (default 3) over all commands and inputs, round robin (the order of the
# commands rotated every round); the small inputs and the start-up commands get SMALL_RUNS
# rounds (default 15) as they take milliseconds. Wall time per process is taken by bash
# ($EPOCHREALTIME around the fork and wait), CPU (user+system) and peak RSS by GNU time -v
# (10 ms resolution for CPU). Medians of wall and CPU, the largest peak RSS. pyHanko gets at
# most PYHANKO_TIMEOUT seconds (default 600) per big file; if it does not finish, the table says so.
#
# pyHanko: the venv ${PYHANKO_VENV:-target/peers/venv-pyhanko}; without PYHANKO_VENV the script
# first runs `bash interop/pdf/setup.sh` (pinned pyHanko 0.38.0 + pyhanko-cli 0.6.0,
# idempotent). A venv without the `pyhanko` command (pip install 'pyhanko==0.38.*' only) gives
# the pyhanko-api rows alone.
#
# Needs: GNU time at /usr/bin/time, python3, openssl, bc; free space under target/ of the sum
# of BIG_SIZES plus twice the largest, in MiB (1.9 GB by default; the signed big files are
# removed at the end of a successful run, KEEP=1 keeps them); pyHanko's signing of the
# largest file takes about 1.2 x its size of memory.
#
# Usage: bash benches/pades_verify.sh
#        BIG_SIZES="500" RUNS=5 bash benches/pades_verify.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
small_runs=${SMALL_RUNS:-15}
big_sizes=${BIG_SIZES:-100 250 500}
py_timeout=${PYHANKO_TIMEOUT:-600}
limit_kib=$((64 * 1024))
pki=test-vectors/pki/ecdsa-p256
work=target/bench-pades

die() { echo "pades_verify.sh: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found; install the Debian package 'time'"
for tool in python3 openssl bc timeout; do command -v "$tool" >/dev/null || die "$tool not found"; done

if [ -z "${PYHANKO_VENV:-}" ] && [ -f interop/pdf/setup.sh ]; then
  echo "== bash interop/pdf/setup.sh" >&2
  bash interop/pdf/setup.sh >&2 || die "interop/pdf/setup.sh failed"
fi
venv=${PYHANKO_VENV:-target/peers/venv-pyhanko}
py="$venv/bin/python"
[ -x "$py" ] || die "no pyHanko venv at $venv (run 'bash interop/pdf/setup.sh' or set PYHANKO_VENV)"
pyhanko_cli=
[ -x "$venv/bin/pyhanko" ] && pyhanko_cli="$venv/bin/pyhanko"
export PYTHONWARNINGS=ignore # pyHanko's import warns that cryptography deprecates DSA
pyhanko_version=$("$py" -c 'import importlib.metadata as m; print(m.version("pyhanko"), "/ certvalidator", m.version("pyhanko-certvalidator"))')

echo "== cargo build --release -q -p imza-cli" >&2
cargo build --release -q -p imza-cli >&2
mkdir -p "$work"
# A copy: with a shared CARGO_TARGET_DIR another worktree's build may replace release/imza
# while this runs.
cp "${CARGO_TARGET_DIR:-target}/release/imza" "$work/imza"
imza="$work/imza"
ok=0
big_files=()
cleanup() {
  if [ "$ok" = 1 ] && [ "${KEEP:-0}" != 1 ]; then
    rm -f "${big_files[@]}" "$work/imza"
  elif [ "$ok" != 1 ]; then
    echo "pades_verify.sh: inputs and the last outputs kept in $work/" >&2
  fi
}
trap cleanup EXIT

# ---- inputs -------------------------------------------------------------------------------
inputs=()       # names, in table order
declare -A sigs # name -> number of signatures
declare -A big  # name -> 1 for the big ones
make_input() { # name kind n signatures
  local name=$1 kind=$2 n=$3 count=$4
  echo "== making $name ($kind $n, $count signature(s))" >&2
  python3 benches/pades_inputs.py "$kind" "$n" "$work/$name.unsigned.pdf"
  "$py" benches/pades_pyhanko.py sign "$pki" "$work/$name.unsigned.pdf" "$work/$name.pdf" "$count"
  rm -f "$work/$name.unsigned.pdf"
  inputs+=("$name")
  sigs[$name]=$count
}
make_input text200 text 200 1
make_input sig10 text 2 10
max_size=0
for s in $big_sizes; do
  make_input "images$s" big "$s" 1
  big[images$s]=1
  big_files+=("$work/images$s.pdf")
  [ "$s" -gt "$max_size" ] && max_size=$s
done
if [ "$max_size" -gt 0 ]; then
  make_input "attach$max_size" attach "$max_size" 1
  big[attach$max_size]=1
  big_files+=("$work/attach$max_size.pdf")
fi

# ---- running and checking -----------------------------------------------------------------
cmd_for() { # tool input -> sets the array `cmd`
  local f="$work/$2.pdf"
  case $1 in
    imza) cmd=("$imza" verify "$f" --trust "$pki/root.pem" --intermediate "$pki/intermediate.pem" --no-revocation) ;;
    pyhanko-cli) cmd=(timeout "$py_timeout" "$pyhanko_cli" sign validate --executive-summary
      --trust "$pki/root.pem" --trust-replace --other-certs "$pki/intermediate.pem" --no-revocation-check "$f") ;;
    pyhanko-api) cmd=(timeout "$py_timeout" "$py" benches/pades_pyhanko.py validate "$pki" "$f") ;;
    openssl-dgst) cmd=(openssl dgst -sha256 "$f") ;;
    imza-start) cmd=("$imza" --version) ;;
    pyhanko-start) cmd=("$py" benches/pades_pyhanko.py imports) ;;
  esac
}

check() { # tool input rc: the output in $work/out must be a full pass
  local tool=$1 name=$2 rc=$3 n=${sigs[$2]:-0} got
  case $tool in
    imza)
      got=$(grep -cE '^S-[0-9]+: TOTAL_PASSED' "$work/out" || true)
      [ "$rc" = 0 ] && grep -q '^overall: TOTAL_PASSED' "$work/out" && [ "$got" = "$n" ] ||
        { cat "$work/out" >&2; die "imza did not pass $work/$name.pdf (exit $rc, $got of $n signatures TOTAL_PASSED)"; } ;;
    pyhanko-cli)
      got=$(grep -cE '^[^:]+:[0-9a-f]+:VALID$' "$work/out" || true)
      [ "$rc" = 0 ] && [ "$got" = "$n" ] ||
        { cat "$work/out" >&2; die "pyhanko sign validate did not pass $work/$name.pdf (exit $rc, $got of $n VALID)"; } ;;
    pyhanko-api)
      got=$(grep -cE '^[^:]+: VALID \(' "$work/out" || true)
      [ "$rc" = 0 ] && [ "$got" = "$n" ] ||
        { cat "$work/out" >&2; die "pyHanko's validate_pdf_signature did not pass $work/$name.pdf (exit $rc, $got of $n VALID)"; } ;;
    *) [ "$rc" = 0 ] || { cat "$work/out" >&2; die "$tool on $name exited $rc"; } ;;
  esac
}

: > "$work/runs"
declare -A timed_out
measure() { # tool input: appends "tool input wall_s cpu_s maxrss_kib" to $work/runs
  local tool=$1 name=$2 rc=0 t0 t1 cpu_u cpu_s rss
  cmd_for "$tool" "$name"
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$work/t" "${cmd[@]}" > "$work/out" 2>&1 || rc=$?
  t1=$EPOCHREALTIME
  if [ "$rc" = 124 ] && [[ $tool == pyhanko-* ]]; then
    timed_out[$tool/$name]=1
    return 0
  fi
  check "$tool" "$name" "$rc"
  cpu_u=$(sed -n 's/.*User time (seconds): //p' "$work/t")
  cpu_s=$(sed -n 's/.*System time (seconds): //p' "$work/t")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/t")
  echo "$tool $name $(echo "$t1 - $t0" | bc) $(echo "$cpu_u + $cpu_s" | bc) $rss" >> "$work/runs"
}

tools=(imza)
[ -n "$pyhanko_cli" ] && tools+=(pyhanko-cli)
tools+=(pyhanko-api)

echo "== checking every input once with every verifier" >&2
for name in "${inputs[@]}"; do
  for tool in "${tools[@]}"; do
    cmd_for "$tool" "$name"
    rc=0
    "${cmd[@]}" > "$work/out" 2>&1 || rc=$?
    if [ "$rc" = 124 ] && [[ $tool == pyhanko-* ]]; then
      echo "   $tool on $name: did not finish in ${py_timeout}s" >&2
      timed_out[$tool/$name]=1
      continue
    fi
    check "$tool" "$name" "$rc"
  done
done
for name in "${!big[@]}"; do cat "$work/$name.pdf" > /dev/null; done # into the page cache, for all alike

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rounds=$(( small_runs > runs ? small_runs : runs ))
for r in $(seq "$rounds"); do
  echo "== round $r of $rounds" >&2
  for name in "${inputs[@]}" start; do
    if [ "$name" = start ]; then
      list=(imza-start pyhanko-start)
    else
      list=("${tools[@]}")
      [ -n "${big[$name]:-}" ] && list+=(openssl-dgst)
    fi
    { [ "$name" = start ] || [ -z "${big[$name]:-}" ]; } && limit=$small_runs || limit=$runs
    [ "$r" -le "$limit" ] || continue
    k=$(( r % ${#list[@]} ))
    for tool in "${list[@]:k}" "${list[@]:0:k}"; do
      [ -n "${timed_out[$tool/$name]:-}" ] && continue
      measure "$tool" "$name"
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table ----------------------------------------------------------------------------
median() { # tool input column
  awk -v t="$1" -v n="$2" -v c="$3" '$1==t && $2==n {print $c}' "$work/runs" | sort -g |
    awk '{a[NR]=$1} END{if (NR) print a[int((NR+1)/2)]}'
}
maxrss() { awk -v t="$1" -v n="$2" '$1==t && $2==n {print $5}' "$work/runs" | sort -n | tail -1; }
count() { awk -v t="$1" -v n="$2" '$1==t && $2==n' "$work/runs" | wc -l; }
fmt_t() { # seconds -> "12 ms" or "1.23 s" ("< 10 ms" for a CPU time of 0: GNU time counts in 10 ms)
  if [ "$(echo "$1 == 0" | bc)" = 1 ]; then printf '< 10 ms'; return; fi
  if [ "$(echo "$1 < 1" | bc)" = 1 ]; then printf '%.0f ms' "$(echo "$1 * 1000" | bc -l)"; else printf '%.2f s' "$1"; fi
}
size_of() { local b; b=$(stat -c %s "$work/$1.pdf"); if [ "$b" -ge 10485760 ]; then echo "$((b / 1048576)) MiB"; else echo "$((b / 1024)) KiB"; fi; }

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1); $(date -u +%Y-%m-%d)"
echo "Load average (1/5/15 min): $load_before before the timed runs, $load_after after"
echo "imza $("$imza" --version | awk '{print $2}') (release), pyHanko $pyhanko_version, $("$py" --version), $(openssl version | cut -d' ' -f1-2)"
echo "Runs: $runs on the big inputs, $small_runs on the small ones and the start-up; medians of wall and CPU, the largest peak RSS"
echo
echo "| Input | Command | wall | CPU | peak RSS | wall / imza |"
echo "|---|---|--:|--:|--:|--:|"
rss_fail=()
for name in "${inputs[@]}" start; do
  if [ "$name" = start ]; then
    label="start-up only"; list=(imza-start pyhanko-start)
  else
    label="$name ($(size_of "$name"), ${sigs[$name]} sig.)"
    list=("${tools[@]}")
    [ -n "${big[$name]:-}" ] && list+=(openssl-dgst)
  fi
  base=$(median "${list[0]}" "$name" 3)
  for tool in "${list[@]}"; do
    if [ -n "${timed_out[$tool/$name]:-}" ]; then
      echo "| $label | $tool | did not finish in ${py_timeout} s | | | |"
      continue
    fi
    wall=$(median "$tool" "$name" 3)
    cpu=$(median "$tool" "$name" 4)
    rss=$(maxrss "$tool" "$name")
    printf '| %s | %s | %s | %s | %.1f MiB | %.2f |\n' "$label" "$tool" "$(fmt_t "$wall")" "$(fmt_t "$cpu")" \
      "$(echo "$rss/1024" | bc -l)" "$(echo "$wall/$base" | bc -l)"
    if [ "$tool" = imza ] && [ "$rss" -ge "$limit_kib" ]; then rss_fail+=("$name: $rss KiB"); fi
  done
done
echo
echo "pyhanko-cli: \`pyhanko sign validate\`; pyhanko-api: a Python script calling validate_pdf_signature; start-up only: \`imza --version\` and the interpreter importing pyHanko's validation modules (pyhanko-start), contained in every pyHanko row."
if [ ${#rss_fail[@]} -gt 0 ]; then
  die "imza's peak RSS reached the 64 MiB limit: ${rss_fail[*]}"
fi
ok=1
