"""gunicorn settings for `make serve` and `make bench` (`gunicorn -c partnercenter/gunicorn_conf.py`).

Sync workers, 2 x cores + 1 of them (gunicorn's own rule of thumb: one per core busy in Python
while another waits on the database), unless WEB_CONCURRENCY says otherwise. Loopback only by
default: this is a production-like demo, not an exposed server (BIND to change it).
"""

import multiprocessing
import os

wsgi_app = "partnercenter.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A slow request is killed rather than left holding a worker (the upgrade of 10,000 users takes
# well under a second).
timeout = 30
graceful_timeout = 10
# Django and the app are imported once, before forking: faster start, shared memory.
preload_app = True
# No control socket: its default path is per user, so two servers (make serve, make bench) would
# fight over it, and nothing here uses it.
control_socket_disable = True
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
