import time

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)


def totp_code(secret: str, shift: int = 0) -> str:
    """The authenticator app's code now (``shift`` periods later)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + shift))


def give_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def give_recovery_codes(user) -> list[str]:
    return RecoveryCodes.activate(user).generate_codes()
