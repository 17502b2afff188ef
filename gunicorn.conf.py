"""gunicorn's settings wherever kwippy is served: gunicorn reads this file from its directory."""

# Pinboard clients send every argument in a GET's query string, a 65,536-character `extended`
# included, and gunicorn's default request line (4,094 bytes) would refuse them. 0 lifts the
# limit to gunicorn's own ceiling of 1 MiB, enough for the longest text percent-encoded.
limit_request_line = 0
