"""Secret redaction: the one place every value passes through on its way out of the debuggee.

Runs inside the debuggee: standard library only, nothing imported lazily (the safe evaluator
calls into this module from a forked child, where importing could deadlock on a lock held by a
thread that does not exist there).

Two independent rules decide what is hidden:

* **By name** (`Redactor.is_sensitive_name`). The name is lower-cased and each pattern is looked
  for as a substring, so `db_password`, `API_KEY`, `authToken`, `privateKey`, `secretkey` and
  `apikey` all match (a word-boundary rule would miss the run-together spellings, and missing a
  secret is worse than hiding a harmless value). To avoid the most common false positives, an
  occurrence is ignored when it lies entirely inside one *word* of the name that is a known
  harmless word (`monkey`, `keyboard`, `keyword`, `author`, `tokenizer`...; see
  `DEFAULT_HARMLESS_WORDS`). Words are split at `_`, `-`, `.`, digits and camelCase humps, so
  `monkey_patch` is shown but `monkey_api_key` is hidden (its `key` word is not harmless).
  `keys` stays sensitive on purpose: a variable called `keys` may well hold keys. The name of
  an exception class (`KeyError`, `TokenError`: capitalised, ending in Error, Exception or
  Warning) is never sensitive, so that `KeyError: 'user'` in a stop's text stays readable.
* **By value** (`Redactor.redact_text`). Substrings that look like well-known secret formats are
  replaced whatever the name: PEM private key blocks, AWS access key ids and secret keys next to
  an `aws_secret_access_key`-like name, GitHub/GitLab/Slack/Stripe/Google/npm-style tokens,
  `Bearer`/`Basic` credentials, JSON web tokens, the password of `scheme://user:password@host`,
  and `name=value` / `name: value` assignments whose name is sensitive by the rule above.

`taint_check` and `SensitiveValues` make *derived* expressions in safe contexts (hover, watch,
`evaluate_safe`) unable to recover a redacted value; see their docstrings for what that can and
cannot guarantee.
"""

from __future__ import annotations

import ast
import collections
import itertools
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from dap_server.state.presentation import instance_dict

__all__ = [
    "DEFAULT_HARMLESS_WORDS",
    "DEFAULT_PATTERNS",
    "REDACTED",
    "NamePolicy",
    "Redactor",
    "SensitiveValues",
    "collect_sensitive_values",
]

REDACTED = "[REDACTED]"

DEFAULT_PATTERNS: tuple[str, ...] = (
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "key",
    "credential",
    "auth",
    "cookie",
    "session",
    "private",
)

# Whole words that contain a default pattern but name nothing secret. Only an occurrence lying
# entirely inside one of these words is ignored; any other occurrence in the name still counts.
DEFAULT_HARMLESS_WORDS: frozenset[str] = frozenset(
    {
        # "key"
        "monkey",
        "monkeys",
        "donkey",
        "donkeys",
        "turkey",
        "hockey",
        "jockey",
        "whiskey",
        "keyboard",
        "keyboards",
        "keyword",
        "keywords",
        "keystroke",
        "keystrokes",
        "keyframe",
        "keyframes",
        "keypress",
        "hotkey",
        "hotkeys",
        # "auth"
        "author",
        "authors",
        "authored",
        "authorship",
        # "token": lexers and ML tokenizers are not credentials
        "tokenize",
        "tokenizer",
        "tokenizers",
        "tokenized",
        "tokenizing",
    }
)

# Names that give a safe-context expression the whole namespace (or arbitrary attributes) in one
# step, which the by-name rule cannot see through.
_INTROSPECTION_CALLS = frozenset(
    {
        "locals",
        "globals",
        "vars",
        "dir",
        # These build names at run time, which the by-name rule cannot see.
        "eval",
        "exec",
        "compile",
    }
)
_INTROSPECTION_ATTRS = frozenset(
    {
        "__dict__",
        "__getattribute__",
        "__getattr__",
        "__globals__",
        "__builtins__",
        "__closure__",
        "__code__",
        "__self__",
        "__reduce__",
        "__reduce_ex__",
        "__getstate__",
        "__slots__",
        "f_locals",
        "f_globals",
        "f_back",
        "f_builtins",
        "gi_frame",
        "cr_frame",
        "ag_frame",
        "tb_frame",
        "_getframe",
        "_current_frames",
        "get_referrers",
        "get_referents",
        "get_objects",
        "attrgetter",
        "itemgetter",
        "methodcaller",
        # inspect's ways to a frame and its namespace (`getargvalues(...).locals`)
        "currentframe",
        "getargvalues",
        "getframeinfo",
        "getouterframes",
        "getinnerframes",
    }
)
_GETATTR_LIKE = frozenset({"getattr", "hasattr", "setattr", "delattr"})
_LOOKUP_METHODS = frozenset({"get", "pop", "setdefault", "__getitem__", "getlist", "getvalue"})

# Splits a name into words: "privateKey2FA_token" -> private, Key, 2, FA, token.
_WORD_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

# Values (and substrings of values) shorter than this are not looked for in results: a 1-3
# character needle would hide nearly every result. Documented in SensitiveValues.
_MIN_SECRET_FRAGMENT = 4

_NAME_CACHE_MAX = 4096


@dataclass(frozen=True)
class _Rule:
    """One secret format: lower-case trigger literals, a compiled regex, how to rewrite a match.

    The rule's regex only runs when one of its triggers occurs in the lower-cased text; the
    triggers are literals every match must contain, so skipping is never wrong.
    """

    name: str
    triggers: tuple[str, ...]
    regex: re.Pattern[str]
    replace: Callable[[re.Match[str]], str]


def _whole(_m: re.Match[str]) -> str:
    return REDACTED


def _keep_group1(m: re.Match[str]) -> str:
    return m.group(1) + REDACTED


_AWS_ID_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "AROA")

# The fixed formats, compiled once at import. Order matters: the PEM block goes before the
# assignment rule (which could otherwise take "KEY-----" for a value), the specific token formats
# before the generic "Bearer xxx".
_FORMAT_RULES: tuple[_Rule, ...] = (
    _Rule(
        "pem-private-key",
        ("-----begin",),
        # A complete block, or one cut off by truncation (then everything to the end).
        re.compile(
            r"-----BEGIN[ A-Z0-9]*PRIVATE KEY( BLOCK)?-----"
            r"(?:.*?-----END[ A-Z0-9]*PRIVATE KEY( BLOCK)?-----|.*)",
            re.DOTALL,
        ),
        _whole,
    ),
    _Rule(
        "aws-access-key-id",
        tuple(p.lower() for p in _AWS_ID_PREFIXES),
        re.compile(rf"(?<![A-Z0-9])(?:{'|'.join(_AWS_ID_PREFIXES)})[A-Z0-9]{{16}}(?![A-Z0-9])"),
        _whole,
    ),
    _Rule(
        "aws-secret-access-key",
        ("aws",),
        # 40 base64 characters right after an aws...secret...key-like name.
        re.compile(
            r"(?i)(aws[\w.-]{0,20}?secret[\w.-]{0,20}?[\"']?\s*[:=]\s*[\"']?)"
            r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])"
        ),
        _keep_group1,
    ),
    _Rule(
        "github-token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(
            r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})"
        ),
        _whole,
    ),
    _Rule(
        "gitlab-token",
        ("glpat-",),
        re.compile(r"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}"),
        _whole,
    ),
    _Rule(
        "slack-token",
        ("xox",),
        re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}"),
        _whole,
    ),
    _Rule(
        "slack-webhook",
        ("hooks.slack.com",),
        re.compile(r"(https://hooks\.slack\.com/services/)[A-Za-z0-9/_-]+"),
        _keep_group1,
    ),
    _Rule(
        "stripe-key",
        ("_live_", "_test_", "whsec_"),
        re.compile(
            r"(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}"
        ),
        _whole,
    ),
    _Rule(
        "google-api-key", ("aiza",), re.compile(r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}"), _whole
    ),
    _Rule("npm-token", ("npm_",), re.compile(r"(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}"), _whole),
    _Rule(
        "openai-style-key", ("sk-",), re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{32,}"), _whole
    ),
    _Rule(
        "json-web-token",
        ("eyj",),
        # header.payload.signature; the header is base64url JSON, so it starts with "eyJ" ('{"').
        re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
        _whole,
    ),
    _Rule(
        "authorization-scheme",
        ("bearer", "basic", "token", "digest"),
        re.compile(
            r"(?i)\b((?:bearer|basic|token|digest)\s+)(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}"
        ),
        _keep_group1,
    ),
    _Rule(
        "url-password",
        ("://",),
        # scheme://user:password@host -> scheme://user:[REDACTED]@host. The password runs up to
        # the last "@" of the authority, so passwords containing "@" are covered.
        re.compile(
            r"([A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@\"']*:)(?!\[REDACTED\]@)[^\s/?#\"']*(?=@)"
        ),
        _keep_group1,
    ),
)

_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# The name of an exception class (`KeyError`, `jwt.InvalidKeyError`, `TokenError`): what follows
# it in a text ("KeyError: 'user'") is its message, not the value of a secret.
_EXCEPTION_CLASS_RE = re.compile(
    r"(?:[A-Za-z0-9_]+\.)*[A-Z][A-Za-z0-9]*(?:Error|Exception|Warning)"
)

_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")

# What follows a pattern hit for it to be an assignment: the rest of the name, an optional
# closing quote, ":" or "=", then the value: quoted (to its closing quote) or bare (to
# whitespace/punctuation), with an optional HTTP auth scheme kept visible.
_ASSIGNMENT_TAIL = re.compile(
    r"(?P<rest>[A-Za-z0-9_.-]*)(?P<sep>[\"']?[ \t]*[:=][ \t]*)"
    r"(?:(?P<q>[\"'])(?P<qval>[^\"'\n]*)(?P=q)"
    r"|(?P<scheme>(?i:bearer|basic|token|digest)[ \t]+)?(?P<val>[^\s\"',;&)}\]>]+))"
)

_FORMAT_TRIGGERS: tuple[str, ...] = tuple(
    dict.fromkeys(t for rule in _FORMAT_RULES for t in rule.triggers)
)


class Redactor:
    """Decides what is sensitive and rewrites text so that it is not shown.

    Thread-safe for concurrent readers; `set_patterns` swaps every derived structure at once (a
    reader sees either the old or the new set, never a mix).
    """

    def __init__(
        self,
        patterns: Sequence[str] = DEFAULT_PATTERNS,
        enabled: bool = True,
        harmless_words: Iterable[str] = DEFAULT_HARMLESS_WORDS,
    ) -> None:
        self.enabled: bool = enabled
        self._harmless = frozenset(w.lower() for w in harmless_words)
        self._patterns: tuple[str, ...] = ()
        self._name_cache: dict[str, bool] = {}
        self._finder: re.Pattern[str] | None = None
        self._trigger: re.Pattern[str] = re.compile("")
        self.set_patterns(patterns)

    # -- configuration --------------------------------------------------------------------------

    @property
    def patterns(self) -> tuple[str, ...]:
        return self._patterns

    def set_patterns(self, patterns: Iterable[str]) -> None:
        """Replace the sensitive name patterns (case-insensitive substrings; empty ones ignored)."""
        cleaned = tuple(dict.fromkeys(p.strip().lower() for p in patterns if p and p.strip()))
        longest_first = sorted(cleaned, key=len, reverse=True)
        # Finds pattern occurrences in the lower-cased text; each is then grown into its whole
        # name and checked for a following ":"/"=" and value (`_redact_assignments`).
        finder = re.compile("|".join(map(re.escape, longest_first))) if cleaned else None
        # One search of the lower-cased text for any literal some rule needs: when none occurs
        # (nearly every value), redact_text costs a lower() and this scan.
        literals = sorted({*_FORMAT_TRIGGERS, *cleaned}, key=len, reverse=True)
        trigger = re.compile("|".join(map(re.escape, literals)))
        # Publish the new state (each attribute store is atomic; redact_text reads them once).
        self._name_cache = {}
        self._trigger = trigger
        self._finder = finder
        self._patterns = cleaned

    # -- names ----------------------------------------------------------------------------------

    def is_sensitive_name(self, name: str) -> bool:
        """True if `name` matches a sensitive pattern (rule in the module docstring).

        Independent of `enabled`: callers that honour "redaction off" check `enabled` themselves.
        """
        cache = self._name_cache
        hit = cache.get(name)
        if hit is not None:
            return hit
        result = self._compute_sensitive(name, self._patterns)
        if len(cache) >= _NAME_CACHE_MAX:
            cache.clear()
        cache[name] = result
        return result

    def _compute_sensitive(self, name: str, patterns: tuple[str, ...]) -> bool:
        if _EXCEPTION_CLASS_RE.fullmatch(name):
            return False
        lowered = name.lower()
        words: list[tuple[int, int]] | None = None
        for pattern in patterns:
            start = lowered.find(pattern)
            while start != -1:
                end = start + len(pattern)
                if words is None:
                    words = [m.span() for m in _WORD_RE.finditer(name)]
                if not self._inside_harmless_word(lowered, start, end, words):
                    return True
                start = lowered.find(pattern, start + 1)
        return False

    def _inside_harmless_word(
        self, lowered: str, start: int, end: int, words: list[tuple[int, int]]
    ) -> bool:
        for w_start, w_end in words:
            if w_start <= start and end <= w_end:
                return lowered[w_start:w_end] in self._harmless
        return False

    # -- values ---------------------------------------------------------------------------------

    def redact_text(self, text: str) -> str:
        """Replace secret-looking substrings of `text` by `REDACTED`, whatever their name.

        Cost when nothing looks secret (nearly always): one lower() and one literal scan. The
        format rules only run when one of their literals occurs. Returns `text` itself when
        nothing changed.
        """
        if not self.enabled or not text:
            return text
        # Read the compiled state once: set_patterns may swap it from another thread.
        trigger, finder = self._trigger, self._finder
        lowered = text.lower()
        if trigger.search(lowered) is None:
            return text
        for rule in _FORMAT_RULES:
            if any(t in lowered for t in rule.triggers):
                text = rule.regex.sub(rule.replace, text)
        if finder is not None and ("=" in text or ":" in text):
            text = self._redact_assignments(text, finder)
        return text

    def _redact_assignments(self, text: str, finder: re.Pattern[str]) -> str:
        """Hide the value of every `name = value` / `name: value` whose name is sensitive.

        Looking for the patterns first and growing each hit into its name is much faster on
        large text than one regex that tries a name at every word.
        """
        lowered = text.lower()
        if len(lowered) != len(text):
            # A few characters change length when lower-cased ("İ"); offsets would not line up,
            # so search the original case-insensitively instead (slower, same result).
            finder = re.compile(finder.pattern, re.IGNORECASE)
            lowered = text
        pieces: list[str] = []
        last = 0
        for hit in finder.finditer(lowered):
            if hit.start() < last:
                continue
            start = hit.start()
            while start > last and text[start - 1] in _NAME_CHARS:
                start -= 1
            tail = _ASSIGNMENT_TAIL.match(text, hit.end())
            if tail is None:
                continue
            name = text[start : tail.end("rest")]
            if not self.is_sensitive_name(name):
                continue
            sep = tail.group("sep")
            quote = tail.group("q")
            if quote is not None:
                value = tail.group("qval")
                if not value or value == REDACTED:
                    continue
                replacement = f"{name}{sep}{quote}{REDACTED}{quote}"
            else:
                if tail.group("val").startswith(REDACTED[:-1]):
                    # Already hidden by a format rule ("Authorization: Bearer [REDACTED]").
                    continue
                # Keep an HTTP auth scheme visible: it says what kind of credential was there.
                replacement = f"{name}{sep}{tail.group('scheme') or ''}{REDACTED}"
            pieces.append(text[last:start])
            pieces.append(replacement)
            last = tail.end()
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def redact_value_for_name(self, name: str, text: str) -> str:
        """What to show for a value called `name` whose rendering is `text`."""
        if not self.enabled:
            return text
        if self.is_sensitive_name(name):
            return REDACTED
        return self.redact_text(text)

    def names_sensitive(self, target: str) -> bool:
        """True if an assignment target (`password`, `cfg["api_key"]`, `user.token`) names
        something sensitive anywhere in it: what is assigned there is a secret too."""
        return any(self.is_sensitive_name(word) for word in _IDENTIFIER_RE.findall(target))

    def redact_structure(self, value: Any, _depth: int = 0) -> Any:
        """A copy of a JSON-like structure (a DAP message) safe for logs and transcripts: values
        under sensitive keys are hidden, every string goes through `redact_text`. Keys the
        protocol itself uses (`variablesReference`, `presentationHint`...) are never sensitive
        names, so the message stays readable."""
        if _depth > 32:
            return REDACTED
        if isinstance(value, dict):
            out: dict[Any, Any] = {}
            # `setVariable`/`setExpression` arguments: {"name": "password", "value": "'...'"}.
            target = value.get("name", value.get("expression"))
            assigns_secret = (
                isinstance(target, str) and "value" in value and self.names_sensitive(target)
            )
            for key, item in value.items():
                if isinstance(key, str) and isinstance(item, str) and self.is_sensitive_name(key):
                    out[key] = REDACTED if self.enabled else item
                elif assigns_secret and key == "value" and isinstance(item, str):
                    out[key] = REDACTED if self.enabled else item
                else:
                    out[key] = self.redact_structure(item, _depth + 1)
            return out
        if isinstance(value, list):
            return [self.redact_structure(item, _depth + 1) for item in value]
        if isinstance(value, str):
            return self.redact_text(value)
        return value

    def redact_mapping(self, mapping: Mapping[str, str]) -> dict[str, str]:
        """A copy of `mapping` (environment, launch options) safe to log or put in a transcript."""
        return {key: self.redact_value_for_name(key, value) for key, value in mapping.items()}

    # -- derived expressions ----------------------------------------------------------------------

    def taint_check(self, expr_source: str, names_in_scope: Iterable[str] = ()) -> str | None:
        """Refuse an expression, in a safe context, that could derive a redacted value.

        Returns None when the expression may run, otherwise the reason shown to the user, e.g.
        "refused: the expression uses 'password', whose name is sensitive".

        Refused: any name, attribute, keyword or constant subscript key that is sensitive
        (`password[0]`, `str(password)`, `user.api_key`, `config["token"]`); whole-namespace
        and reflective access (`locals()`, `globals()`, `vars()`, `dir()`, `eval`, `__dict__`,
        frames' `f_locals`, `gc.get_referents`...); `getattr`-like calls whose attribute name is
        not a constant (and constant ones naming a sensitive attribute).

        What it cannot see: a secret reached without naming it, e.g. `list(config.values())` or
        `[v for k, v in config.items()]` when `config` holds a `password` entry. Those results are
        caught afterwards by value: the safe evaluator renders them through `redact_text` and
        `SensitiveValues.scrub`, which hides any result containing a sensitive value or a 4+
        character fragment of one. Fragments shorter than 4 characters (`password[:3]` spelled
        without the name, through a container) and transformed values (`secret[::-1]` reached
        the same way, hashes, encodings) are not recognisable by value; this is a barrier
        against accidents and casual recovery, not against a determined user with a REPL (the
        REPL context, when allowed, runs arbitrary code anyway).

        `names_in_scope` is accepted so callers can restrict the by-name rule to names that
        exist; a sensitive name that is not in scope is still refused when `names_in_scope` is
        empty (unknown scope means assume the worst).
        """
        if not self.enabled:
            return None
        try:
            tree = ast.parse(expr_source, mode="exec")
        except SyntaxError:
            # Let the evaluator report the syntax error in its usual words.
            return None
        scope = set(names_in_scope)
        # `getattr` & co. are checked where they are called; anywhere else (`g := getattr`,
        # `[getattr][0]`, an argument) they would be called out of sight.
        callees = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Name | ast.Attribute)
                and _callable_name(node) in _GETATTR_LIKE
                and id(node) not in callees
            ):
                return f"refused: '{_callable_name(node)}' used other than by a call"
            reason = self._taint_node(node, scope)
            if reason is not None:
                return f"refused: {reason}"
        return None

    def _taint_node(self, node: ast.AST, scope: set[str]) -> str | None:
        if isinstance(node, ast.Name):
            if node.id in _INTROSPECTION_CALLS:
                return f"'{node.id}' could reveal redacted values"
            if self.is_sensitive_name(node.id) and (not scope or node.id in scope):
                return f"the expression uses '{node.id}', whose name is sensitive"
        elif isinstance(node, ast.Attribute):
            if node.attr in _INTROSPECTION_ATTRS:
                return f"'{node.attr}' could reveal redacted values"
            if self.is_sensitive_name(node.attr):
                return f"the expression uses the attribute '{node.attr}', whose name is sensitive"
        elif isinstance(node, ast.keyword):
            if node.arg is not None and self.is_sensitive_name(node.arg):
                return f"the expression uses '{node.arg}', whose name is sensitive"
        elif isinstance(node, ast.Subscript):
            key = node.slice
            if (
                isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and self.is_sensitive_name(key.value)
            ):
                return f"the expression reads the key '{key.value}', whose name is sensitive"
        elif isinstance(node, ast.Call):
            func = node.func
            if not isinstance(func, ast.Name | ast.Attribute):
                return "a call of a computed function could reveal redacted values"
            fname = _callable_name(func)  # `getattr(...)` or `builtins.getattr(...)`
            if fname in _GETATTR_LIKE and len(node.args) >= 2:
                attr = node.args[1]
                if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str)):
                    return f"'{fname}' with a computed attribute name could reveal redacted values"
                if self.is_sensitive_name(attr.value):
                    return (
                        f"the expression uses the attribute '{attr.value}', whose name is sensitive"
                    )
            if (
                isinstance(func, ast.Attribute)
                and func.attr in _LOOKUP_METHODS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and self.is_sensitive_name(node.args[0].value)
            ):
                # `d.get("password")` reads the value as surely as `d["password"]`.
                return (
                    f"the expression reads the key '{node.args[0].value}', whose name is sensitive"
                )
        return None


def _callable_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class SensitiveValues:
    """The sensitive values currently in scope, to recognise them inside evaluation results.

    `scrub(text)` returns `REDACTED` if `text` contains one of the values or any fragment of 4 or
    more consecutive characters of one, else `text`. Every fragment of length >= 4 contains a
    4-character window, so a set of all 4-character windows makes the check one pass over the
    result, whatever the number of secrets.

    Limits: values shorter than 4 characters are not looked for (they would match everywhere);
    false positives are expected (a result sharing "word" with the secret "password123" is
    hidden), which in safe contexts is the right side to err on.

    `public` names (the variable names, keys and attribute names the Variables view shows
    anyway, from `collect_sensitive_values(..., names_out=...)`) are not secret pieces: without
    them, the secret "user-token-ada-1111" would hide every result mentioning a `user` key or a
    `token` attribute, i.e. most structured results. A piece made only of such windows tells
    nothing the view does not already show; the rest of the secret still hides a result.
    """

    __slots__ = ("_windows",)

    def __init__(self, values: Iterable[str] = (), public: Iterable[str] = ()) -> None:
        self._windows = frozenset(_windows_of(values) - _windows_of(public))

    def __bool__(self) -> bool:
        return bool(self._windows)

    def contains_secret(self, text: str) -> bool:
        windows = self._windows
        if not windows or len(text) < _MIN_SECRET_FRAGMENT:
            return False
        n = _MIN_SECRET_FRAGMENT
        return any(text[i : i + n] in windows for i in range(len(text) - n + 1))

    def scrub(self, text: str) -> str:
        return REDACTED if self.contains_secret(text) else text

    def mask(self, text: str) -> str:
        """`text` with each run of characters that belongs to a secret's piece replaced by
        [REDACTED]: for messages whose other words the user needs (a condition's error)."""
        windows = self._windows
        n = _MIN_SECRET_FRAGMENT
        if not windows or len(text) < n:
            return text
        covered = [False] * len(text)
        for i in range(len(text) - n + 1):
            if text[i : i + n] in windows:
                covered[i : i + n] = [True] * n
        if not any(covered):
            return text
        out: list[str] = []
        i = 0
        while i < len(text):
            if covered[i]:
                while i < len(text) and covered[i]:
                    i += 1
                out.append(REDACTED)
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def _windows_of(texts: Iterable[str]) -> set[str]:
    windows: set[str] = set()
    n = _MIN_SECRET_FRAGMENT
    for text in texts:
        for i in range(len(text) - n + 1):
            windows.add(text[i : i + n])
    return windows


_SCALAR_TYPES: tuple[type, ...] = (str, bytes, int)
_WALK_BUDGET = 20_000


class NamePolicy(Protocol):
    """What `collect_sensitive_values` needs of a redactor (the presenter's view of it too)."""

    def is_sensitive_name(self, name: str) -> bool: ...


def collect_sensitive_values(
    namespaces: Iterable[Mapping[str, object]],
    redactor: NamePolicy,
    *,
    max_depth: int = 4,
    names_out: list[str] | None = None,
) -> list[str]:
    """The string forms of values held under sensitive names, found without running user code.

    Walks dicts (exact `dict`), lists, tuples, sets and plain instances' `__dict__` (read with
    `object.__getattribute__`, skipping classes whose `__dict__` is not the ordinary slot), down
    to `max_depth` and a bounded number of objects. Properties, `__getattr__` and custom
    mappings are never touched, so this is safe to run in the live program. Everything under a
    sensitive name is collected, nested values too (`creds = {"password": ..., "user": ...}` is
    sensitive as a whole when named `credentials`).

    `names_out` receives the names met on the way (not those inside a sensitive value): what
    the Variables view shows as names, sensitive ones included (for
    `SensitiveValues(public=...)`).
    """
    found: list[str] = []
    budget = [_WALK_BUDGET]
    seen: set[int] = set()

    def add_all(value: object, depth: int) -> None:
        if budget[0] <= 0 or depth > max_depth:
            return
        budget[0] -= 1
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, bytes):
            found.append(value.decode("latin-1"))
        elif isinstance(value, int) and not isinstance(value, bool):
            found.append(str(value))
        else:
            for _name, child in _plain_children(value, seen, budget[0]):
                add_all(child, depth + 1)

    # Breadth first: every top-level name is looked at before anything nested, so a huge list
    # early in the namespace cannot spend the budget before a `password` variable is seen.
    queue: collections.deque[tuple[str, object, int]] = collections.deque()
    for namespace in namespaces:
        for key, value in list(namespace.items()):
            if isinstance(key, str):
                queue.append((key, value, 0))
    while queue and budget[0] > 0:
        name, value, depth = queue.popleft()
        budget[0] -= 1
        if names_out is not None and name:
            names_out.append(name)  # `password` itself is a name the view shows
        if redactor.is_sensitive_name(name):
            add_all(value, depth)
            continue
        if isinstance(value, _SCALAR_TYPES) or depth >= max_depth:
            continue
        for child_name, child in _plain_children(value, seen, budget[0]):
            queue.append((child_name, child, depth + 1))
    return found


def _plain_children(value: object, seen: set[int], limit: int) -> list[tuple[str, object]]:
    """Up to `limit` children reachable without running user code; each container visited
    once. Never a copy of a whole container: the cost follows the budget, not its size."""
    if id(value) in seen or limit <= 0:
        return []
    kind = type(value)
    try:
        if kind is dict:
            seen.add(id(value))
            assert isinstance(value, dict)
            return [
                (k if isinstance(k, str) else "", v)
                for k, v in itertools.islice(dict.items(value), limit)
            ]
        if kind in (list, tuple, set, frozenset):
            seen.add(id(value))
            assert isinstance(value, list | tuple | set | frozenset)
            return [("", v) for v in itertools.islice(value, limit)]
        if isinstance(value, types.ModuleType | type) or callable(value):
            return []
        attrs = instance_dict(value)
        if attrs is None:
            return []
        seen.add(id(value))
        return [(k, v) for k, v in itertools.islice(dict.items(attrs), limit) if isinstance(k, str)]
    except RuntimeError:  # resized by another thread while we iterate
        return []
