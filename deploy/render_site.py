#!/usr/bin/env python3
"""Write the nginx site for this deployment from deploy/nginx/tracker.conf.

    python3 deploy/render_site.py --server-name tracker.audit.example \
        --app-server 127.0.0.1:8001 --app-server 127.0.0.1:8002 \
        --certificate /etc/ssl/tracker/fullchain.pem --key /etc/ssl/private/tracker.key \
        > /etc/nginx/sites-available/tracker

Standard library only, so it runs with Debian's python3 before the app's venv exists.
`make test-deploy` renders the site with the same function onto loopback ports.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx" / "tracker.conf"


def upstream_lines(servers: list[str], fail_timeout: str = "5s") -> str:
    return "\n".join(f"    server {address} max_fails=1 fail_timeout={fail_timeout};" for address in servers)


def render(*, server_name: str, app_servers: list[str], certificate: str, key: str,
           app_root: str = "/srv/tracker/app", log_dir: str = "/var/log/nginx",
           http_listen: str = "80", https_listen: str = "443", static_root: str = "") -> str:
    values = {
        "SERVER_NAME": server_name,
        "APP_SERVERS": upstream_lines(app_servers),
        "TLS_CERTIFICATE": certificate,
        "TLS_CERTIFICATE_KEY": key,
        "APP_ROOT": app_root.rstrip("/"),
        # where the app writes its hashed, pre-compressed static files (TRACKER_STATIC_BUILD)
        "STATIC_ROOT": (static_root or "/srv/tracker/static-build").rstrip("/"),
        "LOG_DIR": log_dir.rstrip("/"),
        "HTTP_LISTEN": http_listen,
        "HTTPS_LISTEN": https_listen,
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    if left := re.findall(r"@[A-Z_]+@", text):
        raise ValueError(f"placeholders left unfilled: {sorted(set(left))}")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-name", required=True, help="the name users type, as on the certificate")
    parser.add_argument("--app-server", action="append", required=True, metavar="HOST:PORT",
                        help="an app server (repeat for each)")
    parser.add_argument("--certificate", required=True, help="full chain, PEM")
    parser.add_argument("--key", required=True, help="the certificate's private key, PEM")
    parser.add_argument("--app-root", default="/srv/tracker/app")
    parser.add_argument("--log-dir", default="/var/log/nginx")
    parser.add_argument("--static-root", default="",
                        help="TRACKER_STATIC_BUILD of the app servers (default /srv/tracker/static-build)")
    args = parser.parse_args(argv)
    sys.stdout.write(render(server_name=args.server_name, app_servers=args.app_server,
                            certificate=args.certificate, key=args.key,
                            app_root=args.app_root, log_dir=args.log_dir,
                            static_root=args.static_root))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
