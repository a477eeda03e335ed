"""DEC: decisions in the playbook's five steps (state the requirement, name the criteria, make the
choice, name the tradeoff, say what was rejected), one rule per step, aligned with
tradeoff.knowledge.advise.check_decision; and decisions that contradict the design or gold-plate."""

from __future__ import annotations

from tradeoff.knowledge.options import knowledge_base
from tradeoff.model.design import ComponentKind, Priority
from tradeoff.model.refs import requirement_ids
from tradeoff.review.engine import Hit, rule

P1 = "Decision step 1: state the requirement"
P2 = "Decision step 2: name the decision criteria"
P3 = "Decision step 3: make the choice"
P4 = "Decision step 4: name the tradeoff ('we gain X, give up Y, acceptable because Z')"
P5 = "Decision step 5: mention what you rejected, and why"
P_TRACE = "Stay grounded in requirements: every decision traces to Phase 1; catch yourself gold-plating"


def _stated_option(d):
    """The knowledge-base option a decision names explicitly in choice.option, if it is one."""
    ch = d.choice
    return knowledge_base().option(ch.option) if ch is not None and ch.option else None


@rule("DEC-001", "Decision without a requirement", severity="warning", playbook=P1,
      why="A decision is only as good as the need it answers; without the requirement ('low-latency reads at "
          "100K QPS by key') nobody can tell whether the choice fits or is gold-plating.",
      fix="State decision.requirement: the need, with its numbers, that this decision answers.",
      bad="- {id: d1, choice: {option: key_value}}",
      good="- {id: d1, requirement: point reads by code at 35K/s, p99 60 ms, choice: {option: key_value}}")
def no_requirement(ctx):
    for d in ctx.design.decisions:
        if not (d.requirement or "").strip():
            yield Hit(d, f"decision '{d.id}': step 1: no requirement stated")


@rule("DEC-002", "Decision traces to nothing", severity="warning", playbook=P_TRACE,
      why="Every decision traces to Phase 1: naming the use cases and requirement ids it serves is what makes it "
          "checkable, and what shows it is not gold-plating.",
      fix="Fill decision.traces_to with the use-case ids and requirement ids (latency, consistency, availability, "
          "compliance) it serves.",
      bad="- {id: d1, requirement: fast reads}", good="- {id: d1, requirement: fast reads, traces_to: [redirect, lat-redirect]}")
def traces_to_nothing(ctx):
    for d in ctx.design.decisions:
        if not d.traces_to:
            yield Hit(d, f"decision '{d.id}': step 1: traces to no requirement or use case")


@rule("DEC-003", "Decision traces to an unknown requirement", severity="error", playbook=P_TRACE,
      why="A trace to an id that is neither a use case nor a requirement (latency, consistency, availability, "
          "durability, compliance) points at nothing: the decision's justification is missing.",
      fix="Use the id of a use case or of a non-functional requirement item, or add that requirement.",
      bad="traces_to: [fast-reads]  # no such id", good="traces_to: [lat-redirect]",
      false_positives="Loading a design file already refuses unknown references; this rule guards designs "
                      "built in code.")
def traces_to_unknown(ctx):
    known = requirement_ids(ctx.design)
    for d in ctx.design.decisions:
        for t in d.traces_to:
            if t not in known:
                yield Hit(d, f"decision '{d.id}' traces to '{t}', which is neither a use case nor a requirement id")


@rule("DEC-004", "Decision without criteria", severity="warning", playbook=P2,
      why="The criteria ('read latency and horizontal scale over query flexibility') are what the options are "
          "ranked by; without them the choice looks like a preference.",
      fix="List decision.criteria: what you optimise for, in order.",
      bad="- {id: d1, requirement: ..., choice: {option: key_value}}",
      good="- {id: d1, criteria: [point-read latency, horizontal scale], choice: {option: key_value}}")
def no_criteria(ctx):
    for d in ctx.design.decisions:
        if not d.criteria:
            yield Hit(d, f"decision '{d.id}': step 2: no decision criteria named")


@rule("DEC-005", "Decision without a choice", severity="error", playbook=P3,
      why="A decision that chooses nothing is a discussion, not a decision: the design cannot be checked "
          "against it.",
      fix="Add decision.choice with the option (e.g. key_value) and technology (e.g. DynamoDB).",
      bad="- {id: d1, requirement: fast reads}", good="- {id: d1, choice: {option: key_value, technology: DynamoDB}}")
def no_choice(ctx):
    for d in ctx.design.decisions:
        if d.choice is None or not (d.choice.option or d.choice.technology):
            yield Hit(d, f"decision '{d.id}': step 3: no choice made")


@rule("DEC-006", "Choice is not an option of the reference tables", severity="warning", playbook=P3,
      why="The option is what the knowledge base reasons about (fits, risks, alternatives); an option it does "
          "not know gets none of that checking.",
      fix="Name choice.option with an id of the reference tables (`tradeoff options` lists them), and put the "
          "product in choice.technology.",
      bad="choice: {option: dynamo}", good="choice: {option: key_value, technology: DynamoDB}")
def unknown_option(ctx):
    kb = knowledge_base()
    for d in ctx.design.decisions:
        ch = d.choice
        if ch is not None and ch.option and kb.option(ch.option) is None:
            yield Hit(ch, f"decision '{d.id}': step 3: '{ch.option}' is not an option of the reference tables")


@rule("DEC-007", "Choice technology maps to no option", severity="info", playbook=P3,
      why="Without an option, the technology alone has to be recognised to check the choice; this one maps to "
          "none, so the decision goes unchecked.",
      fix="Add choice.option (the reference-table option the technology embodies).",
      bad="choice: {technology: FooDB}", good="choice: {option: wide_column, technology: FooDB}")
def technology_unmapped(ctx):
    kb = knowledge_base()
    for d in ctx.design.decisions:
        ch = d.choice
        if ch is not None and not ch.option and ch.technology and not kb.for_technology(ch.technology):
            yield Hit(ch, f"decision '{d.id}': step 3: technology '{ch.technology}' maps to no known option; name the option")


def _tradeoff_part(code: str, part: str, label: str, why: str, good: str) -> None:
    @rule(code, f"Tradeoff without {label}", severity="warning", playbook=P4, why=why,
          fix=f"State decision.tradeoff.{part}.",
          bad="tradeoff: {gain: fast key reads}" if part != "gain" else "tradeoff: {give_up: ad-hoc queries}",
          good=f"tradeoff: {{{part}: {good}}}")
    def check(ctx):
        for d in ctx.design.decisions:
            t = d.tradeoff
            if t is None or not (getattr(t, part) or "").strip():
                yield Hit(t if t is not None else d, f"decision '{d.id}': step 4: tradeoff lacks {label}")


_tradeoff_part("DEC-008", "gain", "what we gain",
               "'We gain X' is the reason for the choice in one phrase; without it the cost has nothing to be "
               "weighed against.", "single-digit-ms key reads at any scale")
_tradeoff_part("DEC-009", "give_up", "what we give up",
               "Every option costs something; a decision that names no cost has not been weighed, and the "
               "interviewer will name it for you.", "ad-hoc queries and joins")
_tradeoff_part("DEC-010", "acceptable_because", "why that is acceptable",
               "'Acceptable because Z' ties the cost back to the requirements: it is the half of the principal-level "
               "sentence that shows judgement.", "every access is by key")


@rule("DEC-011", "No rejected alternative", severity="warning", playbook=P5,
      why="Naming what you considered and why it lost shows the choice was a choice; it also pre-empts the "
          "interviewer's 'why not X?'.",
      fix="Add decision.rejected: one or two alternatives, each with why it lost here.",
      bad="- {id: d1, choice: {option: key_value}}",
      good="- {id: d1, rejected: [{option: relational, why: 91 TB forces manual sharding}]}")
def nothing_rejected(ctx):
    for d in ctx.design.decisions:
        if not d.rejected:
            yield Hit(d, f"decision '{d.id}': step 5: no rejected alternative named")


@rule("DEC-012", "Rejected alternative without a why", severity="warning", playbook=P5,
      why="A rejected option without a reason is a name-drop; the why ('at this QPS with key lookups a "
          "purpose-built KV store is more efficient') is the reasoning being evaluated.",
      fix="Give each rejected alternative a why tied to this design's numbers or requirements.",
      bad="rejected: [{option: relational}]", good="rejected: [{option: relational, why: writes outgrow one primary}]")
def rejected_without_why(ctx):
    for d in ctx.design.decisions:
        for r in d.rejected:
            if not (r.why or "").strip():
                yield Hit(r, f"decision '{d.id}': step 5: rejected '{r.option}' has no why")


@rule("DEC-013", "Decision contradicts its component", severity="error", playbook=P3,
      why="The decision chooses one option for a component, and the architecture builds that component as a "
          "different option of the same role (a relational store decided, a key-value store drawn): one of the "
          "two is stale.",
      fix="Make the component's option, storage or technology match the decision, or update the decision.",
      bad="decision: {choice: {option: relational, component: db}}\ncomponent: {id: db, storage: key_value}",
      good="decision: {choice: {option: key_value, component: db}}\ncomponent: {id: db, storage: key_value}")
def contradicts_component(ctx):
    for d in ctx.design.decisions:
        ch = d.choice
        c = ctx.component(ch.component) if ch else None
        if c is None:
            continue
        chosen, built = _stated_option(d), ctx.option(c)
        if chosen is None or built is None or built.table == "compute":
            continue  # a service's compute option is read from its technology: not a contradiction to judge
        if chosen.role == built.role and chosen.id != built.id:
            yield Hit(ch, f"decision '{d.id}' chooses {chosen.id} for {c.id}, which the architecture builds as {built.id}")


@rule("DEC-014", "Decision for an out-of-scope use case", severity="warning", playbook=P_TRACE,
      why="A decision that serves a use case scoped out is gold-plating: design time spent on what the interview "
          "agreed to leave out.",
      fix="Drop the decision, trace it to an in-scope requirement, or bring the use case back into scope.",
      bad="use_cases: [{id: analytics, priority: out_of_scope}]\ndecisions: [{id: d1, traces_to: [analytics]}]",
      good="decisions: [{id: d1, traces_to: [redirect]}]")
def gold_plating(ctx):
    for d in ctx.design.decisions:
        out = [t for t in d.traces_to if t in ctx.use_cases and ctx.use_cases[t].priority is Priority.out_of_scope]
        if out:
            yield Hit(d, f"decision '{d.id}' traces to out-of-scope use case(s): {', '.join(out)}")


@rule("DEC-015", "No decisions while the design has data stores", severity="warning", playbook=P3,
      why="Choosing where data lives is the decision every interviewer asks about; a design with stores and no "
          "recorded decision leaves every choice unjustified.",
      fix="Record the main decisions in the five steps (requirement, criteria, choice, tradeoff, rejected), "
          "starting with the data stores.",
      bad="components: [{id: db, kind: data_store}]\n# no decisions",
      good="decisions:\n  - {id: d1, requirement: ..., choice: {option: relational, component: db}, ...}")
def no_decisions(ctx):
    stores = [c.id for c in ctx.components if c.kind is ComponentKind.data_store]
    if stores and not ctx.design.decisions:
        yield Hit(ctx.arch, f"the architecture has data stores ({', '.join(stores)}) and no decision is recorded")


@rule("DEC-016", "Decision rejects the option it chose", severity="error", playbook=P5,
      why="An alternative rejected in the same breath as it is chosen is a contradiction: either the choice or "
          "the rejection is a slip.",
      fix="Remove the chosen option from rejected, or change the choice.",
      bad="choice: {option: relational}\nrejected: [{option: relational, why: ...}]",
      false_positives="Only a rejected entry that is exactly the chosen option id or technology fires; another "
                      "technology of the same option ('key_value (Redis)' next to DynamoDB) is a real alternative.",
      good="choice: {option: relational}\nrejected: [{option: document, why: ...}]")
def rejects_its_choice(ctx):
    for d in ctx.design.decisions:
        chosen = _stated_option(d)
        if chosen is None:
            continue
        tech = (d.choice.technology or "").strip().lower()
        for r in d.rejected:
            text = r.option.strip().lower()
            if text == chosen.id or (tech and text == tech):
                yield Hit(r, f"decision '{d.id}' chooses {chosen.id} and also rejects it ('{r.option}')")


@rule("DEC-017", "Two decisions choose differently for one component", severity="error", playbook=P3,
      why="Two decisions about the same component and the same role (its store, its protocol) that pick "
          "different options cannot both hold; the design says two things.",
      fix="Keep one decision per component and role; fold the other's reasoning into its rejected list.",
      bad="- {id: a, choice: {option: relational, component: db}}\n- {id: b, choice: {option: document, component: db}}",
      good="- {id: a, choice: {option: relational, component: db}, rejected: [{option: document, why: ...}]}")
def conflicting_decisions(ctx):
    seen: dict[tuple[str, str], tuple] = {}
    for d in ctx.design.decisions:
        chosen = _stated_option(d)
        if chosen is None or d.choice.component is None:
            continue
        key = (d.choice.component, chosen.role)
        if key in seen and seen[key][1] != chosen.id:
            first, opt = seen[key]
            yield Hit(d.choice, f"decisions '{first}' and '{d.id}' choose {opt} and {chosen.id} for {key[0]}")
        seen.setdefault(key, (d.id, chosen.id))


@rule("DEC-018", "Must-have use case no decision traces to", severity="info", playbook=P_TRACE,
      why="The must-have use cases are where the design is judged; one that no decision serves was either easy "
          "(say so) or not thought through.",
      fix="Trace an existing decision to it, or record the decision that makes it work.",
      bad="use_cases: [{id: send, priority: must}]\ndecisions: [{traces_to: [history]}]",
      good="decisions: [{traces_to: [send, lat-send]}]")
def must_untraced(ctx):
    if not ctx.design.decisions:
        return
    traced = {t for d in ctx.design.decisions for t in d.traces_to}
    for u in ctx.must:
        if u.id not in traced:
            yield Hit(u, f"no decision traces to must-have use case '{u.id}'")
