"""factory_boy factories for the public-side models."""

from __future__ import annotations

import factory

from bpo.accounts.models import Membership, User

DEMO_TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEMO_TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = "client_viewer"
    client = None


def client_answers(slug: str, **overrides) -> dict:
    data = {
        "name": slug.replace("-", " ").title(),
        "legal_name": slug.replace("-", " ").title() + " Ltd.",
        "slug": slug,
        "industry": "ecommerce",
        "country": "US",
        "time_zone": "America/New_York",
        "currency": "USD",
        "billing_model": "per_hour",
        "billing_contact_name": "Bill Payer",
        "billing_contact_email": f"billing@{slug}.example",
        "admin_full_name": "Ada Admin",
        "admin_email": f"admin@{slug}.example",
    }
    data.update(overrides)
    return data
