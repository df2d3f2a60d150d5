/* C tests of the Web eID functions: challenge stores (imza's memory store and a host store
 * through callbacks), making and taking challenges, and token validation.
 * Every error path: NULL arguments, bad UTF-8, invalid keys, a full store, callbacks that
 * fail or give back expired or unterminated challenges, malformed and tampered tokens, the
 * wrong origin or challenge, an untrusted CA.
 *
 * The token is ffi/tests/data/webeid-login-p256.json: a web-eid:1.0 token made by
 * imza::webeid::create_token with test-vectors/pki/ecdsa-p256/login.key for
 * https://portal.example and the challenge NONCE below (see the Rust test
 * webeid::tests::webeid_fixture_validates, which regenerates it with IMZA_BLESS=1).
 *
 * Each expected failure is checked by its exact code and that code's message (CHECK_ERR). */
#include <stdint.h>
#include <time.h>

#include "check.h"

/* imza's codes for the failures expected here (src/error/, imza::describe):
 * CHECK_ERR compares the code and imza_result_message's text with the _TEXT. */
#define WEBEID_TOKEN_LENGTH 1200
#define WEBEID_TOKEN_LENGTH_TEXT "Web eID: token length out of range"
#define WEBEID_NOT_JSON 1202
#define WEBEID_NOT_JSON_TEXT "Web eID: token is not a Web eID JSON object"
#define WEBEID_NOT_YET_VALID 1214
#define WEBEID_NOT_YET_VALID_TEXT "Web eID: the certificate is not yet valid"
#define WEBEID_UNTRUSTED 1216
#define WEBEID_UNTRUSTED_TEXT "Web eID: the certificate is not trusted"
#define WEBEID_REVOCATION_UNKNOWN 1218
#define WEBEID_REVOCATION_UNKNOWN_TEXT "Web eID: revocation status unknown"
#define WEBEID_ORIGIN 1219
#define WEBEID_ORIGIN_TEXT "Web eID: invalid origin"
#define WEBEID_CHALLENGE 1220
#define WEBEID_CHALLENGE_TEXT "Web eID: invalid challenge"
#define WEBEID_BAD_SIGNATURE 1223
#define WEBEID_BAD_SIGNATURE_TEXT "Web eID: the signature does not verify"
#define CHALLENGE_NOT_FOUND 1250
#define CHALLENGE_NOT_FOUND_TEXT "Web eID challenge: not found (never issued or already used)"
#define CHALLENGE_EXPIRED 1251
#define CHALLENGE_EXPIRED_TEXT "Web eID challenge: expired"
#define CHALLENGE_INVALID_KEY 1252
#define CHALLENGE_INVALID_KEY_TEXT "Web eID challenge: invalid store key"
#define CHALLENGE_STORE_FULL 1253
#define CHALLENGE_STORE_FULL_TEXT "Web eID challenge: the store is full"
#define CHALLENGE_STORE_FAILED 1254
#define CHALLENGE_STORE_FAILED_TEXT "Web eID challenge: the store failed"

#define ORIGIN "https://portal.example"
#define NONCE "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define FIXTURE "ffi/tests/data/webeid-login-p256.json"
/* 2026-06-01T00:00:00Z: inside the login certificate's validity (2025-2035). */
#define AT 1780272000

/* Functions, not macros: the argument is a call, evaluated once. */

/* ---- a host store: a few slots, and switches to make it misbehave ---- */

struct slot {
    char key[300];
    char nonce[64];
    int64_t issued_at, expires_at;
    int used;
};

struct host_store {
    struct slot slots[4];
    imza_result put_result, take_result;
    int expire, negative, unterminated;
    unsigned puts, takes;
};

static imza_result host_put(void *userdata, const char *key, const char *nonce, int64_t issued_at,
                            int64_t expires_at) {
    struct host_store *s = userdata;
    size_t i;
    s->puts++;
    if (s->put_result != IMZA_OK) {
        return s->put_result;
    }
    for (i = 0; i < 4; i++) {
        if (!s->slots[i].used || strcmp(s->slots[i].key, key) == 0) {
            snprintf(s->slots[i].key, sizeof s->slots[i].key, "%s", key);
            snprintf(s->slots[i].nonce, sizeof s->slots[i].nonce, "%s", nonce);
            s->slots[i].issued_at = issued_at;
            s->slots[i].expires_at = expires_at;
            s->slots[i].used = 1;
            return IMZA_OK;
        }
    }
    return 42; /* full */
}

static imza_result host_take(void *userdata, const char *key, char *nonce, size_t nonce_cap,
                             int64_t *issued_at, int64_t *expires_at, uint32_t *found) {
    struct host_store *s = userdata;
    size_t i;
    s->takes++;
    if (s->take_result != IMZA_OK) {
        return s->take_result;
    }
    *found = 0;
    for (i = 0; i < 4; i++) {
        if (s->slots[i].used && strcmp(s->slots[i].key, key) == 0) {
            s->slots[i].used = 0;
            if (s->unterminated) {
                memset(nonce, 'A', nonce_cap); /* no NUL anywhere */
            } else {
                snprintf(nonce, nonce_cap, "%s", s->slots[i].nonce);
            }
            *issued_at = s->slots[i].issued_at;
            *expires_at = s->expire ? 1000 : s->negative ? -5 : s->slots[i].expires_at;
            *found = 1;
            return IMZA_OK;
        }
    }
    return IMZA_OK;
}

static void test_memory_store(void) {
    imza_challenge_store *s = NULL;
    char *c1 = NULL, *c2 = NULL, *got = NULL;
    char long_key[300];
    imza_result r;

    CHECK_RESULT(imza_challenge_store_new_memory(0, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_challenge_store_new_memory(0, &s), IMZA_OK);
    CHECK_RESULT(imza_webeid_create_challenge(s, "session-1", &c1), IMZA_OK);
    CHECK(c1 != NULL && strlen(c1) == 44);
    CHECK_RESULT(imza_webeid_create_challenge(s, "session-2", &c2), IMZA_OK);
    CHECK(c2 != NULL && strcmp(c1, c2) != 0);

    /* Taken once. */
    CHECK_RESULT(imza_webeid_take_challenge(s, "session-1", &got), IMZA_OK);
    CHECK(got != NULL && strcmp(got, c1) == 0);
    imza_string_free(got);
    got = (char *)1;
    r = imza_webeid_take_challenge(s, "session-1", &got);
    CHECK_ERR(r, CHALLENGE_NOT_FOUND);
    CHECK(got == NULL);
    CHECK(strstr(last_error(), "no such challenge") != NULL);

    /* Keys: empty, too long, not UTF-8, NULL. */
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    CHECK_ERR(imza_webeid_create_challenge(s, "", &got), CHALLENGE_INVALID_KEY);
    CHECK_ERR(imza_webeid_create_challenge(s, long_key, &got), CHALLENGE_INVALID_KEY);
    CHECK_ERR(imza_webeid_take_challenge(s, long_key, &got), CHALLENGE_INVALID_KEY);
    CHECK_RESULT(imza_webeid_create_challenge(s, "\xff", &got), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_webeid_take_challenge(s, "\xff", &got), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_webeid_create_challenge(s, NULL, &got), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_create_challenge(NULL, "k", &got), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_create_challenge(s, "k", NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_take_challenge(NULL, "k", &got), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_take_challenge(s, NULL, &got), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_take_challenge(s, "k", NULL), IMZA_NULL_PARAMETER);
    imza_challenge_store_free(s);

    /* A store for one challenge: a second session does not fit. */
    CHECK_RESULT(imza_challenge_store_new_memory(1, &s), IMZA_OK);
    imza_string_free(c1);
    CHECK_RESULT(imza_webeid_create_challenge(s, "a", &c1), IMZA_OK);
    r = imza_webeid_create_challenge(s, "b", &got);
    CHECK_ERR(r, CHALLENGE_STORE_FULL);
    CHECK(strstr(last_error(), "full") != NULL);
    /* Replacing the challenge of the same session is fine. */
    imza_string_free(c2);
    CHECK_RESULT(imza_webeid_create_challenge(s, "a", &c2), IMZA_OK);
    CHECK_RESULT(imza_webeid_take_challenge(s, "a", &got), IMZA_OK);
    CHECK(got != NULL && strcmp(got, c2) == 0);
    imza_string_free(got);
    imza_challenge_store_free(s);
    imza_challenge_store_free(NULL);
    imza_string_free(c1);
    imza_string_free(c2);
}

static void test_callback_store(void) {
    struct host_store host;
    imza_challenge_store *s = NULL;
    char *c = NULL, *got = NULL;
    imza_result r;
    memset(&host, 0, sizeof host);

    CHECK_RESULT(imza_challenge_store_new_callbacks(NULL, host_take, &host, &s), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_challenge_store_new_callbacks(host_put, NULL, &host, &s), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_challenge_store_new_callbacks(host_put, host_take, &host, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_challenge_store_new_callbacks(host_put, host_take, &host, &s), IMZA_OK);

    CHECK_RESULT(imza_webeid_create_challenge(s, "session-1", &c), IMZA_OK);
    CHECK(host.puts == 1 && host.slots[0].used);
    CHECK(c != NULL && strcmp(host.slots[0].nonce, c) == 0);
    CHECK(host.slots[0].expires_at - host.slots[0].issued_at == 300);
    CHECK_RESULT(imza_webeid_take_challenge(s, "session-1", &got), IMZA_OK);
    CHECK(got != NULL && c != NULL && strcmp(got, c) == 0);
    imza_string_free(got);
    CHECK_ERR(imza_webeid_take_challenge(s, "session-1", &got), CHALLENGE_NOT_FOUND); /* found = 0 */
    CHECK(host.takes == 2);

    /* The host's put fails: no challenge is handed out. */
    host.put_result = 77;
    got = (char *)1;
    r = imza_webeid_create_challenge(s, "session-2", &got);
    CHECK_ERR(r, CHALLENGE_STORE_FAILED);
    CHECK(got == NULL);
    CHECK(strstr(last_error(), "77") != NULL);
    host.put_result = IMZA_OK;

    /* The host's take fails. */
    imza_string_free(c);
    CHECK_RESULT(imza_webeid_create_challenge(s, "session-3", &c), IMZA_OK);
    host.take_result = 88;
    r = imza_webeid_take_challenge(s, "session-3", &got);
    CHECK_ERR(r, CHALLENGE_STORE_FAILED);
    CHECK(strstr(last_error(), "88") != NULL);
    host.take_result = IMZA_OK;

    /* Expired, a negative time, a nonce without its NUL. */
    host.expire = 1;
    r = imza_webeid_take_challenge(s, "session-3", &got);
    CHECK_ERR(r, CHALLENGE_EXPIRED);
    CHECK(strstr(last_error(), "expired") != NULL);
    host.expire = 0;
    imza_string_free(c);
    CHECK_RESULT(imza_webeid_create_challenge(s, "session-4", &c), IMZA_OK);
    host.negative = 1;
    CHECK_ERR(imza_webeid_take_challenge(s, "session-4", &got), CHALLENGE_STORE_FAILED);
    host.negative = 0;
    imza_string_free(c);
    CHECK_RESULT(imza_webeid_create_challenge(s, "session-5", &c), IMZA_OK);
    host.unterminated = 1;
    r = imza_webeid_take_challenge(s, "session-5", &got);
    CHECK_ERR(r, CHALLENGE_STORE_FAILED);
    CHECK(strstr(last_error(), "NUL") != NULL);
    host.unterminated = 0;

    /* Keys the core refuses never reach the host. */
    host.puts = 0;
    CHECK_ERR(imza_webeid_create_challenge(s, "", &got), CHALLENGE_INVALID_KEY);
    CHECK(host.puts == 0);

    imza_string_free(c);
    imza_challenge_store_free(s);
}

static imza_webeid_options *options(const char *ca) {
    imza_trust_store *t = NULL;
    imza_webeid_options *o = NULL;
    CHECK_RESULT(imza_trust_store_new(&t), IMZA_OK);
    CHECK_RESULT(imza_trust_store_add_path(t, repo_path(ca)), IMZA_OK);
    CHECK_RESULT(imza_webeid_options_new(t, &o), IMZA_OK);
    imza_trust_store_free(t); /* the options keep a copy */
    CHECK_RESULT(imza_webeid_options_set_time(o, AT), IMZA_OK);
    return o;
}

static void test_validate(void) {
    size_t n = 0;
    uint8_t *token = read_file(FIXTURE, &n);
    imza_webeid_options *o = options("test-vectors/pki/ecdsa-p256/intermediate.pem");
    char *json = NULL;
    imza_result r;

    /* Revocation skipped: the person. */
    CHECK_RESULT(imza_webeid_options_set_revocation(o, IMZA_REVOCATION_SKIP), IMZA_OK);
    CHECK_RESULT(imza_webeid_validate(o, token, n, ORIGIN, NONCE, &json), IMZA_OK);
    CHECK(json != NULL && strstr(json, "\"common_name\": \"P-256 Login\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"country\": \"AZ\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"format\": \"web-eid:1.0\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"result\": \"not_checked\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"der\": \"MII") != NULL);
    imza_string_free(json);

    /* The wrong origin, the wrong challenge: the signature does not cover them. */
    json = (char *)1;
    r = imza_webeid_validate(o, token, n, "https://evil.example", NONCE, &json);
    CHECK_ERR(r, WEBEID_BAD_SIGNATURE);
    CHECK(json == NULL);
    r = imza_webeid_validate(o, token, n, ORIGIN, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=", &json);
    CHECK_ERR(r, WEBEID_BAD_SIGNATURE);
    CHECK(strlen(last_error()) > 0);
    /* Origins and challenges that are not well formed. */
    CHECK_ERR(imza_webeid_validate(o, token, n, "http://portal.example", NONCE, &json), WEBEID_ORIGIN);
    CHECK_ERR(imza_webeid_validate(o, token, n, ORIGIN, "", &json), WEBEID_CHALLENGE);
    /* Malformed tokens: truncated, not JSON, empty, tampered. */
    CHECK_ERR(imza_webeid_validate(o, token, n / 2, ORIGIN, NONCE, &json), WEBEID_NOT_JSON);
    CHECK_ERR(imza_webeid_validate(o, (const uint8_t *)"[]", 2, ORIGIN, NONCE, &json), WEBEID_TOKEN_LENGTH);
    CHECK_ERR(imza_webeid_validate(o, NULL, 0, ORIGIN, NONCE, &json), WEBEID_TOKEN_LENGTH);
    {
        uint8_t *bad = dup_bytes(token, n);
        char *sig = strstr((char *)bad, "\"signature\":\"");
        CHECK(sig != NULL);
        if (sig != NULL) {
            sig[14] = sig[14] == 'A' ? 'B' : 'A';
        }
        r = imza_webeid_validate(o, bad, n, ORIGIN, NONCE, &json);
        CHECK_ERR(r, WEBEID_BAD_SIGNATURE);
        free(bad);
    }
    /* Before the certificate's validity. */
    CHECK_RESULT(imza_webeid_options_set_time(o, 1000000000), IMZA_OK);
    CHECK_ERR(imza_webeid_validate(o, token, n, ORIGIN, NONCE, &json), WEBEID_NOT_YET_VALID);
    CHECK_RESULT(imza_webeid_options_set_time(o, AT), IMZA_OK);

    /* Revocation required (the default) with no OCSP response at hand: refused; a response
     * that is not OCSP does not help. */
    CHECK_RESULT(imza_webeid_options_set_revocation(o, IMZA_REVOCATION_OFFLINE), IMZA_OK);
    CHECK_ERR(imza_webeid_validate(o, token, n, ORIGIN, NONCE, &json), WEBEID_REVOCATION_UNKNOWN);
    CHECK_RESULT(imza_webeid_options_add_ocsp_response(o, (const uint8_t *)"\x30\x00", 2), IMZA_OK);
    CHECK_ERR(imza_webeid_validate(o, token, n, ORIGIN, NONCE, &json), WEBEID_REVOCATION_UNKNOWN);
    CHECK(json == NULL);

    /* Argument errors. */
    CHECK_RESULT(imza_webeid_validate(NULL, token, n, ORIGIN, NONCE, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_validate(o, token, n, ORIGIN, NONCE, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_validate(o, NULL, 5, ORIGIN, NONCE, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_validate(o, token, n, NULL, NONCE, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_validate(o, token, n, ORIGIN, NULL, &json), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_validate(o, token, n, "\xff", NONCE, &json), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_webeid_validate(o, token, n, ORIGIN, "\xc3\x28", &json), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_webeid_options_set_revocation(o, 3), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_webeid_options_set_revocation(NULL, 0), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_options_set_time(o, -3), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_webeid_options_set_time(o, IMZA_TIME_NOW), IMZA_OK);
    CHECK_RESULT(imza_webeid_options_set_time(NULL, 0), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_options_add_ocsp_response(o, NULL, 1), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_options_add_ocsp_response(NULL, token, n), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_webeid_options_set_transport(o, NULL), IMZA_NULL_PARAMETER);
    {
        imza_transport *tr = NULL;
        CHECK_RESULT(imza_transport_new_http(&tr), IMZA_OK);
        CHECK_RESULT(imza_webeid_options_set_transport(NULL, tr), IMZA_NULL_PARAMETER);
        CHECK_RESULT(imza_webeid_options_set_transport(o, tr), IMZA_OK);
        imza_transport_free(tr); /* the options keep a reference */
    }
    imza_webeid_options_free(o);
    o = (imza_webeid_options *)1;
    CHECK_RESULT(imza_webeid_options_new(NULL, &o), IMZA_NULL_PARAMETER);
    CHECK(o == NULL);
    CHECK_RESULT(imza_webeid_options_new(NULL, NULL), IMZA_NULL_PARAMETER);
    imza_webeid_options_free(NULL);

    /* Only the root as anchor: a web-eid:1.0 token brings no intermediate, no chain. */
    o = options("test-vectors/pki/ecdsa-p256/root.pem");
    CHECK_RESULT(imza_webeid_options_set_revocation(o, IMZA_REVOCATION_SKIP), IMZA_OK);
    r = imza_webeid_validate(o, token, n, ORIGIN, NONCE, &json);
    CHECK_ERR(r, WEBEID_UNTRUSTED);
    imza_webeid_options_free(o);
    free(token);
}

/* The whole login: the host store holds the challenge the token was made for; it is taken
 * once and the token validates with it; a replay finds no challenge. */
static void test_login_flow(void) {
    struct host_store host;
    imza_challenge_store *s = NULL;
    imza_webeid_options *o = options("test-vectors/pki/ecdsa-p256/intermediate.pem");
    size_t n = 0;
    uint8_t *token = read_file(FIXTURE, &n);
    char *challenge = NULL, *json = NULL;
    memset(&host, 0, sizeof host);
    CHECK_RESULT(imza_challenge_store_new_callbacks(host_put, host_take, &host, &s), IMZA_OK);
    CHECK_RESULT(host_put(&host, "session-9", NONCE, (int64_t)time(NULL), (int64_t)time(NULL) + 300),
                 IMZA_OK);
    CHECK_RESULT(imza_webeid_options_set_revocation(o, IMZA_REVOCATION_SKIP), IMZA_OK);

    CHECK_RESULT(imza_webeid_take_challenge(s, "session-9", &challenge), IMZA_OK);
    CHECK_RESULT(imza_webeid_validate(o, token, n, ORIGIN, challenge, &json), IMZA_OK);
    CHECK(json != NULL && strstr(json, "P-256 Login") != NULL);
    imza_string_free(json);
    imza_string_free(challenge);
    CHECK_ERR(imza_webeid_take_challenge(s, "session-9", &challenge), CHALLENGE_NOT_FOUND);
    CHECK(challenge == NULL);

    imza_challenge_store_free(s);
    imza_webeid_options_free(o);
    free(token);
}

int main(void) {
    test_memory_store();
    test_callback_store();
    test_validate();
    test_login_flow();
    printf("test_webeid: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
