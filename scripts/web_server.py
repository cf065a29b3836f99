"""A tiny static server for the website widget's demo page (web/), standard library only.

    python scripts/web_server.py        serve web/ on http://127.0.0.1:$WEB_PORT (8080)

It serves web/ as files, plus:

* ``/config.js``: ``window.HKTA_CONFIG = {"serverUrl": ...}``, the Rasa server the widget talks to:
  RASA_URL if set, else the page's own host name on RASA_PORT (5005);
* ``/widget/vendor/socket.io.min.js``: the socket.io client from web/node_modules (``npm ci --prefix web``),
  unless web/widget/vendor/ holds a copy;
* ``/healthz``: ``ok``, for whoever starts it.

Pages get a Content-Security-Policy that allows scripts from this server only and connections to the
Rasa server only. node_modules and the npm files are not served.

Environment: WEB_PORT (8080), WEB_HOST (127.0.0.1), RASA_URL, RASA_PORT (5005).
From Python: ``start_web_server(port, rasa_url)`` starts it as a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
SOCKET_IO_DIST = WEB / "node_modules" / "socket.io-client" / "dist"
VENDOR_PREFIX = "/widget/vendor/"
HIDDEN = ("/node_modules", "/package.json", "/package-lock.json")


def config_script(server_url: str) -> bytes:
    """The widget's configuration as JavaScript; the JSON is made safe to sit in any script context."""
    data = json.dumps({"serverUrl": server_url}).replace("<", "\\u003c").replace(">", "\\u003e")
    return f"window.HKTA_CONFIG = {data};\n".encode()


def connect_sources(server_url: str) -> str:
    """The origins a page may connect to for the Rasa server: its http(s) and ws(s) forms."""
    parts = urlsplit(server_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    ws = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc} {ws}://{parts.netloc}"


class WidgetRequestHandler(SimpleHTTPRequestHandler):
    server_version = "hkta-web"
    sys_version = ""
    rasa_url: str | None = None
    rasa_port: int = 5005
    quiet: bool = True

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".map": "application/json",
        ".svg": "image/svg+xml",
    }

    def server_url(self) -> str:
        if self.rasa_url:
            return self.rasa_url.rstrip("/")
        host = (self.headers.get("Host") or "localhost").rsplit(":", 1)[0] or "localhost"
        if host.startswith("[") or host.replace(".", "").isalnum():
            return f"http://{host}:{self.rasa_port}"
        return f"http://localhost:{self.rasa_port}"

    def do_GET(self) -> None:
        self.handle_request(send_body=True)

    def do_HEAD(self) -> None:
        self.handle_request(send_body=False)

    def handle_request(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if path == "/healthz":
            return self.send_bytes(b"ok\n", "text/plain; charset=utf-8", send_body)
        if path == "/config.js":
            return self.send_bytes(
                config_script(self.server_url()), "text/javascript; charset=utf-8", send_body
            )
        if path.startswith(HIDDEN) or "/." in path:
            return self.send_error(HTTPStatus.NOT_FOUND)
        if path.startswith(VENDOR_PREFIX) and not (WEB / path.lstrip("/")).exists():
            name = path.removeprefix(VENDOR_PREFIX)
            if name in ("socket.io.min.js", "socket.io.min.js.map") and (SOCKET_IO_DIST / name).exists():
                kind = "text/javascript; charset=utf-8" if name.endswith(".js") else "application/json"
                return self.send_bytes((SOCKET_IO_DIST / name).read_bytes(), kind, send_body)
            return self.send_error(
                HTTPStatus.NOT_FOUND, "socket.io client missing: run `npm ci --prefix web` first"
            )
        if send_body:
            super().do_GET()
        else:
            super().do_HEAD()

    def send_bytes(self, body: bytes, content_type: str, send_body: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        self.send_header(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
            f"connect-src 'self' {connect_sources(self.server_url())}; "
            "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; object-src 'none'",
        )
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def make_server(
    port: int = 8080, rasa_url: str | None = None, host: str = "127.0.0.1", rasa_port: int = 5005
) -> ThreadingHTTPServer:
    """A server for web/ (not yet serving: call ``serve_forever()``). Port 0 picks a free port."""
    handler = type(
        "ConfiguredWidgetRequestHandler",
        (WidgetRequestHandler,),
        {"rasa_url": rasa_url or None, "rasa_port": rasa_port, "quiet": os.environ.get("WEB_VERBOSE") != "1"},
    )
    return ThreadingHTTPServer((host, port), partial(handler, directory=str(WEB)))


def web_server_command() -> list[str]:
    return [sys.executable, str(Path(__file__).resolve())]


def start_web_server(
    port: int = 8080,
    rasa_url: str | None = None,
    *,
    host: str = "127.0.0.1",
    stdout=None,
    start_new_session: bool = True,
) -> subprocess.Popen:
    """Start this server as a subprocess serving web/ on host:port, the widget pointed at rasa_url
    (None: the page's host name on RASA_PORT). Health check: GET http://127.0.0.1:{port}/healthz."""
    env = dict(os.environ, WEB_PORT=str(port), WEB_HOST=host)
    if rasa_url:
        env["RASA_URL"] = rasa_url
    return subprocess.Popen(
        web_server_command(),
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=subprocess.STDOUT if stdout is not None else None,
        start_new_session=start_new_session,
    )


def main() -> None:
    port = int(os.environ.get("WEB_PORT", "8080"))
    host = os.environ.get("WEB_HOST", "127.0.0.1")
    server = make_server(
        port, os.environ.get("RASA_URL"), host, rasa_port=int(os.environ.get("RASA_PORT", "5005"))
    )
    if not SOCKET_IO_DIST.exists() and not (WEB / "widget" / "vendor").exists():
        print("warning: the socket.io client is missing; run `npm ci --prefix web`", file=sys.stderr)
    print(f"Serving the web widget demo on http://{host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
