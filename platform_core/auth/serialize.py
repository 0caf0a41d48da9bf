"""How a user is shown to API clients (never with secrets)."""

from sqlalchemy import select

from platform_core.tenancy.models import Business, Membership


def user_as_dict(user):
    return {
        "id": str(user.id),
        "email": user.email,
        "full_name": user.full_name,
        "email_verified": user.email_verified_at is not None,
        "two_factor_enabled": user.totp_enabled,
        "created_at": user.created_at,
    }


def memberships_of(dbsession, user_id):
    rows = dbsession.execute(
        select(Membership.business_id, Business.name, Membership.role)
        .join(Business, Business.id == Membership.business_id)
        .where(Membership.user_id == user_id)
        .order_by(Business.name)
    )
    return [{"business_id": str(b), "business_name": n, "role": r} for b, n, r in rows]
