/* C tests of the smart-card functions against the real PC/SC stack: pcscd with vsmartcard's
 * vpcd and the project's virtual card (imza-vcard), started here, one card per scenario, on
 * the reader ffi/tests/run-c-services.sh names:
 *
 *   IMZA_TEST_VCARD        the imza-vcard binary
 *   IMZA_TEST_READER       its reader ("Virtual PCD 00 01")
 *   IMZA_TEST_VCARD_PORT   that reader's vpcd port (35964)
 *
 * Without them the service-free checks run (NULL, bad UTF-8, bad constants, an unknown
 * reader, PC/SC not installed) and the rest is SKIPPED, or fails under CI=true.
 *
 * Scenarios: readers and certificates as JSON; CAdES with a card imza_signer (PIV, and the
 * eID card's PIN2) that validates; a raw hash signed (DER and r||s); a PIN callback that
 * cancels; wrong PIN with tries left, the last try refused without asking, the PIN
 * blocked; a PIN too long for the buffer; the card removed while signing; no card. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "check.h"

extern char **environ;

#define P256 "test-vectors/pki/ecdsa-p256/"

static const char *reader;

static int ci_on(void) {
    const char *v = getenv("CI");
    return v != NULL && *v != '\0' && strcmp(v, "0") != 0 && strcmp(v, "false") != 0 &&
           strcmp(v, "FALSE") != 0;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Whether the readers' JSON shows a known card in our reader. */
static int card_ready(void) {
    char *json = NULL;
    char needle[256];
    int ready = 0;
    if (imza_card_list_readers(&json) != IMZA_OK) return 0;
    snprintf(needle, sizeof needle, "\"name\":\"%s\"", reader);
    {
        char *at = strstr(json, needle);
        if (at != NULL) {
            char *start = at, *end = strchr(at, '}');
            while (start > json && *start != '{') start--;
            if (end != NULL) {
                char saved = end[1];
                end[1] = '\0';
                ready = strstr(start, "\"card_present\":true") != NULL &&
                        strstr(start, "\"profile\":null") == NULL;
                end[1] = saved;
            }
        }
    }
    imza_string_free(json);
    return ready;
}

/* Starts a virtual card (profile "piv" or "eid", plus one extra option or NULL) in our reader
 * and waits until pcscd shows it. */
static pid_t card_start(const char *profile, const char *extra) {
    const char *bin = getenv("IMZA_TEST_VCARD");
    const char *port = getenv("IMZA_TEST_VCARD_PORT");
    char keys[1024];
    char *argv[10];
    int i = 0, tries;
    pid_t pid;
    posix_spawn_file_actions_t fa;
    snprintf(keys, sizeof keys, "%s/test-vectors/pki", IMZA_ROOT);
    argv[i++] = (char *)"imza-vcard";
    argv[i++] = (char *)"--profile";
    argv[i++] = (char *)profile;
    argv[i++] = (char *)"--port";
    argv[i++] = (char *)port;
    argv[i++] = (char *)"--keys";
    argv[i++] = keys;
    if (extra != NULL) argv[i++] = (char *)extra;
    argv[i] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid, bin, &fa, NULL, argv, environ) != 0) {
        fprintf(stderr, "cannot start %s\n", bin);
        exit(2);
    }
    posix_spawn_file_actions_destroy(&fa);
    for (tries = 0; tries < 100 && !card_ready(); tries++) sleep_ms(100);
    CHECK(card_ready());
    return pid;
}

/* Removes the card (ends its process) and waits until pcscd notices. */
static void card_stop(pid_t pid) {
    int status, tries;
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    for (tries = 0; tries < 50 && card_ready(); tries++) sleep_ms(100);
    sleep_ms(200);
}

/* The host's PIN dialog. */
struct pin_host {
    const char *pin;   /* typed */
    int cancel;        /* return an error instead */
    int overflow;      /* claim more bytes than the buffer holds */
    unsigned calls, pin_pad_calls;
    int32_t last_tries;
    char last_prompt[256];
};

static imza_result pin_cb(void *userdata, const char *prompt, int32_t tries_left, uint32_t pin_pad,
                          uint8_t *buf, size_t cap, size_t *out_len) {
    struct pin_host *h = userdata;
    size_t n;
    h->calls++;
    h->last_tries = tries_left;
    snprintf(h->last_prompt, sizeof h->last_prompt, "%s", prompt);
    if (pin_pad) {
        h->pin_pad_calls++;
        CHECK(buf == NULL && cap == 0);
        return IMZA_OK;
    }
    if (h->cancel) return 77;
    n = strlen(h->pin);
    if (n > cap) return 78;
    memcpy(buf, h->pin, n);
    *out_len = h->overflow ? cap + 1 : n;
    return IMZA_OK;
}

static int is_card_code(imza_result r) { return r >= 600 && r < 700; }

/* The core's card codes (imza::card::CardError::code). */
#define CARD_NO_READER 601
#define CARD_NO_CARD 602
#define CARD_REMOVED 603
#define CARD_PCSC_UNAVAILABLE 607
#define CARD_WRONG_PIN 610
#define CARD_PIN_BLOCKED 611
#define CARD_LAST_TRY_REFUSED 612
#define CARD_PIN_FORMAT 613
#define CARD_CANCELLED 617

/* Checks that work without a reader stack. */
static void test_arguments(void) {
    char *json = (char *)&json;
    imza_signer *s = (imza_signer *)&s;
    struct pin_host h = {"123456", 0, 0, 0, 0, 0, ""};
    uint8_t hash[32] = {0};
    uint8_t *sig = (uint8_t *)&sig;
    size_t sig_len = 5;
    CHECK_RESULT(imza_card_list_readers(NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_card_list_certificates(NULL, &json), IMZA_NULL_PARAMETER);
    CHECK(json == NULL);
    CHECK_RESULT(imza_card_list_certificates("r", NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_card_list_certificates("\xff\xfe", &json), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_card_signer_new(NULL, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, &s), IMZA_NULL_PARAMETER);
    CHECK(s == NULL);
    CHECK_RESULT(imza_card_signer_new("r", IMZA_CARD_KEY_SIGNING, 0, NULL, &h, &s), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_card_signer_new("r", IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, NULL), IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_card_signer_new("\xc3\x28", IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, &s), IMZA_INVALID_UTF8);
    CHECK_RESULT(imza_card_signer_new("r", 2, 0, pin_cb, &h, &s), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_card_signer_new("r", IMZA_CARD_KEY_SIGNING, 8, pin_cb, &h, &s), IMZA_INVALID_ARGUMENT);
    CHECK_RESULT(imza_card_sign_hash("r", IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, 31, &sig, &sig_len),
                 IMZA_INVALID_ARGUMENT);
    CHECK(sig == NULL && sig_len == 0);
    CHECK_RESULT(imza_card_sign_hash("r", IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, NULL, 32, &sig, &sig_len),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_card_sign_hash("r", IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, 32, NULL, &sig_len),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_card_sign_hash("r", IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, 32, &sig, NULL),
                 IMZA_NULL_PARAMETER);
    CHECK_RESULT(imza_card_sign_hash(NULL, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, 32, &sig, &sig_len),
                 IMZA_NULL_PARAMETER);
    CHECK(h.calls == 0);
}

/* PC/SC not installed: a child process whose IMZA_PCSC_LIBRARY names no library (the library
 * is loaded once per process, so not here). */
static void test_no_pcsc(void) {
    pid_t pid;
    int status = 0;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        char *json = NULL;
        imza_result r;
        setenv("IMZA_PCSC_LIBRARY", "/nonexistent/libpcsclite.so.1", 1);
        r = imza_card_list_readers(&json);
        if (r != CARD_PCSC_UNAVAILABLE || json != NULL || strstr(last_error(), "PC/SC is not installed") == NULL) {
            fprintf(stderr, "no PC/SC: got %u: %s\n", (unsigned)r, last_error());
            _exit(1);
        }
        _exit(0);
    }
    CHECK(pid > 0);
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_unknown_reader(void) {
    char *json = NULL;
    imza_signer *s = NULL;
    struct pin_host h = {"123456", 0, 0, 0, 0, 0, ""};
    imza_result r = imza_card_list_certificates("No Such Reader 99", &json);
    CHECK_RESULT(r, CARD_NO_READER);
    CHECK(json == NULL);
    CHECK(strlen(last_error()) > 0);
    r = imza_card_signer_new("No Such Reader 99", IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, &s);
    CHECK(r == CARD_NO_READER && s == NULL && h.calls == 0);
}

static imza_verify_options *p256_verify_options(void) {
    imza_trust_store *t = NULL;
    imza_verify_options *o = NULL;
    size_t n = 0;
    uint8_t *b = read_file(P256 "root.pem", &n);
    CHECK_RESULT(imza_trust_store_new(&t), IMZA_OK);
    CHECK_RESULT(imza_trust_store_add_pem(t, b, n), IMZA_OK);
    free(b);
    CHECK_RESULT(imza_verify_options_new(t, &o), IMZA_OK);
    imza_trust_store_free(t);
    b = read_file(P256 "root.crl", &n);
    CHECK_RESULT(imza_verify_options_add_crl(o, b, n), IMZA_OK);
    free(b);
    b = read_file(P256 "intermediate.crl", &n);
    CHECK_RESULT(imza_verify_options_add_crl(o, b, n), IMZA_OK);
    free(b);
    return o;
}

/* The "pem" of the certificate with "key": <key> in the certificates JSON, unescaped, in a
 * heap block (*len bytes). */
static uint8_t *cert_pem(const char *json, unsigned key, size_t *len) {
    char needle[32];
    const char *at, *p, *end;
    uint8_t *out;
    size_t n = 0;
    snprintf(needle, sizeof needle, "\"key\":%u", key);
    at = strstr(json, needle);
    CHECK(at != NULL);
    if (at == NULL) return NULL;
    while (at > json && *at != '{') at--;
    p = strstr(at, "\"pem\":\"");
    CHECK(p != NULL);
    if (p == NULL) return NULL;
    p += 7;
    end = strchr(p, '"');
    out = malloc((size_t)(end - p) + 1);
    while (p < end) {
        if (p[0] == '\\' && p[1] == 'n') {
            out[n++] = '\n';
            p += 2;
        } else {
            out[n++] = (uint8_t)*p++;
        }
    }
    *len = n;
    return out;
}

/* Signs "content" as CAdES-B with a card signer and validates it. */
static void sign_and_verify(imza_signer *s, const uint8_t *cert, size_t cert_len, int verify) {
    imza_sign_options *so = NULL;
    uint8_t *sig = NULL;
    size_t sig_len = 0, n = 0;
    uint8_t *chain = read_file(P256 "intermediate.pem", &n);
    static const uint8_t content[] = "A decision signed with an ID card, from C.\n";
    CHECK_RESULT(imza_sign_options_new(&so), IMZA_OK);
    CHECK_RESULT(imza_sign_options_add_chain(so, chain, n), IMZA_OK);
    CHECK_RESULT(imza_sign_document(so, s, cert, cert_len, content, sizeof content - 1, &sig, &sig_len),
                 IMZA_OK);
    if (sig == NULL) fprintf(stderr, "  signing: %s\n", last_error());
    if (verify && sig != NULL) {
        imza_verify_options *o = p256_verify_options();
        imza_report *r = NULL;
        CHECK_RESULT(imza_verify_document(o, sig, sig_len, NULL, 0, &r), IMZA_OK);
        CHECK(imza_report_indication(r) == IMZA_TOTAL_PASSED);
        CHECK(imza_report_signature_signer(r, 0) != NULL &&
              strstr(imza_report_signature_signer(r, 0), "P-256 Signer") != NULL);
        imza_report_free(r);
        imza_verify_options_free(o);
    }
    imza_bytes_free(sig, sig_len);
    imza_sign_options_free(so);
    free(chain);
}

static void test_piv(void) {
    pid_t card = card_start("piv", NULL);
    char *json = NULL;
    uint8_t *cert;
    size_t cert_len = 0;
    imza_signer *s = NULL;
    struct pin_host h = {"123456", 0, 0, 0, 0, 0, ""};
    static const uint8_t hash[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                     0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                     0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    uint8_t *sig = NULL;
    size_t sig_len = 0;

    /* Readers and certificates. */
    CHECK_RESULT(imza_card_list_readers(&json), IMZA_OK);
    CHECK(json != NULL && strstr(json, reader) != NULL && strstr(json, "\"profile\":\"PIV\"") != NULL);
    imza_string_free(json);
    json = NULL;
    CHECK_RESULT(imza_card_list_certificates(reader, &json), IMZA_OK);
    CHECK(json != NULL && strstr(json, "\"profile\":\"PIV\"") != NULL);
    CHECK(strstr(json, "\"slot\":\"9C\"") != NULL && strstr(json, "\"purpose\":\"signing\"") != NULL);
    CHECK(strstr(json, "P-256 Signer") != NULL && strstr(json, "P-256 Login") != NULL);
    CHECK(strstr(json, "BEGIN CERTIFICATE") != NULL);
    cert = cert_pem(json, IMZA_CARD_KEY_SIGNING, &cert_len);
    imza_string_free(json);

    /* CAdES through a card signer: asked once, with the tries left. */
    CHECK_RESULT(imza_card_signer_new(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, &s), IMZA_OK);
    CHECK(h.calls == 0); /* not before the card needs it */
    sign_and_verify(s, cert, cert_len, 1);
    CHECK(h.calls == 1 && h.pin_pad_calls == 0 && h.last_tries == 3);
    CHECK(strstr(h.last_prompt, "PIV signing PIN") != NULL && strstr(h.last_prompt, "3 tries left") != NULL);

    /* The PIN callback cancels: the operation fails with a card code, the card keeps its
     * tries. */
    h.cancel = 1;
    h.calls = 0;
    {
        imza_sign_options *so = NULL;
        uint8_t *out = NULL;
        size_t out_len = 0;
        CHECK_RESULT(imza_sign_options_new(&so), IMZA_OK);
        {
            imza_result r = imza_sign_document(so, s, cert, cert_len, (const uint8_t *)"x", 1, &out, &out_len);
            CHECK_RESULT(r, CARD_CANCELLED);
            CHECK(strstr(last_error(), "cancelled") != NULL);
        }
        CHECK(out == NULL && h.calls == 1);
        imza_sign_options_free(so);
    }
    imza_signer_free(s);
    s = NULL;

    /* A raw hash: DER by default, r || s on request; the callback is asked each time. */
    h.cancel = 0;
    h.calls = 0;
    CHECK_RESULT(imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, sizeof hash, &sig,
                                     &sig_len),
                 IMZA_OK);
    CHECK(sig != NULL && sig_len > 8 && sig[0] == 0x30);
    CHECK(h.last_tries == 3); /* the cancel above spent no try */
    imza_bytes_free(sig, sig_len);
    CHECK_RESULT(imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, IMZA_CARD_ECDSA_RAW, pin_cb, &h, hash,
                                     sizeof hash, &sig, &sig_len),
                 IMZA_OK);
    CHECK(sig_len == 64);
    imza_bytes_free(sig, sig_len);
    CHECK(h.calls == 2);

    /* The same through the cancelling callback. */
    h.cancel = 1;
    {
        imza_result r = imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, sizeof hash,
                                            &sig, &sig_len);
        CHECK_RESULT(r, CARD_CANCELLED);
        CHECK(sig == NULL && sig_len == 0);
        CHECK(strstr(last_error(), "PIN callback returned 77") != NULL);
    }

    /* A callback claiming more bytes than the buffer holds, then a PIN with a byte no card
     * takes: refused before the card sees them. */
    h.cancel = 0;
    h.overflow = 1;
    CHECK_RESULT(imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, sizeof hash, &sig,
                                     &sig_len),
                 CARD_PIN_FORMAT);
    CHECK(strstr(last_error(), "buffer") != NULL);
    h.overflow = 0;
    h.pin = "12\n34\x01";
    CHECK_RESULT(imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, sizeof hash, &sig,
                                     &sig_len),
                 CARD_PIN_FORMAT);
    CHECK(strstr(last_error(), "PIN") != NULL);
    h.pin = "123456";
    CHECK_RESULT(imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, sizeof hash, &sig,
                                     &sig_len),
                 IMZA_OK);
    CHECK(h.last_tries == 3);
    imza_bytes_free(sig, sig_len);
    free(cert);
    card_stop(card);

    /* No card in the reader now (or, when pcscd has not caught up yet, the card left during
     * the operation). */
    json = NULL;
    {
        imza_result r = imza_card_list_certificates(reader, &json);
        CHECK(r == CARD_NO_CARD || r == CARD_REMOVED);
        if (r != CARD_NO_CARD && r != CARD_REMOVED) {
            fprintf(stderr, "  got %u: %s\n", (unsigned)r, last_error());
        }
    }
    CHECK(json == NULL);
}

/* Wrong PINs: tries left, the last try not spent unless allowed (and then nobody is asked),
 * blocked. A fresh card: its PIN state is its own. */
static void test_pin_states(void) {
    pid_t card = card_start("piv", NULL);
    struct pin_host h = {"000000", 0, 0, 0, 0, 0, ""};
    static const uint8_t hash[32] = {1};
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    imza_result r;

    r = imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, sizeof hash, &sig, &sig_len);
    CHECK_RESULT(r, CARD_WRONG_PIN);
    CHECK(strstr(last_error(), "wrong PIN; 2 tries left") != NULL);
    CHECK(h.last_tries == 3);
    r = imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, sizeof hash, &sig, &sig_len);
    CHECK_RESULT(r, CARD_WRONG_PIN);
    CHECK(strstr(last_error(), "wrong PIN; 1 tries left") != NULL);
    /* One try left: refused without asking. */
    h.calls = 0;
    h.pin = "123456";
    r = imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, sizeof hash, &sig, &sig_len);
    CHECK_RESULT(r, CARD_LAST_TRY_REFUSED);
    CHECK(h.calls == 0);
    CHECK(strstr(last_error(), "only one PIN try is left") != NULL);
    /* Allowed, and wrong: blocked. */
    h.pin = "000000";
    r = imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, IMZA_CARD_ALLOW_LAST_TRY, pin_cb, &h, hash,
                            sizeof hash, &sig, &sig_len);
    CHECK(is_card_code(r) && (r == CARD_WRONG_PIN || r == CARD_PIN_BLOCKED));
    CHECK(h.calls == 1 && h.last_tries == 1);
    CHECK(strstr(last_error(), "blocked") != NULL || strstr(last_error(), "0 tries left") != NULL);
    /* Blocked: reported without asking. */
    h.calls = 0;
    h.pin = "123456";
    r = imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, IMZA_CARD_ALLOW_LAST_TRY, pin_cb, &h, hash,
                            sizeof hash, &sig, &sig_len);
    CHECK_RESULT(r, CARD_PIN_BLOCKED);
    CHECK(h.calls == 0);
    CHECK(strstr(last_error(), "the PIN is blocked") != NULL);
    CHECK(sig == NULL);
    card_stop(card);
}

/* The card leaves while it signs. */
static void test_removed(void) {
    pid_t card = card_start("piv", "--vanish-on-sign");
    struct pin_host h = {"123456", 0, 0, 0, 0, 0, ""};
    static const uint8_t hash[32] = {2};
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    imza_result r =
        imza_card_sign_hash(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, hash, sizeof hash, &sig, &sig_len);
    CHECK_RESULT(r, CARD_REMOVED);
    CHECK(sig == NULL);
    CHECK(strstr(last_error(), "removed") != NULL);
    card_stop(card);
}

/* The eID card: PIN2 (5 digits) for its P-384 signing key. */
static void test_eid(void) {
    pid_t card = card_start("eid", NULL);
    char *json = NULL;
    imza_signer *s = NULL;
    struct pin_host h = {"12345", 0, 0, 0, 0, 0, ""};
    uint8_t *cert;
    size_t cert_len = 0;
    CHECK_RESULT(imza_card_list_certificates(reader, &json), IMZA_OK);
    CHECK(json != NULL && strstr(json, "EstEID") != NULL && strstr(json, "P-384 Signer") != NULL);
    cert = cert_pem(json, IMZA_CARD_KEY_SIGNING, &cert_len);
    imza_string_free(json);
    CHECK_RESULT(imza_card_signer_new(reader, IMZA_CARD_KEY_SIGNING, 0, pin_cb, &h, &s), IMZA_OK);
    {
        imza_sign_options *so = NULL;
        uint8_t *sig = NULL;
        size_t sig_len = 0;
        CHECK_RESULT(imza_sign_options_new(&so), IMZA_OK);
        CHECK_RESULT(imza_sign_document(so, s, cert, cert_len, (const uint8_t *)"eID", 3, &sig, &sig_len),
                     IMZA_OK);
        CHECK(sig != NULL && h.calls == 1);
        CHECK(strstr(h.last_prompt, "EstEID") != NULL && strstr(h.last_prompt, "signing PIN") != NULL);
        imza_bytes_free(sig, sig_len);
        imza_sign_options_free(so);
    }
    imza_signer_free(s);
    free(cert);
    card_stop(card);
}

int main(void) {
    test_no_pcsc();
    test_arguments();
    reader = getenv("IMZA_TEST_READER");
    if (reader == NULL || getenv("IMZA_TEST_VCARD") == NULL || getenv("IMZA_TEST_VCARD_PORT") == NULL) {
        if (ci_on()) {
            fprintf(stderr, "test_card: no card service (IMZA_TEST_READER, IMZA_TEST_VCARD, "
                            "IMZA_TEST_VCARD_PORT; run ffi/tests/run-c-services.sh) and CI is set\n");
            return 1;
        }
        fprintf(stderr, "SKIPPED test_card: the card scenarios need the services of "
                        "ffi/tests/run-c-services.sh\n");
    } else {
        test_unknown_reader();
        test_piv();
        test_pin_states();
        test_removed();
        test_eid();
    }
    printf("test_card: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
