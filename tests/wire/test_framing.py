"""The Content-Length decoder: any split, any garbage, every bad-input case."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dap_server.wire.framing import (
    ErrorKind,
    FrameDecoder,
    FramingError,
    encode_message,
    error_response,
)
from tests.support.schema import assert_valid_message


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%b" % (len(body), body)


def request(seq: int, command: str = "next", **extra: Any) -> dict[str, Any]:
    return {"seq": seq, "type": "request", "command": command, **extra}


VALID = request(100, "threads")
VALID_FRAME = encode_message(VALID)


def errors(items: list[Any]) -> list[FramingError]:
    return [i for i in items if isinstance(i, FramingError)]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
messages = st.builds(
    lambda seq, command, args: request(seq, command, arguments=args),
    st.integers(min_value=0, max_value=2**40),
    st.text(min_size=1, max_size=20),
    st.dictionaries(st.text(max_size=10), json_values, max_size=4),
)


@given(st.lists(messages, max_size=6), st.data())
def test_any_split_decodes_to_the_same_messages(
    msgs: list[dict[str, Any]], data: st.DataObject
) -> None:
    stream = b"".join(encode_message(m) for m in msgs)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    decoder = FrameDecoder()
    out: list[Any] = []
    last = 0
    for cut in [*cuts, len(stream)]:
        out += decoder.feed(stream[last:cut])
        last = cut
    assert out == msgs
    assert decoder.buffered == 0
    assert decoder.eof() is None


def test_byte_at_a_time_and_many_per_read() -> None:
    msgs = [request(i, arguments={"text": "é" * i}) for i in range(50)]
    stream = b"".join(encode_message(m) for m in msgs)
    decoder = FrameDecoder()
    assert decoder.feed(stream) == msgs
    one_by_one: list[Any] = []
    for i in range(len(stream)):
        one_by_one += decoder.feed(stream[i : i + 1])
    assert one_by_one == msgs


@settings(max_examples=300)
@given(st.binary(max_size=300), st.data())
def test_random_bytes_never_raise_and_the_stream_recovers(
    garbage: bytes, data: st.DataObject
) -> None:
    decoder = FrameDecoder(max_body=1000, max_header=200)
    stream = garbage + b"\r\n\r\n" + VALID_FRAME
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=5)))
    out: list[Any] = []
    last = 0
    for cut in [*cuts, len(stream)]:
        out += decoder.feed(stream[last:cut])
        last = cut
    assert all(isinstance(i, dict | FramingError) for i in out)
    if b"content-length" not in garbage.lower():
        assert out and out[-1] == VALID


@given(st.binary(max_size=500))
def test_random_bytes_alone_never_raise(garbage: bytes) -> None:
    decoder = FrameDecoder(max_body=100, max_header=64)
    decoder.feed(garbage)
    decoder.eof()
    # Still usable afterwards.
    assert decoder.feed(b"\r\n\r\n" + VALID_FRAME)[-1:] == [VALID]


def test_missing_content_length_recovers_seq_and_resyncs() -> None:
    body = json.dumps(request(7, "continue")).encode()
    out = FrameDecoder().feed(b"Content-Type: application/json\r\n\r\n" + body + VALID_FRAME)
    assert out == [
        FramingError(ErrorKind.HEADER, "missing Content-Length header", 7, "continue"),
        VALID,
    ]


def test_non_numeric_content_length() -> None:
    body = json.dumps(request(8, "pause")).encode()
    out = FrameDecoder().feed(b"Content-Length: 12x\r\n\r\n" + body + VALID_FRAME)
    assert len(out) == 2 and out[1] == VALID
    err = out[0]
    assert isinstance(err, FramingError)
    assert err.kind is ErrorKind.HEADER and err.seq == 8 and err.command == "pause"
    assert "Content-Length is not a number" in err.message


def test_negative_and_conflicting_content_length() -> None:
    for header in (b"Content-Length: -5", b"Content-Length: 5\r\nContent-Length: 6"):
        out = FrameDecoder().feed(header + b"\r\n\r\n{}" + VALID_FRAME)
        assert [type(i) for i in out] == [FramingError, dict], header


def test_body_without_header_is_reported_at_once() -> None:
    decoder = FrameDecoder()
    out = decoder.feed(json.dumps(request(9, "stepIn")).encode())
    assert len(out) == 1 and isinstance(out[0], FramingError)
    assert (out[0].kind, out[0].seq, out[0].command) == (ErrorKind.HEADER, 9, "stepIn")
    assert decoder.feed(VALID_FRAME) == [VALID]


def test_bare_lf_headers_are_rejected_not_waited_for() -> None:
    out = FrameDecoder().feed(b'Content-Length: 2\n\n{"seq":3,"type":"request","command":"x"}')
    assert len(out) == 1 and isinstance(out[0], FramingError) and "CRLF" in out[0].message


def test_oversized_body_is_skipped_and_the_stream_resyncs() -> None:
    big = request(10, "evaluate", arguments={"expression": "x" * 5000})
    decoder = FrameDecoder(max_body=1000)
    stream = encode_message(big) + VALID_FRAME
    out: list[Any] = []
    for i in range(0, len(stream), 700):
        out += decoder.feed(stream[i : i + 700])
    assert len(out) == 2 and out[1] == VALID
    err = out[0]
    assert isinstance(err, FramingError)
    assert (err.kind, err.seq, err.command) == (ErrorKind.TOO_LARGE, 10, "evaluate")
    assert "exceeds the limit of 1000 bytes" in err.message


def test_oversized_error_comes_before_the_whole_body_arrives() -> None:
    decoder = FrameDecoder(max_body=10_000)
    body = json.dumps(request(11, arguments={"data": "x" * 50_000})).encode()
    out = decoder.feed(frame(body)[:6000])
    assert [e.seq for e in errors(out)] == [11]


def test_invalid_utf8() -> None:
    body = b'{"seq":12,"type":"request","command":"next","x":"\xff"}'
    out = FrameDecoder().feed(frame(body) + VALID_FRAME)
    err = out[0]
    assert isinstance(err, FramingError)
    assert (err.kind, err.seq, err.command) == (ErrorKind.UTF8, 12, "next")
    assert "0xff" in err.message
    assert out[1] == VALID


def test_invalid_json() -> None:
    out = FrameDecoder().feed(
        frame(b'{"seq": 13, "type": "request", "command": "scopes",}') + VALID_FRAME
    )
    err = out[0]
    assert isinstance(err, FramingError)
    assert (err.kind, err.seq, err.command) == (ErrorKind.JSON, 13, "scopes")
    assert err.message.startswith("message body is not valid JSON")
    assert out[1] == VALID


def test_nan_and_deep_nesting_are_invalid_json_not_crashes() -> None:
    for body in (b'{"seq":1,"type":"request","command":"x","v":NaN}', b"[" * 100_000):
        out = FrameDecoder(max_body=1_000_000).feed(frame(body))
        assert [e.kind for e in errors(out)] == [ErrorKind.JSON]


def test_json_that_is_not_an_object() -> None:
    out = FrameDecoder().feed(frame(b"[1, 2]") + frame(b'"str"') + VALID_FRAME)
    assert [(e.kind, e.seq) for e in errors(out)] == [(ErrorKind.NOT_OBJECT, None)] * 2
    assert "an array" in out[0].message  # type: ignore[union-attr]
    assert out[-1] == VALID


def test_envelope_errors_carry_the_object_seq_only_for_requests() -> None:
    cases: list[tuple[dict[str, Any], int | None]] = [
        ({"seq": 14, "type": "request"}, 14),
        ({"seq": 15, "type": "request", "command": "x", "arguments": [1]}, 15),
        ({"seq": 16, "type": "nonsense"}, 16),
        ({"seq": "17", "type": "request", "command": "x"}, None),
        ({"seq": 18, "type": "event"}, None),
        ({"seq": 19, "type": "response", "command": "x"}, None),
    ]
    for msg, seq in cases:
        out = FrameDecoder().feed(encode_message(msg))
        assert len(out) == 1 and isinstance(out[0], FramingError), msg
        assert (out[0].kind, out[0].seq) == (ErrorKind.ENVELOPE, seq), msg


def test_broken_event_or_response_never_gets_a_seq_to_answer() -> None:
    out = FrameDecoder().feed(
        frame(b'{"seq": 20, "type": "event", "event": ') + frame(b'{"seq":21,"type":"response"')
    )
    assert [e.seq for e in errors(out)] == [None, None]


def test_envelope_check_can_be_turned_off() -> None:
    assert FrameDecoder(check_envelope=False).feed(encode_message({"x": 1})) == [{"x": 1}]


def test_truncated_stream_is_reported_at_eof() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(VALID_FRAME[:-3]) == []
    err = decoder.eof()
    assert err is not None and err.kind is ErrorKind.TRUNCATED and err.seq == 100
    assert decoder.eof() is None
    assert decoder.feed(VALID_FRAME) == [VALID]


def test_stray_line_breaks_between_messages_are_tolerated() -> None:
    assert FrameDecoder().feed(VALID_FRAME + b"\r\n" + VALID_FRAME) == [VALID, VALID]


def test_encode_is_compact_utf8_with_byte_length() -> None:
    data = encode_message(
        {"seq": 1, "type": "event", "event": "output", "body": {"output": "héllo ✓"}}
    )
    header, _, body = data.partition(b"\r\n\r\n")
    assert header == b"Content-Length: %d" % len(body)
    assert b" " not in body.replace(b"h\xc3\xa9llo \xe2\x9c\x93", b"")
    assert json.loads(body)["body"]["output"] == "héllo ✓"


def test_encode_lone_surrogates_stay_valid_json() -> None:
    msg = {"seq": 1, "type": "event", "event": "output", "body": {"output": "bad\udcff"}}
    assert FrameDecoder().feed(encode_message(msg)) == [msg]


def test_encode_refuses_nan() -> None:
    try:
        encode_message({"seq": 1, "type": "event", "event": "x", "body": float("nan")})
    except ValueError:
        return
    raise AssertionError("NaN was encoded")


def test_error_response_matches_the_schema() -> None:
    plain = error_response(5, "setBreakpoints", "no such file")
    assert (
        plain["request_seq"] == 5
        and plain["success"] is False
        and plain["message"] == "no such file"
    )
    assert_valid_message(plain)
    structured = error_response(6, None, "boom {x}", error_id=3, show_user=True)
    assert structured["command"] == "unknown"
    assert structured["body"]["error"] == {"id": 3, "format": "boom {x}", "showUser": True}
    assert_valid_message(structured)
