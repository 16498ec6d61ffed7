"""Request-body parsing shared by the fakes: urlencoded forms and multipart uploads."""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Part:
    """One multipart field; ``filename`` is set for file parts."""

    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def parse_urlencoded(body: bytes) -> dict[str, str]:
    """First value of each field of an ``application/x-www-form-urlencoded`` body."""
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in parsed.items()}


def parse_multipart(content_type: str, body: bytes) -> dict[str, Part]:
    """Fields of a ``multipart/form-data`` body, by name (stdlib ``email`` parser)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    parts: dict[str, Part] = {}
    if not message.is_multipart():
        return parts
    for sub in message.iter_parts():
        name = sub.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = sub.get_payload(decode=True) or b""
        parts[str(name)] = Part(
            name=str(name),
            data=payload,
            filename=sub.get_filename(),
            content_type=sub.get_content_type() if sub.get("content-type") else None,
        )
    return parts


def form_fields(content_type: str | None, body: bytes) -> dict[str, Part]:
    """Fields of either kind of form body, as ``Part`` objects."""
    content_type = content_type or ""
    if content_type.startswith("multipart/form-data"):
        return parse_multipart(content_type, body)
    if content_type.startswith("application/x-www-form-urlencoded") or (
        body and not content_type
    ):
        return {k: Part(k, v.encode()) for k, v in parse_urlencoded(body).items()}
    return {}
