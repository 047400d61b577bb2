"""A program holding real-looking (fake) secrets, for the safety tests (tests/e2e/test_safety_over_dap.py).

    python secrets_app.py [inspect|raise|listen] OUT_DIR

* inspect: stops at `@stop` with secrets in locals, globals, nested dicts, objects at depth 3
  and a list of dicts; a logpoint line (`@log`); after the stop it opens a file of its own
  (`OUT_DIR/program-wrote.txt`) and prints what it wrote, to show the policy never touched it.
* raise: raises an uncaught exception whose message holds a JWT and a DB URL with a password.
* listen: listens in-code (`dap_server.listen`, options from the environment), then behaves
  as `inspect`.

When OUT_DIR is given, an audit hook of the program itself (PEP 578) appends every
`dap_server.*` event it sees to `OUT_DIR/host-audit.jsonl`: what a host application sees.
"""

import json
import os
import subprocess  # noqa: F401 - loaded, as in many services (the policy tests use it)
import sys

MODE = sys.argv[1] if len(sys.argv) > 1 else "inspect"
OUT_DIR = sys.argv[2] if len(sys.argv) > 2 else None

if OUT_DIR:
    _seen_fd = os.open(
        os.path.join(OUT_DIR, "host-audit.jsonl"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
    )

    def _host_hook(event, args):
        if event.startswith("dap_server."):
            os.write(_seen_fd, (json.dumps([event, *args], default=str) + "\n").encode())

    sys.addaudithook(_host_hook)

# Secret formats under harmless names: only their format gives them away.
DATABASE_URL = "postgresql://orders_app:Pg-Url-Pass-7731@db.internal:5432/orders"
SIGNING_PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "-----END RSA PRIVATE KEY-----"
)
CLOUD_ID = "AKIAZ7QW3ERT5YUI8OPL"
BEARER_NOTE = "header was Bearer 9f8e7d6c5b4a39281706abcd"
SIGNED_CLAIMS = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvcmRlcnMiLCJyb2xlIjoiYWRtaW4ifQ."
    "c2lnbmF0dXJlLW9mLXRoZS1qd3QtNzc0MQ"
)
# Secrets by name.
API_TOKEN = "global-api-token-5f1e9a77"
STATE = "untouched"


class Inner:
    def __init__(self):
        self.password = "inner-depth3-pw-8812"
        self.label = "inner-label"


class Middle:
    def __init__(self):
        self.inner = Inner()


class Outer:
    def __init__(self):
        self.middle = Middle()


class Counter:
    def __init__(self):
        self.counter = 0
        self.reads = 0

    @property
    def bumped(self):
        self.reads += 1
        return self.reads


def numbers():
    yield 1
    yield 2
    yield 3


def work(out_dir):
    password = "local-hunter2-pw-4417"
    conn_url = "postgres://admin:Conn-Url-Pw-5521@db.example.com/prod"
    config = {
        "db": {"user": "orders_app", "password": "nested-dict-pw-3391", "host": "db"},
        "cache": {"api_key": "nested-api-key-7782", "ttl": 30},
    }
    users = [
        {"name": "ada", "token": "user-token-ada-1111"},
        {"name": "bob", "token": "user-token-bob-2222"},
    ]
    outer = Outer()
    items = [1, 2, 3]
    counter = Counter()
    gen = numbers()
    label = "visible"
    message = f"connecting as orders_app to {DATABASE_URL}"  # @log
    print("ready", label, len(items))  # @stop
    if out_dir:
        path = os.path.join(out_dir, "program-wrote.txt")
        with open(path, "w") as f:  # the program's own file access: never refused
            f.write("written by the program")
        with open(path) as f:
            print("program read back:", f.read())
    print("after", items, counter.counter, counter.reads, next(gen), STATE)
    return message


def fail():
    jwt = SIGNED_CLAIMS
    raise RuntimeError(f"login failed for {DATABASE_URL} with {jwt}")  # @raise


if MODE == "listen":
    import dap_server

    dap_server.listen(
        0,
        no_token=bool(os.environ.get("SECRETS_APP_NO_TOKEN")),
        audit_log=os.environ.get("SECRETS_APP_AUDIT_LOG") or None,
    )
    dap_server.wait_for_client()
    work(OUT_DIR)
elif MODE == "raise":
    fail()
else:
    work(OUT_DIR)
