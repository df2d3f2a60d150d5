#!/usr/bin/env python3
"""TEST SUPPORT ONLY: a scripted Mobile-ID + Smart-ID relying-party service on 127.0.0.1.

Plays two public relying-party APIs with the fake people of test-vectors/mobile/people.json
(made by test-vectors/generate-mobile.sh), so the imza clients can be tested end to end
over real HTTP without the demo services:

  /mid-api/...          Estonian Mobile-ID REST API (SK ID Solutions, "MID REST API",
                        https://github.com/SK-EID/MID):
      POST certificate                       -> {"result":"OK","cert":b64} | {"result":"NOT_FOUND"}
      POST signature | authentication        -> {"sessionID"}
      GET  signature/session/<id>?timeoutMs=N   (long poll, N in 1000..120000, default 1000)
      GET  authentication/session/<id>?timeoutMs=N
  /smart-id-rp/v2/...   Smart-ID RP API v2 (SK ID Solutions, https://github.com/SK-EID/smart-id-documentation):
      POST certificatechoice/{etsi/PNOEE-<id>|document/PNOEE-<id>-MOCK-Q}
      POST signature/{etsi|document}/<x>, authentication/{etsi|document}/<x>  -> {"sessionID"}
      GET  session/<id>?timeoutMs=N             (long poll, N >= 1000, default 1000)
  GET /stats, POST /stats/reset   (not part of either API: request counters for tests)

Signatures are real: made by `openssl pkeyutl` with the person's key (people.json sign_with /
auth_with) over the received hash used as the digest. Mobile-ID answers raw r||s ECDSA,
Smart-ID answers PKCS#1 v1.5 RSA over DigestInfo(hashType, hash).
Each person's "behaviour" scripts the outcome; see test-vectors/mobile/README.md.

Startup protocol (same as test-vectors/tsa/tsa-server.py): once bound, exactly one line
"listening <port>" is printed to stdout and flushed. With --stop-on-stdin-eof the server exits
when its stdin is closed, so a test harness that dies does not leak it.

    python3 test-vectors/mobile-server/mobile_server.py --fixtures test-vectors/mobile --port 0
"""

import argparse
import base64
import binascii
import http.server
import json
import os
import secrets
import signal
import ssl
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import parse_qs, urlsplit

HASH_LEN = {"SHA256": 32, "SHA384": 48, "SHA512": 64}
MID_LANGUAGES = {"EST", "ENG", "RUS", "LIT"}
MID_TEXT_LIMIT = {"GSM-7": 100, "UCS-2": 50}
SID_LEVELS = {"QUALIFIED", "ADVANCED"}
SID_INTERACTIONS = {"displayTextAndPIN", "verificationCodeChoice", "confirmationMessage",
                    "confirmationMessageAndVerificationCodeChoice"}
MAX_BODY = 1 << 20
RESULT_DELAY = 1.0      # seconds until an ordinary scripted session completes
SLOW_DELAY = 2.0        # "slow": added to every response
IMPATIENT_FOR = 3.0     # "impatient": RUNNING without long poll for this long
FLAKY_POLLS = 2         # "flaky": this many polls per session answer 500

# Scripted non-OK outcomes. "never" -> TIMEOUT after --session-timeout; anything else -> OK.
MID_RESULTS = {"cancel": "USER_CANCELLED", "absent": "PHONE_ABSENT", "delivery": "DELIVERY_ERROR",
               "sim": "SIM_ERROR", "hashmismatch": "SIGNATURE_HASH_MISMATCH", "none": "NOT_MID_CLIENT"}
SID_RESULTS = {"cancel": "USER_REFUSED", "wrongvc": "WRONG_VC", "refusedpin": "USER_REFUSED_DISPLAYTEXTANDPIN",
               "unusable": "DOCUMENT_UNUSABLE", "absent": "TIMEOUT", "delivery": "TIMEOUT",
               "sim": "TIMEOUT", "hashmismatch": "TIMEOUT"}
# Smart-ID people whose every POST is an HTTP error (code, message).
SID_HTTP_ERRORS = {"none": (404, "Not Found"),
                   "nosuitable": (471, "No suitable account of requested type found, but user has some other accounts."),
                   "viewapp": (472, "Person should view Smart-ID app or Smart-ID self-service portal now."),
                   "maintenance": (580, "System is under maintenance, retry again later.")}
GARBAGE = {"mid": b'{"state":"COMPLETE","result":"OK","signature":{"value":',
           "sid": b'{"state":"COMPLETE","result":{"endResult":"OK"},"signature":{"value":'}


class HttpError(Exception):
    """An HTTP error answer in the dialect of the API that raises it."""

    def __init__(self, api, code, message):
        super().__init__(message)
        self.code = code
        self.body = {"error": message} if api == "mid" else {"code": code, "message": message}


def der_ecdsa_to_raw(der, size):
    """ECDSA-Sig-Value (DER SEQUENCE of two INTEGERs) -> r||s, each left-padded to size bytes."""
    def tlv(buf, i):
        tag, length, i = buf[i], buf[i + 1], i + 2
        if length & 0x80:
            n = length & 0x7F
            length, i = int.from_bytes(buf[i:i + n], "big"), i + n
        return tag, buf[i:i + length], i + length
    tag, seq, _ = tlv(der, 0)
    _, r, j = tlv(seq, 0)
    _, s, _ = tlv(seq, j)
    if tag != 0x30:
        raise ValueError("not an ECDSA-Sig-Value")
    return b"".join(int.from_bytes(x, "big").to_bytes(size, "big") for x in (r, s))


class Signer:
    """Signs digests with `openssl pkeyutl`; knows each key's type and size."""

    def __init__(self, openssl):
        self.openssl = openssl
        self.info = {}
        self.lock = threading.Lock()

    def key_info(self, key):
        with self.lock:
            if key not in self.info:
                text = self.run(["pkey", "-in", key, "-noout", "-text_pub"], b"").decode()
                bits = int(text.split("(", 1)[1].split(" ", 1)[0])
                self.info[key] = ("rsa" if "Modulus" in text else "ec", (bits + 7) // 8)
            return self.info[key]

    def run(self, args, data):
        proc = subprocess.run([self.openssl] + args, input=data, capture_output=True, timeout=30)
        if proc.returncode != 0:
            raise RuntimeError("openssl %s failed: %s" % (args[0], proc.stderr.decode(errors="replace")))
        return proc.stdout

    def sign(self, key, digest, hash_type):
        kind, size = self.key_info(key)
        args = ["pkeyutl", "-sign", "-inkey", key]
        if kind == "rsa":  # PKCS#1 v1.5 over DigestInfo(hash_type, digest)
            return self.run(args + ["-pkeyopt", "digest:" + hash_type.lower()], digest)
        return der_ecdsa_to_raw(self.run(args, digest), size)  # ECDSA over the digest as given


class Person:
    def __init__(self, entry, fixtures):
        self.__dict__.update(entry)
        path = lambda name: os.path.join(fixtures, name)
        self.certs = {}
        for use in ("sign", "auth"):
            with open(path(entry[use + "_cert"]), encoding="ascii") as f:
                self.certs[use] = base64.b64encode(ssl.PEM_cert_to_DER_cert(f.read())).decode()
        self.keys = {"sign": path(entry.get("sign_with") or entry["sign_key"]),
                     "auth": path(entry.get("auth_with") or entry["auth_key"])}
        self.document_number = "PNOEE-%s-MOCK-Q" % self.id


class Session:
    def __init__(self, api, kind, person, digest, hash_type, interaction, delay):
        self.id = str(uuid.uuid4())
        self.api, self.kind, self.person = api, kind, person  # kind: signature|authentication|certificatechoice
        self.digest, self.hash_type, self.interaction = digest, hash_type, interaction
        self.started = time.time()
        self.ready_at = self.started + delay
        self.polls = 0
        self.complete_body = None
        self.lock = threading.Lock()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.requests, self.per_second, self.max_rps = 0, {}, 0
            self.sessions = {}  # id -> {"polls", "per_second", "max"}

    def request(self):
        with self.lock:
            self.requests += 1
            sec = int(time.time())
            self.per_second[sec] = self.per_second.get(sec, 0) + 1
            self.max_rps = max(self.max_rps, self.per_second[sec])

    def session(self, sid, poll):
        with self.lock:
            s = self.sessions.setdefault(sid, {"polls": 0, "per_second": {}, "max": 0})
            if poll:
                s["polls"] += 1
                sec = int(time.time())
                s["per_second"][sec] = s["per_second"].get(sec, 0) + 1
                s["max"] = max(s["max"], s["per_second"][sec])

    def snapshot(self):
        with self.lock:
            return {"requests": self.requests, "max_requests_per_second": self.max_rps,
                    "sessions": {k: {"polls": v["polls"], "max_polls_per_second": v["max"]}
                                 for k, v in self.sessions.items()}}


class Service:
    """Everything both APIs share: people, sessions, signing, scripted timing."""

    def __init__(self, args):
        self.args = args
        self.signer = Signer(args.openssl)
        self.stats = Stats()
        self.sessions = {}
        self.lock = threading.Lock()
        self.stopping = False
        with open(os.path.join(args.fixtures, "people.json"), encoding="utf-8") as f:
            people = [Person(e, args.fixtures) for e in json.load(f)]
        self.mid = {p.id: p for p in people if p.provider == "mid"}
        self.sid = {p.id: p for p in people if p.provider == "sid"}

    # ---- request helpers -----------------------------------------------------------------
    def parse(self, api, raw, required):
        """JSON object body with the relying party checked and `required` string fields present."""
        try:
            req = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise HttpError(api, 400, "Request body is not valid JSON")
        if not isinstance(req, dict):
            raise HttpError(api, 400, "Request body must be a JSON object")
        for name in ("relyingPartyUUID", "relyingPartyName") + tuple(required):
            if not isinstance(req.get(name), str) or not req[name]:
                raise HttpError(api, 400, "%s must not be empty" % name)
        if req["relyingPartyUUID"] != self.args.rp_uuid or req["relyingPartyName"] != self.args.rp_name:
            raise HttpError(api, 401, "Failed to authorize user" if api == "mid" else "Unauthorized")
        return req

    @staticmethod
    def digest(api, req):
        hash_type = req["hashType"]
        if hash_type not in HASH_LEN:
            raise HttpError(api, 400, "hashType must be one of SHA256, SHA384, SHA512")
        try:
            digest = base64.b64decode(req["hash"], validate=True)
        except (binascii.Error, ValueError):
            raise HttpError(api, 400, "hash must be base64")
        if len(digest) != HASH_LEN[hash_type]:
            raise HttpError(api, 400, "hash length does not match hashType")
        return digest, hash_type

    @staticmethod
    def timeout(api, query):
        raw = query.get("timeoutMs", ["1000"])[-1]
        upper = 120000 if api == "mid" else float("inf")
        if not (raw.isascii() and raw.isdigit()) or not 1000 <= int(raw) <= upper:
            raise HttpError(api, 400, "timeoutMs must be an integer in 1000..%s" % upper)
        return int(raw) / 1000.0

    def slow(self, person):
        if person is not None and person.behaviour == "slow":
            time.sleep(SLOW_DELAY)

    def start(self, api, kind, person, digest=None, hash_type=None, interaction=None):
        behaviour = person.behaviour if person else "none"
        if behaviour == "never":
            delay = self.args.session_timeout
        elif behaviour == "impatient":
            delay = IMPATIENT_FOR
        elif api == "mid" and behaviour == "none":
            delay = 0.0
        else:
            delay = RESULT_DELAY
        s = Session(api, kind, person, digest, hash_type, interaction, delay)
        with self.lock:
            self.sessions[s.id] = s
        self.stats.session(s.id, poll=False)
        return {"sessionID": s.id}

    # ---- session polling (shared long-poll logic) ----------------------------------------
    def poll(self, api, session_id, kinds, query):
        """(code, body): body is a dict, or bytes sent as-is."""
        wait = self.timeout(api, query)
        with self.lock:
            s = self.sessions.get(session_id)
        if s is None or s.api != api or s.kind not in kinds:
            raise HttpError(api, 404, "SessionID not found" if api == "mid" else "Not Found")
        self.stats.session(s.id, poll=True)
        behaviour = s.person.behaviour if s.person else "none"
        if behaviour == "maintenance":
            raise HttpError(api, 580, SID_HTTP_ERRORS["maintenance"][1])
        self.slow(s.person)
        with s.lock:
            s.polls += 1
            polls = s.polls
        if behaviour == "always500" or (behaviour == "flaky" and polls <= FLAKY_POLLS):
            raise HttpError(api, 500, "Internal error" if api == "mid" else "Internal Server Error")
        if behaviour == "garbage":
            return 200, GARBAGE[api]
        if behaviour != "impatient":  # the impatient person never holds a poll
            deadline = min(s.ready_at, time.time() + wait)
            while not self.stopping and time.time() < deadline:
                time.sleep(min(0.05, max(0.0, deadline - time.time())))
        if time.time() < s.ready_at:
            return 200, {"state": "RUNNING"}
        with s.lock:
            if s.complete_body is None:
                s.complete_body = self.complete_mid(s) if api == "mid" else self.complete_sid(s)
            return 200, s.complete_body

    def complete_mid(self, s):
        behaviour = s.person.behaviour if s.person else "none"
        result = "TIMEOUT" if behaviour == "never" else MID_RESULTS.get(behaviour, "OK")
        body = {"state": "COMPLETE", "result": result}
        if result == "OK":
            use = "sign" if s.kind == "signature" else "auth"
            body["signature"] = {
                "value": base64.b64encode(self.signer.sign(s.person.keys[use], s.digest, s.hash_type)).decode(),
                "algorithm": s.hash_type + "WithECEncryption"}
            body["cert"] = s.person.certs[use]
        body["time"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        body["traceId"] = secrets.token_hex(8)
        return body

    def complete_sid(self, s):
        p = s.person
        end = "TIMEOUT" if p.behaviour == "never" else SID_RESULTS.get(p.behaviour, "OK")
        if end != "OK":
            return {"state": "COMPLETE", "result": {"endResult": end}}
        body = {"state": "COMPLETE", "result": {"endResult": "OK", "documentNumber": p.document_number}}
        use = "auth" if s.kind == "authentication" else "sign"
        if s.kind != "certificatechoice":
            sig = self.signer.sign(p.keys[use], s.digest, s.hash_type)
            body["signature"] = {"value": base64.b64encode(sig).decode(),
                                 "algorithm": s.hash_type.lower() + "WithRSAEncryption"}
        body["cert"] = {"value": p.certs[use], "certificateLevel": "QUALIFIED"}
        if s.kind != "certificatechoice":
            body["interactionFlowUsed"] = s.interaction
        return body

    # ---- Mobile-ID REST API --------------------------------------------------------------
    def mid_api(self, method, parts, query, raw):
        if method == "POST" and len(parts) == 1 and parts[0] in ("certificate", "signature", "authentication"):
            req = self.parse("mid", raw, ("phoneNumber", "nationalIdentityNumber"))
            person = self.mid.get(req["nationalIdentityNumber"])
            if person is not None and person.phone != req["phoneNumber"]:
                person = None  # phone and id must belong to the same person
            self.slow(person)
            if parts[0] == "certificate":
                if person is None or person.behaviour == "none":
                    return 200, {"result": "NOT_FOUND"}
                return 200, {"result": "OK", "cert": person.certs["sign"]}
            for name in ("hash", "hashType", "language"):
                if not isinstance(req.get(name), str):
                    raise HttpError("mid", 400, "%s must not be empty" % name)
            digest, hash_type = self.digest("mid", req)
            if req["language"] not in MID_LANGUAGES:
                raise HttpError("mid", 400, "language must be one of EST, ENG, RUS, LIT")
            fmt = req.get("displayTextFormat", "GSM-7")
            if fmt not in MID_TEXT_LIMIT:
                raise HttpError("mid", 400, "displayTextFormat must be GSM-7 or UCS-2")
            text = req.get("displayText")
            if text is not None and (not isinstance(text, str) or len(text) > MID_TEXT_LIMIT[fmt]):
                raise HttpError("mid", 400, "displayText must not be longer than %d characters" % MID_TEXT_LIMIT[fmt])
            if person is not None and person.behaviour == "badrequest":
                raise HttpError("mid", 400, "Scripted bad request")
            return 200, self.start("mid", parts[0], person, digest, hash_type)
        if method == "GET" and len(parts) == 3 and parts[0] in ("signature", "authentication") \
                and parts[1] == "session":
            return self.poll("mid", parts[2], (parts[0],), query)
        raise HttpError("mid", 404, "Not found")

    # ---- Smart-ID RP API v2 --------------------------------------------------------------
    def sid_person(self, scheme, subject):
        if scheme == "etsi" and subject.startswith("PNOEE-"):
            return self.sid.get(subject[len("PNOEE-"):])
        if scheme == "document" and subject.startswith("PNOEE-") and subject.endswith("-MOCK-Q"):
            return self.sid.get(subject[len("PNOEE-"):-len("-MOCK-Q")])
        return None

    def sid_api(self, method, parts, query, raw):
        if method == "POST" and len(parts) == 3 and parts[1] in ("etsi", "document") \
                and parts[0] in ("certificatechoice", "signature", "authentication"):
            kind, person = parts[0], self.sid_person(parts[1], parts[2])
            if person is not None and person.behaviour == "maintenance":
                raise HttpError("sid", *SID_HTTP_ERRORS["maintenance"])
            self.slow(person)
            signing = kind != "certificatechoice"
            req = self.parse("sid", raw, ("hash", "hashType") if signing else ())
            level = req.get("certificateLevel", "QUALIFIED")
            if level not in SID_LEVELS:
                raise HttpError("sid", 400, "certificateLevel must be QUALIFIED or ADVANCED")
            if "nonce" in req and (not isinstance(req["nonce"], str) or not 1 <= len(req["nonce"]) <= 30):
                raise HttpError("sid", 400, "nonce must be a string of 1..30 characters")
            digest = hash_type = interaction = None
            if signing:
                digest, hash_type = self.digest("sid", req)
                interaction = self.sid_interactions(req.get("allowedInteractionsOrder"))
            if person is None:
                raise HttpError("sid", 404, "Not Found")
            if person.behaviour in SID_HTTP_ERRORS:
                raise HttpError("sid", *SID_HTTP_ERRORS[person.behaviour])
            if person.behaviour == "badrequest":
                raise HttpError("sid", 400, "Bad Request")
            return 200, self.start("sid", kind, person, digest, hash_type, interaction)
        if method == "GET" and len(parts) == 2 and parts[0] == "session":
            return self.poll("sid", parts[1], ("certificatechoice", "signature", "authentication"), query)
        raise HttpError("sid", 404, "Not Found")

    @staticmethod
    def sid_interactions(order):
        """Validates allowedInteractionsOrder; the first entry is the flow "used"."""
        if not isinstance(order, list) or not order:
            raise HttpError("sid", 400, "allowedInteractionsOrder must be a non-empty list")
        for item in order:
            if not isinstance(item, dict) or item.get("type") not in SID_INTERACTIONS:
                raise HttpError("sid", 400, "unknown interaction type")
            for key, limit in (("displayText60", 60), ("displayText200", 200)):
                if key in item and (not isinstance(item[key], str) or len(item[key]) > limit):
                    raise HttpError("sid", 400, "%s must be a string of at most %d characters" % (key, limit))
        return order[0]["type"]


def make_handler(service):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "imza-test-mobile/1"

        def log_message(self, fmt, *args):
            if service.args.verbose:
                sys.stderr.write("mobile-server: " + (fmt % args) + "\n")

        def send(self, code, body):
            data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.dispatch("GET")

        def do_POST(self):
            self.dispatch("POST")

        def dispatch(self, method):
            raw = b""
            if method == "POST":
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                except ValueError:
                    length = -1
                if not 0 <= length <= MAX_BODY:
                    self.close_connection = True
                    return self.send(400, {"error": "bad Content-Length"})
                raw = self.rfile.read(length)
            url = urlsplit(self.path)
            parts = [p for p in url.path.split("/") if p]
            if url.path == "/stats" and method == "GET":
                return self.send(200, service.stats.snapshot())
            if url.path == "/stats/reset" and method == "POST":
                service.stats.reset()
                return self.send(200, service.stats.snapshot())
            service.stats.request()
            query = parse_qs(url.query)
            api = "sid" if parts[:2] == ["smart-id-rp", "v2"] else "mid"
            try:
                if parts[:1] == ["mid-api"]:
                    code, body = service.mid_api(method, parts[1:], query, raw)
                elif api == "sid":
                    code, body = service.sid_api(method, parts[2:], query, raw)
                else:
                    raise HttpError("mid", 404, "Not found")
            except HttpError as e:
                code, body = e.code, e.body
            except Exception as e:  # a bug or an openssl failure: say so, keep serving
                sys.stderr.write("mobile-server: %s %s: %r\n" % (method, self.path, e))
                code, body = 500, HttpError(api, 500, "Internal error: %s" % e).body
            self.send(code, body)

    return Handler


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False


def parse_args():
    p = argparse.ArgumentParser(description="Scripted Mobile-ID / Smart-ID RP service for tests")
    p.add_argument("--fixtures", required=True, help="directory with people.json (test-vectors/mobile)")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one")
    p.add_argument("--rp-uuid", default="00000000-0000-0000-0000-000000000000")
    p.add_argument("--rp-name", default="DEMO")
    p.add_argument("--session-timeout", type=float, default=6.0,
                   help="seconds until the 'never' people's sessions end with TIMEOUT")
    p.add_argument("--openssl", default=os.environ.get("OPENSSL", "openssl"), help="openssl binary")
    p.add_argument("--stop-on-stdin-eof", action="store_true",
                   help="shut down when stdin reaches end of file (parent closed the pipe)")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    a = p.parse_args()
    if not os.path.isfile(os.path.join(a.fixtures, "people.json")):
        p.error("--fixtures %s: no people.json there" % a.fixtures)
    a.fixtures = os.path.abspath(a.fixtures)
    return a


def main():
    args = parse_args()
    service = Service(args)
    server = Server(("127.0.0.1", args.port), make_handler(service))

    def stop(*_):
        service.stopping = True
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.stop_on_stdin_eof:
        def watch_stdin():
            while sys.stdin.buffer.read(4096):
                pass
            stop()
        threading.Thread(target=watch_stdin, daemon=True).start()

    sys.stdout.write("listening %d\n" % server.server_address[1])
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
