"""Demo partners: ginners, mills, traders, CCI, a sub-broker, a transporter and a controller,
taken through maker-checker approval by the demo sales user and manager, and two portal
logins. Idempotent: partners are looked up by PAN."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.auth import repository as users
from tradehub.auth.seed import DEMO_DOMAIN, DEMO_PASSWORD, identity_for
from tradehub.config import Settings
from tradehub.kit.identifiers import gstin_check_character
from tradehub.partner import portal_service, service
from tradehub.partner.domain import PartnerKind, PartnerStatus
from tradehub.partner.models import Partner
from tradehub.partner.schemas import BranchIn, PartnerCreate, PortalUserCreate

# (legal name, kind, PAN holder type, head-office town, GST state code)
DEMO_PARTNERS: list[tuple[str, str, str, str, str]] = [
    ("Shree Krishna Ginning & Pressing Pvt Ltd", "seller", "C", "Rajkot", "24"),
    ("Jay Ambe Cotton Industries", "seller", "F", "Gondal", "24"),
    ("Saurashtra Cotspin LLP", "seller", "F", "Amreli", "24"),
    ("Om Sai Ginning Factory", "seller", "F", "Kadi", "24"),
    ("Vidarbha Kapas Processors Pvt Ltd", "seller", "C", "Akola", "27"),
    ("Yavatmal Cotton Ginners", "seller", "F", "Yavatmal", "27"),
    ("Khandesh Agro Ginning Pvt Ltd", "seller", "C", "Jalgaon", "27"),
    ("The Cotton Corporation of India Ltd", "seller", "C", "Navi Mumbai", "27"),
    ("Arvind Spinning Mills Ltd", "buyer", "C", "Ahmedabad", "24"),
    ("Kadi Spinning Mills Pvt Ltd", "buyer", "C", "Kadi", "24"),
    ("Nagpur Textile Mills Pvt Ltd", "buyer", "C", "Nagpur", "27"),
    ("Vardhman Yarns & Threads Ltd", "buyer", "C", "Bathinda", "03"),
    ("Coimbatore Spinners Ltd", "buyer", "C", "Coimbatore", "33"),
    ("Indore Cotsyn Mills Pvt Ltd", "buyer", "C", "Indore", "23"),
    ("Mahalaxmi Khadi Gramodyog Sangh", "buyer", "A", "Wardha", "27"),
    ("Rajkot Cotton Traders", "trader", "F", "Rajkot", "24"),
    ("Akola Kapas Trading Company", "trader", "F", "Akola", "27"),
    ("Gujarat Fibre Traders LLP", "trader", "F", "Ahmedabad", "24"),
    ("Patel Cotton Brokers", "broker", "P", "Rajkot", "24"),
    ("Shree Balaji Roadways", "transporter", "F", "Ahmedabad", "24"),
    ("Cotton Quality Control Services Pvt Ltd", "controller", "C", "Mumbai", "27"),
]
# (login, partner legal name): a mill and a ginner can sign in to the portal.
DEMO_PORTAL_USERS = [
    ("partner", "Arvind Spinning Mills Ltd"),
    ("ginner", "Shree Krishna Ginning & Pressing Pvt Ltd"),
]


def demo_pan(index: int, holder: str) -> str:
    """Well-formed, distinct PANs for the demo (``AAB<holder>D4301K`` …)."""
    return f"AAB{holder}{chr(ord('D') + index % 20)}{4301 + index:04d}K"


def demo_body(
    index: int, name: str, kind: str, holder: str, town: str, state: str
) -> PartnerCreate:
    pan = demo_pan(index, holder)
    first = f"{state}{pan}1Z"
    gstin = first + gstin_check_character(first)
    slug = "".join(ch for ch in name.lower() if ch.isalnum())[:24]
    return PartnerCreate(
        legal_name=name,
        kind=PartnerKind(kind),
        pan=pan,
        gstin=gstin,
        email=f"accounts@{slug}.example.in",
        mobile=f"+9198{index:08d}"[:13],
        address=f"{town}, {state}",
        branches=[BranchIn(name=town, gstin=gstin, state_code=state, is_head_office=True)],
    )


async def _actor(session: AsyncSession, role: str) -> AuditActor:
    email = f"{role}@{DEMO_DOMAIN}"
    user = await users.user_by_email(session, email)
    if user is None:  # pragma: no cover - the users seeder runs first
        raise RuntimeError(f"seed the demo users first: {email} is missing")
    return AuditActor(user_id=user.id, label=email)


async def seed_demo_partners(session: AsyncSession) -> dict[str, Partner]:
    """Create and approve the missing demo partners; answers all of them by legal name."""
    maker, checker = await _actor(session, "sales"), await _actor(session, "manager")
    partners: dict[str, Partner] = {}
    for index, (name, kind, holder, town, state) in enumerate(DEMO_PARTNERS):
        body = demo_body(index, name, kind, holder, town, state)
        partner = await session.scalar(select(Partner).where(Partner.pan == body.pan))
        if partner is None:
            partner = await service.create_partner(session, maker, body)
        if partner.status == PartnerStatus.DRAFT:
            partner = await service.submit(session, maker, partner)
        if partner.status == PartnerStatus.PENDING_APPROVAL:
            partner = await service.approve(session, checker, partner)
        partners[name] = partner
    return partners


async def seed_partners_for_demo(
    session: AsyncSession, console: Console, settings: Settings
) -> None:
    partners = await seed_demo_partners(session)
    admin = AuditActor(label="seed-demo")
    table = Table("portal login", "partner", "password", title="Demo portal users")
    for login, partner_name in DEMO_PORTAL_USERS:
        email = f"{login}@{DEMO_DOMAIN}"
        partner = partners[partner_name]
        if await users.user_by_email(session, email) is None:
            body = PortalUserCreate(
                email=email, name=f"{partner_name} (portal)", password=DEMO_PASSWORD
            )
            await portal_service.create_portal_user(
                session, identity_for(settings), admin, partner, body
            )
        table.add_row(email, partner_name, DEMO_PASSWORD)
    console.print(f"Partners: {len(partners)} active, approved by maker-checker")
    console.print(table)
