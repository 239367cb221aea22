"""Receives RelayPost's webhooks and verifies their signatures (Standard Webhooks), on Python's standard library only.

    RELAYPOST_WEBHOOK_SECRET=whsec_... python3 webhook_receiver.py 8000

Listens on 127.0.0.1 (RELAYPOST_WEBHOOK_HOST to change it) at the port given as the first argument, or in PORT, 8000
by default; port 0 takes a free one. The first line on standard output is `listening on HOST:PORT`. The endpoint's
signing secret, shown once when it was added (add_webhook.py), comes from RELAYPOST_WEBHOOK_SECRET; during a rotation
give several, comma-separated. When that variable is unset, the secrets are read from the first line of standard
input once the port is open (requests meanwhile wait), so one command can add the endpoint and verify its webhooks:

    RELAYPOST_URL=... RELAYPOST_API_KEY=rpkey_... python3 add_webhook.py http://127.0.0.1:8000/hooks \\
        | python3 webhook_receiver.py 8000

Each POST is verified before anything in it is believed: the `webhook-id`, `webhook-timestamp` and
`webhook-signature` headers are all there, the timestamp is within 5 minutes of this machine's clock (so a captured
request cannot be replayed later), and one of the `v1,<base64>` signatures in the header is the HMAC-SHA256, keyed
with the secret, of `{webhook-id}.{webhook-timestamp}.{raw body}`, compared in constant time. A verified event is
answered 204 and printed as one JSON line, `{"verified": true, "id": ..., "type": ..., "event": {...}}`; anything
else is answered 401 with the reason, printed as `{"verified": false, "id": ..., "reason": ...}`.

Delivery is at-least-once: RelayPost sends a message again when an answer is lost or is not a 2xx, with the same
`webhook-id`. This receiver remembers the ids it has handled and answers a redelivery 204 without handling it again.
It keeps them in memory (the most recent 10,000); a real receiver records them in its database, in the same
transaction as what it does with the event, for longer than RelayPost's retry schedule (about 28 hours).
"""

import base64
import binascii
import collections
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

TOLERANCE_SECONDS = 5 * 60
MAX_BODY_BYTES = 1024 * 1024
REMEMBERED_IDS = 10_000
SECRET_PREFIX = "whsec_"


class Refused(Exception):
    """Why a request is not a verified event; answered with `status` and printed."""

    def __init__(self, reason, status=401):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def signing_keys(secrets):
    """The HMAC keys of comma-separated `whsec_<base64>` secrets; raises ValueError naming a bad one by position."""
    keys = []
    for position, secret in enumerate(secrets.split(","), start=1):
        secret = secret.strip()
        if not secret:
            continue
        encoded = secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret
        try:
            keys.append(base64.b64decode(encoded, validate=True))
        except binascii.Error:
            raise ValueError(f"secret {position} is not whsec_ followed by base64") from None
    if not keys:
        raise ValueError("no secret given")
    return keys


def signature(key, message_id, timestamp, body):
    signed = f"{message_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())


def verify(keys, headers, body, now):
    """Returns the message id when the request is signed with one of `keys`; raises Refused otherwise."""
    message_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    for name, value in (("webhook-id", message_id), ("webhook-timestamp", timestamp), ("webhook-signature", signatures)):
        if not value:
            raise Refused(f"missing {name} header")
    if not is_number(timestamp):
        raise Refused("webhook-timestamp is not a number of seconds")
    age = now - int(timestamp)
    if age > TOLERANCE_SECONDS:
        raise Refused(f"webhook-timestamp is more than {TOLERANCE_SECONDS} s old")
    if age < -TOLERANCE_SECONDS:
        raise Refused(f"webhook-timestamp is more than {TOLERANCE_SECONDS} s in the future")
    # Other versions than v1 may be listed beside it; only v1 (HMAC-SHA256) is known here.
    offered = [part[3:].encode() for part in signatures.split(" ") if part.startswith("v1,")]
    expected = [signature(key, message_id, timestamp, body) for key in keys]
    # Every pair is compared, so how long this takes says nothing about which signature came close.
    matches = [hmac.compare_digest(mine, theirs) for mine in expected for theirs in offered]
    if not any(matches):
        raise Refused("no signature matches the secret")
    return message_id


class Receiver(http.server.ThreadingHTTPServer):
    def __init__(self, address, keys):
        super().__init__(address, Handler)
        self.keys = keys
        self.lock = threading.Lock()
        self.handled = collections.OrderedDict()

    def first_time(self, message_id):
        """Whether this id is new; remembers it. Call with the lock held."""
        if message_id in self.handled:
            return False
        self.handled[message_id] = True
        if len(self.handled) > REMEMBERED_IDS:
            self.handled.popitem(last=False)
        return True


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "RelayPostWebhookReceiver/1"

    def do_POST(self):
        message_id = self.headers.get("webhook-id")
        try:
            body = self.read_body()
            message_id = verify(self.server.keys, self.headers, body, int(time.time()))
            event = parse_event(body)
        except Refused as refused:
            emit({"verified": False, "id": message_id, "reason": refused.reason})
            self.answer(refused.status, refused.reason)
            return
        with self.server.lock:
            # Printed before answering, so the event is handled by the time RelayPost counts it delivered.
            if self.server.first_time(message_id):
                emit({"verified": True, "id": message_id, "type": event["type"], "event": event["data"]})
        self.answer(204)

    def read_body(self):
        length = self.headers.get("content-length")
        if length is None or not is_number(length):
            raise Refused("a Content-Length is required", status=411)
        if int(length) > MAX_BODY_BYTES:
            raise Refused(f"the body is over {MAX_BODY_BYTES} bytes", status=413)
        return self.rfile.read(int(length))

    def answer(self, status, reason=None):
        self.send_response(status)
        if reason is None:
            self.end_headers()
            return
        text = reason.encode()
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, format, *args):
        # Standard output carries only the JSON lines; the access log would add nothing to them.
        pass


def parse_event(body):
    """The signed body as {"type", "timestamp", "data"}; a signed body of another shape is refused with 400."""
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str) or "data" not in event:
        raise Refused("the signed body is not a RelayPost event", status=400)
    return event


def is_number(text):
    # isdigit alone admits digits such as "²", which int() refuses.
    return text.isascii() and text.isdigit()


def emit(line):
    print(json.dumps(line), flush=True)


def read_secrets():
    secrets = os.environ.get("RELAYPOST_WEBHOOK_SECRET")
    if secrets is not None:
        return secrets
    print("RELAYPOST_WEBHOOK_SECRET is unset: reading the secret from standard input", file=sys.stderr, flush=True)
    return sys.stdin.readline()


def main():
    port = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT", "8000")
    host = os.environ.get("RELAYPOST_WEBHOOK_HOST", "127.0.0.1")
    if not is_number(port):
        sys.exit(f"the port must be a number, not {port!r}")
    server = Receiver((host, int(port)), keys=[])
    print(f"listening on {host}:{server.server_address[1]}", flush=True)
    try:
        server.keys = signing_keys(read_secrets())
    except ValueError as error:
        sys.exit(f"the signing secret: {error}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
