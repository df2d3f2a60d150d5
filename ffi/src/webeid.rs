//! (placeholder: filled in by the webeid work)
