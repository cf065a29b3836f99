"""scripts/web_server.py: the demo page's server, its injected configuration and what it keeps private.
No browser needed."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from email.message import Message

import pytest

from scripts.web_server import config_script, connect_sources, make_server
from tests.web.conftest import SOCKET_IO


@pytest.fixture(scope="module")
def base_url():
    server = make_server(0, "http://127.0.0.1:5999")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, Message, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_it_binds_to_loopback_by_default():
    server = make_server(0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_the_page_and_the_widget_are_served_with_a_strict_policy(base_url):
    status, headers, body = get(base_url + "/")
    assert status == 200
    assert b"widget/widget.js" in body
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "connect-src 'self' http://127.0.0.1:5999 ws://127.0.0.1:5999;" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert get(base_url + "/widget/widget.js")[0] == 200
    assert get(base_url + "/widget/widget.css")[1]["Content-Type"].startswith("text/css")


def test_config_js_names_the_rasa_server(base_url):
    status, headers, body = get(base_url + "/config.js")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert body == b'window.HKTA_CONFIG = {"serverUrl": "http://127.0.0.1:5999"};\n'


def test_config_cannot_break_out_of_its_script():
    script = config_script('http://x/"</script><script>alert(1)//')
    assert b"</script>" not in script and b"<" not in script


def test_without_rasa_url_the_page_host_is_used_on_rasa_port():
    server = make_server(0, None, rasa_port=5123)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.server_address[1]}/config.js", headers={"Host": "localhost:8080"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert b'"serverUrl": "http://localhost:5123"' in response.read()
    finally:
        server.shutdown()
        server.server_close()


def test_connect_sources_cover_http_and_websocket():
    assert connect_sources("https://bot.example.org") == "https://bot.example.org wss://bot.example.org"
    assert connect_sources("javascript:alert(1)") == ""


@pytest.mark.parametrize(
    "path", ["/node_modules/axe-core/axe.js", "/package.json", "/package-lock.json", "/.git/config"]
)
def test_npm_files_and_dot_files_are_not_served(base_url, path):
    assert get(base_url + path)[0] == 404


def test_health_check(base_url):
    status, _, body = get(base_url + "/healthz")
    assert (status, body) == (200, b"ok\n")


def test_the_socket_io_client_is_served_from_node_modules(base_url):
    status, headers, body = get(base_url + "/widget/vendor/socket.io.min.js")
    if not SOCKET_IO.exists():
        assert status == 404  # and says to run npm ci
        return
    assert status == 200
    assert body == SOCKET_IO.read_bytes()
    assert headers["Content-Type"].startswith("text/javascript")
