"""imza.verify_token over libimza's token functions, with tokens made by PyJWT (pinned in
interop/python/requirements.txt, which .ci/run installs) from the repository's test keys."""

import base64
import json
import time
from pathlib import Path

import jwt  # PyJWT: a requirement, not a skip (interop/python/requirements.txt)
import pytest

import imza

CERTS = Path(__file__).resolve().parents[3] / "test-vectors" / "certs"
P256_KEY = (CERTS / "p256.key").read_bytes()
P384_KEY = (CERTS / "p384.key").read_bytes()
ISS = "https://issuer.example"


def token(claims=None, key=P256_KEY, alg="ES256", kid="k1", **extra):
    now = int(time.time())
    body = {"sub": "alice", "iss": ISS, "aud": "portal", "iat": now, "exp": now + 300}
    body.update(claims or {})
    body.update(extra)
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})


def p256_jwk(kid="k1"):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    numbers = load_pem_private_key(P256_KEY, None).public_key().public_numbers()

    def b64(n):
        return base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode()

    return {"kty": "EC", "crv": "P-256", "x": b64(numbers.x), "y": b64(numbers.y), "kid": kid}


def check(tok, **kw):
    args = dict(keys=CERTS / "p256.pem", algorithms=["ES256"], issuer=ISS, audience="portal")
    args.update(kw)
    return imza.verify_token(tok, **args)


def jose_error(tok, **kw):
    with pytest.raises(imza.ImzaError) as e:
        check(tok, **kw)
    assert 1100 <= e.value.code < 1200, e.value
    return e.value


@pytest.mark.parametrize(
    "keys",
    [
        CERTS / "p256.pem",
        (CERTS / "p256.pem").read_bytes(),
        (CERTS / "p256.der").read_bytes(),
        "jwk dict",
        "jwks text",
    ],
    ids=["certificate path", "certificate PEM", "certificate DER", "JWK dict", "JWKS JSON text"],
)
def test_a_pyjwt_es256_token_verifies_with_each_kind_of_key(keys):
    if keys == "jwk dict":
        keys = p256_jwk()
    elif keys == "jwks text":
        keys = json.dumps({"keys": [p256_jwk()]})
    result = check(token(), keys=keys)
    assert result["valid"] is True
    assert result["alg"] == "ES256"
    assert result["header"]["kid"] == "k1"
    assert result["claims"]["sub"] == "alice"


def test_a_tampered_signature_is_refused():
    tok = token()
    bad = tok[:-2] + ("A" if tok[-2] != "A" else "B") + tok[-1]
    assert "signature" in jose_error(bad).message


def test_an_algorithm_outside_the_allow_list_is_refused():
    tok = token(key=P384_KEY, alg="ES384")
    jose_error(tok, keys=[CERTS / "p256.pem", CERTS / "p384.pem"])


def test_expiry_audience_and_issuer_are_checked():
    tok = token()
    assert "exp" in jose_error(tok, at=int(time.time()) + 3600, leeway=0).message
    assert "aud" in jose_error(tok, audience="other").message
    assert "iss" in jose_error(tok, issuer="https://other.example").message


def test_the_validation_time_can_make_an_old_token_current():
    tok = token(iat=1893456000, exp=1893456300)  # 2030-01-01T00:00:00Z + 5 min
    jose_error(tok)
    assert check(tok, at="2030-01-01T00:01:00Z")["valid"] is True


def test_an_openid_connect_id_token_checks_client_id_and_nonce():
    tok = token(aud="client-1", nonce="n-0S6")
    result = check(tok, audience=None, client_id="client-1", nonce="n-0S6")
    assert result["claims"]["nonce"] == "n-0S6"
    jose_error(tok, audience=None, client_id="client-1", nonce="another")
    jose_error(tok, audience=None, client_id="client-2")


def test_no_key_for_the_allowed_algorithms_is_invalid_argument():
    with pytest.raises(imza.ImzaError) as e:
        check(token(), algorithms=["ES384"])
    assert e.value.code == imza.INVALID_ARGUMENT
    assert "ES384" in e.value.message


def test_not_a_token_and_a_malformed_key():
    jose_error("not.a-token")
    with pytest.raises(imza.ImzaError) as e:
        check(token(), keys=b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    assert e.value.code >= 100
    with pytest.raises(ValueError):
        check(token(), algorithms=[])
