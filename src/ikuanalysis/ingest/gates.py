"""Quality gates: plausibility rules run on each component after cleaning (data contract §1.8).

A breach of a stopping gate (``di_luar_tahun``, ``status_kosong``) is an error, unless the
year's ``sumber.yml`` accepts it with a reason; then it is recorded (data-quality log, the
processed summary, the report's first screen and its data-quality section). Accepting never
changes how rows are counted. The thresholds are config (``quality_gates`` in ``iku.yml``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ikuanalysis.config import GateThreshold, QualityGates
from ikuanalysis.formatting import format_number, format_percent
from ikuanalysis.ingest.cases import ComponentStats
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.sumber import SUMBER_FILE, Sumber


@dataclass(frozen=True)
class GateOutcome:
    """A breached gate of one component: the counts, and the reason when it was accepted."""

    rule: str
    component: str
    rows: int
    breaching: int
    accepted: bool
    reason: str = ""
    value: float = 0.0  # the share of the component's rows breaching (0..1, unrounded)
    threshold: dict = field(default_factory=dict)  # the gate's thresholds from config (majority_share, share, min_rows)

    def to_dict(self) -> dict:
        """Return the outcome as the processed summary and the report JSON store it."""
        return asdict(self)


def _log_breach(log: ProblemLog, rule: str, reason: str | None, folder: str, params: dict) -> None:
    """Record a breach: an error, or a warning carrying the reason it was accepted with."""
    if reason is not None and rule == "di_luar_tahun":
        log.add("gate_accepted", file=SUMBER_FILE, reason=reason, **params)
    elif reason is not None:
        log.add("gate_accepted", variant="status_kosong", file=SUMBER_FILE, reason=reason, **params)
    elif rule == "di_luar_tahun":
        log.add("gate_di_luar_tahun", file=folder, **params)
    else:
        log.add("gate_status_kosong", file=folder, **params)


def is_breached(breaching: int, rows: int, threshold: GateThreshold) -> bool:
    """Whether ``breaching`` of ``rows`` breaks a gate: above the majority share, or above the
    share with at least the minimum number of rows."""
    if rows <= 0 or breaching <= 0:
        return False
    share = breaching / rows
    return share > threshold.majority_share or (share > threshold.share and breaching >= threshold.min_rows)


def check_quality_gates(stats: list[ComponentStats], gates: QualityGates, sumber: Sumber, year: int,
                        folder: str, log: ProblemLog) -> list[GateOutcome]:
    """Run the stopping gates on each component's counts; log breaches; return every breach.

    Args:
        stats: The counts of each component cleaned from registers.
        gates: The thresholds (config).
        sumber: The year's ``sumber.yml`` (its ``terima`` entries accept breaches).
        year: The folder's year.
        folder: The year folder's name (where a breach is located).
        log: Where a breach is recorded: an error, or a warning when accepted.
    """
    outcomes = []
    for component in stats:
        counts = {"di_luar_tahun": component.excluded_other_year, "status_kosong": component.blank_status}
        for rule, breaching in counts.items():
            if not is_breached(breaching, component.rows_read, getattr(gates, rule)):
                continue
            acceptance = sumber.acceptance(rule, component.component)
            outcome = GateOutcome(rule, component.component, component.rows_read, breaching,
                                  acceptance is not None, acceptance.alasan if acceptance else "",
                                  value=breaching / component.rows_read,
                                  threshold=getattr(gates, rule).model_dump())
            outcomes.append(outcome)
            params = {"component": component.component, "breaching": format_number(breaching),
                      "row_total": format_number(component.rows_read),
                      "share": format_percent(breaching / component.rows_read * 100, 1), "year": year}
            _log_breach(log, rule, acceptance.alasan if acceptance else None, folder, params)
    return outcomes
