"""Redaction by name and by value, taint refusals, recognising secrets inside results."""

from __future__ import annotations

import time

import pytest

from dap_server.state.redaction import (
    REDACTED,
    Redactor,
    SensitiveValues,
    collect_sensitive_values,
)

# Fake secrets in the real formats (AWS's documented example key; the rest are made up).
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "-----END RSA PRIVATE KEY-----"
)
AWS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
GITHUB = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"


@pytest.fixture
def r() -> Redactor:
    return Redactor()


@pytest.mark.parametrize(
    "name",
    [
        "db_password",
        "API_KEY",
        "authToken",
        "privateKey",
        "KEY",
        "api_key",
        "secret_key",
        "apikey",
        "passwd",
        "user_pwd",
        "client_secret",
        "aws_credentials",
        "Authorization",
        "session_cookie",
        "SESSION",
        "keys",  # kept sensitive on purpose: may hold keys
        "monkey_api_key",  # the harmless word does not hide the other occurrence
    ],
)
def test_sensitive_names(r: Redactor, name: str) -> None:
    assert r.is_sensitive_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "monkey",
        "monkey_patch",
        "keyboard",
        "keywords",
        "author",
        "tokenizer",
        "data",
        "items",
        "x",
        # exception classes: what follows them in a text is a message
        "KeyError",
        "tokenize.TokenError",
        "InvalidKeyException",
        "SessionWarning",
    ],
)
def test_harmless_names(r: Redactor, name: str) -> None:
    assert not r.is_sensitive_name(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KeyError: 'user_id'", "KeyError: 'user_id'"),
        (
            "jwt.exceptions.InvalidKeyError: bad length",
            "jwt.exceptions.InvalidKeyError: bad length",
        ),
        # Not an exception class: still an assignment of a secret.
        ("key_error: 'hunter22'", "key_error: '[REDACTED]'"),
        ("KeyErrors: 'hunter22'", "KeyErrors: '[REDACTED]'"),
    ],
)
def test_exception_messages_are_not_assignments(r: Redactor, text: str, expected: str) -> None:
    assert r.redact_text(text) == expected


def test_set_patterns_replaces_the_rule(r: Redactor) -> None:
    r.set_patterns(["ssn", "Pin"])
    assert r.is_sensitive_name("user_SSN")
    assert r.is_sensitive_name("card_pin")
    assert not r.is_sensitive_name("db_password")
    assert r.redact_text("pin=1234 password=x") == "pin=[REDACTED] password=x"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"key material: {PEM} (end)", "key material: [REDACTED] (end)"),
        # A block cut off by truncation is hidden to the end.
        (PEM[:80], REDACTED),
        (repr(PEM), "'[REDACTED]'"),
        (f"id={AWS_ID},", "id=[REDACTED],"),
        (f"aws_secret_access_key = {AWS_SECRET}", "aws_secret_access_key = [REDACTED]"),
        (f"got {JWT} from the server", "got [REDACTED] from the server"),
        (f"clone with {GITHUB}", "clone with [REDACTED]"),
        (f"slack {SLACK} ok", "slack [REDACTED] ok"),
        (f"charge with {STRIPE}", "charge with [REDACTED]"),
        ("Authorization: Bearer abc.def-123456789", "Authorization: Bearer [REDACTED]"),
        ("headers={'X': 'Bearer abcdefgh12345678'}", "headers={'X': 'Bearer [REDACTED]'}"),
        (
            "postgres://admin:s3cr3t-P@ss@db.example.com:5432/app",
            "postgres://admin:[REDACTED]@db.example.com:5432/app",
        ),
        ("https://example.com/path?q=1", "https://example.com/path?q=1"),
        ("login password=hunter2 user=bob", "login password=[REDACTED] user=bob"),
        ("token: abc123", "token: [REDACTED]"),
        (
            "{'db_password': 'hunter2', 'user': 'bob'}",
            "{'db_password': '[REDACTED]', 'user': 'bob'}",
        ),
        ('{"API_KEY": "abc", "n": 1}', '{"API_KEY": "[REDACTED]", "n": 1}'),
        ("keyboard=qwerty monkey: 3", "keyboard=qwerty monkey: 3"),
        ("nothing to see here", "nothing to see here"),
    ],
)
def test_redact_text(r: Redactor, text: str, expected: str) -> None:
    assert r.redact_text(text) == expected


def test_redact_text_returns_the_same_object_when_clean(r: Redactor) -> None:
    text = "a perfectly ordinary value " * 10
    assert r.redact_text(text) is text


def test_disabled_redactor_changes_nothing() -> None:
    r = Redactor(enabled=False)
    assert r.redact_text(f"password={AWS_ID}") == f"password={AWS_ID}"
    assert r.redact_value_for_name("password", "'x'") == "'x'"
    assert r.taint_check("password[0]") is None


def test_redact_value_for_name(r: Redactor) -> None:
    assert r.redact_value_for_name("db_password", "'hunter2'") == REDACTED
    assert r.redact_value_for_name("url", "'redis://u:pw@h'") == "'redis://u:[REDACTED]@h'"
    assert r.redact_value_for_name("count", "3") == "3"


def test_redact_mapping_for_environments(r: Redactor) -> None:
    env = {"PATH": "/usr/bin", "GITHUB_TOKEN": GITHUB, "DATABASE_URL": "mysql://a:b@h/db"}
    assert r.redact_mapping(env) == {
        "PATH": "/usr/bin",
        "GITHUB_TOKEN": REDACTED,
        "DATABASE_URL": "mysql://a:[REDACTED]@h/db",
    }


def test_redact_text_is_fast_on_large_clean_strings(r: Redactor) -> None:
    big = "lorem ipsum dolor sit amet, consectetur adipiscing elit " * 100_000  # ~5.6 MB
    start = time.perf_counter()
    assert r.redact_text(big) is big
    # Generous bound: this guards against quadratic behaviour, not a benchmark.
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ("password[0]", "refused: the expression uses 'password', whose name is sensitive"),
        ("str(password)", "refused: the expression uses 'password', whose name is sensitive"),
        ("password.upper()", "refused: the expression uses 'password', whose name is sensitive"),
        (
            "user.api_key",
            "refused: the expression uses the attribute 'api_key', whose name is sensitive",
        ),
        (
            "cfg['authToken']",
            "refused: the expression reads the key 'authToken', whose name is sensitive",
        ),
        (
            "cfg.get('token')",
            "refused: the expression reads the key 'token', whose name is sensitive",
        ),
        ("locals()", "refused: 'locals' could reveal redacted values"),
        ("globals()['x']", "refused: 'globals' could reveal redacted values"),
        ("vars(user)", "refused: 'vars' could reveal redacted values"),
        ("dir()", "refused: 'dir' could reveal redacted values"),
        ("user.__dict__", "refused: '__dict__' could reveal redacted values"),
        ("eval('pass' + 'word')", "refused: 'eval' could reveal redacted values"),
        (
            "getattr(user, 'pass' + 'word')",
            "refused: 'getattr' with a computed attribute name could reveal redacted values",
        ),
        (
            "getattr(user, 'secret')",
            "refused: the expression uses the attribute 'secret', whose name is sensitive",
        ),
    ],
)
def test_taint_refusals(r: Redactor, expr: str, reason: str) -> None:
    assert r.taint_check(expr, ["password", "user", "cfg"]) == reason


@pytest.mark.parametrize("expr", ["len(data)", "user.name", "cfg['host']", "getattr(user, 'name')"])
def test_taint_allows_ordinary_expressions(r: Redactor, expr: str) -> None:
    assert r.taint_check(expr, ["data", "user", "cfg"]) is None


def test_sensitive_values_catch_fragments() -> None:
    values = SensitiveValues(["hunter2hunter2", "ab"])
    assert values.scrub("the value is hunter2hunter2") == REDACTED
    assert values.scrub("'nter'") == REDACTED  # a 4-character fragment
    assert values.scrub("'hun'") == "'hun'"  # 3 characters: documented limit
    assert values.scrub("ab") == "ab"  # values shorter than 4 are not looked for


def test_sensitive_values_mask_only_the_secret_in_a_message() -> None:
    values = SensitiveValues(["hunter2-sekrit"])
    message = "invalid literal for int() with base 10: 'hunter2-sekrit'"
    assert values.mask(message) == f"invalid literal for int() with base 10: '{REDACTED}'"
    assert values.mask("slice: 'sekrit' and 'hunt'") == f"slice: '{REDACTED}' and '{REDACTED}'"
    assert values.mask("nothing secret here") == "nothing secret here"
    assert SensitiveValues([]).mask("hunter2-sekrit") == "hunter2-sekrit"


def test_collect_sensitive_values_walks_plain_data_only(r: Redactor) -> None:
    class Creds:
        def __init__(self) -> None:
            self.api_key = "k-123456"
            self.user = "bob"

        @property
        def boom(self) -> str:
            raise AssertionError("a property must never run")

    namespace = {
        "db_password": "hunter2",
        "config": {"nested": {"token": "t-abcdef"}, "host": "h"},
        "creds": Creds(),
        "count": 3,
    }
    found = set(collect_sensitive_values([namespace], r))
    assert found == {"hunter2", "t-abcdef", "k-123456"}
