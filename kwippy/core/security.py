"""The Content-Security-Policy header (Django 5.2 has none of its own; 6.0 adds one).

Pages load scripts, styles, images and fonts from this site only, forms post only here, and no
one may frame us. The admin keeps inline `style` attributes in its templates, so under /admin/
inline styles are allowed too; scripts never are. A view with stricter needs sets its own with
`csp_override`, the decorator Django 6.0 names so, which this middleware then leaves alone.
"""

from functools import wraps

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ADMIN_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    """Add the site's Content-Security-Policy to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = ADMIN_POLICY if admin else POLICY
        return response


def csp_override(policy: str):
    """Send `policy` as the Content-Security-Policy of the decorated view's responses, in place
    of the site's."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Content-Security-Policy"] = policy
            return response

        return wrapped

    return decorator
