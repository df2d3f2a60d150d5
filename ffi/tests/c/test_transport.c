/* C tests of the network functions: imza's HTTP client and the host's own HTTP stack through
 * imza_transport_new_callback and the response writer (imza_http_response_*).
 *
 * The callback transport is driven by real imza operations: an online validation whose CRLs
 * the callback serves from test-vectors/ (the certificates name http://127.0.0.1:18090/...,
 * nothing listens there: only the callback answers), and a CAdES-T signature whose
 * time-stamping request the callback sees and fails. Error paths: NULL arguments, a callback
 * that returns an error, one that sets no status, one that answers more than allowed, a bad
 * status, bad UTF-8. The mobile-ID tests (test_mobile.c) send real sessions through a
 * callback transport too. */
#include <stdint.h>

#include "check.h"

#define P256 "test-vectors/pki/ecdsa-p256/"

/* What the test callback does and what it saw. */
struct host {
    int mode; /* 0 serve CRLs, 1 fail with 4242, 2 no status, 3 too much, 4 bad status */
    unsigned calls, gets, posts;
    int saw_content_type;
    size_t last_body_len;
    imza_result append_result;
};

static imza_result serve(void *userdata, const imza_http_request *req, imza_http_response *resp) {
    struct host *h = userdata;
    size_t i, n = 0;
    h->calls++;
    if (strcmp(req->method, "GET") == 0) h->gets++;
    if (strcmp(req->method, "POST") == 0) h->posts++;
    for (i = 0; i < req->header_count; i++) {
        if (strcmp(req->header_names[i], "Content-Type") == 0 && strlen(req->header_values[i]) > 0) {
            h->saw_content_type = 1;
        }
    }
    h->last_body_len = req->body_len;
    if (req->body_len > 0 && req->body != NULL) {
        /* Touch every byte: ASan/valgrind catch a wrong length. */
        volatile uint8_t sum = 0;
        for (i = 0; i < req->body_len; i++) sum = (uint8_t)(sum + req->body[i]);
        (void)sum;
    }
    CHECK(req->timeout_ms > 0);
    switch (h->mode) {
    case 1:
        return 4242;
    case 2:
        return IMZA_OK; /* no status */
    case 3: {
        uint8_t chunk[1024];
        imza_result r = IMZA_OK;
        memset(chunk, 'x', sizeof chunk);
        CHECK_RESULT(imza_http_response_set_status(resp, 200), IMZA_OK);
        while (r == IMZA_OK && n <= req->max_response_len) {
            r = imza_http_response_append_body(resp, chunk, sizeof chunk);
            n += sizeof chunk;
        }
        h->append_result = r;
        return r;
    }
    case 4:
        CHECK_RESULT(imza_http_response_set_status(resp, 99), IMZA_INVALID_ARGUMENT);
        CHECK_RESULT(imza_http_response_set_status(resp, 1000), IMZA_INVALID_ARGUMENT);
        return 7;
    default:
        break;
    }
    /* Serve the CRLs the certificates name; anything else (OCSP) is a 404. */
    {
        const char *file = NULL;
        const char *slash = strrchr(req->url, '/');
        if (slash != NULL && strcmp(slash, "/ecdsa-p256.crl") == 0) file = P256 "intermediate.crl";
        if (slash != NULL && strcmp(slash, "/ecdsa-p256-root.crl") == 0) file = P256 "root.crl";
        if (file == NULL) {
            CHECK_RESULT(imza_http_response_set_status(resp, 404), IMZA_OK);
            CHECK_RESULT(imza_http_response_append_body(resp, (const uint8_t *)"no", 2), IMZA_OK);
            return IMZA_OK;
        }
        {
            uint8_t *crl = read_file(file, &n);
            CHECK_RESULT(imza_http_response_set_status(resp, 200), IMZA_OK);
            CHECK_RESULT(imza_http_response_set_content_type(resp, "application/pkix-crl"), IMZA_OK);
            /* In two pieces, as a host streaming the body would. */
            CHECK_RESULT(imza_http_response_append_body(resp, crl, n / 2), IMZA_OK);
            CHECK_RESULT(imza_http_response_append_body(resp, crl + n / 2, n - n / 2), IMZA_OK);
            CHECK_RESULT(imza_http_response_append_body(resp, NULL, 0), IMZA_OK);
            free(crl);
        }
    }
    return IMZA_OK;
}

static void test_constructors(void) {
    imza_transport *t = NULL;
    struct host h = {0};
    CHECK_RESULT(imza_transport_new_http(NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_transport_new_http(&t), IMZA_OK);
    CHECK(t != NULL);
    imza_transport_free(t);
    t = (imza_transport *)&h; /* cleared on error */
    CHECK_RESULT(imza_transport_new_callback(NULL, &h, &t), IMZA_NULL_PARAMETER);
    CHECK(t == NULL);
    CHECK_RESULT(imza_transport_new_callback(serve, &h, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_transport_new_callback(serve, NULL, &t), IMZA_OK);
    imza_transport_free(t);
    imza_transport_free(NULL);
    /* The response writer refuses NULL (a real one exists only inside a callback). */
    CHECK_RESULT(imza_http_response_set_status(NULL, 200), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_http_response_set_content_type(NULL, "text/plain"), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_http_response_append_body(NULL, (const uint8_t *)"x", 1), IMZA_NULL_PARAMETER);
}

static imza_verify_options *online_options(imza_transport *t) {
    imza_trust_store *trust = NULL;
    imza_verify_options *o = NULL;
    size_t n = 0;
    uint8_t *root = read_file(P256 "root.pem", &n);
    CHECK_RESULT(imza_trust_store_new(&trust), IMZA_OK);
    CHECK_RESULT(imza_trust_store_add_pem(trust, root, n), IMZA_OK);
    CHECK_RESULT(imza_verify_options_new(trust, &o), IMZA_OK);
    CHECK_RESULT(imza_verify_options_set_revocation(o, IMZA_REVOCATION_ONLINE), IMZA_OK);
    CHECK_RESULT(imza_verify_options_set_transport(o, t), IMZA_OK);
    imza_trust_store_free(trust);
    free(root);
    return o;
}

/* Online validation: the callback serves the CRLs, the signature passes. */
static void test_online_revocation_through_the_host(void) {
    struct host h = {0};
    imza_transport *t = NULL;
    imza_verify_options *o;
    imza_report *r = NULL;
    size_t sn = 0, cn = 0;
    uint8_t *sig = read_file("test-vectors/cms/ossl-ec-cades-detached.p7s", &sn);
    uint8_t *content = read_file("test-vectors/cms/content.txt", &cn);
    CHECK_RESULT(imza_transport_new_callback(serve, &h, &t), IMZA_OK);
    o = online_options(t);
    imza_transport_free(t); /* the options keep their own reference */
    CHECK_RESULT(imza_verify_document(o, sig, sn, content, cn, &r), IMZA_OK);
    CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
    if (imza_report_indication(r) != IMZA_TOTAL_PASSED) {
        char *json = NULL;
        if (imza_report_json(r, &json) == IMZA_OK) fprintf(stderr, "%s\n", json);
        imza_string_free(json);
    }
    CHECK(h.gets >= 2); /* both CRLs fetched through the callback */
    imza_report_free(r);

    /* The same with a callback that fails: no status, so not TOTAL_PASSED. */
    h.mode = 1;
    h.calls = 0;
    r = NULL;
    CHECK_RESULT(imza_verify_document(o, sig, sn, content, cn, &r), IMZA_OK);
    CHECK(h.calls > 0);
    CHECK(imza_report_indication(r) == IMZA_INDETERMINATE);
    imza_report_free(r);
    imza_verify_options_free(o);
    free(sig);
    free(content);
}

static imza_result sign_t(int mode, struct host *h) {
    imza_transport *t = NULL;
    imza_sign_options *so = NULL;
    imza_signer *signer = NULL;
    size_t kn = 0, cn = 0;
    uint8_t *key = read_file(P256 "signer.key", &kn);
    uint8_t *cert = read_file(P256 "signer.pem", &cn);
    uint8_t *out = (uint8_t *)h; /* cleared on error */
    size_t out_len = 99;
    imza_result r;
    h->mode = mode;
    CHECK_RESULT(imza_transport_new_callback(serve, h, &t), IMZA_OK);
    CHECK_RESULT(imza_signer_from_pkcs8(key, kn, &signer), IMZA_OK);
    CHECK_RESULT(imza_sign_options_new(&so), IMZA_OK);
    CHECK_RESULT(imza_sign_options_set_level(so, IMZA_LEVEL_T), IMZA_OK);
    CHECK_RESULT(imza_sign_options_set_tsa(so, "http://tsa.invalid/tsr?account=secret", t), IMZA_OK);
    r = imza_sign_document(so, signer, cert, cn, (const uint8_t *)"hello", 5, &out, &out_len);
    CHECK(out == NULL && out_len == 0);
    imza_sign_options_free(so);
    imza_signer_free(signer);
    imza_transport_free(t);
    free(key);
    free(cert);
    return r;
}

/* CAdES-T: the time-stamp request goes to the callback; every way it can fail. */
static void test_failing_callbacks(void) {
    struct host h = {0};
    CHECK_RESULT(sign_t(1, &h), IMZA_TRANSPORT);
    CHECK(h.posts == 1 && h.saw_content_type && h.last_body_len > 0);
    CHECK(strstr(last_error(), "4242") != NULL);
    CHECK(strstr(last_error(), "http://tsa.invalid/tsr") != NULL);
    /* The callback transport drops the query from its message (the TSA layer above it
     * still names the whole URL: a core matter). */
    CHECK(strstr(last_error(), "tsr: the host's transport callback failed with code 4242") != NULL);

    memset(&h, 0, sizeof h);
    CHECK_RESULT(sign_t(2, &h), IMZA_TRANSPORT);
    CHECK(strstr(last_error(), "no HTTP status") != NULL);

    memset(&h, 0, sizeof h);
    CHECK_RESULT(sign_t(3, &h), IMZA_TRANSPORT);
    CHECK(h.append_result == IMZA_LIMIT_EXCEEDED);
    CHECK(strstr(last_error(), "101") != NULL);

    memset(&h, 0, sizeof h);
    CHECK_RESULT(sign_t(4, &h), IMZA_TRANSPORT);

    /* A 404 from the host is an answer, not a transport failure: the TSA step fails on it. */
    memset(&h, 0, sizeof h);
    {
        imza_result r = sign_t(0, &h);
        CHECK(r != IMZA_OK && r != IMZA_PANIC);
        CHECK(h.posts == 1);
    }
}

static void test_bad_utf8(void) {
    /* The content type goes through str_arg; only a live response can reach it, so a
     * callback checks it: see serve(). Here: the options' URL. */
    imza_sign_options *so = NULL;
    CHECK_RESULT(imza_sign_options_new(&so), IMZA_OK);
    CHECK_RESULT(imza_sign_options_set_tsa(so, "\xff", NULL), IMZA_INVALID_UTF8);
    imza_sign_options_free(so);
}

static imza_result bad_content_type(void *userdata, const imza_http_request *req,
                                    imza_http_response *resp) {
    struct host *h = userdata;
    (void)req;
    h->calls++;
    CHECK_RESULT(imza_http_response_set_content_type(resp, "\xc3\x28"), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_http_response_set_content_type(resp, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_http_response_append_body(resp, NULL, 3), IMZA_NULL_PARAMETER);
    return 1;
}

static void test_response_writer_errors(void) {
    struct host h = {0};
    imza_transport *t = NULL;
    imza_verify_options *o;
    imza_report *r = NULL;
    size_t sn = 0, cn = 0;
    uint8_t *sig = read_file("test-vectors/cms/ossl-ec-cades-detached.p7s", &sn);
    uint8_t *content = read_file("test-vectors/cms/content.txt", &cn);
    CHECK_RESULT(imza_transport_new_callback(bad_content_type, &h, &t), IMZA_OK);
    o = online_options(t);
    CHECK_RESULT(imza_verify_document(o, sig, sn, content, cn, &r), IMZA_OK);
    CHECK(h.calls > 0);
    imza_report_free(r);
    imza_verify_options_free(o);
    imza_transport_free(t);
    free(sig);
    free(content);
}

int main(void) {
    test_constructors();
    test_online_revocation_through_the_host();
    test_failing_callbacks();
    test_bad_utf8();
    test_response_writer_errors();
    printf("test_transport: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
