"""A fake Facebook Graph API for one Page, as platform-apis.md D describes it.

Requests arrive as ``/{version}/{path}`` (or unversioned). The fake checks the access
token where facebook-sdk puts it (POST: form body, GET/DELETE: query string), records
the version each call used, maps expired versions to the oldest live one in the
``facebook-api-version`` header, and can be scripted to fail with any Graph error code
plus the transport failures facebook-sdk handles badly (HTML 502, no content type).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ._forms import form_fields
from ._server import Action, Drip, Drop, FakeServer, Fault, FaultQueue, Hang, Reply, Request

JSON = "application/json; charset=UTF-8"
PERMISSION_200_MESSAGE = (
    "(#200) If posting to a group, requires app being installed in the group, and \\\n"
    " either publish_to_groups permission with user token, or both pages_read_engagement \\\n"
    " and pages_manage_posts permission with page token; If posting to a page, \\\n"
    " requires both pages_read_engagement and pages_manage_posts as an admin with \\\n"
    " sufficient administrative permission"
)
BUC_MESSAGE = (
    "There have been too many calls to this Page account. Wait a bit and try again. For "
    "more info, please refer to https://developers.facebook.com/docs/graph-api/overview/"
    "rate-limiting."
)
TOKEN_190 = {
    None: "Invalid OAuth access token - Cannot parse access token",
    463: "Error validating access token: Session has expired on Saturday, 24-Mar-18 05:00:00 "
    "PDT. The current time is Saturday, 24-Mar-18 05:20:17 PDT.",
    467: "Error validating access token: The session is invalid because the user logged out.",
    460: "Error validating access token: The session has been invalidated because the user "
    "changed their password or Facebook has changed the session for security reasons.",
    458: "Error validating access token: The user has not authorized application 123456789.",
    459: "Error validating access token: You cannot access the app till you log in to "
    "www.facebook.com and follow the instructions given.",
    464: "Error validating access token: Sessions for the user are not allowed because the "
    "user is not a confirmed user.",
}
# code -> (http status, message, extra error fields)
ERRORS: dict[int, tuple[int, str, dict[str, Any]]] = {
    1: (500, "An unknown error has occurred.", {"is_transient": True}),
    2: (500, "Please retry", {"is_transient": True}),
    4: (403, "(#4) Application request limit reached", {"is_transient": True}),
    10: (403, "(#10) Application does not have permission for this action", {}),
    17: (403, "(#17) User request limit reached", {"is_transient": True}),
    32: (403, "(#32) Page request limited reached", {"is_transient": True}),
    100: (400, "(#100) Invalid parameter", {}),
    102: (400, "Session key invalid or no longer valid", {}),
    200: (403, PERMISSION_200_MESSAGE, {}),
    341: (400, "(#341) Feed action request limit reached", {}),
    368: (400, "The action attempted has been deemed abusive or is otherwise disallowed",
          {"error_subcode": 1390008}),
    506: (400, "(#506) Duplicate status message", {}),
    613: (400, "Calls to this api have exceeded the rate limit.", {}),
    80001: (400, BUC_MESSAGE, {"is_transient": True}),
}
_VERSION = re.compile(r"^/(v\d+\.\d+)(/.*)?$")


@dataclass
class GraphPost:
    """A Page post as the fake stores it."""

    id: str
    message: str | None
    link: str | None
    created_time: datetime
    kind: str = "status"  # status | link | photo
    photo_id: str | None = None
    photo_bytes: int = 0
    photo_url: str | None = None
    version: str = ""
    deleted: bool = False

    def as_api(self, fields: str, page_id: str) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if "created_time" in fields:
            data["created_time"] = self.created_time.strftime("%Y-%m-%dT%H:%M:%S+0000")
        if "message" in fields and self.message is not None:
            data["message"] = self.message
        if "permalink_url" in fields:
            data["permalink_url"] = (
                f"https://www.facebook.com/{page_id}/posts/{self.id.split('_', 1)[-1]}")
        if "attachments" in fields and self.link:
            shim = "https://l.facebook.com/l.php?u=" + quote(self.link, safe="") + "&h=AT0fake"
            data["attachments"] = {"data": [{"url": shim, "unshimmed_url": self.link,
                                             "type": "share"}]}
        return data


class FakeGraph(FakeServer):
    """Fake Graph API for one Page. Point the publisher's ``graph_url`` at ``url``.

    ``page_token`` is a Page token (``/me`` is the Page); ``user_token`` (optional) is a
    user token: ``/me`` is a person and posting to the Page gives error 200.
    Injection: ``inject(kind, times=1, endpoint="POST feed", **params)`` where kind is a
    Graph error code (int; ``subcode=``, ``message=``, ``status=``, ``regain_minutes=``
    for 80001/4/17/32/613) or one of ``html_502``, ``no_content_type``, ``hang``
    (seconds=), ``drop``, ``drop_after_commit``, ``drip_after_commit`` (interval=: the
    answer one byte at a time). Endpoints: "POST feed", "POST photos",
    "GET me", "GET permissions", "GET published_posts", "DELETE object", "GET object".
    """

    def __init__(
        self,
        *,
        page_id: str = "1234567890",
        page_token: str = "EAAfakePAGEtoken",
        page_name: str = "Syndicator Test Page",
        user_token: str | None = None,
        user_id: str = "10000000000001",
        permissions: tuple[str, ...] = ("pages_manage_posts", "pages_read_engagement",
                                        "pages_show_list"),
        oldest_version: str = "v21.0",
        default_version: str = "v26.0",
        check_duplicates: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host, port)
        self.page_id = page_id
        self.page_token = page_token
        self.page_name = page_name
        self.user_token = user_token
        self.user_id = user_id
        self.permissions = list(permissions)
        self.oldest_version = oldest_version
        self.default_version = default_version
        self.check_duplicates = check_duplicates
        self.faults = FaultQueue()
        self.created: list[GraphPost] = []
        self.versions_used: list[str | None] = []
        self.token_sources: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self._ids = itertools.count(100000000000001)

    @property
    def posts(self) -> list[GraphPost]:
        """Posts that exist now, oldest first."""
        with self.lock:
            return [p for p in self.created if not p.deleted]

    def count(self, endpoint: str) -> int:
        with self.lock:
            return sum(1 for call in self.calls if call[0] == endpoint)

    def inject(self, kind: int | str, *, times: int | None = 1,
               endpoint: str | None = "POST feed", **params: Any) -> None:
        """Make the next ``times`` calls to ``endpoint`` ("*" for any) fail as ``kind``."""
        self.faults.add(str(kind), times=times, endpoint=endpoint, **params)

    def add_post(self, message: str | None, link: str | None = None, *,
                 created_time: datetime | None = None) -> GraphPost:
        """Seed the Page with a post made elsewhere (reconciliation tests)."""
        with self.lock:
            return self._create(message, link, created_time or datetime.now(UTC), "")

    # ---- HTTP ---------------------------------------------------------------------
    def served_version(self, requested: str | None) -> str:
        """The version Meta would really use: expired ones fall forward to the oldest."""
        if requested is None:
            return self.default_version

        def key(v: str) -> tuple[int, int]:
            major, minor = v[1:].split(".")
            return int(major), int(minor)

        return self.oldest_version if key(requested) < key(self.oldest_version) else requested

    def dispatch(self, request: Request) -> Action:
        match = _VERSION.match(request.path)
        version, path = (match.group(1), match.group(2) or "/") if match else (None, request.path)
        segments = [s for s in path.split("/") if s]
        endpoint = self._endpoint(request.method, segments)
        with self.lock:
            self.versions_used.append(version)
            self.calls.append((endpoint, request.path))
        served = self.served_version(version)
        fields = form_fields(request.header("Content-Type"), request.body)
        token, source = self._token(request, fields)
        with self.lock:
            self.token_sources.append(source)
        if token not in {self.page_token, self.user_token} or token is None:
            return self._error(served, 190, None, None, None)
        fault = self.faults.take(endpoint, request)
        if fault is not None and not fault.kind.endswith("_after_commit"):
            return self._fault(served, fault)
        reply = self._route(request, endpoint, segments, fields, token, served)
        if fault is not None and reply.status == 200:
            if fault.kind == "drip_after_commit":
                return Drip(reply, float(fault.params.get("interval", 1.0)))
            return Drop()
        return reply

    @staticmethod
    def _endpoint(method: str, segments: list[str]) -> str:
        if segments in (["me"], ["debug_token"]):
            return f"{method} {segments[0]}"
        if len(segments) == 2 and segments[1] in ("permissions", "feed", "photos",
                                                  "published_posts"):
            return f"{method} {segments[1]}"
        return f"{method} object"

    def _token(self, request: Request, fields: dict[str, Any]) -> tuple[str | None, str]:
        if request.method == "POST" and "access_token" in fields:
            return fields["access_token"].text, "body"
        token = request.arg("access_token")
        if token is not None:
            return token, "query"
        auth = request.header("Authorization") or ""
        if auth.split(" ", 1)[0] in ("OAuth", "Bearer") and " " in auth:
            return auth.split(" ", 1)[1], "header"
        return None, "none"

    def _headers(self, served: str, extra: list[tuple[str, str]] | None = None,
                 content_type: str | None = JSON) -> list[tuple[str, str]]:
        usage = json.dumps({"call_count": 3, "total_time": 1, "total_cputime": 1})
        headers = [
            ("facebook-api-version", served),
            ("x-app-usage", usage),
            ("x-page-usage", usage),
            ("x-business-use-case-usage", json.dumps({self.page_id: [{
                "type": "pages", "call_count": 3, "total_cputime": 1, "total_time": 1,
                "estimated_time_to_regain_access": 0}]})),
            ("x-fb-trace-id", "FakeTrace123"),
            ("x-fb-rev", "1012345678"),
            ("x-fb-debug", "fake-debug=="),
            ("access-control-allow-origin", "*"),
        ]
        if content_type is not None:
            headers.insert(0, ("content-type", content_type))
        overridden = {name.lower() for name, _ in extra or []}
        return [h for h in headers if h[0] not in overridden] + (extra or [])

    def _ok(self, served: str, body: Any) -> Reply:
        return Reply(200, json.dumps(body).encode(), self._headers(served))

    def _error(self, served: str, code: int, subcode: int | None, message: str | None,
               status: int | None, extra: list[tuple[str, str]] | None = None,
               error_type: str = "OAuthException") -> Reply:
        if code == 190:
            default_status, default_message, fields = 400, TOKEN_190.get(subcode,
                                                                         TOKEN_190[None]), {}
        else:
            default_status, default_message, fields = ERRORS.get(code, (400, "Unknown", {}))
        error: dict[str, Any] = {"message": message or default_message, "type": error_type,
                                 "code": code}
        fields = dict(fields)
        if subcode is not None:
            fields["error_subcode"] = subcode
        error.update(fields)
        error["fbtrace_id"] = "AbCdEfGhIjK"
        return Reply(status or default_status, json.dumps({"error": error}).encode(),
                     self._headers(served, extra))

    def _fault(self, served: str, fault: Fault) -> Action:
        p = fault.params
        if fault.kind == "html_502":
            return Reply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                         [("content-type", "text/html; charset=utf-8")])
        if fault.kind == "no_content_type":
            return Reply(500, b"", self._headers(served, content_type=None))
        if fault.kind == "hang":
            return Hang(float(p.get("seconds", 5.0)))
        if fault.kind == "drop":
            return Drop()
        code = int(fault.kind)
        extra: list[tuple[str, str]] = []
        if "regain_minutes" in p:
            extra.append(("x-business-use-case-usage", json.dumps({self.page_id: [{
                "type": "pages", "call_count": 100, "total_cputime": 25, "total_time": 25,
                "estimated_time_to_regain_access": int(p["regain_minutes"])}]})))
        return self._error(served, code, p.get("subcode"), p.get("message"), p.get("status"),
                           extra, p.get("type", "OAuthException"))

    def _route(self, request: Request, endpoint: str, segments: list[str],
               fields: dict[str, Any], token: str, served: str) -> Reply:
        is_page = token == self.page_token
        if endpoint == "GET me":
            if is_page:
                return self._ok(served, {"name": self.page_name, "id": self.page_id})
            return self._ok(served, {"name": "Test User", "id": self.user_id})
        if endpoint == "GET debug_token":
            return self._debug_token(request.arg("input_token"), served)
        if endpoint == "GET permissions" and is_page:
            return self._error(served, 100, None, "(#100) Tried accessing nonexisting field "
                               "(permissions) on node type (Page)", 400)
        if endpoint == "GET permissions":
            return self._ok(served, {"data": [{"permission": p, "status": "granted"}
                                              for p in self.permissions]})
        if endpoint in ("POST feed", "POST photos", "GET published_posts", "GET feed") and (
                segments[0] != self.page_id):
            return self._error(served, 100, 33, self._unsupported(request.method, segments[0]),
                               400, error_type="GraphMethodException")
        if endpoint in ("POST feed", "POST photos"):
            if not is_page or "pages_manage_posts" not in self.permissions:
                return self._error(served, 200, None, None, 403)
            return self._publish(endpoint, fields, served)
        if endpoint in ("GET published_posts", "GET feed"):
            return self._list(request, served)
        if endpoint == "DELETE object":
            with self.lock:
                found = [p for p in self.created if p.id == segments[0] and not p.deleted]
                for post in found:
                    post.deleted = True
            if not found:
                return self._error(served, 100, 33, self._unsupported("delete", segments[0]),
                                   400, error_type="GraphMethodException")
            return self._ok(served, {"success": True})
        if endpoint == "GET object" and segments == [self.page_id]:
            return self._ok(served, {"id": self.page_id, "name": self.page_name})
        return self._error(served, 100, 33, self._unsupported(request.method, "/".join(segments)),
                           400, error_type="GraphMethodException")

    def _debug_token(self, input_token: str | None, served: str) -> Reply:
        """``GET /debug_token``: how ``check()`` learns a token's type and scopes."""
        if input_token not in {self.page_token, self.user_token} or input_token is None:
            return self._ok(served, {"data": {"is_valid": False, "scopes": [], "error": {
                "code": 190, "message": TOKEN_190[None]}}})
        data: dict[str, Any] = {
            "app_id": "123456789", "application": "Syndicator", "type": "USER",
            "expires_at": 0, "data_access_expires_at": 0, "is_valid": True,
            "issued_at": 1767225600, "scopes": list(self.permissions),
            "granular_scopes": [{"scope": p, "target_ids": [self.page_id]}
                                for p in self.permissions if p.startswith("pages_")],
            "user_id": self.user_id,
        }
        if input_token == self.page_token:
            data.update(type="PAGE", profile_id=self.page_id)
        return self._ok(served, {"data": data})

    @staticmethod
    def _unsupported(method: str, obj: str) -> str:
        return (f"Unsupported {method.lower()} request. Object with ID '{obj}' does not exist, "
                "cannot be loaded due to missing permissions, or does not support this "
                "operation. Please read the Graph API documentation at "
                "https://developers.facebook.com/docs/graph-api")

    def _publish(self, endpoint: str, fields: dict[str, Any], served: str) -> Reply:
        def text(name: str) -> str | None:
            return fields[name].text if name in fields else None

        if endpoint == "POST feed":
            message, link = text("message"), text("link")
            if not message and not link:
                return self._error(served, 100, None, "(#100) Missing message or attachment",
                                   400)
            with self.lock:
                if self.check_duplicates and message and self.created and not \
                        self.created[-1].deleted and self.created[-1].message == message:
                    return self._error(served, 506, None, None, None)
                post = self._create(message, link, datetime.now(UTC), served)
            return self._ok(served, {"id": post.id})
        source, url = fields.get("source"), text("url")
        if (source is None or not source.data) and not url:
            return self._error(served, 324, None, "(#324) Requires upload file", 400)
        if source is not None and len(source.data) > 10 * 1024 * 1024:
            return self._error(served, 100, None, "(#100) Photo size exceeds the limit", 400)
        with self.lock:
            post = self._create(text("caption") or text("message"), None, datetime.now(UTC),
                                served, kind="photo")
            post.photo_id = str(next(self._ids))
            post.photo_bytes = len(source.data) if source is not None else 0
            post.photo_url = url
        return self._ok(served, {"id": post.photo_id, "post_id": post.id})

    def _create(self, message: str | None, link: str | None, created: datetime, version: str,
                kind: str | None = None) -> GraphPost:
        post = GraphPost(f"{self.page_id}_{next(self._ids)}", message, link, created,
                         kind or ("link" if link else "status"), version=version)
        self.created.append(post)
        return post

    def _list(self, request: Request, served: str) -> Reply:
        fields = request.arg("fields") or "id,message,created_time"
        since_arg = request.arg("since")
        since = datetime.fromtimestamp(int(since_arg), UTC) if since_arg else None
        limit = int(request.arg("limit") or 25)
        with self.lock:
            posts = [p for p in reversed(self.created) if not p.deleted
                     and (since is None or p.created_time >= since.replace(microsecond=0))]
        posts = posts[:limit]
        return self._ok(served, {"data": [p.as_api(fields, self.page_id) for p in posts],
                                 "paging": {"cursors": {"before": "QVFIUb", "after": "QVFIUa"}}})
