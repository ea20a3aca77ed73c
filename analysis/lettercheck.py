"""Before and after a letter, without crediting the letter with regression to the mean.

Letters go to offices that were just flagged as low. An office is flagged partly because its
flagging cycles were unluckily low, so its next cycles tend to come back up even when
nothing changed: regression to the mean. Two defences, both used here: the *before* side
leaves out the cycles that triggered the letter, and the office's change is set against the
change of comparable offices that got no letter over the same cycles (difference in
differences), which also removes anything that moved the whole network.

:func:`letter_check` works on arrays (the benchmarks' simulations); :func:`letter_effect`
takes one office of a :class:`~analysis.network.NetworkCounts` with its comparable offices, as
the service counts them, and :func:`publish_letter_effect` gives its figures as they may be
shared outside the network.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from analysis._moments import mean_and_variance
from analysis._quantiles import normal_quantile
from analysis.histogram import ScoreHistogram
from analysis.privacy import count_band, group_suppression, variance_suppression
from analysis.rules import DEFAULT_RULES, BeforeAfterRules, PublicationRules
from analysis.slopes import network_slopes
from analysis.vocabulary import ChangeVerdict, Finding, Withheld

__all__ = ["LetterCheck", "LetterEffect", "letter_check", "letter_effect",
           "publish_letter_effect", "staff_letter_figures", "trigger_cycles"]

_DEFAULT = BeforeAfterRules()


@dataclass(frozen=True, slots=True)
class LetterCheck:
    """One office before and after a letter.

    Attributes
    ----------
    before_positions, after_positions, left_out : tuple of int
        Cycles used on each side, and the triggering cycles left out of *before*.
    before_n, after_n : int
    before_mean, after_mean : float or None
        Each side's precision-weighted mean of cycle means.
    change : float or None
        After minus before, the office alone.
    comparators : int
        Comparable offices without a letter with ratings on both sides.
    comparator_change : float or None
        Their average change over the same cycles.
    diff : float or None
        ``change - comparator_change`` (difference in differences; ``change`` when there is
        no comparator).
    diff_ci95 : (float, float) or None
    verdict : Finding
        :class:`~analysis.vocabulary.ChangeVerdict`.
    """

    before_positions: tuple[int, ...]
    after_positions: tuple[int, ...]
    left_out: tuple[int, ...]
    before_n: int
    after_n: int
    before_mean: float | None
    after_mean: float | None
    change: float | None
    comparators: int
    comparator_change: float | None
    diff: float | None
    diff_ci95: tuple[float, float] | None
    verdict: Finding


def _side(n, mean, positions, sigma2, tau2):
    """Precision-weighted mean and its variance over the given columns (rows = offices)."""
    n = n[..., list(positions)]
    mean = mean[..., list(positions)]
    rated = n > 0
    w = np.where(rated, 1 / (sigma2 / np.where(rated, n, 1) + tau2), 0.0)
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (w * np.where(rated, mean, 0)).sum(axis=-1) / total, 1 / total


def letter_check(n, mean, action_at: float, triggers: Iterable[int], *, sigma2: float,
                 tau2: float = 0.0, comparators_n=None, comparators_mean=None,
                 rules: BeforeAfterRules = _DEFAULT, confidence: float = 0.95) -> LetterCheck:
    """Change after a letter, triggering cycles left out, against offices with no letter.

    Parameters
    ----------
    n, mean : array_like, shape (cycles,)
        The office's ratings and mean per cycle, in cycle order (n = 0 where not rated).
    action_at : float
        The letter on the cycle axis, as in :func:`analysis.before_after` (cycle p covers
        p - 0.5 to p + 0.5).
    triggers : iterable of int
        The cycles whose figures led to the letter (e.g. the window that flagged it).
    sigma2, tau2 : float
        Within-cell variance and office-by-cycle shock variance
        (:func:`analysis.network_slopes`).
    comparators_n, comparators_mean : array_like, shape (offices, cycles), optional
        Comparable offices (same department type) that got no letter.
    rules : BeforeAfterRules
        ``window`` cycles on each side, ``min_per_side`` ratings on each side.

    Returns
    -------
    LetterCheck

    Notes
    -----
    Each side's mean weights cycle means by :math:`1/(\\sigma^2/n + \\tau^2)`, so one cycle's
    shock counts once however many ratings it had. The difference in differences is
    :math:`(\\bar a - \\bar b) - J^{-1}\\sum_j (\\bar a_j - \\bar b_j)`, its variance the sum of
    the office's two side variances and :math:`J^{-2}\\sum_j` of the comparators'. Under no
    change, and with the triggering cycles out, "higher after" happens with probability
    :math:`(1-\\text{confidence})/2`.

    References
    ----------
    Barnett, A. G., van der Pols, J. C. & Dobson, A. J. (2005). Regression to the mean: what
    it is and how to deal with it. International Journal of Epidemiology 34, 215-220.
    Angrist, J. D. & Pischke, J.-S. (2009). Mostly Harmless Econometrics, ch. 5.

    Examples
    --------
    >>> r = letter_check([10, 10, 10, 10, 10], [6, 6, 3, 6, 6], 2.5, [2], sigma2=4.0)
    >>> r.before_positions, r.left_out, r.after_positions, r.change, str(r.verdict)
    ((0, 1), (2,), (3, 4), 0.0, 'no_clear_change_after')
    """
    n = np.nan_to_num(np.asarray(n, dtype=float))
    mean = np.nan_to_num(np.asarray(mean, dtype=float))
    if n.ndim != 1 or n.shape != mean.shape:
        raise ValueError("n and mean must be one value per cycle")
    if sigma2 <= 0 or tau2 < 0:
        raise ValueError("a letter check needs sigma2 > 0 and tau2 >= 0")
    left_out = tuple(sorted({int(t) for t in triggers}))
    rated = [p for p in range(n.size) if n[p] > 0]
    before = tuple([p for p in rated if p + 0.5 <= action_at and p not in left_out]
                   [-rules.window:])
    after = tuple([p for p in rated if p - 0.5 >= action_at][:rules.window])
    before_n = int(n[list(before)].sum()) if before else 0
    after_n = int(n[list(after)].sum()) if after else 0
    not_enough = ChangeVerdict.NOT_ENOUGH_DATA(min_per_side=rules.min_per_side)
    empty = LetterCheck(before, after, left_out, before_n, after_n, None, None, None, 0, None,
                        None, None, not_enough)
    if before_n < rules.min_per_side or after_n < rules.min_per_side:
        return empty
    b_mean, b_var = _side(n, mean, before, sigma2, tau2)
    a_mean, a_var = _side(n, mean, after, sigma2, tau2)
    change = float(a_mean - b_mean)
    variance = float(a_var + b_var)
    diff, comparator_change, used = change, None, 0
    if comparators_n is not None:
        c_n = np.nan_to_num(np.asarray(comparators_n, dtype=float)).reshape(-1, n.size)
        c_mean = np.nan_to_num(np.asarray(comparators_mean, dtype=float)).reshape(-1, n.size)
        cb_mean, cb_var = _side(c_n, c_mean, before, sigma2, tau2)
        ca_mean, ca_var = _side(c_n, c_mean, after, sigma2, tau2)
        ok = np.isfinite(cb_mean) & np.isfinite(ca_mean)
        used = int(ok.sum())
        if used:
            comparator_change = float(np.mean(ca_mean[ok] - cb_mean[ok]))
            diff = change - comparator_change
            variance += float((ca_var[ok] + cb_var[ok]).sum()) / used**2
    half = normal_quantile(0.5 + confidence / 2) * variance**0.5
    low, high = diff - half, diff + half
    verdict = (ChangeVerdict.HIGHER_AFTER() if low > 0 else
               ChangeVerdict.LOWER_AFTER() if high < 0 else ChangeVerdict.NO_CLEAR_CHANGE())
    return LetterCheck(before, after, left_out, before_n, after_n, float(b_mean), float(a_mean),
                       change, used, comparator_change, diff, (low, high), verdict)


def trigger_cycles(action_at: float, window_cycles: int) -> tuple[int, ...]:
    """The cycles whose figures led to an action at ``action_at``: the ``window_cycles``
    cycles up to the last one wholly before it (the headline comparison's window then).

    >>> trigger_cycles(5.5, 3), trigger_cycles(5.25, 3), trigger_cycles(0.5, 3)
    ((3, 4, 5), (2, 3, 4), (0,))
    """
    last = math.floor(action_at - 0.5)
    return tuple(range(max(0, last - window_cycles + 1), last + 1))


@dataclass(frozen=True, slots=True)
class LetterEffect:
    """One office before and after one action, with the pooled sides the publication rules
    read.

    Attributes
    ----------
    action_at : float
    check : LetterCheck
    before, after : ScoreHistogram
        Each side's cycles pooled; ``raters`` is the most distinct raters in any one of its
        cycles, the safe lower bound of the distinct raters of the pool.
    min_per_side : int
    """

    action_at: float
    check: LetterCheck
    before: ScoreHistogram
    after: ScoreHistogram
    min_per_side: int

    @property
    def verdict(self) -> Finding:
        return self.check.verdict


def _pool(network, row: int, positions) -> ScoreHistogram:
    if not positions:
        return ScoreHistogram.empty()
    counts = network.counts[row, list(positions)]
    raters = network.raters[row, list(positions)]
    n = counts.sum(axis=1)
    known = np.where(raters >= 0, raters, n)  # unknown: one rating per leader per cycle
    return ScoreHistogram(tuple(int(c) for c in counts.sum(axis=0)), int(known.max()))


def letter_effect(network, office: Hashable, action_at: float, *, peers: Iterable = (),
                  peer_actions: Mapping[Hashable, Iterable[float]] | None = None,
                  window_cycles: int = 3, rules: BeforeAfterRules = _DEFAULT,
                  confidence: float = 0.95, variances=None) -> LetterEffect:
    """An office's change after an action, the triggering cycles left out, set against
    comparable offices that had no action (:func:`letter_check`).

    Parameters
    ----------
    network : NetworkCounts
        The counts that may be used (cells that may not be shown already emptied), cycles in
        order: a cycle's column is its position on the action's axis.
    office : hashable
        The office (absent from ``network``: no ratings, so "not enough data").
    action_at : float
        The action on the cycle axis: ``p - 0.5 + f`` for an action a fraction ``f`` through
        cycle ``p``, ``p + 0.5`` between cycles ``p`` and ``p + 1``. The cycle it falls in is
        on neither side (its ratings are partly before and partly after).
    peers : iterable of hashable
        Comparable offices (e.g. the same department type); those not in ``network`` and
        ``office`` itself are ignored.
    peer_actions : mapping office -> iterable of float, optional
        Where actions about the peers fall on the same axis: a peer with an action from the
        start of the first cycle compared to the end of the last is no comparator.
    window_cycles : int
        The headline comparison's window: the cycles left out as the action's trigger
        (:func:`trigger_cycles`).
    rules : BeforeAfterRules
    variances : NetworkVariances, optional
        The whole network's (:func:`analysis.network_variances`) when ``network`` holds only
        the office and its peers.

    Returns
    -------
    LetterEffect

    Notes
    -----
    The within-cell variance :math:`\\sigma^2` and the shock variance :math:`\\tau^2` are
    the network's (:func:`analysis.network_slopes` on every office of ``network``).

    Examples
    --------
    >>> from analysis import NetworkCounts
    >>> rows = [(o, str(c), s, 2) for o in ("A", "B") for c in range(8)
    ...         for s in ((4, 5, 6, 7) if o == "B" or c not in (3, 4, 5) else (3, 4, 5))]
    >>> net = NetworkCounts.from_rows(rows, cycle_order=[str(c) for c in range(8)])
    >>> effect = letter_effect(net, "A", 5.5, peers=["B"])
    >>> effect.check.left_out, effect.check.before_positions, effect.check.after_positions
    ((3, 4, 5), (0, 1, 2), (6, 7))
    >>> effect.check.change, effect.check.comparators, str(effect.verdict)
    (0.0, 1, 'no_clear_change_after')
    """
    action_at = float(action_at)
    if not math.isfinite(action_at):
        raise ValueError(f"action_at must be finite, got {action_at!r}")
    triggers = trigger_cycles(action_at, window_cycles)
    if office not in network.offices:  # not rated in any cycle that may be used
        nothing = np.zeros(len(network.cycles))
        check = letter_check(nothing, nothing, action_at, triggers, sigma2=1.0, rules=rules)
        return LetterEffect(action_at, check, ScoreHistogram.empty(), ScoreHistogram.empty(),
                            rules.min_per_side)
    row = network.offices.index(office)
    n, mean, var = mean_and_variance(network.counts)
    n = n.astype(float)
    sigma2 = tau2 = 0.0
    if variances is not None:
        sigma2, tau2 = variances.sigma2, variances.tau2
    elif np.any(n > 1):
        slopes = network_slopes(n, mean, var)
        sigma2, tau2 = slopes.sigma2, slopes.tau2
    if sigma2 > 0:
        own = letter_check(n[row], mean[row], action_at, triggers, sigma2=sigma2, tau2=tau2,
                           rules=rules)
        used = own.before_positions + own.after_positions
        span = (min(used) - 0.5, max(used) + 0.5) if used else (math.inf, -math.inf)
        acted = peer_actions or {}
        others = [network.offices.index(o) for o in dict.fromkeys(peers)
                  if o in network.offices and o != office
                  and not any(span[0] <= at <= span[1] for at in acted.get(o, ()))]
        check = letter_check(n[row], mean[row], action_at, triggers, sigma2=sigma2, tau2=tau2,
                             comparators_n=n[others] if others else None,
                             comparators_mean=mean[others] if others else None, rules=rules,
                             confidence=confidence)
    else:  # no rating varies anywhere: no interval, so "not enough data" (no cycle rated)
        check = letter_check(np.zeros(n.shape[1]), np.zeros(n.shape[1]), action_at, triggers,
                             sigma2=1.0, rules=rules)
    return LetterEffect(action_at, check, _pool(network, row, check.before_positions),
                        _pool(network, row, check.after_positions), rules.min_per_side)


def _side_reason(hist: ScoreHistogram, rules: PublicationRules) -> Finding | None:
    if hist.n == 0:
        return Withheld.NO_RATINGS()
    return group_suppression(hist, rules) or variance_suppression(hist, rules)


def publish_letter_effect(effect: LetterEffect,
                          rules: PublicationRules = DEFAULT_RULES) -> dict:
    """The before-and-after figures as they may be shared outside the network.

    A side is withheld when :func:`analysis.privacy.group_suppression` or
    :func:`~analysis.privacy.variance_suppression` withholds its pooled histogram, or it has
    no ratings: then every figure is ``None``, the verdict is "not enough data" (needing, on
    each side, the larger of ``min_per_side`` and the rules' ``min_raters_mean``), and
    ``withheld`` maps each withheld side to its reason. Otherwise counts are bands and the
    means, changes and interval are rounded to ``rules.mean_decimals``. The comparators'
    change averages cells that may be used, so it tells no more than their own means.

    Returns
    -------
    dict
        ``verdict``, ``before_cycles``, ``after_cycles``, ``left_out_cycles``,
        ``before_band``, ``after_band``, ``before_mean``, ``after_mean``, ``change``,
        ``comparators``, ``comparator_change``, ``diff``, ``ci95`` and ``withheld``.
    """
    check = effect.check
    reasons = {side: reason for side, reason in (
        ("before", _side_reason(effect.before, rules)),
        ("after", _side_reason(effect.after, rules))) if reason is not None}
    figures = {"before_cycles": len(check.before_positions),
               "after_cycles": len(check.after_positions),
               "left_out_cycles": len(check.left_out)}
    if reasons or check.diff is None:
        needed = max(effect.min_per_side, rules.min_raters_mean)
        return {**figures, "verdict": ChangeVerdict.NOT_ENOUGH_DATA(min_per_side=needed),
                "before_band": None, "after_band": None, "before_mean": None,
                "after_mean": None, "change": None, "comparators": check.comparators,
                "comparator_change": None, "diff": None, "ci95": None,
                "withheld": reasons or None}
    digits = rules.mean_decimals

    def rounded(value):
        return None if value is None else round(value, digits)

    return {**figures, "verdict": check.verdict,
            "before_band": count_band(effect.before.n, rules),
            "after_band": count_band(effect.after.n, rules),
            "before_mean": rounded(check.before_mean), "after_mean": rounded(check.after_mean),
            "change": rounded(check.change), "comparators": check.comparators,
            "comparator_change": rounded(check.comparator_change), "diff": rounded(check.diff),
            "ci95": [rounded(check.diff_ci95[0]), rounded(check.diff_ci95[1])],
            "withheld": None}


def staff_letter_figures(effect: LetterEffect) -> dict:
    """The same keys as :func:`publish_letter_effect`, unrounded, with exact counts
    (``before_n``, ``after_n``) instead of bands: for the staff pages inside the network."""
    check = effect.check
    return {"verdict": check.verdict, "before_cycles": len(check.before_positions),
            "after_cycles": len(check.after_positions), "left_out_cycles": len(check.left_out),
            "before_n": check.before_n, "after_n": check.after_n,
            "before_mean": check.before_mean, "after_mean": check.after_mean,
            "change": check.change, "comparators": check.comparators,
            "comparator_change": check.comparator_change, "diff": check.diff,
            "ci95": check.diff_ci95, "withheld": None}
