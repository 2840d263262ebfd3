"""Gunicorn settings, used by `make run` and in production (`gunicorn -c gunicorn.conf.py 'app:create_app()'`).

Every value can be changed from the environment, so one file serves a laptop and a server:
- `DPIA_BIND` (default 127.0.0.1:$PORT, PORT defaulting to 5000);
- `WEB_CONCURRENCY`, the number of worker processes (default: twice the cores plus one, at most 9);
- `GUNICORN_TIMEOUT`, seconds a request may take before its worker is replaced (default 30).

Sync workers: each request has a process to itself and the database connection it checks out.
No access log here: single-use links (password resets, invitations) travel in URL paths, and a log of
paths would keep them. Turn it on with `--access-logfile -` only where that is acceptable.
"""

import multiprocessing
import os

bind = os.environ.get("DPIA_BIND") or f"127.0.0.1:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 9))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
# A restart (SIGHUP, or a deploy's SIGTERM) lets requests in flight finish for this long.
graceful_timeout = 30
keepalive = 5
# Replace each worker after a while, staggered, so slow leaks never build up and workers never
# restart all at once.
max_requests = 2000
max_requests_jitter = 200
