"""A page's settings in its URL: read once when the page opens, then written as they change.

Panel's ``Location.sync`` is two-way: every change of the address (including the browser
echoing back an address the server has just written, which arrives a round trip later) is applied
to the models again. A widget change therefore raced its own echo: choosing a sampler applied
the previous choice, or reverted it with a "not valid" message. Here the link is applied once,
when the session starts, and from then on the URL only follows the models.
"""

import json
import urllib.parse

import panel as pn

from .playback import on_page_loaded

#: the message a page shows when some settings of its link could not be applied
LINK_ERROR = "Some settings in the link were not valid and were ignored: {names}"


def link_error_message(names) -> str:
    return LINK_ERROR.format(names=", ".join(sorted(names)))


def show_refused(banner, names) -> None:
    """Tell, in a page's message ``banner`` (anything with ``show(text)``: a ``Playback``, a
    ``MessageBox``), which settings of its link were refused; nothing when none was."""
    if names:
        banner.show(link_error_message(set(names)))


def serialize(parameterized, name):
    """The query-string form of parameter ``name`` (None: leave it out of the URL)."""
    value = getattr(parameterized, name)
    if value is None:
        return None
    try:
        value = parameterized.param[name].serialize(value)
    except Exception:
        pass
    return value if isinstance(value, str) else json.dumps(value)


#: longest query value read (a hostile link could hold megabytes of nested brackets)
MAX_VALUE_LENGTH = 10_000


def candidates(parameterized, name, text):
    """What a query value may mean, most specific first: JSON (numbers, lists, true/false),
    then the text itself (names, expressions)."""
    if len(text) > MAX_VALUE_LENGTH:
        return
    try:
        value = json.loads(text)
    except ValueError:
        pass
    else:
        try:
            yield parameterized.param[name].deserialize(value)
        except Exception:
            yield value
    yield text


def _same(a, b) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:
        return False


class UrlSync:
    """Keeps some parameters of some objects in the page's query string.

    ``bind(obj, {parameter: query name})`` applies the link's values for those parameters now
    (each one on its own, so one bad value spoils nothing else; it returns the query names it
    refused, for the page's message) and afterwards writes the URL whenever one of them
    changes. ``unbind(obj)`` drops an object and its query names (the explorer's previous
    sampler). Query names that no bound object owns (say ``lecture``) are kept as they are.
    """

    def __init__(self, location=None):
        # False: no address at all (a page asked not to sync, a notebook); None: the
        # session's, where there is one
        if location is False:
            self.location = None
        else:
            self.location = location if location is not None else pn.state.location
        self._bound = []  # (parameterized, mapping, watcher)
        self._owned = set()  # every query name some bound object has owned
        self._holding = 0

    @property
    def active(self) -> bool:
        return self.location is not None

    def link_values(self) -> dict:
        """The query of the link the page was opened with, or as last written."""
        if self.location is None:
            return {}
        return dict(urllib.parse.parse_qsl(self.location.search.lstrip("?")))

    def apply(self, parameterized, mapping, names=None, query=None) -> list[str]:
        """Set the parameters of ``mapping`` that ``query`` (default: the link) gives; returns
        the refused names."""
        query = self.link_values() if query is None else query
        refused = []
        for name, key in mapping.items():
            if key not in query or (names is not None and name not in names):
                continue
            for value in candidates(parameterized, name, query[key]):
                try:
                    if not _same(value, getattr(parameterized, name)):
                        setattr(parameterized, name, value)
                    break
                except Exception:
                    continue
            else:
                refused.append(key)
        return refused

    def bind(self, parameterized, mapping, apply=True) -> list[str]:
        """Follow ``mapping`` = {parameter: query name} of ``parameterized`` in the URL."""
        if self.location is None:
            return []
        refused = self.apply(parameterized, mapping) if apply else []
        watcher = parameterized.param.watch(lambda *events: self.write(), list(mapping))
        self._bound.append((parameterized, dict(mapping), watcher))
        self._owned.update(mapping.values())
        return refused

    def apply_bound(self, query: dict) -> list[str]:
        """Set every bound parameter that ``query`` gives ({query name: text}), in the order
        they were bound (a story's scene); one write at the end; returns the refused names."""
        refused = []
        with self.hold():
            for obj, mapping, _watcher in list(self._bound):
                refused += self.apply(obj, mapping, query=query)
        return refused

    def unbind(self, parameterized) -> None:
        keep = []
        for obj, mapping, watcher in self._bound:
            if obj is parameterized:
                obj.param.unwatch(watcher)
            else:
                keep.append((obj, mapping, watcher))
        self._bound = keep

    def unbind_all(self) -> None:
        for obj, _mapping, watcher in self._bound:
            obj.param.unwatch(watcher)
        self._bound = []

    def query(self) -> dict:
        """The query the bound objects stand for, with the names nobody owns kept."""
        query = {k: v for k, v in self.link_values().items() if k not in self._owned}
        for obj, mapping, _watcher in self._bound:
            for name, key in mapping.items():
                value = serialize(obj, name)
                if value is not None:
                    query[key] = value
        return query

    def write(self) -> None:
        """Put the current settings in the address bar (no-op while held)."""
        if self.location is None or self._holding:
            return
        text = urllib.parse.urlencode(self.query())
        search = f"?{text}" if text else ""
        if search != self.location.search:
            self.location.search = search

    def hold(self):
        """A context in which changes are not written; one write at its end."""
        sync = self

        class _Hold:
            def __enter__(self):
                sync._holding += 1

            def __exit__(self, *exc):
                sync._holding -= 1
                sync.write()

        return _Hold()

    def write_on_load(self) -> None:
        """Write the whole query once the page has loaded: the browser reports its own (the
        link's, often partial) address on load, which would otherwise stay in the address bar."""
        if self.location is not None:
            on_page_loaded(self.write)


#: a page's Play/Pause settings kept in its URL
PLAYBACK_URL = ("speed", "frame_rate")


def linked(parameterized, names, prefix: str = "") -> tuple:
    """One entry of a tab view's ``url_parameters()``: parameters ``names`` of
    ``parameterized`` under the URL names ``prefix + name``."""
    return parameterized, {name: f"{prefix}{name}" for name in names}
