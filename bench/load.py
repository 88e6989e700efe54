"""Load benchmark of the main paths (issue: scale).

1. Makes sure the PostgreSQL database BENCH_DATABASE_URL holds the synthetic dataset
   (``loket generate``; BENCH_RESIDENTS / BENCH_YEARS / BENCH_MUNICIPALITIES, default the
   seed-002 organisation: 290,000 residents, 4 municipalities, 5 years = about 1,000,000 cases
   and 3,000,000 contacts).
2. Starts the real server: gunicorn, 2 worker processes, production settings.
3. Drives it from this separate process with BENCH_CLIENTS (8) concurrent asyncio
   clients for BENCH_SECONDS per path, and prints p50/p95/p99 and requests per second per path,
   and writes the same as JSON under bench/results/.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loket_scale")
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
TARGETS = {  # path: (p50 limit, p95 limit, minimum requests per second), in ms
    "case list API": (20, 60, None),
    "case detail API": (None, 30, None),
    "case create API": (None, None, 150),
    "team queue page": (None, 100, None),
    "portal home page": (None, 100, None),
    "wegwijzer API": (None, 30, None),
}
QUESTIONS = [
    "ik ben verhuisd",
    "paspoort verlopen",
    "mijn container is kapot",
    "lantaarnpaal kapot",
    "ik wil trouwen",
    "grofvuil ophalen",
    "parkeervergunning aanvragen",
    "hulp in huis",
    "ik kan mijn rekeningen niet betalen",
    "boom kappen in mijn tuin",
    "bel me terug",
]


def django_setup() -> None:
    # demo mode: the default password hasher, which the production server can verify
    os.environ.update(DATABASE_URL=URL, LOKET_MODE="demo", DJANGO_SETTINGS_MODULE="loket.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def ensure_data() -> dict[str, Any]:
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from loket.accounts.models import Role, User
    from loket.cases.models import Case
    from loket.demo.synthetic import BENCH_PASSWORD, generate
    from loket.parties.models import Person
    from loket.tenancy.models import Municipality

    call_command("migrate", verbosity=0)
    if not Municipality.objects.filter(slug__startswith="gemeente-1-").exists():
        started = time.perf_counter()
        report = generate(
            municipalities=int(os.environ.get("BENCH_MUNICIPALITIES", "4")),
            residents=int(os.environ.get("BENCH_RESIDENTS", "290000")),
            years=int(os.environ.get("BENCH_YEARS", "5")),
            seed=1,
        )
        print(f"generated {report} (wall {time.perf_counter() - started:.0f} s)")
    towns = list(Municipality.objects.filter(slug__startswith="gemeente-1-").order_by("slug"))
    api_user, _ = User.objects.get_or_create(
        username="bench-api", defaults={"role": Role.ADMINISTRATOR}
    )
    api_user.municipalities.add(*towns)
    token, _ = Token.objects.get_or_create(user=api_user)
    queue_user = User.objects.get(username="bench-1-publiekszaken")
    queue_user.set_password(BENCH_PASSWORD)
    queue_user.save()
    cases = list(
        Case.objects.filter(municipality__in=towns)
        .order_by("?")
        .values_list("uuid", flat=True)[:2000]
    )
    persons = list(
        Person.objects.filter(municipality=towns[0])
        .order_by("?")
        .values_list("uuid", flat=True)[:500]
    )
    counts = {
        "cases": Case.objects.count(),
        "contacts": __import__(
            "loket.contacts.models", fromlist=["Contact"]
        ).Contact.objects.count(),
    }
    return {
        "token": token.key,
        "towns": [t.slug for t in towns],
        "cases": [str(c) for c in cases],
        "persons": [str(p) for p in persons],
        "queue_user": queue_user.username,
        "password": BENCH_PASSWORD,
        "counts": counts,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = _server_env()
    subprocess.run(  # noqa: S603 - static files with their manifest, as in production
        [str(ROOT / ".venv" / "bin" / "loket"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603 - our own command
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "loket.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT / "src"),
        ],
        env=env,
    )
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def _server_env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": URL,
        "LOKET_MODE": "production",
        "SECRET_KEY": "bench-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
    }


class Response:
    def __init__(self, status_code: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code, self.headers, self.body = status_code, headers, body


class LightClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams. httpx costs about a millisecond
    of CPU per request, and the driver shares the two cores with the server and the database;
    this client costs a fraction of that, so the figures are the server's."""

    def __init__(self, base: str) -> None:
        self.host, self.port = base.removeprefix("http://").split(":")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookies: dict[str, str] = {}

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, int(self.port))

    async def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Response:
        if self.writer is None:
            await self._connect()
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        if not status_line:  # the server closed the connection: reconnect once
            self.writer = None
            return await self.request(method, path, headers=headers, body=body)
        status = int(status_line.split()[1])
        found: dict[str, str] = {}
        while True:
            line = (await self.reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            key, _, value = line.partition(":")
            key = key.lower()
            if key == "set-cookie":
                name, _, rest = value.strip().partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            found[key] = value.strip()
        content = await self.reader.readexactly(int(found.get("content-length", "0")))
        if found.get("connection", "").lower() == "close":
            self.writer.close()
            self.writer = None
        return Response(status, found, content)

    async def get(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        if params:
            path += "?" + urlencode(params)
        return await self.request("GET", path, headers=headers)

    async def post(
        self,
        path: str,
        *,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if json_body is not None:
            data = json.dumps(json_body).encode()
            kind = "application/json"
        else:
            data = urlencode(form or {}).encode()
            kind = "application/x-www-form-urlencoded"
        return await self.request(
            "POST", path, headers={**(headers or {}), "Content-Type": kind}, body=data
        )

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def login(client: Any, username: str, password: str) -> None:
    page = await client.get("/werkplek/inloggen")
    token = client.cookies.get("csrftoken") or ""
    assert token, page.status_code
    response = await client.post(
        "/werkplek/inloggen",
        form={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"http://{client.host}:{client.port}/werkplek/inloggen"},
    )
    assert response.status_code == 302, response.status_code


async def measure(
    base: str,
    name: str,
    request: Callable[[Any, random.Random], Awaitable[Any]],
    setup: Callable[[Any], Awaitable[None]] | None = None,
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0

    async def client_loop(number: int, until: float, record: bool) -> None:
        nonlocal errors
        rng = random.Random(number)
        client = LightClient(base)
        if setup:
            await setup(client)
        while time.perf_counter() < until:
            started = time.perf_counter()
            response = await request(client, rng)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code >= 400:
                errors += 1
            if record:
                latencies.append(elapsed)
        await client.close()

    await asyncio.gather(*(client_loop(n, time.perf_counter() + 2, False) for n in range(CLIENTS)))
    started = time.perf_counter()
    await asyncio.gather(
        *(client_loop(n, time.perf_counter() + SECONDS, True) for n in range(CLIENTS))
    )
    wall = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))]

    return {
        "path": name,
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p95": pct(0.95),
        "p99": pct(0.99),
    }


async def run(base: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    auth = {"Authorization": f"Token {data['token']}"}
    towns, cases, persons = data["towns"], data["cases"], data["persons"]

    async def case_list(c: Any, rng: random.Random) -> Any:
        return await c.get(
            "/api/v1/cases",
            params={
                "municipality": rng.choice(towns),
                "dueState": rng.choice(["on_track", "at_risk", "overdue", "suspended"]),
                "pageSize": 50,
            },
            headers=auth,
        )

    async def case_detail(c: Any, rng: random.Random) -> Any:
        return await c.get(f"/api/v1/cases/{rng.choice(cases)}", headers=auth)

    async def case_create(c: Any, rng: random.Random) -> Any:
        return await c.post(
            "/api/v1/cases",
            json_body={
                "municipality": towns[0],
                "product": rng.choice(
                    ["verhuizing", "grofvuil", "parkeervergunning", "melding-openbare-ruimte"]
                ),
                "subject": "Benchmark",
                "initiator": rng.choice(persons),
                "channel": "web",
            },
            headers=auth,
        )

    async def queue_setup(c: Any) -> None:
        await login(c, data["queue_user"], data["password"])

    async def queue(c: Any, rng: random.Random) -> Any:
        return await c.get("/werkplek/zaken", params={"scope": "team"})

    async def portal(c: Any, rng: random.Random) -> Any:
        return await c.get(f"/{rng.choice(towns)}/")

    async def wegwijzer(c: Any, rng: random.Random) -> Any:
        return await c.get(
            "/api/v1/wegwijzer",
            params={"q": rng.choice(QUESTIONS), "municipality": rng.choice(towns)},
        )

    results = []
    for name, call, setup in [
        ("case list API", case_list, None),
        ("case detail API", case_detail, None),
        ("case create API", case_create, None),
        ("team queue page", queue, queue_setup),
        ("portal home page", portal, None),
        ("wegwijzer API", wegwijzer, None),
    ]:
        results.append(await measure(base, name, call, setup))
        r = results[-1]
        print(f"  measured {name}: p95 {r['p95']:.1f} ms, {r['rps']:.0f}/s", flush=True)
    return results


def verdict(result: dict[str, Any]) -> str:
    p50, p95, rps = TARGETS[result["path"]]
    misses = []
    if p50 is not None and result["p50"] > p50:
        misses.append(f"p50>{p50}")
    if p95 is not None and result["p95"] > p95:
        misses.append(f"p95>{p95}")
    if rps is not None and result["rps"] < rps:
        misses.append(f"rps<{rps}")
    if result["errors"]:
        misses.append(f"{result['errors']} errors")
    return "MISSED " + ", ".join(misses) if misses else "ok"


def main() -> None:
    import logging

    django_setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    data = ensure_data()
    print(f"dataset: {data['counts']['cases']:,} cases, {data['counts']['contacts']:,} contacts")
    port = free_port()
    server = start_server(port)
    try:
        results = asyncio.run(run(f"http://127.0.0.1:{port}", data))
    finally:
        server.terminate()
        server.wait(20)
    print(
        f"\n{CLIENTS} concurrent clients, {SECONDS:.0f} s per path, gunicorn 2 workers, PostgreSQL"
    )
    print(
        f"{'path':18} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  target"
    )
    for r in results:
        print(
            f"{r['path']:18} {r['requests']:>9} {r['rps']:>7.0f} {r['p50']:>8.1f}"
            f" {r['p95']:>8.1f} {r['p99']:>8.1f}  {verdict(r)}"
        )
    out = ROOT / "bench" / "results" / f"load-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps(
            {"clients": CLIENTS, "seconds": SECONDS, "dataset": data["counts"], "results": results},
            indent=2,
        )
    )
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
