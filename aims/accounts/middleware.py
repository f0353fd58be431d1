"""Keeps the index of signed-in sessions (aims.accounts.models.UserSession) current: the last
time and address a session was seen, written at most once a minute."""

from .services import session_touch


class SessionActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view: a sign-in or a password change may have cycled the session's key.
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        # Only the session's own user (an API call may carry a token of another user).
        if (
            user is not None
            and user.is_authenticated
            and session is not None
            and session.session_key
            and session.get("_auth_user_id") == str(user.pk)
        ):
            session_touch(request)
        return response
