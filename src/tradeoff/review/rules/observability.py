"""OBS: Phase 4, observability. The four golden signals, structured logging, distributed tracing
(a must once a request crosses several services), alerting without fatigue."""

from __future__ import annotations

from tradeoff.model.design import ComponentKind, ComputeStyle
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_SIGNALS = "Observability: golden signals - latency, traffic, errors, saturation"
P_LOGS = "Observability: structured logging"
P_TRACING = "Observability: distributed tracing"
P_ALERTS = "Observability: alerting without fatigue"

#: services at or above which a request is assumed to cross process boundaries worth tracing


def _dive(ctx):
    return ctx.dd.observability if ctx.dd else None


def _services(ctx) -> list[str]:
    return [c.id for c in ctx.components if c.kind is ComponentKind.service]


def _distributed(ctx) -> bool:
    return len(_services(ctx)) >= ctx.threshold("tracing_services") or bool(ctx.arch and ctx.arch.compute is ComputeStyle.microservices)


@rule("OBS-001", "No observability deep dive", severity="info", playbook=P_SIGNALS,
      why="A design nobody can see into is one nobody can operate: the first incident is diagnosed by guessing.",
      fix="Add deep_dives.observability: the golden signals, structured logging, tracing and alerting.",
      bad="deep_dives:\n  caching: {policy: aside}",
      good="deep_dives:\n  observability: {golden_signals: {latency: p99 per route}, alerting: SLO burn rate}")
def no_dive(ctx):
    if ctx.arch is not None and _dive(ctx) is None:
        yield Hit(ctx.dd if ctx.dd is not None else ctx.arch, "no observability deep dive (deep_dives.observability)")


def _signal(code: str, name: str, why: str, good: str) -> None:
    presence(code, f"Golden signal '{name}' not stated", section=_dive, field=f"golden_signals.{name}",
             label=f"the {name} golden signal", severity="warning", playbook=P_SIGNALS,
             satisfied=lambda ctx, sec: bool(sec.golden_signals and (getattr(sec.golden_signals, name) or "").strip()),
             why=why, fix=f"State observability.golden_signals.{name}: what is measured, where, and against which target.",
             bad="observability: {golden_signals: {}}", good=f"observability:\n  golden_signals: {{{name}: {good}}}")


_signal("OBS-002", "latency",
        "Latency is what users feel; measured per route and per hop at p50 and p99 (and for failed requests "
        "separately), it shows which dependency spends the budget.", "p50/p99 per route and per hop")
_signal("OBS-003", "traffic",
        "Traffic is the denominator of every other signal: requests, messages and bytes per second tell a spike "
        "from a failure and drive capacity planning.", "requests/s per route, events/s per topic")
_signal("OBS-004", "errors",
        "Error rates, explicit (5xx) and implicit (wrong content, timeouts counted as success), are the first "
        "sign an SLO is burning.", "5xx rate per route, DLQ inflow")
_signal("OBS-005", "saturation",
        "Saturation (CPU, memory, connections, consumer lag, queue depth) warns before latency does: it says how "
        "full the system is, so capacity is added before users notice.", "CPU, memory, consumer lag, pool usage")

presence("OBS-006", "Structured logging not stated", section=_dive, field="structured_logging",
         label="structured logging", severity="warning", playbook=P_LOGS,
         why="Logs as key-value records with request and trace ids can be queried across services; free text "
             "cannot, and it is where personal data leaks.",
         fix="State observability.structured_logging: the format, the ids carried, sampling, and what is never logged.",
         bad="observability: {tracing: OpenTelemetry}",
         good="observability: {structured_logging: JSON with request_id and trace_id; no bodies}")

presence("OBS-007", "Tracing not stated", section=_dive, field="tracing", label="distributed tracing",
         severity="info", playbook=P_TRACING, applies=lambda ctx: not _distributed(ctx),
         why="With few services a log line per request usually finds the slow step; tracing becomes essential as "
             "requests cross more processes.",
         fix="State observability.tracing: propagation (e.g. OpenTelemetry context), sampling, where traces go.",
         bad="observability: {structured_logging: JSON}",
         good="observability: {tracing: OpenTelemetry, 1% head sampling plus all errors}")


@rule("OBS-008", "No tracing across many services", severity="warning", playbook=P_TRACING,
      why="When one request crosses several services, a slow or failed request can only be explained by "
          "following it across them; without propagated trace context each team sees only its own hop.",
      fix="State observability.tracing: context propagation through services and queues, sampling (head plus "
          "tail for slow and failed requests), and the backend.",
      bad="compute: microservices\nobservability: {structured_logging: JSON}",
      good="observability: {tracing: OpenTelemetry through gRPC and Kafka headers; tail-sample errors}")
def no_tracing_distributed(ctx):
    dive = _dive(ctx)
    if dive is None or (dive.tracing or "").strip() or not _distributed(ctx):
        return
    services = _services(ctx)
    why = (f"{len(services)} services ({', '.join(services)})" if len(services) >= ctx.threshold("tracing_services")
           else "microservices compute")
    yield Hit(dive, f"requests cross {why} but distributed tracing is not stated")


presence("OBS-009", "Alerting not stated", section=_dive, field="alerting", label="alerting without fatigue",
         severity="warning", playbook=P_ALERTS,
         why="Alerts decide who wakes up: paging on symptoms (SLO burn) rather than causes keeps pages rare and "
             "actionable; paging on every metric trains people to ignore them.",
         fix="State observability.alerting: what pages (SLO burn rates), what opens a ticket, and how alerts are grouped.",
         bad="observability: {golden_signals: {...}}",
         good="observability: {alerting: page on 1h/6h error-budget burn; everything else is a ticket}")
