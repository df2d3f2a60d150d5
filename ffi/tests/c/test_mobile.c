/* C tests of the mobile-ID functions against the loopback Mobile-ID / Smart-ID test service
 * (test-vectors/mobile-server/mobile_server.py, its people in test-vectors/mobile/), started
 * by ffi/tests/run-c-services.sh:
 *
 *   IMZA_TEST_MOBILE_URL   http://127.0.0.1:<port>
 *   IMZA_TEST_RP_UUID      the relying-party UUID the server accepts (name "DEMO")
 *
 * Without them the service-free checks run (NULL, bad UTF-8, bad constants, input refused
 * before anything is sent) and the rest is SKIPPED, or fails under CI=true.
 *
 * Scenarios: CAdES with a Mobile-ID imza_signer that validates; a Smart-ID login (JSON); a
 * hash signed; the person cancelling on the phone; the cancel handle triggered before and
 * from another thread during a session; a wrong relying-party UUID (never in a message);
 * the whole exchange through the host's own HTTP client (a callback transport over plain
 * sockets), and a callback transport that fails. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define UUID_OK_SHAPE "00000000-1111-4222-8333-444444444444"

static const char *url_base, *rp_uuid;

static int ci_on(void) {
    const char *v = getenv("CI");
    return v != NULL && *v != '\0' && strcmp(v, "0") != 0 && strcmp(v, "false") != 0 &&
           strcmp(v, "FALSE") != 0;
}

static const char *url(const char *path) {
    static char buf[256];
    snprintf(buf, sizeof buf, "%s%s", url_base != NULL ? url_base : "http://127.0.0.1:1", path);
    return buf;
}

/* The verification codes the callback saw. */
struct codes {
    unsigned calls;
    char last[8];
    int bad;
};

static void on_code(void *userdata, const char *code) {
    struct codes *c = userdata;
    c->calls++;
    if (strlen(code) != 4 || strspn(code, "0123456789") != 4) c->bad = 1;
    snprintf(c->last, sizeof c->last, "%s", code);
}

static imza_trust_store *trust(const char *hierarchy) {
    imza_trust_store *t = NULL;
    char rel[128];
    size_t n = 0;
    uint8_t *root;
    snprintf(rel, sizeof rel, "test-vectors/pki/%s/root.pem", hierarchy);
    root = read_file(rel, &n);
    CHECK_RESULT(imza_trust_store_new(&t), IMZA_OK);
    CHECK_RESULT(imza_trust_store_add_pem(t, root, n), IMZA_OK);
    free(root);
    return t;
}

static imza_mobile_options *options(uint32_t provider, const char *uuid, struct codes *c) {
    const char *hierarchy = provider == IMZA_MOBILE_PROVIDER_MOBILE_ID ? "ecdsa-p256" : "rsa";
    const char *path = provider == IMZA_MOBILE_PROVIDER_MOBILE_ID ? "/mid-api" : "/smart-id-rp/v2";
    imza_trust_store *t = trust(hierarchy);
    imza_mobile_options *o = NULL;
    char rel[128];
    size_t n = 0;
    uint8_t *inter;
    CHECK_RESULT(imza_mobile_options_new(provider, url(path), uuid, "DEMO", t, &o), IMZA_OK);
    imza_trust_store_free(t); /* copied */
    snprintf(rel, sizeof rel, "test-vectors/pki/%s/intermediate.pem", hierarchy);
    inter = read_file(rel, &n);
    CHECK_RESULT(imza_mobile_options_add_intermediates(o, inter, n), IMZA_OK);
    free(inter);
    CHECK_RESULT(imza_mobile_options_set_code_callback(o, on_code, c), IMZA_OK);
    CHECK_RESULT(imza_mobile_options_set_timeouts(o, 60, 1), IMZA_OK);
    CHECK_RESULT(imza_mobile_options_set_display_text(o, "Sign the C test document"), IMZA_OK);
    CHECK_RESULT(imza_mobile_options_set_language(o, IMZA_MOBILE_LANGUAGE_EST), IMZA_OK);
    return o;
}

/* Checks that need no service. */
static void test_arguments(void) {
    imza_trust_store *t = trust("ecdsa-p256");
    imza_mobile_options *o = (imza_mobile_options *)&o;
    imza_mobile_cancel *c = NULL;
    imza_signer *s = (imza_signer *)&s;
    uint8_t *cert = (uint8_t *)&cert, *sig = NULL;
    size_t cert_len = 9, sig_len = 0;
    char *json = (char *)&json;
    uint8_t hash[32] = {0};
    const char *mid = url("/mid-api");

    CHECK_RESULT(imza_mobile_options_new(2, mid, UUID_OK_SHAPE, "DEMO", t, &o), IMZA_INVALID_ARGUMENT);
    CHECK(o == NULL);
    CHECK_RESULT(imza_mobile_options_new(0, NULL, UUID_OK_SHAPE, "DEMO", t, &o), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_new(0, mid, NULL, "DEMO", t, &o), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_new(0, mid, UUID_OK_SHAPE, NULL, t, &o), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_new(0, mid, UUID_OK_SHAPE, "DEMO", NULL, &o), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_new(0, mid, UUID_OK_SHAPE, "DEMO", t, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_new(0, "\xff", UUID_OK_SHAPE, "DEMO", t, &o), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_mobile_options_new(0, "ftp://x/mid-api", UUID_OK_SHAPE, "DEMO", t, &o), 740);
    CHECK_RESULT(imza_mobile_options_new(0, mid, "secret-but-not-a-uuid", "DEMO", t, &o), 740);
    CHECK(strstr(last_error(), "secret") == NULL);
    CHECK_RESULT(imza_mobile_options_new(0, mid, UUID_OK_SHAPE, "", t, &o), 740);
    CHECK_RESULT(imza_mobile_options_new(0, mid, UUID_OK_SHAPE, "DEMO", t, &o), IMZA_OK);
    imza_trust_store_free(t);

    CHECK_RESULT(imza_mobile_options_set_language(o, 4), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_mobile_options_set_language(NULL, 0), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_set_timeouts(o, 10, 121), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_mobile_options_set_timeouts(NULL, 10, 1), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_set_timeouts(o, 0, 0), IMZA_OK);
    CHECK_RESULT(imza_mobile_options_set_display_text(o, "\xc3\x28"), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_mobile_options_set_display_text(o, NULL), IMZA_OK);
    CHECK_RESULT(imza_mobile_options_set_display_text(NULL, "x"), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_add_intermediates(o, (const uint8_t *)"junk", 4), IMZA_MALFORMED);
    CHECK_RESULT(imza_mobile_options_add_intermediates(o, NULL, 4), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_add_intermediates(NULL, NULL, 0), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_set_transport(o, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_set_code_callback(NULL, on_code, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_options_set_code_callback(o, NULL, NULL), IMZA_OK);

    CHECK_RESULT(imza_mobile_cancel_new(NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_cancel_trigger(NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_cancel_new(&c), IMZA_OK);

    /* The person: kinds, NULLs, shapes refused before anything is sent (port 1: nothing
     * listens, so a request would be a transport error, not 740). */
    CHECK_RESULT(imza_mobile_signer_new(o, 9, "60001019906", "+37200000766", c, &s, &cert, &cert_len),
                 IMZA_INVALID_ARGUMENT);
    CHECK(s == NULL && cert == NULL && cert_len == 0);
    CHECK_RESULT(imza_mobile_signer_new(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", NULL, c, &s, &cert,
                                        &cert_len),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_signer_new(o, IMZA_MOBILE_PERSON_PHONE, NULL, "+37200000766", c, &s, &cert,
                                        &cert_len),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_signer_new(NULL, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", c, &s,
                                        &cert, &cert_len),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_signer_new(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", c, NULL,
                                        &cert, &cert_len),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_signer_new(o, IMZA_MOBILE_PERSON_PHONE, "6000\xff", "+37200000766", c, &s,
                                        &cert, &cert_len),
                 IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_mobile_signer_new(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "372", c, &s, &cert,
                                        &cert_len),
                 740);
    CHECK(strstr(last_error(), "phone") != NULL);
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_ETSI, "PNOEE-1?x=1", NULL, c, &json), 740);
    CHECK(json == NULL);
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_ETSI, "PNOEE-1", NULL, c, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_sign_hash(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", c, hash,
                                       31, &sig, &sig_len, &cert, &cert_len),
                 IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_mobile_sign_hash(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", c, NULL,
                                       32, &sig, &sig_len, &cert, &cert_len),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_mobile_sign_hash(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", c, hash,
                                       32, NULL, &sig_len, &cert, &cert_len),
                 IMZA_NULL_PARAMETER);
    /* A display text the provider cannot take: refused before sending. */
    CHECK_RESULT(imza_mobile_options_set_display_text(
                     o, "This display text is far too long for a Mobile-ID prompt on the phone of the person "
                        "who signs, more than one hundred characters"),
                 IMZA_OK);
    CHECK_RESULT(imza_mobile_sign_hash(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", c, hash,
                                       32, &sig, &sig_len, &cert, &cert_len),
                 741);
    /* Nothing listens on port 1: the service's transport failure code. */
    CHECK_RESULT(imza_mobile_options_set_display_text(o, NULL), IMZA_OK);
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", NULL, &json),
                 735);
    CHECK(strstr(last_error(), UUID_OK_SHAPE) == NULL);
    /* Triggered before: the session stops at once. */
    CHECK_RESULT(imza_mobile_cancel_trigger(c), IMZA_OK);
    CHECK_RESULT(imza_mobile_cancel_trigger(c), IMZA_OK);
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", c, &json), 737);
    imza_mobile_cancel_free(c);
    imza_mobile_cancel_free(NULL);
    imza_mobile_options_free(o);
    imza_mobile_options_free(NULL);
}

/* Mobile-ID: a phone as an imza_signer; the CAdES signature validates. */
static void test_mid_signer(void) {
    struct codes codes = {0};
    imza_mobile_options *o = options(IMZA_MOBILE_PROVIDER_MOBILE_ID, rp_uuid, &codes);
    imza_signer *s = NULL;
    uint8_t *cert = NULL, *sig = NULL;
    size_t cert_len = 0, sig_len = 0, n = 0;
    imza_sign_options *so = NULL;
    static const uint8_t content[] = "imza C test document: signed with a phone.\n";
    CHECK_RESULT(imza_mobile_signer_new(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", NULL, &s,
                                        &cert, &cert_len),
                 IMZA_OK);
    if (s == NULL) fprintf(stderr, "  mobile signer: %s\n", last_error());
    imza_mobile_options_free(o); /* the signer keeps what it needs */
    CHECK(cert != NULL && cert_len > 100 && cert[0] == 0x30);
    CHECK_RESULT(imza_sign_options_new(&so), IMZA_OK);
    {
        uint8_t *inter = read_file("test-vectors/pki/ecdsa-p256/intermediate.pem", &n);
        CHECK_RESULT(imza_sign_options_add_chain(so, inter, n), IMZA_OK);
        free(inter);
    }
    codes.calls = 0;
    CHECK_RESULT(imza_sign_document(so, s, cert, cert_len, content, sizeof content - 1, &sig, &sig_len), IMZA_OK);
    if (sig == NULL) fprintf(stderr, "  mobile signing: %s\n", last_error());
    CHECK(codes.calls == 1 && !codes.bad);
    if (sig != NULL) {
        imza_trust_store *t = trust("ecdsa-p256");
        imza_verify_options *vo = NULL;
        imza_report *r = NULL;
        uint8_t *crl;
        CHECK_RESULT(imza_verify_options_new(t, &vo), IMZA_OK);
        crl = read_file("test-vectors/pki/ecdsa-p256/root.crl", &n);
        CHECK_RESULT(imza_verify_options_add_crl(vo, crl, n), IMZA_OK);
        free(crl);
        crl = read_file("test-vectors/pki/ecdsa-p256/intermediate.crl", &n);
        CHECK_RESULT(imza_verify_options_add_crl(vo, crl, n), IMZA_OK);
        free(crl);
        CHECK_RESULT(imza_verify_document(vo, sig, sig_len, NULL, 0, &r), IMZA_OK);
        CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
        CHECK(imza_report_signature_signer(r, 0) != NULL &&
              strstr(imza_report_signature_signer(r, 0), "60001019906") != NULL);
        imza_report_free(r);
        imza_verify_options_free(vo);
        imza_trust_store_free(t);
    }
    imza_bytes_free(sig, sig_len);
    imza_bytes_free(cert, cert_len);
    imza_sign_options_free(so);
    imza_signer_free(s);
}

/* Smart-ID: a login by identity number, a hash signed. */
static void test_sid(void) {
    struct codes codes = {0};
    imza_mobile_options *o = options(IMZA_MOBILE_PROVIDER_SMART_ID, rp_uuid, &codes);
    char *json = NULL;
    static const uint8_t hash[48] = {1, 2, 3};
    uint8_t *sig = NULL, *cert = NULL;
    size_t sig_len = 0, cert_len = 0;
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_ETSI, "PNOEE-60001019906", NULL, NULL, &json), IMZA_OK);
    if (json == NULL) fprintf(stderr, "  login: %s\n", last_error());
    CHECK(json != NULL && strstr(json, "\"provider\":\"Smart-ID\"") != NULL);
    CHECK(json != NULL && strstr(json, "60001019906") != NULL && strstr(json, "BEGIN CERTIFICATE") != NULL);
    CHECK(json != NULL && strstr(json, codes.last) != NULL && codes.calls == 1 && !codes.bad);
    imza_string_free(json);

    CHECK_RESULT(imza_mobile_sign_hash(o, IMZA_MOBILE_PERSON_ETSI, "PNOEE-60001019906", NULL, NULL, hash,
                                       sizeof hash, &sig, &sig_len, &cert, &cert_len),
                 IMZA_OK);
    CHECK(sig_len == 256 && cert != NULL && cert[0] == 0x30); /* RSA 2048 */
    imza_bytes_free(sig, sig_len);
    imza_bytes_free(cert, cert_len);

    /* The person refuses on the phone. */
    json = NULL;
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_ETSI, "PNOEE-60001019917", NULL, NULL, &json), 701);
    CHECK(json == NULL && strlen(last_error()) > 0);
    imza_mobile_options_free(o);
}

struct trigger {
    imza_mobile_cancel *cancel;
    long after_ms;
};

static void *trigger_later(void *arg) {
    struct trigger *t = arg;
    struct timespec ts = {t->after_ms / 1000, (t->after_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    CHECK_RESULT(imza_mobile_cancel_trigger(t->cancel), IMZA_OK);
    return NULL;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The person never answers; another thread cancels. A wrong relying party is refused. */
static void test_cancel_and_refusals(void) {
    struct codes codes = {0};
    imza_mobile_options *o = options(IMZA_MOBILE_PROVIDER_MOBILE_ID, rp_uuid, &codes);
    imza_mobile_cancel *c = NULL;
    pthread_t th;
    struct trigger t;
    char *json = NULL;
    double started;
    CHECK_RESULT(imza_mobile_cancel_new(&c), IMZA_OK);
    t.cancel = c;
    t.after_ms = 1500;
    CHECK(pthread_create(&th, NULL, trigger_later, &t) == 0);
    started = now_s();
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_PHONE, "60001019928", "+37200000768", c, &json), 737);
    CHECK(now_s() - started < 20.0);
    pthread_join(th, NULL);
    imza_mobile_cancel_free(c);
    /* The person cancels on the phone. */
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_PHONE, "60001019917", "+37200000767", NULL, &json), 701);
    imza_mobile_options_free(o);

    /* A relying-party UUID the service does not know: 731, and it is never repeated. */
    o = options(IMZA_MOBILE_PROVIDER_MOBILE_ID, "c0ffee00-1234-4abc-8def-9876543210ab", &codes);
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", NULL, &json), 731);
    CHECK(strstr(last_error(), "c0ffee00") == NULL);
    CHECK(json == NULL);
    imza_mobile_options_free(o);
}

/* ---- the host's HTTP client: plain sockets to 127.0.0.1, HTTP/1.1 with Connection: close -- */

struct http_host {
    int fail;
    unsigned calls;
};

static int send_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static imza_result host_http(void *userdata, const imza_http_request *req, imza_http_response *resp) {
    struct http_host *h = userdata;
    const char *rest, *path;
    char head[2048];
    int port, fd, off, hl;
    size_t i, len = 0, cap = 1 << 16;
    struct sockaddr_in addr;
    char *buf, *body, *ct, *end;
    unsigned status = 0;
    ssize_t r;
    h->calls++;
    if (h->fail) return 4242;
    if (strncmp(req->url, "http://127.0.0.1:", 17) != 0) return 1;
    rest = req->url + 17;
    port = atoi(rest);
    path = strchr(rest, '/');
    if (path == NULL) return 1;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (fd >= 0) close(fd);
        return 2;
    }
    off = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
                   "Content-Length: %zu\r\n", req->method, path, port, req->body_len);
    for (i = 0; i < req->header_count; i++) {
        off += snprintf(head + off, sizeof head - (size_t)off, "%s: %s\r\n", req->header_names[i],
                        req->header_values[i]);
    }
    off += snprintf(head + off, sizeof head - (size_t)off, "\r\n");
    if (send_all(fd, head, (size_t)off) != 0 ||
        (req->body_len > 0 && send_all(fd, req->body, req->body_len) != 0)) {
        close(fd);
        return 3;
    }
    buf = malloc(cap + 1);
    while ((r = read(fd, buf + len, cap - len)) > 0) len += (size_t)r;
    close(fd);
    buf[len] = '\0';
    end = strstr(buf, "\r\n\r\n");
    if (end == NULL || sscanf(buf, "HTTP/1.%*d %u", &status) != 1) {
        free(buf);
        return 4;
    }
    *end = '\0';
    body = end + 4;
    hl = (int)(body - buf);
    CHECK_RESULT(imza_http_response_set_status(resp, status), IMZA_OK);
    ct = strstr(buf, "Content-Type: ");
    if (ct != NULL) {
        char *eol = strstr(ct, "\r\n");
        if (eol != NULL) *eol = '\0';
        CHECK_RESULT(imza_http_response_set_content_type(resp, ct + 14), IMZA_OK);
    }
    CHECK_RESULT(imza_http_response_append_body(resp, (const uint8_t *)body, len - (size_t)hl), IMZA_OK);
    free(buf);
    return IMZA_OK;
}

static void test_host_transport(void) {
    struct codes codes = {0};
    struct http_host h = {0, 0};
    imza_transport *t = NULL;
    imza_mobile_options *o = options(IMZA_MOBILE_PROVIDER_MOBILE_ID, rp_uuid, &codes);
    char *json = NULL;
    CHECK_RESULT(imza_transport_new_callback(host_http, &h, &t), IMZA_OK);
    CHECK_RESULT(imza_mobile_options_set_transport(o, t), IMZA_OK);
    imza_transport_free(t); /* the options keep a reference */
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", NULL, &json),
                 IMZA_OK);
    if (json == NULL) fprintf(stderr, "  login through the host: %s\n", last_error());
    CHECK(json != NULL && strstr(json, "\"provider\":\"Mobile-ID\"") != NULL);
    CHECK(h.calls >= 2); /* the start and at least one poll */
    imza_string_free(json);
    json = NULL;
    /* The host's client fails: the transport failure code, with its code in the message. */
    h.fail = 1;
    CHECK_RESULT(imza_mobile_login(o, IMZA_MOBILE_PERSON_PHONE, "60001019906", "+37200000766", NULL, &json), 735);
    CHECK(strstr(last_error(), "4242") != NULL);
    CHECK(strstr(last_error(), rp_uuid) == NULL);
    CHECK(json == NULL);
    imza_mobile_options_free(o);
}

int main(void) {
    url_base = getenv("IMZA_TEST_MOBILE_URL");
    rp_uuid = getenv("IMZA_TEST_RP_UUID");
    if (url_base == NULL || rp_uuid == NULL) {
        url_base = NULL;
        test_arguments();
        if (ci_on()) {
            fprintf(stderr, "test_mobile: no mobile-ID service (IMZA_TEST_MOBILE_URL, IMZA_TEST_RP_UUID; "
                            "run ffi/tests/run-c-services.sh) and CI is set\n");
            return 1;
        }
        fprintf(stderr, "SKIPPED test_mobile: the service scenarios need ffi/tests/run-c-services.sh\n");
    } else {
        const char *saved = url_base;
        url_base = NULL; /* the argument checks use a port where nothing listens */
        test_arguments();
        url_base = saved;
        test_mid_signer();
        test_sid();
        test_cancel_and_refusals();
        test_host_transport();
    }
    printf("test_mobile: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
