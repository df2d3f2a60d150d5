#!/usr/bin/env python3
"""A real RFC 3161 Time-Stamp Authority over HTTP on 127.0.0.1, for interop tests.

Every POST body (a DER TimeStampReq, Content-Type application/timestamp-query) is answered
by `openssl ts -reply` with the given TSA certificate and key, so the tokens are made by
OpenSSL, not by the code under test. The reply is the DER TimeStampResp with Content-Type
application/timestamp-reply. A malformed request gets whatever `openssl ts -reply` makes of
it (a rejection TimeStampResp, status 2) or, if openssl fails outright, HTTP 400.

    GET /stats   -> {"requests": n}   (n = number of POSTs so far, good or bad)

The openssl ts configuration is test-vectors/tsa/tsa.cnf with its placeholders filled in,
written to a temp directory at start (with the serial file); the directory is removed on
exit. Stop the server with SIGTERM or SIGINT or, with --stop-on-stdin-eof, by closing its
stdin: a test harness that holds the write end of a pipe then also stops the server when
the harness itself dies. (SIGKILL leaves the temp directory behind.)

Startup protocol: once the socket accepts connections, exactly one line
    listening <port>
is printed to stdout and flushed; nothing else is ever written to stdout. With --port 0 the
kernel picks a free port and that line tells which.

Faults for negative tests:
    --fault garbage   every POST gets 200, application/timestamp-reply, random non-DER bytes

Usage (from the repository root):
    python3 test-vectors/tsa/tsa-server.py --port 0 \\
        --cert test-vectors/pki/ecdsa-p256/tsa.pem --key test-vectors/pki/ecdsa-p256/tsa.key \\
        --chain test-vectors/pki/ecdsa-p256/intermediate.pem
    python3 test-vectors/tsa/tsa-server.py --print-config   # the filled-in config, then exit
"""

import argparse
import http.server
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "tsa.cnf")
DEFAULT_POLICY = "1.3.6.1.4.1.99999.1.3"
MAX_REQUEST = 64 * 1024


def render_config(serial_path, policy, digest):
    """tsa.cnf with its placeholders replaced."""
    with open(TEMPLATE, encoding="utf-8") as f:
        text = f.read()
    for key, value in (("@SERIAL@", serial_path), ("@POLICY@", policy), ("@DIGEST@", digest)):
        if key not in text:
            raise SystemExit(f"{TEMPLATE}: placeholder {key} is missing")
        text = text.replace(key, value)
    return text


def parse_args():
    p = argparse.ArgumentParser(description="RFC 3161 TSA over HTTP backed by `openssl ts -reply`")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one")
    p.add_argument("--cert", help="TSA certificate (PEM)")
    p.add_argument("--key", help="TSA private key (PEM)")
    p.add_argument("--chain", help="PEM file of the CA certificates to include (the intermediate)")
    p.add_argument("--policy", default=DEFAULT_POLICY, help="TSA policy OID")
    p.add_argument("--hash", default="sha256", help="signature digest and ESSCertIDv2 hash")
    p.add_argument("--openssl", default=os.environ.get("OPENSSL", "openssl"), help="openssl binary")
    p.add_argument("--fault", choices=["garbage"], help="misbehave on purpose (fault tests)")
    p.add_argument("--stop-on-stdin-eof", action="store_true",
                   help="shut down when stdin reaches end of file (parent closed the pipe)")
    p.add_argument("--print-config", action="store_true",
                   help="print the openssl ts config (serial path ./tsaserial) and exit")
    a = p.parse_args()
    if not a.print_config:
        missing = [n for n in ("cert", "key", "chain") if getattr(a, n) is None]
        if missing:
            p.error("required: " + ", ".join("--" + m for m in missing))
        for n in ("cert", "key", "chain"):
            path = getattr(a, n)
            if not os.path.isfile(path):
                p.error(f"--{n} {path}: no such file")
            setattr(a, n, os.path.abspath(path))
    return a


class State:
    def __init__(self, args, workdir, config):
        self.args = args
        self.workdir = workdir
        self.config = config
        self.requests = 0
        self.lock = threading.Lock()  # openssl ts updates the serial file: one at a time

    def reply(self, query):
        """DER TimeStampResp from openssl, or None when openssl fails."""
        with self.lock:
            qpath = os.path.join(self.workdir, "query.tsq")
            rpath = os.path.join(self.workdir, "reply.tsr")
            with open(qpath, "wb") as f:
                f.write(query)
            if os.path.exists(rpath):
                os.unlink(rpath)
            a = self.args
            proc = subprocess.run(
                [a.openssl, "ts", "-reply", "-config", self.config, "-section", "tsa_config1",
                 "-queryfile", qpath, "-inkey", a.key, "-signer", a.cert, "-chain", a.chain,
                 "-out", rpath],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                check=False, timeout=30)
            if proc.returncode != 0 or not os.path.exists(rpath):
                sys.stderr.write("openssl ts -reply failed:\n" + proc.stderr.decode(errors="replace"))
                return None
            with open(rpath, "rb") as f:
                return f.read()


def make_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "imza-test-tsa/1"

        def log_message(self, fmt, *args):  # stderr, never stdout
            sys.stderr.write("tsa-server: " + (fmt % args) + "\n")

        def send(self, code, ctype, body):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.split("?")[0] == "/stats":
                with state.lock:
                    n = state.requests
                self.send(200, "application/json", json.dumps({"requests": n}).encode())
            else:
                self.send(404, "text/plain", b"not found\n")

        def do_POST(self):
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                self.send(411, "text/plain", b"Content-Length required\n")
                self.close_connection = True
                return
            if length < 0 or length > MAX_REQUEST:
                self.send(413, "text/plain", b"request too large\n")
                self.close_connection = True
                return
            body = self.rfile.read(length)
            with state.lock:
                state.requests += 1
            ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if ctype != "application/timestamp-query":
                self.send(415, "text/plain", b"Content-Type must be application/timestamp-query\n")
                return
            if state.args.fault == "garbage":
                # Never starts with 0x30, so it is not even the start of a DER SEQUENCE.
                self.send(200, "application/timestamp-reply", b"\xff" + secrets.token_bytes(63))
                return
            der = state.reply(body)
            if der is None:
                self.send(400, "text/plain", b"openssl ts -reply failed\n")
            else:
                self.send(200, "application/timestamp-reply", der)

    return Handler


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False


def main():
    args = parse_args()
    if args.print_config:
        sys.stdout.write(render_config("./tsaserial", args.policy, args.hash))
        return 0

    workdir = tempfile.mkdtemp(prefix="imza-tsa-")
    try:
        serial = os.path.join(workdir, "tsaserial")
        with open(serial, "w", encoding="ascii") as f:
            f.write("01\n")
        config = os.path.join(workdir, "tsa.cnf")
        with open(config, "w", encoding="utf-8") as f:
            f.write(render_config(serial, args.policy, args.hash))

        state = State(args, workdir, config)
        server = Server(("127.0.0.1", args.port), make_handler(state))  # bound and listening

        def stop(_signum, _frame):
            # shutdown() waits for serve_forever() to return: call it from another thread.
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if args.stop_on_stdin_eof:
            def watch_stdin():
                while sys.stdin.buffer.read(4096):
                    pass
                server.shutdown()

            threading.Thread(target=watch_stdin, daemon=True).start()

        sys.stdout.write(f"listening {server.server_address[1]}\n")
        sys.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.1)
        finally:
            server.server_close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
