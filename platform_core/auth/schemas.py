"""Request and response schemas of the authentication routes."""

import colander


def _email():
    return colander.SchemaNode(
        colander.String(), validator=colander.All(colander.Length(max=254), colander.Email()),
        preparer=lambda value: value.strip() if isinstance(value, str) else value,
    )


def _text(max_length, **kw):
    return colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=max_length), **kw)


class RegisterBody(colander.MappingSchema):
    email = _email()
    password = _text(1024)
    full_name = _text(200)


class TokenBody(colander.MappingSchema):
    token = _text(4096)


class EmailBody(colander.MappingSchema):
    email = _email()


class LoginBody(colander.MappingSchema):
    email = _email()
    password = _text(1024)
    otp = _text(32, missing=None, description="TOTP code or a recovery code, for 2FA accounts")


class RefreshBody(colander.MappingSchema):
    refresh_token = _text(4096)


class OtpBody(colander.MappingSchema):
    otp = _text(32)


class ResetBody(colander.MappingSchema):
    token = _text(4096)
    new_password = _text(1024)


class TokenPairSchema(colander.MappingSchema):
    access_token = colander.SchemaNode(colander.String())
    refresh_token = colander.SchemaNode(colander.String())
    token_type = colander.SchemaNode(colander.String(), validator=colander.OneOf(["Bearer"]))
    expires_in = colander.SchemaNode(colander.Integer(), description="access token lifetime in seconds")


class MembershipSchema(colander.MappingSchema):
    business_id = colander.SchemaNode(colander.String())
    business_name = colander.SchemaNode(colander.String())
    role = colander.SchemaNode(colander.String(), validator=colander.OneOf(["admin", "manager", "agent", "subscriber"]))


class MembershipList(colander.SequenceSchema):
    membership = MembershipSchema()


class UserSchema(colander.MappingSchema):
    id = colander.SchemaNode(colander.String())
    email = colander.SchemaNode(colander.String())
    full_name = colander.SchemaNode(colander.String())
    email_verified = colander.SchemaNode(colander.Boolean())
    two_factor_enabled = colander.SchemaNode(colander.Boolean())
    created_at = colander.SchemaNode(colander.DateTime())
    memberships = MembershipList(missing=colander.drop)


class TwoFactorSetupSchema(colander.MappingSchema):
    secret = colander.SchemaNode(colander.String())
    otpauth_uri = colander.SchemaNode(colander.String())


class RecoveryCodeList(colander.SequenceSchema):
    code = colander.SchemaNode(colander.String())


class RecoveryCodesSchema(colander.MappingSchema):
    recovery_codes = RecoveryCodeList(description="one-time codes, shown only now")
