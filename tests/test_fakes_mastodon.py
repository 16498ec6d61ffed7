"""The fake Mastodon holds to the real API's contract (docs/mastodon-api.md), seen both
through plain ``requests`` and through the real Mastodon.py client."""

from __future__ import annotations

import io
import re
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonBadGatewayError,
    MastodonGatewayTimeoutError,
    MastodonInternalServerError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServiceUnavailableError,
    MastodonUnauthorizedError,
)
from PIL import Image

try:
    from fakes.mastodon_api import (
        MEDIA_NOT_READY,
        OUTSIDE_SCOPES,
        RACE_CONDITION,
        FakeMastodon,
        status_length,
    )
except ImportError:  # tests/ became a package
    from tests.fakes.mastodon_api import (
        MEDIA_NOT_READY,
        OUTSIDE_SCOPES,
        RACE_CONDITION,
        FakeMastodon,
        status_length,
    )

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one grapheme, 7 code points
ISO_RESET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    server = FakeMastodon().start()
    try:
        yield server
    finally:
        server.stop()


def client(fake: FakeMastodon, **kwargs: Any) -> Mastodon:
    options: dict[str, Any] = {"version_check_mode": "none", "ratelimit_method": "throw",
                               "request_timeout": 2}
    options.update(kwargs)
    return Mastodon(access_token=fake.access_token, api_base_url=fake.url, **options)


def auth(fake: FakeMastodon, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {fake.access_token}", **headers}


def post(fake: FakeMastodon, data: Any = None, *, json: Any = None, key: str | None = None,
         timeout: float = 2) -> requests.Response:
    headers = auth(fake, **({"Idempotency-Key": key} if key else {}))
    return requests.post(fake.url + "/api/v1/statuses", data=data, json=json, headers=headers,
                         timeout=timeout)


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def upload(fake: FakeMastodon, data: bytes, mime: str = "image/png",
           **fields: str) -> requests.Response:
    return requests.post(fake.url + "/api/v2/media", headers=auth(fake),
                         files={"file": ("card.png", data, mime)}, data=fields, timeout=2)


# ---- auth -------------------------------------------------------------------------------
def test_missing_wrong_and_revoked_tokens_are_401(fake: FakeMastodon) -> None:
    missing = requests.post(fake.url + "/api/v1/statuses", data={"status": "x"}, timeout=2)
    assert missing.status_code == 401
    assert missing.content == b'{"error":"The access token is invalid"}'
    assert missing.headers["Content-Type"] == "application/json; charset=utf-8"
    assert 'error="invalid_token"' in missing.headers["WWW-Authenticate"]
    wrong = requests.get(fake.url + "/api/v1/accounts/verify_credentials",
                         headers={"Authorization": "Bearer nope"}, timeout=2)
    assert wrong.json() == {"error": "The access token is invalid"}
    fake.token_status = "revoked"
    revoked = requests.get(fake.url + "/api/v1/accounts/verify_credentials", headers=auth(fake),
                           timeout=2)
    assert (revoked.status_code, revoked.json()) == (401, {
        "error": "The access token was revoked"})
    with pytest.raises(MastodonUnauthorizedError) as caught:
        client(fake).account_verify_credentials()
    assert caught.value.args[1:] == (401, "Unauthorized", "The access token was revoked")
    assert fake.posts == [] and fake.auth_failures == 4


def test_a_token_without_write_scope_is_403(fake: FakeMastodon) -> None:
    fake.scopes = ("read",)
    response = post(fake, {"status": "x"})
    assert (response.status_code, response.json()) == (403, {"error": OUTSIDE_SCOPES})
    api = client(fake)
    assert api.account_verify_credentials().id == fake.account_id  # a str subclass
    with pytest.raises(MastodonAPIError) as caught:  # no dedicated class for 403
        api.status_post("x")
    assert type(caught.value) is MastodonAPIError and caught.value.args[1] == 403
    fake.scopes = ("write:statuses", "read:accounts")  # granular scopes do
    assert post(fake, {"status": "x"}).status_code == 200


def test_public_reads_need_no_token_but_hide_private_statuses(fake: FakeMastodon) -> None:
    public = fake.add_status("hello")
    private = fake.add_status("secret", visibility="private")
    for path in ("/api/v1/instance", "/api/v2/instance/", f"/api/v1/statuses/{public.id}"):
        assert requests.get(fake.url + path, timeout=2).status_code == 200, path
    hidden = requests.get(f"{fake.url}/api/v1/statuses/{private.id}", timeout=2)
    assert (hidden.status_code, hidden.json()) == (404, {"error": "Record not found"})
    mine = requests.get(f"{fake.url}/api/v1/statuses/{private.id}", headers=auth(fake),
                        timeout=2)
    assert mine.json()["content"] == "<p>secret</p>"


# ---- instance and account ----------------------------------------------------------------
def test_instance_configuration_and_version_satisfy_mastodon_py() -> None:
    with FakeMastodon(max_characters=1000) as fake:
        v2 = requests.get(fake.url + "/api/v2/instance", timeout=2).json()
        statuses = v2["configuration"]["statuses"]
        assert statuses == {"max_characters": 1000, "max_media_attachments": 4,
                            "characters_reserved_per_url": 23}
        media = v2["configuration"]["media_attachments"]
        assert "image/png" in media["supported_mime_types"]
        assert media["image_size_limit"] == 16 * 1024 * 1024
        assert (v2["version"], v2["api_versions"]) == ("4.3.0", {"mastodon": 2})
        v1 = requests.get(fake.url + "/api/v1/instance", timeout=2).json()
        assert v1["configuration"]["statuses"]["max_characters"] == 1000
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # Mastodon.py warns when api_versions is missing
            api = client(fake, version_check_mode="created")
            assert (api.mastodon_major, api.mastodon_minor, api.mastodon_patch) == (4, 3, 0)
            assert api.mastodon_api_version == 2
            assert api.instance_v2().configuration.statuses.max_characters == 1000


def test_verify_credentials_is_the_account(fake: FakeMastodon) -> None:
    me = client(fake).account_verify_credentials()
    assert (str(me.id), me.username, me.acct) == (fake.account_id, "syndicator", "syndicator")
    assert me.url == f"{fake.url}/@syndicator" and me.display_name == fake.display_name


# ---- posting -----------------------------------------------------------------------------
def test_post_returns_the_status_as_mastodon_renders_it(fake: FakeMastodon) -> None:
    text = "Read <this> & https://news.example/articles/2026/a-rather-long-slug #News\n\nBye\nnow"
    status = client(fake).status_post(text, visibility="unlisted", language="en-GB",
                                      spoiler_text="cw")
    [stored] = fake.posts
    assert stored.text == text and str(status.id) == stored.id
    assert status.url == f"{fake.url}/@syndicator/{stored.id}"
    assert status.uri == f"{fake.url}/users/syndicator/statuses/{stored.id}"
    assert (status.visibility, status.language, status.sensitive) == ("unlisted", "en", True)
    assert stored.requested_language == "en-GB" and status.spoiler_text == "cw"
    assert status.content == (
        '<p>Read &lt;this&gt; &amp; <a href="https://news.example/articles/2026/a-rather-long-'
        'slug" target="_blank" rel="nofollow noopener noreferrer" translate="no"><span class='
        '"invisible">https://</span><span class="ellipsis">news.example/articles/2026/a-r</span>'
        '<span class="invisible">ather-long-slug</span></a> <a href="' + fake.url + '/tags/News'
        '" class="mention hashtag" rel="tag">#<span>News</span></a></p><p>Bye<br />now</p>')
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stored_created(fake))


def stored_created(fake: FakeMastodon) -> str:
    response = requests.get(f"{fake.url}/api/v1/statuses/{fake.posts[0].id}", timeout=2)
    assert b"\\u003cp\\u003e" in response.content  # Rails escapes <, >, & in JSON
    return str(response.json()["created_at"])


def test_json_bodies_and_unknown_languages_fall_back(fake: FakeMastodon) -> None:
    response = post(fake, json={"status": "Bonjour", "language": "zz", "sensitive": False})
    assert response.status_code == 200 and response.json()["language"] == "en"
    assert isinstance(response.json()["id"], str)
    assert post(fake, json={"status": "Salut", "language": "fr"}).json()["language"] == "fr"


def test_length_is_counted_as_mastodon_counts_it(fake: FakeMastodon) -> None:
    assert status_length("a" * 10 + " https://example.com/" + "p" * 200) == 10 + 1 + 23
    assert status_length("hi @someone@a.very.long.domain.example") == len("hi @someone")
    assert status_length(FAMILY * 3) == 3 and status_length("abc", "cw") == 5
    assert post(fake, {"status": "a" * 500}).status_code == 200
    assert post(fake, {"status": FAMILY * 500}).status_code == 200
    assert post(fake, {"status": "a" * 476 + " https://example.com/" + "z" * 300}).ok
    for data in ({"status": "a" * 501}, {"status": FAMILY * 501},
                 {"status": "a" * 499, "spoiler_text": "cw"}):
        response = post(fake, data)
        assert (response.status_code, response.json()) == (422, {
            "error": "Validation failed: Text character limit of 500 exceeded"})
    assert len(fake.posts) == 3


def test_blank_text_needs_media_and_a_lone_warning_becomes_the_text(fake: FakeMastodon) -> None:
    for data in ({"status": ""}, {"status": "  \n"}, {}):
        response = post(fake, data)
        assert response.json() == {"error": "Validation failed: Text can't be blank"}
    media_id = upload(fake, png()).json()["id"]
    assert post(fake, {"status": "", "media_ids[]": [media_id]}).status_code == 200
    only_cw = post(fake, {"status": "", "spoiler_text": "spoilers"}).json()
    assert (only_cw["content"], only_cw["spoiler_text"], only_cw["sensitive"]) == (
        "<p>spoilers</p>", "", True)


def test_media_ids_are_validated_like_post_status_service(fake: FakeMastodon) -> None:
    unknown = post(fake, {"status": "x", "media_ids[]": ["123", "abc"]})
    assert (unknown.status_code, unknown.json()) == (422, {
        "error": "Media 123, 0 not found or already attached to another post"})
    ids = [upload(fake, png()).json()["id"] for _ in range(5)]
    too_many = post(fake, {"status": "x", "media_ids[]": ids})
    assert too_many.json() == {"error": "Cannot attach more than 4 files"}
    assert post(fake, {"status": "x", "media_ids[]": ids[:2]}).status_code == 200
    reused = post(fake, {"status": "y", "media_ids[]": ids[:1]})
    assert reused.json()["error"].startswith(f"Media {ids[0]} not found or already attached")


# ---- idempotency ---------------------------------------------------------------------------
def test_idempotency_key_returns_the_same_status_for_an_hour(fake: FakeMastodon) -> None:
    api = client(fake)
    first = api.status_post("once", idempotency_key="feed:item-1")
    again = api.status_post("once, edited", idempotency_key="feed:item-1")  # the key wins
    assert again.id == first.id and again.content == "<p>once</p>"
    assert len(fake.posts) == 1 and fake.posts[0].idempotency_key == "feed:item-1"
    assert api.status_post("once", idempotency_key="feed:item-2").id != first.id
    start = fake.clock()
    fake.clock = lambda: start + 3600  # the Redis key has expired
    assert api.status_post("once", idempotency_key="feed:item-1").id != first.id
    assert len(fake.posts) == 3


def test_a_rejected_post_does_not_burn_its_key(fake: FakeMastodon) -> None:
    assert post(fake, {"status": "a" * 501}, key="k").status_code == 422
    fake.inject("server_error", status=502)
    assert post(fake, {"status": "ok"}, key="k").status_code == 502
    created = post(fake, {"status": "ok"}, key="k")
    assert created.status_code == 200 and len(fake.posts) == 1
    fake.expire_idempotency_keys()
    assert post(fake, {"status": "ok"}, key="k").json()["id"] != created.json()["id"]


def test_reset_after_commit_then_retry_with_the_key_finds_the_post(fake: FakeMastodon) -> None:
    api = client(fake)
    fake.inject("drop_after_commit")
    with pytest.raises(MastodonNetworkError):
        api.status_post("did it go through?", idempotency_key="item-9")
    assert len(fake.posts) == 1
    retried = api.status_post("did it go through?", idempotency_key="item-9")
    assert str(retried.id) == fake.posts[0].id and len(fake.posts) == 1


def test_a_retry_while_the_first_is_still_processing_is_a_503(fake: FakeMastodon) -> None:
    fake.inject("slow_commit", seconds=0.6)
    with pytest.raises(MastodonNetworkError):  # read timeout; the server carries on
        client(fake, request_timeout=0.2).status_post("slow", idempotency_key="s")
    racing = post(fake, {"status": "slow"}, key="s")
    assert (racing.status_code, racing.json()) == (503, {"error": RACE_CONDITION})
    with pytest.raises(MastodonServiceUnavailableError):
        client(fake).status_post("slow", idempotency_key="s")
    deadline = time.monotonic() + 3
    while not fake.posts and time.monotonic() < deadline:
        time.sleep(0.02)
    assert post(fake, {"status": "slow"}, key="s").json()["id"] == fake.posts[0].id
    assert len(fake.posts) == 1


def test_concurrent_posts_are_thread_safe(fake: FakeMastodon) -> None:
    results: list[int] = []

    def worker(offset: int) -> None:  # 5 at once: the listen backlog of the test server
        for n in range(offset, 20, 5):
            results.append(post(fake, {"status": f"post {n % 4}"}, key=f"key-{n % 4}")
                           .status_code)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20 and set(results) <= {200, 503}
    assert sorted(s.text for s in fake.posts) == [f"post {n}" for n in range(4)]
    assert len({s.id for s in fake.posts}) == 4


# ---- media -------------------------------------------------------------------------------
def test_upload_records_alt_text_bytes_and_mime(fake: FakeMastodon) -> None:
    data = png(64, 32)
    response = upload(fake, data, description="A teal card", focus="0.5,-0.25")
    body = response.json()
    assert response.status_code == 200 and body["type"] == "image" and body["url"]
    assert body["meta"]["original"] == {"width": 64, "height": 32, "size": "64x32",
                                        "aspect": 2.0}
    assert body["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    media = fake.media[body["id"]]
    assert (media.description, media.size, media.mime_type) == ("A teal card", len(data),
                                                                 "image/png")
    updated = requests.put(f"{fake.url}/api/v1/media/{body['id']}", headers=auth(fake),
                           data={"description": "Better alt"}, timeout=2)
    assert updated.json()["description"] == "Better alt" == media.description
    bogus = upload(fake, b"not an image")
    assert (bogus.status_code, bogus.json()) == (422, {
        "error": "Validation failed: File content type is invalid, File is invalid"})


def test_processing_media_answers_202_then_206_then_200(fake: FakeMastodon) -> None:
    fake.media_processing_polls = 2
    accepted = upload(fake, png())
    media_id = accepted.json()["id"]
    assert accepted.status_code == 202 and accepted.json()["url"] is None
    early = post(fake, {"status": "x", "media_ids[]": [media_id]})
    assert (early.status_code, early.json()) == (422, {"error": MEDIA_NOT_READY})
    poll = f"{fake.url}/api/v1/media/{media_id}"
    first = requests.get(poll, headers=auth(fake), timeout=2)
    assert (first.status_code, first.json()["url"]) == (206, None)
    second = requests.get(poll, headers=auth(fake), timeout=2)
    assert second.status_code == 200 and second.json()["url"]
    assert post(fake, {"status": "x", "media_ids[]": [media_id]}).status_code == 200
    gone = requests.get(poll, headers=auth(fake), timeout=2)  # attached: no longer yours
    assert (gone.status_code, gone.json()) == (404, {"error": "Record not found"})


def test_mastodon_py_media_post_and_synchronous_wait(fake: FakeMastodon,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    api = client(fake)
    media = api.media_post(png(), mime_type="image/png", description="alt")
    assert media.url and fake.media[str(media.id)].description == "alt"
    assert fake.count("POST /api/v2/media") == 1  # after one instance lookup: v1 and v2
    assert fake.count("GET /api/v1/instance") == 1
    fake.media_processing_polls = 3
    naps: list[float] = []
    monkeypatch.setattr("mastodon.media.time.sleep", naps.append)
    slow = api.media_post(png(), mime_type="image/png", synchronous=True)
    assert slow.url and naps == [5.0, 5.0, 5.0]  # Mastodon.py sleeps 5 s after every poll
    status = api.status_post("pics", media_ids=[media, slow])
    assert [m.description for m in status.media_attachments] == ["alt", None]


# ---- timeline ----------------------------------------------------------------------------
def test_account_statuses_newest_first_with_link_pagination(fake: FakeMastodon) -> None:
    start = datetime.now(UTC) - timedelta(hours=1)
    for n in range(5):
        fake.add_status(f"post {n}", created_at=start + timedelta(minutes=n))
    fake.add_status("reply to self", in_reply_to_id=fake.posts[0].id,
                    created_at=start + timedelta(minutes=9))
    url = f"{fake.url}/api/v1/accounts/{fake.account_id}/statuses"
    page = requests.get(url, params={"limit": "2", "exclude_replies": "true"}, headers=auth(fake),
                        timeout=2)
    assert [s["content"] for s in page.json()] == ["<p>reply to self</p>", "<p>post 4</p>"]
    links = requests.utils.parse_header_links(page.headers["Link"])
    assert [link["rel"] for link in links] == ["next", "prev"]
    assert links[0]["url"].endswith(f"limit=2&exclude_replies=true&max_id={fake.posts[4].id}")
    api = client(fake)
    first = api.account_statuses(fake.account_id, limit=4)
    rest = api.fetch_next(first)
    assert rest is not None
    assert [s.content for s in rest] == ["<p>post 1</p>", "<p>post 0</p>"]
    assert api.fetch_next(rest) is None  # a short page has no next link
    newer = requests.get(url, params={"min_id": fake.posts[2].id, "limit": "2"}, timeout=2)
    assert [s["content"] for s in newer.json()] == ["<p>post 4</p>", "<p>post 3</p>"]
    missing = requests.get(f"{fake.url}/api/v1/accounts/1/statuses", timeout=2)
    assert (missing.status_code, missing.json()) == (404, {"error": "Record not found"})


# ---- rate limits -------------------------------------------------------------------------
def test_rate_limit_headers_count_down_and_429_when_spent() -> None:
    with FakeMastodon(rate_limit=3) as fake:
        seen = []
        for _ in range(3):
            response = requests.get(fake.url + "/api/v1/accounts/verify_credentials",
                                    headers=auth(fake), timeout=2)
            seen.append(response.headers["X-RateLimit-Remaining"])
            assert response.headers["X-RateLimit-Limit"] == "3"
            assert ISO_RESET.fullmatch(response.headers["X-RateLimit-Reset"])
        assert seen == ["2", "1", "0"]
        limited = requests.get(fake.url + "/api/v1/accounts/verify_credentials",
                               headers=auth(fake), timeout=2)
        assert (limited.status_code, limited.json()) == (429, {"error": "Too many requests"})
        assert limited.headers["X-RateLimit-Remaining"] == "0"


def test_injected_429_and_mastodon_py_throw_mode(fake: FakeMastodon) -> None:
    fake.inject("rate_limit", reset_in=120)
    api = client(fake)
    before = time.monotonic()
    with pytest.raises(MastodonRatelimitError):
        api.status_post("x")
    assert time.monotonic() - before < 1 and fake.posts == []  # throw: no sleeping
    assert api.ratelimit_remaining == 0 and api.ratelimit_reset > time.time() + 100
    media = requests.post(fake.url + "/api/v2/media", headers=auth(fake),
                          files={"file": ("a.png", png(), "image/png")}, timeout=2)
    assert media.headers["X-RateLimit-Limit"] == "30"  # the media bucket is the tighter one


# ---- failures ------------------------------------------------------------------------------
@pytest.mark.parametrize(("status", "error"), [
    (500, MastodonInternalServerError), (502, MastodonBadGatewayError),
    (503, MastodonServiceUnavailableError), (504, MastodonGatewayTimeoutError)])
def test_5xx_are_html_pages_and_map_to_mastodon_py_errors(fake: FakeMastodon, status: int,
                                                          error: type[Exception]) -> None:
    fake.inject("server_error", status=status, times=2)
    raw = post(fake, {"status": "x"})
    assert raw.status_code == status and raw.headers["Content-Type"].startswith("text/html")
    with pytest.raises(error) as caught:
        client(fake).status_post("x")
    assert caught.value.args[3] is None  # no JSON error message to show
    assert fake.posts == []


def test_scripted_failures(fake: FakeMastodon) -> None:
    fake.inject("validation", message="Validation failed: Text can't be blank")
    with pytest.raises(MastodonAPIError) as caught:
        client(fake).status_post("x")
    # the reason phrase is the Python version's (3.13 says "Unprocessable Content")
    status, _, message = caught.value.args[1:]
    assert (status, message) == (422, "Validation failed: Text can't be blank")
    fake.inject("hang", seconds=5)
    with pytest.raises(requests.ReadTimeout):
        post(fake, {"status": "x"}, timeout=0.2)
    fake.inject("drop")
    with pytest.raises(requests.ConnectionError):
        post(fake, {"status": "x"})
    assert fake.posts == []
    fake.inject("hang_after_commit", seconds=5)
    with pytest.raises(MastodonNetworkError):
        client(fake, request_timeout=0.2).status_post("committed anyway")
    assert [s.text for s in fake.posts] == ["committed anyway"]
    fake.inject("not_found", endpoint="GET /api/v1/accounts/verify_credentials")
    with pytest.raises(MastodonNotFoundError):
        client(fake).account_verify_credentials()


def test_drip_after_commit_keeps_every_read_alive(fake: FakeMastodon) -> None:
    fake.inject("drip_after_commit", interval=0.01)
    body = b"status=slowly"
    with socket.create_connection(("127.0.0.1", fake.port), timeout=0.5) as conn:
        conn.sendall(b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                     + fake.access_token.encode() + b"\r\nContent-Type: application/x-www-form-"
                     b"urlencoded\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
                     + body)
        received = b""
        while len(received) < 12:
            received += conn.recv(1)  # one byte at a time, never a read timeout
    assert received == b"HTTP/1.0 200" and [s.text for s in fake.posts] == ["slowly"]


def test_unknown_routes_are_rails_404s(fake: FakeMastodon) -> None:
    page = requests.get(fake.url + "/api/v1/nothing", headers=auth(fake), timeout=2)
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    as_json = requests.get(fake.url + "/api/v1/nothing", timeout=2,
                           headers=auth(fake, Accept="application/json"))
    assert as_json.json() == {"error": "Not Found"}
    record = requests.get(fake.url + "/api/v1/statuses/1234", headers=auth(fake), timeout=2)
    assert (record.status_code, record.json()) == (404, {"error": "Record not found"})
    with pytest.raises(MastodonNotFoundError):
        client(fake).status(1234)
