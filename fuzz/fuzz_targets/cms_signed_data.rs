//! CMS `SignedData` parsing (DER and BER) must not panic or hang on any input; on what
//! parses, every signer's signed and unsigned attribute sets are rebuilt as signed (the
//! encoded form and the DER-sorted form) and searched, as validation does.
#![no_main]

use imza::cms::Attributes;
use libfuzzer_sys::fuzz_target;

fn exercise(attrs: &Attributes<'_>) {
    let _ = attrs.to_be_signed();
    let _ = attrs.to_be_signed_sorted();
    let _ = attrs.duplicate();
    for a in &attrs.list {
        let _ = attrs.get(&a.oid);
        let _ = attrs.all(&a.oid).count();
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(sd) = imza::cms::parse(data) {
        for signer in &sd.signers {
            if let Some(attrs) = &signer.signed_attrs {
                exercise(attrs);
            }
            if let Some(attrs) = &signer.unsigned_attrs {
                exercise(attrs);
            }
        }
        let _ = imza::cades::required_digests(&sd);
    }
});
