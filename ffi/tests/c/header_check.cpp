// The C header must be usable from C++ (-Wall -Wextra -Werror): run-c-tests.sh compiles this
// file with -fsyntax-only. It names a few declarations so that they are checked, not just
// included.
#include "imza.h"

int main() {
    imza_trust_store *store = nullptr;
    imza_result r = imza_trust_store_new(&store);
    imza_trust_store_free(store);
    return r == IMZA_OK && imza_version() != nullptr ? 0 : 1;
}
