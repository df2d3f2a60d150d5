/* C tests of the certificate functions: imza_cert_show_json and imza_cert_validate (path
 * validation for a purpose at a time, with revocation skipped, offline or online).
 * Every error path: NULL arguments, malformed certificates and intermediates, unknown
 * purposes, revocation modes and times.
 * Inputs come from the repository (test-vectors/pki, test-vectors/certs); see check.h. */
#include <stdint.h>

#include "check.h"

#define P256 "test-vectors/pki/ecdsa-p256/"
/* 2026-06-01T00:00:00Z: inside the validity of the test PKI (2025-2035). */
#define AT 1780272000

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

/* Validates P256/<leaf>.pem with the intermediate; returns the JSON (to free). */
static char *validate(imza_trust_store *t, const char *leaf, uint32_t purpose, int64_t at,
                      uint32_t mode) {
    char rel[256];
    size_t ln = 0, in = 0;
    uint8_t *cert, *inter;
    char *json = NULL;
    snprintf(rel, sizeof rel, P256 "%s.pem", leaf);
    cert = read_file(rel, &ln);
    inter = read_file(P256 "intermediate.pem", &in);
    CHECK_RESULT(imza_cert_validate(t, cert, ln, inter, in, purpose, at, mode, &json), IMZA_OK);
    CHECK(json != NULL);
    free(cert);
    free(inter);
    return json;
}

static void test_validate(void) {
    imza_trust_store *t = p256_trust();
    char *json;

    /* A valid path, revocation skipped by request. */
    json = validate(t, "signer", IMZA_PURPOSE_DOCUMENT_SIGNING, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_PASSED\""));
    CHECK(has(json, "sub_indication", "null"));
    CHECK(has(json, "purpose", "\"document_signing\""));
    CHECK(has(json, "revocation", "\"not_checked_by_request\""));
    CHECK(has(json, "trust_anchor", "true"));
    CHECK(json != NULL && strstr(json, "CN=P-256 Signer") != NULL);
    CHECK(json != NULL && strstr(json, "\"name_constraints\"") != NULL);
    imza_string_free(json);

    /* Offline, with no revocation data: the status cannot be established. */
    json = validate(t, "signer", IMZA_PURPOSE_DOCUMENT_SIGNING, AT, IMZA_REVOCATION_OFFLINE);
    CHECK(has(json, "indication", "\"INDETERMINATE\""));
    CHECK(has(json, "sub_indication", "\"TRY_LATER\""));
    CHECK(has(json, "revocation", "\"offline\""));
    imza_string_free(json);

    /* The login certificate for authentication; "now" as the time. */
    json = validate(t, "login", IMZA_PURPOSE_AUTHENTICATION, IMZA_TIME_NOW, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_PASSED\""));
    CHECK(has(json, "purpose", "\"authentication\""));
    imza_string_free(json);

    /* The wrong purpose: a signing certificate is not a time-stamping unit. */
    json = validate(t, "signer", IMZA_PURPOSE_TIMESTAMPING, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_FAILED\""));
    CHECK(has(json, "sub_indication", "\"CHAIN_CONSTRAINTS_FAILURE\""));
    CHECK(json != NULL && strstr(json, "\"path\": []") != NULL);
    imza_string_free(json);
    json = validate(t, "wrong-eku", IMZA_PURPOSE_DOCUMENT_SIGNING, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_FAILED\""));
    imza_string_free(json);

    /* Expired, and not yet valid. */
    json = validate(t, "expired", IMZA_PURPOSE_ANY, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"INDETERMINATE\""));
    CHECK(has(json, "sub_indication", "\"OUT_OF_BOUNDS_NO_POE\""));
    imza_string_free(json);
    json = validate(t, "signer", IMZA_PURPOSE_ANY, 1000000000, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "sub_indication", "\"NOT_YET_VALID\""));
    imza_string_free(json);

    /* An unknown critical extension. */
    json = validate(t, "unknown-critical-ext", IMZA_PURPOSE_ANY, AT, IMZA_REVOCATION_SKIP);
    CHECK(has(json, "indication", "\"TOTAL_FAILED\""));
    CHECK(has(json, "sub_indication", "\"CERTIFICATE_CHAIN_GENERAL_FAILURE\""));
    imza_string_free(json);

    /* Without the intermediate: no chain. */
    {
        size_t n = 0;
        uint8_t *cert = read_file(P256 "signer.der", &n);
        json = NULL;
        CHECK_RESULT(imza_cert_validate(t, cert, n, NULL, 0, IMZA_PURPOSE_ANY, AT,
                                        IMZA_REVOCATION_SKIP, &json),
                     IMZA_OK);
        CHECK(has(json, "sub_indication", "\"NO_CERTIFICATE_CHAIN_FOUND\""));
        CHECK(has(json, "indication", "\"INDETERMINATE\""));
        imza_string_free(json);
        free(cert);
    }
    imza_trust_store_free(t);
}

static void test_validate_errors(void) {
    imza_trust_store *t = p256_trust();
    size_t n = 0, in = 0;
    uint8_t *cert = read_file(P256 "signer.pem", &n);
    uint8_t *inter = read_file(P256 "intermediate.pem", &in);
    const uint8_t junk[] = {0x30, 0x82, 0x01};
    char *json = (char *)1;
    imza_result r;

    CHECK_RESULT(imza_cert_validate(NULL, cert, n, inter, in, 0, AT, 0, &json), IMZA_NULL_PARAMETER);
    CHECK(json == NULL); /* cleared before anything else */
    CHECK_RESULT(imza_cert_validate(t, cert, n, inter, in, 0, AT, 0, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_cert_validate(t, NULL, 3, inter, in, 0, AT, 0, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_cert_validate(t, cert, n, NULL, 3, 0, AT, 0, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_cert_validate(t, cert, n, inter, in, 99, AT, 0, &json), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_cert_validate(t, cert, n, inter, in, 0, AT, 3, &json), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_cert_validate(t, cert, n, inter, in, 0, -2, 0, &json), IMZA_INVALID_ARGUMENT);
    /* Intermediates that are not certificates. */
    CHECK_RESULT(imza_cert_validate(t, cert, n, junk, sizeof junk, 0, AT, 0, &json), IMZA_MALFORMED);
    CHECK(strlen(last_error()) > 0);
    /* A leaf that is not a certificate: a path validation code (800-899). */
    r = imza_cert_validate(t, junk, sizeof junk, inter, in, 0, AT, 0, &json);
    CHECK(r >= 800 && r < 900);
    CHECK(strlen(last_error()) > 0);
    CHECK(json == NULL);
    r = imza_cert_validate(t, NULL, 0, NULL, 0, 0, AT, 0, &json);
    CHECK(r >= 800 && r < 900);

    free(cert);
    free(inter);
    imza_trust_store_free(t);
}

int main(void) {
    test_show();
    test_validate();
    test_validate_errors();
    printf("test_cert: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
