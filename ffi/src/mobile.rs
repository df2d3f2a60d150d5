//! (placeholder: filled in by the mobile work)
