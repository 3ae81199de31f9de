from .context import acting_as


class AuditContextMiddleware:
    """Binds the request's user and id to the audit context for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user, getattr(request, "id", None)):
            return self.get_response(request)
