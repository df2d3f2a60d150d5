//! Small helpers with no home of their own, used across modules; private to the crate.

use alloc::string::String;

use const_oid::{db, ObjectIdentifier};

/// Lowercase hexadecimal, as reports and summaries print serial numbers and fingerprints.
pub(crate) fn hex(b: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// A readable name for an OID: its registered short name when [`NAMES`] has it.
pub(crate) fn oid_name(oid: &ObjectIdentifier) -> String {
    match short_name(oid) {
        Some(name) => alloc::format!("{name} ({oid})"),
        None => alloc::format!("{oid}"),
    }
}

/// The registered short name of an OID reports print (extensions, key purposes, access
/// methods, OCSP, CMS content types and attributes), as const-oid's database names it.
pub(crate) fn short_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    NAMES.iter().find(|(o, _)| o == oid).map(|(_, n)| *n)
}

// The names come from const-oid's database (the test below checks that each is the name the
// database gives), but not the database itself: its 1,100 names cost the browser build
// 17 KB gzipped, and a report names only these.
const NAMES: &[(ObjectIdentifier, &str)] = &[
    (
        db::rfc5280::ID_PE_AUTHORITY_INFO_ACCESS,
        "id-pe-authorityInfoAccess",
    ),
    (
        db::rfc5280::ID_PE_SUBJECT_INFO_ACCESS,
        "id-pe-subjectInfoAccess",
    ),
    (db::rfc5280::ID_QT_CPS, "id-qt-cps"),
    (db::rfc5280::ID_QT_UNOTICE, "id-qt-unotice"),
    (db::rfc5280::ID_KP_SERVER_AUTH, "id-kp-serverAuth"),
    (db::rfc5280::ID_KP_CLIENT_AUTH, "id-kp-clientAuth"),
    (db::rfc5280::ID_KP_CODE_SIGNING, "id-kp-codeSigning"),
    (db::rfc5280::ID_KP_EMAIL_PROTECTION, "id-kp-emailProtection"),
    (db::rfc5280::ID_KP_TIME_STAMPING, "id-kp-timeStamping"),
    (db::rfc5280::ID_KP_OCSP_SIGNING, "id-kp-OCSPSigning"),
    (db::rfc5280::ID_AD_OCSP, "id-ad-ocsp"),
    (db::rfc5280::ID_AD_CA_ISSUERS, "id-ad-caIssuers"),
    (db::rfc5280::ID_AD_TIME_STAMPING, "id-ad-timeStamping"),
    (db::rfc5280::ID_AD_CA_REPOSITORY, "id-ad-caRepository"),
    (
        db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
        "id-ce-subjectKeyIdentifier",
    ),
    (db::rfc5280::ID_CE_KEY_USAGE, "id-ce-keyUsage"),
    (
        db::rfc5280::ID_CE_PRIVATE_KEY_USAGE_PERIOD,
        "id-ce-privateKeyUsagePeriod",
    ),
    (db::rfc5280::ID_CE_SUBJECT_ALT_NAME, "id-ce-subjectAltName"),
    (db::rfc5280::ID_CE_ISSUER_ALT_NAME, "id-ce-issuerAltName"),
    (
        db::rfc5280::ID_CE_BASIC_CONSTRAINTS,
        "id-ce-basicConstraints",
    ),
    (db::rfc5280::ID_CE_CRL_NUMBER, "id-ce-cRLNumber"),
    (db::rfc5280::ID_CE_CRL_REASONS, "id-ce-cRLReasons"),
    (
        db::rfc5280::ID_CE_HOLD_INSTRUCTION_CODE,
        "id-ce-holdInstructionCode",
    ),
    (db::rfc5280::ID_CE_INVALIDITY_DATE, "id-ce-invalidityDate"),
    (
        db::rfc5280::ID_CE_DELTA_CRL_INDICATOR,
        "id-ce-deltaCRLIndicator",
    ),
    (
        db::rfc5280::ID_CE_ISSUING_DISTRIBUTION_POINT,
        "id-ce-issuingDistributionPoint",
    ),
    (
        db::rfc5280::ID_CE_CERTIFICATE_ISSUER,
        "id-ce-certificateIssuer",
    ),
    (db::rfc5280::ID_CE_NAME_CONSTRAINTS, "id-ce-nameConstraints"),
    (
        db::rfc5280::ID_CE_CRL_DISTRIBUTION_POINTS,
        "id-ce-cRLDistributionPoints",
    ),
    (
        db::rfc5280::ID_CE_CERTIFICATE_POLICIES,
        "id-ce-certificatePolicies",
    ),
    (db::rfc5280::ANY_POLICY, "anyPolicy"),
    (db::rfc5280::ID_CE_POLICY_MAPPINGS, "id-ce-policyMappings"),
    (
        db::rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
        "id-ce-authorityKeyIdentifier",
    ),
    (
        db::rfc5280::ID_CE_POLICY_CONSTRAINTS,
        "id-ce-policyConstraints",
    ),
    (db::rfc5280::ID_CE_EXT_KEY_USAGE, "id-ce-extKeyUsage"),
    (db::rfc5280::ANY_EXTENDED_KEY_USAGE, "anyExtendedKeyUsage"),
    (db::rfc5280::ID_CE_FRESHEST_CRL, "id-ce-freshestCRL"),
    (
        db::rfc5280::ID_CE_INHIBIT_ANY_POLICY,
        "id-ce-inhibitAnyPolicy",
    ),
    (
        db::rfc5280::ID_CE_SUBJECT_DIRECTORY_ATTRIBUTES,
        "id-ce-subjectDirectoryAttributes",
    ),
    (db::rfc5911::ID_DATA, "id-data"),
    (db::rfc5911::ID_SIGNED_DATA, "id-signedData"),
    (db::rfc5911::ID_AA_RECEIPT_REQUEST, "id-aa-receiptRequest"),
    (
        db::rfc5911::ID_AA_CONTENT_REFERENCE,
        "id-aa-contentReference",
    ),
    (db::rfc5911::ID_AA_ENCRYP_KEY_PREF, "id-aa-encrypKeyPref"),
    (
        db::rfc5911::ID_AA_SIGNING_CERTIFICATE,
        "id-aa-signingCertificate",
    ),
    (db::rfc5911::ID_AA_SECURITY_LABEL, "id-aa-securityLabel"),
    (
        db::rfc5911::ID_AA_ML_EXPAND_HISTORY,
        "id-aa-mlExpandHistory",
    ),
    (
        db::rfc5911::ID_AA_FIRMWARE_PACKAGE_ID,
        "id-aa-firmwarePackageID",
    ),
    (
        db::rfc5911::ID_AA_TARGET_HARDWARE_I_DS,
        "id-aa-targetHardwareIDs",
    ),
    (db::rfc5911::ID_AA_DECRYPT_KEY_ID, "id-aa-decryptKeyID"),
    (db::rfc5911::ID_AA_IMPL_CRYPTO_ALGS, "id-aa-implCryptoAlgs"),
    (
        db::rfc5911::ID_AA_WRAPPED_FIRMWARE_KEY,
        "id-aa-wrappedFirmwareKey",
    ),
    (db::rfc5911::ID_AA_CONTENT_HINT, "id-aa-contentHint"),
    (
        db::rfc5911::ID_AA_COMMUNITY_IDENTIFIERS,
        "id-aa-communityIdentifiers",
    ),
    (
        db::rfc5911::ID_AA_FIRMWARE_PACKAGE_INFO,
        "id-aa-firmwarePackageInfo",
    ),
    (
        db::rfc5911::ID_AA_IMPL_COMPRESS_ALGS,
        "id-aa-implCompressAlgs",
    ),
    (
        db::rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2,
        "id-aa-signingCertificateV2",
    ),
    (db::rfc5911::ID_AA_ER_INTERNAL, "id-aa-er-internal"),
    (db::rfc5911::ID_AA_MSG_SIG_DIGEST, "id-aa-msgSigDigest"),
    (db::rfc5911::ID_AA_ER_EXTERNAL, "id-aa-er-external"),
    (
        db::rfc5911::ID_AA_CONTENT_IDENTIFIER,
        "id-aa-contentIdentifier",
    ),
    (
        db::rfc5911::ID_AA_EQUIVALENT_LABELS,
        "id-aa-equivalentLabels",
    ),
    (db::rfc5911::ID_CONTENT_TYPE, "id-contentType"),
    (db::rfc5911::ID_MESSAGE_DIGEST, "id-messageDigest"),
    (db::rfc5911::ID_SIGNING_TIME, "id-signingTime"),
    (db::rfc5911::ID_COUNTERSIGNATURE, "id-countersignature"),
    (
        db::rfc5912::ID_AA_CMC_UNSIGNED_DATA,
        "id-aa-cmc-unsignedData",
    ),
    (
        db::rfc5912::ID_PE_AUTHORITY_INFO_ACCESS,
        "id-pe-authorityInfoAccess",
    ),
    (db::rfc5912::ID_PE_AC_PROXYING, "id-pe-ac-proxying"),
    (
        db::rfc5912::ID_PE_SUBJECT_INFO_ACCESS,
        "id-pe-subjectInfoAccess",
    ),
    (
        db::rfc5912::ID_PE_AC_AUDIT_IDENTITY,
        "id-pe-ac-auditIdentity",
    ),
    (db::rfc5912::ID_PE_AA_CONTROLS, "id-pe-aaControls"),
    (db::rfc5912::ID_QT_CPS, "id-qt-cps"),
    (db::rfc5912::ID_QT_UNOTICE, "id-qt-unotice"),
    (db::rfc5912::ID_KP_SERVER_AUTH, "id-kp-serverAuth"),
    (db::rfc5912::ID_KP_SCVP_SERVER, "id-kp-scvpServer"),
    (db::rfc5912::ID_KP_SCVP_CLIENT, "id-kp-scvpClient"),
    (db::rfc5912::ID_KP_CLIENT_AUTH, "id-kp-clientAuth"),
    (db::rfc5912::ID_KP_CODE_SIGNING, "id-kp-codeSigning"),
    (db::rfc5912::ID_KP_EMAIL_PROTECTION, "id-kp-emailProtection"),
    (db::rfc5912::ID_KP_TIME_STAMPING, "id-kp-timeStamping"),
    (db::rfc5912::ID_KP_OCSP_SIGNING, "id-kp-OCSPSigning"),
    (db::rfc5912::ID_AD_OCSP, "id-ad-ocsp"),
    (db::rfc5912::ID_AD_CA_ISSUERS, "id-ad-caIssuers"),
    (db::rfc5912::ID_AD_TIME_STAMPING, "id-ad-timeStamping"),
    (db::rfc5912::ID_AD_CA_REPOSITORY, "id-ad-caRepository"),
    (
        db::rfc5912::ID_CE_SUBJECT_KEY_IDENTIFIER,
        "id-ce-subjectKeyIdentifier",
    ),
    (db::rfc5912::ID_CE_KEY_USAGE, "id-ce-keyUsage"),
    (
        db::rfc5912::ID_CE_PRIVATE_KEY_USAGE_PERIOD,
        "id-ce-privateKeyUsagePeriod",
    ),
    (db::rfc5912::ID_CE_SUBJECT_ALT_NAME, "id-ce-subjectAltName"),
    (db::rfc5912::ID_CE_ISSUER_ALT_NAME, "id-ce-issuerAltName"),
    (
        db::rfc5912::ID_CE_BASIC_CONSTRAINTS,
        "id-ce-basicConstraints",
    ),
    (db::rfc5912::ID_CE_CRL_NUMBER, "id-ce-cRLNumber"),
    (db::rfc5912::ID_CE_CRL_REASONS, "id-ce-cRLReasons"),
    (
        db::rfc5912::ID_CE_HOLD_INSTRUCTION_CODE,
        "id-ce-holdInstructionCode",
    ),
    (db::rfc5912::ID_CE_INVALIDITY_DATE, "id-ce-invalidityDate"),
    (
        db::rfc5912::ID_CE_DELTA_CRL_INDICATOR,
        "id-ce-deltaCRLIndicator",
    ),
    (
        db::rfc5912::ID_CE_ISSUING_DISTRIBUTION_POINT,
        "id-ce-issuingDistributionPoint",
    ),
    (
        db::rfc5912::ID_CE_CERTIFICATE_ISSUER,
        "id-ce-certificateIssuer",
    ),
    (db::rfc5912::ID_CE_NAME_CONSTRAINTS, "id-ce-nameConstraints"),
    (
        db::rfc5912::ID_CE_CRL_DISTRIBUTION_POINTS,
        "id-ce-cRLDistributionPoints",
    ),
    (
        db::rfc5912::ID_CE_CERTIFICATE_POLICIES,
        "id-ce-certificatePolicies",
    ),
    (db::rfc5912::ID_CE_POLICY_MAPPINGS, "id-ce-policyMappings"),
    (
        db::rfc5912::ID_CE_AUTHORITY_KEY_IDENTIFIER,
        "id-ce-authorityKeyIdentifier",
    ),
    (
        db::rfc5912::ID_CE_POLICY_CONSTRAINTS,
        "id-ce-policyConstraints",
    ),
    (db::rfc5912::ID_CE_EXT_KEY_USAGE, "id-ce-extKeyUsage"),
    (db::rfc5912::ANY_EXTENDED_KEY_USAGE, "anyExtendedKeyUsage"),
    (db::rfc5912::ID_CE_FRESHEST_CRL, "id-ce-freshestCRL"),
    (
        db::rfc5912::ID_CE_INHIBIT_ANY_POLICY,
        "id-ce-inhibitAnyPolicy",
    ),
    (
        db::rfc5912::ID_CE_TARGET_INFORMATION,
        "id-ce-targetInformation",
    ),
    (db::rfc5912::ID_CE_NO_REV_AVAIL, "id-ce-noRevAvail"),
    (
        db::rfc5912::ID_CE_SUBJECT_DIRECTORY_ATTRIBUTES,
        "id-ce-subjectDirectoryAttributes",
    ),
    (db::rfc6268::ID_DATA, "id-data"),
    (db::rfc6268::ID_SIGNED_DATA, "id-signedData"),
    (
        db::rfc6268::ID_AA_BINARY_SIGNING_TIME,
        "id-aa-binarySigningTime",
    ),
    (
        db::rfc6268::ID_AA_MULTIPLE_SIGNATURES,
        "id-aa-multipleSignatures",
    ),
    (db::rfc6268::ID_CONTENT_TYPE, "id-contentType"),
    (db::rfc6268::ID_MESSAGE_DIGEST, "id-messageDigest"),
    (db::rfc6268::ID_SIGNING_TIME, "id-signingTime"),
    (db::rfc6268::ID_COUNTERSIGNATURE, "id-countersignature"),
    (db::rfc6960::ID_PKIX_OCSP, "id-pkix-ocsp"),
    (db::rfc6960::ID_PKIX_OCSP_BASIC, "id-pkix-ocsp-basic"),
    (db::rfc6960::ID_PKIX_OCSP_NONCE, "id-pkix-ocsp-nonce"),
    (db::rfc6960::ID_PKIX_OCSP_CRL, "id-pkix-ocsp-crl"),
    (db::rfc6960::ID_PKIX_OCSP_RESPONSE, "id-pkix-ocsp-response"),
    (db::rfc6960::ID_PKIX_OCSP_NOCHECK, "id-pkix-ocsp-nocheck"),
    (
        db::rfc6960::ID_PKIX_OCSP_ARCHIVE_CUTOFF,
        "id-pkix-ocsp-archive-cutoff",
    ),
    (
        db::rfc6960::ID_PKIX_OCSP_SERVICE_LOCATOR,
        "id-pkix-ocsp-service-locator",
    ),
    (
        db::rfc6960::ID_PKIX_OCSP_PREF_SIG_ALGS,
        "id-pkix-ocsp-pref-sig-algs",
    ),
    (
        db::rfc6960::ID_PKIX_OCSP_EXTENDED_REVOKE,
        "id-pkix-ocsp-extended-revoke",
    ),
    (db::rfc7299::ID_QCS, "id-qcs"),
    (db::rfc7299::ID_PKIX_OCSP, "id-pkix-ocsp"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_the_one_the_oid_database_gives() {
        let wrong: alloc::vec::Vec<_> = NAMES
            .iter()
            .filter(|(oid, _)| db::DB.by_oid(oid) != short_name(oid))
            .map(|(oid, name)| (alloc::format!("{oid}"), *name, db::DB.by_oid(oid)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:?}");
    }
}
