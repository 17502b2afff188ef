"""Web servers for kwippy's fetcher to read: real sockets on loopback addresses, in this process.

`Articles` serves generated article pages, one site per loopback address (127.0.0.10, .11 …:
all of 127/8 is the machine itself on Linux), so that the fetcher's per-host politeness spreads
its fetches as it would across the web rather than queueing them all behind one host. `Tarpit`
accepts every connection and never answers, the way a hung site or a firewall that drops
packets after the handshake behaves; it counts how many connections it holds at once.

Both are for the benchmarks and drills, which must allow these addresses to the fetcher
(`LINK_FETCH_ALLOWED_NETWORKS`, which they set in the site's environment).
"""

import random
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = [
    "garden",
    "bread",
    "river",
    "mountain",
    "library",
    "bicycle",
    "window",
    "harbour",
    "kitchen",
    "lantern",
    "orchard",
    "meadow",
    "violin",
    "pepper",
    "castle",
    "compass",
    "anchor",
    "ribbon",
    "forest",
    "pottery",
    "museum",
    "railway",
    "theatre",
    "island",
    "cottage",
    "market",
    "saddle",
    "canvas",
    "blossom",
    "meteor",
    "glacier",
    "festival",
    "chapter",
]


def article(seed: int, *, paragraphs: int = 30) -> bytes:
    """Return an article page of about 20 KB of text in a realistic shell of markup."""
    rng = random.Random(seed)
    title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    body = "\n".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 120))) + ".</p>"
        for _ in range(paragraphs)
    )
    navigation = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(40))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{title}</title>"
        f'<meta name="description" content="An article about {title.lower()}.">'
        f'<meta property="og:title" content="{title}">'
        '<meta property="og:site_name" content="Bench News">'
        '<link rel="icon" href="/favicon.ico"><style>body{font:16px serif}</style>'
        f"<script>var analytics = {seed};</script></head><body>"
        f"<header><nav><ul>{navigation}</ul></nav></header>"
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer><p>Bench News, all rights reserved.</p></footer></body></html>"
    ).encode()


class _ArticleHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        seed = sum(map(ord, self.server.server_address[0] + self.path))
        body = article(seed)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.served += 1

    def log_message(self, *args) -> None:
        pass


class Articles:
    """Article sites on `hosts` loopback addresses, one port; `with Articles(…) as sites:`."""

    def __init__(self, *, hosts: int, port: int):
        self.addresses = [f"127.0.0.{10 + i}" for i in range(hosts)]
        self.port = port
        self.servers: list[ThreadingHTTPServer] = []

    def url(self, index: int) -> str:
        address = self.addresses[index % len(self.addresses)]
        return f"http://{address}:{self.port}/articles/{index}"

    @property
    def served(self) -> int:
        return sum(server.served for server in self.servers)

    def __enter__(self) -> "Articles":
        for address in self.addresses:
            server = ThreadingHTTPServer((address, self.port), _ArticleHandler)
            server.daemon_threads = True
            server.served = 0
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
        return self

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


class Tarpit:
    """A site that accepts every connection and never answers; `with Tarpit(port) as tarpit:`."""

    def __init__(self, *, address: str = "127.0.0.9", port: int):
        self.address, self.port = address, port
        self.held: set[socket.socket] = set()
        self.accepted = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def url(self, index: int) -> str:
        return f"http://{self.address}:{self.port}/slow/{index}"

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                self.held.add(connection)
                self.most_at_once = max(self.most_at_once, len(self._open()))

    def _open(self) -> set[socket.socket]:
        # What the client sent (its request) is read and dropped, so that a connection it closed
        # reads as ended; one it keeps open has nothing more to read.
        closed = set()
        for connection in self.held:
            connection.setblocking(False)
            try:
                while connection.recv(65536):
                    pass
                closed.add(connection)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(connection)
        for connection in closed:
            connection.close()
        self.held -= closed
        return self.held

    def holding(self) -> int:
        """Return how many connections the tarpit holds open now."""
        with self._lock:
            return len(self._open())

    def __enter__(self) -> "Tarpit":
        self.listener = socket.create_server((self.address, self.port), backlog=128)
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self.listener.close()
        for connection in self.held:
            connection.close()
