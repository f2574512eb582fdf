"""The files of deploy/ agree with the app they deploy: the headers nginx adds on its own
answers are the app's, its body size limit is the app's, every placeholder of the site
template is filled, the systemd units parse. (`make test-deploy` runs them for real.)"""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.config import load
from tracker.security.headers import HEADERS, HSTS

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(DEPLOY))
from render_site import render  # noqa: E402 — deploy/ is not a package


def test_nginx_adds_exactly_the_apps_security_headers():
    snippet = (DEPLOY / "nginx" / "security-headers.conf").read_text()
    added = dict(re.findall(r'^add_header (\S+) "(.*)" always;$', snippet, flags=re.M))
    assert added == {**HEADERS, "Strict-Transport-Security": HSTS}


def test_nginx_body_limit_is_the_apps(tmp_path, monkeypatch):
    for name in ("TRACKER_UPLOAD_MAX_MB", "TRACKER_UPLOAD_MAX_FILES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    limit = load(tmp_path)["MAX_CONTENT_LENGTH"]
    site = (DEPLOY / "nginx" / "tracker.conf").read_text()
    size = re.search(r"^\s*client_max_body_size (\d+)m;", site, flags=re.M).group(1)
    assert int(size) * 1024 * 1024 == limit


def test_the_site_renders_with_every_placeholder_filled():
    site = render(server_name="tracker.audit.example", app_servers=["10.0.0.11:8001", "10.0.0.12:8001"],
                  certificate="/etc/ssl/tracker/fullchain.pem", key="/etc/ssl/private/tracker.key")
    assert "@" not in re.sub(r"#.*", "", site)
    assert "server 10.0.0.12:8001 max_fails=1 fail_timeout=5s;" in site
    assert "return 301 https://tracker.audit.example$request_uri;" in site
    assert site.count("server_tokens off;") == 2
    assert "include /srv/tracker/app/deploy/nginx/security-headers.conf;" in site
    assert "alias /srv/tracker/static-build/;" in site


def test_the_site_refuses_a_missing_value():
    template = (DEPLOY / "nginx" / "tracker.conf").read_text()
    assert set(re.findall(r"@([A-Z_]+)@", template)) == {
        "SERVER_NAME", "APP_SERVERS", "TLS_CERTIFICATE", "TLS_CERTIFICATE_KEY", "APP_ROOT", "LOG_DIR",
        "HTTP_LISTEN", "HTTPS_LISTEN", "STATIC_ROOT"}
    with pytest.raises(TypeError):
        render(server_name="x", app_servers=["127.0.0.1:8001"], certificate="c")  # no key


def test_error_pages_have_nothing_inline():
    for page in (DEPLOY / "nginx" / "errors").glob("*.html"):
        html = page.read_text()
        assert not re.search(r"<script|<style|\sstyle=|\son\w+=|https?://", html), page.name


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_parse(tmp_path):
    """`systemd-analyze verify` on the units, with /srv/tracker/app pointing at this checkout
    (it checks that the programs they start exist)."""
    names = {"tracker@.service": "tracker@8001.service", "tracker@.socket": "tracker@8001.socket",
             "tracker-backup.service": "tracker-backup.service", "tracker-backup.timer": "tracker-backup.timer"}
    for source, target in names.items():
        unit = (DEPLOY / "systemd" / source).read_text().replace("/srv/tracker/app", str(ROOT))
        (tmp_path / target).write_text(unit)
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *(str(tmp_path / n) for n in names.values())],
                          capture_output=True, text=True, timeout=60)
    problems = [line for line in done.stderr.splitlines()
                if "tracker" in line and "Failed to resolve user" not in line and "group" not in line.lower()]
    assert not problems, done.stderr


def test_tracker_flask_reads_the_settings_file_as_systemd_does(tmp_path):
    database = tmp_path / "tracker.sqlite3"
    settings = tmp_path / "tracker.env"
    settings.write_text(
        "# a comment, then a value with spaces and a semicolon (a shell would choke on it)\n"
        f"DATABASE_URL=sqlite:///{database}\n"
        "SECRET_KEY=from-the-file\n"
        "SIGN_IN_LIMIT_USER=5 per minute;20 per hour\n"
        "\n"
        "TRACKER_TIMEZONE=Asia/Shanghai")
    env = {"PATH": "/usr/bin:/bin", "TRACKER_ENV_FILE": str(settings), "SECRET_KEY": "from-the-caller"}
    command = [str(DEPLOY / "tracker-flask")]
    done = subprocess.run([*command, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    shown = subprocess.run(
        [*command, "shell"], env=env, capture_output=True, text=True, timeout=120,
        input="print('|'.join([app.config['SIGN_IN_LIMIT_USER'], app.config['SECRET_KEY']]))\n")
    # The file's values, except what the caller had set already.
    assert "5 per minute;20 per hour|from-the-caller" in shown.stdout, shown.stdout + shown.stderr


@pytest.mark.skipif(not shutil.which("logrotate"), reason="logrotate not installed")
def test_logrotate_rule_parses(tmp_path):
    """The rule as logrotate reads it (a dry run), on a folder of this test's and owned by the
    user running it instead of `tracker`."""
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "access-8001.log").write_text("x\n")
    rule = ((DEPLOY / "logrotate" / "tracker").read_text()
            .replace("/var/log/tracker", str(tmp_path / "logs"))
            .replace("tracker adm", "root root").replace("su tracker tracker", "su root root"))
    (tmp_path / "rule").write_text(rule)
    done = subprocess.run(["logrotate", "--debug", "--state", str(tmp_path / "state"), str(tmp_path / "rule")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "error" not in done.stderr.lower(), done.stderr
    assert "access-8001.log" in done.stderr
