"""The fake Bluesky PDS holds to the real XRPC contracts (docs/bluesky-api.md), over plain
HTTP and through the atproto SDK a publisher will use."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpcore
import httpx
import pytest
import requests
from atproto import Client, Request, SessionEvent, models
from atproto_client import exceptions as sdk_errors

try:
    from fakes.bluesky_api import FakeBluesky, decode_jwt, make_tid
except ImportError:  # tests/ became a package
    from tests.fakes.bluesky_api import (  # type: ignore[no-redef]
        FakeBluesky,
        decode_jwt,
        make_tid,
    )

# httpx warns that the SDK passes raw bytes as data= in uploadBlob; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
CREATE = "com.atproto.repo.createRecord"


@pytest.fixture
def bsky() -> Iterator[FakeBluesky]:
    server = FakeBluesky().start()
    try:
        yield server
    finally:
        server.stop()


def xrpc(fake: FakeBluesky, method: str, nsid: str, token: str | None = None,
         **kwargs: Any) -> requests.Response:
    headers = dict(kwargs.pop("headers", {}))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, f"{fake.url}/xrpc/{nsid}", headers=headers, timeout=2,
                            **kwargs)


def login(fake: FakeBluesky) -> dict[str, Any]:
    response = xrpc(fake, "POST", "com.atproto.server.createSession",
                    json={"identifier": fake.handle, "password": fake.app_password})
    assert response.status_code == 200, response.text
    return response.json()


def post(text: str = "Hello", **fields: Any) -> dict[str, Any]:
    return {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-03-01T09:30:00.000Z",
            **fields}


def create(fake: FakeBluesky, token: str, record: dict[str, Any], rkey: str | None = None,
           **body: Any) -> requests.Response:
    payload = {"repo": fake.did, "collection": "app.bsky.feed.post", "record": record, **body}
    if rkey is not None:
        payload["rkey"] = rkey
    return xrpc(fake, "POST", CREATE, token, json=payload)


def upload(fake: FakeBluesky, token: str, data: bytes = PNG,
           content_type: str = "*/*") -> dict[str, Any]:
    response = xrpc(fake, "POST", "com.atproto.repo.uploadBlob", token, data=data,
                    headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    return response.json()["blob"]


def test_create_session_tokens_headers_and_refusal(bsky: FakeBluesky) -> None:
    first = xrpc(bsky, "POST", "com.atproto.server.createSession",
                 json={"identifier": bsky.handle.upper(), "password": bsky.app_password})
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json; charset=utf-8"
    assert (first.headers["ratelimit-limit"], first.headers["ratelimit-remaining"],
            first.headers["ratelimit-policy"]) == ("30", "29", "30;w=300")
    assert int(first.headers["ratelimit-reset"]) > time.time()
    session = first.json()
    assert {k: session[k] for k in ("handle", "did", "active", "emailConfirmed")} == {
        "handle": bsky.handle, "did": bsky.did, "active": True, "emailConfirmed": True}
    assert session["didDoc"]["service"][0]["serviceEndpoint"] == bsky.url
    header, claims = decode_jwt(session["accessJwt"])
    assert header == {"typ": "at+jwt", "alg": "HS256"}
    assert claims["scope"] == "com.atproto.appPass" and claims["sub"] == bsky.did
    assert claims["exp"] - claims["iat"] == 7200
    header, claims = decode_jwt(session["refreshJwt"])
    assert header["typ"] == "refresh+jwt" and claims["scope"] == "com.atproto.refresh"
    assert claims["jti"] and claims["exp"] - claims["iat"] == 90 * 86400
    for identifier in (bsky.did, bsky.email):  # a DID or the email work as identifiers too
        assert xrpc(bsky, "POST", "com.atproto.server.createSession", json={
            "identifier": identifier, "password": bsky.app_password}).status_code == 200
    for identifier, password in ((bsky.handle, "wrong-pass-word-xxxx"), ("x.bsky.social",
                                                                          bsky.app_password)):
        refused = xrpc(bsky, "POST", "com.atproto.server.createSession",
                       json={"identifier": identifier, "password": password})
        assert refused.status_code == 401
        assert refused.json() == {"error": "AuthenticationRequired",
                                  "message": "Invalid identifier or password"}
    missing = xrpc(bsky, "POST", "com.atproto.server.createSession",
                   json={"identifier": bsky.handle})
    assert missing.json() == {"error": "InvalidRequest",
                              "message": 'Missing required key "password" at $'}
    assert bsky.sessions_created == 3
    assert bsky.count("com.atproto.server.createSession") == 6


def test_create_session_rate_limit_natural_and_injected() -> None:
    with FakeBluesky(rate_limits={"createSession-5m": (2, 300)}) as fake:
        login(fake)
        login(fake)
        limited = xrpc(fake, "POST", "com.atproto.server.createSession",
                       json={"identifier": fake.handle, "password": fake.app_password})
        assert limited.status_code == 429
        assert limited.json() == {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
        assert limited.headers["ratelimit-remaining"] == "0"
        assert limited.headers["ratelimit-policy"] == "2;w=300"
        assert 0 < int(limited.headers["retry-after"]) <= 300
        assert fake.sessions_created == 2
    with FakeBluesky() as fake:
        reset = int(time.time()) + 120
        fake.inject("rate_limit", endpoint="com.atproto.server.createSession", reset=reset)
        limited = xrpc(fake, "POST", "com.atproto.server.createSession",
                       json={"identifier": "newsroom.bsky.social", "password": "whatever"})
        assert limited.status_code == 429
        assert {k: limited.headers[k] for k in ("ratelimit-limit", "ratelimit-remaining",
                                                "ratelimit-reset", "ratelimit-policy")} == {
            "ratelimit-limit": "30", "ratelimit-remaining": "0", "ratelimit-reset": str(reset),
            "ratelimit-policy": "30;w=300"}


def test_tokens_verify_expire_refresh_and_revoke(bsky: FakeBluesky) -> None:
    session = login(bsky)
    access, refresh = session["accessJwt"], session["refreshJwt"]
    me = xrpc(bsky, "GET", "com.atproto.server.getSession", access).json()
    assert (me["handle"], me["did"]) == (bsky.handle, bsky.did)
    cases = [
        ({}, 401, {"error": "AuthMissing", "message": "Authentication Required"}),
        ({"Authorization": "Bearer not.a.jwt"}, 400,
         {"error": "InvalidToken", "message": "Token could not be verified"}),
        ({"Authorization": f"Bearer {refresh}"}, 400,
         {"error": "InvalidToken", "message": "Token could not be verified"}),
        ({"Authorization": "Basic YWRtaW46eA=="}, 400,
         {"error": "InvalidToken", "message": "Unexpected authorization type"}),
    ]
    for headers, status, body in cases:
        response = xrpc(bsky, "GET", "com.atproto.server.getSession", headers=headers)
        assert (response.status_code, response.json()) == (status, body), headers
    bsky.advance(7201)  # past the 2 h access lifetime on the server's clock
    expired = xrpc(bsky, "GET", "com.atproto.server.getSession", access)
    assert (expired.status_code, expired.json()) == (
        400, {"error": "ExpiredToken", "message": "Token has expired"})
    wrong = xrpc(bsky, "POST", "com.atproto.server.refreshSession", session["accessJwt"])
    assert wrong.json()["error"] == "InvalidToken"
    renewed = xrpc(bsky, "POST", "com.atproto.server.refreshSession", refresh)
    assert renewed.status_code == 200 and bsky.refreshes == 1
    renewed_refresh = renewed.json()["refreshJwt"]
    assert renewed.json()["handle"] == bsky.handle
    assert xrpc(bsky, "GET", "com.atproto.server.getSession",
                renewed.json()["accessJwt"]).status_code == 200
    # the rotated refresh token still works during its 2 h grace period, then is revoked:
    # a stored session string must be re-saved after every refresh
    assert xrpc(bsky, "POST", "com.atproto.server.refreshSession", refresh).status_code == 200
    bsky.advance(7201)
    stale = xrpc(bsky, "POST", "com.atproto.server.refreshSession", refresh)
    assert stale.json() == {"error": "ExpiredToken", "message": "Token has been revoked"}
    assert xrpc(bsky, "POST", "com.atproto.server.refreshSession",
                renewed_refresh).status_code == 200
    bsky.revoke_sessions()  # as revoking the app password does
    revoked = xrpc(bsky, "POST", "com.atproto.server.refreshSession", renewed_refresh)
    assert (revoked.status_code, revoked.json()) == (
        400, {"error": "ExpiredToken", "message": "Token has been revoked"})
    assert bsky.sessions_created == 1


def test_blob_card_facets_rkey_then_read_back(bsky: FakeBluesky) -> None:
    token = login(bsky)["accessJwt"]
    blob = upload(bsky, token)  # sent as */*, as the SDK does: the PDS sniffs the type
    assert blob["$type"] == "blob" and blob["mimeType"] == "image/png"
    assert blob["size"] == len(PNG) and blob["ref"]["$link"].startswith("bafkrei")
    assert bsky.blobs[blob["ref"]["$link"]].data == PNG
    text = "Café au lait ☕ #matin https://news.example/a"
    raw = text.encode()
    tag_at, link_at = raw.index(b"#matin"), raw.index(b"https://")
    record = post(text, langs=["fr"], facets=[
        {"index": {"byteStart": tag_at, "byteEnd": tag_at + 6},
         "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "matin"}]},
        {"index": {"byteStart": link_at, "byteEnd": len(raw)},
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://news.example/a"}]},
    ], embed={"$type": "app.bsky.embed.external", "external": {
        "uri": "https://news.example/a", "title": "Title", "description": "Desc", "thumb": blob}})
    rkey = make_tid()
    created = create(bsky, token, record, rkey)
    assert created.status_code == 200, created.text
    body = created.json()
    [stored] = bsky.posts
    assert body["uri"] == f"at://{bsky.did}/app.bsky.feed.post/{rkey}" == stored.uri
    assert body["cid"] == stored.cid and body["cid"].startswith("bafyrei")
    assert set(body["commit"]) == {"cid", "rev"} and body["validationStatus"] == "valid"
    assert [s for s, _ in stored.facet_slices()] == ["#matin", "https://news.example/a"]
    assert stored.facet_problems == [] and stored.tags == ["matin"]
    assert {k: v for k, v in created.headers.items() if k.startswith("ratelimit")}
    got = xrpc(bsky, "GET", "com.atproto.repo.getRecord",
               params={"repo": bsky.handle, "collection": "app.bsky.feed.post", "rkey": rkey})
    assert got.json() == {"uri": stored.uri, "cid": stored.cid, "value": record}
    bad = create(bsky, token, post("oops", facets=[{"index": {"byteStart": 2, "byteEnd": 99},
                                                    "features": []}]), make_tid())
    assert bad.status_code == 200  # the PDS does not check ranges; the fake notes them
    assert bsky.posts[-1].facet_problems == ["facets[0]: byteEnd 99 is past the end of the text "
                                             "(4 bytes)"]
    listed = xrpc(bsky, "GET", "com.atproto.repo.listRecords", params={
        "repo": bsky.did, "collection": "app.bsky.feed.post", "limit": 1}).json()
    assert [r["value"]["text"] for r in listed["records"]] == ["oops"]  # newest first
    older = xrpc(bsky, "GET", "com.atproto.repo.listRecords", params={
        "repo": bsky.did, "collection": "app.bsky.feed.post", "cursor": listed["cursor"]}).json()
    assert [r["uri"] for r in older["records"]] == [stored.uri]
    missing = xrpc(bsky, "GET", "com.atproto.repo.getRecord", params={
        "repo": bsky.did, "collection": "app.bsky.feed.post", "rkey": "3kaaaaaaaaaaa"})
    assert (missing.status_code, missing.json()) == (400, {
        "error": "RecordNotFound",
        "message": f"Could not locate record: at://{bsky.did}/app.bsky.feed.post/3kaaaaaaaaaaa"})


def test_post_validation_messages_match_the_pds(bsky: FakeBluesky) -> None:
    token = login(bsky)["accessJwt"]
    thumb = upload(bsky, token)
    prefix = "Invalid app.bsky.feed.post record: "

    def card(**thumb_fields: Any) -> dict[str, Any]:
        return {"$type": "app.bsky.embed.external", "external": {
            "uri": "https://x.example/", "title": "t", "description": "d",
            "thumb": {**thumb, **thumb_fields}}}

    cases: list[tuple[dict[str, Any], str | None, str]] = [
        (post("a" * 301), None,
         prefix + "grapheme too big (maximum 300, got 301) at $.record.text"),
        (post("é" * 1501), None,  # bytes are checked before graphemes
         prefix + "string too big (maximum 3000, got 3002) at $.record.text"),
        ({"text": "x"}, None, prefix + 'Missing required key "createdAt" at $.record'),
        (post(createdAt="2026-03-01 09:30"), None,
         prefix + 'Invalid datetime (got "2026-03-01 09:30") at $.record.createdAt'),
        (post(langs=["en", "fr", "de", "es"]), None,
         prefix + "array too big (maximum 3, got 4) at $.record.langs"),
        (post(facets=[{"index": {"byteStart": 0, "byteEnd": 1}, "features": [
            {"$type": "app.bsky.richtext.facet#tag", "tag": "t" * 65}]}]), None,
         prefix + "grapheme too big (maximum 64, got 65) at $.record.facets[0].features[0].tag"),
        (post(embed={"$type": "app.bsky.embed.images", "images": [{"image": thumb}]}), None,
         prefix + 'Missing required key "alt" at $.record.embed.images[0]'),
        (post(embed=card(mimeType="text/plain")), None,
         prefix + 'Expected "image/*" (got "text/plain") at '
         "$.record.embed.external.thumb.mimeType"),
        (post(embed=card(size=1_000_001)), None,
         prefix + "blob too big (maximum 1000000, got 1000001) at $.record.embed.external.thumb"),
        (post(), "my-post-1", 'Invalid record key for app.bsky.feed.post: Invalid TID string '
         '(got "my-post-1") at $'),
        (post(), "a/b", 'Invalid record key (got "a/b") at $.rkey'),
        (post(embed=card(size=thumb["size"] + 1)), None, "Referenced Size does not match stored "
         f"blob. Expected: {thumb['size']}, Got: {thumb['size'] + 1}"),
    ]
    for record, rkey, message in cases:
        response = create(bsky, token, record, rkey)
        assert response.status_code == 400, response.text
        assert response.json()["message"] == message
    never_uploaded = "bafkreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"
    response = create(bsky, token, post(embed=card(ref={"$link": never_uploaded})))
    assert response.json() == {"error": "BlobNotFound",
                               "message": f"Could not find blob: {never_uploaded}"}
    assert bsky.posts == []
    assert create(bsky, token, post("👍🏽" * 300), make_tid()).status_code == 200  # 2400 bytes
    skipped = create(bsky, token, post("a" * 301), "custom-key", validate=False)
    assert skipped.status_code == 200 and "validationStatus" not in skipped.json()


def test_legacy_pds_messages() -> None:
    with FakeBluesky(legacy_validation=True) as fake:
        token = login(fake)["accessJwt"]
        too_long = create(fake, token, post("a" * 301))
        assert too_long.json() == {"error": "InvalidRequest", "message": "Invalid "
                                   "app.bsky.feed.post record: Record/text must not be longer "
                                   "than 300 graphemes"}
        big = upload(fake, token, PNG + bytes(1_200_000 - len(PNG)))
        card = {"$type": "app.bsky.embed.external", "external": {
            "uri": "https://x.example/", "title": "t", "description": "d", "thumb": big}}
        response = create(fake, token, post(embed=card), "any-key-worked-then")
        assert response.json() == {"error": "BlobTooLarge", "message": "This file is too large. "
                                   "It is 1.14MB but the maximum size is 976.56KB."}
        assert create(fake, token, post(), "any-key-worked-then").status_code == 200


def test_duplicate_rkey_is_a_bare_500_and_never_a_second_record(bsky: FakeBluesky) -> None:
    token = login(bsky)["accessJwt"]
    rkey = make_tid()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: create(bsky, token, post(f"try {i}"), rkey), range(8)))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [500] * 7
    assert {r.text for r in results if r.status_code == 500} == {
        '{"error":"InternalServerError","message":"Internal Server Error"}'}
    assert len(bsky.posts) == 1 and bsky.posts[0].rkey == rkey


def test_unknown_method_wrong_verb_and_limits() -> None:
    with FakeBluesky(blob_limit=1000) as fake:
        token = login(fake)["accessJwt"]
        assert xrpc(fake, "GET", "com.example.nope", token).json() == {
            "error": "MethodNotImplemented", "message": "Method Not Implemented"}
        assert xrpc(fake, "GET", "com.example.nope").status_code == 401
        wrong = xrpc(fake, "GET", CREATE, token)
        assert (wrong.status_code, wrong.json()["message"]) == (
            400, "Incorrect HTTP method (GET) expected POST")
        assert xrpc(fake, "GET", "_health").json() == {"version": "0.5.29"}
        too_big = xrpc(fake, "POST", "com.atproto.repo.uploadBlob", token, data=bytes(1001),
                       headers={"Content-Type": "image/png"})
        assert (too_big.status_code, too_big.json()) == (
            413, {"error": "PayloadTooLarge", "message": "request entity too large"})
        untyped = xrpc(fake, "POST", "com.atproto.repo.uploadBlob", token, data=b"x")
        assert untyped.json()["message"] == ("Request encoding (Content-Type) required but not "
                                             "provided")


def test_injected_failures_over_http(bsky: FakeBluesky) -> None:
    token = login(bsky)["accessJwt"]
    bsky.inject("server_error")
    response = create(bsky, token, post())
    assert (response.status_code, response.json()) == (
        500, {"error": "InternalServerError", "message": "Internal Server Error"})
    bsky.inject("proxy_error", status=503)
    response = create(bsky, token, post())
    assert response.status_code == 503 and response.headers["content-type"] == "text/html"
    assert b"503 Service Temporarily Unavailable" in response.content
    bsky.inject("takedown")
    assert create(bsky, token, post()).json() == {"error": "AccountTakedown",
                                                   "message": "Account has been taken down"}
    bsky.inject("drop")
    with pytest.raises(requests.ConnectionError):
        create(bsky, token, post("dropped before"))
    bsky.inject("hang", seconds=1)
    with pytest.raises(requests.ReadTimeout):
        requests.post(f"{bsky.url}/xrpc/{CREATE}", timeout=0.2, json={
            "repo": bsky.did, "collection": "app.bsky.feed.post", "record": post("hung")},
            headers={"Authorization": f"Bearer {token}"})
    assert bsky.posts == []
    bsky.inject("drop_after_commit")
    with pytest.raises(requests.ConnectionError):
        create(bsky, token, post("committed, answer lost"))
    assert [p.text for p in bsky.posts] == ["committed, answer lost"]
    bsky.inject("rate_limit", times=2)
    assert [create(bsky, token, post(f"n{i}")).status_code for i in range(3)] == [429, 429, 200]


# ---- through the atproto SDK -------------------------------------------------------------
def test_sdk_login_upload_create_with_rkey_and_reuse_the_session(bsky: FakeBluesky) -> None:
    events: list[SessionEvent] = []
    client = Client(bsky.url)  # "/xrpc" is appended; the session's didDoc then re-points it
    client.on_session_change(lambda event, _session: events.append(event))
    profile = client.login(bsky.handle, bsky.app_password)
    assert profile is not None and profile.did == bsky.did
    assert events == [SessionEvent.CREATE] and bsky.sessions_created == 1
    upload_response = client.upload_blob(PNG)
    assert upload_response.blob.mime_type == "image/png"
    rkey = make_tid()
    text = "Une citation #presse"
    start = len(text.encode()) - len(b"#presse")
    record = models.AppBskyFeedPost.Record(
        text=text, created_at=client.get_current_time_iso(), langs=["fr"],
        facets=[models.AppBskyRichtextFacet.Main(
            index=models.AppBskyRichtextFacet.ByteSlice(byte_start=start, byte_end=len(text)),
            features=[models.AppBskyRichtextFacet.Tag(tag="presse")])],
        embed=models.AppBskyEmbedExternal.Main(external=models.AppBskyEmbedExternal.External(
            uri="https://news.example/a", title="T", description="D",
            thumb=upload_response.blob)))
    created = client.com.atproto.repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
        repo=bsky.did, collection="app.bsky.feed.post", rkey=rkey, record=record))
    assert created.uri == f"at://{bsky.did}/app.bsky.feed.post/{rkey}"
    assert created.validation_status == "valid"
    assert bsky.post(rkey) is not None
    assert [s for s, _ in bsky.posts[0].facet_slices()] == ["#presse"]
    with pytest.raises(sdk_errors.RequestException) as duplicate:
        client.app.bsky.feed.post.create(bsky.did, record, rkey=rkey)
    assert duplicate.value.response is not None and duplicate.value.response.status_code == 500
    # what a publisher stores between runs, and how the next run resumes without a login
    saved = client.export_session_string()
    again = Client()
    again.login(session_string=saved)
    again.send_post("second run")
    assert bsky.sessions_created == 1 and [p.text for p in bsky.posts] == [text, "second run"]


def test_sdk_refreshes_when_the_access_token_is_near_expiry() -> None:
    with FakeBluesky(access_ttl=600) as fake:  # < the SDK's 15-minute refresh margin
        client = Client(fake.url)
        events: list[SessionEvent] = []
        client.on_session_change(lambda event, _session: events.append(event))
        client.login(fake.handle, fake.app_password)
        client.send_post("one")
        assert fake.refreshes >= 1 and SessionEvent.REFRESH in events
        assert fake.sessions_created == 1


def test_sdk_exceptions_for_each_failure(bsky: FakeBluesky) -> None:
    client = Client(bsky.url, request=Request(timeout=0.3))
    client.login(bsky.handle, bsky.app_password)
    expectations: list[tuple[str, dict[str, Any], type[Exception], int | None, str | None]] = [
        ("error", {"status": 400, "message": "bad"}, sdk_errors.BadRequestError, 400,
         "InvalidRequest"),
        ("takedown", {}, sdk_errors.UnauthorizedError, 401, "AccountTakedown"),
        ("rate_limit", {}, sdk_errors.RateLimitExceededError, 429, "RateLimitExceeded"),
        ("server_error", {"status": 500}, sdk_errors.RequestException, 500, "InternalServerError"),
        ("server_error", {"status": 503}, sdk_errors.RequestException, 503, "NotEnoughResources"),
        ("proxy_error", {"status": 502}, sdk_errors.NetworkError, 502, None),
        ("error", {"status": 413}, sdk_errors.NetworkError, 413, "PayloadTooLarge"),
        ("drop", {}, sdk_errors.NetworkError, None, None),
        ("hang", {"seconds": 2}, sdk_errors.InvokeTimeoutError, None, None),
    ]
    for kind, params, error, status, name in expectations:
        bsky.inject(kind, **params)
        with pytest.raises(error) as caught:
            client.send_post(f"fails as {kind}")
        response = getattr(caught.value, "response", None)
        assert (response.status_code if response else None) == status, kind
        content = response.content if response else None
        assert getattr(content, "error", None) == name, kind
    limited = sdk_errors.RateLimitExceededError
    bsky.inject("rate_limit", reset=int(time.time()) + 60)
    with pytest.raises(limited) as caught_limit:
        client.send_post("limited")
    assert caught_limit.value.remaining == 0 and caught_limit.value.reset_at is not None
    bsky.advance(7201)  # the SDK trusts its own clock: it does not refresh, the PDS refuses
    with pytest.raises(sdk_errors.BadRequestError) as expired:
        client.send_post("stale")
    assert expired.value.response is not None
    assert getattr(expired.value.response.content, "error", None) == "ExpiredToken"
    assert bsky.posts == []


class _DeadlineStream(httpcore.NetworkStream):
    """Every read/write gets at most what is left of the call's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: threading.local) -> None:
        self.inner, self.deadline = inner, deadline

    def _left(self, timeout: float | None) -> float:
        left = self.deadline.at - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("whole-call deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self._left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self._left(timeout))

    def close(self) -> None:
        self.inner.close()

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx timeouts are per read, so a server that drips one byte per second never times
    out; this bounds the whole call (headers and body). Uses httpx's private ``_pool``."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.deadline = threading.local()
        deadline = self.deadline

        class Backend(httpcore.SyncBackend):
            def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
                return _DeadlineStream(super().connect_tcp(*args, **kwargs), deadline)

        self._pool._network_backend = Backend()  # private httpx/httpcore attributes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.deadline.at = time.monotonic() + self.seconds
        return super().handle_request(request)


def test_sdk_whole_call_deadline_against_a_dripping_answer(bsky: FakeBluesky) -> None:
    client = Client(bsky.url, request=Request(transport=DeadlineTransport(0.5)))
    client.login(bsky.handle, bsky.app_password)
    bsky.inject("drip_after_commit", interval=0.05)  # ~25 s for the whole answer
    started = time.monotonic()
    with pytest.raises(sdk_errors.InvokeTimeoutError):
        client.send_post("did it go through?")
    assert time.monotonic() - started < 1.5
    assert [p.text for p in bsky.posts] == ["did it go through?"]  # it did
