/* Shared by the C tests of imza's C ABI (ffi/tests/c/test_*.c): checks that count instead of
 * aborting, heap copies of exact size (so reads past a length are caught by ASan and
 * valgrind), reading test files from the repository, and the last error's message.
 *
 * IMZA_ROOT (a string literal) is the repository root; run-c-tests.sh defines it. */
#ifndef IMZA_TEST_CHECK_H
#define IMZA_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imza.h"

static const char *describe(imza_result code, char *buf, size_t len);
static const char *last_error(void);

#ifndef IMZA_ROOT
#define IMZA_ROOT "."
#endif

static unsigned passed __attribute__((unused));
static unsigned failed __attribute__((unused));

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (cond) {                                                            \
            passed++;                                                          \
        } else {                                                               \
            failed++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
        }                                                                      \
    } while (0)

#define CHECK_RESULT(expr, want)                                               \
    do {                                                                       \
        imza_result got_ = (expr);                                             \
        if (got_ == (imza_result)(want)) {                                     \
            passed++;                                                          \
        } else {                                                               \
            char got_text_[128], want_text_[128];                              \
            failed++;                                                          \
            fprintf(stderr, "%s:%d: %s\n  got %u (%s), want %u (%s)\n  detail: %s\n", \
                    __FILE__, __LINE__, #expr, (unsigned)got_,                 \
                    describe(got_, got_text_, sizeof got_text_),               \
                    (unsigned)(want),                                          \
                    describe((want), want_text_, sizeof want_text_),           \
                    last_error());                                             \
        }                                                                      \
    } while (0)

/* Checks that `expr` gives exactly the code `want` and that imza_result_message describes
 * `want` with text containing `about` (so a test names the failure it expects, and a code
 * that changed meaning is caught). */
#define CHECK_CODE(expr, want, about)                                          \
    do {                                                                       \
        char about_text_[256];                                                 \
        CHECK_RESULT(expr, want);                                              \
        CHECK(strstr(describe((want), about_text_, sizeof about_text_),        \
                     (about)) != NULL);                                        \
    } while (0)

/* CHECK_CODE with the expected text in NAME_TEXT: with `#define CRL_MALFORMED 950` and
 * `#define CRL_MALFORMED_TEXT "CRL: malformed"`, CHECK_ERR(f(), CRL_MALFORMED). */
#define CHECK_ERR(expr, name) CHECK_CODE(expr, name, name##_TEXT)

/* A heap copy of exactly n bytes (at least 1 byte is allocated, so malloc(0) is avoided). */
__attribute__((unused)) static uint8_t *dup_bytes(const unsigned char *src, size_t n) {
    uint8_t *p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    memcpy(p, src, n);
    return p;
}

/* The message of a code, for diagnostics. */
__attribute__((unused)) static const char *describe(imza_result code, char *buf, size_t len) {
    size_t n = 0;
    if (imza_result_message(code, buf, len, &n) != IMZA_OK) {
        return "(no message)";
    }
    return buf;
}

/* The whole file at IMZA_ROOT/rel in a heap block of exactly its size (*len); exits on error. */
__attribute__((unused)) static uint8_t *read_file(const char *rel, size_t *len) {
    char path[1024];
    FILE *f;
    long n;
    uint8_t *p;
    snprintf(path, sizeof path, "%s/%s", IMZA_ROOT, rel);
    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    p = malloc(n ? (size_t)n : 1);
    if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* The full path of a repository file, in one of four static buffers used in turn (so that
 * up to four may be arguments of one call). */
__attribute__((unused)) static const char *repo_path(const char *rel) {
    static char paths[4][1024];
    static unsigned next;
    char *path = paths[next++ % 4];
    snprintf(path, sizeof paths[0], "%s/%s", IMZA_ROOT, rel);
    return path;
}

/* The detail of the last error on this thread, in a static buffer. */
__attribute__((unused)) static const char *last_error(void) {
    static char buf[1024];
    size_t n = 0;
    if (imza_last_error_message(buf, sizeof buf, &n) != IMZA_OK) {
        return "(no message)";
    }
    return buf;
}

#endif
