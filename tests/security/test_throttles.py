"""Throttles: repeated staff login failures lock that login, login-link mails are limited per
address and per client, the API throttles anonymous calls and failed token attempts. Every
refusal is a clear 429 page or problem document, never a 500; each test includes the client or
account that is still let through."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.accounts.models import Role
from tests.factories import MunicipalityFactory, StaffFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.7"
PASSWORD = "het-goede-wachtwoord-42"


@pytest.fixture
def staff(db: Any) -> Any:
    town = MunicipalityFactory.create(slug="stad", name="Stad")
    user = StaffFactory.create(
        username="behandelaar", municipalities=[town], is_staff=True, role=Role.ADMINISTRATOR
    )
    user.set_password(PASSWORD)
    user.save()
    return user


# --- staff login (django-axes) --------------------------------------------------------------


@pytest.mark.parametrize("login_url", ["/werkplek/inloggen", "/admin/login/"])
def test_staff_login_locks_after_repeated_failures_even_for_the_right_password(
    client: Any, staff: Any, login_url: str, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    answers = [
        client.post(
            login_url, {"username": "behandelaar", "password": f"fout-{i}"}, REMOTE_ADDR=ATTACKER
        ).status_code
        for i in range(30)
    ]
    assert answers[:4] == [200] * 4  # the form again, with "did not match"
    assert set(answers[4:]) == {429}  # the fifth failure locks
    right = client.post(
        login_url, {"username": "behandelaar", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert right.status_code == 429
    page = right.content.decode()
    assert "Te veel pogingen om in te loggen" in page
    assert "15 minuten" in page
    assert "_auth_user_id" not in client.session
    # The lock is on this account from this address: a colleague elsewhere still logs in.
    other = client.post(
        login_url, {"username": "behandelaar", "password": PASSWORD}, REMOTE_ADDR=COLLEAGUE
    )
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_lockout_page_in_english_for_an_english_visitor(client: Any, staff: Any) -> None:
    client.cookies["django_language"] = "en"
    for _ in range(6):
        last = client.post(
            "/werkplek/inloggen", {"username": "behandelaar", "password": "x"}, REMOTE_ADDR=ATTACKER
        )
    assert last.status_code == 429
    assert "Too many attempts to log in" in last.content.decode()


def test_a_successful_login_before_the_limit_starts_the_count_again(
    client: Any, staff: Any
) -> None:
    for _ in range(4):
        client.post(
            "/werkplek/inloggen", {"username": "behandelaar", "password": "x"}, REMOTE_ADDR=ATTACKER
        )
    assert (
        client.post(
            "/werkplek/inloggen",
            {"username": "behandelaar", "password": PASSWORD},
            REMOTE_ADDR=ATTACKER,
        ).status_code
        == 302
    )
    client.logout()
    for _ in range(4):
        client.post(
            "/werkplek/inloggen", {"username": "behandelaar", "password": "x"}, REMOTE_ADDR=ATTACKER
        )
    assert (
        client.post(
            "/werkplek/inloggen",
            {"username": "behandelaar", "password": PASSWORD},
            REMOTE_ADDR=ATTACKER,
        ).status_code
        == 302
    )


# --- login links by e-mail (django-ratelimit) -----------------------------------------------


def _ask_link(client: Any, email: str, ip: str = ATTACKER) -> Any:
    return client.post(
        reverse("portal:email_login", kwargs={"municipality": "stad"}),
        {"email": email},
        REMOTE_ADDR=ip,
    )


def test_login_links_are_limited_per_address(client: Any, staff: Any, smtp_server: Any) -> None:
    answers = [_ask_link(client, "Doelwit@Example.org", ip=f"192.0.2.{i}") for i in range(30)]
    assert [a.status_code for a in answers[:3]] == [200] * 3
    assert {a.status_code for a in answers[3:]} == {429}
    assert len(smtp_server.messages) == 3  # 30 requests, from 30 addresses: 3 mails
    refused = answers[-1].content.decode()
    assert "Te veel inloglinks gevraagd" in refused
    assert "de laatste link die u kreeg werkt nog" in refused
    # Another address is not affected.
    assert _ask_link(client, "iemand-anders@example.org").status_code == 200
    assert len(smtp_server.messages) == 4


def test_login_links_are_limited_per_client(client: Any, staff: Any, smtp_server: Any) -> None:
    answers = [_ask_link(client, f"adres{i}@example.org") for i in range(30)]
    assert [a.status_code for a in answers[:20]] == [200] * 20
    assert {a.status_code for a in answers[20:]} == {429}
    assert len(smtp_server.messages) == 20
    assert _ask_link(client, "adres99@example.org", ip=COLLEAGUE).status_code == 200


def test_the_refusal_does_not_tell_whether_an_address_is_known(
    client: Any, staff: Any, smtp_server: Any
) -> None:
    from tests.factories import PersonFactory

    PersonFactory.create(municipality=staff.municipalities.get(), email="bekend@example.org")
    known = [_ask_link(client, "bekend@example.org", ip=f"192.0.2.{i}") for i in range(5)]
    unknown = [_ask_link(client, "onbekend@example.org", ip=f"192.0.2.{i}") for i in range(5)]

    def text(response: Any) -> str:
        page = re.sub(r"\S+@example\.org", "ADRES", response.content.decode())
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [text(r) for r in known] == [text(r) for r in unknown]


# --- the API (DRF throttles) ----------------------------------------------------------------


def test_bad_tokens_are_throttled_per_client(staff: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token_failures": "10/h",
        },
    }
    attacker = APIClient(REMOTE_ADDR=ATTACKER)
    answers = []
    for i in range(30):
        attacker.credentials(HTTP_AUTHORIZATION=f"Token {i:040x}")
        answers.append(attacker.get("/api/v1/cases"))
    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert {a.status_code for a in answers[10:]} == {429}
    refused = answers[-1]
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "throttled"
    assert refused.json()["status"] == 429
    assert int(refused["Retry-After"]) > 0
    # Refused before the token is looked at: a right token from that client waits too.
    good = Token.objects.create(user=staff).key
    attacker.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    assert attacker.get("/api/v1/cases").status_code == 429
    # Per client: another system with its right token is served, one wrong token is a 401.
    system = APIClient(REMOTE_ADDR=COLLEAGUE)
    system.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    assert system.get("/api/v1/cases").status_code == 200
    system.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert system.get("/api/v1/cases").status_code == 401


def test_anonymous_and_per_account_api_throttles(staff: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "5/m",
            "user": "8/m",
        },
    }
    anonymous = APIClient(REMOTE_ADDR=ATTACKER)
    codes = [anonymous.get("/api/v1/openapi.json").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    assert APIClient(REMOTE_ADDR=COLLEAGUE).get("/api/v1/openapi.json").status_code == 200
    system = APIClient(REMOTE_ADDR=COLLEAGUE)
    system.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    codes = [system.get("/api/v1/cases").status_code for _ in range(10)]
    assert codes == [200] * 8 + [429] * 2
    refused = system.get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.json()["title"] == "Too many requests"


def test_client_address_behind_a_proxy(settings: Any, rf: Any) -> None:
    from loket.web.security import client_ip

    forged = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.66")
    settings.LOKET_PROXY_COUNT = 0
    assert client_ip(forged) == "10.0.0.1"
    settings.LOKET_PROXY_COUNT = 1  # the proxy appended the address it saw; 1.2.3.4 is a claim
    assert client_ip(forged) == "203.0.113.66"


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_counters_live_in_redis_where_every_process_sees_them(staff: Any, settings: Any) -> None:
    """Production's cache (CACHE_URL=redis://...): the failed-token counter is in Redis, so a
    second web process (here: a separate connection) refuses the same client."""
    import uuid

    import redis

    prefix = f"loket-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token_failures": "3/h",
        },
    }
    server = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        attacker = APIClient(REMOTE_ADDR=ATTACKER)
        attacker.credentials(HTTP_AUTHORIZATION="Token wrong")
        assert [attacker.get("/api/v1/cases").status_code for _ in range(4)] == [401] * 3 + [429]
        assert server.keys(f"{prefix}:*throttle_token_failures_{ATTACKER}")
    finally:
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
