"""The parts of a deployment, started for real on this machine: PostgreSQL databases of the
test's own, app servers (gunicorn with deploy/gunicorn.conf.py on a socket the test holds,
as systemd's tracker@PORT.socket does), nginx from Debian with the site rendered from
deploy/nginx/tracker.conf, a self-signed certificate, and an HTTPS client that keeps cookies.
Loopback addresses only; everything started is stopped by the fixtures that start it."""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
from render_site import render  # noqa: E402 — deploy/ is not a package

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# PostgreSQL --------------------------------------------------------------------------
def pg_server_url() -> str:
    """The PostgreSQL server of TEST_DATABASE_URL; the test makes databases of its own there."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise RuntimeError("make test-deploy needs TEST_DATABASE_URL=postgresql+psycopg://…")
    return url


def pg_database(suffix: str) -> str:
    """A fresh, empty database named after TEST_DATABASE_URL's (never that one itself)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(pg_server_url())
    name = f"{parsed.database}_{suffix}"
    with psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database=make_url(pg_server_url()).database)
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def flask(env: dict, *args: str, cwd: Path = ROOT, input: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=cwd, env=env,
                          input=input, text=True, capture_output=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


# App servers -------------------------------------------------------------------------
class AppServer:
    """One app server: gunicorn with deploy/gunicorn.conf.py, given its listening socket the
    way systemd's tracker@PORT.socket does (file descriptor 3, LISTEN_FDS, LISTEN_PID). The
    test keeps the socket open while gunicorn restarts, as systemd does; `kill()` closes it
    too, as when the whole machine dies."""

    def __init__(self, name: str, env: dict, log_dir: Path, workers: int = 2):
        self.name = name
        self.env = {**env, "GUNICORN_WORKERS": str(workers),
                    "GUNICORN_ACCESS_LOG": str(log_dir / f"access-{name}.log"),
                    "GUNICORN_ERROR_LOG": str(log_dir / f"error-{name}.log")}
        self.access_log = log_dir / f"access-{name}.log"
        self.stderr = log_dir / f"stderr-{name}.log"  # what gunicorn says before its log opens
        self.port = free_port()
        self.sock: socket.socket | None = None
        self.proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(1024)
        self.sock = sock

    def start(self, timeout: float = 30) -> AppServer:
        if self.sock is None:
            self._listen()
        fd = self.sock.fileno()
        # A small launcher moves the socket to fd 3 and execs gunicorn, so LISTEN_PID is
        # gunicorn's own pid, as systemd sets it.
        launcher = ("import os, sys; fd = int(os.environ.pop('FD'))\n"
                    "if fd != 3: os.dup2(fd, 3); os.close(fd)\n"
                    "os.environ.update(LISTEN_FDS='1', LISTEN_PID=str(os.getpid()))\n"
                    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")
        with self.stderr.open("ab") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", launcher, "-m", "gunicorn",
                 "--config", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
                cwd=ROOT, env={**self.env, "FD": str(fd)}, pass_fds=(fd,),
                stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
            )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app server {self.name} exited: {self.stderr.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://{self.address}/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except urllib.error.HTTPError as e:
                raise RuntimeError(f"app server {self.name} unhealthy: {e.read()[:500]!r}") from e
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"app server {self.name} did not answer in {timeout} s")

    def stop(self) -> None:
        """Graceful, as `systemctl stop`: SIGTERM to the master; requests in flight finish.
        The socket stays open (systemd keeps it)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def reload(self) -> None:
        """`systemctl reload`: SIGHUP; new workers start, old ones finish and leave."""
        self.proc.send_signal(signal.SIGHUP)

    def kill(self) -> None:
        """The machine dies: SIGKILL to gunicorn and every worker, the socket gone with them."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.close_socket()

    def close_socket(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def shutdown(self) -> None:
        try:
            self.stop()
        finally:
            if self.proc and self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.close_socket()

    def requests_served(self, method: str = "", path_prefix: str = "") -> int:
        """Requests in this server's access log (format of deploy/gunicorn.conf.py)."""
        if not self.access_log.exists():
            return 0
        pattern = re.compile(rf'"{method or "[A-Z]+"} {re.escape(path_prefix)}')
        return sum(1 for line in self.access_log.read_text().splitlines() if pattern.search(line))

    def served_at_least(self, count: int, method: str = "", path_prefix: str = "", timeout: float = 5) -> int:
        """The count once it reaches `count`: a worker writes its log line just after it
        answers, so the line may land a moment after the client has the response."""
        deadline = time.monotonic() + timeout
        while (served := self.requests_served(method, path_prefix)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return served


# nginx -------------------------------------------------------------------------------
def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "tracker.crt", folder / "tracker.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


PINNED = """
# Test only: one extra HTTPS entrance per app server, so a test can choose which server
# answers (the cookies of 127.0.0.1 are shared across ports, as browsers do).
server {{
    listen 127.0.0.1:{port} ssl;
    server_name 127.0.0.1;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    client_max_body_size 81m;
    location / {{
        proxy_pass http://{address};
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }}
}}
"""


class Nginx:
    """Debian's nginx with the site rendered from deploy/nginx/tracker.conf on loopback ports,
    in a prefix of its own (its pid, logs and temporary files in the test's folder)."""

    def __init__(self, folder: Path, servers: list[AppServer], static_root: str):
        self.folder = folder
        self.servers = servers
        self.static_root = static_root  # the app servers' TRACKER_STATIC_BUILD
        self.http_port, self.https_port = free_port(), free_port()
        self.pinned_ports = {s.name: free_port() for s in servers}
        self.base = f"https://127.0.0.1:{self.https_port}"
        self.proc: subprocess.Popen | None = None
        (folder / "logs").mkdir(parents=True, exist_ok=True)
        self.cert, self.key = self_signed_certificate(folder)

    def pinned(self, name: str) -> str:
        return f"https://127.0.0.1:{self.pinned_ports[name]}"

    def write_config(self) -> Path:
        site = render(server_name="127.0.0.1", app_servers=[s.address for s in self.servers],
                      certificate=str(self.cert), key=str(self.key), app_root=str(ROOT),
                      log_dir=str(self.folder / "logs"), static_root=self.static_root,
                      http_listen=f"127.0.0.1:{self.http_port}",
                      https_listen=f"127.0.0.1:{self.https_port}")
        (self.folder / "site.conf").write_text(site)
        pinned = "".join(PINNED.format(port=self.pinned_ports[s.name], address=s.address,
                                       cert=self.cert, key=self.key) for s in self.servers)
        (self.folder / "pinned.conf").write_text(pinned)
        f = self.folder
        main = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 2;
pid {f}/nginx.pid;
error_log {f}/logs/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {f}/client_body;
    proxy_temp_path {f}/proxy;
    fastcgi_temp_path {f}/fastcgi;
    uwsgi_temp_path {f}/uwsgi;
    scgi_temp_path {f}/scgi;
    access_log {f}/logs/access.log;
    include {f}/site.conf;
    include {f}/pinned.conf;
}}
"""
        (f / "nginx.conf").write_text(main)
        return f / "nginx.conf"

    def _command(self, *extra: str) -> list[str]:
        return [NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"),
                "-e", str(self.folder / "logs" / "startup.log"), *extra]

    def check(self) -> str:
        done = subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=30)
        if done.returncode:
            raise RuntimeError("nginx -t failed:\n" + done.stderr)
        return done.stderr

    def start(self) -> Nginx:
        self.write_config()
        self.check()
        self.proc = subprocess.Popen(self._command("-g", "daemon off;"), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("nginx exited: " + self.proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


# An HTTPS client ---------------------------------------------------------------------
class Client:
    """Keeps cookies like a browser (per host, across ports), trusts only the test's
    certificate, sends the Referer Flask-WTF asks of POSTs over HTTPS, follows no redirect."""

    def __init__(self, cafile: Path | None = None, jar: http.cookiejar.CookieJar | None = None):
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        # No cafile: plain HTTP straight to an app server (or the system's trusted CAs).
        context = ssl.create_default_context(cafile=str(cafile) if cafile else None)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), urllib.request.HTTPSHandler(context=context),
            NoRedirect)

    def request(self, url: str, data: dict | None = None, headers: dict | None = None,
                timeout: float = 30) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, body, headers=headers or {})
        if body is not None:
            request.add_header("Referer", url)
        try:
            with self.opener.open(request, timeout=timeout) as r:
                return r.status, r.read().decode(errors="replace"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace"), dict(e.headers)

    def csrf(self, url: str) -> str:
        status, page, _ = self.request(url)
        assert status == 200, (status, url)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def sign_in(self, base: str, username: str, password: str) -> int:
        token = self.csrf(base + "/sign-in")
        return self.request(base + "/sign-in",
                            {"csrf_token": token, "username": username, "password": password})[0]
