"""The dashboard as sections of figures: each a chart, the table it pictures, and its CSV.

The page and the CSV downloads are made from the same ``Figure``s: what a manager reads on the
screen is what they download (the CSV goes down to each procedure and month).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from formsvc.dashboard import figures
from formsvc.dashboard.charts import BarChart, bar_chart, shorten
from formsvc.dashboard.figures import ChannelCounts, Spread
from formsvc.dashboard.periods import Period, month_label
from formsvc.definitions.schema import FormDefinition
from formsvc.submissions import status

CHECK_PAGE = "check"


@dataclass(frozen=True)
class Procedure:
    form_id: str
    title: str
    department: str
    definition: FormDefinition

    def page_title(self, page_id: str) -> str:
        if page_id == CHECK_PAGE:
            return "確認画面（送信の直前）"
        page = next((p for p in self.definition.pages if p.id == page_id), None)
        return page.title.ja if page is not None else f"（今はないページ：{page_id}）"

    def page_order(self, page_id: str) -> int:
        ids = [p.id for p in self.definition.pages]
        return ids.index(page_id) if page_id in ids else len(ids) + (page_id != CHECK_PAGE)


@dataclass
class Figure:
    id: str
    title: str
    description: str
    headers: tuple[str, ...]
    rows: Sequence[Sequence[str]]
    charts: list[BarChart] = field(default_factory=list)
    # The CSV (by procedure and month where the figure has them), built only when downloaded.
    csv: Callable[[], tuple[tuple[str, ...], list[tuple]]] | None = None
    note: str | None = None


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def duration(seconds: float | None) -> str:
    """A span as people say it: 45分, 5.5時間, 3.2日."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{max(round(seconds / 60), 0)}分"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f}時間"
    return f"{seconds / 86400:.1f}日"


def days(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 86400:.2f}"


def build(session: Session, period: Period, procedures: Sequence[Procedure], now: datetime) -> list[Figure]:
    form_ids = [p.form_id for p in procedures]
    titles = {p.form_id: p.title for p in procedures}
    return [
        *_channel_figures(session, period, procedures, form_ids, titles),
        _processing_figure(session, period, procedures, form_ids, titles),
        _waits_figure(session, period, form_ids, titles),
        _rates_figure(session, period, procedures, form_ids, titles),
        _visits_figure(session, period),
        _drop_off_figure(session, period, procedures, form_ids, now),
    ]


def _channel_row(label: str, counts: ChannelCounts) -> tuple[str, ...]:
    return (label, f"{counts.online:,}", f"{counts.counter:,}", f"{counts.paper:,}", f"{counts.total:,}",
            percent(counts.online_share))


CHANNEL_HEADERS = ("オンライン", "窓口", "紙", "合計", "オンライン化率")


def _channel_figures(session, period, procedures, form_ids, titles) -> list[Figure]:
    counts = figures.channel_counts(session, period, form_ids)
    by_form = figures.totals(counts, "form")
    by_month = figures.totals(counts, "month")
    overall = ChannelCounts()
    for each in by_month.values():
        for channel in figures.CHANNELS:
            overall.add(channel, getattr(each, channel))
    rows = [_channel_row(p.title, by_form.get(p.form_id, ChannelCounts())) for p in procedures]
    rows.append(_channel_row("合計", overall))
    month_rows = [_channel_row(month_label(m), by_month.get(m, ChannelCounts())) for m in period.months()]

    def csv():
        body = [(form_id, titles[form_id], month, c.online, c.counter, c.paper, c.total,
                 "" if c.online_share is None else f"{c.online_share * 100:.1f}")
                for (form_id, month), c in sorted(counts.items())]
        return ("手続きID", "手続き", "月", "オンライン", "窓口", "紙", "合計", "オンライン化率（%）"), body

    share_chart = bar_chart("chart-online-share", "手続きごとのオンライン化率",
                            ((shorten(p.title), by_form[p.form_id].online_share,
                              percent(by_form[p.form_id].online_share))
                             for p in procedures if p.form_id in by_form), maximum=1.0)
    month_chart = bar_chart("chart-online-share-by-month", "月ごとのオンライン化率",
                            ((month_label(m), by_month[m].online_share, percent(by_month[m].online_share))
                             for m in period.months() if m in by_month), maximum=1.0)
    return [
        Figure("channels", "申請件数とオンライン化率（手続きごと）",
               "経路ごとの申請件数と、全体に占めるオンライン申請の割合です。紙の申請は、管理者が入力した月ごとの件数です。",
               ("手続き", *CHANNEL_HEADERS), rows, [share_chart], csv),
        Figure("channels-by-month", "申請件数とオンライン化率（月ごと）",
               "選んだ手続きを合わせた、月ごとの件数です。", ("月", *CHANNEL_HEADERS), month_rows, [month_chart], csv),
    ]


def _spread_cells(spread: Spread | None) -> tuple[str, str, str]:
    if spread is None:
        return "0", "—", "—"
    return f"{spread.count:,}", duration(spread.median), duration(spread.p90)


SPREAD_HEADERS = ("件数", "中央値", "90パーセンタイル")
SPREAD_CSV = ("件数", "中央値（日）", "90パーセンタイル（日）")


def _processing_figure(session, period, procedures, form_ids, titles) -> Figure:
    spreads = figures.processing_times(session, period, form_ids)
    rows = [(p.title, *_spread_cells(spreads.get((p.form_id,)))) for p in procedures]
    chart = bar_chart("chart-processing", "手続きごとの処理時間（中央値）",
                      ((shorten(p.title), spreads[(p.form_id,)].median, duration(spreads[(p.form_id,)].median))
                       for p in procedures if (p.form_id,) in spreads))

    def csv():
        monthly = figures.processing_times(session, period, form_ids, by=("form_id", "month"))
        body = [(form_id, titles[form_id], month, s.count, days(s.median), days(s.p90))
                for (form_id, month), s in sorted(monthly.items())]
        return ("手続きID", "手続き", "月", *SPREAD_CSV), body

    return Figure("processing", "処理時間（受付から完了まで）",
                  "期間中に受け付けた申請のうち、承認・却下・交付まで進んだものの、受付からその決定までの時間です。",
                  ("手続き", *SPREAD_HEADERS), rows, [chart] if chart.bars else [], csv)


def _waits_figure(session, period, form_ids, titles) -> Figure:
    spreads = figures.status_waits(session, period, form_ids)
    shown = [s for s in status.STATUSES if s.open]
    rows = [(s.short, *_spread_cells(spreads.get((s.code,)))) for s in shown]
    chart = bar_chart("chart-waits", "状況ごとの滞留時間（中央値）",
                      ((s.short, spreads[(s.code,)].median, duration(spreads[(s.code,)].median))
                       for s in shown if (s.code,) in spreads))

    def csv():
        detailed = figures.status_waits(session, period, form_ids, by=("form_id", "month", "status"))
        body = [(form_id, titles[form_id], month, status.SHORT_LABELS.get(code, code), s.count,
                 days(s.median), days(s.p90))
                for (form_id, month, code), s in sorted(detailed.items(), key=lambda item: tuple(map(str, item[0])))]
        return ("手続きID", "手続き", "月", "状況", *SPREAD_CSV), body

    return Figure("waits", "状況ごとの滞留時間",
                  "申請がその状況にとどまった時間です（次の状況に進んだものだけを数えます。差し戻しは住民の方の修正を待つ時間です）。",
                  ("状況", *SPREAD_HEADERS), rows, [chart] if chart.bars else [], csv)


def _rates_figure(session, period, procedures, form_ids, titles) -> Figure:
    found = figures.rates(session, period, form_ids)
    rows = []
    for p in procedures:
        r = found.get((p.form_id,), figures.Rates(0, 0, 0, 0))
        rows.append((p.title, f"{r.applications:,}", f"{r.corrected:,}", percent(r.correction_rate),
                     f"{r.decided:,}", f"{r.rejected:,}", percent(r.rejection_rate)))
    chart = bar_chart("chart-correction-rate", "手続きごとの差し戻し率",
                      ((shorten(p.title), found[(p.form_id,)].correction_rate,
                        percent(found[(p.form_id,)].correction_rate))
                       for p in procedures if (p.form_id,) in found), maximum=1.0)

    def csv():
        monthly = figures.rates(session, period, form_ids, by=("form_id", "month"))
        body = [(form_id, titles[form_id], month, r.applications, r.corrected,
                 "" if r.correction_rate is None else f"{r.correction_rate * 100:.1f}", r.decided, r.rejected,
                 "" if r.rejection_rate is None else f"{r.rejection_rate * 100:.1f}")
                for (form_id, month), r in sorted(monthly.items())]
        return ("手続きID", "手続き", "月", "申請", "差し戻し", "差し戻し率（%）", "決定", "却下", "却下率（%）"), body

    return Figure("rates", "差し戻し率と却下率",
                  "差し戻し率は、申請のうち一度でも修正をお願いしたものの割合です。却下率は、決定（承認・却下・交付）のうち却下の割合です。",
                  ("手続き", "申請", "差し戻し", "差し戻し率", "決定", "却下", "却下率"), rows,
                  [chart] if chart.bars else [], csv)


def _visits_figure(session, period) -> Figure:
    visits = figures.counter_visits(session, period)
    rows = [(month_label(v.month), f"{v.count:,}", *(_spread_cells(v.duration)[1:])) for v in visits]
    chart = bar_chart("chart-visits", "月ごとの来庁者数", ((month_label(v.month), v.count, f"{v.count:,}人")
                                                          for v in visits))

    def csv():
        body = [(v.month, v.count, "" if v.duration is None else f"{v.duration.median / 60:.1f}",
                 "" if v.duration is None else f"{v.duration.p90 / 60:.1f}") for v in visits]
        return ("月", "来庁", "所要時間の中央値（分）", "所要時間の90パーセンタイル（分）"), body

    return Figure("visits", "窓口の来庁者数と所要時間",
                  "書かない窓口で受け付けた来庁者の数と、受付を始めてから終えるまでの時間です。1回の来庁で複数の手続きをすることがあるため、手続きや部署では絞り込みません。",
                  ("月", "来庁", "所要時間の中央値", "所要時間の90パーセンタイル"), rows,
                  [chart] if chart.bars else [], csv)


def _drop_off_figure(session, period, procedures, form_ids, now) -> Figure:
    found = figures.drop_off(session, period, form_ids, now)
    rows = [(p.title, f"{found[p.form_id].submitted_online:,}", f"{found[p.form_id].abandoned:,}",
             percent(found[p.form_id].abandonment_rate)) for p in procedures]
    charts = []
    for p in procedures:
        stopped = found[p.form_id].stopped
        if stopped:
            pages = sorted(stopped, key=p.page_order)
            charts.append(bar_chart(f"chart-drop-off-{p.form_id}", f"{p.title}：途中でやめたページ",
                                    ((shorten(p.page_title(page), 16), stopped[page], f"{stopped[page]:,}件")
                                     for page in pages)))

    def csv():
        body = [(p.form_id, p.title, page, p.page_title(page), found[p.form_id].stopped[page])
                for p in procedures for page in sorted(found[p.form_id].stopped, key=p.page_order)]
        return ("手続きID", "手続き", "ページID", "ページ", "途中でやめた件数"), body

    return Figure("drop-off", "途中でやめた申請（離脱）",
                  "オンラインで入力を始めたものの、送信しないまま保存期限が過ぎた申請が、どのページで止まっていたかです。",
                  ("手続き", "オンラインで送信", "途中でやめた", "離脱率"), rows, charts, csv,
                  note="ページごとの件数はグラフの下の表とCSVで確かめられます。")
