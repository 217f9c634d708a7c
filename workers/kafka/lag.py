"""Consumer lag per partition (``marsad_consumer_lag_records``): the records appended to a partition after the
last one the worker processed (acked), refreshed from the partitions' end offsets every few seconds."""

from __future__ import annotations

from collections.abc import Iterable

from faust.types import TP, ConsumerT

from marsad.workers import metrics


class ConsumerLag:
    def __init__(self) -> None:
        self._next: dict[TP, int] = {}  # the offset after the last processed record

    def processed(self, tp: TP, offset: int) -> None:
        self._next[tp] = max(self._next.get(tp, 0), offset + 1)

    def forget(self, tps: Iterable[TP]) -> None:
        """Partitions this worker no longer consumes: their series go (another worker reports them)."""
        for tp in tps:
            if self._next.pop(tp, None) is not None:
                metrics.CONSUMER_LAG.remove(tp.topic, str(tp.partition))

    async def report(self, consumer: ConsumerT) -> None:
        tps = [tp for tp in consumer.assignment() if tp in self._next]
        if not tps:
            return
        for tp, end in (await consumer.highwaters(*tps)).items():
            # A rebalance may have revoked the partition (``forget``) while the end offsets were fetched.
            if (next_offset := self._next.get(tp)) is not None:
                metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(max(0, end - next_offset))
