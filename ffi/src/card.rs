//! (placeholder: filled in by the card work)
