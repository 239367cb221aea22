"""A small client for RelayPost's REST API (docs/api.md), on Python's standard library only.

    from relaypost import RelayPost, Problem

    api = RelayPost("https://relaypost.example.com", os.environ["RELAYPOST_API_KEY"])
    created = api.create_credential(description="Rails app")   # created["password"] is shown only here
    try:
        api.get_credential("no-such-id")
    except Problem as problem:
        print(problem.status, problem.code, problem.detail)   # 404 NOT_FOUND SMTP credential not found

Every method returns the answer's JSON as Python values; a refusal raises `Problem` (RFC 9457). Switch on
`problem.code`, never on `problem.detail`, which is a sentence for a person.
"""

import json
import urllib.error
import urllib.parse
import urllib.request


class Problem(Exception):
    """An RFC 9457 problem the API answered: `status`, a stable `code`, a `detail` for people, refused `errors`."""

    def __init__(self, status, body):
        self.status = status
        self.code = body.get("code")
        self.detail = body.get("detail")
        # One {"field": "limits.perHour", "detail": "..."} per refused input field.
        self.errors = body.get("errors", [])
        super().__init__(f"{status} {self.code}: {self.detail}")


class RelayPost:
    """One organization's API, acting with the role of the API key (`admin` to change things, `viewer` to read)."""

    def __init__(self, url, api_key, timeout=30):
        self.base = url.rstrip("/") + "/api/v1"
        self.api_key = api_key
        self.timeout = timeout

    def request(self, method, path, body=None, query=None):
        """Calls `method /api/v1{path}` and returns its JSON answer; raises `Problem` when it is refused."""
        url = self.base + path
        if query:
            present = {name: value for name, value in query.items() if value is not None}
            url += "?" + urllib.parse.urlencode(present, doseq=True)
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise Problem(error.code, _problem_body(error)) from None

    def list_credentials(self, search=None, cursor=None, limit=None):
        """One page, newest first: {"items": [...], "nextCursor": str or None}."""
        return self.request("GET", "/credentials", query={"search": search, "cursor": cursor, "limit": limit})

    def all_credentials(self, search=None):
        """Every credential (matching `search`), following `nextCursor` page by page."""
        cursor = None
        while True:
            page = self.list_credentials(search=search, cursor=cursor, limit=100)
            yield from page["items"]
            cursor = page["nextCursor"]
            if cursor is None:
                return

    def create_credential(self, **fields):
        """{"credential": {...}, "password": "..."}: store the password now, no other answer carries it."""
        return self.request("POST", "/credentials", body=fields)

    def get_credential(self, credential_id):
        return self.request("GET", f"/credentials/{_segment(credential_id)}")

    def update_credential(self, credential_id, **fields):
        return self.request("PATCH", f"/credentials/{_segment(credential_id)}", body=fields)

    def regenerate_password(self, credential_id, keep_previous_for_seconds=None):
        """A new password, in this answer only; the old one stops working at once unless an overlap is kept."""
        body = {} if keep_previous_for_seconds is None else {"keepPreviousForSeconds": keep_previous_for_seconds}
        return self.request("POST", f"/credentials/{_segment(credential_id)}/regenerate-password", body=body)

    def delete_credential(self, credential_id):
        return self.request("DELETE", f"/credentials/{_segment(credential_id)}")

    def create_webhook(self, url, event_types=None, description=None):
        """{"endpoint": {...}, "secret": "whsec_..."}: the signing secret is in this answer only.

        `event_types` lists the event types to send (all of them when None or empty).
        """
        fields = {"url": url, "eventTypes": event_types, "description": description}
        return self.request("POST", "/webhooks", body={name: value for name, value in fields.items() if value})


def _segment(value):
    return urllib.parse.quote(value, safe="")


def _problem_body(error):
    # A proxy in front of the server may answer with something other than a problem document.
    try:
        body = json.load(error)
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {"detail": error.reason}
