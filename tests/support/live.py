"""The app served for real: uvicorn on an ephemeral port of 127.0.0.1, in a thread of its own.

For tests that need what in-process ASGI cannot give: streams that stay open, many concurrent
connections, real sockets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

START_SECONDS = 60.0
STOP_SECONDS = 30.0


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` (its lifespan running) and yield its ``http://127.0.0.1:<port>``."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan="on",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="alex-served", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    # Readiness, not synchronisation of the test's own steps: wait until uvicorn listens.
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the app did not start (see the captured log)")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STOP_SECONDS)
        if thread.is_alive():
            raise RuntimeError(f"the app did not stop within {STOP_SECONDS:.0f} s")
