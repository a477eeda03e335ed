"""Knowledge risks are judged where the option is used, with that part's own numbers."""

from tests.review.util import fires, silent

QUEUE = """
name: t
requirements:
  use_cases: [{id: send, name: Send}]
  access_patterns: {processing: mixed}
architecture:
  components:
    - {id: api, kind: service}
    - {id: bus, kind: event_stream}
    - {id: work, kind: worker}
    - {id: parked, kind: queue}
  async_edges:
    - {id: e, use_case: send, producer: api, via: VIA, consumers: [work], dead_letter: parked}
"""


def test_a_dead_letter_queue_is_not_judged_as_a_work_queue():
    # COMM-QUEUE-001 fires on a queue when processing is mixed (real-time and batch from the
    # same events); a queue that only parks failed messages has no such consumers.
    silent(QUEUE.replace("VIA", "bus"), "COMM-QUEUE-001")
    f = fires(QUEUE.replace("VIA", "parked"), "COMM-QUEUE-001")
    assert f[0].element == "parked"


EDGES = """
name: t
requirements:
  use_cases: [{id: post, name: Post}, {id: follow, name: Follow}]
estimates:
  traffic:
    - {use_case: post, operation: write, rate: 1000/s, peak_multiplier: 1, fanout: 200}
    - {use_case: follow, operation: write, rate: 10/s, peak_multiplier: 1}
architecture:
  components:
    - {id: api, kind: service}
    - {id: bus, kind: event_stream}
    - {id: work, kind: worker}
  async_edges:
    - {id: e, use_case: UC, producer: api, via: bus, consumers: [work], pattern: notification}
"""


def test_an_event_pattern_is_judged_by_its_own_use_case():
    # post: 1000 posts/s x 200 followers = 200K deliveries/s, above fanout_deliveries (100K/s):
    # consumers calling back per event become a read storm (EVENT-NOTIF-001).
    f = fires(EDGES.replace("UC", "post"), "EVENT-NOTIF-001")
    assert f[0].pointer == "architecture.async_edges[0]"
    # follow: 10 events/s and no fan-out; the design-wide 200K/s is not this edge's load
    silent(EDGES.replace("UC", "follow"), "EVENT-NOTIF-001")


REST = """
name: t
requirements:
  use_cases: [{id: chat, name: Chat}]
  access_patterns: {realtime: bidirectional}
architecture:
  components: COMPONENTS
deep_dives:
  api_design: {style: rest}
"""


def test_rest_beside_a_push_channel_is_not_told_it_cannot_push():
    fires(REST.replace("COMPONENTS", "[{id: api, kind: service}]"), "COMM-REST-002")
    silent(REST.replace("COMPONENTS", "[{id: api, kind: service}, {id: ws, kind: realtime_gateway}]"),
           "COMM-REST-002")
