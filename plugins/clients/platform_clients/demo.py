"""Demo data: a salon's clients with tags, consent, a loyalty program and some history."""

import datetime
import random

from platform_clients.loyalty import LoyaltyLedger
from platform_clients.models import Client, LoyaltyProgram
from platform_clients.services import stamp_consent

PEOPLE = [
    ("Ana", "Silva", "+351912000101", "female", ["vip", "color"]),
    ("Bruno", "Costa", "+351912000102", "male", ["beard"]),
    ("Carla", "Mendes", "+351912000103", "female", ["nails"]),
    ("Diogo", "Ferreira", "+351912000104", "male", []),
    ("Eva", "Martins", "+351912000105", "female", ["vip", "spa"]),
    ("Filipa", "Rocha", "+351912000106", "female", ["spa"]),
    ("Gonçalo", "Pereira", "+351912000107", "male", ["beard", "regular"]),
    ("Helena", "Santos", "+351912000108", "female", ["color", "regular"]),
    ("Inês", "Almeida", "+351912000109", "female", ["nails", "vip"]),
    ("João", "Gomes", "+351912000110", "male", []),
    ("Leonor", "Ribeiro", "+351912000111", "female", ["spa"]),
    ("Miguel", "Carvalho", "+351912000112", "male", ["regular"]),
    ("Nuno", "Teixeira", "+351912000113", "male", []),
    ("Olga", "Moreira", "+351912000114", "female", ["color"]),
    ("Pedro", "Correia", "+351912000115", "male", ["referral"]),
    ("Rita", "Pinto", "+351912000116", "female", ["vip"]),
]


def add_demo_data(context):
    db = context.dbsession
    rng = random.Random(7)
    program = LoyaltyProgram(name="Glow Rewards", points_per_currency_unit=1, points_per_visit=10,
                             tiers=[{"name": "Silver", "min_points": 200}, {"name": "Gold", "min_points": 600}])
    db.add(program)
    clients = []
    for index, (first, last, phone, gender, tags) in enumerate(PEOPLE):
        client = Client(
            first_name=first, last_name=last, email=f"{first.lower()}.{last.lower()}@example.com".replace("ç", "c")
            .replace("ê", "e").replace("ô", "o"), phone=phone, gender=gender, tags=tags,
            date_of_birth=datetime.date(1975 + index, 1 + index % 12, 1 + index), source=rng.choice(
                ["walk_in", "online", "referral"]), notes="Prefers afternoons." if index % 3 == 0 else "",
        )
        consent = {"consent_email": index % 2 == 0, "consent_sms": index % 3 == 0, "consent_whatsapp": True}
        stamp_consent(client, consent)
        for field, value in consent.items():
            setattr(client, field, value)
        clients.append(client)
    db.add_all(clients)
    db.flush()
    ledger = LoyaltyLedger(context.request)
    for client in clients[:10]:
        for visit in range(rng.randint(1, 6)):
            ledger.post(client.id, "earn", rng.choice([35, 45, 60, 80]) + 10, "Glow Rewards", "demo", f"visit-{visit}")
    ledger.post(clients[0].id, "redeem", -50, "Free fringe trim")
    ledger.post(clients[4].id, "adjust", 25, "Birthday bonus")
