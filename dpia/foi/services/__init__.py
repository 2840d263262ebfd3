"""What FOI offers other areas and its own views: recording requests and their answers, the s.22 evidence,
the response letter and the FOI officer's queue."""

from dpia.foi.services.queue import foi_deadlines  # noqa: F401
from dpia.foi.services.requests import (  # noqa: F401
    ItemInput,
    add_item,
    answer_item,
    find_foi_request,
    foi_requests_for,
    outline_of,
    part_choices,
    record_foi_request,
    record_progress,
    record_s22_conclusion,
)
from dpia.foi.services.s22 import S22Pack, s22_evidence, s22_pack  # noqa: F401
