//! (placeholder: filled in by the token work)
