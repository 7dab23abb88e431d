"""Two app servers over one PostgreSQL, one Redis and one S3-compatible store agree.

Run by `.ci/run` (step "two app servers") as `.venv/bin/python tests/multi_server.py`; the
name does not start with `test_`, so pytest never collects it. Needs PostgreSQL at
127.0.0.1:5432 (user postgres, trust auth), Redis at 127.0.0.1:6379 and the test extras
(moto's standalone S3 server).

It starts moto's S3 server on loopback, prepares a database with the production settings (a
copy of the CI run's migrated one, `tests/ci_demo.py`, or a fresh one migrated), starts two
gunicorn servers A and B with the media in the bucket, and checks what a load balancer in
front of them needs: a publication through A is served at once by B (the page cache is
purged through the shared Redis), the search rate limit counts the requests sent to both, a
session opened on A works on B, and a file uploaded through A is served by B from the
bucket. Every check prints one line; the script exits 1 if any failed. Everything
it started is stopped, its database dropped and its cache keys deleted.
"""

from __future__ import annotations

import argparse
import html
import http.cookies
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path

from ci_demo import clone_database, migrated_template, shared_static_root
from django_otp.oath import totp
from production_smoke import (
    BASE_DIR,
    CREATE_HOME_PAGE,
    POSTGRES_SERVER,
    Smoke,
    fetch,
    free_port,
    gunicorn,
    manage,
    random_secret_key,
    recreate_database,
    say,
    stop_process,
    wait_until_up,
)

MOTO_SERVER = str(Path(sys.executable).with_name("moto_server"))
BUCKET = "portail-ci-media"
PAGE_PATH = "/page-partagee/"
EDITOR = "editeur-ci"
# The editor's authenticator secret (hex, as django-otp stores it), made for this run.
TOTP_KEY = secrets.token_hex(20)
SEARCH_LIMIT = 10
STARTED = time.monotonic()

# After the home page: the page both servers show, and an editor in the editors' group.
CREATE_CONTENT = (
    CREATE_HOME_PAGE
    + """
import os
from home.demo_content import editors_group, ensure_user
from home.models import StandardPage
page = home.add_child(instance=StandardPage(title="Page partagée", slug="page-partagee"))
page.save_revision().publish()
group, _, _ = editors_group(home)
ensure_user(os.environ["CI_EDITOR"], superuser=False, groups=[group],
            password=os.environ["CI_EDITOR_PASSWORD"])
# Editors must confirm a code from their authenticator app: give this one a known secret.
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
editor = get_user_model().objects.get(username=os.environ["CI_EDITOR"])
TOTPDevice.objects.create(user=editor, name="Application", key=os.environ["CI_EDITOR_TOTP_KEY"],
                          confirmed=True)
print(page.pk)
"""
)


def phase(line: str) -> None:
    """A progress line with the time since the start, to see where the run spends it."""
    say(f"[{time.monotonic() - STARTED:5.1f} s] {line}")


# --- HTTP as a browser does it -----------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


class Browser:
    """One visitor's cookies, sent to every server on 127.0.0.1 whatever its port, as a
    browser does behind one public name. The production cookies are `Secure`; the TLS
    proxy is left out here, so they are sent over plain HTTP. Redirects are not followed."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self._opener = urllib.request.build_opener(_NoRedirect)

    def request(
        self,
        url: str,
        *,
        data: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
        referer: str | None = None,
    ) -> Response:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            headers["Content-Type"] = content_type
        if referer:
            headers["Referer"] = referer
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
        try:
            with self._opener.open(request, timeout=30) as answer:
                response = Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as exc:
            response = Response(exc.code, exc.headers, exc.read())
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url: str) -> Response:
        return self.request(url)

    def post(self, url: str, fields: list[tuple[str, str]], files: dict | None = None) -> Response:
        if files:
            data, content_type = multipart(fields, files)
        else:
            data = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request(url, data=data, content_type=content_type, referer=url)


def multipart(
    fields: list[tuple[str, str]], files: dict[str, tuple[str, str, bytes]]
) -> tuple[bytes, str]:
    """A multipart/form-data body: `files` maps a field to (filename, content type, bytes)."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for name, (filename, content_type, content) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class FormFields(HTMLParser):
    """The values a browser would submit from one form (found by its `id` or `action`):
    inputs (checked boxes only, no buttons or files), textareas and selects."""

    def __init__(self, *, form_id: str | None = None, action: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.action = form_id, action
        self.fields: list[tuple[str, str]] = []
        self.stream_fields: list[tuple[str, str]] = []  # (id, initial value as JSON)
        self.found = False
        self._inside = False
        self._textarea: str | None = None
        self._textarea_text: list[str] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and not self._inside:
            if (self.form_id and a.get("id") == self.form_id) or (
                self.action and a.get("action") == self.action
            ):
                self._inside = self.found = True
            return
        if not self._inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._textarea_text = name, []
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_value = value
        elif a.get("data-controller") == "w-block" and a.get("id"):
            # A StreamField: Wagtail's JavaScript writes its inputs from this attribute.
            arguments = json.loads(a.get("data-w-block-arguments-value") or "[[]]")
            self.stream_fields.append((a["id"], json.dumps(arguments[0])))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._inside:
            self._inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea_text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None


def form_fields(page: str, **which: str) -> FormFields:
    parser = FormFields(**which)
    parser.feed(page)
    if not parser.found:
        raise AssertionError(f"no form {which} in the page")
    return parser


def replace(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    kept = [(name, value) for name, value in fields if name not in values]
    return kept + list(values.items())


def form_errors(page: str) -> str:
    """The error messages a rejected admin form shows, for the failure report."""
    found = re.findall(r'class="[^"]*error-message[^"]*"[^>]*>(.*?)</', page, flags=re.S)
    found += re.findall(r'class="[^"]*w-field__errors[^"]*"[^>]*>(.*?)</', page, flags=re.S)
    messages = [html.unescape(re.sub(r"<[^>]+>|\s+", " ", m)).strip() for m in found]
    return "; ".join(m for m in messages if m)[:1000] or page[:500]


# --- services ----------------------------------------------------------------------------------


@contextmanager
def moto_s3(port: int, log_path: Path) -> Iterator[subprocess.Popen]:
    """moto's standalone S3 server on loopback, up and answering."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)],
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            endpoint = f"http://127.0.0.1:{port}"
            if not wait_until_up(f"{endpoint}/moto-api/", process):
                raise RuntimeError(f"moto_server did not answer on {endpoint}: {log_path}")
            yield process
        finally:
            stop_process(process)


def s3_client(endpoint: str):  # -> botocore S3 client
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="moto",
        aws_secret_access_key="moto",  # noqa: S106 (moto accepts any key)
    )


def create_bucket(endpoint: str) -> None:
    """The bucket as the README's deployment section asks: renditions (`images/`) readable
    by anyone, everything else (original images, documents) private."""
    s3 = s3_client(endpoint)
    s3.create_bucket(Bucket=BUCKET)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRenditions",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/images/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))


def drop_database(name: str) -> None:
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"unsafe database name {name!r}")
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def delete_cache_keys(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}:*", count=500):
        client.delete(key)


def png_bytes() -> bytes:
    """A small PNG of a random colour: its bytes identify this upload in the bucket."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), tuple(secrets.randbelow(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- checks ------------------------------------------------------------------------------------


_used_totp_steps: set[int] = set()


def fresh_totp_code() -> str:
    """A code of the editor's authenticator that no earlier login used: django-otp refuses a
    code twice, so a second login in the same 30 s takes the next step's code (the device
    accepts one step ahead), and a third waits for a new step."""
    while True:
        step = int(time.time() // 30)
        for drift in (0, 1):
            if step + drift not in _used_totp_steps:
                _used_totp_steps.add(step + drift)
                return f"{totp(bytes.fromhex(TOTP_KEY), drift=drift):06d}"
        time.sleep(30 - time.time() % 30 + 0.1)


def log_in(smoke: Smoke, browser: Browser, base: str, password: str) -> bool:
    page = browser.get(f"{base}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not smoke.check(page.status == 200 and token is not None, f"GET {base}/admin/login/"):
        return False
    response = browser.post(
        f"{base}/admin/login/",
        [
            ("csrfmiddlewaretoken", token.group(1)),
            ("username", EDITOR),
            ("password", password),
            ("next", "/admin/"),
        ],
    )
    if not smoke.check(
        response.status == 302
        and response.location == "/admin/"
        and "sessionid" in browser.cookies,
        f"the editor logs in on {base} (302 to /admin/, session cookie set)",
        f"{response.status} Location {response.location!r} cookies {sorted(browser.cookies)}",
    ):
        return False
    # Then the second factor: the admin sends an editor to the code page first.
    verify_url = f"{base}/admin/double-authentification/verifier/?next=/admin/"
    page = browser.get(verify_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not smoke.check(page.status == 200 and token is not None, f"GET {verify_url}"):
        return False
    response = browser.post(
        verify_url,
        [
            ("csrfmiddlewaretoken", token.group(1)),
            ("code", fresh_totp_code()),
            ("next", "/admin/"),
        ],
    )
    return smoke.check(
        response.status == 302 and response.location == "/admin/",
        f"the editor confirms an authenticator code on {base} (302 to /admin/)",
        f"{response.status} Location {response.location!r}",
    )


def check_publication(
    smoke: Smoke, browser: Browser, server_a: str, server_b: str, page_id: int
) -> None:
    phase("(a) a publication through A is served at once by B")
    fetch(f"{server_b}{PAGE_PATH}")
    status, headers, body = fetch(f"{server_b}{PAGE_PATH}")
    smoke.check(
        status == 200 and headers.get("X-Page-Cache") == "hit" and "Page partagée" in body.decode(),
        "B serves the page to an anonymous visitor from its page cache (X-Page-Cache: hit)",
        f"{status} X-Page-Cache {headers.get('X-Page-Cache')!r}",
    )
    edit_url = f"{server_a}/admin/pages/{page_id}/edit/"
    page = browser.get(edit_url)
    if not smoke.check(page.status == 200, f"GET {edit_url} answers 200", f"{page.status}"):
        return
    form = form_fields(page.text, form_id="page-edit-form")
    non_empty = [name for name, value in form.stream_fields if value != "[]"]
    if not smoke.check(not non_empty, "the page's StreamFields are empty", f"{non_empty}"):
        return
    new_title = f"Publiée par A {secrets.token_hex(4)}"
    fields = replace(
        form.fields,
        title=new_title,
        **{f"{name}-count": "0" for name, _ in form.stream_fields},
        # The comments' formset, written by the editor's JavaScript.
        **{
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        },
    )
    fields.append(("action-publish", "action-publish"))
    response = browser.post(edit_url, fields)
    if not smoke.check(
        response.status == 302,
        "POST of the edit form with action-publish on A redirects (published)",
        f"{response.status} {form_errors(response.text)}",
    ):
        return
    started = time.monotonic()
    status, headers, body = fetch(f"{server_b}{PAGE_PATH}")
    took = (time.monotonic() - started) * 1000
    title = re.search(r"<h1[^>]*>(.*?)</h1>", body.decode(), flags=re.S)
    shown = html.unescape(title.group(1)).strip() if title else None
    smoke.check(
        status == 200 and shown == new_title,
        f"B serves the new title at once ({took:.0f} ms later, X-Page-Cache: "
        f"{headers.get('X-Page-Cache')})",
        f"{status}, h1 {shown!r}, expected {new_title!r}",
    )


def check_rate_limit(smoke: Smoke, server_a: str, server_b: str) -> None:
    phase(f"(b) SEARCH_RATE_LIMIT={SEARCH_LIMIT} counts the searches sent to A and B together")
    # The current limiter counts per wall-clock minute: start well inside one, so its reset
    # cannot fall between the requests.
    if time.time() % 60 > 55:
        time.sleep(61 - time.time() % 60)
    statuses = []
    for number in range(SEARCH_LIMIT + 1):
        base = (server_a, server_b)[number % 2]
        status, _, _ = fetch(f"{base}/recherche/?q=cooperation{number}")
        statuses.append(status)
    smoke.check(
        statuses[:SEARCH_LIMIT] == [200] * SEARCH_LIMIT and statuses[SEARCH_LIMIT] == 429,
        f"{SEARCH_LIMIT} searches alternately on A and B answer 200, the next one 429",
        f"statuses in order (A, B, A...): {statuses}",
    )


def check_session(smoke: Smoke, server_a: str, server_b: str, password: str) -> None:
    phase("(c) a session opened on A works on B")
    browser = Browser()
    if not log_in(smoke, browser, server_a, password):
        return
    response = browser.get(f"{server_b}/admin/")
    smoke.check(
        response.status == 200 and 'class="w-dashboard' in response.text,
        "GET /admin/ on B with A's cookies answers 200 with the dashboard",
        f"{response.status} Location {response.location!r}",
    )


def upload(smoke: Smoke, browser: Browser, base: str, kind: str, fields: dict, file: tuple) -> bool:
    add_url = f"{base}/admin/{kind}/add/"
    page = browser.get(add_url)
    if not smoke.check(page.status == 200, f"GET {add_url} answers 200", f"{page.status}"):
        return False
    form = form_fields(page.text, action=f"/admin/{kind}/add/")
    response = browser.post(add_url, replace(form.fields, **fields), files={"file": file})
    return smoke.check(
        response.status == 302,
        f"multipart POST to {add_url} on A redirects (stored)",
        f"{response.status} {form_errors(response.text)}",
    )


def check_uploads(
    smoke: Smoke, browser: Browser, server_a: str, server_b: str, endpoint: str
) -> None:
    phase("(d) files uploaded through A are served by B from the bucket")
    s3 = s3_client(endpoint)
    tag = secrets.token_hex(4)

    content = f"Compte rendu {tag}\nréunion du réseau\n".encode()
    title = f"Compte rendu {tag}"
    if upload(
        smoke,
        browser,
        server_a,
        "documents",
        {"title": title},
        (f"compte-rendu-{tag}.txt", "text/plain", content),
    ):
        listing = browser.get(f"{server_b}/admin/documents/?q={tag}")
        link = re.search(r'href="(/documents/\d+/[^"]+)"', listing.text)
        if smoke.check(link is not None, "B's document listing links the new document"):
            status, headers, body = fetch(f"{server_b}{html.unescape(link.group(1))}")
            smoke.check(
                status == 200
                and body == content
                and headers.get("Content-Type", "").startswith("text/plain"),
                "B serves the document through its serve view: 200, same bytes, text/plain",
                f"{status} {headers.get('Content-Type')!r} {len(body)} bytes",
            )
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        stored = [k for k in keys if k.startswith(f"documents/compte-rendu-{tag}")]
        smoke.check(
            len(stored) == 1
            and s3.get_object(Bucket=BUCKET, Key=stored[0])["Body"].read() == content,
            f"the bucket holds the document with the same bytes ({stored})",
            f"keys: {keys}",
        )
        if stored:
            check_private(smoke, endpoint, stored[0])

    image = png_bytes()
    if upload(
        smoke,
        browser,
        server_a,
        "images",
        {"title": f"Photo {tag}", "alt_text": f"Photo de test {tag}"},
        (f"photo-{tag}.png", "image/png", image),
    ):
        listing = browser.get(f"{server_b}/admin/images/?q={tag}")
        edit = re.search(r'href="(/admin/images/(\d+)/)"', listing.text)
        if not smoke.check(edit is not None, "B's image listing links the new image"):
            return
        # B draws a rendition from the original that A stored, then links it in the bucket.
        page = browser.get(f"{server_b}{edit.group(1)}")
        rendition = re.search(rf'src="({re.escape(endpoint)}/[^"]+)"', page.text)
        if smoke.check(
            page.status == 200 and rendition is not None,
            "B's image edit view shows a rendition stored in the bucket",
            f"{page.status}",
        ):
            url = html.unescape(rendition.group(1))
            status, headers, body = fetch(url)
            content_type = {k.lower(): v for k, v in headers.items()}.get("content-type")
            smoke.check(
                status == 200
                and content_type == "image/png"
                and body.startswith(b"\x89PNG")
                and "X-Amz-Signature" not in url,
                "the rendition is a public URL (unsigned) that answers 200 image/png",
                f"{status} {content_type!r} {url}",
            )
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        originals = [k for k in keys if k.startswith(f"original_images/photo-{tag}")]
        renditions = [k for k in keys if k.startswith(f"images/photo-{tag}")]
        smoke.check(
            len(originals) == 1
            and s3.get_object(Bucket=BUCKET, Key=originals[0])["Body"].read() == image
            and renditions,
            f"the bucket holds the original with the same bytes and B's rendition "
            f"({originals + renditions})",
            f"keys: {keys}",
        )
        if originals:
            check_private(smoke, endpoint, originals[0])


def check_private(smoke: Smoke, endpoint: str, key: str) -> None:
    status, _, _ = fetch(f"{endpoint}/{BUCKET}/{key}")
    smoke.check(
        status == 403,
        f"an unsigned GET of {key} in the bucket is refused (403): it stays private",
        f"got {status}",
    )


def check_media_policy(smoke: Smoke, server_b: str, endpoint: str) -> None:
    _, headers, _ = fetch(f"{server_b}{PAGE_PATH}")
    policy = headers.get("Content-Security-Policy", "")
    directive = next((d for d in policy.split(";") if d.strip().startswith("img-src")), "")
    smoke.check(
        endpoint in directive.split(),
        "the public pages' Content-Security-Policy lets images load from the bucket",
        f"img-src: {directive!r}",
    )


# --- run ---------------------------------------------------------------------------------------


def run(
    smoke: Smoke,
    stack: ExitStack,
    processes: list[subprocess.Popen],
    workdir: Path,
    args: argparse.Namespace,
    ports: list[int],
    prefix: str,
    password: str,
) -> None:
    """Start everything (registered on `stack` to be stopped), then run the checks."""
    port_a, port_b, port_moto = ports
    phase(f"Two app servers: database {args.database}, cache {args.redis_url}")
    processes.append(stack.enter_context(moto_s3(port_moto, workdir / "moto.log")))
    endpoint = f"http://127.0.0.1:{port_moto}"
    create_bucket(endpoint)
    phase(f"moto S3 server on {endpoint}, bucket {BUCKET}")

    static_root = shared_static_root()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} and not key.startswith("AWS_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        WAGTAILADMIN_BASE_URL="https://portail.example.org",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{POSTGRES_SERVER}/{args.database}",
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX=prefix,
        # The CI run's collected static files when it has them (collectstatic takes a
        # minute); the static files stay on the servers' disk, the bucket holds the media.
        STATIC_ROOT=static_root or str(workdir / "static"),
        # Plain HTTP on loopback: the TLS proxy is left out.
        SECURE_SSL_REDIRECT="false",
        SEARCH_RATE_LIMIT=str(SEARCH_LIMIT),
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="moto",
        AWS_SECRET_ACCESS_KEY="moto",  # noqa: S106 (moto accepts any key)
        CI_EDITOR=EDITOR,
        CI_EDITOR_PASSWORD=password,
        CI_EDITOR_TOTP_KEY=TOTP_KEY,
        PYTHONUNBUFFERED="1",
    )
    # A copy of the CI run's migrated database when there is one (migrating takes half a
    # minute of CPU); `migrate` then has nothing to apply and proves the copy opens.
    source = migrated_template()
    try:
        if source is None:
            raise LookupError("no migrated database in this run")
        clone_database(source, args.database)
        phase(f"{args.database} = CREATE DATABASE ... TEMPLATE {source}")
    except Exception as exc:  # noqa: BLE001 - migrating a fresh one works as well
        if source is not None:
            phase(f"could not copy {source} ({type(exc).__name__}): a fresh database")
        recreate_database(args.database)
    stack.callback(drop_database, args.database)
    stack.callback(delete_cache_keys, args.redis_url, prefix)
    commands = (("migrate", "--no-input"),)
    if static_root is None:
        commands = (("collectstatic", "--no-input"), *commands)
    phase(
        f"{', '.join(command for command, _ in commands)}, a page and an editor "
        "(production settings)"
    )
    with ThreadPoolExecutor(max_workers=2) as pool:  # independent: side by side
        results = list(pool.map(lambda command: manage(env, *command), commands))
    for command, result in zip(commands, results, strict=True):
        if not smoke.check(result.returncode == 0, f"manage.py {' '.join(command)}"):
            return
    result = manage(env, "shell", "-c", CREATE_CONTENT)
    if not smoke.check(result.returncode == 0, "a published page and an editor exist"):
        return
    page_id = int(result.stdout.strip().splitlines()[-1])

    server_a, server_b = (f"http://127.0.0.1:{port}" for port in (port_a, port_b))
    phase(f"gunicorn A on {server_a}, gunicorn B on {server_b}")
    for name, port in (("a", port_a), ("b", port_b)):
        processes.append(stack.enter_context(gunicorn(env, port, workdir / f"gunicorn-{name}.log")))
    for name, base, process in (("A", server_a, processes[1]), ("B", server_b, processes[2])):
        if not smoke.check(
            wait_until_up(f"{base}/healthz", process), f"gunicorn {name} answers /healthz"
        ):
            return

    editor = Browser()
    phase("the editor logs in on A")
    if log_in(smoke, editor, server_a, password):
        check_publication(smoke, editor, server_a, server_b, page_id)
    check_rate_limit(smoke, server_a, server_b)
    check_session(smoke, server_a, server_b, password)
    if editor.cookies.get("sessionid"):
        check_uploads(smoke, editor, server_a, server_b, endpoint)
    check_media_policy(smoke, server_b, endpoint)
    for name, process in (("A", processes[1]), ("B", processes[2])):
        smoke.check(process.poll() is None, f"gunicorn {name} is still running")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="portail_ci_multi", help="PostgreSQL database")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument(
        "--ports",
        default="",
        help="three ports: server A, server B, moto (default: free ones)",
    )
    args = parser.parse_args()
    ports = [int(p) for p in args.ports.split(",") if p] or [free_port() for _ in range(3)]
    if len(ports) != 3:
        parser.error("--ports takes three ports")

    smoke = Smoke()
    prefix = f"multi-{os.getpid()}"
    password = f"Ci-{secrets.token_urlsafe(16)}"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="portail-multi-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        try:
            run(smoke, stack, processes, workdir, args, ports, prefix, password)
        except Exception as exc:  # any crash is reported as one more failed check
            smoke.check(False, "the run completes", f"{type(exc).__name__}: {exc}")
        finally:
            phase("stopping what the run started")
            # Each server waits for its graceful timeout: signal all of them first, so they
            # wait together, then unwind (stop_process returns once each has exited).
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            try:
                stack.close()
            except Exception as exc:
                smoke.check(False, "everything is stopped and cleaned", f"{exc!r}")
            for name in ("A", "B"):
                log_path = workdir / f"gunicorn-{name.lower()}.log"
                if log_path.exists():
                    log = log_path.read_text(errors="replace")
                    smoke.check(
                        "Traceback" not in log,
                        f"gunicorn {name}'s log holds no traceback",
                        log[-3000:],
                    )
            phase("done")

    if smoke.failures:
        say(f"Two app servers: {len(smoke.failures)} check(s) failed:")
        for failure in smoke.failures:
            say(f"  - {failure.splitlines()[0]}")
        return 1
    say("Two app servers: every check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
