#!/usr/bin/env python3
"""A small Python collector, the kind people write today: a thread pool and a token
bucket fetching each APN's Assessor parcel record as JSON Lines. Standard library only.
It is mps's peer in `make bench`: the same requests for the same rows, at the same limits.

Usage: collector.py APNS_FILE RATE WORKERS > out.jsonl
(env: MPS_ASSESSOR_URL, MPS_ASSESSOR_TOKEN; RATE 0 means no limit)
"""
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


class Bucket:
    def __init__(self, rate):
        self.rate = rate
        self.lock = threading.Lock()
        self.next = time.monotonic()

    def take(self):
        if self.rate <= 0:
            return
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next)
            self.next = start + 1.0 / self.rate
        time.sleep(max(0.0, start - now))


def main():
    path, rate, workers = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    base = os.environ["MPS_ASSESSOR_URL"].rstrip("/")
    token = os.environ["MPS_ASSESSOR_TOKEN"]
    apns = [l.strip() for l in open(path) if l.strip() and l.strip() != "apn"]
    bucket = Bucket(rate)
    out_lock = threading.Lock()

    def fetch(apn):
        compact = apn.replace("-", "")
        for attempt in range(4):
            bucket.take()
            req = urllib.request.Request(f"{base}/parcel/{compact}", headers={"AUTHORIZATION": token})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    data = json.loads(r.read())
                status = "ok"
                break
            except urllib.error.HTTPError as e:
                data, status = None, f"http {e.code}"
                if e.code == 404:
                    break
            except Exception as e:  # noqa: BLE001 - a peer, not a product
                data, status = None, str(e)
            time.sleep(0.5 * (2 ** attempt))
        line = json.dumps({"apn": apn, "status": status, "data": data})
        with out_lock:
            sys.stdout.write(line + "\n")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(fetch, apns))


if __name__ == "__main__":
    main()
