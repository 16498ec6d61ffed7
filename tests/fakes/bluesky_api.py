"""A fake Bluesky PDS (AT Protocol XRPC) for one account, as docs/bluesky-api.md describes it.

It speaks the XRPC routes a publisher uses (``createSession``, ``refreshSession``,
``getSession``, ``uploadBlob``, ``createRecord``, ``getRecord``, ``listRecords``,
``deleteRecord``, plus the appview reads the atproto SDK makes at login) with the real
status codes, ``{"error", "message"}`` bodies and ``ratelimit-*`` headers. Tokens are real
HS256 JWTs (the SDK reads ``exp`` to decide when to refresh), records are validated the way
the reference PDS validates ``app.bsky.feed.post`` (same messages), and everything it
stored is in ``posts``/``records``/``blobs`` for assertions. Failures are scripted with
``inject`` like the other fakes, including the "committed, then the answer was lost" cases.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

import regex

from ._server import Action, Drip, Drop, FakeServer, Fault, FaultQueue, Hang, Reply, Request

JSON = "application/json; charset=utf-8"
POST = "app.bsky.feed.post"
PDS_VERSION = "0.5.29"

# xrpc-server ResponseType: status -> (error name, default message) (packages/xrpc/src/types.ts)
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("InvalidRequest", "Invalid Request"),
    401: ("AuthenticationRequired", "Authentication Required"),
    403: ("Forbidden", "Forbidden"),
    404: ("XRPCNotSupported", "XRPC Not Supported"),
    413: ("PayloadTooLarge", "Payload Too Large"),
    415: ("UnsupportedMediaType", "Unsupported Media Type"),
    429: ("RateLimitExceeded", "Rate Limit Exceeded"),
    500: ("InternalServerError", "Internal Server Error"),
    501: ("MethodNotImplemented", "Method Not Implemented"),
    502: ("UpstreamFailure", "Upstream Failure"),
    503: ("NotEnoughResources", "Not Enough Resources"),
    504: ("UpstreamTimeout", "Upstream Timeout"),
}
PROXY_TITLES = {502: "502 Bad Gateway", 503: "503 Service Temporarily Unavailable",
                504: "504 Gateway Time-out"}

SCOPE_ACCESS = "com.atproto.access"
SCOPE_APP_PASS = "com.atproto.appPass"
SCOPE_REFRESH = "com.atproto.refresh"
ACCESS_SCOPES = (SCOPE_ACCESS, "com.atproto.appPassPrivileged", SCOPE_APP_PASS)
REFRESH_GRACE = 2 * 3600.0  # a rotated refresh token still works this long (account-manager.ts)

# Rate limits of the reference PDS: bucket -> (points, window seconds).
RATE_LIMITS: dict[str, tuple[int, float]] = {
    "global-ip": (3000, 300.0),
    "createSession-5m": (30, 300.0),
    "createSession-day": (300, 86400.0),
    "repo-write-hour": (5000, 3600.0),
    "repo-write-day": (35000, 86400.0),
    "uploadBlob-day": (1000, 86400.0),
}
# Collections the reference PDS knows a lexicon for (validationStatus "valid"); only posts
# are validated in depth here.
KNOWN_COLLECTIONS = frozenset({
    "app.bsky.actor.profile", "app.bsky.actor.status", "app.bsky.feed.generator",
    "app.bsky.feed.like", POST, "app.bsky.feed.postgate", "app.bsky.feed.repost",
    "app.bsky.feed.threadgate", "app.bsky.graph.block", "app.bsky.graph.follow",
    "app.bsky.graph.list", "app.bsky.graph.listblock", "app.bsky.graph.listitem",
    "app.bsky.graph.starterpack", "app.bsky.graph.verification", "app.bsky.labeler.service",
    "app.bsky.notification.declaration", "chat.bsky.actor.declaration",
    "com.atproto.lexicon.schema",
})

_S32 = "234567abcdefghijklmnopqrstuvwxyz"
_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_RKEY = re.compile(r"^[a-zA-Z0-9_~.:-]{1,512}$")
_NSID = re.compile(r"^[a-zA-Z]([a-zA-Z0-9-]{0,62})?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})?)+"
                   r"\.[a-zA-Z]([a-zA-Z0-9]{0,62})?$")
_DID = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")
_HANDLE = re.compile(r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
                     r"[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
_URI = re.compile(r"^\w+:(?://)?[^\s/]\S*$")
_AT_URI = re.compile(r"^at://[^\s/]+(/[a-zA-Z0-9.-]+(/[a-zA-Z0-9_~.:-]+)?)?$")
_CID = re.compile(r"^[a-zA-Z0-9+=]{8,256}$")
_DATETIME = re.compile(
    r"^[0-9]{4}-(0[1-9]|1[012])-([0-2][0-9]|3[01])T([0-1][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)"
    r"(\.[0-9]+)?(Z|[+-]([0-1][0-9]|2[0-3]):[0-5][0-9])$")
_LANGUAGE = re.compile(
    r"^((en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo"
    r"|i-pwn|i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE|art-lojban|cel-gaulish|no-bok"
    r"|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang)"
    r"|(([A-Za-z]{2,3}(-[A-Za-z]{3}(-[A-Za-z]{3}){0,2})?|[A-Za-z]{4}|[A-Za-z]{5,8})"
    r"(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(-[0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+)*(-[xX](-[A-Za-z0-9]{1,8})+)?)"
    r"|([xX](-[A-Za-z0-9]{1,8})+))$")
_GRAPHEME = regex.compile(r"\X")


# ---- identifiers: TIDs, CIDs, JWTs -------------------------------------------------------
def make_tid(when: float | None = None, clock_id: int = 0) -> str:
    """A TID record key (13 chars base32-sortable: microseconds since epoch + clock id),
    the key type ``app.bsky.feed.post`` requires. Publishers can derive one per article."""
    micros = int((time.time() if when is None else when) * 1_000_000)
    n = (micros << 10) | (clock_id & 0x3FF)
    return "".join(_S32[(n >> (5 * i)) & 31] for i in range(12, -1, -1))


def is_tid(value: str) -> bool:
    return bool(_TID.match(value))


def is_record_key(value: str) -> bool:
    """atproto record-key syntax (@atproto/syntax recordkey.ts)."""
    return bool(_RKEY.match(value)) and value not in (".", "..")


def _cid(codec: int, data: bytes) -> str:
    """CIDv1, sha2-256, base32 multibase: ``bafkrei…`` (raw) or ``bafyrei…`` (dag-cbor)."""
    raw = bytes([0x01, codec, 0x12, 0x20]) + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def blob_cid(data: bytes) -> str:
    """The CID the PDS gives an uploaded blob (raw codec)."""
    return _cid(0x55, data)


def _cid_bytes(cid: str) -> bytes:
    body = cid[1:].upper()
    return base64.b32decode(body + "=" * (-len(body) % 8))


def _cbor_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for size, code in ((1, 24), (2, 25), (4, 26), (8, 27)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | code]) + n.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def dag_cbor(value: Any) -> bytes:
    """DAG-CBOR of a record in its JSON form ({"$link"} -> CID, {"$bytes"} -> bytes), so
    record CIDs are the ones the real PDS computes (cidForCbor(encode(record)))."""
    if value is None:
        return b"\xf6"
    if value is True or value is False:
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        data = value.encode()
        return _cbor_head(3, len(data)) + data
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(dag_cbor(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"$link"} and isinstance(value["$link"], str):
            link = b"\x00" + _cid_bytes(value["$link"])
            return b"\xd8\x2a" + _cbor_head(2, len(link)) + link
        if set(value) == {"$bytes"} and isinstance(value["$bytes"], str):
            encoded = value["$bytes"]
            return dag_cbor(base64.b64decode(encoded + "=" * (-len(encoded) % 4)))
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return _cbor_head(5, len(keys)) + b"".join(dag_cbor(k) + dag_cbor(value[k])
                                                   for k in keys)
    raise TypeError(f"not a lexicon value: {type(value).__name__}")


def record_cid(record: dict[str, Any]) -> str:
    return _cid(0x71, dag_cbor(record))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, payload) of a JWT, unverified: what the SDK does to read ``exp``."""
    header, payload, _ = token.split(".")
    return json.loads(_b64url_decode(header)), json.loads(_b64url_decode(payload))


def graphemes(text: str) -> int:
    """Extended grapheme clusters, as the lexicon's ``maxGraphemes`` counts them."""
    return len(_GRAPHEME.findall(text))


def _sniff_mime(data: bytes) -> str | None:
    """What the PDS's file-type sniffing finds; it wins over the request's Content-Type."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    return None


def _bytes_format(n: int) -> str:
    """The ``bytes`` npm package's format(), used in the legacy BlobTooLarge message."""
    for unit, size in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            text = f"{n / size:.2f}".rstrip("0").rstrip(".")
            return text + unit
    return f"{n}B"


# ---- what the fake stores ------------------------------------------------------------------
@dataclass
class BskyBlob:
    """An uploaded blob: the bytes, the sniffed (or declared) MIME type."""

    cid: str
    data: bytes
    mime_type: str
    size: int
    uploaded: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ref(self) -> dict[str, Any]:
        """The blob ref uploadBlob returns (and a record must carry to use it)."""
        return {"$type": "blob", "ref": {"$link": self.cid}, "mimeType": self.mime_type,
                "size": self.size}


@dataclass
class BskyPost:
    """A created record (``posts`` holds the app.bsky.feed.post ones), as stored."""

    rkey: str
    uri: str
    cid: str
    collection: str
    record: dict[str, Any]
    indexed_at: datetime
    validation_status: str | None
    rev: str
    facet_problems: list[str] = field(default_factory=list)
    deleted: bool = False

    @property
    def text(self) -> str:
        return str(self.record.get("text", ""))

    @property
    def facets(self) -> list[dict[str, Any]]:
        return list(self.record.get("facets") or [])

    def facet_slices(self) -> list[tuple[str, dict[str, Any]]]:
        """(the text each facet covers, its first feature): UTF-8 byte offsets applied to
        the UTF-8 text, exactly as a Bluesky client renders them."""
        raw = self.text.encode()
        out = []
        for facet in self.facets:
            index = facet.get("index") or {}
            start, end = index.get("byteStart", 0), index.get("byteEnd", 0)
            features = facet.get("features") or [{}]
            out.append((raw[start:end].decode("utf-8", "replace"), features[0]))
        return out

    @property
    def links(self) -> list[str]:
        return [f["uri"] for facet in self.facets for f in facet.get("features", [])
                if f.get("$type") == "app.bsky.richtext.facet#link"]

    @property
    def tags(self) -> list[str]:
        return [f["tag"] for facet in self.facets for f in facet.get("features", [])
                if f.get("$type") == "app.bsky.richtext.facet#tag"]

    @property
    def embed(self) -> dict[str, Any] | None:
        return self.record.get("embed")

    @property
    def created_at(self) -> str | None:
        return self.record.get("createdAt")

    def as_api(self) -> dict[str, Any]:
        return {"uri": self.uri, "cid": self.cid, "value": self.record}


@dataclass
class _RefreshToken:
    jti: str
    expires: float
    scope: str
    next_jti: str | None = None


@dataclass
class _Bucket:
    """A fixed-window counter, as rate-limiter-flexible keeps one."""

    limit: int
    window: float
    used: int = 0
    started: float = 0.0

    def consume(self, points: int, now: float) -> tuple[bool, int, float]:
        if now >= self.started + self.window:
            self.used, self.started = 0, now
        self.used += points
        return self.used <= self.limit, max(self.limit - self.used, 0), self.started + self.window


class XrpcError(Exception):
    """An XRPC error answer: ``{"error": name, "message": message}`` with ``status``."""

    def __init__(self, status: int, error: str | None = None, message: str | None = None,
                 headers: list[tuple[str, str]] | None = None) -> None:
        default_error, default_message = STATUS_ERRORS.get(status, ("InvalidRequest", "Error"))
        super().__init__(message or default_message)
        self.status = status
        self.error = error or default_error
        # xrpc-server never sends details for a 500
        self.message = default_message if status == 500 else (message or default_message)
        self.headers = headers or []

    @property
    def body(self) -> dict[str, str]:
        return {"error": self.error, "message": self.message}


# ---- lexicon validation ------------------------------------------------------------------
class _Invalid(Exception):
    """One validation issue; formats as the current PDS (lex-schema) or the legacy one."""

    def __init__(self, path: tuple[str | int, ...], kind: str, **info: Any) -> None:
        super().__init__(kind)
        self.path, self.kind, self.info = path, kind, info

    def message(self, legacy: bool, root: str = "Record") -> str:
        return self._legacy(root) if legacy else f"{self._current()} at {_json_path(self.path)}"

    def _current(self) -> str:
        i = self.info
        if self.kind == "required":
            return f'Missing required key "{i["key"]}"'
        if self.kind == "type":
            expected = ('an object which includes the "$type" property'
                        if i["expected"] == "$typed" else i["expected"])
            return f"Expected {expected} value type (got {_preview(i['value'])})"
        if self.kind in ("too_big", "too_small"):
            word, bound = ("big", "maximum") if self.kind == "too_big" else ("small", "minimum")
            return f"{i['measure']} too {word} ({bound} {i['limit']}, got {i['actual']})"
        if self.kind == "format":
            names = {"record-key": "record key", "tid": "TID string", "did": "DID",
                     "nsid": "NSID", "cid": "CID string", "at-identifier": "AT identifier"}
            return f"Invalid {names.get(i['format'], i['format'])} (got {_preview(i['value'])})"
        if self.kind == "value":
            values = [_preview(v) for v in i["values"]]
            choice = values[0] if len(values) == 1 else (
                f"one of {', '.join(values[:-1])} or {values[-1]}")
            return f"Expected {choice} (got {_preview(i['value'])})"
        raise ValueError(self.kind)

    def _legacy(self, root: str) -> str:
        path = "/".join([root, *(str(p) for p in self.path[1:])])
        i = self.info
        if self.kind == "required":
            return f'{path} must have the property "{i["key"]}"'
        if self.kind == "type":
            article = {"string": "a string", "integer": "an integer", "object": "an object",
                       "array": "an array", "boolean": "a boolean"}
            if i["expected"] == "$typed":
                return f'{path} must be an object which includes the "$type" property'
            if i["expected"] == "blob":
                return f"{path} should be a blob ref"
            return f"{path} must be {article.get(i['expected'], i['expected'])}"
        if self.kind in ("too_big", "too_small"):
            big = self.kind == "too_big"
            measure, limit = i["measure"], i["limit"]
            if measure == "integer":
                return f"{path} can not be {'greater' if big else 'less'} than {limit}"
            if measure == "array":
                return f"{path} must not have {'more' if big else 'fewer'} than {limit} elements"
            unit = "graphemes" if measure == "grapheme" else "characters"
            return f"{path} must not be {'longer' if big else 'shorter'} than {limit} {unit}"
        if self.kind == "format":
            return f"{path} " + {
                "datetime": "must be an valid atproto datetime (both RFC-3339 and ISO-8601)",
                "uri": "must be a uri", "language": "must be a well-formed BCP 47 language tag",
                "did": "must be a valid did", "at-uri": "must be a valid at-uri",
                "cid": "must be a cid string", "record-key": "must be a valid Record Key",
                "nsid": "must be a valid nsid", "tid": "must be a valid TID",
                "at-identifier": "must be a valid did or a handle",
            }[i["format"]]
        return f"{path} must be one of ({'|'.join(i['values'])})"


def _json_path(path: tuple[str | int, ...]) -> str:
    out = "$"
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif re.fullmatch(r"[a-zA-Z_$][a-zA-Z0-9_]*", seg):
            out += "." + seg
        else:
            out += f"[{json.dumps(seg)}]"
    return out


def _preview(value: Any) -> str:
    """lex-schema's stringifyValue: how a bad value is quoted in a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        shown = value if len(value) < 256 else value[:255] + "…"
        return json.dumps(shown, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_preview(v) for v in value[:2]) + (", ..." if len(value) > 2
                                                                   else "") + "]"
    if isinstance(value, dict):
        keys = list(value)
        return "{" + ", ".join(f"{json.dumps(k)}: ..." for k in keys[:2]) + (
            ", ..." if len(keys) > 2 else "") + "}"
    return type(value).__name__


def _valid_datetime(text: str) -> bool:
    if len(text) > 64 or text.endswith("-00:00") or not _DATETIME.match(text):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


FORMATS: dict[str, Callable[[str], bool]] = {
    "datetime": _valid_datetime,
    "uri": lambda v: bool(_URI.match(v)),
    "at-uri": lambda v: bool(_AT_URI.match(v)),
    "language": lambda v: bool(_LANGUAGE.match(v)),
    "did": lambda v: bool(_DID.match(v)),
    "cid": lambda v: bool(_CID.match(v)),
    "nsid": lambda v: bool(_NSID.match(v)),
    "record-key": is_record_key,
    "tid": is_tid,
    "at-identifier": lambda v: bool(_DID.match(v) or _HANDLE.match(v)),
}

Path = tuple[str | int, ...]


def _string(value: Any, path: Path, *, max_bytes: int | None = None,
            max_graphemes: int | None = None, fmt: str | None = None) -> str:
    if not isinstance(value, str):
        raise _Invalid(path, "type", expected="string", value=value)
    if max_bytes is not None and len(value.encode()) > max_bytes:
        raise _Invalid(path, "too_big", measure="string", limit=max_bytes,
                       actual=len(value.encode()))
    if max_graphemes is not None and len(value) > max_graphemes and (
            graphemes(value) > max_graphemes):
        raise _Invalid(path, "too_big", measure="grapheme", limit=max_graphemes,
                       actual=graphemes(value))
    if fmt is not None and not FORMATS[fmt](value):
        raise _Invalid(path, "format", format=fmt, value=value)
    return value


def _object(value: Any, path: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(path, "type", expected="object", value=value)
    return value


def _array(value: Any, path: Path, max_length: int | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(path, "type", expected="array", value=value)
    if max_length is not None and len(value) > max_length:
        raise _Invalid(path, "too_big", measure="array", limit=max_length, actual=len(value))
    return value


def _integer(value: Any, path: Path, minimum: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Invalid(path, "type", expected="integer", value=value)
    if minimum is not None and value < minimum:
        raise _Invalid(path, "too_small", measure="integer", limit=minimum, actual=value)
    return value


def _required(obj: dict[str, Any], key: str, path: Path) -> Any:
    if key not in obj:
        raise _Invalid(path, "required", key=key)
    return obj[key]


def _typed(value: Any, path: Path) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("$type"), str):
        raise _Invalid(path, "type", expected="$typed", value=value)
    return value["$type"]


@dataclass
class _BlobUse:
    """A blob ref found in a record, with the lexicon's constraints where it sits."""

    ref: dict[str, Any]
    accept: tuple[str, ...] = ()
    max_size: int | None = None


class _PostValidator:
    """app.bsky.feed.post as the PDS validates it (lexicons/app/bsky/feed/post.json and the
    embed/facet lexicons it references), first issue wins, in property order."""

    def __init__(self, legacy: bool) -> None:
        self.legacy = legacy
        self.blobs: list[_BlobUse] = []

    def validate(self, record: dict[str, Any]) -> None:
        path: Path = ("record",)
        if "text" not in record:
            raise _Invalid(path, "required", key="text")
        _string(record["text"], (*path, "text"), max_bytes=3000, max_graphemes=300)
        if "facets" in record:
            for i, facet in enumerate(_array(record["facets"], (*path, "facets"))):
                self._facet(facet, (*path, "facets", i))
        if "reply" in record:
            reply = _object(record["reply"], (*path, "reply"))
            for key in ("root", "parent"):
                ref = _object(_required(reply, key, (*path, "reply")), (*path, "reply", key))
                _string(_required(ref, "uri", (*path, "reply", key)),
                        (*path, "reply", key, "uri"), fmt="at-uri")
                _string(_required(ref, "cid", (*path, "reply", key)),
                        (*path, "reply", key, "cid"), fmt="cid")
        if "embed" in record:
            self._embed(record["embed"], (*path, "embed"))
        if "langs" in record:
            for i, lang in enumerate(_array(record["langs"], (*path, "langs"), 3)):
                _string(lang, (*path, "langs", i), fmt="language")
        if "tags" in record:
            for i, tag in enumerate(_array(record["tags"], (*path, "tags"), 8)):
                _string(tag, (*path, "tags", i), max_bytes=640, max_graphemes=64)
        if "createdAt" not in record:
            raise _Invalid(path, "required", key="createdAt")
        _string(record["createdAt"], (*path, "createdAt"), fmt="datetime")

    def _facet(self, value: Any, path: Path) -> None:
        facet = _object(value, path)
        index = _object(_required(facet, "index", path), (*path, "index"))
        for key in ("byteStart", "byteEnd"):
            _integer(_required(index, key, (*path, "index")), (*path, "index", key), minimum=0)
        features = _array(_required(facet, "features", path), (*path, "features"))
        for i, feature in enumerate(features):
            where = (*path, "features", i)
            kind = _typed(feature, where)
            if kind == "app.bsky.richtext.facet#link":
                _string(_required(feature, "uri", where), (*where, "uri"), fmt="uri")
            elif kind == "app.bsky.richtext.facet#tag":
                _string(_required(feature, "tag", where), (*where, "tag"), max_bytes=640,
                        max_graphemes=64)
            elif kind == "app.bsky.richtext.facet#mention":
                _string(_required(feature, "did", where), (*where, "did"), fmt="did")

    def _embed(self, value: Any, path: Path) -> None:
        kind = _typed(value, path)
        if kind == "app.bsky.embed.external":
            external = _object(_required(value, "external", path), (*path, "external"))
            where = (*path, "external")
            _string(_required(external, "uri", where), (*where, "uri"), fmt="uri")
            _string(_required(external, "title", where), (*where, "title"))
            _string(_required(external, "description", where), (*where, "description"))
            if "thumb" in external:
                self._blob(external["thumb"], (*where, "thumb"), ("image/*",), 1_000_000)
        elif kind == "app.bsky.embed.images":
            images = _array(_required(value, "images", path), (*path, "images"), 4)
            for i, item in enumerate(images):
                where = (*path, "images", i)
                image = _object(item, where)
                self._blob(_required(image, "image", where), (*where, "image"), ("image/*",),
                           2_000_000)
                _string(_required(image, "alt", where), (*where, "alt"))
                if "aspectRatio" in image:
                    ratio = _object(image["aspectRatio"], (*where, "aspectRatio"))
                    for key in ("width", "height"):
                        _integer(_required(ratio, key, (*where, "aspectRatio")),
                                 (*where, "aspectRatio", key), minimum=1)

    def _blob(self, value: Any, path: Path, accept: tuple[str, ...], max_size: int) -> None:
        if not _is_blob_ref(value):
            raise _Invalid(path, "type", expected="blob", value=value)
        self.blobs.append(_BlobUse(value, accept, max_size))
        if self.legacy:
            return  # the old PDS checked these at commit time (BlobTooLarge/InvalidMimeType)
        if not _mime_accepted(value["mimeType"], accept):
            raise _Invalid((*path, "mimeType"), "value", values=list(accept),
                           value=value["mimeType"])
        if value["size"] > max_size:
            raise _Invalid(path, "too_big", measure="blob", limit=max_size,
                           actual=value["size"])


def _is_blob_ref(value: Any) -> bool:
    return (isinstance(value, dict) and value.get("$type") == "blob"
            and isinstance(value.get("ref"), dict) and isinstance(value["ref"].get("$link"), str)
            and isinstance(value.get("mimeType"), str) and isinstance(value.get("size"), int))


def _mime_accepted(mime: str, accept: tuple[str, ...]) -> bool:
    if not accept or "*/*" in accept or mime in accept:
        return True
    return any(a.endswith("/*") and mime.startswith(a[:-1]) for a in accept)


def _blob_refs(value: Any) -> Iterator[dict[str, Any]]:
    """Every blob ref anywhere in a record (the PDS's enumBlobRefs)."""
    if _is_blob_ref(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _blob_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _blob_refs(item)


def facet_problems(text: str, facets: list[Any]) -> list[str]:
    """Facets the PDS accepts but a client renders wrongly (or the appview drops): ranges past
    the end of the text, reversed or empty, or cutting a UTF-8 character in two. The real
    PDS does not check these; the fake records them on the post (``strict_facets`` refuses)."""
    raw = text.encode()
    problems = []
    for i, facet in enumerate(facets):
        index = facet.get("index", {}) if isinstance(facet, dict) else {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        if end > len(raw):
            problems.append(f"facets[{i}]: byteEnd {end} is past the end of the text "
                            f"({len(raw)} bytes)")
        elif start >= end:
            problems.append(f"facets[{i}]: empty or reversed range {start}..{end}")
        elif any(0 < pos < len(raw) and raw[pos] & 0xC0 == 0x80 for pos in (start, end)):
            problems.append(f"facets[{i}]: {start}..{end} splits a UTF-8 character")
    return problems


# ---- the server --------------------------------------------------------------------------
@dataclass
class _Route:
    method: str  # GET (query) | POST (procedure)
    handler: str  # name of the FakeBluesky method
    auth: str  # none | access | refresh
    limits: tuple[str, ...] = ()  # rate-limit buckets besides global-ip
    points: int = 1


@dataclass
class _Call:
    """One XRPC call in progress: what the handlers share."""

    request: Request
    nsid: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    scope: str | None = None
    refresh_jti: str | None = None


class FakeBluesky(FakeServer):
    """Fake PDS for one account. Point the SDK at it: ``Client(fake.url)``.

    Log in with ``handle`` (or ``did``/``email``) and ``app_password``. State to assert on:
    ``posts`` (live app.bsky.feed.post records, oldest first), ``records`` (every record by
    (collection, rkey), deleted ones flagged), ``blobs`` (cid -> BskyBlob), ``calls`` /
    ``log`` (every request), ``sessions_created``, ``refreshes``.

    Injection: ``inject(kind, times=1, endpoint="com.atproto.repo.createRecord", **params)``
    (endpoint: an NSID, or "*" for any) with kind one of ``rate_limit`` (limit=, window=,
    reset=epoch), ``server_error`` (status=500|502|503|504: JSON XRPC error), ``proxy_error``
    (status=502|503|504: an HTML page from the load balancer), ``hang`` (seconds=), ``drop``,
    ``drop_after_commit``, ``drip_after_commit`` (interval=, no_length=), ``hang_after_commit``
    (seconds=), ``expired_token``, ``invalid_token``, ``takedown``, ``error`` (status=,
    error=, message=). ``advance(seconds)`` moves the server clock (tokens expire),
    ``revoke_sessions()`` revokes every refresh token (as revoking the app password does).
    """

    ROUTES: ClassVar[dict[str, _Route]] = {
        "com.atproto.server.createSession": _Route(
            "POST", "_create_session", "none", ("createSession-5m", "createSession-day")),
        "com.atproto.server.refreshSession": _Route("POST", "_refresh_session", "refresh"),
        "com.atproto.server.getSession": _Route("GET", "_get_session", "access"),
        "com.atproto.server.describeServer": _Route("GET", "_describe_server", "none"),
        "com.atproto.repo.uploadBlob": _Route("POST", "_upload_blob", "access",
                                              ("uploadBlob-day",)),
        "com.atproto.repo.createRecord": _Route(
            "POST", "_create_record", "access", ("repo-write-hour", "repo-write-day"), 3),
        "com.atproto.repo.deleteRecord": _Route(
            "POST", "_delete_record", "access", ("repo-write-hour", "repo-write-day"), 1),
        "com.atproto.repo.getRecord": _Route("GET", "_get_record", "none"),
        "com.atproto.repo.listRecords": _Route("GET", "_list_records", "none"),
        "app.bsky.actor.getProfile": _Route("GET", "_get_profile", "access"),
        "app.bsky.feed.getAuthorFeed": _Route("GET", "_get_author_feed", "access"),
    }
    AFTER_COMMIT = ("drop_after_commit", "drip_after_commit", "hang_after_commit")

    def __init__(
        self,
        *,
        handle: str = "newsroom.bsky.social",
        did: str = "did:plc:4gq5xuyiwsu7xyrskzhx4kbn",
        app_password: str | None = "w7xq-3mbd-k2rf-v5np",
        account_password: str | None = None,
        email: str = "newsroom@example.com",
        display_name: str = "Newsroom",
        access_ttl: float = 7200.0,
        refresh_ttl: float = 90 * 86400.0,
        blob_limit: int = 5 * 1024 * 1024,
        pds_endpoint: str | None = None,
        service_did: str = "did:web:fake-pds.host.bsky.network",
        rate_limits: dict[str, tuple[int, float]] | None = None,
        legacy_validation: bool = False,
        strict_facets: bool = False,
        duplicate_reply: tuple[int, dict[str, str]] | None = None,
        login_delay: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host, port)
        self.handle = handle
        self.did = did
        self.app_password = app_password
        self.account_password = account_password
        self.email = email
        self.display_name = display_name
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.blob_limit = blob_limit
        self.pds_endpoint = pds_endpoint
        self.service_did = service_did
        self.rate_limits = {**RATE_LIMITS, **(rate_limits or {})}
        self.legacy_validation = legacy_validation
        self.strict_facets = strict_facets
        self.duplicate_reply = duplicate_reply
        self.login_delay = login_delay
        self.clock_offset = 0.0
        self.faults = FaultQueue()
        self.records: dict[tuple[str, str], BskyPost] = {}
        self.blobs: dict[str, BskyBlob] = {}
        self.calls: list[tuple[str, str]] = []
        self.log: list[Request] = []
        self.sessions_created = 0
        self.refreshes = 0
        self._secret = secrets.token_bytes(32)
        self._refresh_tokens: dict[str, _RefreshToken] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._last_tid_micros = 0

    def start(self) -> Self:
        super().start()
        return self

    def __enter__(self) -> Self:
        return self.start()

    # ---- assertions -------------------------------------------------------------------
    @property
    def posts(self) -> list[BskyPost]:
        """Posts that exist now, oldest first."""
        with self.lock:
            return [r for r in self.records.values() if r.collection == POST and not r.deleted]

    def post(self, rkey: str) -> BskyPost | None:
        with self.lock:
            found = self.records.get((POST, rkey))
            return found if found is not None and not found.deleted else None

    def count(self, nsid: str) -> int:
        """How many requests reached ``nsid`` ("com.atproto.repo.createRecord")."""
        with self.lock:
            return sum(1 for call in self.calls if call[0] == nsid)

    def now(self) -> float:
        """The server clock (epoch seconds): real time plus ``advance()``."""
        return time.time() + self.clock_offset

    # ---- scripting --------------------------------------------------------------------
    def inject(self, kind: str, *, times: int | None = 1,
               endpoint: str | None = "com.atproto.repo.createRecord", **params: Any) -> None:
        """Make the next ``times`` calls to ``endpoint`` ("*" for any) fail as ``kind``."""
        self.faults.add(kind, times=times, endpoint=endpoint, **params)

    def advance(self, seconds: float) -> None:
        """Move the server clock: access tokens (2 h) expire server-side while the client's
        clock still says they are fresh -> 400 ExpiredToken."""
        with self.lock:
            self.clock_offset += seconds

    def revoke_sessions(self) -> None:
        """Forget every refresh token (app password revoked): refresh -> 400 ExpiredToken."""
        with self.lock:
            self._refresh_tokens.clear()

    def add_post(self, text: str, *, rkey: str | None = None, created_at: str | None = None,
                 **fields: Any) -> BskyPost:
        """Seed the repo with a post made elsewhere (reconciliation tests)."""
        record = {"$type": POST, "text": text,
                  "createdAt": created_at or datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                  **fields}
        with self.lock:
            return self._commit(POST, rkey or self._next_tid(), record, "valid")

    # ---- HTTP -------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Action:
        if not request.path.startswith("/xrpc/"):
            return self._non_xrpc(request)
        nsid = request.path[len("/xrpc/"):].rstrip("/")
        with self.lock:
            self.calls.append((nsid, request.path))
            self.log.append(request)
        call = _Call(request, nsid)
        fault: Fault | None = None
        try:
            route = self.ROUTES.get(nsid)
            if route is None:
                return self._unknown_method(call)
            method = "GET" if request.method == "HEAD" else request.method
            if method != route.method:
                raise XrpcError(400, message=f"Incorrect HTTP method ({request.method}) "
                                f"expected {route.method}")
            self._authenticate(call, route.auth)
            fault = self.faults.take(nsid, request)
            if fault is not None and fault.kind not in self.AFTER_COMMIT:
                return self._fault(call, fault)
            body = getattr(self, route.handler)(call, route)
            reply = self._json(200, body, call.headers)
        except XrpcError as err:
            return self._json(err.status, err.body, [*call.headers, *err.headers])
        if fault is not None:
            if fault.kind == "drip_after_commit":
                reply.omit_length = bool(fault.params.get("no_length"))
                return Drip(reply, float(fault.params.get("interval", 1.0)))
            if fault.kind == "hang_after_commit":
                return Hang(float(fault.params.get("seconds", 5.0)))
            return Drop()
        return reply

    def _json(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Reply:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return Reply(status, payload, [("content-type", JSON),
                                       ("access-control-allow-origin", "*"), *headers])

    def _non_xrpc(self, request: Request) -> Reply:
        if request.path == "/":
            banner = (b"This is an AT Protocol Personal Data Server (aka, an atproto PDS)\n\n"
                      b"Most API routes are under /xrpc/\n")
            return Reply(200, banner, [("content-type", "text/plain; charset=utf-8")])
        if request.path == "/xrpc/_health":
            return self._json(200, {"version": PDS_VERSION}, [])
        page = (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>Error</title>\n</head>\n<body>\n<pre>Cannot {request.method} "
                f"{request.path}</pre>\n</body>\n</html>\n").encode()
        return Reply(404, page, [("content-type", "text/html; charset=utf-8")])

    def _unknown_method(self, call: _Call) -> Reply:
        """Unknown NSIDs are proxied to the appview after auth; it answers 501."""
        try:
            if call.nsid == "_health":
                return self._non_xrpc(call.request)
            self._limit(call, ("global-ip",), 1, "")
            self._authenticate(call, "access")
            raise XrpcError(501)
        except XrpcError as err:
            return self._json(err.status, err.body, [*call.headers, *err.headers])

    # ---- auth -------------------------------------------------------------------------
    def _authenticate(self, call: _Call, kind: str) -> None:
        """The PDS auth verifier (auth-verifier.ts): 401 AuthMissing without a header,
        400 InvalidToken/ExpiredToken for a token that does not verify."""
        if kind == "none":
            return
        call.headers += [("cache-control", "private"), ("vary", "Authorization")]
        header = call.request.header("Authorization")
        if not header:
            raise XrpcError(401, "AuthMissing")
        parts = header.split(" ")
        if len(parts) != 2:
            raise XrpcError(400, "InvalidToken", "Malformed authorization header")
        scheme = parts[0].upper()
        if scheme not in ("BASIC", "BEARER", "DPOP"):
            raise XrpcError(400, "InvalidToken", f"Unsupported authorization type: {parts[0]}")
        if scheme != "BEARER":
            if kind == "refresh":
                raise XrpcError(401, "AuthMissing")
            if scheme == "BASIC":
                raise XrpcError(400, "InvalidToken", "Unexpected authorization type")
            raise XrpcError(400, "InvalidToken", "Token could not be verified")
        typ = "refresh+jwt" if kind == "refresh" else "at+jwt"
        claims = self._verify_jwt(parts[1], typ)
        scope = claims.get("scope")
        if kind == "refresh":
            if scope != SCOPE_REFRESH:
                raise XrpcError(400, "InvalidToken", "Bad token scope")
            call.refresh_jti = claims.get("jti")
        elif scope not in ACCESS_SCOPES:
            raise XrpcError(400, "InvalidToken", "Bad token scope")
        call.scope = scope

    def _sign(self, header: dict[str, Any], payload: dict[str, Any]) -> str:
        head = _b64url(json.dumps(header, separators=(",", ":")).encode())
        body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
        mac = hmac.new(self._secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64url(mac)}"

    def _verify_jwt(self, token: str, typ: str) -> dict[str, Any]:
        invalid = XrpcError(400, "InvalidToken", "Token could not be verified")
        try:
            head, body, mac = token.split(".")
            header, claims = decode_jwt(token)
            expected = hmac.new(self._secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
            good = hmac.compare_digest(_b64url_decode(mac), expected)
        except (ValueError, TypeError):
            raise invalid from None
        if not good or header.get("alg") != "HS256" or header.get("typ") != typ:
            raise invalid
        if claims.get("sub") != self.did or claims.get("aud") != self.service_did:
            raise invalid
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= self.now():
            raise XrpcError(400, "ExpiredToken", "Token has expired")
        return claims

    def _issue_tokens(self, scope: str, jti: str | None = None) -> dict[str, str]:
        now = int(self.now())
        jti = jti or _b64url(secrets.token_bytes(24))
        access = self._sign({"typ": "at+jwt", "alg": "HS256"},
                            {"scope": scope, "aud": self.service_did, "sub": self.did,
                             "iat": now, "exp": now + int(self.access_ttl)})
        refresh = self._sign({"typ": "refresh+jwt", "alg": "HS256"},
                             {"scope": SCOPE_REFRESH, "aud": self.service_did, "sub": self.did,
                              "jti": jti, "iat": now, "exp": now + int(self.refresh_ttl)})
        with self.lock:
            self._refresh_tokens.setdefault(jti, _RefreshToken(jti, now + self.refresh_ttl, scope))
        return {"accessJwt": access, "refreshJwt": refresh}

    def _account(self) -> dict[str, Any]:
        endpoint = self.pds_endpoint or self.url
        return {
            "did": self.did,
            "didDoc": {
                "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
                             "https://w3id.org/security/suites/secp256k1-2019/v1"],
                "id": self.did,
                "alsoKnownAs": [f"at://{self.handle}"],
                "verificationMethod": [{
                    "id": f"{self.did}#atproto", "type": "Multikey", "controller": self.did,
                    "publicKeyMultibase": "zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF"}],
                "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                             "serviceEndpoint": endpoint}],
            },
            "handle": self.handle,
            "email": self.email,
            "emailConfirmed": True,
            "active": True,
        }

    # ---- rate limits ------------------------------------------------------------------
    def _limit(self, call: _Call, buckets: tuple[str, ...], points: int, key: str) -> None:
        """Consume every bucket; headers report the tightest; 429 when one is exhausted."""
        now = self.now()
        tightest: tuple[int, int, float, float] | None = None  # remaining, limit, reset, window
        exceeded = None
        with self.lock:
            for name in buckets:
                limit, window = self.rate_limits[name]
                bucket = self._buckets.setdefault((name, key if name != "global-ip" else ""),
                                                  _Bucket(limit, window))
                ok, remaining, reset = bucket.consume(1 if name == "global-ip" else points, now)
                status = (remaining, limit, reset, window)
                if not ok and exceeded is None:
                    exceeded = status
                if tightest is None or remaining < tightest[0]:
                    tightest = status
        chosen = exceeded or tightest
        if chosen is None:
            return
        remaining, limit, reset, window = chosen
        call.headers = [h for h in call.headers if not h[0].startswith("ratelimit-")]
        call.headers += _ratelimit_headers(limit, remaining, reset, window)
        if exceeded is not None:
            raise XrpcError(429, headers=[("retry-after", str(max(int(reset - now + 0.999), 0)))])

    # ---- failures ---------------------------------------------------------------------
    def _fault(self, call: _Call, fault: Fault) -> Action:
        p, kind = fault.params, fault.kind
        if kind == "rate_limit":
            route = self.ROUTES[call.nsid]
            name = (route.limits or ("global-ip",))[0]
            limit, window = self.rate_limits[name]
            limit, window = int(p.get("limit", limit)), float(p.get("window", window))
            reset = float(p.get("reset", self.now() + window))
            headers = [*call.headers, *_ratelimit_headers(limit, 0, reset, window),
                       ("retry-after", str(max(int(reset - self.now() + 0.999), 0)))]
            return self._json(429, XrpcError(429).body, headers)
        if kind == "server_error":
            err = XrpcError(int(p.get("status", 500)))
            return self._json(err.status, err.body, call.headers)
        if kind == "proxy_error":
            status = int(p.get("status", 502))
            title = PROXY_TITLES.get(status, f"{status} Error")
            page = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>"
                    f"{title}</h1></center>\r\n</body>\r\n</html>\r\n").encode()
            return Reply(status, page, [("content-type", "text/html")])
        if kind == "hang":
            return Hang(float(p.get("seconds", 5.0)))
        if kind == "drop":
            return Drop()
        errors = {"expired_token": (400, "ExpiredToken", "Token has expired"),
                  "invalid_token": (400, "InvalidToken", "Token could not be verified"),
                  "takedown": (401, "AccountTakedown", "Account has been taken down")}
        if kind in errors:
            err = XrpcError(*errors[kind])
        elif kind == "error":
            err = XrpcError(int(p.get("status", 400)), p.get("error"), p.get("message"))
        else:
            raise ValueError(f"unknown fault kind {kind!r}")
        return self._json(err.status, err.body, call.headers)

    # ---- input parsing ----------------------------------------------------------------
    def _input(self, call: _Call, limit: int = 100 * 1024) -> dict[str, Any]:
        """A procedure's JSON body, checked as xrpc-server does before the handler."""
        request = call.request
        if request.header("Content-Length") is None and request.header(
                "Transfer-Encoding") is None:
            raise XrpcError(400, message="A request body is expected but none was provided")
        encoding = _mime(request.header("Content-Type"))
        if encoding is None:
            raise XrpcError(400, message="Request encoding (Content-Type) required but not "
                            "provided")
        if encoding != "application/json":
            raise XrpcError(400, message=f"Wrong request encoding (Content-Type): {encoding}")
        if len(request.body) > limit:  # body-parser's http-errors error, name and all
            raise XrpcError(413, "PayloadTooLargeError", "request entity too large")
        try:
            body = json.loads(request.body)
        except ValueError as err:  # body-parser passes JSON.parse's SyntaxError (approx text)
            raise XrpcError(400, "SyntaxError", f"{err.msg} in JSON at position {err.pos}") \
                from None
        if not isinstance(body, dict):
            raise self._invalid_input(_Invalid((), "type", expected="object", value=body))
        return body

    def _invalid_input(self, issue: _Invalid) -> XrpcError:
        return XrpcError(400, message=issue.message(self.legacy_validation, root="Input"))

    def _params(self, call: _Call, required: tuple[str, ...]) -> dict[str, str]:
        params = {k: v[0] for k, v in call.request.query.items() if v}
        for key in required:
            if key not in params:
                raise XrpcError(400, message=_Invalid((), "required", key=key).message(
                    self.legacy_validation, root="Params"))
        return params

    def _int_param(self, params: dict[str, str], key: str, default: int, lo: int,
                   hi: int) -> int:
        value = params.get(key)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise XrpcError(400, message=_Invalid((key,), "type", expected="integer",
                                                  value=value).message(False)) from None
        if not lo <= number <= hi:
            kind = "too_big" if number > hi else "too_small"
            raise XrpcError(400, message=_Invalid((key,), kind, measure="integer",
                                                  limit=hi if number > hi else lo,
                                                  actual=number).message(False))
        return number

    # ---- endpoints: server --------------------------------------------------------------
    def _create_session(self, call: _Call, route: _Route) -> dict[str, Any]:
        body = self._input(call)
        try:
            identifier = _string(_required(body, "identifier", ()), ("identifier",))
            password = _string(_required(body, "password", ()), ("password",))
        except _Invalid as issue:
            raise self._invalid_input(issue) from None
        self._limit(call, ("global-ip", *route.limits), 1, identifier)
        if self.login_delay:
            time.sleep(self.login_delay)  # the PDS pads every login to 350 ms
        known = identifier.lower() in (self.handle.lower(), self.did, self.email.lower())
        scope = None
        if known and self.app_password is not None and password == self.app_password:
            scope = SCOPE_APP_PASS
        elif known and self.account_password is not None and password == self.account_password:
            scope = SCOPE_ACCESS
        if scope is None:
            raise XrpcError(401, message="Invalid identifier or password")
        tokens = self._issue_tokens(scope)
        with self.lock:
            self.sessions_created += 1
        return {**tokens, **self._account()}

    def _refresh_session(self, call: _Call, route: _Route) -> dict[str, Any]:
        self._limit(call, ("global-ip",), 1, "")
        now = self.now()
        with self.lock:
            token = self._refresh_tokens.get(call.refresh_jti or "")
            if token is None or token.expires <= now:
                raise XrpcError(400, "ExpiredToken", "Token has been revoked")
            token.expires = min(token.expires, now + REFRESH_GRACE)
            token.next_jti = token.next_jti or _b64url(secrets.token_bytes(24))
            self.refreshes += 1
            next_jti, scope = token.next_jti, token.scope
        return {**self._issue_tokens(scope, next_jti), **self._account()}

    def _get_session(self, call: _Call, route: _Route) -> dict[str, Any]:
        self._limit(call, ("global-ip",), 1, "")
        return self._account()

    def _describe_server(self, call: _Call, route: _Route) -> dict[str, Any]:
        self._limit(call, ("global-ip",), 1, "")
        return {"did": self.service_did, "availableUserDomains": [".bsky.social"],
                "inviteCodeRequired": False, "blobUploadLimit": self.blob_limit, "links": {},
                "contact": {}}

    # ---- endpoints: repo ----------------------------------------------------------------
    def _upload_blob(self, call: _Call, route: _Route) -> dict[str, Any]:
        request = call.request
        if request.header("Content-Length") is None:
            raise XrpcError(400, message="A request body is expected but none was provided")
        declared = _mime(request.header("Content-Type"))
        if declared is None:
            raise XrpcError(400, message="Request encoding (Content-Type) required but not "
                            "provided")
        if len(request.body) > self.blob_limit:
            raise XrpcError(413, message="request entity too large")
        self._limit(call, ("global-ip", *route.limits), 1, self.did)
        blob = BskyBlob(blob_cid(request.body), request.body,
                        _sniff_mime(request.body) or declared, len(request.body))
        with self.lock:
            self.blobs.setdefault(blob.cid, blob)
        return {"blob": blob.ref}

    def _create_record(self, call: _Call, route: _Route) -> dict[str, Any]:
        body = self._input(call, limit=1_000_000)
        try:
            repo = _string(_required(body, "repo", ()), ("repo",), fmt="at-identifier")
            collection = _string(_required(body, "collection", ()), ("collection",), fmt="nsid")
            rkey = body.get("rkey")
            if rkey is not None:
                _string(rkey, ("rkey",), max_bytes=512, fmt="record-key")
            validate = body.get("validate")
            if validate is not None and not isinstance(validate, bool):
                raise _Invalid(("validate",), "type", expected="boolean", value=validate)
            record = _object(_required(body, "record", ()), ("record",))
        except _Invalid as issue:
            raise self._invalid_input(issue) from None
        self._limit(call, ("global-ip", *route.limits), route.points, self.did)
        if repo not in (self.did, self.handle):
            raise XrpcError(403, "AccountNotFound", "Account not found")
        record = dict(record)
        record.setdefault("$type", collection)
        if record["$type"] != collection:
            raise XrpcError(400, message=f"Invalid $type: expected {collection}, "
                            f"got {record['$type']}")
        uses = self._validate(collection, record, rkey, validate)
        status = None if validate is False else (
            "valid" if collection in KNOWN_COLLECTIONS else "unknown")
        problems = facet_problems(str(record.get("text", "")), record.get("facets") or []) \
            if collection == POST and isinstance(record.get("facets"), list) else []
        if problems and self.strict_facets:
            raise XrpcError(400, message="fake strict_facets: " + "; ".join(problems))
        with self.lock:
            self._check_blobs(uses, record)
            key = rkey or self._next_tid()
            existing = self.records.get((collection, key))
            if existing is not None and not existing.deleted:
                # MST add() throws "There is already a value at key" -> a bare 500
                # (atproto issue #3718, PR #4728 proposes a named error).
                status_code, reply = self.duplicate_reply or (500, XrpcError(500).body)
                raise XrpcError(status_code, reply.get("error"), reply.get("message"))
            stored = self._commit(collection, key, record, status)
            stored.facet_problems = problems
        answer: dict[str, Any] = {"uri": stored.uri, "cid": stored.cid,
                                  "commit": {"cid": _commit_cid(stored), "rev": stored.rev}}
        if status is not None:
            answer["validationStatus"] = status
        return answer

    def _validate(self, collection: str, record: dict[str, Any], rkey: str | None,
                  validate: bool | None) -> list[_BlobUse]:
        """prepareCreate's validation: rkey against the lexicon's key type, then the record.
        Returns the blob refs found, with their constraints."""
        legacy = self.legacy_validation
        if validate is False:
            return [_BlobUse(ref) for ref in _blob_refs(record)]
        if collection != POST:
            if validate is True and collection not in KNOWN_COLLECTIONS:
                raise XrpcError(400, message=f"Unknown lexicon type: {collection}")
            return [_BlobUse(ref) for ref in _blob_refs(record)]
        if rkey is not None and not legacy and not is_tid(rkey):
            issue = _Invalid((), "format", format="tid", value=rkey)
            raise XrpcError(400, message=f"Invalid record key for {POST}: "
                            f"{issue.message(False)}")
        validator = _PostValidator(legacy)
        try:
            validator.validate(record)
        except _Invalid as issue:
            raise XrpcError(400, message=f"Invalid {POST} record: "
                            f"{issue.message(legacy)}") from None
        seen = {id(use.ref) for use in validator.blobs}
        return validator.blobs + [_BlobUse(r) for r in _blob_refs(record) if id(r) not in seen]

    def _check_blobs(self, uses: list[_BlobUse], record: dict[str, Any]) -> None:
        """processWriteBlobs: each referenced blob must have been uploaded by this account
        and match it (verifyBlob); the legacy PDS also applied size/type limits here."""
        for use in uses:
            cid = use.ref["ref"]["$link"]
            found = self.blobs.get(cid)
            if found is None:
                raise XrpcError(400, "BlobNotFound", f"Could not find blob: {cid}")
            if self.legacy_validation and use.max_size is not None and (
                    found.size > use.max_size):
                raise XrpcError(400, "BlobTooLarge", f"This file is too large. It is "
                                f"{_bytes_format(found.size)} but the maximum size is "
                                f"{_bytes_format(use.max_size)}.")
            if self.legacy_validation and use.accept and not _mime_accepted(
                    use.ref["mimeType"], use.accept):
                raise XrpcError(400, "InvalidMimeType", f"Wrong type of file. It is "
                                f"{use.ref['mimeType']} but it must match "
                                f"{','.join(use.accept)}.")
            if use.ref["mimeType"] != found.mime_type:
                raise XrpcError(400, "InvalidMimeType", "Referenced Mimetype does not match "
                                f"stored blob. Expected: {found.mime_type}, "
                                f"Got: {use.ref['mimeType']}")
            if use.ref["size"] != found.size:
                raise XrpcError(400, "InvalidSize", "Referenced Size does not match stored "
                                f"blob. Expected: {found.size}, Got: {use.ref['size']}")

    def _next_tid(self) -> str:
        micros = max(int(self.now() * 1_000_000), self._last_tid_micros + 1)
        self._last_tid_micros = micros
        return make_tid(micros / 1_000_000)

    def _commit(self, collection: str, rkey: str, record: dict[str, Any],
                status: str | None) -> BskyPost:
        stored = BskyPost(rkey, f"at://{self.did}/{collection}/{rkey}", record_cid(record),
                          collection, record, datetime.now(UTC), status, self._next_tid())
        self.records.pop((collection, rkey), None)  # a re-created key sorts as the newest
        self.records[(collection, rkey)] = stored
        return stored

    def _delete_record(self, call: _Call, route: _Route) -> dict[str, Any]:
        body = self._input(call)
        try:
            repo = _string(_required(body, "repo", ()), ("repo",), fmt="at-identifier")
            collection = _string(_required(body, "collection", ()), ("collection",), fmt="nsid")
            rkey = _string(_required(body, "rkey", ()), ("rkey",), fmt="record-key")
        except _Invalid as issue:
            raise self._invalid_input(issue) from None
        self._limit(call, ("global-ip", *route.limits), route.points, self.did)
        if repo not in (self.did, self.handle):
            raise XrpcError(403, "AccountNotFound", "Account not found")
        with self.lock:
            found = self.records.get((collection, rkey))
            if found is None or found.deleted:
                return {}  # a no-op, not an error
            found.deleted = True
            rev = self._next_tid()
        return {"commit": {"cid": _cid(0x71, f"{self.did}:{rev}".encode()), "rev": rev}}

    def _get_record(self, call: _Call, route: _Route) -> dict[str, Any]:
        params = self._params(call, ("repo", "collection", "rkey"))
        self._limit(call, ("global-ip",), 1, "")
        repo, collection, rkey = params["repo"], params["collection"], params["rkey"]
        did = self.did if repo in (self.did, self.handle) else repo
        with self.lock:
            found = self.records.get((collection, rkey))
        if did != self.did or found is None or found.deleted or (
                "cid" in params and params["cid"] != found.cid):
            raise XrpcError(400, "RecordNotFound",
                            f"Could not locate record: at://{did}/{collection}/{rkey}")
        return found.as_api()

    def _list_records(self, call: _Call, route: _Route) -> dict[str, Any]:
        params = self._params(call, ("repo", "collection"))
        limit = self._int_param(params, "limit", 50, 1, 100)
        self._limit(call, ("global-ip",), 1, "")
        if params["repo"] not in (self.did, self.handle):
            raise XrpcError(400, message=f"Could not find repo: {params['repo']}")
        reverse = params.get("reverse") == "true"
        cursor = params.get("cursor")
        with self.lock:
            found = [r for (c, _), r in self.records.items()
                     if c == params["collection"] and not r.deleted]
        found.sort(key=lambda r: r.rkey, reverse=not reverse)
        if cursor is not None:
            found = [r for r in found if (r.rkey > cursor if reverse else r.rkey < cursor)]
        page = found[:limit]
        answer: dict[str, Any] = {"records": [r.as_api() for r in page]}
        if page:
            answer["cursor"] = page[-1].rkey
        return answer

    # ---- endpoints: appview reads (proxied by the PDS) ---------------------------------
    def _profile_basic(self) -> dict[str, Any]:
        return {"did": self.did, "handle": self.handle, "displayName": self.display_name,
                "labels": [], "createdAt": "2024-01-01T00:00:00.000Z"}

    def _get_profile(self, call: _Call, route: _Route) -> dict[str, Any]:
        params = self._params(call, ("actor",))
        self._limit(call, ("global-ip",), 1, "")
        if params["actor"] not in (self.did, self.handle):
            raise XrpcError(400, message="Profile not found")
        with self.lock:
            count = len([r for r in self.records.values()
                         if r.collection == POST and not r.deleted])
        return {**self._profile_basic(), "description": "", "followersCount": 0,
                "followsCount": 0, "postsCount": count, "indexedAt": "2024-01-01T00:00:00.000Z"}

    def _get_author_feed(self, call: _Call, route: _Route) -> dict[str, Any]:
        params = self._params(call, ("actor",))
        limit = self._int_param(params, "limit", 50, 1, 100)
        self._limit(call, ("global-ip",), 1, "")
        if params["actor"] not in (self.did, self.handle):
            raise XrpcError(400, "InvalidRequest", "Profile not found")
        posts = list(reversed(self.posts))
        start = int(params.get("cursor") or 0)
        page = posts[start:start + limit]
        feed = [{"post": {"uri": p.uri, "cid": p.cid, "author": self._profile_basic(),
                          "record": p.record, "replyCount": 0, "repostCount": 0,
                          "likeCount": 0, "quoteCount": 0, "labels": [],
                          "indexedAt": p.indexed_at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"}}
                for p in page]
        answer: dict[str, Any] = {"feed": feed}
        if start + limit < len(posts):
            answer["cursor"] = str(start + limit)
        return answer


def _ratelimit_headers(limit: int, remaining: int, reset: float,
                       window: float) -> list[tuple[str, str]]:
    return [("ratelimit-limit", str(limit)), ("ratelimit-reset", str(int(reset))),
            ("ratelimit-remaining", str(remaining)),
            ("ratelimit-policy", f"{limit};w={int(window)}"),
            ("access-control-expose-headers",
             "RateLimit-Limit, RateLimit-Reset, RateLimit-Remaining, RateLimit-Policy")]


def _mime(content_type: str | None) -> str | None:
    if not content_type:
        return None
    short = content_type.split(";", 1)[0].strip().lower()
    return short or None


def _commit_cid(post: BskyPost) -> str:
    return _cid(0x71, f"{post.uri}:{post.cid}:{post.rev}".encode())
