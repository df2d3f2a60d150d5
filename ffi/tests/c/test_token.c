/* C tests of the token functions: issuing JWTs with key rotation and a published JWKS, and
 * verifying them with a JWKS, a public key or a certificate; OpenID Connect ID tokens; the
 * RFC 7520 §4.3 ES512 JWS (a real vector: its signature verifies, its payload is not a JWT).
 * Every error path: NULL arguments, bad UTF-8, malformed keys, claims and tokens, algorithms
 * outside the allow-list, expired tokens, wrong audience, issuer or nonce, retired keys.
 * Keys come from the repository (test-vectors/certs); see check.h.
 *
 * Each expected failure is checked by its exact code and that code's message (CHECK_ERR). */
#include <stdint.h>
#include <time.h>

#include "check.h"

/* imza's codes for the failures expected here (src/error/, imza::describe):
 * CHECK_ERR compares the code and imza_result_message's text with the _TEXT. */
#define JOSE_MALFORMED 1100
#define JOSE_MALFORMED_TEXT "token: malformed"
#define JOSE_ALGORITHM_NOT_ALLOWED 1103
#define JOSE_ALGORITHM_NOT_ALLOWED_TEXT "token: algorithm not allowed"
#define JOSE_NO_MATCHING_KEY 1105
#define JOSE_NO_MATCHING_KEY_TEXT "token: no configured key matches"
#define JOSE_KEY_MISMATCH 1107
#define JOSE_KEY_MISMATCH_TEXT "token: the key does not fit the algorithm"
#define JOSE_KEY_SET 1112
#define JOSE_KEY_SET_TEXT "token: the issuer's key set refuses the change"
#define JOSE_BAD_SIGNATURE 1108
#define JOSE_BAD_SIGNATURE_TEXT "token: signature does not verify"
#define CLAIM_EXPIRED 1152
#define CLAIM_EXPIRED_TEXT "token claim: expired (exp)"
#define CLAIM_ISSUER 1155
#define CLAIM_ISSUER_TEXT "token claim: wrong issuer (iss)"
#define CLAIM_AUDIENCE 1156
#define CLAIM_AUDIENCE_TEXT "token claim: wrong audience (aud)"
#define CLAIM_NONCE 1158
#define CLAIM_NONCE_TEXT "token claim: nonce does not match"

#define ISS "https://issuer.example"

/* RFC 7520 §3.1 (public part) and the compact JWS of §4.3 (ES512 over a quotation). */
static const char RFC7520_JWK[] =
    "{\"kty\": \"EC\", \"kid\": \"bilbo.baggins@hobbiton.example\", \"use\": \"sig\", "
    "\"crv\": \"P-521\", "
    "\"x\": \"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt\", "
    "\"y\": \"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1\"}";
static const char RFC7520_JWS[] =
    "eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9."
    "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250"
    "byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hl"
    "cmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4."
    "AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3"
    "mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2";

static imza_token_issuer *p256_issuer(const char *kid) {
    size_t n = 0;
    uint8_t *key = read_file("test-vectors/certs/p256.key", &n);
    imza_token_issuer *iss = NULL;
    CHECK_RESULT(imza_token_issuer_new(ISS, key, n, NULL, kid, &iss), IMZA_OK);
    memset(key, 0, n);
    free(key);
    return iss;
}

/* A verifier over `key` (JWKS, JWK, PEM or DER) allowing the given algorithms. */
static imza_token_verifier *verifier_for(const char *key, size_t key_len, const char *alg1,
                                         const char *alg2, const char *aud, int64_t at) {
    imza_token_verifier_builder *b = NULL;
    imza_token_verifier *v = NULL;
    CHECK_RESULT(imza_token_verifier_builder_new(&b), IMZA_OK);
    CHECK_RESULT(imza_token_verifier_builder_allow_algorithm(b, alg1), IMZA_OK);
    if (alg2 != NULL) {
        CHECK_RESULT(imza_token_verifier_builder_allow_algorithm(b, alg2), IMZA_OK);
    }
    CHECK_RESULT(imza_token_verifier_builder_add_key(b, (const uint8_t *)key, key_len), IMZA_OK);
    CHECK_RESULT(imza_token_verifier_builder_set_issuer(b, ISS), IMZA_OK);
    if (aud != NULL) {
        CHECK_RESULT(imza_token_verifier_builder_add_audience(b, aud), IMZA_OK);
    }
    CHECK_RESULT(imza_token_verifier_builder_set_time(b, at), IMZA_OK);
    CHECK_RESULT(imza_token_verifier_build(b, &v), IMZA_OK);
    imza_token_verifier_builder_free(b);
    return v;
}

static void test_issue_and_verify(void) {
    imza_token_issuer *iss = p256_issuer("k1");
    imza_token_verifier *v;
    char *token = NULL, *jwks = NULL, *json = NULL;
    imza_result r;

    CHECK_RESULT(imza_token_issuer_add_audience(iss, "portal"), IMZA_OK);
    CHECK_RESULT(imza_token_issue(iss, "{\"sub\": \"alice\", \"role\": \"clerk\"}", &token), IMZA_OK);
    CHECK(token != NULL && strncmp(token, "eyJ", 3) == 0);
    CHECK_RESULT(imza_token_issuer_jwks(iss, &jwks), IMZA_OK);
    CHECK(jwks != NULL && strstr(jwks, "\"kid\":\"k1\"") != NULL);
    CHECK(jwks != NULL && strstr(jwks, "\"alg\":\"ES256\"") != NULL);
    CHECK(jwks != NULL && strstr(jwks, "\"d\"") == NULL); /* no private part */

    /* With the JWKS. */
    v = verifier_for(jwks, strlen(jwks), "ES256", NULL, "portal", IMZA_TIME_NOW);
    CHECK_RESULT(imza_token_verify(v, token, &json), IMZA_OK);
    CHECK(json != NULL && strstr(json, "\"sub\": \"alice\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"alg\": \"ES256\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"kid\": \"k1\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"valid\": true") != NULL);
    imza_string_free(json);

    /* A tampered signature. */
    {
        size_t n = strlen(token);
        char *bad = (char *)dup_bytes((const unsigned char *)token, n + 1);
        bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
        json = (char *)1;
        r = imza_token_verify(v, bad, &json);
        CHECK_ERR(r, JOSE_BAD_SIGNATURE);
        CHECK(json == NULL);
        CHECK(strstr(last_error(), "signature") != NULL);
        free(bad);
    }
    /* Not a token, and not UTF-8. */
    r = imza_token_verify(v, "not.a-token", &json);
    CHECK_ERR(r, JOSE_MALFORMED);
    CHECK_RESULT(imza_token_verify(v, "\xff\xfe", &json), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_token_verify(v, NULL, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verify(NULL, token, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verify(v, token, NULL), IMZA_NULL_PARAMETER);
    imza_token_verifier_free(v);

    /* Checked an hour later: expired (300 s lifetime, 60 s leeway). */
    {
        imza_token_verifier_builder *b = NULL;
        v = NULL;
        CHECK_RESULT(imza_token_verifier_builder_new(&b), IMZA_OK);
        CHECK_RESULT(imza_token_verifier_builder_allow_algorithm(b, "ES256"), IMZA_OK);
        CHECK_RESULT(imza_token_verifier_builder_add_key(b, (const uint8_t *)jwks, strlen(jwks)), IMZA_OK);
        CHECK_RESULT(imza_token_verifier_builder_add_audience(b, "portal"), IMZA_OK);
        CHECK_RESULT(imza_token_verifier_builder_set_leeway(b, 0), IMZA_OK);
        CHECK_RESULT(imza_token_verifier_builder_set_time(b, (int64_t)time(NULL) + 3600), IMZA_OK);
        CHECK_RESULT(imza_token_verifier_build(b, &v), IMZA_OK);
        r = imza_token_verify(v, token, &json);
        CHECK_ERR(r, CLAIM_EXPIRED);
        CHECK(strstr(last_error(), "expired") != NULL);
        imza_token_verifier_free(v);
        /* Back to "now", with a wrong issuer expected. */
        CHECK_RESULT(imza_token_verifier_builder_set_time(b, IMZA_TIME_NOW), IMZA_OK);
        CHECK_RESULT(imza_token_verifier_builder_set_issuer(b, "https://other.example"), IMZA_OK);
        CHECK_RESULT(imza_token_verifier_build(b, &v), IMZA_OK);
        r = imza_token_verify(v, token, &json);
        CHECK_ERR(r, CLAIM_ISSUER);
        CHECK(strstr(last_error(), "iss") != NULL);
        imza_token_verifier_free(v);
        imza_token_verifier_builder_free(b);
    }

    /* A wrong audience, and no audience expected while the token names one. */
    v = verifier_for(jwks, strlen(jwks), "ES256", NULL, "another", IMZA_TIME_NOW);
    r = imza_token_verify(v, token, &json);
    CHECK_ERR(r, CLAIM_AUDIENCE);
    CHECK(strstr(last_error(), "aud") != NULL);
    imza_token_verifier_free(v);
    v = verifier_for(jwks, strlen(jwks), "ES256", NULL, NULL, IMZA_TIME_NOW);
    CHECK_ERR(imza_token_verify(v, token, &json), CLAIM_AUDIENCE);
    imza_token_verifier_free(v);

    /* With the certificate of the key (PEM), and with its DER. */
    {
        size_t n = 0;
        uint8_t *cert = read_file("test-vectors/certs/p256.pem", &n);
        v = verifier_for((const char *)cert, n, "ES256", NULL, "portal", IMZA_TIME_NOW);
        CHECK_RESULT(imza_token_verify(v, token, &json), IMZA_OK);
        imza_string_free(json);
        imza_token_verifier_free(v);
        free(cert);
        cert = read_file("test-vectors/certs/p256.der", &n);
        v = verifier_for((const char *)cert, n, "ES256", NULL, "portal", IMZA_TIME_NOW);
        CHECK_RESULT(imza_token_verify(v, token, &json), IMZA_OK);
        imza_string_free(json);
        imza_token_verifier_free(v);
        free(cert);
    }
    /* ES256 is not on the allow-list: refused, even though the key fits it. */
    {
        size_t n = 0;
        uint8_t *cert = read_file("test-vectors/certs/p384.pem", &n);
        v = verifier_for((const char *)cert, n, "ES384", NULL, "portal", IMZA_TIME_NOW);
        r = imza_token_verify(v, token, &json);
        CHECK_ERR(r, JOSE_ALGORITHM_NOT_ALLOWED);
        CHECK(strstr(last_error(), "ES256") != NULL);
        imza_token_verifier_free(v);
        free(cert);
    }
    /* Another key of the same type: no matching key or a bad signature. */
    {
        size_t n = 0;
        uint8_t *cert = read_file("test-vectors/pki/ecdsa-p256/signer.pem", &n);
        v = verifier_for((const char *)cert, n, "ES256", NULL, "portal", IMZA_TIME_NOW);
        CHECK_ERR(imza_token_verify(v, token, &json), JOSE_BAD_SIGNATURE);
        imza_token_verifier_free(v);
        free(cert);
    }

    imza_string_free(token);
    imza_string_free(jwks);
    imza_token_issuer_free(iss);
}

static void test_rotation(void) {
    imza_token_issuer *iss = p256_issuer("k1");
    size_t n = 0;
    uint8_t *key2 = read_file("test-vectors/certs/p384.key", &n);
    uint8_t *ed = NULL;
    char *kid = NULL, *kid3 = NULL, *old = NULL, *new_ = NULL, *jwks = NULL, *jwks2 = NULL, *json = NULL;
    imza_token_verifier *v;
    imza_result r;

    CHECK_RESULT(imza_token_issue(iss, NULL, &old), IMZA_OK);
    CHECK_RESULT(imza_token_issuer_add_key(iss, key2, n, NULL, "k2", &kid), IMZA_OK);
    CHECK(kid != NULL && strcmp(kid, "k2") == 0);
    /* The same kid again. */
    r = imza_token_issuer_add_key(iss, key2, n, NULL, "k2", &kid3);
    CHECK_ERR(r, JOSE_KEY_SET);
    CHECK(kid3 == NULL);
    /* An Ed25519 key under its RFC 7638 thumbprint. */
    {
        size_t en = 0;
        ed = read_file("test-vectors/certs/ed25519.key", &en);
        CHECK_RESULT(imza_token_issuer_add_key(iss, ed, en, "EdDSA", NULL, &kid3), IMZA_OK);
        CHECK(kid3 != NULL && strlen(kid3) == 43);
        CHECK_RESULT(imza_token_issuer_retire(iss, kid3), IMZA_OK);
        imza_string_free(kid3);
        kid3 = NULL;
    }
    CHECK_RESULT(imza_token_issuer_activate(iss, "k2"), IMZA_OK);
    CHECK_RESULT(imza_token_issue(iss, "{}", &new_), IMZA_OK);
    CHECK_RESULT(imza_token_issuer_jwks(iss, &jwks), IMZA_OK);
    CHECK(strstr(jwks, "\"kid\":\"k1\"") != NULL && strstr(jwks, "\"kid\":\"k2\"") != NULL);

    /* Both tokens verify with the JWKS published after the rotation. */
    v = verifier_for(jwks, strlen(jwks), "ES256", "ES384", NULL, IMZA_TIME_NOW);
    CHECK_RESULT(imza_token_verify(v, old, &json), IMZA_OK);
    CHECK(strstr(json, "\"kid\": \"k1\"") != NULL);
    imza_string_free(json);
    CHECK_RESULT(imza_token_verify(v, new_, &json), IMZA_OK);
    CHECK(strstr(json, "\"kid\": \"k2\"") != NULL && strstr(json, "\"alg\": \"ES384\"") != NULL);
    imza_string_free(json);
    imza_token_verifier_free(v);

    /* k1 retired: gone from the JWKS, its tokens stop verifying. */
    CHECK_ERR(imza_token_issuer_retire(iss, "k2"), JOSE_KEY_SET); /* the active key */
    CHECK_ERR(imza_token_issuer_retire(iss, "nope"), JOSE_NO_MATCHING_KEY);
    CHECK_ERR(imza_token_issuer_activate(iss, "nope"), JOSE_NO_MATCHING_KEY);
    CHECK_RESULT(imza_token_issuer_retire(iss, "k1"), IMZA_OK);
    CHECK_RESULT(imza_token_issuer_jwks(iss, &jwks2), IMZA_OK);
    CHECK(strstr(jwks2, "\"kid\":\"k1\"") == NULL);
    v = verifier_for(jwks2, strlen(jwks2), "ES256", "ES384", NULL, IMZA_TIME_NOW);
    r = imza_token_verify(v, old, &json);
    CHECK_ERR(r, JOSE_NO_MATCHING_KEY);
    CHECK_RESULT(imza_token_verify(v, new_, &json), IMZA_OK);
    imza_string_free(json);
    imza_token_verifier_free(v);

    /* The lifetime setter. */
    CHECK_RESULT(imza_token_issuer_set_lifetime(iss, 7200), IMZA_OK);
    CHECK_RESULT(imza_token_issuer_set_lifetime(NULL, 1), IMZA_NULL_PARAMETER);

    /* Error paths of the issuer. */
    CHECK_RESULT(imza_token_issuer_activate(NULL, "k2"), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issuer_activate(iss, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issuer_retire(iss, "\xc3\x28"), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_token_issuer_add_key(iss, key2, n, NULL, NULL, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issuer_add_key(NULL, key2, n, NULL, NULL, &kid3), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issuer_add_key(iss, (const uint8_t *)"junk", 4, NULL, NULL, &kid3),
                 IMZA_MALFORMED);
    CHECK_RESULT(imza_token_issuer_add_audience(iss, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issue(iss, "[1, 2]", &json), IMZA_MALFORMED);
    CHECK_RESULT(imza_token_issue(iss, "{\"a\":", &json), IMZA_MALFORMED);
    CHECK(json == NULL);
    CHECK_RESULT(imza_token_issue(iss, "\xff", &json), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_token_issue(NULL, NULL, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issue(iss, NULL, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issuer_jwks(NULL, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issuer_jwks(iss, NULL), IMZA_NULL_PARAMETER);

    imza_string_free(kid);
    imza_string_free(kid3);
    imza_string_free(old);
    imza_string_free(new_);
    imza_string_free(jwks);
    imza_string_free(jwks2);
    imza_token_issuer_free(iss);
    imza_token_issuer_free(NULL);
    free(key2);
    free(ed);
}

static void test_issuer_errors(void) {
    size_t n = 0;
    uint8_t *p384 = read_file("test-vectors/certs/p384.key", &n);
    imza_token_issuer *iss = (imza_token_issuer *)1;
    /* ES256 needs a P-256 key. */
    CHECK_RESULT(imza_token_issuer_new(ISS, p384, n, "ES256", NULL, &iss), IMZA_KEY_MISMATCH);
    CHECK(iss == NULL);
    CHECK_RESULT(imza_token_issuer_new(ISS, p384, n, "none", NULL, &iss), IMZA_UNSUPPORTED_ALGORITHM);
    CHECK_RESULT(imza_token_issuer_new(ISS, p384, n, "RS256", NULL, &iss), IMZA_KEY_MISMATCH);
    CHECK_RESULT(imza_token_issuer_new(ISS, (const uint8_t *)"nope", 4, NULL, NULL, &iss), IMZA_MALFORMED);
    CHECK_RESULT(imza_token_issuer_new(NULL, p384, n, NULL, NULL, &iss), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issuer_new(ISS, NULL, 3, NULL, NULL, &iss), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issuer_new(ISS, p384, n, NULL, NULL, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_issuer_new("\xff", p384, n, NULL, NULL, &iss), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_token_issuer_new(ISS, p384, n, "\xff", NULL, &iss), IMZA_INVALID_UTF8);
    /* An RSA key: RS256 by default, PS256 on request. */
    {
        size_t rn = 0;
        uint8_t *rsa = read_file("test-vectors/certs/rsa2048.key", &rn);
        char *token = NULL, *jwks = NULL, *json = NULL;
        imza_token_verifier *v;
        CHECK_RESULT(imza_token_issuer_new(ISS, rsa, rn, "PS256", "r1", &iss), IMZA_OK);
        CHECK_RESULT(imza_token_issue(iss, NULL, &token), IMZA_OK);
        CHECK_RESULT(imza_token_issuer_jwks(iss, &jwks), IMZA_OK);
        CHECK(strstr(jwks, "\"alg\":\"PS256\"") != NULL);
        v = verifier_for(jwks, strlen(jwks), "PS256", NULL, NULL, IMZA_TIME_NOW);
        CHECK_RESULT(imza_token_verify(v, token, &json), IMZA_OK);
        imza_string_free(json);
        imza_token_verifier_free(v);
        imza_string_free(token);
        imza_string_free(jwks);
        imza_token_issuer_free(iss);
        free(rsa);
    }
    free(p384);
}

static void test_id_token(void) {
    imza_token_issuer *iss = p256_issuer("id1");
    imza_token_verifier *v;
    imza_token_verifier_builder *b = NULL;
    char *token = NULL, *jwks = NULL, *json = NULL;
    imza_result r;

    CHECK_RESULT(imza_token_issuer_add_audience(iss, "client-1"), IMZA_OK);
    CHECK_RESULT(imza_token_issue(iss, "{\"sub\": \"38001085718\", \"nonce\": \"n-123\"}", &token),
                 IMZA_OK);
    CHECK_RESULT(imza_token_issuer_jwks(iss, &jwks), IMZA_OK);
    v = verifier_for(jwks, strlen(jwks), "ES256", NULL, NULL, IMZA_TIME_NOW);

    CHECK_RESULT(imza_token_verify_id_token(v, token, "client-1", "n-123", &json), IMZA_OK);
    CHECK(json != NULL && strstr(json, "\"sub\": \"38001085718\"") != NULL);
    imza_string_free(json);
    CHECK_RESULT(imza_token_verify_id_token(v, token, "client-1", NULL, &json), IMZA_OK);
    imza_string_free(json);
    r = imza_token_verify_id_token(v, token, "client-1", "n-999", &json);
    CHECK_ERR(r, CLAIM_NONCE);
    CHECK(strstr(last_error(), "nonce") != NULL);
    CHECK(json == NULL);
    r = imza_token_verify_id_token(v, token, "client-2", "n-123", &json);
    CHECK_ERR(r, CLAIM_AUDIENCE);
    CHECK_RESULT(imza_token_verify_id_token(v, token, NULL, NULL, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verify_id_token(v, token, "client-1", "\xff", &json), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_token_verify_id_token(v, NULL, "client-1", NULL, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verify_id_token(NULL, token, "client-1", NULL, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verify_id_token(v, token, "client-1", NULL, NULL), IMZA_NULL_PARAMETER);
    imza_token_verifier_free(v);

    /* Without an issuer, an ID token cannot be checked. */
    CHECK_RESULT(imza_token_verifier_builder_new(&b), IMZA_OK);
    CHECK_RESULT(imza_token_verifier_builder_allow_algorithm(b, "ES256"), IMZA_OK);
    CHECK_RESULT(imza_token_verifier_builder_add_key(b, (const uint8_t *)jwks, strlen(jwks)), IMZA_OK);
    CHECK_RESULT(imza_token_verifier_build(b, &v), IMZA_OK);
    CHECK_RESULT(imza_token_verify_id_token(v, token, "client-1", NULL, &json), IMZA_INVALID_ARGUMENT);
    CHECK(strstr(last_error(), "issuer") != NULL);
    imza_token_verifier_free(v);
    imza_token_verifier_builder_free(b);

    imza_string_free(token);
    imza_string_free(jwks);
    imza_token_issuer_free(iss);
}

static void test_builder_errors(void) {
    imza_token_verifier_builder *b = NULL;
    imza_token_verifier *v = (imza_token_verifier *)1;
    imza_trust_store *t = NULL;
    char *json = NULL;
    imza_result r;

    CHECK_RESULT(imza_token_verifier_builder_new(NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_new(&b), IMZA_OK);
    /* No algorithm. */
    CHECK_RESULT(imza_token_verifier_build(b, &v), IMZA_INVALID_ARGUMENT);
    CHECK(v == NULL);
    CHECK_ERR(imza_token_verifier_builder_allow_algorithm(b, "none"), JOSE_ALGORITHM_NOT_ALLOWED);
    CHECK_ERR(imza_token_verifier_builder_allow_algorithm(b, "ES999"), JOSE_ALGORITHM_NOT_ALLOWED);
    CHECK_RESULT(imza_token_verifier_builder_allow_algorithm(b, "\xff"), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_token_verifier_builder_allow_algorithm(b, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_allow_algorithm(NULL, "ES256"), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_allow_algorithm(b, "RS256"), IMZA_OK);
    /* No key. */
    CHECK_RESULT(imza_token_verifier_build(b, &v), IMZA_INVALID_ARGUMENT);
    /* Malformed keys. */
    CHECK_RESULT(imza_token_verifier_builder_add_key(b, (const uint8_t *)"junk", 4), IMZA_MALFORMED);
    CHECK_ERR(imza_token_verifier_builder_add_key(b, (const uint8_t *)"{\"kty\": 1}", 10), JOSE_MALFORMED);
    CHECK_ERR(imza_token_verifier_builder_add_key(b, (const uint8_t *)"{\"keys\": 3}", 11), JOSE_MALFORMED);
    CHECK_RESULT(imza_token_verifier_builder_add_key(b, NULL, 2), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_add_key(NULL, (const uint8_t *)"x", 1), IMZA_NULL_PARAMETER);
    /* An EC key while only RS256 is allowed: nothing binds, the detail says why. */
    {
        size_t n = 0;
        uint8_t *cert = read_file("test-vectors/certs/p256.pem", &n);
        CHECK_RESULT(imza_token_verifier_builder_add_key(b, cert, n), IMZA_OK);
        CHECK_RESULT(imza_token_verifier_build(b, &v), IMZA_INVALID_ARGUMENT);
        CHECK(strstr(last_error(), "RS256") != NULL);
        free(cert);
    }
    CHECK_RESULT(imza_token_verifier_build(b, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_build(NULL, &v), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_set_issuer(b, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_set_issuer(b, "\xff"), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_token_verifier_builder_add_audience(NULL, "a"), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_set_leeway(NULL, 1), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_set_time(b, -7), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_token_verifier_builder_set_time(NULL, 0), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_set_x5c_trust(b, NULL), IMZA_NULL_PARAMETER);

    /* x5c trust alone makes a verifier; a token without x5c finds no key. */
    CHECK_RESULT(imza_trust_store_new(&t), IMZA_OK);
    CHECK_RESULT(imza_trust_store_add_path(t, repo_path("test-vectors/pki/ecdsa-p256/root.pem")), IMZA_OK);
    imza_token_verifier_builder_free(b);
    CHECK_RESULT(imza_token_verifier_builder_new(&b), IMZA_OK);
    CHECK_RESULT(imza_token_verifier_builder_allow_algorithm(b, "ES512"), IMZA_OK);
    CHECK_RESULT(imza_token_verifier_builder_set_x5c_trust(NULL, t), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_token_verifier_builder_set_x5c_trust(b, t), IMZA_OK);
    imza_trust_store_free(t); /* the builder keeps a copy */
    CHECK_RESULT(imza_token_verifier_build(b, &v), IMZA_OK);
    r = imza_token_verify(v, RFC7520_JWS, &json);
    CHECK_ERR(r, JOSE_NO_MATCHING_KEY);
    CHECK(strstr(last_error(), "key") != NULL);
    imza_token_verifier_free(v);
    imza_token_verifier_builder_free(b);
    imza_token_verifier_builder_free(NULL);
    imza_token_verifier_free(NULL);
}

/* RFC 7520 §4.3: the signature verifies with the §3.1 JWK (the failure is the payload,
 * which is a quotation, not JWT claims); one changed signature character fails earlier. */
static void test_rfc7520(void) {
    imza_token_verifier *v =
        verifier_for(RFC7520_JWK, strlen(RFC7520_JWK), "ES512", NULL, NULL, IMZA_TIME_NOW);
    char *json = NULL;
    char bad[sizeof RFC7520_JWS];
    imza_result r = imza_token_verify(v, RFC7520_JWS, &json);
    CHECK_ERR(r, JOSE_MALFORMED);
    CHECK(strstr(last_error(), "signature") == NULL);
    CHECK(json == NULL);
    memcpy(bad, RFC7520_JWS, sizeof bad);
    bad[sizeof bad - 3] = bad[sizeof bad - 3] == 'x' ? 'y' : 'x';
    r = imza_token_verify(v, bad, &json);
    CHECK_ERR(r, JOSE_BAD_SIGNATURE);
    CHECK(strstr(last_error(), "signature") != NULL);
    imza_token_verifier_free(v);
}

int main(void) {
    test_issue_and_verify();
    test_rotation();
    test_issuer_errors();
    test_id_token();
    test_builder_errors();
    test_rfc7520();
    printf("test_token: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
