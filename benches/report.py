#!/usr/bin/env python3
"""Markdown tables from the criterion results of `cargo bench --bench crypto`.

Reads every `<target>/criterion/**/new/benchmark.json` (names, throughput) and the
`estimates.json` next to it, and prints:

- per signature algorithm and backend: imza vs the raw primitive (mean time, ops/s) and the
  overhead imza/raw - 1 in percent, with its approximate 95 % uncertainty; the same for
  `imza-key` (a pre-parsed key: no SPKI parsing);
- other benchmarks without a throughput (`SPKI parse`): their time;
- for SHA-256: imza vs raw ring throughput per input size, the overhead, and RustCrypto's
  sha2 for reference.

The goal is an overhead within 5 %; rows above it are marked.

Usage: python3 benches/report.py [--dir TARGET/criterion] [--stat mean|median|slope]
Standard library only.
"""

import argparse
import json
import math
import os
import sys

GOAL_PERCENT = 5.0
ALG_ORDER = ["ES256", "ES384", "ES512", "RS256", "PS256", "Ed25519"]
BACKENDS = ["ring", "RustCrypto"]


def default_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(here, "..", "target")
    return os.path.normpath(os.path.join(target, "criterion"))


def load(root, stat):
    """{(group, function, value): {"t": ns, "se": ns, "bytes": n or None}}"""
    results = {}
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "benchmark.json" not in files:
            continue
        try:
            with open(os.path.join(dirpath, "benchmark.json")) as f:
                bench = json.load(f)
            with open(os.path.join(dirpath, "estimates.json")) as f:
                est = json.load(f)
        except (OSError, ValueError) as e:
            print(f"warning: skipping {dirpath}: {e}", file=sys.stderr)
            continue
        # "slope" is absent when criterion used flat sampling; fall back to the mean.
        e = est.get(stat) or est["mean"]
        tp = bench.get("throughput") or {}
        results[(bench["group_id"], bench["function_id"], bench.get("value_str"))] = {
            "t": e["point_estimate"],
            "se": e.get("standard_error", 0.0),
            "bytes": tp.get("Bytes") or tp.get("BytesDecimal"),
        }
    return results


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}" if ns / scale < 100 else f"{ns / scale:.0f} {unit}"
    return f"{ns:.3g} ns"


def fmt_ops(ns):
    ops = 1e9 / ns
    return f"{ops:,.0f}" if ops >= 100 else f"{ops:.3g}"


def fmt_gib(nbytes, ns):
    return f"{nbytes / (ns / 1e9) / 2**30:.2f}"


def overhead(a, b):
    """(imza/raw - 1) in percent and its ~95 % half-width, from the standard errors."""
    ratio = a["t"] / b["t"]
    rel = math.hypot(a["se"] / a["t"], b["se"] / b["t"])
    pct = (ratio - 1.0) * 100.0
    half = 1.96 * rel * ratio * 100.0
    if pct - half > GOAL_PERCENT:
        mark = " ⚠"  # above the goal even allowing for noise
    elif pct > GOAL_PERCENT:
        mark = " (?)"  # above the goal, but within the noise
    else:
        mark = ""
    return f"{pct:+.1f} % ± {half:.1f}{mark}"


def size_label(nbytes):
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= scale and nbytes % scale == 0:
            return f"{nbytes // scale} {unit}"
    return f"{nbytes} B"


def is_comparison(f):
    return f.split("/")[0] in ("imza", "imza-key", "raw")


def verify_table(results, stat):
    groups = {g for (g, f, v) in results if v is None and is_comparison(f)}
    groups = [g for g in ALG_ORDER if g in groups] + sorted(groups - set(ALG_ORDER))
    if not groups:
        return []
    out = [
        f"### Verification ({stat} time per operation)",
        "",
        "| Algorithm | Backend | imza | imza ops/s | raw | raw ops/s | overhead imza/raw | "
        "imza, parsed key | overhead parsed/raw |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for g in groups:
        for b in BACKENDS:
            imza = results.get((g, f"imza/{b}", None))
            raw = results.get((g, f"raw/{b}", None))
            key = results.get((g, f"imza-key/{b}", None))
            if not (imza or raw):
                continue
            cells = [g, b]
            cells += [fmt_time(imza["t"]), fmt_ops(imza["t"])] if imza else ["–", "–"]
            cells += [fmt_time(raw["t"]), fmt_ops(raw["t"])] if raw else ["–", "–"]
            cells.append(overhead(imza, raw) if imza and raw else "–")
            cells.append(fmt_time(key["t"]) if key else "–")
            cells.append(overhead(key, raw) if key and raw else "–")
            out.append("| " + " | ".join(cells) + " |")
    return out


def other_table(results, stat):
    """Everything else without a throughput (e.g. `SPKI parse`): one time per benchmark."""
    rows = sorted((g, f) for (g, f, v) in results if v is None and not is_comparison(f))
    if not rows:
        return []
    out = ["", f"### Other ({stat} time)", "", "| Benchmark | Time |", "|---|--:|"]
    for g, f in rows:
        out.append(f"| {g} / {f} | {fmt_time(results[(g, f, None)]['t'])} |")
    return out


def digest_table(results, stat):
    out = []
    groups = sorted({g for (g, _f, v) in results if v is not None})
    for g in groups:
        rows = {}
        for (gg, f, v), r in results.items():
            if gg == g:
                rows.setdefault(v, {})[f] = r
        out += [
            "",
            f"### {g} throughput (GiB/s, from the {stat} time)",
            "",
            "| Input | imza | raw ring | overhead imza/ring | raw sha2 |",
            "|---|--:|--:|--:|--:|",
        ]
        for v, fs in sorted(rows.items(), key=lambda kv: next(iter(kv[1].values()))["bytes"] or 0):
            imza, ring, sha2 = fs.get("imza"), fs.get("raw/ring"), fs.get("raw/sha2")
            n = next(iter(fs.values()))["bytes"]
            if not n:
                continue
            out.append(
                "| "
                + " | ".join(
                    [
                        size_label(n),
                        fmt_gib(n, imza["t"]) if imza else "–",
                        fmt_gib(n, ring["t"]) if ring else "–",
                        overhead(imza, ring) if imza and ring else "–",
                        fmt_gib(n, sha2["t"]) if sha2 else "–",
                    ]
                )
                + " |"
            )
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=default_dir(), help="criterion output directory")
    ap.add_argument(
        "--stat",
        default="mean",
        choices=["mean", "median", "slope"],
        help="criterion estimate to report (default: mean)",
    )
    args = ap.parse_args()
    results = load(args.dir, args.stat)
    if not results:
        print(f"no criterion results under {args.dir}; run `cargo bench --bench crypto`", file=sys.stderr)
        return 1
    lines = (
        verify_table(results, args.stat)
        + other_table(results, args.stat)
        + digest_table(results, args.stat)
    )
    lines += [
        "",
        f"Overhead = imza time / raw time − 1, ± an approximate 95 % interval from criterion's "
        f"standard errors; ⚠ marks rows above the {GOAL_PERCENT:g} % goal beyond that interval, "
        f"(?) rows above it within the noise. "
        "\"parsed key\" is `verify_key` over a `PublicKey` parsed once (no SPKI parsing); "
        "raw = the primitive called directly (see benches/crypto.rs for what each side includes).",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
