/* C tests of the document functions: trust stores, validation options, imza_verify_document
 * (bytes, path, read callback), the report handle, and CAdES signing with a PKCS#8 key.
 * Every error path: NULL arguments, bad UTF-8, malformed input, unknown constants, content
 * given twice, a read callback that fails midway, missing files.
 * Inputs come from the repository (test-vectors/); see check.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "check.h"

#define P256 "test-vectors/pki/ecdsa-p256/"

static imza_trust_store *p256_trust(void) {
    imza_trust_store *t = NULL;
    size_t n = 0;
    uint8_t *root = read_file(P256 "root.pem", &n);
    CHECK_RESULT(imza_trust_store_new(&t), IMZA_OK);
    CHECK_RESULT(imza_trust_store_add_pem(t, root, n), IMZA_OK);
    CHECK(imza_trust_store_len(t) == 1);
    free(root);
    return t;
}

static imza_verify_options *p256_options(void) {
    imza_trust_store *t = p256_trust();
    imza_verify_options *o = NULL;
    CHECK_RESULT(imza_verify_options_new(t, &o), IMZA_OK);
    imza_trust_store_free(t); /* the options keep a copy */
    return o;
}

static void add_p256_crls(imza_verify_options *o) {
    size_t n = 0;
    uint8_t *crl = read_file(P256 "root.crl", &n);
    CHECK_RESULT(imza_verify_options_add_crl(o, crl, n), IMZA_OK);
    free(crl);
    crl = read_file(P256 "intermediate.crl", &n);
    CHECK_RESULT(imza_verify_options_add_crl(o, crl, n), IMZA_OK);
    free(crl);
}

static void test_trust_store(void) {
    imza_trust_store *t = NULL;
    uint8_t junk[] = {0x30, 0x03, 0x02, 0x01};
    CHECK_RESULT(imza_trust_store_new(NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_trust_store_new(&t), IMZA_OK);
    CHECK_RESULT(imza_trust_store_add_pem(NULL, junk, sizeof junk), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_trust_store_add_pem(t, NULL, 4), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_trust_store_add_pem(t, junk, sizeof junk), IMZA_MALFORMED);
    CHECK(strlen(last_error()) > 0);
    CHECK(imza_trust_store_len(t) == 0);
    CHECK_RESULT(imza_trust_store_add_path(t, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_trust_store_add_path(t, "\xff\xfe"), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_trust_store_add_path(t, "/nonexistent/root.pem"), IMZA_READ_FAILED);
    CHECK(strstr(last_error(), "/nonexistent/root.pem") != NULL);
    CHECK_RESULT(imza_trust_store_add_path(t, repo_path(P256 "root.pem")), IMZA_OK);
    CHECK(imza_trust_store_len(t) == 1);
    /* A folder: every certificate file in it; files that hold no certificate (keys, CRLs in
     * PEM) are skipped, as `imza verify --trust DIR` does. */
    CHECK_RESULT(imza_trust_store_add_path(t, repo_path("test-vectors/pki/rsa")), IMZA_OK);
    CHECK(imza_trust_store_len(t) > 1);
    CHECK(imza_trust_store_len(NULL) == 0);
    imza_trust_store_free(t);
    imza_trust_store_free(NULL);
}

static void test_options_errors(void) {
    imza_verify_options *o = NULL;
    CHECK_RESULT(imza_verify_options_new(NULL, &o), IMZA_NULL_PARAMETER);
    CHECK(o == NULL);
    o = p256_options();
    CHECK_RESULT(imza_verify_options_new(NULL, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_options_set_revocation(o, 3), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_verify_options_set_revocation(NULL, 1), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_options_set_revocation(o, IMZA_REVOCATION_SKIP), IMZA_OK);
    CHECK_RESULT(imza_verify_options_set_time(o, -1), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_verify_options_set_time(NULL, 0), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_options_add_intermediates(o, (const uint8_t *)"x", 1), IMZA_MALFORMED);
    CHECK_RESULT(imza_verify_options_add_crl(o, NULL, 1), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_options_set_transport(o, NULL), IMZA_NULL_PARAMETER);
    imza_verify_options_free(o);
    imza_verify_options_free(NULL);
}

/* The bundled CAdES-B-LT sample passes offline with nothing but the root: its time-stamp and
 * CRLs travel in the file. */
static void test_sample_passes(void) {
    size_t n = 0;
    uint8_t *sig = read_file("test-vectors/sample/contract.p7m", &n);
    imza_verify_options *o = p256_options();
    imza_report *r = NULL;
    char *json = NULL;
    CHECK_RESULT(imza_verify_document(o, sig, n, NULL, 0, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    CHECK(imza_report_sub_indication(r) == NULL);
    CHECK(imza_report_signature_count(r) == 1);
    CHECK(imza_report_signature_indication(r, 0) == IMZA_TOTAL_PASSED);
    CHECK(imza_report_signature_indication(r, 1) == 0);
    CHECK(imza_report_signature_signer(r, 0) != NULL &&
          strcmp(imza_report_signature_signer(r, 0), "CN=P-256 Signer,O=Imza Test,C=AZ") == 0);
    CHECK(imza_report_signature_level(r, 0) != NULL &&
          strcmp(imza_report_signature_level(r, 0), "CAdES-BASELINE-LT") == 0);
    CHECK(imza_report_signature_best_time(r, 0) != NULL &&
          strncmp(imza_report_signature_best_time(r, 0), "20", 2) == 0);
    CHECK(imza_report_signature_claimed_time(r, 0) != NULL);
    CHECK(imza_report_signature_sub_indication(r, 0) == NULL);
    CHECK(imza_report_signature_signer(r, 5) == NULL);
    CHECK_RESULT(imza_report_json(r, &json), IMZA_OK);
    CHECK(json != NULL && strstr(json, "\"indication\": \"TOTAL_PASSED\"") != NULL);
    imza_string_free(json);
    CHECK_RESULT(imza_report_json(r, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_report_json(NULL, &json), IMZA_NULL_PARAMETER);
    CHECK(json == NULL); /* the out-parameter is cleared on error */
    imza_report_free(r);

    /* The same from the path. */
    r = NULL;
    CHECK_RESULT(imza_verify_document_file(o, repo_path("test-vectors/sample/contract.p7m"), NULL, &r),
                 IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    imza_report_free(r);

    /* Attached content and detached content as well: refused. */
    r = NULL;
    CHECK_RESULT(imza_verify_document(o, sig, n, (const uint8_t *)"x", 1, &r),
                 IMZA_CONTENT_GIVEN_TWICE);
    CHECK(r == NULL);
    imza_verify_options_free(o);
    free(sig);

    /* NULL accessors. */
    CHECK(imza_report_indication(NULL) == 0);
    CHECK(imza_report_sub_indication(NULL) == NULL);
    CHECK(imza_report_signature_count(NULL) == 0);
    imza_report_free(NULL);
}

/* The algorithm policy: refusing SHA-256 makes the SHA-256 sample unacceptable; SHA-1 and
 * small RSA rows can be set too; bad arguments are refused. */
static void test_policy(void) {
    size_t n = 0;
    uint8_t *sig = read_file("test-vectors/sample/contract.p7m", &n);
    imza_verify_options *o = p256_options();
    imza_report *r = NULL;
    CHECK_RESULT(imza_verify_options_set_digest_until(o, "SHA-256", IMZA_UNTIL_REFUSED), IMZA_OK);
    CHECK_RESULT(imza_verify_document(o, sig, n, NULL, 0, &r), IMZA_OK);
    CHECK(imza_report_indication(r) != IMZA_TOTAL_PASSED);
    CHECK(imza_report_sub_indication(r) != NULL &&
          strstr(imza_report_sub_indication(r), "CRYPTO_CONSTRAINTS") != NULL);
    imza_report_free(r);
    /* Accepted again, without an end date. */
    CHECK_RESULT(imza_verify_options_set_digest_until(o, "SHA-256", IMZA_UNTIL_NO_END), IMZA_OK);
    CHECK_RESULT(imza_verify_document(o, sig, n, NULL, 0, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    imza_report_free(r);
    /* Until a date before the signature was made. */
    CHECK_RESULT(imza_verify_options_set_digest_until(o, "SHA-256", 1000000000), IMZA_OK);
    CHECK_RESULT(imza_verify_document(o, sig, n, NULL, 0, &r), IMZA_OK);
    CHECK(imza_report_indication(r) != IMZA_TOTAL_PASSED);
    imza_report_free(r);
    CHECK_RESULT(imza_verify_options_set_digest_until(o, "MD5", IMZA_UNTIL_NO_END),
                 IMZA_UNSUPPORTED_ALGORITHM);
    CHECK_RESULT(imza_verify_options_set_digest_until(o, NULL, IMZA_UNTIL_NO_END), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_options_set_digest_until(o, "\xff", IMZA_UNTIL_NO_END), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_verify_options_set_digest_until(o, "SHA-1", -7), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_verify_options_set_rsa_until(o, 1024, IMZA_UNTIL_REFUSED), IMZA_OK);
    CHECK_RESULT(imza_verify_options_set_rsa_until(o, 3072, IMZA_UNTIL_NO_END), IMZA_OK);
    CHECK_RESULT(imza_verify_options_set_rsa_until(o, 2048, -7), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_verify_options_set_rsa_until(NULL, 2048, IMZA_UNTIL_NO_END), IMZA_NULL_PARAMETER);
    imza_verify_options_free(o);
    free(sig);
}

static void test_verify_errors(void) {
    imza_verify_options *o = p256_options();
    imza_report *r = NULL;
    uint8_t junk[] = {0x30, 0x82, 0xff, 0xff, 0x00};
    uint8_t pdf[] = "%PDF-1.7\n";
    CHECK_RESULT(imza_verify_document(NULL, junk, sizeof junk, NULL, 0, &r), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_document(o, junk, sizeof junk, NULL, 0, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_document(o, NULL, 5, NULL, 0, &r), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_document(o, junk, sizeof junk, NULL, 0, &r), IMZA_MALFORMED);
    CHECK(strlen(last_error()) > 0);
    /* A PDF without its cross-reference section: the PDF reader's "malformed" (1400). */
    CHECK_RESULT(imza_verify_document(o, pdf, sizeof pdf - 1, NULL, 0, &r), 1400);
    CHECK(strstr(last_error(), "PDF") != NULL);
    CHECK_RESULT(imza_verify_document(o, NULL, 0, NULL, 0, &r), IMZA_UNSUPPORTED_FORMAT);
    CHECK_RESULT(imza_verify_document_file(o, "\xff", NULL, &r), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_verify_document_file(o, NULL, NULL, &r), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_verify_document_file(o, "/nonexistent.p7s", NULL, &r), IMZA_READ_FAILED);
    CHECK_RESULT(imza_verify_document_file(o, repo_path("test-vectors/cms/ossl-ec-cades-detached.p7s"),
                                           "/nonexistent.txt", &r),
                 IMZA_READ_FAILED);
    CHECK(r == NULL);
    imza_verify_options_free(o);
}

/* Detached content: from memory, from a path, through a read callback. */
struct source {
    const uint8_t *data;
    size_t len, pos, fail_after;
    unsigned calls;
};

static imza_result read_cb(void *userdata, uint8_t *buf, size_t len, size_t *out_n) {
    struct source *s = userdata;
    size_t n = s->len - s->pos;
    s->calls++;
    if (s->fail_after && s->pos >= s->fail_after) {
        return 9999; /* the host's own failure */
    }
    if (n > len) n = len;
    if (n > 7) n = 7; /* small pieces: the chunking must not matter */
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    *out_n = n;
    return IMZA_OK;
}

static void test_detached(void) {
    size_t sn = 0, cn = 0;
    uint8_t *sig = read_file("test-vectors/cms/ossl-ec-cades-detached.p7s", &sn);
    uint8_t *content = read_file("test-vectors/cms/content.txt", &cn);
    imza_verify_options *o = p256_options();
    imza_report *r = NULL;
    struct source src = {content, cn, 0, 0, 0};

    /* Without revocation data: a status is required, so INDETERMINATE / TRY_LATER. */
    CHECK_RESULT(imza_verify_document(o, sig, sn, content, cn, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_INDETERMINATE);
    CHECK(imza_report_sub_indication(r) != NULL &&
          strcmp(imza_report_sub_indication(r), "TRY_LATER") == 0);
    imza_report_free(r);

    add_p256_crls(o);
    CHECK_RESULT(imza_verify_document(o, sig, sn, content, cn, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    imza_report_free(r);

    CHECK_RESULT(imza_verify_document_file(o, repo_path("test-vectors/cms/ossl-ec-cades-detached.p7s"),
                                           repo_path("test-vectors/cms/content.txt"), &r),
                 IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    imza_report_free(r);

    CHECK_RESULT(imza_verify_document_reader(o, sig, sn, read_cb, &src, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    CHECK(src.calls > 2);
    imza_report_free(r);

    /* Tampered content: one byte changed. */
    content[0] ^= 1;
    CHECK_RESULT(imza_verify_document(o, sig, sn, content, cn, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_FAILED);
    CHECK(imza_report_sub_indication(r) != NULL &&
          strcmp(imza_report_sub_indication(r), "HASH_FAILURE") == 0);
    imza_report_free(r);
    content[0] ^= 1;

    /* A read callback that fails midway: no report, the code says why. */
    r = NULL;
    src.pos = 0;
    src.fail_after = 14;
    CHECK_RESULT(imza_verify_document_reader(o, sig, sn, read_cb, &src, &r), IMZA_READ_FAILED);
    CHECK(strstr(last_error(), "9999") != NULL);
    CHECK(r == NULL);
    CHECK_RESULT(imza_verify_document_reader(o, sig, sn, NULL, &src, &r), IMZA_NULL_PARAMETER);

    /* Validated at a time before the signer's certificate existed. */
    CHECK_RESULT(imza_verify_options_set_time(o, 1000000000), IMZA_OK);
    CHECK_RESULT(imza_verify_document(o, sig, sn, content, cn, &r), IMZA_OK);
    CHECK(imza_report_indication(r) != IMZA_TOTAL_PASSED);
    imza_report_free(r);

    /* Revocation skipped by request: passes without data, and the report says so. */
    imza_verify_options_free(o);
    o = p256_options();
    CHECK_RESULT(imza_verify_options_set_revocation(o, IMZA_REVOCATION_SKIP), IMZA_OK);
    CHECK_RESULT(imza_verify_document(o, sig, sn, content, cn, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    imza_report_free(r);

    imza_verify_options_free(o);
    free(sig);
    free(content);
}

/* Signs with PKCS#8 keys and verifies the result: a good signer passes, a revoked one is
 * REVOKED by the intermediate's CRL. */
static void sign_and_check(const char *who, uint32_t want, const char *want_sub) {
    char rel[256];
    size_t kn = 0, cn = 0, chn = 0;
    uint8_t *key, *cert, *chain;
    imza_signer *signer = NULL;
    imza_sign_options *so = NULL;
    imza_verify_options *o;
    imza_report *r = NULL;
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    const uint8_t content[] = "a document";

    snprintf(rel, sizeof rel, P256 "%s.key", who);
    key = read_file(rel, &kn);
    snprintf(rel, sizeof rel, P256 "%s.pem", who);
    cert = read_file(rel, &cn);
    chain = read_file(P256 "intermediate.pem", &chn);
    CHECK_RESULT(imza_signer_from_pkcs8(key, kn, &signer), IMZA_OK);
    memset(key, 0, kn);
    CHECK_RESULT(imza_sign_options_new(&so), IMZA_OK);
    CHECK_RESULT(imza_sign_options_add_chain(so, chain, chn), IMZA_OK);
    CHECK_RESULT(imza_sign_document(so, signer, cert, cn, content, sizeof content, &sig, &sig_len),
                 IMZA_OK);
    CHECK(sig != NULL && sig_len > 100);

    o = p256_options();
    add_p256_crls(o);
    CHECK_RESULT(imza_verify_document(o, sig, sig_len, NULL, 0, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == want);
    if (want_sub != NULL) {
        CHECK(imza_report_sub_indication(r) != NULL &&
              strcmp(imza_report_sub_indication(r), want_sub) == 0);
    }
    CHECK(imza_report_signature_level(r, 0) != NULL &&
          strcmp(imza_report_signature_level(r, 0), "CAdES-BASELINE-B") == 0);
    imza_report_free(r);
    imza_bytes_free(sig, sig_len);
    imza_verify_options_free(o);
    imza_sign_options_free(so);
    imza_signer_free(signer);
    free(key);
    free(cert);
    free(chain);
}

static void test_signing(void) {
    size_t kn = 0, cn = 0;
    uint8_t *key = read_file(P256 "signer.key", &kn);
    uint8_t *cert = read_file(P256 "signer.pem", &cn);
    imza_signer *signer = NULL;
    imza_sign_options *so = NULL;
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    imza_verify_options *o;
    imza_report *r = NULL;
    char out_path[] = "/tmp/imza-c-test-XXXXXX";
    int fd;

    sign_and_check("signer", IMZA_TOTAL_PASSED, NULL);
    sign_and_check("revoked", IMZA_INDETERMINATE, "REVOKED_NO_POE");

    CHECK_RESULT(imza_signer_from_pkcs8((const uint8_t *)"nope", 4, &signer), IMZA_MALFORMED);
    CHECK(signer == NULL);
    CHECK_RESULT(imza_signer_from_pkcs8(key, kn, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_signer_from_pkcs8(key, kn, &signer), IMZA_OK);
    CHECK_RESULT(imza_sign_options_new(NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_sign_options_new(&so), IMZA_OK);
    CHECK_RESULT(imza_sign_options_set_level(so, 7), IMZA_INVALID_ARGUMENT);
    /* T without a time-stamping service: refused before anything is signed. */
    CHECK_RESULT(imza_sign_options_set_level(so, IMZA_LEVEL_T), IMZA_OK);
    CHECK_RESULT(imza_sign_document(so, signer, cert, cn, (const uint8_t *)"x", 1, &sig, &sig_len),
                 IMZA_INVALID_OPTIONS);
    CHECK(sig == NULL && sig_len == 0);
    CHECK_RESULT(imza_sign_options_set_level(so, IMZA_LEVEL_B), IMZA_OK);
    /* The key does not match the certificate. */
    {
        size_t on = 0;
        uint8_t *other = read_file("test-vectors/pki/rsa/signer.pem", &on);
        CHECK(imza_sign_document(so, signer, other, on, (const uint8_t *)"x", 1, &sig, &sig_len) !=
              IMZA_OK);
        CHECK(sig == NULL);
        free(other);
    }
    CHECK_RESULT(imza_sign_document(so, signer, NULL, 3, (const uint8_t *)"x", 1, &sig, &sig_len),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_sign_document(so, NULL, cert, cn, (const uint8_t *)"x", 1, &sig, &sig_len),
                 IMZA_NULL_PARAMETER);

    /* Detached, file to file: the content is streamed; the result verifies from the paths. */
    fd = mkstemp(out_path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        close(fd);
    }
    CHECK_RESULT(imza_sign_options_set_detached(so, 1), IMZA_OK);
    {
        size_t chn = 0;
        uint8_t *chain = read_file(P256 "intermediate.pem", &chn);
        CHECK_RESULT(imza_sign_options_add_chain(so, chain, chn), IMZA_OK);
        free(chain);
    }
    CHECK_RESULT(imza_sign_document_file(so, signer, cert, cn, repo_path("test-vectors/cms/content.txt"),
                                         out_path),
                 IMZA_OK);
    o = p256_options();
    add_p256_crls(o);
    CHECK_RESULT(imza_verify_document_file(o, out_path, repo_path("test-vectors/cms/content.txt"), &r),
                 IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    imza_report_free(r);
    /* PAdES, file to file (streamed): the PDF with a signature added. */
    CHECK_RESULT(imza_sign_options_set_format(so, 9, NULL), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_sign_options_set_format(so, IMZA_FORMAT_PADES, NULL), IMZA_OK);
    CHECK_RESULT(imza_sign_options_set_detached(so, 0), IMZA_OK);
    CHECK_RESULT(imza_sign_document_file(so, signer, cert, cn, repo_path("test-vectors/pdf/hello.pdf"),
                                         out_path),
                 IMZA_OK);
    imza_verify_options_free(o);
    o = p256_options();
    add_p256_crls(o);
    CHECK_RESULT(imza_verify_document_file(o, out_path, NULL, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    CHECK(imza_report_signature_level(r, 0) != NULL &&
          strcmp(imza_report_signature_level(r, 0), "PAdES-BASELINE-B") == 0);
    imza_report_free(r);
    /* LTA is PAdES only; a CAdES signature refuses it before signing. */
    CHECK_RESULT(imza_sign_options_set_level(so, IMZA_LEVEL_LTA), IMZA_OK);
    CHECK_RESULT(imza_sign_options_set_format(so, IMZA_FORMAT_CADES, NULL), IMZA_OK);
    CHECK_RESULT(imza_sign_document(so, signer, cert, cn, (const uint8_t *)"x", 1, &sig, &sig_len),
                 IMZA_INVALID_OPTIONS);
    CHECK_RESULT(imza_sign_options_set_level(so, IMZA_LEVEL_B), IMZA_OK);
    /* ASiC-E in memory, the content named by the options. */
    CHECK_RESULT(imza_sign_options_set_format(so, IMZA_FORMAT_ASICE, "karar.txt"), IMZA_OK);
    CHECK_RESULT(imza_sign_document(so, signer, cert, cn, (const uint8_t *)"a decision", 10, &sig, &sig_len),
                 IMZA_OK);
    CHECK_RESULT(imza_verify_document(o, sig, sig_len, NULL, 0, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    CHECK(imza_report_signature_level(r, 0) != NULL &&
          strcmp(imza_report_signature_level(r, 0), "XAdES-BASELINE-B") == 0);
    imza_report_free(r);
    imza_bytes_free(sig, sig_len);
    sig = NULL;
    CHECK_RESULT(imza_sign_options_set_format(so, IMZA_FORMAT_CADES, NULL), IMZA_OK);
    CHECK_RESULT(imza_sign_options_set_detached(so, 1), IMZA_OK);

    CHECK_RESULT(imza_sign_document_file(so, signer, cert, cn, "/nonexistent", out_path),
                 IMZA_READ_FAILED);
    CHECK_RESULT(imza_sign_document_file(so, signer, cert, cn, repo_path("test-vectors/cms/content.txt"),
                                         "/nonexistent/dir/out.p7s"),
                 IMZA_WRITE_FAILED);
    unlink(out_path);

    imza_verify_options_free(o);
    imza_sign_options_free(so);
    imza_signer_free(signer);
    imza_signer_free(NULL);
    imza_bytes_free(NULL, 0);
    imza_string_free(NULL);
    free(key);
    free(cert);
}

int main(void) {
    test_trust_store();
    test_options_errors();
    test_sample_passes();
    test_verify_errors();
    test_policy();
    test_detached();
    test_signing();
    printf("test_document: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
