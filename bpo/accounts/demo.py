"""The demo accounts that ``seed_demo`` creates and ``make run`` prints. One password for all."""

from __future__ import annotations

import os

DEFAULT_DEMO_PASSWORD = "demo-portal-2026"

# (e-mail, who it is). seed_demo creates exactly these.
DEMO_ACCOUNTS: list[tuple[str, str]] = [
    ("admin@bpo.demo", "provider admin"),
    ("am@bpo.demo", "account manager (all three clients)"),
    ("scheduler@bpo.demo", "scheduler (Northwind, Cloudberry)"),
    ("finance@bpo.demo", "finance (all three clients)"),
    ("qa@bpo.demo", "QA analyst (Northwind, Viajes Sol)"),
    ("agent@bpo.demo", "agent (Northwind)"),
    ("admin@northwind.demo", "client admin, Northwind Outfitters (US, e-commerce)"),
    ("viewer@northwind.demo", "client viewer, Northwind Outfitters"),
    ("admin@cloudberry.demo", "client admin, Cloudberry Software (DE, SaaS)"),
    ("viewer@cloudberry.demo", "client viewer, Cloudberry Software"),
    ("admin@viajessol.demo", "client admin, Viajes Sol (MX, travel)"),
    ("viewer@viajessol.demo", "client viewer, Viajes Sol"),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
