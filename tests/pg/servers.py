"""`lifeline serve` processes and a JSON client for them, on loopback, for
pg_fault.py and bench/serve/api_latency.py (which import it).

Server(n, lifeline, store, token, log_dir) is one server on a fixed free
port, started and restarted there; request() sends one request with the
token. Not thread-safe per Server (start/kill from one thread); request()
is (a connection per call).
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """One `lifeline serve` on a fixed port, without the rate limit (the
    callers send more than a field team would); restarted on the same port."""

    def __init__(self, n, lifeline, store, token, log_dir):
        self.n, self.lifeline, self.store, self.token = n, lifeline, store, token
        self.port = free_port()
        self.proc = None
        self.log = open(os.path.join(log_dir, f"serve{n}.log"), "ab")

    def start(self):
        self.proc = subprocess.Popen([self.lifeline, "--store", self.store, "-q", "serve", "--port", str(self.port),
                                      "--rate-limit", "0"], stdout=self.log, stderr=self.log)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server {self.n} exited with {self.proc.returncode} (see serve{self.n}.log)")
            try:
                if request(self, "GET", "/checkpoint", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.kill()
        raise SystemExit(f"server {self.n} did not answer GET /checkpoint on port {self.port} within 15 s")

    def kill(self):
        """SIGKILL; nothing when it is not running."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()


def request(server, method, path, body=None, timeout=10):
    """(status, parsed JSON or text); OSError when the connection fails."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        headers = {"Authorization": "Bearer " + server.token}
        if body is not None:
            headers["Content-Type"] = "application/json"
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read().decode()
        try:
            return r.status, json.loads(data)
        except ValueError:
            return r.status, data
    except http.client.HTTPException as e:
        raise OSError(str(e)) from e
    finally:
        c.close()


def claim(rid):
    """A claim record about the bundled Lachin case (which must be imported)."""
    return json.dumps({"kind": "claim", "id": rid, "case": "lachin-2022-23", "about": "rs-2022-12-12-closure",
                       "party": "A test party", "stance": "confirms", "text": "Seen by " + rid + ".",
                       "sources": ["src-ombudsmen-2023-01-13-joint-report"]})
