/* C tests of imza's C ABI: a C program using only include/imza.h.
 *
 * Built and run by ffi/tests/run-c-tests.sh: once against the static library under
 * AddressSanitizer and UBSan, once against the shared library under valgrind.
 * Inputs are copied into heap blocks of exactly their size, so that reading past an
 * argument's length is caught (by ASan's interceptors, and by valgrind in the Rust code too).
 * The test vectors come from vectors.h, made by ffi/tests/gen-vectors.sh with OpenSSL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imza.h"
#include "check.h"
#include "vectors.h"

static void test_version(void) {
    const char *v = imza_version();
    unsigned major, minor, patch;
    CHECK(v != NULL);
    if (v == NULL) {
        return;
    }
    CHECK(sscanf(v, "%u.%u.%u", &major, &minor, &patch) == 3);
    CHECK(imza_version() == v); /* a static string, the same each time */
    printf("imza version %s\n", v);
}

static void test_valid_signatures(void) {
    uint8_t *spki = dup_bytes(ED25519_SPKI, sizeof ED25519_SPKI);
    uint8_t *msg = dup_bytes(MESSAGE, sizeof MESSAGE);
    uint8_t *sig = dup_bytes(ED25519_SIG, sizeof ED25519_SIG);
    CHECK_RESULT(imza_verify_signature("EdDSA", spki, sizeof ED25519_SPKI, msg,
                                       sizeof MESSAGE, sig, sizeof ED25519_SIG),
                 IMZA_OK);
    free(spki);
    free(sig);

    spki = dup_bytes(ES256_SPKI, sizeof ES256_SPKI);
    sig = dup_bytes(ES256_SIG, sizeof ES256_SIG);
    CHECK_RESULT(imza_verify_signature("ES256", spki, sizeof ES256_SPKI, msg,
                                       sizeof MESSAGE, sig, sizeof ES256_SIG),
                 IMZA_OK);
    free(spki);
    free(sig);
    free(msg);
}

static void test_tampered(void) {
    uint8_t *msg = dup_bytes(MESSAGE, sizeof MESSAGE);
    uint8_t *sig = dup_bytes(ED25519_SIG, sizeof ED25519_SIG);
    msg[0] ^= 0x01;
    CHECK_RESULT(imza_verify_signature("EdDSA", ED25519_SPKI, sizeof ED25519_SPKI, msg,
                                       sizeof MESSAGE, ED25519_SIG, sizeof ED25519_SIG),
                 IMZA_BAD_SIGNATURE);
    CHECK_RESULT(imza_verify_signature("ES256", ES256_SPKI, sizeof ES256_SPKI, msg,
                                       sizeof MESSAGE, ES256_SIG, sizeof ES256_SIG),
                 IMZA_BAD_SIGNATURE);
    /* The message one byte short. */
    CHECK_RESULT(imza_verify_signature("EdDSA", ED25519_SPKI, sizeof ED25519_SPKI, MESSAGE,
                                       sizeof MESSAGE - 1, ED25519_SIG, sizeof ED25519_SIG),
                 IMZA_BAD_SIGNATURE);
    /* A flipped signature bit. */
    sig[5] ^= 0x40;
    CHECK_RESULT(imza_verify_signature("EdDSA", ED25519_SPKI, sizeof ED25519_SPKI, MESSAGE,
                                       sizeof MESSAGE, sig, sizeof ED25519_SIG),
                 IMZA_BAD_SIGNATURE);
    free(msg);
    free(sig);
}

static void test_null_arguments(void) {
    CHECK_RESULT(imza_verify_signature(NULL, ED25519_SPKI, sizeof ED25519_SPKI, MESSAGE,
                                       sizeof MESSAGE, ED25519_SIG, sizeof ED25519_SIG),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_signature("EdDSA", NULL, sizeof ED25519_SPKI, MESSAGE,
                                       sizeof MESSAGE, ED25519_SIG, sizeof ED25519_SIG),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_signature("EdDSA", ED25519_SPKI, sizeof ED25519_SPKI, NULL,
                                       sizeof MESSAGE, ED25519_SIG, sizeof ED25519_SIG),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_signature("EdDSA", ED25519_SPKI, sizeof ED25519_SPKI, MESSAGE,
                                       sizeof MESSAGE, NULL, sizeof ED25519_SIG),
                 IMZA_NULL_PARAMETER);
    /* NULL with length 0 is an empty message: it is processed (and is not what was signed). */
    CHECK_RESULT(imza_verify_signature("EdDSA", ED25519_SPKI, sizeof ED25519_SPKI, NULL, 0,
                                       ED25519_SIG, sizeof ED25519_SIG),
                 IMZA_BAD_SIGNATURE);
    /* An empty key is not a SubjectPublicKeyInfo. */
    CHECK_RESULT(imza_verify_signature("EdDSA", NULL, 0, MESSAGE, sizeof MESSAGE, ED25519_SIG,
                                       sizeof ED25519_SIG),
                 IMZA_MALFORMED);
}

static void test_algorithm_errors(void) {
    static const char *const unknown[] = {"ES257", "none", "HS256", "eddsa", ""};
    size_t i;
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK_RESULT(imza_verify_signature(unknown[i], ED25519_SPKI, sizeof ED25519_SPKI,
                                           MESSAGE, sizeof MESSAGE, ED25519_SIG,
                                           sizeof ED25519_SIG),
                     IMZA_UNSUPPORTED_ALGORITHM);
    }
    /* Not UTF-8. */
    CHECK_RESULT(imza_verify_signature("\xff\xfe", ED25519_SPKI, sizeof ED25519_SPKI, MESSAGE,
                                       sizeof MESSAGE, ED25519_SIG, sizeof ED25519_SIG),
                 IMZA_INVALID_UTF8);
    /* An EC key for EdDSA, and a P-384 key for ES256 (JOSE fixes ES256 to P-256). */
    CHECK_RESULT(imza_verify_signature("EdDSA", ES256_SPKI, sizeof ES256_SPKI, MESSAGE,
                                       sizeof MESSAGE, ED25519_SIG, sizeof ED25519_SIG),
                 IMZA_KEY_MISMATCH);
    CHECK_RESULT(imza_verify_signature("ES256", P384_SPKI, sizeof P384_SPKI, MESSAGE,
                                       sizeof MESSAGE, ES256_SIG, sizeof ES256_SIG),
                 IMZA_KEY_MISMATCH);
}

static void test_messages(void) {
    char buf[128];
    char small[5];
    size_t n = 12345;

    CHECK_RESULT(imza_result_message(IMZA_BAD_SIGNATURE, buf, sizeof buf, &n), IMZA_OK);
    CHECK(strcmp(buf, "signature does not verify") == 0);
    CHECK(n == strlen(buf));

    CHECK_RESULT(imza_result_message(IMZA_OK, buf, sizeof buf, &n), IMZA_OK);
    CHECK(strcmp(buf, "success") == 0);

    /* Every defined code has its own text; unknown codes have one too. */
    CHECK_RESULT(imza_result_message(IMZA_NULL_PARAMETER, buf, sizeof buf, &n), IMZA_OK);
    CHECK(n > 0 && strstr(buf, "NULL") != NULL);
    CHECK_RESULT(imza_result_message(IMZA_UNSUPPORTED_ALGORITHM, buf, sizeof buf, &n), IMZA_OK);
    CHECK(strcmp(buf, "unsupported algorithm") == 0);
    CHECK_RESULT(imza_result_message(4242u, buf, sizeof buf, &n), IMZA_OK);
    CHECK(strcmp(buf, "unknown imza result code 4242") == 0);

    /* Truncation: exactly sizeof small bytes, NUL-terminated. */
    CHECK_RESULT(imza_result_message(IMZA_BAD_SIGNATURE, small, sizeof small, &n), IMZA_OK);
    CHECK(n == sizeof small - 1);
    CHECK(memcmp(small, "sign", sizeof small) == 0);

    /* Bad arguments. */
    n = 99;
    CHECK_RESULT(imza_result_message(IMZA_OK, buf, 0, &n), IMZA_BUFFER_TOO_SMALL);
    CHECK(n == 0);
    CHECK_RESULT(imza_result_message(IMZA_OK, NULL, sizeof buf, &n), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_result_message(IMZA_OK, buf, sizeof buf, NULL), IMZA_NULL_PARAMETER);
}

int main(void) {
    test_version();
    test_valid_signatures();
    test_tampered();
    test_null_arguments();
    test_algorithm_errors();
    test_messages();
    printf("test_verify: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
