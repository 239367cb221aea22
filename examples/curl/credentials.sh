#!/usr/bin/env bash
# Creates, lists, regenerates and deletes an SMTP credential over RelayPost's REST API with curl and jq, checking
# each answer (docs/api.md):
#   RELAYPOST_URL=http://127.0.0.1:3000 RELAYPOST_API_KEY=rpkey_… bash credentials.sh
# Needs an API key with the admin role. Prints one line per step, exits 1 at the first answer that is not what the
# API promises, and never prints a password.
set -euo pipefail

url="${RELAYPOST_URL:-http://127.0.0.1:3000}/api/v1"
: "${RELAYPOST_API_KEY:?Set RELAYPOST_API_KEY to an organization API key with the admin role (rpkey_…)}"
answer=$(mktemp)
trap 'rm -f "$answer"' EXIT

# api METHOD PATH [JSON BODY]: the answer's body goes to $answer, its HTTP status to stdout. The key reaches curl
# through a file descriptor, not its arguments, which `ps` shows to every user.
api() {
  local body=()
  if [ $# -ge 3 ]; then body=(-H "Content-Type: application/json" --data "$3"); fi
  curl --silent --show-error --output "$answer" --write-out '%{http_code}' --request "$1" \
    --header @<(printf 'Authorization: Bearer %s\n' "$RELAYPOST_API_KEY") "${body[@]}" "$url$2"
}

fail() {
  echo "mismatch: expected $1" >&2
  exit 1
}

# expect STATUS ACTUAL: a refusal prints the problem's code and detail (RFC 9457).
expect() {
  [ "$2" = "$1" ] || fail "HTTP $1, got $2: $(jq -r '"\(.code): \(.detail)"' "$answer" 2>/dev/null || cat "$answer")"
}

status=$(api POST /credentials '{"description": "from curl"}')
expect 200 "$status"
id=$(jq -r .credential.id "$answer")
username=$(jq -r .credential.username "$answer")
first_password=$(jq -r .password "$answer")
[[ "$first_password" == rpsmtp_* ]] || fail "create answers a RelayPost SMTP password"
echo "created $username ($id), password of ${#first_password} characters"

status=$(api GET "/credentials?search=$username&limit=100")
expect 200 "$status"
[ "$(jq -r '[.items[].id] | join(" ")' "$answer")" = "$id" ] || fail "the list finds the new credential, once"
! grep -qF "$first_password" "$answer" || fail "the list never shows the password"
echo "listed $username: active=$(jq -r '.items[0].active' "$answer")"

status=$(api POST "/credentials/$id/regenerate-password")
expect 200 "$status"
second_password=$(jq -r .password "$answer")
[ "$(jq -r .credential.id "$answer")" = "$id" ] || fail "regenerate answers the same credential"
[ "$second_password" != "$first_password" ] || fail "regenerate answers a new password"
echo "regenerated the password of $username: a new one of ${#second_password} characters"

status=$(api GET "/credentials/$id")
expect 200 "$status"
! grep -qF -e "$first_password" -e "$second_password" "$answer" || fail "get never shows a password"

status=$(api DELETE "/credentials/$id")
expect 200 "$status"
[ "$(jq -c . "$answer")" = "{\"id\":\"$id\"}" ] || fail "delete answers the credential's id"
echo "deleted $id"

status=$(api GET "/credentials/$id")
expect 404 "$status"
[ "$(jq -r .code "$answer")" = NOT_FOUND ] || fail "get after delete answers the problem code NOT_FOUND"
echo "get after delete: $status $(jq -r .code "$answer")"
