"""The loyalty ledger: append-only entries, and a balance that never goes below zero.

The balance lives on one row per client and changes only by an atomic
``UPDATE ... SET balance = balance + :points WHERE balance + :points >= 0
RETURNING balance``: of concurrent redemptions, the database lets through
exactly as many as the balance covers, on PostgreSQL (row lock, condition
re-checked) and on SQLite (one writer at a time) alike. The entry written
beside it records the balance after, so the ledger always sums to the balance.
"""

import math

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from platform_core.errors import APIError
from platform_clients.models import LoyaltyAccount, LoyaltyEntry, LoyaltyProgram

KINDS = ("earn", "redeem", "adjust", "expire", "merge")


class InsufficientPoints(APIError):
    status, code, message = 409, "insufficient_points", "Not enough loyalty points"


class LoyaltyLedger:
    def __init__(self, request):
        self.request = request
        self.db = request.dbsession

    def account(self, client_id):
        """The client's account, created on first use (safely, if two requests race to create it)."""
        account = self._find(client_id)
        if account is not None:
            return account
        try:
            with self.db.begin_nested():
                self.db.add(LoyaltyAccount(client_id=client_id, balance=0, lifetime_points=0))
        except IntegrityError:
            pass
        return self._find(client_id)

    def post(self, client_id, kind, points, reason="", source_type=None, source_id=None):
        """Append an entry of ``points`` (signed); refused if the balance would go below zero."""
        account = self.account(client_id)
        earned = points if kind == "earn" else 0
        balance = self.db.scalar(
            update(LoyaltyAccount)
            .where(LoyaltyAccount.id == account.id, LoyaltyAccount.balance + points >= 0)
            .values(balance=LoyaltyAccount.balance + points,
                    lifetime_points=LoyaltyAccount.lifetime_points + earned)
            .returning(LoyaltyAccount.balance)
            .execution_options(synchronize_session=False)
        )
        if balance is None:
            available = self.db.scalar(select(LoyaltyAccount.balance).where(LoyaltyAccount.id == account.id))
            raise InsufficientPoints(
                f"Only {available} points available", errors={"points": [f"Only {available} points available"]})
        entry = LoyaltyEntry(
            client_id=client_id, kind=kind, points=points, balance_after=balance, reason=reason,
            source_type=source_type, source_id=source_id, actor_id=self._actor(),
        )
        self.db.add(entry)
        self.db.flush()
        self.db.expire(account)
        return entry

    def earn_for(self, client_id, amount, visit, source_type, source_id):
        """Points for a completed visit or purchase under the active program; None without one."""
        program = self.db.scalars(
            select(LoyaltyProgram).where(LoyaltyProgram.active.is_(True)).order_by(LoyaltyProgram.created_at)
        ).first()
        if program is None:
            return None
        points = math.floor((amount or 0) * program.points_per_currency_unit)
        points += program.points_per_visit if visit else 0
        if points <= 0:
            return None
        return self.post(client_id, "earn", points, f"{program.name}", source_type, source_id)

    def summary(self, client_id):
        account = self._find(client_id)
        balance = account.balance if account else 0
        lifetime = account.lifetime_points if account else 0
        return {"balance": balance, "lifetime_points": lifetime, "tier": self.tier(lifetime)}

    def tier(self, lifetime_points):
        program = self.db.scalars(
            select(LoyaltyProgram).where(LoyaltyProgram.active.is_(True)).order_by(LoyaltyProgram.created_at)
        ).first()
        reached = [t for t in (program.tiers if program else []) if lifetime_points >= t["min_points"]]
        return max(reached, key=lambda t: t["min_points"])["name"] if reached else None

    def move(self, from_client_id, to_client_id):
        """A merge: the duplicate's balance and lifetime points go to the survivor.

        Both ledgers gain a ``merge`` entry (never an edit of old entries); the
        duplicate's history stays on the duplicate, which records where it went.
        """
        source = self._find(from_client_id)
        if source is None or (source.balance == 0 and source.lifetime_points == 0):
            return
        balance, lifetime = source.balance, source.lifetime_points
        target = self.account(to_client_id)
        self.db.execute(
            update(LoyaltyAccount).where(LoyaltyAccount.id == source.id)
            .values(balance=0, lifetime_points=0).execution_options(synchronize_session=False))
        self.db.execute(
            update(LoyaltyAccount).where(LoyaltyAccount.id == target.id)
            .values(balance=LoyaltyAccount.balance + balance,
                    lifetime_points=LoyaltyAccount.lifetime_points + lifetime)
            .execution_options(synchronize_session=False))
        self.db.expire_all()
        actor = self._actor()
        self.db.add_all([
            LoyaltyEntry(client_id=from_client_id, kind="merge", points=-balance, balance_after=0,
                         reason="Merged into another client", source_type="merge", source_id=str(to_client_id),
                         actor_id=actor),
            LoyaltyEntry(client_id=to_client_id, kind="merge", points=balance,
                         balance_after=self._find(to_client_id).balance, reason="Merged from a duplicate client",
                         source_type="merge", source_id=str(from_client_id), actor_id=actor),
        ])
        self.db.flush()

    def _find(self, client_id):
        return self.db.scalar(select(LoyaltyAccount).where(LoyaltyAccount.client_id == client_id))

    def _actor(self):
        identity = self.request.identity
        return identity.user_id if identity is not None else None
