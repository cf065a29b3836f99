"""The round-robin proxy used to run several replicas on one machine (scripts/round_robin_proxy.py)."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from scripts.round_robin_proxy import make_app
from tests.ports import free_port


async def serve(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def backend(name: str) -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "backend": name,
                "method": request.method,
                "path_qs": request.rel_url.path_qs,
                "body": (await request.read()).decode(),
                "content_type": request.headers.get("Content-Type"),
                "forwarded_for": request.headers.get("X-Forwarded-For"),
            },
            status=201,
            headers={"X-Backend": name},
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


def with_proxy(backend_ports: list[int], scenario) -> None:
    """Run the named backends on their ports (a port without one refuses connections), the proxy in
    front of them, and `scenario(session, proxy_url)`."""

    async def main():
        runners = [await serve(backend(f"b{port}"), port) for port in backend_ports if port > 0]
        proxy_port = free_port()
        urls = [f"http://127.0.0.1:{abs(port)}" for port in backend_ports]
        runners.append(await serve(make_app(urls), proxy_port))
        try:
            async with aiohttp.ClientSession() as session:
                await scenario(session, f"http://127.0.0.1:{proxy_port}")
        finally:
            for runner in runners:
                await runner.cleanup()

    asyncio.run(main())


def test_requests_go_to_each_backend_in_turn_and_are_counted():
    ports = [free_port(), free_port()]

    async def scenario(session, proxy):
        served = []
        for i in range(6):
            async with session.post(f"{proxy}/webhooks/rest/webhook?x={i}", json={"n": i}) as response:
                assert response.status == 201
                assert response.headers["X-Backend"] == (await response.json())["backend"]
                seen = await response.json()
                assert seen["path_qs"] == f"/webhooks/rest/webhook?x={i}"
                assert seen["body"] == f'{{"n": {i}}}' and seen["content_type"] == "application/json"
                assert seen["forwarded_for"] == "127.0.0.1"
                served.append(seen["backend"])
        assert served == [f"b{ports[0]}", f"b{ports[1]}"] * 3
        async with session.get(f"{proxy}/_proxy/stats") as response:
            stats = await response.json()
        assert stats == {"backends": {f"http://127.0.0.1:{port}": 3 for port in ports}}

    with_proxy(ports, scenario)


def test_a_backend_that_refuses_connections_is_skipped():
    up, down = free_port(), free_port()

    async def scenario(session, proxy):
        for _ in range(4):
            async with session.post(f"{proxy}/webhooks/rest/webhook", data="hi") as response:
                assert response.status == 201
                assert (await response.json())["backend"] == f"b{up}"
        async with session.get(f"{proxy}/_proxy/stats") as response:
            stats = (await response.json())["backends"]
        assert stats == {f"http://127.0.0.1:{up}": 4, f"http://127.0.0.1:{down}": 0}

    with_proxy([up, -down], scenario)  # negative: nothing listens there


def test_no_reachable_backend_is_a_bad_gateway():
    async def scenario(session, proxy):
        async with session.get(f"{proxy}/webhooks/rest/") as response:
            assert response.status == 502

    with_proxy([-free_port()], scenario)


def test_the_proxys_own_paths_are_not_forwarded():
    async def scenario(session, proxy):
        async with session.get(f"{proxy}/_proxy/anything") as response:
            assert response.status == 404

    with_proxy([free_port()], scenario)
