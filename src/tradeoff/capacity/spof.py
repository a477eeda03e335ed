"""Single points of failure and choke points of a design, from its call graph and placement.

The graph is the undirected graph of components joined by the caller -> callee legs of the
load model (load.py). A component is a single point of failure when losing it stops service:
it is a cut vertex (articulation point) of that graph with one replica, a stateful component
with one replica, a component of ours with one replica on a use case's synchronous path, or a
component that carries load from one availability zone. A cut vertex with several replicas is
a choke point: no one failure stops it, but every path crosses it, so its zone spread matters.
Clients, DNS, CDNs and third parties are never findings: they are not our servers.

A use case loses service when a component on its synchronous path fails: the components
reached from where the use case starts (the client, or a flow's first hop) over legs someone
waits on. A component reached only behind a queue or stream delays the use case instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tradeoff.capacity.model import CapacityModel
from tradeoff.model.design import STATEFUL_KINDS, ComponentKind

#: not our servers, or the provider's edge: never a finding
NOT_OURS = frozenset({ComponentKind.client, ComponentKind.dns, ComponentKind.external, ComponentKind.cdn})

# reason codes
ARTICULATION = "articulation"  # every path through it, one replica
STATEFUL = "stateful"  # holds state, one replica
ONE_REPLICA = "one_replica"  # one replica on a use case's synchronous path
ONE_ZONE = "one_zone"  # all replicas in one zone


@dataclass(frozen=True)
class Reach:
    """Where one use case's requests go: the components they wait on, and those behind a queue."""

    use_case: str
    sync: frozenset[str]
    delayed: frozenset[str]


@dataclass
class SinglePoint:
    """A component whose loss stops service: why, and which use cases lose it."""

    component: str
    reasons: list[str]
    kinds: list[str]  # reason codes, one per reason
    impact: list[str]  # use cases whose synchronous path reaches it
    delayed: list[str] = field(default_factory=list)  # use cases that reach it only behind a queue


@dataclass
class ChokePoint:
    """A cut vertex with several replicas: no one failure stops it, but every path crosses it."""

    component: str
    replicas: int
    zones: int | None
    reason: str
    impact: list[str]
    delayed: list[str] = field(default_factory=list)


def reach(model: CapacityModel) -> dict[str, Reach]:
    """Per use case, the components on its synchronous path and those reached only behind a queue."""
    out: dict[str, Reach] = {}
    for uc, load in model.demand.use_cases.items():
        legs = [e for e in model.demand.edges if e.use_case == uc]
        callees = {e.callee for e in legs}
        nodes = set(load.visits) | {e.caller for e in legs} | callees
        # where the use case starts: what it visits that no leg of it calls (the client, a flow's root)
        roots = {n for n in nodes if n not in callees} or ({legs[0].caller} if legs else set())
        sync, todo = set(roots), list(roots)
        while todo:
            here = todo.pop()
            for e in legs:
                if e.sync and e.caller == here and e.callee not in sync:
                    sync.add(e.callee)
                    todo.append(e.callee)
        out[uc] = Reach(uc, frozenset(sync), frozenset(nodes - sync))
    return out


def _graph(model: CapacityModel):
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(c.id for c in model.design.components)
    g.add_edges_from((e.caller, e.callee) for e in model.demand.edges if e.caller != e.callee)
    return g


def _impact(reaches: dict[str, Reach], cid: str) -> tuple[list[str], list[str]]:
    lost = [uc for uc, r in reaches.items() if cid in r.sync]
    delayed = [uc for uc, r in reaches.items() if cid in r.delayed]
    return lost, delayed


def _articulation(model: CapacityModel) -> set[str]:
    import networkx as nx

    return set(nx.articulation_points(_graph(model)))


def single_points(model: CapacityModel) -> list[SinglePoint]:
    """The design's single points of failure, in the design's component order."""
    cuts = _articulation(model)
    reaches = reach(model)
    on_sync = set().union(*(r.sync for r in reaches.values())) if reaches else set()
    found: list[SinglePoint] = []
    for c in model.design.components:
        if c.kind in NOT_OURS:
            continue
        cm = model.components.get(c.id)
        carries = cm is not None and cm.load.peak > 0
        reasons: list[tuple[str, str]] = []
        if c.id in cuts and c.replicas == 1:
            reasons.append((ARTICULATION, f"every path through {c.id}, one replica"))
        if c.kind in STATEFUL_KINDS and c.replicas == 1 and carries:
            reasons.append((STATEFUL, f"{c.kind.value} {c.id} holds state on one replica"))
        if c.replicas == 1 and carries and c.id in on_sync and not reasons:
            reasons.append((ONE_REPLICA, f"one replica of {c.id} on the request path"))
        if c.zones == 1 and carries:
            reasons.append((ONE_ZONE, f"all {c.replicas} replica(s) of {c.id} in one zone"))
        if reasons:
            lost, delayed = _impact(reaches, c.id)
            found.append(SinglePoint(c.id, [r for _, r in reasons], [k for k, _ in reasons], lost, delayed))
    return found


def choke_points(model: CapacityModel) -> list[ChokePoint]:
    """Cut vertices of the call graph with several replicas (in more than one zone, or zones not
    stated), in the design's component order."""
    cuts = _articulation(model)
    reaches = reach(model)
    out: list[ChokePoint] = []
    for c in model.design.components:
        if c.kind in NOT_OURS or c.id not in cuts or c.replicas == 1 or c.zones == 1:
            continue  # one replica or one zone: a single point, not a choke point
        where = f"in {c.zones} zone(s)" if c.zones else "zones not stated"
        lost, delayed = _impact(reaches, c.id)
        out.append(ChokePoint(c.id, c.replicas, c.zones,
                              f"every path through {c.id}: {c.replicas} replicas {where}", lost, delayed))
    return out
