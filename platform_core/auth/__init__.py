"""Identity: accounts, passwords, JWT sessions, 2FA, lockout and rate limits.

Installs the security policy and the services the auth routes use, each built
once at startup from ``auth.*`` settings and kept on the registry.
"""

import ipaddress
from dataclasses import dataclass

from platform_core.auth.guard import Lockout, RateLimiter, client_ip, parse_rate
from platform_core.auth.mail_tokens import PASSWORD_RESET, VERIFY_EMAIL, MailTokens
from platform_core.auth.passwords import Passwords
from platform_core.auth.policy import PlatformSecurityPolicy, load_identity
from platform_core.auth.services import AccountService
from platform_core.auth.tokens import build_codec, build_token_service
from platform_core.auth.totp import Totp
from platform_core.settings import get_bool, get_duration, get_int, get_list

#: Rate-limit scopes of the auth routes and their defaults (requests/seconds per IP).
DEFAULT_RATE_LIMITS = {
    "login": "10/60s",
    "register": "5/60s",
    "refresh": "30/60s",
    "password": "5/60s",
    "token": "10/60s",
}


@dataclass(frozen=True)
class AuthSettings:
    require_verification: bool
    public_url: str


def build_passwords(settings):
    from argon2 import PasswordHasher

    hasher = PasswordHasher(
        time_cost=get_int(settings, "auth.argon2_time_cost", 3),
        memory_cost=get_int(settings, "auth.argon2_memory_cost", 65536),
        parallelism=get_int(settings, "auth.argon2_parallelism", 4),
    )
    return Passwords(min_length=get_int(settings, "auth.password_min_length", 10), hasher=hasher)


def includeme(config):
    settings = config.get_settings()
    registry = config.registry
    codec = build_codec(settings)
    registry["auth.settings"] = AuthSettings(
        require_verification=get_bool(settings, "auth.require_email_verification", True),
        public_url=settings.get("platform.public_url", "http://127.0.0.1:6543").rstrip("/"),
    )
    registry["auth.passwords"] = build_passwords(settings)
    registry["auth.tokens"] = build_token_service(registry)
    registry["auth.mail_tokens"] = MailTokens(codec, registry["redis"], {
        VERIFY_EMAIL: get_duration(settings, "auth.verify_email_token_lifetime", "2d"),
        PASSWORD_RESET: get_duration(settings, "auth.password_reset_token_lifetime", "1h"),
    })
    registry["auth.lockout"] = Lockout(
        registry["redis"], registry["clock"],
        threshold=get_int(settings, "auth.lockout_threshold", 5),
        duration=get_duration(settings, "auth.lockout_duration", "15m"),
    )
    registry["auth.rate_limiter"] = RateLimiter(registry["redis"], registry["clock"], {
        scope: parse_rate(settings.get(f"auth.rate_limit.{scope}", default))
        for scope, default in DEFAULT_RATE_LIMITS.items()
    })
    registry["auth.totp"] = Totp(registry["clock"], settings.get("auth.totp_issuer", "Service Platform"))
    trusted = [ipaddress.ip_network(net, strict=False) for net in get_list(settings, "auth.trusted_proxies")]

    config.set_security_policy(PlatformSecurityPolicy())
    config.add_request_method(load_identity, "platform_identity", reify=True)
    config.add_request_method(AccountService, "accounts", reify=True)
    config.add_request_method(lambda request: client_ip(request, trusted), "client_ip", reify=True)
    config.scan("platform_core.auth.views")
