"""The fake X and Graph servers hold to the real APIs' contracts (platform-apis.md A, D, F)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import requests
from requests_oauthlib import OAuth1

try:
    from fakes import FakeGraph, FakeX
except ImportError:  # tests/ became a package
    from tests.fakes import FakeGraph, FakeX


def oauth(fake: FakeX, secret: str | None = None) -> OAuth1:
    return OAuth1(fake.consumer_key, secret or fake.consumer_secret, fake.access_token,
                  fake.access_token_secret)


def signed(fake: FakeX, method: str, original: str, **kwargs: object) -> requests.Response:
    """Sign for ``original`` (as tweepy does), then send to the fake (as our adapter does)."""
    request = requests.Request(method, original, auth=oauth(fake), **kwargs).prepare()
    request.url = request.url.replace("https://api.twitter.com", fake.url).replace(
        "https://api.x.com", fake.url)
    with requests.Session() as session:
        return session.send(request, timeout=2)


def test_signature_is_verified_against_the_original_url(fake_x: FakeX) -> None:
    ok = signed(fake_x, "POST", "https://api.twitter.com/2/tweets", json={"text": "hi"})
    assert ok.status_code == 201
    assert ok.headers["content-type"] == "application/json; charset=utf-8"
    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(
        k.lower() for k in ok.headers)
    data = ok.json()["data"]
    assert data["edit_history_tweet_ids"] == [data["id"]] and data["text"] == "hi"
    # Signed for the fake's own URL: what a client that never rerouted would send. Refused.
    direct = requests.post(fake_x.url + "/2/tweets", json={"text": "x"}, auth=oauth(fake_x),
                           timeout=2)
    assert direct.status_code == 401
    assert direct.headers["content-type"] == "application/problem+json"
    assert direct.json() == {"title": "Unauthorized", "type": "about:blank", "status": 401,
                             "detail": "Unauthorized"}
    assert [t.text for t in fake_x.posts] == ["hi"]


def test_signed_query_parameters_and_timeline_shape(fake_x: FakeX) -> None:
    fake_x.add_post("See https://news.example/a")
    response = signed(fake_x, "GET", f"https://api.x.com/2/users/{fake_x.user_id}/tweets",
                      params={"tweet.fields": "created_at,entities", "max_results": "5"})
    assert response.status_code == 200
    [tweet] = response.json()["data"]
    assert tweet["entities"]["urls"][0]["expanded_url"] == "https://news.example/a"
    assert tweet["text"].startswith("See https://t.co/") and "created_at" in tweet
    assert response.json()["meta"]["result_count"] == 1


def test_delete_and_users_me(fake_x: FakeX) -> None:
    tweet = fake_x.add_post("bye")
    assert signed(fake_x, "DELETE", f"https://api.twitter.com/2/tweets/{tweet.id}").json() == {
        "data": {"deleted": True}}
    assert fake_x.posts == []
    me = signed(fake_x, "GET", "https://api.twitter.com/2/users/me").json()["data"]
    assert me == {"id": fake_x.user_id, "name": fake_x.name, "username": fake_x.username}


def test_v1_media_ids_are_refused_by_v2_tweets(fake_x: FakeX) -> None:
    v1 = signed(fake_x, "POST", "https://api.twitter.com/1.1/media/upload.json",
                files={"media": ("a.png", b"png")}).json()
    response = signed(fake_x, "POST", "https://api.twitter.com/2/tweets",
                      json={"text": "t", "media": {"media_ids": [v1["media_id_string"]]}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Your media IDs are invalid."


def test_402_body_is_exact(fake_x: FakeX) -> None:
    fake_x.inject("credits_depleted")
    response = signed(fake_x, "POST", "https://api.twitter.com/2/tweets", json={"text": "t"})
    assert response.status_code == 402
    assert response.json()["account_id"] == 1243608864848629761
    assert b'"account_id":1243608864848629761' in response.content


def test_graph_headers_versions_and_delete(fake_graph: FakeGraph) -> None:
    created = requests.post(fake_graph.url + "/v2.8/1234567890/feed",
                            data={"message": "m", "access_token": fake_graph.page_token}, timeout=2)
    assert created.headers["content-type"] == "application/json; charset=UTF-8"
    assert created.headers["facebook-api-version"] == "v21.0"
    assert "x-app-usage" in created.headers and "x-business-use-case-usage" in created.headers
    post_id = created.json()["id"]
    unversioned = requests.get(fake_graph.url + "/me",
                               params={"access_token": fake_graph.page_token}, timeout=2)
    assert unversioned.headers["facebook-api-version"] == "v26.0"
    deleted = requests.delete(f"{fake_graph.url}/v26.0/{post_id}",
                              params={"access_token": fake_graph.page_token}, timeout=2)
    assert deleted.json() == {"success": True} and fake_graph.posts == []
    assert fake_graph.versions_used == ["v2.8", None, "v26.0"]


def test_graph_permissions_edge_is_for_users_only(fake_graph: FakeGraph) -> None:
    fake_graph.user_token = "EAAuser"
    page = requests.get(fake_graph.url + "/v26.0/me/permissions",
                        params={"access_token": fake_graph.page_token}, timeout=2).json()
    assert page["error"]["code"] == 100
    user = requests.get(fake_graph.url + "/v26.0/me/permissions",
                        params={"access_token": "EAAuser"}, timeout=2).json()
    assert {"permission": "pages_manage_posts", "status": "granted"} in user["data"]


def test_graph_token_in_body_not_query_for_posts(fake_graph: FakeGraph) -> None:
    response = requests.post(fake_graph.url + "/v26.0/1234567890/feed", data={"message": "m"},
                             timeout=2)
    assert response.json()["error"]["code"] == 190


def test_fakes_run_from_the_command_line() -> None:
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen([sys.executable, "-m", "tests.fakes"], cwd=root,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        me = requests.get(info["facebook"]["url"] + "/v26.0/me",
                          params={"access_token": info["facebook"]["access_token"]}, timeout=2)
        assert me.json()["id"] == info["facebook"]["page_id"]
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0
