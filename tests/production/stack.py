"""The production stack as real processes, and a small HTTP client that behaves like a browser behind
a TLS-terminating proxy (tests/production/test_smoke.py).

Started: moto's S3 server, ``manage.py migrate`` and ``collectstatic``, gunicorn with
config/gunicorn.py (one worker), one Celery worker and one beat, all with
``config.settings.production`` and a freshly generated strong environment, against the PostgreSQL
and Redis the test run already uses (a database of its own; the Redis databases of this test
process, flushed before and after).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from tests.production.helpers import PROJECT

HOST = "smoke.ktechpass.test"
SITE = f"https://{HOST}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Any, *, timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except AssertionError:
            raise  # a process died: say so now, with its output
        except Exception:  # not listening yet
            value = None
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


# --- Processes ------------------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def assert_running(self) -> None:
        code = self.popen.poll()
        assert code is None, f"{self.name} exited with {code}:\n{self.output()[-4000:]}"

    def stop(self) -> None:
        if self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)  # the process group: prefork children too
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)


@dataclass
class Stack:
    root: Path
    env: dict[str, str]
    port: int
    processes: list[Process] = field(default_factory=list)

    @property
    def mail_dir(self) -> Path:
        return self.root / "mail"

    def start(self, name: str, args: list[str]) -> Process:
        log = self.root / f"{name}.log"
        popen = subprocess.Popen(  # noqa: S603 (our interpreter, our arguments)
            [sys.executable, *args],
            cwd=PROJECT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def run(self, name: str, args: list[str], timeout: float = 120) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, *args],
            cwd=PROJECT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        (self.root / f"{name}.log").write_text(result.stdout + result.stderr)
        assert result.returncode == 0, f"{name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def client(self) -> Client:
        return Client(self.port)


def strong_env(
    *,
    root: Path,
    database_url: str,
    redis_url: str,
    cache_db: int,
    broker_db: int,
    s3_port: int,
    web_port: int,
) -> dict[str, str]:
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "PASSPORT_HASH_KEY": secrets.token_urlsafe(40),
            "METRICS_TOKEN": secrets.token_urlsafe(32),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_CSRF_TRUSTED_ORIGINS": SITE,
            "DJANGO_NUM_PROXIES": "1",
            "SITE_URL": SITE,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REDIS_CACHE_DB": str(cache_db),
            "CACHE_KEY_PREFIX": "ktp-smoke",
            "CELERY_BROKER_URL": f"{redis_url}/{broker_db}",
            # One test Redis serves both here; production keeps them apart (decision 11).
            "CELERY_BROKER_SHARES_CACHE_REDIS": "true",
            "EMAIL_URL": f"filemail://{root / 'mail'}",
            "DEFAULT_FROM_EMAIL": "K-Tech Pass <no-reply@smoke.ktechpass.test>",
            "AWS_STORAGE_BUCKET_NAME": "ktp-smoke-uploads",
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "smoke-test-key",
            "AWS_SECRET_ACCESS_KEY": "smoke-test-secret",  # moto accepts any
            "MEDIA_ROOT": str(root / "media"),  # must stay empty: uploads go to the bucket
            "STATIC_ROOT": str(root / "static"),
            "PROMETHEUS_MULTIPROC_DIR": str(root / "prometheus"),  # shared by gunicorn and the worker
            "GUNICORN_BIND": f"127.0.0.1:{web_port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "4",
        }
    )
    return env


def database_url_named(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def smoke_database_name() -> str:
    return f"ktp_smoke_{uuid.uuid4().hex[:10]}"


# --- HTTP -------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """Talks plain HTTP to gunicorn as the proxy would: Host, X-Forwarded-Proto: https and
    X-Forwarded-For set; cookies kept by hand (they are Secure, which a plain-HTTP cookie jar would
    never send back); the Origin header a browser sends with a POST (Django's CSRF check over HTTPS)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        proxy: bool = True,
        follow: bool = True,
    ) -> Response:
        for _ in range(10):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            sent = {"Host": HOST, "User-Agent": "smoke-test"}
            if proxy:
                sent |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method == "POST":
                sent["Origin"] = SITE
                sent["Referer"] = SITE + path
            sent |= headers or {}
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read(), path)
            connection.close()
            for header in raw.headers.get_all("Set-Cookie") or []:
                self.set_cookie_headers.append(header)
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            if not follow or response.status not in (301, 302, 303):
                return response
            location = urljoin(SITE + path, raw.headers["Location"])
            assert location.startswith(SITE), f"redirected off the site: {location}"
            path = location[len(SITE) :] or "/"
            method, body, headers = "GET", None, None
        raise AssertionError("too many redirects")

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(
        self, path: str, fields: list[tuple[str, str]], files: Sequence[tuple[str, str, str, bytes]] = ()
    ) -> Response:  # type: ignore[assignment]
        if not files:
            body = urlencode(fields).encode()
            return self.request(
                "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, filename, content_type, content in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def submit(
        self,
        page: Response,
        *,
        button: str | None = None,
        action_contains: str = "",
        values: dict[str, str] | None = None,
        files: Sequence[tuple[str, str, str, bytes]] = (),
    ) -> Response:
        """Fill in the page's form as a browser would (its defaults, then ``values``) and press ``button``."""
        forms = parse_forms(page.text)
        candidates = [
            form
            for form in forms
            if action_contains in (form.action or page.url)
            and (button is None or any(button in text for _, _, text in form.buttons))
        ]
        assert candidates, f"no form with button {button!r} on {page.url}:\n{[f.action for f in forms]}"
        form = candidates[0]
        fields = [(name, value) for name, value in form.fields if name not in (values or {})]
        fields += list((values or {}).items())
        for name, value, text in form.buttons:
            if name and (button is None or button in text):
                fields.append((name, value))
                break
        action = urljoin(page.url, form.action) if form.action else page.url
        return self.post_form(action, fields, files)


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # name, value, text


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None
        self.text: list[str] = []
        self.button: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            self.form = Form(action=attrs.get("action", ""))
            self.forms.append(self.form)
        if self.form is None:
            return
        name = attrs.get("name", "")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.form.fields.append((name, attrs.get("value", "on")))
            elif kind in ("submit", "image"):
                self.form.buttons.append((name, attrs.get("value", ""), attrs.get("value", "")))
            elif kind != "file":
                self.form.fields.append((name, attrs.get("value", "")))
        elif tag == "select":
            self.select, self.select_first, self.select_chosen = name, None, False
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.form.fields.append((self.select, value))
                self.select_chosen = True
        elif tag == "textarea":
            self.textarea, self.text = name, []
        elif tag == "button":
            self.button, self.text = (name, attrs.get("value", "")), []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.form is None:
            return
        if tag == "select" and self.select:
            if not self.select_chosen and self.select_first is not None:
                self.form.fields.append((self.select, self.select_first))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            if self.textarea:
                self.form.fields.append((self.textarea, "".join(self.text)))
            self.textarea = None
        elif tag == "button" and self.button is not None:
            self.form.buttons.append((self.button[0], self.button[1], " ".join("".join(self.text).split())))
            self.button = None
        elif tag == "form":
            self.form = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def json_lines(text: str) -> Iterator[dict[str, Any]]:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            yield json.loads(line)
