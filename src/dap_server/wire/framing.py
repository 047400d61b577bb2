"""Content-Length framing for DAP: a pure, incremental decoder and an encoder.

Standard library only: this module runs inside the debuggee, where importing pydantic or
anyio would cost start-up time and memory the program being debugged would pay for.

The decoder never raises on bad input. Every problem becomes a `FramingError` in the output,
in stream order, and the decoder resynchronises on the next `Content-Length` header whenever
the framing itself is broken, so one bad message never ends a session.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_MAX_HEADER",
    "DecodedMessage",
    "ErrorKind",
    "FrameDecoder",
    "FramingError",
    "encode_message",
    "error_response",
]

DecodedMessage = dict[str, Any]

# 64 MiB: far above any sane request (a `setBreakpoints` for a huge file is a few KiB; a
# `writeMemory` payload is the largest legitimate case) yet small enough that a runaway or
# hostile peer cannot make the debuggee buffer unbounded memory.
DEFAULT_MAX_BODY = 64 * 1024 * 1024
# Real header blocks are ~25 bytes; a long run without a blank line means the peer is not
# speaking our framing at all.
DEFAULT_MAX_HEADER = 8 * 1024
# How much of an oversized body we look at to recover its seq before skipping the rest. The
# seq is normally the first key; a few KiB is plenty and bounds the wait for the error.
_SNIFF_BYTES = 4 * 1024
# Bytes kept between feeds while hunting for the next header, so a `Content-Length:` split
# across two reads is still found.
_RESYNC_TAIL = 64


class ErrorKind(enum.StrEnum):
    """What went wrong; lets callers and tests tell the cases apart without parsing text."""

    HEADER = "header"  # malformed header block, missing or bad Content-Length, garbage
    TOO_LARGE = "too_large"  # Content-Length above max_body; the body was skipped
    UTF8 = "utf8"  # body is not valid UTF-8
    JSON = "json"  # body is not valid JSON
    NOT_OBJECT = "not_object"  # valid JSON, but not an object
    ENVELOPE = "envelope"  # a JSON object, but not a well-formed DAP message
    TRUNCATED = "truncated"  # the stream ended in the middle of a message


@dataclass(frozen=True, slots=True)
class FramingError:
    """One undecodable message (or run of garbage) in the input stream.

    `seq` is set when the broken message is, or may be, a request whose seq could be
    recovered: the receiver should answer it with `error_response(seq, command, message)`.
    It stays None for responses and events (they are never answered) and when no seq can be
    found. `command` is the request's command when it could be recovered.
    """

    kind: ErrorKind
    message: str
    seq: int | None = None
    command: str | None = None


class _State(enum.Enum):
    HEADER = enum.auto()  # expecting a header block
    BODY = enum.auto()  # expecting `_length` body bytes
    SNIFF = enum.auto()  # oversized body: waiting for its first bytes to recover the seq
    SKIP = enum.auto()  # oversized body: discarding `_length` more bytes
    RESYNC = enum.auto()  # framing lost: discarding until the next Content-Length header


# RFC 9110 token characters: what may start a header name. Anything else at the start of a
# header block (typically `{`, a body sent without headers) is garbage we can flag at once,
# instead of waiting for a blank line that may never come.
_TCHAR = rb"A-Za-z0-9!#$%&'*+.^_`|~-"
_HEADER_START = re.compile(rb"[" + _TCHAR + rb"]+[ \t]*(:|$)")
_HEADER_LINE = re.compile(rb"([" + _TCHAR + rb"]+)[ \t]*:[ \t]*(.*?)[ \t]*")
_HEADER_PREFIX = re.compile(rb"[" + _TCHAR + rb"]*[ \t]*")
_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_DIGITS = re.compile(rb"[0-9]{1,15}")
# Recovery of a broken message's identity from its raw bytes. `"seq"` with its quotes does not
# match `"request_seq"`. These are heuristics for error reporting only, never for dispatch.
_SEQ_RE = re.compile(rb'"seq"\s*:\s*(-?[0-9]{1,15})(?![0-9.eE])')
_TYPE_RE = re.compile(rb'"type"\s*:\s*"([A-Za-z]{1,20})"')
_COMMAND_RE = re.compile(rb'"command"\s*:\s*"([A-Za-z0-9_./-]{1,100})"')


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are accepted by Python's json but are not JSON; a peer that sends them
    # would break every other client library, so treat them as invalid input.
    raise ValueError(f"{name} is not valid JSON")


_JSON_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class FrameDecoder:
    """Incremental decoder: feed it bytes as they arrive, get whole messages and errors back.

    Correct for any split of the input (a header split across reads, many messages in one
    read). `check_envelope` (on by default) rejects JSON objects that are not DAP messages:
    `seq` must be an integer, `type` one of request/response/event, with `command` (and an
    object `arguments` if present) for requests, `request_seq`/`success`/`command` for
    responses and `event` for events.
    """

    def __init__(
        self,
        max_body: int = DEFAULT_MAX_BODY,
        *,
        max_header: int = DEFAULT_MAX_HEADER,
        check_envelope: bool = True,
    ) -> None:
        if max_body < 0 or max_header <= 0:
            raise ValueError("max_body must be >= 0 and max_header > 0")
        self.max_body = max_body
        self.max_header = max_header
        self.check_envelope = check_envelope
        self._buf = bytearray()
        # Consumed prefix of _buf; dropped once per feed() so that many small messages in one
        # read cost O(n), not O(n^2) in repeated `del buf[:k]`.
        self._pos = 0
        self._state = _State.HEADER
        self._length = 0

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a complete message (or still being skipped)."""
        pending = len(self._buf) - self._pos
        if self._state is _State.SKIP:
            return pending + self._length
        return pending

    def feed(self, data: bytes | bytearray | memoryview) -> list[DecodedMessage | FramingError]:
        """Adds `data` and returns every message and error now complete, in stream order."""
        self._buf += data
        out: list[DecodedMessage | FramingError] = []
        while self._step(out):
            pass
        if self._pos:
            del self._buf[: self._pos]
            self._pos = 0
        return out

    def eof(self) -> FramingError | None:
        """Call at end of stream: reports a message cut off by the close, then resets."""
        pending = len(self._buf) - self._pos
        state = self._state
        rest = bytes(self._buf[self._pos :])
        self._buf.clear()
        self._pos = 0
        self._state = _State.HEADER
        if state is _State.RESYNC or (state is _State.HEADER and not rest.strip(b"\r\n")):
            return None
        if state is _State.SKIP:
            return None  # its TOO_LARGE error has already been reported
        seq, command = _recover_identity(rest)
        return FramingError(
            ErrorKind.TRUNCATED,
            f"stream ended in the middle of a message ({pending} bytes pending)",
            seq,
            command,
        )

    # -- state machine ------------------------------------------------------------------------

    def _step(self, out: list[DecodedMessage | FramingError]) -> bool:
        """Makes one transition; returns False when more input is needed."""
        state = self._state
        if state is _State.HEADER:
            return self._step_header(out)
        if state is _State.BODY:
            end = self._pos + self._length
            if len(self._buf) < end:
                return False
            body = bytes(self._buf[self._pos : end])
            self._pos = end
            self._state = _State.HEADER
            out.append(self._decode_body(body))
            return True
        if state is _State.SNIFF:
            available = len(self._buf) - self._pos
            want = min(self._length, _SNIFF_BYTES)
            if available < want:
                return False
            seq, command = _recover_identity(bytes(self._buf[self._pos : self._pos + want]))
            out.append(
                FramingError(
                    ErrorKind.TOO_LARGE,
                    f"message body of {self._length} bytes exceeds the limit of "
                    f"{self.max_body} bytes; skipped",
                    seq,
                    command,
                )
            )
            self._state = _State.SKIP
            return True
        if state is _State.SKIP:
            available = len(self._buf) - self._pos
            if available == 0 and self._length:
                return False
            take = min(available, self._length)
            self._pos += take
            self._length -= take
            if self._length == 0:
                self._state = _State.HEADER
                return True
            return False
        # RESYNC
        match = _CONTENT_LENGTH.search(self._buf, self._pos)
        if match is None:
            self._pos = max(self._pos, len(self._buf) - _RESYNC_TAIL)
            return False
        self._pos = match.start()
        self._state = _State.HEADER
        return True

    def _step_header(self, out: list[DecodedMessage | FramingError]) -> bool:
        buf = self._buf
        # Tolerate stray line breaks between messages (some clients end bodies with one).
        while self._pos < len(buf) and buf[self._pos] in b"\r\n":
            self._pos += 1
        start = self._pos
        if start == len(buf):
            return False
        end = buf.find(b"\r\n\r\n", start)
        if end < 0:
            first_line_end = buf.find(b"\r\n", start)
            probe = buf[start : first_line_end if first_line_end >= 0 else len(buf)]
            if _HEADER_START.match(probe) is None and not _is_header_prefix(probe):
                self._garbage(out, "input does not start with a header")
                return True
            if b"\n" in probe:
                # A bare LF line ending: waiting for CRLF CRLF would hang the client.
                self._garbage(out, "header lines must end with CRLF")
                return True
            if len(buf) - start > self.max_header:
                self._garbage(out, f"no end of header block within {self.max_header} bytes")
                return True
            return False
        if end - start > self.max_header:
            self._garbage(out, f"header block longer than {self.max_header} bytes")
            return True
        block = bytes(buf[start:end])
        length: int | None = None
        problem: str | None = None
        saw_length_header = False
        for line in block.split(b"\r\n"):
            m = _HEADER_LINE.fullmatch(line)
            if m is None:
                problem = f"malformed header line {_show(line)}"
                break
            if m.group(1).lower() != b"content-length":
                continue  # Content-Type and unknown headers are allowed and ignored
            saw_length_header = True
            value = m.group(2)
            if _DIGITS.fullmatch(value) is None:
                problem = f"Content-Length is not a number: {_show(value)}"
                break
            if length is not None and length != int(value):
                problem = "conflicting Content-Length headers"
                break
            length = int(value)
        if problem is None and length is None:
            problem = "missing Content-Length header"
        if problem is not None or length is None:
            if saw_length_header:
                # The header block was well delimited: skip it, then hunt for the next message
                # (the body's length is unknown, so it is discarded by the resync).
                self._pos = end + 4
            self._garbage(out, problem or "missing Content-Length header", start)
            return True
        self._pos = end + 4
        self._length = length
        self._state = _State.BODY if length <= self.max_body else _State.SNIFF
        return True

    def _garbage(
        self, out: list[DecodedMessage | FramingError], problem: str, start: int | None = None
    ) -> None:
        """Reports broken framing at `start` and switches to hunting for the next header."""
        if start is None:
            start = self._pos
        # What is lost runs to the next header we can see; any seq in it belongs to the
        # broken message (a body sent without headers, or the body after a bad header).
        nxt = _CONTENT_LENGTH.search(self._buf, max(start + 1, self._pos))
        region = bytes(self._buf[start : nxt.start() if nxt else len(self._buf)])
        seq, command = _recover_identity(region)
        out.append(FramingError(ErrorKind.HEADER, problem, seq, command))
        self._pos = max(self._pos, start + 1)
        self._state = _State.RESYNC

    def _decode_body(self, body: bytes) -> DecodedMessage | FramingError:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            seq, command = _recover_identity(body)
            bad = body[exc.start : exc.start + 1].hex()
            return FramingError(
                ErrorKind.UTF8,
                f"message body is not valid UTF-8 (byte 0x{bad} at offset {exc.start})",
                seq,
                command,
            )
        try:
            value = _JSON_DECODER.decode(text)
        except (ValueError, RecursionError) as exc:
            # RecursionError: absurdly deep nesting; still just bad input.
            seq, command = _recover_identity(body)
            detail = (
                exc.args[0] if isinstance(exc, ValueError) and exc.args else "nested too deeply"
            )
            return FramingError(
                ErrorKind.JSON, f"message body is not valid JSON: {detail}", seq, command
            )
        if not isinstance(value, dict):
            return FramingError(
                ErrorKind.NOT_OBJECT,
                f"message must be a JSON object, not {_json_type(value)}",
            )
        if self.check_envelope:
            problem = _envelope_problem(value)
            if problem is not None:
                return _envelope_error(value, problem)
        return value


def _is_header_prefix(probe: bytes | bytearray) -> bool:
    """True when `probe` may still grow into a header line (all token characters so far)."""
    return _HEADER_PREFIX.fullmatch(probe) is not None


def _show(raw: bytes) -> str:
    text = raw[:60].decode("utf-8", "replace")
    return repr(text + ("..." if len(raw) > 60 else ""))


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null"


def _recover_identity(raw: bytes) -> tuple[int | None, str | None]:
    """Best-effort (seq, command) of a request whose bytes cannot be parsed.

    The seq is only returned when the bytes do not say the message is a response or an
    event: those are never answered, so a recovered seq would invite a wrong reply.
    """
    type_match = _TYPE_RE.search(raw)
    if type_match is not None and type_match.group(1) != b"request":
        return None, None
    seq_match = _SEQ_RE.search(raw)
    command_match = _COMMAND_RE.search(raw)
    command = command_match.group(1).decode("ascii") if command_match else None
    return (int(seq_match.group(1)) if seq_match else None), command


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _envelope_problem(msg: dict[str, Any]) -> str | None:
    if not _is_int(msg.get("seq")):
        return "'seq' must be an integer"
    kind = msg.get("type")
    if kind == "request":
        if not isinstance(msg.get("command"), str):
            return "request has no 'command' string"
        if "arguments" in msg and not isinstance(msg["arguments"], dict | None):
            return f"{msg['command']}: 'arguments' must be an object"
        return None
    if kind == "response":
        if not _is_int(msg.get("request_seq")):
            return "response has no integer 'request_seq'"
        if not isinstance(msg.get("success"), bool):
            return "response has no boolean 'success'"
        if not isinstance(msg.get("command"), str):
            return "response has no 'command' string"
        return None
    if kind == "event":
        if not isinstance(msg.get("event"), str):
            return "event has no 'event' string"
        return None
    return "'type' must be 'request', 'response' or 'event'"


def _envelope_error(msg: dict[str, Any], problem: str) -> FramingError:
    kind = msg.get("type")
    seq = msg.get("seq")
    command = msg.get("command")
    answerable = kind not in ("response", "event") and _is_int(seq)
    return FramingError(
        ErrorKind.ENVELOPE,
        f"invalid message: {problem}",
        seq if answerable else None,
        command if answerable and isinstance(command, str) else None,
    )


# -- encoding ---------------------------------------------------------------------------------


def encode_message(msg: dict[str, Any]) -> bytes:
    """Serialises one message: compact UTF-8 JSON behind a Content-Length header.

    Raises ValueError for values JSON cannot carry (NaN, infinities, circular structures)
    and TypeError for non-JSON types: sending a peer broken JSON would be worse.
    """
    text = json.dumps(msg, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (e.g. undecodable file names under surrogateescape) cannot be UTF-8;
        # \u escapes keep the JSON valid and every DAP client accepts them.
        body = json.dumps(msg, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode(
            "ascii"
        )
    return b"Content-Length: %d\r\n\r\n%b" % (len(body), body)


def error_response(
    request_seq: int,
    command: str | None,
    message: str,
    *,
    seq: int = 0,
    error_id: int | None = None,
    show_user: bool = False,
) -> dict[str, Any]:
    """A failed response to request `request_seq` (the sender may renumber `seq`).

    The body is always present because the schema's `ErrorResponse` requires one; with
    `error_id` it also carries a structured `Message`, whose `format` is the message itself
    (no `variables` are sent, so clients show any `{...}` in it as written).
    """
    body: dict[str, Any] = {}
    if error_id is not None:
        body["error"] = {"id": error_id, "format": message, "showUser": show_user}
    response: dict[str, Any] = {
        "seq": seq,
        "type": "response",
        "request_seq": request_seq,
        "success": False,
        "command": command if command else "unknown",
        "message": message,
        "body": body,
    }
    return response
