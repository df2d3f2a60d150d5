//! The top-level modules of `src/` form no dependency cycle (STYLE.md item 18): a module
//! that another one builds on never uses that other one back. Reads the sources, takes
//! every `crate::NAME` path outside comments (including `use crate::{a, b::c}` groups) as
//! an edge, resolves the crate root's `pub use module::{sub}` re-exports to the module
//! that holds them, and fails with the cycle when there is one.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The identifiers that follow `crate::` in `code`, with `{a, b::c}` groups expanded to
/// their first segments.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        // `$crate::`, `mycrate::` and the like are not this crate.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            let mut level = 0;
            let mut item = String::new();
            for c in group[..end].chars().chain([',']) {
                match c {
                    '{' => level += 1,
                    '}' => level -= 1,
                    ',' if level == 0 => {
                        let first = item.trim().split("::").next().unwrap_or("").to_string();
                        out.push(first);
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

fn without_comments(source: &str) -> String {
    source
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_top_level_modules_have_no_dependency_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let module_of = |p: &Path| -> Option<String> {
        let rel = p.strip_prefix(&src).ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?;
        let name = first.strip_suffix(".rs").unwrap_or(first);
        (name != "lib").then(|| name.to_string())
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|p| module_of(p)).collect();

    // `pub use revocation::{crl, ocsp};` at the root: `crate::ocsp` is revocation.
    let mut alias: BTreeMap<String, String> = BTreeMap::new();
    let lib = without_comments(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    for line in lib.lines() {
        let Some(u) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = u.split_once("::") else {
            continue;
        };
        if !modules.contains(module) {
            continue;
        }
        let names = names
            .trim_end_matches(';')
            .trim_matches(|c| c == '{' || c == '}');
        for n in names.split(',') {
            alias.insert(n.trim().to_string(), module.to_string());
        }
    }

    let mut edges: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for f in &files {
        let Some(from) = module_of(f) else { continue };
        let code = without_comments(&std::fs::read_to_string(f).unwrap());
        for name in crate_paths(&code) {
            let to = alias.get(&name).cloned().unwrap_or(name);
            if to != from && modules.contains(&to) {
                let rel = f.strip_prefix(&src).unwrap().display().to_string();
                edges
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(rel);
            }
        }
    }
    assert!(
        edges.get("cades").is_some_and(|e| e.contains_key("cms")),
        "the scan found no edges: {edges:?}"
    );

    // A path from `start` back to itself, if any (depth-first).
    fn back_to(
        start: &str,
        at: &str,
        edges: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
        seen: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> bool {
        for next in edges.get(at).into_iter().flat_map(|e| e.keys()) {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if back_to(start, next, edges, seen, path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut cycles = Vec::new();
    for m in &modules {
        let mut path = vec![m.clone()];
        if back_to(m, m, &edges, &mut BTreeSet::new(), &mut path) {
            path.push(m.clone());
            let why: Vec<String> = path
                .windows(2)
                .map(|w| {
                    let files = &edges[&w[0]][&w[1]];
                    format!(
                        "{} -> {} ({})",
                        w[0],
                        w[1],
                        files.iter().cloned().collect::<Vec<_>>().join(", ")
                    )
                })
                .collect();
            cycles.push(why.join("\n  "));
        }
    }
    assert!(
        cycles.is_empty(),
        "module cycles:\n  {}",
        cycles.join("\n\n  ")
    );
}
