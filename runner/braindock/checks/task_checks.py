"""Check of the behavioural tasks a model lists under `tasks`: each is answered on the bundled stimuli as the
contract demands (every stimulus or triplet, labels from the task, probabilities summing to 1), twice alike."""
from __future__ import annotations

from ..contract.responses import read_response
from ..contract.task_answers import read_answer
from ..errors import Problem, ResponseError
from .describe_checks import exit_failure
from .result import CheckResult, failed, passed
from .session import ModelSession

PASSIVE = "passive"


def _answer(session: ModelSession, task: str, attempt: int):
    """The checked answer of one task run, or the failed result saying why there is none."""
    outcome = session.run(task=task, attempt=attempt)
    failure = exit_failure(outcome.result, outcome.label)
    if failure is not None:
        return failure
    try:
        response = read_response(outcome.output_dir, outcome.request, session.who)
        return read_answer(response, outcome.request, session.who)
    except ResponseError as error:
        return failed(f"task {task}: {error.message}", "answer in response.json#/behavior as spec/README.md describes for this task",
                      error.problems)


def check_behavioral_tasks(session: ModelSession) -> CheckResult:
    """Every task listed besides passive (label, probabilities, odd_one_out) is answered validly, and identically twice."""
    tasks = [t for t in session.description()["tasks"] if t != PASSIVE]
    if not tasks:
        return passed("only passive listed: behavioural benchmarks use the runner's readouts of the committed regions")
    for task in tasks:
        first, second = _answer(session, task, 0), _answer(session, task, 1)
        for answer in (first, second):
            if isinstance(answer, CheckResult):
                return answer
        if first.values.tolist() != second.values.tolist():
            return failed(f"task {task}: two runs of the same request gave different answers",
                          "seed every random choice from the request's seed",
                          [Problem(f"run task {task} #2", "NOT_DETERMINISTIC", "response.json#/behavior differs from run #1")])
    return passed(f"answered {', '.join(tasks)} on the bundled stimuli, identically twice")
