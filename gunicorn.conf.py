"""gunicorn's settings wherever kwippy is served: `make run`, the image and Compose name it."""

# The longest request line gunicorn can bound (its ceiling; 0 would mean no limit at all): a line
# beyond it is refused with 414 as soon as that much has arrived, never read to its end. It holds a
# Pinboard GET with a full title, 100 tags and a note of a few thousand characters; a longer note
# (up to Pinboard's 65,536 characters) travels in a POST's form body, which every API method takes.
limit_request_line = 8190
# Headers: as many and as long as browsers and the proxy in front send, with room to spare (an
# Authorization header, a cookie, X-Forwarded-For); more is refused with 431.
limit_request_fields = 50
limit_request_field_size = 8190
