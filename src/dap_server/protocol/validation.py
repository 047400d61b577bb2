"""Validation of inbound DAP messages against the generated models.

Errors name the command and the failing field the way a user can act on them, e.g.
``setBreakpoints: arguments.source.path: Input should be a valid string``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from dap_server.protocol.models import (
    EVENTS,
    REQUEST_ARGUMENTS,
    REQUESTS,
    RESPONSES,
    ErrorResponse,
    Event,
    Request,
    Response,
)

__all__ = [
    "MessageValidationError",
    "UnknownCommandError",
    "format_location",
    "validate_event",
    "validate_request",
    "validate_response",
]

# A message with many problems gets the first few: enough to fix it, short enough to show.
_MAX_REPORTED = 3


class MessageValidationError(ValueError):
    """A message that does not match the protocol.

    `seq` and `command` identify the request to answer (when known); `location` is the first
    failing field as a dotted path (`arguments.source.path`), None for whole-message problems.
    """

    def __init__(
        self,
        message: str,
        *,
        seq: int | None = None,
        command: str | None = None,
        location: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.seq = seq
        self.command = command
        self.location = location


class UnknownCommandError(MessageValidationError):
    """A request whose command is not in the protocol (nor among the caller's extras)."""


def format_location(loc: tuple[int | str, ...]) -> str:
    """('arguments', 'breakpoints', 0, 'line') -> 'arguments.breakpoints[0].line'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _error(
    prefix: str,
    exc: ValidationError,
    seq: int | None,
    command: str | None,
    under: tuple[str, ...] = (),
) -> MessageValidationError:
    """`under` is prepended to each location (errors from validating a sub-object)."""
    errors = exc.errors(include_url=False)
    parts = []
    for err in errors[:_MAX_REPORTED]:
        loc = format_location((*under, *err["loc"]))
        parts.append(f"{loc}: {err['msg']}" if loc else str(err["msg"]))
    more = len(errors) - _MAX_REPORTED
    if more > 0:
        parts.append(f"and {more} more problem{'s' if more > 1 else ''}")
    first = format_location((*under, *errors[0]["loc"])) if errors else None
    return MessageValidationError(
        f"{prefix}: {'; '.join(parts)}", seq=seq, command=command, location=first or None
    )


def _seq_of(msg: Mapping[str, Any]) -> int | None:
    seq = msg.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else None


def validate_request(
    msg: Mapping[str, Any],
    *,
    extra_commands: Mapping[str, type[BaseModel]] | None = None,
) -> tuple[str, BaseModel]:
    """Checks a request; returns (command, arguments model instance).

    Commands without arguments in the protocol get an `EmptyArguments` instance, and so do
    requests that omit optional arguments, so callers always get a model. `extra_commands`
    maps adapter-specific commands to their arguments models. Raises `UnknownCommandError`
    or `MessageValidationError`.
    """
    seq = _seq_of(msg)
    command = msg.get("command")
    if msg.get("type") != "request":
        raise MessageValidationError("not a request", seq=seq, location="type")
    if not isinstance(command, str):
        raise MessageValidationError("request has no 'command' string", seq=seq, location="command")
    model: type[Request] | None = REQUESTS.get(command)
    if model is None:
        args_model = (extra_commands or {}).get(command)
        if args_model is None:
            raise UnknownCommandError(
                f"unknown command '{command}'", seq=seq, command=command, location="command"
            )
        # Envelope first (seq, type), then the caller's arguments model.
        try:
            Request.model_validate(msg)
        except ValidationError as exc:
            raise _error(command, exc, seq, command) from None
        try:
            return command, args_model.model_validate(msg.get("arguments") or {})
        except ValidationError as exc:
            raise _error(command, exc, seq, command, ("arguments",)) from None
    try:
        request = model.model_validate(msg)
    except ValidationError as exc:
        raise _error(command, exc, seq, command) from None
    arguments = request.arguments
    if isinstance(arguments, BaseModel):
        return command, arguments
    try:
        return command, REQUEST_ARGUMENTS[command].model_validate({})
    except ValidationError as exc:
        raise _error(command, exc, seq, command, ("arguments",)) from None


def validate_response(msg: Mapping[str, Any]) -> Response:
    """Checks a response (the body against its command's model; ErrorResponse when failed).

    Responses to commands outside the protocol are checked as plain `Response`s.
    """
    command = msg.get("command")
    model: type[Response] = Response
    if msg.get("success") is False:
        model = ErrorResponse
    elif isinstance(command, str):
        model = RESPONSES.get(command, Response)
    try:
        return model.model_validate(msg)
    except ValidationError as exc:
        raise _error(
            f"{command} response" if isinstance(command, str) else "response",
            exc,
            None,
            command if isinstance(command, str) else None,
        ) from None


def validate_event(msg: Mapping[str, Any]) -> Event:
    """Checks an event (the body against its event's model; custom events as plain `Event`)."""
    name = msg.get("event")
    model: type[Event] = EVENTS.get(name, Event) if isinstance(name, str) else Event
    try:
        return model.model_validate(msg)
    except ValidationError as exc:
        raise _error(
            f"{name} event" if isinstance(name, str) else "event", exc, None, None
        ) from None
