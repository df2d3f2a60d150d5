/* Verifies a signed document with libimza and prints the verdict.
 *
 *   cc verify.c $(pkg-config --cflags --libs imza) -o verify
 *   ./verify --trust root.pem contract.p7m              (attached content)
 *   ./verify --trust root.pem report.pdf.p7s report.pdf (detached content)
 *
 * Exits 0 TOTAL_PASSED, 1 TOTAL_FAILED, 2 INDETERMINATE (as `imza verify`), 64 on a usage
 * error, 65 when the input cannot be processed. SPDX-License-Identifier: Apache-2.0 OR MIT */
#include <imza.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what, imza_result rc) {
    char msg[256], detail[512];
    size_t n;
    imza_result_message(rc, msg, sizeof msg, &n);
    imza_last_error_message(detail, sizeof detail, &n);
    fprintf(stderr, "verify: %s: %s (%u)%s%s\n", what, msg, rc, n ? ": " : "", detail);
    return 65;
}

int main(int argc, char **argv) {
    imza_trust_store *trust = NULL;
    imza_verify_options *opts = NULL;
    imza_report *report = NULL;
    const char *files[2] = {NULL, NULL};
    int nfiles = 0, code = 65;
    imza_result rc = imza_trust_store_new(&trust);
    for (int i = 1; rc == IMZA_OK && i < argc; i++) {
        if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc) {
            if ((rc = imza_trust_store_add_path(trust, argv[++i])) != IMZA_OK) code = fail(argv[i], rc);
        } else if (nfiles < 2 && argv[i][0] != '-') {
            files[nfiles++] = argv[i];
        } else {
            nfiles = 0;
            break;
        }
    }
    if (rc == IMZA_OK && nfiles == 0) {
        fprintf(stderr, "usage: %s --trust ROOT.pem [--trust ...] SIGNATURE [CONTENT]\n", argv[0]);
        code = 64;
    } else if (rc == IMZA_OK && (rc = imza_verify_options_new(trust, &opts)) != IMZA_OK) {
        code = fail("options", rc);
    } else if (rc == IMZA_OK
               && (rc = imza_verify_document_file(opts, files[0], files[1], &report)) != IMZA_OK) {
        code = fail(files[0], rc);
    } else if (rc == IMZA_OK) {
        static const char *names[] = {"?", "TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"};
        uint32_t ind = imza_report_indication(report);
        const char *sub = imza_report_sub_indication(report);
        const char *signer = imza_report_signature_signer(report, 0);
        const char *best = imza_report_signature_best_time(report, 0);
        printf("indication:          %s\n", names[ind <= 3 ? ind : 0]);
        printf("sub-indication:      %s\n", sub ? sub : "-");
        printf("signer:              %s\n", signer ? signer : "-");
        printf("best-signature-time: %s\n", best ? best : "-");
        code = ind == IMZA_TOTAL_PASSED ? 0 : ind == IMZA_TOTAL_FAILED ? 1 : 2;
    }
    imza_report_free(report);
    imza_verify_options_free(opts);
    imza_trust_store_free(trust);
    return code;
}
