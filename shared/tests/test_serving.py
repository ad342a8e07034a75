"""Every way a skillcert process is started keeps uvicorn from trusting X-Forwarded-For."""

from pathlib import Path

from skillcert.serving import UVICORN_FLAGS, server_config

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_config_never_rewrites_the_client_from_proxy_headers():
    config = server_config(object(), "127.0.0.1", 8000)
    assert config.proxy_headers is False
    assert "--no-proxy-headers" in UVICORN_FLAGS


def test_every_uvicorn_command_in_compose_carries_the_flags():
    commands = [
        line.split("command:", 1)[1].split()
        for line in (ROOT / "docker-compose.yml").read_text().splitlines()
        if "command:" in line and "uvicorn" in line
    ]
    assert len(commands) >= 9
    for command in commands:
        assert set(UVICORN_FLAGS) <= set(command), command


def test_the_dev_stack_and_embedded_mode_use_the_shared_settings():
    assert "*UVICORN_FLAGS" in (ROOT / "deploy/dev/stack.py").read_text()
    embedded = (ROOT / "deploy/embedded/src/skillcert_embedded/__main__.py").read_text()
    assert "server_config(" in embedded and "uvicorn.Config(" not in embedded
