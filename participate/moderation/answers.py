"""The city's answer to an initiative, given on the desk: stored, audited, announced.

One service call: the answer is stored (and checked) by the initiatives feature, the status
changes through `decide` (the transition and the audit entry with the answer in it), and the
author and every supporter are e-mailed in their own language.
"""

from __future__ import annotations

from participate.accounts.models import User
from participate.initiatives import answers as initiatives
from participate.initiatives.models import Initiative, InitiativeAnswer
from participate.moderation.services import decide
from participate.workflow.states import Action


def answer_initiative(
    initiative: Initiative, data: initiatives.AnswerData, *, actor: User
) -> InitiativeAnswer:
    answer = initiatives.record_answer(initiative, data, actor=actor)
    decide(
        initiative,
        Action.ANSWER,
        actor=actor,
        notify_author=False,  # the answer e-mail below goes to the author too
        details={
            "answer": {
                "decision_maker": answer.decision_maker,
                "decided_on": answer.decided_on.isoformat(),
                "languages": answer.languages,
            }
        },
    )
    initiatives.notify_answer(initiative, answer)
    return answer
