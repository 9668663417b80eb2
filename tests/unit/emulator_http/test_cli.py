import socket
import subprocess
import sys
import time

import httpx

from emulator import cli


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_bad_option_exits_2_with_one_line(capsys):
    try:
        cli.main(["serve", "--no-such-option"])
    except SystemExit as stop:
        assert stop.code == 2
    else:
        raise AssertionError("argparse did not exit")
    assert "unrecognized arguments" in capsys.readouterr().err


def test_port_in_use_exits_2(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["serve", "--port", str(port)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_serve_answers_over_real_http():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator.cli", "serve", "--port", str(port), "--seed", "3"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/identity/1.0/connect/token",
                    data={
                        "client_id": "norce-emulator",
                        "client_secret": "emulator-secret",
                        "grant_type": "client_credentials",
                    },
                    timeout=2,
                )
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "emulator did not start"
                time.sleep(0.2)
        assert response.status_code == 200 and response.json()["token_type"] == "Bearer"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
