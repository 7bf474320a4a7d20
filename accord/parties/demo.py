"""Demo parties, people, sites and the product catalog."""

from __future__ import annotations

from accord.accounts.models import User
from accord.lib.demo import DemoContext, step
from accord.parties import services
from accord.parties.models import Guest, ProductCategory, Role, SiteKind

PARTIES = [
    ("northwind", "Northwind Networks", "DE"),
    ("telco-a", "Telco A", "DE"),
    ("telco-b", "Telco B", "FR"),
    ("photon", "Photon Optics", "PT"),
]

# short name, e-mail, full name, job title, party, role, time zone
PEOPLE = [
    (
        "ada",
        "ada@northwind.example",
        "Ada Quinn",
        "Quality Manager",
        "northwind",
        Role.ADMIN,
        "Europe/Berlin",
    ),
    (
        "sam",
        "sam@northwind.example",
        "Sam Patel",
        "Program Manager",
        "northwind",
        Role.EDITOR,
        "Europe/Berlin",
    ),
    (
        "val",
        "val@northwind.example",
        "Val Ortiz",
        "Sales Director",
        "northwind",
        Role.VIEWER,
        "Europe/Berlin",
    ),
    (
        "noah",
        "noah@northwind.example",
        "Noah Berg",
        "Technical Support Lead",
        "northwind",
        Role.EDITOR,
        "America/Chicago",
    ),
    (
        "lena",
        "lena@northwind.example",
        "Lena Fischer",
        "Product Manager, Optical",
        "northwind",
        Role.EDITOR,
        "Europe/Berlin",
    ),
    (
        "tom",
        "tom@telco-a.example",
        "Tom Alvarez",
        "Head of Network Quality",
        "telco-a",
        Role.ADMIN,
        "Europe/Berlin",
    ),
    (
        "carol",
        "carol@telco-a.example",
        "Carol Nguyen",
        "Quality Engineer",
        "telco-a",
        Role.EDITOR,
        "Europe/Berlin",
    ),
    (
        "vic",
        "vic@telco-a.example",
        "Vic Romero",
        "Procurement Manager",
        "telco-a",
        Role.VIEWER,
        "Europe/Berlin",
    ),
    (
        "priya",
        "priya@telco-a.example",
        "Priya Shah",
        "Installation Lead",
        "telco-a",
        Role.EDITOR,
        "Europe/Berlin",
    ),
    (
        "mallory",
        "mallory@telco-b.example",
        "Mallory Stone",
        "Quality Manager",
        "telco-b",
        Role.ADMIN,
        "Europe/Paris",
    ),
    ("ben", "ben@telco-b.example", "Ben Kato", "Operations Engineer", "telco-b", Role.EDITOR, "Europe/Paris"),
    (
        "omar",
        "omar@photon.example",
        "Omar Haddad",
        "Customer Quality Contact",
        "photon",
        Role.ADMIN,
        "Europe/Lisbon",
    ),
    ("ines", "ines@photon.example", "Ines Duarte", "Account Manager", "photon", Role.EDITOR, "Europe/Lisbon"),
]

# the language each chose on their profile (the others: their browser's)
LANGUAGES = {"vic": "es", "ben": "ja"}

FACILITATOR = ("fay", "fay@facilitators.example", "Fay Morgan", "Independent quality facilitator")

RELATIONSHIPS = [
    ("northwind-telco-a", "northwind", "telco-a", "TLA", "Europe/Berlin"),
    ("northwind-telco-b", "northwind", "telco-b", "TLB", "Europe/Paris"),
    ("photon-northwind", "photon", "northwind", "PHO", "Europe/Lisbon"),
]

# key, party, name, kind, address, country, time zone
SITES = [
    (
        "nw-stuttgart",
        "northwind",
        "Stuttgart headquarters and factory",
        SiteKind.ORGANIZATION,
        "Industriestraße 12, 70565 Stuttgart",
        "DE",
        "Europe/Berlin",
    ),
    (
        "nw-austin",
        "northwind",
        "Austin repair depot",
        SiteKind.ORGANIZATION,
        "4100 Tech Ridge Blvd, Austin TX",
        "US",
        "America/Chicago",
    ),
    (
        "ta-munich",
        "telco-a",
        "Munich core data centre",
        SiteKind.CUSTOMER,
        "Riemer Str. 300, 81829 München",
        "DE",
        "Europe/Berlin",
    ),
    (
        "ta-hamburg",
        "telco-a",
        "Hamburg metro POP",
        SiteKind.CUSTOMER,
        "Hammerbrookstr. 90, 20097 Hamburg",
        "DE",
        "Europe/Berlin",
    ),
    (
        "ta-berlin",
        "telco-a",
        "Berlin network lab",
        SiteKind.CUSTOMER,
        "Carnotstr. 4, 10587 Berlin",
        "DE",
        "Europe/Berlin",
    ),
    (
        "tb-lyon",
        "telco-b",
        "Lyon central office",
        SiteKind.CUSTOMER,
        "12 rue de la Part-Dieu, 69003 Lyon",
        "FR",
        "Europe/Paris",
    ),
    (
        "tb-marseille",
        "telco-b",
        "Marseille landing station",
        SiteKind.CUSTOMER,
        "Quai du Lazaret, 13002 Marseille",
        "FR",
        "Europe/Paris",
    ),
    (
        "ph-porto",
        "photon",
        "Porto optical fab",
        SiteKind.ORGANIZATION,
        "Rua do Heroísmo 200, 4300 Porto",
        "PT",
        "Europe/Lisbon",
    ),
]

CATEGORIES = [
    ("1.2.7", "Packet switches and routers", "shipped_12m", "units shipped"),
    ("3.2.1", "Optical transport (metro and long-haul WDM)", "shipped_12m", "units shipped"),
    ("3.3.1", "Microwave radio transmission", "installed", "radio terminals installed"),
    ("8.1.1", "Optical components and subassemblies", "shipped_12m", "units shipped"),
]

# supplier, code, name, category
PRODUCTS = [
    ("northwind", "NW-OTX-100", "OTX-100 metro WDM shelf", "3.2.1"),
    ("northwind", "NW-OTX-200", "OTX-200 long-haul WDM shelf", "3.2.1"),
    ("northwind", "NW-OTX-AMP", "OTX line amplifier", "3.2.1"),
    ("northwind", "NW-OTX-TP4", "OTX 400G transponder card", "3.2.1"),
    ("northwind", "NW-R550", "R550 aggregation router", "1.2.7"),
    ("northwind", "NW-R900", "R900 core router", "1.2.7"),
    ("northwind", "NW-R900-LC", "R900 100G line card", "1.2.7"),
    ("northwind", "NW-S48", "S48 access switch", "1.2.7"),
    ("northwind", "NW-MW-E", "MW-E E-band radio", "3.3.1"),
    ("northwind", "NW-MW-18", "MW-18 18 GHz radio", "3.3.1"),
    ("northwind", "NW-MW-IDU", "MW indoor unit", "3.3.1"),
    ("northwind", "NW-PSU-2K", "2 kW shelf power supply", "1.2.7"),
    ("photon", "PH-QSFP-400", "QSFP-DD 400G ZR transceiver", "8.1.1"),
    ("photon", "PH-CFP2-DCO", "CFP2-DCO coherent module", "8.1.1"),
    ("photon", "PH-EDFA-M", "EDFA amplifier module", "8.1.1"),
]


def _person(ctx: DemoContext, email: str, name: str, title: str, tz: str) -> User:
    user = services.create_user(actor=None, email=email, full_name=name, password=None)
    user.set_password(ctx.password)
    user.job_title, user.time_zone = title, tz
    user.save()
    return user


@step(10)
def parties_and_people(ctx: DemoContext) -> None:
    for slug, name, country in PARTIES:
        ctx.parties[slug] = services.create_party(actor=None, name=name, slug=slug, country=country)
    for key, email, name, title, party, role, tz in PEOPLE:
        user = _person(ctx, email, name, title, tz)
        if key in LANGUAGES:
            user.language = LANGUAGES[key]
            user.save(update_fields=["language"])
        services.add_member(actor=None, party=ctx.parties[party], user=user, role=role)
        ctx.people[key] = user
        ctx.sign_ins.append((email, ctx.parties[party].name, role))
    for slug, supplier, customer, prefix, tz in RELATIONSHIPS:
        ctx.relationships[slug] = services.create_relationship(
            actor=None,
            supplier=ctx.parties[supplier],
            customer=ctx.parties[customer],
            slug=slug,
            item_prefix=prefix,
            time_zone=tz,
        )
    key, email, name, title = FACILITATOR
    fay = _person(ctx, email, name, title, "Europe/London")
    Guest.objects.create(user=fay, relationship=ctx.relationships["northwind-telco-a"])
    ctx.people[key] = fay
    ctx.sign_ins.append((email, "facilitator of Northwind–Telco A", "facilitator"))


@step(20)
def sites_and_catalog(ctx: DemoContext) -> None:
    for key, party, name, kind, address, country, tz in SITES:
        ctx.sites[key] = services.create_site(
            actor=None,
            party=ctx.parties[party],
            name=name,
            kind=kind,
            address=address,
            country=country,
            time_zone=tz,
        )
    categories = {}
    for code, name, basis, unit in CATEGORIES:
        categories[code], _ = ProductCategory.objects.get_or_create(
            code=code, defaults={"name": name, "normalization_basis": basis, "normalization_unit": unit}
        )
    for supplier, code, name, category in PRODUCTS:
        ctx.products[code] = services.create_product(
            actor=None, supplier=ctx.parties[supplier], code=code, name=name, category=categories[category]
        )
