#!/usr/bin/env python3
"""A webhook receiver for alerts_cli_test.sh: listens on 127.0.0.1 (a free
port, written to PORT_FILE), answers 503 to the first FAIL requests and 200
afterwards, and appends each request as one JSON line to LOG_FILE.

    webhook_receiver.py PORT_FILE LOG_FILE FAIL
"""
import http.server
import json
import sys

port_file, log_file, fail = sys.argv[1], sys.argv[2], int(sys.argv[3])
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        count += 1
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(log_file, "a") as f:
            f.write(json.dumps({"n": count, "key": self.headers.get("Idempotency-Key"),
                                "signature": self.headers.get("X-Lifeline-Signature"),
                                "body": body.decode()}) + "\n")
        self.send_response(503 if count <= fail else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
