#!/usr/bin/env python3
"""Verify a JWT with PyJWT for the imza interop tests.

Usage: verify.py PUBLIC.pem ALG ISS AUD TOKEN|-

PUBLIC.pem is a SubjectPublicKeyInfo PEM ("PUBLIC KEY"). TOKEN "-" reads the token from
standard input. Checks the signature with algorithms=[ALG] as the only allowed algorithm,
requires exp, iss and aud, and checks exp (and nbf/iat when present), iss and aud.
Exit 0 and {"header": ..., "claims": ...} on stdout when valid; exit 1 and the error on
stderr when not; exit 2 on a usage error.
"""
import json
import sys

import jwt


def main(argv):
    if len(argv) != 6:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    key_path, alg, iss, aud, token = argv[1:]
    if token == "-":
        token = sys.stdin.read()
    token = token.strip()
    with open(key_path, "rb") as f:
        key = f.read()
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(
            token,
            key,
            algorithms=[alg],
            issuer=iss,
            audience=aud,
            options={"require": ["exp", "iss", "aud"]},
        )
    except Exception as e:  # every rejection, PyJWTError or a key/format error
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"header": header, "claims": claims}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
