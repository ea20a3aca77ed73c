"""Before and after a letter, without crediting the letter with regression to the mean.

Letters go to offices that were just flagged as low. An office is flagged partly because its
flagging cycles were unluckily low, so its next cycles tend to come back up even when
nothing changed: regression to the mean. Two defences, both used here: the *before* side
leaves out the cycles that triggered the letter, and the office's change is set against the
change of comparable offices that got no letter over the same cycles (difference in
differences), which also removes anything that moved the whole network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from analysis._quantiles import normal_quantile
from analysis.rules import BeforeAfterRules
from analysis.vocabulary import ChangeVerdict, Finding

__all__ = ["LetterCheck", "letter_check"]

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
