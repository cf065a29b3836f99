"""A small round-robin HTTP reverse proxy, for running several Rasa replicas on one machine.

    python scripts/round_robin_proxy.py --port 5005 http://127.0.0.1:5006 http://127.0.0.1:5007

Each request goes to the next backend in turn, so consecutive messages of one conversation reach
different replicas: exactly what the shared PostgreSQL tracker store and the Redis lock store must
survive. A backend that refuses the connection is skipped for that request (nothing was sent to it, so
trying the next one is safe, even for a POST); other errors are answered 502.

``GET /_proxy/stats`` answers ``{"backends": {url: requests served}}``, which the replicas test reads to
check that every replica took part. ``/_proxy/`` paths are never forwarded.

HTTP only: socket.io's long-polling transport keeps its session in one replica's memory, so the web
widget needs a sticky proxy (the nginx recipe in deploy/ hashes the client address for /socket.io/).
Not a production proxy: no TLS, no health checks; use nginx there (README, "Running in production").
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import signal
from collections.abc import Sequence

import aiohttp
from aiohttp import web

logger = logging.getLogger("round_robin_proxy")

# Hop-by-hop headers (RFC 9110, 7.6.1) belong to one connection and are not forwarded; the lengths and
# encodings are recomputed by aiohttp for the body it forwards.
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host", "content-length", "content-encoding",
}  # fmt: skip
STATS_KEY = web.AppKey("stats", dict)
SESSION_KEY = web.AppKey("session", aiohttp.ClientSession)


def forwardable(headers) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() not in HOP_BY_HOP}


def make_app(backends: Sequence[str], timeout: float = 120) -> web.Application:
    if not backends:
        raise ValueError("at least one backend URL is needed")
    backends = [url.rstrip("/") for url in backends]
    turn = itertools.cycle(range(len(backends)))
    app = web.Application(client_max_size=16 * 1024**2)
    app[STATS_KEY] = dict.fromkeys(backends, 0)

    async def open_session(app: web.Application):
        # No pooled-connection limit: the proxy must not queue what the replicas could serve.
        connector = aiohttp.TCPConnector(limit=0)
        app[SESSION_KEY] = aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=timeout), auto_decompress=False
        )
        yield
        await app[SESSION_KEY].close()

    app.cleanup_ctx.append(open_session)

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"backends": request.app[STATS_KEY]})

    async def forward(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = forwardable(request.headers)
        headers["X-Forwarded-For"] = request.remote or ""
        headers["X-Forwarded-Host"] = request.host
        first = next(turn)
        for attempt in range(len(backends)):
            backend = backends[(first + attempt) % len(backends)]
            try:
                async with request.app[SESSION_KEY].request(
                    request.method,
                    backend + request.rel_url.path_qs,
                    headers=headers,
                    data=body,
                    allow_redirects=False,
                ) as upstream:
                    payload = await upstream.read()
                    request.app[STATS_KEY][backend] += 1
                    return web.Response(
                        status=upstream.status, headers=forwardable(upstream.headers), body=payload
                    )
            except aiohttp.ClientConnectorError:
                logger.warning("Backend %s refused the connection; trying the next one.", backend)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                logger.warning("Backend %s failed: %s", backend, type(error).__name__)
                return web.Response(status=502, text="Bad gateway\n")
        return web.Response(status=502, text="No backend is reachable\n")

    async def not_found(_request: web.Request) -> web.Response:
        return web.Response(status=404)

    app.router.add_get("/_proxy/stats", stats)
    app.router.add_route("*", "/_proxy/{tail:.*}", not_found)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


async def serve(host: str, port: int, backends: Sequence[str]) -> None:
    runner = web.AppRunner(make_app(backends), access_log=None)  # no access log: paths carry sender ids
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    print(f"Round-robin proxy on http://{host}:{port} -> {', '.join(backends)}", flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    await stop.wait()
    await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backends", nargs="+", help="backend base URLs, e.g. http://127.0.0.1:5006")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(serve(args.host, args.port, args.backends))


if __name__ == "__main__":
    main()
