"""The ways an application reaches the municipality; a new channel is one more entry here (and
its pages: formsvc.resident.channels)."""

from __future__ import annotations

from dataclasses import dataclass

ONLINE = "online"
COUNTER = "counter"


@dataclass(frozen=True)
class Channel:
    code: str
    label: tuple[str, str]  # the staff's lists, filters and the CSV (ja, en)
    record_label: str       # the printed record (Japanese only)


CHANNELS = (
    Channel(ONLINE, ("オンライン", "Online"), "オンライン申請"),
    Channel(COUNTER, ("窓口", "Counter"), "窓口（職員による代理入力）"),
)
LABELS = {channel.code: channel.label[0] for channel in CHANNELS}
RECORD_LABELS = {channel.code: channel.record_label for channel in CHANNELS}
