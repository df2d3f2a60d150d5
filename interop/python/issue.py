#!/usr/bin/env python3
"""Issue a JWT with PyJWT for the imza interop tests.

Usage: issue.py KEY.pem ALG ISS AUD

KEY.pem is an unencrypted PKCS#8 private key. Prints a compact JWS whose claims are
iss, aud, sub="imza-interop", iat=now and exp=now+300.
"""
import sys
import time

import jwt


def main(argv):
    if len(argv) != 5:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    key_path, alg, iss, aud = argv[1:]
    with open(key_path, "rb") as f:
        key = f.read()
    now = int(time.time())
    claims = {"iss": iss, "aud": aud, "sub": "imza-interop", "iat": now, "exp": now + 300}
    print(jwt.encode(claims, key, algorithm=alg))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
