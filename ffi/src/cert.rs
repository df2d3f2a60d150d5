//! (placeholder: filled in by the cert work)
