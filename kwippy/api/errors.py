"""The one way an API method refuses a request."""


class ApiError(Exception):
    """A refused request: `code` is the phrase the answer carries, `status` its HTTP status."""

    def __init__(self, code: str, status: int = 400, headers: dict[str, str] | None = None):
        super().__init__(code)
        self.code = code
        self.status = status
        self.headers = headers or {}
