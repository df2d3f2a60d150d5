#!/usr/bin/env bash
# Installs libimza with cargo-c into a temporary prefix and uses it the way a C project
# would: pkg-config finds it, ffi/examples/verify.c compiles against the installed header,
# links the shared library (SONAME libimza.so.0) and, separately, the static one (with
# pkg-config's Libs.private), and both verify the sample contract.
# Prints "install-check: PASS" or "install-check: FAIL" last; exits non-zero on failure.
#
# Needs cargo-c (`cargo install cargo-c --locked`, .ci/run does it), cc, pkg-config, readelf.
# Environment: CARGO_TARGET_DIR (default <workspace>/target; cargo-c builds under
# <target>/<host triple>/release), CC (default cc).
set -euo pipefail

ffi_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$ffi_dir/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
cc="${CC:-cc}"
out="$target_dir/install-check"
prefix=""

status=FAIL
cleanup() {
    [ -n "$prefix" ] && rm -rf "$prefix"
    echo "install-check: $status"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
die() { echo "install-check: $*" >&2; exit 1; }

for tool in cargo-cinstall "$cc" pkg-config readelf; do
    command -v "$tool" > /dev/null || die "$tool not found (cargo-c: cargo install cargo-c --locked)"
done

prefix="$(mktemp -d "${TMPDIR:-/tmp}/imza-prefix.XXXXXX")"
mkdir -p "$out"

step "cargo cinstall --release -p imza-ffi --prefix $prefix --libdir lib"
(cd "$root" && cargo cinstall --release -p imza-ffi --prefix "$prefix" --libdir lib \
    --target-dir "$target_dir")

step "installed files"
for f in include/imza/imza.h lib/libimza.a lib/libimza.so lib/libimza.so.0 lib/pkgconfig/imza.pc; do
    [ -e "$prefix/$f" ] || die "missing $prefix/$f"
    echo "ok: $f"
done
cmp "$prefix/include/imza/imza.h" "$ffi_dir/include/imza.h" \
    || die "the installed header is not ffi/include/imza.h"
echo "ok: the installed header is the committed ffi/include/imza.h"
so="$(readlink -f "$prefix/lib/libimza.so")"
echo "ok: libimza.so -> $(readlink "$prefix/lib/libimza.so"), libimza.so.0 -> $(readlink "$prefix/lib/libimza.so.0")"
soname="$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
[ "$soname" = "libimza.so.0" ] || die "SONAME of $so is '$soname', not libimza.so.0"
echo "ok: SONAME $soname"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
version="$(pkg-config --modversion imza)"
crate_version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)"
[ "$version" = "$crate_version" ] || die "imza.pc says $version, the workspace $crate_version"
echo "ok: pkg-config --modversion imza = $version"
echo "pkg-config --cflags --libs imza: $(pkg-config --cflags --libs imza)"
echo "pkg-config --static --libs imza: $(pkg-config --static --libs imza)"

cflags=(-std=c11 -Wall -Wextra -Werror -Wpedantic)
sample="$root/test-vectors/sample/contract.p7m"
p256="$root/test-vectors/pki/ecdsa-p256"

# Runs a verify binary; checks its exit code and that it printed the expected verdict.
expect() {
    local want_code="$1" want="$2"
    shift 2
    local got_code=0 output
    output="$("$@" 2>&1)" || got_code=$?
    printf '%s\n' "$output" | sed 's/^/    /'
    [ "$got_code" = "$want_code" ] || die "exit code $got_code, expected $want_code: $*"
    grep -q "^indication: *$want\$" <<< "$output" || die "expected $want: $*"
}

step "the example against the shared library"
# shellcheck disable=SC2046 # word splitting of pkg-config's flags is intended
"$cc" "${cflags[@]}" "$ffi_dir/examples/verify.c" $(pkg-config --cflags --libs imza) \
    -Wl,-rpath,"$prefix/lib" -o "$out/verify_shared"
linked="$(ldd "$out/verify_shared")"
[[ "$linked" == *"libimza.so.0 => $prefix/lib/libimza.so.0"* ]] \
    || die "verify_shared does not load $prefix/lib/libimza.so.0: $linked"
echo "ok: verify_shared loads $prefix/lib/libimza.so.0"
expect 0 TOTAL_PASSED "$out/verify_shared" --trust "$p256/root.pem" "$sample"
expect 2 INDETERMINATE "$out/verify_shared" --trust "$root/test-vectors/pki/rsa/root.pem" "$sample"

step "the example against the static library (pkg-config --static)"
# Both libimza.so and libimza.a are in lib/: ask for the archive by name, keep the rest of
# the static link line (Libs.private) as pkg-config gives it.
static_libs="$(pkg-config --static --libs imza | sed 's/-limza\b/-l:libimza.a/')"
# shellcheck disable=SC2086
"$cc" "${cflags[@]}" "$ffi_dir/examples/verify.c" $(pkg-config --cflags imza) $static_libs \
    -o "$out/verify_static"
if readelf -d "$out/verify_static" | grep -q 'NEEDED.*libimza'; then
    die "verify_static still needs libimza.so"
fi
echo "ok: verify_static does not need libimza.so"
expect 0 TOTAL_PASSED "$out/verify_static" --trust "$p256/root.pem" "$sample"
expect 1 TOTAL_FAILED "$out/verify_static" --trust "$p256/root.pem" \
    "$root/test-vectors/cms/ossl-ec-attached-tampered.p7m"

status=PASS
