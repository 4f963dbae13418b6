"""One JSON call to the API with a bearer token, for the test tools (stdlib only)."""
import json
import urllib.error
import urllib.request


def call_api(base, token, method, path, body=None, expect=200):
    """The parsed JSON answer (None when empty); any other status than `expect` ends the tool with why."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    if status != expect:
        raise SystemExit(f"{method} {path} {body!r:.200}: {status} {text[:300]!r}")
    return json.loads(text) if text else None
