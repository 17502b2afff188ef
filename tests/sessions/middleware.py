"""Test-only middleware that uses the session store outside any view."""


class SavesSessionAfterView:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        request.session["seen_by_middleware"] = True
        request.session.save()
        return response
