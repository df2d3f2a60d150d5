/* C tests of the certificate functions: imza_cert_show_json and imza_cert_validate (path
 * validation for a purpose with imza_verify_options: at a time, with revocation skipped or
 * offline with the test PKI's CRLs). Every error path: NULL arguments, malformed
 * certificates and CRLs, unknown purposes.
 * Inputs come from the repository (test-vectors/pki, test-vectors/certs); see check.h. */
#include <stdint.h>

#include "check.h"

#define P256 "test-vectors/pki/ecdsa-p256/"
/* 2026-06-01T00:00:00Z: inside the validity of the test PKI (2025-2035). */
#define AT 1780272000
/* 2027-06-01T00:00:00Z: after the test PKI's CRLs were issued (2026-07-01). */
#define AT_CRL 1811808000

/* imza's codes for the failures expected here (src/error/, imza::describe):
 * CHECK_ERR compares the code and imza_result_message's text with the _TEXT. */
#define PATH_MALFORMED 800
#define PATH_MALFORMED_TEXT "certificate validation: a certificate is malformed"
#define CRL_MALFORMED 950
#define CRL_MALFORMED_TEXT "CRL: malformed"

static imza_trust_store *p256_trust(void) {
    imza_trust_store *t = NULL;
    CHECK_RESULT(imza_trust_store_new(&t), IMZA_OK);
    CHECK_RESULT(imza_trust_store_add_path(t, repo_path(P256 "root.pem")), IMZA_OK);
    return t;
}

/* Whether the JSON has the member "name": "value" (as imza prints it, pretty). */
static int has(const char *json, const char *name, const char *value) {
    char want[256];
    snprintf(want, sizeof want, "\"%s\": %s", name, value);
    return json != NULL && strstr(json, want) != NULL;
}

static void test_show(void) {
    size_t n = 0;
    uint8_t *pem = read_file(P256 "signer.pem", &n);
    uint8_t *der;
    char *json = NULL;
    const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};

    CHECK_RESULT(imza_cert_show_json(pem, n, &json), IMZA_OK);
    CHECK(json != NULL && strstr(json, "\"certificates\": [") != NULL);
    CHECK(json != NULL && strstr(json, "P-256 Signer") != NULL);
    CHECK(json != NULL && strstr(json, "sha256_fingerprint") != NULL);
    imza_string_free(json);
    free(pem);

    /* DER, from another folder. */
    der = read_file("test-vectors/certs/p384.der", &n);
    CHECK_RESULT(imza_cert_show_json(der, n, &json), IMZA_OK);
    CHECK(json != NULL && strstr(json, "P-384") != NULL);
    imza_string_free(json);

    /* A truncated certificate. */
    json = (char *)1;
    CHECK_RESULT(imza_cert_show_json(der, n / 2, &json), IMZA_MALFORMED);
    CHECK(json == NULL);
    CHECK(strlen(last_error()) > 0);
    free(der);

    /* A PEM bundle: every certificate. */
    pem = read_file(P256 "chain.pem", &n);
    CHECK_RESULT(imza_cert_show_json(pem, n, &json), IMZA_OK);
    {
        unsigned count = 0;
        const char *p = json;
        while (p != NULL && (p = strstr(p, "\"sha256_fingerprint\"")) != NULL) {
            count++;
            p++;
        }
        CHECK(count >= 2);
    }
    imza_string_free(json);
    free(pem);

    CHECK_RESULT(imza_cert_show_json(junk, sizeof junk, &json), IMZA_MALFORMED);
    {
        size_t tn = 0;
        uint8_t *text = read_file("test-vectors/certs/not-a-cert.txt", &tn);
        CHECK_RESULT(imza_cert_show_json(text, tn, &json), IMZA_MALFORMED);
        free(text);
    }
    CHECK_RESULT(imza_cert_show_json(junk, sizeof junk, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_cert_show_json(NULL, 5, &json), IMZA_NULL_PARAMETER);
    CHECK(json == NULL);
}

/* Validation options over the P-256 root, with the intermediate, at `at` (-1: now), with
 * revocation `mode`. */
static imza_verify_options *p256_options(int64_t at, uint32_t mode) {
    imza_trust_store *t = p256_trust();
    imza_verify_options *o = NULL;
    size_t in = 0;
    uint8_t *inter = read_file(P256 "intermediate.pem", &in);
    CHECK_RESULT(imza_verify_options_new(t, &o), IMZA_OK);
    imza_trust_store_free(t); /* the options hold a copy */
    CHECK_RESULT(imza_verify_options_add_intermediates(o, inter, in), IMZA_OK);
    if (at != IMZA_TIME_NOW) {
        CHECK_RESULT(imza_verify_options_set_time(o, at), IMZA_OK);
    }
    CHECK_RESULT(imza_verify_options_set_revocation(o, mode), IMZA_OK);
    free(inter);
    return o;
}

/* Adds the test PKI's CRLs (root and intermediate, issued 2026-07-01, next 2036-07-01). */
static void add_p256_crls(imza_verify_options *o) {
    size_t n = 0;
    uint8_t *crl = read_file(P256 "root.crl", &n);
    CHECK_RESULT(imza_verify_options_add_crl(o, crl, n), IMZA_OK);
    free(crl);
    crl = read_file(P256 "intermediate.crl", &n);
    CHECK_RESULT(imza_verify_options_add_crl(o, crl, n), IMZA_OK);
    free(crl);
}

/* Validates P256/<leaf>.pem under `o`; returns the JSON (to free). */
static char *validate_with(const imza_verify_options *o, const char *leaf, uint32_t purpose) {
    char rel[256];
    size_t ln = 0;
    uint8_t *cert;
    char *json = NULL;
    snprintf(rel, sizeof rel, P256 "%s.pem", leaf);
    cert = read_file(rel, &ln);
    CHECK_RESULT(imza_cert_validate(o, cert, ln, purpose, &json), IMZA_OK);
    CHECK(json != NULL);
    free(cert);
    return json;
}

/* Validates P256/<leaf>.pem with the intermediate at `at` with revocation `mode`. */
static char *validate(const char *leaf, uint32_t purpose, int64_t at, uint32_t mode) {
    imza_verify_options *o = p256_options(at, mode);
    char *json = validate_with(o, leaf, purpose);
    imza_verify_options_free(o);
    return json;
}

static void test_validate(void) {
    imza_verify_options *o;
    char *json;

    /* A valid path, revocation skipped by request. */
    json = validate("signer", IMZA_PURPOSE_DOCUMENT_SIGNING, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_PASSED\""));
    CHECK(has(json, "sub_indication", "null"));
    CHECK(has(json, "purpose", "\"document_signing\""));
    CHECK(has(json, "revocation", "\"not_checked_by_request\""));
    CHECK(has(json, "trust_anchor", "true"));
    CHECK(json != NULL && strstr(json, "CN=P-256 Signer") != NULL);
    CHECK(json != NULL && strstr(json, "\"name_constraints\"") != NULL);
    imza_string_free(json);

    /* Offline, with no revocation data: the status cannot be established. */
    json = validate("signer", IMZA_PURPOSE_DOCUMENT_SIGNING, AT, IMZA_REVOCATION_OFFLINE);
    CHECK(has(json, "indication", "\"INDETERMINATE\""));
    CHECK(has(json, "sub_indication", "\"TRY_LATER\""));
    CHECK(has(json, "revocation", "\"offline\""));
    imza_string_free(json);

    /* Offline with the test PKI's CRLs (the default mode): the signer is not revoked, with
     * the evidence for the leaf and the intermediate; the revoked certificate is revoked. */
    o = p256_options(AT_CRL, IMZA_REVOCATION_OFFLINE);
    add_p256_crls(o);
    json = validate_with(o, "signer", IMZA_PURPOSE_DOCUMENT_SIGNING);
    CHECK(has(json, "indication", "\"TOTAL_PASSED\""));
    CHECK(has(json, "sub_indication", "null"));
    CHECK(has(json, "revocation", "\"offline\""));
    CHECK(json != NULL && strstr(json, "\"status\": \"good\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"kind\": \"crl\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"path\": [\n") != NULL);
    imza_string_free(json);
    json = validate_with(o, "revoked", IMZA_PURPOSE_ANY);
    CHECK(has(json, "indication", "\"TOTAL_FAILED\""));
    CHECK(has(json, "sub_indication", "\"REVOKED\""));
    CHECK(has(json, "status", "\"revoked\""));
    CHECK(json != NULL && strstr(json, "CN=P-256 Revoked") != NULL);
    CHECK(json != NULL && strstr(json, "was revoked at 2026-06-01T00:00:00Z") != NULL);
    imza_string_free(json);
    /* The same options, revocation skipped: the revoked certificate passes, by request. */
    CHECK_RESULT(imza_verify_options_set_revocation(o, IMZA_REVOCATION_SKIP), IMZA_OK);
    json = validate_with(o, "revoked", IMZA_PURPOSE_ANY);
    CHECK(has(json, "indication", "\"TOTAL_PASSED\""));
    CHECK(has(json, "revocation", "\"not_checked_by_request\""));
    CHECK(has(json, "revocation_evidence", "[]"));
    imza_string_free(json);
    imza_verify_options_free(o);

    /* The login certificate for authentication; "now" (the default time). */
    json = validate("login", IMZA_PURPOSE_AUTHENTICATION, IMZA_TIME_NOW, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_PASSED\""));
    CHECK(has(json, "purpose", "\"authentication\""));
    imza_string_free(json);

    /* The wrong purpose: a signing certificate is not a time-stamping unit. */
    json = validate("signer", IMZA_PURPOSE_TIMESTAMPING, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_FAILED\""));
    CHECK(has(json, "sub_indication", "\"CHAIN_CONSTRAINTS_FAILURE\""));
    CHECK(json != NULL && strstr(json, "\"path\": []") != NULL);
    imza_string_free(json);
    json = validate("wrong-eku", IMZA_PURPOSE_DOCUMENT_SIGNING, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_FAILED\""));
    imza_string_free(json);

    /* Expired, and not yet valid. */
    json = validate("expired", IMZA_PURPOSE_ANY, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"INDETERMINATE\""));
    CHECK(has(json, "sub_indication", "\"OUT_OF_BOUNDS_NO_POE\""));
    imza_string_free(json);
    json = validate("signer", IMZA_PURPOSE_ANY, 1000000000, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "sub_indication", "\"NOT_YET_VALID\""));
    imza_string_free(json);

    /* An unknown critical extension. */
    json = validate("unknown-critical-ext", IMZA_PURPOSE_ANY, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_FAILED\""));
    CHECK(has(json, "sub_indication", "\"CERTIFICATE_CHAIN_GENERAL_FAILURE\""));
    imza_string_free(json);

    /* Without the intermediate: no chain. */
    {
        size_t n = 0;
        uint8_t *cert = read_file(P256 "signer.der", &n);
        imza_trust_store *t = p256_trust();
        CHECK_RESULT(imza_verify_options_new(t, &o), IMZA_OK);
        imza_trust_store_free(t);
        CHECK_RESULT(imza_verify_options_set_time(o, AT), IMZA_OK);
        CHECK_RESULT(imza_verify_options_set_revocation(o, IMZA_REVOCATION_SKIP), IMZA_OK);
        json = NULL;
        CHECK_RESULT(imza_cert_validate(o, cert, n, IMZA_PURPOSE_ANY, &json), IMZA_OK);
        CHECK(has(json, "sub_indication", "\"NO_CERTIFICATE_CHAIN_FOUND\""));
        CHECK(has(json, "indication", "\"INDETERMINATE\""));
        imza_string_free(json);
        imza_verify_options_free(o);
        free(cert);
    }
}

static void test_validate_errors(void) {
    imza_verify_options *o = p256_options(AT, IMZA_REVOCATION_OFFLINE);
    size_t n = 0;
    uint8_t *cert = read_file(P256 "signer.pem", &n);
    const uint8_t junk[] = {0x30, 0x82, 0x01};
    char *json = (char *)1;

    CHECK_RESULT(imza_cert_validate(NULL, cert, n, 0, &json), IMZA_NULL_PARAMETER);
    CHECK(json == NULL); /* cleared before anything else */
    CHECK_RESULT(imza_cert_validate(o, cert, n, 0, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_cert_validate(o, NULL, 3, 0, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_cert_validate(o, cert, n, 99, &json), IMZA_INVALID_ARGUMENT);
    CHECK(json == NULL);
    /* A leaf that is not a certificate: the path code for a malformed certificate. */
    CHECK_ERR(imza_cert_validate(o, junk, sizeof junk, 0, &json), PATH_MALFORMED);
    CHECK(strlen(last_error()) > 0);
    CHECK(json == NULL);
    CHECK_ERR(imza_cert_validate(o, NULL, 0, 0, &json), PATH_MALFORMED);
    CHECK(json == NULL);
    /* A supplied CRL that does not parse: the CRL code, when it is used. */
    CHECK_RESULT(imza_verify_options_add_crl(o, junk, sizeof junk), IMZA_OK);
    CHECK_ERR(imza_cert_validate(o, cert, n, 0, &json), CRL_MALFORMED);
    CHECK(strlen(last_error()) > 0);
    CHECK(json == NULL);

    free(cert);
    imza_verify_options_free(o);
}

int main(void) {
    test_show();
    test_validate();
    test_validate_errors();
    printf("test_cert: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
