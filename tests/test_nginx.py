"""The nginx helper: the configuration given is what runs, on a free port, and nothing is left behind."""

import socket
import urllib.request

import pytest

from channels_lab.nginx import fill, nginx_conf, run_nginx
from channels_lab.servers import ServerFailedToStart, run_daphne
from channels_lab.testing import require_nginx

HELLO = 'server { listen 127.0.0.1:{port}; location = /hello { return 200 "hello via ${host}\\n"; } }'


def refuses_connections(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_placeholders_are_filled_and_nginx_variables_kept():
    assert fill("listen {port}; return 200 ${host}; rewrite ^/a{2}$ /b;", port=81) == \
        "listen 81; return 200 ${host}; rewrite ^/a{2}$ /b;"
    with pytest.raises(ValueError, match=r"\{daphne_port\}"):
        fill("server 127.0.0.1:{daphne_port};")
    conf = nginx_conf("server { listen {port}; }", prefix="/tmp/p", port=81)
    assert "pid /tmp/p/nginx.pid;" in conf and "proxy_temp_path /tmp/p/proxy;" in conf
    assert "    server { listen 81; }" in conf


def test_serves_its_configuration_and_stops_and_cleans_up():
    require_nginx()
    with run_nginx(HELLO) as nginx:
        with urllib.request.urlopen(nginx.url + "/hello", timeout=5) as response:
            assert response.read() == b"hello via 127.0.0.1\n"
        assert f"listen 127.0.0.1:{nginx.port};" in nginx.conf
        assert (nginx.prefix / "nginx.conf").read_text() == nginx.conf
        prefix, process = nginx.prefix, nginx.process
    assert process.poll() is not None and refuses_connections(nginx.port)
    assert not prefix.exists()


def test_proxies_to_a_daphne_given_by_placeholder():
    require_nginx()
    http = """
    upstream daphne { server 127.0.0.1:{daphne_port}; }
    server { listen 127.0.0.1:{port}; location / { proxy_pass http://daphne; proxy_set_header Host $host; } }
    """
    with run_daphne() as daphne, run_nginx(http, daphne_port=daphne.port) as nginx:
        with urllib.request.urlopen(nginx.url + "/", timeout=5) as response:
            assert response.status == 200


def test_a_configuration_nginx_refuses_fails_fast_with_its_message():
    require_nginx()
    with pytest.raises(ServerFailedToStart, match='unknown directive "bogus"'):
        with run_nginx("server { listen 127.0.0.1:{port}; bogus on; }"):
            pass


def test_stopped_even_when_the_block_raises():
    require_nginx()
    with pytest.raises(RuntimeError):
        with run_nginx(HELLO) as nginx:
            raise RuntimeError("a failing cell")
    assert nginx.process.poll() is not None and not nginx.prefix.exists()
