"""A fake Mastodon 4.3 REST API for one account, as docs/mastodon-api.md describes it.

It checks the Bearer token and its scopes the way Doorkeeper does, counts status length
the way ``StatusLengthValidator`` does, honours ``Idempotency-Key`` the way
``PostStatusService`` does (same account + key within the TTL -> the same status, 200),
renders ``content`` roughly as ``TextFormatter`` does, paginates with a ``Link`` header,
sends Rack::Attack's ``X-RateLimit-*`` headers, and can be scripted to fail in the ways a
publisher must survive (429, 5xx HTML from nginx, hangs, resets before and after commit,
a response that drips forever). Everything created is in ``statuses`` / ``media``.
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
import time
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any
from urllib.parse import parse_qs, urlencode

from ._forms import Part, form_fields
from ._server import Action, Drip, Drop, FakeServer, Fault, FaultQueue, Hang, Reply, Request

_regex: Any
try:  # extended grapheme clusters, as Ruby's String#each_grapheme_cluster
    _regex = importlib.import_module("regex")
except ImportError:  # pragma: no cover - regex ships with the test environment
    _regex = None

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"

# Doorkeeper (config/locales/doorkeeper.en.yml) and Api::BaseController.
INVALID_TOKEN = "The access token is invalid"
TOKEN_MESSAGES = {"valid": INVALID_TOKEN, "revoked": "The access token was revoked",
                  "expired": "The access token expired"}
OUTSIDE_SCOPES = "This action is outside the authorized scopes"
RECORD_NOT_FOUND = "Record not found"
TOO_MANY_REQUESTS = "Too many requests"  # I18n errors.429
RACE_CONDITION = "There was a temporary problem serving your request, please try again"
TEXT_BLANK = "Validation failed: Text can't be blank"
MEDIA_NOT_READY = "Cannot attach files that have not finished processing. Try again in a moment!"
MEDIA_IMAGES_AND_VIDEO = "Cannot attach a video to a post that already contains images"
FILE_INVALID = "Validation failed: File content type is invalid, File is invalid"
FILE_BLANK = "Validation failed: File can't be blank"
VISIBILITY_INVALID = "Validation failed: Visibility is not included in the list"


def too_long_message(limit: int) -> str:
    """``statuses.over_character_limit`` wrapped by ActiveRecord::RecordInvalid."""
    return f"Validation failed: Text character limit of {limit} exceeded"


def media_not_found_message(ids: list[str]) -> str:
    """``media_attachments.validations.not_found``; ids pass through Ruby's ``to_i``."""
    return f"Media {', '.join(str(_ruby_to_i(i)) for i in ids)} not found or already " \
        "attached to another post"


NGINX_PAGES = {
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}
RAILS_500_HTML = (
    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>We're sorry, but "
    "something went wrong (500)</title>\n</head>\n<body>\n<div class=\"dialog\">\n<h1>We're "
    "sorry, but something went wrong.</h1>\n</div>\n</body>\n</html>\n"
)
RAILS_404_HTML = (
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>The page "
    "you are looking for isn't here. - Mastodon</title>\n</head>\n<body class=\"error\">\n"
    "<div class=\"dialog\">\n<div class=\"dialog__message\">\n<h1>The page you are looking for "
    "isn't here.</h1>\n</div>\n</div>\n</body>\n</html>\n"
)

IMAGE_MIME_TYPES = ("image/jpeg", "image/png", "image/gif", "image/heic", "image/heif",
                    "image/webp", "image/avif")
VIDEO_MIME_TYPES = ("video/webm", "video/mp4", "video/quicktime", "video/ogg")
AUDIO_MIME_TYPES = ("audio/wave", "audio/wav", "audio/x-wav", "audio/x-pn-wave",
                    "audio/vnd.wave", "audio/ogg", "audio/vorbis", "audio/mpeg", "audio/mp3",
                    "audio/webm", "audio/flac", "audio/aac", "audio/m4a", "audio/x-m4a",
                    "audio/mp4", "audio/3gpp", "video/x-ms-asf")
IMAGE_LIMIT = 16 * 1024 * 1024  # MediaAttachment::IMAGE_LIMIT (4.3)
VIDEO_LIMIT = 99 * 1024 * 1024
DESCRIPTION_LIMIT = 1500
_PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif",
                "WEBP": "image/webp", "HEIF": "image/heif", "AVIF": "image/avif"}

# LanguagesHelper::SUPPORTED_LOCALES (ISO 639-1, the zh regional ones, ISO 639-3 extras).
_LOCALES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu "
    "cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gu gv ha he hi ho "
    "hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku "
    "kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn "
    "no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sn "
    "so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo "
    "wa wo xh yi yo za zh zu zh-CN zh-HK zh-TW zh-YUE ast chr ckb cnr jbo kab ldn lfn sco "
    "sma smj szl tok xal zba zgh"
)
SUPPORTED_LOCALES = frozenset(_LOCALES.split())

# Protocol URLs only (Extractor with extract_url_without_protocol: false); a dot in the host.
_URL = re.compile(
    r"(?<![\w@/.=-])(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://"
    r"(?:[\w-]+\.)+[\w-]{2,}(?::\d{1,5})?(?:[/?#][^\s<>\"]*)?",
    re.IGNORECASE,
)
# Account::MENTION_RE
_MENTION = re.compile(r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\w]+(?:[.-]+[\w]+)*)?",
                      re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![=/)\w])#(\w*[^\W\d_]\w*)")
_URL_PREFIX = re.compile(r"\A(?:https?://(?:www\.)?|xmpp:)")
_TRAILING = ".,:;!?'\""
_FALSE = {"", "0", "f", "false", "off", "no", "n"}


def escape(text: str) -> str:
    """ERB::Util#h: &, <, >, " and ' (as &#39;, where Python's html.escape says &#x27;)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def _ruby_to_i(value: str) -> int:
    match = re.match(r"\s*[-+]?\d+", value)
    return int(match.group(0)) if match else 0


def _truthy(value: Any) -> bool:
    """ActiveModel::Type::Boolean: "0", "false", "off"... are false, anything else true."""
    if isinstance(value, bool):
        return value
    return value is not None and str(value).strip().lower() not in _FALSE


def graphemes(text: str) -> int:
    """Extended grapheme clusters (a family emoji is 1), as ``each_grapheme_cluster.size``."""
    if _regex is not None:
        return len(_regex.findall(r"\X", text))
    count, joined = 0, False  # pragma: no cover - rough fallback without `regex`
    for char in text:  # pragma: no cover
        if joined or unicodedata.combining(char) or char in "\u200d\ufe0f\ufe0e" or \
                0x1F3FB <= ord(char) <= 0x1F3FF:
            joined = char == "\u200d"
            continue
        count += 1
    return count  # pragma: no cover


def _entities(text: str) -> list[tuple[int, int, str, str]]:
    """URLs, mentions and hashtags as (start, end, kind, value), overlaps removed."""
    found: list[tuple[int, int, str, str]] = []
    for match in _URL.finditer(text):
        url = match.group(0)
        while url and (url[-1] in _TRAILING or (url[-1] == ")" and
                                                 url.count("(") < url.count(")"))):
            url = url[:-1]
        found.append((match.start(), match.start() + len(url), "url", url))
    for match in _MENTION.finditer(text):
        found.append((match.start(), match.end(), "mention", match.group(0)))
    for match in _HASHTAG.finditer(text):
        found.append((match.start(), match.end(), "hashtag", match.group(1)))
    found.sort(key=lambda e: (e[0], -e[1]))
    kept: list[tuple[int, int, str, str]] = []
    for entity in found:
        if not kept or entity[0] >= kept[-1][1]:
            kept.append(entity)
    return kept


def countable_text(text: str) -> str:
    """``StatusLengthValidator#countable_text``: URLs -> 23 x's, @user@domain -> @user."""
    if not text.strip():
        return ""
    out, last = [], 0
    for start, end, kind, value in _entities(text):
        if kind == "hashtag":
            continue
        out.append(text[last:start])
        out.append("x" * 23 if kind == "url" else "@" + value[1:].split("@")[0])
        last = end
    out.append(text[last:])
    return "".join(out)


def status_length(text: str, spoiler_text: str = "") -> int:
    """What Mastodon compares with ``max_characters``: CW + countable text, in graphemes."""
    return graphemes(spoiler_text + countable_text(text))


def render_content(text: str, base_url: str) -> str:
    """An approximation of ``TextFormatter#to_s`` (4.3): links, hashtags, <p>, <br />."""
    if not text.strip():
        return ""
    pieces, last = [], 0
    for start, end, kind, value in _entities(text):
        pieces.append(escape(text[last:start]))
        if kind == "url":
            prefix = _URL_PREFIX.match(value)
            head = prefix.group(0) if prefix else ""
            rest = value[len(head):]
            css = "ellipsis" if len(rest) > 30 else ""
            pieces.append(
                f'<a href="{escape(value)}" target="_blank" rel="nofollow noopener noreferrer"'
                f' translate="no"><span class="invisible">{escape(head)}</span>'
                f'<span class="{css}">{escape(rest[:30])}</span>'
                f'<span class="invisible">{escape(rest[30:])}</span></a>')
        elif kind == "hashtag":
            pieces.append(f'<a href="{base_url}/tags/{escape(value)}" class="mention hashtag" '
                          f'rel="tag">#<span>{escape(value)}</span></a>')
        else:  # unresolvable mentions stay text
            pieces.append(escape(value))
        last = end
    pieces.append(escape(text[last:]))
    html = "".join(pieces).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p for p in re.split(r"\n\n+", html) if p]
    return "".join("<p>" + re.sub(r"([^\n])\n(?=[^\n])", r"\1<br />", p).replace("\n", "")
                   + "</p>" for p in paragraphs)


def valid_locale(value: str | None) -> str | None:
    """``LanguagesHelper#valid_locale_or_nil``: "en-US" -> "en", "xx" -> None."""
    if value is None or not value.strip():
        return None
    if value in SUPPORTED_LOCALES:
        return value
    code = re.split(r"[_-]", value, maxsplit=1)[0]
    return code if code in SUPPORTED_LOCALES else None


def rails_json(body: Any) -> bytes:
    """Rails' JSON: UTF-8, with <, >, & escaped as \\u003c... (escape_html_entities_in_json)."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    for char, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, esc)
    return text.encode()


def iso_ms(moment: datetime) -> str:
    """Mastodon's datetime format: ``2024-01-01T12:00:00.000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Media:
    """An uploaded attachment as the fake stores it."""

    id: str
    mime_type: str
    size: int  # bytes received
    filename: str | None
    description: str | None
    focus: tuple[float, float] | None
    type: str  # image | gifv | video | audio
    width: int | None = None
    height: int | None = None
    polls_left: int = 0  # GET /api/v1/media/:id polls until processed
    status_id: str | None = None  # set once attached
    endpoint: str = "POST /api/v2/media"

    @property
    def processed(self) -> bool:
        return self.polls_left <= 0

    def as_api(self, base_url: str) -> dict[str, Any]:
        ext = self.mime_type.split("/")[-1].replace("jpeg", "jpg")
        path = f"{base_url}/system/media_attachments/files/{self.id}"
        meta: dict[str, Any] = {}
        if self.width and self.height:
            aspect = self.width / self.height
            small_w = min(self.width, 640)
            small_h = max(1, round(small_w / aspect))
            meta = {"original": {"width": self.width, "height": self.height,
                                 "size": f"{self.width}x{self.height}", "aspect": aspect},
                    "small": {"width": small_w, "height": small_h,
                              "size": f"{small_w}x{small_h}", "aspect": small_w / small_h}}
        if self.focus is not None:
            meta["focus"] = {"x": self.focus[0], "y": self.focus[1]}
        return {
            "id": self.id, "type": self.type,
            "url": f"{path}/original/{self.id[-8:]}.{ext}" if self.processed else None,
            "preview_url": f"{path}/small/{self.id[-8:]}.jpg",
            "remote_url": None, "preview_remote_url": None, "text_url": None,
            "meta": meta, "description": self.description,
            "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}",
        }


@dataclass
class Status:
    """A status as the fake stores it; ``text`` is what the client sent, verbatim."""

    id: str
    text: str
    content: str  # HTML as served
    created_at: datetime
    visibility: str = "public"
    language: str | None = "en"  # what Mastodon stored (after valid_locale_cascade)
    requested_language: str | None = None  # what the client asked for
    spoiler_text: str = ""
    sensitive: bool = False
    media_ids: list[str] = field(default_factory=list)
    in_reply_to_id: str | None = None
    idempotency_key: str | None = None
    application: str | None = None
    deleted: bool = False


@dataclass
class _Call:
    """What a handler gets: the request, the ``:id`` from the path, who is asking."""

    request: Request
    args: list[str]
    viewer: str | None  # the token when it authenticates the account, else None (anonymous)
    delay: float = 0.0  # slow_commit: seconds to "process" before committing


@dataclass
class _Route:
    handler: Callable[[_Call], Reply]
    auth: str  # "public" | "optional" | "required"
    scopes: tuple[str, ...] = ()


class FakeMastodon(FakeServer):
    """Fake Mastodon 4.3 for one account. Start it; ``Mastodon(api_base_url=fake.url, ...)``.

    Injection: ``inject(kind, times=1, endpoint="POST /api/v1/statuses", **params)`` with
    kind one of ``rate_limit`` (reset_in=seconds, limit=), ``server_error``
    (status=500|502|503|504; 5xx bodies are HTML as nginx/Rails send them, json=True for
    Mastodon's own 503 JSON), ``hang`` (seconds=), ``drop``, ``drop_after_commit``,
    ``hang_after_commit`` (seconds=), ``drip_after_commit`` (interval=, no_length=),
    ``slow_commit`` (seconds=: holds the idempotency lock while "processing", then
    commits and answers), ``unauthorized`` (message=), ``forbidden`` (403 scopes),
    ``not_found``, ``validation`` (message=: 422), ``race_condition`` (503 JSON).
    Endpoints are "METHOD /path" with ids as ``:id``, e.g. "GET /api/v1/media/:id";
    "*" matches any.
    """

    def __init__(
        self,
        *,
        access_token: str = "mastodon-token",
        scopes: tuple[str, ...] = ("read", "write", "follow", "push"),
        token_status: str = "valid",
        account_id: str = "109876543210987654",
        username: str = "syndicator",
        display_name: str = "Syndicator Bot",
        max_characters: int = 500,
        max_media_attachments: int = 4,
        version: str = "4.3.0",
        media_processing_polls: int = 0,
        strict_media: bool = True,
        idempotency_ttl: float = 3600.0,
        idempotency_lock: bool = True,
        default_language: str | None = None,
        rate_limit: int = 300,
        rate_limit_period: int = 300,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host, port)
        self.access_token = access_token
        self.scopes = tuple(scopes)
        self.token_status = token_status  # "valid" | "revoked" | "expired"
        self.account_id = account_id
        self.username = username
        self.display_name = display_name
        self.max_characters = max_characters
        self.max_media_attachments = max_media_attachments
        self.version = version
        self.media_processing_polls = media_processing_polls
        self.strict_media = strict_media
        self.idempotency_ttl = idempotency_ttl
        self.idempotency_lock = idempotency_lock
        self.default_language = default_language
        self.rate_limit = rate_limit
        self.rate_limit_period = rate_limit_period
        self.media_rate_limit = (30, 1800)  # throttle_api_media: 30 per 30 minutes
        self.clock = clock
        self.faults = FaultQueue()
        self.statuses: list[Status] = []
        self.media: dict[str, Media] = {}
        self.requests: list[Request] = []
        self.calls: list[tuple[str, str]] = []
        self.auth_failures = 0
        self._idempotency: dict[str, tuple[str, float]] = {}  # key -> (status id, stored at)
        self._in_progress: set[str] = set()
        self._throttle: dict[tuple[str, int], int] = {}
        self._seq = itertools.count(int.from_bytes(uuid.uuid4().bytes[:2], "big"))
        self._routes: dict[str, _Route] = {
            "GET /api/v1/instance": _Route(self._instance_v1, "public"),
            "GET /api/v2/instance": _Route(self._instance_v2, "public"),
            "GET /api/v1/accounts/verify_credentials": _Route(
                self._verify_credentials, "required", ("read", "read:accounts", "profile")),
            "GET /api/v1/accounts/:id/statuses": _Route(
                self._account_statuses, "optional", ("read", "read:statuses")),
            "POST /api/v1/statuses": _Route(
                self._create_status, "required", ("write", "write:statuses")),
            "GET /api/v1/statuses/:id": _Route(
                self._show_status, "optional", ("read", "read:statuses")),
            "DELETE /api/v1/statuses/:id": _Route(
                self._delete_status, "required", ("write", "write:statuses")),
            "POST /api/v2/media": _Route(self._upload_v2, "required", ("write", "write:media")),
            "POST /api/v1/media": _Route(self._upload_v1, "required", ("write", "write:media")),
            "GET /api/v1/media/:id": _Route(self._show_media, "required",
                                            ("write", "write:media")),
            "PUT /api/v1/media/:id": _Route(self._update_media, "required",
                                            ("write", "write:media")),
        }

    def start(self) -> FakeMastodon:
        """Bind and serve; typed so ``FakeMastodon().start()`` is a FakeMastodon."""
        super().start()
        return self

    def __enter__(self) -> FakeMastodon:
        return self.start()

    # ---- assertions -------------------------------------------------------------
    @property
    def posts(self) -> list[Status]:
        """Statuses that exist now (not deleted), oldest first."""
        with self.lock:
            return [s for s in self.statuses if not s.deleted]

    def count(self, endpoint: str) -> int:
        """How many requests reached ``endpoint`` ("POST /api/v1/statuses")."""
        with self.lock:
            return sum(1 for call in self.calls if call[0] == endpoint)

    def status(self, status_id: str) -> Status | None:
        with self.lock:
            return next((s for s in self.statuses if s.id == status_id), None)

    # ---- scripting ----------------------------------------------------------------
    def inject(self, kind: str, *, times: int | None = 1,
               endpoint: str | None = "POST /api/v1/statuses", **params: Any) -> None:
        """Make the next ``times`` calls to ``endpoint`` ("*" for any) fail as ``kind``."""
        self.faults.add(kind, times=times, endpoint=endpoint, **params)

    def add_status(self, text: str, *, created_at: datetime | None = None,
                   visibility: str = "public", media_ids: list[str] | None = None,
                   in_reply_to_id: str | None = None) -> Status:
        """Seed the account with a status made elsewhere (reconciliation tests)."""
        with self.lock:
            return self._store(text, created_at or datetime.now(UTC), visibility=visibility,
                               media_ids=list(media_ids or []), in_reply_to_id=in_reply_to_id)

    def expire_idempotency_keys(self) -> None:
        """Forget every stored Idempotency-Key, as Redis does after the TTL."""
        with self.lock:
            self._idempotency.clear()

    # ---- HTTP ---------------------------------------------------------------------
    def dispatch(self, request: Request) -> Action:
        endpoint, args = self._endpoint(request)
        with self.lock:
            self.requests.append(request)
            self.calls.append((endpoint, request.path))
        token = self._bearer(request)
        throttled = self._count_request(request, endpoint, token)  # Rack::Attack comes first
        if throttled is not None:
            return throttled
        route = self._routes.get(endpoint)
        if route is None:
            return self._not_found_page(request)
        headers = self._rate_headers(endpoint, token)
        denied = self._authorize(route, token, headers)
        if denied is not None:
            return denied  # a request the server refuses does not use up a scripted fault
        fault = self.faults.take(endpoint, request)
        if fault is not None and fault.kind == "rate_limit":
            return self._rate_limited(int(fault.params.get("limit", self.rate_limit)),
                                      fault.params.get("reset_in"))
        committing = ("drop_after_commit", "hang_after_commit", "drip_after_commit",
                      "slow_commit")
        if fault is not None and fault.kind not in committing:
            return self._fault(fault, headers)
        viewer = token if token == self.access_token and self.token_status == "valid" else None
        delay = float(fault.params.get("seconds", 1.0)) \
            if fault is not None and fault.kind == "slow_commit" else 0.0
        reply = route.handler(_Call(request, args, viewer, delay))
        reply.headers = [*reply.headers, *headers]
        if fault is None or not fault.kind.endswith("_after_commit") or \
                not 200 <= reply.status < 300:
            return reply
        if fault.kind == "drip_after_commit":
            reply.omit_length = bool(fault.params.get("no_length"))
            return Drip(reply, float(fault.params.get("interval", 1.0)))
        if fault.kind == "hang_after_commit":
            return Hang(float(fault.params.get("seconds", 5.0)))
        return Drop()

    @staticmethod
    def _endpoint(request: Request) -> tuple[str, list[str]]:
        """"METHOD /path" with numeric/opaque ids replaced by ``:id`` (Rails ignores a
        trailing slash, and Mastodon.py asks for ``/api/v1/instance/``)."""
        path = request.path.rstrip("/") or "/"
        args: list[str] = []
        for pattern, name in ((r"/api/v1/accounts/([^/]+)/statuses", "/api/v1/accounts/:id/"
                               "statuses"),
                              (r"/api/v1/statuses/([^/]+)", "/api/v1/statuses/:id"),
                              (r"/api/v1/media/([^/]+)", "/api/v1/media/:id")):
            match = re.fullmatch(pattern, path)
            if match:
                args = [match.group(1)]
                path = name
                break
        return f"{request.method} {path}", args

    @staticmethod
    def _bearer(request: Request) -> str | None:
        auth = request.header("Authorization") or ""
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        token = request.arg("access_token")  # Doorkeeper also reads it from the params
        return token or None

    def _authorize(self, route: _Route, token: str | None,
                   headers: list[tuple[str, str]]) -> Reply | None:
        """Doorkeeper: unknown tokens are anonymous on public reads, 401 where required."""
        if route.auth == "public":
            return None
        known = token is not None and token == self.access_token
        if route.auth == "optional" and not known:
            return None
        if not known or self.token_status != "valid":
            with self.lock:
                self.auth_failures += 1
            message = TOKEN_MESSAGES.get(self.token_status, INVALID_TOKEN) if known \
                else INVALID_TOKEN
            return self._json(401, {"error": message}, [*headers, (
                "WWW-Authenticate", f'Bearer realm="Doorkeeper", error="invalid_token", '
                f'error_description="{message}"')])
        if route.scopes and not set(route.scopes) & set(self.scopes):
            return self._json(403, {"error": OUTSIDE_SCOPES}, [*headers, (
                "WWW-Authenticate", 'Bearer realm="Doorkeeper", error="insufficient_scope", '
                f'error_description="{OUTSIDE_SCOPES}", scope="{route.scopes[-1]}"')])
        return None

    # ---- rate limits (config/initializers/rack_attack.rb) ---------------------------
    def _buckets(self, endpoint: str) -> list[tuple[str, int, int]]:
        buckets = [("api", self.rate_limit, self.rate_limit_period)]
        if endpoint in ("POST /api/v2/media", "POST /api/v1/media"):
            buckets.append(("media", *self.media_rate_limit))
        return buckets

    def _count_request(self, request: Request, endpoint: str, token: str | None) -> Reply | None:
        """Rack::Attack runs before the app: count, and answer 429 once over a limit."""
        if not request.path.startswith("/api"):
            return None
        now = self.clock()
        with self.lock:
            for name, limit, period in self._buckets(endpoint):
                key = (f"{name}:{token}", int(now // period))
                self._throttle[key] = self._throttle.get(key, 0) + 1
                if self._throttle[key] > limit:
                    return self._rate_limited(limit, None, period)
        return None

    def _rate_headers(self, endpoint: str, token: str | None) -> list[tuple[str, str]]:
        """Api::RateLimitHeaders: the bucket closest to its limit; Reset is ISO 8601 (6)."""
        now = self.clock()
        best: tuple[int, int, int] | None = None
        with self.lock:
            for name, limit, period in self._buckets(endpoint):
                used = self._throttle.get((f"{name}:{token}", int(now // period)), 0)
                if best is None or limit - used < best[0] - best[1]:
                    best = (limit, used, period)
        assert best is not None
        limit, used, period = best
        return [("X-RateLimit-Limit", str(limit)),
                ("X-RateLimit-Remaining", str(max(limit - used, 0))),
                ("X-RateLimit-Reset", self._reset_at(now, period))]

    @staticmethod
    def _reset_at(now: float, period: int, reset_in: float | None = None) -> str:
        seconds = reset_in if reset_in is not None else period - (int(now) % period)
        moment = datetime.fromtimestamp(int(now), UTC) + timedelta(seconds=seconds)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def _rate_limited(self, limit: int, reset_in: Any, period: int | None = None) -> Reply:
        """Rack::Attack's throttled_responder: plain JSON, only these headers."""
        reset = self._reset_at(self.clock(), period or self.rate_limit_period,
                               None if reset_in is None else float(reset_in))
        return Reply(429, rails_json({"error": TOO_MANY_REQUESTS}), [
            ("Content-Type", "application/json"), ("X-RateLimit-Limit", str(limit)),
            ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)])

    # ---- replies -------------------------------------------------------------------
    @staticmethod
    def _json(status: int, body: Any, headers: list[tuple[str, str]] | None = None) -> Reply:
        return Reply(status, rails_json(body), [
            ("Content-Type", JSON), ("Cache-Control", "private, no-store"),
            ("Vary", "Accept, Origin"), ("X-Request-Id", str(uuid.uuid4())),
            *(headers or [])])

    @staticmethod
    def _not_found_page(request: Request) -> Reply:
        """An unmatched route: ApplicationController#respond_with_error(404)."""
        accept = request.header("Accept") or "*/*"
        if "application/json" in accept and not accept.lstrip().startswith("*/*"):
            return Reply(404, rails_json({"error": "Not Found"}), [("Content-Type", JSON)])
        return Reply(404, RAILS_404_HTML.encode(), [("Content-Type", HTML)])

    def _fault(self, fault: Fault, headers: list[tuple[str, str]]) -> Action:
        p, kind = fault.params, fault.kind
        if kind == "server_error":
            status = int(p.get("status", 503))
            if p.get("json"):
                return self._json(status, {"error": p.get("message", RACE_CONDITION)})
            if status in NGINX_PAGES:
                title = NGINX_PAGES[status]
                page = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center>"
                        f"<h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>"
                        "\r\n</html>\r\n")
                return Reply(status, page.encode(), [("Content-Type", "text/html"),
                                                     ("Server", "nginx")])
            return Reply(status, RAILS_500_HTML.encode(), [("Content-Type", HTML)])
        if kind == "hang":
            return Hang(float(p.get("seconds", 5.0)))
        if kind == "drop":
            return Drop()
        if kind == "unauthorized":
            return self._json(401, {"error": p.get("message", INVALID_TOKEN)}, headers)
        if kind == "forbidden":
            return self._json(403, {"error": p.get("message", OUTSIDE_SCOPES)}, headers)
        if kind == "not_found":
            return self._json(404, {"error": RECORD_NOT_FOUND}, headers)
        if kind == "validation":
            return self._json(422, {"error": p.get("message", TEXT_BLANK)}, headers)
        if kind == "race_condition":
            return self._json(503, {"error": RACE_CONDITION}, headers)
        raise ValueError(f"unknown fault kind {kind!r}")

    # ---- entities ------------------------------------------------------------------
    def _snowflake(self, moment: datetime) -> str:
        """Mastodon ids: milliseconds << 16 | sequence; time-ordered, strings in JSON."""
        return str((int(moment.timestamp() * 1000) << 16) | (next(self._seq) & 0xFFFF))

    def account_json(self, *, credentials: bool = False) -> dict[str, Any]:
        with self.lock:
            posts = [s for s in self.statuses if not s.deleted]
        last = max((s.created_at for s in posts), default=None)
        account: dict[str, Any] = {
            "id": self.account_id, "username": self.username, "acct": self.username,
            "display_name": self.display_name, "locked": False, "bot": True,
            "discoverable": True, "indexable": False, "group": False,
            "created_at": "2024-01-01T00:00:00.000Z", "note": "<p>Posts from the feed.</p>",
            "url": f"{self.url}/@{self.username}", "uri": f"{self.url}/users/{self.username}",
            "avatar": f"{self.url}/avatars/original/missing.png",
            "avatar_static": f"{self.url}/avatars/original/missing.png",
            "header": f"{self.url}/headers/original/missing.png",
            "header_static": f"{self.url}/headers/original/missing.png",
            "followers_count": 0, "following_count": 0, "statuses_count": len(posts),
            "last_status_at": last.strftime("%Y-%m-%d") if last else None,
            "hide_collections": None, "noindex": False, "emojis": [], "roles": [],
            "fields": [],
        }
        if credentials:
            account["source"] = {"privacy": "public", "sensitive": False,
                                 "language": self.default_language, "note": "Posts from "
                                 "the feed.", "fields": [], "follow_requests_count": 0,
                                 "hide_collections": None, "discoverable": True,
                                 "indexable": False}
            account["role"] = {"id": "-99", "name": "", "permissions": "0", "color": "",
                               "highlighted": False}
        return account

    def status_json(self, status: Status) -> dict[str, Any]:
        with self.lock:
            media = [self.media[m].as_api(self.url) for m in status.media_ids
                     if m in self.media]
        return {
            "id": status.id, "created_at": iso_ms(status.created_at),
            "in_reply_to_id": status.in_reply_to_id,
            "in_reply_to_account_id": self.account_id if status.in_reply_to_id else None,
            "sensitive": status.sensitive, "spoiler_text": status.spoiler_text,
            "visibility": status.visibility, "language": status.language,
            "uri": f"{self.url}/users/{self.username}/statuses/{status.id}",
            "url": f"{self.url}/@{self.username}/{status.id}",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "edited_at": None,
            "favourited": False, "reblogged": False, "muted": False, "bookmarked": False,
            "pinned": False, "content": status.content, "filtered": [], "reblog": None,
            "application": {"name": status.application or "syndicator", "website": None},
            "account": self.account_json(), "media_attachments": media, "mentions": [],
            "tags": [{"name": tag.lower(), "url": f"{self.url}/tags/{tag.lower()}"}
                     for _, _, kind, tag in _entities(status.text) if kind == "hashtag"],
            "emojis": [], "card": None, "poll": None,
        }

    def configuration(self) -> dict[str, Any]:
        return {
            "statuses": {"max_characters": self.max_characters,
                         "max_media_attachments": self.max_media_attachments,
                         "characters_reserved_per_url": 23},
            "media_attachments": {
                "supported_mime_types": [*IMAGE_MIME_TYPES, *VIDEO_MIME_TYPES,
                                         *AUDIO_MIME_TYPES],
                "description_limit": DESCRIPTION_LIMIT, "image_size_limit": IMAGE_LIMIT,
                "image_matrix_limit": 33177600, "video_size_limit": VIDEO_LIMIT,
                "video_frame_rate_limit": 120, "video_matrix_limit": 8294400},
            "polls": {"max_options": 4, "max_characters_per_option": 50,
                      "min_expiration": 300, "max_expiration": 2629746},
        }

    # ---- endpoints -----------------------------------------------------------------
    def _instance_v2(self, call: _Call) -> Reply:
        config = self.configuration()
        config["urls"] = {"streaming": self.url.replace("http", "ws", 1), "status": None}
        config["vapid"] = {"public_key": "BFakeVapidKey="}
        config["accounts"] = {"max_featured_tags": 10, "max_pinned_statuses": 5}
        config["translation"] = {"enabled": False}
        host = self.url.split("://", 1)[1]
        return self._json(200, {
            "domain": host, "title": "Fake Mastodon", "version": self.version,
            "source_url": "https://github.com/mastodon/mastodon",
            "description": "A local fake for tests.", "usage": {"users": {"active_month": 1}},
            "thumbnail": {"url": f"{self.url}/packs/media/images/preview.png"}, "icon": [],
            "languages": ["en"], "configuration": config,
            "registrations": {"enabled": False, "approval_required": False, "message": None,
                              "url": None},
            "api_versions": {"mastodon": 2},
            "contact": {"email": "admin@example.com", "account": None}, "rules": [],
        })

    def _instance_v1(self, call: _Call) -> Reply:
        config = self.configuration()
        config["accounts"] = {"max_featured_tags": 10}
        return self._json(200, {
            "uri": self.url.split("://", 1)[1], "title": "Fake Mastodon",
            "short_description": "A local fake for tests.", "description": "",
            "email": "admin@example.com", "version": self.version,
            "urls": {"streaming_api": self.url.replace("http", "ws", 1)},
            "stats": {"user_count": 1, "status_count": len(self.posts), "domain_count": 0},
            "thumbnail": f"{self.url}/packs/media/images/preview.png", "languages": ["en"],
            "registrations": False, "approval_required": False, "invites_enabled": False,
            "configuration": config, "contact_account": None, "rules": [],
        })

    def _verify_credentials(self, call: _Call) -> Reply:
        return self._json(200, self.account_json(credentials=True))

    def _visible(self, status: Status, viewer: str | None) -> bool:
        return not status.deleted and (viewer is not None or
                                       status.visibility in ("public", "unlisted"))

    def _show_status(self, call: _Call) -> Reply:
        status = self.status(call.args[0])
        if status is None or not self._visible(status, call.viewer):
            return self._json(404, {"error": RECORD_NOT_FOUND})
        return self._json(200, self.status_json(status))

    def _delete_status(self, call: _Call) -> Reply:
        with self.lock:
            status = self.status(call.args[0])
            if status is None or status.deleted:
                return self._json(404, {"error": RECORD_NOT_FOUND})
            status.deleted = True
        body = self.status_json(status)
        body["text"] = status.text
        return self._json(200, body)

    def _account_statuses(self, call: _Call) -> Reply:
        """Newest first; ``limit`` (default 20, max 40), max_id/since_id/min_id, Link."""
        request = call.request
        if call.args[0] != self.account_id:
            return self._json(404, {"error": RECORD_NOT_FOUND})
        raw_limit = request.arg("limit")  # Api::BaseController#limit_param
        limit = 20 if raw_limit is None else min(abs(_ruby_to_i(raw_limit)), 40)
        max_id, since_id, min_id = (request.arg(k) for k in ("max_id", "since_id", "min_id"))
        with self.lock:
            found = sorted((s for s in self.statuses if self._visible(s, call.viewer)),
                           key=lambda s: int(s.id), reverse=True)
        if _truthy(request.arg("pinned")):
            found = []
        if _truthy(request.arg("only_media")):
            found = [s for s in found if s.media_ids]
        if _truthy(request.arg("exclude_replies")):  # replies to oneself are kept
            found = [s for s in found if s.in_reply_to_id is None or self.status(
                s.in_reply_to_id) is not None]
        if max_id:
            found = [s for s in found if int(s.id) < _ruby_to_i(max_id)]
        if since_id:
            found = [s for s in found if int(s.id) > _ruby_to_i(since_id)]
        if min_id:
            found = [s for s in found if int(s.id) > _ruby_to_i(min_id)][-limit:]
        page = found[:limit]
        keep = {k: v[0] for k, v in request.query.items()
                if k in ("limit", "only_media", "exclude_replies", "exclude_reblogs", "pinned",
                         "tagged")}
        base = f"{self.url}/api/v1/accounts/{self.account_id}/statuses?"
        links = []
        if len(page) == limit:
            links.append(f'<{base}{urlencode({**keep, "max_id": page[-1].id})}>; rel="next"')
        if page:
            links.append(f'<{base}{urlencode({**keep, "min_id": page[0].id})}>; rel="prev"')
        headers = [("Link", ", ".join(links))] if links else []
        return self._json(200, [self.status_json(s) for s in page], headers)

    def _status_params(self, request: Request) -> dict[str, Any]:
        """Form (``media_ids[]``), multipart or JSON bodies, as Rails' params merge them."""
        content_type = request.header("Content-Type") or ""
        if content_type.startswith("application/json"):
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = {}
            return body if isinstance(body, dict) else {}
        if content_type.startswith("multipart/form-data"):
            fields = form_fields(content_type, request.body)
            return {k.removesuffix("[]"): ([p.text] if k.endswith("[]") else p.text)
                    for k, p in fields.items()}
        parsed = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        params: dict[str, Any] = {k: v[0] for k, v in request.query.items()}
        for key, values in parsed.items():
            params[key.removesuffix("[]")] = values if key.endswith("[]") else values[0]
        return params

    def _create_status(self, call: _Call) -> Reply:
        request = call.request
        params = self._status_params(request)
        reply_to = params.get("in_reply_to_id")
        if reply_to not in (None, ""):
            parent = self.status(str(reply_to))
            if parent is None or parent.deleted:
                return self._json(404, {"error": RECORD_NOT_FOUND})
        key = (request.header("Idempotency-Key") or "").strip() or None
        if key is None:
            return self._post_status(params, None, call.delay)
        with self.lock:
            stored = self._idempotency.get(key)
            if stored is not None and self.clock() - stored[1] < self.idempotency_ttl:
                duplicate = self.status(stored[0])
                if duplicate is None or duplicate.deleted:
                    return self._json(404, {"error": RECORD_NOT_FOUND})
                return self._json(200, self.status_json(duplicate))
            if self.idempotency_lock and key in self._in_progress:
                return self._json(503, {"error": RACE_CONDITION})
            self._in_progress.add(key)
        try:
            return self._post_status(params, key, call.delay)
        finally:
            with self.lock:
                self._in_progress.discard(key)

    def _post_status(self, params: dict[str, Any], key: str | None, delay: float) -> Reply:
        """PostStatusService: media checks, then the Status model's validations."""
        text = params.get("status")
        text = "" if text is None else str(text)
        spoiler = str(params.get("spoiler_text") or "")
        raw_ids = params.get("media_ids") or []
        media_ids = [str(m) for m in (raw_ids if isinstance(raw_ids, list) else [raw_ids])
                     if str(m) != ""]
        with self.lock:
            error = self._check_media(media_ids)
        if error is not None:
            return self._json(422, {"error": error})
        sensitive = _truthy(params.get("sensitive")) or bool(spoiler.strip())
        if not text.strip() and spoiler.strip():
            text, spoiler = spoiler, ""  # preprocess_attributes!: the CW becomes the text
        visibility = str(params.get("visibility") or "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            return self._json(422, {"error": VISIBILITY_INVALID})
        if not text.strip() and not media_ids:
            return self._json(422, {"error": TEXT_BLANK})
        if status_length(text, spoiler) > self.max_characters:
            return self._json(422, {"error": too_long_message(self.max_characters)})
        requested = params.get("language")
        language = valid_locale(None if requested is None else str(requested)) or \
            valid_locale(self.default_language) or "en"
        if delay > 0:
            server = self._server
            if server is not None:
                server.stopping.wait(delay)
            else:  # pragma: no cover
                time.sleep(delay)
        with self.lock:
            error = self._check_media(media_ids)  # re-checked at commit
            if error is not None:
                return self._json(422, {"error": error})
            status = self._store(text, datetime.now(UTC), visibility=visibility,
                                 spoiler_text=spoiler, sensitive=sensitive,
                                 media_ids=media_ids, language=language,
                                 requested_language=None if requested is None
                                 else str(requested),
                                 in_reply_to_id=str(params["in_reply_to_id"])
                                 if params.get("in_reply_to_id") else None,
                                 idempotency_key=key)
            if key is not None:
                self._idempotency[key] = (status.id, self.clock())
        return self._json(200, self.status_json(status))

    def _check_media(self, media_ids: list[str]) -> str | None:
        if not media_ids:
            return None
        if len(media_ids) > self.max_media_attachments:
            return f"Cannot attach more than {self.max_media_attachments} files"
        missing = [m for m in media_ids if m not in self.media or
                   self.media[m].status_id is not None]
        if missing:
            return media_not_found_message(missing)
        found = [self.media[m] for m in media_ids]
        if len(found) > 1 and any(m.type in ("video", "audio") for m in found):
            return MEDIA_IMAGES_AND_VIDEO
        if any(not m.processed for m in found):
            return MEDIA_NOT_READY
        return None

    def _store(self, text: str, created_at: datetime, **fields: Any) -> Status:
        status = Status(id=self._snowflake(created_at), text=text,
                        content=render_content(text, self.url), created_at=created_at,
                        **fields)
        for media_id in status.media_ids:
            if media_id in self.media:
                self.media[media_id].status_id = status.id
        self.statuses.append(status)
        return status

    def _upload(self, request: Request, endpoint: str) -> tuple[Media | None, Reply | None]:
        fields = form_fields(request.header("Content-Type"), request.body)
        part = fields.get("file")
        if part is None or (not part.filename and not part.data):
            return None, self._json(422, {"error": FILE_BLANK})
        mime = self._media_type(part)
        if mime is None:
            return None, self._json(422, {"error": FILE_INVALID})
        kind = "gifv" if mime == "image/gif" else mime.split("/")[0]
        kind = "video" if mime == "video/x-ms-asf" else kind
        limit = IMAGE_LIMIT if kind == "image" else VIDEO_LIMIT
        if len(part.data) > limit:
            return None, self._json(422, {"error": "Validation failed: File file size must be "
                                          f"less than {limit // (1024 * 1024)} MB"})
        description = fields["description"].text if "description" in fields else None
        if description is not None and len(description) > DESCRIPTION_LIMIT:
            return None, self._json(422, {"error": "Validation failed: Description is too long "
                                          f"(maximum is {DESCRIPTION_LIMIT} characters)"})
        width, height = _dimensions(part.data)
        media = Media(id=self._snowflake(datetime.now(UTC)), mime_type=mime,
                      size=len(part.data), filename=part.filename,
                      description=description or None,
                      focus=_focus(fields["focus"].text) if "focus" in fields else None,
                      type=kind, width=width, height=height, endpoint=endpoint,
                      polls_left=self.media_processing_polls
                      if endpoint == "POST /api/v2/media" else 0)
        with self.lock:
            self.media[media.id] = media
        return media, None

    def _media_type(self, part: Part) -> str | None:
        """Mastodon sniffs the bytes; with ``strict_media`` so does the fake (via Pillow)."""
        declared = (part.content_type or "application/octet-stream").lower()
        supported = (*IMAGE_MIME_TYPES, *VIDEO_MIME_TYPES, *AUDIO_MIME_TYPES)
        if not self.strict_media or not declared.startswith("image/"):
            return declared if declared in supported else None
        try:
            from PIL import Image

            with Image.open(BytesIO(part.data)) as image:
                return _PIL_FORMATS.get(str(image.format))
        except Exception:
            return None

    def _upload_v2(self, call: _Call) -> Reply:
        """200 with ``url`` when processed at once, else 202 with ``url: null``."""
        media, error = self._upload(call.request, "POST /api/v2/media")
        if error is not None or media is None:
            return error or self._json(500, {"error": "upload failed"})
        return self._json(200 if media.processed else 202, media.as_api(self.url))

    def _upload_v1(self, call: _Call) -> Reply:
        """The deprecated synchronous upload Mastodon.py falls back to on old servers."""
        media, error = self._upload(call.request, "POST /api/v1/media")
        if error is not None or media is None:
            return error or self._json(500, {"error": "upload failed"})
        return self._json(200, media.as_api(self.url))

    def _unattached(self, media_id: str) -> Media | None:
        media = self.media.get(media_id)
        return media if media is not None and media.status_id is None else None

    def _show_media(self, call: _Call) -> Reply:
        """Each poll advances processing; 206 while processing, 200 once done."""
        with self.lock:
            media = self._unattached(call.args[0])
            if media is None:
                return self._json(404, {"error": RECORD_NOT_FOUND})
            media.polls_left = max(media.polls_left - 1, 0)
            body = media.as_api(self.url)
        return self._json(200 if media.processed else 206, body)

    def _update_media(self, call: _Call) -> Reply:
        request = call.request
        fields = form_fields(request.header("Content-Type"), request.body)
        if not fields and (request.header("Content-Type") or "").startswith("application/json"):
            try:
                data = json.loads(request.body or b"{}")
            except ValueError:
                data = {}
            fields = {k: Part(k, str(v).encode()) for k, v in data.items() if v is not None}
        with self.lock:
            media = self._unattached(call.args[0])
            if media is None:
                return self._json(404, {"error": RECORD_NOT_FOUND})
            if "description" in fields:
                description = fields["description"].text
                if len(description) > DESCRIPTION_LIMIT:
                    return self._json(422, {"error": "Validation failed: Description is too "
                                            f"long (maximum is {DESCRIPTION_LIMIT} characters)"})
                media.description = description or None
            if "focus" in fields:
                media.focus = _focus(fields["focus"].text)
            body = media.as_api(self.url)
        return self._json(200 if media.processed else 206, body)


def _focus(value: str) -> tuple[float, float] | None:
    try:
        x, y = (float(v) for v in value.split(",")[:2])
    except ValueError:
        return None
    return (x, y)


def _dimensions(data: bytes) -> tuple[int | None, int | None]:
    try:
        from PIL import Image

        with Image.open(BytesIO(data)) as image:
            return image.size
    except Exception:
        return None, None
