"""View pieces several pages share: the tabbed page and its tab-view protocol (``tabs``), Play /
Pause / Step / Reset (``playback``), plot elements (``elements``, ``pictures``,
``charts``), the live landscape
plot (``landscape_plot``), widgets from parameters (``widgets``), a page's settings in its URL
(``url``), sweeps in the background (``background``), downloads (``export``) and the offline
notebook extension (``notebook``), and the plots' drawing backend (``renderer``)."""

from .renderer import use_renderer

use_renderer()  # every page and notebook view draws on a canvas unless asked for WebGL

