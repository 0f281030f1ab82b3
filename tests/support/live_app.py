"""The real app under uvicorn on an ephemeral port of 127.0.0.1, in a thread of its own, for tests
that talk HTTP to it from plain (sync) code: the API's contract test. (The browser suite starts its
own, with the job worker: ``live_server`` in tests/e2e/conftest.py.)"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn
from fastapi import FastAPI

from tests.support.harness import AppAccess

START_SECONDS = 30.0
STOP_SECONDS = 15.0


@dataclass
class LiveApp(AppAccess):
    app: FastAPI
    url: str
    """``http://127.0.0.1:<port>``, no trailing slash."""


class LiveAppError(RuntimeError):
    """The app did not start, or did not stop, in time."""


@contextmanager
def serve(app: FastAPI) -> Iterator[LiveApp]:
    """Run ``app`` (its lifespan included) until the block ends.

    The listening socket is bound before uvicorn starts, so the first request simply waits in the
    socket's backlog until the lifespan has run and uvicorn accepts: no polling for readiness.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    config = uvicorn.Config(
        app, lifespan="on", log_config=None, access_log=False, timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="alex-live-app", daemon=True
    )
    thread.start()
    try:
        try:
            with httpx.Client(trust_env=False, timeout=START_SECONDS) as client:
                health = client.get(f"{url}/health")
        except httpx.TimeoutException:
            raise LiveAppError(f"the app did not start within {START_SECONDS:.0f} s (see the log)") from None
        if health.status_code != 200:
            raise LiveAppError(f"the app started unhealthy: {health.status_code} {health.text}")
        yield LiveApp(app=app, url=url)
    finally:
        server.should_exit = True
        thread.join(STOP_SECONDS)
        listener.close()
        if thread.is_alive():
            raise LiveAppError(f"the app did not stop within {STOP_SECONDS:.0f} s")
