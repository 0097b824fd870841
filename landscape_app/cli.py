"""The ``landscape-app`` command (and ``python -m landscape_app``): serve the app with Panel."""

import argparse
import os

#: Panel's callback threads: the numba kernels release the interpreter, so playing tabs step
#: side by side, and the event loop stays free to answer every tab
DEFAULT_THREADS = 4


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="landscape-app",
        description="Serve the landscape_app dashboard (http://localhost:5006 by default).")
    parser.add_argument("--port", type=int, default=5006, help="port to listen on (5006)")
    parser.add_argument("--address", default=None,
                        help="address to listen on (default: all interfaces)")
    show = parser.add_mutually_exclusive_group()
    show.add_argument("--show", dest="show", action="store_true",
                      help="open the app in a browser")
    show.add_argument("--no-show", dest="show", action="store_false",
                      help="do not open a browser (default)")
    parser.set_defaults(show=False)
    parser.add_argument("--num-threads", type=int, default=DEFAULT_THREADS,
                        help="threads Panel runs the pages' callbacks on, so that one tab's "
                             f"work does not hold up the others ({DEFAULT_THREADS}; 0: none)")
    parser.add_argument("--allow-websocket-origin", action="append", default=None,
                        metavar="HOST[:PORT]",
                        help="a host allowed to connect by websocket (repeatable)")
    parser.add_argument("--num-procs", type=int, default=1, metavar="N",
                        help="server processes sharing the port, for a bigger class (1); "
                             "see README")
    parser.add_argument("--no-warm-up", dest="warm", action="store_false",
                        help="do not compile the numba kernels before serving (the first "
                             "click of each kind then waits for them)")
    parser.add_argument("--no-spare-pages", dest="spares", action="store_false",
                        help="do not keep a page of each kind built ahead for the next tab "
                             "(saves memory, about 10 MB a page; each tab then waits for "
                             "its page to be built)")
    parser.add_argument("--dask-scheduler", default=None, metavar="ADDRESS",
                        help="where sweeps (capacity curves, multistarts, rule populations) "
                             "run: an existing Dask scheduler (tcp://host:8786), 'local' "
                             "(default: a LocalCluster started on first use) or 'serial' "
                             "(in the server process); also $LANDSCAPE_APP_DASK_SCHEDULER")
    parser.add_argument("--dask-workers", type=int, default=None, metavar="N",
                        help="worker processes of the local Dask cluster (one per core, up "
                             "to 4); also $LANDSCAPE_APP_DASK_WORKERS")
    parser.add_argument("--stories", action="append", default=None, metavar="FOLDER",
                        help="a folder of your own lecture stories (*.toml, see README; "
                             "repeatable), beside the app's own")
    return parser


def main(argv=None) -> None:
    args = build_parser().parse_args(argv)
    if args.stories:
        from .page_models.lecture import STORIES_VARIABLE

        os.environ[STORIES_VARIABLE] = os.pathsep.join(
            [*filter(None, os.environ.get(STORIES_VARIABLE, "").split(os.pathsep)),
             *args.stories])
    from .sweeps import WORKERS_VARIABLE, set_default_scheduler

    try:
        set_default_scheduler(args.dask_scheduler)
    except ValueError as error:
        build_parser().error(str(error))
    if args.dask_workers is not None:
        if not 1 <= args.dask_workers <= 64:
            build_parser().error(f"--dask-workers must be from 1 to 64, got {args.dask_workers}")
        os.environ[WORKERS_VARIABLE] = str(args.dask_workers)
    from .app import serve

    serve(port=args.port, address=args.address, show=args.show, num_threads=args.num_threads,
          allow_websocket_origin=args.allow_websocket_origin, num_procs=args.num_procs,
          warm=args.warm, spares=args.spares)


if __name__ == "__main__":
    main()
