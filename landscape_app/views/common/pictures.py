"""±1 patterns (stored memories, cues, states) drawn as pictures of square cells."""

import holoviews as hv

#: the two shades of a ±1 picture
PATTERN_SHADES = ["#111111", "#f5f5f5"]


def pattern_picture(image, title, width=250):
    """A ±1 picture (rows from the top), drawn as black and white square cells."""
    side = image.shape[0]
    # an array's first row is drawn at the top; the frame is square (cells are not stretched)
    # and the plot wide enough for its title
    return hv.Image(image, bounds=(0, 0, side, side), kdims=["column", "row"],
                    vdims=["V"]).opts(cmap=PATTERN_SHADES, clim=(-1, 1), frame_width=width - 40,
                                      frame_height=width - 40, xaxis=None, yaxis=None,
                                      title=title, tools=["save"], default_tools=[],
                                      toolbar="right", autohide_toolbar=True,
                                      fontsize={"title": "11pt"})
