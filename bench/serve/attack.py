#!/usr/bin/env python3
# The attacks of issue #11 against a running `lifeline serve` on loopback,
# for comparing servers by hand (the tests are src/server/http_test.cc):
#
#   attack.py PORT starve    500 idle connections (from 127.0.0.2-11) and 70
#                            sending their heads a byte a second (127.0.0.20-21),
#                            then 60 requests from 127.0.0.1: p50/p99/max, failures
#   attack.py PORT chunked   an anonymous chunked POST of up to 256 MiB to
#                            /api/v1/records: MiB sent before the answer
#   attack.py PORT expect    Content-Length 2 MiB with Expect: 100-continue
#   attack.py PORT static    /package.json, node_modules, a licence, /index.html
#                            (serve with --web pointing at a web/ with vendor/)
import socket, sys, time, threading, os, statistics
port = int(sys.argv[1]); what = sys.argv[2]
def conn(src):
    s = socket.socket(); s.bind((src, 0)); s.settimeout(5); s.connect(("127.0.0.1", port)); return s
if what == "starve":
    held = []
    for i in range(500):
        s = conn("127.0.0.%d" % (2 + i // 50))
        if i % 2: s.sendall(b"GET /checkpoint HTTP/1.1\r\nHost: x\r\n\r\n")
        held.append(s)
    slow = [conn("127.0.0.%d" % (20 + i // 35)) for i in range(70)]
    stop = False
    def trickle():
        head = b"GET /checkpoint HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        i = 0
        while not stop:
            for s in slow:
                try: s.send(head[i:i+1])
                except Exception: pass
            i += 1; time.sleep(1)
    t = threading.Thread(target=trickle); t.start(); time.sleep(1.5)
    lat = []; fails = 0
    for i in range(60):
        t0 = time.time()
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.sendall(b"GET /checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            d = c.recv(100); c.close()
            if not d.startswith(b"HTTP/1.1 200"): fails += 1
        except Exception: fails += 1
        lat.append((time.time() - t0) * 1000)
    stop = True; t.join()
    lat.sort(); print("starve: p50 %.1f ms p99 %.1f ms max %.1f ms fails %d" % (lat[len(lat)//2], lat[int(len(lat)*.99)-1], lat[-1], fails))
elif what == "chunked":
    s = conn("127.0.0.2"); sent = 0
    s.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b"x" * 65536 + b"\r\n"
    t0 = time.time()
    try:
        for i in range(4096):
            s.sendall(chunk); sent += 65536
            if time.time() - t0 > 20: break
    except Exception as e: pass
    try: r = s.recv(200)
    except Exception as e: r = repr(e).encode()
    print("chunked: sent %.1f MiB, answer %r" % (sent / 1048576, r[:40]))
elif what == "expect":
    s = conn("127.0.0.2")
    s.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\nExpect: 100-continue\r\n\r\n")
    print("expect:", s.recv(200)[:40])
elif what == "static":
    for p in ["/package.json", "/node_modules/leaflet/package.json", "/vendor/leaflet/LICENSE", "/index.html"]:
        c = socket.create_connection(("127.0.0.1", port)); c.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % p).encode())
        print("static", p, c.recv(20))
