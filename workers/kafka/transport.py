"""Faust's aiokafka transport with one correction: after a rebalance, a partition that has no committed offset
is read again from its beginning.

Faust ends every rebalance by seeking each assigned partition to its committed offset (``perform_seek``), but
aiokafka's ``seek_to_committed`` leaves a partition with no committed offset where it is. Faust resumes the
partitions before that seek, so the consumer may already have fetched such a partition while the flow was
stopped; Faust drops those records and the position stays past them. A worker that takes over the partitions of
one killed before its first commit (Faust commits every few seconds) then never sees the records the dead
worker had not finished: they are lost. Reading from the beginning is what ``auto_offset_reset="earliest"``
means for a partition nobody committed, and replays are idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP


async def seek_to_committed_or_beginning(consumer: AIOKafkaConsumer) -> dict[TopicPartition, int | None]:
    """Seeks every assigned partition to its committed offset, and those without one to their first record;
    returns the committed offsets (None where there is none), as ``seek_to_committed`` does."""
    committed: dict[TopicPartition, int | None] = await consumer.seek_to_committed()
    uncommitted = [tp for tp, offset in committed.items() if not offset]
    if uncommitted:
        await consumer.seek_to_beginning(*uncommitted)
    return committed


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    async def seek_to_committed(self) -> Mapping[TP, int]:
        committed: Mapping[TP, int] = await self.call_thread(seek_to_committed_or_beginning, self._ensure_consumer())
        return committed


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(faust_aiokafka.Transport):
    """Faust's ``kafka://`` transport, consuming through ``_Consumer``."""

    Consumer = _Consumer
