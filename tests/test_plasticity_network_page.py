"""/plasticity's network tab (its GUI-free session: an ES over a feed-forward and a lateral
rule) and the page's tabs: the open tab's settings in the sidebar, the URL's names, two pages
apart."""

import numpy as np
import pytest
from page_sweep import render

from landscape_app.page_models.plasticity.network import (
    FOUR_TERMS,
    KNOWN_PAIR,
    PAIR_TERMS,
    NetworkSession,
)
from landscape_app.views.plasticity.page import Plasticity


@pytest.mark.parametrize("m", [2, 3])
def test_the_search_from_zero_spans_the_top_components(m):
    """ES over A[xy], A[y²w], B[yₖyⱼ], B[l] from all zero (16 pairs, seed 0, deterministic):
    after 150 generations the outputs span the top M components on the training tasks and on
    three held-out rotations (> 0.95; measured 0.995 / 0.995 for M = 2 and 3 at generation
    ~30 on, where Rubner & Tavan's pair scores 0.989 / 0.884 after 1,000 presentations), the
    lateral rule found is anti-Hebbian and the feed-forward one Oja-like."""
    session = NetworkSession(outputs=m)
    session.advance(150)
    summary = session.summary()
    assert summary["ES"]["alignment"] > 0.95 and summary["ES"]["held_out"] > 0.95
    found = dict(zip(session.coefficients()["terms"], session.coefficients()["found"],
                     strict=True))
    assert found["B[yₖyⱼ]"] < 0 and found["A[xy]"] > 0 and found["A[y²w]"] < 0
    curves = session.loss_curves()
    assert curves["generation"].tolist() == list(range(151))
    assert curves["loss"][-1] < curves["loss"][0] / 20
    # only the four searched coefficients moved
    assert set(np.flatnonzero(session.pair)) <= set(FOUR_TERMS)


def test_the_known_pair_gives_each_output_its_own_component():
    """Oja + anti-Hebb (Rubner & Tavan) orders the outputs: output j is nearest PC j (|cos|
    > 0.9 on the diagonal; measured 0.96 / 0.90 / 0.97 for M = 3, 2,000 presentations)."""
    session = NetworkSession(outputs=3, presentations=2000)
    session.pair = KNOWN_PAIR.copy()
    result = session.components()
    assert result["diverged"] == -1
    cos = result["cos"]
    assert cos.shape == (3, 5)
    assert cos.argmax(axis=1).tolist() == [0, 1, 2]
    assert np.all(np.diag(cos) > 0.9)


def test_a_diverging_pair_is_reported_not_drawn():
    """Hebbian lateral weights (B = +yₖyⱼ) with Hebbian feed-forward weights blow up: the
    tab says where, with no NaN drawn."""
    session = NetworkSession()
    session.pair = np.zeros(54)
    session.pair[PAIR_TERMS.index("A[xy]")] = 1.0
    session.pair[PAIR_TERMS.index("B[yₖyⱼ]")] = 1.0
    result = session.components()
    assert result["diverged"] > 0 and np.all(result["cos"] == 0)


def test_bad_network_settings_are_refused():
    with pytest.raises(ValueError):
        NetworkSession(outputs=5)
    with pytest.raises(ValueError):
        NetworkSession(pairs=1)
    with pytest.raises(ValueError):
        NetworkSession(sigma=float("nan"))


def test_the_page_shows_the_open_tab_s_settings_and_reads_its_url_names():
    """The sidebar holds the open tab's settings only; a link (or a story's scene) opens the
    network tab with its settings under ``net.``; bad values are refused by name; Space plays
    the open tab."""
    view = render(Plasticity())
    assert [v.visible for v in view.side] == [True, False, False]
    assert view.player() is view.neuron.playback
    assert view.apply_settings({"tab": "1", "net.outputs": "3", "pairs": "4"}) == []
    assert view.tabs.active == 1 and [v.visible for v in view.side] == [False, True, False]
    assert view.network.session.settings.outputs == 3
    assert view.neuron.session.settings.pairs == 4
    assert view.player() is view.network.playback
    view.network.advance(2)()
    assert view.network.playback.step == 2 and "Oja + anti-Hebb" in view.network.summary.value
    assert set(view.apply_settings({"net.pairs": "-1", "net.search": "q"})) == \
        {"net.pairs", "net.search"}
    view.stop()


def test_two_pages_share_nothing():
    a, b = Plasticity(), Plasticity()
    a.network.session.settings.sigma = 0.3
    assert b.network.session.settings.sigma == 0.1
    assert a.network.session.es is not b.network.session.es
