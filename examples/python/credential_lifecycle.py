"""Creates, lists, regenerates and deletes an SMTP credential over RelayPost's REST API, checking each answer.

    RELAYPOST_URL=http://127.0.0.1:3000 RELAYPOST_API_KEY=rpkey_... python3 credential_lifecycle.py

The server's URL may also be given as the first argument. Needs an API key with the admin role (read from the
environment, never from the command line, where `ps` would show it) and Python 3.8 or later, standard library only.
Prints one line per step and exits 1 at the first answer that is not what the API promises. Passwords are never
printed: only their length.
"""

import json
import os
import sys
import urllib.error

from relaypost import Problem, RelayPost


class Mismatch(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Mismatch(what)


def shown_in(password, answers):
    """How many answers carry this password anywhere in their JSON."""
    return sum(password in json.dumps(answer) for answer in answers)


def lifecycle(api):
    answers = []

    def record(answer):
        answers.append(answer)
        return answer

    created = record(api.create_credential(description="from Python"))
    credential, first_password = created["credential"], created["password"]
    check(first_password.startswith("rpsmtp_"), "create answers a RelayPost SMTP password")
    print(f"created {credential['username']} ({credential['id']}), password of {len(first_password)} characters")

    listed = [record(item) for item in api.all_credentials(search=credential["username"])]
    check([item["id"] for item in listed] == [credential["id"]], "the list finds the new credential, once")
    print(f"listed {credential['username']}: active={listed[0]['active']}")

    fetched = record(api.get_credential(credential["id"]))
    check(fetched["username"] == credential["username"], "get answers the same credential")

    regenerated = record(api.regenerate_password(credential["id"]))
    second_password = regenerated["password"]
    check(second_password != first_password, "regenerate answers a new password")
    check(regenerated["credential"]["id"] == credential["id"], "regenerate answers the same credential")
    print(f"regenerated the password of {credential['username']}: a new one of {len(second_password)} characters")

    record(api.get_credential(credential["id"]))
    record(api.list_credentials(search=credential["username"]))
    check(shown_in(first_password, answers) == 1, "the first password is in the create answer only")
    check(shown_in(second_password, answers) == 1, "the new password is in the regenerate answer only")
    print(f"each password was shown once, in {len(answers)} answers")

    deleted = api.delete_credential(credential["id"])
    check(deleted == {"id": credential["id"]}, "delete answers the credential's id")
    print(f"deleted {credential['id']}")

    try:
        api.get_credential(credential["id"])
    except Problem as problem:
        check((problem.status, problem.code) == (404, "NOT_FOUND"), f"get after delete is 404, not {problem}")
        print(f"get after delete: {problem.status} {problem.code}")
        return
    raise Mismatch("get after delete answers 404")


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("RELAYPOST_URL", "http://127.0.0.1:3000")
    api_key = os.environ.get("RELAYPOST_API_KEY")
    if not api_key:
        sys.exit("Set RELAYPOST_API_KEY to an organization API key with the admin role (rpkey_...)")
    try:
        lifecycle(RelayPost(url, api_key))
    except Mismatch as mismatch:
        sys.exit(f"mismatch: expected {mismatch}")
    except Problem as problem:
        fields = "".join(f"\n  {error['field']}: {error['detail']}" for error in problem.errors)
        sys.exit(f"refused: {problem}{fields}")
    except urllib.error.URLError as error:
        sys.exit(f"cannot reach {url}: {error.reason}")


if __name__ == "__main__":
    main()
