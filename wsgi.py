"""Entry point for gunicorn and the flask command: `gunicorn wsgi:app`."""
import gc

from tracker import create_app

app = create_app()
# What the app built at start lives as long as the process: take it out of the garbage
# collector's rounds, so a full collection walks only what requests leave (measured with
# `make bench`: full collections of ~120,000 start-up objects stalled requests by 50-150 ms).
gc.collect()
gc.freeze()
