"""A web server of big pages in a process of its own, so that measuring the fetcher's memory
measures the fetcher alone: `python -m tests.core.big_pages` prints its port, then serves
`/big` (50 MB of HTML, streamed) and `/bomb` (50 MB of zeros in 50 kB of gzip).
"""

import sys
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MEGABYTE = 1_000_000
CHUNK = b"<p>" + b"x" * (64 * 1024 - 3)


def gzip_bomb() -> bytes:
    compressor = zlib.compressobj(wbits=zlib.MAX_WBITS | 16)
    return b"".join(compressor.compress(b"\0" * MEGABYTE) for _ in range(50)) + compressor.flush()


class BigPages(BaseHTTPRequestHandler):
    bomb = gzip_bomb()

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if self.path == "/bomb":
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(self.bomb)))
            self.end_headers()
            self.wfile.write(self.bomb)
            return
        self.send_header("Content-Length", str(50 * MEGABYTE // len(CHUNK) * len(CHUNK)))
        self.end_headers()
        for _ in range(50 * MEGABYTE // len(CHUNK)):
            self.wfile.write(CHUNK)

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), BigPages)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except (BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        sys.exit(0)
