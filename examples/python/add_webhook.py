"""Adds a webhook endpoint over RelayPost's REST API and prints its signing secret, for webhook_receiver.py.

    RELAYPOST_URL=http://127.0.0.1:3000 RELAYPOST_API_KEY=rpkey_... \\
        python3 add_webhook.py https://hooks.example.com/relaypost [EVENT_TYPE ...]

Sends every event type unless some are named (`credential.created auth.rejected`). Needs an API key with the admin
role, read from the environment, and Python 3.8 or later, standard library only. The secret is shown only in the
server's answer: it is the one line this prints on standard output, so it can be stored or piped straight into
`webhook_receiver.py`, which reads it from standard input; what was added is told on standard error. A server refuses
loopback and private addresses (and plain http://) unless its operator set WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true.
"""

import os
import sys
import urllib.error

from relaypost import Problem, RelayPost


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: add_webhook.py URL [EVENT_TYPE ...]")
    url, event_types = sys.argv[1], sys.argv[2:]
    server = os.environ.get("RELAYPOST_URL", "http://127.0.0.1:3000")
    api_key = os.environ.get("RELAYPOST_API_KEY")
    if not api_key:
        sys.exit("Set RELAYPOST_API_KEY to an organization API key with the admin role (rpkey_...)")
    try:
        created = RelayPost(server, api_key).create_webhook(url, event_types=event_types, description="add_webhook.py")
    except Problem as problem:
        fields = "".join(f"\n  {error['field']}: {error['detail']}" for error in problem.errors)
        sys.exit(f"refused: {problem}{fields}")
    except urllib.error.URLError as error:
        sys.exit(f"cannot reach {server}: {error.reason}")
    endpoint = created["endpoint"]
    sent = ", ".join(endpoint["eventTypes"]) or "every event type"
    print(f"added webhook endpoint {endpoint['id']} for {endpoint['url']}: {sent}", file=sys.stderr)
    print(created["secret"], flush=True)


if __name__ == "__main__":
    main()
