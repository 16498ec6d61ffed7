"""A fake X API v2 that behaves like the real one as described in platform-apis.md A-C.

It verifies tweepy's OAuth 1.0a signature against the *original* URL (tweepy signs
``https://api.twitter.com/...`` even when an adapter reroutes it here), answers with
the real bodies, headers and status codes, and can be scripted to fail in every way
section A.4 lists. Everything it created is in ``posts`` for assertions.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth1.rfc5849 import signature
from oauthlib.oauth1.rfc5849 import utils as oauth_utils

from ._forms import form_fields, parse_urlencoded
from ._server import Action, Drip, Drop, FakeServer, FaultQueue, Hang, Reply, Request

SIGNED_HOSTS = ("https://api.twitter.com", "https://api.x.com")

JSON = "application/json; charset=utf-8"
PROBLEM_JSON = "application/problem+json"

DUPLICATE_BODY = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
NOT_PERMITTED_BODY = {
    "detail": "You are not permitted to perform this action.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
OAUTH1_PERMISSIONS_BODY = {
    "title": "Forbidden",
    "status": 403,
    "detail": "Your client app is not configured with the appropriate oauth1 app "
    "permissions for this endpoint.",
    "type": "https://api.twitter.com/2/problems/oauth1-permissions",
}
CLIENT_NOT_ENROLLED_BODY = {
    "client_id": "27512824",
    "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use "
    "keys and tokens from a Twitter developer App that is attached to a Project. You can "
    "create a project via the developer portal.",
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "title": "Client Forbidden",
    "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled",
    "type": "https://api.twitter.com/2/problems/client-forbidden",
}
REPLY_RESTRICTED_BODY = {
    "detail": "Reply to this conversation is not allowed because you have not been "
    "mentioned or otherwise engaged by the author of the post you are replying to.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
UNAUTHORIZED_BODY = {"title": "Unauthorized", "type": "about:blank", "status": 401,
                     "detail": "Unauthorized"}
CREDITS_DEPLETED_BODY_TEMPLATE = {
    "account_id": 1243608864848629761,
    "title": "CreditsDepleted",
    "detail": "Your enrolled account [1243608864848629761] does not have any credits to "
    "fulfill this request.",
    "type": "https://api.twitter.com/2/problems/credits",
}
TOO_MANY_REQUESTS_BODY = {"title": "Too Many Requests", "detail": "Too Many Requests",
                          "type": "about:blank", "status": 429}
USAGE_CAPPED_BODY = {
    "title": "UsageCapExceeded",
    "detail": "Usage cap exceeded: Monthly product cap",
    "type": "https://api.twitter.com/2/problems/usage-capped",
    "period": "Monthly",
    "scope": "Product",
}
TOO_LONG_MESSAGE = (
    "Your Tweet text is too long. For more information on how Twitter determines text "
    "length see https://github.com/twitter/twitter-text."
)
FORBIDDEN_VARIANTS = {
    "duplicate": DUPLICATE_BODY,
    "not_permitted": NOT_PERMITTED_BODY,
    "oauth1_permissions": OAUTH1_PERMISSIONS_BODY,
    "client_not_enrolled": CLIENT_NOT_ENROLLED_BODY,
    "reply_restricted": REPLY_RESTRICTED_BODY,
}
SERVER_ERROR_HTML = (
    b"<html><head><title>503 Service Temporarily Unavailable</title></head>"
    b"<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"
)
MAX_IMAGE_BYTES = 5 * 1024 * 1024

_URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)
# platform-apis.md C.1: these ranges weigh 1, everything else 2.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def invalid_request(message: str, parameters: dict[str, list[str]] | None = None) -> dict:
    """The standard 400 envelope (A.4 rows 2a, 10, 11)."""
    error: dict[str, Any] = {"message": message}
    if parameters:
        error = {"parameters": parameters, "message": message}
    return {
        "errors": [error],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }


def approx_weighted_length(text: str) -> int:
    """A small twitter-text v3 counter: NFC, URLs 23, light ranges 1, else 2."""
    text = unicodedata.normalize("NFC", text)
    total = 23 * len(_URL.findall(text))
    for char in _URL.sub("", text):
        code = ord(char)
        total += 1 if any(lo <= code <= hi for lo, hi in _LIGHT) else 2
    return total


def weighted_length(text: str) -> int:
    """The compose module's counter when present, else the approximation above."""
    for module_name in ("syndicator.compose.weighted", "syndicator.compose.weighted_length",
                        "syndicator.compose"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        counter: Any = getattr(module, "weighted_length", None)
        if callable(counter):
            result = counter(text)
            return int(getattr(result, "weighted_length", result))
    return approx_weighted_length(text)


@dataclass
class Tweet:
    """A post as stored by the fake."""

    id: str
    text: str  # as the client sent it
    stored_text: str  # URLs rewritten to t.co
    created_at: datetime
    author_id: str
    urls: list[dict[str, Any]] = field(default_factory=list)
    in_reply_to_tweet_id: str | None = None
    media_ids: list[str] = field(default_factory=list)
    deleted: bool = False

    @property
    def expanded_urls(self) -> list[str]:
        return [u["expanded_url"] for u in self.urls]

    def as_api(self, fields: set[str]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "edit_history_tweet_ids": [self.id],
            "id": self.id,
            "text": self.stored_text,
        }
        if "created_at" in fields:
            data["created_at"] = self.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if "entities" in fields and self.urls:
            data["entities"] = {"urls": self.urls}
        if "referenced_tweets" in fields and self.in_reply_to_tweet_id:
            data["referenced_tweets"] = [{"type": "replied_to", "id": self.in_reply_to_tweet_id}]
        if "author_id" in fields:
            data["author_id"] = self.author_id
        return data


class FakeX(FakeServer):
    """Fake X API v2 for one user. Start it, point the publisher's ``api_url`` at ``url``.

    Injection: ``inject(kind, times=1, endpoint="POST /2/tweets", **params)`` with kind
    one of ``rate_limit`` (reset=epoch, limit=, day_reset=epoch, day_scope="user"|"app",
    usage_cap=bool), ``server_error`` (status=500|502|503|504, html=bool), ``hang``
    (seconds=), ``drop_after_commit``, ``drip_after_commit`` (interval=: the answer one
    byte at a time), ``drop``, ``unauthorized``, ``credits_depleted``
    (short=bool), ``forbidden`` (variant= duplicate|not_permitted|oauth1_permissions|
    client_not_enrolled|reply_restricted), ``too_long``, ``bad_request`` (message=).
    """

    def __init__(
        self,
        *,
        consumer_key: str = "fake-consumer-key",
        consumer_secret: str = "fake-consumer-secret",
        access_token: str = "1500000000000000001-fakeaccesstoken",
        access_token_secret: str = "fake-access-token-secret",
        user_id: str = "1500000000000000001",
        username: str = "syndicator_bot",
        name: str = "Syndicator Bot",
        max_length: int = 280,
        too_long_form: str = "400",
        access_level: str = "read-write",
        check_duplicates: bool = True,
        signed_hosts: tuple[str, ...] = SIGNED_HOSTS,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host, port)
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.access_token = access_token
        self.access_token_secret = access_token_secret
        self.user_id = user_id
        self.username = username
        self.name = name
        self.max_length = max_length
        self.too_long_form = too_long_form
        self.access_level = access_level
        self.check_duplicates = check_duplicates
        self.signed_hosts = signed_hosts
        self.faults = FaultQueue()
        self.tweets: list[Tweet] = []
        self.media: dict[str, dict[str, Any]] = {}
        self.v1_media: set[str] = set()
        self.calls: list[tuple[str, str]] = []
        self.auth_failures = 0
        self._ids = itertools.count(1874732600935198942)
        self._media_ids = itertools.count(1880028106020515840)
        self._remaining: dict[str, int] = {}

    # ---- assertions -------------------------------------------------------------
    @property
    def posts(self) -> list[Tweet]:
        """Posts that exist now (created, not deleted), oldest first."""
        with self.lock:
            return [t for t in self.tweets if not t.deleted]

    def count(self, endpoint: str) -> int:
        """How many requests reached ``endpoint`` ("POST /2/tweets")."""
        with self.lock:
            return sum(1 for call in self.calls if call[0] == endpoint)

    # ---- scripting ----------------------------------------------------------------
    def inject(self, kind: str, *, times: int | None = 1, endpoint: str | None = "POST /2/tweets",
               **params: Any) -> None:
        """Make the next ``times`` calls to ``endpoint`` ("*" for any) fail as ``kind``."""
        self.faults.add(kind, times=times, endpoint=endpoint, **params)

    def add_post(self, text: str, *, created_at: datetime | None = None) -> Tweet:
        """Seed the timeline with a post made elsewhere (reconciliation tests)."""
        with self.lock:
            return self._create(text, None, [], created_at or datetime.now(UTC))

    # ---- HTTP ---------------------------------------------------------------------
    def dispatch(self, request: Request) -> Action:
        endpoint = self._endpoint(request)
        with self.lock:
            self.calls.append((endpoint, request.path))
        if not self._verify(request):
            with self.lock:
                self.auth_failures += 1
            return self._json(401, UNAUTHORIZED_BODY, content_type=PROBLEM_JSON)
        fault = self.faults.take(endpoint, request)
        if fault is not None and not fault.kind.endswith("_after_commit"):
            return self._fault(fault, endpoint)
        handler = {
            "POST /2/tweets": self._create_tweet,
            "DELETE /2/tweets/:id": self._delete_tweet,
            "GET /2/users/me": self._users_me,
            "GET /2/users/:id/tweets": self._user_tweets,
            "POST /2/media/upload": self._media_upload,
            "POST /2/media/metadata": self._media_metadata,
            "POST /1.1/media/upload.json": self._v1_media_upload,
        }.get(endpoint)
        if handler is None:
            return self._json(404, {"title": "Not Found Error", "type":
                                    "https://api.twitter.com/2/problems/resource-not-found",
                                    "detail": f"no route {request.method} {request.path}"})
        reply = handler(request)
        if fault is not None and 200 <= reply.status < 300:
            if fault.kind == "drip_after_commit":  # no_length=True: no Content-Length
                reply.omit_length = bool(fault.params.get("no_length"))
                return Drip(reply, float(fault.params.get("interval", 1.0)))
            return Drop()
        return reply

    @staticmethod
    def _endpoint(request: Request) -> str:
        path = request.path.rstrip("/")
        if re.fullmatch(r"/2/tweets/\d+", path):
            path = "/2/tweets/:id"
        elif re.fullmatch(r"/2/users/\d+/tweets", path):
            path = "/2/users/:id/tweets"
        return f"{request.method} {path}"

    def _verify(self, request: Request) -> bool:
        """OAuth 1.0a HMAC-SHA1 check against the URL the client signed (A.6)."""
        header = request.header("Authorization") or ""
        if not header.startswith("OAuth "):
            return False
        try:
            oauth = dict(oauth_utils.parse_authorization_header(header))
        except (ValueError, TypeError):
            return False
        if (oauth.get("oauth_consumer_key") != self.consumer_key
                or oauth.get("oauth_token") != self.access_token
                or oauth.get("oauth_signature_method") != "HMAC-SHA1"):
            return False
        form = None
        if (request.header("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            form = list(parse_urlencoded(request.body).items())
        query = urlencode([(k, v) for k, vs in request.query.items() for v in vs])
        params = signature.collect_parameters(
            uri_query=query, body=form, headers={"Authorization": header},
            exclude_oauth_signature=True,
        )
        for host in self.signed_hosts:
            oreq = OAuthRequest(host + request.path, request.method, body=None,
                                headers={"Authorization": header})
            oreq.params = params
            oreq.signature = oauth_utils.unescape(oauth["oauth_signature"])
            if signature.verify_hmac_sha1(oreq, self.consumer_secret, self.access_token_secret):
                return True
        return False

    def _headers(self, endpoint: str, limit: int | None = None) -> list[tuple[str, str]]:
        limits = {"POST /2/tweets": 100, "GET /2/users/me": 75, "GET /2/users/:id/tweets": 900,
                  "DELETE /2/tweets/:id": 50, "POST /2/media/upload": 500}
        limit = limit or limits.get(endpoint, 900)
        with self.lock:
            remaining = self._remaining.get(endpoint, limit) - 1
            self._remaining[endpoint] = max(remaining, 0)
        return [
            ("x-rate-limit-limit", str(limit)),
            ("x-rate-limit-remaining", str(max(remaining, 0))),
            ("x-rate-limit-reset", str(int(time.time()) + 900)),
            ("x-access-level", self.access_level),
            ("api-version", "2.150"),
            ("x-transaction-id", hashlib.sha1(str(time.time_ns()).encode()).hexdigest()[:16]),
            ("x-response-time", "42"),
            ("cache-control", "no-cache, no-store, max-age=0"),
            ("content-disposition", "attachment; filename=json.json"),
            ("server", "cloudflare envoy"),
        ]

    def _json(self, status: int, body: Any, *, content_type: str = JSON,
              headers: list[tuple[str, str]] | None = None) -> Reply:
        payload = json.dumps(body, separators=(",", ":")).replace("/", "\\/").encode()
        return Reply(status, payload, [("content-type", content_type), *(headers or [])])

    def _fault(self, fault: Any, endpoint: str) -> Action:
        p = fault.params
        kind = fault.kind
        if kind == "rate_limit":
            reset = int(p.get("reset", time.time() + 900))
            headers = [("x-rate-limit-limit", str(p.get("limit", 100))),
                       ("x-rate-limit-remaining", "0"),
                       ("x-rate-limit-reset", str(reset))]
            if p.get("omit_reset"):
                headers = headers[:2]
            if "day_reset" in p:
                scope = p.get("day_scope", "user")
                headers += [(f"x-{scope}-limit-24hour-limit", str(p.get("day_limit", 17))),
                            (f"x-{scope}-limit-24hour-remaining", "0"),
                            (f"x-{scope}-limit-24hour-reset", str(int(p["day_reset"])))]
            body = USAGE_CAPPED_BODY if p.get("usage_cap") else TOO_MANY_REQUESTS_BODY
            return self._json(429, body, headers=headers)
        if kind == "server_error":
            status = int(p.get("status", 503))
            if p.get("html"):
                return Reply(status, SERVER_ERROR_HTML, [("content-type", "text/html")])
            return self._json(status, {"title": "Service Unavailable", "detail":
                                       "Service Unavailable", "type": "about:blank",
                                       "status": status})
        if kind == "hang":
            return Hang(float(p.get("seconds", 5.0)))
        if kind == "drop":
            return Drop()
        if kind == "unauthorized":
            return self._json(401, UNAUTHORIZED_BODY, content_type=PROBLEM_JSON)
        if kind == "credits_depleted":
            body = ({"title": "CreditsDepleted",
                     "detail": "Your enrolled account does not have any credits"}
                    if p.get("short") else CREDITS_DEPLETED_BODY_TEMPLATE)
            return self._json(402, body)
        if kind == "forbidden":
            return self._json(403, FORBIDDEN_VARIANTS[p.get("variant", "not_permitted")],
                              headers=self._headers(endpoint))
        if kind == "too_long":
            return self._json(400, invalid_request(TOO_LONG_MESSAGE),
                              headers=self._headers(endpoint))
        if kind == "bad_request":
            return self._json(400, invalid_request(p.get("message", "Invalid Request")))
        raise ValueError(f"unknown fault kind {kind!r}")

    # ---- endpoints ------------------------------------------------------------------
    def _create_tweet(self, request: Request) -> Reply:
        endpoint = "POST /2/tweets"
        if self.access_level != "read-write":
            return self._json(403, OAUTH1_PERMISSIONS_BODY)
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self._json(400, invalid_request("Request body must be a JSON object."))
        text = body.get("text")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if text is not None and not isinstance(text, str):
            return self._json(400, invalid_request("text must be a string"))
        if not text and not media_ids:
            return self._json(400, invalid_request(
                "You must specify one of text, media, poll, quote_tweet_id or card_uri"))
        text = text or ""
        if weighted_length(text) > self.max_length:
            if self.too_long_form == "403":
                return self._json(403, NOT_PERMITTED_BODY)
            return self._json(400, invalid_request(TOO_LONG_MESSAGE))
        if media_ids:
            bad = [m for m in media_ids if not isinstance(m, str) or m not in self.media]
            if bad or len(media_ids) > 4:
                return self._json(400, invalid_request(
                    "Your media IDs are invalid.", {"media.media_ids": [str(b) for b in bad]}))
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        with self.lock:
            if reply_to is not None and not any(t.id == reply_to and not t.deleted
                                                for t in self.tweets):
                return self._json(400, invalid_request(
                    "The Tweet you are replying to has been deleted or is not visible to you."))
            if self.check_duplicates and text and any(
                    t.text == text and not t.deleted for t in self.tweets):
                return self._json(403, DUPLICATE_BODY, headers=self._headers(endpoint))
            tweet = self._create(text, reply_to, list(media_ids), datetime.now(UTC))
        return self._json(201, {"data": {"edit_history_tweet_ids": [tweet.id], "id": tweet.id,
                                         "text": tweet.stored_text}},
                          headers=self._headers(endpoint))

    def _create(self, text: str, reply_to: str | None, media_ids: list[str],
                created_at: datetime) -> Tweet:
        tweet_id = str(next(self._ids))
        urls: list[dict[str, Any]] = []
        pieces: list[str] = []
        last = 0
        for match in _URL.finditer(text):
            pieces.append(text[last:match.start()])
            expanded = match.group(0)
            short = "https://t.co/" + hashlib.sha1(expanded.encode()).hexdigest()[:10]
            start = sum(len(p) for p in pieces)
            pieces.append(short)
            urls.append({"start": start, "end": start + len(short), "url": short,
                         "expanded_url": expanded,
                         "display_url": re.sub(r"^https?://(www\.)?", "", expanded)[:26]})
            last = match.end()
        pieces.append(text[last:])
        stored = "".join(pieces)
        if media_ids:
            stored += " https://t.co/" + hashlib.sha1(tweet_id.encode()).hexdigest()[:10]
        tweet = Tweet(tweet_id, text, stored, created_at, self.user_id, urls, reply_to, media_ids)
        self.tweets.append(tweet)
        return tweet

    def _delete_tweet(self, request: Request) -> Reply:
        tweet_id = request.path.rstrip("/").rsplit("/", 1)[-1]
        with self.lock:
            found = [t for t in self.tweets if t.id == tweet_id and not t.deleted]
            for t in found:
                t.deleted = True
        return self._json(200, {"data": {"deleted": bool(found)}},
                          headers=self._headers("DELETE /2/tweets/:id"))

    def _users_me(self, request: Request) -> Reply:
        return self._json(200, {"data": {"id": self.user_id, "name": self.name,
                                         "username": self.username}},
                          headers=self._headers("GET /2/users/me"))

    def _user_tweets(self, request: Request) -> Reply:
        user_id = request.path.strip("/").split("/")[2]
        fields = set((request.arg("tweet.fields") or "").split(","))
        start = request.arg("start_time")
        since = datetime.fromisoformat(start.replace("Z", "+00:00")) if start else None
        max_results = int(request.arg("max_results") or 10)
        with self.lock:
            tweets = [t for t in reversed(self.tweets) if not t.deleted
                      and t.author_id == user_id and (since is None or t.created_at >= since)]
        tweets = tweets[:max_results]
        headers = self._headers("GET /2/users/:id/tweets")
        if not tweets:
            return self._json(200, {"meta": {"result_count": 0}}, headers=headers)
        return self._json(200, {
            "data": [t.as_api(fields) for t in tweets],
            "meta": {"result_count": len(tweets), "newest_id": tweets[0].id,
                     "oldest_id": tweets[-1].id},
        }, headers=headers)

    def _media_upload(self, request: Request) -> Reply:
        fields = form_fields(request.header("Content-Type"), request.body)
        part = fields.get("media")
        if part is None or not part.data:
            return self._json(400, invalid_request("media is required",
                                                   {"media": ["missing"]}))
        if len(part.data) > MAX_IMAGE_BYTES:
            return self._json(400, invalid_request(
                "File size exceeds 5242880 bytes.", {"media": ["too large"]}))
        media_id = str(next(self._media_ids))
        category = fields["media_category"].text if "media_category" in fields else None
        with self.lock:
            self.media[media_id] = {"size": len(part.data), "category": category,
                                    "filename": part.filename, "content_type": part.content_type}
        return self._json(200, {"data": {"id": media_id, "media_key": f"3_{media_id}",
                                         "size": len(part.data), "expires_after_secs": 86400}},
                          headers=self._headers("POST /2/media/upload"))

    def _media_metadata(self, request: Request) -> Reply:
        """Alt text for an uploaded image (docs.x.com "Create Media metadata"): at most
        1,000 characters, for a media id this account uploaded."""
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return self._json(400, invalid_request("body is not JSON", {}))
        media_id = str(body.get("id") or "")
        text = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if media_id not in self.media:
            return self._json(400, invalid_request("Your media IDs are invalid.",
                                                   {"id": [media_id]}))
        if not isinstance(text, str) or not text or len(text) > 1000:
            return self._json(400, invalid_request(
                "alt_text.text must be 1 to 1000 characters", {"alt_text": ["invalid"]}))
        with self.lock:
            self.media[media_id]["alt_text"] = text
        return self._json(200, {"data": {"id": media_id, "associated_metadata": {
            "alt_text": {"text": text}}}})

    def _v1_media_upload(self, request: Request) -> Reply:
        """The sunset v1.1 host 'works' but its ids are refused by /2/tweets (B.3 tip)."""
        media_id = str(next(self._media_ids))
        with self.lock:
            self.v1_media.add(media_id)
        return self._json(200, {"media_id": int(media_id), "media_id_string": media_id,
                                "expires_after_secs": 86400})
