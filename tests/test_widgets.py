"""The widgets the views share: editable sliders, docstring text."""

import param

from landscape_app.views.common.widgets import (
    EditableSlider,
    docstring_html,
    math_html,
    param_widgets,
)


class Model(param.Parameterized):
    rate = param.Number(0.5, bounds=(0.0, 10.0), softbounds=(0.0, 1.0))


def test_the_editable_slider_still_extends_its_range_when_a_value_beyond_it_is_typed():
    slider = EditableSlider.from_param(Model().param.rate)
    assert slider._slider.end == 1.0
    slider._value_edit.value = 5.0
    assert slider.value == 5.0 and slider._slider.end >= 5.0
    slider._value_edit.value = -0.0
    assert slider._slider.start == 0.0


def test_a_value_beyond_the_soft_range_widens_the_slider():
    """A step size suggested for a wide landscape (banana: 1.5 for random-walk Metropolis,
    whose soft range ends at 0.5) sat pinned at the slider's end."""
    from landscape_app.samplers import RandomWalkMetropolis

    sampler = RandomWalkMetropolis(landscape="double_well")
    widget = param_widgets(sampler, ["step_size"])._widgets["step_size"]
    sampler.step_size = 1.5
    assert widget.value == 1.5
    assert widget.end >= 1.5 and widget._slider.end >= 1.5
    assert widget.start <= 1.5
    wide = param_widgets(RandomWalkMetropolis(landscape="double_well", step_size=3.0),
                         ["step_size"])._widgets["step_size"]
    assert wide.end >= 3.0


def test_docstrings_show_code_in_a_code_font_not_backticks():
    text = docstring_html("HMC: ``n_leapfrog`` leapfrog steps, accept with exp(−ΔH/T) & <x>")
    assert "``" not in text and "<code>n_leapfrog</code>" in text and "&lt;x&gt;" in text


def test_subscripts_become_html_but_parameter_names_stay_readable():
    """``ξ_∞`` and ``u_{k+1}`` are maths; ``x_min`` in an error message is a parameter's
    name and must reach the page as typed (a bug once printed x<sub>min</sub>)."""
    assert math_html("ξ_∞ and u_{k+1}") == "ξ<sub>∞</sub> and u<sub>k+1</sub>"
    assert math_html("must satisfy x_min < x_max") == "must satisfy x_min &lt; x_max"
