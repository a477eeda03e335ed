"""SEC: Phase 4, security. AuthN/AuthZ, encryption at rest and in transit, input validation and
rate limiting, PII handling; escalated where the requirements state a compliance regime."""

from __future__ import annotations

import re

from tradeoff.model.design import CacheLayer, ComponentKind
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_AUTH = "Security: AuthN/AuthZ (OAuth, JWT, RBAC)"
P_ENC = "Security: encryption at rest and in transit"
P_INPUT = "Security: input validation, rate limiting"
P_PII = "Security: PII handling"

#: a compliance item about where data may be: residency, localisation, sovereignty, "stays in the EU"
_RESIDENCY = re.compile(r"\b(residen(?:cy|t|ce)|locali[sz]ation|sovereign(?:ty)?|in[- ]region|"
                        r"(?:stay|stays|remain|remains|kept|stored|hosted)\s+(?:only\s+)?(?:in|within)\b)",
                        re.IGNORECASE)
#: a component's own text that says where it runs (a region name or code, or an in-region promise)
_WHERE = re.compile(r"\b(?:(?i:regions?|in[- ]region)|EU|EEA|UK|US|[a-z]{2}-[a-z]+-\d)\b")
#: kinds that keep or pass on copies of the data
_HOLDERS = frozenset({ComponentKind.data_store, ComponentKind.cache, ComponentKind.queue, ComponentKind.event_stream,
                      ComponentKind.cdn, ComponentKind.external})


def _dive(ctx):
    return ctx.dd.security if ctx.dd else None


def _compliance(ctx) -> list:
    return list(ctx.nf.compliance) if ctx.nf else []


def _regimes(ctx) -> str:
    items = _compliance(ctx)
    names = sorted({c.regime or c.id for c in items})
    return ", ".join(names)


def _api(ctx):
    return ctx.dd.api_design if ctx.dd else None


def _has_clients(ctx) -> bool:
    return any(c.kind is ComponentKind.client for c in ctx.components)


@rule("SEC-001", "No security deep dive", severity="info", playbook=P_AUTH,
      why="Who may call what, how data is protected and how abuse is held off are part of the design, not an "
          "afterthought; the interviewer may not ask, but a principal brings it up.",
      fix="Add deep_dives.security: authn, authz, encryption at rest and in transit, input validation, rate "
          "limiting and PII handling.",
      bad="deep_dives:\n  caching: {policy: aside}",
      good="deep_dives:\n  security: {authn: OIDC tokens at the gateway, authz: owner check, pii: none kept}")
def no_dive(ctx):
    if ctx.arch is not None and _dive(ctx) is None and not _compliance(ctx):
        yield Hit(ctx.dd if ctx.dd is not None else ctx.arch, "no security deep dive (deep_dives.security)")


@rule("SEC-002", "No security deep dive under a compliance regime", severity="warning", playbook=P_PII,
      why="A stated compliance regime (GDPR, HIPAA, PCI DSS) turns security into requirements: where personal "
          "data lives, how it is encrypted and erased, who may read it. A design that states the regime and never "
          "returns to it has not met it.",
      fix="Add deep_dives.security, and say for each compliance item how the design meets it (PII handling, "
          "encryption at rest, access control).",
      bad="non_functional: {compliance: [{id: gdpr, regime: GDPR, requirement: erasure}]}\n# no deep_dives.security",
      good="deep_dives:\n  security: {pii: erasure job deletes by user_id within 30 days, encryption_at_rest: KMS}")
def no_dive_with_compliance(ctx):
    if ctx.arch is not None and _dive(ctx) is None and _compliance(ctx):
        yield Hit(ctx.dd if ctx.dd is not None else ctx.arch,
                  f"compliance is stated ({_regimes(ctx)}) but there is no security deep dive")


presence("SEC-003", "Authentication not stated", section=_dive, field="authn", label="authentication (authn)",
         severity="warning", playbook=P_AUTH,
         why="Every request that changes or reads private data needs a verified caller; where tokens are checked "
             "(gateway or each service) decides what a compromised internal hop can do.",
         fix="State security.authn: how callers prove who they are (OIDC/OAuth tokens, JWTs, API keys, mTLS) and "
             "where it is checked.",
         bad="security: {authz: owner only}", good="security: {authn: short-lived JWTs validated at the gateway}")

presence("SEC-004", "Authorization not stated", section=_dive, field="authz", label="authorization (authz)",
         severity="warning", playbook=P_AUTH,
         why="Knowing who the caller is says nothing about what they may touch: object-level checks (owner, "
             "member, role) are where most real breaches happen.",
         fix="State security.authz: the ownership or membership checks, and the roles (RBAC) for admin actions.",
         bad="security: {authn: JWT}", good="security: {authn: JWT, authz: owner_id check; RBAC for moderators}")

presence("SEC-005", "Encryption at rest not stated", section=_dive, field="encryption_at_rest",
         label="encryption at rest", severity="warning", playbook=P_ENC,
         applies=lambda ctx: not _compliance(ctx),
         why="Disks, snapshots and backups leave the building; encryption at rest with managed keys makes a lost "
             "volume or a leaked backup unreadable.",
         fix="State security.encryption_at_rest: which stores are encrypted and with which keys (KMS, rotation).",
         bad="security: {authn: JWT}", good="security: {encryption_at_rest: all volumes and buckets with KMS keys}")

presence("SEC-006", "Encryption in transit not stated", section=_dive, field="encryption_in_transit",
         label="encryption in transit", severity="warning", playbook=P_ENC,
         why="TLS at the edge protects users; mTLS inside protects against a compromised host reading or forging "
             "service-to-service calls.",
         fix="State security.encryption_in_transit: TLS at the edge and what protects internal calls (mTLS, mesh).",
         bad="security: {authn: JWT}", good="security: {encryption_in_transit: TLS 1.3 at the edge, mTLS inside}")

presence("SEC-007", "Input validation not stated", section=_dive, field="input_validation",
         label="input validation", severity="warning", playbook=P_INPUT,
         why="Every field a client sends is an attack surface (injection, oversized payloads, SSRF through URLs); "
             "validating at the boundary keeps bad input out of stores and queues.",
         fix="State security.input_validation: size limits, schemas, allowed schemes and characters, where checked.",
         bad="security: {authn: JWT}", good="security: {input_validation: JSON schema, 64 KB body limit, URL allow-list}")

presence("SEC-008", "Rate limiting not stated", section=_dive, field="rate_limiting", label="rate limiting",
         severity="warning", playbook=P_INPUT,
         satisfied=lambda ctx, sec: bool(sec.rate_limiting or (_api(ctx) and _api(ctx).rate_limiting) or any(
             c.resilience and c.resilience.rate_limit for c in ctx.components)),
         why="Without limits one client (a bug, a scraper, an attacker) can take the capacity every other user "
             "needs; limits per key and per IP turn abuse into 429s instead of an outage.",
         fix="State security.rate_limiting (or api_design.rate_limiting): the keys limited (user, API key, IP), "
             "the algorithm and where it is enforced.",
         bad="security: {authn: JWT}", good="security: {rate_limiting: token bucket per API key and per IP at the gateway}")

presence("SEC-009", "PII handling not stated", section=_dive, field="pii", label="PII handling",
         severity="warning", playbook=P_PII,
         applies=lambda ctx: not _compliance(ctx),
         why="Personal data that leaks into logs, events and analytics copies is the hardest to find and erase; "
             "saying where it lives keeps it there.",
         fix="State security.pii: which personal data is kept, where, how it is kept out of logs, and how it is erased.",
         bad="security: {authn: JWT}", good="security: {pii: emails only in the identity service; logs hash user ids}")


@rule("SEC-010", "Compliance stated, PII handling missing", severity="error", playbook=P_PII,
      why="The requirements state a regime that governs personal data, and the security dive never says where that "
          "data lives or how it is minimised and erased: the design contradicts its own contract.",
      fix="State security.pii: what personal data is kept, where, who reads it, how it stays out of logs and "
          "events, and how erasure reaches every copy.",
      bad="compliance: [{id: gdpr, regime: GDPR, requirement: erasure}]\nsecurity: {authn: JWT}",
      good="security: {authn: JWT, pii: erasure event deletes posts, caches and archives by user_id within 30 days}")
def compliance_without_pii(ctx):
    sec = _dive(ctx)
    if sec is not None and _compliance(ctx) and not (sec.pii or "").strip():
        yield Hit(sec, f"compliance is stated ({_regimes(ctx)}) but security.pii says nothing of personal data")


@rule("SEC-011", "Compliance stated, encryption at rest missing", severity="warning", playbook=P_ENC,
      why="Regulated data is expected to be encrypted at rest (PCI DSS and HIPAA say so; GDPR counts it as an "
          "appropriate measure); leaving it unstated under a stated regime invites the question.",
      fix="State security.encryption_at_rest: which stores, volumes and backups are encrypted, and with which keys.",
      bad="compliance: [{id: hipaa, regime: HIPAA, requirement: protect PHI}]\nsecurity: {authn: JWT}",
      good="security: {encryption_at_rest: every volume, bucket and backup with KMS keys rotated yearly}")
def compliance_without_encryption(ctx):
    sec = _dive(ctx)
    if sec is not None and _compliance(ctx) and not (sec.encryption_at_rest or "").strip():
        yield Hit(sec, f"compliance is stated ({_regimes(ctx)}) but encryption at rest is not")


@rule("SEC-012", "External clients and no authentication anywhere", severity="warning", playbook=P_AUTH,
      why="The design takes requests from clients, yet neither a security dive nor the API design says how a "
          "caller is authenticated: every endpoint is open until it does.",
      fix="State authentication in deep_dives.security.authn or deep_dives.api_design.auth.",
      bad="components: [{id: app, kind: client}, ...]\ndeep_dives: {caching: {...}}",
      good="deep_dives:\n  api_design: {auth: OAuth 2.0 bearer tokens checked at the gateway}")
def clients_without_auth(ctx):
    if ctx.dd is None or _dive(ctx) is not None or not _has_clients(ctx):
        return
    api = _api(ctx)
    if api is not None and (api.auth or "").strip():
        return
    clients = [c.id for c in ctx.components if c.kind is ComponentKind.client]
    yield Hit(ctx.dd, f"clients ({', '.join(clients)}) call the system but no deep dive states how they authenticate")


def _residency(ctx) -> list:
    return [c for c in _compliance(ctx) if _RESIDENCY.search(f"{c.regime or ''} {c.requirement}")]


@rule("SEC-013", "Data residency stated; where this component keeps data is not", severity="warning",
      playbook=P_PII,
      why="A residency requirement binds every copy: the stores and their replicas, the caches, the queues and "
          "streams that carry the data, a CDN's edge caches worldwide, and any third party it is sent to. A "
          "component that does not say where it runs is where the constraint is broken unnoticed.",
      fix="Say in the component's notes where it runs and where its copies go (e.g. eu-west-1 and eu-central-1 "
          "only); keep personal data off a global CDN or limit it to in-region points of presence; check a third "
          "party's processing region, or keep the data from it.",
      bad="compliance: [{id: residency, requirement: EU users' data stays in the EU}]\n"
          "components: [{id: db, kind: data_store, storage: relational}]",
      good="components: [{id: db, kind: data_store, storage: relational, notes: eu-west-1 only, replica in eu-central-1}]")
def residency_unplaced(ctx):
    items = _residency(ctx)
    if not items:
        return
    ids = ", ".join(i.id for i in items)
    for c in ctx.components:
        if c.kind not in _HOLDERS or (c.kind is ComponentKind.cache and c.cache_layer is CacheLayer.local):
            continue
        if _WHERE.search(" ".join(filter(None, (c.notes, c.technology, c.holds, c.responsibility)))):
            continue
        if c.kind is ComponentKind.cdn:
            what = "keeps copies in edge locations worldwide"
        elif c.kind is ComponentKind.external:
            what = "is a third party the data is sent to"
        elif c.regions and c.regions > 1:
            what = f"is replicated across {c.regions} regions"
        else:
            what = "keeps data"
        yield Hit(c, f"{c.id} {what}, and the design does not say where, under {ids}")
