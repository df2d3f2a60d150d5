//! What changed after a signature: every object a later revision (re)defines is compared
//! with what the signed revision saw, and classified (ETSI EN 319 142-1 §5.4.3 and the
//! permissions of ISO 32000-1 §12.8.2.2, as pyHanko's difference analysis does):
//!
//! - [`Level::None`]: nothing, or objects rewritten unchanged;
//! - [`Level::DssAndTimestamps`]: the catalog gains or changes `/DSS` (and `/Extensions`),
//!   document time-stamp fields are added;
//! - [`Level::FormFilling`]: values of form fields, their widgets' appearance and state,
//!   new signatures in fields, the form's field list growing, document metadata;
//! - [`Level::Annotations`]: annotations added to a page's `/Annots`, or changed;
//! - [`Level::Other`]: anything else: page content, resources, the page tree, a deleted
//!   object, a replaced catalog, and an appearance changed under a field already signed.
//!
//! An object is judged by the role it had in the revision before the change (page, field,
//! annotation ...), found by walking that revision's catalog; objects with no such role
//! (content streams, fonts, images) are "other" when changed. New objects count only
//! through what refers to them, so they are not judged on their own.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;

use super::document::{Document, Resolved};
use super::source::Source;
use super::syntax::{Dict, ObjRef, Object, Spanned};
use super::xref::Entry;
use crate::error::PdfError;

/// How far later revisions go beyond the signed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// No change.
    None,
    /// Validation data and document time-stamps only.
    DssAndTimestamps,
    /// Form filling and signing.
    FormFilling,
    /// Annotations.
    Annotations,
    /// Anything else.
    Other,
}

impl Level {
    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::DssAndTimestamps => "DSS and time-stamps only",
            Self::FormFilling => "form filling",
            Self::Annotations => "annotations",
            Self::Other => "other",
        }
    }
}

/// One changed object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The revision that changed it.
    pub revision: usize,
    /// The object.
    pub object: ObjRef,
    /// How the change is classified.
    pub level: Level,
    /// What changed, in words.
    pub what: String,
    /// For a form field, its fully qualified name (FieldMDP locks fields by name).
    pub field: Option<String>,
}

/// The changes after a signed revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Modifications {
    /// The highest level among the changes.
    pub level: Level,
    /// Each changed object (rewritten-but-equal ones left out).
    pub changes: Vec<Change>,
}

/// Most objects compared (over all later revisions).
const MAX_CHANGES: usize = 100_000;
/// Most page-tree nodes and fields walked to find roles.
const MAX_WALK: usize = 100_000;
/// Stream data compared byte for byte up to this size; larger streams by length and digest.
const MAX_COMPARE: u64 = 16 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Catalog,
    PageTreeNode,
    Page,
    AcroForm,
    Field,
    SignedSignatureField,
    Annotation,
    Dss,
    Info,
    Metadata,
}

/// Classifies every change that revisions after `signed` made.
pub fn analyse<S: Source>(doc: &mut Document<S>, signed: usize) -> Result<Modifications, PdfError> {
    let last = doc.revisions().len().saturating_sub(1);
    let mut changes = Vec::new();
    for rev in signed + 1..=last {
        let (roles, names) = roles(doc, rev - 1)?;
        let nums: Vec<(u32, Entry)> = {
            let r = doc
                .revisions()
                .get(rev)
                .cloned()
                .ok_or_else(|| PdfError::NotFound(alloc::format!("revision {rev}")))?;
            r.sections
                .iter()
                .filter_map(|i| doc.sections().get(*i))
                .flat_map(|s| s.entries.iter().copied())
                .collect()
        };
        for (num, entry) in nums {
            if changes.len() >= MAX_CHANGES {
                return Err(PdfError::Limit {
                    what: "changed objects compared",
                    limit: MAX_CHANGES as u64,
                });
            }
            // The generation this revision gives it (a free entry names the next one).
            let gen = match entry {
                Entry::InFile { gen, .. } => gen,
                _ => 0,
            };
            if num == 0 {
                continue;
            }
            let id = ObjRef { num, gen };
            let before = doc.entry(num, rev - 1);
            let old = match before {
                Some(Entry::InFile { gen, .. }) => doc.resolve(ObjRef { num, gen }, rev - 1)?,
                Some(Entry::InStream { .. }) => doc.resolve(ObjRef { num, gen: 0 }, rev - 1)?,
                _ => None,
            };
            let new = match entry {
                Entry::Free => None,
                _ => match doc.resolve(id, rev) {
                    Ok(n) => n,
                    // A later revision whose objects cannot be read is not an allowed change.
                    Err(e) => {
                        changes.push(Change {
                            revision: rev,
                            object: id,
                            level: Level::Other,
                            what: alloc::format!(
                                "an object of a later revision cannot be read: {e}"
                            ),
                            field: None,
                        });
                        continue;
                    }
                },
            };
            let (Some(old), role_id) = (old, before_id(before, num)) else {
                // A new object: judged through what refers to it.
                continue;
            };
            let Some(new) = new else {
                changes.push(Change {
                    revision: rev,
                    object: role_id,
                    level: Level::Other,
                    what: "an object of the signed revision was deleted".into(),
                    field: names.get(&role_id).cloned(),
                });
                continue;
            };
            if same_resolved(doc, &old, &new)? {
                continue;
            }
            let role = roles.get(&role_id).copied();
            let (level, what) = classify(doc, role, &old, &new, rev)?;
            changes.push(Change {
                revision: rev,
                object: role_id,
                level,
                what,
                field: names.get(&role_id).cloned(),
            });
        }
        // The trailer: a replaced /Root is another document.
        let (old_root, new_root) = (root_of(doc, rev - 1), root_of(doc, rev));
        if old_root != new_root {
            changes.push(Change {
                revision: rev,
                object: new_root.unwrap_or(ObjRef { num: 0, gen: 0 }),
                level: Level::Other,
                what: "the trailer names another catalog (/Root)".into(),
                field: None,
            });
        }
    }
    let level = changes.iter().map(|c| c.level).max().unwrap_or(Level::None);
    Ok(Modifications { level, changes })
}

fn before_id(before: Option<Entry>, num: u32) -> ObjRef {
    match before {
        Some(Entry::InFile { gen, .. }) => ObjRef { num, gen },
        _ => ObjRef { num, gen: 0 },
    }
}

fn root_of<S: Source>(doc: &Document<S>, rev: usize) -> Option<ObjRef> {
    match doc.trailer(rev)?.get(b"Root")?.object {
        Object::Ref(r) => Some(r),
        _ => None,
    }
}

/// Objects by role, and form fields by their fully qualified names.
type Roles = (BTreeMap<ObjRef, Role>, BTreeMap<ObjRef, String>);

/// The role of each object reachable from revision `rev`'s catalog that a change could
/// matter for, and the names of the form fields.
fn roles<S: Source>(doc: &mut Document<S>, rev: usize) -> Result<Roles, PdfError> {
    let mut roles = BTreeMap::new();
    let mut names = BTreeMap::new();
    let Some(root) = root_of(doc, rev) else {
        return Ok((roles, names));
    };
    roles.insert(root, Role::Catalog);
    if let Some(Object::Ref(info)) = doc
        .trailer(rev)
        .and_then(|t| t.get(b"Info"))
        .map(|s| s.object.clone())
    {
        roles.insert(info, Role::Info);
    }
    let Some(Object::Dict(catalog)) = doc.resolve(root, rev)?.map(|r| r.value.object) else {
        return Ok((roles, names));
    };
    if let Some(Object::Ref(m)) = catalog.get(b"Metadata").map(|s| s.object.clone()) {
        roles.insert(m, Role::Metadata);
    }
    if let Some(Object::Ref(d)) = catalog.get(b"DSS").map(|s| s.object.clone()) {
        roles.insert(d, Role::Dss);
    }
    // The page tree, and each page's annotations.
    let mut walked = 0usize;
    let mut stack: Vec<ObjRef> = match catalog.get(b"Pages").map(|s| &s.object) {
        Some(Object::Ref(p)) => alloc::vec![*p],
        _ => Vec::new(),
    };
    let mut seen = BTreeSet::new();
    while let Some(node) = stack.pop() {
        walked += 1;
        if walked > MAX_WALK || !seen.insert(node) {
            continue;
        }
        let Some(Object::Dict(d)) = doc.resolve(node, rev)?.map(|r| r.value.object) else {
            continue;
        };
        if d.name(b"Type") == Some(b"Pages") || d.get(b"Kids").is_some() {
            roles.insert(node, Role::PageTreeNode);
            if let Some(Object::Array(kids)) = d.get(b"Kids").map(|k| k.object.clone()) {
                stack.extend(kids.iter().filter_map(|k| match k.object {
                    Object::Ref(r) => Some(r),
                    _ => None,
                }));
            }
        } else {
            roles.insert(node, Role::Page);
            if let Some(a) = d.get(b"Annots") {
                let a = a.clone();
                if let Object::Ref(r) = a.object {
                    roles.entry(r).or_insert(Role::Annotation);
                }
                if let Object::Array(items) = doc.direct(&a, rev)?.object {
                    for i in items {
                        if let Object::Ref(r) = i.object {
                            roles.entry(r).or_insert(Role::Annotation);
                        }
                    }
                }
            }
        }
    }
    // The form: fields (widgets are often the same objects) and signed signature fields.
    if let Some(form) = catalog.get(b"AcroForm").cloned() {
        if let Object::Ref(r) = form.object {
            roles.insert(r, Role::AcroForm);
        }
        if let Object::Dict(f) = doc.direct(&form, rev)?.object {
            let mut stack: Vec<(Spanned, String)> = match f.get(b"Fields") {
                Some(x) => match doc.direct(x, rev)?.object {
                    Object::Array(a) => a.into_iter().map(|f| (f, String::new())).collect(),
                    _ => Vec::new(),
                },
                None => Vec::new(),
            };
            let mut seen = BTreeSet::new();
            while let Some((field, parent)) = stack.pop() {
                walked += 1;
                let Object::Ref(r) = field.object else {
                    continue;
                };
                if walked > MAX_WALK || !seen.insert(r) {
                    continue;
                }
                let Some(Object::Dict(d)) = doc.resolve(r, rev)?.map(|x| x.value.object) else {
                    continue;
                };
                let name = match d.get(b"T").map(|t| &t.object) {
                    Some(Object::String(t)) if parent.is_empty() => {
                        String::from_utf8_lossy(&t.bytes).into_owned()
                    }
                    Some(Object::String(t)) => {
                        alloc::format!("{parent}.{}", String::from_utf8_lossy(&t.bytes))
                    }
                    _ => parent.clone(),
                };
                names.insert(r, name.clone());
                let signed = d.name(b"FT") == Some(b"Sig") && d.get(b"V").is_some();
                roles.insert(
                    r,
                    if signed {
                        Role::SignedSignatureField
                    } else {
                        Role::Field
                    },
                );
                if let Some(Object::Array(kids)) = d.get(b"Kids").map(|k| k.object.clone()) {
                    stack.extend(kids.into_iter().map(|k| (k, name.clone())));
                }
            }
        }
    }
    Ok((roles, names))
}

/// Whether two resolutions are the same object (values equal; stream data equal).
fn same_resolved<S: Source>(
    doc: &mut Document<S>,
    a: &Resolved,
    b: &Resolved,
) -> Result<bool, PdfError> {
    if !same(&a.value.object, &b.value.object) {
        return Ok(false);
    }
    match (a.stream, b.stream) {
        (None, None) => Ok(true),
        (Some(x), Some(y)) if x.len == y.len => {
            if x.offset == y.offset {
                return Ok(true);
            }
            if x.len > MAX_COMPARE {
                // Different places, too large to compare here: counted as changed.
                return Ok(false);
            }
            let n = usize::try_from(x.len).unwrap_or(usize::MAX);
            let (p, q) = (
                doc.source().window(x.offset, n)?,
                doc.source().window(y.offset, n)?,
            );
            Ok(p == q)
        }
        _ => Ok(false),
    }
}

/// Structural equality, spans ignored.
pub fn same(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Array(x), Object::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(&p.object, &q.object))
        }
        (Object::Dict(x), Object::Dict(y)) => same_dict(x, y),
        (Object::Real(x), Object::Real(y)) => x.to_bits() == y.to_bits(),
        // `(literal)` and `<hex>` with the same bytes are the same string.
        (Object::String(x), Object::String(y)) => x.bytes == y.bytes,
        _ => a == b,
    }
}

fn same_dict(x: &Dict, y: &Dict) -> bool {
    x.entries.len() == y.entries.len()
        && x.entries
            .iter()
            .all(|(k, v)| y.get(k).is_some_and(|w| same(&v.object, &w.object)))
}

/// The keys whose values differ between two dictionaries (added, removed or changed).
fn changed_keys(x: &Dict, y: &Dict) -> BTreeSet<Vec<u8>> {
    let mut out = BTreeSet::new();
    for (k, v) in &x.entries {
        if !y.get(k).is_some_and(|w| same(&v.object, &w.object)) {
            out.insert(k.clone());
        }
    }
    for (k, _) in &y.entries {
        if x.get(k).is_none() {
            out.insert(k.clone());
        }
    }
    out
}

fn keys_text(keys: &BTreeSet<Vec<u8>>) -> String {
    keys.iter()
        .map(|k| alloc::format!("/{}", String::from_utf8_lossy(k)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `new`'s array (of `key`, followed as revision `rev` sees it) keeps `old`'s
/// items in order and only appends.
fn only_appended<S: Source>(
    doc: &mut Document<S>,
    old: &Dict,
    new: &Dict,
    key: &[u8],
    rev: usize,
) -> Result<Option<Vec<Spanned>>, PdfError> {
    let list = |doc: &mut Document<S>, d: &Dict, rev: usize| -> Result<Vec<Spanned>, PdfError> {
        Ok(match d.get(key) {
            Some(v) => match doc.direct(v, rev)?.object {
                Object::Array(a) => a,
                _ => Vec::new(),
            },
            None => Vec::new(),
        })
    };
    let before = list(doc, old, rev - 1)?;
    let after = list(doc, new, rev)?;
    if after.len() < before.len()
        || !before
            .iter()
            .zip(&after)
            .all(|(p, q)| same(&p.object, &q.object))
    {
        return Ok(None);
    }
    Ok(Some(after.get(before.len()..).unwrap_or_default().to_vec()))
}

/// Whether every reference in `added` is a document time-stamp field (or its widget) as
/// revision `rev` sees it.
fn all_doc_timestamps<S: Source>(
    doc: &mut Document<S>,
    added: &[Spanned],
    rev: usize,
) -> Result<bool, PdfError> {
    for a in added {
        let Object::Dict(f) = doc.direct(a, rev)?.object else {
            return Ok(false);
        };
        let Some(v) = f.get(b"V") else {
            return Ok(false);
        };
        let Object::Dict(sig) = doc.direct(v, rev)?.object else {
            return Ok(false);
        };
        if sig.name(b"Type") != Some(b"DocTimeStamp") {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether every reference in `added` is an invisible signature field merged with its
/// widget (`/FT /Sig`, `/Subtype /Widget`), as signing adds them.
fn all_signature_widgets<S: Source>(
    doc: &mut Document<S>,
    added: &[Spanned],
    rev: usize,
) -> Result<bool, PdfError> {
    for a in added {
        let Object::Dict(f) = doc.direct(a, rev)?.object else {
            return Ok(false);
        };
        if f.name(b"FT") != Some(b"Sig") || f.name(b"Subtype") != Some(b"Widget") {
            return Ok(false);
        }
        // A visible widget draws over the page, as an annotation does (pyHanko's default
        // too): only invisible ones (a zero-area /Rect, or the Hidden flag) are signing.
        let hidden = f.integer(b"F").is_some_and(|flags| flags & 2 != 0);
        let zero_area = match f.get(b"Rect") {
            None => true,
            Some(r) => match doc.direct(r, rev)?.object {
                Object::Array(a) => match a
                    .iter()
                    .map(|x| number(&x.object))
                    .collect::<Option<Vec<f64>>>()
                {
                    Some(v) => match v.as_slice() {
                        [x1, y1, x2, y2] => (x2 - x1).abs() < 1e-9 || (y2 - y1).abs() < 1e-9,
                        _ => false,
                    },
                    None => false,
                },
                _ => false,
            },
        };
        if !hidden && !zero_area {
            return Ok(false);
        }
    }
    Ok(true)
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

/// A change of the form dictionary `o` (as revision `rev - 1` saw it) to `n`: fields only
/// appended is form filling (document time-stamp fields only: validation data); anything
/// else is "other".
fn form_change<S: Source>(
    doc: &mut Document<S>,
    o: &Dict,
    n: &Dict,
    rev: usize,
) -> Result<(Level, String), PdfError> {
    let keys = changed_keys(o, n);
    let only = |allowed: &[&[u8]]| keys.iter().all(|k| allowed.contains(&k.as_slice()));
    let text = keys_text(&keys);
    if !only(&[b"Fields", b"SigFlags", b"DR", b"DA", b"NeedAppearances"]) {
        return Ok((Level::Other, alloc::format!("the form changed: {text}")));
    }
    Ok(match only_appended(doc, o, n, b"Fields", rev)? {
        Some(added) if only(&[b"Fields", b"SigFlags"]) && all_doc_timestamps(doc, &added, rev)? => {
            (
                Level::DssAndTimestamps,
                "the form: document time-stamp fields added".into(),
            )
        }
        Some(_) => (Level::FormFilling, alloc::format!("the form: {text}")),
        None => (Level::Other, "the form: fields removed or reordered".into()),
    })
}

fn classify<S: Source>(
    doc: &mut Document<S>,
    role: Option<Role>,
    old: &Resolved,
    new: &Resolved,
    rev: usize,
) -> Result<(Level, String), PdfError> {
    let (Object::Dict(o), Object::Dict(n)) = (&old.value.object, &new.value.object) else {
        return Ok((Level::Other, alloc::format!("{} changed", role_name(role))));
    };
    let keys = changed_keys(o, n);
    let only = |allowed: &[&[u8]]| keys.iter().all(|k| allowed.contains(&k.as_slice()));
    let text = keys_text(&keys);
    Ok(match role {
        Some(Role::Catalog) => {
            let mut level = Level::None;
            for k in &keys {
                let l = match k.as_slice() {
                    b"DSS" | b"Extensions" => Level::DssAndTimestamps,
                    b"Perms" => Level::FormFilling,
                    // The form as a whole, judged as a change of the form dictionary.
                    b"AcroForm" => {
                        let before = match o.get(b"AcroForm") {
                            Some(f) => doc.direct(f, rev - 1)?.object,
                            None => Object::Dict(Dict::default()),
                        };
                        let after = match n.get(b"AcroForm") {
                            Some(f) => doc.direct(f, rev)?.object,
                            None => Object::Null,
                        };
                        match (before, after) {
                            (Object::Dict(b), Object::Dict(a)) => form_change(doc, &b, &a, rev)?.0,
                            _ => Level::Other,
                        }
                    }
                    // Named appearances, attachments and destinations, as annotations add
                    // them; a /Names with scripts or anything else is not.
                    b"Names" => match n.get(b"Names") {
                        Some(v) => match doc.direct(v, rev)?.object {
                            Object::Dict(names)
                                if names.entries.iter().all(|(k, _)| {
                                    matches!(k.as_slice(), b"AP" | b"EmbeddedFiles" | b"Dests")
                                }) =>
                            {
                                Level::Annotations
                            }
                            _ => Level::Other,
                        },
                        None => Level::Other,
                    },
                    _ => Level::Other,
                };
                level = level.max(l);
            }
            (level, alloc::format!("the catalog: {text}"))
        }
        Some(Role::Dss) => (Level::DssAndTimestamps, alloc::format!("/DSS: {text}")),
        Some(Role::AcroForm) => form_change(doc, o, n, rev)?,
        Some(Role::Page) if only(&[b"Annots"]) => match only_appended(doc, o, n, b"Annots", rev)? {
            Some(added) if all_doc_timestamps(doc, &added, rev)? => (
                Level::DssAndTimestamps,
                "a page: document time-stamp widgets added".into(),
            ),
            Some(added) if all_signature_widgets(doc, &added, rev)? => {
                (Level::FormFilling, "a page: signature fields added".into())
            }
            Some(_) => (Level::Annotations, "a page: annotations added".into()),
            None => (
                Level::Other,
                "a page: annotations removed or reordered".into(),
            ),
        },
        Some(Role::SignedSignatureField) => (
            Level::Other,
            alloc::format!("a signed signature field changed: {text}"),
        ),
        Some(Role::Field) if only(&[b"V", b"AP", b"AS", b"MK"]) => {
            let signs = n.name(b"FT") == Some(b"Sig") || o.name(b"FT") == Some(b"Sig");
            if signs && o.get(b"V").is_none() {
                (
                    Level::FormFilling,
                    "an empty signature field was signed".into(),
                )
            } else if keys.contains(&b"AP"[..])
                && !keys.contains(&b"V"[..])
                && !keys.contains(&b"AS"[..])
            {
                // A new look without a new value is not filling the form: the shadow
                // attacks swap an overlay's appearance this way.
                (
                    Level::Other,
                    "a form field's appearance changed without a value change".into(),
                )
            } else {
                (Level::FormFilling, alloc::format!("a form field: {text}"))
            }
        }
        Some(Role::Annotation) if n.name(b"Subtype") != Some(b"Widget") => {
            (Level::Annotations, alloc::format!("an annotation: {text}"))
        }
        Some(Role::Info) | Some(Role::Metadata) => {
            (Level::FormFilling, "document metadata changed".into())
        }
        _ => (
            Level::Other,
            alloc::format!("{} changed: {text}", role_name(role)),
        ),
    })
}

fn role_name(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Catalog) => "the catalog",
        Some(Role::PageTreeNode) => "the page tree",
        Some(Role::Page) => "a page",
        Some(Role::AcroForm) => "the form",
        Some(Role::Field) => "a form field",
        Some(Role::SignedSignatureField) => "a signed signature field",
        Some(Role::Annotation) => "an annotation",
        Some(Role::Dss) => "the DSS",
        Some(Role::Info) => "the document information",
        Some(Role::Metadata) => "the metadata",
        None => "an object used by the content",
    }
}
