"""gunicorn settings of one app server (`tracker@PORT.service`; `make test-deploy` uses this
file too). Values a server may need to change come from the environment, which systemd reads
from /etc/tracker/tracker.env."""
import multiprocessing
import os

# Under systemd the listening socket comes from tracker@PORT.socket (LISTEN_FDS) and this
# is ignored: systemd keeps the socket open while gunicorn restarts, so connections that
# arrive meanwhile wait in its queue instead of being refused.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Sync workers: every request is a short database round trip; 2 per core plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A worker silent this long is restarted; the slowest page (a ledger export) takes < 1 s.
timeout = 60
# On stop (SIGTERM) and reload (SIGHUP) requests in flight get this long to finish.
graceful_timeout = 30
# Replace each worker after a few thousand requests, so slow memory growth never adds up.
max_requests = 5000
max_requests_jitter = 500

# Logs: standard output by default (the journal); files when set, reopened on SIGUSR1
# (deploy/logrotate/tracker). The client address is the one nginx saw (X-Forwarded-For).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
access_log_format = '%({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# The scheme and client address come from nginx through the app's own ProxyFix
# (TRACKER_PROXIES), which also works when nginx runs on another machine.
forwarded_allow_ips = "127.0.0.1"
proc_name = "tracker"
