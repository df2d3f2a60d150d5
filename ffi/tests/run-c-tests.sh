#!/usr/bin/env bash
# Builds imza-ffi (release) and runs each C test ffi/tests/c/test_*.c twice (STYLE.md item 13):
#   1. linked against the static library, built with AddressSanitizer and UBSan;
#   2. linked against the shared library, run under valgrind (memcheck, full leak check).
# Prints "run-c-tests: PASS" or "run-c-tests: FAIL" last and exits non-zero on failure.
#
# Needs gcc and valgrind. Environment:
#   CARGO_TARGET_DIR   where cargo builds (default: <workspace>/target)
#   CC                 the C compiler (default: gcc)
#   IMZA_NATIVE_LIBS   link flags for the static library; the default is what
#                      `cargo rustc -p imza-ffi --release -- --print native-static-libs`
#                      printed on Linux/glibc (libgcc_s comes with gcc's own link line).
set -euo pipefail

ffi_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$ffi_dir/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
lib_dir="$target_dir/release"
cc="${CC:-gcc}"
native_libs="${IMZA_NATIVE_LIBS:--lpthread -ldl -lm -lrt -lutil}"
out="$target_dir/c-tests"

status=FAIL
trap 'echo "run-c-tests: $status"' EXIT

step() { printf '\n== %s\n' "$*"; }

for tool in "$cc" valgrind; do
    if ! command -v "$tool" > /dev/null; then
        echo "run-c-tests: $tool not found (apt-get install gcc valgrind)" >&2
        exit 1
    fi
done

step "cargo build -p imza-ffi --release"
(cd "$root" && cargo build -p imza-ffi --release)
for f in "$lib_dir/libimza_ffi.a" "$lib_dir/libimza_ffi.so"; do
    [ -f "$f" ] || { echo "run-c-tests: missing $f" >&2; exit 1; }
done

mkdir -p "$out"
cflags=(-std=c11 -g -O1 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wconversion
        -I "$ffi_dir/include" -I "$ffi_dir/tests/c" -DIMZA_ROOT="\"$root\"")

# Every C test program: ffi/tests/c/test_*.c (one per area), or those named in
# IMZA_C_TESTS (space-separated base names, e.g. "test_document test_token").
tests=()
if [ -n "${IMZA_C_TESTS:-}" ]; then
    for t in $IMZA_C_TESTS; do tests+=("$ffi_dir/tests/c/$t.c"); done
else
    tests=("$ffi_dir"/tests/c/test_*.c)
fi

step "C++: the header compiles under -Wall -Wextra -Werror"
"${CXX:-g++}" -std=c++17 -Wall -Wextra -Werror -Wpedantic -fsyntax-only \
    -I "$ffi_dir/include" -x c++ "$ffi_dir/tests/c/header_check.cpp"

for src in "${tests[@]}"; do
    name="$(basename "$src" .c)"

    step "$name: static library + AddressSanitizer + UBSan"
    "$cc" "${cflags[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all \
        -fno-omit-frame-pointer \
        "$src" "$lib_dir/libimza_ffi.a" $native_libs \
        -o "$out/${name}_asan"
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        "$out/${name}_asan"

    step "$name: shared library + valgrind"
    "$cc" "${cflags[@]}" "$src" \
        -L "$lib_dir" -Wl,-rpath,"$lib_dir" -limza_ffi \
        -o "$out/${name}_shared"
    # Make sure the shared library, not a stale copy elsewhere, is what runs.
    linked="$(ldd "$out/${name}_shared")"
    if [[ "$linked" != *"$lib_dir/libimza_ffi.so"* ]]; then
        echo "run-c-tests: ${name}_shared does not load $lib_dir/libimza_ffi.so:" >&2
        echo "$linked" >&2
        exit 1
    fi
    valgrind --quiet --error-exitcode=1 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --track-origins=yes \
        "$out/${name}_shared"
done

status=PASS
