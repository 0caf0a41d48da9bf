"""The platform's error vocabulary: one exception per code of the API contract.

Services raise these (or subclasses with a domain name, such as a plugin's
``SlotUnavailable``); one exception view in :mod:`platform_core.envelope`
turns each into the contract's error envelope. Views never build error bodies
by hand, so every error of every plugin has the same shape.
"""


class APIError(Exception):
    """An error the client is meant to see: a status, a stable code, a message.

    ``errors`` maps field names (dotted for nested fields, ``_`` for the body
    as a whole) to lists of messages. ``headers`` are added to the response
    (``Retry-After`` for lockouts and rate limits).
    """

    status = 400
    code = "bad_request"
    message = "Bad request"

    def __init__(self, message=None, errors=None, headers=None, code=None):
        self.message = message or self.message
        self.errors = errors or {}
        self.headers = headers or {}
        if code:
            self.code = code
        super().__init__(self.message)


class ValidationFailed(APIError):
    status, code, message = 400, "validation_error", "Validation failed"

    @classmethod
    def field(cls, name, message):
        """The usual case: one field with one message."""
        return cls(errors={name: [message]})


class BadRequest(APIError):
    status, code, message = 400, "bad_request", "Bad request"


class BusinessRequired(APIError):
    status, code, message = 400, "business_required", "Choose a business with the X-Business-Id header"


class NotAuthenticated(APIError):
    status, code, message = 401, "not_authenticated", "Authentication required"

    def __init__(self, message=None, **kwargs):
        headers = {"WWW-Authenticate": 'Bearer realm="api"'}
        headers.update(kwargs.pop("headers", {}))
        super().__init__(message, headers=headers, **kwargs)


class InvalidCredentials(APIError):
    status, code, message = 401, "invalid_credentials", "Invalid email or password"


class OtpRequired(APIError):
    status, code, message = 401, "otp_required", "A one-time code is required"


class OtpInvalid(APIError):
    """A wrong one-time code: 401 at login, 400 when enabling or disabling 2FA."""

    status, code, message = 401, "otp_invalid", "The one-time code is invalid"

    def __init__(self, message=None, status=None, **kwargs):
        super().__init__(message, **kwargs)
        if status:
            self.status = status


class PermissionDenied(APIError):
    status, code, message = 403, "permission_denied", "You do not have permission to do this"


class NotAMember(APIError):
    status, code, message = 403, "not_a_member", "You are not a member of this business"


class ModuleDisabled(APIError):
    status, code, message = 403, "module_disabled", "This module is not enabled for the business"


class EmailNotVerified(APIError):
    status, code, message = 403, "email_not_verified", "Verify your email address first"


class NotFound(APIError):
    status, code, message = 404, "not_found", "Not found"


class MethodNotAllowed(APIError):
    status, code, message = 405, "method_not_allowed", "Method not allowed"


class Conflict(APIError):
    status, code, message = 409, "conflict", "The request conflicts with the current state"


class AccountLocked(APIError):
    status, code, message = 423, "account_locked", "Too many failed logins; try again later"

    def __init__(self, retry_after, message=None):
        super().__init__(message, headers={"Retry-After": str(max(1, int(retry_after)))})


class RateLimited(APIError):
    status, code, message = 429, "rate_limited", "Too many requests; slow down"

    def __init__(self, retry_after, message=None):
        super().__init__(message, headers={"Retry-After": str(max(1, int(retry_after)))})


class Unavailable(APIError):
    status, code, message = 503, "unavailable", "A required service is unavailable"
