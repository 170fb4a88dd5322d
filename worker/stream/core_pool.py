"""Several budgeted core processes behind one worker: its partitions' records spread over cores.

Scaling out by worker processes needs a partition per process; a topic with few partitions, or
a machine with more cores than the group has members, would leave cores idle. The pool lets one
consumer feed several cores while the agent still answers and commits in order.
"""

from worker.pipeline import Outcome, PipelineOptions, process
from worker.records import Received
from worker.stream.budget import BudgetedCore, Core


class CorePool:
    """`BudgetedCore.process` over `size` child processes; each record goes to the one with the
    fewest records in hand, so a slow page on one does not hold the others idle."""

    def __init__(
        self, options: PipelineOptions, budget_s: float, size: int, core: Core = process
    ) -> None:
        self._cores = [BudgetedCore(options, budget_s, core) for _ in range(size)]
        self._in_hand = [0] * size

    async def process(self, received: Received) -> Outcome:
        index = min(range(len(self._cores)), key=self._in_hand.__getitem__)
        self._in_hand[index] += 1
        try:
            return await self._cores[index].process(received)
        finally:
            self._in_hand[index] -= 1

    def close(self) -> None:
        for core in self._cores:
            core.close()
