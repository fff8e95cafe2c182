"""How ``signaleer show`` lays out one mention."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from monitor.cli.render import as_dict, json_line, local_time, terminal_safe
from monitor.models import StoredMention, TriageEntry


def print_mention_json(item: StoredMention, flag_list: Sequence[tuple[str, str]],
                       history: Sequence[TriageEntry], reposts: int) -> None:
    data = as_dict(item)
    data["flags"] = [{"category": c, "reason": r} for c, r in flag_list]
    data["triage"] = [{"status": t.status, "by": t.actor, "at": t.at.isoformat(), "note": t.note}
                      for t in history]
    data["reposts"] = reposts
    print(json_line(data, indent=2))


def print_mention(item: StoredMention, flag_list: Sequence[tuple[str, str]],
                  history: Sequence[TriageEntry], reposts: int, tz: tzinfo) -> None:
    from rich.console import Console

    out = Console(highlight=False)
    m = item.mention
    def p(text: str) -> None:  # never interpret post text as markup or as terminal controls
        out.print(terminal_safe(text, keep_lines=True), markup=False)

    kind = f" [{m.kind}]" if m.kind and m.kind != m.source else ""
    p(f"#{item.id}  {m.label}{kind}  {local_time(m.published_at, tz)}")
    if m.author:
        followers = f" ({m.author_followers:,} followers)" if m.author_followers else ""
        p(f"author: {m.author}{followers}")
    p(f"url:    {m.url}")
    if m.title and " ".join(m.title.split()) != " ".join(m.text.split()):
        p(f"title:  {m.title}")
    p("")
    p(m.text)
    p("")
    if item.verdict and item.verdict.flagged:
        v = item.verdict
        p(f"verdict: {v.severity.value} (score {v.score:.2f}) {', '.join(v.categories)}")
        for reason in v.reasons:
            p(f"  - {reason}")
    for category, reason in flag_list:
        p(f"flag {category}: {reason}")
    if reposts > 0:
        p(f"near-duplicates: {reposts} more in cluster {item.cluster_id}")
    if history:
        p("triage:")
        for t in history:
            note = f" - {t.note}" if t.note else ""
            p(f"  {local_time(t.at, tz)} {t.status} by {t.actor}{note}")
    else:
        p("triage: none yet ('signaleer triage ID handled' to record one)")
